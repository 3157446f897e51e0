"""Edges of the scoring rules, roll-ups, hygiene findings and the registry's built-ins."""

from datetime import date, datetime, timedelta

import pytest

from okrkpi import (
    AlignmentTree,
    Commitment,
    Cycle,
    Finding,
    FindingCode,
    KeyResult,
    Level,
    Objective,
    Score,
    ScoringPolicy,
    Status,
    StrategyRegistry,
    default_registry,
    lint,
    score,
    status,
)
from okrkpi import strategies as builtin
from okrkpi._scoring.score import Grade

Q3 = Cycle.quarter(2026, 3)
JULY = date(2026, 7, 1)
MID_AUGUST = date(2026, 8, 15)


def metric(kr_id, value=None, *, weight=1.0, at=JULY, target=100):
    kr = KeyResult.metric(kr_id, start=0, target=target, id=kr_id, weight=weight)
    return kr if value is None else kr.check_in(value, at=at)


# -- the registry's built-ins -------------------------------------------------------------

BUILT_INS = {
    "scorer": ["linear", "binary", "threshold", "milestones"],
    "aggregator": ["weighted_mean", "minimum", "weighted_geometric_mean"],
    "grader": ["google"],
    "pace": ["gap", "ratio"],
    "rollup": ["key_results", "children", "key_results_and_children", "driven_key_results"],
}


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


# -- pace rules ---------------------------------------------------------------------------


def test_ratio_pace_boundaries_belong_to_the_better_status():
    rule = builtin.ratio_pace(on_track=0.9, behind=0.5)
    assert rule(0.5, 0.45) is Status.ON_TRACK  # ratio 0.9 exactly
    assert rule(0.5, 0.25) is Status.BEHIND  # ratio 0.5 exactly
    assert rule(0.5, 0.24) is Status.AT_RISK
    assert rule(0.0, 0.0) is Status.ON_TRACK


@pytest.mark.parametrize(("on_track", "behind"), [(0.8, 0.8), (0.8, 0.0), (0.8, -0.1)])
def test_ratio_pace_needs_behind_strictly_between_zero_and_on_track(on_track, behind):
    with pytest.raises(ValueError, match="ratio_pace.behind"):
        builtin.ratio_pace(on_track=on_track, behind=behind)


def test_gap_pace_boundaries():
    rule = builtin.gap_pace(at_risk_gap=0.25)
    assert rule(0.5, 0.5) is Status.ON_TRACK
    assert rule(0.5, 0.25) is Status.BEHIND  # gap 0.25 exactly
    assert rule(0.5, 0.2) is Status.AT_RISK
    assert builtin.gap_pace(at_risk_gap=1.0)(1.0, 0.0) is Status.BEHIND


def test_status_accepts_a_datetime_and_paces_against_its_day():
    kr = metric("m", 50)
    assert status(kr, Q3, as_of=datetime(2026, 8, 15, 12, 0)) is status(kr, Q3, as_of=MID_AUGUST)
    assert status(kr, Q3, as_of=datetime(2026, 6, 30, 23, 0)) is Status.NOT_STARTED


def test_status_of_an_objective_grades_each_key_result_with_its_commitment():
    # 0.8 is ON_TRACK at mid-quarter for either commitment; what changes is nothing else.
    objective = Objective("O", [metric("a", 80), metric("b", 10)], cycle=Q3)
    assert status(objective, as_of=MID_AUGUST) is Status.AT_RISK
    assert status(objective, Cycle.quarter(2026, 4), as_of=MID_AUGUST) is Status.NOT_STARTED
    committed = Objective("C", [metric("a", 80)], cycle=Q3, commitment=Commitment.COMMITTED)
    parts = score(committed).parts
    assert parts[0].commitment is Commitment.COMMITTED
    assert parts[0].grade is Grade.YELLOW  # 0.8 committed; aspirational would be GREEN


def test_score_with_a_named_grader():
    kr = metric("m", 50)
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


# -- roll-ups -----------------------------------------------------------------------------


