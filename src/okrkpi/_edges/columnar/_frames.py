"""The tables a caller gives, as narwhals lazy frames of one backend, and the result back.

Every table becomes a `narwhals.LazyFrame` with the caller's column names mapped to
ours and a row number (`ROW`) in the table's own order, so that "row 1042" means the
same row here as in `from_frames`, and ties (two check-ins at one moment, the order of
milestones) are broken as the pure reader breaks them: by position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from okrkpi._edges.tables import TABLES, _known_columns, _Reader
from okrkpi._errors import MissingExtraError, Problem, ValidationError

ROW = "__okrkpi_row"
"""The column holding each row's position in its table (0 for the first row)."""

SCORED_TABLES = (
    "alignments",  # from_frames reads the links first, and reports their problems first
    "objectives",
    "key_results",
    "check_ins",
    "milestones",
    "plans",
    "initiatives",
)
"""The tables `score_frames` reads, in the order problems are reported."""

BLANKS = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""What Python's `str.strip` strips, as `from_frames` strips a cell.

Named to every backend: DuckDB's and Spark's trims strip ASCII's blanks alone, polars'
Unicode's but not the four separators (\\x1c to \\x1f).
"""


def stripped(text: Any) -> Any:
    """The narwhals expression `text` without blanks at either end, as Python strips it."""
    return text.str.strip_chars(BLANKS)


def narwhals() -> Any:
    """The narwhals module (stable API v2), or the error naming the extra to install."""
    try:
        import narwhals.stable.v2 as nw  # noqa: PLC0415 - optional: only frames need it
    except ImportError:
        raise MissingExtraError("Scoring data frames", "tables", "narwhals") from None
    return nw


class Inputs:
    """The tables given to `score_frames`, read as lazy frames of one backend.

    Attributes:
        frames: Table name -> lazy frame with our column names and `ROW`; absent
            optional tables are left out.
        implementation: The backend all tables share (a `narwhals.Implementation`).
        lazy: Whether the caller gave lazy frames (the result is then lazy too).
        problems: The column names refused (misspelt, unknown, renames naming nothing),
            raised with the required columns found missing by `prepared_columns`.
        more_problems: How many more were counted past `MAX_PROBLEMS`.
    """

    def __init__(
        self,
        given: Mapping[str, Any],
        renames: Mapping[str, Mapping[str, str]],
        extra_columns: str = "error",
        caller: str = "score_frames",
    ) -> None:
        nw = narwhals()
        self.frames: dict[str, Any] = {}
        self.implementation: Any = None
        self.lazy = False
        first: str | None = None
        names = _Reader()  # the column names' problems, all tables' at once
        # A required table given as no rows (`()`, `[]`) is an empty table, as from_frames
        # reads it: made once another table tells the backend.
        empty = [
            table
            for table in REQUIRED_TABLES
            if isinstance(given.get(table), tuple | list) and not given[table]
        ]
        if len(empty) == len(REQUIRED_TABLES):
            empty = []  # no frame to tell the backend: refused by name below
        for table, data in given.items():
            ours = renames.get(table, {})
            if table in REQUIRED_TABLES and data is None:
                raise ValidationError.field(table, data, "a data frame narwhals supports")
            absent = table in empty or (table not in REQUIRED_TABLES and _absent(data))
            frame = None if absent else _from_native(nw, table, data)
            _known_columns(
                names,
                table,
                {} if frame is None else dict.fromkeys(map(str, frame.columns), ()),
                0,
                ours,
                extra_columns,
                given=not (isinstance(data, tuple) and not data),  # `()`: not passed
                caller=caller,
            )
            if frame is None:
                continue
            implementation = frame.implementation
            if self.implementation is None:
                self.implementation, first = implementation, table
            elif implementation is not self.implementation:
                raise ValidationError.field(
                    table,
                    f"a {_kind(implementation)} frame",
                    f"a frame of the same kind as {first} ({_kind(self.implementation)})",
                )
            self.lazy = self.lazy or isinstance(frame, nw.LazyFrame)
            renamed = [ours.get(str(name), str(name)) for name in frame.columns]
            if len(set(renamed)) == len(renamed):  # else two land on one name: reported
                self.frames[table] = _renamed(table, frame, ours)
        anchor = next(iter(self.frames.values()), None)
        if anchor is not None:
            for table in empty:
                self.frames[table] = _empty_table(nw, anchor, table)
        # Raised with the required columns found missing, as from_frames raises them.
        self.problems: list[Problem] = list(names.problems)
        self.more_problems = names.found - len(names.problems)
        self.frames = {table: with_row_numbers(nw, frame) for table, frame in self.frames.items()}

    def result(self, frame: Any) -> Any:
        """`frame` in the caller's kind: lazy stays lazy, eager frames are collected."""
        if self.lazy:
            return frame.to_native()
        native = frame.collect(backend=self.implementation).to_native()
        nw = narwhals()
        if self.implementation is nw.Implementation.PANDAS:
            # Labels of a fresh frame, 0..n-1, not the rows' places before the sort.
            native = native.reset_index(drop=True)
        elif self.implementation is nw.Implementation.PYARROW:
            # Arrow's `string`, as `scores_frame` and `to_frames` write text (the engine
            # that computed it gives `large_string`).
            table = nw.from_native(native)
            text = [name for name, dtype in table.schema.items() if dtype == nw.String]
            native = table.with_columns(nw.col(*text).cast(nw.String)).to_native()
        return native


