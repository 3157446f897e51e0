"""Each objective's share of a root's score, summed over every path down from the root.

The root's roll-up says what share of its score each child carries (`shares`); the
child passes its share on the same way, and keeps the rest (its own key results). An
objective reached by several paths adds up what each path brings, so every objective is
counted once and the shares of a root sum to 1.

A child is followed as its parent judges it: as of the parent's last day when it runs
past its parent, as in scoring, so a roll-up whose shares depend on values sees the
values the parent's score used. The shares are kept per day an objective is judged at:
one objective can carry a share as of today under one parent and another as of an
earlier day under a parent whose cycle has ended.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from okrkpi._alignment.batch import EarlierViews, NumberScorers, TreeScores, judged_children
from okrkpi._errors import ValidationError
from okrkpi._scoring.protocols import SharingRollUp

if TYPE_CHECKING:
    from okrkpi._model.moments import Moment
    from okrkpi._model.objective import Objective

__all__ = ["contributions", "contributions_by_day"]

_TOLERANCE = 1e-9  # float noise allowed above 1 in a custom roll-up's shares


class _OnDay(Mapping[str, float]):
    """Rolled-up progress as of an earlier day, computed as it is looked up."""

    __slots__ = ("_day", "_earlier")

    def __init__(self, earlier: EarlierViews, day: date) -> None:
        self._earlier = earlier
        self._day = day

    def __getitem__(self, objective_id: str) -> float:
        return self._earlier.progress(objective_id, self._day)

    def __iter__(self) -> Iterator[str]:  # pragma: no cover - looked up by id only
        return iter(())

    def __len__(self) -> int:  # pragma: no cover - looked up by id only
        return 0


def contributions(scores: TreeScores, top: str) -> dict[str, float]:
    """Objective id -> its share of `top`'s score, for `top` and everything below it.

    The shares of `contributions_by_day`, added up over the days.
    """
    return {
        oid: math.fsum(by_day.values()) for oid, by_day in contributions_by_day(scores, top).items()
    }


def contributions_by_day(scores: TreeScores, top: str) -> dict[str, dict[date | None, float]]:
    """Objective id -> the day it is judged at -> its share of `top`'s score.

    The day is None for the moment asked, or an earlier day, a parent's last, where a
    child that runs past its parent is judged. Every objective has its entry for the
    moment asked (0.0 when it carries nothing then).

    Args:
        scores: The tree's scores as of the moment asked, with the policy to follow.
        top: The objective whose score is shared out.

    Raises:
        ValidationError: The policy's roll-up has no `shares`, or its shares are not
            each in [0, 1] and at most 1 together.
    """
    policy = scores.policy
    rollup = policy.rollup
    if not isinstance(rollup, SharingRollUp):
        raise ValidationError.field(
            "AlignmentTree.contributions.rollup",
            getattr(rollup, "name", rollup),
            "a roll-up with shares() (every built-in roll-up has one)",
        )
    structure = scores.structure
    as_of = scores.as_of
    earlier = EarlierViews(structure, policy)
    # Shares are carried per day a child is judged at: None for the moment asked, or an
    # earlier day, a parent's last, when the child runs past its parent.
    scorers: dict[date | None, NumberScorers] = {}
    below_first = structure.post_order(top)
    held: dict[str, dict[date | None, float]] = {oid: {None: 0.0} for oid in below_first}
    carried: dict[str, dict[date | None, float]] = {top: {None: 1.0}}
    for oid in reversed(below_first):  # parents first: all a child carries is known
        objective = structure.objectives[oid]
        for moment, share in carried.pop(oid, {}).items():
            when: Moment | None = as_of if moment is None else moment
            progress = scores.progress_map() if moment is None else _OnDay(earlier, moment)
            numbers = scorers.get(moment) or scorers.setdefault(moment, NumberScorers(policy))
            key_results = numbers.contributions(objective, when)
            children = judged_children(structure, objective, progress, policy, when, earlier)
            parts = _checked(
                rollup.name,
                objective,
                rollup.shares(objective, key_results, [(c, v) for c, v, _ in children]),
                len(children),
            )
            kept = held[oid]
            kept[moment] = kept.get(moment, 0.0) + share * (1.0 - math.fsum(parts))
            for (child, _, day), part in zip(children, parts, strict=True):
                if part > 0:
                    onward = carried.setdefault(child.id, {})
                    key = moment if day is None else day
                    onward[key] = onward.get(key, 0.0) + share * part
    return {oid: held[oid] for oid in structure.order if oid in held}


def _checked(name: str, objective: Objective, parts: Sequence[float], count: int) -> list[float]:
    """A roll-up's shares, refused unless one per child, each in [0, 1], at most 1 in all."""
    shares = list(parts)
    if (
        len(shares) != count
        or not all(isinstance(share, int | float) and 0.0 <= share <= 1.0 for share in shares)
        or math.fsum(shares) > 1.0 + _TOLERANCE
    ):
        raise ValidationError.field(
            f"{name}.shares({objective.id!r})",
            shares,
            f"{count} shares in [0, 1], one per child, at most 1 together",
        )
    return shares
