"""Rendering for people: text for terminals, HTML and Markdown for notebooks, plain records."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from html import escape
from typing import Any

from okrkpi._alignment.batch import status_all
from okrkpi._alignment.tree import AlignmentTree, TreeScores
from okrkpi._edges.style import colour_of, ink_on
from okrkpi._edges.words import day_words, label_of, line_text
from okrkpi._errors import ValidationError
from okrkpi._model._checks import check_moment
from okrkpi._model.initiative import Initiative
from okrkpi._model.kpi import KPI
from okrkpi._model.moments import DayOf, day_of
from okrkpi._model.objective import Objective
from okrkpi._scoring.engine import (
    key_result_status,
    objective_status,
    score,
)
from okrkpi._scoring.policy import ScoringPolicy
from okrkpi._scoring.score import Score, Status

_WIDTH = 58
_DEEPEST_INDENT = 12  # deeper levels are marked with their depth: output stays linear


def _indent(depth: int, unit: str) -> str:
    if depth <= _DEEPEST_INDENT:
        return unit * depth
    return f"{unit * _DEEPEST_INDENT}[{depth}] "


def _line(indent: str, title: str, value: float, grade: str, status: str) -> str:
    label = f"{indent}{line_text(title)}"  # a line break in a title would split the row
    if len(label) > _WIDTH:
        label = label[: _WIDTH - 3] + "..."
    return f"{label:<{_WIDTH}} {value:5.2f}  {grade:<6} {status}"


_SHARED_NAMED = 3  # other parents named beside a shared objective; the rest are counted


def outline(tree: AlignmentTree) -> Iterator[tuple[Objective, int, str, bool]]:
    """What a view of the tree shows, in order: objective, depth, marker, in full.

    Depth first from the roots, in input order among siblings, as `walk`. An objective
    with several parents appears under each: in full (its key results and subtree) the
    first time, marked as shared with the other parents; after that as one line, marked
    as shown elsewhere. The marker is "" for every other objective, so a tree of single
    parents shows as it always did.
    """
    if not any(len(objective.parents) > 1 for objective in tree):
        yield from ((objective, depth, "", True) for objective, depth in tree.walk())
        return
    shown_under: dict[str, str] = {}
    stack: list[tuple[Objective, int, Objective | None]] = [
        (root, 0, None) for root in reversed(tree.roots)
    ]
    while stack:
        objective, depth, parent = stack.pop()
        if objective.id in shown_under:
            yield (
                objective,
                depth,
                f"shared: shown in full under {shown_under[objective.id]}",
                False,
            )
            continue
        shown_under[objective.id] = "" if parent is None else parent.title
        marker = ""
        if len(objective.parents) > 1:
            others = [p.title for p in tree.parents(objective.id) if p is not parent]
            named = ", ".join(others[:_SHARED_NAMED])
            more = len(others) - _SHARED_NAMED
            marker = f"shared with {named}" + (f" and {more} more" if more > 0 else "")
        yield objective, depth, marker, True
        stack.extend(
            (child, depth + 1, objective) for child in reversed(tree.children(objective.id))
        )


def tree_statuses(tree: AlignmentTree, scores: TreeScores, as_of: date) -> dict[str, Status | None]:
    """Each objective's status from its scores; None for an objective without a cycle."""
    cycles = {objective.id: objective.cycle for objective in tree if objective.cycle is not None}
    known = status_all(scores, cycles, as_of, scores.policy)
    return {objective.id: known.get(objective.id) for objective in tree}


