"""The adjusted Mazziotta–Pareto index (AMPI) and fixed goalposts: a non-compensatory composite.

Mazziotta & Pareto (2016, *On a generalized non-compensatory composite index for measuring
socio-economic phenomena*, Social Indicators Research 127): each indicator is rescaled against
goalposts ``[Inf, Sup]`` to ``r = 70 + 60 (x − Inf) / (Sup − Inf)`` (``Sup`` and ``Inf`` swapped
for lower-is-better indicators), so the goalposts map to 70 and 130 and their midpoint — the
reference — to 100. A zone's index is

    ``AMPI⁻ = M_r − S_r · cv_r``,  ``cv_r = S_r / M_r``,

with ``M_r`` and ``S_r`` the (weighted) mean and population standard deviation of its ``r``
values: an unbalanced profile is penalised, so strong scale cannot buy back weak innovation the
way an arithmetic mean lets it. With equal weights this is the published AMPI.

In a model: the ``goalposts`` normalisation gives ``100 (x − Inf)/(Sup − Inf)`` (clipped to
0–100) from goalposts the spec fixes for every indicator, and the ``mazziotta-pareto``
aggregation maps 0–100 scores to ``r = 70 + 0.6 s`` — so with fixed goalposts the index of
different years is on one scale. (Under min-max normalisation the goalposts are the year's own
minimum and maximum: the cross-sectional AMPI.) :func:`reference_goalposts` derives goalposts
the AMPI way from a panel: ``Ref`` the base year's mean, ``Δ`` half the range over every zone and
year, goalposts ``Ref ± Δ``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from scoring_models.arrays import FloatArray
from scoring_models.steps.aggregation import AGGREGATIONS, AggregationMethod, AggregationSpec, shift_nonnegative
from scoring_models.steps.normalisation import NORMALISATIONS, Columns, NormalisationMethod, NormalisationSpec
from scoring_models.steps.registry import Population


def ampi_rescale(x: FloatArray, lo: FloatArray, hi: FloatArray, directions: FloatArray) -> FloatArray:
    """``r = 70 + 60 (x − Inf)/(Sup − Inf)`` per column (``Sup − x`` for lower-is-better)."""
    span = np.asarray(hi, dtype=np.float64) - np.asarray(lo, dtype=np.float64)
    if (span <= 0).any():
        raise ValueError("every upper goalpost must lie above its lower goalpost")
    up = (x - lo[None, :]) / span[None, :]
    down = (hi[None, :] - x) / span[None, :]
    return np.asarray(70.0 + 60.0 * np.where(np.asarray(directions)[None, :] > 0, up, down), dtype=np.float64)


def ampi(r: FloatArray, w: FloatArray) -> FloatArray:
    """``M − S · S / M`` of the rescaled values ``r`` (zones × indicators) with weights ``w``.

    Missing cells drop out and the zone's weights are rescaled over the present ones. ``w`` 2-D
    (runs × indicators) gives zones × runs. NaN for a zone with nothing present.
    """
    w2 = np.atleast_2d(np.asarray(w, dtype=np.float64))
    present = ~np.isnan(r)
    rz = np.where(present, r, 0.0)
    mass = present.astype(np.float64) @ w2.T
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (rz @ w2.T) / mass
        second = ((rz * rz) @ w2.T) / mass
        sd = np.sqrt(np.maximum(second - mean * mean, 0.0))
        out = np.where(mass > 0, mean - sd * sd / mean, np.nan)
    out = np.asarray(out, dtype=np.float64)
    return out[:, 0] if np.ndim(w) == 1 else out


def goalpost_scores(x: FloatArray, directions: FloatArray, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """``100 (x − Inf)/(Sup − Inf)`` (``Sup − x`` for lower-is-better), clipped to 0–100; NaN stays."""
    span = hi - lo
    if (span <= 0).any():
        raise ValueError("every upper goalpost must lie above its lower goalpost")
    up = (x - lo[None, :]) / span[None, :]
    down = (hi[None, :] - x) / span[None, :]
    s = 100.0 * np.where(np.asarray(directions)[None, :] > 0, up, down)
    return np.asarray(np.where(np.isnan(x), np.nan, np.clip(s, 0.0, 100.0)), dtype=np.float64)


def reference_goalposts(panel: FloatArray, base_year: int) -> tuple[FloatArray, FloatArray]:
    """AMPI goalposts from a zones × indicators × years panel: ``Ref ± Δ`` per indicator, with
    ``Ref`` the mean of year index ``base_year`` and ``Δ`` half the range over all zones and years."""
    with np.errstate(invalid="ignore"):
        ref = np.nanmean(panel[:, :, base_year], axis=0)
        delta = (np.nanmax(panel, axis=(0, 2)) - np.nanmin(panel, axis=(0, 2))) / 2.0
    delta = np.where(delta > 0, delta, 1.0)
    return np.asarray(ref - delta, dtype=np.float64), np.asarray(ref + delta, dtype=np.float64)


def _goalposts(c: Columns, _: NormalisationSpec) -> FloatArray:
    if c.goalposts is None or np.isnan(c.goalposts).any():
        raise ValueError("goalposts normalisation needs goalposts for every indicator")
    return goalpost_scores(c.values, c.directions, c.goalposts[0], c.goalposts[1])


def _mazziotta_pareto(x: FloatArray, w: FloatArray, _: AggregationSpec) -> FloatArray:
    # specs pair it with a non-negative normalisation; an override on z-scores gets the column shift
    s: npt.NDArray[np.float64] = shift_nonnegative(x)
    return ampi(70.0 + 0.6 * s, w)


NORMALISATIONS.add(NormalisationMethod(
    "goalposts", _goalposts, needs_goalposts=True, population=Population.OWN,
    source="Mazziotta & Pareto (2016), Social Indicators Research 127: fixed goalposts rescaled to 70-130",
))
AGGREGATIONS.add(AggregationMethod(
    "mazziotta-pareto", _mazziotta_pareto, needs_nonnegative=True, own_scale=True, population=Population.OWN,
    source="Mazziotta & Pareto (2016), Social Indicators Research 127: adjusted Mazziotta-Pareto index (AMPI)",
))
