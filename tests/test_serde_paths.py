"""Every problem in a document is named by its full path, down to the field."""

from __future__ import annotations

import contextlib
import enum
from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import okrkpi
from okrkpi import (
    KPI,
    AlignmentTree,
    CarriedTree,
    CheckIns,
    ConfidenceRating,
    HealthReport,
    KeyResult,
    Objective,
    OkrKpiError,
    ScoringPolicy,
    TreeScores,
    ValidationError,
    strategies,
)
from okrkpi.examples import example_kpis, example_objectives
from okrkpi.serde import Document, dumps, dumps_toml, from_dict, loads, loads_toml

BINARY = {"kind": "binary"}


@pytest.mark.parametrize(
    ("data", "cls", "expected"),
    [
        (
            {"title": "o", "key_results": [{"title": "k", "weight": -1, "measure": BINARY}]},
            Objective,
            ["key_results[0].weight: expected a number >= 0, got -1"],
        ),
        ({"title": ""}, Objective, ["title: expected a non-empty string, got ''"]),
        (
            {
                "title": "k",
                "measure": {"kind": "metric", "start": 0, "target": 1},
                "check_ins": [{"value": float("inf"), "at": "2026-07-01"}],
            },
            KeyResult,
            ["check_ins[0].value: expected a finite number, got inf"],
        ),
        (
            {"title": "k", "measure": {"kind": "metric", "start": 0, "target": float("inf")}},
            KeyResult,
            ["measure.target: expected a finite number, got inf"],
        ),
        (
            {"title": "k", "measure": {"kind": "percent"}},
            KeyResult,
            [
                (
                    "measure.kind: unknown kind 'percent', expected one of binary, metric, "
                    "milestones, ordinal, threshold, zoned"
                )
            ],
        ),
        (
            {
                "title": "k",
                "measure": BINARY,
                "check_ins": [{"value": 0.5, "at": "2026-07-01"}],
            },
            KeyResult,
            ["check_ins[0].value: expected True/False (or 1/0) for a binary key result, got 0.5"],
        ),
        (
            {
                "objectives": [
                    {"title": ""},
                    {
                        "title": "x",
                        "key_results": [{"title": "k", "weight": -1, "measure": BINARY}],
                    },
                ]
            },
            Document,
            [
                "objectives[0].title: expected a non-empty string, got ''",
                "objectives[1].key_results[0].weight: expected a number >= 0, got -1",
            ],
        ),
    ],
)
def test_every_problem_path_ends_in_the_field(data, cls, expected):
    with pytest.raises(ValidationError) as raised:
        from_dict(data, cls)
    assert [str(problem) for problem in raised.value.problems] == expected


@pytest.mark.parametrize(
    ("data", "cls", "expected"),
    [
        (
            {"title": "k", "measure": {"kind": "binary", "done": "false"}},
            KeyResult,
            "measure.done: expected true or false, got 'false'",
        ),
        (
            {"title": "k", "measure": {"kind": "threshold", "threshold": 1, "above": "no"}},
            KeyResult,
            "measure.above: expected true or false, got 'no'",
        ),
        (
            {"name": "churn", "target": 5, "higher_is_better": 0},
            KPI,
            "higher_is_better: expected true or false, got 0",
        ),
        ({"schema_version": True}, Document, "schema_version: expected a whole number, got True"),
    ],
)
def test_a_flag_is_true_or_false_never_the_truth_of_a_string(data, cls, expected):
    # Read by truthiness, "false" would be True: a binary key result scored as done.
    with pytest.raises(ValidationError) as raised:
        from_dict(data, cls)
    assert expected in str(raised.value)


def test_a_bad_cycle_name_is_named_by_its_field_with_the_other_problems():
    with pytest.raises(ValidationError) as raised:
        from_dict(
            {"title": "o", "cycle": "Q9", "key_results": [{"title": "k", "weight": "heavy"}]},
            Objective,
        )
    paths = [problem.path for problem in raised.value.problems]
    assert "cycle" in paths  # not the parser's own name, "cycle.parse"
    assert any(path.startswith("key_results[0]") for path in paths)


