"""Shared test data and tools: the dates, the key-result builder, the command-line runner."""

from __future__ import annotations

import contextlib
import io
import re
import resource
import subprocess
import sys
from datetime import date, timedelta
from typing import Any

from okrkpi import Cycle, KeyResult, Objective
from okrkpi._edges.cli import main

Q3 = Cycle.quarter(2026, 3)
JULY = date(2026, 7, 1)
MID_AUGUST = date(2026, 8, 15)


def metric(
    *values: float,
    id: str = "m",  # noqa: A002 - the key result's id, as in KeyResult
    start: float = 0,
    target: float = 100,
    weight: float = 1.0,
    at: date = JULY,
) -> KeyResult:
    """A metric key result titled and identified `id`, checked in `values` a day apart."""
    kr = KeyResult.metric(id, start=start, target=target, id=id, weight=weight)
    for offset, value in enumerate(values):
        kr = kr.check_in(value, at=at + timedelta(days=offset))
    return kr


def other_kinds_checked_in() -> list[KeyResult]:
    """One key result of each kind but metric, each checked in (or reached) on a day."""
    from okrkpi import Zone

    return [
        KeyResult.binary("Launch", id="launch").check_in(True, at=date(2026, 8, 1)),
        KeyResult.threshold("Uptime", threshold=99.5, inclusive=True, id="uptime").check_in(
            99.9, at=date(2026, 7, 2)
        ),
        KeyResult.milestones("Ship", milestones=["design", ("beta", 2.0), "ga"], id="ship").reach(
            "beta", at=date(2026, 8, 2)
        ),
        KeyResult.zoned("Hires", baseline=0, stretch=10, commit=2, target=6, id="hires").check_in(
            7, at=date(2026, 8, 4)
        ),
        KeyResult.ordinal("Brand", target="Two articles", id="brand").check_in(
            Zone.COMMIT, at=date(2026, 8, 5)
        ),
    ]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`okrkpi ARGS` run in this process, its exit status and output as a subprocess gives them.

    The command line's behaviour is all in `main()`; a real process per call costs a Python
    start-up (and a traced one under coverage), so only `run_cli_process` tests the entry point.
    """
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as stop:  # argparse ends bad usage with exit status 2
            status = stop.code if isinstance(stop.code, int) else 1
    return subprocess.CompletedProcess(["okrkpi", *args], status, out.getvalue(), err.getvalue())


def _memory_limit() -> None:  # a runaway parser is stopped rather than allowed to swap
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def run_cli_process(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m okrkpi ARGS` in a subprocess with a memory limit, output as text."""
    return subprocess.run(
        [sys.executable, "-m", "okrkpi", *args],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_memory_limit,
        check=False,
    )


def _enum_name_pattern() -> re.Pattern[str]:
    from okrkpi import Commitment, Grade, Health, InitiativeStatus, Level, Status, Zone

    names = {
        m.name
        for kind in (Status, Grade, Health, Zone, InitiativeStatus, Level, Commitment)
        for m in kind
    }
    # Longest first, and bounded by letters only: `\b` misses "->UNHEALTHY" inside words
    # joined by "_" and would let HEALTHY hide UNHEALTHY.
    alternatives = "|".join(sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z])({alternatives})(?![A-Za-z])")


ENUM_NAMES = _enum_name_pattern()
"""Any enum member's name (`AT_RISK`, `UNHEALTHY`, `RED`, `FAIL`) as a whole word, in capitals."""


def from_frames_cell_by_cell(**tables: Any) -> Any:
    """`from_frames` read cell by cell, as it reads tables that are not typed frames.

    The reference the whole-column checks are held to: typed frames are otherwise
    checked by those same checks.
    """
    import pytest

    from okrkpi._edges.columnar import reading
    from okrkpi.tables import from_frames

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reading, "read_typed_frames", lambda *arguments: None)
        return from_frames(**tables)


def listed_by_key_result(objectives: int, check_ins: int) -> list[Objective]:
    """Objectives of two metrics each, `check_ins` apiece, whose tables (as `to_frames`
    writes them, and as tables are often kept) list the check-ins key result by key
    result, each key result's in time order."""
    made = []
    for number in range(objectives):
        key_results = []
        for index in range(2):
            key_result = KeyResult.metric(f"KR {index}", start=0.0, target=100.0, id=f"k{index}")
            for week in range(check_ins):
                key_result = key_result.check_in(
                    float(10 * week + number + index),
                    at=Q3.start + timedelta(days=9 * week + index),
                )
            key_results.append(key_result)
        made.append(Objective(f"O {number}", key_results, id=f"o{number}", cycle=Q3))
    return made


def numbered_objectives(count: int, title: str, **fields: Any) -> list[Objective]:
    """`count` objectives of Q3, each a metric checked in on 3 August at its number % 10.

    `title` is formatted with the number (`"Objective {n}"`); each of `fields` is a
    function of the number, e.g. `owner=lambda n: f"Owner {n % 7}"`.
    """
    return [
        Objective(
            title.format(n=number),
            [KeyResult.metric("k", start=0, target=10).check_in(number % 10, at=date(2026, 8, 3))],
            id=f"o{number}",
            cycle=Q3,
            **{name: value(number) for name, value in fields.items()},
        )
        for number in range(count)
    ]
