"""The stored document of a panel run, typed and versioned (the panel's counterpart of ``run_document``).

What a panel row holds besides its header columns — the zone filter, the options, the reference every
year is measured against, the window-level info, the zones and zone-years it could not score and the
methodology as it was — and what its zone-year and trajectory rows hold in ``payload`` are defined here
once and read back as these types. ``schema_version`` names the shape; a change of shape bumps
:data:`SCHEMA_VERSION` and teaches the readers below to upgrade older rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from app.orm import PanelRun
from app.services.matrix import ZoneFilter
from app.services.run_document import Methodology
from scoring_models.base import EvaluationOptions, ExcludedZone
from scoring_models.panel import PanelInfo, PanelReference, PanelZoneYear, Trajectory, UnscoredZoneYear

SCHEMA_VERSION = 1


class PanelDocument(BaseModel):
    """The JSON columns of a panel: how it was asked for, what it is measured against, what it left out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = SCHEMA_VERSION
    zone_filter: ZoneFilter
    options: EvaluationOptions
    reference: PanelReference
    info: PanelInfo
    excluded: list[ExcludedZone]
    unscored: list[UnscoredZoneYear]
    methodology: Methodology

    def columns(self) -> dict[str, Any]:
        """The panel row's column values for this document (JSON columns as JSON-ready data)."""
        dumped = self.model_dump(mode="json")
        return {name: dumped[name] for name in type(self).model_fields}


class StoredPanel(PanelDocument):
    """A stored panel read back: its header columns and its typed document."""

    id: int
    model_key: str
    model_version: str
    first_year: int
    last_year: int
    base_year: int
    input_hash: str
    result_hash: str
    zones_scored: int
    zone_years: int
    duration_ms: float
    created_at: datetime
    created_by: str | None
    note: str | None

    @property
    def years(self) -> list[int]:
        """Every year of the window, oldest first."""
        return list(range(self.first_year, self.last_year + 1))


def _version(found: int) -> int:
    if found > SCHEMA_VERSION:
        raise ValueError(f"panel document version {found} is newer than this release reads ({SCHEMA_VERSION})")
    return found


def read_panel(row: PanelRun) -> StoredPanel:
    """The panel ``row`` as a typed :class:`StoredPanel`."""
    return StoredPanel(
        schema_version=_version(row.schema_version), zone_filter=ZoneFilter.model_validate(row.zone_filter),
        options=EvaluationOptions.model_validate(row.options), reference=PanelReference.model_validate(row.reference),
        info=PanelInfo.model_validate(row.info), excluded=[ExcludedZone.model_validate(e) for e in row.excluded],
        unscored=[UnscoredZoneYear.model_validate(u) for u in row.unscored],
        methodology=Methodology.model_validate(row.methodology),
        id=row.id, model_key=row.model_key, model_version=row.model_version, first_year=row.first_year,
        last_year=row.last_year, base_year=row.base_year, input_hash=row.input_hash, result_hash=row.result_hash,
        zones_scored=row.zones_scored, zone_years=row.zone_years, duration_ms=row.duration_ms,
        created_at=row.created_at, created_by=row.created_by, note=row.note,
    )


def read_zone_year(payload: dict[str, Any], schema_version: int) -> PanelZoneYear:
    """A zone-year row's ``payload`` (document version ``schema_version``) as a :class:`PanelZoneYear`."""
    _version(schema_version)
    return PanelZoneYear.model_validate(payload)


def read_trajectory(payload: dict[str, Any], schema_version: int) -> Trajectory:
    """A trajectory row's ``payload`` (document version ``schema_version``) as a :class:`Trajectory`."""
    _version(schema_version)
    return Trajectory.model_validate(payload)
