"""Effective weights: how much of the composite each indicator and pillar really explains.

Nominal weights say what a model intends; with correlated indicators and unequal spreads they do
not say what drives the ranking. Paruolo, Saisana & Saltelli (2013, *Ratings and rankings: voodoo
or science?*, JRSS A 176) measure an input's importance by the correlation ratio — the
first-order sensitivity index

    ``S_i = Var(E[y | x_i]) / Var(y)``,

the share of the composite's variance ``y`` explained by ``x_i`` alone, linear or not.
``E[y | x_i]`` is estimated by a local-linear kernel smoother on the ranks of ``x_i`` (Gaussian
kernel, bandwidth ``h`` on the 0–1 rank scale, evaluated on a grid of 50 points and interpolated),
so a skewed indicator is smoothed as evenly as a symmetric one. For a linear relation ``S_i`` is
the squared Pearson correlation; unlike it, a U-shaped relation also counts. The estimate of an
unrelated input is small but positive (about the smoother's degrees of freedom over n).

Compared with nominal weights, the ``S_i`` are normalised to sum 1 over the weighted inputs
(:class:`ImportanceItem.share`). :func:`calibrate` moves the weights until those shares match
the nominal ones — the "balance" optimisation of COINr's ``get_opt_weights``, with the
correlation ratio as the measure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from scoring_models.arrays import FloatArray
from scoring_models.steps.normalisation import average_ranks
from scoring_models.steps.registry import StepSettings

DEFAULT_BANDWIDTH = 0.1
_GRID = 50


def _smooth(u: FloatArray, y: FloatArray, bandwidth: float) -> FloatArray:
    """Local-linear fit of ``y`` on ``u`` ∈ [0, 1], evaluated at ``u`` via a grid."""
    grid = np.linspace(0.0, 1.0, _GRID)
    d = u[None, :] - grid[:, None]
    k = np.exp(-0.5 * (d / bandwidth) ** 2)
    s0, s1, s2 = k.sum(axis=1), (k * d).sum(axis=1), (k * d * d).sum(axis=1)
    t0, t1 = k @ y, (k * d) @ y
    det = s0 * s2 - s1 * s1
    with np.errstate(invalid="ignore", divide="ignore"):
        fit = np.where(det > 1e-12 * s0 * s0, (s2 * t0 - s1 * t1) / np.where(det > 0, det, 1.0), t0 / s0)
    return np.asarray(np.interp(u, grid, fit), dtype=np.float64)


def correlation_ratio(x: FloatArray, y: FloatArray, *, bandwidth: float = DEFAULT_BANDWIDTH) -> FloatArray:
    """``S_i`` of every column of ``x`` (zones × inputs) for the output ``y`` (module docstring).

    Pairs with a missing value are left out; a constant column, a constant ``y`` or fewer than
    three pairs give 0. Values are clipped to [0, 1].
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    out = np.zeros(x.shape[1])
    for i in range(x.shape[1]):
        ok = ~(np.isnan(x[:, i]) | np.isnan(y))
        xi, yi = x[ok, i], y[ok]
        if xi.size < 3 or np.ptp(xi) == 0 or np.ptp(yi) == 0:
            continue
        u = (average_ranks(xi[:, None])[:, 0] - 1.0) / (xi.size - 1)
        fit = _smooth(u, yi, bandwidth)
        out[i] = float(np.clip(fit.var() / yi.var(), 0.0, 1.0))
    return out


def shares(values: FloatArray, active: FloatArray) -> FloatArray:
    """``values`` normalised to sum 1 over the ``active`` (> 0) entries; 0 elsewhere."""
    v = np.where(np.asarray(active) > 0, np.asarray(values, dtype=np.float64), 0.0)
    total = float(v.sum())
    return np.asarray(v / total if total > 0 else v, dtype=np.float64)


