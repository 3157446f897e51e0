"""Dated histories kept in columns: a key result's check-ins and a KPI's measurements.

An organisation holds millions of check-ins, so a history keeps its values, moments and
sortable keys side by side instead of one object each. The sortable key is private to
this module: from outside, a history is read as of a `date` or `datetime`.

Histories are immutable values, yet recording in date order costs O(1): versions made by
appending share their columns, and each sees only its own length.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import threading
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import date, datetime
from typing import Any, ClassVar, Generic, Self, TypeVar, overload

import attrs

from okrkpi._errors import Problem, ValidationError
from okrkpi._model._checks import (
    EARLIEST,
    LATEST,
    check_date,
    check_finite,
    check_moment,
    finite_float,
    is_number,
    plausible_date,
    set_floats,
)
from okrkpi._model.confidence import ConfidenceRating, to_confidence
from okrkpi._model.moments import DAY, DayOf, Moment, day_rule, is_aware, moment_key

__all__ = [
    "CheckIn",
    "CheckIns",
    "History",
    "Measurement",
    "Measurements",
    "check_ins_field",
    "measurements_field",
]


@functools.lru_cache(maxsize=4096)
def _one_rating(extra: tuple[Any, ...]) -> tuple[Any, ...]:
    """The first of the equal (rating, "") tuples asked for: one per rating, bounded."""
    return extra


def _shared_extra(extra: tuple[Any, ...]) -> tuple[Any, ...]:
    # A rating without a note repeats in every history: one tuple for all of them
    # spares one per check-in. A note is the check-in's own.
    return extra if extra[1] else _one_rating(extra)


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
            object.__setattr__(self, "value", _checked_value(value, "CheckIn.value"))
        at = self.at
        if at.__class__ is not date or not EARLIEST <= at <= LATEST:
            check_date("CheckIn.at", at)
        if self.note.__class__ is not str and not isinstance(self.note, str):
            raise ValidationError.field("CheckIn.note", self.note, "a string")


@attrs.frozen(slots=True)
class Measurement:
    """A dated value of a KPI.

    Attributes:
        value: What was measured (finite).
        at: When: a `date` or a `datetime`.
        note: Free text.
    """

    value: float = attrs.field()
    at: Moment = attrs.field(validator=plausible_date)
    note: str = attrs.field(default="")

    @value.validator
    def _value(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        check_finite("Measurement.value", value)

    def __attrs_post_init__(self) -> None:
        set_floats(self, "value")

    @note.validator
    def _note(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str):
            raise ValidationError.field("Measurement.note", value, "a string")


def _checked_value(value: object, path: str) -> float | bool:
    # A check-in holds a bool (binary key results) or any real number, stored as a float.
    if isinstance(value, bool):
        return value
    if not is_number(value):
        raise ValidationError.field(path, value, "a number or a bool")
    return finite_float(path, value)


_ORDINALS = (EARLIEST.toordinal(), LATEST.toordinal())
_DAY_KEYS = "i"  # day numbers: 4 bytes each (the latest plausible day is near 3.7 million)
_INSTANT_KEYS = "q"  # microseconds since the year 1: 8 bytes
_FLOATS: frozenset[type] = frozenset({float})
_NONE: frozenset[type] = frozenset()


def _is_column(value: object) -> bool:
    # An ordered, sized sequence: a list, a tuple, a numpy array; not a set, dict or text.
    if value.__class__ is list or value.__class__ is tuple:
        return True
    if isinstance(value, str | bytes | Mapping | AbstractSet):
        return False
    return hasattr(value, "__len__") and hasattr(value, "__getitem__")


# Guards the shared columns when a version appends to them; appends are short.
_APPEND_LOCK = threading.Lock()

ItemT = TypeVar("ItemT", CheckIn, Measurement)


class History(Sequence[ItemT], Generic[ItemT]):
    """Dated items, oldest first: an immutable sequence kept in columns.

    Reading an item gives an object equal to the one recorded. A history compares equal
    to a tuple or list of the same items. Read it as of a moment with `until`, `latest`
    and `latest_value`; an `as_of` date means "as it stood at the end of that day".
    """

    __slots__ = (
        "_aware",
        "_days",
        "_extras",
        "_keys",
        "_length",
        "_moments",
        "_owner",
        "_types",
        "_unit",
        "_values",
    )

    _item_type: ClassVar[type]
    _path: ClassVar[str]  # the field holding the history, e.g. "KeyResult.check_ins"

    # Columns shared by the versions appended from one another; each reads its own length.
    _values: tuple[Any, ...] | list[Any] | array[float]
    _moments: tuple[Moment, ...] | list[Moment] | None  # None: plain dates, read off the keys
    _keys: array[int]
    _unit: int
    _extras: list[tuple[Any, ...] | None] | None  # None: no item has one
    _aware: bool | None
    _days: tuple[array[int], bool] | None  # local days and whether they never fall
    _types: frozenset[type] | None
    _length: int
    _owner: str | None

    def __init__(self, items: Iterable[ItemT] = (), *, owner: str | None = None) -> None:
        """Index `items` by moment.

        Args:
            items: The items, in any order.
            owner: The name of what the history belongs to, for error messages.

        Raises:
            ValidationError: An item of the wrong type, or naive and aware datetimes mixed.
        """
        items = tuple(items)
        kind = self._item_type
        if not set(map(type, items)) <= {kind}:
            for item in items:
                if not isinstance(item, kind):
                    raise ValidationError.field(self._path, item, f"a {kind.__name__}")
        extras: list[tuple[Any, ...] | None] | None = [self._extra_of(item) for item in items]
        if not any(extra is not None for extra in extras or ()):
            extras = None
        moments = [item.at for item in items]
        self._store(
            [item.value for item in items],
            moments,
            extras,
            owner,
            plain_dates=set(map(type, moments)) <= {date},
        )

    @classmethod
    def from_field(cls, value: Iterable[Any]) -> Self:
        """The converter of a field holding this history: a history as is, else a tuple.

        The tuple is indexed by the owner once its name is known for error messages.
        """
        if isinstance(value, cls):
            return value
        if isinstance(value, str | bytes) or not isinstance(value, Iterable):
            raise ValidationError.field(
                cls._path, value, f"a sequence of {cls._item_type.__name__}"
            )
        return tuple(value)  # type: ignore[return-value]

    # -- what a subclass decides ----------------------------------------------------------

    @staticmethod
    def _extra_of(item: Any) -> tuple[Any, ...] | None:  # pragma: no cover - overridden
        raise NotImplementedError

    @staticmethod
    def _restore(
        value: Any, at: Moment, extra: tuple[Any, ...] | None
    ) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def _same_moment(self, position: int, moment: Moment) -> None:
        """Called for two items at one moment; the default keeps both (the later wins)."""

    # -- building -------------------------------------------------------------------------

    def _store(
        self,
        values: list[Any],
        moments: list[Moment],
        extras: list[tuple[Any, ...] | None] | None,
        owner: str | None,
        *,
        plain_dates: bool,
        check_range: bool = False,
    ) -> None:
        self._owner = owner
        aware: bool | None = None
        if plain_dates:
            # Plain dates keep their day number as key, and the day is all they hold.
            keys = list(map(date.toordinal, moments))
            unit = DAY
        else:
            keys, aware = self._keys_and_awareness(moments)
            unit = 1
        ordered = keys == sorted(keys)
        if check_range and plain_dates and keys:
            low, high = (keys[0], keys[-1]) if ordered else (min(keys), max(keys))
            if not _ORDINALS[0] <= low <= high <= _ORDINALS[1]:
                for position, moment in enumerate(moments):
                    check_date(f"{self._columns_path()}.moments[{position}]", moment)
        if not ordered:
            # Stable: of two items at the same moment, the one given later comes last.
            order = sorted(range(len(keys)), key=keys.__getitem__)
            values = [values[i] for i in order]
            moments = [moments[i] for i in order]
            keys = [keys[i] for i in order]
            if extras is not None:
                extras = [extras[i] for i in order]
        if type(self)._same_moment is not History._same_moment and len(set(keys)) < len(keys):
            for position in range(1, len(keys)):
                if keys[position] == keys[position - 1]:
                    self._same_moment(position, moments[position])
        # Machine words where the items allow: 8 bytes a float, 4 a day, nothing for the
        # date itself (rebuilt from its day); tuples otherwise, until the first append.
        floats = set(map(type, values)) <= _FLOATS
        self._hold(
            array("d", values) if floats else tuple(values),
            None if plain_dates else tuple(moments),
            array(_DAY_KEYS if plain_dates else _INSTANT_KEYS, keys),
            unit,
            extras,
            aware,
            (_FLOATS if values else _NONE) if floats else None,
        )

    def _hold(
        self,
        values: tuple[Any, ...] | array[float],
        moments: tuple[Moment, ...] | None,
        keys: array[int],
        unit: int,
        extras: list[tuple[Any, ...] | None] | None,
        aware: bool | None,
        types: frozenset[type] | None,
    ) -> None:
        """Keep the columns of a history just built, in order by key."""
        self._values = values
        self._moments = moments
        self._keys = keys
        self._unit = unit
        self._extras = extras
        self._aware = aware
        self._days = None
        self._length = len(values)
        self._types = types

    @classmethod
    def _of_checked_days(cls, values: array[float], days: array[int], owner: str) -> Self:
        """A history of finite floats on plausible plain days, already in the order kept.

        For a reader that checked whole columns at once (finite numbers, plausible days,
        sorted stably by day): nothing is looked at again, item by item.
        """
        history = object.__new__(cls)
        history._owner = owner
        history._hold(values, None, days, DAY, None, None, _FLOATS if values else _NONE)
        return history

    def _columns_path(self) -> str:
        return type(self).__name__

    def _item_path(self, position: int) -> str:
        if self._owner is None:
            return f"{self._columns_path()}.moments[{position}]"
        kind, field = self._path.split(".")
        return f"{kind}({self._owner!r}).{field}[{position}].at"

    def _keys_and_awareness(self, moments: list[Moment]) -> tuple[list[int], bool | None]:
        keys: list[int] = []
        aware: bool | None = None
        for position, moment in enumerate(moments):
            keys.append(moment_key(moment))
            moment_aware = is_aware(moment)
            if moment_aware is None:
                continue
            if aware is not None and aware != moment_aware:
                raise ValidationError.field(
                    self._item_path(position),
                    moment,
                    "datetimes that are all naive or all timezone-aware",
                )
            aware = moment_aware
        return keys, aware

    def _appended(self, item: ItemT) -> History[ItemT]:
        """A new history with `item` added; O(1) when it comes last and this is the tip."""
        moment = item.at
        length = self._length
        plain = moment.__class__ is date
        if length and plain != (self._unit == DAY):
            return self._rebuilt(item)
        key = moment.toordinal() if plain else moment_key(moment)
        aware = None if plain else is_aware(moment)
        if length and aware is not None and self._aware is not None and aware != self._aware:
            raise ValidationError.field(
                self._item_path(length),
                moment,
                "datetimes that are all naive or all timezone-aware",
            )
        if length and key < self._keys[length - 1]:
            return self._rebuilt(item)
        if length and key == self._keys[length - 1]:
            self._same_moment(length, moment)
        extra = self._extra_of(item)
        value = item.value
        with _APPEND_LOCK:
            values, moments, keys, extras = self._values, self._moments, self._keys, self._extras
            if not length:  # fresh columns, typed for this first item
                values, extras = array("d"), None
                keys = array(_DAY_KEYS if plain else _INSTANT_KEYS)
                moments = None if plain else []
            elif not (
                len(keys) == length
                and not isinstance(values, tuple)
                and not isinstance(moments, tuple)
                and (extras is None or len(extras) == length)
            ):  # not the tip, or built in bulk: copy what this version sees
                values = list(values[:length]) if isinstance(values, tuple) else values[:length]
                moments = None if moments is None else list(moments[:length])
                keys = keys[:length]
                extras = None if extras is None else extras[:length]
            if isinstance(values, array) and value.__class__ is not float:
                values = list(values[:length])  # a bool among floats: boxed from here on
            assert not isinstance(values, tuple)
            assert not isinstance(moments, tuple)
            values.append(value)
            if moments is not None:
                moments.append(moment)
            keys.append(key)
            if extras is not None:
                extras.append(extra)
            elif extra is not None:
                extras = [None] * length
                extras.append(extra)
        new = object.__new__(type(self))
        new._values, new._moments, new._keys, new._extras = values, moments, keys, extras
        new._unit = DAY if plain else 1
        new._aware = self._aware if aware is None else aware
        new._days = None
        new._length = length + 1
        new._owner = self._owner
        types = self._types
        new._types = (
            None
            if types is None
            else _FLOATS
            if types <= _FLOATS and item.value.__class__ is float
            else types | {item.value.__class__}
        )
        return new

    def has_offsets(self) -> bool:
        """Whether any moment is an aware datetime, whose day depends on the day rule."""
        return bool(self._aware)

    def _owned_by(self, owner: str) -> Self:
        """This history, naming `owner` in its messages (the columns are shared)."""
        if owner == self._owner:
            return self
        if self._owner is None:  # not yet named: no other owner can be misnamed
            self._owner = owner
            return self
        view = object.__new__(type(self))
        for name in History.__slots__:
            object.__setattr__(view, name, getattr(self, name))
        view._owner = owner
        return view

    def _rebuilt(self, item: ItemT) -> History[ItemT]:
        # Out of order, or a plain date among datetimes: index everything again.
        items: list[Any] = [*self, item]
        return type(self)(items, owner=self._owner)

    def _value_bounds(self) -> tuple[Any, Any] | None:
        """The least and the greatest value, or None without an item: no tuple is made."""
        if not self._length:
            return None
        values = self._values
        if len(values) != self._length:  # columns shared with a longer version
            values = values[: self._length]
        return min(values), max(values)

    def _value_types(self) -> frozenset[type]:
        if self._types is None:
            found = set(map(type, self._values[: self._length]))
            # The common sets are shared: a frozenset per history would cost 200 bytes each.
            self._types = _FLOATS if found == _FLOATS else _NONE if not found else frozenset(found)
        return self._types

    # -- reading as of a moment -----------------------------------------------------------

    def _selected(self, as_of: Moment | None, rule: DayOf) -> int | list[int]:
        """Which items count `as_of`: a count of the first ones, or their positions.

        A datetime `as_of` is an instant: every item at or before it. A date is a day:
        every item whose day, by `rule`, is on or before it. Items are ordered by instant,
        so the selection is a prefix, found by bisection, unless a history mixes UTC
        offsets so that a later instant falls on an earlier local day; then the
        positions are listed.
        """
        if as_of is None:
            return self._length
        if as_of.__class__ is not date:
            check_moment("as_of", as_of)
            if isinstance(as_of, datetime):
                return self._until_instant(as_of)
        day = date.toordinal(as_of)
        if self._unit == DAY:  # plain dates: the key is the day
            return bisect.bisect_right(self._keys, day, 0, self._length)
        if rule is DayOf.UTC or not self._aware:  # the key's own day: UTC, or as written
            return bisect.bisect_right(self._keys, day * DAY + DAY - 1, 0, self._length)
        days, never_fall = self._local_days()
        if never_fall:
            return bisect.bisect_right(days, day, 0, self._length)
        return [position for position in range(self._length) if days[position] <= day]

    def _until_instant(self, as_of: datetime) -> int:
        aware = is_aware(as_of)
        if self._aware is not None and aware != self._aware:
            kind = "aware" if self._aware else "naive"
            owner_kind, field = self._path.split(".")
            like = f"the {field.replace('_', '-')}"
            if self._owner is not None:
                like += f" of {owner_kind}({self._owner!r})"
            raise ValidationError.field(
                "as_of", as_of, f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} datetime like {like}"
            )
        return bisect.bisect_right(self._keys, moment_key(as_of) // self._unit, 0, self._length)

    def _local_days(self) -> tuple[array[int], bool]:
        """Each item's day in its own offset, and whether they never fall in instant order."""
        found = self._days
        if found is None:
            moments = self._moments
            assert moments is not None, "plain dates are their own days"
            days = array("q", map(date.toordinal, moments[: self._length]))
            never_fall = all(a <= b for a, b in itertools.pairwise(days))
            found = self._days = (days, never_fall)
        return found

    def until(
        self, as_of: Moment | None = None, *, day_of: DayOf | str = DayOf.LOCAL
    ) -> tuple[ItemT, ...]:
        """Every item on or before `as_of` (all of them for None), oldest first.

        A date `as_of` takes every item whose day by `day_of` is on or before it.
        """
        selected = self._selected(as_of, day_rule(day_of))
        if isinstance(selected, int):
            return self[:selected]
        return tuple(self[position] for position in selected)

    def latest(
        self, as_of: Moment | None = None, *, day_of: DayOf | str = DayOf.LOCAL
    ) -> ItemT | None:
        """The last item on or before `as_of` (the latest instant), or None."""
        position = self._last(as_of, day_rule(day_of))
        return None if position < 0 else self[position]

    def latest_value(
        self, as_of: Moment | None = None, *, day_of: DayOf | str = DayOf.LOCAL
    ) -> Any:
        """The value of `latest(as_of)`, or None."""
        if day_of.__class__ is not DayOf:
            day_of = day_rule(day_of)
        if as_of.__class__ is date and self._unit == DAY:  # the hot path of tree scoring
            position = bisect.bisect_right(self._keys, as_of.toordinal(), 0, self._length) - 1
        else:
            position = self._last(as_of, day_of)
        return self._values[position] if position >= 0 else None

    def _last(self, as_of: Moment | None, rule: DayOf) -> int:
        selected = self._selected(as_of, rule)
        if isinstance(selected, int):
            return selected - 1
        return selected[-1] if selected else -1

    @property
    def values(self) -> tuple[Any, ...]:
        """The recorded values, oldest first."""
        return tuple(self._values[: self._length])

    @property
    def moments(self) -> tuple[Moment, ...]:
        """When each value was recorded, oldest first."""
        moments = self._moments
        if moments is None:
            return tuple(map(date.fromordinal, self._keys[: self._length]))
        return tuple(moments[: self._length])

    # -- sequence -------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> ItemT: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[ItemT, ...]: ...

    def __getitem__(self, index: int | slice) -> ItemT | tuple[ItemT, ...]:
        if isinstance(index, slice):
            return tuple(self[position] for position in range(self._length)[index])
        position = range(self._length)[index]  # raises IndexError as a tuple would
        moments, extras = self._moments, self._extras
        restored: ItemT = self._restore(
            self._values[position],
            date.fromordinal(self._keys[position]) if moments is None else moments[position],
            None if extras is None else extras[position],
        )
        return restored

    def __iter__(self) -> Iterator[ItemT]:
        length, restore = self._length, self._restore
        moments: Iterable[Moment] = (
            map(date.fromordinal, self._keys) if self._moments is None else self._moments
        )
        extras: Iterable[tuple[Any, ...] | None] = (
            itertools.repeat(None) if self._extras is None else self._extras
        )
        # The shared columns may run past this version's length: the range stops first.
        columns = zip(range(length), self._values, moments, extras, strict=False)
        for _, value, moment, extra in columns:
            yield restore(value, moment, extra)

    def _own_extras(self) -> list[tuple[Any, ...] | None]:
        extras = self._extras
        return [None] * self._length if extras is None else list(extras[: self._length])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, History):
            return (
                type(other) is type(self)
                and self.values == other.values
                and self.moments == other.moments
                and self._own_extras() == other._own_extras()
            )
        if isinstance(other, tuple | list):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))


