r"""Charts: burn-up, progress over time, status doughnut, timeline, KPI chart, reliability.

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
`.to_svg()` draws a chart outside pyplot as an SVG element for a page of your own (the
review page is made that way).

What every chart does the same way:

- A new figure takes matplotlib's default size (`figure.figsize`) and constrained
  layout; a timeline's is as tall as its rows need, shorter for a few rows.
- The legend sits above the plot, between the title and the data, so it never covers
  them; every kind of mark has an entry. The artists carry the same labels, for
  `ax.get_legend_handles_labels()`.
- Dates use matplotlib's `AutoDateLocator` and `ConciseDateFormatter` ("Jul", "15",
  "2027"); Vega-Lite specs have temporal axes with a format chosen by the span, in UTC
  wall-clock time, so no viewer's time zone moves a check-in to another day.
- Statuses, grades, zones and health are in people's words (`label_of`, "At risk"),
  in the colours of `COLOURS` (colour-blind safe); `.data` keeps the enum names.
- Every text is drawn as typed: a `$` never starts mathtext, control characters, bidi
  marks and lone surrogates show as their escapes (`\x1b`), long titles
  end in an ellipsis.
- Values near the float limit are drawn in units of a power of ten, named on the axis.
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
