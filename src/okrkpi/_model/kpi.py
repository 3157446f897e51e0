"""KPIs: metrics that monitor ongoing health, with dated measurements."""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

import attrs
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, rrule

from okrkpi._errors import ValidationError
from okrkpi._model._checks import (
    arguments_of,
    enum_member,
    finite,
    finite_float,
    identifier,
    instance_of,
    optional_text,
    query_rule,
    set_floats,
)
from okrkpi._model._schedule import Schedule, cadence, parse_rule
from okrkpi._model._stats import least_squares
from okrkpi._model.cycle import Cycle
from okrkpi._model.history import Measurement, Measurements, measurements_field
from okrkpi._model.moments import DAY, DayOf, Moment, day_number, moment_key
from okrkpi._model.moments import day_of as day_in
from okrkpi._model.words import words_for

__all__ = [
    "KPI",
    "Frequency",
    "Health",
    "HealthReport",
    "Indicator",
    "Measurement",
    "TargetRange",
    "Trend",
    "TrendDirection",
]


class Health(enum.Enum):
    """A KPI's state against its target.

    HEALTHY at or better than target, WARNING within the warning band, UNHEALTHY beyond
    it, UNKNOWN before the first measurement.
    """

    HEALTHY = "healthy"
    WARNING = "warning"
    UNHEALTHY = "unhealthy"
    UNKNOWN = "unknown"


# The health reasons end in people's words ("-> Healthy"), as every text a person reads.
_HEALTHY, _UNHEALTHY = words_for(Health.HEALTHY), words_for(Health.UNHEALTHY)


class Indicator(enum.Enum):
    """LEAD indicators predict an outcome; LAG indicators record it."""

    LEAD = "lead"
    LAG = "lag"


class Frequency(enum.Enum):
    """How often a KPI is measured: a cadence counted from the latest measurement.

    The next measurement is due one period after the latest one: the next day, seven days
    later, the same day of the next month, or of the month three months on. A day the
    month lacks falls on its last day (31 January, then 28 or 29 February), and a
    measurement on the last day of a month is next due on the last day of a month (28
    February, then 31 March). An RRULE can be given instead of a member (see
    `KPI.next_due`).
    """

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


_CADENCES: Mapping[Frequency, Schedule] = MappingProxyType(
    {
        Frequency.DAILY: cadence(DAILY, 1),
        Frequency.WEEKLY: cadence(WEEKLY, 1),
        Frequency.MONTHLY: cadence(MONTHLY, 1),
        Frequency.QUARTERLY: cadence(MONTHLY, 3),
    }
)


class TrendDirection(enum.Enum):
    """Whether a KPI moves towards better, away from it, or not at all."""

    IMPROVING = "improving"
    WORSENING = "worsening"
    FLAT = "flat"


@attrs.frozen(slots=True)
class TargetRange:
    """A "keep between `low` and `high`" target (both inclusive).

    Attributes:
        low: Lowest healthy value.
        high: Highest healthy value; not below `low`.
    """

    low: float = attrs.field(validator=finite)
    high: float = attrs.field(validator=finite)

    def __attrs_post_init__(self) -> None:
        set_floats(self, "low", "high")
        if self.low > self.high:
            raise ValidationError.field(
                "TargetRange.high", self.high, f"a value >= low {self.low!r}"
            )

    def __str__(self) -> str:
        return f"{self.low:g}..{self.high:g}"


@attrs.frozen(slots=True)
class HealthReport:
    """A KPI's health with the reason a person can read.

    Attributes:
        health: The band the latest value falls in.
        reason: Why, with the numbers.
        value: The latest value used, or None.
        at: When that value was measured, or None.
    """

    health: Health
    reason: str
    value: float | None = None
    at: Moment | None = None


@attrs.frozen(slots=True)
class Trend:
    """Least-squares slope of a KPI over a window.

    Attributes:
        slope_per_day: Change in value per day (0.0 with fewer than two points).
        direction: Relative to "better" for this KPI.
        points: How many measurements the window held.
    """

    slope_per_day: float
    direction: TrendDirection
    points: int


