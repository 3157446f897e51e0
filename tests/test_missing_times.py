"""pandas' NaT ("not a time") anywhere a moment goes: a ValidationError naming the argument.

NaT is a `datetime` subclass whose methods raise `ValueError`; one shared check in the
model refuses it where it comes in, before any comparison can fail on it.
"""

from datetime import date, timedelta

import pytest

from helpers import JULY, MID_AUGUST, Q3, metric
from okrkpi import (
    KPI,
    AlignmentTree,
    CheckIn,
    CheckIns,
    Measurement,
    Objective,
    ValidationError,
    calibration,
    carry_over,
    explain_status,
    forecast,
    forecast_objective,
    forecast_tree,
    lint,
    propose_objective,
    review,
    score,
    scorecard,
    status,
)

pd = pytest.importorskip("pandas")
NAT = pd.NaT

KR = metric(10, 20, id="revenue")
OBJECTIVE = Objective("Grow", [KR], cycle=Q3, id="grow")
TREE = AlignmentTree([OBJECTIVE])
KPI_ = KPI("Churn", target=2.0, higher_is_better=False, frequency="weekly").record(3.0, at=JULY)

CALLS = [
    ("score(key result)", lambda: score(KR, NAT), r"^score\.as_of:"),
    ("score(objective)", lambda: score(OBJECTIVE, NAT), r"^score\.as_of:"),
    ("status(key result)", lambda: status(KR, Q3, as_of=NAT), r"^status\.as_of:"),
    ("status(objective)", lambda: status(OBJECTIVE, as_of=NAT), r"^status\.as_of:"),
    ("explain_status", lambda: explain_status(OBJECTIVE, as_of=NAT), r"^explain_status\.as_of:"),
    ("tree.score", lambda: TREE.score(NAT), r"^AlignmentTree\.score\.as_of:"),
    ("tree.status", lambda: TREE.status(NAT), r"^AlignmentTree\.status\.as_of:"),
    ("tree.zone_counts", lambda: TREE.zone_counts(NAT), r"^as_of:"),
    ("latest_value", lambda: KR.latest_value(NAT), r"^KeyResult\.latest_value\.as_of:"),
    (
        "check_ins_until",
        lambda: KR.check_ins_until(NAT),
        r"^KeyResult\.check_ins_until\.as_of:",
    ),
    ("lint", lambda: lint(TREE, as_of=NAT), r"^lint\.as_of:"),
    ("review as_of", lambda: review(TREE, since=JULY, as_of=NAT), r"^review\.as_of:"),
    ("review since", lambda: review(TREE, since=NAT, as_of=MID_AUGUST), r"^review\.since:"),
    ("scorecard", lambda: scorecard(TREE, as_of=NAT), r"^scorecard\.as_of:"),
    ("carry_over", lambda: carry_over(OBJECTIVE, as_of=NAT), r"^as_of:"),
    ("forecast", lambda: forecast(KR, Q3, as_of=NAT), r"^forecast\.as_of:"),
    (
        "forecast_objective",
        lambda: forecast_objective(OBJECTIVE, as_of=NAT),
        r"^forecast_objective\.as_of:",
    ),
    ("forecast_tree", lambda: forecast_tree(TREE, as_of=NAT), r"^forecast_tree\.as_of:"),
    (
        "calibration",
        lambda: calibration([OBJECTIVE], stated_as_of=NAT),
        r"^calibration\.stated_as_of:",
    ),
    ("calibration.as_of", lambda: calibration([OBJECTIVE], as_of=NAT), r"^calibration\.as_of:"),
    ("cycle.contains", lambda: Q3.contains(NAT), r"^Cycle\.contains\.other:"),
    ("cycle.elapsed", lambda: Q3.elapsed(NAT), r"^Cycle\.elapsed\.as_of:"),
    ("check-in", lambda: CheckIn(1.0, NAT), r"^CheckIn\.at:"),
    ("kr.check_in", lambda: KR.check_in(30, at=NAT), r"^CheckIn\.at:"),
    (
        "check-in columns",
        lambda: CheckIns.from_columns([1.0, 2.0], [JULY, NAT]),
        r"^CheckIns\.moments\[1\]:",
    ),
    ("measurement", lambda: Measurement(1.0, NAT), r"^Measurement\.at:"),
    ("kpi.record", lambda: KPI_.record(2.5, at=NAT), r"^Measurement\.at:"),
    ("kpi.health", lambda: KPI_.health(NAT), r"^KPI\.health\.as_of:"),
    ("kpi.next_due", lambda: KPI_.next_due(NAT), r"^KPI\.next_due\.as_of:"),
    ("kpi.is_overdue", lambda: KPI_.is_overdue(NAT), r"^KPI\.is_overdue\.as_of:"),
    ("propose_objective", lambda: propose_objective(KPI_, NAT), r"^propose_objective\.as_of:"),
]


@pytest.mark.parametrize(
    ("call", "path"), [(call, path) for _, call, path in CALLS], ids=[name for name, _, _ in CALLS]
)
def test_nat_is_refused_naming_the_argument(call, path):
    with pytest.raises(ValidationError, match=path) as caught:
        call()
    assert "NaT" in str(caught.value)


def test_nat_is_refused_by_the_edges():
    pytest.importorskip("matplotlib")
    from okrkpi.display import render_kpis, render_tree
    from okrkpi.plot import burn_up, kpi_chart, progress_over_time, status_doughnut, timeline
    from okrkpi.tables import scores_frame

    edge_calls = [
        (lambda: burn_up(KR, cycle=Q3, as_of=NAT), r"^burn_up\.as_of:"),
        (lambda: status_doughnut(TREE, as_of=NAT), r"^status_doughnut\.as_of:"),
        (lambda: timeline(TREE, as_of=NAT), r"^timeline\.as_of:"),
        (lambda: kpi_chart(KPI_, as_of=NAT), r"^kpi_chart\.as_of:"),
        (lambda: progress_over_time(TREE, [JULY, NAT]), r"^progress_over_time\.dates\[1\]:"),
        (lambda: scores_frame(TREE, NAT), r"^scores_frame\.as_of:"),
        (lambda: scores_frame(TREE, [JULY, NAT]), r"^scores_frame\.as_of\[1\]:"),
        (lambda: render_tree(TREE, as_of=NAT), r"^render_tree\.as_of:"),
        (lambda: render_kpis([KPI_], as_of=NAT), r"^render_kpis\.as_of:"),
    ]
    for call, path in edge_calls:
        with pytest.raises(ValidationError, match=path) as caught:
            call()
        assert "NaT" in str(caught.value)


def test_a_real_timestamp_is_still_a_moment():
    at = pd.Timestamp("2026-07-10 09:30")
    assert score(KR.check_in(30, at=date(2026, 7, 3)), at).value == 0.3
    assert Q3.contains(at)
    assert not Q3.contains(pd.Timestamp("2026-10-01") + timedelta(hours=1))
