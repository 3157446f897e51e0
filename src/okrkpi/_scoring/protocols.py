"""The protocols a scoring strategy follows, and the type aliases they use.

Public through `okrkpi.typing`; kept here so the scoring engine depends only on its own
package.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from okrkpi._model.key_result import KeyResult
    from okrkpi._model.objective import Commitment, Objective
    from okrkpi._scoring.score import Aggregate, Grade, Measured, Status


StrategyCategory = Literal["scorer", "aggregator", "grader", "pace", "rollup"]
"""The kinds of strategy a registry holds."""

WeightedValue = tuple[float, float]
"""`(weight, value)`: one part of an aggregate."""

KeyResultValues = Sequence[tuple["KeyResult", float]]
"""An objective's key results, each with its score value, as a roll-up receives them."""

ChildValues = Sequence[tuple["Objective", float]]
"""An objective's aligned children, each with its rolled-up value.

A child with several parents is seen with its link to the objective being rolled up
first: its `parent_id`, `alignment_weight` and `parent_key_result_id` describe that link.
"""


@runtime_checkable
class KeyResultScorer(Protocol):
    """Turns a key result and its current value into raw progress.

    Attributes:
        name: Shown in explanations and used as the registry key.
        monotone: True if progress never falls as the current value moves towards the
            target; the strategy test kit checks it.
    """

    @property
    def name(self) -> str:
        """Shown in explanations and used as the registry key."""
        ...

    @property
    def monotone(self) -> bool:
        """True if progress never falls as the current value improves."""
        ...

    def __call__(self, key_result: KeyResult, current: float | bool | None) -> Measured:
        """Score one key result.

        Args:
            key_result: The key result, with its measure and history.
            current: The latest value as of the scoring date, or None with no check-in yet.
        """
        ...


@runtime_checkable
class Aggregator(Protocol):
    """Combines weighted values (key results, or children in a roll-up) into one."""

    @property
    def name(self) -> str:
        """Shown in explanations and used as the registry key."""
        ...

    def __call__(self, parts: Sequence[WeightedValue]) -> Aggregate:
        """Combine `(weight, value)` pairs; called with at least one pair."""
        ...


@runtime_checkable
class NumericScorer(KeyResultScorer, Protocol):
    """A scorer with a number-only fast path, used when many key results are scored.

    `progress_only` returns exactly the `progress` of a full call, without building the
    explanation. The strategy test kit checks that the two agree.
    """

    def progress_only(self, key_result: KeyResult, current: float | bool | None) -> float:
        """The raw progress a full call would give."""
        ...


@runtime_checkable
class NumericAggregator(Aggregator, Protocol):
    """An aggregator with a number-only fast path, used when many objectives are scored.

    `value_only` returns exactly the `value` of a full call, without the formula text.
    """

    def value_only(self, parts: Sequence[WeightedValue]) -> float:
        """The combined value a full call would give (0.0 for no parts)."""
        ...


@runtime_checkable
class Grader(Protocol):
    """Maps a score value to a grade, and says whether it counts as met."""

    @property
    def name(self) -> str:
        """Shown in explanations and used as the registry key."""
        ...

    def grade(self, value: float, commitment: Commitment) -> Grade:
        """The grade of `value` (in [0, 1]) for the commitment."""
        ...

    def is_met(self, value: float, commitment: Commitment) -> bool:
        """Whether `value` meets the commitment."""
        ...


@runtime_checkable
class PaceRule(Protocol):
    """Decides ON_TRACK, BEHIND or AT_RISK from expected and actual progress.

    The engine handles ACHIEVED (actual >= 1, within `EDGE_TOLERANCE`) and NOT_STARTED
    (before the cycle) first, so a rule only sees a started, unfinished key result.
    """

    @property
    def name(self) -> str:
        """Shown in explanations and used as the registry key."""
        ...

    def __call__(self, expected: float, actual: float) -> Status:
        """Status for `expected` (elapsed share, in [0, 1]) and `actual` (score value)."""
        ...


@runtime_checkable
class RollUp(Protocol):
    """Decides what an objective's score is made of in an alignment tree.

    Attributes:
        name: Shown in explanations and used as the registry key.
        uses_children: Whether child objectives' scores feed the parent's.
    """

    @property
    def name(self) -> str:
        """Shown in explanations and used as the registry key."""
        ...

    @property
    def uses_children(self) -> bool:
        """Whether child objectives' scores feed the parent's."""
        ...

    def combine(
        self, objective: Objective, key_results: KeyResultValues, children: ChildValues
    ) -> Sequence[WeightedValue]:
        """The `(weight, value)` parts the aggregator combines for `objective`.

        Args:
            objective: The objective being scored.
            key_results: Its key results, each with its own score value.
            children: Its aligned child objectives, each with its rolled-up value. A
                child with several parents is called once per parent, each time seen
                with its link to `objective` first, so `child.alignment_weight` and
                `child.parent_key_result_id` are those of the link being rolled up.
        """
        ...


@runtime_checkable
class SharingRollUp(RollUp, Protocol):
    """A roll-up that can say what share of an objective's score each child carries.

    `AlignmentTree.contributions` follows these shares down every path from a root, so
    each objective's share of the root's score is known. Every built-in roll-up has one.
    """

    def shares(
        self, objective: Objective, key_results: KeyResultValues, children: ChildValues
    ) -> Sequence[float]:
        """The share of `objective`'s score each child carries, in `children`'s order.

        Each share is in [0, 1] and together at most 1; the rest is the objective's own
        (its key results). Takes the arguments of `combine`.
        """
        ...
