"""Monitoring schedules: a KPI's frequency as a recurrence rule of days, searched in bounded time.

A frequency may come from a document, so a rule is checked when it is read: one RFC 5545
RRULE (no DTSTART, EXDATE, RDATE or EXRULE), a FREQ of DAILY or coarser, no time-of-day
parts, no COUNT, and at least one day it can ever fall on.

Every search is bounded. `dateutil` looks for the next occurrence period by period and,
when none matches, only stops after the year 9999. The Gregorian calendar repeats exactly
every 400 years (weekdays, leap years, week numbers), so a search is run 7,600 years later,
where that stop comes 200 years after the plausible range ends, and its answer is moved
back: no search looks at more than 500 years of periods. Nothing after `LATEST`
(2199-12-31) is ever due.
"""

from __future__ import annotations

import calendar
import functools
import re
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

from okrkpi._errors import ValidationError
from okrkpi._model._checks import LATEST

__all__ = ["Schedule", "cadence", "parse_rule"]

# 19 Gregorian cycles: `LATEST` moved by this is still before the year 9999.
_SHIFT_YEARS = 7600
_CYCLE_START = datetime(2000 + _SHIFT_YEARS, 1, 1)  # one whole 400-year cycle before 9999 ends

_PARTS = frozenset(
    {
        "FREQ",
        "INTERVAL",
        "UNTIL",
        "WKST",
        "BYMONTH",
        "BYWEEKNO",
        "BYYEARDAY",
        "BYMONTHDAY",
        "BYDAY",
        "BYSETPOS",
    }
)
_NAMES = ", ".join(sorted(_PARTS))
_DAYS = frozenset({"BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY"})
_REFUSED = MappingProxyType(
    {
        "COUNT": "an RRULE without COUNT (the schedule restarts at every measurement; use UNTIL)",
        "BYHOUR": "an RRULE of days, without BYHOUR",
        "BYMINUTE": "an RRULE of days, without BYMINUTE",
        "BYSECOND": "an RRULE of days, without BYSECOND",
        "BYEASTER": "an RFC 5545 RRULE, without BYEASTER",
    }
)
_FREQUENCIES = MappingProxyType(
    {"YEARLY": YEARLY, "MONTHLY": MONTHLY, "WEEKLY": WEEKLY, "DAILY": DAILY}
)
_PERIOD_DAYS = MappingProxyType(
    {YEARLY: 366, MONTHLY: 31, WEEKLY: 7}
)  # the most days a period holds
_UNTIL = re.compile(r"(\d{4})(\d{2})(\d{2})(T\d{6}Z?)?", re.ASCII)
_INTERVAL = re.compile(r"\d{1,9}", re.ASCII)
_POSITION = re.compile(r"[+-]?\d{1,3}", re.ASCII)
_LONGEST = 1000  # characters: a real rule is far shorter, and parsed rules are cached
_NTH = re.compile(r"^[+-]?\d+", re.ASCII)


class Schedule:
    """A validated rule of due days; `next_after` searches it from an anchor day.

    A MONTHLY or YEARLY rule that picks no days itself (no BYMONTHDAY, BYYEARDAY, BYWEEKNO,
    BYDAY or BYSETPOS) takes its day of the month from the anchor. Anchored on the 29th or
    30th it falls on the last day of a shorter month, and anchored on the last day of a
    month (28 February included) it stays on month ends, where RFC 5545 would skip months.
    """

    __slots__ = ("_follows_anchor", "_needs_month", "_template", "_until")

    def __init__(
        self, template: rrule, *, freq: int, names: frozenset[str], until: date | None = None
    ) -> None:
        self._template = template
        self._until = LATEST if until is None else min(until, LATEST)
        picks_days = bool(names & (_DAYS | {"BYSETPOS"}))
        self._follows_anchor = freq in (YEARLY, MONTHLY) and not picks_days
        self._needs_month = freq == YEARLY and "BYMONTH" not in names

    def next_after(self, anchor: date, *, inclusive: bool) -> date | None:
        """The first due day after `anchor` (or on it if `inclusive`); None if none by `LATEST`."""
        start = _later(anchor)
        changes: dict[str, Any] = {"dtstart": start, "until": _later(self._until)}
        wanted = None
        month_end = anchor.day == _month_length(anchor)
        if self._follows_anchor and (month_end or anchor.day > 28):
            wanted = 31 if month_end else anchor.day
            changes["bymonthday"] = (wanted, -1)
            if self._needs_month:
                changes["bymonth"] = anchor.month
        try:
            for found in self._template.replace(**changes).xafter(start, inc=inclusive):
                day = found.date()
                if wanted is None or day.day == min(wanted, _month_length(day)):
                    return day.replace(year=day.year - _SHIFT_YEARS)
        except ValueError:  # the search reached the year 10000, far past `LATEST`
            return None
        return None


def _later(day: date) -> datetime:
    return datetime(day.year + _SHIFT_YEARS, day.month, day.day)


