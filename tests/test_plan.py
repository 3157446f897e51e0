"""Planned progress: pace against a plan, with the straight line beside it."""

from datetime import UTC, date, datetime, timedelta

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from helpers import JULY, Q3
from okrkpi import (
    AlignmentTree,
    KeyResult,
    KeyResultKind,
    Objective,
    PlannedValue,
    Status,
    ValidationError,
    explain_status,
    status,
)
from okrkpi.serde import from_dict, to_dict
from okrkpi.testing import cycles, key_results, objectives

# Sales close at the end of the quarter: 10% by the end of August, 40% by mid-September.
BACK_LOADED = [(date(2026, 8, 31), 10), (date(2026, 9, 15), 40)]
MID_AUGUST = date(2026, 8, 15)


def sales(plan=None, value=8.0):
    kr = KeyResult.metric("Sales", start=0, target=100, plan=plan, id="sales")
    return kr.check_in(value, at=date(2026, 8, 10))


def test_a_back_loaded_plan_is_on_track_where_the_straight_line_is_behind():
    planned, straight = sales(BACK_LOADED, 40.0), sales(None, 40.0)
    assert status(planned, Q3, as_of=MID_AUGUST) is Status.ON_TRACK
    assert status(straight, Q3, as_of=MID_AUGUST) is Status.BEHIND
    explained = explain_status(planned, Q3, as_of=MID_AUGUST)
    # Mid-August is 45 of 91 days in; the plan interpolates 0 -> 10 over July and August.
    assert explained.expected == pytest.approx(45 / 61 * 0.10)
    assert explained.straight_line == pytest.approx(45 / 91)
    assert explained.planned_value == pytest.approx(45 / 61 * 10)
    text = explained.explanation
    assert f"{explained.expected:.2f}" in text
    assert f"{explained.straight_line:.2f}" in text
    assert "planned value 7.377 on" in text  # computed: four significant digits


def test_the_plan_reaches_the_tree_and_the_objective_status():
    objective = Objective("Grow", [sales(BACK_LOADED, 40.0)], id="grow", cycle=Q3)
    straight = Objective("Flat", [sales(None, 40.0)], id="flat", cycle=Q3)
    tree = AlignmentTree([objective, straight])
    assert tree.status(MID_AUGUST) == {"grow": Status.ON_TRACK, "flat": Status.BEHIND}
    assert status(objective, as_of=MID_AUGUST) is Status.ON_TRACK
    explained = explain_status(objective, as_of=MID_AUGUST)
    assert explained.status is Status.ON_TRACK
    assert [part.subject for part in explained.parts] == ["KeyResult 'sales'"]
    assert "plan" in explained.explanation


def test_between_plan_points_the_expected_value_is_linear_and_holds_the_target_at_the_end():
    metric = sales(BACK_LOADED).measure
    assert metric.planned(Q3, date(2026, 8, 31)).planned_value == pytest.approx(10)
    assert metric.planned(Q3, date(2026, 9, 8)).planned_value == pytest.approx(10 + 30 * 8 / 15)
    assert metric.planned(Q3, date(2026, 9, 15)).planned_value == pytest.approx(40)
    assert metric.planned(Q3, Q3.end).planned_value == pytest.approx(100)
    assert metric.planned(Q3, Q3.start).expected == 0.0
    assert metric.planned(Q3, date(2026, 12, 1)).expected == 1.0


@given(
    key_results(kinds=[KeyResultKind.METRIC]),
    cycles(),
    st.integers(-5, 400),
    st.lists(st.integers(0, 400), max_size=4, unique=True),
)
def test_a_plan_on_the_straight_line_changes_no_status(kr, cycle, offset, plan_days):
    span = (cycle.end - cycle.start).days
    assume(span > 0)
    metric, as_of = kr.measure, cycle.start + timedelta(days=offset)
    on_the_line = [
        (cycle.start + timedelta(days=d), metric.start + (metric.target - metric.start) * d / span)
        for d in plan_days
        if d <= span
    ]
    straight = attrs.evolve(kr, measure=attrs.evolve(metric, plan=()))
    planned = attrs.evolve(kr, measure=attrs.evolve(metric, plan=on_the_line))
    position = planned.measure.planned(cycle, as_of)
    assert position.expected == cycle.elapsed(as_of)  # exactly, not up to rounding
    assert status(planned, cycle, as_of=as_of) is status(straight, cycle, as_of=as_of)


