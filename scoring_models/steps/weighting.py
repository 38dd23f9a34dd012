"""Indicator weights: expert, equal, entropy, CRITIC, PCA; nature caps; effective weights.

All functions return weights that are non-negative and sum to 1. Data-driven methods expect a
complete matrix with higher-is-better columns (the pipeline passes min-max normalised values
with missing cells set to the column mean). The registered methods (:data:`WEIGHTINGS`) set the
weights inside one pillar; :func:`within_pillars` applies one to every pillar.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated

import numpy as np
import numpy.typing as npt
from pydantic import Field

from scoring_models.arrays import FloatArray
from scoring_models.steps.registry import MethodName, StepRegistry, StepSettings


def _normalise(w: FloatArray) -> FloatArray:
    total = float(np.sum(w))
    if not np.isfinite(total) or total <= 0:
        raise ValueError("weights have no positive total")
    return np.asarray(w / total, dtype=np.float64)


def expert_weights(weights: Sequence[float] | FloatArray) -> FloatArray:
    """The given (expert) weights rescaled to sum 1; negative or all-zero weights raise ValueError."""
    w = np.asarray(weights, dtype=np.float64)
    if (w < 0).any() or not np.isfinite(w).all():
        raise ValueError("weights must be finite and non-negative")
    return _normalise(w)


def equal_weights(n: int) -> FloatArray:
    """``n`` equal weights ``1/n``."""
    if n < 1:
        raise ValueError("need at least one indicator")
    return np.full(n, 1.0 / n)


def entropy_weights(x: FloatArray) -> FloatArray:
    """Shannon-entropy weights of a non-negative matrix (rows = zones).

    ``p_ij = x_ij / Σ_i x_ij``; ``E_j = -Σ_i p_ij ln p_ij / ln m`` with ``0 ln 0 = 0`` (the
    scipy/scikit-criteria convention; pymcdm instead sets ``E_j = 0`` for any column containing a
    zero); ``w_j = (1 - E_j) / Σ (1 - E_j)``. A column of zeros carries no information and gets
    ``E_j = 1``. With one zone, or when every column is uniform, the weights are equal.
    """
    lowest = x.min() if x.size else 0.0
    if lowest < 0 or (np.isnan(lowest) and (x < 0).any()):
        raise ValueError("entropy weights need non-negative values")
    m = x.shape[0]
    if m < 2:
        return equal_weights(x.shape[1])
    col = x.sum(axis=0)
    positive_cols = bool((col > 0).all())
    if lowest > 0 and positive_cols:
        # The usual case: Σ p ln p with p = x/s equals (Σ x ln x)/s − ln s, so the proportion
        # matrix is never formed (one logarithm of x, one fused product-sum).
        entropy = (np.log(col) - np.einsum("ij,ij->j", x, np.log(x)) / col) / np.log(m)
    else:
        p = np.where(col[None, :] > 0, x / np.where(col > 0, col, 1.0)[None, :], 1.0 / m)
        logp = np.zeros_like(p)
        np.log(p, out=logp, where=p > 0)  # 0 ln 0 = 0
        entropy = -np.einsum("ij,ij->j", p, logp) / np.log(m)
    d = np.clip(1.0 - entropy, 0.0, None)
    if d.sum() <= 1e-15:
        return equal_weights(x.shape[1])
    return _normalise(d)


def critic_weights(x: FloatArray) -> FloatArray:
    """CRITIC weights (Diakoulaki et al. 1995): contrast intensity × conflict.

    Columns are min-max scaled to 0–1, ``C_j = σ_j Σ_k (1 - r_jk)`` with the sample standard
    deviation (ddof 1, as pymcdm; scikit-criteria's ddof 0 gives the same normalised weights) and
    Pearson ``r``; ``w_j = C_j / Σ C_j``. A constant column has σ = 0 and so weight 0 (its
    correlations, undefined, are taken as 0). All-constant matrices give equal weights.
    """
    m, n = x.shape
    if m < 2:
        return equal_weights(n)
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = hi - lo
    scaled = np.where(span[None, :] > 0, (x - lo[None, :]) / np.where(span > 0, span, 1.0)[None, :], 0.0)
    sd = scaled.std(axis=0, ddof=1)
    centred = scaled - scaled.mean(axis=0)[None, :]
    norms = np.sqrt((centred**2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (centred.T @ centred) / np.outer(norms, norms)
    r = np.where(np.outer(norms > 0, norms > 0), r, 0.0)
    c = sd * (1.0 - r).sum(axis=0)
    if c.sum() <= 0:
        return equal_weights(n)
    return _normalise(c)


def pca_weights(x: FloatArray, *, min_eigenvalue: float = 1.0) -> FloatArray:
    """PCA weights (OECD/JRC Handbook 2008, unrotated variant).

    Columns are standardised; principal components with eigenvalue ≥ ``min_eigenvalue`` (Kaiser
    rule; at least the first) are kept; ``w_j = Σ_k (λ_k / Σ λ_kept) · a_jk²`` where ``a_jk`` are
    the unit-length loadings, then normalised to sum 1. Deterministic (full SVD). Constant columns
    get weight 0; fewer than 2 zones or no variance gives equal weights.
    """
    m, n = x.shape
    sd = x.std(axis=0)
    if m < 2 or not (sd > 0).any():
        return equal_weights(n)
    z = np.where(sd[None, :] > 0, (x - x.mean(axis=0)[None, :]) / np.where(sd > 0, sd, 1.0)[None, :], 0.0)
    # imported on use: scikit-learn is slow to import and only the PCA method needs it here
    from sklearn.decomposition import PCA

    pca = PCA(svd_solver="full").fit(z)
    eig = np.asarray(pca.explained_variance_, dtype=np.float64)
    keep = eig >= min_eigenvalue
    keep[0] = True
    share = eig[keep] / eig[keep].sum()
    loadings = np.asarray(pca.components_, dtype=np.float64)[keep] ** 2
    return _normalise(share @ loadings)


def apply_share_caps(weights: FloatArray, groups: Sequence[str], caps: Mapping[str, float]) -> FloatArray:
    """Cap each group's total weight share (e.g. nature ``scale`` ≤ 0.10, ``process`` = 0).

    Groups over their cap are scaled down to exactly the cap and the freed weight is spread over
    the uncapped-or-under-cap weights in proportion to their size; this repeats while spreading
    pushes another capped group over (at most once per group). Raises ValueError when the caps
    cannot hold because no other weight exists to take the remainder.
    """
    w = _normalise(np.asarray(weights, dtype=np.float64))
    g = np.asarray(groups)
    fixed = np.zeros(len(w), dtype=bool)
    for _ in range(len(caps) + 1):
        over = [k for k, cap in caps.items() if w[g == k].sum() > cap + 1e-12]
        if not over:
            return w
        for k in over:
            members = g == k
            total = w[members].sum()
            w[members] = w[members] * (caps[k] / total) if total > 0 else 0.0
            fixed |= members
        free = ~fixed
        room = 1.0 - w[fixed].sum()
        mass = w[free].sum()
        if mass <= 0 or room <= 0:
            raise ValueError("share caps leave no weight for the remaining indicators")
        w[free] = w[free] * (room / mass)
    return w


def effective_weights(x: FloatArray, composite: FloatArray, weights: FloatArray) -> FloatArray:
    """Effective weights: squared Pearson r of each indicator with the composite, normalised.

    This is the JRC/COINr first-order "main effect" proxy: how much of the composite's variance
    each indicator actually explains, which differs from the nominal weight when indicators are
    correlated or have different spreads. Indicators with zero weight get 0 (they do not enter the
    composite); missing cells are skipped pairwise; constant columns get 0.
    """
    m = ~np.isnan(x) & ~np.isnan(composite)[:, None]
    n = m.sum(axis=0).astype(np.float64)
    xv = np.where(m, x, 0.0)
    cv = np.where(m, composite[:, None], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = xv.sum(axis=0) / n
        mc = cv.sum(axis=0) / n
        dx = np.where(m, xv - mx[None, :], 0.0)
        dc = np.where(m, cv - mc[None, :], 0.0)
        r = (dx * dc).sum(axis=0) / np.sqrt((dx**2).sum(axis=0) * (dc**2).sum(axis=0))
    r2 = np.where((weights > 0) & np.isfinite(r), r**2, 0.0)
    total = r2.sum()
    return np.asarray(r2 / total if total > 0 else r2, dtype=np.float64)


def within_groups(
    values: FloatArray, group_index: npt.NDArray[np.int_], group_weights: FloatArray
) -> FloatArray:
    """Combine within-group weights (each group's summing to 1) with group weights into one vector.

    ``values[i]`` is indicator ``i``'s weight inside its group ``group_index[i]``; the result is
    ``group_weights[g] · values[i] / Σ_{k∈g} values[k]``, normalised to sum 1. Groups whose
    within-weights are all zero drop out and the rest are rescaled.
    """
    totals = np.bincount(group_index, weights=values, minlength=len(group_weights))
    share = np.where(totals[group_index] > 0, values / np.where(totals > 0, totals, 1.0)[group_index], 0.0)
    return _normalise(share * group_weights[group_index])


# --------------------------------------------------------------------------------------------
# registered methods


@dataclass(frozen=True)
class PillarBlock:
    """What a weighting method reads for one pillar: min-max scores of its indicators (zones ×
    indicators, complete, higher is better) and the spec's (expert) weights of those indicators."""

    scores: FloatArray
    expert: FloatArray


@dataclass(frozen=True)
class WeightingMethod:
    """A registered weighting method: its name and its function."""

    name: str
    func: Weigh


WEIGHTINGS: StepRegistry[WeightingMethod] = StepRegistry("weighting")
WeightingName = Annotated[str, MethodName(WEIGHTINGS)]


class WeightingSpec(StepSettings):
    """How indicator weights inside each pillar are set; pillar weights always come from the spec.

    ``expert`` uses the spec's indicator weights; ``equal``, ``entropy``, ``critic`` and ``pca``
    derive them from the data — always from min-max scores (complete, non-negative and
    higher-is-better, as these methods need; missing cells take the column mean), whatever the
    normalisation. Indicators with spec weight 0 stay at 0, and nature caps apply afterwards.
    """

    method: WeightingName = "expert"
    pca_min_eigenvalue: float = Field(default=1.0, gt=0)


Weigh = Callable[[PillarBlock, WeightingSpec], FloatArray]
"""A weighting method: ``(block, settings) -> weights`` of the block's indicators (any positive total)."""


def within_pillars(
    method: WeightingMethod,
    scores: FloatArray,
    pillar_index: npt.NDArray[np.int_],
    expert: FloatArray,
    settings: WeightingSpec,
) -> FloatArray:
    """Weights inside each pillar by ``method``; indicators with expert weight 0 stay at 0.

    ``scores`` are min-max scores (zones × indicators); a missing cell takes its column mean (50
    when the column is empty) because data-driven methods need a complete matrix.
    """
    col_mean = np.nanmean(np.where(np.isnan(scores).all(axis=0), 50.0, scores), axis=0)
    filled = np.where(np.isnan(scores), col_mean[None, :], scores)
    out = np.zeros(len(expert))
    for p in np.unique(pillar_index):
        cols = pillar_index == p
        out[cols] = method.func(PillarBlock(scores=filled[:, cols], expert=expert[cols]), settings)
    return np.where(expert > 0, out, 0.0)


def _expert(block: PillarBlock, _: WeightingSpec) -> FloatArray:
    return block.expert


def _equal(block: PillarBlock, _: WeightingSpec) -> FloatArray:
    return equal_weights(block.scores.shape[1])


def _entropy(block: PillarBlock, _: WeightingSpec) -> FloatArray:
    return entropy_weights(block.scores)


def _critic(block: PillarBlock, _: WeightingSpec) -> FloatArray:
    return critic_weights(block.scores)


def _pca(block: PillarBlock, settings: WeightingSpec) -> FloatArray:
    return pca_weights(block.scores, min_eigenvalue=settings.pca_min_eigenvalue)


WEIGHTINGS.add(WeightingMethod("expert", _expert))
WEIGHTINGS.add(WeightingMethod("equal", _equal))
WEIGHTINGS.add(WeightingMethod("entropy", _entropy))
WEIGHTINGS.add(WeightingMethod("critic", _critic))
WEIGHTINGS.add(WeightingMethod("pca", _pca))
