"""Normalisation of indicator columns to a common scale, with direction handled.

``directions[i]`` is +1 when higher raw values are better and -1 when lower is better; every
method returns values where higher is better. Missing cells stay NaN. Constant columns (all
present values equal) are defined, never divided by zero: min-max and distance-to-target give 50,
z-score gives 0, rank gives the mid percentile 50, vector gives equal scores. The registered
methods (:data:`NORMALISATIONS`: ``minmax``, ``zscore``, ``rank``, ``target``, ``vector``) wrap the
functions below; a spec, a per-run override or an uncertainty alternative names one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import numpy as np
import numpy.typing as npt

from scoring_models.arrays import FloatArray
from scoring_models.steps.registry import HANDBOOK, MethodName, Population, StepRegistry, StepSettings


def _signed(x: FloatArray, directions: npt.NDArray[np.float64]) -> FloatArray:
    if (directions == 1.0).all():  # all higher-is-better: no copy needed (callers never write into it)
        return np.asarray(x, dtype=np.float64)
    return np.asarray(x * directions[None, :], dtype=np.float64)


def minmax(x: FloatArray, directions: npt.NDArray[np.float64]) -> FloatArray:
    """Min-max to 0–100: ``100 (x - min) / (max - min)``, inverted for lower-is-better; constant → 50."""
    s = _signed(x, directions)
    lo, hi = s.min(axis=0), s.max(axis=0)  # NaN in a column propagates: then mask (rare)
    missing = np.isnan(s) if np.isnan(lo).any() else None
    if missing is not None:
        with np.errstate(invalid="ignore"):
            lo = np.nanmin(np.where(missing, np.inf, s), axis=0)
            hi = np.nanmax(np.where(missing, -np.inf, s), axis=0)
    span = hi - lo
    const = ~(span > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = s - lo
        out *= 100.0 / np.where(const, 1.0, span)  # in place: one zones × indicators array, not two
    if const.any():
        out = np.where(const[None, :] & ~(np.isnan(s) if missing is None else missing), 50.0, out)
    return np.asarray(out, dtype=np.float64)


def zscore(x: FloatArray, directions: npt.NDArray[np.float64]) -> FloatArray:
    """Standard score ``(x - mean) / sd`` with the population sd (ddof 0); constant column → 0."""
    s = _signed(x, directions)
    n = (~np.isnan(s)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.nansum(s, axis=0) / np.maximum(n, 1), 0.0)
        sd = np.sqrt(np.nansum((s - mean[None, :]) ** 2, axis=0) / np.maximum(n, 1))
        out = (s - mean[None, :]) / np.where(sd > 0, sd, 1.0)[None, :]
    out = np.where((sd > 0)[None, :] | np.isnan(s), out, 0.0)
    return np.asarray(out, dtype=np.float64)


def _tie_runs(x: FloatArray) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """Column-wise ascending sort order (NaN last) and, in sorted order, where a run of equal values starts."""
    filled = np.where(np.isnan(x), np.inf, x)
    order = np.argsort(filled, axis=0, kind="stable")
    sorted_vals = np.take_along_axis(filled, order, axis=0)
    new_run = np.ones(x.shape, dtype=bool)
    new_run[1:] = sorted_vals[1:] != sorted_vals[:-1]
    return order, new_run


def average_ranks(x: FloatArray) -> FloatArray:
    """Column-wise ascending ranks 1..n of present values, ties get their average rank; NaN stays NaN.

    Vectorised: one argsort per matrix, ties resolved by averaging over runs of equal values.
    """
    n_rows, n_cols = x.shape
    order, new_run = _tie_runs(x)
    pos = np.arange(1, n_rows + 1, dtype=np.float64)[:, None] * np.ones((1, n_cols))
    # start index of each run of equal values, then average positions within the run
    run_id = np.cumsum(new_run, axis=0) - 1
    col_offset = (np.arange(n_cols) * (n_rows + 1))[None, :]
    flat_id = (run_id + col_offset).ravel()
    sums = np.bincount(flat_id, weights=pos.ravel(), minlength=n_cols * (n_rows + 1))
    counts = np.bincount(flat_id, minlength=n_cols * (n_rows + 1))
    avg = (sums / np.maximum(counts, 1))[flat_id].reshape(n_rows, n_cols)
    ranks = np.empty_like(avg)
    np.put_along_axis(ranks, order, avg, axis=0)
    return np.where(np.isnan(x), np.nan, ranks)


def min_ranks(x: FloatArray) -> npt.NDArray[np.int_]:
    """Column-wise ascending ranks 1..n where ties share the lowest rank ("1224"); NaN sorts last.

    ``min_ranks(-scores)`` is the competition rank of a ranking (1 = highest score, ties share the
    better rank), column by column in one argsort.
    """
    n_rows = x.shape[0]
    order, new_run = _tie_runs(x)
    pos = np.arange(1, n_rows + 1, dtype=np.int_)[:, None]
    first = np.maximum.accumulate(np.where(new_run, pos, 0), axis=0)  # each run's first position
    ranks = np.empty(x.shape, dtype=np.int_)
    np.put_along_axis(ranks, order, first, axis=0)
    return ranks


def rank_percentile(x: FloatArray, directions: npt.NDArray[np.float64]) -> FloatArray:
    """Percentile rank 0–100: ``100 (r - 1) / (n - 1)`` with average ranks r among n present values.

    The best zone gets 100, the worst 0; ties share the mean; a column with one value or all
    values tied gives 50.
    """
    s = _signed(x, directions)
    r = average_ranks(s)
    n = (~np.isnan(s)).sum(axis=0).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = 100.0 * (r - 1.0) / np.where(n > 1, n - 1.0, 1.0)[None, :]
    out = np.where((n > 1)[None, :], out, 50.0)
    return np.where(np.isnan(s), np.nan, out)


def distance_to_target(
    x: FloatArray, directions: npt.NDArray[np.float64], targets: npt.NDArray[np.float64]
) -> FloatArray:
    """Distance to target on 0–100: 100 at or beyond the target, 0 at the worst observed value.

    Higher-is-better: ``100 (x - min) / (target - min)`` capped at 100. Lower-is-better:
    ``100 (max - x) / (max - target)`` capped at 100. A column whose worst value already meets
    the target gives 100 in every present cell; a constant column short of the target gives 50
    (the constant-column convention of this module).
    """
    s = _signed(x, directions)
    t = targets * directions
    with np.errstate(invalid="ignore"):
        worst = np.nanmin(np.where(np.isnan(s), np.inf, s), axis=0)
        best = np.nanmax(np.where(np.isnan(s), -np.inf, s), axis=0)
    span = t - worst
    with np.errstate(invalid="ignore", divide="ignore"):
        out = 100.0 * (s - worst[None, :]) / np.where(span > 0, span, 1.0)[None, :]
    out = np.clip(out, 0.0, 100.0)
    met = ~(span > 0)
    const = best == worst
    out = np.where(met[None, :], 100.0, out)
    out = np.where((const & ~met)[None, :], 50.0, out)
    return np.where(np.isnan(s), np.nan, out)


def vector(x: FloatArray, directions: npt.NDArray[np.float64]) -> FloatArray:
    """Vector normalisation (Hwang & Yoon 1981, the textbook TOPSIS), in percent.

    ``100 x / sqrt(Σ x²)`` over each column's present values; lower-is-better columns take
    ``100 (1 - x / sqrt(Σ x²))``, pymcdm's convention (TOPSIS is shift-invariant per column, so
    TOPSIS on these scores equals the textbook, which instead takes the column minimum as the
    ideal of a cost criterion). Negative raw values give negative scores. A column with no
    non-zero value gives 0 (100 when lower is better).
    """
    with np.errstate(invalid="ignore"):
        norm = np.sqrt(np.nansum(x**2, axis=0))
        r = np.where(norm[None, :] > 0, x / np.where(norm > 0, norm, 1.0)[None, :], 0.0)
    out = 100.0 * np.where((directions > 0)[None, :], r, 1.0 - r)
    return np.asarray(np.where(np.isnan(x), np.nan, out), dtype=np.float64)


# --------------------------------------------------------------------------------------------
# registered methods


@dataclass(frozen=True)
class Columns:
    """What a normalisation method reads: zones × indicators values (NaN = missing), each
    indicator's direction (+1 higher is better, -1 lower) and target (NaN where none)."""

    values: FloatArray
    directions: FloatArray
    targets: FloatArray


