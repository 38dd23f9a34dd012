"""Trajectories: each zone's robust trend over the window and whether it is a real rise.

The trend is the Theil–Sen slope (Sen 1968): the median of the slopes between every pair of the
zone's scored years, in composite points per year; its intercept (median of ``y − slope · t`` with
``t`` the years since the base year) is the line's value at the base year. Robust to one odd year.

Its interval reuses the run's uncertainty settings: the Monte Carlo design of
:mod:`scoring_models.steps.uncertainty` (weights × U(1 ± noise), crossed with the spec's
normalisation and aggregation alternatives, all pooled over the window as the panel is) rescores
every zone-year; each run's composites are mapped onto the panel's scale by matching their mean and
standard deviation over the window's zone-years (an affine map, which keeps the sign of every slope);
and each run also leaves out one year of the window at random, or none (a year jackknife, so a rise
resting on a single year is not claimed; a zone keeps at least two years). The 5th and 95th
percentiles of the runs' Theil–Sen slopes are the interval. ``rising`` needs the whole interval above
0, ``declining`` below 0; anything else is ``stable``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from scoring_models.arrays import FloatArray, IntArray
from scoring_models.panel.result import SlopeInterval, Trajectory, Trend
from scoring_models.pipeline.score import nature_caps, normalise_alternatives, uncertainty_alternatives
from scoring_models.pipeline.state import PipelineState
from scoring_models.steps import uncertainty as unc
from scoring_models.steps import weighting as wt
from scoring_models.steps.aggregation import AGGREGATIONS

_RUN_BLOCK = 128  # runs whose pairwise slopes are held at once


def _pairs(n_years: int) -> tuple[IntArray, IntArray]:
    i, j = np.triu_indices(n_years, k=1)
    return i.astype(np.int_), j.astype(np.int_)


def nanmedian(x: FloatArray) -> FloatArray:
    """The median over axis 1 of the present values (NaN where none): one sort, NaN sorting last.

    numpy's own ``nanmedian`` goes through masked arrays for small axes and is ~10× slower here.
    """
    ordered = np.sort(x, axis=1)
    n = (~np.isnan(x)).sum(axis=1, keepdims=True)
    lo = np.take_along_axis(ordered, np.maximum((n - 1) // 2, 0), axis=1)
    hi = np.take_along_axis(ordered, np.maximum(n // 2, 0), axis=1)
    return np.asarray(np.where(n > 0, (lo + hi) / 2.0, np.nan).squeeze(axis=1), dtype=np.float64)


def theil_sen(series: FloatArray, t: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Theil–Sen slope and intercept of every row of ``series`` (rows × years, NaN = no score) over ``t``.

    ``series`` may carry a trailing runs axis (rows × years × runs). Rows with fewer than two values
    get NaN.
    """
    i, j = _pairs(series.shape[1])
    dt = (t[j] - t[i]).reshape((1, -1) + (1,) * (series.ndim - 2))
    slopes = (series[:, j] - series[:, i]) / dt
    slope = nanmedian(slopes)
    shaped = t.reshape((1, -1) + (1,) * (series.ndim - 2))
    intercept = nanmedian(series - slope[:, None] * shaped)
    return slope, intercept


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence numpy's 'All-NaN slice' warning: a zone without two scored years has no slope (NaN)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _on_panel_scale(scores: FloatArray, main: FloatArray) -> FloatArray:
    """Each run (column) mapped affinely so its mean and sd over the rows equal those of ``main``."""
    mean, sd = scores.mean(axis=0), scores.std(axis=0)
    scaled = (scores - mean[None, :]) / np.where(sd > 0, sd, 1.0)[None, :]
    return np.asarray(scaled * main.std() + main.mean(), dtype=np.float64)


