"""score_frames checks whole columns and reports what from_frames reports, as it words it."""

from __future__ import annotations

import math
from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrkpi import AlignmentError, ValidationError
from okrkpi.examples import example_objectives
from okrkpi.serde import Document
from okrkpi.tables import from_frames, score_frames, to_frames

SCORED = ("objectives", "key_results", "check_ins", "milestones", "plans")
FRAMES = to_frames(Document(tuple(example_objectives())), backend="polars")
TABLES = {name: FRAMES[name] for name in SCORED}


def problems_of(call):
    with pytest.raises(ValidationError) as raised:
        call()
    return sorted(str(problem) for problem in raised.value.problems)


def set_cell(frame, row, column, value, dtype=None):
    cell = pl.lit(value, dtype=dtype or frame.schema[column])
    return frame.with_columns(
        pl.when(pl.int_range(pl.len()) == row).then(cell).otherwise(pl.col(column)).alias(column)
    )


# Bad cells of the kinds both readers check, each in a row of its own.
CORRUPTIONS = [
    ("check_ins", "value", None),
    ("check_ins", "objective_id", "nowhere"),
    ("check_ins", "key_result_id", "nothing"),
    ("check_ins", "at", date(1850, 1, 1)),
    ("key_results", "kind", "guess"),
    ("key_results", "title", None),
    ("key_results", "weight", -1.0),
    ("objectives", "title", None),
    ("objectives", "id", "company"),
    ("milestones", "name", None),
    ("objectives", "commitment", "maybe"),
    ("objectives", "level", "galaxy"),
    ("check_ins", "confidence", 11.0),
    ("check_ins", "confidence", 0.5),  # a probability: refused with from_frames' hint
    ("key_results", "weight", math.inf),
]


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(CORRUPTIONS), st.integers(1, 5))
def test_the_problems_are_those_from_frames_reports(corruption, row):
    # One cause at a time: from_frames reads a key result's check-ins only once the
    # key result itself reads well, so causes in linked rows hide one another there.
    table, column, value = corruption
    frame = TABLES[table]
    tables = {**TABLES, table: set_cell(frame, 1 + row % (len(frame) - 1), column, value)}
    expected = problems_of(lambda: from_frames(**tables))
    assert problems_of(lambda: score_frames(date(2026, 8, 1), **tables)) == expected


def test_a_lazy_frame_with_bad_rows_gives_the_same_problems():
    check_ins = set_cell(TABLES["check_ins"], 4, "value", None)
    tables = {**TABLES, "check_ins": check_ins}
    lazy = {name: frame.lazy() for name, frame in tables.items()}
    expected = problems_of(lambda: from_frames(**tables))
    assert problems_of(lambda: score_frames(date(2026, 8, 1), **lazy)) == expected
    assert expected == ["check_ins[row 4].value: a value is required"]


def test_a_column_of_the_wrong_type_is_read_cell_by_cell_as_from_frames_reads_it():
    values = TABLES["check_ins"]["value"].to_list()
    text = [str(value) for value in values]
    text[2] = "a lot"
    pandas_tables = {name: frame.to_pandas() for name, frame in TABLES.items()}
    pandas_tables["check_ins"]["value"] = text
    expected = problems_of(lambda: from_frames(**pandas_tables))
    assert problems_of(lambda: score_frames(date(2026, 8, 1), **pandas_tables)) == expected
    assert expected == ["check_ins[row 2].value: expected a finite number, got 'a lot'"]


def test_a_lazy_column_of_the_wrong_type_is_refused_by_name():
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    relations = {name: connection.from_arrow(frame.to_arrow()) for name, frame in TABLES.items()}
    relations["check_ins"] = connection.from_arrow(
        TABLES["check_ins"].with_columns(pl.col("value").cast(pl.String)).to_arrow()
    )
    with pytest.raises(ValidationError, match="check_ins.value: expected a column of numbers"):
        score_frames(date(2026, 8, 1), **relations)


