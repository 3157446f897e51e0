"""The columnar engine: whole organisations scored where their tables live.

The tables `from_frames` reads are joined and scored with narwhals expressions, for one
date or many at once, on any backend narwhals supports; nothing is built per row. The
steps, each a function below:

1. objectives: commitment, cycle days, alignment links;
2. key results: their measure's columns, milestone weights;
3. check-ins: each one's day (by the policy's day rule) and order; the one current on
   each date is found by comparing its day with the next check-in's;
4. key results on each date: progress by kind, value, grade, met, status (pace during
   the cycle, final after it, a plan's expected progress where there is one);
5. objectives on each date: the aggregator over key results, rolled up the alignment tree
   level by level when the roll-up uses children; grade, met, status.

Days are whole numbers (days since 1970-01-01) computed from a date's year, month and
day, so the arithmetic is the same on every backend.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, Literal

from okrkpi._edges.columnar import rules as r
from okrkpi._edges.columnar._frames import (
    ROW,
    Inputs,
    narwhals,
    optional_numpy,
    polars_joined_by_runs,
    stripped,
    with_group_value,
)
from okrkpi._edges.columnar.validation import (
    KIND_WORD,
    cell_readers,
    check_tables,
    prepared_columns,
)
from okrkpi._edges.tables import (
    _KR_SCORE_COLUMNS,
    _SCORE_COLUMNS,
    ExtraColumns,
    _check_options,
    _renames,
)
from okrkpi._errors import ValidationError
from okrkpi._model.confidence_scale import ConfidenceScale
from okrkpi._model.cycle import Cycle
from okrkpi._model.key_result import KeyResultKind
from okrkpi._model.zones import DEFAULT_COMMIT_SHARE, DEFAULT_TARGET_SHARE
from okrkpi._scoring.policy import ScoringPolicy, resolve_policy

__all__ = ["score_frames"]

EPOCH = date(1970, 1, 1)
_KIND = KeyResultKind

# The columns of `scores_frame`, in its order: the two engines answer alike.
OBJECTIVE_COLUMNS = _SCORE_COLUMNS
KEY_RESULT_COLUMNS = _KR_SCORE_COLUMNS


def score_frames(
    as_of: date | Iterable[date],
    *,
    objectives: Any,
    key_results: Any,
    check_ins: Any,
    alignments: Any = (),
    milestones: Any = (),
    plans: Any = (),
    initiatives: Any = (),
    columns: Mapping[str, Mapping[str, str]] | None = None,
    extra_columns: ExtraColumns = "error",
    confidence_scale: ConfidenceScale | None = None,
    date_format: str | None = None,
    by: Literal["objective", "key_result"] = "objective",
    policy: ScoringPolicy | None = None,
    validate: bool = True,
) -> Any:
    """Score whole organisations from their tables, where the tables live.

    The tables and columns are those `from_frames` reads (`TABLES`); the result has the
    columns of `scores_frame`. Frames may be of any kind narwhals supports, eager or
    lazy: pandas, polars (DataFrame or LazyFrame), pyarrow, a DuckDB relation, a Dask
    or a PySpark DataFrame. All tables are of one kind; the result is of that kind, and
    lazy when any table is lazy (nothing is collected: the caller collects). The
    built-in strategies run as expressions of the frame library, for every date at once.

    Rows come date by date in the order the dates are given, then objectives in their
    table's order, then (with `by="key_result"`) key results in theirs: the order of
    `scores_frame` on the same tables read by `from_frames`.

    A roll-up that reads children (`children`, `key_results_and_children`,
    `driven_key_results`) scores the tree from its leaves up: eager tables level by
    level, each computed as it is reached; a lazy plan scores every objective once per
    level of the tree, each round from the last, so it grows with the tree's depth.

    Args:
        as_of: A date or a sequence of dates; each is "as it stood at the end of that
            day", judged within each objective's cycle, as `scores_frame` does. No
            date gives no rows, with the result's columns. A date-time is refused:
            scores at an exact moment come from `scores_frame`.
        objectives: One row per objective; `parent_id` (with `alignment_weight` and
            `parent_key_result_id`) is its first parent.
        alignments: Further parents, one row per link (optional), read as `from_frames`
            reads them: a child shared by several parents counts in each with that
            link's weight, judged on that parent's judged day.
        key_results: One row per key result, linked by `objective_id`.
        check_ins: One row per check-in, linked by `objective_id` and `key_result_id`.
        milestones: The steps of milestones key results, in order (optional).
        plans: The planned values of metric key results (optional).
        initiatives: Read for validation only: no built-in roll-up the engine computes
            uses them (optional).
        columns: Renames per table, the caller's column name to ours, as in `from_frames`.
        extra_columns: Columns okrkpi does not read, as in `from_frames`: `"error"` (the
            default) refuses each by name, `"warn"` warns once per table
            (`UnknownColumnsWarning`), `"ignore"` reads past them. A rename that names
            no column, and a column that is ours but for its case or separators, are
            always refused.
        confidence_scale: The scale of the check-ins' `confidence` cells, as in
            `from_frames` (0..10 ratings when None). No score reads a confidence: the
            cells are checked, then left out.
        date_format: A `strptime` format for text dates, as in `from_frames`. Text is
            read cell by cell for eager tables and polars LazyFrames, by distinct cells
            on DuckDB and Spark (at most 1,000 of them); on Dask, and for larger
            columns, keep dates in date or time-stamp columns.
        by: `"objective"` for one row per objective and date, `"key_result"` for one row
            per key result and date.
        policy: Built-in strategies only (the defaults when None): a custom strategy
            cannot become an expression, and is refused by name.
        validate: Check every table first, as `from_frames` does (a few small queries,
            whose results are the problems found). False skips the checks for tables
            already known to be valid, e.g. kept under the constraints of `schema_sql`:
            tables that are not give answers no valid document has (a metric whose
            start equals its target scores NaN, graded as if met), with no error.

    Returns:
        A frame of the tables' kind: pandas, polars, pyarrow, a DuckDB relation, ...

    Raises:
        ValidationError: A bad argument, a strategy the engine cannot compute, or (with
            `validate`) every bad cell, each named like `check_ins[row 1042].value`, as
            `from_frames` names it, up to `MAX_PROBLEMS`.
        MissingExtraError: narwhals is not installed.
    """
    days = _as_of_days(as_of)
    rules = r.read_policy(resolve_policy(policy))
    _check_options("score_frames", confidence_scale, date_format, "id", extra_columns)
    if by not in ("objective", "key_result"):
        raise ValidationError.field("score_frames.by", by, "'objective' or 'key_result'")
    if not isinstance(validate, bool):
        raise ValidationError.field("score_frames.validate", validate, "True or False")
    given = {
        "objectives": objectives,
        "alignments": alignments,
        "key_results": key_results,
        "check_ins": check_ins,
        "milestones": milestones,
        "plans": plans,
        "initiatives": initiatives,
    }
    inputs = Inputs(given, _renames(columns, "score_frames"), extra_columns)
    nw = narwhals()
    frames, found = prepared_columns(
        nw,
        inputs,
        rules.local_days,
        cell_readers(confidence_scale, date_format),
        scaled=confidence_scale is not None,
    )
    if not inputs.lazy:
        # Eager tables are in memory already: prepare them once, not once per query.
        frames = {name: frame.collect().lazy() for name, frame in frames.items()}
    if validate:
        check_tables(nw, inputs, frames, found)
    else:
        found.raise_any()  # cells of a wrong type cannot be scored
    cycles = _cycle_days(nw, frames["objectives"])
    objective_table = _objectives(nw, frames["objectives"], cycles)
    key_result_table = _key_results(nw, frames, objective_table)
    if not inputs.lazy:  # each is read by several steps: computed once
        objective_table = objective_table.collect().lazy()
        key_result_table = key_result_table.collect().lazy()
    asked = len(days)
    if not days:  # no date: scored for one day, then left out, for the result's columns
        days = [(EPOCH, 0)]
    if rules.uses_children and by == "objective":
        days = days + _parents_last_days(nw, objective_table, days)
    dates = dates_frame(nw, frames["objectives"], days)
    dated = _key_results_on_dates(
        nw,
        frames,
        key_result_table,
        days,
        dates,
        rules,
        labels=by == "key_result",
        eager=not inputs.lazy,
        own_offsets=_own_offsets(nw, inputs),
    )
    if by == "key_result":
        if len(days) > asked:  # the one day scored for no date asked
            dated = dated.filter(nw.col("date_index") < asked)
        text = key_result_table.select(
            "key_result_row", "objective_id", "objective", "key_result_id", "key_result"
        )
        order: tuple[str, ...] = ("date_index", "objective_row", "key_result_row")
        return _labelled(nw, inputs, dated, text, "key_result_row", order, KEY_RESULT_COLUMNS)
    links = _links(nw, frames, objective_table) if rules.uses_children else None
    scored = _objectives_on_dates(
        nw, objective_table, dated, dates, rules, links, eager=not inputs.lazy
    )
    if len(days) > asked:  # days scored for their columns or the parents' children only
        scored = scored.filter(nw.col("date_index") < asked)
    text = objective_table.select("objective_row", "objective_id", "objective", "owner", "cycle")
    if rules.uses_children:  # the roll-up kept the ids it links by
        text = text.drop("objective_id")
    order = ("date_index", "objective_row")
    return _labelled(nw, inputs, scored, text, "objective_row", order, OBJECTIVE_COLUMNS)


def _labelled(
    nw: Any,
    inputs: Inputs,
    numbers: Any,
    text: Any,
    key: str,
    order: Sequence[str],
    columns: Sequence[str],
) -> Any:
    """The scores with their text joined by `key`, in `order`, as the caller's kind."""
    if not inputs.lazy and numbers.implementation is nw.Implementation.POLARS:
        # In memory already: sorted by polars' in-memory engine, which sorts these rows
        # in less time than its streaming one, before the text is joined.
        wanted = [name for name in numbers.collect_schema() if name in columns or name in order]
        labelled = _polars_sorted_join(
            numbers.select(*wanted).to_native().collect(), text.to_native().collect(), key, order
        )
        return inputs.result(nw.from_native(labelled.select(*columns).lazy()))
    result = numbers.join(text, on=key, how="inner")
    return inputs.result(result.sort(*order).select(*columns))


