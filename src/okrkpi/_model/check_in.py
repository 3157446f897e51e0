"""Check-ins: dated values recorded against a key result."""

from __future__ import annotations

import math
from datetime import date

import attrs

from okrkpi._errors import ValidationError
from okrkpi._model._checks import EARLIEST, LATEST, check_date
from okrkpi._model.confidence import ConfidenceRating, to_confidence
from okrkpi._model.moments import Moment, moment_key

__all__ = ["CheckIn"]


@attrs.frozen(slots=True)
class CheckIn:
    """A dated value for a key result, optionally with a confidence rating and a note.

    Attributes:
        value: The measured value: a number, or a bool for a binary key result.
        at: When it was measured: a `date`, or a `datetime` for finer order.
        confidence: The owner's confidence at that moment (a number 0..10 is converted).
        note: Free text, e.g. what changed.
    """

    value: float | bool
    at: Moment
    confidence: ConfidenceRating | None = attrs.field(default=None, converter=to_confidence)
    note: str = ""

    def __attrs_post_init__(self) -> None:
        # One check for all fields instead of a validator each: an org holds millions of
        # check-ins, and the common case (a float on a plain date) costs two type tests.
        value = self.value
        if value.__class__ is not float or value - value != 0.0:
            _check_value(value)
        at = self.at
        if at.__class__ is not date or not EARLIEST <= at <= LATEST:
            check_date("CheckIn.at", at)
        if self.note.__class__ is not str and not isinstance(self.note, str):
            raise ValidationError.field("CheckIn.note", self.note, "a string")

    @property
    def key(self) -> int:
        """A sortable integer for `at` (microseconds; UTC for aware datetimes)."""
        return moment_key(self.at)


def _check_value(value: object) -> None:
    if isinstance(value, bool):
        return
    if not isinstance(value, int | float):
        raise ValidationError.field("CheckIn.value", value, "a number or a bool")
    if not math.isfinite(value):
        raise ValidationError.field("CheckIn.value", value, "a finite number")
