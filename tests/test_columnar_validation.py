"""score_frames checks whole columns and reports what from_frames reports, as it words it."""

from __future__ import annotations

import math
import re
from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import helpers
from helpers import from_frames_cell_by_cell
from okrkpi import AlignmentError, AlignmentTree, ConfidenceScale, ValidationError
from okrkpi.examples import example_objectives
from okrkpi.serde import Document
from okrkpi.tables import UnknownColumnsWarning, from_frames, score_frames, to_frames

SCORED = ("objectives", "key_results", "check_ins", "milestones", "plans")
FRAMES = to_frames(Document(tuple(example_objectives())), backend="polars")
TABLES = {name: FRAMES[name] for name in SCORED}


def problems_of(call):
    with pytest.raises(ValidationError) as raised:
        call()
    return sorted(str(problem) for problem in raised.value.problems)


def set_cell(frame, row, column, value, dtype=None):
    cell = pl.lit(value, dtype=dtype or frame.schema[column])
    return frame.with_columns(
        pl.when(pl.int_range(pl.len()) == row).then(cell).otherwise(pl.col(column)).alias(column)
    )


# Bad cells of the kinds both readers check, each in a row of its own.
CORRUPTIONS = [
    ("check_ins", "value", None),
    ("check_ins", "objective_id", "nowhere"),
    ("check_ins", "key_result_id", "nothing"),
    ("check_ins", "at", date(1850, 1, 1)),
    ("key_results", "kind", "guess"),
    ("key_results", "title", None),
    ("key_results", "weight", -1.0),
    ("objectives", "title", None),
    ("objectives", "id", "company"),
    ("milestones", "name", None),
    ("objectives", "commitment", "maybe"),
    ("objectives", "level", "galaxy"),
    ("check_ins", "confidence", 11.0),
    ("check_ins", "confidence", 0.5),  # a probability: refused with from_frames' hint
    ("key_results", "weight", math.inf),
]


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(CORRUPTIONS), st.integers(1, 5))
def test_the_problems_are_those_from_frames_reports(corruption, row):
    # One cause at a time: from_frames reads a key result's check-ins only once the
    # key result itself reads well, so causes in linked rows hide one another there.
    table, column, value = corruption
    frame = TABLES[table]
    tables = {**TABLES, table: set_cell(frame, 1 + row % (len(frame) - 1), column, value)}
    expected = problems_of(lambda: from_frames_cell_by_cell(**tables))
    assert problems_of(lambda: score_frames(date(2026, 8, 1), **tables)) == expected


def test_a_lazy_frame_with_bad_rows_gives_the_same_problems():
    check_ins = set_cell(TABLES["check_ins"], 4, "value", None)
    tables = {**TABLES, "check_ins": check_ins}
    lazy = {name: frame.lazy() for name, frame in tables.items()}
    expected = problems_of(lambda: from_frames_cell_by_cell(**tables))
    assert problems_of(lambda: score_frames(date(2026, 8, 1), **lazy)) == expected
    assert expected == ["check_ins[row 4].value: a value is required"]


def test_a_column_of_the_wrong_type_is_read_cell_by_cell_as_from_frames_reads_it():
    values = TABLES["check_ins"]["value"].to_list()
    text = [str(value) for value in values]
    text[2] = "a lot"
    pandas_tables = {name: frame.to_pandas() for name, frame in TABLES.items()}
    pandas_tables["check_ins"]["value"] = text
    expected = problems_of(lambda: from_frames_cell_by_cell(**pandas_tables))
    assert problems_of(lambda: score_frames(date(2026, 8, 1), **pandas_tables)) == expected
    assert expected == ["check_ins[row 2].value: expected a finite number, got 'a lot'"]


def test_a_lazy_column_of_the_wrong_type_is_refused_by_name():
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    relations = {name: connection.from_arrow(frame.to_arrow()) for name, frame in TABLES.items()}
    relations["check_ins"] = connection.from_arrow(
        TABLES["check_ins"].with_columns(pl.col("value").cast(pl.String)).to_arrow()
    )
    with pytest.raises(
        ValidationError, match="check_ins.value: expected a column of numbers"
    ) as caught:
        score_frames(date(2026, 8, 1), **relations)
    assert "zones as 0 to 3" in str(caught.value)  # ordinal check-ins are written as numbers


def test_a_polars_lazy_column_of_text_is_read_as_from_frames_reads_it():
    lazy = {name: frame.lazy() for name, frame in TABLES.items()}
    lazy["check_ins"] = lazy["check_ins"].with_columns(pl.col("value").cast(pl.String))
    got = score_frames(date(2026, 8, 1), **lazy).collect()
    assert got.equals(score_frames(date(2026, 8, 1), **TABLES))


def test_an_unknown_parent_is_the_trees_problem():
    objectives = set_cell(TABLES["objectives"], 1, "parent_id", "ghost")
    with pytest.raises(
        AlignmentError, match=r"objectives\['marketing'\].parent_id: unknown parent 'ghost'"
    ):
        score_frames(date(2026, 8, 1), **{**TABLES, "objectives": objectives})


def test_problems_past_the_limit_are_counted():
    check_ins = TABLES["check_ins"]
    many = pl.concat([check_ins] * 30).with_columns(pl.lit(None, dtype=pl.Float64).alias("value"))
    with pytest.raises(ValidationError) as raised:
        score_frames(date(2026, 8, 1), **{**TABLES, "check_ins": many})
    problems = raised.value.problems
    assert len(problems) == 101
    assert str(problems[-1]) == f"... and {len(many) - 100:,} more problems"
    assert str(problems[0]) == "check_ins[row 0].value: a value is required"


def test_an_infinite_measure_cell_is_refused_only_for_the_kinds_that_read_it():
    kinds = TABLES["key_results"]["kind"].to_list()
    metric, other = kinds.index("metric"), next(i for i, k in enumerate(kinds) if k != "metric")
    refused = {**TABLES, "key_results": set_cell(TABLES["key_results"], metric, "start", math.inf)}
    expected = problems_of(lambda: from_frames_cell_by_cell(**refused))
    assert expected == [f"key_results[row {metric}].start: expected a finite number, got inf"]
    assert problems_of(lambda: score_frames(date(2026, 8, 1), **refused)) == expected
    ignored = {**TABLES, "key_results": set_cell(TABLES["key_results"], other, "start", math.inf)}
    from_frames(**ignored)  # a start cell is read for metrics only
    score_frames(date(2026, 8, 1), **ignored)


