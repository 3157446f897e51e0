"""The same question gets the same answer: the tree and `status`, `explain_status` and
`status`, and lint's staleness for key results that are finished for good."""

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import Q3
from okrkpi import (
    AlignmentTree,
    Commitment,
    Cycle,
    FindingCode,
    KeyResult,
    Objective,
    Status,
    ValidationError,
    Zone,
    explain_status,
    lint,
    review,
    score,
    status,
)
from okrkpi.testing import cycles, trees


def _cycle_less_objective():
    kr = KeyResult.metric("m", start=0, target=100, id="m")
    kr = kr.check_in(10, at=date(2026, 8, 1)).check_in(90, at=date(2026, 10, 5))
    return Objective("No cycle of its own", [kr], id="o")


@pytest.mark.parametrize("day", [date(2026, 8, 15), Q3.end, date(2026, 10, 10)])
def test_the_tree_judges_a_cycle_less_objective_within_the_given_cycle(day):
    objective = _cycle_less_objective()
    tree = AlignmentTree([objective])
    assert tree.status(day, cycle=Q3)["o"] is status(objective, Q3, as_of=day)
    assert tree.status(day, cycle="2026-Q3")["o"] is status(objective, Q3, as_of=day)


def test_after_the_given_cycle_its_later_check_ins_do_not_count():
    objective = _cycle_less_objective()
    assert AlignmentTree([objective]).status(date(2026, 10, 10), cycle=Q3)["o"] is Status.MISSED


def test_a_bad_cycle_for_the_tree_status_is_named():
    from okrkpi import ValidationError

    tree = AlignmentTree([_cycle_less_objective()])
    with pytest.raises(ValidationError, match=r"AlignmentTree\.status\.cycle"):
        tree.status(Q3.end, cycle=42)
    with pytest.raises(ValidationError, match=r"AlignmentTree\.status\.cycle"):
        tree.status(Q3.end, cycle="2026-Q5")


@given(trees(max_objectives=6), st.data())
def test_tree_status_is_status_for_every_objective(tree, data):
    # With and without cycles, with and without `cycle=`: the tree's verdict on each
    # objective is `status(objective, cycle, as_of=...)`, a given cycle overriding its own.
    keep = data.draw(st.lists(st.booleans(), min_size=len(tree), max_size=len(tree)))
    stripped = AlignmentTree(
        [
            objective if kept else attrs.evolve(objective, cycle=None)
            for objective, kept in zip(tree, keep, strict=True)
        ]
    )
    # Often a cycle that ends before a check-in, judged after that check-in: the
    # check-in is there to be ignored.
    days = sorted(
        {item.at for objective in stripped for kr in objective.key_results for item in kr.check_ins}
    )
    given_cycle: Cycle | None
    if days and data.draw(st.booleans()):
        after = data.draw(st.sampled_from(days))
        end = after - timedelta(days=data.draw(st.integers(1, 30)))
        given_cycle = Cycle("given", end - timedelta(days=data.draw(st.integers(0, 90))), end)
        as_of = after + timedelta(days=data.draw(st.integers(0, 30)))
    else:
        given_cycle = data.draw(st.none() | cycles())
        around = given_cycle or data.draw(cycles())
        as_of = around.start + timedelta(days=data.draw(st.integers(-20, around.days + 60)))
    if given_cycle is None and any(objective.cycle is None for objective in stripped):
        with pytest.raises(ValidationError, match=r"\.cycle: expected a cycle"):
            stripped.status(as_of)
        return
    statuses = stripped.status(as_of, cycle=given_cycle)
    for objective in stripped:
        assert statuses[objective.id] is status(objective, given_cycle, as_of=as_of)


def test_a_given_cycle_overrides_an_objectives_own_in_the_tree_as_in_status():
    # A Q3 objective judged against the year on 15 October: its Q3 is over (MISSED), but
    # within the year it is paced (AT_RISK); the tree and `status` say the same.
    kr = KeyResult.metric("m", start=0, target=100, id="m").check_in(10, at=date(2026, 8, 1))
    objective = Objective("Q3 objective", [kr], id="o", cycle=Q3)
    year = Cycle.year(2026)
    day = date(2026, 10, 15)
    assert status(objective, year, as_of=day) is Status.AT_RISK
    assert AlignmentTree([objective]).status(day, cycle=year)["o"] is Status.AT_RISK
    assert AlignmentTree([objective]).status(day)["o"] is status(objective, as_of=day)
    assert AlignmentTree([objective]).status(day)["o"] is Status.MISSED


# -- explain_status takes the commitment, as status does ---------------------------------


def test_explain_status_judges_a_key_result_against_the_commitment_given():
    kr = KeyResult.metric("m", start=0, target=100).check_in(80, at=date(2026, 9, 1))
    for commitment, expected in (("committed", Status.MISSED), (None, Status.ACHIEVED)):
        explained = explain_status(kr, Q3, as_of=Q3.end, commitment=commitment)
        assert explained.status is expected
        assert explained.status is status(kr, Q3, as_of=Q3.end, commitment=commitment)
    committed = explain_status(kr, Q3, as_of=Q3.end, commitment=Commitment.COMMITTED)
    assert "not met" in committed.reason


