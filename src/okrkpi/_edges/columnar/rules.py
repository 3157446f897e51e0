"""The scoring rules as narwhals expressions: one small function per rule of the spec.

A `ScoringPolicy` made of built-in strategies is read into `Rules` (their parameters:
bands, gaps, shares, zone values); a custom strategy cannot be turned into expressions
and is refused by name. Every function here returns an expression over columns the
engine has prepared; none of them loops over rows.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from okrkpi._errors import ValidationError
from okrkpi._model.key_result import KeyResultKind
from okrkpi._model.moments import DayOf
from okrkpi._model.tolerance import EDGE_TOLERANCE
from okrkpi._scoring import builtins
from okrkpi._scoring.policy import ScoringPolicy
from okrkpi._scoring.score import Grade, Status

# Status codes, ordered by severity so that "the worst" is a max.
STATUS_CODES: Mapping[Status, int] = MappingProxyType(
    {status: status.severity for status in Status}
)

KIND_CODES: Mapping[KeyResultKind, float] = MappingProxyType(
    {kind: float(number) for number, kind in enumerate(KeyResultKind)}
)
"""Each kind of key result as a number: compared on every row, cheaper than text."""


def of_kind(nw: Any, kind: KeyResultKind) -> Any:
    """Whether a key result's `kind_code` is `kind`."""
    return nw.col("kind_code") == KIND_CODES[kind]


AGGREGATORS = ("weighted_mean", "minimum", "weighted_geometric_mean")
ROLLUPS = ("key_results", "children", "key_results_and_children", "driven_key_results")


@attrs.frozen
class Rules:
    """A built-in policy's parameters, as the engine needs them.

    Attributes:
        zone_values: Per kind (zoned, ordinal), the value of FAIL, COMMIT, TARGET, STRETCH.
        aggregator: The aggregator's name, one of `AGGREGATORS`.
        yellow: The grader's YELLOW edge.
        green: The grader's GREEN edge.
        pace: The pace rule's name, `"gap"` or `"ratio"`.
        at_risk_gap: The gap rule's AT_RISK edge.
        on_track: The ratio rule's ON_TRACK edge.
        behind: The ratio rule's BEHIND edge.
        rollup: The roll-up's name, one of `ROLLUPS`.
        children_share: The share of children in `key_results_and_children`.
        cap: The overachievement cap, or None.
        grade_tolerance: The grader's `tolerance`: a value this close below a grade edge
            (or 1.0) reaches it.
        pace_tolerance: The pace rule's `tolerance`: a gap (or ratio) this close past a
            pace edge stays on its side.
        local_days: True under `DayOf.LOCAL` (an aware time stamp falls on its calendar
            day in its own offset), False under `DayOf.UTC`.
    """

    zone_values: dict[KeyResultKind, tuple[float, float, float, float]]
    aggregator: str
    yellow: float
    green: float
    pace: str
    at_risk_gap: float
    on_track: float
    behind: float
    rollup: str
    children_share: float
    cap: float | None
    grade_tolerance: float
    pace_tolerance: float
    local_days: bool

    @property
    def uses_children(self) -> bool:
        """Whether an objective's score depends on the objectives aligned to it."""
        return self.rollup != "key_results"


_SCORERS = MappingProxyType(
    {
        KeyResultKind.METRIC: builtins._LinearMetric,
        KeyResultKind.BINARY: builtins._BinaryScorer,
        KeyResultKind.THRESHOLD: builtins._ThresholdScorer,
        KeyResultKind.MILESTONES: builtins._MilestoneShare,
        KeyResultKind.ZONED: builtins._ZoneValues,
        KeyResultKind.ORDINAL: builtins._ZoneValues,
    }
)
_AGGREGATORS = MappingProxyType(
    {
        builtins._WeightedMean: "weighted_mean",
        builtins._Minimum: "minimum",
        builtins._WeightedGeometricMean: "weighted_geometric_mean",
    }
)
_ROLLUPS = MappingProxyType(
    {
        builtins._KeyResultsOnly: "key_results",
        builtins._ChildrenOnly: "children",
        builtins._KeyResultsAndChildren: "key_results_and_children",
        builtins._DrivenKeyResults: "driven_key_results",
    }
)


