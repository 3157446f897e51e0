"""An objective's links to its parents: an ordered, read-only, hashable mapping.

`Objective.parents` (parent id -> weight) and `Objective.parent_key_results` (parent id
-> the parent's key result it drives) are held as `Links`. The order is the order the
parents were named in: the first is the one the one-parent shorthand (`parent_id`,
`alignment_weight`, `parent_key_result_id`) reads.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import attrs

from okrkpi._errors import AlignmentError, Problem, ValidationError
from okrkpi._model._checks import finite_float

__all__ = [
    "NO_LINKS",
    "ROOT",
    "UNSET",
    "LinkSet",
    "Links",
    "check_not_self_aligned",
    "one_parent",
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
        return (Links, (self._items,))

    @property
    def first(self) -> tuple[str, V] | None:
        """The first link, `(parent id, value)`, or None without links."""
        return self._items[0] if self._items else None


NO_LINKS: Links[Any] = Links()
"""The links of an objective with no parent."""


@attrs.frozen(slots=True)
class LinkSet:
    """Everything an objective holds about its place in the graph, stored as one value.

    Its parents with their weights, the key results it drives under some of them, and
    the weight a root keeps for the day it is aligned (the one-parent shorthand
    `alignment_weight` of an objective with no parent). Held in one field so that
    `attrs.evolve` hands it back whole, telling a changed link from an unchanged one.
    """

    weights: Links[float]
    key_results: Links[str]
    root_weight: float = 1.0


ROOT: LinkSet = LinkSet(NO_LINKS, NO_LINKS)
"""The links of a root with the default weight."""


# -- reading an objective's link arguments ------------------------------------------------


class _Unset:
    """An argument not given: what `Objective` stores for its shorthand after reading it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<unset>"


UNSET: Any = _Unset()


def _problem(path: str, value: object, expectation: str) -> Problem:
    return ValidationError.field(path, value, expectation).problems[0]


def _names(ids: Iterable[str]) -> str:
    return ", ".join(repr(item) for item in ids)


def resolve_links(
    oid: str,
    given: object,
    key_results_given: object,
    parent_id: Any,
    key_result_id: Any,
    weight: Any,
) -> tuple[LinkSet, Problem | None]:
    """An objective's `LinkSet` from its arguments, and a problem left for later, if any.

    `given` is the `parents` argument: the stored `LinkSet` when `attrs.evolve` copies an
    objective (the shorthand arguments then say what changed), else None or a new
    mapping. The shorthand arguments are `UNSET` when `attrs.evolve` did not change them.
    The problem left for later is a key result named without a parent, reported where it
    always was, after the key results' own checks.

    Raises:
        AlignmentError: The links contradict one another, with every problem at once.
    """
    if isinstance(given, LinkSet):  # attrs.evolve: unchanged unless an argument says so
        unchanged = (parent_id, key_result_id, weight, key_results_given)
        if all(argument is UNSET for argument in unchanged):
            return given, None
        return _changed(oid, given, key_results_given, parent_id, key_result_id, weight)
    if given is None and key_results_given in (None, UNSET):
        return _shorthand(parent_id, key_result_id, weight)
    return _from_mappings(oid, given, key_results_given, parent_id, key_result_id, weight)


def _given(value: object) -> bool:
    return value is not None and value is not UNSET


def _shorthand(parent_id: Any, key_result_id: Any, weight: Any) -> tuple[LinkSet, Problem | None]:
    chosen: float = 1.0 if weight is UNSET else weight  # checked by Objective
    if not _given(parent_id):
        late = None
        if _given(key_result_id):
            late = _problem("parent_id", None, "a parent id with parent_key_result_id")
        return (ROOT if chosen == 1.0 else LinkSet(NO_LINKS, NO_LINKS, chosen)), late
    if chosen == 1.0:
        return one_parent(parent_id, key_result_id if _given(key_result_id) else None), None
    driven: Links[str] = Links(((parent_id, key_result_id),)) if _given(key_result_id) else NO_LINKS
    return LinkSet(Links(((parent_id, chosen),)), driven), None


