"""Coupling coordination of two subsystems (耦合协调度): do innovation and industry develop together?

For subsystem indices ``U₁`` (innovation) and ``U₂`` (industry) on [0, 1], the formulas Chinese
regional studies use:

* coupling degree ``C = 2 √(U₁ U₂) / (U₁ + U₂)`` — 1 when the two are equal, towards 0 when one
  dwarfs the other (``C = 0`` when both are 0);
* comprehensive development ``T = α U₁ + β U₂`` (α + β = 1; 0.5 each by default);
* coupling coordination degree ``D = √(C T)`` on [0, 1].

``D`` falls into the customary ten grades of width 0.1, from 极度失调 (``D < 0.1``) to 优质协调
(``D ≥ 0.9``), lower edges inclusive. Which subsystem lags: innovation when ``U₁ < U₂ − tol``,
industry when ``U₂ < U₁ − tol``, otherwise the two are in step (``tol`` = 0.1 by default).

The functions take arrays of any shape (zones, or zones × years), so a panel computes ``U`` per
year on its common scale and calls them once for the whole panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, model_validator

from scoring_models.arrays import FloatArray
from scoring_models.steps.registry import StepSettings

GRADE_CODES: tuple[str, ...] = (
    "extreme_imbalance",
    "serious_imbalance",
    "moderate_imbalance",
    "mild_imbalance",
    "near_imbalance",
    "barely_coordinated",
    "primary_coordination",
    "intermediate_coordination",
    "good_coordination",
    "quality_coordination",
)
"""The ten coordination grades, worst first: grade ``g`` covers ``g/10 ≤ D < (g+1)/10`` (the last
includes 1). Their zh/en labels are the label catalog's ``coordination_grades``."""


class Lag(StrEnum):
    """Which subsystem lags behind the other."""

    INNOVATION = "innovation_lags"
    INDUSTRY = "industry_lags"
    BALANCED = "balanced"


class CouplingSpec(StepSettings):
    """The two subsystems (pillar codes of the model), their weights in ``T`` and the lag tolerance."""

    innovation_pillar: str = "innovation"
    industry_pillar: str = "industry"
    alpha: float = Field(default=0.5, ge=0, le=1, description="weight of U₁ (innovation) in T")
    beta: float = Field(default=0.5, ge=0, le=1, description="weight of U₂ (industry) in T")
    lag_tolerance: float = Field(default=0.1, ge=0, lt=1, description="|U₁ − U₂| up to this counts as in step")

    @model_validator(mode="after")
    def _weights_sum_to_one(self) -> CouplingSpec:
        if abs(self.alpha + self.beta - 1.0) > 1e-9:
            raise ValueError(f"alpha + beta must be 1 (got {self.alpha} + {self.beta})")
        return self


@dataclass(frozen=True)
class Coordination:
    """``C``, ``T`` and ``D`` for every element of the inputs (same shape)."""

    coupling: FloatArray
    development: FloatArray
    coordination: FloatArray


def coupling_coordination(u1: FloatArray, u2: FloatArray, *, alpha: float = 0.5, beta: float = 0.5) -> Coordination:
    """The module docstring's ``C``, ``T`` and ``D``; ``u1`` and ``u2`` on [0, 1], any (same) shape.

    NaN in either index gives NaN; values outside [0, 1] raise ValueError (the indices are shares
    of the best attainable, not raw scores).
    """
    a, b = np.asarray(u1, dtype=np.float64), np.asarray(u2, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"U1 and U2 differ in shape: {a.shape} vs {b.shape}")
    present = ~(np.isnan(a) | np.isnan(b))
    if ((a[present] < -1e-12) | (a[present] > 1 + 1e-12) | (b[present] < -1e-12) | (b[present] > 1 + 1e-12)).any():
        raise ValueError("subsystem indices must lie within [0, 1]")
    a, b = np.clip(a, 0.0, 1.0), np.clip(b, 0.0, 1.0)
    total = a + b
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(total > 0, 2.0 * np.sqrt(a * b) / np.where(total > 0, total, 1.0), 0.0)
    c = np.where(present, np.minimum(c, 1.0), np.nan)
    t = alpha * a + beta * b
    return Coordination(coupling=c, development=t, coordination=np.sqrt(c * t))


def coordination_grade(d: FloatArray) -> npt.NDArray[np.int_]:
    """Index into :data:`GRADE_CODES` of each ``D`` (lower edges inclusive; -1 for NaN)."""
    d = np.asarray(d, dtype=np.float64)
    # compared as 100·D with the edges 10 … 90, exactly as a model's tiers on the composite 100·D are
    edges = np.arange(10.0, 100.0, 10.0)
    grade = (100.0 * np.nan_to_num(d, nan=0.0)[..., None] >= edges).sum(axis=-1)
    return np.where(np.isnan(d), -1, grade).astype(np.int_)


def lagging(u1: FloatArray, u2: FloatArray, tolerance: float = 0.1) -> list[Lag | None]:
    """Which subsystem lags, element by element (flattened; None where an index is missing)."""
    a, b = np.ravel(np.asarray(u1, dtype=np.float64)), np.ravel(np.asarray(u2, dtype=np.float64))
    out: list[Lag | None] = []
    for x, y in zip(a, b, strict=True):
        if np.isnan(x) or np.isnan(y):
            out.append(None)
        elif x < y - tolerance:
            out.append(Lag.INNOVATION)
        elif y < x - tolerance:
            out.append(Lag.INDUSTRY)
        else:
            out.append(Lag.BALANCED)
    return out


class CouplingScores(BaseModel):
    """One zone's coupling coordination (per year when a panel computes it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    innovation: float = Field(description="U₁, the innovation subsystem index (0–1)", examples=[0.286])
    industry: float = Field(description="U₂, the industry subsystem index (0–1)", examples=[0.33])
    coupling: float = Field(description="C = 2√(U₁U₂)/(U₁+U₂), 0–1", examples=[0.997])
    development: float = Field(description="T = αU₁ + βU₂, 0–1", examples=[0.308])
    coordination: float = Field(description="D = √(C·T), 0–1 (the composite is 100·D)", examples=[0.555])
    grade: str = Field(description="one of the ten coordination grades (label set coordination_grades)",
                       examples=["barely_coordinated"])
    lag: Lag = Field(description="which subsystem lags (label set coupling_lags)")


def coupling_scores(u1: FloatArray, u2: FloatArray, settings: CouplingSpec) -> list[CouplingScores | None]:
    """Per element (flattened): the full :class:`CouplingScores`, or None where an index is missing."""
    co = coupling_coordination(u1, u2, alpha=settings.alpha, beta=settings.beta)
    grades = coordination_grade(co.coordination).ravel()
    lags = lagging(u1, u2, settings.lag_tolerance)
    a, b = np.ravel(u1), np.ravel(u2)
    c, t, d = co.coupling.ravel(), co.development.ravel(), co.coordination.ravel()
    return [
        None
        if lag is None
        else CouplingScores(
            innovation=float(a[k]), industry=float(b[k]), coupling=float(c[k]), development=float(t[k]),
            coordination=float(d[k]), grade=GRADE_CODES[int(grades[k])], lag=lag,
        )
        for k, lag in enumerate(lags)
    ]
