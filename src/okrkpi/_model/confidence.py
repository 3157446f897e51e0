"""Confidence ratings: 0..10, where 5/10 means a 50% chance of achieving the key result."""

from __future__ import annotations

import enum
import math
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from okrkpi._errors import ValidationError
from okrkpi._model._checks import check_finite, finite_float, is_number, set_floats
from okrkpi._model.tolerance import reaches

__all__ = [
    "ConfidenceLabel",
    "ConfidenceRating",
    "decimal_product",
    "decimal_ratio",
    "to_confidence",
]


def decimal_ratio(numerator: float, denominator: float) -> float:
    """`numerator / denominator` worked on the numbers as written, rounded once.

    A rating of 9.1 is 91%: dividing the binary float 9.1 by 10 gives
    `0.9099999999999999`, while the decimal 9.1 over 10 is 0.91. Working on each float's
    shortest decimal form keeps a probability written with up to 15 significant digits
    the same number after a trip through the 0..10 scale, and back.
    """
    return float(Decimal(repr(float(numerator))) / Decimal(repr(float(denominator))))


def decimal_product(left: float, right: float) -> float:
    """`left * right` worked on the numbers as written, rounded once (see `decimal_ratio`)."""
    return float(Decimal(repr(float(left))) * Decimal(repr(float(right))))


class ConfidenceLabel(enum.Enum):
    """Coarse confidence, as people often say it.

    Cut-offs on the 0..10 scale: LOW below 4, MEDIUM from 4 to below 7, HIGH from 7.
    Going from a label to a rating takes a round rating inside its band: 2, 5 (the even
    chance) and 8. A `ConfidenceScale` maps its labels to its bands' middles instead
    (`low_medium_high()` reads "medium" as 0.55): a tool's own scale, not this one.
    """

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


_LABEL_RATING = MappingProxyType(
    {ConfidenceLabel.LOW: 2.0, ConfidenceLabel.MEDIUM: 5.0, ConfidenceLabel.HIGH: 8.0}
)


def _in_range(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_finite("ConfidenceRating.value", value)
    if not 0 <= value <= 10:
        raise ValidationError.field("ConfidenceRating.value", value, "a rating from 0 to 10")


@attrs.frozen(slots=True, order=True)
class ConfidenceRating:
    """How likely the owner thinks a key result is to be met, on a 0..10 scale.

    `ConfidenceRating(7).probability == 0.7`. Adapters convert from a probability
    (`from_probability(0.7)`) and from a label (`from_label("high")`).

    Attributes:
        value: The rating, from 0 (no chance) to 10 (certain).
    """

    value: float = attrs.field(validator=_in_range)

    def __attrs_post_init__(self) -> None:
        set_floats(self, "value")

    @property
    def probability(self) -> float:
        """The rating as a probability in [0, 1]: 9.1 is 0.91, the decimal shift."""
        return decimal_ratio(self.value, 10.0)

    @property
    def label(self) -> ConfidenceLabel:
        """LOW below 4, MEDIUM below 7, HIGH from 7 (each edge within `EDGE_TOLERANCE`)."""
        probability = self.probability
        if reaches(probability, 0.7):
            return ConfidenceLabel.HIGH
        if reaches(probability, 0.4):
            return ConfidenceLabel.MEDIUM
        return ConfidenceLabel.LOW

    @classmethod
    def from_probability(cls, probability: float) -> ConfidenceRating:
        """`from_probability(0.7)` is `ConfidenceRating(7.0)`.

        The decimal shift of the probability as written, so `from_probability(0.91)` is
        9.1 and its `probability` is 0.91 again.

        Raises:
            ValidationError: The probability is not a finite number in [0, 1].
        """
        check_finite("ConfidenceRating.probability", probability)
        if not 0 <= probability <= 1:
            raise ValidationError.field(
                "ConfidenceRating.probability", probability, "a probability from 0 to 1"
            )
        return cls(decimal_product(probability, 10.0))

    @classmethod
    def from_label(cls, label: ConfidenceLabel | str) -> ConfidenceRating:
        """A round rating inside the label's band: low 2, medium 5, high 8."""
        try:
            given = label.strip().lower() if isinstance(label, str) else label
            return cls(_LABEL_RATING[ConfidenceLabel(given)])
        except ValueError:
            raise ValidationError.field(
                "ConfidenceRating.label", label, "one of 'low', 'medium', 'high'"
            ) from None

    def __str__(self) -> str:
        shown = int(self.value) if math.isclose(self.value, round(self.value)) else self.value
        return f"{shown}/10"


def to_confidence(
    value: ConfidenceRating | ConfidenceLabel | float | str | None,
) -> ConfidenceRating | None:
    """Attrs converter: accept a rating, a number on the 0..10 scale, a label, or None."""
    if value is None or isinstance(value, ConfidenceRating):
        return value
    if isinstance(value, str | ConfidenceLabel):
        return ConfidenceRating.from_label(value)
    if is_number(value) and 0 < finite_float("confidence", value) < 1:
        # Almost always a probability meant as one: 0.7 would silently become 7%.
        raise ValidationError.field(
            "confidence",
            value,
            "a rating from 0 to 10 (this looks like a probability: use "
            f"ConfidenceRating.from_probability({value}) or {float(value) * 10:g})",
        )
    return ConfidenceRating(value)
