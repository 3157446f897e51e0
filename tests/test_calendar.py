"""Cycles against the calendar: every plausible year and start month, and hostile arguments."""

import math
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkpi import Cycle, OkrKpiError, ValidationError, serde
from okrkpi._model._checks import EARLIEST, LATEST

YEARS = range(EARLIEST.year, LATEST.year + 1)
MONTHS = range(1, 13)
DAY = timedelta(days=1)


def expected_fiscal_year(year, start_month):
    """The fiscal year ending in `year`, written out from the definition."""
    if start_month == 1:
        return date(year, 1, 1), date(year, 12, 31)
    return date(year - 1, start_month, 1), date(year, start_month, 1) - DAY


def test_a_march_fiscal_year_starting_in_a_leap_year_starts_on_the_first():
    fiscal = Cycle.fiscal_year(2025, start_month=3)
    assert (fiscal.start, fiscal.end) == (date(2024, 3, 1), date(2025, 2, 28))
    assert [(q.start, q.end) for q in fiscal.quarters()] == [
        (date(2024, 3, 1), date(2024, 5, 31)),
        (date(2024, 6, 1), date(2024, 8, 31)),
        (date(2024, 9, 1), date(2024, 11, 30)),
        (date(2024, 12, 1), date(2025, 2, 28)),
    ]
    assert fiscal.previous() == Cycle.fiscal_year(2024, start_month=3)
    assert fiscal.previous().end == date(2024, 2, 29)
    assert Cycle.parse("FY2025", start_month=3) == fiscal
    assert serde.from_dict(serde.to_dict(fiscal), Cycle) == fiscal


def test_every_fiscal_year_and_start_month_tiles_the_calendar():
    checked = 0
    for start_month in MONTHS:
        earlier = None
        for year in YEARS:
            start, end = expected_fiscal_year(year, start_month)
            if start < EARLIEST:
                with pytest.raises(ValidationError, match=r"Cycle\.year"):
                    Cycle.fiscal_year(year, start_month=start_month)
                continue
            fiscal = Cycle.fiscal_year(year, start_month=start_month)
            assert (fiscal.start, fiscal.end) == (start, end), fiscal
            assert Cycle.parse(f"FY{year}", start_month=start_month) == fiscal
            if earlier is not None:
                assert earlier.end + DAY == fiscal.start  # no overlap, no gap
                assert earlier.next() == fiscal
                assert fiscal.previous() == earlier
            quarters = fiscal.quarters()
            assert quarters[0].start == fiscal.start
            assert quarters[-1].end == fiscal.end
            for before, after in zip(quarters, quarters[1:], strict=False):
                assert before.end + DAY == after.start
                assert before.next() == after
                assert after.previous() == before
            assert all(q.start.day == 1 and (q.end + DAY).day == 1 for q in quarters)
            assert all(fiscal.contains(q) for q in quarters)
            earlier = fiscal
            checked += 1
    assert checked == len(YEARS) * 12 - 11  # FY1900 starts in 1899 unless it starts in January


def test_every_calendar_quarter_and_year_tiles_the_calendar():
    earlier = None
    for year in YEARS:
        quarters = Cycle.year(year).quarters()
        assert quarters[0].start == date(year, 1, 1)
        assert quarters[-1].end == date(year, 12, 31)
        for quarter in quarters:
            if earlier is not None:
                assert earlier.end + DAY == quarter.start
                assert earlier.next() == quarter
                assert quarter.previous() == earlier
            earlier = quarter


def test_navigation_stops_at_the_plausible_range_with_a_validation_error():
    with pytest.raises(ValidationError, match=r"Cycle\.shifted\.steps"):
        Cycle.quarter(LATEST.year, 4).next()
    with pytest.raises(ValidationError, match=r"Cycle\.shifted\.steps"):
        Cycle.year(EARLIEST.year).previous()
    with pytest.raises(ValidationError, match=r"Cycle\.shifted\.steps"):
        Cycle("sprint", LATEST - DAY, LATEST).next()
    last = Cycle.year(2026).shifted(LATEST.year - 2026)
    assert last == Cycle.year(LATEST.year)
    sprint = Cycle("sprint", date(2026, 3, 2), date(2026, 3, 15))
    assert sprint.shifted(-3).start == date(2026, 3, 2) - 42 * DAY


@pytest.mark.parametrize(
    "steps",
    [10**20, -(10**20), 10**400, 2**63, 10**6],
    ids=["1e20", "-1e20", "1e400", "2^63", "1e6"],
)
@pytest.mark.parametrize(
    "cycle",
    [
        Cycle.quarter(2026, 1),
        Cycle.year(2026),
        Cycle.fiscal_year(2026, start_month=4),
        Cycle.fiscal_quarter(2026, 2, start_month=7),
        Cycle("sprint", date(2026, 3, 2), date(2026, 3, 15)),
    ],
    ids=lambda cycle: cycle.kind.value,
)
def test_huge_shifts_name_the_argument(cycle, steps):
    with pytest.raises(ValidationError, match=r"Cycle\.shifted\.steps"):
        cycle.shifted(steps)