def _month_length(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def cadence(freq: int, interval: int) -> Schedule:
    """Every `interval` periods of `freq` from the anchor (what `Frequency` members mean)."""
    template = rrule(freq, interval=interval, dtstart=_CYCLE_START)  # type: ignore[arg-type]
    return Schedule(template, freq=freq, names=frozenset({"FREQ", "INTERVAL"}))


@functools.lru_cache(maxsize=256)
def parse_rule(path: str, text: str) -> tuple[str, Schedule]:
    """Check an RRULE read from a user; returns its canonical text and its schedule.

    Raises:
        ValidationError: Naming `path` and the text, for anything but one RRULE of days
            that can occur.
    """
    if len(text) > _LONGEST:
        raise ValidationError.field(path, text, f"an RRULE of at most {_LONGEST} characters")
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    if "\n" in body or "\r" in body or ":" in body:
        raise ValidationError.field(
            path, text, "exactly one RRULE, without DTSTART, EXDATE, RDATE or EXRULE"
        )
    parts: dict[str, str] = {}
    for part in body.upper().split(";"):
        name, equals, value = part.partition("=")
        name = name.strip()
        if name in _REFUSED:
            raise ValidationError.field(path, text, _REFUSED[name])
        if not equals or name not in _PARTS or name in parts:
            raise ValidationError.field(path, text, f"RRULE parts, once each, among {_NAMES}")
        parts[name] = value.strip()
    freq = _FREQUENCIES.get(parts.get("FREQ", ""))
    if freq is None:
        raise ValidationError.field(
            path, text, "an RRULE with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY (due dates are days)"
        )
    _check_interval(path, text, parts.get("INTERVAL", "1"))
    _check_positions(path, text, freq, parts.get("BYSETPOS"))
    _check_ranges(path, text, parts)
    until = _until(path, text, parts.pop("UNTIL", None))
    canonical = ";".join(f"{name}={value}" for name, value in parts.items())
    try:
        template = rrulestr(f"RRULE:{canonical}", dtstart=_CYCLE_START)
        assert isinstance(template, rrule)  # one RRULE line parses to one rule
        feasible = _can_occur(freq, parts, template)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        # dateutil's parser reports a bad value with any of these
        raise ValidationError.field(path, text, "a valid RRULE") from None
    if not feasible:
        raise ValidationError.field(path, text, "an RRULE that falls on at least one day")
    if until is not None:
        canonical += f";UNTIL={until.strftime('%Y%m%d')}"
    return canonical, Schedule(template, freq=freq, names=frozenset(parts), until=until)


def _check_interval(path: str, text: str, value: str) -> None:
    if _INTERVAL.fullmatch(value) is None or int(value) < 1:
        raise ValidationError.field(path, text, "an RRULE INTERVAL from 1 to 999999999")


def _check_positions(path: str, text: str, freq: int, value: str | None) -> None:
    if value is None:
        return
    if freq == DAILY:
        raise ValidationError.field(path, text, "no BYSETPOS with FREQ=DAILY (one day a period)")
    most = _PERIOD_DAYS[freq]
    for position in value.split(","):
        if _POSITION.fullmatch(position) is None or not 1 <= abs(int(position)) <= most:
            raise ValidationError.field(
                path, text, f"BYSETPOS positions from 1 to {most} or -{most} to -1"
            )


# RFC 5545's ranges; dateutil takes some values outside them (BYMONTH=13, BYMONTHDAY=0).
_RANGES = MappingProxyType(
    {
        "BYMONTH": (1, 12, False),
        "BYMONTHDAY": (1, 31, True),
        "BYYEARDAY": (1, 366, True),
        "BYWEEKNO": (1, 53, True),
    }
)  # name -> (lowest, highest, negatives allowed)


def _check_ranges(path: str, text: str, parts: dict[str, str]) -> None:
    for name, (lowest, highest, signed) in _RANGES.items():
        if name not in parts:
            continue
        for item in parts[name].split(","):
            number = int(item) if _POSITION.fullmatch(item) else 0
            if not lowest <= (abs(number) if signed else number) <= highest:
                allowed = f"{lowest} to {highest}" + (
                    f" or -{highest} to -{lowest}" if signed else ""
                )
                raise ValidationError.field(path, text, f"{name} values from {allowed}")


def _until(path: str, text: str, value: str | None) -> date | None:
    if value is None:
        return None
    match = _UNTIL.fullmatch(value)
    try:
        if match is None:
            raise ValueError(value)
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValidationError.field(path, text, "an UNTIL date such as 20261231") from None


def _can_occur(freq: int, parts: dict[str, str], template: rrule) -> bool:
    """Whether any day passes the rule's day filters in a whole 400-year cycle.

    A rule without its own day filters takes its day from the anchor, which always exists.
    Otherwise the filters are tried as a YEARLY rule, one period a year (cheap even when
    nothing matches), with each BYDAY meaning what it means at the rule's FREQ. A
    BYSETPOS picks within the rule's own periods, so that rule itself is searched: at
    most 400 years of weeks, months or years, the search being cached with the rule.
    """
    if "BYSETPOS" in parts:
        try:
            return template.after(_CYCLE_START, inc=True) is not None
        except ValueError:  # the search ran past the year 9999: nothing in a whole cycle
            return False
    if not parts.keys() & _DAYS:
        return True
    probe = {name: parts[name] for name in ("WKST", "BYMONTH", *sorted(_DAYS)) if name in parts}
    if freq == MONTHLY and "BYMONTH" not in probe:
        probe["BYMONTH"] = ",".join(str(month) for month in range(1, 13))  # nth within months
    if freq in (WEEKLY, DAILY) and "BYDAY" in probe:
        probe["BYDAY"] = ",".join(_NTH.sub("", day) for day in probe["BYDAY"].split(","))
    filters = ";".join(f"{name}={value}" for name, value in probe.items())
    rule = rrulestr(f"RRULE:FREQ=YEARLY;{filters}", dtstart=_CYCLE_START)
    return rule.after(_CYCLE_START, inc=True) is not None
