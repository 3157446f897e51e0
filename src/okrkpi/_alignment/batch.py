"""Scoring a whole alignment tree at once: numbers first, explanations on demand.

Every objective's progress is computed in one bottom-up pass through the strategies'
number-only fast paths. The `Score` of an objective, with its explanation, is built the
first time it is looked up. Both paths build an objective's roll-up parts with the same
function, `rollup_parts`, so they cannot disagree.

A parent judges its children as they stood on its own judged day: in a roll-up that
uses children, a child whose cycle runs past its parent's (or who has none) counts for
the parent as of the parent's last day, when the parent is judged after it. Its
subtree is then scored once more as of that day (`EarlierViews`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, TypeVar

import attrs

from okrkpi._model.moments import day_of as day_in
from okrkpi._scoring.engine import (
    capped,
    combine,
    contribution,
    judged_as_of,
    score_key_result,
    status_from_values,
)
from okrkpi._scoring.numbers import shown
from okrkpi._scoring.protocols import NumericAggregator, NumericScorer
from okrkpi._scoring.score import Score, Status, clamp

if TYPE_CHECKING:
    from okrkpi._model.cycle import Cycle
    from okrkpi._model.key_result import KeyResult, KeyResultKind
    from okrkpi._model.moments import Moment
    from okrkpi._model.objective import Objective
    from okrkpi._scoring.policy import ScoringPolicy
    from okrkpi._scoring.protocols import KeyResultScorer, WeightedValue

__all__ = [
    "EarlierViews",
    "NumberScorers",
    "Structure",
    "TreeScores",
    "below_first",
    "explain_one",
    "layered",
    "parents_last_day",
    "rescore_path",
    "rollup_parts",
    "runs_past",
    "score_all",
    "status_all",
]

V = TypeVar("V")
_UNSET = object()
NumberScorer = Callable[["KeyResult", "float | bool | None"], float]


class Structure:
    """What scoring reads of a tree: objectives by id, input order and children.

    `shared` says whether any objective has several parents: the graph is then a
    directed acyclic graph rather than a tree, and the walks below visit each objective
    once, however many paths lead to it.
    """

    __slots__ = ("_views", "children", "objectives", "order", "shared")

    def __init__(
        self,
        objectives: Mapping[str, Objective],
        order: Sequence[str],
        children: Mapping[str, Sequence[str]],
        shared: bool = False,
    ) -> None:
        self.objectives = objectives
        self.order = order
        self.children = children
        self.shared = shared
        self._views: dict[tuple[str, str], Objective] = {}

    def post_order(self, top: str | None = None) -> list[str]:
        """Every id (or those of `top`'s subtree), children before their parents."""
        objectives = self.objectives
        if top is None:
            starts = [oid for oid in self.order if objectives[oid].parent_id is None]
        else:
            starts = [top]
        if self.shared:
            return below_first(starts, self.children.get)
        order: list[str] = []
        stack = starts
        while stack:  # in a tree, a reversed pre-order is a post-order, and quicker
            oid = stack.pop()
            order.append(oid)
            stack.extend(self.children.get(oid, ()))
        order.reverse()
        return order

    def ancestors_first_below(self, changed: str) -> list[str]:
        """`changed` and every objective above it, each after everything below it."""
        objectives = self.objectives
        if not self.shared:
            chain: list[str] = []
            current: str | None = changed
            while current is not None:
                chain.append(current)
                current = objectives[current].parent_id
            return chain
        above = below_first([changed], lambda oid: tuple(objectives[oid].parents))
        above.reverse()  # a post-order upwards puts the parents first: turned round
        return above

    def as_child_of(self, child_id: str, parent_id: str) -> Objective:
        """The child as its parent's roll-up sees it: its link to that parent first.

        Its `parent_id`, `alignment_weight` and `parent_key_result_id` then describe the
        link to `parent_id`, so a roll-up reading them counts each link with its own
        weight. A one-parent child is itself.
        """
        child = self.objectives[child_id]
        links = child.parents
        if len(links) < 2 or child.parent_id == parent_id:
            return child
        key = (child_id, parent_id)
        view = self._views.get(key)
        if view is None:
            reordered = [(parent_id, links[parent_id])]
            reordered += [(other, weight) for other, weight in links.items() if other != parent_id]
            view = attrs.evolve(
                child, parents=reordered, parent_key_results=dict(child.parent_key_results)
            )
            self._views[key] = view
        return view


def below_first(starts: Iterable[str], next_of: Callable[[str], Iterable[str] | None]) -> list[str]:
    """Each id reachable from `starts` once, every one after all it leads to (a post-order).

    Iterative, so any depth is fine; `next_of` gives the ids one step on (None: none).
    """
    order: list[str] = []
    seen: set[str] = set()
    for start in starts:
        if start in seen:
            continue
        seen.add(start)
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(next_of(start) or ()))]
        while stack:
            oid, following = stack[-1]
            step = next(following, None)
            if step is None:
                stack.pop()
                order.append(oid)
            elif step not in seen:
                seen.add(step)
                stack.append((step, iter(next_of(step) or ())))
    return order


