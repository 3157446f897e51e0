"""A hygiene lint for OKR sets: the mistakes OKR coaches flag first."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from types import MappingProxyType

import attrs

from okrkpi._errors import ValidationError
from okrkpi._model._checks import check_moment
from okrkpi._model.cycle import Cycle
from okrkpi._model.key_result import Binary, KeyResult, KeyResultKind, Milestones, Ordinal
from okrkpi._model.moments import DayOf, day_rule
from okrkpi._model.moments import day_of as day_in
from okrkpi._model.objective import Level, Objective
from okrkpi._model.zones import Zone

__all__ = ["Finding", "FindingCode", "is_finished", "lint"]


class FindingCode(enum.StrEnum):
    """What a hygiene finding is about."""

    NO_KEY_RESULTS = enum.auto()
    TOO_MANY_KEY_RESULTS = enum.auto()
    UNALIGNED = enum.auto()
    PAST_CYCLE_NOT_CLOSED = enum.auto()
    STALE_KEY_RESULT = enum.auto()
    CHECK_IN_OUTSIDE_CYCLE = enum.auto()
    DAY_RULE_MOVES_CHECK_IN = enum.auto()
    CYCLE_OUTSIDE_PARENT = enum.auto()
    NO_MEASURABLE_KEY_RESULT = enum.auto()


@attrs.frozen(slots=True)
class Finding:
    """One hygiene problem.

    Attributes:
        code: Which rule found it.
        objective_id: The objective concerned.
        message: What is wrong, with the numbers.
        key_result_id: The key result concerned, for key-result rules.
    """

    code: FindingCode
    objective_id: str
    message: str
    key_result_id: str | None = None

    def __str__(self) -> str:
        where = self.objective_id
        if self.key_result_id is not None:
            where += f"/{self.key_result_id}"
        return f"{where}: {self.message} [{self.code.value}]"


def lint(
    objectives: Iterable[Objective],
    *,
    as_of: date,
    stale_after: timedelta = timedelta(weeks=2),
    max_key_results: int = 5,
    day_of: DayOf | str | None = None,
) -> tuple[Finding, ...]:
    """Flag objectives and key results that need attention as of a date.

    Rules: no key results; more than `max_key_results`; no parent and not a company
    objective; cycle over but not closed (`closed_on` unset); a key result of an open,
    current objective with no check-in within `stale_after` before `as_of` (one never
    checked in, once its cycle is older than `stale_after`), unless it is finished for
    good (`is_finished`: binary done, every milestone reached, ordinal in STRETCH); check-ins
    (up to `as_of`) dated before the objective's cycle starts or after it ends (those
    after the end do not count for its score); a cycle not inside a parent's cycle
    (each parent among `objectives`, when it has several); initiatives but no measurable key result
    (metric, threshold or zoned): outputs with no outcome; check-ins with a UTC offset
    that the other day rule would move into or out of the objective's cycle.

    Args:
        objectives: Any iterable of objectives, e.g. an `AlignmentTree`.
        as_of: The day to judge at.
        stale_after: How long a key result may go without a check-in.
        max_key_results: More key results than this is flagged.
        day_of: The day rule a check-in's day is read by. None (the default): the rule
            of the tree's policy for an `AlignmentTree`, as its scores use it, else
            `DayOf.LOCAL`; a rule given here wins.
    """
    check_moment("lint.as_of", as_of, "a date")
    if not isinstance(stale_after, timedelta) or stale_after <= timedelta(0):
        raise ValidationError.field("lint.stale_after", stale_after, "a positive timedelta")
    if isinstance(max_key_results, bool) or not isinstance(max_key_results, int):
        raise ValidationError.field("lint.max_key_results", max_key_results, "a whole number")
    if max_key_results < 1:
        raise ValidationError.field("lint.max_key_results", max_key_results, "at least 1")
    if isinstance(objectives, str | bytes) or not isinstance(objectives, Iterable):
        raise ValidationError.field("lint.objectives", objectives, "an iterable of Objective")
    given = list(objectives)
    for position, objective in enumerate(given):
        if not isinstance(objective, Objective):
            raise ValidationError.field(f"lint.objectives[{position}]", objective, "an Objective")
    rule = _rule_of(objectives, day_of)
    by_id = {objective.id: objective for objective in given}
    day = day_in(as_of, rule)
    findings: list[Finding] = []
    for objective in given:
        findings.extend(_objective_findings(objective, day, stale_after, max_key_results, rule))
        findings.extend(_cycle_findings(objective, by_id, day, rule))
    return tuple(findings)


def _cycle_findings(
    objective: Objective, by_id: Mapping[str, Objective], day: date, rule: DayOf
) -> Iterable[Finding]:
    cycle = objective.cycle
    if cycle is None:
        return
    for parent_id in objective.parents:  # each parent, when it has several
        parent = by_id.get(parent_id)
        if parent is not None and parent.cycle is not None and not parent.cycle.contains(cycle):
            yield Finding(
                FindingCode.CYCLE_OUTSIDE_PARENT,
                objective.id,
                f"cycle {cycle.name} is not inside parent {parent.id!r}'s cycle "
                f"{parent.cycle.name}",
            )
    for key_result in objective.key_results:
        yield from _moved_by_the_rule(objective, cycle, key_result, day, rule)
        seen = [day_in(item.at, rule) for item in key_result.check_ins_until(day, day_of=rule)]
        early = [at for at in seen if at < cycle.start]
        late = [at for at in seen if at > cycle.end]
        if early:
            yield Finding(
                FindingCode.CHECK_IN_OUTSIDE_CYCLE,
                objective.id,
                f"{_count(early)} before cycle {cycle.name} starts on "
                f"{cycle.start.isoformat()} (first {early[0].isoformat()}); the latest of "
                "them is its value at the start",
                key_result_id=key_result.id,
            )
        if late:
            yield Finding(
                FindingCode.CHECK_IN_OUTSIDE_CYCLE,
                objective.id,
                f"{_count(late)} after cycle {cycle.name} ended on {cycle.end.isoformat()} "
                f"(first {late[0].isoformat()}); they do not count for its score",
                key_result_id=key_result.id,
            )


def _rule_of(objectives: Iterable[Objective], day_of: DayOf | str | None) -> DayOf:
    """The day rule lint reads by: the one given, else the tree's policy's, else LOCAL."""
    if day_of is not None:
        return day_rule(day_of, "lint.day_of")
    # Read without importing the tree, which lives a layer above: its policy's rule.
    carried = getattr(getattr(objectives, "policy", None), "day_of", None)
    return carried if isinstance(carried, DayOf) else DayOf.LOCAL


_OTHER_RULE = MappingProxyType({DayOf.LOCAL: DayOf.UTC, DayOf.UTC: DayOf.LOCAL})


def _moved_by_the_rule(
    objective: Objective, cycle: Cycle, key_result: KeyResult, day: date, rule: DayOf
) -> Iterable[Finding]:
    """Check-ins inside the cycle by one day rule and outside it by the other.

    Only aware datetimes can move; those up to `day` by either rule are looked at.
    """
    if not key_result.check_ins.has_offsets():
        return
    other = _OTHER_RULE[rule]
    for moment in key_result.check_ins.moments:
        here, there = day_in(moment, rule), day_in(moment, other)
        counted = cycle.start <= here <= cycle.end
        if counted == (cycle.start <= there <= cycle.end) or min(here, there) > day:
            continue
        yield Finding(
            FindingCode.DAY_RULE_MOVES_CHECK_IN,
            objective.id,
            f"check-in at {moment.isoformat()} falls on {here.isoformat()} by its "
            f"{rule.value} day, {'inside' if counted else 'outside'} cycle {cycle.name}, "
            f"and on {there.isoformat()} by its {other.value} day, "
            f"{'outside' if counted else 'inside'} it: ScoringPolicy(day_of=...) decides "
            "whether it counts",
            key_result_id=key_result.id,
        )


_MEASURABLE = frozenset({KeyResultKind.METRIC, KeyResultKind.THRESHOLD, KeyResultKind.ZONED})


def is_finished(key_result: KeyResult, current: float | bool | None) -> bool:
    """Whether a key result at `current` (None: no check-in yet) has nothing left to report.

    Finished for good: a binary key result that is done, a milestones one with every
    milestone that carries weight reached, an ordinal one in STRETCH. What is reached on
    those stays reached. A metric at its target, a threshold that holds and a zoned key
    result in STRETCH are quantities that can still move back, so they are never
    finished while their cycle runs.
    """
    measure = key_result.measure
    if isinstance(measure, Binary):
        return measure.done if current is None else bool(current)
    if current is None:
        return False
    if isinstance(measure, Milestones):
        left = measure.milestones[int(current) :]
        return not any(step.weight > 0 for step in left)
    if isinstance(measure, Ordinal):
        return measure.zone(float(current)) is Zone.STRETCH
    return False


def _count(days: list[date]) -> str:
    return "1 check-in" if len(days) == 1 else f"{len(days)} check-ins"


def _objective_findings(
    objective: Objective, day: date, stale_after: timedelta, max_key_results: int, rule: DayOf
) -> Iterable[Finding]:
    oid = objective.id
    count = len(objective.key_results)
    if count == 0:
        yield Finding(FindingCode.NO_KEY_RESULTS, oid, "has no key results: it cannot be scored")
    elif count > max_key_results:
        yield Finding(
            FindingCode.TOO_MANY_KEY_RESULTS,
            oid,
            f"has {count} key results; keep to {max_key_results} or fewer",
        )
    if objective.initiatives and not any(
        key_result.kind in _MEASURABLE for key_result in objective.key_results
    ):
        yield Finding(
            FindingCode.NO_MEASURABLE_KEY_RESULT,
            oid,
            f"has {len(objective.initiatives)} initiative(s) but no measurable key result "
            "(metric, threshold or zoned): work planned with no outcome to show for it",
        )
    if objective.parent_id is None and objective.level is not Level.COMPANY:
        yield Finding(
            FindingCode.UNALIGNED, oid, f"{objective.level.value} objective aligned to nothing"
        )
    cycle = objective.cycle
    if cycle is not None and day > cycle.end and objective.closed_on is None:
        yield Finding(
            FindingCode.PAST_CYCLE_NOT_CLOSED,
            oid,
            f"cycle {cycle.name} ended {cycle.end.isoformat()} but the objective is not closed",
        )
    active = objective.closed_on is None and (cycle is None or cycle.start <= day <= cycle.end)
    if not active:
        return
    for key_result in objective.key_results:
        latest = key_result.latest_check_in(day, day_of=rule)
        if is_finished(key_result, None if latest is None else latest.value):
            continue  # nothing left to report: what was reached stays reached
        if latest is None:
            if cycle is not None and day - cycle.start <= stale_after:
                continue  # a cycle younger than `stale_after` has not missed a check-in yet
            yield Finding(
                FindingCode.STALE_KEY_RESULT, oid, "no check-in yet", key_result_id=key_result.id
            )
            continue
        at = day_in(latest.at, rule)
        if day - at > stale_after:
            yield Finding(
                FindingCode.STALE_KEY_RESULT,
                oid,
                f"last check-in {at.isoformat()}, {(day - at).days} days before {day.isoformat()}",
                key_result_id=key_result.id,
            )