def _polars_sorted_join(numbers: Any, text: Any, key: str, order: Sequence[str]) -> Any:
    """`numbers` sorted by `order`, with `text` joined by `key` in that order (polars).

    Two positions sort as one packed integer, far faster than two columns, and rows built
    in that order already are not sorted again. Where every date holds every row of the
    text in order (by objective, always), the text is the text table once per date.
    """
    import polars as pl  # noqa: PLC0415 - only with polars frames

    if len(order) != 2:  # by key result: three positions, too wide to pack in one
        return numbers.join(text, on=key, how="inner").sort(*order)
    first, second = (pl.col(name).cast(pl.Int64) for name in order)
    packed = numbers.select(first * _PACKED + second).to_series()
    if not packed.is_sorted():
        numbers = numbers.sort(packed)
    keys = text.get_column(key)
    blocks, left = divmod(numbers.height, max(keys.len(), 1))
    rows = numbers.get_column(key)
    in_place = keys.equals(pl.int_range(keys.len(), dtype=keys.dtype, eager=True))
    if (
        in_place
        and blocks
        and not left
        and rows.equals(pl.concat([keys.cast(rows.dtype)] * blocks))
    ):
        labels = pl.concat([text.drop(key)] * blocks, rechunk=False)
        return pl.concat([numbers, labels], how="horizontal")
    joined = _polars_joined_in_order(numbers, text, key)
    return numbers.join(text, on=key, how="inner").sort(*order) if joined is None else joined


def _parents_last_days(
    nw: Any, objectives: Any, days: Sequence[tuple[date, int]]
) -> list[tuple[date, int]]:
    """The cycles' last days before the last date asked for, not asked for themselves.

    A parent judged after its cycle judges its children as they stood on its last day:
    those days are scored too, then left out (a small query: the distinct days).
    """
    latest = max(number for _, number in days)
    asked = {number for _, number in days}
    found = (
        objectives.filter(nw.col("cycle_last") < float(latest))
        .select("cycle_last")
        .unique()
        .collect()
        .get_column("cycle_last")
        .to_list()
    )
    extra = sorted({int(number) for number in found if number is not None} - asked)
    return [(EPOCH + timedelta(days=number), number) for number in extra]


def _links(nw: Any, frames: Mapping[str, Any], objectives: Any) -> Any:
    """Every alignment link, as `from_frames` reads them: child, parent, weight, key result.

    The objectives row's `parent_id` (weight `alignment_weight`, default 1) and every
    alignments row (weight `weight`, default 1).
    """
    first = objectives.filter(~nw.col("parent_id").is_null()).select(
        nw.col("objective_id").alias("child_id"),
        "parent_id",
        nw.col("alignment_weight").cast(nw.Float64).alias("link_weight"),
        "parent_key_result_id",
    )
    if "alignments" in frames:
        more = frames["alignments"].select(
            nw.col("objective_id").alias("child_id"),
            "parent_id",
            nw.coalesce(nw.col("weight"), nw.lit(1.0)).cast(nw.Float64).alias("link_weight"),
            nw.col("parent_key_result_id").cast(nw.String),
        )
        first = nw.concat([first, more])
    return _scaled_weights(nw, first, "link_weight", ("parent_id",))


def _as_of_days(as_of: date | Iterable[date]) -> list[tuple[date, int]]:
    """The dates asked for, each with its day number."""
    if isinstance(as_of, date):
        given: list[Any] = [as_of]
        paths = ["score_frames.as_of"]
    elif isinstance(as_of, str | bytes | Mapping) or not isinstance(as_of, Iterable):
        raise ValidationError.field("score_frames.as_of", as_of, "a date or a sequence of dates")
    else:
        given = list(as_of)
        paths = [f"score_frames.as_of[{position}]" for position in range(len(given))]
    for path, day in zip(paths, given, strict=True):
        if isinstance(day, datetime) or not isinstance(day, date):
            expected = "a date (scores are as of the end of a day)"
            if isinstance(day, datetime):  # a moment, e.g. pandas' date_range: say how
                expected += "; for days, pass .date() (a pandas range: its .date)"
            raise ValidationError.field(path, day, expected)
    return [(day, (day - EPOCH).days) for day in given]


# -- 1. objectives ---------------------------------------------------------------------------


def _cycle_days(nw: Any, objectives: Any) -> dict[tuple[str, int], tuple[int, int, str]]:
    """The days and the model's name of every cycle named without dates, once per name.

    The first and last day, and the name as the model writes it ("2026-Q3" for
    "2026-q3"). A small query: the distinct names (and fiscal start months) of the objectives whose
    cycle has no `cycle_start`.
    """
    named = objectives.filter(~nw.col("cycle").is_null() & nw.col("cycle_first").is_null()).select(
        "cycle", "cycle_fiscal_start_month"
    )
    found = named.unique().collect().rows()
    days = {}
    for name, month in found:
        start_month = 1 if month is None or math.isnan(month) else month
        try:
            cycle = Cycle.parse(name, start_month=start_month)
        except ValidationError:  # reported by validation; left without days here
            continue
        start_month = int(start_month)
        start, end = (cycle.start - EPOCH).days, (cycle.end - EPOCH).days
        days[(name, start_month)] = (start, end, cycle.name)
    return days


