"""Strategy registries: instances, built-ins by name, and lazy entry-point plug-ins."""

import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

import okrkpi
from okrkpi import (
    KeyResult,
    Measured,
    Objective,
    ScoringPolicy,
    StrategyPluginWarning,
    StrategyRegistry,
    UnknownStrategyError,
    ValidationError,
    default_registry,
    score,
)
from okrkpi import strategies as builtin
from okrkpi.testing import check_scorer

BUILT_INS = {
    "scorer": ["linear", "binary", "threshold", "milestones", "zones"],
    "aggregator": ["weighted_mean", "minimum", "weighted_geometric_mean"],
    "grader": ["google"],
    "pace": ["gap", "ratio"],
    "rollup": [
        "key_results",
        "children",
        "key_results_and_children",
        "driven_key_results",
        "initiatives",
    ],
}


def test_builtins_are_registered_by_name():
    assert default_registry.names("aggregator") == (
        "minimum", "weighted_geometric_mean", "weighted_mean"
    )  # fmt: skip
    assert default_registry.names("pace") == ("gap", "ratio")
    assert "driven_key_results" in default_registry.names("rollup")
    assert default_registry.scorer("linear").name == "linear"
    assert default_registry.aggregator("minimum") is default_registry.aggregator("minimum")
    assert default_registry.grader("google").name == "google"
    assert default_registry.pace("gap").name == "gap"
    assert default_registry.rollup("children").uses_children


def test_unknown_name_lists_known_names():
    with pytest.raises(UnknownStrategyError) as caught:
        default_registry.get("pace", "lenient")
    assert caught.value.known == ("gap", "ratio")
    assert "unknown pace strategy 'lenient'; known: gap, ratio" in str(caught.value)
    with pytest.raises(ValidationError, match="category"):
        default_registry.get("colour", "red")


def test_registrations_stay_in_their_registry():
    mine = StrategyRegistry(entry_point_group=None)
    mine.register("aggregator", builtin.minimum(), name="strict")
    assert "strict" in mine.names("aggregator")
    assert "strict" not in default_registry.names("aggregator")
    objective = Objective("o", [KeyResult.binary("a", done=True), KeyResult.binary("b")])
    assert score(objective, aggregator="strict", registry=mine).value == 0.0
    with pytest.raises(ValidationError, match="Aggregator"):
        mine.register("aggregator", object())
    with pytest.raises(ValidationError, match="name"):
        mine.register("aggregator", builtin.minimum(), name="")
    empty = StrategyRegistry(entry_point_group=None, builtins=False)
    assert empty.names("scorer") == ()


def test_resolve_accepts_instances_and_checks_them():
    instance = builtin.weighted_mean()
    assert default_registry.resolve("aggregator", instance) is instance
    with pytest.raises(ValidationError, match="Aggregator"):
        default_registry.resolve("aggregator", builtin.google_grader())


PLUGIN = '''
import attrs
from okrkpi import Measured

IMPORTED = True


@attrs.frozen
class Stepped:
    """0.3 at the commit level, 0.7 at target, 1.0 at stretch (Google-style)."""

    name: str = "stepped"
    monotone: bool = True

    def __call__(self, key_result, current):
        measure = key_result.measure
        value = measure.start if current is None else current
        share = (value - measure.start) / (measure.target - measure.start)
        step = 1.0 if share >= 1.3 else 0.7 if share >= 1.0 else 0.3 if share >= 0.5 else 0.0
        return Measured(step, f"step({share:.2f})")


STEPPED = Stepped(name="stepped_instance")


def not_a_grader():
    return 42


CALLED = []


def looks_like_a_factory():
    CALLED.append("factory")
    return Stepped()


class Exits:
    name = "exits"

    def __init__(self):
        raise SystemExit(3)

    def __call__(self, expected, actual):
        return None


class Broken:
    name = "broken"

    def __init__(self):
        raise RuntimeError("plugin bug")

    def __call__(self, parts):
        return None
'''


