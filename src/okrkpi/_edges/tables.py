"""Tables in and out: whole organisations from data frames (or rows), and back.

One tidy table per concept, linked by ids: objectives, alignments, key_results, check_ins,
milestones, plans, initiatives, kpis, measurements (`TABLES` lists every column). An
objective's one parent is the objectives table's `parent_id`; an objective with several
has one alignments row per parent. Frames of any kind
narwhals supports (pandas, polars, pyarrow...) are read through narwhals; plain sequences
of mappings (CSV rows, JSON records, SQL rows) need nothing. Every bad cell is reported
at once with its table, row and column, and nothing is built then. Nothing is read
silently past: a column okrkpi does not know is an error unless the caller says how to
treat it (`extra_columns=`).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import enum
import functools
import itertools
import math
import operator
import os
import re
import unicodedata
import warnings
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeVar, cast

import attrs

from okrkpi._alignment.tree import AlignmentTree
from okrkpi._edges._cells import ChunkedText, NumberText, SharedCells, writes_a_number
from okrkpi._edges._collector import collector_paused
from okrkpi._edges.display import tree_statuses
from okrkpi._edges.serde import MAX_PROBLEMS, Document, to_dict
from okrkpi._errors import (
    MissingExtraError,
    OkrKpiError,
    Problem,
    UnknownColumnsWarning,
    ValidationError,
    describe,
)
from okrkpi._model._checks import EARLIEST, LATEST, check_moment, enum_member, is_number
from okrkpi._model.confidence import ConfidenceRating
from okrkpi._model.confidence_scale import ConfidenceScale
from okrkpi._model.cycle import Cycle, CycleKind
from okrkpi._model.history import CheckIns, Measurement, history_order
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
from okrkpi._model.moments import DayOf, Moment, day_of, day_rule
from okrkpi._model.objective import Commitment, Level, Objective
from okrkpi._model.plan import PlannedValue
from okrkpi._model.zones import Zone
from okrkpi._scoring.engine import (
    judged_as_of,
    key_result_status,
    score_key_result,
)
from okrkpi._scoring.policy import ScoringPolicy
from okrkpi._scoring.registry import _first_frame_outside_okrkpi as first_frame_outside_okrkpi

__all__ = [
    "TABLES",
    "Backend",
    "ExtraColumns",
    "LinkBy",
    "excel_escaped",
    "excel_unescaped",
    "from_frames",
    "from_rows",
    "kpi_frame",
    "read_csv",
    "records_frame",
    "score_rows",
    "scores_frame",
    "to_csv",
    "to_frames",
    "to_rows",
]

Backend = Literal["pandas", "polars", "pyarrow"]
T = TypeVar("T")

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
        "alignments": MappingProxyType(
            {
                "objective_id": "* text: an objective with several parents (or any)",
                "parent_id": "* text: one objective it aligns to",
                "weight": "number >= 0 (default 1): its weight in that parent's roll-up",
                "parent_key_result_id": "text: that parent's key result it drives",
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
                "confidence": "0..10, 'low' / 'medium' / 'high', '0.5/10', or confidence_scale's",
                "note": "text",
                "id": "text: the check-in's id; two rows with one id are refused as duplicates",
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
    """A cell that cannot be read: what was expected, and a hint at what was meant."""

    def __init__(self, expected: str, hint: str | None = None) -> None:
        super().__init__(expected)
        self.hint = hint


# -- reading cells ------------------------------------------------------------------------


def _is_null(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Decimal):
        # A quiet NaN is a missing number, as float NaN is; a signalling one is no value
        # a frame library writes for "missing", so it is read (and refused) as a value.
        return value.is_qnan()
    if value.__class__.__name__ == "NAType":  # pandas' NA: even its comparisons are NA
        return True
    # pandas' NaT, numpy's NaN: objects that are not equal to themselves.
    try:
        return bool(value != value)
    except (TypeError, ValueError, ArithmeticError):
        return False


def _text(value: Any) -> str:
    """An id, link, name or keyword cell: stripped, as `" o1"` in a CSV file means `"o1"`."""
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


def _written(value: Any) -> str:
    """A free-text cell (a title, owner, note, unit): as written, spaces and all.

    Text is data: a title that starts with a space reads back as it was written.
    """
    return value if isinstance(value, str) else _text(value)


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
    if is_number(value):
        try:
            number = float(value)
        except (OverflowError, ValueError):  # e.g. a signalling NaN, which cannot compare
            raise _BadCellError("true or false") from None
        if number in (0.0, 1.0):
            return bool(number)
    raise _BadCellError("true or false")


def _any_moment(value: Any) -> Moment:
    """A date or date-time cell as the model's moment.

    A frame's timestamp at midnight without a zone is a day: frame libraries store days
    that way. Text says what it means: `2026-07-01` is a day, `2026-07-01T00:00` a
    date-time at midnight.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None and value.time() == datetime.min.time():
            return date(value.year, value.month, value.day)
        return datetime.fromisoformat(value.isoformat())  # a plain datetime, not a Timestamp
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return (
                datetime.fromisoformat(text)
                if "T" in text or " " in text
                else date.fromisoformat(text)
            )
        except ValueError:
            raise _BadCellError("an ISO date like '2026-07-01'") from None
    raise _BadCellError("a date or date-time")


# strftime directives that carry a time of day or a zone: a format without them reads days.
_TIME_DIRECTIVES = re.compile(r"%[-#]?[HIMSfpzZXcT]")


def _formatted_moment(date_format: str) -> Callable[[Any], Moment]:
    """A reader of text cells written in `date_format` (strptime's directives)."""
    with_time = _TIME_DIRECTIVES.search(date_format) is not None
    example = datetime(2026, 7, 31, 14, 30).strftime(date_format)

    def read(value: Any) -> Moment:
        if not isinstance(value, str):
            return _any_moment(value)
        try:
            moment = datetime.strptime(value.strip(), date_format)
        except ValueError:
            raise _BadCellError(f"a date like {example!r} (date_format {date_format!r})") from None
        return moment if with_time else moment.date()

    return read


