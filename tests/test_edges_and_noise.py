"""Edges and float noise: a value within EDGE_TOLERANCE below an edge reaches it."""

import itertools
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import JULY, MID_AUGUST, Q3, metric
from okrkpi import (
    EDGE_TOLERANCE,
    AlignmentTree,
    Commitment,
    ConfidenceBand,
    ConfidenceLabel,
    ConfidenceRating,
    ConfidenceScale,
    Cycle,
    Grade,
    KeyResult,
    Objective,
    ScoringPolicy,
    Status,
    ValidationError,
    Zone,
    brier_score,
    calibration,
    explain_status,
    score,
    status,
)
from okrkpi import strategies as builtin
from okrkpi._model.confidence_scale import band_index

NOISY_FORTY = (2.4 - 2.0) / (3.0 - 2.0)  # 0.3999999999999999
ALMOST_ONE = 0.9999999999999999


def test_the_tolerance_is_one_billionth():
    assert EDGE_TOLERANCE == 1e-9


def test_a_decimal_check_in_a_hair_below_an_edge_grades_as_the_edge():
    assert NOISY_FORTY < 0.4
    kr = KeyResult.metric("NPS", start=2.0, target=3.0).check_in(2.4, at=JULY)
    result = score(kr)
    assert result.grade is Grade.YELLOW
    assert result.value == NOISY_FORTY  # the number as the formula computes it
    assert result.progress == NOISY_FORTY
    assert "value 0.4;" in result.explanation
    assert "Yellow" in result.explanation


def test_key_results_and_children_noise_grades_yellow():
    parent = Objective("P", [metric(10, id="own")], id="p")
    child = Objective("C", [metric(70, id="c")], id="c", parent_id="p")
    scores = AlignmentTree([parent, child]).score(rollup="key_results_and_children")
    assert scores.progress("p") < 0.4  # 0.5 * 0.1 + 0.5 * 0.7 in floating point
    assert scores["p"].grade is Grade.YELLOW
    assert "value 0.4;" in scores["p"].explanation


def test_committed_a_hair_below_one_is_met_and_green():
    grader = builtin.google_grader()
    assert grader.is_met(ALMOST_ONE, Commitment.COMMITTED)
    assert grader.grade(ALMOST_ONE, Commitment.COMMITTED) is Grade.GREEN
    assert grader.is_met(0.7 - 1e-12, Commitment.ASPIRATIONAL)


def test_committed_objective_at_noisy_one_is_achieved_after_the_cycle():
    # 0.1 + 0.2 + ... ten times is 0.9999999999999999 of the way.
    kr = KeyResult.metric("Steps", start=0, target=1)
    total = 0.0
    for _ in range(10):
        total += 0.1
    assert total == ALMOST_ONE
    kr = kr.check_in(total, at=MID_AUGUST)
    objective = Objective("Ship", [kr], cycle=Q3, commitment="committed")
    assert score(objective).met
    assert status(objective, as_of=Q3.end) is Status.ACHIEVED
    assert status(objective, as_of=MID_AUGUST) is Status.ACHIEVED  # during the cycle too
    assert explain_status(objective, as_of=MID_AUGUST).status is Status.ACHIEVED


def test_a_value_clearly_below_an_edge_stays_below():
    grader = builtin.google_grader()
    assert grader.grade(0.4 - 1e-6, Commitment.ASPIRATIONAL) is Grade.RED
    assert not grader.is_met(1 - 1e-6, Commitment.COMMITTED)
    kr = KeyResult.metric("NPS", start=0, target=1000).check_in(399.999, at=JULY)
    result = score(kr)
    assert result.grade is Grade.RED
    assert "0.399999" in result.explanation  # every digit where rounding would mislead


def test_gap_pace_limits_absorb_noise():
    rule = builtin.gap_pace()
    assert rule(0.1 + 0.2, 0.3) is Status.ON_TRACK  # gap 5.6e-17
    assert rule(0.55, 0.3) is Status.BEHIND  # gap 0.25000000000000006
    assert rule(0.55 + 1e-6, 0.3) is Status.AT_RISK


def test_ratio_pace_limits_absorb_noise():
    rule = builtin.ratio_pace()
    expected = 0.013
    assert (0.95 * expected) / expected < 0.95
    assert rule(expected, 0.95 * expected) is Status.ON_TRACK
    assert rule(expected, 0.75 * expected * (1 - 1e-15)) is Status.BEHIND
    assert rule(expected, 0.75 * expected * (1 - 1e-6)) is Status.AT_RISK


