"""Zone-years measured against the base year: the reference, RPI tiers, profiles, progress and ranks.

Every year is judged by the base year's yardstick (EIS "relative to the base year"): the reference of
a zone is the mean composite of its base-year peer group over the members scored in the base year;
its RPI in any year is its composite over that mean × 100, and the model's tier thresholds apply to
it as in a cross-section. Profiles put the innovation and scale axes of every year against the
base-year peer medians of those axes. The gap to the next tier holds the reference fixed (it is the
base year's, so a zone's later gains do not move it): ``threshold / 100 × reference − composite``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from scoring_models.arrays import FloatArray, IntArray
from scoring_models.panel.result import PanelReference, ReferenceGroup
from scoring_models.pipeline.classify import profile_axes, ratio_scale
from scoring_models.pipeline.state import PipelineState
from scoring_models.steps import explain, tiers
from scoring_models.steps.peer_groups import PeerGroups


def _per_group(values: FloatArray, group: IntArray, n_groups: int, stat: str) -> FloatArray:
    """The statistic (``mean`` or ``median``) of ``values`` in each group; NaN for an empty group."""
    out = np.full(n_groups, np.nan)
    fn = np.nanmean if stat == "mean" else np.nanmedian
    for g in np.unique(group):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing group has no statistic
            out[g] = fn(values[group == g])
    return out


@dataclass(frozen=True)
class Classified:
    """Per stacked row: rank within its year, RPI, tier and subgroup, profile, progress, gap."""

    rank: IntArray
    rpi: FloatArray
    tier: tiers.TierAssignment
    profile: IntArray  # index into tiers.PROFILE_CODES, -1 = none
    progress_points: FloatArray
    progress_pct: FloatArray
    gap: FloatArray
    reference: PanelReference


def reference(composite: FloatArray, group: IntArray, base_rows: np.ndarray, groups: PeerGroups,
              base_year: int) -> tuple[FloatArray, PanelReference]:
    """Each base-year peer group's mean composite over its members scored in the base year."""
    means = _per_group(composite[base_rows], group[base_rows], len(groups.codes), "mean")
    sizes = np.bincount(group[base_rows], minlength=len(groups.codes))
    return means, PanelReference(base_year=base_year, groups=[
        ReferenceGroup(code=code, size=int(sizes[g]), mean_composite=float(means[g]) if sizes[g] else None)
        for g, code in enumerate(groups.codes)
    ])


def _year_ranks(composite: FloatArray, year: IntArray) -> IntArray:
    ranks = np.zeros(len(composite), dtype=np.int_)
    for y in np.unique(year):
        rows = year == y
        ranks[rows] = explain.competition_rank(composite[rows])
    return ranks


def _profiles(state: PipelineState, group: IntArray, base_rows: np.ndarray, n_groups: int) -> IntArray:
    axes = profile_axes(state.spec.profiles, state.indicators, state.normalised)
    if axes is None:
        return np.full(len(group), -1, dtype=np.int_)
    inn, sca = axes
    inn_median = _per_group(inn[base_rows], group[base_rows], n_groups, "median")
    sca_median = _per_group(sca[base_rows], group[base_rows], n_groups, "median")
    return tiers.profiles(inn, sca, inn_median[group], sca_median[group])


def _progress(composite: FloatArray, zone: IntArray, base_rows: np.ndarray, n_zones: int,
              ratio: bool) -> tuple[FloatArray, FloatArray]:
    base = np.full(n_zones, np.nan)
    base[zone[base_rows]] = composite[base_rows]
    points = composite - base[zone]
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(ratio & (base[zone] > 0), 100.0 * points / base[zone], np.nan)
    return points, np.asarray(pct, dtype=np.float64)


def classify(state: PipelineState, zone: IntArray, year: IntArray, groups: PeerGroups, base_index: int,
             base_year: int, n_zones: int) -> Classified:
    """Rank, RPI, tiers, profiles, progress and gaps of every stacked row (see the module docstring)."""
    composite, group = state.composite, groups.index[zone]
    base_rows = year == base_index
    means, ref = reference(composite, group, base_rows, groups, base_year)
    ratio = ratio_scale(state.methods)
    ref_mean = means[group] if ratio else np.full(len(composite), np.nan)
    rpi = tiers.rpi(composite, ref_mean)
    thresholds = np.asarray(state.spec.tiers.thresholds, dtype=np.float64)
    assignment = tiers.assign_tiers(rpi, state.spec.tiers.thresholds)
    t = assignment.tier
    target = np.where(t >= 1, thresholds[np.clip(t - 1, 0, len(thresholds) - 1)], np.nan)
    gap = np.where(t >= 1, np.maximum(target / 100.0 * ref_mean - composite, 0.0), np.nan)
    points, pct = _progress(composite, zone, base_rows, n_zones, ratio)
    return Classified(
        rank=_year_ranks(composite, year), rpi=rpi, tier=assignment,
        profile=_profiles(state, group, base_rows, len(groups.codes)), progress_points=points,
        progress_pct=pct, gap=np.asarray(gap, dtype=np.float64), reference=ref,
    )
