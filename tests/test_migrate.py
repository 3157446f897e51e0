"""The migration recipes of docs/how-to/migrate.md, run on sample exports in tests/data."""

import contextlib
import io
import json
import pathlib
import re
from datetime import UTC, date, datetime, timedelta, timezone

import pandas as pd
import pytest

from okrkpi import AlignmentTree, ValidationError

ROOT = pathlib.Path(__file__).parent.parent
DATA = pathlib.Path(__file__).parent / "data"


def recipes():
    """The page's code, run once: its functions are the recipes under test."""
    namespace: dict[str, object] = {"__name__": "migrate_recipes"}
    page = (ROOT / "docs" / "how-to" / "migrate.md").read_text()
    with contextlib.redirect_stdout(io.StringIO()):  # the page prints what it shows
        for block in re.findall(r"```python\n(.*?)```", page, re.DOTALL):
            exec(compile(block, "migrate.md", "exec"), namespace)
    return namespace


RECIPES = recipes()
from_tability = RECIPES["from_tability"]
from_flat_export = RECIPES["from_flat_export"]


def tability():
    return json.loads((DATA / "tability_export.json").read_text())


def flat_text():
    return (DATA / "flat_goals.csv").read_text()


def flat(text=None):
    return pd.read_csv(io.StringIO(flat_text() if text is None else text), dtype=str)


# -- Tability ---------------------------------------------------------------------------------


def test_plans_become_each_objectives_cycle():
    document = from_tability(tability())
    cycles = {o.id: (o.cycle.name, o.cycle.start, o.cycle.end) for o in document.objectives}
    assert cycles == {
        "ob-1": ("Q3 2026", date(2026, 7, 1), date(2026, 9, 30)),
        "ob-2": ("Q3 2026", date(2026, 7, 1), date(2026, 9, 30)),
        "ob-3": ("H2 2026 platform", date(2026, 7, 1), date(2026, 12, 31)),
    }


def test_outcomes_become_metrics_with_the_unit_of_their_score_format():
    document = from_tability(tability())
    measures = {
        kr.id: (kr.measure.start, kr.measure.target, kr.measure.unit)
        for objective in document.objectives
        for kr in objective.key_results
    }
    assert measures == {
        "oc-1": (8.0, 12.0, "%"),
        "oc-2": (40000.0, 60000.0, "$"),
        "oc-3": (20.0, 45.0, None),
        "oc-4": (1800.0, 900.0, "ms"),
    }


def test_check_ins_keep_their_zone_note_and_traffic_light_confidence():
    document = from_tability(tability())
    conversion = document.objectives[0].key_results[0]
    assert [(c.at, c.value, str(c.confidence), c.note) for c in conversion.check_ins] == [
        (datetime(2026, 7, 28, 9, 12, tzinfo=UTC), 9.5, "6/10", "New onboarding live"),
        (
            datetime(2026, 8, 11, 10, 5, tzinfo=timezone(timedelta(hours=2))),
            10.1,
            "8.5/10",
            "Pricing page test won",
        ),
    ]
    nps = document.objectives[1].key_results[0]
    assert str(nps.check_ins[0].confidence) == "2.5/10"  # "RED", in any case
    late = document.objectives[2].key_results[0].check_ins[0].at
    assert late.utcoffset() == timedelta(hours=-7)  # the evening of 30 September, kept
    scores = AlignmentTree(document.objectives).score(date(2026, 8, 15))
    assert scores.value("ob-1") == pytest.approx((2.1 / 4 + 7000 / 20000) / 2)


def test_a_check_in_the_api_returned_twice_is_refused_not_counted_twice():
    export = tability()
    export["checkins"].append(dict(export["checkins"][2]))  # the same id, on the next page
    with pytest.raises(ValidationError) as raised:
        from_tability(export)
    assert str(raised.value) == "check_ins[row 5].id: 'ck-3' is already row 2's"


