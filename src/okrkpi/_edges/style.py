"""The one home of colours: grades, statuses, health and zones, for charts, HTML and reviews.

The verdict colours are Okabe and Ito's colour-blind-safe set, with a deeper purple for
MISSED and a light grey for "no verdict yet": under simulated protanopia, deuteranopia
and tritanopia every two statuses stay apart (a CIELAB distance above 15). Each keeps a
contrast of at least 2:1 against a white and against a dark notebook background, and
text on a badge of that colour takes the ink (`ink_on`) that reads at 4.5:1 or better.
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = ["COLOURS", "GUIDE", "NEUTRAL", "SERIES", "colour_of", "contrast", "ink_on"]

_BLUE, _GREEN, _ORANGE, _VERMILLION = "#0072b2", "#009e73", "#e69f00", "#d55e00"
_PURPLE, _GREY = "#a8467e", "#b0b0b0"

NEUTRAL = _GREY
"""The colour of anything without a verdict (no data, not started)."""

GUIDE = "#595959"
"""Reference marks that carry no verdict: expected lines, the as-of day, outlines."""

COLOURS = MappingProxyType(
    {
        # grades
        "RED": _VERMILLION,
        "YELLOW": _ORANGE,
        "GREEN": _GREEN,
        # statuses
        "ON_TRACK": _GREEN,
        "ACHIEVED": _BLUE,
        "BEHIND": _ORANGE,
        "AT_RISK": _VERMILLION,
        "MISSED": _PURPLE,
        "NOT_STARTED": _GREY,
        # KPI health
        "HEALTHY": _GREEN,
        "WARNING": _ORANGE,
        "UNHEALTHY": _VERMILLION,
        "UNKNOWN": _GREY,
        # zones
        "FAIL": _VERMILLION,
        "COMMIT": _ORANGE,
        "TARGET": _GREEN,
        "STRETCH": _BLUE,
    }
)
"""Colour by the name of a grade, status, health or zone (`COLOURS["AT_RISK"]`)."""

SERIES = ("#77aadd", "#ee8866", "#aa4499", "#117733", "#cc79a7", "#ee6677", "#999933", "#44bb99")
"""Colours for lines that carry no verdict, in order (one objective each).

Apart from the verdict colours, so no line reads as a status (an orange line as
"Behind"), and from the guide grey; eight, so the eight lines a chart draws in colour
never repeat one. From Paul Tol's and Okabe and Ito's colour-blind-safe sets: under
simulated protanopia, deuteranopia and tritanopia every two stay apart (a CIELAB
distance above 10), and each keeps a contrast of 2:1 on a light and a dark background.
"""


def colour_of(name: str) -> str:
    """The colour of a grade, status, health or zone by name (any case); grey if unknown."""
    return COLOURS.get(name.upper(), NEUTRAL)


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a `#rrggbb` colour."""
    channels = [int(colour[start : start + 2], 16) / 255 for start in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two `#rrggbb` colours, from 1 (none) to 21."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def ink_on(colour: str) -> str:
    """Black or white, whichever reads better as text on `colour` (a `#rrggbb` colour)."""
    return "#000000" if contrast(colour, "#000000") >= contrast(colour, "#ffffff") else "#ffffff"
