"""attrs validators that raise `ValidationError` naming `Class.field` and the value."""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, Any

from okrkpi._errors import ValidationError
from okrkpi._model.moments import day_of

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
    """True for real numbers; booleans are not numbers here."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_finite(path: str, value: object) -> None:
    """Reject anything but a finite int or float."""
    if not is_number(value):
        raise ValidationError.field(path, value, "a number")
    if not math.isfinite(value):  # type: ignore[arg-type]
        raise ValidationError.field(path, value, "a finite number")


def check_non_negative(path: str, value: object) -> None:
    """Reject anything but a finite number >= 0."""
    check_finite(path, value)
    if value < 0:  # type: ignore[operator]
        raise ValidationError.field(path, value, "a number >= 0")


def check_text(path: str, value: object, *, allow_empty: bool = False) -> None:
    """Reject non-strings and, unless allowed, blank strings."""
    if not isinstance(value, str):
        raise ValidationError.field(path, value, "a string")
    if not allow_empty and not value.strip():
        raise ValidationError.field(path, value, "a non-empty string")


def check_optional_text(path: str, value: object) -> None:
    """Like `check_text`, but `None` passes."""
    if value is not None:
        check_text(path, value)


def check_date(path: str, value: object) -> None:
    """Reject non-dates and dates outside the plausible window."""
    if not isinstance(value, date):
        raise ValidationError.field(path, value, "a date or datetime")
    day = day_of(value)
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