def _objectives(
    nw: Any, objectives: Any, cycles: Mapping[tuple[str, int], tuple[int, int, str]]
) -> Any:
    """Spec: objectives with their commitment, cycle days and alignment links."""
    month = nw.coalesce(nw.col("cycle_fiscal_start_month"), nw.lit(1.0))
    first, last, cycle = nw.col("cycle_first"), nw.col("cycle_last"), nw.col("cycle")
    for (name, start_month), (start, end, written) in cycles.items():
        this = (
            (nw.col("cycle") == name)
            & (month == float(start_month))
            & nw.col("cycle_first").is_null()
        )
        first = nw.when(this).then(start).otherwise(first)
        last = nw.when(this).then(end).otherwise(last)
        if written != name:
            cycle = nw.when(this).then(nw.lit(written)).otherwise(cycle)
    commitment = stripped(nw.col("commitment")).str.to_lowercase()
    return objectives.select(
        nw.col("id").alias("objective_id"),
        nw.col(ROW).alias("objective_row"),
        nw.col("title").alias("objective"),
        "owner",
        cycle.alias("cycle"),
        "parent_id",
        "parent_key_result_id",
        nw.coalesce(nw.col("alignment_weight"), nw.lit(1.0)).alias("alignment_weight"),
        (commitment == "committed").fill_null(value=False).alias("committed"),
        first.cast(nw.Float64).alias("cycle_first"),
        last.cast(nw.Float64).alias("cycle_last"),
    )


# -- 2. key results ----------------------------------------------------------------------------


def _key_results(nw: Any, frames: Mapping[str, Any], objectives: Any) -> Any:
    """Spec: key results with their measure's columns and their objective's cycle.

    Zoned: the commit and target values (30% and 70% of the way from baseline to stretch
    when not given). Milestones' weights are summed with their steps (`_reached_weights`).
    """
    span = nw.col("stretch") - nw.col("baseline")
    table = frames["key_results"].select(
        nw.col("objective_id"),
        nw.col("id").alias("key_result_id"),
        nw.col(ROW).alias("key_result_row"),
        nw.col("title").alias("key_result"),
        _kind_code(nw).alias("kind_code"),
        nw.coalesce(nw.col("weight"), nw.lit(1.0)).alias("weight"),
        "start",
        nw.col("target"),
        "threshold",
        nw.coalesce(nw.col("above"), nw.lit(value=True)).alias("above"),
        nw.coalesce(nw.col("inclusive"), nw.lit(value=False)).alias("inclusive"),
        nw.coalesce(nw.col("done"), nw.lit(value=False)).cast(nw.Float64).alias("done"),
        "baseline",
        "stretch",
        nw.coalesce(nw.col("commit"), nw.col("baseline") + DEFAULT_COMMIT_SHARE * span).alias(
            "commit_value"
        ),
        nw.coalesce(nw.col("target"), nw.col("baseline") + DEFAULT_TARGET_SHARE * span).alias(
            "target_value"
        ),
    )
    table = table.join(
        objectives.select(
            "objective_id", "objective_row", "objective", "committed", "cycle_first", "cycle_last"
        ),
        on="objective_id",
        how="inner",
    )
    return _scaled_weights(nw, table, "weight", ("objective_row",))


# Where a group's largest weight passes this, its weights are scaled by a power of two:
# their sums and products stay finite, as the pure engine's (which scales them by the
# largest). Lighter weights are read as given, so their sums keep every bit.
_HEAVY_WEIGHT = 2.0**500
_LIGHTEST = 5e-324  # the least float above 0


def _scaled_weights(nw: Any, frame: Any, weight: str, by: Sequence[str]) -> Any:
    """`frame` with `weight` over a power of two near its group's largest, where heavy.

    A power of two scales exactly. A weight over 2**1000 times lighter than its group's
    largest would become 0: it keeps the least weight above 0, so that it still counts
    (in a minimum, say), as in the pure engine.
    """
    largest, given = nw.col("largest_weight"), nw.col(weight)
    heavy = largest > _HEAVY_WEIGHT
    exponent = nw.when(heavy).then(largest).otherwise(1.0).log(2).floor()
    scaled = given * (nw.lit(2.0) ** -exponent)
    kept = nw.when(scaled > 0).then(scaled).when(given > 0).then(_LIGHTEST).otherwise(scaled)
    return (
        with_group_value(nw, frame, given.max(), by, "largest_weight")
        .with_columns(nw.when(heavy).then(kept).otherwise(given).alias(weight))
        .drop("largest_weight")
    )


def _kind_code(nw: Any) -> Any:
    """A key result's kind, by value in any case, as its number in `KIND_CODES`."""
    kind = nw.col(KIND_WORD)
    code = nw.lit(None, dtype=nw.Float64)
    for member, number in r.KIND_CODES.items():
        code = nw.when(kind == member.value).then(number).otherwise(code)
    return code


def _kinds(nw: Any, key_results: Any) -> set[KeyResultKind]:
    """The kinds of key result the tables hold (a small query: their distinct codes)."""
    codes = key_results.select("kind_code").unique().collect().get_column("kind_code").to_list()
    return {kind for kind, number in r.KIND_CODES.items() if number in codes}


def _step_weight(nw: Any) -> Any:
    """A milestone's weight, 1.0 when not given."""
    return nw.coalesce(nw.col("weight"), nw.lit(1.0))


# -- 3. check-ins ------------------------------------------------------------------------------

# Where a key result stands before its first check-in: a state that sorts before any.
_BEFORE_ANY = -1e18


def _own_offsets(nw: Any, inputs: Inputs) -> bool:
    """Whether check-ins may carry offsets of their own: an `at` column of text.

    A column of dates or date-times has one time zone (or none), in which a later
    instant is never on an earlier day; text is read cell by cell, each with its offset.
    """
    if "check_ins" not in inputs.frames:
        return False
    at = inputs.frames["check_ins"].collect_schema().get("at")
    return at is not None and at != nw.Date and at != nw.Datetime


def _states(nw: Any, check_ins: Any, key_results: Any, *, eager: bool, own_offsets: bool) -> Any:
    """Each key result's successive states: before any check-in, then after each one.

    One row per state: `key_result_row`, `cycle_last`, `day` (from which it holds),
    `current` (null before the first check-in) and `next_day` (when the next state
    starts; null for the last). Check-ins are ordered by moment, then by row: of two at
    one moment the later row wins, as in `from_frames`.
    """
    keys = key_results.select("objective_id", "key_result_id", "key_result_row", "cycle_last")
    picked = (
        "key_result_row",
        "cycle_last",
        "day",
        "moment",
        nw.col(ROW).cast(nw.Int64),
        nw.col("value").alias("current"),
    )
    checked = check_ins.join(keys, on=["objective_id", "key_result_id"], how="inner").select(
        *picked
    )
    before = key_results.select(
        "key_result_row",
        "cycle_last",
        nw.lit(_BEFORE_ANY, dtype=nw.Float64).alias("day"),
        nw.lit(_BEFORE_ANY, dtype=nw.Float64).alias("moment"),
        nw.lit(-1, dtype=nw.Int64).alias(ROW),
        nw.lit(None, dtype=nw.Float64).alias("current"),
    )
    if eager and checked.implementation is nw.Implementation.POLARS:
        joined = _polars_joined_in_order(
            check_ins.to_native(), keys.to_native(), ["objective_id", "key_result_id"]
        )
        # Joined by the streaming engine, then sorted in memory: each is the faster at its
        # step, and together in one plan they take half again as long.
        if joined is None:  # a polars whose join cannot keep the order: sorted by row too
            ordered = checked.to_native().collect().sort("key_result_row", "moment", ROW)
        else:  # by row already: a stable sort by two keys orders them as three would
            in_order = nw.from_native(joined).select(*picked).to_native().collect()
            ordered = in_order.sort("key_result_row", "moment", maintain_order=True)
        return nw.from_native(_polars_ordered_states(ordered, before.to_native(), own_offsets))
    states = nw.concat([before, checked])
    if not _ordered_windows(nw, states):
        return states  # the latest state is found per date, by group-by (_latest_states)
    # A state holds until a later one (by moment) starts on a day on or before the date:
    # from the earliest day of those after it. Days grow with the moment, so that is the
    # next one's, but where check-ins carry offsets of their own (_own_offsets).
    within = ("key_result_row", ["moment", ROW])
    starts, helpers = "day", []
    if own_offsets:
        earliest = nw.col("day").cum_min(reverse=True).over(within[0], order_by=within[1])
        states = states.with_columns(earliest.alias("from_day"))
        starts = "from_day"
        helpers.append(starts)
    if states.implementation is nw.Implementation.POLARS:
        # One sort of the whole table is far cheaper in polars than a window per key
        # result: shift along it and cut where the key result changes.
        order = ["key_result_row", "moment", ROW]
        following = states.with_columns(
            nw.col(starts).shift(-1).over(order_by=order).alias("next_day"),
            nw.col("key_result_row").shift(-1).over(order_by=order).alias("next_row"),
        )
        same = nw.col("next_row") == nw.col("key_result_row")
        following = following.with_columns(
            nw.when(same).then(nw.col("next_day")).otherwise(None).alias("next_day")
        )
        helpers.append("next_row")
    else:
        following = states.with_columns(
            nw.col(starts).shift(-1).over(within[0], order_by=within[1]).alias("next_day")
        )
    return following.drop(*helpers) if helpers else following


