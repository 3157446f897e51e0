"""Exact error messages of the scoring engine and the alignment tree.

The bad-input catalogue checks that every error names its field; these pin the whole
message, since the message is what a user reads.
"""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from okrkpi import (
    KPI,
    AlignmentTree,
    Cycle,
    KeyResult,
    Objective,
    OkrKpiError,
    ScoringPolicy,
    StrategyRegistry,
    lint,
    score,
    status,
)
from okrkpi import strategies as builtin

DAY = date(2026, 7, 1)
METRIC = KeyResult.metric("Revenue", start=0, target=10, id="revenue")
BINARY = KeyResult.binary("Launch", id="launch")
OBJECTIVE = Objective("Grow", [METRIC], id="grow")
NOON_UTC = datetime(2026, 7, 1, 12, tzinfo=UTC)
AWARE = METRIC.check_in(3, at=NOON_UTC)

MESSAGES = [
    (
        lambda: score(METRIC, policy="default"),
        "policy: expected a ScoringPolicy or None, got 'default'",
    ),
    (
        lambda: score(METRIC, commitment="promised"),
        "score.commitment: expected a Commitment or one of 'committed', 'aspirational', got 'promised'",
    ),
    (lambda: score("grow"), "score.subject: expected a KeyResult or an Objective, got 'grow'"),
    (
        lambda: status(METRIC, Cycle.quarter(2026, 3), as_of="2026-07-01"),
        "status.as_of: expected a date or datetime, got '2026-07-01'",
    ),
    (
        lambda: status("grow", Cycle.quarter(2026, 3), as_of=DAY),
        "status.subject: expected a KeyResult or an Objective, got 'grow'",
    ),
    (
        lambda: status(OBJECTIVE, as_of=DAY),
        "status.cycle: expected a Cycle (the objective has none), got None",
    ),
    (
        lambda: builtin.linear_metric()(BINARY, None),
        "linear.key_result('launch').measure: expected a metric key result, got 'binary'",
    ),
    (
        lambda: builtin.linear_metric().progress_only(BINARY, None),
        "linear.key_result('launch').measure: expected a metric key result, got 'binary'",
    ),
    (
        lambda: builtin.binary_scorer()(METRIC, None),
        "binary.key_result('revenue').measure: expected a binary key result, got 'metric'",
    ),
    (
        lambda: builtin.binary_scorer().progress_only(METRIC, 1),
        "binary.key_result('revenue').measure: expected a binary key result, got 'metric'",
    ),
    (
        lambda: builtin.threshold_scorer()(METRIC, None),
        "threshold.key_result('revenue').measure: expected a threshold key result, got 'metric'",
    ),
    (
        lambda: builtin.threshold_scorer().progress_only(METRIC, 1),
        "threshold.key_result('revenue').measure: expected a threshold key result, got 'metric'",
    ),
    (
        lambda: builtin.milestone_share()(METRIC, None),
        "milestones.key_result('revenue').measure: expected a milestones key result, got 'metric'",
    ),
    (
        lambda: builtin.milestone_share().progress_only(METRIC, 1),
        "milestones.key_result('revenue').measure: expected a milestones key result, got 'metric'",
    ),
    (
        lambda: builtin.google_grader(yellow=0.8, green=0.7),
        "google_grader.green: expected 0 < yellow < green <= 1, got (0.8, 0.7)",
    ),
    (
        lambda: builtin.google_grader(yellow="low"),
        "google_grader.yellow: expected a number, got 'low'",
    ),
    (
        lambda: builtin.google_grader(green="high"),
        "google_grader.green: expected a number, got 'high'",
    ),
    (
        lambda: builtin.gap_pace(at_risk_gap=0),
        "gap_pace.at_risk_gap: expected a number in (0, 1], got 0.0",
    ),
    (lambda: builtin.gap_pace(at_risk_gap="x"), "gap_pace.at_risk_gap: expected a number, got 'x'"),
    (
        lambda: builtin.ratio_pace(on_track=0.5, behind=0.75),
        "ratio_pace.behind: expected 0 < behind < on_track, got (0.75, 0.5)",
    ),
    (lambda: builtin.ratio_pace(on_track="x"), "ratio_pace.on_track: expected a number, got 'x'"),
    (lambda: builtin.ratio_pace(behind="x"), "ratio_pace.behind: expected a number, got 'x'"),
    (
        lambda: builtin.key_results_and_children(children_share=1),
        "key_results_and_children.children_share: expected a share in (0, 1), got 1.0",
    ),
    (
        lambda: builtin.key_results_and_children(children_share="x"),
        "key_results_and_children.children_share: expected a number, got 'x'",
    ),
    (
        lambda: ScoringPolicy(scorers=["linear"]),
        "ScoringPolicy.scorers: expected a mapping kind -> scorer, got ['linear']",
    ),
    (
        lambda: ScoringPolicy(scorers={"ratio": builtin.linear_metric()}),
        "ScoringPolicy.scorers: expected a KeyResultKind or its value, got 'ratio'",
    ),
    (
        lambda: ScoringPolicy(scorers={"metric": "linear"}),
        "ScoringPolicy.scorers['metric']: expected a KeyResultScorer instance, got 'linear'",
    ),
    (
        lambda: ScoringPolicy(aggregator="mean"),
        "ScoringPolicy.aggregator: expected an Aggregator, got 'mean'",
    ),
    (
        lambda: ScoringPolicy(overachievement_cap="2"),
        "ScoringPolicy.overachievement_cap: expected a number, got '2'",
    ),
    (
        lambda: ScoringPolicy(overachievement_cap=True),
        "ScoringPolicy.overachievement_cap: expected a number, got True",
    ),
    (
        lambda: ScoringPolicy(overachievement_cap=float("inf")),
        "ScoringPolicy.overachievement_cap: expected a finite number, got inf",
    ),
    (
        lambda: ScoringPolicy(overachievement_cap=0.9),
        "ScoringPolicy.overachievement_cap: expected a cap >= 1.0, got 0.9",
    ),
    (
        lambda: StrategyRegistry().register("scorer", "linear"),
        "StrategyRegistry.register.strategy: expected an object following KeyResultScorer, got 'linear'",
    ),
    (
        lambda: StrategyRegistry().register("scorer", builtin.linear_metric(), name=""),
        "StrategyRegistry.register.name: expected a non-empty name, got ''",
    ),
    (
        lambda: StrategyRegistry().get("scorers", "linear"),
        "StrategyRegistry.category: expected one of scorer, aggregator, grader, pace, rollup, got 'scorers'",
    ),
    (lambda: AlignmentTree([OBJECTIVE])["nowhere"], "objective_id: unknown objective 'nowhere'"),
    (
        lambda: AlignmentTree([OBJECTIVE]).replace("grow"),
        "AlignmentTree.replace.objective: expected an Objective, got 'grow'",
    ),
    (
        lambda: AlignmentTree([OBJECTIVE]).status(DAY),
        "objectives['grow'].cycle: expected a cycle (or pass cycle=), got None",
    ),
    (lambda: lint([OBJECTIVE], as_of="today"), "lint.as_of: expected a date, got 'today'"),
    (
        lambda: lint([OBJECTIVE], as_of=DAY, stale_after=timedelta(0)),
        "lint.stale_after: expected a positive timedelta, got datetime.timedelta(0)",
    ),
    (
        lambda: lint([OBJECTIVE], as_of=DAY, stale_after=3),
        "lint.stale_after: expected a positive timedelta, got 3",
    ),
    (
        lambda: status(METRIC, "2026-Q5", as_of=DAY),
        (
            "status.cycle: expected a Cycle or a cycle name such as '2027-Q1' or 'FY2027', "
            "got '2026-Q5'"
        ),
    ),
    (
        lambda: StrategyRegistry().resolve("aggregator", builtin.google_grader()),
        (
            "strategy[aggregator]: expected an object following Aggregator, "
            "got _GoogleGrader(name='google', yellow=0.4, green=0.7, toler..."
        ),
    ),
    (
        lambda: AlignmentTree(
            [
                Objective("X", id="x", parent_id="a"),
                Objective("A", id="a", parent_id="b"),
                Objective("B", id="b", parent_id="a"),
            ]
        ),
        "objectives['a'].parent_id: loop: a -> b -> a",
    ),
    (
        lambda: AlignmentTree(["x", Objective("A", id="a"), Objective("B", id="b", parent_id="a")]),
        "objectives[0]: not an Objective: 'x'",
    ),
    # Each function names itself in the messages about its own arguments.
    (
        lambda: score(METRIC, as_of="2026-07-01"),
        "score.as_of: expected a date, a datetime or None, got '2026-07-01'",
    ),
    (
        lambda: score(OBJECTIVE, as_of="2026-07-01"),
        "score.as_of: expected a date, a datetime or None, got '2026-07-01'",
    ),
    (
        lambda: KPI("Uptime", target=99.9).health("2026-07-01"),
        "KPI.health.as_of: expected a date, a datetime or None, got '2026-07-01'",
    ),
    (
        lambda: KPI("Uptime", target=99.9).health_report(DAY, day_of="gmt"),
        "KPI.health_report.day_of: expected a DayOf or one of 'local', 'utc', got 'gmt'",
    ),
    (
        lambda: Cycle.quarter(2026, 3).contains(DAY, day_of="bogus"),
        "Cycle.contains.day_of: expected a DayOf or one of 'local', 'utc', got 'bogus'",
    ),
    (
        lambda: Cycle.quarter(2026, 3).contains("2026-07-01"),
        "Cycle.contains.other: expected a Cycle or a date, got '2026-07-01'",
    ),
    (
        lambda: Cycle.quarter(2026, 3).elapsed("2026-07-01"),
        "Cycle.elapsed.as_of: expected a date or datetime, got '2026-07-01'",
    ),
    (
        lambda: Objective("Grow", id="grow", cycle="2026-Q3").is_past("2026-07-01"),
        "Objective.is_past.as_of: expected a date or datetime, got '2026-07-01'",
    ),
    (
        lambda: status(
            Objective("Grow", id="grow", cycle="2026-Q3"), as_of=DAY, commitment="committed"
        ),
        (
            "status.commitment: expected None for an objective (Objective('grow') carries its "
            "own: 'aspirational'), got 'committed'"
        ),
    ),
]


