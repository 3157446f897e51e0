"""Small numeric helpers shared by KPI trends and key-result forecasts."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["least_squares"]


def least_squares(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """`(slope, intercept)` of the least-squares line; slope 0 when all xs are equal.

    Any finite inputs are safe: both axes are divided by a power of two (exact) so that
    every value is at most 1 in size, the line is fitted there, and scaled back. No sum
    overflows and nothing is NaN; a slope or intercept too large for a float comes back
    infinite, for the caller to refuse.
    """
    n = len(xs)
    x_exponent = _exponent(xs)
    y_exponent = _exponent(ys)
    us = [math.ldexp(x, -x_exponent) for x in xs]
    vs = [math.ldexp(y, -y_exponent) for y in ys]
    mean_u = math.fsum(us) / n
    mean_v = math.fsum(vs) / n
    spread = math.fsum((u - mean_u) ** 2 for u in us)
    if spread == 0:
        return 0.0, _scaled(mean_v, y_exponent)
    slope = math.fsum((u - mean_u) * (v - mean_v) for u, v in zip(us, vs, strict=True)) / spread
    return _scaled(slope, y_exponent - x_exponent), _scaled(mean_v - slope * mean_u, y_exponent)


def _exponent(values: Sequence[float]) -> int:
    """The power of two that brings the largest value to at most 1 in size."""
    return math.frexp(max(abs(value) for value in values))[1]


def _scaled(value: float, exponent: int) -> float:
    """`value * 2**exponent`, infinite (not an error) when it is too large for a float."""
    try:
        return math.ldexp(value, exponent)
    except OverflowError:
        return math.copysign(math.inf, value)
