"""Charts as a person sees them, read back from the renderer (Agg, 6.4 x 4.8 inches).

No two visible tick labels overlap, the legend covers no line, marker or bar, status
labels are people's words, and titles are drawn as typed: for one check-in, 200
check-ins, a two-year span and 200 objectives.
"""

import io
import itertools
import re
import warnings
from datetime import date, datetime, timedelta

import attrs
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle, Wedge
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from helpers import ENUM_NAMES, JULY, Q3, numbered_objectives
from okrkpi import (
    KPI,
    AlignmentTree,
    Cycle,
    Initiative,
    KeyResult,
    Objective,
    Status,
    TargetRange,
    ValidationError,
    calibration,
)
from okrkpi._edges.words import plain_text
from okrkpi.display import label_of
from okrkpi.examples import EXAMPLE_AS_OF, example_kpis, example_objectives
from okrkpi.plot import (
    BurnUpDisplay,
    burn_up,
    kpi_chart,
    progress_over_time,
    reliability_diagram,
    status_doughnut,
    timeline,
)

TWO_YEARS = Cycle("FY2026-27", date(2026, 1, 1), date(2027, 12, 31))
LEVELS = ["company", "department", "team", "individual"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def revenue(check_ins, cycle=Q3):
    """A metric with a plan and `check_ins` check-ins spread over `cycle`, with confidence."""
    days = (cycle.end - cycle.start).days
    kr = KeyResult.metric(
        "Revenue",
        start=1.2,
        target=2.0,
        unit="$M",
        plan=[(cycle.start + timedelta(days // 2), 1.5)],
    )
    for number in range(check_ins):
        at = datetime.combine(cycle.start, datetime.min.time()) + timedelta(
            hours=number * days * 24 // max(check_ins, 1)
        )
        kr = kr.check_in(1.2 + 0.8 * number / check_ins, at=at, confidence=3 + number % 7)
    return kr


def objectives(count, *, span_days=91, first=Q3.start):
    """`count` objectives over four staggered cycles and four levels, each scored once."""
    made = []
    for number in range(count):
        start = first + timedelta(days=30 * (number % 4))
        cycle = Cycle(f"c{number % 4}", start, start + timedelta(days=span_days))
        kr = KeyResult.metric("k", start=0, target=100, id="k").check_in(
            (number * 37) % 101, at=start + timedelta(days=10)
        )
        made.append(
            Objective(
                f"Objective {number}: grow the thing that matters most to the company",
                [kr],
                id=f"o{number}",
                cycle=cycle,
                owner=f"Owner {number % 5}",
                level=LEVELS[number % 4],
                initiatives=[Initiative("Do the work", progress=0.5)] if number % 3 == 0 else [],
            )
        )
    return made


def measured(count, *, days=91):
    kpi = KPI("Reply time", target=60, warning=90, higher_is_better=False, frequency="daily")
    first = datetime(2026, 1, 1)
    for number in range(count):
        at = first + timedelta(hours=number * days * 24 // max(count, 1))
        kpi = kpi.record(50 + (number * 13) % 60, at=at)
    return kpi


TREE = AlignmentTree(example_objectives())
MANY = AlignmentTree(objectives(200))
WEEKS = [Q3.start + timedelta(weeks=week) for week in range(13)]

CHARTS = {
    "burn-up, example": lambda: burn_up(
        TREE["company"].key_results[1], cycle=Q3, as_of=EXAMPLE_AS_OF
    ),
    "burn-up, 1 check-in": lambda: burn_up(revenue(1), cycle=Q3, as_of=EXAMPLE_AS_OF),
    "burn-up, 200 check-ins": lambda: burn_up(revenue(200), cycle=Q3),
    "burn-up, two years": lambda: burn_up(
        revenue(30, TWO_YEARS), cycle=TWO_YEARS, as_of=date(2027, 5, 1)
    ),
    "burn-up, zoned": lambda: burn_up(
        KeyResult.zoned("NPS", baseline=20, stretch=60).check_in(44, at=date(2026, 8, 1)),
        cycle=Q3,
        as_of=EXAMPLE_AS_OF,
    ),
    "progress, example": lambda: progress_over_time(TREE, WEEKS),
    "progress, 1 day": lambda: progress_over_time(TREE, [EXAMPLE_AS_OF]),
    "progress, two years": lambda: progress_over_time(
        AlignmentTree(objectives(6, span_days=700, first=TWO_YEARS.start)),
        [TWO_YEARS.start + timedelta(weeks=week) for week in range(105)],
    ),
    "progress, 200 objectives": lambda: progress_over_time(MANY, WEEKS),
    "doughnut, example": lambda: status_doughnut(TREE, as_of=EXAMPLE_AS_OF),
    "doughnut, 200 objectives": lambda: status_doughnut(MANY, as_of=EXAMPLE_AS_OF),
    "timeline, example": lambda: timeline(TREE, as_of=EXAMPLE_AS_OF),
    "timeline, two years": lambda: timeline(
        objectives(12, span_days=700, first=TWO_YEARS.start), as_of=EXAMPLE_AS_OF, group_by="owner"
    ),
    "timeline, 200 objectives": lambda: timeline(MANY, as_of=EXAMPLE_AS_OF),
    "timeline, each at its cycle's end": lambda: timeline(TREE),
    "KPI, example": lambda: kpi_chart(example_kpis()[0], as_of=EXAMPLE_AS_OF),
    "KPI, 1 measurement": lambda: kpi_chart(measured(1), as_of=date(2026, 1, 20)),
    "KPI, 200 measurements": lambda: kpi_chart(measured(200)),
    "KPI, two years": lambda: kpi_chart(measured(200, days=730)),
    "reliability": lambda: reliability_diagram(calibration(TREE)),
    "burn-up, binary": lambda: burn_up(
        KeyResult.binary("Launch").check_in(True, at=date(2026, 8, 1)), cycle=Q3
    ),
    "KPI, target range": lambda: kpi_chart(
        KPI("Temperature", target=TargetRange(18, 22), warning=2, frequency="daily")
        .record(17, at=date(2026, 7, 1))
        .record(21, at=date(2026, 7, 9)),
        as_of=date(2026, 7, 20),
    ),
}


def drawn(make):
    """The chart drawn with Agg on a 6.4 x 4.8 inch figure, and the renderer that drew it."""
    figure, ax = plt.subplots(figsize=(6.4, 4.8), layout="constrained")
    chart = make().plot(ax=ax)
    figure.canvas.draw()
    return chart, figure.canvas.get_renderer()


def visible_tick_labels(ax, renderer):
    boxes = []
    for axis in (ax.xaxis, ax.yaxis):
        low, high = sorted(axis.get_view_interval())
        for location, label in zip(
            axis.get_majorticklocs(), axis.get_majorticklabels(), strict=True
        ):
            if low <= location <= high and label.get_visible() and label.get_text():
                boxes.append((label.get_text(), label.get_window_extent(renderer)))
    return boxes


def all_axes(chart):
    return list(chart.figure_.axes)


def overlapping(boxes):
    return [
        (first, second)
        for (first, one), (second, other) in itertools.combinations(boxes, 2)
        if one.overlaps(other) and one.width > 0 and other.width > 0
    ]


def data_points(ax):
    """Display coordinates of every line vertex and marker inside the plot area."""
    inside = ax.bbox
    points = []
    for line in ax.lines:
        xy = line.get_transform().transform(np.column_stack(line.get_data(orig=False)))
        points += [
            p for p in xy if inside.x0 <= p[0] <= inside.x1 and inside.y0 <= p[1] <= inside.y1
        ]
    return points


def shown_extent(patch, ax, renderer):
    """Where a patch is seen: a patch clipped to the axes (a tint to its edge) within them."""
    extent = patch.get_window_extent(renderer)
    if not patch.get_clip_on():
        return extent
    return Bbox.intersection(extent, ax.bbox) or Bbox([[0, 0], [0, 0]])


def legend_problems(chart, renderer):
    legend = chart.ax_.get_legend()
    if legend is None:  # the doughnut labels its wedges instead
        assert isinstance(chart.ax_.patches[0], Wedge)
        return []
    problems = []
    box = legend.get_window_extent(renderer)
    for ax in all_axes(chart):
        if any(box.contains(*point) for point in data_points(ax)):
            problems.append("covers a line or marker")
        bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_visible()]
        if any(box.overlaps(shown_extent(bar, ax, renderer)) for bar in bars):
            problems.append("covers a bar")
    if len(legend.get_texts()) != len(legend.legend_handles):
        problems.append("an entry without its mark")
    return problems


def texts_of(chart):
    """Every text a person reads in the figure: titles, labels, legend, ticks, notes."""
    found = []
    for ax in all_axes(chart):
        found += [text.get_text() for text in ax.findobj(Text) if text.get_visible()]
    return [text for text in found if text]


def shown_statuses(chart):
    if chart.data and "kind" in chart.data[0]:  # the timeline colours objectives only
        return {row["status"] for row in chart.data if row["kind"] == "objective"}
    return {row["status"] for row in chart.data if "status" in row}


@pytest.mark.parametrize("name", CHARTS)
def test_each_chart_reads_well(name):
    chart, renderer = drawn(CHARTS[name])
    for ax in all_axes(chart):  # no two visible tick labels overlap
        assert overlapping(visible_tick_labels(ax, renderer)) == [], name
    assert legend_problems(chart, renderer) == [], name
    texts = texts_of(chart)  # statuses in people's words, never enum names
    assert not [text for text in texts if ENUM_NAMES.search(text)], name
    for status in shown_statuses(chart):
        assert any(label_of(status) in text for text in texts), (name, status)


def test_the_doughnut_labels_never_collide_even_for_tiny_wedges():
    crowded = []
    for status, count in (("ON_TRACK", 60), ("BEHIND", 1), ("AT_RISK", 1), ("ACHIEVED", 1)):
        crowded += [status] * count
    values = {"ON_TRACK": 50, "BEHIND": 40, "AT_RISK": 0, "ACHIEVED": 100}
    made = []
    for number, status in enumerate(crowded):
        value = values[status]
        kr = KeyResult.metric("k", start=0, target=100).check_in(value, at=date(2026, 8, 10))
        made.append(Objective(f"o{number}", [kr], id=f"o{number}", cycle=Q3))
    tree = AlignmentTree(made)
    chart, renderer = drawn(lambda: status_doughnut(tree, as_of=EXAMPLE_AS_OF))
    assert len(chart.data) >= 3
    labels = [(t.get_text(), t.get_window_extent(renderer)) for t in chart.ax_.texts]
    assert overlapping(labels) == []
    wedge_labels = [text for text, _ in labels if ":" in text]
    assert len(wedge_labels) == len(chart.data)  # every wedge, however small, is labelled


def test_the_doughnut_shows_the_total_and_the_day_in_its_centre():
    chart, _ = drawn(CHARTS["doughnut, example"])
    texts = [t.get_text() for t in chart.ax_.texts]
    assert "3" in texts
    assert "objectives\nas of 15 Aug 2026" in texts
    assert "At risk: 1 (33%)" in texts
    assert chart.total == 3


@pytest.mark.parametrize("group_by", ["level", None])
@pytest.mark.parametrize("count", [1, 2, 3])
def test_a_few_objectives_get_a_short_figure_with_slim_bars(count, group_by):
    chart = timeline(example_objectives()[:count], as_of=EXAMPLE_AS_OF, group_by=group_by).plot()
    figure = chart.figure_
    assert figure.get_size_inches()[1] < plt.rcParams["figure.figsize"][1]
    figure.canvas.draw()
    bars = [patch for patch in chart.ax_.patches if isinstance(patch, Rectangle)]
    thickest = max(bar.get_window_extent().height for bar in bars) / figure.dpi
    assert thickest < 0.5  # inches: a default-sized figure made one bar over an inch thick
    renderer = figure.canvas.get_renderer()
    assert legend_problems(chart, renderer) == []
    assert overlapping(visible_tick_labels(chart.ax_, renderer)) == []
    title = chart.ax_.title.get_window_extent(renderer)
    assert title.y1 <= figure.bbox.y1  # the title, legend and axis all fit the short figure


def test_a_few_objectives_on_tall_axes_of_your_own_keep_slim_bars_in_the_middle():
    figure, ax = plt.subplots(figsize=(6.4, 8), layout="constrained")
    chart = timeline(example_objectives(), as_of=EXAMPLE_AS_OF).plot(ax=ax)
    figure.canvas.draw()
    bars = [patch.get_window_extent() for patch in ax.patches if isinstance(patch, Rectangle)]
    assert max(bar.height for bar in bars) / figure.dpi < 0.5
    middle = (min(bar.y0 for bar in bars) + max(bar.y1 for bar in bars)) / 2
    assert abs(middle - (ax.bbox.y0 + ax.bbox.y1) / 2) < ax.bbox.height / 5
    assert chart.ax_ is ax
    plt.close(figure)


def test_200_objectives_make_a_taller_figure_with_every_title_shown():
    chart = timeline(MANY, as_of=EXAMPLE_AS_OF).plot()
    assert chart.figure_.get_size_inches()[1] > 20  # grows with the rows
    chart.figure_.set_dpi(50)  # the same layout in points, a quarter of the pixels to fill
    chart.figure_.canvas.draw()
    renderer = chart.figure_.canvas.get_renderer()
    shown = [(t, box) for t, box in visible_tick_labels(chart.ax_, renderer) if "Objective" in t]
    objectives_shown = [text for text, _ in shown if not text.startswith("\u21b3")]
    assert len(objectives_shown) == 200
    assert overlapping(shown) == []
    # Long titles are cut to what 45% of the default 6.4 inches holds (41 characters)...
    assert all(len(text) <= 41 for text, _ in shown)
    assert any(text.endswith("\u2026") for text, _ in shown)  # ...with an ellipsis


def test_on_small_axes_the_timeline_labels_every_nth_row_instead_of_overlapping():
    chart, renderer = drawn(CHARTS["timeline, 200 objectives"])
    shown = visible_tick_labels(chart.ax_, renderer)
    assert 5 < len(shown) < 100


def test_the_burn_up_holds_its_last_value_and_explains_every_mark():
    chart, _ = drawn(CHARTS["burn-up, 1 check-in"])
    actual = chart.ax_.lines[0]
    assert list(actual.get_xdata())[-1] == EXAMPLE_AS_OF  # runs on to the as-of day
    assert actual.get_ydata()[-1] == actual.get_ydata()[-2]
    legend = [text.get_text() for text in chart.ax_.get_legend().get_texts()]
    assert legend == [
        "Check-ins",
        "Plan",
        "Target",
        "As of 15 Aug 2026",
        "Confidence (right axis)",
    ]
    plan = chart.ax_.lines[1]
    assert plan.get_marker() == "o"
    assert plan.get_markevery() == [1]  # the planned point, joined linearly to the ends


def test_a_zoned_key_result_shows_its_zones_as_bands():
    chart, _ = drawn(CHARTS["burn-up, zoned"])
    bands = [
        (patch.get_label(), patch.get_y(), patch.get_y() + patch.get_height())
        for patch in chart.ax_.patches
    ]
    assert bands == [
        ("Below commit", 20.0, 32.0),
        ("Commit", 32.0, pytest.approx(48.0)),
        ("Target", pytest.approx(48.0), 60.0),
    ]
    assert "Stretch" in [t.get_text() for t in chart.ax_.get_legend().get_texts()]
    # Below commit hatched: its tint alone is near commit's (orange and vermillion).
    assert [bool(patch.get_hatch()) for patch in chart.ax_.patches] == [True, False, False]
    # In Vega-Lite, each band and its legend square are the same pale colour.
    spec = CHARTS["burn-up, zoned"]().to_vega_lite()
    rects = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rect"]
    assert all(rect["mark"]["opacity"] >= 0.8 for rect in rects)  # pale already
    legend = rects[0]["encoding"]["color"]["scale"]
    swatches = dict(zip(legend["domain"], legend["range"], strict=True))
    assert swatches["Below commit"] == "#f9e7d9"  # vermillion at 15% on white, as drawn


def test_the_timeline_fills_each_bar_to_its_score_and_marks_the_day():
    chart, _ = drawn(CHARTS["timeline, example"])
    scores = TREE.score(EXAMPLE_AS_OF)
    bars = [patch for patch in chart.ax_.patches if isinstance(patch, Rectangle)]
    span = (Q3.end - Q3.start).days + 1
    filled = [bar.get_width() for bar in bars if bar.get_alpha() is None]
    assert filled == pytest.approx([span * scores.value(o.id) for o in TREE if scores.value(o.id)])
    headings = [t.get_text().strip() for t in chart.ax_.texts]
    assert headings == ["Company", "Department"]
    legend = [text.get_text() for text in chart.ax_.get_legend().get_texts()]
    assert "As of 15 Aug 2026" in legend
    assert {label_of(Status(row["status"])) for row in chart.data} <= set(legend)


def test_timeline_grouping_is_by_level_owner_or_none():
    made = objectives(8)
    by_owner = timeline(made, as_of=EXAMPLE_AS_OF, group_by="owner")
    assert [row["group"] for row in by_owner.data if row["kind"] == "objective"] == sorted(
        (o.owner for o in made), key=str.casefold
    )
    plain = timeline(made, as_of=EXAMPLE_AS_OF, group_by=None)
    assert [row["label"] for row in plain.data if row["kind"] == "objective"] == [
        o.title for o in made
    ]
    with pytest.raises(ValidationError, match="timeline.group_by"):
        timeline(made, group_by="team")


def test_dates_read_concisely_at_any_span():
    texts = {}
    for name in ("burn-up, example", "burn-up, two years", "KPI, example"):
        chart, renderer = drawn(CHARTS[name])
        texts[name] = [text for text, _ in visible_tick_labels(chart.ax_, renderer)]
    assert {"Jul", "Aug", "Sep", "Oct"} <= set(texts["burn-up, example"])
    assert "2027" in texts["burn-up, two years"]
    assert not [
        t for labels in texts.values() for t in labels if re.fullmatch(r"\d{4}-\d\d-\d\d", t)
    ]


HOSTILE_TITLES = [
    r"$\undefinedcmd$",
    "Keep CAC under $100 at 50% of $200",
    "Grow ARR from $1.2M to $2M",
    "$x^2$ <script>alert(1)</script>",
    "lone \ud800 surrogate",
    "control \x00\x1b[31m characters\nand a line break",
    "_starts with an underscore",
]


def svg_text(figure):
    buffer = io.StringIO()
    with plt.rc_context({"svg.fonttype": "none"}):  # text stays text, to read back
        figure.savefig(buffer, format="svg")
    return buffer.getvalue()


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_titles_are_drawn_as_typed_never_as_mathtext(title):
    kr = KeyResult.metric(title, start=0, target=10, unit="$").check_in(3, at=date(2026, 7, 5))
    objective = Objective(title, [kr], cycle=Q3, owner=title, initiatives=[Initiative(title)])
    # The title, legend and unit of a burn-up; the rows and headings of a timeline.
    for chart in (
        burn_up(kr, cycle=Q3, as_of=EXAMPLE_AS_OF),
        timeline([objective], as_of=EXAMPLE_AS_OF, group_by="owner"),
    ):
        figure = chart.plot().figure_
        figure.canvas.draw()  # Agg
        # The SVG's text, not its comments (which quote every string drawn, maths or not).
        svg = re.sub(r"<!--.*?-->", "", svg_text(figure), flags=re.DOTALL)
        if "$" in title:  # as typed, not as maths (which draws piece by piece)
            start = title[:24].replace("<", "&lt;").replace(">", "&gt;")
            assert start in svg, type(chart).__name__
        if isinstance(chart, BurnUpDisplay):
            # Drawn, the title is as wide as the same text with maths off: nothing typeset.
            renderer = figure.canvas.get_renderer()
            drawn_title = chart.ax_.get_title("left")
            (shown,) = [t for t in chart.ax_.findobj(Text) if t.get_text() == drawn_title]
            typed = chart.ax_.text(
                0, 0, plain_text(title), parse_math=False, size=11, weight="bold"
            )
            width = shown.get_window_extent(renderer).width
            assert width == pytest.approx(typed.get_window_extent(renderer).width)
        plt.close(figure)


def test_a_lone_surrogate_and_control_characters_are_drawn_visibly():
    kr = KeyResult.metric("a\ud800b\x00c", start=0, target=1)
    chart = burn_up(kr, cycle=Q3).plot()
    assert chart.ax_.get_title(loc="left") == "a\\ud800b\\x00c"
    svg_text(chart.figure_)  # writes, though no encoding can write a lone surrogate


@pytest.mark.parametrize("extreme", [1e308, -1e308, 1.7976931348623157e308])
def test_kpi_values_near_the_float_limit_are_drawn(extreme):
    kpi = KPI("huge", target=1).record(extreme, at=date(2026, 7, 1))
    kpi = kpi.record(-extreme, at=date(2026, 7, 2)).record(0, at=date(2026, 7, 3))
    chart, _ = drawn(lambda: kpi_chart(kpi))
    assert "1e308" in chart.ax_.get_ylabel()  # drawn in units of 1e308
    low, high = chart.ax_.get_ylim()
    assert low < -1
    assert high > 1
    chart.figure_.savefig(io.BytesIO(), format="svg")


def test_a_burn_up_with_values_near_the_float_limit_is_drawn():
    kr = KeyResult.metric("x", start=0, target=1).check_in(1.7e308, at=date(2026, 7, 5))
    kr = kr.check_in(-1.7e308, at=date(2026, 7, 6))
    chart, _ = drawn(lambda: burn_up(kr, cycle=Q3))
    assert "1e308" in chart.ax_.get_ylabel()


def test_legend_handles_carry_their_labels_for_the_user():
    chart = kpi_chart(example_kpis()[0], as_of=EXAMPLE_AS_OF).plot()
    handles, labels = chart.ax_.get_legend_handles_labels()
    assert labels == ["Measured (now warning)", "Warning band", "Target"]
    assert isinstance(handles[0], Line2D)
    assert isinstance(handles[1], Patch)


def test_a_new_figure_takes_matplotlib_s_default_size_and_layout():
    chart = burn_up(revenue(3), cycle=Q3).plot()
    assert tuple(chart.figure_.get_size_inches()) == tuple(plt.rcParams["figure.figsize"])
    assert chart.figure_.get_layout_engine() is not None


def test_a_long_owner_heading_is_cut_like_a_title():
    owner = "x" * 400
    kr = KeyResult.metric("k", start=0, target=10).check_in(1, at=date(2026, 7, 2))
    objective = Objective("o", [kr], cycle=Q3, owner=owner)
    chart, _ = drawn(lambda: timeline([objective], group_by="owner"))  # laid out, no warning
    (heading,) = [text.get_text().strip() for text in chart.ax_.texts]
    assert heading == "x" * 40 + "\u2026"  # as a row's title is, on 6.4 inches


@settings(max_examples=20)
@example(days=1000, inches=2.0)  # 33 months on a narrow axis: no interval fitted 4 ticks
@example(days=1, inches=1.0)  # a week around a day, on an inch: one tick of a 3-day step
@given(
    days=st.integers(1, 109_572),  # the plausible range: 1900 to 2199
    inches=st.floats(1.0, 12.0),
)
def test_the_date_axis_picks_its_ticks_at_any_span_and_width(days, inches):
    first = date(1900, 1, 1)
    kpi = KPI("k", target=1).record(1, at=first).record(2, at=first + timedelta(days=days))
    figure, ax = plt.subplots(figsize=(inches, 3))
    try:
        kpi_chart(kpi).plot(ax=ax)
        ticks = ax.xaxis.get_major_locator()()  # AutoDateLocator warns if it finds no interval
        assert len(ticks) >= 2
    finally:
        plt.close(figure)


def test_a_title_too_long_for_the_figure_is_cut_to_fit_it():
    chart, renderer = drawn(
        lambda: burn_up(KeyResult.metric("Grow " * 60, start=0, target=1), cycle=Q3)
    )
    title = chart.ax_.get_title("left")
    assert title.endswith("\u2026")
    (shown,) = [t for t in chart.ax_.findobj(Text) if t.get_text() == title]
    assert shown.get_window_extent(renderer).x1 <= chart.figure_.bbox.x1


def test_an_empty_timeline_says_so():
    chart, _ = drawn(lambda: timeline([Objective("No cycle")], group_by=None))
    assert [text.get_text() for text in chart.ax_.texts] == ["No objectives with a cycle"]
    assert not chart.ax_.axison


@given(
    wanted=st.lists(st.floats(-2, 2), max_size=8).map(lambda xs: sorted(xs, reverse=True)),
    gap=st.floats(0.01, 0.3),
)
def test_doughnut_labels_are_spread_a_gap_apart_and_stay_on_the_page_when_they_fit(wanted, gap):
    from okrkpi._edges.plot import _spread

    placed = _spread(wanted, gap, -1.3, 1.3)
    assert len(placed) == len(wanted)
    assert all(a - b >= gap - 1e-9 for a, b in itertools.pairwise(placed))
    if len(wanted) * gap <= 2.6:  # room for all of them: none is pushed off either end
        assert all(-1.3 - 1e-9 <= height <= 1.3 + 1e-9 for height in placed)


def eight_objectives():
    """Eight objectives with long titles that share their start, scored weekly."""
    made = []
    for number in range(8):
        kr = KeyResult.metric("k", start=0, target=100, id="k")
        for week in range(6):
            kr = kr.check_in(10 * week + number, at=Q3.start + timedelta(weeks=week, days=1))
        title = f"Objective number {number} with a fairly long title here"
        made.append(Objective(title, [kr], id=f"o{number}", cycle=Q3))
    return AlignmentTree(made)


GRID = [
    lambda: progress_over_time(eight_objectives(), WEEKS[:8]),
    CHARTS["burn-up, example"],
    CHARTS["KPI, example"],
    CHARTS["timeline, example"],
]


def _inside(inner, outer, slack=1.0):
    return (
        inner.x0 >= outer.x0 - slack
        and inner.y0 >= outer.y0 - slack
        and inner.x1 <= outer.x1 + slack
        and inner.y1 <= outer.y1 + slack
    )


def _decorations(chart, renderer):
    legend = chart.ax_.get_legend()
    title = chart.ax_._left_title
    return [a.get_window_extent(renderer) for a in (legend, title) if a is not None]


@pytest.mark.parametrize("layout", ["constrained", None, "tight_layout() after"])
def test_charts_in_a_grid_of_the_users_axes_stay_in_their_cells(layout):
    engine = layout if layout == "constrained" else None
    figure, grid = plt.subplots(2, 2, figsize=(8, 6), layout=engine)
    charts = [make().plot(ax=ax) for make, ax in zip(GRID, grid.flat, strict=True)]
    if layout == "tight_layout() after":  # moves every cell: each plot keeps its room in it
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # every chart's axes laid out, none left out
            figure.tight_layout()
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    cell_height = figure.bbox.height / 2
    for number, chart in enumerate(charts):
        ax = chart.ax_
        assert overlapping(visible_tick_labels(ax, renderer)) == [], number
        assert ax.bbox.height >= 0.3 * cell_height, number  # not squeezed under its legend
        twins = [twin.get_tightbbox(renderer) for twin in figure.axes if twin.bbox == ax.bbox]
        for box in _decorations(chart, renderer) + twins:
            assert _inside(box, figure.bbox), number  # nothing cut when saved
            for other in charts:
                if other is not chart:
                    assert not box.overlaps(other.ax_.bbox), number
                    assert not any(box.overlaps(o) for o in _decorations(other, renderer))
    texts = [text.get_text() for text in charts[0].ax_.get_legend().get_texts()]
    assert len(set(texts)) == 8  # shortened, the eight entries still read apart


def test_without_a_layout_engine_the_legend_and_title_stay_in_the_figure():
    figure, ax = plt.subplots()
    chart = progress_over_time(eight_objectives(), WEEKS[:8]).plot(ax=ax)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    legend, title = _decorations(chart, renderer)
    assert _inside(legend, figure.bbox)
    assert _inside(title, figure.bbox)
    assert not legend.overlaps(title)
    assert legend_problems(chart, renderer) == []


@pytest.mark.parametrize("name", CHARTS)
def test_without_a_layout_engine_a_small_figure_keeps_its_dates_and_labels_inside(name):
    # At 4 x 3 inches the 11% matplotlib keeps below a plot does not hold its dates' year.
    figure, ax = plt.subplots(figsize=(4, 3))
    chart = CHARTS[name]().plot(ax=ax)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    for axes in chart.figure_.axes:
        box = axes.get_tightbbox(renderer)
        assert box is None or figure.bbox.y0 - 0.5 <= box.y0, name
    plt.close(figure)


@pytest.mark.parametrize(
    "make",
    [
        lambda: status_doughnut(TREE, as_of=EXAMPLE_AS_OF),  # no x axis at all
        lambda: kpi_chart(KPI("Empty", target=1.0)),  # words saying there is nothing
    ],
)
def test_a_chart_without_an_x_axis_in_an_upper_cell_keeps_its_height(make):
    figure, (upper, _) = plt.subplots(2, 1)
    before = upper.get_position().height
    make().plot(ax=upper)
    assert upper.get_position().height == pytest.approx(before)  # nothing below to make room for
    plt.close(figure)


@pytest.mark.parametrize("layout", ["constrained", None])
def test_a_crowded_timeline_in_a_grid_cell_keeps_its_group_headings_apart(layout):
    levels = ["company"] + ["department"] * 2 + ["team"] * 9 + ["individual"] * 28
    crowded = numbered_objectives(
        40, "Objective number {n} with a longer title", level=levels.__getitem__
    )
    figure, grid = plt.subplots(2, 2, figsize=(10, 7), layout=layout)
    chart = timeline(crowded, as_of=EXAMPLE_AS_OF).plot(ax=grid[0, 1])
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    words = {"Company", "Department", "Team", "Individual"}
    headings = [text for text in chart.ax_.texts if text.get_text() in words]
    shown = [text.get_window_extent(renderer) for text in headings if text.get_visible()]
    assert len(shown) >= 3  # only a heading that would cover another is left out
    assert not any(a.overlaps(b) for n, a in enumerate(shown) for b in shown[n + 1 :])
    plt.close(figure)


@pytest.mark.parametrize("style", ["default", "dark_background", "ggplot"])
def test_chrome_reads_in_light_and_dark_styles(style):
    from matplotlib.colors import to_hex

    from okrkpi._edges.style import contrast

    def hexed(colour):
        return to_hex(colour, keep_alpha=False)

    with plt.style.context(style):
        made = timeline(TREE, as_of=EXAMPLE_AS_OF).plot()
        ax = made.ax_
        paper = hexed(ax.get_facecolor())
        headings = [t for t in ax.texts if t.get_text() in ("Company", "Department")]
        assert headings
        for heading in headings:  # text on its own box, in the style's colours
            box = hexed(heading.get_bbox_patch().get_facecolor())
            assert contrast(hexed(heading.get_color()), box) >= 4.5
        as_of = [line for line in ax.lines if line.get_linestyle() == "--"]
        assert as_of
        assert contrast(hexed(as_of[0].get_color()), paper) >= 3  # a mark without words
        swatch = made.ax_.get_legend().legend_handles[-2]  # "Cycle, filled to the score"
        assert contrast(hexed(swatch.get_facecolor()), paper) >= 3
        doughnut = status_doughnut(TREE, as_of=EXAMPLE_AS_OF).plot()
        caption = [t for t in doughnut.ax_.texts if "as of" in t.get_text()]
        paper = hexed(doughnut.ax_.get_facecolor())
        assert contrast(hexed(caption[0].get_color()), paper) >= 4.5
        grid = [line for line in made.ax_.get_xgridlines() if line.get_visible()]
        assert contrast(hexed(grid[0].get_color()), hexed(made.ax_.get_facecolor())) < 2


def _tick_labels(kpi):
    chart, _ = drawn(lambda: kpi_chart(kpi))
    formatter = chart.ax_.xaxis.get_major_formatter()
    labels = [label.get_text() for label in chart.ax_.get_xticklabels()]
    return labels, formatter.get_offset()


def _measured_on(*days):
    kpi = KPI("k", target=5)
    for day in days:
        kpi = kpi.record(4, at=day)
    return kpi


def test_dates_across_a_month_or_a_year_end_read_unambiguously():
    labels, offset = _tick_labels(_measured_on(date(2026, 7, 8), date(2026, 8, 10)))
    assert labels[0].endswith(" Jul")  # not a bare "8" read as August
    assert "Aug" in labels
    assert offset == "Aug 2026"
    labels, offset = _tick_labels(_measured_on(date(2025, 12, 27), date(2026, 1, 12)))
    assert labels[0].endswith(" Dec")
    assert offset == "Dec 2025 \u2013 Jan 2026"  # both years named
    for earlier, later in itertools.pairwise(labels):
        assert not (earlier.isdigit() and later == "Jan" and earlier == "31")  # "31 Jan"?
    labels, _ = _tick_labels(_measured_on(date(2026, 3, 1), date(2026, 3, 9)))
    assert not [label for label in labels if label.startswith("0")]  # "5", never "05"


def test_a_tiny_wedge_says_under_one_percent_not_zero():
    done = [
        Objective(f"o{n}", [KeyResult.binary("b").check_in(True, at=JULY)], cycle=Q3)
        for n in range(200)
    ]
    late = Objective("late", [KeyResult.binary("b")], cycle=Q3)
    chart = status_doughnut(AlignmentTree([*done, late]), as_of=EXAMPLE_AS_OF).plot()
    texts = [text.get_text() for text in chart.ax_.texts]
    assert any(text.endswith(": 1 (<1%)") for text in texts), texts
    assert any(text.endswith(": 200 (>99%)") for text in texts), texts


def test_the_timeline_scores_the_tree_once_per_day_judged(monkeypatch):
    tree = AlignmentTree(objectives(40))
    calls = []
    real = AlignmentTree.score

    def counted(self, *args, **kwargs):
        calls.append(args[0] if args else kwargs.get("as_of"))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(AlignmentTree, "score", counted)
    made = timeline(tree)  # each objective as of its own cycle's end: four cycles
    assert len(calls) == len(set(calls)) == 4
    assert len(made.data) > 40


@settings(max_examples=10, deadline=None)
# a small figure of its own: the legend's long titles were wider than it
@example(chart="progress, 1 day", cell_width=3.0, cell_height=3.0, rows=1, columns=1, layout=None)
@given(
    chart=st.sampled_from(sorted(CHARTS)),
    cell_width=st.floats(2.8, 6.0),
    cell_height=st.floats(2.4, 5.0),
    rows=st.integers(1, 2),
    columns=st.integers(1, 3),
    layout=st.sampled_from(["constrained", None]),
)
def test_any_chart_in_a_grid_cell_keeps_its_ticks_apart_and_its_words_in_the_figure(
    chart, cell_width, cell_height, rows, columns, layout
):
    size = (cell_width * columns, cell_height * rows)
    figure, grid = plt.subplots(rows, columns, figsize=size, layout=layout, squeeze=False)
    try:
        made = CHARTS[chart]().plot(ax=grid[-1][-1])
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        below = [
            (text, box)
            for text, box in visible_tick_labels(made.ax_, renderer)
            if box.y1 <= made.ax_.bbox.y0 + 1  # the x axis's labels
        ]
        assert overlapping(below) == []
        for box in _decorations(made, renderer):
            assert _inside(box, figure.bbox, slack=2.0)
    finally:
        plt.close(figure)


def _drawn_words(ax, renderer):
    """Where the chart's words fall: its tick labels, axis labels and texts, twins too."""
    twins = ax._twinned_axes.get_siblings(ax)
    return [box for twin in twins if (box := twin.get_tightbbox(renderer)) is not None]


@pytest.mark.parametrize("layout", [None, "constrained"])
def test_a_chart_in_the_users_grid_keeps_its_side_labels_off_the_plots_beside_it(layout):
    figure, grid = plt.subplots(2, 2, figsize=(12, 8), layout=layout)
    grid[0][0].plot([0, 1, 2], [3, 1, 2])  # the user's own plot, left of the timeline
    burn_up(TREE["company"].key_results[1], cycle=Q3, as_of=EXAMPLE_AS_OF).plot(ax=grid[1][0])
    charts = [
        timeline(TREE, as_of=EXAMPLE_AS_OF).plot(ax=grid[0][1]),
        timeline(TREE, as_of=EXAMPLE_AS_OF, group_by="owner").plot(ax=grid[1][1]),
    ]
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    for row in range(2):
        left, right = grid[row][0], grid[row][1]
        for words in _drawn_words(right, renderer):  # the row titles stop short of it
            assert words.x0 > left.get_tightbbox(renderer).x1, row
        for words in _drawn_words(left, renderer):  # and the burn-up's right-hand axis
            assert words.x1 < right.get_tightbbox(renderer).x0, row
    for chart in charts:
        labels = [label for label in chart.ax_.get_yticklabels() if label.get_text()]
        assert len(labels) == 3  # every row still named
        assert chart.ax_.bbox.width >= 0.3 * figure.bbox.width / 2  # a plot left to read


def _ring_distances(ax, box):
    """The nearest and farthest a text's box comes to the doughnut's centre, in pixels."""
    centre = ax.transData.transform((0, 0))
    nearest_x = min(max(centre[0], box.x0), box.x1)
    nearest_y = min(max(centre[1], box.y0), box.y1)
    corners = [(x, y) for x in (box.x0, box.x1) for y in (box.y0, box.y1)]
    farthest = max(np.hypot(x - centre[0], y - centre[1]) for x, y in corners)
    return np.hypot(nearest_x - centre[0], nearest_y - centre[1]), farthest


@settings(max_examples=12, deadline=None)
@example(width=6.4, height=4.8, rows=1, columns=1, layout="constrained")
@example(width=3.0, height=3.0, rows=1, columns=1, layout=None)
@example(width=3.0, height=3.0, rows=1, columns=3, layout=None)
@given(
    width=st.floats(2.8, 8.0),
    height=st.floats(2.4, 6.0),
    rows=st.integers(1, 2),
    columns=st.integers(1, 3),
    layout=st.sampled_from(["constrained", None]),
)
def test_the_doughnut_s_total_and_day_stay_in_its_hole_or_clear_of_its_ring(
    width, height, rows, columns, layout
):
    figure, grid = plt.subplots(
        rows, columns, figsize=(width * columns, height * rows), layout=layout, squeeze=False
    )
    chart = status_doughnut(TREE, as_of=EXAMPLE_AS_OF).plot(ax=grid[-1][-1])
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    ax = chart.ax_
    hole = ax.transData.transform((0.62, 0))[0] - ax.transData.transform((0, 0))[0]
    ring = hole / 0.62
    middle = [t for t in ax.texts if "as of" in t.get_text() or t.get_text().startswith("3")]
    shown = " ".join(t.get_text() for t in middle)
    assert "3" in shown
    assert "as of 15 Aug 2026" in shown.replace("\n", " ")
    for text in middle:
        nearest, farthest = _ring_distances(ax, text.get_window_extent(renderer))
        assert farthest < hole or nearest > ring, (text.get_text(), nearest, farthest, hole)
        assert text.get_fontsize() >= 0.7 * 8  # still readable


@pytest.mark.parametrize("layout", ["constrained", None])
@pytest.mark.parametrize("width", [2.4, 2.875, 3.5])
def test_the_doughnut_of_many_objectives_in_a_narrow_cell_keeps_its_ring_title_and_labels(
    width, layout
):
    # Its labels were wider than the cell: constrained, the ring shrank to nothing and the
    # title ran off the figure; without a layout engine, the labels ran off instead.
    figure, grid = plt.subplots(1, 1, figsize=(width, 3.0), layout=layout, squeeze=False)
    made = CHARTS["doughnut, 200 objectives"]().plot(ax=grid[0][0])
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    ax = made.ax_
    radius = ax.transData.transform((1, 0))[0] - ax.transData.transform((0, 0))[0]
    assert radius >= 0.15 * figure.bbox.width  # a ring still worth reading
    labels = [t for t in ax.texts if "(" in t.get_text()]
    assert {t.get_text().split(":")[0].split("\n")[0] for t in labels} == {
        label_of(row["status"]) for row in made.data
    }
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in labels]
    assert overlapping(boxes) == []
    for box in [box for _, box in boxes] + _decorations(made, renderer):
        assert _inside(box, figure.bbox, slack=2.0)


def test_a_long_legend_on_a_small_figure_leaves_the_plot_room():
    # Eight long titles on 3 x 2.5 inches: the legend, one column at its shortest labels,
    # took two thirds of the height and left the plot a sliver.
    figure, ax = plt.subplots(figsize=(3, 2.5))
    try:
        days = [Q3.start + timedelta(weeks=week) for week in range(10)]
        chart = progress_over_time(AlignmentTree(objectives(8)), days).plot(ax=ax)
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        assert ax.bbox.height >= 0.4 * figure.bbox.height
        assert len({text.get_text() for text in ax.get_legend().get_texts()}) == 8
        assert legend_problems(chart, renderer) == []
        for box in _decorations(chart, renderer):
            assert _inside(box, figure.bbox, slack=2.0)
    finally:
        plt.close(figure)


def legend_texts_of(titles, inches=(3, 2.5)):
    """The legend's labels of a progress chart of objectives with `titles`, drawn in the figure."""
    made = [
        Objective(title, [revenue(3)], id=f"o{number}", cycle=Q3)
        for number, title in enumerate(titles)
    ]
    figure, ax = plt.subplots(figsize=inches)
    try:
        days = [Q3.start + timedelta(weeks=week) for week in range(10)]
        chart = progress_over_time(AlignmentTree(made), days).plot(ax=ax)
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        for box in _decorations(chart, renderer):
            assert _inside(box, figure.bbox, slack=2.0)
        return [text.get_text() for text in ax.get_legend().get_texts()]
    finally:
        plt.close(figure)


def test_legend_labels_that_share_a_long_start_are_cut_in_the_middle():
    # Cut at the end they read the same ("Grow revenue in the enterprise segment acr…"),
    # and uncut they ran past a small figure's edge.
    titles = [f"Grow revenue in the enterprise segment across {region}" for region in "ABC"]
    texts = legend_texts_of(titles)
    assert len(set(texts)) == 3
    assert all(text.endswith(f"across {region}") for text, region in zip(texts, "ABC", strict=True))
    assert all("\u2026" in text for text in texts)


REGIONS = ("EMEA", "APAC", "LATAM")


def titles_alike_but_inside(regions=REGIONS):
    return [
        f"Make onboarding for new enterprise customers in the {region} region faster, "
        "simpler and fully self-serve by the end of the quarter"
        for region in regions
    ]


@pytest.mark.parametrize("inches", [(3, 2.5), (6.4, 4.8)])
def test_legend_labels_alike_but_for_a_word_inside_are_cut_around_it(inches):
    # Cut at the end or in the middle they all read the same: the legend had no layout
    # to take and the chart (and the review page drawing it) failed.
    texts = legend_texts_of(titles_alike_but_inside(), inches)
    assert all(region in text for text, region in zip(texts, REGIONS, strict=True))
    assert all(text.startswith("Make") for text in texts)


def test_timeline_rows_alike_but_for_their_ends_or_a_word_inside_are_told_apart():
    teams = [
        f"Reduce churn in the SMB segment by improving onboarding (team {name})"
        for name in ("Alpha", "Bravo", "Gamma", "Delta")
    ]
    made = [
        Objective(title, [revenue(3)], id=f"o{number}", cycle=Q3)
        for number, title in enumerate([*teams, *titles_alike_but_inside()])
    ]
    for inches in ((4, 3), (6.4, 4.8), (10, 6)):
        figure, ax = plt.subplots(figsize=inches)
        try:
            timeline(made, as_of=date(2026, 8, 15), group_by=None).plot(ax=ax)
            figure.canvas.draw()
            shown = [label.get_text() for label in ax.get_yticklabels() if label.get_text()]
            assert len(shown) == len(made)
            assert len(set(shown)) == len(made), shown
        finally:
            plt.close(figure)


def row_labels(ax):
    return [label.get_text() for label in ax.get_yticklabels() if label.get_text()]


def test_a_timeline_on_small_axes_labels_every_row_at_a_smaller_size_before_skipping_any():
    made = numbered_objectives(7, "Objective {n}")
    figure, ax = plt.subplots(figsize=(3, 2.5))
    timeline(made, as_of=EXAMPLE_AS_OF, group_by=None).plot(ax=ax)
    figure.canvas.draw()
    assert row_labels(ax) == [f"Objective {n}" for n in range(7)]
    sizes = {label.get_fontsize() for label in ax.get_yticklabels() if label.get_text()}
    assert max(sizes) < 8  # smaller than a roomy figure's
    plt.close(figure)


def test_a_crowded_timeline_labels_its_objectives_before_their_initiatives():
    made = [
        attrs.evolve(
            objective,
            initiatives=tuple(
                Initiative(f"Initiative {n}.{i}", start=JULY, end=date(2026, 8, 30))
                for i in range(3)
            ),
        )
        for n, objective in enumerate(numbered_objectives(6, "Objective {n}"))
    ]
    figure, ax = plt.subplots(figsize=(4, 3))
    timeline(made, as_of=EXAMPLE_AS_OF, group_by=None).plot(ax=ax)
    figure.canvas.draw()
    assert row_labels(ax) == [f"Objective {n}" for n in range(6)]
    plt.close(figure)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="ab$\u2026", min_size=1, max_size=70), min_size=1, max_size=8),
    st.integers(11, 48),
)
@example(["$bbaa$$babbba$aa$bb$$a$b", "$bbaa$$bbb$a$aa$baa$$b$$bbbaab"], 11)  # a cut at a "$"
def test_labels_cut_to_a_width_stay_within_it_and_apart_or_say_they_cannot(labels, chars):
    from okrkpi._edges.plot import _apart

    labels = [label.replace("$", r"\$") for label in labels]  # as drawn: no mathtext
    cut = _apart(labels, chars)
    if cut is not None:
        assert len(set(cut)) == len(set(labels))
        assert not any(re.search(r"(^|[^\\])\$", text) for text in cut)  # escaped still
        short = [
            (text, label) for text, label in zip(cut, labels, strict=True) if len(label) <= chars
        ]
        assert all(text == label for text, label in short)  # kept whole
        assert all(len(text) <= chars for text in cut)


def test_a_wide_timeline_shows_a_row_title_whole_where_a_narrow_one_cuts_it():
    title = "Generate demand that turns into paying customers"  # 48 characters
    made = numbered_objectives(2, title + " {n}")
    wide, ax = plt.subplots(figsize=(10, 6))
    timeline(made, as_of=EXAMPLE_AS_OF, group_by=None).plot(ax=ax)
    wide.canvas.draw()
    assert row_labels(ax) == [f"{title} 0", f"{title} 1"]  # room for them: not cut at 40
    narrow, ax = plt.subplots(figsize=(4, 3))
    timeline(made, as_of=EXAMPLE_AS_OF, group_by=None).plot(ax=ax)
    narrow.canvas.draw()
    assert all(len(label) < len(title) for label in row_labels(ax))