def test_tolerance_is_a_keyword_of_each_built_in_strategy():
    exact = builtin.google_grader(tolerance=0)
    assert exact.grade(NOISY_FORTY, Commitment.ASPIRATIONAL) is Grade.RED
    assert builtin.gap_pace(tolerance=0)(0.1 + 0.2, 0.3) is Status.BEHIND
    assert builtin.ratio_pace(tolerance=0)(0.013, 0.95 * 0.013) is Status.BEHIND
    wide = builtin.google_grader(tolerance=1e-3)
    assert wide.grade(0.3995, Commitment.ASPIRATIONAL) is Grade.YELLOW
    policy = ScoringPolicy(grader=exact)
    kr = KeyResult.metric("NPS", start=2.0, target=3.0).check_in(2.4, at=JULY)
    assert score(kr, policy=policy).grade is Grade.RED


@pytest.mark.parametrize(
    "factory",
    [builtin.google_grader, builtin.gap_pace, builtin.ratio_pace],
    ids=lambda factory: factory.__name__,
)
@pytest.mark.parametrize("bad", [-1e-9, 0.01, float("nan"), "1e-9", True])
def test_a_bad_tolerance_is_refused_by_name(factory, bad):
    with pytest.raises(ValidationError, match=r"\.tolerance"):
        factory(tolerance=bad)


_EDGES = st.sampled_from([0.4, 0.7, 1.0])
_COMMITMENTS = st.sampled_from(list(Commitment))


@given(_EDGES, st.floats(0, EDGE_TOLERANCE * 0.99))
def test_within_the_tolerance_below_an_edge_grades_as_the_edge(edge, below):
    grader = builtin.google_grader()
    for commitment in Commitment:
        assert grader.grade(edge - below, commitment) is grader.grade(edge, commitment)
        assert grader.is_met(edge - below, commitment) == grader.is_met(edge, commitment)


@given(st.floats(0.1, 0.9), st.floats(0.05, 0.25), st.floats(0, EDGE_TOLERANCE * 0.99))
def test_the_gap_rule_reads_limits_with_the_tolerance(expected, at_risk_gap, above):
    rule = builtin.gap_pace(at_risk_gap=at_risk_gap)
    assert rule(expected, expected - above) is Status.ON_TRACK
    behind = expected - at_risk_gap
    assert rule(expected, behind - above) is Status.BEHIND


@given(st.integers(1, 99), st.integers(1, 99), st.integers(1, 99))
def test_integer_metric_halfway_grades_follow_the_paper_arithmetic(start, span, percent):
    # Whatever the float arithmetic, a check-in at `percent`% of the way grades as
    # percent / 100 does on paper.
    target = start + span * 10
    current = start + span * percent / 10
    kr = KeyResult.metric("m", start=start, target=target).check_in(current, at=JULY)
    paper = percent / 100
    expected = Grade.GREEN if paper >= 0.7 else Grade.YELLOW if paper >= 0.4 else Grade.RED
    assert score(kr).grade is expected


def test_objective_status_noise_in_the_pace_gap():
    # Expected 0.4 on day 4 of a 10-day span, actual 0.4 up to float noise: on track.
    sprint = Cycle("Sprint", date(2026, 1, 1), date(2026, 1, 11))
    kr = KeyResult.metric("m", start=2.0, target=3.0).check_in(2.4, at=date(2026, 1, 2))
    assert sprint.elapsed(date(2026, 1, 5)) == 0.4
    assert status(kr, sprint, as_of=date(2026, 1, 5)) is Status.ON_TRACK
    assert explain_status(kr, sprint, as_of=date(2026, 1, 5)).status is Status.ON_TRACK


# -- zones: decided on the thresholds the key result reports -----------------------------


def test_a_check_in_equal_to_commit_value_is_in_commit():
    nps = KeyResult.zoned("nps", baseline=2, stretch=3)
    assert nps.measure.commit_value == 2.3
    assert nps.measure.progress(2.3) < 0.3  # the share of the way is float noise below
    checked = nps.check_in(2.3, at=JULY)
    assert checked.zone() is Zone.COMMIT
    assert score(checked).value == 0.3
    assert nps.check_in(nps.measure.target_value, at=JULY).zone() is Zone.TARGET
    assert nps.check_in(3, at=JULY).zone() is Zone.STRETCH
    assert nps.check_in(2.2999, at=JULY).zone() is Zone.FAIL


def test_every_integer_pair_puts_its_thresholds_in_their_zones():
    wrong = []
    for baseline in range(-12, 13):
        for stretch in range(-12, 13):
            if stretch == baseline:
                continue
            measure = KeyResult.zoned("z", baseline=baseline, stretch=stretch).measure
            reported = [
                (Zone.COMMIT, measure.commit_value),
                (Zone.TARGET, measure.target_value),
                (Zone.STRETCH, measure.stretch),
            ]
            for zone, threshold in reported:
                if measure.zone(threshold) is not zone:
                    wrong.append((baseline, stretch, zone, threshold))
    assert wrong == []


