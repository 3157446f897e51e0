"""An explanation's numbers never read as another grade or status than the one it states.

Short where exact or where rounding cannot carry a number onto an edge, every digit
needed where it could; a formula recomputed from its printed numbers gives its printed
result.
"""

import math
import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrkpi import (
    AlignmentTree,
    Cycle,
    KeyResult,
    Objective,
    Score,
    ScoringPolicy,
    Status,
    explain_status,
    score,
    status,
)
from okrkpi._model.tolerance import reaches
from okrkpi._scoring.numbers import exact, shown, shown_together
from okrkpi.strategies import gap_pace, minimum, weighted_geometric_mean, weighted_mean

Q3 = Cycle.quarter(2026, 3)
AUGUST = date(2026, 8, 1)
EDGES = (0.25, 0.4, 0.7, 0.75, 0.95, 1.0)


def _metric(value, *, key="m", weight=1.0, start=0.0, target=1.0):
    kr = KeyResult.metric(key, start=start, target=target, id=key, weight=weight)
    return kr.check_in(value, at=AUGUST)


def _committed(*values):
    krs = [_metric(value, key=f"kr{n}") for n, value in enumerate(values)]
    return Objective("o", krs, id="o", cycle=Q3, commitment="committed")


# -- the cases found when tried as a new user would -----------------------------------------


def test_parts_just_below_one_do_not_read_as_complete():
    explained = score(_committed(0.99999, 0.99999))
    assert explained.grade.name == "YELLOW"
    text = explained.explanation
    assert "1.00" not in text
    assert "(0.99999x1 + 0.99999x1) / 2" in text
    assert "value 0.99999;" in text


def test_parts_just_below_the_green_edge_do_not_read_as_reaching_it():
    explained = score(_committed(0.69999, 0.69999))
    assert explained.grade.name == "RED"
    assert "0.70" not in explained.explanation
    assert "(0.69999x1 + 0.69999x1) / 2" in explained.explanation
    assert str(explained) == "Objective 'o': 0.69999 Red"


def test_formula_inputs_are_printed_as_given():
    explained = score(_metric(0.39999999))
    assert explained.explanation.startswith(
        "progress 0.39999999 = (0.39999999 - 0) / (1 - 0) [linear]; value 0.39999999;"
    )
    assert explained.grade.name == "RED"


def test_short_numbers_stay_short_where_nothing_is_near_an_edge():
    explained = score(_committed(0.5, 0.25))
    assert "progress 0.375 = (0.50x1 + 0.25x1) / 2" in explained.explanation
    noisy = score(_metric(2.4, start=2.0, target=3.0))  # 0.3999999999999999, graded YELLOW
    assert noisy.explanation.startswith("progress 0.4 = (2.4 - 2) / (3 - 2)")
    assert noisy.grade.name == "YELLOW"
    assert str(score(_committed(0.5, 0.5))) == "Objective 'o': 0.50 Red"


def test_minimum_and_geometric_mean_print_parts_near_edges_in_full():
    policy = ScoringPolicy(aggregator=minimum())
    objective = _committed(0.69999, 0.8)
    assert "min(0.69999, 0.80)" in score(objective, policy=policy).explanation
    geometric = ScoringPolicy(aggregator=weighted_geometric_mean())
    text = score(objective, policy=geometric).explanation
    assert "0.69999^1" in text


def test_a_pace_near_its_edge_is_printed_with_the_digits_that_decide_it():
    # 45 of 91 days in: expected 0.4945...; an actual a hair short of 0.25 behind it is
    # AT_RISK, and "actual 0.24 against 0.49" would read as within the 0.25 gap.
    day = Q3.start + timedelta(days=45)
    expected = Q3.elapsed(day)
    actual = expected - 0.25 - 1e-7
    kr = _metric(actual)
    assert status(kr, Q3, as_of=day) is Status.AT_RISK
    reason = explain_status(kr, Q3, as_of=day).reason
    printed = [float(number) for number in re.findall(r"\d+\.\d+", reason)[:2]]
    assert gap_pace()(printed[1], printed[0]) is Status.AT_RISK, reason


def test_a_parent_names_the_day_it_judged_a_child_on():
    # A Q3 parent rolls up a yearly child as it stood on 30 September (0.3), not as the
    # child scores by itself at the year's end (0.9): the explanation says so.
    child_kr = KeyResult.metric("c", start=0, target=10, id="c")
    child_kr = child_kr.check_in(3, at=date(2026, 9, 1)).check_in(9, at=date(2026, 11, 1))
    child = Objective("Yearly", [child_kr], cycle=Cycle.year(2026), id="yearly", parent_id="p")
    parent = Objective("Parent", cycle=Q3, id="p")
    scores = AlignmentTree([parent, child]).score(rollup="children")
    assert scores.value("p") == pytest.approx(0.3)
    assert scores.value("yearly") == pytest.approx(0.9)
    assert "as of 2026-09-30, the end of its cycle: 'yearly' at 0.3" in scores["p"].explanation
    within = AlignmentTree([parent, child]).score(date(2026, 9, 15), rollup="children")
    assert "as of" not in within["p"].explanation  # judged on the same day as the child


# -- the helper ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0.5, "0.5"),
        (1.0, "1"),
        (-0.0, "0"),
        (0.3999999999999999, "0.4"),  # noise every edge absorbs
        (0.39999999, "0.39999999"),
        (0.69999, "0.69999"),
        (0.70004, "0.7"),  # rounded down: still reaches 0.7, as the number does
        (2 / 3, "0.6667"),
        (0.949999, "0.949999"),
        (math.inf, "inf"),
    ],
)
def test_shown(number, text):
    assert shown(number) == text


