"""A catalogue of invalid inputs: each raises an OkrKpiError subclass naming the field."""

from datetime import UTC, date, datetime

import pytest

from okrkpi import (
    KPI,
    AlignmentTree,
    CheckIn,
    CheckIns,
    ConfidenceRating,
    Cycle,
    CycleKind,
    Initiative,
    KeyResult,
    Measurement,
    Milestone,
    Objective,
    OkrKpiError,
    ScoringPolicy,
    TargetRange,
    forecast,
    key_result_from_kpi,
    propose_objective,
    score,
    status,
)
from okrkpi.display import render_kpis, render_tree
from okrkpi.serde import Document, from_dict
from okrkpi.tables import to_rows

NAN = float("nan")
INF = float("inf")
DAY = date(2026, 7, 1)
KR = KeyResult.metric("Revenue", start=0, target=10)

CATALOGUE = [
    # (what, callable, a fragment the message must contain)
    ("NaN start", lambda: KeyResult.metric("m", start=NAN, target=1), "Metric.start"),
    ("inf target", lambda: KeyResult.metric("m", start=0, target=INF), "Metric.target"),
    ("string target", lambda: KeyResult.metric("m", start=0, target="10"), "Metric.target"),
    ("bool start", lambda: KeyResult.metric("m", start=True, target=3), "Metric.start"),
    ("start equals target", lambda: KeyResult.metric("m", start=5, target=5), "Metric.target"),
    ("negative weight", lambda: KeyResult.binary("b", weight=-1), "KeyResult.weight"),
    ("NaN weight", lambda: KeyResult.binary("b", weight=NAN), "KeyResult.weight"),
    ("empty title", lambda: KeyResult.binary("  "), "KeyResult.title"),
    ("title not a string", lambda: KeyResult.binary(42), "KeyResult.title"),
    ("empty id", lambda: KeyResult.binary("b", id=""), "KeyResult.id"),
    ("a quarter named for another quarter", lambda: Cycle("2026-Q4", date(2026, 7, 1), date(2026, 9, 30), kind=CycleKind.QUARTER), "Cycle.name: expected '2026-Q3' for 2026-07-01..2026-09-30"),
    ("a year of three months", lambda: Cycle("2026", date(2026, 7, 1), date(2026, 9, 30), kind=CycleKind.YEAR), "Cycle.kind: expected 'custom' for 2026-07-01..2026-09-30"),
    ("a fiscal quarter off its fiscal year's quarters", lambda: Cycle("FY2027-Q1", date(2026, 5, 1), date(2026, 7, 31), kind=CycleKind.FISCAL_QUARTER, fiscal_start_month=4), "Cycle.kind"),
    ("key result id with a blank at its end", lambda: KeyResult.binary("b", id="k\t"), "KeyResult.id: expected an id with no blanks at either end, got 'k\\t'"),
    ("objective id with blanks around it", lambda: Objective("o", id=" o1 "), "Objective.id: expected an id with no blanks at either end, got ' o1 '"),
    ("a parent id with a blank at its start", lambda: Objective("o", parent_id=" p"), "Objective.parent_id: expected an id with no blanks at either end"),
    ("a parent named with a blank at its end", lambda: Objective("o", parents={"p ": 1.0}), "parents[0]: expected a parent id (a non-empty string, no blanks at either end)"),
    ("a carried-over id with a blank", lambda: Objective("o", carried_over_from="b "), "Objective.carried_over_from: expected an id with no blanks"),
    ("a KPI name with blanks around it", lambda: KPI(" Revenue ", target=1), "KPI.name: expected an id with no blanks at either end"),
    ("a key result's KPI with a blank", lambda: KeyResult.binary("b", source_kpi=" Revenue"), "KeyResult.source_kpi: expected an id with no blanks"),
    ("an initiative's key result with a blank", lambda: Initiative("i", key_result_ids=["k "]), "Initiative.key_result_ids: expected an id with no blanks"),
    ("initiative id with a no-break space", lambda: Initiative("i", id="\u00a0i"), "Initiative.id: expected an id with no blanks at either end"),
    ("a linked key result id with ';' in a table", lambda: to_rows(Document((Objective("o", [KeyResult.binary("k", id="a;b")], initiatives=[Initiative("i", key_result_ids=["a;b"])]),))), "key_result_ids: expected ids without ';'"),
    ("owner not a string", lambda: KeyResult.binary("b", owner=3), "KeyResult.owner"),
    ("measure not a measure", lambda: KeyResult("b", "metric"), "KeyResult.measure"),
    ("binary done not bool", lambda: KeyResult.binary("b", done="yes"), "Binary.done"),
    ("threshold NaN", lambda: KeyResult.threshold("t", threshold=NAN), "Threshold.threshold"),
    ("threshold above not bool", lambda: KeyResult.threshold("t", threshold=1, above=1), "Threshold.above"),
    ("no milestones", lambda: KeyResult.milestones("s", milestones=[]), "Milestones.milestones"),
    ("milestones as a string", lambda: KeyResult.milestones("s", milestones="abc"), "Milestones.milestones"),
    ("duplicate milestone", lambda: KeyResult.milestones("s", milestones=["a", "a"]), "Milestone.name"),
    ("milestone negative weight", lambda: Milestone("a", -1), "Milestone.weight"),
    ("all milestones zero weight", lambda: KeyResult.milestones("s", milestones=[("a", 0)]), "Milestone.weight"),
    ("bad milestone item", lambda: KeyResult.milestones("s", milestones=[3]), "Milestones.milestones"),
    ("check-ins not a list", lambda: KeyResult.binary("b", check_ins=5), "KeyResult.check_ins"),
    ("check-in not a CheckIn", lambda: KeyResult.binary("b", check_ins=[(1, DAY)]), "KeyResult.check_ins"),
    ("check-in NaN value", lambda: KR.check_in(NAN, at=DAY), "CheckIn.value"),
    ("check-in string value", lambda: KR.check_in("5", at=DAY), "CheckIn.value"),
    ("check-in bool on a metric", lambda: KR.check_in(True, at=DAY), "check_ins[0].value"),
    ("check-in date as string", lambda: KR.check_in(1, at="2026-07-01"), "CheckIn.at"),
    ("check-in year 1026", lambda: KR.check_in(1, at=date(1026, 7, 1)), "CheckIn.at"),
    ("check-in year 2626", lambda: KR.check_in(1, at=date(2626, 7, 1)), "CheckIn.at"),
    ("columns of different lengths", lambda: CheckIns.from_columns([1.0], [DAY, DAY]), "CheckIns.moments"),
    ("column value NaN", lambda: CheckIns.from_columns([1.0, NAN], [DAY, DAY]), "CheckIns.values[1]"),
    ("column value a string", lambda: CheckIns.from_columns(["1"], [DAY]), "CheckIns.values[0]"),
    ("column moment a string", lambda: CheckIns.from_columns([1.0], ["2026-07-01"]), "CheckIns.moments[0]"),
    ("column moment year 1026", lambda: CheckIns.from_columns([1.0, 2.0], [DAY, date(1026, 1, 1)]), "CheckIns.moments[1]"),
    ("column note not a string", lambda: CheckIns.from_columns([1.0], [DAY], notes=[3]), "CheckIns.notes[0]"),
    ("column confidence 11", lambda: CheckIns.from_columns([1.0], [DAY], confidences=[11]), "CheckIns.confidences[0]"),
    ("columns mix naive and aware", lambda: CheckIns.from_columns([1.0, 2.0], [datetime(2026, 7, 1), datetime(2026, 7, 2, tzinfo=UTC)]), "CheckIns.moments[1]"),
    ("column bool on a metric", lambda: KeyResult.metric("m", start=0, target=1, check_ins=CheckIns.from_columns([1.0, True], [DAY, DAY])), "check_ins[1].value"),
    ("check-in note not text", lambda: KR.check_in(1, at=DAY, note=None), "CheckIn.note"),
    ("confidence 11", lambda: KR.check_in(1, at=DAY, confidence=11), "ConfidenceRating.value"),
    ("confidence -1", lambda: ConfidenceRating(-1), "ConfidenceRating.value"),
    ("confidence NaN", lambda: ConfidenceRating(NAN), "ConfidenceRating.value"),
    ("confidence label", lambda: ConfidenceRating.from_label("sure"), "ConfidenceRating.label"),
    ("binary check-in 0.5", lambda: KeyResult.binary("b").check_in(0.5, at=DAY), "value"),
    ("milestone count too big", lambda: KeyResult.milestones("s", milestones=["a"]).check_in(2, at=DAY), "value"),
    ("naive and aware mixed", lambda: KR.check_in(1, at=datetime(2026, 7, 1, 9)).check_in(
        2, at=datetime(2026, 7, 2, tzinfo=UTC)), "timezone-aware"),
    ("cycle end before start", lambda: Cycle("c", date(2026, 2, 1), date(2026, 1, 1)), "Cycle.end"),
    ("cycle start a string", lambda: Cycle("c", "2026-01-01", date(2026, 2, 1)), "Cycle.start"),
    ("cycle name empty", lambda: Cycle("", date(2026, 1, 1), date(2026, 2, 1)), "Cycle.name"),
    ("quarter 0", lambda: Cycle.quarter(2026, 0), "Cycle.quarter"),
    ("year as string", lambda: Cycle.year("2026"), "Cycle.year"),
    ("fiscal month 0", lambda: Cycle.fiscal_year(2026, start_month=0), "Cycle.start_month"),
    ("unparsable cycle", lambda: Cycle.parse("Q3-2026"), "Cycle.parse"),
    ("objective title empty", lambda: Objective(""), "Objective.title"),
    ("objective key results not KRs", lambda: Objective("o", [1]), "Objective.key_results"),
    ("objective duplicate KR ids", lambda: Objective("o", [KR, KR]), "key_results[1].id"),
    ("objective all-zero weights", lambda: Objective("o", [KeyResult.binary("b", weight=0)]), "weight"),
    ("objective aligned to itself", lambda: Objective("o", id="o", parent_id="o"), "parent_id"),
    ("objective commitment string", lambda: Objective("o", commitment="promised"), "Objective.commitment"),
    ("objective level string", lambda: Objective("o", level="tribe"), "Objective.level"),
    ("objective cycle string", lambda: Objective("o", cycle="next quarter"), "Objective.cycle"),
    ("objective alignment weight", lambda: Objective("o", alignment_weight=-0.5), "alignment_weight"),
    ("objective closed_on", lambda: Objective("o", closed_on="2026-09-30"), "Objective.closed_on"),
    ("unknown KR on objective", lambda: Objective("o", [KR]).check_in("nope", 1, at=DAY), "key_results"),
    ("tree duplicate ids", lambda: AlignmentTree([Objective("a"), Objective("a")]), "duplicate id"),
    ("tree unknown parent", lambda: AlignmentTree([Objective("a", parent_id="b")]), "unknown parent"),
    ("tree loop", lambda: AlignmentTree([Objective("a", parent_id="b"), Objective("b", parent_id="a")]), "loop"),
    ("KPI warning wrong side", lambda: KPI("k", target=60, higher_is_better=False, warning=50), "KPI('k').warning"),
    ("KPI range low > high", lambda: KPI("k", target=(5, 1)), "TargetRange.high"),
    ("range NaN", lambda: TargetRange(NAN, 1), "TargetRange.low"),
    ("KPI NaN measurement", lambda: KPI("k", target=1).record(NAN, at=DAY), "Measurement.value"),
    ("KPI measured twice", lambda: KPI("k", target=1).record(1, at=DAY).record(2, at=DAY), "measurements[1].at"),
    ("KPI name empty", lambda: KPI("", target=1), "KPI.name"),
    ("KPI frequency unknown", lambda: KPI("k", target=1, frequency="hourly-ish"), "KPI.frequency"),
    ("measurement date wrong type", lambda: Measurement(1, 20260701), "Measurement.at"),
    ("score as_of wrong type", lambda: score(KR.check_in(1, at=DAY), as_of="2026-07-01"), "as_of"),
    ("status without cycle", lambda: status(KR, as_of=DAY), "status.cycle"),
    ("policy bad cap", lambda: ScoringPolicy(overachievement_cap="high"), "overachievement_cap"),
    ("from_dict bad target", lambda: from_dict({"title": "t", "measure": {"kind": "metric", "start": 0, "target": "x"}}, KeyResult), "measure.target"),
    ("from_dict unknown kind", lambda: from_dict({"title": "t", "measure": {"kind": "percent"}}, KeyResult), "measure"),
    ("from_dict bad date", lambda: from_dict({"value": 1, "at": "yesterday"}, CheckIn), "at"),
    ("from_dict extra field", lambda: from_dict({"title": "t", "colour": "red"}, Objective), "colour"),
    ("from_dict schema version", lambda: from_dict({"schema_version": 9}, Document), "schema_version"),
    ("from_dict not an object", lambda: from_dict("uptime", KPI), "$"),
    ("from_dict NaN-free value", lambda: from_dict({"value": "1", "at": "2026-07-01"}, CheckIn), "value"),
    ("KPI key result text target", lambda: key_result_from_kpi(KPI("k", target=1).record(1, at=DAY), target="500", cycle=Cycle.quarter(2026, 3)), "key_result_from_kpi.target"),
    ("propose without a date", lambda: propose_objective(KPI("k", target=1), None), "propose_objective.as_of"),
    ("propose for a name", lambda: propose_objective("k", DAY), "propose_objective.kpi"),
    ("tree status without a date", lambda: AlignmentTree([]).status(None), "AlignmentTree.status.as_of"),
    ("render a list", lambda: render_tree([Objective("o")], as_of=DAY), "render_tree.tree"),
    ("render KPIs of numbers", lambda: render_kpis([5], as_of=DAY), "render_kpis.kpis[0]"),
    ("filter by an unknown level", lambda: AlignmentTree([]).filter(level="org"), "AlignmentTree.filter.level"),
    ("forecast a name", lambda: forecast("kr", Cycle.quarter(2026, 3), as_of=DAY), "forecast.key_result"),
]  # fmt: skip


