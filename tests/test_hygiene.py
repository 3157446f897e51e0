"""The hygiene lint: the mistakes OKR coaches flag first."""

from datetime import date, datetime, timedelta

import pytest

from helpers import JULY, Q3, metric
from okrkpi import (
    AlignmentTree,
    Commitment,
    Cycle,
    Finding,
    FindingCode,
    KeyResult,
    Level,
    Objective,
    ValidationError,
    lint,
)


def test_lint_findings_read_as_documented():
    stale = KeyResult.metric("s", start=0, target=1, id="s").check_in(
        0.5, at=datetime(2026, 7, 20, 9, 0)
    )
    fresh = metric(10, id="f", at=date(2026, 8, 10))
    objectives = [
        Objective("Empty", id="empty", level=Level.COMPANY, cycle=Cycle.quarter(2026, 2)),
        Objective(
            "Busy",
            [metric(1, id=f"k{i}") for i in range(6)],
            id="busy",
            level=Level.COMPANY,
            cycle=Q3,
            closed_on=date(2026, 8, 1),
        ),
        Objective("Team", [stale, fresh, metric(id="none")], id="team", cycle=Q3),
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


def test_lint_boundaries():
    three = Objective("T", [metric(1, id=f"k{i}") for i in range(3)], id="t", level=Level.COMPANY)
    assert lint([three], as_of=JULY, max_key_results=3) == ()
    assert lint([three], as_of=JULY, stale_after=timedelta(hours=12)) == ()
    last_day = Objective("L", [metric(1, id="l", at=Q3.end)], id="l", level=Level.COMPANY, cycle=Q3)
    assert lint([last_day], as_of=Q3.end) == ()
    first_day = Objective("F", [metric(id="f")], id="f", level=Level.COMPANY, cycle=Q3)
    # Never checked in: not stale before the cycle is `stale_after` old, stale after that.
    assert lint([first_day], as_of=Q3.start) == ()
    assert lint([first_day], as_of=Q3.start + timedelta(weeks=2)) == ()
    fortnight_and_a_day = Q3.start + timedelta(weeks=2, days=1)
    assert [f.code for f in lint([first_day], as_of=fortnight_and_a_day)] == [
        FindingCode.STALE_KEY_RESULT
    ]
    assert [f.code for f in lint([first_day], as_of=Q3.end)] == [FindingCode.STALE_KEY_RESULT]


def test_lint_flags_each_rule():
    q2 = Cycle.quarter(2026, 2)
    q3 = Cycle.quarter(2026, 3)
    many = [KeyResult.binary(f"kr {i}") for i in range(6)]
    stale = KeyResult.metric("stale", start=0, target=1).check_in(0.5, at=date(2026, 7, 1))
    fresh = KeyResult.metric("fresh", start=0, target=1).check_in(0.5, at=date(2026, 8, 10))
    objectives = [
        Objective("Empty", id="empty", level=Level.COMPANY, cycle=q3),
        Objective("Busy", many, id="busy", parent_id="empty", cycle=q3),
        Objective("Old", [fresh], id="old", level=Level.COMPANY, cycle=q2),
        Objective("Closed", [fresh], id="closed", level=Level.COMPANY, cycle=q2,
                  closed_on=date(2026, 7, 2)),
        Objective("Stale", [stale, fresh], id="stale", parent_id="empty", cycle=q3),
        Objective("Loose", [fresh], id="loose", commitment=Commitment.COMMITTED),
    ]  # fmt: skip
    findings = lint(
        AlignmentTree(objectives), as_of=date(2026, 8, 15), stale_after=timedelta(weeks=4)
    )
    found = {(f.code, f.objective_id, f.key_result_id) for f in findings}
    assert found == {
        (FindingCode.NO_KEY_RESULTS, "empty", None),
        (FindingCode.TOO_MANY_KEY_RESULTS, "busy", None),
        *((FindingCode.STALE_KEY_RESULT, "busy", kr.id) for kr in many),
        (FindingCode.PAST_CYCLE_NOT_CLOSED, "old", None),
        # Q2 objectives holding an August check-in: it does not count for Q2.
        (FindingCode.CHECK_IN_OUTSIDE_CYCLE, "old", "fresh"),
        (FindingCode.CHECK_IN_OUTSIDE_CYCLE, "closed", "fresh"),
        (FindingCode.STALE_KEY_RESULT, "stale", "stale"),
        (FindingCode.UNALIGNED, "loose", None),
    }
    stale_line = next(str(f) for f in findings if f.key_result_id == "stale")
    assert (
        stale_line
        == "stale/stale: last check-in 2026-07-01, 45 days before 2026-08-15 [stale_key_result]"
    )
    with pytest.raises(ValidationError, match="lint.as_of"):
        lint([], as_of="today")
    with pytest.raises(ValidationError, match="stale_after"):
        lint([], as_of=date(2026, 1, 1), stale_after=timedelta(0))
