"""from_frames on typed frames: checked by whole columns, then built, as the cells read."""

from __future__ import annotations

import sys
from array import array
from datetime import UTC, date, datetime

import narwhals.stable.v2 as nw
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import helpers
from helpers import Q3, from_frames_cell_by_cell, other_kinds_checked_in
from okrkpi import Initiative, KeyResult, Objective, ValidationError
from okrkpi._edges import tables as cell_reader
from okrkpi._model.history import CheckIns
from okrkpi.serde import Document
from okrkpi.tables import from_frames, to_frames
from okrkpi.testing import objectives

SCORED = ("objectives", "alignments", "key_results", "check_ins", "milestones", "plans")


def refuse_cell_by_cell(monkeypatch):
    def refuse(*arguments):
        raise AssertionError("the tables were read cell by cell")

    monkeypatch.setattr(cell_reader, "_document", refuse)


@pytest.fixture
def typed_only(monkeypatch):
    """Fail a test whose tables reach the cell-by-cell reader."""
    refuse_cell_by_cell(monkeypatch)


def dated_kinds() -> Document:
    """Every kind of key result checked in on days, links to several parents, initiatives."""
    key_results = [
        KeyResult.metric(
            "Revenue", start=0, target=100, id="revenue", plan=[(date(2026, 8, 31), 20)]
        )
        .check_in(10, at=date(2026, 7, 10), confidence=7, note="slow start")
        .check_in(30, at=date(2026, 8, 3))
        .check_in(25, at=date(2026, 7, 20)),
        KeyResult.metric("Churn", start=9, target=3, id="churn", weight=2).check_in(
            5, at=date(2026, 7, 31)
        ),
        *other_kinds_checked_in(),
        KeyResult.metric("Unmeasured", start=0, target=1, id="unmeasured", owner=" Ann "),
    ]
    grow = Objective(
        " Grow ",
        key_results,
        id="grow",
        owner="ceo",
        level="company",
        commitment="committed",
        cycle=Q3,
        closed_on=date(2026, 10, 2),
        initiatives=[
            Initiative("Referrals", status="in_progress", progress=0.5, key_result_ids=["revenue"])
        ],
    )
    sell = Objective(
        "Sell",
        [KeyResult.binary("Deal", id="deal")],
        id="sell",
        parent_id="grow",
        parent_key_result_id="revenue",
        cycle="FY2027",
        alignment_weight=2,
    )
    shared = Objective(
        "Shared",
        [
            KeyResult.metric("Leads", start=0, target=10, id="leads").check_in(
                4, at=date(2026, 8, 1)
            )
        ],
        id="shared",
        parents={"grow": 0.5, "sell": 1.5},
        parent_key_results={"sell": "deal"},
        carried_over_from="old",
    )
    old = Objective("Old", [KeyResult.binary("Done", id="done")], id="old")
    return Document((grow, sell, shared, old))


def scored_tables(document: Document, backend: str) -> dict:
    frames = to_frames(document, backend=backend)
    return {name: frames[name] for name in (*SCORED, "initiatives")}


@pytest.mark.parametrize("backend", ["polars", "pyarrow"])
def test_typed_frames_are_built_without_reading_a_cell_alone(backend, typed_only):
    document = dated_kinds()
    assert from_frames(**scored_tables(document, backend)) == document


def test_a_check_ins_rows_in_any_order_make_one_history():
    document = dated_kinds()
    frames = scored_tables(document, "polars")
    frames["check_ins"] = frames["check_ins"].reverse()
    assert from_frames(**frames) == document


def test_a_table_without_check_ins_builds_key_results_without_history(typed_only):
    frames = scored_tables(dated_kinds(), "polars")
    frames["check_ins"] = frames["check_ins"].clear()
    built = from_frames(**frames)
    key_results = [kr for objective in built.objectives for kr in objective.key_results]
    assert len(key_results) == 11
    assert not any(kr.check_ins for kr in key_results)


def test_text_confidences_are_read_as_the_cells_read_them(monkeypatch):
    frames = scored_tables(dated_kinds(), "polars")
    # Text, as a database keeps it (schema_sql): "7", and a rating below one point.
    frames["check_ins"] = frames["check_ins"].with_columns(
        pl.when(pl.col("value") == 30.0)
        .then(pl.lit("0.5/10"))
        .otherwise(pl.col("confidence").cast(pl.String))
        .alias("confidence")
    )
    expected = from_frames_cell_by_cell(**frames)
    refuse_cell_by_cell(monkeypatch)
    built = from_frames(**frames)
    assert built == expected
    revenue = built.objectives[0].key_results[0].check_ins
    assert [c.confidence and c.confidence.value for c in revenue] == [7.0, None, 0.5]


