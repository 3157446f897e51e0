"""score_frames: the columnar engine gives the pure engine's answers on every backend.

Rows are compared after the documented order (as_of, then objectives and key results in
their tables' order): values and progress within 1e-9; grades, met and statuses equal.
"""

from __future__ import annotations

import functools
import math
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import helpers
from okrkpi import (
    AlignmentTree,
    ConfidenceRating,
    Cycle,
    KeyResult,
    Objective,
    ScoringPolicy,
    ValidationError,
)
from okrkpi.serde import Document
from okrkpi.strategies import (
    children_only,
    driven_by_initiatives,
    driven_key_results,
    gap_pace,
    google_grader,
    key_results_and_children,
    minimum,
    ratio_pace,
    weighted_geometric_mean,
    zone_values,
)
from okrkpi.tables import TABLES, from_frames, from_rows, score_frames, scores_frame, to_frames
from okrkpi.testing import dags, trees

# PySpark warns about the pandas it finds; narwhals that its Dask support moves out.
pytestmark = [
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
    pytest.mark.filterwarnings("ignore:Dask support is moving out of Narwhals"),
]

SCORED = ("objectives", "alignments", "key_results", "check_ins", "milestones", "plans")


def frames_of(tree, backend="polars"):
    frames = to_frames(Document(tuple(tree)), backend=backend)
    return {name: frames[name] for name in SCORED if name in frames}


def as_rows(result):
    frame = nw.from_native(result)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect(backend="polars")
    return frame.to_polars().to_dicts()


def expected_rows(tree, dates, by, policy):
    return scores_frame(
        tree, dates, backend="polars", key_results=by == "key_result", policy=policy
    ).to_dicts()


def assert_same(got, expected):
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected, strict=True):
        keys = ("as_of", "objective_id", "key_result_id", "objective", "key_result")
        assert {k: mine.get(k) for k in keys} == {k: theirs.get(k) for k in keys}
        for number in ("progress", "value", "current"):
            if number in theirs:
                if theirs[number] is None:
                    assert mine[number] is None
                else:
                    assert math.isclose(mine[number], theirs[number], abs_tol=1e-9), (
                        number,
                        mine,
                        theirs,
                    )
        for label in ("grade", "met", "status"):
            assert mine[label] == theirs[label], (label, mine, theirs)
        for text in ("owner", "cycle"):
            if text in theirs:
                assert mine[text] == theirs[text]


POLICIES = st.sampled_from(
    [
        ScoringPolicy(),
        ScoringPolicy(aggregator=minimum()),
        ScoringPolicy(aggregator=weighted_geometric_mean()),
        ScoringPolicy(overachievement_cap=1.5),
        ScoringPolicy(rollup=children_only()),
        ScoringPolicy(rollup=key_results_and_children(children_share=0.3)),
        ScoringPolicy(rollup=key_results_and_children(), aggregator=minimum()),
        ScoringPolicy(rollup=key_results_and_children(), aggregator=weighted_geometric_mean()),
        ScoringPolicy(rollup=driven_key_results()),
        ScoringPolicy(grader=google_grader(yellow=0.3, green=0.6), pace=gap_pace(at_risk_gap=0.1)),
        ScoringPolicy(pace=ratio_pace()),
        ScoringPolicy(day_of="utc", rollup=key_results_and_children()),
        ScoringPolicy(grader=google_grader(tolerance=0.0), pace=gap_pace(tolerance=0.0)),
        ScoringPolicy(
            scorers={"zoned": zone_values(commit=0.2, target=0.5), "ordinal": zone_values()}
        ),
    ]
)
DATES = st.lists(
    st.dates(min_value=date(2019, 6, 1), max_value=date(2031, 6, 30)), min_size=1, max_size=4
)


def duckdb_relations(tree):
    import duckdb

    connection = duckdb.connect()
    return {
        name: connection.from_arrow(frame) for name, frame in frames_of(tree, "pyarrow").items()
    }


def dask_frames(tree):
    dd = pytest.importorskip("dask.dataframe")
    # Typed columns (arrow-backed pandas): a lazy frame has no cells to read one by one.
    return {
        name: dd.from_pandas(frame.to_pandas(use_pyarrow_extension_array=True), npartitions=2)
        for name, frame in frames_of(tree, "polars").items()
    }


SPARK = {}


def spark_frames(tree):
    session = SPARK["session"]
    # Spark cannot type an empty table's columns of nulls: documents with rows in each.
    assume(all(len(frames_of(tree, "pyarrow")[name]) for name in ("key_results", "check_ins")))
    return {
        name: session.createDataFrame(frame)
        for name, frame in frames_of(tree, "pyarrow").items()
        if len(frame)
    }


BACKENDS = {
    "polars": (lambda tree: frames_of(tree, "polars"), pl.DataFrame),
    "polars-lazy": (
        lambda tree: {name: f.lazy() for name, f in frames_of(tree, "polars").items()},
        pl.LazyFrame,
    ),
    "pandas": (lambda tree: frames_of(tree, "pandas"), "pandas.DataFrame"),
    "pyarrow": (lambda tree: frames_of(tree, "pyarrow"), "pyarrow.Table"),
    "duckdb": (duckdb_relations, "duckdb.DuckDBPyRelation"),
    "dask": (dask_frames, "dask.DataFrame"),
    "spark": (spark_frames, "pyspark.DataFrame"),
}


def kind_of(frame):
    kind = type(frame)
    return f"{kind.__module__.split('.')[0]}.{kind.__name__}"


# DuckDB plans each query afresh (about a second for these plans), Spark runs a job per
# query: fewer examples there.
EXAMPLES = {"duckdb": 4, "dask": 2, "spark": 2}


def examples_on(backend):
    """Hypothesis' settings for a property checked on `backend`."""
    return settings(
        suppress_health_check=[HealthCheck.too_slow],
        max_examples=EXAMPLES.get(backend, 12),
        deadline=None,
    )


