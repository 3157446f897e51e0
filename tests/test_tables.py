"""Tables in and out: frames of every backend, rows, bad cells, scores as a time series."""

from datetime import date, datetime, timedelta, timezone

import attrs
import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import JULY, Q3, other_kinds_checked_in, run_cli
from okrkpi import (
    AlignmentTree,
    CheckIn,
    Initiative,
    KeyResult,
    MissingExtraError,
    Objective,
    ScoringPolicy,
    ValidationError,
    score,
    status,
)
from okrkpi.examples import example_kpis, example_objectives
from okrkpi.serde import MAX_PROBLEMS, Document
from okrkpi.strategies import children_only, key_results_and_children, minimum
from okrkpi.tables import (
    TABLES,
    from_frames,
    from_rows,
    kpi_frame,
    records_frame,
    score_rows,
    scores_frame,
    to_frames,
    to_rows,
)
from okrkpi.testing import days, kpis, objectives, trees

EXAMPLE = Document(tuple(example_objectives()), tuple(example_kpis()))


def every_kind() -> Document:
    """One objective with every kind of key result, a plan, initiatives, datetimes."""
    key_results = [
        KeyResult.metric(
            "Revenue", start=0, target=100, id="revenue", plan=[(date(2026, 8, 31), 20)]
        )
        .check_in(10, at=date(2026, 7, 10), confidence=7, note="slow start")
        .check_in(30, at=datetime(2026, 8, 3, 9, 30)),
        *other_kinds_checked_in(),
    ]
    grow = Objective(
        "Grow",
        key_results,
        id="grow",
        owner="ceo",
        level="company",
        cycle=Q3,
        initiatives=[
            Initiative(
                "Referrals",
                status="in_progress",
                progress=0.5,
                key_result_ids=["revenue", "launch"],
            )
        ],
    )
    child = Objective(
        "Sell",
        [],
        id="sell",
        parent_id="grow",
        parent_key_result_id="revenue",
        cycle="FY2027",
        alignment_weight=2,
    )
    return Document((grow, child), EXAMPLE.kpis)


@pytest.mark.parametrize("backend", ["pandas", "polars", "pyarrow"])
def test_every_table_round_trips_through_each_backend(backend):
    document = every_kind()
    frames = to_frames(document, backend=backend)
    assert set(frames) == set(TABLES)
    native = {"pandas": pd.DataFrame, "polars": pl.DataFrame, "pyarrow": pa.Table}[backend]
    assert all(isinstance(frame, native) for frame in frames.values())
    assert from_frames(**frames) == document


def test_rows_round_trip_without_any_frame_library():
    document = every_kind()
    assert from_rows(to_rows(document)) == document


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(objectives(), max_size=4, unique_by=lambda o: o.id),
    st.lists(kpis(), max_size=2, unique_by=lambda k: k.name),
)
def test_any_document_round_trips_through_frames(items, indicators):
    document = Document(tuple(items), tuple(indicators))
    assert from_frames(**to_frames(document, backend="polars")) == document
    assert from_rows(to_rows(document)) == document


def test_pandas_timestamps_and_numpy_numbers_are_read_as_days_and_floats():
    frames = {name: frame.copy() for name, frame in to_frames(EXAMPLE, backend="pandas").items()}
    check_ins = frames["check_ins"]
    check_ins["at"] = pd.to_datetime(check_ins["at"])  # dates as midnight Timestamps
    check_ins["value"] = [np.float64(value) for value in check_ins["value"]]  # numpy scalars
    check_ins["confidence"] = check_ins["confidence"].astype(object)
    assert from_frames(**frames) == EXAMPLE
    stamped = frames["check_ins"].copy()
    stamped["at"] = stamped["at"] + pd.Timedelta(hours=9)
    moments = [
        entry.at
        for objective in from_frames(**{**frames, "check_ins": stamped}).objectives
        for kr in objective.key_results
        for entry in kr.check_ins
    ]
    assert all(isinstance(at, datetime) and at.hour == 9 for at in moments)


