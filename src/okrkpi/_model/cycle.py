"""Cycles: named date ranges (quarters, years, fiscal years, custom) that OKRs live in."""

from __future__ import annotations

import enum
import operator
import re
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, SupportsIndex

import attrs

from okrkpi._errors import ValidationError
from okrkpi._model._checks import (
    EARLIEST,
    LATEST,
    check_date,
    check_moment,
    field_path,
    instance_of,
    is_number,
    query_rule,
    text,
)
from okrkpi._model.moments import DayOf
from okrkpi._model.moments import day_of as day_in

__all__ = ["CYCLE_OR_NAME", "Cycle", "CycleKind", "named_cycle"]


class CycleKind(enum.Enum):
    """What sort of period a cycle is; it decides what `next()` and `previous()` mean."""

    QUARTER = "quarter"
    YEAR = "year"
    FISCAL_YEAR = "fiscal_year"
    FISCAL_QUARTER = "fiscal_quarter"
    CUSTOM = "custom"


_MONTHS = MappingProxyType(
    {
        CycleKind.QUARTER: 3,
        CycleKind.YEAR: 12,
        CycleKind.FISCAL_YEAR: 12,
        CycleKind.FISCAL_QUARTER: 3,
    }
)

_ONE_DAY = timedelta(days=1)
_PLAUSIBLE = f"between {EARLIEST.isoformat()} and {LATEST.isoformat()}"
# No shift of more periods than there are days in the plausible range can stay inside it;
# bounding steps first keeps the arithmetic below small.
_MAX_STEPS = (LATEST - EARLIEST).days + 1
_STEPS = f"a whole number of steps to a cycle {_PLAUSIBLE}"

_PATTERNS = (
    (re.compile(r"(\d{4})-?Q([1-4])"), "quarter"),
    (re.compile(r"FY(\d{4})-?Q([1-4])"), "fiscal_quarter"),
    (re.compile(r"FY(\d{4})"), "fiscal_year"),
    (re.compile(r"(\d{4})"), "year"),
)