def links_of(rows):
    schema = {
        "objective_id": pl.String,
        "parent_id": pl.String,
        "weight": pl.Float64,
        "parent_key_result_id": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


# marketing: its parent_id (company) in the objectives row, or none (then a root weight
# of 1.0 beside alignments rows is refused too), and alignments rows.
LINK_FAULTS = {
    "to itself": (False, [("marketing", "company", 1.0), ("marketing", "marketing", 1.0)]),
    "twice": (False, [("marketing", "company", 1.0), ("marketing", "company", 2.0)]),
    "beside parent_id": (True, [("marketing", "company", 1.0), ("marketing", "product", 1.0)]),
    "all at 0": (False, [("marketing", "company", 0.0), ("marketing", "product", 0.0)]),
    "negative": (False, [("marketing", "company", -1.0), ("marketing", "product", 1.0)]),
    "no such objective": (True, [("nobody", "company", 1.0), ("nobody", "product", 1.0)]),
}


@pytest.mark.parametrize("fault", list(LINK_FAULTS))
def test_the_alignments_rows_problems_are_those_from_frames_reports(fault):
    keeps_parent, rows = LINK_FAULTS[fault]
    objectives = TABLES["objectives"]
    if not keeps_parent:
        marketing = objectives["id"].to_list().index("marketing")
        objectives = set_cell(objectives, marketing, "parent_id", None)
    alignments = links_of([(*row, None) for row in rows])
    tables = {**TABLES, "objectives": objectives, "alignments": alignments}
    expected = problems_of(lambda: from_frames_cell_by_cell(**tables))
    assert problems_of(lambda: score_frames(date(2026, 8, 1), **tables)) == expected


# -- the same problems, in the same order, as from_frames -----------------------------------------


def _frame(rows, schema):
    return pl.DataFrame(rows, schema=schema, orient="row")


S, F, D, B = pl.String, pl.Float64, pl.Date, pl.Boolean
# Every kind of key result, a custom cycle, milestones, plans and an alignments row.
RICH = {
    "objectives": _frame(
        [
            ("co", "Company", "committed", None, None, "2026-Q3", None, None, None, None),
            ("mk", "Marketing", None, "co", None, "2026-Q3", None, None, 1.0, None),
            ("pr", "Product", None, "co", "rev", "2026-Q3", None, None, None, None),
            (
                "cu",
                "Custom",
                None,
                None,
                None,
                "sprint-1",
                date(2026, 7, 1),
                date(2026, 9, 30),
                None,
                date(2026, 10, 2),
            ),
        ],
        {
            "id": S,
            "title": S,
            "commitment": S,
            "parent_id": S,
            "parent_key_result_id": S,
            "cycle": S,
            "cycle_start": D,
            "cycle_end": D,
            "alignment_weight": F,
            "closed_on": D,
        },
    ),
    "key_results": _frame(
        [
            ("co", "rev", "Revenue", "metric", 0.0, 100.0, None, None, None, None, None, None),
            ("co", "launch", "Launch", "binary", None, None, None, None, None, None, None, None),
            ("mk", "leads", "Leads", "threshold", None, None, 50.0, True, None, None, None, None),
            ("mk", "steps", "Steps", "milestones", None, None, None, None, None, None, None, None),
            ("pr", "nps", "NPS", "zoned", None, 40.0, None, None, 10.0, 60.0, 30.0, None),
            ("pr", "mood", "Mood", "ordinal", None, None, None, None, None, None, None, None),
            ("cu", "done", "Done", "binary", None, None, None, None, None, None, None, False),
        ],
        {
            "objective_id": S,
            "id": S,
            "title": S,
            "kind": S,
            "start": F,
            "target": F,
            "threshold": F,
            "above": B,
            "baseline": F,
            "stretch": F,
            "commit": F,
            "done": B,
        },
    ),
    "check_ins": _frame(
        [
            ("co", "rev", date(2026, 7, 10), 20.0, 7.0),
            ("co", "launch", date(2026, 7, 11), 1.0, None),
            ("mk", "leads", date(2026, 7, 12), 55.0, 5.0),
            ("mk", "steps", date(2026, 7, 13), 1.0, None),
            ("pr", "nps", date(2026, 7, 14), 35.0, 6.0),
            ("pr", "mood", date(2026, 7, 15), 2.0, None),
            ("cu", "done", date(2026, 7, 16), 0.0, None),
            ("co", "rev", date(2026, 8, 10), 40.0, 8.0),
        ],
        {"objective_id": S, "key_result_id": S, "at": D, "value": F, "confidence": F},
    ),
    "milestones": _frame(
        [("mk", "steps", "one", 1.0), ("mk", "steps", "two", 2.0)],
        {"objective_id": S, "key_result_id": S, "name": S, "weight": F},
    ),
    "plans": _frame(
        [("co", "rev", date(2026, 7, 31), 30.0), ("co", "rev", date(2026, 8, 31), 60.0)],
        {"objective_id": S, "key_result_id": S, "at": D, "value": F},
    ),
    "alignments": links_of([("pr", "mk", 1.0, None)]),
}


def outcome(call):
    """The error's kind and its problems in order, or "ok": never a backend's exception."""
    try:
        call()
    except ValidationError as error:
        return type(error).__name__, [str(problem) for problem in error.problems]
    return "ok", []


def assert_same_problems(tables, backend="polars"):
    """from_frames (then AlignmentTree) and score_frames(validate=True) refuse `tables`
    alike: the same problems in the same order."""
    if backend == "pandas":
        tables = {name: frame.to_pandas() for name, frame in tables.items()}
    elif backend == "lazy":
        tables = {name: frame.lazy() for name, frame in tables.items()}
    eager = (
        {name: frame.collect() for name, frame in tables.items()} if backend == "lazy" else tables
    )
    # The engine rolls the tree up itself: the links AlignmentTree refuses, it refuses too.
    expected = outcome(lambda: AlignmentTree(from_frames_cell_by_cell(**eager).objectives))
    assert outcome(lambda: score_frames(date(2026, 8, 1), **tables)) == expected
    # from_frames checks typed frames by whole columns too: it refuses them alike.
    assert outcome(lambda: AlignmentTree(from_frames(**eager).objectives)) == expected
    return expected


def refused_alike(tables, backend="polars"):
    """The problems both readers refuse `tables` with (a ValidationError), in their order."""
    kind, problems = assert_same_problems(tables, backend)
    assert kind == "ValidationError"
    return problems


def paths(problems):
    return [problem.split(":")[0] for problem in problems]


def test_the_rich_tables_read_well_in_both():
    assert assert_same_problems(RICH) == ("ok", [])


def text_values(frame):
    return frame.with_columns(pl.col("value").cast(pl.String))


# One gap each: table, row, column, value (or a whole table), and the problem from_frames reports.
GAPS = {
    "a cycle that is no cycle's name": (
        "objectives",
        0,
        "cycle",
        "2026-Q9",
        (
            "objectives[row 0].cycle: expected a cycle name like '2026-Q3', '2026', 'FY2027' or "
            "'FY2027-Q1', got '2026-Q9'"
        ),
    ),
    "a custom cycle with one date": (
        "objectives",
        3,
        "cycle_end",
        None,
        "objectives[row 3].cycle_end: a value is required: a custom cycle has two dates",
    ),
    "a custom cycle that ends before it starts": (
        "objectives",
        3,
        "cycle_end",
        date(2026, 6, 1),
        (
            "objectives[row 3].cycle_end: expected a date on or after start 2026-07-01, "
            "got datetime.date(2026, 6, 1)"
        ),
    ),
    "a binary check-in of 0.5": (
        "check_ins",
        1,
        "value",
        0.5,
        "check_ins[row 1].value: expected True/False (or 1/0) for a binary key result, got 0.5",
    ),
    "an ordinal check-in outside its zones": (
        "check_ins",
        5,
        "value",
        7.0,
        (
            "check_ins[row 5].value: expected a Zone (FAIL, COMMIT, TARGET, STRETCH) or its number "
            "0..3, got 7.0"
        ),
    ),
    "a milestones check-in past its steps": (
        "check_ins",
        3,
        "value",
        5.0,
        "check_ins[row 3].value: expected a whole count from 0 to 2, got 5.0",
    ),
    "an infinite check-in": (
        "check_ins",
        0,
        "value",
        math.inf,
        "check_ins[row 0].value: expected a finite number, got inf",
    ),
    "a plan for a binary key result": (
        "plans",
        0,
        "key_result_id",
        "launch",
        "plans[row 0].key_result_id: a binary key result has no plans",
    ),
    "a milestone for a threshold": (
        "milestones",
        0,
        "key_result_id",
        "leads",
        "milestones[row 0].key_result_id: a threshold key result has no milestones",
    ),
    "a zoned key result's values out of order": (
        "key_results",
        4,
        "baseline",
        70.0,
        (
            "key_results[row 4].commit: expected a value between baseline 70.0 and stretch 60.0, "
            "got 30.0"
        ),
    ),
    "a day planned twice": (
        "plans",
        1,
        "at",
        date(2026, 7, 31),
        "key_results[row 0]: expected each day planned once, got datetime.date(2026, 7, 31)",
    ),
    "a threshold without its line": (
        "key_results",
        2,
        "threshold",
        None,
        "key_results[row 2].threshold: a value is required",
    ),
    "an objective aligned to itself": (
        "objectives",
        1,
        "parent_id",
        "mk",
        "objectives[row 1].parent_id: aligned to itself ('mk')",
    ),
}


@pytest.mark.parametrize("gap", list(GAPS))
@pytest.mark.parametrize("backend", ["polars", "lazy", "pandas"])
def test_each_gap_gives_from_frames_problem(gap, backend):
    table, row, column, value, problem = GAPS[gap]
    tables = {**RICH, table: set_cell(RICH[table], row, column, value)}
    assert assert_same_problems(tables, backend) == ("ValidationError", [problem])


@pytest.mark.parametrize("backend", ["polars", "pandas"])
def test_text_check_in_values_read_by_their_key_results_kind(backend):
    check_ins = text_values(RICH["check_ins"])
    check_ins = set_cell(set_cell(check_ins, 1, "value", "maybe"), 0, "value", "TARGET")
    check_ins = set_cell(check_ins, 5, "value", "target")  # an ordinal's zone: read
    tables = {**RICH, "check_ins": check_ins}
    assert assert_same_problems(tables, backend) == (
        "ValidationError",
        [
            "check_ins[row 0].value: expected a finite number, got 'TARGET'",
            (
                "check_ins[row 1].value: expected True/False (or 1/0) for a binary key result, "
                "got 'maybe'"
            ),
        ],
    )


def test_a_milestones_key_result_without_rows():
    tables = {**RICH, "milestones": RICH["milestones"].head(0)}
    assert assert_same_problems(tables) == (
        "ValidationError",
        ["key_results[row 3].kind: a milestones key result needs rows in milestones"],
    )


def test_type_and_value_problems_come_in_one_list_in_from_frames_order():
    check_ins = set_cell(text_values(RICH["check_ins"]), 6, "value", "abc")
    key_results = RICH["key_results"].with_columns(pl.lit(1.0).alias("weight"))
    key_results = set_cell(set_cell(key_results, 2, "weight", -1.0), 6, "title", None)
    objectives = set_cell(RICH["objectives"], 0, "cycle", "someday")
    tables = {**RICH, "check_ins": check_ins, "key_results": key_results, "objectives": objectives}
    assert assert_same_problems(tables, "pandas") == (
        "ValidationError",
        [
            "key_results[row 2].weight: expected a number >= 0, got -1.0",
            "key_results[row 6].title: a value is required",
            (
                "check_ins[row 6].value: expected True/False (or 1/0) for a binary key result, "
                "got 'abc'"
            ),  # a binary key result's
            (
                "objectives[row 0].cycle: expected a cycle name like '2026-Q3', '2026', 'FY2027' "
                "or 'FY2027-Q1', got 'someday'"
            ),
        ],
    )


def test_a_key_results_check_ins_are_not_read_when_it_is_not():
    # from_frames reads no check-in of a key result without a measure: neither does this.
    key_results = set_cell(RICH["key_results"], 0, "kind", "guess")
    check_ins = set_cell(RICH["check_ins"], 0, "value", None)
    tables = {**RICH, "key_results": key_results, "check_ins": check_ins}
    assert assert_same_problems(tables) == (
        "ValidationError",
        [
            (
                "key_results[row 0].kind: expected one of metric, binary, threshold, milestones, "
                "zoned, ordinal, got 'guess'"
            )
        ],
    )


BAD_VALUES = {
    "objectives": {
        "title": [None],
        "id": ["co"],
        "commitment": ["maybe"],
        "cycle": ["2026-Q9", None],
        "parent_id": ["mk"],
        # Read by from_frames alone: the model's checks of the links, the plausible days.
        "parent_key_result_id": ["rev"],
        "alignment_weight": [-1.0],
        "closed_on": [date(1850, 1, 1)],
        "cycle_start": [date(1850, 1, 1), None],
        "cycle_end": [date(2250, 1, 1)],
    },
    "key_results": {
        "title": [None],
        "kind": ["guess", "binary", "milestones"],
        "id": ["rev"],
        "start": [None, math.inf],
        "threshold": [None],
        "stretch": [None, 35.0, 10.0],
    },
    "check_ins": {
        "value": [None, 0.5, 7.0, 3.0, math.inf, -1.0, 20.0],
        "at": [date(1850, 1, 1), None, date(2026, 7, 10)],  # with 20.0: row 0 again
        "confidence": [11.0, 0.5],
        "objective_id": ["nowhere"],
        "key_result_id": ["nothing", "rev"],
    },
    "milestones": {"name": [None], "weight": [-1.0], "key_result_id": ["leads", "nothing"]},
    "plans": {"at": [None, date(1850, 1, 1)], "value": [None], "key_result_id": ["launch"]},
}


@st.composite
def bad_tables(draw):
    """The rich tables with one to three bad cells, anywhere."""
    tables = dict(RICH)
    for _ in range(draw(st.integers(1, 3))):
        table = draw(st.sampled_from(sorted(BAD_VALUES)))
        column = draw(st.sampled_from(sorted(BAD_VALUES[table])))
        value = draw(st.sampled_from(BAD_VALUES[table][column]))
        row = draw(st.integers(0, len(tables[table]) - 1))
        tables[table] = set_cell(tables[table], row, column, value)
    return tables


@settings(max_examples=150, deadline=None)
@given(bad_tables())
def test_bad_tables_give_from_frames_problems_in_its_order(tables):
    kind, problems = assert_same_problems(tables)
    assert kind == "ok" or problems


@pytest.mark.parametrize("backend", ["polars", "pandas"])
def test_a_check_in_written_twice(backend):
    check_ins = pl.concat([RICH["check_ins"], RICH["check_ins"].slice(0, 2)])
    assert assert_same_problems({**RICH, "check_ins": check_ins}, backend) == (
        "ValidationError",
        [
            f"check_ins[row {row}]: the same check-in as row {first} (key result, at and value); "
            "give both an id to keep both"
            for row, first in ((8, 0), (9, 1))
        ],
    )


@pytest.mark.parametrize("backend", ["polars", "pandas", "lazy"])
def test_a_date_and_a_date_time_at_its_midnight_are_two_check_ins(backend):
    # Written as text, each cell is read as the model reads it: a date and a date-time at
    # its midnight are two moments to it, however equal their instants; the date written
    # again (row 0 is that check-in) is a check-in twice.
    first = RICH["check_ins"].slice(0, 1).with_columns(pl.col("at").cast(pl.String))
    day = first["at"][0]
    written = [day, f"{day}T00:00:00", day]
    again = pl.concat([first.with_columns(pl.lit(at).alias("at")) for at in written])
    check_ins = pl.concat([RICH["check_ins"].with_columns(pl.col("at").cast(pl.String)), again])
    assert assert_same_problems({**RICH, "check_ins": check_ins}, backend) == (
        "ValidationError",
        [
            f"check_ins[row {row}]: the same check-in as row 0 (key result, at and value); "
            "give both an id to keep both"
            for row in (8, 10)  # the date again, twice: row 9 is not row 0
        ],
    )


@pytest.mark.parametrize("table", ["check_ins", "plans"])
def test_rows_on_a_day_the_model_refuses_are_not_also_repeats(table):
    # from_frames refuses the cell and reads no further: the rows are not "the same" rows.
    twice = pl.concat([RICH[table].slice(0, 1)] * 2)
    twice = twice.with_columns(pl.lit(date(1850, 1, 1)).cast(RICH[table].schema["at"]).alias("at"))
    tables = {**RICH, table: pl.concat([twice, RICH[table]])}
    problems = refused_alike(tables, "polars")
    assert paths(problems) == [
        f"{table}[row 0].at",
        f"{table}[row 1].at",
    ]


@pytest.mark.parametrize("backend", ["polars", "pandas", "lazy"])
def test_a_check_in_id_used_twice_is_refused_in_from_frames_order(backend):
    check_ins = RICH["check_ins"]
    ids = [f"c{row}" for row in range(len(check_ins))]
    ids[5], ids[6] = "c1", "c1"  # rows 5 and 6 repeat row 1's id
    check_ins = check_ins.with_columns(pl.Series("id", ids))
    key_results = set_cell(RICH["key_results"], 2, "kind", "guess")  # read after the ids
    tables = {**RICH, "check_ins": check_ins, "key_results": key_results}
    problems = refused_alike(tables, backend)
    assert problems[:2] == [
        "check_ins[row 5].id: 'c1' is already row 1's",
        "check_ins[row 6].id: 'c1' is already row 1's",
    ]
    assert problems[2].startswith("key_results[row 2].kind")


INITIATIVES = pl.DataFrame(
    {
        "objective_id": ["mk", "mk", "pr", "co", "nowhere"],
        "id": ["i1", "i1", "i2", "i3", "i4"],
        "title": ["Launch", "Launch again", "Pricing", "Hiring", "Lost"],
        "status": ["in_progress", None, "someday", None, None],
        "start": [date(2026, 7, 1), None, None, date(2026, 9, 1), None],
        "end": [date(2026, 8, 1), None, None, date(2026, 7, 1), None],
        "key_result_ids": [None, None, "ghost", None, "k"],
    }
)


@pytest.mark.parametrize("backend", ["polars", "pandas", "lazy"])
def test_initiatives_own_rules_are_those_from_frames_checks(backend):
    tables = {**RICH, "initiatives": INITIATIVES}
    problems = refused_alike(tables, backend)
    assert paths(problems) == [
        "initiatives[row 4].objective_id",
        "initiatives[row 1].id",
        "initiatives[row 2].key_result_ids",
        "initiatives[row 2].status",  # with its link: every bad cell at once
        "initiatives[row 3].end",
        "initiatives[row 4].key_result_ids",
    ]


TREE_FAULTS = {
    "a loop": [("co", "pr", 1.0, None)],
    "an unknown parent": [("pr", "ghost", 1.0, None)],
    "a key result the parent does not have": [("pr", "mk", 1.0, "nokr")],
}


@pytest.mark.parametrize("fault", list(TREE_FAULTS))
def test_the_tree_is_refused_as_alignment_tree_refuses_it(fault):
    # from_frames reads the links; AlignmentTree, which score_frames stands for, refuses them.
    tables = {**RICH, "alignments": links_of(TREE_FAULTS[fault])}
    document = from_frames_cell_by_cell(**tables)
    with pytest.raises(AlignmentError) as pure:
        AlignmentTree(document.objectives)
    with pytest.raises(AlignmentError) as engine:
        score_frames(date(2026, 8, 1), **tables)
    assert engine.value.problems == pure.value.problems


# -- the reading options from_frames takes -------------------------------------------------------


def _with_column(table, name, values):
    frame = TABLES[table]
    return {**TABLES, table: frame.with_columns(pl.Series(name, values[: len(frame)]))}


def test_an_unknown_column_is_refused_by_name_as_from_frames_refuses_it():
    tables = _with_column("key_results", "wieght", [2.0] * 50)
    expected = problems_of(lambda: from_frames_cell_by_cell(**tables))
    assert problems_of(lambda: score_frames(date(2026, 8, 1), **tables)) == expected
    assert expected == [
        (
            "key_results.wieght: 'wieght' is not a column of key_results; did you mean "
            "'weight'? (extra_columns='ignore' reads past columns okrkpi does not use)"
        )
    ]


def test_a_column_that_is_ours_but_for_its_case_is_refused_even_when_extras_are_ignored():
    tables = {**TABLES, "objectives": TABLES["objectives"].rename({"cycle": "Cycle"})}
    expected = problems_of(lambda: from_frames_cell_by_cell(**tables, extra_columns="ignore"))
    got = problems_of(lambda: score_frames(date(2026, 8, 1), **tables, extra_columns="ignore"))
    assert got == expected
    assert expected[0].startswith("objectives.Cycle: 'Cycle' is not a column of objectives")


def test_extra_columns_can_be_read_past_with_a_warning_or_silently():
    tables = _with_column("check_ins", "source", ["import"] * 200)
    plain = score_frames(date(2026, 8, 1), **TABLES)
    with pytest.warns(UnknownColumnsWarning, match="check_ins: read past the columns 'source'"):
        warned = score_frames(date(2026, 8, 1), **tables, extra_columns="warn")
    assert warned.equals(plain)
    assert score_frames(date(2026, 8, 1), **tables, extra_columns="ignore").equals(plain)


def test_a_rename_that_names_no_column_is_refused_with_the_functions_name():
    renames = {"key_results": {"Weight": "weight"}}
    got = problems_of(lambda: score_frames(date(2026, 8, 1), **TABLES, columns=renames))
    assert len(got) == 1
    assert got[0].startswith("score_frames.columns['key_results']: 'Weight' names no column")
    with pytest.raises(ValidationError, match=r"score_frames.columns\['plans'\]: renames 'Day'"):
        score_frames(date(2026, 8, 1), **{**TABLES, "plans": ()}, columns={"plans": {"Day": "at"}})


@pytest.mark.parametrize("kind", ["pandas", "polars-lazy", "duckdb"])
def test_confidences_on_a_tools_scale_are_read_with_confidence_scale(kind):
    ratings = TABLES["check_ins"]["confidence"]
    tables = {**TABLES, "check_ins": TABLES["check_ins"].with_columns(ratings / 10)}
    scale = ConfidenceScale("probability", maximum=1)
    given = _as_kind(kind, tables)
    refused = problems_of(lambda: score_frames(date(2026, 8, 1), **given))
    assert refused == problems_of(lambda: from_frames_cell_by_cell(**tables))
    assert "a probability?" in refused[0]
    got = _collected(score_frames(date(2026, 8, 1), **given, confidence_scale=scale))
    assert got.equals(score_frames(date(2026, 8, 1), **TABLES))
    # A cell the scale refuses is named as from_frames names it.
    bad = {**tables, "check_ins": set_cell(tables["check_ins"], 3, "confidence", 4.0)}
    expected = problems_of(lambda: from_frames_cell_by_cell(**bad, confidence_scale=scale))
    assert expected[0].startswith("check_ins[row 3].confidence: expected a number from 0 to 1")
    got_problems = problems_of(
        lambda: score_frames(date(2026, 8, 1), **_as_kind(kind, bad), confidence_scale=scale)
    )
    assert got_problems == expected


def test_labelled_confidences_are_read_on_their_scale():
    labels = ["red", "yellow", "green"] * 100
    tables = _with_column("check_ins", "confidence", labels)
    tables["check_ins"] = tables["check_ins"].with_columns(pl.col("confidence").cast(pl.String))
    scale = ConfidenceScale.traffic_light()
    got = score_frames(date(2026, 8, 1), **tables, confidence_scale=scale)
    assert got.equals(score_frames(date(2026, 8, 1), **TABLES))
    with pytest.raises(ValidationError, match=r"check_ins\[row 0\].confidence"):
        score_frames(date(2026, 8, 1), **tables)


@pytest.mark.parametrize("kind", ["pandas", "polars-lazy"])
def test_text_dates_are_read_with_date_format(kind):
    check_ins = TABLES["check_ins"].with_columns(pl.col("at").dt.strftime("%m/%d/%Y"))
    tables = {**TABLES, "check_ins": check_ins}
    expected = from_frames_cell_by_cell(**tables, date_format="%m/%d/%Y")
    got = _collected(
        score_frames(date(2026, 8, 1), **_as_kind(kind, tables), date_format="%m/%d/%Y")
    )
    read = to_frames(expected, backend="polars")
    assert got.equals(score_frames(date(2026, 8, 1), **{name: read[name] for name in SCORED}))
    refused = problems_of(lambda: score_frames(date(2026, 8, 1), **_as_kind(kind, tables)))
    assert refused == problems_of(lambda: from_frames_cell_by_cell(**tables))


@pytest.mark.parametrize(
    ("option", "value"),
    [("confidence_scale", 10), ("date_format", "YYYY-MM-DD"), ("extra_columns", "keep")],
)
def test_a_bad_reading_option_is_refused_by_name(option, value):
    with pytest.raises(ValidationError, match=rf"score_frames.{option}: expected"):
        score_frames(date(2026, 8, 1), **TABLES, **{option: value})


def _as_kind(kind, tables):
    if kind == "pandas":
        return {name: frame.to_pandas() for name, frame in tables.items()}
    if kind == "polars-lazy":
        return {name: frame.lazy() for name, frame in tables.items()}
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    return {name: connection.from_arrow(frame.to_arrow()) for name, frame in tables.items()}


def _collected(result):
    if isinstance(result, pl.DataFrame):
        return result
    if isinstance(result, pl.LazyFrame):
        return result.collect()
    if hasattr(result, "pl"):  # a DuckDB relation
        return result.pl()
    return pl.from_pandas(result)


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("check_ins", "key_result_id", "ghost"),
        ("check_ins", "objective_id", None),
        ("milestones", "key_result_id", None),
        ("plans", "objective_id", None),
    ],
)
def test_a_pandas_row_linked_to_no_key_result_is_named_as_from_frames_names_it(
    table, column, value
):
    tables = {**RICH, table: set_cell(RICH[table], 0, column, value)}
    problems = refused_alike(tables, "pandas")
    assert any(problem.startswith(f"{table}[row 0].{column}") for problem in problems)


