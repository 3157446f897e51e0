"""The one home of colours: grades, statuses, health and zones, for charts, HTML and reviews.

Mid-tone colours that keep their contrast on light and dark notebook themes alike; text
on a badge is always white.
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = ["COLOURS", "NEUTRAL", "SERIES", "colour_of"]

_GREEN, _AMBER, _RED, _DARK_RED, _GREY = "#188038", "#e37400", "#d93025", "#a50e0e", "#80868b"

NEUTRAL = _GREY
"""The colour of anything without a verdict (no data, not started)."""

COLOURS = MappingProxyType(
    {
        # grades
        "RED": _RED,
        "YELLOW": _AMBER,
        "GREEN": _GREEN,
        # statuses
        "ON_TRACK": _GREEN,
        "ACHIEVED": "#137333",
        "BEHIND": _AMBER,
        "AT_RISK": _RED,
        "MISSED": _DARK_RED,
        "NOT_STARTED": _GREY,
        # KPI health
        "HEALTHY": _GREEN,
        "WARNING": _AMBER,
        "UNHEALTHY": _RED,
        "UNKNOWN": _GREY,
        # zones
        "FAIL": _RED,
        "COMMIT": _AMBER,
        "TARGET": _GREEN,
        "STRETCH": "#1967d2",
    }
)
"""Colour by the name of a grade, status, health or zone (`COLOURS["AT_RISK"]`)."""

SERIES = ("#1967d2", "#e37400", "#188038", "#9334e6", "#d01884", "#12b5cb", "#80868b")
"""Colours for lines that carry no verdict, in order (one objective each)."""


def colour_of(name: str) -> str:
    """The colour of a grade, status, health or zone by name (any case); grey if unknown."""
    return COLOURS.get(name.upper(), NEUTRAL)
