"""The alignment tree: validation, queries, roll-ups, incremental re-scoring, scale."""

from datetime import date, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import JULY, MID_AUGUST, Q3, metric
from okrkpi import (
    AlignmentError,
    AlignmentTree,
    Commitment,
    Cycle,
    KeyResult,
    KeyResultKind,
    Level,
    Objective,
    ScoringPolicy,
    Status,
    StrategyRegistry,
    ValidationError,
    status,
)
from okrkpi import strategies as builtin
from okrkpi._scoring.engine import objective_status
from okrkpi.examples import EXAMPLE_AS_OF, example_objectives
from okrkpi.strategies import children_only, key_results_and_children
from okrkpi.testing import days, trees


def node(oid, parent=None, value=None, weight=1.0, **fields):
    kr = KeyResult.metric("kr", start=0, target=100)
    if value is not None:
        kr = kr.check_in(value, at=JULY)
    return Objective(oid, [kr], id=oid, parent_id=parent, alignment_weight=weight, **fields)


@pytest.fixture
def example():
    return AlignmentTree(example_objectives())


def test_example_rolls_up_as_documented(example):
    scores = example.score(EXAMPLE_AS_OF)
    assert scores["company"].value == pytest.approx(0.21)  # (0 + 0.42) / 2, Google's way
    assert scores["marketing"].value == pytest.approx((0.3 + 7 / 12) / 2)
    assert scores["product"].value == pytest.approx(0.75)
    driven = example.score(EXAMPLE_AS_OF, rollup="driven_key_results")
    assert driven["company"].value == pytest.approx((0.75 + 0.42) / 2)  # product drives launch
    children = example.score(EXAMPLE_AS_OF, rollup="children")
    assert children["company"].value == pytest.approx((scores["marketing"].value + 0.75) / 2)
    assert "rolled up from 2" in children["company"].explanation
    statuses = example.status(EXAMPLE_AS_OF)
    assert statuses == {
        "company": Status.AT_RISK, "marketing": Status.BEHIND, "product": Status.ON_TRACK
    }  # fmt: skip


def test_queries(example):
    assert [o.id for o in example.roots] == ["company"]
    assert [o.id for o in example.children("company")] == ["marketing", "product"]
    assert example.parent("product").id == "company"
    assert example.parent("company") is None
    assert [o.id for o in example.path("product")] == ["company", "product"]
    assert [o.id for o in example.descendants("company")] == ["marketing", "product"]
    assert [o.id for o in example.leaves()] == ["marketing", "product"]
    assert example.unaligned() == ()
    assert [o.id for o in example.filter(owner="CEO")] == ["company"]
    assert [o.id for o in example.filter(level=Level.DEPARTMENT)] == ["marketing", "product"]
    assert len(example.filter(cycle=Cycle.year(2026))) == 3
    assert example.filter(cycle=Cycle.year(2025)) == ()
    assert len(example) == 3
    assert "product" in example
    assert [o.id for o in example] == ["company", "marketing", "product"]
    assert repr(example) == "<AlignmentTree: 3 objectives, 1 root>"
    two = [Objective(name, [KeyResult.binary("k")], id=name) for name in ("a", "b")]
    assert repr(AlignmentTree(two)) == "<AlignmentTree: 2 objectives, 2 roots>"
    assert repr(AlignmentTree(two[:1])) == "<AlignmentTree: 1 objective, 1 root>"
    sub = example.subtree("marketing")
    assert [o.id for o in sub.roots] == ["marketing"]
    with pytest.raises(AlignmentError, match="unknown objective 'nope'"):
        example.children("nope")


def test_unaligned_excludes_company_objectives():
    tree = AlignmentTree([node("c", level=Level.COMPANY), node("t"), node("i", "c")])
    assert [o.id for o in tree.unaligned()] == ["t"]


