"""The canonical tables kept in a real database, scored there: DuckDB and SQLite."""

from __future__ import annotations

import math
import sqlite3
from datetime import date, datetime, timedelta, timezone

import duckdb
import pytest

from okrkpi import (
    AlignmentTree,
    ConfidenceRating,
    Cycle,
    KeyResult,
    Objective,
    ScoringPolicy,
    ValidationError,
)
from okrkpi.examples import example_objectives
from okrkpi.serde import Document
from okrkpi.tables import (
    TABLES,
    from_frames,
    schema_sql,
    score_frames,
    scores_frame,
    to_frames,
    to_rows,
)

DATES = [date(2026, 7, 1), date(2026, 8, 15), date(2026, 10, 5)]
SCORED = ("objectives", "key_results", "check_ins", "milestones", "plans")
DOCUMENT = Document(tuple(example_objectives()))
EXPECTED = scores_frame(AlignmentTree(DOCUMENT.objectives), DATES, backend="polars").to_dicts()


def assert_scores(rows):
    assert [(row["as_of"], row["objective_id"]) for row in rows] == [
        (row["as_of"], row["objective_id"]) for row in EXPECTED
    ]
    for mine, theirs in zip(rows, EXPECTED, strict=True):
        assert math.isclose(mine["value"], theirs["value"], abs_tol=1e-9)
        assert (mine["grade"], mine["status"], mine["met"]) == (
            theirs["grade"],
            theirs["status"],
            theirs["met"],
        )


def relation_rows(relation):
    names = relation.columns
    return [dict(zip(names, row, strict=True)) for row in relation.fetchall()]


def fill_duckdb(connection, document=DOCUMENT, schema=None):
    connection.execute(schema or schema_sql("duckdb"))
    frames = to_frames(document, backend="pyarrow")
    for table in TABLES:
        data = frames[table]  # noqa: F841 - read by DuckDB's replacement scan below
        names = ", ".join(f'"{name}"' for name in TABLES[table])
        connection.execute(f'INSERT INTO "{table}" ({names}) SELECT {names} FROM data')


def test_a_file_backed_duckdb_database_is_scored_in_duckdb(tmp_path):
    path = tmp_path / "okrs.duckdb"
    with duckdb.connect(str(path)) as connection:
        fill_duckdb(connection)
    with duckdb.connect(str(path), read_only=True) as connection:
        tables = {name: connection.table(name) for name in SCORED}
        scores = score_frames(DATES, **tables)
        assert isinstance(scores, duckdb.DuckDBPyRelation)  # lazy: nothing ran yet
        assert_scores(relation_rows(scores))


def test_the_schema_refuses_what_from_frames_would_refuse():
    connection = duckdb.connect()
    connection.execute(schema_sql("duckdb"))
    connection.execute("INSERT INTO objectives (id, title) VALUES ('a', 'A')")
    with pytest.raises(duckdb.ConstraintException):  # ids are unique
        connection.execute("INSERT INTO objectives (id, title) VALUES ('a', 'again')")
    with pytest.raises(duckdb.ConstraintException):  # a title is required
        connection.execute("INSERT INTO objectives (id) VALUES ('b')")
    with pytest.raises(duckdb.ConstraintException):  # a key result's objective exists
        connection.execute(
            "INSERT INTO key_results (objective_id, id, title, kind) VALUES ('x', 'k', 'K', 'binary')"
        )
    with pytest.raises(duckdb.ConstraintException):  # so does a linked objective's
        connection.execute("INSERT INTO alignments (objective_id, parent_id) VALUES ('x', 'a')")
    # A parent is not keyed: a slice of a tree, or a child written before its parent.
    connection.execute("INSERT INTO alignments (objective_id, parent_id) VALUES ('a', 'elsewhere')")
    connection.execute("INSERT INTO objectives (id, title, parent_id) VALUES ('c', 'C', 'later')")


def fill_sqlite(path):
    connection = sqlite3.connect(path)
    connection.executescript(schema_sql("sqlite"))
    for table, rows in to_rows(DOCUMENT).items():
        names = list(TABLES[table])
        marks = ", ".join("?" * len(names))
        quoted = ", ".join(f'"{name}"' for name in names)
        connection.executemany(
            f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})',
            [
                tuple(
                    value.isoformat() if isinstance(value, date) else value
                    for value in (row.get(name) for name in names)
                )
                for row in rows
            ],
        )
    connection.commit()
    connection.close()


# SQLite keeps dates as ISO text: DuckDB reads them back as dates and time stamps.
TYPED = {
    "objectives": "CAST(cycle_start AS DATE) AS cycle_start, CAST(cycle_end AS DATE) AS cycle_end",
    "check_ins": 'CAST("at" AS TIMESTAMP) AS "at"',
    "plans": 'CAST("at" AS DATE) AS "at"',
}