@pytest.mark.parametrize("backend", ["polars", "pandas", "lazy"])
def test_a_misnamed_column_and_a_missing_one_are_reported_together(backend):
    check_ins = RICH["check_ins"].drop("value").with_columns(pl.lit("x").alias("foo"))
    tables = {**RICH, "check_ins": check_ins}
    problems = refused_alike(tables, backend)
    assert paths(problems) == [
        "check_ins.foo",
        "check_ins.value",
    ]


def test_an_empty_list_is_a_table_given_for_renames():
    renames = {"plans": {"Day": "at"}}
    got = score_frames(date(2026, 8, 1), **{**TABLES, "plans": []}, columns=renames)
    assert got.equals(score_frames(date(2026, 8, 1), **{**TABLES, "plans": ()}))
    from_frames(**{**TABLES, "plans": []}, columns=renames)  # accepted there too


def test_a_pandas_date_outside_the_plausible_ones_is_shown_as_from_frames_shows_it():
    tables = {**RICH, "check_ins": set_cell(RICH["check_ins"], 2, "at", date(1800, 1, 1))}
    problems = refused_alike(tables, "pandas")
    assert problems[0].startswith("check_ins[row 2].at: expected a date between 1900-01-01")


def test_a_lazy_column_of_text_confidences_names_each_bad_cell_as_from_frames_does():
    labels = pl.Series("confidence", ["high", "sure", "7/10", "sure"] * 2)
    check_ins = RICH["check_ins"].with_columns(labels[: len(RICH["check_ins"])])
    tables = {**RICH, "check_ins": check_ins}
    expected = problems_of(lambda: from_frames_cell_by_cell(**tables))
    got = problems_of(lambda: score_frames(date(2026, 8, 1), **_as_kind("duckdb", tables)))
    assert got == expected
    assert paths(expected) == [
        "check_ins[row 1].confidence",
        "check_ins[row 3].confidence",
        "check_ins[row 5].confidence",
        "check_ins[row 7].confidence",
    ]


