"""Confidence scales: each tool's way of stating confidence, as probabilities and back."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import Q3
from okrkpi import (
    Commitment,
    ConfidenceBand,
    ConfidenceRating,
    ConfidenceScale,
    KeyResult,
    Objective,
    ValidationError,
    brier_score,
    calibration,
)

BUILT_INS = [
    ConfidenceScale.low_medium_high(),
    ConfidenceScale.traffic_light(),
    ConfidenceScale.named_bands(),
]


def test_built_in_scales_cut_where_the_tools_do():
    workboard, tability = ConfidenceScale.low_medium_high(), ConfidenceScale.traffic_light()
    assert [(b.name, b.low, b.high) for b in workboard.bands] == [
        ("low", 0.0, 0.4),
        ("medium", 0.4, 0.7),
        ("high", 0.7, 1.0),
    ]
    assert workboard.to_probability("Medium") == pytest.approx(0.55)
    assert [tability.from_probability(p) for p in (0.49, 0.5, 0.69, 0.7, 1.0)] == [
        "red",
        "yellow",
        "yellow",
        "green",
        "green",
    ]
    ten = ConfidenceScale.ten_point()
    assert ten.to_probability(7) == 0.7
    assert ten.from_probability(0.7) == 7.0
    assert ten.rating(7) == ConfidenceRating(7)
    assert workboard.rating("high") == ConfidenceRating.from_probability(0.85)
    assert all(band.colour for scale in BUILT_INS for band in scale.bands)


@given(st.sampled_from(BUILT_INS), st.data())
def test_a_label_round_trips_through_its_probability_and_keeps_its_band(scale, data):
    label = data.draw(st.sampled_from(scale.labels))
    assert scale.from_probability(scale.to_probability(label)) == label


@given(st.sampled_from(BUILT_INS), st.floats(0, 1))
def test_every_probability_falls_in_exactly_one_band(scale, probability):
    band = scale.band(probability)
    assert band.low <= probability <= band.high
    assert scale.from_probability(probability) == band.name


@given(st.floats(0, 1))
def test_a_numeric_scale_round_trips_probabilities(probability):
    ten = ConfidenceScale.ten_point()
    assert ten.to_probability(ten.from_probability(probability)) == pytest.approx(probability)


def test_calibration_over_labels_gives_the_brier_score_of_their_probabilities():
    scale = ConfidenceScale.low_medium_high()
    said = [("high", True), ("high", True), ("medium", False), ("low", False), ("medium", True)]
    as_probabilities = [(scale.to_probability(label), met) for label, met in said]
    assert brier_score(said, scale=scale) == brier_score(as_probabilities)

    def stated(label, met, name):
        kr = KeyResult.binary(name).check_in(
            False, at=date(2026, 7, 1), confidence=scale.rating(label)
        )
        return kr.check_in(True, at=date(2026, 9, 1)) if met else kr

    objective = Objective(
        "o",
        [stated(label, met, f"k{i}") for i, (label, met) in enumerate(said)],
        cycle=Q3,
        commitment=Commitment.COMMITTED,
    )
    table = calibration([objective], scale=scale)
    assert table.brier == pytest.approx(brier_score(as_probabilities))
    assert [(bucket.label, bucket.count) for bucket in table.buckets] == [
        ("low", 1),
        ("medium", 2),
        ("high", 2),
    ]
    assert table.buckets[2].observed == 1.0
    assert calibration([objective]).brier == table.brier  # the buckets differ, not the score


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (lambda: ConfidenceBand("x", 0.5, 0.4), "ConfidenceBand.high"),
        (lambda: ConfidenceBand("x", -0.1, 0.4), "ConfidenceBand.low"),
        (lambda: ConfidenceBand("x", 0.1, 0.4, probability=0.9), "ConfidenceBand.probability"),
        (lambda: ConfidenceBand("", 0.1, 0.4), "ConfidenceBand.name"),
        (
            lambda: ConfidenceScale(
                "gappy", [ConfidenceBand("a", 0, 0.4), ConfidenceBand("b", 0.5, 1)]
            ),
            "ConfidenceScale.bands",
        ),
        (
            lambda: ConfidenceScale(
                "twice", [ConfidenceBand("a", 0, 0.5), ConfidenceBand("A", 0.5, 1)]
            ),
            "names used once",
        ),
        (lambda: ConfidenceScale("none"), "bands, or a maximum"),
        (lambda: ConfidenceScale("both", [ConfidenceBand("a", 0, 1)], maximum=5), "without bands"),
        (lambda: ConfidenceScale("zero", maximum=0), "ConfidenceScale.maximum"),
        (lambda: ConfidenceScale("s", ["not a band"]), "ConfidenceScale.bands"),
        (lambda: ConfidenceScale.low_medium_high().to_probability("certain"), "one of 'low'"),
        (lambda: ConfidenceScale.low_medium_high().to_probability(0.5), "a label of the scale"),
        (lambda: ConfidenceScale.ten_point().to_probability(11), "a number 0..10"),
        (lambda: ConfidenceScale.ten_point().to_probability("high"), "a number 0..10"),
        (lambda: ConfidenceScale.traffic_light().band(1.5), "probability"),
        (lambda: ConfidenceScale.ten_point().band(0.5), "bands"),
        (lambda: brier_score([("high", True)], scale="workboard"), "brier_score.scale"),
        (lambda: brier_score(["high"], scale=ConfidenceScale.low_medium_high()), r"pairs\[0\]"),
        (lambda: calibration([], scale="workboard"), "calibration.scale"),
    ],
)
def test_bad_scales_and_values_are_refused_naming_the_field(build, path):
    with pytest.raises(ValidationError, match=path):
        build()


@pytest.mark.parametrize("scale", [*BUILT_INS, ConfidenceScale.ten_point()], ids=lambda s: s.name)
def test_scales_round_trip_through_json(scale):
    from okrkpi.serde import dumps, loads

    assert loads(dumps(scale), ConfidenceScale) == scale


def test_a_band_stands_for_a_probability_that_reads_back_as_it():
    with pytest.raises(ValidationError, match=r"ConfidenceBand\.probability.*upper end excluded"):
        ConfidenceBand("lo", 0.0, 0.5, probability=0.5)  # 0.5 reads as the next band
    top = ConfidenceBand("hi", 0.5, 1.0, probability=1.0)  # 1.0 is the top band's own
    scale = ConfidenceScale("s", [ConfidenceBand("lo", 0.0, 0.5, probability=0.49), top])
    for label in ("lo", "hi"):
        assert scale.from_probability(scale.to_probability(label)) == label