def test_sqlite_through_adbc_into_arrow_is_scored_in_duckdb(tmp_path):
    adbc = pytest.importorskip("adbc_driver_sqlite.dbapi")
    path = str(tmp_path / "okrs.sqlite")
    fill_sqlite(path)
    connection = duckdb.connect()
    with adbc.connect(path) as sqlite:
        for table in SCORED:
            with sqlite.cursor() as cursor:
                cursor.execute(f'SELECT * FROM "{table}"')
                connection.register(f"raw_{table}", cursor.fetch_arrow_table())
    tables = {}
    for table in SCORED:
        replaced = TYPED.get(table)
        columns = "*" if replaced is None else f"* REPLACE ({replaced})"
        tables[table] = connection.sql(f"SELECT {columns} FROM raw_{table}")
    assert_scores(relation_rows(score_frames(DATES, **tables)))


def test_schema_sql_names_its_dialects():
    assert schema_sql("postgres").count("CREATE TABLE") == len(TABLES)
    assert '"value" DOUBLE PRECISION NOT NULL' in schema_sql("postgres")
    assert '"value" REAL NOT NULL' in schema_sql("sqlite")
    with pytest.raises(ValidationError, match="schema_sql.dialect: expected 'duckdb'"):
        schema_sql("oracle")  # type: ignore[arg-type]


NEW_YORK = timezone(timedelta(hours=-5))
# A check-in late in the evening in New York: 1 August there, 2 August in UTC.
LATE = Document(
    (
        Objective(
            "Grow",
            [
                KeyResult.metric("Visitors", start=0, target=10, id="visitors").check_in(
                    3, at=datetime(2026, 8, 1, 21, 30, tzinfo=NEW_YORK)
                )
            ],
            id="grow",
            cycle=Cycle.quarter(2026, 3),
        ),
    )
)
TWO_DAYS = [date(2026, 8, 1), date(2026, 8, 2)]
# The schema with instants for check-ins: a TIMESTAMPTZ `at`.
TIMESTAMPTZ = schema_sql("duckdb").replace('"at" TIMESTAMP NOT NULL', '"at" TIMESTAMPTZ NOT NULL')


def values_by_day(rows):
    return [(row["as_of"], row["value"]) for row in rows]


def pure_values(document, policy):
    tree = AlignmentTree(document.objectives, policy=policy)
    return values_by_day(scores_frame(tree, TWO_DAYS, backend="polars").to_dicts())


def duckdb_values(connection, policy):
    tables = {name: connection.table(name) for name in ("objectives", "key_results", "check_ins")}
    return values_by_day(relation_rows(score_frames(TWO_DAYS, policy=policy, **tables)))


def test_a_timestamp_keeps_a_check_ins_wall_clock_time_and_so_its_local_day():
    connection = duckdb.connect()
    fill_duckdb(connection, LATE)
    policy = ScoringPolicy()  # day_of="local"
    assert (
        duckdb_values(connection, policy)
        == pure_values(LATE, policy)
        == [
            (date(2026, 8, 1), 0.3),
            (date(2026, 8, 2), 0.3),
        ]
    )


def test_a_timestamptz_keeps_the_instant_and_so_its_utc_day():
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    fill_duckdb(connection, LATE, TIMESTAMPTZ)
    policy = ScoringPolicy(day_of="utc")
    assert (
        duckdb_values(connection, policy)
        == pure_values(LATE, policy)
        == [
            (date(2026, 8, 1), 0.0),
            (date(2026, 8, 2), 0.3),
        ]
    )


def test_a_timestamptz_in_a_connection_of_another_time_zone_is_refused_by_name():
    connection = duckdb.connect()
    fill_duckdb(connection, LATE, TIMESTAMPTZ)
    connection.execute("SET TimeZone = 'America/New_York'")
    with pytest.raises(ValidationError, match=r"check_ins\.at: .*SET TimeZone = 'UTC'"):
        duckdb_values(connection, ScoringPolicy(day_of="utc"))


def test_a_confidence_below_one_point_is_stored_as_to_frames_writes_it():
    key_result = KeyResult.metric("m", start=0, target=10, id="m")
    low = key_result.check_in(3, at=date(2026, 8, 1), confidence=ConfidenceRating(0.5))
    document = Document((Objective("O", [low], id="o", cycle=Cycle.quarter(2026, 3)),))
    connection = duckdb.connect()
    fill_duckdb(connection, document)  # "0.5/10": a number column refused the insert
    tables = {
        name: connection.table(name).to_arrow_table()
        for name in ("objectives", "key_results", "check_ins")
    }
    read = from_frames(**tables)
    assert read.objectives[0].key_results[0].check_ins[0].confidence == ConfidenceRating(0.5)
    assert duckdb_values(connection, None) == pure_values(document, None)


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite", "postgres"])
def test_every_dialect_keeps_confidences_as_text(dialect):
    assert '"confidence" TEXT' in schema_sql(dialect)
