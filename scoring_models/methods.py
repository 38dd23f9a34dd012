"""The method a spec model's run uses at each step that offers a choice, as typed records.

Every field names a method of its step's registry (``steps.<step>``) and is validated against it
when set, so a newly registered method is accepted here without editing this module. The methods
kept in their own modules register themselves when imported; importing them here makes every
built-in method known wherever method names are validated.
:class:`Methods` is what a run used; :class:`MethodOverrides` is what a caller asks to change
for one run (part of :class:`~scoring_models.base.EvaluationOptions`).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from scoring_models.steps import benefit_of_doubt as _registers_bod  # noqa: F401
from scoring_models.steps import mazziotta_pareto as _registers_ampi  # noqa: F401
from scoring_models.steps import weight_settings as _registers_ahp_combined  # noqa: F401
from scoring_models.steps.aggregation import AggregationName
from scoring_models.steps.composite import CompositeName
from scoring_models.steps.imputation import ImputationName
from scoring_models.steps.normalisation import NormalisationName
from scoring_models.steps.outliers import OutlierName
from scoring_models.steps.peer_groups import PeerGroupName
from scoring_models.steps.weighting import WeightingName


class Methods(BaseModel):
    """The method of every step with a choice; ``model_dump()`` is a run's ``info.methods``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    imputation: ImputationName
    outliers: OutlierName
    normalisation: NormalisationName
    weighting: WeightingName
    aggregation: AggregationName
    peer_groups: PeerGroupName
    composite: CompositeName = "weighted"


class MethodOverrides(BaseModel):
    """Per-run replacements for a model's default step methods (None = keep the model's)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    imputation: ImputationName | None = Field(default=None, description="imputation method", examples=["peer_median"])
    outliers: OutlierName | None = Field(default=None, description="outlier treatment", examples=["winsorise_log"])
    normalisation: NormalisationName | None = Field(default=None, description="normalisation method",
                                                    examples=["zscore"])
    weighting: WeightingName | None = Field(default=None, description="weighting method", examples=["equal"])
    aggregation: AggregationName | None = Field(default=None, description="aggregation method", examples=["geometric"])
    peer_groups: PeerGroupName | None = Field(default=None, description="peer-group method", examples=["kmeans"])

    def apply(self, defaults: Methods) -> Methods:
        """``defaults`` with every override that is set (both are validated already)."""
        return defaults.model_copy(update=self.model_dump(exclude_none=True))