class CheckIns(History[CheckIn]):
    """A key result's check-ins, oldest first; of two at the same moment the later wins.

    It compares equal to a tuple or list of the same check-ins.
    """

    __slots__ = ()
    _item_type = CheckIn
    _path = "KeyResult.check_ins"

    @staticmethod
    def _extra_of(item: Any) -> tuple[Any, ...] | None:
        if item.confidence is None and not item.note:
            return None
        return (item.confidence, item.note)

    @staticmethod
    def _restore(value: Any, at: Moment, extra: tuple[Any, ...] | None) -> CheckIn:
        # Rebuild a check-in that was validated when it was first made.
        item: CheckIn = object.__new__(CheckIn)
        object.__setattr__(item, "value", value)
        object.__setattr__(item, "at", at)
        object.__setattr__(item, "confidence", None if extra is None else extra[0])
        object.__setattr__(item, "note", "" if extra is None else extra[1])
        return item

    def _has_bool_values(self) -> bool:
        # Known without a scan after `from_columns` of floats, and kept up by appends.
        return bool in self._value_types()

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
        if not _is_column(values):
            raise ValidationError.field("CheckIns.values", values, "a sequence of numbers")
        if not _is_column(moments):
            raise ValidationError.field("CheckIns.moments", moments, "a sequence of dates")
        count = len(values)
        for name, column in (("moments", moments), ("confidences", confidences), ("notes", notes)):
            if column is not None and not _is_column(column):
                raise ValidationError.field(f"CheckIns.{name}", column, "a sequence or None")
            if column is not None and len(column) != count:
                raise ValidationError.field(
                    f"CheckIns.{name}", f"{len(column)} items", f"{count} items, one per value"
                )
        floats_only = set(map(type, values)) <= {float}
        if not floats_only or not all(map(math.isfinite, values)):
            values = [
                _checked_value(value, f"CheckIns.values[{position}]")
                for position, value in enumerate(values)
            ]
        plain_dates = set(map(type, moments)) <= {date}
        if not plain_dates:
            for position, moment in enumerate(moments):
                check_date(f"CheckIns.moments[{position}]", moment)
        extras: list[tuple[Any, ...] | None] | None = None
        for position in range(count if confidences is not None or notes is not None else 0):
            rating = None if confidences is None else confidences[position]
            note = "" if notes is None else notes[position]
            if note.__class__ is not str and not isinstance(note, str):
                raise ValidationError.field(f"CheckIns.notes[{position}]", note, "a string")
            if rating is not None or note:
                try:
                    confidence = to_confidence(rating)
                except ValidationError as error:  # named by its position in the column
                    message = error.problems[0].message
                    raise ValidationError(
                        Problem(f"CheckIns.confidences[{position}]", message)
                    ) from None
                if extras is None:
                    extras = [None] * count
                extras[position] = _shared_extra((confidence, note))
        history = object.__new__(cls)
        history._store(
            list(values), list(moments), extras, owner, plain_dates=plain_dates, check_range=True
        )
        return history


