"""Multiple alignment: objectives with several parents, scored and walked as a graph."""

import math
from collections import defaultdict
from datetime import date, timedelta
from unittest import mock

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from helpers import JULY, MID_AUGUST, Q3
from okrkpi import (
    AlignmentError,
    AlignmentTree,
    Cycle,
    KeyResult,
    KeyResultKind,
    Objective,
    ScoringPolicy,
    Status,
    ValidationError,
    Zone,
    default_registry,
    lint,
    score,
)
from okrkpi import strategies as builtin
from okrkpi._alignment import tree as tree_module
from okrkpi.testing import dags, days, trees

BUILT_IN_ROLLUPS = [
    "key_results",
    "children",
    "key_results_and_children",
    "driven_key_results",
    "initiatives",
]
WITH_CHILDREN = ["children", "key_results_and_children", "driven_key_results"]


def node(oid, parents=(), value=None, **fields):
    kr = KeyResult.metric("kr", start=0, target=100, id="kr")
    if value is not None:
        kr = kr.check_in(value, at=JULY)
    return Objective(oid, [kr], id=oid, parents=parents, **fields)


@pytest.fixture
def company():
    """A shared objective under two teams, weighted 0.6 and 0.4, under one company."""
    return AlignmentTree(
        [
            node("company", value=10),
            node("sales", ["company"], value=30),
            node("product", ["company"], value=70),
            node("platform", {"sales": 0.6, "product": 0.4}, value=50),
            node("deals", ["sales"], value=20),
            node("adoption", ["product"], value=80),
        ]
    )


def test_a_shared_objective_counts_in_each_parent_with_its_link_weight(company):
    scores = company.score(rollup="children")
    sales = (0.6 * 0.5 + 1 * 0.2) / (0.6 + 1)  # platform 0.5 at 0.6, deals 0.2 at 1
    product = (0.4 * 0.5 + 1 * 0.8) / (0.4 + 1)  # platform 0.5 at 0.4, adoption 0.8 at 1
    assert scores.value("sales") == pytest.approx(sales)
    assert scores.value("product") == pytest.approx(product)
    assert scores.value("company") == pytest.approx((sales + product) / 2)
    assert "(0.50x0.6 + 0.20x1) / 1.6" in scores["sales"].explanation
    both = company.score(rollup="key_results_and_children")
    sales_both = 0.5 * 0.3 + 0.5 * sales
    product_both = 0.5 * 0.7 + 0.5 * product
    assert both.value("company") == pytest.approx(0.5 * 0.1 + 0.5 * (sales_both + product_both) / 2)


def test_contributions_share_the_company_score_once(company):
    shares = company.contributions("company", rollup="children")
    platform = 0.5 * 0.6 / 1.6 + 0.5 * 0.4 / 1.4  # through sales, and through product
    assert shares == pytest.approx(
        {
            "company": 0.0,
            "sales": 0.0,
            "product": 0.0,
            "platform": platform,
            "deals": 0.5 * 1 / 1.6,
            "adoption": 0.5 * 1 / 1.4,
        }
    )
    assert list(shares) == ["company", "sales", "product", "platform", "deals", "adoption"]
    assert sum(shares.values()) == pytest.approx(1.0)
    # With the weighted mean, the company's score is each share times what it keeps.
    scores = company.score(rollup="children")
    kept = sum(shares[oid] * scores.value(oid) for oid in ("platform", "deals", "adoption"))
    assert kept == pytest.approx(scores.value("company"))


