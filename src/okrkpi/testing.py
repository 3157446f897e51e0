"""Test helpers for users: hypothesis strategies for every model type, and a strategy test kit.

Needs the `testing` extra (`pip install "okrkpi[testing]"`), which brings hypothesis.

The strategies generate valid values only, so a property test can focus on behaviour:

```python
from hypothesis import given
from okrkpi import score
from okrkpi.testing import objectives


@given(objectives())
def test_scores_are_bounded(objective):
    assert 0.0 <= score(objective).value <= 1.0
```

The test kit checks any custom strategy against the contract every strategy must keep:

```python
from okrkpi.strategies import linear_metric
from okrkpi.testing import check_scorer

check_scorer(linear_metric())  # raises AssertionError with a counterexample if broken
```
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

import attrs
from hypothesis import Phase, assume, given, settings
from hypothesis import strategies as st

from okrkpi._alignment.tree import AlignmentTree
from okrkpi._model.confidence import ConfidenceRating
from okrkpi._model.cycle import Cycle
from okrkpi._model.history import CheckIn
from okrkpi._model.initiative import Initiative, InitiativeStatus
from okrkpi._model.key_result import KeyResult, KeyResultKind, Metric, Ordinal, Zoned
from okrkpi._model.kpi import KPI, Frequency, Indicator, Measurement
from okrkpi._model.objective import Commitment, Level, Objective
from okrkpi._model.zones import Zone
from okrkpi._scoring.score import Grade, Measured, Status
from okrkpi.typing import (
    Aggregator,
    Grader,
    KeyResultScorer,
    NumericAggregator,
    NumericScorer,
    PaceRule,
)

__all__ = [
    "check_aggregator",
    "check_grader",
    "check_ins",
    "check_pace_rule",
    "check_scorer",
    "confidence_ratings",
    "cycles",
    "dags",
    "days",
    "initiatives",
    "key_results",
    "kpis",
    "measurements",
    "numbers",
    "objectives",
    "trees",
    "weights",
]

FIRST_DAY = date(2020, 1, 1)
LAST_DAY = date(2030, 12, 31)


def numbers(*, low: float = -1e6, high: float = 1e6) -> st.SearchStrategy[float]:
    """Finite floats in [low, high], rounded to 6 places so arithmetic stays readable."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 6))


def weights() -> st.SearchStrategy[float]:
    """Weights from 0 to 10 (zero included: it is valid on its own)."""
    return st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]) | st.floats(0.0, 10.0)


def days(*, low: date = FIRST_DAY, high: date = LAST_DAY) -> st.SearchStrategy[date]:
    """Dates within [low, high]."""
    return st.dates(min_value=low, max_value=high)


def confidence_ratings() -> st.SearchStrategy[ConfidenceRating]:
    """Ratings 0..10, whole or fractional."""
    return st.builds(ConfidenceRating, st.integers(0, 10) | st.floats(0, 10, allow_nan=False))


def cycles() -> st.SearchStrategy[Cycle]:
    """Quarters, years, fiscal years and custom ranges between 2020 and 2030."""
    years = st.integers(2020, 2030)
    custom = st.tuples(days(high=date(2030, 6, 30)), st.integers(0, 180)).map(
        lambda pair: Cycle("custom", pair[0], pair[0] + timedelta(days=pair[1]))
    )
    return st.one_of(
        st.builds(Cycle.quarter, years, st.integers(1, 4)),
        st.builds(Cycle.year, years),
        st.builds(lambda y, m: Cycle.fiscal_year(y, start_month=m), years, st.integers(1, 12)),
        custom,
    )


def check_ins(values: st.SearchStrategy[Any] | None = None) -> st.SearchStrategy[CheckIn]:
    """Check-ins dated 2020..2030, with an optional confidence and note."""
    return st.builds(
        CheckIn,
        numbers() if values is None else values,
        days(),
        st.none() | confidence_ratings(),
        st.sampled_from(["", "on plan", "blocked by hiring"]),
    )


