"""Roll-ups: what an objective's score in a tree is made of."""

from datetime import date

import pytest

from helpers import JULY, MID_AUGUST, metric
from okrkpi import (
    AlignmentTree,
    KeyResult,
    Objective,
    ScoringPolicy,
)
from okrkpi import strategies as builtin


def test_key_results_and_children_gives_each_side_its_share():
    parent = Objective("P", [metric(100, id="a", weight=2), metric(0, id="b", weight=2)], id="p")
    child = Objective("C", [metric(40, id="c")], id="c", parent_id="p")
    tree = AlignmentTree([parent, child])
    half = tree.score(rollup="key_results_and_children")
    assert half.progress("p") == pytest.approx(0.5 * 0.5 + 0.5 * 0.4)
    policy = ScoringPolicy(rollup=builtin.key_results_and_children(children_share=0.25))
    quarter = tree.score(policy=policy)
    assert quarter.progress("p") == pytest.approx(0.75 * 0.5 + 0.25 * 0.4)
    assert quarter["p"].note == "rolled up from 1 aligned objective"
    assert quarter["p"].strategy == "key_results_and_children/weighted_mean"
    alone = AlignmentTree([Objective("Q", [metric(30, id="q")], id="q")]).score(policy=policy)
    assert alone.progress("q") == pytest.approx(0.3)
    assert alone["q"].note == ""


@pytest.mark.parametrize(
    ("aggregator", "expected"),
    [(builtin.weighted_geometric_mean(), 0.0), (builtin.minimum(), 0.0)],
)
def test_a_key_result_too_light_to_scale_still_counts_beside_children(aggregator, expected):
    # Normalised against 2**1023, a weight of 1e-163 underflows to 0: it is still > 0,
    # so its zero sinks a geometric mean and is the minimum.
    light = metric(id="light", weight=1e-163)
    heavy = metric(50, id="heavy", weight=2.0**1023)
    parent = Objective("P", [light, heavy], id="p")
    child = Objective("C", [metric(80, id="c")], id="c", parent_id="p")
    rollup = builtin.key_results_and_children()
    scores = AlignmentTree([parent, child]).score(
        policy=ScoringPolicy(rollup=rollup, aggregator=aggregator)
    )
    assert scores.progress("p") == expected
    assert scores["p"].formula.startswith(("(0.00^", "min(0.00,"))  # the light part, shown


@pytest.mark.parametrize("share", [0, 1, -0.5])
def test_children_share_is_strictly_between_zero_and_one(share):
    with pytest.raises(ValueError, match="children_share"):
        builtin.key_results_and_children(children_share=share)


def test_driven_key_results_ignore_zero_weight_drivers():
    parent = Objective("P", [metric(10, id="a"), metric(20, id="b")], id="p")
    driver = Objective("D", [metric(90, id="d")], id="d", parent_id="p", parent_key_result_id="a")
    idle = Objective(
        "I",
        [metric(0, id="i")],
        id="i",
        parent_id="p",
        parent_key_result_id="a",
        alignment_weight=0,
    )
    scores = AlignmentTree([parent, driver, idle]).score(rollup="driven_key_results")
    assert scores.progress("p") == pytest.approx((0.9 + 0.2) / 2)


def test_children_roll_up_re_scores_up_to_the_root_after_a_change():
    objectives = [
        Objective("R", [metric(10, id="r")], id="r"),
        Objective("M", [metric(20, id="m")], id="m", parent_id="r"),
        Objective("L", [metric(30, id="l")], id="l", parent_id="m"),
    ]
    tree = AlignmentTree(objectives, policy=ScoringPolicy(rollup=builtin.children_only()))
    before = tree.score(MID_AUGUST)
    changed = tree.check_in("l", "l", 90, at=date(2026, 8, 1), note="big week")
    after = changed.score(MID_AUGUST)
    assert (before.progress("r"), after.progress("r")) == (pytest.approx(0.3), pytest.approx(0.9))
    assert changed["l"].key_result("l").latest_check_in().note == "big week"
    assert changed.score(JULY).progress("r") == pytest.approx(0.3)  # the check-in is later
    assert dict(after.items()) == dict(
        AlignmentTree(list(changed)).score(MID_AUGUST, rollup="children").items()
    )