@pytest.fixture(scope="session")
def spark():
    if shutil.which("java") is None:
        pytest.skip("no Java runtime: PySpark needs one (.ci/run installs openjdk-17)")
    sql = pytest.importorskip("pyspark.sql")
    session = (
        sql.SparkSession.builder.master("local[1]")
        .appName("okrkpi-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        # Each example runs dozens of queries; the default 1 GiB heap ran out midway.
        .config("spark.driver.memory", "3g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    SPARK["session"] = session
    yield session
    session.stop()


# What to_frames writes as ISO text (an `at` column with date-times) is read on eager frames
# and polars LazyFrames; the SQL and distributed backends refuse it by name: dates there.
DATED = {"duckdb", "dask", "spark"}
# Dask and Spark run a job per query (Spark also starts a JVM): the slow step runs them.
SLOW = {"dask", "spark"}


@pytest.mark.parametrize(
    "backend",
    [pytest.param(name, marks=pytest.mark.slow) if name in SLOW else name for name in BACKENDS],
)
def test_every_backend_gives_the_pure_engines_answers(backend, request):
    if backend == "spark":
        request.getfixturevalue("spark")
    check = examples_on(backend)(
        given(GRAPHS if backend in DATED else MOMENTS, DATES, POLICIES, BY)(same_answers)
    )
    check(backend=backend)


@pytest.mark.parametrize(
    "backend",
    [
        pytest.param(name, marks=pytest.mark.slow) if name in SLOW else name
        for name in ("polars-lazy", "duckdb", "dask", "spark")
    ],
)
def test_from_frames_reads_the_tables_score_frames_reads_lazy_ones_collected(backend, request):
    # score_frames scores "the tables from_frames reads": a lazy frame is one of them.
    if backend == "spark":
        request.getfixturevalue("spark")

    @examples_on(backend)
    @given(GRAPHS if backend in DATED else MOMENTS)
    def check(tree):
        read = from_frames(**BACKENDS[backend][0](tree))
        assert read == from_frames(**frames_of(tree, "pyarrow"))
        assert read.objectives  # not read as no tables

    check()


@pytest.mark.parametrize("backend", ["polars-lazy", "duckdb"])
def test_a_lazy_frames_bad_rows_are_the_problems_from_frames_finds_in_it(backend):
    tables = one_metric_tables()
    tables["key_results"] = tables["key_results"].vstack(
        tables["key_results"].with_columns(id=pl.lit("k2"), target=pl.lit(0.0))  # start = target
    )
    tables["check_ins"] = pl.concat(
        [
            tables["check_ins"],
            tables["check_ins"].with_columns(key_result_id=pl.lit("ghost")),  # dangling
            tables["check_ins"].with_columns(value=pl.lit(float("nan"))),  # no value
        ]
    )
    given = polars_tables_as(tables, backend)
    with pytest.raises(ValidationError) as read:
        from_frames(**given)
    with pytest.raises(ValidationError) as scored:
        score_frames(date(2026, 8, 15), **given)
    assert [str(problem) for problem in scored.value.problems] == [
        str(problem) for problem in read.value.problems
    ]
    assert len(read.value.problems) == 3


def as_text(frames):
    """Every date, date-time and true/false column written as text, as SQLite keeps them."""
    return {
        name: frame.with_columns(
            pl.col(column).cast(pl.String)
            for column, dtype in frame.schema.items()
            if dtype in (pl.Date, pl.Boolean) or isinstance(dtype, pl.Datetime)
        )
        for name, frame in frames.items()
    }


def refused_alike(tables, day=date(2026, 8, 15)):
    """The error `from_frames` and `score_frames` both raise on `tables`, as text."""
    with pytest.raises(ValidationError) as read:
        from_frames(**tables)
    with pytest.raises(ValidationError) as scored:
        score_frames(day, **tables)
    assert str(scored.value) == str(read.value)
    return str(read.value)


def lazy_tables(frames, backend):
    """polars tables as a database's: duckdb or spark."""
    if backend == "duckdb":
        import duckdb

        connection = duckdb.connect()
        return {name: connection.from_arrow(frame.to_arrow()) for name, frame in frames.items()}
    return {  # Spark cannot type an empty table's columns of nulls: left out
        name: SPARK["session"].createDataFrame(frame.to_arrow())
        for name, frame in frames.items()
        if len(frame)
    }


@pytest.mark.parametrize(
    "backend",
    ["duckdb", pytest.param("spark", marks=pytest.mark.slow)],
)
def test_a_database_column_of_text_dates_and_booleans_is_read_by_its_distinct_cells(
    backend, request
):
    # SQLite keeps dates and booleans as text: read as from_frames reads them, each
    # distinct cell once, then scored as the same typed tables are.
    if backend == "spark":
        request.getfixturevalue("spark")

    @examples_on(backend)
    @given(GRAPHS, DATES, BY)
    def check(tree, dates, by):
        frames = frames_of(tree, "polars")
        if backend == "spark":  # it needs rows to type a required table
            assume(all(len(frames[name]) for name in ("key_results", "check_ins")))
        tables = lazy_tables(as_text(frames), backend)
        assert_same(
            as_rows(score_frames(dates, by=by, **tables)), expected_rows(tree, dates, by, None)
        )

    check()


def with_text_cells(tables):
    """`one_metric_tables` with days and true/false as text, and a plan and a threshold."""
    tables = {
        **tables,
        "key_results": pl.concat(
            [
                tables["key_results"].with_columns(above=pl.lit(None, pl.String)),
                pl.DataFrame(
                    {"objective_id": ["o"], "id": ["t"], "title": ["T"], "kind": ["threshold"]}
                    | {"threshold": [5.0], "above": ["yes"]}
                ),
            ],
            how="diagonal_relaxed",
        ),
        "plans": pl.DataFrame(
            {"objective_id": ["o"] * 2, "key_result_id": ["k"] * 2}
            | {"at": ["2026-07-31", "2026-08-31"], "value": [5.0, 8.0]}
        ),
    }
    return as_text(tables)


@pytest.mark.parametrize("backend", ["duckdb", pytest.param("spark", marks=pytest.mark.slow)])
@pytest.mark.parametrize(
    ("table", "column", "row", "cell"),
    [
        ("plans", "at", 1, "soon"),
        ("plans", "at", 0, "2026-07-31T05:00"),  # a time in a column of days
        ("key_results", "above", 1, "maybe"),
        ("check_ins", "at", 0, "yesterday"),
        ("objectives", "cycle", 0, "2026-Q5"),
    ],
)
def test_a_database_columns_bad_text_cells_are_named_as_from_frames_names_them(
    backend, table, column, row, cell, request
):
    if backend == "spark":
        request.getfixturevalue("spark")
    tables = with_text_cells(one_metric_tables())
    fine = lazy_tables(tables, backend)
    expected = expected_rows(
        AlignmentTree(from_frames(**tables).objectives), [date(2026, 8, 15)], "objective", None
    )
    assert_same(as_rows(score_frames(date(2026, 8, 15), **fine)), expected)
    tables[table] = tables[table].with_columns(
        pl.when(pl.int_range(pl.len()) == row)
        .then(pl.lit(cell))
        .otherwise(pl.col(column))
        .alias(column)
    )
    given = lazy_tables(tables, backend)
    assert refused_alike(given).startswith(f"{table}[row {row}].{column}: expected ")


@pytest.mark.parametrize(
    "moments",
    [
        [(date(2026, 7, 1) + timedelta(days=day)).isoformat() for day in range(1001)],
        ["2026-07-01T10:00", "2026-07-02T10:00+02:00"],  # naive and aware
    ],
)
def test_a_database_column_of_text_past_what_distinct_cells_read_is_refused_by_type(moments):
    # More distinct cells than are read one by one, or date-times the model refuses by
    # the row that mixes them: the column must be typed, and the call says so.
    tables = one_metric_tables()
    tables["check_ins"] = pl.DataFrame(
        {"objective_id": "o", "key_result_id": "k", "at": moments, "value": 4.0}
    )
    with pytest.raises(ValidationError) as refused:
        score_frames(date(2026, 8, 15), **lazy_tables(tables, "duckdb"))
    assert str(refused.value) == (
        "check_ins.at: expected a column of dates or date-times, got 'String'"
    )


@pytest.mark.parametrize("backend", ["duckdb", pytest.param("spark", marks=pytest.mark.slow)])
def test_bad_cells_from_frames_never_reads_are_not_counted_past_the_first_hundred(backend, request):
    # `above` means nothing to a metric: from_frames never reads it. Its 150 bad cells
    # were counted past the hundred fetched, and raised an error listing nothing.
    if backend == "spark":
        request.getfixturevalue("spark")
    tables = one_metric_tables()
    tables["key_results"] = pl.concat(
        [tables["key_results"]]
        + [tables["key_results"].with_columns(id=pl.lit(f"k{number}")) for number in range(150)]
    ).with_columns(above=pl.lit("n/a"))
    given = lazy_tables(tables, backend)
    expected = expected_rows(
        AlignmentTree(from_frames(**given).objectives), [date(2026, 8, 15)], "objective", None
    )
    assert_same(as_rows(score_frames(date(2026, 8, 15), **given)), expected)
    # A problem from_frames meets, beside 250 bad cells of key results it never reads.
    tables["key_results"] = tables["key_results"].with_columns(
        pl.when(pl.col("id") == "k").then(None).otherwise(pl.col("target")).alias("target")
    )
    tables["check_ins"] = pl.DataFrame(
        {"objective_id": "o", "key_result_id": "k", "at": [f"x{n}" for n in range(250)]}
        | {"value": 4.0}
    )
    given = lazy_tables(tables, backend)
    assert refused_alike(given) == "key_results[row 0].target: a value is required"


@pytest.mark.parametrize("backend", ["polars", "pandas", "duckdb"])
def test_the_cells_of_rows_repeated_past_the_first_hundred_are_not_counted(backend):
    # from_frames reads no cell of a repeated key result's row; those of the rows past
    # the hundred fetched were counted among the rest ("... and 99 more", not 50).
    tables = one_metric_tables()
    tables["key_results"] = pl.concat([tables["key_results"]] * 150).with_columns(
        start=pl.lit("zero")
    )
    message = refused_alike(polars_tables_as(tables, backend))
    assert message.endswith("; ... and 50 more problems")


def test_a_blank_cell_is_not_one_of_the_distinct_cells_read():
    days = [(date(2026, 7, 1) + timedelta(days=day)).isoformat() for day in range(1000)]
    tables = one_metric_tables()
    tables["check_ins"] = pl.DataFrame(
        {"objective_id": "o", "key_result_id": "k", "at": [*days, " "], "value": 4.0}
    )
    given = lazy_tables(tables, "duckdb")
    assert refused_alike(given) == "check_ins[row 1000].at: a value is required"


def test_a_database_time_stamp_in_nanoseconds_holding_a_time_is_refused_by_its_type():
    # A cell's nanoseconds do not survive the query that finds its rows.
    import duckdb

    connection = duckdb.connect()
    tables = lazy_tables(one_metric_tables(), "duckdb")
    tables["plans"] = connection.sql(
        "SELECT 'o' AS objective_id, 'k' AS key_result_id, 5.0 AS value, "
        "TIMESTAMP_NS '2026-08-31 05:00:00.000000001' AS at"
    )
    tables = {
        name: connection.from_arrow(relation.to_arrow_table()) for name, relation in tables.items()
    }
    with pytest.raises(ValidationError, match=r"^plans\.at: expected a column of dates, got "):
        score_frames(date(2026, 8, 15), **tables)


def test_ids_a_database_keeps_as_uuids_are_read_as_their_text():
    # PostgreSQL and DuckDB apps often key rows by UUID, a type narwhals does not name.
    import duckdb

    connection = duckdb.connect()
    uuid = "'6f1c6a2e-1b1a-4c1e-9a51-3f0c3c0b2a11'::UUID"
    tables = {
        "objectives": connection.sql(f"SELECT {uuid} AS id, 'O' AS title, '2026-Q3' AS cycle"),
        "key_results": connection.sql(
            f"SELECT {uuid} AS objective_id, 'k' AS id, 'K' AS title, 'metric' AS kind, "
            "0.0 AS start, 10.0 AS target"
        ),
        "check_ins": connection.sql(
            f"SELECT {uuid} AS objective_id, 'k' AS key_result_id, DATE '2026-07-10' AS at, "
            "4.0 AS value"
        ),
    }
    tree = AlignmentTree(from_frames(**tables).objectives)
    expected = expected_rows(tree, [date(2026, 8, 15)], "objective", None)
    assert expected[0]["objective_id"] == "6f1c6a2e-1b1a-4c1e-9a51-3f0c3c0b2a11"
    assert_same(as_rows(score_frames(date(2026, 8, 15), **tables)), expected)


@pytest.mark.parametrize(
    ("zone", "named"),
    [
        ("Z", "UTC"),
        ("GMT+2", "+02:00"),
        ("UTC-05:30", "-05:30"),
        ("Europe/Berlin", "Europe/Berlin"),
    ],
)
def test_a_spark_session_zone_is_named_as_the_tz_database_names_it(zone, named):
    from okrkpi._edges.tables import _zone_name

    assert _zone_name(zone) == named


def test_time_stamps_in_a_spark_session_zone_no_library_reads_are_refused_by_its_name():
    from okrkpi._edges.tables import _shown_in

    frame = nw.from_native(
        pl.DataFrame({"at": [datetime(2026, 7, 1, 22, tzinfo=UTC)]}), eager_only=True
    )
    assert _shown_in(nw, frame, "GMT+2").to_native()["at"].to_list() == [datetime(2026, 7, 2)]
    with pytest.raises(ValidationError, match="^spark.sql.session.timeZone: expected a time zone"):
        _shown_in(nw, frame, "Mars/Olympus")


def test_a_database_relation_with_a_column_name_twice_is_refused_by_name():
    import duckdb

    relation = duckdb.connect().sql("SELECT 'o' AS id, 'O' AS title, 'x' AS title")
    with pytest.raises(ValidationError, match="^objectives: expected a frame with one column"):
        from_frames(objectives=relation)


BY = st.sampled_from(["objective", "key_result"])
# Trees (one parent, the `parent_id` columns) and graphs with several parents (the first
# in `parent_id`, the others in the alignments table).
GRAPHS = st.one_of(trees(max_objectives=6), dags(max_objectives=6))
# A check-in's day as a date, a naive date-time (at midnight too) or an aware one
# (offsets either side of UTC, so its UTC day may differ from its local day).
OFFSETS = [timezone(timedelta(hours=hours)) for hours in (-11, -5, 0, 3, 14)]
TIMES = st.sampled_from([(0, 0), (0, 30), (12, 0), (23, 59)])


@st.composite
def with_moments(draw, graphs):
    """A graph whose check-ins fall on the same days as dates, naive or aware date-times."""
    tree = draw(graphs)
    for objective in tuple(tree):
        key_results = []
        for key_result in objective.key_results:
            moments = []
            aware = draw(st.booleans())  # a key result's date-times: all naive or all aware
            for check_in in key_result.check_ins:
                hour, minute = draw(TIMES)
                zone = draw(st.sampled_from(OFFSETS)) if aware else None
                moment = datetime(
                    check_in.at.year, check_in.at.month, check_in.at.day, hour, minute, tzinfo=zone
                )
                moments.append(
                    attrs.evolve(check_in, at=draw(st.sampled_from([check_in.at, moment])))
                )
            key_results.append(attrs.evolve(key_result, check_ins=moments))
        tree = tree.replace(attrs.evolve(objective, key_results=key_results))
    return tree


MOMENTS = with_moments(GRAPHS)


def same_answers(backend, tree, dates, policy, by):
    make, kind = BACKENDS[backend]
    got = score_frames(dates, by=by, policy=policy, **make(tree))
    assert kind_of(got) == kind if isinstance(kind, str) else isinstance(got, kind)
    assert_same(as_rows(got), expected_rows(tree, dates, by, policy))


Q3 = Cycle.quarter(2026, 3)


def one_metric(check_ins, *, target=10.0):
    key_result = KeyResult.metric("Revenue", start=0.0, target=target, id="revenue")
    objective = Objective("Grow", [key_result], id="grow", cycle=Q3)
    frames = frames_of(AlignmentTree([objective]))
    frames["check_ins"] = pl.DataFrame(
        {
            "objective_id": ["grow"] * len(check_ins),
            "key_result_id": ["revenue"] * len(check_ins),
            "at": [at for at, _ in check_ins],
            "value": [value for _, value in check_ins],
        }
    )
    return frames


def test_a_value_a_hair_below_an_edge_reaches_it_within_the_graders_tolerance():
    frames = one_metric([(date(2026, 7, 10), 7.0 - 1e-11)])
    exact = ScoringPolicy(grader=google_grader(tolerance=0.0))
    strict = score_frames(date(2026, 7, 20), policy=exact, **frames).row(0, named=True)
    assert (strict["grade"], strict["met"]) == ("yellow", False)
    default = score_frames(date(2026, 7, 20), **frames).row(0, named=True)
    assert (default["grade"], default["met"]) == ("green", True)


def test_a_gap_a_hair_past_a_pace_limit_stays_within_it_by_the_pace_tolerance():
    # On 16 August the straight line expects 46/91 of Q3; the value is a hair more than
    # `at_risk_gap` (0.25) behind it.
    frames = one_metric([(date(2026, 7, 1), 4.0)])
    elapsed = (date(2026, 8, 16) - date(2026, 7, 1)).days
    expected = elapsed / (date(2026, 9, 30) - date(2026, 7, 1)).days
    frames["check_ins"] = frames["check_ins"].with_columns(
        value=pl.lit(10.0 * (expected - 0.25) - 1e-11)
    )
    exact = ScoringPolicy(pace=gap_pace(tolerance=0.0))
    got = score_frames(date(2026, 8, 16), by="key_result", policy=exact, **frames)
    assert got.row(0, named=True)["status"] == "at_risk"
    default = score_frames(date(2026, 8, 16), by="key_result", **frames).row(0, named=True)
    assert default["status"] == "behind"


def test_the_day_rule_puts_an_aware_check_in_on_its_local_or_its_utc_day():
    evening = datetime(2026, 7, 1, 22, 0, tzinfo=timezone(timedelta(hours=-5)))
    frames = one_metric([(evening, 5.0)])
    frames["check_ins"] = frames["check_ins"].with_columns(
        pl.col("at").dt.convert_time_zone("America/Chicago")
    )
    utc = ScoringPolicy(day_of="utc")
    assert score_frames(date(2026, 7, 1), policy=utc, **frames).row(0, named=True)["value"] == 0.0
    local = score_frames(date(2026, 7, 1), **frames).row(0, named=True)  # LOCAL by default
    assert local["value"] == 0.5


def test_edge_cases_no_check_in_the_as_of_day_after_the_cycle_and_a_falling_metric():
    frames = one_metric(
        [(date(2026, 8, 1), 8.0), (date(2026, 8, 1), 6.0), (date(2026, 10, 3), 0.0)],
        target=-10.0,
    )
    frames["check_ins"] = frames["check_ins"].with_columns(-pl.col("value"))
    rows = score_frames(
        [date(2026, 7, 31), date(2026, 8, 1), date(2026, 10, 5)], by="key_result", **frames
    ).to_dicts()
    assert [row["current"] for row in rows] == [None, -6.0, -6.0]  # later row wins the day
    assert [row["progress"] for row in rows] == [0.0, 0.6, 0.6]  # after the cycle: its end
    assert [row["status"] for row in rows] == ["at_risk", "on_track", "missed"]


def test_a_polars_without_collect_engines_gives_the_same_scores(monkeypatch):
    frames = one_metric([(date(2026, 8, 1), 4.0), (date(2026, 8, 20), 6.0)], target=10.0)
    days = [date(2026, 8, 10), date(2026, 8, 25)]
    expected = score_frames(days, by="key_result", **frames).to_dicts()
    collect = pl.LazyFrame.collect

    def collect_without_engines(self, *args, **kwargs):
        if "engine" in kwargs:  # as polars releases before `collect(engine=)` refuse it
            raise TypeError("collect() got an unexpected keyword argument 'engine'")
        return collect(self, *args, **kwargs)

    monkeypatch.setattr(pl.LazyFrame, "collect", collect_without_engines)
    assert score_frames(days, by="key_result", **frames).to_dicts() == expected


@pytest.mark.parametrize("backend", ["polars", "pandas"])
def test_every_milestone_reached_is_a_share_of_exactly_one_as_in_the_pure_engine(backend):
    # 0.1 + 0.1 + 0.2 + 0.3 summed in order is 0.7; pandas' grouped sum gives 0.7000000000000001.
    steps = [(f"step {n}", weight) for n, weight in enumerate([0.1, 0.1, 0.2, 0.3])]
    key_result = KeyResult.milestones("Ship", milestones=steps, id="ship")
    key_result = key_result.check_in(4, at=date(2026, 7, 20))
    objective = Objective("Ship it", [key_result], id="ship-it", cycle=Q3, commitment="committed")
    exact = ScoringPolicy(grader=google_grader(tolerance=0.0))
    frames = frames_of(AlignmentTree([objective]), backend=backend)
    got = as_rows(score_frames(date(2026, 8, 1), by="key_result", policy=exact, **frames))
    assert [(row["progress"], row["grade"], row["met"]) for row in got] == [(1.0, "green", True)]
    expected = expected_rows(AlignmentTree([objective]), [date(2026, 8, 1)], "key_result", exact)
    assert_same(got, expected)


def interleaved_ties():
    """Two key results whose check-ins interleave, out of date order, two on each day."""
    key_results = [
        KeyResult.metric(name, start=0.0, target=10.0, id=name) for name in ("leads", "deals")
    ]
    objective = Objective("Grow", key_results, id="grow", cycle=Q3)
    frames = frames_of(AlignmentTree([objective]))
    rows = [
        ("deals", date(2026, 8, 2), 3.0),
        ("leads", date(2026, 8, 2), 9.0),
        ("leads", date(2026, 7, 20), 1.0),
        ("deals", date(2026, 8, 2), 2.0),
        ("leads", date(2026, 8, 2), 4.0),
        ("deals", date(2026, 7, 20), 8.0),
        ("leads", date(2026, 7, 20), 5.0),
    ]
    frames["check_ins"] = pl.DataFrame(
        {
            "objective_id": ["grow"] * len(rows),
            "key_result_id": [name for name, _, _ in rows],
            "at": [at for _, at, _ in rows],
            "value": [value for _, _, value in rows],
        }
    )
    return frames


def test_of_check_ins_on_one_day_the_later_row_wins_however_rows_interleave():
    frames = interleaved_ties()
    days = [date(2026, 7, 20), date(2026, 8, 2)]
    rows = score_frames(days, by="key_result", **frames).to_dicts()
    currents = {(row["as_of"], row["key_result_id"]): row["current"] for row in rows}
    assert currents == {
        (date(2026, 7, 20), "leads"): 5.0,
        (date(2026, 7, 20), "deals"): 8.0,
        (date(2026, 8, 2), "leads"): 4.0,
        (date(2026, 8, 2), "deals"): 2.0,
    }
    document = from_frames(**frames)
    pure = scores_frame(AlignmentTree(document.objectives), days, backend="polars")
    assert_same(as_rows(score_frames(days, **frames)), pure.to_dicts())
    lazy = {name: frame.lazy() for name, frame in frames.items()}
    assert as_rows(score_frames(days, by="key_result", **lazy)) == rows


def test_a_polars_whose_joins_cannot_keep_order_gives_the_same_scores(monkeypatch):
    frames = interleaved_ties()
    days = [date(2026, 7, 20), date(2026, 8, 2), date(2026, 8, 3)]
    expected = {
        by: score_frames(days, by=by, **frames).to_dicts() for by in ("objective", "key_result")
    }

    def refusing(join):
        def join_without_order(self, *args, **kwargs):
            # As polars releases before it refuse it (polars passes its default on).
            if kwargs.get("maintain_order") not in (None, "none"):
                raise TypeError("join() got an unexpected keyword argument 'maintain_order'")
            return join(self, *args, **kwargs)

        return join_without_order

    monkeypatch.setattr(pl.LazyFrame, "join", refusing(pl.LazyFrame.join))
    monkeypatch.setattr(pl.DataFrame, "join", refusing(pl.DataFrame.join))
    for by in ("objective", "key_result"):
        assert score_frames(days, by=by, **frames).to_dicts() == expected[by]


def test_a_custom_strategy_is_refused_by_name():
    class Mine:
        name = "mine"

        def __call__(self, parts):
            return minimum()(parts)

    policy = attrs.evolve(ScoringPolicy(), aggregator=minimum())
    object.__setattr__(policy, "aggregator", Mine())
    with pytest.raises(ValidationError, match="score_frames.policy.aggregator: .*got 'mine'"):
        score_frames(date(2026, 8, 1), policy=policy, **one_metric([]))


def test_the_initiatives_roll_up_is_refused_by_name_rather_than_answered_differently():
    policy = ScoringPolicy(rollup=driven_by_initiatives())
    with pytest.raises(ValidationError, match="score_frames.policy.rollup: .*got 'initiatives'"):
        score_frames(date(2026, 8, 1), policy=policy, **one_metric([]))


def test_without_narwhals_okrkpi_imports_and_score_frames_names_the_extra():
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'narwhals': raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import datetime, okrkpi, okrkpi.tables\n"
        "print(okrkpi.tables.schema_sql('sqlite').count('CREATE TABLE'))\n"
        "try:\n"
        "    okrkpi.tables.score_frames(datetime.date(2026, 8, 1), objectives=[], key_results=[],"
        " check_ins=[])\n"
        "except okrkpi.MissingExtraError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == str(len(TABLES))
    assert 'pip install "okrkpi[tables]"' in result.stdout


def test_bad_arguments_are_named():
    frames = one_metric([])
    with pytest.raises(ValidationError, match=r"score_frames.as_of\[1\]: expected a date"):
        score_frames([date(2026, 8, 1), datetime(2026, 8, 2)], **frames)
    with pytest.raises(ValidationError, match="score_frames.by: expected 'objective'"):
        score_frames(date(2026, 8, 1), by="team", **frames)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="check_ins: expected a frame of the same kind"):
        score_frames(date(2026, 8, 1), **{**frames, "check_ins": frames["check_ins"].to_pandas()})
    with pytest.raises(ValidationError, match="score_frames.as_of: expected a date or a sequence"):
        score_frames("2026-08-01", **frames)  # type: ignore[arg-type]
    weeks = pd.date_range("2026-07-05", periods=3, freq="W")  # moments at midnight
    with pytest.raises(ValidationError, match=r"as_of\[0\].*pass \.date\(\)") as caught:
        score_frames(weeks, **frames)
    score_frames(weeks.date, **frames)  # as the message says
    assert "Timestamp('2026-07-05 00:00:00')" in str(caught.value)


def test_from_rows_names_itself_for_an_option_it_does_not_take():
    with pytest.raises(TypeError, match="^from_rows\\(\\) got an unexpected keyword argument"):
        from_rows({"objectives": []}, extra_column="ignore")


def shared_child_tree(*, aware=False):
    """A child shared by two parents of different cycles: Q3 (over on 2026-10-05) and Q4."""
    q4 = Cycle.quarter(2026, 4)
    moment = datetime(2026, 9, 20, 23, 30, tzinfo=timezone(timedelta(hours=-4)))
    revenue = KeyResult.metric("Revenue", start=0.0, target=10.0, id="revenue")
    revenue = revenue.check_in(
        4.0, at=moment if aware else date(2026, 9, 20), confidence=ConfidenceRating(0.5)
    )
    revenue = revenue.check_in(9.0, at=date(2026, 11, 2))
    parent_q3 = Objective(
        "Grow", [KeyResult.metric("Deals", start=0.0, target=4.0, id="deals")], id="q3", cycle=Q3
    )
    parent_q4 = Objective(
        "Keep", [KeyResult.metric("Churn", start=0.0, target=4.0, id="churn")], id="q4", cycle=q4
    )
    child = Objective(
        "Sell",
        [revenue],
        id="sell",
        cycle=q4,
        parents={"q3": 2.0, "q4": 1.0},
        parent_key_results={"q3": "deals"},
    )
    return AlignmentTree([parent_q3, parent_q4, child])


@pytest.mark.parametrize(
    "policy",
    [ScoringPolicy(rollup=children_only()), ScoringPolicy(rollup=driven_key_results())],
    ids=["children", "driven"],
)
def test_a_shared_child_counts_in_each_parent_on_that_parents_judged_day(policy):
    tree = shared_child_tree()
    frames = frames_of(tree)
    assert len(frames["alignments"]) == 2  # the links are read from the alignments table
    dates = [date(2026, 9, 25), date(2026, 11, 30)]
    got = as_rows(score_frames(dates, policy=policy, **frames))
    assert_same(got, expected_rows(tree, dates, "objective", policy))
    late_q3 = next(row for row in got if row["objective_id"] == "q3" and row["as_of"] == dates[1])
    # The Q3 parent judges its child as of 30 September: 0.4, not November's 0.9.
    assert late_q3["progress"] == pytest.approx(0.4)


def test_what_to_frames_writes_as_text_reads_as_from_frames_reads_it_on_a_lazy_frame():
    tree = shared_child_tree(aware=True)
    frames = frames_of(tree)
    assert frames["check_ins"].schema["at"] == pl.String  # an aware moment: ISO text
    assert frames["check_ins"].schema["confidence"] == pl.String  # 0.5 as '0.5/10'
    lazy = {name: frame.lazy() for name, frame in frames.items()}
    dates = [date(2026, 9, 20), date(2026, 9, 21)]
    for policy in (ScoringPolicy(), ScoringPolicy(day_of="utc")):
        got = score_frames(dates, by="key_result", policy=policy, **lazy)
        assert isinstance(got, pl.LazyFrame)
        assert_same(as_rows(got), expected_rows(tree, dates, "key_result", policy))


def test_a_zoned_value_written_as_its_commit_value_is_in_commit_as_in_the_pure_engine():
    # 30% of the way from 1.1 to 2.9 computes as 1.6400000000000001: 1.64 is a hair short.
    hire = KeyResult.zoned("Hire", baseline=1.1, stretch=2.9, id="hire")
    hire = hire.check_in(1.64, at=date(2026, 7, 10))
    tree = AlignmentTree([Objective("Grow", [hire], id="grow", cycle=Q3)])
    got = as_rows(score_frames(date(2026, 7, 20), by="key_result", **frames_of(tree)))
    assert got[0]["progress"] == pytest.approx(0.3)  # COMMIT's value, not FAIL's 0.0
    assert_same(got, expected_rows(tree, [date(2026, 7, 20)], "key_result", ScoringPolicy()))


# Dask's planner recurses once per node of the plan: past about 8 levels of
# driven_key_results (12 of the others) it runs out of Python's default recursion limit
# (documented on the Dask page), and it plans slowly: 6 levels here.
DEEP_CHAIN = {"polars": 16, "pyarrow": 16, "pandas": 16, "polars-lazy": 16, "duckdb": 16, "dask": 6}


@pytest.mark.parametrize("backend", list(DEEP_CHAIN))
@pytest.mark.parametrize(
    "rollup", [children_only(), key_results_and_children(), driven_key_results()]
)
def test_a_deep_chain_rolled_up_is_planned_once_per_level(backend, rollup):
    # Each level's plan held every deeper one's: 16 levels were 2**16 copies of the
    # first (polars lazy took 124 s at 10 levels). Eager tables compute each level as
    # it is reached; a lazy plan scores every objective once per level.
    depth = DEEP_CHAIN[backend]
    ids = [f"n{level}" for level in range(depth)]
    objectives = [
        Objective(
            f"N{level}",
            [KeyResult.metric("k", start=0, target=10, id="k")],
            id=ids[level],
            parent_id=ids[level - 1] if level else None,
            parent_key_result_id="k" if level else None,
            cycle=Cycle.quarter(2026, 3),
        )
        for level in range(depth)
    ]
    deepest = objectives[-1]
    deepest = attrs.evolve(
        deepest, key_results=[deepest.key_results[0].check_in(5, at=date(2026, 8, 1))]
    )
    policy = ScoringPolicy(rollup=rollup)
    tree = AlignmentTree([*objectives[:-1], deepest], policy=policy)
    day = date(2026, 8, 15)
    got = as_rows(score_frames([day], policy=policy, **BACKENDS[backend][0](tree)))
    expected = expected_rows(tree, [day], "objective", policy)
    assert [row["objective_id"] for row in got] == ids
    assert_same(got, expected)
    assert got[0]["value"] > 0  # the deepest check-in reached the root


@pytest.mark.parametrize("backend", ["polars", "pandas", "pyarrow"])
@pytest.mark.parametrize("by", ["objective", "key_result"])
@pytest.mark.parametrize("policy", [None, ScoringPolicy(rollup=children_only())])
def test_no_date_gives_no_rows_with_the_results_columns(backend, by, policy):
    key_result = KeyResult.metric("k", start=0, target=10, id="k")
    parent = Objective("P", [key_result], id="p", cycle=Cycle.quarter(2026, 3))
    child = Objective("C", [key_result], id="c", parent_id="p", cycle=Cycle.quarter(2026, 3))
    tables = frames_of([parent, child], backend)
    got = nw.from_native(score_frames([], by=by, policy=policy, **tables))
    one_day = nw.from_native(score_frames([date(2026, 8, 1)], by=by, policy=policy, **tables))
    assert len(got) == 0
    assert len(one_day) > 0
    assert got.columns == one_day.columns
    assert type(got.to_native()) is type(one_day.to_native())


@pytest.mark.parametrize("by", ["objective", "key_result"])
def test_a_pandas_result_is_labelled_from_zero_in_its_rows_order(by):
    import pandas as pd

    key_results = [KeyResult.metric(f"k{n}", start=0, target=10, id=f"k{n}") for n in range(3)]
    tree = [
        Objective(f"O{n}", key_results, id=f"o{n}", cycle=Cycle.quarter(2026, 3)) for n in range(3)
    ]
    days = [date(2026, 7, 8), date(2026, 8, 1)]
    got = score_frames(days, by=by, **frames_of(tree, "pandas"))
    assert isinstance(got, pd.DataFrame)
    assert got.index.equals(pd.RangeIndex(len(got)))


def zoned_pandas_tables(zone):
    """A check-in on the cycle's last evening in `zone`: the next day in UTC."""
    pd = pytest.importorskip("pandas")
    at = pd.to_datetime(["2026-09-30 21:30"]).tz_localize(zone)
    return {
        **{name: frame.to_pandas() for name, frame in zoned_polars_tables().items()},
        "check_ins": pd.DataFrame(
            {"objective_id": ["o"], "key_result_id": ["k"], "at": at, "value": [5.0]}
        ),
    }


# narwhals cannot name pandas' time stamps in these zones (its Unknown type).
@pytest.mark.parametrize("zone", ["America/New_York", "Etc/GMT+5", "Europe/Paris"])
def test_pandas_time_stamps_in_any_zone_are_read_as_from_frames_reads_them(zone):
    tables = zoned_pandas_tables(zone)
    days = [date(2026, 9, 30)]
    tree = AlignmentTree(from_frames(**tables).objectives)
    assert_same(as_rows(score_frames(days, **tables)), expected_rows(tree, days, "objective", None))
    assert score_frames(days, **tables)["value"].to_list() == [0.5]  # its local day


def test_a_dask_column_of_a_type_narwhals_cannot_name_is_refused_by_its_own_name():
    dd = pytest.importorskip("dask.dataframe")
    tables = zoned_pandas_tables("America/New_York")
    lazy = {name: dd.from_pandas(frame, npartitions=1) for name, frame in tables.items()}
    with pytest.raises(ValidationError) as raised:
        score_frames([date(2026, 9, 30)], **lazy)
    assert [str(problem) for problem in raised.value.problems] == [
        (
            "check_ins.at: expected a column of dates or date-times of a type narwhals reads, "
            "got 'datetime64[us, America/New_York]'"
        )
    ]


def test_a_duckdb_timestamptz_is_scored_as_the_utc_date_times_duckdb_returns():
    import duckdb

    california = ZoneInfo("America/Los_Angeles")
    tables = {
        **zoned_polars_tables(),
        "check_ins": pl.DataFrame(
            {
                "objective_id": ["o"],
                "key_result_id": ["k"],
                "at": [datetime(2026, 9, 30, 18, 30, tzinfo=california)],
                "value": [5.0],
            }
        ),
    }
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    relations = {name: connection.from_arrow(frame.to_arrow()) for name, frame in tables.items()}
    # What DuckDB returns: the instant in UTC, 01:30 on 1 October, the next quarter's day.
    returned = {
        name: pl.from_arrow(relation.to_arrow_table()) for name, relation in relations.items()
    }
    assert returned["check_ins"].item(0, "at") == datetime(2026, 10, 1, 1, 30, tzinfo=UTC)
    tree = AlignmentTree(from_frames(**returned).objectives)
    days = [date(2026, 9, 30), date(2026, 10, 1)]
    got = as_rows(score_frames(days, **relations))
    assert_same(got, expected_rows(tree, days, "objective", None))
    assert [row["value"] for row in got] == [0.0, 0.0]  # after the cycle: not counted
    # The polars column keeps its zone: the check-in counts on its local day, 30 September.
    assert score_frames(days, **tables)["value"].to_list() == [0.5, 0.5]


def zoned_polars_tables():
    """One objective of Q3 with one metric key result, and no check-in."""
    return {
        "objectives": pl.DataFrame({"id": ["o"], "title": ["O"], "cycle": ["2026-Q3"]}),
        "key_results": pl.DataFrame(
            {
                "objective_id": ["o"],
                "id": ["k"],
                "title": ["K"],
                "kind": ["metric"],
                "start": [0.0],
                "target": [10.0],
            }
        ),
    }


def heavy_weights_tables():
    """Key results, milestones and children weighing near the float limit: sums overflow."""
    objectives = [
        {"id": "p", "title": "P", "cycle": "2026-Q3"},
        *(
            {
                "id": child,
                "title": child.upper(),
                "cycle": "2026-Q3",
                "parent_id": "p",
                "alignment_weight": 1e308,
                "parent_key_result_id": "k",
            }
            for child in ("c1", "c2")
        ),
    ]
    metric = {"kind": "metric", "start": 0.0, "target": 10.0, "weight": 1e308}
    key_results = [
        {"objective_id": "p", "id": "k", "title": "K", **metric},
        {"objective_id": "p", "id": "m", "title": "M", "kind": "milestones", "weight": 1.7e308},
        {"objective_id": "c1", "id": "k", "title": "K", **metric},
        # Scaled with the heaviest, it would weigh 0: it must still count in a minimum.
        {"objective_id": "c1", "id": "j", "title": "J", **metric, "weight": 1e-300},
        {"objective_id": "c2", "id": "k", "title": "K", **metric},
    ]
    at = date(2026, 8, 1)
    check_ins = [
        {"objective_id": "c1", "key_result_id": "k", "at": at, "value": 10.0},
        {"objective_id": "c1", "key_result_id": "j", "at": at, "value": 5.0},
        {"objective_id": "p", "key_result_id": "k", "at": at, "value": 7.0},
        {"objective_id": "p", "key_result_id": "m", "at": at, "value": 1.0},
    ]
    milestones = [
        {"objective_id": "p", "key_result_id": "m", "name": name, "weight": weight}
        for name, weight in (("a", 1e308), ("b", 1e308), ("c", 1.0))
    ]
    return {
        "objectives": pl.DataFrame(objectives),
        "key_results": pl.DataFrame(key_results),
        "check_ins": pl.DataFrame(check_ins),
        "milestones": pl.DataFrame(milestones),
    }


@pytest.mark.parametrize("backend", ["polars", "polars-lazy", "pandas", "duckdb"])
@pytest.mark.parametrize(
    "policy",
    [
        None,
        ScoringPolicy(rollup=children_only()),
        ScoringPolicy(rollup=children_only(), aggregator=minimum()),
        ScoringPolicy(rollup=key_results_and_children(), aggregator=weighted_geometric_mean()),
        ScoringPolicy(rollup=driven_key_results(), overachievement_cap=1.5),
    ],
)
def test_weights_near_the_float_limit_give_the_pure_engines_answers(backend, policy):
    # The pure engine scales such weights by the largest; summed as given they overflow.
    tables = heavy_weights_tables()
    tree = AlignmentTree(from_frames(**tables).objectives)
    days = [date(2026, 8, 15)]
    for by in ("objective", "key_result"):
        expected = expected_rows(tree, days, by, policy)
        got = as_rows(score_frames(days, by=by, policy=policy, **polars_tables_as(tables, backend)))
        assert_same(got, expected)


@pytest.mark.parametrize("backend", ["polars", "polars-lazy", "pandas", "duckdb"])
@pytest.mark.parametrize("aggregator", [weighted_geometric_mean(), minimum()])
def test_a_key_result_too_light_to_scale_counts_as_in_the_pure_engine(backend, aggregator):
    # Normalised against 2**1023, a weight of 1e-163 underflows: it is still > 0, so
    # its zero (never checked in) sinks a geometric mean and is the minimum.
    at = date(2026, 8, 1)
    metric = {"kind": "metric", "start": 0.0, "target": 10.0}
    tables = {
        "objectives": pl.DataFrame(
            [
                {"id": "p", "title": "P", "cycle": "2026-Q3", "parent_id": None},
                {"id": "c", "title": "C", "cycle": "2026-Q3", "parent_id": "p"},
            ]
        ),
        "key_results": pl.DataFrame(
            [
                {"objective_id": "p", "id": "light", "title": "L", **metric, "weight": 1e-163},
                {"objective_id": "p", "id": "heavy", "title": "H", **metric, "weight": 2.0**1023},
                {"objective_id": "c", "id": "k", "title": "K", **metric, "weight": 1.0},
            ]
        ),
        "check_ins": pl.DataFrame(
            [
                {"objective_id": "p", "key_result_id": "heavy", "at": at, "value": 5.0},
                {"objective_id": "c", "key_result_id": "k", "at": at, "value": 8.0},
            ]
        ),
    }
    policy = ScoringPolicy(rollup=key_results_and_children(), aggregator=aggregator)
    days = [date(2026, 8, 15)]
    expected = expected_rows(
        AlignmentTree(from_frames(**tables).objectives), days, "objective", policy
    )
    assert expected[0]["progress"] == 0.0
    got = as_rows(score_frames(days, policy=policy, **polars_tables_as(tables, backend)))
    assert_same(got, expected)


def polars_tables_as(tables, backend):
    """polars tables as `backend`'s: polars, polars-lazy, pandas or duckdb."""
    if backend == "polars-lazy":
        return {name: frame.lazy() for name, frame in tables.items()}
    if backend == "pandas":
        return {name: frame.to_pandas() for name, frame in tables.items()}
    if backend == "duckdb":
        import duckdb

        connection = duckdb.connect()
        return {name: connection.from_arrow(frame.to_arrow()) for name, frame in tables.items()}
    return tables


@pytest.mark.parametrize("backend", ["polars", "polars-lazy", "pandas", "duckdb"])
def test_a_cycle_is_named_as_the_model_names_it_however_it_is_written(backend):
    objectives = pl.DataFrame(
        {
            "id": ["a", "b", "c"],
            "title": ["A", "B", "C"],
            "cycle": ["2026-q3", " fy2027-q1 ", "Sprint 1"],
            "cycle_fiscal_start_month": [None, 4.0, None],
            "cycle_start": [None, None, date(2026, 7, 1)],
            "cycle_end": [None, None, date(2026, 7, 14)],
        }
    )
    key_results = pl.DataFrame(
        {
            "objective_id": ["a", "b", "c"],
            "id": ["k"] * 3,
            "title": ["K"] * 3,
            "kind": ["binary"] * 3,
        }
    )
    check_ins = pl.DataFrame(
        {"objective_id": ["a"], "key_result_id": ["k"], "at": [date(2026, 7, 5)], "value": [1.0]}
    )
    tables = {"objectives": objectives, "key_results": key_results, "check_ins": check_ins}
    expected = scores_frame(
        AlignmentTree(from_frames(**tables).objectives), [date(2026, 7, 10)], backend="polars"
    )
    tables = polars_tables_as(tables, backend)
    got = as_rows(score_frames([date(2026, 7, 10)], **tables))
    assert [row["cycle"] for row in got] == expected.get_column("cycle").to_list()
    assert [row["cycle"] for row in got] == ["2026-Q3", "FY2027-Q1", "Sprint 1"]


@pytest.mark.parametrize("backend", ["polars", "polars-lazy", "pandas", "duckdb"])
def test_ids_and_links_with_blanks_at_either_end_are_read_as_from_frames_reads_them(backend):
    # DuckDB strips only the cells that start or end with a blank: every blank is tried.
    tables = {
        "objectives": pl.DataFrame(
            {
                "id": [" a", "b\t", "c\n"],
                "title": ["A", "B", "C"],
                "parent_id": [" \x0c", "a ", " \tb"],
                "cycle": ["2026-Q3"] * 3,
            }
        ),
        "key_results": pl.DataFrame(
            {
                "objective_id": ["a", " b", "c\r\n"],
                "id": ["k ", "k", "\x0bk"],
                "title": ["K"] * 3,
                "kind": ["metric"] * 3,
                "start": [0.0] * 3,
                "target": [10.0] * 3,
                "owner": ["  ", None, "ann"],
            }
        ),
        "check_ins": pl.DataFrame(
            {
                "objective_id": [" a ", "b", "c"],
                "key_result_id": ["k", "k\t", " k"],
                "at": [date(2026, 7, 5)] * 3,
                "value": [5.0, 2.0, 7.0],
            }
        ),
    }
    days = [date(2026, 7, 10)]
    tree = AlignmentTree(from_frames(**tables).objectives)
    assert [objective.id for objective in tree] == ["a", "b", "c"]
    tables = polars_tables_as(tables, backend)
    for by in ("objective", "key_result"):
        got = as_rows(score_frames(days, by=by, **tables))
        assert_same(got, expected_rows(tree, days, by, None))
        assert [row["objective_id"] for row in got] == ["a", "b", "c"]


@pytest.mark.parametrize("backend", ["pandas", "polars", "pyarrow"])
@pytest.mark.parametrize("by", ["objective", "key_result"])
def test_the_pure_frame_of_no_rows_has_the_types_of_one_with_rows(backend, by):
    objective = Objective("O", [KeyResult.binary("b", id="b")], id="o", cycle=Q3)
    tree = AlignmentTree([objective])
    key_results = by == "key_result"
    empty = nw.from_native(scores_frame(tree, [], backend=backend, key_results=key_results))
    full = nw.from_native(
        scores_frame(tree, [date(2026, 8, 1)], backend=backend, key_results=key_results)
    )
    assert len(empty) == 0
    assert empty.schema == full.schema
    assert full.schema["as_of"] == nw.Date
    assert full.schema["objective"] == nw.String


@pytest.mark.parametrize("backend", ["pandas", "polars", "pyarrow"])
@pytest.mark.parametrize("by", ["objective", "key_result"])
def test_the_engines_frames_have_the_same_column_types(backend, by):
    key_result = KeyResult.metric("k", start=0, target=10, id="k").check_in(4, at=date(2026, 7, 20))
    tree = AlignmentTree([Objective("O", [key_result], id="o", cycle=Q3)])  # no owner
    day = [date(2026, 8, 1)]
    columnar = score_frames(day, by=by, **frames_of(tree, backend))
    pure = scores_frame(tree, day, backend=backend, key_results=by == "key_result")
    if backend == "pyarrow":
        assert columnar.schema == pure.schema  # `string`, not `large_string`
    else:
        assert nw.from_native(columnar).schema == nw.from_native(pure).schema


# -- eager polars: each check-in counted at the first date it reaches -----------------------


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=25, deadline=None)
@given(MOMENTS, DATES, POLICIES, BY, st.randoms(use_true_random=False))
def test_check_ins_in_any_row_order_and_dates_in_any_order_give_the_pure_answers(
    tree, dates, policy, by, random
):
    # Check-ins shuffled (the counting sorts them only when they are out of order), dates
    # unsorted and repeated; aware date-times of several zones make days that fall while
    # the moment grows, which the counting declines and the windows answer.
    frames = frames_of(tree)
    order = list(range(frames["check_ins"].height))
    random.shuffle(order)
    frames["check_ins"] = frames["check_ins"][order]
    asked = [*dates, dates[0]]
    random.shuffle(asked)
    got = as_rows(score_frames(asked, by=by, policy=policy, **frames))
    assert_same(got, expected_rows(tree, asked, by, policy))


def test_days_falling_while_the_moment_grows_are_scored_as_the_pure_engine_scores_them():
    # Written as text with their own offsets (a polars column of date-times has one zone):
    # the earlier instant is on 2 August where it was written, the later one on 1 August.
    frames = one_metric([("2026-08-02T01:00:00+14:00", 4.0), ("2026-08-01T23:00:00-11:00", 7.0)])
    days = [date(2026, 7, 31), date(2026, 8, 1), date(2026, 8, 2), date(2026, 8, 3)]
    tree = AlignmentTree(from_frames(**frames).objectives)
    for by in ("objective", "key_result"):
        got = as_rows(score_frames(days, by=by, **frames))
        assert_same(got, expected_rows(tree, days, by, ScoringPolicy()))
        lazy = {name: frame.lazy() for name, frame in frames.items()}
        assert as_rows(score_frames(days, by=by, **lazy)) == got
        pandas = {name: frame.to_pandas() for name, frame in frames.items()}
        assert as_rows(score_frames(days, by=by, **pandas)) == got


def test_check_ins_a_century_apart_and_no_check_ins_at_all_give_the_pure_answers():
    days = [date(2026, 7, 15), date(2026, 9, 1)]
    far = one_metric([(date(1926, 7, 1), 2.0), (date(2026, 8, 1), 6.0), (date(2126, 7, 1), 9.0)])
    none = one_metric([])
    none["check_ins"] = far["check_ins"].clear()
    for frames in (far, none):
        tree = AlignmentTree(from_frames(**frames).objectives)
        for by in ("objective", "key_result"):
            got = as_rows(score_frames(days, by=by, **frames))
            assert_same(got, expected_rows(tree, days, by, ScoringPolicy()))


def test_aggregates_are_placed_by_position_only_where_rows_are_positions():
    from okrkpi._edges.columnar.engine import _polars_placed

    objectives = nw.from_native(
        pl.LazyFrame({"objective_row": [0, 2]}, schema={"objective_row": pl.UInt32})
    )
    assert _polars_placed(objectives, objectives, objectives) is None


@pytest.mark.parametrize(
    "rollup", [children_only(), key_results_and_children(), driven_key_results()]
)
def test_empty_tables_rolled_up_give_no_rows_eager_as_lazy(rollup):
    objective = Objective("Grow", [KeyResult.metric("Revenue", start=0.0, target=10.0)], cycle=Q3)
    frames = {name: frame.clear() for name, frame in frames_of(AlignmentTree([objective])).items()}
    policy = ScoringPolicy(rollup=rollup)
    eager = score_frames([date(2026, 8, 1)], policy=policy, **frames)
    lazy = score_frames(
        [date(2026, 8, 1)], policy=policy, **{n: f.lazy() for n, f in frames.items()}
    )
    assert eager.height == 0
    assert eager.schema == lazy.collect().schema


def listed_by_key_result():
    """Three objectives of two metrics, six check-ins apiece, listed key result by key result."""
    return frames_of(AlignmentTree(helpers.listed_by_key_result(3, 6)))


def run_by_run(frames):
    """Whether the check-ins are joined to their key results run by run (or per row)."""
    from okrkpi._edges.columnar._frames import polars_joined_by_runs

    keys = ["objective_id", "key_result_id"]
    right = frames["key_results"].select(keys[0], pl.col("id").alias(keys[1]))
    right = right.with_row_index("key_result_row")
    return polars_joined_by_runs(frames["check_ins"], right, keys) is not None


RUN_DAYS = [Q3.start + timedelta(weeks=week) for week in range(0, 14, 3)]


@pytest.mark.parametrize(
    ("case", "by_runs"),
    [
        ("as listed", True),  # runs in the key results' order: matched without a join
        ("key results reversed", True),  # each run's first row joined
        ("a key result's check-ins in two runs", True),
        ("rows interleaved", False),  # runs too short: every row joined
    ],
)
@pytest.mark.parametrize("by", ["objective", "key_result"])
def test_check_ins_listed_key_result_by_key_result_are_joined_run_by_run(case, by_runs, by):
    frames = listed_by_key_result()
    check_ins = frames["check_ins"]
    if case == "key results reversed":
        frames["key_results"] = frames["key_results"].reverse()
    elif case == "a key result's check-ins in two runs":
        frames["check_ins"] = pl.concat([check_ins.slice(3), check_ins.slice(0, 3)])
    elif case == "rows interleaved":
        frames["check_ins"] = check_ins.sort(pl.int_range(pl.len()) % 6, maintain_order=True)
    assert run_by_run(frames) is by_runs
    tree = AlignmentTree(from_frames(**frames).objectives)
    got = as_rows(score_frames(RUN_DAYS, by=by, **frames))
    assert_same(got, expected_rows(tree, RUN_DAYS, by, ScoringPolicy()))


@pytest.mark.parametrize("by", ["objective", "key_result"])
def test_unvalidated_check_ins_of_no_key_result_are_left_out_run_by_run_as_row_by_row(
    by, monkeypatch
):
    from okrkpi._edges.columnar import engine

    frames = listed_by_key_result()
    stray = frames["check_ins"].slice(0, 6).with_columns(pl.lit("nowhere").alias("key_result_id"))
    nulls = frames["check_ins"].slice(6, 6).with_columns(pl.lit(None).alias("objective_id"))
    tables = {**frames, "check_ins": pl.concat([stray, frames["check_ins"], nulls])}
    assert run_by_run(tables)
    got = as_rows(score_frames(RUN_DAYS, by=by, validate=False, **tables))
    tree = AlignmentTree(from_frames(**frames).objectives)
    assert_same(got, expected_rows(tree, RUN_DAYS, by, ScoringPolicy()))
    # A key result written twice (unvalidated) would take a run twice: joined row by row.
    twice = {**tables, "key_results": pl.concat([frames["key_results"]] * 2)}
    assert not run_by_run(twice)
    monkeypatch.setattr(engine, "polars_joined_by_runs", lambda *arguments: None)
    assert as_rows(score_frames(RUN_DAYS, by=by, validate=False, **tables)) == got


def test_a_polars_whose_joins_cannot_keep_order_joins_runs_only_where_no_join_is_needed(
    monkeypatch,
):
    frames = listed_by_key_result()
    reversed_ = {**frames, "key_results": frames["key_results"].reverse()}
    expected = as_rows(score_frames(RUN_DAYS, **reversed_))
    join = pl.DataFrame.join

    def join_without_order(self, *args, **kwargs):
        if kwargs.get("maintain_order") not in (None, "none"):
            raise TypeError("join() got an unexpected keyword argument 'maintain_order'")
        return join(self, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "join", join_without_order)
    assert run_by_run(frames)  # the runs are the key results, in order: no join
    assert not run_by_run(reversed_)
    assert as_rows(score_frames(RUN_DAYS, **reversed_)) == expected


@pytest.mark.parametrize("fault", ["an empty id", "a key result written twice"])
def test_unvalidated_faults_in_the_key_results_are_read_alike_eager_and_lazy(fault):
    # Found in review: where the runs followed the key results' rows, they were matched
    # without a join, so an empty id took the check-ins of an empty id, and a key result
    # written twice took one of its runs in each copy; a join does neither.
    frames = frames_of(AlignmentTree(helpers.listed_by_key_result(1, 4)))
    if fault == "an empty id":
        for name, column in (("key_results", "id"), ("check_ins", "key_result_id")):
            empty = pl.when(pl.col(column) != "k1").then(pl.col(column))
            frames[name] = frames[name].with_columns(empty.alias(column))
    else:
        frames["key_results"] = pl.concat([frames["key_results"], frames["key_results"][0]])
        earlier = (
            frames["check_ins"]
            .head(4)
            .with_columns(pl.col("value") + 50.0, pl.col("at") - timedelta(days=60))
        )
        frames["check_ins"] = pl.concat([frames["check_ins"], earlier])
    for by in ("objective", "key_result"):
        eager = as_rows(score_frames(RUN_DAYS, by=by, validate=False, **frames))
        lazy = {name: frame.lazy() for name, frame in frames.items()}
        assert_same(eager, as_rows(score_frames(RUN_DAYS, by=by, validate=False, **lazy)))


ARRANGEMENTS = st.sampled_from(
    ["as listed", "key results shuffled", "runs shuffled", "a run split", "each run reversed"]
)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=25, deadline=None)
@given(
    st.integers(1, 4), st.integers(4, 9), ARRANGEMENTS, DATES, BY, st.randoms(use_true_random=False)
)
def test_check_ins_kept_together_in_any_arrangement_give_the_pure_answers(
    objectives, check_ins, arrangement, dates, by, random
):
    # Runs long enough to be joined run by run, arranged as tables come: the runs matched
    # to the key results without a join, or by their first rows, and sorted when needed.
    frames = frames_of(AlignmentTree(helpers.listed_by_key_result(objectives, check_ins)))
    rows = frames["check_ins"].with_columns(pl.col("value") * random.random())
    runs = rows.partition_by("objective_id", "key_result_id", maintain_order=True)
    if arrangement == "key results shuffled":
        frames["key_results"] = frames["key_results"].sample(fraction=1.0, shuffle=True, seed=7)
    elif arrangement == "runs shuffled":
        random.shuffle(runs)
    elif arrangement == "a run split":
        first = runs.pop(0)
        runs = [first.head(2), *runs, first.slice(2)]
    elif arrangement == "each run reversed":
        runs = [run.reverse() for run in runs]
    frames["check_ins"] = pl.concat(runs)
    tree = AlignmentTree(from_frames(**frames).objectives)
    got = as_rows(score_frames(dates, by=by, **frames))
    assert_same(got, expected_rows(tree, dates, by, ScoringPolicy()))


