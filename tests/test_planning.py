"""Across cycles: carry-over, closing, forecasts and confidence calibration."""

import math
import sys
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import attrs
import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import Q3
from okrkpi import (
    AlignmentTree,
    Binary,
    Commitment,
    ConfidenceRating,
    Cycle,
    KeyResult,
    Metric,
    Objective,
    OkrKpiError,
    ValidationError,
    brier_score,
    calibration,
    carry_over,
    close,
    forecast,
    forecast_objective,
    forecast_tree,
    score,
)
from okrkpi.testing import days, objectives, trees


def quarter_objective():
    revenue = KeyResult.metric("Revenue", start=0, target=100).check_in(60, at=date(2026, 9, 1))
    launched = KeyResult.binary("Launch").check_in(True, at=date(2026, 8, 1))
    pending = KeyResult.binary("Hire")
    hit = KeyResult.metric("Signups", start=0, target=10).check_in(12, at=date(2026, 9, 2))
    steps = KeyResult.milestones("Ship", milestones=["a", "b", "c"]).check_in(
        1, at=date(2026, 8, 1)
    )
    guard = KeyResult.threshold("Uptime", threshold=99.9).check_in(99.95, at=date(2026, 9, 1))
    return Objective(
        "Grow", [revenue, launched, pending, hit, steps, guard], id="grow", cycle=Q3,
        owner="CEO", parent_id=None,
    )  # fmt: skip


def test_carry_over_rules_per_kind():
    original = quarter_objective()
    carried = carry_over(original)
    assert carried.cycle == Cycle.quarter(2026, 4)
    assert carried.id == "grow-2026-q4"
    assert carried.carried_over_from == "grow"
    assert carried.owner == "CEO"
    kinds = {kr.id: kr.measure for kr in carried.key_results}
    assert set(kinds) == {"revenue", "hire", "ship", "uptime"}  # launch done, signups hit
    assert kinds["revenue"] == Metric(60.0, 100)
    assert kinds["hire"] == Binary(False)
    assert [m.name for m in kinds["ship"].milestones] == ["b", "c"]
    assert all(kr.check_ins == () for kr in carried.key_results)


def test_carry_over_as_of_and_explicit_target():
    original = quarter_objective()
    early = carry_over(original, to=Cycle.year(2027), as_of=date(2026, 7, 15), id="grow-next")
    assert early.id == "grow-next"
    assert {kr.id for kr in early.key_results} >= {"launch", "signups"}  # not done back then
    assert early.key_result("revenue").measure.start == 0


def test_carry_over_refuses_when_nothing_is_left():
    done = Objective("Done", [KeyResult.binary("x", done=True)], cycle=Q3)
    with pytest.raises(ValidationError, match="an unfinished key result"):
        carry_over(done)
    with pytest.raises(ValidationError, match="carry_over.to"):
        carry_over(Objective("No cycle"))
    with pytest.raises(ValidationError, match="carry_over.to"):
        carry_over(done, to="2026-Q4")
    with pytest.raises(ValidationError, match="carry_over.objective"):
        carry_over("grow")
    all_steps = KeyResult.milestones("s", milestones=["a"]).check_in(1, at=date(2026, 8, 1))
    with pytest.raises(ValidationError):
        carry_over(Objective("o", [all_steps], cycle=Q3))


@given(objectives())
def test_carry_over_never_changes_the_original(objective):
    snapshot = attrs.evolve(objective)
    try:
        carried = carry_over(objective)
    except ValidationError:
        carried = None
    assert objective == snapshot
    if carried is not None:
        assert carried.carried_over_from == objective.id
        assert len(carried.key_results) <= len(objective.key_results)


def test_close_keeps_computed_and_override():
    objective = quarter_objective()
    closed = close(objective, on=date(2026, 9, 30))
    assert closed.objective.closed_on == date(2026, 9, 30)
    assert objective.closed_on is None
    assert closed.final == closed.computed.value == score(objective, as_of=date(2026, 9, 30)).value
    assert len(closed.key_result_scores) == 6
    overridden = close(objective, on=date(2026, 9, 30), override=0.8, reason="deal signed Oct 1")
    assert overridden.final == 0.8
    assert overridden.computed == closed.computed
    assert overridden.reason == "deal signed Oct 1"
    with pytest.raises(ValidationError, match="close.reason"):
        close(objective, on=date(2026, 9, 30), override=0.8)
    with pytest.raises(ValidationError, match="close.override"):
        close(objective, on=date(2026, 9, 30), override=1.5, reason="x")
    with pytest.raises(ValidationError, match="close.override"):
        close(objective, on=date(2026, 9, 30), override="high", reason="x")
    with pytest.raises(ValidationError, match="close.on"):
        close(objective, on="2026-09-30")
    with pytest.raises(ValidationError, match="close.objective"):
        close(None, on=date(2026, 9, 30))