# Strategies are built once and reused: hypothesis validates every new strategy object, and
# building them inside each draw costs more than the drawing itself.
_TITLES = st.sampled_from(["Grow revenue", "Cut churn", "Ship v2", "Hire", "NPS"])
_KEY_RESULT_WEIGHTS = st.floats(0.1, 5.0)
_ENDS = numbers(low=-1000, high=1000)
_VALUES = numbers(low=-2000, high=2000)
_PLANS = st.lists(st.tuples(days(), _VALUES), max_size=3, unique_by=lambda point: point[0])
_ZONE_SHARES = st.lists(st.floats(0.05, 1.0), min_size=2, max_size=2)
_ZONES = st.sampled_from(list(Zone))
_MILESTONE_WEIGHTS = st.floats(0.5, 3.0)
_THRESHOLDS = numbers(low=-100, high=100)
_ORDINAL_TARGETS = st.none() | st.just("the team's aim")


@functools.cache
def _check_in_lists(values: st.SearchStrategy[Any]) -> st.SearchStrategy[list[CheckIn]]:
    return st.lists(check_ins(values), max_size=6)


_CHECK_INS = MappingProxyType(
    {
        KeyResultKind.METRIC: _check_in_lists(_VALUES),
        KeyResultKind.BINARY: _check_in_lists(st.booleans()),
        KeyResultKind.THRESHOLD: _check_in_lists(numbers(low=-200, high=200)),
        KeyResultKind.ZONED: _check_in_lists(_VALUES),
        KeyResultKind.ORDINAL: _check_in_lists(_ZONES),
    }
)


@functools.cache
def _done_steps(count: int) -> st.SearchStrategy[list[CheckIn]]:
    return _check_in_lists(st.integers(0, count))


def key_results(
    *, kinds: Sequence[KeyResultKind] = tuple(KeyResultKind)
) -> st.SearchStrategy[KeyResult]:
    """Key results of the given kinds, with up to 6 check-ins valid for their kind.

    Metric key results have a plan of up to 3 dated values, or none. Kinds may be given
    by value (`kinds=["metric"]`).
    """
    return _key_results(tuple(KeyResultKind(kind) for kind in kinds))


@functools.cache
def _key_results(kinds: tuple[KeyResultKind, ...]) -> st.SearchStrategy[KeyResult]:
    return _draw_key_result(st.sampled_from(kinds))


@st.composite
def _draw_key_result(draw: st.DrawFn, kinds: st.SearchStrategy[KeyResultKind]) -> KeyResult:
    kind = draw(kinds)
    title = draw(_TITLES)
    weight = draw(_KEY_RESULT_WEIGHTS)
    if kind is KeyResultKind.METRIC:
        start = draw(_ENDS)
        target = draw(_ENDS)
        assume(target != start)
        plan = draw(_PLANS)
        base = KeyResult.metric(title, start=start, target=target, plan=plan, weight=weight)
        entries = _CHECK_INS[kind]
    elif kind is KeyResultKind.BINARY:
        base = KeyResult.binary(title, done=draw(st.booleans()), weight=weight)
        entries = _CHECK_INS[kind]
    elif kind is KeyResultKind.THRESHOLD:
        base = KeyResult.threshold(
            title,
            threshold=draw(_THRESHOLDS),
            above=draw(st.booleans()),
            inclusive=draw(st.booleans()),
            weight=weight,
        )
        entries = _CHECK_INS[kind]
    elif kind is KeyResultKind.ZONED:
        baseline = draw(_ENDS)
        stretch = draw(_ENDS)
        assume(stretch != baseline)
        commit, target = sorted(draw(_ZONE_SHARES))
        span = stretch - baseline
        explicit = draw(st.booleans())  # both values given, or both the default shares
        base = KeyResult.zoned(
            title,
            baseline=baseline,
            stretch=stretch,
            commit=baseline + commit * span if explicit else None,
            target=baseline + target * span if explicit else None,
            weight=weight,
        )
        entries = _CHECK_INS[kind]
    elif kind is KeyResultKind.ORDINAL:
        base = KeyResult.ordinal(title, target=draw(_ORDINAL_TARGETS))
        entries = _CHECK_INS[kind]
    else:
        count = draw(st.integers(1, 5))
        steps = [(f"step {i}", draw(_MILESTONE_WEIGHTS)) for i in range(count)]
        base = KeyResult.milestones(title, milestones=steps, weight=weight)
        entries = _done_steps(count)
    return KeyResult(base.title, base.measure, weight=base.weight, check_ins=draw(entries))


