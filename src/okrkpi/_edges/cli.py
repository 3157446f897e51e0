"""The command line: the only place in okrkpi that reads files.

`python -m okrkpi` scores the embedded example; `python -m okrkpi score FILE` scores a
JSON or TOML document of OKRs and KPIs.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
import tomllib
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from okrkpi._alignment.tree import AlignmentTree
from okrkpi._edges.display import render_kpis, render_tree, tree_statuses
from okrkpi._edges.example import EXAMPLE_AS_OF, example_kpis, example_objectives
from okrkpi._edges.review import review
from okrkpi._edges.serde import (
    MAX_TOML_KEY_PARTS,
    Document,
    from_dict,
    to_dict,
    toml_key_parts,
)
from okrkpi._edges.tables import TABLES, from_rows
from okrkpi._errors import MissingExtraError, OkrKpiError, Problem, ValidationError
from okrkpi._model.hygiene import lint
from okrkpi._model.kpi_links import propose_objective
from okrkpi._scoring.registry import default_registry

__all__ = ["main"]


MAX_INPUT_BYTES = 64 * 1024 * 1024
"""The largest document the command line reads, unless `--max-bytes` says otherwise."""

SUPPORTED = (".json", ".toml")


class InputError(Exception):
    """A document the command line cannot read; the message names the file."""


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-08-15, got {text!r}") from None


def _size(text: str) -> int:
    try:
        size = int(text)
    except ValueError:
        size = 0
    if size <= 0:
        raise argparse.ArgumentTypeError(f"expected a number of bytes > 0, got {text!r}")
    return size


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="okrkpi",
        description="Score OKRs and KPIs. With no command, scores an embedded example.",
    )
    parser.add_argument("--as-of", type=_day, metavar="YYYY-MM-DD", help="judge as of this day")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    commands = parser.add_subparsers(dest="command")
    score = commands.add_parser(
        "score", help="score a JSON or TOML file, or a folder of CSV tables"
    )
    score.add_argument(
        "file", type=Path, help="a .json or .toml document, or a folder of CSV tables"
    )
    score.add_argument(
        "--as-of", type=_day, dest="file_as_of", metavar="YYYY-MM-DD", help="judge as of this day"
    )
    score.add_argument("--format", choices=("text", "json"), dest="file_format")
    score.add_argument(
        "--rollup", metavar="NAME", help="roll scores up with this registered strategy"
    )
    score.add_argument(
        "--max-bytes",
        type=_size,
        default=MAX_INPUT_BYTES,
        metavar="N",
        help=f"refuse documents larger than this (default {MAX_INPUT_BYTES:,})",
    )
    review = commands.add_parser("review", help="the progress report between two check-in meetings")
    review.add_argument(
        "file", type=Path, help="a .json or .toml document, or a folder of CSV tables"
    )
    review.add_argument(
        "--since", type=_day, required=True, metavar="YYYY-MM-DD", help="the last meeting"
    )
    review.add_argument(
        "--as-of", type=_day, dest="file_as_of", metavar="YYYY-MM-DD", help="this meeting (today)"
    )
    review.add_argument("--format", choices=("text", "md", "html", "json"), dest="file_format")
    review.add_argument(
        "--charts",
        action="store_true",
        help="with --format html: one self-contained page with the charts (needs okrkpi[plot])",
    )
    review.add_argument(
        "--max-bytes",
        type=_size,
        default=MAX_INPUT_BYTES,
        metavar="N",
        help="refuse larger documents",
    )
    return parser


def _read(path: Path, max_bytes: int) -> Document:
    if path.is_dir():
        return _read_tables(path, max_bytes)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise InputError(
            f"{path}: unsupported file type {suffix or '(none)'!r}; "
            f"expected one of {', '.join(SUPPORTED)}, or a folder of CSV tables"
        )
    text = _text_of(path, max_bytes)
    data: Any
    try:
        if suffix == ".toml":
            parts = toml_key_parts(text)
            if parts > MAX_TOML_KEY_PARTS:
                raise InputError(
                    f"{path}: a TOML key of {parts:,} dotted parts; at most {MAX_TOML_KEY_PARTS}"
                )
            data = tomllib.loads(text)
        else:
            data = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise InputError(f"{path}: nested too deeply") from None
    except (ValueError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"{path}: not valid {suffix[1:].upper()}: {error}") from None
    try:
        document = from_dict(data, Document)
    except OkrKpiError as error:
        raise InputError(f"{path}: invalid input: {error}") from None
    return _not_empty(path, document)


def _read_tables(folder: Path, max_bytes: int) -> Document:
    """A folder of CSV files named by table: objectives.csv, key_results.csv, ..."""
    tables: dict[str, list[dict[str, str]]] = {}
    lines: dict[str, list[int]] = {}
    for name in TABLES:
        path = folder / f"{name}.csv"
        if not path.is_file():
            continue
        text = _text_of(path, max_bytes)
        try:
            tables[name], lines[name] = _csv_rows(text)
        except csv.Error as error:
            raise InputError(f"{path}: not valid CSV: {error}") from None
    if not tables:
        names = ", ".join(f"{name}.csv" for name in TABLES)
        raise InputError(f"{folder}: a folder without tables; expected some of {names}")
    try:
        document = from_rows(tables)
    except ValidationError as error:
        located = "; ".join(_in_file(folder, problem, lines) for problem in error.problems)
        raise InputError(f"{folder}: invalid input: {located}") from None
    return _not_empty(folder, document)


def _csv_rows(text: str) -> tuple[list[dict[str, str]], list[int]]:
    """The rows of a CSV file, and the line each starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)  # no unclosed quote
    header = next(reader, None)
    repeated = sorted({name for name in header or () if (header or []).count(name) > 1})
    if repeated:
        raise csv.Error(f"the header repeats {', '.join(map(repr, repeated))}")
    rows: list[dict[str, str]] = []
    starts: list[int] = []
    end_of_last = reader.line_num
    for fields in reader:
        start, end_of_last = end_of_last + 1, reader.line_num
        if fields:  # a blank line is no row
            rows.append(dict(zip(header or (), fields, strict=False)))
            starts.append(start)
    return rows, starts


