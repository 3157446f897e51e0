"""The alignment tree: objectives linked by `parent_id`, validated at once, scored bottom-up."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from okrkpi._errors import AlignmentError, Problem, ValidationError
from okrkpi._model.cycle import Cycle
from okrkpi._model.moments import end_of_day_key
from okrkpi._model.objective import Level, Objective
from okrkpi._scoring.engine import (
    build_policy,
    combine,
    contribution,
    pace_status,
    score_key_result,
)
from okrkpi._scoring.score import Score, Status

if TYPE_CHECKING:
    from okrkpi._model.key_result import KeyResult, KeyResultKind
    from okrkpi._model.moments import Moment
    from okrkpi._scoring.policy import ScoringPolicy
    from okrkpi._scoring.registry import StrategyRegistry
    from okrkpi.typing import Aggregator, KeyResultScorer, RollUp, WeightedValue

__all__ = ["AlignmentTree", "TreeScores"]

_END_OF_TIME = 2**62
_MAX_LAYERS = 32  # replaced objectives are layered over the base; flatten past this depth
_EVOLVED: dict[tuple[int, int], tuple[Any, Any, ScoringPolicy]] = {}
QuickScorer = Callable[["KeyResult", "float | bool | None"], float]


def _layer(base: Mapping[str, Any], changes: dict[str, Any]) -> Mapping[str, Any]:
    if isinstance(base, ChainMap) and len(base.maps) < _MAX_LAYERS:
        return ChainMap(changes, *base.maps)
    if isinstance(base, ChainMap):
        return {**base, **changes}
    return ChainMap(changes, base)  # type: ignore[arg-type]  # read-only use


def _check_links(objectives: Mapping[str, Objective], order: list[str]) -> list[Problem]:
    # Self-alignment needs no check here: Objective refuses it at construction.
    problems: list[Problem] = []
    for oid in order:
        objective = objectives[oid]
        parent_id = objective.parent_id
        if parent_id is None:
            continue
        parent = objectives.get(parent_id)
        if parent is None:
            problems.append(
                Problem(f"objectives[{oid!r}].parent_id", f"unknown parent {parent_id!r}")
            )
            continue
        kr_id = objective.parent_key_result_id
        if kr_id is not None and all(kr.id != kr_id for kr in parent.key_results):
            problems.append(
                Problem(
                    f"objectives[{oid!r}].parent_key_result_id",
                    f"{parent_id!r} has no key result {kr_id!r}",
                )
            )
    return problems


def _find_loops(objectives: Mapping[str, Objective], order: list[str]) -> list[Problem]:
    # Each objective has at most one parent, so a loop is found by walking up; iterative,
    # so a 100,000-deep chain costs no recursion.
    done: set[str] = set()
    problems: list[Problem] = []
    for start in order:
        walk: list[str] = []
        on_walk: dict[str, int] = {}
        current: str | None = start
        while current is not None and current not in done and current in objectives:
            if current in on_walk:
                loop = [*walk[on_walk[current] :], current]
                problems.append(
                    Problem(f"objectives[{current!r}].parent_id", "loop: " + " -> ".join(loop))
                )
                break
            on_walk[current] = len(walk)
            walk.append(current)
            current = objectives[current].parent_id
        done.update(walk)
    return problems


class _QuickScorers(dict[type, "QuickScorer"]):
    """Measure class -> the policy's scorer for its kind, as a number-only callable.

    Keyed by class rather than by `KeyResultKind`: hashing a type is cheaper than an enum.
    """

    def __init__(self, policy: ScoringPolicy) -> None:
        super().__init__()
        self._policy = policy

    def __missing__(self, measure_type: type) -> QuickScorer:
        kind: KeyResultKind = measure_type.kind  # type: ignore[attr-defined]
        quick = _quick_scorer(self._policy.scorers[kind])
        self[measure_type] = quick
        return quick


def _quick_scorer(scorer: KeyResultScorer) -> QuickScorer:
    # A scorer may offer `progress_only`, the number without the explanation text.
    quick: QuickScorer | None = getattr(scorer, "progress_only", None)
    if quick is not None:
        return quick
    return lambda key_result, current: scorer(key_result, current).progress


def _quick_aggregate(aggregator: Aggregator, parts: Sequence[WeightedValue]) -> float:
    quick = getattr(aggregator, "value_only", None)
    if quick is not None:
        return float(quick(parts))
    return aggregator(parts).value


def _shared_bound(as_of: Moment | None) -> int | None:
    # One bound for every key result when `as_of` is None or a plain date; a datetime
    # goes through each key result, which checks it against its history's time zones.
    if as_of is None:
        return _END_OF_TIME
    if as_of.__class__ is date:
        return end_of_day_key(as_of)
    return None


class TreeScores(Mapping[str, Score]):
    """Every objective's score in a tree as of one moment: objective id -> `Score`.

    All the numbers are computed when the tree is scored. The `Score` of an objective,
    with its explanation and its key results' scores, is built the first time it is
    looked up and then kept, so scoring a large tree does not pay for text nobody
    reads. `progress(id)` and `value(id)` give the numbers without building a `Score`.
    """

    __slots__ = ("_as_of", "_built", "_policy", "_progress", "_tree")

    def __init__(
        self,
        tree: AlignmentTree,
        as_of: Moment | None,
        policy: ScoringPolicy,
        progress: Mapping[str, float],
    ) -> None:
        self._tree = tree
        self._as_of = as_of
        self._policy = policy
        self._built: dict[str, Score] = {}
        self._progress = progress

    def __getitem__(self, objective_id: str) -> Score:
        built = self._built.get(objective_id)
        if built is None:
            if objective_id not in self._progress:
                raise KeyError(objective_id)
            built = self._tree._explain_one(objective_id, self._as_of, self._policy, self._progress)
            self._built[objective_id] = built
        return built

    def __contains__(self, objective_id: object) -> bool:
        return objective_id in self._progress

    def __iter__(self) -> Iterator[str]:
        return iter(self._tree._order)

    def __len__(self) -> int:
        return len(self._progress)

    def __repr__(self) -> str:
        return f"<TreeScores: {len(self)} objectives as of {self._as_of}>"

    def progress(self, objective_id: str) -> float:
        """The raw progress of one objective (over 1.0 when overachieved)."""
        return self._progress[objective_id]

    def value(self, objective_id: str) -> float:
        """The score value of one objective: its progress clamped to [0, 1]."""
        progress = self._progress[objective_id]
        return 0.0 if progress < 0.0 else 1.0 if progress > 1.0 else progress


class AlignmentTree:
    """Objectives cascading company -> department -> team -> individual, by `parent_id`.

    Construction validates everything at once and raises one `AlignmentError` whose
    `problems` list every duplicate id, unknown parent or parent key result, self
    alignment and loop, each with its path. Softer findings, such as a child whose cycle
    is not inside its parent's, are kept in `findings`.

    The tree is immutable: `replace(objective)` returns a new tree and, when the links
    are unchanged, re-scores only that objective's path to the root.

    Args:
        objectives: Any iterable of objectives.
        policy: The default scoring policy for `score` and `status`.
    """

    __slots__ = (
        "_base",
        "_cache",
        "_children",
        "_dirty",
        "_objectives",
        "_order",
        "_policy",
        "findings",
    )

    def __init__(
        self, objectives: Iterable[Objective] = (), *, policy: ScoringPolicy | None = None
    ) -> None:
        by_id: dict[str, Objective] = {}
        problems: list[Problem] = []
        for position, objective in enumerate(objectives):
            if not isinstance(objective, Objective):
                problems.append(
                    Problem(f"objectives[{position}]", f"not an Objective: {objective!r}")
                )
                continue
            if objective.id in by_id:
                problems.append(
                    Problem(f"objectives[{position}].id", f"duplicate id {objective.id!r}")
                )
                continue
            by_id[objective.id] = objective
        order = list(by_id)
        problems.extend(_check_links(by_id, order))
        problems.extend(_find_loops(by_id, order))
        if problems:
            raise AlignmentError(*problems)
        children: dict[str, list[str]] = {}
        for oid in order:
            parent_id = by_id[oid].parent_id
            if parent_id is not None:
                children.setdefault(parent_id, []).append(oid)
        self._objectives: Mapping[str, Objective] = by_id
        self._order: list[str] = order
        self._children: dict[str, list[str]] = children
        self._policy = build_policy(policy)
        self._cache: dict[tuple[Any, int], tuple[ScoringPolicy, TreeScores]] = {}
        self._base: AlignmentTree | None = None
        self._dirty: str | None = None
        self.findings: tuple[Problem, ...] = tuple(self._cycle_findings())

    def _cycle_findings(self) -> Iterator[Problem]:
        for oid in self._order:
            objective = self._objectives[oid]
            parent_id = objective.parent_id
            if parent_id is None or objective.cycle is None:
                continue
            parent_cycle = self._objectives[parent_id].cycle
            if parent_cycle is not None and not parent_cycle.contains(objective.cycle):
                yield Problem(
                    f"objectives[{oid!r}].cycle",
                    f"cycle {objective.cycle.name} is not inside parent {parent_id!r}'s "
                    f"cycle {parent_cycle.name}",
                )

    # -- container ----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[Objective]:
        objectives = self._objectives
        return (objectives[oid] for oid in self._order)

    def __contains__(self, objective_id: object) -> bool:
        return objective_id in self._objectives

    def __getitem__(self, objective_id: str) -> Objective:
        try:
            return self._objectives[objective_id]
        except KeyError:
            raise AlignmentError(
                Problem("objective_id", f"unknown objective {objective_id!r}")
            ) from None

    def __repr__(self) -> str:
        return f"<AlignmentTree: {len(self)} objectives, {len(self.roots)} roots>"

    # -- queries ------------------------------------------------------------------------

    @property
    def policy(self) -> ScoringPolicy:
        """The default scoring policy of `score` and `status`."""
        return self._policy

    @property
    def roots(self) -> tuple[Objective, ...]:
        """Objectives with no parent, in input order."""
        objectives = self._objectives
        return tuple(objectives[oid] for oid in self._order if objectives[oid].parent_id is None)

    def children(self, objective_id: str) -> tuple[Objective, ...]:
        """Objectives aligned directly to `objective_id`, in input order."""
        self[objective_id]
        return tuple(self._objectives[cid] for cid in self._children.get(objective_id, ()))

    def parent(self, objective_id: str) -> Objective | None:
        """The objective `objective_id` aligns to, or None for a root."""
        parent_id = self[objective_id].parent_id
        return None if parent_id is None else self._objectives[parent_id]

    def path(self, objective_id: str) -> tuple[Objective, ...]:
        """From the root down to `objective_id`, both included."""
        chain = [self[objective_id]]
        while chain[-1].parent_id is not None:
            chain.append(self._objectives[chain[-1].parent_id])
        return tuple(reversed(chain))

    def descendants(self, objective_id: str) -> tuple[Objective, ...]:
        """Everything below `objective_id`, depth first, in input order among siblings."""
        self[objective_id]
        found: list[Objective] = []
        stack = list(reversed(self._children.get(objective_id, ())))
        while stack:
            oid = stack.pop()
            found.append(self._objectives[oid])
            stack.extend(reversed(self._children.get(oid, ())))
        return tuple(found)

    def subtree(self, objective_id: str) -> AlignmentTree:
        """A new tree of `objective_id` (as its root) and its descendants."""
        import attrs  # noqa: PLC0415 - only needed here

        top = attrs.evolve(self[objective_id], parent_id=None, parent_key_result_id=None)
        return AlignmentTree([top, *self.descendants(objective_id)], policy=self._policy)

    def leaves(self) -> tuple[Objective, ...]:
        """Objectives with nothing aligned to them."""
        return tuple(objective for objective in self if objective.id not in self._children)

    def unaligned(self) -> tuple[Objective, ...]:
        """Objectives with no parent that are not company objectives."""
        return tuple(
            objective
            for objective in self
            if objective.parent_id is None and objective.level is not Level.COMPANY
        )

    def filter(
        self,
        *,
        owner: str | None = None,
        level: Level | None = None,
        cycle: Cycle | None = None,
    ) -> tuple[Objective, ...]:
        """Objectives matching every criterion given (a cycle matches if it contains theirs)."""
        found = []
        for objective in self:
            if owner is not None and objective.owner != owner:
                continue
            if level is not None and objective.level is not level:
                continue
            if cycle is not None and (
                objective.cycle is None or not cycle.contains(objective.cycle)
            ):
                continue
            found.append(objective)
        return tuple(found)

    # -- change -------------------------------------------------------------------------

    def replace(self, objective: Objective) -> AlignmentTree:
        """A new tree with `objective` replacing the one with its id.

        When its links (parent and parent key result) are unchanged, the new tree shares
        this tree's structure and cached scores, and re-scores only the path to the root.

        Raises:
            AlignmentError: No objective has that id, or the new links are invalid.
        """
        if not isinstance(objective, Objective):
            raise ValidationError.field(
                "AlignmentTree.replace.objective", objective, "an Objective"
            )
        old = self[objective.id]
        if (old.parent_id, old.parent_key_result_id) != (
            objective.parent_id,
            objective.parent_key_result_id,
        ):
            objectives = dict(self._objectives)
            objectives[objective.id] = objective
            return AlignmentTree([objectives[oid] for oid in self._order], policy=self._policy)
        new = object.__new__(AlignmentTree)
        new._objectives = _layer(self._objectives, {objective.id: objective})
        new._order = self._order
        new._children = self._children
        new._policy = self._policy
        new._cache = {}
        new._base = self
        new._dirty = objective.id
        new.findings = (
            self.findings if objective.cycle == old.cycle else tuple(new._cycle_findings())
        )
        return new

    def check_in(
        self,
        objective_id: str,
        key_result_id: str,
        value: float | bool,
        *,
        at: Moment,
        confidence: Any = None,
        note: str = "",
    ) -> AlignmentTree:
        """A new tree with one check-in recorded; scores re-use everything off its path."""
        updated = self[objective_id].check_in(
            key_result_id, value, at=at, confidence=confidence, note=note
        )
        return self.replace(updated)

    # -- scoring ------------------------------------------------------------------------

    def score(
        self,
        as_of: Moment | None = None,
        *,
        policy: ScoringPolicy | None = None,
        rollup: str | RollUp | None = None,
        registry: StrategyRegistry | None = None,
    ) -> TreeScores:
        """Score every objective, rolling up per the policy's roll-up; id -> `Score`.

        Every objective's progress is computed here, bottom-up and iteratively (depth
        is not limited). The full `Score` of an objective, with its explanation and its
        key results' scores, is built when it is first looked up. Results are cached per
        `as_of` and policy; a tree made by `replace` re-scores only the path from the
        replaced objective to its root.

        Args:
            as_of: None for the latest check-ins, or a date or moment (time travel).
            policy: Overrides the tree's policy.
            rollup: Overrides the policy's roll-up, by instance or registered name.
            registry: Where names are looked up.
        """
        chosen = self._choose(policy, rollup, registry)
        key = (as_of, id(chosen))
        cached = self._cache.get(key)
        if cached is not None:
            return cached[1]
        base = self._base
        reused = base._cache.get(key) if base is not None else None
        if base is not None and reused is not None:
            progress = self._rescore_paths(reused[1]._progress, as_of, chosen)
        else:
            progress = self._score_all(as_of, chosen)
        scores = TreeScores(self, as_of, chosen, progress)
        self._cache[key] = (chosen, scores)
        return scores

    def _choose(
        self,
        policy: ScoringPolicy | None,
        rollup: str | RollUp | None,
        registry: StrategyRegistry | None,
    ) -> ScoringPolicy:
        chosen = self._policy if policy is None else build_policy(policy)
        if rollup is None:
            return chosen
        from okrkpi._scoring.registry import default_registry  # noqa: PLC0415 - cycle

        found = default_registry if registry is None else registry
        resolved = found.resolve("rollup", rollup)
        if resolved is chosen.rollup:
            return chosen
        # One policy object per (policy, roll-up) pair, so cache keys stay stable.
        key = (id(chosen), id(resolved))
        known = _EVOLVED.get(key)
        if known is None or known[0] is not chosen or known[1] is not resolved:
            import attrs  # noqa: PLC0415

            known = (chosen, resolved, attrs.evolve(chosen, rollup=resolved))
            _EVOLVED[key] = known
        return known[2]

    def _post_order(self) -> list[str]:
        order: list[str] = []
        stack = [objective.id for objective in self.roots]
        while stack:
            oid = stack.pop()
            order.append(oid)
            stack.extend(self._children.get(oid, ()))
        order.reverse()  # children before parents
        return order

    def _progress_one(
        self,
        oid: str,
        as_of: Moment | None,
        policy: ScoringPolicy,
        progress: Mapping[str, float],
        scorers: _QuickScorers,
        bound: int | None,
    ) -> float:
        # The numbers only: the same arithmetic as `_explain_one`, with no text. The clamp
        # and cap of `contribution` are written out here: this loop runs per key result.
        objective = self._objectives[oid]
        cap = policy.overachievement_cap
        kr_values = []
        for kr in objective.key_results:
            current = kr.latest_value(as_of) if bound is None else kr.check_ins.value_until(bound)
            raw = scorers[kr.measure.__class__](kr, current)
            if cap is None:
                kr_values.append((kr, 0.0 if raw < 0.0 else 1.0 if raw > 1.0 else raw))
            else:
                kr_values.append((kr, min(max(raw, 0.0), cap)))
        rollup = policy.rollup
        child_ids = self._children.get(oid, ()) if rollup.uses_children else ()
        children = [(self._objectives[cid], progress[cid]) for cid in child_ids]
        parts = rollup.combine(objective, kr_values, children)
        return _quick_aggregate(policy.aggregator, parts) if parts else 0.0

    def _explain_one(
        self,
        oid: str,
        as_of: Moment | None,
        policy: ScoringPolicy,
        progress: Mapping[str, float],
    ) -> Score:
        objective = self._objectives[oid]
        commitment = objective.commitment
        rollup = policy.rollup
        components = tuple(
            score_key_result(kr, as_of, policy, commitment) for kr in objective.key_results
        )
        kr_values = [
            (kr, contribution(part, policy))
            for kr, part in zip(objective.key_results, components, strict=True)
        ]
        child_ids = self._children.get(oid, ()) if rollup.uses_children else ()
        children = [(self._objectives[cid], progress[cid]) for cid in child_ids]
        parts = rollup.combine(objective, kr_values, children)
        note = f"rolled up from {len(children)} aligned objectives" if children else ""
        return combine(
            f"Objective {oid!r}",
            parts,
            policy,
            commitment,
            components=components,
            strategy_prefix=f"{rollup.name}/",
            note=note,
        )

    def _score_all(self, as_of: Moment | None, policy: ScoringPolicy) -> Mapping[str, float]:
        progress: dict[str, float] = {}
        order = self._post_order() if policy.rollup.uses_children else self._order
        scorers = _QuickScorers(policy)
        bound = _shared_bound(as_of)
        for oid in order:
            progress[oid] = self._progress_one(oid, as_of, policy, progress, scorers, bound)
        return progress

    def _rescore_paths(
        self, previous: Mapping[str, float], as_of: Moment | None, policy: ScoringPolicy
    ) -> Mapping[str, float]:
        # One replaced objective, walked up to its root: the list is already bottom-up.
        todo: list[str] = []
        current: str | None = self._dirty
        while current is not None:
            todo.append(current)
            current = self._objectives[current].parent_id if policy.rollup.uses_children else None
        fresh: dict[str, float] = {}
        merged = _layer(previous, fresh)
        scorers = _QuickScorers(policy)
        bound = _shared_bound(as_of)
        for oid in todo:
            fresh[oid] = self._progress_one(oid, as_of, policy, merged, scorers, bound)
        return merged

    def status(
        self,
        as_of: date,
        *,
        policy: ScoringPolicy | None = None,
        rollup: str | RollUp | None = None,
        cycle: Cycle | None = None,
        registry: StrategyRegistry | None = None,
    ) -> Mapping[str, Status]:
        """Every objective's status as of a date; id -> `Status`.

        With the default roll-up an objective's status is its worst key result's (as
        `okrkpi.status`); with a roll-up that uses children, its rolled-up value is paced.
        Each objective is paced against its own cycle, or `cycle` when it has none.

        Raises:
            ValidationError: An objective has no cycle and no `cycle` is given.
        """
        chosen = self._choose(policy, rollup, registry)
        scores = self.score(as_of, policy=chosen)
        result: dict[str, Status] = {}
        for objective in self:
            own = objective.cycle if objective.cycle is not None else cycle
            if own is None:
                raise ValidationError.field(
                    f"objectives[{objective.id!r}].cycle", None, "a cycle (or pass cycle=)"
                )
            if chosen.rollup.uses_children or not objective.key_results:
                result[objective.id] = pace_status(scores[objective.id].value, own, as_of, chosen)
                continue
            parts = scores[objective.id].parts
            result[objective.id] = Status.worst(
                pace_status(part.value, own, as_of, chosen) for part in parts
            )
        return result
