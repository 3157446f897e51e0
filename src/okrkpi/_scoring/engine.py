"""The scoring engine: `score` and `status` for key results and objectives."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from okrkpi._errors import ValidationError
from okrkpi._model._checks import arguments_of, check_as_of, check_moment, enum_member
from okrkpi._model.cycle import CYCLE_OR_NAME, Cycle, named_cycle
from okrkpi._model.key_result import KeyResult, Metric
from okrkpi._model.moments import DayOf
from okrkpi._model.moments import day_of as day_in
from okrkpi._model.objective import Commitment, Objective
from okrkpi._model.tolerance import reaches
from okrkpi._scoring.numbers import shown, shown_together
from okrkpi._scoring.policy import ScoringPolicy, resolve_policy
from okrkpi._scoring.score import Score, Status, StatusExplanation, clamp

if TYPE_CHECKING:
    from okrkpi._model.moments import Moment
    from okrkpi._scoring.protocols import Aggregator, Grader, PaceRule, WeightedValue
    from okrkpi._scoring.registry import StrategyRegistry

__all__ = [
    "capped",
    "combine",
    "contribution",
    "expected_progress",
    "explain_status",
    "final_status",
    "has_ended",
    "judged_as_of",
    "key_result_status",
    "key_results_status",
    "objective_status",
    "pace_status",
    "score",
    "score_key_result",
    "score_objective",
    "status",
    "status_from_values",
]


def score_key_result(
    key_result: KeyResult,
    as_of: Moment | None,
    policy: ScoringPolicy,
    commitment: Commitment = Commitment.ASPIRATIONAL,
) -> Score:
    """Score one key result with `policy`'s scorer for its kind."""
    latest = key_result.latest_check_in(as_of, day_of=policy.day_of)
    current = None if latest is None else latest.value
    scorer = policy.scorers[key_result.measure.kind]
    measured = scorer(key_result, current)
    progress = measured.progress
    value = clamp(progress)
    grader = policy.grader
    return Score(
        value=value,
        progress=progress,
        grade=grader.grade(value, commitment),
        met=grader.is_met(value, commitment),
        subject=f"KeyResult {key_result.id!r}",
        strategy=scorer.name,
        formula=measured.formula,
        commitment=commitment,
        grader=grader.name,
        inputs=measured.inputs,
        note=measured.note,
    )


def contribution(part: Score, policy: ScoringPolicy) -> float:
    """What a key result's score brings to its objective.

    Its value, or with an overachievement cap, its progress clamped to [0, cap].
    """
    return capped(part.progress, policy.overachievement_cap)


def capped(progress: float, cap: float | None) -> float:
    """A key result's contribution from its raw progress: clamped, or capped at `cap`."""
    if cap is None:
        return clamp(progress)
    return min(max(progress, 0.0), cap)


def combine(
    subject: str,
    parts: Sequence[WeightedValue],
    policy: ScoringPolicy,
    commitment: Commitment,
    *,
    components: tuple[Score, ...] = (),
    strategy_prefix: str = "",
    note: str = "",
) -> Score:
    """Aggregate weighted values into a graded `Score` (used by objectives and trees)."""
    grader = policy.grader
    if not parts:
        return Score(
            value=0.0,
            progress=0.0,
            grade=grader.grade(0.0, commitment),
            met=grader.is_met(0.0, commitment),
            subject=subject,
            strategy=strategy_prefix + policy.aggregator.name,
            formula="0",
            commitment=commitment,
            grader=grader.name,
            parts=components,
            note=note or "no key results: scores 0.0",
        )
    aggregate = policy.aggregator(parts)
    progress = aggregate.value
    value = clamp(progress)
    return Score(
        value=value,
        progress=progress,
        grade=grader.grade(value, commitment),
        met=grader.is_met(value, commitment),
        subject=subject,
        strategy=strategy_prefix + policy.aggregator.name,
        formula=aggregate.formula,
        commitment=commitment,
        grader=grader.name,
        parts=components,
        note=note,
    )


def judged_as_of(
    as_of: Moment | None, cycle: Cycle | None, day_of: DayOf | str = DayOf.LOCAL
) -> Moment | None:
    """The moment something in `cycle` is judged at.

    An objective is judged within its cycle: an `as_of` whose day (by the rule `day_of`)
    is after the cycle's last day, or None ("latest"), means the end of that last day,
    so check-ins dated after the cycle do not count. Without a cycle, `as_of` as given.

    Raises:
        ValidationError: `as_of` is neither None nor a date or datetime.
    """
    if as_of is not None:
        check_moment("as_of", as_of, "a date, a datetime or None")
    if cycle is None:
        return as_of
    if as_of is None or day_in(as_of, day_of) > cycle.end:
        return cycle.end
    return as_of


