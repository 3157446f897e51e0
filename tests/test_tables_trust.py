"""Tables that never change a document silently: located problems, unknown columns,
confidences as the model reads them, duplicate check-ins, hostile cells, exact round trips."""

import contextlib
import re
import warnings
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrkpi import (
    CheckIn,
    ConfidenceRating,
    ConfidenceScale,
    Initiative,
    KeyResult,
    Objective,
    OkrKpiError,
    ValidationError,
)
from okrkpi.serde import Document
from okrkpi.tables import (
    TABLES,
    from_frames,
    from_rows,
    read_csv,
    records_frame,
    to_csv,
    to_frames,
    to_rows,
)
from okrkpi.testing import kpis, objectives
from test_tables import METRIC_ROW as METRIC
from test_tables import OBJECTIVE_ROW as OBJECTIVE

JULY = date(2026, 7, 1)


def check_in(**cells):
    return {"objective_id": "grow", "key_result_id": "arr", "at": JULY, "value": 1, **cells}


def problems(**tables):
    with pytest.raises(ValidationError) as raised:
        from_frames(**tables)
    return [str(problem) for problem in raised.value.problems]


def history(document, objective=0, key_result=0):
    return document.objectives[objective].key_results[key_result].check_ins


# -- problems named where they are --------------------------------------------------------


def test_an_initiatives_bad_link_is_reported_on_its_own_row_and_column():
    found = problems(
        objectives=[OBJECTIVE],
        key_results=[METRIC],
        initiatives=[
            {"objective_id": "grow", "id": "ads", "title": "Ads", "key_result_ids": "arr"},
            {"objective_id": "grow", "id": "hire", "title": "Hire", "key_result_ids": "arr;nps"},
        ],
    )
    assert found == [
        (
            "initiatives[row 1].key_result_ids: no key result 'nps' in objective 'grow' "
            "(its key results: 'arr')"
        )
    ]


def test_repeated_key_result_and_initiative_ids_are_reported_on_their_rows():
    found = problems(
        objectives=[OBJECTIVE, {**OBJECTIVE, "id": "keep"}],
        key_results=[METRIC, {**METRIC, "objective_id": "keep"}, {**METRIC, "title": "Again"}],
        initiatives=[
            {"objective_id": "grow", "id": "ads", "title": "Ads"},
            {"objective_id": "grow", "id": "ads", "title": "More ads"},
        ],
    )
    assert found == [
        "key_results[row 2].id: 'arr' is already row 0's in objective 'grow'",
        "initiatives[row 1].id: 'ads' is already row 0's in objective 'grow'",
    ]


# -- no column read past silently ---------------------------------------------------------


def test_an_unknown_column_is_refused_with_the_column_it_may_mean():
    found = problems(objectives=[OBJECTIVE], key_results=[{**METRIC, "wieght": 3}])
    assert found == [
        (
            "key_results.wieght: 'wieght' is not a column of key_results; did you mean "
            "'weight'? "
            "(extra_columns='ignore' reads past columns okrkpi does not use)"
        )
    ]


@pytest.mark.parametrize("extra_columns", ["error", "warn", "ignore"])
def test_a_column_that_is_ours_but_for_case_or_spacing_is_always_refused(extra_columns):
    row = {"id": "grow", "title": "Grow", "Cycle": "2026-Q3"}
    with pytest.raises(ValidationError) as raised:
        from_frames(
            objectives=[row],
            check_ins=[{**check_in(), "Key Result ID": "arr"}],
            extra_columns=extra_columns,
        )
    messages = [str(problem) for problem in raised.value.problems]
    assert (
        "objectives.Cycle: 'Cycle' is not a column of objectives: column names are exact, "
        "did you mean 'cycle'? (rename it with columns=)"
    ) in messages
    assert any(
        m.startswith("check_ins.Key Result ID: ") and "'key_result_id'" in m for m in messages
    )


@pytest.mark.parametrize(
    ("header", "meant"),
    [("Target ", "target"), (" target", "target"), ("Weight", "weight"), ("targett ", "target")],
)
def test_a_column_name_is_quoted_so_its_spaces_show(header, meant):
    # Whether ours but for case or spaces, or merely close to one of ours: named as written.
    found = problems(objectives=[OBJECTIVE], key_results=[{**METRIC, header: 1}])
    (message,) = found
    assert message.startswith(f"key_results.{header}: {header!r} is not a column of key_results")
    assert f"did you mean {meant!r}?" in message


def test_extra_columns_can_be_read_past_with_a_named_warning_or_silently():
    rows = {"objectives": [{**OBJECTIVE, "Notes": "from the offsite", "url": "x"}]}
    with pytest.warns(okrkpi_warning()) as caught:
        warned = from_rows(rows, extra_columns="warn")
    (warning,) = caught
    assert warning.category.__name__ == "UnknownColumnsWarning"
    assert warning.message.table == "objectives"
    assert warning.message.columns == ("Notes", "url")
    assert "'Notes', 'url'" in str(warning.message)
    assert warning.filename == __file__  # it points at the caller, not into okrkpi
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert from_rows(rows, extra_columns="ignore") == warned
    with warnings.catch_warnings():  # filterwarnings can make every okrkpi warning an error
        warnings.filterwarnings("error", category=okrkpi_warning())
        with pytest.raises(okrkpi_warning()):
            from_rows(rows, extra_columns="warn")


def okrkpi_warning():
    from okrkpi.tables import OkrKpiWarning

    return OkrKpiWarning