def test_contributions_by_day_explain_a_root_whose_child_is_judged_on_an_earlier_day():
    kr = KeyResult.metric("k", start=0, target=100, id="k")
    kr = kr.check_in(20, at=date(2026, 9, 1)).check_in(90, at=date(2026, 11, 1))
    tree = AlignmentTree(
        [
            Objective("Year", id="year", cycle="2026"),
            Objective("Q3", id="q3", parent_id="year", cycle="2026-Q3"),
            Objective("Shared", [kr], id="shared", parents={"year": 1, "q3": 1}, cycle="2026"),
        ]
    )
    day = date(2026, 12, 1)
    scores = tree.score(day, rollup="children")
    assert [scores.value(oid) for oid in ("year", "q3", "shared")] == pytest.approx(
        [0.55, 0.2, 0.9]
    )
    by_day = tree.contributions_by_day("year", day, rollup="children")
    q3_end = date(2026, 9, 30)  # q3 judges the yearly objective as of its own last day
    assert by_day == {
        "year": {None: 0.0},
        "q3": {None: 0.0},
        "shared": {None: pytest.approx(0.5), q3_end: pytest.approx(0.5)},
    }
    assert tree.contributions("year", day, rollup="children")["shared"] == pytest.approx(1.0)
    on_q3_end = tree.score(q3_end, rollup="children").value("shared")
    assert 0.5 * 0.9 + 0.5 * on_q3_end == pytest.approx(scores.value("year"))


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(
    dags(max_objectives=8),
    days(),
    st.sampled_from(["children", "key_results_and_children"]),
    st.data(),
)
def test_a_root_s_score_is_each_share_times_what_it_keeps_on_its_day(tree, as_of, rollup, data):
    root = data.draw(st.sampled_from([objective.id for objective in tree.roots]))
    by_day = tree.contributions_by_day(root, as_of, rollup=rollup)
    assert math.fsum(share for days in by_day.values() for share in days.values()) == (
        pytest.approx(1.0)
    )
    kept_on: dict = {}  # day -> what each objective keeps: its own key results' progress

    def kept(oid, day):
        if day not in kept_on:
            kept_on[day] = tree.score(as_of if day is None else day, rollup="key_results")
        return kept_on[day].progress(oid)

    total = math.fsum(
        share * kept(oid, day) for oid, days in by_day.items() for day, share in days.items()
    )
    assert total == pytest.approx(tree.score(as_of, rollup=rollup).progress(root), abs=1e-9)


def test_contributions_for_each_built_in_roll_up(company):
    assert company.contributions("company") == {
        "company": 1.0, "sales": 0.0, "product": 0.0, "platform": 0.0, "deals": 0.0,
        "adoption": 0.0,
    }  # fmt: skip
    both = company.contributions("company", rollup="key_results_and_children")
    assert both["company"] == pytest.approx(0.5)
    assert both["sales"] == pytest.approx(0.25 * 0.5)
    assert both["platform"] == pytest.approx(0.25 * 0.5 * (0.6 / 1.6 + 0.4 / 1.4))
    assert sum(both.values()) == pytest.approx(1.0)
    assert company.contributions("sales", rollup="children") == pytest.approx(
        {"sales": 0.0, "platform": 0.6 / 1.6, "deals": 1 / 1.6}
    )
    assert company.contributions("deals", rollup="children") == {"deals": 1.0}
    assert company.contributions("company", rollup="initiatives")["company"] == 1.0
    with pytest.raises(AlignmentError, match="unknown objective 'nowhere'"):
        company.contributions("nowhere")
    with pytest.raises(ValidationError, match=r"contributions.as_of: expected a date"):
        company.contributions("company", "2026-08-15")


def test_driven_key_results_pass_each_key_result_to_the_children_driving_it():
    revenue = KeyResult.metric("revenue", start=0, target=100, id="revenue", weight=3)
    launch = KeyResult.binary("launch", id="launch")
    tree = AlignmentTree(
        [
            Objective("Company", [revenue, launch], id="company"),
            node("sales", {"company": 2}, 40, parent_key_results={"company": "revenue"}),
            node("idle", {"company": 0}, 90, parent_key_results={"company": "revenue"}),
            node("web", ["company"], 60, parent_key_results={"company": "launch"}),
            node(
                "shared",
                {"sales": 1, "web": 1},
                100,
                parent_key_results={"sales": "kr", "web": "kr"},
            ),
        ]
    )
    scores = tree.score(rollup="driven_key_results")
    sales = 1.0  # its key result is driven by shared alone, at 100
    web = 1.0
    assert scores.value("company") == pytest.approx((3 * sales + 1 * web) / 4)
    shares = tree.contributions("company", rollup="driven_key_results")
    assert shares == pytest.approx(
        {"company": 0.0, "sales": 0.0, "idle": 0.0, "web": 0.0, "shared": 1.0}
    )


