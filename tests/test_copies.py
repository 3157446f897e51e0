"""Copied objectives (pickle, deepcopy, attrs) stay equal and fully usable, graphs too."""

import copy
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrkpi import AlignmentTree, KeyResult, Objective, ScoringPolicy, default_registry
from okrkpi.testing import dags, objectives

ROLLUPS = default_registry.names("rollup")
DAY = date(2026, 8, 1)
COPIES = {
    "pickle": lambda value: pickle.loads(pickle.dumps(value)),
    "deepcopy": copy.deepcopy,
    "copy": copy.copy,
}
copiers = st.sampled_from(sorted(COPIES))


def probe() -> KeyResult:
    return KeyResult.metric("Probe", start=0, target=10, id="probe")


def test_a_copied_objective_takes_check_ins_as_the_original_does():
    kr = KeyResult.metric("k", start=0, target=10, id="k")
    original = Objective("A", [kr], id="a", parent_id="p")
    for name, copier in COPIES.items():
        copied = copier(original)
        assert copied == original, name
        checked = copied.check_in("k", 5, at=date(2026, 1, 1))
        assert checked == original.check_in("k", 5, at=date(2026, 1, 1)), name
        assert checked.parent_id == "p"
        assert attrs.evolve(copied, parent_id="q").parents == {"q": 1.0}


def test_an_objective_s_fields_are_its_public_arguments():
    objective = Objective(
        "S", id="s", parents={"sales": 0.6, "product": 0.4}, parent_key_results={"product": "k"}
    )
    fields = attrs.asdict(objective, recurse=False)
    assert not any(name.startswith("_") for name in fields)
    assert (objective.parent_id, objective.alignment_weight) == ("sales", 0.6)
    assert objective.parent_key_result_id is None
    assert fields["parents"] == {"sales": 0.6, "product": 0.4}
    assert fields["parent_key_results"] == {"product": "k"}
    assert Objective(**fields) == objective
    root = Objective("R", id="r", alignment_weight=3)
    assert Objective(**attrs.asdict(root, recurse=False)).alignment_weight == 3.0


@given(objectives(), copiers)
def test_random_objectives_survive_copies_and_asdict(objective, copier):
    copied = COPIES[copier](objective)
    assert copied == objective
    assert repr(copied) == repr(objective)
    assert Objective(**attrs.asdict(copied, recurse=False)) == objective
    # Every change attrs.evolve makes reads the copy's links as the original's.
    for changes in ({"title": "Changed"}, {"parent_id": "elsewhere"}, {"parent_id": None}):
        assert attrs.evolve(copied, **changes) == attrs.evolve(objective, **changes)
    with_probe = attrs.evolve(copied, key_results=(*copied.key_results, probe()))
    assert with_probe.check_in("probe", 4, at=DAY).key_result("probe").check_ins[-1].value == 4


def scores(tree: AlignmentTree) -> dict[str, dict[str, float]]:
    return {
        rollup: {oid: score.progress for oid, score in tree.score(DAY, rollup=rollup).items()}
        for rollup in ROLLUPS
    }


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(dags(max_objectives=8), copiers, st.data())
def test_a_copied_graph_scores_checks_in_and_splits_as_the_original(tree, copier, data):
    copied_objectives = [COPIES[copier](objective) for objective in tree]
    copied = AlignmentTree(copied_objectives)
    assert scores(copied) == scores(tree)
    target = data.draw(st.sampled_from([objective.id for objective in tree]))

    def checked(graph: AlignmentTree) -> AlignmentTree:
        widened = graph.replace(
            attrs.evolve(graph[target], key_results=(*graph[target].key_results, probe()))
        )
        return widened.check_in(target, "probe", 7, at=DAY)

    assert scores(checked(copied)) == scores(checked(tree))
    assert list(copied.subtree(target)) == list(tree.subtree(target))


def check_in_elsewhere(objectives: list[Objective]) -> dict[str, float]:
    """Run in a worker process: build the graph there, check in and score it."""
    tree = AlignmentTree(objectives)
    tree = tree.check_in("team", "k", 5, at=DAY)
    return {oid: score.progress for oid, score in tree.score(DAY, rollup="children").items()}


def test_a_graph_s_objectives_check_in_in_a_worker_process():
    kr = KeyResult.metric("k", start=0, target=10, id="k")
    sent = [
        Objective("Company", id="company"),
        Objective("Sales", id="sales", parent_id="company"),
        Objective("Product", id="product", parent_id="company"),
        Objective("Team", [kr], id="team", parents={"sales": 0.6, "product": 0.4}),
    ]
    here = check_in_elsewhere(sent)
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing shared
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        there = pool.submit(check_in_elsewhere, sent).result(timeout=120)
    assert there == here
    assert there["company"] == pytest.approx(0.5)


def test_naming_the_first_of_several_parents_keeps_that_link_alone() -> None:
    shared = Objective("C", id="c", parents={"a": 0.6, "b": 0.4}, parent_key_results={"a": "k"})
    first = attrs.evolve(shared, parent_id="a")
    assert dict(first.parents) == {"a": 0.6}
    assert first.parent_key_result_id == "k"
    assert dict(attrs.evolve(shared, parent_id="b").parents) == {"b": 0.4}


def test_asdict_shows_each_link_once_so_its_fields_can_be_changed() -> None:
    shared = Objective("C", id="c", parents={"a": 0.6, "b": 0.4})
    fields = attrs.asdict(shared, recurse=False)
    assert "parent_id" not in fields
    assert "alignment_weight" not in fields
    fields["parents"] = {"x": 1.0}
    moved = Objective(**fields)
    assert moved.parent_id == "x"
    assert dict(moved.parents) == {"x": 1.0}


@pytest.mark.parametrize("copier", [copy.deepcopy, lambda item: pickle.loads(pickle.dumps(item))])
def test_trees_policies_and_their_scores_survive_copies(copier: Any) -> None:
    policy = ScoringPolicy.named(rollup="key_results_and_children", day_of="utc")
    measured = KeyResult.metric("k", start=0, target=10, id="k").check_in(5, at=date(2026, 8, 1))
    tree = AlignmentTree(
        [Objective("A", [measured], id="a"), Objective("B", [measured], id="b", parent_id="a")],
        policy=policy,
    )
    assert copier(policy) == policy
    copied = copier(tree)
    assert copied.policy == policy
    scores = tree.score(date(2026, 9, 1))
    assert copied.score(date(2026, 9, 1))["a"].value == scores["a"].value == 0.5
    assert copier(scores)["b"].value == 0.5