@pytest.mark.parametrize(
    ("call", "owner"),
    [
        (lambda naive: score(AWARE, as_of=naive), "score"),
        (lambda naive: score(Objective("o", [AWARE]), as_of=naive), "score"),
        (lambda naive: status(AWARE, Cycle.quarter(2026, 3), as_of=naive), "status"),
        (lambda naive: KPI("k", target=1).record(1, at=NOON_UTC).health(naive), "KPI.health"),
        (
            lambda naive: KPI("k", target=1).record(1, at=NOON_UTC).health_report(naive),
            "KPI.health_report",
        ),
        (lambda naive: KPI("k", target=1).record(1, at=NOON_UTC).latest(naive), "KPI.latest"),
        (
            lambda naive: (
                KPI("k", target=1, frequency="daily").record(1, at=NOON_UTC).is_overdue(naive)
            ),
            "KPI.is_overdue",
        ),
    ],
)
def test_a_naive_as_of_against_aware_moments_names_the_function_called(call, owner):
    # The history finds the mismatch; the message names what the user called.
    with pytest.raises(OkrKpiError) as caught:
        call(datetime(2026, 7, 2, 9))
    assert str(caught.value).startswith(f"{owner}.as_of: expected a")
    assert "aware datetime" in str(caught.value)


def test_problems_after_a_bad_entry_or_a_root_are_still_found():
    objectives = [
        "x",
        Objective("R", id="r"),
        Objective("A", id="r"),
        Objective("D", id="d", parent_id="nowhere"),
    ]
    with pytest.raises(OkrKpiError) as caught:
        AlignmentTree(objectives)
    assert [problem.path for problem in caught.value.problems] == [
        "objectives[0]",
        "objectives[2].id",
        "objectives['d'].parent_id",
    ]