def test_key_results_and_children_gives_each_side_its_share():
    parent = Objective("P", [metric("a", 100, weight=2), metric("b", 0, weight=2)], id="p")
    child = Objective("C", [metric("c", 40)], id="c", parent_id="p")
    tree = AlignmentTree([parent, child])
    half = tree.score(rollup="key_results_and_children")
    assert half.progress("p") == pytest.approx(0.5 * 0.5 + 0.5 * 0.4)
    policy = ScoringPolicy(rollup=builtin.key_results_and_children(children_share=0.25))
    quarter = tree.score(policy=policy)
    assert quarter.progress("p") == pytest.approx(0.75 * 0.5 + 0.25 * 0.4)
    assert quarter["p"].note == "rolled up from 1 aligned objectives"
    assert quarter["p"].strategy == "key_results_and_children/weighted_mean"
    alone = AlignmentTree([Objective("Q", [metric("q", 30)], id="q")]).score(policy=policy)
    assert alone.progress("q") == pytest.approx(0.3)
    assert alone["q"].note == ""


@pytest.mark.parametrize("share", [0, 1, -0.5])
def test_children_share_is_strictly_between_zero_and_one(share):
    with pytest.raises(ValueError, match="children_share"):
        builtin.key_results_and_children(children_share=share)


def test_driven_key_results_ignore_zero_weight_drivers():
    parent = Objective("P", [metric("a", 10), metric("b", 20)], id="p")
    driver = Objective("D", [metric("d", 90)], id="d", parent_id="p", parent_key_result_id="a")
    idle = Objective(
        "I", [metric("i", 0)], id="i", parent_id="p", parent_key_result_id="a", alignment_weight=0
    )
    scores = AlignmentTree([parent, driver, idle]).score(rollup="driven_key_results")
    assert scores.progress("p") == pytest.approx((0.9 + 0.2) / 2)


def test_children_roll_up_re_scores_up_to_the_root_after_a_change():
    objectives = [
        Objective("R", [metric("r", 10)], id="r"),
        Objective("M", [metric("m", 20)], id="m", parent_id="r"),
        Objective("L", [metric("l", 30)], id="l", parent_id="m"),
    ]
    tree = AlignmentTree(objectives, policy=ScoringPolicy(rollup=builtin.children_only()))
    before = tree.score(MID_AUGUST)
    changed = tree.check_in("l", "l", 90, at=date(2026, 8, 1), note="big week")
    after = changed.score(MID_AUGUST)
    assert (before.progress("r"), after.progress("r")) == (pytest.approx(0.3), pytest.approx(0.9))
    assert changed["l"].key_result("l").latest_check_in().note == "big week"
    assert changed.score(JULY).progress("r") == pytest.approx(0.3)  # the check-in is later
    assert dict(after.items()) == dict(
        AlignmentTree(list(changed)).score(MID_AUGUST, rollup="children").items()
    )


def test_tree_scores_clamp_values_but_keep_progress():
    policy = ScoringPolicy(overachievement_cap=1.5)
    tree = AlignmentTree([Objective("O", [metric("a", 130)], id="o")], policy=policy)
    scores = tree.score()
    assert scores.progress("o") == pytest.approx(1.3)
    assert scores.value("o") == 1.0
    binary = KeyResult.binary("b", id="b").check_in(True, at=JULY)
    done = AlignmentTree([Objective("B", [binary], id="b")], policy=policy).score()
    assert done.progress("b") == 1.0


# -- tree queries and changes -------------------------------------------------------------


def test_subtree_keeps_the_policy_and_drops_the_parent_link():
    policy = ScoringPolicy(rollup=builtin.children_only())
    tree = AlignmentTree(
        [
            Objective("R", [metric("r", 10)], id="r"),
            Objective("M", [metric("m", 20)], id="m", parent_id="r", parent_key_result_id="r"),
            Objective("L", [metric("l", 60)], id="l", parent_id="m"),
        ],
        policy=policy,
    )
    sub = tree.subtree("m")
    assert [objective.id for objective in sub] == ["m", "l"]
    assert sub["m"].parent_id is None
    assert sub["m"].parent_key_result_id is None
    assert sub.score().progress("m") == pytest.approx(0.6)  # children roll-up kept


def test_filter_combines_criteria():
    objectives = [
        Objective("A", id="a", owner="ana", level=Level.TEAM, cycle=Q3),
        Objective("B", id="b", owner="ana", level=Level.INDIVIDUAL, cycle=Q3),
        Objective("C", id="c", owner="bo", level=Level.TEAM, cycle=Q3),
        Objective("D", id="d", owner="ana", level=Level.TEAM),
        Objective("E", id="e", owner="ana", level=Level.TEAM, cycle=Q3),
    ]
    tree = AlignmentTree(objectives)
    assert [o.id for o in tree.filter(owner="ana", level=Level.TEAM)] == ["a", "d", "e"]
    assert [o.id for o in tree.filter(owner="ana", cycle=Cycle.year(2026))] == ["a", "b", "e"]
    assert [o.id for o in tree.filter(level=Level.TEAM, cycle=Q3)] == ["a", "c", "e"]


