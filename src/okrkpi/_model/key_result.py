"""Key results: how we know an objective is met, with their history of check-ins."""

from __future__ import annotations

import enum
import math
import sys
from collections.abc import Iterable
from datetime import date
from typing import Any, ClassVar, Required, TypedDict, Unpack

import attrs

from okrkpi._errors import ValidationError
from okrkpi._model._checks import (
    check_id,
    check_non_negative,
    check_text,
    finite,
    finite_float,
    instance_of,
    non_negative,
    optional_text,
    query_rule,
    set_floats,
    text,
)
from okrkpi._model.confidence import ConfidenceRating
from okrkpi._model.cycle import Cycle
from okrkpi._model.history import CheckIn, CheckIns, check_ins_field
from okrkpi._model.ids import slugify
from okrkpi._model.moments import DayOf, Moment
from okrkpi._model.plan import PlannedValue, PlanPosition, plan_field, plan_position
from okrkpi._model.zones import DEFAULT_COMMIT_SHARE, DEFAULT_TARGET_SHARE, Zone, zone_of

_HALF_MAX = sys.float_info.max / 2  # a difference of two numbers this size stays finite

__all__ = [
    "Binary",
    "CheckInDetails",
    "KeyResult",
    "KeyResultKind",
    "KeyResultOptions",
    "Measure",
    "Metric",
    "Milestone",
    "Milestones",
    "Ordinal",
    "Threshold",
    "Zoned",
]


def _value_path(owner: str, position: int) -> str:
    return f"KeyResult({owner!r}).check_ins[{position}].value"


def _reject_bools(owner: str, history: CheckIns, expectation: str, first: int) -> None:
    if not history._has_bool_values():
        return
    values = history.values
    position = [value.__class__ for value in values].index(bool)
    raise ValidationError.field(_value_path(owner, first + position), values[position], expectation)


class KeyResultOptions(TypedDict, total=False):
    """The options every named constructor of `KeyResult` takes besides its measure."""

    weight: float
    """Share of the objective's score, relative to its siblings (default 1.0)."""
    id: str | None
    """Stable identifier; None (default) derives a slug from the title."""
    check_ins: Iterable[CheckIn]
    """The history so far."""
    owner: str | None
    """Who is accountable, if not the objective's owner."""


class CheckInDetails(TypedDict, total=False):
    """What goes with a check-in's value: when, how confident, and a note."""

    at: Required[Moment]
    """When it was measured."""
    confidence: ConfidenceRating | float | str | None
    """The owner's confidence then: a rating, a number 0..10 or a label."""
    note: str
    """Free text, e.g. what changed."""


class KeyResultKind(enum.Enum):
    """The ways a key result can be measured."""

    METRIC = "metric"
    BINARY = "binary"
    THRESHOLD = "threshold"
    MILESTONES = "milestones"
    ZONED = "zoned"
    ORDINAL = "ordinal"