def test_exact_and_two_decimals():
    assert exact(2.0) == "2"
    assert exact(0.1 + 0.2) == "0.30000000000000004"
    assert exact(1e308) == "1e+308"
    assert shown(0.5, decimals=True) == "0.50"
    assert shown(0.126, decimals=True) == "0.13"
    assert shown(0.446, decimals=True) == "0.446"  # 0.45 is on the 0.05 grid of edges
    assert shown_together([0.1, 0.2], lambda printed: False) == ["0.1", "0.2"]


# -- properties ------------------------------------------------------------------------------


@given(st.floats(allow_nan=False), st.booleans())
def test_any_number_shown_reaches_the_edges_it_reaches(number, decimals):
    text = shown(number, decimals=decimals)
    if math.isfinite(number) and abs(number) < 1e15:
        back = float(text)
        for edge in {round(number * 20) / 20, round(back * 20) / 20, *EDGES}:
            assert reaches(back, edge) is reaches(number, edge), (number, text, edge)
    assert float(exact(number)) == number


NEAR_EDGES = st.builds(
    lambda edge, places, above: edge + (1 if above else -1) * 10.0**-places,
    st.sampled_from(EDGES),
    st.integers(2, 12),
    st.booleans(),
)
VALUES = st.one_of(st.floats(0, 1.2), NEAR_EDGES, st.sampled_from(EDGES))
WEIGHTS = st.sampled_from([1.0, 2.0, 0.5, 3.0, 1.5, 0.1])
TERM = re.compile(r"([-\d.e+]+|inf)x([-\d.e+]+)")


def _printed(text, label):
    return re.search(rf"{label} ([^ ;]+)", text).group(1)


def _same_side(printed, value):
    return all(reaches(printed, edge) is reaches(value, edge) for edge in EDGES)


@given(
    st.lists(st.tuples(VALUES, WEIGHTS), min_size=1, max_size=5),
    st.sampled_from(["committed", "aspirational"]),
)
def test_a_weighted_mean_recomputed_from_its_printed_parts_is_its_printed_result(parts, commitment):
    krs = [_metric(value, key=f"kr{n}", weight=weight) for n, (value, weight) in enumerate(parts)]
    explained = score(Objective("o", krs, id="o", cycle=Q3, commitment=commitment))
    text = explained.explanation
    terms = [(float(value), float(weight)) for value, weight in TERM.findall(explained.formula)]
    assert len(terms) == len(parts)
    again = math.fsum(value * weight for value, weight in terms) / math.fsum(
        weight for _, weight in terms
    )
    assert shown(again) == _printed(text, "progress")
    value = float(_printed(text, "value"))
    assert _same_side(value, explained.value)
    assert _same_side(again if 0 <= again <= 1 else explained.value, explained.value)
    for part in explained.parts:
        _check_key_result(part)


def _check_key_result(explained: Score):
    # `progress P = (current - start) / (target - start)`, every input as given.
    numbers = re.match(
        r"progress (\S+) = \((\S+) - (\S+)\) / \((\S+) - (\S+)\)", explained.explanation
    )
    progress, current, start, target, _ = (float(group) for group in numbers.groups())
    assert shown((current - start) / (target - start) + 0.0) == numbers.group(1)
    assert _same_side(progress, explained.progress)
    assert _same_side(float(_printed(explained.explanation, "value")), explained.value)


@given(st.lists(VALUES, min_size=1, max_size=5))
def test_a_minimum_is_the_least_printed_part(values):
    krs = [_metric(value, key=f"kr{n}") for n, value in enumerate(values)]
    explained = score(
        Objective("o", krs, id="o", cycle=Q3), policy=ScoringPolicy(aggregator=minimum())
    )
    printed = re.search(r"min\(([^)]*)\)", explained.formula).group(1).split(", ")
    assert shown(min(float(text) for text in printed)) == _printed(
        explained.explanation, "progress"
    )
    assert _same_side(float(_printed(explained.explanation, "value")), explained.value)


@given(VALUES, st.integers(0, 91), st.sampled_from([None, 0.1, 0.3]))
def test_a_pace_read_on_its_printed_numbers_is_its_status(actual, days, at_risk_gap):
    day = Q3.start + timedelta(days=days)
    pace = gap_pace() if at_risk_gap is None else gap_pace(at_risk_gap=at_risk_gap)
    policy = ScoringPolicy(pace=pace)
    explained = explain_status(_metric(actual), Q3, as_of=day, policy=policy)
    found = re.match(r"actual (\S+) against (\S+) expected", explained.reason)
    if found is None:  # final, complete, or not started: no pace to read
        return
    assert pace(float(found.group(2)), float(found.group(1))) is explained.status


def test_sums_shares_and_percentages_read_as_a_person_writes_them() -> None:
    at = date(2026, 8, 1)
    parts = [
        KeyResult.metric("a", start=0, target=10, weight=0.1).check_in(5, at=at),
        KeyResult.metric("b", start=0, target=10, weight=0.2).check_in(7, at=at),
    ]
    assert "/ 0.3 [" in score(Objective("O", parts)).explanation  # not 0.30000000000000004
    zoned = KeyResult.zoned("nps", baseline=0, stretch=3).check_in(1, at=at)
    assert "1 is 33% of the way to stretch" in score(zoned).explanation
    weighted = weighted_mean()([(1 / 6, 0.5), (1 / 3, 0.7), (0.5, 1.0)])
    assert "x0.166667 " in weighted.formula
    assert "x0.333333 " in weighted.formula
    assert "x0.5)" in weighted.formula