def test_every_problem_is_reported_at_once():
    with pytest.raises(AlignmentError) as caught:
        AlignmentTree(
            [
                node("a", "b"),
                node("b", "c"),
                node("c", "a"),
                node("a"),
                node("d", "zz"),
                attrs.evolve(node("e", "d"), parent_key_result_id="missing"),
                "not an objective",
            ]
        )
    messages = [str(problem) for problem in caught.value.problems]
    assert "objectives[3].id: duplicate id 'a'" in messages
    assert "objectives['d'].parent_id: unknown parent 'zz'" in messages
    assert "objectives['e'].parent_key_result_id: 'd' has no key result 'missing'" in messages
    assert "objectives['a'].parent_id: loop: a -> b -> c -> a" in messages
    assert any("not an Objective" in m for m in messages)
    assert isinstance(caught.value, ValueError)


def test_mixed_cycles_are_findings_not_errors():
    tree = AlignmentTree(
        [
            node("parent", cycle=Cycle.quarter(2026, 3)),
            node("inside", "parent", cycle=Cycle("sprint", date(2026, 7, 6), date(2026, 7, 19))),
            node("outside", "parent", cycle=Cycle.quarter(2026, 4)),
        ]
    )
    assert [problem.path for problem in tree.findings] == ["objectives['outside'].cycle"]
    assert "2026-Q4 is not inside parent 'parent'" in tree.findings[0].message


def test_roll_up_policies():
    tree = AlignmentTree(
        [node("root", value=100), node("a", "root", 20, weight=3), node("b", "root", 60)]
    )
    assert tree.score()["root"].value == 1.0
    assert tree.score(rollup="children")["root"].value == pytest.approx((20 * 3 + 60) / 4 / 100)
    both = tree.score(rollup=key_results_and_children(children_share=0.5))["root"]
    assert both.value == pytest.approx(0.5 * 1.0 + 0.5 * 0.3)
    assert both.strategy == "key_results_and_children/weighted_mean"
    policy = ScoringPolicy(rollup=children_only())
    assert AlignmentTree(tree, policy=policy).score()["root"].value == pytest.approx(0.3)


def test_driven_key_result_counts_children_once():
    launch = KeyResult.binary("launch", id="launch")
    other = KeyResult.binary("other", id="other", done=True)
    tree = AlignmentTree(
        [
            Objective("root", [launch, other], id="root"),
            attrs.evolve(node("x", "root", 40), parent_key_result_id="launch"),
            attrs.evolve(node("y", "root", 80), parent_key_result_id="launch"),
            node("z", "root", 0),  # aligned to the objective, not a key result
        ]
    )
    root = tree.score(rollup="driven_key_results")["root"]
    assert root.value == pytest.approx((0.6 + 1.0) / 2)


def test_status_with_children_roll_up_paces_the_rolled_up_value():
    q3 = Cycle.quarter(2026, 3)
    tree = AlignmentTree([node("root", value=100, cycle=q3), node("a", "root", 10, cycle=q3)])
    assert tree.status(date(2026, 8, 15))["root"] is Status.ACHIEVED
    assert tree.status(date(2026, 8, 15), rollup="children")["root"] is Status.AT_RISK
    with pytest.raises(ValidationError, match="cycle"):
        AlignmentTree([node("x")]).status(JULY)
    assert AlignmentTree([node("x")]).status(JULY, cycle=q3)["x"] is Status.ON_TRACK
    assert AlignmentTree([node("x")]).status(date(2026, 9, 1), cycle=q3)["x"] is Status.AT_RISK


def test_replace_rescoring_matches_a_full_rebuild():
    objectives = [node("root", value=50)] + [node(f"n{i}", "root", i) for i in range(20)]
    tree = AlignmentTree(objectives)
    before = tree.score(rollup="children")
    updated = tree.check_in("n3", "kr", 90, at=JULY + timedelta(days=1))
    after = updated.score(rollup="children")
    rebuilt = AlignmentTree(list(updated)).score(rollup="children")
    assert dict(after) == dict(rebuilt)
    assert after["n3"].value == 0.9
    assert before["n3"].value == 0.03  # the old tree is unchanged
    assert tree["n3"].key_results[0].latest_check_in().value == 3
    again = updated.check_in("n4", "kr", 0, at=JULY + timedelta(days=1))
    assert dict(again.score(rollup="children")) == dict(
        AlignmentTree(list(again)).score(rollup="children")
    )


