"""Planned progress: dated values a metric key result is expected to reach.

Real targets are rarely linear (sales are back-loaded, hiring comes in waves). A plan
lists the values a metric should have reached by given days; between them the expected
value is linear. The cycle's first day at the start value and its last day at the target
are implied, so a plan only needs the points where it bends, and a plan that samples
the straight line expects what the straight line does. Planned days outside the cycle
being judged are left out.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any

import attrs

from okrkpi._errors import ValidationError
from okrkpi._model._checks import check_date, check_moment, finite_float
from okrkpi._model.cycle import Cycle
from okrkpi._model.moments import DayOf, day_of

__all__ = ["PlanPosition", "PlannedValue", "plan_day", "plan_field", "plan_position"]


@attrs.frozen(slots=True)
class PlannedValue:
    """The value a metric should have reached by the end of a day.

    A plan is by the day: `at` is a `date`. A timestamp at midnight without a time zone
    (a `datetime`, a pandas `Timestamp`, a numpy `datetime64`) is that day, as in tables,
    where frame libraries store days that way; any other datetime is refused with a
    `ValidationError` (which day a moment falls on depends on the day rule of the policy
    that judges it, so a plan point would move between policies).

    Attributes:
        at: The day.
        value: The planned value, in the metric's unit.
    """

    at: date
    value: float

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "at", plan_day("PlannedValue.at", self.at))
        object.__setattr__(self, "value", finite_float("PlannedValue.value", self.value))


_PLAN_DAY = (
    "a date, or a timestamp at midnight without a time zone (that day); "
    "a plan is by the day, not the time"
)
_COARSER_THAN_A_DAY = frozenset({"Y", "M", "W"})  # numpy units that name no one day


def plan_day(path: str, value: object) -> date:
    """A plan's day: a plausible `date`, or a zone-less midnight timestamp as its day.

    The rule of tables: a `datetime` (pandas' `Timestamp` too) or numpy `datetime64` at
    midnight without a time zone stands for that day. Other datetimes are refused: a plan
    is by the day.

    Raises:
        ValidationError: Not a day by that rule, or outside the plausible years, naming
            `path`.
    """
    if value.__class__.__name__ == "datetime64":  # numpy's, read without importing numpy
        unit = str(getattr(value, "dtype", "")).partition("[")[2].rstrip("]")
        day = value.astype("datetime64[D]")  # type: ignore[attr-defined]
        moment = day.item()  # a date, or an int past what a date holds
        if unit in _COARSER_THAN_A_DAY or bool(day != value) or not isinstance(moment, date):
            raise ValidationError.field(path, value, _PLAN_DAY)  # a time, NaT, year 12026
        value = moment
    if value.__class__ is not date and isinstance(value, datetime):
        check_moment(path, value, _PLAN_DAY)  # pandas' NaT is a datetime no one can read
        nanoseconds: int = getattr(value, "nanosecond", 0)  # pandas' Timestamp has them
        if value.tzinfo is not None or value.time() != time(0) or nanoseconds:
            raise ValidationError.field(path, value, _PLAN_DAY)
        value = date(value.year, value.month, value.day)
    check_moment(path, value, _PLAN_DAY)
    check_date(path, value)
    return value  # type: ignore[return-value]


def _point(item: object, position: int) -> PlannedValue:
    if isinstance(item, PlannedValue):
        return item
    if isinstance(item, Mapping) and set(item) == {"at", "value"}:
        at, value = item["at"], item["value"]
    elif isinstance(item, tuple | list) and len(item) == 2:
        at, value = item
    else:
        raise ValidationError.field(
            f"Metric.plan[{position}]", item, "a PlannedValue or a (date, value) pair"
        )
    day = plan_day(f"Metric.plan[{position}].at", at)  # named by its position in the plan
    return PlannedValue(day, value)


def plan_field(
    value: Iterable[PlannedValue | tuple[date, float]] | None,
) -> tuple[PlannedValue, ...]:
    """The converter of `Metric.plan`: points sorted by day, each day once."""
    if value is None or (value.__class__ is tuple and not value):  # most metrics: no plan
        return ()
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise ValidationError.field("Metric.plan", value, "a sequence of (date, value) pairs")
    points = sorted((_point(item, n) for n, item in enumerate(value)), key=lambda p: p.at)
    for before, after in itertools.pairwise(points):
        if before.at == after.at:
            raise ValidationError.field("Metric.plan.at", after.at, "each day planned once")
    return tuple(points)


@attrs.frozen(slots=True)
class PlanPosition:
    """Where a planned metric is expected to be on a day, as progress and as a value.

    Attributes:
        expected: Expected progress in [0, 1], from the plan.
        planned_value: The planned value on that day, in the metric's unit.
        straight_line: What the straight line from start to target would expect.
    """

    expected: float
    planned_value: float
    straight_line: float


def _interpolate(points: list[tuple[date, float]], day: date) -> float:
    if day <= points[0][0]:
        return points[0][1]
    for (day_a, value_a), (day_b, value_b) in itertools.pairwise(points):
        if day <= day_b:
            share = (day - day_a).days / (day_b - day_a).days
            return value_a + (value_b - value_a) * share
    return points[-1][1]


def plan_position(
    plan: tuple[PlannedValue, ...],
    start: float,
    target: float,
    cycle: Cycle,
    as_of: Any,
    rule: DayOf | str = DayOf.LOCAL,
) -> PlanPosition:
    """The plan's expected progress and value `as_of`, within `cycle`.

    Only the plan's days within the cycle count. Progress is interpolated in progress
    space; where that lands on the straight line up to float rounding, the straight
    line's own share is used, so a plan that samples the line expects exactly what the
    line does.
    """
    day = day_of(as_of, rule)
    span = target - start
    points = [
        (point.at, (point.value - start) / span)
        for point in plan
        if cycle.start <= point.at <= cycle.end
    ]
    if not points or points[0][0] > cycle.start:
        points.insert(0, (cycle.start, 0.0))
    if points[-1][0] < cycle.end:
        points.append((cycle.end, 1.0))
    progress = _interpolate(points, day)
    straight = cycle.elapsed(day)
    if abs(progress - straight) <= _ROUNDING:
        progress = straight
    return PlanPosition(
        expected=min(1.0, max(0.0, progress)),
        planned_value=start + progress * span,
        straight_line=straight,
    )


_ROUNDING = 1e-12  # far above float error in [0, 1], far below any plan a person writes
