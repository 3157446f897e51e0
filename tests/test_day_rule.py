"""The day rule: which calendar day a moment falls on, chosen once in the policy."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkpi import (
    KPI,
    AlignmentTree,
    CheckIn,
    CheckIns,
    Cycle,
    DayOf,
    FindingCode,
    KeyResult,
    Objective,
    ScoringPolicy,
    Status,
    ValidationError,
    carry_over,
    explain_status,
    forecast,
    key_result_from_kpi,
    lint,
    review,
    score,
    scorecard,
    status,
)
from okrkpi.serde import Document, dumps, loads

Q3 = Cycle.quarter(2026, 3)
Q4 = Cycle.quarter(2026, 4)
PACIFIC = timezone(timedelta(hours=-7))
TOKYO = timezone(timedelta(hours=9))
# The last evening of Q3 in California: already 1 October in UTC.
LAST_EVENING = datetime(2026, 9, 30, 18, 30, tzinfo=PACIFIC)
UTC_RULE = ScoringPolicy(day_of="utc")


def sales(*moments_and_values):
    kr = KeyResult.metric("Sales", start=0, target=100, id="sales")
    kr = kr.check_in(10, at=datetime(2026, 8, 1, 12, tzinfo=PACIFIC))
    for at, value in moments_and_values:
        kr = kr.check_in(value, at=at)
    return kr


def test_the_last_evening_of_a_quarter_counts_for_it_by_default():
    objective = Objective("Sell", [sales((LAST_EVENING, 90))], cycle=Q3)
    assert score(objective).value == 0.9
    assert status(objective, as_of=Q3.end) is Status.ACHIEVED
    assert Q3.contains(LAST_EVENING)
    assert objective.key_results[0].latest_value(Q3.end) == 90


def test_the_utc_rule_puts_it_in_the_next_quarter():
    objective = Objective("Sell", [sales((LAST_EVENING, 90))], cycle=Q3)
    assert score(objective, policy=UTC_RULE).value == 0.1
    assert status(objective, as_of=Q3.end, policy=UTC_RULE) is Status.MISSED
    assert not Q3.contains(LAST_EVENING, day_of="utc")
    assert Q4.contains(LAST_EVENING, day_of=DayOf.UTC)
    kr = objective.key_results[0]
    assert kr.latest_value(Q3.end, day_of="utc") == 10
    assert kr.latest_value(Q4.start, day_of="utc") == 90


def test_the_policy_takes_the_rule_by_member_or_value_in_any_case():
    assert ScoringPolicy().day_of is DayOf.LOCAL
    for given_rule in (DayOf.UTC, "utc", "UTC", " Utc "):
        assert ScoringPolicy(day_of=given_rule).day_of is DayOf.UTC
    assert ScoringPolicy.named(day_of="utc", aggregator="minimum").day_of is DayOf.UTC
    with pytest.raises(
        ValidationError,
        match=r"ScoringPolicy\.day_of: expected a DayOf or one of 'local', 'utc', got 'gmt'",
    ):
        ScoringPolicy(day_of="gmt")


@pytest.mark.parametrize(
    "call",
    [
        lambda: KeyResult.metric("m", start=0, target=1).latest_value(Q3.end, day_of="gmt"),
        lambda: Q3.contains(LAST_EVENING, day_of=3),
        lambda: lint([], as_of=Q3.end, day_of="server"),
        lambda: carry_over(Objective("o", [sales()], cycle=Q3), day_of=None),
        lambda: forecast(sales(), Q3, as_of=Q3.end, day_of="z"),
    ],
)
def test_a_bad_day_rule_is_refused_naming_day_of(call):
    with pytest.raises(ValidationError, match=r"day_of: expected a DayOf"):
        call()


def test_a_datetime_as_of_is_judged_on_its_day_by_the_rule():
    objective = Objective("Sell", [sales()], cycle=Q3)
    evening = datetime(2026, 9, 30, 20, 0, tzinfo=PACIFIC)  # 1 October in UTC
    # 30 September, the last day, is not over at 20:00 there: still paced.
    assert status(objective, as_of=evening) is Status.AT_RISK
    assert status(objective, as_of=evening, policy=UTC_RULE) is Status.MISSED  # 1 October
    assert not explain_status(objective, as_of=evening).final
    assert explain_status(objective, as_of=evening, policy=UTC_RULE).final
    assert not objective.is_past(LAST_EVENING)
    assert objective.is_past(LAST_EVENING, day_of="utc")


def test_a_tree_judges_with_its_policys_rule():
    objective = Objective("Sell", [sales((LAST_EVENING, 90))], cycle=Q3, id="sell")
    assert AlignmentTree([objective]).score().value("sell") == 0.9
    utc_tree = AlignmentTree([objective], policy=UTC_RULE)
    assert utc_tree.score().value("sell") == 0.1
    assert utc_tree.score()["sell"].value == 0.1  # the explained path agrees
    assert utc_tree.status(Q3.end)["sell"] is Status.MISSED
    assert AlignmentTree([objective]).status(Q3.end)["sell"] is Status.ACHIEVED
    assert scorecard(utc_tree, by="cycle").rows[0].met == 0
    assert scorecard(AlignmentTree([objective]), by="cycle").rows[0].met == 1


def test_an_as_of_day_takes_every_check_in_of_that_day_wherever_it_was_made():
    # Tokyo's 2 August morning is an earlier instant than Honolulu's 1 August evening.
    honolulu = datetime(2026, 8, 1, 23, 0, tzinfo=timezone(timedelta(hours=-10)))
    tokyo = datetime(2026, 8, 2, 8, 0, tzinfo=TOKYO)
    assert tokyo < honolulu
    kr = KeyResult.metric("m", start=0, target=100).check_in(30, at=honolulu)
    kr = kr.check_in(20, at=tokyo)
    assert [item.value for item in kr.check_ins] == [20, 30]  # ordered by instant
    first = date(2026, 8, 1)
    assert kr.latest_value(first) == 30  # only Honolulu's is dated 1 August there
    assert [item.value for item in kr.check_ins_until(first)] == [30]
    assert kr.latest_value(first, day_of="utc") == 20  # Tokyo's is 1 August in UTC
    assert kr.latest_value(date(2026, 8, 2)) == 30  # both: the latest instant is current
    assert [item.value for item in kr.check_ins_until(date(2026, 8, 2))] == [20, 30]
    assert kr.latest_value(date(2026, 7, 31)) is None


_OFFSETS = st.integers(-12 * 4, 14 * 4).map(
    lambda quarters: timezone(timedelta(minutes=15 * quarters))
)
_LOCAL_TIMES = st.datetimes(datetime(2026, 7, 29), datetime(2026, 8, 4))


@st.composite
def _histories(draw):
    moments = draw(
        st.lists(
            st.builds(lambda local, zone: local.replace(tzinfo=zone), _LOCAL_TIMES, _OFFSETS),
            max_size=12,
        )
    )
    values = list(range(len(moments)))
    return CheckIns([CheckIn(float(value), at) for value, at in zip(values, moments, strict=True)])


def _day(moment, rule):
    if rule is DayOf.UTC:
        return moment.astimezone(UTC).date()
    return moment.date()


@given(_histories(), st.dates(date(2026, 7, 28), date(2026, 8, 6)), st.sampled_from(list(DayOf)))
def test_as_of_a_day_is_every_check_in_of_that_day_or_before(history, day, rule):
    expected = [item for item in history if _day(item.at, rule) <= day]
    assert list(history.until(day, day_of=rule)) == expected
    assert history.latest(day, day_of=rule) == (expected[-1] if expected else None)
    assert history.latest_value(day, day_of=rule) == (expected[-1].value if expected else None)
    instants = [item.at for item in history]
    assert instants == sorted(instants)  # still ordered by instant


@given(_histories(), st.sampled_from(list(DayOf)))
def test_a_datetime_as_of_is_an_instant_whatever_the_rule(history, rule):
    for item in history:
        seen = history.until(item.at, day_of=rule)
        assert all(other.at <= item.at for other in seen)
        assert len(seen) == sum(1 for other in history if other.at <= item.at)


def test_naive_datetimes_and_dates_fall_on_their_date_under_either_rule():
    late = datetime(2026, 9, 30, 23, 59)
    kr = KeyResult.metric("m", start=0, target=10).check_in(5, at=late)
    kr = kr.check_in(6, at=date(2026, 9, 30))
    for rule in DayOf:
        assert kr.latest_value(Q3.end, day_of=rule) == 5
        assert Q3.contains(late, day_of=rule)


def test_lint_names_check_ins_the_other_rule_moves_across_a_cycle_edge():
    first_morning = datetime(2026, 7, 1, 2, 0, tzinfo=timezone(timedelta(hours=5)))
    kr = sales(
        (first_morning, 5), (LAST_EVENING, 90), (datetime(2026, 8, 15, 23, tzinfo=PACIFIC), 40)
    )
    objective = Objective("Sell", [kr], cycle=Q3, id="sell")
    moved = [
        f
        for f in lint([objective], as_of=date(2026, 10, 5))
        if f.code is FindingCode.DAY_RULE_MOVES_CHECK_IN
    ]
    assert [f.key_result_id for f in moved] == ["sales", "sales"]
    assert (
        "2026-07-01T02:00:00+05:00 falls on 2026-07-01 by its local day, inside cycle 2026-Q3"
        in moved[0].message
    )
    assert "on 2026-06-30 by its utc day, outside it" in moved[0].message
    assert (
        "2026-09-30T18:30:00-07:00 falls on 2026-09-30 by its local day, inside" in moved[1].message
    )
    utc_moved = [
        f
        for f in lint([objective], as_of=date(2026, 10, 5), day_of="utc")
        if f.code is FindingCode.DAY_RULE_MOVES_CHECK_IN
    ]
    assert "falls on 2026-10-01 by its utc day, outside cycle 2026-Q3" in utc_moved[1].message
    assert "on 2026-09-30 by its local day, inside it" in utc_moved[1].message


def test_lint_finds_nothing_to_move_without_offsets_or_edges():
    plain = Objective(
        "Sell", [KeyResult.metric("m", start=0, target=1).check_in(1, at=Q3.end)], cycle=Q3
    )
    inner = Objective("Sell", [sales((datetime(2026, 8, 20, 23, tzinfo=PACIFIC), 5))], cycle=Q3)
    for objective in (plain, inner):
        assert not [
            f
            for f in lint([objective], as_of=date(2026, 10, 5))
            if f.code is FindingCode.DAY_RULE_MOVES_CHECK_IN
        ]


def test_a_moved_check_in_is_named_once_it_is_seen_by_either_rule():
    objective = Objective("Sell", [sales((LAST_EVENING, 90))], cycle=Q3)
    early = [
        f
        for f in lint([objective], as_of=date(2026, 9, 29))
        if f.code is FindingCode.DAY_RULE_MOVES_CHECK_IN
    ]
    assert early == []  # on 29 September it is in the future by either rule
    on_the_day = [
        f
        for f in lint([objective], as_of=Q3.end, day_of="utc")
        if f.code is FindingCode.DAY_RULE_MOVES_CHECK_IN
    ]
    assert len(on_the_day) == 1  # not yet seen by UTC, but already by the local day


def test_documents_keep_the_offset_and_so_the_day():
    objective = Objective("Sell", [sales((LAST_EVENING, 90))], cycle=Q3)
    document = Document((objective,))
    text = dumps(document)
    assert "2026-09-30T18:30:00-07:00" in text
    again = loads(text, Document)
    at = again.objectives[0].key_results[0].check_ins[-1].at
    assert at.utcoffset() == timedelta(hours=-7)
    assert score(again.objectives[0]).value == 0.9


def test_kpis_read_their_measurements_by_the_rule():
    first_evening = datetime(2026, 10, 1, 20, tzinfo=PACIFIC)  # 2 October in UTC
    kpi = KPI("Signups", target=100, frequency="daily")
    kpi = kpi.record(50, at=datetime(2026, 9, 29, 12, tzinfo=PACIFIC)).record(80, at=LAST_EVENING)
    kpi = kpi.record(95, at=first_evening)
    assert kpi.latest(Q3.end).value == 80
    assert kpi.latest(Q3.end, day_of="utc").value == 50
    assert kpi.health(Q3.end, day_of="utc") == kpi.health(date(2026, 9, 29))
    assert kpi.next_due(Q3.end) == date(2026, 10, 1)
    assert kpi.next_due(Q3.end, day_of="utc") == Q3.end
    assert kpi.is_overdue(date(2026, 10, 1), day_of="utc") is False
    assert kpi.value_at_start(Q4) == 95
    assert kpi.value_at_start(Q4, day_of="utc") == 80
    assert key_result_from_kpi(kpi, target=200, cycle=Q4).check_ins == ()
    linked = key_result_from_kpi(kpi, target=200, cycle=Q4, day_of="utc")
    assert linked.measure.start == 80
    assert [item.value for item in linked.check_ins] == [95]


def test_the_review_reads_days_with_the_trees_rule():
    objective = Objective("Sell", [sales((LAST_EVENING, 90))], cycle=Q3, id="sell")
    local = review(AlignmentTree([objective]), since=date(2026, 9, 1), as_of=Q3.end)
    utc = review(AlignmentTree([objective], policy=UTC_RULE), since=date(2026, 9, 1), as_of=Q3.end)
    assert [mover.after for mover in local.movers] == [0.9]
    assert utc.movers == ()


def test_a_date_subclass_is_a_day_as_of():
    class Day(date):
        pass

    kr = sales((LAST_EVENING, 90))
    assert kr.latest_value(Day(2026, 9, 30)) == 90
    assert kr.latest_value(Day(2026, 9, 30), day_of="utc") == 10


def test_the_utc_day_near_the_ends_of_time_is_the_date_as_written():
    from okrkpi._model.moments import day_of

    first = datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    assert day_of(first, DayOf.UTC) == date(1, 1, 1)  # a day earlier does not exist
    assert day_of(first) == date(1, 1, 1)


# -- a tree brings its rule: every function given a tree reads days by its policy ---------


def _evening_tree(policy=None):
    """A Q3 objective met only by check-ins made on the last evening of Q3 in California."""
    sold = KeyResult.metric("Sales", start=0, target=100, id="sales")
    sold = sold.check_in(100, at=LAST_EVENING, confidence=9)
    nps = KeyResult.zoned("NPS", baseline=0, stretch=10, id="nps").check_in(10, at=LAST_EVENING)
    objective = Objective("Sell", [sold, nps], cycle=Q3, id="sell", level="company")
    return AlignmentTree([objective], policy=policy)


def test_lint_of_a_tree_reads_days_by_the_trees_rule():
    from okrkpi import Finding

    local, utc = _evening_tree(), _evening_tree(UTC_RULE)
    after = date(2026, 10, 2)
    assert utc.score().value("sell") == 0.0  # both check-ins fall in Q4 by the UTC day
    assert lint(utc, as_of=after) == lint(list(utc), as_of=after, day_of="utc")
    assert lint(local, as_of=after) == lint(list(local), as_of=after)
    codes = {finding.code for finding in lint(utc, as_of=after)}
    assert FindingCode.CHECK_IN_OUTSIDE_CYCLE in codes
    assert FindingCode.CHECK_IN_OUTSIDE_CYCLE not in {f.code for f in lint(local, as_of=after)}
    moved = [f for f in lint(utc, as_of=after) if f.code is FindingCode.DAY_RULE_MOVES_CHECK_IN]
    assert moved
    assert all("by its utc day, outside" in f.message for f in moved)
    # A rule given to lint still wins over the tree's.
    given = lint(utc, as_of=after, day_of="local")
    assert given == lint(list(utc), as_of=after)
    assert all(isinstance(finding, Finding) for finding in given)


def test_every_function_given_a_tree_reads_days_by_the_trees_rule():
    from okrkpi import calibration, carry_over_tree, forecast_tree, scores_by_cycle

    local, utc = _evening_tree(), _evening_tree(UTC_RULE)
    for tree, counted in ((local, True), (utc, False)):
        expected = 1.0 if counted else 0.0
        assert tree.score().value("sell") == expected
        assert scorecard(tree, by="cycle").rows[0].mean_score == expected
        assert scores_by_cycle(tree).rows[0].scores == (expected,)
        assert forecast_tree(tree, as_of=Q3.end).value("sell") == expected
        assert tree.zone_counts()[max(tree.zone_counts(), key=tree.zone_counts().get)] == 1
        carried = carry_over_tree(tree)
        assert ("sell" in carried.skipped) is counted  # finished in Q3 by the local day only
        judged = calibration(tree)
        # The confidence was stated on Q3's last day by the local day, in Q4 by UTC's.
        assert judged.count == (1 if counted else 0)
        assert calibration(list(tree), policy=tree.policy).count == judged.count
    assert local.zone_counts() != utc.zone_counts()


def _evening_document(tmp_path):
    tree = _evening_tree()
    kpi = KPI("Uptime", target=99.9).record(97.0, at=LAST_EVENING)
    path = tmp_path / "okrs.json"
    path.write_text(dumps(Document(tuple(tree), (kpi,))))
    return str(path)


def test_the_command_line_takes_the_day_rule(tmp_path):
    import json

    from helpers import run_cli

    path = _evening_document(tmp_path)
    by_rule = {}
    for rule in ("local", "utc"):
        done = run_cli("score", path, "--as-of", "2026-10-02", "--format", "json", "--day-of", rule)
        assert done.returncode == 0, done.stderr
        by_rule[rule] = json.loads(done.stdout)
    local, utc = by_rule["local"], by_rule["utc"]
    default = run_cli("score", path, "--as-of", "2026-10-02", "--format", "json")
    assert json.loads(default.stdout) == local  # local is the default
    assert [o["score"]["value"] for o in local["objectives"]] == [1.0]
    assert [o["score"]["value"] for o in utc["objectives"]] == [0.0]
    assert any("check_in_outside_cycle" in finding for finding in utc["findings"])
    assert not any("check_in_outside_cycle" in finding for finding in local["findings"])
    on_the_last_day = ("score", path, "--as-of", "2026-09-30", "--format", "json")
    assert json.loads(run_cli(*on_the_last_day).stdout)["kpis"][0]["health"] == "unhealthy"
    utc_kpis = json.loads(run_cli(*on_the_last_day, "--day-of", "utc").stdout)["kpis"]
    assert utc_kpis[0]["health"] == "unknown"  # measured on 1 October by the UTC day
    text = run_cli("score", path, "--as-of", "2026-09-30", "--day-of", "utc").stdout
    assert "no measurement yet" in text


def test_the_review_on_the_command_line_takes_the_day_rule(tmp_path):
    from helpers import run_cli

    path = _evening_document(tmp_path)
    meeting = ("review", path, "--since", "2026-09-01", "--as-of", "2026-09-30", "--format", "json")
    local, utc = run_cli(*meeting), run_cli(*meeting, "--day-of", "UTC".lower())
    assert local.returncode == utc.returncode == 0
    assert '"movers": []' not in local.stdout
    assert '"movers": []' in utc.stdout  # its check-ins fall in Q4 by the UTC day
    assert "Uptime" in local.stdout
    assert "Uptime" not in utc.stdout  # not measured yet by the UTC day: no alert


def test_a_bad_day_rule_on_the_command_line_is_bad_usage(tmp_path):
    from helpers import run_cli

    done = run_cli("score", _evening_document(tmp_path), "--day-of", "gmt")
    assert done.returncode == 2
    assert "--day-of" in done.stderr
    assert "'local', 'utc'" in done.stderr


# -- a misspelt rule is refused wherever a rule is taken, a plain date or not -------------

_KR = KeyResult.metric("m", start=0, target=10, id="m").check_in(1, at=date(2026, 8, 1))
_ZONED = KeyResult.zoned("z", baseline=0, stretch=10, id="z")
_KPI = KPI("Uptime", target=99.9, frequency="weekly").record(99.0, at=date(2026, 8, 1))
_OBJECTIVE = Objective("o", [_KR], cycle=Q3, id="o")
DAY = date(2026, 8, 15)


@pytest.mark.parametrize(
    ("owner", "call"),
    [
        ("Cycle.contains", lambda rule: Q3.contains(DAY, day_of=rule)),
        ("Cycle.contains", lambda rule: Q3.contains(Q3, day_of=rule)),
        ("Cycle.elapsed", lambda rule: Q3.elapsed(DAY, day_of=rule)),
        ("Objective.is_past", lambda rule: _OBJECTIVE.is_past(DAY, day_of=rule)),
        ("Metric.planned", lambda rule: _KR.measure.planned(Q3, DAY, day_of=rule)),
        ("KeyResult.zone", lambda rule: _ZONED.zone(DAY, day_of=rule)),
        ("KeyResult.latest_check_in", lambda rule: _KR.latest_check_in(DAY, day_of=rule)),
        ("KeyResult.latest_value", lambda rule: _KR.latest_value(DAY, day_of=rule)),
        ("KeyResult.check_ins_until", lambda rule: _KR.check_ins_until(DAY, day_of=rule)),
        ("KeyResult.confidence", lambda rule: _KR.confidence(DAY, day_of=rule)),
        ("KPI.measurements_until", lambda rule: _KPI.measurements_until(DAY, day_of=rule)),
        ("KPI.latest", lambda rule: _KPI.latest(DAY, day_of=rule)),
        ("KPI.health", lambda rule: _KPI.health(DAY, day_of=rule)),
        ("KPI.health_report", lambda rule: _KPI.health_report(DAY, day_of=rule)),
        ("KPI.next_due", lambda rule: _KPI.next_due(DAY, day_of=rule)),
        ("KPI.is_overdue", lambda rule: _KPI.is_overdue(DAY, day_of=rule)),
        ("KPI.trend", lambda rule: _KPI.trend(DAY, day_of=rule)),
        ("KPI.value_at_start", lambda rule: _KPI.value_at_start(Q3, day_of=rule)),
        ("lint", lambda rule: lint([_OBJECTIVE], as_of=DAY, day_of=rule)),
        ("forecast", lambda rule: forecast(_KR, Q3, as_of=DAY, day_of=rule)),
    ],
)
def test_a_misspelt_day_rule_is_refused_naming_its_owner_even_for_a_plain_date(owner, call):
    for rule in ("bogus", 3, "loc al"):
        with pytest.raises(ValidationError, match=rf"^{owner}\.day_of: expected a DayOf"):
            call(rule)
    for rule in ("local", DayOf.UTC, "UTC"):
        call(rule)  # the rules themselves, by member or value in any case


def test_the_day_of_a_plain_date_still_checks_the_rule():
    from okrkpi._model.moments import day_of

    with pytest.raises(ValidationError, match=r"^day_of: expected a DayOf"):
        day_of(DAY, "bogus")  # type: ignore[arg-type]
    assert day_of(DAY, "utc") == DAY