def rollup_parts(
    structure: Structure,
    objective: Objective,
    key_results: Sequence[tuple[KeyResult, float]],
    progress: Mapping[str, float],
    policy: ScoringPolicy,
    as_of: Moment | None,
    earlier: EarlierViews,
) -> tuple[Sequence[WeightedValue], int]:
    """The `(weight, value)` parts an objective's score combines, and its children count.

    Args:
        structure: The tree being scored.
        objective: The objective.
        key_results: Its key results, each with its contribution.
        progress: The rolled-up progress of objectives already scored (its children).
        policy: The policy whose roll-up decides.
        as_of: The moment the tree is scored as of.
        earlier: Children's progress as of an earlier day than `as_of`, for a child
            judged later than its parent.
    """
    children = [
        (child, value)
        for child, value, _ in judged_children(
            structure, objective, progress, policy, as_of, earlier
        )
    ]
    return policy.rollup.combine(objective, key_results, children), len(children)


def judged_children(
    structure: Structure,
    objective: Objective,
    progress: Mapping[str, float],
    policy: ScoringPolicy,
    as_of: Moment | None,
    earlier: EarlierViews,
) -> list[tuple[Objective, float, date | None]]:
    """Each child as `objective`'s roll-up sees it, its value, and the day it is judged.

    The day is `objective`'s last day when the child is judged as of then rather than
    as of `as_of` (it runs past its parent), else None. No children unless the policy's
    roll-up uses them. Arguments as in `rollup_parts`.
    """
    if not policy.rollup.uses_children:
        return []
    child_ids = structure.children.get(objective.id, ())
    objectives = structure.objectives
    cap = parents_last_day(objective, as_of, policy) if child_ids else None
    judged: list[tuple[Objective, float, date | None]] = []
    for cid in child_ids:
        child = structure.as_child_of(cid, objective.id)
        if cap is None or not runs_past(objectives[cid], cap):
            judged.append((child, progress[cid], None))
        else:
            judged.append((child, earlier.progress(cid, cap), cap))
    return judged


def parents_last_day(
    objective: Objective, as_of: Moment | None, policy: ScoringPolicy
) -> date | None:
    """The day `objective` judges its children as of, when that is before `as_of`.

    Its cycle's last day, once `as_of` is after it (or None, "latest"): check-ins after
    its cycle do not count for it, through any child. None without a cycle, or with
    `as_of` within it: its children are then judged as of `as_of` like everything else.
    """
    cycle = objective.cycle
    if cycle is None or (as_of is not None and day_in(as_of, policy.day_of) <= cycle.end):
        return None
    return cycle.end


def runs_past(child: Objective, day: date) -> bool:
    """Whether `child` would be judged later than `day`: its cycle ends after it, or it has none."""
    return child.cycle is None or child.cycle.end > day


