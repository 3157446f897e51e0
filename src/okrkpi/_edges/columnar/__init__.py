"""The columnar engine: score the canonical tables with narwhals expressions (an edge)."""

from okrkpi._edges.columnar.engine import score_frames

__all__ = ["score_frames"]
