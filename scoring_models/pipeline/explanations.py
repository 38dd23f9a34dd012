"""The explaining steps: contributions and highlights, Monte Carlo uncertainty, cultivation badges."""

from __future__ import annotations

import numpy as np

from scoring_models.arrays import FloatArray
from scoring_models.base import CorrelationFlag, IndicatorMatrix
from scoring_models.pipeline.score import nature_caps, normalise_alternatives, uncertainty_alternatives
from scoring_models.pipeline.state import PipelineState
from scoring_models.spec import BadgeSpec
from scoring_models.steps import badges, checks, explain, peer_groups
from scoring_models.steps import uncertainty as unc
from scoring_models.steps import weighting as wt


def explain_scores(state: PipelineState) -> None:
    """Contributions, strengths and weaknesses against the peer median, effective weights and
    contribution shares, and pairs of indicators correlated above the threshold."""
    spec, norm, w, codes = state.spec, state.normalised, state.weights, state.indicators
    state.contributions = explain.contributions(norm, state.row_weights)
    state.peer_median = peer_groups.group_stat(norm, state.groups, "median")
    state.deltas = np.where((w > 0)[None, :], explain.peer_deltas(norm, state.peer_median), np.nan)
    state.strengths = explain.top_k(state.deltas, spec.explain.top_n, largest=True)
    state.weaknesses = explain.top_k(state.deltas, spec.explain.top_n, largest=False)
    state.effective_weights = wt.effective_weights(norm, state.composite, w)
    mean_c = float(np.mean(state.composite))
    state.contribution_shares = (
        state.contributions.mean(axis=0) / mean_c if mean_c != 0 else np.zeros(len(codes))
    )
    state.correlation_flags = [
        CorrelationFlag(a=codes[a], b=codes[b], r=r)
        for a, b, r in checks.correlated_pairs(state.raw, spec.checks.correlation_threshold)
    ]


def estimate_uncertainty(state: PipelineState) -> None:
    """Monte Carlo rank intervals and sensitivity over noisy weights (kept within the nature caps)
    × the run's own methods and the spec's alternatives."""
    spec = state.spec
    runs = state.options.uncertainty_runs if spec.uncertainty.enabled else 0
    if runs <= 0:
        return
    normalisations, aggregations = uncertainty_alternatives(state)
    natures, caps = nature_caps(state)
    state.uncertainty = unc.monte_carlo(
        normalise_alternatives(state, normalisations),
        state.weights,
        aggregations=aggregations,
        runs=runs,
        noise=spec.uncertainty.weight_noise,
        seed=state.options.seed,
        settings=spec.aggregation,
        project=(lambda w: wt.apply_share_caps(w, natures, caps)) if caps else None,
        normalisation_names=normalisations,
    )


def award_badges(state: PipelineState) -> None:
    """Cultivation badges (all catalog indicators, all history) computed on the national population
    (``matrix.population``): the chain rankings and the national median do not depend on the filter."""
    state.badges = zone_badges(state.spec.badges, state.matrix.population)


def zone_badges(rules: BadgeSpec, matrix: IndicatorMatrix) -> dict[str, list[str]]:
    """Each zone's badges (zones without any are left out); empty when the rules are disabled."""
    if not rules.enabled or not matrix.zones or not matrix.years:
        return {}
    hist = matrix.history
    codes = matrix.indicator_codes
    n = len(matrix.zones)

    def series(code: str) -> FloatArray:
        if code in codes:
            return np.array(hist[:, codes.index(code), :], dtype=np.float64)
        return np.full((n, hist.shape[2]), np.nan)

    enough = badges.enough_history(series("revenue"), min_years=rules.min_history_years)
    growth = np.stack([series(c) for c in rules.gazelle_indicators], axis=1)
    gazelle = enough & badges.gazelle(growth, growth=rules.gazelle_growth, years=rules.gazelle_years)
    chain_names = np.array(matrix.meta_values("leading_chain"), dtype=object)
    _, chain = np.unique(chain_names, return_inverse=True)
    chain = np.where(chain_names == "na", -1, chain).astype(np.int64)
    national = np.array(matrix.meta_values("level"), dtype=object) == "national"
    revenue = matrix.lookup("revenue")
    share = matrix.lookup("leading_chain_share")
    hidden = enough & badges.hidden_champion(
        matrix.lookup("leading_chain_lq"), share, revenue, chain, national,
        quantile=rules.hidden_lq_quantile, min_share=rules.hidden_min_share,
    )
    chain_revenue = matrix.lookup("leading_chain_revenue")
    # without a stored breakdown, the leading chain's revenue follows from its reported share
    chain_revenue = np.where(np.isnan(chain_revenue), revenue * share / 100.0, chain_revenue)
    single = enough & badges.single_champion(chain_revenue, chain, top_n=rules.single_top_n)
    flags = np.column_stack([gazelle, hidden, single])
    names = np.array([badges.GAZELLE, badges.HIDDEN_CHAMPION, badges.SINGLE_CHAMPION], dtype=object)
    return {matrix.zones[z]: [str(x) for x in names[flags[z]]] for z in np.flatnonzero(flags.any(axis=1))}
