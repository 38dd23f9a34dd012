"""Outlier treatment in the COINr style: winsorise a few points, else log-transform.

Rule (per indicator column, missing cells ignored): a column is *outlying* when
``|skewness| > skew_max`` **and** ``kurtosis > kurt_max`` (defaults 2 and 3.5), with the sample
("type 2") estimators that the JRC and COINr use, the ones Excel's ``SKEW`` and ``KURT`` and
scipy's ``skew``/``kurtosis(bias=False)`` compute. With n present values, central moments
``mk = mean((x - mean)**k)``, ``g1 = m3 / m2**1.5`` and ``g2 = m4 / m2**2 - 3``:

* skewness ``G1 = g1 · sqrt(n (n - 1)) / (n - 2)``;
* excess kurtosis ``G2 = ((n + 1) g2 + 6) (n - 1) / ((n - 2)(n - 3))`` (normal = 0).

The population moments g1, g2 are biased towards 0 in small samples (for n = 8, G2 ≈ 2 g2 + 1),
which left province-sized runs (8–20 zones) almost never outlying.

Treatment of an outlying column:

1. Winsorise iteratively, on the side of the skew: if skewness > 0 every cell equal to the column
   maximum is set to the next-highest distinct value (skewness < 0: the minimum to the next-lowest).
   Each replaced cell counts as one point. Repeat while the rule still holds and fewer than
   ``max_points`` (default 5) points have been treated; tied extremes are replaced together, so
   the count can overshoot by the size of the last tie.
2. If the rule still holds afterwards, discard the winsorisation and log-transform the original
   column instead: ``ln(1 + 100 (x - min) / (max - min))`` for positive skew and the mirrored
   ``-ln(1 + 100 (max - x) / (max - min))`` for negative skew. Both are monotone (ranks and
   direction are kept) and independent of the unit.

Columns with fewer than 4 values (the kurtosis estimator needs n ≥ 4) or no variance are never
outlying. The registered methods
(:data:`OUTLIER_TREATMENTS`: ``none``, ``winsorise_log``) wrap :func:`treat_outliers`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import numpy as np
from pydantic import Field

from scoring_models.arrays import BoolArray, FloatArray
from scoring_models.steps.registry import HANDBOOK, MethodName, Population, StepRegistry, StepSettings


def skew_kurtosis(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Column-wise sample skewness G1 and excess kurtosis G2 (type 2, as Excel; NaN ignored).

    Columns with fewer than 4 present values or zero variance get 0 for both.
    """
    present = ~np.isnan(x)
    n = present.sum(axis=0)
    cnt = np.maximum(n, 1).astype(np.float64)
    v = np.where(present, x, 0.0)
    mean = v.sum(axis=0) / cnt
    d = np.where(present, v - mean[None, :], 0.0)
    m2 = (d**2).sum(axis=0) / cnt
    m3 = (d**3).sum(axis=0) / cnt
    m4 = (d**4).sum(axis=0) / cnt
    scale = np.maximum(np.abs(mean), 1.0)
    ok = (n >= 4) & (m2 > (1e-12 * scale) ** 2)
    safe = np.where(ok, m2, 1.0)
    k = np.where(ok, cnt, 4.0)  # keeps the bias factors finite where the result is 0 anyway
    g1 = m3 / safe**1.5 * np.sqrt(k * (k - 1.0)) / (k - 2.0)
    g2 = ((k + 1.0) * (m4 / safe**2 - 3.0) + 6.0) * (k - 1.0) / ((k - 2.0) * (k - 3.0))
    g1, g2 = np.where(ok, g1, 0.0), np.where(ok, g2, 0.0)
    return np.nan_to_num(g1).astype(np.float64), np.nan_to_num(g2).astype(np.float64)


@dataclass(frozen=True)
class OutlierResult:
    """Treated values and, per column, the statistics before treatment and what was done.

    Statistics a method did not compute are NaN (the ``none`` method computes none)."""

    values: FloatArray
    skewness: FloatArray
    kurtosis: FloatArray
    winsorised_points: np.ndarray
    log_transformed: BoolArray


def _outlying(x: FloatArray, skew_max: float, kurt_max: float) -> tuple[BoolArray, FloatArray]:
    g1, g2 = skew_kurtosis(x)
    return (np.abs(g1) > skew_max) & (g2 > kurt_max), g1