def test_replace_with_new_links_rebuilds_and_validates():
    tree = AlignmentTree([node("a"), node("b", "a"), node("c")])
    moved = tree.replace(attrs.evolve(tree["b"], parent_id="c"))
    assert moved.parent("b").id == "c"
    with pytest.raises(AlignmentError, match="loop"):
        tree.replace(attrs.evolve(tree["a"], parent_id="b"))
    with pytest.raises(AlignmentError, match="unknown objective"):
        tree.replace(node("zz"))
    with pytest.raises(ValidationError):
        tree.replace("b")
    recycled = tree.replace(attrs.evolve(tree["b"], cycle=Cycle.year(2027)))
    assert recycled.findings == ()


def test_many_replacements_stay_correct():
    tree = AlignmentTree([node("root")] + [node(f"n{i}", "root", 0) for i in range(5)])
    tree.score(rollup="children")
    for step in range(40):  # crosses the layer limit, so layers get flattened
        tree = tree.check_in(f"n{step % 5}", "kr", step, at=JULY + timedelta(days=step + 1))
        tree.score(rollup="children")
    expected = AlignmentTree(list(tree)).score(rollup="children")
    assert dict(tree.score(rollup="children")) == dict(expected)


@pytest.mark.slow
def test_deep_chain_scores_without_recursion():
    depth = 100_000
    chain = [node("n0", value=100)] + [node(f"n{i}", f"n{i - 1}") for i in range(1, depth)]
    chain[-1] = node(f"n{depth - 1}", f"n{depth - 2}", 40)
    tree = AlignmentTree(chain)
    scores = tree.score(rollup="children")
    assert scores["n0"].value == pytest.approx(0.4)
    assert len(tree.path(f"n{depth - 1}")) == depth
    assert len(tree.descendants("n0")) == depth - 1


# -- properties ---------------------------------------------------------------------------


@st.composite
def forests(draw):
    size = draw(st.integers(1, 25))
    objectives = []
    for i in range(size):
        parent = draw(st.none() | st.integers(0, i - 1)) if i else None
        value = draw(st.none() | st.integers(0, 100))
        objectives.append(node(f"o{i}", None if parent is None else f"o{parent}", value))
    return objectives


@given(
    forests(),
    st.randoms(),
    st.sampled_from(["key_results", "children", "key_results_and_children"]),
)
def test_input_order_changes_nothing(objectives, random, rollup):
    shuffled = list(objectives)
    random.shuffle(shuffled)
    before = AlignmentTree(objectives).score(rollup=rollup)
    after = AlignmentTree(shuffled).score(rollup=rollup)
    assert {k: (s.value, s.progress, s.grade) for k, s in before.items()} == {
        k: (s.value, s.progress, s.grade) for k, s in after.items()
    }


@given(st.integers(1, 12), st.integers(0, 100))
def test_uniform_tree_rolls_up_to_the_plain_mean(width, seed):
    values = [(seed * (i + 7)) % 101 for i in range(width)]
    tree = AlignmentTree([node("root")] + [node(f"c{i}", "root", v) for i, v in enumerate(values)])
    root = tree.score(rollup="children")["root"]
    assert root.value == pytest.approx(sum(values) / width / 100)


@given(forests(), st.integers(0, 100), st.sampled_from(["children", "key_results_and_children"]))
def test_zero_weight_child_changes_nothing(objectives, value, rollup):
    tree = AlignmentTree(objectives)
    parent = objectives[-1].id
    extra = AlignmentTree([*objectives, node("extra", parent, value, weight=0.0)])
    before = tree.score(rollup=rollup)
    after = extra.score(rollup=rollup)
    assert all(after[oid].value == pytest.approx(before[oid].value) for oid in before)