def test_a_custom_roll_up_reads_the_link_weight_of_each_parent():
    seen = []

    class Weights:
        name = "weights"
        uses_children = True

        def combine(self, objective, key_results, children):
            seen.extend(
                (objective.id, child.id, child.parent_id, child.alignment_weight)
                for child, _ in children
            )
            return [(child.alignment_weight, value) for child, value in children] or [
                (1.0, value) for _, value in key_results
            ]

    tree = AlignmentTree(
        [node("a"), node("b"), node("s", {"a": 0.6, "b": 0.4}, 50), node("t", ["a"], 10)]
    )
    scores = tree.score(policy=ScoringPolicy(rollup=Weights()))
    assert ("a", "s", "a", 0.6) in seen
    assert ("b", "s", "b", 0.4) in seen
    assert ("a", "t", "a", 1.0) in seen
    assert scores.value("a") == pytest.approx((0.6 * 0.5 + 0.1) / 1.6)
    with pytest.raises(ValidationError, match="contributions.rollup: expected a roll-up with"):
        tree.contributions("a", policy=ScoringPolicy(rollup=Weights()))


@pytest.mark.parametrize(
    ("shares", "fine"),
    [([0.5, 0.5], True), ([0.6, 0.6], False), ([-0.1, 0.5], False), ([1.0], False)],
)
def test_a_custom_roll_ups_shares_are_checked(shares, fine):
    class Custom:
        name = "custom"
        uses_children = True

        def combine(self, objective, key_results, children):
            return [(1.0, value) for _, value in children] or [(1.0, 0.0)]

        def shares(self, objective, key_results, children):
            return shares if children else []

    tree = AlignmentTree([node("a"), node("b", ["a"]), node("c", ["a"])])
    policy = ScoringPolicy(rollup=Custom())
    if fine:
        assert tree.contributions("a", policy=policy) == {"a": 0.0, "b": 0.5, "c": 0.5}
    else:
        with pytest.raises(ValidationError, match=r"custom.shares\('a'\): expected 2 shares"):
            tree.contributions("a", policy=policy)


def test_a_loop_through_the_second_parent_is_refused_naming_it():
    with pytest.raises(AlignmentError) as caught:
        AlignmentTree(
            [
                node("company"),
                node("team", ["company"]),
                node("s", {"team": 1, "x": 1}),
                node("x", ["s"]),
            ]
        )
    assert [str(problem) for problem in caught.value.problems] == [
        "objectives['s'].parents['x']: loop: s -> x -> s"
    ]


def test_every_link_problem_is_reported_at_once():
    with pytest.raises(AlignmentError) as caught:
        AlignmentTree(
            [
                node("a"),
                node("s", {"a": 1, "nowhere": 1}, parent_key_results={"a": "missing"}),
                node("t", {"s": 1, "u": 1}),
                node("u", {"t": 1, "a": 1}),
            ]
        )
    assert [str(problem) for problem in caught.value.problems] == [
        "objectives['s'].parent_key_results['a']: 'a' has no key result 'missing'",
        "objectives['s'].parents['nowhere']: unknown parent 'nowhere'",
        "objectives['t'].parents['u']: loop: t -> u -> t",
    ]