def test_a_string_where_an_object_belongs_is_named_in_the_documents_terms():
    with pytest.raises(ValidationError) as raised:
        from_dict({"title": "o", "key_results": ["revenue"]}, Objective)
    assert [str(problem) for problem in raised.value.problems] == [
        "key_results[0]: expected an object"
    ]


def test_a_document_holds_objectives_and_kpis_and_reads_back_equal():
    objectives, kpis = list(example_objectives()), list(example_kpis())
    document = Document(objectives, kpis)  # lists, as a user builds them
    assert loads(dumps(document), Document) == document
    for bad, path in (
        ({"objectives": "abc"}, "Document.objectives"),
        ({"objectives": [1]}, r"Document.objectives\[0\]: expected an Objective"),
        ({"schema_version": 7}, "Document.schema_version"),
    ):
        with pytest.raises(ValidationError, match=path):
            Document(**bad)


def test_a_kpi_without_a_target_reads_back_from_toml():
    pytest.importorskip("tomli_w")
    unset = KPI("nps", target=None)
    assert loads_toml(dumps_toml(unset), KPI) == unset
    assert loads_toml(dumps_toml(Document(kpis=[unset])), Document).kpis == (unset,)


def test_a_document_names_choices_in_any_case_as_python_does():
    read = from_dict({"title": "x", "commitment": "COMMITTED", "level": "Company"}, Objective)
    assert (read.commitment.value, read.level.value) == ("committed", "company")
    with pytest.raises(ValidationError) as raised:
        from_dict({"title": "x", "commitment": "maybe"}, Objective)
    assert str(raised.value) == (
        "commitment: expected a Commitment or one of 'committed', 'aspirational', got 'maybe'"
    )


# -- every public value that dumps writes reads back, or is refused by name -------------

PUBLIC_ENUMS = [
    value
    for name in okrkpi.__all__
    if isinstance(value := getattr(okrkpi, name), type) and issubclass(value, enum.Enum)
]
PUBLIC_ATTRS = [
    value
    for name in okrkpi.__all__
    if isinstance(value := getattr(okrkpi, name), type) and attrs.has(value)
]


@pytest.mark.parametrize("kind", PUBLIC_ENUMS, ids=lambda kind: kind.__name__)
def test_every_public_enum_reads_back_as_dumps_writes_it(kind):
    for member in kind:
        assert loads(dumps(member), kind) is member
    with pytest.raises(ValidationError, match=kind.__name__):
        loads('"no such member"', kind)


def test_a_health_report_and_a_confidence_rating_read_back_equal():
    report = KPI("k", target=1).record(1, at=date(2026, 1, 1)).health_report()
    assert loads(dumps(report), HealthReport) == report
    rating = ConfidenceRating(7)
    assert loads(dumps(rating), ConfidenceRating) == rating
    with pytest.raises(ValidationError, match=r"ConfidenceRating.value: .* got 11"):
        loads("11", ConfidenceRating)


@pytest.mark.parametrize("kind", [CarriedTree, TreeScores, CheckIns])
def test_a_type_written_for_the_record_is_refused_by_name_when_read(kind):
    with pytest.raises(ValidationError, match=r"from_dict.cls: expected a type read from data"):
        loads("{}", kind)


@pytest.mark.parametrize("cls", [[], "Objective", 3, None])
def test_what_is_no_type_is_refused_as_cls(cls):
    with pytest.raises(ValidationError, match=r"from_dict.cls: expected an okrkpi model type"):
        from_dict({}, cls)


