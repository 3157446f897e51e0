"""People's words and colours from one place; data keeps the enums; one day per view."""

import itertools
import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.text import Text

from helpers import ENUM_NAMES, Q3, run_cli
from okrkpi import (
    KPI,
    AlignmentTree,
    Commitment,
    Grade,
    Health,
    InitiativeStatus,
    KeyResult,
    Level,
    Objective,
    Status,
    ValidationError,
    Zone,
    review,
    score,
    status,
)
from okrkpi._edges.style import GUIDE, NEUTRAL, contrast, ink_on
from okrkpi._edges.words import plain_text
from okrkpi.display import WORDS, label_of, objective_html, render_kpis, to_records, tree_html
from okrkpi.examples import EXAMPLE_AS_OF, example_kpis, example_objectives
from okrkpi.plot import COLOURS, status_doughnut, timeline

ENUMS = [Status, Grade, Health, Zone, InitiativeStatus, Level, Commitment]


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_member_has_words_a_person_uses(enum):
    words = [label_of(member) for member in enum]
    assert len(set(words)) == len(words)  # no two members read the same
    for member, said in zip(enum, words, strict=True):
        assert said == WORDS[member]
        assert said[0].isupper()
        assert "_" not in said
        assert label_of(member.name) == label_of(member.name.lower()) == said
        if isinstance(member.value, str):
            assert label_of(member.value) == said


def test_the_words_people_expect():
    assert label_of(Status.AT_RISK) == "At risk"
    assert label_of(Status.ON_TRACK) == "On track"
    assert label_of(Status.NOT_STARTED) == "Not started"
    assert label_of(Status.MISSED) == "Missed"
    assert label_of(Health.UNKNOWN) == "Unknown"  # no measurement, or no target
    assert label_of(Zone.FAIL) == "Below commit"
    # A name two enums share reads the same in both.
    assert label_of(InitiativeStatus.NOT_STARTED) == label_of(Status.NOT_STARTED)


@pytest.mark.parametrize("value", ["SIDEWAYS", "", 3, None, Zone.FAIL.value])
def test_anything_else_is_refused_naming_it(value):
    with pytest.raises(ValidationError, match="label_of.value"):
        label_of(value)


TREE = AlignmentTree(example_objectives())


def _zoned_objective():
    kr = KeyResult.zoned("Hire engineers", baseline=10, stretch=60, id="hires")
    return Objective("Grow the team", key_results=(kr.check_in(12, at=date(2026, 8, 3)),), cycle=Q3)


def _kpis_in_every_health():
    made = [*example_kpis(), KPI("uptime", target=99.9).record(97, at=date(2026, 8, 1))]
    made += [KPI("reply", target=60, higher_is_better=False).record(58, at=date(2026, 8, 1))]
    made += [KPI("cost", target=5, warning=4).record(3, at=date(2026, 8, 1)), KPI("new", target=1)]
    return made


def _every_text_a_person_reads(tmp_path):
    """The command line's text, the review in each format, every view, every chart's texts."""
    from okrkpi import explain_status
    from okrkpi.display import kpi_html, score_html
    from okrkpi.plot import burn_up, kpi_chart, progress_over_time
    from okrkpi.serde import Document, dumps

    objectives = [*example_objectives(), _zoned_objective()]
    tree, kpis = AlignmentTree(objectives), _kpis_in_every_health()
    made = review(tree, since=date(2026, 8, 1), as_of=EXAMPLE_AS_OF, kpis=kpis)
    path = tmp_path / "okrs.json"
    path.write_text(dumps(Document(tuple(objectives), tuple(kpis))))
    days = ["--since", "2026-08-01", "--as-of", EXAMPLE_AS_OF.isoformat()]
    shown = [
        run_cli("--as-of", EXAMPLE_AS_OF.isoformat()).stdout,
        run_cli("score", str(path), "--as-of", EXAMPLE_AS_OF.isoformat()).stdout,
        *(run_cli("review", str(path), *days, "--format", kind).stdout for kind in ("text", "md")),
        tree_html(tree),
        tree._repr_markdown_(),
        render_kpis(kpis, as_of=EXAMPLE_AS_OF),
        made.to_text(),
        made.to_markdown(),
        made.to_html(),
    ]
    for kpi in kpis:
        shown += [kpi_html(kpi), kpi._repr_markdown_(), kpi.health_report(EXAMPLE_AS_OF).reason]
    for objective in objectives:
        scored = tree.score(EXAMPLE_AS_OF)[objective.id]
        shown += [str(scored), scored.explanation, score_html(scored), scored._repr_markdown_()]
        shown += [objective_html(objective, as_of=EXAMPLE_AS_OF)]
        shown += [str(explain_status(objective, as_of=EXAMPLE_AS_OF))]
        for kr in objective.key_results:
            shown += [
                str(score(kr, as_of=EXAMPLE_AS_OF)),
                score(kr, as_of=EXAMPLE_AS_OF).explanation,
            ]
    figures = [
        burn_up(objectives[-1].key_results[0], cycle=Q3, as_of=EXAMPLE_AS_OF),
        kpi_chart(kpis[0], as_of=EXAMPLE_AS_OF),
        progress_over_time(tree, [date(2026, 7, 15), EXAMPLE_AS_OF]),
        timeline(tree, as_of=EXAMPLE_AS_OF),
        status_doughnut(tree, as_of=EXAMPLE_AS_OF),
    ]
    for chart in figures:
        figure = chart.plot().figure_
        shown += [text.get_text() for text in figure.findobj(Text)]
    return [text.replace("okrkpi-", "") for text in shown]