def _plausible(moment: Moment) -> Moment:
    if not EARLIEST <= day_of(moment) <= LATEST:
        raise _BadCellError(f"a date between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    return moment


@functools.cache
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


def _day_of(moment: Callable[[Any], Moment]) -> Callable[[Any], date]:
    """A reader of days: `moment`'s reading, refusing a time of day."""

    def read(value: Any) -> date:
        found = moment(value)
        if isinstance(found, datetime):
            raise _BadCellError("a date without a time")
        return found

    return read


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
        return _binary_value
    return _number


def _binary_value(value: Any) -> bool:
    """A binary key result's check-in: worded as the model words a value it refuses."""
    try:
        return _bool(value)
    except _BadCellError:
        raise _BadCellError("True/False (or 1/0) for a binary key result") from None


# A rating written out in full, as `str(ConfidenceRating(0.5))` shows it: "0.5/10".
_OUT_OF_TEN = re.compile(r"\s*(?P<rating>[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)\s*/\s*10\s*")


def _confidence_reader(scale: ConfidenceScale | None) -> Callable[[Any], ConfidenceRating]:
    """How a confidence cell reads: okrkpi's 0..10 ratings, or `scale`'s values.

    Without a scale a number is a rating from 0 to 10 and a number between 0 and 1 is
    refused, as `CheckIn` refuses it (it is almost always a probability); the labels low,
    medium and high read as `ConfidenceRating.from_label` reads them. With a scale, its
    labels or numbers read through `scale.rating`. '0.5/10' is a rating either way.
    """

    def read(value: Any) -> ConfidenceRating:
        try:
            return _confidence(scale, value)
        except _BadCellError as bad:
            bad.hint = _confidence_hint(scale, value)
            raise

    return _sharing(read)


def _confidence(scale: ConfidenceScale | None, value: Any) -> ConfidenceRating:
    if isinstance(value, str):
        written = _OUT_OF_TEN.fullmatch(value)
        if written is not None:
            return _rating(float(written["rating"]), "a rating from 0 to 10")
    if scale is not None:
        return _scaled(scale, value)
    if isinstance(value, str) and not _looks_numeric(value):
        try:
            return ConfidenceRating.from_label(value)
        except ValidationError:
            raise _BadCellError(_OKRKPI_RATINGS) from None
    try:
        rating = _number(value)
    except _BadCellError:
        raise _BadCellError(_OKRKPI_RATINGS) from None
    if 0.0 < rating < 1.0:  # almost always a probability: refused, as `CheckIn` refuses it
        raise _BadCellError(_OKRKPI_RATINGS)
    return _rating(rating, _OKRKPI_RATINGS)


# The scales a hint names, as the keyword takes them (the command line turns each into
# its `--confidence-scale` choice): every hint says how to read the column another way.
_PROBABILITY_SCALE = "ConfidenceScale('probability', maximum=1)"
_PERCENT_SCALE = "ConfidenceScale('percent', maximum=100)"
_TEN_POINT_SCALE = "ConfidenceScale.ten_point()"
_LABELLED_SCALES = (
    ("ConfidenceScale.low_medium_high()", ConfidenceScale.low_medium_high()),
    ("ConfidenceScale.traffic_light()", ConfidenceScale.traffic_light()),
    ("ConfidenceScale.named_bands()", ConfidenceScale.named_bands()),
)


def _read_with(scale: str) -> str:
    return f"read the column with confidence_scale={scale}"


def _decimal(number: float, scale: float = 1.0) -> str:
    # Decimal, so 0.7 * 10 shows as 7 and 70 / 100 as 0.7, not 7.000000000000001.
    return format((Decimal(repr(number)) * Decimal(repr(scale))).normalize(), "f")


def _confidence_hint(scale: ConfidenceScale | None, value: Any) -> str | None:
    """What a refused confidence cell was likely meant as, and how to read it so.

    One form throughout: a guess, what to write instead in this scale if anything, and
    the `confidence_scale=` that reads the column as written.
    """
    if isinstance(value, str) and _OUT_OF_TEN.fullmatch(value):
        return None  # '12/10': a rating, out of range
    numeric = scale is not None and scale.maximum is not None
    percent = _PERCENT.fullmatch(value) if isinstance(value, str) else None
    if percent is not None:  # a numeric scale reads any percentage it can
        share = float(percent["percent"])
        if numeric or not 0.0 <= share <= 100.0:
            return None
        instead = ""
        if scale is None:  # a rating from 0 to 10 is the number to write
            instead = f"write {_decimal(share, 0.1)} for {_decimal(share)}%, or "
        return f"a percentage? {instead}{_read_with(_PERCENT_SCALE)}"
    if isinstance(value, str) and not _looks_numeric(value):
        label = value.strip().casefold()
        for words, known in _LABELLED_SCALES:
            if known != scale and label in (name.casefold() for name in known.labels):
                return f"a label of the {known.name} scale? {_read_with(words)}"
        if scale is None or numeric:
            return "labels of another tool? name its scale with confidence_scale="
        return None  # the scale's own labels are listed already
    try:
        number = _number(value)
    except _BadCellError:
        return None
    top = 10.0 if scale is None else scale.maximum  # None: a scale of labels
    shown = _decimal(number)
    if 0.0 < number < 1.0 and (top is None or top > 1.0):
        if top is None:
            return f"a probability? {_read_with(_PROBABILITY_SCALE)}"
        percent_cell = "" if scale is None else f" or '{_decimal(number, 100)}%'"
        rating = f", or write '{shown}/10' for a rating of {shown}" if scale is None else ""
        return (
            f"a probability? write {_decimal(number, top)}{percent_cell} for {shown}, "
            f"or {_read_with(_PROBABILITY_SCALE)}{rating}"
        )
    if top is not None and number <= top:
        return None  # refused for another reason: below 0, say
    if 1.0 <= number <= 10.0 and (top is None or top < 10.0):
        return f"a rating from 0 to 10? {_read_with(_TEN_POINT_SCALE)}"
    if 10.0 < number <= 100.0:
        if top is None:
            instead = ""
        elif scale is None:
            instead = f"write {_decimal(number, 0.1)} for {shown}, or "
        else:
            instead = f"write '{shown}%', or "
        return f"a percentage? {instead}{_read_with(_PERCENT_SCALE)}"
    return None


_OKRKPI_RATINGS = "a rating from 0 to 10, or 'low', 'medium', 'high'"


def _rating(number: float, expected: str) -> ConfidenceRating:
    if not 0.0 <= number <= 10.0:
        raise _BadCellError(expected)
    return ConfidenceRating(number)


_PERCENT = re.compile(r"\s*(?P<percent>[-+]?(\d+\.?\d*|\.\d+))\s*%\s*")


def _scaled(scale: ConfidenceScale, value: Any) -> ConfidenceRating:
    """A cell of `scale`: one of its labels, or a number of its range.

    On a numeric scale, "70%" is 70 percent whatever the scale's maximum (exports write
    it so), and a number strictly between 0 and 1 on a scale whose maximum is above 1
    is refused, as it is without a scale: 0.7 on a 0..10 or 0..100 scale is almost
    always a probability, not 0.07 or 0.007. A scale with maximum 1 means fractions.
    """
    if scale.maximum is None:
        expected = "one of " + ", ".join(map(repr, scale.labels)) + f" (scale {scale.name!r})"
        if not isinstance(value, str):
            raise _BadCellError(expected)
        try:
            return scale.rating(value)
        except ValidationError:
            raise _BadCellError(expected) from None
    expected = f"a number from 0 to {scale.maximum:g}, or a percentage (scale {scale.name!r})"
    percent = _PERCENT.fullmatch(value) if isinstance(value, str) else None
    if percent is not None:
        share = float(percent["percent"])
        if not 0.0 <= share <= 100.0:
            raise _BadCellError(expected)
        return ConfidenceRating.from_probability(share / 100)
    if not (is_number(value) or isinstance(value, str)):
        raise _BadCellError(expected)
    try:
        number = _number(value)
    except _BadCellError:  # a label, say: the scale's own words, not "a finite number"
        raise _BadCellError(expected) from None
    if scale.maximum > 1.0 and 0.0 < number < 1.0:
        raise _BadCellError(expected)
    try:
        return scale.rating(number)
    except ValidationError:
        raise _BadCellError(expected) from None


def _looks_numeric(text: str) -> bool:
    return re.fullmatch(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*", text) is not None


# -- frames and rows ------------------------------------------------------------------------


Columns = dict[str, Any]  # a list, or `SharedCells` or `ChunkedText` read from a file
# Columns only read, never changed: a checked frame's columns, read as they are asked for.
Cells = Mapping[str, Any]


def _narwhals() -> Any:
    try:
        import narwhals.stable.v1 as nw  # noqa: PLC0415 - optional: only frames need it
    except ImportError:
        raise MissingExtraError("Data frames", "tables", "narwhals") from None
    return nw


def _as_columns(table: str, data: Any) -> tuple[Columns, int]:
    """A table's cells as lists by column, under the user's names."""
    if isinstance(data, Mapping | str | bytes):
        raise ValidationError.field(table, data, "a data frame or a sequence of mappings")
    if isinstance(data, Sequence) or (isinstance(data, Iterable) and not _is_frame(data)):
        rows = list(data)
        names: dict[Any, None] = {}
        for position, row in enumerate(rows):
            if not isinstance(row, Mapping):
                raise ValidationError.field(f"{table}[row {position}]", row, "a mapping")
            names.update(dict.fromkeys(row))
            if None in row:  # csv.DictReader's cells past the header: never read past
                raise ValidationError.field(
                    f"{table}[row {position}]",
                    row[None],
                    "no more cells than the header has columns (a comma in a number "
                    "such as 1,250, or in text, needs the cell quoted)",
                )
        return {str(name): [row.get(name) for row in rows] for name in names}, len(rows)
    nw = _narwhals()
    try:
        frame = nw.from_native(data, eager_only=True)
    except TypeError:
        raise ValidationError.field(table, data, "a data frame narwhals supports") from None
    except ValueError as error:  # e.g. two columns with one name
        message = str(error).replace("\n", " ")
        raise ValidationError.field(table, message, "a frame with one column per name") from None
    # By name, not `frame[name]`: a label like 0 would read as a row number.
    return {str(name): _frame_cells(frame.get_column(name)) for name in frame.columns}, len(frame)


def _frame_cells(series: Any) -> Sequence[Any]:
    """A frame's column as cells, kept compactly where the column is long.

    Text and days that repeat (ids, kinds, check-in days) become codes into their
    distinct cells, computed by the frame library, so no object is made per row; floats
    without a null become machine doubles.
    """
    nw = _narwhals()
    if series.implementation.is_pandas_like() and str(nw.to_native(series).dtype) == "object":
        return series.to_list()  # type: ignore[no-any-return]  # can mix 1 and True
    dtype = series.dtype
    if len(series) >= _SHARED_FRAME_CELLS:
        if (dtype == nw.String or dtype == nw.Date) and series.n_unique() * 2 <= len(series):
            return _shared_frame_cells(series)
        if dtype == nw.Float64 and not series.null_count():
            return array("d", series.to_list())
    return series.to_list()  # type: ignore[no-any-return]


def _shared_frame_cells(series: Any) -> SharedCells:
    nw = _narwhals()
    distinct = series.drop_nulls().unique(maintain_order=True).to_list()
    if not distinct:  # every cell empty: nothing to replace (polars keeps the column's type)
        return SharedCells.from_codes([None], itertools.repeat(0, len(series)))
    codes = series.replace_strict(distinct, range(len(distinct)), return_dtype=nw.UInt32)
    if series.null_count():
        codes = codes.fill_null(len(distinct)).cast(nw.UInt32)  # pandas: floats, for NaN
        distinct.append(None)
    return SharedCells.from_codes(distinct, codes.to_list())


_SHARED_FRAME_CELLS = 1024  # a shorter column is read as a list


def _is_frame(data: Any) -> bool:
    return (
        hasattr(data, "columns")
        or hasattr(data, "__dataframe__")
        or hasattr(data, "__arrow_c_stream__")
    )


def _moment_reader(date_format: str | None) -> Callable[[Any], Moment]:
    """A reader of dates and date-times within the plausible years, as the model's are."""
    read = _any_moment if date_format is None else _formatted_moment(date_format)
    return _sharing(lambda value: _plausible(read(value)))


def _sharing(read: Callable[[Any], T]) -> Callable[[Any], T]:
    """`read`, giving one object for each recent text.

    The days and ratings of a CSV file repeat in every row: one immutable value for each
    costs a fraction of one per cell, and is read once.
    """
    shared = functools.lru_cache(maxsize=4096)(read)

    def read_shared(value: Any) -> T:
        return shared(value) if value.__class__ is str else read(value)

    return read_shared


_UNREADABLE = object()  # a link cell already reported as unreadable: counted once


@attrs.define
class _Reader:
    """Reads cells and collects every problem, with its table, row and column.

    Problems past `MAX_PROBLEMS` are counted, not built: a hostile table of millions of
    bad rows costs no more than its cells.
    """

    confidence: Callable[[Any], ConfidenceRating] = attrs.Factory(lambda: _confidence_reader(None))
    moment: Callable[[Any], Moment] = attrs.Factory(lambda: _moment_reader(None))
    # The reader of days, in the same date format as `moment`.
    day: Callable[[Any], date] = attrs.Factory(lambda self: _day_of(self.moment), takes_self=True)
    problems: list[Problem] = attrs.Factory(list)
    found: int = 0

    @property
    def refused(self) -> bool:
        """Whether more than `MAX_PROBLEMS` problems were found: what is built is let go."""
        return self.found > MAX_PROBLEMS

    def report(self, path: str, message: str) -> None:
        self.found += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(path, message))

    def add(self, table: str, row: int, column: str | None, message: str) -> None:
        self.report(f"{table}[row {row}]" + (f".{column}" if column else ""), message)

    def cell(
        self,
        table: str,
        columns: Cells,
        row: int,
        column: str,
        read: Callable[[Any], Any],
        *,
        required: bool = False,
    ) -> Any:
        cells = columns.get(column)
        value = None if cells is None else cells[row]
        return self.value(table, row, column, value, read, required=required)

    def value(
        self,
        table: str,
        row: int,
        column: str,
        value: Any,
        read: Callable[[Any], Any],
        *,
        required: bool = False,
    ) -> Any:
        """`value`, the cell at `table[row].column`, as `read` reads it; None if not."""
        if value is _UNREADABLE:
            return None
        if _is_null(value):
            if required:
                self.add(table, row, column, "a value is required")
            return None
        try:
            return read(value)
        except _BadCellError as bad:
            hint = f" ({bad.hint})" if bad.hint else ""
            self.add(table, row, column, f"expected {bad}, got {describe(value)}{hint}")
            return None

    def error(self, table: str, row: int, error: OkrKpiError) -> None:
        for problem in getattr(error, "problems", ()) or (Problem("", str(error)),):
            column = _column_of(problem.path, table)
            self.add(table, row, column, problem.message)

    def raise_any(self) -> None:
        """Raise every problem found so far, the ones past `MAX_PROBLEMS` counted."""
        if not self.found:
            return
        problems = list(self.problems)
        if self.found > len(problems):
            more = self.found - len(problems)
            problems.append(Problem("", f"... and {more:,} more problems"))
        raise ValidationError(*problems)


class _Columns:
    """A table's cells by row, each column read whole where none of its cells has a problem.

    A column that reads cleanly is read once (a column of repeated cells once per distinct
    cell) and then looked up by row; a column with any problem is read cell by cell, as
    it always was, so its problems are reported in row order with the rest. A column's
    reading is kept by the `read` function's identity: a caller passes the same function
    for a column on every row (a module function, `_member(kind)`, the reader's `day`).
    """

    __slots__ = ("_by_row", "_columns", "_reader", "_table")

    def __init__(self, reader: _Reader, table: str, columns: Cells) -> None:
        self._reader, self._table, self._columns = reader, table, columns
        self._by_row: dict[tuple[str, Callable[[Any], Any], bool], Callable[[int], Any]] = {}

    def __call__(
        self, row: int, column: str, read: Callable[[Any], Any], required: bool = False
    ) -> Any:
        """The cell at `row` of `column` as `read` reads it; None (and reported) if not."""
        key = (column, read, required)
        by_row = self._by_row.get(key)
        if by_row is None:
            by_row = self._by_row[key] = self._reading(column, read, required)
        return by_row(row)

    def row(self, row: int) -> Callable[..., Any]:
        """The cells of one row: `cell("value", _number, required=True)`."""
        return functools.partial(self, row)

    def _reading(
        self, column: str, read: Callable[[Any], Any], required: bool
    ) -> Callable[[int], Any]:
        cells = self._columns.get(column)
        if cells is None and not required:
            return _no_cell
        whole = None if cells is None else _read_whole(cells, read, required)
        if whole is not None:
            return whole
        reader, table, columns = self._reader, self._table, self._columns

        def cell_by_cell(row: int) -> Any:
            return reader.cell(table, columns, row, column, read, required=required)

        return cell_by_cell


def _no_cell(row: int) -> None:
    return None


def _read_whole(
    cells: Sequence[Any], read: Callable[[Any], Any], required: bool
) -> Callable[[int], Any] | None:
    """Each row's cell as `read` reads it, if no cell has a problem; None if any has."""
    if isinstance(cells, SharedCells):
        read_once = _read_all(cells.distinct, read, required)
        if read_once is None:
            return None
        values, codes = read_once, cells.codes
        return lambda row: values[codes[row]]
    if isinstance(cells, list | tuple):
        each = _read_all(cells, read, required)
        return None if each is None else each.__getitem__
    if isinstance(cells, array) and read is _number and all(map(math.isfinite, cells)):
        return cells.__getitem__  # a frame's doubles without a null: numbers as they are
    return None  # streamed text, read once per row as it always was


def _read_all(cells: Iterable[Any], read: Callable[[Any], Any], required: bool) -> list[Any] | None:
    values: list[Any] = []
    append = values.append
    for cell in cells:
        if cell is _UNREADABLE:  # a link cell reported where it was read
            append(None)
        elif _is_null(cell):
            if required:
                return None
            append(None)
        else:
            try:
                append(read(cell))
            except Exception:  # noqa: BLE001 - read again, cell by cell, where it is reported
                return None
    return values


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
        reader.report(f"{table}.{name}", "a required column is missing")
    return not missing


# -- building the model -------------------------------------------------------------------


_OPTIONAL_LINKS = ("parent_id", "parent_key_result_id", "carried_over_from")


@functools.lru_cache(maxsize=1024)
def _named_cycle(name: str, start_month: int) -> Cycle:
    # Thousands of objectives name a few cycles: one value each, not one per row.
    return Cycle.parse(name, start_month=start_month)


def _cycle(
    reader: _Reader, table: str, cell: Callable[..., Any], row: int, prefix: str
) -> Cycle | None:
    """A cycle from its name, or from its name, dates, kind and fiscal start month."""
    name = cell(prefix, _text)
    before = reader.found
    start = cell(f"{prefix}_start", reader.day)
    end = cell(f"{prefix}_end", reader.day)
    kind = cell(f"{prefix}_kind", _text)
    month = cell(f"{prefix}_fiscal_start_month", _whole)
    if name is None:
        if start is not None or end is not None:
            reader.add(table, row, prefix, f"a cycle's name is required with {prefix}_start")
        return None
    if reader.found > before:  # a cell written but refused: reported as it is, no more
        return None
    if (start is None) != (end is None):
        missing = f"{prefix}_end" if end is None else f"{prefix}_start"
        reader.add(table, row, missing, f"a value is required: a custom {prefix} has two dates")
        return None
    try:
        if start is None or end is None:
            return _named_cycle(name, 1 if month is None else month)
        chosen = (
            CycleKind.CUSTOM if kind is None else enum_member(f"{prefix}_kind", CycleKind, kind)
        )
        return Cycle(name, start, end, kind=chosen, fiscal_start_month=month)
    except ValidationError as error:
        column = cycle_column(prefix, error.problems[0].path)
        reader.add(table, row, column, "; ".join(p.message for p in error.problems))
        return None


def cycle_column(prefix: str, path: str) -> str:
    """The column a cycle's problem is in: its end's, its kind's, ... or its name's."""
    for field, suffix in _CYCLE_FIELDS:
        if path in (f"Cycle.{field}", f"{prefix}_{field}"):
            return prefix + suffix
    return prefix


# The model's names of a cycle's fields, and the suffixes of their columns.
_CYCLE_FIELDS = (
    ("start", "_start"),
    ("end", "_end"),
    ("kind", "_kind"),
    ("start_month", "_fiscal_start_month"),
    ("fiscal_start_month", "_fiscal_start_month"),
)


# The columns rows are joined on: read once, as the text they stand for.
_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "objectives": ("id", "parent_id", "parent_key_result_id", "carried_over_from"),
        "alignments": ("objective_id", "parent_id", "parent_key_result_id"),
        "key_results": ("objective_id", "id"),
        "check_ins": ("objective_id", "key_result_id", "id"),
        "milestones": ("objective_id", "key_result_id"),
        "plans": ("objective_id", "key_result_id"),
        "initiatives": ("objective_id", "id"),
        "kpis": ("name",),
        "measurements": ("kpi",),
    }
)


