"""Points in time as sortable integers, so `as_of` filters are a bisect, not a scan.

A check-in may be dated with a `date` (it counts from the start of that day) or a
`datetime`. An `as_of` date means "as it stood at the end of that day". Aware datetimes
are compared in UTC, and fall on their UTC day; naive ones as written. Mixing naive and
aware datetimes in one history is rejected, since their order would be a guess.
"""

from __future__ import annotations

from datetime import date, datetime

__all__ = ["DAY", "Moment", "day_number", "day_of", "is_aware", "moment_key"]

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


def day_of(moment: Moment) -> date:
    """The calendar day of a moment.

    The date itself; a naive datetime's date as written; an aware datetime's date in UTC,
    the day its time key falls in, so a check-in is inside a cycle exactly when it counts
    for it.
    """
    if isinstance(moment, datetime):
        offset = moment.utcoffset()
        if offset:
            try:
                return (moment - offset).date()
            except OverflowError:  # within hours of the ends of time: the date as written
                return moment.date()
        return moment.date()
    return moment


def day_number(moment: Moment) -> float:
    """Days since 0001-01-01 as a float (UTC for aware datetimes): a scale for trends."""
    return moment_key(moment) / DAY