def score_objective(
    objective: Objective,
    as_of: Moment | None,
    policy: ScoringPolicy,
    cycle: Cycle | None = None,
) -> Score:
    """Score an objective from its key results alone, judged within its cycle.

    `cycle` replaces the objective's own cycle for judging, when given.
    """
    commitment = objective.commitment
    judged = judged_as_of(as_of, objective.cycle if cycle is None else cycle, policy.day_of)
    components = tuple(
        score_key_result(key_result, judged, policy, commitment)
        for key_result in objective.key_results
    )
    parts = [
        (key_result.weight, contribution(part, policy))
        for key_result, part in zip(objective.key_results, components, strict=True)
    ]
    return combine(f"Objective {objective.id!r}", parts, policy, commitment, components=components)


def _commitment(caller: str, commitment: object) -> Commitment:
    """A key result's commitment on its own: aspirational by default, or given by name."""
    if commitment is None:
        return Commitment.ASPIRATIONAL
    return enum_member(f"{caller}.commitment", Commitment, commitment)


def _no_commitment(caller: str, objective: Objective, commitment: object) -> None:
    """Refuse a commitment given for an objective: it carries its own, which decides."""
    if commitment is not None:
        raise ValidationError.field(
            f"{caller}.commitment",
            commitment,
            f"None for an objective (Objective({objective.id!r}) carries its own: "
            f"{objective.commitment.value!r})",
        )


def score(
    subject: KeyResult | Objective,
    as_of: Moment | None = None,
    *,
    policy: ScoringPolicy | None = None,
    aggregator: str | Aggregator | None = None,
    grader: str | Grader | None = None,
    commitment: Commitment | str | None = None,
    registry: StrategyRegistry | None = None,
) -> Score:
    """Score a key result or an objective as of a date.

    Args:
        subject: A `KeyResult` or an `Objective`.
        as_of: None for the latest check-in; a date for "as it stood at the end of that
            day" (time travel); a datetime for that exact moment. An objective is judged
            within its cycle: a later `as_of`, or None, means its cycle's end.
        policy: The strategies to use (the spec's defaults when None).
        aggregator: Override the policy's aggregator, by instance or registered name.
        grader: Override the policy's grader, by instance or registered name.
        commitment: For a key result on its own, the commitment to grade against
            (aspirational by default). Refused for an objective, which carries its own.
        registry: Where names are looked up (`default_registry` when None).

    Returns:
        A `Score` with `value` in [0, 1], raw `progress`, `grade`, `met` and an explanation.

    Raises:
        ValidationError: Not a key result or objective, a bad `as_of`, or a commitment
            given for an objective.
        UnknownStrategyError: A strategy name is not registered.
    """
    chosen = resolve_policy(policy, aggregator=aggregator, grader=grader, registry=registry)
    check_as_of("score.as_of", as_of)
    with arguments_of("score"):
        if isinstance(subject, KeyResult):
            return score_key_result(subject, as_of, chosen, _commitment("score", commitment))
        if isinstance(subject, Objective):
            _no_commitment("score", subject, commitment)
            return score_objective(subject, as_of, chosen)
    raise ValidationError.field("score.subject", subject, "a KeyResult or an Objective")


def expected_progress(
    key_result: KeyResult | None, cycle: Cycle, as_of: date, day_of: DayOf | str = DayOf.LOCAL
) -> float:
    """The progress expected `as_of`: a metric's plan if it has one, else the elapsed share."""
    measure = None if key_result is None else key_result.measure
    if isinstance(measure, Metric) and measure.plan:
        return measure.planned(cycle, as_of, day_of=day_of).expected
    return cycle.elapsed(as_of, day_of=day_of)


def pace_status(
    actual: float,
    cycle: Cycle,
    as_of: date,
    policy: ScoringPolicy,
    key_result: KeyResult | None = None,
) -> Status:
    """ACHIEVED at `actual >= 1`, NOT_STARTED before the cycle, else the policy's pace rule.

    `actual` within `EDGE_TOLERANCE` below 1 is ACHIEVED.

    The pace rule compares `actual` with `key_result`'s plan when it has one, else with
    the straight line (the elapsed share of the cycle).
    """
    if reaches(actual, 1.0):
        return Status.ACHIEVED
    day = day_in(as_of, policy.day_of)
    if day < cycle.start:
        return Status.NOT_STARTED
    return policy.pace(expected_progress(key_result, cycle, day), actual)


def key_results_status(
    parts: Iterable[tuple[KeyResult, float]], cycle: Cycle, as_of: date, policy: ScoringPolicy
) -> Status:
    """An objective's status during its cycle: the worst of its key results' paces.

    With no key results, the objective's own score (0.0) is paced.
    """
    statuses = [pace_status(value, cycle, as_of, policy, kr) for kr, value in parts]
    return Status.worst(statuses) if statuses else pace_status(0.0, cycle, as_of, policy)