def _key(value: Any) -> str | None:
    """A link cell as the text it joins on: stripped, a whole number as its digits.

    None when empty; `_UNREADABLE` for a cell that is not text, reported where it is.
    """
    if _is_null(value):
        return None
    try:
        return _text(value)
    except _BadCellError:
        return None


_UNREAD = object()


def _keys_as_text(reader: _Reader, table: str, columns: dict[str, Any]) -> None:
    for name in _KEYS[table]:
        cells = columns.get(name)
        if cells is None:
            continue
        keyed = _keys_at_once(cells)
        columns[name] = _keys_row_by_row(reader, table, name, cells) if keyed is None else keyed


def _keys_at_once(cells: Sequence[Any]) -> SharedCells | None:
    """The link cells as text, each distinct cell read once.

    None when a cell cannot be hashed or read: the cells are then read row by row, each
    bad one reported in its row.
    """
    codes: Iterable[int]
    if isinstance(cells, SharedCells):
        raw, codes = cells.distinct, cells.codes
    else:
        try:
            positions: dict[Any, int] = dict.fromkeys(cells, 0)
        except TypeError:  # unhashable (a list, a dict) or a signalling NaN
            return None
        raw = list(positions)
        positions.update(zip(raw, range(len(raw)), strict=True))
        codes = map(positions.__getitem__, cells)
    found = []
    for value in raw:
        key = _key(value)
        if key is None and not _is_null(value):
            return None
        found.append(key)
    texts: dict[str | None, int] = {}  # " a" and "a" read alike: one key
    shared = [texts.setdefault(key, len(texts)) for key in found]
    return SharedCells.from_codes(texts, map(shared.__getitem__, codes))


def _keys_row_by_row(reader: _Reader, table: str, name: str, cells: Sequence[Any]) -> SharedCells:
    seen: dict[Any, Any] = {}  # ids repeat (a key result's every check-in): read once
    keyed = SharedCells()
    for row, value in enumerate(cells):
        try:
            found = seen.get(value, _UNREAD)
            if found is _UNREAD:
                found = seen[value] = _key(value)
        except TypeError:  # unhashable (a list, a dict) or a signalling NaN
            found = _key(value)
        if found is None and not _is_null(value):
            # Reported once, here; every later reader skips it, and nothing joins on it.
            reader.add(table, row, name, f"expected text, got {describe(value)}")
            found = _UNREADABLE
        keyed.append(found)
    return keyed


def _groups(columns: Cells, count: int, *keys: str) -> dict[tuple[Any, ...], Sequence[int]]:
    """The rows of each key, in a few bytes each however many.

    A `range` while they run together, as an export sorted by key result has them, else
    machine words.
    """
    groups: dict[tuple[Any, ...], Sequence[int]] = {}
    key_columns = [columns.get(key, itertools.repeat(None, count)) for key in keys]
    start = 0
    for key, run in itertools.groupby(zip(*key_columns, strict=True)):
        stop = start + sum(1 for _ in run)
        rows = groups.get(key)
        if rows is None:
            groups[key] = range(start, stop)
        elif isinstance(rows, array):
            rows.extend(range(start, stop))
        else:  # a second run of the key: its rows are listed
            groups[key] = array("I", itertools.chain(rows, range(start, stop)))
        start = stop
    return groups


