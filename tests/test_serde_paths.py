"""Every problem in a document is named by its full path, down to the field."""

from __future__ import annotations

import pytest

from okrkpi import KeyResult, Objective, ValidationError
from okrkpi.serde import Document, from_dict

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