def test_a_plan_sampling_the_line_keeps_a_status_on_the_edge():
    # 55 of 91 on day 55 of a 91-day span is exactly on pace: ON_TRACK, plan or not.
    line = [(date(2026, 7, 31), 30), (date(2026, 8, 30), 60)]
    planned = KeyResult.metric("k", start=0, target=91, plan=line).check_in(55, at=JULY)
    straight = KeyResult.metric("k", start=0, target=91).check_in(55, at=JULY)
    day = date(2026, 8, 25)
    assert status(straight, Q3, as_of=day) is Status.ON_TRACK
    assert status(planned, Q3, as_of=day) is Status.ON_TRACK


def test_planned_days_outside_the_cycle_are_left_out():
    # A point in December says nothing about Q3: its end is at the target, as implied.
    metric = KeyResult.metric("k", start=0, target=10, plan=[(date(2026, 12, 1), 5)]).measure
    august = metric.planned(Q3, date(2026, 8, 1))
    assert august.expected == august.straight_line
    assert metric.planned(Q3, Q3.end).planned_value == 10
    before = KeyResult.metric("k", start=0, target=10, plan=[(date(2026, 6, 1), 8)]).measure
    assert before.planned(Q3, Q3.start).planned_value == 0


@given(objectives(), st.integers(-10, 120))
def test_the_explained_status_is_the_status(objective, offset):
    assume(objective.cycle is not None)
    as_of = objective.cycle.start + timedelta(days=offset)
    explained = explain_status(objective, as_of=as_of)
    assert explained.status is status(objective, as_of=as_of)
    for kr, part in zip(objective.key_results, explained.parts, strict=True):
        assert part.status is status(
            kr, objective.cycle, as_of=as_of, commitment=objective.commitment
        )
        assert 0.0 <= part.expected <= 1.0
        assert (part.planned_value is None) == (not getattr(kr.measure, "plan", ()))


@pytest.mark.parametrize(
    ("plan", "path"),
    [
        ([(date(2026, 8, 1), 1), (date(2026, 8, 1), 2)], "Metric.plan.at"),
        ([(date(2026, 8, 1), float("nan"))], "PlannedValue.value"),
        ([(date(2026, 8, 1), True)], "PlannedValue.value"),
        ([("2026-08-01", 1)], r"Metric.plan\[0\]\.at"),
        ([(date(2026, 8, 1),)], r"Metric.plan\[0\]"),
        ("soon", "Metric.plan"),
    ],
)
def test_bad_plans_are_refused_naming_the_field(plan, path):
    with pytest.raises(ValidationError, match=path):
        KeyResult.metric("Sales", start=0, target=100, plan=plan)


def test_a_planned_value_whose_progress_overflows_is_refused():
    with pytest.raises(ValidationError, match=r"Metric.plan\[0\].value: expected a value whose"):
        KeyResult.metric("Tiny", start=0, target=1e-300, plan=[(date(2026, 8, 1), 1.7e308)])


def test_plans_are_sorted_and_accept_pairs_mappings_and_values():
    kr = KeyResult.metric(
        "Sales",
        start=0,
        target=100,
        plan=[{"at": date(2026, 9, 1), "value": 50}, PlannedValue(date(2026, 8, 1), 10)],
    )
    assert [point.at for point in kr.measure.plan] == [date(2026, 8, 1), date(2026, 9, 1)]
    assert from_dict(to_dict(kr), KeyResult) == kr


def test_a_bad_plan_in_a_document_names_its_path():
    data = {
        "title": "Sales",
        "measure": {
            "kind": "metric",
            "start": 0,
            "target": 9,
            "plan": [{"at": "2026-08-01", "value": "x"}],
        },
    }
    with pytest.raises(ValidationError, match=r"measure\.plan\[0\]\.value: expected a number"):
        from_dict(data, KeyResult)


def test_explain_status_checks_its_arguments():
    with pytest.raises(ValidationError, match="explain_status.as_of"):
        explain_status(sales(), Q3, as_of="2026-08-15")
    with pytest.raises(ValidationError, match="explain_status.subject"):
        explain_status("sales", Q3, as_of=MID_AUGUST)
    with pytest.raises(ValidationError, match="explain_status.cycle"):
        explain_status(sales(), as_of=MID_AUGUST)


def test_explanations_before_after_and_at_completion():
    before = explain_status(sales(), Q3, as_of=date(2026, 6, 1))
    assert before.status is Status.NOT_STARTED
    assert "starts 2026-07-01" in before.reason
    done = explain_status(sales(value=100), Q3, as_of=MID_AUGUST)
    assert done.status is Status.ACHIEVED
    after = explain_status(Objective("Grow", [sales()], cycle=Q3), as_of=Q3.end)
    assert after.final
    assert after.status is Status.MISSED
    assert "not met" in str(after)