def _measure(reader: _Reader, cell: Callable[..., Any], row: int, extra: dict[str, Any]) -> Any:
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
        return Metric(start, target, unit=cell("unit", _written), plan=extra.get("plan", ()))
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
            unit=cell("unit", _written),
        )
    return Ordinal(
        cell("commit_text", _written), cell("target_text", _written), cell("stretch_text", _written)
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
    if days is not None:
        # Repeated days are checked once each.
        distinct_days = days.distinct if isinstance(days, SharedCells) else days
        if set(map(type, distinct_days)) <= {date} and _all_plausible(distinct_days):
            clean["at"] = days
    return clean


def _all_plausible(days: Sequence[date]) -> bool:
    return not days or (min(days) >= EARLIEST and max(days) <= LATEST)


def _notes(reader: _Reader, table: str, columns: Columns, rows: Iterable[int]) -> list[str]:
    """The `note` cells of `rows`: as written, a blank one kept; an empty cell is ""."""
    cells = columns["note"]
    return [
        cells[row]
        if isinstance(cells[row], str)
        else reader.cell(table, columns, row, "note", _written) or ""
        for row in rows
    ]


def _check_ins_of(
    reader: _Reader,
    table: Columns,
    rows: Sequence[int],
    key_result_id: str,
    measure: Any,
    clean: Mapping[str, list[Any]],
) -> CheckIns | None:
    def cell(row: int, column: str, read: Callable[[Any], Any], required: bool = False) -> Any:
        return reader.cell("check_ins", table, row, column, read, required=required)

    before = reader.found
    plain_values, plain_days = clean.get("value"), clean.get("at")
    if plain_values is not None:
        values = _taken(plain_values, rows)
    else:
        read = _check_in_reader(measure)
        values = [cell(row, "value", read, True) for row in rows]
    _let_go(table.get("value"), rows)
    if plain_days is not None:
        moments = _taken(plain_days, rows)
    else:
        moments = [cell(row, "at", reader.moment, True) for row in rows]
    confidences = (
        [cell(row, "confidence", reader.confidence) for row in rows]
        if "confidence" in table
        else None
    )
    notes = _notes(reader, "check_ins", table, rows) if "note" in table else None
    if reader.found > before:
        return None
    if isinstance(measure, Binary):
        values = [bool(value) if value in (0, 1) else value for value in values]
    if _repeated_check_ins(reader, table.get("id"), rows, moments, values):
        return None
    try:  # built when refused too: its problems are counted as the typed readers count them
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


def _taken(cells: Sequence[Any], rows: Sequence[int]) -> list[Any]:
    """The cells of `rows`, a run of rows (a `range`) cut in one slice."""
    if isinstance(rows, range) and rows.step == 1:
        return list(cells[rows.start : rows.stop])
    return [cells[row] for row in rows]


def _let_go(cells: Sequence[Any] | None, rows: Sequence[int]) -> None:
    # Values rarely repeat: each is its own text. Read once, the text is let go, so the
    # table's text and the model it becomes are not held at once.
    if isinstance(cells, ChunkedText):
        cells.release(rows)
    elif isinstance(cells, list):
        for row in rows:
            cells[row] = None


def _repeated_check_ins(
    reader: _Reader,
    ids: list[Any] | None,
    rows: Sequence[int],
    moments: list[Any],
    values: list[Any],
) -> bool:
    """Report rows that repeat a check-in of the same key result; whether any did.

    Without ids, a check-in is what was measured when: two rows with the same moment
    and value are one check-in written twice. Rows that each have an id are told apart
    by it (their ids are checked by `_check_in_ids`).
    """
    with contextlib.suppress(TypeError):  # dates beside date-times: compared one by one
        if all(map(operator.lt, moments, itertools.islice(moments, 1, None))):
            return False  # each at a later moment than the one before: none repeats another
    first: dict[tuple[Any, Any], int] = {}
    repeated = False
    for position, (moment, value) in enumerate(zip(moments, values, strict=True)):
        row = rows[position]
        earlier = first.setdefault((moment, value), row)
        if earlier == row or (
            ids is not None and ids[row] is not None and ids[earlier] is not None
        ):
            continue
        reader.add(
            "check_ins",
            row,
            None,
            f"the same check-in as row {earlier} (key result, at and value); "
            "give both an id to keep both",
        )
        repeated = True
    return repeated


def _check_in_ids(reader: _Reader, columns: Columns, count: int) -> None:
    ids = columns.get("id")
    if ids is None:
        return
    first_row: dict[str, int] = {}
    for row, key in enumerate(ids):
        if isinstance(key, str):
            _repeated(reader, "check_ins", "id", key, row, first_row)


def _objective_links(
    reader: _Reader, tables: Mapping[str, tuple[Columns, int]], ids: set[str]
) -> None:
    # Rows that point at a missing objective are reported once each.
    for table in ("alignments", "key_results", "check_ins", "milestones", "plans", "initiatives"):
        owners = tables[table][0].get("objective_id")
        if owners is None:
            continue
        for row in _rows_linking_elsewhere(owners, ids):
            reader.add(
                table, row, "objective_id", f"no objective has the id {describe(owners[row])}"
            )


def _rows_linking_elsewhere(owners: Sequence[Any], ids: set[str]) -> Iterable[int]:
    """The rows whose link cell names an objective not in `ids` (not empty nor unreadable)."""

    def elsewhere(cell: Any) -> bool:
        return cell is not None and cell is not _UNREADABLE and cell not in ids

    if isinstance(owners, SharedCells):  # each distinct cell looked up once
        missing = {code for code, cell in enumerate(owners.distinct) if elsewhere(cell)}
        if not missing:
            return ()
        return (row for row, code in enumerate(owners.codes) if code in missing)
    return (row for row, cell in enumerate(owners) if elsewhere(cell))


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
    # Found before any key result is built, so no key of them is held while they are.
    earlier = _earlier_rows((owner_cells, id_cells))
    taken: set[tuple[Any, Any]] = set()  # keys of steps and plans a key result read
    by_objective: dict[str, list[KeyResult]] = {}
    reads = _Columns(reader, "key_results", table)
    for row in range(count):
        if reader.refused:  # what was built is let go: the document is refused
            by_objective.clear()
        cell = reads.row(row)
        objective_id = cell("objective_id", _text, required=True)
        key_result_id = cell("id", _text, required=True)
        title = cell("title", _written, required=True)
        raw_key = (owner_cells[row], id_cells[row])
        # Taken out as read: the check-ins left at the end link to no key result. A key
        # with an empty cell is no key: check-ins with the same empty link link to nothing.
        check_in_rows = () if None in raw_key else check_ins.pop(raw_key, ())
        if key_result_id is not None and objective_id is not None and row in earlier:
            # Equal cells read alike, so the first row of the key was read as this one.
            where = f" in objective {describe(objective_id)}"
            _report_repeat(reader, "key_results", "id", raw_key, row, earlier[row], where)
            continue  # its check-ins belong to the first row's key result
        # Each row whose key cannot be read takes its key's steps and plan (to report).
        milestone_rows, plan_rows = steps.get(raw_key, ()), plans.get(raw_key, ())
        if milestone_rows or plan_rows:
            taken.add(raw_key)
        extra: dict[str, Any] = {}
        if milestone_rows:
            columns = tables["milestones"][0]
            extra["milestones"] = _milestones(reader, columns, milestone_rows)
        if plan_rows:
            columns = tables["plans"][0]
            points = [
                (
                    reader.cell("plans", columns, r, "at", reader.day, required=True),
                    reader.cell("plans", columns, r, "value", _number, required=True),
                )
                for r in plan_rows
            ]
            extra["plan"] = [
                PlannedValue(at, value) for at, value in points if at and value is not None
            ]
        try:
            measure = _measure(reader, cell, row, extra)
        except ValidationError as error:
            reader.error("key_results", row, error)
            measure = None
        _misplaced(reader, measure, "milestones", milestone_rows, Milestones)
        _misplaced(reader, measure, "plans", plan_rows, Metric)
        weight, owner = cell("weight", _number), cell("owner", _written)
        if weight is not None and weight < 0:  # a cell of its own, beside any other problem
            reader.add(
                "key_results", row, "weight", f"expected a number >= 0, got {describe(weight)}"
            )
            weight = None
        source = cell("source_kpi", _text)
        history = None
        if measure is not None and key_result_id is not None:
            history = _check_ins_of(
                reader,
                tables["check_ins"][0],
                check_in_rows,
                key_result_id,
                measure,
                clean,
            )
        if objective_id is None or key_result_id is None:
            continue
        key_result = None
        if measure is not None and title is not None and history is not None:
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
                in_order = _in_history_order(reader, tables["check_ins"][0], clean, check_in_rows)
                _key_result_error(reader, error, row, in_order)
        if key_result is None:  # refused, its problems reported: it stands in as written
            assert reader.found, "a key result refused with no problem reported"
            key_result = _stand_in(key_result_id, weight)
        by_objective.setdefault(objective_id, []).append(key_result)
    for table_name, groups in (("check_ins", check_ins), ("milestones", steps), ("plans", plans)):
        for raw_key, rows in groups.items():
            if raw_key in taken:
                continue  # a key result's steps or plan; the rest link to none
            objective_id, key_result_id = raw_key
            if _UNREADABLE in raw_key:
                continue  # reported where it was read
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


def _stand_in(key_result_id: str, weight: float | None) -> KeyResult:
    """A key result the reader refused, as its objective is checked with it.

    Its objective is judged on its key results as the table lists them (their ids and
    weights): without it, an initiative driving it, or the only weight above 0, would
    be reported too, for a problem of the key result's own. The document is refused
    (its problems are reported), so a stand-in is never returned.
    """
    # Its weight as read: finite and >= 0 (the reader refuses others), 1 when not read.
    return KeyResult.binary("refused", id=key_result_id, weight=1.0 if weight is None else weight)


def _misplaced(reader: _Reader, measure: Any, table: str, rows: Sequence[int], kind: type) -> None:
    # Steps for a metric, or a plan for milestones: rows the key result cannot use.
    if measure is None or isinstance(measure, kind):
        return
    for row in rows:
        reader.add(table, row, "key_result_id", f"a {measure.kind.value} key result has no {table}")


def _milestones(reader: _Reader, columns: Cells, rows: Sequence[int]) -> list[Milestone] | None:
    """The steps in `rows`, or None when a cell is bad (each problem is reported)."""
    before = reader.found
    steps = []
    for row in rows:
        name = reader.cell("milestones", columns, row, "name", _written, required=True)
        weight = reader.cell("milestones", columns, row, "weight", _number)
        if name is None:
            continue
        try:
            steps.append(Milestone(name, 1.0 if weight is None else weight))
        except ValidationError as error:
            reader.error("milestones", row, error)
    return steps if reader.found == before else None


def _in_history_order(
    reader: _Reader, table: Columns, clean: Mapping[str, list[Any]], rows: Sequence[int]
) -> list[int]:
    """`rows` in the order their key result's history holds them: by moment, stably.

    A problem the model finds names a check-in by its place in the history; this is
    the row each place came from, however the table was ordered.
    """
    days = clean.get("at")
    moments = [
        days[row]
        if days is not None
        else reader.cell("check_ins", table, row, "at", reader.moment, required=True)
        for row in rows
    ]
    return [rows[place] for place in history_order(moments)]


def _key_result_error(
    reader: _Reader, error: ValidationError, row: int, check_in_rows: Sequence[int]
) -> None:
    for problem in error.problems:
        found = re.search(r"check_ins\[(\d+)\]", problem.path)
        if found and int(found.group(1)) < len(check_in_rows):
            reader.add("check_ins", check_in_rows[int(found.group(1))], "value", problem.message)
        else:
            reader.add("key_results", row, _column_of(problem.path, "key_results"), problem.message)


def _read_initiatives(
    reader: _Reader, tables: Mapping[str, tuple[Cells, int]]
) -> dict[str, list[Initiative]]:
    columns, count = tables["initiatives"]
    key_result_ids = _key_result_ids(*tables["key_results"])
    first_row: dict[tuple[str, str], int] = {}
    by_objective: dict[str, list[Initiative]] = {}
    reads = _Columns(reader, "initiatives", columns)
    for row in range(count):
        cell = reads.row(row)
        objective_id = cell("objective_id", _text, True)
        fields = {
            "id": cell("id", _text, True),
            "owner": cell("owner", _written),
            "progress": cell("progress", _number),
            "start": cell("start", reader.day),
            "end": cell("end", reader.day),
        }
        title = cell("title", _written, True)
        status = cell("status", _text)
        links = cell("key_result_ids", _text)
        if objective_id is None or title is None or fields["id"] is None:
            continue
        where = f" in objective {describe(objective_id)}"
        if _repeated(
            reader, "initiatives", "id", (objective_id, fields["id"]), row, first_row, where
        ):
            continue
        if status is not None:
            fields["status"] = status.lower()
        refused = False
        if links:
            driven = [link.strip() for link in links.split(";") if link.strip()]
            known = key_result_ids.get(objective_id, set())
            dangling = [link for link in driven if link not in known]
            if dangling:
                listed = ", ".join(map(repr, sorted(known)[:12])) or "none"
                reader.add(
                    "initiatives",
                    row,
                    "key_result_ids",
                    f"no key result {describe(dangling[0])}{where} (its key results: {listed})",
                )
                refused = True
            else:
                fields["key_result_ids"] = driven
        # Each of the model's checks on its own, so every bad cell is reported at once
        # (the model stops at its first).
        for names in (("status",), ("progress",), ("start", "end")):
            given = {name: fields[name] for name in names if fields.get(name) is not None}
            if given:
                try:
                    Initiative(title, **given)
                except ValidationError as error:
                    reader.error("initiatives", row, error)
                    refused = True
        if refused:
            continue
        try:
            initiative = Initiative(title, **fields)
        except ValidationError as error:
            reader.error("initiatives", row, error)
            continue
        by_objective.setdefault(objective_id, []).append(initiative)
    return by_objective


def _key_result_ids(columns: Cells, count: int) -> dict[str, set[str]]:
    """Each objective's key-result ids, as the key_results table gives them."""
    ids: dict[str, set[str]] = {}
    owners = columns.get("objective_id", [None] * count)
    for owner, key_result_id in zip(owners, columns.get("id", [None] * count), strict=True):
        if isinstance(owner, str) and isinstance(key_result_id, str):
            ids.setdefault(owner, set()).add(key_result_id)
    return ids


def _link_by_title(reader: _Reader, tables: Mapping[str, tuple[Columns, int]]) -> None:
    """Turn the titles in objective links into the ids of the objectives with them."""
    columns, count = tables["objectives"]
    ids = columns.get("id", [None] * count)
    rows_of: dict[str, list[int]] = {}
    for row, title in enumerate(columns.get("title", [None] * count)):
        text = _key(title)
        if text is not None:
            rows_of.setdefault(text, []).append(row)
    for table, column in _OBJECTIVE_LINKS:
        cells = tables[table][0].get(column)
        for row, title in enumerate(cells or ()):
            if not isinstance(title, str):
                continue
            rows = rows_of.get(title, [])
            if len(rows) == 1 and isinstance(ids[rows[0]], str):
                cells[row] = ids[rows[0]]  # type: ignore[index]
                continue
            if not rows:
                problem = f"no objective has the title {describe(title)}"
            elif len(rows) > 1:
                shown = ", ".join(f"{describe(ids[r])} (objectives row {r})" for r in rows[:5])
                problem = (
                    f"{describe(title)} is the title of {len(rows)} objectives, {shown}"
                    f"{', ...' if len(rows) > 5 else ''}: ambiguous, link to it by id"
                )
            else:
                problem = (
                    f"the objective titled {describe(title)} (objectives row {rows[0]}) has no id"
                )
            reader.add(table, row, column, problem)
            cells[row] = _UNREADABLE  # type: ignore[index]


# The cells that link to an objective, by table.
_OBJECTIVE_LINKS = (
    ("objectives", "parent_id"),
    ("objectives", "carried_over_from"),
    ("alignments", "objective_id"),
    ("alignments", "parent_id"),
    ("key_results", "objective_id"),
    ("check_ins", "objective_id"),
    ("milestones", "objective_id"),
    ("plans", "objective_id"),
    ("initiatives", "objective_id"),
)


def _read_objectives(
    reader: _Reader,
    tables: Mapping[str, tuple[Columns, int]],
    key_results: Mapping[str, list[KeyResult]],
    initiatives: Mapping[str, list[Initiative]],
) -> list[Objective]:
    columns, count = tables["objectives"]
    links_of = _read_alignments(reader, tables["alignments"])
    built = []
    first_row: dict[str, int] = {}
    reads = _Columns(reader, "objectives", columns)
    for row in range(count):
        cell = reads.row(row)
        objective_id, title = cell("id", _text, True), cell("title", _written, True)
        if objective_id is not None and _repeated(
            reader, "objectives", "id", objective_id, row, first_row
        ):
            continue
        fields: dict[str, Any] = {name: cell(name, _text) for name in _OPTIONAL_LINKS}
        fields["owner"] = cell("owner", _written)
        for name, kind in (("commitment", Commitment), ("level", Level)):
            member = cell(name, _member(kind))
            if member is not None:
                fields[name] = member
        weight = cell("alignment_weight", _number)
        if weight is not None:
            fields["alignment_weight"] = weight
        fields["closed_on"] = cell("closed_on", reader.day)
        fields["cycle"] = _cycle(reader, "objectives", cell, row, "cycle")
        links = links_of.get(objective_id) if objective_id is not None else None
        if links is not None and not _with_links(reader, row, fields, links):
            continue
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


@attrs.frozen
class _Link:
    """One alignments row: a parent of an objective, the link's weight and key result."""

    row: int
    parent_id: str
    weight: float
    key_result_id: str | None


def _read_alignments(reader: _Reader, table: tuple[Cells, int]) -> dict[str, list[_Link]]:
    """The alignments rows by objective id, each (objective, parent) pair once."""
    columns, count = table
    links: dict[str, list[_Link]] = {}
    first_row: dict[tuple[str, str], int] = {}
    reads = _Columns(reader, "alignments", columns)
    for row in range(count):
        cell = reads.row(row)
        objective_id = cell("objective_id", _text, True)
        parent_id = cell("parent_id", _text, True)
        weight = cell("weight", _number)
        key_result_id = cell("parent_key_result_id", _text)
        if weight is not None and weight < 0:
            reader.add("alignments", row, "weight", f"expected a number >= 0, got {weight!r}")
            continue
        if objective_id is None or parent_id is None:
            continue
        if parent_id == objective_id:
            reader.add("alignments", row, "parent_id", f"aligned to itself ({parent_id!r})")
            continue
        where = f" parent of objective {describe(objective_id)}"
        pair = (objective_id, parent_id)
        if _repeated(reader, "alignments", "parent_id", pair, row, first_row, where):
            continue
        link = _Link(row, parent_id, 1.0 if weight is None else weight, key_result_id)
        links.setdefault(objective_id, []).append(link)
    return links


def _with_links(reader: _Reader, row: int, fields: dict[str, Any], links: list[_Link]) -> bool:
    """`fields` with an objective's alignments rows as its `parents`; False if refused.

    The objectives row's `parent_id` (with its weight and key result) is the first link;
    the alignments rows follow in order. A root's weight (`alignment_weight` without a
    `parent_id`) has no place beside them and is refused.
    """
    ok = True
    parent_id = fields.pop("parent_id")
    key_result_id = fields.pop("parent_key_result_id")
    weight = fields.pop("alignment_weight", None)
    pairs: list[tuple[str, float]] = []
    driven: dict[str, str] = {}
    if parent_id is not None:
        pairs.append((parent_id, 1.0 if weight is None else weight))
        if key_result_id is not None:
            driven[parent_id] = key_result_id
    elif weight is not None:
        reader.add(
            "objectives",
            row,
            "alignment_weight",
            f"expected no weight here, got {weight!r}: the alignments rows give its links' weights",
        )
        ok = False
    for link in links:
        if link.parent_id == parent_id:
            reader.add(
                "alignments",
                link.row,
                "parent_id",
                f"{describe(parent_id)} is already objectives row {row}'s parent_id",
            )
            ok = False
            continue
        pairs.append((link.parent_id, link.weight))
        if link.key_result_id is not None:
            driven[link.parent_id] = link.key_result_id
    if len(pairs) > 1 and not any(weight > 0 for _, weight in pairs):
        for link in links:
            reader.add(
                "alignments", link.row, "weight", "every link weighs 0: at least one weight > 0"
            )
        ok = False
    fields["parents"] = pairs
    fields["parent_key_results"] = driven
    return ok


def _earlier_rows(key_columns: Sequence[Sequence[Any]]) -> dict[int, int]:
    """Each row whose key (its cells in `key_columns`) an earlier row has: row -> the first."""
    first: dict[tuple[Any, ...], int] = {}
    earlier: dict[int, int] = {}
    for row, key in enumerate(zip(*key_columns, strict=True)):
        found = first.setdefault(key, row)
        if found != row:
            earlier[row] = found
    return earlier


def _repeated(
    reader: _Reader,
    table: str,
    column: str,
    key: Any,
    row: int,
    first_row: dict[Any, int],
    where: str = "",
    *,
    remember: bool = True,
) -> bool:
    """Whether `key` was in an earlier row (reported: rows would merge under one id)."""
    if key in first_row:
        _report_repeat(reader, table, column, key, row, first_row[key], where)
        return True
    if remember:
        first_row[key] = row
    return False


def _report_repeat(
    reader: _Reader, table: str, column: str, key: Any, row: int, first: int, where: str = ""
) -> None:
    shown = describe(key[-1] if isinstance(key, tuple) else key)
    reader.add(table, row, column, f"{shown} is already row {first}'s{where}")


def _read_kpis(reader: _Reader, tables: Mapping[str, tuple[Columns, int]]) -> list[KPI]:
    columns, count = tables["kpis"]
    measured = _groups(*tables["measurements"], "kpi")
    names: set[Any] = set()
    built = []
    name_cells = columns.get("name", [None] * count)
    first_row: dict[str, int] = {}
    reads = _Columns(reader, "kpis", columns)
    for row in range(count):
        cell = reads.row(row)
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
            "unit": cell("unit", _written),
            "data_source": cell("data_source", _written),
            "frequency": cell("frequency", _text),
            "indicator": cell("indicator", _text),
            "owner": cell("owner", _written),
        }
        if fields["higher_is_better"] is None:
            del fields["higher_is_better"]
        fields["timeframe"] = _cycle(reader, "kpis", cell, row, "timeframe")
        measurement_rows = measured.get((name_cells[row],), ())
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
        if raw[0] not in names and raw[0] is not _UNREADABLE:
            problem = (
                "a value is required" if raw[0] is None else f"no KPI is named {describe(raw[0])}"
            )
            for row in rows:
                reader.add("measurements", row, "kpi", problem)
    return built


