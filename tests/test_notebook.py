"""The notebook tutorial runs in a real Jupyter kernel and shows what it promises."""

import os
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

TUTORIALS = Path(__file__).parent.parent / "docs" / "tutorials"
NOTEBOOK = TUTORIALS / "notebook.ipynb"
PAGE = TUTORIALS / "notebook.md"

# jupyter_client and friends warn about their own deprecations while starting a kernel.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::RuntimeWarning")


def _sources(notebook):
    return [(cell.cell_type, cell.source.strip()) for cell in notebook.cells]


def test_the_notebook_and_its_page_are_in_step():
    assert _sources(jupytext.read(NOTEBOOK)) == _sources(jupytext.read(PAGE))


@pytest.fixture(scope="module")
def executed():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=180,
        resources={"metadata": {"path": str(TUTORIALS)}},
    )
    # The kernel runs untraced: the tutorial is checked here, the code it calls is
    # measured by the other tests, and tracing a kernel's start-up doubles it.
    untraced = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    client.execute(env=untraced)
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _data(cell, kind):
    return [output["data"][kind] for output in cell.outputs if kind in output.get("data", {})]


def test_every_cell_runs_without_an_error(executed):
    errors = [
        output for cell in executed for output in cell.outputs if output.output_type == "error"
    ]
    assert errors == []


def test_the_tree_and_the_review_show_themselves_as_html(executed):
    (tree_html,) = _data(executed[0], "text/html")
    assert '<table class="okrkpi">' in tree_html
    assert "Become a market leader in SaaS industry" in tree_html
    assert "As of 14 Aug 2026, the latest check-in" in tree_html  # one day for the table
    (review_html,) = _data(executed[1], "text/html")
    assert 'class="okrkpi-review"' in review_html
    assert "Movers (3)" in review_html
    assert "KPIs needing attention (1)" in review_html


def test_charts_show_as_images_and_their_data_as_records(executed):
    (records,) = _data(executed[2], "text/plain")
    assert "'status':" in records
    images = [image for cell in executed[3:5] for image in _data(cell, "image/png")]
    assert len(images) == 2
    assert all(len(image) > 1000 for image in images)  # base64 PNGs, not placeholders


def test_the_scores_table_shows_as_a_frame(executed):
    (frame_html,) = _data(executed[5], "text/html")
    assert "<table" in frame_html
    assert "company" in frame_html