def render_tree(
    tree: AlignmentTree,
    *,
    as_of: date,
    policy: ScoringPolicy | None = None,
    rollup: str | None = None,
) -> str:
    r"""The tree as indented text: each objective and key result with score, grade, status.

    An objective without a cycle shows no status (`-`). One with several parents shows
    under each, marked as shared, its key results and subtree under the first parent the
    walk reaches (depth first from the roots, in input order), not the first it names.
    Each row is one line: a line break, tab or other control in a title shows as its
    escape (`Grow\x0arevenue`).
    """
    if not isinstance(tree, AlignmentTree):
        raise ValidationError.field("render_tree.tree", tree, "an AlignmentTree")
    check_moment("render_tree.as_of", as_of, "a date")
    scores = tree.score(as_of, policy=policy, rollup=rollup)
    statuses = tree_statuses(tree, scores, as_of)
    chosen = scores.policy
    lines = [f"{'Objective / key result':<{_WIDTH}} score  grade  status"]
    for objective, depth, shared, full in outline(tree):
        pad = _indent(depth, "  ")
        own = scores.build(objective.id)  # not kept: a large tree's text holds no explanations
        state = statuses[objective.id]
        line = _line(
            pad,
            objective.title,
            own.value,
            label_of(own.grade),
            "-" if state is None else label_of(state),
        )
        lines.append(f"{line}  [{line_text(shared)}]" if shared else line)
        if not full:
            continue
        for key_result, part in zip(objective.key_results, own.parts, strict=True):
            kr_status = "-"
            if objective.cycle is not None:
                kr_status = label_of(
                    key_result_status(key_result, part, objective.cycle, as_of, chosen)
                )
            lines.append(
                _line(pad + "  - ", key_result.title, part.value, label_of(part.grade), kr_status)
            )
        lines.extend(
            f"{pad}  > {line_text(_initiative_text(item))}" for item in objective.initiatives
        )
    return "\n".join(lines)


def _initiative_text(initiative: Initiative) -> str:
    """`title [In progress 40%, due 31 Aug 2026]`: what an initiative shows in text and HTML."""
    details = [label_of(initiative.status)]
    if initiative.progress is not None:
        details[0] += f" {initiative.progress:.0%}"
    if initiative.end is not None:
        details.append(f"due {day_words(initiative.end)}")
    if initiative.owner is not None:
        details.append(initiative.owner)
    return f"{initiative.title} [{', '.join(details)}]"


def render_kpis(kpis: Iterable[KPI], *, as_of: date, day_of: DayOf | str = DayOf.LOCAL) -> str:
    """One line a KPI: health with its reason, and whether a measurement is overdue.

    A measurement's day follows the rule `day_of`.
    """
    check_moment("render_kpis.as_of", as_of, "a date")
    lines = []
    for position, kpi in enumerate(kpis):
        if not isinstance(kpi, KPI):
            raise ValidationError.field(f"render_kpis.kpis[{position}]", kpi, "a KPI")
        report = kpi.health_report(as_of, day_of=day_of)
        overdue = "  (measurement overdue)" if kpi.is_overdue(as_of, day_of=day_of) else ""
        lines.append(f"{label_of(report.health):<9} {line_text(report.reason)}{overdue}")
    return "\n".join(lines)


# -- notebooks ----------------------------------------------------------------------------


def badge(name: str) -> str:
    """A status (grade, health, zone) as a coloured HTML badge in people's words.

    Its own background and ink, so it reads on light and dark notebook themes alike.
    """
    colour = colour_of(name)
    return (
        f'<span class="okrkpi-{name.lower()}" style="background:{colour};'
        f"color:{ink_on(colour)};padding:0 0.4em;border-radius:0.3em;"
        f'white-space:nowrap">{escape(label_of(name))}</span>'
    )


def latest_check_in_day(objectives: Iterable[Objective], rule: DayOf = DayOf.LOCAL) -> date | None:
    """The day of the latest check-in of any of these objectives' key results; None if none."""
    days = [
        day_of(entry.at, rule)
        for objective in objectives
        for key_result in objective.key_results
        if (entry := key_result.latest_check_in()) is not None
    ]
    return max(days, default=None)