def has_ended(cycle: Cycle, as_of: date, day_of: DayOf | str = DayOf.LOCAL) -> bool:
    """Whether the verdict is final: the cycle's last day is over as of `as_of`.

    A date `as_of` is the end of that day, so the last day itself is over. A datetime
    is that moment: on the last day (its day by the rule `day_of`) the day is not over
    yet, and pace still rules, so a verdict called final never changes later that day.
    """
    day = day_in(as_of, day_of)
    return day > cycle.end if isinstance(as_of, datetime) else day >= cycle.end


def final_status(met: bool) -> Status:
    """The status once a cycle is over: ACHIEVED when met for its commitment, else MISSED."""
    return Status.ACHIEVED if met else Status.MISSED


def key_result_status(
    key_result: KeyResult, part: Score, cycle: Cycle, as_of: date, policy: ScoringPolicy
) -> Status:
    """A key result's status from its score: paced during the cycle, final after it."""
    if has_ended(cycle, as_of, policy.day_of):
        return final_status(part.met)
    return pace_status(part.value, cycle, as_of, policy, key_result)


def objective_status(
    objective: Objective,
    own: Score,
    cycle: Cycle,
    as_of: date,
    policy: ScoringPolicy,
    *,
    rolled_up: bool = False,
) -> Status:
    """An objective's status from its score.

    Final once the cycle's last day is over (from its own score, not its key results'), else
    the worst of its key results' paces, or with `rolled_up` its own value paced.
    `own.parts` are the scores of `objective.key_results`, in their order.
    """
    values = [part.value for part in own.parts]
    return status_from_values(
        objective, own.value, own.met, values, cycle, as_of, policy, rolled_up=rolled_up
    )


def status_from_values(
    objective: Objective,
    value: float,
    met: bool,
    key_result_values: Sequence[float],
    cycle: Cycle,
    as_of: date,
    policy: ScoringPolicy,
    *,
    rolled_up: bool = False,
) -> Status:
    """`objective_status` from numbers alone: its value, met, and its key results' values.

    The number path of bulk callers (a score time series) that never build explanations.
    """
    if has_ended(cycle, as_of, policy.day_of):
        return final_status(met)
    if rolled_up:
        return pace_status(value, cycle, as_of, policy)
    pairs = zip(objective.key_results, key_result_values, strict=True)
    return key_results_status(pairs, cycle, as_of, policy)


def _cycle_to_judge(
    caller: str,
    subject: KeyResult | Objective,
    cycle: Cycle | str | None,
    as_of: Moment,
    commitment: object,
) -> Cycle:
    """The cycle a status is judged in: `cycle`, or the objective's own; arguments checked."""
    check_as_of(f"{caller}.as_of", as_of, optional=False)
    if isinstance(subject, Objective):
        _no_commitment(caller, subject, commitment)
        cycle = subject.cycle if cycle is None else cycle
    elif not isinstance(subject, KeyResult):
        raise ValidationError.field(f"{caller}.subject", subject, "a KeyResult or an Objective")
    if isinstance(cycle, str):  # a cycle's name, as Objective(cycle=) takes it
        return named_cycle(f"{caller}.cycle", cycle)
    if not isinstance(cycle, Cycle):
        if cycle is not None:
            expected = CYCLE_OR_NAME
        elif isinstance(subject, Objective):
            expected = "a Cycle (the objective has none)"
        else:
            expected = "a Cycle (a key result has none of its own)"
        raise ValidationError.field(f"{caller}.cycle", cycle, expected)
    return cycle


def status(
    subject: KeyResult | Objective,
    cycle: Cycle | str | None = None,
    *,
    as_of: Moment,
    policy: ScoringPolicy | None = None,
    pace: str | PaceRule | None = None,
    commitment: Commitment | str | None = None,
    registry: StrategyRegistry | None = None,
) -> Status:
    """Status of a key result or objective as of a date, within a cycle.

    During the cycle, its pace: expected progress is the elapsed share of the cycle,
    actual is the score value; an objective's status is its worst key result's (AT_RISK >
    BEHIND > ON_TRACK > NOT_STARTED > ACHIEVED); with no key results, its own score is
    paced. Once the cycle's last day is over (a date `as_of` is the end of its day; a
    datetime during the last day is still paced), final: ACHIEVED when the score is met
    for the commitment (an objective's own score, not its key results'), else MISSED.
    Check-ins dated after the cycle do not count.

    Args:
        subject: A `KeyResult` or an `Objective`.
        cycle: The cycle to pace against, or its name (`"2026-Q3"`); an objective's own
            cycle when None.
        as_of: The date (or moment) to judge at.
        policy: The strategies to use.
        pace: Override the policy's pace rule, by instance or registered name.
        commitment: For a key result on its own, the commitment its final status is
            judged against (aspirational by default), as in `score`. Refused for an
            objective, which carries its own.
        registry: Where names are looked up.

    Raises:
        ValidationError: No cycle to pace against, a commitment given for an objective,
            or bad arguments.
    """
    chosen = resolve_policy(policy, pace=pace, registry=registry)
    cycle = _cycle_to_judge("status", subject, cycle, as_of, commitment)
    with arguments_of("status"):
        if isinstance(subject, KeyResult):
            judged = judged_as_of(as_of, cycle, chosen.day_of)
            part = score_key_result(subject, judged, chosen, _commitment("status", commitment))
            return key_result_status(subject, part, cycle, as_of, chosen)
        own = score_objective(subject, as_of, chosen, cycle)
        return objective_status(subject, own, cycle, as_of, chosen)


