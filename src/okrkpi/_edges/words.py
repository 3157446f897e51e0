"""People's words for statuses, grades, zones, health and levels: the one place to take them.

Data keeps the enums' names and values (`"AT_RISK"`, `"at_risk"`): records, frames and
JSON stay stable for programs. What a person reads (a chart's legend, an HTML badge,
Markdown, the review, the command line's text) says "At risk".
"""

from __future__ import annotations

import enum
from types import MappingProxyType

from okrkpi._errors import ValidationError
from okrkpi._model.initiative import InitiativeStatus
from okrkpi._model.kpi import Health
from okrkpi._model.objective import Commitment, Level
from okrkpi._model.zones import Zone
from okrkpi._scoring.score import Grade, Status

__all__ = ["WORDS", "label_of", "plain_text"]

WORDS: MappingProxyType[enum.Enum, str] = MappingProxyType(
    {
        Status.NOT_STARTED: "Not started",
        Status.ON_TRACK: "On track",
        Status.BEHIND: "Behind",
        Status.AT_RISK: "At risk",
        Status.ACHIEVED: "Achieved",
        Status.MISSED: "Missed",
        Grade.RED: "Red",
        Grade.YELLOW: "Yellow",
        Grade.GREEN: "Green",
        Health.HEALTHY: "Healthy",
        Health.WARNING: "Warning",
        Health.UNHEALTHY: "Unhealthy",
        Health.UNKNOWN: "No data",
        Zone.FAIL: "Below commit",
        Zone.COMMIT: "Commit",
        Zone.TARGET: "Target",
        Zone.STRETCH: "Stretch",
        InitiativeStatus.NOT_STARTED: "Not started",
        InitiativeStatus.IN_PROGRESS: "In progress",
        InitiativeStatus.DONE: "Done",
        InitiativeStatus.BLOCKED: "Blocked",
        InitiativeStatus.CANCELLED: "Cancelled",
        Level.COMPANY: "Company",
        Level.DEPARTMENT: "Department",
        Level.TEAM: "Team",
        Level.INDIVIDUAL: "Individual",
        Commitment.COMMITTED: "Committed",
        Commitment.ASPIRATIONAL: "Aspirational",
    }
)
"""The words a person reads for each status, grade, health, zone, initiative status, level
and commitment."""

# Names shared by two enums (NOT_STARTED) have the same words in both.
_BY_NAME = MappingProxyType({member.name: words for member, words in WORDS.items()})


def label_of(value: enum.Enum | str) -> str:
    """The words a person reads for a status, grade, health, zone, level or commitment.

    Takes a member (`Status.AT_RISK`) or its name or value in any case (`"at_risk"`),
    as the charts' data holds them.

    ```python
    from okrkpi import Status
    from okrkpi.display import label_of

    assert label_of(Status.AT_RISK) == label_of("AT_RISK") == "At risk"
    ```

    Raises:
        ValidationError: `value` is not one of them.
    """
    if isinstance(value, enum.Enum):
        words = WORDS.get(value)
    elif isinstance(value, str):
        words = _BY_NAME.get(value.upper())
    else:
        words = None
    if words is None:
        raise ValidationError.field(
            "label_of.value", value, "a status, grade, health, zone, level or commitment"
        )
    return words


# Control characters draw as nothing or as a missing glyph, and a lone surrogate cannot be
# written in any encoding: each is shown as U+FFFD, which every font the charts use has.
_VISIBLE = MappingProxyType(
    dict.fromkeys([*range(0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000)], 0xFFFD)
)


def plain_text(text: str) -> str:
    """A title as typed, made drawable: on one line, every character visible.

    Runs of white space (line breaks included) become one space; control characters and
    lone surrogates become U+FFFD, the replacement character. Nothing is interpreted:
    escaping for a backend (matplotlib's mathtext, HTML) is that backend's helper's job.
    """
    return " ".join(text.split()).translate(_VISIBLE)