def test_a_rename_of_a_column_the_table_does_not_have_is_refused():
    exported = pl.DataFrame(
        {"Objective ID": ["grow"], "Objective": ["Grow"], "Period": ["2026-Q3"]}
    )
    renames = {"Objective ID": "id", "Objective": "title", "Quarter": "cycle"}
    with pytest.raises(ValidationError) as raised:
        from_frames(objectives=exported, columns={"objectives": renames})
    assert str(raised.value) == (
        "from_frames.columns['objectives']: 'Quarter' names no column of the objectives given "
        "(its columns: 'Objective ID', 'Objective', 'Period'); "
        "objectives.Period: 'Period' is not a column of objectives (extra_columns='ignore' "
        "reads past "
        "columns okrkpi does not use)"
    )
    document = from_frames(
        objectives=exported.rename({"Period": "Quarter"}), columns={"objectives": renames}
    )
    assert document.objectives[0].cycle.name == "2026-Q3"
    # Renames for a table not given at all are a mistake too: the table was meant.
    with pytest.raises(ValidationError) as raised:
        from_frames(
            objectives=exported.rename({"Period": "Quarter"}),
            columns={"objectives": renames, "check_ins": {"When": "at"}},
        )
    assert str(raised.value) == (
        "from_frames.columns['check_ins']: renames 'When', but no check_ins table was given"
    )


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("extra_columns", "skip"),
        ("confidence_scale", "traffic_light"),
        ("date_format", "MM/DD/YYYY"),
        ("link_objectives_by", "name"),
    ],
)
def test_options_are_checked_before_anything_is_read(option, value):
    with pytest.raises(ValidationError, match=f"from_frames.{option}"):
        from_frames(objectives=[OBJECTIVE], **{option: value})


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("extra_columns", "skip"),
        ("confidence_scale", "traffic_light"),
        ("date_format", "MM/DD/YYYY"),
        ("link_objectives_by", "name"),
    ],
)
def test_read_csv_names_a_bad_option_as_read_csv_takes_it(tmp_path, option, value):
    to_csv(from_frames(objectives=[OBJECTIVE]), tmp_path)
    with pytest.raises(ValidationError) as raised:
        read_csv(tmp_path, **{option: value})
    (problem,) = raised.value.problems
    assert problem.path == f"read_csv.{option}"
    assert repr(value) in problem.message
    assert "from_frames" not in str(raised.value)


# -- confidence as the model reads it ---------------------------------------------------------


def test_a_confidence_between_0_and_1_is_refused_as_checkin_refuses_it():
    with pytest.raises(ValidationError):
        CheckIn(1.0, JULY, confidence=0.7)
    found = problems(
        objectives=[OBJECTIVE], key_results=[METRIC], check_ins=[check_in(confidence=0.7)]
    )
    assert found == [
        (
            "check_ins[row 0].confidence: expected a rating from 0 to 10, or 'low', 'medium', "
            "'high', got 0.7 (a probability? write 7 for 0.7, or read the column with "
            "confidence_scale=ConfidenceScale('probability', maximum=1), or write '0.7/10' for "
            "a rating of 0.7)"
        )
    ]
    # Written out as a rating, it is one; 0 and 1 themselves are ratings.
    document = from_frames(
        objectives=[OBJECTIVE],
        key_results=[METRIC],
        check_ins=[
            check_in(confidence="0.7/10"),
            check_in(at=JULY + timedelta(1), confidence=1),
            check_in(at=JULY + timedelta(2), confidence=0),
        ],
    )
    assert [entry.confidence.value for entry in history(document)] == [0.7, 1.0, 0.0]


@pytest.mark.parametrize(
    ("scale", "cells", "ratings"),
    [
        (ConfidenceScale.traffic_light(), ["Red", "yellow", "GREEN"], [2.5, 6.0, 8.5]),
        (ConfidenceScale.low_medium_high(), ["low", "medium", "high"], [2.0, 5.5, 8.5]),
        (ConfidenceScale("probability", maximum=1), [0.25, "0.5", 1], [2.5, 5.0, 10.0]),
        (ConfidenceScale("percent", maximum=100), ["70", 85.0, 0], [7.0, 8.5, 0.0]),
    ],
)
def test_a_confidence_scale_reads_the_column_as_the_tool_wrote_it(scale, cells, ratings):
    rows = [check_in(at=JULY + timedelta(n), confidence=cell) for n, cell in enumerate(cells)]
    document = from_frames(
        objectives=[OBJECTIVE], key_results=[METRIC], check_ins=rows, confidence_scale=scale
    )
    assert [entry.confidence.value for entry in history(document)] == pytest.approx(ratings)


def confidence_problem(cell, scale=None):
    (found,) = problems(
        objectives=[OBJECTIVE],
        key_results=[METRIC],
        check_ins=[check_in(confidence=cell)],
        **({} if scale is None else {"confidence_scale": scale}),
    )
    return found


PERCENT = ConfidenceScale("percent", maximum=100)


READ_AS_PROBABILITY = (
    "read the column with confidence_scale=ConfidenceScale('probability', maximum=1)"
)
READ_AS_PERCENT = "read the column with confidence_scale=ConfidenceScale('percent', maximum=100)"


@pytest.mark.parametrize(
    ("cell", "scale", "hint"),
    [
        (
            "0.35",
            None,
            (
                f"(a probability? write 3.5 for 0.35, or {READ_AS_PROBABILITY}, or write '0.35/10' "
                "for a rating of 0.35)"
            ),
        ),
        ("70%", None, f"(a percentage? write 7 for 70%, or {READ_AS_PERCENT})"),
        ("85", None, f"(a percentage? write 8.5 for 85, or {READ_AS_PERCENT})"),
        (
            "Yellow",
            None,
            (
                "(a label of the traffic_light scale? read the column with "
                "confidence_scale=ConfidenceScale.traffic_light())"
            ),
        ),
        (
            "on track",
            None,
            (
                "(a label of the named_bands scale? read the column with "
                "confidence_scale=ConfidenceScale.named_bands())"
            ),
        ),
        ("amber", None, "(labels of another tool? name its scale with confidence_scale=)"),
        ("0.35", PERCENT, f"(a probability? write 35 or '35%' for 0.35, or {READ_AS_PROBABILITY})"),
        ("70", ConfidenceScale.ten_point(), f"(a percentage? write '70%', or {READ_AS_PERCENT})"),
        (
            "high",
            PERCENT,
            (
                "(a label of the low_medium_high scale? read the column with "
                "confidence_scale=ConfidenceScale.low_medium_high())"
            ),
        ),
        ("70%", ConfidenceScale.traffic_light(), f"(a percentage? {READ_AS_PERCENT})"),
    ],
)
def test_a_refused_confidence_hints_at_the_scale_that_reads_it(cell, scale, hint):
    # One form for numbers, percentages and labels: a guess, then confidence_scale=.
    message = confidence_problem(cell, scale)
    assert message.endswith(f", got {cell!r} {hint}")