def _measurements(
    reader: _Reader, columns: Columns, rows: Sequence[int]
) -> list[Measurement] | None:
    items = []
    ok = True
    for row in rows:
        value = reader.cell("measurements", columns, row, "value", _number, required=True)
        at = reader.cell("measurements", columns, row, "at", reader.moment, required=True)
        note = _notes(reader, "measurements", columns, (row,))[0] if "note" in columns else ""
        if value is None or at is None:
            ok = False
            continue
        try:
            items.append(Measurement(value, at, note))
        except ValidationError as error:
            reader.error("measurements", row, error)
            ok = False
    return items if ok else None


ExtraColumns = Literal["error", "warn", "ignore"]
"""What `from_frames` does with a column okrkpi does not read: refuse, warn or ignore it."""

LinkBy = Literal["id", "title"]
"""What the cells that link to an objective hold: its id, or its title."""


def from_frames(
    *,
    objectives: Any = (),
    alignments: Any = (),
    key_results: Any = (),
    check_ins: Any = (),
    milestones: Any = (),
    plans: Any = (),
    initiatives: Any = (),
    kpis: Any = (),
    measurements: Any = (),
    columns: Mapping[str, Mapping[str, str]] | None = None,
    extra_columns: ExtraColumns = "error",
    confidence_scale: ConfidenceScale | None = None,
    date_format: str | None = None,
    link_objectives_by: LinkBy = "id",
) -> Document:
    """A `Document` from one table per concept.

    Each argument is a data frame narwhals supports, eager or lazy (pandas, polars,
    pyarrow, a polars LazyFrame, a DuckDB relation, Dask, Spark: a lazy one is collected
    first), or a sequence of mappings (CSV rows, records). `TABLES` documents every column; missing
    optional columns take their defaults, and empty cells (None, NaN, NaT, "") mean "not
    set". Nothing is read silently past: a column that is not in `TABLES` is refused
    unless `extra_columns` says otherwise, and a column that differs from one of ours
    only in case, separators or look (`Cycle`, `key result id`, a byte-order mark,
    full-width letters) is always refused, since it is almost surely meant as ours, and
    so is a row with more cells than its header (`csv.DictReader`'s `None` key). Ids,
    links and keywords are read trimmed; free text (titles, owners, notes, units) is
    read as written, so `from_frames(**to_frames(document)) == document`.

    Eager polars or pyarrow frames whose days are dates (or time stamps at midnight),
    without KPIs, linked by id and without `confidence_scale`, are checked by whole
    columns with `score_frames`' checks, and the model is built once from the checked
    columns; other tables are read cell by cell. Both report the same problems, in the
    same order and words.

    Args:
        objectives: One row per objective; `parent_id` names its parent, if it has one.
        alignments: One row per link of an objective with several parents: the
            objective (`objective_id`), one parent (`parent_id`), the link's `weight`
            and the parent's key result it drives. An objective's links are its
            objectives row's `parent_id` (if set), then its alignments rows in order.
        key_results: One row per key result, linked by `objective_id`.
        check_ins: One row per check-in, linked by `objective_id` and `key_result_id`.
        milestones: The steps of milestones key results, in order.
        plans: The planned values of metric key results.
        initiatives: One row per initiative, linked by `objective_id`.
        kpis: One row per KPI.
        measurements: One row per measurement, linked by the KPI's `name` (column `kpi`).
        columns: Renames per table, the user's column name to ours, e.g.
            `{"key_results": {"Key Result": "title"}}`, so another tool's export maps in
            without editing it. Each name must be a column of the table given, and
            renames for a table not given are refused.
        extra_columns: Columns okrkpi does not read: `"error"` (the default) reports each
            with the rest, `"warn"` reads past them with an `UnknownColumnsWarning` per
            table, `"ignore"` reads past them silently.
        confidence_scale: How the `confidence` column is written, e.g.
            `ConfidenceScale.traffic_light()` for red / yellow / green. Without one, a
            number is a rating from 0 to 10 (and one between 0 and 1 is refused, as
            `CheckIn` refuses it) and low / medium / high are read as
            `ConfidenceRating.from_label` reads them. On a numeric scale "70%" is 70
            percent, and a number between 0 and 1 is refused unless the scale's
            maximum is 1.
        date_format: How text dates are written, in `strptime` directives, e.g.
            `"%m/%d/%Y"` for 7/31/2026. Without one, text dates are ISO 8601. Date and
            date-time cells of a frame are read as they are either way.
        link_objectives_by: `"title"` when the cells that link to an objective
            (`parent_id` of objectives and alignments, `carried_over_from` and every
            `objective_id`) hold its title rather than its id, as in exports that name a
            parent. A title two objectives share is refused where a link uses it.

    Raises:
        ValidationError: Every bad cell, unknown or missing column and dangling link at
            once (up to `MAX_PROBLEMS`, then counted), each named like
            `check_ins[row 1042].value`.
        MissingExtraError: A data frame was given without narwhals installed.
    """
    given = {
        "objectives": objectives,
        "alignments": alignments,
        "key_results": key_results,
        "check_ins": check_ins,
        "milestones": milestones,
        "plans": plans,
        "initiatives": initiatives,
        "kpis": kpis,
        "measurements": measurements,
    }
    reader = _reader(confidence_scale, date_format, link_objectives_by, extra_columns)
    renames = _renames(columns)
    given = {name: _collected(name, data) for name, data in given.items()}
    if link_objectives_by == "id" and confidence_scale is None and _typed_frames(given):
        from okrkpi._edges.columnar.reading import read_typed_frames  # noqa: PLC0415 - a cycle

        document = read_typed_frames(given, renames, extra_columns, date_format)
        if document is not None:
            return document
    tables = {}
    for name, data in given.items():
        cells, count = _as_columns(name, data)
        tables[name] = _known_columns(
            reader,
            name,
            cells,
            count,
            renames.get(name, {}),
            extra_columns,
            given=not (isinstance(data, tuple) and not data),  # the default: not passed
        )
    return _document(reader, tables, link_objectives_by)


def _collected(table: str, data: Any) -> Any:
    """A lazy frame (a polars LazyFrame, a DuckDB relation, Dask, Spark) collected.

    A document is made of objects in memory, so its tables are read into memory first,
    as their library collects them (DuckDB and Spark into pyarrow, Dask into pandas).
    Anything else is returned as given.
    """
    if isinstance(data, Mapping | str | bytes | Sequence):
        return data
    try:
        import narwhals.stable.v2 as nw  # noqa: PLC0415 - optional: only frames need it
    except ImportError:
        return data
    try:
        frame = nw.from_native(data, pass_through=True)
        if not isinstance(frame, nw.LazyFrame):
            return data
        collected = frame.collect()
    except ValueError as error:  # e.g. two columns of one name, as a join may give
        message = str(error).replace("\n", " ")
        raise ValidationError.field(table, message, "a frame with one column per name") from None
    if frame.implementation.is_pyspark():
        zone = data.sparkSession.conf.get("spark.sql.session.timeZone")
        collected = _shown_in(nw, collected, zone)
    return collected.to_native()


def _shown_in(nw: Any, frame: Any, zone: str) -> Any:
    """A frame collected from Spark, its time stamps as Spark shows them: in `zone`.

    Spark's ordinary time stamps are instants shown in its session's zone; collected,
    they come in UTC. Shown in the session's zone without one, a midnight is a day, as
    `score_frames` reads it in Spark.
    """
    aware = [
        name
        for name, dtype in frame.schema.items()
        if dtype == nw.Datetime and dtype.time_zone is not None
    ]
    if not aware:
        return frame
    named = _zone_name(zone)
    try:
        return frame.with_columns(
            nw.col(name).dt.convert_time_zone(named).dt.replace_time_zone(None) for name in aware
        )
    except Exception:  # noqa: BLE001 - each frame library words an unknown zone its own way
        raise ValidationError.field(
            "spark.sql.session.timeZone",
            zone,
            "a time zone of the tz database (Europe/Berlin) or an offset (+02:00)",
        ) from None


def _zone_name(zone: str) -> str:
    """A Spark session zone as the tz database or an offset names it: Z, GMT+2 -> +02:00."""
    if zone.upper() in ("Z", "UTC", "GMT", "UT"):
        return "UTC"
    offset = re.fullmatch(r"(?:GMT|UTC|UT)?([+-])(\d{1,2})(?::?(\d{2}))?", zone.upper())
    if offset is None:
        return zone
    sign, hours, minutes = offset.groups()
    return f"{sign}{int(hours):02d}:{minutes or '00'}"


def _typed_frames(given: Mapping[str, Any]) -> bool:
    """Whether no table is given as rows: then each may be a frame, its columns read whole."""
    return not any(
        isinstance(data, Mapping | str | bytes) or (isinstance(data, Sequence) and data)
        for data in given.values()
    )


def _reader(
    scale: ConfidenceScale | None, date_format: str | None, link_by: str, extra_columns: str
) -> _Reader:
    """A reader for the options of `from_frames`, each checked first."""
    _check_options("from_frames", scale, date_format, link_by, extra_columns)
    return _Reader(confidence=_confidence_reader(scale), moment=_moment_reader(date_format))


def _check_options(
    caller: str, scale: Any, date_format: Any, link_by: Any, extra_columns: Any
) -> None:
    """Refuse a bad reading option, named as the function the caller called takes it."""
    if scale is not None and not isinstance(scale, ConfidenceScale):
        raise ValidationError.field(f"{caller}.confidence_scale", scale, "a ConfidenceScale")
    if date_format is not None and (not isinstance(date_format, str) or "%" not in date_format):
        raise ValidationError.field(
            f"{caller}.date_format", date_format, "a strptime format such as '%m/%d/%Y'"
        )
    if link_by not in ("id", "title"):
        raise ValidationError.field(f"{caller}.link_objectives_by", link_by, "'id' or 'title'")
    if extra_columns not in ("error", "warn", "ignore"):
        raise ValidationError.field(
            f"{caller}.extra_columns", extra_columns, "'error', 'warn' or 'ignore'"
        )


