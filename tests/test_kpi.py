"""KPIs: health bands, range targets, staleness, trends, and the KPI <-> OKR loop."""

from datetime import date, datetime, timedelta

import pytest
from dateutil.rrule import MO, WEEKLY, rrule
from hypothesis import given
from hypothesis import strategies as st

from helpers import Q3
from okrkpi import (
    KPI,
    Commitment,
    Cycle,
    Frequency,
    Health,
    Indicator,
    KeyResultKind,
    Measurement,
    TargetRange,
    TrendDirection,
    ValidationError,
    key_result_from_kpi,
    propose_objective,
    score,
)
from okrkpi.testing import kpis


def reply_time(*values_by_day):
    kpi = KPI(
        "average reply time",
        target=60,
        higher_is_better=False,
        warning=90,
        unit="minutes",
        timeframe=Q3,
        data_source="helpdesk",
        frequency=Frequency.WEEKLY,
        indicator=Indicator.LEAD,
        owner="IT support lead",
    )
    for day, value in values_by_day:
        kpi = kpi.record(value, at=day)
    return kpi


def test_health_bands_lower_is_better():
    assert reply_time().health() is Health.UNKNOWN
    assert reply_time((date(2026, 7, 1), 60)).health() is Health.HEALTHY
    assert reply_time((date(2026, 7, 1), 75)).health() is Health.WARNING
    assert reply_time((date(2026, 7, 1), 90)).health() is Health.WARNING
    assert reply_time((date(2026, 7, 1), 91)).health() is Health.UNHEALTHY


def test_health_bands_higher_is_better_and_without_warning():
    sales = KPI("sales", target=100, warning=80)
    assert sales.record(100, at=date(2026, 7, 1)).health() is Health.HEALTHY
    assert sales.record(80, at=date(2026, 7, 1)).health() is Health.WARNING
    assert sales.record(79, at=date(2026, 7, 1)).health() is Health.UNHEALTHY
    plain = KPI("sales", target=100)
    assert plain.record(99, at=date(2026, 7, 1)).health() is Health.UNHEALTHY
    assert KPI("sales", target=None).record(1, at=date(2026, 7, 1)).health() is Health.UNKNOWN


def test_range_target():
    temperature = KPI("server room temperature", target=(18, 24), warning=2, unit="C")
    assert temperature.target == TargetRange(18, 24)
    day = date(2026, 7, 1)
    assert temperature.record(18, at=day).health() is Health.HEALTHY
    assert temperature.record(25.5, at=day).health() is Health.WARNING
    assert temperature.record(16, at=day).health() is Health.WARNING
    assert temperature.record(27, at=day).health() is Health.UNHEALTHY
    assert temperature.target_value(30) == 24
    assert temperature.target_value(10) == 18
    assert str(temperature.target) == "18..24"
    huge = KPI("huge", target=(1e308, 1.5e308)).record(-1.5e308, at=day)
    report = huge.health_report(day)
    assert report.health is Health.UNHEALTHY
    assert "far outside 1e+308..1.5e+308" in report.reason  # the distance overflows a float


def test_health_report_has_a_reason_and_time_travels():
    kpi = reply_time((date(2026, 7, 6), 58), (date(2026, 8, 10), 75))
    report = kpi.health_report(date(2026, 8, 15))
    assert report.health is Health.WARNING
    assert report.reason == "average reply time 75 minutes: misses target 60, within warning 90"
    assert (report.value, report.at) == (75, date(2026, 8, 10))
    assert kpi.health(date(2026, 7, 31)) is Health.HEALTHY
    assert kpi.health(date(2026, 7, 1)) is Health.UNKNOWN


def test_record_returns_a_new_kpi_and_rejects_a_second_value_at_one_moment():
    kpi = reply_time((date(2026, 7, 6), 58))
    with pytest.raises(ValidationError, match=r"measurements\[1\].at.*replace=True"):
        kpi.record(61, at=date(2026, 7, 6))
    assert [m.value for m in kpi.measurements] == [58]
    corrected = kpi.record(61, at=date(2026, 7, 6), replace=True)
    assert [m.value for m in corrected.measurements] == [61]
    assert [m.value for m in kpi.measurements] == [58]


def test_missing_components():
    assert reply_time().missing_components() == ()
    assert KPI("bare", target=None).missing_components() == (
        "target", "timeframe", "data_source", "frequency"
    )  # fmt: skip


