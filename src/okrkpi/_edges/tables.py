"""Tables in and out: whole organisations from data frames (or rows), and back.

One tidy table per concept, linked by ids: objectives, key_results, check_ins, milestones,
plans, initiatives, kpis, measurements (`TABLES` lists every column). Frames of any kind
narwhals supports (pandas, polars, pyarrow...) are read through narwhals; plain sequences
of mappings (CSV rows, JSON records, SQL rows) need nothing. Every bad cell is reported
at once with its table, row and column, and nothing is built then.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, Literal

import attrs

from okrkpi._alignment.tree import AlignmentTree
from okrkpi._edges.display import tree_statuses
from okrkpi._edges.serde import MAX_PROBLEMS, Document, to_dict
from okrkpi._errors import MissingExtraError, OkrKpiError, Problem, ValidationError, describe
from okrkpi._model._checks import EARLIEST, LATEST, check_moment, enum_member, is_number
from okrkpi._model.confidence import ConfidenceRating
from okrkpi._model.cycle import Cycle, CycleKind
from okrkpi._model.history import CheckIns, Measurement
from okrkpi._model.initiative import Initiative
from okrkpi._model.key_result import (
    Binary,
    KeyResult,
    KeyResultKind,
    Metric,
    Milestone,
    Milestones,
    Ordinal,
    Threshold,
    Zoned,
)
from okrkpi._model.kpi import KPI, TargetRange
from okrkpi._model.moments import Moment, day_of
from okrkpi._model.objective import Commitment, Level, Objective
from okrkpi._model.plan import PlannedValue
from okrkpi._model.zones import Zone
from okrkpi._scoring.engine import (
    judged_as_of,
    key_result_status,
    score_key_result,
)
from okrkpi._scoring.policy import ScoringPolicy

__all__ = [
    "TABLES",
    "Backend",
    "from_frames",
    "from_rows",
    "kpi_frame",
    "records_frame",
    "score_rows",
    "scores_frame",
    "to_frames",
    "to_rows",
]

Backend = Literal["pandas", "polars", "pyarrow"]

# The columns of each table: name -> (type, meaning). Required columns are marked "*".
TABLES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "objectives": MappingProxyType(
            {
                "id": "* text: unique id",
                "title": "* text",
                "commitment": "'committed' or 'aspirational' (default)",
                "parent_id": "text: the objective it aligns to",
                "parent_key_result_id": "text: the parent's key result it drives",
                "owner": "text",
                "level": "'company', 'department', 'team' (default) or 'individual'",
                "cycle": "text: a cycle's name, e.g. '2026-Q3', 'FY2027'",
                "cycle_start": "date: with cycle_end, a custom cycle's dates",
                "cycle_end": "date",
                "cycle_kind": "text: quarter, year, fiscal_year, fiscal_quarter or custom",
                "cycle_fiscal_start_month": "whole number 1..12, for fiscal cycles",
                "alignment_weight": "number >= 0 (default 1)",
                "carried_over_from": "text: the id of the objective it continues",
                "closed_on": "date",
            }
        ),
        "key_results": MappingProxyType(
            {
                "objective_id": "* text",
                "id": "* text: unique within its objective",
                "title": "* text",
                "kind": "* metric, binary, threshold, milestones, zoned or ordinal",
                "start": "number: metric baseline",
                "target": "number: metric target, or a zoned key result's target value",
                "unit": "text",
                "threshold": "number: the line a threshold key result stays on",
                "above": "bool: a threshold's side (default true)",
                "inclusive": "bool: whether the line counts (default false)",
                "done": "bool: a binary key result's state before check-ins",
                "baseline": "number: a zoned key result's baseline",
                "stretch": "number: a zoned key result's stretch",
                "commit": "number: a zoned key result's commit value",
                "commit_text": "text: what COMMIT means for an ordinal key result",
                "target_text": "text: what TARGET means",
                "stretch_text": "text: what STRETCH means",
                "weight": "number >= 0 (default 1)",
                "owner": "text",
                "source_kpi": "text: the KPI its check-ins come from",
            }
        ),
        "check_ins": MappingProxyType(
            {
                "objective_id": "* text",
                "key_result_id": "* text",
                "at": "* date or date-time (a midnight timestamp without zone is a day)",
                "value": "* number, or a bool for binary, or a zone name for ordinal",
                "confidence": "0..10, or 'low' / 'medium' / 'high'",
                "note": "text",
            }
        ),
        "milestones": MappingProxyType(
            {
                "objective_id": "* text",
                "key_result_id": "* text",
                "name": "* text, in the order they are reached",
                "weight": "number >= 0 (default 1)",
            }
        ),
        "plans": MappingProxyType(
            {
                "objective_id": "* text",
                "key_result_id": "* text",
                "at": "* date",
                "value": "* number: the planned value",
            }
        ),
        "initiatives": MappingProxyType(
            {
                "objective_id": "* text",
                "id": "* text",
                "title": "* text",
                "owner": "text",
                "status": "not_started, in_progress, done, blocked or cancelled",
                "progress": "number 0..1",
                "start": "date",
                "end": "date",
                "key_result_ids": "text: the ids it drives, separated by ';'",
            }
        ),
        "kpis": MappingProxyType(
            {
                "name": "* text: unique",
                "target": "number",
                "target_low": "number: with target_high, a range to stay within",
                "target_high": "number",
                "higher_is_better": "bool (default true)",
                "warning": "number",
                "unit": "text",
                "timeframe": "text: a cycle's name",
                "timeframe_start": "date: with timeframe_end, a custom cycle's dates",
                "timeframe_end": "date",
                "timeframe_kind": "text: as cycle_kind",
                "timeframe_fiscal_start_month": "whole number 1..12",
                "data_source": "text",
                "frequency": "daily, weekly, monthly, quarterly, yearly or an RRULE",
                "indicator": "lead or lag",
                "owner": "text",
            }
        ),
        "measurements": MappingProxyType(
            {
                "kpi": "* text: the KPI's name",
                "at": "* date or date-time",
                "value": "* number",
                "note": "text",
            }
        ),
    }
)


class _BadCellError(Exception):
    """A cell that cannot be read: what was expected."""


# -- reading cells ------------------------------------------------------------------------


def _is_null(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    if value.__class__.__name__ == "NAType":  # pandas' NA: even its comparisons are NA
        return True
    # pandas' NaT, numpy's NaN: objects that are not equal to themselves.
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    # A column of ids or cycle names like 2026, read by a CSV reader that guesses types.
    if is_number(value) and not isinstance(value, bool):
        try:
            if float(value).is_integer():
                return str(int(value))
        except (OverflowError, ValueError):
            pass
    raise _BadCellError("text")


# Commas only as thousands separators: "1,250.5" is a number, "1,4" (a decimal comma?)
# is not, rather than silently 14.
_GROUPED = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?")


def _number(value: Any) -> float:
    if isinstance(value, str):
        text = value.strip()
        if "," in text:
            if not _GROUPED.fullmatch(text):
                raise _BadCellError("a finite number (commas only between thousands)")
            text = text.replace(",", "")
        try:
            number = float(Decimal(text))
        except (InvalidOperation, ValueError, OverflowError):
            raise _BadCellError("a finite number") from None
    elif is_number(value):
        try:
            number = float(value)
        except (OverflowError, ValueError):
            raise _BadCellError("a number within the float range") from None
    else:
        raise _BadCellError("a finite number")
    if not math.isfinite(number):
        raise _BadCellError("a finite number")
    return number


_TRUE = frozenset({"true", "yes", "1", "y", "t"})
_FALSE = frozenset({"false", "no", "0", "n", "f"})


def _bool(value: Any) -> bool:
    if isinstance(value, bool) or value.__class__.__name__ == "bool_":
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        if _looks_numeric(word):  # "1.0": a flag column written out as numbers
            value = float(word)
    if is_number(value) and value in (0, 1):
        return bool(value)
    raise _BadCellError("true or false")


def _moment(value: Any) -> Moment:
    """A date or date-time within the plausible years, as every date in the model is."""
    return _plausible(_any_moment(value))


def _any_moment(value: Any) -> Moment:
    if isinstance(value, datetime):
        # Frames store days as midnight timestamps: without a zone, that is the day.
        if value.tzinfo is None and value.time() == datetime.min.time():
            return date(value.year, value.month, value.day)
        return datetime.fromisoformat(value.isoformat())  # a plain datetime, not a Timestamp
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return (
                _any_moment(datetime.fromisoformat(text))
                if "T" in text or " " in text
                else date.fromisoformat(text)
            )
        except ValueError:
            raise _BadCellError("an ISO date like '2026-07-01'") from None
    raise _BadCellError("a date or date-time")


def _plausible(moment: Moment) -> Moment:
    if not EARLIEST <= day_of(moment) <= LATEST:
        raise _BadCellError(f"a date between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    return moment


def _member(kind: type[enum.Enum]) -> Callable[[Any], Any]:
    """A reader of `kind`'s members by value or name, in any case."""

    def read(value: Any) -> Any:
        try:
            return enum_member(kind.__name__, kind, _text(value))
        except ValidationError:
            raise _BadCellError(
                "one of " + ", ".join(repr(member.value) for member in kind)
            ) from None

    return read