def test_thresholds_given_are_reported_and_reached_as_given():
    churn = KeyResult.zoned("churn", baseline=5.0, stretch=2.0, commit=4.1, target=3.3)
    assert churn.measure.commit_value == 4.1  # as given, not recomputed from a share
    assert churn.measure.target_value == 3.3
    assert churn.measure.thresholds == ((Zone.STRETCH, 2.0), (Zone.TARGET, 3.3), (Zone.COMMIT, 4.1))
    assert churn.check_in(4.1, at=JULY).zone() is Zone.COMMIT
    assert churn.check_in(3.3, at=JULY).zone() is Zone.TARGET
    assert churn.check_in(4.2, at=JULY).zone() is Zone.FAIL


def test_tree_zone_counts_use_the_reported_thresholds():
    nps = KeyResult.zoned("nps", baseline=2, stretch=3).check_in(2.3, at=JULY)
    tree = AlignmentTree([Objective("Delight", [nps], cycle=Q3)])
    assert tree.zone_counts()[Zone.COMMIT] == 1


_ENDS = st.integers(-1000, 1000) | st.floats(-1e6, 1e6, allow_nan=False)


@st.composite
def _zoned_measures(draw):
    baseline = draw(_ENDS)
    stretch = draw(_ENDS.filter(lambda end: abs(end - baseline) > 1e-3))
    span = stretch - baseline
    given = {}
    if draw(st.booleans()):
        commit_share, target_share = sorted(
            draw(st.lists(st.floats(0.01, 1.0), min_size=2, max_size=2))
        )
        use_integers = draw(st.booleans()) and abs(span) >= 4
        commit = baseline + commit_share * span
        target = baseline + target_share * span
        if use_integers:
            commit, target = round(commit), round(target)
        given = {"commit": commit, "target": target}
    try:
        return KeyResult.zoned("z", baseline=baseline, stretch=stretch, **given).measure
    except ValidationError:  # rounding took a threshold out of (baseline, stretch]
        return KeyResult.zoned("z", baseline=baseline, stretch=stretch).measure


@given(_zoned_measures())
def test_every_zone_threshold_is_classified_into_its_own_zone(measure):
    thresholds = measure.thresholds
    span = measure.stretch - measure.baseline
    for zone, threshold in thresholds:
        # Its own zone, or a higher one whose threshold is the same up to float noise.
        landed = measure.zone(threshold)
        assert landed >= zone
        same = [other for other, value in thresholds if abs(value - threshold) <= 1e-9 * abs(span)]
        assert landed is max(same)
    for zone, threshold in thresholds:
        short = threshold - 1e-6 * span  # clearly short: a thousand tolerances
        lower = [value for other, value in thresholds if other < zone]
        if all(abs(value - threshold) > 2e-6 * abs(span) for value in lower):
            assert measure.zone(short) < zone
    assert measure.zone(measure.baseline) is Zone.FAIL


# -- confidence bands: a label's rating stays in its band ---------------------------------


def _two_bands():
    return ConfidenceScale(
        "two",
        (ConfidenceBand("low", 0.0, 0.91), ConfidenceBand("high", 0.91, 1.0, probability=0.91)),
    )


def test_a_labels_rating_reads_back_as_its_label():
    scale = _two_bands()
    rating = scale.rating("high")
    assert rating.value == 9.1
    assert rating.probability == 0.91  # the decimal shift of 9.1, not 0.9099999999999999
    assert scale.from_probability(rating.probability) == "high"
    assert ConfidenceRating.from_probability(0.91).probability == 0.91
    assert ConfidenceScale.ten_point().to_probability(9.1) == 0.91
    assert ConfidenceScale.ten_point().from_probability(0.91) == 9.1


def test_a_band_reads_float_noise_below_its_edge_as_its_own():
    scale = _two_bands()
    assert scale.band(0.91 - 1e-16).name == "high"
    assert scale.band(0.91 - 1e-6).name == "low"
    assert ConfidenceRating(7 - 1e-12).label is ConfidenceLabel.HIGH
    assert ConfidenceRating(4 - 1e-12).label is ConfidenceLabel.MEDIUM
    assert ConfidenceRating(3.99).label is ConfidenceLabel.LOW


def test_a_band_middle_is_the_middle_of_its_edges_as_written():
    at_risk = ConfidenceScale.named_bands().band_named("at risk")
    assert at_risk.stands_for == 0.45  # not 0.3 / 2 + 0.6 / 2 == 0.44999999999999996


def _closed_objectives(scale, labels_and_outcomes):
    key_results = [
        KeyResult.binary(f"kr {n}", id=f"kr-{n}").check_in(
            met, at=date(2026, 8, 1), confidence=scale.rating(label)
        )
        for n, (label, met) in enumerate(labels_and_outcomes)
    ]
    return [Objective("Closed", key_results, cycle=Q3, commitment="committed")]