def one_metric_tables():
    """Objective "o" with metric key result "k" (0 to 10), checked in at 4 on 10 July."""
    return {
        "objectives": pl.DataFrame({"id": ["o"], "title": ["O"], "cycle": ["2026-Q3"]}),
        "key_results": pl.DataFrame(
            {"objective_id": ["o"], "id": ["k"], "title": ["K"], "kind": ["metric"]}
            | {"start": [0.0], "target": [10.0]}
        ),
        "check_ins": pl.DataFrame(
            {"objective_id": ["o"], "key_result_id": ["k"], "at": [date(2026, 7, 10)]}
            | {"value": [4.0]}
        ),
    }


@pytest.mark.parametrize("backend", ["polars", "polars-lazy", "pandas", "duckdb"])
@pytest.mark.parametrize(
    "nothing",
    [
        {"check_ins": ()},  # no check-ins yet
        {"check_ins": []},
        {"key_results": (), "check_ins": ()},
        {"key_results": ()},  # check-ins of key results not there
        {"objectives": ()},  # rows of objectives not there
    ],
)
def test_a_required_table_given_as_no_rows_is_read_as_from_frames_reads_it(backend, nothing):
    tables = one_metric_tables()
    given = {**polars_tables_as(tables, backend), **nothing}
    days = [date(2026, 8, 15)]
    refusal = None
    try:
        document = from_frames(**{**tables, **nothing})
    except ValidationError as error:
        refusal = str(error)
    if refusal is not None:
        with pytest.raises(ValidationError) as refused:
            score_frames(days, **given)
        assert str(refused.value) == refusal
        return
    expected = expected_rows(AlignmentTree(document.objectives), days, "objective", None)
    assert_same(as_rows(score_frames(days, **given)), expected)


