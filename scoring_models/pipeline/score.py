"""The scoring steps: peer groups, imputation, outliers, normalisation, weights, aggregation.

Each step looks its method up by name in the step's registry (``scoring_models.steps``) and
calls it with the step's section of the spec; none knows which methods exist.
"""

from __future__ import annotations

import numpy as np

from scoring_models.arrays import FloatArray
from scoring_models.base import ExcludedZone, OutlierTreatment
from scoring_models.catalog import indicator_catalog
from scoring_models.pipeline.result import end_unranked
from scoring_models.pipeline.state import PipelineState
from scoring_models.steps import aggregation as agg
from scoring_models.steps import weighting as wt
from scoring_models.steps.imputation import IMPUTATIONS, Cells
from scoring_models.steps.normalisation import NORMALISATIONS, Columns, minmax
from scoring_models.steps.outliers import OUTLIER_TREATMENTS
from scoring_models.steps.peer_groups import PEER_GROUPINGS, group_zones


def group_peers(state: PipelineState) -> None:
    """Peer groups of the kept zones; band and cluster features may be any indicator of the matrix."""
    method = PEER_GROUPINGS.get(state.methods.peer_groups)
    state.groups = group_zones(method, state.matrix.select(zones=list(state.zones)), state.spec.peer_groups)


def impute(state: PipelineState) -> None:
    """Fill missing evaluation-year cells by the imputation method, flagging every filled cell."""
    method = IMPUTATIONS.get(state.methods.imputation)
    cells = Cells(current=state.raw, history=state.history, groups=state.groups.index)
    state.imputed, state.imputed_mask = method.func(cells, state.spec.imputation)


def treat_outliers(state: PipelineState) -> None:
    """Treat outlying indicators by the outlier method; record what was done to each."""
    treated = OUTLIER_TREATMENTS.get(state.methods.outliers).func(state.imputed, state.spec.outliers)
    state.treated = treated.values
    state.outlier_treatments = [
        OutlierTreatment(
            code=state.indicators[i],
            skewness=float(treated.skewness[i]),
            kurtosis=float(treated.kurtosis[i]),
            winsorised_points=int(treated.winsorised_points[i]),
            log_transformed=bool(treated.log_transformed[i]),
        )
        for i in np.flatnonzero((treated.winsorised_points > 0) | treated.log_transformed)
    ]


def _columns(state: PipelineState) -> Columns:
    return Columns(values=state.treated, directions=state.kept.directions, targets=state.kept.targets)


def normalise(state: PipelineState) -> None:
    """Bring the treated values to a common higher-is-better scale by the normalisation method."""
    method = NORMALISATIONS.get(state.methods.normalisation)
    state.normalised = method.func(_columns(state), state.spec.normalisation)


def _own_first(own: str, alternatives: list[str]) -> tuple[str, ...]:
    return (own, *(name for name in dict.fromkeys(alternatives) if name != own))


def uncertainty_alternatives(state: PipelineState) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The normalisations and aggregations the Monte Carlo crosses: the run's own methods (after
    any override) first, then the spec's alternatives, so the reported configuration is always
    one of the runs."""
    spec, methods = state.spec.uncertainty, state.methods
    return _own_first(methods.normalisation, spec.normalisations), _own_first(methods.aggregation, spec.aggregations)


def normalise_alternatives(state: PipelineState, names: tuple[str, ...]) -> list[FloatArray]:
    """The treated values under each of the normalisations ``names`` (the run's own is reused)."""
    columns, settings = _columns(state), state.spec.normalisation
    own = state.methods.normalisation
    return [state.normalised if name == own else NORMALISATIONS.get(name).func(columns, settings) for name in names]


def nature_caps(state: PipelineState) -> tuple[list[str], dict[str, float]]:
    """Each kept indicator's nature and the spec's cap on the weight share of each capped nature."""
    caps = {n.value: c for n, c in state.spec.constraints.max_nature_share.items()}
    cat = indicator_catalog().by_code()
    return [cat[c].nature.value for c in state.kept.codes], caps


def weigh(state: PipelineState) -> None:
    """Weights inside each pillar by the weighting method, times pillar weights, then nature caps.

    The checks can leave only zero-weight or capped indicators; then nobody can be ranked.
    """
    spec, kept = state.spec, state.kept
    try:
        method = wt.WEIGHTINGS.get(state.methods.weighting)
        scores = minmax(state.treated, kept.directions)
        within = wt.within_pillars(method, scores, kept.pillar, kept.weights, spec.weighting, raw=state.treated)
        applied = wt.within_groups(within, kept.pillar, np.array([p.weight for p in spec.pillars], dtype=np.float64))
        natures, caps = nature_caps(state)
        if caps:
            applied = wt.apply_share_caps(applied, natures, caps)
    except ValueError as exc:
        reason = f"the indicators kept after the checks cannot be weighted ({exc})"
        state.excluded += [
            ExcludedZone(code=z, reason=reason, coverage=float(c))
            for z, c in zip(state.zones, state.zone_coverage, strict=True)
        ]
        end_unranked(state)
        return
    state.weights = applied
    state.zero_variance = wt.zero_variance(state.treated)


def aggregate(state: PipelineState) -> None:
    """Composites and pillar scores by the aggregation method; zones with nothing to aggregate leave here."""
    method, settings = agg.AGGREGATIONS.get(state.methods.aggregation), state.spec.aggregation
    composite = method.func(state.normalised, state.weights, settings)
    scored = np.isfinite(composite)
    state.excluded += [
        ExcludedZone(code=z, coverage=float(c), reason="no value among the indicators kept after the checks")
        for z, c, ok in zip(state.zones, state.zone_coverage, scored, strict=True)
        if not ok
    ]
    if not scored.any():
        end_unranked(state)
        return
    state.composite = composite
    if not scored.all():
        state.drop_zones(scored)
    norm, w = state.normalised, state.weights
    state.row_weights = agg.row_weights(norm, w)
    state.pillar_scores = np.full((len(state.zones), len(state.spec.pillars)), np.nan)
    for p in range(len(state.spec.pillars)):
        cols = state.kept.pillar == p
        if cols.any() and w[cols].sum() > 0:
            state.pillar_scores[:, p] = method.func(norm[:, cols], w[cols], settings)
