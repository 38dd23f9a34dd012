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

    panel: str = Field(pattern=PANEL, description="the panel (consultation round) the judgments belong to: letters, "
                       "digits, '_', '.' and '-', up to 64", examples=["2025"])


class JudgmentOut(BaseModel):
    """A stored submission with each matrix's priorities, λmax, CI, RI and CR."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="id of the stored submission", examples=[1])
    model_key: str = Field(description="key of the model judged", examples=["innovation-peak"])
    panel: str = Field(description="the panel (consultation round)", examples=["2025"])
    expert: str = Field(description="the expert's name", examples=["张三"])
    weight: float = Field(description="the expert's weight in the group", examples=[1.0])
    submitted_at: datetime = Field(description="when the judgments were first submitted (UTC)",
                                   examples=["2026-03-02T08:15:00Z"])
    submitted_by: str | None = Field(description="name of the key that last submitted them (or cli)",
                                     examples=["浙江省科技厅"])
    judgments: dict[str, Any] = Field(description="the judgments as stored: expert, weight, pillars and indicators "
                                      "matrices (fractions as numbers)",
                                      examples=[{"expert": "张三", "weight": 1.0, "pillars": {
                                          "items": ["innovation", "leading_chain", "scale"],
                                          "matrix": [[1.0, 3.0, 7.0], [0.3333, 1.0, 5.0], [0.1429, 0.2, 1.0]]},
                                          "indicators": {}}])
    matrices: list[MatrixReport] = Field(description="each matrix's priorities, λmax, CI, RI and CR under the "
                                         "priority method and max_cr of the request")


class PanelReview(BaseModel):
    """Every expert's matrices and consistency, the group's priorities and the weights they give."""

    model_key: str = Field(description="key of the model judged", examples=["innovation-peak"])
    panel: str = Field(description="the panel (consultation round)", examples=["2025"])
    priority: PriorityMethod = Field(description="how priorities were derived: eigenvector or geometric_mean")
    group: GroupMethod = Field(description="how the experts were combined: aij (geometric mean of the judgments) "
                               "or aip (of the priorities)")
    max_cr: float = Field(description="the consistency ratio each matrix must stay below", examples=[0.1])
    experts: list[JudgmentOut] = Field(description="every expert's submission, in the order first submitted")
    result: list[MatrixReport] = Field(description="the group's priorities per matrix")
    consistent: bool = Field(description="every expert's every matrix has CR below max_cr", examples=[True])
    pillar_weights: dict[str, float] = Field(description="pillar shares the group's judgments give (sum 1)",
                                             examples=[{"innovation": 0.353, "leading_chain": 0.213, "scale": 0.041}])
    nominal_weights: dict[str, float] = Field(description="indicator shares of the composite (sum 1)",
                                              examples=[{"rd_intensity": 0.0504, "revenue": 0.0204}])


class PublishRequest(BaseModel):
    """Make a panel's judgments the weights of a model version (a custom model)."""

    model_config = ConfigDict(extra="forbid")

    panel: str = Field(pattern=PANEL, description="the panel whose judgments become the weights", examples=["2025"])
    key: str = Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=64, examples=["innovation-peak-ahp"],
                     description="the key of the model version to create (built-in keys are reserved: fork)")
    version: str = Field(pattern=r"^[0-9]+(\.[0-9]+)*([a-z0-9.+-]*)$", max_length=32, examples=["1.0.0"],
                         description="the version of the model to create")
    group: GroupMethod = Field(default=GroupMethod.AIJ, description="how the experts are combined: aij (geometric "
                               "mean of the judgments) or aip (of the priorities)")
    priority: PriorityMethod = Field(default=PriorityMethod.EIGENVECTOR, description="how priorities are derived: "
                                     "eigenvector or geometric_mean")
    max_cr: float = Field(default=0.10, gt=0, le=1, description="the consistency ratio every expert's every matrix "
                          "must stay below")