def test_every_bad_cell_is_reported_at_once_with_table_row_and_column():
    rows = to_rows(EXAMPLE)
    rows["check_ins"][2]["value"] = "n/a"
    rows["check_ins"][4]["at"] = "last week"
    rows["key_results"][1]["target"] = "lots"
    rows["kpis"][0]["warning"] = float("inf")
    with pytest.raises(ValidationError) as raised:
        from_rows(rows)
    messages = [str(problem) for problem in raised.value.problems]
    assert "check_ins[row 2].value: expected a finite number, got 'n/a'" in messages
    assert (
        "check_ins[row 4].at: expected an ISO date like '2026-07-01', got 'last week'" in messages
    )
    assert "key_results[row 1].target: expected a finite number, got 'lots'" in messages
    assert "kpis[row 0].warning: expected a finite number, got inf" in messages


def test_rows_pointing_at_missing_objectives_or_key_results_are_reported():
    rows = to_rows(EXAMPLE)
    rows["check_ins"][0]["key_result_id"] = "gone"
    rows["key_results"][1]["objective_id"] = "nowhere"
    rows["measurements"][0]["kpi"] = "unknown KPI"
    with pytest.raises(ValidationError) as raised:
        from_rows(rows)
    text = str(raised.value)
    assert "check_ins[row 0].key_result_id: no key result 'gone' in objective" in text
    assert "key_results[row 1].objective_id: no objective has the id 'nowhere'" in text
    assert "measurements[row 0].kpi: no KPI is named 'unknown KPI'" in text


def test_domain_rules_are_reported_at_the_row_and_column_too():
    rows = to_rows(every_kind())
    rows["key_results"][0]["start"] = 100.0  # equal to its target
    rows["check_ins"][2]["value"] = 5.0  # a binary key result checked in at 5
    rows["objectives"][1]["alignment_weight"] = -1
    rows["initiatives"][0]["progress"] = 3
    rows["objectives"][0]["cycle"] = "sometime"  # without dates, a name must parse
    rows["objectives"][0]["cycle_start"] = rows["objectives"][0]["cycle_end"] = None
    rows["objectives"][1]["cycle_end"] = None  # a custom cycle needs both of its dates
    rows["objectives"][1]["cycle_start"] = date(2026, 4, 1)
    with pytest.raises(ValidationError) as raised:
        from_rows(rows)
    paths = {problem.path for problem in raised.value.problems}
    assert {
        "key_results[row 0].target",
        "check_ins[row 2].value",
        "objectives[row 1].alignment_weight",
        "initiatives[row 0].progress",
        "objectives[row 0].cycle",
        "objectives[row 1].cycle_end",
    } <= paths


def _problems(**tables):
    with pytest.raises(ValidationError) as raised:
        from_frames(**tables)
    return [f"{problem.path}: {problem.message}" for problem in raised.value.problems]


OBJECTIVE_ROW = {"id": "grow", "title": "Grow", "cycle": "2026-Q3"}
METRIC_ROW = {
    "objective_id": "grow",
    "id": "arr",
    "title": "ARR",
    "kind": "metric",
    "start": 0,
    "target": 10,
}


def test_pandas_missing_values_of_every_dtype_are_empty_cells():
    objectives = pd.DataFrame(
        {
            "id": pd.array(["grow", "keep"], dtype="string"),
            "title": ["Grow", "Keep"],
            "alignment_weight": pd.array([2, pd.NA], dtype="Int64"),
            "owner": pd.array([pd.NA, "cto"], dtype="string"),
        }
    )
    document = from_frames(objectives=objectives)
    assert [o.alignment_weight for o in document.objectives] == [2.0, 1.0]
    assert [o.owner for o in document.objectives] == [None, "cto"]


def test_links_are_read_as_text_whatever_a_csv_reader_made_of_them():
    # Padded ids link to their trimmed selves; ids a reader typed as numbers link as text.
    document = from_frames(
        objectives=[{"id": 7, "title": "Seven"}, {"id": "grow ", "title": "Grow"}],
        key_results=[{**METRIC_ROW, "objective_id": "grow", "id": " arr"}],
        check_ins=[{"objective_id": " grow", "key_result_id": "arr ", "at": JULY, "value": 5}],
    )
    seven, grow = document.objectives
    assert seven.id == "7"
    assert grow.key_results[0].check_ins.values == (5.0,)


