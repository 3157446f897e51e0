"""Charts as Display objects: data first, drawn with matplotlib, or as Vega-Lite specs.

Each chart is made from okrkpi values. Its `.data` (plain records) and `.to_vega_lite()`
(a Vega-Lite v5 spec, a plain dict) need nothing installed; `.plot(ax=None)` draws it
with matplotlib (the `plot` extra) and returns the display with `.ax_` and `.figure_`.

What a person reads comes from one place: statuses, grades, zones and health in their
words (`okrkpi._edges.words`), colours from `okrkpi._edges.style`. Every text drawn
passes through `_drawn`, so a title is drawn as typed, never as mathtext. Legends sit
above the plot, between the title and the data, so they never cover it.
"""

from __future__ import annotations

import collections
import hashlib
import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from html import escape
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

import attrs

from okrkpi._alignment.tree import AlignmentTree
from okrkpi._edges.display import tree_statuses
from okrkpi._edges.style import COLOURS, GUIDE, NEUTRAL, SERIES, colour_of
from okrkpi._edges.words import day_words, label_of, plain_text
from okrkpi._errors import MissingExtraError, ValidationError
from okrkpi._model._checks import check_moment
from okrkpi._model.cycle import Cycle
from okrkpi._model.key_result import KeyResult, Metric, Zoned
from okrkpi._model.kpi import KPI, TargetRange
from okrkpi._model.moments import DayOf, day_of, day_rule
from okrkpi._model.objective import Level, Objective
from okrkpi._model.zones import Zone
from okrkpi._planning.forecast import Calibration
from okrkpi._scoring.engine import judged_as_of, objective_status, score, score_key_result
from okrkpi._scoring.policy import ScoringPolicy
from okrkpi._scoring.score import Status

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure

__all__ = [
    "BurnUpDisplay",
    "KpiDisplay",
    "ProgressDisplay",
    "ReliabilityDisplay",
    "StatusDoughnutDisplay",
    "TimelineDisplay",
    "burn_up",
    "kpi_chart",
    "progress_over_time",
    "reliability_diagram",
    "status_doughnut",
    "timeline",
]

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
_ID_PREFIX = re.compile(r"[A-Za-z][\w-]*")
# An id matplotlib writes, or a reference to one: id="p1", href="#p1", url(#p1).
_SVG_ID = re.compile(r'(\bid="|href="#|url\(#)([^")]+)')
_TAG = re.compile(r"<[^>]*>")  # matplotlib escapes < and > in text
_WIDTH, _HEIGHT = 480, 260
_SMALL = 8  # points: legends, tick labels and notes
_LABEL_CHARS = 60  # a row's title on the timeline, where the figure is wide enough
_NOTHING = "No objectives with a cycle"  # a doughnut or timeline with nothing to draw
_NO_SCORES = "No objectives to score"
_NO_MEASUREMENTS = "No measurements yet"
_NO_OUTCOMES = "No confidence ratings with an outcome yet"
_MANY_LINES = 8  # more objectives than this: one grey line each and their average
_CONFIDENCE = SERIES[4]  # purple-pink: no status, grade or zone has it
_FEWEST_DAYS = 7  # a date axis shows at least a week: a one-week sprint fills it
_FEWEST_HOURS = 0.25  # an axis of hours shows at least six (in days)
# A reliability point past these is labelled inward, clear of the plot's right and top.
_NEAR_RIGHT, _NEAR_TOP = 0.85, 0.9
_DOTTED_POINTS = 60  # more points than this on a line: no dot per point
_SCORE_AIR = 0.05  # room below 0 and above 1 on a scores axis
_PLAIN_NUMBERS = 1e100  # beyond this, values are drawn in a power of ten's units
_ROW_INCHES = 0.2  # a new timeline figure is 1.8 inches and this much per row...
_SHORTEST_INCHES = 2.6  # ...down to this for a few rows (a title, a legend, an axis)...
_TALLEST_INCHES = 300.0  # ...up to this (Agg refuses images over 2**16 pixels a side)
_THICKEST_ROW_INCHES = 0.45  # a timeline row on a tall plot: a bar about 0.3 inch
_FILLED = "Cycle, filled to the score"  # the timeline's legend for what a bar is
Entry = tuple[Any, str]
"""A legend entry: the artist (or a tuple of artists) and its label, ready to draw."""


# -- drawing helpers ----------------------------------------------------------------------


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt  # noqa: PLC0415 - optional: only drawing needs it
    except ImportError:
        raise MissingExtraError("Drawing charts", "plot", "matplotlib") from None
    return plt


def _axes(ax: Axes | None, height: float | None = None) -> Axes:
    """The axes to draw on: `ax`, or a new figure's (`height` inches tall if asked)."""
    plt = _pyplot()
    from matplotlib.axes import Axes  # noqa: PLC0415 - optional, as above

    if ax is None:
        _, ax = plt.subplots(figsize=_figure_size(height), layout="constrained")
    elif not isinstance(ax, Axes):
        raise ValidationError.field("plot.ax", ax, "a matplotlib Axes or None")
    return ax


def _figure_size(height: float | None) -> tuple[float, float]:
    """A new figure's size: matplotlib's default, `height` inches tall if given."""
    width, default_height = _pyplot().rcParams["figure.figsize"]
    return width, default_height if height is None else height


def _shortened(text: str, limit: int | None) -> str:
    shown = plain_text(text)
    if limit is not None and len(shown) > limit:
        shown = shown[: limit - 1].rstrip() + "\u2026"
    return shown


def _drawn(text: str, limit: int | None = None) -> str:
    """Text for matplotlib, drawn as typed: one line, at most `limit` characters.

    Every `$` is escaped, so no title is read as mathtext: `$x^2$` stays `$x^2$`, and an
    unknown command between dollars or an odd count of them cannot fail the drawing.
    """
    return _shortened(text, limit).replace("$", r"\$")


def _x(moment: date) -> Any:
    """A moment on a chart's date axis: a datetime at its own wall-clock time."""
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        return moment.replace(tzinfo=None)  # where it was made, as `day_of` reads it
    return moment


def _date_number(moment: date) -> float:
    from matplotlib.dates import date2num  # noqa: PLC0415 - optional, as above

    return float(date2num(_x(moment)))  # type: ignore[no-untyped-call]


def _calendar() -> tuple[float, float]:
    """The first and last instants matplotlib can draw: 1 January of year 1 to 31 December 9999."""
    return _date_number(date.min), _date_number(date.max) + 0.999


def _date_axis(ax: Axes, fewest_days: float = _FEWEST_DAYS) -> None:
    """Concise dates on the x axis, as many ticks as its width holds without crowding.

    Days read as people write them ("Aug" under "15"; "15 Aug 2026" beside the axis, not
    "2026-Aug"), and a single day gets a week around it rather than five years (the
    axis spans at least `fewest_days`). The axis never reaches past the calendar's ends
    (years 1 and 9999), which matplotlib cannot draw: the margins around a day near
    them stop at the end.
    """
    # Limits the chart set (`_date_limits`) are its own; otherwise the data's.
    low, high = ax.get_xlim() if not ax.get_autoscalex_on() else ax.dataLim.intervalx
    if math.isfinite(low) and math.isfinite(high) and high - low < fewest_days:
        middle = (low + high) / 2
        ax.set_xlim(middle - fewest_days / 2, middle + fewest_days / 2)
    first, last = _calendar()
    low, high = ax.get_xlim()
    if low < first or high > last:
        ax.set_xlim(max(low, first), min(high, last))
    locator = _fitting_date_locator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(_people_dates(locator))


def _people_dates(locator: Any) -> Any:
    """Concise dates as people read them, never ambiguous across a month's or year's end.

    Days are not zero-padded ("5", not "05"); the first tick of days names its month ("29
    Jul 5 Aug 12" rather than "29 Aug 5 12", where 29 was July), and the offset beside
    the axis names both ends when the ticks cross a year ("Dec 2025 - Jan 2026").
    """
    from matplotlib.dates import ConciseDateFormatter, num2date  # noqa: PLC0415

    class PeopleDates(ConciseDateFormatter):
        span = ""  # the offset naming both ends, when the day ticks cross a year

        def format_ticks(self, values: Any) -> list[str]:
            labels: list[str] = super().format_ticks(values)  # type: ignore[no-untyped-call]
            self.span = ""
            if not labels:
                return labels
            labels = [_unpadded(label) for label in labels]
            for position in range(len(labels) - 1):  # "31" beside "Jan" would read "31 Jan"
                crowded = values[position + 1] - values[position] < 2
                if crowded and labels[position].isdigit() and not labels[position + 1].isdigit():
                    labels[position] = ""
            if labels[0].isdigit() and len(labels[0]) <= 2:  # ticks are days
                first = num2date(values[0])  # type: ignore[no-untyped-call]
                last = num2date(values[-1])  # type: ignore[no-untyped-call]
                labels[0] = f"{first.day} {first:%b}"
                if first.year != last.year:
                    self.span = f"{first:%b %Y} \u2013 {last:%b %Y}"
            if any(":" in label for label in labels):  # ticks of hours: name their days
                # The days the axis shows, inside its air (2%): not a midnight past them.
                low, high = self.axis.get_view_interval() if self.axis else (values[0], values[-1])
                inside = (high - low) * 0.03
                first = num2date(low + inside).date()  # type: ignore[no-untyped-call]
                last = num2date(high - inside).date()  # type: ignore[no-untyped-call]
                self.span = _days_words(first, last)
            return labels

        def get_offset(self) -> str:
            return self.span or str(super().get_offset())  # type: ignore[no-untyped-call]

    return PeopleDates(  # type: ignore[no-untyped-call]
        locator,
        zero_formats=["", "%Y", "%b", "%d %b", "%H:%M", "%H:%M"],
        offset_formats=["", "%Y", "%b %Y", "%d %b %Y", "%d %b %Y", "%d %b %Y %H:%M"],
    )


def _plain_numbers() -> Any:
    """Tick numbers written out with thousands separators: "2,500,000", never "1e6" above.

    matplotlib's offset text ("1e6") sits where the legend goes, and a business reader
    does not read 2.5 beside "EUR" as millions.
    """
    from matplotlib.ticker import ScalarFormatter  # noqa: PLC0415 - optional

    class PlainNumbers(ScalarFormatter):
        def format_ticks(self, values: Any) -> list[str]:
            labels = super().format_ticks(values)
            return [_grouped(label) for label in labels]

    formatter = PlainNumbers(useOffset=False)
    formatter.set_powerlimits((-6, 12))  # a power of ten only past a million millions
    return formatter


def _grouped(label: str) -> str:
    """A number's whole part with thousands separators: "-1234567.5" -> "-1,234,567.5"."""
    sign, whole, rest = _NUMBER_PARTS.match(label).groups()  # type: ignore[union-attr]
    return f"{sign}{int(whole):,}{rest}" if len(whole) > 3 else label


# Anything before the digits (a minus sign), the whole part, the rest.
_NUMBER_PARTS = re.compile(r"(\D*)(\d*)(.*)", re.DOTALL)


def _unpadded(label: str) -> str:
    """A day as people write it: "05" -> "5", "05 Aug" -> "5 Aug"."""
    if label[:1] == "0" and label[1:2].isdigit():
        return label[1:]
    return label


def _fitting_date_locator() -> Any:
    """Date ticks as many as the axis's width holds, counted when drawn.

    Counted from the width at drawing time, not when the chart was made: a layout
    engine (or the user's grid) may narrow the axes afterwards.
    """
    from matplotlib.dates import AutoDateLocator  # noqa: PLC0415 - optional, as above

    class FittingDateLocator(AutoDateLocator):
        def __call__(self) -> Any:
            axes: Any = getattr(self.axis, "axes", None)
            if axes is None:
                return super().__call__()  # type: ignore[no-untyped-call]
            inches = axes.bbox.width / axes.figure.dpi
            fitting = max(3, int(inches * 1.4))  # about 0.7 inch a label: "Sep", "15"
            self.minticks = 2
            # A week on a narrow axis can take one tick of three days' step: a closer
            # step is taken then, for two ticks to read the scale by.
            for most in range(fitting, fitting + 4):
                self.maxticks = dict.fromkeys(self._freqs, most)
                ticks = super().__call__()  # type: ignore[no-untyped-call]
                if len(ticks) >= 2:
                    break
            return ticks

    from matplotlib.dates import DAILY, MONTHLY  # noqa: PLC0415

    locator = FittingDateLocator(minticks=3, maxticks=7)  # type: ignore[no-untyped-call]
    # Wider steps for a narrow axis: every 3 weeks, every year at a monthly frequency.
    locator.intervald[DAILY] = [1, 2, 3, 7, 14, 21]
    locator.intervald[MONTHLY] = [1, 2, 3, 4, 6, 12]
    return locator


def _date_limits(ax: Axes, first: date, last: date) -> None:
    """The x axis from `first` to the end of `last`, with a little air either side."""
    pad = max(1.0, (last - first).days * 0.02)
    ax.set_xlim(_date_number(first) - pad, _date_number(last) + 1 + pad)
    _date_axis(ax)


def _timed(moments: Iterable[date]) -> bool:
    """Whether any moment has a time of day: hourly readings, not a day's."""
    return any(isinstance(moment, datetime) and _x(moment).time() != time() for moment in moments)


def _days_words(first: date, last: date) -> str:
    """The days some hours are of: "14 Aug 2026", "14 Aug \u2013 15 Aug 2026"."""
    if first == last:
        return day_words(first)
    start = f"{first.day} {first:%b}" if first.year == last.year else day_words(first)
    return f"{start} \u2013 {day_words(last)}"


def _wall_clock(moment: date) -> datetime:
    """A moment as drawn (`_x`), a day as its midnight."""
    drawn = _x(moment)
    return drawn if isinstance(drawn, datetime) else datetime.combine(drawn, time())


def _hours_limits(ax: Axes, first: date, last: date) -> None:
    """The x axis from the moment `first` to the moment `last`, in hours (six at least)."""
    low, high = _date_number(first), _date_number(last)
    pad = (high - low) * 0.02
    if pad > 0:
        ax.set_xlim(low - pad, high + pad)
    else:  # one moment: six hours around it (equal limits would be widened by years)
        ax.set_xlim(low - _FEWEST_HOURS / 2, low + _FEWEST_HOURS / 2)
    _date_axis(ax, fewest_days=_FEWEST_HOURS)


def _nothing(ax: Axes, words: str) -> list[Entry]:
    """Say in words that there is nothing to draw; no legend entries.

    Rather than an empty frame with numbers on it (an axis of 1970, a legend for no line).
    """
    ax.text(0.5, 0.5, words, transform=ax.transAxes, ha="center", va="center")
    ax.set_axis_off()
    return []


def _chrome(ax: Axes) -> tuple[str, str, str]:
    """The axes' own background, a guide grey and a grid grey, for its style.

    Marks without a verdict (expected lines, the as-of day, outlines, captions) mix the
    style's text colour with its background, so they read in a light and a dark style
    (`plt.style.context("dark_background")`) alike: #595959 and #dedede on white.
    """
    from matplotlib.colors import to_hex, to_rgba  # noqa: PLC0415 - optional, as above

    paper = to_rgba(ax.get_facecolor())
    if paper[3] == 0:  # a transparent plot shows the figure's background
        paper = to_rgba(ax.figure.get_facecolor())
    if paper[3] == 0:
        paper = (1.0, 1.0, 1.0, 1.0)
    ink = to_rgba(_pyplot().rcParams["text.color"])

    def mixed(share: float) -> str:
        pairs = zip(ink[:3], paper[:3], strict=True)
        red, green, blue = (i * (1 - share) + p * share for i, p in pairs)
        return to_hex((red, green, blue))

    return to_hex(paper, keep_alpha=False), mixed(0.35), mixed(0.87)