@pytest.mark.parametrize("table", ["objectives", "key_results", "check_ins"])
def test_a_required_table_given_as_none_is_refused_by_name(table):
    tables = {"objectives": (), "key_results": (), "check_ins": ()}
    tables["objectives"] = (
        pl.DataFrame({"id": ["o"], "title": ["O"]}) if table != "objectives" else None
    )
    with pytest.raises(ValidationError, match=f"^{table}: expected a data frame"):
        score_frames(date(2026, 8, 15), **tables | {table: None})


@pytest.mark.parametrize("backend", ["polars", "polars-lazy", "pandas", "duckdb"])
@pytest.mark.parametrize(
    "plans",
    [
        pl.DataFrame({"at": [datetime(2026, 8, 31), datetime(2026, 7, 31, 5)]}),  # a time
        pl.DataFrame({"at": [datetime(2026, 7, 31)]}).with_columns(
            pl.col("at").dt.replace_time_zone("UTC")  # a zone, even at midnight
        ),
    ],
)
def test_a_date_column_holding_times_is_refused_as_from_frames_refuses_it(backend, plans):
    # A day column (a plan's day, a cycle's dates, closed_on) reads a naive midnight as its
    # day; it was truncated to its day, so a time or a zone was scored without a word.
    plans = plans.with_columns(
        objective_id=pl.lit("o"), key_result_id=pl.lit("k"), value=pl.lit(5.0)
    )
    tables = {**one_metric_tables(), "plans": plans}
    given = polars_tables_as(tables, backend)
    with pytest.raises(ValidationError) as refused:
        from_frames(**given)
    with pytest.raises(ValidationError) as scored:
        score_frames(date(2026, 8, 15), **given)
    assert str(scored.value) == str(refused.value)
    assert "expected a date without a time" in str(scored.value)


