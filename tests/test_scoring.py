"""The scoring rules of the spec, as examples and as properties."""

import math
import pickle
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from helpers import JULY, Q3, metric
from okrkpi import (
    Aggregate,
    AlignmentTree,
    Commitment,
    Cycle,
    Grade,
    KeyResult,
    Measured,
    Objective,
    Score,
    ScoringPolicy,
    Status,
    StrategyRegistry,
    UnknownStrategyError,
    ValidationError,
    score,
    status,
)
from okrkpi import strategies as builtin
from okrkpi.testing import (
    check_aggregator,
    check_grader,
    check_pace_rule,
    check_scorer,
    key_results,
    numbers,
    objectives,
)
from okrkpi.typing import NumericAggregator

# -- key results --------------------------------------------------------------------------


def test_metric_progress_formula_and_explanation():
    result = score(metric(1.6, start=1.2, target=2.0))
    assert result.value == pytest.approx(0.5)
    assert result.grade is Grade.YELLOW
    assert not result.met
    assert "(1.6 - 1.2) / (2 - 1.2)" in result.explanation
    assert "aspirational: Yellow" in result.explanation
    assert result.strategy == "linear"
    details = result.explain()
    assert details["inputs"] == {"start": 1.2, "target": 2.0, "current": 1.6}
    assert details["grade"] == "yellow"


def test_decrease_uses_the_same_formula():
    assert score(metric(2.5, start=3.0, target=2.0)).value == pytest.approx(0.5)
    assert score(metric(3.5, start=3.0, target=2.0)).progress == pytest.approx(-0.5)


def test_overachievement_stays_visible_in_progress():
    result = score(metric(150, target=100))
    assert result.progress == pytest.approx(1.5)
    assert result.value == 1.0


def test_no_check_in_means_current_is_start():
    result = score(metric(start=10, target=20))
    assert (result.value, result.progress) == (0.0, 0.0)
    assert "no check-in yet: current = start" in result.explanation


def test_binary():
    kr = KeyResult.binary("Launch 2.0 version of website")
    assert score(kr).value == 0.0
    assert score(kr.check_in(True, at=JULY)).value == 1.0
    assert score(KeyResult.binary("x", done=True)).value == 1.0
    assert score(kr.check_in(1, at=JULY).check_in(0, at=JULY + timedelta(1))).value == 0.0


@pytest.mark.parametrize(
    ("above", "inclusive", "current", "expected"),
    [
        (True, False, 10.0, 0.0),
        (True, False, 10.1, 1.0),
        (True, True, 10.0, 1.0),
        (False, False, 10.0, 0.0),
        (False, False, 9.9, 1.0),
        (False, True, 10.0, 1.0),
        (True, True, 9.9, 0.0),
    ],
)
def test_threshold(above, inclusive, current, expected):
    kr = KeyResult.threshold("t", threshold=10.0, above=above, inclusive=inclusive)
    assert score(kr.check_in(current, at=JULY)).value == expected


def test_threshold_without_check_in_scores_zero():
    result = score(KeyResult.threshold("t", threshold=1))
    assert result.value == 0.0
    assert "no check-in yet" in result.explanation


def test_milestones_weighted_share():
    kr = KeyResult.milestones("Ship", milestones=["a", "b", ("c", 2.0)])
    assert score(kr).value == 0.0
    assert score(kr.check_in(2, at=JULY)).value == pytest.approx(0.5)
    assert score(kr.check_in(3, at=JULY)).value == 1.0


# -- grades -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "aspirational", "committed"),
    [
        (0.0, Grade.RED, Grade.RED),
        (0.39, Grade.RED, Grade.RED),
        (0.4, Grade.YELLOW, Grade.RED),
        (0.69, Grade.YELLOW, Grade.RED),
        (0.7, Grade.GREEN, Grade.YELLOW),
        (0.99, Grade.GREEN, Grade.YELLOW),
        (1.0, Grade.GREEN, Grade.GREEN),
    ],
)
def test_google_bands(value, aspirational, committed):
    grader = builtin.google_grader()
    assert grader.grade(value, Commitment.ASPIRATIONAL) is aspirational
    assert grader.grade(value, Commitment.COMMITTED) is committed
    assert grader.is_met(value, Commitment.ASPIRATIONAL) is (value >= 0.7)
    assert grader.is_met(value, Commitment.COMMITTED) is (value >= 1.0)