def _polars_counted_grid(
    check_ins: Any, key_results: Any, columns: Sequence[str], days: Sequence[tuple[date, int]]
) -> Any:
    """Eager polars: every key result on every date with its `current`, found by counting.

    A check-in after its cycle's last day never counts, so on a date D the check-in
    holding is the last (by moment, then row) whose day is on or before D. Sorted once by
    key result and moment, each check-in is counted at the first date it reaches; a
    running count over key results and dates then points at the one holding. That holds
    where days grow with the moment within each key result (check-ins in one time zone);
    elsewhere, or without numpy, None: the states are then compared by windows.
    """
    np = optional_numpy()
    if np is None:  # pragma: no cover - numpy is installed with every test extra
        return None
    import polars as pl  # noqa: PLC0415 - only with polars frames

    keys = ["objective_id", "key_result_id"]
    # Sorted by row, the key results' positions are read in order below.
    table = (
        key_results.select(*dict.fromkeys([*columns, *keys]))
        .to_native()
        .collect()
        .sort("key_result_row")
    )
    linked = table.select(*keys, "key_result_row", "cycle_last")
    joined = polars_joined_by_runs(check_ins.to_native().collect(), linked, keys)
    if joined is None:
        joined = _polars_joined_in_order(check_ins.to_native(), linked.lazy(), keys)
    if joined is None:
        return None
    last = pl.col("cycle_last")
    ordered = (
        joined.filter(pl.col("moment").is_not_null() & (last.is_null() | (pl.col("day") <= last)))
        .select("key_result_row", "day", "moment", pl.col("value").alias("current"))
        .collect()
    )
    checked_rows = ordered.get_column("key_result_row").to_numpy().astype(np.int64)
    if not _ascending(np, checked_rows, ordered.get_column("moment").to_numpy()):
        # Tables are often kept in this order: sorted only when they are not.
        ordered = ordered.sort("key_result_row", "moment", maintain_order=True)
        checked_rows = ordered.get_column("key_result_row").to_numpy().astype(np.int64)
    if not _ascending(np, checked_rows, ordered.get_column("day").to_numpy()):
        return None
    distinct = sorted({number for _, number in days})
    slot_of = {number: slot for slot, number in enumerate(distinct)}
    dates = np.array(distinct, dtype=np.float64)
    reached = _dates_before(np, dates, ordered.get_column("day").to_numpy())
    slots = len(distinct) + 1  # a check-in after every date reaches none: the last slot
    rows = table.get_column("key_result_row").to_numpy().astype(np.int64)
    size = max(int(rows.max(initial=-1)), int(checked_rows.max(initial=-1))) + 1
    # running[row * slots + slot]: the check-ins of every earlier key result, plus this
    # one's that reach that date; the last of them is the one holding then.
    running = np.bincount(checked_rows * slots + reached, minlength=size * slots).cumsum()
    first = rows * slots
    opening = np.where(rows > 0, running[np.maximum(first - 1, 0)], 0)
    current = ordered.get_column("current")
    blocks = []
    for index, (as_of, number) in enumerate(days):
        counts = running[first + slot_of[number]]
        positions = pl.Series(counts - 1)
        held = pl.select(pl.when(pl.Series(counts > opening)).then(positions)).to_series()
        blocks.append(
            table.lazy().with_columns(
                pl.lit(current.gather(held)).alias("current"),
                *_date_columns(pl, as_of, number, index),
            )
        )
    return pl.concat(blocks)


def _ascending(np: Any, rows: Any, values: Any) -> bool:
    """Whether `rows` are in order and `values` never fall within one row's run."""
    same = rows[1:] == rows[:-1]
    return bool(np.all((rows[1:] > rows[:-1]) | (same & (values[1:] >= values[:-1]))))


def _dates_before(np: Any, dates: Any, days: Any) -> Any:
    """For each day, how many of the sorted whole-number `dates` come before it.

    Days within a few years of each other (the usual case) are looked up in a table of
    every whole day between the first and the last, far faster than a search per day.
    """
    if not len(days):
        return np.zeros(0, dtype=np.int64)
    # Before a day x come the dates before ceil(x): the dates are whole numbers.
    whole = np.ceil(days)
    low, high = whole.min(), whole.max()
    if high - low > 4 * len(days):
        return np.searchsorted(dates, days, side="left")
    every_day = np.arange(low, high + 1, dtype=np.float64)
    return np.searchsorted(dates, every_day, side="left")[(whole - low).astype(np.int64)]


def _polars_joined_in_order(left: Any, right: Any, on: str | Sequence[str]) -> Any:
    """polars: `left` inner-joined to `right`, kept in `left`'s row order.

    None where polars' join cannot keep the order.
    """
    try:
        return left.join(right, on=on, how="inner", maintain_order="left")
    except TypeError:  # a polars before join(maintain_order=)
        return None


def _polars_ordered_states(checked: Any, before: Any, own_offsets: bool) -> Any:
    """Eager polars tables: the check-ins, sorted once, cut where the key result changes.

    The states before any check-in are not sorted in: each one's next day is its key
    result's first check-in's. A check-in without a moment never holds, nor follows
    another of its key result (it would sort first): it is left out.
    """
    import polars as pl  # noqa: PLC0415 - only with polars frames

    row = pl.col("key_result_row")
    # The earliest day of this state and those after it (see `_states`).
    from_day = pl.col("day")
    if own_offsets:
        from_day = from_day.cum_min(reverse=True).over("key_result_row")
    ordered = (
        checked.filter(pl.col("moment").is_not_null())
        .with_columns(from_day.alias("from_day"))
        .with_columns(
            pl.when(row.shift(-1) == row).then(pl.col("from_day").shift(-1)).alias("next_day")
        )
    )
    first = (
        ordered.lazy()
        .filter(row.is_first_distinct())
        .select("key_result_row", pl.col("from_day").alias("next_day"))
    )
    ordered = ordered.drop("from_day")
    opening = before.join(first, on="key_result_row", how="left").select(ordered.columns)
    return pl.concat([opening, ordered.lazy()])