def test_text_days_are_read_with_date_format(monkeypatch):
    frames = scored_tables(dated_kinds(), "polars")
    frames["objectives"] = frames["objectives"].with_columns(
        pl.col("closed_on").dt.strftime("%m/%d/%Y")
    )
    expected = from_frames_cell_by_cell(**frames, date_format="%m/%d/%Y")
    refuse_cell_by_cell(monkeypatch)
    built = from_frames(**frames, date_format="%m/%d/%Y")
    assert built == expected == dated_kinds()


@pytest.mark.parametrize("backend", ["polars", "pyarrow"])
def test_days_stored_as_midnight_time_stamps_are_read_by_whole_columns(backend, monkeypatch):
    # As a database keeps them (TIMESTAMP columns, read into arrow or polars).
    document = dated_kinds()
    frames = scored_tables(document, "polars")
    for table, column in (("check_ins", "at"), ("plans", "at"), ("objectives", "closed_on")):
        frames[table] = frames[table].with_columns(pl.col(column).cast(pl.Datetime("us")))
    if backend == "pyarrow":
        frames = {name: frame.to_arrow() for name, frame in frames.items()}
    refuse_cell_by_cell(monkeypatch)
    assert from_frames(**frames) == document


def test_pandas_frames_are_read_cell_by_cell():
    # A missing cell there is NaN or NA as often as None: the cell reader knows each.
    document = dated_kinds()
    frames = {name: frame.to_pandas() for name, frame in scored_tables(document, "polars").items()}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "okrkpi._edges.columnar.reading.check_tables",
            lambda *arguments, **options: pytest.fail("checked by whole columns"),
        )
        assert from_frames(**frames) == document


@pytest.mark.parametrize("moment", [datetime(2026, 8, 3, 9, 30), datetime(2026, 8, 3, tzinfo=UTC)])
def test_date_times_are_read_cell_by_cell_with_their_time(moment):
    document = Document(
        (Objective("Grow", [KeyResult.binary("Launch", id="launch").check_in(True, at=moment)]),)
    )
    frames = scored_tables(document, "polars")
    frames["check_ins"] = frames["check_ins"].with_columns(pl.Series("at", [moment]))
    assert from_frames(**frames) == document


def test_checked_columns_are_read_as_they_are_asked_for():
    from okrkpi._edges.columnar.reading import _CheckedColumns

    frame = nw.from_native(pl.DataFrame({"id": ["a", "b"], "weight": [1.0, None]}))
    columns = _CheckedColumns(frame)
    assert len(columns) == 2
    assert "note" not in columns
    assert dict(columns) == {"id": ["a", "b"], "weight": [1.0, None]}


def test_a_bad_cell_of_a_typed_frame_is_named_as_the_cells_name_it(typed_only):
    frames = scored_tables(dated_kinds(), "polars")
    frames["objectives"] = frames["objectives"].with_columns(
        pl.when(pl.col("id") == "sell")
        .then(pl.lit(date(1850, 1, 1)))
        .otherwise("closed_on")
        .alias("closed_on"),
        pl.when(pl.col("id") == "old")
        .then(-1.0)
        .otherwise("alignment_weight")
        .alias("alignment_weight"),
    )
    with pytest.raises(ValidationError) as raised:
        from_frames(**frames)
    assert [str(problem) for problem in raised.value.problems] == [
        (
            "objectives[row 1].closed_on: expected a date between 1900-01-01 and 2199-12-31, "
            "got datetime.date(1850, 1, 1)"
        ),
        "objectives[row 3].alignment_weight: expected a number >= 0, got -1.0",
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(objectives(), max_size=4, unique_by=lambda o: o.id),
    st.sampled_from(["polars", "pyarrow"]),
)
def test_any_document_of_typed_frames_reads_as_the_cells_read(items, backend):
    document = Document(tuple(items))
    frames = scored_tables(document, backend)
    assert from_frames_cell_by_cell(**frames) == document
    days = pl.from_arrow(frames["check_ins"]) if backend == "pyarrow" else frames["check_ins"]
    with pytest.MonkeyPatch.context() as patch:
        if days.schema["at"] in (pl.Date, pl.Null):  # no time of day: read by whole columns
            refuse_cell_by_cell(patch)
        assert from_frames(**frames) == document


