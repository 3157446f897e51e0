"""Initiatives: the work planned to move key results, kept beside the objective.

Key results are outcomes; initiatives are outputs (a campaign, a hire, a release). By
default an initiative's progress does not move any score: shipping the work is not the
result. The `initiatives` roll-up lets a key result be driven by its initiatives instead.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

import attrs

from okrkpi._errors import ValidationError
from okrkpi._model._checks import check_date, check_id, check_text, enum_member, finite_float
from okrkpi._model.ids import slugify

__all__ = ["Initiative", "InitiativeStatus"]


class InitiativeStatus(enum.Enum):
    """Where an initiative stands."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"


def _status(value: InitiativeStatus | str) -> InitiativeStatus:
    return enum_member("Initiative.status", InitiativeStatus, value)


def _key_result_ids(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError.field("Initiative.key_result_ids", value, "a sequence of ids")
    ids = tuple(value)
    for key_result_id in ids:
        check_id("Initiative.key_result_ids", key_result_id)
    if len(set(ids)) != len(ids):
        # Named twice, the initiative would count twice in the `initiatives` roll-up.
        twice = next(key_result_id for key_result_id in ids if ids.count(key_result_id) > 1)
        raise ValidationError.field(
            "Initiative.key_result_ids", ids, f"each key result once ({twice!r} is named twice)"
        )
    return ids


def _default_id(instance: Initiative) -> str:
    return slugify(instance.title)


@attrs.frozen(slots=True)
class Initiative:
    """Work planned to move an objective's key results, e.g. "Launch the referral program".

    Attributes:
        title: What will be done.
        id: Stable identifier, unique within its objective; defaults to a slug of the title.
        owner: Who does it.
        status: NOT_STARTED, IN_PROGRESS, DONE, BLOCKED or CANCELLED (or its value).
        progress: How much is done, 0..1, if tracked; DONE counts as 1.0 without it.
        start: When the work starts.
        end: When it is due; on or after `start`.
        key_result_ids: The ids of the objective's key results it drives, each once.
    """

    title: str = attrs.field()
    id: str = attrs.field(default=attrs.Factory(_default_id, takes_self=True), kw_only=True)
    owner: str | None = attrs.field(default=None, kw_only=True)
    status: InitiativeStatus = attrs.field(
        default=InitiativeStatus.NOT_STARTED, kw_only=True, converter=_status
    )
    progress: float | None = attrs.field(default=None, kw_only=True)
    start: date | None = attrs.field(default=None, kw_only=True)
    end: date | None = attrs.field(default=None, kw_only=True)
    key_result_ids: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=_key_result_ids
    )

    def __attrs_post_init__(self) -> None:
        check_text("Initiative.title", self.title)
        check_id("Initiative.id", self.id)
        if self.owner is not None:
            check_text("Initiative.owner", self.owner)
        if self.progress is not None:
            progress = finite_float("Initiative.progress", self.progress)
            if not 0.0 <= progress <= 1.0:
                raise ValidationError.field("Initiative.progress", self.progress, "0..1")
            object.__setattr__(self, "progress", progress)
        for name in ("start", "end"):
            if getattr(self, name) is not None:
                check_date(f"Initiative.{name}", getattr(self, name))
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValidationError.field(
                "Initiative.end", self.end, f"a date on or after start {self.start.isoformat()}"
            )

    @property
    def done_share(self) -> float | None:
        """Its progress for driving a key result: DONE 1.0, else `progress`; None if cancelled.

        Without a recorded progress, NOT_STARTED counts 0.0 and other open states None.
        """
        if self.status is InitiativeStatus.CANCELLED:
            return None
        if self.status is InitiativeStatus.DONE:
            return 1.0
        if self.progress is not None:
            return self.progress
        return 0.0 if self.status is InitiativeStatus.NOT_STARTED else None