def _quiet(ax: Axes, grid: str = "y") -> None:
    """Small tick labels and light grid lines behind the data."""
    ax.tick_params(labelsize=_SMALL)
    ax.xaxis.label.set_fontsize(_SMALL + 1)
    ax.yaxis.label.set_fontsize(_SMALL + 1)
    ax.xaxis.get_offset_text().set_fontsize(_SMALL + 1)  # the dates' year: an axis's title
    ax.grid(axis=grid, color=_chrome(ax)[2], linewidth=0.6)  # type: ignore[arg-type]
    ax.set_axisbelow(True)


def _marker_size(points: int) -> float:
    """Dots for each point while they stay apart; none once they would merge into a line."""
    return 4.0 if points <= _DOTTED_POINTS else 0.0


def _value_scale(values: Iterable[float]) -> tuple[float, str]:
    """A divisor that keeps drawn values (and their axis's arithmetic) far from overflow.

    Values near the float limit (1e308) overflow matplotlib's margins and ticks; they
    are drawn in units of a power of ten instead, which the axis label names.
    """
    largest = max((abs(value) for value in values), default=0.0)
    if largest < _PLAIN_NUMBERS:
        return 1.0, ""
    exponent = math.floor(math.log10(largest))
    return 10.0**exponent, f" (\u00d71e{exponent})"


def _renderer(figure: Any) -> RendererBase:
    """A renderer to measure text with, whatever the figure's canvas."""
    from matplotlib.backends.backend_agg import RendererAgg  # noqa: PLC0415

    return RendererAgg(1, 1, figure.dpi)  # type: ignore[no-untyped-call]


def _points(pixels: float, figure: Any) -> float:
    return float(pixels * 72.0 / figure.dpi)


def _lay_out(ax: Axes) -> None:
    """Run the figure's layout engine (constrained, for a new figure), if it has one."""
    root = ax.figure.figure  # a subfigure's root figure holds the engine
    engine = root.get_layout_engine()
    if engine is not None:
        engine.execute(root)


def _slot(ax: Axes) -> Any:
    """The space the axes was given in its figure (its grid cell), in pixels.

    Decorations are sized from it, so a chart in a small cell of a grid stays in its cell
    rather than squeezing its neighbours' plots.
    """
    from matplotlib.transforms import Bbox  # noqa: PLC0415 - optional, as above

    figure = ax.figure
    spec = ax.get_subplotspec()
    if spec is None:
        return ax.get_position(original=True).transformed(figure.transSubfigure)
    grid = spec.get_gridspec()
    rows, columns = grid.get_geometry()
    box = figure.bbox
    width, height = box.width / columns, box.height / rows
    return Bbox.from_extents(
        box.x0 + width * spec.colspan.start,
        box.y1 - height * spec.rowspan.stop,
        box.x0 + width * spec.colspan.stop,
        box.y1 - height * spec.rowspan.start,
    )


def _in_grid(ax: Axes) -> bool:
    """Whether the axes shares its figure with other cells of a grid."""
    spec = ax.get_subplotspec()
    if spec is None:
        return True  # placed by hand: perhaps beside others
    rows, columns = spec.get_gridspec().get_geometry()
    return rows * columns > 1


# In a grid, a chart's side decorations (row titles, the room left of the plot) keep to
# this share of its cell, so no chart's labels squeeze every plot of the grid: a layout
# engine gives the plots of one column (and one row) the same size.
_GRID_SIDE = 0.3
# Pixels kept clear between a chart's words and the edge of its cell.
_GAP = 4.0


def _label_chars(ax: Axes) -> int:
    """How many characters of a row's title fit beside the plot."""
    share = _GRID_SIDE if _in_grid(ax) else 0.45
    character = 0.62 * _SMALL * ax.figure.dpi / 72  # an average character at the small size
    return max(12, min(_LABEL_CHARS, int(share * _slot(ax).width / character)))


def _plot_left(ax: Axes, renderer: RendererBase) -> float:
    """Where the plot's left edge will be: in a grid, at most a side's share into the cell."""
    left = ax.get_window_extent(renderer).x0
    if not _in_grid(ax):
        return float(left)
    slot = _slot(ax)
    return float(max(left, slot.x0 + _GRID_SIDE * slot.width))


def _keep_inside(ax: Axes, renderer: RendererBase) -> None:
    """Without a layout engine, fit the plot's height so its text above and below stays in.

    A figure from `plt.subplots()` keeps 12% of its height above the plot and 11% below:
    a tall legend would run past the figure's top and be cut when saved, or, in a grid,
    over the plot above; on a small figure the dates' year and the axis label would fall
    off the bottom.
    """
    if ax.figure.figure.get_layout_engine() is not None:
        return
    # The title is drawn at the left (matplotlib keeps it apart from the centred one).
    title = getattr(ax, "_left_title", ax.title)
    top = max(
        artist.get_window_extent(renderer).y1
        for artist in (title, ax.get_legend())
        if artist is not None and artist.get_visible()
    )
    slot, figure = _slot(ax), ax.figure.bbox
    overflow = max(0.0, top - (min(figure.y1, slot.y1) - 4))  # nor into the cell above
    # A chart with no x axis (a doughnut, words saying there is nothing) has nothing below.
    below = ax.xaxis.get_tightbbox(renderer) if ax.axison else None
    underflow = 0.0 if below is None else max(0.0, max(figure.y0, slot.y0) + 4 - below.y0)
    if overflow <= 0 and underflow <= 0:
        return
    place = ax.get_position()
    height = max(place.height * 0.3, place.height - (overflow + underflow) / figure.height)
    raised = (place.height - height) * underflow / (overflow + underflow)
    ax.set_position((place.x0, place.y0 + raised, place.width, height))  # twins follow


def _keep_beside(ax: Axes) -> None:
    """Without a layout engine, narrow the plot inside its cell so its side labels stay there.

    Nothing makes room for row titles or a right-hand axis in a figure from
    `plt.subplots()`: they would run over the plot beside it in a grid, or off the figure.
    The plot's own box gives way instead (to at most a third of its width, its labels
    already cut to their share of the cell); the user's other axes are left as they are.
    """
    if ax.figure.figure.get_layout_engine() is not None:
        return
    renderer = _renderer(ax.figure)
    slot = _slot(ax)
    low, high = slot.x0 + _GAP, min(ax.figure.bbox.x1, slot.x1) - _GAP
    low = max(low, ax.figure.bbox.x0 + _GAP)
    for _ in range(2):  # tick labels may change once with the width: measure again
        twinned: Any = ax._twinned_axes  # type: ignore[attr-defined]  # a twin shares the box
        twins = twinned.get_siblings(ax)
        boxes = [box for twin in twins if (box := twin.get_tightbbox(renderer)) is not None]
        if not boxes:
            return
        left = max(0.0, low - min(box.x0 for box in boxes))
        right = max(0.0, max(box.x1 for box in boxes) - high)
        if left < 0.5 and right < 0.5:
            return
        place = ax.get_position(original=True)
        width = ax.figure.bbox.width
        narrower = max(place.width / 3, place.width - (left + right) / width)
        x0 = place.x0 + (place.width - narrower) * left / (left + right)
        ax.set_position((x0, place.y0, narrower, place.height))  # twins follow


def _tint(colour: str, alpha: float) -> tuple[float, float, float, float]:
    """`colour` at `alpha`: a hatched tint's fill and lines, each its own alpha."""
    from matplotlib.colors import to_rgba  # noqa: PLC0415 - optional, as above

    return to_rgba(colour, alpha)


def _hold_in_cell(ax: Axes) -> None:
    """Without a layout engine, keep the plot's room from its cell's edges when the cell moves.

    `_keep_inside` and `_keep_beside` narrowed the plot inside its grid cell for its
    words. `fig.tight_layout()` (or `subplots_adjust`) called afterwards moves every
    cell and puts each plot back at its cell's full size, so the legends, titles and
    row titles would run over the plots beside them. The room is kept, in points, by
    an axes locator that places the plot inside its cell wherever the cell now is.
    """
    spec = ax.get_subplotspec()
    if ax.figure.figure.get_layout_engine() is not None or spec is None:
        return
    figure: Any = ax.figure  # a subfigure's cells are placed within it
    cell, place = spec.get_position(figure), ax.get_position()
    box, points = figure.bbox, 72.0 / figure.dpi
    room = (
        (place.x0 - cell.x0) * box.width * points,
        (place.y0 - cell.y0) * box.height * points,
        (cell.x1 - place.x1) * box.width * points,
        (cell.y1 - place.y1) * box.height * points,
    )
    if max(abs(side) for side in room) * ax.figure.dpi / 72.0 >= 0.5:  # moved a pixel or more
        twinned: Any = ax._twinned_axes  # type: ignore[attr-defined]  # a twin shares the box
        for twin in twinned.get_siblings(ax):
            twin.set_axes_locator(_InCell(spec, room))


def _let_go_of_cell(ax: Axes) -> None:
    """Axes a chart was drawn on before (cleared since): the whole cell again, no locator.

    Or the new chart would take its room inside the room the old one made.
    """
    if isinstance(ax.get_axes_locator(), _InCell):
        twinned: Any = ax._twinned_axes  # type: ignore[attr-defined]
        for twin in twinned.get_siblings(ax):
            if twin is not ax and isinstance(twin.get_axes_locator(), _InCell):
                twin.remove()  # the chart's own second axis (a burn-up's confidence)
        spec = ax.get_subplotspec()
        ax.set_axes_locator(cast(Any, None))  # matplotlib takes None, its stubs do not say
        if spec is not None:
            ax.set_position(spec.get_position(cast(Any, ax.figure)))


@attrs.frozen
class _InCell:
    """An axes locator: the plot inside its grid cell, `room` points from its edges."""

    spec: Any
    room: tuple[float, float, float, float]  # left, bottom, right, top

    def __call__(self, ax: Axes, renderer: RendererBase | None) -> Any:
        from matplotlib.transforms import Bbox  # noqa: PLC0415 - optional, as above

        cell = self.spec.get_position(ax.figure)
        box, pixels = ax.figure.bbox, ax.figure.dpi / 72.0
        left, bottom, right, top = self.room
        x0, x1 = cell.x0 + left * pixels / box.width, cell.x1 - right * pixels / box.width
        y0, y1 = cell.y0 + bottom * pixels / box.height, cell.y1 - top * pixels / box.height
        # A cell made too small for the room left keeps a third of it for the plot.
        if x1 - x0 < cell.width / 3:
            x0, x1 = cell.x0 + cell.width / 3, cell.x1 - cell.width / 3
        if y1 - y0 < cell.height / 3:
            y0, y1 = cell.y0 + cell.height / 3, cell.y1 - cell.height / 3
        return Bbox.from_extents(x0, y0, x1, y1)

    def get_subplotspec(self) -> Any:
        """The cell: `tight_layout` lays out only the axes whose locator names one."""
        return self.spec


def _entry(handle: Any, words: str) -> Entry:
    """A legend entry; the artist takes the same label, for `ax.get_legend_handles_labels()`.

    Whole: the legend cuts it to the room it has, at its end or in its middle.
    """
    label = _drawn(words)
    if not isinstance(handle, tuple):
        handle.set_label(label)
    return handle, label


def _legend_above(ax: Axes, entries: list[Entry]) -> float:
    """A frameless legend between the title and the plot; returns its height in points.

    As many columns as fit the plot's width, so it never covers the data. Its height stays
    within a third of the axes' slot and its width within the plot's: in a small cell it
    takes shorter labels (that stay apart) and then a smaller font, rather than squeezing
    the plot to nothing or running past the figure.
    """
    renderer = _renderer(ax.figure)
    slot = _slot(ax)
    room = 0.95 * (min(ax.get_window_extent(renderer).x1, slot.x1) - _plot_left(ax, renderer))
    budget = slot.height / 3
    labels = [label for _, label in entries]
    tries = [(chars, size) for size in (_SMALL, _SMALL - 1) for chars in (48, 32, 24, 18, 14, 11)]
    # The fallback: the flattest try that fits the width, else the narrowest one.
    fallback: tuple[bool, float, int, int] | None = None
    for chars, size in tries:
        shortened = _apart(labels, chars)
        if shortened is None:
            continue  # two entries would read the same
        legend = _legend_in_columns(ax, entries, shortened, size, room, renderer)
        box = legend.get_window_extent(renderer)
        if box.height <= budget and box.width <= room:  # one column may still be too wide
            break
        wide = box.width > room
        tried = (wide, box.width if wide else box.height, chars, size)
        fallback = tried if fallback is None else min(fallback, tried)
    else:  # none within a third of the slot
        # Labels no cut keeps apart are kept whole, at the smaller size.
        chars, size = (len(max(labels, key=len)), _SMALL - 1) if fallback is None else fallback[2:]
        legend = _legend_in_columns(ax, entries, _shown_apart(labels, chars), size, room, renderer)
    return _points(legend.get_window_extent(renderer).height, ax.figure) + 0.4 * _SMALL


def _apart(labels: list[str], chars: int) -> list[str] | None:
    """`labels` cut to `chars` so that no two read the same; None if no cut keeps them apart.

    Cut at the end, else in the middle (titles that share a long start, "Grow revenue in
    ... EMEA" and "... APAC", keep their ends), else around where each differs from the
    label most like it (titles alike but for a word inside).
    """
    distinct = len(set(labels))
    for cut in (_cut, _cut_middle):
        shortened = [cut(label, chars) for label in labels]
        if len(set(shortened)) == distinct:
            return shortened
    shortened = [_cut_around(label, chars, _differs_at(label, labels)) for label in labels]
    return shortened if len(set(shortened)) == distinct else None


def _shown_apart(labels: list[str], chars: int) -> list[str]:
    """`labels` cut to `chars`, apart where a cut keeps them apart, else at their ends."""
    return _apart(labels, chars) or [_cut(label, chars) for label in labels]


def _drawn_apart(words: dict[Any, str], chars: int) -> dict[Any, str]:
    """Each of `words` drawn as typed (`_drawn`), cut to `chars` where a cut keeps them apart."""
    plain = {key: plain_text(text) for key, text in words.items()}
    shown = _shown_apart(list(plain.values()), chars)
    return {key: text.replace("$", r"\$") for key, text in zip(plain, shown, strict=True)}


def _differs_at(label: str, labels: list[str]) -> int:
    """Where `label` first differs from the other label most like it (by a shared start)."""
    shared = 0
    for other in labels:
        if other != label:
            alike = zip(label, other, strict=False)
            start = next((at for at, (a, b) in enumerate(alike) if a != b), None)
            shared = max(shared, min(len(label), len(other)) if start is None else start)
    return shared


