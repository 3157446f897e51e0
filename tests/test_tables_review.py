"""Reading and writing tables: cut rows, look-alike headers, text kept as written, scales."""

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import run_cli
from okrkpi import KPI, KeyResult, Objective, ValidationError
from okrkpi._edges.tables import TableStream
from okrkpi._model.confidence_scale import ConfidenceScale
from okrkpi.serde import Document
from okrkpi.tables import from_frames, from_rows, kpi_frame, read_csv, to_csv, to_frames, to_rows

OBJECTIVE = {"id": "o", "title": "Grow"}
KEY_RESULT = {"objective_id": "o", "id": "k", "title": "ARR", "kind": "metric"}
KEY_RESULT |= {"start": 0, "target": 500}


def dict_rows(text):
    return list(csv.DictReader(io.StringIO(text)))


# -- rows cut or silently read past ---------------------------------------------------------


@pytest.mark.parametrize("extra_columns", ["error", "warn", "ignore"])
def test_a_csv_row_with_more_cells_than_its_header_is_always_refused(extra_columns):
    check_ins = dict_rows("objective_id,key_result_id,at,value\no,k,2026-08-01,1,250\n")
    assert check_ins[0][None] == ["250"]  # csv.DictReader's overflow, under the key None
    tables = {"objectives": [OBJECTIVE], "key_results": [KEY_RESULT], "check_ins": check_ins}
    with pytest.raises(ValidationError) as raised:
        from_rows(tables, extra_columns=extra_columns)
    assert str(raised.value) == (
        "check_ins[row 0]: expected no more cells than the header has columns (a comma in a "
        "number such as 1,250, or in text, needs the cell quoted), got ['250']"
    )
    assert "extra_columns" not in str(raised.value)


@pytest.mark.parametrize(
    ("header", "meant"), [("\ufeffid", "id"), ("\uff43\uff59\uff43\uff4c\uff45", "cycle")]
)
@pytest.mark.parametrize("extra_columns", ["error", "warn", "ignore"])
def test_a_look_alike_of_our_column_is_always_refused(header, meant, extra_columns):
    row = {"id": "o", "title": "Grow", "cycle": "2026-Q3"} | {header: "x"}
    if meant == "id":
        del row["id"]
    with pytest.raises(ValidationError) as raised:
        from_frames(objectives=[row], extra_columns=extra_columns)
    (problem,) = [p for p in raised.value.problems if p.path == f"objectives.{header}"]
    assert f"did you mean {meant!r}?" in problem.message
    if meant == "id":  # the mark is invisible: the message shows it escaped
        assert problem.message.startswith("'\\ufeffid' is not a column of objectives")


# -- text round trips as written ------------------------------------------------------------

HOSTILE = [" lead", "trail ", "\tTab", "x\n", "\u2028x", " both ", "a  b"]


def texts_document(title, owner, note, unit="units"):
    kr = KeyResult.metric(title, start=0, target=10, unit=unit, id="k", owner=owner)
    kr = kr.check_in(3, at=date(2026, 7, 2), note=note)
    # A KPI's name is its id: stripped as ids are. Its text cells are kept as written.
    kpi = KPI("NPS", target=5, unit=unit, owner=owner, data_source=title)
    kpi = kpi.record(4, at=date(2026, 7, 3), note=note)
    return Document((Objective(title, [kr], id="o", owner=owner),), (kpi,))


def round_trips(document, folder):
    assert from_rows(to_rows(document)) == document
    assert from_frames(**to_frames(document, backend="pandas")) == document
    to_csv(document, folder)
    assert read_csv(folder) == document


@pytest.mark.parametrize("text", HOSTILE)
def test_titles_owners_notes_and_units_round_trip_through_tables_as_written(tmp_path, text):
    round_trips(texts_document(text, text, text, unit=text), tmp_path)


def test_a_blank_note_round_trips_and_ids_are_still_stripped(tmp_path):
    round_trips(texts_document("t", "o", "   "), tmp_path)
    objectives = [{"id": " o ", "title": " Grow"}]
    document = from_rows({"objectives": objectives, "key_results": [KEY_RESULT]})
    assert document.objectives[0].id == "o"
    assert document.objectives[0].title == " Grow"


