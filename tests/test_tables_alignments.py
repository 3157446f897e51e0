"""The alignments table: an objective's several parents, one row per link."""

from datetime import date

import pandas as pd
import pytest
from hypothesis import given

from helpers import run_cli
from okrkpi import AlignmentTree, KeyResult, Objective, ValidationError
from okrkpi.serde import Document
from okrkpi.tables import TABLES, from_frames, from_rows, to_csv, to_frames, to_rows
from okrkpi.testing import dags

AS_OF = date(2026, 8, 15)


def objective(oid, parents=(), **fields):
    kr = KeyResult.metric("kr", start=0, target=100, id="kr").check_in(50, at=date(2026, 7, 3))
    return Objective(oid.title(), [kr], id=oid, parents=parents, cycle="2026-Q3", **fields)


SHARED = Document(
    (
        objective("company"),
        objective("sales", ["company"]),
        objective("product", {"company": 2}, parent_key_results={"company": "kr"}),
        objective("platform", {"sales": 0.6, "product": 0.4}, parent_key_results={"product": "kr"}),
    )
)


def rows_of(**tables):
    return {"objectives": [], "alignments": [], **tables}


def test_tables_documents_the_alignments_table():
    assert list(TABLES["alignments"]) == [
        "objective_id",
        "parent_id",
        "weight",
        "parent_key_result_id",
    ]
    assert TABLES["alignments"]["objective_id"].startswith("*")
    assert TABLES["alignments"]["parent_id"].startswith("*")


def test_several_parents_are_written_as_alignments_rows_and_read_back():
    rows = to_rows(SHARED)
    assert rows["alignments"] == [
        {
            "objective_id": "platform",
            "parent_id": "sales",
            "weight": 0.6,
            "parent_key_result_id": None,
        },
        {
            "objective_id": "platform",
            "parent_id": "product",
            "weight": 0.4,
            "parent_key_result_id": "kr",
        },
    ]
    platform = rows["objectives"][3]
    assert (
        platform["parent_id"],
        platform["parent_key_result_id"],
        platform["alignment_weight"],
    ) == (
        None,
        None,
        None,
    )
    product = rows["objectives"][2]  # one parent: the objectives row, as ever
    assert (product["parent_id"], product["parent_key_result_id"], product["alignment_weight"]) == (
        "company",
        "kr",
        2.0,
    )
    assert from_rows(rows) == SHARED
    for backend in ("pandas", "polars", "pyarrow"):
        assert from_frames(**to_frames(SHARED, backend=backend)) == SHARED


def test_a_one_parent_document_has_an_empty_alignments_table():
    one = Document((objective("company"), objective("team", ["company"])))
    rows = to_rows(one)
    assert rows["alignments"] == []
    assert rows["objectives"][1]["parent_id"] == "company"
    assert list(to_frames(one)["alignments"].columns) == list(TABLES["alignments"])


@given(dags(max_objectives=8))
def test_any_graph_survives_the_tables(tree):
    document = Document(tuple(tree))
    assert from_rows(to_rows(document)) == document


def test_the_parent_id_column_and_alignments_rows_combine():
    document = from_rows(
        rows_of(
            objectives=[
                {"id": "a", "title": "A"},
                {"id": "b", "title": "B"},
                {"id": "s", "title": "S", "parent_id": "a", "alignment_weight": 3},
            ],
            alignments=[{"objective_id": "s", "parent_id": "b", "weight": "1.5"}],
        )
    )
    assert document.objectives[2].parents == {"a": 3.0, "b": 1.5}
    assert list(document.objectives[2].parents) == ["a", "b"]  # the parent_id column first
    only = from_rows(
        rows_of(
            objectives=[{"id": "a", "title": "A"}, {"id": "s", "title": "S"}],
            alignments=[{"objective_id": "s", "parent_id": "a"}],
        )
    )
    assert only.objectives[1].parents == {"a": 1.0}