def _day(value: Any) -> date:
    moment = _moment(value)
    if isinstance(moment, datetime):
        raise _BadCellError("a date without a time")
    return moment


def _whole(value: Any) -> int:
    number = _number(value)
    if not number.is_integer():
        raise _BadCellError("a whole number")
    return int(number)


def _zone_value(value: Any) -> float:
    if isinstance(value, str) and value.strip().upper() in Zone.__members__:
        return float(Zone[value.strip().upper()])
    return _number(value)


def _check_in_reader(measure: Any) -> Callable[[Any], Any]:
    """How a check-in's value cell reads for `measure`.

    A zone name only for an ordinal key result, true/false only for a binary one, else a
    number.
    """
    if isinstance(measure, Ordinal):
        return _zone_value
    if isinstance(measure, Binary):
        return _bool
    return _number


def _confidence(value: Any) -> ConfidenceRating | str:
    if isinstance(value, str) and not _looks_numeric(value):
        try:
            return ConfidenceRating.from_label(value)
        except ValidationError:
            raise _BadCellError("a rating from 0 to 10, or 'low', 'medium', 'high'") from None
    # A column of ratings: 0.5 is half a point on the 0..10 scale, as serde reads it.
    rating = _number(value)
    if not 0.0 <= rating <= 10.0:
        raise _BadCellError("a rating from 0 to 10, or 'low', 'medium', 'high'")
    return ConfidenceRating(rating)