def test_rows_linked_to_nothing_and_repeated_ids_are_reported():
    problems = _problems(
        objectives=[OBJECTIVE_ROW, {**OBJECTIVE_ROW, "title": "Again"}],
        key_results=[METRIC_ROW],
        check_ins=[
            {"objective_id": "grow", "key_result_id": None, "at": JULY, "value": 1},
            {"objective_id": "grow", "key_result_id": "  ", "at": JULY, "value": 2},
        ],
        kpis=[{"name": "churn", "target": 5}, {"name": "churn", "target": 6}],
        measurements=[{"kpi": None, "at": JULY, "value": 1}],
    )
    assert problems == [
        "check_ins[row 0].key_result_id: a value is required",
        "check_ins[row 1].key_result_id: a value is required",
        "objectives[row 1].id: 'grow' is already row 0's",
        "kpis[row 1].name: 'churn' is already row 0's",
        "measurements[row 0].kpi: a value is required",
    ]


def test_milestone_weights_of_zero_load_and_bad_ones_are_named_with_the_rest():
    ship = KeyResult.milestones("Ship", milestones=[("design", 0.0), "ga"], id="ship")
    document = Document((Objective("Grow", [ship], id="grow"),))
    assert from_frames(**to_frames(document)) == document
    steps = {"objective_id": "grow", "key_result_id": "ship"}
    problems = _problems(
        objectives=[OBJECTIVE_ROW],
        key_results=[{**METRIC_ROW, "id": "ship", "kind": "milestones"}, METRIC_ROW],
        milestones=[{**steps, "name": "design", "weight": -1}, {**steps, "name": "ga"}],
        check_ins=[{"objective_id": "grow", "key_result_id": "arr", "at": JULY, "value": "n/a"}],
    )
    assert problems == [
        "milestones[row 0].weight: expected a number >= 0, got -1.0",
        "check_ins[row 0].value: expected a finite number, got 'n/a'",
    ]


def test_a_decimal_comma_or_a_zone_where_a_number_is_meant_is_refused():
    problems = _problems(
        objectives=[OBJECTIVE_ROW],
        key_results=[METRIC_ROW],
        check_ins=[
            {"objective_id": "grow", "key_result_id": "arr", "at": JULY, "value": "1,4"},
            {"objective_id": "grow", "key_result_id": "arr", "at": Q3.end, "value": "TARGET"},
        ],
    )
    assert problems == [
        (
            "check_ins[row 0].value: expected a finite number (commas only between thousands), "
            "got '1,4'"
        ),
        "check_ins[row 1].value: expected a finite number, got 'TARGET'",
    ]
    grouped = {"objective_id": "grow", "key_result_id": "arr", "at": JULY, "value": "1,250.5"}
    (document_objective,) = from_frames(
        objectives=[OBJECTIVE_ROW], key_results=[METRIC_ROW], check_ins=[grouped]
    ).objectives
    assert document_objective.key_results[0].check_ins.values == (1250.5,)


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda: kpi_frame(EXAMPLE.kpis[0], JULY), "kpi_frame.kpis"),
        (lambda: kpi_frame(EXAMPLE.kpis, "2026-07-01"), "kpi_frame.as_of"),
        (lambda: from_rows([{"id": "a"}]), "from_rows.tables"),
        (lambda: from_rows({"objectives": {"id": "a"}}), r"from_rows.tables\['objectives'\]"),
        (lambda: records_frame(5), "records_frame.records"),
        (
            lambda: from_frames(objectives=pd.DataFrame([["a", "b"]], columns=["id", "id"])),
            "one column per name",
        ),
    ],
)
def test_bad_arguments_raise_only_validation_errors(call, path):
    with pytest.raises(ValidationError, match=path):
        call()


def test_any_column_label_is_a_name():
    # A label like 0 is a column's name, not a row number.
    frame = pd.DataFrame({0: [1], "id": ["a"], "title": ["A"]})
    objectives = from_frames(objectives=frame, extra_columns="ignore").objectives
    assert [o.id for o in objectives] == ["a"]