def _judged_states(nw: Any, states: Any, days: Sequence[tuple[date, int]], dates: Any) -> Any:
    """The state of every key result on every date: one row per key result and date.

    Spec: a date means the end of that day, judged within the cycle (a later date means
    the cycle's last day, so check-ins after it never count): the state holding on the
    judged day J is the one that started on or before J and whose successor did not.
    """
    judged = _judged_day(nw)
    holding = (nw.col("day") <= judged) & (
        nw.col("next_day").is_null() | (nw.col("next_day") > judged)
    )
    chosen = ("key_result_row", "as_of", "as_of_day", "date_index", "current")
    if not _ordered_windows(nw, states):
        return _latest_states(nw, states.join(dates, how="cross").filter(nw.col("day") <= judged))
    if states.implementation is not nw.Implementation.POLARS:
        # A SQL engine streams the product with the few dates through the filter.
        return states.join(dates, how="cross").filter(holding).select(*chosen)
    # polars: one filter per date over the shared plan, no product in memory.
    return nw.concat(
        [
            states.with_columns(*_date_columns(nw, day, number, index))
            .filter(holding)
            .select(*chosen)
            for index, (day, number) in enumerate(days)
        ]
    )


def _judged_day(nw: Any) -> Any:
    """Spec: the day a date is judged on, the date capped at the cycle's last day."""
    return (
        nw.when(nw.col("cycle_last") < nw.col("as_of_day"))
        .then(nw.col("cycle_last"))
        .otherwise(nw.col("as_of_day"))
    )


def _ordered_windows(nw: Any, frame: Any) -> bool:
    """Whether the backend has window functions in a given order (Dask's have not)."""
    return frame.implementation is not nw.Implementation.DASK


def _latest_states(nw: Any, started: Any) -> Any:
    """Per key result and date, the state that started last: by moment, then by row.

    Group-bys and joins only, for backends without ordered window functions.
    """
    keys = ["key_result_row", "date_index"]
    top = started.group_by(*keys).agg(nw.col("moment").max().alias("top_moment"))
    at_top = started.join(top, on=keys, how="inner").filter(
        nw.col("moment") == nw.col("top_moment")
    )
    last = at_top.group_by(*keys).agg(nw.col(ROW).max().alias("top_row"))
    return (
        at_top.join(last, on=keys, how="inner")
        .filter(nw.col(ROW) == nw.col("top_row"))
        .select("key_result_row", "as_of", "as_of_day", "date_index", "current")
    )


# -- 4. key results on each date -----------------------------------------------------------------


def dates_frame(nw: Any, anchor: Any, days: Sequence[tuple[date, int]]) -> Any:
    """The dates asked for as a small frame of the tables' backend, one row per date.

    Built from one row of `anchor` (a table of that backend), so that no backend-specific
    constructor is needed: `as_of`, its day number and its position in the list.
    """
    if anchor.implementation is nw.Implementation.DASK:  # Dask has no ordered head of a frame
        return _dask_dates(nw, days)
    one = anchor.select(nw.col(ROW)).head(1)
    return nw.concat(
        [
            one.select(*_date_columns(nw, day, number, index))
            for index, (day, number) in enumerate(days)
        ]
    )


def _date_columns(frames: Any, day: date, number: float, index: int) -> tuple[Any, ...]:
    """A date's columns as literals: `as_of`, its day number and its index in the list.

    `frames` is narwhals or polars itself: both spell these literals alike.
    """
    return (
        frames.lit(day, dtype=frames.Date).alias("as_of"),
        frames.lit(float(number), dtype=frames.Float64).alias("as_of_day"),
        frames.lit(index, dtype=frames.Int64).alias("date_index"),
    )


def _dask_dates(nw: Any, days: Sequence[tuple[date, int]]) -> Any:
    import dask.dataframe  # noqa: PLC0415 - only with Dask frames

    columns = {
        "as_of": [day for day, _ in days],
        "as_of_day": [float(number) for _, number in days],
        "date_index": list(range(len(days))),
    }
    schema = {"as_of": nw.Date, "as_of_day": nw.Float64, "date_index": nw.Int64}
    pandas = nw.from_dict(columns, schema=schema, backend="pandas").to_native()
    frame = dask.dataframe.from_pandas(pandas, npartitions=1)  # type: ignore[no-untyped-call]
    return nw.from_native(frame)


def _on_dates(nw: Any, table: Any, dates: Any) -> Any:
    """`table` once per date, with `as_of`, its day number and the date's index."""
    return table.join(dates, how="cross")


def _key_results_on_dates(
    nw: Any,
    frames: Mapping[str, Any],
    key_results: Any,
    days: Sequence[tuple[date, int]],
    dates: Any,
    rules: r.Rules,
    *,
    labels: bool,
    eager: bool,
    own_offsets: bool,
) -> Any:
    """Every key result on every date: current, progress, value, met, status codes.

    With `labels`, also the grade and status as text (the rows by key result).
    """
    kinds = _kinds(nw, key_results)
    columns = list(_SCORING_COLUMNS)
    if rules.rollup == "driven_key_results":  # drivers link to a key result by its ids
        columns += ["objective_id", "key_result_id"]
    grid = None
    if eager and key_results.implementation is nw.Implementation.POLARS:
        grid = _polars_counted_grid(frames["check_ins"], key_results, columns, days)
    if grid is None:
        states = _states(nw, frames["check_ins"], key_results, eager=eager, own_offsets=own_offsets)
        grid = _judged_states(nw, states, days, dates).join(
            key_results.select(*columns), on="key_result_row", how="inner"
        )
    else:
        grid = nw.from_native(grid)
    if "milestones" in frames and _KIND.MILESTONES in kinds:
        grid = _reached_weights(nw, frames["milestones"], key_results, grid)
    else:
        grid = grid.with_columns(
            reached_weight=nw.lit(None, dtype=nw.Float64),
            total_weight=nw.lit(None, dtype=nw.Float64),
        )
    zones = nw.lit(0.0) if kinds.isdisjoint({_KIND.ZONED, _KIND.ORDINAL}) else r.zone_of(nw)
    grid = grid.with_columns(zones.alias("zone")).with_columns(
        r.key_result_progress(nw, rules, kinds).alias("progress")
    )
    grid = grid.with_columns(r.clamped(nw, "progress").alias("value"))
    grid = grid.with_columns(
        r.contribution(nw, rules).alias("contribution"),
        r.met(nw, rules).alias("met"),
        r.elapsed(nw).alias("elapsed"),
    )
    if "plans" in frames and _KIND.METRIC in kinds:
        grid = _planned(nw, frames["plans"], key_results, grid, dates)
    else:
        grid = grid.with_columns(expected=nw.col("elapsed"))
    no_cycle = nw.col("cycle_last").is_null()
    ended = nw.col("as_of_day") >= nw.col("cycle_last")
    status = (
        nw.when(no_cycle)
        .then(nw.lit(None, dtype=nw.Float64))
        .when(ended)
        .then(r.final_code(nw))
        .otherwise(r.paced_code(nw, rules, "value", "expected"))
    )
    # During the cycle an objective is paced by its key results: their pace codes.
    paced = nw.when(no_cycle | ended).then(nw.lit(None, dtype=nw.Float64)).otherwise(status)
    grid = grid.with_columns(status.alias("status_code"), paced.alias("pace_code"))
    if not labels:
        return grid
    return grid.with_columns(
        r.grade(nw, rules).alias("grade"), r.status_name(nw, "status_code").alias("status")
    )


# What scoring reads of a key result on every date; text is joined to the result at the end.
_SCORING_COLUMNS = (
    "key_result_row",
    "objective_row",
    "kind_code",
    "weight",
    "start",
    "target",
    "threshold",
    "above",
    "inclusive",
    "done",
    "baseline",
    "stretch",
    "commit_value",
    "target_value",
    "committed",
    "cycle_first",
    "cycle_last",
)