def _looks_numeric(text: str) -> bool:
    return re.fullmatch(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*", text) is not None


# -- frames and rows ------------------------------------------------------------------------


Columns = dict[str, list[Any]]


def _narwhals() -> Any:
    try:
        import narwhals.stable.v1 as nw  # noqa: PLC0415 - optional: only frames need it
    except ImportError:
        raise MissingExtraError("Data frames", "tables", "narwhals") from None
    return nw


def _as_columns(table: str, data: Any, renames: Mapping[str, str]) -> tuple[Columns, int]:
    """A table's cells as lists by column, with the user's names mapped to ours."""
    if isinstance(data, Mapping | str | bytes):
        raise ValidationError.field(table, data, "a data frame or a sequence of mappings")
    if isinstance(data, Sequence) or (isinstance(data, Iterable) and not _is_frame(data)):
        rows = list(data)
        names: dict[str, None] = {}
        for position, row in enumerate(rows):
            if not isinstance(row, Mapping):
                raise ValidationError.field(f"{table}[row {position}]", row, "a mapping")
            names.update(dict.fromkeys(row))
        columns = {str(name): [row.get(name) for row in rows] for name in names}
        count = len(rows)
    else:
        nw = _narwhals()
        try:
            frame = nw.from_native(data, eager_only=True)
        except TypeError:
            raise ValidationError.field(table, data, "a data frame narwhals supports") from None
        except ValueError as error:  # e.g. two columns with one name
            message = str(error).replace("\n", " ")
            raise ValidationError.field(
                table, message, "a frame with one column per name"
            ) from None
        # By name, not `frame[name]`: a label like 0 would read as a row number.
        columns = {str(name): frame.get_column(name).to_list() for name in frame.columns}
        count = len(frame)
    renamed = [renames.get(name, name) for name in columns]
    twice = sorted({name for name in renamed if renamed.count(name) > 1})
    if twice:  # a renamed column lands on one the table already has
        raise ValidationError.field(f"{table}.columns", twice, "one column per name after renames")
    return dict(zip(renamed, columns.values(), strict=True)), count


def _is_frame(data: Any) -> bool:
    return (
        hasattr(data, "columns")
        or hasattr(data, "__dataframe__")
        or hasattr(data, "__arrow_c_stream__")
    )


@attrs.define
class _Reader:
    """Reads cells and collects every problem, with its table, row and column."""

    problems: list[Problem] = attrs.Factory(list)

    def add(self, table: str, row: int, column: str | None, message: str) -> None:
        where = f"{table}[row {row}]" + (f".{column}" if column else "")
        self.problems.append(Problem(where, message))

    def cell(
        self,
        table: str,
        columns: Columns,
        row: int,
        column: str,
        read: Callable[[Any], Any],
        *,
        required: bool = False,
    ) -> Any:
        cells = columns.get(column)
        value = None if cells is None else cells[row]
        if _is_null(value):
            if required:
                self.add(table, row, column, "a value is required")
            return None
        try:
            return read(value)
        except _BadCellError as bad:
            self.add(table, row, column, f"expected {bad}, got {describe(value)}")
            return None

    def error(self, table: str, row: int, error: OkrKpiError) -> None:
        for problem in getattr(error, "problems", ()) or (Problem("", str(error)),):
            column = _column_of(problem.path, table)
            self.add(table, row, column, problem.message)


@attrs.frozen
class _Cells:
    """One row's cells: `cell("value", _number, required=True)`."""

    reader: _Reader
    table: str
    columns: Columns
    row: int

    def __call__(self, column: str, read: Callable[[Any], Any], required: bool = False) -> Any:
        return self.reader.cell(self.table, self.columns, self.row, column, read, required=required)


def _column_of(path: str, table: str) -> str | None:
    # "Metric.target" -> "target"; "KeyResult('k').check_ins[3].value" -> "value".
    last = re.split(r"[.\]]", path)[-1] if path else ""
    return last if last in TABLES[table] else None


def _required(table: str, columns: Columns, count: int, reader: _Reader) -> bool:
    if count == 0:  # an empty table needs no columns
        return True
    missing = [
        name
        for name, meaning in TABLES[table].items()
        if meaning.startswith("*") and name not in columns
    ]
    for name in missing:
        reader.problems.append(Problem(f"{table}.{name}", "a required column is missing"))
    return not missing


# -- building the model -------------------------------------------------------------------


_OPTIONAL_TEXT = ("owner", "parent_id", "parent_key_result_id", "carried_over_from")


def _cycle(reader: _Reader, table: str, columns: Columns, row: int, prefix: str) -> Cycle | None:
    """A cycle from its name, or from its name, dates, kind and fiscal start month."""
    name = reader.cell(table, columns, row, prefix, _text)
    start = reader.cell(table, columns, row, f"{prefix}_start", _day)
    end = reader.cell(table, columns, row, f"{prefix}_end", _day)
    kind = reader.cell(table, columns, row, f"{prefix}_kind", _text)
    month = reader.cell(table, columns, row, f"{prefix}_fiscal_start_month", _whole)
    if name is None:
        if start is not None or end is not None:
            reader.add(table, row, prefix, f"a cycle's name is required with {prefix}_start")
        return None
    if (start is None) != (end is None):
        missing = f"{prefix}_end" if end is None else f"{prefix}_start"
        reader.add(table, row, missing, f"a value is required: a custom {prefix} has two dates")
        return None
    try:
        if start is None or end is None:
            return Cycle.parse(name, start_month=1 if month is None else month)
        chosen = (
            CycleKind.CUSTOM if kind is None else enum_member(f"{prefix}_kind", CycleKind, kind)
        )
        return Cycle(name, start, end, kind=chosen, fiscal_start_month=month)
    except ValidationError as error:
        reader.add(table, row, prefix, "; ".join(p.message for p in error.problems))
        return None


# The columns rows are joined on: read once, as the text they stand for.
_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "objectives": ("id", "parent_id", "parent_key_result_id", "carried_over_from"),
        "key_results": ("objective_id", "id"),
        "check_ins": ("objective_id", "key_result_id"),
        "milestones": ("objective_id", "key_result_id"),
        "plans": ("objective_id", "key_result_id"),
        "initiatives": ("objective_id", "id"),
        "kpis": ("name",),
        "measurements": ("kpi",),
    }
)


def _key(value: Any) -> Any:
    """A link cell as the text it joins on: stripped, a whole number as its digits.

    None when empty; a cell that is not text is kept, to be reported where it is read.
    """
    if _is_null(value):
        return None
    try:
        return _text(value)
    except _BadCellError:
        return value


def _keys_as_text(table: str, columns: Columns) -> None:
    for name in _KEYS[table]:
        cells = columns.get(name)
        if cells is None:
            continue
        seen: dict[Any, Any] = {}  # ids repeat (a key result's every check-in): read once
        keyed = []
        for value in cells:
            try:
                found = seen.get(value, _UNREAD)
            except TypeError:  # an unhashable cell
                found = _key(value)
            else:
                if found is _UNREAD:
                    found = seen[value] = _key(value)
            keyed.append(found)
        columns[name] = keyed


_UNREAD = object()


def _groups(columns: Columns, count: int, *keys: str) -> dict[tuple[Any, ...], list[int]]:
    groups: dict[tuple[Any, ...], list[int]] = {}
    key_columns = [columns.get(key, [None] * count) for key in keys]
    for row in range(count):
        groups.setdefault(tuple(column[row] for column in key_columns), []).append(row)
    return groups


