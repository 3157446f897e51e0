"""okrkpi: a typed, pure model of OKRs and KPIs, pluggable scoring, and alignment roll-up.

Everything public is importable from here. The core never does I/O and never reads
the clock: pass `as_of=` to ask how things stood at a date.
"""

from __future__ import annotations

from okrkpi._alignment.scorecard import (
    CycleRow,
    Scorecard,
    ScorecardRow,
    ScoresByCycle,
    scorecard,
    scores_by_cycle,
)
from okrkpi._alignment.tree import AlignmentTree, TreeScores
from okrkpi._errors import (
    AlignmentError,
    MissingExtraError,
    OkrKpiError,
    Problem,
    UnknownStrategyError,
    ValidationError,
)
from okrkpi._model.confidence import ConfidenceLabel, ConfidenceRating
from okrkpi._model.confidence_scale import ConfidenceBand, ConfidenceScale
from okrkpi._model.cycle import Cycle, CycleKind
from okrkpi._model.history import CheckIn, CheckIns
from okrkpi._model.hygiene import Finding, FindingCode, lint
from okrkpi._model.initiative import Initiative, InitiativeStatus
from okrkpi._model.key_result import (
    Binary,
    KeyResult,
    KeyResultKind,
    Metric,
    Milestone,
    Milestones,
    Ordinal,
    Threshold,
    Zoned,
)
from okrkpi._model.kpi import (
    KPI,
    Frequency,
    Health,
    HealthReport,
    Indicator,
    Measurement,
    TargetRange,
    Trend,
    TrendDirection,
)
from okrkpi._model.kpi_links import key_result_from_kpi, propose_objective
from okrkpi._model.moments import DayOf
from okrkpi._model.objective import Commitment, Level, Objective
from okrkpi._model.plan import PlannedValue, PlanPosition
from okrkpi._model.tolerance import EDGE_TOLERANCE
from okrkpi._model.zones import Zone
from okrkpi._planning.cycles import (
    CarriedTree,
    ClosedObjective,
    carry_over,
    carry_over_tree,
    close,
)
from okrkpi._planning.forecast import (
    Calibration,
    CalibrationBucket,
    Forecast,
    brier_score,
    calibration,
    forecast,
    forecast_objective,
    forecast_tree,
)
from okrkpi._scoring.engine import explain_status, score, status
from okrkpi._scoring.policy import ScoringPolicy
from okrkpi._scoring.registry import StrategyPluginWarning, StrategyRegistry, default_registry
from okrkpi._scoring.score import Aggregate, Grade, Measured, Score, Status, StatusExplanation

__version__ = "0.1.0"

# The review and the notebook reprs live at the edge; wiring them here keeps the core
# free of display code.
from okrkpi._edges.display import install_notebook_reprs as _install_notebook_reprs
from okrkpi._edges.review import (
    ConfidenceDrop,
    EndingCycle,
    KpiAlert,
    Mover,
    Review,
    StaleKeyResult,
    StatusChange,
    review,
)

_install_notebook_reprs()

__all__ = [
    "EDGE_TOLERANCE",
    "KPI",
    "Aggregate",
    "AlignmentError",
    "AlignmentTree",
    "Binary",
    "Calibration",
    "CalibrationBucket",
    "CarriedTree",
    "CheckIn",
    "CheckIns",
    "ClosedObjective",
    "Commitment",
    "ConfidenceBand",
    "ConfidenceDrop",
    "ConfidenceLabel",
    "ConfidenceRating",
    "ConfidenceScale",
    "Cycle",
    "CycleKind",
    "CycleRow",
    "DayOf",
    "EndingCycle",
    "Finding",
    "FindingCode",
    "Forecast",
    "Frequency",
    "Grade",
    "Health",
    "HealthReport",
    "Indicator",
    "Initiative",
    "InitiativeStatus",
    "KeyResult",
    "KeyResultKind",
    "KpiAlert",
    "Level",
    "Measured",
    "Measurement",
    "Metric",
    "Milestone",
    "Milestones",
    "MissingExtraError",
    "Mover",
    "Objective",
    "OkrKpiError",
    "Ordinal",
    "PlanPosition",
    "PlannedValue",
    "Problem",
    "Review",
    "Score",
    "Scorecard",
    "ScorecardRow",
    "ScoresByCycle",
    "ScoringPolicy",
    "StaleKeyResult",
    "Status",
    "StatusChange",
    "StatusExplanation",
    "StrategyPluginWarning",
    "StrategyRegistry",
    "TargetRange",
    "Threshold",
    "TreeScores",
    "Trend",
    "TrendDirection",
    "UnknownStrategyError",
    "ValidationError",
    "Zone",
    "Zoned",
    "brier_score",
    "calibration",
    "carry_over",
    "carry_over_tree",
    "close",
    "default_registry",
    "explain_status",
    "forecast",
    "forecast_objective",
    "forecast_tree",
    "key_result_from_kpi",
    "lint",
    "propose_objective",
    "review",
    "score",
    "scorecard",
    "scores_by_cycle",
    "status",
]
