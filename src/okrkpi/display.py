"""Rendering for people: text for terminals, HTML and Markdown for notebooks, plain records.

In Jupyter, `Score`, `Objective`, `KPI` and `AlignmentTree` render themselves through
the `_repr_html_` and `_repr_markdown_` methods installed from here. A tree or an
objective shows every score and status as of one day, named above the table: the day of
the latest check-in, unless `tree_html(tree, as_of=...)` is given one.

Whatever a person reads says statuses, grades, zones and health in words ("At risk",
"Yellow", "Below commit"); `label_of` gives them, from one table (`WORDS`). Data keeps
the enums: records, frames and JSON hold `"at_risk"`.
"""

from __future__ import annotations

from okrkpi._edges.display import (
    kpi_html,
    objective_html,
    render_kpis,
    render_tree,
    score_html,
    to_records,
    tree_html,
)
from okrkpi._edges.words import WORDS, label_of

__all__ = [
    "WORDS",
    "kpi_html",
    "label_of",
    "objective_html",
    "render_kpis",
    "render_tree",
    "score_html",
    "to_records",
    "tree_html",
]
