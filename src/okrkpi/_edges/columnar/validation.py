"""Whole-column checks of the canonical tables, reported as `from_frames` reports them.

Two steps, both over whole columns:

1. `prepared_columns` gives every table the columns the engine reads, typed: text
   (stripped, blank is empty), numbers (NaN is empty), booleans, and days as whole
   numbers. A column of the expected type is converted with expressions. An eager
   column of Python objects (a pandas `object` column, text where numbers belong) is
   read cell by cell with the pure reader's own functions, so each bad cell is named
   and described exactly as `from_frames` names it; a lazy column of a wrong type is
   read by its distinct cells (`DISTINCT_CELLS_READ` at most), or refused by name.
2. `check_tables` runs the checks below as expressions: one counting query per table
   finds whether anything is wrong, and only then are the offending rows fetched (the
   first `MAX_PROBLEMS` of each check) to word their problems.

Problems are sorted by table (in `TABLES` order), row and column, and cut at
`MAX_PROBLEMS` with a count of the rest, as `from_frames` does.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

import attrs

from okrkpi._alignment.tree import _check_links, _find_loops
from okrkpi._edges.columnar._frames import (
    BLANKS,
    ROW,
    RUN_LENGTH,
    SCORED_TABLES,
    Inputs,
    optional_numpy,
    polars_run_starts,
    stripped,
    with_group_value,
)
from okrkpi._edges.columnar.schema import column_kind
from okrkpi._edges.serde import MAX_PROBLEMS
from okrkpi._edges.tables import (
    _KEYS,
    TABLES,
    _BadCellError,
    _binary_value,
    _bool,
    _column_of,
    _confidence_reader,
    _day_of,
    _is_null,
    _moment_reader,
    _number,
    _read_initiatives,
    _Reader,
    _text,
    _whole,
    _zone_value,
    cycle_column,
)
from okrkpi._errors import AlignmentError, Problem, ValidationError, describe
from okrkpi._model._checks import EARLIEST, LATEST, enum_member
from okrkpi._model.confidence_scale import ConfidenceScale
from okrkpi._model.cycle import Cycle, CycleKind
from okrkpi._model.key_result import KeyResultKind, Zoned
from okrkpi._model.objective import Commitment, Level

__all__ = ["check_tables", "prepared_columns"]

EPOCH = date(1970, 1, 1)
_EARLIEST_DAY = (EARLIEST - EPOCH).days
_LATEST_DAY = (LATEST - EPOCH).days
_DAY_US = 86_400_000_000
# Free-text columns, read as written (`_written`): ids, links and keywords are stripped.
_WRITTEN = frozenset(
    {"title", "owner", "unit", "note", "name", "commit_text", "target_text", "stretch_text"}
)
# The names of UTC in the time-zone database (and as offsets).
_UTC_ZONES = frozenset(
    {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu"}
    | {"GMT", "Etc/GMT", "Etc/GMT+0", "Etc/GMT-0", "Etc/GMT0", "GMT0", "GMT+0", "GMT-0"}
    | {"Etc/Greenwich", "Greenwich", "+00:00", "Z"}
)
# Two numbers this size or smaller differ by a finite number.
_HALF_MAX = sys.float_info.max / 2

# What each column the engine reads holds; the rest of `TABLES` is checked as text.
_NUMBERS = MappingProxyType(
    {
        "objectives": ("alignment_weight", "cycle_fiscal_start_month"),
        "alignments": ("weight",),
        "key_results": ("start", "target", "threshold", "baseline", "stretch", "commit", "weight"),
        "check_ins": ("value",),
        "milestones": ("weight",),
        "plans": ("value",),
        "initiatives": ("progress",),
    }
)
_BOOLEANS = MappingProxyType({"key_results": ("above", "inclusive", "done")})
# What an empty true/false cell means, as the model's defaults: written in where the
# column is typed, since pandas' columns of true/false hold no empty cell (narwhals
# makes an empty one False there).
_UNSET_BOOLEANS = MappingProxyType({"above": True, "inclusive": False, "done": False})
_DAYS = MappingProxyType(
    {
        "objectives": ("cycle_start", "cycle_end", "closed_on"),
        "plans": ("at",),
        "initiatives": ("start", "end"),
    }
)
_MOMENTS = MappingProxyType({"check_ins": ("at",)})


def _type_of(table: str, column: str) -> str:
    for kind, columns in (
        ("number", _NUMBERS),
        ("bool", _BOOLEANS),
        ("day", _DAYS),
        ("moment", _MOMENTS),
    ):
        if column in columns.get(table, ()):
            return kind
    if table == "check_ins" and column == "confidence":
        return "confidence"
    return "text"


@attrs.define
class Problems:
    """Problems found so far, each placed where `from_frames` would report it, and how many.

    A problem is kept with its table, row, column and step (what the pure reader was
    doing when it met it); `raise_any` orders them as the pure reader reads: key cells,
    links to objectives, then each key result with its milestones, plans and check-ins,
    the rows linked to no key result, initiatives, alignments and objectives.
    """

    found: list[_Found] = attrs.Factory(list)
    fixed: list[tuple[tuple[Any, ...], Problem]] = attrs.Factory(list)
    count: int = 0
    # Rows whose cells were unreadable (a type problem reported): no "a value is required".
    unreadable: dict[tuple[str, str], set[int]] = attrs.Factory(dict)
    # Check-in value cells that are not plain numbers: read again with their key result's kind.
    values: dict[int, Any] = attrs.Factory(dict)
    # Every check-in value cell as given, when the column was read cell by cell.
    raw_values: dict[int, Any] = attrs.Factory(dict)
    # Rules whose offending rows are counted together, by `flush`.
    pending: list[_Check] = attrs.Factory(list)
    # Whether the check-in values are a column of floats (from_frames reads such a column
    # whole, leaving a binary key result's 0.5 to the model's check, not the cell's).
    float_values: bool = True
    # Whether they are a column of booleans: true/false, for binary key results only.
    bool_values: bool = False
    # The check-ins' date-time cells by row, when naive and aware ones are both written.
    mixed_moments: dict[int, datetime] = attrs.Factory(dict)

    def add(
        self,
        table: str,
        row: int,
        column: str | None,
        message: str,
        step: str = "cell",
        owner: tuple[Any, ...] | None = None,
        rank: int = 0,
    ) -> None:
        """One problem of `table[row N].column`, worded as `from_frames` words it.

        `rank` orders the problems of one step that exclude each other: a model check
        raises at its first, so only the lowest of a row's is reported.
        """
        self.found.append(_Found(table, row, column, message, step, owner, rank))
        self.count += 1

    def add_at(self, order: tuple[int, ...], problem: Problem) -> None:
        """A problem that is not a cell's (a missing column)."""
        self.fixed.append((order, problem))
        self.count += 1

    def flush(self) -> None:
        """Count every pending rule's rows at once, then fetch the rows of those with any."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        for check, total in zip(
            pending, _counts(pending[0].nw, [c.frame for c in pending]), strict=True
        ):
            if total:
                check.report(total, self)

    def more(self, count: int) -> None:
        """Problems counted but not fetched (past the first `MAX_PROBLEMS` of a check)."""
        self.count += count

    def raise_any(
        self,
        nw: Any = None,
        frames: Mapping[str, Any] | None = None,
        error: type[ValidationError] = ValidationError,
    ) -> None:
        """Raise every problem in `from_frames`' order, the first `MAX_PROBLEMS`, the rest counted.

        With the typed `frames`, each problem of a linked row is placed under its key
        result, and the problems `from_frames` never meets (the check-ins of a key result
        it could not read) are left out.
        """
        self.flush()
        found = self.found
        if frames is not None and found:
            found = _placed(nw, frames, self)
        ordered = sorted(
            [*self.fixed, *((item.order, item.problem) for item in found)],
            key=lambda item: item[0],
        )
        count = self.count - (len(self.found) - len(found))
        if not count:
            return
        shown = [problem for _, problem in ordered[:MAX_PROBLEMS]]
        if count > MAX_PROBLEMS:
            shown.append(Problem("", f"... and {count - MAX_PROBLEMS:,} more problems"))
        raise error(*shown)


@attrs.define
class _Found:
    """One problem, with what places it in `from_frames`' order."""

    table: str
    row: int
    column: str | None
    message: str
    step: str
    owner: tuple[Any, ...] | None
    rank: int = 0
    order: tuple[Any, ...] = ()

    @property
    def problem(self) -> Problem:
        where = f"{self.table}[row {self.row}]" + (f".{self.column}" if self.column else "")
        return Problem(where, self.message)


# The tables in the order from_frames is given them, and the order of its steps.
_GIVEN = (
    "objectives",
    "alignments",
    "key_results",
    "check_ins",
    "milestones",
    "plans",
    "initiatives",
)
_LINKING = ("alignments", "key_results", "check_ins", "milestones", "plans", "initiatives")
_LINKED = ("check_ins", "milestones", "plans")
# The pure reader's join columns, of the tables this engine reads (not the KPI tables).
_KEY_COLUMNS = MappingProxyType(
    {table: keys for table, keys in _KEYS.items() if table not in ("kpis", "measurements")}
)
# The order a row's cells are read in (a key result's measure cells by kind).
_READ_ORDER = MappingProxyType(
    {
        "objectives": (
            "id",
            "title",
            "",
            "parent_id",
            "parent_key_result_id",
            "carried_over_from",
            "owner",
            "commitment",
            "level",
            "alignment_weight",
            "closed_on",
            "cycle",
            "cycle_start",
            "cycle_end",
            "cycle_kind",
            "cycle_fiscal_start_month",
        ),
        "alignments": ("objective_id", "parent_id", "weight", "parent_key_result_id"),
        "key_results": (
            "objective_id",
            "id",
            "title",
            "",
            "kind",
            "start",
            "target",
            "unit",
            "done",
            "threshold",
            "above",
            "inclusive",
            "baseline",
            "stretch",
            "commit",
            "commit_text",
            "target_text",
            "stretch_text",
            "weight",
            "owner",
            "source_kpi",
        ),
        "check_ins": ("value", "at", "confidence", "note"),
        "milestones": ("name", "weight"),
        "plans": ("at", "value"),
        "initiatives": (
            "objective_id",
            "id",
            "owner",
            "progress",
            "start",
            "end",
            "title",
            "status",
            "key_result_ids",
        ),
    }
)
# Which kinds of key result read each of their cells (the rest read every cell).
_READ_BY = MappingProxyType(
    {
        "start": ("metric",),
        "target": ("metric", "zoned"),
        "unit": ("metric", "zoned"),
        "done": ("binary",),
        "threshold": ("threshold",),
        "above": ("threshold",),
        "inclusive": ("threshold",),
        "baseline": ("zoned",),
        "stretch": ("zoned",),
        "commit": ("zoned",),
        "commit_text": ("ordinal",),
        "target_text": ("ordinal",),
        "stretch_text": ("ordinal",),
    }
)
# A key result's cells without which it has no measure (and its check-ins are not read).
_MEASURE_NEEDS = MappingProxyType(
    {
        "metric": ("start", "target"),
        "threshold": ("threshold",),
        "zoned": ("baseline", "stretch"),
    }
)


def _position(table: str, column: str | None, kind: str | None = None) -> float:
    order = _READ_ORDER[table]
    if column is None or column not in order:
        return len(order)
    if table == "key_results" and kind == "zoned" and column == "target":
        return order.index("commit") + 0.5  # a zoned key result reads commit, then target
    return order.index(column)


# The ranks of an objective's link problems the model raises before its key results'
# checks (rank 0), and of those it raises after them, or with the first when any.
_EARLY_LINKS, _LATE_LINKS = -1, 1


def _placed(nw: Any, frames: Mapping[str, Any], problems: Problems) -> list[_Found]:
    """The problems `from_frames` meets, each with its place in its order.

    Small queries, for the rows with problems only: the key result each linked row
    belongs to (its objective's first row with that id), and the kind of each key result.
    """
    found = problems.found
    owners = _owners(nw, frames, found)
    kinds = _kinds(
        nw,
        frames,
        {
            *(o[0] for o in owners.values() if o[0] is not None),
            *(item.row for item in found if item.table == "key_results"),
        },
    )
    kept: list[_Found] = []
    for item in found:
        # The value's cell, worded for its key result's kind (not the row's other cells).
        value_cell = item.table == "check_ins" and item.column == "value"
        if value_cell and item.row in problems.values:
            owner = owners.get(("check_ins", item.row), (None, 0))[0]
            kind = None if owner is None else kinds.get(owner)
            message = _value_message(problems.values[item.row], kind)
            if message is None:
                continue
            item.message = message
        if (
            item.table == "key_results"
            and item.column is not None
            and item.column in _READ_BY
            and item.step == "cell"
            and kinds.get(item.row) not in _READ_BY[item.column]
        ):
            continue  # a cell its kind does not read
        kept.append(item)
    kept = [item for item in kept if item.step != "weights"]
    # A key result from_frames refuses stands in for itself: the model weighs its
    # objective's key results as the table lists them.
    kept += _weights_problems(nw, frames, found)
    # A repeated objective or key-result id: from_frames reads no further cell of its row.
    repeated = {
        (item.table, item.row)
        for item in kept
        if item.table in ("objectives", "key_results") and item.step == "repeat"
    }
    kept = [
        item
        for item in kept
        if not (
            (item.table, item.row) in repeated
            and item.step != "repeat"
            and item.column not in ("objective_id", "id", "title")  # read before the id
        )
    ]
    # An objective not built (no id or title, or refused links): the model checks nothing.
    unbuilt = {
        item.row
        for item in kept
        if item.table == "objectives" and item.step == "cell" and item.column in ("id", "title")
    }
    unbuilt |= {item.owner[1] for item in kept if item.owner is not None and item.owner[0] == 7}
    kept = [
        item
        for item in kept
        if not (item.table == "objectives" and item.step == "model" and item.row in unbuilt)
    ]
    # A key result's measure, its check-ins, or an objective are refused at the model's
    # first check that fails; an objective's link problems come all at once, the late
    # ones (aligned to itself) with the others when there are any.
    raising = {("key_results", "measure"), ("objectives", "model")}

    def refused_by(item: _Found) -> tuple[str, int | None] | None:
        """What the model refuses at its first failing check, for this problem."""
        if (item.table, item.step) in raising:
            return item.table, item.row
        if item.table == "check_ins" and item.step == "model":
            return "check_ins", owners.get(("check_ins", item.row), (None, 0))[0]
        return None

    first_rank: dict[tuple[str, int | None], int] = {}
    for item in kept:
        if (key := refused_by(item)) is not None:
            first_rank[key] = min(first_rank.get(key, item.rank), item.rank)
    kept = [
        item
        for item in kept
        if (key := refused_by(item)) is None
        or item.rank == (first := first_rank[key])
        or (item.table == "objectives" and (first, item.rank) == (_EARLY_LINKS, _LATE_LINKS))
    ]
    blocked = _blocked(kept, owners, kinds)
    placed = []
    for item in kept:
        order = _order(item, owners, kinds)
        if order is None or (order[0] == 3 and _hidden(item, order[1], blocked)):
            continue
        item.order = order
        placed.append(item)
    return placed


