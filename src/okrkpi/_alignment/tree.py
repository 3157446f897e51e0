"""The alignment tree: objectives linked to their parents, validated at once, scored bottom-up.

It holds a directed acyclic graph: an objective may align to several parents.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Unpack

import attrs

from okrkpi._alignment.batch import (
    Structure,
    TreeScores,
    layered,
    rescore_path,
    score_all,
    status_all,
)
from okrkpi._alignment.contributions import contributions, contributions_by_day
from okrkpi._errors import AlignmentError, Problem, ValidationError
from okrkpi._model._checks import check_moment, enum_member
from okrkpi._model.cycle import Cycle, named_cycle
from okrkpi._model.key_result import CheckInDetails
from okrkpi._model.links import links_kept
from okrkpi._model.objective import Level, Objective
from okrkpi._model.zones import Zone
from okrkpi._scoring.engine import judged_as_of
from okrkpi._scoring.policy import ScoringPolicy, resolve_policy
from okrkpi._scoring.score import Status

if TYPE_CHECKING:
    from okrkpi._model.moments import Moment
    from okrkpi._scoring.protocols import RollUp
    from okrkpi._scoring.registry import StrategyRegistry

__all__ = ["AlignmentTree", "TreeScores"]

_CACHED_SCORES = 16  # score results kept per tree, least recently used first out


def _link_path(oid: str, objective: Objective, parent_id: str, one: str, several: str) -> str:
    """The path of one link in a message: the shorthand's field for a one-parent objective."""
    if len(objective.parents) == 1:
        return f"objectives[{oid!r}].{one}"
    return f"objectives[{oid!r}].{several}[{parent_id!r}]"


def _check_links(objectives: Mapping[str, Objective], order: list[str]) -> list[Problem]:
    # Self-alignment needs no check here: Objective refuses it at construction.
    problems: list[Problem] = []
    for oid in order:
        objective = objectives[oid]
        driven = objective.parent_key_results
        for parent_id in objective.parents:
            parent = objectives.get(parent_id)
            if parent is None:
                problems.append(
                    Problem(
                        _link_path(oid, objective, parent_id, "parent_id", "parents"),
                        f"unknown parent {parent_id!r}",
                    )
                )
                continue
            kr_id = driven.get(parent_id)
            if kr_id is not None and all(kr.id != kr_id for kr in parent.key_results):
                problems.append(
                    Problem(
                        _link_path(
                            oid, objective, parent_id, "parent_key_result_id", "parent_key_results"
                        ),
                        f"{parent_id!r} has no key result {kr_id!r}",
                    )
                )
    return problems


def _find_loops(objectives: Mapping[str, Objective], order: list[str]) -> list[Problem]:
    # A depth-first walk up every link, iterative so a 100,000-deep chain costs no
    # recursion. A link back to an objective on the walk closes a loop, named from the
    # objective where it closes; objectives whose every way up was walked are done.
    done: set[str] = set()
    problems: list[Problem] = []
    for start in order:
        if start in done:
            continue
        walk = [start]
        on_walk = {start: 0}
        ways_up = [iter(objectives[start].parents)]
        while ways_up:
            step = next(ways_up[-1], None)
            if step is None:
                finished = walk.pop()
                del on_walk[finished]
                done.add(finished)
                ways_up.pop()
            elif step in on_walk:
                loop = [*walk[on_walk[step] :], step]
                closing = objectives[step]
                path = _link_path(step, closing, loop[1], "parent_id", "parents")
                problems.append(Problem(path, "loop: " + " -> ".join(loop)))
            elif step not in done and step in objectives:
                on_walk[step] = len(walk)
                walk.append(step)
                ways_up.append(iter(objectives[step].parents))
    return problems


