"""Back to the data: contributions, strengths and weaknesses, and their ordering."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from scoring_models.arrays import FloatArray


def contributions(x: FloatArray, applied_weights: FloatArray) -> FloatArray:
    """Per-cell contribution ``w_zi · x_zi`` with each zone's applied (row-rescaled) weights.

    For weighted arithmetic aggregation the row sums equal the composite exactly. Missing
    cells contribute 0.
    """
    return np.asarray(np.nan_to_num(x, nan=0.0) * applied_weights, dtype=np.float64)


def peer_deltas(x: FloatArray, peer_median: FloatArray) -> FloatArray:
    """Normalised value minus the peer-group median of that indicator (unweighted, in points).

    Unweighted on purpose: a strength is where the zone stands out from its peers, whatever
    weight the model gives that indicator. Indicators with zero weight are excluded by the caller.
    """
    return np.asarray(x - peer_median, dtype=np.float64)


def top_k(deltas: FloatArray, k: int = 3, *, largest: bool = True) -> npt.NDArray[np.int_]:
    """Column indices of each row's ``k`` largest (or smallest) deltas, best first; -1 pads.

    Only strictly positive deltas count as strengths (strictly negative as weaknesses), so a zone
    level with its peers everywhere has none. Ties are broken by column order (stable sort).
    """
    signed = -deltas if largest else deltas
    keyed = np.where(np.isnan(signed) | (signed >= 0), np.inf, signed)
    order = np.argsort(keyed, axis=1, kind="stable")[:, :k]
    picked = np.take_along_axis(keyed, order, axis=1)
    out = np.where(np.isfinite(picked), order, -1)
    if out.shape[1] < k:
        out = np.pad(out, ((0, 0), (0, k - out.shape[1])), constant_values=-1)
    return out.astype(np.int_)


def competition_rank(scores: FloatArray) -> npt.NDArray[np.int_]:
    """Rank 1 = highest score; ties share the best rank ("1224" competition ranking)."""
    order = np.sort(scores)[::-1]
    return (np.searchsorted(-order, -scores, side="left") + 1).astype(np.int_)
