"""The classifying steps: ranks, RPI tiers with their gaps, and two-axis profiles."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from scoring_models.arrays import FloatArray
from scoring_models.catalog import indicator_catalog
from scoring_models.methods import Methods
from scoring_models.pipeline.state import PipelineState
from scoring_models.spec import ProfileSpec
from scoring_models.steps import aggregation as agg
from scoring_models.steps import explain, peer_groups, tiers
from scoring_models.steps.normalisation import NORMALISATIONS


def ratio_scale(methods: Methods) -> bool:
    """Whether composites of ``methods`` have a meaningful ratio to a mean (the RPI): scores never
    negative, or an aggregation putting composites on its own scale (TOPSIS)."""
    return (
        NORMALISATIONS.get(methods.normalisation).nonnegative
        or agg.AGGREGATIONS.get(methods.aggregation).own_scale
    )


def profile_axes(
    settings: ProfileSpec, indicators: Sequence[str], normalised: FloatArray
) -> tuple[FloatArray, FloatArray] | None:
    """The innovation and scale axes of every row: equal-weighted means of the normalised indicators
    in the axis's dimensions; None when profiles are off or an axis has no indicator."""
    if not settings.enabled:
        return None
    cat = indicator_catalog().by_code()
    dims = np.array([cat[c].dimension for c in indicators])
    inn_cols = np.isin(dims, settings.innovation_dimensions)
    sca_cols = np.isin(dims, settings.scale_dimensions)
    if not (inn_cols.any() and sca_cols.any()):
        return None
    inn = agg.arithmetic(normalised[:, inn_cols], np.ones(int(inn_cols.sum())))
    sca = agg.arithmetic(normalised[:, sca_cols], np.ones(int(sca_cols.sum())))
    return inn, sca


def rank(state: PipelineState) -> None:
    """Overall and peer-group ranks (1 = best, ties share the better rank); peer-group sizes and sums."""
    composite, groups = state.composite, state.groups
    state.rank = explain.competition_rank(composite)
    same = groups.index[:, None] == groups.index[None, :]
    state.peer_rank = 1 + (same & (composite[None, :] > composite[:, None])).sum(axis=1)
    state.group_sizes = np.bincount(groups.index, minlength=len(groups.codes))
    state.group_sums = np.asarray(
        np.bincount(groups.index, weights=composite, minlength=len(groups.codes)), dtype=np.float64
    )


def assign_tiers(state: PipelineState) -> None:
    """RPI against the peer mean, tiers with ± subgroups, and the composite gap to the next tier.

    The RPI is a ratio, so it needs composites on a non-negative scale: none is given when the
    normalisation can give negative scores (z-scores centre on 0) unless the aggregation puts
    composites on its own scale (TOPSIS).
    """
    thresholds = state.spec.tiers.thresholds
    peer_sum, peer_size = state.group_sums[state.groups.index], state.peer_size
    if ratio_scale(state.methods):
        state.rpi = np.where(peer_size >= 2, tiers.rpi(state.composite, peer_sum / peer_size), np.nan)
    else:
        state.rpi = np.full(len(state.zones), np.nan)
    state.tier_assignment = tiers.assign_tiers(state.rpi, thresholds)
    state.gap_to_next_tier = tiers.gap_to_next_tier(
        state.composite, peer_sum, peer_size, state.tier_assignment.tier, thresholds
    )


def classify_profiles(state: PipelineState) -> None:
    """Profiles from the innovation and scale axes against their peer medians (none if an axis is empty,
    or for a zone alone in its group)."""
    state.profiles = np.full(len(state.zones), -1, dtype=np.int_)
    axes = profile_axes(state.spec.profiles, state.indicators, state.normalised)
    if axes is None:
        return
    inn, sca = axes
    profiles = tiers.profiles(
        inn,
        sca,
        peer_groups.group_stat(inn, state.groups, "median"),
        peer_groups.group_stat(sca, state.groups, "median"),
    )
    # alone in its group a zone is its own median, "high" on both axes by construction
    state.profiles = np.where(state.peer_size >= 2, profiles, -1).astype(np.int_)
