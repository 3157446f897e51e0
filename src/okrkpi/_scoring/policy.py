"""A scoring policy: the strategies that turn check-ins into scores and statuses, bundled."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypedDict, Unpack

import attrs

from okrkpi._errors import ValidationError
from okrkpi._model._checks import finite_float
from okrkpi._model.key_result import KeyResultKind
from okrkpi._model.moments import DayOf, day_rule
from okrkpi._scoring import builtins
from okrkpi._scoring.protocols import (
    Aggregator,
    Grader,
    KeyResultScorer,
    PaceRule,
    RollUp,
    StrategyCategory,
)
from okrkpi._scoring.registry import StrategyRegistry, default_registry

__all__ = ["ScoringPolicy", "StrategyChoices", "resolve_policy"]


def _default_scorers() -> dict[KeyResultKind, KeyResultScorer]:
    return {
        KeyResultKind.METRIC: builtins.linear_metric(),
        KeyResultKind.BINARY: builtins.binary_scorer(),
        KeyResultKind.THRESHOLD: builtins.threshold_scorer(),
        KeyResultKind.MILESTONES: builtins.milestone_share(),
        KeyResultKind.ZONED: builtins.zone_values(),
        KeyResultKind.ORDINAL: builtins.zone_values(),
    }


def _scorers(value: Mapping[KeyResultKind, KeyResultScorer]) -> Mapping[KeyResultKind, Any]:
    if not isinstance(value, Mapping):
        raise ValidationError.field("ScoringPolicy.scorers", value, "a mapping kind -> scorer")
    merged: dict[KeyResultKind, Any] = _default_scorers()
    for kind, scorer in value.items():
        try:
            kind = KeyResultKind(kind)
        except ValueError:
            raise ValidationError.field(
                "ScoringPolicy.scorers", kind, "a KeyResultKind or its value"
            ) from None
        if isinstance(scorer, type) or not isinstance(scorer, KeyResultScorer):
            raise ValidationError.field(
                f"ScoringPolicy.scorers[{kind.value!r}]", scorer, "a KeyResultScorer instance"
            )
        merged[kind] = scorer
    return MappingProxyType(merged)


def _protocol(kind: type, expectation: str) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        # A class passes the protocol check through its unbound methods: an instance is meant.
        if isinstance(value, type) or not isinstance(value, kind):
            raise ValidationError.field(f"ScoringPolicy.{attribute.name}", value, expectation)

    return check


def _day_rule(value: DayOf | str) -> DayOf:
    return day_rule(value, "ScoringPolicy.day_of")


def _cap(value: float | None) -> float | None:
    if value is None:
        return None
    cap = finite_float("ScoringPolicy.overachievement_cap", value)
    if cap < 1:
        raise ValidationError.field("ScoringPolicy.overachievement_cap", value, "a cap >= 1.0")
    return cap


@attrs.frozen(slots=True, getstate_setstate=False)
class ScoringPolicy:
    """The strategies used to score, grade, pace and roll up; every one replaceable.

    `ScoringPolicy()` is the spec's defaults. Change one part with `attrs.evolve` or
    build from registered names with `ScoringPolicy.named(aggregator="minimum")`.

    Attributes:
        scorers: A scorer per key-result kind; kinds not given keep the default scorer.
        aggregator: Combines key results into an objective (weighted mean by default).
        grader: Grades and decides "met" (Google's bands by default).
        pace: Decides on track / behind / at risk (the gap rule by default).
        rollup: What an objective's score is made of in a tree (own key results by default).
        overachievement_cap: None (default) aggregates clamped values; a number >= 1 lets
            each key result's raw progress count in aggregation up to that cap.
        day_of: Which calendar day a moment falls on, wherever a moment becomes a day
            (as-of look-ups, cycles, pace, plans): `DayOf.LOCAL` (default), an aware
            datetime's day in its own UTC offset; `DayOf.UTC`, its day in UTC. Given as
            the enum or its value (`"utc"`, any case).
    """

    scorers: Mapping[KeyResultKind, KeyResultScorer] = attrs.field(
        factory=dict, converter=_scorers, hash=False
    )
    aggregator: Aggregator = attrs.field(
        factory=builtins.weighted_mean, validator=_protocol(Aggregator, "an Aggregator")
    )
    grader: Grader = attrs.field(
        factory=builtins.google_grader, validator=_protocol(Grader, "a Grader")
    )
    pace: PaceRule = attrs.field(
        factory=builtins.gap_pace, validator=_protocol(PaceRule, "a PaceRule")
    )
    rollup: RollUp = attrs.field(
        factory=builtins.key_results_only, validator=_protocol(RollUp, "a RollUp")
    )
    overachievement_cap: float | None = attrs.field(default=None, converter=_cap)
    day_of: DayOf = attrs.field(default=DayOf.LOCAL, converter=_day_rule)

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt through the constructor: the scorers are held read-only (a mapping
        # proxy, which pickle cannot copy), and the checks run again on the way in.
        fields = attrs.astuple(self, recurse=False)
        return (ScoringPolicy, (dict(self.scorers), *fields[1:]))

    def scorer_for(self, kind: KeyResultKind) -> KeyResultScorer:
        """The scorer used for key results of `kind`."""
        return self.scorers[kind]

    @classmethod
    def named(
        cls,
        *,
        overachievement_cap: float | None = None,
        day_of: DayOf | str = DayOf.LOCAL,
        registry: StrategyRegistry | None = None,
        **strategies: Unpack[StrategyChoices],
    ) -> ScoringPolicy:
        """Build a policy from strategy names (looked up in `registry`) or instances.

        Args:
            overachievement_cap: As the field of that name.
            day_of: As the field of that name.
            registry: Where names are looked up (`default_registry` when None).
            **strategies: `aggregator=`, `grader=`, `pace=`, `rollup=` and `scorers=`
                (kind -> scorer), each a registered name or an instance.

        Raises:
            UnknownStrategyError: A name is not registered; the message lists known names.
        """
        return resolve_policy(
            cls(overachievement_cap=overachievement_cap, day_of=day_of),
            registry=registry,
            **strategies,
        )


class StrategyChoices(TypedDict, total=False):
    """Strategies to put in a policy, each a registered name or an instance."""

    aggregator: str | Aggregator | None
    grader: str | Grader | None
    pace: str | PaceRule | None
    rollup: str | RollUp | None
    scorers: Mapping[KeyResultKind | str, str | KeyResultScorer] | None


def resolve_policy(
    policy: ScoringPolicy | None,
    *,
    registry: StrategyRegistry | None = None,
    **strategies: Unpack[StrategyChoices],
) -> ScoringPolicy:
    """`policy` (the defaults for None) with any strategy given by name or instance.

    The one place where strategy names are looked up: in `registry`, or
    `default_registry` when None. Returns `policy` itself when nothing changes.

    Raises:
        ValidationError: `policy` is not a ScoringPolicy, or an instance is not a strategy.
        UnknownStrategyError: A name is not registered; the message lists known names.
    """
    if policy is not None and not isinstance(policy, ScoringPolicy):
        raise ValidationError.field("policy", policy, "a ScoringPolicy or None")
    unknown = sorted(set(strategies) - set(StrategyChoices.__annotations__))
    if unknown:  # a misspelt keyword would otherwise change nothing, silently
        known = ", ".join(StrategyChoices.__annotations__)
        raise ValidationError.field("strategies", unknown, f"strategy keywords among {known}")
    base = _DEFAULT if policy is None else policy
    found = default_registry if registry is None else registry
    if not isinstance(found, StrategyRegistry):
        raise ValidationError.field("registry", registry, "a StrategyRegistry or None")
    changes: dict[str, Any] = {}
    categories: tuple[StrategyCategory, ...] = ("aggregator", "grader", "pace", "rollup")
    for category in categories:
        given = strategies.get(category)
        if given is not None:
            resolved = found.resolve(category, given)
            if resolved is not getattr(base, category):
                changes[category] = resolved
    scorers = strategies.get("scorers")
    if scorers is not None:
        if not isinstance(scorers, Mapping):
            raise ValidationError.field("policy.scorers", scorers, "a mapping kind -> scorer")
        changes["scorers"] = {
            **base.scorers,
            **{kind: found.resolve("scorer", given) for kind, given in scorers.items()},
        }
    return attrs.evolve(base, **changes) if changes else base


_DEFAULT = ScoringPolicy()
