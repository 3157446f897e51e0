"""Charts: what is drawn is checked through the artists' data; every spec renders to SVG."""

import itertools
import json
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone

import attrs
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
import vl_convert
from matplotlib.dates import date2num

from helpers import JULY, Q3
from okrkpi import (
    KPI,
    AlignmentTree,
    Cycle,
    Initiative,
    KeyResult,
    MissingExtraError,
    Objective,
    ScoringPolicy,
    TargetRange,
    ValidationError,
    calibration,
    score,
)
from okrkpi.display import label_of
from okrkpi.examples import EXAMPLE_AS_OF, example_kpis, example_objectives
from okrkpi.plot import (
    COLOURS,
    burn_up,
    colour_of,
    kpi_chart,
    progress_over_time,
    reliability_diagram,
    status_doughnut,
    timeline,
)
from okrkpi.strategies import children_only

TREE = AlignmentTree(example_objectives())
AUG_15 = date(2026, 8, 15)
WEEKS = [Q3.start + timedelta(weeks=week) for week in range(8)]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def revenue():
    kr = KeyResult.metric("Revenue", start=0, target=100, plan=[(date(2026, 8, 31), 20)])
    kr = kr.check_in(10, at=date(2026, 7, 20), confidence=6)
    return kr.check_in(35, at=date(2026, 8, 10), confidence=8).check_in(90, at=date(2026, 9, 20))


def charts():
    return [
        burn_up(revenue(), cycle=Q3, as_of=date(2026, 8, 15)),
        progress_over_time(TREE, WEEKS),
        status_doughnut(TREE, as_of=EXAMPLE_AS_OF),
        timeline(TREE, as_of=EXAMPLE_AS_OF),
        kpi_chart(example_kpis()[0], as_of=EXAMPLE_AS_OF),
        reliability_diagram(calibration(TREE)),
    ]


def test_the_burn_up_draws_the_check_ins_the_plan_the_target_and_confidence():
    chart = burn_up(revenue(), cycle=Q3, as_of=date(2026, 8, 15)).plot()
    actual, expected, target = chart.ax_.lines[:3]
    assert actual.get_drawstyle() == "steps-post"
    # As of mid-August: the baseline, the two check-ins up to that day (not the third),
    # and the latest value held up to the as-of day.
    assert list(actual.get_xdata()) == [Q3.start, date(2026, 7, 20), date(2026, 8, 10), AUG_15]
    assert list(actual.get_ydata()) == [0.0, 10.0, 35.0, 35.0]
    # A dot per check-in: none at the cycle's start (no check-in there), none where held.
    assert actual.get_markevery() == [1, 2]
    assert list(expected.get_xdata()) == [Q3.start, date(2026, 8, 31), Q3.end]  # the plan
    assert list(expected.get_ydata()) == [0.0, 20.0, 100.0]
    assert set(target.get_ydata()) == {100.0}
    marker = chart.ax_.lines[3]
    assert list(marker.get_xdata()) == [date2num(date(2026, 8, 15))] * 2
    (twin,) = [ax for ax in chart.figure_.axes if ax is not chart.ax_]
    assert list(twin.lines[0].get_ydata()) == [0.6, 0.8]
    straight = burn_up(KeyResult.metric("x", start=5, target=10), cycle=Q3)
    assert [row["value"] for row in straight.data if row["series"] == "expected"] == [5.0, 10.0]


def test_the_burn_up_dots_only_check_ins_in_vega_lite_too():
    chart = burn_up(revenue(), cycle=Q3, as_of=date(2026, 8, 15))
    actual = [row for row in chart.data if row["series"] == "actual"]
    assert [row.get("cycle_start", False) for row in actual] == [True, False, False, False]
    assert [row.get("held", False) for row in actual] == [False, False, False, True]
    layers = chart.to_vega_lite()["layer"][0]["layer"]
    (dots,) = [
        layer
        for layer in layers
        if layer["mark"]["type"] == "point" and "'actual'" in layer["transform"][0]["filter"]
    ]
    test = dots["transform"][0]["filter"]
    assert "datum.cycle_start !== true" in test
    assert "datum.held !== true" in test


def test_check_ins_before_the_cycle_set_where_the_burn_up_starts():
    kr = KeyResult.metric("x", start=0, target=10)
    kr = kr.check_in(1, at=date(2026, 6, 1)).check_in(2, at=date(2026, 6, 20), confidence=5)
    kr = kr.check_in(5, at=date(2026, 8, 1))
    actual = [
        (row["at"], row["value"])
        for row in burn_up(kr, cycle=Q3).data
        if row["series"] in ("actual", "confidence")
    ]
    # Dated before the cycle, they count as the value at its start: one point, in order;
    # the last value holds to the as-of day (the cycle's end).
    assert actual == [(Q3.start, 2.0), (date(2026, 8, 1), 5.0), (Q3.end, 5.0)]


def test_the_doughnut_wedges_are_the_status_counts():
    chart = status_doughnut(TREE, as_of=EXAMPLE_AS_OF).plot()
    counts = [row["count"] for row in chart.data]
    assert sum(counts) == len(TREE)
    spans = [wedge.theta2 - wedge.theta1 for wedge in chart.ax_.patches]
    assert spans == pytest.approx([360 * count / sum(counts) for count in counts])
    colours = [matplotlib.colors.to_hex(wedge.get_facecolor()) for wedge in chart.ax_.patches]
    assert colours == [colour_of(row["status"]) for row in chart.data]


def test_the_kpi_band_lies_between_warning_and_target_and_the_line_is_the_measurements():
    kpi = example_kpis()[0]
    chart = kpi_chart(kpi, as_of=EXAMPLE_AS_OF).plot()
    line = chart.ax_.lines[0]
    assert list(line.get_ydata()) == [m.value for m in kpi.measurements.until(EXAMPLE_AS_OF)]
    (band,) = [patch for patch in chart.ax_.patches if patch.get_label() == "Warning band"]
    corners = band.get_patch_transform().transform(band.get_path().vertices)
    low, high = sorted({round(y, 9) for y in corners[:, 1]})
    assert (low, high) == (min(kpi.warning, kpi.target), max(kpi.warning, kpi.target))


def test_values_in_millions_are_written_out_with_no_power_of_ten_over_the_legend():
    revenue = KPI("Revenue", target=2_500_000, warning=2_000_000, unit="EUR")
    for month in range(1, 9):
        revenue = revenue.record(1_800_000 + month * 90_000, at=date(2026, month, 28))
    arr = KeyResult.metric("ARR", start=8_000_000, target=12_000_000).check_in(
        9_100_000, at=date(2026, 7, 20)
    )
    for chart in (
        kpi_chart(revenue, as_of=date(2026, 8, 15)).plot(),
        burn_up(arr, cycle=Q3, as_of=date(2026, 8, 15)).plot(),
    ):
        chart.figure_.canvas.draw()
        assert chart.ax_.yaxis.get_offset_text().get_text() == ""
        labels = [tick.get_text() for tick in chart.ax_.get_yticklabels() if tick.get_text()]
        assert labels
        assert all(re.fullmatch(r"\d{1,3}(,\d{3})+", label) for label in labels), labels
        plt.close(chart.figure_)


