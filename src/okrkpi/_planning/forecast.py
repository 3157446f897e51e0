"""Forecasts from check-in trends, and confidence calibration across closed cycles."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from datetime import date

import attrs

from okrkpi._alignment.tree import AlignmentTree, TreeScores
from okrkpi._errors import ValidationError
from okrkpi._model._checks import check_moment
from okrkpi._model._pairs import checked_pairs
from okrkpi._model._stats import least_squares
from okrkpi._model.confidence_scale import ConfidenceScale, band_index
from okrkpi._model.cycle import Cycle
from okrkpi._model.key_result import KeyResult, Metric
from okrkpi._model.moments import DayOf, day_number, day_rule
from okrkpi._model.moments import day_of as day_in
from okrkpi._model.objective import Objective
from okrkpi._scoring.engine import judged_as_of, score_key_result
from okrkpi._scoring.policy import ScoringPolicy, resolve_policy
from okrkpi._scoring.protocols import RollUp

__all__ = [
    "Calibration",
    "CalibrationBucket",
    "Forecast",
    "brier_score",
    "calibration",
    "forecast",
    "forecast_objective",
    "forecast_tree",
]


@attrs.frozen(slots=True)
class Forecast:
    """Where a metric key result is heading.

    Attributes:
        projected_value: The least-squares trend of check-ins, extended to the cycle's end.
        projected_progress: Raw progress of the projected value.
        projected_score: Projected progress clamped to [0, 1].
        slope_per_day: The trend's slope.
        required_per_day: The run-rate needed from `as_of` to reach the target by the end;
            None when no days remain.
        points: How many points the trend used.
        planned_value: For a key result with a plan, the plan's value `as_of`; else None.
        on_plan_value: For a key result with a plan, where it ends if the rest of the
            cycle goes as planned from today's value (today's value plus what the plan
            still adds); else None. Back-loaded plans make the trend too pessimistic.
    """

    projected_value: float
    projected_progress: float
    projected_score: float
    slope_per_day: float
    required_per_day: float | None
    points: int
    planned_value: float | None = None
    on_plan_value: float | None = None


_FARTHEST = 1e6  # a forecast's progress is kept within +-1e6 times the way to target
_LARGEST = sys.float_info.max / 2  # a projected value stays within +-this


def _finite(number: float) -> float:
    # A slope or run-rate too steep for a float keeps its sign at the largest float.
    return max(-sys.float_info.max, min(sys.float_info.max, number))


def _bounded(progress: float, start: float, span: float) -> float:
    # However steep or wild a trend, a forecast stays a finite number a check-in can hold:
    # start + progress * span within +-_LARGEST, whichever side start is on. Neither
    # quotient is NaN: |start / span| is bounded by the float precision (span != 0).
    one_edge = _LARGEST / span - start / span
    other_edge = -_LARGEST / span - start / span
    low = max(-_FARTHEST, min(one_edge, other_edge))
    high = min(_FARTHEST, max(one_edge, other_edge))
    return min(high, max(low, progress))


def _value_at(progress: float, start: float, span: float) -> float:
    """`start + progress * span`; halved on the way when the product alone would overflow."""
    value = start + progress * span
    if math.isinf(value):  # within bounds, so only the intermediate product overflowed
        value = 2 * (start / 2 + progress * (span / 2))
    return value


def forecast(
    key_result: KeyResult, cycle: Cycle, *, as_of: date, day_of: DayOf | str = DayOf.LOCAL
) -> Forecast:
    """Project a metric key result to the end of `cycle` from its check-ins up to `as_of`.

    The trend is a least-squares line through the check-ins (value against time) within
    the cycle: check-ins after its end do not count, and the latest one before its start
    is the value it starts from. With a single point in the cycle, the baseline (`start`
    on the cycle's first day) is the second; with none, the value stays at `start`. Once
    the cycle is over, the projection is where the key result ended. Which day a
    check-in falls on, in or out of the cycle, follows the rule `day_of`.

    Raises:
        ValidationError: The key result is not a metric, or bad arguments.
    """
    if not isinstance(key_result, KeyResult):
        raise ValidationError.field("forecast.key_result", key_result, "a KeyResult")
    measure = key_result.measure
    if not isinstance(measure, Metric):
        raise ValidationError.field(
            f"forecast.key_result({key_result.id!r})", key_result.kind.value, "a metric key result"
        )
    if not isinstance(cycle, Cycle):
        raise ValidationError.field("forecast.cycle", cycle, "a Cycle")
    check_moment("forecast.as_of", as_of, "a date")
    rule = day_rule(day_of, "forecast.day_of")
    start_x = day_number(cycle.start)
    xs: list[float] = []
    ys: list[float] = []
    for entry in key_result.check_ins_until(judged_as_of(as_of, cycle, rule), day_of=rule):
        x = day_number(entry.at)
        if day_in(entry.at, rule) < cycle.start:  # before the cycle: the value it starts from
            xs, ys = [start_x], [float(entry.value)]
        else:
            xs.append(x)
            ys.append(float(entry.value))
    if len(xs) == 1 and xs[0] > start_x:
        xs.insert(0, start_x)
        ys.insert(0, float(measure.start))
    end_x = day_number(cycle.end)
    current = ys[-1] if ys else float(measure.start)
    slope = _finite(least_squares(xs, ys)[0]) if len(xs) >= 2 else 0.0
    if day_in(as_of, rule) >= cycle.end:
        projected = current
    else:
        # From the last point, so the numbers stay near the data's own size.
        projected = current + slope * (end_x - xs[-1]) if xs else current
    span = measure.target - measure.start
    progress = _bounded((projected - measure.start) / span, measure.start, span)
    projected = _value_at(progress, measure.start, span)
    remaining = (cycle.end - day_in(as_of, rule)).days
    required = _finite((measure.target - current) / remaining) if remaining > 0 else None
    planned = on_plan = None
    if measure.plan:
        planned = measure.planned(cycle, as_of, day_of=rule).planned_value
        still_planned = measure.planned(cycle, cycle.end).planned_value - planned
        on_track = _bounded((current + still_planned - measure.start) / span, measure.start, span)
        on_plan = _value_at(on_track, measure.start, span)
    return Forecast(
        projected_value=projected,
        projected_progress=progress,
        projected_score=min(1.0, max(0.0, progress)),
        slope_per_day=slope,
        required_per_day=required,
        points=len(xs),
        planned_value=planned,
        on_plan_value=on_plan,
    )


def forecast_objective(
    objective: Objective, *, as_of: date, policy: ScoringPolicy | None = None
) -> float:
    """The objective's projected score: its aggregator over projected key-result scores.

    Metric key results use `forecast`; other kinds keep their current value.

    Raises:
        ValidationError: The objective has no cycle.
    """
    if not isinstance(objective, Objective):
        raise ValidationError.field("forecast_objective.objective", objective, "an Objective")
    if objective.cycle is None:
        raise ValidationError.field(f"Objective({objective.id!r}).cycle", None, "a Cycle")
    check_moment("forecast_objective.as_of", as_of, "a date")
    chosen = resolve_policy(policy)
    rule = chosen.day_of
    judged = judged_as_of(as_of, objective.cycle, rule)  # after the cycle does not count
    parts = []
    for key_result in objective.key_results:
        if isinstance(key_result.measure, Metric):
            ahead = forecast(key_result, objective.cycle, as_of=as_of, day_of=rule)
            value = ahead.projected_score
        else:
            value = score_key_result(key_result, judged, chosen, objective.commitment).value
        parts.append((key_result.weight, value))
    return chosen.aggregator(parts).value if parts else 0.0


def forecast_tree(
    tree: AlignmentTree,
    *,
    as_of: date,
    policy: ScoringPolicy | None = None,
    rollup: str | RollUp | None = None,
) -> TreeScores:
    """Where every objective in a tree is heading, rolled up by the tree's own rules.

    Each metric key result of an objective whose cycle is still running at `as_of` gets
    its `forecast` as a check-in on the cycle's last day; other key results, and
    objectives whose cycle is over or unset, keep what was known at `as_of`. The
    projected tree is then scored like any tree, so roll-ups and custom strategies apply,
    and each projected score explains itself.

    Args:
        tree: The tree to project.
        as_of: What is known: check-ins after this day are ignored.
        policy: Overrides the tree's policy.
        rollup: Overrides the policy's roll-up, by instance or registered name.
    """
    if not isinstance(tree, AlignmentTree):
        raise ValidationError.field("forecast_tree.tree", tree, "an AlignmentTree")
    check_moment("forecast_tree.as_of", as_of, "a date")
    rule = (tree.policy if policy is None else resolve_policy(policy)).day_of
    projected = [_projected(objective, day_in(as_of, rule), rule) for objective in tree]
    return AlignmentTree(projected, policy=tree.policy).score(policy=policy, rollup=rollup)


def _projected(objective: Objective, day: date, rule: DayOf) -> Objective:
    running = objective.cycle if objective.cycle is not None and day < objective.cycle.end else None
    key_results = []
    for key_result in objective.key_results:
        known = attrs.evolve(key_result, check_ins=key_result.check_ins_until(day, day_of=rule))
        if running is not None and isinstance(key_result.measure, Metric):
            ahead = forecast(key_result, running, as_of=day, day_of=rule)
            known = known.check_in(ahead.projected_value, at=running.end, note="forecast")
        key_results.append(known)
    return attrs.evolve(objective, key_results=key_results)


# -- calibration --------------------------------------------------------------------------


@attrs.frozen(slots=True)
class CalibrationBucket:
    """Stated confidence in [`low`, `high`) against how often it came true.

    Attributes:
        low: Lowest stated probability in the bucket.
        high: Upper end (exclusive, except for the last bucket).
        count: How many forecasts fell in it.
        stated: Mean stated probability (None if empty).
        observed: Share that were met (None if empty).
        label: The confidence scale's band name, when the table follows a scale's bands.
    """

    low: float
    high: float
    count: int
    stated: float | None
    observed: float | None
    label: str | None = None


@attrs.frozen(slots=True)
class Calibration:
    """How well stated confidence matched outcomes.

    Attributes:
        brier: Mean squared gap between stated probability and outcome (0 is perfect);
            None when no pair was judged (`count == 0`), since no data has no score and
            0.0 would read as a perfect forecaster.
        count: How many (confidence, outcome) pairs were judged.
        buckets: The reliability table.
    """

    brier: float | None
    count: int
    buckets: tuple[CalibrationBucket, ...]


def brier_score(
    pairs: Iterable[tuple[float | str, bool]], *, scale: ConfidenceScale | None = None
) -> float:
    """Mean of `(probability - outcome)^2` over `(probability, met)` pairs.

    A probability is any real number in [0, 1] (numpy, `Decimal` and `Fraction` too); `met`
    is a bool (numpy's too) or 0/1. With a `scale`, the first item of each pair is a value
    of that scale instead (`("medium", True)`), read as the probability it stands for. No
    pairs is an error rather than a score: there is no score of nothing, as
    `calibration` says with `brier=None`.

    Raises:
        ValidationError: No pairs, or a malformed pair, naming its position
            (`brier_score.pairs[3].probability`).
    """
    if scale is not None:
        if not isinstance(scale, ConfidenceScale):
            raise ValidationError.field("brier_score.scale", scale, "a ConfidenceScale or None")
        pairs = _on_scale(pairs, scale)
    items = checked_pairs("brier_score.pairs", pairs)
    if not items:
        raise ValidationError.field(
            "brier_score.pairs", pairs, "at least one pair of (probability, met)"
        )
    return math.fsum((probability - met) ** 2 for probability, met in items) / len(items)


def _on_scale(
    pairs: Iterable[tuple[float | str, bool]], scale: ConfidenceScale
) -> list[tuple[float, bool]]:
    if isinstance(pairs, str | bytes) or not isinstance(pairs, Iterable):
        raise ValidationError.field("brier_score.pairs", pairs, "an iterable of pairs")
    converted = []
    for position, pair in enumerate(pairs):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ValidationError.field(f"brier_score.pairs[{position}]", pair, "a pair")
        converted.append((scale.to_probability(pair[0]), pair[1]))
    return converted


def calibration(
    objectives: Iterable[Objective],
    *,
    as_of: date | None = None,
    stated_as_of: date | None = None,
    buckets: int = 5,
    policy: ScoringPolicy | None = None,
    scale: ConfidenceScale | None = None,
) -> Calibration:
    """Answer "when owners say 7/10, do they hit it 70% of the time?" across closed cycles.

    For every key result with a stated confidence, the confidence is read `stated_as_of`
    (the latest when None) and the outcome is whether the key result was met at the end
    of its objective's cycle, per the objective's commitment (1.0 committed, 0.7
    aspirational by default).

    Only outcomes known `as_of` are judged: an objective whose cycle has not ended by
    that day is left out (its key results are not yet met or missed, so they count
    neither way), and a confidence stated after it is not read. When None, every cycle
    is taken as finished: pass `as_of` while some are still open.

    With no key result that states a confidence, `count` is 0 and `brier` is None: no
    data never reads as a score (`brier_score` raises for the same reason).

    With a banded `scale` (e.g. `ConfidenceScale.low_medium_high()`), the table has one
    bucket per band, labelled, instead of `buckets` equal ones.

    Scored with `policy`; when None, with the policy of `objectives` when it is an
    `AlignmentTree` (its grader and day rule, as its scores use them), else the defaults.

    Raises:
        ValidationError: `objectives` holds something else than objectives, an objective
            has no cycle, `as_of` or `stated_as_of` is not a date, or `buckets` is not a
            positive integer.
    """
    if isinstance(objectives, str | bytes) or not isinstance(objectives, Iterable):
        raise ValidationError.field("calibration.objectives", objectives, "objectives")
    if not isinstance(buckets, int) or isinstance(buckets, bool) or buckets < 1:
        raise ValidationError.field("calibration.buckets", buckets, "a whole number >= 1")
    if stated_as_of is not None:
        check_moment("calibration.stated_as_of", stated_as_of, "a date or None")
    if as_of is not None:
        check_moment("calibration.as_of", as_of, "a date or None")
    if policy is None and isinstance(objectives, AlignmentTree):
        policy = objectives.policy
    chosen = resolve_policy(policy)
    pairs: list[tuple[float, bool]] = []
    for position, objective in enumerate(objectives):
        if not isinstance(objective, Objective):
            raise ValidationError.field(
                f"calibration.objectives[{position}]", objective, "an Objective"
            )
        if objective.cycle is None:
            raise ValidationError.field(f"Objective({objective.id!r}).cycle", None, "a Cycle")
        end = objective.cycle.end
        if as_of is not None and day_in(as_of, chosen.day_of) < end:
            continue  # still open on that day: no outcome yet, met or missed
        read = end if stated_as_of is None else stated_as_of
        if as_of is not None and day_in(read, chosen.day_of) > day_in(as_of, chosen.day_of):
            read = as_of  # what was said after `as_of` is not known on it
        for key_result in objective.key_results:
            stated = key_result.confidence(read, day_of=chosen.day_of)
            if stated is None:
                continue
            met = score_key_result(key_result, end, chosen, objective.commitment).met
            pairs.append((stated.probability, met))
    if scale is not None and not isinstance(scale, ConfidenceScale):
        raise ValidationError.field("calibration.scale", scale, "a ConfidenceScale or None")
    edges: list[tuple[float, float, str | None]]
    if scale is not None and scale.bands:
        edges = [(band.low, band.high, band.name) for band in scale.bands]
    else:  # each edge divided once, so 3/10 is 0.3 and not 0.30000000000000004
        edges = [(index / buckets, (index + 1) / buckets, None) for index in range(buckets)]
    return _table(pairs, edges)


def _table(
    pairs: list[tuple[float, bool]], edges: list[tuple[float, float, str | None]]
) -> Calibration:
    # Each pair in the band `band_index` puts it in, as `ConfidenceScale.band` does.
    lows = [low for low, _, _ in edges]
    members: list[list[tuple[float, bool]]] = [[] for _ in edges]
    for pair in pairs:
        members[band_index(lows, pair[0])].append(pair)
    rows = []
    for (low, high, label), inside in zip(edges, members, strict=True):
        if inside:
            stated = math.fsum(p for p, _ in inside) / len(inside)
            observed = sum(1 for _, m in inside if m) / len(inside)
            rows.append(CalibrationBucket(low, high, len(inside), stated, observed, label))
        else:
            rows.append(CalibrationBucket(low, high, 0, None, None, label))
    brier = brier_score(pairs) if pairs else None
    return Calibration(brier, len(pairs), tuple(rows))
