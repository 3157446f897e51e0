"""Charts as Display objects: data first, drawn with matplotlib, or as Vega-Lite specs.

Each chart is made from okrkpi values. Its `.data` (plain records) and `.to_vega_lite()`
(a Vega-Lite v5 spec, a plain dict) need nothing installed; `.plot(ax=None)` draws it
with matplotlib (the `plot` extra) and returns the display with `.ax_` and `.figure_`.
"""

from __future__ import annotations

import collections
import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from okrkpi._alignment.tree import AlignmentTree
from okrkpi._edges.display import tree_statuses
from okrkpi._edges.style import COLOURS, NEUTRAL, SERIES, colour_of
from okrkpi._errors import MissingExtraError, ValidationError
from okrkpi._model._checks import check_moment
from okrkpi._model.cycle import Cycle
from okrkpi._model.key_result import KeyResult, Metric, Zoned
from okrkpi._model.kpi import KPI, TargetRange
from okrkpi._model.moments import day_of
from okrkpi._model.objective import Objective
from okrkpi._planning.forecast import Calibration
from okrkpi._scoring.engine import judged_as_of, objective_status, score, score_key_result
from okrkpi._scoring.policy import ScoringPolicy
from okrkpi._scoring.score import Status

if TYPE_CHECKING:
    from matplotlib.axes import Axes
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
_WIDTH, _HEIGHT = 480, 260


def _axes(ax: Axes | None) -> Axes:
    try:
        import matplotlib.pyplot as plt  # noqa: PLC0415 - optional: only drawing needs it
    except ImportError:
        raise MissingExtraError("Drawing charts", "plot", "matplotlib") from None
    from matplotlib.axes import Axes  # noqa: PLC0415 - optional, as above

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6))
    elif not isinstance(ax, Axes):
        raise ValidationError.field("plot.ax", ax, "a matplotlib Axes or None")
    return ax


def _number(day: date) -> float:
    """A day on matplotlib's date axis (days since 1970-01-01)."""
    return float((day_of(day) - date(1970, 1, 1)).days)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _spec(records: list[dict[str, Any]], title: str, **rest: Any) -> dict[str, Any]:
    values = [{key: _iso(value) for key, value in row.items()} for row in records]
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": title,
        "width": _WIDTH,
        "height": _HEIGHT,
        "data": {"values": values},
        **rest,
    }


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


def _scale(names: Iterable[str]) -> dict[str, Any]:
    shown = list(names)
    return {"domain": shown, "range": [colour_of(name) for name in shown]}