def _metric(start, target):
    return set_cell(set_cell(RICH["key_results"], 0, "start", start), 0, "target", target)


def _zoned_tiny():
    key_results = RICH["key_results"]
    for column, value in (("baseline", 0.0), ("stretch", 1e-300), ("commit", None)):
        key_results = set_cell(key_results, 4, column, value)
    return set_cell(key_results, 4, "target", None)


def _zero_weighted_steps():
    return RICH["milestones"].with_columns(pl.lit(0.0).alias("weight"))


def _objective_weighs_nothing():
    weight = pl.when(pl.col("objective_id") == "co").then(0.0).otherwise(1.0)
    return RICH["key_results"].with_columns(weight.alias("weight"))


# The model's own checks of a measure, its values and an objective's key results: each
# refused by from_frames, so never scored (NaN graded green, or progress inf) here.
MODEL_CHECKS = {
    "a distance from start past the floats": (
        {"key_results": _metric(-1e308, 1e308)},
        (
            "key_results[row 0].target: expected a target whose distance from start -1e+308 "
            "fits a float, got 1e+308"
        ),
    ),
    "a check-in of unbounded progress": (
        {
            "key_results": _metric(0.0, 1e-300),
            "plans": RICH["plans"].head(0),
            "check_ins": set_cell(set_cell(RICH["check_ins"], 7, "value", 1e10), 0, "value", 2e10),
        },
        (
            "check_ins[row 0].value: expected a value whose progress from 0.0 to 1e-300 is "
            "finite, got 20000000000.0"
        ),  # the first in the history, not in the table
    ),
    "a huge check-in of a wide metric": (
        {"check_ins": set_cell(RICH["check_ins"], 7, "value", -1.7e308)},
        None,  # progress -1.7e306: finite, read well
    ),
    "a huge check-in far from a huge start": (
        {
            "key_results": _metric(1e308, 0.0),
            "plans": RICH["plans"].head(0),
            "check_ins": set_cell(RICH["check_ins"], 7, "value", -1e308),
        },
        (
            "check_ins[row 7].value: expected a value whose progress from 1e+308 to 0.0 is "
            "finite, got -1e+308"
        ),
    ),
    "a planned value of unbounded progress": (
        {
            "key_results": _metric(0.0, 1e-300),
            "plans": set_cell(set_cell(RICH["plans"], 1, "value", 1e10), 0, "value", 1e-301),
        },
        (
            "key_results[row 0]: expected a value whose progress from 0.0 to 1e-300 is finite, "
            "got 10000000000.0"
        ),
    ),
    "a zoned check-in of unbounded share": (
        {"key_results": _zoned_tiny(), "check_ins": set_cell(RICH["check_ins"], 4, "value", 1e10)},
        (
            "check_ins[row 4].value: expected a value whose share from 0.0 to 1e-300 is finite, "
            "got 10000000000.0"
        ),
    ),
    "steps that all weigh 0": (
        {"milestones": _zero_weighted_steps()},
        "key_results[row 3].weight: expected at least one weight > 0, got [0.0, 0.0]",
    ),
    "a step named twice": (
        {"milestones": set_cell(RICH["milestones"], 1, "name", "one")},
        "key_results[row 3]: expected a name used once, got 'one'",
    ),
    "a step named twice of steps weighing 0": (
        {"milestones": set_cell(_zero_weighted_steps(), 1, "name", "one")},
        "key_results[row 3]: expected a name used once, got 'one'",  # the model's first
    ),
    "steps weighing 0 with an unnamed one": (
        {"milestones": set_cell(_zero_weighted_steps(), 1, "name", None)},
        "milestones[row 1].name: a value is required",  # no Milestones built to check
    ),
    "an objective whose key results all weigh 0": (
        {"key_results": _objective_weighs_nothing()},
        "objectives[row 0]: expected at least one weight > 0, got [0.0, 0.0]",
    ),
    "a day planned twice of a metric past the floats": (
        {
            "key_results": _metric(-1e308, 1e308),
            "plans": set_cell(RICH["plans"], 1, "at", date(2026, 7, 31)),
        },
        "key_results[row 0]: expected each day planned once, got datetime.date(2026, 7, 31)",
    ),
}