class ImportanceItem(BaseModel):
    """One indicator's or pillar's nominal weight next to its effective importance."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(description="indicator or pillar code", examples=["leading_chain"])
    nominal: float = Field(description="the model's intended share (spec weights), sum 1", examples=[0.2])
    applied: float = Field(description="the weight the run applied (after methods and caps), sum 1", examples=[0.2])
    correlation_ratio: float = Field(description="S = Var(E[composite | x]) / Var(composite) over the zones of the "
                                     "run, 0–1", examples=[0.364])
    share: float = Field(description="S normalised over the weighted items, comparable with the weights",
                         examples=[0.081])


class Calibration(BaseModel):
    """Weights calibrated so effective shares match the nominal ones: before and after."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    iterations: int = Field(description="weight updates made (at most the spec's max_iterations)", examples=[30])
    converged: bool = Field(description="every |share − nominal| ended below the tolerance (false: the best weights "
                            "found are used)", examples=[False])
    error_before: float = Field(description="largest |share − nominal| before calibration", examples=[0.0302])
    error_after: float = Field(description="largest |share − nominal| with the calibrated weights", examples=[0.025])
    weights_before: dict[str, float] = Field(description="indicator → nominal weight (the spec's): the shares' "
                                             "target", examples=[{"rd_intensity": 0.0636, "revenue": 0.05}])
    weights_after: dict[str, float] = Field(description="indicator → calibrated weight, sum 1 (nature caps held)",
                                            examples=[{"rd_intensity": 0.1185, "revenue": 0.0258}])
    shares_before: dict[str, float] = Field(description="indicator → effective share before calibration (with the "
                                            "weights the weighting method gave)",
                                            examples=[{"rd_intensity": 0.0376, "revenue": 0.0395}])
    shares_after: dict[str, float] = Field(description="indicator → effective share with the calibrated weights",
                                           examples=[{"rd_intensity": 0.0513, "revenue": 0.025}])


class Importance(BaseModel):
    """Effective importance of every indicator and pillar of a run (the correlation ratio)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    measure: str = Field(default="correlation_ratio", description="the importance measure: the correlation ratio "
                         "(first-order sensitivity index)")
    bandwidth: float = Field(description="kernel bandwidth of the smoother on the 0–1 rank scale", examples=[0.1])
    indicators: list[ImportanceItem] = Field(description="every indicator the run kept")
    pillars: list[ImportanceItem] = Field(description="every pillar of the model (its score against the composite)")
    calibration: Calibration | None = Field(default=None, description="the weight calibration (null: not enabled)")


def importance_items(
    codes: tuple[str, ...] | list[str],
    x: FloatArray,
    y: FloatArray,
    nominal: FloatArray,
    applied: FloatArray,
    bandwidth: float = DEFAULT_BANDWIDTH,
) -> list[ImportanceItem]:
    """One :class:`ImportanceItem` per column of ``x`` against the composite ``y``."""
    s = correlation_ratio(x, y, bandwidth=bandwidth)
    sh = shares(s, applied)
    return [
        ImportanceItem(code=c, nominal=float(n), applied=float(a), correlation_ratio=float(r), share=float(h))
        for c, n, a, r, h in zip(codes, nominal, applied, s, sh, strict=True)
    ]


class CalibrationSpec(StepSettings):
    """Optional calibration of the weights so effective importance matches the nominal intent."""

    enabled: bool = False
    max_iterations: int = Field(default=30, ge=1, le=500)
    tolerance: float = Field(default=0.01, gt=0, le=1, description="stop when every |share − nominal| is below")
    step: float = Field(default=0.7, gt=0, le=2, description="exponent of each multiplicative update")
    bandwidth: float = Field(default=DEFAULT_BANDWIDTH, gt=0, le=1)


@dataclass(frozen=True)
class CalibrationResult:
    """The calibrated weights and the shares before and after."""

    weights: FloatArray
    shares_before: FloatArray
    shares_after: FloatArray
    error_before: float
    error_after: float
    iterations: int
    converged: bool


def calibrate(
    x: FloatArray,
    weights: FloatArray,
    target: FloatArray,
    composite: Callable[[FloatArray], FloatArray],
    constrain: Callable[[FloatArray], FloatArray],
    settings: CalibrationSpec,
) -> CalibrationResult:
    """Multiplicative updates ``w_i ← w_i (t_i / share_i)^step`` from the best weights so far,
    renormalised and passed through ``constrain`` (e.g. nature caps); an update that does not
    lower the largest gap halves the step.

    Correlated indicators share the variance they explain, so their shares cannot always be
    separated to any targets: the result then is the best found (``converged`` False).

    ``x`` is zones × indicators (the normalised scores), ``composite(w)`` the composite for weights
    ``w``, ``target`` the nominal shares (0 where an indicator has no weight; zero weights stay 0).
    """
    t = shares(target, target)
    active = (np.asarray(weights) > 0) & (t > 0)
    w = np.where(active, weights, 0.0)

    def measure(v: FloatArray) -> tuple[FloatArray, float]:
        sh = shares(correlation_ratio(x, composite(v), bandwidth=settings.bandwidth), v)
        return sh, float(np.abs(sh - t)[active].max(initial=0.0))

    first, err0 = measure(w)
    best, best_sh, best_err = w, first, err0
    step, iterations = settings.step, 0
    while best_err > settings.tolerance and iterations < settings.max_iterations:
        iterations += 1
        ratio = np.where(active, t / np.maximum(best_sh, 1e-6), 1.0)
        candidate = constrain(shares(best * ratio**step, best))
        sh, err = measure(candidate)
        if err < best_err:
            best, best_sh, best_err = candidate, sh, err
        else:  # shares react more than in proportion (correlated inputs): a shorter step from the best
            step /= 2.0
    return CalibrationResult(best, first, best_sh, err0, best_err, iterations, best_err <= settings.tolerance)