_INITIATIVE_TITLES = st.sampled_from(["Referral program", "Hire a recruiter", "Launch ads"])
_INITIATIVE_STATUSES = st.sampled_from(list(InitiativeStatus))
_OWNERS = st.none() | st.just("growth team")
_SHARES = st.none() | st.floats(0.0, 1.0)
_MAYBE_DAYS = st.none() | days()


def initiatives(*, key_result_ids: Sequence[str] = ()) -> st.SearchStrategy[Initiative]:
    """Initiatives in any status, with or without progress and dates.

    Each drives some of `key_result_ids`.
    """
    return _initiatives(tuple(key_result_ids))


@functools.cache
def _initiatives(key_result_ids: tuple[str, ...]) -> st.SearchStrategy[Initiative]:
    links = (
        st.lists(st.sampled_from(key_result_ids), unique=True).map(tuple)
        if key_result_ids
        else st.just(())
    )
    return _draw_initiative(links)


@st.composite
def _draw_initiative(draw: st.DrawFn, links: st.SearchStrategy[tuple[str, ...]]) -> Initiative:
    start = draw(_MAYBE_DAYS)
    end = None if start is None or draw(st.booleans()) else start + timedelta(days=30)
    return Initiative(
        draw(_INITIATIVE_TITLES),
        owner=draw(_OWNERS),
        status=draw(_INITIATIVE_STATUSES),
        progress=draw(_SHARES),
        start=start,
        end=end,
        key_result_ids=draw(links),
    )


@functools.cache
def _initiative_lists(count: int) -> st.SearchStrategy[list[Initiative]]:
    return st.lists(initiatives(key_result_ids=[f"kr-{i}" for i in range(count)]), max_size=2)


_OBJECTIVE_TITLES = st.sampled_from(["Win the market", "Delight customers", "Grow the team"])
_COMMITMENTS = st.sampled_from(list(Commitment))
_LEVELS = st.sampled_from(list(Level))
_IDS = st.from_regex(r"[a-z]{1,8}", fullmatch=True)


def objectives(*, max_key_results: int = 5) -> st.SearchStrategy[Objective]:
    """Objectives with 0..`max_key_results` key results (unique ids) and a cycle.

    Each has up to 2 initiatives linked to some of its key results.
    """
    return _objectives(max_key_results)


@functools.cache
def _objectives(max_key_results: int) -> st.SearchStrategy[Objective]:
    return _draw_objective(st.lists(key_results(), max_size=max_key_results))


@functools.cache
def _cycles() -> st.SearchStrategy[Cycle]:
    return cycles()


@st.composite
def _draw_objective(
    draw: st.DrawFn, key_result_lists: st.SearchStrategy[list[KeyResult]]
) -> Objective:
    items = draw(key_result_lists)
    unique = [
        KeyResult(kr.title, kr.measure, weight=kr.weight, id=f"kr-{i}", check_ins=kr.check_ins)
        for i, kr in enumerate(items)
    ]
    work = draw(_initiative_lists(len(unique)))
    return Objective(
        draw(_OBJECTIVE_TITLES),
        unique,
        commitment=draw(_COMMITMENTS),
        level=draw(_LEVELS),
        cycle=draw(_cycles()),
        id=draw(_IDS),
        initiatives=[attrs.evolve(item, id=f"work-{i}") for i, item in enumerate(work)],
    )


_ALIGNMENT_WEIGHTS = st.sampled_from([0.0, 0.5, 1.0, 2.0])


@functools.cache
def _parents(count: int) -> st.SearchStrategy[int | None]:
    return st.none() | st.integers(0, count - 1)


