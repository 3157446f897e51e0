"""Hostile titles, numbers and dates into every chart and the review: only okrkpi's errors escape.

Each chart is built, drawn with Agg, written as SVG and as Vega-Lite JSON; each review
is rendered in every form. Inputs are small, so every example takes bounded time.
"""

from __future__ import annotations

import io
import json
import math
from datetime import date, datetime, timedelta, timezone

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from matplotlib.dates import ConciseDateFormatter, date2num

from okrkpi import (
    KPI,
    AlignmentTree,
    Cycle,
    Initiative,
    KeyResult,
    Objective,
    OkrKpiError,
    calibration,
    review,
)
from okrkpi.plot import (
    burn_up,
    kpi_chart,
    progress_over_time,
    reliability_diagram,
    status_doughnut,
    timeline,
)

# Titles a font has no glyph for (emoji, scripts DejaVu lacks) are drawn as boxes with a
# warning, which is matplotlib telling the user to choose a font, not a failure.
pytestmark = pytest.mark.filterwarnings("ignore:Glyph .* missing from font")

TITLES = st.one_of(
    st.text(st.characters(exclude_categories=[]), min_size=1, max_size=40),  # surrogates too
    st.sampled_from(
        [
            r"$\undefinedcmd$",
            "Keep CAC under $100 at 50% of $200",
            "Grow ARR from $1.2M to $2M",
            "<script>alert(1)</script>",
            '" onmouseover="alert(1)',
            "$x^2$",
            "\\",
            "$",
            "_hidden",
            "a\nb\r\nc\x00\x1b[2J",
            "\ud800",
            "x" * 400,
        ]
    ),
)
NUMBERS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=True),
    st.sampled_from([1e308, -1e308, 1.7976931348623157e308, -5e-324, 0.0, 1e-300]),
    st.integers(-(10**20), 10**20),
)
DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))  # a cycle's range
MOMENTS = st.one_of(
    DAYS,
    st.datetimes(
        min_value=datetime(1900, 1, 2), max_value=datetime(2199, 12, 30), timezones=st.none()
    ),
    st.builds(
        lambda day, hours: datetime.combine(
            day, datetime.min.time(), timezone(timedelta(hours=hours))
        ),
        st.dates(min_value=date(1900, 1, 2), max_value=date(2199, 12, 30)),
        st.integers(-12, 14),
    ),
)
# As-of days, review days and the days of a scores chart may be anywhere in the calendar
# (years 1 to 9999), its ends most of all, where matplotlib's date axis stops.
CALENDAR = st.one_of(
    st.dates(),
    st.sampled_from([date.min, date(1, 1, 2), date(1, 1, 8), date(9999, 12, 25), date.max]),
)
ANY_DAY = st.one_of(
    MOMENTS,
    CALENDAR,
    st.datetimes(timezones=st.none()),
    st.builds(
        lambda day, hours: datetime.combine(
            day, datetime.min.time(), timezone(timedelta(hours=hours))
        ),
        CALENDAR,
        st.integers(-12, 14),
    ),
)
# One check-in (or measurement) a day: a second on the same day is refused by design.
SERIES = st.lists(MOMENTS, min_size=1, max_size=4, unique_by=lambda m: (m.year, m.month, m.day))
SPANS = st.one_of(
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
    st.sampled_from([timedelta.max, timedelta(days=999_999_999), timedelta(microseconds=1)]),
)


def _day(moment):
    return date(moment.year, moment.month, moment.day)


def _drawn(chart):
    """Draw with Agg, write SVG and Vega-Lite JSON; close the figure."""
    try:
        figure = chart.plot().figure_
        figure.canvas.draw()
        figure.savefig(io.BytesIO(), format="svg")
    finally:
        plt.close("all")
    json.dumps(chart.to_vega_lite(), allow_nan=False)


def _objective(title, values, moments, cycle, owner):
    kr = KeyResult.metric(title, start=0, target=100, id="k")
    for value, moment in zip(values, moments, strict=False):
        kr = kr.check_in(value, at=moment)
    return Objective(
        title,
        [kr],
        cycle=cycle,
        owner=owner,
        initiatives=[Initiative(title, start=cycle.start, end=cycle.end, progress=0.5)],
    )


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    title=TITLES,
    values=st.lists(NUMBERS, min_size=1, max_size=4),
    moments=SERIES,
    start=DAYS,
    length=st.integers(0, 800),
    warned=st.booleans(),
    as_of=st.one_of(st.none(), ANY_DAY),
    far=ANY_DAY,
    which=st.sampled_from(["burn_up", "kpi", "timeline", "progress", "doughnut", "reliability"]),
)
def test_charts_draw_or_refuse_with_okrkpi_errors(
    title, values, moments, start, length, warned, as_of, far, which
):
    try:
        end = start + timedelta(days=length)
        cycle = Cycle("c", start, end)
        if which == "kpi":
            warning = min(values) - 1 if warned else None  # below the target: a valid band
            kpi = KPI(title, target=max(values), warning=warning, unit=title, frequency="weekly")
            for value, moment in zip(values, moments, strict=False):
                kpi = kpi.record(value, at=moment)
            chart = kpi_chart(kpi, as_of=as_of)
        elif which == "burn_up":
            kr = KeyResult.metric(title, start=values[0], target=values[-1] + 1, unit=title)
            for value, moment in zip(values, moments, strict=False):
                kr = kr.check_in(value, at=moment, confidence=7)
            chart = burn_up(kr, cycle=cycle, as_of=as_of)
        else:
            tree = AlignmentTree([_objective(title, values, moments, cycle, title)])
            day = as_of or end
            chart = {
                "timeline": lambda: timeline(tree, as_of=as_of, group_by="owner"),
                "progress": lambda: progress_over_time(tree, sorted({start, _day(day), _day(far)})),
                "doughnut": lambda: status_doughnut(tree, as_of=day),
                "reliability": lambda: reliability_diagram(calibration(tree)),
            }[which]()
    except OkrKpiError as error:
        event(f"refused: {str(error).split(':')[0][:50]}")
        return
    event(f"drawn: {which}")
    _drawn(chart)