def test_a_label_on_a_numeric_scale_is_refused_in_the_scale_s_words():
    message = confidence_problem("Yellow", PERCENT)
    assert "expected a number from 0 to 100, or a percentage (scale 'percent')" in message
    assert "a finite number" not in message


_QUOTED_TEXT = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def well_punctuated(message):
    """Quotes paired (as the command line finds quoted cells) and brackets balanced."""
    plain = _QUOTED_TEXT.sub("", message)
    depth = 0
    for char in plain:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0 and "'" not in plain and '"' not in plain and "[" not in plain


@settings(max_examples=60, deadline=None)
@given(
    cell=st.one_of(
        st.floats(-5, 150, allow_nan=False).map(lambda x: round(x, 3)),
        st.floats(0, 120).map(lambda x: f"{x:.1f}%"),
        st.sampled_from(["Yellow", "high", "on track", "amber", "12/10", "7", "0.7"]),
    ),
    scale=st.sampled_from(
        [None, ConfidenceScale.ten_point(), PERCENT, ConfidenceScale.traffic_light()]
    ),
)
def test_every_confidence_message_is_well_punctuated(cell, scale):
    try:
        message = confidence_problem(cell, scale)
    except pytest.fail.Exception:  # read: nothing to say
        return
    text = message.split(": ", 1)[1]
    assert well_punctuated(text), text
    if "(a " in text or "(labels" in text:
        assert "confidence_scale=" in text


def test_a_value_outside_the_scale_is_named_with_the_scale():
    found = problems(
        objectives=[OBJECTIVE],
        key_results=[METRIC],
        check_ins=[check_in(confidence="amber"), check_in(at=JULY + timedelta(1), confidence=7)],
        confidence_scale=ConfidenceScale.traffic_light(),
    )
    expected = "expected one of 'red', 'yellow', 'green' (scale 'traffic_light')"
    assert found == [
        f"check_ins[row 0].confidence: {expected}, got 'amber'",
        (
            f"check_ins[row 1].confidence: {expected}, got 7 (a rating from 0 to 10? read the "
            "column with confidence_scale=ConfidenceScale.ten_point())"
        ),
    ]
    found = problems(
        objectives=[OBJECTIVE],
        key_results=[METRIC],
        check_ins=[check_in(confidence=120)],
        confidence_scale=ConfidenceScale("percent", maximum=100),
    )
    assert found == [
        "check_ins[row 0].confidence: expected a number from 0 to 100, or a percentage (scale 'percent'), got 120"
    ]


def test_ratings_below_one_round_trip_written_out_as_ratings():
    kr = KeyResult.metric("ARR", start=0, target=10, id="arr")
    kr = kr.check_in(1, at=JULY, confidence=ConfidenceRating(0.5)).check_in(
        2, at=JULY + timedelta(1), confidence=7
    )
    document = Document((Objective("Grow", [kr], id="grow"),))
    rows = to_rows(document)
    assert [row["confidence"] for row in rows["check_ins"]] == ["0.5/10", "7.0/10"]
    assert from_rows(rows) == document
    for backend in ("pandas", "polars", "pyarrow"):
        assert from_frames(**to_frames(document, backend=backend)) == document


# -- duplicate check-ins --------------------------------------------------------------------


def test_a_check_in_written_twice_is_refused():
    found = problems(
        objectives=[OBJECTIVE],
        key_results=[METRIC],
        check_ins=[check_in(value=3), check_in(value=3, note="again"), check_in(value=4)],
    )
    assert found == [
        (
            "check_ins[row 1]: the same check-in as row 0 (key result, at and value); "
            "give both an id to keep both"
        )
    ]


@pytest.mark.parametrize(
    "moments",
    [
        [date(2026, 7, 1), datetime(2026, 7, 2, 9), date(2026, 7, 1)],
        [datetime(2026, 7, 2, 9), datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 7, 2, 9)],
    ],
)
def test_a_check_in_written_twice_is_found_among_moments_of_mixed_kinds(moments):
    rows = [check_in(at=moment, value=3) for moment in moments]
    found = problems(objectives=[OBJECTIVE], key_results=[METRIC], check_ins=rows)
    assert found[0] == (
        "check_ins[row 2]: the same check-in as row 0 (key result, at and value); "
        "give both an id to keep both"
    )


def test_check_in_ids_tell_check_ins_apart_and_a_repeated_id_is_refused():
    rows = [check_in(value=3, id="c1"), check_in(value=3, id="c2"), check_in(value=4, id="c3")]
    document = from_frames(objectives=[OBJECTIVE], key_results=[METRIC], check_ins=rows)
    assert len(history(document)) == 3
    found = problems(
        objectives=[OBJECTIVE],
        key_results=[METRIC],
        check_ins=[*rows, check_in(value=5, at=JULY + timedelta(1), id="c2")],
    )
    assert found == ["check_ins[row 3].id: 'c2' is already row 1's"]


def test_a_correction_at_the_same_moment_is_kept_and_the_later_row_wins():
    document = from_frames(
        objectives=[OBJECTIVE],
        key_results=[METRIC],
        check_ins=[check_in(value=3), check_in(value=4)],
    )
    assert history(document).latest_value() == 4.0


