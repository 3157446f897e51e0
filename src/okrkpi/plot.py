"""Charts: burn-up, progress over time, status doughnut, timeline, KPI chart, reliability.

Each function returns a Display object, made the way scikit-learn's are: its data first
(`.data`, plain records), `.plot(ax=None)` draws it with matplotlib and returns it with
`.ax_` and `.figure_`, and `.to_vega_lite()` returns a Vega-Lite v5 spec (a plain dict)
for apps that draw in a browser.

```python
from datetime import date

from okrkpi import AlignmentTree
from okrkpi.examples import EXAMPLE_AS_OF, example_objectives
from okrkpi.plot import status_doughnut

chart = status_doughnut(AlignmentTree(example_objectives()), as_of=EXAMPLE_AS_OF)
print(chart.data)  # [{'status': 'ON_TRACK', 'count': 1}, ...]
spec = chart.to_vega_lite()  # needs nothing installed
```

Drawing needs the `plot` extra (`pip install "okrkpi[plot]"`); without it `.plot()`
raises `okrkpi.MissingExtraError`, while `.data` and `.to_vega_lite()` still work.
"""

from __future__ import annotations

from okrkpi._edges.plot import (
    BurnUpDisplay,
    KpiDisplay,
    ProgressDisplay,
    ReliabilityDisplay,
    StatusDoughnutDisplay,
    TimelineDisplay,
    burn_up,
    kpi_chart,
    progress_over_time,
    reliability_diagram,
    status_doughnut,
    timeline,
)
from okrkpi._edges.style import COLOURS, SERIES, colour_of
from okrkpi._edges.words import label_of

__all__ = [
    "COLOURS",
    "SERIES",
    "BurnUpDisplay",
    "KpiDisplay",
    "ProgressDisplay",
    "ReliabilityDisplay",
    "StatusDoughnutDisplay",
    "TimelineDisplay",
    "burn_up",
    "colour_of",
    "kpi_chart",
    "label_of",
    "progress_over_time",
    "reliability_diagram",
    "status_doughnut",
    "timeline",
]