def _document(
    reader: _Reader, tables: dict[str, tuple[Columns, int]], link_by: str = "id"
) -> Document:
    """The document the tables hold, once every column is known to be ours."""
    with collector_paused():
        return _built_document(reader, tables, link_by)


def _built_document(
    reader: _Reader, tables: dict[str, tuple[Columns, int]], link_by: str
) -> Document:
    for name, (cells, count) in tables.items():
        if not _required(name, cells, count, reader):
            tables[name] = ({}, 0)
    reader.raise_any()  # a column missing or unknown: the cells are not read as meant
    for name, (cells, _) in tables.items():
        _keys_as_text(reader, name, cells)
    if link_by == "title":
        _link_by_title(reader, tables)
    ids = {cell for cell in tables["objectives"][0].get("id", []) if isinstance(cell, str)}
    _objective_links(reader, tables, ids)
    _check_in_ids(reader, *tables["check_ins"])
    by_objective = _read_key_results(reader, tables)
    initiatives_of = _read_initiatives(reader, tables)
    built = _read_objectives(reader, tables, by_objective, initiatives_of)
    kpis_built = _read_kpis(reader, tables)
    reader.raise_any()
    return Document(tuple(built), tuple(kpis_built))


_ROWS_OPTIONS = frozenset(
    {"columns", "extra_columns", "confidence_scale", "date_format", "link_objectives_by"}
)


def from_rows(tables: Mapping[str, Iterable[Mapping[str, Any]]], **options: Any) -> Document:
    """`from_frames` for rows keyed by table name, e.g. CSV files read into dicts.

    `options` are those of `from_frames`: `columns`, `extra_columns`,
    `confidence_scale`, `date_format`, `link_objectives_by`.
    """
    if not isinstance(tables, Mapping):
        raise ValidationError.field("from_rows.tables", tables, "a mapping of table name -> rows")
    for name in options:  # as Python says it, naming this function rather than from_frames
        if name not in _ROWS_OPTIONS:
            raise TypeError(f"from_rows() got an unexpected keyword argument {name!r}")
    unknown = sorted(map(str, set(tables) - set(TABLES)))
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


def _renames(
    columns: Mapping[str, Mapping[str, str]] | None, caller: str = "from_frames"
) -> dict[str, dict[str, str]]:
    if columns is None:
        return {}
    if not isinstance(columns, Mapping):
        raise ValidationError.field(f"{caller}.columns", columns, "a mapping table -> renames")
    renames = {}
    for table, mapping in columns.items():
        if not isinstance(table, str) or table not in TABLES:
            raise ValidationError.field(f"{caller}.columns", table, f"one of {', '.join(TABLES)}")
        if not isinstance(mapping, Mapping):
            raise ValidationError.field(f"{caller}.columns[{table!r}]", mapping, "a mapping")
        for ours in mapping.values():
            if not isinstance(ours, str) or ours not in TABLES[table]:
                raise ValidationError.field(
                    f"{caller}.columns[{table!r}]", ours, f"a column of {table}"
                )
        targets = list(mapping.values())
        twice = sorted({ours for ours in targets if targets.count(ours) > 1})
        if twice:
            raise ValidationError.field(
                f"{caller}.columns[{table!r}]", twice, "each of our columns named once"
            )
        renames[table] = {str(theirs): ours for theirs, ours in mapping.items()}
    return renames


# Characters that show as nothing: a byte-order mark, zero-width spaces and joiners.
_INVISIBLE = re.compile("[\ufeff\u200b-\u200d\u2060\u00ad]")


def _squashed(name: str) -> str:
    # "Key Result ID", "key-result-id" and "KeyResultId" all squash to "keyresultid"; so
    # do look-alikes: full-width letters (NFKC) and a byte-order mark left in a header.
    plain = _INVISIBLE.sub("", unicodedata.normalize("NFKC", name))
    return re.sub(r"[\s_\-]+", "", plain).casefold()


_SQUASHED: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        table: MappingProxyType({_squashed(column): column for column in table_columns})
        for table, table_columns in TABLES.items()
    }
)


def _known_columns(
    reader: _Reader,
    table: str,
    columns: Columns,
    count: int,
    renames: Mapping[str, str],
    extra_columns: str,
    *,
    given: bool = True,
    caller: str = "from_frames",
) -> tuple[Columns, int]:
    """`columns` under our names, with every rename used and every column known.

    A rename of a column the table does not have, and a column that is ours but for its
    case or separators, are always reported: either would silently leave a column
    unread. Other unknown columns are reported, warned about or ignored by
    `extra_columns`. Only our columns are kept.
    """
    if not given:
        for theirs in renames:
            reader.report(
                f"{caller}.columns[{table!r}]",
                f"renames {theirs!r}, but no {table} table was given",
            )
    elif columns:  # a table without rows and without named columns has nothing to check
        for theirs in renames:
            if theirs not in columns:
                shown = ", ".join(map(repr, list(columns)[:12])) + (
                    ", ..." if len(columns) > 12 else ""
                )
                reader.report(
                    f"{caller}.columns[{table!r}]",
                    f"{theirs!r} names no column of the {table} given (its columns: {shown})",
                )
    renamed = [renames.get(name, name) for name in columns]
    twice = sorted({name for name in renamed if renamed.count(name) > 1})
    if twice:  # a renamed column lands on one the table already has
        reader.report(
            f"{table}.columns", f"expected one column per name after renames, got {describe(twice)}"
        )
        return {}, 0
    ours = TABLES[table]
    kept: dict[str, Any] = {}
    unknown = []
    for name, cells in zip(renamed, columns.values(), strict=True):
        if name in ours:
            kept[name] = cells
            continue
        meant = _SQUASHED[table].get(_squashed(name))
        if meant is not None:
            reader.report(
                f"{table}.{name}",
                # Quoted: a trailing space or a byte-order mark shows (as '\ufeffid').
                f"{name!r} is not a column of {table}: column names are exact, "
                f"did you mean {meant!r}? (rename it with columns=)",
            )
        else:
            unknown.append(name)
    if unknown and extra_columns == "error":
        for name in unknown:
            close = difflib.get_close_matches(name, list(ours), n=1, cutoff=0.75)
            guess = f"; did you mean {close[0]!r}?" if close else ""
            reader.report(
                f"{table}.{name}",
                f"{name!r} is not a column of {table}{guess} (extra_columns='ignore' "
                "reads past columns okrkpi does not use)",
            )
    elif unknown and extra_columns == "warn":
        listed = ", ".join(map(repr, unknown))
        warnings.warn(
            UnknownColumnsWarning(
                table,
                tuple(unknown),
                f"{table}: read past the columns {listed}, which okrkpi does not read",
            ),
            stacklevel=first_frame_outside_okrkpi(),
        )
    return kept, count


# -- tables that stream in, row by row ----------------------------------------------------

# What each streamed row is checked for at once, before it is kept: the cells whose reader
# is the same in every row (a check-in's value is read by its key result's kind, later).
_STREAM_CHECKS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "objectives": MappingProxyType(
            {
                "alignment_weight": "number",
                "closed_on": "day",
                "cycle_start": "day",
                "cycle_end": "day",
                "cycle_fiscal_start_month": "whole",
                "commitment": "commitment",
                "level": "level",
            }
        ),
        "alignments": MappingProxyType({"weight": "number"}),
        "key_results": MappingProxyType({"weight": "number"}),
        "check_ins": MappingProxyType({"at": "moment", "confidence": "confidence"}),
        "milestones": MappingProxyType({"weight": "number"}),
        "plans": MappingProxyType({"at": "day", "value": "number"}),
        "initiatives": MappingProxyType({"progress": "number", "start": "day", "end": "day"}),
        "kpis": MappingProxyType(
            {
                "target": "number",
                "target_low": "number",
                "target_high": "number",
                "warning": "number",
                "higher_is_better": "bool",
                "timeframe_start": "day",
                "timeframe_end": "day",
                "timeframe_fiscal_start_month": "whole",
            }
        ),
        "measurements": MappingProxyType({"at": "moment", "value": "number"}),
    }
)
# The cells each table is keyed by, one row per key: repeats are refused as they stream in.
_STREAM_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "objectives": ("id",),
        "alignments": ("objective_id", "parent_id"),
        "key_results": ("objective_id", "id"),
        "kpis": ("name",),
    }
)
_SHARED_CELLS = 4096  # distinct cells a column shares before it checks that sharing pays


class _Column:
    """A streamed column's cells, kept compactly: codes while cells repeat.

    Ids, dates and labels repeat in every row; values rarely do. A column shares its
    cells until, after `_SHARED_CELLS` distinct ones, fewer than half were repeats; then
    it keeps them as numbers if every one so far writes a number, else as chunks of text.
    Numbers that turn out to be text after all (one cell in `_WRITTEN_SHARE` or more)
    go to chunks of text too.
    """

    __slots__ = ("cells", "repeats")

    def __init__(self) -> None:
        self.cells: SharedCells | NumberText | ChunkedText = SharedCells()
        self.repeats = 0

    def seen(self, text: str) -> bool:
        """Whether `text` was kept before (and checked then)."""
        cells = self.cells
        return isinstance(cells, SharedCells) and cells.knows(text)

    def append(self, text: str, *, checked: bool = True) -> None:
        """Keep `text` as the next cell; one not `checked` (found bad) is never shared."""
        cells = self.cells
        if isinstance(cells, NumberText):
            cells.append(text)
            if cells.written * _WRITTEN_SHARE > len(cells):  # it began past _SHARED_CELLS
                self.cells = ChunkedText(cells)
        elif isinstance(cells, ChunkedText):
            cells.append(text)
        elif cells.append(text, share=checked):
            self.repeats += 1
        elif cells.shared >= _SHARED_CELLS and self.repeats < cells.shared:
            # Mostly distinct: codes cost more than they save.
            numbers = all(map(writes_a_number, cells.distinct))
            self.cells = NumberText(cells) if numbers else ChunkedText(cells)

    def drop(self) -> None:
        """Keep nothing more, and no longer share (nothing is kept to share with)."""
        self.cells = ChunkedText()


_WRITTEN_SHARE = 16


@attrs.define
class _StreamedTable:
    """The header of a table that streams in, its kept columns and its rows so far."""

    names: list[str]
    columns: list[_Column | None]
    rows: int = 0


_RUN_LIMIT = 10_000  # a key result's check-ins compared for repeats as they stream in


class _StreamedLinks:
    """Links and repeated check-ins, checked as rows stream in, to stop keeping early.

    Tables stream in the order of `TABLES`: a key result's objective, and a check-in's
    key result, are known by the time it comes. Links are checked against a table
    streamed to its end before the stream began counting (`complete`), so every id is
    known. Repeated check-ins are compared within a run of one key result's rows (up
    to `_RUN_LIMIT`), as exports write them. What is missed here is still found when
    the document is read.
    """

    def __init__(self) -> None:
        self.objectives: set[str] = set()
        self.key_results: set[tuple[str, str]] = set()
        self.streamed: set[str] = set()
        self.complete: set[str] = set()  # tables streamed to their end, every id kept
        self.positions: dict[str, dict[str, int]] = {}  # where the cells read are, by table
        self.run: tuple[str, str] | None = None
        self.seen: dict[tuple[str, str], tuple[int, bool]] = {}

    def check(
        self,
        reader: _Reader,
        table: str,
        names: list[str],
        row: int,
        cells: Sequence[str],
        *,
        counting: bool,
    ) -> None:
        """Report `row`'s link to a missing objective or key result, or its repeat.

        While `counting`, nothing more is kept: links are still checked, repeats not.
        """
        if table not in self.streamed:
            self.streamed.add(table)
            self.run = None
            wanted = ("id", "objective_id", "key_result_id", "at", "value")
            self.positions[table] = {name: names.index(name) for name in wanted if name in names}
        cell = {name: cells[at].strip() for name, at in self.positions[table].items()}
        if table == "objectives":
            if cell.get("id") and not counting:
                self.objectives.add(cell["id"])
            return
        owner = cell.get("objective_id")
        if not owner or "objectives" not in self.complete:
            return
        if owner not in self.objectives:
            reader.add(table, row, "objective_id", f"no objective has the id {describe(owner)}")
            return
        key_result = cell.get("key_result_id" if table != "key_results" else "id")
        if table == "key_results" and key_result and not counting:
            self.key_results.add((owner, key_result))
        elif table in ("check_ins", "milestones", "plans") and key_result:
            if "key_results" in self.complete and (owner, key_result) not in self.key_results:
                missing = f"no key result {describe(key_result)} in objective {describe(owner)}"
                reader.add(table, row, "key_result_id", missing)
            elif table == "check_ins" and not counting:
                self._repeated_check_in(reader, (owner, key_result), row, cell)

    def _repeated_check_in(
        self, reader: _Reader, key: tuple[str, str], row: int, cell: Mapping[str, str]
    ) -> None:
        if key != self.run:
            self.run, self.seen = key, {}
        if len(self.seen) >= _RUN_LIMIT:
            return
        with_id = bool(cell.get("id"))
        earlier = self.seen.setdefault((cell.get("at", ""), cell.get("value", "")), (row, with_id))
        if earlier[0] != row and not (with_id and earlier[1]):
            reader.add(
                "check_ins",
                row,
                None,
                f"the same check-in as row {earlier[0]} (key result, at and value); "
                "give both an id to keep both",
            )


