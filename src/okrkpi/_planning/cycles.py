"""Across cycles: carrying unfinished objectives over, and closing a cycle with final scores."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType

import attrs

from okrkpi._alignment.tree import AlignmentTree
from okrkpi._errors import ValidationError
from okrkpi._model._checks import finite_float, is_number
from okrkpi._model.cycle import Cycle
from okrkpi._model.hygiene import is_finished
from okrkpi._model.key_result import (
    Binary,
    KeyResult,
    Metric,
    Milestones,
    Ordinal,
    Threshold,
    Zoned,
)
from okrkpi._model.links import links_kept
from okrkpi._model.moments import DayOf, Moment, day_rule
from okrkpi._model.objective import Objective
from okrkpi._model.tolerance import reaches
from okrkpi._model.zones import Zone
from okrkpi._scoring.engine import judged_as_of, score_objective
from okrkpi._scoring.policy import ScoringPolicy, resolve_policy
from okrkpi._scoring.score import Score

__all__ = ["CarriedTree", "ClosedObjective", "carry_over", "carry_over_tree", "close"]


def _carried_key_result(
    key_result: KeyResult, as_of: Moment | None, rule: DayOf
) -> KeyResult | None:
    measure = key_result.measure
    latest = key_result.latest_check_in(as_of, day_of=rule)
    current = None if latest is None else latest.value
    fresh = attrs.evolve(key_result, check_ins=())
    if is_finished(key_result, current):  # done, every milestone reached, or STRETCH
        return None
    if isinstance(measure, Metric):
        start = measure.start if current is None else float(current)
        progress = (start - measure.start) / (measure.target - measure.start)
        if reaches(progress, 1.0):  # at the target, float noise included
            return None
        # A plan's days belong to its cycle: the carried key result starts unplanned.
        return attrs.evolve(fresh, measure=attrs.evolve(measure, start=start, plan=()))
    if isinstance(measure, Zoned):
        baseline = measure.baseline if current is None else float(current)
        if measure.zone(baseline) is Zone.STRETCH:
            return None
        # Commit and target are set again from the new baseline (30% / 70% of the way).
        carried = Zoned(baseline, measure.stretch, unit=measure.unit)
        return attrs.evolve(fresh, measure=carried)
    if isinstance(measure, Ordinal):
        return fresh
    if isinstance(measure, Binary):
        return attrs.evolve(fresh, measure=Binary(False))
    if isinstance(measure, Milestones):
        reached_count = 0 if current is None else int(current)
        return attrs.evolve(fresh, measure=Milestones(measure.milestones[reached_count:]))
    assert isinstance(measure, Threshold)
    return fresh  # an ongoing guard-rail: it carries over as it is


def carry_over(
    objective: Objective,
    *,
    to: Cycle | None = None,
    as_of: Moment | None = None,
    id: str | None = None,  # noqa: A002 - same name as Objective.id
    day_of: DayOf | str = DayOf.LOCAL,
) -> Objective:
    """The unfinished part of `objective`, as a new objective for the next cycle.

    Rules per key-result kind, judged `as_of` within the objective's cycle (its end when
    None, so check-ins dated after the cycle do not count):

    - metric: restarts from its current value towards the same target, without its plan
      (a plan's days belong to its cycle); dropped if the target is already reached;
    - zoned: restarts from its current value towards the same stretch, commit and target
      again at 30% and 70% of the way; dropped in STRETCH;
    - ordinal: carried over without check-ins; dropped in STRETCH;
    - binary: dropped when done, else carried over not done;
    - milestones: the milestones already reached drop out; dropped when all are reached;
    - threshold: carried over as it is (it guards an ongoing level).

    Check-ins are not carried over. The new objective links back through
    `carried_over_from`, gets the id `"{id}-{cycle name}"` unless given one, and keeps
    parent, owner, level and commitment. The original is not changed. Titles are kept as
    written: a title that quotes the old numbers ("from 40,000 to 100,000") is for you to
    reword, since only you know how it should read.

    Args:
        objective: The objective to carry over.
        to: The next cycle; the objective's own cycle's `next()` when None.
        as_of: When to judge what is finished.
        id: The new objective's id.
        day_of: The day rule a moment's day is read by (`ScoringPolicy.day_of`).

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
    rule = day_rule(day_of, "carry_over.day_of")
    judged = judged_as_of(as_of, objective.cycle, rule)
    left = [
        carried
        for key_result in objective.key_results
        if (carried := _carried_key_result(key_result, judged, rule)) is not None
    ]
    # Zero-weight key results count for nothing: left alone, they are not worth a cycle
    # (and an objective of only zero weights is invalid).
    if objective.key_results and not any(kr.weight > 0 for kr in left):
        raise ValidationError.field(
            f"carry_over({objective.id!r}).key_results",
            (),
            "an unfinished key result with a weight above 0",
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


def _read_only(notes: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(notes))


@attrs.frozen(slots=True)
class CarriedTree:
    """What carrying a whole tree over gives: the new tree, and what was left behind.

    Attributes:
        tree: The carried objectives, each linked to its parent's carried version.
        skipped: Objective id -> why it was not carried (finished, or no cycle).
        relinked: Carried objective id -> how its link changed, when its parent was not
            carried (it aligns to its nearest carried ancestor, or to nothing).
    """

    tree: AlignmentTree
    skipped: Mapping[str, str] = attrs.field(converter=_read_only)
    relinked: Mapping[str, str] = attrs.field(converter=_read_only)


def carry_over_tree(
    tree: AlignmentTree, *, to: Cycle | None = None, as_of: Moment | None = None
) -> CarriedTree:
    """Carry every unfinished objective of a tree over to the next cycle, links and all.

    Each objective is carried as `carry_over` would (same rules, ids and titles). A
    finished one is skipped with a reason instead of raising. A carried objective aligns
    to its parent's carried version; when the parent was finished, to the nearest carried
    ancestor (its `parent_key_result_id` dropped), or to nothing; `relinked` says which.
    An objective with several parents is re-linked link by link, each weight kept: to
    each parent's carried version, or for a finished parent to the nearest carried
    objectives above it (links that meet at one objective add their weights). When the
    links left all weigh 0, the first alone is kept, still weighing 0, as in
    `AlignmentTree.subtree`.

    Args:
        tree: The tree to carry over.
        to: The next cycle for every objective; each objective's own `cycle.next()` when
            None.
        as_of: When to judge what is finished (each objective's cycle end when None),
            with the day rule of the tree's policy.

    Raises:
        ValidationError: `tree` is not an AlignmentTree, or `to` is not a Cycle.
    """
    if not isinstance(tree, AlignmentTree):
        raise ValidationError.field("carry_over_tree.tree", tree, "an AlignmentTree")
    if to is not None and not isinstance(to, Cycle):
        raise ValidationError.field("carry_over_tree.to", to, "a Cycle or None")
    new_ids: dict[str, Objective] = {}
    skipped: dict[str, str] = {}
    relinked: dict[str, str] = {}
    for objective, _ in tree.walk():
        if to is None and objective.cycle is None:
            skipped[objective.id] = "no cycle to carry over from (pass to=)"
            continue
        try:
            new_ids[objective.id] = carry_over(
                objective, to=to, as_of=as_of, day_of=tree.policy.day_of
            )
        except ValidationError:
            skipped[objective.id] = "finished: every key result that counts is done"
    # Linked once every objective is carried: a parent's carried id is then known,
    # whichever way the walk reached an objective with several parents.
    carried = [
        _relinked(new_ids[old.id], old, tree, new_ids, relinked)
        for old in tree  # in the tree's order
        if old.id in new_ids
    ]
    return CarriedTree(AlignmentTree(carried, policy=tree.policy), skipped, relinked)


def _relinked(
    new: Objective,
    old: Objective,
    tree: AlignmentTree,
    carried: Mapping[str, Objective],
    notes: dict[str, str],
) -> Objective:
    """`new` with each link of `old` to its parent's carried version, or further up.

    A link to a finished parent goes, with its weight, to each nearest carried
    objective above that parent; links that meet at one objective add their weights.
    """
    if not old.parents:
        return new
    links: dict[str, float] = {}
    driven: dict[str, str] = {}
    said: list[str] = []
    for parent_id, weight in old.parents.items():
        if parent_id in carried:
            new_parent = carried[parent_id]
            links[new_parent.id] = links.get(new_parent.id, 0.0) + weight
            kr_id = old.parent_key_results.get(parent_id)
            if kr_id is not None and any(kr.id == kr_id for kr in new_parent.key_results):
                driven[new_parent.id] = kr_id
            continue
        above = [carried[ancestor].id for ancestor in _nearest_carried(parent_id, tree, carried)]
        for new_parent_id in above:
            links[new_parent_id] = links.get(new_parent_id, 0.0) + weight
        target = ", ".join(repr(item) for item in above) + " instead" if above else "nothing"
        said.append(f"parent {parent_id!r} was finished; aligned to {target}")
    links, dropped = links_kept(links)
    if dropped:
        said.append(
            f"its remaining links weighed 0: kept {next(iter(links))!r} alone (weight 0), "
            f"dropped {', '.join(repr(item) for item in dropped)}"
        )
        driven = {pid: kr for pid, kr in driven.items() if pid in links}
    if said:
        notes[new.id] = "; ".join(said)
    if not links:  # a root now, keeping its weight as a root does
        return attrs.evolve(new, parent_id=None, parent_key_result_id=None)
    return attrs.evolve(new, parents=links, parent_key_results=driven)


def _nearest_carried(
    finished: str, tree: AlignmentTree, carried: Mapping[str, Objective]
) -> list[str]:
    """The carried objectives nearest above `finished`, along every way up from it."""
    found: list[str] = []
    seen = {finished}
    todo = deque([finished])  # breadth first: the nearest first
    while todo:
        oid = todo.popleft()
        for parent_id in tree[oid].parents:
            if parent_id in seen:
                continue
            seen.add(parent_id)
            if parent_id in carried:
                found.append(parent_id)
            else:
                todo.append(parent_id)
    return found


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
        if not is_number(override):
            raise ValidationError.field("close.override", override, "a number in [0, 1]")
        override = finite_float("close.override", override)  # Decimal, numpy: as everywhere
        if not 0.0 <= override <= 1.0:
            raise ValidationError.field("close.override", override, "a number in [0, 1]")
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationError.field("close.reason", reason, "a reason for the override")
    elif reason is not None and not isinstance(reason, str):
        raise ValidationError.field("close.reason", reason, "text or None")
    chosen = resolve_policy(policy)
    computed = score_objective(objective, on, chosen)
    closed = attrs.evolve(objective, closed_on=on)
    return ClosedObjective(closed, computed, override, reason)
