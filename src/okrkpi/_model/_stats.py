"""Small numeric helpers shared by KPI trends and key-result forecasts."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["least_squares"]


def least_squares(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """`(slope, intercept)` of the least-squares line; slope 0 when all xs are equal."""
    n = len(xs)
    mean_x = math.fsum(xs) / n
    mean_y = math.fsum(ys) / n
    spread = math.fsum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return 0.0, mean_y
    slope = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return slope, mean_y - slope * mean_x
