"""Declarative model specs: a whole scoring model as JSON, validated against the catalog.

A :class:`ModelSpec` names the model, its pillars and indicators with weights, the method and
thresholds of every pipeline step, the tier scheme and the profile axes. ``spec.build()`` turns
it into a :class:`~scoring_models.base.ScoringModel`. Every default below is a default of the
domain brief; none is hidden in code.

Weights: each indicator's *nominal* weight is ``pillar weight / Σ pillar weights × indicator
weight / Σ indicator weights of that pillar``. Errors are raised as pydantic ``ValidationError``
whose ``loc`` names the offending field, e.g. ``('indicators', 3, 'code')`` or
``('tiers', 'thresholds')``.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from scoring_models.base import (
    AggregationMethod,
    ImputationMethod,
    ModelIndicator,
    NormalisationMethod,
    OutlierMethod,
    PeerGroupMethod,
    Pillar,
    Tier,
    TierScheme,
    WeightingMethod,
)
from scoring_models.catalog import Direction, Nature, indicator_catalog
from scoring_models.labels import LabelKind, labels

if TYPE_CHECKING:
    from scoring_models.pipeline import SpecModel

_CODE = r"^[a-z][a-z0-9_]*$"


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PillarSpec(_Spec):
    """A pillar: code, labels and its (relative) weight in the composite."""

    code: str = Field(pattern=_CODE)
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    weight: float = Field(ge=0, allow_inf_nan=False)


class IndicatorSpec(_Spec):
    """An indicator the model reads: catalog code, pillar, weight inside the pillar.

    ``direction`` overrides the catalog direction; ``target`` is the value scoring 100 under
    distance-to-target normalisation (in the indicator's unit).
    """

    code: str
    pillar: str
    weight: float = Field(default=1.0, ge=0, allow_inf_nan=False)
    direction: Direction | None = None
    target: float | None = Field(default=None, allow_inf_nan=False)

    @field_validator("code")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in indicator_catalog().by_code():
            raise PydanticCustomError("unknown_indicator", "unknown indicator code '{code}'", {"code": v})
        return v


class ChecksSpec(_Spec):
    """Coverage thresholds (shares) and the |Pearson r| above which a pair is flagged."""

    indicator_coverage: float = Field(default=0.65, ge=0, le=1)
    zone_coverage: float = Field(default=2 / 3, ge=0, le=1)
    correlation_threshold: float = Field(default=0.9, gt=0, le=1)


class ImputationSpec(_Spec):
    """Imputation method for missing evaluation-year cells."""

    method: ImputationMethod = "none"


class OutlierSpec(_Spec):
    """Outlier rule (see ``steps.outliers``): |skewness| and excess-kurtosis limits, max points."""

    method: OutlierMethod = "winsorise_log"
    skew_max: float = Field(default=2.0, gt=0)
    kurtosis_max: float = Field(default=3.5, gt=0)
    max_points: int = Field(default=5, ge=0)


class NormalisationSpec(_Spec):
    """Normalisation method."""

    method: NormalisationMethod = "minmax"


class WeightingSpec(_Spec):
    """How indicator weights inside each pillar are set; pillar weights always come from the spec.

    ``expert`` uses the spec's indicator weights; ``equal``, ``entropy``, ``critic`` and ``pca``
    derive them from the data — always from min-max scores (complete, non-negative and
    higher-is-better, as these methods need; missing cells take the column mean), whatever the
    normalisation. Indicators with spec weight 0 stay at 0, and nature caps apply afterwards.
    """

    method: WeightingMethod = "expert"
    pca_min_eigenvalue: float = Field(default=1.0, gt=0)


class AggregationSpec(_Spec):
    """Aggregation method and the positive shift of the geometric mean (0–100 points)."""

    method: AggregationMethod = "arithmetic"
    geometric_shift: float = Field(default=1.0, gt=0)


class BandRule(_Spec):
    """A rule band: a feature (zone feature or indicator code) cut at increasing thresholds."""

    feature: str = Field(min_length=1)
    label: str = Field(pattern=_CODE)
    thresholds: list[float] = Field(min_length=1)

    @field_validator("thresholds")
    @classmethod
    def _increasing(cls, v: list[float]) -> list[float]:
        if any(b <= a for a, b in itertools.pairwise(v)):
            raise PydanticCustomError("thresholds_order", "band thresholds must be strictly increasing")
        return v


def _default_rules() -> list[BandRule]:
    # revenue in 亿元: below ¥100 bn (1000亿), up to ¥1 tn, above; national R&D platforms 0–4, 5–19, 20+
    return [
        BandRule(feature="revenue", label="revenue", thresholds=[1000.0, 10000.0]),
        BandRule(feature="national_rd_platforms", label="platforms", thresholds=[5.0, 20.0]),
    ]


class PeerGroupSpec(_Spec):
    """Peer grouping: rule bands (default), k-means on features, or none (one group).

    ``categories`` names zone metadata fields (``level``, ``province``, ``leading_chain`` or an
    ``extra`` key) whose values split every group further, e.g. national vs provincial zones.
    Band features are looked up as zone features first, then as indicators of the matrix (latest
    value up to the evaluation year), whether or not the model scores them.
    """

    method: PeerGroupMethod = "rules"
    categories: list[str] = Field(default_factory=list)
    rules: list[BandRule] = Field(default_factory=_default_rules)
    kmeans_features: list[str] = Field(default_factory=lambda: ["revenue", "national_rd_platforms"])
    n_clusters: int = Field(default=4, ge=1)
    n_init: int = Field(default=10, ge=1)
    seed: int = Field(default=0, ge=0)


def _default_tiers() -> list[Tier]:
    # the label catalog's tiers, best first: peak, strong, moderate, emerging
    zh, en = labels(LabelKind.TIERS), labels(LabelKind.TIERS, "en")
    return [Tier(code=code, name_zh=name, name_en=en[code]) for code, name in zh.items()]


class TierSpec(_Spec):
    """Tier scheme on the RPI: strictly decreasing positive thresholds, one more tier than thresholds."""

    thresholds: list[float] = Field(default_factory=lambda: [125.0, 100.0, 70.0], min_length=1)
    tiers: list[Tier] = Field(default_factory=_default_tiers)
    subgroups: bool = True

    @field_validator("thresholds")
    @classmethod
    def _decreasing(cls, v: list[float]) -> list[float]:
        if any(not math.isfinite(t) or t <= 0 for t in v):
            raise PydanticCustomError("thresholds_range", "tier thresholds must be positive and finite")
        if any(b >= a for a, b in itertools.pairwise(v)):
            raise PydanticCustomError("thresholds_order", "tier thresholds must be strictly decreasing")
        return v


class ProfileSpec(_Spec):
    """Profile axes: catalog dimensions making up the innovation axis and the scale axis.

    Each axis is the equal-weighted mean of the normalised values of the model's (kept)
    indicators in those dimensions, whatever their weight, so the profile describes the zone
    even when the composite caps scale; "high" means at or above the peer-group median. No
    profile is given when the model reads no indicator of one of the axes.
    """

    enabled: bool = True
    innovation_dimensions: list[str] = Field(default_factory=lambda: ["innovation", "entrepreneurship"])
    scale_dimensions: list[str] = Field(default_factory=lambda: ["scale"])


UncertaintyNormalisation = Literal["minmax", "zscore", "rank"]
UncertaintyAggregation = Literal["arithmetic", "geometric", "topsis"]


def _default_mc_norms() -> list[UncertaintyNormalisation]:
    return ["minmax", "zscore", "rank"]


def _default_mc_aggs() -> list[UncertaintyAggregation]:
    return ["arithmetic", "geometric"]


class UncertaintySpec(_Spec):
    """Monte Carlo settings (the number of runs comes from ``EvaluationOptions``).

    The alternatives are crossed with the weight noise as described in ``steps.uncertainty``; list
    ``topsis`` among the aggregations when a TOPSIS model should be varied around its own method.
    """

    enabled: bool = True
    weight_noise: float = Field(default=0.25, ge=0, lt=1)
    normalisations: list[UncertaintyNormalisation] = Field(default_factory=_default_mc_norms, min_length=1)
    aggregations: list[UncertaintyAggregation] = Field(default_factory=_default_mc_aggs, min_length=1)


class ConstraintsSpec(_Spec):
    """Caps on the share of the composite's weight held by indicators of a nature.

    E.g. ``{"scale": 0.10, "process": 0.0}`` for the innovation models. Checked on the nominal
    weights when the spec is validated and enforced on the applied weights at evaluation.
    """

    max_nature_share: dict[Nature, float] = Field(default_factory=dict)

    @field_validator("max_nature_share")
    @classmethod
    def _shares(cls, v: dict[Nature, float]) -> dict[Nature, float]:
        for nature, share in v.items():
            if not 0 <= share <= 1:
                raise PydanticCustomError(
                    "share_range", "share for {n} must be within [0, 1]", {"n": nature.value}
                )
        return v


class ExplainSpec(_Spec):
    """How many strengths and weaknesses to report per zone."""

    top_n: int = Field(default=3, ge=0)


class BadgeSpec(_Spec):
    """Cultivation badges (see ``steps.badges``); every threshold of the domain brief is a field."""

    enabled: bool = False
    min_history_years: int = Field(default=3, ge=1)
    gazelle_indicators: list[str] = Field(
        default_factory=lambda: ["hte_count", "tech_contract_per_capita", "invention_patents_per_10k"]
    )
    gazelle_growth: float = Field(default=0.20, gt=0)
    gazelle_years: int = Field(default=3, ge=1)
    hidden_lq_quantile: float = Field(default=0.9, gt=0, lt=1)
    hidden_min_share: float = Field(default=50.0, ge=0, le=100)
    single_top_n: int = Field(default=3, ge=1)

    @field_validator("gazelle_indicators")
    @classmethod
    def _known_codes(cls, v: list[str]) -> list[str]:
        unknown = [c for c in v if c not in indicator_catalog().by_code()]
        if unknown:
            raise PydanticCustomError("unknown_indicator", "unknown indicator codes {codes}", {"codes": unknown})
        return v


class ModelSpec(_Spec):
    """A whole scoring model, declared as data."""

    key: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    version: str = Field(pattern=r"^[0-9]+(\.[0-9]+)*([a-z0-9.+-]*)$")
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    description: str = Field(min_length=1)
    pillars: list[PillarSpec] = Field(min_length=1)
    indicators: list[IndicatorSpec] = Field(min_length=1)
    checks: ChecksSpec = Field(default_factory=ChecksSpec)
    imputation: ImputationSpec = Field(default_factory=ImputationSpec)
    outliers: OutlierSpec = Field(default_factory=OutlierSpec)
    normalisation: NormalisationSpec = Field(default_factory=NormalisationSpec)
    weighting: WeightingSpec = Field(default_factory=WeightingSpec)
    aggregation: AggregationSpec = Field(default_factory=AggregationSpec)
    peer_groups: PeerGroupSpec = Field(default_factory=PeerGroupSpec)
    tiers: TierSpec = Field(default_factory=TierSpec)
    profiles: ProfileSpec = Field(default_factory=ProfileSpec)
    uncertainty: UncertaintySpec = Field(default_factory=UncertaintySpec)
    constraints: ConstraintsSpec = Field(default_factory=ConstraintsSpec)
    explain: ExplainSpec = Field(default_factory=ExplainSpec)
    badges: BadgeSpec = Field(default_factory=BadgeSpec)

    @model_validator(mode="after")
    def _semantics(self) -> ModelSpec:
        errors = self._semantic_errors()
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self

    def _semantic_errors(self) -> list[InitErrorDetails]:
        errs: list[InitErrorDetails] = []

        def err(loc: tuple[str | int, ...], kind: str, msg: str, value: Any, **ctx: Any) -> None:
            errs.append(
                InitErrorDetails(type=PydanticCustomError(kind, msg, ctx or None), loc=loc, input=value)
            )

        pillar_pos: dict[str, int] = {}
        for n, p in enumerate(self.pillars):
            if p.code in pillar_pos:
                err(
                    ("pillars", n, "code"), "duplicate", "duplicate pillar code '{code}'", p.code, code=p.code
                )
            pillar_pos.setdefault(p.code, n)
        seen: set[str] = set()
        for n, ind in enumerate(self.indicators):
            if ind.code in seen:
                err(
                    ("indicators", n, "code"),
                    "duplicate",
                    "duplicate indicator '{code}'",
                    ind.code,
                    code=ind.code,
                )
            seen.add(ind.code)
            if ind.pillar not in pillar_pos:
                err(
                    ("indicators", n, "pillar"),
                    "unknown_pillar",
                    "unknown pillar '{p}'",
                    ind.pillar,
                    p=ind.pillar,
                )
            if self.normalisation.method == "target" and ind.target is None:
                err(
                    ("indicators", n, "target"),
                    "missing_target",
                    "distance-to-target normalisation needs a target for every indicator",
                    None,
                )
        if sum(p.weight for p in self.pillars) <= 0:
            err(
                ("pillars",),
                "no_weight",
                "pillar weights have no positive total",
                [p.weight for p in self.pillars],
            )
        if sum(i.weight for i in self.indicators) <= 0:
            err(
                ("indicators",),
                "no_weight",
                "indicator weights have no positive total",
                [i.weight for i in self.indicators],
            )
        for n, p in enumerate(self.pillars):
            inside = [i.weight for i in self.indicators if i.pillar == p.code]
            if not inside:
                err(("pillars", n), "empty_pillar", "pillar '{code}' has no indicators", p.code, code=p.code)
            elif p.weight > 0 and sum(inside) <= 0:
                err(
                    ("pillars", n, "weight"),
                    "no_weight",
                    "pillar '{code}' has weight but none of its indicators has",
                    p.weight,
                    code=p.code,
                )
        if self.aggregation.method == "geometric" and self.normalisation.method == "zscore":
            err(
                ("aggregation", "method"),
                "incompatible",
                "geometric aggregation needs non-negative normalised values; z-scores are not",
                "geometric",
            )
        dims = {d.code for d in indicator_catalog().dimensions}
        for field in ("innovation_dimensions", "scale_dimensions"):
            for n, d in enumerate(getattr(self.profiles, field)):
                if d not in dims:
                    err(("profiles", field, n), "unknown_dimension", "unknown dimension '{d}'", d, d=d)
        if self.peer_groups.method == "kmeans" and not self.peer_groups.kmeans_features:
            err(("peer_groups", "kmeans_features"), "empty", "k-means needs at least one feature", [])
        if len(self.tiers.tiers) != len(self.tiers.thresholds) + 1:
            err(
                ("tiers", "tiers"),
                "tier_count",
                "need exactly one tier more than thresholds ({n})",
                len(self.tiers.tiers),
                n=len(self.tiers.thresholds) + 1,
            )
        if not errs:
            cat = indicator_catalog().by_code()
            weights = self.nominal_weights()
            for nature, cap in self.constraints.max_nature_share.items():
                share = sum(w for c, w in weights.items() if cat[c].nature == nature)
                if share > cap + 1e-9:
                    err(
                        ("constraints", "max_nature_share", nature.value),
                        "cap_exceeded",
                        "indicators of nature '{n}' hold {share} of the weight, above the cap {cap}",
                        share,
                        n=nature.value,
                        share=f"{share:.4f}",
                        cap=f"{cap:g}",
                    )
        return errs

    def nominal_weights(self) -> dict[str, float]:
        """Each indicator's share of the composite implied by pillar and indicator weights (sum 1)."""
        pillar_total = sum(p.weight for p in self.pillars)
        inside: dict[str, float] = {}
        for ind in self.indicators:
            inside[ind.pillar] = inside.get(ind.pillar, 0.0) + ind.weight
        pw = {p.code: p.weight / pillar_total for p in self.pillars}
        raw = {
            i.code: pw[i.pillar] * i.weight / inside[i.pillar] if inside[i.pillar] > 0 else 0.0
            for i in self.indicators
        }
        total = sum(raw.values())
        return {c: w / total for c, w in raw.items()}

    def pillar_metadata(self) -> tuple[Pillar, ...]:
        """The pillars as contract objects."""
        return tuple(
            Pillar(code=p.code, name_zh=p.name_zh, name_en=p.name_en, weight=p.weight) for p in self.pillars
        )

    def indicator_metadata(self) -> tuple[ModelIndicator, ...]:
        """The indicators as contract objects, with the direction actually used."""
        cat = indicator_catalog().by_code()
        return tuple(
            ModelIndicator(
                code=i.code, pillar=i.pillar, weight=i.weight, direction=i.direction or cat[i.code].direction
            )
            for i in self.indicators
        )

    def tier_scheme(self) -> TierScheme:
        """The tier scheme as a contract object."""
        return TierScheme(
            thresholds=list(self.tiers.thresholds),
            tiers=list(self.tiers.tiers),
            subgroups=self.tiers.subgroups,
        )

    def build(self) -> SpecModel:
        """The :class:`ScoringModel` this spec declares (cheap: no data is touched)."""
        from scoring_models.pipeline import SpecModel

        return SpecModel(self)


def build_model(spec: ModelSpec | dict[str, Any] | str) -> SpecModel:
    """Build a model from a spec object, a dict, or a JSON string (validating the latter two)."""
    if isinstance(spec, str):
        spec = ModelSpec.model_validate_json(spec)
    elif isinstance(spec, dict):
        spec = ModelSpec.model_validate(spec)
    return spec.build()
