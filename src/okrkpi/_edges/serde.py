"""Serialization with a library-owned cattrs converter: plain, JSON-safe dicts both ways."""

from __future__ import annotations

import enum
import json
import re
import tomllib
import warnings
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from functools import partial
from types import MappingProxyType
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.strategies import configure_tagged_union

from okrkpi._alignment.batch import TreeScores
from okrkpi._edges._collector import collector_paused
from okrkpi._errors import MissingExtraError, OkrKpiError, Problem, ValidationError, describe
from okrkpi._model._checks import enum_member, sequence_of
from okrkpi._model.confidence import ConfidenceRating
from okrkpi._model.confidence_scale import ConfidenceBand, ConfidenceScale
from okrkpi._model.cycle import Cycle
from okrkpi._model.history import CheckIn, CheckIns, Measurement, Measurements
from okrkpi._model.hygiene import FindingCode
from okrkpi._model.initiative import Initiative
from okrkpi._model.key_result import (
    Binary,
    KeyResultKind,
    Measure,
    Metric,
    Milestone,
    Milestones,
    Ordinal,
    Threshold,
    Zoned,
)
from okrkpi._model.kpi import KPI, Frequency, TargetRange
from okrkpi._model.links import NOT_GIVEN
from okrkpi._model.moments import Moment
from okrkpi._model.objective import Objective
from okrkpi._model.plan import PlannedValue
from okrkpi._model.zones import Zone
from okrkpi._planning.cycles import CarriedTree
from okrkpi._scoring import builtins as builtin
from okrkpi._scoring.policy import ScoringPolicy
from okrkpi._scoring.protocols import StrategyCategory
from okrkpi._scoring.registry import default_registry
from okrkpi._scoring.score import Score

T = TypeVar("T")

SCHEMA_VERSION = 1
"""The version of the dict layout written by `to_dict`; `from_dict` checks it on documents."""

MAX_DEPTH = 64
"""Deeper input than this is rejected before structuring (the model is at most ~8 deep)."""


def _objectives(value: Iterable[Objective]) -> tuple[Objective, ...]:
    return sequence_of(Objective, "Document.objectives", value)


def _kpis(value: Iterable[KPI]) -> tuple[KPI, ...]:
    return sequence_of(KPI, "Document.kpis", value)


@attrs.frozen(slots=True)
class Document:
    """A file's worth of OKRs and KPIs.

    Attributes:
        objectives: Objectives, in any order (link them with `parent_id`).
        kpis: KPIs.
        schema_version: The layout version; this library writes and reads `1`.
    """

    objectives: tuple[Objective, ...] = attrs.field(default=(), converter=_objectives)
    kpis: tuple[KPI, ...] = attrs.field(default=(), converter=_kpis)
    schema_version: int = SCHEMA_VERSION

    def __attrs_post_init__(self) -> None:
        if self.schema_version != SCHEMA_VERSION or isinstance(self.schema_version, bool):
            raise ValidationError.field(
                "Document.schema_version", self.schema_version, f"{SCHEMA_VERSION}"
            )


