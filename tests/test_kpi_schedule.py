"""When a KPI's next measurement is due: cadences, calendars, and frequencies from documents."""

import calendar
from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil import rrule as dateutil_rrule
from dateutil.relativedelta import relativedelta
from dateutil.rrule import HOURLY, MO, WEEKLY, rrule
from hypothesis import given
from hypothesis import strategies as st

from okrkpi import KPI, Cycle, Frequency, OkrKpiError, ValidationError
from okrkpi._model._checks import EARLIEST, LATEST

DAY = timedelta(days=1)
PERIOD = {
    Frequency.DAILY: relativedelta(days=1),
    Frequency.WEEKLY: relativedelta(weeks=1),
    Frequency.MONTHLY: relativedelta(months=1),
    Frequency.QUARTERLY: relativedelta(months=3),
}


def measured(frequency, day, **fields):
    return KPI("churn", target=2, frequency=frequency, **fields).record(1, at=day)


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# -- cadences -------------------------------------------------------------------------------


def test_a_month_end_measurement_is_next_due_at_the_end_of_february():
    kpi = measured(Frequency.MONTHLY, date(2026, 1, 31))
    assert kpi.next_due(date(2026, 2, 1)) == date(2026, 2, 28)
    assert kpi.record(2, at=date(2026, 2, 28)).next_due(date(2026, 3, 1)) == date(2026, 3, 31)


def test_a_fresh_measurement_with_a_quarterly_timeframe_is_not_overdue():
    kpi = measured(Frequency.MONTHLY, date(2026, 1, 31), timeframe=Cycle.quarter(2026, 1))
    assert not kpi.is_overdue(date(2026, 2, 2))
    assert kpi.next_due(date(2026, 2, 2)) == date(2026, 2, 28)
    assert not kpi.is_overdue(date(2026, 2, 28))
    assert kpi.is_overdue(date(2026, 3, 1))


@pytest.mark.parametrize(
    ("frequency", "measured_on", "due"),
    [
        (Frequency.DAILY, date(2026, 2, 28), date(2026, 3, 1)),
        (Frequency.WEEKLY, date(2026, 12, 29), date(2027, 1, 5)),
        (Frequency.MONTHLY, date(2026, 1, 30), date(2026, 2, 28)),  # the 30th: February's last
        (Frequency.MONTHLY, date(2024, 1, 30), date(2024, 2, 29)),
        (Frequency.MONTHLY, date(2026, 3, 30), date(2026, 4, 30)),
        (Frequency.MONTHLY, date(2026, 4, 30), date(2026, 5, 31)),  # month end stays month end
        (Frequency.MONTHLY, date(2026, 1, 28), date(2026, 2, 28)),
        (Frequency.MONTHLY, date(2026, 7, 15), date(2026, 8, 15)),
        (Frequency.QUARTERLY, date(2026, 1, 31), date(2026, 4, 30)),
        (Frequency.QUARTERLY, date(2026, 11, 30), date(2027, 2, 28)),
        (Frequency.QUARTERLY, date(2026, 2, 28), date(2026, 5, 31)),
        ("FREQ=MONTHLY", date(2026, 1, 31), date(2026, 2, 28)),
        ("FREQ=MONTHLY;INTERVAL=2", date(2026, 12, 31), date(2027, 2, 28)),
        ("FREQ=YEARLY", date(2024, 2, 29), date(2025, 2, 28)),
        ("FREQ=YEARLY", date(2027, 2, 28), date(2028, 2, 29)),
        ("FREQ=YEARLY;BYMONTH=2,4", date(2026, 1, 31), date(2026, 2, 28)),
        ("FREQ=WEEKLY;INTERVAL=2", date(2026, 7, 1), date(2026, 7, 15)),
    ],
)
def test_a_cadence_counts_from_the_latest_measurement(frequency, measured_on, due):
    kpi = measured(frequency, measured_on, timeframe=Cycle.year(2026))
    assert kpi.next_due(measured_on) == due
    assert not kpi.is_overdue(due)
    assert kpi.is_overdue(due + DAY)


def test_before_the_first_measurement_the_timeframe_start_is_due():
    kpi = KPI("nps", target=40, frequency=Frequency.QUARTERLY, timeframe=Cycle.quarter(2026, 3))
    assert kpi.next_due(date(2026, 6, 1)) == date(2026, 7, 1)
    assert not kpi.is_overdue(date(2026, 7, 1))
    assert kpi.is_overdue(date(2026, 7, 2))
    later = kpi.record(38, at=date(2026, 8, 20))
    assert later.next_due(date(2026, 8, 19)) == date(2026, 7, 1)  # what was known then
    assert later.next_due(date(2026, 8, 20)) == date(2026, 11, 20)
    assert KPI("nps", target=40, frequency="daily").next_due(date(2026, 7, 1)) is None
    assert KPI("nps", target=40, frequency="FREQ=WEEKLY;BYDAY=FR", timeframe=Cycle.quarter(2026, 3)
               ).next_due(date(2026, 6, 1)) == date(2026, 7, 3)  # fmt: skip


