"""Stable, readable default ids derived from titles."""

from __future__ import annotations

import hashlib
import re

__all__ = ["slugify"]

_NON_WORD = re.compile(r"[\W_]+")


def slugify(title: str) -> str:
    """`"Gain 1,000 new customers in Q3"` -> `"gain-1-000-new-customers-in-q3"`.

    The same title always gives the same id, so ids survive a rebuild of the model.
    A title with no letters or digits gets a short hash instead.
    """
    if not isinstance(title, str):
        return ""  # the title's own validator reports the type
    slug = _NON_WORD.sub("-", title.lower()).strip("-")
    if slug:
        return slug
    return "id-" + hashlib.sha256(title.encode("utf-8")).hexdigest()[:10]
