"""(probability, outcome) pairs as users bring them: checked, and made plain floats."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from decimal import Decimal

from okrkpi._errors import ValidationError

__all__ = ["checked_pairs"]


def checked_pairs(path: str, pairs: object) -> list[tuple[float, float]]:
    """`(probability, outcome)` pairs as floats, each outcome 1.0 (met) or 0.0.

    A probability is any real number in [0, 1] (numpy, `Decimal` and `Fraction` too); an
    outcome is a bool (numpy's too) or 0/1.

    Raises:
        ValidationError: Naming `path`, or the position of a malformed pair
            (`path[3]`, `path[3].probability`, `path[3].met`).
    """
    if isinstance(pairs, str | bytes | Mapping) or not isinstance(pairs, Iterable):
        raise ValidationError.field(path, pairs, "an iterable of (probability, met) pairs")
    checked = []
    for position, pair in enumerate(pairs):
        where = f"{path}[{position}]"
        if isinstance(pair, str | bytes | Mapping):
            raise ValidationError.field(where, pair, "a (probability, met) pair")
        try:
            probability, met = pair
        except (TypeError, ValueError):
            raise ValidationError.field(where, pair, "a (probability, met) pair") from None
        checked.append(
            (_probability(f"{where}.probability", probability), _met(f"{where}.met", met))
        )
    return checked


def _real(value: object) -> bool:
    """A real number that compares safely: no bool, no NaN or infinite `Decimal`."""
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _probability(path: str, value: object) -> float:
    if not _real(value) or not 0 <= value <= 1:  # type: ignore[operator]
        raise ValidationError.field(path, value, "a number in [0, 1]")
    return float(value)  # type: ignore[arg-type]


def _met(path: str, value: object) -> float:
    if isinstance(value, bool) or getattr(getattr(value, "dtype", None), "kind", None) == "b":
        return 1.0 if value else 0.0
    if _real(value) and value in (0, 1):
        return 1.0 if value == 1 else 0.0
    raise ValidationError.field(path, value, "True or False (or 1 or 0)")
