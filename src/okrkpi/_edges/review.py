"""The weekly review: what changed between two check-in meetings, and what needs attention.

Movers, objectives newly behind or at risk, stale key results, confidence drops, KPIs
out of band or overdue (each with the objective it proposes), and cycles ending soon.
Rendered as text, Markdown, HTML (for notebooks) or JSON-safe data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from html import escape
from typing import Any

import attrs

from okrkpi._alignment.tree import AlignmentTree
from okrkpi._edges.display import markdown_text, tree_statuses
from okrkpi._edges.style import colour_of
from okrkpi._errors import OkrKpiError, ValidationError
from okrkpi._model._checks import check_moment, finite_float
from okrkpi._model.hygiene import FindingCode, lint
from okrkpi._model.kpi import KPI, Health
from okrkpi._model.kpi_links import propose_objective
from okrkpi._model.moments import day_of
from okrkpi._scoring.engine import judged_as_of
from okrkpi._scoring.score import Status

__all__ = [
    "ConfidenceDrop",
    "EndingCycle",
    "KpiAlert",
    "Mover",
    "Review",
    "StaleKeyResult",
    "StatusChange",
    "review",
]

_WORSE = frozenset({Status.BEHIND, Status.AT_RISK, Status.MISSED})


@attrs.frozen(slots=True)
class Mover:
    """An objective whose score moved: `before` on `since`, `after` on `as_of`."""

    objective_id: str
    title: str
    before: float
    after: float

    @property
    def change(self) -> float:
        """`after - before`."""
        return self.after - self.before


@attrs.frozen(slots=True)
class StatusChange:
    """An objective newly behind, at risk or missed: its status then and now."""

    objective_id: str
    title: str
    before: Status
    after: Status


@attrs.frozen(slots=True)
class StaleKeyResult:
    """A key result without a check-in for longer than expected."""

    objective_id: str
    key_result_id: str
    title: str
    reason: str


@attrs.frozen(slots=True)
class ConfidenceDrop:
    """A key result whose stated confidence fell (0..10 ratings)."""

    objective_id: str
    key_result_id: str
    title: str
    before: float
    after: float


@attrs.frozen(slots=True)
class KpiAlert:
    """A KPI out of band or overdue, and the objective it proposes (if out of band)."""

    name: str
    health: Health
    reason: str
    overdue: bool
    proposed: str | None


@attrs.frozen(slots=True)
class EndingCycle:
    """An objective whose cycle ends within the review's horizon."""

    objective_id: str
    title: str
    ends: date
    days_left: int
    score: float


