"""Brier scores and calibration with no or malformed data; trends of huge values."""

import math
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import Q3
from okrkpi import (
    KPI,
    Cycle,
    KeyResult,
    Objective,
    OkrKpiError,
    TrendDirection,
    ValidationError,
    brier_score,
    calibration,
)
from okrkpi._model._stats import least_squares


def stated(name, confidence):
    return KeyResult.binary(name).check_in(False, at=date(2026, 7, 1), confidence=confidence)


# -- no data is no score ----------------------------------------------------------------------


def test_calibration_without_a_stated_confidence_has_no_brier_score():
    silent = Objective("no confidence stated", [KeyResult.binary("ship")], cycle=Q3)
    for objectives in ([], [silent]):
        report = calibration(objectives)
        assert report.count == 0
        assert report.brier is None  # not 0.0, which would read as a perfect forecaster
        assert all(bucket.count == 0 and bucket.observed is None for bucket in report.buckets)
    with pytest.raises(ValidationError, match=r"brier_score\.pairs.*at least one pair"):
        brier_score([])


def test_calibration_with_one_pair_has_its_brier_score():
    report = calibration([Objective("o", [stated("ship", 7)], cycle=Q3)])
    assert report.count == 1
    assert report.brier == pytest.approx(0.49)  # said 70%, missed


def test_calibration_names_what_is_not_an_objective():
    with pytest.raises(ValidationError, match=r"calibration\.objectives\[1\]"):
        calibration([Objective("o", cycle=Q3), "o"])
    with pytest.raises(ValidationError, match=r"calibration\.objectives"):
        calibration(None)


# -- malformed pairs --------------------------------------------------------------------------

MALFORMED = [
    ([(0.5, True), "x"], r"pairs\[1\]:"),
    ([(0.5, True), (0.5,)], r"pairs\[1\]:"),
    ([(0.5, True, 1)], r"pairs\[0\]:"),
    ([None], r"pairs\[0\]:"),
    ([{"p": 0.5, "met": True}], r"pairs\[0\]:"),
    ([(None, True)], r"pairs\[0\]\.probability"),
    ([(float("nan"), True)], r"pairs\[0\]\.probability"),
    ([(Decimal("NaN"), True)], r"pairs\[0\]\.probability"),
    ([(Decimal("sNaN"), True)], r"pairs\[0\]\.probability"),
    ([(True, True)], r"pairs\[0\]\.probability"),
    ([("0.5", True)], r"pairs\[0\]\.probability"),
    ([(1e308, True)], r"pairs\[0\]\.probability"),
    ([(10**400, True)], r"pairs\[0\]\.probability"),
    ([(0.5, True), (0.5, "yes")], r"pairs\[1\]\.met"),
    ([(0.5, 2)], r"pairs\[0\]\.met"),
    ([(0.5, None)], r"pairs\[0\]\.met"),
    ([(0.5, float("nan"))], r"pairs\[0\]\.met"),
    ([(0.5, Decimal("sNaN"))], r"pairs\[0\]\.met"),
    (None, r"brier_score\.pairs:"),
    (5, r"brier_score\.pairs:"),
    ("ab", r"brier_score\.pairs:"),
    ({0.5: True}, r"brier_score\.pairs:"),
]


@pytest.mark.parametrize(("pairs", "path"), MALFORMED, ids=[repr(p)[:30] for p, _ in MALFORMED])
def test_a_malformed_pair_is_named_by_its_position(pairs, path):
    with pytest.raises(ValidationError, match=path):
        brier_score(pairs)


def test_any_real_probability_and_any_yes_or_no_outcome_are_accepted():
    pairs = [(Decimal("0.25"), 1), (Fraction(3, 4), 0), (1, True), (0, False), (0.5, 1.0)]
    assert brier_score(pairs) == pytest.approx((0.75**2 + 0.75**2 + 0 + 0 + 0.25) / 5)
    assert brier_score(iter([(0.5, True)])) == 0.25
    numpy = pytest.importorskip("numpy")
    assert brier_score([(numpy.float64(0.5), numpy.bool_(True))]) == 0.25
    assert brier_score([(numpy.float32(1), numpy.int64(1))]) == 0.0


@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=1, max_size=40))
def test_the_brier_score_is_the_mean_squared_gap(pairs):
    score = brier_score(pairs)
    assert 0.0 <= score <= 1.0
    assert score == pytest.approx(sum((p - met) ** 2 for p, met in pairs) / len(pairs))


@given(
    st.lists(
        st.one_of(
            st.tuples(st.floats(), st.booleans()),
            st.tuples(st.integers(), st.integers()),
            st.tuples(st.decimals(), st.decimals()),
            st.text(max_size=3),
            st.none(),
            st.lists(st.floats(0, 1), max_size=3),
        ),
        max_size=5,
    )
)
def test_only_library_errors_escape_from_brier_scores(pairs):
    try:
        score = brier_score(pairs)
    except OkrKpiError:
        return
    assert 0.0 <= score <= 1.0


# -- trends of huge values -----------------------------------------------------------------


def kpi_of(*values, step=timedelta(days=1), target=1.0):
    kpi = KPI("throughput", target=target)
    for index, value in enumerate(values):
        kpi = kpi.record(value, at=date(2026, 1, 1) + index * step)
    return kpi


