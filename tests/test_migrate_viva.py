"""The Viva Goals recipe of docs/how-to/viva-goals.md, run on a sample export in tests/data."""

import contextlib
import io
import pathlib
import re

import pandas as pd
import pytest

from okrkpi import AlignmentTree, ValidationError
from okrkpi.tables import to_rows

ROOT = pathlib.Path(__file__).parent.parent
SAMPLE = pathlib.Path(__file__).parent / "data" / "viva_goals_export.csv"
PAGE = (ROOT / "docs" / "how-to" / "viva-goals.md").read_text()


def recipe():
    """The page's code, run once: its function is the recipe under test."""
    namespace: dict[str, object] = {"__name__": "viva_recipe"}
    with contextlib.redirect_stdout(io.StringIO()):  # the page prints what it shows
        for block in re.findall(r"```python\n(.*?)```", PAGE, re.DOTALL):
            exec(compile(block, "viva-goals.md", "exec"), namespace)
    return namespace


RECIPE = recipe()
from_viva_goals = RECIPE["from_viva_goals"]


def sample(text=None):
    return pd.read_csv(io.StringIO(SAMPLE.read_text() if text is None else text), dtype=str)


def by_title(document):
    return {objective.title: objective for objective in document.objectives}


def test_the_page_shows_the_sample_export():
    assert RECIPE["viva_export"] == SAMPLE.read_text()


def test_every_parent_named_in_the_parent_okr_column_becomes_a_link():
    objectives = by_title(from_viva_goals(sample()))
    assert objectives["Make the platform fast"].parents == {"row-4": 1.0, "row-6": 1.0}
    assert objectives["Win more deals"].parents == {"row-2": 1.0}
    assert objectives["Grow the business"].parents == {}
    assert objectives["Hire two platform engineers"].parents == {"row-8": 1.0}
    assert [kr.title for kr in objectives["Make the platform fast"].key_results] == [
        "Cut p95 latency to 300 ms"
    ]


def test_the_shared_objective_counts_in_both_parents_and_once_in_the_company():
    tree = AlignmentTree(from_viva_goals(sample()).objectives)
    scores = tree.score(rollup="key_results_and_children")
    hire = 1 / 2
    fast = 0.5 * (500 - 800) / (300 - 800) + 0.5 * hire
    deals = 0.5 * 22 / 40 + 0.5 * fast
    adoption = 0.5 * (3500 - 2000) / 3000 + 0.5 * fast
    company = 0.5 * (1.2 - 1.0) / 0.4 + 0.5 * (deals + adoption) / 2
    assert scores.value("row-8") == pytest.approx(fast)
    assert scores.value("row-4") == pytest.approx(deals)
    assert scores.value("row-6") == pytest.approx(adoption)
    assert scores.value("row-2") == pytest.approx(company)
    shares = tree.contributions("row-2", rollup="key_results_and_children")
    assert shares == pytest.approx(
        {"row-2": 0.5, "row-4": 0.125, "row-6": 0.125, "row-8": 0.125, "row-10": 0.125}
    )


def test_another_delimiter_reads_the_same():
    text = SAMPLE.read_text().replace("Win more deals; Grow", "Win more deals | Grow")
    document = from_viva_goals(sample(text), delimiter="|")
    assert by_title(document)["Make the platform fast"].parents == {"row-4": 1.0, "row-6": 1.0}


def test_a_parent_no_objective_has_or_two_share_is_refused_on_its_row():
    typo = SAMPLE.read_text().replace("Win more deals; Grow", "Win more deal; Grow")
    with pytest.raises(ValidationError) as caught:
        from_viva_goals(sample(typo))
    assert str(caught.value.problems[0]) == (
        "alignments[row 2].parent_id: no objective has the title 'Win more deal'"
    )
    twice = SAMPLE.read_text() + (
        "Grow product adoption,Objective,eve@example.com,Q3 2026,2026-07-01,2026-09-30,,,,,\n"
    )
    with pytest.raises(ValidationError, match=r"alignments\[row 3\].parent_id: 'Grow product"):
        from_viva_goals(sample(twice))


def test_the_migrated_graph_writes_one_alignments_row_per_link_of_the_shared_objective():
    rows = to_rows(from_viva_goals(sample()))
    assert [(row["objective_id"], row["parent_id"]) for row in rows["alignments"]] == [
        ("row-8", "row-4"),
        ("row-8", "row-6"),
    ]
    assert {row["id"]: row["parent_id"] for row in rows["objectives"]} == {
        "row-2": None, "row-4": "row-2", "row-6": "row-2", "row-8": None, "row-10": "row-8"
    }  # fmt: skip