def test_replace_with_new_links_keeps_the_policy():
    policy = ScoringPolicy(rollup=builtin.children_only())
    tree = AlignmentTree(
        [
            Objective("R", [metric("r", 10)], id="r"),
            Objective("S", [metric("s", 50)], id="s"),
            Objective("L", [metric("l", 90)], id="l", parent_id="r"),
        ],
        policy=policy,
    )
    moved = tree.replace(Objective("L", [metric("l", 90)], id="l", parent_id="s"))
    scores = moved.score()
    assert scores.progress("s") == pytest.approx(0.9)
    assert scores.progress("r") == pytest.approx(0.1)


def test_replace_updates_cycle_findings_only_when_the_cycle_changes():
    tree = AlignmentTree(
        [Objective("R", id="r", cycle=Q3), Objective("C", id="c", parent_id="r", cycle=Q3)]
    )
    assert tree.findings == ()
    same = tree.replace(Objective("C", [metric("x", 1)], id="c", parent_id="r", cycle=Q3))
    assert same.findings == ()
    moved = tree.replace(Objective("C", id="c", parent_id="r", cycle=Cycle.quarter(2026, 4)))
    assert [problem.path for problem in moved.findings] == ["objectives['c'].cycle"]
    back = moved.replace(Objective("C", id="c", parent_id="r", cycle=Q3))
    assert back.findings == ()


def test_tree_status_uses_the_date_the_policy_and_the_registry():
    late = metric("a", 90, at=date(2026, 9, 1))
    tree = AlignmentTree([Objective("O", [late, metric("b", 50)], id="o", cycle=Q3)])
    assert tree.status(MID_AUGUST) == {"o": Status.AT_RISK}  # a has no value yet
    assert tree.status(date(2026, 9, 2)) == {"o": Status.BEHIND}  # b lags, a is fine
    lenient = ScoringPolicy(pace=builtin.gap_pace(at_risk_gap=1.0))
    assert tree.status(MID_AUGUST, policy=lenient) == {"o": Status.BEHIND}
    registry = StrategyRegistry()
    registry.register("rollup", builtin.children_only(), name="kids")
    assert tree.status(date(2026, 9, 2), rollup="kids", registry=registry) == {"o": Status.ON_TRACK}
    empty = AlignmentTree(
        [Objective("E", id="e", cycle=Q3), Objective("F", [metric("f", 100)], id="f", cycle=Q3)]
    )
    assert empty.status(MID_AUGUST) == {"e": Status.AT_RISK, "f": Status.ACHIEVED}


# -- hygiene ------------------------------------------------------------------------------


def test_lint_findings_read_as_documented():
    stale = KeyResult.metric("s", start=0, target=1, id="s").check_in(
        0.5, at=datetime(2026, 7, 20, 9, 0)
    )
    fresh = metric("f", 10, at=date(2026, 8, 10))
    objectives = [
        Objective("Empty", id="empty", level=Level.COMPANY, cycle=Cycle.quarter(2026, 2)),
        Objective(
            "Busy",
            [metric(f"k{i}", 1) for i in range(6)],
            id="busy",
            level=Level.COMPANY,
            cycle=Q3,
            closed_on=date(2026, 8, 1),
        ),
        Objective("Team", [stale, fresh, metric("none")], id="team", cycle=Q3),
        Objective(
            "Old",
            id="old",
            level=Level.COMPANY,
            cycle=Cycle.quarter(2026, 2),
            closed_on=date(2026, 7, 1),
        ),
    ]
    findings = lint(objectives, as_of=datetime(2026, 8, 15, 18, 0), max_key_results=5)
    assert [str(finding) for finding in findings] == [
        "empty: has no key results: it cannot be scored [no_key_results]",
        "empty: cycle 2026-Q2 ended 2026-06-30 but the objective is not closed [past_cycle_not_closed]",
        "busy: has 6 key results; keep to 5 or fewer [too_many_key_results]",
        "team: team objective aligned to nothing [unaligned]",
        "team/s: last check-in 2026-07-20, 26 days before 2026-08-15 [stale_key_result]",
        "team/none: no check-in yet [stale_key_result]",
        "old: has no key results: it cannot be scored [no_key_results]",
    ]
    assert findings[4] == Finding(
        FindingCode.STALE_KEY_RESULT,
        "team",
        "last check-in 2026-07-20, 26 days before 2026-08-15",
        key_result_id="s",
    )
    exactly = lint(objectives[2:3], as_of=date(2026, 8, 3), stale_after=timedelta(days=14))
    # 14 days exactly is not stale yet; f's check-in is after the day judged
    assert [f.key_result_id for f in exactly if f.code is FindingCode.STALE_KEY_RESULT] == [
        "f",
        "none",
    ]
    before = lint(objectives[2:3], as_of=date(2026, 6, 30))
    assert [f.code for f in before] == [FindingCode.UNALIGNED]  # the cycle has not started
    assert (
        lint(objectives[2:3], as_of=date(2026, 10, 1))[-1].code is FindingCode.PAST_CYCLE_NOT_CLOSED
    )


