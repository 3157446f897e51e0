"""Objectives: qualitative goals measured by key results, aligned to their parents."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Unpack, cast

import attrs

from okrkpi._errors import ValidationError
from okrkpi._model._checks import (
    check_date,
    check_id,
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
    NO_KEY_RESULTS,
    NO_PARENTS,
    NOT_GIVEN,
    Absent,
    LinkProblems,
    ParentLinks,
    resolve_links,
)
from okrkpi._model.moments import DayOf
from okrkpi._model.moments import day_of as day_in

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


def _text_or_left_out(name: str, value: Any, found: LinkProblems, *, an_id: bool = True) -> Any:
    """`value` when it is None, not given or good text; else its problem, and NOT_GIVEN.

    An id (`an_id`, a link to another objective or key result) has no blanks at its ends.
    """
    if value is None or value is NOT_GIVEN:
        return value
    if value.__class__ is str and value.strip() and (not an_id or value == value.strip()):
        return value
    try:
        (check_id if an_id else check_text)(f"Objective.{name}", value)
    except ValidationError as error:
        found.extend(error.problems)
        return NOT_GIVEN
    return value


@attrs.frozen(slots=True, repr=False, init=False)
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
            (weight 1) or `(id, weight)` pairs, in order (not a set: the first parent is
            the one `parent_id` reads). Weights are finite and >= 0; with several parents,
            not all 0. Given, it decides every link: `parent_id` and the rest may only
            repeat it.
        parent_key_results: Parent id -> the key result of that parent this objective
            drives, for some of its parents (`driven_key_results` roll-up).

    `parent_id`, `parent_key_result_id` and `alignment_weight` are read from the stored
    links (`parents`, `parent_key_results`), so `attrs.asdict` shows every link once and
    `Objective(**attrs.asdict(objective, recurse=False)) == objective`.

    Changing links with `attrs.evolve`: `parents=` replaces them all (the key-result links
    of parents it still names stay); `parent_id=` another parent makes it a one-parent
    objective (None: a root), keeping the weight and key result of that link, or of its
    first; naming one of several parents, the first too, keeps that link alone.
    `alignment_weight=` and `parent_key_result_id=` change the link of a one-parent
    objective and are refused with several parents unless equal to what it reads.
    """

    title: str
    key_results: tuple[KeyResult, ...] = attrs.field(default=(), converter=_key_results)
    commitment: Commitment = attrs.field(
        default=Commitment.ASPIRATIONAL, kw_only=True, converter=_commitment
    )
    id: str = attrs.field(default=attrs.Factory(_default_id, takes_self=True), kw_only=True)
    owner: str | None = attrs.field(default=None, kw_only=True)
    level: Level = attrs.field(default=Level.TEAM, kw_only=True, converter=_level)
    cycle: Cycle | None = attrs.field(default=None, kw_only=True, converter=_cycle)
    carried_over_from: str | None = attrs.field(default=None, kw_only=True)
    closed_on: date | None = attrs.field(default=None, kw_only=True)
    initiatives: tuple[Initiative, ...] = attrs.field(
        default=(), kw_only=True, converter=_initiatives
    )
    parents: Mapping[str, float] = attrs.field(default=NO_PARENTS, kw_only=True)
    parent_key_results: Mapping[str, str] = attrs.field(default=NO_KEY_RESULTS, kw_only=True)

    def __init__(
        self,
        title: str,
        key_results: Iterable[KeyResult] = (),
        *,
        commitment: Commitment | str = Commitment.ASPIRATIONAL,
        id: str | Absent = NOT_GIVEN,  # noqa: A002 - the field's name
        parent_id: str | Absent | None = NOT_GIVEN,
        parent_key_result_id: str | Absent | None = NOT_GIVEN,
        owner: str | None = None,
        level: Level | str = Level.TEAM,
        cycle: Cycle | str | None = None,
        alignment_weight: float | Absent = NOT_GIVEN,
        carried_over_from: str | None = None,
        closed_on: date | None = None,
        initiatives: Iterable[Initiative] = (),
        parents: Mapping[str, float] | Iterable[str | tuple[str, float]] | None = None,
        parent_key_results: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    ) -> None:
        # attrs sets and converts the stored fields; the links are read below, once the
        # title and id they are named by are known good.
        self.__attrs_init__(
            title,
            key_results,
            commitment=commitment,
            id=slugify(title) if id is NOT_GIVEN else id,
            owner=owner,
            level=level,
            cycle=cycle,
            carried_over_from=carried_over_from,
            closed_on=closed_on,
            initiatives=initiatives,
        )
        # Validated here rather than by a validator per field, as in KeyResult: each line
        # tests the common case inline and leaves the message to the shared checker.
        if self.title.__class__ is not str or not self.title or self.title.isspace():
            check_text("Objective.title", self.title)
        oid = self.id
        if oid.__class__ is not str or not oid or oid != oid.strip():
            check_id("Objective.id", oid)
        # Every problem with the links (and the other optional text) is reported at once.
        found = LinkProblems()
        parent_id = _text_or_left_out("parent_id", parent_id, found)
        parent_key_result_id = _text_or_left_out(
            "parent_key_result_id", parent_key_result_id, found
        )
        _text_or_left_out("owner", self.owner, found, an_id=False)
        _text_or_left_out("carried_over_from", self.carried_over_from, found)
        weight = alignment_weight
        if weight is not NOT_GIVEN and (
            weight.__class__ is not float or not 0.0 <= weight < math.inf
        ):
            try:
                check_non_negative("Objective.alignment_weight", weight)
                weight = float(weight)
            except ValidationError as error:
                found.extend(error.problems)
                weight = NOT_GIVEN  # left out of the links: reported once, here
        links, driven = resolve_links(
            oid, parents, parent_key_results, parent_id, parent_key_result_id, weight, found
        )
        found.raise_early()
        setattr_ = object.__setattr__
        setattr_(self, "parents", links)
        setattr_(self, "parent_key_results", driven)
        if self.closed_on is not None:
            check_date("Objective.closed_on", self.closed_on)
        self._check_key_results()
        found.raise_late()
        if self.initiatives:
            self._check_initiatives({kr.id for kr in self.key_results})

    # The one-parent shorthand is read from the links the objective stores, not stored
    # twice: `attrs.asdict` shows the links alone, and a shorthand given to `attrs.evolve`
    # is always the caller's change.
    @property
    def parent_id(self) -> str | None:
        """The parent it aligns to (the first one named, with several), or None for a root."""
        first = cast(ParentLinks, self.parents).first
        return None if first is None else first[0]

    @property
    def parent_key_result_id(self) -> str | None:
        """The key result it drives under `parent_id`, if any."""
        parent_id = self.parent_id
        return None if parent_id is None else self.parent_key_results.get(parent_id)

    @property
    def alignment_weight(self) -> float:
        """Its weight in `parent_id`'s roll-up; a root's own weight for the day it is aligned."""
        return cast(ParentLinks, self.parents).weight

    def _check_key_results(self) -> None:
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
