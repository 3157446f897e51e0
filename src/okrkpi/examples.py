"""The embedded example that `python -m okrkpi` scores: ready-made data for trying things out.

A SaaS company's 2026-Q3 OKRs: the company objective "Become a market leader in SaaS
industry" with marketing and product objectives aligned under it, and two KPIs.
"""

from __future__ import annotations

from okrkpi._edges.example import EXAMPLE_AS_OF, example_kpis, example_objectives

__all__ = ["EXAMPLE_AS_OF", "example_kpis", "example_objectives"]