@pytest.mark.parametrize("case", list(MODEL_CHECKS))
@pytest.mark.parametrize("backend", ["polars", "lazy", "pandas"])
def test_the_models_checks_refuse_what_from_frames_refuses(case, backend):
    changes, problem = MODEL_CHECKS[case]
    got = assert_same_problems({**RICH, **changes}, backend)
    assert got == (("ValidationError", [problem]) if problem else ("ok", []))


@pytest.mark.parametrize("case", list(MODEL_CHECKS))
def test_the_models_checks_hold_in_a_database(case):
    changes, _ = MODEL_CHECKS[case]
    tables = {**RICH, **changes}
    expected = outcome(lambda: AlignmentTree(from_frames_cell_by_cell(**tables).objectives))
    got = outcome(lambda: score_frames(date(2026, 8, 1), **_as_kind("duckdb", tables)))
    assert got == expected


# Dask plans slowly: the checks that join check-ins to key results, and the weights.
@pytest.mark.parametrize(
    "case",
    [
        "a check-in of unbounded progress",
        "steps that all weigh 0",
        "an objective whose key results all weigh 0",
    ],
)
@pytest.mark.filterwarnings("ignore:Dask support is moving out of Narwhals")
def test_the_models_checks_hold_on_dask(case):
    dd = pytest.importorskip("dask.dataframe")
    changes, _ = MODEL_CHECKS[case]
    tables = {**RICH, **changes}
    expected = outcome(lambda: AlignmentTree(from_frames_cell_by_cell(**tables).objectives))
    frames = {
        name: dd.from_pandas(frame.to_pandas(use_pyarrow_extension_array=True), npartitions=2)
        for name, frame in tables.items()
    }
    assert outcome(lambda: score_frames(date(2026, 8, 1), **frames)) == expected


@pytest.mark.parametrize("looped", [False, True])
@pytest.mark.parametrize("depth", [3, 70])  # 70: past the rounds polars peels in
def test_a_loop_at_the_bottom_of_a_chain_is_found_however_deep(depth, looped):
    ids = [f"n{level}" for level in range(depth)]
    parents = [None, *ids[:-1]]
    if looped:
        parents[0] = ids[-1]  # the root aligned to the deepest: every objective in a loop
    tables = {
        "objectives": pl.DataFrame(
            {"id": ids, "title": ids, "parent_id": parents, "cycle": ["2026-Q3"] * depth}
        ),
        "key_results": pl.DataFrame(
            {
                "objective_id": ids,
                "id": ["k"] * depth,
                "title": ["K"] * depth,
                "kind": ["binary"] * depth,
            }
        ),
        "check_ins": RICH["check_ins"].head(0),
    }
    kind, _ = assert_same_problems(tables)
    assert kind == ("AlignmentError" if looped else "ok")


@st.composite
def link_graphs(draw):
    """Objectives with a parent_id each or none, and alignments rows: loops and all."""
    count = draw(st.integers(1, 9))
    ids = [f"n{number}" for number in range(count)]
    parent = st.one_of(st.none(), st.sampled_from(ids))
    parents = draw(st.lists(parent, min_size=count, max_size=count))
    aligned = draw(
        st.lists(
            st.tuples(st.sampled_from(ids), st.sampled_from(ids)).filter(lambda p: p[0] != p[1]),
            max_size=6,
            unique=True,
        )
    )
    # An objective with alignments rows keeps its parents there: no parent_id beside them.
    parents = [
        None if oid in {child for child, _ in aligned} or link == oid else link
        for oid, link in zip(ids, parents, strict=True)
    ]
    return {
        "objectives": pl.DataFrame(
            {"id": ids, "title": ids, "parent_id": parents, "cycle": ["2026-Q3"] * count},
            schema_overrides={"parent_id": pl.String},
        ),
        "alignments": links_of([(child, up, 1.0, None) for child, up in aligned]),
        "key_results": pl.DataFrame(
            {"objective_id": ids, "id": ["k"] * count, "title": ["K"] * count}
        ).with_columns(kind=pl.lit("binary")),
        "check_ins": RICH["check_ins"].head(0),
    }