@pytest.fixture
def plugin_dist(tmp_path, monkeypatch):
    """A separately 'installed' distribution advertising strategies through entry points."""
    (tmp_path / "okrkpi_steps.py").write_text(textwrap.dedent(PLUGIN))
    info = tmp_path / "okrkpi_steps-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: okrkpi-steps\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[okrkpi.strategies]\n"
        "scorer.stepped = okrkpi_steps:Stepped\n"
        "scorer.instance = okrkpi_steps:STEPPED\n"
        "grader.wrong = okrkpi_steps:not_a_grader\n"
        "aggregator.broken = okrkpi_steps:Broken\n"
        "pace.missing = okrkpi_steps_nowhere:rule\n"
        "rollup.evil = os:system\n"
        "scorer.factory = okrkpi_steps:looks_like_a_factory\n"
        "pace.exits = okrkpi_steps:Exits\n"
        "grader.exits_on_import = okrkpi_steps_exit:grader\n"
    )
    (tmp_path / "okrkpi_steps_exit.py").write_text("raise SystemExit('plug-in quits')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop("okrkpi_steps", None)
    sys.modules.pop("okrkpi_steps_exit", None)


def test_plugin_is_found_through_its_entry_point_and_loaded_lazily(plugin_dist):
    registry = StrategyRegistry()
    assert "stepped" in registry.names("scorer")
    assert "okrkpi_steps" not in sys.modules  # listing names imports nothing
    stepped = registry.scorer("stepped")
    assert sys.modules["okrkpi_steps"].IMPORTED
    check_scorer(stepped, max_examples=50)
    policy = ScoringPolicy.named(scorers={"metric": "stepped"}, registry=registry)
    kr = KeyResult.metric("m", start=0, target=10).check_in(10, at=date(2026, 7, 1))
    result = score(kr, policy=policy)
    assert result.value == 0.7
    assert result.strategy == "stepped"


def test_a_plugin_may_advertise_an_instance(plugin_dist):
    assert StrategyRegistry().scorer("instance").name == "stepped_instance"


def test_a_plugin_that_is_not_a_strategy_is_named_in_the_warning(plugin_dist):
    with pytest.warns(StrategyPluginWarning) as caught:
        with pytest.raises(UnknownStrategyError):
            StrategyRegistry().grader("wrong")
    assert "entry point 'grader.wrong': expected an object following Grader" in str(
        caught[0].message
    )


def test_broken_plugins_warn_and_count_as_unknown(plugin_dist):
    registry = StrategyRegistry()
    with pytest.warns(StrategyPluginWarning, match="plugin bug") as caught:
        with pytest.raises(UnknownStrategyError):
            registry.get("aggregator", "broken")
    # points at the caller's code, not at a frame inside okrkpi
    assert Path(okrkpi.__file__).parent not in Path(caught[0].filename).parents
    assert "broken" not in registry.names("aggregator")
    with pytest.raises(UnknownStrategyError):  # no second warning, no second import attempt
        registry.get("aggregator", "broken")
    with pytest.warns(StrategyPluginWarning, match="okrkpi_steps_nowhere"):
        with pytest.raises(UnknownStrategyError):
            registry.get("pace", "missing")
    assert registry.get("scorer", "linear").name == "linear"  # the rest still works


def test_nothing_of_a_plugin_is_called_unless_it_has_a_strategys_shape(plugin_dist, monkeypatch):
    import os

    ran = []
    monkeypatch.setattr(os, "system", lambda *args: ran.append(args))
    registry = StrategyRegistry()
    with pytest.warns(StrategyPluginWarning, match="expected an object following RollUp"):
        with pytest.raises(UnknownStrategyError):
            registry.rollup("evil")
    assert ran == []
    with pytest.warns(StrategyPluginWarning, match="expected an object following"):
        with pytest.raises(UnknownStrategyError):
            registry.scorer("factory")
    assert sys.modules["okrkpi_steps"].CALLED == []


def test_a_plugin_that_exits_only_warns(plugin_dist):
    registry = StrategyRegistry()
    with pytest.warns(StrategyPluginWarning, match="SystemExit"):
        with pytest.raises(UnknownStrategyError):
            registry.pace("exits")
    with pytest.warns(StrategyPluginWarning, match="plug-in quits"):
        with pytest.raises(UnknownStrategyError):
            registry.grader("exits_on_import")


# -- registering and looking up ------------------------------------------------------------


@pytest.mark.parametrize("category", BUILT_INS)
def test_every_built_in_is_registered_under_its_own_name(category):
    registry = StrategyRegistry()
    assert sorted(registry.names(category)) == sorted(BUILT_INS[category])
    for name in BUILT_INS[category]:
        assert registry.get(category, name).name == name
    lookup = getattr(registry, category)
    assert lookup(BUILT_INS[category][0]) is registry.get(category, BUILT_INS[category][0])


def test_registered_strategies_are_found_by_their_own_name_or_the_one_given():
    registry = StrategyRegistry()
    fast = builtin.ratio_pace(on_track=0.9)
    registry.register("pace", fast)
    registry.register("pace", fast, name="strict")
    assert registry.pace("ratio") is fast
    assert registry.pace("strict") is fast
    assert default_registry.pace("ratio") is not fast  # each registry is its own


def test_named_policies_use_the_default_registry_unless_told():
    policy = ScoringPolicy.named(aggregator="minimum", pace="ratio")
    assert policy.aggregator.name == "minimum"
    assert policy.pace.name == "ratio"


def test_registering_again_replaces_the_strategy():
    registry = StrategyRegistry()
    registry.register("pace", builtin.gap_pace(at_risk_gap=0.5), name="house")
    assert registry.pace("house").at_risk_gap == 0.5
    registry.register("pace", builtin.gap_pace(at_risk_gap=0.1), name="house")
    assert registry.pace("house").at_risk_gap == 0.1
    registry.register("pace", builtin.gap_pace(at_risk_gap=0.2))
    assert registry.pace("gap").at_risk_gap == 0.2


def test_a_misspelt_strategy_keyword_is_refused_not_ignored():
    with pytest.raises(ValidationError, match=r"strategies: .*\['aggregators'\]"):
        ScoringPolicy.named(aggregators="minimum")


def test_a_strategy_class_is_refused_where_an_instance_is_meant():
    class Tenths:  # follows KeyResultScorer, but only once made
        name = "tenths"
        monotone = True

        def __call__(self, key_result, current):
            return Measured(0.1, "a tenth")

    registry = StrategyRegistry()
    with pytest.raises(ValidationError, match="not the class itself"):
        registry.register("scorer", Tenths)
    with pytest.raises(ValidationError, match="KeyResultScorer instance"):
        ScoringPolicy(scorers={"metric": Tenths})
    with pytest.raises(ValidationError, match=r"ScoringPolicy\.aggregator"):
        ScoringPolicy(aggregator=type(builtin.minimum()))
    registry.register("scorer", Tenths())  # an instance is what is meant
