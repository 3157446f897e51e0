"""Cycles: named date ranges (quarters, years, fiscal years, custom) that OKRs live in."""

from __future__ import annotations

import enum
import re
from datetime import date, datetime, timedelta
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from okrkpi._errors import ValidationError
from okrkpi._model._checks import check_date, field_path, instance_of, text

__all__ = ["Cycle", "CycleKind"]


class CycleKind(enum.Enum):
    """What sort of period a cycle is; it decides what `next()` and `previous()` mean."""

    QUARTER = "quarter"
    YEAR = "year"
    FISCAL_YEAR = "fiscal_year"
    FISCAL_QUARTER = "fiscal_quarter"
    CUSTOM = "custom"


_MONTHS = {
    CycleKind.QUARTER: 3,
    CycleKind.YEAR: 12,
    CycleKind.FISCAL_YEAR: 12,
    CycleKind.FISCAL_QUARTER: 3,
}

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


def _check_year(year: object) -> int:
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2199:
        raise ValidationError.field("Cycle.year", year, "a year from 1900 to 2199")
    return year


def _check_quarter(quarter: object) -> int:
    if not isinstance(quarter, int) or isinstance(quarter, bool) or not 1 <= quarter <= 4:
        raise ValidationError.field("Cycle.quarter", quarter, "a quarter from 1 to 4")
    return quarter


def _check_month(month: object) -> int:
    if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
        raise ValidationError.field("Cycle.start_month", month, "a month from 1 to 12")
    return month


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
    fiscal_start_month: int | None = attrs.field(default=None, kw_only=True)

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

    # -- named constructors -------------------------------------------------------------

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Cycle:
        """Calendar quarter: `Cycle.quarter(2026, 3)` is 2026-07-01..2026-09-30."""
        _check_year(year)
        _check_quarter(quarter)
        start = date(year, 3 * quarter - 2, 1)
        end = start + relativedelta(months=3, days=-1)
        return cls(f"{year}-Q{quarter}", start, end, kind=CycleKind.QUARTER)

    @classmethod
    def year(cls, year: int) -> Cycle:
        """Calendar year: `Cycle.year(2026)` is 2026-01-01..2026-12-31."""
        _check_year(year)
        return cls(str(year), date(year, 1, 1), date(year, 12, 31), kind=CycleKind.YEAR)

    @classmethod
    def fiscal_year(cls, year: int, *, start_month: int) -> Cycle:
        """Fiscal year named by the calendar year it ends in.

        `Cycle.fiscal_year(2027, start_month=4)` is 2026-04-01..2027-03-31;
        with `start_month=1` it is the calendar year 2027.
        """
        _check_year(year)
        _check_month(start_month)
        end = date(year, start_month, 1) - timedelta(days=1)
        if start_month == 1:
            end = date(year, 12, 31)
        start = end + relativedelta(days=1, years=-1)
        return cls(
            f"FY{year}",
            start,
            end,
            kind=CycleKind.FISCAL_YEAR,
            fiscal_start_month=start_month,
        )

    @classmethod
    def fiscal_quarter(cls, year: int, quarter: int, *, start_month: int) -> Cycle:
        """Quarter `quarter` of fiscal year `year`.

        `fiscal_quarter(2027, 1, start_month=4)` is 2026-04-01..2026-06-30.
        """
        fiscal = cls.fiscal_year(year, start_month=start_month)
        _check_quarter(quarter)
        start = fiscal.start + relativedelta(months=3 * (quarter - 1))
        end = start + relativedelta(months=3, days=-1)
        return cls(
            f"FY{year}-Q{quarter}",
            start,
            end,
            kind=CycleKind.FISCAL_QUARTER,
            fiscal_start_month=start_month,
        )

    @classmethod
    def parse(cls, text: str, *, start_month: int = 1) -> Cycle:
        """Read `"2026-Q3"`, `"2026"`, `"FY2027"` or `"FY2027-Q1"` (case-insensitive).

        Args:
            text: The cycle's name.
            start_month: The month fiscal years start in, for the `FY` forms.

        Raises:
            ValidationError: The text is none of the forms above.
        """
        if isinstance(text, str):
            cleaned = text.strip().upper()
            for pattern, form in _PATTERNS:
                match = pattern.fullmatch(cleaned)
                if match is None:
                    continue
                numbers = [int(group) for group in match.groups()]
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

    def contains(self, other: Cycle | date) -> bool:
        """Whether a date, or every day of another cycle, falls inside this one."""
        if isinstance(other, Cycle):
            return self.start <= other.start and other.end <= self.end
        if isinstance(other, date):
            day = other.date() if isinstance(other, datetime) else other
            return self.start <= day <= self.end
        raise ValidationError.field("Cycle.contains", other, "a Cycle or a date")

    def __contains__(self, other: object) -> bool:
        return isinstance(other, Cycle | date) and self.contains(other)

    def elapsed(self, as_of: date) -> float:
        """The linear share of the cycle elapsed `as_of`, in [0, 1].

        `(as_of - start).days / (end - start).days`, clamped; a one-day cycle is
        0.0 before its day and 1.0 from it on.
        """
        if not isinstance(as_of, date):
            raise ValidationError.field("as_of", as_of, "a date or datetime")
        day = as_of.date() if isinstance(as_of, datetime) else as_of
        span = (self.end - self.start).days
        if span == 0:
            return 0.0 if day < self.start else 1.0
        return min(1.0, max(0.0, (day - self.start).days / span))

    # -- navigation ---------------------------------------------------------------------

    def shifted(self, steps: int) -> Cycle:
        """The cycle `steps` periods later (earlier when negative), of the same kind.

        Custom cycles move by their own length in days and keep their name with an
        offset, e.g. `"Sprint 7 +1"`.
        """
        if not isinstance(steps, int) or isinstance(steps, bool):
            raise ValidationError.field("Cycle.shifted.steps", steps, "a whole number")
        if self.kind is CycleKind.CUSTOM:
            delta = timedelta(days=self.days * steps)
            suffix = f" {steps:+d}" if steps else ""
            return Cycle(f"{self.name}{suffix}", self.start + delta, self.end + delta)
        start = self.start + relativedelta(months=_MONTHS[self.kind] * steps)
        return self._of_kind_starting(start)

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