@pytest.mark.parametrize("judge", [status, explain_status])
@pytest.mark.parametrize("commitment", ["aspirational", "committed", Commitment.COMMITTED])
def test_a_commitment_given_for_an_objective_is_refused_not_ignored(judge, commitment):
    # An objective carries its own commitment; one given beside it used to change nothing.
    kr = KeyResult.metric("m", start=0, target=100).check_in(80, at=date(2026, 9, 1))
    objective = Objective("o", [kr], id="o", cycle=Q3, commitment="committed")
    name = judge.__name__
    with pytest.raises(ValidationError, match=rf"^{name}\.commitment: expected None for an "):
        judge(objective, as_of=Q3.end, commitment=commitment)
    with pytest.raises(ValidationError, match=r"^score\.commitment: .*carries its own"):
        score(objective, commitment=commitment)
    judged = judge(objective, as_of=Q3.end)
    assert (judged if name == "status" else judged.status) is Status.MISSED  # its own: 1.0


# -- staleness: what is finished for good needs no more check-ins --------------------------

MID_SEPTEMBER = date(2026, 9, 15)
EARLY = date(2026, 7, 10)


def _stale_ids(objective, as_of=MID_SEPTEMBER):
    return [
        f.key_result_id
        for f in lint([objective], as_of=as_of)
        if f.code is FindingCode.STALE_KEY_RESULT
    ]


def test_a_finished_binary_key_result_is_not_stale():
    done = KeyResult.binary("Launch", id="launch").check_in(True, at=EARLY)
    objective = Objective("Ship", [done], cycle=Q3, id="ship")
    assert _stale_ids(objective) == []
    report = review(AlignmentTree([objective]), since=date(2026, 9, 1), as_of=MID_SEPTEMBER)
    assert report.stale == ()


def test_a_key_result_done_from_the_start_is_not_stale():
    objective = Objective("Ship", [KeyResult.binary("Launch", done=True)], cycle=Q3)
    assert _stale_ids(objective) == []


@pytest.mark.parametrize(
    ("key_result", "finished"),
    [
        (KeyResult.binary("b", id="k").check_in(False, at=EARLY), False),
        (KeyResult.binary("b", id="k").check_in(True, at=EARLY), True),
        (KeyResult.milestones("s", milestones=["a", "b"], id="k").reach("b", at=EARLY), True),
        (KeyResult.milestones("s", milestones=["a", "b"], id="k").reach("a", at=EARLY), False),
        (
            KeyResult.milestones("s", milestones=["a", ("b", 0)], id="k").reach("a", at=EARLY),
            True,  # what is left weighs nothing
        ),
        (KeyResult.ordinal("o", id="k").check_in(Zone.STRETCH, at=EARLY), True),
        (KeyResult.ordinal("o", id="k").check_in(Zone.TARGET, at=EARLY), False),
        # Quantities can move back: they still need check-ins at their target.
        (KeyResult.metric("m", start=0, target=10, id="k").check_in(10, at=EARLY), False),
        (KeyResult.threshold("t", threshold=5, id="k").check_in(9, at=EARLY), False),
        (KeyResult.zoned("z", baseline=0, stretch=10, id="k").check_in(10, at=EARLY), False),
    ],
)
def test_which_key_results_are_finished_for_good(key_result, finished):
    objective = Objective("o", [key_result], cycle=Q3)
    assert _stale_ids(objective) == ([] if finished else ["k"])


def test_a_binary_key_result_undone_later_is_stale_again():
    kr = KeyResult.binary("Launch", id="launch").check_in(True, at=EARLY)
    kr = kr.check_in(False, at=date(2026, 7, 20))  # rolled back
    assert _stale_ids(Objective("Ship", [kr], cycle=Q3)) == ["launch"]


def test_done_only_counts_from_the_day_it_was_done():
    kr = KeyResult.binary("Launch", id="launch").check_in(False, at=EARLY)
    kr = kr.check_in(True, at=MID_SEPTEMBER)
    objective = Objective("Ship", [kr], cycle=Q3)
    assert _stale_ids(objective, as_of=date(2026, 9, 1)) == ["launch"]
    assert _stale_ids(objective, as_of=date(2026, 9, 20)) == []


def test_carry_over_still_drops_what_is_finished():
    from okrkpi import carry_over

    done = KeyResult.binary("Launch", id="launch").check_in(True, at=EARLY)
    open_one = KeyResult.binary("Docs", id="docs")
    steps = KeyResult.milestones("s", milestones=["a", "b"], id="steps").reach("a", at=EARLY)
    carried = carry_over(Objective("Ship", [done, open_one, steps], cycle=Q3))
    assert [kr.id for kr in carried.key_results] == ["docs", "steps"]
    assert [step.name for step in carried.key_results[1].measure.milestones] == ["b"]
    assert carried.cycle == Cycle.quarter(2026, 4)


def test_carry_over_drops_a_metric_at_its_target_up_to_float_noise():
    from okrkpi import carry_over

    total = 0.0
    for _ in range(10):
        total += 0.1  # 0.9999999999999999
    noisy = KeyResult.metric("Steps", start=0, target=1, id="noisy").check_in(total, at=EARLY)
    short = KeyResult.metric("Short", start=0, target=1, id="short").check_in(0.9, at=EARLY)
    carried = carry_over(Objective("Ship", [noisy, short], cycle=Q3))
    assert [kr.id for kr in carried.key_results] == ["short"]