def test_next_due_and_overdue_follow_the_rrule():
    kpi = reply_time((date(2026, 7, 8), 58))  # Q3 starts on a Wednesday: due every Wednesday
    assert kpi.next_due(date(2026, 7, 10)) == date(2026, 7, 15)
    assert not kpi.is_overdue(date(2026, 7, 15))  # the due day itself is not late
    assert kpi.is_overdue(date(2026, 7, 16))
    assert reply_time().next_due(date(2026, 7, 1)) == date(2026, 7, 1)
    monthly = KPI("churn", target=2, frequency="monthly", timeframe=Q3)
    assert monthly.next_due(date(2026, 7, 2)) == date(2026, 7, 1)
    assert monthly.record(1, at=date(2026, 7, 1)).next_due(date(2026, 7, 2)) == date(2026, 8, 1)
    quarterly = KPI("nps", target=40, frequency=Frequency.QUARTERLY, timeframe=Cycle.year(2026))
    measured = quarterly.record(1, at=date(2026, 1, 5))
    assert measured.next_due(date(2026, 2, 1)) == date(2026, 4, 5)  # a quarter after measuring


def test_custom_rrule_frequency():
    mondays = rrule(WEEKLY, byweekday=MO, dtstart=datetime(2026, 1, 1))
    kpi = KPI("deploys", target=10, frequency=mondays).record(8, at=date(2026, 7, 1))
    assert kpi.next_due(date(2026, 7, 2)) == date(2026, 7, 6)
    text = KPI("deploys", target=10, frequency="FREQ=WEEKLY;BYDAY=FR").record(
        8, at=date(2026, 7, 1)
    )
    assert text.next_due(date(2026, 7, 2)) == date(2026, 7, 3)
    assert KPI("x", target=1).next_due(date(2026, 7, 1)) is None
    assert KPI("x", target=1, frequency="daily").next_due(date(2026, 7, 1)) is None  # no anchor
    assert not KPI("x", target=1).is_overdue(date(2026, 7, 1))


def test_trend():
    kpi = reply_time((date(2026, 7, 1), 80), (date(2026, 7, 11), 70), (date(2026, 7, 21), 60))
    trend = kpi.trend()
    assert trend.slope_per_day == pytest.approx(-1.0)
    assert trend.direction is TrendDirection.IMPROVING  # lower is better
    assert trend.points == 3
    recent = kpi.trend(window=timedelta(days=10))
    assert recent.points == 2
    worse = reply_time((date(2026, 7, 1), 60), (date(2026, 7, 2), 62))
    assert worse.trend().direction is TrendDirection.WORSENING
    flat = reply_time((date(2026, 7, 1), 60), (date(2026, 7, 2), 60))
    assert flat.trend().direction is TrendDirection.FLAT
    assert reply_time((date(2026, 7, 1), 60)).trend().direction is TrendDirection.FLAT
    band = KPI("t", target=(18, 24)).record(30, at=date(2026, 7, 1)).record(28, at=date(2026, 7, 2))
    assert band.trend().direction is TrendDirection.IMPROVING
    with pytest.raises(ValidationError, match="window"):
        kpi.trend(window=timedelta(0))


def test_key_result_from_kpi():
    kpi = reply_time(
        (date(2026, 6, 29), 75),
        (date(2026, 7, 1), 74),
        (date(2026, 8, 3), 66),
        (date(2026, 10, 5), 50),
    )
    kr = key_result_from_kpi(kpi, target=60, cycle=Q3)
    assert kr.kind is KeyResultKind.METRIC
    assert (kr.measure.start, kr.measure.target) == (74, 60)  # value on the cycle's first day
    assert [c.value for c in kr.check_ins] == [66]  # after day one, up to the cycle's end
    assert kr.source_kpi == "average reply time"
    assert kr.title == "Average reply time from 74 to 60 minutes"
    assert score(kr).value == pytest.approx(8 / 14)
    later = reply_time((date(2026, 7, 15), 80))
    assert key_result_from_kpi(later, target=60, cycle=Q3, id="rt").measure.start == 80
    with pytest.raises(ValidationError, match="a measurement by 2026-09-30"):
        key_result_from_kpi(reply_time(), target=60, cycle=Q3)
    with pytest.raises(ValidationError, match="kpi"):
        key_result_from_kpi("kpi", target=60, cycle=Q3)
    with pytest.raises(ValidationError, match="cycle"):
        key_result_from_kpi(kpi, target=60, cycle="2026-Q3")


