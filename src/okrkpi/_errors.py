"""The exception hierarchy: one root, each leaf also the builtin a caller would expect."""

from __future__ import annotations

from typing import Any

__all__ = [
    "AlignmentError",
    "MissingExtraError",
    "OkrKpiError",
    "OkrKpiWarning",
    "Problem",
    "UnknownColumnsWarning",
    "UnknownStrategyError",
    "ValidationError",
]


_SHOWN = 60  # characters of a rejected value quoted in a message
_PATH_SHOWN = 200  # characters of a path; ids in paths come from user data


def describe(value: Any) -> str:
    """Render a rejected value for a message: short, however large the value.

    A long string is cut before it is rendered (a 200 MB title costs no 200 MB message),
    and an int too long to print says so instead of failing.
    """
    if isinstance(value, str | bytes) and len(value) > _SHOWN:
        return f"{value[: _SHOWN - 3]!r}... ({len(value):,} long)"
    try:
        text = repr(value)
    except ValueError:  # int digits beyond the interpreter's limit
        return f"<{type(value).__name__} too large to print>"
    if len(text) > _SHOWN:
        text = text[: _SHOWN - 3] + "..."
    return text


def shorten_path(path: str) -> str:
    """A path with its middle elided when user data (an id, a title) made it long."""
    if len(path) <= _PATH_SHOWN:
        return path
    return f"{path[:120]}...{path[-60:]}"


class OkrKpiError(Exception):
    """Root of every error this library raises on purpose.

    Catch this to handle any rejected input or unknown name from `okrkpi` at once.
    """


class Problem:
    """One finding: where it is (`path`), what is wrong (`message`).

    Attributes:
        path: A dotted path to the offending field, e.g. `objectives[3].key_results[1].target`.
        message: What is wrong, naming the value.
    """

    __slots__ = ("message", "path")

    def __init__(self, path: str, message: str) -> None:
        self.path = shorten_path(path)
        self.message = message if len(message) <= 4 * _PATH_SHOWN else shorten_path(message)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def __repr__(self) -> str:
        return f"Problem(path={self.path!r}, message={self.message!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return (self.path, self.message) == (other.path, other.message)

    def __hash__(self) -> int:
        return hash((self.path, self.message))


class ValidationError(OkrKpiError, ValueError):
    """An input was rejected: a bad number, date, type, or combination of fields.

    Attributes:
        problems: Every problem found, each with the path of the field it concerns.
            Constructors stop at the first problem; `okrkpi.serde` reports them all.
    """

    def __init__(self, *problems: Problem) -> None:
        self.problems: tuple[Problem, ...] = problems
        super().__init__("; ".join(str(p) for p in problems))

    @classmethod
    def field(cls, path: str, value: Any, expectation: str) -> ValidationError:
        """Build the error for one field: `Owner.field: expected ..., got <value>`."""
        return cls(Problem(path, f"expected {expectation}, got {describe(value)}"))

    @property
    def path(self) -> str:
        """The path of the first problem."""
        return self.problems[0].path if self.problems else ""


class AlignmentError(ValidationError):
    """Objectives cannot form a tree: duplicate ids, unknown parents, self-alignment or loops.

    Also a `ValueError` (through `ValidationError`). `problems` lists every finding at once.
    """


class UnknownStrategyError(OkrKpiError, LookupError):
    """No strategy is registered under the requested name.

    Attributes:
        category: The kind of strategy asked for, e.g. `"aggregator"`.
        name: The name asked for.
        known: The names that would have worked.
    """

    def __init__(self, category: str, name: str, known: tuple[str, ...]) -> None:
        self.category = category
        self.name = name
        self.known = known
        listing = ", ".join(known) if known else "none"
        super().__init__(f"unknown {category} strategy {name!r}; known: {listing}")


class MissingExtraError(OkrKpiError, ImportError):
    """An optional capability needs a package that is not installed.

    Attributes:
        extra: The extra that installs it, e.g. `"plot"` for `pip install "okrkpi[plot]"`.
    """

    def __init__(self, feature: str, extra: str, package: str) -> None:
        self.extra = extra
        super().__init__(
            f'{feature} needs {package}, which is not installed: pip install "okrkpi[{extra}]"',
            name=package,
        )


class OkrKpiWarning(UserWarning):
    """Root of every warning okrkpi gives: something was read, but not all of it.

    Filter on it (`warnings.filterwarnings("error", category=OkrKpiWarning)`) to make
    every such warning an error, or on one of its subclasses.
    """


class UnknownColumnsWarning(OkrKpiWarning):
    """A table has columns okrkpi does not read, and `extra_columns="warn"` was asked for.

    Attributes:
        table: The table, e.g. `"key_results"`.
        columns: The columns read past, in the order they came.
    """

    def __init__(self, table: str, columns: tuple[str, ...], message: str) -> None:
        self.table = table
        self.columns = columns
        super().__init__(message)
