"""Statuses: pace rules and their boundaries, graders, final statuses."""

from datetime import date, datetime

import pytest

from helpers import JULY, MID_AUGUST, Q3, metric
from okrkpi import (
    AlignmentTree,
    Commitment,
    Cycle,
    Grade,
    Objective,
    ScoringPolicy,
    Status,
    StrategyRegistry,
    ValidationError,
    score,
    status,
)
from okrkpi import strategies as builtin


def test_ratio_pace_boundaries_belong_to_the_better_status():
    rule = builtin.ratio_pace(on_track=0.9, behind=0.5)
    assert rule(0.5, 0.45) is Status.ON_TRACK  # ratio 0.9 exactly
    assert rule(0.5, 0.25) is Status.BEHIND  # ratio 0.5 exactly
    assert rule(0.5, 0.24) is Status.AT_RISK
    assert rule(0.0, 0.0) is Status.ON_TRACK


@pytest.mark.parametrize(("on_track", "behind"), [(0.8, 0.8), (0.8, 0.0), (0.8, -0.1)])
def test_ratio_pace_needs_behind_strictly_between_zero_and_on_track(on_track, behind):
    with pytest.raises(ValueError, match="ratio_pace.behind"):
        builtin.ratio_pace(on_track=on_track, behind=behind)


def test_gap_pace_boundaries():
    rule = builtin.gap_pace(at_risk_gap=0.25)
    assert rule(0.5, 0.5) is Status.ON_TRACK
    assert rule(0.5, 0.25) is Status.BEHIND  # gap 0.25 exactly
    assert rule(0.5, 0.2) is Status.AT_RISK
    assert builtin.gap_pace(at_risk_gap=1.0)(1.0, 0.0) is Status.BEHIND


def test_status_accepts_a_datetime_and_paces_against_its_day():
    kr = metric(50, id="m")
    assert status(kr, Q3, as_of=datetime(2026, 8, 15, 12, 0)) is status(kr, Q3, as_of=MID_AUGUST)
    assert status(kr, Q3, as_of=datetime(2026, 6, 30, 23, 0)) is Status.NOT_STARTED


def test_status_of_an_objective_grades_each_key_result_with_its_commitment():
    # 0.8 is ON_TRACK at mid-quarter for either commitment; what changes is nothing else.
    objective = Objective("O", [metric(80, id="a"), metric(10, id="b")], cycle=Q3)
    assert status(objective, as_of=MID_AUGUST) is Status.AT_RISK
    assert status(objective, Cycle.quarter(2026, 4), as_of=MID_AUGUST) is Status.NOT_STARTED
    committed = Objective("C", [metric(80, id="a")], cycle=Q3, commitment=Commitment.COMMITTED)
    parts = score(committed).parts
    assert parts[0].commitment is Commitment.COMMITTED
    assert parts[0].grade is Grade.YELLOW  # 0.8 committed; aspirational would be GREEN


def test_tree_status_uses_the_date_the_policy_and_the_registry():
    late = metric(90, id="a", at=date(2026, 9, 1))
    tree = AlignmentTree([Objective("O", [late, metric(50, id="b")], id="o", cycle=Q3)])
    assert tree.status(MID_AUGUST) == {"o": Status.AT_RISK}  # a has no value yet
    assert tree.status(date(2026, 9, 2)) == {"o": Status.BEHIND}  # b lags, a is fine
    lenient = ScoringPolicy(pace=builtin.gap_pace(at_risk_gap=1.0))
    assert tree.status(MID_AUGUST, policy=lenient) == {"o": Status.BEHIND}
    registry = StrategyRegistry()
    registry.register("rollup", builtin.children_only(), name="kids")
    assert tree.status(date(2026, 9, 2), rollup="kids", registry=registry) == {"o": Status.ON_TRACK}
    empty = AlignmentTree(
        [Objective("E", id="e", cycle=Q3), Objective("F", [metric(100, id="f")], id="f", cycle=Q3)]
    )
    assert empty.status(MID_AUGUST) == {"e": Status.AT_RISK, "f": Status.ACHIEVED}


def test_google_grader_bounds_and_custom_bands():
    assert builtin.google_grader(yellow=0.3, green=1.0).grade(0.99, Commitment.ASPIRATIONAL) is (
        Grade.YELLOW
    )
    custom = builtin.google_grader(yellow=0.3, green=0.6)
    assert custom.is_met(0.65, Commitment.ASPIRATIONAL)
    assert custom.grade(0.35, Commitment.ASPIRATIONAL) is Grade.YELLOW
    for yellow, green in [(0, 0.7), (0.5, 0.5), (0.4, 1.5)]:
        with pytest.raises(ValueError, match="google_grader.green"):
            builtin.google_grader(yellow=yellow, green=green)


def test_gap_pace_allows_a_gap_of_one_and_no_more():
    assert builtin.gap_pace(at_risk_gap=1).at_risk_gap == 1
    with pytest.raises(ValueError, match="gap_pace.at_risk_gap"):
        builtin.gap_pace(at_risk_gap=1.5)


