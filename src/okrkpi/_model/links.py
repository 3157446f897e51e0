"""An objective's links to its parents: ordered, read-only, hashable mappings.

`Objective.parents` (parent id -> weight) is held as `ParentLinks` and
`Objective.parent_key_results` (parent id -> the parent's key result it drives) as
`Links`. The order is the order the parents were named in: the first is the one the
one-parent shorthand (`parent_id`, `alignment_weight`, `parent_key_result_id`) reads.

`resolve_links` reads an objective's link arguments. A `parents` value that is already
`ParentLinks` is an objective's stored links, as `attrs.evolve` hands them back: the
shorthand arguments beside it are changes to them. Any other `parents` value is written
by the caller and decides every link; the shorthand may only repeat it.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, ItemsView, Iterable, Iterator, KeysView, Mapping, Set
from typing import Any, Final, Literal, NamedTuple, TypeVar

from okrkpi._errors import AlignmentError, Problem, ValidationError
from okrkpi._model._checks import finite_float

__all__ = [
    "NOT_GIVEN",
    "NO_KEY_RESULTS",
    "NO_PARENTS",
    "LinkProblems",
    "Links",
    "NotGiven",
    "ParentLinks",
    "links_kept",
    "resolve_links",
]

V = TypeVar("V")
T = TypeVar("T")


class Links(Mapping[str, V]):
    """An ordered, read-only mapping from parent ids, equal to a dict with the same items.

    Two `Links` are equal only in the same order (the first parent is the primary one,
    as `OrderedDict` compares); against any other mapping, order does not matter.
    """

    __slots__ = ("_by_id", "_items")

    _INDEXED = 8  # more links than this are looked up through a dict, built once

    def __init__(self, items: Iterable[tuple[str, V]] = ()) -> None:
        # Most objectives have one parent: a tuple alone, scanned, holds it in the least
        # memory; a dict is built only for many links, when first looked up.
        self._items: tuple[tuple[str, V], ...] = tuple(items)
        self._by_id: dict[str, V] | None = None

    def _index(self) -> dict[str, V]:
        found = self._by_id
        if found is None:
            found = self._by_id = dict(self._items)
        return found

    def __getitem__(self, parent_id: str) -> V:
        if len(self._items) > self._INDEXED:
            return self._index()[parent_id]
        for name, value in self._items:
            if name == parent_id:
                return value
        raise KeyError(parent_id)

    def __contains__(self, parent_id: object) -> bool:
        if len(self._items) > self._INDEXED:
            return parent_id in self._index()
        return any(name == parent_id for name, _ in self._items)

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Links):
            return self._items == other._items
        if isinstance(other, Mapping):
            return dict(self._items) == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._items)

    def __repr__(self) -> str:
        return repr(dict(self._items))

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self._items,))

    @property
    def first(self) -> tuple[str, V] | None:
        """The first link, `(parent id, value)`, or None without links."""
        return self._items[0] if self._items else None


class ParentLinks(Links[float]):
    """An objective's parents with their weights, as the objective stores them.

    A root has none, and keeps the weight it was given (`root_weight`) for the day it is
    aligned: the one-parent shorthand `alignment_weight` of an objective with no parent.
    Held here, in the stored links, so that `attrs.evolve` hands it back with them.
    """

    __slots__ = ("root_weight",)

    def __init__(self, items: Iterable[tuple[str, float]] = (), root_weight: float = 1.0) -> None:
        super().__init__(items)
        self.root_weight = root_weight if not self._items else 1.0

    def __reduce__(self) -> tuple[Any, ...]:
        return (ParentLinks, (self._items, self.root_weight))

    # A root's own weight is part of the objective it belongs to, so it is compared.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, ParentLinks) and self.root_weight != other.root_weight:
            return False
        return super().__eq__(other)

    def __hash__(self) -> int:
        return hash((self._items, self.root_weight))

    @property
    def weight(self) -> float:
        """The first link's weight, or a root's own."""
        first = self.first
        return self.root_weight if first is None else first[1]


NO_PARENTS: Final = ParentLinks()
"""The links of a root with the default weight."""

NO_KEY_RESULTS: Final[Links[str]] = Links()
"""No key results driven."""


class NotGiven(enum.Enum):
    """The default of an argument that was not given (a one-member enum: a singleton)."""

    NOT_GIVEN = "not given"

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven.NOT_GIVEN
"""An argument not given: `Objective` tells it from None, which means "no parent"."""

Absent = Literal[NotGiven.NOT_GIVEN]


@functools.lru_cache(maxsize=4096)
def one_parent(parent_id: str) -> ParentLinks:
    """The links of a child with one parent and the default weight, shared by siblings.

    Values are immutable, so siblings may hold one: an organisation's objectives mostly
    align to a few parents each, and the links would otherwise be most of an objective's
    memory beyond its key results.
    """
    return ParentLinks(((parent_id, 1.0),))


@functools.lru_cache(maxsize=4096)
def one_key_result(parent_id: str, key_result_id: str) -> Links[str]:
    """The key result driven under one parent, shared as `one_parent` is."""
    return Links(((parent_id, key_result_id),))


def links_kept(weights: Mapping[str, float]) -> tuple[dict[str, float], tuple[str, ...]]:
    """What is left of an objective's links once some were dropped, and any dropped for it.

    The one rule for every place that drops links (a subtree, a carry-over): several
    links that all weigh 0 are not an objective's links (it must count somewhere), so of
    those the first alone is kept, still weighing 0. The objective counts in none of
    those parents, as before; a made-up weight would make it count where it did not.
    """
    links = dict(weights)
    if len(links) > 1 and not any(weight > 0 for weight in links.values()):
        first = next(iter(links))
        return {first: links[first]}, tuple(name for name in links if name != first)
    return links, ()


# -- problems -------------------------------------------------------------------------------


class LinkProblems:
    """Every problem with an objective's links, each kept with its kind and its moment.

    Structural problems (aligned to itself, a parent named twice) make an
    `AlignmentError`; any other problem (a bad weight, a bad type, arguments that
    contradict one another) makes the whole report a `ValidationError`. A late problem
    is reported after the key results' own checks, where it always was.
    """

    __slots__ = ("_found",)

    def __init__(self) -> None:
        self._found: list[tuple[Problem, bool, bool]] = []

    def add(self, problem: Problem, *, structural: bool = False, late: bool = False) -> None:
        """Keep one problem."""
        self._found.append((problem, structural, late))

    def extend(self, problems: Iterable[Problem]) -> None:
        """Keep problems that are not structural, reported at once."""
        self._found.extend((problem, False, False) for problem in problems)

    def raise_early(self) -> None:
        """Raise every problem when any is not late: all of them, at once."""
        if any(not late for _, _, late in self._found):
            raise self._error()

    def raise_late(self) -> None:
        """Raise the late problems, if any."""
        if self._found:
            raise self._error()

    def _error(self) -> ValidationError:
        problems = [problem for problem, _, _ in self._found]
        if all(structural for _, structural, _ in self._found):
            return AlignmentError(*problems)
        return ValidationError(*problems)


def _problem(path: str, value: object, expectation: str) -> Problem:
    return ValidationError.field(path, value, expectation).problems[0]


def _names(ids: Iterable[str]) -> str:
    return ", ".join(repr(item) for item in ids)


def _parents_word(count: int) -> str:
    return "1 parent" if count == 1 else f"{count} parents"


# -- reading an objective's link arguments ------------------------------------------------


class Shorthand(NamedTuple):
    """The one-parent shorthand arguments, each `NOT_GIVEN` when not given."""

    parent_id: str | Absent | None
    key_result_id: str | Absent | None
    weight: float | Absent


def resolve_links(
    oid: str,
    parents: object,
    key_results: object,
    parent_id: str | Absent | None,
    key_result_id: str | Absent | None,
    weight: float | Absent,
    found: LinkProblems,
) -> tuple[ParentLinks, Links[str]]:
    """An objective's stored links from its arguments; problems go to `found`.

    The shorthand arguments are `NOT_GIVEN` when not given, and already checked (a
    string or None, a finite weight >= 0). `parents` and `key_results` are as given.
    """
    shorthand = Shorthand(parent_id, key_result_id, weight)
    if parents is None:
        if key_results is None and key_result_id in (None, NOT_GIVEN) and weight is NOT_GIVEN:
            if parent_id is None or parent_id is NOT_GIVEN:
                return NO_PARENTS, NO_KEY_RESULTS
            return _checked_self(oid, one_parent(parent_id), found), NO_KEY_RESULTS
        return _from_shorthand(oid, key_results, shorthand, found)
    if isinstance(parents, ParentLinks):
        unchanged = (parent_id, key_result_id, weight)
        if key_results.__class__ is Links and all(item is NOT_GIVEN for item in unchanged):
            # attrs.evolve with no link changed: the stored links, as they are.
            stored: Links[str] = key_results
            if not stored or all(name in parents for name in stored):
                return _checked_self(oid, parents, found), stored
        return _changed(oid, parents, key_results, shorthand, found)
    return _written(oid, parents, key_results, shorthand, found)


def _checked_self(
    oid: str, parents: ParentLinks, found: LinkProblems, *, written: bool = False
) -> ParentLinks:
    """Refuse an objective aligned to itself, named as it was given (one link: `parent_id`)."""
    if oid in parents:
        where = "parent_id" if len(parents) == 1 and not written else f"parents[{oid!r}]"
        found.add(
            Problem(f"Objective({oid!r}).{where}", f"aligned to itself ({oid!r})"),
            structural=True,
            late=True,
        )
    return parents


def _no_parent_for_key_result(oid: str, found: LinkProblems) -> None:
    found.add(
        _problem(f"Objective({oid!r}).parent_id", None, "a parent id with parent_key_result_id"),
        late=True,
    )


def _given(value: object) -> bool:
    return value is not None and value is not NOT_GIVEN


def _from_shorthand(
    oid: str,
    key_results: object,
    shorthand: Shorthand,
    found: LinkProblems,
) -> tuple[ParentLinks, Links[str]]:
    """Links from the one-parent shorthand, with `parent_key_results` if given."""
    parent_id, key_result_id, weight = shorthand
    chosen = 1.0 if weight is NOT_GIVEN else weight
    weights = [(parent_id, chosen)] if isinstance(parent_id, str) else []
    driven = {} if key_results is None else _parsed_key_results(oid, key_results, found)
    if isinstance(key_result_id, str):
        if not weights:
            _no_parent_for_key_result(oid, found)
        else:
            _repeat_key_result(oid, weights, driven, key_result_id, found)
    return _built(oid, weights, driven, chosen, found)


def _repeat_key_result(
    oid: str,
    weights: list[tuple[str, float]],
    driven: dict[str, str],
    key_result_id: str,
    found: LinkProblems,
) -> None:
    """The shorthand key result beside `parent_key_results`: it may only repeat them."""
    if len(weights) == 1 and driven.get(weights[0][0], key_result_id) == key_result_id:
        driven[weights[0][0]] = key_result_id
        return
    if len(weights) == 1:
        said = f"{key_result_id!r} given with parent_key_results {dict(driven)!r}: give one"
    else:
        said = (
            f"{key_result_id!r} is the one-parent shorthand, but it has "
            f"{_parents_word(len(weights))} ({_names(p for p, _ in weights)}): "
            "give parent_key_results"
        )
    found.add(Problem(f"Objective({oid!r}).parent_key_result_id", said))


def _written(
    oid: str,
    parents: object,
    key_results: object,
    shorthand: Shorthand,
    found: LinkProblems,
) -> tuple[ParentLinks, Links[str]]:
    """Links from a `parents` value the caller wrote: it decides every link."""
    parent_id, key_result_id, weight = shorthand
    weights = _parsed_parents(oid, parents, found)
    names = [name for name, _ in weights]
    root_weight = 1.0
    if _given(parent_id) and names != [parent_id]:
        found.add(
            Problem(
                f"Objective({oid!r}).parent_id",
                f"{parent_id!r} given with parents ({_names(names) or 'none'}): "
                "give one or the other",
            )
        )
    if weight is not NOT_GIVEN:
        if not weights:
            root_weight = weight
        elif len(weights) > 1 or weights[0][1] != weight:
            found.add(
                Problem(
                    f"Objective({oid!r}).alignment_weight",
                    f"{weight!r} given with parents: give the weight in parents",
                )
            )
    driven: dict[str, str] = {}
    if isinstance(key_results, Links):  # an objective's stored ones: those still linked stay
        driven = {name: kr_id for name, kr_id in key_results.items() if name in names}
    elif key_results is not None:
        driven = _parsed_key_results(oid, key_results, found)
    if _given(key_result_id):
        if not weights:
            _no_parent_for_key_result(oid, found)
        else:
            _repeat_key_result(oid, weights, driven, key_result_id, found)  # type: ignore[arg-type]
    return _built(oid, weights, driven, root_weight, found, written=True)


def _changed(
    oid: str,
    base: ParentLinks,
    key_results: object,
    shorthand: Shorthand,
    found: LinkProblems,
) -> tuple[ParentLinks, Links[str]]:
    """An objective's stored links with the changes the arguments make.

    `parent_id=` naming one of several parents keeps that link alone (the first too);
    otherwise a shorthand argument equal to what the objective reads changes nothing.
    """
    parent_id, key_result_id, weight = shorthand
    weights: list[tuple[str, float]] = list(base.items())
    root_weight = base.root_weight
    first = base.first
    stored: dict[str, str] = dict(key_results) if isinstance(key_results, Links) else {}
    if parent_id is not NOT_GIVEN and (
        parent_id != (None if first is None else first[0]) or len(weights) > 1
    ):
        if parent_id is None:  # a root now, keeping its first link's weight
            root_weight, weights, stored = base.weight, [], {}
        elif parent_id in base:  # one of its parents: that link stays
            weights = [(parent_id, base[parent_id])]
            stored = {parent_id: stored[parent_id]} if parent_id in stored else {}
        else:  # elsewhere: the first link's weight and key result go with it, as ever
            kept = None if first is None else stored.get(first[0])
            weights = [(parent_id, base.weight)]
            stored = {} if kept is None else {parent_id: kept}
    driven = stored
    if key_results is not None and not isinstance(key_results, Links):
        driven = _parsed_key_results(oid, key_results, found)
    several = len(weights) > 1
    if weight is not NOT_GIVEN and weight != (weights[0][1] if weights else root_weight):
        if several:
            found.add(_several(oid, "alignment_weight", weights, "parents"))
        elif weights:
            weights = [(weights[0][0], weight)]
        else:
            root_weight = weight
    current = driven.get(weights[0][0]) if weights else None
    if key_result_id is not NOT_GIVEN and key_result_id != current:
        if several:
            found.add(_several(oid, "parent_key_result_id", weights, "parent_key_results"))
        elif weights:
            driven = {} if key_result_id is None else {weights[0][0]: key_result_id}
        else:
            _no_parent_for_key_result(oid, found)
    return _built(oid, weights, driven, root_weight, found)


def _several(oid: str, name: str, weights: list[tuple[str, float]], instead: str) -> Problem:
    return Problem(
        f"Objective({oid!r}).{name}",
        f"the one-parent shorthand, but it has several parents ({_names(p for p, _ in weights)}): "
        f"change {instead} instead",
    )


def _parsed_parents(oid: str, given: object, found: LinkProblems) -> list[tuple[str, float]]:
    path = f"Objective({oid!r}).parents"
    if isinstance(given, Set) and not isinstance(given, KeysView | ItemsView):
        # A set has no order, and the first parent is the one the shorthand reads.
        found.add(_problem(path, given, "parents in order (a mapping, list or tuple), not a set"))
        return []
    return _pairs(
        path,
        given,
        (
            "a mapping of parent id -> weight, or parent ids (weight 1)",
            "a parent id or (id, weight)",
        ),
        _weight,
        found,
    )


def _parsed_key_results(oid: str, given: object, found: LinkProblems) -> dict[str, str]:
    pairs = _pairs(
        f"Objective({oid!r}).parent_key_results",
        given,
        ("a mapping of parent id -> its key result's id", "(parent id, key result id)"),
        _key_result_id,
        found,
    )
    return dict(pairs)


def _weight(path: str, number: object) -> float:
    value = finite_float(path, number)
    if value < 0:
        raise ValidationError.field(path, number, "a number >= 0")
    return value


def _key_result_id(path: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise ValidationError.field(path, value, "a key result id (no blanks at either end)")
    return value


def _pairs(
    path: str,
    given: object,
    expected: tuple[str, str],
    checked: Callable[[str, object], T],
    found: LinkProblems,
) -> list[tuple[str, T]]:
    """`(parent id, value)` pairs from a mapping or an iterable, each problem collected.

    A bare id in an iterable stands for `(id, 1.0)`, as `parents=["a", "b"]` reads.
    """
    if isinstance(given, Mapping):
        items: list[object] = list(given.items())
    elif isinstance(given, str | bytes) or not isinstance(given, Iterable):
        found.add(_problem(path, given, expected[0]))
        return []
    else:
        items = [(item, 1.0) if isinstance(item, str) else item for item in given]
    pairs: list[tuple[str, T]] = []
    seen: set[str] = set()
    for position, item in enumerate(items):
        if not isinstance(item, tuple | list) or len(item) != 2:
            found.add(_problem(f"{path}[{position}]", item, expected[1]))
            continue
        name, raw = item
        if not isinstance(name, str) or not name.strip() or name != name.strip():
            wanted = "a parent id (a non-empty string, no blanks at either end)"
            found.add(_problem(f"{path}[{position}]", name, wanted))
            continue
        try:
            value = checked(f"{path}[{name!r}]", raw)
        except ValidationError as error:
            found.extend(error.problems)
            continue
        if name in seen:
            found.add(
                Problem(f"{path}[{position}]", f"parent {name!r} named twice"), structural=True
            )
            continue
        seen.add(name)
        pairs.append((name, value))
    return pairs


def _built(
    oid: str,
    weights: list[tuple[str, float]],
    driven: Mapping[str, str],
    root_weight: float,
    found: LinkProblems,
    *,
    written: bool = False,
) -> tuple[ParentLinks, Links[str]]:
    """The stored links, once checked against one another."""
    names = [name for name, _ in weights]
    if not weights:
        parents = NO_PARENTS if root_weight == 1.0 else ParentLinks((), root_weight)
    elif len(weights) == 1 and weights[0][1] == 1.0:
        parents = one_parent(weights[0][0])
    else:
        parents = ParentLinks(weights)
    _checked_self(oid, parents, found, written=written)
    if len(weights) > 1 and not any(value > 0 for _, value in weights):
        found.add(_problem(f"Objective({oid!r}).parents", dict(weights), "at least one weight > 0"))
    for name in driven:
        if name not in names:
            found.add(
                _problem(
                    f"Objective({oid!r}).parent_key_results",
                    name,
                    f"one of its parents ({_names(names) or 'none'})",
                )
            )
    ordered = [(name, driven[name]) for name in names if name in driven]
    if not ordered:
        return parents, NO_KEY_RESULTS
    if len(ordered) == 1:
        return parents, one_key_result(*ordered[0])
    return parents, Links(ordered)