def test_a_score_of_0_is_drawn_clear_of_the_bottom_axis_as_1_is_of_the_top():
    stalled = KeyResult.metric("k", start=0, target=10).check_in(0, at=date(2026, 7, 20))
    tree = AlignmentTree([Objective("Stalled", [stalled], id="s", cycle=Q3)])
    chart = progress_over_time(tree, [date(2026, 7, 1), date(2026, 8, 1)]).plot()
    low, high = chart.ax_.get_ylim()
    assert list(chart.ax_.lines[0].get_ydata()) == [0.0, 0.0]
    assert low < 0.0 < 1.0 < high
    assert 0.0 - low == pytest.approx(high - 1.0)
    plt.close(chart.figure_)
    scale = chart.to_vega_lite()["encoding"]["y"]["scale"]
    assert scale["domain"][0] < 0.0 < 1.0 < scale["domain"][1]
    assert scale["nice"] is False


@pytest.mark.parametrize(
    ("kpi", "as_of"),
    [
        (example_kpis()[1], date(2026, 9, 15)),  # one measurement, overdue since 1 Sep
        (
            KPI("nps", target=500, frequency="weekly")
            .record(420, at=date(2026, 7, 1))
            .record(480, at=date(2026, 7, 8)),
            date(2026, 8, 15),  # overdue since 15 Jul
        ),
    ],
)
def test_an_overdue_kpi_s_dates_run_from_its_first_measurement_to_the_as_of_day(kpi, as_of):
    chart = kpi_chart(kpi, as_of=as_of).plot()
    low, high = chart.ax_.get_xlim()
    first = date2num(kpi.measurements[0].at)
    assert first - 3 < low < first  # not years either side of one measurement
    assert date2num(as_of) < high < date2num(as_of) + 3
    assert low < date2num(chart.overdue) < high - 7  # the marker clear of the edge
    plt.close(chart.figure_)


def line_of(spec):
    (line,) = [layer for layer in spec["layer"] if layer["mark"]["type"] == "line"]
    return line


def test_the_vega_lite_kpi_chart_marks_an_overdue_day_and_reaches_the_as_of_day():
    kpi = KPI("nps", target=40, warning=30, frequency="weekly").record(35, at=date(2026, 7, 1))
    spec = kpi_chart(kpi, as_of=date(2026, 7, 20)).to_vega_lite()
    (rule,) = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"][1:]
    assert rule["encoding"]["color"]["datum"] == "Overdue since 8 Jul 2026"
    assert rule["data"]["values"] == [{"at": "2026-07-08T00:00:00"}]
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks.index("rect") < marks.index("line")  # the band beneath the measurements
    domain = line_of(spec)["encoding"]["x"]["scale"]["domain"]
    ends = [(end["month"], end["date"], end["hours"], end["utc"]) for end in domain]
    assert ends == [(7, 1, 0, True), (7, 21, 0, True)]  # to the end of the as-of day
    same_day = KPI("k", target=1.0).record(0.5, at=datetime(2026, 7, 20, 14))
    same_day = same_day.record(0.7, at=datetime(2026, 7, 20, 16))
    layer = line_of(kpi_chart(same_day, as_of=date(2026, 7, 20)).to_vega_lite())
    start, end = (
        datetime(part["year"], part["month"], part["date"], part["hours"])
        for part in layer["encoding"]["x"]["scale"]["domain"]
    )
    assert start == datetime(2026, 7, 20, 14) < datetime(2026, 7, 20, 16) < end
    assert "Overdue since 8 Jul 2026" in vl_convert.vegalite_to_svg(spec)
    daily = KPI("daily", target=1.0)
    for day in range(90):
        daily = daily.record(0.5, at=date(2026, 5, 1) + timedelta(days=day))
    assert line_of(spec)["mark"]["point"] is True
    assert line_of(kpi_chart(daily).to_vega_lite())["mark"]["point"] is False  # a smear


@pytest.mark.parametrize(
    ("chart", "words"),
    [
        (lambda: status_doughnut(AlignmentTree([]), as_of=JULY), "No objectives with a cycle"),
        (lambda: timeline([], as_of=JULY), "No objectives with a cycle"),
        (lambda: progress_over_time(AlignmentTree([]), [JULY]), "No objectives to score"),
        (lambda: kpi_chart(KPI("k", target=1.0), as_of=JULY), "No measurements yet"),
    ],
)
def test_a_vega_lite_spec_with_nothing_to_draw_says_so_as_the_drawn_chart_does(chart, words):
    display = chart()
    svg = vl_convert.vegalite_to_svg(display.to_vega_lite())  # an empty doughnut's would not
    assert words in svg
    drawn = display.plot()
    assert [text.get_text() for text in drawn.ax_.texts] == [words]
    plt.close(drawn.figure_)


def _shape_channels(spec):
    for part in [spec, *_layers(spec)]:
        shape = part.get("encoding", {}).get("shape")
        if shape is not None:
            yield shape


@pytest.mark.parametrize("confidence", [None, 6])
def test_a_vega_lite_burn_up_legend_shows_each_line_as_drawn_with_or_without_confidence(
    confidence,
):
    falling = KeyResult.metric("Reduce churn", start=5, target=2, unit="%").check_in(
        4, at=date(2026, 7, 20), confidence=confidence
    )
    spec = burn_up(falling, cycle=Q3, as_of=date(2026, 8, 15)).to_vega_lite()
    (shape,) = _shape_channels(spec)
    looks = dict(zip(shape["scale"]["domain"], shape["scale"]["range"], strict=True))
    assert looks["Expected pace"] == looks["Target"] == looks["As of 15 Aug 2026"] == "stroke"
    assert vl_convert.vegalite_to_svg(spec)
    values = next(layer for layer in _layers(spec) if layer.get("mark", {}).get("interpolate"))
    assert values["encoding"]["y"]["scale"]["padding"] > 0  # the target at 2 is off the axis


def test_an_overdue_kpi_is_marked_where_its_measurement_was_due():
    kpi = KPI("nps", target=40, warning=30, frequency="weekly").record(35, at=date(2026, 7, 1))
    chart = kpi_chart(kpi, as_of=date(2026, 7, 20)).plot()
    assert chart.overdue == kpi.next_due(date(2026, 7, 20))
    labels = [line.get_label() for line in chart.ax_.lines]
    assert "Overdue since 8 Jul 2026" in labels
    assert kpi_chart(kpi, as_of=date(2026, 7, 2)).overdue is None


def test_progress_lines_are_the_tree_scores_and_one_objective_has_one_line():
    chart = progress_over_time(TREE, WEEKS).plot()
    assert len(chart.ax_.lines) == len(TREE)
    first = next(iter(TREE))
    assert list(chart.ax_.lines[0].get_ydata()) == [
        TREE.score(day).value(first.id) for day in WEEKS
    ]
    single = progress_over_time(first, WEEKS).plot()
    assert list(single.ax_.lines[0].get_ydata()) == [score(first, day).value for day in WEEKS]