@pytest.mark.parametrize(
    ("at", "dtype"),
    [
        (date(9999, 12, 31), "date32[pyarrow]"),  # an open end, as many exports write it
        (date(1, 1, 1), "date32[pyarrow]"),
        (datetime(9999, 12, 31, 5), "timestamp[us][pyarrow]"),
        (date(2026, 7, 10), "date32[pyarrow]"),  # plausible: scored
        (datetime(2026, 7, 10, 21, 30), "timestamp[us][pyarrow]"),
    ],
)
def test_pandas_pyarrow_dates_far_from_today_are_reported_not_raised(at, dtype):
    # Their durations past 2**53 microseconds were refused by pyarrow's checked cast.
    pd = pytest.importorskip("pandas")
    tables = {
        "objectives": pd.DataFrame({"id": ["o"], "title": ["O"], "cycle": ["2026-Q3"]}),
        "key_results": pd.DataFrame(
            {"objective_id": ["o"], "id": ["k"], "title": ["K"], "kind": ["metric"]}
            | {"start": [0.0], "target": [10.0]}
        ),
        "check_ins": pd.DataFrame(
            {"objective_id": ["o"], "key_result_id": ["k"], "value": [4.0]}
            | {"at": pd.array([at], dtype=dtype)}
        ),
    }
    days = [date(2026, 7, 10), date(2026, 8, 15)]
    if date(1900, 1, 1) <= date(at.year, at.month, at.day) <= date(2199, 12, 31):
        expected = expected_rows(
            AlignmentTree(from_frames(**tables).objectives), days, "objective", None
        )
        assert_same(as_rows(score_frames(days, **tables)), expected)
        return
    with pytest.raises(ValidationError) as refused:
        from_frames(**tables)
    with pytest.raises(ValidationError) as scored:
        score_frames(days, **tables)
    assert str(scored.value) == str(refused.value)