def test_no_text_a_person_reads_shows_an_enum_name(tmp_path):
    shown = _every_text_a_person_reads(tmp_path)
    leaks = [(found.group(), text[:120]) for text in shown if (found := ENUM_NAMES.search(text))]
    assert leaks == []
    everything = "\n".join(shown)
    for words in ("Unhealthy", "Healthy", "Below commit", "At risk", "Red", "Unknown"):
        assert words in everything, words


def test_people_read_words_where_programs_read_values():
    made = review(TREE, since=date(2026, 8, 1), as_of=EXAMPLE_AS_OF, kpis=example_kpis())
    assert "At risk" in tree_html(TREE)
    assert "Warning" in made.to_text()
    # ...and data keeps the enums, for programs.
    assert {row["status"] for row in status_doughnut(TREE, as_of=EXAMPLE_AS_OF).data} == {
        "at_risk",
        "behind",
        "on_track",
    }
    timeline_data = timeline(TREE, as_of=EXAMPLE_AS_OF).data
    assert {row["status"] for row in timeline_data} == {"at_risk", "behind", "on_track"}
    assert {r["objective_status"] for r in to_records(TREE, as_of=EXAMPLE_AS_OF)} == {
        "at_risk",
        "behind",
        "on_track",
    }
    assert made.to_dict()["kpi_alerts"][0]["health"] == "warning"
    data = json.loads(run_cli("--as-of", EXAMPLE_AS_OF.isoformat(), "--format", "json").stdout)
    assert {item["status"] for item in data["objectives"]} == {"at_risk", "behind", "on_track"}


def test_vega_lite_legends_say_the_words():
    import vl_convert

    for chart in (status_doughnut(TREE, as_of=EXAMPLE_AS_OF), timeline(TREE, as_of=EXAMPLE_AS_OF)):
        svg = vl_convert.vegalite_to_svg(chart.to_vega_lite())
        assert ">At risk</text>" in svg
        assert "AT_RISK" not in svg


# -- colours ------------------------------------------------------------------------------

# Machado, Oliveira and Fernandes (2009), severity 1: how a colour looks to people with
# protanopia, deuteranopia and tritanopia, in linear RGB.
SIMULATIONS = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
    "full colour vision": [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
}


