"""attrs validators that raise `ValidationError` naming `Class.field` and the value."""

from __future__ import annotations

import enum
import math
import numbers
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from okrkpi._errors import Problem, ValidationError
from okrkpi._model.moments import DayOf, day_of, day_rule

if TYPE_CHECKING:
    from collections.abc import Callable

    import attrs


# Dates outside this window are almost always typos (year 20266, 1026) or epoch bugs.
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)


def field_path(instance: Any, attribute: attrs.Attribute[Any]) -> str:
    """`ClassName.field` for messages."""
    return f"{type(instance).__name__}.{attribute.name}"


def is_number(value: object) -> bool:
    """True for real numbers (numpy's and `Decimal` too); booleans are not numbers here."""
    if isinstance(value, bool) or value.__class__.__name__ == "bool_":  # numpy's bool
        return False
    return isinstance(value, numbers.Real | Decimal)


def finite_float(path: str, value: object) -> float:
    """`value` as a finite float, or a `ValidationError` naming `path`.

    Any real number is accepted (int, float, numpy scalars, `Decimal`, `Fraction`);
    `bool` is not; one too large for a float is refused rather than overflowing.
    """
    if isinstance(value, float) and value.__class__ is float and value - value == 0.0:
        return value
    if not is_number(value):
        raise ValidationError.field(path, value, "a number")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (OverflowError, ValueError):
        raise ValidationError.field(path, value, "a number within the float range") from None
    if not math.isfinite(number):
        raise ValidationError.field(path, value, "a finite number")
    return number


def check_finite(path: str, value: object) -> None:
    """Reject anything but a finite real number."""
    finite_float(path, value)


def check_non_negative(path: str, value: object) -> None:
    """Reject anything but a finite number >= 0."""
    if finite_float(path, value) < 0:
        raise ValidationError.field(path, value, "a number >= 0")


E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")


def enum_member(path: str, kind: type[E], value: object) -> E:
    """`value` as a member of `kind`: a member, or its value or name in any case."""
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        wanted = value.strip().lower()
        for member in kind:
            if str(member.value).lower() == wanted or member.name.lower() == wanted:
                return member
    accepted = ", ".join(repr(member.value) for member in kind)
    raise ValidationError.field(path, value, f"{a_or_an(kind.__name__)} or one of {accepted}")


def a_or_an(name: str) -> str:
    """`"a KeyResult"`, `"an Objective"`: a class named in a message."""
    return f"{'an' if name[0] in 'AEIOU' else 'a'} {name}"


def sequence_of(kind: type[T], path: str, value: object) -> tuple[T, ...]:
    """`value` as a tuple of `kind`, each item checked and named by its position."""
    if value.__class__ is tuple or value.__class__ is list:
        items = tuple(value)
        if set(map(type, items)) <= {kind}:  # the common case, checked without a loop
            return items
    if isinstance(value, str | bytes | Mapping | kind) or not isinstance(value, Iterable):
        raise ValidationError.field(path, value, f"a sequence of {kind.__name__}")
    items = tuple(value)
    for position, item in enumerate(items):
        if not isinstance(item, kind):
            raise ValidationError.field(f"{path}[{position}]", item, a_or_an(kind.__name__))
    return items


def set_floats(instance: Any, *names: str) -> None:
    """Store the named (already checked) number fields of a frozen instance as floats."""
    for name in names:
        value = getattr(instance, name)
        if value is not None and value.__class__ is not float:
            object.__setattr__(instance, name, float(value))


def check_text(path: str, value: object, *, allow_empty: bool = False) -> None:
    """Reject non-strings and, unless allowed, blank strings."""
    if not isinstance(value, str):
        raise ValidationError.field(path, value, "a string")
    if not allow_empty and not value.strip():
        raise ValidationError.field(path, value, "a non-empty string")


def check_id(path: str, value: object) -> None:
    """Reject what `check_text` rejects, and blanks at either end of an id.

    An id names one thing: `"o1"` and `" o1 "` would be two ids that read as one, and
    tables (CSV cells, spreadsheets) drop such blanks, so they could not come back.
    """
    check_text(path, value)
    assert isinstance(value, str)  # checked above
    if value != value.strip():
        raise ValidationError.field(path, value, "an id with no blanks at either end")