_CELL = re.compile(r"(?P<table>\w+)\[row (?P<row>\d+)\](?:\.(?P<column>\w+))?")
_COLUMN = re.compile(r"(?P<table>\w+)\.(?P<column>\w+)")


def _in_file(folder: Path, problem: Problem, lines: dict[str, list[int]]) -> str:
    """`check_ins[row 0].value` as `okrs/check_ins.csv line 2, column value`."""
    found = _CELL.fullmatch(problem.path)
    if found is None:
        column = _COLUMN.fullmatch(problem.path)
        if column is not None and column["table"] in TABLES:  # a missing column
            where = f"{folder / (column['table'] + '.csv')}, column {column['column']}"
            return f"{where}: {problem.message}"
        return str(problem)
    row = int(found["row"])
    starts = lines.get(found["table"], [])
    line = starts[row] if row < len(starts) else row + 2  # the header is line 1
    where = f"{folder / (found['table'] + '.csv')} line {line}"
    if found["column"]:
        where += f", column {found['column']}"
    return f"{where}: {problem.message}"


def _not_empty(path: Path, document: Document) -> Document:
    if not document.objectives and not document.kpis:
        raise InputError(f"{path}: the document has no objectives and no KPIs")
    return document


def _text_of(path: Path, max_bytes: int) -> str:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path}: {size:,} bytes, more than the limit of {max_bytes:,}")
        raw = path.read_bytes()[: max_bytes + 1]
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        return raw.decode("utf-8-sig")  # spreadsheets write a byte-order mark first
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a finite number")