def test_the_timeline_has_a_bar_per_objective_and_initiative_coloured_by_status():
    work = Initiative("Referrals", start=date(2026, 7, 15), end=date(2026, 8, 15))
    objective = Objective(
        "Grow", [KeyResult.binary("Ship", id="ship")], cycle=Q3, initiatives=[work]
    )
    chart = timeline([objective, Objective("No cycle")], as_of=date(2026, 8, 1)).plot()
    assert [row["kind"] for row in chart.data] == ["objective", "initiative"]
    cycle, work_span = chart.ax_.patches  # no score and no progress yet: nothing filled
    assert cycle.get_width() == (Q3.end - Q3.start).days + 1
    colour = matplotlib.colors.to_hex(cycle.get_facecolor(), keep_alpha=False)
    assert colour == colour_of(chart.data[0]["status"])
    assert work_span.get_width() == 32
    assert work_span.get_height() < cycle.get_height()  # initiatives are thinner


def test_the_reliability_diagram_plots_stated_against_observed():
    table = calibration(TREE)
    chart = reliability_diagram(table).plot()
    points = chart.ax_.lines[1]
    filled = [bucket for bucket in table.buckets if bucket.count]
    assert list(points.get_xdata()) == [bucket.stated for bucket in filled]
    assert list(points.get_ydata()) == [bucket.observed for bucket in filled]
    # Each point says how many bets it rests on, beside it: two are not a hundred.
    notes = {text.xy: text.get_text() for text in chart.ax_.texts}
    assert notes == {(b.stated, b.observed): f"n={b.count}" for b in filled}


@pytest.mark.parametrize("chart", charts(), ids=lambda c: type(c).__name__)
def test_every_vega_lite_spec_renders_to_svg(chart):
    spec = chart.to_vega_lite()
    assert spec["$schema"].endswith("vega-lite/v5.json")
    text = json.dumps(spec)  # JSON-safe
    svg = vl_convert.vegalite_to_svg(text)
    assert svg.startswith("<svg")
    assert chart.title in svg or chart.title.replace("&", "&amp;") in svg


def test_plot_draws_on_the_axes_given_and_passes_keyword_arguments():
    figure, ax = plt.subplots()
    chart = burn_up(revenue(), cycle=Q3).plot(ax=ax, linewidth=3)
    assert chart.ax_ is ax
    assert chart.figure_ is figure
    assert chart.ax_.lines[0].get_linewidth() == 3
    assert "BurnUpDisplay" in repr(chart)


def test_without_matplotlib_data_and_specs_work_and_plot_names_the_extra(monkeypatch):
    chart = status_doughnut(TREE, as_of=EXAMPLE_AS_OF)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(MissingExtraError, match=r'pip install "okrkpi\[plot\]"') as raised:
        chart.plot()
    assert isinstance(raised.value, ImportError)
    values = chart.to_vega_lite()["data"]["values"]  # the data, each wedge with its label too
    pairs = zip(values, chart.data, strict=True)
    assert [{key: row[key] for key in data} for row, data in pairs] == chart.data


def test_import_okrkpi_and_its_charts_module_work_when_matplotlib_is_missing():
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'matplotlib': raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import okrkpi, okrkpi.plot\n"
        "from okrkpi.examples import example_objectives, EXAMPLE_AS_OF\n"
        "chart = okrkpi.plot.status_doughnut(okrkpi.AlignmentTree(example_objectives()), as_of=EXAMPLE_AS_OF)\n"
        "print(len(chart.to_vega_lite()['data']['values']))\n"
        "try:\n    chart.plot()\nexcept okrkpi.MissingExtraError as error:\n    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert 'pip install "okrkpi[plot]"' in result.stdout


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda: burn_up("revenue", cycle=Q3), "burn_up.key_result"),
        (lambda: burn_up(revenue(), cycle="Q3"), "burn_up.cycle"),
        (lambda: burn_up(revenue(), cycle=Q3, as_of="2026-08-01"), "burn_up.as_of"),
        (lambda: progress_over_time(TREE, []), "progress_over_time.dates"),
        (lambda: progress_over_time("tree", WEEKS), "progress_over_time.subject"),
        (lambda: status_doughnut("tree", as_of=EXAMPLE_AS_OF), "status_doughnut.tree"),
        (lambda: status_doughnut(TREE, as_of=None), "status_doughnut.as_of"),
        (lambda: timeline("objectives"), "timeline.objectives"),
        (lambda: timeline(["o"]), r"timeline.objectives\[0\]"),
        (lambda: kpi_chart("kpi"), "kpi_chart.kpi"),
        (lambda: reliability_diagram(None), "reliability_diagram.calibration"),
    ],
)
def test_bad_arguments_are_refused_naming_them(call, path):
    with pytest.raises(ValidationError, match=path):
        call()


def test_colours_live_in_one_place_shared_with_html():
    from okrkpi.display import objective_html

    assert colour_of("at_risk") == COLOURS["AT_RISK"]
    assert colour_of("no such thing") == colour_of("NOT_STARTED")
    html = objective_html(example_objectives()[0])
    assert COLOURS[score(example_objectives()[0]).grade.name] in html


def _layers(spec):
    for layer in spec.get("layer", ()):
        yield layer
        yield from _layers(layer)


def test_the_vega_lite_burn_up_steps_only_the_check_ins():
    spec = burn_up(revenue(), cycle=Q3, as_of=date(2026, 8, 15)).to_vega_lite()
    stepped = [
        layer["transform"][0]["filter"]
        for layer in _layers(spec)
        if isinstance(layer.get("mark"), dict) and layer["mark"].get("interpolate") == "step-after"
    ]
    assert stepped == ["datum.series == 'actual'"]  # expected and target are straight lines
    # the values share one axis; confidence has its own on the right
    values, confidence = spec["layer"]
    assert spec["resolve"] == {"scale": {"y": "independent"}}
    assert confidence["encoding"]["y"]["axis"]["orient"] == "right"
    assert {layer["encoding"]["y"].get("title") for layer in values["layer"][:-1]} == {"value"}


def test_the_timeline_judges_a_tree_s_objectives_as_the_tree_does():
    rolled = AlignmentTree(example_objectives(), policy=ScoringPolicy(rollup=children_only()))
    rows = {row["label"]: row["status"] for row in timeline(rolled, as_of=EXAMPLE_AS_OF).data}
    statuses = rolled.status(EXAMPLE_AS_OF)
    assert all(rows[o.title] == statuses[o.id].value for o in rolled)


def test_an_empty_doughnut_says_so():
    chart = status_doughnut(AlignmentTree([]), as_of=date(2026, 8, 1)).plot()
    assert [text.get_text() for text in chart.ax_.texts] == ["No objectives with a cycle"]
    plt.close(chart.figure_)


def test_objectives_sharing_a_title_stay_apart_in_vega_lite():
    twins = [
        Objective("Same title", [KeyResult.binary("a", done=True)], id="one", cycle=Q3),
        Objective("Same title", [KeyResult.binary("b")], id="two", cycle=Q3),
    ]
    lines = progress_over_time(AlignmentTree(twins), [Q3.start, Q3.end]).to_vega_lite()
    assert {row["series"] for row in lines["data"]["values"]} == {
        "Same title (one)",
        "Same title (two)",
    }
    bars = timeline(twins, as_of=date(2026, 8, 1)).to_vega_lite()
    assert bars["spec"]["layer"][0]["encoding"]["y"]["field"] == "row"
    assert "Same title" in vl_convert.vegalite_to_svg(bars)


