"""Indicator weights: expert, equal, entropy, CRITIC, PCA; nature caps; effective weights.

All functions return weights that are non-negative and sum to 1. Data-driven methods expect a
complete matrix with higher-is-better columns (the pipeline passes min-max normalised values
with missing cells set to the column mean; entropy on the ``raw`` basis reads the treated values
instead). Zero-variance columns get weight 0 from every data-driven method. The registered
methods (:data:`WEIGHTINGS`) set the weights inside one pillar; :func:`within_pillars` applies one
to every pillar.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field

from scoring_models.arrays import BoolArray, FloatArray
from scoring_models.steps.registry import HANDBOOK, MethodName, Population, StepRegistry, StepSettings


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
    Pearson ``r``; ``w_j = C_j / Σ C_j``. A constant (zero-variance) column carries no information
    and has no defined correlation: it is dropped before the correlations are computed (the sums
    run over the varying columns only) and gets weight 0 — so adding a constant column leaves the
    other weights unchanged. When every varying column is perfectly correlated with the others
    (no conflict anywhere) the varying columns share the weight equally; an all-constant matrix,
    or a single zone, gives equal weights.
    """
    m, n = x.shape
    lo, hi = x.min(axis=0), x.max(axis=0)
    varying = (hi - lo) > 0
    if m < 2 or not varying.any():
        return equal_weights(n)
    scaled = (x[:, varying] - lo[varying]) / (hi - lo)[varying]
    sd = scaled.std(axis=0, ddof=1)
    r = np.atleast_2d(np.corrcoef(scaled, rowvar=False))
    out = np.zeros(n)
    out[varying] = sd * (1.0 - r).sum(axis=0)
    if out.sum() <= 0:
        out[varying] = 1.0
    return _normalise(out)


def zero_variance(x: FloatArray) -> BoolArray:
    """Columns whose present values are all equal (or that have none): no data-driven weight."""
    with np.errstate(invalid="ignore"):
        lo = np.min(np.where(np.isnan(x), np.inf, x), axis=0, initial=np.inf)
        hi = np.max(np.where(np.isnan(x), -np.inf, x), axis=0, initial=-np.inf)
    return np.asarray(~(hi > lo), dtype=np.bool_)


def pca_weights(x: FloatArray, *, min_eigenvalue: float = 1.0) -> FloatArray:
    """PCA weights (OECD/JRC Handbook 2008, unrotated variant) from the correlation matrix.

    The components are the eigenvectors of the Pearson correlation matrix of the non-constant
    columns, so every eigenvalue is on the scale the Kaiser rule is stated for (they sum to the
    number of columns); components with eigenvalue ≥ ``min_eigenvalue`` are kept (at least the
    first), and ``w_j = Σ_k (λ_k / Σ λ_kept) · a_jk²`` with the unit-length loadings ``a_jk``,
    normalised to sum 1. (scikit-learn's ``explained_variance_`` of population-standardised data
    is the sample covariance, ``n / (n − 1)`` times these eigenvalues, which keeps too many
    components.) Deterministic (symmetric eigen-decomposition). Constant columns get weight 0;
    fewer than 2 zones or no variance gives equal weights.
    """
    m, n = x.shape
    varying = x.std(axis=0) > 0
    if m < 2 or not varying.any():
        return equal_weights(n)
    corr = np.atleast_2d(np.corrcoef(x[:, varying], rowvar=False))
    eig, vectors = np.linalg.eigh(corr)
    order = np.argsort(eig, kind="stable")[::-1]
    eig, vectors = eig[order], vectors[:, order]
    keep = eig >= min_eigenvalue
    keep[0] = True
    share = eig[keep] / eig[keep].sum()
    out = np.zeros(n)
    out[varying] = (vectors[:, keep] ** 2) @ share
    return _normalise(out)


def apply_share_caps(weights: FloatArray, groups: Sequence[str], caps: Mapping[str, float]) -> FloatArray:
    """Cap each group's total weight share (e.g. nature ``scale`` ≤ 0.10, ``process`` = 0).

    Groups over their cap are scaled down to exactly the cap and the freed weight is spread over
    the uncapped-or-under-cap weights in proportion to their size; this repeats while spreading
    pushes another capped group over (at most once per group). ``weights`` is one vector or a
    matrix of vectors (runs × indicators, e.g. the Monte Carlo draws), each projected on its own.
    Raises ValueError when the caps cannot hold because no other weight exists to take the
    remainder.
    """
    w2 = np.atleast_2d(np.asarray(weights, dtype=np.float64))
    totals = w2.sum(axis=1, keepdims=True)
    if not (np.isfinite(totals) & (totals > 0)).all():
        raise ValueError("weights have no positive total")
    w2 = w2 / totals
    g = np.asarray(groups)
    names = list(caps)
    members = np.array([g == k for k in names], dtype=np.float64).reshape(len(names), len(g))  # caps × ind
    limit = np.array([caps[k] for k in names], dtype=np.float64)
    fixed = np.zeros(w2.shape, dtype=bool)
    for _ in range(len(names) + 1):
        share = w2 @ members.T  # runs × caps
        over = share > limit[None, :] + 1e-12
        if not over.any():
            break
        scale = np.where(over, limit[None, :] / np.where(over, share, 1.0), 1.0)
        # each indicator is in at most one group: its group's factor, or 1 outside every group
        w2 = w2 * (scale @ members + (1.0 - members.sum(axis=0))[None, :])
        fixed |= (over.astype(np.float64) @ members) > 0
        rows = over.any(axis=1)
        room = 1.0 - np.where(fixed, w2, 0.0).sum(axis=1)
        mass = np.where(fixed, 0.0, w2).sum(axis=1)
        if ((mass <= 0) | (room <= 0))[rows].any():
            raise ValueError("share caps leave no weight for the remaining indicators")
        factor = np.where(rows, room / np.where(mass > 0, mass, 1.0), 1.0)
        w2 = np.where(fixed, w2, w2 * factor[:, None])
    return np.asarray(w2 if np.ndim(weights) == 2 else w2[0], dtype=np.float64)


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
    indicators, complete, higher is better), their values as treated (imputed, outliers treated,
    in their own units, complete) and the spec's (expert) weights of those indicators."""

    scores: FloatArray
    expert: FloatArray
    raw: FloatArray