class TableStream:
    """Tables read row by row (a folder of CSV files), in bounded memory however bad.

    Each row's cells are checked as it comes (required cells, typed cells, repeated
    ids, links to objectives and key results streamed before, repeated check-ins) and
    only our columns are kept. Once more than `MAX_PROBLEMS` problems are
    found, the input is known to be refused: kept rows are dropped, and later rows are
    only checked cell by cell, to count their problems. Otherwise `document()` reads the
    kept tables as `from_rows` would, reporting every problem.

    Options are those of `from_frames`.
    """

    def __init__(
        self,
        *,
        extra_columns: ExtraColumns = "error",
        confidence_scale: ConfidenceScale | None = None,
        date_format: str | None = None,
        link_objectives_by: LinkBy = "id",
    ) -> None:
        self._link_by = link_objectives_by
        self._extra = extra_columns
        # Problems of the tables as a whole (columns), then of cells as they stream in.
        self._reader = _reader(confidence_scale, date_format, link_objectives_by, extra_columns)
        self._cells = _Reader(confidence=self._reader.confidence, moment=self._reader.moment)
        self._reads: Mapping[str, Callable[[Any], Any]] = MappingProxyType(
            {
                "number": _number,
                "whole": _whole,
                "bool": _bool,
                "day": self._reader.day,
                "moment": self._reader.moment,
                "confidence": self._reader.confidence,
                "commitment": _member(Commitment),
                "level": _member(Level),
            }
        )
        self._tables: dict[str, _StreamedTable] = {}
        self._current: tuple[str, _StreamedTable] | None = None
        self._keys: dict[tuple[str, ...], int] = {}
        self._links = _StreamedLinks() if link_objectives_by == "id" else None
        self.counting = False

    @property
    def problems(self) -> int:
        """The problems found so far."""
        return self._reader.found + self._cells.found

    def start(self, table: str, header: Sequence[str]) -> None:
        """Begin `table`, whose rows hold the cells `header` names, in its order."""
        if self._links is not None and self._current is not None and not self.counting:
            self._links.complete.add(self._current[0])  # every id of it is known
        kept = _known_columns(
            self._reader, table, {name: [] for name in header}, 0, {}, self._extra
        )
        columns = [_Column() if name in kept[0] else None for name in header]
        streamed = self._tables[table] = _StreamedTable(list(header), columns)
        self._current = (table, streamed)
        self._keys = {}
        self._over_budget()

    def add(self, cells: Sequence[str]) -> None:
        """One row of the table begun last, its cells in the header's order."""
        assert self._current is not None, "start() a table first"
        table, streamed = self._current
        row = streamed.rows
        streamed.rows += 1
        checks = _STREAM_CHECKS[table]
        ours = TABLES[table]
        for name, column, text in zip(streamed.names, streamed.columns, cells, strict=True):
            if column is None:
                continue
            if _is_null(text):
                if ours[name].startswith("*"):
                    self._cells.add(table, row, name, "a value is required")
            elif name in checks and not column.seen(text):
                before = self._cells.found
                self._cells.value(table, row, name, text, self._reads[checks[name]])
                if self._cells.found > before:
                    if not self.counting:
                        column.append(text, checked=False)
                    continue
            if not self.counting:
                column.append(text)
        self._repeated_key(table, streamed, row, cells)
        if self._links is not None:
            self._links.check(
                self._cells, table, streamed.names, row, cells, counting=self.counting
            )
        self._over_budget()

    def _repeated_key(
        self, table: str, streamed: _StreamedTable, row: int, cells: Sequence[str]
    ) -> None:
        names = _STREAM_KEYS.get(table, ())
        if not names or any(name not in streamed.names for name in names):
            return
        key = tuple(cells[streamed.names.index(name)].strip() for name in names)
        if not all(key):
            return
        # While counting, ids seen before still count, but no new ones are kept.
        _repeated(self._cells, table, names[-1], key, row, self._keys, remember=not self.counting)

    def _over_budget(self) -> None:
        if not self.counting and self.problems > MAX_PROBLEMS:
            self.counting = True  # refused whatever follows: keep nothing more
            for streamed in self._tables.values():
                for column in streamed.columns:
                    if column is not None:
                        column.drop()

    def document(self) -> Document:
        """The document of every table streamed in.

        Raises:
            ValidationError: As `from_frames` raises it. Past `MAX_PROBLEMS` problems,
                the rest are counted "at least": by then only cells were checked.
        """
        if self.counting:
            problems = [*self._reader.problems, *self._cells.problems][:MAX_PROBLEMS]
            more = self.problems - len(problems)
            raise ValidationError(
                *problems, Problem("", f"... and at least {more:,} more problems")
            )
        self._links = None  # its ids were for checking rows as they came: let them go
        self._keys = {}
        tables: dict[str, tuple[Columns, int]] = {name: ({}, 0) for name in TABLES}
        for table, streamed in self._tables.items():
            kept = zip(streamed.names, streamed.columns, strict=True)
            columns = {name: column.cells for name, column in kept if column is not None}
            tables[table] = (columns, streamed.rows)
        self._tables.clear()  # the document is built from here: nothing else holds the cells
        return _document(self._reader, tables, self._link_by)


# -- writing tables -------------------------------------------------------------------------


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _joined_links(objective_id: str, initiative_id: str, key_result_ids: Sequence[str]) -> str:
    """An initiative's key results in one cell, joined by ';' (refused where one has ';')."""
    for key_result_id in key_result_ids:
        if ";" in key_result_id:
            raise ValidationError.field(
                f"Objective({objective_id!r}).initiatives[{initiative_id!r}].key_result_ids",
                key_result_id,
                "ids without ';' (a table cell joins them with ';'): rename the key result",
            )
    return ";".join(key_result_ids)


def to_rows(document: Document) -> dict[str, list[dict[str, Any]]]:
    """Every table of `document` as plain rows (lists of dicts), the layout of `TABLES`.

    `from_rows(to_rows(document))` gives back an equal document. Dates stay `date`
    objects, date-times `datetime` ones, except where a frame's typed column would change
    them: an `at` column with days and date-times mixed, a date-time at midnight without
    a zone (a frame reads it as a day) or one with a zone is written as ISO text, which
    reads back exactly. A confidence column with a rating between 0 and 1 is written as
    `'0.5/10'` text, since a bare 0.5 reads as a probability and is refused. Check-ins
    of one key result that share their moment and value get an `id`, so they do not
    read back as one check-in written twice.
    """
    if not isinstance(document, Document):
        raise ValidationError.field("to_rows.document", document, "an okrkpi.serde.Document")
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for objective in document.objectives:
        rows["objectives"].append(_objective_row(objective))
        if len(objective.parents) > 1:
            rows["alignments"].extend(
                {
                    "objective_id": objective.id,
                    "parent_id": parent_id,
                    "weight": weight,
                    "parent_key_result_id": objective.parent_key_results.get(parent_id),
                }
                for parent_id, weight in objective.parents.items()
            )
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
                _check_in_rows(objective.id, key_result, len(rows["check_ins"]))
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
                "key_result_ids": _joined_links(objective.id, item.id, item.key_result_ids),
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
        moments = [row["at"] for row in rows[table]]
        kinds = set(map(type, moments))
        if (datetime in kinds and date in kinds) or not all(map(_kept_by_frames, moments)):
            for row in rows[table]:
                row["at"] = _iso(row["at"])
    ratings = [row["confidence"] for row in rows["check_ins"] if row["confidence"] is not None]
    if any(0.0 < rating < 1.0 for rating in ratings):  # read back as a probability otherwise
        for row in rows["check_ins"]:
            if row["confidence"] is not None:
                row["confidence"] = f"{row['confidence']!r}/10"
    return rows


def _kept_by_frames(moment: Moment) -> bool:
    """Whether a moment survives a typed column of a frame as itself.

    A date-time at midnight without a zone reads back as a day, and a frame column holds
    one zone, so offsets would change: such columns are written as ISO text instead.
    """
    if not isinstance(moment, datetime):
        return True
    return moment.tzinfo is None and moment.time() != datetime.min.time()


def _check_in_rows(objective_id: str, key_result: KeyResult, first: int) -> list[dict[str, Any]]:
    """A key result's check-ins as rows; `first` is the number of the first in its table.

    Check-ins that share their moment and value would read back as one written twice:
    they are given their row's number as an id, which tells them apart.
    """
    entries = list(key_result.check_ins)
    seen: dict[tuple[Any, Any], int] = {}
    for entry in entries:
        key = (entry.at, float(entry.value))
        seen[key] = seen.get(key, 0) + 1
    return [
        {
            "objective_id": objective_id,
            "key_result_id": key_result.id,
            "at": entry.at,
            "value": float(entry.value),
            "confidence": None if entry.confidence is None else entry.confidence.value,
            "note": entry.note,
            "id": str(first + offset) if seen[(entry.at, float(entry.value))] > 1 else None,
        }
        for offset, entry in enumerate(entries)
    ]