def _measure(reader: _Reader, table: Columns, row: int, extra: dict[str, Any]) -> Any:
    def cell(column: str, read: Callable[[Any], Any], *, required: bool = False) -> Any:
        return reader.cell("key_results", table, row, column, read, required=required)

    kind_text = cell("kind", _text, required=True)
    if kind_text is None:
        return None
    try:
        kind = KeyResultKind(kind_text.lower())
    except ValueError:
        known = ", ".join(k.value for k in KeyResultKind)
        reader.add(
            "key_results", row, "kind", f"expected one of {known}, got {describe(kind_text)}"
        )
        return None
    if kind is KeyResultKind.METRIC:
        start, target = (
            cell("start", _number, required=True),
            cell("target", _number, required=True),
        )
        if start is None or target is None:
            return None
        return Metric(start, target, unit=cell("unit", _text), plan=extra.get("plan", ()))
    if kind is KeyResultKind.BINARY:
        done = cell("done", _bool)
        return Binary(bool(done))
    if kind is KeyResultKind.THRESHOLD:
        line = cell("threshold", _number, required=True)
        above, inclusive = cell("above", _bool), cell("inclusive", _bool)
        if line is None:
            return None
        return Threshold(line, above=True if above is None else above, inclusive=bool(inclusive))
    if kind is KeyResultKind.MILESTONES:
        if "milestones" in extra and extra["milestones"] is None:
            return None  # its rows' problems are reported
        steps = extra.get("milestones")
        if not steps:
            reader.add(
                "key_results", row, "kind", "a milestones key result needs rows in milestones"
            )
            return None
        return Milestones(steps)
    if kind is KeyResultKind.ZONED:
        baseline = cell("baseline", _number, required=True)
        stretch = cell("stretch", _number, required=True)
        if baseline is None or stretch is None:
            return None
        return Zoned(
            baseline,
            stretch,
            commit=cell("commit", _number),
            target=cell("target", _number),
            unit=cell("unit", _text),
        )
    return Ordinal(
        cell("commit_text", _text), cell("target_text", _text), cell("stretch_text", _text)
    )


def _clean_check_ins(table: Columns) -> dict[str, list[Any]]:
    """The check-in columns that need no cell-by-cell reading: finite floats, plain days.

    Checked once per table with loops that run in C; the common case of a frame with
    typed columns then skips the per-cell reader.
    """
    values, days = table.get("value"), table.get("at")
    clean = {}
    if values is not None and set(map(type, values)) <= {float} and all(map(math.isfinite, values)):
        clean["value"] = values
    if days is not None and set(map(type, days)) <= {date} and _all_plausible(days):
        clean["at"] = days
    return clean


def _all_plausible(days: list[date]) -> bool:
    return not days or (min(days) >= EARLIEST and max(days) <= LATEST)


def _check_ins_of(
    reader: _Reader,
    table: Columns,
    rows: list[int],
    key_result_id: str,
    measure: Any,
    clean: Mapping[str, list[Any]],
) -> CheckIns | None:
    def cell(row: int, column: str, read: Callable[[Any], Any], required: bool = False) -> Any:
        return reader.cell("check_ins", table, row, column, read, required=required)

    before = len(reader.problems)
    plain_values, plain_days = clean.get("value"), clean.get("at")
    if plain_values is not None:
        values = [plain_values[row] for row in rows]
    else:
        read = _check_in_reader(measure)
        values = [cell(row, "value", read, True) for row in rows]
    if plain_days is not None:
        moments = [plain_days[row] for row in rows]
    else:
        moments = [cell(row, "at", _moment, True) for row in rows]
    confidences = (
        [cell(row, "confidence", _confidence) for row in rows] if "confidence" in table else None
    )
    notes = [cell(row, "note", _text) or "" for row in rows] if "note" in table else None
    if len(reader.problems) > before:
        return None
    if isinstance(measure, Binary):
        values = [bool(value) if value in (0, 1) else value for value in values]
    try:
        return CheckIns.from_columns(
            values, moments, confidences=confidences, notes=notes, owner=key_result_id
        )
    except ValidationError as error:
        for problem in error.problems:
            found = re.search(r"\[(\d+)\]", problem.path)
            row = (
                rows[int(found.group(1))] if found and int(found.group(1)) < len(rows) else rows[0]
            )
            reader.add("check_ins", row, _column_of(problem.path, "check_ins"), problem.message)
        return None


def _objective_links(
    reader: _Reader, tables: Mapping[str, tuple[Columns, int]], ids: set[str]
) -> None:
    # Rows that point at a missing objective are reported once each.
    for table in ("key_results", "check_ins", "milestones", "plans", "initiatives"):
        columns, count = tables[table]
        owners = columns.get("objective_id", [None] * count)
        for row in range(count):
            if not _is_null(owners[row]) and str(owners[row]) not in ids:
                reader.add(
                    table, row, "objective_id", f"no objective has the id {describe(owners[row])}"
                )


def _read_key_results(
    reader: _Reader, tables: Mapping[str, tuple[Columns, int]]
) -> dict[str, list[KeyResult]]:
    table, count = tables["key_results"]
    steps = _groups(*tables["milestones"], "objective_id", "key_result_id")
    plans = _groups(*tables["plans"], "objective_id", "key_result_id")
    check_ins = _groups(*tables["check_ins"], "objective_id", "key_result_id")
    clean = _clean_check_ins(tables["check_ins"][0])
    owner_cells = table.get("objective_id", [None] * count)
    id_cells = table.get("id", [None] * count)
    known: set[tuple[Any, Any]] = set()
    by_objective: dict[str, list[KeyResult]] = {}
    for row in range(count):
        objective_id = reader.cell("key_results", table, row, "objective_id", _text, required=True)
        key_result_id = reader.cell("key_results", table, row, "id", _text, required=True)
        title = reader.cell("key_results", table, row, "title", _text, required=True)
        raw_key = (
            owner_cells[row],
            id_cells[row],
        )
        known.add(raw_key)
        extra: dict[str, Any] = {}
        milestone_rows = steps.get(raw_key, [])
        if milestone_rows:
            columns = tables["milestones"][0]
            extra["milestones"] = _milestones(reader, columns, milestone_rows)
        plan_rows = plans.get(raw_key, [])
        if plan_rows:
            columns = tables["plans"][0]
            points = [
                (
                    reader.cell("plans", columns, r, "at", _day, required=True),
                    reader.cell("plans", columns, r, "value", _number, required=True),
                )
                for r in plan_rows
            ]
            extra["plan"] = [
                PlannedValue(at, value) for at, value in points if at and value is not None
            ]
        try:
            measure = _measure(reader, table, row, extra)
        except ValidationError as error:
            reader.error("key_results", row, error)
            measure = None
        _misplaced(reader, measure, "milestones", milestone_rows, Milestones)
        _misplaced(reader, measure, "plans", plan_rows, Metric)
        weight = reader.cell("key_results", table, row, "weight", _number)
        owner = reader.cell("key_results", table, row, "owner", _text)
        source = reader.cell("key_results", table, row, "source_kpi", _text)
        history = None
        if measure is not None and key_result_id is not None:
            history = _check_ins_of(
                reader,
                tables["check_ins"][0],
                check_ins.get(raw_key, []),
                key_result_id,
                measure,
                clean,
            )
        if measure is None or title is None or key_result_id is None or history is None:
            continue
        if objective_id is None:
            continue
        try:
            key_result = KeyResult(
                title,
                measure,
                weight=1.0 if weight is None else weight,
                id=key_result_id,
                check_ins=history,
                owner=owner,
                source_kpi=source,
            )
        except ValidationError as error:
            _key_result_error(reader, error, row, check_ins.get(raw_key, []))
            continue
        by_objective.setdefault(objective_id, []).append(key_result)
    for table_name, groups in (("check_ins", check_ins), ("milestones", steps), ("plans", plans)):
        for raw_key, rows in groups.items():
            if raw_key in known:
                continue
            objective_id, key_result_id = raw_key
            for row in rows:
                if objective_id is None or key_result_id is None:  # a row linked to nothing
                    for column, cell in zip(
                        ("objective_id", "key_result_id"), raw_key, strict=True
                    ):
                        if cell is None:
                            reader.add(table_name, row, column, "a value is required")
                    continue
                where = f"in objective {describe(objective_id)}"
                missing = f"no key result {describe(key_result_id)} {where}"
                reader.add(table_name, row, "key_result_id", missing)
    return by_objective