def test_identical_check_ins_of_a_document_round_trip_with_ids():
    kr = KeyResult.binary("Launch", id="launch")
    kr = kr.check_in(True, at=JULY).check_in(True, at=JULY).check_in(False, at=JULY)
    document = Document((Objective("Grow", [kr], id="grow"),))
    rows = to_rows(document)
    assert [row["id"] for row in rows["check_ins"]] == ["0", "1", None]
    assert from_rows(rows) == document
    for backend in ("pandas", "polars", "pyarrow"):
        assert from_frames(**to_frames(document, backend=backend)) == document


# -- hostile cells ----------------------------------------------------------------------------

HOSTILE_CELLS = [Decimal("sNaN"), ["a"], {"a": 1}, {"a"}, object()]
LINKS = [
    ("objectives", "id"),
    ("objectives", "parent_id"),
    ("key_results", "objective_id"),
    ("key_results", "id"),
    ("check_ins", "objective_id"),
    ("check_ins", "key_result_id"),
    ("check_ins", "id"),
    ("initiatives", "objective_id"),
    ("kpis", "name"),
    ("measurements", "kpi"),
]


def valid_tables():
    return {
        "objectives": [dict(OBJECTIVE)],
        "key_results": [dict(METRIC)],
        "check_ins": [check_in()],
        "initiatives": [{"objective_id": "grow", "id": "ads", "title": "Ads"}],
        "kpis": [{"name": "churn", "target": 2}],
        "measurements": [{"kpi": "churn", "at": JULY, "value": 3}],
    }


@pytest.mark.parametrize(("table", "column"), LINKS)
@pytest.mark.parametrize("cell", HOSTILE_CELLS, ids=lambda cell: type(cell).__name__)
def test_a_hostile_cell_in_a_link_or_id_column_is_named_by_table_row_and_column(
    table, column, cell
):
    tables = valid_tables()
    tables[table][0][column] = cell
    with pytest.raises(ValidationError) as raised:
        from_rows(tables)
    assert f"{table}[row 0].{column}: expected text, got " in str(raised.value)


@pytest.mark.parametrize("backend", ["pandas", "polars"])
def test_list_cells_of_a_frame_are_named_too(backend):
    frame = {"id": [["a"], "b"], "title": ["A", "B"]}
    native = (
        pd.DataFrame(frame)
        if backend == "pandas"
        else pl.DataFrame({"id": [["a"], ["b"]], "title": ["A", "B"]})
    )
    with pytest.raises(ValidationError, match=r"objectives\[row 0\]\.id: expected text, got"):
        from_frames(objectives=native)


def test_a_signalling_nan_in_a_number_or_flag_column_is_a_bad_cell():
    found = problems(
        objectives=[{**OBJECTIVE, "alignment_weight": Decimal("sNaN")}],
        kpis=[{"name": "churn", "target": 2, "higher_is_better": Decimal("sNaN")}],
    )
    assert found == [
        (
            "objectives[row 0].alignment_weight: expected a number within the float range, "
            "got Decimal('sNaN')"
        ),
        "kpis[row 0].higher_is_better: expected true or false, got Decimal('sNaN')",
    ]


@pytest.mark.parametrize(
    ("backend", "records", "message"),
    [
        (
            "polars",
            [{"a": 1, "b": "x"}, {"a": "two", "b": "y"}],
            r"records_frame.records\[1\]\.a: expected a number like records\[0\]\.a",
        ),
        (
            "pyarrow",
            [{"a": 1, "b": "x"}, {"a": "two", "b": "y"}],
            r"records_frame.records\[1\]\.a: expected a number like records\[0\]\.a",
        ),
        (
            "polars",
            [{"when": date(2026, 7, 1)}, {"when": datetime(2026, 7, 1, 9)}],
            r"records\[1\]\.when: expected a date like records\[0\]\.when",
        ),
        ("pyarrow", [{"a": [1]}, {"a": ["x"]}], r"records\[1\]\.a: expected a value a pyarrow"),
        *(
            (backend, [{"a": 1}, {"a": Decimal("sNaN")}], r"records\[1\]\.a: expected a value a")
            for backend in ("pandas", "polars", "pyarrow")
        ),
    ],
)
def test_records_that_no_frame_column_can_hold_are_named_by_record_and_key(
    backend, records, message
):
    with pytest.raises(ValidationError, match=message):
        records_frame(records, backend=backend)


@pytest.mark.parametrize("backend", ["pandas", "polars", "pyarrow"])
def test_whole_numbers_beside_fractions_make_one_number_column(backend):
    frame = records_frame([{"mean": 0}, {"mean": 0.5}, {"mean": None}], backend=backend)
    means = frame["mean"].to_pylist() if backend == "pyarrow" else list(frame["mean"])
    assert means[:2] == [0.0, 0.5]


# -- exact round trips ----------------------------------------------------------------------

DAYS = st.dates(date(2020, 1, 2), date(2030, 12, 30))
NAIVE = st.one_of(
    DAYS,
    DAYS.map(lambda day: datetime(day.year, day.month, day.day)),  # a naive midnight
    st.datetimes(datetime(2020, 1, 2), datetime(2030, 12, 30)),
)
AWARE = st.one_of(
    DAYS,
    st.builds(
        lambda moment, minutes: moment.replace(tzinfo=timezone(timedelta(minutes=minutes))),
        st.datetimes(datetime(2020, 1, 2), datetime(2030, 12, 30)),
        st.integers(-12 * 60, 14 * 60),
    ),
)


@st.composite
def documents_with_moments(draw):
    """okrkpi.testing's documents, their check-ins dated any way a history allows."""
    items = draw(st.lists(objectives(max_key_results=3), max_size=3, unique_by=lambda o: o.id))
    dated = []
    for objective in items:
        key_results = []
        for kr in objective.key_results:
            moments = draw(st.sampled_from([NAIVE, AWARE]))  # a history is one or the other
            dated_check_ins = [attrs.evolve(c, at=draw(moments)) for c in kr.check_ins]
            key_results.append(attrs.evolve(kr, check_ins=dated_check_ins))
        dated.append(attrs.evolve(objective, key_results=key_results))
    indicators = draw(st.lists(kpis(), max_size=1))
    return Document(tuple(dated), tuple(indicators))