# Text a user could type: spaces, tabs, line breaks and separators anywhere.
hostile_text = st.text(
    alphabet=st.sampled_from([" ", "\t", "\n", "\r", "\u2028", "\u00a0", "a", "'", "=", ","]),
    min_size=1,
    max_size=8,
).filter(lambda text: text.strip() != "")


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile_text, hostile_text, st.text(max_size=6))
def test_any_text_round_trips_through_rows_frames_and_csv(tmp_path, title, owner, note):
    round_trips(texts_document(title, owner, note), tmp_path)


# -- confidence scales ----------------------------------------------------------------------


def check_ins_with(confidence):
    return {
        "objectives": [OBJECTIVE],
        "key_results": [KEY_RESULT],
        "check_ins": [
            {"objective_id": "o", "key_result_id": "k", "at": "2026-08-01", "value": 1}
            | {"confidence": confidence}
        ],
    }


def confidence_read(confidence, scale):
    document = from_rows(check_ins_with(confidence), confidence_scale=scale)
    return document.objectives[0].key_results[0].check_ins[0].confidence.value


@pytest.mark.parametrize(
    "scale", [ConfidenceScale.ten_point(), ConfidenceScale("percent", maximum=100)]
)
@pytest.mark.parametrize("fraction", ["0.5", 0.7, "0.05"])
def test_a_fraction_on_a_scale_above_one_is_refused_as_without_a_scale(scale, fraction):
    with pytest.raises(ValidationError) as raised:
        from_rows(check_ins_with(fraction), confidence_scale=scale)
    assert "a probability?" in str(raised.value)
    assert "confidence_scale=ConfidenceScale('probability', maximum=1)" in str(raised.value)


def test_a_percentage_reads_on_numeric_scales_and_fractions_on_a_probability_scale():
    percent = ConfidenceScale("percent", maximum=100)
    assert confidence_read("70%", percent) == 7.0
    assert confidence_read(" 70 % ", ConfidenceScale.ten_point()) == 7.0
    assert confidence_read(70, percent) == 7.0
    assert confidence_read(1, percent) == 0.1
    assert confidence_read(0.7, ConfidenceScale("probability", maximum=1)) == 7.0
    assert confidence_read(0, ConfidenceScale.ten_point()) == 0.0
    with pytest.raises(ValidationError, match=r"or a percentage \(scale 'percent'\), got '120%'"):
        from_rows(check_ins_with("120%"), confidence_scale=percent)


def test_the_command_line_refuses_a_fraction_on_the_ten_point_scale(tmp_path):
    to_csv(check_ins_with("0.5"), tmp_path)
    result = run_cli("score", str(tmp_path), "--confidence-scale", "ten_point")
    assert result.returncode == 1
    assert "check_ins.csv line 2, column confidence" in result.stderr
    assert "--confidence-scale probability" in result.stderr


# -- to_csv and read_csv --------------------------------------------------------------------


def test_read_csv_gives_back_what_to_csv_wrote_apostrophes_and_all(tmp_path):
    document = Document((Objective("'=already", id="o", owner="''+two"),))
    for excel_safe in (False, True):
        to_csv(document, tmp_path / str(excel_safe), excel_safe=excel_safe)
        assert read_csv(tmp_path / str(excel_safe)) == document


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"excel_safe": "no"}, "to_csv.excel_safe: expected True or False, got 'no'"),
        ({"encoding": "utf-16"}, "to_csv.encoding: expected 'utf-8' or 'utf-8-sig', got 'utf-16'"),
        ({"encoding": "latin-1"}, "to_csv.encoding: expected 'utf-8' or 'utf-8-sig'"),
    ],
)
def test_to_csv_refuses_options_it_cannot_honour(tmp_path, options, message):
    with pytest.raises(ValidationError, match=message):
        to_csv(texts_document("t", "o", "n"), tmp_path, **options)
    assert not list(tmp_path.iterdir())


