"""Edges and float noise: a value within EDGE_TOLERANCE below an edge reaches it."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import JULY, MID_AUGUST, Q3, metric
from okrkpi import (
    EDGE_TOLERANCE,
    AlignmentTree,
    Commitment,
    Cycle,
    Grade,
    KeyResult,
    Objective,
    ScoringPolicy,
    Status,
    ValidationError,
    Zone,
    explain_status,
    score,
    status,
)
from okrkpi import strategies as builtin

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
    assert "YELLOW" in result.explanation


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
    for zone, threshold in thresholds:
        own = max(other for other, value in thresholds if value == threshold)
        assert measure.zone(threshold) is own
        assert own >= zone
    span = measure.stretch - measure.baseline
    for zone, threshold in thresholds:
        short = threshold - 1e-6 * span  # clearly short: a thousand tolerances
        lower = [value for other, value in thresholds if other < zone]
        if all(abs(value - threshold) > 2e-6 * abs(span) for value in lower):
            assert measure.zone(short) < zone
    assert measure.zone(measure.baseline) is Zone.FAIL
