"""Steps between the aggregation and the ranks: weight calibration and the model's own composite.

``calibrate_weights`` (when the spec enables it) moves the weights until each indicator's
effective importance matches its nominal weight, then aggregates again; ``compose`` replaces the
aggregation's composite with the model's composite method (coupling coordination, DEA efficiency)
and drops the zones it cannot score, each with its reason.
"""

from __future__ import annotations

import numpy as np

from scoring_models.arrays import FloatArray
from scoring_models.base import ExcludedZone
from scoring_models.catalog import indicator_catalog
from scoring_models.pipeline.result import end_unranked
from scoring_models.pipeline.score import score_pillars
from scoring_models.pipeline.state import PipelineState
from scoring_models.steps import aggregation as agg
from scoring_models.steps import weighting as wt
from scoring_models.steps.composite import COMPOSITES, CompositeInputs
from scoring_models.steps.effective import calibrate


def _nominal(state: PipelineState) -> FloatArray:
    nominal = state.spec.nominal_weights()
    return np.array([nominal[c] for c in state.indicators], dtype=np.float64)


def calibrate_weights(state: PipelineState) -> None:
    """Calibrate the weights to the nominal intent (``weighting.calibration``), then re-aggregate.

    Nature caps hold after every update. The result keeps the weights before and after and the
    effective shares of each (``info.importance.calibration``).
    """
    spec = state.spec
    if not spec.weighting.calibration.enabled:
        return
    method, settings = agg.AGGREGATIONS.get(state.methods.aggregation), spec.aggregation
    caps = {n.value: c for n, c in spec.constraints.max_nature_share.items()}
    cat = indicator_catalog().by_code()
    natures = [cat[c].nature.value for c in state.indicators]

    def constrain(w: FloatArray) -> FloatArray:
        return wt.apply_share_caps(w, natures, caps) if caps else w

    state.calibration = calibrate(
        state.normalised, state.weights, _nominal(state),
        lambda w: method.func(state.normalised, w, settings), constrain, spec.weighting.calibration,
    )
    state.weights = state.calibration.weights
    state.composite = method.func(state.normalised, state.weights, settings)
    score_pillars(state)


def compose(state: PipelineState) -> None:
    """The model's composite (``composite.method``); zones it cannot score leave with the reason."""
    method = COMPOSITES.get(state.methods.composite)
    inputs = CompositeInputs(
        zones=state.zones, indicators=state.indicators, pillars=tuple(p.code for p in state.spec.pillars),
        raw=state.imputed, normalised=state.normalised, pillar_scores=state.pillar_scores, composite=state.composite,
    )
    outcome = method.func(inputs, state.spec.composite)
    scored = np.isfinite(outcome.composite)
    state.excluded += [
        ExcludedZone(code=z, coverage=float(c), reason=r or "the composite could not be computed")
        for z, c, r, ok in zip(state.zones, state.zone_coverage, outcome.reasons, scored, strict=True)
        if not ok
    ]
    if not scored.any():
        end_unranked(state)
        return
    state.composite = np.asarray(outcome.composite, dtype=np.float64)
    state.coupling, state.efficiency = outcome.coupling, outcome.efficiency
    if not scored.all():
        state.drop_zones(scored)
