"""Scores, grades and statuses: what the engine returns, with its own explanation."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

import attrs

from okrkpi._errors import ValidationError
from okrkpi._model._checks import enum_member, finite_float
from okrkpi._model.objective import Commitment
from okrkpi._model.words import words_for
from okrkpi._scoring.numbers import shown

__all__ = ["Aggregate", "Grade", "Measured", "Score", "Status", "StatusExplanation", "clamp"]


class Grade(enum.Enum):
    """Google's colour bands for a score (see the scoring explanation page)."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"


class Status(enum.Enum):
    """Where a key result or objective stands as of a date.

    During the cycle, its pace against the elapsed share of the cycle (NOT_STARTED,
    ON_TRACK, BEHIND, AT_RISK, or ACHIEVED once complete). Once the cycle's last day is
    over, final: ACHIEVED when the score is met for its commitment, else MISSED.
    """

    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    AT_RISK = "at_risk"
    ACHIEVED = "achieved"
    MISSED = "missed"

    @property
    def severity(self) -> int:
        """Higher is worse: ACHIEVED 0, NOT_STARTED 1, ON_TRACK 2, BEHIND 3, AT_RISK 4, MISSED 5."""
        return _SEVERITY[self]

    @classmethod
    def worst(cls, statuses: Iterable[Status | str]) -> Status:
        """The most severe of `statuses`, e.g. an objective's from its key results'.

        Members or their values (`"at_risk"`), in any case.

        Raises:
            ValidationError: `statuses` is empty or holds something else.
        """
        if isinstance(statuses, str) or not isinstance(statuses, Iterable):
            raise ValidationError.field("Status.worst.statuses", statuses, "statuses to compare")
        members = [
            enum_member(f"Status.worst.statuses[{position}]", cls, item)
            for position, item in enumerate(statuses)
        ]
        if not members:
            raise ValidationError.field("Status.worst.statuses", members, "at least one status")
        return max(members, key=_SEVERITY.__getitem__)


_SEVERITY = MappingProxyType(
    {
        Status.ACHIEVED: 0,
        Status.NOT_STARTED: 1,
        Status.ON_TRACK: 2,
        Status.BEHIND: 3,
        Status.AT_RISK: 4,
        Status.MISSED: 5,
    }
)


class _ReadOnlyInputs(dict[str, Any]):
    """A score's named inputs: a dict to read, never to change.

    A tree keeps the scores it returns: an input changed in one would change the
    answers after it.
    """

    __slots__ = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if self:  # filled once, when made: `__init__` again would change it
            raise self._refuse()
        super().__init__(*args, **kwargs)

    @classmethod
    def fromkeys(cls, keys: Any, value: Any = None) -> Any:
        return cls(dict.fromkeys(keys, value))

    def _refuse(self) -> TypeError:
        return TypeError("a score's inputs are read-only: copy them with dict(score.inputs)")

    def __setitem__(self, key: str, value: Any) -> None:
        raise self._refuse()

    def __delitem__(self, key: str) -> None:
        raise self._refuse()

    def clear(self) -> None:
        raise self._refuse()

    def pop(self, *args: Any) -> Any:
        raise self._refuse()

    def popitem(self) -> tuple[str, Any]:
        raise self._refuse()

    def setdefault(self, *args: Any) -> Any:
        raise self._refuse()

    def update(self, *args: Any, **kwargs: Any) -> None:
        raise self._refuse()

    __ior__ = update  # type: ignore[assignment]  # `inputs |= ...` would change it too

    def __reduce__(self) -> tuple[Any, ...]:  # pickled by its items, not set one by one
        return (_ReadOnlyInputs, (dict(self),))


def _read_only(field: str, inputs: Mapping[str, Any]) -> Mapping[str, Any]:
    """Inputs as a score keeps them: a read-only copy."""
    if inputs.__class__ is _ReadOnlyInputs:
        return inputs
    if not isinstance(inputs, Mapping):
        raise ValidationError.field(field, inputs, "a mapping of names to values")
    return _ReadOnlyInputs(inputs)


def _measured_inputs(inputs: Mapping[str, Any]) -> Mapping[str, Any]:
    return _read_only("Measured.inputs", inputs)


def _score_inputs(inputs: Mapping[str, Any]) -> Mapping[str, Any]:
    return _read_only("Score.inputs", inputs)


def clamp(progress: float) -> float:
    """A score's value: raw progress clamped to [0.0, 1.0]."""
    return 0.0 if progress < 0.0 else 1.0 if progress > 1.0 else progress


