"""The COINr-style pipeline behind spec-declared models, keeping every intermediate.

Order: select the model's indicators → checks (indicator then zone coverage; correlated pairs)
→ peer groups → imputation → outlier treatment → normalisation → weights (method inside
pillars, pillar weights from the spec, nature caps) → aggregation (composite and pillar scores)
→ ranks → RPI tiers and subgroups → profiles → explanations → Monte Carlo uncertainty.
:func:`run_pipeline` returns a :class:`PipelineState` with every intermediate array, so a notebook
can inspect any step; :class:`SpecModel` wraps it as a :class:`ScoringModel`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from scoring_models.base import (
    BoolArray,
    CorrelationFlag,
    EvaluationOptions,
    EvaluationResult,
    ExcludedIndicator,
    ExcludedZone,
    FloatArray,
    Highlight,
    IndicatorMatrix,
    IndicatorScore,
    ModelIndicator,
    ModelInfo,
    OutlierTreatment,
    PeerGroupInfo,
    Pillar,
    RankInterval,
    SensitivityIndex,
    TierScheme,
    ZoneResult,
)
from scoring_models.catalog import Direction, indicator_catalog
from scoring_models.labels import LabelKind, label
from scoring_models.spec import ModelSpec
from scoring_models.steps import aggregation as agg
from scoring_models.steps import badges, checks, explain, imputation, normalisation, outliers, peer_groups, tiers
from scoring_models.steps import uncertainty as unc
from scoring_models.steps import weighting as wt


@dataclass
class PipelineState:
    """Every intermediate of one run (arrays are zones × indicators for the ranked zones)."""

    methods: dict[str, str]
    zones: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    raw: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    imputed: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    imputed_mask: BoolArray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    treated: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    normalised: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    weights: FloatArray = field(default_factory=lambda: np.zeros(0))
    row_weights: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    composite: FloatArray = field(default_factory=lambda: np.zeros(0))
    pillar_scores: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    groups: peer_groups.PeerGroups | None = None
    rank: npt.NDArray[np.int_] = field(default_factory=lambda: np.zeros(0, dtype=np.int_))
    rpi: FloatArray = field(default_factory=lambda: np.zeros(0))
    tier_assignment: tiers.TierAssignment | None = None
    uncertainty: unc.UncertaintyResult | None = None
    result: EvaluationResult | None = None


def _methods(spec: ModelSpec, options: EvaluationOptions) -> dict[str, str]:
    o = options.overrides
    return {
        "imputation": o.imputation or spec.imputation.method,
        "outliers": o.outliers or spec.outliers.method,
        "normalisation": o.normalisation or spec.normalisation.method,
        "weighting": o.weighting or spec.weighting.method,
        "aggregation": o.aggregation or spec.aggregation.method,
        "peer_groups": o.peer_groups or spec.peer_groups.method,
    }


def _normalise(method: str, x: FloatArray, directions: FloatArray, targets: FloatArray) -> FloatArray:
    if method == "minmax":
        return normalisation.minmax(x, directions)
    if method == "zscore":
        return normalisation.zscore(x, directions)
    if method == "rank":
        return normalisation.rank_percentile(x, directions)
    if method == "target":
        if np.isnan(targets).any():
            raise ValueError("distance-to-target normalisation needs a target for every indicator")
        return normalisation.distance_to_target(x, directions, targets)
    raise ValueError(f"unknown normalisation {method!r}")


def _aggregate(method: str, x: FloatArray, w: FloatArray, shift: float) -> FloatArray:
    if method == "arithmetic":
        return agg.arithmetic(x, w)
    if method == "geometric":
        # specs reject geometric + z-score; a per-run override gets the documented column shift
        return agg.geometric(agg.shift_nonnegative(x), w, shift=shift)
    if method == "topsis":
        return 100.0 * agg.topsis(x, w)
    raise ValueError(f"unknown aggregation {method!r}")


def _within_pillar_weights(
    method: str, spec: ModelSpec, x_minmax: FloatArray, pillar_idx: npt.NDArray[np.int_], spec_w: FloatArray
) -> FloatArray:
    """Weights inside each pillar by ``method``; zero spec weights stay zero (they are switched off)."""
    if method == "expert":
        return spec_w
    # data-driven methods need a complete matrix: a missing cell takes its column mean (50 if empty)
    col_mean = np.nanmean(np.where(np.isnan(x_minmax).all(axis=0), 50.0, x_minmax), axis=0)
    filled = np.where(np.isnan(x_minmax), col_mean[None, :], x_minmax)
    out = np.zeros(len(spec_w))
    for p in np.unique(pillar_idx):
        cols = pillar_idx == p
        block = filled[:, cols]
        if method == "equal":
            w = wt.equal_weights(int(cols.sum()))
        elif method == "entropy":
            w = wt.entropy_weights(block)
        elif method == "critic":
            w = wt.critic_weights(block)
        elif method == "pca":
            w = wt.pca_weights(block, min_eigenvalue=spec.weighting.pca_min_eigenvalue)
        else:
            raise ValueError(f"unknown weighting {method!r}")
        out[cols] = w
    return np.where(spec_w > 0, out, 0.0)


def _empty_info(spec: ModelSpec, methods: dict[str, str], excluded_ind: list[ExcludedIndicator]) -> ModelInfo:
    return ModelInfo(
        nominal_weights=spec.nominal_weights(),
        applied_weights={},
        effective_weights={},
        contribution_shares={},
        pillar_weights=_pillar_weights(spec),
        correlation_flags=[],
        excluded_indicators=excluded_ind,
        outliers=[],
        methods=methods,
        peer_groups=[],
        uncertainty_runs=0,
        sensitivity=[],
    )


def _nobody_ranked(
    spec: ModelSpec,
    matrix: IndicatorMatrix,
    options: EvaluationOptions,
    methods: dict[str, str],
    excluded: list[ExcludedZone],
    excluded_ind: list[ExcludedIndicator],
) -> EvaluationResult:
    return EvaluationResult(
        model_key=spec.key,
        model_version=spec.version,
        evaluation_year=matrix.evaluation_year,
        seed=options.seed,
        zones=[],
        excluded=sorted(excluded, key=lambda e: e.code),
        info=_empty_info(spec, methods, excluded_ind),
    )


def _pillar_weights(spec: ModelSpec) -> dict[str, float]:
    total = sum(p.weight for p in spec.pillars)
    return {p.code: p.weight / total for p in spec.pillars}


def _opt(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


def run_pipeline(
    spec: ModelSpec, matrix: IndicatorMatrix, options: EvaluationOptions | None = None
) -> PipelineState:
    """Run every step for ``spec`` on ``matrix`` and return all intermediates plus the result."""
    options = options or EvaluationOptions()
    methods = _methods(spec, options)
    state = PipelineState(methods=methods)
    codes = [i.code for i in spec.indicators]
    cat = indicator_catalog().by_code()
    m = matrix.select(indicators=codes)
    n_ind = len(codes)
    if not m.years or not m.zones:
        reason = "the matrix has no data for the evaluation year"
        result = _nobody_ranked(
            spec,
            m,
            options,
            methods,
            [ExcludedZone(code=z, reason=reason, coverage=0.0) for z in m.zones],
            [],
        )
        state.result = result
        return state
    raw_all = np.array(m.current)

    # 1. checks
    cov = checks.coverage(
        raw_all, indicator_min=spec.checks.indicator_coverage, zone_min=spec.checks.zone_coverage
    )
    excluded_ind = [
        ExcludedIndicator(
            code=codes[i],
            coverage=float(cov.indicator_coverage[i]),
            reason=f"indicator coverage {cov.indicator_coverage[i]:.0%} is below the "
            f"{spec.checks.indicator_coverage:.0%} threshold",
        )
        for i in np.flatnonzero(~cov.keep_indicators)
    ]
    keep_i = np.flatnonzero(cov.keep_indicators)
    if keep_i.size == 0:
        reason = "no indicator of the model meets the indicator-coverage threshold"
        everyone = [
            ExcludedZone(code=z, reason=reason, coverage=float(c))
            for z, c in zip(m.zones, cov.zone_coverage, strict=True)
        ]
        state.result = _nobody_ranked(spec, m, options, methods, everyone, excluded_ind)
        return state
    excluded: list[ExcludedZone] = [
        ExcludedZone(
            code=m.zones[z],
            coverage=float(cov.zone_coverage[z]),
            reason=f"reports {round(float(cov.zone_coverage[z]) * n_ind)} of {n_ind} indicators "
            f"({cov.zone_coverage[z]:.0%}), below the {spec.checks.zone_coverage:.0%} "
            "zone-coverage threshold",
        )
        for z in np.flatnonzero(~cov.keep_zones)
    ]
    keep_z = np.flatnonzero(cov.keep_zones)
    if keep_z.size == 0:
        state.result = _nobody_ranked(spec, m, options, methods, excluded, excluded_ind)
        return state
    kcodes = [codes[i] for i in keep_i]
    spec_by_code = {i.code: i for i in spec.indicators}
    directions = np.array(
        [1.0 if (spec_by_code[c].direction or cat[c].direction) == Direction.HIGHER else -1.0 for c in kcodes]
    )
    targets = np.array(
        [np.nan if spec_by_code[c].target is None else float(spec_by_code[c].target or 0.0) for c in kcodes]
    )
    pillar_codes = [p.code for p in spec.pillars]
    pillar_idx = np.array([pillar_codes.index(spec_by_code[c].pillar) for c in kcodes], dtype=np.int_)
    spec_w = np.array([spec_by_code[c].weight for c in kcodes])
    pillar_w = np.array([p.weight for p in spec.pillars], dtype=np.float64)

    sub = m.select(zones=[m.zones[z] for z in keep_z], indicators=kcodes)
    raw = np.array(sub.current)
    hist = np.array(sub.history)

    # 2. peer groups
    groups = _peer_groups(spec, methods["peer_groups"], matrix.select(zones=list(sub.zones)))

    # 3. imputation
    if methods["imputation"] == "peer_median":
        imputed, mask = imputation.impute_peer_median(raw, groups.index)
    elif methods["imputation"] == "last_observed":
        imputed, mask = imputation.impute_last_observed(hist)
    else:
        imputed, mask = imputation.impute_none(raw)

    # 4. outliers
    if methods["outliers"] == "winsorise_log":
        treated_res = outliers.treat_outliers(
            imputed,
            skew_max=spec.outliers.skew_max,
            kurt_max=spec.outliers.kurtosis_max,
            max_points=spec.outliers.max_points,
        )
        treated = treated_res.values
        outlier_info = [
            OutlierTreatment(
                code=kcodes[i],
                skewness=float(treated_res.skewness[i]),
                kurtosis=float(treated_res.kurtosis[i]),
                winsorised_points=int(treated_res.winsorised_points[i]),
                log_transformed=bool(treated_res.log_transformed[i]),
            )
            for i in np.flatnonzero((treated_res.winsorised_points > 0) | treated_res.log_transformed)
        ]
    else:
        treated, outlier_info = imputed, []

    # 5. normalisation
    norm = _normalise(methods["normalisation"], treated, directions, targets)

    # 6. weights
    # the checks can leave only zero-weight or capped indicators; then nothing can be ranked
    try:
        within = _within_pillar_weights(
            methods["weighting"], spec, normalisation.minmax(treated, directions), pillar_idx, spec_w
        )
        applied = wt.within_groups(within, pillar_idx, pillar_w)
        caps = {n.value: c for n, c in spec.constraints.max_nature_share.items()}
        if caps:
            applied = wt.apply_share_caps(applied, [cat[c].nature.value for c in kcodes], caps)
    except ValueError as exc:
        reason = f"the indicators kept after the checks cannot be weighted ({exc})"
        excluded += [
            ExcludedZone(code=sub.zones[z], reason=reason, coverage=float(cov.zone_coverage[keep_z[z]]))
            for z in range(len(sub.zones))
        ]
        state.result = _nobody_ranked(spec, m, options, methods, excluded, excluded_ind)
        return state

    # 7. aggregation; zones with nothing to aggregate leave the ranking here
    shift = spec.aggregation.geometric_shift
    composite = _aggregate(methods["aggregation"], norm, applied, shift)
    scored = np.isfinite(composite)
    for z in np.flatnonzero(~scored):
        excluded.append(
            ExcludedZone(
                code=sub.zones[z],
                coverage=float(cov.zone_coverage[keep_z[z]]),
                reason="no value among the indicators kept after the checks",
            )
        )
    if not scored.any():
        state.result = _nobody_ranked(spec, m, options, methods, excluded, excluded_ind)
        return state
    if not scored.all():
        keep_z = keep_z[scored]
        raw, imputed, treated, norm = raw[scored], imputed[scored], treated[scored], norm[scored]
        mask, composite = mask[scored], composite[scored]
        groups = peer_groups.PeerGroups(index=groups.index[scored], codes=groups.codes)
    zones = tuple(m.zones[z] for z in keep_z)
    n_z = len(zones)
    rw = agg.row_weights(norm, applied)
    pillar_scores = np.full((n_z, len(pillar_codes)), np.nan)
    for p in range(len(pillar_codes)):
        cols = pillar_idx == p
        if cols.any() and applied[cols].sum() > 0:
            pillar_scores[:, p] = _aggregate(methods["aggregation"], norm[:, cols], applied[cols], shift)

    # 8. ranks
    rank = explain.competition_rank(composite)
    same = groups.index[:, None] == groups.index[None, :]
    peer_rank = 1 + (same & (composite[None, :] > composite[:, None])).sum(axis=1)
    sizes = np.bincount(groups.index, minlength=len(groups.codes))
    sums = np.asarray(
        np.bincount(groups.index, weights=composite, minlength=len(groups.codes)), dtype=np.float64
    )
    peer_size = sizes[groups.index]
    peer_mean = sums[groups.index] / peer_size

    # 9. tiers; z-score composites centre on 0, so a ratio to the peer mean means nothing there
    if methods["normalisation"] == "zscore" and methods["aggregation"] != "topsis":
        rpi_v = np.full(n_z, np.nan)
    else:
        rpi_v = tiers.rpi(composite, peer_mean)
    assignment = tiers.assign_tiers(rpi_v, spec.tiers.thresholds)
    gap = tiers.gap_to_next_tier(
        composite, sums[groups.index], peer_size, assignment.tier, spec.tiers.thresholds
    )

    # 10. profiles
    prof = np.full(n_z, -1, dtype=np.int_)
    if spec.profiles.enabled:
        dims = np.array([cat[c].dimension for c in kcodes])
        inn_cols = np.isin(dims, spec.profiles.innovation_dimensions)
        sca_cols = np.isin(dims, spec.profiles.scale_dimensions)
        if inn_cols.any() and sca_cols.any():
            inn = agg.arithmetic(norm[:, inn_cols], np.ones(int(inn_cols.sum())))
            sca = agg.arithmetic(norm[:, sca_cols], np.ones(int(sca_cols.sum())))
            prof = tiers.profiles(
                inn,
                sca,
                peer_groups.group_stat(inn, groups, "median"),
                peer_groups.group_stat(sca, groups, "median"),
            )

    # 11. explanations
    contrib = explain.contributions(norm, rw)
    peer_med = peer_groups.group_stat(norm, groups, "median")
    deltas = np.where((applied > 0)[None, :], explain.peer_deltas(norm, peer_med), np.nan)
    top = spec.explain.top_n
    strong = explain.top_k(deltas, top, largest=True)
    weak = explain.top_k(deltas, top, largest=False)
    eff = wt.effective_weights(norm, composite, applied)
    mean_c = float(np.mean(composite))
    shares = contrib.mean(axis=0) / mean_c if mean_c != 0 else np.zeros(len(kcodes))
    flags = [
        CorrelationFlag(a=kcodes[a], b=kcodes[b], r=r)
        for a, b, r in checks.correlated_pairs(raw, spec.checks.correlation_threshold)
    ]

    # 12. uncertainty
    runs = options.uncertainty_runs if spec.uncertainty.enabled else 0
    mc: unc.UncertaintyResult | None = None
    if runs > 0:
        alts = [_normalise(k, treated, directions, targets) for k in spec.uncertainty.normalisations]
        mc = unc.monte_carlo(
            alts,
            applied,
            aggregations=spec.uncertainty.aggregations,
            runs=runs,
            noise=spec.uncertainty.weight_noise,
            seed=options.seed,
            shift=shift,
        )

    badge_map = _badges(spec, matrix)

    # assemble
    tier_defs = spec.tiers.tiers
    sign: dict[int, Literal["+", "", "-"]] = {1: "+", 0: "", -1: "-"}
    results: list[ZoneResult] = []
    for z in np.argsort(rank, kind="stable"):
        t = int(assignment.tier[z])
        ind_scores = [
            IndicatorScore(
                code=kcodes[i],
                raw=_opt(raw[z, i]),
                value=_opt(treated[z, i]),
                normalised=_opt(norm[z, i]),
                weight=float(rw[z, i]),
                contribution=float(contrib[z, i]),
                imputed=bool(mask[z, i]),
            )
            for i in range(len(kcodes))
        ]
        results.append(
            ZoneResult(
                code=zones[z],
                composite=float(composite[z]),
                pillar_scores={pillar_codes[p]: _opt(pillar_scores[z, p]) for p in range(len(pillar_codes))},
                rank=int(rank[z]),
                peer_group=groups.codes[groups.index[z]],
                peer_rank=int(peer_rank[z]),
                peer_group_size=int(peer_size[z]),
                rpi=_opt(rpi_v[z]),
                tier=tier_defs[t].code if t >= 0 else None,
                tier_zh=tier_defs[t].name_zh if t >= 0 else None,
                subgroup=(sign[int(assignment.subgroup[z])] if spec.tiers.subgroups else "")
                if t >= 0
                else None,
                profile=tiers.PROFILE_CODES[prof[z]] if prof[z] >= 0 else None,
                profile_zh=label(LabelKind.PROFILES, tiers.PROFILE_CODES[prof[z]]) if prof[z] >= 0 else None,
                risk_flags=["low_tech_drift"]
                if prof[z] >= 0 and tiers.PROFILE_CODES[prof[z]] == "plateau"
                else [],
                badges=badge_map.get(zones[z], []),
                indicators=ind_scores,
                coverage=float(cov.zone_coverage[keep_z[z]]),
                imputed_cells=[kcodes[i] for i in np.flatnonzero(mask[z])],
                rank_interval=RankInterval(
                    p5=float(mc.p5[z]), median=float(mc.median[z]), p95=float(mc.p95[z])
                )
                if mc is not None
                else None,
                strengths=[
                    Highlight(
                        code=kcodes[i],
                        normalised=float(norm[z, i]),
                        peer_median=float(peer_med[z, i]),
                        delta=float(deltas[z, i]),
                    )
                    for i in strong[z]
                    if i >= 0
                ],
                weaknesses=[
                    Highlight(
                        code=kcodes[i],
                        normalised=float(norm[z, i]),
                        peer_median=float(peer_med[z, i]),
                        delta=float(deltas[z, i]),
                    )
                    for i in weak[z]
                    if i >= 0
                ],
                next_tier=tier_defs[t - 1].code if t >= 1 else None,
                gap_to_next_tier=_opt(gap[z]),
            )
        )
    group_info = [
        PeerGroupInfo(code=groups.codes[g], size=int(sizes[g]), mean_composite=float(sums[g] / sizes[g]))
        for g in range(len(groups.codes))
        if sizes[g] > 0
    ]
    info = ModelInfo(
        nominal_weights=spec.nominal_weights(),
        applied_weights={c: float(w) for c, w in zip(kcodes, applied, strict=True)},
        effective_weights={c: float(w) for c, w in zip(kcodes, eff, strict=True)},
        contribution_shares={c: float(s) for c, s in zip(kcodes, shares, strict=True)},
        pillar_weights=_pillar_weights(spec),
        correlation_flags=flags,
        excluded_indicators=excluded_ind,
        outliers=outlier_info,
        methods=methods,
        peer_groups=group_info,
        uncertainty_runs=mc.runs if mc is not None else 0,
        sensitivity=[
            SensitivityIndex(factor=f, first_order=mc.first_order[f], total=mc.total[f])
            for f in mc.first_order
        ]
        if mc is not None
        else [],
    )
    state.zones, state.indicators = zones, tuple(kcodes)
    state.raw, state.imputed, state.imputed_mask, state.treated = raw, imputed, mask, treated
    state.normalised, state.weights, state.row_weights, state.composite = norm, applied, rw, composite
    state.pillar_scores, state.groups = pillar_scores, groups
    state.rank, state.rpi, state.tier_assignment, state.uncertainty = rank, rpi_v, assignment, mc
    state.result = EvaluationResult(
        model_key=spec.key,
        model_version=spec.version,
        evaluation_year=m.evaluation_year,
        seed=options.seed,
        zones=results,
        excluded=sorted(excluded, key=lambda e: e.code),
        info=info,
    )
    return state


def _badges(spec: ModelSpec, matrix: IndicatorMatrix) -> dict[str, list[str]]:
    """Cultivation badges of every zone of the full matrix (all catalog indicators, all history)."""
    rules = spec.badges
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


def _peer_groups(spec: ModelSpec, method: str, matrix: IndicatorMatrix) -> peer_groups.PeerGroups:
    """Peer groups for ``matrix`` (all its indicators available as band/cluster features)."""
    n = len(matrix.zones)
    if method == "rules" and spec.peer_groups.rules:
        rules = spec.peer_groups.rules
        feats = np.column_stack([matrix.lookup(r.feature) for r in rules]) if n else np.zeros((0, len(rules)))
        groups = peer_groups.rule_bands(feats, [r.thresholds for r in rules], [r.label for r in rules])
    elif method == "kmeans":
        names = spec.peer_groups.kmeans_features
        feats = np.column_stack([matrix.lookup(f) for f in names]) if n else np.zeros((0, len(names)))
        groups = peer_groups.kmeans_groups(
            feats, spec.peer_groups.n_clusters, seed=spec.peer_groups.seed, n_init=spec.peer_groups.n_init
        )
    else:
        groups = peer_groups.single_group(n)
    if method != "none":
        for name in spec.peer_groups.categories:
            groups = peer_groups.cross(peer_groups.categorical_groups(matrix.meta_values(name)), groups)
    return groups


class SpecModel:
    """A :class:`~scoring_models.base.ScoringModel` declared by a :class:`ModelSpec`.

    Construction only stores the spec; :meth:`evaluate` runs :func:`run_pipeline`.
    """

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec

    @property
    def key(self) -> str:
        """The spec's key."""
        return self.spec.key

    @property
    def version(self) -> str:
        """The spec's version."""
        return self.spec.version

    @property
    def title_zh(self) -> str:
        """Chinese title."""
        return self.spec.title_zh

    @property
    def title_en(self) -> str:
        """English title."""
        return self.spec.title_en

    @property
    def description(self) -> str:
        """Description."""
        return self.spec.description

    @property
    def pillars(self) -> tuple[Pillar, ...]:
        """Pillars with weights."""
        return self.spec.pillar_metadata()

    @property
    def indicators(self) -> tuple[ModelIndicator, ...]:
        """Indicators with pillar, weight and direction."""
        return self.spec.indicator_metadata()

    @property
    def tier_scheme(self) -> TierScheme:
        """The tier scheme."""
        return self.spec.tier_scheme()

    def evaluate(
        self, matrix: IndicatorMatrix, *, options: EvaluationOptions | None = None
    ) -> EvaluationResult:
        """Score, rank and classify the zones of ``matrix`` (deterministic for a given seed)."""
        state = run_pipeline(self.spec, matrix, options)
        assert state.result is not None  # run_pipeline always sets it; this narrows the type
        return state.result

    def __repr__(self) -> str:
        return f"SpecModel({self.key!r}, {self.version!r})"