def test_every_bad_alignments_cell_is_reported_at_once():
    with pytest.raises(ValidationError) as caught:
        from_rows(
            rows_of(
                objectives=[
                    {"id": "a", "title": "A"},
                    {"id": "b", "title": "B"},
                    {"id": "s", "title": "S", "parent_id": "a"},
                    {"id": "z", "title": "Z"},
                    {"id": "r", "title": "R", "alignment_weight": 2},
                ],
                alignments=[
                    {"objective_id": "s", "parent_id": "b", "weight": "heavy"},
                    {"objective_id": "s", "parent_id": "b"},
                    {"objective_id": "s", "parent_id": "b"},
                    {"objective_id": "s", "parent_id": "a"},
                    {"objective_id": "nowhere", "parent_id": "a"},
                    {"objective_id": "z", "parent_id": "z"},
                    {"objective_id": "z", "parent_id": "a", "weight": -1},
                    {"objective_id": "z", "parent_id": "b", "weight": 0},
                    {"objective_id": "z", "parent_id": "s", "weight": 0},
                    {"objective_id": "r", "parent_id": "a"},
                    {"parent_id": "a"},
                ],
            )
        )
    assert [str(problem) for problem in caught.value.problems] == [
        "alignments[row 4].objective_id: no objective has the id 'nowhere'",
        "alignments[row 0].weight: expected a finite number, got 'heavy'",
        "alignments[row 1].parent_id: 'b' is already row 0's parent of objective 's'",
        "alignments[row 2].parent_id: 'b' is already row 0's parent of objective 's'",
        "alignments[row 5].parent_id: aligned to itself ('z')",
        "alignments[row 6].weight: expected a number >= 0, got -1.0",
        "alignments[row 10].objective_id: a value is required",
        "alignments[row 3].parent_id: 'a' is already objectives row 2's parent_id",
        "alignments[row 7].weight: every link weighs 0: at least one weight > 0",
        "alignments[row 8].weight: every link weighs 0: at least one weight > 0",
        (
            "objectives[row 4].alignment_weight: expected no weight here, got 2.0: the "
            "alignments rows give its links' weights"
        ),
    ]


def test_alignments_link_by_title_too():
    document = from_rows(
        rows_of(
            objectives=[
                {"id": "a", "title": "Grow"},
                {"id": "b", "title": "Delight"},
                {"id": "s", "title": "Platform"},
            ],
            alignments=[
                {"objective_id": "Platform", "parent_id": "Grow", "weight": 2},
                {"objective_id": "Platform", "parent_id": "Delight"},
            ],
        ),
        link_objectives_by="title",
    )
    assert document.objectives[2].parents == {"a": 2.0, "b": 1.0}


def test_a_parent_key_result_per_link_is_checked_by_the_tree():
    document = from_rows(
        rows_of(
            objectives=[
                {"id": "a", "title": "A"},
                {"id": "b", "title": "B"},
                {"id": "s", "title": "S"},
            ],
            alignments=[
                {"objective_id": "s", "parent_id": "a", "parent_key_result_id": "missing"},
                {"objective_id": "s", "parent_id": "b"},
            ],
        )
    )
    with pytest.raises(ValidationError, match=r"parent_key_results\['a'\]: 'a' has no key result"):
        AlignmentTree(document.objectives)


def test_a_folder_of_csv_files_with_alignments_scores_on_the_command_line(tmp_path):
    to_csv(SHARED, tmp_path)
    assert (tmp_path / "alignments.csv").read_text().splitlines() == [
        "objective_id,parent_id,weight,parent_key_result_id",
        "platform,sales,0.6,",
        "platform,product,0.4,kr",
    ]
    result = run_cli("score", str(tmp_path), "--as-of", AS_OF.isoformat())
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("Platform" in line and "[shared with Product]" in line for line in lines)
    assert any(
        "Platform" in line and "[shared: shown in full under Sales]" in line for line in lines
    )


def test_a_folder_with_a_repeated_link_is_refused_naming_the_line(tmp_path):
    to_csv(SHARED, tmp_path)
    path = tmp_path / "alignments.csv"
    path.write_text(path.read_text() + "platform,sales,2,\n")
    result = run_cli("score", str(tmp_path), "--as-of", AS_OF.isoformat())
    assert result.returncode != 0
    assert "alignments.csv line 4" in result.stderr
    assert "'sales' is already line 2's" in result.stderr


def test_a_frame_with_missing_cells_reads_them_as_defaults():
    frames = to_frames(SHARED)
    alignments = frames["alignments"].copy()
    alignments.loc[0, "weight"] = pd.NA
    document = from_frames(**{**frames, "alignments": alignments})
    assert document.objectives[3].parents == {"sales": 1.0, "product": 0.4}