@pytest.mark.parametrize(
    ("build", "message"),
    MESSAGES,
    # plain ids: mutmut selects tests by id, and brackets or quotes would break that
    ids=[re.sub(r"\W+", "-", message.split(":")[0]).strip("-") for _, message in MESSAGES],
)
def test_message(build, message):
    with pytest.raises(OkrKpiError) as caught:
        build()
    assert str(caught.value) == message


def test_alignment_messages_list_every_problem_in_order():
    objectives = [
        Objective("A", id="a", parent_id="c"),
        Objective("B", id="b", parent_id="a"),
        Objective("C", id="c", parent_id="b"),
        Objective("D", id="d", parent_id="nowhere"),
        Objective("E", id="e", parent_id="a", parent_key_result_id="missing"),
        Objective("A again", id="a"),
        "not an objective",
    ]
    with pytest.raises(OkrKpiError) as caught:
        AlignmentTree(objectives)
    assert [(problem.path, problem.message) for problem in caught.value.problems] == [
        ("objectives[5].id", "duplicate id 'a'"),
        ("objectives[6]", "not an Objective: 'not an objective'"),
        ("objectives['d'].parent_id", "unknown parent 'nowhere'"),
        ("objectives['e'].parent_key_result_id", "'a' has no key result 'missing'"),
        ("objectives['a'].parent_id", "loop: a -> c -> b -> a"),
    ]


def test_values_and_paths_in_messages_stay_short_however_large_the_input():
    from okrkpi import Problem, ValidationError
    from okrkpi._errors import describe

    title = "x" * 200_000_000
    assert describe(title) == "'" + "x" * 57 + "'... (200,000,000 long)"
    assert describe(b"y" * 100).endswith("... (100 long)")
    assert describe(10**5000) == "<int too large to print>"
    assert describe(list(range(100))) == repr(list(range(100)))[:57] + "..."
    problem = Problem(f"KeyResult({'k' * 1000!r}).weight", "m" * 1000)
    assert len(problem.path) < 200
    assert problem.path.endswith(".weight")
    assert len(problem.message) < 200
    with pytest.raises(ValidationError) as raised:
        KeyResult.binary(title, weight=-1)
    assert len(str(raised.value)) < 400
