"""Scorecards: cycle statistics per owner, level or cycle, and scores across cycles.

What analysts and leaders ask of a quarter: how many objectives each team had, how many
were met, the mean score, how grades, statuses and zones are spread; and the same team
or key result across several quarters in one row.
"""

from __future__ import annotations

import collections
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, Literal

import attrs

from okrkpi._alignment.tree import AlignmentTree
from okrkpi._errors import ValidationError
from okrkpi._model._checks import check_moment
from okrkpi._model.cycle import Cycle
from okrkpi._model.moments import day_of
from okrkpi._model.objective import Objective
from okrkpi._model.zones import Zone
from okrkpi._scoring.engine import judged_as_of, objective_status
from okrkpi._scoring.policy import ScoringPolicy
from okrkpi._scoring.score import Grade, Score, Status

__all__ = [
    "CycleRow",
    "Scorecard",
    "ScorecardRow",
    "ScoresByCycle",
    "scorecard",
    "scores_by_cycle",
]

GroupBy = Literal["owner", "level", "cycle"]
NO_GROUP = "(none)"
"""The group of an objective without an owner (or a cycle)."""


@attrs.frozen(slots=True)
class ScorecardRow:
    """One group's statistics.

    Attributes:
        group: The owner, level or cycle name (`"(none)"` when unset).
        objectives: How many objectives it has.
        met: How many are met for their commitment.
        mean_score: The mean of their scores; None without objectives.
        grades: How many are RED, YELLOW, GREEN.
        statuses: How many are in each status (objectives with a cycle only).
        zones: How many zoned and ordinal key results are in each zone.
    """

    group: str
    objectives: int
    met: int
    mean_score: float | None
    grades: Mapping[Grade, int] = attrs.field(hash=False)
    statuses: Mapping[Status, int] = attrs.field(hash=False)
    zones: Mapping[Zone, int] = attrs.field(hash=False)

    def to_record(self) -> dict[str, Any]:
        """A flat, JSON-safe dict: one column per grade, status and zone."""
        record: dict[str, Any] = {
            "group": self.group,
            "objectives": self.objectives,
            "met": self.met,
            "mean_score": self.mean_score,
        }
        record.update({f"grade_{grade.value}": self.grades[grade] for grade in Grade})
        record.update({f"status_{state.value}": self.statuses[state] for state in Status})
        record.update({f"zone_{zone.name.lower()}": self.zones[zone] for zone in Zone})
        return record


@attrs.frozen(slots=True)
class Scorecard:
    """Statistics of a set of objectives, one row per group.

    Attributes:
        by: What the rows group by: `"owner"`, `"level"` or `"cycle"`.
        as_of: The date judged; None for each objective at its cycle's end.
        rows: One per group, sorted by group name.
    """

    by: str
    as_of: date | None
    rows: tuple[ScorecardRow, ...]

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per row, ready for `pandas.DataFrame(records)` or a CSV writer."""
        return [row.to_record() for row in self.rows]

    def __iter__(self) -> Any:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def _scored(
    objectives: AlignmentTree | Iterable[Objective],
    as_of: date | None,
    policy: ScoringPolicy | None,
    rollup: str | None,
) -> tuple[list[Objective], dict[str, Score], ScoringPolicy, bool]:
    if isinstance(objectives, AlignmentTree):
        tree = objectives
    else:
        if isinstance(objectives, str | bytes) or not isinstance(objectives, Iterable):
            raise ValidationError.field("scorecard.objectives", objectives, "objectives")
        given = list(objectives)
        for position, objective in enumerate(given):
            if not isinstance(objective, Objective):
                raise ValidationError.field(
                    f"scorecard.objectives[{position}]", objective, "an Objective"
                )
        # Unrelated objectives (several cycles, several organisations) are scored each
        # on its own: links to parents outside the set are dropped for scoring.
        tree = AlignmentTree(
            attrs.evolve(o, parent_id=None, parent_key_result_id=None) for o in given
        )
    if as_of is not None:
        check_moment("scorecard.as_of", as_of, "a date or None")
    scores = tree.score(as_of, policy=policy, rollup=rollup)
    chosen = scores.policy
    return list(tree), {o.id: scores[o.id] for o in tree}, chosen, chosen.rollup.uses_children


def _group_of(objective: Objective, by: str) -> str:
    if by == "owner":
        return objective.owner or NO_GROUP
    if by == "level":
        return objective.level.value
    return objective.cycle.name if objective.cycle is not None else NO_GROUP


def scorecard(
    objectives: AlignmentTree | Iterable[Objective],
    *,
    by: GroupBy = "owner",
    as_of: date | None = None,
    policy: ScoringPolicy | None = None,
    rollup: str | None = None,
) -> Scorecard:
    """Objectives per group, how many met, the mean score, grade/status/zone counts.

    Args:
        objectives: An `AlignmentTree` (scored with its roll-up) or any objectives
            (each scored from its own key results).
        by: Group by `"owner"`, `"level"` or `"cycle"`.
        as_of: The day judged; None judges each objective at its cycle's end, so
            statuses are final.
        policy: The strategies to score with.
        rollup: For a tree, the roll-up to use by name.

    Raises:
        ValidationError: `by` is not one of the three, or a bad argument.
    """
    if by not in ("owner", "level", "cycle"):
        raise ValidationError.field("scorecard.by", by, "'owner', 'level' or 'cycle'")
    items, scores, chosen, rolled_up = _scored(objectives, as_of, policy, rollup)
    groups: dict[str, list[Objective]] = {}
    for objective in items:
        groups.setdefault(_group_of(objective, by), []).append(objective)
    rows = []
    for group in sorted(groups):
        members = groups[group]
        grades = dict.fromkeys(Grade, 0)
        statuses = dict.fromkeys(Status, 0)
        zones = dict.fromkeys(Zone, 0)
        values = []
        met = 0
        for objective in members:
            own = scores[objective.id]
            values.append(own.value)
            met += own.met
            grades[own.grade] += 1
            cycle = objective.cycle
            if cycle is not None:
                day = cycle.end if as_of is None else day_of(as_of, chosen.day_of)
                state = objective_status(objective, own, cycle, day, chosen, rolled_up=rolled_up)
                statuses[state] += 1
            judged = judged_as_of(as_of, cycle, chosen.day_of)
            for key_result in objective.key_results:
                zone = key_result.zone(judged, day_of=chosen.day_of)
                if zone is not None:
                    zones[zone] += 1
        mean = math.fsum(values) / len(values)
        rows.append(ScorecardRow(group, len(members), met, mean, grades, statuses, zones))
    return Scorecard(by, as_of, tuple(rows))


@attrs.frozen(slots=True)
class CycleRow:
    """One team or key result across cycles.

    Attributes:
        group: The owner, level, or key result id.
        title: A key result's title (its latest), or the group again.
        scores: One mean score per cycle of the table, None where it had none.
    """

    group: str
    title: str
    scores: tuple[float | None, ...]


@attrs.frozen(slots=True)
class ScoresByCycle:
    """Scores across cycles, one row per team or key result: a heat map's data.

    Attributes:
        by: `"owner"`, `"level"` or `"key_result"`.
        cycles: The cycle names, oldest first: the columns.
        rows: One per group, sorted by group.
    """

    by: str
    cycles: tuple[str, ...]
    rows: tuple[CycleRow, ...]

    def __iter__(self) -> Iterator[CycleRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per row: `group`, `title`, then one column per cycle name."""
        return [
            {
                "group": row.group,
                "title": row.title,
                **dict(zip(self.cycles, row.scores, strict=True)),
            }
            for row in self.rows
        ]