def _moment_from(value: Any, _: Any) -> Moment:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValidationError.field("date", value, "an ISO date string")
    try:
        if "T" in value or " " in value.strip():
            return datetime.fromisoformat(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError.field("date", value, "an ISO date like '2026-07-01'") from None


def _optional_moment_from(value: Any, _: Any) -> Moment | None:
    return None if value is None else _moment_from(value, None)


def _zone_from(value: Any, _: Any) -> Zone:
    """A zone as `to_dict` writes it (its number 0..3), or its name or member."""
    if value.__class__ is int and value in {zone.value for zone in Zone}:
        return Zone(value)
    return enum_member("Zone", Zone, value)


def _date_from(value: Any, _: Any) -> date:
    moment = _moment_from(value, None)
    if isinstance(moment, datetime):
        raise ValidationError.field("date", value, "a date without a time")
    return moment


def _number_from(value: Any, _: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError.field("number", value, "a number")
    return value


def _bool_from(value: Any, _: Any) -> bool:
    # cattrs would call bool(): "false", "no" and 2 would all read as True.
    if not isinstance(value, bool):
        raise ValidationError.field("flag", value, "true or false")
    return value


def _int_from(value: Any, _: Any) -> int:
    if isinstance(value, float) and value.is_integer():  # 4.0 from a spreadsheet's JSON
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError.field("whole number", value, "a whole number")
    return value


def _value_from(value: Any, _: Any) -> float | bool:
    if isinstance(value, bool):
        return value
    return _number_from(value, None)


def _optional_number_from(value: Any, _: Any) -> float | None:
    return None if value is None else _number_from(value, None)


def _text_from(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError.field("text", value, "a string")
    return value


def _cycle_from(value: Any, _: Any, *, plain: Plain) -> Cycle:
    if isinstance(value, str):
        try:
            return Cycle.parse(value)
        except ValidationError as error:  # named for the field, not the parser
            raise ValidationError(Problem("cycle", error.problems[0].message)) from None
    return _structure_attrs(value, Cycle, plain)


# What each converter keeps of the plain attrs structuring of a few classes, for the hooks
# that check a value's shape before handing it over.
Plain = Mapping[type, Any]


def _target_from(value: Any, _: Any, *, plain: Plain) -> float | TargetRange | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise ValidationError.field("target", value, "a number or a [low, high] pair")
        return TargetRange(_number_from(value[0], None), _number_from(value[1], None))
    if isinstance(value, Mapping):
        return _structure_attrs(value, TargetRange, plain)
    return _number_from(value, None)


def _frequency_from(value: Any, _: Any) -> Frequency | str | None:
    if value is None or isinstance(value, Frequency):
        return value
    return _text_from(value, None)


def _confidence_from(value: Any, _: Any) -> ConfidenceRating | None:
    if value is None:
        return None
    return ConfidenceRating(_number_from(value, None))


def _milestone_from(value: Any, _: Any, *, plain: Plain) -> Milestone:
    if isinstance(value, str):
        return Milestone(value)
    return _structure_attrs(value, Milestone, plain)


_ZONES = ("fail", "commit", "target", "stretch")


def _zones_from(values: Any) -> Any:
    """`zone_values` from the four values it writes, in zone order."""
    if not isinstance(values, list | tuple) or len(values) != len(_ZONES):
        raise ValidationError.field("zone_values.values", values, f"four values: {_ZONES}")
    return builtin.zone_values(**dict(zip(_ZONES, values, strict=True)))


# Built-in strategies that take parameters, by the name they write, made from them.
_PARAMETRISED: Mapping[str, Callable[..., Any]] = MappingProxyType(
    {
        "zones": _zones_from,
        "google": builtin.google_grader,
        "gap": builtin.gap_pace,
        "ratio": builtin.ratio_pace,
        "key_results_and_children": builtin.key_results_and_children,
    }
)
# What a strategy writes that is its kind's, not a parameter.
_NOT_PARAMETERS = frozenset({"name", "monotone", "uses_children"})
_POLICY_FIELDS = ("scorers", "aggregator", "grader", "pace", "rollup")


def _strategy_from(category: StrategyCategory, value: Any, path: str) -> Any:
    """A strategy as `to_dict` writes it (`{"name": ..., parameters}`), or its name alone.

    A name is looked up in `default_registry` (built-ins and plug-ins); a built-in's
    parameters are given to its factory (those left out keep their defaults); the
    strategy made must write back every field `value` gives.
    """
    entry = {"name": value} if isinstance(value, str) else value
    if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
        raise ValidationError.field(path, value, "a strategy's name, or an object with its name")
    name = entry["name"]
    try:
        strategy = default_registry.get(category, name)
    except OkrKpiError as error:
        raise ValidationError(Problem(path, str(error))) from None
    given = {key: item for key, item in entry.items() if key not in _NOT_PARAMETERS}
    written = _as_json(to_dict(strategy))
    if given and name in _PARAMETRISED:
        try:
            strategy = _PARAMETRISED[name](**given)
        except OkrKpiError as error:  # a parameter's value refused, in the factory's words
            raise ValidationError(Problem(path, str(error))) from None
        except TypeError:  # a parameter the factory does not take
            expected = ", ".join(key for key in written if key not in _NOT_PARAMETERS)
            raise ValidationError.field(
                path, dict(entry), f"the parameters of {name!r}: {expected}"
            ) from None
        written = _as_json(to_dict(strategy))
    # Parameters left out keep their defaults: only what is given must be written back.
    stated = _as_json(dict(value)) if isinstance(value, Mapping) else {}
    if any(key not in written or written[key] != item for key, item in stated.items()):
        raise ValidationError.field(
            path,
            dict(value),
            f"what the {category} strategy {name!r} writes, {written!r} (a strategy of your "
            "own is read by its registered name, with the parameters it was registered with)",
        )
    return strategy


def _as_json(value: Any) -> Any:
    """`value` as JSON reads it back (lists for tuples): what was written, compared."""
    return json.loads(json.dumps(value))


def _policy_from(value: Any, _: Any) -> ScoringPolicy:
    """A policy as `to_dict` writes it; a strategy given by its name alone reads too."""
    if not isinstance(value, Mapping):
        raise ValidationError.field("$", value, "an object for ScoringPolicy")
    known = {*_POLICY_FIELDS, "overachievement_cap", "day_of"}
    unknown = sorted(str(key) for key in value if key not in known)
    if unknown:
        raise ValidationError(
            *(Problem(key, f"not a ScoringPolicy field; known: {sorted(known)}") for key in unknown)
        )
    fields: dict[str, Any] = {}
    for category in ("aggregator", "grader", "pace", "rollup"):
        if category in value:
            fields[category] = _strategy_from(category, value[category], category)
    scorers = value.get("scorers", {})
    if not isinstance(scorers, Mapping):
        raise ValidationError.field("scorers", scorers, "an object of kind -> scorer")
    fields["scorers"] = {
        enum_member(f"scorers.{kind}", KeyResultKind, kind): _strategy_from(
            "scorer", entry, f"scorers.{kind}"
        )
        for kind, entry in scorers.items()
    }
    for name in ("overachievement_cap", "day_of"):
        if name in value:
            fields[name] = value[name]
    return ScoringPolicy(**fields)


def _structure_attrs(value: Any, cls: type[T], plain: Plain) -> T:
    if not isinstance(value, Mapping):
        raise ValidationError.field(cls.__name__, value, "an object")
    structured: T = plain[cls](value, cls)
    return structured


def _measure_tag(cls: type) -> str:
    kind: KeyResultKind = getattr(cls, "kind")  # noqa: B009 - a ClassVar on each measure
    return kind.value


_ADDED_FIELDS: Mapping[type, tuple[str, ...]] = MappingProxyType({Metric: ("plan",)})


def _make_converter() -> cattrs.Converter:
    made = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    made.register_structure_hook(Moment, _moment_from)
    made.register_structure_hook(Moment | None, _optional_moment_from)
    made.register_structure_hook(date, _date_from)
    made.register_structure_hook(float, _number_from)
    made.register_structure_hook(float | bool, _value_from)
    made.register_structure_hook(bool, _bool_from)
    # Enum values in any case, or members' names, as the constructors take them.
    made.register_structure_hook_func(
        lambda kind: isinstance(kind, type) and issubclass(kind, enum.Enum),
        lambda value, kind: enum_member(kind.__name__, kind, value),
    )
    made.register_structure_hook(int, _int_from)
    # An enum that is also an int or a str: the int and str hooks would take it first.
    made.register_structure_hook(Zone, _zone_from)
    made.register_structure_hook(
        FindingCode, lambda value, kind: enum_member(kind.__name__, kind, value)
    )
    made.register_structure_hook(float | None, _optional_number_from)
    made.register_structure_hook(str, _text_from)
    plain: dict[type, Any] = {}  # filled below, once every other hook is registered
    made.register_structure_hook(Cycle, partial(_cycle_from, plain=plain))
    made.register_structure_hook(float | TargetRange | None, partial(_target_from, plain=plain))
    made.register_structure_hook(Frequency | str | None, _frequency_from)
    made.register_structure_hook(ConfidenceRating | None, _confidence_from)
    made.register_structure_hook(ConfidenceRating, _confidence_from)
    made.register_structure_hook(Milestone, partial(_milestone_from, plain=plain))
    made.register_structure_hook(ScoringPolicy, _policy_from)
    # A key result indexes a plain tuple of check-ins itself, naming its id in errors.
    made.register_structure_hook(
        CheckIns, lambda value, _: made.structure(value, tuple[CheckIn, ...])
    )
    made.register_unstructure_hook(
        CheckIns, lambda history: [made.unstructure(item, CheckIn) for item in history]
    )
    made.register_structure_hook(
        Measurements, lambda value, _: made.structure(value, tuple[Measurement, ...])
    )
    made.register_unstructure_hook(
        Measurements, lambda history: [made.unstructure(item, Measurement) for item in history]
    )
    made.register_unstructure_hook(date, date.isoformat)
    made.register_unstructure_hook(datetime, datetime.isoformat)
    made.register_unstructure_hook(Moment, lambda value: value.isoformat())
    made.register_unstructure_hook(ConfidenceRating, lambda rating: rating.value)
    made.register_unstructure_hook(
        Frequency | str | None,
        lambda value: value.value if isinstance(value, Frequency) else value,
    )
    made.register_unstructure_hook(
        float | TargetRange | None,
        lambda value: [value.low, value.high] if isinstance(value, TargetRange) else value,
    )
    made.register_unstructure_hook(Score, Score.explain)
    for cls in (Cycle, Milestone, TargetRange):
        plain[cls] = make_dict_structure_fn(cls, made)
    _omit_added_fields(made, Metric)  # before the union, which captures the measures' hooks
    configure_tagged_union(Measure, made, tag_name="kind", tag_generator=_measure_tag)
    tagged = made.get_structure_hook(Measure)
    kinds = sorted(
        _measure_tag(kind) for kind in (Binary, Metric, Milestones, Threshold, Zoned, Ordinal)
    )

    def measure_from(value: Any, cls: Any) -> Any:
        if isinstance(value, Mapping) and value.get("kind") not in kinds:
            expected = ", ".join(kinds)
            message = f"unknown kind {describe(value.get('kind'))}, expected one of {expected}"
            raise ValidationError(Problem("Measure.kind", message))
        return tagged(value, cls)

    made.register_structure_hook(Measure, measure_from)
    kpi_from = made.get_structure_hook(KPI)

    def kpi_without_target(value: Any, cls: Any) -> Any:
        # A KPI's target is required in Python but may be None, and TOML leaves None out.
        if isinstance(value, Mapping) and "target" not in value:
            value = {**value, "target": None}
        return kpi_from(value, cls)

    made.register_structure_hook(KPI, kpi_without_target)
    _objective_hooks(made)  # after the union: its hook captures the measure's
    return made


class _ParentWeights:
    """The type a document's `parents` is read as: an object, checked by the objective."""


class _DrivenKeyResults:
    """The type a document's `parent_key_results` is read as, likewise."""


def _parents_from(value: Any, _: Any) -> Mapping[str, Any] | None:
    # An object of parent id -> weight; the objective checks each id and weight.
    if value is None or isinstance(value, Mapping):
        return value
    raise ValidationError.field("parents", value, "an object of parent id -> weight")


def _parent_key_results_from(value: Any, _: Any) -> Mapping[str, Any] | None:
    if value is None or isinstance(value, Mapping):
        return value
    raise ValidationError.field(
        "parent_key_results", value, "an object of parent id -> key result id"
    )


def _objective_arguments() -> type:
    """What a document may hold for an objective: the constructor's arguments, by name.

    Built from the objective's fields, so a new field is read without a change here.
    Each argument a document leaves out is `NOT_GIVEN`, and not passed on.
    """
    arguments: dict[str, Any] = {}
    for field in attrs.fields(attrs.resolve_types(Objective)):
        kind = {"parents": _ParentWeights, "parent_key_results": _DrivenKeyResults}.get(
            field.name, field.type
        )
        default = attrs.NOTHING if field.name == "title" else NOT_GIVEN
        arguments[field.name] = attrs.field(type=kind, default=default)
    # The one-parent shorthand: read from the links, taken by the constructor.
    shorthand: dict[str, Any] = {
        "parent_id": str | None,
        "parent_key_result_id": str | None,
        "alignment_weight": float,
    }
    for name, shape in shorthand.items():
        arguments[name] = attrs.field(type=shape, default=NOT_GIVEN)
    return attrs.make_class("Objective", arguments, frozen=True, slots=True)


def _objective_hooks(made: cattrs.Converter) -> None:
    """Objectives: one parent written as it always was, several as a `parents` object."""
    made.register_structure_hook(_ParentWeights, _parents_from)
    made.register_structure_hook(_DrivenKeyResults, _parent_key_results_from)
    arguments = _objective_arguments()
    arguments_from: Callable[[Any, Any], Any] = make_dict_structure_fn(arguments, made)

    def objective_from(value: Any, _: Any) -> Objective:
        given = arguments_from(value, arguments)
        chosen = {
            name: item
            for name, item in attrs.asdict(given, recurse=False).items()
            if item is not NOT_GIVEN
        }
        try:
            return Objective(**chosen)
        except (ValueError, TypeError) as error:  # named by the document's path, as cattrs would
            raise cattrs.ClassValidationError(
                "While structuring Objective", [error], Objective
            ) from error

    made.register_structure_hook(Objective, objective_from)
    fields = {field.name: field.type for field in attrs.fields(attrs.resolve_types(Objective))}
    unstructure = made.unstructure

    def objective_to_dict(objective: Objective) -> dict[str, Any]:
        one = len(objective.parents) <= 1
        data: dict[str, Any] = {
            "title": objective.title,
            "key_results": unstructure(objective.key_results, fields["key_results"]),
            "commitment": objective.commitment.value,
            "id": objective.id,
        }
        if one:
            data["parent_id"] = objective.parent_id
            data["parent_key_result_id"] = objective.parent_key_result_id
        else:
            data["parents"] = dict(objective.parents)
            if objective.parent_key_results:
                data["parent_key_results"] = dict(objective.parent_key_results)
        data["owner"] = objective.owner
        data["level"] = objective.level.value
        data["cycle"] = unstructure(objective.cycle, fields["cycle"])
        if one:
            data["alignment_weight"] = objective.alignment_weight
        data["carried_over_from"] = objective.carried_over_from
        data["closed_on"] = unstructure(objective.closed_on, fields["closed_on"])
        if objective.initiatives:  # added after the first layout: written only when set
            data["initiatives"] = unstructure(objective.initiatives, fields["initiatives"])
        return data

    made.register_unstructure_hook(Objective, objective_to_dict)


def _omit_added_fields(made: cattrs.Converter, cls: type) -> None:
    # Fields added after the first layout are written only when set, so documents
    # without them look as they always did.
    omitted: dict[str, Any] = {name: override(omit_if_default=True) for name in _ADDED_FIELDS[cls]}
    made.register_unstructure_hook(cls, make_dict_unstructure_fn(cls, made, **omitted))


converter: cattrs.Converter = _make_converter()
"""The library's own converter. Copy it (`converter.copy()`) before registering hooks."""

_SUPPORTED = (
    Objective,
    ConfidenceScale,
    ConfidenceBand,
    Initiative,
    Zoned,
    Ordinal,
    PlannedValue,
    KPI,
    Cycle,
    CheckIn,
    Measurement,
    Metric,
    Binary,
    Threshold,
    Milestones,
    Milestone,
    TargetRange,
    Document,
)


def to_dict(value: Any) -> Any:
    """A JSON-safe dict (or list, or scalar) for any public value.

    Dates become ISO strings, enums their values, a key result's measure a tagged
    object (`{"kind": "metric", "start": ..., "target": ...}`). A `Document` also
    carries `schema_version`.
    """
    with collector_paused():
        return converter.unstructure(value)


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _check_depth(data: Any) -> None:
    # Iterative, so hostile nesting costs a loop, not the interpreter's stack.
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValidationError(Problem("$", f"nested deeper than {MAX_DEPTH} levels"))
        if isinstance(item, Mapping):
            children: Iterable[Any] = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        # Plain values cannot nest: only containers go on the stack, found by exact type.
        stack.extend((child, depth + 1) for child in children if child.__class__ not in _PLAIN)


_FIELD = "\x1e"  # between a problem's field (below the failing object) and its message
_NEXT = "\x1f"  # between the problems of one failing object


def _below(path: str) -> str:
    # A model error names its own class first ("KeyResult.weight", "KeyResult('k').x"):
    # what follows is the field within the object the document path already reaches.
    head, dot, rest = path.partition(".")
    if not dot or not head[:1].isupper() or "[" in head.split("(")[0]:
        return ""
    return "." + rest


def _format(error: BaseException, _: type | None) -> str:
    if isinstance(error, ValidationError):
        return _NEXT.join(
            f"{_below(problem.path)}{_FIELD}{problem.message}" for problem in error.problems
        )
    if isinstance(error, KeyError):
        return "required field missing"
    if isinstance(error, cattrs.ForbiddenExtraKeysError):
        return "unknown field(s) " + ", ".join(sorted(map(repr, error.extra_fields)))
    if isinstance(error, TypeError | AttributeError):
        # Python's words for a shape mismatch, put in the document's terms.
        text = str(error)
        if "attribute 'keys'" in text or "attribute 'items'" in text:
            return "expected an object"
        return f"wrong shape ({text})"
    return str(error) or type(error).__name__


MAX_PROBLEMS = 100
"""Problems reported in full; past them, a count. A hostile document with millions of
bad entries costs memory in proportion to its size, not to its problems' messages."""


def _check_entries(data: Mapping[str, Any]) -> None:
    # The cheap shape check first: millions of entries that are not objects are counted,
    # not each turned into an exception with a message.
    problems: list[Problem] = []
    more = 0
    for table in ("objectives", "kpis"):
        entries = data.get(table, ())
        if not isinstance(entries, list | tuple):
            continue
        for position, entry in enumerate(entries):
            if entry.__class__ is dict or isinstance(entry, Mapping):
                continue
            if len(problems) < MAX_PROBLEMS:
                problems.append(
                    Problem(f"{table}[{position}]", f"expected an object, got {describe(entry)}")
                )
            else:
                more += 1
    if more:
        problems.append(Problem("$", f"... and {more:,} more problems"))
    if problems:
        raise ValidationError(*problems)


def from_dict(data: Any, cls: type[T]) -> T:
    """Structure plain data (e.g. parsed JSON) into `cls`, validating everything.

    The data comes first, as in cattrs and in `loads(text, cls)`. The older order,
    `from_dict(cls, data)`, still works with a `DeprecationWarning`.

    Every problem is reported at once, each with its path, e.g.
    `objectives[3].key_results[1].measure.target: expected a number, got 'abc'`.

    Raises:
        ValidationError: Anything is wrong; `problems` lists every finding.
    """
    if isinstance(data, type) and not isinstance(cls, type):
        warnings.warn(
            "from_dict(cls, data) is deprecated: pass the data first, from_dict(data, cls)",
            DeprecationWarning,
            stacklevel=2,
        )
        data, cls = cls, data
    scalar = _is_scalar_type(cls)
    if isinstance(cls, type) and cls in _WRITTEN_ONLY:
        raise ValidationError.field("from_dict.cls", cls, _WRITTEN_ONLY[cls])
    if cls not in _SUPPORTED and not scalar and not (isinstance(cls, type) and attrs.has(cls)):
        raise ValidationError.field("from_dict.cls", cls, "an okrkpi model type")
    _check_depth(data)
    if (not isinstance(data, Mapping) and not scalar) or data is None:
        wanted = f"a value for {cls.__name__}" if scalar else f"an object for {cls.__name__}"
        raise ValidationError.field("$", data, wanted)
    if cls is Document:
        _check_entries(data)
    if cls is Document and isinstance(data, Mapping):
        version = data.get("schema_version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise ValidationError(
                Problem("schema_version", f"expected {SCHEMA_VERSION}, got {describe(version)}")
            )
    try:
        with collector_paused():
            structured: T = converter.structure(data, cls)
    except OkrKpiError:
        raise
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError, AttributeError) as error:
        messages = cattrs.transform_error(error, path="$", format_exception=_format)
        problems = []
        for message in messages:
            text, _, where = message.rpartition(" @ ")
            path = where.removeprefix("$").removeprefix(".")
            for part in (text or message).split(_NEXT):
                field, _, said = part.rpartition(_FIELD)
                where_exactly = (path + field).removeprefix(".")
                problems.append(Problem(where_exactly or "$", said))
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            problems[MAX_PROBLEMS:] = [Problem("$", f"... and {more:,} more problems")]
        raise ValidationError(*problems) from None
    return structured


def _is_scalar_type(cls: Any) -> bool:
    """Whether `to_dict` writes `cls` as a plain value: a rating's number, an enum's value."""
    if cls is ConfidenceRating:
        return True
    return (
        isinstance(cls, type)
        and issubclass(cls, enum.Enum)
        and cls.__module__.startswith("okrkpi.")
    )


# Types `to_dict` writes for the record that are not read back, and why.
_WRITTEN_ONLY: Mapping[type, str] = MappingProxyType(
    {
        CarriedTree: (
            "a type read from data (a CarriedTree is made by carry_over from the tree; "
            "read its objectives as a Document)"
        ),
        TreeScores: (
            "a type read from data (a tree's scores are computed: read its objectives as "
            "a Document and score them again)"
        ),
        CheckIns: "a type read from data (read the KeyResult whose check-ins they are)",
    }
)


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """`to_dict` as JSON text.

    Raises:
        ValidationError: `value` holds something JSON cannot write (an `AlignmentTree`,
            a `Review`: write their objectives as a `Document`, or `Review.to_dict()`).
    """
    try:
        return json.dumps(to_dict(value), indent=indent, ensure_ascii=False, allow_nan=False)
    except OkrKpiError:
        raise
    except (TypeError, ValueError) as error:  # a type json cannot write, or NaN / inf
        raise ValidationError.field(
            "dumps.value", value, f"a value okrkpi writes ({error})"
        ) from None


def loads(text: str | bytes, cls: type[T]) -> T:
    """Parse JSON text (never executes anything) and structure it into `cls`.

    Raises:
        ValidationError: Not JSON, too deep, or invalid for `cls`.
    """
    try:
        data = json_data(text)
    except ValidationError:
        raise
    except RecursionError:
        raise ValidationError(Problem("$", f"nested deeper than {MAX_DEPTH} levels")) from None
    except (ValueError, TypeError) as error:
        raise ValidationError(Problem("$", f"not valid JSON: {error}")) from None
    return from_dict(data, cls)


def json_data(text: str | bytes) -> Any:
    """JSON text as Python data, refusing NaN and Infinity and every repeated key.

    Raises:
        ValidationError: A key repeated in an object, each with its path.
        ValueError: Not JSON (as `json.loads` raises it).
    """
    repeats: list[_ObjectWithRepeats] = []
    data = json.loads(
        text,
        parse_constant=_reject_constant,
        object_pairs_hook=partial(_ObjectWithRepeats.of, repeats),
    )
    if repeats:
        raise ValidationError(*_repeated_keys(data))
    return data


class _ObjectWithRepeats(dict[str, Any]):
    """A JSON object that named a key more than once, the repeated keys kept.

    Python's reader keeps the last value of a repeated key, silently: a parent named
    twice would lose a weight. TOML refuses a repeated key, and so does `loads`, every
    one at once with its path. Objects without repeats stay plain dicts.
    """

    __slots__ = ("repeated",)

    def __init__(self, pairs: list[tuple[str, Any]], repeated: list[str]) -> None:
        super().__init__(pairs)
        self.repeated = repeated

    @classmethod
    def of(cls, found: list[_ObjectWithRepeats], pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        """The object read from `pairs`; one with repeats is also added to `found`."""
        made = dict(pairs)
        if len(made) == len(pairs):
            return made
        seen: set[str] = set()
        repeated = []
        for key, _ in pairs:
            if key in seen and key not in repeated:
                repeated.append(key)
            seen.add(key)
        found.append(cls(pairs, repeated))
        return found[-1]


def _repeated_keys(data: Any) -> list[Problem]:
    """Every repeated key in `data`, with its path, in document order."""
    problems: list[Problem] = []
    pending: list[tuple[str, Any]] = [("", data)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, _ObjectWithRepeats):
            problems.extend(
                Problem(f"{path}.{key}".removeprefix(".") or "$", f"the key {key!r} is given twice")
                for key in item.repeated
            )
        if isinstance(item, dict):
            pending.extend(
                (f"{path}.{key}".removeprefix("."), value) for key, value in reversed(item.items())
            )
        elif isinstance(item, list):
            pending.extend(
                (f"{path}[{index}]", value) for index, value in reversed(list(enumerate(item)))
            )
    return problems[:MAX_PROBLEMS]


def _reject_constant(name: str) -> float:
    raise ValidationError(Problem("$", f"{name} is not a finite number"))


MAX_TOML_KEY_PARTS = 64
"""Dotted TOML keys longer than this are refused before parsing: the standard library's
parser takes time and memory that grow with the square of a key's parts."""


# TOML's pieces that matter for keys, found in one pass: strings and comments are passed
# over (a dot in them is no key's), and segments joined by dots are a key. Repetitions
# are possessive, so nothing is tried twice: the time is linear in the text.
_TOML_SEGMENT = r"""(?:[A-Za-z0-9_-]++|"(?:[^"\\\n]|\\.)*+"|'[^'\n]*+')"""
_TOML_PIECES = re.compile(
    r'(?P<string>"""(?:[^"\\]|\\[\s\S]|"(?!""))*+"{3,5}'  # multi-line basic string
    r"|'''(?:[^']|'(?!''))*+'{3,5})"  # multi-line literal string
    r"|(?P<comment>#[^\n]*+)"
    rf"|(?<![A-Za-z0-9_-])(?P<key>{_TOML_SEGMENT}(?:[ \t]*+\.[ \t]*+{_TOML_SEGMENT})*+)"
    # A string left open: the parser stops there, and the scan goes on after the line.
    r"""|["'][^\n]*+"""
)
_TOML_SEGMENTS = re.compile(_TOML_SEGMENT)


def toml_key_parts(text: str) -> int:
    """The most dotted parts of any key or table header in `text`, in time linear in it.

    Keys count wherever TOML has them, inline tables included. Strings and comments are
    passed over as TOML reads them, so a dotted string (or one holding a line separator
    such as U+2028) is no key. Dotted numbers count as keys: they never come near the
    limit.
    """
    most = 1
    for piece in _TOML_PIECES.finditer(text):
        key = piece["key"]
        if key is not None and key.count(".") >= most:  # only then can it be the longest
            most = max(most, len(_TOML_SEGMENTS.findall(key)))
    return most


def _without_nones(data: Any) -> Any:
    # TOML has no null: a missing key reads back as the default, which is what None means.
    if isinstance(data, dict):
        return {key: _without_nones(item) for key, item in data.items() if item is not None}
    if isinstance(data, list):
        return [_without_nones(item) for item in data]
    return data


def dumps_toml(value: Any) -> str:
    """`to_dict` as TOML text, for a `Document` or any public value that is a table.

    TOML has no null, so fields that are None are left out; `loads_toml` reads them back
    as None. Needs the `toml` extra (`pip install "okrkpi[toml]"`); reading needs nothing.

    Raises:
        MissingExtraError: tomli-w is not installed.
        ValidationError: `value` is not a table (a dict) once converted, e.g. a bare date.
    """
    try:
        import tomli_w  # noqa: PLC0415 - optional: only writing TOML needs it
    except ImportError:
        raise MissingExtraError("Writing TOML", "toml", "tomli-w") from None
    data = _without_nones(to_dict(value))
    if not isinstance(data, dict):
        raise ValidationError.field("value", value, "a value that converts to a table")
    return tomli_w.dumps(data)


def loads_toml(text: str | bytes, cls: type[T]) -> T:
    """Parse TOML text and structure it into `cls`; absent optional fields are None.

    Raises:
        ValidationError: Not TOML, a key of more than `MAX_TOML_KEY_PARTS` dotted parts,
            or invalid for `cls`.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError(Problem("$", f"not UTF-8 text ({error.reason})")) from None
    parts = toml_key_parts(text)
    if parts > MAX_TOML_KEY_PARTS:
        raise ValidationError(
            Problem("$", f"a TOML key of {parts:,} dotted parts; at most {MAX_TOML_KEY_PARTS}")
        )
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ValidationError(Problem("$", "nested too deeply")) from None
    except tomllib.TOMLDecodeError as error:
        raise ValidationError(Problem("$", f"not valid TOML: {error}")) from None
    except ValueError as error:  # an integer past Python's digit limit for str -> int
        raise ValidationError(Problem("$", f"not readable TOML: {error}")) from None
    return from_dict(data, cls)