def test_forecast_example():
    kr = (
        KeyResult.metric("Revenue", start=0, target=90)
        .check_in(10, at=date(2026, 7, 11))
        .check_in(20, at=date(2026, 7, 21))
    )
    result = forecast(kr, Q3, as_of=date(2026, 7, 21))
    assert result.slope_per_day == pytest.approx(1.0)
    assert result.projected_value == pytest.approx(
        20 + (date(2026, 9, 30) - date(2026, 7, 21)).days
    )
    assert result.projected_score == 1.0
    assert result.required_per_day == pytest.approx((90 - 20) / 71)
    assert result.points == 2
    one = forecast(KeyResult.metric("r", start=0, target=100).check_in(10, at=date(2026, 7, 11)),
                   Q3, as_of=date(2026, 7, 11))  # fmt: skip
    assert one.points == 2  # the baseline joins the single check-in
    assert one.projected_value == pytest.approx(91.0)
    none = forecast(KeyResult.metric("r", start=5, target=10), Q3, as_of=date(2026, 9, 30))
    assert (none.projected_value, none.required_per_day, none.points) == (5.0, None, 0)
    with pytest.raises(ValidationError, match="metric"):
        forecast(KeyResult.binary("b"), Q3, as_of=date(2026, 7, 1))
    with pytest.raises(ValidationError, match="forecast.cycle"):
        forecast(kr, "Q3", as_of=date(2026, 7, 1))


@given(
    st.floats(-50, 50, allow_nan=False),
    st.floats(-5, 5, allow_nan=False),
    st.lists(st.integers(0, 90), min_size=2, max_size=8, unique=True),
)
def test_perfectly_linear_history_projects_exactly(intercept, slope, offsets):
    kr = KeyResult.metric("m", start=-1000, target=1000)
    for offset in offsets:
        kr = kr.check_in(intercept + slope * offset, at=Q3.start + timedelta(days=offset))
    result = forecast(kr, Q3, as_of=Q3.end - timedelta(days=1))  # the day before the end
    assert result.projected_value == pytest.approx(
        intercept + slope * (Q3.end - Q3.start).days, abs=1e-6
    )
    assert result.slope_per_day == pytest.approx(slope, abs=1e-9)


def test_forecast_objective_rolls_up_projections():
    objective = Objective(
        "Grow",
        [
            KeyResult.metric("a", start=0, target=91).check_in(10, at=date(2026, 7, 11)),
            KeyResult.binary("b", done=True),
        ],
        cycle=Q3,
    )
    assert forecast_objective(objective, as_of=date(2026, 7, 11)) == pytest.approx((1.0 + 1.0) / 2)
    assert forecast_objective(Objective("Empty", cycle=Q3), as_of=date(2026, 7, 1)) == 0.0
    with pytest.raises(ValidationError, match="cycle"):
        forecast_objective(Objective("x"), as_of=date(2026, 7, 1))


def test_forecast_tree_rolls_projections_up_by_the_tree_rules():
    revenue = (
        KeyResult.metric("revenue", start=0, target=92, id="revenue")
        .check_in(10, at=date(2026, 7, 11))
        .check_in(20, at=date(2026, 7, 21))
        .check_in(99, at=date(2026, 8, 30))  # not known yet on the day of the forecast
    )
    team = Objective("Team", [revenue], id="team", parent_id="company", cycle=Q3)
    launch = KeyResult.binary("launch", id="launch")
    company = Objective("Company", [launch], id="company", cycle=Q3)
    done = Objective(
        "Last quarter",
        [KeyResult.metric("old", start=0, target=10, id="old").check_in(4, at=date(2026, 6, 1))],
        id="done",
        cycle=Cycle.quarter(2026, 2),
    )
    tree = AlignmentTree([company, team, done])
    projected = forecast_tree(tree, as_of=date(2026, 7, 21))
    expected_value = 20 + (date(2026, 9, 30) - date(2026, 7, 21)).days  # 1 a day
    assert projected.progress("team") == pytest.approx(expected_value / 92)
    assert projected["team"].parts[0].inputs["current"] == pytest.approx(expected_value)
    assert projected.value("company") == 0.0  # own key results only, by default
    assert projected.value("done") == pytest.approx(0.4)  # over: what was known
    rolled = forecast_tree(tree, as_of=date(2026, 7, 21), rollup="children")
    assert rolled.value("company") == pytest.approx(expected_value / 92)  # its one child
    assert tree["team"].key_result("revenue").latest_value() == 99  # the tree is unchanged
    with pytest.raises(ValidationError, match=r"forecast_tree\.tree"):
        forecast_tree([company], as_of=date(2026, 7, 21))
    with pytest.raises(ValidationError, match=r"forecast_tree\.as_of"):
        forecast_tree(tree, as_of="2026-07-21")


