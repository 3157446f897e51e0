"""Confidence scales: how a tool records confidence, mapped to probabilities and back.

Tools record confidence differently: a number from 0 to 10, low / medium / high, red /
yellow / green, or named bands of their own. A `ConfidenceScale` turns any of them into
the probability okrkpi works with (and a `ConfidenceRating`), so calibration and reviews
read the same whatever tool the numbers came from.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from okrkpi._errors import ValidationError
from okrkpi._model._checks import check_text, finite_float, is_number
from okrkpi._model.confidence import ConfidenceRating, decimal_product, decimal_ratio
from okrkpi._model.tolerance import reaches

__all__ = ["ConfidenceBand", "ConfidenceScale", "band_index"]


def band_index(lows: Sequence[float], probability: float) -> int:
    """The position of the band `probability` falls in, given each band's lower edge.

    The highest band whose lower edge it reaches, within `EDGE_TOLERANCE` (bands run from
    0 to 1 without gaps, lowest first, so each band's upper end is the next one's lower
    edge, and 1.0 belongs to the top band). Used by `ConfidenceScale.band` and by the
    calibration table alike, so a rating is counted in the band its label names.
    """
    for position in range(len(lows) - 1, 0, -1):
        if reaches(probability, lows[position]):
            return position
    return 0


@attrs.frozen(slots=True)
class ConfidenceBand:
    """A named range of probabilities, e.g. "medium" from 40% to 70%.

    Attributes:
        name: The label the tool shows.
        low: The lowest probability in the band (inclusive).
        high: The upper end (exclusive, except 1.0 for the top band).
        probability: What the label stands for as a probability; the band's middle if None.
        colour: A CSS colour for displays, if the tool has one.
    """

    name: str
    low: float
    high: float
    probability: float | None = attrs.field(default=None, kw_only=True)
    colour: str | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        check_text("ConfidenceBand.name", self.name)
        for field in ("low", "high"):
            value = finite_float(f"ConfidenceBand.{field}", getattr(self, field))
            if not 0.0 <= value <= 1.0:
                raise ValidationError.field(f"ConfidenceBand.{field}", value, "0..1")
            object.__setattr__(self, field, value)
        if reaches(self.low, self.high):  # narrower than float noise: no value is in it
            raise ValidationError.field(
                "ConfidenceBand.high", self.high, f"above {self.low!r} by more than 1e-09"
            )
        if self.probability is not None:
            value = finite_float("ConfidenceBand.probability", self.probability)
            # In the band as `from_probability` reads it: its upper end belongs to the next
            # band, except 1.0; otherwise a label's probability reads back as another label.
            inside = reaches(value, self.low) and not reaches(value, self.high)
            if not (inside or value == self.high == 1.0):
                raise ValidationError.field(
                    "ConfidenceBand.probability",
                    value,
                    f"within {self.low!r}..{self.high!r}, the upper end excluded below 1.0",
                )
            object.__setattr__(self, "probability", value)
        if self.colour is not None:
            check_text("ConfidenceBand.colour", self.colour)

    @property
    def stands_for(self) -> float:
        """The probability the label stands for: `probability`, or the band's middle.

        The middle of the edges as written: 0.45 for a band from 0.3 to 0.6, where the
        float arithmetic would give 0.44999999999999996.
        """
        if self.probability is not None:
            return self.probability
        return float((Decimal(repr(self.low)) + Decimal(repr(self.high))) / 2)


def _bands(value: Iterable[ConfidenceBand]) -> tuple[ConfidenceBand, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError.field("ConfidenceScale.bands", value, "a sequence of bands")
    bands = tuple(value)
    for band in bands:
        if not isinstance(band, ConfidenceBand):
            raise ValidationError.field("ConfidenceScale.bands", band, "a ConfidenceBand")
    return bands


@attrs.frozen(slots=True)
class ConfidenceScale:
    """A tool's confidence scale: numbers from 0 to `maximum`, or named bands.

    A numeric scale maps `value / maximum` to a probability. A banded scale's bands run
    from 0 to 1 without gaps, lowest first; a label maps to the probability its band
    stands for, a probability to the band it falls in. Labels match in any case.

    Attributes:
        name: The scale's name, e.g. `"workboard"`.
        bands: The named bands, lowest first; empty for a numeric scale.
        maximum: The top of a numeric scale (10 for 0..10); None for a banded one.
    """

    name: str
    bands: tuple[ConfidenceBand, ...] = attrs.field(default=(), converter=_bands)
    maximum: float | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        check_text("ConfidenceScale.name", self.name)
        if self.maximum is not None:
            maximum = finite_float("ConfidenceScale.maximum", self.maximum)
            if maximum <= 0 or self.bands:
                raise ValidationError.field(
                    "ConfidenceScale.maximum", self.maximum, "a number > 0, without bands"
                )
            object.__setattr__(self, "maximum", maximum)
            return
        if not self.bands:
            raise ValidationError.field("ConfidenceScale.bands", (), "bands, or a maximum")
        names = [band.name.lower() for band in self.bands]
        if len(set(names)) != len(names):
            raise ValidationError.field("ConfidenceScale.bands", names, "names used once")
        edges = [band.low for band in self.bands] + [self.bands[-1].high]
        seams = [(before.high, after.low) for before, after in itertools.pairwise(self.bands)]
        if edges[0] != 0.0 or edges[-1] != 1.0 or any(a != b for a, b in seams):
            raise ValidationError.field(
                "ConfidenceScale.bands",
                [(band.low, band.high) for band in self.bands],
                "bands from 0 to 1, lowest first, each starting where the last ended",
            )

    # -- built-in scales ----------------------------------------------------------------

    @classmethod
    def ten_point(cls) -> ConfidenceScale:
        """0..10, as okrkpi's own ratings and puzzle/okr record it: 7 means 70%."""
        return cls("ten_point", maximum=10)

    @classmethod
    def low_medium_high(cls) -> ConfidenceScale:
        """Low / medium / high with medium from 40% to 70%, as WorkBoard shows it."""
        return cls(
            "low_medium_high",
            (
                ConfidenceBand("low", 0.0, 0.4, colour="#d9534f"),
                ConfidenceBand("medium", 0.4, 0.7, colour="#f0ad4e"),
                ConfidenceBand("high", 0.7, 1.0, colour="#5cb85c"),
            ),
        )

    @classmethod
    def traffic_light(cls) -> ConfidenceScale:
        """Red / yellow / green, cut at 50% and 70%, as Tability shows it."""
        return cls(
            "traffic_light",
            (
                ConfidenceBand("red", 0.0, 0.5, colour="#d9534f"),
                ConfidenceBand("yellow", 0.5, 0.7, colour="#f0ad4e"),
                ConfidenceBand("green", 0.7, 1.0, colour="#5cb85c"),
            ),
        )

    @classmethod
    def named_bands(cls) -> ConfidenceScale:
        """Named bands with ranges and colours, the way Quantive lets admins define them.

        An example set: "off track" below 30%, "at risk" to 60%, "progressing" to 85%,
        "on track" above. Build your own `ConfidenceScale` to match your tool's settings.
        """
        return cls(
            "named_bands",
            (
                ConfidenceBand("off track", 0.0, 0.3, colour="#d9534f"),
                ConfidenceBand("at risk", 0.3, 0.6, colour="#f0ad4e"),
                ConfidenceBand("progressing", 0.6, 0.85, colour="#5bc0de"),
                ConfidenceBand("on track", 0.85, 1.0, colour="#5cb85c"),
            ),
        )

    # -- conversions --------------------------------------------------------------------

    @property
    def labels(self) -> tuple[str, ...]:
        """The band names, lowest first; empty for a numeric scale."""
        return tuple(band.name for band in self.bands)

    def band_named(self, label: str) -> ConfidenceBand:
        """The band a label names, in any case."""
        wanted = label.strip().lower() if isinstance(label, str) else label
        for band in self.bands:
            if band.name.lower() == wanted:
                return band
        raise ValidationError.field(
            f"ConfidenceScale({self.name!r}).label",
            label,
            "one of " + ", ".join(repr(name) for name in self.labels),
        )

    def band(self, probability: float) -> ConfidenceBand:
        """The band a probability falls in (banded scales only).

        The highest band whose lower edge it reaches, within `EDGE_TOLERANCE`: a
        probability a hair below an edge, as float arithmetic leaves it, is in the band
        above.
        """
        chance = _probability(self.name, probability)
        if not self.bands:
            raise ValidationError.field(f"ConfidenceScale({self.name!r})", self.name, "bands")
        return self.bands[band_index([band.low for band in self.bands], chance)]

    def to_probability(self, value: str | float) -> float:
        """The probability a value of this scale stands for: `"medium"` -> 0.55, 7 -> 0.7."""
        if self.maximum is None:
            if not isinstance(value, str):
                raise ValidationError.field(
                    f"ConfidenceScale({self.name!r}).value", value, "a label of the scale"
                )
            return self.band_named(value).stands_for
        if not is_number(value):
            raise ValidationError.field(
                f"ConfidenceScale({self.name!r}).value", value, f"a number 0..{self.maximum:g}"
            )
        number = finite_float(f"ConfidenceScale({self.name!r}).value", value)
        if not 0.0 <= number <= self.maximum:
            raise ValidationError.field(
                f"ConfidenceScale({self.name!r}).value", value, f"a number 0..{self.maximum:g}"
            )
        return decimal_ratio(number, self.maximum)

    def from_probability(self, probability: float) -> str | float:
        """This scale's value for a probability: the band's label, or the number."""
        if self.maximum is not None:
            return decimal_product(_probability(self.name, probability), self.maximum)
        return self.band(probability).name

    def rating(self, value: str | float) -> ConfidenceRating:
        """A value of this scale as okrkpi's `ConfidenceRating`, for a check-in."""
        return ConfidenceRating.from_probability(self.to_probability(value))


def _probability(scale: str, value: object) -> float:
    chance = finite_float(f"ConfidenceScale({scale!r}).probability", value)
    if not 0.0 <= chance <= 1.0:
        raise ValidationError.field(f"ConfidenceScale({scale!r}).probability", value, "0..1")
    return chance