def _empty_table(nw: Any, anchor: Any, table: str) -> Any:
    """No rows of `table`'s required columns (`*` in `TABLES`), as a frame of `anchor`'s backend."""
    required = [name for name, meaning in TABLES[table].items() if meaning.startswith("*")]
    columns = [
        nw.lit(None, dtype=getattr(nw, _EMPTY_TYPES.get(name, "String"))).alias(name)
        for name in required
    ]
    nothing = ~nw.col(required[0]).is_null()  # false: the column is all nulls
    return anchor.with_columns(*columns).select(*required).filter(nothing)


# The tables score_frames cannot do without; an empty one's columns are text but these.
REQUIRED_TABLES = ("objectives", "key_results", "check_ins")
_EMPTY_TYPES = MappingProxyType({"at": "Date", "value": "Float64"})


def _lazy_engine(nw: Any) -> Any:
    """The lazy engine that computes for pyarrow tables: polars, else DuckDB."""
    for name, engine in (
        ("polars", nw.Implementation.POLARS),
        ("duckdb", nw.Implementation.DUCKDB),
    ):
        try:
            __import__(name)
        except ImportError:
            continue
        return engine
    raise MissingExtraError("Scoring pyarrow tables", "polars", "polars")


def _absent(data: Any) -> bool:
    """An optional table left out: `()` (the default), `None` or an empty sequence."""
    return data is None or (isinstance(data, tuple | list) and not data)


def _kind(implementation: Any) -> str:
    return str(implementation.value) if hasattr(implementation, "value") else str(implementation)


def _from_native(nw: Any, table: str, data: Any) -> Any:
    if isinstance(data, Mapping | str | bytes | tuple | list):
        raise ValidationError.field(
            table, data, "a data frame (score_frames reads frames; from_frames reads rows)"
        )
    try:
        frame = nw.from_native(data)
    except TypeError:
        raise ValidationError.field(table, data, "a data frame narwhals supports") from None
    if not isinstance(frame, nw.DataFrame | nw.LazyFrame):
        raise ValidationError.field(table, data, "a data frame narwhals supports")
    return frame


def _renamed(table: str, frame: Any, renames: Mapping[str, str]) -> Any:
    """`frame` with the caller's names mapped to ours (its names checked by `_known_columns`)."""
    names = [str(name) for name in frame.columns]
    renamed = [renames.get(name, name) for name in names]
    ours = set(TABLES[table])
    mapping = {old: new for old, new in zip(names, renamed, strict=True) if old != new}
    frame = frame.rename(mapping) if mapping else frame
    # Columns we do not read are dropped early: a wide export costs nothing downstream.
    kept = [name for name in renamed if name in ours]
    if not kept and renamed:  # one column is kept for the rows: its required ones are missing
        return frame.select(narwhals().col(renamed[0]).alias(_ROWS_ONLY))
    return frame.select(kept)


_ROWS_ONLY = "__okrkpi_rows_only"


def with_group_value(nw: Any, frame: Any, value: Any, by: Sequence[str], name: str) -> Any:
    """`frame` with one aggregate per group of `by` (`value`, an expression) as column `name`.

    A window (`value.over(*by)`) where the backend lines one up with the frame's rows;
    on Dask a window is a group-by transform that can meet the frame's rows in another
    partition layout after a join or a concat (whose index repeats labels), so there
    the groups are aggregated and joined back on `by`.
    """
    if frame.implementation is nw.Implementation.DASK:
        groups = frame.group_by(*by).agg(value.alias(name))
        return frame.join(groups, on=list(by), how="left")
    return frame.with_columns(value.over(*by).alias(name))