def test_status_uses_the_policy_the_registry_and_the_date():
    kr = metric(40, id="m", at=date(2026, 8, 1)).check_in(90, at=date(2026, 8, 20))
    assert status(kr, Q3, as_of=MID_AUGUST) is Status.BEHIND  # 0.4 against ~0.49 elapsed
    strict = ScoringPolicy(pace=builtin.ratio_pace(on_track=0.99, behind=0.9))
    assert status(kr, Q3, as_of=MID_AUGUST, policy=strict) is Status.AT_RISK
    registry = StrategyRegistry()
    registry.register("pace", builtin.ratio_pace(on_track=0.8, behind=0.5), name="mild")
    assert status(kr, Q3, as_of=MID_AUGUST, pace="mild", registry=registry) is Status.ON_TRACK


def test_status_of_a_key_result_is_judged_on_the_day_asked():
    kr = metric(10, id="m", at=JULY).check_in(100, at=date(2026, 9, 1))
    assert status(kr, Q3, as_of=MID_AUGUST) is Status.AT_RISK
    assert status(kr, Q3, as_of=date(2026, 9, 2)) is Status.ACHIEVED


def test_grades_and_met_follow_the_commitment_and_name_the_grader():
    class Lenient:
        """Committed objectives get YELLOW and count as met even at 0 (a test double)."""

        name = "lenient"

        def grade(self, value, commitment):
            if commitment is Commitment.COMMITTED:
                return Grade.YELLOW
            return Grade.GREEN if value >= 0.5 else Grade.RED

        def is_met(self, value, commitment):
            return commitment is Commitment.COMMITTED or value >= 0.5

    policy = ScoringPolicy(grader=Lenient())
    empty = score(Objective("E", id="e", commitment=Commitment.COMMITTED), policy=policy)
    assert (empty.grade, empty.met, empty.grader) == (Grade.YELLOW, True, "lenient")
    committed = Objective("C", [metric(10, id="a")], id="c", commitment=Commitment.COMMITTED)
    result = score(committed, policy=policy)
    assert (result.grader, result.parts[0].grader) == ("lenient", "lenient")
    assert (result.parts[0].grade, result.parts[0].met) == (Grade.YELLOW, True)
    google = score(Objective("G", [metric(80, id="g")], commitment=Commitment.COMMITTED))
    assert (google.parts[0].grade, google.parts[0].met) == (Grade.YELLOW, False)


def test_pace_rules_default_to_the_documented_thresholds():
    rule = builtin.ratio_pace()
    assert (rule.on_track, rule.behind) == (0.95, 0.75)
    assert builtin.gap_pace().at_risk_gap == 0.25


def test_the_worst_status_wins():
    assert Status.worst([Status.ACHIEVED, Status.BEHIND, Status.ON_TRACK]) is Status.BEHIND
    assert Status.worst([Status.NOT_STARTED, Status.ACHIEVED]) is Status.NOT_STARTED
    assert Status.worst(iter([Status.AT_RISK])) is Status.AT_RISK
    with pytest.raises(ValueError, match="at least one status"):  # ValidationError is a ValueError
        Status.worst([])


def test_a_registry_that_is_not_one_is_refused_by_name():
    with pytest.raises(ValidationError) as raised:
        score(metric(10), registry="default")  # type: ignore[arg-type]
    assert str(raised.value) == "registry: expected a StrategyRegistry or None, got 'default'"


def test_named_policies_keep_their_cap():
    assert ScoringPolicy.named(overachievement_cap=1.5).overachievement_cap == 1.5


def test_scorers_that_are_not_a_mapping_are_refused_by_name():
    with pytest.raises(ValidationError) as raised:
        ScoringPolicy.named(scorers="linear")  # type: ignore[arg-type]
    assert str(raised.value) == "policy.scorers: expected a mapping kind -> scorer, got 'linear'"


def test_a_key_result_on_its_own_is_judged_final_against_the_commitment_given():
    eighty = metric(80)  # 0.8 of the way: met when aspirational, not when committed
    after = date(2026, 10, 5)
    assert status(eighty, Q3, as_of=after) is Status.ACHIEVED
    assert status(eighty, Q3, as_of=after, commitment=Commitment.COMMITTED) is Status.MISSED
    assert status(eighty, Q3, as_of=MID_AUGUST, commitment=Commitment.COMMITTED) is (
        status(eighty, Q3, as_of=MID_AUGUST)
    )  # during the cycle, pace does not depend on the commitment
    assert status(eighty, Q3, as_of=after, commitment="Committed") is Status.MISSED
    with pytest.raises(ValidationError, match=r"status\.commitment.*'promised'"):
        status(eighty, Q3, as_of=after, commitment="promised")


def test_worst_takes_members_or_their_values_and_refuses_nothing_to_compare():
    assert Status.worst(["behind", "AT_RISK", Status.ON_TRACK]) is Status.AT_RISK
    assert Status.worst([Status.MISSED, Status.AT_RISK]) is Status.MISSED
    with pytest.raises(ValidationError, match=r"Status\.worst\.statuses: .*at least one"):
        Status.worst([])
    with pytest.raises(ValidationError, match=r"Status\.worst\.statuses\[1\].*'late'"):
        Status.worst(["behind", "late"])
    with pytest.raises(ValidationError, match=r"Status\.worst\.statuses"):
        Status.worst("behind")  # one string is not a list of statuses


def test_a_cycle_is_given_by_name_or_asked_for_by_what_lacks_it():
    eighty = metric(80)
    assert status(eighty, "2026-Q3", as_of=MID_AUGUST) is status(eighty, Q3, as_of=MID_AUGUST)
    with pytest.raises(ValidationError, match=r"a key result has none of its own"):
        status(eighty, as_of=MID_AUGUST)