@pytest.mark.parametrize("backend", ["polars", "polars-lazy", "pandas", "duckdb"])
@pytest.mark.parametrize("above", [2, 0.5, -1])
def test_numbers_read_as_true_or_false_are_1_or_0_else_refused(backend, above):
    # A database keeps booleans as 1 and 0; any other number was read as true.
    tables = {
        "objectives": pl.DataFrame({"id": ["o"], "title": ["O"], "cycle": ["2026-Q3"]}),
        "key_results": pl.DataFrame(
            {"objective_id": ["o", "o"], "id": ["k", "j"], "title": ["K", "J"]}
            | {"kind": ["threshold"] * 2, "threshold": [5.0, 5.0]}
            | {"above": [type(above)(1), above]}  # integers, or floats
        ),
        "check_ins": pl.DataFrame(
            {"objective_id": ["o"], "key_result_id": ["k"], "at": [date(2026, 7, 10)]}
            | {"value": [4.0]}
        ),
    }
    given = polars_tables_as(tables, backend)
    message = f"key_results[row 1].above: expected true or false, got {above!r}"
    with pytest.raises(ValidationError) as read:
        from_frames(**given)
    assert str(read.value) == message
    with pytest.raises(ValidationError) as scored:
        score_frames(date(2026, 8, 15), **given)
    assert str(scored.value) == message


