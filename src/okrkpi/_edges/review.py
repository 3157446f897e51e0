"""The weekly review: what changed between two check-in meetings, and what needs attention.

Movers, objectives newly behind or at risk, stale key results, confidence drops, KPIs
out of band or overdue (each with the objective it proposes), and cycles ending soon.
Rendered as text, Markdown, HTML (for notebooks) or JSON-safe data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from html import escape
from typing import Any

import attrs

from okrkpi._alignment.tree import AlignmentTree
from okrkpi._edges.display import badge, markdown_text, tree_statuses
from okrkpi._edges.words import day_words, inline_text, label_of, plain_text
from okrkpi._errors import OkrKpiError, Problem, ValidationError
from okrkpi._model._checks import check_moment, finite_float
from okrkpi._model.hygiene import FindingCode, lint
from okrkpi._model.kpi import KPI, Health
from okrkpi._model.kpi_links import propose_objective
from okrkpi._model.moments import day_of
from okrkpi._scoring.engine import judged_as_of
from okrkpi._scoring.policy import ScoringPolicy
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
    """A key result without a check-in for longer than expected.

    `reason` is `lint`'s message, dates in ISO form as data keeps them; `last_check_in` is
    the day of its latest check-in (None without one), which the review's text, Markdown
    and HTML say in people's words (`last check-in 1 Aug 2026, ...`).
    """

    objective_id: str
    key_result_id: str
    title: str
    reason: str
    last_check_in: date | None = None


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
        tree: The objectives reviewed, which the page's charts draw (None for a review
            made by hand); not compared, not in `to_dict`.
        kpis: The KPIs reviewed, likewise.
    """

    since: date
    as_of: date
    movers: tuple[Mover, ...]
    newly_worse: tuple[StatusChange, ...]
    stale: tuple[StaleKeyResult, ...]
    confidence_drops: tuple[ConfidenceDrop, ...]
    kpi_alerts: tuple[KpiAlert, ...]
    ending_soon: tuple[EndingCycle, ...]
    tree: AlignmentTree | None = attrs.field(default=None, eq=False, repr=False)
    kpis: tuple[KPI, ...] = attrs.field(default=(), eq=False, repr=False)

    def _sections(self) -> list[tuple[str, list[_Item]]]:
        """Each section's heading and items; an item is text with statuses in it."""
        return [
            (
                "Movers",
                [
                    (m.title, f": {m.before:.2f} -> {m.after:.2f} ({m.change:+.2f})")
                    for m in self.movers
                ],
            ),
            (
                "Newly behind or at risk",
                [(c.title, ": ", c.before, " -> ", c.after) for c in self.newly_worse],
            ),
            ("No recent check-in", [(s.title, f": {self._stale_words(s)}") for s in self.stale]),
            (
                "Confidence drops",
                [(d.title, f": {d.before:g}/10 -> {d.after:g}/10") for d in self.confidence_drops],
            ),
            (
                "KPIs needing attention",
                [
                    (
                        a.name,
                        ": ",
                        a.health,
                        f"{' (overdue)' if a.overdue else ''} - {a.reason}",
                        f"; proposed objective: {a.proposed}" if a.proposed else "",
                    )
                    for a in self.kpi_alerts
                ],
            ),
            (
                "Cycles ending soon",
                [
                    (
                        e.title,
                        f": ends {day_words(e.ends)} ({e.days_left} days), score {e.score:.2f}",
                    )
                    for e in self.ending_soon
                ],
            ),
        ]

    def _stale_words(self, stale: StaleKeyResult) -> str:
        """`last check-in 1 Aug 2026, 52 days before 22 Sep 2026`, else the reason given."""
        if stale.last_check_in is None:
            return stale.reason
        days = (self.as_of - stale.last_check_in).days
        return (
            f"last check-in {day_words(stale.last_check_in)}, "
            f"{days} days before {day_words(self.as_of)}"
        )

    @property
    def heading(self) -> str:
        """`Review 8 Aug 2026 -> 15 Aug 2026`."""
        return f"Review {day_words(self.since)} -> {day_words(self.as_of)}"

    def to_text(self) -> str:
        """Plain text for a terminal or an e-mail."""
        lines = [self.heading]
        for title, items in self._sections():
            shown = [_text(item) for item in items] or ["none"]
            lines += ["", f"{title} ({len(items)})", *(f"  - {item}" for item in shown)]
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """Markdown, for a wiki page or a chat message."""
        lines = [f"## {markdown_text(self.heading)}"]
        for title, items in self._sections():
            lines += ["", f"### {title} ({len(items)})", ""]
            lines += [f"- {markdown_text(_text(item))}" for item in items] or ["- none"]
        return "\n".join(lines)

    def to_html(self, *, charts: bool = False) -> str:
        """HTML with statuses as coloured badges.

        Args:
            charts: False (the default) gives a snippet for notebooks (`_repr_html_`).
                True gives one self-contained page to open, print or e-mail: the review
                and its charts (statuses, the timeline, scores over the weeks before, and
                each KPI needing attention), drawn as inline SVG. The page needs no network
                and no script, and is plain ASCII (anything else as character references).

        Raises:
            MissingExtraError: `charts=True` without matplotlib (`pip install "okrkpi[plot]"`).
        """
        if not isinstance(charts, bool):
            raise ValidationError.field("Review.to_html.charts", charts, "True or False")
        if charts:
            return _page(self)
        parts = [f'<div class="okrkpi-review"><h3>{escape(self.heading)}</h3>']
        parts += _html_sections(self, "h4")
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


