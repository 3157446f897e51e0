"""Shared test data and tools: the dates, the key-result builder, the command-line runner."""

from __future__ import annotations

import resource
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from okrkpi import Cycle, KeyResult

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


def _memory_limit() -> None:  # a runaway parser is stopped rather than allowed to swap
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m okrkpi ARGS` in a subprocess with a memory limit, output as text."""
    return subprocess.run(
        [sys.executable, "-m", "okrkpi", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        preexec_fn=_memory_limit,
        check=False,
    )