def test_a_check_in_at_a_naive_midnight_round_trips_as_a_date_time():
    kr = KeyResult.metric("m", start=0, target=10, id="m").check_in(3, at=datetime(2026, 7, 2))
    document = Document((Objective("o", [kr], id="o"),))
    rows = to_rows(document)
    assert rows["check_ins"][0]["at"] == "2026-07-02T00:00:00"
    assert from_rows(rows) == document
    (entry,) = history(from_frames(**to_frames(document)))
    assert entry.at == datetime(2026, 7, 2)
    assert isinstance(entry.at, datetime)


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(documents_with_moments(), st.sampled_from(["pandas", "polars", "pyarrow"]))
def test_any_document_round_trips_through_rows_and_frames_whatever_its_moments(document, backend):
    assert from_rows(to_rows(document)) == document
    back = from_frames(**to_frames(document, backend=backend))
    assert back == document
    for ours, theirs in zip(back.objectives, document.objectives, strict=True):
        for kr_back, kr in zip(ours.key_results, theirs.key_results, strict=True):
            # Equal and of the same kind: a date is not a midnight, an offset is kept.
            assert [(type(c.at), getattr(c.at, "tzinfo", None)) for c in kr_back.check_ins] == [
                (type(c.at), getattr(c.at, "tzinfo", None)) for c in kr.check_ins
            ]


def test_frames_of_days_at_midnight_still_read_as_days():
    frame = pd.DataFrame(
        {**{k: [v] for k, v in check_in().items()}, "at": pd.to_datetime(["2026-07-31"])}
    )
    document = from_frames(objectives=[OBJECTIVE], key_results=[METRIC], check_ins=frame)
    assert history(document)[0].at == date(2026, 7, 31)
    assert type(history(document)[0].at) is date


def test_a_frame_with_a_utc_column_keeps_its_instants():
    frame = pa.table(
        {
            **{k: [v] for k, v in check_in().items() if k != "at"},
            "at": pa.array([datetime(2026, 7, 31, 18, 30, tzinfo=UTC)]),
        }
    )
    document = from_frames(objectives=[OBJECTIVE], key_results=[METRIC], check_ins=frame)
    assert history(document)[0].at == datetime(2026, 7, 31, 18, 30, tzinfo=UTC)


def test_every_table_column_is_documented():
    assert TABLES["check_ins"]["id"].startswith("text")
    assert "0.5/10" in TABLES["check_ins"]["confidence"]


def test_only_okrkpi_errors_for_bad_options_of_rows():
    with pytest.raises(OkrKpiError):
        from_rows({"objectives": [OBJECTIVE]}, columns={"objectives": {"a": ["title"]}})
    with pytest.raises(OkrKpiError):
        from_rows({("objectives",): []})
    assert isinstance(Initiative("x"), Initiative)


def test_a_date_format_reads_text_and_leaves_a_frame_s_dates_as_they_are():
    document = from_frames(
        objectives=[OBJECTIVE],
        key_results=[METRIC],
        check_ins=[
            check_in(at="7/31/2026"),
            check_in(at=date(2026, 8, 1)),
            check_in(at=datetime(2026, 8, 2, 9, 30)),
        ],
        date_format="%m/%d/%Y",
    )
    assert [entry.at for entry in history(document)] == [
        date(2026, 7, 31),
        date(2026, 8, 1),
        datetime(2026, 8, 2, 9, 30),
    ]
    timed = from_frames(
        objectives=[OBJECTIVE],
        key_results=[METRIC],
        check_ins=[check_in(at="31.07.2026 18:30")],
        date_format="%d.%m.%Y %H:%M",
    )
    assert history(timed)[0].at == datetime(2026, 7, 31, 18, 30)


def test_links_by_title_name_an_objective_without_an_id_and_one_that_is_missing():
    found = problems(
        objectives=[
            {"id": None, "title": "Grow"},
            {"id": "keep", "title": "Keep"},
            {"id": "blank", "title": None},
        ],
        key_results=[{**METRIC, "objective_id": "Grow"}, {**METRIC, "objective_id": "Gone"}],
        link_objectives_by="title",
    )
    assert found == [
        "key_results[row 0].objective_id: the objective titled 'Grow' (objectives row 0) has no id",
        "key_results[row 1].objective_id: no objective has the title 'Gone'",
        "objectives[row 0].id: a value is required",
        "objectives[row 2].title: a value is required",
    ]


def test_a_streamed_column_stops_sharing_cells_that_do_not_repeat():
    from okrkpi._edges._cells import ChunkedText, NumberText
    from okrkpi._edges.tables import _Column

    column = _Column()
    for number in range(5_000):
        column.append(f"{number}.5")
    assert isinstance(column.cells, NumberText)  # all distinct numbers: kept as floats
    assert column.cells[4_999] == "4999.5"
    assert list(column.cells) == [f"{number}.5" for number in range(5_000)]
    assert not column.seen("4999.5")
    notes = _Column()
    for number in range(5_000):
        notes.append(f"note {number}")
    assert isinstance(notes.cells, ChunkedText)  # distinct text: kept as chunks of text
    assert list(notes.cells) == [f"note {number}" for number in range(5_000)]
    repeated = _Column()
    for number in range(5_000):
        repeated.append(str(number % 10))
    assert repeated.seen("7")
    assert repeated.cells[17] is repeated.cells[7]


def test_a_streamed_column_of_numbers_turns_to_text_once_text_is_common():
    from okrkpi._edges._cells import ChunkedText, NumberText
    from okrkpi._edges.tables import _Column

    column = _Column()
    written = [f"{number}.25" for number in range(5_000)]
    for cell in written:
        column.append(cell)
    assert isinstance(column.cells, NumberText)
    # Numbers written otherwise ("1.50", "1,250") read back as written, kept apart...
    for number in range(300):
        cell = f"{number:,}0.50" if number % 2 else "n/a"
        written.append(cell)
        column.append(cell)
    assert isinstance(column.cells, NumberText)
    # ...until one cell in 16 is: then chunks of text cost less.
    for number in range(300):
        written.append(f"about {number}")
        column.append(f"about {number}")
    assert isinstance(column.cells, ChunkedText)
    assert list(column.cells) == written