def test_committed_objective_is_met_only_at_one():
    kr = metric(9, target=10)
    committed = Objective("Ship", [kr], commitment=Commitment.COMMITTED)
    aspirational = Objective("Ship", [kr])
    assert not score(committed).met
    assert score(committed).grade is Grade.YELLOW
    assert score(aspirational).met
    assert score(aspirational).grade is Grade.GREEN
    assert score(kr, commitment=Commitment.COMMITTED).grade is Grade.YELLOW


# -- objectives ---------------------------------------------------------------------------


def test_objective_weighted_mean():
    objective = Objective(
        "Grow", [metric(10, target=10), KeyResult.binary("b", weight=3)]
    )  # 1.0 x1, 0.0 x3
    result = score(objective)
    assert result.value == pytest.approx(0.25)
    assert [part.value for part in result.parts] == [1.0, 0.0]
    assert result.strategy == "weighted_mean"


def test_objective_without_key_results_scores_zero_and_says_so():
    result = score(Objective("Grow"))
    assert result.value == 0.0
    assert "no key results" in result.explanation


def test_zero_weight_key_result_does_not_count():
    base = Objective("Grow", [metric(5, target=10)])
    padded = base.with_key_result(KeyResult.binary("ignored", weight=0))
    assert score(padded).value == score(base).value


def test_aggregator_by_name_or_instance():
    objective = Objective("Grow", [metric(2, target=10), KeyResult.binary("b")])
    assert score(objective, aggregator="minimum").value == 0.0
    assert score(objective, aggregator=builtin.minimum()).value == 0.0
    geometric = score(Objective("g", [metric(4, target=10), KeyResult.binary("b", done=True)]),
                      aggregator="weighted_geometric_mean")  # fmt: skip
    assert geometric.value == pytest.approx(math.sqrt(0.4))
    with pytest.raises(UnknownStrategyError, match="known: minimum, weighted_geometric_mean"):
        score(objective, aggregator="median")


def test_overachievement_counts_when_the_policy_says_so():
    objective = Objective("Grow", [metric(15, 15, target=10, id="a"), metric(5, target=10, id="b")])
    assert score(objective).value == pytest.approx(0.75)
    generous = ScoringPolicy(overachievement_cap=1.5)
    assert score(objective, policy=generous).value == pytest.approx(1.0)
    capped = ScoringPolicy(overachievement_cap=1.2)
    assert score(objective, policy=capped).progress == pytest.approx(0.85)


def test_score_rejects_other_subjects():
    with pytest.raises(ValidationError, match="score.subject"):
        score("objective")
    with pytest.raises(ValidationError, match="commitment"):
        score(metric(target=1), commitment="promised")
    assert score(metric(1, target=1), commitment="committed").met  # by name, as everywhere
    with pytest.raises(ValidationError, match="policy"):
        score(metric(target=1), policy="default")


# -- status -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "current", "expected"),
    [
        (date(2026, 6, 30), 0, Status.NOT_STARTED),
        (date(2026, 6, 30), 100, Status.ACHIEVED),
        (date(2026, 7, 1), 0, Status.ON_TRACK),
        (date(2026, 8, 15), 50, Status.ON_TRACK),  # E=0.495, A=0.5
        (date(2026, 8, 15), 30, Status.BEHIND),  # gap 0.195
        (date(2026, 8, 15), 24, Status.AT_RISK),  # gap 0.255
        (date(2026, 9, 29), 74, Status.BEHIND),  # gap 0.249
        (date(2026, 9, 29), 73, Status.AT_RISK),  # gap 0.259
        # From the last day on the status is final: met (aspirational >= 0.7) or missed.
        (date(2026, 9, 30), 75, Status.ACHIEVED),
        (date(2026, 9, 30), 69, Status.MISSED),
        (date(2027, 1, 15), 100, Status.ACHIEVED),
        (date(2027, 1, 15), 10, Status.MISSED),
    ],
)
def test_gap_rule(as_of, current, expected):
    kr = KeyResult.metric("m", start=0, target=100).check_in(current, at=date(2026, 6, 1))
    assert status(kr, Q3, as_of=as_of) is expected