def test_bad_dates_confidences_and_choices_are_each_named_by_their_cell():
    row = {"objective_id": "grow", "key_result_id": "arr", "value": 1}
    problems = _problems(
        objectives=[{**OBJECTIVE_ROW, "level": "org", "commitment": "maybe"}],
        key_results=[METRIC_ROW],
        check_ins=[
            {**row, "at": date(1800, 1, 1)},
            {**row, "at": date(2300, 1, 1)},
            {**row, "at": JULY, "confidence": "70%"},
            {**row, "at": Q3.end, "confidence": "banana"},
        ],
    )
    plausible = "expected a date between 1900-01-01 and 2199-12-31"
    rating = "expected a rating from 0 to 10, or 'low', 'medium', 'high'"
    assert problems == [
        f"check_ins[row 0].at: {plausible}, got datetime.date(1800, 1, 1)",
        f"check_ins[row 1].at: {plausible}, got datetime.date(2300, 1, 1)",
        (
            f"check_ins[row 2].confidence: {rating}, got '70%' (a percentage? write 7 for 70%, "
            "or read the column with confidence_scale=ConfidenceScale('percent', maximum=100))"
        ),
        (
            f"check_ins[row 3].confidence: {rating}, got 'banana' (labels of another tool? "
            "name its scale with confidence_scale=)"
        ),
        "objectives[row 0].commitment: expected one of 'committed', 'aspirational', got 'maybe'",
        (
            "objectives[row 0].level: expected one of 'company', 'department', 'team', "
            "'individual', got 'org'"
        ),
    ]


def test_rows_a_key_result_cannot_use_are_reported():
    steps = {"objective_id": "grow", "key_result_id": "arr", "name": "design"}
    problems = _problems(
        objectives=[{"id": "grow", "title": "Grow", "cycle_start": JULY, "cycle_end": Q3.end}],
        key_results=[METRIC_ROW],
        milestones=[steps],
    )
    assert problems == [
        "milestones[row 0].key_result_id: a metric key result has no milestones",
        "objectives[row 0].cycle: a cycle's name is required with cycle_start",
    ]


def test_renames_never_merge_two_columns_into_one():
    with pytest.raises(ValidationError, match=r"each of our columns named once"):
        from_frames(
            objectives=[OBJECTIVE_ROW], columns={"objectives": {"a": "title", "b": "title"}}
        )
    with pytest.raises(ValidationError, match=r"objectives\.columns.*'title'"):
        from_frames(
            objectives=[{**OBJECTIVE_ROW, "name": "Grow"}],
            columns={"objectives": {"name": "title"}},
        )


def test_a_csv_with_an_unclosed_quote_or_a_repeated_header_is_refused(tmp_path):
    for content, message in (
        ('id,title\ngrow,"Grow\n', "unexpected end of data"),
        ("id,title,title\ngrow,Grow,Again\n", "the header repeats 'title'"),
    ):
        folder = tmp_path / str(len(message))
        folder.mkdir()
        (folder / "objectives.csv").write_text(content)
        result = run_cli("score", str(folder))
        assert result.returncode == 1
        assert f"objectives.csv: not valid CSV: {message}" in result.stderr


def test_missing_columns_and_too_many_problems():
    with pytest.raises(ValidationError, match=r"objectives\.title: a required column is missing"):
        from_frames(objectives=[{"id": "x"}])
    many = [
        {"id": f"o{i}", "title": "t", "alignment_weight": "heavy"} for i in range(MAX_PROBLEMS + 5)
    ]
    with pytest.raises(ValidationError) as raised:
        from_frames(objectives=many)
    assert len(raised.value.problems) == MAX_PROBLEMS + 1
    assert "5 more problems" in str(raised.value.problems[-1])


