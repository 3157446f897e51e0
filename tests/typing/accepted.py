"""Calls the annotations must accept: each is valid at run time too (see test_typing.py)."""

from datetime import date
from decimal import Decimal

from okrkpi import KPI, Cycle, KeyResult, Objective, TargetRange

kpis = [
    KPI("uptime", target=99.9),
    KPI("reply time", target=(1, 4)),
    KPI("reply time", target=TargetRange(1, 4)),
    KPI("nps", target=None, frequency="monthly"),
    KPI("nps", target=40, frequency="FREQ=WEEKLY;BYDAY=MO"),
]
objective = Objective("Win", commitment="committed", level="company", cycle="2027-Q1")
key_result = KeyResult.milestones("Ship", milestones=["beta", "ga"]).reach(
    "beta", at=date(2027, 1, 5), confidence="high", note="beta is out"
)
checked = KeyResult.metric("Grow", start=0, target=10).check_in(
    4, at=date(2027, 1, 5), confidence=7
)
fiscal = Cycle("FY", date(2027, 3, 1), date(2028, 2, 29), fiscal_start_month=None)
amount = Decimal("1.5")
