"""Calls the annotations must reject: each line marked `# rejected` is an error for mypy."""

from datetime import date

from okrkpi import KPI, KeyResult, Objective

KPI("k", target="60")  # rejected
KPI("k", target=60, frequency=7)  # rejected
Objective("Win", commitment=1)  # rejected
Objective("Win", level=None)  # rejected
Objective("Win", cycle=2027)  # rejected
KeyResult.binary("Ship").check_in(True, at=date(2027, 1, 5), confidence=[7])  # rejected
KeyResult.milestones("Ship", milestones=["a"]).reach("a", on=date(2027, 1, 5))  # rejected
