"""The weighting section of a model spec, and the ``ahp`` and ``combined`` weighting methods.

:class:`WeightingSettings` is the registry's :class:`~scoring_models.steps.weighting.WeightingSpec`
plus the settings of the methods kept in their own modules: the AHP judgments
(:mod:`~scoring_models.steps.ahp`), the subjective–objective combination
(:mod:`~scoring_models.steps.combined_weights`) and the calibration of effective weights
(:mod:`~scoring_models.steps.effective`).

* ``ahp``: the weights are the AHP priorities. A spec with judgments has its pillar and indicator
  weights derived from them when it is validated (``scoring_models.spec``), so inside a pillar the
  method returns those weights; it needs judgments.
* ``combined``: inside each pillar, the spec's weights (expert or AHP) combined with a
  data-driven method's (entropy by default) by the linear or the product rule.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from scoring_models.arrays import FloatArray
from scoring_models.steps.ahp import AhpSpec
from scoring_models.steps.combined_weights import CombinationSpec, combine
from scoring_models.steps.effective import CalibrationSpec
from scoring_models.steps.registry import Population
from scoring_models.steps.weighting import WEIGHTINGS, PillarBlock, WeightingMethod, WeightingSpec


class WeightingSettings(WeightingSpec):
    """How weights are set: the method, the AHP judgments, the combination rule, the calibration."""

    ahp: AhpSpec | None = None
    combination: CombinationSpec = Field(default_factory=CombinationSpec)
    calibration: CalibrationSpec = Field(default_factory=CalibrationSpec)


def _ahp(block: PillarBlock, settings: WeightingSpec) -> FloatArray:
    if not isinstance(settings, WeightingSettings) or settings.ahp is None:
        raise ValueError("ahp weighting needs the experts' judgments (weighting.ahp)")
    return block.expert  # the spec's weights are the AHP priorities (derived when it was validated)


def combination(settings: WeightingSpec) -> CombinationSpec:
    """The combination settings of ``settings`` (the defaults for a plain WeightingSpec)."""
    return settings.combination if isinstance(settings, WeightingSettings) else CombinationSpec()


def objective_part(block: PillarBlock, settings: WeightingSpec) -> FloatArray:
    """The data-driven part of combined weights inside one pillar."""
    method = combination(settings).objective
    if method in ("combined", "ahp"):
        raise ValueError(f"the objective part of combined weights cannot be {method!r}")
    return WEIGHTINGS.get(method).func(block, settings)


def _combined(block: PillarBlock, settings: WeightingSpec) -> FloatArray:
    c = combination(settings)
    if not (block.expert > 0).any():
        return np.zeros_like(block.expert)
    return combine(block.expert, objective_part(block, settings), c.rule, c.alpha)


WEIGHTINGS.add(WeightingMethod(
    "ahp", _ahp, population=Population.OWN,
    source="Saaty (1980) The Analytic Hierarchy Process; group judgments by AIJ/AIP (Forman & Peniwati 1998)",
))
WEIGHTINGS.add(WeightingMethod(
    "combined", _combined, population=Population.FILTERED,
    source="subjective-objective combined weights (主客观组合赋权): linear or normalised product of the two parts",
))
