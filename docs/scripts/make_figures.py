"""Draw the docs' figures by running the docs' own code: `python docs/scripts/make_figures.py`.

`mkdocs build` runs it first (see `docs/scripts/hooks.py`), so every figure is made by the
code printed above it and matches the current library; figures are not kept in the
repository. On each page listed in `PAGES`, the Python blocks run in order, in one
namespace, as `tests/test_docs.py` runs them. After a block, a figure the page then
shows (`figures/NAME.svg`) is saved from the block's `chart` (a drawn chart), and a page
it links (`figures/NAME.html`) from its `page` (an HTML string).
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

DOCS = Path(__file__).resolve().parent.parent
FIGURES = DOCS / "figures"
PAGES = [DOCS / "gallery.md", DOCS / "how-to" / "weekly-review.md"]

_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
_SHOWN = re.compile(r"\((?:\.\./)*figures/([\w-]+)\.(svg|html)\)")


def _save(name: str, kind: str, namespace: dict[str, object], folder: Path) -> Path:
    path = folder / f"{name}.{kind}"
    if kind == "html":
        page = namespace["page"]
        assert isinstance(page, str), f"{name}.html: the block before it sets no page"
        path.write_text(page, encoding="ascii")
        return path
    figure = namespace["chart"].figure_  # type: ignore[attr-defined]
    figure.savefig(path, format="svg", metadata={"Date": None})
    plt.close(figure)
    return path


def make_figures(folder: Path = FIGURES) -> list[Path]:
    """Run each page's code and write the figures and pages it shows into `folder`."""
    folder.mkdir(exist_ok=True)
    written = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
        blocks = list(_BLOCK.finditer(text))
        for number, block in enumerate(blocks):
            with contextlib.redirect_stdout(io.StringIO()):  # what the page prints
                exec(compile(block[1], f"{page.name}[block {number}]", "exec"), namespace)
            after = text[
                block.end() : blocks[number + 1].start() if number + 1 < len(blocks) else None
            ]
            written += [
                _save(name, kind, namespace, folder) for name, kind in _SHOWN.findall(after)
            ]
        plt.close("all")
    return written


if __name__ == "__main__":
    for path in make_figures(Path(sys.argv[1]) if len(sys.argv) > 1 else FIGURES):
        print(path)