@dataclass(frozen=True)
class NormalisationMethod:
    """A registered normalisation: its name, its function and what its scores are like.

    ``nonnegative``: scores are never negative — geometric aggregation needs it and a composite
    on such scores has a meaningful ratio to its peer mean (the RPI); z-scores are not.
    ``needs_targets``: every indicator needs a ``target`` (a spec using it without one is rejected).
    ``population`` says whose data its result for a zone depends on and ``source`` the published method
    (both shown by a model's methodology).
    """

    name: str
    func: Normalise
    nonnegative: bool = True
    needs_targets: bool = False
    population: Population = Population.FILTERED
    source: str = ""


NORMALISATIONS: StepRegistry[NormalisationMethod] = StepRegistry("normalisation")
NormalisationName = Annotated[str, MethodName(NORMALISATIONS)]


class NormalisationSpec(StepSettings):
    """Normalisation method."""

    method: NormalisationName = "minmax"


Normalise = Callable[[Columns, NormalisationSpec], FloatArray]
"""A normalisation method: ``(columns, settings) -> zones × indicators`` scores, higher is better."""


def _minmax(c: Columns, _: NormalisationSpec) -> FloatArray:
    return minmax(c.values, c.directions)


def _zscore(c: Columns, _: NormalisationSpec) -> FloatArray:
    return zscore(c.values, c.directions)


def _rank(c: Columns, _: NormalisationSpec) -> FloatArray:
    return rank_percentile(c.values, c.directions)


def _target(c: Columns, _: NormalisationSpec) -> FloatArray:
    # specs are checked for targets; a per-run override on a spec without them cannot be honoured
    if np.isnan(c.targets).any():
        raise ValueError("distance-to-target normalisation needs a target for every indicator")
    return distance_to_target(c.values, c.directions, c.targets)


def _vector(c: Columns, _: NormalisationSpec) -> FloatArray:
    return vector(c.values, c.directions)


NORMALISATIONS.add(NormalisationMethod(
    "minmax", _minmax, source=f"{HANDBOOK}, step 5: min-max rescaling to 0-100 over the zones evaluated",
))
NORMALISATIONS.add(NormalisationMethod(
    "zscore", _zscore, nonnegative=False, source=f"{HANDBOOK}, step 5: standardisation (z-scores)",
))
NORMALISATIONS.add(NormalisationMethod("rank", _rank, source=f"{HANDBOOK}, step 5: ranking (as percentiles)"))
NORMALISATIONS.add(NormalisationMethod(
    "target", _target, needs_targets=True,
    source=f"{HANDBOOK}, step 5: distance to a reference (the spec's targets, from the worst value evaluated)",
))
# Scores can be negative (negative raw values): no RPI unless TOPSIS aggregates, and no geometric mean.
NORMALISATIONS.add(NormalisationMethod(
    "vector", _vector, nonnegative=False,
    source="Hwang & Yoon (1981) Multiple Attribute Decision Making: vector normalisation of TOPSIS",
))
