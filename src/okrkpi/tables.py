"""Tables in, tables out: load, score and export whole organisations as data frames.

One tidy table per concept, linked by ids (`TABLES` lists every column and its type):

```python
from okrkpi.examples import example_kpis, example_objectives
from okrkpi.serde import Document
from okrkpi.tables import from_frames, to_frames

document = Document(tuple(example_objectives()), tuple(example_kpis()))
frames = to_frames(document, backend="pandas")  # or "polars", "pyarrow"
assert from_frames(**frames) == document
```

Frames of any kind narwhals supports are read (the `tables` extra installs narwhals; the
`pandas`, `polars` and `pyarrow` extras install a backend). Plain sequences of mappings,
such as rows read from CSV files, need no extra at all; `to_csv` writes a folder of CSV
files that `read_csv` and the command line read back.
"""

from __future__ import annotations

from okrkpi._edges.columnar import Dialect, schema_sql, score_frames
from okrkpi._edges.tables import (
    TABLES,
    Backend,
    ExtraColumns,
    LinkBy,
    from_frames,
    from_rows,
    kpi_frame,
    read_csv,
    records_frame,
    score_rows,
    scores_frame,
    to_csv,
    to_frames,
    to_rows,
)
from okrkpi._errors import OkrKpiWarning, UnknownColumnsWarning

__all__ = [
    "TABLES",
    "Backend",
    "Dialect",
    "ExtraColumns",
    "LinkBy",
    "OkrKpiWarning",
    "UnknownColumnsWarning",
    "from_frames",
    "from_rows",
    "kpi_frame",
    "read_csv",
    "records_frame",
    "schema_sql",
    "score_frames",
    "score_rows",
    "scores_frame",
    "to_csv",
    "to_frames",
    "to_rows",
]