@attrs.frozen
class _PlainLinear:
    """A scorer with no fast path: the tree must fall back to the full call."""

    name: str = "plain_linear"
    monotone: bool = True

    def __call__(self, key_result, current):
        return builtin.linear_metric()(key_result, current)


@attrs.frozen
class _PlainMean:
    name: str = "plain_mean"

    def __call__(self, parts):
        return builtin.weighted_mean()(parts)


POLICIES = [
    ScoringPolicy(),
    ScoringPolicy(aggregator=builtin.minimum(), overachievement_cap=1.5),
    ScoringPolicy(aggregator=builtin.weighted_geometric_mean()),
    ScoringPolicy(aggregator=_PlainMean(), scorers={KeyResultKind.METRIC: _PlainLinear()}),
]


@given(
    forests(),
    st.sampled_from(POLICIES),
    st.sampled_from(["key_results", "children", "key_results_and_children"]),
)
def test_numbers_agree_with_the_explained_scores(objectives, policy, rollup):
    scores = AlignmentTree(objectives, policy=policy).score(rollup=rollup)
    for oid, explained in scores.items():
        assert scores.progress(oid) == explained.progress
        assert scores.value(oid) == explained.value


@given(
    trees(),
    st.sampled_from(POLICIES),
    st.sampled_from(["key_results", "children", "key_results_and_children", "driven_key_results"]),
    st.none() | days(),
)
def test_numbers_agree_with_the_explained_scores_for_every_kind(tree, policy, rollup, as_of):
    scores = tree.score(as_of, policy=policy, rollup=rollup)
    for oid in scores:
        assert scores.progress(oid) == scores[oid].progress
        assert scores.value(oid) == scores[oid].value
    changed = tree.replace(attrs.evolve(tree[f"o{len(tree) - 1}"], key_results=[], initiatives=[]))
    rescored = changed.score(as_of, policy=policy, rollup=rollup)
    rebuilt = AlignmentTree(list(changed)).score(as_of, policy=policy, rollup=rollup)
    assert {oid: rescored.progress(oid) for oid in rescored} == {
        oid: rebuilt.progress(oid) for oid in rebuilt
    }


@given(
    trees(),
    st.sampled_from(POLICIES),
    st.sampled_from(["key_results", "children", "key_results_and_children"]),
    days(),
)
def test_tree_statuses_are_the_explained_scores_judged(tree, policy, rollup, as_of):
    # tree.status works from the numbers alone; it must give each objective's verdict
    # from its explained Score, as `status()` gives it for one objective.
    statuses = tree.status(as_of, policy=policy, rollup=rollup)
    scores = tree.score(as_of, policy=policy, rollup=rollup)
    chosen = scores.policy
    for objective in tree:
        expected = objective_status(
            objective,
            scores[objective.id],
            objective.cycle,
            as_of,
            chosen,
            rolled_up=rollup != "key_results",
        )
        assert statuses[objective.id] is expected
        if rollup == "key_results":
            assert expected is status(objective, as_of=as_of, policy=policy)


def test_tree_scores_build_each_score_once_and_on_demand(example):
    scores = example.score(EXAMPLE_AS_OF)
    assert len(scores) == len(example)
    assert list(scores) == [objective.id for objective in example]
    assert "company" in scores
    assert "nowhere" not in scores
    assert not scores._built  # nothing explained yet
    first = scores["company"]
    assert scores["company"] is first
    assert list(scores._built) == ["company"]
    assert scores.value("company") == first.value
    assert repr(scores) == f"<TreeScores: {len(example)} objectives as of {EXAMPLE_AS_OF}>"
    with pytest.raises(KeyError):
        scores["nowhere"]
    assert scores.get("nowhere") is None


