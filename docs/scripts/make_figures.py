"""Draw the figures the docs show, from the embedded example: `python docs/scripts/make_figures.py`.

`mkdocs build` runs it first (see `docs/scripts/hooks.py`), so the figures always match
the code; they are not kept in the repository.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from okrkpi import AlignmentTree, calibration
from okrkpi.examples import EXAMPLE_AS_OF, example_kpis, example_objectives
from okrkpi.plot import (
    burn_up,
    kpi_chart,
    progress_over_time,
    reliability_diagram,
    status_doughnut,
    timeline,
)

FIGURES = Path(__file__).resolve().parent.parent / "figures"


def make_figures(folder: Path = FIGURES) -> list[Path]:
    """Write one SVG per chart into `folder`; returns their paths."""
    folder.mkdir(exist_ok=True)
    tree = AlignmentTree(example_objectives())
    company = next(iter(tree))
    assert company.cycle is not None
    weeks = [company.cycle.start + timedelta(weeks=week) for week in range(7)]
    customers = company.key_results[1]
    charts = {
        "burn-up": burn_up(customers, cycle=company.cycle, as_of=EXAMPLE_AS_OF),
        "progress": progress_over_time(tree, weeks),
        "status": status_doughnut(tree, as_of=EXAMPLE_AS_OF),
        "timeline": timeline(tree, as_of=EXAMPLE_AS_OF),
        "kpi": kpi_chart(example_kpis()[0], as_of=EXAMPLE_AS_OF),
        "reliability": reliability_diagram(calibration(tree)),
    }
    written = []
    for name, chart in charts.items():
        path = folder / f"{name}.svg"
        chart.plot().figure_.savefig(path, bbox_inches="tight")
        matplotlib.pyplot.close(chart.figure_)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in make_figures(Path(sys.argv[1]) if len(sys.argv) > 1 else FIGURES):
        print(path)
