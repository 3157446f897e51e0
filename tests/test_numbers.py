"""Numbers and names from a user's own data: any real number, enum values as strings."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from helpers import JULY, Q3
from okrkpi import (
    KPI,
    AlignmentTree,
    CheckIn,
    CheckIns,
    Commitment,
    ConfidenceRating,
    Cycle,
    Indicator,
    KeyResult,
    Level,
    Measurement,
    Objective,
    OkrKpiError,
    ScoringPolicy,
    TargetRange,
    ValidationError,
    score,
)
from okrkpi import strategies as builtin

numpy = pytest.importorskip("numpy")

REALS = [10, 10.0, Decimal("10"), Fraction(10), numpy.int64(10), numpy.float64(10.0)]


@pytest.mark.parametrize("ten", REALS, ids=lambda value: type(value).__name__)
def test_any_real_number_is_a_number_and_is_stored_as_a_float(ten):
    kr = KeyResult.metric("m", start=0, target=ten, weight=ten).check_in(ten / 2, at=JULY)
    assert type(kr.measure.target) is float
    assert kr.measure.target == 10.0
    assert type(kr.weight) is float
    assert type(kr.latest_value()) is float
    assert score(kr).value == 0.5
    threshold = KeyResult.threshold("t", threshold=ten).measure.threshold
    assert type(threshold) is float
    kpi = KPI("k", target=ten, warning=ten * 2, higher_is_better=False).record(ten, at=JULY)
    assert (type(kpi.target), type(kpi.warning), type(kpi.latest().value)) == (float,) * 3
    assert type(TargetRange(ten, ten * 2).low) is float
    assert type(Measurement(ten, JULY).value) is float
    assert type(ConfidenceRating(ten).value) is float
    objective = Objective("o", [kr], alignment_weight=ten)
    assert type(objective.alignment_weight) is float
    assert ScoringPolicy(overachievement_cap=ten).overachievement_cap == 10.0
    assert builtin.gap_pace(at_risk_gap=ten / 20).at_risk_gap == 0.5
    columns = CheckIns.from_columns([ten, ten], [JULY, Q3.end])
    assert [type(value) for value in columns.values] == [float, float]


@pytest.mark.parametrize("flag", [True, numpy.bool_(True)])
def test_a_bool_is_not_a_number(flag):
    with pytest.raises(ValidationError, match="Metric.target"):
        KeyResult.metric("m", start=0, target=flag)
    with pytest.raises(ValidationError, match="KeyResult.weight"):
        KeyResult.binary("b", weight=flag)
    with pytest.raises(ValidationError, match="KPI.target"):
        KPI("k", target=flag)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: KeyResult.metric("m", start=0, target=10**400), "Metric.target"),
        (lambda: KeyResult.metric("m", start=Decimal("1e400"), target=1), "Metric.start"),
        (lambda: KeyResult.binary("b", weight=10**400), "KeyResult.weight"),
        (lambda: CheckIn(10**400, JULY), "CheckIn.value"),
        (lambda: KPI("k", target=10**400), "KPI.target"),
        (lambda: Objective("o", alignment_weight=10**400), "Objective.alignment_weight"),
        (lambda: ScoringPolicy(overachievement_cap=10**400), "overachievement_cap"),
        (lambda: Measurement(Decimal("NaN"), JULY), "Measurement.value"),
        (lambda: CheckIns.from_columns([10**400], [JULY]), r"CheckIns.values\[0\]"),
    ],
)
def test_a_number_too_large_for_a_float_is_refused_by_name(build, field):
    with pytest.raises(ValidationError, match=field):
        build()


def test_a_metric_whose_span_overflows_is_refused():
    with pytest.raises(ValidationError) as raised:
        KeyResult.metric("m", start=-1.7e308, target=1.7e308)
    assert "Metric.target" in str(raised.value)
    assert "fits a float" in str(raised.value)


def test_a_check_in_whose_progress_would_be_infinite_is_refused():
    tiny = KeyResult.metric("m", start=0, target=5e-324, id="m")
    with pytest.raises(ValidationError, match=r"KeyResult\('m'\)\.check_ins\[0\]\.value"):
        tiny.check_in(1.0, at=JULY)
    assert score(tiny.check_in(5e-324, at=JULY)).value == 1.0
    huge = KeyResult.metric("m", start=0, target=1e-10, id="m")
    with pytest.raises(ValidationError, match=r"check_ins\[1\]\.value"):
        huge.check_in(0.5, at=JULY).check_in(1.7e308, at=Q3.end)


@given(
    st.floats(-1.7e308, 1.7e308, allow_subnormal=True),
    st.floats(-1.7e308, 1.7e308, allow_subnormal=True),
    st.floats(-1.7e308, 1.7e308, allow_subnormal=True),
)
@example(-1e308, 0.0, 1e308)  # within a span of the range, yet the difference overflows
@example(1e308, 0.0, -1e308)
def test_every_accepted_metric_scores_a_finite_number(start, target, current):
    try:
        kr = KeyResult.metric("m", start=start, target=target).check_in(current, at=JULY)
    except OkrKpiError:
        return
    result = score(kr)
    assert math.isfinite(result.progress)
    assert 0.0 <= result.value <= 1.0
    objective = Objective("o", [kr], id="o", cycle=Q3)
    assert 0.0 <= AlignmentTree([objective]).score().value("o") <= 1.0


def test_enum_fields_take_their_values_as_strings_in_any_case():
    objective = Objective("o", commitment="Committed", level="COMPANY", cycle="2027-Q1")
    assert objective.commitment is Commitment.COMMITTED
    assert objective.level is Level.COMPANY
    assert objective.cycle == Cycle.quarter(2027, 1)
    assert Objective("o", cycle="FY2027").cycle == Cycle.fiscal_year(2027, start_month=1)
    assert KPI("k", target=1, indicator="Lead").indicator is Indicator.LEAD
    with pytest.raises(ValidationError) as raised:
        Objective("o", commitment="promised")
    assert str(raised.value) == (
        "Objective.commitment: expected a Commitment or one of 'committed', 'aspirational', "
        "got 'promised'"
    )


def test_confidence_labels_work_in_any_case_and_a_probability_is_not_a_rating():
    kr = KeyResult.binary("b").check_in(True, at=date(2026, 7, 2), confidence="High")
    assert kr.confidence() == ConfidenceRating.from_label("high")
    with pytest.raises(ValidationError) as raised:
        KeyResult.binary("b").check_in(True, at=JULY, confidence=0.7)
    assert "ConfidenceRating.from_probability(0.7) or 7" in str(raised.value)
    assert KeyResult.binary("b").check_in(True, at=JULY, confidence=7).confidence().value == 7.0


def test_columns_must_be_ordered_sequences():
    for values in (None, {1.0}, {"a": 1.0}, "1"):
        with pytest.raises(ValidationError, match="CheckIns.values"):
            CheckIns.from_columns(values, [JULY])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="CheckIns.moments"):
        CheckIns.from_columns([1.0], None)  # type: ignore[arg-type]
    assert CheckIns.from_columns(numpy.array([1.0, 2.0]), [JULY, Q3.end]).values == (1.0, 2.0)


def test_optional_columns_must_be_sequences_too():
    with pytest.raises(ValidationError, match="CheckIns.confidences"):
        CheckIns.from_columns([1.0], [JULY], confidences=0.5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="CheckIns.notes"):
        CheckIns.from_columns([1.0], [JULY], notes="a note")  # type: ignore[arg-type]