def _reached_weights(nw: Any, milestones: Any, key_results: Any, grid: Any) -> Any:
    """Milestones: the summed weight of the first `current` steps, in the table's order.

    Also `total_weight`, all steps' weight: the last step's running sum, the very number
    reaching every step gives, so that every step reached is a share of exactly 1.0 (as
    the pure engine's), whatever order another sum would add in.
    """
    keys = ["objective_id", "key_result_id"]
    weighted = milestones.with_columns(_step_weight(nw).alias("step_weight"))
    milestones = _scaled_weights(nw, weighted, "step_weight", keys)
    if _ordered_windows(nw, milestones):
        steps = milestones.with_columns(nw.lit(1.0, dtype=nw.Float64).alias("step")).select(
            *keys,
            nw.col("step_weight").cum_sum().over(*keys, order_by=ROW).alias("reached_weight"),
            nw.col("step").cum_sum().over(*keys, order_by=ROW).alias("reached"),
        )
    else:  # each step with the steps up to it: a key result has a handful
        weights = milestones.select(*keys, ROW, nw.col("step_weight").alias("weight"))
        later = weights.select(*keys, nw.col(ROW).alias("up_to"))
        steps = (
            weights.join(later, on=keys, how="inner")
            .filter(nw.col(ROW) <= nw.col("up_to"))
            .with_columns(nw.lit(1.0, dtype=nw.Float64).alias("step"))
            .group_by(*keys, "up_to")
            .agg(
                nw.col("weight").sum().alias("reached_weight"),
                nw.col("step").sum().alias("reached"),
            )
        )
    steps = steps.join(key_results.select(*keys, "key_result_row"), on=keys, how="inner").select(
        "key_result_row", "reached", "reached_weight"
    )
    totals = steps.group_by("key_result_row").agg(
        nw.col("reached_weight").max().alias("total_weight")
    )
    is_milestones = r.of_kind(nw, _KIND.MILESTONES)
    grid = grid.with_columns(nw.when(is_milestones).then(nw.col("current")).alias("reached"))
    grid = grid.join(totals, on="key_result_row", how="left")
    return grid.join(steps, on=["key_result_row", "reached"], how="left")


def _planned(nw: Any, plans: Any, key_results: Any, grid: Any, dates: Any) -> Any:
    """Plans: expected progress linear between planned days, in progress space.

    Spec (plans): only the plan's days within the cycle count; the cycle's first day at
    the start value and its last day at the target are implied unless planned; between
    two points the expected progress is linear by day; where it lands on the straight
    line up to rounding (1e-12), the straight line's share; clamped to [0, 1].
    """
    cycle = key_results.select(
        "objective_id",
        "key_result_id",
        "key_result_row",
        "start",
        "target",
        "cycle_first",
        "cycle_last",
    )
    given = plans.join(cycle, on=["objective_id", "key_result_id"], how="inner").filter(
        (nw.col("day") >= nw.col("cycle_first")) & (nw.col("day") <= nw.col("cycle_last"))
    )
    points = given.select(
        "key_result_row",
        "day",
        ((nw.col("value") - nw.col("start")) / (nw.col("target") - nw.col("start"))).alias(
            "planned"
        ),
        nw.lit(1, dtype=nw.Int64).alias("given"),
    )
    planned_rows = given.select("key_result_row", "cycle_first", "cycle_last").unique()
    implied = nw.concat(
        [
            planned_rows.select(
                "key_result_row",
                nw.col(edge).alias("day"),
                nw.lit(share, dtype=nw.Float64).alias("planned"),
                nw.lit(0, dtype=nw.Int64).alias("given"),
            )
            for edge, share in (("cycle_first", 0.0), ("cycle_last", 1.0))
        ]
    )
    # A planned point on the cycle's first or last day replaces the implied one.
    points = (
        with_group_value(
            nw,
            nw.concat([points, implied]),
            nw.col("given").max(),
            ("key_result_row", "day"),
            "best",
        )
        .filter(nw.col("given") == nw.col("best"))
        .select("key_result_row", "day", "planned")
    )
    dated = _on_dates(nw, points, dates)
    before = nw.when(nw.col("day") <= nw.col("as_of_day")).then(nw.col("day"))
    after = nw.when(nw.col("day") > nw.col("as_of_day")).then(nw.col("day"))
    bounds = (
        dated.with_columns(before.alias("day_a"), after.alias("day_b"))
        .group_by("key_result_row", "date_index")
        .agg(nw.col("day_a").max(), nw.col("day_b").min())
    )
    for end in ("a", "b"):
        bounds = bounds.join(
            points.select(
                "key_result_row",
                nw.col("day").alias(f"day_{end}"),
                nw.col("planned").alias(f"planned_{end}"),
            ),
            on=["key_result_row", f"day_{end}"],
            how="left",
        )
    share = (nw.col("as_of_day") - nw.col("day_a")) / (nw.col("day_b") - nw.col("day_a"))
    line = nw.col("planned_a") + (nw.col("planned_b") - nw.col("planned_a")) * share
    progress = (
        nw.when(nw.col("day_a").is_null())
        .then(nw.col("planned_b"))
        .when(nw.col("day_b").is_null())
        .then(nw.col("planned_a"))
        .otherwise(line)
    )
    grid = grid.join(
        bounds.select("key_result_row", "date_index", "day_a", "day_b", "planned_a", "planned_b"),
        on=["key_result_row", "date_index"],
        how="left",
    ).with_columns(
        nw.when(nw.col("as_of_day") < nw.col("day_b"))
        .then(progress)
        .otherwise(nw.col("planned_a"))
        .alias("plan_progress")
    )
    snapped = (
        nw.when((nw.col("plan_progress") - nw.col("elapsed")).abs() <= 1e-12)
        .then(nw.col("elapsed"))
        .otherwise(nw.col("plan_progress").clip(0.0, 1.0))
    )
    return grid.with_columns(
        nw.when(nw.col("planned_a").is_null() & nw.col("planned_b").is_null())
        .then(nw.col("elapsed"))
        .otherwise(snapped)
        .alias("expected")
    )


# -- 5. objectives on each date -------------------------------------------------------------------


def _objectives_on_dates(
    nw: Any,
    objectives: Any,
    key_results: Any,
    dates: Any,
    rules: r.Rules,
    links: Any,
    *,
    eager: bool,
) -> Any:
    """Every objective on every date: the aggregate, rolled up, graded, with its status."""
    numbers = ["objective_row", "committed", "cycle_first", "cycle_last"]
    if rules.uses_children:
        numbers += ["objective_id"]
    grid = _on_dates(nw, objectives.select(*numbers), dates)
    packed = grid.implementation is nw.Implementation.POLARS
    positive = nw.col("weight") > 0
    parts = key_results.select(
        "objective_row",
        "date_index",
        "pace_code",
        nw.when(positive).then(nw.col("weight")).otherwise(0.0).alias("part_weight"),
        nw.when(positive).then(nw.col("contribution")).alias("part_value"),
    )
    # The worst pace of its key results, in the same pass as the aggregate.
    worst = nw.col("pace_code").max().alias("worst_code")
    own = _aggregate(nw, parts, "objective_row", rules, prefix="own", also=(worst,), packed=packed)
    placed = _polars_placed(objectives.select(*numbers), own, dates) if packed and eager else None
    if placed is not None:
        grid = nw.from_native(placed)
    elif packed:  # joined by the group-by's own key: one integer rather than two
        keyed = grid.with_columns(_packed_key(nw, "objective_row"))
        grid = keyed.join(own, on=_KEY, how="left").drop(_KEY)
    else:
        grid = grid.join(own, on=["objective_row", "date_index"], how="left")
    if rules.uses_children:
        grid = _rolled_up(nw, grid, objectives, key_results, rules, links, eager=eager)
    else:
        grid = grid.with_columns(progress=nw.coalesce(nw.col("own_value"), nw.lit(0.0)))
    grid = grid.with_columns(r.clamped(nw, "progress").alias("value"))
    grid = grid.with_columns(
        r.grade(nw, rules).alias("grade"),
        r.met(nw, rules).alias("met"),
        r.elapsed(nw).alias("elapsed"),
    )
    paced_alone = r.paced_code(nw, rules, "paced_value", "elapsed")
    during = paced_alone if rules.uses_children else nw.coalesce(nw.col("worst_code"), paced_alone)
    status = (
        nw.when(nw.col("cycle_last").is_null())
        .then(nw.lit(None, dtype=nw.Float64))
        .when(nw.col("as_of_day") >= nw.col("cycle_last"))
        .then(r.final_code(nw))
        .otherwise(during)
    )
    # Rolled up, an objective's own value is paced; else, with no key results, its 0.0.
    paced_value = nw.col("value") if rules.uses_children else nw.lit(0.0)
    return (
        grid.with_columns(paced_value.alias("paced_value"))
        .with_columns(status.alias("status_code"))
        .with_columns(r.status_name(nw, "status_code").alias("status"))
    )