def trees(*, max_objectives: int = 12) -> st.SearchStrategy[AlignmentTree]:
    """Alignment trees of up to `max_objectives` objectives of every kind.

    Each objective aligns to an earlier one or to none, sometimes to one of its key
    results, with an `alignment_weight` of 0, 0.5, 1 or 2.
    """
    return _trees(max_objectives)


@functools.cache
def _trees(max_objectives: int) -> st.SearchStrategy[AlignmentTree]:
    return _draw_tree(st.integers(1, max_objectives))


@st.composite
def _draw_tree(draw: st.DrawFn, counts: st.SearchStrategy[int]) -> AlignmentTree:
    built: list[Objective] = []
    for index in range(draw(counts)):
        objective = draw(objectives(max_key_results=3))
        parent = draw(_parents(index)) if index else None
        parent_key_result = None
        if parent is not None and built[parent].key_results and draw(st.booleans()):
            links = built[parent].key_results
            parent_key_result = links[draw(st.integers(0, len(links) - 1))].id
        built.append(
            attrs.evolve(
                objective,
                id=f"o{index}",
                parent_id=None if parent is None else f"o{parent}",
                parent_key_result_id=parent_key_result,
                alignment_weight=draw(_ALIGNMENT_WEIGHTS),
            )
        )
    return AlignmentTree(built)


_PARENT_COUNTS = st.sampled_from([0, 1, 1, 2, 2, 3])


@functools.cache
def _parent_sets(count: int, size: int) -> st.SearchStrategy[list[int]]:
    """`size` distinct positions among the first `count` objectives."""
    return st.lists(st.integers(0, max(count - 1, 0)), min_size=size, max_size=size, unique=True)


def dags(*, max_objectives: int = 12) -> st.SearchStrategy[AlignmentTree]:
    """Alignment graphs of up to `max_objectives` objectives, some with several parents.

    Like `trees`, but an objective aligns to none, one, two or three earlier objectives
    (one in three has two or three), each link with a weight of 0, 0.5, 1 or 2 (not all
    0) and sometimes driving one of that parent's key results.
    """
    return _dags(max_objectives)


@functools.cache
def _dags(max_objectives: int) -> st.SearchStrategy[AlignmentTree]:
    return _draw_dag(st.integers(1, max_objectives))


@st.composite
def _draw_dag(draw: st.DrawFn, counts: st.SearchStrategy[int]) -> AlignmentTree:
    built: list[Objective] = []
    for index in range(draw(counts)):
        objective = draw(objectives(max_key_results=3))
        count = min(draw(_PARENT_COUNTS), index)
        chosen = draw(_parent_sets(index, count))
        links = {f"o{parent}": draw(_ALIGNMENT_WEIGHTS) for parent in chosen}
        if len(links) > 1 and not any(links.values()):
            links[f"o{chosen[0]}"] = 1.0  # several parents: not every weight 0
        driven = {}
        for parent in chosen:
            drivable = built[parent].key_results
            if len(drivable) > 0 and draw(st.booleans()):
                driven[f"o{parent}"] = drivable[draw(st.integers(0, len(drivable) - 1))].id
        built.append(
            attrs.evolve(objective, id=f"o{index}", parents=links, parent_key_results=driven)
        )
    return AlignmentTree(built)


def measurements() -> st.SearchStrategy[Measurement]:
    """Measurements dated 2020..2030."""
    return st.builds(Measurement, numbers(), days())


def kpis() -> st.SearchStrategy[KPI]:
    """KPIs with a number target, an optional warning on the worse side, and measurements."""
    return _kpis()


@functools.cache
def _kpis() -> st.SearchStrategy[KPI]:
    return _draw_kpi(
        st.lists(measurements(), max_size=8, unique_by=lambda m: m.at),
        st.none() | st.floats(0.5, 500),
        st.none() | st.sampled_from(list(Frequency)),
        st.none() | st.sampled_from(list(Indicator)),
    )


