"""The stored document of an evaluation run, typed and versioned.

A run is written once and read for years: by the API, the downloads, the pages and the webhooks. What
the run row holds besides its header columns — the zone filter, the options, the model-level ``info``,
the excluded zones and the methodology as it was — and what each zone-result row holds in ``payload``
(a :class:`~scoring_models.base.ZoneResult`) are defined here, once, and read back as these types.

``schema_version`` says which shape a row was written in. Rows from before the version was stored have
none and are version 1. When the shape changes, bump :data:`SCHEMA_VERSION` and teach
:func:`read_run` and :func:`read_zone_result` to upgrade the older documents, so old runs stay readable.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.i18n import Language, localized
from app.orm import EvaluationRun
from app.services.matrix import ZoneFilter
from scoring_models.base import (
    EvaluationOptions,
    ExcludedZone,
    ModelIndicator,
    ModelInfo,
    Pillar,
    RankInterval,
    TierScheme,
    ZoneResult,
)
from scoring_models.methodology import StepDescription
from scoring_models.steps.ahp import AhpReport
from scoring_models.steps.coupling import CouplingScores
from scoring_models.steps.efficiency import EfficiencyScores

SCHEMA_VERSION = 2
LEGACY_SCHEMA_VERSION = 1  # rows written before the version was stored
# Version 2 added optional parts: the run's ``info.importance`` (effective importance by correlation
# ratio), ``info.weight_parts`` and ``info.ahp``, and a zone's ``coupling`` and ``efficiency``. A version 1
# document is a valid version 2 document without them, so reading it needs no conversion.


class MethodologyIndicator(ModelIndicator):
    """An indicator of the methodology: the model's use of it plus its catalog names and nominal weight."""

    name_zh: str = Field(description="Chinese name", examples=["R&D经费投入强度"])
    name_en: str = Field(description="English name", examples=["R&D intensity"])
    nature: str | None = Field(description="outcome, scale or process", examples=["outcome"])
    dimension: str | None = Field(description="catalog dimension", examples=["innovation"])
    unit: str | None = Field(description="unit of the values", examples=["%"])
    nominal_weight: float = Field(description="pillar weight × weight within the pillar, summing to 1", examples=[0.06])


class Methodology(BaseModel):
    """A model's full methodology, as stored with every run and served by ``GET /models/{key}``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(description="model key", examples=["innovation-peak"])
    version: str = Field(description="model version", examples=["1.0.0"])
    title_zh: str = Field(description="Chinese title", examples=["创新高峰评价"])
    title_en: str = Field(description="English title", examples=["Innovation peak"])
    description: str = Field(description="what the model measures and how (reStructuredText)",
                             examples=["Peer groups by revenue band × national R&D platforms …"])
    pillars: list[Pillar] = Field(description="pillars with their weights")
    indicators: list[MethodologyIndicator] = Field(description="the indicators the model reads")
    tier_scheme: TierScheme = Field(description="tiers by relative performance index")
    # The declarative spec verbatim, as it was: the spec language may grow, and a run stays readable
    # without upgrading every spec it ever stored.
    spec: dict[str, Any] | None = Field(description="the declarative spec (null for a plug-in model written in "
                                        "code): every step's method and thresholds",
                                        examples=[{"key": "innovation-peak", "version": "1.0.0"}])
    # Every step's method, whose data it reads (filtered / national / own) and its source; empty for
    # plug-ins that are not specs and for runs stored before steps were described.
    steps: list[StepDescription] = Field(default_factory=list, description="every step's method, the population "
                                         "it reads (filtered, national or own) and its published source")
    # The experts' AHP matrices behind the weights (priorities, λmax, CI, CR each), when there are any.
    ahp: AhpReport | None = Field(default=None, exclude_if=lambda v: v is None,
                                  description="the experts' AHP matrices behind the weights (priorities, λmax, CI, "
                                  "CR each); absent when the weights are not from AHP")

    def tier_codes(self) -> list[str]:
        """Tier codes from the best tier down."""
        return [t.code for t in self.tier_scheme.tiers]

    def tier_basis(self) -> str:
        """What the tier thresholds apply to: ``rpi`` (default) or ``composite``."""
        tiers = (self.spec or {}).get("tiers")
        return str(tiers.get("basis", "rpi")) if isinstance(tiers, dict) else "rpi"

    def spec_methods(self) -> dict[str, str]:
        """The method the spec names for each step that offers a choice (empty without a spec)."""
        spec = self.spec or {}
        return {step: str(section["method"]) for step, section in spec.items()
                if isinstance(section, dict) and isinstance(section.get("method"), str)}

    def check_thresholds(self) -> dict[str, Any]:
        """The data-check thresholds of the spec (coverage shares, correlation limit); empty without a spec."""
        checks = (self.spec or {}).get("checks")
        return dict(checks) if isinstance(checks, dict) else {}

    def tier_names(self, lang: Language) -> dict[str, str]:
        """Tier code → its name in ``lang``, as the model's tier scheme names it, best tier first."""
        return {t.code: localized(t.name_zh, t.name_en, lang) for t in self.tier_scheme.tiers}

    def pillar_names(self, lang: Language) -> dict[str, str]:
        """Pillar code → its name in ``lang``, as the model names it."""
        return {p.code: localized(p.name_zh, p.name_en, lang) for p in self.pillars}

    def indicators_by_code(self) -> dict[str, MethodologyIndicator]:
        """Indicator code → the indicator."""
        return {i.code: i for i in self.indicators}


