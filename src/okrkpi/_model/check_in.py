"""Check-ins: dated values recorded against a key result."""

from __future__ import annotations

import bisect
import math
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any, overload

import attrs

from okrkpi._errors import ValidationError
from okrkpi._model._checks import EARLIEST, LATEST, check_date
from okrkpi._model.confidence import ConfidenceRating, to_confidence
from okrkpi._model.moments import DAY, Moment, is_aware, moment_key

__all__ = ["CheckIn", "CheckIns"]


@attrs.frozen(slots=True)
class CheckIn:
    """A dated value for a key result, optionally with a confidence rating and a note.

    Attributes:
        value: The measured value: a number, or a bool for a binary key result.
        at: When it was measured: a `date`, or a `datetime` for finer order.
        confidence: The owner's confidence at that moment (a number 0..10 is converted).
        note: Free text, e.g. what changed.
    """

    value: float | bool
    at: Moment
    confidence: ConfidenceRating | None = attrs.field(default=None, converter=to_confidence)
    note: str = ""

    def __attrs_post_init__(self) -> None:
        # One check for all fields instead of a validator each: an org holds millions of
        # check-ins, and the common case (a float on a plain date) costs two type tests.
        value = self.value
        if value.__class__ is not float or value - value != 0.0:
            _check_value(value, "CheckIn.value")
        at = self.at
        if at.__class__ is not date or not EARLIEST <= at <= LATEST:
            check_date("CheckIn.at", at)
        if self.note.__class__ is not str and not isinstance(self.note, str):
            raise ValidationError.field("CheckIn.note", self.note, "a string")

    @property
    def key(self) -> int:
        """A sortable integer for `at` (microseconds; UTC for aware datetimes)."""
        return moment_key(self.at)


def _check_value(value: object, path: str) -> None:
    if isinstance(value, bool):
        return
    if not isinstance(value, int | float):
        raise ValidationError.field(path, value, "a number or a bool")
    if not math.isfinite(value):
        raise ValidationError.field(path, value, "a finite number")


_ORDINALS = (EARLIEST.toordinal(), LATEST.toordinal())
_new = object.__new__
_set = object.__setattr__


def _restore(value: float | bool, at: Moment, extra: tuple[Any, str] | None) -> CheckIn:
    # Rebuild a check-in that was validated when it was first made.
    item: CheckIn = _new(CheckIn)
    _set(item, "value", value)
    _set(item, "at", at)
    _set(item, "confidence", None if extra is None else extra[0])
    _set(item, "note", "" if extra is None else extra[1])
    return item