def _cut_around(label: str, chars: int, at: int) -> str:
    """`label` cut to `chars`: its first words, then the words from the one holding `at`."""
    if len(label) <= chars:
        return label
    head = label[: max(1, chars // 3)]
    in_a_word = not head[-1].isspace() and not label[len(head)].isspace()
    if in_a_word and " " in head.strip():
        head = head[: head.rindex(" ")]  # whole words
    head = head.rstrip().rstrip("\\")
    room = chars - len(head) - 2  # two ellipses
    start = label.rfind(" ", 0, at) + 1  # the word it differs in
    start = max(start, at - room // 2, len(head))
    if start <= len(head) + 1 or start >= len(label) or room < 1:
        return _cut(label, chars)
    start = _whole_escape(label, start)
    window = label[start : start + room]
    if start + room >= len(label):
        window = label[_whole_escape(label, len(label) - room - 1) :]  # to the end: one ellipsis
        return head + "\u2026" + window.lstrip()
    return head + "\u2026" + window.strip().rstrip("\\") + "\u2026"


def _cut_middle(label: str, chars: int) -> str:
    if len(label) <= chars:
        return label
    head = (chars - 1) // 2
    start = _whole_escape(label, len(label) - (chars - 1 - head))
    tail = label[start:]
    if not label[start - 1].isspace() and " " in tail.strip():
        tail = tail[tail.index(" ") :]  # from a whole word
    return label[:head].rstrip().rstrip("\\") + "\u2026" + tail.lstrip()


def _whole_escape(label: str, start: int) -> int:
    """`start`, or the next place where it would part an escaped dollar from its backslash."""
    return (
        start + 1 if label[start : start + 1] == "$" and label[start - 1 : start] == "\\" else start
    )


def _cut(label: str, chars: int) -> str:
    if len(label) <= chars:
        return label
    return label[: chars - 1].rstrip().rstrip("\\") + "\u2026"  # no lone escape at the end


def _legend_in_columns(
    ax: Axes,
    entries: list[Entry],
    labels: list[str],
    size: float,
    room: float,
    renderer: RendererBase,
) -> Any:
    """The legend above the axes in as many columns as fit `room` pixels."""
    from matplotlib.legend_handler import HandlerTuple  # noqa: PLC0415

    handles = [handle for handle, _ in entries]
    columns = len(entries)
    while True:
        legend = ax.legend(
            handles,
            labels,
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncols=columns,
            frameon=False,
            fontsize=size,
            borderaxespad=0.4,
            borderpad=0.0,
            handlelength=1.8,
            handletextpad=0.5,
            columnspacing=1.2,
            handler_map={tuple: HandlerTuple(ndivide=None, pad=0.2)},
        )
        box = legend.get_window_extent(renderer)
        if box.width <= room or columns == 1:
            return legend
        columns = min(columns - 1, math.ceil(len(entries) / math.ceil(box.width / room)))


def _title(ax: Axes, title: str, legend_height: float) -> None:
    """The chart's title at the top left, above the legend, shortened to fit the figure."""
    renderer = _renderer(ax.figure)
    style: dict[str, Any] = {
        "loc": "left",
        "fontsize": 11,
        "fontweight": "bold",
        "pad": 6 + legend_height,
    }
    shown = ax.set_title(_drawn(title), **style)
    room = min(ax.figure.bbox.x1, _slot(ax).x1) - _plot_left(ax, renderer)
    width = shown.get_window_extent(renderer).width
    if width > room:  # one pass is enough: characters are about the same width
        keep = max(8, int(len(plain_text(title)) * room / width) - 2)
        ax.set_title(_drawn(title, keep), **style)


class _Display:
    """What every chart has: its data, and after `plot`, its axes and figure."""

    title: str
    data: list[dict[str, Any]]
    ax_: Axes
    figure_: Figure

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Any:
        """Draw on `ax` (a new figure when None); returns this display, with `ax_` and `figure_`.

        `kwargs` go to the main artist (e.g. `linewidth=2`). A new figure takes
        matplotlib's default size (`figure.figsize`), taller for a long timeline, and its
        constrained layout. On your own axes in a figure without a layout engine (as
        `plt.subplots()` makes), the chart keeps to its grid cell: its plot's box narrows
        inside the cell so row titles and a right-hand axis never draw over the plot
        beside it; your other axes are not moved. `fig.tight_layout()` or
        `fig.subplots_adjust(...)` afterwards keeps that room: an axes locator places
        the plot in its cell wherever the cell moves (`ax.set_axes_locator(None)`
        before `ax.set_position(...)` to place it yourself).

        Raises:
            MissingExtraError: matplotlib is not installed (`pip install "okrkpi[plot]"`).
            ValidationError: A keyword is not a property of the main artist (a line, a
                bar or a wedge), or its value is not one matplotlib takes; it is named
                (`plot.linewidth`), and nothing is drawn.
        """
        self._check_style(kwargs)  # before anything is drawn, or a figure opened
        opened = ax is None
        axes = _axes(ax, self._height())
        _let_go_of_cell(axes)
        try:
            entries = self._draw(axes, **kwargs)
        except BaseException:
            if opened:  # leave no half-drawn figure open in pyplot
                _pyplot().close(axes.figure)
            raise
        _lay_out(axes)  # the legend and title fit the plot's width once tick labels take theirs
        _keep_beside(axes)
        height = _legend_above(axes, entries) if entries else 0.0
        _title(axes, self.title, height)
        _keep_inside(axes, _renderer(axes.figure))
        _hold_in_cell(axes)
        self._finish(axes)
        self.ax_ = axes
        self.figure_ = axes.figure  # type: ignore[assignment]
        return self

    def to_svg(self, *, id_prefix: str | None = None) -> str:
        """The chart as an SVG element to put in a page, its words kept as text.

        Drawn on a figure of its own, outside pyplot (nothing is left open), at the size
        `plot()` would choose; `ax_` and `figure_` are then that figure's. The text is
        the root `<svg>` element alone, labelled with the chart's title for screen
        readers, with no date in it, so the same chart gives the same text.

        Args:
            id_prefix: Put before every id in the SVG (and every reference to one), so
                charts in one page never share an id; by default, from the chart's content.

        Raises:
            MissingExtraError: matplotlib is not installed (`pip install "okrkpi[plot]"`).
            ValidationError: `id_prefix` is not a letter followed by letters, digits,
                `-` or `_`.
        """
        if id_prefix is None:
            content = repr((type(self).__name__, self.title, self.data)).encode("utf-8", "replace")
            id_prefix = f"okrkpi-{hashlib.sha256(content).hexdigest()[:12]}-"
        elif not isinstance(id_prefix, str) or not _ID_PREFIX.fullmatch(id_prefix):
            raise ValidationError.field("Display.to_svg.id_prefix", id_prefix, "an id's start")
        plt = _pyplot()
        from matplotlib.figure import Figure  # noqa: PLC0415 - optional, as above

        figure = Figure(figsize=_figure_size(self._height()), layout="constrained")
        self.plot(ax=figure.add_subplot())
        buffer = io.StringIO()
        with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "okrkpi"}):
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        text = buffer.getvalue()
        # In tags only: a title that reads id="x" stays as typed in its <text>.
        svg = _TAG.sub(
            lambda tag: _SVG_ID.sub(lambda found: f"{found[1]}{id_prefix}{found[2]}", tag[0]),
            text[text.index("<svg") :],
        )
        label = escape(plain_text(self.title))
        return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)

    def _height(self) -> float | None:
        """Inches tall a new figure is; None for matplotlib's default."""
        return None

    _STYLED = "line"
    """The kind of main artist that `plot`'s keywords style: "line", "bar" or "wedge"."""

    def _check_style(self, kwargs: dict[str, Any]) -> None:
        """Each keyword tried on a spare artist of the main kind, so a bad one is named."""
        _pyplot()  # the extra's error first
        from matplotlib.lines import Line2D  # noqa: PLC0415 - optional, as above
        from matplotlib.patches import Rectangle, Wedge  # noqa: PLC0415

        spare: dict[str, Any] = {
            "line": lambda: Line2D([], []),
            "bar": lambda: Rectangle((0.0, 0.0), 1.0, 1.0),
            "wedge": lambda: Wedge((0.0, 0.0), 1.0, 0.0, 90.0),
        }
        for key, value in kwargs.items():
            try:
                spare[self._STYLED]().update({key: value})
            except (AttributeError, TypeError, ValueError, KeyError) as error:
                expected = f"a {self._STYLED} property matplotlib takes ({error})"
                raise ValidationError.field(f"plot.{key}", value, expected) from None

    def _draw(self, ax: Axes, **kwargs: Any) -> list[Entry]:
        """Draw the marks; returns the legend's entries, one per kind of mark."""
        raise NotImplementedError

    def _finish(self, ax: Axes) -> None:
        """What a chart sizes once its plot has its final box (nothing, for most)."""

    def to_vega_lite(self) -> dict[str, Any]:
        """A Vega-Lite v5 spec of the same chart: a plain, JSON-safe dict."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.title!r}, {len(self.data)} records>"


# -- Vega-Lite helpers --------------------------------------------------------------------

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _vega_value(value: Any) -> Any:
    """A record's value in a spec: moments at their wall-clock time, text drawable."""
    if isinstance(value, date):
        moment = _x(value)
        if not isinstance(moment, datetime):
            moment = datetime(moment.year, moment.month, moment.day)
        return moment.strftime(_TIME_FORMAT)
    if isinstance(value, str):
        return plain_text(value)
    return value


def _vega_moment(value: date) -> dict[str, Any]:
    """A moment as a Vega-Lite DateTime: its wall-clock time, read as UTC as the data is."""
    moment = _x(value)
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    parts = ("year", "month", "date", "hours", "minutes", "seconds")
    values = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    return {**dict(zip(parts, values, strict=True)), "utc": True}