def _not_vectorised(field: str, strategy: object, known: str) -> ValidationError:
    name = getattr(strategy, "name", type(strategy).__name__)
    return ValidationError.field(
        f"score_frames.policy.{field}",
        name,
        f"a built-in strategy the columnar engine computes ({known}); a custom one runs in "
        "the pure engine: scores_frame(AlignmentTree(from_frames(...).objectives), ...)",
    )


def read_policy(policy: ScoringPolicy) -> Rules:
    """`policy` as `Rules`, or a `ValidationError` naming the strategy that is not built in."""
    if not isinstance(policy, ScoringPolicy):
        raise ValidationError.field("score_frames.policy", policy, "a ScoringPolicy or None")
    zone_values = {}
    for kind, scorer in policy.scorers.items():
        if type(scorer) is not _SCORERS[kind]:
            raise _not_vectorised(f"scorers[{kind.value!r}]", scorer, _SCORERS[kind]().name)
        if isinstance(scorer, builtins._ZoneValues):
            zone_values[kind] = scorer.values
    aggregator = _AGGREGATORS.get(type(policy.aggregator))
    if aggregator is None:
        raise _not_vectorised("aggregator", policy.aggregator, ", ".join(AGGREGATORS))
    grader = policy.grader
    if type(grader) is not builtins._GoogleGrader:
        raise _not_vectorised("grader", grader, "google")
    pace = policy.pace
    built_in = (builtins._GapPace, builtins._RatioPace)
    if type(pace) not in built_in or not isinstance(pace, built_in):
        raise _not_vectorised("pace", pace, "gap, ratio")
    rollup = _ROLLUPS.get(type(policy.rollup))
    if rollup is None:
        raise _not_vectorised("rollup", policy.rollup, ", ".join(ROLLUPS))
    return Rules(
        zone_values=zone_values,
        aggregator=aggregator,
        yellow=grader.yellow,
        green=grader.green,
        pace=pace.name,
        at_risk_gap=getattr(pace, "at_risk_gap", 0.25),
        on_track=getattr(pace, "on_track", 0.95),
        behind=getattr(pace, "behind", 0.75),
        rollup=rollup,
        children_share=getattr(policy.rollup, "children_share", 0.5),
        cap=policy.overachievement_cap,
        grade_tolerance=grader.tolerance,
        pace_tolerance=pace.tolerance,
        local_days=policy.day_of is DayOf.LOCAL,
    )


# -- key results ---------------------------------------------------------------------------
#
# Each takes the prepared columns of a key result on a date: `current` (the latest
# check-in's value judged within the cycle, null before the first) and its measure's
# columns.


def metric_progress(nw: Any) -> Any:
    """Spec, metric: `(current - start) / (target - start)`; no check-in yet: current = start.

    The same formula up or down; `+ 0.0` turns the -0.0 of a falling metric at its start
    into 0.0, as the pure engine does.
    """
    current = nw.coalesce(nw.col("current"), nw.col("start"))
    return (current - nw.col("start")) / (nw.col("target") - nw.col("start")) + 0.0


def binary_progress(nw: Any) -> Any:
    """Spec, binary: 1.0 when done, else 0.0; before a check-in, the `done` column."""
    done = nw.when(nw.col("current").is_null()).then(nw.col("done")).otherwise(nw.col("current"))
    return nw.when(done != 0).then(1.0).otherwise(0.0)


def threshold_progress(nw: Any) -> Any:
    """Spec, threshold: 1.0 strictly above (or below) the line, at it too when inclusive.

    No check-in yet scores 0.0.
    """
    current, line = nw.col("current"), nw.col("threshold")
    above = nw.when(nw.col("inclusive")).then(current >= line).otherwise(current > line)
    below = nw.when(nw.col("inclusive")).then(current <= line).otherwise(current < line)
    ok = nw.when(nw.col("above")).then(above).otherwise(below)
    return nw.when(~current.is_null() & ok).then(1.0).otherwise(0.0)


