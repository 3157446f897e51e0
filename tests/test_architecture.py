"""The package's shape: which module may import which, and no mutable module state.

Imports are read from the source with `ast` (type-checking imports included), so a
lazy or conditional import cannot hide an arrow.
"""

from __future__ import annotations

import array
import ast
import collections
import functools
import importlib
import pkgutil
from pathlib import Path

import pytest

import okrkpi

SOURCE = Path(okrkpi.__file__).parent

# Lower layers never import higher ones; the edges (serialization, display, command
# line, tables, charts, reviews, testing helpers) sit on top and the core never imports
# them. Public modules are thin edges over private ones.
LAYERS = {
    "okrkpi._errors": 0,
    "okrkpi._model": 1,
    "okrkpi._scoring": 2,
    "okrkpi._alignment": 3,
    "okrkpi._planning": 4,
    "okrkpi._edges": 5,
}
EDGE = 5


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    for prefix, layer in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            return layer
    return EDGE  # okrkpi itself and its public modules


def _is_private(module: str) -> bool:
    return any(part.startswith("_") and part != "__init__" for part in module.split(".")[1:])


def _syntax(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(path: Path, known: set[str]) -> set[str]:
    tree = _syntax(path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from okrkpi import typing` names a module too
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name in known}


SOURCES = sorted(SOURCE.rglob("*.py"))


@functools.cache  # the source does not change during a run; five tests read it
def arrows() -> tuple[tuple[str, str], ...]:
    known = {_module_name(path) for path in SOURCES}
    return tuple(
        (_module_name(path), target) for path in SOURCES for target in _imports(path, known)
    )


def test_the_import_reader_sees_every_module():
    assert len(SOURCES) > 30
    assert ("okrkpi._alignment.tree", "okrkpi._scoring.engine") in arrows()
    assert ("okrkpi.typing", "okrkpi._scoring.protocols") in arrows()


def test_private_modules_never_import_public_ones():
    wrong = [
        (source, target)
        for source, target in arrows()
        if _is_private(source) and not _is_private(target)
    ]
    assert wrong == []


def test_the_core_never_imports_an_edge():
    wrong = [
        (source, target)
        for source, target in arrows()
        if _layer(source) < EDGE and _layer(target) == EDGE
    ]
    assert wrong == []


def test_no_import_runs_up_the_layers():
    wrong = [(source, target) for source, target in arrows() if _layer(target) > _layer(source)]
    assert wrong == []


def test_the_layer_check_would_catch_an_upward_import():
    assert _layer("okrkpi._scoring.engine") < _layer("okrkpi._alignment.tree")
    assert _layer("okrkpi.serde") == EDGE
    assert _is_private("okrkpi._model.kpi")
    assert not _is_private("okrkpi.typing")


def test_the_time_encoding_stays_inside_the_model():
    # Outside the model, histories are read as of a date or datetime, never by key.
    users = {
        _module_name(path)
        for path in SOURCES
        if any(
            isinstance(node, ast.ImportFrom)
            and node.module == "okrkpi._model.moments"
            and any(alias.name in {"moment_key", "DAY"} for alias in node.names)
            for node in ast.walk(_syntax(path))
        )
    }
    assert all(user.startswith("okrkpi._model.") for user in users), users


MUTABLE = (dict, list, set, bytearray, collections.deque, array.array)
# The one shared mutable object is the documented convenience registry; libraries make
# their own `StrategyRegistry`.
ALLOWED = {("okrkpi._scoring.registry", "default_registry"), ("okrkpi", "default_registry")}


def _modules() -> list[str]:
    names = [
        info.name
        for info in pkgutil.walk_packages(okrkpi.__path__, "okrkpi.")
        if not info.name.endswith("__main__")
    ]
    return ["okrkpi", *names]


@pytest.mark.parametrize("name", _modules())
def test_no_module_holds_a_mutable_container(name):
    module = importlib.import_module(name)
    mutable = [
        attribute
        for attribute, value in vars(module).items()
        if not attribute.startswith("__")
        and isinstance(value, MUTABLE)
        and (name, attribute) not in ALLOWED
    ]
    assert mutable == []