@functools.lru_cache(maxsize=4096)
def one_parent(parent_id: str, key_result_id: str | None) -> LinkSet:
    """The links of a child with one parent and the default weight, shared by siblings.

    Values are immutable, so siblings may hold one: an organisation's objectives mostly
    align to a few parents each, and the links would otherwise be most of an objective's
    memory beyond its key results.
    """
    driven: Links[str] = NO_LINKS if key_result_id is None else Links(((parent_id, key_result_id),))
    return LinkSet(Links(((parent_id, 1.0),)), driven)


def _changed(
    oid: str,
    base: LinkSet,
    key_results_given: object,
    parent_id: Any,
    key_result_id: Any,
    weight: Any,
) -> tuple[LinkSet, Problem | None]:
    """`base` with the changes `attrs.evolve` was given."""
    weights: list[tuple[str, float]] = list(base.weights.items())
    driven: dict[str, str] = dict(base.key_results)
    root_weight = base.root_weight
    first = base.weights.first
    if parent_id is not UNSET:  # the shorthand: one parent, or none
        if parent_id is None:
            root_weight = base.root_weight if first is None else first[1]
            weights, driven = [], {}
        elif parent_id in base.weights:  # one of its parents: that link stays
            weights = [(parent_id, base.weights[parent_id])]
            kept = base.key_results.get(parent_id)
            driven = {} if kept is None else {parent_id: kept}
        else:  # elsewhere: the first link's weight and key result go with it, as ever
            weights = [(parent_id, root_weight if first is None else first[1])]
            kept = None if first is None else base.key_results.get(first[0])
            driven = {} if kept is None else {parent_id: kept}
    problems: list[Problem] = []
    if key_results_given is not UNSET:
        driven = _parsed_key_results(oid, key_results_given, problems)
    several = len(weights) > 1
    if weight is not UNSET:
        if several:
            problems.append(_several(oid, "alignment_weight", weights, "parents"))
        elif weights:
            weights = [(weights[0][0], weight)]
        else:
            root_weight = weight
    late = None
    if key_result_id is not UNSET:
        if several:
            problems.append(_several(oid, "parent_key_result_id", weights, "parent_key_results"))
        elif weights:
            driven = {} if key_result_id is None else {weights[0][0]: key_result_id}
        elif key_result_id is not None:
            late = _problem("parent_id", None, "a parent id with parent_key_result_id")
    return _built(oid, weights, driven, root_weight, problems), late


def _several(oid: str, name: str, weights: list[tuple[str, float]], instead: str) -> Problem:
    return Problem(
        f"Objective({oid!r}).{name}",
        f"the one-parent shorthand, but it has several parents ({_names(p for p, _ in weights)}): "
        f"change {instead} instead",
    )


def _from_mappings(
    oid: str,
    given: object,
    key_results_given: object,
    parent_id: Any,
    key_result_id: Any,
    weight: Any,
) -> tuple[LinkSet, Problem | None]:
    """Links from a `parents` mapping (or the shorthand with `parent_key_results`)."""
    problems: list[Problem] = []
    root_weight = 1.0
    weights: list[tuple[str, float]]
    if given is None or given is UNSET:
        weights = [(parent_id, 1.0 if weight is UNSET else weight)] if _given(parent_id) else []
        if not weights and weight is not UNSET:
            root_weight = weight
    else:
        weights = _parsed_parents(oid, given, problems)
        if _given(parent_id) and [name for name, _ in weights] != [parent_id]:
            problems.append(
                Problem(
                    f"Objective({oid!r}).parent_id",
                    f"{parent_id!r} given with parents ({_names(p for p, _ in weights)}): "
                    "give one or the other",
                )
            )
        if weight is not UNSET and weight != 1.0:
            if not weights:
                root_weight = weight
            elif len(weights) > 1 or weights[0][1] != weight:
                problems.append(
                    Problem(
                        f"Objective({oid!r}).alignment_weight",
                        f"{weight!r} given with parents: give the weight in parents",
                    )
                )
    driven: dict[str, str] = {}
    if _given(key_results_given):
        driven = _parsed_key_results(oid, key_results_given, problems)
    if _given(key_result_id):
        if len(weights) == 1 and driven.get(weights[0][0], key_result_id) == key_result_id:
            driven[weights[0][0]] = key_result_id
        else:
            problems.append(
                Problem(
                    f"Objective({oid!r}).parent_key_result_id",
                    f"{key_result_id!r} is the one-parent shorthand: with "
                    f"{len(weights)} parents, give parent_key_results",
                )
            )
    return _built(oid, weights, driven, root_weight, problems), None


