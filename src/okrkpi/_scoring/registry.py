"""Strategy registries: an instance maps names to strategies; plug-ins load lazily."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Mapping
from importlib.metadata import EntryPoint, entry_points
from types import FrameType, MappingProxyType
from typing import Any, cast, get_args

from okrkpi._errors import UnknownStrategyError, ValidationError
from okrkpi._scoring import builtins, protocols
from okrkpi._scoring.protocols import StrategyCategory

__all__ = ["ENTRY_POINT_GROUP", "StrategyPluginWarning", "StrategyRegistry", "default_registry"]

ENTRY_POINT_GROUP = "okrkpi.strategies"
"""Entry-point group for third-party strategies; each entry is named `category.name`,
e.g. `aggregator.median = "my_package.strategies:median"`."""

_PROTOCOLS: Mapping[str, type] = MappingProxyType(
    {
        "scorer": protocols.KeyResultScorer,
        "aggregator": protocols.Aggregator,
        "grader": protocols.Grader,
        "pace": protocols.PaceRule,
        "rollup": protocols.RollUp,
    }
)

_CATEGORIES: tuple[str, ...] = get_args(StrategyCategory)


class StrategyPluginWarning(UserWarning):
    """A third-party strategy could not be loaded; it is skipped."""


def _builtins() -> dict[str, dict[str, Callable[[], object]]]:
    return {
        "scorer": {
            "linear": builtins.linear_metric,
            "binary": builtins.binary_scorer,
            "threshold": builtins.threshold_scorer,
            "milestones": builtins.milestone_share,
            "zones": builtins.zone_values,
        },
        "aggregator": {
            "weighted_mean": builtins.weighted_mean,
            "minimum": builtins.minimum,
            "weighted_geometric_mean": builtins.weighted_geometric_mean,
        },
        "grader": {"google": builtins.google_grader},
        "pace": {"gap": builtins.gap_pace, "ratio": builtins.ratio_pace},
        "rollup": {
            "key_results": builtins.key_results_only,
            "children": builtins.children_only,
            "key_results_and_children": builtins.key_results_and_children,
            "driven_key_results": builtins.driven_key_results,
            "initiatives": builtins.driven_by_initiatives,
        },
    }


def _first_frame_outside_okrkpi() -> int:
    # The stack level, for the caller of warnings.warn, of the first frame that is not
    # okrkpi's: a plug-in may be loaded through several of our functions.
    frame: FrameType | None = sys._getframe(2)  # the frame that calls warnings.warn
    level = 2
    while frame is not None and frame.f_globals.get("__name__", "").startswith("okrkpi."):
        frame = frame.f_back
        level += 1
    return level


_MEMBERS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "scorer": ("name", "monotone", "__call__"),
        "aggregator": ("name", "__call__"),
        "grader": ("name", "grade", "is_met"),
        "pace": ("name", "__call__"),
        "rollup": ("name", "uses_children", "combine"),
    }
)


def _class_fits(category: str, cls: type) -> bool:
    # Whether instances of `cls` would follow the category's protocol, judged from the
    # class alone (its own attributes and methods), before anything of it is called.
    # A slotted field is a descriptor in `vars`, so attrs classes qualify.
    own = {member for klass in cls.__mro__ if klass is not object for member in vars(klass)}
    return all(member in own for member in _MEMBERS[category])


def _check_category(category: str) -> None:
    if category not in _CATEGORIES:
        raise ValidationError.field(
            "StrategyRegistry.category", category, "one of " + ", ".join(_CATEGORIES)
        )


class StrategyRegistry:
    """Names -> strategies, per category, owned by whoever creates it.

    A new registry knows the built-in strategies and, unless `entry_point_group` is
    None, the third-party strategies advertised in that entry-point group. Plug-in
    code is imported only when its name is first asked for; a plug-in that fails to
    load raises a `StrategyPluginWarning` and is treated as unknown.

    `okrkpi.default_registry` is one shared instance for convenience; create your own
    to keep registrations local.
    """

    def __init__(
        self, *, entry_point_group: str | None = ENTRY_POINT_GROUP, builtins: bool = True
    ) -> None:
        self._group = entry_point_group
        self._factories: dict[str, dict[str, Callable[[], object]]] = (
            _builtins() if builtins else {category: {} for category in _CATEGORIES}
        )
        self._instances: dict[tuple[str, str], object] = {}
        self._broken: set[tuple[str, str]] = set()

    # -- registration -------------------------------------------------------------------

    def register(
        self, category: StrategyCategory, strategy: object, *, name: str | None = None
    ) -> None:
        """Register a strategy instance under `name` (default: its own `name`).

        Raises:
            ValidationError: Unknown category, or the object is not that kind of strategy.
        """
        _check_category(category)
        self._conform(category, strategy, "StrategyRegistry.register.strategy")
        key: object = name if name is not None else getattr(strategy, "name", None)
        if not isinstance(key, str) or not key:
            raise ValidationError.field("StrategyRegistry.register.name", key, "a non-empty name")
        self._factories[category][key] = lambda: strategy
        self._instances.pop((category, key), None)  # a new registration replaces the old

    # -- look-up ------------------------------------------------------------------------

    def names(self, category: StrategyCategory) -> tuple[str, ...]:
        """Every name known for `category`, plug-ins included (without importing them)."""
        _check_category(category)
        known = set(self._factories[category])
        known.update(
            name for name in self._entry_points(category) if (category, name) not in self._broken
        )
        return tuple(sorted(known))

    def get(self, category: StrategyCategory, name: str) -> Any:
        """The strategy registered as `name`.

        Raises:
            UnknownStrategyError: No such name (the message lists the known ones).
        """
        _check_category(category)
        key = (category, name)
        if key in self._instances:
            return self._instances[key]
        factory = self._factories[category].get(name)
        if factory is None:
            factory = self._load_plugin(category, name)
        if factory is None:
            raise UnknownStrategyError(category, name, self.names(category))
        strategy = factory()
        self._instances[key] = strategy
        return strategy

    def resolve(self, category: StrategyCategory, given: object) -> Any:
        """A strategy instance as is, or a name looked up in this registry."""
        if isinstance(given, str):
            return self.get(category, given)
        _check_category(category)
        self._conform(category, given, f"strategy[{category}]")
        return given

    def scorer(self, name: str) -> protocols.KeyResultScorer:
        """The key-result scorer registered as `name`."""
        return cast(protocols.KeyResultScorer, self.get("scorer", name))

    def aggregator(self, name: str) -> protocols.Aggregator:
        """The aggregator registered as `name`."""
        return cast(protocols.Aggregator, self.get("aggregator", name))

    def grader(self, name: str) -> protocols.Grader:
        """The grader registered as `name`."""
        return cast(protocols.Grader, self.get("grader", name))

    def pace(self, name: str) -> protocols.PaceRule:
        """The pace rule registered as `name`."""
        return cast(protocols.PaceRule, self.get("pace", name))

    def rollup(self, name: str) -> protocols.RollUp:
        """The roll-up registered as `name`."""
        return cast(protocols.RollUp, self.get("rollup", name))

    # -- plug-ins -----------------------------------------------------------------------

    def _entry_points(self, category: str) -> dict[str, EntryPoint]:
        if self._group is None:
            return {}
        prefix = f"{category}."
        return {
            entry.name[len(prefix) :]: entry
            for entry in entry_points(group=self._group)
            if entry.name.startswith(prefix)
        }

    def _load_plugin(self, category: str, name: str) -> Callable[[], object] | None:
        if (category, name) in self._broken:
            return None
        entry = self._entry_points(category).get(name)
        if entry is None:
            return None
        try:
            loaded = entry.load()
            # Only an instance, or a class whose attributes show the shape, is accepted:
            # nothing else is called, so an entry point naming any function runs nothing.
            if isinstance(loaded, type) and _class_fits(category, loaded):
                strategy = loaded()
            else:
                strategy = loaded
            self._conform(category, strategy, f"entry point {entry.name!r}")
        except (Exception, SystemExit) as error:  # noqa: BLE001 - a plug-in never ends the host
            self._broken.add((category, name))
            warnings.warn(
                f"okrkpi: skipping {category} strategy {name!r} from {entry.value!r}: {error!r}",
                StrategyPluginWarning,
                stacklevel=_first_frame_outside_okrkpi(),
            )
            return None
        self._factories[category][name] = lambda: strategy
        return self._factories[category][name]

    @staticmethod
    def _fits(category: str, strategy: object) -> bool:
        return isinstance(strategy, _PROTOCOLS[category])

    def _conform(self, category: str, strategy: object, path: str) -> None:
        protocol = _PROTOCOLS[category].__name__
        if isinstance(strategy, type):  # its methods pass the protocol check, unbound
            raise ValidationError.field(
                path, strategy, f"an instance following {protocol}, not the class itself"
            )
        if not self._fits(category, strategy):
            raise ValidationError.field(path, strategy, f"an object following {protocol}")


default_registry = StrategyRegistry()
"""A shared registry for convenience; libraries should create their own."""