def milestones_progress(nw: Any) -> Any:
    """Spec, milestones: the weighted share reached, `reached_weight / total_weight`.

    `reached_weight` is the sum of the first `current` steps' weights (joined by the
    engine from the milestones table); no check-in yet: none reached.
    """
    return nw.coalesce(nw.col("reached_weight"), nw.lit(0.0)) / nw.col("total_weight")


def zone_of(nw: Any) -> Any:
    """Zones: a zoned value's zone, the highest whose threshold it reaches; an ordinal's as given.

    Zoned: a value reaches a threshold (stretch, the target value, the commit value) when
    `(value - threshold) / (stretch - baseline) >= -EDGE_TOLERANCE`, highest zone first,
    else FAIL; no check-in yet: the baseline. Ordinal: the zone checked in, FAIL before.
    """
    value = nw.coalesce(nw.col("current"), nw.col("baseline"))
    span = nw.col("stretch") - nw.col("baseline")

    def reached(threshold: str) -> Any:
        return (value - nw.col(threshold)) / span >= -EDGE_TOLERANCE

    zoned = (
        nw.when(reached("stretch"))
        .then(3.0)
        .when(reached("target_value"))
        .then(2.0)
        .when(reached("commit_value"))
        .then(1.0)
        .otherwise(0.0)
    )
    ordinal = nw.coalesce(nw.col("current"), nw.lit(0.0))
    return nw.when(of_kind(nw, KeyResultKind.ORDINAL)).then(ordinal).otherwise(zoned)


def zone_progress(nw: Any, rules: Rules, kinds: Collection[KeyResultKind]) -> Any:
    """Zones: the policy's value of the zone (FAIL 0.0, COMMIT 0.3, TARGET 0.7, STRETCH 1.0)."""
    zone = nw.col("zone")
    result = nw.lit(0.0)
    for kind in (KeyResultKind.ZONED, KeyResultKind.ORDINAL):
        if kind not in kinds:
            continue
        values = rules.zone_values[kind]
        for number, value in enumerate(values):
            result = nw.when(of_kind(nw, kind) & (zone == number)).then(value).otherwise(result)
    return result


_PROGRESS = MappingProxyType(
    {
        KeyResultKind.METRIC: metric_progress,
        KeyResultKind.BINARY: binary_progress,
        KeyResultKind.THRESHOLD: threshold_progress,
        KeyResultKind.MILESTONES: milestones_progress,
    }
)


def key_result_progress(nw: Any, rules: Rules, kinds: Collection[KeyResultKind]) -> Any:
    """A key result's raw progress, by its kind (the spec's scoring rules).

    Only the `kinds` present are computed: each is a pass over every row.
    """
    result = zone_progress(nw, rules, kinds)
    for kind, progress in _PROGRESS.items():
        if kind in kinds:
            result = nw.when(of_kind(nw, kind)).then(progress(nw)).otherwise(result)
    return result


def clamped(nw: Any, column: str) -> Any:
    """Spec: a score's value is its progress clamped to [0, 1]."""
    return nw.col(column).clip(0.0, 1.0)


def contribution(nw: Any, rules: Rules) -> Any:
    """What a key result brings to its objective: its value, or progress capped at the cap."""
    if rules.cap is None:
        return clamped(nw, "progress")
    return nw.col("progress").clip(0.0, rules.cap)


# -- grades, met and status --------------------------------------------------------------------


def reaches(nw: Any, column: str, edge: float, tolerance: float) -> Any:
    """A value reaches an edge at it or within `tolerance` below it."""
    return nw.col(column) >= edge - tolerance