def test_catalogue_is_large_enough():
    assert len(CATALOGUE) >= 50
    assert len({what for what, _, _ in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize(("what", "build", "fragment"), CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_bad_input_raises_a_named_error(what, build, fragment):
    with pytest.raises(OkrKpiError) as caught:
        build()
    assert fragment in str(caught.value), f"{what}: {caught.value}"
    assert isinstance(caught.value, ValueError | LookupError)


@pytest.mark.parametrize(
    ("name", "kind", "month"),
    [
        ("2026-Q3", CycleKind.FISCAL_QUARTER, 1),  # fiscal years of calendar years
        ("FY2026-Q3", CycleKind.QUARTER, None),
        ("\uff12\uff10\uff12\uff16-Q3", CycleKind.QUARTER, None),  # digits Cycle.parse reads
    ],
)
def test_a_standard_name_of_another_form_naming_the_same_dates_is_kept(name, kind, month):
    cycle = Cycle(name, date(2026, 7, 1), date(2026, 9, 30), kind=kind, fiscal_start_month=month)
    assert cycle.name == name


def test_a_custom_cycle_may_take_a_standard_name_for_its_own_dates():
    # A company's "2026-Q3" may run from 6 July: only a quarter's kind ties name and dates.
    cycle = Cycle("2026-Q3", date(2026, 7, 6), date(2026, 10, 4))
    assert (cycle.start, cycle.end) == (date(2026, 7, 6), date(2026, 10, 4))
    assert Cycle("Summer push", date(2026, 7, 1), date(2026, 9, 30), kind=CycleKind.QUARTER)