def _parsed_parents(oid: str, given: object, problems: list[Problem]) -> list[tuple[str, float]]:
    return _pairs(
        f"Objective({oid!r}).parents",
        given,
        (
            "a mapping of parent id -> weight, or parent ids (weight 1)",
            "a parent id or (id, weight)",
        ),
        _weight,
        problems,
    )


def _parsed_key_results(oid: str, given: object, problems: list[Problem]) -> dict[str, str]:
    pairs = _pairs(
        f"Objective({oid!r}).parent_key_results",
        given,
        ("a mapping of parent id -> its key result's id", "(parent id, key result id)"),
        _key_result_id,
        problems,
    )
    return dict(pairs)


def _weight(path: str, number: object) -> float:
    value = finite_float(path, number)
    if value < 0:
        raise ValidationError.field(path, number, "a number >= 0")
    return value


def _key_result_id(path: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError.field(path, value, "a key result id")
    return value


def _pairs(
    path: str,
    given: object,
    expected: tuple[str, str],
    checked: Callable[[str, object], T],
    problems: list[Problem],
) -> list[tuple[str, T]]:
    """`(parent id, value)` pairs from a mapping or an iterable, each problem collected.

    A bare id in an iterable stands for `(id, 1.0)`, as `parents=["a", "b"]` reads.
    """
    if isinstance(given, Mapping):
        items: list[object] = list(given.items())
    elif isinstance(given, str | bytes) or not isinstance(given, Iterable):
        problems.append(_problem(path, given, expected[0]))
        return []
    else:
        items = [(item, 1.0) if isinstance(item, str) else item for item in given]
    pairs: list[tuple[str, T]] = []
    seen: set[str] = set()
    for position, item in enumerate(items):
        if not isinstance(item, tuple | list) or len(item) != 2:
            problems.append(_problem(f"{path}[{position}]", item, expected[1]))
            continue
        name, raw = item
        if not isinstance(name, str) or not name.strip():
            problems.append(
                _problem(f"{path}[{position}]", name, "a parent id (a non-empty string)")
            )
            continue
        try:
            value = checked(f"{path}[{name!r}]", raw)
        except ValidationError as error:
            problems.extend(error.problems)
            continue
        if name in seen:
            problems.append(Problem(f"{path}[{position}]", f"parent {name!r} named twice"))
            continue
        seen.add(name)
        pairs.append((name, value))
    return pairs


def _built(
    oid: str,
    weights: list[tuple[str, float]],
    driven: Mapping[str, str],
    root_weight: float,
    problems: list[Problem],
) -> LinkSet:
    """The `LinkSet`, once the links are checked against one another."""
    names = [name for name, _ in weights]
    if oid in names:
        problems.append(
            Problem(f"Objective({oid!r}).parents[{oid!r}]", f"aligned to itself ({oid!r})")
        )
    if len(weights) > 1 and not any(value > 0 for _, value in weights):
        problems.append(
            _problem(f"Objective({oid!r}).parents", dict(weights), "at least one weight > 0")
        )
    problems.extend(
        _problem(
            f"Objective({oid!r}).parent_key_results",
            name,
            f"one of its parents ({_names(names) or 'none'})",
        )
        for name in driven
        if name not in names
    )
    if problems:
        raise AlignmentError(*problems)
    if not weights and root_weight == 1.0:
        return ROOT
    ordered = Links((name, driven[name]) for name in names if name in driven)
    return LinkSet(
        Links(weights), ordered if ordered else NO_LINKS, root_weight if not weights else 1.0
    )


def check_not_self_aligned(oid: str, links: LinkSet, late: Problem | None) -> None:
    """Refuse an objective aligned to itself, then the problem left for later, if any."""
    if links is not ROOT and oid in links.weights:
        where = "parent_id" if len(links.weights) == 1 else f"parents[{oid!r}]"
        raise AlignmentError(Problem(f"Objective({oid!r}).{where}", f"aligned to itself ({oid!r})"))
    if late is not None:
        raise ValidationError(Problem(f"Objective({oid!r}).{late.path}", late.message))