@settings(max_examples=150, deadline=None)
@given(link_graphs())
def test_loops_through_any_links_are_refused_as_alignment_tree_refuses_them(tables):
    kind, _ = assert_same_problems(tables)
    # The fast walk on whole-number codes says loop-free exactly when the tree does: a
    # wrong "no" would only cost the slow walk, which the line above cannot see.
    import narwhals.stable.v2 as nw

    from okrkpi._edges.columnar.validation import _polars_loop_free

    links = [
        *tables["objectives"].drop_nulls("parent_id").select("id", "parent_id").rows(),
        *tables["alignments"].select("objective_id", "parent_id").rows(),
    ]
    pairs = pl.DataFrame(
        links, schema={"objective_id": pl.String, "parent_id": pl.String}, orient="row"
    )
    found = _polars_loop_free(tables["objectives"].select("id"), nw.from_native(pairs))
    assert found == (kind == "ok")


NO_CHECK_INS = RICH["check_ins"].head(0)
ONE = pl.DataFrame({"id": ["o"], "title": ["O"], "cycle": ["2026-Q3"]})


def _two_metrics(weights, targets):
    return pl.DataFrame(
        {
            "objective_id": ["o", "o"],
            "id": ["a", "b"],
            "title": ["A", "B"],
            "kind": ["metric", "metric"],
            "start": [0.0, 0.0],
            "target": targets,
            "weight": weights,
        }
    )


# An objective is weighed by its key results as the table lists them: one refused for a
# problem of its own still counts (with its weight), so only weights all 0 are reported.
WEIGHED = {
    "the weighty one refused": (
        {"key_results": _two_metrics([1.0, 0.0], [0.0, 10.0])},
        ["key_results[row 0].target: expected a value different from start 0.0, got 0.0"],
    ),
    "one of two light ones refused": (
        {"key_results": _two_metrics([0.0, 0.0], [0.0, 10.0])},
        [
            "key_results[row 0].target: expected a value different from start 0.0, got 0.0",
            "objectives[row 0]: expected at least one weight > 0, got [0.0, 0.0]",
        ],
    ),
    "both refused, weighing nothing": (
        {"key_results": _two_metrics([0.0, 0.0], [0.0, 0.0])},
        [
            "key_results[row 0].target: expected a value different from start 0.0, got 0.0",
            "key_results[row 1].target: expected a value different from start 0.0, got 0.0",
            "objectives[row 0]: expected at least one weight > 0, got [0.0, 0.0]",
        ],
    ),
    "a negative zero": (
        {"key_results": _two_metrics([0.0, -0.0], [1.0, 10.0])},
        ["objectives[row 0]: expected at least one weight > 0, got [0.0, -0.0]"],
    ),
    "aligned to itself, weighing nothing": (
        {
            "objectives": ONE.with_columns(pl.lit("o").alias("parent_id")),
            "key_results": _two_metrics([0.0, 0.0], [1.0, 10.0]),
        },
        ["objectives[row 0]: expected at least one weight > 0, got [0.0, 0.0]"],  # first
    ),
    "a value refused": (
        {
            "key_results": _two_metrics([1.0, 0.0], [1.0, 10.0]).with_columns(
                pl.lit("binary").alias("kind")
            ),
            "check_ins": pl.DataFrame(
                {
                    "objective_id": ["o"],
                    "key_result_id": ["a"],
                    "at": [date(2026, 7, 5)],
                    "value": [0.5],
                }
            ),
        },
        ["check_ins[row 0].value: expected True/False (or 1/0) for a binary key result, got 0.5"],
    ),
    "an unreadable weight beside a 0": (
        {
            "key_results": _two_metrics([0.0, 0.0], [0.0, 10.0]).with_columns(
                pl.Series("weight", ["heavy", "0"])
            )
        },
        [  # counted as 1, as from_frames' stand-in for it weighs; read after the measure
            "key_results[row 0].target: expected a value different from start 0.0, got 0.0",
            "key_results[row 0].weight: expected a finite number, got 'heavy'",
        ],
    ),
}


@pytest.mark.parametrize("case", list(WEIGHED))
@pytest.mark.parametrize("backend", ["polars", "pandas"])
def test_an_objective_is_weighed_by_its_key_results_as_the_table_lists_them(case, backend):
    changes, expected = WEIGHED[case]
    tables = {"objectives": ONE, "check_ins": NO_CHECK_INS, **changes}
    assert assert_same_problems(tables, backend) == ("ValidationError", expected)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["a", "a "], []),  # written: "a " is another name
        ([" a", " a"], ["key_results[row 0]: expected a name used once, got ' a'"]),
    ],
)
def test_step_names_are_compared_as_written(names, expected):
    tables = {
        "objectives": ONE,
        "key_results": pl.DataFrame(
            {"objective_id": ["o"], "id": ["s"], "title": ["S"], "kind": ["milestones"]}
        ),
        "check_ins": NO_CHECK_INS,
        "milestones": pl.DataFrame(
            {
                "objective_id": ["o", "o"],
                "key_result_id": ["s", "s"],
                "name": names,
                "weight": [1.0, 1.0],
            }
        ),
    }
    assert assert_same_problems(tables) == (
        ("ValidationError", expected) if expected else ("ok", [])
    )


def test_free_text_is_scored_as_written_and_blank_is_empty():
    objectives = ONE.with_columns(pl.lit(" Grow ").alias("title"), pl.lit(" Ann").alias("owner"))
    tables = {
        "objectives": objectives,
        "key_results": _two_metrics([1.0, 1.0], [1.0, 10.0]),
        "check_ins": NO_CHECK_INS,
    }
    got = score_frames(date(2026, 8, 1), **tables).select("objective", "owner").rows()
    assert got == [(" Grow ", " Ann")]
    blank = {**tables, "objectives": objectives.with_columns(pl.lit("  ").alias("title"))}
    assert refused_alike(blank) == ["objectives[row 0].title: a value is required"]


@pytest.mark.parametrize("column", ["objective_id", "id"])
def test_a_milestones_key_result_without_its_key_still_reads_its_steps(column):
    # Its steps link to no key result: from_frames finds none for it, and says so.
    tables = {**RICH, "key_results": set_cell(RICH["key_results"], 3, column, None)}
    problems = refused_alike(tables)
    assert "key_results[row 3].kind: a milestones key result needs rows in milestones" in problems


@pytest.mark.parametrize("backend", ["polars", "pandas"])
def test_an_objective_aligned_to_itself_beside_alignments_rows_is_named_as_the_model_names_it(
    backend,
):
    ids = ["o0", "o1", "o2"]
    tables = {
        "objectives": pl.DataFrame(
            {"id": ids, "title": ids, "cycle": ["2026-Q3"] * 3, "parent_id": ["o0", None, "o0"]}
        ),
        "alignments": links_of([("o0", "o1", 1.0, None)]),
        "key_results": pl.DataFrame(
            {"objective_id": ids, "id": ["k"] * 3, "title": ["K"] * 3, "kind": ["binary"] * 3}
        ),
        "check_ins": NO_CHECK_INS,
    }
    # Its links are its parents: the model names the objective, not its parent_id cell.
    assert assert_same_problems(tables, backend) == (
        "ValidationError",
        ["objectives[row 0]: aligned to itself ('o0')"],
    )


# Cases a review found where the whole-column checks and the cell reader differed.
REFERRALS = pl.DataFrame(
    {"objective_id": ["co"], "id": ["referrals"], "title": ["Referrals"], "key_result_ids": ["rev"]}
)


def _with(table, column, value, dtype=None, row=0):
    frame = RICH[table]
    if column not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=dtype or pl.Float64).alias(column))
    return {**RICH, table: set_cell(frame, row, column, value, dtype)}