def _value_message(cell: Any, kind: str | None) -> str | None:
    """A check-in's value cell read as `from_frames` reads it for its key result's kind."""
    read = {"ordinal": _zone_value, "binary": _binary_value}.get(kind or "", _number)
    try:
        read(cell)
    except _BadCellError as bad:
        return refused(bad, cell)
    return None


def _owners(
    nw: Any, frames: Mapping[str, Any], found: Sequence[_Found]
) -> dict[tuple[str, int], tuple[int | None, int]]:
    """(table, row) of linked rows -> (its key result's row or None, its group's first row)."""
    owners: dict[tuple[str, int], tuple[int | None, int]] = {}
    first = (
        frames["key_results"]
        .filter(~nw.col("objective_id").is_null() & ~nw.col("id").is_null())
        .group_by("objective_id", "id")
        .agg(nw.col(ROW).min().alias("owner_row"))
        .select("objective_id", nw.col("id").alias("key_result_id"), "owner_row")
    )
    for table in _LINKED:
        rows = sorted({item.row for item in found if item.table == table})
        if not rows or table not in frames:
            continue
        grouped = with_group_value(
            nw, frames[table], nw.col(ROW).min(), ("objective_id", "key_result_id"), "group_row"
        )
        linked = (
            grouped.filter(nw.col(ROW).is_in(rows))
            .join(first, on=["objective_id", "key_result_id"], how="left")
            .select(ROW, "owner_row", "group_row")
            .collect()
            .rows()
        )
        for row, owner, group in linked:  # pandas' left join and Dask's group-by give NaN
            owners[(table, int(row))] = (
                None if _is_null(owner) else int(owner),
                int(row) if _is_null(group) else int(group),
            )
    return owners


def _kinds(nw: Any, frames: Mapping[str, Any], rows: set[int]) -> dict[int, str | None]:
    """The kind (lower case) of the key results in `rows`."""
    if not rows:
        return {}
    found = (
        frames["key_results"]
        .filter(nw.col(ROW).is_in(sorted(rows)))
        .select(ROW, nw.col(KIND_WORD))
        .collect()
        .rows()
    )
    return {int(row): kind for row, kind in found}


_AROUND_THE_MEASURE = ("weight", "owner", "source_kpi")


def _order(
    item: _Found,
    owners: Mapping[tuple[str, int], tuple[int | None, int]],
    kinds: Mapping[int, str | None],
) -> tuple[Any, ...] | None:
    table, row, step = item.table, item.row, item.step
    if item.owner is not None:
        return item.owner
    if step == "ids":  # from_frames checks check-in ids before it reads any key result
        return (2, row)
    if step == "key":
        return (0, _GIVEN.index(table), _KEY_COLUMNS[table].index(item.column or ""), row)
    if step == "link":
        return (1, _LINKING.index(table), row)
    if table == "key_results":
        own_steps = {"repeat": 3, "measure": 7, "model": 16}
        if step in own_steps:
            return (3, row, own_steps[step])
        position = _position(table, item.column, kinds.get(row))
        # from_frames reads the ids and title, then the measure's cells and the measure,
        # then the cells around it (weight, owner, source_kpi).
        if item.column in ("objective_id", "id", "title"):
            return (3, row, 0, position)
        return (3, row, 10 if item.column in _AROUND_THE_MEASURE else 6, position)
    if table in _LINKED:
        owner, group = owners.get((table, row), (None, row))
        if owner is None and step not in ("dangling", "link", "key"):
            return None  # from_frames reads no cell of a row linked to no key result
        if owner is None or step == "dangling":
            return (4, _LINKED.index(table), group, row, _position(table, item.column))
        if table == "check_ins":
            if step in ("repeat", "model"):
                return (3, owner, 14 if step == "repeat" else 16, row)
            return (3, owner, 13, _position(table, item.column), row)
        if step == "misplaced":
            return (3, owner, 8 if table == "milestones" else 9, row)
        return (3, owner, 4 if table == "milestones" else 5, row, _position(table, item.column))
    if table == "initiatives":
        return (5, row, 99 if step == "rule" else _position(table, item.column))
    if table == "alignments":
        link_steps = {"negative": 4.0, "self": 5.0, "repeat": 6.0}
        return (6, row, link_steps.get(step, _position(table, item.column)))
    objective_steps = {"repeat": 2.0, "cycle": 16.5, "model": 18.0}
    return (7, row, objective_steps.get(step, _position(table, item.column)))


# Steps of a key result's own row after which from_frames does not read its check-ins.
def _blocked(
    found: Sequence[_Found],
    owners: Mapping[tuple[str, int], tuple[int | None, int]],
    kinds: Mapping[int, str | None],
) -> dict[int, set[str]]:
    """What from_frames skips for each key result row, given its problems.

    "measure" (no measure: its check-ins are not read), "history" (a check-in's cell
    was refused: its check-ins are not compared), "built" (it is not built: the model's
    checks of the key result and its values are not made).
    """
    blocked: dict[int, set[str]] = {}
    for item in found:
        if item.table == "key_results":
            kind = kinds.get(item.row)
            needs = ("kind", "id", *_MEASURE_NEEDS.get(kind or "", ()))
            if item.column in needs or item.step == "measure":
                blocked.setdefault(item.row, set()).add("measure")
            empty = item.step == "cell" and item.column in ("objective_id", "title", "id")
            if empty or item.step == "repeat":
                blocked.setdefault(item.row, set()).add("built")
            continue
        if item.table not in _LINKED:
            continue
        owner = owners.get((item.table, item.row), (None, 0))[0]
        if owner is None or item.step in ("dangling", "model", "link", "key", "ids"):
            continue
        if (
            item.table == "milestones"
            and item.step != "misplaced"
            and kinds.get(owner) == "milestones"  # its steps are its measure
        ):
            blocked.setdefault(owner, set()).add("measure")
        if item.table == "check_ins":
            blocked.setdefault(owner, set()).add("history" if item.step == "cell" else "built")
    return blocked


def _hidden(item: _Found, owner: int, blocked: Mapping[int, set[str]]) -> bool:
    """Whether from_frames, reading key result row `owner`, never meets this problem."""
    if item.step == "ids":
        return False
    states = blocked.get(owner, set())
    if (item.table == "check_ins" or item.step == "misplaced") and "measure" in states:
        return True
    if item.table == "check_ins" and item.step == "repeat" and "history" in states:
        return True
    return item.step == "model" and bool(states)


# -- 1. typed columns ------------------------------------------------------------------------------


def prepared_columns(
    nw: Any,
    inputs: Inputs,
    local_days: bool,
    readers: Mapping[str, Callable[[Any], Any]] | None = None,
    *,
    scaled: bool = False,
) -> tuple[dict[str, Any], Problems]:
    """Every table with the columns the engine reads, typed, and the cells that are not.

    Adds `day` (and for check-ins `moment`, a sortable instant) from `at`, and
    `cycle_first` / `cycle_last` from an objective's custom cycle dates. A missing
    required column is raised at once; the bad cells are returned, for `check_tables`
    to report with the rest (or to raise, when the tables are not checked). Cells
    of Python objects (text dates, ratings) are read with `readers` (`cell_readers`);
    `scaled` says their confidences are on a tool's scale.
    """
    problems = Problems()
    for position, problem in enumerate(inputs.problems):  # column names: reported first
        problems.add_at((-1, position), problem)
    problems.more(inputs.more_problems)
    schemas = {}
    for table in SCORED_TABLES:
        if table not in inputs.frames:
            continue
        frame = inputs.frames[table]
        schema = dict(frame.collect_schema())
        missing = [
            name
            for name, meaning in TABLES[table].items()
            if meaning.startswith("*") and name not in schema
        ]
        if missing and _row_count(nw, frame) > 0:  # an empty table needs no columns
            for name in missing:
                position = list(TABLES[table]).index(name)
                problems.add_at(
                    (SCORED_TABLES.index(table), -1, position),
                    Problem(f"{table}.{name}", "a required column is missing"),
                )
            continue
        schemas[table] = schema
    if problems.fixed:  # a column missing or misnamed: the cells are not read as meant
        problems.raise_any()
    reading = _Reading(local_days, readers or _READERS, inputs.lazy, scaled)
    frames = {
        table: _typed(nw, table, inputs.frames[table], schema, problems, reading)
        for table, schema in schemas.items()
    }
    problems.flush()  # in the order of the checks: these come before the tables' rules
    return frames, problems


def _row_count(nw: Any, frame: Any) -> int:
    return int(frame.select(nw.len()).collect().item())


@attrs.frozen
class _Reading:
    """How `_typed` reads a table's cells."""

    local_days: bool
    readers: Mapping[str, Callable[[Any], Any]]
    lazy: bool
    scaled: bool


def _typed(
    nw: Any,
    table: str,
    frame: Any,
    schema: Mapping[str, Any],
    problems: Problems,
    reading: _Reading,
) -> Any:
    local_days, readers, lazy = reading.local_days, reading.readers, reading.lazy
    python_read: dict[str, Callable[[Any], Any]] = {}
    empty: set[str] = set()
    final: dict[str, list[str]] = {}
    duckdb = frame.implementation is nw.Implementation.DUCKDB
    spark = _is_spark(nw, frame)
    if table == "check_ins" and "value" in schema:
        problems.float_values = schema["value"] in (nw.Float64, nw.Float32)
        problems.bool_values = schema["value"] == nw.Boolean
    for column in TABLES[table]:
        dtype = schema.get(column)
        # narwhals types a column of nulls as Unknown, and a type it cannot name too
        # (pandas' time stamps in some zones): the cells tell which.
        if dtype is None or (_is_null_type(dtype) and _all_empty(nw, frame, column)):
            continue
        kind = _type_of(table, column)
        # A month is read as from_frames reads it: "0.5" refused as written, not as 0.5.
        reader: Callable[[Any], Any] = (
            _whole if column_kind(table, column) == "whole" else readers[kind]
        )
        if kind == "confidence" and reading.scaled:
            # No score reads a confidence: on a tool's scale its distinct cells are
            # read as from_frames reads them, and the engine goes on without them.
            _check_distinct_cells(nw, table, frame, column, reader, problems)
            empty.add(column)
            continue
        zone = getattr(dtype, "time_zone", None) if dtype == nw.Datetime else None
        if zone is not None and zone not in _UTC_ZONES and duckdb:
            raise ValidationError.field(
                f"{table}.{column}",
                f"TIMESTAMPTZ shown in {zone}",
                "time stamps with a time zone read in a connection whose TimeZone is UTC "
                "(SET TimeZone = 'UTC'): DuckDB converts them to no other zone",
            )
        if zone is not None and zone not in _UTC_ZONES and kind == "moment" and spark:
            raise ValidationError.field(
                f"{table}.{column}",
                f"time stamps shown in {zone}",
                "time stamps read in a session whose spark.sql.session.timeZone is UTC: "
                "narwhals converts Spark's to no other zone",
            )
        # Cells the column's type holds but from_frames refuses: read one by one. Spark's
        # ordinary time stamps are shown in its session's zone: its midnights are days.
        shown_in = None if spark else zone
        timed = kind == "day" and dtype == nw.Datetime and _timed(nw, frame, column, shown_in)
        refused = timed or (
            kind == "bool"
            and dtype.is_numeric()
            and dtype != nw.Boolean
            and _not_0_or_1(nw, frame, column, dtype)
        )
        if not refused and _converted(nw, kind, column, dtype, local_days) is not None:
            continue
        if lazy and frame.implementation is not nw.Implementation.POLARS:
            # e.g. a database's column of NULLs typed INT (an Unknown one was asked above)
            if not _is_null_type(dtype) and _all_empty(nw, frame, column):
                empty.add(column)
                continue
            if kind == "text" and _is_uuid(nw, frame, column):
                # An id a database keeps as a UUID: the text DuckDB collects it as.
                frame = frame.with_columns(nw.col(column).cast(nw.String))
                schema = {**schema, column: nw.String}
                continue
            if kind == "confidence":
                # No score reads a confidence: its distinct cells are checked and the
                # engine goes on without them.
                _check_distinct_cells(nw, table, frame, column, reader, problems)
                empty.add(column)
                continue
            if not _is_null_type(dtype):
                distinct = _distinct_cells_read(
                    nw, table, frame, column, reader, problems, local_days
                )
                if distinct is not None:
                    frame, final[column] = distinct
                    continue
            unread = " of a type narwhals reads" if _is_null_type(dtype) else ""
            if (table, column) == ("check_ins", "value"):
                # Read by its key result's kind, row by row: not by distinct cells.
                unread += " (true/false as 1/0, zones as 0 to 3, on this backend)"
            raise ValidationError.field(
                f"{table}.{column}",
                _type_name(frame, column, dtype),
                f"a column of {_TYPE_WORDS[kind]}{unread}",
            )
        python_read[column] = reader
    if python_read:
        frame, read = _read_in_python(nw, table, frame, python_read, problems, local_days)
        final.update(read)
    if final:
        schema = dict(frame.collect_schema())
    if table == "check_ins" and "confidence" in schema and not ({"confidence"} & {*final, *empty}):
        _confidence_ranges(nw, frame, problems)
    expressions = [nw.col(ROW)]
    stripped: list[str] = []
    guarded = duckdb  # DuckDB tables are never read in Python: still DuckDB here
    durations = _has_durations(nw, frame)
    for column in TABLES[table]:
        if column in final:
            expressions.extend(nw.col(name) for name in final[column])
            continue
        kind = _type_of(table, column)
        dtype = schema.get(column)
        if dtype is None or _is_null_type(dtype) or column in empty:
            expressions.extend(_empty(nw, kind, column))
            continue
        converted = _converted(nw, kind, column, dtype, local_days, durations, guarded=guarded)
        assert converted is not None
        expressions.extend(converted)
        if kind == "text" and _is_text(nw, dtype) and column != "note":
            stripped.append(column)  # a note of spaces is kept as written, as from_frames keeps it
    typed = frame.select(*expressions)
    if stripped:
        # Blank is empty: a second step, so that each cell is stripped once, not twice.
        blank = nw.lit(None, dtype=nw.String)
        typed = typed.with_columns(
            nw.when(
                (_stripped(nw, nw.col(name), guarded) if name in _WRITTEN else nw.col(name)) == ""
            )
            .then(blank)
            .otherwise(nw.col(name))
            .alias(name)
            for name in stripped
        )
    if table == "key_results":  # read by many rules: lowered once, not once per rule
        typed = typed.with_columns(nw.col("kind").str.to_lowercase().alias(KIND_WORD))
    return typed