@attrs.frozen(slots=True)
class Review:
    """The progress report between two check-in meetings.

    Attributes:
        since: The last meeting's day.
        as_of: This meeting's day.
        movers: Objectives whose score changed, largest change first.
        newly_worse: Objectives newly behind, at risk or missed.
        stale: Key results with no check-in for longer than expected.
        confidence_drops: Key results whose confidence fell.
        kpi_alerts: KPIs out of band or overdue.
        ending_soon: Objectives whose cycle ends within the horizon, soonest first.
    """

    since: date
    as_of: date
    movers: tuple[Mover, ...]
    newly_worse: tuple[StatusChange, ...]
    stale: tuple[StaleKeyResult, ...]
    confidence_drops: tuple[ConfidenceDrop, ...]
    kpi_alerts: tuple[KpiAlert, ...]
    ending_soon: tuple[EndingCycle, ...]

    def _sections(self) -> list[tuple[str, list[str]]]:
        return [
            (
                "Movers",
                [
                    f"{m.title}: {m.before:.2f} -> {m.after:.2f} ({m.change:+.2f})"
                    for m in self.movers
                ],
            ),
            (
                "Newly behind or at risk",
                [f"{c.title}: {c.before.name} -> {c.after.name}" for c in self.newly_worse],
            ),
            ("No recent check-in", [f"{s.title}: {s.reason}" for s in self.stale]),
            (
                "Confidence drops",
                [f"{d.title}: {d.before:g}/10 -> {d.after:g}/10" for d in self.confidence_drops],
            ),
            (
                "KPIs needing attention",
                [
                    f"{a.name}: {a.health.name}{' (overdue)' if a.overdue else ''} - {a.reason}"
                    + (f"; proposed objective: {a.proposed}" if a.proposed else "")
                    for a in self.kpi_alerts
                ],
            ),
            (
                "Cycles ending soon",
                [
                    f"{e.title}: ends {e.ends.isoformat()} ({e.days_left} days), score "
                    f"{e.score:.2f}"
                    for e in self.ending_soon
                ],
            ),
        ]

    @property
    def heading(self) -> str:
        """`Review 2026-08-08 -> 2026-08-15`."""
        return f"Review {self.since.isoformat()} -> {self.as_of.isoformat()}"

    def to_text(self) -> str:
        """Plain text for a terminal or an e-mail."""
        lines = [self.heading]
        for title, items in self._sections():
            shown = [" ".join(item.splitlines()) for item in items] or ["none"]  # one line each
            lines += ["", f"{title} ({len(items)})", *(f"  - {item}" for item in shown)]
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """Markdown, for a wiki page or a chat message."""
        lines = [f"## {markdown_text(self.heading)}"]
        for title, items in self._sections():
            lines += ["", f"### {title} ({len(items)})", ""]
            lines += [f"- {markdown_text(item)}" for item in items] or ["- none"]
        return "\n".join(lines)

    def to_html(self) -> str:
        """HTML with status colours, for notebooks (`_repr_html_`) and e-mail."""
        parts = [f'<div class="okrkpi-review"><h3>{escape(self.heading)}</h3>']
        for title, items in self._sections():
            parts.append(f"<h4>{escape(title)} ({len(items)})</h4><ul>")
            parts += [f"<li>{_coloured(item)}</li>" for item in items] or ["<li>none</li>"]
            parts.append("</ul>")
        parts.append("</div>")
        return "".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data: dates as ISO strings, enums as their values."""

        def plain(value: Any) -> Any:
            if isinstance(value, date):
                return value.isoformat()
            if isinstance(value, Status | Health):
                return value.value
            return value

        def record(item: Any) -> dict[str, Any]:
            data = {key: plain(value) for key, value in attrs.asdict(item, recurse=False).items()}
            if isinstance(item, Mover):
                data["change"] = item.change
            return data

        return {
            "since": self.since.isoformat(),
            "as_of": self.as_of.isoformat(),
            "movers": [record(item) for item in self.movers],
            "newly_worse": [record(item) for item in self.newly_worse],
            "stale": [record(item) for item in self.stale],
            "confidence_drops": [record(item) for item in self.confidence_drops],
            "kpi_alerts": [record(item) for item in self.kpi_alerts],
            "ending_soon": [record(item) for item in self.ending_soon],
        }

    def __str__(self) -> str:
        return self.to_text()


def _coloured(item: str) -> str:
    # Whole words only, longest first: UNHEALTHY is not HEALTHY with a prefix.
    return _STATE_WORDS.sub(
        lambda found: (
            f'<span style="color:{colour_of(found[0])};font-weight:600">{found[0]}</span>'
        ),
        escape(item),
    )


_STATE_WORDS = re.compile(
    r"\b("
    + "|".join(sorted({state.name for state in (*Status, *Health)}, key=len, reverse=True))
    + r")\b"
)


_ROUNDING = 1e-12


def review(
    tree: AlignmentTree | Iterable[Any],
    *,
    since: date,
    as_of: date,
    kpis: Iterable[KPI] = (),
    stale_after: timedelta = timedelta(weeks=2),
    ends_within: timedelta = timedelta(weeks=2),
    min_change: float = 0.005,
) -> Review:
    """The progress report between the check-in meeting on `since` and the one on `as_of`.

    Args:
        tree: The objectives, as an `AlignmentTree` (or any objectives).
        since: The last meeting's day.
        as_of: This meeting's day; after `since`.
        kpis: KPIs to check for health and overdue measurements.
        stale_after: How long a key result may go without a check-in (as `lint`).
        ends_within: How near a cycle's end counts as "ending soon".
        min_change: Smaller score changes are not movers.

    Raises:
        ValidationError: Bad dates or arguments.
    """
    if not isinstance(tree, AlignmentTree):
        tree = AlignmentTree(tree)
    for name, day in (("since", since), ("as_of", as_of)):
        check_moment(f"review.{name}", day, "a date")
    rule = tree.policy.day_of
    since, as_of = day_of(since, rule), day_of(as_of, rule)
    if since >= as_of:
        raise ValidationError.field("review.since", since, f"a day before as_of {as_of}")
    if not isinstance(stale_after, timedelta) or stale_after <= timedelta(0):
        raise ValidationError.field("review.stale_after", stale_after, "a timedelta > 0")
    if not isinstance(ends_within, timedelta) or ends_within < timedelta(0):
        raise ValidationError.field("review.ends_within", ends_within, "a timedelta >= 0")
    min_change = finite_float("review.min_change", min_change)
    if not 0 <= min_change <= 1:
        raise ValidationError.field("review.min_change", min_change, "a number from 0 to 1")
    if isinstance(kpis, KPI | str | bytes) or not isinstance(kpis, Iterable):
        raise ValidationError.field("review.kpis", kpis, "a sequence of KPIs")
    items = list(kpis)
    for position, kpi in enumerate(items):
        if not isinstance(kpi, KPI):
            raise ValidationError.field(f"review.kpis[{position}]", kpi, "a KPI")
    then, now = tree.score(since), tree.score(as_of)
    before, after = tree_statuses(tree, then, since), tree_statuses(tree, now, as_of)
    # A change is a mover from `min_change` on, give or take float rounding (0.3 - 0.2
    # is 0.09999999999999998), and only if there is one.
    movers = [
        Mover(o.id, o.title, then.value(o.id), now.value(o.id))
        for o in tree
        if (change := abs(now.value(o.id) - then.value(o.id))) > 0
        and change >= min_change - _ROUNDING
    ]
    movers.sort(key=lambda mover: -abs(mover.change))
    newly_worse = [
        StatusChange(o.id, o.title, was, state)
        for o in tree
        if (state := after[o.id]) is not None
        and (was := before[o.id]) is not None
        and state in _WORSE
        and state.severity > was.severity
    ]
    stale = [
        StaleKeyResult(
            f.objective_id,
            f.key_result_id or "",
            tree[f.objective_id].key_result(f.key_result_id).title if f.key_result_id else "",
            f.message,
        )
        for f in lint(tree, as_of=as_of, stale_after=stale_after, day_of=rule)
        if f.code is FindingCode.STALE_KEY_RESULT
    ]
    drops = [  # judged within each objective's cycle, as its score is
        ConfidenceDrop(o.id, kr.id, kr.title, old.value, new.value)
        for o in tree
        for kr in o.key_results
        if (old := kr.confidence(judged_as_of(since, o.cycle, rule), day_of=rule)) is not None
        and (new := kr.confidence(judged_as_of(as_of, o.cycle, rule), day_of=rule)) is not None
        and new.value < old.value
    ]
    alerts = []
    for kpi in items:
        report = kpi.health_report(as_of)
        overdue = kpi.is_overdue(as_of)
        if report.health not in (Health.WARNING, Health.UNHEALTHY) and not overdue:
            continue
        try:
            draft = propose_objective(kpi, as_of)
        except OkrKpiError:  # no next cycle within the plausible years
            draft = None
        alerts.append(
            KpiAlert(
                kpi.name,
                report.health,
                report.reason,
                overdue,
                None if draft is None else draft.title,
            )
        )
    ending = [
        EndingCycle(o.id, o.title, o.cycle.end, (o.cycle.end - as_of).days, now.value(o.id))
        for o in tree
        if o.cycle is not None and as_of <= o.cycle.end <= as_of + ends_within
    ]
    ending.sort(key=lambda item: (item.ends, item.objective_id))
    return Review(
        since,
        as_of,
        tuple(movers),
        tuple(newly_worse),
        tuple(stale),
        tuple(drops),
        tuple(alerts),
        tuple(ending),
    )