def _misplaced(reader: _Reader, measure: Any, table: str, rows: list[int], kind: type) -> None:
    # Steps for a metric, or a plan for milestones: rows the key result cannot use.
    if measure is None or isinstance(measure, kind):
        return
    for row in rows:
        reader.add(table, row, "key_result_id", f"a {measure.kind.value} key result has no {table}")


def _milestones(reader: _Reader, columns: Columns, rows: list[int]) -> list[Milestone] | None:
    """The steps in `rows`, or None when a cell is bad (each problem is reported)."""
    before = len(reader.problems)
    steps = []
    for row in rows:
        name = reader.cell("milestones", columns, row, "name", _text, required=True)
        weight = reader.cell("milestones", columns, row, "weight", _number)
        if name is None:
            continue
        try:
            steps.append(Milestone(name, 1.0 if weight is None else weight))
        except ValidationError as error:
            reader.error("milestones", row, error)
    return steps if len(reader.problems) == before else None


def _key_result_error(
    reader: _Reader, error: ValidationError, row: int, check_in_rows: list[int]
) -> None:
    for problem in error.problems:
        found = re.search(r"check_ins\[(\d+)\]", problem.path)
        if found and int(found.group(1)) < len(check_in_rows):
            reader.add("check_ins", check_in_rows[int(found.group(1))], "value", problem.message)
        else:
            reader.add("key_results", row, _column_of(problem.path, "key_results"), problem.message)


def _read_initiatives(reader: _Reader, columns: Columns, count: int) -> dict[str, list[Initiative]]:
    by_objective: dict[str, list[Initiative]] = {}
    for row in range(count):
        cell = _Cells(reader, "initiatives", columns, row)
        objective_id = cell("objective_id", _text, True)
        fields = {
            "id": cell("id", _text, True),
            "owner": cell("owner", _text),
            "progress": cell("progress", _number),
            "start": cell("start", _day),
            "end": cell("end", _day),
        }
        title = cell("title", _text, True)
        status = cell("status", _text)
        links = cell("key_result_ids", _text)
        if objective_id is None or title is None or fields["id"] is None:
            continue
        if status is not None:
            fields["status"] = status.lower()
        if links:
            fields["key_result_ids"] = [link.strip() for link in links.split(";") if link.strip()]
        try:
            initiative = Initiative(title, **fields)
        except ValidationError as error:
            reader.error("initiatives", row, error)
            continue
        by_objective.setdefault(objective_id, []).append(initiative)
    return by_objective


def _read_objectives(
    reader: _Reader,
    tables: Mapping[str, tuple[Columns, int]],
    key_results: Mapping[str, list[KeyResult]],
    initiatives: Mapping[str, list[Initiative]],
) -> list[Objective]:
    columns, count = tables["objectives"]
    built = []
    first_row: dict[str, int] = {}
    for row in range(count):
        cell = _Cells(reader, "objectives", columns, row)
        objective_id, title = cell("id", _text, True), cell("title", _text, True)
        if objective_id is not None and _repeated(
            reader, "objectives", "id", objective_id, row, first_row
        ):
            continue
        fields: dict[str, Any] = {name: cell(name, _text) for name in _OPTIONAL_TEXT}
        for name, kind in (("commitment", Commitment), ("level", Level)):
            member = cell(name, _member(kind))
            if member is not None:
                fields[name] = member
        weight = cell("alignment_weight", _number)
        if weight is not None:
            fields["alignment_weight"] = weight
        fields["closed_on"] = cell("closed_on", _day)
        fields["cycle"] = _cycle(reader, "objectives", columns, row, "cycle")
        if objective_id is None or title is None:
            continue
        try:
            built.append(
                Objective(
                    title,
                    key_results.get(objective_id, ()),
                    id=objective_id,
                    initiatives=initiatives.get(objective_id, ()),
                    **fields,
                )
            )
        except ValidationError as error:
            reader.error("objectives", row, error)
    return built


def _repeated(
    reader: _Reader, table: str, column: str, key: str, row: int, first_row: dict[str, int]
) -> bool:
    """Whether `key` was in an earlier row (reported: rows would merge under one id)."""
    if key in first_row:
        reader.add(table, row, column, f"{describe(key)} is already row {first_row[key]}'s")
        return True
    first_row[key] = row
    return False