# -- boundaries found by mutation testing -------------------------------------------------


def test_google_grader_bounds_and_custom_bands():
    assert builtin.google_grader(yellow=0.3, green=1.0).grade(0.99, Commitment.ASPIRATIONAL) is (
        Grade.YELLOW
    )
    custom = builtin.google_grader(yellow=0.3, green=0.6)
    assert custom.is_met(0.65, Commitment.ASPIRATIONAL)
    assert custom.grade(0.35, Commitment.ASPIRATIONAL) is Grade.YELLOW
    for yellow, green in [(0, 0.7), (0.5, 0.5), (0.4, 1.5)]:
        with pytest.raises(ValueError, match="google_grader.green"):
            builtin.google_grader(yellow=yellow, green=green)


def test_gap_pace_allows_a_gap_of_one_and_no_more():
    assert builtin.gap_pace(at_risk_gap=1).at_risk_gap == 1
    with pytest.raises(ValueError, match="gap_pace.at_risk_gap"):
        builtin.gap_pace(at_risk_gap=1.5)


def test_a_key_result_driven_only_by_idle_objectives_keeps_its_own_value():
    parent = Objective("P", [metric("a", 10)], id="p")
    idle = Objective(
        "I", [metric("i", 90)], id="i", parent_id="p", parent_key_result_id="a", alignment_weight=0
    )
    scores = AlignmentTree([parent, idle]).score(rollup="driven_key_results")
    assert scores.progress("p") == pytest.approx(0.1)


def test_status_uses_the_policy_the_registry_and_the_date():
    kr = metric("m", 40, at=date(2026, 8, 1)).check_in(90, at=date(2026, 8, 20))
    assert status(kr, Q3, as_of=MID_AUGUST) is Status.BEHIND  # 0.4 against ~0.49 elapsed
    strict = ScoringPolicy(pace=builtin.ratio_pace(on_track=0.99, behind=0.9))
    assert status(kr, Q3, as_of=MID_AUGUST, policy=strict) is Status.AT_RISK
    registry = StrategyRegistry()
    registry.register("pace", builtin.ratio_pace(on_track=0.8, behind=0.5), name="mild")
    assert status(kr, Q3, as_of=MID_AUGUST, pace="mild", registry=registry) is Status.ON_TRACK


def test_registering_again_replaces_the_strategy():
    registry = StrategyRegistry()
    registry.register("pace", builtin.gap_pace(at_risk_gap=0.5), name="house")
    assert registry.pace("house").at_risk_gap == 0.5
    registry.register("pace", builtin.gap_pace(at_risk_gap=0.1), name="house")
    assert registry.pace("house").at_risk_gap == 0.1
    registry.register("pace", builtin.gap_pace(at_risk_gap=0.2))
    assert registry.pace("gap").at_risk_gap == 0.2


def test_policy_edges():
    assert ScoringPolicy(overachievement_cap=1.0).overachievement_cap == 1.0
    registry = StrategyRegistry()
    registry.register("aggregator", builtin.minimum(), name="house")
    assert ScoringPolicy.named(aggregator="house", registry=registry).aggregator.name == "minimum"