class EarlierViews:
    """Subtrees' rolled-up progress as of a parent's last day, computed when first needed.

    A child whose cycle runs past its parent's counts for the parent as it stood on the
    parent's last day; so do its own children, each within its own cycle too. Each
    subtree is scored once per day asked.
    """

    __slots__ = ("_by_day", "_policy", "_structure")

    def __init__(self, structure: Structure, policy: ScoringPolicy) -> None:
        self._structure = structure
        self._policy = policy
        self._by_day: dict[date, tuple[dict[str, float], NumberScorers]] = {}

    def progress(self, objective_id: str, day: date) -> float:
        """The rolled-up progress of `objective_id` as of the end of `day`."""
        known, scorers = self._by_day.get(day) or self._by_day.setdefault(
            day, ({}, NumberScorers(self._policy))
        )
        found = known.get(objective_id)
        if found is None:
            for oid in self._structure.post_order(objective_id):  # children first
                known[oid] = _progress_one(
                    self._structure, oid, day, self._policy, known, scorers, self
                )
            found = known[objective_id]
        return found


class NumberScorers(dict[type, NumberScorer]):
    """Measure class -> the policy's scorer for its kind, as a number-only callable.

    Keyed by class rather than by `KeyResultKind`: hashing a type is cheaper than an enum.
    Also holds the aggregator's number path, found once: a protocol check is slow.
    """

    def __init__(self, policy: ScoringPolicy) -> None:
        super().__init__()
        self._policy = policy
        self.day_of = policy.day_of
        self._judged: dict[int, object] = {}
        aggregator = policy.aggregator
        self.aggregate: Callable[[Sequence[WeightedValue]], float] = (
            aggregator.value_only
            if isinstance(aggregator, NumericAggregator)
            else lambda parts: aggregator(parts).value
        )

    def judged(self, as_of: Moment | None, cycle: Cycle | None) -> Moment | None:
        """`judged_as_of`, worked out once per cycle: objectives share a few cycles."""
        key = id(cycle)  # cheaper than hashing a cycle; the cycles outlive this run
        known = self._judged.get(key, _UNSET)
        if known is _UNSET:
            known = self._judged[key] = judged_as_of(as_of, cycle, self.day_of)
        return known  # type: ignore[return-value]

    def contributions(
        self, objective: Objective, as_of: Moment | None
    ) -> list[tuple[KeyResult, float]]:
        """Each of `objective`'s key results with what it brings to the objective."""
        cap = self._policy.overachievement_cap
        judged = self.judged(as_of, objective.cycle)
        rule = self.day_of
        return [
            (
                kr,
                capped(
                    self[kr.measure.__class__](kr, kr.check_ins.latest_value(judged, day_of=rule)),
                    cap,
                ),
            )
            for kr in objective.key_results
        ]

    def key_result_values(self, objective: Objective, as_of: Moment | None) -> list[float]:
        """The score value of each of `objective`'s key results, judged within its cycle."""
        judged = self.judged(as_of, objective.cycle)
        rule = self.day_of
        return [
            clamp(self[kr.measure.__class__](kr, kr.check_ins.latest_value(judged, day_of=rule)))
            for kr in objective.key_results
        ]

    def __missing__(self, measure_type: type) -> NumberScorer:
        kind: KeyResultKind = measure_type.kind  # type: ignore[attr-defined]
        found = _number_scorer(self._policy.scorers[kind])
        self[measure_type] = found
        return found


def _number_scorer(scorer: KeyResultScorer) -> NumberScorer:
    if isinstance(scorer, NumericScorer):
        return scorer.progress_only
    return lambda key_result, current: scorer(key_result, current).progress


def _progress_one(
    structure: Structure,
    oid: str,
    as_of: Moment | None,
    policy: ScoringPolicy,
    progress: Mapping[str, float],
    scorers: NumberScorers,
    earlier: EarlierViews,
) -> float:
    # The numbers only: the same steps as `explain_one`, without the text.
    objective = structure.objectives[oid]
    key_results = scorers.contributions(objective, as_of)
    parts, _ = rollup_parts(structure, objective, key_results, progress, policy, as_of, earlier)
    return float(scorers.aggregate(parts)) if parts else 0.0


