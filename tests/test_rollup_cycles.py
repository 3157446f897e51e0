"""A parent judges its children as they stood on its own judged day.

In a roll-up that uses children, check-ins after the parent's cycle do not count for the
parent, through any child: `as_of=None` and the parent's last day agree.
"""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import Q3, metric
from okrkpi import AlignmentTree, Cycle, Objective, ScoringPolicy
from okrkpi.testing import trees

Q4 = Cycle.quarter(2026, 4)
IN_Q4 = date(2026, 11, 2)


def _parent_and_late_child(**child):
    parent = Objective("Parent", [], id="p", cycle=Q3)
    late = Objective("Child", [metric(90, id="c", at=IN_Q4)], id="c", parent_id="p", **child)
    return AlignmentTree([parent, late])


@pytest.mark.parametrize("child_cycle", [Q4, None], ids=["child in Q4", "child without cycle"])
def test_a_childs_check_ins_after_the_parents_cycle_do_not_count_for_it(child_cycle):
    tree = _parent_and_late_child(cycle=child_cycle)
    latest = tree.score(rollup="children")
    assert latest.progress("p") == 0.0  # the child stood at 0.0 on 30 September
    assert latest.progress("p") == tree.score(Q3.end, rollup="children").progress("p")
    assert latest["p"].value == 0.0  # the explained path agrees with the numbers
    assert latest.progress("c") == 0.9  # the child itself is judged in its own cycle
    assert tree.score(IN_Q4 + timedelta(days=1), rollup="children").progress("p") == 0.0


def test_within_the_parents_cycle_children_count_as_of_the_day_asked():
    parent = Objective("Parent", [], id="p", cycle=Q3)
    child = Objective(
        "Child", [metric(30, 60, id="c", at=date(2026, 9, 29))], id="c", parent_id="p", cycle=Q4
    )
    tree = AlignmentTree([parent, child])
    assert tree.score(date(2026, 9, 29), rollup="children").progress("p") == 0.3
    assert tree.score(rollup="children").progress("p") == 0.6  # 30 September: both


@pytest.mark.parametrize("rollup", ["children", "key_results_and_children", "driven_key_results"])
def test_every_rollup_that_uses_children_caps_them_alike(rollup):
    parent = Objective("Parent", [metric(50, id="own", at=date(2026, 8, 1))], id="p", cycle=Q3)
    child = Objective(
        "Child",
        [metric(90, id="c", at=IN_Q4)],
        id="c",
        parent_id="p",
        parent_key_result_id="own",
        cycle=Q4,
    )
    tree = AlignmentTree([parent, child])
    latest, at_end = tree.score(rollup=rollup), tree.score(Q3.end, rollup=rollup)
    assert latest.progress("p") == at_end.progress("p")
    assert latest["p"].value == at_end["p"].value


def test_a_grandchild_is_capped_by_every_cycle_above_it():
    parent = Objective("Parent", [], id="p", cycle=Q3)
    child = Objective("Child", [], id="c", parent_id="p", cycle=Cycle.year(2026))
    grandchild = Objective(
        "Grandchild",
        [metric(40, id="g1", at=date(2026, 9, 1)), metric(80, id="g2", at=IN_Q4)],
        id="g",
        parent_id="c",
        cycle=Q4,
    )
    tree = AlignmentTree([parent, child, grandchild])
    scores = tree.score(rollup="children")
    assert scores.progress("c") == pytest.approx(0.6)  # the year sees both check-ins
    assert scores.progress("p") == pytest.approx(0.2)  # Q3 sees the September one only
    assert scores["p"].value == pytest.approx(0.2)


def test_re_scoring_after_a_change_keeps_the_cap():
    tree = _parent_and_late_child(cycle=Q4)
    tree.score(rollup="children")  # cached, so the next tree re-scores the path only
    policy = ScoringPolicy.named(rollup="children")
    tree.score(policy=policy)
    changed = tree.check_in("c", "c", 95, at=IN_Q4 + timedelta(days=3))
    assert changed.score(policy=policy).progress("p") == 0.0
    changed = changed.check_in("c", "c", 20, at=date(2026, 9, 3))
    assert changed.score(policy=policy).progress("p") == 0.2


@given(
    trees(max_objectives=8),
    st.sampled_from(["children", "key_results_and_children", "driven_key_results"]),
)
def test_latest_and_the_last_day_agree_for_every_objective(tree, rollup):
    latest = tree.score(rollup=rollup)
    for objective in tree:
        if objective.cycle is None:
            continue
        at_end = tree.score(objective.cycle.end, rollup=rollup)
        assert latest.progress(objective.id) == at_end.progress(objective.id)
        assert latest[objective.id].progress == latest.progress(objective.id)


def test_a_subtree_is_scored_once_per_day_asked():
    from okrkpi._alignment.batch import EarlierViews

    tree = _parent_and_late_child(cycle=Q4)
    policy = ScoringPolicy.named(rollup="children")
    views = EarlierViews(tree.score(policy=policy).structure, policy)
    assert views.progress("c", Q3.end) == 0.0
    assert views.progress("c", Q3.end) == 0.0  # the second time from what was kept
    assert views.progress("c", Q4.end) == 0.9