def test_propose_objective_for_the_it_support_example():
    kpi = reply_time((date(2026, 8, 10), 75))
    draft = propose_objective(kpi, date(2026, 8, 15))
    assert draft.title == "Bring average reply time back under 60 minutes"
    assert draft.commitment is Commitment.COMMITTED
    assert draft.cycle == Cycle.quarter(2026, 4)
    (kr,) = draft.key_results
    assert (kr.measure.start, kr.measure.target) == (75, 60)
    assert kr.title == "Average reply time from 75 to 60 minutes"
    assert draft.owner == "IT support lead"
    assert propose_objective(reply_time((date(2026, 8, 10), 55)), date(2026, 8, 15)) is None
    assert propose_objective(reply_time(), date(2026, 8, 15)) is None
    sales = KPI("weekly sales", target=100).record(50, at=date(2026, 7, 1))
    assert propose_objective(sales, date(2026, 7, 2), cycle=Q3).title == (
        "Bring weekly sales back above 100"
    )
    band = KPI("temperature", target=(18, 24)).record(10, at=date(2026, 7, 1))
    assert propose_objective(band, date(2026, 7, 2)).title == "Bring temperature back above 18"


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"target": 60, "higher_is_better": False, "warning": 50}, "above the target 60"),
        ({"target": 60, "warning": 70}, "below the target 60"),
        ({"target": 60, "warning": 60}, "below the target"),
        ({"target": (5, 1)}, "TargetRange.high"),
        ({"target": (1, 5), "warning": -1}, "margin > 0"),
        ({"target": None, "warning": 3}, "no target"),
        ({"target": float("nan")}, "KPI.target"),
        ({"target": "60"}, "KPI.target"),
        ({"target": 60, "frequency": "fortnightly"}, "KPI.frequency"),
        ({"target": 60, "frequency": 7}, "KPI.frequency"),
        ({"target": 60, "indicator": "leading"}, "KPI.indicator"),
        ({"target": 60, "measurements": "abc"}, "KPI.measurements"),
        ({"target": 60, "measurements": [1]}, "a Measurement"),
        ({"target": 60, "warning": float("inf")}, "warning"),
    ],
)
def test_bad_kpis(fields, match):
    with pytest.raises(ValidationError, match=match):
        KPI("kpi", **fields)


def test_bad_measurements():
    with pytest.raises(ValidationError, match="Measurement.value"):
        Measurement(float("nan"), date(2026, 7, 1))
    with pytest.raises(ValidationError, match="Measurement.at"):
        Measurement(1, "2026-07-01")
    mixed = [
        Measurement(1, datetime(2026, 7, 1, 9)),
        Measurement(2, datetime(2026, 7, 2, 9).astimezone()),
    ]
    with pytest.raises(ValidationError, match="all naive or all timezone-aware"):
        KPI("kpi", target=1, measurements=mixed)


@given(kpis(), st.floats(-2000, 2000))
def test_health_bands_for_both_directions(kpi, value):
    kpi = kpi.record(value, at=date(2031, 1, 1), replace=True)
    health = kpi.health()
    target = kpi.target
    better = value >= target if kpi.higher_is_better else value <= target
    if better:
        assert health is Health.HEALTHY
    elif kpi.warning is None:
        assert health is Health.UNHEALTHY
    else:
        within = value >= kpi.warning if kpi.higher_is_better else value <= kpi.warning
        assert health is (Health.WARNING if within else Health.UNHEALTHY)


@given(kpis(), st.floats(-1000, 1000), st.floats(0, 500))
def test_health_never_worsens_as_the_value_improves(kpi, value, step):
    rank = {Health.HEALTHY: 0, Health.WARNING: 1, Health.UNHEALTHY: 2}
    better = value + step if kpi.higher_is_better else value - step
    day = date(2031, 1, 1)
    first = kpi.record(value, at=day, replace=True).health()
    second = kpi.record(better, at=day, replace=True).health()
    assert rank[second] <= rank[first]


def test_a_trend_window_ends_at_as_of():
    kpi = KPI("k", target=10)
    for day, value in ((date(2026, 7, 1), 5), (date(2026, 7, 8), 4), (date(2026, 7, 15), 3)):
        kpi = kpi.record(value, at=day)
    week = timedelta(days=7)
    assert kpi.trend(date(2026, 9, 30), window=week).points == 0  # nothing in late September
    assert kpi.trend(date(2026, 7, 15), window=timedelta(days=8)).points == 2
    assert kpi.trend(window=week).points == 2  # without as_of: back from the latest
