"""How a number is compared with an edge: a grade band, a pace limit, a zone, a band.

Scores are computed in floating point, and decimal inputs land a hair off the number a
person computes on paper: `(2.4 - 2.0) / (3.0 - 2.0)` is `0.3999999999999999`, not
`0.4`. Every edge in okrkpi is therefore reached by a value within `EDGE_TOLERANCE`
below it. The tolerance is far above float noise near 1 (about 1e-16) and far below any
difference a person means (a check-in of 0.399 is still short of 0.4).
"""

from __future__ import annotations

from okrkpi._errors import ValidationError
from okrkpi._model._checks import finite_float

__all__ = ["EDGE_TOLERANCE", "checked_tolerance", "reaches", "within"]

EDGE_TOLERANCE = 1e-9
"""A value this close below an edge counts as reaching it (grades, pace, zones, bands)."""

_LARGEST_TOLERANCE = 1e-3  # a tolerance absorbs float noise; it is not a band of its own


def reaches(value: float, edge: float, tolerance: float = EDGE_TOLERANCE) -> bool:
    """Whether `value` reaches `edge` from below: `value >= edge - tolerance`."""
    return value >= edge - tolerance


def within(value: float, limit: float, tolerance: float = EDGE_TOLERANCE) -> bool:
    """Whether `value` stays within `limit` from below: `value <= limit + tolerance`."""
    return value <= limit + tolerance


def checked_tolerance(path: str, value: object) -> float:
    """A strategy's `tolerance=` argument: a number from 0 to 0.001.

    Raises:
        ValidationError: Not a number, or outside 0..0.001, naming `path`.
    """
    tolerance = finite_float(path, value)
    if not 0.0 <= tolerance <= _LARGEST_TOLERANCE:
        raise ValidationError.field(path, value, f"a number from 0 to {_LARGEST_TOLERANCE:g}")
    return tolerance