@st.composite
def _draw_kpi(
    draw: st.DrawFn,
    measurement_lists: st.SearchStrategy[list[Measurement]],
    gaps: st.SearchStrategy[float | None],
    frequencies: st.SearchStrategy[Frequency | None],
    indicators: st.SearchStrategy[Indicator | None],
) -> KPI:
    target = draw(_ENDS)
    higher = draw(st.booleans())
    gap = draw(gaps)
    warning = None if gap is None else (target - gap if higher else target + gap)
    return KPI(
        "kpi",
        target=target,
        higher_is_better=higher,
        warning=warning,
        frequency=draw(frequencies),
        indicator=draw(indicators),
        measurements=draw(measurement_lists),
    )


# -- the strategy test kit ----------------------------------------------------------------


def _current_values(kind: KeyResultKind) -> st.SearchStrategy[Any]:
    if kind is KeyResultKind.ORDINAL:
        return st.sampled_from(list(Zone))
    return numbers(low=-2000, high=2000)


def _better(measure: Any, current: Any, step: float) -> Any:
    """`current` moved `step` in the better direction for `measure` (a zone moves one up)."""
    if isinstance(measure, Ordinal):
        return Zone(min(int(current) + 1, Zone.STRETCH))
    if isinstance(measure, Zoned):
        return current + step if measure.stretch > measure.baseline else current - step
    assert isinstance(measure, Metric)
    return current + step if measure.target > measure.start else current - step


def _kit_settings(max_examples: int, shrink: bool) -> settings:
    # Shrinking finds the smallest failing example: worth it for a user, not in a test
    # that only checks the kit notices a broken strategy.
    phases = tuple(Phase) if shrink else (Phase.explicit, Phase.reuse, Phase.generate)
    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        report_multiple_bugs=False,
        phases=phases,
    )


def check_scorer(
    scorer: KeyResultScorer,
    *,
    kind: KeyResultKind = KeyResultKind.METRIC,
    max_examples: int = 200,
    shrink: bool = True,
) -> None:
    """Check a key-result scorer against the contract, on key results of `kind`.

    For a current value, and for None (no check-in yet): progress is a finite number;
    the clamped value is in [0, 1]; the same input gives the same output; the formula
    is non-empty; and a `NumericScorer`'s `progress_only` gives exactly the progress of
    a full call. If `scorer.monotone`, moving the current value in the better direction
    (from start towards target and beyond; for zoned key results towards stretch; for
    ordinal ones a zone up) never lowers progress.

    `kind` is METRIC (default), ZONED or ORDINAL. `shrink=False` skips searching for the
    smallest failing example (faster).

    Raises:
        AssertionError: With the falsifying example, if the scorer breaks the contract.
    """
    assert isinstance(scorer, KeyResultScorer), f"{scorer!r} does not follow KeyResultScorer"
    kind = KeyResultKind(kind)
    supported = (KeyResultKind.METRIC, KeyResultKind.ZONED, KeyResultKind.ORDINAL)
    assert kind in supported, f"the kit checks {', '.join(k.value for k in supported)} scorers"

    @_kit_settings(max_examples, shrink)
    # None is "no check-in yet", which every scorer is handed before the first check-in.
    @given(key_results(kinds=[kind]), st.none() | _current_values(kind), st.floats(0, 1000))
    def contract(key_result: KeyResult, current: float | None, step: float) -> None:
        try:
            first = scorer(key_result, current)
        except Exception as error:  # any crash breaks the contract: say for which input
            message = f"{scorer.name} raised {error!r} for current={current!r}"
            raise AssertionError(message) from error
        assert isinstance(first, Measured), f"{scorer.name} returned {first!r}"
        assert math.isfinite(first.progress), f"{scorer.name}: progress {first.progress}"
        assert 0.0 <= min(1.0, max(0.0, first.progress)) <= 1.0
        assert first.formula, f"{scorer.name}: empty formula"
        assert scorer(key_result, current) == first, f"{scorer.name} is not deterministic"
        if isinstance(scorer, NumericScorer):
            quick = scorer.progress_only(key_result, current)
            assert quick == first.progress, (
                f"{scorer.name}: progress_only gave {quick}, the full call {first.progress}"
            )
        if scorer.monotone and current is not None:
            better = _better(key_result.measure, current, step)
            later = scorer(key_result, better)
            assert later.progress >= first.progress - 1e-9, (
                f"{scorer.name}: moving {current} to {better} (the better way) "
                f"lowered progress {first.progress} -> {later.progress}"
            )

    contract()


