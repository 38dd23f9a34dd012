"""Aggregation of normalised indicators into a composite.

``x`` is zones × indicators (higher is better, NaN = missing), ``w`` the indicator weights. A
zone's missing cells drop out and its remaining weights are rescaled to sum 1 (available-case
aggregation), so a zone is never penalised as if a missing value were zero; the checks step
decides beforehand whether a zone has enough data to be scored at all. All functions accept a
weight matrix (runs × indicators) as well, returning zones × runs, which the uncertainty step
uses to score every Monte Carlo run in one matrix product. The registered methods
(:data:`AGGREGATIONS`: ``arithmetic``, ``geometric``, ``topsis``) wrap the functions below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import numpy as np
from pydantic import Field

from scoring_models.arrays import FloatArray
from scoring_models.steps.registry import HANDBOOK, MethodName, Population, StepRegistry, StepSettings


def row_weights(x: FloatArray, w: FloatArray) -> FloatArray:
    """The weights actually applied to each zone: ``w`` over its present cells, rescaled to sum 1.

    Rows with no present positive-weight cell get all-zero weights.
    """
    present = ~np.isnan(x)
    raw = np.where(present, w[None, :], 0.0)
    total = raw.sum(axis=1, keepdims=True)
    return np.asarray(np.where(total > 0, raw / np.where(total > 0, total, 1.0), 0.0), dtype=np.float64)


def _mass(x: FloatArray, w2: FloatArray) -> FloatArray:
    return np.asarray((~np.isnan(x)).astype(np.float64) @ w2.T, dtype=np.float64)


def arithmetic(x: FloatArray, w: FloatArray) -> FloatArray:
    """Weighted arithmetic mean ``Σ w_i x_i / Σ w_i`` over each zone's present cells.

    ``w`` 1-D gives a zones vector; ``w`` 2-D (runs × indicators) gives zones × runs. A zone with
    nothing to aggregate gets NaN.
    """
    w2 = np.atleast_2d(w)
    if w.ndim == 1:  # one weight vector: try a single product; a NaN in the result means missing cells
        total = float(w.sum())
        if total > 0:
            out1 = np.asarray(x @ (w / total), dtype=np.float64)
            if not np.isnan(out1).any():
                return out1
    num = np.nan_to_num(x, nan=0.0) @ w2.T
    den = _mass(x, w2)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out[:, 0] if w.ndim == 1 else out


def shift_nonnegative(x: FloatArray) -> FloatArray:
    """Move every column holding negative values up so its minimum is 0 (others unchanged).

    Lets geometric aggregation run on z-scores (as a Monte Carlo alternative or a per-run
    override) while keeping each column's spacing; min-max, rank and target scores pass through.
    """
    colmin = np.min(np.where(np.isnan(x), np.inf, x), axis=0, initial=np.inf)
    return np.asarray(x - np.minimum(colmin, 0.0)[None, :], dtype=np.float64)


def geometric(x: FloatArray, w: FloatArray, *, shift: float = 1.0) -> FloatArray:
    """Weighted geometric mean with a positive shift: ``exp(Σ w_i ln(x_i + s) / Σ w_i) - s``.

    The shift ``s`` (default 1 point on the 0–100 scale) keeps a zero value from zeroing the whole
    composite while still penalising it strongly; subtracting it afterwards keeps the composite on
    the indicators' scale (a zone at 0 everywhere scores 0, at 100 everywhere 100). Every present
    ``x + s`` must be positive, else ValueError.
    """
    if np.nanmin(np.where(np.isnan(x), np.inf, x), initial=np.inf) + shift <= 0:
        raise ValueError("geometric aggregation needs x + shift > 0 for every present value")
    logs = np.log(np.where(np.isnan(x), 1.0, x + shift))
    logs = np.where(np.isnan(x), np.nan, logs)
    return np.exp(arithmetic(logs, w)) - shift


def topsis(x: FloatArray, w: FloatArray) -> FloatArray:
    """TOPSIS closeness in [0, 1] on an already normalised, higher-is-better matrix.

    ``v = w x``; the ideal and anti-ideal are the column max and min of ``v``; closeness
    ``D- / (D+ + D-)`` with Euclidean distances. This equals pymcdm's ``TOPSIS`` when given the
    same normalised matrix (its normalisation happens first, then the identical formula). Missing
    cells are left out of both distances; a zone equal to both ideals (all columns constant)
    gets 0.5. ``w`` 2-D (runs × indicators) gives zones × runs, computed as one
    zones × runs × indicators array.
    """
    if np.ndim(w) == 1:
        fast = _topsis_complete(x, w)
        if fast is not None:
            return fast
    w2 = np.atleast_2d(w)
    v = x[:, None, :] * w2[None, :, :]
    missing = np.isnan(v)
    pis = np.max(np.where(missing, -np.inf, v), axis=0)
    nis = np.min(np.where(missing, np.inf, v), axis=0)
    d_plus = np.sqrt(np.where(missing, 0.0, (v - pis[None]) ** 2).sum(axis=2))
    d_minus = np.sqrt(np.where(missing, 0.0, (v - nis[None]) ** 2).sum(axis=2))
    total = d_plus + d_minus
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)
    empty_rows = np.asarray(np.isnan(x).all(axis=1), dtype=np.bool_)
    out = np.where(empty_rows[:, None], np.nan, out)
    out = np.asarray(out, dtype=np.float64)
    return out[:, 0] if np.ndim(w) == 1 else out


def _topsis_complete(x: FloatArray, w: FloatArray) -> FloatArray | None:
    """:func:`topsis` for one weight vector without masks; None when a cell is missing (NaN)."""
    v = x * w
    pis, nis = v.max(axis=0), v.min(axis=0)
    if np.isnan(pis).any():  # a NaN anywhere in a column propagates to its maximum
        return None
    d = v - pis  # one scratch array for both distances: x · w is the only other zones × indicators array
    dp = np.sqrt(np.einsum("ij,ij->i", d, d))
    np.subtract(v, nis, out=d)
    dm = np.sqrt(np.einsum("ij,ij->i", d, d))
    total = dp + dm
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(total > 0, dm / np.where(total > 0, total, 1.0), 0.5)
    return np.asarray(out, dtype=np.float64)


# --------------------------------------------------------------------------------------------
# registered methods


@dataclass(frozen=True)
class AggregationMethod:
    """A registered aggregation: its name, its function and what it needs or gives.

    ``needs_nonnegative``: a spec may not pair it with a normalisation whose scores can be
    negative (a per-run override or a Monte Carlo alternative still runs: the function shifts
    such columns itself). ``own_scale``: the composite lies on the method's own 0–100 scale
    whatever the normalisation (TOPSIS closeness), so the RPI stays meaningful even on z-scores.
    ``population`` says whose data its result for a zone depends on and ``source`` the published method
    (both shown by a model's methodology).
    """

    name: str
    func: Aggregate
    needs_nonnegative: bool = False
    own_scale: bool = False
    population: Population = Population.FILTERED
    source: str = ""


AGGREGATIONS: StepRegistry[AggregationMethod] = StepRegistry("aggregation")
AggregationName = Annotated[str, MethodName(AGGREGATIONS)]


class AggregationSpec(StepSettings):
    """Aggregation method and the positive shift of the geometric mean (0–100 points)."""

    method: AggregationName = "arithmetic"
    geometric_shift: float = Field(default=1.0, gt=0)


Aggregate = Callable[[FloatArray, FloatArray, AggregationSpec], FloatArray]
"""An aggregation method: ``(x, w, settings) -> composites``; ``w`` 1-D gives a zones vector, ``w``
2-D (runs × indicators) zones × runs (the Monte Carlo scores all its weight draws at once)."""


def _arithmetic(x: FloatArray, w: FloatArray, _: AggregationSpec) -> FloatArray:
    return arithmetic(x, w)


def _geometric(x: FloatArray, w: FloatArray, settings: AggregationSpec) -> FloatArray:
    # specs reject geometric + z-scores; an override or Monte Carlo run gets the documented column shift
    return geometric(shift_nonnegative(x), w, shift=settings.geometric_shift)


def _topsis(x: FloatArray, w: FloatArray, _: AggregationSpec) -> FloatArray:
    return 100.0 * topsis(x, w)


AGGREGATIONS.add(AggregationMethod(
    "arithmetic", _arithmetic, population=Population.OWN,
    source=f"{HANDBOOK}, step 7: weighted arithmetic mean",
))
AGGREGATIONS.add(AggregationMethod(
    "geometric", _geometric, needs_nonnegative=True, population=Population.OWN,
    source=f"{HANDBOOK}, step 7: weighted geometric mean (less compensation), shifted by 1 point",
))
AGGREGATIONS.add(AggregationMethod(
    "topsis", _topsis, own_scale=True,
    source="Hwang & Yoon (1981): TOPSIS closeness to the ideal among the zones evaluated, × 100",
))