def test_lint_boundaries():
    three = Objective("T", [metric(f"k{i}", 1) for i in range(3)], id="t", level=Level.COMPANY)
    assert lint([three], as_of=JULY, max_key_results=3) == ()
    assert lint([three], as_of=JULY, stale_after=timedelta(hours=12)) == ()
    last_day = Objective("L", [metric("l", 1, at=Q3.end)], id="l", level=Level.COMPANY, cycle=Q3)
    assert lint([last_day], as_of=Q3.end) == ()
    first_day = Objective("F", [metric("f")], id="f", level=Level.COMPANY, cycle=Q3)
    assert [f.code for f in lint([first_day], as_of=Q3.start)] == [FindingCode.STALE_KEY_RESULT]
    assert [f.code for f in lint([first_day], as_of=Q3.end)] == [FindingCode.STALE_KEY_RESULT]


def test_tree_scores_see_exactly_the_check_ins_of_the_day():
    kr = (
        KeyResult.metric("m", start=0, target=100, id="m")
        .check_in(10, at=datetime(2026, 8, 15, 23, 59, 59, 999999))
        .check_in(70, at=datetime(2026, 8, 16, 0, 0))
    )
    tree = AlignmentTree([Objective("O", [kr], id="o")])
    assert tree.score(MID_AUGUST).progress("o") == pytest.approx(0.1)
    assert tree.score(datetime(2026, 8, 15, 12, 0)).progress("o") == 0.0
    plain = AlignmentTree([Objective("P", [metric("p", 10, at=date(2026, 8, 16))], id="p")])
    assert plain.score(MID_AUGUST).progress("p") == 0.0


def test_re_scoring_keeps_the_date_it_was_asked_for():
    tree = AlignmentTree([Objective("O", [metric("a", 10)], id="o")])
    noon = datetime(2026, 8, 15, 12, 0)
    tree.score(MID_AUGUST)
    tree.score(noon)
    later = tree.check_in("o", "a", 90, at=date(2026, 9, 1), confidence=8)
    assert later.score(MID_AUGUST).progress("o") == pytest.approx(0.1)
    assert later.score(noon).progress("o") == pytest.approx(0.1)
    assert later.score().progress("o") == pytest.approx(0.9)
    recorded = later["o"].key_result("a").latest_check_in()
    assert (recorded.confidence.value, recorded.note) == (8, "")


def test_tree_scores_clamp_what_a_custom_aggregator_returns():
    class Pessimist:
        name = "pessimist"

        def __call__(self, parts):
            from okrkpi import Aggregate

            return Aggregate(-0.5, "always -0.5")

    tree = AlignmentTree([Objective("O", [metric("a", 10)], id="o")])
    scores = tree.score(policy=ScoringPolicy(aggregator=Pessimist()))
    assert (scores.progress("o"), scores.value("o")) == (-0.5, 0.0)
    assert scores["o"].value == 0.0


def test_explained_tree_scores_name_the_objective_and_keep_the_commitment():
    objective = Objective("O", [metric("a", 130)], id="o", commitment=Commitment.COMMITTED)
    child = Objective("C", [metric("c", 50)], id="c", parent_id="o")
    tree = AlignmentTree([objective, child], policy=ScoringPolicy(overachievement_cap=1.5))
    explained = tree.score()["o"]
    assert explained.subject == "Objective 'o'"
    assert explained.progress == pytest.approx(1.3)
    assert explained.parts[0].commitment is Commitment.COMMITTED
    assert explained.note == ""  # children do not count in the default roll-up
    with pytest.raises(KeyError) as missing:
        tree.score()["nowhere"]
    assert missing.value.args == ("nowhere",)
    registry = StrategyRegistry()
    registry.register("rollup", builtin.children_only(), name="kids")
    assert tree.score(rollup="kids", registry=registry).progress("o") == pytest.approx(0.5)


def test_status_of_a_key_result_is_judged_on_the_day_asked():
    kr = metric("m", 10, at=JULY).check_in(100, at=date(2026, 9, 1))
    assert status(kr, Q3, as_of=MID_AUGUST) is Status.AT_RISK
    assert status(kr, Q3, as_of=date(2026, 9, 2)) is Status.ACHIEVED


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
    assert rolled.note == "rolled up from 1 aligned objectives"
    assert rolled.grader == "google"


def test_a_custom_roll_up_sees_the_objective_it_rolls_up():
    class OwnersFirst:
        name = "owners_first"
        uses_children = False

        def combine(self, objective, key_results, children):
            return [(1.0, 1.0 if objective.owner == "ana" else 0.0)]

    tree = AlignmentTree(
        [Objective("A", [metric("a")], id="a", owner="ana"), Objective("B", [metric("b")], id="b")]
    )
    scores = tree.score(policy=ScoringPolicy(rollup=OwnersFirst()))
    assert [(scores.value(oid), scores[oid].value) for oid in scores] == [(1.0, 1.0), (0.0, 0.0)]