def test_another_tools_columns_map_in_by_name():
    exported = pl.DataFrame(
        {
            "Objective ID": ["grow"],
            "Objective": ["Grow the business"],
            "Quarter": ["2026-Q3"],
        }
    )
    outcomes = pl.DataFrame(
        {
            "Objective ID": ["grow"],
            "Outcome ID": ["arr"],
            "Outcome": ["Reach 1 M ARR"],
            "Type": ["metric"],
            "Baseline": [0.4],
            "Target": [1.0],
        }
    )
    columns = {
        "objectives": {"Objective ID": "id", "Objective": "title", "Quarter": "cycle"},
        "key_results": {
            "Objective ID": "objective_id",
            "Outcome ID": "id",
            "Outcome": "title",
            "Type": "kind",
            "Baseline": "start",
            "Target": "target",
        },
    }
    document = from_frames(objectives=exported, key_results=outcomes, columns=columns)
    (objective,) = document.objectives
    assert objective.cycle == Q3
    assert objective.key_results[0].measure.start == 0.4


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: from_frames(objectives={"id": "x"}), "a data frame or a sequence of mappings"),
        (lambda: from_frames(objectives=["row"]), r"objectives\[row 0\]: expected a mapping"),
        (lambda: from_frames(columns={"goals": {}}), "from_frames.columns"),
        (lambda: from_frames(columns={"objectives": {"Name": "name"}}), "a column of objectives"),
        (lambda: from_frames(columns=[("a", "b")]), "from_frames.columns"),
        (lambda: from_rows({"goals": []}), "from_rows.tables"),
        (lambda: to_frames(EXAMPLE, backend="excel"), "backend"),
        (lambda: to_rows(EXAMPLE.objectives), "to_rows.document"),
        (lambda: scores_frame(EXAMPLE, date(2026, 8, 1)), "scores_frame.tree"),
        (
            lambda: scores_frame(AlignmentTree(EXAMPLE.objectives), "2026-08-01"),
            "scores_frame.as_of",
        ),
        (lambda: scores_frame(AlignmentTree(EXAMPLE.objectives), ["2026-08-01"]), r"as_of\[0\]"),
        (lambda: kpi_frame(["kpi"], date(2026, 8, 1)), r"kpi_frame.kpis\[0\]"),
    ],
)
def test_bad_arguments_are_refused_naming_them(call, message):
    with pytest.raises(ValidationError, match=message):
        call()


WEEKS = [date(2026, 7, 6) + timedelta(weeks=week) for week in range(13)]


def test_scores_frame_is_the_time_series_of_the_tree_scores():
    tree = AlignmentTree(EXAMPLE.objectives)
    frame = scores_frame(tree, WEEKS, backend="polars")
    assert frame.shape == (13 * len(tree), 10)
    for row in frame.iter_rows(named=True):
        scores = tree.score(row["as_of"])
        assert row["value"] == scores.value(row["objective_id"])
        assert row["progress"] == scores.progress(row["objective_id"])
        assert row["status"] == tree.status(row["as_of"])[row["objective_id"]].value
    per_key_result = scores_frame(tree, WEEKS[5], key_results=True)
    assert isinstance(per_key_result, pd.DataFrame)
    assert len(per_key_result) == sum(len(o.key_results) for o in tree)
    assert set(per_key_result["status"]) <= {
        "on_track",
        "behind",
        "at_risk",
        "achieved",
        "not_started",
    }


@pytest.mark.parametrize("backend", ["polars", "pandas", "pyarrow"])
def test_scores_frame_at_exact_moments_keeps_their_time_in_as_of(backend):
    # A check-in at 18:00 on 15 August: counted by the end of the day, not at noon.
    key_result = KeyResult.metric("K", start=0, target=10, id="k").check_in(
        5, at=datetime(2026, 8, 15, 18, 0)
    )
    tree = AlignmentTree([Objective("O", [key_result], id="o", cycle=Q3)])
    noon = datetime(2026, 8, 15, 12, 0)
    at_noon = nw.from_native(scores_frame(tree, [noon], backend=backend))
    assert at_noon.schema["as_of"] == nw.Datetime("us")
    assert at_noon["as_of"].to_list() == [noon]
    assert at_noon["value"].to_list() == [0.0]
    by_the_end = nw.from_native(scores_frame(tree, [date(2026, 8, 15)], backend=backend))
    assert by_the_end.schema["as_of"] == nw.Date
    assert by_the_end["value"].to_list() == [0.5]
    zone = timezone(timedelta(hours=-5))
    aware = attrs.evolve(
        key_result, check_ins=[CheckIn(5, at=datetime(2026, 8, 15, 18, 0, tzinfo=zone))]
    )
    zoned = AlignmentTree([Objective("O", [aware], id="o", cycle=Q3)])
    moment = datetime(2026, 8, 15, 19, 0, tzinfo=zone)
    in_utc = nw.from_native(scores_frame(zoned, [moment], backend=backend, key_results=True))
    assert in_utc.schema["as_of"] == nw.Datetime("us", time_zone="UTC")
    assert [at == moment for at in in_utc["as_of"].to_list()] == [True]
    assert in_utc["value"].to_list() == [0.5]


