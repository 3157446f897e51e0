"""Objectives: qualitative goals measured by key results, aligned to their parents."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Unpack, cast

import attrs

from okrkpi._errors import Problem, ValidationError
from okrkpi._model._checks import (
    check_date,
    check_non_negative,
    check_text,
    enum_member,
    query_rule,
    sequence_of,
)
from okrkpi._model.cycle import Cycle, named_cycle
from okrkpi._model.ids import slugify
from okrkpi._model.initiative import Initiative
from okrkpi._model.key_result import CheckInDetails, KeyResult
from okrkpi._model.links import (
    ROOT,
    UNSET,
    LinkSet,
    check_not_self_aligned,
    one_parent,
    resolve_links,
)
from okrkpi._model.moments import DayOf
from okrkpi._model.moments import day_of as day_in

if TYPE_CHECKING:
    pass

__all__ = ["Commitment", "Level", "Objective"]


class Commitment(enum.Enum):
    """How an objective is graded.

    COMMITTED objectives must be met in full (score 1.0); ASPIRATIONAL ones are met
    at 0.7, in Google's convention.
    """

    COMMITTED = "committed"
    ASPIRATIONAL = "aspirational"


class Level(enum.Enum):
    """Where an objective sits in the organisation."""

    COMPANY = "company"
    DEPARTMENT = "department"
    TEAM = "team"
    INDIVIDUAL = "individual"


def _key_results(value: Iterable[KeyResult]) -> tuple[KeyResult, ...]:
    return sequence_of(KeyResult, "Objective.key_results", value)


def _initiatives(value: Iterable[Initiative]) -> tuple[Initiative, ...]:
    return sequence_of(Initiative, "Objective.initiatives", value)


def _commitment(value: Commitment | str) -> Commitment:
    if value.__class__ is Commitment:
        return value
    return enum_member("Objective.commitment", Commitment, value)


def _level(value: Level | str) -> Level:
    if value.__class__ is Level:
        return value
    return enum_member("Objective.level", Level, value)


def _cycle(value: Cycle | str | None) -> Cycle | None:
    if value is None or isinstance(value, Cycle):
        return value
    if isinstance(value, str):  # a cycle's name, e.g. "2027-Q1" or "FY2027"
        return named_cycle("Objective.cycle", value)
    raise ValidationError.field("Objective.cycle", value, "a Cycle, its name or None")


def _default_id(instance: Objective) -> str:
    return slugify(instance.title)


@attrs.frozen(slots=True, repr=False)
class Objective:
    """A qualitative, inspiring goal with the key results that measure it.

    Its sentence form reads "I will {title}, as measured by {key results}".

    Attributes:
        title: The goal, e.g. `"Become a market leader in SaaS industry"`.
        key_results: How it is measured; ids unique within the objective.
        commitment: COMMITTED (met only at 1.0) or ASPIRATIONAL (met at 0.7).
        id: Stable identifier; defaults to a slug of the title.
        parent_id: The objective this one aligns to, if any: the one-parent shorthand,
            equal to `parents={parent_id: alignment_weight}`. With several parents it
            reads the first one named.
        parent_key_result_id: The parent's key result this objective drives, if any (the
            one-parent shorthand of `parent_key_results`).
        owner: Who is accountable.
        level: Company, department, team or individual.
        cycle: The period it belongs to.
        alignment_weight: Its weight in the parent's roll-up, when children count (the
            first parent's, with several). A root keeps it for the day it is aligned.
        carried_over_from: The id of the objective this one continues, after a carry-over.
        closed_on: The day its cycle was closed, if it was.
        initiatives: The work planned to move its key results; ids unique within it.
        parents: Every objective it aligns to, parent id -> its weight in that parent's
            roll-up, e.g. `{"sales-growth": 0.6, "product-adoption": 0.4}`; also ids alone
            (weight 1) or `(id, weight)` pairs. Weights are finite and >= 0; with several
            parents, not all 0. Given, it decides every link: `parent_id` and the rest may
            only repeat it.
        parent_key_results: Parent id -> the key result of that parent this objective
            drives, for some of its parents (`driven_key_results` roll-up).

    Changing links with `attrs.evolve`: `parents=` replaces them all (and their key-result
    links); `parent_id=` makes it a one-parent objective (None: a root), keeping the weight
    and key result it had; `alignment_weight=` and `parent_key_result_id=` change the link
    of a one-parent objective and are refused with several parents.
    """

    title: str
    key_results: tuple[KeyResult, ...] = attrs.field(default=(), converter=_key_results)
    commitment: Commitment = attrs.field(
        default=Commitment.ASPIRATIONAL, kw_only=True, converter=_commitment
    )
    id: str = attrs.field(default=attrs.Factory(_default_id, takes_self=True), kw_only=True)
    # The one-parent shorthand and `parent_key_results` are read at construction and then
    # held in `_links` (given as `parents`): one stored value, so `attrs.evolve` tells a
    # changed link (a new argument) from an unchanged one (the stored `LinkSet`).
    _parent_id: str | None = attrs.field(
        default=None, kw_only=True, alias="parent_id", eq=False, repr=False
    )
    _parent_key_result_id: str | None = attrs.field(
        default=None, kw_only=True, alias="parent_key_result_id", eq=False, repr=False
    )
    owner: str | None = attrs.field(default=None, kw_only=True)
    level: Level = attrs.field(default=Level.TEAM, kw_only=True, converter=_level)
    cycle: Cycle | None = attrs.field(default=None, kw_only=True, converter=_cycle)
    _alignment_weight: float = attrs.field(
        default=1.0, kw_only=True, alias="alignment_weight", eq=False, repr=False
    )
    carried_over_from: str | None = attrs.field(default=None, kw_only=True)
    closed_on: date | None = attrs.field(default=None, kw_only=True)
    initiatives: tuple[Initiative, ...] = attrs.field(
        default=(), kw_only=True, converter=_initiatives
    )
    _links: Mapping[str, float] | Iterable[str | tuple[str, float]] | None = attrs.field(
        default=None, kw_only=True, alias="parents", repr=False
    )
    _parent_key_results: Mapping[str, str] | Iterable[tuple[str, str]] | None = attrs.field(
        default=None, kw_only=True, alias="parent_key_results", eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        # Validated here rather than by a validator per field, as in KeyResult: each line
        # tests the common case inline and leaves the message to the shared checker.
        if self.title.__class__ is not str or not self.title or self.title.isspace():
            check_text("Objective.title", self.title)
        if self.id.__class__ is not str or not self.id or self.id.isspace():
            check_text("Objective.id", self.id)
        parent_id, key_result_id = self._parent_id, self._parent_key_result_id
        for name, value in (
            ("parent_id", parent_id),
            ("parent_key_result_id", key_result_id),
            ("owner", self.owner),
            ("carried_over_from", self.carried_over_from),
        ):
            if value is not None and value is not UNSET:
                check_text(f"Objective.{name}", value)
        weight = self._alignment_weight
        if weight is not UNSET and (weight.__class__ is not float or not 0.0 <= weight < math.inf):
            check_non_negative("Objective.alignment_weight", weight)
            weight = float(weight)
        given = self._links
        late = None
        if given is None and self._parent_key_results is None and weight == 1.0:
            # The constructor's common cases, as `resolve_links` would read them.
            if parent_id is None and key_result_id is None:
                links = ROOT
            elif parent_id.__class__ is str and key_result_id is None:
                links = one_parent(parent_id, None)
            else:
                links, late = resolve_links(self.id, None, None, parent_id, key_result_id, weight)
        else:
            links, late = resolve_links(
                self.id, given, self._parent_key_results, parent_id, key_result_id, weight
            )
        setattr_ = object.__setattr__
        if parent_id is not UNSET:  # stored as "not given": attrs.evolve tells changes apart
            setattr_(self, "_parent_id", UNSET)
        if key_result_id is not UNSET:
            setattr_(self, "_parent_key_result_id", UNSET)
        if self._alignment_weight is not UNSET:
            setattr_(self, "_alignment_weight", UNSET)
        if self._parent_key_results is not UNSET:
            setattr_(self, "_parent_key_results", UNSET)
        setattr_(self, "_links", links)
        if self.closed_on is not None:
            check_date("Objective.closed_on", self.closed_on)
        self._check_key_results_and_links(links, late)

    def _check_key_results_and_links(self, links: LinkSet, late: Problem | None) -> None:
        ids = [key_result.id for key_result in self.key_results]
        if len(set(ids)) != len(ids):
            seen: set[str] = set()
            for position, key_result_id in enumerate(ids):
                if key_result_id in seen:
                    raise ValidationError.field(
                        f"Objective({self.id!r}).key_results[{position}].id",
                        key_result_id,
                        "an id used once in the objective",
                    )
                seen.add(key_result_id)
        weights = [key_result.weight for key_result in self.key_results]
        if weights and not any(weights):  # each weight was checked by its key result
            raise ValidationError.field(
                f"Objective({self.id!r}).key_results.weight", weights, "at least one weight > 0"
            )
        check_not_self_aligned(self.id, links, late)
        if self.initiatives:
            self._check_initiatives(set(ids))

    # -- links --------------------------------------------------------------------------

    @property
    def _link_set(self) -> LinkSet:
        return cast("LinkSet", self._links)

    @property
    def parents(self) -> Mapping[str, float]:
        """Every objective this one aligns to, parent id -> weight, in the order given.

        Empty for a root. Each weight is this objective's weight in that parent's
        roll-up, when children count.
        """
        return self._link_set.weights

    @property
    def parent_key_results(self) -> Mapping[str, str]:
        """Parent id -> the key result of that parent this objective drives, if any."""
        return self._link_set.key_results

    @property
    def parent_id(self) -> str | None:
        """The parent, for an objective with one; the first named when it has several.

        None only for a root, so `parent_id is None` still tells a root. With several
        parents, read `parents` for all of them.
        """
        first = self._link_set.weights.first
        return None if first is None else first[0]

    @property
    def alignment_weight(self) -> float:
        """Its weight in its parent's roll-up (the first parent's, with several).

        A root keeps the weight it was given, for the day it is aligned.
        """
        links = self._link_set
        first = links.weights.first
        return links.root_weight if first is None else first[1]

    @property
    def parent_key_result_id(self) -> str | None:
        """The key result of its parent it drives (of the first parent, with several)."""
        parent_id = self.parent_id
        return None if parent_id is None else self.parent_key_results.get(parent_id)

    def __repr__(self) -> str:
        fields: list[tuple[str, object]] = [
            ("title", self.title),
            ("key_results", self.key_results),
            ("commitment", self.commitment),
            ("id", self.id),
        ]
        several = len(self.parents) > 1
        if not several:
            fields += [
                ("parent_id", self.parent_id),
                ("parent_key_result_id", self.parent_key_result_id),
            ]
        fields += [("owner", self.owner), ("level", self.level), ("cycle", self.cycle)]
        if not several:
            fields.append(("alignment_weight", self.alignment_weight))
        fields += [
            ("carried_over_from", self.carried_over_from),
            ("closed_on", self.closed_on),
            ("initiatives", self.initiatives),
        ]
        if several:
            fields += [
                ("parents", dict(self.parents)),
                ("parent_key_results", dict(self.parent_key_results)),
            ]
        return "Objective(" + ", ".join(f"{name}={value!r}" for name, value in fields) + ")"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # IPython and hypothesis print attrs classes field by field; these read as written.
        printer.text(repr(self))

    def _check_initiatives(self, key_result_ids: set[str]) -> None:
        seen: set[str] = set()
        for position, initiative in enumerate(self.initiatives):
            path = f"Objective({self.id!r}).initiatives[{position}]"
            if initiative.id in seen:
                raise ValidationError.field(
                    f"{path}.id", initiative.id, "an id used once in the objective"
                )
            seen.add(initiative.id)
            for driven in initiative.key_result_ids:
                if driven not in key_result_ids:
                    known = ", ".join(repr(kr_id) for kr_id in sorted(key_result_ids)) or "none"
                    raise ValidationError.field(
                        f"{path}.key_result_ids", driven, f"one of its key results' ids ({known})"
                    )

    # -- queries ------------------------------------------------------------------------

    @property
    def sentence(self) -> str:
        """The sentence form: "I will {title}, as measured by {key results}"."""
        goal = self.title[:1].lower() + self.title[1:]
        if not self.key_results:
            return f"I will {goal} (no key results yet)."
        titles = [key_result.title for key_result in self.key_results]
        listed = titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]
        return f"I will {goal}, as measured by {listed}."

    def key_result(self, key_result_id: str) -> KeyResult:
        """The key result with that id.

        Raises:
            ValidationError: No key result has that id.
        """
        for key_result in self.key_results:
            if key_result.id == key_result_id:
                return key_result
        known = ", ".join(repr(key_result.id) for key_result in self.key_results) or "none"
        raise ValidationError.field(
            f"Objective({self.id!r}).key_results", key_result_id, f"one of the ids {known}"
        )

    def is_past(self, as_of: date, *, day_of: DayOf | str = DayOf.LOCAL) -> bool:
        """Whether `as_of` is after the end of its cycle (False without a cycle).

        A datetime `as_of` counts as its day by the rule `day_of`.
        """
        rule = query_rule("Objective.is_past", as_of, day_of, optional=False)
        return self.cycle is not None and day_in(as_of, rule) > self.cycle.end

    # -- change -------------------------------------------------------------------------

    def with_key_result(self, key_result: KeyResult) -> Objective:
        """A new objective with `key_result` replacing the one with its id, or appended."""
        items = list(self.key_results)
        for position, existing in enumerate(items):
            if existing.id == key_result.id:
                items[position] = key_result
                break
        else:
            items.append(key_result)
        return attrs.evolve(self, key_results=items)

    def without_key_result(self, key_result_id: str) -> Objective:
        """A new objective without the key result with that id.

        Initiatives that drove it stay, no longer linked to it.
        """
        self.key_result(key_result_id)
        initiatives = [
            attrs.evolve(
                item, key_result_ids=[i for i in item.key_result_ids if i != key_result_id]
            )
            for item in self.initiatives
        ]
        return attrs.evolve(
            self,
            key_results=[kr for kr in self.key_results if kr.id != key_result_id],
            initiatives=initiatives,
        )

    def with_initiative(self, initiative: Initiative) -> Objective:
        """A new objective with `initiative` replacing the one with its id, or appended."""
        items = [item for item in self.initiatives if item.id != initiative.id]
        if len(items) == len(self.initiatives):
            items.append(initiative)
        else:
            position = [item.id for item in self.initiatives].index(initiative.id)
            items.insert(position, initiative)
        return attrs.evolve(self, initiatives=items)

    def check_in(
        self, key_result_id: str, value: float | bool, **details: Unpack[CheckInDetails]
    ) -> Objective:
        """Record a check-in on one of its key results; returns a new objective.

        `details` are those of `KeyResult.check_in`: `at=` (required), `confidence=`, `note=`.
        """
        updated = self.key_result(key_result_id).check_in(value, **details)
        return self.with_key_result(updated)