def test_a_missing_backend_names_its_extra(monkeypatch):
    import narwhals.stable.v1 as nw

    from okrkpi import MissingExtraError

    def missing(*args, **kwargs):
        raise ModuleNotFoundError("No module named 'polars'", name="polars")

    monkeypatch.setattr(nw, "from_dict", missing)
    with pytest.raises(MissingExtraError, match=r"okrkpi\[polars\]"):
        records_frame([{"a": 1}], backend="polars")


def test_a_backend_s_panic_is_a_validation_error_and_an_interrupt_stays_one(monkeypatch):
    import narwhals.stable.v1 as nw

    class PanicException(BaseException):
        pass

    def panic(*args, **kwargs):
        raise PanicException("called `Result::unwrap()` on an `Err` value")

    monkeypatch.setattr(nw, "from_dict", panic)
    with pytest.raises(ValidationError, match=r"records_frame.records\[0\]\.a: expected a value"):
        records_frame([{"a": 1}], backend="polars")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(nw, "from_dict", interrupted)
    with pytest.raises(KeyboardInterrupt):
        records_frame([{"a": 1}], backend="polars")


def test_a_frame_refused_only_as_a_whole_is_named_as_a_whole(monkeypatch):
    import narwhals.stable.v1 as nw

    real = nw.from_dict

    def only_single_columns(data, *args, **kwargs):
        if len(data) > 1:
            raise ValueError("columns of different lengths")
        return real(data, *args, **kwargs)

    monkeypatch.setattr(nw, "from_dict", only_single_columns)
    with pytest.raises(ValidationError, match=r"records_frame.records: cannot be a polars frame"):
        records_frame([{"a": 1, "b": None}, {"a": None, "b": 2}], backend="polars")


def test_numbers_too_large_for_a_float_are_named_not_converted():
    with pytest.raises(ValidationError, match=r"records\[1\]\.a: expected a value a polars"):
        records_frame([{"a": 0.5}, {"a": 10**400}], backend="polars")


def test_a_hostile_link_is_reported_with_every_other_bad_cell():
    found = problems(
        objectives=[OBJECTIVE, {**OBJECTIVE, "id": "keep", "alignment_weight": "heavy"}],
        key_results=[METRIC],
        check_ins=[check_in(key_result_id=["arr"]), check_in(at=JULY + timedelta(1), value="x")],
        kpis=[{"name": "churn"}],
        measurements=[{"kpi": {"churn"}, "at": JULY, "value": 1}],
    )
    assert found == [
        "check_ins[row 0].key_result_id: expected text, got ['arr']",
        "measurements[row 0].kpi: expected text, got {'churn'}",
        "check_ins[row 1].value: expected a finite number, got 'x'",
        "objectives[row 1].alignment_weight: expected a finite number, got 'heavy'",
    ]


def test_odd_cells_in_typed_columns_are_named_by_what_was_expected():
    import numpy as np

    found = problems(
        objectives=[
            {
                **OBJECTIVE,
                "title": np.array([1, 2]),
                "alignment_weight": [1],
                "closed_on": datetime(2026, 9, 30, 12),
                "cycle_start": JULY,
                "cycle_end": date(2026, 9, 30),
                "cycle_fiscal_start_month": 4.5,
            }
        ],
        key_results=[{**METRIC, "kind": "binary"}],
        check_ins=[check_in(value=[True]), check_in(at={"day": 1}, value=True)],
        kpis=[{"name": "churn", "higher_is_better": [True]}],
    )
    assert found == [
        "check_ins[row 0].value: expected True/False (or 1/0) for a binary key result, got [True]",
        "check_ins[row 1].at: expected a date or date-time, got {'day': 1}",
        "objectives[row 0].title: expected text, got array([1, 2])",
        "objectives[row 0].alignment_weight: expected a finite number, got [1]",
        (
            "objectives[row 0].closed_on: expected a date without a time, "
            "got datetime.datetime(2026, 9, 30, 12, 0)"
        ),
        "objectives[row 0].cycle_fiscal_start_month: expected a whole number, got 4.5",
        "kpis[row 0].higher_is_better: expected true or false, got [True]",
    ]


def test_ordinal_check_ins_read_zone_names_in_any_case():
    document = from_frames(
        objectives=[OBJECTIVE],
        key_results=[{**METRIC, "kind": "ordinal", "target_text": "Two articles"}],
        check_ins=[check_in(value=" Target ")],
    )
    assert history(document).latest_value() == 2.0


def test_a_bad_check_in_found_by_the_model_is_named_by_its_own_row_in_an_unsorted_table():
    with pytest.raises(ValidationError) as caught:
        from_frames(
            objectives=pl.DataFrame({"id": ["o"], "title": ["O"]}),
            key_results=pl.DataFrame(
                {"objective_id": ["o"], "id": ["k"], "title": ["K"], "kind": ["binary"]}
            ),
            check_ins=pl.DataFrame(
                {
                    "objective_id": ["o"] * 3,
                    "key_result_id": ["k"] * 3,
                    "at": [date(2026, 8, 20), date(2026, 8, 1), date(2026, 8, 10)],
                    "value": [1.0, 0.0, 0.5],
                }
            ),
        )
    (problem,) = caught.value.problems
    assert problem.path == "check_ins[row 2].value"  # the third row, third by date too
    assert "0.5" in problem.message