def _target(
    value: float | TargetRange | tuple[float, float] | list[float] | None,
) -> float | TargetRange | None:
    if value is None or isinstance(value, TargetRange):
        return value
    if isinstance(value, tuple | list) and len(value) == 2:
        return TargetRange(*value)
    return finite_float("KPI.target", value)


def _frequency(value: Frequency | str | rrule | None) -> Frequency | str | None:
    """A `Frequency`, or an RRULE checked as it is read (see `okrkpi._model._schedule`).

    A `dateutil.rrule` keeps only its rule: its DTSTART is dropped, since due dates count
    from the latest measurement.
    """
    if value is None or isinstance(value, Frequency):
        return value
    if isinstance(value, rrule):
        return parse_rule("KPI.frequency", str(value).rpartition("RRULE:")[2])[0]
    if isinstance(value, str):
        try:
            return Frequency(value.strip().lower())
        except ValueError:
            pass
        if "=" not in value:  # a word, not a rule: name the words first
            words = ", ".join(repr(member.value) for member in Frequency)
            raise ValidationError.field(
                "KPI.frequency", value, f"one of {words}, or an RRULE like 'FREQ=WEEKLY;INTERVAL=2'"
            )
        return parse_rule("KPI.frequency", value)[0]
    raise ValidationError.field(
        "KPI.frequency", value, "a Frequency, a dateutil rrule, or an RRULE string"
    )


def _indicator(value: Indicator | str | None) -> Indicator | None:
    return None if value is None else enum_member("KPI.indicator", Indicator, value)


def _optional(kind: type) -> Any:
    return instance_of(kind, f"a {kind.__name__} or None", optional=True)