def _vega_data(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Inline data, its moments read as UTC wall-clock times.

    Vega reads a date-only string as UTC and a date-time as the viewer's local time; read
    both as UTC, with a UTC scale, no viewer's time zone moves a check-in to another day.
    """
    values = [{key: _vega_value(value) for key, value in row.items()} for row in records]
    moments = sorted(
        {key for row in records for key, value in row.items() if isinstance(value, date)}
    )
    data: dict[str, Any] = {"values": values}
    if moments:
        data["format"] = {"parse": dict.fromkeys(moments, f"utc:'{_TIME_FORMAT}'")}
    return data


def _spec(records: list[dict[str, Any]], title: str, **rest: Any) -> dict[str, Any]:
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": {"text": plain_text(title), "anchor": "start"},
        "width": _WIDTH,
        "height": _HEIGHT,
        "data": _vega_data(records),
        "config": {"legend": _vega_legend(dict.fromkeys(_legend_words(rest)))},
        **rest,
    }


def _vega_legend(words: Iterable[str]) -> dict[str, Any]:
    """A legend above the chart in as many columns as its longest words fit in its width.

    Vega-Lite lays a legend on top out in one row, however long: five objectives' titles
    made a chart three times as wide as its plot.
    """
    shown = list(words)
    longest = max((len(word) for word in shown), default=_LEGEND_CHARS // 2)
    entry = _LEGEND_SYMBOL + _LEGEND_CHAR * min(longest, _LEGEND_CHARS)
    columns = max(1, min(len(shown) or _WIDTH, int(_WIDTH // entry)))
    return {
        "orient": "top",
        "columns": columns,
        "labelLimit": int(_WIDTH / columns - _LEGEND_SYMBOL),
    }


# A legend entry: its symbol and gaps, then about this much width a character (pixels),
# up to this many characters before the label is cut with an ellipsis.
_LEGEND_SYMBOL, _LEGEND_CHAR, _LEGEND_CHARS = 34, 6.5, 36


def _legend_words(node: Any) -> list[str]:
    """The words a spec's colour legends show: its colour scales' domains and datums."""
    if isinstance(node, list):
        return [word for item in node for word in _legend_words(item)]
    if not isinstance(node, dict):
        return []
    found: list[str] = []
    colour = node.get("color")
    if isinstance(colour, dict):
        domain = colour.get("scale", {}).get("domain", [])
        found += [word for word in [*domain, colour.get("datum")] if isinstance(word, str)]
    return found + [word for value in node.values() for word in _legend_words(value)]


def _vega_nothing(title: str, words: str) -> dict[str, Any]:
    """A spec that says in words there is nothing to draw, as the drawn chart does."""
    return _spec(
        [{"words": words}],
        title,
        height=_HEIGHT // 2,
        config={"view": {"stroke": None}},
        mark={"type": "text", "fontSize": 13, "color": GUIDE},
        encoding={
            "text": {"field": "words"},
            "x": {"value": _WIDTH / 2},
            "y": {"value": _HEIGHT // 4},
        },
    )


def _time_axis(moments: Iterable[date], title: str | None = None) -> dict[str, Any]:
    """A temporal x channel: UTC wall-clock times, ticks and format chosen by the span."""
    moments = list(moments)
    days = sorted(day_of(moment) for moment in moments)
    span = (days[-1] - days[0]).days if days else 0
    if span <= 2 and _timed(moments):  # readings of hours: ticks of hours
        return _hours_axis(moments, title)
    ticks: str | dict[str, Any]
    if span <= 14:
        ticks, shown = "day", "%-d %b"
    elif span <= 60:
        ticks, shown = "week", "%-d %b"
    elif span <= 120:
        ticks, shown = {"interval": "week", "step": 2}, "%-d %b"
    elif span <= 800:
        ticks, shown = "month", "%b %Y"
    else:
        ticks, shown = "year", "%Y"
    if title is None and days and span <= 120:  # day ticks name no year: the title does
        first, last = days[0].year, days[-1].year
        title = str(first) if first == last else f"{first} \u2013 {last}"
    return {
        "type": "temporal",
        "title": title,
        "scale": {"type": "utc", "padding": 8},  # a point at either end is whole
        # Labels that would touch are dropped, not only those that would overlap.
        "axis": {
            "format": shown,
            "tickCount": ticks,
            "labelOverlap": True,
            "labelSeparation": 6,
            "grid": False,
        },
    }


def _hours_axis(moments: list[date], title: str | None) -> dict[str, Any]:
    """A temporal x channel of hours (about eight ticks), a midnight named by its day.

    The title names the days, as the matplotlib axis's offset does.
    """
    clock = sorted(_wall_clock(moment) for moment in moments)
    first, last = clock[0], clock[-1]
    scale: dict[str, Any] = {"type": "utc", "padding": 8}
    fewest = timedelta(days=_FEWEST_HOURS)
    if last - first < fewest:  # six hours around them, as matplotlib draws them
        middle = first + (last - first) / 2
        first, last = middle - fewest / 2, middle + fewest / 2
        scale["domain"] = [_vega_moment(first), _vega_moment(last)]
        last -= timedelta(microseconds=1)  # an end at midnight shows none of the next day
    if title is None:  # the days the axis shows
        title = _days_words(first.date(), last.date())
    midnight = "utchours(datum.value) == 0 && utcminutes(datum.value) == 0"
    return {
        "type": "temporal",
        "title": title,
        "scale": scale,
        "axis": {
            "labelExpr": (
                f"{midnight} ? utcFormat(datum.value, '%-d %b') : utcFormat(datum.value, '%H:%M')"
            ),
            "tickCount": 8,  # Vega steps by whole hours: 1, 3, 6, 12
            "labelOverlap": True,
            "labelSeparation": 6,
            "grid": False,
        },
    }


def _day_tooltip(field: str) -> dict[str, Any]:
    return {"field": field, "type": "temporal", "format": "%-d %b %Y", "scale": {"type": "utc"}}


def _as_of_rule(day: date, colour: dict[str, Any] | None = None, **mark: Any) -> dict[str, Any]:
    """A vertical rule at the as-of day; with the chart's `colour` channel, in its legend.

    The colour scale must hold the rule's words (`As of 15 Aug 2026`) with the guide grey.
    """
    encoding: dict[str, Any] = {"x": {"field": "at", "type": "temporal", "scale": {"type": "utc"}}}
    if colour is not None:
        encoding["color"] = {**colour, "field": None, "datum": f"As of {day_words(day)}"}
        encoding["color"] = {key: value for key, value in encoding["color"].items() if value}
    return {
        "data": {"values": [{"at": day.isoformat()}]},
        "mark": {"type": "rule", "color": GUIDE, **mark},
        "encoding": encoding,
    }


def _words_expression(field: str) -> str:
    """A Vega expression: the people's words for the status (zone, ...) value in `field`."""
    names = {name.lower(): label_of(name) for name in COLOURS}
    return f"{json.dumps(names)}[datum.{field}]"


def _word_scale(names: Iterable[str]) -> dict[str, Any]:
    """A colour scale from the words of these names to their colours."""
    shown = list(dict.fromkeys(names))
    return {"domain": [label_of(name) for name in shown], "range": [colour_of(n) for n in shown]}


def _line_of(objective: Objective, by_id: dict[str, Objective]) -> str:
    """The id of the first objective of the line this one continues (its own if none)."""
    seen = {objective.id}
    while objective.carried_over_from in by_id and objective.carried_over_from not in seen:
        objective = by_id[objective.carried_over_from]
        seen.add(objective.id)
    return objective.id


def _row_labels(labels: list[str]) -> str:
    # A Vega expression: the row number's label, from a JSON array (quotes escaped).
    return f"{json.dumps(labels)}[datum.value]"


_DEFAULT_POLICY = ScoringPolicy()


def _labels(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each id's title to show, with the id beside a title that two ids share."""
    titles = dict(pairs)
    shared = collections.Counter(titles.values())
    return {
        key: title if shared[title] == 1 else f"{title} ({key})" for key, title in titles.items()
    }


# -- burn-up ------------------------------------------------------------------------------


class BurnUpDisplay(_Display):
    """A key result's actual values against the expected line (its plan, or straight).

    Attributes:
        data: Records with `series` ("actual", "expected", "target", "confidence"),
            `at` and `value` (confidence in 0..1). The first "actual" record is the
            value the cycle starts from (the start, or the last check-in before the
            cycle), marked `cycle_start: True`; the last holds the latest value up to the
            as-of day and is marked `held: True`. Neither is a check-in, so neither has
            a dot. An "expected" record from the plan (not the cycle's ends) is marked
            `planned: True`.
        as_of: The day marked.
        cycle: The cycle drawn.
        unit: The key result's unit, if it has one.
        zones: For a zoned key result, `(zone name, low, high)` bands: below commit,
            commit and target; empty otherwise.
    """

    def __init__(
        self,
        key_result: KeyResult,
        cycle: Cycle,
        as_of: date | None,
        policy: ScoringPolicy | None = None,
        rule: DayOf | str | None = None,
    ) -> None:
        if not isinstance(key_result, KeyResult):
            raise ValidationError.field("burn_up.key_result", key_result, "a KeyResult")
        if not isinstance(cycle, Cycle):
            raise ValidationError.field("burn_up.cycle", cycle, "a Cycle")
        if as_of is not None:
            check_moment("burn_up.as_of", as_of, "a date or None")
        policy, rule = _policy_and_rule("burn_up", policy, rule)
        self.title = key_result.title
        self.as_of = day_of(judged_as_of(as_of, cycle, rule) or cycle.end, rule)
        self.cycle = cycle
        measure = key_result.measure
        self.unit: str | None = getattr(measure, "unit", None)
        self.zones: tuple[tuple[str, float, float], ...] = ()
        self._planned = False
        if isinstance(measure, Metric):
            start, target = measure.start, measure.target
            expected = [(cycle.start, start)]
            expected += [(p.at, p.value) for p in measure.plan if cycle.start < p.at < cycle.end]
            expected.append((cycle.end, target))
            self._planned = len(expected) > 2
        elif isinstance(measure, Zoned):
            start, target = measure.baseline, measure.stretch
            expected = [(cycle.start, start), (cycle.end, target)]
            commit, aimed = measure.commit_value, measure.target_value
            self.zones = (
                (Zone.FAIL.name, start, commit),
                (Zone.COMMIT.name, commit, aimed),
                (Zone.TARGET.name, aimed, target),
            )
        else:  # binary, threshold, milestones, ordinal: progress from 0 to 1
            start, target = 0.0, 1.0
            expected = [(cycle.start, 0.0), (cycle.end, 1.0)]
        self._numeric = isinstance(measure, Metric | Zoned)
        records: list[dict[str, Any]] = []
        actual: list[tuple[date, float]] = [(cycle.start, start)]
        seen = key_result.check_ins_until(self.as_of, day_of=rule)
        # Without one, the line is the start (the spec's current value), not a measurement.
        self._actual_words = "Check-ins" if len(seen) else "No check-ins yet (the start)"
        for entry in seen:
            if self._numeric:
                value = float(entry.value)
            else:
                value = score_key_result(key_result, entry.at, policy).value
            if day_of(entry.at, rule) < cycle.start:  # before the cycle: the value it starts from
                actual[0] = (cycle.start, value)
                continue
            actual.append((entry.at, value))
            if entry.confidence is not None:
                records.append(
                    {"series": "confidence", "at": entry.at, "value": entry.confidence.probability}
                )
        records[:0] = [{"series": "actual", "at": at, "value": v} for at, v in actual]
        records[0]["cycle_start"] = True
        if day_of(actual[-1][0], rule) < self.as_of:  # the latest value holds to the as-of day
            records.insert(
                len(actual),
                {"series": "actual", "at": self.as_of, "value": actual[-1][1], "held": True},
            )
        records += [
            {"series": "expected", "at": at, "value": v, "planned": 0 < number < len(expected) - 1}
            for number, (at, v) in enumerate(expected)
        ]
        records += [
            {"series": "target", "at": cycle.start, "value": target},
            {"series": "target", "at": cycle.end, "value": target},
        ]
        self.data = records

    def _series(self, name: str) -> tuple[list[Any], list[float]]:
        rows = [row for row in self.data if row["series"] == name]
        return [_x(row["at"]) for row in rows], [row["value"] for row in rows]

    @property
    def _target_words(self) -> str:
        return "Stretch" if self.zones else "Target"

    @property
    def _expected_words(self) -> str:
        return "Plan" if self._planned else "Expected pace"

    def _draw(self, ax: Axes, **kwargs: Any) -> list[Entry]:
        from matplotlib.ticker import PercentFormatter  # noqa: PLC0415 - optional

        drawn = [row["value"] for row in self.data if row["series"] != "confidence"]
        paper, guide, _ = _chrome(ax)
        drawn += [edge for _, low, high in self.zones for edge in (low, high)]
        unit, suffix = _value_scale(drawn)
        entries: list[Entry] = []
        for name, low, high in self.zones:
            colour = colour_of(name)
            # Below commit hatched, as a KPI's unhealthy tint: its tint is near commit's.
            hatch = "////" if name == Zone.FAIL.name else None
            band = ax.axhspan(
                low / unit,
                high / unit,
                facecolor=_tint(colour, 0.15),
                edgecolor=_tint(colour, 0.35) if hatch else "none",
                hatch=hatch,
                lw=0,
            )
            entries.append(_entry(band, label_of(name)))
        days, values = self._series("actual")
        held = len(days) - 1 if self.data[len(days) - 1].get("held") else len(days)
        dots = _marker_size(held - 1)
        settings: dict[str, Any] = {
            "color": SERIES[0],
            "linewidth": 2,
            "marker": "o",
            "markersize": dots,
        }
        (actual,) = ax.step(
            days,
            [value / unit for value in values],
            where="post",
            markevery=list(range(1, held)),  # a dot per check-in: not the start, not held
            **(settings | kwargs),
        )
        entries.append(_entry(actual, self._actual_words))
        days, values = self._series("expected")
        (expected,) = ax.plot(
            days,
            [value / unit for value in values],
            linestyle="--",
            color=guide,
            linewidth=1,
            marker="o" if self._planned else "",
            markersize=3,
            markevery=list(range(1, len(days) - 1)),  # the planned points, not the ends
        )
        entries.append(_entry(expected, self._expected_words))
        days, values = self._series("target")
        (target,) = ax.plot(days, [value / unit for value in values], linestyle=":", color=guide)
        entries.append(_entry(target, self._target_words))
        marker = ax.axvline(_date_number(self.as_of), color=guide, linewidth=0.8)
        entries.append(_entry(marker, f"As of {day_words(self.as_of)}"))
        days, values = self._series("confidence")
        if days:
            twin = ax.twinx()
            (points,) = twin.plot(
                days,
                values,
                "D",
                color=_CONFIDENCE,
                markersize=5 if len(days) <= _DOTTED_POINTS else 3,
                markeredgecolor=paper,
                markeredgewidth=0.5,
            )
            # The values' air either side (matplotlib's margins): 0% and 100% are whole,
            # and level with a start at the foot and a target at the top.
            air = ax.get_ymargin()  # the style's (5% by default; none in "classic")
            twin.set_ylim(-air, 1 + air)
            twin.yaxis.set_major_formatter(PercentFormatter(1.0))
            twin.set_ylabel("confidence", fontsize=_SMALL + 1)
            twin.tick_params(labelsize=_SMALL)
            entries.append(_entry(points, "Confidence (right axis)"))
        _date_limits(ax, min(self.cycle.start, self.as_of), max(self.cycle.end, self.as_of))
        ax.set_ylabel(_drawn((self.unit or "value") if self._numeric else "score") + suffix)
        ax.yaxis.set_major_formatter(_plain_numbers())
        _quiet(ax)
        return entries

    def to_vega_lite(self) -> dict[str, Any]:
        """Steps for the check-ins, the expected line, zone bands, confidence on its own axis."""
        x = {"field": "at", **_time_axis([self.cycle.start, self.cycle.end, self.as_of])}
        words = {
            "actual": self._actual_words,
            "expected": self._expected_words,
            "target": self._target_words,
            "confidence": "Confidence (right axis)",
        }
        confident = any(row["series"] == "confidence" for row in self.data)
        names = ["actual", "expected", "target", *(["confidence"] if confident else [])]
        as_of_words = f"As of {day_words(self.as_of)}"
        domain = [words[name] for name in names] + [label_of(z) for z, *_ in self.zones]
        domain.append(as_of_words)
        zones = len(self.zones)
        # One legend: each entry drawn as its mark is, a line's dashes, the dots' diamond.
        looks = {
            "color": [SERIES[0], GUIDE, GUIDE, _CONFIDENCE][: len(names)]
            + [_pale(colour_of(zone), 0.15) for zone, *_ in self.zones]  # as drawn, opaque
            + [GUIDE],
            "strokeDash": [[1, 0], [4, 3], [1, 3], [1, 0]][: len(names)] + [[1, 0]] * (zones + 1),
            "shape": ["stroke", "stroke", "stroke", "diamond"][: len(names)]
            + ["square"] * zones
            + ["stroke"],
        }

        def channel(name: str) -> dict[str, Any]:
            return {
                "field": "shown",
                "type": "nominal",
                "title": None,
                "scale": {"domain": domain, "range": looks[name]},
                **({"legend": {"symbolOpacity": 1}} if name == "color" else {}),
            }

        colour = channel("color")
        unit = (self.unit or "value") if self._numeric else "score"
        # A little room past the values: a target at the lowest is not drawn on the axis.
        # Not rounded out: confidence's 0% and 100%, as far inside, are level with them.
        scale = {"zero": False, "padding": 8, "nice": False}
        value = {"field": "value", "type": "quantitative", "title": unit, "scale": scale}
        tooltip = [
            {"field": "shown", "title": "series"},
            _day_tooltip("at"),
            {"field": "value", "type": "quantitative", "format": ",.4~g"},
        ]

        def series(test: str, mark: dict[str, Any], y: dict[str, Any]) -> dict[str, Any]:
            return {
                "transform": [{"filter": test}],
                "mark": mark,
                "encoding": {
                    "x": x,
                    "y": y,
                    "color": colour,
                    "strokeDash": channel("strokeDash"),
                    "tooltip": tooltip,
                    # the diamonds' shape, in the legend too (the dots stay round)
                    **({"shape": channel("shape")} if "confidence" in test else {}),
                },
            }

        values: list[dict[str, Any]] = [
            {
                "data": {"values": [{"low": low, "high": high, "zone": label_of(name)}]},
                "mark": {"type": "rect", "opacity": _BAND_OPACITY},
                "encoding": {
                    "y": {"field": "low", "type": "quantitative", "title": unit},
                    "y2": {"field": "high"},
                    "color": {**colour, "field": "zone"},
                    "tooltip": [{"field": "zone"}],
                },
            }
            for name, low, high in self.zones
        ]
        values += [
            # a value holds until the next check-in: steps, with a dot per check-in
            series(
                "datum.series == 'actual'",
                {"type": "line", "interpolate": "step-after", "strokeWidth": 2},
                value,
            ),
            series(
                "datum.series == 'actual' && datum.held !== true && datum.cycle_start !== true",
                {"type": "point", "filled": True, "opacity": 1},
                value,
            ),
            # straight between planned points, as the matplotlib chart draws it
            series("datum.series == 'expected'", {"type": "line", "strokeWidth": 1}, value),
            series(
                "datum.series == 'expected' && datum.planned === true",
                {"type": "point", "filled": True, "opacity": 1, "size": 20},
                value,
            ),
            series("datum.series == 'target'", {"type": "line"}, value),
            _as_of_rule(self.as_of, colour),
        ]
        if not confident:
            # The legend's symbols come from a shape channel: without the diamonds, an
            # empty layer gives one, or every line would show the same grey dot.
            values.append(series("false", {"type": "point"}, value))
            values[-1]["encoding"]["shape"] = channel("shape")
            return _spec(self._with_words(words), self.title, layer=values)
        confidence = series(
            "datum.series == 'confidence'",
            {"type": "point", "shape": "diamond", "filled": True, "opacity": 1},
            {
                "field": "value",
                "type": "quantitative",
                "scale": {"domain": [0, 1], "padding": 8},  # a diamond at 0% is whole
                "axis": {"orient": "right", "format": "%", "title": "confidence"},
            },
        )
        # The values share one y axis; confidence has its own, on the right.
        return _spec(
            self._with_words(words),
            self.title,
            layer=[{"layer": values}, confidence],
            resolve={"scale": {"y": "independent"}},
        )

    def _with_words(self, words: dict[str, str]) -> list[dict[str, Any]]:
        """The records, each with the words of its series (`shown`), for a spec."""
        return [{**row, "shown": words[row["series"]]} for row in self.data]


def burn_up(
    key_result: KeyResult,
    *,
    cycle: Cycle,
    as_of: date | None = None,
    policy: ScoringPolicy | None = None,
    day_of: DayOf | str | None = None,
) -> BurnUpDisplay:
    """A burn-up chart of a key result across a cycle.

    The check-ins as a step line that holds its latest value up to the as-of day, the
    expected line (the plan's points joined by straight lines, or a straight line from
    start to target), the target, the as-of day, the commit and target zones of a zoned
    key result as bands, and confidence on a second axis.

    Metric and zoned key results are drawn in their unit; other kinds as their score.

    Args:
        key_result: The key result drawn.
        cycle: The cycle drawn across.
        as_of: The day marked; check-ins after it are left out. None: the cycle's end.
        policy: Scores other kinds of key result with this policy's scorers, and days
            by its day rule; by default, the default policy.
        day_of: Which calendar day a check-in's moment falls on (`DayOf`); by default,
            the policy's.

    Raises:
        ValidationError: A bad argument, or a `day_of` other than the policy's.
    """
    return BurnUpDisplay(key_result, cycle, as_of, policy, day_of)


def _policy_and_rule(
    chart: str, policy: ScoringPolicy | None, rule: DayOf | str | None
) -> tuple[ScoringPolicy, DayOf]:
    """The policy to score with and the day rule, checked: `day_of` may not contradict it."""
    if policy is not None and not isinstance(policy, ScoringPolicy):
        raise ValidationError.field(f"{chart}.policy", policy, "a ScoringPolicy or None")
    chosen = None if rule is None else day_rule(rule, f"{chart}.day_of")
    if policy is None:
        return ScoringPolicy(day_of=chosen or DayOf.LOCAL), chosen or DayOf.LOCAL
    if chosen is not None and chosen is not policy.day_of:
        expected = f"None or the policy's day rule {policy.day_of.value!r}"
        raise ValidationError.field(f"{chart}.day_of", rule, expected)
    return policy, policy.day_of


# -- progress over time -------------------------------------------------------------------


class ProgressDisplay(_Display):
    """Objectives' scores over a list of dates, one line each.

    Up to eight objectives get a coloured line and a legend entry each; more are drawn
    as thin grey lines under their average, which a legend of hundreds could not name.

    Attributes:
        data: Records with `objective_id`, `objective`, `at` and `value`.
    """

    def __init__(self, subject: AlignmentTree | Objective, dates: Sequence[date]) -> None:
        # A string is iterable, but its characters are not dates: refused as a whole.
        wanted = isinstance(dates, Iterable) and not isinstance(dates, str | bytes)
        days = list(dates) if wanted else None
        if not days:
            raise ValidationError.field("progress_over_time.dates", dates, "a sequence of dates")
        for position, day in enumerate(days):
            check_moment(f"progress_over_time.dates[{position}]", day, "a date")
        if isinstance(subject, Objective):
            self.title = subject.title
            self.data = [
                {
                    "objective_id": subject.id,
                    "objective": subject.title,
                    "at": day,
                    "value": score(subject, day).value,
                }
                for day in days
            ]
            return
        if not isinstance(subject, AlignmentTree):
            raise ValidationError.field(
                "progress_over_time.subject", subject, "an AlignmentTree or an Objective"
            )
        self.title = "Progress over time"
        records = []
        for day in days:
            scores = subject.score(day)
            records += [
                {"objective_id": o.id, "objective": o.title, "at": day, "value": scores.value(o.id)}
                for o in subject
            ]
        self.data = records

    def _lines(self) -> dict[str, list[dict[str, Any]]]:
        lines: dict[str, list[dict[str, Any]]] = {}
        for row in self.data:
            lines.setdefault(row["objective_id"], []).append(row)
        return lines

    def _draw(self, ax: Axes, **kwargs: Any) -> list[Entry]:
        lines = self._lines()
        if not lines:
            return _nothing(ax, _NO_SCORES)
        names = _labels((key, rows[0]["objective"]) for key, rows in lines.items())
        entries: list[Entry] = []
        many = len(lines) > _MANY_LINES
        for position, (key, rows) in enumerate(lines.items()):
            style: dict[str, Any] = (
                {"color": NEUTRAL, "linewidth": 0.8, "alpha": 0.6}
                if many
                else {
                    "color": SERIES[position % len(SERIES)],
                    "marker": "o",
                    "markersize": _marker_size(len(rows)),
                }
            )
            (line,) = ax.plot(
                [_x(row["at"]) for row in rows],
                [row["value"] for row in rows],
                **(style | kwargs),
            )
            if not many:
                entries.append(_entry(line, names[key]))
            elif position == 0:
                entries.append(_entry(line, f"Each objective ({len(lines)})"))
        if many:
            days = sorted({_x(row["at"]) for row in self.data})
            totals: dict[date, list[float]] = {}
            for row in self.data:
                totals.setdefault(_x(row["at"]), []).append(row["value"])
            (average,) = ax.plot(
                days,
                [sum(totals[d]) / len(totals[d]) for d in days],
                color=SERIES[0],
                linewidth=2.5,
            )
            entries.append(_entry(average, "Average"))
        ax.set_ylim(-_SCORE_AIR, 1 + _SCORE_AIR)  # a line at 0 is not hidden by the axis
        ax.set_ylabel("score")
        _date_axis(ax)
        _quiet(ax)
        return entries

    def to_vega_lite(self) -> dict[str, Any]:
        """One line per objective (objectives sharing a title are told apart by id).

        More than eight objectives: a thin grey line each under their average, as drawn.
        """
        if not self._lines():  # said in words, as drawn
            return _vega_nothing(self.title, _NO_SCORES)
        label = _labels((row["objective_id"], row["objective"]) for row in self.data)
        rows = [{**row, "series": label[row["objective_id"]]} for row in self.data]
        x = {"field": "at", **_time_axis(row["at"] for row in self.data)}
        y = {
            "field": "value",
            "type": "quantitative",
            "title": "score",
            # Air below 0 as above 1: a line at 0 is not hidden by the axis.
            "scale": {"domain": [-_SCORE_AIR, 1 + _SCORE_AIR], "nice": False, "zero": False},
            "axis": {"values": [0, 0.2, 0.4, 0.6, 0.8, 1]},
        }
        tooltip = [
            {"field": "objective"},
            _day_tooltip("at"),
            {"field": "value", "type": "quantitative", "format": ".2f"},
        ]
        if len(label) <= _MANY_LINES:
            colour = {
                "field": "series",
                "type": "nominal",
                "title": None,
                # in the order drawn, so each objective has the colour matplotlib gives it
                "scale": {"domain": list(label.values()), "range": list(SERIES[: len(label)])},
            }
            return _spec(
                rows,
                self.title,
                mark={"type": "line", "point": True},
                encoding={"x": x, "y": y, "color": colour, "tooltip": tooltip},
            )
        each, average = f"Each objective ({len(label):,})", "Average"
        legend = {
            "scale": {"domain": [each, average], "range": [NEUTRAL, SERIES[0]]},
            "title": None,
        }
        lines = {
            "mark": {"type": "line", "strokeWidth": 0.8, "opacity": 0.6},
            "encoding": {
                "x": x,
                "y": y,
                "detail": {"field": "objective_id"},
                "color": {"datum": each, **legend},
                "tooltip": tooltip,
            },
        }
        mean = {
            "transform": [
                {"aggregate": [{"op": "mean", "field": "value", "as": "value"}], "groupby": ["at"]}
            ],
            "mark": {"type": "line", "strokeWidth": 2.5},
            "encoding": {"x": x, "y": y, "color": {"datum": average, **legend}},
        }
        return _spec(rows, self.title, layer=[lines, mean])


def progress_over_time(
    subject: AlignmentTree | Objective, dates: Sequence[date]
) -> ProgressDisplay:
    """Scores over a cycle: one line per objective of a tree, or one for an objective.

    A tree's objectives are scored as the tree scores them (its roll-up).
    """
    return ProgressDisplay(subject, dates)


# -- status doughnut ----------------------------------------------------------------------


def _percent(share: float) -> str:
    """A share as a whole percent; a wedge that rounds to 0% or 100% says "<1%" or ">99%"."""
    if 0 < share < 0.005:
        return "<1%"
    if 0.995 <= share < 1:
        return ">99%"
    return f"{share:.0%}"


def _spread(wanted: list[float], gap: float, low: float, high: float) -> list[float]:
    """Heights as near `wanted` (sorted high to low) as a `gap` between each allows."""
    placed: list[float] = []
    for height in wanted:
        placed.append(min(height, high) if not placed else min(height, placed[-1] - gap))
    overflow = low - placed[-1] if placed else 0.0
    if overflow > 0:  # pushed off the bottom: move everything up, keeping the gaps
        placed[-1] = low
        for position in range(len(placed) - 2, -1, -1):
            placed[position] = max(placed[position], placed[position + 1] + gap)
    return placed


@attrs.frozen
class _LabelPlace:
    """Where a wedge's label goes beside its ring, from the ring's centre, y upwards.

    `leader` joins the wedge's outer edge to the label; `side` is 1 (right) or -1.
    """

    position: int
    side: int
    leader: tuple[tuple[float, float], ...]
    words_at: tuple[float, float]


def _wedge_label_places(
    directions: list[tuple[float, float]], radius: float, gap: float, edge: float
) -> list[_LabelPlace]:
    """Each wedge's label in two columns beside a ring of `radius`, spread `gap` apart.

    `directions` are the wedges' middles as unit vectors (right, up); a label stays
    within `edge` of the centre's height. matplotlib and Vega-Lite draw these alike.
    """
    sides: dict[int, list[tuple[float, int]]] = {1: [], -1: []}
    for position, (across, up) in enumerate(directions):
        sides[1 if across >= 0 else -1].append((up, position))
    places = []
    for side, members in sides.items():
        members.sort(reverse=True)
        heights = _spread([1.15 * radius * up for up, _ in members], gap, -edge, edge)
        for (_, position), placed in zip(members, heights, strict=True):
            across, up = directions[position]
            leader = (
                (radius * across, radius * up),
                (1.12 * radius * side, placed),
                (1.22 * radius * side, placed),
            )
            places.append(_LabelPlace(position, side, leader, (1.25 * radius * side, placed)))
    return places


_TOTAL = 20  # points: the doughnut's total
_VEGA_RING, _VEGA_WEDGE_WORDS = 100, 11  # pixels: the Vega-Lite ring's radius, its labels' size
_WEDGE_WORDS = 9  # points: the doughnut's wedge labels
# The smallest ring radius worth drawing labels beside, as a share of its cell's side.
_SMALLEST_RING = 0.15
_HOLE = 0.62  # the doughnut hole's radius: the ring is 0.38 wide around it
# Sizes the doughnut's centre words may take, as shares of their own; below the last they
# would be too small to read, and go under the plot instead.
_CENTRE_SHARES = (1.0, 0.9, 0.8, 0.7)


def _fitted(ax: Axes, texts: list[Any], sizes: list[float]) -> bool:
    """Whether the texts fit the doughnut's hole at one of `_CENTRE_SHARES` of their sizes.

    They are left at the largest that fits; every corner of each stays inside the hole,
    clear of the wedges' edge lines.
    """
    ax.apply_aspect()
    renderer = _renderer(ax.figure)
    centre_x, centre_y = ax.transData.transform((0.0, 0.0))
    edge_x, _ = ax.transData.transform((_HOLE, 0.0))
    room = 0.94 * (edge_x - centre_x)
    for share in _CENTRE_SHARES:
        for text, size in zip(texts, sizes, strict=True):
            text.set_fontsize(size * share)
        corners = [
            (x, y)
            for text in texts
            for box in [text.get_window_extent(renderer)]
            for x in (box.x0, box.x1)
            for y in (box.y0, box.y1)
        ]
        if all(math.hypot(x - centre_x, y - centre_y) <= room for x, y in corners):
            return True
    return False


class StatusDoughnutDisplay(_Display):
    """How many objectives are in each status.

    Attributes:
        data: Records with `status` (the enum value, `"at_risk"`) and `count`, in severity
            order, empty ones left out.
        as_of: The day the statuses are judged at.
        total: How many objectives have a status (those without a cycle have none).
    """

    _STYLED = "wedge"

    def __init__(self, tree: AlignmentTree, as_of: date) -> None:
        if not isinstance(tree, AlignmentTree):
            raise ValidationError.field("status_doughnut.tree", tree, "an AlignmentTree")
        check_moment("status_doughnut.as_of", as_of, "a date")
        self.as_of = day_of(as_of, tree.policy.day_of)
        statuses = tree_statuses(tree, tree.score(as_of), self.as_of)
        counts = dict.fromkeys(Status, 0)
        for state in statuses.values():
            if state is not None:
                counts[state] += 1
        order = sorted(Status, key=lambda state: state.severity)
        self.title = "Objectives by status"
        self.data = [
            {"status": state.value, "count": counts[state]} for state in order if counts[state]
        ]
        self.total = sum(counts.values())

    def _centre(self) -> tuple[str, str]:
        noun = "objective" if self.total == 1 else "objectives"
        return f"{self.total:,}", f"{noun}\nas of {day_words(self.as_of)}"

    def _draw(self, ax: Axes, **kwargs: Any) -> list[Entry]:
        paper, guide, _ = _chrome(ax)
        ax.set_aspect("equal")
        ax.set_xlim(-2.0, 2.0)
        ax.set_ylim(-1.35, 1.35)
        ax.set_axis_off()
        number, words = self._centre()
        if not self.data:  # no objective with a status: say so rather than draw nothing
            ax.text(0, 0, _NOTHING, ha="center", va="center")
            return []
        counts = [row["count"] for row in self.data]
        wedges, _ = ax.pie(
            counts,
            colors=[colour_of(row["status"]) for row in self.data],
            wedgeprops={"width": 0.38, "edgecolor": paper, "linewidth": 1.5} | kwargs,
            startangle=90,
            counterclock=False,
            radius=1.0,
        )
        ax.set_xlim(-2.0, 2.0)  # pie() resets the limits
        ax.set_ylim(-1.35, 1.35)
        self._middle = (
            ax.text(0, 0.12, number, ha="center", va="center", fontsize=_TOTAL, fontweight="bold"),
            ax.text(0, -0.2, words, ha="center", va="center", fontsize=_SMALL, color=guide),
        )
        self._wedges = wedges
        self._labels: list[Any] = []
        self._label_wedges(ax, wrapped=False)
        self._wrapped = not self._labels_fit(ax)
        if self._wrapped:
            self._label_wedges(ax, wrapped=True)
        return []

    def _label_wedges(self, ax: Axes, *, wrapped: bool) -> None:
        """Label each wedge in two columns beside the ring, each label joined to its wedge.

        The labels are spread so no two collide: small wedges next to each other stay
        readable. Wrapped, a label takes two lines (its status, then its count), for a
        narrow cell.
        """
        for artist in self._labels:
            artist.remove()
        self._labels = []
        _, guide, _ = _chrome(ax)
        ax.apply_aspect()
        unit = ax.transData.transform((0.0, 1.0))[1] - ax.transData.transform((0.0, 0.0))[1]
        # a label's height and a little air (in font sizes), in data units
        lines = 2.8 if wrapped else 1.42
        gap = lines * _WEDGE_WORDS * ax.figure.dpi / 72.0 / max(unit, 1.0)
        directions = []
        for wedge in self._wedges:
            angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
            directions.append((math.cos(angle), math.sin(angle)))
        edge = 1.35 - gap / 2  # a label's middle, half its height inside the axes
        for place in _wedge_label_places(directions, 1.0, gap, edge):
            xs, ys = zip(*place.leader, strict=True)
            self._labels += ax.plot(xs, ys, color=guide, linewidth=0.6)
            self._labels.append(
                ax.text(
                    *place.words_at,
                    self._wedge_words(self.data[place.position], wrapped=wrapped),
                    ha="left" if place.side > 0 else "right",
                    va="center",
                    fontsize=_WEDGE_WORDS,
                )
            )

    def _labels_fit(self, ax: Axes) -> bool:
        """Whether the ring keeps a readable size with the labels beside it in its cell.

        Labels wider than the cell would leave a layout engine to shrink the ring (to
        nothing, in a narrow cell), and without one they would run over the cell's edge.
        The ring's radius is what the cell's width leaves once each side's widest label
        is set a quarter radius off the ring.
        """
        renderer = _renderer(ax.figure)
        slot = _slot(ax)
        widest = dict.fromkeys((1, -1), 0.0)
        for label in self._labels[1::2]:  # lines and texts alternate
            side = 1 if label.get_position()[0] > 0 else -1
            widest[side] = max(widest[side], label.get_window_extent(renderer).width)
        radius = (slot.width - widest[1] - widest[-1] - 2 * _GAP) / 2.5
        return bool(radius >= _SMALLEST_RING * min(slot.width, slot.height))

    def _finish(self, ax: Axes) -> None:
        """Space the labels for the ring's final size; fit the total and the day in the hole.

        The total and the day fit the hole at common sizes; a smaller ring takes them
        smaller (down to 70% of their size), and a ring too small even for that has its day
        (then its total) below the plot, never over the ring.
        """
        if not self.data:
            return
        self._label_wedges(ax, wrapped=self._wrapped)  # spaced for the axes as laid out
        _lay_out(ax)  # the box the figure will be drawn with
        number, words = self._middle
        if _fitted(ax, [number, words], [_TOTAL, _SMALL]):
            return
        day = words.get_text().replace("\n", " ")
        words.remove()
        _, guide, _ = _chrome(ax)
        below = ax.annotate(
            day,
            (0.5, 0),
            xycoords="axes fraction",
            xytext=(0, -2),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=_SMALL,
            color=guide,
        )
        _lay_out(ax)  # a layout engine makes room for the words below
        number.set_y(0)
        if not _fitted(ax, [number], [_TOTAL]):
            number.remove()
            below.set_text(f"{self.total:,} {day}")

    def _wedge_words(self, row: dict[str, Any], *, wrapped: bool = False) -> str:
        """A wedge's label: `On track: 3 (60%)`, or on two lines, `On track` over `3 (60%)`."""
        count = f"{row['count']:,} ({_percent(row['count'] / self.total)})"
        if wrapped:
            return f"{label_of(row['status'])}\n{count}"
        return f"{label_of(row['status'])}: {count}"

    def to_vega_lite(self) -> dict[str, Any]:
        """An arc mark with an inner radius, the total and the as-of day in the middle."""
        if not self.data:  # said in words, as drawn
            return _vega_nothing(self.title, _NOTHING)
        number, words = self._centre()
        arcs: dict[str, Any] = {
            "transform": [{"calculate": _words_expression("status"), "as": "shown"}],
            "mark": {
                "type": "arc",
                "innerRadius": 0.7 * _VEGA_RING,
                "outerRadius": _VEGA_RING,
                "stroke": "white",
            },
            "encoding": {
                "theta": {"field": "count", "type": "quantitative", "stack": True},
                "color": {
                    "field": "shown",
                    "type": "nominal",
                    "title": None,
                    "sort": None,
                    "scale": _word_scale(row["status"] for row in self.data),
                },
                "tooltip": [{"field": "shown", "title": "status"}, {"field": "count"}],
            },
        }
        centre = [
            {
                "data": {"values": [{"text": text}]},
                "mark": {"type": "text", "dy": dy, "fontSize": size, "fontWeight": weight},
                "encoding": {"text": {"field": "text"}},
            }
            for text, dy, size, weight in (
                (number, -8, 26, "bold"),
                (words.replace("\n", " "), 16, 10, "normal"),
            )
        ]
        arcs["encoding"]["order"] = {"field": "position"}
        records = [{**row, "position": position} for position, row in enumerate(self.data)]
        spec = _spec(records, self.title, layer=[arcs, *self._vega_wedge_labels(), *centre])
        spec["config"]["view"] = {"stroke": None}  # the labels' pixel positions draw no frame
        return spec

    def _vega_wedge_labels(self) -> list[dict[str, Any]]:
        """Each wedge labelled as drawn by matplotlib: "On track: 3 (60%)" beside the ring.

        Placed here, in pixels from the ring's centre, and spread as matplotlib spreads
        them: Vega-Lite has no collision avoidance, and labels set by angle alone piled up
        over each other where small wedges lie side by side.
        """
        gap = _VEGA_WEDGE_WORDS * 1.42  # a label's height and a little air
        directions, done = [], 0
        for row in self.data:  # clockwise from the top, as drawn
            angle = 2 * math.pi * (done + row["count"] / 2) / self.total
            directions.append((math.sin(angle), math.cos(angle)))
            done += row["count"]
        texts: dict[int, list[dict[str, Any]]] = {1: [], -1: []}
        lines = []
        # Pixels from the top left; the places are from the ring's centre, upwards.
        for place in _wedge_label_places(directions, _VEGA_RING, gap, _HEIGHT / 2 - gap / 2):
            lines += [
                {
                    "position": place.position,
                    "step": step,
                    "x": _WIDTH / 2 + x,
                    "y": _HEIGHT / 2 - y,
                }
                for step, (x, y) in enumerate(place.leader)
            ]
            x, y = place.words_at
            texts[place.side].append(
                {
                    "x": _WIDTH / 2 + x,
                    "y": _HEIGHT / 2 - y,
                    "label": self._wedge_words(self.data[place.position]),
                }
            )
        pixels = {"type": "quantitative", "scale": None}
        leaders = {
            "data": {"values": lines},
            "mark": {"type": "line", "color": GUIDE, "strokeWidth": 0.8},
            "encoding": {
                "x": {"field": "x", **pixels},
                "y": {"field": "y", **pixels},
                "detail": {"field": "position"},
                "order": {"field": "step"},
            },
        }
        words = [
            {
                "data": {"values": rows},
                "mark": {
                    "type": "text",
                    "fontSize": _VEGA_WEDGE_WORDS,
                    "align": "left" if side > 0 else "right",
                    "baseline": "middle",
                },
                "encoding": {
                    "x": {"field": "x", **pixels},
                    "y": {"field": "y", **pixels},
                    "text": {"field": "label"},
                },
            }
            for side, rows in texts.items()
            if rows
        ]
        return [leaders, *words]


def status_doughnut(tree: AlignmentTree, *, as_of: date) -> StatusDoughnutDisplay:
    """A doughnut of how many objectives are on track, behind, at risk, achieved...

    The total and the as-of day in the middle (smaller on a small ring, or under the
    chart when the hole is too small to hold them, never over the ring); each wedge
    labelled with its status, count and share, the labels spread so small wedges' labels
    never collide. Statuses are judged as the tree judges them (its policy and roll-up).
    An objective without a cycle has no status, so it is not counted.
    """
    return StatusDoughnutDisplay(tree, as_of)


# -- timeline -----------------------------------------------------------------------------

_GROUPINGS = ("level", "owner", None)
_LEVEL_ORDER = MappingProxyType({level.value: position for position, level in enumerate(Level)})


class TimelineDisplay(_Display):
    """A Gantt-style view: objectives across their cycles, coloured by status.

    Each objective's bar spans its cycle and is filled to its score; its initiatives are
    thinner grey bars beneath it, filled to their progress. An objective carried over
    (`carried_over_from`) continues its line: one row per line, a bar per cycle, named by
    its latest title (with its id when two lines share a title). Rows are grouped by level
    or owner; a vertical line marks the as-of day.

    Attributes:
        data: Records with `row`, `label`, `kind` ("objective" or "initiative"),
            `objective_id`, `cycle` (its name), `group`, `start`, `end`, `status` (the
            enum value) and `value` (the objective's score, the initiative's share done,
            or None when unknown), in drawing order.
        as_of: The day marked, or None (each objective judged at its cycle's end).
        group_by: "level", "owner" or None.
    """

    _STYLED = "bar"

    def __init__(
        self, objectives: Iterable[Objective], as_of: date | None, group_by: str | None
    ) -> None:
        self._headings: list[Any] = []  # drawn by `_draw`, some left out by `_finish`
        if isinstance(objectives, str | bytes) or not isinstance(objectives, Iterable):
            raise ValidationError.field("timeline.objectives", objectives, "objectives")
        if as_of is not None:
            check_moment("timeline.as_of", as_of, "a date or None")
        if group_by not in _GROUPINGS:
            raise ValidationError.field("timeline.group_by", group_by, '"level", "owner" or None')
        # A tree's objectives are judged as the tree judges them (its policy, its roll-up).
        tree = objectives if isinstance(objectives, AlignmentTree) else None
        rule = (_DEFAULT_POLICY if tree is None else tree.policy).day_of
        self.as_of = None if as_of is None else day_of(as_of, rule)
        self.group_by = group_by
        items = list(objectives)
        for position, objective in enumerate(items):
            if not isinstance(objective, Objective):
                raise ValidationError.field(
                    f"timeline.objectives[{position}]", objective, "an Objective"
                )
        # An objective carried over continues the line of the one it came from: one row
        # per line of objectives, a bar per cycle.
        by_id = {objective.id: objective for objective in items}
        lines: dict[str, list[tuple[Objective, list[dict[str, Any]]]]] = {}
        scored: dict[date, Any] = {}  # the tree scored once per day judged, not per objective
        for objective in items:
            cycle = objective.cycle
            if cycle is None:
                continue
            day = cycle.end if self.as_of is None else self.as_of
            if tree is None:
                own, policy = score(objective, day), _DEFAULT_POLICY
            else:
                if day not in scored:
                    scored[day] = tree.score(day)
                scores = scored[day]
                own, policy = scores[objective.id], scores.policy
            rolled_up = policy.rollup.uses_children
            state = objective_status(objective, own, cycle, day, policy, rolled_up=rolled_up)
            records = [
                {
                    "label": objective.title,
                    "kind": "objective",
                    "objective_id": objective.id,
                    "cycle": cycle.name,
                    "start": cycle.start,
                    "end": cycle.end,
                    "status": state.value,
                    "value": own.value,
                }
            ]
            records += [
                {
                    "label": initiative.title,
                    "kind": "initiative",
                    "objective_id": objective.id,
                    "cycle": cycle.name,
                    "start": initiative.start or cycle.start,
                    "end": initiative.end or cycle.end,
                    "status": initiative.status.value,
                    "value": initiative.done_share,
                }
                for initiative in objective.initiatives
            ]
            lines.setdefault(_line_of(objective, by_id), []).append((objective, records))
        groups: dict[str, list[list[dict[str, Any]]]] = {}
        for segments in lines.values():
            segments.sort(key=lambda segment: segment[1][0]["start"])
            group = self._group(segments[-1][0])  # where the line stands now
            rows = groups.setdefault(group, [])
            rows.append([records[0] for _, records in segments])  # one row, a bar per cycle
            rows += [[record] for _, records in segments for record in records[1:]]
        ordered = sorted(groups, key=self._group_order)
        self.title = "Timeline"
        self.data = [
            {"row": row, **record, "group": group}
            for row, (group, records) in enumerate(
                (group, records) for group in ordered for records in groups[group]
            )
            for record in records
        ]

    def _row_words(self) -> dict[int, str]:
        """Each row's words: the line's latest title, with its id beside a shared one."""
        latest = {row["row"]: row for row in self.data}  # a line's last bar is its latest
        titles = _labels(
            (row["objective_id"], row["label"])
            for row in latest.values()
            if row["kind"] == "objective"
        )
        return {
            number: titles[row["objective_id"]] if row["kind"] == "objective" else row["label"]
            for number, row in latest.items()
        }

    def _group(self, objective: Objective) -> str:
        if self.group_by == "level":
            return objective.level.value
        if self.group_by == "owner":
            return objective.owner or ""
        return ""

    def _group_order(self, group: str) -> tuple[int, str]:
        if self.group_by == "level":
            return _LEVEL_ORDER[group], group
        return (group == "", group.casefold())  # no owner last

    def _group_words(self, group: str) -> str:
        if self.group_by == "level":
            return label_of(group)
        return group or "No owner"

    def _positions(self) -> tuple[list[float], list[tuple[float, str]]]:
        """Each record's row on the y axis, and the group headings' rows and words."""
        positions: list[float] = []
        headings: list[tuple[float, str]] = []
        at = 0.0
        previous = None
        last_row = None
        for row in self.data:
            if row["row"] == last_row:  # another cycle's bar on its line's row
                positions.append(positions[-1])
                continue
            last_row = row["row"]
            if self.group_by is not None and row["group"] != previous:
                if previous is not None:
                    at += 0.4  # a little air between groups
                headings.append((at, self._group_words(row["group"])))
                at += 1
                previous = row["group"]
            positions.append(at)
            at += 1
        return positions, headings

    def _height(self) -> float | None:
        positions, _ = self._positions()
        rows = positions[-1] + 1 if positions else 1
        # As tall as its rows: a bar or two in a default-sized figure is an inch thick.
        return min(_TALLEST_INCHES, max(_SHORTEST_INCHES, 1.8 + rows * _ROW_INCHES))

    def _draw(self, ax: Axes, **kwargs: Any) -> list[Entry]:
        from matplotlib.patches import Patch  # noqa: PLC0415 - optional
        from matplotlib.transforms import blended_transform_factory  # noqa: PLC0415

        if not self.data:
            return _nothing(ax, _NOTHING)
        paper, guide, _ = _chrome(ax)
        positions, headings = self._positions()
        entries: list[Entry] = []
        # One call per layer: a bar at a time costs a second for 200 objectives.
        starts = [_date_number(row["start"]) for row in self.data]
        spans = [
            _date_number(row["end"]) + 1 - start
            for row, start in zip(self.data, starts, strict=True)
        ]
        objective = [row["kind"] == "objective" for row in self.data]
        colours = [
            colour_of(row["status"]) if own else guide
            for row, own in zip(self.data, objective, strict=True)
        ]
        heights = [0.72 if own else 0.34 for own in objective]
        if self.data:
            ax.barh(positions, spans, left=starts, height=heights, color=colours, alpha=0.3, lw=0)
        filled = [position for position, row in enumerate(self.data) if row["value"]]
        if filled:
            ax.barh(
                [positions[p] for p in filled],
                [spans[p] * self.data[p]["value"] for p in filled],
                left=[starts[p] for p in filled],
                height=[heights[p] for p in filled],
                color=[colours[p] for p in filled],
                **kwargs,
            )
        shown = dict.fromkeys(row["status"] for row in self.data if row["kind"] == "objective")
        entries += [
            _entry(Patch(color=colour_of(name)), label_of(name))
            for name in sorted(shown, key=lambda value: Status(value).severity)
        ]
        if any(row["kind"] == "initiative" for row in self.data):
            entries.append(_entry(Patch(color=guide), "Initiative (thinner)"))
        pale, solid = Patch(color=guide, alpha=0.3), Patch(color=guide)
        entries.append(_entry((pale, solid), _FILLED))
        if self.as_of is not None:
            marker = ax.axvline(_date_number(self.as_of), color=guide, lw=1, linestyle="--")
            entries.append(_entry(marker, f"As of {day_words(self.as_of)}"))
        text_x = blended_transform_factory(ax.transAxes, ax.transData)
        chars = _label_chars(ax)
        self._headings = []
        for at, words in headings:
            heading = ax.text(
                0.0,
                at,
                _drawn(words, chars),
                transform=text_x,
                fontsize=_SMALL,
                fontweight="bold",
                va="center",
                ha="left",
                # on a crowded axis a heading may sit over bars: keep it readable
                bbox={"facecolor": paper, "alpha": 0.85, "edgecolor": "none", "pad": 1.5},
            )
            self._headings.append(heading)
        row_words = self._row_words()
        kinds = {row["row"]: row["kind"] for row in self.data}
        row_labels = _drawn_apart(
            {row: words for row, words in row_words.items() if kinds[row] == "objective"}, chars
        )
        row_labels |= {  # beneath their objectives, told apart from each other
            row: "\u21b3 " + words
            for row, words in _drawn_apart(
                {row: words for row, words in row_words.items() if kinds[row] != "objective"},
                chars - 2,
            ).items()
        }
        labels = {at: row_labels[row["row"]] for row, at in zip(self.data, positions, strict=True)}
        beneath = {
            at for row, at in zip(self.data, positions, strict=True) if row["kind"] != "objective"
        }
        _row_ticks(ax, list(dict.fromkeys(positions)), labels, beneath)  # a line's bars share a row
        bottom = positions[-1] + 0.7 if positions else 0.7
        ax.set_ylim(bottom, -0.7)
        if self.data:
            marked = [] if self.as_of is None else [self.as_of]
            first = min(day_of(row["start"]) for row in self.data)
            last = max(day_of(row["end"]) for row in self.data)
            _date_limits(ax, min([first, *marked]), max([last, *marked]))
        _quiet(ax, grid="x")
        ax.tick_params(axis="y", length=0)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        return entries

    def _finish(self, ax: Axes) -> None:
        """On a crowded axis, leave out a group heading that would cover the one above it.

        Rows squeezed into a small cell are a few pixels apart: a small group's heading
        would sit on the next one's, and neither could be read. And where a few rows have
        a tall plot to themselves, they keep a row's height, centred, not an inch a bar.
        """
        if not self.data:
            return
        _lay_out(ax)  # the box the figure will be drawn with
        bottom, top = ax.get_ylim()
        inches = ax.bbox.height / ax.figure.dpi
        if inches / (bottom - top) > _THICKEST_ROW_INCHES:
            extra = (inches / _THICKEST_ROW_INCHES - (bottom - top)) / 2
            ax.set_ylim(bottom + extra, top - extra)
        if not self._headings:
            return
        renderer = _renderer(ax.figure)
        above = None
        for heading in self._headings:
            box = heading.get_window_extent(renderer)
            if above is not None and box.y1 > above.y0:  # rows run downwards
                heading.set_visible(False)
                continue
            above = box

    def to_vega_lite(self) -> dict[str, Any]:
        """Bars per row coloured by status, filled to the score, the full title in a tooltip.

        The chart grows a step per row; long titles are cut on the axis with an ellipsis.
        """
        if not self.data:  # said in words, as drawn
            return _vega_nothing(self.title, _NOTHING)
        groups = sorted({row["group"] for row in self.data}, key=self._group_order)
        rows = []
        for row in self.data:
            # A bar spans its last day too, to its end, as matplotlib draws it.
            start = datetime.combine(row["start"], time())
            span = datetime.combine(row["end"], time()) + timedelta(days=1) - start
            rows.append(
                {
                    **row,
                    "until": start + span,
                    "filled": start + span * (row["value"] or 0.0),
                    "words": label_of(row["status"]),
                    "heading": self._group_words(row["group"]),
                    "heading_order": groups.index(row["group"]),
                    # initiatives in one grey: the colours are the objectives' statuses
                    "colour": (
                        label_of(row["status"]) if row["kind"] == "objective" else "Initiative"
                    ),
                }
            )
        moments = [row["start"] for row in self.data] + [row["until"] for row in rows]
        x = {"field": "start", **_time_axis(moments + ([self.as_of] if self.as_of else []))}
        initiatives = [row["row"] for row in self.data if row["kind"] == "initiative"]
        row_words = list(self._row_words().values())  # in row order
        y = {
            "field": "row",
            "type": "ordinal",
            "title": None,
            # Rows, not titles, on the axis: two objectives with one title stay two bars.
            "axis": {
                "labelExpr": _row_labels([plain_text(shown) for shown in row_words]),
                "labelLimit": 200,
                "ticks": False,
                # an initiative's title in grey italics, under its objective's
                "labelColor": {
                    "condition": {
                        "test": f"indexof({initiatives}, datum.value) >= 0",
                        "value": GUIDE,
                    },
                    "value": "black",
                },
                "labelFontStyle": {
                    "condition": {
                        "test": f"indexof({initiatives}, datum.value) >= 0",
                        "value": "italic",
                    },
                    "value": "normal",
                },
            },
        }
        statuses = dict.fromkeys(row["status"] for row in self.data if row["kind"] == "objective")
        scale = _word_scale(statuses)
        if initiatives:
            scale = {"domain": [*scale["domain"], "Initiative"], "range": [*scale["range"], GUIDE]}
        # What a bar is, as matplotlib's legend says: its length is the cycle, not a date.
        scale = {"domain": [*scale["domain"], _FILLED], "range": [*scale["range"], GUIDE]}
        is_filled = f"datum.value === {json.dumps(_FILLED)}"
        if self.as_of is not None:  # the as-of line in the legend too
            as_of_words = f"As of {day_words(self.as_of)}"
            scale = {"domain": [*scale["domain"], as_of_words], "range": [*scale["range"], GUIDE]}
        colour = {
            "field": "colour",
            "type": "nominal",
            "title": None,
            "scale": scale,
            "legend": {
                "symbolOpacity": 1,
                # what a bar is: a pale cycle, drawn as a pale swatch with a solid edge
                "encode": {
                    "symbols": {
                        "update": {
                            "fillOpacity": {"signal": f"{is_filled} ? 0.3 : 1"},
                            "stroke": {"value": GUIDE},
                            "strokeWidth": {"signal": f"{is_filled} ? 1.5 : 0"},
                        }
                    }
                },
            },
        }
        size = {
            "field": "kind",
            "type": "nominal",
            "scale": {"domain": ["objective", "initiative"], "range": [14, 6]},
            "legend": None,
        }
        tooltip = [
            {"field": "label", "title": "title"},
            {"field": "cycle"},
            {"field": "words", "title": "status"},
            {"field": "value", "type": "quantitative", "format": ".0%", "title": "done"},
            _day_tooltip("start"),
            _day_tooltip("end"),
        ]
        layers: list[dict[str, Any]] = [
            {
                "mark": {"type": "bar", "opacity": 0.3},
                "encoding": {
                    "y": y,
                    "x": x,
                    "x2": {"field": "until"},
                    "color": colour,
                    "size": size,
                    "tooltip": tooltip,
                },
            },
            {
                "mark": {"type": "bar"},
                "encoding": {
                    "y": y,
                    "x": x,
                    "x2": {"field": "filled"},
                    "color": colour,
                    "size": size,
                    "tooltip": tooltip,
                },
            },
        ]
        if self.as_of is not None:
            layers.append(_as_of_rule(self.as_of, colour, strokeDash=[4, 3]))
        spec = _spec(rows, self.title, layer=layers)
        body: dict[str, Any] = {"layer": spec.pop("layer")}
        del spec["height"]
        if self.group_by is None:
            return {**spec, "height": {"step": 18}, **body}
        width = spec.pop("width")
        return {
            **spec,
            "facet": {
                "row": {
                    "field": "heading",
                    "title": None,
                    # as matplotlib orders them: by level, or by owner with "No owner" last
                    "sort": {"field": "heading_order", "op": "min"},
                    "header": {
                        "labelOrient": "top",
                        "labelAngle": 0,
                        "labelAlign": "left",
                        "labelAnchor": "start",
                        "labelFontWeight": "bold",
                    },
                }
            },
            "spec": {"width": width, "height": {"step": 18}, **body},
            "resolve": {"scale": {"y": "independent"}},
        }


def _row_ticks(
    ax: Axes, positions: list[float], labels: dict[float, str], lesser: set[float]
) -> None:
    """Row labels on the y axis: every row's where they fit, else the most that do.

    Where a label's height does not fit a row, the labels take a smaller size, then the
    `lesser` rows (initiatives, beneath their objectives) go unlabelled, then every n-th
    of the rest is labelled. The choice is made when the figure is drawn, from the axes'
    height then, so labels never overlap whatever size the figure ends up.
    """
    from matplotlib.ticker import FuncFormatter, Locator  # noqa: PLC0415 - optional

    main = [position for position in positions if position not in lesser]

    class _Rows(Locator):
        def __call__(self) -> list[float]:
            if not positions:
                return []
            per_row = ax.bbox.height / (positions[-1] + 1.4)
            for size in (_SMALL, _SMALL - 1.5):
                spacing = 1.35 * size * ax.figure.dpi / 72.0  # a label's height, with air
                if per_row >= spacing:
                    ax.tick_params(axis="y", labelsize=size)
                    return positions
            ax.tick_params(axis="y", labelsize=_SMALL - 1.5)
            # Rows labelled: the main ones, each with the rows beneath it, apart enough.
            shown: list[float] = []
            for position in main or positions:
                if not shown or (position - shown[-1]) * per_row >= spacing:
                    shown.append(position)
            return shown

    ax.yaxis.set_major_locator(_Rows())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: labels.get(value, "")))
    ax.tick_params(axis="y", labelsize=_SMALL)


