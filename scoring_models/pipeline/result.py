"""The run's result: every ranked zone with its scores, tier, profile and explanations, or nobody."""

from __future__ import annotations

from typing import Literal

import numpy as np

from scoring_models.base import (
    EvaluationResult,
    Highlight,
    IndicatorScore,
    ModelInfo,
    PeerGroupInfo,
    RankInterval,
    SensitivityIndex,
    ZoneResult,
)
from scoring_models.labels import LabelKind, label
from scoring_models.pipeline.state import PipelineState
from scoring_models.spec import ModelSpec
from scoring_models.steps import tiers

_SIGN: dict[int, Literal["+", "", "-"]] = {1: "+", 0: "", -1: "-"}


def _opt(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


def _pillar_weights(spec: ModelSpec) -> dict[str, float]:
    total = sum(p.weight for p in spec.pillars)
    return {p.code: p.weight / total for p in spec.pillars}


def _result(state: PipelineState, zones: list[ZoneResult], info: ModelInfo) -> EvaluationResult:
    return EvaluationResult(
        model_key=state.spec.key,
        model_version=state.spec.version,
        evaluation_year=state.selected.evaluation_year,
        seed=state.options.seed,
        zones=zones,
        excluded=sorted(state.excluded, key=lambda e: e.code),
        info=info,
    )


def end_unranked(state: PipelineState) -> None:
    """End the run with nobody ranked: every zone is in ``state.excluded`` with its reason."""
    info = ModelInfo(
        nominal_weights=state.spec.nominal_weights(),
        applied_weights={},
        effective_weights={},
        contribution_shares={},
        pillar_weights=_pillar_weights(state.spec),
        correlation_flags=[],
        excluded_indicators=state.excluded_indicators,
        outliers=[],
        methods=state.methods.model_dump(),
        peer_groups=[],
        uncertainty_runs=0,
        sensitivity=[],
    )
    state.result = _result(state, [], info)


def _model_info(state: PipelineState) -> ModelInfo:
    codes, groups, mc = state.indicators, state.groups, state.uncertainty
    sizes, sums = state.group_sizes, state.group_sums
    return ModelInfo(
        nominal_weights=state.spec.nominal_weights(),
        applied_weights={c: float(w) for c, w in zip(codes, state.weights, strict=True)},
        effective_weights={c: float(w) for c, w in zip(codes, state.effective_weights, strict=True)},
        contribution_shares={c: float(s) for c, s in zip(codes, state.contribution_shares, strict=True)},
        pillar_weights=_pillar_weights(state.spec),
        correlation_flags=state.correlation_flags,
        excluded_indicators=state.excluded_indicators,
        zero_variance_indicators=[codes[i] for i in np.flatnonzero(state.zero_variance)],
        outliers=state.outlier_treatments,
        methods=state.methods.model_dump(),
        peer_groups=[
            PeerGroupInfo(code=groups.codes[g], size=int(sizes[g]), mean_composite=float(sums[g] / sizes[g]))
            for g in range(len(groups.codes))
            if sizes[g] > 0
        ],
        uncertainty_runs=mc.runs if mc is not None else 0,
        uncertainty_alternatives={"normalisation": list(mc.normalisations), "aggregation": list(mc.aggregations)}
        if mc is not None
        else {},
        sensitivity=[
            SensitivityIndex(factor=f, first_order=mc.first_order[f], total=mc.total[f]) for f in mc.first_order
        ]
        if mc is not None
        else [],
    )


def _indicator_scores(state: PipelineState, z: int) -> list[IndicatorScore]:
    return [
        IndicatorScore(
            code=code,
            raw=_opt(state.raw[z, i]),
            value=_opt(state.treated[z, i]),
            normalised=_opt(state.normalised[z, i]),
            weight=float(state.row_weights[z, i]),
            contribution=float(state.contributions[z, i]),
            imputed=bool(state.imputed_mask[z, i]),
        )
        for i, code in enumerate(state.indicators)
    ]


def _highlights(state: PipelineState, z: int, picks: np.ndarray) -> list[Highlight]:
    return [
        Highlight(
            code=state.indicators[i],
            normalised=float(state.normalised[z, i]),
            peer_median=float(state.peer_median[z, i]),
            delta=float(state.deltas[z, i]),
        )
        for i in picks[z]
        if i >= 0
    ]


def _zone_result(state: PipelineState, z: int) -> ZoneResult:
    assert state.tier_assignment is not None  # set by the tier step, which runs before this one
    spec, mc = state.spec, state.uncertainty
    tier_defs = spec.tiers.tiers
    t, p = int(state.tier_assignment.tier[z]), int(state.profiles[z])
    profile = tiers.PROFILE_CODES[p] if p >= 0 else None
    return ZoneResult(
        code=state.zones[z],
        composite=float(state.composite[z]),
        pillar_scores={pl.code: _opt(state.pillar_scores[z, n]) for n, pl in enumerate(spec.pillars)},
        rank=int(state.rank[z]),
        peer_group=state.groups.codes[state.groups.index[z]],
        peer_rank=int(state.peer_rank[z]),
        peer_group_size=int(state.peer_size[z]),
        rpi=_opt(state.rpi[z]),
        tier=tier_defs[t].code if t >= 0 else None,
        tier_zh=tier_defs[t].name_zh if t >= 0 else None,
        subgroup=(_SIGN[int(state.tier_assignment.subgroup[z])] if spec.tiers.subgroups else "") if t >= 0 else None,
        profile=profile,
        profile_zh=label(LabelKind.PROFILES, profile) if profile is not None else None,
        risk_flags=["low_tech_drift"] if profile == "plateau" else [],
        badges=state.badges.get(state.zones[z], []),
        indicators=_indicator_scores(state, z),
        coverage=float(state.zone_coverage[z]),
        imputed_cells=[state.indicators[i] for i in np.flatnonzero(state.imputed_mask[z])],
        rank_interval=RankInterval(p5=int(mc.p5[z]), median=int(mc.median[z]), p95=int(mc.p95[z]))
        if mc is not None
        else None,
        strengths=_highlights(state, z, state.strengths),
        weaknesses=_highlights(state, z, state.weaknesses),
        next_tier=tier_defs[t - 1].code if t >= 1 else None,
        gap_to_next_tier=_opt(state.gap_to_next_tier[z]),
    )


def assemble(state: PipelineState) -> None:
    """The result: ranked zones best first, excluded zones with reasons, and the model-level facts."""
    order = np.argsort(state.rank, kind="stable")
    state.result = _result(state, [_zone_result(state, int(z)) for z in order], _model_info(state))