@attrs.frozen(slots=True)
class Metric:
    """A quantity moved from `start` to `target` (up or down).

    Attributes:
        start: The baseline; the current value until the first check-in.
        target: The value that counts as fully achieved; never equal to `start`.
        unit: What the numbers count, for display (e.g. `"customers"`).
        plan: Dated values it should have reached, sorted by day; empty for the straight
            line from start to target across the cycle (see `okrkpi.PlannedValue`).
    """

    kind: ClassVar[KeyResultKind] = KeyResultKind.METRIC
    start: float
    target: float
    unit: str | None = attrs.field(default=None, kw_only=True)
    plan: tuple[PlannedValue, ...] = attrs.field(default=(), kw_only=True, converter=plan_field)

    def __attrs_post_init__(self) -> None:
        # Inline checks, as in KeyResult: one metric per key result, and there are many.
        if self.start.__class__ is not float or self.start - self.start != 0.0:
            object.__setattr__(self, "start", finite_float("Metric.start", self.start))
        if self.target.__class__ is not float or self.target - self.target != 0.0:
            object.__setattr__(self, "target", finite_float("Metric.target", self.target))
        if self.unit is not None:
            check_text("Metric.unit", self.unit)
        if self.start == self.target:
            raise ValidationError.field(
                "Metric.target", self.target, f"a value different from start {self.start!r}"
            )
        if self.target - self.start in (math.inf, -math.inf):
            raise ValidationError.field(
                "Metric.target",
                self.target,
                f"a target whose distance from start {self.start!r} fits a float",
            )
        span = self.target - self.start
        for position, point in enumerate(self.plan):
            if not math.isfinite((point.value - self.start) / span):
                raise ValidationError.field(
                    f"Metric.plan[{position}].value",
                    point.value,
                    f"a value whose progress from {self.start!r} to {self.target!r} is finite",
                )

    def planned(
        self, cycle: Cycle, as_of: Moment, *, day_of: DayOf | str = DayOf.LOCAL
    ) -> PlanPosition:
        """Where the plan (or the straight line, without one) expects it `as_of`.

        `day_of` is the rule for the day a datetime `as_of` falls on.
        """
        rule = query_rule("Metric.planned", as_of, day_of, optional=False)
        return plan_position(self.plan, self.start, self.target, cycle, as_of, rule)

    @property
    def increasing(self) -> bool:
        """True when the target is above the start."""
        return self.target > self.start

    def check_values(self, owner: str, history: CheckIns, *, first: int = 0) -> None:
        """Reject check-in values this measure cannot use.

        That is booleans, and values whose progress would not be a finite number (so no
        score is ever infinite).
        """
        _reject_bools(owner, history, "a number for a metric key result", first)
        bounds = history._value_bounds()
        if bounds is None:
            return
        span = self.target - self.start
        low, high = min(self.start, self.target), max(self.start, self.target)
        # Values within a span of the range cannot overflow (unless the span is so large
        # that twice it does): only look closer when one is far outside.
        near = low - abs(span) <= bounds[0] and bounds[1] <= high + abs(span)
        if near and abs(span) <= _HALF_MAX:
            return
        for position, value in enumerate(history.values):
            if not math.isfinite((value - self.start) / span):
                raise ValidationError.field(
                    _value_path(owner, first + position),
                    value,
                    f"a value whose progress from {self.start!r} to {self.target!r} is finite",
                )


@attrs.frozen(slots=True)
class Binary:
    """Done or not done, e.g. "Launch 2.0 version of website".

    Attributes:
        done: The state before any check-in; check-ins of `True`/`False` (or 1/0) change it.
    """

    kind: ClassVar[KeyResultKind] = KeyResultKind.BINARY
    done: bool = attrs.field(default=False, validator=instance_of(bool, "True or False"))

    def check_values(self, owner: str, history: CheckIns, *, first: int = 0) -> None:
        """Accept only booleans and 0/1."""
        for position, value in enumerate(history.values):
            if value not in (0, 1):
                raise ValidationError.field(
                    _value_path(owner, first + position),
                    value,
                    "True/False (or 1/0) for a binary key result",
                )


@attrs.frozen(slots=True)
class Threshold:
    """Stay above (or below) a value, e.g. "Keep uptime above 99.9".

    Attributes:
        threshold: The line to stay on the right side of.
        above: True to stay above the line, False to stay below it.
        inclusive: Whether landing exactly on the line counts.
    """

    kind: ClassVar[KeyResultKind] = KeyResultKind.THRESHOLD
    threshold: float = attrs.field(validator=finite)
    above: bool = attrs.field(default=True, validator=instance_of(bool, "True or False"))
    inclusive: bool = attrs.field(default=False, validator=instance_of(bool, "True or False"))

    def __attrs_post_init__(self) -> None:
        set_floats(self, "threshold")

    def check_values(self, owner: str, history: CheckIns, *, first: int = 0) -> None:
        """Reject booleans: a threshold compares numbers."""
        _reject_bools(owner, history, "a number for a threshold key result", first)


@attrs.frozen(slots=True)
class Milestone:
    """One step of a milestones key result.

    Attributes:
        name: What is reached, e.g. `"Beta shipped"`.
        weight: Its share of the key result, relative to the others.
    """

    name: str = attrs.field(validator=text)
    weight: float = attrs.field(default=1.0, validator=non_negative)

    def __attrs_post_init__(self) -> None:
        set_floats(self, "weight")


