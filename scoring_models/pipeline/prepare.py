"""The first steps: the coverage checks, then the kept indicators and zones with their raw values."""

from __future__ import annotations

import numpy as np

from scoring_models.base import ExcludedIndicator, ExcludedZone
from scoring_models.catalog import Direction, indicator_catalog
from scoring_models.pipeline.result import end_unranked
from scoring_models.pipeline.state import KeptIndicators, PipelineState
from scoring_models.steps import checks


def check_coverage(state: PipelineState) -> None:
    """Drop indicators below the indicator-coverage threshold, then zones below the zone one.

    Each dropped indicator and zone is listed with its reason; the run ends when nothing is left.
    """
    spec, m = state.spec, state.selected
    if not m.years or not m.zones:
        reason = "the matrix has no data for the evaluation year"
        state.excluded = [ExcludedZone(code=z, reason=reason, coverage=0.0) for z in m.zones]
        end_unranked(state)
        return
    thresholds = spec.checks
    cov = checks.coverage(
        np.array(m.current), indicator_min=thresholds.indicator_coverage, zone_min=thresholds.zone_coverage
    )
    state.coverage = cov
    codes = m.indicator_codes
    state.excluded_indicators = [
        ExcludedIndicator(
            code=codes[i],
            coverage=float(cov.indicator_coverage[i]),
            reason=f"indicator coverage {cov.indicator_coverage[i]:.0%} is below the "
            f"{thresholds.indicator_coverage:.0%} threshold",
        )
        for i in np.flatnonzero(~cov.keep_indicators)
    ]
    if not cov.keep_indicators.any():
        reason = "no indicator of the model meets the indicator-coverage threshold"
        state.excluded = [
            ExcludedZone(code=z, reason=reason, coverage=float(c))
            for z, c in zip(m.zones, cov.zone_coverage, strict=True)
        ]
        end_unranked(state)
        return
    n_ind = len(codes)
    state.excluded = [
        ExcludedZone(
            code=m.zones[z],
            coverage=float(cov.zone_coverage[z]),
            reason=f"reports {round(float(cov.zone_coverage[z]) * n_ind)} of {n_ind} indicators "
            f"({cov.zone_coverage[z]:.0%}), below the {thresholds.zone_coverage:.0%} "
            "zone-coverage threshold",
        )
        for z in np.flatnonzero(~cov.keep_zones)
    ]
    if not cov.keep_zones.any():
        end_unranked(state)


def keep_checked(state: PipelineState) -> None:
    """The kept indicators (direction, target, pillar, weight) and the kept zones' raw values and history."""
    spec, m, cov = state.spec, state.selected, state.coverage
    assert cov is not None  # set by check_coverage, which runs before this step
    cat = indicator_catalog().by_code()
    specs = [spec.indicators[i] for i in np.flatnonzero(cov.keep_indicators)]
    pillars = [p.code for p in spec.pillars]
    higher = [(i.direction or cat[i.code].direction) == Direction.HIGHER for i in specs]
    state.kept = KeptIndicators(
        codes=tuple(i.code for i in specs),
        directions=np.array([1.0 if h else -1.0 for h in higher]),
        targets=np.array([np.nan if i.target is None else float(i.target) for i in specs]),
        pillar=np.array([pillars.index(i.pillar) for i in specs], dtype=np.int_),
        weights=np.array([i.weight for i in specs]),
        goalposts=np.array(
            [[np.nan, np.nan] if i.goalposts is None else [i.goalposts.lower, i.goalposts.upper] for i in specs]
        ).reshape(len(specs), 2).T,
    )
    keep_z = np.flatnonzero(cov.keep_zones)
    sub = m.select(zones=[m.zones[z] for z in keep_z], indicators=list(state.kept.codes))
    state.zones, state.indicators = sub.zones, state.kept.codes
    state.zone_coverage = cov.zone_coverage[keep_z]
    state.raw, state.history = np.array(sub.current), np.array(sub.history)