# A cell that starts or ends with a blank (the characters are the regex's own).
_EDGE_BLANK = f"^[{BLANKS}]|[{BLANKS}]$"


def _stripped(nw: Any, text: Any, guarded: bool) -> Any:
    """`text` without blanks at either end; `guarded`, stripped only where there are some.

    DuckDB trims a list of characters at a quarter of the speed of matching a cell's
    ends, and computes a CASE branch for the rows it selects alone: each rule's query
    reads the check-ins' ids again (6.2 s against 3.5 s for the checks and scores of a
    million check-ins).
    """
    if not guarded:
        return stripped(text)
    edge = text.str.contains(_EDGE_BLANK)
    return nw.when(edge).then(stripped(text)).otherwise(text)


def _timed(nw: Any, frame: Any, column: str, zone: str | None) -> bool:
    """Whether a date-time column read as days holds a time of day or a zone.

    from_frames reads a naive midnight as its day and refuses the rest ("a date without
    a time"): such a column is then read cell by cell, or refused by its type.
    """
    if zone is not None:
        return True
    cell = nw.col(column).dt
    timed = (cell.hour() != 0) | (cell.minute() != 0) | (cell.second() != 0)
    return _row_count(nw, frame.filter(timed | (cell.microsecond() != 0))) > 0


def _not_0_or_1(nw: Any, frame: Any, column: str, dtype: Any) -> bool:
    """Whether a column of numbers read as true/false holds a number but 1 and 0.

    NaN is an empty cell, as from_frames reads it.
    """
    cell = nw.col(column)
    other = ~cell.is_null() & (cell != 0) & (cell != 1)
    if dtype.is_float():
        other = other & ~cell.is_nan()
    return _row_count(nw, frame.filter(other)) > 0


def _is_uuid(nw: Any, frame: Any, column: str) -> bool:
    """Whether a DuckDB column holds UUIDs, a type narwhals does not name."""
    if frame.implementation is not nw.Implementation.DUCKDB:
        return False
    native = frame.to_native()
    return str(dict(zip(native.columns, native.types, strict=True))[column]) == "UUID"


def _is_text(nw: Any, dtype: Any) -> bool:
    """Whether a column holds text: strings, or polars' categories of strings."""
    return bool(dtype == nw.String or dtype == nw.Categorical or dtype == nw.Enum)


def _has_durations(nw: Any, frame: Any) -> bool:
    """Whether the backend subtracts time stamps into durations it turns into floats.

    Spark's does not subtract; pandas' pyarrow-typed columns turn a duration into a
    float by a checked cast, refused past 2**53 microseconds (before 1685, after 2255):
    a date of 9999, an open end in many exports, must be reported, not raise.
    """
    if frame.implementation is nw.Implementation.PANDAS:
        return not any(str(dtype).endswith("[pyarrow]") for dtype in frame.to_native().dtypes)
    return not _is_spark(nw, frame)


def _is_spark(nw: Any, frame: Any) -> bool:
    return frame.implementation in (
        nw.Implementation.PYSPARK,
        nw.Implementation.PYSPARK_CONNECT,
        nw.Implementation.SQLFRAME,
    )


def _all_empty(nw: Any, frame: Any, column: str) -> bool:
    """Whether a column holds no value at all (one small query)."""
    return _row_count(nw, frame.filter(~nw.col(column).is_null())) == 0


_TYPE_WORDS = MappingProxyType(
    {
        "number": "numbers",
        "bool": "booleans",
        "day": "dates",
        "moment": "dates or date-times",
        "text": "text",
        "confidence": "ratings from 0 to 10",
    }
)


def _is_null_type(dtype: Any) -> bool:
    # A column of nulls (polars' Null), or of a type narwhals cannot name (its Unknown).
    return type(dtype).__name__ in ("Unknown", "Null") or str(dtype) in ("Null", "Unknown")


def _type_name(frame: Any, column: str, dtype: Any) -> str:
    """A column's type as narwhals names it, else as its own library names it."""
    if not _is_null_type(dtype):
        return str(dtype)
    try:
        return str(frame.to_native().dtypes[column])  # pandas and Dask name every type
    except (AttributeError, KeyError, TypeError):
        return str(dtype)


def _empty(nw: Any, kind: str, column: str) -> list[Any]:
    """A column the table does not have (or holds no values at all): empty cells."""
    if kind in ("day", "moment"):
        names = ["day", "moment"] if kind == "moment" else [_day_name(column), column]
        return [
            nw.lit(None, dtype=nw.Float64 if name != column else nw.Date).alias(name)
            for name in names
        ]
    if kind == "bool":
        return [nw.lit(_UNSET_BOOLEANS[column], dtype=nw.Boolean).alias(column)]
    dtype = {"number": nw.Float64, "confidence": nw.Float64}.get(kind, nw.String)
    return [nw.lit(None, dtype=dtype).alias(column)]


def _civil_days(nw: Any, expression: Any) -> Any:
    """Days since 1970-01-01 from a date's year, month and day (the civil-calendar count).

    For backends without duration arithmetic; every step is exact in doubles.
    """
    year, month, day = (
        getattr(expression.dt, part)().cast(nw.Float64) for part in ("year", "month", "day")
    )
    march_based = month > 2
    year = year - nw.when(march_based).then(0.0).otherwise(1.0)
    era = (year / 400).floor()
    year_of_era = year - era * 400
    shifted = nw.when(march_based).then(month - 3).otherwise(month + 9)
    day_of_year = ((153 * shifted + 2) / 5).floor() + day - 1
    day_of_era = (
        year_of_era * 365 + (year_of_era / 4).floor() - (year_of_era / 100).floor() + day_of_year
    )
    return era * 146_097 + day_of_era - 719_468


def _duration_microseconds(nw: Any, expression: Any) -> Any:
    """A date or naive date-time as microseconds since 1970-01-01, by duration arithmetic."""
    epoch = nw.lit(datetime(1970, 1, 1), dtype=nw.Datetime("us"))
    since = expression.cast(nw.Datetime("us")) - epoch
    return since.dt.total_microseconds().cast(nw.Float64)


def _day_number(nw: Any, expression: Any, *, durations: bool, has_time: bool) -> Any:
    """Days since 1970-01-01 of a date or naive date-time, as a float.

    Floats: days and microseconds are exact in a double, and every backend holds a
    missing float, where some cannot hold a missing integer.
    """
    if not durations:
        return _civil_days(nw, expression)
    start = expression.dt.truncate("1d") if has_time else expression
    return _duration_microseconds(nw, start) / _DAY_US


def _instant(nw: Any, expression: Any, *, durations: bool, has_time: bool) -> Any:
    """A date or naive date-time as microseconds since 1970-01-01 (exact to 2**53)."""
    if durations:
        return _duration_microseconds(nw, expression)
    days = _civil_days(nw, expression) * _DAY_US
    if not has_time:
        return days
    parts = [
        getattr(expression.dt, part)().cast(nw.Float64) * scale
        for part, scale in (
            ("hour", 3_600_000_000),
            ("minute", 60_000_000),
            ("second", 1_000_000),
            ("microsecond", 1),
        )
    ]
    return days + parts[0] + parts[1] + parts[2] + parts[3]


def _converted(
    nw: Any,
    kind: str,
    column: str,
    dtype: Any,
    local_days: bool,
    durations: bool = True,
    *,
    guarded: bool = False,
) -> list[Any] | None:
    """Expressions turning a column of the expected type into the engine's; None otherwise.

    `guarded`: text is stripped only where a cell starts or ends with a blank.
    """
    source = nw.col(column)
    if kind == "text":
        if _is_text(nw, dtype):  # blank cells become empty after (`_typed`)
            text = source if dtype == nw.String else source.cast(nw.String)
            if column in _WRITTEN:
                return [text.alias(column)]  # free text: as written, spaces and all
            return [_stripped(nw, text, guarded).alias(column)]
        if dtype.is_integer():
            return [source.cast(nw.String).alias(column)]
        return None
    if kind in ("number", "confidence"):
        if dtype.is_numeric() and dtype != nw.Boolean:
            number = source.cast(nw.Float64)
            empty = nw.lit(None, dtype=nw.Float64)
            return [nw.when(number.is_nan()).then(empty).otherwise(number).alias(column)]
        if kind == "number" and column == "value" and dtype == nw.Boolean:
            return [source.cast(nw.Float64).alias(column)]
        return None
    if kind == "bool":
        unset = nw.lit(_UNSET_BOOLEANS[column], dtype=nw.Boolean)
        if dtype == nw.Boolean:
            return [nw.coalesce(source, unset).alias(column)]
        if dtype.is_numeric():  # 1 and 0, as SQLite keeps booleans; others are reported
            # An empty cell (NaN, as pandas reads a blank) is unset, not "not 0".
            return [nw.when(source.is_null()).then(unset).otherwise(source != 0).alias(column)]
        return None
    if dtype != nw.Date and dtype != nw.Datetime:
        return None
    has_time = dtype != nw.Date
    if kind == "day":
        return [
            _day_number(nw, source, durations=durations, has_time=has_time).alias(
                _day_name(column)
            ),
            source.alias(column),
        ]
    zone = getattr(dtype, "time_zone", None) if dtype == nw.Datetime else None
    # Aware: ordered by the instant (UTC); its day by the policy's rule, the calendar
    # day in its own zone (LOCAL) or in UTC.
    utc = source
    if zone is not None:
        # Already in UTC, the zone is only dropped: DuckDB converts to no other zone
        # than its connection's (which it names Etc/UTC), however both are UTC.
        in_utc = source if zone in _UTC_ZONES else source.dt.convert_time_zone("UTC")
        utc = in_utc.dt.replace_time_zone(None)
    aware = zone is not None
    local = source.dt.replace_time_zone(None) if aware else source
    return [
        _day_number(nw, local if local_days else utc, durations=durations, has_time=has_time).alias(
            "day"
        ),
        _instant(nw, utc, durations=durations, has_time=has_time).alias("moment"),
        source.alias(column),
    ]


def cell_readers(
    confidence_scale: ConfidenceScale | None = None, date_format: str | None = None
) -> Mapping[str, Callable[[Any], Any]]:
    """The pure reader's cell readers, by kind of column, with `from_frames`' options."""
    moment = _moment_reader(date_format)
    return MappingProxyType(
        {
            "number": _number,
            "bool": _bool,
            "day": _day_of(moment),
            "moment": moment,
            "text": _text,
            "confidence": _confidence_reader(confidence_scale),
        }
    )


_READERS = cell_readers()
"""The readers with `from_frames`' default options (no scale, ISO dates)."""


def _python_moment(moment: date, local_days: bool) -> tuple[int, int]:
    """A moment read by the pure reader as (day number, instant in microseconds)."""
    if not isinstance(moment, datetime):
        day = (moment - EPOCH).days
        return day, day * _DAY_US
    offset = moment.utcoffset()
    utc = moment.replace(tzinfo=None) - offset if offset is not None else moment
    shown = moment.replace(tzinfo=None) if local_days else utc
    time_of_day = (utc.hour * 3600 + utc.minute * 60 + utc.second) * 1_000_000 + utc.microsecond
    return (shown.date() - EPOCH).days, (utc.date() - EPOCH).days * _DAY_US + time_of_day


def _read_in_python(
    nw: Any,
    table: str,
    frame: Any,
    readers: Mapping[str, Callable[[Any], Any]],
    problems: Problems,
    local_days: bool,
) -> tuple[Any, dict[str, list[str]]]:
    """A table's columns of Python objects, read with the pure reader's cells.

    An eager table, or a polars LazyFrame (collected for these columns: what `to_frames`
    writes as text, e.g. ISO `at` moments and "N/10" confidences, is read as
    `from_frames` reads it). Returns the table with those columns typed, and for each
    the names it now has.
    """
    eager = frame.collect()
    implementation = eager.implementation
    rows = eager.get_column(ROW).to_list()
    added: list[Any] = []
    final: dict[str, list[str]] = {}
    for column, read in readers.items():
        cells = eager.get_column(column).to_list()
        if table == "check_ins" and column == "value":
            read = _check_in_value
        values: list[Any] = []
        step = _cell_step(table, column)
        unreadable = problems.unreadable.setdefault((table, column), set())
        for row, cell in zip(rows, cells, strict=True):
            value = None
            if not _is_null(cell):
                try:
                    value = read(cell)
                except _BadCellError as bad:
                    problems.add(table, row, column, refused(bad, cell), step)
                    unreadable.add(row)
                if table == "check_ins" and column == "value":
                    problems.raw_values[row] = cell
                if table == "check_ins" and column == "value" and not _plain_number(cell):
                    # How it reads depends on its key result's kind: placed, then worded.
                    problems.values[row] = cell
                    if value is not None:
                        problems.add(table, row, column, "", step)
                    unreadable.add(row)
            values.append(value)
        columns = _python_columns(_type_of(table, column), column, values, local_days)
        if table == "check_ins" and column == "at":
            kinds, _ = columns[MOMENT_KIND]
            problems.mixed_moments = _mixed_moments(rows, values, kinds)
        for name, (items, dtype) in columns.items():
            added.append(nw.new_series(name, items, getattr(nw, dtype), backend=implementation))
        final[column] = list(columns)
    kept = [name for name in eager.columns if name not in readers]
    return eager.select(kept).with_columns(*added).lazy(), final


# A lazy column of a type the engine cannot convert (text dates in a database, say) is
# read by its distinct cells when it has at most this many; past that, refused by type.
DISTINCT_CELLS_READ = 1_000


