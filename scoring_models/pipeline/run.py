"""The pipeline behind spec-declared models: the ordered list of steps and the loop that runs them."""

from __future__ import annotations

from collections.abc import Callable

from scoring_models.base import EvaluationOptions, IndicatorMatrix
from scoring_models.pipeline.classify import assign_tiers, classify_profiles, rank
from scoring_models.pipeline.explanations import award_badges, estimate_uncertainty, explain_scores
from scoring_models.pipeline.prepare import check_coverage, keep_checked
from scoring_models.pipeline.refine import calibrate_weights, compose
from scoring_models.pipeline.result import assemble
from scoring_models.pipeline.score import aggregate, group_peers, impute, normalise, treat_outliers, weigh
from scoring_models.pipeline.state import PipelineState
from scoring_models.spec import ModelSpec

Step = Callable[[PipelineState], None]
"""A step reads what earlier steps left in the state and adds its own intermediates."""

STEPS: tuple[Step, ...] = (
    check_coverage,
    keep_checked,
    group_peers,
    impute,
    treat_outliers,
    normalise,
    weigh,
    aggregate,
    calibrate_weights,
    compose,
    rank,
    assign_tiers,
    classify_profiles,
    explain_scores,
    estimate_uncertainty,
    award_badges,
    assemble,
)
"""The steps in the order they run."""


def run_pipeline(
    spec: ModelSpec, matrix: IndicatorMatrix, options: EvaluationOptions | None = None
) -> PipelineState:
    """Run :data:`STEPS` for ``spec`` on ``matrix``; the state holds every intermediate and the result.

    A step that leaves nobody to rank sets the result (every zone excluded with a reason) and
    the run stops there.
    """
    options = options or EvaluationOptions()
    if options.overrides.weighting == "ahp" and spec.weighting.ahp is None:
        raise ValueError("ahp weighting needs the experts' judgments, which this model's spec does not hold")
    state = PipelineState(
        spec=spec,
        matrix=matrix,
        options=options,
        methods=options.overrides.apply(spec.methods()),
        selected=matrix.select(indicators=[i.code for i in spec.indicators]),
    )
    for step in STEPS:
        step(state)
        if state.result is not None:
            break
    return state