@dataclass(frozen=True)
class WeightingMethod:
    """A registered weighting method: its name and its function.

    ``population`` says whose data its result for a zone depends on and ``source`` the published method
    (both shown by a model's methodology).
    """

    name: str
    func: Weigh
    population: Population = Population.FILTERED
    source: str = ""


WEIGHTINGS: StepRegistry[WeightingMethod] = StepRegistry("weighting")
WeightingName = Annotated[str, MethodName(WEIGHTINGS)]


class WeightingSpec(StepSettings):
    """How indicator weights inside each pillar are set; pillar weights always come from the spec.

    ``expert`` uses the spec's indicator weights; ``equal``, ``entropy``, ``critic`` and ``pca``
    derive them from the data — from min-max scores (complete, non-negative and higher-is-better,
    as these methods need; missing cells take the column mean), whatever the normalisation.
    Indicators with spec weight 0 stay at 0, and nature caps apply afterwards.

    ``basis`` says what entropy reads: ``normalised`` (default) the min-max scores, the 熵值法
    convention of Chinese evaluation practice; ``raw`` the values themselves as proportions
    ``p_ij = x_ij / Σ_i x_ij``, the textbook (Shannon; Hwang & Yoon 1981) entropy, which needs
    non-negative values and ignores direction. CRITIC and PCA give the same weights on either basis
    (CRITIC min-max scales and PCA standardises first), so only entropy reads it.
    """

    method: WeightingName = "expert"
    pca_min_eigenvalue: float = Field(default=1.0, gt=0)
    basis: Literal["raw", "normalised"] = "normalised"


Weigh = Callable[[PillarBlock, WeightingSpec], FloatArray]
"""A weighting method: ``(block, settings) -> weights`` of the block's indicators (any positive total)."""


def _fill_mean(x: FloatArray, empty: float) -> FloatArray:
    """``x`` with each missing cell set to its column mean (``empty`` in an all-missing column)."""
    col_mean = np.nanmean(np.where(np.isnan(x).all(axis=0), empty, x), axis=0)
    return np.where(np.isnan(x), col_mean[None, :], x)


def within_pillars(
    method: WeightingMethod,
    scores: FloatArray,
    pillar_index: npt.NDArray[np.int_],
    expert: FloatArray,
    settings: WeightingSpec,
    raw: FloatArray | None = None,
) -> FloatArray:
    """Weights inside each pillar by ``method``; indicators with expert weight 0 stay at 0.

    ``scores`` are min-max scores (zones × indicators) and ``raw`` the treated values (default: the
    scores); a missing cell takes its column mean (50, respectively 0, when the column is empty)
    because data-driven methods need a complete matrix.
    """
    filled = _fill_mean(scores, 50.0)
    values = filled if raw is None else _fill_mean(raw, 0.0)
    out = np.zeros(len(expert))
    for p in np.unique(pillar_index):
        cols = pillar_index == p
        block = PillarBlock(scores=filled[:, cols], expert=expert[cols], raw=values[:, cols])
        out[cols] = method.func(block, settings)
    return np.where(expert > 0, out, 0.0)


def _expert(block: PillarBlock, _: WeightingSpec) -> FloatArray:
    return block.expert


def _equal(block: PillarBlock, _: WeightingSpec) -> FloatArray:
    return equal_weights(block.scores.shape[1])


def _entropy(block: PillarBlock, settings: WeightingSpec) -> FloatArray:
    return entropy_weights(block.raw if settings.basis == "raw" else block.scores)


def _critic(block: PillarBlock, _: WeightingSpec) -> FloatArray:
    return critic_weights(block.scores)


def _pca(block: PillarBlock, settings: WeightingSpec) -> FloatArray:
    return pca_weights(block.scores, min_eigenvalue=settings.pca_min_eigenvalue)


WEIGHTINGS.add(WeightingMethod(
    "expert", _expert, population=Population.OWN,
    source=f"{HANDBOOK}, step 6: participatory (expert) weights, as the spec states them",
))
WEIGHTINGS.add(WeightingMethod(
    "equal", _equal, population=Population.OWN, source=f"{HANDBOOK}, step 6: equal weights",
))
WEIGHTINGS.add(WeightingMethod(
    "entropy", _entropy,
    source="Shannon entropy weights (Hwang & Yoon 1981); basis 'normalised' reads min-max scores (熵值法)",
))
WEIGHTINGS.add(WeightingMethod(
    "critic", _critic,
    source="Diakoulaki, Mavrotas & Papayannakis (1995) Computers & Operations Research 22(7): CRITIC",
))
WEIGHTINGS.add(WeightingMethod(
    "pca", _pca,
    source=f"{HANDBOOK}, step 6: principal components of the correlation matrix, Kaiser rule (eigenvalue ≥ 1)",
))