@st.composite
def built_in_policies(draw):
    """Policies of built-in strategies, each with parameters drawn where it takes them."""
    share = st.floats(0.05, 0.95).map(lambda x: round(x, 3))
    yellow = draw(st.floats(0.05, 0.6).map(lambda x: round(x, 3)))
    pace = draw(
        st.one_of(
            st.builds(strategies.gap_pace, at_risk_gap=share),
            st.tuples(share, share).map(
                lambda pair: strategies.ratio_pace(on_track=max(pair) + 0.01, behind=min(pair))
            ),
        )
    )
    rollup = draw(
        st.sampled_from(["key_results", "children", "key_results_and_children"])
        | st.builds(strategies.key_results_and_children, children_share=share)
    )
    zones = st.lists(share, min_size=2, max_size=2).map(
        lambda pair: strategies.zone_values(commit=min(pair), target=max(pair))
    )
    return ScoringPolicy.named(
        aggregator=draw(st.sampled_from(["weighted_mean", "minimum", "weighted_geometric_mean"])),
        grader=strategies.google_grader(yellow=yellow, green=yellow + 0.3),
        pace=pace,
        rollup=rollup,
        scorers=draw(st.fixed_dictionaries({}, optional={"zoned": zones, "ordinal": zones})),
        overachievement_cap=draw(st.none() | st.floats(1.0, 3.0)),
        day_of=draw(st.sampled_from(["local", "utc"])),
    )


@given(built_in_policies())
def test_a_policy_of_built_in_strategies_reads_back_equal(policy):
    assert loads(dumps(policy), ScoringPolicy) == policy
    assert loads_toml(dumps_toml(policy), ScoringPolicy) == policy


def test_a_policy_reads_from_strategy_names_as_a_config_file_writes_them():
    written = {"pace": "ratio", "rollup": "children", "scorers": {"metric": "linear"}}
    assert from_dict(written, ScoringPolicy) == ScoringPolicy.named(pace="ratio", rollup="children")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"pace": "nope"}, "pace: unknown pace strategy 'nope'; known: gap, ratio"),
        ({"pace": {"name": "gap", "at_risk_gap": "x"}}, "pace: gap_pace.at_risk_gap: expected a"),
        ({"pace": {"name": "gap", "speed": 1}}, "pace: expected the parameters of 'gap': at_ri"),
        ({"scorers": {"zoned": {"name": "zones", "values": [0, 1]}}}, "scorers.zoned: zone_v"),
        ({"scorers": {"weird": "linear"}}, "scorers.weird: expected a KeyResultKind"),
        ({"aggregator": {"name": "minimum", "extra": 1}}, "aggregator: expected what the aggre"),
        ({"colour": "red"}, "colour: not a ScoringPolicy field"),
        ({"pace": 3}, "pace: expected a strategy's name, or an object with its name, got 3"),
        ({"overachievement_cap": 0.5}, "overachievement_cap: expected a cap >= 1.0, got 0.5"),
    ],
)
def test_a_policy_that_cannot_be_read_names_the_field(data, expected):
    with pytest.raises(ValidationError) as raised:
        from_dict(data, ScoringPolicy)
    assert expected in str(raised.value)


@pytest.mark.parametrize("kind", PUBLIC_ATTRS, ids=lambda kind: kind.__name__)
@pytest.mark.parametrize("data", [{}, {"x": 1}, [], "x", None])
def test_reading_any_public_type_raises_only_okrkpi_errors(kind, data):
    with contextlib.suppress(OkrKpiError):  # anything else escaping fails the test
        assert isinstance(from_dict(data, kind), kind)  # never None or another type


@pytest.mark.parametrize("kind", [ConfidenceRating, *PUBLIC_ENUMS], ids=lambda kind: kind.__name__)
def test_a_plain_value_type_refuses_null(kind):
    with pytest.raises(ValidationError, match=rf"\$: expected a value for {kind.__name__}"):
        loads("null", kind)


@pytest.mark.parametrize("value", [AlignmentTree(example_objectives()), float("nan")])
def test_what_json_cannot_write_is_refused_naming_the_value(value):
    with pytest.raises(ValidationError, match=r"dumps.value: expected a value okrkpi writes"):
        dumps(value)
