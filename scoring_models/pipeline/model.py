"""Spec models: a :class:`ModelSpec` as a :class:`~scoring_models.base.ScoringModel`."""

from __future__ import annotations

from typing import Any

from scoring_models.base import (
    EvaluationOptions,
    EvaluationResult,
    IndicatorMatrix,
    ModelIndicator,
    Pillar,
    TierScheme,
)
from scoring_models.pipeline.run import run_pipeline
from scoring_models.spec import ModelSpec


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


def build_model(spec: ModelSpec | dict[str, Any] | str) -> SpecModel:
    """Build a model from a spec object, a dict, or a JSON string (validating the latter two)."""
    if isinstance(spec, str):
        spec = ModelSpec.model_validate_json(spec)
    elif isinstance(spec, dict):
        spec = ModelSpec.model_validate(spec)
    return SpecModel(spec)