def timeline(
    objectives: Iterable[Objective],
    *,
    as_of: date | None = None,
    group_by: str | None = "level",
) -> TimelineDisplay:
    """A Gantt-style timeline of objectives across their cycles, initiatives beneath.

    Bars are coloured by status as of a day (each cycle's end when None) and filled to
    the score; given an `AlignmentTree`, judged with its policy and roll-up. Rows are
    grouped by `group_by`: "level" (company first), "owner", or None for the given order.
    A new figure is as tall as its rows need (a few rows get a short figure, 200 stay
    readable, a row at a time); long titles are
    cut with an ellipsis to a share of the space the axes has, where they differ when
    they share their start or end. On your own axes too small for every row's title, the
    titles take a smaller size, then initiatives go unlabelled before any objective does,
    then every n-th objective is labelled. On your own axes in a grid
    without a layout engine, the plot's box narrows inside its cell to make room for
    those titles, rather than running them over the chart to its left. An objective
    without a cycle has no place on a timeline and is left out.
    """
    return TimelineDisplay(objectives, as_of, group_by)


# -- KPI chart ----------------------------------------------------------------------------


class KpiDisplay(_Display):
    """A KPI's measurements against its target, with the warning band and overdue marker.

    Attributes:
        data: Records with `at` and `value`.
        target: The number target, or None.
        band: The warning band `(low, high)`: between the warning level and the target,
            or the range widened by the warning margin; None without one.
        overdue: The due day that passed without a measurement, or None.
        health: The KPI's health as of the day drawn.
        unit: The KPI's unit, if it has one.
        as_of: The day drawn to (the axis reaches it), or None for every measurement.
    """

    def __init__(self, kpi: KPI, as_of: date | None, rule: DayOf | str = DayOf.LOCAL) -> None:
        if not isinstance(kpi, KPI):
            raise ValidationError.field("kpi_chart.kpi", kpi, "a KPI")
        if as_of is not None:
            check_moment("kpi_chart.as_of", as_of, "a date or None")
        rule = day_rule(rule, "kpi_chart.day_of")
        self.title = kpi.name + (f" ({kpi.unit})" if kpi.unit else "")
        self.unit = kpi.unit
        self.as_of = as_of
        seen = kpi.measurements.until(as_of, day_of=rule)
        self.data = [{"at": item.at, "value": item.value} for item in seen]
        target = kpi.target
        self.target = None if isinstance(target, TargetRange) else target
        self.range = (target.low, target.high) if isinstance(target, TargetRange) else None
        self.band: tuple[float, float] | None = None
        if kpi.warning is not None and isinstance(target, float):
            self.band = (min(kpi.warning, target), max(kpi.warning, target))
        elif kpi.warning is not None and isinstance(target, TargetRange):
            self.band = (target.low - kpi.warning, target.high + kpi.warning)
        self.overdue: date | None = None
        if as_of is not None and seen and kpi.is_overdue(as_of, day_of=rule):
            self.overdue = kpi.next_due(as_of, day_of=rule)
        self.health = kpi.health(as_of, day_of=rule)

    @property
    def _measured_words(self) -> str:
        """The line's legend entry, with the health: "Measured (now warning)" (overdue: "last")."""
        # Health is unknown without a target: say why rather than a health it cannot have.
        judged = self.target is not None or self.range is not None
        # Overdue, the health is the last measurement's: not what the KPI is now.
        when = "last" if self.overdue is not None else "now"
        health = f"{when} {label_of(self.health).lower()}" if judged else "no target"
        return f"Measured ({health})"

    def _warning_spans(self) -> list[tuple[float, float]]:
        """The warning band as drawn; around a target range, the margin either side of it.

        So the band never tints the range itself.
        """
        if self.band is None:
            return []
        low, high = self.band
        if self.range is None:
            return [(low, high)]
        return [(low, self.range[0]), (self.range[1], high)]

    def _unhealthy_edges(self) -> list[tuple[float, float]]:
        """Where values turn unhealthy, past the warning band: (the level, the way out: ±1)."""
        assert self.band is not None  # drawn with a warning band only
        low, high = self.band
        if self.range is not None:
            return [(low, -1.0), (high, 1.0)]
        worse_below = self.target is not None and low < self.target
        return [(low, -1.0)] if worse_below else [(high, 1.0)]

    @property
    def _last_day(self) -> date:
        """The last day drawn: the last measurement's, the as-of day or the overdue day."""
        shown = (self.data[-1]["at"], self.as_of, self.overdue)
        return max(day_of(moment) for moment in shown if moment is not None)

    def _timed_ends(self) -> tuple[datetime, datetime] | None:
        """The first and last moments drawn, where readings of hours span under a week.

        The last is the last reading's, or the end of the as-of (or overdue) day. None for
        daily readings, or longer spans: those are drawn by the day.
        """
        moments = [row["at"] for row in self.data]
        if not _timed(moments):
            return None
        # Drawn at their wall-clock times: in several zones, the first is not the earliest.
        clock = [_wall_clock(moment) for moment in moments]
        first, last = min(clock), max(clock)
        if self.as_of is not None and self._last_day < date.max:
            last = max(last, datetime.combine(self._last_day + timedelta(days=1), time()))
        return (first, last) if last - first < timedelta(days=_FEWEST_DAYS) else None

    def _numbers(self) -> list[float]:
        numbers = [row["value"] for row in self.data]
        for pair in (self.band, self.range):
            numbers += list(pair or ())
        return numbers + ([] if self.target is None else [self.target])

    def _draw(self, ax: Axes, **kwargs: Any) -> list[Entry]:
        if not self.data:
            return _nothing(ax, _NO_MEASUREMENTS)
        unit, suffix = _value_scale(self._numbers())
        dots = _marker_size(len(self.data))
        settings: dict[str, Any] = {
            "color": SERIES[0],
            "marker": "o",
            "markersize": dots,
            "linewidth": 1.8,
        }
        (line,) = ax.plot(
            [_x(r["at"]) for r in self.data],
            [r["value"] / unit for r in self.data],
            **(settings | kwargs),
        )
        entries = [_entry(line, self._measured_words)]
        if self.band is not None:
            bands = [
                ax.axhspan(bottom / unit, top / unit, color=COLOURS["WARNING"], alpha=0.18, lw=0)
                for bottom, top in self._warning_spans()
            ]
            entries.append(_entry(bands[0], "Warning band"))
            for other in bands[1:]:
                other.set_label("_nolegend_")  # one entry for both sides
            past = self._unhealthy_past()
            if past:
                entries.append(_entry(self._shade_unhealthy(ax, unit, past), "Unhealthy"))
        if self.target is not None:
            target = ax.axhline(self.target / unit, color=COLOURS["HEALTHY"], linestyle=":", lw=1.5)
            entries.append(_entry(target, "Target"))
        if self.range is not None:
            low, high = self.range
            span = ax.axhspan(low / unit, high / unit, color=COLOURS["HEALTHY"], alpha=0.18, lw=0)
            entries.append(_entry(span, "Target range"))
        if self.overdue is not None:
            overdue = ax.axvline(
                _date_number(self.overdue), color=COLOURS["UNHEALTHY"], linestyle="--", lw=1
            )
            entries.append(_entry(overdue, f"Overdue since {day_words(self.overdue)}"))
        # From the first measurement to the as-of day: an overdue marker stands clear of the
        # edge, and one measurement does not leave matplotlib to guess years either side.
        ends = self._timed_ends()
        if ends is None:
            _date_limits(ax, day_of(self.data[0]["at"]), self._last_day)
        else:  # readings of a few days, in hours: not squeezed into a week's axis
            _hours_limits(ax, *ends)
        ax.set_ylabel(_drawn(self.unit or "value") + suffix)
        ax.yaxis.set_major_formatter(_plain_numbers())
        _quiet(ax)
        return entries

    def _unhealthy_past(self) -> list[tuple[float, float]]:
        """Each warning level a measurement went past: (the level, the furthest one past it).

        Matplotlib tints from the level to the plot's edge; Vega-Lite, whose layer's
        extent would stretch the axis past the data, to the furthest measurement.
        """
        if self.band is None:
            return []
        reached = []
        for level, way in self._unhealthy_edges():
            past = [row["value"] for row in self.data if (row["value"] - level) * way > 0]
            if past:
                reached.append((level, max(past) if way > 0 else min(past)))
        return reached

    def _shade_unhealthy(self, ax: Axes, unit: float, past: list[tuple[float, float]]) -> Any:
        """Tint past the warning level to the plot's edge, leaving the axis limits alone.

        Drawn where a measurement is there: it sat on white, as healthy ones do. Added as
        artists, not patches: a patch's extent would stretch the axis to hold it.
        """
        from matplotlib.patches import Rectangle  # noqa: PLC0415 - optional
        from matplotlib.transforms import blended_transform_factory  # noqa: PLC0415

        across = blended_transform_factory(ax.transAxes, ax.transData)
        reach = 1e6 * max(1.0, *(abs(number) / unit for number in self._numbers()))
        shades = []
        for level, furthest in past:
            shade = Rectangle(
                (0.0, level / unit),
                1.0,
                math.copysign(reach, furthest - level),
                transform=across,
                facecolor=_tint(COLOURS["UNHEALTHY"], 0.1),
                # Hatched: its tint alone is near the warning band's, in every vision.
                edgecolor=_tint(COLOURS["UNHEALTHY"], 0.35),
                hatch="////",
                lw=0,
                zorder=0.5,
            )
            ax.add_artist(shade)
            shades.append(shade)
        return shades[0]

    def to_vega_lite(self) -> dict[str, Any]:
        """The measurements as a line, the band as a rectangle, the target as a rule."""
        if not self.data:  # said in words, as drawn
            return _vega_nothing(self.title, _NO_MEASUREMENTS)
        overdue_words = f"Overdue since {day_words(self.overdue)}" if self.overdue else ""
        unhealthy = [(min(pair), max(pair)) for pair in self._unhealthy_past()]
        # Each entry's colour, symbol and dashes, as drawn: a band's pale fill is mixed
        # with white (drawn opaque), so its square in the legend is that pale colour.
        square, stroke, solid = "square", "stroke", [1, 0]
        present = [  # (words, colour, symbol, dashes, whether drawn)
            (self._measured_words, SERIES[0], stroke, solid, True),
            ("Warning band", _pale(COLOURS["WARNING"], 0.18), square, solid, self.band),
            ("Unhealthy", _pale(COLOURS["UNHEALTHY"], 0.1), square, solid, unhealthy),
            ("Target", COLOURS["HEALTHY"], stroke, [2, 2], self.target is not None),
            ("Target range", _pale(COLOURS["HEALTHY"], 0.18), square, solid, self.range),
            (overdue_words, COLOURS["UNHEALTHY"], stroke, [5, 3], overdue_words),
        ]
        looks = {words: (colour, *rest) for words, colour, *rest, drawn in present if drawn}
        words = list(looks)

        def scale(part: int) -> dict[str, Any]:
            return {"domain": words, "range": [look[part] for look in looks.values()]}

        legend = {"scale": scale(0), "title": None, "legend": {"symbolOpacity": 1}}
        # As drawn: from the first measurement to the as-of day, dots while they stay apart.
        shown = [row["at"] for row in self.data] + [day for day in (self.as_of,) if day]
        x = {"field": "at", **_time_axis(shown)}
        if self.as_of is not None:  # to the end of the as-of day, as drawn
            last = self._last_day
            after = last + timedelta(days=1) if last < date.max else last  # the calendar's end
            ends = [_vega_moment(self.data[0]["at"]), _vega_moment(after)]
            x["scale"] = {**x["scale"], "domain": ends}
        line: dict[str, Any] = {
            "mark": {"type": "line", "point": len(self.data) <= _DOTTED_POINTS},
            "encoding": {
                "x": x,
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": self.unit,
                    "scale": {"zero": False, "padding": 8},  # a value at either end is whole
                },
                "color": {"datum": self._measured_words, **legend},
                "tooltip": [
                    _day_tooltip("at"),
                    {"field": "value", "type": "quantitative", "format": ",.4~g"},
                ],
            },
        }
        layers: list[dict[str, Any]] = []  # the bands first: the line is drawn over them
        for name, spans in (
            ("Warning band", self._warning_spans()),
            ("Unhealthy", unhealthy),
            ("Target range", [self.range] if self.range else []),
        ):
            if spans:
                layers.append(
                    {
                        "data": {"values": [{"low": low, "high": high} for low, high in spans]},
                        "mark": {"type": "rect", "opacity": _BAND_OPACITY},
                        "encoding": {
                            "y": {"field": "low", "type": "quantitative", "title": self.unit},
                            "y2": {"field": "high"},
                            "color": {"datum": name, **legend},
                        },
                    }
                )
        layers.append(line)
        if self.target is not None:
            layers.append(
                {
                    "data": {"values": [{"target": self.target}]},
                    "mark": {"type": "rule", "strokeDash": [2, 2]},
                    "encoding": {
                        "y": {"field": "target", "type": "quantitative", "title": self.unit},
                        "color": {"datum": "Target", **legend},
                    },
                }
            )
        if self.overdue is not None:
            layers.append(
                {
                    "data": {"values": [{"at": _vega_value(self.overdue)}]},
                    "mark": {"type": "rule", "strokeDash": [5, 3]},
                    "encoding": {
                        "x": {"field": "at", "type": "temporal", "scale": {"type": "utc"}},
                        "color": {"datum": overdue_words, **legend},
                    },
                }
            )
        # The legend's symbols and dashes: from a layer of every entry, with no marks.
        layers.append(
            {
                "data": {"values": [{"entry": word} for word in words]},
                "transform": [{"filter": "false"}],
                "mark": {"type": "point"},
                "encoding": {
                    "color": {"field": "entry", **legend},
                    "shape": {"field": "entry", "scale": scale(1), "title": None},
                    "strokeDash": {"field": "entry", "scale": scale(2), "title": None},
                },
            }
        )
        return _spec(self.data, self.title, layer=layers)