def _paced(
    subject: str,
    key_result: KeyResult | None,
    own: Score,
    cycle: Cycle,
    as_of: Moment,
    policy: ScoringPolicy,
    parts: tuple[StatusExplanation, ...] = (),
) -> StatusExplanation:
    day = day_in(as_of, policy.day_of)
    ended = has_ended(cycle, as_of, policy.day_of)
    measure = None if key_result is None else key_result.measure
    straight = cycle.elapsed(day)
    planned: float | None = None
    expected = straight
    if isinstance(measure, Metric) and measure.plan:
        position = measure.planned(cycle, day)
        planned, expected = position.planned_value, position.expected
    actual = own.value
    score_text = shown(actual, decimals=True)
    if ended:
        state = final_status(own.met)
        verdict = "met" if own.met else "not met"
        reason = f"final from {cycle.end.isoformat()}: score {score_text}, {verdict}"
    elif parts:  # an objective during its cycle: paced by its key results
        state = Status.worst(part.status for part in parts)
        reason = f"the worst of its key results' statuses; its own score is {score_text}"
    elif reaches(actual, 1.0):
        state, reason = Status.ACHIEVED, f"actual {score_text}: complete"
    elif day < cycle.start:
        state, reason = Status.NOT_STARTED, f"the cycle starts {cycle.start.isoformat()}"
    else:
        state = policy.pace(expected, actual)
        # Printed so that the pace rule, read on the printed numbers, gives this status.
        actual_text, expected_text = shown_together(
            [actual, expected],
            lambda printed: policy.pace(printed[1], printed[0]) is state,
            decimals=True,
        )
        if planned is not None:
            reason = (
                f"actual {actual_text} against the plan's {expected_text} (planned value "
                f"{shown(planned)} on {day.isoformat()}; the straight line expects "
                f"{shown(straight, decimals=True)})"
            )
        else:
            reason = f"actual {actual_text} against {expected_text} expected by the straight line"
        reason += f" [{policy.pace.name}]"
    return StatusExplanation(
        subject=subject,
        status=state,
        actual=actual,
        expected=expected,
        straight_line=straight,
        planned_value=planned,
        on=day,
        final=ended,
        reason=reason,
        parts=parts,
    )


def explain_status(
    subject: KeyResult | Objective,
    cycle: Cycle | str | None = None,
    *,
    as_of: Moment,
    policy: ScoringPolicy | None = None,
    pace: str | PaceRule | None = None,
    commitment: Commitment | str | None = None,
    registry: StrategyRegistry | None = None,
) -> StatusExplanation:
    """`status(...)` with its numbers: actual, expected, the plan and the straight line.

    Takes the arguments of `status`, `commitment` too (for a key result on its own, the
    commitment its final status is judged against; refused for an objective, which
    carries its own); `.status` always equals what `status` returns.
    """
    chosen = resolve_policy(policy, pace=pace, registry=registry)
    cycle = _cycle_to_judge("explain_status", subject, cycle, as_of, commitment)
    if isinstance(subject, KeyResult):
        judged = judged_as_of(as_of, cycle, chosen.day_of)
        with arguments_of("explain_status"):
            part = score_key_result(
                subject, judged, chosen, _commitment("explain_status", commitment)
            )
        return _paced(f"KeyResult {subject.id!r}", subject, part, cycle, as_of, chosen)
    with arguments_of("explain_status"):
        own = score_objective(subject, as_of, chosen, cycle)
    parts = tuple(
        _paced(f"KeyResult {kr.id!r}", kr, part, cycle, as_of, chosen)
        for kr, part in zip(subject.key_results, own.parts, strict=True)
    )
    return _paced(f"Objective {subject.id!r}", None, own, cycle, as_of, chosen, parts)
