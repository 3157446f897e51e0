"""The command line: the only place in okrkpi that reads files.

`python -m okrkpi` scores the embedded example; `python -m okrkpi score FILE` scores a
JSON or TOML document of OKRs and KPIs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from okrkpi._alignment.tree import AlignmentTree
from okrkpi._edges.display import render_kpis, render_tree
from okrkpi._edges.example import EXAMPLE_AS_OF, example_kpis, example_objectives
from okrkpi._edges.serde import Document, from_dict, to_dict
from okrkpi._errors import OkrKpiError
from okrkpi._model.hygiene import lint
from okrkpi._model.kpi_links import propose_objective

__all__ = ["main"]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-08-15, got {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="okrkpi",
        description="Score OKRs and KPIs. With no command, scores an embedded example.",
    )
    parser.add_argument("--as-of", type=_day, help="judge as of this day (YYYY-MM-DD)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    commands = parser.add_subparsers(dest="command")
    score = commands.add_parser("score", help="score a JSON or TOML file of OKRs and KPIs")
    score.add_argument("file", type=Path, help="a .json or .toml document")
    score.add_argument("--as-of", type=_day, dest="file_as_of", help="judge as of this day")
    score.add_argument("--format", choices=("text", "json"), dest="file_format")
    return parser


def _read(path: Path) -> Document:
    raw = path.read_bytes()
    toml = path.suffix.lower() == ".toml"
    data: Any = tomllib.loads(raw.decode("utf-8")) if toml else json.loads(raw)
    return from_dict(data, Document)


def _report(document: Document, as_of: date, output: str) -> str:
    tree = AlignmentTree(document.objectives)
    if output == "json":
        scores = tree.score(as_of)
        statuses = tree.status(as_of)
        payload = {
            "as_of": as_of.isoformat(),
            "objectives": [
                {
                    "id": objective.id,
                    "title": objective.title,
                    "status": statuses[objective.id].value,
                    "score": to_dict(scores[objective.id]),
                }
                for objective in tree
            ],
            "kpis": [
                {"name": kpi.name, "health": kpi.health(as_of).value} for kpi in document.kpis
            ],
            "findings": [str(finding) for finding in lint(tree, as_of=as_of)],
        }
        return json.dumps(payload, indent=2)
    parts = [f"OKRs as of {as_of.isoformat()}", render_tree(tree, as_of=as_of)]
    if document.kpis:
        parts += ["", "KPIs", render_kpis(document.kpis, as_of=as_of)]
        for kpi in document.kpis:
            draft = propose_objective(kpi, as_of)
            if draft is not None:
                (fix,) = draft.key_results
                cycle = draft.cycle.name if draft.cycle is not None else "next cycle"
                parts.append(f"  -> proposed objective: {draft.title} ({fix.title}, {cycle})")
    findings = lint(tree, as_of=as_of)
    if findings:
        parts += ["", "Hygiene", *(f"  {finding}" for finding in findings)]
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 bad input, 2 bad usage)."""
    arguments = _parser().parse_args(argv)
    output = getattr(arguments, "file_format", None) or arguments.format
    as_of = getattr(arguments, "file_as_of", None) or arguments.as_of
    try:
        if arguments.command == "score":
            document = _read(arguments.file)
            day = as_of if as_of is not None else date.today()  # the edge may read the clock
        else:
            document = Document(tuple(example_objectives()), tuple(example_kpis()))
            day = as_of if as_of is not None else EXAMPLE_AS_OF
        print(_report(document, day, output))
    except OkrKpiError as error:
        print(f"okrkpi: invalid input: {error}", file=sys.stderr)
        return 1
    except (OSError, ValueError, RecursionError) as error:
        print(f"okrkpi: cannot read input: {error}", file=sys.stderr)
        return 1
    return 0
