"""Points in time as sortable integers, so `as_of` filters are a bisect, not a scan.

A check-in may be dated with a `date` (it counts from the start of that day) or a
`datetime`. An `as_of` date means "as it stood at the end of that day". Aware datetimes
are compared in UTC; naive ones as written. Mixing naive and aware datetimes in one
history is rejected, since their order would be a guess.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from okrkpi._errors import ValidationError

__all__ = ["DAY", "Moment", "as_of_bound", "end_of_day_key", "is_aware", "moment_key"]

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
        if moment.utcoffset() is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
        return moment.toordinal() * DAY + seconds * 1_000_000 + moment.microsecond
    return moment.toordinal() * DAY


def end_of_day_key(day: date) -> int:
    """The largest key on `day` (a plain date): what an `as_of` date still sees."""
    return day.toordinal() * DAY + DAY - 1


def as_of_bound(as_of: Moment, *, history_aware: bool | None, owner: str) -> int:
    """The largest key still visible `as_of`: the end of the day for a date.

    Raises:
        ValidationError: `as_of` is not a date, or mixes naive and aware with the history.
    """
    if not isinstance(as_of, date):
        raise ValidationError.field("as_of", as_of, "a date or datetime")
    if isinstance(as_of, datetime):
        aware = is_aware(as_of)
        if history_aware is not None and aware != history_aware:
            kind = "aware" if history_aware else "naive"
            raise ValidationError.field(
                "as_of", as_of, f"a {kind} datetime like the check-ins of {owner}"
            )
        return moment_key(as_of)
    return end_of_day_key(as_of)