def _linear(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def _lab(linear):
    clipped = [min(max(c, 0.0), 1.0) for c in linear]
    matrix = [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
    white = [0.95047, 1.0, 1.08883]
    xyz = [sum(m * c for m, c in zip(row, clipped, strict=True)) for row in matrix]

    def f(t):
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = (f(v / w) for v, w in zip(xyz, white, strict=True))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _seen(colour, simulation):
    linear = _linear(colour)
    return _lab([sum(m * c for m, c in zip(row, linear, strict=True)) for row in simulation])


FAMILIES = {
    "statuses": [m.name for m in Status],
    "grades": [m.name for m in Grade],
    "health": [m.name for m in Health],
    "zones": [m.name for m in Zone],
}


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("vision", SIMULATIONS)
def test_every_two_colours_of_a_family_stay_apart_for_colour_blind_readers(family, vision):
    for first, second in itertools.combinations(FAMILIES[family], 2):
        a, b = (
            _seen(COLOURS[first], SIMULATIONS[vision]),
            _seen(COLOURS[second], SIMULATIONS[vision]),
        )
        distance = sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5
        assert distance > 15, (first, second, vision, distance)


LIGHT, DARK = "#ffffff", "#1e1e1e"  # a notebook's page in a light and a dark theme


@pytest.mark.parametrize("name", sorted(COLOURS))
def test_each_colour_shows_on_light_and_dark_themes_and_its_badge_reads(name):
    colour = COLOURS[name]
    assert contrast(colour, LIGHT) >= 2
    assert contrast(colour, DARK) >= 2
    assert contrast(colour, ink_on(colour)) >= 4.5  # text on a badge: WCAG AA
    assert contrast(GUIDE, LIGHT) >= 4.5
    assert COLOURS["NOT_STARTED"] == NEUTRAL


def test_badges_carry_their_own_ink_not_white_everywhere():
    html = tree_html(TREE)
    assert f'style="background:{COLOURS["BEHIND"]};color:#000000' in html
    assert f'style="background:{COLOURS["ACHIEVED"]};color:#ffffff' in html


# -- one day per view ---------------------------------------------------------------------


def two_speeds():
    """One objective last checked in mid-July, another in late August."""
    early = KeyResult.metric("early", start=0, target=100).check_in(30, at=date(2026, 7, 15))
    late = KeyResult.metric("late", start=0, target=100).check_in(20, at=date(2026, 8, 25))
    return [
        Objective("Early", [early], id="early", cycle=Q3),
        Objective("Late", [late], id="late", cycle=Q3),
    ]


def test_the_tree_table_judges_every_objective_on_one_day_and_says_which():
    tree = AlignmentTree(two_speeds())
    html = tree_html(tree)
    assert "As of 25 Aug 2026, the latest check-in" in html
    # "Early" is judged on the 25th too: 30% by late August is at risk, not on track.
    expected = status(tree["early"], as_of=date(2026, 8, 25))
    assert expected is Status.AT_RISK
    early_row = html.split("<strong>Early</strong>")[1].split("</tr>")[0]
    assert f">{label_of(expected)}</span>" in early_row
    chosen = tree_html(tree, as_of=date(2026, 7, 20))
    assert "As of 20 Jul 2026</caption>" in chosen
    assert tree._repr_html_() == html


def test_an_objective_table_names_its_day_too():
    objective = two_speeds()[1]
    assert "As of 25 Aug 2026, the latest check-in" in objective_html(objective)
    assert "As of 1 Sep 2026" in objective_html(objective, as_of=date(2026, 9, 1))
    quiet = Objective("Quiet", [KeyResult.binary("k")], cycle=Q3)
    assert "No check-ins yet: scores as set up, no status" in objective_html(quiet)
    with pytest.raises(ValidationError, match=r"tree_html\.as_of"):
        tree_html(AlignmentTree(two_speeds()), as_of="2026-08-01")


# -- text made drawable -------------------------------------------------------------------


@given(st.text())
def test_plain_text_is_one_visible_line_any_encoding_can_write(text):
    shown = plain_text(text)
    assert "\n" not in shown
    assert shown == plain_text(shown)  # nothing left to change
    shown.encode("utf-8")  # no lone surrogate
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in shown)


def test_plain_text_keeps_what_was_typed():
    assert plain_text("Grow ARR from $1.2M to $2M <b>") == "Grow ARR from $1.2M to $2M <b>"
    assert plain_text("a\n\tb\x00c\ud800") == "a b\\x00c\\ud800"
    assert plain_text("\u202eevil\u202c \x1b[31m") == "\\u202eevil\\u202c \\x1b[31m"


def test_a_kpi_without_measurements_is_unknown():
    assert render_kpis([KPI("new", target=1)], as_of=EXAMPLE_AS_OF).startswith("Unknown")


def test_line_colours_are_apart_from_the_verdicts_and_from_each_other():
    from okrkpi._edges.plot import _MANY_LINES
    from okrkpi.plot import SERIES

    assert len(SERIES) == len(set(SERIES)) >= _MANY_LINES  # eight lines never repeat one
    assert not set(SERIES) & {*COLOURS.values(), GUIDE, NEUTRAL}
    for colour in SERIES:
        assert contrast(colour, LIGHT) >= 2
        assert contrast(colour, DARK) >= 2
    for vision, simulation in SIMULATIONS.items():
        for first, second in itertools.combinations(SERIES, 2):
            a, b = _seen(first, simulation), _seen(second, simulation)
            distance = sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5
            assert distance > 10, (first, second, vision, distance)


def test_eight_objectives_get_eight_line_colours_none_a_status_colour():
    from datetime import timedelta

    from okrkpi.plot import progress_over_time

    objectives = [
        Objective(f"Objective {n}", [KeyResult.binary("k")], id=f"o{n}", cycle=Q3) for n in range(8)
    ]
    weeks = [Q3.start + timedelta(weeks=w) for w in range(3)]
    chart = progress_over_time(AlignmentTree(objectives), weeks)
    colours = [line.get_color() for line in chart.plot().ax_.lines]
    assert len(set(colours)) == 8
    assert not set(colours) & set(COLOURS.values())
    spec = chart.to_vega_lite()["encoding"]["color"]["scale"]
    assert spec["range"] == colours  # the same colour per objective in both renderers


def test_the_tree_markdown_names_its_day_and_no_check_ins_claim_no_day():
    lines = TREE._repr_markdown_().splitlines()
    assert lines[0] == "_As of 14 Aug 2026, the latest check-in_"
    quiet = AlignmentTree([Objective("Ship", [KeyResult.binary("k", done=True)], cycle=Q3)])
    caption = "No check-ins yet: scores as set up, no status"
    assert quiet._repr_markdown_().splitlines()[0] == f"_{caption}_"
    assert f">{caption}</caption>" in tree_html(quiet)