@pytest.mark.parametrize("backend", ["polars", "pandas", "pyarrow"])
def test_scores_frame_refuses_days_and_moments_in_one_as_of_column(backend):
    tree = AlignmentTree(EXAMPLE.objectives)
    with pytest.raises(ValidationError) as raised:
        scores_frame(tree, [date(2026, 8, 15), datetime(2026, 8, 15, 12)], backend=backend)
    assert [str(problem) for problem in raised.value.problems] == [
        (
            "scores_frame.as_of[1]: expected a date like as_of[0] (days and date-times are not "
            "mixed), got datetime.datetime(2026, 8, 15, 12, 0)"
        )
    ]


SERIES_POLICIES = [
    None,
    ScoringPolicy(aggregator=minimum(), overachievement_cap=1.5),
    ScoringPolicy(rollup=children_only()),
    ScoringPolicy(rollup=key_results_and_children()),
]


@given(
    trees(),
    st.lists(days(), min_size=1, max_size=4),
    st.sampled_from(SERIES_POLICIES),
)
def test_every_row_of_the_series_is_the_tree_scored_on_its_date(tree, dates, policy):
    rows = iter(score_rows(tree, dates, policy=policy))
    for day in dates:
        scores = tree.score(day, policy=policy)
        statuses = tree.status(day, policy=policy)
        for objective in tree:
            row = next(rows)
            assert (row["as_of"], row["objective_id"]) == (day, objective.id)
            assert row["progress"] == scores.progress(objective.id)
            assert row["value"] == scores[objective.id].value
            assert row["grade"] == scores[objective.id].grade.value
            assert row["met"] == scores[objective.id].met
            expected = statuses.get(objective.id)
            assert row["status"] == (None if expected is None else expected.value)
    assert next(rows, None) is None


@given(trees(max_objectives=4), st.lists(days(), min_size=1, max_size=3))
def test_every_key_result_row_is_the_key_result_scored_on_its_date(tree, dates):
    rows = iter(score_rows(tree, dates, key_results=True))
    for day in dates:
        for objective in tree:
            for key_result in objective.key_results:
                row = next(rows)
                assert (row["as_of"], row["key_result_id"]) == (day, key_result.id)
                cycle = objective.cycle
                judged = day if cycle is None or day <= cycle.end else cycle.end
                part = score(key_result, as_of=judged, commitment=objective.commitment)
                assert (row["progress"], row["value"], row["met"]) == (
                    part.progress,
                    part.value,
                    part.met,
                )
                expected = (
                    None
                    if cycle is None
                    else status(key_result, cycle, as_of=day, commitment=objective.commitment)
                )
                assert row["status"] == (None if expected is None else expected.value)
    assert next(rows, None) is None


def test_kpi_frame_reports_health_per_date():
    frame = kpi_frame(EXAMPLE.kpis, WEEKS[:3], backend="pyarrow")
    assert frame.num_rows == 3 * len(EXAMPLE.kpis)
    first = frame.to_pylist()[0]
    report = EXAMPLE.kpis[0].health_report(WEEKS[0])
    assert (first["health"], first["reason"]) == (report.health.value, report.reason)


