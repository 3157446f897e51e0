"""The embedded example: a SaaS company's Q3 OKRs with marketing and product aligned under it."""

from __future__ import annotations

from datetime import date

import attrs

from okrkpi._model.cycle import Cycle
from okrkpi._model.key_result import KeyResult
from okrkpi._model.kpi import KPI, Frequency, Indicator
from okrkpi._model.objective import Commitment, Level, Objective

__all__ = ["EXAMPLE_AS_OF", "example_kpis", "example_objectives"]

EXAMPLE_AS_OF = date(2026, 8, 15)
"""The day the example is scored at: halfway through 2026-Q3."""


def example_objectives() -> list[Objective]:
    """Company, marketing and product OKRs for 2026-Q3, with check-ins to mid-August."""
    q3 = Cycle.quarter(2026, 3)
    website = KeyResult.binary("Launch 2.0 version of website", id="launch-website")
    customers = (
        KeyResult.metric(
            "Gain 1,000 new customers in Q3", start=0, target=1000, unit="customers", id="customers"
        )
        .check_in(180, at=date(2026, 7, 15), confidence=6)
        .check_in(420, at=date(2026, 8, 12), confidence=7, note="webinar series converts well")
    )
    company = Objective(
        "Become a market leader in SaaS industry",
        [website, customers],
        id="company",
        owner="CEO",
        level=Level.COMPANY,
        cycle=q3,
    )
    visitors = (
        KeyResult.metric(
            "Grow monthly website visitors from 40,000 to 100,000",
            start=40_000,
            target=100_000,
            id="visitors",
        )
        .check_in(52_000, at=date(2026, 7, 31), confidence=5)
        .check_in(58_000, at=date(2026, 8, 14), confidence=4)
    )
    case_studies = KeyResult.metric(
        "Publish 12 customer case studies", start=0, target=12, id="case-studies"
    ).check_in(7, at=date(2026, 8, 10), confidence=8)
    marketing = Objective(
        "Generate demand that turns into customers",
        [visitors, case_studies],
        id="marketing",
        parent_id="company",
        owner="Head of Marketing",
        level=Level.DEPARTMENT,
        cycle=q3,
    )
    release = KeyResult.milestones(
        "Release website 2.0",
        milestones=["Design sign-off", "Beta with 50 customers", ("General availability", 2.0)],
        id="release",
    ).check_in(2, at=date(2026, 8, 3), confidence=7)
    page_load = KeyResult.threshold(
        "Keep median page load below 2.0 s", threshold=2.0, above=False, id="page-load"
    ).check_in(1.7, at=date(2026, 8, 13))
    product = Objective(
        "Ship a website customers love",
        [release, page_load],
        commitment=Commitment.COMMITTED,
        id="product",
        parent_id="company",
        parent_key_result_id="launch-website",
        owner="Head of Product",
        level=Level.DEPARTMENT,
        cycle=q3,
    )
    return [company, marketing, product]


def example_kpis() -> list[KPI]:
    """Two KPIs the company watches; one is out of bounds and proposes an objective."""
    q3 = Cycle.quarter(2026, 3)
    reply = (
        KPI(
            "average reply time",
            target=60,
            warning=90,
            unit="minutes",
            higher_is_better=False,
            timeframe=q3,
            data_source="helpdesk export",
            frequency=Frequency.WEEKLY,
            indicator=Indicator.LEAD,
            owner="IT support lead",
        )
        .record(58, at=date(2026, 7, 6))
        .record(66, at=date(2026, 7, 27))
        .record(75, at=date(2026, 8, 12))
    )
    # Churn is a lag indicator measured monthly from billing; lower is better.
    churn = KPI("monthly churn", target=2.0, warning=3.0, unit="%", higher_is_better=False)
    churn = attrs.evolve(churn, timeframe=q3, data_source="billing", frequency=Frequency.MONTHLY)
    churn = attrs.evolve(churn, indicator=Indicator.LAG).record(1.8, at=date(2026, 8, 1))
    return [reply, churn]