_Part = str | Status | Health
_Item = tuple[_Part, ...]


def _text(item: _Item) -> str:
    """An item as one line of text any terminal or file can take, statuses in words.

    A title's line breaks, control characters and lone surrogates (which no encoding
    can write) would break a line, drive a terminal or fail the writing.
    """
    return plain_text("".join(_pieces(item, str, label_of)))


def _html_item(item: _Item) -> str:
    return "".join(_pieces(item, lambda part: escape(part, quote=False), lambda s: badge(s.name)))


def _pieces(
    item: _Item, text: Callable[[str], str], state: Callable[[Status | Health], str]
) -> Iterator[str]:
    """Each piece of an item made readable, statuses by `state`.

    The title (first) on one line; the other pieces keep their own edge spaces, which part
    them from a badge beside them.
    """
    for index, part in enumerate(item):
        if isinstance(part, str):
            yield text(plain_text(part) if index == 0 else inline_text(part))
        else:
            yield state(part)


def _html_sections(made: Review, level: str) -> list[str]:
    parts = []
    for title, items in made._sections():
        parts.append(f"<{level}>{escape(title)} ({len(items)})</{level}><ul>")
        parts += [f"<li>{_html_item(item)}</li>" for item in items] or ["<li>none</li>"]
        parts.append("</ul>")
    return parts


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
    policy: ScoringPolicy | None = None,
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
        policy: Scores, statuses and days by this policy (its day rule too) instead of
            the tree's; for objectives given as a list, instead of the default policy.

    Raises:
        ValidationError: Bad dates or arguments.
    """
    if policy is not None and not isinstance(policy, ScoringPolicy):
        raise ValidationError.field("review.policy", policy, "a ScoringPolicy or None")
    # Objectives as a list take the policy; a tree given another is judged, and charted, by it.
    if not isinstance(tree, AlignmentTree) or (policy is not None and policy != tree.policy):
        tree = AlignmentTree(tree, policy=policy)
    for name, day in (("since", since), ("as_of", as_of)):
        check_moment(f"review.{name}", day, "a date")
    rule = tree.policy.day_of
    since, as_of = day_of(since, rule), day_of(as_of, rule)
    if since >= as_of:
        # Days as typed on the command line (2026-08-15), not as Python writes them.
        wrong = f"expected a day before as_of {as_of}, got {since}"
        raise ValidationError(Problem("review.since", wrong))
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
            "" if kr is None else kr.title,
            f.message,
            None if latest is None else day_of(latest.at, rule),
        )
        for f in lint(tree, as_of=as_of, stale_after=stale_after, day_of=rule)
        if f.code is FindingCode.STALE_KEY_RESULT
        for kr in [tree[f.objective_id].key_result(f.key_result_id) if f.key_result_id else None]
        for latest in [None if kr is None else kr.latest_check_in(as_of, day_of=rule)]
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
        report = kpi.health_report(as_of, day_of=rule)  # the tree's rule, as everywhere
        overdue = kpi.is_overdue(as_of, day_of=rule)
        if report.health not in (Health.WARNING, Health.UNHEALTHY) and not overdue:
            continue
        try:
            draft = propose_objective(kpi, as_of, day_of=rule)
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
        # A distance, not `as_of + ends_within`: a horizon of timedelta.max must not overflow.
        if o.cycle is not None and timedelta(0) <= o.cycle.end - as_of <= ends_within
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
        tree,
        tuple(items),
    )


# -- the page -----------------------------------------------------------------------------

_PAGE_STYLE = """
:root { color-scheme: light; }
body { margin: 0; background: #f4f4f4; color: #1f1f1f;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { box-sizing: border-box; max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.25rem;
  background: #ffffff; }
h1 { font-size: 1.5rem; margin: 0 0 0.2rem; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 0.4rem; border-bottom: 1px solid #dddddd; }
p.period { margin: 0 0 1rem; color: #595959; }
.summary span { display: inline-block; margin: 0 1rem 0.4rem 0; }
figure { margin: 0 0 1.2rem; max-width: 42rem; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #595959; }
ul { padding-left: 1.2rem; margin: 0.3rem 0; }
li { margin: 0.25rem 0; overflow-wrap: anywhere; }
footer { margin-top: 2rem; font-size: 0.8rem; color: #595959; }
@media print {
  @page { margin: 14mm; }
  body { background: #ffffff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  figure { max-width: 16cm; }
  span[class^="okrkpi-"] { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  figure, li, h2 { break-inside: avoid; }
  h2 { break-after: avoid; }
}
"""

_WEEKS_SHOWN = 12  # the scores chart runs this many weeks back from the as-of day, at most


def _progress_days(made: Review, tree: AlignmentTree) -> list[date]:
    """Weekly days up to the as-of day, from the earliest cycle start (12 weeks at most)."""
    starts = [o.cycle.start for o in tree if o.cycle is not None and o.cycle.start <= made.as_of]
    # Distances, not `as_of - 12 weeks`: near 1 January of year 1 that would overflow.
    shown = min(timedelta(weeks=_WEEKS_SHOWN), made.as_of - date.min)
    first = max(min(starts, default=made.since), made.as_of - shown)
    days = {made.since, made.as_of}
    day = made.as_of
    while day > first:
        day = first if day - first <= timedelta(weeks=1) else day - timedelta(weeks=1)
        days.add(day)
    return sorted(day for day in days if day >= first)


def _charts(made: Review) -> list[tuple[Any, str]]:
    """The page's charts, each with a caption."""
    from okrkpi._edges import plot  # noqa: PLC0415 - charts only for the page

    charts: list[tuple[Any, str]] = []
    tree = made.tree
    if tree is not None and len(tree):
        day = made.as_of
        charts.append((plot.status_doughnut(tree, as_of=day), "How many objectives stand where"))
        progress = plot.progress_over_time(tree, _progress_days(made, tree))
        charts.append((progress, "Scores, week by week, up to this meeting"))
        charts.append((plot.timeline(tree, as_of=day), "Objectives across their cycles"))
    alerting = {alert.name for alert in made.kpi_alerts}
    charts += [
        (plot.kpi_chart(kpi, as_of=made.as_of), "A KPI needing attention")
        for kpi in made.kpis
        if kpi.name in alerting
    ]
    return charts


def _page(made: Review) -> str:
    """The review as one self-contained HTML page: no script, no network, ASCII only."""
    figures = [
        f"<figure>{chart.to_svg(id_prefix=f'chart{number}-')}"
        f"<figcaption>{escape(caption)}</figcaption></figure>"
        for number, (chart, caption) in enumerate(_charts(made), start=1)
    ]
    summary = ""
    if made.tree is not None:
        statuses = tree_statuses(made.tree, made.tree.score(made.as_of), made.as_of)
        counts: dict[Status, int] = {}
        for state in statuses.values():
            if state is not None:
                counts[state] = counts.get(state, 0) + 1
        summary = "".join(
            f"<span>{badge(state.name)} <strong>{counts[state]:,}</strong></span>"
            for state in sorted(counts, key=lambda state: state.severity, reverse=True)
        )
    period = f"{day_words(made.since)} to {day_words(made.as_of)}"
    body = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(made.heading)}</title>",
        f"<style>{_PAGE_STYLE}</style></head>",
        '<body><main class="okrkpi-review okrkpi-review-page">',
        f'<h1>OKR review</h1><p class="period">{escape(period)}</p>',
        f'<div class="summary">{summary}</div>' if summary else "",
        *figures,
        *_html_sections(made, "h2"),
        f"<footer>Made with okrkpi as of {day_words(made.as_of)}.</footer>",
        "</main></body></html>",
    ]
    # ASCII with character references: right in any mail client or terminal encoding.
    return "\n".join(body).encode("ascii", "xmlcharrefreplace").decode("ascii")