@attrs.frozen(slots=True)
class Measured:
    """What a key-result scorer returns: raw progress and how it was computed.

    Attributes:
        progress: The raw ratio, unclamped (1.2 means 20% over target).
        formula: The arithmetic with the numbers in, e.g. `"(1.6 - 1.2) / (2.0 - 1.2)"`.
        inputs: The named numbers that went in, e.g. `{"start": 1.2, "current": 1.6}`.
        note: Anything a reader should know, e.g. `"no check-in yet: current = start"`.
    """

    progress: float
    formula: str
    inputs: Mapping[str, Any] = attrs.field(
        factory=_ReadOnlyInputs, hash=False, converter=_measured_inputs
    )
    note: str = ""

    def __attrs_post_init__(self) -> None:
        # A custom scorer's output is checked here: no score is ever NaN or infinite.
        progress = self.progress
        if progress.__class__ is not float or progress - progress != 0.0:
            object.__setattr__(self, "progress", finite_float("Measured.progress", progress))
        if self.formula.__class__ is not str:
            raise ValidationError.field("Measured.formula", self.formula, "text")


@attrs.frozen(slots=True)
class Aggregate:
    """What an aggregator returns: the combined value and how it was computed.

    Attributes:
        value: The combined progress of the parts.
        formula: The arithmetic, e.g. `"(1.00x1 + 0.10x1) / 2"`.
    """

    value: float
    formula: str

    def __attrs_post_init__(self) -> None:
        value = self.value
        if value.__class__ is not float or value - value != 0.0:  # a custom aggregator's
            object.__setattr__(self, "value", finite_float("Aggregate.value", value))
        if self.formula.__class__ is not str:
            raise ValidationError.field("Aggregate.formula", self.formula, "text")


@attrs.frozen(slots=True)
class Score:
    """A score with everything needed to explain it.

    Attributes:
        value: The score in [0.0, 1.0]: `progress` clamped.
        progress: The raw ratio; over 1.0 when a target is overachieved.
        grade: RED, YELLOW or GREEN for the commitment.
        met: Whether the commitment counts as met (1.0 committed, 0.7 aspirational).
        subject: What was scored, e.g. `"KeyResult 'gain-customers'"`.
        strategy: The name of the scorer or aggregator that produced `progress`.
        formula: The arithmetic with the numbers in.
        commitment: The commitment used for `grade` and `met`.
        grader: The name of the grader used.
        inputs: The named numbers that went in.
        parts: The scores this one combines (an objective's key results, a tree's children).
        note: Anything a reader should know.
    """

    value: float
    progress: float
    grade: Grade
    met: bool
    subject: str
    strategy: str
    formula: str
    commitment: Commitment = Commitment.ASPIRATIONAL
    grader: str = "google"
    inputs: Mapping[str, Any] = attrs.field(
        factory=_ReadOnlyInputs, hash=False, converter=_score_inputs
    )
    parts: tuple[Score, ...] = ()
    note: str = ""

    @property
    def explanation(self) -> str:
        """One readable line: the formula, the value, the grade, the parts and any note.

        For example: `"progress 0.5 = (1.6 - 1.2) / (2 - 1.2); value 0.5; aspirational: Yellow"`.
        A score of parts names each with its value (`"parts: KeyResult 'revenue' 0.5,
        KeyResult 'launch' 1"`), so the numbers of the formula can be told apart.
        """
        text = (
            f"progress {shown(self.progress)} = {self.formula} [{self.strategy}]; "
            f"value {shown(self.value)}; {self.commitment.value}: {words_for(self.grade)}"
        )
        if self.met:
            text += " (met)"
        if self.parts:
            named = ", ".join(f"{part.subject} {shown(part.value)}" for part in self.parts)
            text += f"; parts: {named}"
        return f"{text}; {self.note}" if self.note else text

    def explain(self) -> dict[str, Any]:
        """The same explanation as structured, JSON-safe data, parts included."""
        return {
            "subject": self.subject,
            "strategy": self.strategy,
            "formula": self.formula,
            "inputs": dict(self.inputs),
            "progress": self.progress,
            "value": self.value,
            "commitment": self.commitment.value,
            "grader": self.grader,
            "grade": self.grade.value,
            "met": self.met,
            "note": self.note,
            "parts": [part.explain() for part in self.parts],
        }

    def __str__(self) -> str:
        return f"{self.subject}: {shown(self.value, decimals=True)} {words_for(self.grade)}"


@attrs.frozen(slots=True)
class StatusExplanation:
    """A status with the numbers behind it: actual against expected, plan and straight line.

    Attributes:
        subject: What was judged, e.g. `"KeyResult 'revenue'"`.
        status: The status.
        actual: The score value judged.
        expected: The progress expected on the day: the plan's, or the straight line's.
        straight_line: The elapsed share of the cycle, what a plan-less key result expects.
        planned_value: The plan's value on the day, in the metric's unit; None without a plan.
        on: The day judged.
        final: True once the cycle's last day is over, when the status is a verdict.
        reason: Why this status, in words.
        parts: For an objective, its key results' explanations.
    """

    subject: str
    status: Status
    actual: float
    expected: float
    straight_line: float
    planned_value: float | None
    on: date
    final: bool
    reason: str
    parts: tuple[StatusExplanation, ...] = ()

    @property
    def explanation(self) -> str:
        """One readable line per subject, key results indented under their objective."""
        lines = [f"{self.subject}: {words_for(self.status)} - {self.reason}"]
        lines.extend(f"  {part.explanation}" for part in self.parts)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explanation