class RunDocument(BaseModel):
    """The JSON columns of a run: how it was asked for and what the model said about the whole field."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = SCHEMA_VERSION
    zone_filter: ZoneFilter
    options: EvaluationOptions
    info: ModelInfo
    excluded: list[ExcludedZone]
    methodology: Methodology

    def columns(self) -> dict[str, Any]:
        """The run row's column values for this document (JSON columns as JSON-ready data).

        ``info`` and ``methodology`` leave out the fields their document did not hold: fields added later
        (with defaults, e.g. ``zero_variance_indicators``, ``steps``) are absent from older rows, which are
        served as stored.
        """
        return {
            "schema_version": self.schema_version,
            "zone_filter": self.zone_filter.model_dump(mode="json"),
            "options": self.options.model_dump(mode="json"),
            "info": self.info.model_dump(mode="json", exclude_unset=True),
            "excluded": [e.model_dump(mode="json") for e in self.excluded],
            "methodology": self.methodology.model_dump(mode="json", exclude_unset=True),
        }


class Publication(BaseModel):
    """Where a run stands: draft, published, superseded (by ``superseded_by``) or withdrawn (with a reason).

    The only part of a run that changes after it is stored (app.services.publication); ``state_version``
    counts the changes and is part of every cache key and ETag of the run.
    """

    model_config = ConfigDict(frozen=True)

    status: str = "draft"
    state_version: int = 0
    published_at: datetime | None = None
    published_by: str | None = None
    superseded_at: datetime | None = None
    superseded_by: int | None = None
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    withdrawal_reason: str | None = None


def read_publication(row: EvaluationRun) -> Publication:
    """The publication state of the run ``row``."""
    return Publication(
        status=row.status, state_version=row.state_version, published_at=row.published_at,
        published_by=row.published_by, superseded_at=row.superseded_at, superseded_by=row.superseded_by,
        withdrawn_at=row.withdrawn_at, withdrawn_by=row.withdrawn_by, withdrawal_reason=row.withdrawal_reason,
    )


class StoredRun(RunDocument):
    """A stored run read back: its header columns, its typed document and its publication state."""

    id: int
    model_key: str
    model_version: str
    year: int
    input_hash: str
    result_hash: str
    zones_ranked: int
    zones_excluded: int
    duration_ms: float
    created_at: datetime
    created_by: str | None
    note: str | None
    filter_key: str
    publication: Publication


def stored_version(version: int | None) -> int:
    """The document version of a row whose ``schema_version`` column holds ``version``; ValueError when a
    newer release wrote it (this one cannot know its shape)."""
    found = LEGACY_SCHEMA_VERSION if version is None else version
    if found > SCHEMA_VERSION:
        raise ValueError(f"run document version {found} is newer than this release reads ({SCHEMA_VERSION})")
    return found


def read_run(row: EvaluationRun) -> StoredRun:
    """The run ``row`` as a typed :class:`StoredRun` (rows of any earlier document version included)."""
    return StoredRun(
        schema_version=stored_version(row.schema_version), zone_filter=ZoneFilter.model_validate(row.zone_filter),
        options=EvaluationOptions.model_validate(row.options), info=ModelInfo.model_validate(row.info),
        excluded=[ExcludedZone.model_validate(e) for e in row.excluded],
        methodology=Methodology.model_validate(row.methodology),
        id=row.id, model_key=row.model_key, model_version=row.model_version, year=row.year,
        input_hash=row.input_hash, result_hash=row.result_hash, zones_ranked=row.zones_ranked,
        zones_excluded=row.zones_excluded, duration_ms=row.duration_ms, created_at=row.created_at,
        created_by=row.created_by, note=row.note, filter_key=row.filter_key, publication=read_publication(row),
    )


class RankingFacts(BaseModel):
    """The few fields of a stored zone result that a ranking row shows beside its columns (the rest of the
    payload, every indicator's scores, is left unread: validating it was most of an uncached ranking page)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    tier_zh: str | None = None
    subgroup: Literal["+", "", "-"] | None = None
    profile_zh: str | None = None
    rank_interval: RankInterval | None = None
    coupling: CouplingScores | None = None
    efficiency: EfficiencyScores | None = None


def read_ranking_facts(payload: dict[str, Any], schema_version: int) -> RankingFacts:
    """What a ranking row reads of a zone-result row's ``payload`` (document version ``schema_version``)."""
    stored_version(schema_version)
    return RankingFacts.model_validate(payload)


def read_zone_result(payload: dict[str, Any], schema_version: int) -> ZoneResult:
    """A zone-result row's ``payload``, written in document version ``schema_version``, as a ZoneResult."""
    stored_version(schema_version)
    return ZoneResult.model_validate(payload)