def _distinct_cells_read(
    nw: Any,
    table: str,
    frame: Any,
    column: str,
    read: Callable[[Any], Any],
    problems: Problems,
    local_days: bool,
) -> tuple[Any, list[str]] | None:
    """A lazy column of a wrong type read as `from_frames` reads it: each distinct cell once.

    Its distinct cells are fetched and read with the pure reader; the rows of the bad
    ones are reported, and the good ones are mapped to their values in the backend's own
    expressions. Returns the frame with the column's typed columns and their names, or
    None (refused by type) past `DISTINCT_CELLS_READ` distinct cells, for a check-in's
    value (read by its key result's kind), for date-times both naive and aware (the
    model names the rows mixing them), and on Dask.
    """
    if (table, column) == ("check_ins", "value") or frame.implementation is nw.Implementation.DASK:
        return None  # Dask: its pyarrow-typed columns cannot be mapped while they hold NA
    schema = frame.collect_schema()
    dtype = schema[column]
    if dtype == nw.Datetime and (getattr(dtype, "time_unit", None) == "ns" or _is_spark(nw, frame)):
        # A cell's nanoseconds do not survive the query that finds its rows; nor does a
        # Spark time stamp's zone: a naive moment goes back in Python's zone, not Spark's.
        return None
    cells = _distinct_cells(nw, frame, column, DISTINCT_CELLS_READ + 1, text=_is_text(nw, dtype))
    if len(cells) > DISTINCT_CELLS_READ:
        return None
    good, values, bad = _read_each(cells, read)
    kind = _type_of(table, column)
    typed = _python_columns(kind, column, values, local_days)
    if kind == "moment" and {1.0, 2.0} <= set(typed[MOMENT_KIND][0]):
        return None
    if bad:
        step = _cell_step(table, column)
        rows = _bad_cells_reported(nw, table, frame, column, read, bad, problems, step)
        problems.unreadable.setdefault((table, column), set()).update(rows)
    source = nw.col(column)
    mapped = [
        (
            source.replace_strict(good, items, default=None, return_dtype=getattr(nw, type_name))
            if good
            else nw.lit(None, dtype=getattr(nw, type_name))
        ).alias(name)
        for name, (items, type_name) in typed.items()
    ]
    kept = [name for name in schema if name != column and name not in typed]
    return frame.select(*kept, *mapped), list(typed)


def _cell_step(table: str, column: str) -> str:
    """Where from_frames meets a cell it cannot read: with the keys, or with the cells."""
    return "key" if column in _KEY_COLUMNS.get(table, ()) else "cell"


def _plain_number(cell: Any) -> bool:
    try:
        _number(cell)
    except _BadCellError:
        return False
    return True


def _check_distinct_cells(
    nw: Any,
    table: str,
    frame: Any,
    column: str,
    read: Callable[[Any], Any],
    problems: Problems,
) -> None:
    """`column`'s distinct cells read with the pure reader; the rows of the bad ones reported.

    For a column of few distinct cells (ratings): one query for them, one for the rows.
    """
    _, _, bad = _read_each(_distinct_cells(nw, frame, column), read)
    if bad:
        _bad_cells_reported(nw, table, frame, column, read, bad, problems)


def _distinct_cells(
    nw: Any, frame: Any, column: str, most: int | None = None, *, text: bool = False
) -> list[Any]:
    """`column`'s distinct cells but empty ones (blank `text` too), `most` at most (one query)."""
    cell = nw.col(column)
    filled = ~cell.is_null() & (stripped(cell) != "") if text else ~cell.is_null()
    found = frame.filter(filled).select(column).unique()
    if most is not None:
        found = found.head(most)
    return found.collect().get_column(column).to_list()  # type: ignore[no-any-return]


def _read_each(cells: Iterable[Any], read: Callable[[Any], Any]) -> tuple[list[Any], ...]:
    """The cells `read` reads, their values, and the cells it refuses; NaN is left out."""
    good: list[Any] = []
    values: list[Any] = []
    bad: list[Any] = []
    for cell in cells:
        if _is_null(cell):
            continue  # NaN: an empty cell
        try:
            values.append(read(cell))
        except _BadCellError:
            bad.append(cell)
        else:
            good.append(cell)
    return good, values, bad


def _bad_cells_reported(
    nw: Any,
    table: str,
    frame: Any,
    column: str,
    read: Callable[[Any], Any],
    bad: Sequence[Any],
    problems: Problems,
    step: str = "cell",
) -> list[int]:
    """Every row holding a `bad` cell, each a problem in `read`'s words; their rows.

    Each row is its own problem, as when a column is read cell by cell: one that
    `from_frames` would not meet (a cell its key result's kind does not read, say) is
    then left out, not counted among the rest.
    """
    rows = frame.filter(nw.col(column).is_in(bad)).select(ROW, column).collect()
    message = _read_again(read, column)
    numbers = [int(row) for row in rows.get_column(ROW).to_list()]
    for row, cell in zip(numbers, rows.get_column(column).to_list(), strict=True):
        problems.add(table, row, column, message({column: cell}), step)
    return numbers


def refused(bad: _BadCellError, cell: Any) -> str:
    """A refused cell's message, worded as `from_frames` words it (with its hint)."""
    hint = f" ({bad.hint})" if bad.hint else ""
    return f"expected {bad}, got {describe(cell)}{hint}"


def _check_in_value(cell: Any) -> float:
    """A check-in's value of any kind: a number, true/false, or a zone's name.

    Which of them a key result accepts is checked with its kind.
    """
    if isinstance(cell, bool) or cell.__class__.__name__ == "bool_":
        return float(cell)
    try:
        return _zone_value(cell)
    except _BadCellError as not_a_number:
        try:
            return float(_bool(cell))
        except _BadCellError:
            raise not_a_number from None


def _python_columns(
    kind: str, column: str, values: Sequence[Any], local_days: bool
) -> dict[str, tuple[list[Any], str]]:
    """Read cells as typed columns: name -> (values, narwhals dtype name)."""
    if kind in ("moment", "day"):
        pairs = [None if value is None else _python_moment(value, local_days) for value in values]
        days = [None if pair is None else pair[0] for pair in pairs]
        if kind == "day":
            return {_day_name(column): (days, "Float64"), column: (list(values), "Date")}
        moments = [None if pair is None else pair[1] for pair in pairs]
        # Python tells a date from a date-time at its midnight: so does the repeated
        # check-in rule.
        kinds = [None if value is None else float(_moment_kind(value)) for value in values]
        return {
            "day": (days, "Float64"),
            "moment": (moments, "Float64"),
            MOMENT_KIND: (kinds, "Float64"),
        }
    if kind == "confidence":
        ratings = [
            None if value is None else float(getattr(value, "value", value)) for value in values
        ]
        return {column: (ratings, "Float64")}
    if kind == "bool":
        unset = _UNSET_BOOLEANS[column]
        return {column: ([unset if value is None else value for value in values], "Boolean")}
    dtype = {"number": "Float64"}.get(kind, "String")
    return {column: (list(values), dtype)}


def _moment_kind(moment: date) -> int:
    """0 for a date, 1 for a naive date-time, 2 for an aware one: three kinds to Python.

    A naive and an aware date-time are never equal, so never the same check-in, and the
    model refuses a key result mixing them (`_mixed_awareness`).
    """
    if not isinstance(moment, datetime):
        return 0
    return 2 if moment.utcoffset() is not None else 1


def _mixed_moments(
    rows: Sequence[int], moments: Sequence[Any], kinds: Sequence[float | None]
) -> dict[int, datetime]:
    """Each date-time cell by row, when the column holds both naive and aware ones.

    `kinds` are the cells' `_moment_kind`s. Else nothing: no key result can mix them,
    and no message will need a cell.
    """
    if not {1.0, 2.0} <= set(kinds):
        return {}
    return {
        row: moment
        for row, moment in zip(rows, moments, strict=True)
        if isinstance(moment, datetime)
    }


# A column of check-ins whose moments were read cell by cell: what each cell was.
MOMENT_KIND = "moment_kind"
# A key result's kind as the reader matches it, in any case: stripped and lowered.
KIND_WORD = "kind_word"


def _day_name(column: str) -> str:
    """The engine's name for a column of day numbers read from date column `column`."""
    return {"cycle_start": "cycle_first", "cycle_end": "cycle_last", "at": "day"}.get(
        column, f"{column}_day"
    )


def check_tables(
    nw: Any,
    inputs: Inputs,
    frames: Mapping[str, Any],
    problems: Problems | None = None,
    *,
    tree: bool = True,
) -> None:
    """The rules `from_frames` and `AlignmentTree` check, over whole columns.

    Required cells, links to objectives, unique ids, known kinds, each kind's cells and
    check-in values, milestones and plans of the right key results, cycles, weights >= 0,
    plausible dates (with `problems`, the cells `prepared_columns` found of a wrong
    type), then (with `tree`) unknown parents and loops, as `AlignmentTree` refuses
    them. Raises every problem found, in from_frames' order and words.
    """
    problems = Problems() if problems is None else problems
    _required_cells(nw, frames, problems)
    ids = (
        frames["objectives"]
        .select(nw.col("id").alias("objective_id"))
        .filter(~nw.col("objective_id").is_null())
    )
    # Millions of check-ins in memory are linked run by run (`_polars_all_known`).
    by_runs = not inputs.lazy and frames["check_ins"].implementation is nw.Implementation.POLARS
    for table in ("alignments", "key_results", "check_ins", "milestones", "plans", "initiatives"):
        if table in frames:
            runs = by_runs and table == "check_ins"
            _dangling_objectives(nw, table, frames[table], ids, problems, by_runs=runs)
    _repeated_ids(nw, "objectives", frames["objectives"], problems, "repeat")
    _repeated_ids(nw, "check_ins", frames["check_ins"], problems, "ids")
    pairs = frames["key_results"].select("objective_id", nw.col("id").alias("key_result_id"))
    for table in ("check_ins", "milestones", "plans"):
        if table in frames:
            runs = by_runs and table == "check_ins"
            _dangling_key_results(nw, table, frames[table], pairs, problems, by_runs=runs)
    _cells(nw, frames, problems)
    _values(nw, frames, problems, inputs.frames)
    if "alignments" in frames:
        _alignment_rows(nw, frames["objectives"], frames["alignments"], problems)
    _key_result_rows(nw, frames, problems)
    _check_in_values(nw, frames, problems)
    _check_in_progress(nw, frames, problems)
    _repeated_rows(nw, frames, problems)
    _mixed_awareness(nw, frames, problems)
    _plan_progress(nw, frames, problems)
    _milestone_steps(nw, frames, problems)
    _zoned(nw, frames["key_results"], problems)
    _cycles(nw, frames["objectives"], problems)
    objectives = frames["objectives"]
    self_aligned = with_group_value(nw, objectives, nw.col(ROW).min(), ("id",), "first_row").filter(
        (nw.col("parent_id") == nw.col("id")) & (nw.col(ROW) == nw.col("first_row"))
    )  # a repeated id's row is not read further
    links = _linked_objectives(nw, frames["alignments"]) if "alignments" in frames else None
    # With alignments rows the model reads every link as its parents, and names none.
    for rows, column in (
        (
            self_aligned if links is None else self_aligned.join(links, on="id", how="anti"),
            "parent_id",
        ),
        (None if links is None else self_aligned.join(links, on="id", how="semi"), None),
    ):
        if rows is None:
            continue
        _report(
            nw,
            "objectives",
            rows,
            column,
            ("parent_id",),
            lambda row: f"aligned to itself ({row['parent_id']!r})",
            problems,
            "model",
            rank=_LATE_LINKS,  # the model checks the key results' weights first
        )
    _zero_weights(nw, frames, problems)
    _initiative_rules(nw, frames, problems)
    problems.raise_any(nw, frames)
    if tree:
        _tree_links(nw, frames)


def _owner_rows(nw: Any, key_results: Any, *cells: str) -> Any:
    """Each key result's first row (the one its linked rows belong to), with its kind.

    And its `cells`, where a rule needs them.
    """
    keyed = key_results.filter(~nw.col("objective_id").is_null() & ~nw.col("id").is_null())
    return (
        with_group_value(nw, keyed, nw.col(ROW).min(), ("objective_id", "id"), "first_row")
        .filter(nw.col(ROW) == nw.col("first_row"))
        .select(
            "objective_id",
            nw.col("id").alias("key_result_id"),
            nw.col(ROW).alias("owner_row"),
            nw.col(KIND_WORD).alias("owner_kind"),
            *cells,
        )
    )


def _key_result_rows(nw: Any, frames: Mapping[str, Any], problems: Problems) -> None:
    """Key results' rules beyond their cells' types.

    An id used twice in its objective, its kind's required cells, and milestones and
    plans rows of the wrong kind of key result (or none where a key result needs them).
    """
    key_results = frames["key_results"]
    keyed = key_results.filter(~nw.col("objective_id").is_null() & ~nw.col("id").is_null())
    _report(
        nw,
        "key_results",
        with_group_value(nw, keyed, nw.col(ROW).min(), ("objective_id", "id"), "first_row").filter(
            nw.col(ROW) > nw.col("first_row")
        ),
        "id",
        ("id", "first_row", "objective_id"),
        lambda row: (
            f"{describe(row['id'])} is already row {int(row['first_row'])}'s "
            f"in objective {describe(row['objective_id'])}"
        ),
        problems,
        "repeat",
    )
    kind = nw.col(KIND_WORD)
    for kind_name, columns in _MEASURE_NEEDS.items():
        for column in columns:
            empty = (kind == kind_name) & nw.col(column).is_null()
            unreadable = problems.unreadable.get(("key_results", column))
            if unreadable:
                empty = empty & ~nw.col(ROW).is_in(sorted(unreadable))
            _report(
                nw,
                "key_results",
                key_results.filter(empty),
                column,
                (),
                lambda _: "a value is required",
                problems,
            )
    owners = _owner_rows(nw, key_results)
    kinds = [member.value for member in KeyResultKind]
    for table, needs in (("milestones", "milestones"), ("plans", "metric")):
        if table not in frames:
            continue
        linked = frames[table].join(owners, on=["objective_id", "key_result_id"], how="inner")
        _report(
            nw,
            table,
            linked.filter((nw.col("owner_kind") != needs) & nw.col("owner_kind").is_in(kinds)),
            "key_result_id",
            ("owner_kind",),
            _misplaced_message(table),
            problems,
            "misplaced",
        )
    steps = (
        frames["milestones"].select("objective_id", "key_result_id").unique()
        if "milestones" in frames
        else None
    )
    wanting = owners.filter(nw.col("owner_kind") == "milestones")
    if steps is not None:
        wanting = wanting.join(
            steps.with_columns(nw.lit(value=True).alias("stepped")),
            on=["objective_id", "key_result_id"],
            how="left",
        ).filter(nw.col("stepped").is_null())
    _report(
        nw,
        "key_results",
        wanting.with_columns(nw.col("owner_row").alias(ROW)),
        "kind",
        (),
        lambda _: "a milestones key result needs rows in milestones",
        problems,
    )
    # A row without its objective or id still reads its measure, and no steps link to it.
    unlinked = key_results.filter(
        (nw.col("objective_id").is_null() | nw.col("id").is_null())
        & (nw.col(KIND_WORD) == "milestones")
    )
    _report(
        nw,
        "key_results",
        unlinked,
        "kind",
        (),
        lambda _: "a milestones key result needs rows in milestones",
        problems,
    )