def test_a_label_outside_the_traffic_light_is_named_with_its_scale():
    export = tability()
    export["checkins"][1]["confidence"] = "amber"
    with pytest.raises(ValidationError) as raised:
        from_tability(export)
    assert str(raised.value) == (
        "check_ins[row 1].confidence: expected one of 'red', 'yellow', 'green' "
        "(scale 'traffic_light'), got 'amber'"
    )


def test_a_check_in_of_an_outcome_not_exported_is_reported_on_its_row():
    export = tability()
    export["checkins"][0]["outcome_id"] = "oc-gone"
    with pytest.raises(ValidationError, match=r"check_ins\[row 0\]\.objective_id: a value"):
        from_tability(export)


# -- a flat goals export ----------------------------------------------------------------------


def test_parents_named_by_title_link_objectives_and_key_results():
    document = from_flat_export(flat())
    tree = AlignmentTree(document.objectives)
    assert [(o.id, o.title, o.parent_id) for o in document.objectives] == [
        ("row-2", "Grow revenue", None),
        ("row-5", "Build the sales team", "row-2"),
        ("row-8", "Improve quality", "row-2"),
        ("row-11", "Reduce churn", None),
    ]
    assert [o.id for o in tree.children("row-2")] == ["row-5", "row-8"]
    assert [kr.title for kr in document.objectives[1].key_results] == [
        "Hire 5 account executives",
        "Sales playbook written",
    ]


def test_month_first_dates_and_progress_only_key_results():
    document = from_flat_export(flat())
    grow = document.objectives[0]
    assert (grow.cycle.name, grow.cycle.start, grow.cycle.end) == (
        "Q3 2026",
        date(2026, 7, 1),
        date(2026, 9, 30),
    )
    arr, spain = grow.key_results
    assert (arr.measure.start, arr.measure.target, arr.latest_value()) == (1.0, 1.4, 1.2)
    assert arr.check_ins[0].at == date(2026, 8, 14)
    assert (spain.measure.start, spain.measure.target, spain.measure.unit) == (0.0, 100.0, "%")
    assert spain.latest_value() == 40.0
    on_call = document.objectives[2].key_results[1]
    assert (on_call.title, len(on_call.check_ins)) == ("Stand up on-call", 0)


def test_an_ambiguous_parent_name_is_refused_where_it_is_used():
    twice = flat_text() + (
        "Objective,Improve quality,,ops@example.com,Q3 2026,7/1/2026,9/30/2026,,,,,\n"
    )
    with pytest.raises(ValidationError) as raised:
        from_flat_export(flat(twice))
    ambiguous = (
        "'Improve quality' is the title of 2 objectives, 'row-8' (objectives row 2), "
        "'row-12' (objectives row 4): ambiguous, link to it by id"
    )
    assert [str(problem) for problem in raised.value.problems] == [
        f"key_results[row 4].objective_id: {ambiguous}",
        f"key_results[row 5].objective_id: {ambiguous}",
        f"check_ins[row 4].objective_id: {ambiguous}",  # on-call has no check-in yet
    ]


def test_two_objectives_with_one_name_are_fine_while_no_row_names_it():
    twice = flat_text() + (
        "Objective,Reduce churn,,eve@example.com,Q3 2026,7/1/2026,9/30/2026,,,,,\n"
    )
    document = from_flat_export(flat(twice))
    assert [o.title for o in document.objectives][-2:] == ["Reduce churn", "Reduce churn"]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "8/14/2026",
            "14/8/2026",
            (
                "check_ins[row 0].at: expected a date like '07/31/2026' (date_format '%m/%d/%Y'), "
                "got '14/8/2026'"
            ),
        ),
        (
            "Sales playbook written,Build the sales team",
            "Sales playbook written,Build the sales teams",
            "key_results[row 3].objective_id: no objective has the title 'Build the sales teams'",
        ),
    ],
)
def test_what_the_export_gets_wrong_is_named_where_it_is(old, new, problem):
    with pytest.raises(ValidationError) as raised:
        from_flat_export(flat(flat_text().replace(old, new)))
    assert problem in [str(found) for found in raised.value.problems]