def _objective_row(objective: Objective) -> dict[str, Any]:
    cycle = objective.cycle
    one = len(objective.parents) < 2  # several parents: every link in the alignments table
    return {
        "id": objective.id,
        "title": objective.title,
        "commitment": objective.commitment.value,
        "parent_id": objective.parent_id if one else None,
        "parent_key_result_id": objective.parent_key_result_id if one else None,
        "owner": objective.owner,
        "level": objective.level.value,
        **_cycle_cells("cycle", cycle),
        "alignment_weight": objective.alignment_weight if one else None,
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


def _frame(
    rows: Sequence[Mapping[str, Any]],
    names: Iterable[str],
    backend: Backend,
    caller: str = "to_frames",
    types: Mapping[str, str | Callable[[Any], Any]] | None = None,
) -> Any:
    """The rows as a frame of `backend`; `types` names each column's narwhals type (or makes it)."""
    if backend not in ("pandas", "polars", "pyarrow"):
        raise ValidationError.field("backend", backend, "'pandas', 'polars' or 'pyarrow'")
    try:
        nw = _narwhals()
    except MissingExtraError:  # the backend's extra brings narwhals too: name that one
        raise MissingExtraError(f"The {backend} backend", backend, "narwhals") from None
    data = {name: _one_kind_of_number([row.get(name) for row in rows]) for name in names}
    schema = None if types is None else {name: _typed_as(nw, types[name]) for name in data}
    try:
        return _from_dict(nw, data, backend, schema)
    except ModuleNotFoundError as missing:
        raise MissingExtraError(f"The {backend} backend", backend, backend) from missing
    except _UnframeableError:
        raise _unframeable(nw, data, backend, caller) from None


def _typed_as(nw: Any, kind: str | Callable[[Any], Any]) -> Any:
    """A narwhals type named (`"Date"`) or made from narwhals (`lambda nw: nw.Datetime()`)."""
    return getattr(nw, kind)() if isinstance(kind, str) else kind(nw)


class _UnframeableError(Exception):
    """A backend refused the columns, with an error of its own kind."""


def _from_dict(
    nw: Any, data: Mapping[str, list[Any]], backend: str, schema: Mapping[str, Any] | None = None
) -> Any:
    for cells in data.values():
        for value in cells:
            if isinstance(value, Decimal) and value.is_snan():  # polars panics on one
                raise _UnframeableError
    try:
        if schema is not None and backend == "pandas" and not any(data.values()):
            # pandas types an empty column as floats, which cast to no date: built from
            # one empty row, then none.
            one = {name: [None] for name in data}
            return nw.from_dict(one, schema=schema, backend=backend).head(0).to_native()
        return nw.from_dict(data, schema=schema, backend=backend).to_native()
    except ModuleNotFoundError:
        raise
    except Exception:  # noqa: BLE001 - each backend has its own errors for a bad column
        raise _UnframeableError from None
    except BaseException as error:  # a backend's panic, which is no Exception
        if type(error).__name__ != "PanicException":
            raise
        raise _UnframeableError from None


def _one_kind_of_number(cells: list[Any]) -> list[Any]:
    # Whole numbers beside fractions (a mean of 0 beside 0.5) make one float column.
    kinds = {type(value) for value in cells if value is not None}
    if int in kinds and float in kinds and kinds <= {int, float}:
        try:
            return [None if value is None else float(value) for value in cells]
        except OverflowError:
            return cells
    return cells


def _unframeable(
    nw: Any, data: Mapping[str, list[Any]], backend: str, caller: str
) -> ValidationError:
    """The first cell a backend could not put in its column, named by record and key."""
    for name, cells in data.items():
        first: tuple[int, str] | None = None
        for position, value in enumerate(cells):
            if _is_null(value):
                continue
            kind = _cell_kind(value)
            if first is None:
                first = (position, kind)
            elif kind != first[1]:
                return ValidationError.field(
                    f"{caller}.records[{position}].{name}",
                    value,
                    f"{first[1]} like records[{first[0]}].{name} (a {backend} column holds "
                    "one kind of value)",
                )
    for name, cells in data.items():
        low, high = 0, len(cells)  # the shortest failing start of the column: its last cell
        if _builds(nw, {name: cells}, backend):
            continue
        while low < high:
            middle = (low + high) // 2
            if _builds(nw, {name: cells[: middle + 1]}, backend):
                low = middle + 1
            else:
                high = middle
        return ValidationError.field(
            f"{caller}.records[{low}].{name}", cells[low], f"a value a {backend} column can hold"
        )
    return ValidationError(Problem(f"{caller}.records", f"cannot be a {backend} frame"))


def _builds(nw: Any, data: Mapping[str, list[Any]], backend: str) -> bool:
    try:
        _from_dict(nw, data, backend)
    except _UnframeableError:
        return False
    return True


def _cell_kind(value: Any) -> str:
    # Numbers of any type share a column; otherwise a column holds one type.
    if is_number(value):
        return "a number"
    if isinstance(value, datetime):
        return "a date-time"
    if isinstance(value, date):
        return "a date"
    name = type(value).__name__
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"


def to_frames(document: Document, *, backend: Backend = "pandas") -> dict[str, Any]:
    """One frame per table of `document` (the layout of `TABLES`), of the chosen backend.

    `from_frames(**to_frames(document))` gives back an equal document.

    Raises:
        MissingExtraError: narwhals or the backend is not installed.
    """
    with collector_paused():
        rows = to_rows(document)
        return {name: _frame(rows[name], TABLES[name], backend) for name in TABLES}


# -- CSV files ------------------------------------------------------------------------------

# OWASP's rule for CSV injection: a spreadsheet runs a cell that starts with one of these.
_FORMULA_STARTS = "=+-@\t\r"
# A cell the writer escaped: one apostrophe more than it had before one of those.
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")


def excel_escaped(text: str, *, excel_safe: bool) -> str:
    """A text cell as `to_csv` writes it; `excel_unescaped` gives it back.

    With `excel_safe` a cell that starts with = + - @ tab or CR gets a leading
    apostrophe, so a spreadsheet shows it as text instead of running it. Either way a cell
    that already starts with apostrophes before one of those gets one more, so reading
    back never loses an apostrophe of the data.
    """
    if (excel_safe and text[:1] in _FORMULA_STARTS and text) or _ESCAPED.match(text):
        return "'" + text
    return text


def excel_unescaped(text: str) -> str:
    """A text cell of a CSV file without the apostrophe `excel_escaped` put before it."""
    return text[1:] if _ESCAPED.match(text) else text


def _csv_cell(value: Any, excel_safe: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):  # datetimes too: a time, even midnight, stays written
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same float
    if isinstance(value, str):
        return excel_escaped(value, excel_safe=excel_safe)
    return str(value)


def to_csv(
    data: Document | Mapping[str, Sequence[Mapping[str, Any]]],
    folder: str | os.PathLike[str],
    *,
    excel_safe: bool = False,
    encoding: str = "utf-8",
) -> dict[str, Path]:
    """Write every table as a CSV file in `folder`, the layout `okrkpi score FOLDER` reads.

    One file per table of `TABLES` (`objectives.csv`, `key_results.csv`, ...), every
    column in `TABLES` order, an empty table as its header alone, so no file from an
    earlier export is left to be read with the new ones. Dates are ISO text, numbers are
    written so they read back as the same float, flags as true / false.

    Args:
        data: A `Document`, or rows by table as `to_rows` gives them (to edit first).
        folder: Where to write; made if missing. Files of the same names are replaced.
        excel_safe: Neutralise spreadsheet formulas (CSV injection): a text cell that
            starts with = + - @ tab or CR is written after an apostrophe, so Excel and
            its kind show it as text. Numbers are numbers, not text, so a negative number
            is never touched. `read_csv` (and the command line) removes the apostrophe
            again, so the files read back as the same document. Either way a text cell
            that already starts with apostrophes before one of those characters gets one
            more, which `read_csv` removes: read the folder back with `read_csv`, not
            with a plain CSV reader.
        encoding: `"utf-8"` (the default) or `"utf-8-sig"`, which writes the
            byte-order mark Excel needs to read UTF-8 (`read_csv` reads past it). Other
            encodings are refused: the folder would not read back.

    Returns:
        The path written for each table.

    Raises:
        ValidationError: `data` is neither, a table or column is not in `TABLES`, or the
            folder cannot be written (the message names it).
    """
    rows = _rows_to_write(data)
    if not isinstance(excel_safe, bool):
        raise ValidationError.field("to_csv.excel_safe", excel_safe, "True or False")
    try:
        codec = codecs.lookup(encoding).name
    except (LookupError, TypeError):
        codec = None
    if codec not in ("utf-8", "utf-8-sig"):  # what `read_csv` and the command line read
        raise ValidationError.field("to_csv.encoding", encoding, "'utf-8' or 'utf-8-sig'")
    target = Path(folder)
    written = {table: target / f"{table}.csv" for table in TABLES}
    drafts = {table: target / f".{table}.csv.draft" for table in TABLES}
    try:
        target.mkdir(parents=True, exist_ok=True)
        for table, columns in TABLES.items():
            with drafts[table].open("w", encoding=encoding, newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(columns)
                writer.writerows(
                    [_csv_cell(row.get(column), excel_safe) for column in columns]
                    for row in rows.get(table, ())
                )
        for table, path in written.items():  # all or nothing: no folder of old and new
            os.replace(drafts[table], path)
    except UnicodeEncodeError as error:
        raise ValidationError.field(
            f"to_csv.{table}", error.object[error.start : error.end], f"text {encoding} can write"
        ) from None
    except (OSError, LookupError) as error:
        raise ValidationError.field(
            "to_csv.folder", str(target), f"a folder to write ({error})"
        ) from None
    finally:
        for draft in drafts.values():
            with contextlib.suppress(OSError):  # written and moved, or never made
                draft.unlink()
    return written


def read_csv(
    folder: str | os.PathLike[str],
    *,
    extra_columns: ExtraColumns = "error",
    confidence_scale: ConfidenceScale | None = None,
    date_format: str | None = None,
    link_objectives_by: LinkBy = "id",
    max_bytes: int = 64 * 1024 * 1024,
) -> Document:
    """The document in a folder of CSV files, as `to_csv` writes it and `okrkpi score` reads it.

    One file per table (`objectives.csv`, `key_results.csv`, ...; missing ones are
    empty tables), UTF-8 with or without a byte-order mark. Each file streams in row by
    row, in memory bounded however bad it is. A text cell `to_csv` escaped (an
    apostrophe before = + - @ tab or CR) reads without that apostrophe, so
    `read_csv(folder)` gives back the document `to_csv(document, folder)` wrote.

    Args:
        folder: The folder to read. Links in it are followed only within it.
        extra_columns: As `from_frames` takes it.
        confidence_scale: As `from_frames` takes it.
        date_format: As `from_frames` takes it.
        link_objectives_by: As `from_frames` takes it.
        max_bytes: The largest file read, in bytes.

    Raises:
        ValidationError: Bad options, a file that cannot be read (not UTF-8, not valid
            CSV, too large, a row with more cells than its header), or bad cells, each
            named by its file, line and column: `okrs/check_ins.csv line 2, column value`.
    """
    from okrkpi._edges.cli import InputError, read_folder  # noqa: PLC0415 - cli imports this module

    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValidationError.field("read_csv.max_bytes", max_bytes, "a whole number >= 1")
    # Checked here, so a bad option is named as read_csv takes it, not as from_frames does.
    _check_options("read_csv", confidence_scale, date_format, link_objectives_by, extra_columns)
    options = {
        "extra_columns": extra_columns,
        "confidence_scale": confidence_scale,
        "date_format": date_format,
        "link_objectives_by": link_objectives_by,
    }
    try:
        # An empty document reads back empty, as `to_csv` wrote it (the CLI refuses it).
        return read_folder(Path(folder), max_bytes, options, empty=True)
    except InputError as error:
        raise ValidationError(Problem("", str(error))) from None


def _rows_to_write(
    data: Document | Mapping[str, Sequence[Mapping[str, Any]]],
) -> Mapping[str, Sequence[Mapping[str, Any]]]:
    if isinstance(data, Document):
        return to_rows(data)
    if not isinstance(data, Mapping):
        raise ValidationError.field("to_csv.data", data, "a Document or rows by table")
    for table, rows in data.items():
        if table not in TABLES:
            raise ValidationError.field("to_csv.data", table, f"one of {', '.join(TABLES)}")
        for position, row in enumerate(rows):
            if not isinstance(row, Mapping):
                raise ValidationError.field(f"to_csv.data[{table!r}][{position}]", row, "a mapping")
            unknown = [name for name in row if name not in TABLES[table]]
            if unknown:
                raise ValidationError.field(
                    f"to_csv.data[{table!r}][{position}]", unknown[0], f"a column of {table}"
                )
    return data


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
# The type of each column of scores, so that a column with no value (no owner, say) is
# of its type, as `score_frames` gives it, not of none.
_SCORE_TYPES = MappingProxyType(
    {
        "as_of": "Date",
        "objective_id": "String",
        "objective": "String",
        "owner": "String",
        "cycle": "String",
        "key_result_id": "String",
        "key_result": "String",
        "current": "Float64",
        "progress": "Float64",
        "value": "Float64",
        "grade": "String",
        "status": "String",
        "met": "Boolean",
    }
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
    "compare to past". A date scores as things stood at the end of that day; a date-time
    at that exact moment, and `as_of` then holds the date-times (aware ones in UTC).

    Raises:
        MissingExtraError: narwhals or the backend is not installed.
    """
    days = _dates(as_of)
    timed = bool(days) and isinstance(days[0], datetime)
    for position, day in enumerate(days):  # one column holds days or moments, not both
        if isinstance(day, datetime) != timed:
            kind = "a date-time" if timed else "a date"
            raise ValidationError.field(
                f"scores_frame.as_of[{position}]",
                day,
                f"{kind} like as_of[0] (days and date-times are not mixed)",
            )
    rows = score_rows(tree, days, key_results=key_results, policy=policy)
    names = _KR_SCORE_COLUMNS if key_results else _SCORE_COLUMNS
    types: Mapping[str, str | Callable[[Any], Any]] = _SCORE_TYPES
    if timed:  # exact moments: kept with their time
        aware = any(cast(datetime, moment).tzinfo is not None for moment in days)
        zone = "UTC" if aware else None
        types = {**types, "as_of": lambda nw: nw.Datetime("us", time_zone=zone)}
    return _frame(rows, names, backend, "scores_frame", types)


def kpi_frame(
    kpis: Iterable[KPI],
    as_of: date | Iterable[date],
    *,
    backend: Backend = "pandas",
    day_of: DayOf | str = DayOf.LOCAL,
) -> Any:
    """KPI health as a frame: one row per (KPI, date).

    Columns: as_of, kpi, value (the latest measurement), health, reason, overdue, unit.
    `day_of` is the day rule that puts a timed measurement on a date, as
    `KPI.health_report` takes it: the local day of its own offset (the default) or
    its UTC day.
    """
    rows = []
    rule = day_rule(day_of, "kpi_frame.day_of")
    items = _sequence("kpi_frame", "kpis", kpis)
    for position, kpi in enumerate(items):
        if not isinstance(kpi, KPI):
            raise ValidationError.field(f"kpi_frame.kpis[{position}]", kpi, "a KPI")
    for day in _dates(as_of, "kpi_frame"):
        for kpi in items:
            report = kpi.health_report(day, day_of=rule)
            rows.append(
                {
                    "as_of": day,
                    "kpi": kpi.name,
                    "value": report.value,
                    "health": report.health.value,
                    "reason": report.reason,
                    "overdue": kpi.is_overdue(day, day_of=rule),
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
    return _frame(rows, names, backend, "records_frame")