def _repeated_rows(nw: Any, frames: Mapping[str, Any], problems: Problems) -> None:
    """Rows written twice.

    A check-in (same key result, moment and value, not both with an id), and a metric's
    plan with a day twice (the model names the earliest such day).
    """
    owners = _owner_rows(nw, frames["key_results"])
    readable = frames["check_ins"].filter(
        ~nw.col("value").is_null() & ~nw.col("moment").is_null() & _plausible(nw, "day")
    )
    # Moments read cell by cell are told apart by kind too, as Python tells them apart.
    alike: tuple[str, ...] = ("moment", "value")
    if MOMENT_KIND in readable.collect_schema():
        alike += (MOMENT_KIND,)
    if _no_two_alike(nw, readable, ("objective_id", "key_result_id", *alike)):
        _planned_twice(nw, frames, owners, problems)
        return
    linked = readable.join(owners, on=["objective_id", "key_result_id"], how="inner")
    linked = with_group_value(nw, linked, nw.col(ROW).min(), ("owner_row", *alike), "first_row")
    firsts = linked.filter(nw.col(ROW) == nw.col("first_row")).select(
        "first_row", nw.col("id").alias("first_id")
    )
    again = linked.filter(nw.col(ROW) > nw.col("first_row")).join(
        firsts, on="first_row", how="left"
    )
    _report(
        nw,
        "check_ins",
        again.filter(nw.col("id").is_null() | nw.col("first_id").is_null()),
        None,
        ("first_row",),
        lambda row: (
            f"the same check-in as row {int(row['first_row'])} (key result, at and value); "
            "give both an id to keep both"
        ),
        problems,
        "repeat",
    )
    _planned_twice(nw, frames, owners, problems)


def _mixed_awareness(nw: Any, frames: Mapping[str, Any], problems: Problems) -> None:
    """A key result whose check-ins mix naive and aware date-times, as the model refuses it.

    The model reads a key result's check-ins in the table's order: its first date-time
    sets the rule, and the first that breaks it is named. Only moments read cell by
    cell can mix (a typed column has one zone or none), and only when the column holds
    both kinds is anything queried.
    """
    moments = problems.mixed_moments
    if not moments:
        return
    owners = _owner_rows(nw, frames["key_results"])
    timed = (
        frames["check_ins"]
        .filter(nw.col(MOMENT_KIND) > 0)
        .join(owners, on=["objective_id", "key_result_id"], how="inner")
        .select(ROW, "owner_row", nw.col(MOMENT_KIND).alias("kind"))
    )
    firsts = with_group_value(nw, timed, nw.col(ROW).min(), ("owner_row",), "first_row").filter(
        nw.col(ROW) == nw.col("first_row")
    )
    breaking = timed.join(
        firsts.select("owner_row", nw.col("kind").alias("first_kind")), on="owner_row", how="inner"
    ).filter(nw.col("kind") != nw.col("first_kind"))
    _report(
        nw,
        "check_ins",
        _earliest_per_owner(nw, breaking, ROW),
        "at",
        (),
        lambda row: (
            "expected datetimes that are all naive or all timezone-aware, "
            f"got {describe(moments[int(row[ROW])])}"
        ),
        problems,
        "model",
    )


def _no_two_alike(nw: Any, frame: Any, keys: Sequence[str]) -> bool:
    """Whether no two rows share `keys`: a group-by that spares a window when none do.

    DuckDB's window partitioned by millions of keys sorts them: 4.4 s against about
    0.5 s for this count at 3.6 million check-ins.
    """
    if frame.implementation is nw.Implementation.POLARS:
        import polars as pl  # noqa: PLC0415 - only with polars frames

        rows = frame.to_native().select(*keys).collect()
        if _polars_apart_in_runs(rows, keys):
            return True
        # Distinct hashes are distinct rows, in half the time of `unique`; rows whose
        # hashes meet (repeats, or a rare collision) are settled by the exact count.
        if rows.select(pl.struct(*keys).hash().n_unique() == pl.len()).item():
            return True
    return _row_count(nw, frame.select(*keys).unique()) == _row_count(nw, frame)


def _polars_apart_in_runs(rows: Any, keys: Sequence[str]) -> bool:
    """Whether no two rows share `keys` (two ids, an order, ...), seen without hashing.

    True where each pair of ids is one run of rows, in order of the third key, and no
    two next to each other share it: rows alike would be next to each other. False
    when that cannot be seen (the rows are then counted).
    """
    import polars as pl  # noqa: PLC0415 - only with polars frames

    order = pl.col(keys[2])
    starts = rows.select(polars_run_starts(keys[:2])).to_series()
    heads = rows.filter(starts).select(keys[:2])
    if heads.n_unique() != heads.height:  # a pair in several runs
        return False
    within = ~pl.lit(starts)
    return not rows.select((within & (order <= order.shift())).any()).item()


def _planned_twice(nw: Any, frames: Mapping[str, Any], owners: Any, problems: Problems) -> None:
    """A metric's plan with a day twice: the model names the earliest such day."""
    if "plans" not in frames:
        return
    planned = (
        frames["plans"]
        .filter(~nw.col("day").is_null() & ~nw.col("value").is_null() & _plausible(nw, "day"))
        .join(owners, on=["objective_id", "key_result_id"], how="inner")
        .filter(nw.col("owner_kind") == "metric")
    )
    twice = with_group_value(
        nw, planned, nw.col(ROW).min(), ("owner_row", "day"), "first_row"
    ).filter(nw.col(ROW) > nw.col("first_row"))
    _report(
        nw,
        "key_results",
        _earliest_per_owner(nw, twice, "day").with_columns(nw.col("owner_row").alias(ROW)),
        None,
        ("at",),
        lambda row: f"expected each day planned once, got {describe(_plain(row['at']))}",
        problems,
        "measure",
    )


def _earliest_per_owner(nw: Any, frame: Any, order: str) -> Any:
    """Each key result's (`owner_row`'s) first row of `frame`: by `order`, then by row.

    The one the model names: the first in the order it reads them.
    """
    first = with_group_value(nw, frame, nw.col(order).min(), ("owner_row",), "earliest_order")
    first = first.filter(nw.col(order) == nw.col("earliest_order"))
    first = with_group_value(nw, first, nw.col(ROW).min(), ("owner_row",), "earliest_row")
    return first.filter(nw.col(ROW) == nw.col("earliest_row"))


def _milestone_steps(nw: Any, frames: Mapping[str, Any], problems: Problems) -> None:
    """A milestones key result's steps as `Milestones` takes them.

    Once every step's cells read well: a name used twice (the first such name, in the
    steps' order), else steps that all weigh 0.
    """
    if "milestones" not in frames:
        return
    keys = ["objective_id", "key_result_id"]
    owners = _owner_rows(nw, frames["key_results"]).filter(
        nw.col("owner_kind") == KeyResultKind.MILESTONES.value
    )
    weight = nw.col("weight")
    bad_cell = nw.col("name").is_null() | (weight < 0) | (weight.abs() == math.inf)
    for column in ("name", "weight"):
        unreadable = problems.unreadable.get(("milestones", column))
        if unreadable:
            bad_cell = bad_cell | nw.col(ROW).is_in(sorted(unreadable))
    steps = frames["milestones"].join(owners, on=keys, how="inner")
    steps = with_group_value(
        nw,
        steps.with_columns(bad_cell.cast(nw.Int8).alias("bad")),
        nw.col("bad").max(),
        ("owner_row",),
        "any_bad",
    ).filter(nw.col("any_bad") == 0)
    steps = with_group_value(nw, steps, nw.col(ROW).min(), ("owner_row", "name"), "name_row")
    repeated = steps.filter(nw.col(ROW) > nw.col("name_row"))
    first = with_group_value(nw, repeated, nw.col("name_row").min(), ("owner_row",), "first")
    _report(
        nw,
        "key_results",
        first.filter(nw.col("name_row") == nw.col("first"))
        .select("owner_row", "name")
        .unique()
        .with_columns(nw.col("owner_row").alias(ROW)),
        None,
        ("name",),
        lambda row: f"expected a name used once, got {describe(row['name'])}",
        problems,
        "measure",
        rank=1,
    )
    weights = (
        steps.with_columns(weight.fill_null(1.0))
        .group_by("owner_row")
        .agg(weight.max().alias("heaviest"), nw.len().alias("steps"))  # pandas: simple ones
        .filter(nw.col("heaviest") == 0)
        .with_columns(nw.col("owner_row").alias(ROW))
    )
    _report(
        nw,
        "key_results",
        weights,
        "weight",
        ("steps",),
        lambda row: f"expected at least one weight > 0, got {describe([0.0] * int(row['steps']))}",
        problems,
        "measure",
        rank=2,
    )


def _zero_weights(nw: Any, frames: Mapping[str, Any], problems: Problems) -> None:
    """An objective whose key results all weigh 0 (the model's check: one weight > 0).

    Counted here; worded by `_placed`, which knows which key results from_frames builds
    (the model sees those only), from `_light_objectives`.
    """
    light = _light_objectives(nw, frames)
    weight = nw.col("weight")
    heaviest = (
        light.with_columns(weight.fill_null(1.0))
        .group_by("objective_row")
        .agg(weight.max().alias("heaviest"))  # pandas: simple aggregations only
        .filter(nw.col("heaviest") == 0)
        .with_columns(nw.col("objective_row").alias(ROW))
    )
    _report(nw, "objectives", heaviest, None, (), lambda _: "", problems, "weights")


def _light_objectives(nw: Any, frames: Mapping[str, Any]) -> Any:
    """The key results (first rows) of each objective (first row) with one weighing 0.

    Only those objectives can have key results that all weigh 0: few, if any, so each
    is looked at closely.
    """
    key_results = frames["key_results"]
    light = key_results.filter(nw.col("weight") == 0).select("objective_id")  # semi-joined
    owners = _owner_rows(nw, key_results.join(light, on="objective_id", how="semi"), "weight")
    candidates = frames["objectives"].join(
        light.select(nw.col("objective_id").alias("id")), on="id", how="semi"
    )
    objectives = with_group_value(nw, candidates, nw.col(ROW).min(), ("id",), "first_row")
    return (
        objectives.filter(nw.col(ROW) == nw.col("first_row"))
        .select(nw.col("id").alias("objective_id"), nw.col(ROW).alias("objective_row"))
        .join(owners, on="objective_id", how="inner")
        .select("objective_row", "owner_row", "weight")
    )


def _weights_problems(nw: Any, frames: Mapping[str, Any], found: Sequence[_Found]) -> list[_Found]:
    """Objectives whose key results all weigh 0, as from_frames words them.

    Every key result the table lists counts, in the key results' order, a refused one
    too (from_frames checks the objective with a stand-in for it); a weight it cannot
    read counts as 1.
    """
    if not any(item.step == "weights" for item in found):
        return []
    rows = _light_objectives(nw, frames).collect().rows()
    weights: dict[int, list[tuple[int, float]]] = {}
    for objective_row, owner_row, weight in rows:
        plain = _plain(weight)
        usable = plain is not None and 0.0 <= float(plain) < math.inf
        weights.setdefault(int(objective_row), []).append(
            (int(owner_row), float(plain) if usable else 1.0)
        )
    problems = []
    for objective_row, pairs in sorted(weights.items()):
        built = [weight for _, weight in sorted(pairs)]
        if built and not any(built):
            message = f"expected at least one weight > 0, got {describe(built)}"
            problems.append(_Found("objectives", objective_row, None, message, "model", None))
    return problems


def _plan_progress(nw: Any, frames: Mapping[str, Any], problems: Problems) -> None:
    """A metric's planned value whose progress is not finite (a tiny span, a huge value).

    The model names the plan's first such value by day, once the metric's own values
    (and a day planned twice) are found good.
    """
    if "plans" not in frames:
        return
    start, target, value = nw.col("start"), nw.col("target"), nw.col("value")
    metrics = _owner_rows(nw, frames["key_results"], "start", "target").filter(
        (nw.col("owner_kind") == KeyResultKind.METRIC.value)
        & ((target - start).abs() < math.inf)
        & (target != start)
    )
    planned = (
        frames["plans"]
        .filter(~nw.col("day").is_null() & (value.abs() < math.inf) & _plausible(nw, "day"))
        .join(metrics, on=["objective_id", "key_result_id"], how="inner")
        .filter(((value - start) / (target - start)).abs() == math.inf)
    )
    _report(
        nw,
        "key_results",
        _earliest_per_owner(nw, planned, "day").with_columns(nw.col("owner_row").alias(ROW)),
        None,
        ("start", "target", "value"),
        lambda row: _progress_message("progress", row["start"], row["target"], row["value"]),
        problems,
        "measure",
        rank=2,
    )