def _to_milestones(value: Iterable[Milestone | str | tuple[str, float]]) -> tuple[Milestone, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError.field("Milestones.milestones", value, "a sequence of milestones")
    steps: list[Milestone] = []
    for item in value:
        if isinstance(item, Milestone):
            steps.append(item)
        elif isinstance(item, str):
            steps.append(Milestone(item))
        elif isinstance(item, tuple) and len(item) == 2:
            steps.append(Milestone(item[0], item[1]))
        else:
            raise ValidationError.field(
                "Milestones.milestones", item, "a Milestone, a name, or a (name, weight) pair"
            )
    return tuple(steps)


@attrs.frozen(slots=True)
class Milestones:
    """Ordered steps; a check-in records how many are reached. Progress is the weighted share.

    Attributes:
        milestones: The steps in the order they are reached; names are unique.
    """

    kind: ClassVar[KeyResultKind] = KeyResultKind.MILESTONES
    milestones: tuple[Milestone, ...] = attrs.field(converter=_to_milestones)

    def __attrs_post_init__(self) -> None:
        if not self.milestones:
            raise ValidationError.field("Milestones.milestones", (), "at least one milestone")
        names = [step.name for step in self.milestones]
        for name in names:
            if names.count(name) > 1:
                raise ValidationError.field("Milestone.name", name, "a name used once")
        if not any(step.weight > 0 for step in self.milestones):
            raise ValidationError.field(
                "Milestone.weight", [s.weight for s in self.milestones], "at least one weight > 0"
            )

    def index(self, name: str) -> int:
        """Position of a milestone by name."""
        for position, step in enumerate(self.milestones):
            if step.name == name:
                return position
        known = ", ".join(repr(step.name) for step in self.milestones)
        raise ValidationError.field("Milestones.name", name, f"one of {known}")

    def check_values(self, owner: str, history: CheckIns, *, first: int = 0) -> None:
        """Accept whole counts of milestones reached, from 0 to their number."""
        count = len(self.milestones)
        for position, value in enumerate(history.values):
            whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
            if isinstance(value, bool) or not whole or not 0 <= value <= count:
                raise ValidationError.field(
                    _value_path(owner, first + position), value, f"a whole count from 0 to {count}"
                )


def _share(path: str, value: float | None, baseline: float, span: float, default: float) -> float:
    if value is None:
        return default
    share = (finite_float(path, value) - baseline) / span
    if not 0.0 < share <= 1.0:
        raise ValidationError.field(
            path, value, f"a value between baseline {baseline!r} and stretch {baseline + span!r}"
        )
    return share


@attrs.frozen(slots=True)
class Zoned:
    """A quantity with commit, target and stretch values on the way from a baseline.

    Check-ins are values, like a metric's; each lands in a `Zone`. A check-in 72% of the
    way from baseline to stretch is in TARGET with the default shares (30% / 70%).

    Attributes:
        baseline: Where it starts; the current value until the first check-in.
        stretch: The best case, 100% of the way; never equal to `baseline`.
        commit: The value promised; None for 30% of the way.
        target: The value aimed for; None for 70% of the way; at or past `commit`.
        unit: What the numbers count, for display.
    """

    kind: ClassVar[KeyResultKind] = KeyResultKind.ZONED
    baseline: float
    stretch: float
    commit: float | None = attrs.field(default=None, kw_only=True)
    target: float | None = attrs.field(default=None, kw_only=True)
    unit: str | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "baseline", finite_float("Zoned.baseline", self.baseline))
        object.__setattr__(self, "stretch", finite_float("Zoned.stretch", self.stretch))
        span = self.stretch - self.baseline
        if span == 0.0 or not math.isfinite(span):
            raise ValidationError.field(
                "Zoned.stretch",
                self.stretch,
                f"a value different from baseline {self.baseline!r}, at a finite distance",
            )
        for name in ("commit", "target"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, finite_float(f"Zoned.{name}", value))
        if self.unit is not None:
            check_text("Zoned.unit", self.unit)
        commit, target = self.shares
        if target < commit:
            raise ValidationError.field(
                "Zoned.target",
                self.target_value,
                f"a value at or past commit {self.commit_value!r}",
            )

    @property
    def shares(self) -> tuple[float, float]:
        """How far commit and target lie from baseline to stretch, each in (0, 1]."""
        span = self.stretch - self.baseline
        return (
            _share("Zoned.commit", self.commit, self.baseline, span, DEFAULT_COMMIT_SHARE),
            _share("Zoned.target", self.target, self.baseline, span, DEFAULT_TARGET_SHARE),
        )

    @property
    def commit_value(self) -> float:
        """The commit value: as given, or 30% of the way."""
        if self.commit is not None:
            return self.commit
        return self.baseline + DEFAULT_COMMIT_SHARE * (self.stretch - self.baseline)

    @property
    def target_value(self) -> float:
        """The target value: as given, or 70% of the way."""
        if self.target is not None:
            return self.target
        return self.baseline + DEFAULT_TARGET_SHARE * (self.stretch - self.baseline)

    @property
    def thresholds(self) -> tuple[tuple[Zone, float], ...]:
        """Each zone above FAIL with the value that enters it, highest first.

        `((STRETCH, stretch), (TARGET, target_value), (COMMIT, commit_value))`: a value
        equal to one of them is in its zone (the highest, where two are equal).
        """
        return (
            (Zone.STRETCH, self.stretch),
            (Zone.TARGET, self.target_value),
            (Zone.COMMIT, self.commit_value),
        )

    def progress(self, value: float) -> float:
        """The share of the way from baseline to stretch `value` has come (unclamped)."""
        return (value - self.baseline) / (self.stretch - self.baseline) + 0.0

    def zone(self, value: float) -> Zone:
        """The zone `value` lands in, decided on the thresholds this key result reports.

        A value reaches a threshold when it is on or past it towards stretch, or short of
        it by no more than `EDGE_TOLERANCE` of the way from baseline to stretch (float
        noise), so a check-in equal to `commit_value` is in COMMIT.
        """
        return zone_of(value, self.baseline, self.stretch, self.thresholds)

    def check_values(self, owner: str, history: CheckIns, *, first: int = 0) -> None:
        """Reject booleans and values whose share of the way would not be finite."""
        _reject_bools(owner, history, "a number for a zoned key result", first)
        for position, value in enumerate(history.values):
            if not math.isfinite(self.progress(value)):
                raise ValidationError.field(
                    _value_path(owner, first + position),
                    value,
                    f"a value whose share from {self.baseline!r} to {self.stretch!r} is finite",
                )


