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
from typing import Any

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
    TierScheme,
    ZoneResult,
)
from scoring_models.methodology import StepDescription

SCHEMA_VERSION = 1
LEGACY_SCHEMA_VERSION = 1  # rows written before the version was stored


class MethodologyIndicator(ModelIndicator):
    """An indicator of the methodology: the model's use of it plus its catalog names and nominal weight."""

    name_zh: str
    name_en: str
    nature: str | None
    dimension: str | None
    unit: str | None
    nominal_weight: float


class Methodology(BaseModel):
    """A model's full methodology, as stored with every run and served by ``GET /models/{key}``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    version: str
    title_zh: str
    title_en: str
    description: str
    pillars: list[Pillar]
    indicators: list[MethodologyIndicator]
    tier_scheme: TierScheme
    # The declarative spec verbatim, as it was: the spec language may grow, and a run stays readable
    # without upgrading every spec it ever stored.
    spec: dict[str, Any] | None
    # Every step's method, whose data it reads (filtered / national / own) and its source; empty for
    # plug-ins that are not specs and for runs stored before steps were described.
    steps: list[StepDescription] = Field(default_factory=list)

    def tier_codes(self) -> list[str]:
        """Tier codes from the best tier down."""
        return [t.code for t in self.tier_scheme.tiers]

    def check_thresholds(self) -> dict[str, Any]:
        """The data-check thresholds of the spec (coverage shares, correlation limit); empty without a spec."""
        checks = (self.spec or {}).get("checks")
        return dict(checks) if isinstance(checks, dict) else {}

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


class StoredRun(RunDocument):
    """A stored run read back: its header columns and its typed document."""

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
        created_by=row.created_by, note=row.note,
    )


def read_zone_result(payload: dict[str, Any], schema_version: int) -> ZoneResult:
    """A zone-result row's ``payload``, written in document version ``schema_version``, as a ZoneResult."""
    stored_version(schema_version)
    return ZoneResult.model_validate(payload)
