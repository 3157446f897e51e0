"""The columnar engine: score the canonical tables with narwhals expressions (an edge)."""

from okrkpi._edges.columnar.engine import score_frames
from okrkpi._edges.columnar.schema import Dialect, schema_sql

__all__ = ["Dialect", "schema_sql", "score_frames"]