def _check_in_progress(nw: Any, frames: Mapping[str, Any], problems: Problems) -> None:
    """A metric's or zoned key result's check-in whose progress is not finite.

    Only a tiny span, a huge origin or a huge value can overflow, so the check-ins of
    such key results, and those of huge values, are joined to their key results; the
    model names a key result's first bad value in the order of its history.
    """
    value, keys = nw.col("value"), ["objective_id", "key_result_id"]
    key_results = frames["key_results"]
    kinds = [KeyResultKind.METRIC.value, KeyResultKind.ZONED.value]

    def way(frame_kind: Any) -> tuple[Any, Any]:
        metric = frame_kind == KeyResultKind.METRIC.value
        origin = nw.when(metric).then(nw.col("start")).otherwise(nw.col("baseline"))
        return origin, nw.when(metric).then(nw.col("target")).otherwise(nw.col("stretch"))

    origin, end = way(nw.col(KIND_WORD))
    # Few key results, if any, are at risk: found first, so the window that finds each
    # key's first row and the join of millions of check-ins see those few only.
    risky = key_results.filter(
        nw.col(KIND_WORD).is_in(kinds) & (((end - origin).abs() < 1) | (origin.abs() > _HALF_MAX))
    ).select(*keys[:1], nw.col("id").alias("key_result_id"))
    readable = frames["check_ins"].filter(value.abs() < math.inf)
    if problems.values:  # text cells, read again by their key result's kind
        readable = readable.filter(~nw.col(ROW).is_in(sorted(problems.values)))
    huge = readable.filter(value.abs() > _HALF_MAX).select(*keys)
    at_risk = nw.concat([risky, huge])  # each joined as a semi join: a key twice is one
    owners = key_results.join(
        at_risk.select("objective_id", nw.col("key_result_id").alias("id")),
        on=["objective_id", "id"],
        how="semi",
    )
    origin, end = way(nw.col("owner_kind"))
    bounds = (
        _owner_rows(nw, owners, "start", "target", "baseline", "stretch")
        .filter(nw.col("owner_kind").is_in(kinds))
        .select(*keys, "owner_row", "owner_kind", origin.alias("origin"), end.alias("end"))
        .filter((nw.col("end") - nw.col("origin")).abs() < math.inf)
        .filter(nw.col("end") != nw.col("origin"))
    )
    bad = (
        readable.join(at_risk, on=keys, how="semi")
        .join(bounds, on=keys, how="inner")
        .filter(((value - nw.col("origin")) / (nw.col("end") - nw.col("origin"))).abs() == math.inf)
    )
    _report(
        nw,
        "check_ins",
        _earliest_per_owner(nw, bad, "moment"),
        "value",
        ("owner_kind", "origin", "end", "value"),
        lambda row: _progress_message(
            "progress" if row["owner_kind"] == KeyResultKind.METRIC.value else "share",
            row["origin"],
            row["end"],
            row["value"],
        ),
        problems,
        "model",
    )


def _progress_message(share: str, origin: Any, end: Any, value: Any) -> str:
    """The model's words for a value whose way from `origin` to `end` is not finite."""
    return (
        f"expected a value whose {share} from {float(origin)!r} to {float(end)!r} is finite, "
        f"got {describe(float(value))}"
    )


def _check_in_values(nw: Any, frames: Mapping[str, Any], problems: Problems) -> None:
    """Each check-in's value as its key result's kind reads it.

    A binary key result's 1 or 0, an ordinal one's zone 0..3, a milestones one's count
    of steps reached; from_frames reads a column of floats whole and leaves the values
    to the model (which names a key result's first bad value only), and any other column
    cell by cell (naming every bad cell).
    """
    check_ins = frames["check_ins"]
    owners = _owner_rows(nw, frames["key_results"])
    linked = check_ins.filter(~nw.col("value").is_null()).join(
        owners, on=["objective_id", "key_result_id"], how="inner"
    )
    if "milestones" in frames:
        counts = (
            frames["milestones"]
            .group_by("objective_id", "key_result_id")
            .agg(nw.len().alias("steps"))  # simple aggregations: pandas has no others
            .with_columns(nw.col("steps").cast(nw.Float64))
        )
        linked = linked.join(counts, on=["objective_id", "key_result_id"], how="left")
    else:
        linked = linked.with_columns(nw.lit(0.0).alias("steps"))
    value, kind = nw.col("value"), nw.col("owner_kind")
    finite = value.abs() < math.inf
    binary = (kind == "binary") & ~value.is_in([0.0, 1.0])
    whole = finite & (value == value.round(0))
    zones = (kind == "ordinal") & ~(whole & (value >= 0) & (value <= 3))
    count = (kind == "milestones") & ~(whole & (value >= 0) & (value <= nw.col("steps")))
    if problems.raw_values:
        # Read cell by cell: text cells were placed already; the rest read as numbers.
        linked = linked.filter(~nw.col(ROW).is_in(sorted(problems.values)))
    cell_by_cell = bool(problems.raw_values) or not problems.float_values
    if not cell_by_cell:
        # A float column with no empty or infinite cell is read whole.
        unclean = nw.col("value").is_null() | ~(nw.col("value").abs() < math.inf)
        cell_by_cell = _row_count(nw, check_ins.filter(unclean)) > 0
    if cell_by_cell:
        booleans = problems.bool_values
        bad_cell = binary | ~finite
        if booleans:  # true or false is a number for no kind but binary
            bad_cell = bad_cell | (kind != "binary")
        raw = problems.raw_values

        def worded(row: dict[str, Any]) -> str:
            cell = bool(row["value"]) if booleans else raw.get(int(row[ROW]), row["value"])
            return _value_message(cell, row["owner_kind"]) or ""

        _report(
            nw,
            "check_ins",
            linked.filter(bad_cell),
            "value",
            ("value", "owner_kind"),
            worded,
            problems,
        )
        model = (zones | count) & ~bad_cell
    else:
        # Only these kinds read a value otherwise than as a number: filtered alone, the
        # engine keeps their key results before the join, often none of millions.
        linked = linked.filter(kind.is_in(["binary", "ordinal", "milestones"]))
        model = binary | zones | count
    # The model names a key result's first bad value, in the order of its history.
    bad = linked.filter(model)

    def checked(row: dict[str, Any]) -> str:
        steps = _plain(row["steps"])
        words = {
            "binary": "True/False (or 1/0) for a binary key result",
            "ordinal": "a Zone (FAIL, COMMIT, TARGET, STRETCH) or its number 0..3",
        }.get(row["owner_kind"], f"a whole count from 0 to {int(steps or 0)}")
        return f"expected {words}, got {describe(float(row['value']))}"

    _report(
        nw,
        "check_ins",
        _earliest_per_owner(nw, bad, "moment"),
        "value",
        ("value", "owner_kind", "steps"),
        checked,
        problems,
        "model",
        rank=1,  # the model meets naive and aware moments mixed first
    )


def first_rows(nw: Any, frame: Any, count: int = MAX_PROBLEMS) -> Any:
    """The first `count` rows of `frame` by position, collected (an eager frame)."""
    if frame.implementation is nw.Implementation.DASK:  # no ordered head: sort what came
        return frame.collect().sort(ROW).head(count)
    return frame.sort(ROW).head(count).collect()


def _fetched(
    nw: Any, frame: Any, columns: Sequence[str], count: int = MAX_PROBLEMS
) -> list[dict[str, Any]]:
    """The first `count` rows of `frame` by position, as dicts."""
    return [
        dict(zip([ROW, *columns], row, strict=True))
        for row in first_rows(nw, frame.select(ROW, *columns), count).rows()
    ]


def _report(
    nw: Any,
    table: str,
    frame: Any,
    column: str | None,
    shown: Sequence[str],
    message: Callable[[dict[str, Any]], str],
    problems: Problems,
    step: str = "cell",
    owner: Callable[[dict[str, Any]], tuple[Any, ...]] | None = None,
    rank: int = 0,
) -> None:
    """Every row of `frame` (the offending rows) as a problem of `table[row N].column`.

    `step` (or `owner`, the row's place in from_frames' order) places it among the rest;
    `rank` among the problems of its row and step that exclude each other.
    """
    problems.pending.append(_Check(nw, table, frame, column, shown, message, step, owner, rank))


@attrs.frozen
class _Check:
    """A rule's offending rows, counted with the other rules' before any is fetched."""

    nw: Any
    table: str
    frame: Any
    column: str | None
    shown: Sequence[str]
    message: Callable[[dict[str, Any]], str]
    step: str
    owner: Callable[[dict[str, Any]], tuple[Any, ...]] | None
    rank: int = 0

    def report(self, total: int, problems: Problems) -> None:
        """The first `COUNTED_EXACTLY` of `total` offending rows as problems, the rest counted.

        Past the `MAX_PROBLEMS` shown, the count is from_frames' only where each row is
        placed as from_frames meets it (some it never meets: the check-ins of a key
        result it could not read, the other cells of a repeated row). A repeated
        objective or key result hides its row's other cells: each such row is fetched.
        """
        every = self.step == "repeat" and self.table in ("objectives", "key_results")
        fetched = total if every else min(total, COUNTED_EXACTLY)
        for row in _fetched(self.nw, self.frame, self.shown, fetched):
            place = None if self.owner is None else self.owner(row)
            problems.add(
                self.table,
                int(row[ROW]),
                self.column,
                self.message(row),
                self.step,
                place,
                self.rank,
            )
        problems.more(total - fetched)


# Each rule's offending rows fetched and placed, so that past the problems shown the
# count is from_frames'; a rule's rows past these are counted as they are.
COUNTED_EXACTLY = 5_000


def _counts(nw: Any, frames: Sequence[Any]) -> list[int]:
    """The number of rows of each lazy frame, in one query.

    Valid tables make every rule's count 0: one query for all rules, where each was one;
    polars computes their shared joins once (`collect_all`).
    """
    if frames[0].implementation is nw.Implementation.POLARS:
        import polars as pl  # noqa: PLC0415 - only with polars frames

        counted = pl.collect_all([frame.to_native().select(pl.len()) for frame in frames])
        return [int(result.item()) for result in counted]
    if _is_spark(nw, frames[0]):
        # Spark analyses a union again at each one added: a union of every rule's joined
        # plan outgrows the driver's heap. One small job per rule instead.
        return [_row_count(nw, frame) for frame in frames]
    each = [
        frame.select(
            nw.len().cast(nw.Int64).alias("rows"), nw.lit(index, dtype=nw.Int64).alias("rule")
        )
        for index, frame in enumerate(frames)
    ]
    counted = nw.concat(each, how="vertical").collect().rows()
    by_rule = {int(rule): int(rows) for rows, rule in counted}
    return [by_rule.get(index, 0) for index in range(len(frames))]


def _required_cells(nw: Any, frames: Mapping[str, Any], problems: Problems) -> None:
    """Spec: a required cell is never empty ("a value is required").

    A cell whose type was refused is not reported again; an empty link of a linked row
    is reported where from_frames meets it, with the rows linked to no key result.
    """
    for table, frame in frames.items():
        for column, meaning in TABLES[table].items():
            if not meaning.startswith("*"):
                continue
            name = "day" if column == "at" else column
            empty = nw.col(name).is_null()
            unreadable = problems.unreadable.get((table, column))
            if unreadable:
                empty = empty & ~nw.col(ROW).is_in(sorted(unreadable))
            linking = table in _LINKED and column in ("objective_id", "key_result_id")
            _report(
                nw,
                table,
                frame.filter(empty),
                column,
                (),
                lambda _: "a value is required",
                problems,
                "dangling" if linking else "cell",
            )


def _dangling_objectives(
    nw: Any, table: str, frame: Any, ids: Any, problems: Problems, *, by_runs: bool = False
) -> None:
    """A row linked to an objective that is not in the objectives table."""
    if by_runs and _polars_all_known(frame, ["objective_id"], ids):
        return
    linked = frame.filter(~nw.col("objective_id").is_null())
    orphans = linked.join(ids, on="objective_id", how="anti")
    _report(
        nw,
        table,
        orphans,
        "objective_id",
        ("objective_id",),
        lambda row: f"no objective has the id {describe(row['objective_id'])}",
        problems,
        "link",
    )


def _dangling_key_results(
    nw: Any, table: str, frame: Any, pairs: Any, problems: Problems, *, by_runs: bool = False
) -> None:
    """A row linked to a key result its objective does not have."""
    keys = ["objective_id", "key_result_id"]
    if by_runs and _polars_all_known(frame, keys, pairs):
        return
    linked = frame.filter(~nw.col("objective_id").is_null() & ~nw.col("key_result_id").is_null())
    orphans = linked.join(pairs, on=keys, how="anti")
    _report(
        nw,
        table,
        orphans,
        "key_result_id",
        ("objective_id", "key_result_id"),
        lambda row: (
            f"no key result {describe(row['key_result_id'])} "
            f"in objective {describe(row['objective_id'])}"
        ),
        problems,
        "dangling",
    )


def _polars_all_known(rows: Any, keys: list[str], known: Any) -> bool:
    """Eager polars: whether every row's `keys` are among `known`'s, seen run by run.

    Rows linked to one key result (or objective) are often listed together: each run's
    first row stands for the run, where an anti join hashed every row's ids. Rows with
    an empty key link nothing: left out of the heads, not the rows (which copied them
    all). False when runs are short, or a run's keys are not known (the rows are then
    joined).
    """
    table = rows.to_native().select(keys).collect()
    heads = table.filter(polars_run_starts(keys))
    if heads.height * RUN_LENGTH > table.height:
        return False
    linked = heads.drop_nulls()
    return bool(linked.join(known.to_native().collect(), on=keys, how="anti").is_empty())


def _repeated_ids(nw: Any, table: str, frame: Any, problems: Problems, step: str) -> None:
    """An id used by an earlier row (an objective's or a check-in's): each is one row's."""
    first = with_group_value(
        nw, frame.filter(~nw.col("id").is_null()), nw.col(ROW).min(), ("id",), "first_row"
    )
    _report(
        nw,
        table,
        first.filter(nw.col(ROW) > nw.col("first_row")),
        "id",
        ("id", "first_row"),
        lambda row: f"{describe(row['id'])} is already row {int(row['first_row'])}'s",
        problems,
        step,
    )


_INITIATIVE_PATH = re.compile(r"initiatives\[row (\d+)\](?:\.(\w+))?")