def _report(document: Document, as_of: date, output: str, rollup: str | None = None) -> str:
    tree = AlignmentTree(document.objectives)
    if output == "json":
        scores = tree.score(as_of, rollup=rollup)
        statuses = {
            oid: None if state is None else state.value
            for oid, state in tree_statuses(tree, scores, as_of).items()
        }
        payload = {
            "as_of": as_of.isoformat(),
            "objectives": [
                {
                    "id": objective.id,
                    "title": objective.title,
                    "status": statuses[objective.id],
                    "score": to_dict(scores[objective.id]),
                }
                for objective in tree
            ],
            "kpis": [
                {"name": kpi.name, "health": kpi.health(as_of).value} for kpi in document.kpis
            ],
            "findings": [str(finding) for finding in lint(tree, as_of=as_of)],
        }
        return json.dumps(payload, indent=2, allow_nan=False)
    parts = [f"OKRs as of {as_of.isoformat()}", render_tree(tree, as_of=as_of, rollup=rollup)]
    if document.kpis:
        parts += ["", "KPIs", render_kpis(document.kpis, as_of=as_of)]
        for kpi in document.kpis:
            try:
                draft = propose_objective(kpi, as_of)
            except OkrKpiError as error:  # e.g. no next cycle within the plausible years
                parts.append(f"  -> no objective proposed for {kpi.name}: {error}")
                continue
            if draft is not None:
                (fix,) = draft.key_results
                cycle = draft.cycle.name if draft.cycle is not None else "next cycle"
                parts.append(f"  -> proposed objective: {draft.title} ({fix.title}, {cycle})")
    findings = lint(tree, as_of=as_of)
    if findings:
        parts += ["", "Hygiene", *(f"  {finding}" for finding in findings)]
    return "\n".join(parts)


def _review(
    document: Document, since: date, as_of: date, output: str, *, charts: bool = False
) -> str:
    made = review(AlignmentTree(document.objectives), since=since, as_of=as_of, kpis=document.kpis)
    if output == "json":
        return json.dumps(made.to_dict(), indent=2, allow_nan=False)
    if output == "md":
        return made.to_markdown()
    if output == "html":
        return made.to_html(charts=charts)
    return made.to_text()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 bad input, 2 bad usage)."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    rollup = getattr(arguments, "rollup", None)
    if rollup is not None:  # a name the command line was given: bad usage, not bad input
        try:
            default_registry.resolve("rollup", rollup)
        except OkrKpiError as error:
            parser.error(f"argument --rollup: {error}")
    output = getattr(arguments, "file_format", None) or arguments.format
    if getattr(arguments, "charts", False) and output != "html":
        parser.error("argument --charts: needs --format html (the charts are drawn into the page)")
    as_of = getattr(arguments, "file_as_of", None) or arguments.as_of
    try:
        if arguments.command == "review":
            document = _read(arguments.file, arguments.max_bytes)
            day = as_of if as_of is not None else date.today()  # the edge may read the clock
            report = _review(document, arguments.since, day, output, charts=arguments.charts)
        elif arguments.command == "score":
            document = _read(arguments.file, arguments.max_bytes)
            day = as_of if as_of is not None else date.today()  # the edge may read the clock
            report = _report(document, day, output, arguments.rollup)
        else:
            document = Document(tuple(example_objectives()), tuple(example_kpis()))
            day = as_of if as_of is not None else EXAMPLE_AS_OF
            report = _report(document, day, output)
    except (InputError, MissingExtraError) as error:  # the file, or --charts without matplotlib
        print(_printable(f"okrkpi: {error}"), file=sys.stderr)
        return 1
    except OkrKpiError as error:
        where = f"{arguments.file}: " if arguments.command in ("score", "review") else ""
        print(_printable(f"okrkpi: {where}invalid input: {error}"), file=sys.stderr)
        return 1
    return _write(report)


def _printable(text: str) -> str:
    # A title may hold a lone surrogate, which no terminal encoding can write: escape it.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _write(report: str) -> int:
    # An output problem is not an input problem: a closed pipe (`| head`) ends quietly.
    try:
        sys.stdout.write(_printable(report) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes at exit
        return 0
    except OSError as error:
        print(f"okrkpi: cannot write the report: {error}", file=sys.stderr)
        return 1
    return 0
