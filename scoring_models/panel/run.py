"""A model evaluated over a window of years on one scale: :func:`evaluate_panel`.

Order: the window's data check (:mod:`.window`) → base-year peer groups → every zone-year scored by
the pipeline's own steps over the stacked window (:mod:`.stack`) → ranks, RPI tiers, profiles and
progress against the base year (:mod:`.classify`) → trajectories (:mod:`.trajectory`) → the result.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from scoring_models.arrays import FloatArray
from scoring_models.base import EvaluationOptions, ExcludedZone, IndicatorMatrix
from scoring_models.panel.classify import Classified, classify
from scoring_models.panel.result import (
    Bounds,
    PanelInfo,
    PanelResult,
    PanelZoneYear,
    ShortIndicator,
    UnscoredZoneYear,
)
from scoring_models.panel.stack import Stacked, base_groups, bounds, stack
from scoring_models.panel.trajectory import trajectories
from scoring_models.panel.window import PanelWindow, check_window
from scoring_models.pipeline.classify import ratio_scale
from scoring_models.spec import ModelSpec
from scoring_models.steps import tiers
from scoring_models.steps.peer_groups import PeerGroups

_SIGN: dict[int, Literal["+", "", "-"]] = {1: "+", 0: "", -1: "-"}


def _opt(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


def evaluate_panel(
    spec: ModelSpec, matrix: IndicatorMatrix, window: PanelWindow, options: EvaluationOptions | None = None
) -> PanelResult:
    """Score every zone of ``matrix`` in every year of ``window`` on the window's common scale.

    ``matrix`` must hold the window's years (earlier years serve as history for imputation); its
    features describe the zones in the base year (peer groups are formed from them). Raises
    :class:`~scoring_models.panel.window.PanelDataError` when the window's data cannot carry the model,
    ``ValueError`` for options the model cannot honour. Deterministic for a given seed.
    """
    options = options or EvaluationOptions()
    selected = matrix.select(indicators=[i.code for i in spec.indicators])
    checked = check_window(spec, selected, window)
    groups = base_groups(spec, options, selected, window.base)
    stacked = stack(spec, selected, window, checked, groups, options)
    base_index = window.years.index(window.base)
    classified = classify(stacked.state, stacked.zone, stacked.year, groups, base_index, window.base,
                          len(selected.zones))
    runs = options.uncertainty_runs if spec.uncertainty.enabled else 0
    paths = trajectories(stacked.state, stacked.zone, stacked.year, selected.zones, window.years, window.base, runs)
    return PanelResult(
        model_key=spec.key, model_version=spec.version, years=list(window.years), base_year=window.base,
        seed=options.seed, reference=classified.reference,
        zone_years=_zone_years(stacked, classified, selected, window, groups),
        trajectories=paths, excluded=_excluded(stacked, selected, window),
        unscored=_unscored(stacked, selected, window), info=_info(stacked, checked.dropped, window, runs),
    )


def _by_code(values: FloatArray, codes: tuple[str, ...]) -> list[dict[str, float | None]]:
    """Each row of ``values`` as code → value (None for NaN), converted in one pass."""
    objects = values.astype(object)
    objects[np.isnan(values)] = None
    return [dict(zip(codes, row, strict=True)) for row in objects.tolist()]


def _zone_year(stacked: Stacked, c: Classified, r: int, code: str, year: int, group: str,
               cells: tuple[list[dict[str, float | None]], list[dict[str, float | None]]]) -> PanelZoneYear:
    state, spec = stacked.state, stacked.state.spec
    t, p = int(c.tier.tier[r]), int(c.profile[r])
    z, y = int(stacked.zone[r]), int(stacked.year[r])
    return PanelZoneYear(
        code=code, year=year, composite=float(state.composite[r]),
        pillar_scores={pl.code: _opt(state.pillar_scores[r, n]) for n, pl in enumerate(spec.pillars)},
        rank=int(c.rank[r]), peer_group=group, rpi=_opt(c.rpi[r]),
        tier=spec.tiers.tiers[t].code if t >= 0 else None,
        subgroup=(_SIGN[int(c.tier.subgroup[r])] if spec.tiers.subgroups else "") if t >= 0 else None,
        profile=tiers.PROFILE_CODES[p] if p >= 0 else None,
        progress_points=_opt(c.progress_points[r]), progress_pct=_opt(c.progress_pct[r]),
        gap_to_next_tier=_opt(c.gap[r]), coverage=float(stacked.coverage[z, y]),
        imputed_cells=[state.indicators[i] for i in np.flatnonzero(state.imputed_mask[r])],
        raw=cells[0][r], normalised=cells[1][r],
    )


def _zone_years(stacked: Stacked, c: Classified, selected: IndicatorMatrix, window: PanelWindow,
                groups: PeerGroups) -> list[PanelZoneYear]:
    order = np.lexsort((c.rank, stacked.year))
    state = stacked.state
    cells = (_by_code(state.raw, state.indicators), _by_code(state.normalised, state.indicators))
    return [
        _zone_year(stacked, c, int(r), selected.zones[stacked.zone[r]], window.years[stacked.year[r]],
                   groups.codes[groups.index[stacked.zone[r]]], cells)
        for r in order
    ]


def _excluded(stacked: Stacked, selected: IndicatorMatrix, window: PanelWindow) -> list[ExcludedZone]:
    scored = set(stacked.zone.tolist())
    return [
        ExcludedZone(code=code, coverage=float(stacked.coverage[z].max()),
                     reason=f"not scored in any year of {window.first}–{window.last}")
        for z, code in enumerate(selected.zones) if z not in scored
    ]


def _unscored(stacked: Stacked, selected: IndicatorMatrix, window: PanelWindow) -> list[UnscoredZoneYear]:
    n_ind = len(selected.indicators)
    threshold = stacked.state.spec.checks.zone_coverage
    dropped = set(stacked.dropped)
    out = []
    for z, code in enumerate(selected.zones):
        for k, year in enumerate(window.years):
            cov = float(stacked.coverage[z, k])
            if not stacked.scoreable[z, k]:
                reason = (f"reports {round(cov * n_ind)} of {n_ind} indicators in {year} ({cov:.0%}), below the "
                          f"{threshold:.0%} zone-coverage threshold")
            elif (z, k) in dropped:
                reason = f"no value among the indicators kept for the window in {year}"
            else:
                continue
            out.append(UnscoredZoneYear(code=code, year=year, reason=reason, coverage=cov))
    return out


def _info(stacked: Stacked, dropped: list[ShortIndicator], window: PanelWindow, runs: int) -> PanelInfo:
    state = stacked.state
    lo, hi = bounds(stacked)
    total = sum(p.weight for p in state.spec.pillars)
    means = {
        str(year): float(state.composite[stacked.year == k].mean())
        for k, year in enumerate(window.years) if (stacked.year == k).any()
    }
    return PanelInfo(
        indicators=list(state.indicators), excluded_indicators=dropped,
        bounds={c: Bounds(min=_opt(lo[i]), max=_opt(hi[i])) for i, c in enumerate(state.indicators)},
        applied_weights={c: float(w) for c, w in zip(state.indicators, state.weights, strict=True)},
        pillar_weights={p.code: p.weight / total for p in state.spec.pillars},
        methods=state.methods.model_dump(), ratio_scale=ratio_scale(state.methods), uncertainty_runs=runs,
        mean_composite=means,
    )

