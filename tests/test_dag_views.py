"""A graph in front of people: text, HTML, Markdown, records, charts and the review."""

from datetime import date

import pytest

from okrkpi import AlignmentTree, KeyResult, Objective, review
from okrkpi.display import render_tree, to_records, tree_html
from okrkpi.plot import progress_over_time, status_doughnut, timeline

AS_OF = date(2026, 8, 15)


def objective(oid, parents=(), value=50, **fields):
    kr = KeyResult.metric(f"{oid} kr", start=0, target=100, id="kr")
    kr = kr.check_in(value / 2, at=date(2026, 7, 3)).check_in(value, at=date(2026, 8, 10))
    return Objective(oid.title(), [kr], id=oid, parents=parents, cycle="2026-Q3", **fields)


@pytest.fixture
def graph():
    return AlignmentTree(
        [
            objective("company", value=10),
            objective("sales", ["company"], 30),
            objective("product", ["company"], 70),
            objective("platform", {"sales": 0.6, "product": 0.4}, 50),
            objective("api", ["platform"], 40),
            objective("deals", ["sales"], 20),
        ]
    )


def test_text_shows_a_shared_objective_under_each_parent_its_subtree_once(graph):
    lines = render_tree(graph, as_of=AS_OF).splitlines()
    assert sum("Platform" in line for line in lines) == 2
    assert sum(line.strip().startswith("Api ") for line in lines) == 1
    first = next(line for line in lines if line.strip().startswith("Platform"))
    again = [line for line in lines if line.strip().startswith("Platform")][1]
    assert first.startswith("    Platform")
    assert first.endswith("[shared with Product]")
    assert again.startswith("    Platform")
    assert again.endswith("[shared: shown in full under Sales]")
    assert lines.index(again) == len(lines) - 1  # under Product, without its key result
    assert "- platform kr" in lines[lines.index(first) + 1]


def test_a_tree_of_single_parents_shows_no_marker(graph):
    tree = graph.subtree("sales")
    assert "shared" not in render_tree(tree, as_of=AS_OF)
    assert "shared" not in tree_html(tree, as_of=AS_OF)
    assert "shared" not in tree._repr_markdown_()


def test_html_and_markdown_mark_the_shared_objective(graph):
    html = tree_html(graph, as_of=AS_OF)
    assert html.count("<strong>Platform</strong>") == 2
    assert html.count("&bull; platform kr") == 1
    assert '<span class="okrkpi-shared"' in html
    assert "(shared with Product)" in html
    assert "(shared: shown in full under Sales)" in html
    markdown = graph._repr_markdown_().splitlines()
    assert markdown[0].startswith("_As of ")  # the one day every score is as of
    assert markdown[0].endswith(", the latest check-in_")
    assert markdown[4] == "    - **Platform** 0.50 Yellow _(shared with Product)_"
    assert markdown[-1] == "    - **Platform** 0.50 Yellow _(shared: shown in full under Sales)_"


def test_many_other_parents_are_counted_past_three():
    parents = [f"p{i}" for i in range(6)]
    tree = AlignmentTree([*(objective(p) for p in parents), objective("s", parents)])
    shown = render_tree(tree, as_of=AS_OF)
    assert "[shared with P1, P2, P3 and 2 more]" in shown
    assert shown.count("[shared: shown in full under P0]") == 5


def test_records_name_every_parent_in_a_list_as_ids_may_hold_any_character():
    tree = AlignmentTree(
        [
            objective("top"),
            objective("semi;colon", ["top"]),
            objective("other", ["top"]),
            objective("shared", {"semi;colon": 1, "other": 1}),
        ]
    )
    records = {row["objective_id"]: row for row in to_records(tree, as_of=AS_OF)}
    assert records["shared"]["parent_ids"] == ["semi;colon", "other"]
    assert records["shared"]["parent_id"] == "semi;colon"  # the first, as Objective reads
    assert (records["semi;colon"]["parent_id"], records["semi;colon"]["parent_ids"]) == (
        "top",
        ["top"],
    )
    assert (records["top"]["parent_id"], records["top"]["parent_ids"]) == (None, [])


def test_a_shared_objective_is_in_full_under_the_first_parent_the_walk_reaches():
    tree = AlignmentTree(
        [
            objective("company"),
            objective("sales", ["company"]),
            objective("product", ["company"]),
            objective("platform", {"product": 0.4, "sales": 0.6}),  # product named first
        ]
    )
    lines = render_tree(tree, as_of=AS_OF).splitlines()
    full = next(line for line in lines if "Platform" in line and "shared with" in line)
    assert "shared with Product" in full  # in full under Sales, the first reached
    assert any("shown in full under Sales" in line for line in lines)
    for view in (render_tree, tree_html):
        assert "the first parent the walk reaches" in " ".join(view.__doc__.split())


def test_a_subtree_of_a_graph_keeps_the_order_of_siblings():
    tree = AlignmentTree(
        [
            objective("c"),
            objective("s", ["c"]),
            objective("p", ["c"]),
            objective("y", {"c": 1, "s": 1}),
        ]
    )
    assert [o.id for o in tree.children("c")] == ["s", "p", "y"]
    assert [o.id for o in tree.subtree("c").children("c")] == ["s", "p", "y"]


def test_charts_count_a_shared_objective_once(graph):
    doughnut = status_doughnut(graph, as_of=AS_OF)
    assert doughnut.total == len(graph) == 6
    bars = timeline(graph, as_of=AS_OF)
    assert [row["label"] for row in bars.data].count("Platform") == 1
    lines = progress_over_time(graph, [date(2026, 7, 15), AS_OF])
    assert {row["objective_id"] for row in lines.data} == {o.id for o in graph}
    assert len(lines.data) == 2 * len(graph)


def test_the_review_lists_a_shared_objective_once(graph):
    changed = graph.check_in("platform", "kr", 90, at=date(2026, 8, 14))
    made = review(changed, since=date(2026, 8, 1), as_of=AS_OF)
    movers = [mover.objective_id for mover in made.movers]
    assert movers.count("platform") == 1
    page = made.to_html(charts=True)
    assert "Platform" in page
    assert "Platform" in made.to_text()