def _read_kpis(reader: _Reader, tables: Mapping[str, tuple[Columns, int]]) -> list[KPI]:
    columns, count = tables["kpis"]
    measured = _groups(*tables["measurements"], "kpi")
    names: set[Any] = set()
    built = []
    name_cells = columns.get("name", [None] * count)
    first_row: dict[str, int] = {}
    for row in range(count):
        cell = _Cells(reader, "kpis", columns, row)
        name = cell("name", _text, True)
        if name is not None and _repeated(reader, "kpis", "name", name, row, first_row):
            continue
        if name_cells[row] is not None:
            names.add(name_cells[row])
        target: Any = cell("target", _number)
        low, high = cell("target_low", _number), cell("target_high", _number)
        if low is not None or high is not None:
            target = (low, high)
        fields: dict[str, Any] = {
            "higher_is_better": cell("higher_is_better", _bool),
            "warning": cell("warning", _number),
            "unit": cell("unit", _text),
            "data_source": cell("data_source", _text),
            "frequency": cell("frequency", _text),
            "indicator": cell("indicator", _text),
            "owner": cell("owner", _text),
        }
        if fields["higher_is_better"] is None:
            del fields["higher_is_better"]
        fields["timeframe"] = _cycle(reader, "kpis", columns, row, "timeframe")
        measurement_rows = measured.get((name_cells[row],), [])
        values = _measurements(reader, tables["measurements"][0], measurement_rows)
        if name is None or values is None:
            continue
        try:
            built.append(KPI(name, target=target, measurements=values, **fields))
        except (ValidationError, TypeError) as error:
            if isinstance(error, ValidationError):
                reader.error("kpis", row, error)
            else:
                reader.add("kpis", row, "target", "expected both target_low and target_high")
    for raw, rows in measured.items():
        if raw[0] not in names:
            problem = (
                "a value is required" if raw[0] is None else f"no KPI is named {describe(raw[0])}"
            )
            for row in rows:
                reader.add("measurements", row, "kpi", problem)
    return built


def _measurements(reader: _Reader, columns: Columns, rows: list[int]) -> list[Measurement] | None:
    items = []
    ok = True
    for row in rows:
        value = reader.cell("measurements", columns, row, "value", _number, required=True)
        at = reader.cell("measurements", columns, row, "at", _moment, required=True)
        note = reader.cell("measurements", columns, row, "note", _text) or ""
        if value is None or at is None:
            ok = False
            continue
        try:
            items.append(Measurement(value, at, note))
        except ValidationError as error:
            reader.error("measurements", row, error)
            ok = False
    return items if ok else None


def from_frames(
    *,
    objectives: Any = (),
    key_results: Any = (),
    check_ins: Any = (),
    milestones: Any = (),
    plans: Any = (),
    initiatives: Any = (),
    kpis: Any = (),
    measurements: Any = (),
    columns: Mapping[str, Mapping[str, str]] | None = None,
) -> Document:
    """A `Document` from one table per concept.

    Each argument is a data frame narwhals supports (pandas, polars, pyarrow, ...) or a
    sequence of mappings (CSV rows, records). `TABLES` documents every column; columns
    not listed are ignored, missing optional ones take their defaults, and empty cells
    (None, NaN, NaT, "") mean "not set".

    Args:
        objectives: One row per objective.
        key_results: One row per key result, linked by `objective_id`.
        check_ins: One row per check-in, linked by `objective_id` and `key_result_id`.
        milestones: The steps of milestones key results, in order.
        plans: The planned values of metric key results.
        initiatives: One row per initiative, linked by `objective_id`.
        kpis: One row per KPI.
        measurements: One row per measurement, linked by the KPI's `name` (column `kpi`).
        columns: Renames per table, the user's column name to ours, e.g.
            `{"key_results": {"Key Result": "title"}}`, so another tool's export maps in
            without editing it.

    Raises:
        ValidationError: Every bad cell, missing column and dangling link at once (up to
            `MAX_PROBLEMS`), each named like `check_ins[row 1042].value`.
        MissingExtraError: A data frame was given without narwhals installed.
    """
    given = {
        "objectives": objectives,
        "key_results": key_results,
        "check_ins": check_ins,
        "milestones": milestones,
        "plans": plans,
        "initiatives": initiatives,
        "kpis": kpis,
        "measurements": measurements,
    }
    renames = _renames(columns)
    reader = _Reader()
    tables = {}
    for name, data in given.items():
        cells, count = _as_columns(name, data, renames.get(name, {}))
        if not _required(name, cells, count, reader):
            cells, count = {}, 0
        _keys_as_text(name, cells)
        tables[name] = (cells, count)
    if reader.problems:
        raise ValidationError(*reader.problems)
    ids = {str(cell) for cell in tables["objectives"][0].get("id", []) if not _is_null(cell)}
    _objective_links(reader, tables, ids)
    by_objective = _read_key_results(reader, tables)
    initiatives_of = _read_initiatives(reader, *tables["initiatives"])
    built = _read_objectives(reader, tables, by_objective, initiatives_of)
    kpis_built = _read_kpis(reader, tables)
    if reader.problems:
        problems = reader.problems
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            problems = [*problems[:MAX_PROBLEMS], Problem("$", f"... and {more:,} more problems")]
        raise ValidationError(*problems)
    return Document(tuple(built), tuple(kpis_built))


def from_rows(tables: Mapping[str, Iterable[Mapping[str, Any]]], **options: Any) -> Document:
    """`from_frames` for rows keyed by table name, e.g. CSV files read into dicts."""
    if not isinstance(tables, Mapping):
        raise ValidationError.field("from_rows.tables", tables, "a mapping of table name -> rows")
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise ValidationError.field(
            "from_rows.tables", unknown, f"tables among {', '.join(TABLES)}"
        )
    given: dict[str, Any] = {}
    for name, rows in tables.items():
        if isinstance(rows, Mapping | str | bytes) or not isinstance(rows, Iterable):
            raise ValidationError.field(f"from_rows.tables[{name!r}]", rows, "a sequence of rows")
        given[name] = list(rows)
    return from_frames(**given, **options)