@given(trees(), days())
def test_forecast_tree_scores_every_objective_within_bounds(tree, as_of):
    projected = forecast_tree(tree, as_of=as_of)
    assert list(projected) == [objective.id for objective in tree]
    assert all(0.0 <= projected.value(oid) <= 1.0 for oid in projected)


def _kr(name, met, confidence):
    kr = KeyResult.binary(name).check_in(False, at=date(2026, 7, 1), confidence=confidence)
    return kr.check_in(True, at=date(2026, 9, 1)) if met else kr


def test_calibration_table_and_brier():
    krs = [_kr(f"k{i}", i < 7, 7) for i in range(10)] + [_kr(f"l{i}", i < 1, 2) for i in range(5)]
    objective = Objective("o", krs, cycle=Q3, commitment=Commitment.COMMITTED)
    result = calibration([objective], buckets=5)
    assert result.count == 15
    high = result.buckets[3]
    assert (high.low, high.count, high.stated, high.observed) == (pytest.approx(0.6), 10, 0.7, 0.7)
    low = result.buckets[1]
    assert (low.count, low.observed) == (5, 0.2)
    assert result.buckets[0].count == 0
    expected = (7 * 0.3**2 + 3 * 0.7**2 + 1 * 0.8**2 + 4 * 0.2**2) / 15
    assert result.brier == pytest.approx(expected)
    assert calibration([Objective("none", cycle=Q3)]).brier is None  # no data, no score
    with pytest.raises(ValidationError, match="buckets"):
        calibration([objective], buckets=0)
    with pytest.raises(ValidationError, match="cycle"):
        calibration([Objective("x", krs[:1])])


@given(st.lists(st.booleans(), min_size=1, max_size=30))
def test_perfect_forecasters_score_zero(outcomes):
    assert brier_score([(1.0 if met else 0.0, met) for met in outcomes]) == 0.0
    assert brier_score([(0.0 if met else 1.0, met) for met in outcomes]) == 1.0


def test_brier_rejects_bad_input():
    with pytest.raises(ValidationError, match="at least one pair"):
        brier_score([])
    with pytest.raises(ValidationError, match="probability"):
        brier_score([(1.2, True)])


def test_confidence_scales_round_trip():
    for rating in range(11):
        assert ConfidenceRating.from_probability(
            ConfidenceRating(rating).probability
        ).value == pytest.approx(rating)


def test_a_forecast_of_extreme_values_stays_finite_and_a_tree_of_them_projects():
    import math

    from okrkpi import AlignmentTree, forecast_tree

    q3 = Cycle.quarter(2026, 3)
    kr = KeyResult.metric("m", start=0, target=1e300)
    kr = kr.check_in(-1e300, at=date(2026, 7, 2)).check_in(1e300, at=date(2026, 7, 3))
    ahead = forecast(kr, q3, as_of=date(2026, 7, 3))
    assert math.isfinite(ahead.projected_value)
    assert math.isfinite(ahead.projected_progress)
    assert ahead.projected_score == 1.0
    tree = AlignmentTree([Objective("o", [kr], id="o", cycle=q3)])
    assert forecast_tree(tree, as_of=date(2026, 7, 3)).value("o") == 1.0


