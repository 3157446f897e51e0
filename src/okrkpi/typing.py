"""Extension points: the protocols a custom strategy implements, and the type aliases.

Everything a plug-in author needs to type a strategy lives here. A strategy is any
object with a `name` and the call signature below; no base class is required.

Optional fast paths: a scorer may also define `progress_only(key_result, current) ->
float` and an aggregator `value_only(parts) -> float`, returning the same number as a
full call without building the explanation text. `AlignmentTree.score` uses them when it
scores many objectives at once; the strategy test kit checks that they agree with the
full call. Without them, the full call is used and only its number is kept.

Example:
    A scorer that rounds metric progress down to tenths:

    ```python
    import math
    from okrkpi.typing import KeyResultScorer
    from okrkpi import KeyResult, Measured


    class Tenths:
        name = "tenths"
        monotone = True

        def __call__(self, key_result: KeyResult, current: float | bool | None) -> Measured:
            measure = key_result.measure
            value = measure.start if current is None else float(current)
            raw = (value - measure.start) / (measure.target - measure.start)
            return Measured(math.floor(raw * 10) / 10, f"floor10({raw:.3f})")


    scorer: KeyResultScorer = Tenths()
    ```
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from okrkpi._model.moments import Moment

if TYPE_CHECKING:
    from okrkpi._model.key_result import KeyResult
    from okrkpi._model.objective import Commitment, Objective
    from okrkpi._scoring.score import Aggregate, Grade, Measured, Status

__all__ = [
    "Aggregator",
    "Grader",
    "KeyResultScorer",
    "Moment",
    "PaceRule",
    "RollUp",
    "StrategyCategory",
    "WeightedValue",
]

StrategyCategory = Literal["scorer", "aggregator", "grader", "pace", "rollup"]
"""The kinds of strategy a registry holds."""

WeightedValue = tuple[float, float]
"""`(weight, value)`: one part of an aggregate."""


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

    The engine handles ACHIEVED (actual >= 1) and NOT_STARTED (before the cycle) first,
    so a rule only sees a started, unfinished key result.
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
        self,
        objective: Objective,
        key_results: Sequence[tuple[KeyResult, float]],
        children: Sequence[tuple[Objective, float]],
    ) -> Sequence[WeightedValue]:
        """The `(weight, value)` parts the aggregator combines for `objective`.

        Args:
            objective: The objective being scored.
            key_results: Its key results, each with its own score value.
            children: Its aligned child objectives, each with its rolled-up value.
        """
        ...