@pytest.mark.parametrize("when", [datetime(2200, 1, 1), datetime(1899, 12, 31)])
def test_a_midnight_out_of_the_plausible_years_is_named_as_the_date_time_it_is(when):
    # from_frames read a column of midnights as days first, and named the cell a date.
    tables = one_metric_tables()
    tables["check_ins"] = tables["check_ins"].with_columns(pl.Series("at", [when]))
    message = (
        f"check_ins[row 0].at: expected a date between 1900-01-01 and 2199-12-31, got {when!r}"
    )
    for read in (from_frames, functools.partial(score_frames, date(2026, 8, 15))):
        with pytest.raises(ValidationError) as refused:
            read(**tables)
        assert str(refused.value) == message


def test_a_required_table_given_as_no_rows_still_has_its_renames_checked():
    with pytest.raises(ValidationError, match="renames 'obj', but no key_results table"):
        score_frames(
            date(2026, 8, 15),
            **{**one_metric_tables(), "key_results": ()},
            columns={"key_results": {"obj": "objective_id"}},
        )


@pytest.mark.slow
def test_spark_time_stamps_of_midnights_are_days_and_a_time_of_day_is_refused(spark):
    # Spark's ordinary time stamps carry its session's zone: their midnights are days.
    tables = one_metric_tables()
    midnights = [datetime(2026, 7, 31), datetime(2026, 8, 31)]
    plans = pl.DataFrame({"objective_id": ["o"] * 2, "key_result_id": ["k"] * 2})
    days = [date(2026, 8, 15)]
    for moments in (midnights, [datetime(2026, 7, 31, 5), datetime(2026, 8, 31)]):
        tables["plans"] = plans.with_columns(at=pl.Series(moments), value=pl.Series([5.0, 8.0]))
        given = {name: spark.createDataFrame(frame.to_pandas()) for name, frame in tables.items()}
        if moments == midnights:
            # from_frames reads them as days too, as Spark shows them (collected in UTC).
            read = from_frames(**given)
            dated = {**tables, "plans": tables["plans"].with_columns(pl.col("at").dt.date())}
            assert read == from_frames(**dated)
            tree = AlignmentTree(read.objectives)
            expected = expected_rows(tree, days, "objective", None)
            assert_same(as_rows(score_frames(days, **given)), expected)
            continue
        # A naive moment goes back to Spark in Python's zone, not the session's: such a
        # column is not read by its distinct cells, and is refused by its type.
        with pytest.raises(ValidationError, match=r"^plans\.at: expected a column of dates"):
            score_frames(days, **given)
        with pytest.raises(ValidationError, match=r"plans\[row 0\]\.at: expected a date without"):
            from_frames(**given)