def test_grades_and_met_follow_the_commitment_and_name_the_grader():
    class Lenient:
        """Committed objectives get YELLOW and count as met even at 0 (a test double)."""

        name = "lenient"

        def grade(self, value, commitment):
            if commitment is Commitment.COMMITTED:
                return Grade.YELLOW
            return Grade.GREEN if value >= 0.5 else Grade.RED

        def is_met(self, value, commitment):
            return commitment is Commitment.COMMITTED or value >= 0.5

    policy = ScoringPolicy(grader=Lenient())
    empty = score(Objective("E", id="e", commitment=Commitment.COMMITTED), policy=policy)
    assert (empty.grade, empty.met, empty.grader) == (Grade.YELLOW, True, "lenient")
    committed = Objective("C", [metric("a", 10)], id="c", commitment=Commitment.COMMITTED)
    result = score(committed, policy=policy)
    assert (result.grader, result.parts[0].grader) == ("lenient", "lenient")
    assert (result.parts[0].grade, result.parts[0].met) == (Grade.YELLOW, True)
    google = score(Objective("G", [metric("g", 80)], commitment=Commitment.COMMITTED))
    assert (google.parts[0].grade, google.parts[0].met) == (Grade.YELLOW, False)


def test_tree_numbers_clamp_each_key_result_without_a_cap():
    ahead = metric("ahead", 150)
    behind = KeyResult.metric("behind", start=50, target=100, id="behind").check_in(40, at=JULY)
    tree = AlignmentTree([Objective("O", [ahead, behind], id="o")])
    scores = tree.score()
    assert scores.progress("o") == 0.5  # (1.0 + 0.0) / 2: 1.5 and -0.2 are clamped
    assert scores["o"].progress == 0.5


def test_descendants_reach_every_level():
    tree = AlignmentTree(
        [
            Objective("R", id="r"),
            Objective("A", id="a", parent_id="r"),
            Objective("B", id="b", parent_id="a"),
            Objective("C", id="c", parent_id="b"),
        ]
    )
    assert [objective.id for objective in tree.descendants("r")] == ["a", "b", "c"]


def test_an_aggregator_is_never_asked_to_combine_nothing():
    class Strict:
        name = "strict"

        def __call__(self, parts):
            assert parts, "called with no parts"
            return builtin.weighted_mean()(parts)

        def value_only(self, parts):
            assert parts, "called with no parts"
            return builtin.weighted_mean().value_only(parts)

    tree = AlignmentTree([Objective("Empty", id="e"), Objective("O", [metric("o", 50)], id="o")])
    scores = tree.score(policy=ScoringPolicy(aggregator=Strict()))
    assert (scores.value("e"), scores.value("o")) == (0.0, 0.5)
    assert scores["e"].formula == "0"


def test_a_falling_metric_at_its_start_reads_zero_not_minus_zero():
    churn = KeyResult.metric("Churn", start=3.0, target=2.0, id="churn")
    assert score(churn).explanation.startswith("progress 0 = (3 - 3) / (2 - 3)")


def test_pace_rules_default_to_the_documented_thresholds():
    rule = builtin.ratio_pace()
    assert (rule.on_track, rule.behind) == (0.95, 0.75)
    assert builtin.gap_pace().at_risk_gap == 0.25


def test_an_empty_roll_up_still_lists_the_key_results_it_scored():
    class Nothing:
        name = "nothing"
        uses_children = False

        def combine(self, objective, key_results, children):
            return []

    tree = AlignmentTree([Objective("O", [metric("a", 50)], id="o")])
    explained = tree.score(policy=ScoringPolicy(rollup=Nothing()))["o"]
    assert (explained.value, explained.formula) == (0.0, "0")
    assert [part.subject for part in explained.parts] == ["KeyResult 'a'"]


def test_the_worst_status_wins():
    assert Status.worst([Status.ACHIEVED, Status.BEHIND, Status.ON_TRACK]) is Status.BEHIND
    assert Status.worst([Status.NOT_STARTED, Status.ACHIEVED]) is Status.NOT_STARTED
    assert Status.worst(iter([Status.AT_RISK])) is Status.AT_RISK
    with pytest.raises(ValueError, match="empty"):
        Status.worst([])