def test_tree_scores_build_a_score_without_keeping_it(example):
    from okrkpi.display import render_tree

    scores = example.score(EXAMPLE_AS_OF)
    built = scores.build("marketing")
    assert built == scores.build("marketing")
    assert built is not scores.build("marketing")  # built afresh each time: nothing kept
    assert not scores._built
    kept = scores["marketing"]
    assert kept == built
    assert scores.build("marketing") is kept  # once kept, the kept one
    with pytest.raises(KeyError):
        scores.build("nowhere")
    # A text report reads every objective once and keeps no explanation.
    render_tree(example, as_of=EXAMPLE_AS_OF)
    assert list(example.score(EXAMPLE_AS_OF)._built) == ["marketing"]


# -- hygiene ------------------------------------------------------------------------------


# -- walking, caches and lifetime ------------------------------------------------------


def test_walk_yields_each_objective_with_its_depth_depth_first():
    tree = AlignmentTree([node("a"), node("b", "a"), node("c", "b"), node("d", "a"), node("e")])
    assert [(o.id, depth) for o, depth in tree.walk()] == [
        ("a", 0),
        ("b", 1),
        ("c", 2),
        ("d", 1),
        ("e", 0),
    ]
    assert [(o.id, depth) for o, depth in tree.walk("b")] == [("b", 0), ("c", 1)]
    assert [o.id for o in tree.descendants("a")] == ["b", "c", "d"]
    with pytest.raises(AlignmentError, match="unknown objective 'zz'"):
        list(tree.walk("zz"))


def test_a_tree_made_by_check_in_does_not_keep_its_base_alive():
    import gc
    import weakref

    tree = AlignmentTree([node("root"), *(node(f"o{n}", "root", value=n) for n in range(20))])
    tree.score(JULY)
    first = weakref.ref(tree)
    for step in range(1, 200):
        tree = tree.check_in(f"o{step % 20}", "kr", float(step % 100), at=JULY)
        tree.score(JULY)
    gc.collect()
    assert first() is None
    fresh = AlignmentTree(list(tree))
    assert {oid: s.value for oid, s in tree.score(JULY).items()} == {
        oid: s.value for oid, s in fresh.score(JULY).items()
    }


def test_the_score_cache_is_bounded_and_keyed_by_policy_value():
    tree = AlignmentTree([node("a", value=50), node("b", "a", value=20)])
    for offset in range(100):
        tree.score(JULY + timedelta(days=offset))
    assert len(tree._cache) <= 16
    first = tree.score(JULY, policy=ScoringPolicy(), rollup="children")
    for _ in range(50):
        again = tree.score(JULY, policy=ScoringPolicy(), rollup="children")
    assert again is first
    assert again.value("a") == pytest.approx(0.2)
    assert tree.score(JULY).value("a") == pytest.approx(0.5)


# -- queries, changes and scores by date ---------------------------------------------------


def test_subtree_keeps_the_policy_and_drops_the_parent_link():
    policy = ScoringPolicy(rollup=builtin.children_only())
    tree = AlignmentTree(
        [
            Objective("R", [metric(10, id="r")], id="r"),
            Objective("M", [metric(20, id="m")], id="m", parent_id="r", parent_key_result_id="r"),
            Objective("L", [metric(60, id="l")], id="l", parent_id="m"),
        ],
        policy=policy,
    )
    sub = tree.subtree("m")
    assert [objective.id for objective in sub] == ["m", "l"]
    assert sub["m"].parent_id is None
    assert sub["m"].parent_key_result_id is None
    assert sub.score().progress("m") == pytest.approx(0.6)  # children roll-up kept


def test_filter_combines_criteria():
    objectives = [
        Objective("A", id="a", owner="ana", level=Level.TEAM, cycle=Q3),
        Objective("B", id="b", owner="ana", level=Level.INDIVIDUAL, cycle=Q3),
        Objective("C", id="c", owner="bo", level=Level.TEAM, cycle=Q3),
        Objective("D", id="d", owner="ana", level=Level.TEAM),
        Objective("E", id="e", owner="ana", level=Level.TEAM, cycle=Q3),
    ]
    tree = AlignmentTree(objectives)
    assert [o.id for o in tree.filter(owner="ana", level=Level.TEAM)] == ["a", "d", "e"]
    assert [o.id for o in tree.filter(owner="ana", cycle=Cycle.year(2026))] == ["a", "b", "e"]
    assert [o.id for o in tree.filter(level=Level.TEAM, cycle=Q3)] == ["a", "c", "e"]