@pytest.mark.parametrize("values", [[1.0, 0.5], ["yes", "0.5"], [True, 0.5]])
def test_a_binary_key_results_bad_value_is_worded_alike_in_a_column_of_floats_or_not(values):
    with pytest.raises(ValidationError) as caught:
        from_frames(
            objectives=[{"id": "o", "title": "O"}],
            key_results=[{"objective_id": "o", "id": "k", "title": "K", "kind": "binary"}],
            check_ins=pd.DataFrame(
                {
                    "objective_id": ["o"] * 2,
                    "key_result_id": ["k"] * 2,
                    "at": [date(2026, 8, 1), date(2026, 8, 2)],
                    "value": pd.Series(values, dtype=None if values[0] == 1.0 else object),
                }
            ),
        )
    (problem,) = caught.value.problems
    assert problem.path == "check_ins[row 1].value"
    assert problem.message.startswith("expected True/False (or 1/0) for a binary key result, got")


def test_check_ins_of_key_results_taken_in_turns_read_as_if_grouped():
    key_results = [{**METRIC, "id": "a", "title": "A"}, {**METRIC, "id": "b", "title": "B"}]
    days = [date(2026, 7, day) for day in range(1, 8)]
    # a, b, a, b, a...: the rows of each key result come in several runs.
    in_turns = [
        {"objective_id": OBJECTIVE["id"], "key_result_id": "ab"[n % 2], "at": day, "value": n}
        for n, day in enumerate(days)
    ]
    grouped = sorted(in_turns, key=lambda row: row["key_result_id"])
    read = from_rows({"objectives": [OBJECTIVE], "key_results": key_results, "check_ins": in_turns})
    assert read == from_rows(
        {"objectives": [OBJECTIVE], "key_results": key_results, "check_ins": grouped}
    )
    (objective,) = read.objectives
    assert [len(kr.check_ins) for kr in objective.key_results] == [4, 3]
    assert objective.key_results[0].check_ins.values == (0.0, 2.0, 4.0, 6.0)


def test_link_cells_are_read_once_each_and_a_bad_one_is_reported_in_its_rows():
    def check_in(objective_id, day):
        return {"objective_id": objective_id, "key_result_id": "arr", "at": day, "value": 1.0}

    grow = OBJECTIVE["id"]
    rows = [
        check_in(cell, date(2026, 7, day))
        for day, cell in enumerate([grow, ["grow"], f" {grow} ", 7.5, ["grow"], grow], start=1)
    ]
    with pytest.raises(ValidationError) as raised:
        from_rows({"objectives": [OBJECTIVE], "key_results": [METRIC], "check_ins": rows})
    assert [str(problem) for problem in raised.value.problems] == [
        "check_ins[row 1].objective_id: expected text, got ['grow']",
        "check_ins[row 3].objective_id: expected text, got 7.5",
        "check_ins[row 4].objective_id: expected text, got ['grow']",
    ]
    # Without the bad cells, the padded id links as the plain one does.
    good = [row for row in rows if not isinstance(row["objective_id"], list | float)]
    read = from_rows({"objectives": [OBJECTIVE], "key_results": [METRIC], "check_ins": good})
    assert len(read.objectives[0].key_results[0].check_ins) == 3


key_cells = st.lists(
    st.one_of(
        st.sampled_from(["a", " a", "a ", "b", "", "  ", None, 7, 7.0, True, float("nan")]),
        st.text(max_size=3),
        st.integers(-3, 300),
    ),
    max_size=400,
)


@given(key_cells, st.booleans())
def test_link_cells_read_at_once_read_as_row_by_row(cells, streamed):
    from okrkpi._edges._cells import SharedCells
    from okrkpi._edges.tables import _keys_at_once, _keys_row_by_row, _Reader

    given_cells = SharedCells(cells) if streamed else cells
    at_once = _keys_at_once(given_cells)
    reader = _Reader()
    row_by_row = _keys_row_by_row(reader, "check_ins", "objective_id", given_cells)
    if at_once is None:
        assert reader.problems  # only a cell it cannot read sends it row by row
    else:
        assert not reader.problems
        assert list(at_once) == list(row_by_row)
        assert len(at_once.distinct) == len(set(row_by_row))


def test_rows_whose_key_cannot_be_read_each_take_their_steps_as_before():
    milestones = {**METRIC, "id": "", "kind": "milestones"}
    step = {"objective_id": OBJECTIVE["id"], "key_result_id": "", "name": "s1"}
    with pytest.raises(ValidationError) as raised:
        from_rows(
            {
                "objectives": [OBJECTIVE],
                "key_results": [milestones, milestones],
                "milestones": [step],
            }
        )
    assert [str(problem) for problem in raised.value.problems] == [
        "key_results[row 0].id: a value is required",
        "key_results[row 1].id: a value is required",
    ]
    metric = {**METRIC, "objective_id": ""}
    with pytest.raises(ValidationError) as raised:
        from_rows(
            {
                "objectives": [OBJECTIVE],
                "key_results": [metric, metric],
                "milestones": [{**step, "objective_id": "", "key_result_id": "arr"}],
            }
        )
    found = [str(problem) for problem in raised.value.problems]
    assert (
        found.count("milestones[row 0].key_result_id: a metric key result has no milestones") == 2
    )