def test_queries_on_a_graph(company):
    assert [o.id for o in company.parents("platform")] == ["sales", "product"]
    assert [o.id for o in company.parents("company")] == []
    assert [o.id for o in company.children("sales")] == ["platform", "deals"]
    assert [o.id for o in company.children("product")] == ["platform", "adoption"]
    assert [[o.id for o in path] for path in company.paths("platform")] == [
        ["company", "sales", "platform"],
        ["company", "product", "platform"],
    ]
    assert [[o.id for o in path] for path in company.paths("company")] == [["company"]]
    assert [o.id for o in company.path("deals")] == ["company", "sales", "deals"]
    assert company.parent("deals").id == "sales"
    with pytest.raises(AlignmentError) as caught:
        company.parent("platform")
    assert str(caught.value) == (
        "objective_id: 'platform' has several parents ('sales', 'product'): parent(id) is "
        "for one; use parents(id)"
    )
    with pytest.raises(AlignmentError, match="use paths"):
        company.path("platform")
    assert [o.id for o in company.roots] == ["company"]
    assert [(o.id, depth) for o, depth in company.walk()] == [
        ("company", 0), ("sales", 1), ("platform", 2), ("deals", 2), ("product", 1),
        ("adoption", 2),
    ]  # fmt: skip
    assert [o.id for o in company.descendants("company")] == [
        "sales", "platform", "deals", "product", "adoption"
    ]  # fmt: skip
    assert [o.id for o in company.leaves()] == ["platform", "deals", "adoption"]
    assert repr(company) == "<AlignmentTree: 6 objectives, 1 root>"


def test_paths_below_a_shared_objective_go_through_each_of_its_parents(company):
    below = company.replace(company["deals"])  # unchanged links
    tree = AlignmentTree([*below, node("task", ["platform"])])
    assert [[o.id for o in path] for path in tree.paths("task")] == [
        ["company", "sales", "platform", "task"],
        ["company", "product", "platform", "task"],
    ]
    with pytest.raises(AlignmentError, match="'platform' has several parents"):
        tree.path("task")


def test_a_subtree_keeps_only_the_links_inside_it(company):
    sales = company.subtree("sales")
    assert [o.id for o in sales] == ["sales", "platform", "deals"]
    assert sales["platform"].parents == {"sales": 0.6}
    assert sales.roots == (sales["sales"],)
    assert sales["deals"] is company["deals"]


def test_a_subtree_of_links_that_all_weigh_0_inside_keeps_the_first_as_carry_over_does():
    tree = AlignmentTree(
        [
            node("r"),
            node("a", ["r"], 20),
            node("c", ["r"], 30),
            node("b"),
            node("x", {"a": 0, "b": 1, "c": 0, "r": 0}, 90),
        ]
    )
    inside = tree.subtree("r")
    assert inside["x"].parents == {"a": 0.0}
    for rollup in default_registry.names("rollup"):
        whole, part = tree.score(JULY, rollup=rollup), inside.score(JULY, rollup=rollup)
        assert {oid: part.value(oid) for oid in ("r", "a", "c", "x")} == {
            oid: whole.value(oid) for oid in ("r", "a", "c", "x")
        }


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(dags(max_objectives=9), st.data())
def test_every_score_inside_a_subtree_is_the_graph_s(tree, data):
    top = data.draw(st.sampled_from([objective.id for objective in tree]))
    inside = tree.subtree(top)
    for rollup in default_registry.names("rollup"):
        whole, part = tree.score(JULY, rollup=rollup), inside.score(JULY, rollup=rollup)
        assert {o.id: part.progress(o.id) for o in inside} == pytest.approx(
            {o.id: whole.progress(o.id) for o in inside}
        )


def test_incremental_re_scoring_updates_every_path_after_a_check_in_on_a_shared_objective(
    company,
):
    company.score(rollup="children")
    changed = company.check_in("platform", "kr", 100, at=JULY + timedelta(days=1))
    with mock.patch.object(tree_module, "score_all", side_effect=AssertionError("full")):
        after = changed.score(rollup="children")
    fresh = AlignmentTree(list(changed)).score(rollup="children")
    assert dict(after.progress_map()) == dict(fresh.progress_map())
    assert after.value("sales") == pytest.approx((0.6 * 1.0 + 0.2) / 1.6)
    assert after.value("product") == pytest.approx((0.4 * 1.0 + 0.8) / 1.4)


