"""The KPI <-> OKR loop: a KPI feeds a key result, and a KPI out of bounds proposes an objective."""

from __future__ import annotations

from datetime import date

from okrkpi._errors import ValidationError
from okrkpi._model._checks import check_moment, finite_float
from okrkpi._model.cycle import Cycle
from okrkpi._model.history import CheckIn
from okrkpi._model.key_result import KeyResult, Metric
from okrkpi._model.kpi import KPI, Health, TargetRange
from okrkpi._model.moments import DayOf, day_rule
from okrkpi._model.moments import day_of as day_in
from okrkpi._model.objective import Commitment, Level, Objective

__all__ = ["key_result_from_kpi", "propose_objective"]


def key_result_from_kpi(
    kpi: KPI,
    *,
    target: float,
    cycle: Cycle,
    title: str | None = None,
    weight: float = 1.0,
    id: str | None = None,  # noqa: A002 - same name as KeyResult.id
    day_of: DayOf | str = DayOf.LOCAL,
) -> KeyResult:
    """A metric key result whose values come from a KPI's measurements.

    Its start is the KPI's value at the start of `cycle`; its check-ins are the KPI's
    measurements after that day and up to the cycle's end, each on its day by the rule
    `day_of`. It is scored like any metric key result and remembers its source in
    `source_kpi`.

    Raises:
        ValidationError: The KPI has no measurement by the cycle's end, or the start
            equals the target.
    """
    if not isinstance(kpi, KPI):
        raise ValidationError.field("key_result_from_kpi.kpi", kpi, "a KPI")
    if not isinstance(cycle, Cycle):
        raise ValidationError.field("key_result_from_kpi.cycle", cycle, "a Cycle")
    target = finite_float("key_result_from_kpi.target", target)
    rule = day_rule(day_of, "key_result_from_kpi.day_of")
    start = kpi.value_at_start(cycle, day_of=rule)
    check_ins = [  # strictly after the first day, whose value is the start
        CheckIn(item.value, item.at, note=item.note)
        for item in kpi.measurements_until(cycle.end, day_of=rule)
        if day_in(item.at, rule) > cycle.start
    ]
    unit = f" {kpi.unit}" if kpi.unit else ""
    name = (
        title if title is not None else f"{_capital(kpi.name)} from {start:g} to {target:g}{unit}"
    )
    measure = Metric(start, target, unit=kpi.unit)
    fields = {"weight": weight, "check_ins": check_ins, "source_kpi": kpi.name}
    if id is not None:
        fields["id"] = id
    return KeyResult(name, measure, **fields)  # type: ignore[arg-type]


def propose_objective(
    kpi: KPI,
    as_of: date,
    *,
    cycle: Cycle | None = None,
    owner: str | None = None,
    parent_id: str | None = None,
    day_of: DayOf | str = DayOf.LOCAL,
) -> Objective | None:
    """A draft objective that brings an out-of-bounds KPI back to target.

    For a KPI in WARNING or UNHEALTHY state `as_of`, returns a committed objective
    "Bring {name} back under/above {target}" with one metric key result from the
    current value to the target over `cycle` (default: the calendar quarter after
    the one holding `as_of`). Returns None when the KPI is HEALTHY or UNKNOWN. A
    moment's day follows the rule `day_of`.
    """
    if not isinstance(kpi, KPI):
        raise ValidationError.field("propose_objective.kpi", kpi, "a KPI")
    check_moment("propose_objective.as_of", as_of, "a date")
    if cycle is not None and not isinstance(cycle, Cycle):
        raise ValidationError.field("propose_objective.cycle", cycle, "a Cycle or None")
    rule = day_rule(day_of, "propose_objective.day_of")
    report = kpi.health_report(as_of, day_of=rule)
    if report.health not in (Health.WARNING, Health.UNHEALTHY):
        return None
    assert report.value is not None
    current = report.value
    goal = kpi.target_value(current)
    if cycle is None:
        day = day_in(as_of, rule)
        cycle = Cycle.quarter(day.year, (day.month - 1) // 3 + 1).next()
    if isinstance(kpi.target, TargetRange):
        word = "above" if current < goal else "under"
    else:
        word = "above" if kpi.higher_is_better else "under"
    unit = f" {kpi.unit}" if kpi.unit else ""
    key_result = KeyResult(
        f"{_capital(kpi.name)} from {current:g} to {goal:g}{unit}",
        Metric(current, goal, unit=kpi.unit),
        source_kpi=kpi.name,
    )
    return Objective(
        f"Bring {kpi.name} back {word} {goal:g}{unit}",
        [key_result],
        commitment=Commitment.COMMITTED,
        owner=owner if owner is not None else kpi.owner,
        level=Level.TEAM,
        cycle=cycle,
        parent_id=parent_id,
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