def test_a_measurement_at_a_time_of_day_counts_for_its_day():
    kpi = measured(Frequency.DAILY, datetime(2026, 7, 1, 23, 30, tzinfo=UTC))
    assert kpi.next_due(datetime(2026, 7, 2, 12, tzinfo=UTC)) == date(2026, 7, 2)
    assert not kpi.is_overdue(datetime(2026, 7, 2, 23, 59, tzinfo=UTC))
    assert kpi.is_overdue(datetime(2026, 7, 3, tzinfo=UTC))
    with pytest.raises(ValidationError, match="as_of"):
        kpi.next_due("2026-07-02")


@given(
    st.sampled_from(list(Frequency)),
    st.dates(min_value=EARLIEST, max_value=LATEST - relativedelta(months=4)),
    st.integers(min_value=0, max_value=100),
    st.booleans(),
)
def test_a_kpi_measured_on_day_d_is_not_overdue_before_d_plus_one_period(
    frequency, day, days_later, with_timeframe
):
    timeframe = Cycle.year(day.year) if with_timeframe else None
    kpi = measured(frequency, day, timeframe=timeframe)
    due = kpi.next_due(day)
    one_period_on = day + PERIOD[frequency]
    # at least one period after, and never past the end of that period's month
    assert one_period_on <= due <= (month_end(one_period_on) if due.day > 28 else one_period_on)
    looked = day + timedelta(days=days_later)
    assert kpi.is_overdue(looked) == (looked > due)
    assert not kpi.is_overdue(day)


# -- calendars ------------------------------------------------------------------------------


def test_an_rrule_is_a_calendar_from_the_latest_measurement():
    fridays = measured("FREQ=WEEKLY;BYDAY=FR", date(2026, 7, 1))  # a Wednesday
    assert fridays.next_due(date(2026, 7, 1)) == date(2026, 7, 3)
    assert fridays.record(2, at=date(2026, 7, 3)).next_due(date(2026, 7, 3)) == date(2026, 7, 10)
    month_ends = measured("RRULE:FREQ=MONTHLY;BYMONTHDAY=-1", date(2026, 1, 15))
    assert month_ends.next_due(date(2026, 1, 15)) == date(2026, 1, 31)
    firsts = measured("freq=monthly;bymonthday=1", date(2026, 1, 31))
    assert firsts.frequency == "FREQ=MONTHLY;BYMONTHDAY=1"
    assert firsts.next_due(date(2026, 1, 31)) == date(2026, 2, 1)
    last_weekday = "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
    assert measured(last_weekday, date(2026, 1, 5)).next_due(date(2026, 1, 5)) == date(2026, 1, 30)


def test_until_ends_the_schedule():
    kpi = measured("FREQ=MONTHLY;UNTIL=20260331T000000Z", date(2026, 1, 31))
    assert kpi.frequency == "FREQ=MONTHLY;UNTIL=20260331"
    assert kpi.next_due(date(2026, 2, 1)) == date(2026, 2, 28)
    assert kpi.record(2, at=date(2026, 3, 31)).next_due(date(2026, 4, 1)) is None
    assert (
        measured("FREQ=DAILY;UNTIL=19990101", date(2026, 1, 1)).next_due(date(2026, 1, 2)) is None
    )


def test_an_rrule_object_keeps_its_rule_and_drops_its_dtstart():
    mondays = rrule(WEEKLY, byweekday=MO, dtstart=datetime(2020, 1, 1, 9, tzinfo=UTC))
    kpi = measured(mondays, date(2026, 7, 1))
    assert kpi.frequency == "FREQ=WEEKLY;BYDAY=MO"
    assert kpi.next_due(date(2026, 7, 1)) == date(2026, 7, 6)
    with pytest.raises(ValidationError, match="KPI.frequency.*DAILY"):
        KPI("k", target=1, frequency=rrule(HOURLY, dtstart=datetime(2026, 1, 1)))


