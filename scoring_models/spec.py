"""Declarative model specs: a whole scoring model as JSON, validated against the catalog.

A :class:`ModelSpec` names the model, its pillars and indicators with weights, the method and
thresholds of every pipeline step, the tier scheme and the profile axes;
``scoring_models.pipeline.build_model(spec)`` turns it into a
:class:`~scoring_models.base.ScoringModel`. Every default below is a default of the domain brief;
none is hidden in code. The sections of the steps that offer a choice of method (imputation,
outliers, normalisation, weighting, aggregation, peer groups) live with their method registries
in ``scoring_models.steps``: method names are validated against those registries, and what the
registered methods declare (e.g. needing targets, or non-negative scores) drives the checks here.

Weights: each indicator's *nominal* weight is ``pillar weight / Σ pillar weights × indicator
weight / Σ indicator weights of that pillar``. Errors are raised as pydantic ``ValidationError``
whose ``loc`` names the offending field, e.g. ``('indicators', 3, 'code')`` or
``('tiers', 'thresholds')``.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from scoring_models.base import ModelIndicator, Pillar, Tier, TierScheme
from scoring_models.catalog import Direction, Nature, indicator_catalog
from scoring_models.labels import LabelKind, labels
from scoring_models.methods import Methods
from scoring_models.steps.aggregation import AGGREGATIONS, AggregationName, AggregationSpec
from scoring_models.steps.imputation import ImputationSpec
from scoring_models.steps.normalisation import NORMALISATIONS, NormalisationName, NormalisationSpec
from scoring_models.steps.outliers import OutlierSpec
from scoring_models.steps.peer_groups import PeerGroupSpec
from scoring_models.steps.registry import StepSettings as _Spec
from scoring_models.steps.weighting import WeightingSpec

_CODE = r"^[a-z][a-z0-9_]*$"


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


def _default_mc_norms() -> list[str]:
    return ["minmax", "zscore", "rank"]


def _default_mc_aggs() -> list[str]:
    return ["arithmetic", "geometric"]


class UncertaintySpec(_Spec):
    """Monte Carlo settings (the number of runs comes from ``EvaluationOptions``).

    The alternatives are crossed with the weight noise as described in ``steps.uncertainty``; list
    ``topsis`` among the aggregations when a TOPSIS model should be varied around its own method.
    """

    enabled: bool = True
    weight_noise: float = Field(default=0.25, ge=0, lt=1)
    normalisations: list[NormalisationName] = Field(default_factory=_default_mc_norms, min_length=1)
    aggregations: list[AggregationName] = Field(default_factory=_default_mc_aggs, min_length=1)


class ConstraintsSpec(_Spec):
    """Caps on the share of the composite's weight held by indicators of a nature.

    E.g. ``{"scale": 0.10, "process": 0.0, "mechanism": 0.05}`` for the innovation models. Checked on
    the nominal weights when the spec is validated and enforced on the applied weights at evaluation.
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
        errors = _Errors()
        for check in _CHECKS:
            check(self, errors)
        if not errors.details:  # the caps are measured on nominal weights, which need a sound spec
            _check_caps(self, errors)
        if errors.details:
            raise ValidationError.from_exception_data(type(self).__name__, errors.details)
        return self

    def methods(self) -> Methods:
        """The method the spec chooses for every step that offers a choice."""
        return Methods(
            imputation=self.imputation.method,
            outliers=self.outliers.method,
            normalisation=self.normalisation.method,
            weighting=self.weighting.method,
            aggregation=self.aggregation.method,
            peer_groups=self.peer_groups.method,
        )

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


# --------------------------------------------------------------------------------------------
# semantic checks: what field validation alone cannot see; each adds errors located at a field


class _Errors:
    """The semantic errors found in a spec, as pydantic error details."""

    def __init__(self) -> None:
        self.details: list[InitErrorDetails] = []

    def add(self, loc: tuple[str | int, ...], kind: str, msg: str, value: Any, **ctx: Any) -> None:
        """Record an error of type ``kind`` at ``loc``; ``msg`` may use ``{name}`` fields of ``ctx``."""
        self.details.append(
            InitErrorDetails(type=PydanticCustomError(kind, msg, ctx or None), loc=loc, input=value)
        )


def _check_pillars(spec: ModelSpec, errors: _Errors) -> None:
    seen: set[str] = set()
    for n, p in enumerate(spec.pillars):
        if p.code in seen:
            errors.add(("pillars", n, "code"), "duplicate", "duplicate pillar code '{code}'", p.code, code=p.code)
        seen.add(p.code)