class AlignmentTree:
    """Objectives cascading company -> department -> team -> individual, by their parents.

    Despite its name it holds a directed acyclic graph: an objective may align to
    several parents (`Objective.parents`), each link with its weight, and counts in the
    roll-up of each. An objective with one parent (`parent_id`) is the common case, and
    a tree of those behaves as a tree always did.

    Construction validates everything at once and raises one `AlignmentError` whose
    `problems` list every duplicate id, unknown parent or parent key result, self
    alignment and loop (through any link), each with its path. Softer findings, such as
    a child whose cycle is not inside a parent's, are kept in `findings`.

    The tree is immutable: `replace(objective)` returns a new tree and, when the links
    are unchanged, re-scores only that objective's paths to the roots.

    Args:
        objectives: Any iterable of objectives.
        policy: The default scoring policy for `score` and `status`.
    """

    __slots__ = (
        "__weakref__",
        "_cache",
        "_inherited",
        "_lock",
        "_policy",
        "_structure",
        "findings",
    )

    def __init__(
        self, objectives: Iterable[Objective] = (), *, policy: ScoringPolicy | None = None
    ) -> None:
        if isinstance(objectives, str | bytes | Mapping) or not isinstance(objectives, Iterable):
            raise ValidationError.field(
                "AlignmentTree.objectives", objectives, "an iterable of Objective"
            )
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
        shared = False
        for oid in order:
            links = by_id[oid].parents
            if len(links) > 1:
                shared = True
            for parent_id in links:
                children.setdefault(parent_id, []).append(oid)
        self._structure = Structure(by_id, order, children, shared)
        self._policy = resolve_policy(policy)
        self._start_caches(None)
        self.findings: tuple[Problem, ...] = tuple(self._cycle_findings())

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its objectives and policy: the caches and their lock stay behind.
        objectives = tuple(self._objectives[oid] for oid in self._order)
        return (_rebuilt_tree, (objectives, self._policy))

    def _start_caches(self, inherited: _Inherited | None) -> None:
        self._cache: OrderedDict[Hashable, TreeScores] = OrderedDict()
        self._inherited = inherited
        self._lock = threading.Lock()

    @property
    def _objectives(self) -> Mapping[str, Objective]:
        return self._structure.objectives

    @property
    def _order(self) -> list[str]:
        return self._structure.order  # type: ignore[return-value]

    @property
    def _children(self) -> Mapping[str, list[str]]:
        return self._structure.children  # type: ignore[return-value]

    def _cycle_findings(self) -> Iterator[Problem]:
        for oid in self._order:
            objective = self._objectives[oid]
            if objective.cycle is None:
                continue
            for parent_id in objective.parents:
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
        objectives, roots = len(self), len(self.roots)
        return (
            f"<AlignmentTree: {objectives} objective{'' if objectives == 1 else 's'}, "
            f"{roots} root{'' if roots == 1 else 's'}>"
        )

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

    def parents(self, objective_id: str) -> tuple[Objective, ...]:
        """Every objective `objective_id` aligns to, in the order its links name them."""
        objectives = self._objectives
        return tuple(objectives[pid] for pid in self[objective_id].parents)

    def parent(self, objective_id: str) -> Objective | None:
        """The objective `objective_id` aligns to, or None for a root.

        Raises:
            AlignmentError: It has several parents (use `parents`).
        """
        objective = self[objective_id]
        self._one_parent(objective, "parent")
        parent_id = objective.parent_id
        return None if parent_id is None else self._objectives[parent_id]

    def _one_parent(self, objective: Objective, asked: str) -> None:
        if len(objective.parents) > 1:
            names = ", ".join(repr(pid) for pid in objective.parents)
            instead = "parents(id)" if asked == "parent" else "paths(id)"
            raise AlignmentError(
                Problem(
                    "objective_id",
                    f"{objective.id!r} has several parents ({names}): {asked}(id) is for "
                    f"one; use {instead}",
                )
            )

    def path(self, objective_id: str) -> tuple[Objective, ...]:
        """From the root down to `objective_id`, both included.

        Raises:
            AlignmentError: It, or an objective above it, has several parents: there is
                more than one path (use `paths`).
        """
        chain = [self[objective_id]]
        while chain[-1].parent_id is not None:
            self._one_parent(chain[-1], "path")
            chain.append(self._objectives[chain[-1].parent_id])
        return tuple(reversed(chain))

    def paths(self, objective_id: str) -> tuple[tuple[Objective, ...], ...]:
        """Every path from a root down to `objective_id`, each root first.

        One path for an objective with a single line of parents; with several parents
        on the way up, one per way up, in the order the links name the parents. Their
        number grows with every shared objective above: a dense graph has many.
        """
        objectives = self._objectives
        found: list[tuple[Objective, ...]] = []
        walk = [self[objective_id]]
        ways_up = [iter(walk[0].parents)]
        while ways_up:  # depth first, iterative: any depth is fine
            step = next(ways_up[-1], None)
            if step is None:
                if not walk[-1].parents:
                    found.append(tuple(reversed(walk)))
                walk.pop()
                ways_up.pop()
            else:
                walk.append(objectives[step])
                ways_up.append(iter(walk[-1].parents))
        return tuple(found)

    def descendants(self, objective_id: str) -> tuple[Objective, ...]:
        """Everything below `objective_id`, each once, depth first, siblings in input order."""
        below = self.walk(objective_id)
        next(below)  # the objective itself
        return tuple(objective for objective, _ in below)

    def walk(self, objective_id: str | None = None) -> Iterator[tuple[Objective, int]]:
        """Each objective with its depth, depth first, in input order among siblings.

        From the roots (depth 0) by default, or from `objective_id` (depth 0) down.
        Iterative, so any depth is fine. An objective with several parents comes once,
        with its subtree, under the first of them the walk reaches.
        """
        objectives = self._objectives
        children = self._children
        if objective_id is None:
            stack = [(oid, 0) for oid in reversed(self._order) if objectives[oid].parent_id is None]
        else:
            stack = [(self[objective_id].id, 0)]
        seen: set[str] | None = set() if self._structure.shared else None
        while stack:
            oid, depth = stack.pop()
            if seen is not None:
                if oid in seen:
                    continue
                seen.add(oid)
            yield objectives[oid], depth
            stack.extend((child, depth + 1) for child in reversed(children.get(oid, ())))

    def subtree(self, objective_id: str) -> AlignmentTree:
        """A new tree of `objective_id` (as its root) and its descendants.

        Siblings keep their order. Links to parents outside it are dropped: a shared
        objective keeps only its links to parents inside. When those all weigh 0 (it
        counted for nothing in them), it keeps the first of them alone, still weighing 0,
        so every score inside the subtree is the graph's.
        """
        top = attrs.evolve(self[objective_id], parent_id=None, parent_key_result_id=None)
        below = self.descendants(objective_id)
        if self._structure.shared:
            inside = {top.id, *(objective.id for objective in below)}
            # In the tree's own order, so siblings keep theirs: the walk's order would put
            # a shared objective where the walk first reached it.
            below = tuple(
                _links_within(objective, inside)
                for objective in self
                if objective.id in inside and objective.id != top.id
            )
        return AlignmentTree([top, *below], policy=self._policy)

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
        level: Level | str | None = None,
        cycle: Cycle | str | None = None,
    ) -> tuple[Objective, ...]:
        """Objectives matching every criterion given (a cycle matches if it contains theirs).

        `level` and `cycle` may be given by name (`"team"`, `"2026-Q3"`), as `Objective`
        takes them.
        """
        if level is not None:
            level = enum_member("AlignmentTree.filter.level", Level, level)
        if isinstance(cycle, str):
            cycle = named_cycle("AlignmentTree.filter.cycle", cycle)
        elif cycle is not None and not isinstance(cycle, Cycle):
            raise ValidationError.field(
                "AlignmentTree.filter.cycle", cycle, "a Cycle, its name or None"
            )
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
        if _links_of(old) != _links_of(objective) or self._drops_a_linked_key_result(
            old, objective
        ):
            objectives = dict(self._objectives)
            objectives[objective.id] = objective
            return AlignmentTree([objectives[oid] for oid in self._order], policy=self._policy)
        new = object.__new__(AlignmentTree)
        structure = self._structure
        new._structure = Structure(
            layered(structure.objectives, {objective.id: objective}),
            structure.order,
            structure.children,
            structure.shared,
        )
        new._policy = self._policy
        # Keep the base's numbers, not the base: a long run of updates holds one tree.
        with self._lock:
            numbers = {key: scores.progress_map() for key, scores in self._cache.items()}
        new._start_caches(_Inherited(objective.id, numbers))
        new.findings = (
            self.findings if objective.cycle == old.cycle else tuple(new._cycle_findings())
        )
        return new

    def _drops_a_linked_key_result(self, old: Objective, new: Objective) -> bool:
        """Whether a child drives a key result of `old` that `new` no longer has."""
        kept = {kr.id for kr in new.key_results}
        if kept >= {kr.id for kr in old.key_results}:
            return False
        objectives = self._structure.objectives
        return any(
            objectives[child].parent_key_results.get(old.id) not in (None, *kept)
            for child in self._structure.children.get(old.id, ())
        )

    def check_in(
        self,
        objective_id: str,
        key_result_id: str,
        value: float | bool,
        **details: Unpack[CheckInDetails],
    ) -> AlignmentTree:
        """A new tree with one check-in recorded; scores re-use everything off its path.

        `details` are those of `KeyResult.check_in`: `at=` (required), `confidence=`, `note=`.
        """
        updated = self[objective_id].check_in(key_result_id, value, **details)
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
        if as_of is not None:
            check_moment("AlignmentTree.score.as_of", as_of, "a date, a datetime or None")
        key = _cache_key(as_of, chosen)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        inherited = self._inherited
        previous = None if inherited is None else inherited.numbers.get(key)
        if inherited is not None and previous is not None:
            progress = rescore_path(self._structure, inherited.changed, previous, as_of, chosen)
        else:
            progress = score_all(self._structure, as_of, chosen)
        scores = TreeScores(self._structure, as_of, chosen, progress)
        with self._lock:
            self._cache[key] = scores
            if len(self._cache) > _CACHED_SCORES:
                self._cache.popitem(last=False)
        return scores

    def contributions(
        self,
        root_id: str,
        as_of: Moment | None = None,
        *,
        policy: ScoringPolicy | None = None,
        rollup: str | RollUp | None = None,
        registry: StrategyRegistry | None = None,
    ) -> dict[str, float]:
        """Each objective's share of `root_id`'s score, summed over every path down to it.

        The roll-up says what share of an objective's score each child carries (its
        `shares`); a child passes its share on the same way and keeps the rest, held by
        its own key results. Along one path a share is the product of the normalised
        weights; an objective reached by several paths adds them up. No objective is
        counted twice, and the shares sum to 1. With the built-in roll-ups:

        - `key_results`, `initiatives`: children do not count; `root_id` holds all of it.
        - `children`: an objective with children of weight > 0 passes all of its share
          to them, in proportion to their link weights; a leaf keeps its share.
        - `key_results_and_children`: `children_share` of it goes to the children (all
          of it when it has no key result of weight > 0), the rest stays.
        - `driven_key_results`: each key result's share (its normalised weight) goes to
          the children driving it, in proportion to their link weights; the share of a
          key result no child drives stays.

        A custom roll-up takes part when it has a `shares` method
        (`okrkpi.typing.SharingRollUp`).

        With the weighted mean, `root_id`'s score is each objective's share times the
        value of what it keeps, added up, when every objective is judged as of the
        moment asked. A parent whose cycle ended before it judges a child that runs on
        as of its own last day, so one objective may carry shares valued on different
        days: `contributions_by_day` keeps them apart, and the sum holds with each
        share valued on its day.

        Args:
            root_id: The objective whose score is shared out (a root, or any other).
            as_of: As in `score`; values matter only to a roll-up whose shares use them.
            policy: Overrides the tree's policy.
            rollup: Overrides the policy's roll-up, by instance or registered name.
            registry: Where names are looked up.

        Returns:
            Objective id -> share, for `root_id` and every objective below it (those
            that carry nothing too), in input order.

        Raises:
            AlignmentError: No objective has the id `root_id`.
            ValidationError: The roll-up has no `shares`.
        """
        return contributions(
            self._scores_to_share("contributions", root_id, as_of, policy, rollup, registry),
            root_id,
        )

    def contributions_by_day(
        self,
        root_id: str,
        as_of: Moment | None = None,
        *,
        policy: ScoringPolicy | None = None,
        rollup: str | RollUp | None = None,
        registry: StrategyRegistry | None = None,
    ) -> dict[str, dict[date | None, float]]:
        """`contributions`, each objective's share split by the day it is judged at.

        The day is None for the moment asked (`as_of`), or the last day of a parent
        whose cycle ended before it, where that parent judges a child that runs on. With
        the weighted mean, `root_id`'s score is the sum of each share times the value of
        what the objective keeps as of that day (its own key results, or its whole score
        at a leaf): it holds whatever the cycles. The shares of every day sum to 1.

        Its arguments and errors are those of `contributions`.

        Returns:
            Objective id -> day (None: the moment asked) -> share, for `root_id` and
            every objective below it, in input order; each has an entry for None (0.0
            when it carries nothing then) and one per earlier day it carries a share on.
        """
        return contributions_by_day(
            self._scores_to_share("contributions_by_day", root_id, as_of, policy, rollup, registry),
            root_id,
        )

    def _scores_to_share(
        self,
        method: str,
        root_id: str,
        as_of: Moment | None,
        policy: ScoringPolicy | None,
        rollup: str | RollUp | None,
        registry: StrategyRegistry | None,
    ) -> TreeScores:
        self[root_id]
        if as_of is not None:
            check_moment(f"AlignmentTree.{method}.as_of", as_of, "a date, a datetime or None")
        return self.score(as_of, policy=policy, rollup=rollup, registry=registry)

    def _choose(
        self,
        policy: ScoringPolicy | None,
        rollup: str | RollUp | None,
        registry: StrategyRegistry | None,
    ) -> ScoringPolicy:
        return resolve_policy(
            self._policy if policy is None else policy, rollup=rollup, registry=registry
        )

    def zone_counts(self, as_of: Moment | None = None) -> dict[Zone, int]:
        """How many zoned and ordinal key results stand in each zone, FAIL to STRETCH.

        Each is judged within its objective's cycle, as scores are, with the day rule of
        the tree's policy; other kinds are not counted.
        """
        counts = dict.fromkeys(Zone, 0)
        rule = self._policy.day_of
        for objective in self:
            judged = judged_as_of(as_of, objective.cycle, rule)
            for key_result in objective.key_results:
                zone = key_result.zone(judged, day_of=rule)
                if zone is not None:
                    counts[zone] += 1
        return counts

    def status(
        self,
        as_of: date,
        *,
        policy: ScoringPolicy | None = None,
        rollup: str | RollUp | None = None,
        cycle: Cycle | str | None = None,
        registry: StrategyRegistry | None = None,
    ) -> Mapping[str, Status]:
        """Every objective's status as of a date; id -> `Status`.

        During its cycle, with the default roll-up an objective's status is its worst key
        result's (as `okrkpi.status`); with a roll-up that uses children, its rolled-up
        value is paced. Once its cycle's last day is over, the status is final: ACHIEVED
        when its (rolled-up) score is met, else MISSED.

        Each objective is judged against its own cycle, or against `cycle` (a `Cycle` or
        its name) when one is given, for every objective, as `okrkpi.status(objective,
        cycle, as_of=...)` judges it: within that cycle, so check-ins after its end do
        not count, and a roll-up judges every objective within it too.

        Raises:
            ValidationError: An objective has no cycle and no `cycle` is given.
        """
        check_moment("AlignmentTree.status.as_of", as_of, "a date")
        chosen = self._choose(policy, rollup, registry)
        if isinstance(cycle, str):  # a cycle's name, as `okrkpi.status` takes it
            cycle = named_cycle("AlignmentTree.status.cycle", cycle)
        elif cycle is not None and not isinstance(cycle, Cycle):
            raise ValidationError.field(
                "AlignmentTree.status.cycle", cycle, "a Cycle, its name or None"
            )
        cycles: dict[str, Cycle] = {}
        for objective in self:
            own = objective.cycle if cycle is None else cycle
            if own is None:
                raise ValidationError.field(
                    f"objectives[{objective.id!r}].cycle", None, "a cycle (or pass cycle=)"
                )
            cycles[objective.id] = own
        judged = self
        if cycle is not None and any(objective.cycle != cycle for objective in self):
            # Judged within `cycle`, as `okrkpi.status` does: scored as if it were theirs.
            judged = AlignmentTree(
                [attrs.evolve(objective, cycle=cycle) for objective in self],
                policy=self._policy,
            )
        scores = judged.score(as_of, policy=chosen)
        return status_all(scores, cycles, as_of, chosen)


