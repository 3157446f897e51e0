"""CREATE TABLE statements for the canonical tables, so an app stores OKRs as okrkpi reads them."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from okrkpi._edges.tables import TABLES
from okrkpi._errors import ValidationError

__all__ = ["Dialect", "schema_sql"]

Dialect = Literal["duckdb", "sqlite", "postgres"]

# The SQL type of each kind of column, per dialect. Check-in moments are time stamps
# (a day is its midnight, which `from_frames` and `score_frames` read as the day).
_TYPES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "duckdb": MappingProxyType(
            {
                "text": "TEXT",
                "number": "DOUBLE",
                "whole": "INTEGER",
                "bool": "BOOLEAN",
                "date": "DATE",
                "moment": "TIMESTAMP",
            }
        ),
        "sqlite": MappingProxyType(
            {
                "text": "TEXT",
                "number": "REAL",
                "whole": "INTEGER",
                "bool": "BOOLEAN",
                "date": "DATE",
                "moment": "TIMESTAMP",
            }
        ),
        "postgres": MappingProxyType(
            {
                "text": "TEXT",
                "number": "DOUBLE PRECISION",
                "whole": "INTEGER",
                "bool": "BOOLEAN",
                "date": "DATE",
                "moment": "TIMESTAMP",
            }
        ),
    }
)

# Keys: what makes a row unique, and what it links to.
_PRIMARY: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "objectives": ("id",),
        "key_results": ("objective_id", "id"),
        "initiatives": ("objective_id", "id"),
        "kpis": ("name",),
    }
)
_FOREIGN: Mapping[str, tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...]] = MappingProxyType(
    {
        # A parent (`parent_id`) is not keyed: a table may hold one team's slice of a
        # tree, and an app may write a child before its parent.
        "alignments": ((("objective_id",), "objectives", ("id",)),),
        "key_results": ((("objective_id",), "objectives", ("id",)),),
        "check_ins": ((("objective_id", "key_result_id"), "key_results", ("objective_id", "id")),),
        "milestones": ((("objective_id", "key_result_id"), "key_results", ("objective_id", "id")),),
        "plans": ((("objective_id", "key_result_id"), "key_results", ("objective_id", "id")),),
        "initiatives": ((("objective_id",), "objectives", ("id",)),),
        "measurements": ((("kpi",), "kpis", ("name",)),),
    }
)


def column_kind(table: str, column: str) -> str:
    """The kind of a canonical column, from its meaning in `TABLES`."""
    meaning = TABLES[table][column].lstrip("* ")
    if (table == "check_ins" and column == "at") or (table == "measurements" and column == "at"):
        return "moment"
    if table == "check_ins" and column == "confidence":
        # A rating, a label ("high") or a rating below one as "0.5/10" (a number there
        # reads as a probability): text holds each as `to_frames` writes it.
        return "text"
    if meaning.startswith("whole number"):
        return "whole"
    if meaning.startswith(("number", "0..10")):
        return "number"
    if meaning.startswith("bool"):
        return "bool"
    if meaning.startswith("date"):
        return "date"
    return "text"


def _quoted(name: str) -> str:
    # Quoted: "at" and "commit" are reserved words in SQL.
    return f'"{name}"'


def _names(columns: tuple[str, ...]) -> str:
    return ", ".join(map(_quoted, columns))


def schema_sql(dialect: Dialect = "duckdb") -> str:
    """CREATE TABLE statements for the tables `from_frames` and `score_frames` read.

    One table per entry of `TABLES`, in an order that creates a table before the tables
    that refer to it: columns typed (text, numbers, booleans, dates, time stamps for
    check-ins and measurements), required columns NOT NULL, primary keys (an objective's
    id; a key result's id within its objective) and foreign keys to the rows they link
    to. A check-in's value is a number: a binary key result's 0 or 1, an ordinal one's
    zone 0..3. A confidence is text, as `to_frames` writes it: a rating 0..10, a label
    ("high"), or "0.5/10" for a rating below one (a number there reads as a
    probability).

    A check-in's `at` is a `TIMESTAMP`: the wall-clock time, whose day is its local day
    (the default `day_of`); a moment written with an offset keeps its time and loses
    the offset. To score by UTC days (`day_of="utc"`), keep instants in a `TIMESTAMPTZ`
    column instead (`ALTER TABLE check_ins ALTER "at" TYPE TIMESTAMPTZ`): `score_frames`
    reads either, a DuckDB `TIMESTAMPTZ` in a connection whose `TimeZone` is UTC. A
    `TIMESTAMPTZ` keeps no offset: its check-ins read as UTC date-times, whose day is
    the UTC day under either day rule.

    Args:
        dialect: `"duckdb"`, `"sqlite"` or `"postgres"`.

    Raises:
        ValidationError: Another dialect.
    """
    if dialect not in _TYPES:
        raise ValidationError.field(
            "schema_sql.dialect", dialect, "'duckdb', 'sqlite' or 'postgres'"
        )
    types = _TYPES[dialect]
    statements = []
    for table, columns in TABLES.items():
        lines = [
            f"    {_quoted(column)} {types[column_kind(table, column)]}"
            + (" NOT NULL" if meaning.startswith("*") else "")
            for column, meaning in columns.items()
        ]
        if table in _PRIMARY:
            lines.append(f"    PRIMARY KEY ({_names(_PRIMARY[table])})")
        lines.extend(
            f"    FOREIGN KEY ({_names(own)}) REFERENCES {_quoted(other)} ({_names(theirs)})"
            for own, other, theirs in _FOREIGN.get(table, ())
        )
        body = ",\n".join(lines)
        statements.append(f"CREATE TABLE {_quoted(table)} (\n{body}\n);")
    return "\n\n".join(statements) + "\n"