class CheckIns(Sequence[CheckIn]):
    """A key result's check-ins, oldest first: an immutable sequence kept in columns.

    An organisation holds millions of check-ins, so a key result keeps their values,
    moments and sortable keys side by side instead of one object each (about a third
    of the memory). Reading an item gives a `CheckIn` equal to the one recorded.
    It compares equal to a tuple or list of the same check-ins.
    """

    __slots__ = ("_aware", "_extras", "_has_bools", "_keys", "_moments", "_unit", "_values")

    _values: tuple[float | bool, ...]
    _moments: tuple[Moment, ...]
    _keys: array[int]
    _unit: int
    _has_bools: bool | None
    _extras: dict[int, tuple[ConfidenceRating | None, str]] | None
    _aware: bool | None

    def __init__(self, items: Iterable[CheckIn] = (), *, owner: str | None = None) -> None:
        """Index `items` by moment; of two at the same moment the later given wins.

        Args:
            items: The check-ins, in any order.
            owner: The id of the key result, to name it in error messages.

        Raises:
            ValidationError: An item is not a `CheckIn`, or naive and aware datetimes mix.
        """
        items = tuple(items)
        if not set(map(type, items)) <= {CheckIn}:
            for item in items:
                if not isinstance(item, CheckIn):
                    raise ValidationError.field("KeyResult.check_ins", item, "a CheckIn")
        extras = {
            position: (item.confidence, item.note)
            for position, item in enumerate(items)
            if item.confidence is not None or item.note
        }
        values = [item.value for item in items]
        moments = [item.at for item in items]
        self._store(values, moments, extras, owner, plain_dates=set(map(type, moments)) <= {date})

    @classmethod
    def from_columns(
        cls,
        values: Sequence[float | bool],
        moments: Sequence[Moment],
        *,
        confidences: Sequence[ConfidenceRating | float | str | None] | None = None,
        notes: Sequence[str] | None = None,
        owner: str | None = None,
    ) -> CheckIns:
        """Check-ins from parallel columns, validated as `CheckIn` would each one.

        The bulk path for loaders (a database query, a CSV file): no object is made per
        check-in, and the common columns (floats on plain dates) are checked without a
        Python loop.

        Args:
            values: The measured values.
            moments: When each was measured, in any order.
            confidences: Optional confidence per check-in (None where not stated).
            notes: Optional note per check-in.
            owner: The id of the key result, to name it in error messages.

        Raises:
            ValidationError: Columns of different lengths, or an invalid value, moment,
                confidence or note (the message names its position).
        """
        count = len(values)
        for name, column in (("moments", moments), ("confidences", confidences), ("notes", notes)):
            if column is not None and len(column) != count:
                raise ValidationError.field(
                    f"CheckIns.{name}", f"{len(column)} items", f"{count} items, one per value"
                )
        floats_only = set(map(type, values)) <= {float}
        if not floats_only or not all(map(math.isfinite, values)):
            for position, value in enumerate(values):
                _check_value(value, f"CheckIns.values[{position}]")
        plain_dates = set(map(type, moments)) <= {date}
        if not plain_dates:
            for position, moment in enumerate(moments):
                check_date(f"CheckIns.moments[{position}]", moment)
        extras: dict[int, tuple[ConfidenceRating | None, str]] = {}
        for position in range(count if confidences is not None or notes is not None else 0):
            rating = None if confidences is None else confidences[position]
            note = "" if notes is None else notes[position]
            if note.__class__ is not str and not isinstance(note, str):
                raise ValidationError.field(f"CheckIns.notes[{position}]", note, "a string")
            if rating is not None or note:
                extras[position] = (to_confidence(rating), note)
        history = object.__new__(cls)
        history._store(
            list(values), list(moments), extras, owner, plain_dates=plain_dates, check_range=True
        )
        if floats_only:
            history._has_bools = False
        return history

    def _store(
        self,
        values: list[float | bool],
        moments: list[Moment],
        extras: dict[int, tuple[ConfidenceRating | None, str]],
        owner: str | None,
        *,
        plain_dates: bool,
        check_range: bool = False,
    ) -> None:
        aware: bool | None = None
        if plain_dates:
            # Plain dates keep their day number as key: one pass, and 8 bytes each.
            keys = list(map(date.toordinal, moments))
            unit = DAY
        else:
            keys, aware = _keys_and_awareness(owner, moments)
            unit = 1
        ordered = keys == sorted(keys)
        if check_range and plain_dates and keys:
            low, high = (keys[0], keys[-1]) if ordered else (min(keys), max(keys))
            if not _ORDINALS[0] <= low <= high <= _ORDINALS[1]:
                for position, moment in enumerate(moments):
                    check_date(f"CheckIns.moments[{position}]", moment)
        if not ordered:
            # Stable: of two check-ins at the same moment, the one given later wins.
            order = sorted(range(len(keys)), key=keys.__getitem__)
            values = [values[i] for i in order]
            moments = [moments[i] for i in order]
            keys = [keys[i] for i in order]
            if extras:
                new_position = {old: new for new, old in enumerate(order)}
                extras = {new_position[old]: extra for old, extra in extras.items()}
        self._values = tuple(values)
        self._moments = tuple(moments)
        self._keys = array("q", keys)
        self._unit = unit
        self._extras = extras or None
        self._aware = aware
        self._has_bools = None

    def __len__(self) -> int:
        return len(self._values)

    @overload
    def __getitem__(self, index: int) -> CheckIn: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[CheckIn, ...]: ...

    def __getitem__(self, index: int | slice) -> CheckIn | tuple[CheckIn, ...]:
        if isinstance(index, slice):
            return tuple(self[position] for position in range(len(self))[index])
        value = self._values[index]  # raises IndexError as a tuple would
        position = index % len(self._values)
        extras = self._extras
        return _restore(
            value, self._moments[position], None if extras is None else extras.get(position)
        )

    def __iter__(self) -> Iterator[CheckIn]:
        extras = self._extras or {}
        for position, (value, at) in enumerate(zip(self._values, self._moments, strict=True)):
            yield _restore(value, at, extras.get(position))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CheckIns):
            return (
                self._values == other._values
                and self._moments == other._moments
                and (self._extras or {}) == (other._extras or {})
            )
        if isinstance(other, tuple | list):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))

    @property
    def values(self) -> tuple[float | bool, ...]:
        """The recorded values, oldest first."""
        return self._values

    @property
    def has_bools(self) -> bool:
        """Whether any value is a bool (known without a scan after `from_columns`)."""
        if self._has_bools is None:
            self._has_bools = bool in set(map(type, self._values))
        return self._has_bools

    def value_until(self, key: int) -> float | bool | None:
        """The last value with a sortable key (`CheckIn.key`) of at most `key`, or None."""
        position = bisect.bisect_right(self._keys, key // self._unit)
        return self._values[position - 1] if position else None

    def count_until(self, key: int) -> int:
        """How many check-ins have a sortable key (`CheckIn.key`) of at most `key`."""
        return bisect.bisect_right(self._keys, key // self._unit)


def _keys_and_awareness(owner: str | None, moments: list[Moment]) -> tuple[list[int], bool | None]:
    keys: list[int] = []
    aware: bool | None = None
    for position, moment in enumerate(moments):
        keys.append(moment_key(moment))
        moment_aware = is_aware(moment)
        if moment_aware is None:
            continue
        if aware is not None and aware != moment_aware:
            raise ValidationError.field(
                f"CheckIns.moments[{position}]"
                if owner is None
                else f"KeyResult({owner!r}).check_ins[{position}].at",
                moment,
                "datetimes that are all naive or all timezone-aware",
            )
        aware = moment_aware
    return keys, aware