def test_the_gap_rule_is_behind_at_a_gap_of_exactly_a_quarter():
    assert builtin.gap_pace()(0.75, 0.5) is Status.BEHIND
    assert builtin.gap_pace()(0.75, 0.4999) is Status.AT_RISK


def test_ratio_rule():
    kr = KeyResult.metric("m", start=0, target=100).check_in(40, at=date(2026, 6, 1))
    as_of = date(2026, 8, 15)  # expected 0.495 -> ratio 0.81
    assert status(kr, Q3, as_of=as_of) is Status.BEHIND
    assert status(kr, Q3, as_of=as_of, pace="ratio") is Status.BEHIND
    assert status(kr.check_in(48, at=JULY), Q3, as_of=as_of, pace="ratio") is Status.ON_TRACK
    assert status(kr.check_in(30, at=JULY), Q3, as_of=as_of, pace="ratio") is Status.AT_RISK
    assert builtin.ratio_pace()(0.0, 0.0) is Status.ON_TRACK


def test_objective_status_is_its_worst_key_result():
    good = KeyResult.binary("done", done=True)
    late = KeyResult.metric("late", start=0, target=100).check_in(10, at=JULY)
    objective = Objective("Grow", [good, late], cycle=Q3)
    assert status(objective, as_of=date(2026, 8, 15)) is Status.AT_RISK
    assert status(Objective("Grow", [good], cycle=Q3), as_of=date(2026, 8, 15)) is Status.ACHIEVED
    assert status(Objective("Empty", cycle=Q3), as_of=date(2026, 6, 1)) is Status.NOT_STARTED
    assert status(Objective("Empty", cycle=Q3), as_of=date(2026, 9, 1)) is Status.AT_RISK


def test_status_needs_a_cycle():
    with pytest.raises(ValidationError, match="status.cycle"):
        status(Objective("Grow"), as_of=JULY)
    with pytest.raises(ValidationError, match="status.cycle"):
        status(metric(target=1), as_of=JULY)
    with pytest.raises(ValidationError, match="status.as_of"):
        status(metric(target=1), Cycle.year(2026), as_of="2026-07-01")
    with pytest.raises(ValidationError, match="status.subject"):
        status(3, Cycle.year(2026), as_of=JULY)


def test_strategy_factories_validate():
    with pytest.raises(ValidationError, match="yellow < green"):
        builtin.google_grader(yellow=0.8, green=0.7)
    with pytest.raises(ValidationError, match="at_risk_gap"):
        builtin.gap_pace(at_risk_gap=0)
    with pytest.raises(ValidationError, match="behind < on_track"):
        builtin.ratio_pace(on_track=0.5, behind=0.6)
    with pytest.raises(ValidationError, match="children_share"):
        builtin.key_results_and_children(children_share=1.0)


def test_scorers_reject_the_wrong_kind():
    for scorer in (builtin.linear_metric(), builtin.threshold_scorer(), builtin.milestone_share()):
        with pytest.raises(ValidationError, match="measure"):
            scorer(KeyResult.binary("x"), None)
    with pytest.raises(ValidationError, match="measure"):
        builtin.binary_scorer()(metric(target=1), None)


def test_policy_validation_and_named():
    with pytest.raises(ValidationError, match="ScoringPolicy.aggregator"):
        ScoringPolicy(aggregator=min)
    with pytest.raises(ValidationError, match="overachievement_cap"):
        ScoringPolicy(overachievement_cap=0.9)
    with pytest.raises(ValidationError, match="overachievement_cap"):
        ScoringPolicy(overachievement_cap=float("inf"))
    with pytest.raises(ValidationError, match="KeyResultKind"):
        ScoringPolicy(scorers={"percent": builtin.linear_metric()})
    with pytest.raises(ValidationError, match="KeyResultScorer"):
        ScoringPolicy(scorers={"metric": abs})
    with pytest.raises(ValidationError, match="mapping"):
        ScoringPolicy(scorers=[builtin.linear_metric()])
    policy = ScoringPolicy.named(
        aggregator="minimum", grader="google", pace="ratio", rollup="children",
        scorers={"metric": "linear"},
    )  # fmt: skip
    assert (policy.aggregator.name, policy.pace.name, policy.rollup.name) == (
        "minimum", "ratio", "children"
    )  # fmt: skip
    assert policy.scorer_for(KeyResult.binary("x").kind).name == "binary"


