"""Data checks: coverage thresholds and strongly correlated indicator pairs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring_models.arrays import BoolArray, FloatArray


@dataclass(frozen=True)
class CoverageCheck:
    """Outcome of the coverage checks on a zones × indicators matrix.

    ``indicator_coverage[i]`` is the share of zones reporting indicator ``i``; ``keep_indicators``
    marks those at or above the threshold. ``zone_coverage[z]`` is the share of the *model's*
    indicators (all columns, kept or not) that zone ``z`` reports; ``keep_zones`` marks zones at
    or above the zone threshold.
    """

    indicator_coverage: FloatArray
    keep_indicators: BoolArray
    zone_coverage: FloatArray
    keep_zones: BoolArray


def coverage(x: FloatArray, *, indicator_min: float = 0.65, zone_min: float = 2 / 3) -> CoverageCheck:
    """Apply the indicator-coverage and zone-coverage thresholds (NaN = missing).

    Zone coverage is measured against all of the model's indicators, not only the kept ones,
    because a zone missing most of what the model reads should not be ranked on the rest. A tiny
    tolerance keeps ``2/3`` reachable with exactly 2 of 3 indicators despite float rounding.
    An empty axis gives coverage 0.
    """
    present = ~np.isnan(x)
    n_zones, n_ind = x.shape
    ind_cov = present.mean(axis=0) if n_zones else np.zeros(n_ind)
    zone_cov = present.mean(axis=1) if n_ind else np.zeros(n_zones)
    eps = 1e-12
    return CoverageCheck(
        indicator_coverage=ind_cov.astype(np.float64),
        keep_indicators=ind_cov + eps >= indicator_min,
        zone_coverage=zone_cov.astype(np.float64),
        keep_zones=zone_cov + eps >= zone_min,
    )


def pearson_matrix(x: FloatArray) -> FloatArray:
    """Pearson correlation of every pair of columns over the rows where both are present.

    Computed for all pairs at once with masked sums; a pair with fewer than 3 common rows or a
    constant column on the common rows gets NaN (correlation undefined).
    """
    m = (~np.isnan(x)).astype(np.float64)
    v = np.where(m > 0, x, 0.0)
    n = m.T @ m
    sx = v.T @ m  # sum of column i over rows where j is present
    sxx = (v * v).T @ m
    sxy = v.T @ v
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sxy - sx * sx.T / n
        var_i = sxx - sx * sx / n
        var_j = var_i.T
        r = cov / np.sqrt(var_i * var_j)
    r[(n < 3) | (var_i <= 1e-12 * np.maximum(sxx, 1.0)) | (var_j <= 1e-12 * np.maximum(sxx.T, 1.0))] = np.nan
    return np.asarray(np.clip(r, -1.0, 1.0), dtype=np.float64)


def correlated_pairs(x: FloatArray, threshold: float = 0.9) -> list[tuple[int, int, float]]:
    """Index pairs ``(i, j, r)`` with ``i < j`` and ``|r| > threshold`` (pairwise-complete Pearson)."""
    r = pearson_matrix(x)
    iu, ju = np.triu_indices(r.shape[0], k=1)
    vals = r[iu, ju]
    hit = np.abs(np.nan_to_num(vals, nan=0.0)) > threshold
    return [(int(a), int(b), float(c)) for a, b, c in zip(iu[hit], ju[hit], vals[hit], strict=True)]