class Measurements(History[Measurement]):
    """A KPI's measurements, oldest first; one per moment.

    It compares equal to a tuple or list of the same measurements.
    """

    __slots__ = ()
    _item_type = Measurement
    _path = "KPI.measurements"

    def _same_moment(self, position: int, moment: Moment) -> None:
        raise ValidationError.field(
            self._item_path(position)
            if self._owner is not None
            else f"KPI.measurements[{position}].at",
            moment,
            "one measurement per moment (use record(..., replace=True) to correct one)",
        )

    @staticmethod
    def _extra_of(item: Any) -> tuple[Any, ...] | None:
        return (item.note,) if item.note else None

    @staticmethod
    def _restore(value: Any, at: Moment, extra: tuple[Any, ...] | None) -> Measurement:
        item: Measurement = object.__new__(Measurement)
        object.__setattr__(item, "value", value)
        object.__setattr__(item, "at", at)
        object.__setattr__(item, "note", "" if extra is None else extra[0])
        return item

    def _without_moment(self, moment: Moment) -> Measurements:
        key = moment_key(moment)
        return Measurements(
            (item for item in self if moment_key(item.at) != key), owner=self._owner
        )


def history_order(moments: Sequence[Moment]) -> list[int]:
    """The positions of `moments` in the order a history holds them: by moment, stably."""
    return sorted(range(len(moments)), key=lambda position: moment_key(moments[position]))


def check_ins_field(value: Iterable[CheckIn]) -> CheckIns:
    """The converter of `KeyResult.check_ins`."""
    return CheckIns.from_field(value)


def measurements_field(value: Iterable[Measurement]) -> Measurements:
    """The converter of `KPI.measurements`."""
    return Measurements.from_field(value)