@pytest.mark.parametrize("backend", ["polars", "pyarrow", "pandas-string"])
def test_text_that_repeats_in_a_frame_reads_as_its_rows_do(backend):
    key_results = [{**METRIC, "id": f"k{n}", "title": f"K{n}"} for n in range(40)]
    notes = [None, "on track", "", "blocked", None, " spaced "]
    check_ins = [
        {
            "objective_id": OBJECTIVE["id"],
            "key_result_id": f"k{n % 40}",
            "at": date(2026, 7, 1) + timedelta(days=n // 40),
            "value": float(n),
            "note": notes[n % len(notes)],
        }
        for n in range(40 * 30)
    ]
    columns = {name: [row[name] for row in check_ins] for name in check_ins[0]}
    if backend == "polars":
        frame = pl.DataFrame(columns)
    elif backend == "pyarrow":
        frame = pa.table(columns)
    else:
        frame = pd.DataFrame(columns).astype({"key_result_id": "string", "note": "string"})
    from okrkpi._edges._cells import SharedCells
    from okrkpi._edges.tables import _as_columns

    cells, _ = _as_columns("check_ins", frame)  # no object per row
    assert isinstance(cells["key_result_id"], SharedCells)
    assert isinstance(cells["note"], SharedCells)
    assert isinstance(cells["at"], list if backend == "pandas-string" else SharedCells)
    assert cells["value"].typecode == "d"
    tables = {"objectives": [OBJECTIVE], "key_results": key_results}
    read = from_frames(**tables, check_ins=frame)
    assert read == from_rows({**tables, "check_ins": check_ins})
    second = read.objectives[0].key_results[1].check_ins  # rows 1, 41, 81...
    assert [check_in.note for check_in in second] == [
        notes[n % 6] or "" for n in range(1, 1200, 40)
    ]


@pytest.mark.parametrize("bad", [float("nan"), None, float("inf")])
def test_a_bad_number_in_a_long_frame_column_is_reported_as_in_rows(bad):
    check_ins = [
        {
            "objective_id": OBJECTIVE["id"],
            "key_result_id": METRIC["id"],
            "at": datetime(2026, 7, 1) + timedelta(minutes=n),
            "value": bad if n == 700 else float(n),
        }
        for n in range(1_500)
    ]
    tables = {"objectives": [OBJECTIVE], "key_results": [METRIC]}
    with pytest.raises(ValidationError) as from_a_frame:
        from_frames(**tables, check_ins=pl.DataFrame(check_ins))
    with pytest.raises(ValidationError) as from_dicts:
        from_rows({**tables, "check_ins": check_ins})
    found = [str(problem) for problem in from_a_frame.value.problems]
    assert found == [str(problem) for problem in from_dicts.value.problems]
    assert found[0].startswith("check_ins[row 700].value: ")


good_cells = {
    "number": st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(-3, 3),
        st.sampled_from(["12", " 3.5 ", "1,250", Decimal("2.5")]),
    ),
    "text": st.one_of(st.sampled_from(["o1", " o2 ", "k 3"]), st.integers(0, 9)),
    "written": st.sampled_from(["A title", " spaced ", "Café"]),
}
odd_cells = st.sampled_from([None, "", "  ", "x", "1,4", float("nan"), float("inf"), True, 2.5])


@given(
    st.sampled_from(["number", "text", "written"]).flatmap(
        lambda kind: st.tuples(st.just(kind), st.lists(good_cells[kind], max_size=40))
    ),
    st.lists(st.tuples(st.integers(0, 40), odd_cells), max_size=2),
    st.sampled_from(["list", "shared", "doubles"]),
    st.booleans(),
)
def test_a_column_read_whole_reads_and_reports_as_cell_by_cell(kind_cells, odd, shape, required):
    from array import array

    from okrkpi._edges._cells import SharedCells
    from okrkpi._edges.tables import _Columns, _number, _Reader, _text, _written

    kind, cells = kind_cells
    for position, cell in odd:  # at most two odd cells among good ones
        cells.insert(min(position, len(cells)), cell)
    read = {"number": _number, "text": _text, "written": _written}[kind]
    if shape == "doubles":
        column: Any = array("d", [cell for cell in cells if type(cell) is float])
    else:
        column = SharedCells(cells) if shape == "shared" else cells
    whole, by_cell = _Reader(), _Reader()
    columns = {"start": column}
    reads = _Columns(whole, "key_results", columns)
    first = [reads(row, "start", read, required) for row in range(len(column))]
    second = [
        by_cell.cell("key_results", columns, row, "start", read, required=required)
        for row in range(len(column))
    ]
    assert first == second
    assert whole.problems == by_cell.problems
    assert reads(0, "unit", _written) is None  # a column the table lacks: not set


def test_one_bad_cell_among_thousands_is_reported_in_row_order_with_the_rest():
    key_results = [{**METRIC, "id": f"k{n}", "title": f"K{n}"} for n in range(2_000)]
    key_results[1_500] = {**key_results[1_500], "start": "lots"}
    key_results[700] = {**key_results[700], "title": None}
    key_results[1_800] = {**key_results[1_800], "objective_id": "elsewhere"}
    tables = {"objectives": [OBJECTIVE]}
    with pytest.raises(ValidationError) as from_a_frame:
        from_frames(**tables, key_results=pl.DataFrame(key_results, infer_schema_length=None))
    with pytest.raises(ValidationError) as from_dicts:
        from_rows({**tables, "key_results": key_results})
    found = [str(problem) for problem in from_a_frame.value.problems]
    assert found == [str(problem) for problem in from_dicts.value.problems]
    assert found == [
        "key_results[row 1800].objective_id: no objective has the id 'elsewhere'",
        "key_results[row 700].title: a value is required",
        "key_results[row 1500].start: expected a finite number, got 'lots'",
    ]


@pytest.mark.parametrize("enabled", [True, False])
def test_bulk_calls_leave_the_cycle_collector_as_they_found_it(enabled):
    import gc

    from okrkpi.serde import dumps, loads

    document = from_rows({"objectives": [OBJECTIVE], "key_results": [METRIC]})
    calls = [
        lambda: from_rows({"objectives": [OBJECTIVE], "key_results": [METRIC]}),
        lambda: from_rows({"objectives": [OBJECTIVE], "key_results": [{**METRIC, "start": "x"}]}),
        lambda: loads(dumps(document), Document),
        lambda: loads('{"objectives": [{"title": 3}]}', Document),
        lambda: to_frames(document, backend="polars"),
    ]
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        for call in calls:
            with contextlib.suppress(ValidationError):
                call()
            assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()


def test_an_empty_document_written_by_to_csv_reads_back_empty(tmp_path):
    to_csv(Document(()), tmp_path)
    assert read_csv(tmp_path) == Document(())
    assert from_frames(**to_frames(Document(()))) == Document(())  # as the frames do
