"""Initiatives: the work beside the key results, kept, shown, checked, optionally scored."""

from datetime import date

import pytest
from hypothesis import given

from helpers import JULY, MID_AUGUST, Q3, metric
from okrkpi import (
    AlignmentTree,
    FindingCode,
    Initiative,
    InitiativeStatus,
    KeyResult,
    Objective,
    ValidationError,
    lint,
    score,
)
from okrkpi.display import objective_html, render_tree
from okrkpi.serde import dumps, loads
from okrkpi.tables import from_rows
from okrkpi.testing import objectives

REFERRALS = Initiative(
    "Launch the referral program",
    owner="growth",
    status="in_progress",
    progress=0.4,
    start=JULY,
    end=date(2026, 8, 31),
    key_result_ids=["signups"],
)


def growth(*work):
    return Objective("Grow", [metric(10, id="signups")], id="grow", cycle=Q3, initiatives=work)


def test_an_initiative_round_trips_through_json_and_appears_in_the_display():
    objective = growth(REFERRALS)
    assert loads(dumps(objective), Objective) == objective
    text = render_tree(AlignmentTree([objective]), as_of=MID_AUGUST)
    assert "> Launch the referral program [In progress 40%, due 31 Aug 2026, growth]" in text
    html = objective_html(objective)
    assert 'class="initiative"' in html
    assert "Launch the referral program [In progress 40%" in html


@given(objectives())
def test_objectives_with_initiatives_round_trip(objective):
    assert loads(dumps(objective), Objective) == objective


def test_by_default_initiatives_do_not_move_the_score():
    assert score(growth(REFERRALS)).value == score(growth()).value == 0.1
    tree = AlignmentTree([growth(REFERRALS)])
    assert tree.score()["grow"].value == 0.1


def test_the_initiatives_roll_up_lets_them_drive_their_key_results():
    done = Initiative("Ship the invite flow", status="done", key_result_ids=["signups"])
    dropped = Initiative("Paid ads", status="cancelled", key_result_ids=["signups"])
    tree = AlignmentTree([growth(REFERRALS, done, dropped)])
    driven = tree.score(rollup="initiatives")["grow"]
    assert driven.value == pytest.approx((0.4 + 1.0) / 2)
    assert "initiatives" in driven.explanation
    unknown = Initiative("Talk to users", status="blocked", key_result_ids=["signups"])
    assert AlignmentTree([growth(unknown)]).score(rollup="initiatives")["grow"].value == 0.1


@pytest.mark.parametrize(
    ("status", "progress", "share"),
    [
        ("not_started", None, 0.0),
        ("in_progress", None, None),
        ("in_progress", 0.25, 0.25),
        ("blocked", 0.5, 0.5),
        ("done", 0.5, 1.0),
        ("cancelled", 0.9, None),
    ],
)
def test_done_share_by_status(status, progress, share):
    assert Initiative("x", status=status, progress=progress).done_share == share


def test_hygiene_flags_initiatives_without_a_measurable_key_result():
    todo = Objective(
        "Launch",
        [KeyResult.binary("Launched", id="launched")],
        level="company",
        cycle=Q3,
        initiatives=[Initiative("Build it", key_result_ids=["launched"])],
    )
    codes = [finding.code for finding in lint([todo], as_of=MID_AUGUST)]
    assert FindingCode.NO_MEASURABLE_KEY_RESULT in codes
    measured = growth(REFERRALS)
    assert FindingCode.NO_MEASURABLE_KEY_RESULT not in [
        finding.code for finding in lint([measured], as_of=MID_AUGUST)
    ]


@pytest.mark.parametrize(
    ("arguments", "path"),
    [
        ({"status": "paused"}, "Initiative.status"),
        ({"progress": 1.5}, "Initiative.progress"),
        ({"progress": float("nan")}, "Initiative.progress"),
        ({"start": date(2026, 9, 1), "end": date(2026, 8, 1)}, "Initiative.end"),
        ({"key_result_ids": "signups"}, "Initiative.key_result_ids"),
        ({"key_result_ids": [""]}, "Initiative.key_result_ids"),
        ({"owner": 3}, "Initiative.owner"),
        ({"start": "2026-07-01"}, "Initiative.start"),
    ],
)
def test_bad_initiatives_are_refused_naming_the_field(arguments, path):
    with pytest.raises(ValidationError, match=path):
        Initiative("x", **arguments)


def test_an_objective_checks_its_initiatives_ids_and_links():
    with pytest.raises(ValidationError, match=r"initiatives\[1\]\.id"):
        growth(REFERRALS, REFERRALS)
    with pytest.raises(ValidationError, match=r"initiatives\[0\]\.key_result_ids.*'signups'"):
        growth(Initiative("x", key_result_ids=["revenue"]))
    with pytest.raises(ValidationError, match="Objective.initiatives"):
        growth(*["not an initiative"])
    with pytest.raises(ValidationError, match="Objective.initiatives"):
        Objective("x", initiatives=REFERRALS)


def test_changing_initiatives_and_key_results_keeps_links_valid():
    objective = growth(REFERRALS)
    finished = REFERRALS.__class__(
        REFERRALS.title, status=InitiativeStatus.DONE, key_result_ids=["signups"]
    )
    replaced = objective.with_initiative(finished)
    assert replaced.initiatives == (finished,)
    added = replaced.with_initiative(Initiative("Webinars"))
    assert [item.id for item in added.initiatives] == ["launch-the-referral-program", "webinars"]
    unlinked = objective.without_key_result("signups")
    assert unlinked.initiatives[0].key_result_ids == ()
    assert objective.initiatives[0].key_result_ids == ("signups",)


def test_a_key_result_named_twice_in_an_initiative_is_refused():
    with pytest.raises(ValidationError) as caught:
        Initiative("A", key_result_ids=["signups", "k", "signups"], progress=1.0)
    assert str(caught.value) == (
        "Initiative.key_result_ids: expected each key result once ('signups' is named "
        "twice), got ('signups', 'k', 'signups')"
    )
    # Once each, the initiatives roll-up averages the two: (1.0 + 0.0) / 2.
    once = Initiative("A", key_result_ids=["signups"], progress=1.0)
    other = Initiative("B", key_result_ids=["signups"], progress=0.0)
    tree = AlignmentTree([growth(once, other)])
    assert tree.score(rollup="initiatives")["grow"].value == pytest.approx(0.5)


def test_the_tables_report_a_key_result_named_twice_on_the_initiative_s_row():
    with pytest.raises(ValidationError) as caught:
        from_rows(
            {
                "objectives": [{"id": "grow", "title": "Grow"}],
                "key_results": [
                    {"objective_id": "grow", "id": "arr", "title": "ARR", "kind": "binary"}
                ],
                "initiatives": [
                    {"objective_id": "grow", "id": "ads", "title": "Ads", "key_result_ids": "arr"},
                    {
                        "objective_id": "grow",
                        "id": "hire",
                        "title": "Hire",
                        "key_result_ids": "arr; arr",
                    },
                ],
            }
        )
    assert [str(problem) for problem in caught.value.problems] == [
        (
            "initiatives[row 1].key_result_ids: expected each key result once ('arr' is named "
            "twice), got ('arr', 'arr')"
        )
    ]