def test_builtins_pass_the_strategy_test_kit():
    check_scorer(builtin.linear_metric(), max_examples=60)
    for aggregator in (
        builtin.weighted_mean(),
        builtin.minimum(),
        builtin.weighted_geometric_mean(),
    ):
        check_aggregator(aggregator, max_examples=60)
    check_grader(builtin.google_grader(), max_examples=60)
    check_grader(builtin.google_grader(yellow=0.3, green=0.6), max_examples=60)
    check_pace_rule(builtin.gap_pace(), max_examples=60)
    check_pace_rule(builtin.ratio_pace(), max_examples=60)


def test_test_kit_catches_a_broken_scorer():
    @attrs.frozen
    class Backwards:
        name: str = "backwards"
        monotone: bool = True

        def __call__(self, key_result, current):
            return builtin.linear_metric()(key_result, None if current is None else -current)

    with pytest.raises(AssertionError, match="lowered progress"):
        check_scorer(Backwards(), max_examples=50, shrink=False)


def test_test_kit_catches_a_scorer_that_cannot_score_before_the_first_check_in():
    @attrs.frozen
    class Careless:
        name: str = "careless"
        monotone: bool = True

        def __call__(self, key_result, current):
            return builtin.linear_metric()(key_result, float(current))  # None: TypeError

    with pytest.raises(AssertionError, match=r"careless raised TypeError.*current=None"):
        check_scorer(Careless(), max_examples=50, shrink=False)


def test_test_kit_says_a_grade_that_is_not_a_grade_is_not_one():
    @attrs.frozen
    class Words:
        name: str = "words"

        def grade(self, value, commitment):
            return "green"

        def is_met(self, value, commitment):
            return value >= 0.7

    with pytest.raises(AssertionError, match="words returned 'green', not a Grade"):
        check_grader(Words(), max_examples=20, shrink=False)


def test_a_strategy_cannot_hand_back_a_number_that_is_not_finite():
    with pytest.raises(ValidationError, match=r"Measured\.progress: expected a finite number"):
        Measured(float("nan"), "?")
    with pytest.raises(ValidationError, match=r"Measured\.progress"):
        Measured("x", "x")
    with pytest.raises(ValidationError, match=r"Aggregate\.value"):
        Aggregate(float("inf"), "?")
    assert Measured(1, "1").progress.__class__ is float


def test_test_kit_catches_a_broken_aggregator_and_grader():
    @attrs.frozen
    class Sum:
        name: str = "sum"

        def __call__(self, parts):
            return builtin.weighted_mean()([(1.0, sum(v for _, v in parts))])

    with pytest.raises(AssertionError, match="outside|zero-weight"):
        check_aggregator(Sum(), max_examples=50, shrink=False)

    @attrs.frozen
    class Upside:
        name: str = "upside"

        def grade(self, value, commitment):
            return Grade.GREEN if value < 0.5 else Grade.RED

        def is_met(self, value, commitment):
            return True

    with pytest.raises(AssertionError):
        check_grader(Upside(), max_examples=50, shrink=False)


@pytest.mark.parametrize(
    "aggregator",
    [builtin.weighted_mean(), builtin.minimum(), builtin.weighted_geometric_mean()],
    ids=lambda aggregator: aggregator.name,
)
def test_only_zero_weights_aggregate_to_zero_both_ways(aggregator):
    parts = [(0.0, 0.8), (0.0, 0.4)]
    assert aggregator(parts) == Aggregate(0.0, "no parts with weight > 0")
    assert aggregator.value_only(parts) == 0.0


def test_test_kit_catches_fast_paths_that_disagree_with_the_full_call():
    @attrs.frozen
    class Hasty:
        name: str = "hasty"
        monotone: bool = True

        def __call__(self, key_result, current):
            return builtin.linear_metric()(key_result, current)

        def progress_only(self, key_result, current):
            return round(self(key_result, current).progress, 1)

    with pytest.raises(AssertionError, match="progress_only gave"):
        check_scorer(Hasty(), max_examples=50, shrink=False)

    @attrs.frozen
    class Rounded:
        name: str = "rounded"

        def __call__(self, parts):
            return builtin.weighted_mean()(parts)

        def value_only(self, parts):
            return round(self(parts).value, 1)

    with pytest.raises(AssertionError, match="value_only gave"):
        check_aggregator(Rounded(), max_examples=50, shrink=False)

    @attrs.frozen
    class CarelessMinimum:
        # The fast path forgets to leave out zero-weight parts.
        name: str = "careless"

        def __call__(self, parts):
            return builtin.minimum()(parts)

        def value_only(self, parts):
            return min(value for _, value in parts)

    assert isinstance(CarelessMinimum(), NumericAggregator)
    with pytest.raises(AssertionError, match="value_only gave"):
        check_aggregator(CarelessMinimum(), max_examples=50, shrink=False)


