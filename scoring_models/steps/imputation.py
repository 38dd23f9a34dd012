"""Imputation of missing evaluation-year cells; every imputed cell is flagged in a mask."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from scoring_models.base import BoolArray, FloatArray


def impute_none(x: FloatArray) -> tuple[FloatArray, BoolArray]:
    """Leave missing cells missing; the mask is all False."""
    return x.copy(), np.zeros(x.shape, dtype=bool)


def impute_peer_median(x: FloatArray, groups: npt.NDArray[np.int_]) -> tuple[FloatArray, BoolArray]:
    """Fill each missing cell with the median of its indicator among the zone's peer group.

    ``groups[z]`` is zone ``z``'s peer-group index. A cell stays missing (and unflagged) when no
    peer reports the indicator. Loops only over the handful of peer groups.
    """
    out = x.copy()
    missing = np.isnan(x)
    for g in np.unique(groups):
        rows = groups == g
        block = x[rows]
        if block.size == 0:
            continue
        has_any = (~np.isnan(block)).any(axis=0)
        med = np.full(block.shape[1], np.nan)
        if has_any.any():
            med[has_any] = np.nanmedian(block[:, has_any], axis=0)
        out[rows] = np.where(np.isnan(block), med[None, :], block)
    mask = missing & ~np.isnan(out)
    return out, mask


def impute_last_observed(history: FloatArray) -> tuple[FloatArray, BoolArray]:
    """Fill the last year's missing cells with the most recent earlier observed value.

    ``history`` is zones × indicators × years with the evaluation year last. Vectorised: the
    index of the last non-missing year is found with a running maximum over the year axis.
    """
    current = history[:, :, -1]
    present = ~np.isnan(history)
    idx = np.where(present, np.arange(history.shape[2])[None, None, :], -1)
    last = np.maximum.accumulate(idx, axis=2)[:, :, -1]
    filled = np.take_along_axis(history, np.maximum(last, 0)[:, :, None], axis=2)[:, :, 0]
    out = np.where(last >= 0, filled, np.nan)
    mask = np.isnan(current) & ~np.isnan(out)
    return out.astype(np.float64), mask
