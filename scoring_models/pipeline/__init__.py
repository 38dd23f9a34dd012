"""The COINr-style pipeline behind spec-declared models, keeping every intermediate.

Order (:data:`STEPS`): checks (indicator then zone coverage) → the kept indicators and zones →
peer groups → imputation → outlier treatment → normalisation → weights (method inside pillars,
pillar weights from the spec, nature caps) → aggregation (composite and pillar scores) → ranks
→ RPI tiers and subgroups → profiles → explanations → Monte Carlo uncertainty → badges → the
result. Each step is a function of the :class:`PipelineState`; the steps offering a choice of
method look it up by name in their registry (``scoring_models.steps``).
:func:`run_pipeline` returns the state, so a notebook can inspect any step;
:class:`SpecModel` wraps it as a :class:`~scoring_models.base.ScoringModel`.
"""

from scoring_models.pipeline.model import SpecModel, build_model
from scoring_models.pipeline.run import STEPS, Step, run_pipeline
from scoring_models.pipeline.state import KeptIndicators, PipelineState

__all__ = [
    "STEPS",
    "KeptIndicators",
    "PipelineState",
    "SpecModel",
    "Step",
    "build_model",
    "run_pipeline",
]
