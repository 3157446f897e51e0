"""Extension points: the protocols a custom strategy implements, and the type aliases.

Everything a plug-in author needs to type a strategy lives here. A strategy is any
object with a `name` and the call signature below; no base class is required.

Optional fast paths: a scorer may also follow `NumericScorer` (a `progress_only(key_result,
current) -> float` method) and an aggregator `NumericAggregator` (`value_only(parts) ->
float`), returning the same number as a full call without building the explanation text.
`AlignmentTree.score` uses them when it scores many objectives at once; the strategy test
kit checks that they agree with the full call. Without them, the full call is used and
only its number is kept.

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

from okrkpi._model.moments import Moment
from okrkpi._scoring.protocols import (
    Aggregator,
    ChildValues,
    Grader,
    KeyResultScorer,
    KeyResultValues,
    NumericAggregator,
    NumericScorer,
    PaceRule,
    RollUp,
    SharingRollUp,
    StrategyCategory,
    WeightedValue,
)

__all__ = [
    "Aggregator",
    "ChildValues",
    "Grader",
    "KeyResultScorer",
    "KeyResultValues",
    "Moment",
    "NumericAggregator",
    "NumericScorer",
    "PaceRule",
    "RollUp",
    "SharingRollUp",
    "StrategyCategory",
    "WeightedValue",
]
