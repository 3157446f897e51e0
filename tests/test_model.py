"""The domain model: construction, named constructors, change by copy, time travel."""

from datetime import UTC, date, datetime, timedelta

import attrs
import pytest

from helpers import Q3
from okrkpi import (
    AlignmentError,
    Binary,
    CheckIn,
    CheckIns,
    Commitment,
    ConfidenceLabel,
    ConfidenceRating,
    Cycle,
    CycleKind,
    KeyResult,
    KeyResultKind,
    Level,
    Metric,
    Milestone,
    Milestones,
    Objective,
    Threshold,
    ValidationError,
)

# -- cycles -------------------------------------------------------------------------------


def test_quarter_matches_spec():
    cycle = Cycle.quarter(2026, 3)
    assert (cycle.name, cycle.start, cycle.end) == ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30))
    assert cycle.days == 92


def test_year_and_fiscal_year_match_spec():
    assert Cycle.year(2026).start == date(2026, 1, 1)
    assert Cycle.year(2026).end == date(2026, 12, 31)
    fiscal = Cycle.fiscal_year(2027, start_month=4)
    assert (fiscal.name, fiscal.start, fiscal.end) == (
        "FY2027",
        date(2026, 4, 1),
        date(2027, 3, 31),
    )
    calendar = Cycle.fiscal_year(2027, start_month=1)
    assert (calendar.start, calendar.end) == (date(2027, 1, 1), date(2027, 12, 31))


def test_fiscal_quarters_nest_in_their_year():
    fiscal = Cycle.fiscal_year(2027, start_month=4)
    quarters = fiscal.quarters()
    assert [q.name for q in quarters] == ["FY2027-Q1", "FY2027-Q2", "FY2027-Q3", "FY2027-Q4"]
    assert quarters[0].start == fiscal.start
    assert quarters[-1].end == fiscal.end
    assert all(fiscal.contains(q) for q in quarters)
    for left, right in zip(quarters, quarters[1:], strict=False):
        assert left.end + timedelta(days=1) == right.start


def test_calendar_quarters_of_a_year():
    assert [q.name for q in Cycle.year(2026).quarters()] == [
        "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"
    ]  # fmt: skip
    with pytest.raises(ValidationError, match="year or fiscal year"):
        Cycle.quarter(2026, 1).quarters()


@pytest.mark.parametrize(
    ("cycle", "expected_next", "expected_previous"),
    [
        (Cycle.quarter(2026, 4), "2027-Q1", "2026-Q3"),
        (Cycle.year(2026), "2027", "2025"),
        (Cycle.fiscal_year(2027, start_month=4), "FY2028", "FY2026"),
        (Cycle.fiscal_quarter(2027, 4, start_month=4), "FY2028-Q1", "FY2027-Q3"),
        (Cycle.fiscal_quarter(2027, 1, start_month=1), "FY2027-Q2", "FY2026-Q4"),
    ],
)
def test_next_and_previous(cycle, expected_next, expected_previous):
    assert cycle.next().name == expected_next
    assert cycle.previous().name == expected_previous
    assert cycle.next().previous() == cycle
    assert cycle.next().start == cycle.end + timedelta(days=1)


def test_custom_cycle_moves_by_its_length():
    sprint = Cycle("Sprint 7", date(2026, 3, 2), date(2026, 3, 15))
    following = sprint.next()
    assert following.start == date(2026, 3, 16)
    assert following.days == sprint.days
    assert following.name == "Sprint 7 +1"
    assert sprint.shifted(0) == sprint
    assert following.kind is CycleKind.CUSTOM


@pytest.mark.parametrize(
    ("text", "name", "start"),
    [
        ("2026-Q3", "2026-Q3", date(2026, 7, 1)),
        (" 2026q1 ", "2026-Q1", date(2026, 1, 1)),
        ("2026", "2026", date(2026, 1, 1)),
        ("fy2027", "FY2027", date(2026, 4, 1)),
        ("FY2027-Q2", "FY2027-Q2", date(2026, 7, 1)),
    ],
)
def test_parse(text, name, start):
    cycle = Cycle.parse(text, start_month=4)
    assert (cycle.name, cycle.start) == (name, start)


