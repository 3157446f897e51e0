"""Scorecards: statistics per group, and scores across cycles in one row."""

from datetime import date

import pytest
from hypothesis import given

from helpers import MID_AUGUST, Q3, metric
from okrkpi import (
    AlignmentTree,
    Cycle,
    Grade,
    KeyResult,
    Objective,
    Status,
    ValidationError,
    Zone,
    carry_over,
    score,
    scorecard,
    scores_by_cycle,
)
from okrkpi.testing import trees

Q4 = Cycle.quarter(2026, 4)


def team_objectives():
    return [
        Objective("Sell", [metric(80, id="sales")], id="sell", owner="sales", cycle=Q3),
        Objective("Sell more", [metric(20, id="upsell")], id="more", owner="sales", cycle=Q3),
        Objective(
            "Hire",
            [
                KeyResult.zoned("Engineers", baseline=0, stretch=10, id="eng").check_in(
                    8, at=date(2026, 7, 2)
                )
            ],
            id="hire",
            owner="people",
            cycle=Q3,
        ),
        Objective("Tidy", [], id="tidy", cycle=Q3),
    ]


def test_a_scorecard_counts_objectives_met_grades_statuses_and_zones_per_owner():
    card = scorecard(team_objectives(), by="owner")
    assert [row.group for row in card] == ["(none)", "people", "sales"]
    sales = card.rows[2]
    assert (sales.objectives, sales.met) == (2, 1)
    assert sales.mean_score == pytest.approx((0.8 + 0.2) / 2)
    assert sales.grades == {Grade.RED: 1, Grade.YELLOW: 0, Grade.GREEN: 1}
    assert sales.statuses[Status.ACHIEVED] == 1  # judged at the cycle's end: final
    assert sales.statuses[Status.MISSED] == 1
    people = card.rows[1]
    assert people.zones == {Zone.FAIL: 0, Zone.COMMIT: 0, Zone.TARGET: 1, Zone.STRETCH: 0}
    record = card.to_records()[2]
    assert record["group"] == "sales"
    assert record["grade_green"] == 1
    assert record["status_missed"] == 1
    assert record["zone_target"] == 0


def test_during_the_cycle_statuses_are_paced_and_groups_can_be_levels_or_cycles():
    card = scorecard(team_objectives(), by="level", as_of=MID_AUGUST)
    assert [row.group for row in card] == ["team"]
    assert card.rows[0].statuses[Status.MISSED] == 0
    assert sum(card.rows[0].statuses.values()) == 4
    assert [row.group for row in scorecard(team_objectives(), by="cycle")] == ["2026-Q3"]
    assert len(scorecard([], by="cycle")) == 0


@given(trees())
def test_a_scorecard_accounts_for_every_objective_once(tree):
    card = scorecard(tree, by="owner", as_of=MID_AUGUST)
    assert sum(row.objectives for row in card) == len(tree)
    assert all(sum(row.grades.values()) == row.objectives for row in card)
    assert all(0 <= row.met <= row.objectives for row in card)
    scores = tree.score(MID_AUGUST)
    assert sum(row.mean_score * row.objectives for row in card) == pytest.approx(
        sum(scores.value(o.id) for o in tree)
    )


def test_the_same_key_result_and_team_across_quarters_in_one_row():
    q3 = team_objectives()[0]
    q4 = carry_over(q3, to=Q4).check_in("sales", 90, at=date(2026, 11, 1))
    table = scores_by_cycle([q3, q4], by="key_result")
    assert table.cycles == ("2026-Q3", "2026-Q4")
    (row,) = table.rows
    assert row.group == "sales"
    assert row.scores[0] == score(q3).value
    assert row.scores[1] == score(q4).value
    teams = scores_by_cycle([*team_objectives(), q4], by="owner")
    assert teams.to_records()[-1] == {
        "group": "sales",
        "title": "sales",
        "2026-Q3": pytest.approx(0.5),
        "2026-Q4": score(q4).value,
    }
    assert teams.to_records()[1]["2026-Q4"] is None


def test_a_tree_scorecard_uses_the_tree_roll_up():
    parent = Objective("Company", [], id="co", level="company", cycle=Q3)
    child = Objective("Team", [metric(50, id="k")], id="team", parent_id="co", cycle=Q3)
    tree = AlignmentTree([parent, child])
    card = scorecard(tree, by="level", rollup="children")
    company = next(row for row in card if row.group == "company")
    assert company.mean_score == 0.5


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda: scorecard(team_objectives(), by="colour"), "scorecard.by"),
        (lambda: scorecard("objectives"), "scorecard.objectives"),
        (lambda: scorecard([1]), r"scorecard.objectives\[0\]"),
        (lambda: scorecard(team_objectives(), as_of="2026-08-15"), "scorecard.as_of"),
        (lambda: scores_by_cycle(team_objectives(), by="cycle"), "scores_by_cycle.by"),
    ],
)
def test_bad_arguments_are_refused_naming_them(call, path):
    with pytest.raises(ValidationError, match=path):
        call()


def test_key_results_of_one_id_in_two_lines_of_objectives_are_two_rows():
    def line(name, value):
        kr = KeyResult.metric("Revenue", start=0, target=10, id="revenue")
        return Objective(name, [kr.check_in(value, at=date(2026, 8, 1))], id=name, cycle=Q3)

    north, south = line("north", 8), line("south", 3)
    later = carry_over(south, to=Q4).check_in("revenue", 9, at=date(2026, 11, 2))
    table = scores_by_cycle([north, south, later], by="key_result")
    cells = {row.group: row.scores for row in table}  # rows, as a scorecard gives them
    assert cells["north/revenue"] == (0.8, None)
    assert cells["south/revenue"][0] == pytest.approx(0.3)  # not averaged with north's
    assert cells["south/revenue"][1] == score(later).value


def test_cycles_sharing_a_name_get_their_dates_in_the_column():
    first = Cycle("Sprint", date(2026, 7, 1), date(2026, 7, 14))
    second = Cycle("Sprint", date(2026, 7, 15), date(2026, 7, 28))
    objectives = [
        Objective("a", [KeyResult.binary("k")], cycle=first, owner="team"),
        Objective("b", [KeyResult.binary("k")], cycle=second, owner="team"),
    ]
    table = scores_by_cycle(objectives, by="owner")
    assert table.cycles == ("Sprint (2026-07-01..2026-07-14)", "Sprint (2026-07-15..2026-07-28)")