def test_replace_with_new_links_keeps_the_policy():
    policy = ScoringPolicy(rollup=builtin.children_only())
    tree = AlignmentTree(
        [
            Objective("R", [metric(10, id="r")], id="r"),
            Objective("S", [metric(50, id="s")], id="s"),
            Objective("L", [metric(90, id="l")], id="l", parent_id="r"),
        ],
        policy=policy,
    )
    moved = tree.replace(Objective("L", [metric(90, id="l")], id="l", parent_id="s"))
    scores = moved.score()
    assert scores.progress("s") == pytest.approx(0.9)
    assert scores.progress("r") == pytest.approx(0.1)


def test_replace_updates_cycle_findings_only_when_the_cycle_changes():
    tree = AlignmentTree(
        [Objective("R", id="r", cycle=Q3), Objective("C", id="c", parent_id="r", cycle=Q3)]
    )
    assert tree.findings == ()
    same = tree.replace(Objective("C", [metric(1, id="x")], id="c", parent_id="r", cycle=Q3))
    assert same.findings == ()
    moved = tree.replace(Objective("C", id="c", parent_id="r", cycle=Cycle.quarter(2026, 4)))
    assert [problem.path for problem in moved.findings] == ["objectives['c'].cycle"]
    back = moved.replace(Objective("C", id="c", parent_id="r", cycle=Q3))
    assert back.findings == ()


def test_tree_scores_see_exactly_the_check_ins_of_the_day():
    kr = (
        KeyResult.metric("m", start=0, target=100, id="m")
        .check_in(10, at=datetime(2026, 8, 15, 23, 59, 59, 999999))
        .check_in(70, at=datetime(2026, 8, 16, 0, 0))
    )
    tree = AlignmentTree([Objective("O", [kr], id="o")])
    assert tree.score(MID_AUGUST).progress("o") == pytest.approx(0.1)
    assert tree.score(datetime(2026, 8, 15, 12, 0)).progress("o") == 0.0
    plain = AlignmentTree([Objective("P", [metric(10, id="p", at=date(2026, 8, 16))], id="p")])
    assert plain.score(MID_AUGUST).progress("p") == 0.0


def test_re_scoring_keeps_the_date_it_was_asked_for():
    tree = AlignmentTree([Objective("O", [metric(10, id="a")], id="o")])
    noon = datetime(2026, 8, 15, 12, 0)
    tree.score(MID_AUGUST)
    tree.score(noon)
    later = tree.check_in("o", "a", 90, at=date(2026, 9, 1), confidence=8)
    assert later.score(MID_AUGUST).progress("o") == pytest.approx(0.1)
    assert later.score(noon).progress("o") == pytest.approx(0.1)
    assert later.score().progress("o") == pytest.approx(0.9)
    recorded = later["o"].key_result("a").latest_check_in()
    assert (recorded.confidence.value, recorded.note) == (8, "")


def test_explained_tree_scores_name_the_objective_and_keep_the_commitment():
    objective = Objective("O", [metric(130, id="a")], id="o", commitment=Commitment.COMMITTED)
    child = Objective("C", [metric(50, id="c")], id="c", parent_id="o")
    tree = AlignmentTree([objective, child], policy=ScoringPolicy(overachievement_cap=1.5))
    explained = tree.score()["o"]
    assert explained.subject == "Objective 'o'"
    assert explained.progress == pytest.approx(1.3)
    assert explained.parts[0].commitment is Commitment.COMMITTED
    assert explained.note == ""  # children do not count in the default roll-up
    with pytest.raises(KeyError) as missing:
        tree.score()["nowhere"]
    assert missing.value.args == ("nowhere",)
    registry = StrategyRegistry()
    registry.register("rollup", builtin.children_only(), name="kids")
    assert tree.score(rollup="kids", registry=registry).progress("o") == pytest.approx(0.5)