def test_charts_name_a_bad_axes_or_date():
    with pytest.raises(ValidationError, match=r"plot\.ax"):
        status_doughnut(TREE, as_of=EXAMPLE_AS_OF).plot(ax="x")
    with pytest.raises(ValidationError, match=r"kpi_chart\.as_of"):
        kpi_chart(example_kpis()[0], as_of=5)
    with pytest.raises(ValidationError, match=r"timeline\.as_of"):
        timeline([], as_of="junk")


def _temporal_channels(spec):
    for part in [spec, *_layers(spec), *_layers(spec.get("spec", {}))]:
        for channel in part.get("encoding", {}).values():
            if (
                isinstance(channel, dict)
                and channel.get("type") == "temporal"
                and "axis" in channel
            ):
                yield channel


@pytest.mark.parametrize("chart", charts(), ids=lambda c: type(c).__name__)
def test_vega_lite_time_axes_are_utc_wall_clock_with_a_format(chart):
    spec = chart.to_vega_lite()
    for channel in _temporal_channels(spec):
        assert channel["scale"]["type"] == "utc"
        for end in channel["scale"].get("domain", []):  # a domain's ends are UTC too
            assert end["utc"] is True
        assert channel["axis"]["format"] in ("%-d %b", "%b %Y", "%Y")
        assert channel["axis"]["labelOverlap"] is True
    parse = spec["data"].get("format", {}).get("parse", {})
    assert all(rule == "utc:'%Y-%m-%dT%H:%M:%S'" for rule in parse.values())


def test_a_viewer_s_time_zone_moves_no_check_in_to_another_day():
    from datetime import datetime, timezone

    morning = datetime(2026, 9, 29, 10, 30, tzinfo=timezone(timedelta(hours=-7)))
    kr = KeyResult.metric("k", start=0, target=10).check_in(5, at=morning)
    spec = burn_up(kr, cycle=Q3).to_vega_lite()
    assert {
        "series": "actual",
        "at": "2026-09-29T10:30:00",
        "value": 5.0,
        "shown": "Check-ins",
    } in (spec["data"]["values"])
    code = "import json, sys, vl_convert; print(vl_convert.vegalite_to_svg(json.load(sys.stdin)))"
    drawn = {
        zone: subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "TZ": zone},
        ).stdout
        for zone in ("UTC", "America/Los_Angeles")
    }
    assert len(set(drawn.values())) == 1


def test_many_objectives_are_grey_lines_under_their_average_in_vega_lite_too():
    many = AlignmentTree(
        [
            Objective(f"o{n}", [KeyResult.binary("k", done=n % 2 == 0)], id=f"o{n}", cycle=Q3)
            for n in range(12)
        ]
    )
    spec = progress_over_time(many, [Q3.start, Q3.end]).to_vega_lite()
    lines, average = spec["layer"]
    assert lines["encoding"]["color"]["datum"] == "Each objective (12)"
    assert average["transform"][0]["aggregate"][0]["op"] == "mean"
    svg = vl_convert.vegalite_to_svg(spec)
    assert ">Average</text>" in svg


def test_a_vega_lite_legend_of_long_titles_wraps_within_the_charts_width():
    titles = [
        "Delight enterprise customers with onboarding",
        "Build a world-class engineering culture",
        "Expand into the DACH market profitably",
        "Make our product the fastest in its class",
        "Grow a healthy partner ecosystem",
    ]
    objectives = [
        Objective(title, [KeyResult.metric("k", start=0, target=1)], id=f"o{n}", cycle=Q3)
        for n, title in enumerate(titles)
    ]
    chart = progress_over_time(AlignmentTree(objectives), [date(2026, 7, 1), date(2026, 8, 1)])
    spec = chart.to_vega_lite()
    svg = vl_convert.vegalite_to_svg(spec)
    width = float(re.search(r'<svg[^>]* width="([\d.]+)"', svg)[1])
    assert width < spec["width"] + 100  # one row of five titles made it about 1,050 px
    assert all(title in svg for title in titles)  # each fits its column, uncut
    short = status_doughnut(TREE, as_of=EXAMPLE_AS_OF).to_vega_lite()["config"]["legend"]
    assert short["columns"] > 1  # short words share rows


def test_the_vega_lite_timeline_fills_a_short_cycle_to_its_score_as_matplotlib_does():
    from okrkpi import Cycle

    sprint = Cycle("Sprint", date(2026, 8, 10), date(2026, 8, 16))  # seven days
    checked = KeyResult.metric("k", start=0, target=10).check_in(6, at=date(2026, 8, 12))
    chart = timeline([Objective("Goal", [checked], id="g", cycle=sprint)], as_of=date(2026, 8, 13))
    (row,) = chart.to_vega_lite()["data"]["values"]
    # 60% of seven days is 4.2 days: 14 August at 04:48, as the matplotlib bar ends.
    assert row["filled"].startswith("2026-08-14T04:48")
    assert row["until"].startswith("2026-08-17T00:00")  # the end of the last day
    drawn = chart.plot()
    (filled,) = [bar for bar in drawn.ax_.patches if bar.get_alpha() is None]
    assert filled.get_x() + filled.get_width() == pytest.approx(date2num(date(2026, 8, 14)) + 0.2)
    plt.close(drawn.figure_)