def _initiative_rules(nw: Any, frames: Mapping[str, Any], problems: Problems) -> None:
    """An initiative's own rules, checked by the pure reader on the table collected.

    Its id once in its objective, its key-result links to its objective's key results
    and the model's checks (start before end, a known status); no score reads an
    initiative, and an objective has a handful. Its cells were checked already.
    """
    if "initiatives" not in frames:
        return
    problems.flush()  # the cells refused already are not reported again
    names = list(TABLES["initiatives"])
    # In the table's order: which of two rows comes first is the earlier row's.
    table = frames["initiatives"].select(ROW, *names).collect().sort(ROW)
    if not len(table):
        return
    rows = table.get_column(ROW).to_list()
    columns = {name: table.get_column(name).to_list() for name in names}
    owners = frames["initiatives"].select("objective_id").unique()
    key_results = (
        frames["key_results"]
        .join(owners, on="objective_id", how="inner")
        .select("objective_id", "id")
        .collect()
    )
    kr_columns = {name: key_results.get_column(name).to_list() for name in ("objective_id", "id")}
    reader = _Reader()
    _read_initiatives(
        reader, {"initiatives": (columns, len(rows)), "key_results": (kr_columns, len(key_results))}
    )
    reported = {(item.row, item.column) for item in problems.found if item.table == "initiatives"}
    for problem in reader.problems:
        where = _INITIATIVE_PATH.fullmatch(problem.path)
        assert where is not None  # the reader names each problem by its row
        row, column = int(rows[int(where[1])]), where[2]
        if (row, column) not in reported:  # a cell refused already
            problems.add("initiatives", row, column, problem.message, "rule")
    problems.more(reader.found - len(reader.problems))


def _alignment_rows(nw: Any, objectives: Any, alignments: Any, problems: Problems) -> None:
    """The links from_frames refuses: to itself, twice, beside a root's weight, all at 0.

    In from_frames' steps: a row with a negative weight is left out (and reported with
    the weights), then one to itself, then a pair met before; the rest are the links.
    """
    readable = alignments.filter(
        ~nw.col("objective_id").is_null()
        & ~nw.col("parent_id").is_null()
        & (nw.col("weight").is_null() | (nw.col("weight") >= 0))
    )
    _report(
        nw,
        "alignments",
        readable.filter(nw.col("objective_id") == nw.col("parent_id")),
        "parent_id",
        ("parent_id",),
        lambda row: f"aligned to itself ({row['parent_id']!r})",
        problems,
        "self",
    )
    links = with_group_value(
        nw,
        readable.filter(nw.col("objective_id") != nw.col("parent_id")),
        nw.col(ROW).min(),
        ("objective_id", "parent_id"),
        "first_row",
    )
    _report(
        nw,
        "alignments",
        links.filter(nw.col(ROW) > nw.col("first_row")),
        "parent_id",
        ("parent_id", "first_row", "objective_id"),
        lambda row: (
            f"{describe(row['parent_id'])} is already row {int(row['first_row'])}'s parent "
            f"of objective {describe(row['objective_id'])}"
        ),
        problems,
        "repeat",
    )
    owners = objectives.select(
        nw.col("id").alias("objective_id"),
        nw.col(ROW).alias("objective_row"),
        nw.col("parent_id").alias("first_parent"),
        nw.col("alignment_weight").alias("first_weight"),
    ).filter(~nw.col("objective_id").is_null())
    kept = links.filter(nw.col(ROW) == nw.col("first_row")).join(
        owners, on="objective_id", how="inner"
    )
    _report(
        nw,
        "alignments",
        kept.filter(nw.col("parent_id") == nw.col("first_parent")),
        "parent_id",
        ("parent_id", "objective_row"),
        lambda row: (
            f"{describe(row['parent_id'])} is already objectives row "
            f"{int(row['objective_row'])}'s parent_id"
        ),
        problems,
        owner=lambda row: (7, int(row["objective_row"]), 17, 1, int(row[ROW])),
    )
    root_weight = owners.join(kept.select("objective_id").unique(), on="objective_id", how="inner")
    _report(
        nw,
        "objectives",
        root_weight.filter(
            nw.col("first_parent").is_null() & ~nw.col("first_weight").is_null()
        ).with_columns(nw.col("objective_row").alias(ROW)),
        "alignment_weight",
        ("first_weight",),
        lambda row: (
            f"expected no weight here, got {describe(row['first_weight'])}: the alignments "
            "rows give its links' weights"
        ),
        problems,
        owner=lambda row: (7, int(row[ROW]), 17, 0),
    )
    # Every link at 0: the parent_id link (weight alignment_weight, default 1) and the rest.
    other = nw.col("first_parent").is_null() | (nw.col("parent_id") != nw.col("first_parent"))
    first = ~nw.col("first_parent").is_null()
    counted = kept.with_columns(
        nw.when(other).then(1.0).otherwise(0.0).alias("pair"),
        nw.when(other & (nw.coalesce(nw.col("weight"), nw.lit(1.0)) > 0))
        .then(1.0)
        .otherwise(0.0)
        .alias("positive"),
        nw.when(first).then(1.0).otherwise(0.0).alias("first_pair"),
        nw.when(first & (nw.coalesce(nw.col("first_weight"), nw.lit(1.0)) > 0))
        .then(1.0)
        .otherwise(0.0)
        .alias("first_positive"),
    )
    zero = (
        counted.group_by("objective_id")
        .agg(  # simple aggregations: pandas has no others in a group-by
            nw.col("pair").sum(),
            nw.col("first_pair").max(),
            nw.col("positive").sum(),
            nw.col("first_positive").max(),
        )
        .with_columns(
            (nw.col("pair") + nw.col("first_pair")).alias("pairs"),
            (nw.col("positive") + nw.col("first_positive")).alias("positives"),
        )
        .filter((nw.col("pairs") > 1) & (nw.col("positives") == 0))
        .select("objective_id")
    )
    _report(
        nw,
        "alignments",
        kept.join(zero, on="objective_id", how="inner"),
        "weight",
        ("objective_row",),
        lambda _: "every link weighs 0: at least one weight > 0",
        problems,
        owner=lambda row: (7, int(row["objective_row"]), 17, 2, int(row[ROW])),
    )


def _cells(nw: Any, frames: Mapping[str, Any], problems: Problems) -> None:
    """Cells of the right type but a bad value: kinds, edges of the plausible dates, weights."""
    key_results = frames["key_results"]
    kinds = [kind.value for kind in KeyResultKind]
    kind = nw.col(KIND_WORD)
    _report(
        nw,
        "key_results",
        key_results.filter(~nw.col("kind").is_null() & ~kind.is_in(kinds)),
        "kind",
        ("kind",),
        lambda row: f"expected one of {', '.join(kinds)}, got {describe(row['kind'])}",
        problems,
    )
    metric = key_results.filter(
        (kind == KeyResultKind.METRIC.value) & (nw.col("start") == nw.col("target"))
    )
    _report(
        nw,
        "key_results",
        metric,
        "target",
        ("start", "target"),
        lambda row: (
            f"expected a value different from start {float(row['start'])!r}, "
            f"got {describe(float(row['target']))}"
        ),
        problems,
        "measure",
        rank=1,
    )
    start, target = nw.col("start"), nw.col("target")
    _report(
        nw,
        "key_results",
        key_results.filter(
            (kind == KeyResultKind.METRIC.value)
            & (start.abs() < math.inf)
            & (target.abs() < math.inf)
            & ((target - start).abs() == math.inf)
        ),
        "target",
        ("start", "target"),
        lambda row: (
            f"expected a target whose distance from start {float(row['start'])!r} fits a float, "
            f"got {describe(float(row['target']))}"
        ),
        problems,
        "measure",
        rank=1,
    )
    for table, column in (
        ("alignments", "weight"),
        ("key_results", "weight"),
        ("milestones", "weight"),
    ):
        if table in frames:
            negative = (nw.col(column) < 0) & (nw.col(column).abs() < math.inf)
            if table == "milestones":  # a step without a name is not built
                negative = negative & ~nw.col("name").is_null()
            _report(
                nw,
                table,
                frames[table].filter(negative),
                column,
                (column,),
                _negative(column),
                problems,
                "negative" if table == "alignments" else "cell",
            )
    for table, column, day in (
        ("check_ins", "at", "day"),
        ("plans", "at", "day"),
        ("objectives", "closed_on", _day_name("closed_on")),
        ("objectives", "cycle_start", _day_name("cycle_start")),
        ("objectives", "cycle_end", _day_name("cycle_end")),
    ):
        if table in frames:
            outside = frames[table].filter(~_plausible(nw, day))
            _report(
                nw,
                table,
                outside,
                column,
                (column,),
                _implausible(column),
                problems,
            )
    _first_links(nw, frames, problems)


def _implausible(column: str) -> Callable[[dict[str, Any]], str]:
    """The message of a day outside the plausible dates in `column`."""
    return lambda row: (
        f"expected a date between {EARLIEST.isoformat()} and {LATEST.isoformat()}, "
        f"got {describe(row[column])}"
    )


def _first_links(nw: Any, frames: Mapping[str, Any], problems: Problems) -> None:
    """An objectives row's link cells the model refuses when it reads its links.

    A weight below 0, and a parent's key result without a parent. With alignments rows
    the row's weight is its first link's (the model then names no column), and its key
    result is read only beside a parent.
    """
    objectives = frames["objectives"]
    weight = nw.col("alignment_weight")
    negative = objectives.filter((weight < 0) & (weight.abs() < math.inf))
    orphan = objectives.filter(
        nw.col("parent_id").is_null() & ~nw.col("parent_key_result_id").is_null()
    )
    below_zero = _negative("alignment_weight")
    checks: list[tuple[Any, str | None, str, Callable[[dict[str, Any]], str]]] = []
    if "alignments" in frames:
        linked = _linked_objectives(nw, frames["alignments"])
        with_links = negative.join(linked, on="id", how="semi")
        alignments = frames["alignments"]

        def not_a_parent(row: dict[str, Any]) -> str:
            kept = _other_parents(nw, alignments, row["id"], row["parent_id"])
            return f"expected one of its parents ({kept}), got {describe(row['parent_id'])}"

        negative = negative.join(linked, on="id", how="anti")
        orphan = orphan.join(linked, on="id", how="anti")
        checks += [
            (with_links, None, "alignment_weight", below_zero),
            # Its parent left out with the weight, the key result it drives names no parent.
            (
                with_links.filter(~nw.col("parent_key_result_id").is_null()),
                None,
                "parent_id",
                not_a_parent,
            ),
        ]
    checks.insert(0, (negative, "alignment_weight", "alignment_weight", below_zero))
    checks.append((orphan, "parent_id", "parent_id", lambda _: _PARENT_NEEDED))
    for rows, column, cell, message in checks:
        _report(
            nw,
            "objectives",
            rows,
            column,
            ("id", cell),
            message,
            problems,
            "model",
            rank=_EARLY_LINKS,  # with the links, before the key results' weights
        )


def _readable_link(nw: Any) -> Any:
    """An alignments row the model reads as a link: a parent, not itself, a weight >= 0."""
    weight = nw.col("weight")
    return (
        ~nw.col("parent_id").is_null()
        & (nw.col("parent_id") != nw.col("objective_id"))
        & (weight.is_null() | (weight >= 0))
    )


def _linked_objectives(nw: Any, alignments: Any) -> Any:
    """The objectives (`id`) with an alignments row the model reads as a link."""
    return alignments.filter(_readable_link(nw)).select(nw.col("objective_id").alias("id"))


def _other_parents(nw: Any, alignments: Any, objective_id: str, first_parent: str) -> str:
    """The parents an objective's alignments rows give it besides `first_parent`, quoted."""
    rows = (
        alignments.filter(
            (nw.col("objective_id") == objective_id)
            & (nw.col("parent_id") != first_parent)
            & _readable_link(nw)
        )
        .sort(ROW)
        .select("parent_id")
        .collect()
    )
    names = dict.fromkeys(rows.get_column("parent_id").to_list())
    return ", ".join(repr(name) for name in names) or "none"


_PARENT_NEEDED = "expected a parent id with parent_key_result_id, got None"


def _plausible(nw: Any, day: str) -> Any:
    """A day number within the dates the model reads (a null day is not outside them)."""
    return ~((nw.col(day) < _EARLIEST_DAY) | (nw.col(day) > _LATEST_DAY))


def _values(
    nw: Any, frames: Mapping[str, Any], problems: Problems, given: Mapping[str, Any]
) -> None:
    """Typed cells whose value the pure readers refuse: enums, infinities, confidences.

    `given` are the tables as given: a word is quoted as it was written.
    """
    objectives = frames["objectives"]
    given_columns = given["objectives"].collect_schema().names()
    for column, kind in (("commitment", Commitment), ("level", Level)):
        if column not in given_columns:
            continue  # empty: nothing to refuse
        known = [word.lower() for member in kind for word in (member.value, member.name)]
        words = ", ".join(repr(member.value) for member in kind)
        written = stripped(nw.col(column)).str.to_lowercase()
        as_given = given["objectives"].select(ROW, nw.col(column).alias(_AS_GIVEN))
        unknown = objectives.filter(~nw.col(column).is_null() & ~written.is_in(known)).join(
            as_given, on=ROW, how="left"
        )
        _report(
            nw,
            "objectives",
            unknown,
            column,
            (_AS_GIVEN,),
            _not_one_of(_AS_GIVEN, words),
            problems,
        )
    kind = nw.col(KIND_WORD)
    for table, columns in _NUMBERS.items():
        if table not in frames or table == "check_ins":  # a value's rules depend on its kind
            continue
        for column in columns:
            read = frames[table]
            if table == "key_results" and column in _MEASURE_COLUMNS:
                # from_frames reads a measure's cells for the kinds that have them.
                read = read.filter(kind.is_in(_MEASURE_COLUMNS[column]))
            _report(
                nw,
                table,
                read.filter(nw.col(column).abs() == math.inf),
                column,
                (column,),
                _read_again(_number, column),
                problems,
            )


# Which kinds of key result read each measure column.
_MEASURE_COLUMNS = MappingProxyType(
    {
        "start": ("metric",),
        "target": ("metric", "zoned"),
        "threshold": ("threshold",),
        "baseline": ("zoned",),
        "stretch": ("zoned",),
        "commit": ("zoned",),
    }
)


def _confidence_ranges(nw: Any, frame: Any, problems: Problems) -> None:
    """A column of numbers as confidences: ratings from 0 to 10, none between 0 and 1.

    Text cells are read (and refused) one by one with the pure reader instead.
    """
    rating = nw.col("confidence").cast(nw.Float64)
    # Outside 0..10, or between 0 and 1 (read as a probability, and refused); NaN is empty.
    outside = ~rating.is_nan() & ((rating < 0) | (rating > 10) | ((rating > 0) & (rating < 1)))
    _report(
        nw,
        "check_ins",
        frame.filter(outside),
        "confidence",
        ("confidence",),
        _read_again(_confidence_reader(None), "confidence"),
        problems,
    )


_AS_GIVEN = "__okrkpi_as_given"


def _not_one_of(column: str, words: str) -> Callable[[dict[str, Any]], str]:
    """The message of a cell that names no member of an enum."""
    return lambda row: f"expected one of {words}, got {describe(row[column])}"


