"""Commit, target and stretch zones: zoned and ordinal key results and their scores."""

from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import JULY, Q3
from okrkpi import (
    AlignmentTree,
    KeyResult,
    KeyResultKind,
    Objective,
    ScoringPolicy,
    ValidationError,
    Zone,
    carry_over,
    score,
)
from okrkpi.serde import from_dict, to_dict
from okrkpi.strategies import zone_values
from okrkpi.testing import check_scorer, key_results


def hires(*values, **zones):
    kr = KeyResult.zoned("Hire engineers", baseline=10, stretch=60, id="hires", **zones)
    for day, value in enumerate(values, 1):
        kr = kr.check_in(value, at=date(2026, 7, day))
    return kr


def test_a_check_in_72_percent_of_the_way_to_stretch_is_in_target():
    kr = hires(10 + 0.72 * 50)
    assert kr.zone() is Zone.TARGET
    measured = score(kr)
    assert measured.value == 0.7
    assert measured.met
    assert "zone Target" in measured.explanation
    assert "72% of the way to stretch" in measured.explanation


@pytest.mark.parametrize(
    ("value", "zone"),
    [
        (10, Zone.FAIL),
        (24.9, Zone.FAIL),
        (25, Zone.COMMIT),
        (45, Zone.TARGET),
        (60, Zone.STRETCH),
        (90, Zone.STRETCH),
        (-5, Zone.FAIL),
    ],
)
def test_default_zones_are_30_and_70_percent_of_the_way(value, zone):
    assert hires(value).zone() is zone


def test_commit_and_target_can_be_set_and_fall_towards_a_lower_stretch():
    kr = KeyResult.zoned("Cut churn", baseline=5.0, stretch=2.0, commit=4.5, target=3.0)
    assert kr.measure.shares == pytest.approx((1 / 6, 2 / 3))
    assert [kr.check_in(v, at=JULY).zone() for v in (4.8, 4.5, 3.0, 1.0)] == [
        Zone.FAIL,
        Zone.COMMIT,
        Zone.TARGET,
        Zone.STRETCH,
    ]
    assert kr.zone() is Zone.FAIL  # no check-in: at the baseline


@given(key_results(kinds=[KeyResultKind.ZONED]), st.floats(-2000, 2000), st.floats(0, 500))
def test_zones_are_monotone_in_the_value(kr, value, step):
    measure = kr.measure
    better = value + step if measure.stretch > measure.baseline else value - step
    assert measure.zone(better) >= measure.zone(value)


def test_ordinal_key_results_are_checked_in_as_a_zone():
    kr = KeyResult.ordinal("Become known in DACH", target="Two trade-press articles")
    assert kr.zone() is Zone.FAIL
    kr = kr.check_in(Zone.COMMIT, at=JULY).check_in(Zone.STRETCH, at=date(2026, 8, 1))
    assert kr.zone(as_of=JULY) is Zone.COMMIT
    assert kr.zone() is Zone.STRETCH
    assert score(kr).value == 1.0
    with pytest.raises(ValidationError, match=r"check_ins\[0\]\.value: expected a Zone"):
        KeyResult.ordinal("x").check_in(4, at=JULY)
    assert KeyResult.metric("m", start=0, target=1).zone() is None


def test_zone_values_are_a_replaceable_strategy():
    generous = zone_values(commit=0.5, target=0.8)
    policy = ScoringPolicy(scorers={KeyResultKind.ZONED: generous})
    kr = hires(30)  # 40% of the way: COMMIT
    assert score(kr).value == 0.3
    assert score(kr, policy=policy).value == 0.5
    check_scorer(generous, kind=KeyResultKind.ZONED, max_examples=30, shrink=False)
    check_scorer(zone_values(), kind="ordinal", max_examples=30, shrink=False)


@pytest.mark.parametrize(
    ("arguments", "path"),
    [
        ({"commit": 1.5}, "zone_values.commit"),
        ({"target": 0.2}, "zone_values"),
        ({"stretch": float("nan")}, "zone_values.stretch"),
    ],
)
def test_bad_zone_values_are_refused(arguments, path):
    with pytest.raises(ValidationError, match=path):
        zone_values(**arguments)


@pytest.mark.parametrize(
    ("arguments", "path"),
    [
        ({"baseline": 1, "stretch": 1}, "Zoned.stretch"),
        ({"baseline": 0, "stretch": 10, "commit": 11}, "Zoned.commit"),
        ({"baseline": 0, "stretch": 10, "commit": 0}, "Zoned.commit"),
        ({"baseline": 0, "stretch": 10, "commit": 6, "target": 5}, "Zoned.target"),
        ({"baseline": 0, "stretch": float("inf")}, "Zoned.stretch"),
        ({"baseline": -1.7e308, "stretch": 1.7e308}, "Zoned.stretch"),
        ({"baseline": 0, "stretch": 10, "unit": ""}, "Zoned.unit"),
    ],
)
def test_bad_zoned_key_results_are_refused_naming_the_field(arguments, path):
    with pytest.raises(ValidationError, match=path):
        KeyResult.zoned("x", **arguments)


def test_zoned_check_ins_must_be_numbers_with_a_finite_share():
    with pytest.raises(ValidationError, match=r"check_ins\[0\]\.value: expected a number"):
        hires().check_in(True, at=JULY)
    tiny = KeyResult.zoned("x", baseline=0, stretch=1e-300)
    with pytest.raises(ValidationError, match="share from 0.0 to 1e-300 is finite"):
        tiny.check_in(1.7e308, at=JULY)


def test_zoned_and_ordinal_round_trip_and_count_in_a_tree():
    ordinal = KeyResult.ordinal("Brand", stretch="Keynote at the fair").check_in(2, at=JULY)
    first = Objective("Grow", [hires(45), ordinal], id="grow", cycle=Q3)
    second = Objective("Hire", [attrs.evolve(hires(12), id="more")], id="hire", cycle=Q3)
    tree = AlignmentTree([first, second])
    assert tree.zone_counts() == {Zone.FAIL: 1, Zone.COMMIT: 0, Zone.TARGET: 2, Zone.STRETCH: 0}
    assert tree.zone_counts(as_of=date(2026, 6, 1))[Zone.FAIL] == 3
    for kr in (hires(45), ordinal):
        assert from_dict(to_dict(kr), KeyResult) == kr


def test_carrying_over_zoned_and_ordinal_key_results():
    done = KeyResult.ordinal("Brand").check_in(Zone.STRETCH, at=JULY)
    open_ = KeyResult.ordinal("Press").check_in(Zone.TARGET, at=JULY)
    finished = attrs.evolve(hires(70), id="all")
    objective = Objective("Grow", [hires(45), finished, done, open_], cycle=Q3)
    carried = carry_over(objective)
    assert [kr.id for kr in carried.key_results] == ["hires", "press"]
    restarted = carried.key_results[0].measure
    assert restarted.baseline == 45
    assert restarted.stretch == 60
    assert restarted.commit is None
    assert carried.key_results[1].check_ins == ()


@given(key_results(kinds=["zoned", "ordinal"]))
def test_the_strategies_take_kinds_by_value(kr):
    assert kr.kind in (KeyResultKind.ZONED, KeyResultKind.ORDINAL)