def with_row_numbers(nw: Any, frame: Any) -> Any:
    """`frame` as a lazy frame with `ROW`, each row's position in the table's own order.

    Eager frames and polars lazy frames have an order; a DuckDB relation is numbered in
    the order DuckDB reads it (a table's insertion order), a Spark frame in partition
    order, a Dask frame in partition and index order. A pyarrow table is computed by a
    lazy engine (polars, else DuckDB): pyarrow has no ordered window functions.
    """
    if isinstance(frame, nw.DataFrame):
        numbered = frame.with_row_index(ROW)
        if frame.implementation is nw.Implementation.PYARROW:
            return numbered.lazy(backend=_lazy_engine(nw))
        return numbered.lazy()
    implementation = frame.implementation
    native = frame.to_native()
    if implementation is nw.Implementation.POLARS:
        return nw.from_native(native.with_row_index(ROW))
    if implementation is nw.Implementation.DUCKDB:
        return nw.from_native(native.project(f'*, (row_number() OVER () - 1) AS "{ROW}"'))
    if implementation is nw.Implementation.PYSPARK:
        from pyspark.sql import functions  # noqa: PLC0415 - only with a Spark frame

        # Increasing in partition order, not consecutive: positions are counted only
        # for the rows a problem is reported on.
        return nw.from_native(native.withColumn(ROW, functions.monotonically_increasing_id()))
    if implementation is nw.Implementation.DASK:
        numbered = native.assign(**{ROW: 1})
        numbered[ROW] = numbered[ROW].cumsum() - 1  # across partitions, in their order
        return nw.from_native(numbered)
    raise MissingExtraError(  # pragma: no cover - every lazy backend narwhals has is above
        f"Scoring {_kind(implementation)} frames", "tables", "narwhals"
    )


def polars_joined_by_runs(left: Any, right: Any, on: Sequence[str]) -> Any:
    """polars: `left` inner-joined to `right` (unique keys), in `left`'s order, by runs.

    Tables list a key result's check-ins together: each run of rows with equal keys is
    joined once, by its first row, and its rows take that row's match, where joining
    every row hashed millions of pairs of ids. None where runs are short (rows
    interleaved), a key repeats in `right`, or polars' join cannot keep the order.
    """
    import polars as pl  # noqa: PLC0415 - only with polars frames

    starts = left.select(polars_run_starts(on)).to_series()
    heads = left.filter(starts).select(*on)
    if heads.height * RUN_LENGTH > left.height:
        return None
    if (
        heads.equals(right.select(*on))
        and not heads.null_count().sum_horizontal().item()  # an empty key matches nothing
        and heads.n_unique() == heads.height  # a key twice takes every run of it
    ):  # a run per key, in `right`'s order: no join
        matched = right
    else:
        try:
            matched = heads.join(right, on=on, how="left", maintain_order="left")
        except TypeError:  # a polars before join(maintain_order=)
            return None
        if matched.height != heads.height:  # a key twice in `right`: rows would repeat
            return None
    runs = starts.cast(pl.Int64).cum_sum() - 1  # each row's run
    taken = matched.drop(*on).select(pl.all().gather(runs))
    found = pl.col(taken.columns[0]).is_not_null()
    return pl.concat([left, taken], how="horizontal").lazy().filter(found)


# Runs of at least this many rows on average are joined run by run.
RUN_LENGTH = 4


def optional_numpy() -> Any:
    """numpy, or None where it is not installed: polars does not bring it."""
    try:
        import numpy  # noqa: PLC0415 - optional: a faster path where installed
    except ImportError:
        return None
    return numpy


def polars_run_starts(keys: Sequence[str]) -> Any:
    """polars: whether each row starts a run, its `keys` not all those of the row before.

    Rows of empty keys make runs too (of no key result), as equal keys do.
    """
    import polars as pl  # noqa: PLC0415 - only with polars frames

    starts = pl.int_range(pl.len()) == 0
    for name in keys:
        starts = starts | pl.col(name).ne_missing(pl.col(name).shift())
    return starts