def test_a_new_link_weight_re_scores_the_paths_above_it(company):
    company.score(rollup="children")
    reweighted = attrs.evolve(company["platform"], parents={"sales": 1.0, "product": 3.0})
    changed = company.replace(reweighted)
    assert changed._structure.children is company._structure.children  # kept, re-scored
    fresh = AlignmentTree(list(changed)).score(rollup="children")
    assert dict(changed.score(rollup="children").progress_map()) == dict(fresh.progress_map())
    moved = company.replace(attrs.evolve(company["platform"], parents={"sales": 1.0}))
    assert [o.id for o in moved.children("product")] == ["adoption"]


def test_statuses_lint_and_zone_counts_on_a_graph():
    q3, q4 = Q3, Cycle.quarter(2026, 4)
    zoned = KeyResult.zoned("nps", baseline=0, stretch=10, id="nps").check_in(10, at=JULY)
    tree = AlignmentTree(
        [
            node("a", value=100, cycle=q3),
            node("b", value=0, cycle=q4),
            Objective("S", [zoned], id="s", parents={"a": 1, "b": 1}, cycle=q3),
        ]
    )
    assert tree.status(MID_AUGUST) == {
        "a": Status.ACHIEVED, "b": Status.NOT_STARTED, "s": Status.ACHIEVED
    }  # fmt: skip
    assert set(tree.status(MID_AUGUST, rollup="children").values()) == {Status.ACHIEVED}
    assert [problem.message for problem in tree.findings] == [
        "cycle 2026-Q3 is not inside parent 'b''s cycle 2026-Q4"
    ]
    found = [
        f.message for f in lint(tree, as_of=MID_AUGUST) if f.code.value == "cycle_outside_parent"
    ]
    assert found == ["cycle 2026-Q3 is not inside parent 'b''s cycle 2026-Q4"]
    assert tree.zone_counts()[Zone.STRETCH] == 1  # counted once, though under two parents
    assert tree.unaligned() == (tree["a"], tree["b"])


def test_a_child_is_judged_on_each_parents_own_last_day():
    july = Cycle("july", date(2026, 7, 1), date(2026, 7, 31))
    kr = KeyResult.metric("kr", start=0, target=100, id="kr")
    kr = kr.check_in(20, at=date(2026, 7, 10)).check_in(90, at=date(2026, 8, 20))
    tree = AlignmentTree(
        [
            node("early", cycle=july),
            node("late", cycle=Q3),
            Objective("S", [kr], id="s", parents={"early": 1, "late": 1}, cycle=Q3),
        ]
    )
    scores = tree.score(date(2026, 9, 30), rollup="children")
    assert scores.value("early") == pytest.approx(0.2)  # as S stood on July 31
    assert scores.value("late") == pytest.approx(0.9)
    shares = tree.contributions("early", date(2026, 9, 30), rollup="children")
    assert shares == {"early": 0.0, "s": 1.0}
    # Below a child judged on its parent's last day, its own children are judged then too.
    kr = KeyResult.metric("kr", start=0, target=100, id="kr")
    task = kr.check_in(10, at=date(2026, 7, 20)).check_in(70, at=date(2026, 8, 20))
    below = AlignmentTree([*tree, Objective("Task", [task], id="task", parents=["s"], cycle=Q3)])
    on_day = below.score(date(2026, 9, 30), rollup="children")
    assert on_day.value("early") == pytest.approx(0.1)  # the task as it stood on July 31
    assert on_day.value("late") == pytest.approx(0.7)
    shares = below.contributions("early", date(2026, 9, 30), rollup="children")
    assert shares == {"early": 0.0, "s": 0.0, "task": 1.0}


def test_carry_over_re_links_each_link_to_its_parents_carried_version():
    from okrkpi import carry_over_tree

    done = KeyResult.binary("done", id="done", done=True)
    tree = AlignmentTree(
        [
            node("company", cycle=Q3),
            Objective("Finished", [done], id="finished", parents=["company"], cycle=Q3),
            node("team", ["company"], cycle=Q3),
            node("s", {"team": 0.6, "finished": 0.4}, cycle=Q3),
            node("t", {"team": 2, "company": 1}, cycle=Q3),
        ]
    )
    carried = carry_over_tree(tree)
    new = carried.tree
    assert new["s-2026-q4"].parents == {"team-2026-q4": 0.6, "company-2026-q4": 0.4}
    assert new["t-2026-q4"].parents == {"team-2026-q4": 2.0, "company-2026-q4": 1.0}
    assert carried.relinked == {
        "s-2026-q4": "parent 'finished' was finished; aligned to 'company-2026-q4' instead"
    }
    assert carried.skipped == {"finished": "finished: every key result that counts is done"}