def check_optional_text(path: str, value: object) -> None:
    """Like `check_text`, but `None` passes."""
    if value is not None:
        check_text(path, value)


def check_moment(path: str, value: object, expectation: str = "a date or datetime") -> None:
    """Reject anything but a date or datetime that can be read, naming `path`.

    The one check of every `as_of` and check-in moment. pandas' `NaT` ("not a time") is
    a `datetime` whose methods raise `ValueError`; it is refused here, as a missing time,
    instead of failing later inside a comparison.

    Raises:
        ValidationError: `expected <expectation>, got <value>`, naming `path`.
    """
    if value.__class__ is date:
        return
    if not isinstance(value, date):
        raise ValidationError.field(path, value, expectation)
    try:
        value.toordinal()
        if isinstance(value, datetime):
            value.utcoffset()
    except (ValueError, TypeError, OverflowError):
        raise ValidationError.field(
            path, value, f"{expectation}, not a missing time such as NaT"
        ) from None


def check_as_of(path: str, value: object, *, optional: bool = True) -> None:
    """An `as_of` argument: a date or a datetime (or None when `optional`), naming `path`.

    Raises:
        ValidationError: Anything else, e.g. `score.as_of: expected a date, a datetime or
            None, got '2026-08-01'`.
    """
    if value.__class__ is date or (optional and value is None):
        return
    check_moment(path, value, "a date, a datetime or None" if optional else "a date or datetime")


def query_rule(owner: str, as_of: object, rule: DayOf | str, *, optional: bool = True) -> DayOf:
    """Check a query's `as_of` and `day_of` arguments, naming `owner`; the day rule.

    Raises:
        ValidationError: `{owner}.as_of` is not a date or datetime (or None when
            `optional`), or `{owner}.day_of` is no day rule.
    """
    if as_of.__class__ is not date and not (optional and as_of is None):
        check_as_of(f"{owner}.as_of", as_of, optional=optional)
    if rule.__class__ is DayOf:
        return rule
    return day_rule(rule, f"{owner}.day_of")


_ARGUMENTS = frozenset({"as_of", "day_of"})  # checked deep inside, where no owner is known


@contextmanager
def arguments_of(owner: str) -> Iterator[None]:
    """Name `owner` in a `ValidationError` about a bare `as_of` or `day_of` raised within.

    A history checks a moment against its own (a naive `as_of` against aware check-ins)
    without knowing which function was called: `as_of: ...` becomes `score.as_of: ...`.
    """
    try:
        yield
    except ValidationError as error:
        if not any(problem.path in _ARGUMENTS for problem in error.problems):
            raise
        raise type(error)(
            *(
                Problem(f"{owner}.{problem.path}", problem.message)
                if problem.path in _ARGUMENTS
                else problem
                for problem in error.problems
            )
        ) from None


def check_date(path: str, value: object) -> None:
    """Reject non-dates and dates outside the plausible window."""
    check_moment(path, value)
    day = day_of(value)  # type: ignore[arg-type]
    if not EARLIEST <= day <= LATEST:
        raise ValidationError.field(
            path, value, f"a date between {EARLIEST.isoformat()} and {LATEST.isoformat()}"
        )


def finite(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Attrs validator: a finite number."""
    check_finite(field_path(instance, attribute), value)


def non_negative(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Attrs validator: a finite number >= 0."""
    check_non_negative(field_path(instance, attribute), value)


def text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Attrs validator: a non-empty string."""
    check_text(field_path(instance, attribute), value)


def identifier(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Attrs validator: a non-empty string with no blanks at either end (`check_id`)."""
    check_id(field_path(instance, attribute), value)


def optional_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Attrs validator: a non-empty string or None."""
    check_optional_text(field_path(instance, attribute), value)


def plausible_date(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Attrs validator: a date or datetime within the plausible window."""
    check_date(field_path(instance, attribute), value)


def instance_of(
    kind: type | tuple[type, ...], expectation: str, *, optional: bool = False
) -> Callable[..., None]:
    """Validator factory: `isinstance(value, kind)` (or None if `optional`).

    Unlike `attrs.validators.instance_of`, it raises `ValidationError` naming the field.
    """

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if optional and value is None:
            return
        if not isinstance(value, kind):
            raise ValidationError.field(field_path(instance, attribute), value, expectation)

    return validate