def _plain_date(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    path = field_path(instance, attribute)
    if isinstance(value, datetime):
        raise ValidationError.field(path, value, "a date (not a datetime)")
    check_date(path, value)


def _integral(value: object) -> int | None:
    """`value` as an `int` when it is a whole number of any kind, else None.

    3, np.int64(3), 3.0, Decimal(3) and Fraction(3) all are: frames hand out whole
    numbers as floats.
    """
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        pass
    if not is_number(value):
        return None
    try:
        number = int(value)  # type: ignore[call-overload]
    except (ValueError, OverflowError):  # NaN, infinity
        return None
    return number if number == value else None


_OFFSET = re.compile(r"(?P<base>.*\S) (?P<offset>[+-]\d{1,6})", re.ASCII)


def _whole(path: str, value: object, low: int, high: int, expectation: str) -> int:
    """A whole number from `low` to `high`, as a plain `int`; `bool` is refused."""
    number = None if isinstance(value, bool) else _integral(value)
    if number is None or not low <= number <= high:
        raise ValidationError.field(path, value, expectation)
    return number


def _check_year(year: object) -> int:
    return _whole(
        "Cycle.year",
        year,
        EARLIEST.year,
        LATEST.year,
        f"a year from {EARLIEST.year} to {LATEST.year}",
    )


def _check_quarter(quarter: object) -> int:
    return _whole("Cycle.quarter", quarter, 1, 4, "a quarter from 1 to 4")


def _check_month(month: object) -> int:
    return _whole("Cycle.start_month", month, 1, 12, "a month from 1 to 12")


def _month_number(value: SupportsIndex | None) -> Any:
    """Attrs converter: integers of any kind become `int`; the rest is checked later."""
    if value is None or isinstance(value, bool):
        return value
    number = _integral(value)
    return value if number is None else number


def _month_index(day: date) -> int:
    """Months since year 0, so that month arithmetic is integer arithmetic."""
    return day.year * 12 + day.month - 1


def _first_of(month_index: int) -> date:
    year, month = divmod(month_index, 12)
    return date(year, month + 1, 1)


def _named_dates(name: str, start_month: int) -> tuple[date, date] | None:
    """The dates a standard name stands for ("2026-Q3", "FY2027"), or None.

    As `Cycle.parse` reads it, fiscal years starting in `start_month`; None for a name
    of one's own ("Summer push").
    """
    matched = _standard_form(name)
    if matched is None:
        return None
    form, numbers = matched
    year = numbers[0]
    try:
        if form == "year":
            return date(year, 1, 1), date(year, 12, 31)
        if form == "quarter":
            first = date(year, 3 * numbers[1] - 2, 1)
            return first, _months_later(first, 3) - _ONE_DAY
        fiscal = date(year if start_month == 1 else year - 1, start_month, 1)
        if form == "fiscal_year":
            return fiscal, _months_later(fiscal, 12) - _ONE_DAY
        first = _months_later(fiscal, 3 * (numbers[1] - 1))
        return first, _months_later(first, 3) - _ONE_DAY
    except ValueError:  # year 0: no dates at all
        return None


def _standard_form(name: str) -> tuple[str, list[int]] | None:
    """The standard form a cycle's name is written in ("quarter", ...), and its numbers.

    Case and blanks at the ends do not count; None for a name of one's own.
    """
    written = name.strip().upper()
    for pattern, form in _PATTERNS:
        match = pattern.fullmatch(written)
        if match is not None:
            return form, [int(group) for group in match.groups()]
    return None


def _months_later(first: date, months: int) -> date:
    """The first day of the month `months` after the month of `first`."""
    return _first_of(_month_index(first) + months)


@attrs.frozen(slots=True)
class Cycle:
    """A named date range; both ends are inclusive.

    Build one with a named constructor (`Cycle.quarter(2026, 3)`, `Cycle.year(2026)`,
    `Cycle.fiscal_year(2027, start_month=4)`, `Cycle.parse("2026-Q3")`) or directly
    for a custom range: `Cycle("Sprint 7", date(2026, 3, 2), date(2026, 3, 13))`.

    Attributes:
        name: How people refer to it, e.g. `"2026-Q3"`.
        start: First day.
        end: Last day (inclusive); not before `start`.
        kind: What sort of period it is; named constructors set it.
        fiscal_start_month: The month a fiscal year starts in, for fiscal kinds.
    """

    name: str = attrs.field(validator=text)
    start: date = attrs.field(validator=_plain_date)
    end: date = attrs.field(validator=_plain_date)
    kind: CycleKind = attrs.field(
        default=CycleKind.CUSTOM, kw_only=True, validator=instance_of(CycleKind, "a CycleKind")
    )
    fiscal_start_month: int | None = attrs.field(
        default=None, kw_only=True, converter=_month_number
    )

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError.field(
                "Cycle.end", self.end, f"a date on or after start {self.start.isoformat()}"
            )
        fiscal = self.kind in (CycleKind.FISCAL_YEAR, CycleKind.FISCAL_QUARTER)
        if fiscal:
            _check_month(self.fiscal_start_month)
        elif self.fiscal_start_month is not None:
            raise ValidationError.field(
                "Cycle.fiscal_start_month", self.fiscal_start_month, "None for a non-fiscal cycle"
            )
        if self.kind is not CycleKind.CUSTOM:
            self._check_kind()

    def _check_kind(self) -> None:
        """A quarter's or a year's dates are that period's, and so is its name, if standard.

        `next()` steps by the kind: a "quarter" of other dates would step wrongly, and
        "2026-Q4" on the dates of 2026-Q3 would be scored in a quarter it does not name.
        """
        months = _MONTHS[self.kind]
        first_month = 1 if self.fiscal_start_month is None else self.fiscal_start_month
        starts = (self.start.month - first_month) % months == 0
        if (
            self.start.day != 1
            or not starts
            or self.end != _months_later(self.start, months) - _ONE_DAY
        ):
            period = {3: "three months", 12: "twelve months"}[months]
            raise ValidationError.field(
                "Cycle.kind",
                self.kind.value,
                f"'custom' for {self.start.isoformat()}..{self.end.isoformat()} (a "
                f"{self.kind.value} is {period} from the 1st of a month it starts in)",
            )
        named = _named_dates(self.name, first_month)
        if named is not None and named != (self.start, self.end):
            raise ValidationError.field(
                "Cycle.name",
                self.name,
                f"{self._standard_name(first_month)!r} for {self.start.isoformat()}.."
                f"{self.end.isoformat()} (it names {named[0].isoformat()}.."
                f"{named[1].isoformat()}), or a name of its own",
            )

    def _standard_name(self, first_month: int) -> str:
        """The name the named constructor gives these dates of this kind."""
        start = self.start
        if self.kind is CycleKind.QUARTER:
            return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        if self.kind is CycleKind.YEAR:
            return str(start.year)
        months_in = (start.month - first_month) % 12  # since the fiscal year began
        began = start.year if start.month >= first_month else start.year - 1
        ends_in = began + (0 if first_month == 1 else 1)
        if self.kind is CycleKind.FISCAL_YEAR:
            return f"FY{ends_in}"
        return f"FY{ends_in}-Q{months_in // 3 + 1}"

    # -- named constructors -------------------------------------------------------------

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Cycle:
        """Calendar quarter: `Cycle.quarter(2026, 3)` is 2026-07-01..2026-09-30."""
        year = _check_year(year)
        quarter = _check_quarter(quarter)
        start = date(year, 3 * quarter - 2, 1)
        end = _months_later(start, 3) - _ONE_DAY
        return cls(f"{year}-Q{quarter}", start, end, kind=CycleKind.QUARTER)

    @classmethod
    def year(cls, year: int) -> Cycle:
        """Calendar year: `Cycle.year(2026)` is 2026-01-01..2026-12-31."""
        year = _check_year(year)
        return cls(str(year), date(year, 1, 1), date(year, 12, 31), kind=CycleKind.YEAR)

    @classmethod
    def fiscal_year(cls, year: int, *, start_month: int) -> Cycle:
        """Fiscal year named by the calendar year it ends in.

        `Cycle.fiscal_year(2027, start_month=4)` is 2026-04-01..2027-03-31;
        with `start_month=1` it is the calendar year 2027. A fiscal year always starts on
        the first of its start month, so consecutive fiscal years neither overlap nor
        leave a gap.

        Raises:
            ValidationError: A year outside 1900..2199, a start month outside 1..12, or
                FY1900 starting in 1899 (before the plausible range).
        """
        year = _check_year(year)
        start_month = _check_month(start_month)
        first_year = year if start_month == 1 else year - 1
        if first_year < EARLIEST.year:
            raise ValidationError.field(
                "Cycle.year", year, f"a fiscal year starting on or after {EARLIEST.isoformat()}"
            )
        return cls._fiscal(f"FY{year}", date(first_year, start_month, 1), 12, start_month)

    @classmethod
    def fiscal_quarter(cls, year: int, quarter: int, *, start_month: int) -> Cycle:
        """Quarter `quarter` of fiscal year `year`.

        `fiscal_quarter(2027, 1, start_month=4)` is 2026-04-01..2026-06-30.
        """
        fiscal = cls.fiscal_year(year, start_month=start_month)
        quarter = _check_quarter(quarter)
        start = _months_later(fiscal.start, 3 * (quarter - 1))
        return cls._fiscal(f"FY{fiscal.end.year}-Q{quarter}", start, 3, start_month)

    @classmethod
    def _fiscal(cls, name: str, start: date, months: int, start_month: int) -> Cycle:
        kind = CycleKind.FISCAL_YEAR if months == 12 else CycleKind.FISCAL_QUARTER
        end = _months_later(start, months) - _ONE_DAY
        return cls(name, start, end, kind=kind, fiscal_start_month=start_month)

    @classmethod
    def parse(cls, text: str, *, start_month: int = 1) -> Cycle:
        """Read `"2026-Q3"`, `"2026"`, `"FY2027"` or `"FY2027-Q1"` (case-insensitive).

        Args:
            text: The cycle's name.
            start_month: The month fiscal years start in, for the `FY` forms.

        Raises:
            ValidationError: The text is none of the forms above, or a bad start month.
        """
        _check_month(start_month)
        matched = _standard_form(text) if isinstance(text, str) else None
        if matched is not None:
            form, numbers = matched
            if form == "quarter":
                return cls.quarter(numbers[0], numbers[1])
            if form == "fiscal_quarter":
                return cls.fiscal_quarter(numbers[0], numbers[1], start_month=start_month)
            if form == "fiscal_year":
                return cls.fiscal_year(numbers[0], start_month=start_month)
            return cls.year(numbers[0])
        raise ValidationError.field(
            "Cycle.parse", text, "a cycle name like '2026-Q3', '2026', 'FY2027' or 'FY2027-Q1'"
        )

    # -- queries ------------------------------------------------------------------------

    @property
    def days(self) -> int:
        """Number of days in the cycle, both ends included."""
        return (self.end - self.start).days + 1

    def contains(self, other: Cycle | date, *, day_of: DayOf | str = DayOf.LOCAL) -> bool:
        """Whether a date, or every day of another cycle, falls inside this one.

        A datetime is in the cycle when its day, by the rule `day_of`, is: by default an
        aware datetime's own local day, so `2026-09-30T18:30-07:00` is in 2026-Q3.

        Raises:
            ValidationError: `other` is neither, or `day_of` is no day rule
                (`Cycle.contains.day_of`), whatever `other` is.
        """
        rule = query_rule("Cycle.contains", None, day_of)
        if isinstance(other, Cycle):
            return self.start <= other.start and other.end <= self.end
        if isinstance(other, date):
            check_moment("Cycle.contains.other", other, "a Cycle or a date")
            day = day_in(other, rule)
            return self.start <= day <= self.end
        raise ValidationError.field("Cycle.contains.other", other, "a Cycle or a date")

    def __contains__(self, other: object) -> bool:
        return isinstance(other, Cycle | date) and self.contains(other)

    def elapsed(self, as_of: date, *, day_of: DayOf | str = DayOf.LOCAL) -> float:
        """The linear share of the cycle elapsed `as_of`, in [0, 1].

        `(as_of - start).days / (end - start).days`, clamped; a one-day cycle is
        0.0 before its day and 1.0 from it on. A datetime counts as its day by `day_of`.

        Raises:
            ValidationError: `as_of` is not a date or datetime, or `day_of` is no day rule.
        """
        day = day_in(as_of, query_rule("Cycle.elapsed", as_of, day_of, optional=False))
        span = (self.end - self.start).days
        if span == 0:
            return 0.0 if day < self.start else 1.0
        return min(1.0, max(0.0, (day - self.start).days / span))

    # -- navigation ---------------------------------------------------------------------

    def shifted(self, steps: int) -> Cycle:
        """The cycle `steps` periods later (earlier when negative), of the same kind.

        Custom cycles move by their own length in days and keep their name with an
        offset, e.g. `"Sprint 7 +1"`; offsets add up, so moving that back gives
        `"Sprint 7"` again.

        Raises:
            ValidationError: `steps` is not a whole number, or the cycle it leads to would
                leave the plausible range (1900-01-01..2199-12-31).
        """
        count = _whole("Cycle.shifted.steps", steps, -_MAX_STEPS, _MAX_STEPS, _STEPS)
        try:
            if self.kind is CycleKind.CUSTOM:
                return self._custom_shifted(count)
            index = _month_index(self.start) + _MONTHS[self.kind] * count
            if not _month_index(EARLIEST) <= index <= _month_index(LATEST):
                raise ValidationError.field("Cycle.shifted.steps", steps, _STEPS)
            return self._of_kind_starting(_first_of(index))
        except ValidationError:
            raise ValidationError.field("Cycle.shifted.steps", steps, _STEPS) from None

    def _custom_shifted(self, count: int) -> Cycle:
        start = self.start.toordinal() + self.days * count
        if not EARLIEST.toordinal() <= start <= LATEST.toordinal() - self.days + 1:
            raise ValidationError.field("Cycle.shifted.steps", count, _STEPS)
        # An offset already in the name adds up: "Sprint 7 +1" moved back is "Sprint 7".
        found = _OFFSET.fullmatch(self.name)
        base, already = (found["base"], int(found["offset"])) if found else (self.name, 0)
        total = already + count
        moved = date.fromordinal(start)
        name = f"{base} {total:+d}" if total else base
        return Cycle(name, moved, moved + (self.end - self.start))

    def next(self) -> Cycle:
        """The following cycle of the same kind (`2026-Q4` after `2026-Q3`)."""
        return self.shifted(1)

    def previous(self) -> Cycle:
        """The preceding cycle of the same kind."""
        return self.shifted(-1)

    def quarters(self) -> tuple[Cycle, Cycle, Cycle, Cycle]:
        """The four quarters of a year or fiscal year.

        Raises:
            ValidationError: The cycle is not a year or fiscal year.
        """
        if self.kind is CycleKind.YEAR:
            year = self.start.year
            return (
                Cycle.quarter(year, 1),
                Cycle.quarter(year, 2),
                Cycle.quarter(year, 3),
                Cycle.quarter(year, 4),
            )
        if self.kind is CycleKind.FISCAL_YEAR:
            month = self.fiscal_start_month
            assert month is not None
            year = self.end.year
            return (
                Cycle.fiscal_quarter(year, 1, start_month=month),
                Cycle.fiscal_quarter(year, 2, start_month=month),
                Cycle.fiscal_quarter(year, 3, start_month=month),
                Cycle.fiscal_quarter(year, 4, start_month=month),
            )
        raise ValidationError.field("Cycle.kind", self.kind.value, "a year or fiscal year")

    def _of_kind_starting(self, start: date) -> Cycle:
        if self.kind is CycleKind.QUARTER:
            return Cycle.quarter(start.year, (start.month - 1) // 3 + 1)
        if self.kind is CycleKind.YEAR:
            return Cycle.year(start.year)
        month = self.fiscal_start_month
        assert month is not None
        fiscal_year = start.year if month == 1 or start.month < month else start.year + 1
        if self.kind is CycleKind.FISCAL_YEAR:
            return Cycle.fiscal_year(fiscal_year, start_month=month)
        quarter = ((start.month - month) % 12) // 3 + 1
        return Cycle.fiscal_quarter(fiscal_year, quarter, start_month=month)

    def __str__(self) -> str:
        return f"{self.name} ({self.start.isoformat()}..{self.end.isoformat()})"


CYCLE_OR_NAME = "a Cycle or a cycle name such as '2027-Q1' or 'FY2027'"


def named_cycle(path: str, name: str) -> Cycle:
    """The cycle a name stands for (`Cycle.parse`), or a `ValidationError` naming `path`.

    Where a cycle may be given by name (`Objective(cycle="2027-Q1")`, `status(kr,
    "2026-Q3")`), a name that does not parse is reported at that argument.
    """
    try:
        return Cycle.parse(name)
    except ValidationError:
        raise ValidationError.field(path, name, CYCLE_OR_NAME) from None