def test_carry_over_joins_links_that_meet_and_drops_key_results_left_behind():
    from okrkpi import carry_over_tree

    done = KeyResult.binary("done", id="done", done=True)
    revenue = KeyResult.metric("revenue", start=0, target=10, id="revenue")
    tree = AlignmentTree(
        [
            Objective("Company", [revenue], id="company", cycle=Q3),
            Objective("A", [done], id="a", parents=["company"], cycle=Q3),
            Objective("B", [done], id="b", parents=["company"], cycle=Q3),
            Objective("C", [done], id="c", parents=["a", "b"], cycle=Q3),
            node(
                "x", {"a": 1, "company": 0.5}, cycle=Q3, parent_key_results={"company": "revenue"}
            ),
            node("y", {"c": 2, "b": 1}, cycle=Q3),
            node("z", {"c": 1, "company": 0}, cycle=Q3),
            Objective("Root", [done], id="root", cycle=Q3),
            node("w", {"root": 1, "company": 0}, cycle=Q3),
        ]
    )
    carried = carry_over_tree(tree)
    new = carried.tree
    assert new["x-2026-q4"].parents == {"company-2026-q4": 1.5}
    assert new["x-2026-q4"].parent_key_results == {"company-2026-q4": "revenue"}
    assert new["y-2026-q4"].parents == {"company-2026-q4": 3.0}
    assert carried.relinked["y-2026-q4"] == (
        "parent 'c' was finished; aligned to 'company-2026-q4' instead; "
        "parent 'b' was finished; aligned to 'company-2026-q4' instead"
    )
    assert new["z-2026-q4"].parents == {"company-2026-q4": 1.0}
    assert new["w-2026-q4"].parents == {"company-2026-q4": 0.0}
    assert carried.relinked["w-2026-q4"] == "parent 'root' was finished; aligned to nothing"


def test_carry_over_of_a_child_under_a_finished_shared_parent():
    from okrkpi import carry_over_tree

    done = KeyResult.binary("done", id="done", done=True)
    tree = AlignmentTree(
        [
            node("left", cycle=Q3),
            node("right", cycle=Q3),
            Objective("Shared", [done], id="shared", parents=["left", "right"], cycle=Q3),
            node("child", {"shared": 2}, cycle=Q3),
            Objective("Gone", [done], id="gone", cycle=Q3),
            node("alone", {"gone": 1, "shared": 0}, cycle=Q3),
        ]
    )
    carried = carry_over_tree(tree)
    assert carried.tree["child-2026-q4"].parents == {"left-2026-q4": 2.0, "right-2026-q4": 2.0}
    assert carried.relinked["child-2026-q4"] == (
        "parent 'shared' was finished; aligned to 'left-2026-q4', 'right-2026-q4' instead"
    )
    alone = carried.tree["alone-2026-q4"]  # counted for nothing in them, and still does
    assert alone.parents == {"left-2026-q4": 0.0}
    assert carried.relinked["alone-2026-q4"].endswith(
        "; its remaining links weighed 0: kept 'left-2026-q4' alone (weight 0), "
        "dropped 'right-2026-q4'"
    )


def test_forecasts_and_scorecards_count_a_shared_objective_once(company):
    from okrkpi import forecast_tree, scorecard

    projected = forecast_tree(company, as_of=MID_AUGUST, rollup="children")
    assert set(projected) == {o.id for o in company}
    rows = scorecard(company, as_of=MID_AUGUST, rollup="children")
    assert [row.objectives for row in rows] == [len(company)]