# A band's colour is pale already (its legend square's): nearly opaque, so the square
# matches it, with the grid lines beneath still showing through.
_BAND_OPACITY = 0.85


def _pale(colour: str, share: float) -> str:
    """`colour` at `share` over white, as one opaque colour: a band as drawn on paper."""
    parts = [int(colour[index : index + 2], 16) for index in (1, 3, 5)]
    return "#" + "".join(f"{round(share * part + (1 - share) * 255):02x}" for part in parts)


def kpi_chart(
    kpi: KPI, *, as_of: date | None = None, day_of: DayOf | str = DayOf.LOCAL
) -> KpiDisplay:
    """A KPI's measurements up to a day, its target, warning band and overdue marker.

    Args:
        kpi: The KPI drawn.
        as_of: The day drawn up to (its health and whether a measurement is overdue);
            None: every measurement.
        day_of: Which calendar day a measurement's moment falls on (`DayOf`), as
            `KPI.health` takes it.

    Raises:
        ValidationError: A bad argument.
    """
    return KpiDisplay(kpi, as_of, day_of)


# -- reliability diagram ------------------------------------------------------------------


class ReliabilityDisplay(_Display):
    """Stated confidence against how often it came true, per bucket.

    Attributes:
        data: Records with `stated`, `observed`, `count` and `label` for the non-empty
            buckets.
    """

    def __init__(self, calibration: Calibration) -> None:
        if not isinstance(calibration, Calibration):
            raise ValidationError.field(
                "reliability_diagram.calibration", calibration, "a Calibration"
            )
        self.title = "Reliability" + (
            "" if calibration.brier is None else f" (Brier {calibration.brier:.3f})"
        )
        self.data = [
            {
                "stated": b.stated,
                "observed": b.observed,
                "count": b.count,
                "label": b.label or f"{b.low:.0%}-{b.high:.0%}",
            }
            for b in calibration.buckets
            if b.count
        ]

    def _draw(self, ax: Axes, **kwargs: Any) -> list[Entry]:
        from matplotlib.ticker import PercentFormatter  # noqa: PLC0415 - optional

        if not self.data:
            return _nothing(ax, _NO_OUTCOMES)
        paper, guide, _ = _chrome(ax)
        (diagonal,) = ax.plot([0, 1], [0, 1], linestyle="--", color=guide, linewidth=1)
        settings: dict[str, Any] = {"color": SERIES[0], "marker": "o", "linewidth": 1.8}
        (points,) = ax.plot(
            [r["stated"] for r in self.data],
            [r["observed"] for r in self.data],
            **(settings | kwargs),
        )
        for row in self.data:  # how many bets each point rests on: 2 is not 100
            right, high = row["stated"] > _NEAR_RIGHT, row["observed"] > _NEAR_TOP
            ax.annotate(
                f"n={row['count']}",
                (row["stated"], row["observed"]),
                xytext=(-6 if right else 6, -11 if high else 5),
                textcoords="offset points",
                ha="right" if right else "left",
                fontsize=_SMALL,
                color=guide,
                bbox={"facecolor": paper, "alpha": 0.8, "edgecolor": "none", "pad": 1.0},
            )
        ax.set_xlim(-0.02, 1.02)  # a point at 0% or 100% stays whole
        ax.set_ylim(-0.02, 1.02)
        ax.set_aspect("equal", adjustable="box")  # square: the diagonal at 45 degrees
        ax.set_xlabel("stated confidence")
        ax.set_ylabel("share that came true")
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(PercentFormatter(1.0))
        _quiet(ax, grid="both")
        return [_entry(points, "Stated vs came true"), _entry(diagonal, "Perfectly calibrated")]

    def to_vega_lite(self) -> dict[str, Any]:
        """The points joined on the stated/observed plane, with the diagonal, as drawn.

        Square (the diagonal at 45 degrees), each point labelled with its count, a legend
        of the line and the diagonal, each with its dashes.
        """
        if not self.data:  # said in words, as drawn
            return _vega_nothing(self.title, _NO_OUTCOMES)
        words = ("Stated vs came true", "Perfectly calibrated")
        legend = {"domain": list(words)}

        def look(word: str) -> dict[str, Any]:
            return {
                "color": {
                    "datum": word,
                    "scale": {**legend, "range": [SERIES[0], GUIDE]},
                    "legend": {"symbolType": "stroke", "symbolStrokeWidth": 2},  # as drawn
                },
                "strokeDash": {"datum": word, "scale": {**legend, "range": [[1, 0], [4, 4]]}},
            }

        percent = {"format": "%"}
        # A point at 0% or 100% stays whole, as drawn.
        whole = {"domain": [-0.02, 1.02], "nice": False}
        x = {
            "field": "stated",
            "type": "quantitative",
            "scale": whole,
            "axis": percent,
            "title": "stated confidence",
        }
        y = {
            "field": "observed",
            "type": "quantitative",
            "scale": whole,
            "axis": percent,
            "title": "share that came true",
        }
        diagonal = {
            "data": {"values": [{"stated": 0, "observed": 0}, {"stated": 1, "observed": 1}]},
            "mark": {"type": "line", "strokeWidth": 1},
            "encoding": {"x": x, "y": y, **look(words[1])},
        }
        points = {
            "mark": {"type": "line", "point": True, "strokeWidth": 1.8},
            "encoding": {
                "x": x,
                "y": y,
                **look(words[0]),
                "tooltip": [{"field": "label"}, {"field": "count"}],
            },
        }
        # How many bets each point rests on (2 is not 100): beside the point, inward at the
        # plot's right and top edges, as matplotlib places them.
        counts = [
            {
                "transform": [
                    {"filter": f"{'' if right else '!'}(datum.stated > {_NEAR_RIGHT})"},
                    {"filter": f"{'' if high else '!'}(datum.observed > {_NEAR_TOP})"},
                    {"calculate": "'n=' + datum.count", "as": "n"},
                ],
                "mark": {
                    "type": "text",
                    "align": "right" if right else "left",
                    "dx": -6 if right else 6,
                    "dy": 11 if high else -7,
                    "color": GUIDE,
                },
                "encoding": {"x": x, "y": y, "text": {"field": "n"}},
            }
            for right in (False, True)
            for high in (False, True)
        ]
        layers = [diagonal, points, *counts]
        return _spec(self.data, self.title, layer=layers, width=300, height=300)


def reliability_diagram(calibration: Calibration) -> ReliabilityDisplay:
    """A reliability diagram from `okrkpi.calibration(...)`.

    Stated confidence against how often it came true, beside the diagonal of a perfect
    forecaster.
    """
    return ReliabilityDisplay(calibration)