def test_a_forecast_reads_the_plan_beside_the_trend():
    from okrkpi import forecast

    kr = sales(BACK_LOADED, 12.0)
    projected = forecast(kr, Q3, as_of=MID_AUGUST)
    planned_now = kr.measure.planned(Q3, MID_AUGUST).planned_value
    assert projected.planned_value == pytest.approx(planned_now)
    # 12 today, and the plan still adds 100 - planned_now by the end.
    assert projected.on_plan_value == pytest.approx(12 + 100 - planned_now)
    assert projected.projected_value < 100 < projected.on_plan_value  # the trend is gloomier
    plain = forecast(sales(None, 12.0), Q3, as_of=MID_AUGUST)
    assert plain.planned_value is None
    assert plain.on_plan_value is None


# -- a plan is by the day: a zone-less midnight is that day, other datetimes are refused --

_BY_THE_DAY = "a timestamp at midnight without a time zone (that day)"


@pytest.mark.parametrize(
    ("plan", "path"),
    [
        ([(datetime(2026, 8, 1, 12), 50)], r"Metric\.plan\[0\]\.at"),
        ([{"at": datetime(2026, 8, 1, 0, 0, 1), "value": 50}], r"Metric\.plan\[0\]\.at"),
        ([(date(2026, 8, 1), 50), (datetime(2026, 8, 15, 9), 60)], r"Metric\.plan\[1\]\.at"),
        ([(datetime(2026, 8, 15, 9, tzinfo=UTC), 60), (date(2026, 8, 1), 50)], r"plan\[0\]\.at"),
        ([(datetime(2026, 8, 15, tzinfo=UTC), 60)], r"plan\[0\]\.at"),  # midnight, but where?
        ([("2026-08-15", 60)], r"plan\[0\]\.at"),
    ],
)
def test_a_plan_point_at_a_time_of_day_or_in_a_zone_is_refused_by_its_position(plan, path):
    with pytest.raises(ValidationError, match=path) as caught:
        KeyResult.metric("Sales", start=0, target=100, plan=plan)
    assert _BY_THE_DAY in str(caught.value)


def test_a_planned_value_given_a_time_of_day_is_refused():
    with pytest.raises(ValidationError, match=r"PlannedValue\.at.*not the time"):
        PlannedValue(datetime(2026, 8, 1, 12), 50)


def test_a_zone_less_midnight_is_that_day_in_a_plan_as_in_tables():
    # The rule of tables (`from_frames` reads frames' midnight timestamps as days) is the
    # model's: a plan built from a frame's column needs no `.date()` first.
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    by_day = sales([(date(2026, 8, 1), 5.0)]).measure.plan
    for moment in (
        datetime(2026, 8, 1),
        pd.Timestamp("2026-08-01"),
        np.datetime64("2026-08-01"),
        np.datetime64("2026-08-01T00:00:00.000000000"),
    ):
        kr = KeyResult.metric("Sales", start=0, target=100, plan=[(moment, 5)])
        assert kr.measure.plan == by_day
        assert type(kr.measure.plan[0].at) is date
    assert PlannedValue(pd.Timestamp("2026-08-01"), 5).at == date(2026, 8, 1)


def test_numpy_and_pandas_values_that_name_no_day_are_refused():
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    for moment in (
        np.datetime64("2026-08-01T09:00"),
        np.datetime64("2026-08-01T00:00:00.000000001"),  # a nanosecond past midnight
        np.datetime64("NaT"),
        np.datetime64("2026-08"),  # a month, not a day
        np.datetime64("12026-08-01"),  # past what a date holds
        pd.NaT,
        pd.Timestamp("2026-08-01", tz="UTC"),
        pd.Timestamp("2026-08-01") + pd.Timedelta(nanoseconds=1),  # not quite midnight
        np.datetime64("1850-01-01"),  # outside the plausible years
    ):
        with pytest.raises(ValidationError, match=r"Metric\.plan\[0\]\.at"):
            KeyResult.metric("Sales", start=0, target=100, plan=[(moment, 5)])


def test_a_dated_plan_round_trips_through_documents_and_tables():
    from okrkpi.serde import Document, dumps, loads
    from okrkpi.tables import from_frames, to_frames

    kr = sales(BACK_LOADED)
    document = Document((Objective("Sell", [kr], cycle=Q3),))
    assert loads(dumps(document), Document) == document
    assert from_frames(**to_frames(document)) == document
    assert status(kr, Q3, as_of=MID_AUGUST) is status(
        loads(dumps(document), Document).objectives[0].key_results[0], Q3, as_of=MID_AUGUST
    )