def grade(nw: Any, rules: Rules) -> Any:
    """Google's bands on `value` for the `committed` flag, as `Grade` values.

    Aspirational: GREEN from `green`, YELLOW from `yellow`. Committed: GREEN only at 1.0,
    YELLOW from `green`. Otherwise RED.
    """
    tolerance = rules.grade_tolerance
    top = nw.when(nw.col("committed")).then(1.0).otherwise(rules.green)
    middle = nw.when(nw.col("committed")).then(rules.green).otherwise(rules.yellow)
    value = nw.col("value")
    return (
        nw.when(value >= top - tolerance)
        .then(nw.lit(Grade.GREEN.value))
        .when(value >= middle - tolerance)
        .then(nw.lit(Grade.YELLOW.value))
        .otherwise(nw.lit(Grade.RED.value))
    )


def met(nw: Any, rules: Rules) -> Any:
    """Met: aspirational from `green`, committed only at 1.0."""
    top = nw.when(nw.col("committed")).then(1.0).otherwise(rules.green)
    return nw.col("value") >= top - rules.grade_tolerance


def pace_code(nw: Any, rules: Rules, actual: str, expected: str) -> Any:
    """The pace rule on `actual` against `expected`, as a status code.

    Gap rule on `g = expected - actual`: ON_TRACK at `g <= 0`, BEHIND up to
    `at_risk_gap`, else AT_RISK. Ratio rule: ON_TRACK when nothing is expected or from
    `on_track`, BEHIND from `behind`, else AT_RISK.
    """
    tolerance = rules.pace_tolerance
    on, behind, risk = (
        float(STATUS_CODES[s]) for s in (Status.ON_TRACK, Status.BEHIND, Status.AT_RISK)
    )
    if rules.pace == "gap":
        gap = nw.col(expected) - nw.col(actual)
        return (
            nw.when(gap <= tolerance)
            .then(on)
            .when(gap <= rules.at_risk_gap + tolerance)
            .then(behind)
            .otherwise(risk)
        )
    ratio = nw.col(actual) / nw.col(expected)
    return (
        nw.when(nw.col(expected) <= 0)
        .then(on)
        .when(ratio >= rules.on_track - tolerance)
        .then(on)
        .when(ratio >= rules.behind - tolerance)
        .then(behind)
        .otherwise(risk)
    )


def paced_code(nw: Any, rules: Rules, actual: str, expected: str) -> Any:
    """Spec, pace: ACHIEVED at `actual >= 1`, NOT_STARTED before the cycle, else the pace rule.

    ACHIEVED reaches 1.0 within the fixed `EDGE_TOLERANCE`, as the core's engine does (not
    the pace rule's own tolerance).
    """
    return (
        nw.when(nw.col(actual) >= 1.0 - EDGE_TOLERANCE)
        .then(float(STATUS_CODES[Status.ACHIEVED]))
        .when(nw.col("as_of_day") < nw.col("cycle_first"))
        .then(float(STATUS_CODES[Status.NOT_STARTED]))
        .otherwise(pace_code(nw, rules, actual, expected))
    )


def final_code(nw: Any) -> Any:
    """After the cycle: ACHIEVED when met for the commitment, else MISSED."""
    return (
        nw.when(nw.col("met"))
        .then(float(STATUS_CODES[Status.ACHIEVED]))
        .otherwise(float(STATUS_CODES[Status.MISSED]))
    )


def status_name(nw: Any, code: str) -> Any:
    """A status code as the `Status` value the pure engine writes (null without a cycle)."""
    result = nw.lit(None, dtype=nw.String)
    for status, number in STATUS_CODES.items():
        result = nw.when(nw.col(code) == float(number)).then(nw.lit(status.value)).otherwise(result)
    return result


def elapsed(nw: Any) -> Any:
    """Spec, pace: the elapsed share `(as_of - start) / (end - start)` in days, in [0, 1].

    A one-day cycle is 0.0 before its day and 1.0 from it on.
    """
    span = nw.col("cycle_last") - nw.col("cycle_first")
    share = (nw.col("as_of_day") - nw.col("cycle_first")) / span
    one_day = nw.when(nw.col("as_of_day") < nw.col("cycle_first")).then(0.0).otherwise(1.0)
    return nw.when(span == 0).then(one_day).otherwise(share.clip(0.0, 1.0))