def test_nothing_is_due_after_the_plausible_range():
    assert measured(Frequency.MONTHLY, date(2199, 12, 15)).next_due(date(2199, 12, 15)) is None
    assert measured(Frequency.DAILY, LATEST).next_due(LATEST) is None
    assert measured(Frequency.DAILY, LATEST - DAY).next_due(LATEST) == LATEST


# -- frequencies read from documents ---------------------------------------------------------

HOSTILE = [
    ("RRULE:FREQ=DAILY\nRRULE:FREQ=WEEKLY", "exactly one RRULE"),
    ("FREQ=DAILY\r\nFREQ=WEEKLY", "exactly one RRULE"),
    ("DTSTART:20260101T090000\nRRULE:FREQ=DAILY", "without DTSTART"),
    ("DTSTART;TZID=America/New_York:20260101T090000\nRRULE:FREQ=DAILY", "without DTSTART"),
    ("RRULE:FREQ=DAILY\nEXDATE:20260102T000000", "EXDATE"),
    ("RRULE:FREQ=DAILY\nRDATE:20260102T000000", "RDATE"),
    ("EXRULE:FREQ=DAILY", "EXRULE"),
    ("FREQ=HOURLY", "FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"),
    ("FREQ=MINUTELY;INTERVAL=5", "FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"),
    ("FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"),
    ("INTERVAL=2", "FREQ=DAILY"),
    ("FREQ=DAILY;COUNT=3", "without COUNT"),
    ("FREQ=DAILY;BYHOUR=9", "without BYHOUR"),
    ("FREQ=DAILY;BYMINUTE=9", "without BYMINUTE"),
    ("FREQ=DAILY;BYSECOND=9", "without BYSECOND"),
    ("FREQ=YEARLY;BYEASTER=0", "without BYEASTER"),
    ("FREQ=DAILY;INTERVAL=0", "INTERVAL from 1"),
    ("FREQ=DAILY;INTERVAL=-1", "INTERVAL from 1"),
    ("FREQ=DAILY;INTERVAL=" + "9" * 500, "INTERVAL from 1"),
    ("FREQ=DAILY;FREQ=WEEKLY", "once each"),
    ("FREQ=WEEKLY;BYDAY=" + ",".join(["MO"] * 400), "at most 1000 characters"),
    ("FREQ=DAILY;", "once each"),
    ("FREQ=DAILY;TZID=UTC", "once each"),
    ("FREQ=DAILY;BYSETPOS=1", "no BYSETPOS with FREQ=DAILY"),
    ("FREQ=WEEKLY;BYDAY=MO;BYSETPOS=8", "BYSETPOS positions from 1 to 7"),
    ("FREQ=MONTHLY;BYSETPOS=x", "BYSETPOS positions"),
    ("FREQ=DAILY;UNTIL=2026", "UNTIL date"),
    ("FREQ=DAILY;UNTIL=20260231", "UNTIL date"),
    ("FREQ=DAILY;BYDAY=XX", "a valid RRULE"),
    ("FREQ=DAILY;BYMONTH=", "BYMONTH values from 1 to 12"),
    ("FREQ=DAILY;BYMONTH=13", "BYMONTH values from 1 to 12"),
    ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY values from 1 to 31 or -31 to -1"),
    ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=31", "falls on at least one day"),
    ("FREQ=WEEKLY;BYDAY=MO,TU;BYSETPOS=3", "falls on at least one day"),
    ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "falls on at least one day"),
    ("FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31", "falls on at least one day"),
    ("FREQ=YEARLY;BYYEARDAY=367", "BYYEARDAY values from 1 to 366"),
    ("FREQ=WEEKLY;BYMONTH=13;BYDAY=MO", "BYMONTH values from 1 to 12"),
    ("FREQ=MONTHLY;BYDAY=5MO;BYMONTH=2;BYMONTHDAY=1", "falls on at least one day"),
]


@pytest.mark.parametrize(("text", "expected"), HOSTILE, ids=[text for text, _ in HOSTILE])
def test_a_hostile_frequency_is_refused_when_read(text, expected):
    with pytest.raises(ValidationError, match="KPI.frequency") as raised:
        KPI("k", target=1, frequency=text)
    assert expected in str(raised.value)
    assert repr(text)[:20] in str(raised.value)  # names the value


def test_rules_that_can_occur_are_kept():
    for text in [
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",  # every leap year
        "FREQ=MONTHLY;BYDAY=5MO",  # months with five Mondays
        "FREQ=WEEKLY;BYDAY=1MO,FR",  # a number means nothing weekly
        "FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH",
        "FREQ=DAILY;BYYEARDAY=366",
    ]:
        kpi = measured(text, date(2026, 1, 1))
        assert date(2026, 1, 1) < kpi.next_due(date(2026, 1, 1)) <= LATEST