def _view_day(
    objectives: Iterable[Objective], as_of: date | None, owner: str, rule: DayOf = DayOf.LOCAL
) -> tuple[date | None, str]:
    """The one day a whole view is judged at, and the words that say so in it."""
    if as_of is not None:
        check_moment(f"{owner}.as_of", as_of, "a date or None")
        day = day_of(as_of, rule)
        return day, f"As of {day_words(day)}"
    latest = latest_check_in_day(objectives, rule)
    if latest is None:  # nothing happened yet: scores as set up, true on any day
        return None, "No check-ins yet: scores as set up, no status"
    return latest, f"As of {day_words(latest)}, the latest check-in"


def score_html(score: Score) -> str:
    """A `Score` as an HTML snippet: value, grade colour and the explanation."""
    return (
        f"<div><strong>{escape(score.subject)}</strong> {score.value:.2f} "
        f"{badge(score.grade.name)}<br><code>{escape(score.explanation)}</code></div>"
    )


# Punctuation that is markup anywhere in a line (CommonMark, with GitHub's ~ and |):
# code, emphasis, links and images (their [ ]), and # (a heading's closing run). Then
# what GitHub-flavoured renderers (Jupyter's among them) turn into links on their own:
# a domain's dot (www.example.com, example.com), a scheme's colon (https://), an
# address's @. A number's dot (0.25) is left as it is.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]#|~@]|(?<=\S)\.(?=[^\W\d_])|:(?=//))")
# What starts a block where the text starts a list item or a line: a list, a quote, a
# heading or an underline.
_MARKDOWN_BLOCK_START = re.compile(r"^([-+>=]|\d+(?=[.)]))")


def markdown_text(text: str) -> str:
    """`text` as Markdown that shows it as written: one line, nothing made markup.

    A title must not become markup in a notebook or a wiki: Markdown passes raw HTML
    through (`<`, `&` are written as entities), its punctuation makes links, images and
    emphasis, and a line break a new item. Only what is markup where the text stands is
    escaped, so the library's own words read plainly (`0.25 -> 0.75 (+0.50)`).
    """
    # Blanks at either end would make code, or stop a ** around the text closing.
    flat = " ".join(text.splitlines()).strip()
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", flat.replace("&", "&amp;").replace("<", "&lt;"))
    start = _MARKDOWN_BLOCK_START.match(escaped)
    if start is None:
        return escaped
    if start[1].isdigit():  # "1." starts an ordered list: its dot or bracket is escaped
        return f"{start[1]}\\{escaped[start.end() :]}"
    return f"\\{escaped}"


def _markdown_code(text: str) -> str:
    # A code span shows its text literally, if its fence is longer than any run of
    # backticks inside (CommonMark).
    flat = " ".join(text.splitlines())
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {flat} {fence}" if longest else f"`{flat}`"


def score_markdown(score: Score) -> str:
    """A `Score` as Markdown."""
    subject = markdown_text(score.subject)
    explanation = _markdown_code(score.explanation)
    return f"**{subject}** {score.value:.2f} {label_of(score.grade)}: {explanation}"


def _key_result_statuses(
    objective: Objective, own: Score, day: date | None, policy: ScoringPolicy
) -> list[Status | None]:
    cycle = objective.cycle
    if cycle is None or day is None:
        return [None] * len(own.parts)
    return [
        key_result_status(key_result, part, cycle, day, policy)
        for key_result, part in zip(objective.key_results, own.parts, strict=True)
    ]


def _status_cell(state: Status | None) -> str:
    return "-" if state is None else badge(state.name)


