"""The two parts of combined subjective–objective weights, for the run's methodology."""

from __future__ import annotations

import numpy as np

from scoring_models.arrays import FloatArray
from scoring_models.pipeline.state import PipelineState
from scoring_models.steps import weighting as wt
from scoring_models.steps.combined_weights import WeightParts
from scoring_models.steps.weight_settings import combination, objective_part


def combined_parts(state: PipelineState, scores: FloatArray, combined: FloatArray) -> WeightParts:
    """The subjective and objective weights the ``combined`` method mixed into ``combined``.

    Each part is taken inside the pillars like the combination itself and multiplied by the
    pillar weights, so the three vectors compare indicator by indicator.
    """
    spec, kept = state.spec, state.kept
    pillar_weights = np.array([p.weight for p in spec.pillars], dtype=np.float64)
    objective = wt.WeightingMethod("objective", objective_part)
    expert = wt.WEIGHTINGS.get("expert")
    parts = {
        name: wt.within_groups(
            wt.within_pillars(method, scores, kept.pillar, kept.weights, spec.weighting), kept.pillar, pillar_weights
        )
        for name, method in (("subjective", expert), ("objective", objective))
    }
    settings = combination(spec.weighting)

    def as_dict(w: FloatArray) -> dict[str, float]:
        return {c: float(v) for c, v in zip(kept.codes, w, strict=True)}

    return WeightParts(
        objective_method=settings.objective, rule=settings.rule, alpha=settings.alpha,
        subjective=as_dict(parts["subjective"]), objective=as_dict(parts["objective"]), combined=as_dict(combined),
    )
