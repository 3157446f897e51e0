"""`from_frames` for typed frames: whole columns checked at once, then the model built once.

When every table is an eager polars or pyarrow frame whose days are days (dates, or
time stamps at midnight), `check_tables` checks the tables with expressions, as
`score_frames` does, and reports each problem in the words and order of the
cell-by-cell reader. The model is then built from the checked columns: a history from
each key result's run of the check-ins sorted by the frame library, every value object
through its own constructor.

pandas frames, tables of several libraries, check-ins at date-times, KPIs, links by
title and confidences on a tool's scale are read cell by cell, as before
(`read_typed_frames` gives None).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from okrkpi._edges._collector import collector_paused
from okrkpi._edges.columnar._frames import (
    REQUIRED_TABLES,
    ROW,
    Inputs,
    _absent,
    narwhals,
    optional_numpy,
    polars_joined_by_runs,
)
from okrkpi._edges.columnar.validation import (
    _is_null_type,
    _type_of,
    cell_readers,
    check_tables,
    prepared_columns,
)
from okrkpi._edges.serde import Document
from okrkpi._edges.tables import (
    TABLES,
    _cycle,
    _frame_cells,
    _groups,
    _measure,
    _member,
    _milestones,
    _read_alignments,
    _read_initiatives,
    _Reader,
    _with_links,
)
from okrkpi._errors import ValidationError
from okrkpi._model._checks import EARLIEST, LATEST
from okrkpi._model.confidence import ConfidenceRating
from okrkpi._model.history import CheckIns
from okrkpi._model.key_result import Binary, KeyResult, Metric
from okrkpi._model.objective import Commitment, Level, Objective
from okrkpi._model.plan import PlannedValue

__all__ = ["read_typed_frames"]

_READ = ("objectives", "alignments", "key_results", "check_ins", "milestones", "plans")
_ORDINAL_OF_EPOCH = date(1970, 1, 1).toordinal()
_DAYS_PER_OWNER = 1 << 22  # above the ordinal of the latest plausible day


def read_typed_frames(
    given: Mapping[str, Any],
    renames: Mapping[str, Mapping[str, str]],
    extra_columns: str,
    date_format: str | None = None,
) -> Document | None:
    """The document typed eager frames hold, checked by whole columns; None if not typed.

    Raises what `from_frames` raises for the same tables. None leaves the tables to the
    cell-by-cell reader: a table that is not a typed eager frame, or KPIs.
    """
    nw = narwhals()
    tables = _typed_tables(nw, given, renames)
    if tables is None:
        return None
    inputs = Inputs(tables, renames, extra_columns, caller="from_frames")
    frames, found = prepared_columns(nw, inputs, True, cell_readers(None, date_format))
    eager = {name: frame.collect() for name, frame in frames.items()}
    check_tables(
        nw, inputs, {name: frame.lazy() for name, frame in eager.items()}, found, tree=False
    )
    with collector_paused():
        try:
            return _built(nw, eager)
        except ValidationError:  # a rule the whole-column checks missed: read cell by cell
            return None


def _typed_tables(
    nw: Any, given: Mapping[str, Any], renames: Mapping[str, Mapping[str, str]]
) -> dict[str, Any] | None:
    """The tables to check by whole columns, days kept as time stamps made dates; or None.

    None when a table is not an eager frame or holds what only the cell-by-cell reader
    reads as the model keeps it (`_native`), or KPIs are given. pandas frames are read
    cell by cell: a missing cell there is NaN or NA as often as None.
    """
    if not all(_absent(given[name]) for name in ("kpis", "measurements")):
        return None
    if any(_absent(given[name]) for name in REQUIRED_TABLES):  # given as frames
        return None
    tables = {}
    libraries = set()
    for table, data in given.items():
        if _absent(data):  # KPIs are absent: refused above
            continue
        try:
            frame = nw.from_native(data, eager_only=True)
        except (TypeError, ValueError):
            return None
        libraries.add(frame.implementation)
        if frame.implementation.is_pandas_like() or len(libraries) > 1:
            return None  # tables of several libraries are read cell by cell, as before
        ours = renames.get(table, {})
        midnights = []
        for name, dtype in frame.schema.items():
            column = ours.get(str(name), str(name))
            if column not in TABLES[table]:
                continue
            if not _native(nw, table, column, dtype):
                return None
            if dtype == nw.Datetime and _type_of(table, column) in ("day", "moment"):
                if not _days_only(nw, frame, name):
                    return None
                midnights.append(name)
        # Read as the cell-by-cell reader reads a time stamp at midnight: as its day.
        tables[table] = (
            frame.with_columns(nw.col(*midnights).cast(nw.Date)).to_native() if midnights else data
        )
    return tables


def _days_only(nw: Any, frame: Any, name: str) -> bool:
    """Whether a column of date-times holds plausible midnights only: days, as frames store them.

    A midnight out of the plausible years is reported as the cell-by-cell reader reports
    it, as the date-time it is: the column is then read cell by cell.
    """
    moment = nw.col(name)
    plausible = (moment >= datetime.combine(EARLIEST, time())) & (
        moment <= datetime.combine(LATEST, time())
    )
    other = ~moment.is_null() & ((moment.dt.truncate("1d") != moment) | ~plausible)
    return len(frame.filter(other)) == 0


def _native(nw: Any, table: str, column: str, dtype: Any) -> bool:
    """Whether the checked column holds what the model keeps.

    A day (a check-in's moment, a plan's day, a cycle's dates) must be a date, or a
    date-time without a zone (then read as a day if it is a midnight, `_days_only`), as
    frame libraries store days and as the cell-by-cell reader reads them; the model
    keeps any other date-time with its time and zone. A check-in's moment written as
    text may be a date-time: it is read cell by cell. Any other column is read by
    `prepared_columns`, by expressions or else with the reader's own functions.
    """
    kind = _type_of(table, column)
    if _is_null_type(dtype) or kind not in ("day", "moment"):
        return True
    if dtype == nw.Datetime:
        return dtype.time_zone is None
    return kind == "day" or dtype == nw.Date  # text days are read as the reader reads them


class _CheckedColumns(Mapping[str, Sequence[Any]]):
    """A checked table's columns, each read into Python when first asked for.

    A long column of repeated cells (ids, kinds, days) is read once per distinct cell,
    then shared by code: at 300,000 key results, one `str` per row of `kind` would cost
    more than the key results' own text.
    """

    def __init__(self, frame: Any) -> None:
        self._frame = frame
        self._read: dict[str, Sequence[Any]] = {}

    def __getitem__(self, name: str) -> Sequence[Any]:
        cells = self._read.get(name)
        if cells is None:
            if name not in self._frame.columns:
                raise KeyError(name)
            cells = self._read[name] = _frame_cells(self._frame.get_column(name))
        return cells

    def __iter__(self) -> Iterator[str]:
        return iter(self._frame.columns)

    def __len__(self) -> int:
        return len(self._frame.columns)


def _built(nw: Any, frames: Mapping[str, Any]) -> Document:
    reader = _Reader()
    # Check-ins are read by `_Runs`, a few whole columns at a time.
    tables = {
        name: (_CheckedColumns(frames[name]), len(frames[name])) if name in frames else ({}, 0)
        for name in (*_READ, "initiatives")
        if name != "check_ins"
    }
    key_results = _key_results(nw, reader, frames, tables)
    initiatives = _read_initiatives(reader, tables) if "initiatives" in frames else {}
    objectives = _objectives(reader, tables, key_results, initiatives)
    if reader.found:  # a rule the whole-column checks missed: read cell by cell
        raise ValidationError(*reader.problems)
    return Document(tuple(objectives), ())


class _Runs:
    """Each key result's check-ins: one run of columns, sorted by key result, day and row."""

    def __init__(self, nw: Any, check_ins: Any, key_results: Any) -> None:
        # The checked tables have every column: an empty one where the table had none.
        note = nw.col("note")
        extra = ~nw.col("confidence").is_null() | (~note.is_null() & (note != ""))
        owners = key_results.select(
            nw.col(ROW).alias("owner_row"), "objective_id", nw.col("id").alias("key_result_id")
        )
        # Sorted on whole numbers, not on two columns of text: a few times faster.
        day = (nw.col("day") + _ORDINAL_OF_EPOCH).cast(nw.Int64)
        keys = ["objective_id", "key_result_id"]
        joined = _in_row_order(nw, check_ins, owners, keys)
        in_order = joined is not None  # rows kept in the table's order: a stable sort
        if joined is None:
            joined = check_ins.join(owners, on=keys, how="inner")
        ordered = joined.with_columns(
            (nw.col("owner_row").cast(nw.Int64) * _DAYS_PER_OWNER + day).alias("order"),
            day.alias("day"),
            extra.alias("extra"),
        )
        if not in_order:
            ordered = ordered.sort("order", ROW)
        elif not ordered.get_column("order").is_sorted():  # often listed in that order
            ordered = nw.from_native(ordered.to_native().sort("order", maintain_order=True))
        spans = (
            ordered.group_by("owner_row")
            .agg(nw.len().alias("count"), nw.col("extra").any())
            .sort("owner_row")
        )
        count = len(key_results)
        self.first: list[int | None] = [None] * count
        self.count: list[int] = [0] * count
        self.extra: list[bool] = [False] * count
        first = 0
        for owner, length, has_extra in zip(
            spans.get_column("owner_row").to_list(),
            spans.get_column("count").to_list(),
            spans.get_column("extra").to_list(),
            strict=True,
        ):
            self.first[owner], self.count[owner], self.extra[owner] = first, length, has_extra
            first += length
        self.values = _machine_words(ordered.get_column("value"), "d")
        self.days = _machine_words(ordered.get_column("day"), "i")
        self._ordered = ordered

    def history(self, first: int, count: int, key_result_id: str, measure: Any) -> CheckIns:
        """The check-ins of a run with confidences or notes, or of a binary key result."""
        stop = first + count
        values: list[Any] = list(self.values[first:stop])
        if isinstance(measure, Binary):  # done or not
            values = [bool(value) if value in (0, 1) else value for value in values]
        rows = self._ordered[first:stop]
        confidences = [
            None if cell is None else ConfidenceRating(cell)
            for cell in rows.get_column("confidence").to_list()
        ]
        notes = [cell or "" for cell in rows.get_column("note").to_list()]
        return CheckIns.from_columns(
            values,
            [date.fromordinal(day) for day in self.days[first:stop]],
            confidences=confidences,
            notes=notes,
            owner=key_result_id,
        )


def _in_row_order(nw: Any, check_ins: Any, owners: Any, keys: list[str]) -> Any:
    """polars: the check-ins joined to their key results run by run, in row order; or None."""
    if check_ins.implementation is not nw.Implementation.POLARS:
        return None
    joined = polars_joined_by_runs(check_ins.to_native(), owners.to_native(), keys)
    return None if joined is None else nw.from_native(joined.collect())


def _machine_words(series: Any, typecode: str) -> array[Any]:
    """A column of numbers as an `array`, through numpy's buffer where numpy is installed."""
    np = optional_numpy()
    if np is None:
        return array(typecode, series.to_list())
    words = array(typecode)
    words.frombytes(series.to_numpy().astype(np.dtype(typecode)).tobytes())
    return words


def _key_results(
    nw: Any,
    reader: _Reader,
    frames: Mapping[str, Any],
    tables: Mapping[str, tuple[Mapping[str, Sequence[Any]], int]],
) -> dict[str, list[KeyResult]]:
    columns, _ = tables["key_results"]
    runs = _Runs(nw, frames["check_ins"], frames["key_results"])
    steps = _groups(*tables["milestones"], "objective_id", "key_result_id")
    plans = _groups(*tables["plans"], "objective_id", "key_result_id")
    plan_days, plan_values = (tables["plans"][0].get(name, []) for name in ("at", "value"))
    values, days = runs.values, runs.days
    by_objective: dict[str, list[KeyResult]] = {}
    rows = zip(*(columns[name] for name in _KEY_RESULT_CELLS), runs.first, runs.count, strict=True)
    for row, (owner, key_result_id, title, kind, start, target, unit, weight, *rest) in enumerate(
        rows
    ):
        accountable, source, first, count = rest
        key = (owner, key_result_id)
        plan: Any = ()
        if plans and key in plans:
            plan = [PlannedValue(plan_days[r], plan_values[r]) for r in plans[key]]
        if kind == "metric" or kind.lower() == "metric":
            # `_measure`'s metric, without its cell calls: most key results are metrics.
            measure: Any = Metric(start, target, unit=unit, plan=plan)
        else:
            extra: dict[str, Any] = {"plan": plan} if plan else {}
            if steps and key in steps:
                extra["milestones"] = _milestones(reader, tables["milestones"][0], steps[key])
            measure = _measure(reader, _cells(columns, row), row, extra)
        if first is None:
            history = CheckIns._of_checked_days(array("d"), array("i"), key_result_id)
        elif runs.extra[row] or isinstance(measure, Binary):
            history = runs.history(first, count, key_result_id, measure)
        else:
            stop = first + count
            history = CheckIns._of_checked_days(values[first:stop], days[first:stop], key_result_id)
        key_result = KeyResult(
            title,
            measure,
            weight=1.0 if weight is None else weight,
            id=key_result_id,
            check_ins=history,
            owner=accountable,
            source_kpi=source,
        )
        found = by_objective.get(owner)
        if found is None:
            by_objective[owner] = [key_result]
        else:
            found.append(key_result)
    return by_objective


_KEY_RESULT_CELLS = (
    "objective_id",
    "id",
    "title",
    "kind",
    "start",
    "target",
    "unit",
    "weight",
    "owner",
    "source_kpi",
)


def _cells(columns: Mapping[str, Sequence[Any]], row: int) -> Callable[..., Any]:
    """One row's checked cells, as the reader's `cell(column, read)` gives them."""

    def cell(column: str, read: Callable[[Any], Any], required: bool = False) -> Any:
        value = columns[column][row]
        return None if value is None else read(value)

    return cell


def _objectives(
    reader: _Reader,
    tables: Mapping[str, tuple[Mapping[str, Sequence[Any]], int]],
    key_results: Mapping[str, list[KeyResult]],
    initiatives: Mapping[str, list[Any]],
) -> list[Objective]:
    columns, _ = tables["objectives"]
    links_of = _read_alignments(reader, tables["alignments"])
    members: dict[tuple[Any, str], Any] = {}  # a few words, each read once
    cycles: dict[tuple[Any, ...], Any] = {}
    built = []
    rows = zip(
        *(columns[name] for name in _OBJECTIVE_CELLS),
        zip(*(columns[name] for name in _CYCLE_CELLS), strict=True),
        strict=True,
    )
    for row, (objective_id, title, parent, driven, carried, *rest) in enumerate(rows):
        owner, commitment, level, weight, closed_on, cycle_cells = rest
        fields: dict[str, Any] = {
            "parent_id": parent,
            "parent_key_result_id": driven,
            "carried_over_from": carried,
            "owner": owner,
            "closed_on": closed_on,
        }
        for name, word, kind in (("commitment", commitment, Commitment), ("level", level, Level)):
            if word is not None:
                if (kind, word) not in members:
                    members[kind, word] = _member(kind)(word)
                fields[name] = members[kind, word]
        if weight is not None:
            fields["alignment_weight"] = weight
        if cycle_cells not in cycles:
            cycles[cycle_cells] = _cycle(reader, "objectives", _cells(columns, row), row, "cycle")
        fields["cycle"] = cycles[cycle_cells]
        links = links_of.get(objective_id)
        if links is not None:
            _with_links(reader, row, fields, links)
        built.append(
            Objective(
                title,
                key_results.get(objective_id, ()),
                id=objective_id,
                initiatives=initiatives.get(objective_id, ()),
                **fields,
            )
        )
    return built


_OBJECTIVE_CELLS = (
    "id",
    "title",
    "parent_id",
    "parent_key_result_id",
    "carried_over_from",
    "owner",
    "commitment",
    "level",
    "alignment_weight",
    "closed_on",
)
_CYCLE_CELLS = ("cycle", "cycle_start", "cycle_end", "cycle_kind", "cycle_fiscal_start_month")