def _objective_rows(
    objective: Objective,
    own: Score,
    statuses: list[Status | None],
    depth: int = 0,
    shared: str = "",
    full: bool = True,
) -> list[str]:
    """Rows for an objective (`statuses[0]`) and its key results (the rest).

    `shared` marks an objective with several parents; not `full`, its row alone.
    """
    # Indented by a style, not by repeated spaces, so a deep tree stays linear in size.
    pad = f' style="padding-left:{depth * 1.5:g}em"' if depth else ""
    marker = (
        f' <span class="okrkpi-shared" style="color:#595959;font-size:0.85em">'
        f"({escape(shared)})</span>"
        if shared
        else ""
    )
    rows = [
        (
            f"<tr><td{pad}><strong>{escape(objective.title)}</strong>{marker}</td>"
            f"<td>{own.value:.2f}</td><td>{badge(own.grade.name)}</td>"
            f"<td>{_status_cell(statuses[0])}</td></tr>"
        )
    ]
    if not full:
        return rows
    for key_result, part, state in zip(objective.key_results, own.parts, statuses[1:], strict=True):
        rows.append(
            f'<tr><td style="padding-left:{depth * 1.5 + 1:g}em">&bull; '
            f"{escape(key_result.title)}</td>"
            f"<td>{part.value:.2f}</td><td>{badge(part.grade.name)}</td>"
            f"<td>{_status_cell(state)}</td></tr>"
        )
    rows.extend(
        f'<tr class="initiative"><td colspan="4" style="padding-left:{depth * 1.5 + 1:g}em">'
        f"&#9656; {escape(_initiative_text(item))}</td></tr>"
        for item in objective.initiatives
    )
    return rows


_DEFAULT_POLICY = ScoringPolicy()


