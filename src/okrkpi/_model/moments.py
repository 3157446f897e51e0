"""Points in time as sortable integers, and the day a moment falls on.

A check-in may be dated with a `date` (it counts from the start of that day) or a
`datetime`. Moments are ordered by their instant: aware datetimes compare in UTC, naive
ones as written, and mixing naive and aware datetimes in one history is rejected, since
their order would be a guess. Which calendar day a moment falls on is a rule, `DayOf`:
an aware datetime's own local day by default, or its UTC day. An `as_of` date means "as
it stood at the end of that day": every moment whose day is on or before it.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from okrkpi._errors import ValidationError

__all__ = [
    "DAY",
    "DayOf",
    "Moment",
    "day_number",
    "day_of",
    "day_rule",
    "is_aware",
    "moment_key",
]


class DayOf(enum.Enum):
    """Which calendar day a moment falls on; `ScoringPolicy(day_of=...)` chooses.

    A plain date is its own day and a naive datetime falls on its date as written, under
    either rule. The rules differ for an aware datetime:

    - `LOCAL` (the default): the calendar day in its own UTC offset, the day on the
      clock where it was recorded. `2026-09-30T18:30-07:00` falls on 30 September.
    - `UTC`: the calendar day in UTC. The same moment falls on 1 October.
    """

    LOCAL = "local"
    UTC = "utc"


def day_rule(value: DayOf | str, path: str = "day_of") -> DayOf:
    """A day rule from a `DayOf` or its value in any case (`"local"`, `"UTC"`).

    Raises:
        ValidationError: Anything else, naming `path`.
    """
    if value.__class__ is DayOf:
        return value
    if isinstance(value, str):
        wanted = value.strip().lower()
        for member in DayOf:
            if member.value == wanted:
                return member
    raise ValidationError.field(path, value, "a DayOf or one of 'local', 'utc'")


Moment = date | datetime
"""A check-in or measurement date: a `date`, or a `datetime` for finer order."""

DAY = 86_400_000_000  # microseconds in a day


def is_aware(moment: Moment) -> bool | None:
    """True for aware datetimes, False for naive ones, None for plain dates."""
    if isinstance(moment, datetime):
        return moment.utcoffset() is not None
    return None


def moment_key(moment: Moment) -> int:
    """Microseconds since 0001-01-01 (UTC for aware datetimes)."""
    if isinstance(moment, datetime):
        seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
        key = moment.toordinal() * DAY + seconds * 1_000_000 + moment.microsecond
        offset = moment.utcoffset()
        if offset is not None:  # integer arithmetic: no overflow near the ends of time
            key -= (offset.days * 86_400 + offset.seconds) * 1_000_000 + offset.microseconds
        return key
    return moment.toordinal() * DAY


def day_of(moment: Moment, rule: DayOf | str = DayOf.LOCAL) -> date:
    """The calendar day a moment falls on, by `rule`.

    The date itself; a naive datetime's date as written; an aware datetime's date in its
    own offset (`LOCAL`) or in UTC (`UTC`).

    Raises:
        ValidationError: `rule` is no day rule, whatever the moment (a plain date is its
            own day under either rule, but a misspelt rule is still a mistake).
    """
    if rule.__class__ is not DayOf:
        rule = day_rule(rule)
    if isinstance(moment, datetime):
        if rule is DayOf.UTC:
            offset = moment.utcoffset()
            if offset:
                try:
                    return (moment - offset).date()
                except OverflowError:  # within hours of the ends of time: as written
                    return moment.date()
        return moment.date()
    return moment


def day_number(moment: Moment) -> float:
    """Days since 0001-01-01 as a float (UTC for aware datetimes): a scale for trends."""
    return moment_key(moment) / DAY