def _polars_placed(objectives: Any, own: Any, dates: Any) -> Any:
    """Eager polars: the objectives date by date, each with its aggregate, in that order.

    The aggregates are placed by position (the objectives' rows are 0, 1, 2, ... in
    eager tables) rather than joined, and the rows come out in the result's order. None
    without numpy, or where the rows are not positions.
    """
    np = optional_numpy()
    if np is None:  # pragma: no cover - numpy is installed with every test extra
        return None
    import polars as pl  # noqa: PLC0415 - only with polars frames

    table = objectives.to_native().collect()
    rows = table.get_column("objective_row")
    if not rows.equals(pl.int_range(rows.len(), dtype=rows.dtype, eager=True)):
        return None
    aggregated = own.to_native().collect()
    key = aggregated.get_column(_KEY).to_numpy()
    count = rows.len()
    on_dates = dates.to_native().collect()
    # Where each aggregate goes: its date's block of rows, then its objective's place.
    where = np.full(on_dates.height * count, -1, dtype=np.int64)
    where[(key % _PACKED) * count + key // _PACKED] = np.arange(len(key))
    found = pl.Series(where)
    placed = aggregated.drop(_KEY).select(
        pl.all().gather(pl.select(pl.when(found >= 0).then(found)).to_series())
    )
    blocks = [
        table.with_columns(*_date_columns(pl, as_of, as_of_day, index))
        for as_of, as_of_day, index in on_dates.select(
            "as_of", "as_of_day", "date_index"
        ).iter_rows()
    ]
    return pl.concat([pl.concat(blocks), placed], how="horizontal").lazy()


def _aggregate(
    nw: Any,
    parts: Any,
    by: str,
    rules: r.Rules,
    *,
    prefix: str,
    also: Sequence[Any] = (),
    packed: bool = False,
) -> Any:
    """Spec: the aggregator over parts with weight > 0, per `by` and date.

    `parts` has `part_weight` (0 for a part left out) and `part_value` (null for one).
    Weighted mean `sum(w v) / sum(w)`; minimum; weighted geometric mean
    `exp(sum(w ln v) / sum(w))`, 0.0 when a part is 0, kept between the parts' extremes.
    Also the sums a roll-up combines: `{prefix}_weight`, `{prefix}_sum`, `{prefix}_log`,
    `{prefix}_min`, `{prefix}_max`, `{prefix}_zero`; `{prefix}_value` is null without
    parts. `also` adds aggregations of the same pass. `packed` (polars only): grouped by
    `_KEY` alone, `by` and the date index packed in one integer, and left so.
    """
    value, weight = nw.col("part_value"), nw.col("part_weight")
    # Only the sums the aggregator reads: each is a pass over every part.
    needed = _AGGREGATOR_SUMS[rules.aggregator]
    # Products first: every aggregation below is then elementary on every backend.
    terms = {
        "sum": (weight * value).alias("part_product"),
        # log(1) = 0 stands in for parts at 0 (and parts left out): the zero count decides.
        "log": (weight * nw.when(value > 0).then(value).otherwise(1.0).log()).alias("part_log"),
        "zero": nw.when(value <= 0).then(1.0).otherwise(0.0).alias("part_zero"),
    }
    sums = {
        "weight": nw.col("part_weight").sum(),
        "sum": nw.col("part_product").sum(),
        "log": nw.col("part_log").sum(),
        "min": nw.col("part_value").min(),
        "max": nw.col("part_value").max(),
        "zero": nw.col("part_zero").sum(),
    }
    products = [terms[name] for name in needed if name in terms]
    if products:
        parts = parts.with_columns(*products)
    aggregations = [sums[name].alias(f"{prefix}_{name}") for name in needed] + list(also)
    if parts.implementation is nw.Implementation.POLARS:
        aggregated = _polars_grouped(parts.to_native(), by, aggregations, packed=packed)
    else:
        aggregated = parts.group_by(by, "date_index").agg(*aggregations)
    has_parts = nw.col(f"{prefix}_weight") > 0
    return aggregated.with_columns(
        nw.when(has_parts).then(_aggregated_value(nw, rules, prefix)).alias(f"{prefix}_value")
    )


# The sums each aggregator (and the roll-ups combining two of them) reads.
_AGGREGATOR_SUMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "weighted_mean": ("weight", "sum"),
        "minimum": ("weight", "min"),
        "weighted_geometric_mean": ("weight", "log", "min", "max", "zero"),
    }
)

# polars: a row and a date index packed in one integer, `row * _PACKED + date_index`.
_PACKED = 2**32


def _packed_key(nw: Any, by: str) -> Any:
    """`by` and the date index packed in one integer, `_KEY` (both are positions < 2**31)."""
    row = nw.col(by).cast(nw.Int64) * _PACKED + nw.col("date_index").cast(nw.Int64)
    return row.alias(_KEY)


