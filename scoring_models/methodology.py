"""A spec model's steps as a reader needs them: each step's method, whose data it reads, and its source.

The population of a step says what a number depends on, which is what a reader must know to compare
a province-only run with the national one:

* ``filtered`` — the zones the run evaluates. Normalisation bounds, data-driven weights, outlier
  statistics, TOPSIS ideals, peer groups and their means (so the RPI and the tier), profiles,
  strengths and weaknesses, and the Monte Carlo ranks are all relative to the zones evaluated: a
  Zhejiang-only run ranks and tiers Zhejiang's zones among themselves.
* ``national`` — every zone with data in the evaluation year, whatever the filter
  (``IndicatorMatrix.reference``): the cultivation badges (rankings within a leading chain, the
  national median revenue). A zone keeps its badges in any run.
* ``own`` — the zone's own data and the model's settings: expert and equal weights, the
  arithmetic and geometric means of a zone's scores, last-observed imputation.

Registered methods declare their own population and source (the method records in
``scoring_models.steps``); the fixed steps' are below.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from scoring_models.methods import Methods
from scoring_models.spec import ModelSpec
from scoring_models.steps.aggregation import AGGREGATIONS
from scoring_models.steps.imputation import IMPUTATIONS
from scoring_models.steps.normalisation import NORMALISATIONS
from scoring_models.steps.outliers import OUTLIER_TREATMENTS
from scoring_models.steps.peer_groups import PEER_GROUPINGS
from scoring_models.steps.registry import HANDBOOK, Described, Population
from scoring_models.steps.weighting import WEIGHTINGS

__all__ = ["Population", "StepDescription", "describe_steps"]


class StepDescription(BaseModel):
    """One step of a model: the method it uses, whose data that reads, and the published method."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    step: str = Field(description="the pipeline step", examples=["normalisation"])
    method: str = Field(description="the method the step uses", examples=["minmax"])
    population: Population = Field(description="whose data the step's result for a zone depends on: filtered (the "
                                   "zones the run evaluates), national (every zone with data in the year) or own "
                                   "(the zone's own data and the model's settings)")
    source: str = Field(description="the published method it implements, or how it departs from one",
                        examples=["OECD/JRC (2008) Handbook on Constructing Composite Indicators, step 5: min-max "
                                  "rescaling to 0-100 over the zones evaluated"])


_CHECKS = StepDescription(
    step="checks", method="coverage", population=Population.FILTERED,
    source=f"{HANDBOOK}, step 3: indicator and zone coverage thresholds; pairs with |r| above the threshold "
    "flagged (collinearity), among the zones evaluated",
)
_CAPS = StepDescription(
    step="constraints", method="nature_caps", population=Population.OWN,
    source="domain brief §1 and §4 (弱化手段和过程考核): the share of the weight of scale and process indicators "
    "capped; the Monte Carlo draws are held to the same caps",
)
_TIERS = StepDescription(
    step="tiers", method="rpi", population=Population.FILTERED,
    source="European Innovation Scoreboard: performance relative to a reference mean (RPI = composite / "
    "peer-group mean × 100 among the zones evaluated; > 125, 100-125, 70-100, < 70)",
)
_PROFILES = StepDescription(
    step="profiles", method="innovation_vs_scale", population=Population.FILTERED,
    source="domain brief §5: innovation and scale axes against the peer-group medians of the zones evaluated",
)
_EXPLAIN = StepDescription(
    step="explain", method="contributions", population=Population.FILTERED,
    source=f"{HANDBOOK}, step 9 (back to the data): contributions; strengths and weaknesses against the "
    "peer-group median of the zones evaluated; the composite gap to the next tier",
)
_UNCERTAINTY = StepDescription(
    step="uncertainty", method="monte_carlo", population=Population.FILTERED,
    source=f"{HANDBOOK}, step 8; Saisana, Saltelli & Tarantola (2005): weight noise × the run's own and "
    "alternative normalisations and aggregations; ranks among the zones evaluated",
)
_BADGES = StepDescription(
    step="badges", method="cultivation", population=Population.NATIONAL,
    source="domain brief §5 (培育梯队): gazelle on the zone's own growth; hidden and single-item champions "
    "ranked among all zones with data in the year sharing the leading chain, against the national median",
)


def _registered(step: str, method: Described) -> StepDescription:
    return StepDescription(step=step, method=method.name, population=method.population, source=method.source)


def describe_steps(spec: ModelSpec, methods: Methods | None = None) -> list[StepDescription]:
    """Every step of ``spec`` in the order the pipeline runs them, with ``methods`` (default: the spec's).

    Steps a spec turns off (profiles, uncertainty, badges) are left out; constraints only when the
    spec caps a nature.
    """
    m = methods or spec.methods()
    steps = [
        _CHECKS,
        _registered("peer_groups", PEER_GROUPINGS.get(m.peer_groups)),
        _registered("imputation", IMPUTATIONS.get(m.imputation)),
        _registered("outliers", OUTLIER_TREATMENTS.get(m.outliers)),
        _registered("normalisation", NORMALISATIONS.get(m.normalisation)),
        _registered("weighting", WEIGHTINGS.get(m.weighting)),
    ]
    if spec.constraints.max_nature_share:
        steps.append(_CAPS)
    steps += [_registered("aggregation", AGGREGATIONS.get(m.aggregation)), _TIERS]
    if spec.profiles.enabled:
        steps.append(_PROFILES)
    steps.append(_EXPLAIN)
    if spec.uncertainty.enabled:
        steps.append(_UNCERTAINTY)
    if spec.badges.enabled:
        steps.append(_BADGES)
    return steps