def explain_one(
    structure: Structure,
    oid: str,
    as_of: Moment | None,
    policy: ScoringPolicy,
    progress: Mapping[str, float],
    earlier: EarlierViews,
) -> Score:
    """The full `Score` of one objective, its children's progress already known."""
    objective = structure.objectives[oid]
    commitment = objective.commitment
    judged = judged_as_of(as_of, objective.cycle, policy.day_of)
    components = tuple(
        score_key_result(kr, judged, policy, commitment) for kr in objective.key_results
    )
    key_results = [
        (kr, contribution(part, policy))
        for kr, part in zip(objective.key_results, components, strict=True)
    ]
    judged_below = judged_children(structure, objective, progress, policy, as_of, earlier)
    parts = policy.rollup.combine(
        objective, key_results, [(child, value) for child, value, _ in judged_below]
    )
    return combine(
        f"Objective {oid!r}",
        parts,
        policy,
        commitment,
        components=components,
        strategy_prefix=f"{policy.rollup.name}/",
        note=_rollup_note(judged_below),
    )


def _rollup_note(judged_below: Sequence[tuple[Objective, float, date | None]]) -> str:
    """How many children were rolled up, naming each taken as of an earlier day.

    A child whose cycle runs past its parent's counts as it stood on the parent's last
    day; its own score (as of a later day) can differ, so the explanation says which day.
    """
    if not judged_below:
        return ""
    count = len(judged_below)
    note = f"rolled up from {count} aligned objective{'' if count == 1 else 's'}"
    days = sorted({day for _, _, day in judged_below if day is not None})
    for day in days:  # one day in practice: the objective's own last day
        taken = ", ".join(
            f"{child.id!r} at {shown(value)}" for child, value, on in judged_below if on == day
        )
        note += f"; as of {day.isoformat()}, the end of its cycle: {taken}"
    return note


def score_all(
    structure: Structure, as_of: Moment | None, policy: ScoringPolicy
) -> dict[str, float]:
    """Every objective's progress, bottom-up when the roll-up uses children."""
    progress: dict[str, float] = {}
    order = structure.post_order() if policy.rollup.uses_children else structure.order
    scorers = NumberScorers(policy)
    earlier = EarlierViews(structure, policy)
    for oid in order:
        progress[oid] = _progress_one(structure, oid, as_of, policy, progress, scorers, earlier)
    return progress


def rescore_path(
    structure: Structure,
    changed: str,
    previous: Mapping[str, float],
    as_of: Moment | None,
    policy: ScoringPolicy,
) -> Mapping[str, float]:
    """Every objective's progress after one changed: its own and its ancestors' re-scored.

    Every path from it to a root is re-scored, when the roll-up uses children. The
    result shares `previous` for everything off those paths.
    """
    todo = structure.ancestors_first_below(changed) if policy.rollup.uses_children else [changed]
    fresh: dict[str, float] = {}
    merged = layered(previous, fresh)
    scorers = NumberScorers(policy)
    earlier = EarlierViews(structure, policy)
    for oid in todo:  # already bottom-up
        fresh[oid] = _progress_one(structure, oid, as_of, policy, merged, scorers, earlier)
    return merged


def status_all(
    scores: TreeScores,
    cycles: Mapping[str, Cycle],
    as_of: date,
    policy: ScoringPolicy,
) -> dict[str, Status]:
    """Every objective's status from the numbers alone, each judged in `cycles[id]`.

    The same verdicts as `objective_status` on each explained `Score`, without building
    the explanations: the key results' values come from the scorers' number paths.
    """
    rolled_up = policy.rollup.uses_children
    grader = policy.grader
    scorers = NumberScorers(policy)
    objectives = scores.structure.objectives
    result: dict[str, Status] = {}
    for oid, cycle in cycles.items():
        objective = objectives[oid]
        value = scores.value(oid)
        met = grader.is_met(value, objective.commitment)
        values = () if rolled_up else scorers.key_result_values(objective, as_of)
        result[oid] = status_from_values(
            objective, value, met, values, cycle, as_of, policy, rolled_up=rolled_up
        )
    return result


_MAX_LAYERS = 32  # past this many layers, one flat copy keeps look-ups fast