def test_a_trend_too_steep_for_a_float_keeps_its_sign_and_its_way():
    q3 = Cycle.quarter(2026, 3)
    kr = KeyResult.metric("m", start=0, target=1)
    kr = kr.check_in(-1e308, at=date(2026, 7, 2)).check_in(1e308, at=date(2026, 7, 3))
    steep = forecast(kr, q3, as_of=date(2026, 7, 3))
    assert steep.slope_per_day == sys.float_info.max  # 2e308 a day, as far as a float goes
    assert steep.projected_progress == 1e6  # rising, past target: the farthest projection
    # Far below zero, already past target and rising: the projection is past target too.
    past = KeyResult.metric("m", start=-1e308, target=0).check_in(5e307, at=date(2026, 8, 1))
    ahead = forecast(past, q3, as_of=date(2026, 8, 1))
    assert ahead.projected_progress > 1.5
    assert math.isfinite(ahead.projected_value)
    assert ahead.projected_value > 5e307


@given(
    st.floats(-1.7e308, 1.7e308),
    st.floats(-1.7e308, 1.7e308),
    st.lists(st.floats(-1.7e308, 1.7e308), min_size=1, max_size=4),
    st.integers(0, 91),
)
def test_every_forecast_number_is_finite(start, target, values, offset):
    q3 = Cycle.quarter(2026, 3)
    try:
        kr = KeyResult.metric("m", start=start, target=target)
        for day, value in enumerate(values):
            kr = kr.check_in(value, at=q3.start + timedelta(days=day))
    except OkrKpiError:
        return
    result = forecast(kr, q3, as_of=q3.start + timedelta(days=offset))
    numbers = [
        result.projected_value,
        result.projected_progress,
        result.projected_score,
        result.slope_per_day,
    ]
    if result.required_per_day is not None:
        numbers.append(result.required_per_day)
    assert all(math.isfinite(number) for number in numbers), result


def test_a_forecast_counts_what_its_cycle_counts():
    q1 = Cycle.quarter(2026, 1)
    late = KeyResult.metric("C", start=0, target=100).check_in(87, at=date(2026, 3, 20))
    late = late.check_in(120, at=date(2026, 4, 2))  # after the cycle: does not count
    done_late = KeyResult.binary("b").check_in(True, at=date(2026, 4, 5))
    grow = Objective("Grow", [late], cycle=q1, id="g")
    after = date(2026, 4, 10)
    assert forecast_objective(grow, as_of=after) == score(grow).value == 0.87
    assert forecast_tree(AlignmentTree([grow]), as_of=after).value("g") == 0.87
    assert forecast_objective(Objective("B", [done_late], cycle=q1), as_of=after) == 0.0
    # The latest check-in before the cycle is where it starts: no trend down to the 1st.
    early = KeyResult.metric("x", start=0, target=90).check_in(30, at=date(2025, 12, 1))
    flat = forecast(early, q1, as_of=date(2026, 2, 1))
    assert (flat.projected_value, flat.slope_per_day) == (30.0, 0.0)
    rising = forecast(early.check_in(60, at=date(2026, 2, 1)), q1, as_of=date(2026, 2, 1))
    assert rising.slope_per_day == pytest.approx(30 / 31)


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda: forecast("kr", Cycle.quarter(2026, 1), as_of=date(2026, 2, 1)), "key_result"),
        (lambda: forecast(KeyResult.metric("m", start=0, target=1), Q3, as_of=None), "as_of"),
        (lambda: forecast_objective("o", as_of=date(2026, 2, 1)), "objective"),
        (lambda: forecast_objective(Objective("o", [], cycle=Q3), as_of=None), "as_of"),
    ],
)
def test_forecasts_refuse_bad_arguments_by_name(call, path):
    with pytest.raises(ValidationError, match=path):
        call()


# -- carrying a whole tree over ------------------------------------------------------------


def _tree_to_carry():
    from okrkpi import AlignmentTree

    q1 = Cycle.quarter(2026, 1)
    done = KeyResult.binary("Ship", id="ship").check_in(True, at=date(2026, 3, 1))
    half = KeyResult.metric("Customers", start=0, target=100, id="cust")
    half = half.check_in(40, at=date(2026, 3, 1))
    objectives = [
        Objective("Company", [half], id="co", cycle=q1),
        Objective("Finished team", [done], id="done", parent_id="co", cycle=q1),
        Objective("Team", [half], id="team", parent_id="co", parent_key_result_id="cust", cycle=q1),
        Objective("Person", [half], id="me", parent_id="done", cycle=q1),
        Objective("Nowhere", [half], id="free"),
    ]
    return AlignmentTree(objectives)