def test_read_csv_names_the_file_and_line_of_a_bad_cell(tmp_path):
    to_csv(check_ins_with("ten"), tmp_path)
    with pytest.raises(ValidationError) as raised:
        read_csv(tmp_path)
    (problem,) = raised.value.problems
    assert problem.path == f"{tmp_path / 'check_ins.csv'} line 2, column confidence"
    with pytest.raises(ValidationError, match="read_csv.max_bytes"):
        read_csv(tmp_path, max_bytes=0)
    (tmp_path / "objectives.csv").write_bytes("id,title\n\xff\n".encode("latin-1"))
    with pytest.raises(ValidationError, match="not UTF-8"):
        read_csv(tmp_path)


# -- messages -------------------------------------------------------------------------------


def test_the_count_of_problems_past_the_first_is_not_a_dollar_path():
    with pytest.raises(ValidationError) as raised:
        from_frames(objectives=[{"id": f"o{n}", "title": None} for n in range(150)])
    last = raised.value.problems[-1]
    assert (last.path, last.message) == ("", "... and 50 more problems")
    assert str(raised.value).endswith("; ... and 50 more problems")


def test_the_command_line_names_flags_not_keywords(tmp_path):
    to_csv({"objectives": [OBJECTIVE]}, tmp_path)
    result = run_cli("score", str(tmp_path), "--date-format", "M/D/Y")
    assert "--date-format: expected a strptime format" in result.stderr
    assert "from_frames" not in result.stderr


def test_rows_named_in_messages_are_numbered_as_lines_of_their_own_files(tmp_path):
    objectives = [{"id": "a", "title": "Same"}, {"id": "b", "title": "Same"}]
    key_result = KEY_RESULT | {"objective_id": "Same"}
    to_csv({"objectives": objectives, "key_results": [key_result]}, tmp_path)
    with pytest.raises(ValidationError) as raised:
        read_csv(tmp_path, link_objectives_by="title")
    (problem,) = raised.value.problems
    assert problem.path == f"{tmp_path / 'key_results.csv'} line 2, column objective_id"
    assert "'a' (objectives.csv line 2), 'b' (objectives.csv line 3)" in problem.message


# -- kpi_frame's day rule -------------------------------------------------------------------


def test_kpi_frame_takes_the_day_rule():
    evening = datetime(2026, 9, 30, 18, 30, tzinfo=timezone(timedelta(hours=-7)))
    kpi = KPI("NPS", target=50).record(40, at=date(2026, 9, 1)).record(60, at=evening)
    local = kpi_frame([kpi], date(2026, 9, 30), backend="pandas")
    utc = kpi_frame([kpi], date(2026, 9, 30), backend="pandas", day_of="utc")
    assert list(local["value"]) == [60.0]
    assert list(utc["value"]) == [40.0]  # on its UTC day it was made on October 1
    with pytest.raises(ValidationError, match="kpi_frame.day_of"):
        kpi_frame([kpi], date(2026, 9, 30), day_of="east")


# -- refused inputs stop building and keeping -----------------------------------------------


def streamed(tables):
    stream = TableStream()
    for table, rows in tables.items():
        header, *cells = [line.split(",") for line in rows]
        stream.start(table, header)
        for row in cells:
            stream.add(row)
    return stream


ONE_KEY_RESULT = {
    "objectives": ["id,title", "o,Grow"],
    "key_results": ["objective_id,id,title,kind,start,target", "o,k,K,metric,0,1000"],
}


def dangling_links(count):
    return {
        "objectives": ["id,title", "o,Grow"],
        "key_results": [
            "objective_id,id,title,kind,start,target",
            *(f"gone{n},k,K,metric,0,1" for n in range(count)),
        ],
    }


def test_a_stream_of_dangling_links_stops_keeping_rows_past_the_first_problems():
    stream = streamed(dangling_links(500))
    assert stream.counting
    with pytest.raises(ValidationError) as raised:
        stream.document()
    first, *_, last = raised.value.problems
    assert str(first) == "key_results[row 0].objective_id: no objective has the id 'gone0'"
    assert last.message == "... and at least 400 more problems"