@attrs.frozen(slots=True)
class Ordinal:
    """Checked in as a zone directly, for results judged rather than counted.

    Check-ins are zones (`Zone.TARGET`, or its number 0..3).

    Attributes:
        commit: What reaching COMMIT means, in words (optional).
        target: What reaching TARGET means.
        stretch: What reaching STRETCH means.
    """

    kind: ClassVar[KeyResultKind] = KeyResultKind.ORDINAL
    commit: str | None = attrs.field(default=None, validator=optional_text)
    target: str | None = attrs.field(default=None, validator=optional_text)
    stretch: str | None = attrs.field(default=None, validator=optional_text)

    def zone(self, value: float) -> Zone:
        """The zone a check-in's value names."""
        return Zone(int(value))

    def check_values(self, owner: str, history: CheckIns, *, first: int = 0) -> None:
        """Accept zones and their numbers 0..3 only."""
        for position, value in enumerate(history.values):
            whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
            if isinstance(value, bool) or not whole or not 0 <= value <= Zone.STRETCH:
                raise ValidationError.field(
                    _value_path(owner, first + position),
                    value,
                    "a Zone (FAIL, COMMIT, TARGET, STRETCH) or its number 0..3",
                )


Measure = Metric | Binary | Threshold | Milestones | Zoned | Ordinal
"""What a key result measures; `Measure.kind` tells which."""

_MEASURES = (Metric, Binary, Threshold, Milestones, Zoned, Ordinal)


def _default_id(instance: KeyResult) -> str:
    return slugify(instance.title)