def test_tree_scores_clamp_values_but_keep_progress():
    policy = ScoringPolicy(overachievement_cap=1.5)
    tree = AlignmentTree([Objective("O", [metric(130, id="a")], id="o")], policy=policy)
    scores = tree.score()
    assert scores.progress("o") == pytest.approx(1.3)
    assert scores.value("o") == 1.0
    binary = KeyResult.binary("b", id="b").check_in(True, at=JULY)
    done = AlignmentTree([Objective("B", [binary], id="b")], policy=policy).score()
    assert done.progress("b") == 1.0


def test_a_key_result_driven_only_by_idle_objectives_keeps_its_own_value():
    parent = Objective("P", [metric(10, id="a")], id="p")
    idle = Objective(
        "I",
        [metric(90, id="i")],
        id="i",
        parent_id="p",
        parent_key_result_id="a",
        alignment_weight=0,
    )
    scores = AlignmentTree([parent, idle]).score(rollup="driven_key_results")
    assert scores.progress("p") == pytest.approx(0.1)


def test_tree_scores_clamp_what_a_custom_aggregator_returns():
    class Pessimist:
        name = "pessimist"

        def __call__(self, parts):
            from okrkpi import Aggregate

            return Aggregate(-0.5, "always -0.5")

    tree = AlignmentTree([Objective("O", [metric(10, id="a")], id="o")])
    scores = tree.score(policy=ScoringPolicy(aggregator=Pessimist()))
    assert (scores.progress("o"), scores.value("o")) == (-0.5, 0.0)
    assert scores["o"].value == 0.0


def test_a_custom_roll_up_sees_the_objective_it_rolls_up():
    class OwnersFirst:
        name = "owners_first"
        uses_children = False

        def combine(self, objective, key_results, children):
            return [(1.0, 1.0 if objective.owner == "ana" else 0.0)]

    tree = AlignmentTree(
        [
            Objective("A", [metric(id="a")], id="a", owner="ana"),
            Objective("B", [metric(id="b")], id="b"),
        ]
    )
    scores = tree.score(policy=ScoringPolicy(rollup=OwnersFirst()))
    assert [(scores.value(oid), scores[oid].value) for oid in scores] == [(1.0, 1.0), (0.0, 0.0)]


def test_tree_numbers_clamp_each_key_result_without_a_cap():
    ahead = metric(150, id="ahead")
    behind = KeyResult.metric("behind", start=50, target=100, id="behind").check_in(40, at=JULY)
    tree = AlignmentTree([Objective("O", [ahead, behind], id="o")])
    scores = tree.score()
    assert scores.progress("o") == 0.5  # (1.0 + 0.0) / 2: 1.5 and -0.2 are clamped
    assert scores["o"].progress == 0.5


def test_an_aggregator_is_never_asked_to_combine_nothing():
    class Strict:
        name = "strict"

        def __call__(self, parts):
            assert parts, "called with no parts"
            return builtin.weighted_mean()(parts)

        def value_only(self, parts):
            assert parts, "called with no parts"
            return builtin.weighted_mean().value_only(parts)

    tree = AlignmentTree([Objective("Empty", id="e"), Objective("O", [metric(50, id="o")], id="o")])
    scores = tree.score(policy=ScoringPolicy(aggregator=Strict()))
    assert (scores.value("e"), scores.value("o")) == (0.0, 0.5)
    assert scores["e"].formula == "0"


def test_an_empty_roll_up_still_lists_the_key_results_it_scored():
    class Nothing:
        name = "nothing"
        uses_children = False

        def combine(self, objective, key_results, children):
            return []

    tree = AlignmentTree([Objective("O", [metric(50, id="a")], id="o")])
    explained = tree.score(policy=ScoringPolicy(rollup=Nothing()))["o"]
    assert (explained.value, explained.formula) == (0.0, "0")
    assert [part.subject for part in explained.parts] == ["KeyResult 'a'"]