def test_calibration_over_named_bands_is_brier_score_on_the_labels_exactly():
    scale = ConfidenceScale.named_bands()
    pairs = [("at risk", True), ("off track", False), ("on track", True), ("at risk", False)]
    pairs += [("progressing", True), ("on track", False)]
    report = calibration(_closed_objectives(scale, pairs), scale=scale)
    assert report.brier == brier_score(pairs, scale=scale)
    assert [bucket.count for bucket in report.buckets] == [1, 2, 1, 2]


def test_calibration_counts_a_rating_in_the_band_its_label_names():
    scale = _two_bands()
    pairs = [("high", True), ("low", False)]
    report = calibration(_closed_objectives(scale, pairs), scale=scale)
    assert [(bucket.label, bucket.count) for bucket in report.buckets] == [("low", 1), ("high", 1)]
    assert report.brier == brier_score(pairs, scale=scale)


def test_equal_buckets_hold_their_own_lower_edge():
    objectives = [
        Objective("o", [KeyResult.binary("b").check_in(True, at=JULY, confidence=3)], cycle=Q3)
    ]
    report = calibration(objectives, buckets=10)
    assert report.buckets[3].low == 0.3
    assert report.buckets[3].count == 1  # 0.3 is not below 3 * 0.1 == 0.30000000000000004


def test_round_trips_keep_a_labels_band_and_the_brier():
    from okrkpi.serde import Document, dumps, loads
    from okrkpi.tables import from_frames, to_frames

    scale = _two_bands()
    objectives = _closed_objectives(scale, [("high", True), ("low", False)])
    document = Document(tuple(objectives))
    for again in (
        loads(dumps(document), Document),
        from_frames(**to_frames(document, backend="pandas")),
    ):
        assert again == document
        ratings = [kr.check_ins[0].confidence for kr in again.objectives[0].key_results]
        assert [scale.from_probability(rating.probability) for rating in ratings] == ["high", "low"]
        assert (
            calibration(again.objectives, scale=scale).brier
            == calibration(objectives, scale=scale).brier
        )


@st.composite
def _banded_scales(draw):
    inner = draw(
        st.lists(
            st.integers(1, 999) | st.floats(0.001, 0.999),
            min_size=1,
            max_size=5,
            unique=True,
        )
    )
    edges = [0.0]
    for edge in sorted({value / 1000 if isinstance(value, int) else value for value in inner}):
        if edge - edges[-1] > 1e-6:  # bands narrower than float noise are refused
            edges.append(edge)
    edges = [*edges, 1.0] if 1.0 - edges[-1] > 1e-6 else [*edges[:-1], 1.0]
    bands = []
    for position, (low, high) in enumerate(itertools.pairwise(edges)):
        probability = None
        if draw(st.booleans()):
            probability = (
                low if draw(st.booleans()) else draw(st.floats(low, max(low, high - 1e-6)))
            )
        bands.append(ConfidenceBand(f"band {position}", low, high, probability=probability))
    return ConfidenceScale("drawn", bands)


_SCALES = _banded_scales() | st.sampled_from(
    [
        ConfidenceScale.low_medium_high(),
        ConfidenceScale.traffic_light(),
        ConfidenceScale.named_bands(),
    ]
)


@given(_SCALES)
def test_every_band_edge_is_classified_into_its_own_band(scale):
    for band in scale.bands:
        assert scale.band(band.low) is band
        assert scale.band(band.stands_for) is band
        rating = scale.rating(band.name)
        assert scale.from_probability(rating.probability) == band.name
    assert scale.band(1.0) is scale.bands[-1]


@given(_SCALES, st.integers(1, 12))
def test_every_calibration_bucket_holds_its_own_lower_edge(scale, buckets):
    for table in (calibration([], scale=scale), calibration([], buckets=buckets)):
        lows = [bucket.low for bucket in table.buckets]
        for position, low in enumerate(lows):
            assert band_index(lows, low) == position


@given(st.lists(st.tuples(st.integers(0, 1000), st.booleans()), min_size=1, max_size=8))
def test_calibration_brier_is_brier_score_for_any_stated_probability(thousandths_and_met):
    pairs = [(thousandths / 1000, met) for thousandths, met in thousandths_and_met]
    key_results = [
        KeyResult.binary(f"kr {n}", id=f"kr-{n}").check_in(
            met, at=JULY, confidence=ConfidenceRating.from_probability(probability)
        )
        for n, (probability, met) in enumerate(pairs)
    ]
    report = calibration([Objective("o", key_results, cycle=Q3, commitment="committed")])
    assert report.brier == brier_score(pairs)