def test_a_polars_lazy_column_of_text_is_read_as_from_frames_reads_it():
    lazy = {name: frame.lazy() for name, frame in TABLES.items()}
    lazy["check_ins"] = lazy["check_ins"].with_columns(pl.col("value").cast(pl.String))
    got = score_frames(date(2026, 8, 1), **lazy).collect()
    assert got.equals(score_frames(date(2026, 8, 1), **TABLES))


def test_an_unknown_parent_is_the_trees_problem():
    objectives = set_cell(TABLES["objectives"], 1, "parent_id", "ghost")
    with pytest.raises(
        AlignmentError, match=r"objectives\['marketing'\].parent_id: unknown parent 'ghost'"
    ):
        score_frames(date(2026, 8, 1), **{**TABLES, "objectives": objectives})


def test_problems_past_the_limit_are_counted():
    check_ins = TABLES["check_ins"]
    many = pl.concat([check_ins] * 30).with_columns(pl.lit(None, dtype=pl.Float64).alias("value"))
    with pytest.raises(ValidationError) as raised:
        score_frames(date(2026, 8, 1), **{**TABLES, "check_ins": many})
    problems = raised.value.problems
    assert len(problems) == 101
    assert str(problems[-1]) == f"$: ... and {len(many) - 100:,} more problems"
    assert str(problems[0]) == "check_ins[row 0].value: a value is required"


def test_an_infinite_measure_cell_is_refused_only_for_the_kinds_that_read_it():
    kinds = TABLES["key_results"]["kind"].to_list()
    metric, other = kinds.index("metric"), next(i for i, k in enumerate(kinds) if k != "metric")
    refused = {**TABLES, "key_results": set_cell(TABLES["key_results"], metric, "start", math.inf)}
    expected = problems_of(lambda: from_frames(**refused))
    assert expected == [f"key_results[row {metric}].start: expected a finite number, got inf"]
    assert problems_of(lambda: score_frames(date(2026, 8, 1), **refused)) == expected
    ignored = {**TABLES, "key_results": set_cell(TABLES["key_results"], other, "start", math.inf)}
    from_frames(**ignored)  # a start cell is read for metrics only
    score_frames(date(2026, 8, 1), **ignored)


def links_of(rows):
    schema = {
        "objective_id": pl.String,
        "parent_id": pl.String,
        "weight": pl.Float64,
        "parent_key_result_id": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


# marketing: its parent_id (company) in the objectives row, or none (then a root weight
# of 1.0 beside alignments rows is refused too), and alignments rows.
LINK_FAULTS = {
    "to itself": (False, [("marketing", "company", 1.0), ("marketing", "marketing", 1.0)]),
    "twice": (False, [("marketing", "company", 1.0), ("marketing", "company", 2.0)]),
    "beside parent_id": (True, [("marketing", "company", 1.0), ("marketing", "product", 1.0)]),
    "all at 0": (False, [("marketing", "company", 0.0), ("marketing", "product", 0.0)]),
    "negative": (False, [("marketing", "company", -1.0), ("marketing", "product", 1.0)]),
    "no such objective": (True, [("nobody", "company", 1.0), ("nobody", "product", 1.0)]),
}


@pytest.mark.parametrize("fault", list(LINK_FAULTS))
def test_the_alignments_rows_problems_are_those_from_frames_reports(fault):
    keeps_parent, rows = LINK_FAULTS[fault]
    objectives = TABLES["objectives"]
    if not keeps_parent:
        marketing = objectives["id"].to_list().index("marketing")
        objectives = set_cell(objectives, marketing, "parent_id", None)
    alignments = links_of([(*row, None) for row in rows])
    tables = {**TABLES, "objectives": objectives, "alignments": alignments}
    expected = problems_of(lambda: from_frames(**tables))
    assert problems_of(lambda: score_frames(date(2026, 8, 1), **tables)) == expected