REVIEWED = {
    "a link cell of an initiative that is not text": (
        {**RICH, "initiatives": REFERRALS.with_columns(pl.lit(value=True).alias("objective_id"))},
        ["initiatives[row 0].objective_id: expected text, got True"],
    ),
    "an infinite fiscal month": (
        _with("objectives", "cycle_fiscal_start_month", math.inf),
        ["objectives[row 0].cycle_fiscal_start_month: expected a finite number, got inf"],
    ),
    "a weight of -inf, refused once": (
        _with("key_results", "weight", -math.inf),
        ["key_results[row 0].weight: expected a finite number, got -inf"],
    ),
    "an objective's weight of -inf": (
        _with("objectives", "alignment_weight", -math.inf, row=1),
        ["objectives[row 1].alignment_weight: expected a finite number, got -inf"],
    ),
    "a level written with spaces, quoted as written": (
        _with("objectives", "level", " galaxy ", pl.String),
        [
            (
                "objectives[row 0].level: expected one of 'company', 'department', 'team', "
                "'individual', got ' galaxy '"
            )
        ],
    ),
    "a level written as a number": (
        _with("objectives", "level", -1.0),
        [
            (
                "objectives[row 0].level: expected one of 'company', 'department', 'team', "
                "'individual', got -1.0"
            )
        ],
    ),
    "true for a metric's check-in": (
        {
            **RICH,
            "check_ins": RICH["check_ins"]
            .filter(pl.col("key_result_id").is_in(["rev", "launch"]))
            .with_columns(pl.col("value") > 0),
        },
        [
            "check_ins[row 0].value: expected a finite number, got True",
            "check_ins[row 2].value: expected a finite number, got True",
        ],
    ),
    "an initiative driving a key result refused for its check-in": (
        {**_with("check_ins", "confidence", 11.0), "initiatives": REFERRALS},
        [
            (
                "check_ins[row 0].confidence: expected a rating from 0 to 10, or 'low', "
                "'medium', 'high', got 11.0 (a percentage? write 1.1 for 11, or read the "
                "column with confidence_scale=ConfidenceScale('percent', maximum=100))"
            ),
        ],  # not also its objective's initiative driving it: 'rev' is one of its key results
    ),
    "a check-in's unreadable text value beside other bad cells of its row": (
        {  # each cell worded as its own, not as the value's
            "objectives": ONE,
            "key_results": _two_metrics([1.0, 1.0], [1.0, 10.0]),
            "check_ins": pl.DataFrame(
                {
                    "objective_id": ["o", "o"],
                    "key_result_id": ["a", "b"],
                    "at": ["2026-13-45", "2026-07-03"],
                    "value": ["1,4", "n/a"],
                    "confidence": ["2", "eleven"],
                }
            ),
        },
        [
            (
                "check_ins[row 0].value: expected a finite number (commas only between "
                "thousands), got '1,4'"
            ),
            "check_ins[row 0].at: expected an ISO date like '2026-07-01', got '2026-13-45'",
            "check_ins[row 1].value: expected a finite number, got 'n/a'",
            (
                "check_ins[row 1].confidence: expected a rating from 0 to 10, or 'low', 'medium', "
                "'high', got 'eleven' (labels of another tool? name its scale with "
                "confidence_scale=)"
            ),
        ],
    ),
    "a negative weight beside its key result's other problems": (
        {  # every bad cell at once: the weight was lost behind the measure or a check-in
            "objectives": ONE,
            "key_results": _two_metrics([-2.0, -1.0], [0.0, 10.0]),
            "check_ins": pl.DataFrame(
                {
                    "objective_id": ["o"],
                    "key_result_id": ["b"],
                    "at": [date(2026, 7, 2)],
                    "value": [None],
                },
                schema_overrides={"value": pl.Float64},
            ),
        },
        [
            "key_results[row 0].target: expected a value different from start 0.0, got 0.0",
            "key_results[row 0].weight: expected a number >= 0, got -2.0",
            "key_results[row 1].weight: expected a number >= 0, got -1.0",
            "check_ins[row 0].value: a value is required",
        ],
    ),
    "an initiative beside a key result with no objective and a refused one": (
        {  # pandas made the empty objective_id NaN, and sorting it with text raised
            "objectives": ONE,
            "key_results": pl.DataFrame(
                {
                    "objective_id": ["o", "o", None],
                    "id": ["a", "b", "c"],
                    "title": ["A", "B", "C"],
                    "kind": ["metric"] * 3,
                    "start": [0.0] * 3,
                    "target": [1.0, 0.0, 1.0],
                }
            ),
            "check_ins": NO_CHECK_INS,
            "initiatives": pl.DataFrame(
                {"objective_id": ["o"], "id": ["i"], "title": ["I"], "key_result_ids": ["b"]}
            ),
        },
        [
            "key_results[row 1].target: expected a value different from start 0.0, got 0.0",
            "key_results[row 2].objective_id: a value is required",
        ],
    ),
}


@pytest.mark.parametrize("backend", ["polars", "pandas"])
@pytest.mark.parametrize("case", list(REVIEWED))
def test_reviewed_cases_are_refused_as_the_cell_reader_refuses_them(case, backend):
    tables, expected = REVIEWED[case]
    assert refused_alike(tables, backend) == expected


def test_a_nan_rating_is_an_empty_cell():
    tables = _with("check_ins", "confidence", math.nan)
    assert assert_same_problems(tables) == ("ok", [])


@pytest.mark.parametrize("extra_columns", ["error", "ignore"])
def test_a_table_of_rows_without_a_column_of_ours_misses_its_required_ones(extra_columns):
    tables = {**RICH, "key_results": pl.DataFrame({"x": [1]})}
    expected = problems_of(lambda: from_frames_cell_by_cell(**tables, extra_columns=extra_columns))
    assert problems_of(lambda: from_frames(**tables, extra_columns=extra_columns)) == expected
    on_dates = problems_of(
        lambda: score_frames(date(2026, 8, 1), **tables, extra_columns=extra_columns)
    )
    assert on_dates == expected
    assert "key_results.objective_id: a required column is missing" in expected


def with_moments(written):
    """RICH's check-ins with `at` as text, and a row for each (key result, at, value)."""
    check_ins = RICH["check_ins"].with_columns(pl.col("at").cast(pl.String))
    added = pl.DataFrame(
        [
            {"objective_id": objective, "key_result_id": key_result, "at": at, "value": value}
            for objective, key_result, at, value in written
        ],
        schema_overrides={"value": pl.Float64},
    )
    return {**RICH, "check_ins": pl.concat([check_ins, added], how="diagonal_relaxed")}


NAIVE, AWARE = "2026-07-20T10:00:00", "2026-07-20T10:00:00+02:00"
MIXED = {
    # rows 8, 9...: a naive then an aware date-time: the model names the aware one
    "naive, then aware": ([("co", "rev", NAIVE, 30.0), ("co", "rev", AWARE, 31.0)], [9]),
    # the first date-time in the table's order sets the rule, not the earliest moment
    "aware, then an earlier naive": (
        [("co", "rev", AWARE, 30.0), ("co", "rev", "2026-07-19T10:00:00", 31.0)],
        [9],
    ),
    # dates belong to neither; each key result is judged on its own, once
    "two key results": (
        [
            ("mk", "leads", AWARE, 60.0),
            ("co", "rev", NAIVE, 30.0),
            ("mk", "leads", NAIVE, 61.0),
            ("co", "rev", AWARE, 31.0),
            ("co", "rev", "2026-07-22T10:00:00+00:00", 32.0),
        ],
        [11, 10],  # in the key results' order: rev, then leads
    ),
    # the same clock and value, naive and aware: two moments to Python, so not a repeat
    "one clock, one value": ([("co", "rev", NAIVE, 30.0), ("co", "rev", AWARE, 30.0)], [9]),
    # a check-in written twice is met first: the key result is not built
    "and a repeat": (
        [("co", "rev", NAIVE, 30.0), ("co", "rev", AWARE, 30.0), ("co", "rev", NAIVE, 30.0)],
        [10],
    ),
    # the model meets the mixed moments before the binary key result's values
    "and a bad binary value": (
        [("co", "launch", NAIVE, 0.5), ("co", "launch", AWARE, 1.0)],
        [9],
    ),
}


@pytest.mark.parametrize("backend", ["polars", "pandas", "lazy"])
@pytest.mark.parametrize("case", MIXED)
def test_a_key_result_mixing_naive_and_aware_date_times_is_refused_as_from_frames_refuses_it(
    case, backend
):
    written, rows = MIXED[case]
    problems = refused_alike(with_moments(written), backend)
    assert [int(path.split("row ")[1].split("]")[0]) for path in paths(problems)] == rows
    if "repeat" not in case:
        assert all("all naive or all timezone-aware, got datetime" in p for p in problems)


def test_naive_and_aware_date_times_in_different_key_results_are_scored():
    tables = with_moments([("co", "rev", NAIVE, 30.0), ("mk", "leads", AWARE, 60.0)])
    assert assert_same_problems(tables) == ("ok", [])