def _column_names(periods: Iterable[Cycle]) -> dict[Cycle, str]:
    """Each cycle's column: its name, with its dates when another cycle has that name."""
    distinct = list(dict.fromkeys(periods))
    counts = collections.Counter(period.name for period in distinct)
    return {
        period: period.name
        if counts[period.name] == 1
        else f"{period.name} ({period.start.isoformat()}..{period.end.isoformat()})"
        for period in distinct
    }


def _key_result_rows(objectives: Sequence[Objective]) -> dict[tuple[str, str], str]:
    """(objective id, key result id) -> its row.

    The key result's id, unless two lines of objectives (each followed back through
    `carried_over_from`) have a key result of that id; then
    `"{first objective's id}/{key result id}"`.
    """
    by_id = {objective.id: objective for objective in objectives}

    def first(objective: Objective) -> str:
        seen = {objective.id}
        while objective.carried_over_from in by_id and objective.carried_over_from not in seen:
            objective = by_id[objective.carried_over_from]
            seen.add(objective.id)
        return objective.id

    lines = {
        (objective.id, key_result.id): (first(objective), key_result.id)
        for objective in objectives
        for key_result in objective.key_results
    }
    roots = collections.defaultdict(set)
    for root, kr_id in lines.values():
        roots[kr_id].add(root)
    return {
        place: kr_id if len(roots[kr_id]) == 1 else f"{root}/{kr_id}"
        for place, (root, kr_id) in lines.items()
    }


def scores_by_cycle(
    objectives: Iterable[Objective],
    *,
    by: Literal["owner", "level", "key_result"] = "owner",
    policy: ScoringPolicy | None = None,
) -> ScoresByCycle:
    """The same team or key result across cycles in one row, each cycle judged at its end.

    With `by="key_result"`, key results are matched by id across cycles (carry-over keeps
    ids), and each cell is that key result's score; otherwise a cell is the mean score of
    the group's objectives in that cycle. Objectives without a cycle are left out.

    Raises:
        ValidationError: `by` is not one of the three, or a bad argument.
    """
    if by not in ("owner", "level", "key_result"):
        raise ValidationError.field("scores_by_cycle.by", by, "'owner', 'level' or 'key_result'")
    items, scores, _, _ = _scored(objectives, None, policy, None)
    dated = sorted(
        ((o.cycle, o) for o in items if o.cycle is not None),
        key=lambda pair: (pair[0].start, pair[0].end),
    )
    column = _column_names([period for period, _ in dated])
    names: list[str] = []
    cells: dict[str, dict[str, list[float]]] = {}
    titles: dict[str, str] = {}
    row_of = _key_result_rows(items) if by == "key_result" else {}
    for period, objective in dated:
        cycle = column[period]
        if cycle not in names:
            names.append(cycle)
        own = scores[objective.id]
        if by == "key_result":
            for key_result, part in zip(objective.key_results, own.parts, strict=True):
                group = row_of[objective.id, key_result.id]
                cells.setdefault(group, {}).setdefault(cycle, []).append(part.value)
                titles[group] = key_result.title
        else:
            group = _group_of(objective, by)
            cells.setdefault(group, {}).setdefault(cycle, []).append(own.value)
            titles[group] = group
    rows = tuple(
        CycleRow(
            group,
            titles[group],
            tuple(
                math.fsum(cells[group][name]) / len(cells[group][name])
                if name in cells[group]
                else None
                for name in names
            ),
        )
        for group in sorted(cells)
    )
    return ScoresByCycle(by, tuple(names), rows)