def test_without_narwhals_frames_say_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "narwhals.stable.v1", None)
    for backend in ("pandas", "polars", "pyarrow"):  # the backend's extra brings narwhals too
        with pytest.raises(MissingExtraError, match=rf"needs narwhals.*okrkpi\[{backend}\]"):
            to_frames(EXAMPLE, backend=backend)
    assert from_rows(to_rows(EXAMPLE)) == EXAMPLE  # rows need nothing


# -- the command line reads a folder of CSV tables --------------------------------------


def write_csv_folder(folder, document):
    import csv

    folder.mkdir()
    for name, rows in to_rows(document).items():
        if not rows:
            continue
        with (folder / f"{name}.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(TABLES[name]))
            writer.writeheader()
            writer.writerows(rows)
    return folder


def test_the_cli_scores_a_folder_of_csv_tables_as_it_scores_the_json(tmp_path):
    import json

    from okrkpi.serde import dumps

    folder = write_csv_folder(tmp_path / "okrs", every_kind())
    as_json = tmp_path / "okrs.json"
    as_json.write_text(dumps(every_kind()))
    from_folder = run_cli("score", str(folder), "--as-of", "2026-08-15", "--format", "json")
    from_file = run_cli("score", str(as_json), "--as-of", "2026-08-15", "--format", "json")
    assert from_folder.returncode == 0, from_folder.stderr
    assert json.loads(from_folder.stdout) == json.loads(from_file.stdout)


def test_bad_csv_tables_are_one_line_naming_the_folder_and_the_cell(tmp_path):
    folder = write_csv_folder(tmp_path / "okrs", EXAMPLE)
    text = (folder / "check_ins.csv").read_text().splitlines()
    cells = text[1].split(",")
    cells[3] = "n/a"  # the value column
    (folder / "check_ins.csv").write_text("\n".join([text[0], ",".join(cells), *text[2:]]))
    result = run_cli("score", str(folder))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert str(folder) in result.stderr
    assert (
        f"{folder / 'check_ins.csv'} line 2, column value: expected a finite number, got 'n/a'"
        in (result.stderr)
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("score", str(empty))
    assert "a folder without tables; expected some of objectives.csv" in result.stderr


def test_csv_problems_name_the_line_a_row_starts_on_and_the_file_of_a_missing_column(tmp_path):
    folder = tmp_path / "okrs"
    folder.mkdir()
    # Excel's byte-order mark, then a title quoted over three lines: row 2 starts on line 5.
    (folder / "objectives.csv").write_bytes(
        b'\xef\xbb\xbfid,title\ngrow,"Grow\nthe\nbusiness"\nkeep,\n'
    )
    result = run_cli("score", str(folder))
    assert result.returncode == 1
    assert f"{folder / 'objectives.csv'} line 5, column title: a value is required" in (
        result.stderr
    )
    (folder / "key_results.csv").write_text("objective_id,title,kind\ngrow,ARR,binary\n")
    result = run_cli("score", str(folder))
    assert f"{folder / 'key_results.csv'}, column id: a required column is missing" in (
        result.stderr
    )


def test_a_scorecard_becomes_a_frame():
    from okrkpi import scorecard
    from okrkpi.tables import records_frame

    card = scorecard(EXAMPLE.objectives, by="owner")
    frame = records_frame(card.to_records(), backend="polars")
    assert frame.columns[:4] == ["group", "objectives", "met", "mean_score"]
    assert frame["objectives"].sum() == len(EXAMPLE.objectives)
    with pytest.raises(ValidationError, match=r"records_frame.records\[0\]"):
        records_frame(["row"])


@pytest.mark.parametrize("dtype", [pl.Date, pl.String, pl.Float64])
def test_a_long_column_with_no_value_reads_as_empty(dtype):
    count = 2_000  # long enough that repeated cells are read once each
    objectives = pl.DataFrame(
        {
            "id": [f"o{row}" for row in range(count)],
            "title": ["Grow"] * count,
            "closed_on": pl.Series([None] * count, dtype=dtype),
        }
    )
    read = from_frames(objectives=objectives).objectives
    assert len(read) == count
    assert {objective.closed_on for objective in read} == {None}
