"""Imputation of missing evaluation-year cells; every imputed cell is flagged in a mask.

The registered methods (:data:`IMPUTATIONS`: ``none``, ``peer_median``, ``last_observed``) wrap
the functions below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import numpy as np
import numpy.typing as npt

from scoring_models.arrays import BoolArray, FloatArray, IntArray
from scoring_models.steps.registry import HANDBOOK, MethodName, Population, StepRegistry, StepSettings


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


# --------------------------------------------------------------------------------------------
# registered methods


@dataclass(frozen=True)
class Cells:
    """What an imputation method reads: the evaluation year's zones × indicators values, the
    zones × indicators × years history ending with that year, and each zone's peer-group index."""

    current: FloatArray
    history: FloatArray
    groups: IntArray


@dataclass(frozen=True)
class ImputationMethod:
    """A registered imputation method: its name and its function.

    ``population`` says whose data its result for a zone depends on and ``source`` the published method
    (both shown by a model's methodology).
    """

    name: str
    func: Impute
    population: Population = Population.FILTERED
    source: str = ""


IMPUTATIONS: StepRegistry[ImputationMethod] = StepRegistry("imputation")
ImputationName = Annotated[str, MethodName(IMPUTATIONS)]


class ImputationSpec(StepSettings):
    """Imputation method for missing evaluation-year cells."""

    method: ImputationName = "none"


Impute = Callable[[Cells, ImputationSpec], tuple[FloatArray, BoolArray]]
"""An imputation method: ``(cells, settings) -> (values, imputed mask)``, both zones × indicators."""


def _none(cells: Cells, _: ImputationSpec) -> tuple[FloatArray, BoolArray]:
    return impute_none(cells.current)


def _peer_median(cells: Cells, _: ImputationSpec) -> tuple[FloatArray, BoolArray]:
    return impute_peer_median(cells.current, cells.groups)


def _last_observed(cells: Cells, _: ImputationSpec) -> tuple[FloatArray, BoolArray]:
    return impute_last_observed(cells.history)


IMPUTATIONS.add(ImputationMethod(
    "none", _none, population=Population.OWN,
    source=f"{HANDBOOK}, step 3: case deletion (missing cells stay missing; aggregation rescales the weights)",
))
IMPUTATIONS.add(ImputationMethod(
    "peer_median", _peer_median,
    source=f"{HANDBOOK}, step 3: unconditional median imputation, within the peer group",
))
IMPUTATIONS.add(ImputationMethod(
    "last_observed", _last_observed, population=Population.OWN,
    source="European Innovation Scoreboard methodology: a missing value takes the most recent year available",
))
