"""Tiers by relative performance index (RPI) and two-axis profiles.

RPI = composite / peer-group mean composite × 100 (the EIS compares regions to the EU average the
same way). It needs composites on a non-negative scale; it is undefined (NaN, no tier) where the
peer mean is not positive, and the pipeline reports no RPI at all for z-score composites, whose
mean is 0 by construction.

Tier bands for thresholds ``t_0 > t_1 > … > t_{k-1}`` (default 125/100/70): tier 0 when
``RPI > t_0`` (strictly, as the EIS "above 125%"); tier 1 when ``t_1 ≤ RPI ≤ t_0``; tier ``j``
(2 ≤ j < k) when ``t_j ≤ RPI < t_{j-1}``; tier ``k`` when ``RPI < t_{k-1}``. With the defaults:
peak > 125, strong [100, 125], moderate [70, 100), emerging < 70.

Subgroups ``+``/``''``/``-`` split each band into thirds of its RPI range. Closed bands use their
own edges. The open top band is given the width of the band below it (``[125, 150]`` by
default) and everything above its upper third is ``+``; the open bottom band is ``[0, t_{k-1})``
because composites are non-negative (RPI below 0 is ``-``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from scoring_models.arrays import FloatArray


def rpi(composite: FloatArray, peer_mean: FloatArray) -> FloatArray:
    """``100 · composite / peer_mean``; NaN where the peer mean is not positive."""
    with np.errstate(invalid="ignore", divide="ignore"):
        out = 100.0 * composite / np.where(peer_mean > 0, peer_mean, np.nan)
    return np.asarray(out, dtype=np.float64)


def _band_edges(thresholds: npt.NDArray[np.float64]) -> tuple[FloatArray, FloatArray]:
    t = thresholds
    k = len(t)
    upper = np.empty(k + 1)
    lower = np.empty(k + 1)
    top_width = (t[0] - t[1]) if k > 1 else t[0]
    upper[0], lower[0] = t[0] + top_width, t[0]
    upper[1:k], lower[1:k] = t[:-1], t[1:]
    upper[k], lower[k] = t[-1], min(0.0, t[-1])
    return lower, upper


@dataclass(frozen=True)
class TierAssignment:
    """Tier index per zone (-1 when RPI is undefined) and subgroup sign (1 = '+', 0, -1 = '-')."""

    tier: npt.NDArray[np.int_]
    subgroup: npt.NDArray[np.int_]


def assign_tiers(values: FloatArray, thresholds: Sequence[float], *, lower_inclusive: bool = False) -> TierAssignment:
    """Assign tiers and ± subgroups to RPI values as described in the module docstring.

    ``lower_inclusive``: every band includes its lower edge, the top band too (``value ≥ t_0``) —
    for absolute grades on the composite, such as coupling coordination grades.
    """
    t = np.asarray(thresholds, dtype=np.float64)
    if len(t) == 0:
        raise ValueError("need at least one threshold")
    if (np.diff(t) >= 0).any():
        raise ValueError("thresholds must be strictly decreasing")
    below = values[:, None] < t[None, :]
    if not lower_inclusive:
        below[:, 0] = values <= t[0]
    tier = below.sum(axis=1).astype(np.int_)
    lower, upper = _band_edges(t)
    lo, hi = lower[tier], upper[tier]
    third = (hi - lo) / 3.0
    pos = values - lo
    sub = np.where(pos >= 2 * third, 1, np.where(pos < third, -1, 0)).astype(np.int_)
    undefined = np.isnan(values)
    return TierAssignment(tier=np.where(undefined, -1, tier), subgroup=np.where(undefined, 0, sub))


def gap_to_next_tier(
    composite: FloatArray,
    peer_sum: FloatArray,
    peer_size: npt.NDArray[np.int_],
    tier: npt.NDArray[np.int_],
    thresholds: Sequence[float],
) -> FloatArray:
    """Composite points a zone needs to reach the RPI threshold of the tier above.

    Exact, not holding the peer mean fixed: raising a zone's composite by ``g`` also raises its
    peer mean by ``g / n``. Solving ``c + g = (t / 100) (S + g) / n`` for ``g`` gives
    ``g = (t S / (100 n) - c) / (1 - t / (100 n))``. NaN for the top tier, an undefined tier,
    or when the threshold is unreachable (``t ≥ 100 n``: in a group of one the RPI is always 100).
    """
    t = np.asarray(thresholds, dtype=np.float64)
    target = np.where(tier >= 1, t[np.clip(tier - 1, 0, len(t) - 1)], np.nan)
    n = peer_size.astype(np.float64)
    factor = target / (100.0 * n)
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = (factor * peer_sum - composite) / (1.0 - factor)
    gap = np.where((tier >= 1) & (factor < 1.0), np.maximum(gap, 0.0), np.nan)
    return np.asarray(gap, dtype=np.float64)


def gap_to_threshold(
    composite: FloatArray, tier: npt.NDArray[np.int_], thresholds: Sequence[float]
) -> FloatArray:
    """Composite points to the lower edge of the tier above, for tiers on the composite itself
    (NaN for the top tier and where no tier is assigned)."""
    t = np.asarray(thresholds, dtype=np.float64)
    target = np.where(tier >= 1, t[np.clip(tier - 1, 0, len(t) - 1)], np.nan)
    return np.asarray(np.where(tier >= 1, np.maximum(target - composite, 0.0), np.nan), dtype=np.float64)


PROFILE_CODES = ("peak", "plateau", "growth", "foundation")
"""Profile codes: both axes high, scale-only high (低新化 risk), innovation-only high, both low."""


def profiles(
    innovation: FloatArray, scale: FloatArray, innovation_median: FloatArray, scale_median: FloatArray
) -> npt.NDArray[np.int_]:
    """Index into ``PROFILE_CODES`` from the two axes against the peer medians (≥ median = high).

    -1 when either axis is missing for the zone.
    """
    inn_hi = innovation >= innovation_median
    sca_hi = scale >= scale_median
    code = np.where(inn_hi & sca_hi, 0, np.where(sca_hi, 1, np.where(inn_hi, 2, 3)))
    missing = np.isnan(innovation) | np.isnan(scale) | np.isnan(innovation_median) | np.isnan(scale_median)
    return np.where(missing, -1, code).astype(np.int_)