def _links_of(objective: Objective) -> tuple[frozenset[str], dict[str, str]]:
    """What the structure rests on: which parents, and which of their key results.

    Weights and the parents' order are left out: a new weight re-scores the paths up,
    as a check-in does.
    """
    return frozenset(objective.parents), dict(objective.parent_key_results)


def _links_within(objective: Objective, inside: set[str]) -> Objective:
    """`objective` with only its links to parents in `inside` (by `links_kept`)."""
    if all(parent_id in inside for parent_id in objective.parents):
        return objective
    links, _ = links_kept(
        {pid: weight for pid, weight in objective.parents.items() if pid in inside}
    )
    return attrs.evolve(
        objective,
        parents=links,
        parent_key_results={
            pid: kr for pid, kr in objective.parent_key_results.items() if pid in links
        },
    )


@attrs.frozen(slots=True)
class _Inherited:
    """What a tree made by `replace` keeps of its base: the changed id and the numbers."""

    changed: str
    numbers: Mapping[Hashable, Mapping[str, float]]


def _cache_key(as_of: Moment | None, policy: ScoringPolicy) -> Hashable:
    # Policies compare by value, so equal policies built afresh share one entry; a policy
    # holding an unhashable custom strategy is keyed by identity instead.
    try:
        hash(policy)
    except TypeError:
        return (as_of, _Identity(policy))
    return (as_of, policy)


class _Identity:
    """A key for an unhashable object: itself, compared by identity.

    It keeps the object alive, so its id cannot be reused while the key exists.
    """

    __slots__ = ("subject",)

    def __init__(self, subject: object) -> None:
        self.subject = subject

    def __hash__(self) -> int:
        return id(self.subject)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Identity) and other.subject is self.subject


def _rebuilt_tree(objectives: tuple[Objective, ...], policy: ScoringPolicy) -> AlignmentTree:
    """An unpickled or copied tree: its objectives and policy, checked again."""
    return AlignmentTree(objectives, policy=policy)