def _renames(columns: Mapping[str, Mapping[str, str]] | None) -> dict[str, dict[str, str]]:
    if columns is None:
        return {}
    if not isinstance(columns, Mapping):
        raise ValidationError.field("from_frames.columns", columns, "a mapping table -> renames")
    renames = {}
    for table, mapping in columns.items():
        if table not in TABLES:
            raise ValidationError.field("from_frames.columns", table, f"one of {', '.join(TABLES)}")
        if not isinstance(mapping, Mapping):
            raise ValidationError.field(f"from_frames.columns[{table!r}]", mapping, "a mapping")
        for ours in mapping.values():
            if ours not in TABLES[table]:
                raise ValidationError.field(
                    f"from_frames.columns[{table!r}]", ours, f"a column of {table}"
                )
        targets = list(mapping.values())
        twice = sorted({ours for ours in targets if targets.count(ours) > 1})
        if twice:
            raise ValidationError.field(
                f"from_frames.columns[{table!r}]", twice, "each of our columns named once"
            )
        renames[table] = dict(mapping)
    return renames


# -- writing tables -------------------------------------------------------------------------


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def to_rows(document: Document) -> dict[str, list[dict[str, Any]]]:
    """Every table of `document` as plain rows (lists of dicts), the layout of `TABLES`.

    Dates stay `date` objects; a check-in column mixing days and date-times writes
    ISO strings, which read back the same.
    """
    if not isinstance(document, Document):
        raise ValidationError.field("to_rows.document", document, "an okrkpi.serde.Document")
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for objective in document.objectives:
        rows["objectives"].append(_objective_row(objective))
        for key_result in objective.key_results:
            rows["key_results"].append(_key_result_row(objective.id, key_result))
            measure = key_result.measure
            if isinstance(measure, Milestones):
                rows["milestones"].extend(
                    {
                        "objective_id": objective.id,
                        "key_result_id": key_result.id,
                        "name": step.name,
                        "weight": step.weight,
                    }
                    for step in measure.milestones
                )
            if isinstance(measure, Metric):
                rows["plans"].extend(
                    {
                        "objective_id": objective.id,
                        "key_result_id": key_result.id,
                        "at": point.at,
                        "value": point.value,
                    }
                    for point in measure.plan
                )
            rows["check_ins"].extend(
                {
                    "objective_id": objective.id,
                    "key_result_id": key_result.id,
                    "at": entry.at,
                    "value": float(entry.value),
                    "confidence": None if entry.confidence is None else entry.confidence.value,
                    "note": entry.note,
                }
                for entry in key_result.check_ins
            )
        rows["initiatives"].extend(
            {
                "objective_id": objective.id,
                "id": item.id,
                "title": item.title,
                "owner": item.owner,
                "status": item.status.value,
                "progress": item.progress,
                "start": item.start,
                "end": item.end,
                "key_result_ids": ";".join(item.key_result_ids),
            }
            for item in objective.initiatives
        )
    for kpi in document.kpis:
        rows["kpis"].append(_kpi_row(kpi))
        rows["measurements"].extend(
            {"kpi": kpi.name, "at": item.at, "value": item.value, "note": item.note}
            for item in kpi.measurements
        )
    for table in ("check_ins", "measurements"):
        moments = {type(row["at"]) for row in rows[table]}
        if datetime in moments and date in moments:
            for row in rows[table]:
                row["at"] = _iso(row["at"])
    return rows


def _objective_row(objective: Objective) -> dict[str, Any]:
    cycle = objective.cycle
    return {
        "id": objective.id,
        "title": objective.title,
        "commitment": objective.commitment.value,
        "parent_id": objective.parent_id,
        "parent_key_result_id": objective.parent_key_result_id,
        "owner": objective.owner,
        "level": objective.level.value,
        **_cycle_cells("cycle", cycle),
        "alignment_weight": objective.alignment_weight,
        "carried_over_from": objective.carried_over_from,
        "closed_on": objective.closed_on,
    }


def _cycle_cells(prefix: str, cycle: Cycle | None) -> dict[str, Any]:
    return {
        prefix: None if cycle is None else cycle.name,
        f"{prefix}_start": None if cycle is None else cycle.start,
        f"{prefix}_end": None if cycle is None else cycle.end,
        f"{prefix}_kind": None if cycle is None else cycle.kind.value,
        f"{prefix}_fiscal_start_month": None if cycle is None else cycle.fiscal_start_month,
    }


def _key_result_row(objective_id: str, key_result: KeyResult) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(TABLES["key_results"])
    row.update(
        {
            "objective_id": objective_id,
            "id": key_result.id,
            "title": key_result.title,
            "kind": key_result.kind.value,
            "weight": key_result.weight,
            "owner": key_result.owner,
            "source_kpi": key_result.source_kpi,
        }
    )
    measure = key_result.measure
    if isinstance(measure, Metric):
        row.update(start=measure.start, target=measure.target, unit=measure.unit)
    elif isinstance(measure, Binary):
        row["done"] = measure.done
    elif isinstance(measure, Threshold):
        row.update(threshold=measure.threshold, above=measure.above, inclusive=measure.inclusive)
    elif isinstance(measure, Zoned):
        row.update(
            baseline=measure.baseline,
            stretch=measure.stretch,
            commit=measure.commit,
            target=measure.target,
            unit=measure.unit,
        )
    elif isinstance(measure, Ordinal):
        row.update(
            commit_text=measure.commit, target_text=measure.target, stretch_text=measure.stretch
        )
    return row


def _kpi_row(kpi: KPI) -> dict[str, Any]:
    target = kpi.target
    frequency = to_dict(kpi)["frequency"]
    return {
        "name": kpi.name,
        "target": target if not isinstance(target, TargetRange) else None,
        "target_low": target.low if isinstance(target, TargetRange) else None,
        "target_high": target.high if isinstance(target, TargetRange) else None,
        "higher_is_better": kpi.higher_is_better,
        "warning": kpi.warning,
        "unit": kpi.unit,
        **_cycle_cells("timeframe", kpi.timeframe),
        "data_source": kpi.data_source,
        "frequency": frequency,
        "indicator": None if kpi.indicator is None else kpi.indicator.value,
        "owner": kpi.owner,
    }


def _frame(rows: Sequence[Mapping[str, Any]], names: Iterable[str], backend: Backend) -> Any:
    nw = _narwhals()
    if backend not in ("pandas", "polars", "pyarrow"):
        raise ValidationError.field("backend", backend, "'pandas', 'polars' or 'pyarrow'")
    data = {name: [row.get(name) for row in rows] for name in names}
    try:
        return nw.from_dict(data, backend=backend).to_native()
    except ModuleNotFoundError as missing:
        raise MissingExtraError(f"The {backend} backend", backend, backend) from missing


