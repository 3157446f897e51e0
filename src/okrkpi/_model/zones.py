"""Commit, target and stretch zones: where a check-in lands between baseline and stretch.

A zoned key result has a baseline and three values on the way to its stretch: commit
(what the team promises), target (what it aims for) and stretch (the best case). By
default commit is 30% and target 70% of the way from baseline to stretch.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from okrkpi._model.tolerance import reaches

__all__ = ["DEFAULT_COMMIT_SHARE", "DEFAULT_TARGET_SHARE", "Zone", "zone_of"]

DEFAULT_COMMIT_SHARE = 0.3
"""How far from baseline to stretch the commit value lies, unless given."""

DEFAULT_TARGET_SHARE = 0.7
"""How far from baseline to stretch the target value lies, unless given."""


class Zone(enum.IntEnum):
    """Where a zoned key result stands: below commit, or the highest value it reached.

    Ordered, so zones compare (`Zone.TARGET > Zone.COMMIT`) and ordinal key results are
    checked in as a zone (`kr.check_in(Zone.TARGET, at=...)`).
    """

    FAIL = 0
    COMMIT = 1
    TARGET = 2
    STRETCH = 3

    def __str__(self) -> str:
        return self.name

    @classmethod
    def named(cls, name: str | int | Zone) -> Zone:
        """A zone from itself, its number or its name in any case (`"target"`)."""
        if isinstance(name, str):
            try:
                return cls[name.strip().upper()]
            except KeyError:
                raise ValueError(name) from None
        return cls(name)


def zone_of(
    value: float, baseline: float, stretch: float, thresholds: Iterable[tuple[Zone, float]]
) -> Zone:
    """The highest zone whose threshold `value` reaches, FAIL if none.

    Decided in the key result's own units, on the thresholds it reports, in its direction
    (up or down from `baseline` to `stretch`). A value short of a threshold by no more
    than `EDGE_TOLERANCE` of the way from baseline to stretch reaches it.
    """
    span = stretch - baseline
    for zone, threshold in thresholds:
        if reaches((value - threshold) / span, 0.0):
            return zone
    return Zone.FAIL