def test_descendants_reach_every_level():
    tree = AlignmentTree(
        [
            Objective("R", id="r"),
            Objective("A", id="a", parent_id="r"),
            Objective("B", id="b", parent_id="a"),
            Objective("C", id="c", parent_id="b"),
        ]
    )
    assert [objective.id for objective in tree.descendants("r")] == ["a", "b", "c"]


def test_a_leaf_has_no_children_and_scores_after_a_change_know_their_objectives():
    tree = AlignmentTree([node("a", value=10), node("b", "a", value=20)])
    assert tree.children("b") == ()
    tree.score()
    changed = tree.check_in("b", "kr", 30, at=JULY)
    scores = changed.score()
    again = changed.score()
    assert "zz" not in again.progress_map()
    assert "b" in again.progress_map()
    assert len(again.progress_map()) == 2
    assert sorted(again.progress_map()) == ["a", "b"]
    assert scores.value("b") == 0.3


def test_a_changed_tree_re_scores_only_the_changed_path(monkeypatch):
    from okrkpi._alignment import tree as tree_module

    tree = AlignmentTree([node("a", value=10), node("b", "a", value=20), node("c", value=5)])
    tree.score(JULY, rollup="children")
    changed = tree.check_in("b", "kr", 60, at=JULY)

    def no_full_scoring(*args, **kwargs):
        raise AssertionError("scored the whole tree again")

    monkeypatch.setattr(tree_module, "score_all", no_full_scoring)
    scores = changed.score(JULY, rollup="children")
    assert scores.value("b") == 0.6
    assert scores.value("a") == 0.6  # the children roll-up: a's only child
    assert scores.value("c") == 0.05


def test_the_oldest_score_result_is_the_first_let_go():
    tree = AlignmentTree([node("a", value=10)])
    days = [JULY + timedelta(days=offset) for offset in range(17)]
    for day in days:
        tree.score(day)
    kept = [key[0] for key in tree._cache]
    assert days[0] not in kept
    assert kept == days[1:]


def test_a_policy_with_an_unhashable_strategy_scores_a_tree(example):
    @attrs.define  # a mutable class: not hashable
    class Lowest:
        name: str = "lowest"

        def __call__(self, parts):
            return builtin.minimum()(parts)

    policy = ScoringPolicy(aggregator=Lowest())
    scores = example.score(EXAMPLE_AS_OF, policy=policy)
    assert example.score(EXAMPLE_AS_OF, policy=policy) is scores  # kept by identity
    assert scores.value("company") == min(
        part.value for part in example.score(EXAMPLE_AS_OF)["company"].parts
    )


def test_the_html_view_of_a_tree_scores_it_as_its_text_does():
    rolled = AlignmentTree(example_objectives(), policy=ScoringPolicy(rollup=children_only()))
    company = rolled.score()["company"].value
    first_row = rolled._repr_html_().split("<tbody>")[1].split("</tr>")[0]
    assert f"<td>{company:.2f}</td>" in first_row
    assert f"{company:.2f}" in rolled._repr_markdown_().splitlines()[2]


def test_replacing_an_objective_keeps_every_link_valid(example):
    company = example["company"]
    linked = {child.parent_key_result_id for child in example.children("company")} - {None}
    assert linked  # a child drives one of the company's key results
    kept = [kr for kr in company.key_results if kr.id not in linked]
    with pytest.raises(AlignmentError, match="has no key result"):
        example.replace(attrs.evolve(company, key_results=kept))
    renamed = attrs.evolve(company, title="Lead the SaaS market")  # links untouched
    assert example.replace(renamed)["company"].title == "Lead the SaaS market"


def test_filter_takes_a_level_and_a_cycle_by_name(example):
    assert example.filter(level="company") == example.filter(level=Level.COMPANY)
    assert example.filter(cycle="2026-Q3") == example.filter(cycle=Cycle.quarter(2026, 3))
    assert example.filter(cycle="2026") == tuple(example)  # the year holds its quarters
