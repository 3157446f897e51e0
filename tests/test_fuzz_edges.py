"""Hostile input into the edges that read: tables of any backend, CSV folders, TOML.

Only okrkpi's errors may escape; what is accepted is a document. Inputs are kept small,
so each example runs in milliseconds and the whole property in bounded time.
"""

import contextlib
import tempfile
import warnings
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrkpi import ConfidenceScale, OkrKpiError
from okrkpi._edges.cli import _read
from okrkpi._edges.serde import toml_key_parts
from okrkpi.serde import Document, loads_toml
from okrkpi.tables import TABLES, from_frames, from_rows
from test_fuzz import HOSTILE

FUZZ = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)

# Cells that look like what a table should hold, beside the hostile ones.
PLAUSIBLE = st.sampled_from(
    [
        "grow",
        "arr",
        "2026-Q3",
        "metric",
        "binary",
        "milestones",
        "2026-07-01",
        "2026-07-01T00:00",
        "7/1/2026",
        "1,250",
        "0.5",
        "0.5/10",
        "green",
        "high",
        "true",
        "target",
        "a;b",
        "churn",
        0,
        1,
        10,
        -3.5,
        date(2026, 7, 1),
        datetime(2026, 9, 30, 18, 30),
    ]
)
CELLS = st.one_of(PLAUSIBLE, HOSTILE)
OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "extra_columns": st.sampled_from(["error", "warn", "ignore"]),
        "confidence_scale": st.sampled_from(
            [ConfidenceScale.traffic_light(), ConfidenceScale("percent", maximum=100)]
        ),
        "date_format": st.sampled_from(["%m/%d/%Y", "%Y-%m-%dT%H:%M"]),
        "link_objectives_by": st.sampled_from(["id", "title"]),
    },
)


@st.composite
def tables(draw, cells=CELLS):
    """A few tables, each with some of its columns (and an odd one), a few rows each."""
    chosen = draw(st.lists(st.sampled_from(list(TABLES)), min_size=1, max_size=4, unique=True))
    drawn = {}
    for table in chosen:
        names = draw(
            st.lists(
                st.sampled_from([*TABLES[table], "Cycle", "notes", "wieght"]),
                min_size=1,
                max_size=6,
                unique=True,
            )
        )
        drawn[table] = draw(
            st.lists(st.fixed_dictionaries(dict.fromkeys(names, cells)), max_size=4)
        )
    return drawn


def only_okrkpi_errors(read, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # extra_columns="warn" warns: that is not an error
        try:
            result = read(*args, **kwargs)
        except OkrKpiError:
            return None
    assert isinstance(result, Document)
    return result


@FUZZ
@given(tables(), OPTIONS)
def test_rows_of_hostile_cells_raise_only_okrkpi_errors(drawn, options):
    only_okrkpi_errors(from_rows, drawn, **options)


@FUZZ
@given(tables(), OPTIONS)
def test_pandas_frames_of_hostile_cells_raise_only_okrkpi_errors(drawn, options):
    frames = {table: pd.DataFrame(rows, dtype=object) for table, rows in drawn.items()}
    only_okrkpi_errors(from_frames, **frames, **options)


# A typed frame column holds one kind of value: each column draws its cells from one kind.
KINDS = st.sampled_from(
    [
        st.none() | st.text(max_size=6),
        st.none() | st.integers(-(2**62), 2**62),
        st.none() | st.floats(allow_nan=True, allow_infinity=True),
        st.none() | st.booleans(),
        st.none() | st.dates(date(1000, 1, 1), date(3000, 1, 1)),
        st.none() | st.datetimes(datetime(1000, 1, 1), datetime(3000, 1, 1)),
        st.none() | st.lists(st.integers(0, 9), max_size=2),
    ]
)


@st.composite
def typed_columns(draw):
    table = draw(st.sampled_from(list(TABLES)))
    names = draw(
        st.lists(st.sampled_from([*TABLES[table], "notes"]), min_size=1, max_size=6, unique=True)
    )
    count = draw(st.integers(0, 4))
    data = {name: draw(st.lists(draw(KINDS), min_size=count, max_size=count)) for name in names}
    return table, data


@FUZZ
@given(typed_columns(), st.sampled_from(["polars", "pyarrow"]), OPTIONS)
def test_typed_frames_of_any_backend_raise_only_okrkpi_errors(drawn, backend, options):
    table, data = drawn
    try:
        frame = pl.DataFrame(data) if backend == "polars" else pa.table(data)
    except (TypeError, ValueError, OverflowError, pa.ArrowException, pl.exceptions.PolarsError):
        return  # a column the backend itself cannot make
    only_okrkpi_errors(from_frames, **{table: frame}, **options)


# -- a folder of CSV files ----------------------------------------------------------------

CSV_PIECES = st.sampled_from(
    [
        ",",
        '"',
        '""',
        "\n",
        "\r\n",
        "\r",
        "\x00",
        "\ufeff",
        "\u2028",
        "\x1b[2J",
        "'=1+2",
        "1,250",
        "grow",
        "2026-07-01",
        "id",
        "title",
        "objective_id",
        "key_result_id",
        "at",
        "value",
        "kind",
        "metric",
        "confidence",
        "0.5",
        "é",
        "\ud800",
    ]
)
CSV_TEXT = st.lists(CSV_PIECES | st.text(max_size=4), max_size=40).map("".join)


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(list(TABLES)),
        CSV_TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")) | st.binary(max_size=60),
        min_size=1,
        max_size=3,
    ),
    st.fixed_dictionaries({}, optional={"extra_columns": st.sampled_from(["warn", "ignore"])}),
)
def test_a_folder_of_hostile_csv_files_raises_only_okrkpi_errors(files, options):
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for table, content in files.items():
            (folder / f"{table}.csv").write_bytes(content)
        only_okrkpi_errors(_read, folder, 10_000, options)


# -- TOML -------------------------------------------------------------------------------------

TOML_PIECES = st.sampled_from(
    [
        "[",
        "]",
        "[[",
        "]]",
        "{",
        "}",
        "=",
        ".",
        " . ",
        ",",
        "\n",
        "#",
        '"',
        "'",
        '"""',
        "'''",
        "\\",
        "\\u",
        "a",
        "objectives",
        "title",
        "key_results",
        "measure",
        "kind",
        "1",
        "1.5",
        "2026-07-01",
        "nan",
        "inf",
        "true",
        "\u2028",
        "\x00",
        "\ud800",
    ]
)
TOML_TEXT = st.one_of(st.text(max_size=30), st.lists(TOML_PIECES, max_size=50).map("".join))


@FUZZ
@given(TOML_TEXT)
def test_any_toml_text_raises_only_validation_errors(text):
    parts = toml_key_parts(text)
    assert parts >= 1
    with contextlib.suppress(OkrKpiError):
        assert isinstance(loads_toml(text, Document), Document)