def layered(base: Mapping[str, V], changes: dict[str, V]) -> Mapping[str, V]:
    """`changes` over `base`, sharing `base`; flattened once the layers run deep.

    A layer keeps only what is under it, never the tree it came from, so a long run of
    persistent updates holds at most `_MAX_LAYERS` small layers over one flat mapping.
    """
    if isinstance(base, _Overlay) and base.depth >= _MAX_LAYERS:
        return {**base, **changes}
    return _Overlay(changes, base)


class _Overlay(Mapping[str, V]):
    __slots__ = ("_over", "_under", "depth")

    def __init__(self, over: dict[str, V], under: Mapping[str, V]) -> None:
        self._over = over
        self._under = under
        self.depth: int = under.depth + 1 if isinstance(under, _Overlay) else 1

    def __getitem__(self, key: str) -> V:
        over = self._over
        return over[key] if key in over else self._under[key]

    def __contains__(self, key: object) -> bool:
        return key in self._over or key in self._under

    def __iter__(self) -> Iterator[str]:
        over = self._over
        yield from over
        yield from (key for key in self._under if key not in over)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class TreeScores(Mapping[str, Score]):
    """Every objective's score in a tree as of one moment: objective id -> `Score`.

    All the numbers are computed when the tree is scored. The `Score` of an objective,
    with its explanation and its key results' scores, is built the first time it is
    looked up and then kept, so scoring a large tree does not pay for text nobody
    reads; `build(id)` builds it without keeping it, for a report that reads each
    objective once. `progress(id)` and `value(id)` give the numbers without building a
    `Score`.
    """

    __slots__ = ("_as_of", "_built", "_earlier", "_policy", "_progress", "_structure")

    def __init__(
        self,
        structure: Structure,
        as_of: Moment | None,
        policy: ScoringPolicy,
        progress: Mapping[str, float],
    ) -> None:
        self._structure = structure
        self._as_of = as_of
        self._policy = policy
        self._built: dict[str, Score] = {}
        self._progress = progress
        self._earlier = EarlierViews(structure, policy)

    def __getitem__(self, objective_id: str) -> Score:
        built = self._built.get(objective_id)
        if built is None:
            built = self._built[objective_id] = self._explained(objective_id)
        return built

    def build(self, objective_id: str) -> Score:
        """The objective's full `Score`, as `scores[objective_id]` gives it, not kept.

        For a walk that reads each objective once, e.g. a report of a large tree: the
        explanations it builds are let go as it goes instead of staying with the scores.
        An objective looked up before gives the `Score` kept then.

        Raises:
            KeyError: `objective_id` is not in the tree.
        """
        built = self._built.get(objective_id)
        return self._explained(objective_id) if built is None else built

    def _explained(self, objective_id: str) -> Score:
        if objective_id not in self._progress:
            raise KeyError(objective_id)
        return explain_one(
            self._structure,
            objective_id,
            self._as_of,
            self._policy,
            self._progress,
            self._earlier,
        )

    def __contains__(self, objective_id: object) -> bool:
        return objective_id in self._progress

    def __iter__(self) -> Iterator[str]:
        return iter(self._structure.order)

    def __len__(self) -> int:
        return len(self._structure.order)

    def __repr__(self) -> str:
        return f"<TreeScores: {len(self)} objectives as of {self._as_of}>"

    @property
    def as_of(self) -> Moment | None:
        """The moment these scores are as of (None: the latest check-ins)."""
        return self._as_of

    @property
    def policy(self) -> ScoringPolicy:
        """The policy the scores were computed with."""
        return self._policy

    @property
    def structure(self) -> Structure:
        """The tree these scores are of."""
        return self._structure

    def progress_map(self) -> Mapping[str, float]:
        """Every objective's raw progress: id -> number, without building any `Score`."""
        return self._progress

    def progress(self, objective_id: str) -> float:
        """The raw progress of one objective (over 1.0 when overachieved)."""
        return self._progress[objective_id]

    def value(self, objective_id: str) -> float:
        """The score value of one objective: its progress clamped to [0, 1]."""
        return clamp(self._progress[objective_id])
