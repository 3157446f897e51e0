"""Histories: check-ins and measurements share one column store, read as of a moment."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import JULY
from okrkpi import (
    KPI,
    CheckIn,
    CheckIns,
    ConfidenceRating,
    KeyResult,
    Measurement,
    ValidationError,
)
from okrkpi._model import history as history_module
from okrkpi.testing import days


def test_recording_in_order_shares_columns_but_every_version_keeps_its_own():
    base = KeyResult.metric("m", start=0, target=10)
    first = base.check_in(1.0, at=JULY)
    second = first.check_in(2.0, at=JULY + timedelta(days=1))
    # A branch from an older version copies instead of writing into the shared columns.
    branch = first.check_in(9.0, at=JULY + timedelta(days=1))
    assert base.check_ins == ()
    assert first.check_ins == (CheckIn(1.0, JULY),)
    assert second.check_ins.values == (1.0, 2.0)
    assert branch.check_ins.values == (1.0, 9.0)
    assert second.check_ins.values == (1.0, 2.0)
    assert first.latest_value() == 1.0


def test_recording_out_of_order_sorts_and_the_later_given_wins_at_one_moment():
    kr = KeyResult.metric("m", start=0, target=10)
    kr = kr.check_in(5.0, at=JULY + timedelta(days=5)).check_in(2.0, at=JULY)
    assert kr.check_ins.values == (2.0, 5.0)
    kr = kr.check_in(7.0, at=JULY + timedelta(days=5), note="corrected")
    assert kr.latest_value() == 7.0
    assert kr.latest_check_in().note == "corrected"


@given(st.lists(st.tuples(days(), st.floats(-1e6, 1e6)), max_size=12))
def test_one_check_in_at_a_time_equals_all_at_once(entries):
    one_by_one = KeyResult.metric("m", start=0, target=10)
    for day, value in entries:
        one_by_one = one_by_one.check_in(value, at=day)
    at_once = KeyResult.metric(
        "m", start=0, target=10, check_ins=[CheckIn(value, day) for day, value in entries]
    )
    assert one_by_one == at_once
    assert one_by_one.check_ins.values == at_once.check_ins.values
    for day, _ in entries:
        assert one_by_one.latest_value(day) == at_once.latest_value(day)


def test_mixing_plain_dates_and_datetimes_re_indexes():
    kr = KeyResult.metric("m", start=0, target=10).check_in(1.0, at=JULY)
    kr = kr.check_in(2.0, at=datetime(2026, 7, 1, 12, 0))
    kr = kr.check_in(3.0, at=date(2026, 7, 2))
    assert kr.check_ins.values == (1.0, 2.0, 3.0)
    assert kr.latest_value(datetime(2026, 7, 1, 11, 0)) == 1.0
    assert kr.latest_value(JULY) == 2.0


def test_naive_and_aware_do_not_mix_when_appending():
    kr = KeyResult.metric("m", start=0, target=10).check_in(1.0, at=datetime(2026, 7, 1, 9))
    with pytest.raises(ValidationError, match=r"KeyResult\('m'\)\.check_ins\[1\]\.at"):
        kr.check_in(2.0, at=datetime(2026, 7, 2, 9, tzinfo=UTC))
    with pytest.raises(ValidationError, match="a naive datetime like the check-ins of"):
        kr.latest_value(datetime(2026, 7, 2, tzinfo=UTC))


def test_a_failed_check_in_leaves_the_key_result_and_its_columns_unchanged():
    kr = KeyResult.metric("m", start=0, target=10).check_in(1.0, at=JULY)
    with pytest.raises(ValidationError, match=r"check_ins\[1\]\.value"):
        kr.check_in(True, at=JULY + timedelta(days=1))
    assert kr.check_in(2.0, at=JULY + timedelta(days=1)).check_ins.values == (1.0, 2.0)
    binary = KeyResult.binary("b").check_in(True, at=JULY)
    with pytest.raises(ValidationError, match=r"KeyResult\('b'\)\.check_ins\[1\]\.value"):
        binary.check_in(0.5, at=JULY + timedelta(days=1))
    assert binary.check_ins.values == (True,)


def test_aware_moments_near_the_ends_of_time_do_not_overflow():
    east = timezone(timedelta(hours=14))
    west = timezone(timedelta(hours=-12))
    kr = KeyResult.metric("m", start=0, target=10).check_in(
        5.0, at=datetime(2026, 7, 1, tzinfo=UTC)
    )
    assert kr.latest_value(datetime.min.replace(tzinfo=east)) is None
    assert kr.latest_value(datetime.max.replace(tzinfo=west)) == 5.0


def test_measurements_are_one_per_moment_and_replace_corrects_one():
    kpi = KPI("k", target=10).record(5.0, at=JULY).record(6.0, at=JULY + timedelta(days=1))
    with pytest.raises(ValidationError, match=r"KPI\('k'\)\.measurements\[1\]\.at"):
        kpi.record(7.0, at=JULY)
    corrected = kpi.record(7.0, at=JULY, replace=True)
    assert [m.value for m in corrected.measurements] == [7.0, 6.0]
    assert kpi.measurements == (Measurement(5.0, JULY), Measurement(6.0, JULY + timedelta(1)))
    assert kpi.latest(JULY) == Measurement(5.0, JULY)


def test_check_ins_and_measurements_never_compare_equal():
    check_ins = CheckIns([CheckIn(1.0, JULY)])
    measurements = KPI("k", target=1, measurements=[Measurement(1.0, JULY)]).measurements
    assert check_ins != measurements
    assert check_ins.latest_value(JULY) == measurements.latest_value(JULY) == 1.0


def test_appending_from_many_threads_keeps_every_version_consistent():
    base = KeyResult.metric("m", start=0, target=1000).check_in(0.0, at=JULY)
    results: list[KeyResult] = []

    def record(value: float) -> None:
        kr = base
        for step in range(1, 50):
            kr = kr.check_in(value, at=JULY + timedelta(days=step))
        results.append(kr)

    threads = [threading.Thread(target=record, args=(float(n),)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(kr.check_ins.values[-1] for kr in results) == [float(n) for n in range(8)]
    for kr in results:
        assert len(set(kr.check_ins.values[1:])) == 1
        assert len(kr.check_ins) == 50
    assert base.check_ins.values == (0.0,)


def test_histories_built_from_columns_share_one_tuple_per_rating():
    # A rating repeats across every key result's history: its (rating, "") tuple is one.
    day = date(2026, 7, 1)
    first = CheckIns.from_columns([1.0, 2.0], [day, date(2026, 7, 2)], confidences=[7, 7])
    second = CheckIns.from_columns([3.0], [day], confidences=[7.0])
    assert first._extras[0] is first._extras[1] is second._extras[0]
    noted = CheckIns.from_columns([1.0], [day], confidences=[7], notes=["why"])
    assert noted._extras[0] == (ConfidenceRating(7), "why")  # a note is its own
    assert list(first) == [CheckIn(1.0, day, confidence=7), CheckIn(2.0, date(2026, 7, 2), 7)]


def test_the_shared_ratings_are_bounded():
    ratings = [1 + n / 1000 for n in range(5000)]
    moments = [datetime(2026, 7, 1, tzinfo=UTC) + timedelta(minutes=n) for n in range(5000)]
    history = CheckIns.from_columns([1.0] * 5000, moments, confidences=ratings)
    assert history_module._one_rating.cache_info().currsize <= 4096
    assert [entry.confidence.value for entry in history] == ratings
