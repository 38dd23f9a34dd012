"""AHP judgments of expert panels: one expert's submission, the panel's review, publishing it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from scoring_models.steps.ahp import ExpertJudgments, GroupMethod, MatrixReport, PriorityMethod

PANEL = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class JudgmentSubmission(ExpertJudgments):
    """One expert's pairwise-comparison matrices for a model, in a named panel (a consultation round).

    ``pillars`` compares the model's pillars, ``indicators.<pillar>`` the indicators of one pillar;
    give each matrix as ``{"items": [...codes...], "matrix": [[1, 3, "1/5"], …]}`` on Saaty's 1–9
    scale (fractions as numbers or strings). Every expert of a panel judges the same matrices.
    """

    panel: str = Field(pattern=PANEL, examples=["2025"])


class JudgmentOut(BaseModel):
    """A stored submission with each matrix's priorities, λmax, CI, RI and CR."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    model_key: str
    panel: str
    expert: str
    weight: float
    submitted_at: datetime
    submitted_by: str | None
    judgments: dict[str, Any]
    matrices: list[MatrixReport]


class PanelReview(BaseModel):
    """Every expert's matrices and consistency, the group's priorities and the weights they give."""

    model_key: str
    panel: str
    priority: PriorityMethod
    group: GroupMethod
    max_cr: float
    experts: list[JudgmentOut]
    result: list[MatrixReport] = Field(description="the group's priorities per matrix")
    consistent: bool = Field(description="every expert's every matrix has CR below max_cr")
    pillar_weights: dict[str, float] = Field(description="pillar shares the group's judgments give (sum 1)")
    nominal_weights: dict[str, float] = Field(description="indicator shares of the composite (sum 1)")


class PublishRequest(BaseModel):
    """Make a panel's judgments the weights of a model version (a custom model)."""

    model_config = ConfigDict(extra="forbid")

    panel: str = Field(pattern=PANEL)
    key: str = Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=64, examples=["innovation-peak-ahp"],
                     description="the key of the model version to create (built-in keys are reserved: fork)")
    version: str = Field(pattern=r"^[0-9]+(\.[0-9]+)*([a-z0-9.+-]*)$", max_length=32, examples=["1.0.0"])
    group: GroupMethod = GroupMethod.AIJ
    priority: PriorityMethod = PriorityMethod.EIGENVECTOR
    max_cr: float = Field(default=0.10, gt=0, le=1)