class _Display:
    """What every chart has: its data, and after `plot`, its axes and figure."""

    title: str
    data: list[dict[str, Any]]
    ax_: Axes
    figure_: Figure

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Any:
        """Draw on `ax` (a new figure when None); returns this display, with `ax_` and `figure_`.

        `kwargs` go to the main artist (e.g. `linewidth=2`).

        Raises:
            MissingExtraError: matplotlib is not installed (`pip install "okrkpi[plot]"`).
        """
        axes = _axes(ax)
        self._draw(axes, **kwargs)
        axes.set_title(self.title, loc="left", fontsize=11)
        self.ax_ = axes
        self.figure_ = axes.figure  # type: ignore[assignment]
        return self

    def _draw(self, ax: Axes, **kwargs: Any) -> None:
        raise NotImplementedError

    def to_vega_lite(self) -> dict[str, Any]:
        """A Vega-Lite v5 spec of the same chart: a plain, JSON-safe dict."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.title!r}, {len(self.data)} records>"


# -- burn-up ------------------------------------------------------------------------------


class BurnUpDisplay(_Display):
    """A key result's actual values against the expected line (its plan, or straight).

    Attributes:
        data: Records with `series` ("actual", "expected", "target", "confidence"),
            `at` and `value` (confidence in 0..1).
        as_of: The day marked.
    """

    def __init__(self, key_result: KeyResult, cycle: Cycle, as_of: date | None) -> None:
        if not isinstance(key_result, KeyResult):
            raise ValidationError.field("burn_up.key_result", key_result, "a KeyResult")
        if not isinstance(cycle, Cycle):
            raise ValidationError.field("burn_up.cycle", cycle, "a Cycle")
        if as_of is not None:
            check_moment("burn_up.as_of", as_of, "a date or None")
        self.title = key_result.title
        self.as_of = day_of(judged_as_of(as_of, cycle) or cycle.end)
        measure = key_result.measure
        if isinstance(measure, Metric):
            start, target = measure.start, measure.target
            expected = [(cycle.start, start)]
            expected += [(p.at, p.value) for p in measure.plan if cycle.start < p.at < cycle.end]
            expected.append((cycle.end, target))
        elif isinstance(measure, Zoned):
            start, target = measure.baseline, measure.stretch
            expected = [(cycle.start, start), (cycle.end, target)]
        else:  # binary, threshold, milestones, ordinal: progress from 0 to 1
            start, target = 0.0, 1.0
            expected = [(cycle.start, 0.0), (cycle.end, 1.0)]
        numeric = isinstance(measure, Metric | Zoned)
        records: list[dict[str, Any]] = []
        actual = [(cycle.start, start)]
        for entry in key_result.check_ins_until(self.as_of):
            if numeric:
                value = float(entry.value)
            else:
                value = score_key_result(key_result, entry.at, ScoringPolicy()).value
            if day_of(entry.at) < cycle.start:  # before the cycle: the value it starts from
                actual[0] = (cycle.start, value)
                continue
            actual.append((entry.at, value))
            if entry.confidence is not None:
                records.append(
                    {"series": "confidence", "at": entry.at, "value": entry.confidence.probability}
                )
        records[:0] = [{"series": "actual", "at": at, "value": v} for at, v in actual]
        records += [{"series": "expected", "at": at, "value": v} for at, v in expected]
        records += [
            {"series": "target", "at": cycle.start, "value": target},
            {"series": "target", "at": cycle.end, "value": target},
        ]
        self.data = records

    def _series(self, name: str) -> tuple[list[Any], list[float]]:
        rows = [row for row in self.data if row["series"] == name]
        return [row["at"] for row in rows], [row["value"] for row in rows]

    def _draw(self, ax: Axes, **kwargs: Any) -> None:
        days, values = self._series("actual")
        ax.step(days, values, where="post", color=SERIES[0], label="actual", **kwargs)
        days, values = self._series("expected")
        ax.plot(days, values, linestyle="--", color=NEUTRAL, label="expected")
        days, values = self._series("target")
        ax.plot(days, values, linestyle=":", color=COLOURS["ACHIEVED"], label="target")
        ax.axvline(_number(self.as_of), color=NEUTRAL, linewidth=0.8, label="as of")
        days, values = self._series("confidence")
        if days:
            twin = ax.twinx()
            twin.plot(days, values, "o", color=SERIES[1], label="confidence")
            twin.set_ylim(0, 1)
            twin.set_ylabel("confidence")
        ax.legend(loc="upper left", fontsize=8)

    def to_vega_lite(self) -> dict[str, Any]:
        """Lines per series, confidence on its own axis, a rule at the as-of day."""
        base = {"x": {"field": "at", "type": "temporal", "title": None}}
        colour = {"field": "series", "type": "nominal"}
        value = {"field": "value", "type": "quantitative"}
        actual = {  # a value holds until the next check-in: steps
            "transform": [{"filter": "datum.series == 'actual'"}],
            "mark": {"type": "line", "interpolate": "step-after"},
            "encoding": {**base, "y": value, "color": colour},
        }
        expected = {  # straight between planned points, as the matplotlib chart draws it
            "transform": [{"filter": "datum.series == 'expected' || datum.series == 'target'"}],
            "mark": {"type": "line", "strokeDash": [4, 3]},
            "encoding": {**base, "y": value, "color": colour},
        }
        confidence = {
            "transform": [{"filter": "datum.series == 'confidence'"}],
            "mark": "point",
            "encoding": {
                **base,
                "y": {"field": "value", "type": "quantitative", "scale": {"domain": [0, 1]}},
                "color": colour,
            },
        }
        rule = {
            "data": {"values": [{"at": self.as_of.isoformat()}]},
            "mark": {"type": "rule", "color": NEUTRAL},
            "encoding": {"x": {"field": "at", "type": "temporal"}},
        }
        return _spec(
            self.data,
            self.title,
            layer=[actual, expected, confidence, rule],
            resolve={"scale": {"y": "independent"}},
        )


def burn_up(key_result: KeyResult, *, cycle: Cycle, as_of: date | None = None) -> BurnUpDisplay:
    """A burn-up chart of a key result across a cycle.

    The check-ins as a step line, the expected line (the plan, or a straight line from
    start to target), the target, the as-of day and confidence on a second axis.

    Metric and zoned key results are drawn in their unit; other kinds as their score.
    """
    return BurnUpDisplay(key_result, cycle, as_of)


# -- progress over time -------------------------------------------------------------------


class ProgressDisplay(_Display):
    """Objectives' scores over a list of dates, one line each.

    Attributes:
        data: Records with `objective_id`, `objective`, `at` and `value`.
    """

    def __init__(self, subject: AlignmentTree | Objective, dates: Sequence[date]) -> None:
        days = list(dates) if isinstance(dates, Iterable) else None
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

    def _draw(self, ax: Axes, **kwargs: Any) -> None:
        names = list(dict.fromkeys(row["objective_id"] for row in self.data))
        for position, name in enumerate(names):
            rows = [row for row in self.data if row["objective_id"] == name]
            ax.plot(
                [row["at"] for row in rows],
                [row["value"] for row in rows],
                marker="o",
                color=SERIES[position % len(SERIES)],
                label=rows[0]["objective"],
                **kwargs,
            )
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("score")
        ax.legend(loc="upper left", fontsize=8)

    def to_vega_lite(self) -> dict[str, Any]:
        """One line per objective (objectives sharing a title are told apart by id)."""
        label = _labels((row["objective_id"], row["objective"]) for row in self.data)
        rows = [{**row, "series": label[row["objective_id"]]} for row in self.data]
        return _spec(
            rows,
            self.title,
            mark={"type": "line", "point": True},
            encoding={
                "x": {"field": "at", "type": "temporal", "title": None},
                "y": {"field": "value", "type": "quantitative", "scale": {"domain": [0, 1]}},
                "color": {"field": "series", "type": "nominal", "title": "objective"},
            },
        )


def progress_over_time(
    subject: AlignmentTree | Objective, dates: Sequence[date]
) -> ProgressDisplay:
    """Scores over a cycle: one line per objective of a tree, or one for an objective.

    A tree's objectives are scored as the tree scores them (its roll-up).
    """
    return ProgressDisplay(subject, dates)


# -- status doughnut ----------------------------------------------------------------------


class StatusDoughnutDisplay(_Display):
    """How many objectives are in each status.

    Attributes:
        data: Records with `status` and `count`, in severity order, empty ones left out.
    """

    def __init__(self, tree: AlignmentTree, as_of: date) -> None:
        if not isinstance(tree, AlignmentTree):
            raise ValidationError.field("status_doughnut.tree", tree, "an AlignmentTree")
        check_moment("status_doughnut.as_of", as_of, "a date")
        day = day_of(as_of, tree.policy.day_of)
        statuses = tree_statuses(tree, tree.score(as_of), day)
        counts = dict.fromkeys(Status, 0)
        for state in statuses.values():
            if state is not None:
                counts[state] += 1
        order = sorted(Status, key=lambda state: state.severity)
        self.title = f"Status as of {day.isoformat()}"
        self.data = [
            {"status": state.name, "count": counts[state]} for state in order if counts[state]
        ]

    def _draw(self, ax: Axes, **kwargs: Any) -> None:
        if not self.data:  # no objective with a status: say so rather than draw nothing
            ax.text(0.5, 0.5, "no objectives with a cycle", ha="center", va="center")
            ax.set_axis_off()
            return
        sizes = [row["count"] for row in self.data]
        labels = [f"{row['status']} ({row['count']})" for row in self.data]
        colours = [colour_of(row["status"]) for row in self.data]
        ax.pie(
            sizes,
            labels=labels,
            colors=colours,
            wedgeprops={"width": 0.4, "edgecolor": "white"},
            startangle=90,
            counterclock=False,
            **kwargs,
        )
        ax.set_aspect("equal")

    def to_vega_lite(self) -> dict[str, Any]:
        """An arc mark with an inner radius: a doughnut."""
        return _spec(
            self.data,
            self.title,
            mark={"type": "arc", "innerRadius": 60},
            encoding={
                "theta": {"field": "count", "type": "quantitative"},
                "color": {
                    "field": "status",
                    "type": "nominal",
                    "scale": _scale(row["status"] for row in self.data),
                },
            },
        )


def status_doughnut(tree: AlignmentTree, *, as_of: date) -> StatusDoughnutDisplay:
    """A doughnut of how many objectives are on track, behind, at risk, achieved...

    Statuses are judged as the tree judges them (its policy and roll-up). An objective
    without a cycle has no status, so it is not counted.
    """
    return StatusDoughnutDisplay(tree, as_of)


# -- timeline -----------------------------------------------------------------------------


class TimelineDisplay(_Display):
    """A Gantt-style view: objectives across their cycles, coloured by status.

    Their initiatives are thinner bars beneath them.

    Attributes:
        data: Records with `row`, `label`, `kind` ("objective" or "initiative"),
            `start`, `end` and `status`.
    """

    def __init__(self, objectives: Iterable[Objective], as_of: date | None) -> None:
        if isinstance(objectives, str | bytes) or not isinstance(objectives, Iterable):
            raise ValidationError.field("timeline.objectives", objectives, "objectives")
        if as_of is not None:
            check_moment("timeline.as_of", as_of, "a date or None")
        # A tree's objectives are judged as the tree judges them (its policy, its roll-up).
        tree = objectives if isinstance(objectives, AlignmentTree) else None
        items = list(objectives)
        records: list[dict[str, Any]] = []
        for position, objective in enumerate(items):
            if not isinstance(objective, Objective):
                raise ValidationError.field(
                    f"timeline.objectives[{position}]", objective, "an Objective"
                )
            cycle = objective.cycle
            if cycle is None:
                continue
            rule = (_DEFAULT_POLICY if tree is None else tree.policy).day_of
            day = cycle.end if as_of is None else day_of(as_of, rule)
            if tree is None:
                own, policy = score(objective, day), _DEFAULT_POLICY
            else:
                scores = tree.score(day)
                own, policy = scores[objective.id], scores.policy
            rolled_up = policy.rollup.uses_children
            state = objective_status(objective, own, cycle, day, policy, rolled_up=rolled_up)
            records.append(
                {
                    "row": len(records),
                    "label": objective.title,
                    "kind": "objective",
                    "start": cycle.start,
                    "end": cycle.end,
                    "status": state.name,
                }
            )
            for initiative in objective.initiatives:
                records.append(
                    {
                        "row": len(records),
                        "label": initiative.title,
                        "kind": "initiative",
                        "start": initiative.start or cycle.start,
                        "end": initiative.end or cycle.end,
                        "status": initiative.status.name,
                    }
                )
        self.title = "Timeline"
        self.data = records

    def _draw(self, ax: Axes, **kwargs: Any) -> None:
        for row in self.data:
            objective = row["kind"] == "objective"
            start, end = _number(row["start"]), _number(row["end"])
            ax.barh(
                row["row"],
                end - start + 1,
                left=start,
                height=0.7 if objective else 0.35,
                color=colour_of(row["status"]) if objective else NEUTRAL,
                **kwargs,
            )
        ax.set_yticks([row["row"] for row in self.data])
        ax.set_yticklabels(
            [
                row["label"] if row["kind"] == "objective" else f"  {row['label']}"
                for row in self.data
            ],
            fontsize=8,
        )
        ax.invert_yaxis()
        ax.xaxis_date()

    def to_vega_lite(self) -> dict[str, Any]:
        """Bars from start to end per row, coloured by status; initiatives thinner."""
        rows = [
            {**row, "shown": row["label"] if row["kind"] == "objective" else f"  {row['label']}"}
            for row in self.data
        ]
        return _spec(
            rows,
            self.title,
            mark="bar",
            encoding={
                # Rows, not titles, on the axis: two objectives with one title stay two bars.
                "y": {
                    "field": "row",
                    "type": "ordinal",
                    "title": None,
                    "axis": {"labelExpr": _row_labels([row["shown"] for row in rows])},
                },
                "size": {
                    "field": "kind",
                    "type": "nominal",
                    "scale": {"domain": ["objective", "initiative"], "range": [14, 6]},
                    "legend": None,
                },
                "x": {"field": "start", "type": "temporal", "title": None},
                "x2": {"field": "end"},
                "color": {
                    "field": "status",
                    "type": "nominal",
                    "scale": _scale(dict.fromkeys(row["status"] for row in self.data)),
                },
            },
        )


def timeline(objectives: Iterable[Objective], *, as_of: date | None = None) -> TimelineDisplay:
    """A Gantt-style timeline of objectives across their cycles, initiatives beneath.

    Coloured by status as of a day (each cycle's end when None); given an
    `AlignmentTree`, judged with its policy and roll-up. An objective without a cycle has
    no place on a timeline and is left out.
    """
    return TimelineDisplay(objectives, as_of)


# -- KPI chart ----------------------------------------------------------------------------


class KpiDisplay(_Display):
    """A KPI's measurements against its target, with the warning band and overdue marker.

    Attributes:
        data: Records with `at` and `value`.
        target: The number target, or None.
        band: The warning band `(low, high)`: between the warning level and the target,
            or the range widened by the warning margin; None without one.
        overdue: The due day that passed without a measurement, or None.
    """

    def __init__(self, kpi: KPI, as_of: date | None) -> None:
        if not isinstance(kpi, KPI):
            raise ValidationError.field("kpi_chart.kpi", kpi, "a KPI")
        if as_of is not None:
            check_moment("kpi_chart.as_of", as_of, "a date or None")
        self.title = kpi.name + (f" ({kpi.unit})" if kpi.unit else "")
        seen = kpi.measurements.until(as_of)
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
        if as_of is not None and seen and kpi.is_overdue(as_of):
            self.overdue = kpi.next_due(as_of)

    def _draw(self, ax: Axes, **kwargs: Any) -> None:
        ax.plot(
            [r["at"] for r in self.data],
            [r["value"] for r in self.data],
            marker="o",
            color=SERIES[0],
            label="measured",
            **kwargs,
        )
        if self.band is not None:
            ax.axhspan(*self.band, color=COLOURS["WARNING"], alpha=0.15, label="warning band")
        if self.target is not None:
            ax.axhline(self.target, color=COLOURS["HEALTHY"], linestyle=":", label="target")
        if self.range is not None:
            ax.axhspan(*self.range, color=COLOURS["HEALTHY"], alpha=0.15, label="target range")
        if self.overdue is not None:
            overdue = _number(self.overdue)
            ax.axvline(overdue, color=COLOURS["UNHEALTHY"], linestyle="--", label="overdue since")
        ax.legend(loc="upper left", fontsize=8)

    def to_vega_lite(self) -> dict[str, Any]:
        """The measurements as a line, the band as a rectangle, the target as a rule."""
        layers: list[dict[str, Any]] = [
            {
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": {"field": "at", "type": "temporal", "title": None},
                    "y": {"field": "value", "type": "quantitative"},
                },
            }
        ]
        if self.band is not None:
            layers.append(
                {
                    "data": {"values": [{"low": self.band[0], "high": self.band[1]}]},
                    "mark": {"type": "rect", "color": COLOURS["WARNING"], "opacity": 0.15},
                    "encoding": {
                        "y": {"field": "low", "type": "quantitative"},
                        "y2": {"field": "high"},
                    },
                }
            )
        if self.target is not None:
            layers.append(
                {
                    "data": {"values": [{"target": self.target}]},
                    "mark": {"type": "rule", "color": COLOURS["HEALTHY"], "strokeDash": [2, 2]},
                    "encoding": {"y": {"field": "target", "type": "quantitative"}},
                }
            )
        return _spec(self.data, self.title, layer=layers)


def kpi_chart(kpi: KPI, *, as_of: date | None = None) -> KpiDisplay:
    """A KPI's measurements up to a day, its target, warning band and overdue marker."""
    return KpiDisplay(kpi, as_of)


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

    def _draw(self, ax: Axes, **kwargs: Any) -> None:
        ax.plot([0, 1], [0, 1], linestyle="--", color=NEUTRAL, label="perfectly calibrated")
        ax.plot(
            [r["stated"] for r in self.data],
            [r["observed"] for r in self.data],
            marker="o",
            color=SERIES[0],
            label="stated vs came true",
            **kwargs,
        )
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("stated confidence")
        ax.set_ylabel("share met")
        ax.legend(loc="upper left", fontsize=8)

    def to_vega_lite(self) -> dict[str, Any]:
        """Points sized by count on the stated/observed plane, with the diagonal."""
        points = {
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {"field": "stated", "type": "quantitative", "scale": {"domain": [0, 1]}},
                "y": {"field": "observed", "type": "quantitative", "scale": {"domain": [0, 1]}},
            },
        }
        diagonal = {
            "data": {"values": [{"stated": 0, "observed": 0}, {"stated": 1, "observed": 1}]},
            "mark": {"type": "line", "strokeDash": [4, 4], "color": NEUTRAL},
            "encoding": {
                "x": {"field": "stated", "type": "quantitative"},
                "y": {"field": "observed", "type": "quantitative"},
            },
        }
        return _spec(self.data, self.title, layer=[diagonal, points])


def reliability_diagram(calibration: Calibration) -> ReliabilityDisplay:
    """A reliability diagram from `okrkpi.calibration(...)`.

    Stated confidence against how often it came true, beside the diagonal of a perfect
    forecaster.
    """
    return ReliabilityDisplay(calibration)
