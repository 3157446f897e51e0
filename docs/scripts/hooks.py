"""mkdocs hooks: draw the docs' figures before every build."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any


def on_pre_build(config: Any) -> None:
    """Run make_figures.py, so the pages show charts drawn by the current code."""
    script = Path(__file__).with_name("make_figures.py")
    spec = importlib.util.spec_from_file_location("make_figures", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.make_figures()
