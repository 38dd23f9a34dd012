"""The composite a model ranks by: the aggregation's, or one built on top of it.

Most models rank by the aggregation of their indicators (``weighted``: nothing changes here).
Two measures Chinese evaluations use are not weighted averages:

* ``coupling``: the coupling coordination degree ``D`` of two pillars (an innovation and an
  industry subsystem, each the model's aggregation of its indicators rescaled to 0–1), see
  :mod:`scoring_models.steps.coupling`; composite ``100 D``;
* ``dea``: innovation efficiency by data envelopment analysis of the raw (imputed) values of the
  model's input and output indicators, see :mod:`scoring_models.steps.efficiency`; composite
  ``100 ×`` super-efficiency or efficiency.

Each is a registered method (:data:`COMPOSITES`) taking :class:`CompositeInputs` and the spec's
``composite`` section. ``varies_with_weights`` says whether the Monte Carlo analysis (which
re-aggregates under noisy weights) describes the method's uncertainty; where it does not, a spec
must disable the uncertainty analysis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import numpy as np
from pydantic import Field

from scoring_models.arrays import FloatArray
from scoring_models.steps.coupling import CouplingScores, CouplingSpec, coupling_scores
from scoring_models.steps.efficiency import EfficiencyScores, EfficiencySpec, efficiency_scores
from scoring_models.steps.registry import MethodName, StepRegistry, StepSettings


@dataclass(frozen=True)
class CompositeInputs:
    """What a composite method reads (zones × indicators arrays over ``zones`` × ``indicators``).

    ``raw`` are the imputed values in the indicators' own units (before outlier treatment),
    ``pillar_scores`` the aggregation of each pillar (zones × ``pillars``), ``composite`` the
    aggregation of all.
    """

    zones: tuple[str, ...]
    indicators: tuple[str, ...]
    pillars: tuple[str, ...]
    raw: FloatArray
    normalised: FloatArray
    pillar_scores: FloatArray
    composite: FloatArray


@dataclass(frozen=True)
class CompositeOutcome:
    """The composite per zone (NaN: not scored, with the reason), and the method's details."""

    composite: FloatArray
    reasons: list[str | None]
    coupling: list[CouplingScores | None] | None = None
    efficiency: list[EfficiencyScores | None] | None = None


class CompositeSpec(StepSettings):
    """Which composite the model ranks by, and the settings of the coupling and DEA composites."""

    method: CompositeName = "weighted"
    coupling: CouplingSpec = Field(default_factory=CouplingSpec)
    dea: EfficiencySpec = Field(default_factory=EfficiencySpec)


Compose = Callable[[CompositeInputs, CompositeSpec], CompositeOutcome]


@dataclass(frozen=True)
class CompositeMethod:
    """A registered composite: its name, its function, and whether weight noise describes its uncertainty."""

    name: str
    func: Compose
    varies_with_weights: bool = True


COMPOSITES: StepRegistry[CompositeMethod] = StepRegistry("composite")
CompositeName = Annotated[str, MethodName(COMPOSITES)]
CompositeSpec.model_rebuild()


def _weighted(inputs: CompositeInputs, _: CompositeSpec) -> CompositeOutcome:
    return CompositeOutcome(composite=inputs.composite, reasons=[None] * len(inputs.zones))


def _coupling(inputs: CompositeInputs, settings: CompositeSpec) -> CompositeOutcome:
    c = settings.coupling
    p1, p2 = inputs.pillars.index(c.innovation_pillar), inputs.pillars.index(c.industry_pillar)
    u1, u2 = inputs.pillar_scores[:, p1] / 100.0, inputs.pillar_scores[:, p2] / 100.0
    present = ~(np.isnan(u1) | np.isnan(u2))
    if ((u1[present] < -1e-9) | (u1[present] > 1 + 1e-9) | (u2[present] < -1e-9) | (u2[present] > 1 + 1e-9)).any():
        raise ValueError("coupling coordination needs pillar scores on 0–100 (a non-negative normalisation "
                         "and an aggregation on the indicators' scale)")
    scores = coupling_scores(np.clip(u1, 0, 1), np.clip(u2, 0, 1), c)
    composite = np.array([np.nan if s is None else 100.0 * s.coordination for s in scores])
    reasons: list[str | None] = [
        None if s is not None else f"no score for pillar {c.innovation_pillar if np.isnan(a) else c.industry_pillar}"
        for s, a in zip(scores, u1, strict=True)
    ]
    return CompositeOutcome(composite=composite, reasons=reasons, coupling=scores)


def _dea(inputs: CompositeInputs, settings: CompositeSpec) -> CompositeOutcome:
    d = settings.dea
    cols = [inputs.indicators.index(c) if c in inputs.indicators else -1 for c in [*d.inputs, *d.outputs]]
    if min(cols) < 0:
        dropped = [c for c, k in zip([*d.inputs, *d.outputs], cols, strict=True) if k < 0]
        reason = f"DEA input or output dropped by the coverage check: {', '.join(dropped)}"
        return CompositeOutcome(np.full(len(inputs.zones), np.nan), [reason] * len(inputs.zones))
    x = inputs.raw[:, cols[: len(d.inputs)]]
    y = inputs.raw[:, cols[len(d.inputs) :]]
    out = efficiency_scores(inputs.zones, x, y, d)
    return CompositeOutcome(composite=out.composite, reasons=out.reasons, efficiency=out.scores)


COMPOSITES.add(CompositeMethod("weighted", _weighted))
COMPOSITES.add(CompositeMethod("coupling", _coupling, varies_with_weights=False))
COMPOSITES.add(CompositeMethod("dea", _dea, varies_with_weights=False))
