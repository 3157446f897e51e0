"""How explanations print numbers: short where that is safe, every digit needed where not.

A person reads an explanation's numbers against the edges they know (grade bands at
0.4 and 0.7, a committed objective's 1.0, pace limits): `0.69999` printed as `0.70`
reads as reaching 0.7, which it does not, and `0.39999999` as `0.4` contradicts the RED
beside it. So every explanation prints its numbers through this module:

- `exact` for numbers someone gave (a metric's start, target and check-in, a weight,
  a threshold): the shortest text that reads back as the same float, never rounded;
- `shown` for numbers the library computed (progress, a score, the expected pace): short
  (two decimals or four significant digits) unless the short text would reach a multiple
  of 0.05 the number does not reach, or the other way (every edge of the built-in
  strategies sits on one, reached within `EDGE_TOLERANCE`); then with as many digits as
  it takes. Float noise the edges absorb is no such crossing: `0.3999999999999999`
  prints as `0.4`;
- `shown_together` for numbers a formula combines: each `shown`, then more digits for all
  of them until the formula recomputed from the printed numbers agrees with its result.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from okrkpi._model.tolerance import reaches

__all__ = ["exact", "percent", "shown", "shown_together", "sum_of", "weight_of"]

_BEYOND_EDGES = 1e15
_EDGE_STEP = 20  # edges sit on multiples of 1/20 = 0.05 (0.25, 0.4, 0.7, 0.75, 0.95, 1.0)

# The ways to print a computed number, shortest first; the last, 17 digits, is exact.
_SIGNIFICANT = tuple(f".{digits}g" for digits in range(4, 18))
_TWO_DECIMALS = (".2f", *_SIGNIFICANT)
_MORE_DIGITS = (4, 6, 9, 12)  # significant digits a formula's parts try, then exact


def exact(number: float) -> str:
    """A given number as given: `2.4`, `100`, `1e+308`; every digit it needs, none rounded."""
    text = f"{number:g}"
    return text if float(text) == number else repr(float(number))


def sum_of(total: float) -> str:
    """A sum of given numbers as a person adds them: `0.1 + 0.2` prints `0.3`.

    Twelve significant digits keep every digit the given numbers carry and drop the noise
    of adding floats.
    """
    return f"{total:.12g}" if math.isfinite(total) else repr(total)


def weight_of(number: float) -> str:
    """A weight in a formula: as given (`0.6`), or six digits for a share such as 1/6.

    A computed share (`key_results_and_children` gives each child 1/6) prints `0.166667`.
    """
    given = exact(number)
    return given if len(given) <= 8 else f"{number:.6g}"


def percent(share: float) -> str:
    """A computed share as a percentage, `33%`, with the digits `shown` needs near edges."""
    return f"{float(shown(share, decimals=True)) * 100:.10g}%"


def _fits(number: float, text: str) -> bool:
    """Whether `text` reaches the same edges as `number`, for the edges nearest to either.

    An edge is reached within `EDGE_TOLERANCE` (`okrkpi._model.tolerance.reaches`), so
    `0.3999999999999999` may print as `0.4`, and `0.69999` may not print as `0.7`.
    """
    back = float(text)
    if not (abs(number) < _BEYOND_EDGES and abs(back) < _BEYOND_EDGES):
        return True  # past 1e15 a step of 0.05 is below what a float can tell apart
    nearest = {round(back * _EDGE_STEP) / _EDGE_STEP, round(number * _EDGE_STEP) / _EDGE_STEP}
    return all(reaches(back, edge) is reaches(number, edge) for edge in nearest)


def _styles(decimals: bool) -> tuple[str, ...]:
    return _TWO_DECIMALS if decimals else _SIGNIFICANT


def _first_fit(number: float, styles: Sequence[str]) -> str:
    if not math.isfinite(number):
        return repr(number)
    texts = (format(number, style) for style in styles)
    return next(text for text in texts if _fits(number, text))  # 17 digits always fit


def shown(number: float, *, decimals: bool = False) -> str:
    """A computed number, short where no edge lies between it and its short text.

    Args:
        number: The number to print.
        decimals: Try two decimals first (`0.50`), as a formula's parts read, instead of
            four significant digits (`0.5`).
    """
    number += 0.0  # -0.0, as a falling metric at its start gives, prints as 0
    if abs(number) < _BEYOND_EDGES and number == math.floor(number):
        return f"{number:.2f}" if decimals else f"{number:.0f}"
    return _first_fit(number, _styles(decimals))


def shown_together(
    numbers: Sequence[float],
    agrees: Callable[[Sequence[float]], bool],
    *,
    decimals: bool = False,
) -> list[str]:
    """`numbers` printed at the fewest digits at which `agrees(the printed numbers)` holds.

    `agrees` recomputes what the numbers are printed for (a mean, a pace verdict) from the
    numbers as printed and says whether a reader gets the stated result. Every number is
    printed as `shown` prints it, then with more digits, all together; at the end exact.
    """
    texts = [shown(number, decimals=decimals) for number in numbers]
    if agrees([float(text) for text in texts]):
        return texts
    for digits in _MORE_DIGITS:  # a few steps: each one recomputes the formula
        if decimals:  # one style for every part: 1.00 beside 0.333333, not 1
            texts = [_decimal_fit(number, digits) for number in numbers]
        else:
            texts = [_first_fit(number, _SIGNIFICANT[digits - 4 :]) for number in numbers]
        if agrees([float(text) for text in texts]):
            return texts
    return [exact(number) for number in numbers]


def _decimal_fit(number: float, digits: int) -> str:
    """`number` with at least `digits` decimals that fit, trailing zeros cut to two."""
    if not math.isfinite(number):
        return repr(number)
    for places in range(digits, 18):
        text = f"{number:.{places}f}"
        if _fits(number, text) or places == 17:
            whole, _, fraction = text.partition(".")
            return f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"
    raise AssertionError("unreachable")  # pragma: no cover