@attrs.frozen(slots=True)
class KPI:
    """A key performance indicator: a metric that monitors ongoing health.

    A KPI is usable when it has four components: a measurable target, a timeframe, a
    data source and a monitoring frequency (`missing_components()` names the absent
    ones). Measurements are immutable and dated; recording returns a new KPI. Two
    measurements at the same moment are an error, unless `record(..., replace=True)`
    corrects the earlier one on purpose.

    Attributes:
        name: What is measured, e.g. `"average reply time"`.
        target: A number, a `(low, high)` range to stay within, or None if not set yet.
        higher_is_better: Direction of "better" for a number target.
        warning: The level between healthy and unhealthy, on the worse side of a number
            target; for a range, how far outside the range still only warns.
        unit: What the numbers count, e.g. `"minutes"`.
        timeframe: The cycle the target applies to.
        data_source: Where the numbers come from.
        frequency: How often it is measured: a `Frequency`, or an RRULE (string or rrule).
        indicator: LEAD or LAG.
        owner: Who watches it.
        measurements: Dated values, oldest first.
    """

    name: str = attrs.field(validator=identifier)  # measurements and key results name it
    target: float | TargetRange | None = attrs.field(kw_only=True, converter=_target)
    higher_is_better: bool = attrs.field(
        default=True, kw_only=True, validator=instance_of(bool, "True or False")
    )
    warning: float | None = attrs.field(default=None, kw_only=True)
    unit: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    timeframe: Cycle | None = attrs.field(default=None, kw_only=True, validator=_optional(Cycle))
    data_source: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    frequency: Frequency | str | None = attrs.field(
        default=None, kw_only=True, converter=_frequency
    )
    indicator: Indicator | None = attrs.field(default=None, kw_only=True, converter=_indicator)
    owner: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    measurements: Measurements = attrs.field(
        factory=Measurements, kw_only=True, converter=measurements_field
    )

    def __attrs_post_init__(self) -> None:
        self._check_warning()
        history = self.measurements
        if history.__class__ is not Measurements:
            history = Measurements(history, owner=self.name)
        object.__setattr__(self, "measurements", history._owned_by(self.name))

    def _check_warning(self) -> None:
        if self.warning is None:
            return
        path = f"KPI({self.name!r}).warning"
        object.__setattr__(self, "warning", finite_float(path, self.warning))
        if self.target is None:
            raise ValidationError.field(path, self.warning, "None while the KPI has no target")
        if isinstance(self.target, TargetRange):
            if self.warning <= 0:
                raise ValidationError.field(path, self.warning, "a margin > 0 around the range")
        elif self.higher_is_better and self.warning >= self.target:
            raise ValidationError.field(
                path, self.warning, f"a level below the target {self.target:g} (higher is better)"
            )
        elif not self.higher_is_better and self.warning <= self.target:
            raise ValidationError.field(
                path, self.warning, f"a level above the target {self.target:g} (lower is better)"
            )

    # -- change -------------------------------------------------------------------------

    def record(self, value: float, *, at: Moment, note: str = "", replace: bool = False) -> KPI:
        """Add a measurement; returns a new KPI and leaves this one unchanged.

        Args:
            value: The measured value.
            at: When it was measured.
            note: Free text.
            replace: Replace a measurement at the very same moment instead of failing.

        Raises:
            ValidationError: Invalid value or date, or a second measurement at one moment.
        """
        entry = Measurement(value, at, note)
        history = self.measurements
        if replace:
            history = history._without_moment(entry.at)
        return attrs.evolve(self, measurements=history._appended(entry))

    # -- queries ------------------------------------------------------------------------

    def measurements_until(
        self, as_of: Moment | None = None, *, day_of: DayOf | str = DayOf.LOCAL
    ) -> tuple[Measurement, ...]:
        """Measurements on or before `as_of`, oldest first.

        A date `as_of` is the end of that day: every measurement whose day, by the rule
        `day_of` (an aware datetime's own local day by default), is on or before it.
        """
        rule = query_rule("KPI.measurements_until", as_of, day_of)
        with arguments_of("KPI.measurements_until"):
            return self.measurements.until(as_of, day_of=rule)

    def latest(
        self, as_of: Moment | None = None, *, day_of: DayOf | str = DayOf.LOCAL
    ) -> Measurement | None:
        """The last measurement on or before `as_of` (by `day_of` for a date), or None."""
        rule = query_rule("KPI.latest", as_of, day_of)
        with arguments_of("KPI.latest"):
            return self.measurements.latest(as_of, day_of=rule)

    def missing_components(self) -> tuple[str, ...]:
        """Which of target, timeframe, data source and frequency are absent (in that order)."""
        present = {
            "target": self.target is not None,
            "timeframe": self.timeframe is not None,
            "data_source": self.data_source is not None,
            "frequency": self.frequency is not None,
        }
        return tuple(name for name, there in present.items() if not there)

    def health(self, as_of: Moment | None = None, *, day_of: DayOf | str = DayOf.LOCAL) -> Health:
        """HEALTHY, WARNING, UNHEALTHY, or UNKNOWN with no measurement (or no target)."""
        return self._report("KPI.health", as_of, day_of).health

    def health_report(
        self, as_of: Moment | None = None, *, day_of: DayOf | str = DayOf.LOCAL
    ) -> HealthReport:
        """The health with a readable reason and the value it used (as of `latest`)."""
        return self._report("KPI.health_report", as_of, day_of)

    def _report(self, owner: str, as_of: Moment | None, day_of: DayOf | str) -> HealthReport:
        rule = query_rule(owner, as_of, day_of)
        with arguments_of(owner):
            latest = self.measurements.latest(as_of, day_of=rule)
        if latest is None:
            return HealthReport(Health.UNKNOWN, f"{self.name}: no measurement yet")
        value = latest.value
        shown = f"{self.name} {value:g}{self._unit()}"
        if self.target is None:
            return HealthReport(Health.UNKNOWN, f"{shown}: no target set", value, latest.at)
        if isinstance(self.target, TargetRange):
            health, why = self._range_health(value, self.target)
        else:
            health, why = self._point_health(value, self.target)
        return HealthReport(health, f"{shown}: {why}", value, latest.at)

    def _unit(self) -> str:
        return f" {self.unit}" if self.unit else ""

    def _point_health(self, value: float, target: float) -> tuple[Health, str]:
        better = value >= target if self.higher_is_better else value <= target
        side = ">=" if self.higher_is_better else "<="
        if better:
            return Health.HEALTHY, f"{side} target {target:g} -> {_HEALTHY}"
        if self.warning is None:
            return Health.UNHEALTHY, f"misses target {target:g} ({side}) -> {_UNHEALTHY}"
        warned = value >= self.warning if self.higher_is_better else value <= self.warning
        if warned:
            return Health.WARNING, f"misses target {target:g}, within warning {self.warning:g}"
        return Health.UNHEALTHY, f"beyond warning {self.warning:g} -> {_UNHEALTHY}"

    def _range_health(self, value: float, target: TargetRange) -> tuple[Health, str]:
        if target.low <= value <= target.high:
            return Health.HEALTHY, f"within {target} -> {_HEALTHY}"
        distance = target.low - value if value < target.low else value - target.high
        # The distance of two huge numbers can overflow; it is still beyond any margin.
        how_far = f"{distance:g}" if math.isfinite(distance) else "far"
        if self.warning is not None and distance <= self.warning:
            return Health.WARNING, f"{how_far} outside {target}, within margin {self.warning:g}"
        return Health.UNHEALTHY, f"{how_far} outside {target} -> {_UNHEALTHY}"

    # -- monitoring ---------------------------------------------------------------------

    def _rule(self) -> Schedule | None:
        if self.frequency is None:
            return None
        if isinstance(self.frequency, Frequency):
            return _CADENCES[self.frequency]
        return parse_rule("KPI.frequency", self.frequency)[1]

    def _anchor(self, as_of: Moment, rule: DayOf) -> tuple[date, bool] | None:
        """Where due dates count from, and whether that day itself can be due."""
        latest = self.measurements.latest(as_of, day_of=rule)
        if latest is not None:
            return day_in(latest.at, rule), False
        if self.timeframe is not None:
            return self.timeframe.start, True
        return None

    def next_due(self, as_of: Moment, *, day_of: DayOf | str = DayOf.LOCAL) -> date | None:
        """The day the next measurement is due, as known `as_of`.

        Due dates count from the latest measurement on or before `as_of`, and a measurement
        satisfies every due date up to its day, so the next one is strictly after it:

        - a `Frequency` is a cadence: one period after the latest measurement (the day
          after, seven days after, the same day one or three months on; a day the month
          lacks is its last day, and a month-end measurement is next due at a month end);
        - an RRULE is a calendar: its first day after the latest measurement. What the rule
          leaves open is taken from that day, so `FREQ=WEEKLY` is every seven days from it,
          while `FREQ=WEEKLY;BYDAY=FR` is the next Friday and `FREQ=MONTHLY;BYMONTHDAY=-1`
          the end of the month.

        With no measurement yet, the first is due on the timeframe's first day (for an
        RRULE, its first day on or after it). None without a frequency, without a
        measurement or timeframe to count from, after an RRULE's UNTIL, or after
        2199-12-31. A measurement's day, and a date `as_of`'s end, follow the rule `day_of`.

        Raises:
            ValidationError: `as_of` is not a date or datetime.
        """
        rule = query_rule("KPI.next_due", as_of, day_of, optional=False)
        with arguments_of("KPI.next_due"):
            return self._next_due(as_of, rule)

    def _next_due(self, as_of: Moment, rule: DayOf) -> date | None:
        schedule = self._rule()
        anchor = self._anchor(as_of, rule) if schedule is not None else None
        if schedule is None or anchor is None:
            return None
        day, inclusive = anchor
        return schedule.next_after(day, inclusive=inclusive)

    def is_overdue(self, as_of: Moment, *, day_of: DayOf | str = DayOf.LOCAL) -> bool:
        """Whether a due measurement is missing: its due day is over by `as_of`.

        The due day itself is not late, and a KPI measured on day D is never overdue
        before D plus one period of a `Frequency`.
        """
        rule = query_rule("KPI.is_overdue", as_of, day_of, optional=False)
        with arguments_of("KPI.is_overdue"):
            due = self._next_due(as_of, rule)
        return due is not None and due < day_in(as_of, rule)

    def trend(
        self,
        as_of: Moment | None = None,
        *,
        window: timedelta | None = None,
        day_of: DayOf | str = DayOf.LOCAL,
    ) -> Trend:
        """Least-squares slope per day over the measurements in `window` before `as_of`.

        The window ends at `as_of` (the end of that day for a date); with `as_of` None, at
        the latest measurement.

        Direction is relative to "better": up is improving when higher is better; for a
        range target, moving towards the middle of the range is improving. Values of any
        size are fitted without overflow.

        Raises:
            ValidationError: `window` is not a positive timedelta, or the values change by
                more per day than a float holds (e.g. from -1e308 to 1e308 in a day).
        """
        if window is not None and (not isinstance(window, timedelta) or window <= timedelta(0)):
            raise ValidationError.field("KPI.trend.window", window, "a positive timedelta")
        rule = query_rule("KPI.trend", as_of, day_of)
        with arguments_of("KPI.trend"):
            visible = self.measurements.until(as_of, day_of=rule)
        if window is not None and visible:
            # The window ends at `as_of` (the end of that day for a date), or at the latest
            # measurement when `as_of` is None.
            if as_of is None:
                end = moment_key(visible[-1].at)
            elif isinstance(as_of, datetime):
                end = moment_key(as_of)
            else:
                end = moment_key(as_of) + DAY
            floor = end - window.days * DAY - window.seconds * 1_000_000
            visible = tuple(item for item in visible if moment_key(item.at) >= floor)
        if len(visible) < 2:
            return Trend(0.0, TrendDirection.FLAT, len(visible))
        days = [day_number(item.at) for item in visible]
        values = [item.value for item in visible]
        slope, _ = least_squares(days, values)
        if not math.isfinite(slope):
            raise ValidationError.field(
                f"KPI({self.name!r}).measurements",
                (min(values), max(values)),
                "values whose change per day fits in a float",
            )
        return Trend(slope, self._direction(slope, values[-1]), len(visible))

    def _direction(self, slope: float, latest: float) -> TrendDirection:
        if math.isclose(slope, 0.0, abs_tol=1e-12):
            return TrendDirection.FLAT
        if isinstance(self.target, TargetRange):
            up_is_better = latest < self.target.low / 2 + self.target.high / 2  # no overflow
        else:
            up_is_better = self.higher_is_better
        improving = (slope > 0) == up_is_better
        return TrendDirection.IMPROVING if improving else TrendDirection.WORSENING

    # -- KPI -> OKR ---------------------------------------------------------------------

    def value_at_start(self, cycle: Cycle, *, day_of: DayOf | str = DayOf.LOCAL) -> float:
        """The value at the start of `cycle`.

        That is the last measurement on or before its first day, else the first
        measurement inside it; a measurement's day follows the rule `day_of`.

        Raises:
            ValidationError: No measurement on or before the cycle's end.
        """
        rule = query_rule("KPI.value_at_start", None, day_of)
        before = self.measurements.latest(cycle.start, day_of=rule)
        if before is not None:
            return before.value
        for item in self.measurements.until(cycle.end, day_of=rule):
            return item.value
        raise ValidationError.field(
            f"KPI({self.name!r}).measurements", (), f"a measurement by {cycle.end.isoformat()}"
        )

    def target_value(self, value: float) -> float:
        """The number to aim for from `value`: the target, or the nearest end of a range.

        Raises:
            ValidationError: The KPI has no target.
        """
        if self.target is None:
            raise ValidationError.field(f"KPI({self.name!r}).target", None, "a target")
        if isinstance(self.target, TargetRange):
            return self.target.low if value < self.target.low else self.target.high
        return self.target
