"""Innovation efficiency of zones by DEA: which indicators are inputs and outputs, and what a
zone would need to change to reach the frontier.

:func:`efficiency_scores` runs :func:`scoring_models.steps.dea.dea` on the zones that report
every input (positive) and output (non-negative) and turns the result into one
:class:`EfficiencyScores` per zone: CCR, BCC and scale efficiency, returns to scale,
super-efficiency, status, the peers on the frontier and the frontier targets — for each input
``θ* x − s⁻`` and each output ``y + s⁺``, with the change in percent ("to reach the frontier:
−12% R&D staff, +8% invention patents"). The composite that ranks the zones is 100 × the
super-efficiency (so efficient zones are ranked among themselves, above everybody else), or
100 × θ* for the zones that are not efficient.

The function takes plain arrays, so a panel can call it per year (or on a pooled window) on its
own common scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from scoring_models.arrays import FloatArray
from scoring_models.steps import dea
from scoring_models.steps.registry import StepSettings


class Role(StrEnum):
    """An indicator's role in the efficiency model."""

    INPUT = "input"
    OUTPUT = "output"


class EfficiencySpec(StepSettings):
    """Inputs and outputs (catalog codes read by the model), the headline returns to scale and
    whether efficient zones are ranked by super-efficiency."""

    inputs: list[str] = Field(default_factory=lambda: ["rd_expenditure", "rd_staff"], min_length=1)
    outputs: list[str] = Field(
        default_factory=lambda: ["invention_patents", "tech_contract_turnover", "new_product_revenue"], min_length=1
    )
    returns_to_scale: dea.ReturnsToScale = dea.ReturnsToScale.CONSTANT
    super_efficiency: bool = True

    @field_validator("returns_to_scale")
    @classmethod
    def _headline(cls, v: dea.ReturnsToScale) -> dea.ReturnsToScale:
        if v is dea.ReturnsToScale.NON_INCREASING:
            raise ValueError("the headline model is 'constant' (CCR) or 'variable' (BCC) returns to scale")
        return v


class FrontierTarget(BaseModel):
    """Where one input or output of a zone stands and where the frontier projection puts it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(description="indicator code", examples=["rd_staff"])
    role: Role = Field(description="input or output")
    current: float = Field(description="the zone's value, in the indicator's unit", examples=[17992.0])
    target: float = Field(description="the frontier projection: θ* x − s⁻ for an input, y + s⁺ for an output, in "
                          "the indicator's unit", examples=[9116.72])
    change_percent: float | None = Field(description="100 (target − current) / current; None when current is 0",
                                         examples=[-49.33])


class Peer(BaseModel):
    """A zone on the frontier that the zone is compared with, and its intensity λ."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    zone: str = Field(description="code of the peer zone", examples=["DEMO-13-N05"])
    weight: float = Field(description="its intensity λ in the zone's frontier projection", examples=[0.473])