@pytest.mark.parametrize("text", ["2026-Q5", "Q3", "", "FY27", 2026, None])
def test_parse_rejects(text):
    with pytest.raises(ValidationError, match="Cycle.parse"):
        Cycle.parse(text)


def test_elapsed_is_linear_and_clamped():
    assert Q3.elapsed(date(2026, 6, 1)) == 0.0
    assert Q3.elapsed(Q3.start) == 0.0
    assert Q3.elapsed(date(2026, 8, 15)) == pytest.approx(45 / 91)
    assert Q3.elapsed(Q3.end) == 1.0
    assert Q3.elapsed(date(2027, 1, 1)) == 1.0
    assert Q3.elapsed(datetime(2026, 8, 15, 23, 0)) == pytest.approx(45 / 91)
    day = Cycle("launch day", date(2026, 5, 1), date(2026, 5, 1))
    assert (day.elapsed(date(2026, 4, 30)), day.elapsed(date(2026, 5, 1))) == (0.0, 1.0)


def test_containment():
    assert Cycle.year(2026).contains(Q3)
    assert not Q3.contains(Cycle.year(2026))
    assert Q3.contains(date(2026, 9, 30))
    assert date(2026, 10, 1) not in Q3
    assert Q3 in Cycle.year(2026)
    assert "2026-Q3" not in Q3
    with pytest.raises(ValidationError):
        Q3.contains("2026-Q3")