def test_a_post_order_from_several_starts_visits_each_objective_once():
    from okrkpi._alignment.batch import below_first

    below = {"a": ["b", "c"], "b": ["c"], "c": []}
    assert below_first(["b", "a", "c"], below.get) == ["c", "b", "a"]


# -- properties ---------------------------------------------------------------------------


@given(dags(), st.sampled_from(BUILT_IN_ROLLUPS), st.none() | days())
def test_contributions_of_a_root_sum_to_one(tree, rollup, as_of):
    for root in tree.roots:
        shares = tree.contributions(root.id, as_of, rollup=rollup)
        assert sum(shares.values()) == pytest.approx(1.0)
        assert all(0.0 <= share <= 1.0 + 1e-12 for share in shares.values())
        assert set(shares) == {root.id, *(o.id for o in tree.descendants(root.id))}


@given(dags(), st.sampled_from(WITH_CHILDREN), st.none() | days())
def test_the_weighted_mean_of_what_each_objective_keeps_is_the_roots_score(tree, rollup, as_of):
    # The shares say who carries what: kept values times shares add up to the score.
    tree = AlignmentTree(attrs.evolve(o, cycle=None) for o in tree)  # one day for all
    scores = tree.score(as_of, rollup=rollup)
    for root in tree.roots:
        shares = tree.contributions(root.id, as_of, rollup=rollup)
        kept = sum(share * _kept_value(tree, oid, scores, rollup) for oid, share in shares.items())
        assert kept == pytest.approx(scores.progress(root.id), abs=1e-9)


def _kept_value(tree, oid, scores, rollup):
    """What an objective keeps for itself: the weighted mean of the key results it keeps."""
    objective = tree[oid]
    values = {
        kr.id: part.value for kr, part in zip(objective.key_results, scores[oid].parts, strict=True)
    }
    weights = {kr.id: kr.weight for kr in objective.key_results}
    if rollup == "driven_key_results":
        driven = {
            child.parent_key_results.get(oid)
            for child in tree.children(oid)
            if child.parents[oid] > 0 and child.parent_key_results.get(oid)
        }
        weights = {kr_id: w for kr_id, w in weights.items() if kr_id not in driven}
    total = sum(w for w in weights.values() if w > 0)
    if total == 0:
        return scores.progress(oid)
    return sum(w * values[kr_id] for kr_id, w in weights.items() if w > 0) / total


def _reference_progress(objectives, as_of, policy):
    """A tree's progress computed the plain way: recursion over `parent_id`, public calls."""
    by_id = {objective.id: objective for objective in objectives}
    children = defaultdict(list)
    for objective in objectives:
        if objective.parent_id is not None:
            children[objective.parent_id].append(objective)
    rollup = policy.rollup

    def progress(oid, moment):
        objective = by_id[oid]
        own = score(objective, moment, policy=policy)
        cap = policy.overachievement_cap
        parts = [
            (kr, min(max(part.progress, 0.0), 1.0 if cap is None else cap))
            for kr, part in zip(objective.key_results, own.parts, strict=True)
        ]
        last = objective.cycle.end if objective.cycle is not None else None
        judges_earlier = last is not None and (moment is None or moment > last)
        kids = []
        if rollup.uses_children:
            for child in children[oid]:
                runs_past = child.cycle is None or child.cycle.end > last if last else False
                kids.append(
                    (child, progress(child.id, last if judges_earlier and runs_past else moment))
                )
        combined = rollup.combine(objective, parts, kids)
        return policy.aggregator(combined).value if combined else 0.0

    return {objective.id: progress(objective.id, as_of) for objective in objectives}


_DETACHED = [node("zz-left"), node("zz-right"), node("zz-shared", ["zz-left", "zz-right"], 40)]


