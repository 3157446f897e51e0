"""Check-ins: dated values recorded against a key result."""

from __future__ import annotations

import math
from typing import Any

import attrs

from okrkpi._errors import ValidationError
from okrkpi._model._checks import plausible_date
from okrkpi._model.confidence import ConfidenceRating, to_confidence
from okrkpi._model.moments import Moment, moment_key

__all__ = ["CheckIn"]


def _value(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool):
        return
    if not isinstance(value, int | float):
        raise ValidationError.field("CheckIn.value", value, "a number or a bool")
    if not math.isfinite(value):
        raise ValidationError.field("CheckIn.value", value, "a finite number")


def _note(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str):
        raise ValidationError.field("CheckIn.note", value, "a string")


@attrs.frozen(slots=True)
class CheckIn:
    """A dated value for a key result, optionally with a confidence rating and a note.

    Attributes:
        value: The measured value: a number, or a bool for a binary key result.
        at: When it was measured: a `date`, or a `datetime` for finer order.
        confidence: The owner's confidence at that moment (a number 0..10 is converted).
        note: Free text, e.g. what changed.
    """

    value: float | bool = attrs.field(validator=_value)
    at: Moment = attrs.field(validator=plausible_date)
    confidence: ConfidenceRating | None = attrs.field(default=None, converter=to_confidence)
    note: str = attrs.field(default="", validator=_note)

    @property
    def key(self) -> int:
        """A sortable integer for `at` (microseconds; UTC for aware datetimes)."""
        return moment_key(self.at)