# The characters Python's str.strip strips (as from_frames strips a cell) past ASCII's six.
UNICODE_BLANKS = "".join(
    blank for blank in map(chr, range(0x3001)) if blank.isspace() and blank not in " \t\n\r\v\f"
)


@pytest.mark.parametrize(
    "backend",
    ["polars", "polars-lazy", "pandas", "duckdb", pytest.param("spark", marks=pytest.mark.slow)],
)
def test_ids_links_and_words_with_unicode_blanks_are_read_as_from_frames_reads_them(
    backend, request
):
    edges = [f"{UNICODE_BLANKS[n]}{{}}{UNICODE_BLANKS[-1 - n]}" for n in range(3)]
    tables = {
        "objectives": pl.DataFrame(
            {
                "id": [edge.format(oid) for edge, oid in zip(edges, "abc", strict=True)],
                "title": ["A", "B", "C"],
                "parent_id": ["\xa0\u3000", "a\u2028", "\x85b"],
                "cycle": ["2026-Q3"] * 3,
                "commitment": ["\xa0committed", "aspirational\u3000", None],
            }
        ),
        "key_results": pl.DataFrame(
            {
                "objective_id": ["a\x1c", "\u205fb", "c"],
                "id": ["k\xa0", "k", "\u2000k"],
                "title": ["K"] * 3,
                "kind": ["\u3000metric", "metric", "metric\xa0"],
                "start": [0.0] * 3,
                "target": [10.0] * 3,
                "owner": ["\xa0\u3000", None, "ann"],
            }
        ),
        "check_ins": pl.DataFrame(
            {
                "objective_id": ["\u202fa", "b", "c"],
                "key_result_id": ["k", "k\u1680", "\x1fk"],
                "at": [date(2026, 7, 5)] * 3,
                "value": [5.0, 2.0, 7.0],
            }
        ),
    }
    days = [date(2026, 7, 10), date(2026, 10, 5)]
    tree = AlignmentTree(from_frames(**tables).objectives)
    assert [objective.id for objective in tree] == ["a", "b", "c"]
    assert [kr.owner for objective in tree for kr in objective.key_results] == [None, None, "ann"]
    if backend == "spark":
        request.getfixturevalue("spark")
        tables = lazy_tables(tables, "spark")
    else:
        tables = polars_tables_as(tables, backend)
    for by in ("objective", "key_result"):
        got = as_rows(score_frames(days, by=by, **tables))
        assert_same(got, expected_rows(tree, days, by, None))
        assert [row["objective_id"] for row in got] == ["a", "b", "c"] * 2


@pytest.mark.parametrize("backend", ["polars", "polars-lazy", "pandas", "duckdb"])
def test_a_title_of_unicode_blanks_is_refused_as_from_frames_refuses_it(backend):
    tables = {
        "objectives": pl.DataFrame({"id": ["a"], "title": ["\xa0\u3000"], "cycle": ["2026-Q3"]}),
        "key_results": pl.DataFrame(
            {"objective_id": ["a"], "id": ["\u2028"], "title": ["K"], "kind": ["binary"]}
        ),
        "check_ins": pl.DataFrame(
            schema={
                "objective_id": pl.String,
                "key_result_id": pl.String,
                "at": pl.Date,
                "value": pl.Float64,
            }
        ),
    }
    message = refused_alike(polars_tables_as(tables, backend))
    assert "objectives[row 0].title: a value is required" in message
    assert "key_results[row 0].id: a value is required" in message


THRESHOLD = {
    "objective_id": ["o"],
    "id": ["k"],
    "title": ["Stay above 5"],
    "kind": ["threshold"],
    "threshold": [5.0],
}
BINARY = {"objective_id": ["o"], "id": ["k"], "title": ["Launch"], "kind": ["binary"]}
EMPTY_TRUE_FALSE = {  # key results, and the value checked in (None: no check-in)
    "no above column, value 4": (THRESHOLD, 4.0),
    "no above column, value 6": (THRESHOLD, 6.0),
    "above None in a column of objects": ({**THRESHOLD, "above": [None]}, 4.0),
    "above NA in a column of booleans": ({**THRESHOLD, "above": [pd.NA]}, 4.0),
    "inclusive NaN in a column of floats": (
        {**THRESHOLD, "above": [True], "inclusive": [np.nan]},
        5.0,
    ),
    "done NaN in a column of floats": ({**BINARY, "done": [np.nan]}, None),
    "done None in a column of objects": ({**BINARY, "done": [None]}, None),
}


@pytest.mark.parametrize("backend", ["pandas", "polars", "duckdb"])
@pytest.mark.parametrize("case", list(EMPTY_TRUE_FALSE))
def test_an_empty_true_false_cell_is_unset_as_from_frames_reads_it(case, backend):
    # pandas holds no empty cell in a column of true/false: an unset `above` was read as
    # False there, and a blank `done` (NaN, as read_csv reads it) as done.
    key_result, value = EMPTY_TRUE_FALSE[case]
    key_results = pd.DataFrame(key_result)
    if case == "above NA in a column of booleans":
        key_results["above"] = key_results["above"].astype("boolean")
    check_ins = pd.DataFrame(
        {
            "objective_id": pd.Series(["o"] if value is not None else [], dtype=object),
            "key_result_id": pd.Series(["k"] if value is not None else [], dtype=object),
            "at": pd.Series(
                [date(2026, 7, 18)] if value is not None else [], dtype="datetime64[ns]"
            ),
            "value": pd.Series([value] if value is not None else [], dtype=float),
        }
    )
    tables = {
        "objectives": pd.DataFrame({"id": ["o"], "title": ["O"], "cycle": ["2026-Q3"]}),
        "key_results": key_results,
        "check_ins": check_ins,
    }
    tree = AlignmentTree(from_frames(**tables).objectives)
    days = [date(2026, 8, 15), date(2026, 10, 5)]
    if backend != "pandas":
        tables = polars_tables_as({n: pl.from_pandas(f) for n, f in tables.items()}, backend)
    got = as_rows(score_frames(days, by="key_result", **tables))
    assert_same(got, expected_rows(tree, days, "key_result", None))
