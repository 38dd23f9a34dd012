"""Every zone-year of a window as one row of one pipeline state, scored by the pipeline's own steps.

The panel does not re-implement scoring: it stacks the window's zone-years into the rows of a
:class:`~scoring_models.pipeline.PipelineState` and runs the pipeline's imputation, outlier,
normalisation, weighting and aggregation steps over them (:data:`PANEL_STEPS`), each looking its
method up in its registry as in a cross-section. Because a step works column by column over the
rows it is given, every indicator is treated, normalised and weighted over *all zones × years of
the window* — the EIS way of putting years on one scale — and a method registered or changed for
the cross-section is used by panels as it is.

A row's history is its zone's values up to that row's year, right-aligned on a common axis, so
``last_observed`` imputation fills a cell from the zone's own earlier years; peer-median imputation
takes the median of the zone's base-year peer group *in the same year*.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from scoring_models.arrays import BoolArray, FloatArray, IntArray
from scoring_models.base import EvaluationOptions, IndicatorMatrix
from scoring_models.panel.window import PanelDataError, PanelWindow, WindowCheck
from scoring_models.pipeline.prepare import keep_checked
from scoring_models.pipeline.score import aggregate, impute, normalise, treat_outliers, weigh
from scoring_models.pipeline.state import PipelineState
from scoring_models.spec import ModelSpec
from scoring_models.steps import checks, peer_groups

PANEL_STEPS: tuple[Callable[[PipelineState], None], ...] = (impute, treat_outliers, normalise, weigh, aggregate)
"""The pipeline steps a panel runs over its stacked zone-years, in order."""


@dataclass(frozen=True)
class Stacked:
    """The scored state over the window's zone-years and where each row came from.

    ``zone[r]`` and ``year[r]`` index the matrix's zones and the window's years for every row still
    in ``state`` (rows the steps could not score are gone, see ``dropped``).
    """

    state: PipelineState
    zone: IntArray
    year: IntArray
    coverage: FloatArray  # zones × window years: share of the model's indicators reported
    scoreable: BoolArray  # zones × window years: met the zone-coverage threshold
    dropped: list[tuple[int, int]]  # (zone, window year index) with nothing to aggregate


def base_groups(
    spec: ModelSpec, options: EvaluationOptions, matrix: IndicatorMatrix, base: int
) -> peer_groups.PeerGroups:
    """Every zone's peer group from its endowment in the base year (the groups the reference uses)."""
    methods = options.overrides.apply(spec.methods())
    method = peer_groups.PEER_GROUPINGS.get(methods.peer_groups)
    return peer_groups.group_zones(method, replace(matrix, evaluation_year=base), spec.peer_groups)


def _stacked_matrix(selected: IndicatorMatrix, window: PanelWindow) -> IndicatorMatrix:
    """Rows year-major (all zones of the first year, then the next …), each with its history right-aligned."""
    n_z = len(selected.zones)
    last = selected.years.index(window.last)
    length = last + 1
    blocks = []
    for year in window.years:
        p = selected.years.index(year)
        block = np.full((n_z, len(selected.indicators), length), np.nan)
        block[:, :, length - (p + 1):] = selected.values[:, :, : p + 1]
        blocks.append(block)
    years = window.years
    return IndicatorMatrix(
        zones=tuple(f"{z}@{y}" for y in years for z in selected.zones),
        indicators=selected.indicators,
        years=tuple(range(length)),
        values=np.concatenate(blocks, axis=0),
        zone_meta=selected.zone_meta * len(years),
        feature_names=selected.feature_names,
        features=np.tile(selected.features, (len(years), 1)),
    )


def stack(
    spec: ModelSpec,
    selected: IndicatorMatrix,
    window: PanelWindow,
    checked: WindowCheck,
    groups: peer_groups.PeerGroups,
    options: EvaluationOptions,
) -> Stacked:
    """Score every zone-year meeting the zone-coverage threshold with :data:`PANEL_STEPS`."""
    n_z, n_y = len(selected.zones), len(window.years)
    stacked = _stacked_matrix(selected, window)
    state = PipelineState(spec=spec, matrix=stacked, options=options,
                          methods=options.overrides.apply(spec.methods()), selected=stacked)
    cov = checks.coverage(np.array(stacked.current), indicator_min=0.0, zone_min=spec.checks.zone_coverage)
    state.coverage = checks.CoverageCheck(indicator_coverage=checked.coverage.min(axis=1), keep_indicators=checked.keep,
                                          zone_coverage=cov.zone_coverage, keep_zones=cov.keep_zones)
    keep_checked(state)
    rows = np.flatnonzero(cov.keep_zones)
    zone, year = rows % n_z, rows // n_z
    # imputation looks at peers of the same year: one group per base-year peer group and year
    state.groups = peer_groups.PeerGroups(
        index=(groups.index[zone] * n_y + year).astype(np.int_),
        codes=tuple(f"{g}@{y}" for g in groups.codes for y in window.years),
    )
    ids = list(state.zones)
    for step in PANEL_STEPS:
        step(state)
        if state.result is not None:
            reasons = sorted({e.reason for e in state.result.excluded})
            raise PanelDataError("; ".join(reasons) or "nothing in the window can be scored", [], [])
    kept = np.isin(ids, state.zones)
    dropped = [(int(z), int(y)) for z, y in zip(zone[~kept], year[~kept], strict=True)]
    return Stacked(state=state, zone=zone[kept], year=year[kept],
                   coverage=cov.zone_coverage.reshape(n_y, n_z).T, scoreable=cov.keep_zones.reshape(n_y, n_z).T,
                   dropped=dropped)


def bounds(stacked: Stacked) -> tuple[FloatArray, FloatArray]:
    """Lowest and highest treated value of each kept indicator over the scored zone-years (NaN if none)."""
    treated = stacked.state.treated
    present = ~np.isnan(treated)
    with np.errstate(invalid="ignore"):
        lo = np.where(present.any(axis=0), np.nanmin(np.where(present, treated, np.inf), axis=0), np.nan)
        hi = np.where(present.any(axis=0), np.nanmax(np.where(present, treated, -np.inf), axis=0), np.nan)
    return np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)