def count_periods(monkeypatch):
    """Count the periods dateutil looks at: a bound on work that no clock can make flaky."""
    calls = []
    info = dateutil_rrule._iterinfo
    for name in ("ddayset", "wdayset", "mdayset", "ydayset"):
        original = getattr(info, name)

        def counted(self, *args, _original=original):
            calls.append(1)
            return _original(self, *args)

        monkeypatch.setattr(info, name, counted)
    return calls


def test_a_rule_that_never_falls_after_the_anchor_gives_up_within_a_bounded_search(monkeypatch):
    periods = count_periods(monkeypatch)
    kpi = measured("FREQ=DAILY;INTERVAL=7;BYDAY=MO", date(2026, 7, 1))  # Wednesdays only
    assert kpi.next_due(date(2026, 7, 1)) is None
    assert 0 < len(periods) <= 500 * 366 // 7 + 2
    periods.clear()
    # Every 12 months from July, but only in February: never, found within bounds.
    out_of_step = measured("FREQ=MONTHLY;INTERVAL=12;BYMONTH=2", date(1900, 7, 1))
    assert out_of_step.next_due(date(1900, 7, 1)) is None
    assert len(periods) <= 500 * 12 + 2
    with pytest.raises(ValidationError, match="falls on at least one day"):
        KPI("k", target=1, frequency="FREQ=MONTHLY;BYMONTHDAY=1;BYSETPOS=2")


def test_a_search_that_reaches_the_end_of_time_finds_nothing():
    anchor = date(2026, 7, 1)
    weeks = (date(2399, 12, 31) - (anchor - timedelta(days=anchor.weekday()))).days // 7
    kpi = measured(f"FREQ=WEEKLY;INTERVAL={weeks};BYYEARDAY=1", anchor)
    assert kpi.next_due(anchor) is None  # its next day, 2400-01-01, is past the range


RULE_PARTS = st.sampled_from(
    [
        "FREQ=DAILY", "FREQ=WEEKLY", "FREQ=MONTHLY", "FREQ=YEARLY", "FREQ=HOURLY", "INTERVAL=1",
        "INTERVAL=3", "INTERVAL=400", "INTERVAL=0", "BYMONTH=2", "BYMONTH=1,7", "BYMONTHDAY=31",
        "BYMONTHDAY=-1", "BYMONTHDAY=29,30", "BYMONTHDAY=0", "BYYEARDAY=366", "BYYEARDAY=-1",
        "BYWEEKNO=53", "BYWEEKNO=1", "BYDAY=MO", "BYDAY=-1FR", "BYDAY=5SU", "BYDAY=2TU,TH",
        "BYSETPOS=1", "BYSETPOS=-2", "BYSETPOS=40", "WKST=SU", "UNTIL=20270101", "COUNT=2",
        "UNTIL=99991231T000000Z", "DTSTART=20260101", "", "FREQ=", "BYDAY=ZZ",
    ]
)  # fmt: skip


@given(
    st.lists(RULE_PARTS, min_size=1, max_size=5).map(";".join),
    st.dates(min_value=EARLIEST, max_value=LATEST),
    st.booleans(),
)
def test_any_frequency_text_is_refused_or_searched_boundedly(text, day, with_timeframe):
    timeframe = Cycle.year(2026) if with_timeframe else None
    try:
        kpi = KPI("k", target=1, frequency=text, timeframe=timeframe)
    except ValidationError as error:
        problem = error.path
    else:
        problem = None
    if problem is not None:
        assert problem == "KPI.frequency"
        return
    due = kpi.record(1, at=day).next_due(day)
    assert due is None or day < due <= LATEST
    assert kpi.next_due(day) is None or kpi.next_due(day) >= date(2026, 1, 1)


@given(st.text(max_size=40) | st.binary(max_size=10) | st.integers() | st.floats())
def test_only_library_errors_escape_from_a_frequency(value):
    try:
        kpi = KPI("k", target=1, frequency=value).record(1, at=date(2026, 1, 1))
        kpi.is_overdue(date(2026, 6, 1))
    except OkrKpiError:
        pass


def test_a_word_that_is_no_frequency_is_told_the_words_there_are():
    with pytest.raises(ValidationError) as raised:
        KPI("k", target=1, frequency="fortnightly")
    message = str(raised.value)
    assert message.startswith("KPI.frequency: expected one of 'daily', 'weekly'")
    assert "or an RRULE like 'FREQ=WEEKLY;INTERVAL=2', got 'fortnightly'" in message