def _polars_grouped(parts: Any, by: str, aggregations: Sequence[Any], *, packed: bool) -> Any:
    """polars: grouped by one integer packing `by` and the date index, then unpacked.

    One key of 64 bits groups far faster than two columns.
    """
    nw = narwhals()
    frame = nw.from_native(parts)
    types = frame.collect_schema()
    aggregated = frame.with_columns(_packed_key(nw, by)).group_by(_KEY).agg(*aggregations)
    if packed:
        return aggregated
    return aggregated.with_columns(
        (nw.col(_KEY) // _PACKED).cast(types[by]).alias(by),
        (nw.col(_KEY) % _PACKED).cast(types["date_index"]).alias("date_index"),
    ).drop(_KEY)


_KEY = "__okrkpi_key"


def _between(nw: Any, value: Any, low: Any, high: Any) -> Any:
    """`value` kept within columns `low` and `high` (clip by columns, on every backend)."""
    return nw.when(value < low).then(low).when(value > high).then(high).otherwise(value)


def _aggregated_value(nw: Any, rules: r.Rules, prefix: str) -> Any:
    weight = nw.col(f"{prefix}_weight")
    if rules.aggregator == "minimum":
        return nw.col(f"{prefix}_min")
    if rules.aggregator == "weighted_mean":
        return nw.col(f"{prefix}_sum") / weight
    mean = (nw.col(f"{prefix}_log") / weight).exp()
    kept = _between(nw, mean, nw.col(f"{prefix}_min"), nw.col(f"{prefix}_max"))
    return nw.when(nw.col(f"{prefix}_zero") > 0).then(0.0).otherwise(kept)


def _rolled_up(
    nw: Any,
    grid: Any,
    objectives: Any,
    key_results: Any,
    rules: r.Rules,
    links: Any,
    *,
    eager: bool,
) -> Any:
    """Roll-ups: objectives scored bottom-up, deepest first, over the alignment links.

    children: the aggregate of children with a link weight > 0, else of own key
    results. key_results_and_children: own key results and children, children weighing
    `children_share` of the whole (each side on its own when the other is empty).
    driven_key_results: a key result with objectives aligned to it takes their weighted
    mean; the aggregate is then over key results. A parent judges each child as it stood
    on the parent's judged day (the date, capped at the parent's cycle end); a child
    shared by several parents counts in each with that link's weight.

    Eager tables are scored level by level, each computed as it is reached. A lazy plan
    cannot be: a level's plan would hold every deeper level's, twice per level. It
    scores every objective once per level instead, from the previous round's scores
    (after n rounds, each objective n levels above the leaves is right), so each round's
    plan reads the last one once and the plan grows with the depth.
    """
    grid = grid.with_columns(_judged_day(nw).alias("judged_day"))
    levels = _levels(nw, objectives, links)
    if not eager:
        if grid.implementation is nw.Implementation.POLARS:
            grid = nw.from_native(grid.to_native().cache())  # read once per round: computed once
        scored = _level_progress(nw, grid, None, links, key_results, rules)
        for _ in levels[1:]:
            scored = _level_progress(nw, grid, scored, links, key_results, rules)
        return scored.drop("judged_day")
    if not levels:  # no objectives: the rows of none, with the columns of a level
        return _level_progress(nw, grid, None, links, key_results, rules).drop("judged_day")
    scored_levels: list[Any] = []
    for level in reversed(levels):
        rows = grid.filter(nw.col("objective_row").is_in(level))
        below = nw.concat(scored_levels) if scored_levels else None
        level_scores = _level_progress(nw, rows, below, links, key_results, rules)
        scored_levels.append(level_scores.collect().lazy())
    return nw.concat(scored_levels).drop("judged_day")


def _levels(nw: Any, objectives: Any, links: Any) -> list[list[int]]:
    """The objectives' rows at each depth (roots at 0; the longest path from a root).

    Every parent is at a smaller depth than each of its children, so scoring the deepest
    first finds every child scored. Two small queries: the ids and the links.
    """
    ids = dict(objectives.select("objective_id", "objective_row").collect().rows())
    pairs = [
        (child, parent)
        for child, parent in links.select("child_id", "parent_id").collect().rows()
        if child in ids and parent in ids
    ]
    depth = dict.fromkeys(ids, 0)
    for _ in range(len(ids)):  # at most one round per level; a loop stops here
        changed = False
        for child, parent in pairs:
            if depth[child] < depth[parent] + 1:
                depth[child] = depth[parent] + 1
                changed = True
        if not changed:
            break
    levels: list[list[int]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for objective_id, level in depth.items():
        levels[level].append(int(ids[objective_id]))
    return levels


def _level_progress(
    nw: Any, rows: Any, below: Any, links: Any, key_results: Any, rules: r.Rules
) -> Any:
    """The progress of one level's objectives, from their own parts and their children's."""
    if below is None:
        children = None
    else:
        # Each child as it stood on its parent's judged day, once per link.
        children = (
            below.select(
                nw.col("objective_id").alias("child_id"),
                nw.col("as_of_day").alias("judged_day"),
                nw.col("progress").alias("part_value"),
            )
            .join(links.filter(nw.col("link_weight") > 0), on="child_id", how="inner")
            .join(
                rows.select(
                    nw.col("objective_id").alias("parent_id"),
                    "objective_row",
                    "judged_day",
                    "date_index",
                ),
                on=["parent_id", "judged_day"],
                how="inner",
            )
            .select(
                nw.col("parent_id").alias("objective_id"),
                "objective_row",
                "parent_key_result_id",
                "date_index",
                nw.col("link_weight").alias("part_weight"),
                "part_value",
            )
        )
    if rules.rollup == "driven_key_results":
        return _driven(nw, rows, children, key_results, rules)
    own = nw.coalesce(nw.col("own_value"), nw.lit(0.0))
    if children is None:
        return rows.with_columns(progress=own)
    below_sums = _aggregate(nw, children, "objective_row", rules, prefix="below")
    rows = rows.join(below_sums, on=["objective_row", "date_index"], how="left")
    has_below = ~nw.col("below_value").is_null()
    has_own = ~nw.col("own_value").is_null()
    if rules.rollup == "children":
        progress = nw.when(has_below).then(nw.col("below_value")).otherwise(own)
    else:
        both = _combined(nw, rules)
        progress = (
            nw.when(has_own & has_below)
            .then(both)
            .when(has_below)
            .then(nw.col("below_value"))
            .otherwise(own)
        )
    return rows.with_columns(progress=progress).drop(
        *(f"below_{name}" for name in ("value", *_AGGREGATOR_SUMS[rules.aggregator]))
    )


def _combined(nw: Any, rules: r.Rules) -> Any:
    """key_results_and_children with both sides: each side's weights normalised, then shared."""
    share = rules.children_share
    if rules.aggregator == "weighted_mean":
        return (1 - share) * nw.col("own_value") + share * nw.col("below_value")
    own_min, below_min = nw.col("own_min"), nw.col("below_min")
    low = nw.when(own_min < below_min).then(own_min).otherwise(below_min)
    if rules.aggregator == "minimum":
        return low
    own_max, below_max = nw.col("own_max"), nw.col("below_max")
    high = nw.when(own_max > below_max).then(own_max).otherwise(below_max)
    log_mean = (1 - share) * nw.col("own_log") / nw.col("own_weight") + share * nw.col(
        "below_log"
    ) / nw.col("below_weight")
    zero = (nw.col("own_zero") + nw.col("below_zero")) > 0
    return nw.when(zero).then(0.0).otherwise(_between(nw, log_mean.exp(), low, high))


def _driven(nw: Any, rows: Any, children: Any, key_results: Any, rules: r.Rules) -> Any:
    """driven_key_results: a key result driven by aligned objectives takes their weighted mean."""
    parts = key_results.join(
        rows.select("objective_row", "date_index"), on=["objective_row", "date_index"], how="inner"
    ).select(
        "objective_row",
        "objective_id",
        nw.col("key_result_id").cast(nw.String),
        "date_index",
        "weight",
        "contribution",
    )
    if children is not None:
        drivers = (
            children.filter(~nw.col("parent_key_result_id").is_null())
            .with_columns((nw.col("part_weight") * nw.col("part_value")).alias("part_product"))
            .group_by("objective_id", "parent_key_result_id", "date_index")
            .agg(
                nw.col("part_product").sum().alias("driven_sum"),
                nw.col("part_weight").sum().alias("driven_weight"),
            )
            .select(
                "objective_id",
                # Of the type of the key results' ids (Dask's may differ: str, string).
                nw.col("parent_key_result_id").cast(nw.String).alias("key_result_id"),
                "date_index",
                (nw.col("driven_sum") / nw.col("driven_weight")).alias("driven"),
            )
        )
        parts = parts.join(
            drivers, on=["objective_id", "key_result_id", "date_index"], how="left"
        ).with_columns(contribution=nw.coalesce(nw.col("driven"), nw.col("contribution")))
    sums = _aggregate(
        nw,
        parts.filter(nw.col("weight") > 0).select(
            "objective_row",
            "date_index",
            nw.col("weight").alias("part_weight"),
            nw.col("contribution").alias("part_value"),
        ),
        "objective_row",
        rules,
        prefix="driven",
    )
    rows = rows.join(
        sums.select("objective_row", "date_index", "driven_value"),
        on=["objective_row", "date_index"],
        how="left",
    )
    return rows.with_columns(progress=nw.coalesce(nw.col("driven_value"), nw.lit(0.0))).drop(
        "driven_value"
    )