# -- properties ---------------------------------------------------------------------------


@given(key_results())
def test_value_is_progress_clamped(kr):
    result = score(kr)
    assert 0.0 <= result.value <= 1.0
    assert result.value == min(1.0, max(0.0, result.progress))
    assert result.explanation


@given(objectives())
def test_objective_value_between_min_and_max_of_weighted_parts(objective):
    result = score(objective)
    values = [p.value for p, kr in zip(result.parts, objective.key_results, strict=True)
              if kr.weight > 0]  # fmt: skip
    if values:
        assert min(values) - 1e-9 <= result.value <= max(values) + 1e-9
    else:
        assert result.value == 0.0


@given(numbers(low=-100, high=100), numbers(low=-100, high=100), numbers(low=-300, high=300),
       st.floats(0, 100))  # fmt: skip
def test_metric_monotone_in_the_better_direction(start, target, current, step):
    assume(start != target)
    better = current + step if target > start else current - step
    kr = KeyResult.metric("m", start=start, target=target)
    before = score(kr.check_in(current, at=JULY))
    after = score(kr.check_in(better, at=JULY))
    assert after.progress >= before.progress - 1e-9
    assert after.value >= before.value


@given(numbers(low=-100, high=100), numbers(low=-100, high=100), numbers(low=-300, high=300))
def test_increase_and_decrease_are_symmetric(start, target, current):
    assume(start != target)
    up = KeyResult.metric("m", start=start, target=target).check_in(current, at=JULY)
    down = KeyResult.metric("m", start=-start, target=-target).check_in(-current, at=JULY)
    assert score(up).progress == pytest.approx(score(down).progress)


@given(key_results(), st.integers(0, 4000))
def test_time_travel_after_last_check_in_equals_latest(kr, days_after):
    last = kr.check_ins[-1].at if kr.check_ins else date(2026, 1, 1)
    later = last + timedelta(days=days_after)
    assume(later.year < 2200)
    assert score(kr, as_of=later) == score(kr)


@given(key_results())
def test_time_travel_before_first_check_in_is_the_baseline(kr):
    before = date(2019, 12, 31)
    stripped = attrs.evolve(kr, check_ins=())
    assert score(kr, as_of=before) == score(stripped)


@given(
    objectives(), st.sampled_from(["gap", "ratio"]), st.dates(date(2019, 1, 1), date(2032, 1, 1))
)
def test_status_is_worst_of_key_results(objective, pace, as_of):
    result = status(objective, as_of=as_of, pace=pace)
    if as_of >= objective.cycle.end:  # final: from the objective's own score
        met = score(objective, as_of=as_of).met
        assert result is (Status.ACHIEVED if met else Status.MISSED)
    elif objective.key_results:
        each = [status(kr, objective.cycle, as_of=as_of, pace=pace) for kr in objective.key_results]
        worst = max(each, key=lambda s: s.severity)
        assert result.severity == worst.severity
    elif as_of < objective.cycle.start:
        assert result is Status.NOT_STARTED


# -- explanations, pinned -----------------------------------------------------------------

UPTIME = KeyResult.threshold("Uptime", threshold=99.9, id="uptime")
LATENCY = KeyResult.threshold("Latency", threshold=200, above=False, inclusive=True, id="lat")
LAUNCH = KeyResult.binary("Launch", id="launch")
SHIP = KeyResult.milestones("Ship", milestones=[("Alpha", 1), ("Beta", 2), ("GA", 3)], id="ship")
CHURN = KeyResult.metric("Churn", start=3.0, target=2.0, id="churn")


