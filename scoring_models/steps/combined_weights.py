"""Combined subjective–objective weights (主客观组合赋权).

Most published evaluations of Chinese zones and regions combine expert (or AHP) weights ``s`` with
data-driven ones ``o`` (entropy or CRITIC), both normalised to sum 1:

* linear: ``w = α s + (1 − α) o`` (α = 0.5 by default: equal trust in experts and data);
* product: ``w_j = s_j o_j / Σ_k s_k o_k`` (the "multiplicative synthesis"; an indicator either
  side rates low stays low). If every product is 0 the linear rule is used instead.

In a model the combination is made inside each pillar (the pillar weights stay the experts'),
and the run's methodology shows both parts next to the result (:class:`WeightParts`).
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from scoring_models.arrays import FloatArray
from scoring_models.steps.registry import StepSettings
from scoring_models.steps.weighting import WeightingName


class CombinationRule(StrEnum):
    """How the subjective and the objective weights are combined."""

    LINEAR = "linear"
    PRODUCT = "product"


class CombinationSpec(StepSettings):
    """The ``combined`` weighting: which objective method, which rule, and α for the linear rule."""

    objective: WeightingName = "entropy"
    rule: CombinationRule = CombinationRule.LINEAR
    alpha: float = Field(default=0.5, ge=0, le=1, description="share of the subjective weights (linear rule)")

    @field_validator("objective")
    @classmethod
    def _data_driven(cls, v: str) -> str:
        if v in ("expert", "ahp", "combined"):
            raise ValueError(f"the objective part must be a data-driven method (entropy, critic …), not {v!r}")
        return v


def _unit(w: FloatArray) -> FloatArray:
    w = np.asarray(w, dtype=np.float64)
    if (w < 0).any() or not np.isfinite(w).all():
        raise ValueError("weights must be finite and non-negative")
    total = float(w.sum())
    if total <= 0:
        raise ValueError("weights have no positive total")
    return np.asarray(w / total, dtype=np.float64)


def combine(subjective: FloatArray, objective: FloatArray, rule: CombinationRule, alpha: float = 0.5) -> FloatArray:
    """The combined weights (sum 1) by ``rule``; both inputs are normalised first."""
    s, o = _unit(subjective), _unit(objective)
    if rule is CombinationRule.PRODUCT:
        p = s * o
        if p.sum() > 0:
            return np.asarray(p / p.sum(), dtype=np.float64)
    return np.asarray(alpha * s + (1.0 - alpha) * o, dtype=np.float64)


class WeightParts(BaseModel):
    """The two parts of combined weights and the result, per indicator (each part sums to 1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    objective_method: str = Field(description="the data-driven weighting method of the objective part",
                                  examples=["critic"])
    rule: CombinationRule = Field(description="linear (α s + (1 − α) o) or product (s·o renormalised)")
    alpha: float = Field(description="share of the subjective weights in the linear rule, 0–1", examples=[0.5])
    subjective: dict[str, float] = Field(description="the experts' (or AHP) weights, pillar × within-pillar",
                                         examples=[{"rd_intensity": 0.0636, "revenue": 0.05}])
    objective: dict[str, float] = Field(description="the data-driven weights inside each pillar × the pillar weights",
                                        examples=[{"rd_intensity": 0.0486, "revenue": 0.0523}])
    combined: dict[str, float] = Field(description="the combination, before any nature caps",
                                       examples=[{"rd_intensity": 0.0561, "revenue": 0.0512}])