def test_cycle_validation():
    with pytest.raises(ValidationError, match=r"Cycle.end: expected a date on or after start"):
        Cycle("bad", date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(ValidationError, match="not a datetime"):
        Cycle("bad", datetime(2026, 1, 1), date(2026, 2, 1))
    with pytest.raises(ValidationError, match="fiscal_start_month"):
        Cycle("bad", date(2026, 1, 1), date(2026, 2, 1), fiscal_start_month=4)
    with pytest.raises(ValidationError, match="start_month"):
        Cycle.fiscal_year(2027, start_month=13)
    with pytest.raises(
        ValidationError, match=r"Cycle.quarter: expected a quarter from 1 to 4, got 5"
    ):
        Cycle.quarter(2026, 5)
    with pytest.raises(ValidationError, match="Cycle.year"):
        Cycle.year(True)
    with pytest.raises(ValidationError, match="whole number"):
        Cycle.year(2026).shifted(1.5)
    assert str(Cycle.quarter(2026, 3)) == "2026-Q3 (2026-07-01..2026-09-30)"


# -- confidence ---------------------------------------------------------------------------


def test_confidence_probability_and_labels():
    assert ConfidenceRating(7).probability == 0.7
    assert ConfidenceRating(3).label is ConfidenceLabel.LOW
    assert ConfidenceRating(4).label is ConfidenceLabel.MEDIUM
    assert ConfidenceRating(6.9).label is ConfidenceLabel.MEDIUM
    assert ConfidenceRating(7).label is ConfidenceLabel.HIGH
    assert ConfidenceRating.from_probability(0.25) == ConfidenceRating(2.5)
    assert ConfidenceRating.from_label("high") == ConfidenceRating(8)
    assert ConfidenceRating.from_label(ConfidenceLabel.LOW).value == 2
    assert str(ConfidenceRating(7)) == "7/10"
    assert str(ConfidenceRating(7.5)) == "7.5/10"
    assert ConfidenceRating(3) < ConfidenceRating(4)


@pytest.mark.parametrize("bad", [-1, 10.5, float("nan"), "7", True, None])
def test_confidence_rejects(bad):
    with pytest.raises(ValidationError, match="ConfidenceRating.value"):
        ConfidenceRating(bad)


def test_confidence_adapters_reject():
    with pytest.raises(ValidationError, match="probability"):
        ConfidenceRating.from_probability(1.5)
    with pytest.raises(ValidationError, match="label"):
        ConfidenceRating.from_label("certain")


# -- check-ins and key results ------------------------------------------------------------


def test_check_in_converts_confidence():
    entry = CheckIn(3, date(2026, 7, 1), 7, "good week")
    assert entry.confidence == ConfidenceRating(7)
    assert CheckIn(3, date(2026, 7, 1), "low").confidence == ConfidenceRating(2)


def test_named_constructors_build_the_right_measure():
    metric = KeyResult.metric("Revenue", start=1, target=2, unit="M EUR", weight=2, id="rev")
    assert metric.measure == Metric(1, 2, unit="M EUR")
    assert (metric.kind, metric.weight, metric.id) == (KeyResultKind.METRIC, 2, "rev")
    assert KeyResult.binary("Launch", done=True).measure == Binary(True)
    assert KeyResult.threshold("Uptime", threshold=99.9).measure == Threshold(99.9, True, False)
    steps = KeyResult.milestones("Ship", milestones=["a", ("b", 2.0), Milestone("c", 0.5)])
    assert steps.measure == Milestones((Milestone("a"), Milestone("b", 2.0), Milestone("c", 0.5)))


def test_default_ids_are_stable_slugs():
    kr = KeyResult.metric("Gain 1,000 new customers in Q3", start=0, target=1000)
    assert kr.id == "gain-1-000-new-customers-in-q3"
    assert KeyResult.binary("🚀").id == KeyResult.binary("🚀").id
    assert KeyResult.binary("🚀").id.startswith("id-")
    assert Objective("Become a market leader in SaaS industry").id == (
        "become-a-market-leader-in-saas-industry"
    )


def test_check_in_returns_a_new_key_result():
    kr = KeyResult.metric("Revenue", start=0, target=10)
    later = kr.check_in(4, at=date(2026, 7, 5), confidence=6, note="first deals")
    assert kr.check_ins == ()
    assert later.check_ins == (CheckIn(4, date(2026, 7, 5), ConfidenceRating(6), "first deals"),)


def test_check_ins_are_sorted_and_the_later_given_wins_a_tie():
    kr = (
        KeyResult.metric("Revenue", start=0, target=10)
        .check_in(5, at=date(2026, 7, 10))
        .check_in(2, at=date(2026, 7, 1))
        .check_in(6, at=date(2026, 7, 10))
    )
    assert [c.value for c in kr.check_ins] == [2, 5, 6]
    assert kr.latest_check_in().value == 6


def test_latest_check_in_as_of_end_of_day():
    kr = (
        KeyResult.metric("Revenue", start=0, target=10)
        .check_in(1, at=date(2026, 7, 1))
        .check_in(2, at=datetime(2026, 7, 2, 18, 30))
    )
    assert kr.latest_check_in(date(2026, 6, 30)) is None
    assert kr.latest_check_in(date(2026, 7, 1)).value == 1
    assert kr.latest_check_in(date(2026, 7, 2)).value == 2  # end of that day
    assert kr.latest_check_in(datetime(2026, 7, 2, 12, 0)).value == 1
    assert kr.latest_check_in(datetime(2026, 7, 2, 18, 30)).value == 2
    assert [c.value for c in kr.check_ins_until(date(2026, 7, 1))] == [1]
    assert kr.check_ins_until() == kr.check_ins


def test_confidence_history():
    kr = (
        KeyResult.metric("Revenue", start=0, target=10)
        .check_in(1, at=date(2026, 7, 1), confidence=8)
        .check_in(2, at=date(2026, 7, 8))
        .check_in(3, at=date(2026, 7, 15), confidence=5)
    )
    assert kr.confidence(date(2026, 7, 10)) == ConfidenceRating(8)
    assert kr.confidence() == ConfidenceRating(5)
    assert kr.confidence(date(2026, 6, 1)) is None


def test_aware_datetimes_compare_in_utc():
    kr = KeyResult.metric("Revenue", start=0, target=10).check_in(
        3, at=datetime(2026, 7, 2, 1, 0, tzinfo=UTC)
    )
    assert kr.latest_check_in(datetime(2026, 7, 2, 0, 59, tzinfo=UTC)) is None
    assert kr.latest_check_in(date(2026, 7, 2)).value == 3


def test_naive_and_aware_do_not_mix():
    kr = KeyResult.metric("Revenue", start=0, target=10).check_in(1, at=datetime(2026, 7, 1, 9))
    with pytest.raises(ValidationError, match="all naive or all timezone-aware"):
        kr.check_in(2, at=datetime(2026, 7, 2, 9, tzinfo=UTC))
    with pytest.raises(ValidationError, match="as_of: expected a naive datetime"):
        kr.latest_check_in(datetime(2026, 7, 2, tzinfo=UTC))
    with pytest.raises(ValidationError, match="as_of"):
        kr.latest_check_in("2026-07-02")


def test_failed_check_in_leaves_the_key_result_unchanged():
    kr = KeyResult.binary("Launch")
    with pytest.raises(ValidationError, match=r"check_ins\[0\].value"):
        kr.check_in(0.5, at=date(2026, 7, 1))
    assert kr.check_ins == ()


def test_milestones_reach():
    kr = KeyResult.milestones("Ship", milestones=["design", "beta", "ga"])
    kr = kr.reach("beta", at=date(2026, 7, 1))
    assert kr.latest_check_in().value == 2
    with pytest.raises(ValidationError, match="one of 'design', 'beta', 'ga'"):
        kr.reach("launch", at=date(2026, 7, 1))
    with pytest.raises(ValidationError, match="a milestones key result"):
        KeyResult.binary("Launch").reach("x", at=date(2026, 7, 1))
    with pytest.raises(ValidationError, match="whole count from 0 to 3"):
        kr.check_in(4, at=date(2026, 7, 2))
    assert kr.check_in(3.0, at=date(2026, 7, 2)).latest_check_in().value == 3.0


def test_reaching_a_milestone_records_confidence_and_note_like_any_check_in():
    kr = KeyResult.milestones("Ship", milestones=["design", "beta", "ga"])
    kr = kr.reach("beta", at=date(2026, 7, 1), confidence="high", note="beta is out")
    latest = kr.latest_check_in()
    assert latest.confidence == ConfidenceRating.from_label("high")
    assert latest.note == "beta is out"
    assert kr.confidence() == ConfidenceRating.from_label("high")


def test_evolve_revalidates():
    kr = KeyResult.metric("Revenue", start=0, target=10)
    with pytest.raises(ValidationError, match="KeyResult.weight"):
        attrs.evolve(kr, weight=-1)
    assert attrs.evolve(kr, weight=3).weight == 3


# -- objectives ---------------------------------------------------------------------------


def test_objective_sentence():
    objective = Objective(
        "Win the Premier League",
        [KeyResult.binary("Win 30 games"), KeyResult.binary("Score 90 goals")],
    )
    assert objective.sentence == (
        "I will win the Premier League, as measured by Win 30 games and Score 90 goals."
    )
    assert Objective("Grow").sentence == "I will grow (no key results yet)."
    single = Objective("Grow", [KeyResult.binary("Hire")])
    assert single.sentence == "I will grow, as measured by Hire."


def test_objective_defaults():
    objective = Objective("Grow")
    assert objective.commitment is Commitment.ASPIRATIONAL
    assert objective.level is Level.TEAM
    assert objective.parent_id is None
    assert objective.key_results == ()


def test_objective_changes_by_copy():
    kr = KeyResult.metric("Revenue", start=0, target=10)
    objective = Objective("Grow", [kr])
    updated = objective.check_in("revenue", 5, at=date(2026, 7, 1))
    assert objective.key_result("revenue").check_ins == ()
    assert updated.key_result("revenue").latest_check_in().value == 5
    added = objective.with_key_result(KeyResult.binary("Hire"))
    assert [k.id for k in added.key_results] == ["revenue", "hire"]
    assert added.without_key_result("hire") == objective
    with pytest.raises(ValidationError, match="one of the ids 'revenue'"):
        objective.key_result("nope")


def test_objective_validation():
    kr = KeyResult.binary("Launch")
    with pytest.raises(ValidationError, match="used once"):
        Objective("Grow", [kr, kr])
    with pytest.raises(ValidationError, match="at least one weight > 0"):
        Objective("Grow", [KeyResult.binary("a", weight=0), KeyResult.binary("b", weight=0)])
    with pytest.raises(AlignmentError, match="aligned to itself"):
        Objective("Grow", id="grow", parent_id="grow")
    with pytest.raises(ValidationError, match="parent id"):
        Objective("Grow", parent_key_result_id="x")
    with pytest.raises(ValidationError, match="a KeyResult"):
        Objective("Grow", ["Launch"])
    with pytest.raises(ValidationError, match="a sequence of KeyResult"):
        Objective("Grow", kr)
    with pytest.raises(ValidationError, match=r"key_results\[1\]: expected a KeyResult"):
        Objective("Grow", [kr, "Launch"])


def test_key_results_may_come_from_any_iterable():
    launch, ship = KeyResult.binary("Launch"), KeyResult.binary("Ship")
    from_generator = Objective("Grow", (kr for kr in (launch, ship)))
    assert (
        from_generator.key_results
        == (launch, ship)
        == Objective("Grow", [launch, ship]).key_results
    )


def test_is_past():
    objective = Objective("Grow", cycle=Q3)
    assert objective.is_past(date(2026, 10, 1))
    assert not objective.is_past(datetime(2026, 9, 30, 23))
    assert not Objective("Grow").is_past(date(2030, 1, 1))


# -- check-in histories -------------------------------------------------------------------


def _history():
    return [
        CheckIn(3.0, date(2026, 7, 9), ConfidenceRating(6), "late"),
        CheckIn(1.0, date(2026, 7, 2)),
        CheckIn(2.0, date(2026, 7, 5), note="mid"),
    ]


def test_check_ins_are_kept_sorted_with_their_confidence_and_note():
    history = CheckIns(_history())
    assert [item.value for item in history] == [1.0, 2.0, 3.0]
    assert history[0] == CheckIn(1.0, date(2026, 7, 2))
    assert history[-1] == CheckIn(3.0, date(2026, 7, 9), ConfidenceRating(6), "late")
    assert history[1].note == "mid"
    assert history[1:] == (history[1], history[2])
    assert history.values == (1.0, 2.0, 3.0)
    with pytest.raises(IndexError):
        history[3]


def test_columns_give_the_same_history_as_objects():
    given = _history()
    columns = CheckIns.from_columns(
        [item.value for item in given],
        [item.at for item in given],
        confidences=[item.confidence for item in given],
        notes=[item.note for item in given],
    )
    assert columns == CheckIns(given)
    assert hash(columns) == hash(CheckIns(given))
    assert columns == tuple(CheckIns(given))
    assert columns == list(CheckIns(given))
    assert columns != tuple(given)  # a tuple in the given order, not by date
    assert columns != CheckIns(given[:2])
    assert columns != (1, 2, 3)
    assert (columns == "abc") is False
    assert repr(columns) == repr(tuple(columns))


def test_columns_accept_numbers_from_integers_confidence_from_numbers_and_labels():
    history = CheckIns.from_columns(
        [1, 2], [date(2026, 7, 1), date(2026, 7, 2)], confidences=[7, "low"]
    )
    assert history[0].confidence == ConfidenceRating(7)
    assert history[1].confidence == ConfidenceRating.from_label("low")
    assert history.values == (1, 2)
    bools = CheckIns.from_columns([True], [date(2026, 7, 1)])
    assert KeyResult.binary("b", check_ins=bools).latest_value() is True
    with pytest.raises(ValidationError, match="a number for a metric"):
        KeyResult.metric("m", start=0, target=1, check_ins=bools)


def test_histories_with_datetimes_find_values_by_moment():
    morning = datetime(2026, 7, 1, 9, 0)
    evening = datetime(2026, 7, 1, 18, 0)
    kr = KeyResult.metric(
        "m", start=0, target=10, check_ins=CheckIns.from_columns([8.0, 4.0], [evening, morning])
    )
    assert kr.latest_value(datetime(2026, 7, 1, 12, 0)) == 4.0
    assert kr.latest_value(date(2026, 7, 1)) == 8.0
    assert kr.latest_value(date(2026, 6, 30)) is None
    assert kr.check_ins.latest_value(evening) == 8.0
    assert kr.check_ins.until(morning - timedelta(microseconds=1)) == ()
    assert kr.check_ins.latest(morning) == CheckIn(4.0, morning)


def test_a_key_result_keeps_a_history_it_is_given():
    history = CheckIns(_history())
    kr = KeyResult.metric("m", start=0, target=10, check_ins=history)
    # The same columns, named after the key result in its messages: nothing is copied.
    assert kr.check_ins._values is history._values
    assert kr.check_ins == history
    owned = KeyResult.metric("n", start=0, target=10, check_ins=kr.check_ins)
    assert owned.check_ins._owner == "n"
    assert kr.check_ins._owner == "m"
    assert kr == KeyResult.metric("m", start=0, target=10, check_ins=_history())
    assert kr.latest_value() == 3.0
    assert KeyResult.metric("m", start=0, target=10).latest_value() is None
