"""Across cycles: carrying unfinished objectives over, and closing a cycle with final scores."""

from __future__ import annotations

from datetime import date, datetime

import attrs

from okrkpi._errors import ValidationError
from okrkpi._model.cycle import Cycle
from okrkpi._model.key_result import Binary, KeyResult, Metric, Milestones, Threshold
from okrkpi._model.moments import Moment
from okrkpi._model.objective import Objective
from okrkpi._scoring.engine import score_objective
from okrkpi._scoring.policy import ScoringPolicy, resolve_policy
from okrkpi._scoring.score import Score

__all__ = ["ClosedObjective", "carry_over", "close"]


def _carried_key_result(key_result: KeyResult, as_of: Moment | None) -> KeyResult | None:
    measure = key_result.measure
    latest = key_result.latest_check_in(as_of)
    current = None if latest is None else latest.value
    fresh = attrs.evolve(key_result, check_ins=())
    if isinstance(measure, Metric):
        start = measure.start if current is None else float(current)
        reached = (start - measure.target) * (1 if measure.increasing else -1) >= 0
        if reached:
            return None
        return attrs.evolve(fresh, measure=attrs.evolve(measure, start=start))
    if isinstance(measure, Binary):
        done = measure.done if current is None else bool(current)
        return None if done else attrs.evolve(fresh, measure=Binary(False))
    if isinstance(measure, Milestones):
        reached_count = 0 if current is None else int(current)
        left = measure.milestones[reached_count:]
        if not any(step.weight > 0 for step in left):
            return None
        return attrs.evolve(fresh, measure=Milestones(left))
    assert isinstance(measure, Threshold)
    return fresh  # an ongoing guard-rail: it carries over as it is


def carry_over(
    objective: Objective,
    *,
    to: Cycle | None = None,
    as_of: Moment | None = None,
    id: str | None = None,  # noqa: A002 - same name as Objective.id
) -> Objective:
    """The unfinished part of `objective`, as a new objective for the next cycle.

    Rules per key-result kind, judged `as_of` (the latest check-in when None):

    - metric: restarts from its current value towards the same target; dropped if the
      target is already reached;
    - binary: dropped when done, else carried over not done;
    - milestones: the milestones already reached drop out; dropped when all are reached;
    - threshold: carried over as it is (it guards an ongoing level).

    Check-ins are not carried over. The new objective links back through
    `carried_over_from`, gets the id `"{id}-{cycle name}"` unless given one, and keeps
    parent, owner, level and commitment. The original is not changed.

    Args:
        objective: The objective to carry over.
        to: The next cycle; the objective's own cycle's `next()` when None.
        as_of: When to judge what is finished.
        id: The new objective's id.

    Raises:
        ValidationError: No cycle to carry over to, or nothing left to carry over.
    """
    if not isinstance(objective, Objective):
        raise ValidationError.field("carry_over.objective", objective, "an Objective")
    if to is None:
        if objective.cycle is None:
            raise ValidationError.field("carry_over.to", None, "a Cycle (the objective has none)")
        to = objective.cycle.next()
    if not isinstance(to, Cycle):
        raise ValidationError.field("carry_over.to", to, "a Cycle")
    left = [
        carried
        for key_result in objective.key_results
        if (carried := _carried_key_result(key_result, as_of)) is not None
    ]
    if objective.key_results and not left:
        raise ValidationError.field(
            f"carry_over({objective.id!r}).key_results", (), "an unfinished key result"
        )
    new_id = id if id is not None else f"{objective.id}-{to.name.lower()}"
    return attrs.evolve(
        objective,
        key_results=left,
        id=new_id,
        cycle=to,
        carried_over_from=objective.id,
        closed_on=None,
    )


@attrs.frozen(slots=True)
class ClosedObjective:
    """The final record of an objective at the end of its cycle.

    Attributes:
        objective: The objective, with `closed_on` set.
        computed: The score the engine computed at closing.
        override: A manually entered final value in [0, 1], if any.
        reason: Why the override was entered.
    """

    objective: Objective
    computed: Score
    override: float | None = None
    reason: str = ""

    @property
    def final(self) -> float:
        """The override when there is one, else the computed value."""
        return self.computed.value if self.override is None else self.override

    @property
    def key_result_scores(self) -> tuple[Score, ...]:
        """The computed key-result scores at closing."""
        return self.computed.parts


def close(
    objective: Objective,
    *,
    on: date,
    override: float | None = None,
    reason: str = "",
    policy: ScoringPolicy | None = None,
) -> ClosedObjective:
    """Close an objective: score it as of `on`, record any manual override and why.

    Both values are kept: `computed` (what the engine says) and `override` (what people
    decided), so calibration and audits can look at either.

    Raises:
        ValidationError: An override outside [0, 1], or an override without a reason.
    """
    if not isinstance(objective, Objective):
        raise ValidationError.field("close.objective", objective, "an Objective")
    if not isinstance(on, date) or isinstance(on, datetime):
        raise ValidationError.field("close.on", on, "a date")
    if override is not None:
        if isinstance(override, bool) or not isinstance(override, int | float):
            raise ValidationError.field("close.override", override, "a number in [0, 1]")
        if not 0.0 <= override <= 1.0:
            raise ValidationError.field("close.override", override, "a number in [0, 1]")
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationError.field("close.reason", reason, "a reason for the override")
    chosen = resolve_policy(policy)
    computed = score_objective(objective, on, chosen)
    closed = attrs.evolve(objective, closed_on=on)
    return ClosedObjective(closed, computed, override, reason)