@attrs.frozen(slots=True)
class KeyResult:
    """How we know an objective is met: a measure plus a dated history of check-ins.

    Build one with a named constructor: `KeyResult.metric(...)`, `KeyResult.binary(...)`,
    `KeyResult.threshold(...)` or `KeyResult.milestones(...)`. Change it with
    `check_in(...)` or `attrs.evolve`; both return a new key result.

    Attributes:
        title: What is measured, e.g. `"Gain 1,000 new customers in Q3"`.
        measure: How it is measured.
        weight: Its share of the objective's score, relative to its siblings (>= 0).
        id: Stable identifier; defaults to a slug of the title.
        check_ins: Check-ins sorted by date; of two at the same moment the later given wins.
        owner: Who is accountable, if not the objective's owner.
        source_kpi: The name of the KPI its check-ins come from, if any.
    """

    title: str
    measure: Measure
    weight: float = attrs.field(default=1.0, kw_only=True)
    id: str = attrs.field(default=attrs.Factory(_default_id, takes_self=True), kw_only=True)
    check_ins: CheckIns = attrs.field(factory=CheckIns, kw_only=True, converter=check_ins_field)
    owner: str | None = attrs.field(default=None, kw_only=True)
    source_kpi: str | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        # Validated here rather than by a validator per field: an org has hundreds of
        # thousands of key results. Each line tests the common case inline and leaves the
        # message to the shared checker.
        if self.title.__class__ is not str or not self.title or self.title.isspace():
            check_text("KeyResult.title", self.title)
        if self.measure.__class__ not in _MEASURES and not isinstance(self.measure, _MEASURES):
            raise ValidationError.field(
                "KeyResult.measure",
                self.measure,
                "a Metric, Binary, Threshold, Milestones, Zoned or Ordinal",
            )
        weight = self.weight
        if weight.__class__ is not float or not 0.0 <= weight < math.inf:
            check_non_negative("KeyResult.weight", weight)
            object.__setattr__(self, "weight", float(weight))
        if self.id.__class__ is not str or not self.id or self.id != self.id.strip():
            check_id("KeyResult.id", self.id)
        if self.owner is not None:
            check_text("KeyResult.owner", self.owner)
        if self.source_kpi is not None:
            check_id("KeyResult.source_kpi", self.source_kpi)
        history = self.check_ins
        if history.__class__ is not CheckIns:
            history = CheckIns(history, owner=self.id)
            object.__setattr__(self, "check_ins", history)
        elif history._owner != self.id:
            history = history._owned_by(self.id)
            object.__setattr__(self, "check_ins", history)
        self.measure.check_values(self.id, history)

    # -- named constructors -------------------------------------------------------------

    @classmethod
    def metric(
        cls,
        title: str,
        *,
        start: float,
        target: float,
        unit: str | None = None,
        plan: Iterable[PlannedValue | tuple[date, float]] | None = None,
        **options: Unpack[KeyResultOptions],
    ) -> KeyResult:
        """A quantity moved from `start` to `target`, e.g. churn from 3.0 down to 2.0.

        `plan` lists dated values it should have reached (e.g. a back-loaded sales plan);
        pace then compares the actual with the plan instead of the straight line.

        Every named constructor also takes `weight=`, `id=`, `check_ins=` and `owner=`
        (`KeyResultOptions`).
        """
        return cls._build(title, Metric(start, target, unit=unit, plan=plan), options)

    @classmethod
    def binary(
        cls, title: str, *, done: bool = False, **options: Unpack[KeyResultOptions]
    ) -> KeyResult:
        """Done or not done; `done` is the state before any check-in."""
        return cls._build(title, Binary(done), options)

    @classmethod
    def threshold(
        cls,
        title: str,
        *,
        threshold: float,
        above: bool = True,
        inclusive: bool = False,
        **options: Unpack[KeyResultOptions],
    ) -> KeyResult:
        """Stay strictly above (or below) `threshold`; `inclusive=True` lets equal count."""
        return cls._build(title, Threshold(threshold, above=above, inclusive=inclusive), options)

    @classmethod
    def milestones(
        cls,
        title: str,
        *,
        milestones: Iterable[Milestone | str | tuple[str, float]],
        **options: Unpack[KeyResultOptions],
    ) -> KeyResult:
        """Ordered steps, each a name or a `(name, weight)` pair; check in how many are reached."""
        return cls._build(title, Milestones(milestones), options)

    @classmethod
    def zoned(
        cls,
        title: str,
        *,
        baseline: float,
        stretch: float,
        commit: float | None = None,
        target: float | None = None,
        unit: str | None = None,
        **options: Unpack[KeyResultOptions],
    ) -> KeyResult:
        """A quantity with commit / target / stretch values; check-ins land in a `Zone`.

        Commit and target default to 30% and 70% of the way from `baseline` to `stretch`.
        """
        measure = Zoned(baseline, stretch, commit=commit, target=target, unit=unit)
        return cls._build(title, measure, options)

    @classmethod
    def ordinal(
        cls,
        title: str,
        *,
        commit: str | None = None,
        target: str | None = None,
        stretch: str | None = None,
        **options: Unpack[KeyResultOptions],
    ) -> KeyResult:
        """Judged in zones: check in `Zone.COMMIT`, `Zone.TARGET`... directly.

        `commit`, `target` and `stretch` say in words what reaching each zone means.
        """
        return cls._build(title, Ordinal(commit, target, stretch), options)

    @classmethod
    def _build(cls, title: str, measure: Measure, options: KeyResultOptions) -> KeyResult:
        fields: dict[str, Any] = dict(options)
        if fields.get("id", "") is None:  # None means "derive it from the title"
            del fields["id"]
        return cls(title, measure, **fields)

    # -- queries ------------------------------------------------------------------------

    @property
    def kind(self) -> KeyResultKind:
        """Which kind of key result this is."""
        return self.measure.kind

    def zone(
        self, as_of: Moment | None = None, *, day_of: DayOf | str = DayOf.LOCAL
    ) -> Zone | None:
        """The zone of the latest value as of a moment, for zoned and ordinal key results.

        Before any check-in a zoned key result is at its baseline, an ordinal one in FAIL;
        None for other kinds. `day_of` is the day rule for a date `as_of`.
        """
        rule = query_rule("KeyResult.zone", as_of, day_of)
        measure = self.measure
        if not isinstance(measure, Zoned | Ordinal):
            return None
        value = self.check_ins.latest_value(as_of, day_of=rule)
        if value is None:
            return Zone.FAIL if isinstance(measure, Ordinal) else measure.zone(measure.baseline)
        return measure.zone(value)

    def latest_check_in(
        self, as_of: Moment | None = None, *, day_of: DayOf | str = DayOf.LOCAL
    ) -> CheckIn | None:
        """The last check-in on or before `as_of`; None if none yet.

        A date `as_of` means the end of that day: every check-in whose day, by the rule
        `day_of` (each moment's own local day by default), is on or before it; of those,
        the latest instant is the current one.
        """
        rule = query_rule("KeyResult.latest_check_in", as_of, day_of)
        return self.check_ins.latest(as_of, day_of=rule)

    def latest_value(
        self, as_of: Moment | None = None, *, day_of: DayOf | str = DayOf.LOCAL
    ) -> float | bool | None:
        """The value of `latest_check_in(as_of)`; None if there is no check-in yet."""
        rule = query_rule("KeyResult.latest_value", as_of, day_of)
        value: float | bool | None = self.check_ins.latest_value(as_of, day_of=rule)
        return value

    def check_ins_until(
        self, as_of: Moment | None = None, *, day_of: DayOf | str = DayOf.LOCAL
    ) -> tuple[CheckIn, ...]:
        """Every check-in on or before `as_of` (all of them for None), oldest first."""
        rule = query_rule("KeyResult.check_ins_until", as_of, day_of)
        return self.check_ins.until(as_of, day_of=rule)

    def confidence(
        self, as_of: Moment | None = None, *, day_of: DayOf | str = DayOf.LOCAL
    ) -> ConfidenceRating | None:
        """The most recent confidence stated on or before `as_of`."""
        rule = query_rule("KeyResult.confidence", as_of, day_of)
        for item in reversed(self.check_ins.until(as_of, day_of=rule)):
            if item.confidence is not None:
                return item.confidence
        return None

    # -- change -------------------------------------------------------------------------

    def check_in(
        self,
        value: float | bool,
        *,
        at: Moment,
        confidence: ConfidenceRating | float | str | None = None,
        note: str = "",
    ) -> KeyResult:
        """Record a value; returns a new key result and leaves this one unchanged.

        Raises:
            ValidationError: The value, date or confidence is invalid for this key result.
        """
        entry = CheckIn(value, at, confidence, note)
        history = self.check_ins._appended(entry)
        # Only the new value needs checking against the measure: the rest already was.
        self.measure.check_values(self.id, CheckIns((entry,)), first=len(history) - 1)
        new: KeyResult = object.__new__(KeyResult)
        for field in attrs.fields(KeyResult):
            object.__setattr__(new, field.name, getattr(self, field.name))
        object.__setattr__(new, "check_ins", history)
        return new

    def reach(self, milestone: str, **details: Unpack[CheckInDetails]) -> KeyResult:
        """For a milestones key result: record that `milestone` (and all before it) is reached.

        `details` are those of `check_in`: `at=` (required), `confidence=`, `note=`.
        """
        if not isinstance(self.measure, Milestones):
            raise ValidationError.field(
                f"KeyResult({self.id!r}).measure", self.kind.value, "a milestones key result"
            )
        return self.check_in(self.measure.index(milestone) + 1, **details)