def test_a_stream_of_repeated_check_ins_stops_keeping_rows_past_the_first_problems():
    tables = {
        **ONE_KEY_RESULT,
        "check_ins": [
            "objective_id,key_result_id,at,value",
            *(f"o,k,2026-07-{day:02},{value}" for value in range(60) for day in (1, 1, 1)),
        ],
    }
    stream = streamed(tables)
    assert stream.counting
    with pytest.raises(ValidationError) as raised:
        stream.document()
    assert str(raised.value.problems[0]) == (
        "check_ins[row 1]: the same check-in as row 0 (key result, at and value); "
        "give both an id to keep both"
    )
    # Rows that each have an id are told apart; another key result's rows are not repeats.
    with_ids = {
        **tables,
        "key_results": [*tables["key_results"], "o,k2,K2,metric,0,1000"],
        "check_ins": [
            "objective_id,key_result_id,at,value,id",
            "o,k,2026-07-01,1,a",
            "o,k,2026-07-01,1,b",
            "o,k2,2026-07-01,1,",
        ],
    }
    document = streamed(with_ids).document()
    assert [len(kr.check_ins) for kr in document.objectives[0].key_results] == [2, 1]


def test_a_refused_document_still_counts_the_problems_its_histories_hold():
    # Refused after 150 dangling links, it built no further history, so a value the
    # model refuses went uncounted ("at least N more"), where the typed readers and
    # score_frames count it.
    key_results = [KEY_RESULT | {"objective_id": f"gone{n}"} for n in range(150)]
    valid = [KEY_RESULT | {"id": f"k{n}"} for n in range(50)]
    check_ins = [  # naive and aware in one history: refused by the model, when built
        {"objective_id": "o", "key_result_id": f"k{n}", "at": at, "value": "1"}
        for n in range(10)
        for at in ("2026-07-01T10:00", "2026-07-02T10:00+02:00")
    ]
    with pytest.raises(ValidationError) as raised:
        from_rows(
            {"objectives": [OBJECTIVE], "key_results": key_results + valid, "check_ins": check_ins}
        )
    assert raised.value.problems[-1].message == "... and 60 more problems"


def test_repeats_are_compared_within_the_first_rows_of_a_run(monkeypatch):
    monkeypatch.setattr("okrkpi._edges.tables._RUN_LIMIT", 2)
    tables = {
        **ONE_KEY_RESULT,
        "check_ins": [
            "objective_id,key_result_id,at,value",
            *(f"o,k,2026-07-{day:02},1" for day in (1, 2, 3, 3)),
        ],
    }
    stream = streamed(tables)
    assert stream.problems == 0  # past the run's first rows: left to the document
    with pytest.raises(ValidationError, match=r"check_ins\[row 3\]: the same check-in as row 2"):
        stream.document()


def test_a_stream_names_plans_and_milestones_of_a_missing_key_result():
    tables = {
        **ONE_KEY_RESULT,
        "plans": ["objective_id,key_result_id,at,value", "o,gone,2026-07-01,1"],
    }
    stream = streamed(tables)
    assert stream.problems == 1
    with pytest.raises(ValidationError) as raised:
        stream.document()
    assert str(raised.value) == "plans[row 0].key_result_id: no key result 'gone' in objective 'o'"


def test_text_utf_8_cannot_write_is_refused_naming_the_table(tmp_path):
    with pytest.raises(ValidationError, match="to_csv.objectives: expected text utf-8 can write"):
        to_csv(Document((Objective("lone \ud800", id="o"),)), tmp_path)
    assert not list(tmp_path.iterdir())


def test_a_numeric_scale_refuses_a_cell_that_is_no_number():
    with pytest.raises(ValidationError, match=r"or a percentage \(scale 'ten_point'\), got \[7\]"):
        from_rows(check_ins_with([7]), confidence_scale=ConfidenceScale.ten_point())


def test_a_cell_that_says_row_is_quoted_as_it_is(tmp_path):
    to_csv(check_ins_with("row 5"), tmp_path)
    with pytest.raises(ValidationError) as raised:
        read_csv(tmp_path)
    assert "got 'row 5' (" in raised.value.problems[0].message
    repeated = {"objectives": [OBJECTIVE, {"id": "o", "title": "row 1"}]}
    to_csv(repeated, tmp_path)
    with pytest.raises(ValidationError) as raised:
        read_csv(tmp_path)
    assert raised.value.problems[0].message == "'o' is already line 2's"