def _read_again(read: Callable[[Any], Any], column: str) -> Callable[[dict[str, Any]], str]:
    """The message of a refused cell: the pure reader's own, read again on that cell."""

    def message(row: dict[str, Any]) -> str:
        cell = row[column]
        try:
            read(cell)
        except _BadCellError as bad:
            return refused(bad, cell)
        raise AssertionError(cell)  # pragma: no cover - the filter and the reader agree

    return message


def _negative(column: str) -> Callable[[dict[str, Any]], str]:
    """The message of a weight below 0 in `column`."""
    return lambda row: f"expected a number >= 0, got {describe(row[column])}"


def _tree_links(nw: Any, frames: Mapping[str, Any]) -> None:
    """The links `AlignmentTree` refuses, found by its own checks.

    Unknown parents, a parent's key result that it does not have, loops through any link.

    One query for the links (each objectives row's `parent_id`, then its alignments rows),
    with whether the parent has the key result named; the walk is `AlignmentTree`'s.
    """
    if frames["objectives"].implementation is nw.Implementation.DASK:
        # Dask's joins of these few columns trip on text dtypes and repeated index labels:
        # they are read into one process, as the walk below reads them anyway.
        frames = {
            name: frames[name].select(*columns).collect().lazy()
            for name, columns in (
                ("objectives", ("id", "parent_id", "parent_key_result_id", ROW)),
                ("alignments", ("objective_id", "parent_id", "parent_key_result_id", ROW)),
                ("key_results", ("objective_id", "id")),
            )
            if name in frames
        }
    objectives = frames["objectives"]
    owners = objectives.select(nw.col("id").alias("objective_id"), nw.col(ROW).alias("row"))
    first = objectives.filter(~nw.col("parent_id").is_null()).select(
        nw.col("id").alias("objective_id"),
        "parent_id",
        "parent_key_result_id",
        nw.col(ROW).alias("row"),
        nw.lit(-1.0).alias("link_row"),
    )
    links = first
    if "alignments" in frames:
        more = (
            frames["alignments"]
            .join(owners, on="objective_id", how="inner")
            .select(
                "objective_id",
                "parent_id",
                nw.col("parent_key_result_id").cast(nw.String),
                "row",
                nw.col(ROW).cast(nw.Float64).alias("link_row"),
            )
        )
        links = nw.concat([first, more])
    known = frames["key_results"].select(
        nw.col("objective_id").alias("parent_id"), nw.col("id").alias("parent_key_result_id")
    )
    if _links_hold(nw, objectives, links, known):
        return
    links = links.join(
        known.unique().with_columns(nw.lit(value=True).alias("has_key_result")),
        on=["parent_id", "parent_key_result_id"],
        how="left",
    )
    rows = (
        links.select(
            "objective_id", "parent_id", "parent_key_result_id", "has_key_result", "row", "link_row"
        )
        .collect()
        .rows()
    )
    if not rows:
        return
    order = [oid for oid, _ in objectives.select("id", ROW).sort(ROW).collect().rows()]
    stand_ins = {oid: _Linked() for oid in order}
    for row in sorted(rows, key=lambda row: (row[4], row[5])):
        oid, parent, key_result, has = (_plain(cell) for cell in row[:4])  # pandas' NaN
        linked = stand_ins[oid]
        linked.parents[parent] = None
        if key_result is not None:
            linked.parent_key_results[parent] = key_result
            if has and parent in stand_ins:
                stand_ins[parent].key_results.append(_Linked(id=key_result))
    by_id: Any = stand_ins  # duck-typed: the checks read parents, their key results, ids
    problems = _check_links(by_id, order) + _find_loops(by_id, order)
    if problems:
        raise AlignmentError(*problems)


def _links_hold(nw: Any, objectives: Any, links: Any, known: Any) -> bool:
    """Whether every link is to a known parent, by a key result it has (`known`), with no loop.

    The common case, checked on plain columns; where it fails, `AlignmentTree`'s checks
    name each problem as the tree would (`_tree_links`).
    """
    driven = links.filter(~nw.col("parent_key_result_id").is_null())
    if _row_count(nw, driven.join(known, on=["parent_id", "parent_key_result_id"], how="anti")):
        return False
    pairs = links.select("objective_id", "parent_id").collect()
    if pairs.implementation is nw.Implementation.POLARS:
        loop_free = _polars_loop_free(objectives.select("id").collect().to_native(), pairs)
        if loop_free is not None:
            return loop_free
    ids = set(objectives.select("id").collect().get_column("id").to_list())
    children: dict[Any, list[Any]] = {}
    waiting = dict.fromkeys(ids, 0)  # each objective's parents not yet known to be loop-free
    for child, parent in zip(
        pairs.get_column("objective_id").to_list(),
        pairs.get_column("parent_id").to_list(),
        strict=True,
    ):
        if parent not in ids:
            return False
        children.setdefault(parent, []).append(child)
        waiting[child] += 1
    # Peel from the roots: an objective is loop-free once all its parents are.
    free = [oid for oid, count in waiting.items() if count == 0]
    peeled = 0
    while free:
        oid = free.pop()
        peeled += 1
        for child in children.get(oid, ()):
            waiting[child] -= 1
            if waiting[child] == 0:
                free.append(child)
    return peeled == len(ids)


def _polars_loop_free(ids: Any, pairs: Any, rounds: int = 64) -> bool | None:
    """Whether every parent is known and no link closes a loop, on whole-number codes.

    Each id is coded by its row (two joins of text, where peeling by joins hashed the
    ids again each round), then peeled from the roots a level a round: an objective is
    loop-free once all its parents are, and a loop is left unpeeled. None without numpy,
    or when `rounds` do not settle it (a very deep tree): the caller peels in Python.
    """
    np = optional_numpy()
    if np is None:  # pragma: no cover - numpy is installed with every test extra
        return None
    import polars as pl  # noqa: PLC0415 - only with polars frames

    codes = ids.select("id", pl.int_range(pl.len(), dtype=pl.Int64).alias("code"))
    coded = (
        pairs.to_native()
        .join(codes.rename({"id": "objective_id", "code": "child"}), on="objective_id", how="left")
        .join(codes.rename({"id": "parent_id", "code": "parent"}), on="parent_id", how="left")
    )
    if coded.get_column("parent").null_count():
        return False  # an unknown parent, or none (ids are one per row: checked before)
    child = coded.get_column("child").to_numpy()
    parent = coded.get_column("parent").to_numpy()
    count = ids.height
    waiting = np.bincount(child, minlength=count)  # each one's parents not yet peeled
    by_parent = np.argsort(parent, kind="stable")
    children, bounds = child[by_parent], np.searchsorted(parent[by_parent], np.arange(count + 1))
    free = np.flatnonzero(waiting == 0)
    peeled = 0
    for _ in range(rounds):
        if not free.size:
            return bool(peeled == count)
        peeled += free.size
        lengths = bounds[free + 1] - bounds[free]
        # Each free one's children: the runs of `children` from its bound, end to end.
        starts = np.repeat(bounds[free] - np.cumsum(lengths) + lengths, lengths)
        reached, times = np.unique(children[starts + np.arange(starts.size)], return_counts=True)
        waiting[reached] -= times
        free = reached[waiting[reached] == 0]
    return None


@attrs.define
class _Linked:
    """What `AlignmentTree`'s checks read of an objective (or of a key result: its id)."""

    parents: dict[str, None] = attrs.Factory(dict)
    parent_key_results: dict[str, str] = attrs.Factory(dict)
    key_results: list[_Linked] = attrs.Factory(list)
    id: str = ""


def _zoned(nw: Any, key_results: Any, problems: Problems) -> None:
    """A zoned key result's values as the model's `Zoned` takes them.

    Read in Python once per distinct set of values (one small query); the rows of the
    refused ones are reported.
    """
    columns = ("baseline", "stretch", "commit", "target")
    zoned = key_results.filter(
        (nw.col(KIND_WORD) == "zoned")
        & ~nw.col("baseline").is_null()
        & ~nw.col("stretch").is_null()
    )
    refused_by_column: dict[str, dict[tuple[Any, ...], str]] = {}
    for values in zoned.select(*columns).unique().collect().rows():
        cells = [_plain(value) for value in values]
        if any(cell is not None and not math.isfinite(cell) for cell in cells):
            continue  # an infinite cell is refused as a cell
        try:
            Zoned(cells[0], cells[1], commit=cells[2], target=cells[3])
        except ValidationError as error:
            problem = error.problems[0]
            column = _column_of(problem.path, "key_results")
            refused_by_column.setdefault(column or "kind", {})[tuple(cells)] = problem.message
    for column, found in refused_by_column.items():
        matched = _any_row_of(nw, columns, found)
        _report(
            nw,
            "key_results",
            zoned.filter(matched),
            column,
            columns,
            _cycle_message(columns, found),
            problems,
            "measure",
            rank=1,
        )


def _cycles(nw: Any, objectives: Any, problems: Problems) -> None:
    """Each objective's cycle as from_frames reads it: a name, or a name and two dates.

    The distinct names (and dates, kinds and fiscal months) are read in Python with the
    model's own `Cycle`, one small query each; the rows of the refused ones are reported.
    """
    name = nw.col("cycle")
    # A date outside the plausible ones is refused as a cell (`_cells`): then empty here.
    has_first = ~nw.col("cycle_start").is_null() & _plausible(nw, "cycle_first")
    has_last = ~nw.col("cycle_end").is_null() & _plausible(nw, "cycle_last")
    month = nw.col("cycle_fiscal_start_month")
    finite_month = month.abs() < math.inf
    whole_month = finite_month & (month == month.round(0))
    _report(
        nw,
        "objectives",
        objectives.filter(finite_month & (month != month.round(0))),
        "cycle_fiscal_start_month",
        ("cycle_fiscal_start_month",),
        _read_again(_whole, "cycle_fiscal_start_month"),
        problems,
    )
    _report(
        nw,
        "objectives",
        objectives.filter(name.is_null() & (has_first | has_last)),
        "cycle",
        (),
        lambda _: "a cycle's name is required with cycle_start",
        problems,
        "cycle",
    )
    # A cell written but refused (a date implausible or unreadable, a month not a whole
    # number) is reported as it is, and its cycle is not read further.
    refused = ~month.is_null() & ~whole_month
    for column, has in (("cycle_start", has_first), ("cycle_end", has_last)):
        refused = refused | (~nw.col(column).is_null() & ~has)
    for column in ("cycle_start", "cycle_end", "cycle_kind", "cycle_fiscal_start_month"):
        unreadable = problems.unreadable.get(("objectives", column))
        if unreadable:
            refused = refused | nw.col(ROW).is_in(sorted(unreadable))
    for column, given, other in (
        ("cycle_end", has_first, has_last),
        ("cycle_start", has_last, has_first),
    ):
        _report(
            nw,
            "objectives",
            objectives.filter(~name.is_null() & given & ~other & ~refused),
            column,
            (),
            lambda _: "a value is required: a custom cycle has two dates",
            problems,
            "cycle",
        )
    whole = nw.when(whole_month).then(month).otherwise(nw.lit(None, dtype=nw.Float64))
    named = objectives.filter(~name.is_null() & ~has_first & ~has_last & ~refused)
    dated = objectives.filter(~name.is_null() & has_first & has_last & ~refused)
    for rows, columns in (
        (named, ("cycle", "month")),
        (dated, ("cycle", "cycle_first", "cycle_last", "cycle_kind", "month")),
    ):
        keyed = rows.with_columns(whole.alias("month"))
        by_column: dict[str, dict[tuple[Any, ...], str]] = {}
        for values in keyed.select(*columns).unique().collect().rows():
            cells = {column: _plain(value) for column, value in zip(columns, values, strict=True)}
            refused_as = _cycle_problem(cells)
            if refused_as is not None:
                where, message = refused_as
                by_column.setdefault(where, {})[tuple(cells.values())] = message
        for where, refused_cycles in sorted(by_column.items()):
            _report(
                nw,
                "objectives",
                keyed.filter(_any_row_of(nw, columns, refused_cycles)),
                where,
                columns,
                _cycle_message(columns, refused_cycles),
                problems,
                "cycle",
            )


def _plain(value: Any) -> Any:
    """A cell as Python: None for pandas' NaN and NaT, a day for a midnight Timestamp."""
    if _is_null(value):
        return None
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    return value


def _cycle_message(
    columns: Sequence[str], found: Mapping[tuple[Any, ...], str]
) -> Callable[[dict[str, Any]], str]:
    return lambda row: found[tuple(_plain(row[column]) for column in columns)]


def _misplaced_message(table: str) -> Callable[[dict[str, Any]], str]:
    return lambda row: f"a {row['owner_kind']} key result has no {table}"


def _any_row_of(nw: Any, columns: Sequence[str], refused: Iterable[tuple[Any, ...]]) -> Any:
    """Rows whose `columns` hold one of the first `MAX_PROBLEMS` refused tuples of cells."""
    same = [
        _all_equal(nw, dict(zip(columns, values, strict=True)))
        for values in list(refused)[:MAX_PROBLEMS]
    ]
    matched = same[0]
    for condition in same[1:]:
        matched = matched | condition
    return matched


def _all_equal(nw: Any, values: Mapping[str, Any]) -> Any:
    conditions = [
        nw.col(column).is_null() if value is None else nw.col(column) == value
        for column, value in values.items()
    ]
    condition = conditions[0]
    for more in conditions[1:]:
        condition = condition & more
    return condition


def _cycle_problem(cells: Mapping[str, Any]) -> tuple[str, str] | None:
    """The column and the words from_frames refuses a cycle of these cells with, or None."""
    month = cells["month"]
    start_month = 1 if month is None else int(month)
    try:
        if "cycle_first" not in cells:
            Cycle.parse(cells["cycle"], start_month=start_month)
            return None
        kind = cells["cycle_kind"]
        chosen = CycleKind.CUSTOM if kind is None else enum_member("cycle_kind", CycleKind, kind)
        Cycle(
            cells["cycle"],
            EPOCH + timedelta(days=int(cells["cycle_first"])),
            EPOCH + timedelta(days=int(cells["cycle_last"])),
            kind=chosen,
            fiscal_start_month=None if month is None else int(month),
        )
    except ValidationError as error:
        column = cycle_column("cycle", error.problems[0].path)
        return column, "; ".join(problem.message for problem in error.problems)
    return None
