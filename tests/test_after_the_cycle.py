"""An objective is judged within its cycle; its status becomes final when the cycle ends."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkpi import (
    AlignmentTree,
    Commitment,
    Cycle,
    FindingCode,
    KeyResult,
    Objective,
    ScoringPolicy,
    Status,
    ValidationError,
    close,
    lint,
    review,
    score,
    scorecard,
    status,
)
from okrkpi.plot import timeline
from okrkpi.testing import objectives

Q3 = Cycle.quarter(2026, 3)

Q1 = Cycle.quarter(2026, 1)


def metric(current: float | None = None, *, at: date = date(2026, 2, 1), name: str = "m"):
    kr = KeyResult.metric(name, start=0, target=100, id=name)
    return kr if current is None else kr.check_in(current, at=at)


def test_a_met_aspirational_objective_is_achieved_on_the_last_day_and_after():
    # 0.87 is met (GREEN); the pace rule alone says BEHIND (gap 0.13) at the very end.
    objective = Objective("o", [metric(87), metric(87, name="n")], cycle=Q1)
    assert score(objective, as_of=Q1.end).met
    for day in (Q1.end, Q1.end + timedelta(days=1), date(2027, 6, 1)):
        assert status(objective, as_of=day) is Status.ACHIEVED
    assert status(objective, as_of=Q1.end - timedelta(days=1)) is Status.BEHIND


def test_a_committed_objective_below_one_is_missed_at_the_end():
    objective = Objective("o", [metric(90)], cycle=Q1, commitment=Commitment.COMMITTED)
    assert status(objective, as_of=Q1.end) is Status.MISSED
    met = Objective("o", [metric(100)], cycle=Q1, commitment=Commitment.COMMITTED)
    assert status(met, as_of=Q1.end) is Status.ACHIEVED


def test_the_final_status_of_an_objective_comes_from_its_own_score():
    # Key results at 1.0 and 0.5: one is missed, but the objective's 0.75 is met.
    objective = Objective("o", [metric(100), metric(50, name="n")], cycle=Q1)
    assert status(objective.key_results[1], Q1, as_of=Q1.end) is Status.MISSED
    assert status(objective, as_of=Q1.end) is Status.ACHIEVED


def test_missed_is_worse_than_at_risk():
    assert Status.worst([Status.AT_RISK, Status.MISSED, Status.ACHIEVED]) is Status.MISSED
    assert Status.MISSED.severity > Status.AT_RISK.severity


def test_check_ins_after_the_cycle_do_not_count_and_score_agrees_with_close():
    kr = metric(50, at=date(2026, 2, 1)).check_in(100, at=date(2026, 6, 1))
    objective = Objective("o", [kr], cycle=Q1)
    closed = close(objective, on=Q1.end)
    assert closed.computed.value == 0.5
    assert score(objective).value == 0.5
    assert score(objective, as_of=date(2026, 7, 1)).value == 0.5
    assert score(objective, as_of=datetime(2026, 12, 1, 9, 0)).value == 0.5
    assert score(objective, as_of=Q1.end) == closed.computed
    # The key result on its own has no cycle: every check-in counts.
    assert score(kr).value == 1.0
    assert status(kr, Q1, as_of=date(2026, 7, 1)) is Status.MISSED


def test_a_tree_judges_each_objective_within_its_own_cycle():
    late = metric(40).check_in(100, at=date(2026, 5, 2))
    q1 = Objective("q1", [late], id="q1", cycle=Q1)
    q2 = Objective("q2", [late], id="q2", cycle=Cycle.quarter(2026, 2))
    tree = AlignmentTree([q1, q2])
    scores = tree.score()
    assert scores.value("q1") == 0.4
    assert scores["q1"].value == 0.4
    assert scores.value("q2") == 1.0
    statuses = tree.status(date(2026, 5, 15))
    assert statuses == {"q1": Status.MISSED, "q2": Status.ACHIEVED}
    checked = tree.check_in("q1", "m", 90, at=date(2026, 3, 31))
    assert checked.score().value("q1") == 0.9
    assert checked.status(date(2026, 5, 15))["q1"] is Status.ACHIEVED


def test_a_children_roll_up_is_final_from_its_rolled_up_score():
    parent = Objective("p", [metric(0)], id="p", cycle=Q1)
    child = Objective("c", [metric(80)], id="c", parent_id="p", cycle=Q1)
    tree = AlignmentTree([parent, child])
    assert tree.status(Q1.end, rollup="children") == {
        "p": Status.ACHIEVED,
        "c": Status.ACHIEVED,
    }
    assert tree.status(Q1.end)["p"] is Status.MISSED


def test_a_bad_as_of_is_refused_by_name():
    objective = Objective("o", [metric(10)], cycle=Q1)
    with pytest.raises(ValidationError, match="as_of"):
        score(objective, as_of="2026-01-01")  # type: ignore[arg-type]


@given(objectives(), st.integers(0, 800))
def test_after_the_end_every_day_scores_as_the_last_day(objective, days_after):
    end = objective.cycle.end
    later = end + timedelta(days=days_after)
    assert score(objective, as_of=later) == score(objective, as_of=end)
    assert score(objective) == score(objective, as_of=end)
    final = status(objective, as_of=later)
    assert final in (Status.ACHIEVED, Status.MISSED)
    assert final is status(objective, as_of=end)


def test_lint_names_check_ins_outside_the_cycle():
    kr = (
        metric(10, at=date(2025, 12, 20))
        .check_in(50, at=date(2026, 2, 1))
        .check_in(90, at=date(2026, 4, 3))
        .check_in(95, at=date(2026, 4, 9))
    )
    objective = Objective("o", [kr], id="o", cycle=Q1, closed_on=Q1.end)
    found = [f for f in lint([objective], as_of=date(2026, 5, 1)) if f.key_result_id == "m"]
    assert [f.code for f in found] == [FindingCode.CHECK_IN_OUTSIDE_CYCLE] * 2
    assert "1 check-in before cycle 2026-Q1 starts on 2026-01-01 (first 2025-12-20)" in str(
        found[0]
    )
    assert "2 check-ins after cycle 2026-Q1 ended on 2026-03-31 (first 2026-04-03)" in str(found[1])
    # As of a date before the late ones, only the early one exists.
    earlier = lint([objective], as_of=date(2026, 3, 1))
    assert [f.code for f in earlier if f.key_result_id == "m"] == [
        FindingCode.CHECK_IN_OUTSIDE_CYCLE
    ]


def test_lint_names_a_child_whose_cycle_is_outside_its_parents():
    parent = Objective("p", [metric(10)], id="p", cycle=Q1, closed_on=Q1.end)
    child = Objective(
        "c", [metric(10)], id="c", parent_id="p", cycle=Cycle.quarter(2026, 2), closed_on=None
    )
    found = [f for f in lint([parent, child], as_of=Q1.end) if f.objective_id == "c"]
    assert FindingCode.CYCLE_OUTSIDE_PARENT in [f.code for f in found]
    assert "cycle 2026-Q2 is not inside parent 'p''s cycle 2026-Q1" in str(found[0])


@pytest.mark.parametrize(
    ("field", "given"),
    [("max_key_results", "5"), ("max_key_results", True), ("max_key_results", 0)],
)
def test_lint_refuses_bad_arguments_by_name(field, given):
    with pytest.raises(ValidationError, match=f"lint.{field}"):
        lint([], as_of=Q1.end, **{field: given})


def test_lint_refuses_things_that_are_not_objectives():
    with pytest.raises(ValidationError, match=r"lint.objectives\[0\]"):
        lint(["o"], as_of=Q1.end)  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="lint.objectives"):
        lint(None, as_of=Q1.end)  # type: ignore[arg-type]


def test_a_bad_as_of_message_names_the_value():
    objective = Objective("o", [metric(10)], cycle=Q1)
    with pytest.raises(ValidationError) as raised:
        score(objective, as_of="2026-01-01")  # type: ignore[arg-type]
    assert str(raised.value) == (
        "score.as_of: expected a date, a datetime or None, got '2026-01-01'"
    )


def test_a_moment_on_the_last_day_is_taken_as_given():
    kr = metric(10, at=date(2026, 3, 1)).check_in(90, at=datetime(2026, 3, 31, 18, 0))
    objective = Objective("o", [kr], cycle=Q1)
    assert score(objective, as_of=datetime(2026, 3, 31, 12, 0)).value == 0.1
    assert score(objective, as_of=datetime(2026, 4, 1, 0, 0)).value == 0.9


def test_status_judges_against_the_cycle_it_is_given_and_the_day_asked():
    kr = metric(10, at=date(2026, 2, 1)).check_in(80, at=date(2026, 5, 1))
    objective = Objective("o", [kr], cycle=Q1)
    q2 = Cycle.quarter(2026, 2)
    # Judged within Q2, the May check-in counts: 0.8 is met at the end of Q2.
    assert status(objective, q2, as_of=q2.end) is Status.ACHIEVED
    assert status(objective, as_of=q2.end) is Status.MISSED  # its own Q1: 0.1
    # Mid-cycle, a check-in dated after the day asked does not count.
    assert status(objective, q2, as_of=date(2026, 4, 15)) is Status.BEHIND


@pytest.mark.parametrize(
    ("hours", "last", "rule", "counts"),
    [
        (5, datetime(2026, 10, 1, 2), "local", False),  # 1 October where it was made
        (-5, datetime(2026, 9, 30, 23), "local", True),  # 30 September where it was made
        (5, datetime(2026, 10, 1, 2), "utc", True),  # 2026-09-30 21:00 UTC: inside Q3
        (-5, datetime(2026, 9, 30, 23), "utc", False),  # 2026-10-01 04:00 UTC: after Q3
    ],
)
def test_an_aware_check_in_is_in_the_cycle_exactly_when_it_counts_for_it(hours, last, rule, counts):
    zone = timezone(timedelta(hours=hours))
    at = last.replace(tzinfo=zone)
    kr = KeyResult.metric("m", start=0, target=10).check_in(
        2, at=datetime(2026, 9, 1, 12, tzinfo=zone)
    )
    objective = Objective("o", [kr.check_in(10, at=at)], cycle=Q3)
    assert Q3.contains(at, day_of=rule) is counts
    policy = ScoringPolicy(day_of=rule)
    assert score(objective, policy=policy).value == (1.0 if counts else 0.2)
    outside = [
        f
        for f in lint([objective], as_of=date(2026, 10, 5), day_of=rule)
        if f.code is FindingCode.CHECK_IN_OUTSIDE_CYCLE
    ]
    assert bool(outside) is not counts


def test_at_a_moment_of_the_last_day_the_day_is_not_over_and_pace_still_rules():
    # A check-in that evening makes it met: a verdict given that morning would have flipped.
    zone = timezone(timedelta(hours=-7))
    evening = datetime(2026, 9, 30, 23, 30, tzinfo=zone)
    kr = KeyResult.metric("x", start=0, target=100).check_in(90, at=evening)
    objective = Objective("o", [kr], cycle=Q3)
    morning = datetime(2026, 9, 30, 10, 0, tzinfo=zone)
    assert status(objective, as_of=morning) not in (Status.ACHIEVED, Status.MISSED)
    assert status(objective, as_of=date(2026, 9, 30)) is Status.ACHIEVED  # the day's end
    assert status(objective, as_of=datetime(2026, 10, 1, 0, 0, tzinfo=zone)) is Status.ACHIEVED
    unmet = Objective("o", [KeyResult.metric("x", start=0, target=100)], cycle=Q3)
    assert status(unmet, as_of=morning) is Status.AT_RISK
    assert status(unmet, as_of=datetime(2026, 10, 1, 0, 0)) is Status.MISSED


def test_reports_of_a_whole_day_read_a_moment_of_the_last_day_as_that_day():
    kr = KeyResult.metric("m", start=0, target=100).check_in(50, at=date(2026, 9, 1))
    objective = Objective("Sell", [kr], id="o", cycle=Q3)
    tree = AlignmentTree([objective])
    noon = datetime(2026, 9, 30, 12)
    assert status(objective, as_of=noon) is Status.AT_RISK  # that moment: still paced
    by_day = status(objective, as_of=noon.date())
    assert by_day is Status.MISSED  # the end of that day: final
    assert timeline(tree, as_of=noon).data[0]["status"] == by_day.value
    assert scorecard(tree, as_of=noon).rows[0].statuses[by_day] == 1
    made = review(tree, since=date(2026, 9, 1), as_of=noon)
    assert "Sell: Behind -> Missed" in made.to_text()