def test_whole_numbers_of_other_types_are_whole_numbers():
    numpy = pytest.importorskip("numpy")
    assert Cycle.quarter(numpy.int64(2026), numpy.int32(3)) == Cycle.quarter(2026, 3)
    assert Cycle.year(2026).shifted(numpy.int64(1)) == Cycle.year(2027)
    fiscal = Cycle.fiscal_year(numpy.int16(2027), start_month=numpy.uint8(4))
    assert fiscal.fiscal_start_month == 4
    assert type(fiscal.fiscal_start_month) is int


ARGUMENTS = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.integers(min_value=-3000, max_value=3000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=5e-324, max_value=1.7e308),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.fractions(),
    st.booleans(),
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["2026-Q3", "FY2027", "FY2027-Q5", "0000", "9999-Q1", "FY1900", " 2026 "]),
    st.dates(),
    st.builds(Decimal, st.integers(min_value=1, max_value=2300)),
    st.builds(Fraction, st.integers(min_value=1, max_value=2300)),
)
try:
    import numpy

    ARGUMENTS = ARGUMENTS | st.builds(
        lambda kind, value: kind(value),
        st.sampled_from([numpy.int64, numpy.float64, numpy.int16, numpy.float32, numpy.bool_]),
        st.integers(min_value=-100, max_value=3000),
    )
except ImportError:  # numpy is optional: the other values still run
    pass

CYCLES = st.sampled_from(
    [
        Cycle.quarter(2026, 3),
        Cycle.year(1900),
        Cycle.year(2199),
        Cycle.fiscal_year(2025, start_month=3),
        Cycle.fiscal_quarter(2199, 4, start_month=1),
        Cycle("one day", date(2026, 1, 1), date(2026, 1, 1)),
        Cycle("span", EARLIEST, LATEST),
    ]
)


def call_every_cycle_api(cycle, first, second, third):
    yield lambda: Cycle.quarter(first, second)
    yield lambda: Cycle.year(first)
    yield lambda: Cycle.fiscal_year(first, start_month=second)
    yield lambda: Cycle.fiscal_quarter(first, second, start_month=third)
    yield lambda: Cycle.parse(first, start_month=second)
    yield lambda: Cycle(first, second, third)
    yield lambda: Cycle("x", date(2026, 1, 1), date(2026, 2, 1), kind=first)
    yield lambda: Cycle(
        "x", date(2026, 1, 1), date(2026, 2, 1), kind=cycle.kind, fiscal_start_month=first
    )
    yield lambda: cycle.shifted(first)
    yield lambda: cycle.contains(first)
    yield lambda: first in cycle
    yield lambda: cycle.elapsed(first)


@given(CYCLES, ARGUMENTS, ARGUMENTS, ARGUMENTS)
def test_only_library_errors_escape_from_cycles(cycle, first, second, third):
    for call in call_every_cycle_api(cycle, first, second, third):
        try:
            result = call()
        except OkrKpiError:
            continue
        if isinstance(result, Cycle):
            assert EARLIEST <= result.start <= result.end <= LATEST
        elif isinstance(result, float):
            assert math.isfinite(result)


@pytest.mark.parametrize("three", [3, 3.0, Decimal(3), Fraction(3)], ids=lambda v: type(v).__name__)
def test_a_whole_number_of_any_kind_is_a_quarter_a_year_or_a_month(three):
    # A frame's integer column with a gap comes out as floats: 3.0 is still 3.
    assert Cycle.quarter(2026, three) == Cycle.quarter(2026, 3)
    assert Cycle.year(2023 + three) == Cycle.year(2026)
    assert Cycle.fiscal_year(2027, start_month=three + 1) == Cycle.fiscal_year(2027, start_month=4)
    for not_whole in (3.5, Decimal("3.5"), Fraction(7, 2), True, "3"):
        with pytest.raises(ValidationError, match=r"Cycle\.quarter"):
            Cycle.quarter(2026, not_whole)


def test_a_custom_cycle_moved_and_moved_back_is_itself():
    sprint = Cycle("Sprint 7", date(2026, 3, 2), date(2026, 3, 13))
    assert sprint.next().previous() == sprint
    assert sprint.next().next() == sprint.shifted(2)
    assert sprint.shifted(2).name == "Sprint 7 +2"
    assert sprint.shifted(-1).name == "Sprint 7 -1"
