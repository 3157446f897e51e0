"""score_frames: the columnar engine gives the pure engine's answers on every backend.

Rows are compared after the documented order (as_of, then objectives and key results in
their tables' order): values and progress within 1e-9; grades, met and statuses equal,
except where a value lies within 1e-9 of a band edge without reaching it (there the rule
is changing to count it as reached, and float rounding may differ between engines).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone

import attrs
import narwhals.stable.v2 as nw
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrkpi import AlignmentTree, Cycle, KeyResult, Objective, ScoringPolicy, ValidationError
from okrkpi._edges.columnar import rules as columnar_rules
from okrkpi.serde import Document
from okrkpi.strategies import (
    children_only,
    driven_key_results,
    gap_pace,
    google_grader,
    key_results_and_children,
    minimum,
    ratio_pace,
    weighted_geometric_mean,
    zone_values,
)

from okrkpi.tables import score_frames, scores_frame, to_frames
from okrkpi.testing import trees

SCORED = ("objectives", "key_results", "check_ins", "milestones", "plans")
EDGES = (0.4, 0.7, 1.0)


def frames_of(tree, backend="polars"):
    frames = to_frames(Document(tuple(tree)), backend=backend)
    return {name: frames[name] for name in SCORED}


def as_rows(result):
    frame = nw.from_native(result)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect(backend="polars")
    return frame.to_polars().to_dicts()


def expected_rows(tree, dates, by, policy):
    return scores_frame(
        tree, dates, backend="polars", key_results=by == "key_result", policy=policy
    ).to_dicts()


def near_an_edge(value):
    return any(0 < edge - value < 1e-9 for edge in EDGES)


def assert_same(got, expected):
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected, strict=True):
        keys = ("as_of", "objective_id", "key_result_id", "objective", "key_result")
        assert {k: mine.get(k) for k in keys} == {k: theirs.get(k) for k in keys}
        for number in ("progress", "value", "current"):
            if number in theirs:
                if theirs[number] is None:
                    assert mine[number] is None
                else:
                    assert math.isclose(mine[number], theirs[number], abs_tol=1e-9), (
                        number,
                        mine,
                        theirs,
                    )
        if near_an_edge(theirs["value"]):
            continue
        for label in ("grade", "met", "status"):
            assert mine[label] == theirs[label], (label, mine, theirs)
        for text in ("owner", "cycle"):
            if text in theirs:
                assert mine[text] == theirs[text]


POLICIES = st.sampled_from(
    [
        ScoringPolicy(),
        ScoringPolicy(aggregator=minimum()),
        ScoringPolicy(aggregator=weighted_geometric_mean()),
        ScoringPolicy(overachievement_cap=1.5),
        ScoringPolicy(rollup=children_only()),
        ScoringPolicy(rollup=key_results_and_children(children_share=0.3)),
        ScoringPolicy(rollup=key_results_and_children(), aggregator=minimum()),
        ScoringPolicy(rollup=key_results_and_children(), aggregator=weighted_geometric_mean()),
        ScoringPolicy(rollup=driven_key_results()),
        ScoringPolicy(grader=google_grader(yellow=0.3, green=0.6), pace=gap_pace(at_risk_gap=0.1)),
        ScoringPolicy(pace=ratio_pace()),
        ScoringPolicy(
            scorers={"zoned": zone_values(commit=0.2, target=0.5), "ordinal": zone_values()}
        ),
    ]
)
DATES = st.lists(
    st.dates(min_value=date(2019, 6, 1), max_value=date(2031, 6, 30)), min_size=1, max_size=4
)


def duckdb_relations(tree):
    import duckdb

    connection = duckdb.connect()
    return {
        name: connection.from_arrow(frame) for name, frame in frames_of(tree, "pyarrow").items()
    }


BACKENDS = {
    "polars": (lambda tree: frames_of(tree, "polars"), pl.DataFrame),
    "polars-lazy": (
        lambda tree: {name: f.lazy() for name, f in frames_of(tree, "polars").items()},
        pl.LazyFrame,
    ),
    "pandas": (lambda tree: frames_of(tree, "pandas"), "pandas.DataFrame"),
    "pyarrow": (lambda tree: frames_of(tree, "pyarrow"), "pyarrow.Table"),
    "duckdb": (duckdb_relations, "duckdb.DuckDBPyRelation"),
}


def kind_of(frame):
    kind = type(frame)
    return f"{kind.__module__.split('.')[0]}.{kind.__name__}"


# DuckDB plans each query afresh (about a second for these plans): fewer examples there.
EXAMPLES = {"duckdb": 4}


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_every_backend_gives_the_pure_engines_answers(backend):
    check = settings(
        suppress_health_check=[HealthCheck.too_slow],
        max_examples=EXAMPLES.get(backend, 12),
        deadline=None,
    )(given(trees(max_objectives=6), DATES, POLICIES, BY)(same_answers))
    check(backend=backend)


BY = st.sampled_from(["objective", "key_result"])


def same_answers(backend, tree, dates, policy, by):
    make, kind = BACKENDS[backend]
    got = score_frames(dates, by=by, policy=policy, **make(tree))
    assert kind_of(got) == kind if isinstance(kind, str) else isinstance(got, kind)
    assert_same(as_rows(got), expected_rows(tree, dates, by, policy))
