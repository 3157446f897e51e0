"""Long-running use: threads, memory that stays flat, output linear in its input."""

from __future__ import annotations

import gc
import threading
import tracemalloc
from datetime import date, timedelta

import pytest

from helpers import JULY, Q3
from okrkpi import AlignmentTree, KeyResult, Objective
from okrkpi.display import render_tree, tree_html


def org(size: int) -> AlignmentTree:
    objectives = []
    for index in range(size):
        kr = KeyResult.metric("kr", start=0, target=100, id="kr").check_in(index % 90, at=JULY)
        parent = None if index == 0 else f"o{(index - 1) // 4}"
        objectives.append(Objective(f"o{index}", [kr], id=f"o{index}", parent_id=parent, cycle=Q3))
    return AlignmentTree(objectives)


def chain(depth: int) -> AlignmentTree:
    objectives = [
        Objective(
            f"n{index}",
            [KeyResult.metric("kr", start=0, target=10, id="kr")],
            id=f"n{index}",
            parent_id=None if index == 0 else f"n{index - 1}",
            cycle=Q3,
        )
        for index in range(depth)
    ]
    return AlignmentTree(objectives)


def snapshot(tree: AlignmentTree, day: date) -> tuple[dict[str, float], dict[str, str]]:
    scores = tree.score(day, rollup="children")
    return (
        {oid: scores.value(oid) for oid in scores},
        {oid: state.name for oid, state in tree.status(day).items()},
    )


# Coverage's tracer slows these threads 30-fold (0.5 s -> 15 s): the test runs in the
# untraced slow step, where it takes about a second.
@pytest.mark.slow
def test_threads_scoring_one_tree_while_another_checks_in_agree_with_one_thread():
    base = org(120)
    days = [JULY + timedelta(days=offset) for offset in range(0, 90, 9)]
    expected = {day: snapshot(base, day) for day in days}
    fresh = AlignmentTree(list(base))  # same objectives, nothing cached yet
    problems: list[str] = []
    stop = threading.Event()

    def score_repeatedly() -> None:
        for round_ in range(6):
            problems.extend(
                f"round {round_}, {day}" for day in days if snapshot(fresh, day) != expected[day]
            )

    def check_in_repeatedly() -> None:
        tree = fresh
        step = 0
        while not stop.is_set() and step < 400:
            tree = tree.check_in(f"o{step % 120}", "kr", float(step % 100), at=JULY)
            tree.score(JULY, rollup="children")
            step += 1

    writer = threading.Thread(target=check_in_repeatedly)
    readers = [threading.Thread(target=score_repeatedly) for _ in range(4)]
    writer.start()
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    stop.set()
    writer.join()
    assert problems == []


def _traced(action) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        kept = action()
        gc.collect()
        current, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del kept
    return current


@pytest.mark.slow
def test_memory_after_many_sequential_check_ins_stays_near_one_tree():
    def one_tree():
        tree = org(300)
        tree.score(JULY)
        return tree

    def after_check_ins(count: int):
        def run():
            tree = org(300)
            tree.score(JULY)
            for step in range(count):
                tree = tree.check_in(f"o{step % 300}", "kr", float(step % 100), at=JULY)
                tree.score(JULY)
            return tree

        return run

    single = _traced(one_tree)
    after_1k = _traced(after_check_ins(1_000))
    after_10k = _traced(after_check_ins(10_000))
    # What grows is the check-ins themselves (a value and a moment each, in shared
    # columns), not the trees: a kept tree would cost about a whole tree per check-in.
    per_check_in = (after_10k - after_1k) / 9_000
    assert per_check_in < 100
    assert after_10k < 3 * single


@pytest.mark.slow
def test_memory_stays_flat_however_many_dates_are_scored():
    def scored(count: int):
        def run():
            tree = org(40)
            for offset in range(count):
                tree.score(JULY + timedelta(days=offset % 3_000, hours=0))
                tree.score(date(2020, 1, 1) + timedelta(days=offset))
            return tree

        return run

    few = _traced(scored(20))
    many = _traced(scored(2_500))  # 5,000 distinct dates
    assert many < 1.5 * few


def test_a_tree_keeps_a_bounded_number_of_score_results():
    tree = org(20)
    for offset in range(200):
        tree.score(JULY + timedelta(days=offset))
    assert len(tree._cache) == 16


def test_rendering_a_deep_chain_is_linear_in_its_depth():
    shallow, deep = chain(300), chain(1_200)  # far deeper than the capped indent
    html_ratio = len(tree_html(deep)) / len(tree_html(shallow))
    text_ratio = len(render_tree(deep, as_of=JULY)) / len(render_tree(shallow, as_of=JULY))
    markdown_ratio = len(deep._repr_markdown_()) / len(shallow._repr_markdown_())
    for ratio in (html_ratio, text_ratio, markdown_ratio):
        assert 3.5 < ratio < 4.5
    assert "[1199]" in render_tree(deep, as_of=JULY)