def test_an_objectives_link_problems_come_together_as_the_model_raises_them():
    # A weight below 0 and the objective aligned to itself: the model reports every link
    # problem at once, the late one (itself) with the other.
    objectives = set_cell(RICH["objectives"], 1, "parent_id", "mk")
    objectives = set_cell(objectives, 1, "alignment_weight", -1.0)
    assert refused_alike({**RICH, "objectives": objectives}) == [
        "objectives[row 1].alignment_weight: expected a number >= 0, got -1.0",
        "objectives[row 1].parent_id: aligned to itself ('mk')",
    ]


@pytest.mark.parametrize("backend", ["polars", "lazy"])
@pytest.mark.parametrize("stray", ["key result", "objective"])
def test_check_ins_listed_in_runs_linked_to_nothing_are_refused_as_from_frames_refuses_them(
    stray, backend
):
    # Check-ins listed key result by key result are linked run by run; a run of no key
    # result (or of no objective) is still named row by row.
    made = to_frames(Document(tuple(helpers.listed_by_key_result(3, 6))), backend="polars")
    tables = {name: made[name] for name in ("objectives", "key_results", "check_ins")}
    column, value = ("key_result_id", "k9") if stray == "key result" else ("objective_id", "o9")
    strays = tables["check_ins"].slice(6, 6).with_columns(pl.lit(value).alias(column))
    tables["check_ins"] = pl.concat([tables["check_ins"], strays])
    problems = refused_alike(tables, backend)
    named = [f"check_ins[row {row}].{column}" for row in range(36, 42)]
    if stray == "objective":  # its key result is none of that objective's either
        named += [f"check_ins[row {row}].key_result_id" for row in range(36, 42)]
    assert paths(problems) == named
    assert assert_same_problems({**tables, "check_ins": tables["check_ins"].head(36)}, backend) == (
        "ok",
        [],
    )


def many_faults(count):
    """Tables with `count` objectives and as many faults of six kinds, past MAX_PROBLEMS."""
    ids = [f"o{n}" for n in range(count)]
    return {
        "objectives": pl.DataFrame(
            {
                "id": ids,
                "title": ["T"] * count,
                "cycle": ["2026-Q9" if n % 3 == 0 else "2026-Q3" for n in range(count)],
            }
        ),
        "key_results": pl.DataFrame(
            {
                "objective_id": ids,
                "id": ["k"] * count,
                "title": ["K"] * count,
                "kind": ["metric"] * count,
                "start": [0.0] * count,
                "target": [math.nan if n % 2 else (0.0 if n % 4 else 10.0) for n in range(count)],
                "weight": [-1.0 if n % 5 == 0 else 1.0 for n in range(count)],
            }
        ),
        "check_ins": pl.DataFrame(
            {
                "objective_id": ids,
                "key_result_id": ["k" if n % 4 else "x" for n in range(count)],
                "at": [date(2026, 7, 1)] * count,
                "value": [math.inf if n % 7 == 0 else 1e308 for n in range(count)],
            }
        ),
    }


@pytest.mark.parametrize("backend", ["polars", "pandas", "lazy"])
@pytest.mark.parametrize("count", [150, 700])
def test_past_max_problems_every_reader_gives_the_same_count(count, backend):
    # Past the first hundred rows of a check, rows from_frames never meets (the
    # check-ins of a key result it could not read) were counted: 311 where it found 297.
    kind, problems = assert_same_problems(many_faults(count), backend)
    assert kind == "ValidationError"
    assert re.fullmatch(r"\.\.\. and [\d,]+ more problems", problems[-1].split(": ", 1)[-1])


@pytest.mark.parametrize("backend", ["polars", "pandas"])
def test_a_check_in_linked_to_nothing_is_reported_beside_a_key_result_without_an_id(backend):
    # On pandas a blank id reads as empty: the key result's empty key took the check-ins
    # whose key_result_id was empty, and they were never reported as linked to nothing.
    tables = {
        "objectives": ONE,
        "key_results": pl.DataFrame(
            {"objective_id": ["o"], "id": [" "], "title": ["K"], "kind": ["metric"]}
        ).with_columns(start=pl.lit(0.0), target=pl.lit(10.0)),
        "check_ins": pl.DataFrame(
            {"objective_id": ["o"], "key_result_id": [None], "at": [date(2026, 7, 20)]},
            schema_overrides={"key_result_id": pl.String},
        ).with_columns(value=pl.lit(3.0)),
    }
    assert refused_alike(tables, backend) == [
        "key_results[row 0].id: a value is required",
        "check_ins[row 0].key_result_id: a value is required",
    ]


CYCLE_CELLS = {
    "its end before its start": (
        {"cycle": ["x"], "cycle_start": [date(2026, 9, 1)], "cycle_end": [date(2026, 7, 1)]},
        "cycle_end: expected a date on or after start 2026-09-01, got datetime.date(2026, 7, 1)",
    ),
    "a fiscal start month of 13": (
        {
            "cycle": ["FY2027"],
            "cycle_start": [date(2026, 4, 1)],
            "cycle_end": [date(2027, 3, 31)],
            "cycle_kind": ["fiscal_year"],
            "cycle_fiscal_start_month": [13],
        },
        "cycle_fiscal_start_month: expected a month from 1 to 12, got 13",
    ),
    "a start with a time of day": (  # not also "a value is required" for it
        {"cycle": ["x"], "cycle_start": ["2026-07-01T10:00"], "cycle_end": [date(2026, 9, 30)]},
        "cycle_start: expected a date without a time, got '2026-07-01T10:00'",
    ),
    "an implausible start": (  # its value as each backend holds it
        {"cycle": ["x"], "cycle_start": [date(1800, 7, 1)], "cycle_end": [date(2026, 9, 30)]},
        "cycle_start: expected a date between 1900-01-01 and 2199-12-31, got ",
    ),
    "a fiscal start month in words": (  # not also "expected a month ..., got None"
        {
            "cycle": ["FY2027"],
            "cycle_start": [date(2026, 4, 1)],
            "cycle_end": [date(2027, 3, 31)],
            "cycle_kind": ["fiscal_year"],
            "cycle_fiscal_start_month": ["april"],
        },
        "cycle_fiscal_start_month: expected a finite number, got 'april'",
    ),
    "a fiscal start month of half a month, as text": (  # worded as written, as from_frames
        {
            "cycle": ["FY2027"],
            "cycle_start": [date(2026, 4, 1)],
            "cycle_end": [date(2027, 3, 31)],
            "cycle_kind": ["fiscal_year"],
            "cycle_fiscal_start_month": ["0.5"],
        },
        "cycle_fiscal_start_month: expected a whole number, got '0.5'",
    ),
    "a refused start beside a missing end": (  # not also a name it cannot read
        {"cycle": ["x"], "cycle_start": [date(1800, 7, 1)], "cycle_end": [None]},
        "cycle_start: expected a date between 1900-01-01 and 2199-12-31, got ",
    ),
    "a year of three months": (
        {
            "cycle": ["2026"],
            "cycle_start": [date(2026, 7, 1)],
            "cycle_end": [date(2026, 9, 30)],
            "cycle_kind": ["year"],
        },
        (
            "cycle_kind: expected 'custom' for 2026-07-01..2026-09-30 (a year is twelve months "
            "from the 1st of a month it starts in), got 'year'"
        ),
    ),
}


@pytest.mark.parametrize("backend", ["polars", "pandas", "lazy"])
@pytest.mark.parametrize("case", list(CYCLE_CELLS))
def test_a_cycle_s_problem_is_named_by_the_column_it_is_in(case, backend):
    cells, expected = CYCLE_CELLS[case]
    objectives = pl.DataFrame({"id": ["o"], "title": ["O"], **cells}, strict=False)
    key_results = pl.DataFrame(
        {"objective_id": ["o"], "id": ["k"], "title": ["K"], "kind": ["binary"]}
    )
    tables = {"objectives": objectives, "key_results": key_results, "check_ins": NO_CHECK_INS}
    (problem,) = refused_alike(tables, backend)
    assert problem.startswith(f"objectives[row 0].{expected}")


def test_every_bad_cell_of_an_initiative_row_is_reported_at_once():
    initiatives = pl.DataFrame(
        {
            "objective_id": ["o"],
            "id": ["i"],
            "title": ["I"],
            "status": ["ongoing"],
            "progress": [1.5],
            "start": [date(2026, 8, 1)],
            "end": [date(2026, 7, 1)],
        }
    )
    tables = {
        "objectives": ONE,
        "key_results": _two_metrics([1.0, 1.0], [1.0, 10.0]),
        "check_ins": NO_CHECK_INS,
        "initiatives": initiatives,
    }
    assert paths(refused_alike(tables)) == [  # the model stops at its first
        "initiatives[row 0].status",
        "initiatives[row 0].progress",
        "initiatives[row 0].end",
    ]