def test_a_history_of_checked_days_equals_one_read_from_columns():
    days = [date(2026, 7, 1), date(2026, 7, 1), date(2026, 8, 2)]
    checked = CheckIns._of_checked_days(
        array("d", [1.0, 2.0, 3.5]), array("i", [day.toordinal() for day in days]), "k"
    )
    assert checked == CheckIns.from_columns([1.0, 2.0, 3.5], days, owner="k")
    assert checked.latest_value(date(2026, 7, 1)) == 2.0
    empty = CheckIns._of_checked_days(array("d"), array("i"), "k")
    assert empty == CheckIns()
    assert not empty


def test_columns_become_machine_words_without_numpy(monkeypatch):
    from okrkpi._edges.columnar.reading import _machine_words

    series = nw.from_native(pl.Series("value", [1.5, -2.0]), series_only=True)
    with_numpy = _machine_words(series, "d")
    monkeypatch.setitem(sys.modules, "numpy", None)  # import numpy now raises ImportError
    assert _machine_words(series, "d") == with_numpy == array("d", [1.5, -2.0])


def test_a_lazy_frame_among_eager_ones_is_collected_and_read():
    frames = scored_tables(dated_kinds(), "polars")
    mixed = {**frames, "objectives": frames["objectives"].lazy()}
    assert from_frames(**mixed) == from_frames(**frames)


@pytest.mark.parametrize(
    ("column", "cell"),
    [("target", 0.0), ("cycle_kind", "galaxy")],  # a model's check, then a cell's
)
def test_a_rule_the_column_checks_missed_is_reported_as_the_cells_report_it(
    monkeypatch, column, cell
):
    # The model is built through its own checks: were a whole-column check missing, the
    # tables are read again cell by cell and refused in that reader's words.
    from okrkpi._edges.columnar import reading

    frames = scored_tables(dated_kinds(), "polars")
    table = "key_results" if column == "target" else "objectives"
    first_row = pl.int_range(pl.len()) == 0
    frames[table] = frames[table].with_columns(
        pl.when(first_row).then(pl.lit(cell)).otherwise(pl.col(column)).alias(column)
    )
    with pytest.raises(ValidationError) as expected:
        from_frames_cell_by_cell(**frames)
    monkeypatch.setattr(reading, "check_tables", lambda *arguments, **options: None)
    with pytest.raises(ValidationError) as raised:
        from_frames(**frames)
    assert raised.value.problems == expected.value.problems
    assert raised.value.problems[0].path.startswith(f"{table}[row 0]")


def test_a_note_of_spaces_and_categorical_text_are_read_as_written(monkeypatch):
    frames = scored_tables(dated_kinds(), "polars")
    frames["check_ins"] = frames["check_ins"].with_columns(
        pl.when(pl.col("value") == 30.0).then(pl.lit("   ")).otherwise("note").alias("note")
    )
    frames["objectives"] = frames["objectives"].with_columns(pl.col("title").cast(pl.Categorical))
    expected = from_frames_cell_by_cell(**frames)
    refuse_cell_by_cell(monkeypatch)
    built = from_frames(**frames)
    assert built == expected
    assert built.objectives[0].title == " Grow "
    assert [c.note for c in built.objectives[0].key_results[0].check_ins] == [
        "slow start",
        "",
        "   ",
    ]


def test_tables_of_several_libraries_are_read_cell_by_cell():
    frames = scored_tables(dated_kinds(), "polars")
    frames["objectives"] = frames["objectives"].to_arrow()
    assert from_frames(**frames) == dated_kinds()


def listed_by_key_result() -> dict[str, pl.DataFrame]:
    """Two objectives of two metrics, five check-ins apiece, listed key result by key result."""
    frames = to_frames(Document(tuple(helpers.listed_by_key_result(2, 5))), backend="polars")
    return {name: frames[name] for name in SCORED if name in frames}


@pytest.mark.parametrize(
    "case",
    [
        "as listed",  # runs in the key results' order, each in time order: no join, no sort
        "each run latest first",  # sorted, run by run
        "key results reversed",  # each run's first row joined
        "rows interleaved",  # short runs: every row joined, then sorted
    ],
)
def test_check_ins_listed_key_result_by_key_result_read_as_cell_by_cell(case, monkeypatch):
    frames = listed_by_key_result()
    check_ins = frames["check_ins"]
    if case == "each run latest first":
        frames["check_ins"] = check_ins.reverse().sort("key_result_id", maintain_order=True)
        frames["check_ins"] = frames["check_ins"].sort("objective_id", maintain_order=True)
    elif case == "key results reversed":
        frames["key_results"] = frames["key_results"].reverse()
    elif case == "rows interleaved":
        frames["check_ins"] = check_ins.sort(pl.int_range(pl.len()) % 5, maintain_order=True)
    expected = from_frames_cell_by_cell(**frames)
    refuse_cell_by_cell(monkeypatch)
    assert from_frames(**frames) == expected