@pytest.mark.parametrize(
    ("scorer", "key_result", "current", "expected"),
    [
        (
            builtin.threshold_scorer(),
            UPTIME,
            None,
            Measured(0.0, "no value", {"threshold": 99.9}, "no check-in yet"),
        ),
        (
            builtin.threshold_scorer(),
            UPTIME,
            99.95,
            Measured(1.0, "99.95 > 99.9 is True", {"threshold": 99.9, "current": 99.95}),
        ),
        (
            builtin.threshold_scorer(),
            UPTIME,
            99.9,
            Measured(0.0, "99.9 > 99.9 is False", {"threshold": 99.9, "current": 99.9}),
        ),
        (
            builtin.threshold_scorer(),
            LATENCY,
            200,
            Measured(1.0, "200 <= 200 is True", {"threshold": 200, "current": 200}),
        ),
        (
            builtin.threshold_scorer(),
            LATENCY,
            201,
            Measured(0.0, "201 <= 200 is False", {"threshold": 200, "current": 201}),
        ),
        (
            builtin.binary_scorer(),
            LAUNCH,
            None,
            Measured(0.0, "not done", {"done": False}, "no check-in yet: initial state"),
        ),
        (
            builtin.binary_scorer(),
            KeyResult.binary("L", done=True),
            None,
            Measured(1.0, "done", {"done": True}, "no check-in yet: initial state"),
        ),
        (builtin.binary_scorer(), LAUNCH, True, Measured(1.0, "done", {"done": True})),
        (builtin.binary_scorer(), LAUNCH, 0, Measured(0.0, "not done", {"done": False})),
        (
            builtin.milestone_share(),
            SHIP,
            None,
            Measured(
                0.0, "0 / 6 (0 of 3 reached)", {"reached": 0}, "no check-in yet: none reached"
            ),
        ),
        (
            builtin.milestone_share(),
            SHIP,
            2,
            Measured(0.5, "3 / 6 (2 of 3 reached)", {"reached": 2}),
        ),
        (
            builtin.linear_metric(),
            CHURN,
            None,
            Measured(
                0.0,
                "(3 - 3) / (2 - 3)",
                {"start": 3.0, "target": 2.0, "current": 3.0},
                "no check-in yet: current = start",
            ),
        ),
        (
            builtin.linear_metric(),
            CHURN,
            2.5,
            Measured(0.5, "(2.5 - 3) / (2 - 3)", {"start": 3.0, "target": 2.0, "current": 2.5}),
        ),
    ],
)
def test_scorers_explain_themselves_exactly(scorer, key_result, current, expected):
    measured = scorer(key_result, current)
    assert measured == expected
    assert measured.inputs == expected.inputs  # not part of equality
    assert scorer.progress_only(key_result, current) == expected.progress


@pytest.mark.parametrize(
    ("aggregator", "expected"),
    [
        (builtin.weighted_mean(), Aggregate(0.7000000000000001, "(0.50x1 + 0.80x2) / 3")),
        (builtin.minimum(), Aggregate(0.5, "min(0.50, 0.80)")),
        (
            builtin.weighted_geometric_mean(),
            Aggregate(0.6839903786706788, "(0.50^1 * 0.80^2)^(1/3)"),
        ),
    ],
    ids=lambda value: getattr(value, "name", ""),
)
def test_aggregators_explain_themselves_exactly(aggregator, expected):
    parts = [(1.0, 0.5), (2.0, 0.8), (0.0, 0.1)]
    assert aggregator(parts) == expected
    assert aggregator.value_only(parts) == expected.value


def test_a_zero_part_sinks_the_geometric_mean_with_its_formula():
    assert builtin.weighted_geometric_mean()([(1.0, 0.0), (1.0, 0.5)]) == Aggregate(
        0.0, "(0.00^1 * 0.50^1)^(1/2)"
    )