def check_aggregator(
    aggregator: Aggregator, *, max_examples: int = 200, shrink: bool = True
) -> None:
    """Check an aggregator against the contract.

    The result lies between the smallest and largest value among parts with weight > 0;
    order of parts does not matter; zero-weight parts change nothing; a
    `NumericAggregator`'s `value_only` gives exactly the value of a full call, with or
    without zero-weight parts.

    Raises:
        AssertionError: With the falsifying example.
    """
    assert isinstance(aggregator, Aggregator), f"{aggregator!r} does not follow Aggregator"
    part = st.tuples(st.floats(0.01, 10), st.floats(0, 1))

    @_kit_settings(max_examples, shrink)
    @given(st.lists(part, min_size=1, max_size=8), st.floats(0, 1), st.randoms())
    def contract(parts: list[tuple[float, float]], extra: float, random: Any) -> None:
        result = aggregator(parts).value
        if isinstance(aggregator, NumericAggregator):
            for given in (parts, [*parts, (0.0, extra)]):
                quick, full = aggregator.value_only(given), aggregator(given).value
                assert quick == full, (
                    f"{aggregator.name}: value_only gave {quick}, the full call {full}"
                )
        values = [value for _, value in parts]
        assert min(values) - 1e-9 <= result <= max(values) + 1e-9, (
            f"{aggregator.name}: {result} outside [{min(values)}, {max(values)}]"
        )
        shuffled = list(parts)
        random.shuffle(shuffled)
        assert math.isclose(aggregator(shuffled).value, result, abs_tol=1e-9)
        padded = [*parts, (0.0, extra)]
        assert math.isclose(aggregator(padded).value, result, abs_tol=1e-9), (
            f"{aggregator.name}: a zero-weight part changed the result"
        )

    contract()


def check_grader(grader: Grader, *, max_examples: int = 200, shrink: bool = True) -> None:
    """Check a grader against the contract.

    Grades never fall as the value rises; "met" is monotone too; a value of 1.0 is
    always met and GREEN.

    Raises:
        AssertionError: With the falsifying example.
    """
    assert isinstance(grader, Grader), f"{grader!r} does not follow Grader"
    rank = {Grade.RED: 0, Grade.YELLOW: 1, Grade.GREEN: 2}

    @_kit_settings(max_examples, shrink)
    @given(st.floats(0, 1), st.floats(0, 1), st.sampled_from(list(Commitment)))
    def contract(a: float, b: float, commitment: Commitment) -> None:
        low, high = sorted((a, b))
        lower, higher = grader.grade(low, commitment), grader.grade(high, commitment)
        for grade in (lower, higher):
            assert grade in rank, f"{grader.name} returned {grade!r}, not a Grade"
        assert rank[lower] <= rank[higher]
        assert grader.is_met(high, commitment) or not grader.is_met(low, commitment)
        assert grader.grade(1.0, commitment) is Grade.GREEN
        assert grader.is_met(1.0, commitment)

    contract()


def check_pace_rule(rule: PaceRule, *, max_examples: int = 200, shrink: bool = True) -> None:
    """Check a pace rule against the contract.

    It answers ON_TRACK, BEHIND or AT_RISK, and a higher actual at the same expected
    never gives a worse status.

    Raises:
        AssertionError: With the falsifying example.
    """
    assert isinstance(rule, PaceRule), f"{rule!r} does not follow PaceRule"
    allowed = {Status.ON_TRACK, Status.BEHIND, Status.AT_RISK}

    @_kit_settings(max_examples, shrink)
    @given(st.floats(0, 1), st.floats(0, 0.999), st.floats(0, 0.999))
    def contract(expected: float, a: float, b: float) -> None:
        low, high = sorted((a, b))
        worse, better = rule(expected, low), rule(expected, high)
        assert worse in allowed, f"{rule.name} answered {worse}"
        assert better.severity <= worse.severity, (
            f"{rule.name}: actual {high} gave {better}, but {low} gave {worse}"
        )

    contract()