def _run_scores(state: PipelineState, runs: int, rng: np.random.Generator) -> FloatArray:
    """Composites of every stacked row under every Monte Carlo run (rows × runs), on the panel's scale."""
    spec = state.spec
    # the same alternatives and capped draws as a cross-section's Monte Carlo: the run's own methods first
    normalisations, aggregations = uncertainty_alternatives(state)
    alternatives = normalise_alternatives(state, normalisations)
    combos = [(x, name) for x in alternatives for name in aggregations]
    n_w = -(-runs // len(combos))
    weights = unc.noisy_weights(state.weights, n_w, spec.uncertainty.weight_noise, rng)
    natures, caps = nature_caps(state)
    if caps:
        weights = np.asarray(wt.apply_share_caps(weights, natures, caps), dtype=np.float64)
    blocks = [AGGREGATIONS.get(name).func(x, weights, spec.aggregation) for x, name in combos]
    return _on_panel_scale(np.concatenate(blocks, axis=1), state.composite)


def _grid(values: FloatArray, zone: IntArray, year: IntArray, n_zones: int, n_years: int) -> FloatArray:
    """Rows placed on a zones × years (× runs) grid, NaN where a zone-year was not scored."""
    grid = np.full((n_zones, n_years, *values.shape[1:]), np.nan)
    grid[zone, year] = values
    return grid


def _jackknife(grid: FloatArray, rng: np.random.Generator) -> FloatArray:
    """Each run (last axis) leaves out one random year, or none, wherever the zone keeps two years."""
    n_years, runs = grid.shape[1], grid.shape[2]
    drop = rng.integers(-1, n_years, size=runs)
    scored = ~np.isnan(grid[:, :, 0])
    out = grid.copy()
    for d in range(n_years):
        chosen = np.flatnonzero(drop == d)
        keeps_two = (scored.sum(axis=1) - scored[:, d]) >= 2
        out[np.ix_(np.flatnonzero(keeps_two), np.array([d]), chosen)] = np.nan
    return out


def _mc_slopes(grid: FloatArray, t: FloatArray) -> FloatArray:
    """Theil–Sen slopes per zone and run, computed a block of runs at a time (bounded memory)."""
    runs = grid.shape[2]
    out = np.empty((grid.shape[0], runs))
    for start in range(0, runs, _RUN_BLOCK):
        out[:, start : start + _RUN_BLOCK] = theil_sen(grid[:, :, start : start + _RUN_BLOCK], t)[0]
    return out


def classify_trend(p5: float, p95: float) -> Trend:
    """``rising`` when the interval lies above 0, ``declining`` below 0, else ``stable``."""
    return "rising" if p5 > 0 else "declining" if p95 < 0 else "stable"


def trajectories(state: PipelineState, zone: IntArray, year: IntArray, codes: tuple[str, ...],
                 years: tuple[int, ...], base_year: int, runs: int) -> list[Trajectory]:
    """The trajectory of every zone scored in at least one year (see the module docstring)."""
    t = np.array(years, dtype=np.float64) - base_year
    main = _grid(state.composite, zone, year, len(codes), len(years))
    slope, intercept = theil_sen(main, t)
    p5 = p95 = np.full(len(codes), np.nan)
    if runs > 0:
        rng = np.random.default_rng(state.options.seed)
        mc = _jackknife(_grid(_run_scores(state, runs, rng), zone, year, len(codes), len(years)), rng)
        slopes = _mc_slopes(mc, t)
        with _quiet():
            p5, p95 = np.nanpercentile(slopes, [5.0, 95.0], axis=1)
        runs = slopes.shape[1]
    out = []
    for z in np.unique(zone):
        scored = [years[k] for k in np.flatnonzero(~np.isnan(main[z]))]
        has_slope, has_interval = bool(np.isfinite(slope[z])), bool(np.isfinite(p5[z]) and np.isfinite(p95[z]))
        out.append(Trajectory(
            code=codes[z], years=scored, slope=float(slope[z]) if has_slope else None,
            intercept=float(intercept[z]) if has_slope else None,
            interval=SlopeInterval(p5=float(p5[z]), p95=float(p95[z])) if has_interval else None,
            trend=classify_trend(float(p5[z]), float(p95[z])) if has_interval else None,
            runs=runs if has_interval else 0,
        ))
    return sorted(out, key=lambda tr: tr.code)