def treat_outliers(
    x: FloatArray, *, skew_max: float = 2.0, kurt_max: float = 3.5, max_points: int = 5
) -> OutlierResult:
    """Apply the module's winsorise-then-log rule to every column at once.

    The loop runs over winsorisation rounds (at most ``max_points``), each round vectorised over
    all columns still outlying.
    """
    g1_0, g2_0 = skew_kurtosis(x)
    out = x.copy()
    points = np.zeros(x.shape[1], dtype=np.int64)
    for _ in range(max_points):
        active, g1 = _outlying(out, skew_max, kurt_max)
        active &= points < max_points
        if not active.any():
            break
        with np.errstate(invalid="ignore"):
            hi = np.nanmax(np.where(np.isnan(out), -np.inf, out), axis=0)
            lo = np.nanmin(np.where(np.isnan(out), np.inf, out), axis=0)
            next_hi = np.max(np.where(out < hi[None, :], out, -np.inf), axis=0)
            next_lo = np.min(np.where(out > lo[None, :], out, np.inf), axis=0)
        pos = active & (g1 > 0)
        neg = active & (g1 < 0)
        hit_hi = pos[None, :] & (out == hi[None, :])
        hit_lo = neg[None, :] & (out == lo[None, :])
        out = np.where(hit_hi, next_hi[None, :], out)
        out = np.where(hit_lo, next_lo[None, :], out)
        points += hit_hi.sum(axis=0) + hit_lo.sum(axis=0)
    still, _ = _outlying(out, skew_max, kurt_max)
    if still.any():
        with np.errstate(invalid="ignore", divide="ignore"):
            lo = np.nanmin(np.where(np.isnan(x), np.inf, x), axis=0)
            hi = np.nanmax(np.where(np.isnan(x), -np.inf, x), axis=0)
            span = np.where(hi > lo, hi - lo, 1.0)
            up = np.log1p(100.0 * (x - lo[None, :]) / span[None, :])
            down = -np.log1p(100.0 * (hi[None, :] - x) / span[None, :])
        logged = np.where((g1_0 > 0)[None, :], up, down)
        out = np.where(still[None, :], logged, out)
        points = np.where(still, 0, points)
    return OutlierResult(
        values=out.astype(np.float64),
        skewness=g1_0,
        kurtosis=g2_0,
        winsorised_points=points,
        log_transformed=still,
    )


# --------------------------------------------------------------------------------------------
# registered methods


@dataclass(frozen=True)
class OutlierMethod:
    """A registered outlier treatment: its name and its function.

    ``population`` says whose data its result for a zone depends on and ``source`` the published method
    (both shown by a model's methodology).
    """

    name: str
    func: Treat
    population: Population = Population.FILTERED
    source: str = ""


OUTLIER_TREATMENTS: StepRegistry[OutlierMethod] = StepRegistry("outliers")
OutlierName = Annotated[str, MethodName(OUTLIER_TREATMENTS)]


class OutlierSpec(StepSettings):
    """Outlier rule (see ``steps.outliers``): |skewness| and excess-kurtosis limits, max points."""

    method: OutlierName = "winsorise_log"
    skew_max: float = Field(default=2.0, gt=0)
    kurtosis_max: float = Field(default=3.5, gt=0)
    max_points: int = Field(default=5, ge=0)


Treat = Callable[[FloatArray, OutlierSpec], OutlierResult]
"""An outlier treatment: ``(zones × indicators values, settings) -> OutlierResult``."""


def _none(x: FloatArray, _: OutlierSpec) -> OutlierResult:
    n = x.shape[1]
    return OutlierResult(
        values=x,
        skewness=np.full(n, np.nan),
        kurtosis=np.full(n, np.nan),
        winsorised_points=np.zeros(n, dtype=np.int64),
        log_transformed=np.zeros(n, dtype=bool),
    )


def _winsorise_log(x: FloatArray, settings: OutlierSpec) -> OutlierResult:
    return treat_outliers(
        x, skew_max=settings.skew_max, kurt_max=settings.kurtosis_max, max_points=settings.max_points
    )


OUTLIER_TREATMENTS.add(OutlierMethod("none", _none, population=Population.OWN, source="no treatment"))
OUTLIER_TREATMENTS.add(OutlierMethod(
    "winsorise_log", _winsorise_log,
    source=f"JRC COINr Treat() and {HANDBOOK}, step 4: |skewness| > 2 and kurtosis > 3.5 (sample "
    "estimators), winsorise up to 5 points, else log-transform",
))