def _table(caption: str, rows: list[str]) -> str:
    return (
        '<table class="okrkpi"><caption style="caption-side:top;text-align:left">'
        f"{escape(caption)}</caption>"
        '<thead><tr><th style="text-align:left">Objective / key result</th>'
        "<th>score</th><th>grade</th><th>status</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def objective_html(objective: Objective, *, as_of: date | None = None) -> str:
    """An `Objective` as an HTML table: score, grade and status as of one day, named in it.

    That day is `as_of`, or the day of its latest check-in.
    """
    day, caption = _view_day([objective], as_of, "objective_html")
    own = score(objective, day)
    policy = _DEFAULT_POLICY
    state = None
    if objective.cycle is not None and day is not None:
        rolled_up = policy.rollup.uses_children
        state = objective_status(objective, own, objective.cycle, day, policy, rolled_up=rolled_up)
    statuses = [state, *_key_result_statuses(objective, own, day, policy)]
    return _table(caption, _objective_rows(objective, own, statuses))


def objective_markdown(objective: Objective) -> str:
    """An `Objective` as Markdown: its sentence and score as of its latest check-in."""
    day, caption = _view_day([objective], None, "objective_markdown")
    own = score(objective, day)
    title, sentence = markdown_text(objective.title), markdown_text(objective.sentence)
    when = caption[:1].lower() + caption[1:]
    return f"**{title}**: {own.value:.2f} {label_of(own.grade)} ({when})\n\n{sentence}"


def tree_html(tree: AlignmentTree, *, as_of: date | None = None) -> str:
    """An `AlignmentTree` as an HTML table, indented by depth.

    An objective with several parents shows under each, marked as shared, its key
    results and subtree under the first parent the walk reaches (depth first from the
    roots, in input order), not the first it names.

    Every score and status is as of one day, named above the table: `as_of`, or the day
    of the latest check-in anywhere in the tree. Scored with the tree's own policy and
    roll-up, as its text shows.
    """
    day, caption = _view_day(tree, as_of, "tree_html", tree.policy.day_of)
    scores = tree.score(day)
    statuses = tree_statuses(tree, scores, day) if day is not None else {}
    rows: list[str] = []
    for objective, depth, shared, full in outline(tree):
        own = scores[objective.id]
        kr_statuses = _key_result_statuses(objective, own, day, scores.policy)
        state = statuses.get(objective.id)
        rows.extend(_objective_rows(objective, own, [state, *kr_statuses], depth, shared, full))
    return _table(caption, rows)


def tree_markdown(tree: AlignmentTree) -> str:
    """An `AlignmentTree` as a Markdown list, scored as of its latest check-in, as its HTML.

    Its first line names that day, as the HTML table's caption does.
    """
    day, caption = _view_day(tree, None, "tree_markdown", tree.policy.day_of)
    scores = tree.score(day)
    lines: list[str] = [f"_{caption}_", ""]
    for objective, depth, shared, _ in outline(tree):
        own = scores[objective.id]
        title = markdown_text(objective.title)
        grade = label_of(own.grade)
        marker = f" _({markdown_text(shared)})_" if shared else ""
        lines.append(f"{_indent(depth, '  ')}- **{title}** {own.value:.2f} {grade}{marker}")
    return "\n".join(lines)


def kpi_html(kpi: KPI) -> str:
    """A `KPI` as an HTML snippet: health colour and reason."""
    report = kpi.health_report()
    missing = kpi.missing_components()
    extra = f"<br>missing: {escape(', '.join(missing))}" if missing else ""
    return (
        f"<div><strong>{escape(kpi.name)}</strong> {badge(report.health.name)} "
        f"{escape(report.reason)}{extra}</div>"
    )


def kpi_markdown(kpi: KPI) -> str:
    """A `KPI` as Markdown."""
    report = kpi.health_report()
    name, reason = markdown_text(kpi.name), markdown_text(report.reason)
    return f"**{name}** {label_of(report.health)}: {reason}"


def to_records(
    objectives: Iterable[Objective], *, as_of: date | None = None
) -> list[dict[str, Any]]:
    """One plain dict per key result (objectives without any get one row too).

    The rows go straight into `pandas.DataFrame(records)`; no pandas needed here.
    Status columns are None for objectives without a cycle or when `as_of` is None.
    `parent_id` holds its parent's id (the first named, with several, as
    `Objective.parent_id` reads) and `parent_ids` the list of every parent's id, in
    order (empty for a root): ids may hold any character, so they are not joined.
    """
    policy = _DEFAULT_POLICY
    records: list[dict[str, Any]] = []
    for objective in objectives:
        own = score(objective, as_of)
        cycle = objective.cycle
        kr_statuses: list[str | None] = [None] * len(own.parts)
        overall = None
        if cycle is not None and as_of is not None:
            kr_statuses = [
                key_result_status(kr, part, cycle, as_of, policy).value
                for kr, part in zip(objective.key_results, own.parts, strict=True)
            ]
            overall = objective_status(objective, own, cycle, as_of, policy).value
        base = {
            "objective_id": objective.id,
            "objective": objective.title,
            "level": objective.level.value,
            "owner": objective.owner,
            "cycle": None if cycle is None else cycle.name,
            "commitment": objective.commitment.value,
            "parent_id": objective.parent_id,
            "parent_ids": list(objective.parents),
            "objective_value": own.value,
            "objective_grade": own.grade.value,
            "objective_status": overall,
        }
        if not objective.key_results:
            records.append({**base, "key_result_id": None, "key_result": None})
            continue
        for key_result, part, state in zip(
            objective.key_results, own.parts, kr_statuses, strict=True
        ):
            latest = key_result.latest_check_in(as_of)
            records.append(
                {
                    **base,
                    "key_result_id": key_result.id,
                    "key_result": key_result.title,
                    "kind": key_result.kind.value,
                    "weight": key_result.weight,
                    "current": None if latest is None else latest.value,
                    "progress": part.progress,
                    "value": part.value,
                    "grade": part.grade.value,
                    "met": part.met,
                    "status": state,
                }
            )
    return records


def install_notebook_reprs() -> None:
    """Give the public types `_repr_html_` and `_repr_markdown_` for Jupyter.

    Called once when `okrkpi` is imported, so the core modules never import display code.
    """
    for cls, html, markdown in (
        (Score, score_html, score_markdown),
        (Objective, objective_html, objective_markdown),
        (KPI, kpi_html, kpi_markdown),
        (AlignmentTree, tree_html, tree_markdown),
    ):
        setattr(cls, "_repr_html_", html)  # noqa: B010 - methods added from the edge
        setattr(cls, "_repr_markdown_", markdown)  # noqa: B010
