"""The command line: the only place in okrkpi that reads files.

`python -m okrkpi` scores the embedded example; `python -m okrkpi score FILE` scores a
JSON or TOML document of OKRs and KPIs.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import io
import json
import os
import re
import stat
import sys
import tomllib
import warnings
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from okrkpi._alignment.tree import AlignmentTree
from okrkpi._edges.display import render_kpis, render_tree, tree_statuses
from okrkpi._edges.example import EXAMPLE_AS_OF, example_kpis, example_objectives
from okrkpi._edges.review import review
from okrkpi._edges.serde import (
    MAX_TOML_KEY_PARTS,
    Document,
    from_dict,
    json_data,
    to_dict,
    toml_key_parts,
)
from okrkpi._edges.tables import TABLES, TableStream, excel_unescaped
from okrkpi._edges.words import line_text, visible_text
from okrkpi._errors import MissingExtraError, OkrKpiError, OkrKpiWarning, Problem, ValidationError
from okrkpi._model.confidence_scale import ConfidenceScale
from okrkpi._model.hygiene import lint
from okrkpi._model.kpi_links import propose_objective
from okrkpi._model.moments import DayOf
from okrkpi._model.objective import Commitment
from okrkpi._scoring.policy import ScoringPolicy
from okrkpi._scoring.registry import default_registry

__all__ = ["main"]


MAX_INPUT_BYTES = 64 * 1024 * 1024
"""The largest document the command line reads, unless `--max-bytes` says otherwise."""

SUPPORTED = (".json", ".toml")


class InputError(OkrKpiError):
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
    _day_of_option(score)
    score.add_argument(
        "--max-bytes",
        type=_size,
        default=MAX_INPUT_BYTES,
        metavar="N",
        help=f"refuse documents larger than this (default {MAX_INPUT_BYTES:,})",
    )
    _table_options(score)
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
    _day_of_option(review)
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
    _table_options(review)
    return parser


def _day_of_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--day-of",
        type=str.lower,  # as ScoringPolicy reads it: any case
        choices=tuple(rule.value for rule in DayOf),
        default=DayOf.LOCAL.value,
        help="the day a check-in with a UTC offset falls on: its own local day (default) "
        "or its UTC day (ScoringPolicy.day_of)",
    )


# The confidence scales a folder of CSV tables may be written in, by name.
SCALES: Mapping[str, ConfidenceScale] = MappingProxyType(
    {
        "ten_point": ConfidenceScale.ten_point(),
        "low_medium_high": ConfidenceScale.low_medium_high(),
        "traffic_light": ConfidenceScale.traffic_light(),
        "named_bands": ConfidenceScale.named_bands(),
        "probability": ConfidenceScale("probability", maximum=1),
        "percent": ConfidenceScale("percent", maximum=100),
    }
)


def _table_options(command: argparse.ArgumentParser) -> None:
    tables = command.add_argument_group("a folder of CSV tables")
    tables.add_argument(
        "--extra-columns",
        choices=("error", "warn", "ignore"),
        help="columns okrkpi does not read: refuse them (default), warn, or ignore them",
    )
    tables.add_argument(
        "--confidence-scale",
        choices=tuple(SCALES),
        help="how the confidence column is written, e.g. traffic_light for red/yellow/green",
    )
    tables.add_argument(
        "--date-format",
        metavar="FORMAT",
        help="how text dates are written, in strptime directives, e.g. %%m/%%d/%%Y",
    )


def _reading_options(arguments: argparse.Namespace) -> dict[str, Any]:
    """The table-reading options given on the command line, as `from_frames` takes them."""
    options: dict[str, Any] = {}
    if getattr(arguments, "extra_columns", None) is not None:
        options["extra_columns"] = arguments.extra_columns
    if getattr(arguments, "confidence_scale", None) is not None:
        options["confidence_scale"] = SCALES[arguments.confidence_scale]
    if getattr(arguments, "date_format", None) is not None:
        options["date_format"] = arguments.date_format
    return options


def _read(path: Path, max_bytes: int, options: Mapping[str, Any] | None = None) -> Document:
    """The document in `path`: a JSON or TOML file, or a folder of CSV tables.

    `options` are `from_frames`' reading options, for a folder of CSV tables.
    """
    if path.is_dir():
        return _read_tables(path, max_bytes, options or {})
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED and not path.exists():  # a folder's name has no suffix
        raise InputError(f"{path}: cannot read: No such file or directory")  # as for a file
    if suffix not in SUPPORTED:
        raise InputError(
            f"{path}: unsupported file type {suffix or '(none)'!r}; "
            f"expected one of {', '.join(SUPPORTED)}, or a folder of CSV tables"
        )
    if options:
        flags = ", ".join(f"--{name.replace('_', '-')}" for name in options)
        raise InputError(f"{path}: {flags} only apply to a folder of CSV tables")
    with _opened(path, max_bytes) as raw:
        text = _decoded(path, raw.read())
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
            data = json_data(text)  # a repeated key refused, as `okrkpi.serde.loads` does
    except RecursionError:
        raise InputError(f"{path}: nested too deeply") from None
    except OkrKpiError as error:
        raise InputError(f"{path}: invalid input: {error}") from None
    except (ValueError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"{path}: not valid {suffix[1:].upper()}: {error}") from None
    try:
        document = from_dict(data, Document)
    except OkrKpiError as error:
        raise InputError(f"{path}: invalid input: {error}") from None
    return _not_empty(path, document)


# -- reading files: regular files only, never more than a limit ----------------------------


class _Bounded(io.RawIOBase):
    """A file's bytes, refused once more than `limit` of them were read."""

    def __init__(self, descriptor: int, path: Path, limit: int) -> None:
        super().__init__()
        self._descriptor = descriptor
        self._path = path
        self._limit = limit
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        chunk = os.read(self._descriptor, min(len(view), self._limit + 1 - self._read))
        self._read += len(chunk)
        if self._read > self._limit:  # it grew since it was measured, or /proc-like
            raise InputError(f"{self._path}: more than the limit of {self._limit:,} bytes")
        view[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        if not self.closed:
            os.close(self._descriptor)
        super().close()


def _opened(path: Path, max_bytes: int, *, shown: Path | None = None) -> _Bounded:
    """`path` open for reading if it is a regular file of at most `max_bytes`.

    Opened without waiting (a FIFO would block a plain open) and checked once open, so a
    link swapped after a check cannot slip a device or a pipe in: /dev/zero, a FIFO or a
    socket is refused, however it is reached. Messages name `shown` (the path as given).
    """
    shown = path if shown is None else shown
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise InputError(f"{shown}: cannot read: {error.strerror or error}") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{shown}: not a regular file ({_kind_of(info.st_mode)}); not read")
        if info.st_size > max_bytes:
            raise InputError(
                f"{shown}: {info.st_size:,} bytes, more than the limit of {max_bytes:,}"
            )
    except BaseException:
        os.close(descriptor)
        raise
    return _Bounded(descriptor, shown, max_bytes)


_KINDS: Mapping[int, str] = MappingProxyType(
    {
        stat.S_IFDIR: "a folder",
        stat.S_IFCHR: "a device",
        stat.S_IFBLK: "a device",
        stat.S_IFIFO: "a pipe",
        stat.S_IFSOCK: "a socket",
    }
)


def _kind_of(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a file")


def _decoded(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")  # spreadsheets write a byte-order mark first
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None


# -- a folder of CSV tables ----------------------------------------------------------------


def _read_tables(folder: Path, max_bytes: int, options: Mapping[str, Any]) -> Document:
    """`read_folder`, its problems worded for the command line: flags, not keywords."""
    try:
        return read_folder(folder, max_bytes, options, in_file_order=True)
    except ValidationError as error:
        raise InputError(f"{folder}: invalid input: {_as_flags(str(error))}") from None


# The words of `from_frames` a problem may name, and the command line's flags for them:
# a scale a hint names by its keyword becomes its --confidence-scale choice.
_FLAGS = (
    ("extra_columns='ignore'", "--extra-columns ignore"),
    (
        "confidence_scale=ConfidenceScale('probability', maximum=1)",
        "--confidence-scale probability",
    ),
    ("confidence_scale=ConfidenceScale('percent', maximum=100)", "--confidence-scale percent"),
    *(
        (f"confidence_scale=ConfidenceScale.{name}()", f"--confidence-scale {name}")
        for name in ("ten_point", "low_medium_high", "traffic_light", "named_bands")
    ),
    ("from_frames.extra_columns", "--extra-columns"),
    ("from_frames.confidence_scale", "--confidence-scale"),
    ("from_frames.date_format", "--date-format"),
    ("confidence_scale=", "--confidence-scale"),
    ("(date_format ", "(--date-format "),
    ("(rename it with columns=)", "(rename it in the file's header)"),
)


def _as_flags(message: str) -> str:
    for keyword, flag in _FLAGS:
        message = message.replace(keyword, flag)
    return message


def read_folder(
    folder: Path,
    max_bytes: int,
    options: Mapping[str, Any],
    *,
    in_file_order: bool = False,
    empty: bool = False,
) -> Document:
    """A folder of CSV files named by table: objectives.csv, key_results.csv, ...

    Each file streams in row by row; `TableStream` keeps what the document needs and
    stops keeping rows once the input is known to be refused. `options` are those of
    `from_frames`; a cell `excel_escaped` wrote reads without its apostrophe. With
    `in_file_order`, problems are listed as a reader of the files meets them: file by
    file in `TABLES` order, then by line, then by column; otherwise in `from_frames`' order.
    A document with no objectives and no KPIs is refused, unless `empty`.

    Raises:
        ValidationError: Bad options, or bad cells, each named by its file, line and
            column (`okrs/check_ins.csv line 2, column value`).
        InputError: A file that is not UTF-8 CSV, too large, or a link out of the folder.
    """
    stream = TableStream(**options)
    inside = folder.resolve()
    lines: dict[str, _Lines] = {}
    for name in TABLES:
        path = folder / f"{name}.csv"
        target = _in_folder(path, inside)
        if target is None:
            continue
        with _opened(target, max_bytes, shown=path) as raw:
            lines[name] = _stream_csv(raw, path, name, stream)
    if not lines:
        names = ", ".join(f"{name}.csv" for name in TABLES)
        raise InputError(f"{folder}: a folder without tables; expected some of {names}")
    try:
        document = stream.document()
    except ValidationError as error:
        problems: Sequence[Problem] = error.problems
        if in_file_order:
            problems = _in_file_order(problems, lines)
        raise ValidationError(*(_in_file(folder, problem, lines) for problem in problems)) from None
    return document if empty else _not_empty(folder, document)


def _in_folder(path: Path, inside: Path) -> Path | None:
    """Where `path` leads, if it exists and stays in the folder; None if it is missing.

    A link out of the folder is refused without being read, so no cell of a file the
    folder only points at reaches a message.
    """
    try:
        path.lstat()
        target = path.resolve()
    except FileNotFoundError:
        return None
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of links, before 3.13
        reason = getattr(error, "strerror", None) or "a loop of links"
        raise InputError(f"{path}: cannot read: {reason}") from None
    if not target.is_relative_to(inside):
        raise InputError(f"{path}: a link out of the folder; links are followed only within it")
    return target


class _Lines:
    """The line each row of a CSV file starts on, kept as the rows where it jumps.

    Rows run one line each, but for a cell quoted over lines or a blank line: only
    those jumps are kept, so a file of millions of rows costs a few numbers.
    """

    def __init__(self) -> None:
        self._rows: list[int] = []  # the first row after each jump
        self._offsets: list[int] = []  # its line minus its row number
        self.header: list[str] = []  # the file's columns, in its order

    def note(self, row: int, line: int) -> None:
        if not self._offsets or self._offsets[-1] != line - row:
            self._rows.append(row)
            self._offsets.append(line - row)

    def line(self, row: int) -> int:
        jump = bisect.bisect_right(self._rows, row) - 1
        return row + (self._offsets[jump] if jump >= 0 else 2)  # the header is line 1


def _stream_csv(raw: _Bounded, path: Path, table: str, stream: TableStream) -> _Lines:
    """Feed one CSV file's rows to `stream`; the lines its rows start on."""
    text = io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8-sig", newline="")
    reader = csv.reader(text, strict=True)  # no unclosed quote
    lines = _Lines()
    try:
        header = next(reader, None)
        if header is None:
            return lines
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            raise InputError(
                f"{path}: not valid CSV: the header repeats {', '.join(map(repr, repeated))}"
            )
        stream.start(table, header)
        lines.header = header
        width = len(header)
        end_of_last = reader.line_num
        row = 0
        for fields in reader:
            start, end_of_last = end_of_last + 1, reader.line_num
            if not fields:  # a blank line is no row
                continue
            if len(fields) > width:
                raise InputError(
                    f"{path} line {start}, column {width + 1}: {len(fields)} cells but "
                    f"{width} columns in the header (a comma in a number such as 1,250, "
                    "or in text, needs the cell quoted)"
                )
            fields.extend([""] * (width - len(fields)))  # trailing empty cells left out
            stream.add([excel_unescaped(cell) for cell in fields])
            lines.note(row, start)
            row += 1
    except csv.Error as error:
        raise InputError(f"{path}: not valid CSV: {error} (line {reader.line_num})") from None
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path}: not UTF-8 text ({error.reason}, line {reader.line_num + 1})"
        ) from None
    return lines


_CELL = re.compile(r"(?P<table>\w+)\[row (?P<row>\d+)\](?:\.(?P<column>.+))?")
_COLUMN = re.compile(r"(?P<table>\w+)\.(?P<column>.+)")
# A row a message points at: "row 3" of the problem's own table, or "objectives row 3".
_ROW = re.compile(r"\b(?:(?P<table>[a-z_]+) )?row (?P<row>\d+)\b")
# A cell's text as a message quotes it (its repr): left as it is, whatever it says.
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def _outside_quotes(text: str, change: Callable[[str], str]) -> str:
    parts, start = [], 0
    for quoted in _QUOTED.finditer(text):
        parts += [change(text[start : quoted.start()]), quoted.group()]
        start = quoted.end()
    return "".join([*parts, change(text[start:])])


def _line_of(lines: Mapping[str, _Lines], table: str, row: int) -> int:
    return lines[table].line(row) if table in lines else row + 2


def _in_file_order(problems: Sequence[Problem], lines: Mapping[str, _Lines]) -> list[Problem]:
    """`problems` file by file (in `TABLES` order), by line, then by column in the file.

    A column's problem (missing, unknown) is the header's: line 1. A problem of no file
    keeps its place after them, and the count of the rest ("... and 12 more") stays last.
    """
    tables = list(TABLES)

    def key(problem: Problem) -> tuple[int, int, int]:
        cell = _CELL.fullmatch(problem.path)
        column = _COLUMN.fullmatch(problem.path)
        if cell is not None and cell["table"] in TABLES:
            table, name = cell["table"], cell["column"]
            line = _line_of(lines, table, int(cell["row"]))
        elif column is not None and column["table"] in TABLES:
            table, line, name = column["table"], 1, column["column"]
        else:
            counted = not problem.path and problem.message.startswith("... and ")
            return (len(tables) + counted, 0, 0)
        header = lines[table].header if table in lines else []
        if name is None:
            rank = -1  # the row as a whole, before its cells
        elif name in header:
            rank = header.index(name)
        else:  # a column the file lacks: after its own, in `TABLES` order
            ours = list(TABLES[table])
            rank = len(header) + (ours.index(name) if name in ours else len(ours))
        return (tables.index(table), line, rank)

    return sorted(problems, key=key)


def _in_file(folder: Path, problem: Problem, lines: Mapping[str, _Lines]) -> Problem:
    """`check_ins[row 0].value` as `okrs/check_ins.csv line 2, column value`.

    The rows a message names are lines too, so one numbering is used throughout.
    """

    def line(table: str, row: int) -> int:
        return _line_of(lines, table, row)

    found = _CELL.fullmatch(problem.path)
    if found is None:
        column = _COLUMN.fullmatch(problem.path)
        if column is not None and column["table"] in TABLES:  # a missing or unknown column
            where = f"{folder / (column['table'] + '.csv')}, column {column['column']}"
            return Problem(where, problem.message)
        return problem
    table = found["table"]

    def row_as_line(named: re.Match[str]) -> str:
        other = named["table"]
        if other in TABLES:
            return f"{other}.csv line {line(other, int(named['row']))}"
        before = "" if other is None else other + " "
        return f"{before}line {line(table, int(named['row']))}"

    where = f"{folder / (table + '.csv')} line {line(table, int(found['row']))}"
    if found["column"]:
        where += f", column {found['column']}"
    message = _outside_quotes(problem.message, lambda text: _ROW.sub(row_as_line, text))
    return Problem(where, message)


def _not_empty(path: Path, document: Document) -> Document:
    if not document.objectives and not document.kpis:
        raise InputError(f"{path}: the document has no objectives and no KPIs")
    return document


_COMMITTED_NAMED = 3  # committed objectives named under the tree; the rest are counted


def _report(
    document: Document,
    as_of: date,
    output: str,
    rollup: str | None = None,
    day_of: DayOf = DayOf.LOCAL,
) -> str:
    tree = AlignmentTree(document.objectives, policy=ScoringPolicy(day_of=day_of))
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
                {"name": kpi.name, "health": kpi.health(as_of, day_of=day_of).value}
                for kpi in document.kpis
            ],
            "findings": [str(finding) for finding in lint(tree, as_of=as_of)],
        }
        return json.dumps(payload, indent=2, allow_nan=False)
    # Each line of text output is one row: a title's line break shows escaped (line_text),
    # as a control does; JSON above keeps the text as it is.
    parts = [f"OKRs as of {as_of.isoformat()}", render_tree(tree, as_of=as_of, rollup=rollup)]
    committed = [o.title for o in tree if o.commitment is Commitment.COMMITTED]
    if committed:  # the grades above read differently for them: say which they are
        named = "; ".join(committed[:_COMMITTED_NAMED])
        more = len(committed) - _COMMITTED_NAMED
        named += f"; and {more:,} more" if more > 0 else ""
        parts.append(line_text(f"Committed, so met (and green) only at 1.00: {named}"))
    if document.kpis:
        parts += ["", "KPIs", render_kpis(document.kpis, as_of=as_of, day_of=day_of)]
        for kpi in document.kpis:
            try:
                draft = propose_objective(kpi, as_of, day_of=day_of)
            except OkrKpiError as error:  # e.g. no next cycle within the plausible years
                parts.append(line_text(f"  -> no objective proposed for {kpi.name}: {error}"))
                continue
            if draft is not None:
                (fix,) = draft.key_results
                cycle = draft.cycle.name if draft.cycle is not None else "next cycle"
                parts.append(
                    line_text(f"  -> proposed objective: {draft.title} ({fix.title}, {cycle})")
                )
    findings = lint(tree, as_of=as_of)
    if findings:
        parts += ["", "Hygiene", *(line_text(f"  {finding}") for finding in findings)]
    return "\n".join(parts)