@settings(
    suppress_health_check=[HealthCheck.too_slow],
    max_examples=max(5, settings().max_examples // 5),  # a page draws four charts
)
@given(
    titles=st.lists(TITLES, min_size=1, max_size=3),
    values=st.lists(NUMBERS, min_size=1, max_size=3),
    moments=SERIES,
    start=DAYS,
    since=ANY_DAY,
    after=st.integers(1, 500),
    stale_after=SPANS,
    ends_within=SPANS,
    min_change=st.one_of(st.floats(0, 1), st.sampled_from([0, 1, -1, 2, math.nan])),
    page=st.booleans(),
)
def test_the_review_answers_or_refuses_with_okrkpi_errors(
    titles, values, moments, start, since, after, stale_after, ends_within, min_change, page
):
    try:
        cycle = Cycle("c", start, start + timedelta(days=91))
        objectives = [
            Objective(o.title, o.key_results, id=f"o{number}", cycle=o.cycle, owner=o.owner)
            for number, title in enumerate(titles)
            for o in [_objective(title, values, moments, cycle, None)]
        ]
        kpi = KPI(titles[0], target=max(values), warning=min(values) - 1, frequency="daily")
        kpi = kpi.record(values[-1], at=moments[0])
        as_of = since + min(timedelta(days=after), date.max - _day(since))
        made = review(
            AlignmentTree(objectives),
            since=since,
            as_of=as_of,
            kpis=[kpi],
            stale_after=stale_after,
            ends_within=ends_within,
            min_change=min_change,
        )
    except OkrKpiError as error:
        event(f"refused: {str(error).split(':')[0][:50]}")
        return
    event("reviewed" + (" as a page" if page else ""))
    made.to_text().encode("utf-8")
    made.to_markdown().encode("utf-8")
    json.dumps(made.to_dict(), allow_nan=False)
    html = made.to_html(charts=page)
    assert html.isascii() or not page
    plt.close("all")


_Q3 = Cycle.quarter(2026, 3)


def _calendar_tree():
    return AlignmentTree([_objective("Grow", [10, 40], [date(2026, 7, 6)], _Q3, "sales")])


def _signups():
    kr = KeyResult.metric("Sign-ups", start=0, target=100)
    return kr.check_in(10, at=date(2026, 7, 6), confidence=7)


@pytest.mark.parametrize("end", [date.min, date(1, 1, 2), date(9999, 12, 30), date.max])
@pytest.mark.parametrize(
    "chart",
    [
        lambda end: timeline(_calendar_tree(), as_of=end),
        lambda end: progress_over_time(_calendar_tree(), sorted([date(2026, 8, 1), end])),
        lambda end: burn_up(_signups(), cycle=_Q3, as_of=end),
        lambda end: kpi_chart(KPI("reply", target=60).record(50, at=date(2026, 7, 6)), as_of=end),
        lambda end: status_doughnut(_calendar_tree(), as_of=end),
    ],
    ids=["timeline", "progress", "burn_up", "kpi", "doughnut"],
)
def test_days_at_the_calendars_ends_are_drawn(chart, end):
    made = chart(end)
    _drawn(made)
    low, high = made.ax_.get_xlim()
    if isinstance(made.ax_.xaxis.get_major_formatter(), ConciseDateFormatter):  # a date axis
        assert date2num(date.min) <= low < high <= date2num(date.max) + 1


@pytest.mark.parametrize(
    ("since", "as_of"),
    [
        (date(2026, 8, 1), date.max),
        (date.min, date(1, 1, 2)),
        (date(9999, 12, 30), date.max),
        (date.min, date.max),
    ],
)
def test_a_review_page_at_the_calendars_ends_is_made(tmp_path, since, as_of):
    from helpers import run_cli
    from okrkpi.serde import Document, dumps

    tree = _calendar_tree()
    page = review(tree, since=since, as_of=as_of).to_html(charts=True)
    assert page.count("<svg") >= 3
    path = tmp_path / "okrs.json"
    path.write_text(dumps(Document(tuple(tree), ())))
    days = ["--since", since.isoformat(), "--as-of", as_of.isoformat()]
    result = run_cli("review", str(path), *days, "--format", "html", "--charts")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("<svg") >= 3
