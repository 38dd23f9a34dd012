"""zonescore's scoring engine: a pure library (numpy, scikit-learn, pydantic) for scoring,
ranking and classifying high-tech zones with pluggable models.

Main entry points: build an :class:`IndicatorMatrix`, get a model from :mod:`scoring_models.registry`
and call ``model.evaluate(matrix, options=EvaluationOptions(...))``; declare new models with
:class:`ModelSpec`; check a plug-in with :func:`check_model`. See ``scoring_models/README.md``.
"""

from scoring_models import registry
from scoring_models.base import (
    EvaluationOptions,
    EvaluationResult,
    ExcludedZone,
    IndicatorMatrix,
    ModelIndicator,
    ModelInfo,
    Observation,
    Pillar,
    ScoringModel,
    Tier,
    TierScheme,
    ZoneMeta,
    ZoneResult,
)
from scoring_models.catalog import chain_catalog, indicator_catalog
from scoring_models.conformance import ConformanceError, check_model
from scoring_models.methods import MethodOverrides, Methods
from scoring_models.pipeline import PipelineState, SpecModel, build_model, run_pipeline
from scoring_models.registry import Registry, load_registry
from scoring_models.spec import ModelSpec

__all__ = [
    "ConformanceError",
    "EvaluationOptions",
    "EvaluationResult",
    "ExcludedZone",
    "IndicatorMatrix",
    "MethodOverrides",
    "Methods",
    "ModelIndicator",
    "ModelInfo",
    "ModelSpec",
    "Observation",
    "Pillar",
    "PipelineState",
    "Registry",
    "ScoringModel",
    "SpecModel",
    "Tier",
    "TierScheme",
    "ZoneMeta",
    "ZoneResult",
    "build_model",
    "chain_catalog",
    "check_model",
    "indicator_catalog",
    "load_registry",
    "registry",
    "run_pipeline",
]
