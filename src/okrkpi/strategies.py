"""Built-in strategies, as factory functions returning fresh instances.

Pass any of them to `ScoringPolicy`, `score`, `status` or `AlignmentTree.score`, or
refer to them by their registered name (shown in brackets).
"""

from __future__ import annotations

from okrkpi._scoring.builtins import (
    binary_scorer,
    children_only,
    driven_by_initiatives,
    driven_key_results,
    gap_pace,
    google_grader,
    key_results_and_children,
    key_results_only,
    linear_metric,
    milestone_share,
    minimum,
    ratio_pace,
    threshold_scorer,
    weighted_geometric_mean,
    weighted_mean,
    zone_values,
)

__all__ = [
    "binary_scorer",
    "children_only",
    "driven_by_initiatives",
    "driven_key_results",
    "gap_pace",
    "google_grader",
    "key_results_and_children",
    "key_results_only",
    "linear_metric",
    "milestone_share",
    "minimum",
    "ratio_pace",
    "threshold_scorer",
    "weighted_geometric_mean",
    "weighted_mean",
    "zone_values",
]
