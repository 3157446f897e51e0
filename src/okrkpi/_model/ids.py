"""Stable, readable default ids derived from titles."""

from __future__ import annotations

import hashlib
import re

__all__ = ["slugify"]

_NON_WORD = re.compile(r"[\W_]+")
_LONGEST = 80  # characters of a title kept in its slug


def slugify(title: str) -> str:
    """`"Gain 1,000 new customers in Q3"` -> `"gain-1-000-new-customers-in-q3"`.

    The same title always gives the same id, so ids survive a rebuild of the model.
    A title with no letters or digits gets a short hash instead.
    """
    if not isinstance(title, str):
        return ""  # the title's own validator reports the type
    # Only the start of a long title is read: a 200 MB title makes no 200 MB id.
    slug = _NON_WORD.sub("-", title[: 4 * _LONGEST].lower()).strip("-")
    if slug and len(slug) <= _LONGEST and len(title) <= 4 * _LONGEST:
        return slug
    digest = hashlib.sha256(title.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    if slug:  # long: its start, then a hash of the whole title, so ids stay distinct
        return f"{slug[:_LONGEST].rstrip('-')}-{digest}"
    return "id-" + digest