def _check_indicators(spec: ModelSpec, errors: _Errors) -> None:
    pillars = {p.code for p in spec.pillars}
    method = spec.normalisation.method
    needs_target = NORMALISATIONS.get(method).needs_targets
    seen: set[str] = set()
    for n, ind in enumerate(spec.indicators):
        if ind.code in seen:
            errors.add(
                ("indicators", n, "code"), "duplicate", "duplicate indicator '{code}'", ind.code, code=ind.code
            )
        seen.add(ind.code)
        if ind.pillar not in pillars:
            errors.add(("indicators", n, "pillar"), "unknown_pillar", "unknown pillar '{p}'", ind.pillar, p=ind.pillar)
        if needs_target and ind.target is None:
            errors.add(
                ("indicators", n, "target"),
                "missing_target",
                "{method} normalisation needs a target for every indicator",
                None,
                method=method,
            )


def _check_weights(spec: ModelSpec, errors: _Errors) -> None:
    if sum(p.weight for p in spec.pillars) <= 0:
        errors.add(("pillars",), "no_weight", "pillar weights have no positive total", [p.weight for p in spec.pillars])
    if sum(i.weight for i in spec.indicators) <= 0:
        weights = [i.weight for i in spec.indicators]
        errors.add(("indicators",), "no_weight", "indicator weights have no positive total", weights)
    for n, p in enumerate(spec.pillars):
        inside = [i.weight for i in spec.indicators if i.pillar == p.code]
        if not inside:
            errors.add(("pillars", n), "empty_pillar", "pillar '{code}' has no indicators", p.code, code=p.code)
        elif p.weight > 0 and sum(inside) <= 0:
            errors.add(
                ("pillars", n, "weight"),
                "no_weight",
                "pillar '{code}' has weight but none of its indicators has",
                p.weight,
                code=p.code,
            )


def _check_methods(spec: ModelSpec, errors: _Errors) -> None:
    """Pairings the registered methods declare impossible, and alternatives lacking targets."""
    norm, agg = spec.normalisation.method, spec.aggregation.method
    if AGGREGATIONS.get(agg).needs_nonnegative and not NORMALISATIONS.get(norm).nonnegative:
        errors.add(
            ("aggregation", "method"),
            "incompatible",
            "{agg} aggregation needs non-negative normalised values; {norm} normalisation gives negative ones",
            agg,
            agg=agg,
            norm=norm,
        )
    lacking = any(i.target is None for i in spec.indicators)
    for k, name in enumerate(spec.uncertainty.normalisations):
        if lacking and NORMALISATIONS.get(name).needs_targets:
            errors.add(
                ("uncertainty", "normalisations", k),
                "missing_target",
                "{method} normalisation needs a target for every indicator",
                name,
                method=name,
            )


def _check_profiles(spec: ModelSpec, errors: _Errors) -> None:
    dims = {d.code for d in indicator_catalog().dimensions}
    for field in ("innovation_dimensions", "scale_dimensions"):
        for n, d in enumerate(getattr(spec.profiles, field)):
            if d not in dims:
                errors.add(("profiles", field, n), "unknown_dimension", "unknown dimension '{d}'", d, d=d)


def _check_peer_groups(spec: ModelSpec, errors: _Errors) -> None:
    if spec.peer_groups.method == "kmeans" and not spec.peer_groups.kmeans_features:
        errors.add(("peer_groups", "kmeans_features"), "empty", "k-means needs at least one feature", [])


def _check_tiers(spec: ModelSpec, errors: _Errors) -> None:
    if len(spec.tiers.tiers) != len(spec.tiers.thresholds) + 1:
        errors.add(
            ("tiers", "tiers"),
            "tier_count",
            "need exactly one tier more than thresholds ({n})",
            len(spec.tiers.tiers),
            n=len(spec.tiers.thresholds) + 1,
        )


def _check_caps(spec: ModelSpec, errors: _Errors) -> None:
    cat = indicator_catalog().by_code()
    weights = spec.nominal_weights()
    for nature, cap in spec.constraints.max_nature_share.items():
        share = sum(w for c, w in weights.items() if cat[c].nature == nature)
        if share > cap + 1e-9:
            errors.add(
                ("constraints", "max_nature_share", nature.value),
                "cap_exceeded",
                "indicators of nature '{n}' hold {share} of the weight, above the cap {cap}",
                share,
                n=nature.value,
                share=f"{share:.4f}",
                cap=f"{cap:g}",
            )


_CHECKS = (
    _check_pillars,
    _check_indicators,
    _check_weights,
    _check_methods,
    _check_profiles,
    _check_peer_groups,
    _check_tiers,
)