def test_a_trend_of_values_near_the_float_limit_does_not_overflow():
    flat = kpi_of(1.7e308, 1.7e308, 1.7e308).trend()
    assert (flat.slope_per_day, flat.direction) == (0.0, TrendDirection.FLAT)
    rising = kpi_of(1e308, 1.5e308, 1.7e308, step=timedelta(days=10)).trend()
    assert rising.slope_per_day == pytest.approx(3.5e306)
    assert rising.direction is TrendDirection.IMPROVING
    falling = kpi_of(1.7e308, -1.7e308, step=timedelta(days=100)).trend()
    assert falling.slope_per_day == pytest.approx(-3.4e306)
    ranged = kpi_of(-1.7e308, -1.6e308, target=(1.6e308, 1.7e308)).trend()
    assert ranged.direction is TrendDirection.IMPROVING  # towards a range whose sum overflows


def test_a_trend_too_steep_for_a_float_is_refused_naming_the_measurements():
    with pytest.raises(ValidationError, match=r"KPI\('throughput'\)\.measurements"):
        kpi_of(-1.7e308, 1.7e308).trend()


def test_the_trend_window_is_checked_even_without_measurements():
    with pytest.raises(ValidationError, match=r"KPI\.trend\.window"):
        kpi_of().trend(window=timedelta(0))


FINITE = st.floats(allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(FINITE, FINITE), min_size=2, max_size=12))
def test_least_squares_never_overflows_and_matches_the_plain_formula(points):
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    slope, intercept = least_squares(xs, ys)
    assert not math.isnan(slope)
    assert not math.isnan(intercept)
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    moderate = all(abs(value) < 1e100 for value in xs + ys)
    spread = sum((x - mean_x) ** 2 for x in xs) if moderate else 0.0
    if spread > 1e-100:  # where the plain formula itself neither overflows nor underflows
        expected = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
        scale = max(abs(y) for y in ys) / max(math.sqrt(spread), 1e-300)
        assert slope == pytest.approx(expected, rel=1e-6, abs=1e-9 * scale + 1e-300)


@given(st.lists(st.floats(min_value=-1.7e308, max_value=1.7e308), min_size=2, max_size=8))
def test_a_kpi_trend_is_finite_or_refused(values):
    try:
        slope = kpi_of(*values).trend().slope_per_day
    except ValidationError as error:
        slope = error.path
    assert slope == "KPI('throughput').measurements" or math.isfinite(slope)


# -- only outcomes known as of a day ------------------------------------------------------------

Q2 = Cycle.quarter(2026, 2)


def forecast(name, cycle, confidence, met, *, late_confidence=None):
    """A binary key result stated at `confidence` early in `cycle`, met by its end or not."""
    kr = KeyResult.binary(name).check_in(
        False, at=cycle.start + timedelta(days=5), confidence=confidence
    )
    if met:
        kr = kr.check_in(True, at=cycle.end - timedelta(days=3))
    if late_confidence is not None:  # said after the cycle, e.g. at a retrospective
        kr = kr.check_in(met, at=cycle.end + timedelta(days=20), confidence=late_confidence)
    return kr


@given(
    closed=st.lists(st.tuples(st.integers(0, 10), st.booleans()), min_size=1, max_size=8),
    still_open=st.lists(st.tuples(st.integers(0, 10), st.booleans()), min_size=1, max_size=8),
    day=st.integers(0, 90),  # day 91 is Q3's last day: from then on it counts
)
def test_a_cycle_still_open_on_as_of_counts_neither_as_met_nor_as_missed(closed, still_open, day):
    as_of = Q3.start + timedelta(days=day)  # Q2 has ended; Q3 has not
    ended = Objective(
        "Q2", [forecast(f"a{n}", Q2, *pair) for n, pair in enumerate(closed)], cycle=Q2
    )
    running = [forecast(f"b{n}", Q3, c, False) for n, (c, _) in enumerate(still_open)]
    report = calibration([ended, Objective("Q3", running, cycle=Q3)], as_of=as_of)
    assert report == calibration([ended])  # the open quarter adds no pair
    assert report.count == len(closed)
    expected = brier_score([(confidence / 10, met) for confidence, met in closed])
    assert report.brier == pytest.approx(expected)
    # Without as_of every cycle is taken as finished: Q3's key results read as missed.
    assert calibration([ended, Objective("Q3", running, cycle=Q3)]).count == len(closed) + len(
        still_open
    )


def test_a_cycle_counts_from_its_last_day_on():
    objective = Objective("Q3", [forecast("k", Q3, 7, True)], cycle=Q3)
    assert calibration([objective], as_of=Q3.end - timedelta(days=1)).count == 0
    assert calibration([objective], as_of=Q3.end).count == 1
    assert calibration([objective], as_of=Q3.end).brier == pytest.approx(0.09)


def test_a_confidence_stated_after_as_of_is_not_read():
    kr = forecast("k", Q2, 3, True, late_confidence=10)  # 10/10 said once it was known
    objective = Objective("Q2", [kr], cycle=Q2)
    as_of = Q2.end + timedelta(days=10)  # before the late confidence
    later = Q2.end + timedelta(days=30)
    report = calibration([objective], as_of=as_of, stated_as_of=later)
    assert report.brier == pytest.approx((0.3 - 1) ** 2)  # the 3/10 known on as_of
    assert calibration([objective], stated_as_of=later).brier == 0.0  # the late 10/10


def test_as_of_must_be_a_date():
    with pytest.raises(ValidationError, match=r"calibration\.as_of.*'soon'"):
        calibration([], as_of="soon")