def test_carrying_a_tree_over_relinks_children_and_skips_the_finished():
    from okrkpi import carry_over_tree

    result = carry_over_tree(_tree_to_carry())
    new = result.tree
    assert [o.id for o in new] == ["co-2026-q2", "team-2026-q2", "me-2026-q2"]
    assert new["team-2026-q2"].parent_id == "co-2026-q2"
    assert new["team-2026-q2"].parent_key_result_id == "cust"
    assert new["me-2026-q2"].parent_id == "co-2026-q2"  # its parent was finished
    assert dict(result.skipped) == {
        "done": "finished: every key result that counts is done",
        "free": "no cycle to carry over from (pass to=)",
    }
    assert dict(result.relinked) == {
        "me-2026-q2": "parent 'done' was finished; aligned to 'co-2026-q2' instead"
    }
    assert new["co-2026-q2"].key_results[0].measure.start == 40.0
    assert all(o.cycle == Cycle.quarter(2026, 2) for o in new)
    assert {o.carried_over_from for o in new} == {"co", "team", "me"}


def test_carrying_a_tree_to_a_given_cycle_takes_objectives_without_one():
    from okrkpi import carry_over_tree

    h2 = Cycle("2026-H2", date(2026, 7, 1), date(2026, 12, 31))
    result = carry_over_tree(_tree_to_carry(), to=h2)
    assert "free-2026-h2" in result.tree
    assert result.tree["free-2026-h2"].parent_id is None
    with pytest.raises(ValidationError, match="carry_over_tree.tree"):
        carry_over_tree([])
    with pytest.raises(ValidationError, match="carry_over_tree.to"):
        carry_over_tree(_tree_to_carry(), to="2026-Q2")


def test_a_finished_root_leaves_its_children_aligned_to_nothing():
    from okrkpi import AlignmentTree, carry_over_tree

    q1 = Cycle.quarter(2026, 1)
    done = KeyResult.binary("Ship", id="ship").check_in(True, at=date(2026, 3, 1))
    open_kr = KeyResult.binary("Hire", id="hire")
    tree = AlignmentTree(
        [
            Objective("Root", [done], id="root", cycle=q1),
            Objective("Child", [open_kr], id="child", parent_id="root", cycle=q1),
        ]
    )
    result = carry_over_tree(tree)
    assert result.tree["child-2026-q2"].parent_id is None
    assert result.relinked["child-2026-q2"] == "parent 'root' was finished; aligned to nothing"


def test_check_ins_after_the_cycle_do_not_decide_what_is_carried():
    q1 = Cycle.quarter(2026, 1)
    kr = KeyResult.binary("Ship", id="ship").check_in(True, at=date(2026, 4, 10))
    carried = carry_over(Objective("o", [kr], id="o", cycle=q1))
    assert carried.key_results[0].id == "ship"


@pytest.mark.parametrize(
    "seven_tenths", [0.7, Decimal("0.7"), Fraction(7, 10), numpy.float32(0.75)], ids=repr
)
def test_an_override_is_any_real_number_stored_as_a_float(seven_tenths):
    objective = Objective("o", [KeyResult.binary("b")], cycle=Q3)
    closed = close(objective, on=Q3.end, override=seven_tenths, reason="agreed in review")
    assert closed.override.__class__ is float
    assert closed.override == pytest.approx(float(seven_tenths))


def test_a_reason_is_text():
    objective = Objective("o", [KeyResult.binary("b")], cycle=Q3)
    with pytest.raises(ValidationError, match=r"close\.reason"):
        close(objective, on=Q3.end, reason=5)


def test_zero_weight_leftovers_are_not_carried_over_alone():
    from okrkpi import carry_over_tree

    q1 = Cycle.quarter(2026, 1)
    aside = KeyResult.metric("w0", start=0, target=10, weight=0)  # unfinished, counts nothing
    done = KeyResult.binary("d", done=True)
    finished = Objective("zw", [aside, done], id="zw", cycle=q1)
    with pytest.raises(ValidationError, match="weight above 0"):
        carry_over(finished)
    result = carry_over_tree(AlignmentTree([finished]))
    assert dict(result.skipped) == {"zw": "finished: every key result that counts is done"}
    open_one = KeyResult.binary("open")
    carried = carry_over(Objective("zw", [aside, done, open_one], id="zw", cycle=q1))
    assert [kr.title for kr in carried.key_results] == ["w0", "open"]  # along with one