def _review(
    document: Document,
    since: date,
    as_of: date,
    output: str,
    *,
    charts: bool = False,
    day_of: DayOf = DayOf.LOCAL,
) -> str:
    tree = AlignmentTree(document.objectives, policy=ScoringPolicy(day_of=day_of))
    made = review(tree, since=since, as_of=as_of, kpis=document.kpis)
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
        if arguments.command in ("score", "review"):
            document = _read_warning(
                arguments.file, arguments.max_bytes, _reading_options(arguments)
            )
            day = as_of if as_of is not None else date.today()  # the edge may read the clock
            rule = DayOf(arguments.day_of)
            if arguments.command == "review":
                report = _review(
                    document, arguments.since, day, output, charts=arguments.charts, day_of=rule
                )
            else:
                report = _report(document, day, output, arguments.rollup, rule)
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
    return _write(report, escape=output != "json")


def _read_warning(path: Path, max_bytes: int, options: Mapping[str, Any]) -> Document:
    """`_read`, with okrkpi's warnings printed as one line each, as errors are."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", OkrKpiWarning)
        document = _read(path, max_bytes, options)
    for warning in caught:
        if issubclass(warning.category, OkrKpiWarning):
            print(_printable(f"okrkpi: warning: {warning.message}"), file=sys.stderr)
        else:  # not ours: as Python would show it
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    return document


# What a terminal would act on rather than show: C0 and C1 controls but the line break
# and tab, DEL, and the marks that reorder text (bidi overrides, isolates and marks).
def _printable(text: str, *, escape: bool = True) -> str:
    r"""`text` safe to write to a terminal: every control shown as its escape, as `\x1b`.

    A lone surrogate, which no terminal encoding can write, is escaped too. JSON output
    passes `escape=False`: JSON escapes controls itself, and must stay JSON.
    """
    if escape:
        text = visible_text(text)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


_PIECE = 1 << 16  # characters escaped and written at once


def _write(report: str, *, escape: bool = True) -> int:
    # An output problem is not an input problem: a closed pipe (`| head`) ends quietly.
    if isinstance(sys.stdout, io.TextIOWrapper):
        # An output that cannot show a character (an ASCII terminal) shows its escape.
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        # In pieces: a large organisation's report is not copied whole to be escaped.
        for start in range(0, len(report), _PIECE):
            sys.stdout.write(_printable(report[start : start + _PIECE], escape=escape))
        sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes at exit
        return 0
    except OSError as error:
        print(f"okrkpi: cannot write the report: {error}", file=sys.stderr)
        return 1
    return 0