def test_a_committed_objective_explains_itself_exactly():
    objective = Objective(
        "Ship it",
        [CHURN.check_in(2.5, at=date(2026, 7, 1)), LAUNCH.check_in(True, at=date(2026, 7, 1))],
        id="ship-it",
        commitment=Commitment.COMMITTED,
    )
    result = score(objective)
    assert result.explain() == {
        "subject": "Objective 'ship-it'",
        "strategy": "weighted_mean",
        "formula": "(0.50x1 + 1.00x1) / 2",
        "inputs": {},
        "progress": 0.75,
        "value": 0.75,
        "commitment": "committed",
        "grader": "google",
        "grade": "yellow",
        "met": False,
        "note": "",
        "parts": [
            {
                "subject": "KeyResult 'churn'",
                "strategy": "linear",
                "formula": "(2.5 - 3) / (2 - 3)",
                "inputs": {"start": 3.0, "target": 2.0, "current": 2.5},
                "progress": 0.5,
                "value": 0.5,
                "commitment": "committed",
                "grader": "google",
                "grade": "red",
                "met": False,
                "note": "",
                "parts": [],
            },
            {
                "subject": "KeyResult 'launch'",
                "strategy": "binary",
                "formula": "done",
                "inputs": {"done": True},
                "progress": 1.0,
                "value": 1.0,
                "commitment": "committed",
                "grader": "google",
                "grade": "green",
                "met": True,
                "note": "",
                "parts": [],
            },
        ],
    }
    assert result.explanation == (
        "progress 0.75 = (0.50x1 + 1.00x1) / 2 [weighted_mean]; value 0.75; committed: Yellow; "
        "parts: KeyResult 'churn' 0.5, KeyResult 'launch' 1"
    )
    assert result.parts[1].explanation == (
        "progress 1 = done [binary]; value 1; committed: Green (met)"
    )
    assert str(result) == "Objective 'ship-it': 0.75 Yellow"


# -- named graders, explanations and policy edges -----------------------------------------


def test_score_with_a_named_grader():
    kr = metric(50, id="m")
    strict = builtin.google_grader(yellow=0.6, green=0.9)
    registry = StrategyRegistry()
    registry.register("grader", strict, name="strict")
    assert score(kr, grader="strict", registry=registry).grade is Grade.RED
    assert score(kr).grade is Grade.YELLOW


def test_explanation_keeps_whole_numbers_whole():
    big = Score(1.0, 12345, Grade.GREEN, True, "KeyResult 'x'", "linear", "12345 / 1")
    assert big.explanation.startswith("progress 12345 = 12345 / 1 [linear]")
    small = Score(0.5, 0.123456, Grade.YELLOW, False, "KeyResult 'x'", "linear", "f")
    assert small.explanation.startswith("progress 0.1235 = f")


def test_policy_edges():
    assert ScoringPolicy(overachievement_cap=1.0).overachievement_cap == 1.0
    registry = StrategyRegistry()
    registry.register("aggregator", builtin.minimum(), name="house")
    assert ScoringPolicy.named(aggregator="house", registry=registry).aggregator.name == "minimum"


def test_an_objective_without_key_results_explains_its_zero():
    result = score(Objective("Empty", id="empty", commitment=Commitment.COMMITTED))
    assert result == Score(
        value=0.0,
        progress=0.0,
        grade=Grade.RED,
        met=False,
        subject="Objective 'empty'",
        strategy="weighted_mean",
        formula="0",
        commitment=Commitment.COMMITTED,
        grader="google",
        note="no key results: scores 0.0",
    )
    tree = AlignmentTree(
        [Objective("Empty", id="empty"), Objective("C", id="c", parent_id="empty")]
    )
    rolled = tree.score(rollup="children")["empty"]
    assert rolled.note == "rolled up from 1 aligned objective"
    assert rolled.grader == "google"


def test_a_falling_metric_at_its_start_reads_zero_not_minus_zero():
    churn = KeyResult.metric("Churn", start=3.0, target=2.0, id="churn")
    assert score(churn).explanation.startswith("progress 0 = (3 - 3) / (2 - 3)")


# -- weights near the float limit ----------------------------------------------------------


def test_weights_near_the_float_limit_average_without_overflow():
    parts = [(1e308, 0.2), (1e308, 0.6), (1e308, 1.0)]
    mean = builtin.weighted_mean()
    assert mean.value_only(parts) == pytest.approx(0.6)
    combined = mean(parts)
    assert combined.value == pytest.approx(0.6)
    assert combined.formula == "(0.20x1e+308 + 0.60x1e+308 + 1.00x1e+308) / 3x1e+308"
    geometric = builtin.weighted_geometric_mean()
    assert geometric.value_only(parts) == pytest.approx((0.2 * 0.6 * 1.0) ** (1 / 3))
    assert geometric(parts).formula == "(0.20^1e+308 * 0.60^1e+308 * 1.00^1e+308)^(1/3x1e+308)"
    # Unequal huge weights keep their proportions.
    assert mean.value_only([(1.5e308, 0.0), (0.5e308, 1.0)]) == pytest.approx(0.25)
    assert mean.value_only([(1e308, 0.5), (1e-300, 1.0)]) == pytest.approx(0.5)


