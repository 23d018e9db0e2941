from .plans import Plan, PlanEntry, Term, UseTarget
from .records import (
    Evidence,
    EvidenceKind,
    FollowUp,
    Mode,
    Observation,
    Reply,
    Score,
    Status,
    evidence_storage,
)
from .rubrics import LEVELS, Criterion, FocusArea, Rubric

__all__ = [
    "LEVELS",
    "Criterion",
    "Evidence",
    "EvidenceKind",
    "FocusArea",
    "FollowUp",
    "Mode",
    "Observation",
    "Plan",
    "PlanEntry",
    "Reply",
    "Rubric",
    "Score",
    "Status",
    "Term",
    "UseTarget",
    "evidence_storage",
]
