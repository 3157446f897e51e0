"""Rendering for people: text for terminals, HTML and Markdown for notebooks, plain records.

In Jupyter, `Score`, `Objective`, `KPI` and `AlignmentTree` render themselves through
the `_repr_html_` and `_repr_markdown_` methods installed from here.
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

__all__ = [
    "kpi_html",
    "objective_html",
    "render_kpis",
    "render_tree",
    "score_html",
    "to_records",
    "tree_html",
]
