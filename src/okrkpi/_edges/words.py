"""People's words for statuses, grades, zones, health and levels: the one place to take them.

Data keeps the enums' names and values (`"AT_RISK"`, `"at_risk"`): records, frames and
JSON stay stable for programs. What a person reads (a chart's legend, an HTML badge,
Markdown, the review, the command line's text) says "At risk".
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from okrkpi._errors import ValidationError
from okrkpi._model.initiative import InitiativeStatus
from okrkpi._model.kpi import Health
from okrkpi._model.objective import Commitment, Level
from okrkpi._model.words import words_for
from okrkpi._model.zones import Zone
from okrkpi._scoring.score import Grade, Status

__all__ = ["WORDS", "day_words", "inline_text", "label_of", "plain_text"]

WORDS: MappingProxyType[enum.Enum, str] = MappingProxyType(
    {
        member: words_for(member)
        for kind in (Status, Grade, Health, Zone, InitiativeStatus, Level, Commitment)
        for member in kind
    }
)
"""The words a person reads for each status, grade, health, zone, initiative status, level
and commitment (kept beside the model, so explanations and these labels agree)."""

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


# Characters a reader cannot see, or that act instead of showing: C0 and C1 controls (a
# terminal obeys ESC sequences), bidi marks that reorder a line, line separators, and lone
# surrogates that no encoding can write. Each is shown as its escape (`\x1b`, `\u202e`),
# so what was typed stays visible and nothing acts on the reader's screen.
_INVISIBLE = (
    *(code for code in range(0x20) if chr(code) not in "\n\t"),
    0x7F,
    *range(0x80, 0xA0),
    0x061C,
    0x200E,
    0x200F,
    0x2028,
    0x2029,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    *range(0xD800, 0xE000),
)
_VISIBLE: Mapping[int, str] = MappingProxyType(
    {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _INVISIBLE}
)


def visible_text(text: str) -> str:
    r"""`text` with every control, bidi mark and lone surrogate shown as its escape (`\x1b`).

    Line breaks and tabs are kept; everything else prints as typed.
    """
    return text.translate(_VISIBLE)


_ON_ONE_LINE: Mapping[int, str] = MappingProxyType(
    {**_VISIBLE, ord("\n"): "\\x0a", ord("\t"): "\\x09"}
)


def line_text(text: str) -> str:
    r"""A piece of one line of a text table as typed: every control shown as its escape.

    As `visible_text`, and a line break or tab is shown too (`Grow\x0arevenue`), so a
    title keeps its row and its column; text is not reflowed, so nothing typed is lost.
    """
    return text.translate(_ON_ONE_LINE)


def plain_text(text: str) -> str:
    r"""A title as typed, made drawable: on one line, every character visible.

    Runs of white space (line breaks included) become one space; control characters, bidi
    marks and lone surrogates are shown as their escapes (`\x1b`). Nothing is interpreted:
    escaping for a backend (matplotlib's mathtext, HTML) is that backend's helper's job.
    """
    return " ".join(text.split()).translate(_VISIBLE)


def inline_text(text: str) -> str:
    r"""A piece of a line as typed, made drawable, its own edge spaces kept.

    As `plain_text`, but a piece placed beside another (a title, then a badge) keeps the one
    space at each end that separates it from its neighbours: `" - why"` stays `" - why"`.
    """
    return re.sub(r"\s+", " ", text).translate(_VISIBLE)


def day_words(day: date) -> str:
    """`15 Aug 2026`: a day as a person reads it, in the charts and the review alike."""
    return f"{day.day} {day:%b %Y}"
