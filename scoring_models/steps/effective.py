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

    code: str
    nominal: float = Field(description="the model's intended share (spec weights), sum 1")
    applied: float = Field(description="the weight the run applied (after methods and caps), sum 1")
    correlation_ratio: float = Field(description="S = Var(E[composite | x]) / Var(composite)")
    share: float = Field(description="S normalised over the weighted items, comparable with the weights")


class Calibration(BaseModel):
    """Weights calibrated so effective shares match the nominal ones: before and after."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    iterations: int
    converged: bool
    error_before: float = Field(description="largest |share − nominal| before calibration")
    error_after: float
    weights_before: dict[str, float]
    weights_after: dict[str, float]
    shares_before: dict[str, float]
    shares_after: dict[str, float]


class Importance(BaseModel):
    """Effective importance of every indicator and pillar of a run (the correlation ratio)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    measure: str = "correlation_ratio"
    bandwidth: float
    indicators: list[ImportanceItem]
    pillars: list[ImportanceItem]
    calibration: Calibration | None = None


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
