"""`okrkpi.tables.to_csv`: a folder the command line reads back, safe to open in Excel."""

import csv
import json
from datetime import date, datetime

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from helpers import run_cli
from okrkpi import KeyResult, Objective, ValidationError
from okrkpi._edges.cli import _read
from okrkpi.examples import example_kpis, example_objectives
from okrkpi.serde import Document, dumps
from okrkpi.tables import TABLES, to_csv, to_rows
from test_tables import every_kind
from test_tables_trust import documents_with_moments

EXAMPLE = Document(tuple(example_objectives()), tuple(example_kpis()))
FORMULAS = ["=1+2", "+1", "-1", "@SUM(A1)", "\t=cmd", "\r=cmd"]


def hostile_document():
    """Text a spreadsheet would run, and data that starts with an apostrophe."""
    kr = KeyResult.metric("-5% churn", start=-10, target=-2.5, id="-k").check_in(
        -7.5, at=date(2026, 7, 3), note='@channel =HYPERLINK("http://x")'
    )
    kr = kr.check_in(-1e-05, at=datetime(2026, 7, 4), note="'=quoted by its author")
    return Document(
        (
            Objective("=cmd|' /C calc'!A0", [kr], id="+o", owner="''-two apostrophes"),
            Objective("+plain", id="'plain", owner="'"),
        ),
        EXAMPLE.kpis,
    )


def cells(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_every_table_is_written_in_the_order_of_its_columns(tmp_path):
    written = to_csv(EXAMPLE, tmp_path / "okrs")
    assert list(written) == list(TABLES)
    for table, path in written.items():
        rows = cells(path)
        assert rows[0] == list(TABLES[table])
        assert len(rows) == 1 + len(to_rows(EXAMPLE)[table])  # empty tables: the header alone
    assert not list((tmp_path / "okrs").glob(".*"))  # no draft left behind


def test_excel_safe_neutralises_formulas_but_never_numbers(tmp_path):
    written = to_csv(hostile_document(), tmp_path / "safe", excel_safe=True)
    objectives = cells(written["objectives"])
    assert objectives[1][:2] == ["'+o", "'=cmd|' /C calc'!A0"]
    assert objectives[2][:2] == ["'plain", "'+plain"]  # an apostrophe before text: as it is
    key_results = cells(written["key_results"])[1]
    assert key_results[:3] == ["'+o", "'-k", "'-5% churn"]
    assert key_results[4:6] == ["-10.0", "-2.5"]  # numbers stay numbers, negative or not
    check_ins = cells(written["check_ins"])
    assert [row[3] for row in check_ins[1:]] == ["-7.5", "-1e-05"]
    assert [row[5] for row in check_ins[1:]] == [
        '\'@channel =HYPERLINK("http://x")',
        "''=quoted by its author",
    ]
    for row in [*objectives, *check_ins]:
        for cell in row:
            assert not cell or cell[0] not in "=+@\t\r", cell


def test_without_excel_safe_only_the_data_s_own_apostrophes_are_doubled(tmp_path):
    written = to_csv(hostile_document(), tmp_path / "plain")
    assert cells(written["objectives"])[1][:2] == ["+o", "=cmd|' /C calc'!A0"]
    assert cells(written["check_ins"])[2][5] == "''=quoted by its author"


@pytest.mark.parametrize("excel_safe", [False, True])
def test_the_command_line_reads_the_folder_back_as_the_same_document(tmp_path, excel_safe):
    for document in (hostile_document(), every_kind(), EXAMPLE):
        folder = tmp_path / f"{excel_safe}-{len(document.objectives)}"
        to_csv(document, folder, excel_safe=excel_safe)
        assert _read(folder, 10**6) == document


def test_scores_from_the_folder_are_those_of_the_document(tmp_path):
    folder = tmp_path / "okrs"
    to_csv(every_kind(), folder, excel_safe=True, encoding="utf-8-sig")
    assert (folder / "objectives.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    path = tmp_path / "okrs.json"
    path.write_text(dumps(every_kind()))
    scored = [
        json.loads(
            run_cli("score", str(source), "--as-of", "2026-08-15", "--format", "json").stdout
        )
        for source in (folder, path)
    ]
    assert scored[0] == scored[1]


TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12
).filter(lambda text: text == text.strip())
STARTS = st.sampled_from(["", "'", "''", *"=+-@"])


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(documents_with_moments(), st.lists(st.tuples(STARTS, TEXT), min_size=3, max_size=3))
def test_any_document_with_any_text_round_trips_through_csv(tmp_path_factory, document, texts):
    title, note, owner = (start + text for start, text in texts)
    objectives = [
        attrs.evolve(objective, title=title, owner=owner) for objective in document.objectives
    ]
    if objectives and objectives[0].key_results:
        kr = objectives[0].key_results[0]
        check_ins = [attrs.evolve(entry, note=note) for entry in kr.check_ins]
        key_results = (attrs.evolve(kr, check_ins=check_ins), *objectives[0].key_results[1:])
        objectives[0] = attrs.evolve(objectives[0], key_results=key_results)
    document = Document(tuple(objectives), document.kpis)
    assume(document.objectives or document.kpis)  # the command line refuses an empty one
    for excel_safe in (False, True):
        folder = tmp_path_factory.mktemp("okrs")
        to_csv(document, folder, excel_safe=excel_safe)
        assert _read(folder, 10**7) == document


def test_writing_again_leaves_no_row_of_the_last_export(tmp_path):
    folder = tmp_path / "okrs"
    to_csv(EXAMPLE, folder)
    to_csv(Document((Objective("Only", id="only"),)), folder)
    assert len(cells(folder / "check_ins.csv")) == 1
    assert _read(folder, 10**6) == Document((Objective("Only", id="only"),))


def test_rows_edited_before_writing_are_written(tmp_path):
    rows = to_rows(EXAMPLE)
    rows["objectives"][0]["owner"] = "=evil()"
    folder = tmp_path / "okrs"
    to_csv(rows, folder, excel_safe=True)
    assert _read(folder, 10**6).objectives[0].owner == "=evil()"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda folder: to_csv(EXAMPLE.objectives, folder), "to_csv.data"),
        (lambda folder: to_csv({"goals": []}, folder), "to_csv.data: expected one of"),
        (lambda folder: to_csv({"objectives": ["row"]}, folder), r"data\['objectives'\]\[0\]"),
        (
            lambda folder: to_csv({"objectives": [{"id": "a", "Owner": "x"}]}, folder),
            r"data\['objectives'\]\[0\]: expected a column of objectives, got 'Owner'",
        ),
        (lambda folder: to_csv(EXAMPLE, folder, encoding="klingon"), "to_csv.encoding"),
        (
            lambda folder: to_csv(EXAMPLE, folder / "objectives.csv" / "x"),
            "to_csv.folder: expected a folder to write",
        ),
        (
            lambda folder: to_csv(
                Document((Objective("Café", id="cafe"),)), folder, encoding="ascii"
            ),
            "to_csv.encoding: expected 'utf-8' or 'utf-8-sig', got 'ascii'",
        ),
    ],
)
def test_what_cannot_be_written_is_refused_naming_it(tmp_path, call, message):
    to_csv(EXAMPLE, tmp_path)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    with pytest.raises(ValidationError, match=message):
        call(tmp_path)
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before