def to_frames(document: Document, *, backend: Backend = "pandas") -> dict[str, Any]:
    """One frame per table of `document` (the layout of `TABLES`), of the chosen backend.

    `from_frames(**to_frames(document))` gives back an equal document.

    Raises:
        MissingExtraError: narwhals or the backend is not installed.
    """
    rows = to_rows(document)
    return {name: _frame(rows[name], TABLES[name], backend) for name in TABLES}


# -- scores and KPI health as frames --------------------------------------------------------


def _dates(as_of: date | Iterable[date], caller: str = "scores_frame") -> list[date]:
    if isinstance(as_of, date):
        check_moment(f"{caller}.as_of", as_of, "a date or a sequence of dates")
        return [as_of]
    if isinstance(as_of, str | bytes) or not isinstance(as_of, Iterable):
        raise ValidationError.field(f"{caller}.as_of", as_of, "a date or a sequence of dates")
    days = list(as_of)
    for position, day in enumerate(days):
        check_moment(f"{caller}.as_of[{position}]", day, "a date")
    return days


def _sequence(caller: str, name: str, items: Any) -> list[Any]:
    if isinstance(items, Mapping | str | bytes) or not isinstance(items, Iterable):
        raise ValidationError.field(f"{caller}.{name}", items, f"a sequence of {name}")
    return list(items)


def score_rows(
    tree: AlignmentTree,
    as_of: date | Iterable[date],
    *,
    key_results: bool = False,
    policy: ScoringPolicy | None = None,
) -> list[dict[str, Any]]:
    """The rows of `scores_frame`, as plain dicts."""
    if not isinstance(tree, AlignmentTree):
        raise ValidationError.field("scores_frame.tree", tree, "an AlignmentTree")
    rows = []
    for day in _dates(as_of):
        scores = tree.score(day, policy=policy)
        chosen = scores.policy
        # Numbers only: explaining every objective on every date would cost more than
        # scoring the whole tree.
        statuses = {} if key_results else tree_statuses(tree, scores, day)
        for objective in tree:
            cycle = objective.cycle
            base = {"as_of": day, "objective_id": objective.id, "objective": objective.title}
            if not key_results:
                value = scores.value(objective.id)
                state = statuses.get(objective.id)
                rows.append(
                    {
                        **base,
                        "owner": objective.owner,
                        "cycle": None if cycle is None else cycle.name,
                        "progress": scores.progress(objective.id),
                        "value": value,
                        "grade": chosen.grader.grade(value, objective.commitment).value,
                        "status": None if state is None else state.value,
                        "met": chosen.grader.is_met(value, objective.commitment),
                    }
                )
                continue
            judged = judged_as_of(day, cycle, chosen.day_of)
            for key_result in objective.key_results:
                part = score_key_result(key_result, judged, chosen, objective.commitment)
                latest = key_result.check_ins.latest_value(judged, day_of=chosen.day_of)
                rows.append(
                    {
                        **base,
                        "key_result_id": key_result.id,
                        "key_result": key_result.title,
                        "current": None if latest is None else float(latest),
                        "progress": part.progress,
                        "value": part.value,
                        "grade": part.grade.value,
                        "status": None
                        if cycle is None
                        else key_result_status(key_result, part, cycle, day, chosen).value,
                        "met": part.met,
                    }
                )
    return rows


_SCORE_COLUMNS = (
    "as_of",
    "objective_id",
    "objective",
    "owner",
    "cycle",
    "progress",
    "value",
    "grade",
    "status",
    "met",
)
_KR_SCORE_COLUMNS = (
    "as_of",
    "objective_id",
    "objective",
    "key_result_id",
    "key_result",
    "current",
    "progress",
    "value",
    "grade",
    "status",
    "met",
)


def scores_frame(
    tree: AlignmentTree,
    as_of: date | Iterable[date],
    *,
    backend: Backend = "pandas",
    key_results: bool = False,
    policy: ScoringPolicy | None = None,
) -> Any:
    """Scores as a frame: one row per (objective, date), or per key result with `key_results`.

    Columns: as_of, objective_id, objective, owner, cycle, progress, value, grade,
    status, met (per key result: key_result_id, key_result, current instead of owner
    and cycle). One date or a sequence of dates: the time series behind charts and
    "compare to past".

    Raises:
        MissingExtraError: narwhals or the backend is not installed.
    """
    rows = score_rows(tree, as_of, key_results=key_results, policy=policy)
    return _frame(rows, _KR_SCORE_COLUMNS if key_results else _SCORE_COLUMNS, backend)


def kpi_frame(
    kpis: Iterable[KPI], as_of: date | Iterable[date], *, backend: Backend = "pandas"
) -> Any:
    """KPI health as a frame: one row per (KPI, date).

    Columns: as_of, kpi, value (the latest measurement), health, reason, overdue, unit.
    """
    rows = []
    items = _sequence("kpi_frame", "kpis", kpis)
    for position, kpi in enumerate(items):
        if not isinstance(kpi, KPI):
            raise ValidationError.field(f"kpi_frame.kpis[{position}]", kpi, "a KPI")
    for day in _dates(as_of, "kpi_frame"):
        for kpi in items:
            report = kpi.health_report(day)
            rows.append(
                {
                    "as_of": day,
                    "kpi": kpi.name,
                    "value": report.value,
                    "health": report.health.value,
                    "reason": report.reason,
                    "overdue": kpi.is_overdue(day),
                    "unit": kpi.unit,
                }
            )
    columns = ("as_of", "kpi", "value", "health", "reason", "overdue", "unit")
    return _frame(rows, columns, backend)


def records_frame(records: Iterable[Mapping[str, Any]], *, backend: Backend = "pandas") -> Any:
    """Any of okrkpi's records as a frame, e.g. `scorecard(...).to_records()`.

    Columns are the records' keys, in the order they first appear.
    """
    rows = _sequence("records_frame", "records", records)
    names: dict[str, None] = {}
    for position, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise ValidationError.field(f"records_frame.records[{position}]", row, "a mapping")
        names.update(dict.fromkeys(row))
    return _frame(rows, names, backend)
