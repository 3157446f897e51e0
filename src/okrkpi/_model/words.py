"""People's words for the enums a person reads: the one table, kept beside the model.

Data keeps the enums' names and values (`"AT_RISK"`, `"at_risk"`). Every text a person
reads (explanations, health reasons, a score's line, the charts, HTML, Markdown, the review,
the command line) takes its words from here, through `words_for` in the core and
`okrkpi.display.label_of` at the edges. The table is keyed by the enum's class name, so
the core's enums defined above this module (`Status` and `Grade` in scoring) have their
words here too without a layering cycle.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["WORDS_BY_KIND", "words_for"]

WORDS_BY_KIND: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "Status": MappingProxyType(
            {
                "NOT_STARTED": "Not started",
                "ON_TRACK": "On track",
                "BEHIND": "Behind",
                "AT_RISK": "At risk",
                "ACHIEVED": "Achieved",
                "MISSED": "Missed",
            }
        ),
        "Grade": MappingProxyType({"RED": "Red", "YELLOW": "Yellow", "GREEN": "Green"}),
        # UNKNOWN is both "no measurement yet" and "no target set": "Unknown" is true of both.
        "Health": MappingProxyType(
            {
                "HEALTHY": "Healthy",
                "WARNING": "Warning",
                "UNHEALTHY": "Unhealthy",
                "UNKNOWN": "Unknown",
            }
        ),
        "Zone": MappingProxyType(
            {"FAIL": "Below commit", "COMMIT": "Commit", "TARGET": "Target", "STRETCH": "Stretch"}
        ),
        "InitiativeStatus": MappingProxyType(
            {
                "NOT_STARTED": "Not started",
                "IN_PROGRESS": "In progress",
                "DONE": "Done",
                "BLOCKED": "Blocked",
                "CANCELLED": "Cancelled",
            }
        ),
        "Level": MappingProxyType(
            {
                "COMPANY": "Company",
                "DEPARTMENT": "Department",
                "TEAM": "Team",
                "INDIVIDUAL": "Individual",
            }
        ),
        "Commitment": MappingProxyType({"COMMITTED": "Committed", "ASPIRATIONAL": "Aspirational"}),
    }
)
"""People's words by enum class name, then member name."""


def words_for(member: enum.Enum) -> str:
    """The words a person reads for `member` (`Status.AT_RISK` -> `"At risk"`)."""
    return WORDS_BY_KIND[type(member).__name__][member.name]