def test_the_vega_lite_timeline_orders_groups_as_matplotlib_and_names_only_what_it_draws():
    levels = ["company", "team", "individual", "department"]
    objectives = [
        Objective(f"O{n}", [KeyResult.metric("k", start=0, target=1)], id=f"o{n}", level=level)
        for n, level in enumerate(levels)
    ]
    objectives = [attrs.evolve(objective, cycle=Q3) for objective in objectives]
    spec = timeline(objectives, as_of=date(2026, 8, 15)).to_vega_lite()
    assert spec["facet"]["row"]["sort"] == {"field": "heading_order", "op": "min"}
    order = {row["heading"]: row["heading_order"] for row in spec["data"]["values"]}
    assert sorted(order, key=order.get) == ["Company", "Department", "Team", "Individual"]
    colours = spec["spec"]["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert "Initiative" not in colours  # four objectives, one status, no initiative


def test_the_vega_lite_timeline_legend_says_what_a_bar_is_as_matplotlib_s_does():
    chart = timeline(TREE, as_of=EXAMPLE_AS_OF)
    spec = chart.to_vega_lite()
    domain = spec["spec"]["layer"][0]["encoding"]["color"]["scale"]["domain"]
    drawn = chart.plot()
    labels = [text.get_text() for text in drawn.ax_.get_legend().get_texts()]
    plt.close(drawn.figure_)
    assert sorted(domain) == sorted(labels)  # every entry matplotlib shows, Vega-Lite too
    assert "Cycle, filled to the score" in vl_convert.vegalite_to_svg(spec)


def test_an_ungrouped_vega_lite_timeline_grows_a_step_per_row():
    spec = timeline(TREE, as_of=EXAMPLE_AS_OF, group_by=None).to_vega_lite()
    assert spec["height"] == {"step": 18}
    assert "facet" not in spec
    assert "Become a market leader" in vl_convert.vegalite_to_svg(spec)


def test_to_svg_is_the_same_for_the_same_chart_and_its_ids_are_its_own():
    chart = status_doughnut(TREE, as_of=EXAMPLE_AS_OF)
    svg = chart.to_svg()
    assert svg == chart.to_svg()
    assert svg.startswith('<svg role="img" aria-label="Objectives by status"')
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids
    assert all(name.startswith("okrkpi-") for name in ids)


@pytest.mark.parametrize(
    ("chart", "words"),
    [
        (lambda: kpi_chart(KPI("signups", target=10)), "No measurements yet"),
        (
            lambda: kpi_chart(KPI("signups", target=10).record(3, at=date(2026, 8, 1)), as_of=JULY),
            "No measurements yet",
        ),
        (
            lambda: progress_over_time(AlignmentTree([]), [date(2026, 8, 1)]),
            "No objectives to score",
        ),
        (
            lambda: reliability_diagram(calibration(AlignmentTree([]))),
            "No confidence ratings with an outcome yet",
        ),
    ],
    ids=["kpi", "kpi-before-its-first", "progress", "reliability"],
)
def test_an_empty_chart_says_so_in_words_without_axes_or_legend(chart, words):
    drawn = chart().plot()
    assert [text.get_text() for text in drawn.ax_.texts] == [words]
    assert drawn.ax_.get_legend() is None
    assert not drawn.ax_.axison  # no axis of 1970, no -0.04..0.04
    assert len(drawn.ax_.lines) == 0


def test_a_kpi_without_a_target_is_measured_with_no_target_not_no_data():
    chart = kpi_chart(KPI("signups", target=None).record(3, at=date(2026, 8, 1))).plot()
    (label,) = chart.ax_.get_legend_handles_labels()[1]
    assert label == "Measured (no target)"
    chart = kpi_chart(KPI("signups", target=10).record(3, at=date(2026, 8, 1))).plot()
    assert chart.ax_.get_legend_handles_labels()[1][0] == "Measured (now unhealthy)"


# The last evening of Q3 in California: already 1 October in UTC.
_LAST_EVENING = datetime(2026, 9, 30, 18, 30, tzinfo=timezone(timedelta(hours=-7)))


def test_the_burn_up_follows_a_day_rule_given_or_the_policys():
    kr = KeyResult.binary("Ship", id="ship").check_in(True, at=_LAST_EVENING)

    def actual(**rule):
        made = burn_up(kr, cycle=Q3, as_of=Q3.end, **rule)
        return [row["value"] for row in made.data if row["series"] == "actual"]

    assert actual() == [0.0, 1.0]  # dated 30 September where it was made
    assert actual(day_of="utc") == [0.0, 0.0]  # 1 October in UTC: after the cycle
    assert actual(policy=ScoringPolicy(day_of="utc")) == [0.0, 0.0]
    assert actual(policy=ScoringPolicy(day_of="utc"), day_of="UTC") == [0.0, 0.0]
    with pytest.raises(ValidationError, match=r"burn_up\.day_of: expected None or the policy"):
        burn_up(kr, cycle=Q3, policy=ScoringPolicy(), day_of="utc")
    with pytest.raises(ValidationError, match=r"burn_up\.day_of: expected a DayOf"):
        burn_up(kr, cycle=Q3, day_of="server")
    with pytest.raises(ValidationError, match=r"burn_up\.policy"):
        burn_up(kr, cycle=Q3, policy="strict")


def test_the_kpi_chart_follows_a_day_rule():
    kpi = KPI("reply", target=60, higher_is_better=False).record(50, at=_LAST_EVENING)
    assert len(kpi_chart(kpi, as_of=Q3.end).data) == 1
    assert kpi_chart(kpi, as_of=Q3.end, day_of="utc").data == []
    assert kpi_chart(kpi, as_of=Q3.end, day_of="utc").health.name == "UNKNOWN"
    with pytest.raises(ValidationError, match=r"kpi_chart\.day_of"):
        kpi_chart(kpi, day_of=3)


@pytest.mark.parametrize("chart", range(6), ids=str)
@pytest.mark.parametrize(
    ("keywords", "named"),
    [({"linewidht": 2}, "plot.linewidht"), ({"linewidth": "thick"}, "plot.linewidth")],
)
def test_a_bad_keyword_is_named_and_nothing_is_drawn_or_left_open(chart, keywords, named):
    made = charts()[chart]
    open_before = plt.get_fignums()
    with pytest.raises(ValidationError, match=re.escape(named)):
        made.plot(**keywords)
    assert plt.get_fignums() == open_before  # no figure left open
    figure, ax = plt.subplots()
    with pytest.raises(ValidationError, match=re.escape(named)):
        made.plot(ax=ax, **keywords)
    assert len(ax.lines) == len(ax.patches) == len(ax.texts) == 0
    assert len(figure.axes) == 1  # no twin axes either
    plt.close(figure)


def test_good_keywords_style_the_main_artist_of_each_kind():
    doughnut = status_doughnut(TREE, as_of=EXAMPLE_AS_OF).plot(linewidth=4)
    assert {wedge.get_linewidth() for wedge in doughnut.ax_.patches} == {4}
    bars = timeline(TREE, as_of=EXAMPLE_AS_OF).plot(hatch="//")
    assert any(bar.get_hatch() == "//" for bar in bars.ax_.patches)


def test_a_figure_opened_for_a_drawing_that_fails_is_closed(monkeypatch):
    made = kpi_chart(example_kpis()[0], as_of=EXAMPLE_AS_OF)

    def broken(ax, **kwargs):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(made, "_draw", broken)
    open_before = plt.get_fignums()
    with pytest.raises(RuntimeError):
        made.plot()
    assert plt.get_fignums() == open_before


@pytest.mark.parametrize("dates", ["2026-08-01", b"2026-08-01", date(2026, 8, 1)])
def test_progress_over_time_refuses_a_string_as_its_dates(dates):
    with pytest.raises(ValidationError, match=r"progress_over_time\.dates: expected a sequence"):
        progress_over_time(TREE, dates)


def test_a_carried_over_objective_continues_its_line_on_one_row():
    from okrkpi import Cycle, carry_over

    q4 = Cycle.quarter(2026, 4)
    first = Objective("Grow revenue", [KeyResult.metric("r", start=0, target=10)], id="grow")
    first = attrs.evolve(first, cycle=Q3)
    second = carry_over(first, to=q4)
    twin = Objective("Grow revenue", [KeyResult.binary("b")], id="other", cycle=Q3)
    chart = timeline([first, second, twin], as_of=date(2026, 10, 15), group_by=None)
    bars = [row for row in chart.data if row["kind"] == "objective"]
    rows = {row["objective_id"]: row["row"] for row in bars}
    assert rows[first.id] == rows[second.id] != rows["other"]  # one line, two cycles
    assert [row["cycle"] for row in bars if row["row"] == rows["grow"]] == [Q3.name, q4.name]
    drawn = chart.plot()
    labels = [label.get_text() for label in drawn.ax_.get_yticklabels()]
    # two lines share a title: each names its objective, as progress_over_time does
    assert sorted(labels) == sorted([f"Grow revenue ({second.id})", "Grow revenue (other)"])
    spec = json.dumps(chart.to_vega_lite())
    assert f"Grow revenue ({second.id})" in spec


def _legend_entries(spec):
    """The words of every legend entry in the spec rendered as SVG, and the SVG."""
    svg = vl_convert.vegalite_to_svg(spec)
    legend = svg[svg.index('class="mark-group role-legend"') :]
    return re.findall(r"<text[^>]*>([^<]+)</text>", legend), svg


def test_vega_lite_explains_every_mark_as_matplotlib_does():
    burn = burn_up(revenue(), cycle=Q3, as_of=date(2026, 8, 15))
    words, svg = _legend_entries(burn.to_vega_lite())
    assert "As of 15 Aug 2026" in words  # the as-of rule has an entry
    assert 'stroke-dasharray="4,3"' in svg  # the plan's dashes in its legend symbol
    assert 'stroke-dasharray="1,3"' in svg  # the target's dots
    plan = [row for row in burn.data if row["series"] == "expected" and row["planned"]]
    assert [row["at"] for row in plan] == [date(2026, 8, 31)]  # the plan point is marked
    spec = burn.to_vega_lite()
    assert spec["layer"][0]["layer"][0]["encoding"]["x"]["title"] == "2026"  # the year
    words, _ = _legend_entries(timeline(TREE, as_of=EXAMPLE_AS_OF).to_vega_lite())
    assert "As of 15 Aug 2026" in words
    kpi = kpi_chart(example_kpis()[0], as_of=EXAMPLE_AS_OF)
    words, _ = _legend_entries(kpi.to_vega_lite())
    assert "Measured (now warning)" in words  # the health, as in matplotlib
    doughnut = vl_convert.vegalite_to_svg(status_doughnut(TREE, as_of=EXAMPLE_AS_OF).to_vega_lite())
    for row in status_doughnut(TREE, as_of=EXAMPLE_AS_OF).data:  # each wedge labelled
        assert f">{label_of(row['status'])}: {row['count']} (33%)</text>" in doughnut


def test_vega_lite_doughnut_labels_of_small_wedges_side_by_side_stay_apart():
    # One large wedge and three of one or two objectives: by angle alone their labels piled
    # up over one another (and over the legend); they are spread as matplotlib spreads them.
    day = date(2026, 8, 3)

    def objective(number, *values, cycle=Q3):
        kr = KeyResult.metric("k", start=0, target=10)
        for value in values:
            kr = kr.check_in(value, at=day)
        return Objective(f"O{number}", [kr], id=f"o{number}", cycle=cycle)

    objectives = [objective(number, 10) for number in range(200)]  # achieved
    objectives += [objective(200), objective(201, 1), objective(202, 4)]  # not started...
    objectives += [objective(203, cycle=Cycle.quarter(2026, 2))]  # ended: missed
    chart = status_doughnut(AlignmentTree(objectives), as_of=date(2026, 8, 15))
    assert len(chart.data) >= 4
    svg = vl_convert.vegalite_to_svg(chart.to_vega_lite())
    placed = re.findall(
        r'text-anchor="(start|end)" transform="translate\(([\d.]+),([\d.]+)\)"'
        r'[^>]*font-size="11px"[^>]*>([^<]+)</text>',
        svg,
    )
    shown = {words.split(" (")[0] for _, _, _, words in placed}  # "Missed: 1 (<1%)"
    assert shown == {f"{label_of(row['status'])}: {row['count']}" for row in chart.data}
    for side in ("start", "end"):
        heights = sorted(float(y) for anchor, _, y, _ in placed if anchor == side)
        assert all(low + 11 <= high for low, high in itertools.pairwise(heights))
        assert all(0 <= height <= 260 for height in heights)  # inside the plot, under the legend


def test_a_one_week_sprint_fills_its_date_axis_and_one_day_gets_a_week():
    sprint = Cycle("Sprint 14", date(2026, 7, 6), date(2026, 7, 12))
    kr = KeyResult.metric("Tickets", start=0, target=20, id="k")
    for offset, value in enumerate([3, 7, 12]):
        kr = kr.check_in(value, at=sprint.start + timedelta(days=2 * offset))
    tree = AlignmentTree([Objective("Ship", [kr], id="o", cycle=sprint)])
    week = [sprint.start + timedelta(days=offset) for offset in range(7)]
    for chart in (
        burn_up(kr, cycle=sprint, as_of=date(2026, 7, 10)).plot(),
        progress_over_time(tree, week).plot(),
    ):
        low, high = chart.ax_.get_xlim()
        assert high - low < 10  # not half empty around the sprint's week
        assert low <= date2num(sprint.start)
        assert date2num(sprint.end) <= high
        plt.close(chart.figure_)
    one_day = progress_over_time(tree, [date(2026, 7, 8)]).plot()
    low, high = one_day.ax_.get_xlim()
    assert high - low == pytest.approx(7)  # a week around it, not years
    assert low < date2num(date(2026, 7, 8)) < high
    plt.close(one_day.figure_)


@pytest.mark.parametrize(("last", "tinted"), [(156.0, True), (140.0, False)])
def test_a_kpi_chart_tints_past_the_warning_level_where_a_measurement_is(last, tinted):
    # Lower is better: 156 is past the warning level of 150, and sat on white like 90 did.
    kpi = KPI("Queue length", target=100.0, warning=150.0, higher_is_better=False)
    for hour, value in enumerate([90.0, 120.0, last]):
        kpi = kpi.record(value, at=datetime(2026, 8, 14, 8 + hour))
    chart = kpi_chart(kpi).plot()
    handles, labels = chart.ax_.get_legend_handles_labels()
    assert ("Unhealthy" in labels) is tinted
    if tinted:
        shade = handles[labels.index("Unhealthy")]
        assert shade.get_y() == 150.0  # from the level, upwards
        assert shade.get_height() > 0
        assert chart.ax_.get_ylim()[1] < 160  # the tint does not stretch the axis
        assert shade.get_hatch()  # told from the warning band by more than a near tint
    plt.close(chart.figure_)
    # In Vega-Lite, beneath the line, to the furthest measurement there.
    layers = chart.to_vega_lite()["layer"]
    tints = [layer for layer in layers if layer["encoding"]["color"].get("datum") == "Unhealthy"]
    assert [tint["data"]["values"] for tint in tints] == (
        [[{"low": 150.0, "high": last}]] if tinted else []
    )
    if tinted:
        assert layers.index(tints[0]) < layers.index(line_of({"layer": layers}))


def test_a_kpi_range_is_tinted_only_on_the_side_a_measurement_went_past():
    kpi = KPI("CPU", target=TargetRange(40.0, 70.0), warning=10.0)
    for day, value in enumerate([55.0, 75.0, 85.0]):  # past 80 above, never below 30
        kpi = kpi.record(value, at=date(2026, 7, 1 + day))
    chart = kpi_chart(kpi).plot()
    unhealthy = matplotlib.colors.to_rgb(COLOURS["UNHEALTHY"])
    tints = [patch for patch in chart.ax_.patches if patch.get_facecolor()[:3] == unhealthy]
    assert [(tint.get_y(), tint.get_height() > 0) for tint in tints] == [(80.0, True)]
    layers = chart.to_vega_lite()["layer"]
    spans = [
        layer["data"]["values"]
        for layer in layers
        if layer["encoding"]["color"].get("datum") == "Unhealthy"
    ]
    assert spans == [[{"low": 80.0, "high": 85.0}]]
    plt.close(chart.figure_)


def hourly_kpi(day, hours):
    kpi = KPI("API latency p95", target=200.0, higher_is_better=False, warning=250.0, unit="ms")
    for hour in hours:
        kpi = kpi.record(
            180 + hour, at=datetime.combine(day, datetime.min.time()) + timedelta(hours=hour)
        )
    return kpi


def test_a_kpi_read_by_the_hour_gets_an_axis_of_hours_naming_its_day():
    day = date(2026, 8, 14)
    chart = kpi_chart(hourly_kpi(day, range(24)), as_of=day).plot()
    chart.figure_.canvas.draw()
    low, high = chart.ax_.get_xlim()
    assert date2num(day) - 0.1 < low <= date2num(day)  # the day, not a week around it
    assert date2num(day) + 1 <= high < date2num(day) + 1.1
    labels = [tick.get_text() for tick in chart.ax_.get_xticklabels()]
    assert any(re.fullmatch(r"\d\d?:00", label) for label in labels), labels
    assert chart.ax_.xaxis.get_offset_text().get_text() == "14 Aug 2026"  # not the 15th
    spec = kpi_chart(hourly_kpi(day, range(24)), as_of=day).to_vega_lite()
    x = line_of(spec)["encoding"]["x"]
    assert x["title"] == "14 Aug 2026"
    assert "%H:%M" in x["axis"]["labelExpr"]
    svg = vl_convert.vegalite_to_svg(spec)
    assert "12:00" in svg
    assert "14 Aug" in svg


def test_readings_of_hours_over_two_days_name_both_days_and_daily_ones_keep_a_week():
    night = hourly_kpi(date(2026, 12, 31), [20, 22, 26, 28])  # into the new year
    chart = kpi_chart(night).plot()
    chart.figure_.canvas.draw()
    low, high = chart.ax_.get_xlim()
    first, last = (date2num(datetime(2026, 12, 31, 20)), date2num(datetime(2027, 1, 1, 4)))
    assert first - 0.05 < low < first  # eight hours of readings: the eight hours
    assert last < high < last + 0.05
    assert chart.ax_.xaxis.get_offset_text().get_text() == "31 Dec 2026 \u2013 1 Jan 2027"
    night_spec = kpi_chart(night).to_vega_lite()
    assert line_of(night_spec)["encoding"]["x"]["title"] == "31 Dec 2026 \u2013 1 Jan 2027"
    assert vl_convert.vegalite_to_svg(night_spec)
    two_days = hourly_kpi(date(2026, 8, 14), [6, 30])
    title = line_of(kpi_chart(two_days).to_vega_lite())["encoding"]["x"]["title"]
    assert title == "14 Aug \u2013 15 Aug 2026"
    daily = KPI("nps", target=40).record(35, at=date(2026, 7, 1)).record(36, at=date(2026, 7, 2))
    chart = kpi_chart(daily).plot()
    low, high = chart.ax_.get_xlim()
    assert high - low == pytest.approx(7)  # days, as before: a week around them


def test_burn_up_confidence_is_level_with_start_and_target_and_whole_at_0_and_100():
    kr = KeyResult.metric("Paying customers", start=0, target=100, id="k")
    for week, (value, confidence) in enumerate([(5, 0), (30, 6), (100, 10)]):
        kr = kr.check_in(value, at=Q3.start + timedelta(days=7 * week + 3), confidence=confidence)
    chart = burn_up(kr, cycle=Q3, as_of=AUG_15).plot()
    twin = next(other for other in chart.figure_.axes if other is not chart.ax_)
    for value, share in ((0, 0.0), (100, 1.0)):  # 0% beside the start, 100% beside the target
        level = chart.ax_.transData.transform((0, value))[1]
        assert twin.transData.transform((0, share))[1] == pytest.approx(level, abs=0.5)
    low, high = twin.get_ylim()
    assert low < 0.0 < 1.0 < high  # a diamond at 0% or 100% is not cut by the frame
    spec = burn_up(kr, cycle=Q3, as_of=AUG_15).to_vega_lite()
    values, confidence = spec["layer"]
    value_scale = values["layer"][0]["encoding"]["y"]["scale"]
    assert value_scale["nice"] is False  # values end where confidence's 0% and 100% do
    assert confidence["encoding"]["y"]["scale"]["padding"] == value_scale["padding"]


def test_an_overdue_kpi_s_health_is_its_last_measurement_s_and_the_year_is_axis_sized():
    kpi = KPI("nps", target=40, warning=30, frequency="daily").record(45, at=date(2026, 8, 5))
    overdue = kpi_chart(kpi, as_of=date(2026, 8, 15)).plot()
    words = [text.get_text() for text in overdue.ax_.get_legend().get_texts()]
    assert words[0] == "Measured (last healthy)"  # ten days without a value: not "now"
    assert "Overdue since 6 Aug 2026" in words
    fresh = kpi_chart(kpi, as_of=date(2026, 8, 5)).plot()
    assert fresh.ax_.get_legend().get_texts()[0].get_text() == "Measured (now healthy)"
    year = overdue.ax_.xaxis.get_offset_text()
    assert year.get_fontsize() == overdue.ax_.xaxis.label.get_fontsize()  # not above the ticks'


def test_vega_lite_pads_its_axes_so_a_point_at_an_end_is_drawn_whole():
    kpi = KPI("churn", target=2.0, higher_is_better=False, warning=3.0)
    kpi = kpi.record(1.8, at=date(2026, 8, 1))  # the lowest value, on the first day
    line = line_of(kpi_chart(kpi, as_of=date(2026, 8, 15)).to_vega_lite())
    assert line["encoding"]["x"]["scale"]["padding"] > 0
    assert line["encoding"]["y"]["scale"]["padding"] > 0
    hourly = line_of(kpi_chart(hourly_kpi(date(2026, 8, 14), range(4))).to_vega_lite())
    assert hourly["encoding"]["x"]["scale"]["padding"] > 0


def test_the_vega_lite_reliability_diagram_is_the_matplotlib_one():
    history = [
        Objective(
            "Bets",
            [
                KeyResult.binary(f"Bet {n}", id=f"b{n}")
                .check_in(False, at=date(2026, 7, 10), confidence=stated)
                .check_in(came_true, at=date(2026, 9, 20))
                for n, (stated, came_true) in enumerate([(8, True), (8, False), (3, False)])
            ],
            id="bets",
            cycle=Q3,
        )
    ]
    chart = reliability_diagram(calibration(history, as_of=date(2026, 10, 1)))
    spec = chart.to_vega_lite()
    assert spec["width"] == spec["height"]  # square: the diagonal at 45 degrees
    colours = [
        layer["encoding"]["color"] for layer in spec["layer"] if "color" in layer["encoding"]
    ]
    assert [colour["datum"] for colour in colours] == [
        "Perfectly calibrated",
        "Stated vs came true",
    ]
    drawn_chart = chart.plot()
    drawn_chart.figure_.canvas.draw()  # the aspect is applied when drawn
    box = drawn_chart.ax_.get_window_extent()
    assert box.width == pytest.approx(box.height, rel=0.01)  # square in matplotlib too
    drawn = drawn_chart.ax_.lines[1].get_color()  # matplotlib's line, after the diagonal
    assert colours[1]["scale"]["range"][0] == matplotlib.colors.to_hex(drawn)
    svg = vl_convert.vegalite_to_svg(spec)
    for words in ("n=2", "n=1", "Stated vs came true", "Perfectly calibrated"):
        assert words in svg


def test_the_vega_lite_kpi_legend_draws_each_entry_as_it_is_drawn():
    kpi = KPI("Queue length", target=100.0, warning=150.0, higher_is_better=False)
    for hour, value in enumerate([90.0, 120.0, 156.0]):
        kpi = kpi.record(value, at=datetime(2026, 8, 14, 8 + hour))
    spec = kpi_chart(kpi).to_vega_lite()
    (entries,) = [layer for layer in spec["layer"] if layer.get("transform")]
    encoding = entries["encoding"]
    words = encoding["color"]["scale"]["domain"]
    assert words == ["Measured (now unhealthy)", "Warning band", "Unhealthy", "Target"]
    shapes = dict(zip(words, encoding["shape"]["scale"]["range"], strict=True))
    assert shapes == {
        "Measured (now unhealthy)": "stroke",
        "Warning band": "square",
        "Unhealthy": "square",
        "Target": "stroke",
    }
    dashes = dict(zip(words, encoding["strokeDash"]["scale"]["range"], strict=True))
    assert dashes["Target"] != dashes["Measured (now unhealthy)"]  # dotted, as drawn
    colours = dict(zip(words, encoding["color"]["scale"]["range"], strict=True))
    bands = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rect"]
    # Its pale colour, nearly opaque: the square matches it, grid lines show through.
    assert all(0.8 <= band["mark"]["opacity"] < 1 for band in bands)
    assert colours["Warning band"] not in (COLOURS["WARNING"], colours["Unhealthy"])
    assert vl_convert.vegalite_to_svg(spec)


def test_an_axis_of_hours_holds_one_reading_and_readings_in_several_zones(recwarn):
    one = KPI("Latency", target=200, higher_is_better=False, warning=250)
    one = one.record(180, at=datetime(2026, 8, 14, 9))
    low, high = kpi_chart(one).plot().ax_.get_xlim()
    assert high - low == pytest.approx(0.25)  # six hours around it, not years
    assert not [w for w in recwarn if "xlim" in str(w.message)]  # no equal limits
    east, west = timezone(timedelta(hours=14)), timezone(timedelta(hours=-10))
    zoned = KPI("L", target=200).record(180, at=datetime(2026, 8, 14, 10, tzinfo=east))
    zoned = zoned.record(220, at=datetime(2026, 8, 14, 2, tzinfo=UTC))
    zoned = zoned.record(190, at=datetime(2026, 8, 13, 23, tzinfo=west))
    chart = kpi_chart(zoned).plot()
    low, high = chart.ax_.get_xlim()
    drawn = [date2num(moment) for moment in chart.ax_.lines[0].get_xdata()]
    assert all(low < moment < high for moment in drawn)  # at their own wall-clock times
    spec = kpi_chart(one).to_vega_lite()
    start, end = line_of(spec)["encoding"]["x"]["scale"]["domain"]
    assert (start["hours"], end["hours"]) == (6, 12)  # six hours in Vega-Lite too
    late = KPI("L", target=200).record(180, at=datetime(2026, 8, 14, 23, 30))
    x = line_of(kpi_chart(late).to_vega_lite())["encoding"]["x"]
    assert x["title"] == "14 Aug \u2013 15 Aug 2026"  # the days its six hours show


def test_the_days_beside_an_axis_of_hours_are_those_it_shows():
    kpi = KPI("L", target=200)
    for hour in range(28):  # to 03:00 the next day
        kpi = kpi.record(190, at=datetime(2026, 8, 14) + timedelta(hours=hour))
    chart = kpi_chart(kpi).plot()
    chart.figure_.canvas.draw()
    assert chart.ax_.xaxis.get_offset_text().get_text() == "14 Aug \u2013 15 Aug 2026"


def test_the_burn_up_confidence_keeps_level_with_the_values_in_any_style():
    kr = KeyResult.metric("Paying customers", start=0, target=100, id="k")
    kr = kr.check_in(40, at=Q3.start + timedelta(days=3), confidence=5)
    with plt.style.context("classic"):  # no margins: 0% and 100% at the frame
        chart = burn_up(kr, cycle=Q3, as_of=AUG_15).plot()
        twin = next(other for other in chart.figure_.axes if other is not chart.ax_)
        for value, share in ((0, 0.0), (100, 1.0)):
            level = chart.ax_.transData.transform((0, value))[1]
            assert twin.transData.transform((0, share))[1] == pytest.approx(level, abs=0.5)


def test_a_chart_drawn_again_on_cleared_axes_takes_the_whole_cell_again():
    def kpi_in_left_cell(before=None):
        _, (left, _) = plt.subplots(1, 2, figsize=(8, 3))
        if before is not None:
            before.plot(ax=left)
            left.clear()
        return kpi_chart(example_kpis()[0], as_of=EXAMPLE_AS_OF).plot(ax=left)

    fresh = kpi_in_left_cell().ax_.get_position().bounds
    again = kpi_in_left_cell(timeline(TREE, as_of=EXAMPLE_AS_OF)).ax_.get_position().bounds
    assert again == pytest.approx(fresh)  # not inside the room the timeline made
    confident = KeyResult.metric("k", start=0, target=10).check_in(
        4, at=date(2026, 7, 20), confidence=6
    )
    after_burn_up = kpi_in_left_cell(burn_up(confident, cycle=Q3, as_of=AUG_15))
    assert after_burn_up.ax_.get_position().bounds == pytest.approx(fresh)
    assert len(after_burn_up.figure_.axes) == 2  # the burn-up's confidence axis let go too


def test_a_burn_up_without_check_ins_says_its_line_is_the_start():
    kr = KeyResult.metric("Paying customers", start=0, target=100, id="k")
    chart = burn_up(kr, cycle=Q3, as_of=AUG_15).plot()
    words = [text.get_text() for text in chart.ax_.get_legend().get_texts()]
    assert words[0] == "No check-ins yet (the start)"  # not a measured 0
    assert "No check-ins yet (the start)" in vl_convert.vegalite_to_svg(
        burn_up(kr, cycle=Q3, as_of=AUG_15).to_vega_lite()
    )
    checked = burn_up(kr.check_in(5, at=date(2026, 7, 3)), cycle=Q3, as_of=AUG_15).plot()
    assert checked.ax_.get_legend().get_texts()[0].get_text() == "Check-ins"