@given(trees(), st.sampled_from(BUILT_IN_ROLLUPS), st.none() | days())
def test_single_parents_scored_as_a_graph_equal_the_plain_tree_computation(tree, rollup, as_of):
    policy = ScoringPolicy(rollup=getattr(builtin, _FACTORIES[rollup])())
    expected = _reference_progress(list(tree), as_of, policy)
    spelled = [  # each link given as `parents` rather than the shorthand
        attrs.evolve(o, parents=dict(o.parents), parent_key_results=dict(o.parent_key_results))
        if o.parents
        else o
        for o in tree
    ]
    assert spelled == list(tree)
    graph = AlignmentTree([*spelled, *_DETACHED])  # a shared objective elsewhere: a graph
    assert graph._structure.shared
    for scored in (tree.score(as_of, policy=policy), graph.score(as_of, policy=policy)):
        assert {oid: scored.progress(oid) for oid in expected} == pytest.approx(expected)


_FACTORIES = {
    "key_results": "key_results_only",
    "children": "children_only",
    "key_results_and_children": "key_results_and_children",
    "driven_key_results": "driven_key_results",
    "initiatives": "driven_by_initiatives",
}


def _new_value(kind, draw):
    if kind is KeyResultKind.BINARY:
        return draw(st.booleans())
    if kind is KeyResultKind.MILESTONES:
        return draw(st.integers(0, 2))
    if kind is KeyResultKind.ORDINAL:
        return draw(st.sampled_from(list(Zone)))
    return draw(st.floats(-500, 500))


@given(dags(), st.sampled_from(WITH_CHILDREN), st.none() | days(), st.data())
def test_a_check_in_on_a_shared_objective_re_scores_as_a_full_rescore(tree, rollup, as_of, data):
    shared = [o for o in tree if len(o.parents) > 1 and o.key_results]
    assume(shared)
    objective = data.draw(st.sampled_from(shared))
    kr = data.draw(st.sampled_from(objective.key_results))
    if kr.kind is KeyResultKind.MILESTONES:
        value = data.draw(st.integers(0, len(kr.measure.milestones)))
    else:
        value = _new_value(kr.kind, data.draw)
    tree.score(as_of, rollup=rollup)
    changed = tree.check_in(objective.id, kr.id, value, at=data.draw(days()))
    with mock.patch.object(tree_module, "score_all", side_effect=AssertionError("full")):
        after = changed.score(as_of, rollup=rollup)
    fresh = AlignmentTree(list(changed)).score(as_of, rollup=rollup)
    assert dict(after.progress_map()) == dict(fresh.progress_map())


@given(dags())
def test_a_graph_survives_serde_and_walks_each_objective_once(tree):
    from okrkpi.serde import Document, dumps, dumps_toml, loads, loads_toml

    document = Document(list(tree))
    assert loads(dumps(document), Document) == document
    assert loads_toml(dumps_toml(document), Document) == document
    walked = [o.id for o, _ in tree.walk()]
    assert sorted(walked) == sorted(o.id for o in tree)
    for objective in tree:
        for path in tree.paths(objective.id):
            assert path[-1] is objective
            assert path[0].parent_id is None
            assert all(
                upper.id in lower.parents for upper, lower in zip(path, path[1:], strict=False)
            )


@pytest.mark.slow
def test_a_deep_graph_is_validated_scored_and_re_scored_without_recursion():
    depth = 100_000
    chain = [node("n0", value=100), node("n1", ["n0"])]
    chain += [node(f"n{i}", {f"n{i - 1}": 1, f"n{i - 2}": 1}) for i in range(2, depth)]
    chain[-1] = node(f"n{depth - 1}", {f"n{depth - 2}": 1, f"n{depth - 3}": 1}, 40)
    tree = AlignmentTree(chain)
    assert tree.score(rollup="children").value("n0") == pytest.approx(0.4)
    changed = tree.check_in(f"n{depth - 1}", "kr", 80, at=JULY)
    assert changed.score(rollup="children").value("n0") == pytest.approx(0.8)
    assert len(tree.descendants("n0")) == depth - 1
    assert sum(tree.contributions("n0", rollup="children").values()) == pytest.approx(1.0)
    looped = [*chain[:-1], node(f"n{depth - 1}", {f"n{depth - 2}": 1, "n0": 1})]
    looped[0] = node("n0", [f"n{depth - 1}"])
    with pytest.raises(AlignmentError, match="loop: n0 -> n99999 -> n0"):
        AlignmentTree(looped)
