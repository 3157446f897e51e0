"""Hostile values into every public constructor: only okrkpi's errors escape, scores stay finite."""

from __future__ import annotations

import math
from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

import okrkpi
from okrkpi import (
    KPI,
    AlignmentTree,
    CheckIn,
    CheckIns,
    ConfidenceRating,
    Cycle,
    KeyResult,
    Measurement,
    Milestone,
    Objective,
    OkrKpiError,
    ScoringPolicy,
    TargetRange,
    score,
    status,
)
from okrkpi import strategies as builtin
from okrkpi.serde import Document, from_dict

HOSTILE = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True),
    st.floats(min_value=5e-324, max_value=1.7e308),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.fractions(),
    st.booleans(),
    st.none(),
    st.text(max_size=5),
    st.sampled_from(["\ud800", "", " ", "2026-Q3", "high", "committed", "FY2027"]),
    st.dates(),
    st.datetimes(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)

CONSTRUCTORS = [
    lambda a, b, c: Objective(a, commitment=b, level=c),
    lambda a, b, c: Objective("o", cycle=a, alignment_weight=b, closed_on=c),
    lambda a, b, c: KeyResult.metric("m", start=a, target=b, weight=c),
    lambda a, b, c: KeyResult.binary(a, done=b, weight=c),
    lambda a, b, c: KeyResult.threshold("t", threshold=a, above=b, inclusive=c),
    lambda a, b, c: KeyResult.milestones("s", milestones=[("a", a), ("b", b)], weight=c),
    lambda a, b, c: KeyResult.metric("m", start=0, target=1).check_in(a, at=b, confidence=c),
    CheckIn,
    lambda a, b, c: ConfidenceRating(a),
    Cycle,
    lambda a, b, c: Cycle.quarter(a, b),
    lambda a, b, c: Cycle.fiscal_year(a, start_month=b),
    lambda a, b, c: Cycle.parse(a),
    lambda a, b, c: Cycle.quarter(2026, 3).shifted(a),
    lambda a, b, c: KPI("k", target=a, warning=b, frequency=c),
    lambda a, b, c: KPI("k", target=1, indicator=a, timeframe=b, measurements=c),
    lambda a, b, c: KPI("k", target=1).record(a, at=b),
    Measurement,
    lambda a, b, c: TargetRange(a, b),
    lambda a, b, c: Milestone(a, b),
    lambda a, b, c: CheckIns.from_columns(a, b, confidences=c),
    lambda a, b, c: ScoringPolicy(overachievement_cap=a),
    lambda a, b, c: builtin.google_grader(yellow=a, green=b),
    lambda a, b, c: builtin.gap_pace(at_risk_gap=a),
    lambda a, b, c: builtin.ratio_pace(on_track=a, behind=b),
    lambda a, b, c: builtin.key_results_and_children(children_share=a),
    lambda a, b, c: AlignmentTree(a),
    lambda a, b, c: AlignmentTree([]).score(a),
    lambda a, b, c: okrkpi.lint([], as_of=a, max_key_results=b),
    lambda a, b, c: okrkpi.brier_score([(a, b)]),
    lambda a, b, c: from_dict({"objectives": [{"title": a, "alignment_weight": b}]}, Document),
    lambda a, b, c: from_dict({"name": "k", "target": a, "warning": b}, KPI),
]


def _finite(result: object) -> None:
    if isinstance(result, KeyResult | Objective):
        result = score(result)
    if isinstance(result, okrkpi.Score):
        assert math.isfinite(result.progress)
        assert 0.0 <= result.value <= 1.0


@given(st.sampled_from(range(len(CONSTRUCTORS))), HOSTILE, HOSTILE, HOSTILE)
def test_only_okrkpi_errors_escape_and_accepted_values_score_finitely(which, a, b, c):
    try:
        result = CONSTRUCTORS[which](a, b, c)
    except OkrKpiError:
        return
    _finite(result)


NUMBERS = st.one_of(
    st.floats(-1.7e308, 1.7e308, allow_subnormal=True),
    st.integers(-(10**30), 10**30),
    st.decimals(min_value=-(10**20), max_value=10**20, allow_nan=False),
    st.fractions(max_denominator=1000),
)


@given(NUMBERS, NUMBERS, st.lists(NUMBERS, max_size=4), NUMBERS)
def test_accepted_extreme_numbers_never_give_a_nan_or_infinite_score(start, target, values, w):
    try:
        kr = KeyResult.metric("m", start=start, target=target, weight=w, id="m")
        for day, value in enumerate(values, start=1):
            kr = kr.check_in(value, at=date(2026, 7, day))
        objective = Objective("o", [kr, KeyResult.binary("b", weight=w)], id="o")
        objective = Objective("o", objective.key_results, id="o", cycle=Cycle.quarter(2026, 3))
    except OkrKpiError:
        return
    for result in (score(kr), score(objective), AlignmentTree([objective]).score()["o"]):
        _finite(result)
    assert status(objective, as_of=datetime(2026, 8, 15, 12)) in okrkpi.Status
