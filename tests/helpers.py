"""Shared test data: the dates and the key-result builder the tests use."""

from __future__ import annotations

from datetime import date, timedelta

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
