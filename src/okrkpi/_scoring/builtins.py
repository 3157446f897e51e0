"""Built-in strategies: private callable classes behind public factory functions."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import attrs

from okrkpi._errors import ValidationError
from okrkpi._model._checks import finite_float
from okrkpi._model.key_result import Binary, Metric, Milestones, Ordinal, Threshold, Zoned
from okrkpi._model.objective import Commitment
from okrkpi._model.tolerance import EDGE_TOLERANCE, checked_tolerance, reaches, within
from okrkpi._model.words import words_for
from okrkpi._model.zones import Zone
from okrkpi._scoring.numbers import exact as _n
from okrkpi._scoring.numbers import percent, shown, shown_together, sum_of, weight_of
from okrkpi._scoring.score import Aggregate, Grade, Measured, Status

if TYPE_CHECKING:
    from okrkpi._model.key_result import KeyResult
    from okrkpi._model.objective import Objective
    from okrkpi._scoring.protocols import ChildValues as Children
    from okrkpi._scoring.protocols import KeyResultValues as KRs
    from okrkpi._scoring.protocols import WeightedValue

    Parts = Sequence[WeightedValue]


def _wrong_measure(scorer: str, key_result: KeyResult, expected: str) -> ValidationError:
    return ValidationError.field(
        f"{scorer}.key_result({key_result.id!r}).measure", key_result.kind.value, expected
    )


# -- key-result scorers -------------------------------------------------------------------


@attrs.frozen(slots=True)
class _LinearMetric:
    name: str = "linear"
    monotone: bool = True

    def progress_only(self, key_result: KeyResult, current: float | bool | None) -> float:
        # The number path of tree scoring: kept to the arithmetic alone.
        measure = key_result.measure
        if not isinstance(measure, Metric):
            raise _wrong_measure(self.name, key_result, "a metric key result")
        start = measure.start
        value = start if current is None else current
        # + 0.0 turns the -0.0 of a falling metric at its start into 0.0 for display.
        return (value - start) / (measure.target - start) + 0.0

    def __call__(self, key_result: KeyResult, current: float | bool | None) -> Measured:
        progress = self.progress_only(key_result, current)
        measure = key_result.measure
        assert isinstance(measure, Metric)
        value = measure.start if current is None else current
        note = "no check-in yet: current = start" if current is None else ""
        formula = (
            f"({_n(value)} - {_n(measure.start)}) / ({_n(measure.target)} - {_n(measure.start)})"
        )
        inputs = {"start": measure.start, "target": measure.target, "current": value}
        return Measured(progress, formula, inputs, note)


def linear_metric() -> _LinearMetric:
    """Metric progress `(current - start) / (target - start)`, up or down alike."""
    return _LinearMetric()


@attrs.frozen(slots=True)
class _BinaryScorer:
    name: str = "binary"
    monotone: bool = True

    def _done(self, key_result: KeyResult, current: float | bool | None) -> bool:
        measure = key_result.measure
        if not isinstance(measure, Binary):
            raise _wrong_measure(self.name, key_result, "a binary key result")
        return measure.done if current is None else bool(current)

    def progress_only(self, key_result: KeyResult, current: float | bool | None) -> float:
        return 1.0 if self._done(key_result, current) else 0.0

    def __call__(self, key_result: KeyResult, current: float | bool | None) -> Measured:
        done = self._done(key_result, current)
        note = "no check-in yet: initial state" if current is None else ""
        return Measured(1.0 if done else 0.0, "done" if done else "not done", {"done": done}, note)


def binary_scorer() -> _BinaryScorer:
    """1.0 when done, else 0.0."""
    return _BinaryScorer()


@attrs.frozen(slots=True)
class _ThresholdScorer:
    name: str = "threshold"
    monotone: bool = True

    def _verdict(
        self, key_result: KeyResult, current: float | bool | None
    ) -> tuple[Threshold, bool]:
        measure = key_result.measure
        if not isinstance(measure, Threshold):
            raise _wrong_measure(self.name, key_result, "a threshold key result")
        if current is None:
            return measure, False
        if measure.above:
            ok = current >= measure.threshold if measure.inclusive else current > measure.threshold
        else:
            ok = current <= measure.threshold if measure.inclusive else current < measure.threshold
        return measure, ok

    def progress_only(self, key_result: KeyResult, current: float | bool | None) -> float:
        return 1.0 if self._verdict(key_result, current)[1] else 0.0

    def __call__(self, key_result: KeyResult, current: float | bool | None) -> Measured:
        measure, ok = self._verdict(key_result, current)
        if current is None:
            return Measured(0.0, "no value", {"threshold": measure.threshold}, "no check-in yet")
        sign = (">" if measure.above else "<") + ("=" if measure.inclusive else "")
        formula = f"{_n(current)} {sign} {_n(measure.threshold)} is {ok}"
        inputs = {"threshold": measure.threshold, "current": current}
        return Measured(1.0 if ok else 0.0, formula, inputs)


def threshold_scorer() -> _ThresholdScorer:
    """1.0 when strictly above (or below) the threshold, inclusive if the key result says so."""
    return _ThresholdScorer()


@attrs.frozen(slots=True)
class _MilestoneShare:
    name: str = "milestones"
    monotone: bool = True

    def _shares(
        self, key_result: KeyResult, current: float | bool | None
    ) -> tuple[int, int, float, float]:
        measure = key_result.measure
        if not isinstance(measure, Milestones):
            raise _wrong_measure(self.name, key_result, "a milestones key result")
        reached = 0 if current is None else int(current)
        weights = [step.weight for step in measure.milestones]
        try:
            return reached, len(weights), math.fsum(weights[:reached]), math.fsum(weights)
        except OverflowError:  # weights near the float limit: scale them first
            largest = max(weights)
            scaled = [weight / largest for weight in weights]
            return reached, len(weights), math.fsum(scaled[:reached]), math.fsum(scaled)

    def progress_only(self, key_result: KeyResult, current: float | bool | None) -> float:
        _, _, done, total = self._shares(key_result, current)
        return done / total

    def __call__(self, key_result: KeyResult, current: float | bool | None) -> Measured:
        reached, count, done, total = self._shares(key_result, current)
        note = "no check-in yet: none reached" if current is None else ""
        formula = f"{_n(done)} / {_n(total)} ({reached} of {count} reached)"
        return Measured(done / total, formula, {"reached": reached}, note)


def milestone_share() -> _MilestoneShare:
    """The weighted share of milestones reached."""
    return _MilestoneShare()


@attrs.frozen(slots=True)
class _ZoneValues:
    values: tuple[float, float, float, float]
    name: str = "zones"
    monotone: bool = True

    def _zone(self, key_result: KeyResult, current: float | bool | None) -> tuple[Zone, str]:
        measure = key_result.measure
        if isinstance(measure, Zoned):
            value = measure.baseline if current is None else float(current)
            share = measure.progress(value)
            way = f"{_n(value)} is {percent(share)} of the way to stretch"
            return measure.zone(value), way
        if isinstance(measure, Ordinal):
            zone = Zone.FAIL if current is None else measure.zone(float(current))
            return zone, "checked in as a zone"
        raise _wrong_measure(self.name, key_result, "a zoned or ordinal key result")

    def progress_only(self, key_result: KeyResult, current: float | bool | None) -> float:
        return self.values[self._zone(key_result, current)[0]]

    def __call__(self, key_result: KeyResult, current: float | bool | None) -> Measured:
        zone, how = self._zone(key_result, current)
        value = self.values[zone]
        note = "no check-in yet" if current is None else ""
        formula = f"zone {words_for(zone)} ({how}) -> {_n(value)}"
        return Measured(value, formula, {"zone": zone.name.lower(), "current": current}, note)


def zone_values(
    *, fail: float = 0.0, commit: float = 0.3, target: float = 0.7, stretch: float = 1.0
) -> _ZoneValues:
    """A zoned or ordinal key result scores the value of its zone.

    By default FAIL 0.0, COMMIT 0.3, TARGET 0.7 and STRETCH 1.0, so reaching target
    meets an aspirational objective (0.7) and only stretch completes it.

    Raises:
        ValidationError: A value is not a finite number in [0, 1], or a higher zone
            would score less than a lower one.
    """
    given = {"fail": fail, "commit": commit, "target": target, "stretch": stretch}
    values = [finite_float(f"zone_values.{name}", value) for name, value in given.items()]
    for name, value in zip(given, values, strict=True):
        if not 0.0 <= value <= 1.0:
            raise ValidationError.field(f"zone_values.{name}", value, "a value from 0 to 1")
    if values != sorted(values):
        raise ValidationError.field(
            "zone_values", given, "values that never fall from FAIL to STRETCH"
        )
    return _ZoneValues((values[0], values[1], values[2], values[3]))


# -- aggregators --------------------------------------------------------------------------


def _positive(parts: Sequence[WeightedValue]) -> list[WeightedValue]:
    return [(weight, value) for weight, value in parts if weight > 0]


def _total_weight(used: Sequence[WeightedValue]) -> str:
    """The sum of the weights, for a formula; past the float limit, as a multiple."""
    largest = max(weight for weight, _ in used)  # called with at least one part
    scaled = math.fsum(weight / largest for weight, _ in used)  # no intermediate overflow
    total = largest * scaled
    return sum_of(total) if math.isfinite(total) else f"{sum_of(scaled)}x{_n(largest)}"


def _printed(
    used: Sequence[WeightedValue],
    recompute: Callable[[Sequence[WeightedValue]], float],
    result: float,
) -> list[str]:
    """The parts' values as a formula prints them: recomputed, they give `result` as shown.

    Two decimals where that is safe (`0.50`); more digits where a reader recomputing the
    formula from two would get another number than the one stated, or one across an edge.
    """
    weights = [weight for weight, _ in used]
    shown_result = shown(result)

    def agrees(values: Sequence[float]) -> bool:
        return shown(recompute(list(zip(weights, values, strict=True)))) == shown_result

    return shown_together([value for _, value in used], agrees, decimals=True)


def _normalised(used: Sequence[WeightedValue]) -> list[WeightedValue]:
    # Weights are scaled by the largest first, so weights near the float limit cannot
    # overflow the sum; fsum is exactly rounded, so the order of the parts cannot matter.
    largest = max(weight for weight, _ in used)
    total = math.fsum(weight / largest for weight, _ in used)
    return [(weight / largest / total, value) for weight, value in used]


def _mean(used: Sequence[WeightedValue]) -> float:
    if not used:
        return 0.0
    try:
        mean = math.fsum([w * v for w, v in used]) / math.fsum([w for w, _ in used])
    except OverflowError:
        mean = math.inf
    if math.isfinite(mean):
        return mean
    return math.fsum([share * value for share, value in _normalised(used)])


@attrs.frozen(slots=True)
class _WeightedMean:
    name: str = "weighted_mean"

    def value_only(self, parts: Sequence[WeightedValue]) -> float:
        return _mean(_positive(parts))

    def __call__(self, parts: Sequence[WeightedValue]) -> Aggregate:
        used = _positive(parts)
        if not used:
            return Aggregate(0.0, "no parts with weight > 0")
        mean = _mean(used)
        values = _printed(used, _mean, mean)
        terms = " + ".join(
            f"{value}x{weight_of(weight)}" for (weight, _), value in zip(used, values, strict=True)
        )
        return Aggregate(mean, f"({terms}) / {_total_weight(used)}")


def weighted_mean() -> _WeightedMean:
    """Sum of weight x value over the sum of weights (the default)."""
    return _WeightedMean()


@attrs.frozen(slots=True)
class _Minimum:
    name: str = "minimum"

    def value_only(self, parts: Sequence[WeightedValue]) -> float:
        return min((value for _, value in _positive(parts)), default=0.0)

    def __call__(self, parts: Sequence[WeightedValue]) -> Aggregate:
        used = _positive(parts)
        if not used:
            return Aggregate(0.0, "no parts with weight > 0")
        least = min(value for _, value in used)
        values = _printed(used, lambda printed: min(value for _, value in printed), least)
        return Aggregate(least, f"min({', '.join(values)})")


def minimum() -> _Minimum:
    """The lowest value among parts with weight > 0: an objective is as good as its worst KR."""
    return _Minimum()


@attrs.frozen(slots=True)
class _WeightedGeometricMean:
    name: str = "weighted_geometric_mean"

    def value_only(self, parts: Sequence[WeightedValue]) -> float:
        used = _positive(parts)
        if not used or any(value <= 0 for _, value in used):
            return 0.0
        largest = max(weight for weight, _ in used)
        scaled = [(weight / largest, value) for weight, value in used]
        total = math.fsum(weight for weight, _ in scaled)
        log_mean = math.fsum(weight * math.log(value) for weight, value in scaled) / total
        # exp(log) can land a hair outside [min, max]; keep the mean between its parts
        values = [value for _, value in used]
        return min(max(math.exp(log_mean), min(values)), max(values))

    def __call__(self, parts: Sequence[WeightedValue]) -> Aggregate:
        used = _positive(parts)
        if not used:
            return Aggregate(0.0, "no parts with weight > 0")
        mean = self.value_only(used)
        values = _printed(used, self.value_only, mean)
        terms = " * ".join(
            f"{value}^{weight_of(weight)}" for (weight, _), value in zip(used, values, strict=True)
        )
        return Aggregate(mean, f"({terms})^(1/{_total_weight(used)})")


def weighted_geometric_mean() -> _WeightedGeometricMean:
    """`(prod value^weight)^(1/sum weight)`: one zero sinks the whole objective."""
    return _WeightedGeometricMean()


# -- graders ------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class _GoogleGrader:
    name: str = "google"
    yellow: float = 0.4
    green: float = 0.7
    tolerance: float = EDGE_TOLERANCE

    def grade(self, value: float, commitment: Commitment) -> Grade:
        tolerance = self.tolerance
        if commitment is Commitment.COMMITTED:
            if reaches(value, 1.0, tolerance):
                return Grade.GREEN
            return Grade.YELLOW if reaches(value, self.green, tolerance) else Grade.RED
        if reaches(value, self.green, tolerance):
            return Grade.GREEN
        return Grade.YELLOW if reaches(value, self.yellow, tolerance) else Grade.RED

    def is_met(self, value: float, commitment: Commitment) -> bool:
        edge = 1.0 if commitment is Commitment.COMMITTED else self.green
        return reaches(value, edge, self.tolerance)


def google_grader(
    *, yellow: float = 0.4, green: float = 0.7, tolerance: float = EDGE_TOLERANCE
) -> _GoogleGrader:
    """Google's bands.

    Aspirational: RED below `yellow`, YELLOW below `green`, GREEN from `green`; met from
    `green`. Committed: GREEN and met only at 1.0, YELLOW from `green`, RED below.

    A value within `tolerance` below an edge reaches it (`okrkpi.EDGE_TOLERANCE` by
    default), so float noise such as `0.3999999999999999` grades as 0.4 does.

    Raises:
        ValidationError: Not `0 < yellow < green <= 1`, or a tolerance outside 0..0.001.
    """
    yellow = finite_float("google_grader.yellow", yellow)
    green = finite_float("google_grader.green", green)
    if not 0 < yellow < green <= 1:
        raise ValidationError.field(
            "google_grader.green", (yellow, green), "0 < yellow < green <= 1"
        )
    tolerance = checked_tolerance("google_grader.tolerance", tolerance)
    return _GoogleGrader(yellow=yellow, green=green, tolerance=tolerance)


# -- pace rules ---------------------------------------------------------------------------


@attrs.frozen(slots=True)
class _GapPace:
    name: str = "gap"
    at_risk_gap: float = 0.25
    tolerance: float = EDGE_TOLERANCE

    def __call__(self, expected: float, actual: float) -> Status:
        gap = expected - actual
        if within(gap, 0.0, self.tolerance):
            return Status.ON_TRACK
        return Status.BEHIND if within(gap, self.at_risk_gap, self.tolerance) else Status.AT_RISK


def gap_pace(*, at_risk_gap: float = 0.25, tolerance: float = EDGE_TOLERANCE) -> _GapPace:
    """The gap rule on `g = expected - actual`.

    ON_TRACK at `g <= 0`, BEHIND up to `at_risk_gap`, else AT_RISK; a gap within
    `tolerance` above a limit is within it (`okrkpi.EDGE_TOLERANCE` by default).

    Raises:
        ValidationError: `at_risk_gap` outside (0, 1], or a tolerance outside 0..0.001.
    """
    at_risk_gap = finite_float("gap_pace.at_risk_gap", at_risk_gap)
    if not 0 < at_risk_gap <= 1:
        raise ValidationError.field("gap_pace.at_risk_gap", at_risk_gap, "a number in (0, 1]")
    tolerance = checked_tolerance("gap_pace.tolerance", tolerance)
    return _GapPace(at_risk_gap=at_risk_gap, tolerance=tolerance)


@attrs.frozen(slots=True)
class _RatioPace:
    name: str = "ratio"
    on_track: float = 0.95
    behind: float = 0.75
    tolerance: float = EDGE_TOLERANCE

    def __call__(self, expected: float, actual: float) -> Status:
        if expected <= 0:
            return Status.ON_TRACK
        ratio = actual / expected
        if reaches(ratio, self.on_track, self.tolerance):
            return Status.ON_TRACK
        return Status.BEHIND if reaches(ratio, self.behind, self.tolerance) else Status.AT_RISK


def ratio_pace(
    *, on_track: float = 0.95, behind: float = 0.75, tolerance: float = EDGE_TOLERANCE
) -> _RatioPace:
    """Ratio `actual / expected`: ON_TRACK from `on_track`, BEHIND from `behind`, else AT_RISK.

    A ratio within `tolerance` below a limit reaches it (`okrkpi.EDGE_TOLERANCE` by
    default).

    Raises:
        ValidationError: Not `0 < behind < on_track`, or a tolerance outside 0..0.001.
    """
    on_track = finite_float("ratio_pace.on_track", on_track)
    behind = finite_float("ratio_pace.behind", behind)
    if not 0 < behind < on_track:
        raise ValidationError.field(
            "ratio_pace.behind", (behind, on_track), "0 < behind < on_track"
        )
    tolerance = checked_tolerance("ratio_pace.tolerance", tolerance)
    return _RatioPace(on_track=on_track, behind=behind, tolerance=tolerance)


# -- roll-ups -----------------------------------------------------------------------------


def _kr_parts(key_results: KRs) -> list[WeightedValue]:
    return [(key_result.weight, value) for key_result, value in key_results]


def _child_parts(children: Children) -> list[WeightedValue]:
    return [(child.alignment_weight, value) for child, value in children]


def _shared_out(weights: Sequence[float], whole: float = 1.0) -> list[float]:
    """`whole` shared out in proportion to `weights` (those <= 0 get nothing)."""
    used = [weight for weight in weights if weight > 0]
    if not used:
        return [0.0 for _ in weights]
    largest = max(used)
    total = math.fsum(weight / largest for weight in used)
    return [weight / largest / total * whole if weight > 0 else 0.0 for weight in weights]


@attrs.frozen(slots=True)
class _KeyResultsOnly:
    name: str = "key_results"
    uses_children: bool = False

    def combine(self, objective: Objective, key_results: KRs, children: Children) -> Parts:
        return _kr_parts(key_results)

    def shares(self, objective: Objective, key_results: KRs, children: Children) -> list[float]:
        return [0.0 for _ in children]  # children do not count: the objective holds it all


def key_results_only() -> _KeyResultsOnly:
    """An objective scores from its own key results; children do not count (Google's way)."""
    return _KeyResultsOnly()


@attrs.frozen(slots=True)
class _ChildrenOnly:
    name: str = "children"
    uses_children: bool = True

    def combine(self, objective: Objective, key_results: KRs, children: Children) -> Parts:
        # A leaf (or one whose children all weigh 0) has only its key results to go on.
        below = _positive(_child_parts(children))
        return below or _kr_parts(key_results)

    def shares(self, objective: Objective, key_results: KRs, children: Children) -> list[float]:
        return _shared_out([child.alignment_weight for child, _ in children])


def children_only() -> _ChildrenOnly:
    """An objective scores as the weighted mean of its children (leaves use their key results)."""
    return _ChildrenOnly()


@attrs.frozen(slots=True)
class _KeyResultsAndChildren:
    name: str = "key_results_and_children"
    uses_children: bool = True
    children_share: float = 0.5

    def combine(self, objective: Objective, key_results: KRs, children: Children) -> Parts:
        own = _positive(_kr_parts(key_results))
        below = _positive(_child_parts(children))
        if not own or not below:
            return own or below
        # Each side keeps its internal weights but gets a fixed share of the whole.
        return _shared(own, 1 - self.children_share) + _shared(below, self.children_share)

    def shares(self, objective: Objective, key_results: KRs, children: Children) -> list[float]:
        own = any(weight > 0 for weight, _ in _kr_parts(key_results))
        return _shared_out(
            [child.alignment_weight for child, _ in children],
            self.children_share if own else 1.0,
        )


def _shared(used: Sequence[WeightedValue], share: float) -> list[WeightedValue]:
    """Parts with weight > 0, their weights normalised, then given `share` of the whole.

    A weight too light to survive that keeps the least float above 0: it still counts
    (its zero sinks a geometric mean; it is in a minimum), as every weight > 0 does.
    """
    return [(max(part * share, _LIGHTEST), value) for part, value in _normalised(used)]


_LIGHTEST = math.ulp(0.0)  # the least float above 0


def key_results_and_children(*, children_share: float = 0.5) -> _KeyResultsAndChildren:
    """Own key results and children together; children weigh `children_share` of the whole.

    Within each side the key results' weights and the children's `alignment_weight`s apply.
    """
    children_share = finite_float("key_results_and_children.children_share", children_share)
    if not 0 < children_share < 1:
        raise ValidationError.field(
            "key_results_and_children.children_share", children_share, "a share in (0, 1)"
        )
    return _KeyResultsAndChildren(children_share=children_share)


@attrs.frozen(slots=True)
class _DrivenKeyResults:
    name: str = "driven_key_results"
    uses_children: bool = True

    def combine(self, objective: Objective, key_results: KRs, children: Children) -> Parts:
        drivers: dict[str, list[WeightedValue]] = {}
        for child, value in children:
            if child.parent_key_result_id is not None and child.alignment_weight > 0:
                drivers.setdefault(child.parent_key_result_id, []).append(
                    (child.alignment_weight, value)
                )
        return [
            (
                key_result.weight,
                _mean(drivers[key_result.id]) if key_result.id in drivers else value,
            )
            for key_result, value in key_results
        ]

    def shares(self, objective: Objective, key_results: KRs, children: Children) -> list[float]:
        # Each key result's share of the objective goes to the children driving it, in
        # proportion to their weights; a key result no child drives stays the objective's.
        of_key_result = dict(
            zip(
                [key_result.id for key_result, _ in key_results],
                _shared_out([key_result.weight for key_result, _ in key_results]),
                strict=True,
            )
        )
        drivers: dict[str, list[float]] = {}
        for child, _ in children:
            if child.parent_key_result_id is not None:
                drivers.setdefault(child.parent_key_result_id, []).append(child.alignment_weight)
        split = {
            kr_id: iter(_shared_out(weights, of_key_result.get(kr_id, 0.0)))
            for kr_id, weights in drivers.items()
        }
        return [
            0.0 if child.parent_key_result_id is None else next(split[child.parent_key_result_id])
            for child, _ in children
        ]


def driven_key_results() -> _DrivenKeyResults:
    """Key results driven by the objectives aligned to them.

    A key result with objectives aligned to it (`parent_key_result_id`) takes their
    weighted mean as its value; other key results keep their own.
    """
    return _DrivenKeyResults()


@attrs.frozen(slots=True)
class _DrivenByInitiatives:
    name: str = "initiatives"
    uses_children: bool = False

    def combine(self, objective: Objective, key_results: KRs, children: Children) -> Parts:
        shares: dict[str, list[WeightedValue]] = {}
        for initiative in objective.initiatives:
            share = initiative.done_share
            if share is None:
                continue
            for key_result_id in initiative.key_result_ids:
                shares.setdefault(key_result_id, []).append((1.0, share))
        return [
            (key_result.weight, _mean(shares[key_result.id]) if key_result.id in shares else value)
            for key_result, value in key_results
        ]

    def shares(self, objective: Objective, key_results: KRs, children: Children) -> list[float]:
        return [0.0 for _ in children]  # initiatives are the objective's own


def driven_by_initiatives() -> _DrivenByInitiatives:
    """Key results driven by their initiatives' progress.

    A key result with initiatives linked to it (`Initiative.key_result_ids`) takes the
    mean of their `done_share` (DONE 1.0, else the recorded progress; cancelled ones and
    open ones without a progress are left out); other key results keep their own value.
    Initiatives have no history: their progress is as recorded, whatever the date.
    """
    return _DrivenByInitiatives()