class EfficiencyScores(BaseModel):
    """One zone's DEA results."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ccr: float = Field(description="technical efficiency under constant returns (CCR, input-oriented), 0–1 among "
                       "the zones assessed", examples=[0.507])
    bcc: float = Field(description="pure technical efficiency under variable returns (BCC), 0–1", examples=[0.507])
    scale: float = Field(description="scale efficiency CCR / BCC", examples=[0.9995])
    super_efficiency: float | None = Field(description="Andersen–Petersen for a zone on the frontier (≥ 1), the "
                                           "headline θ for the others; None when infeasible", examples=[0.507])
    returns_to_scale: dea.ScaleReturns = Field(description="where the zone operates: constant, increasing or "
                                               "decreasing returns to scale")
    status: dea.EfficiencyStatus = Field(description="efficient (θ = 1, no slack), weakly_efficient (θ = 1 with a "
                                         "slack) or inefficient")
    headline: dea.ReturnsToScale = Field(description="the model whose slacks, peers and targets are shown")
    peers: list[Peer] = Field(description="the frontier zones the zone is compared with and their intensities "
                              "(empty for an efficient zone)")
    targets: list[FrontierTarget] = Field(description="every input, then every output, with its frontier target")


@dataclass(frozen=True)
class EfficiencyOutcome:
    """Per zone: the scores (None where the zone could not be assessed), the reason it could not,
    and the ranking composite (NaN where not assessed)."""

    scores: list[EfficiencyScores | None]
    reasons: list[str | None]
    composite: FloatArray


def _unusable(x: FloatArray, y: FloatArray, inputs: Sequence[str], outputs: Sequence[str]) -> list[str | None]:
    reasons: list[str | None] = []
    for xi, yi in zip(x, y, strict=True):
        missing = [c for c, v in zip([*inputs, *outputs], [*xi, *yi], strict=True) if np.isnan(v)]
        if missing:
            reasons.append(f"DEA needs every input and output; missing {', '.join(missing)}")
        elif (xi <= 0).any():
            bad = [c for c, v in zip(inputs, xi, strict=True) if v <= 0]
            reasons.append(f"DEA needs positive inputs; {', '.join(bad)} not positive")
        elif (yi < 0).any():
            reasons.append("DEA needs non-negative outputs")
        else:
            reasons.append(None)
    return reasons


def _targets(codes: Sequence[str], role: Role, current: FloatArray, target: FloatArray) -> list[FrontierTarget]:
    change = dea.percent_change(current, target)
    return [
        FrontierTarget(code=c, role=role, current=float(a), target=float(b),
                       change_percent=None if np.isnan(p) else float(p))
        for c, a, b, p in zip(codes, current, target, change, strict=True)
    ]


def _ranking_composite(result: dea.DeaResult) -> FloatArray:
    """100 × super-efficiency (infeasible ones just above the best feasible), else 100 × θ*."""
    sup = result.super_efficiency
    finite = sup[np.isfinite(sup)]
    top = float(finite.max()) if finite.size else 1.0
    return np.asarray(100.0 * np.where(np.isnan(sup), max(top, 1.0) * 1.01, sup), dtype=np.float64)


def efficiency_scores(
    zones: Sequence[str], inputs: FloatArray, outputs: FloatArray, settings: EfficiencySpec
) -> EfficiencyOutcome:
    """DEA of every zone that reports usable inputs and outputs (columns in ``settings`` order)."""
    x, y = np.asarray(inputs, dtype=np.float64), np.asarray(outputs, dtype=np.float64)
    reasons = _unusable(x, y, settings.inputs, settings.outputs)
    ok = np.array([r is None for r in reasons], dtype=bool)
    scores: list[EfficiencyScores | None] = [None] * len(zones)
    composite = np.full(len(zones), np.nan)
    if ok.sum() == 0:
        return EfficiencyOutcome(scores, reasons, composite)
    idx = np.flatnonzero(ok)
    xo, yo = x[ok], y[ok]
    result = dea.dea(xo, yo, headline=settings.returns_to_scale, with_super_efficiency=settings.super_efficiency)
    composite[ok] = _ranking_composite(result) if settings.super_efficiency else 100.0 * result.headline.theta
    tx, ty = result.input_targets(xo), result.output_targets(yo)
    for k, z in enumerate(idx):
        sup = float(result.super_efficiency[k])
        scores[z] = EfficiencyScores(
            ccr=float(result.ccr[k]), bcc=float(result.bcc[k]), scale=float(result.scale[k]),
            super_efficiency=None if np.isnan(sup) else sup,
            returns_to_scale=result.returns_to_scale[k], status=result.status[k], headline=settings.returns_to_scale,
            peers=[Peer(zone=zones[int(idx[j])], weight=w) for j, w in dea.peers(result.headline.lambdas, k) if j != k],
            targets=_targets(settings.inputs, Role.INPUT, xo[k], tx[k]) + _targets(settings.outputs, Role.OUTPUT,
                                                                                   yo[k], ty[k]),
        )
    return EfficiencyOutcome(scores, reasons, composite)