def test_a_capped_progress_near_the_float_limit_still_averages():
    parts = [(1.0, 1e308), (1.0, 1e308)]
    assert builtin.weighted_mean().value_only(parts) == pytest.approx(1e308)


def test_milestones_weighing_near_the_float_limit_share_without_overflow():
    kr = KeyResult.milestones(
        "Ship", milestones=[("alpha", 1e308), ("beta", 1e308), ("ga", 2e307)], id="ship"
    ).check_in(2, at=JULY)
    result = score(kr)
    assert result.progress == pytest.approx(2 / 2.2)
    assert result.formula == "2 / 2.2 (2 of 3 reached)"
    assert builtin.milestone_share().progress_only(kr, 1) == pytest.approx(1 / 2.2)


def test_children_and_key_results_share_near_the_float_limit():
    rollup = builtin.key_results_and_children(children_share=0.25)
    objective = Objective("o", [metric(100, id="a", weight=1e308)], id="o")
    parts = rollup.combine(
        objective,
        [(objective.key_results[0], 1.0), (metric(id="b", weight=1e308), 0.0)],
        [(Objective("c", id="c", alignment_weight=1e308), 0.4)],
    )
    assert [weight for weight, _ in parts] == pytest.approx([0.375, 0.375, 0.25])
    assert builtin.weighted_mean().value_only(parts) == pytest.approx(0.475)


def test_an_explanation_never_rounds_a_value_across_a_grade_edge():
    noisy = score(metric(0.31, start=0.1, target=0.4))
    assert noisy.value < 0.7  # within the tolerance: it reaches the edge, and reads so
    assert noisy.grade is Grade.GREEN
    assert "value 0.7; aspirational: Green" in noisy.explanation
    below = score(metric(69.99999, target=100))
    assert below.grade is Grade.YELLOW
    assert f"value {below.value!r}; aspirational: Yellow" in below.explanation
    third = score(metric(1, target=3))
    assert "value 0.3333;" in third.explanation  # away from an edge, four digits


def test_a_score_s_inputs_are_read_only_so_a_tree_s_kept_scores_stay_its_answers():
    kr = KeyResult.metric("Revenue", start=0, target=100, id="revenue").check_in(50, at=JULY)
    tree = AlignmentTree([Objective("Grow", [kr], id="grow")])
    inputs = tree.score()["grow"].parts[0].inputs
    changes = [
        lambda: inputs.__setitem__("current", -1.0),
        lambda: inputs.__delitem__("current"),
        lambda: inputs.update(current=-1.0),
        lambda: inputs.pop("current"),
        inputs.popitem,
        lambda: inputs.setdefault("other", 1.0),
        inputs.clear,
        lambda: inputs.__ior__({"current": -1.0}),
        lambda: inputs.__init__({"current": -1.0}),  # dict's own filling, called again
    ]
    for change in changes:
        with pytest.raises(TypeError, match="read-only"):
            change()
    kept = tree.score()["grow"].parts[0]
    assert kept.inputs == {"start": 0.0, "target": 100.0, "current": 50.0}
    assert kept.progress == 0.5
    assert pickle.loads(pickle.dumps(kept)) == kept
    assert dict(kept.inputs) | {"current": 1.0} == {"start": 0.0, "target": 100.0, "current": 1.0}
    assert type(kept.inputs).fromkeys("ab") == {"a": None, "b": None}  # a new one, not a change
    with pytest.raises(ValidationError, match=r"Measured\.inputs.*a mapping"):
        Measured(0.5, "half", ["not", "a", "mapping"])


def test_an_objective_s_explanation_names_each_key_result_with_its_value():
    revenue = KeyResult.metric("Revenue", start=0, target=100, id="revenue").check_in(50, at=JULY)
    launch = KeyResult.binary("Launch site", done=True, id="launch")
    text = score(Objective("Grow", [revenue, launch], id="grow")).explanation
    assert text.endswith("; parts: KeyResult 'revenue' 0.5, KeyResult 'launch' 1")
    assert "parts" not in score(revenue).explanation  # a key result's has no parts
