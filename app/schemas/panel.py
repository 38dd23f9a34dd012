"""Panels: request and response bodies. Every response names the reference its tiers are measured against."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.services.matrix import ZoneFilter
from scoring_models.base import EvaluationOptions
from scoring_models.panel import PanelReference, PanelZoneYear, Trajectory, TransitionMatrix

REFERENCE_DESCRIPTION = (
    "what every year's RPI and tier are measured against: the mean composite, in the base year, of the "
    "zone's base-year peer group (EIS: performance relative to the base year)"
)


class PanelRequest(BaseModel):
    """What to evaluate over a window: a model (and version), the first and last year, the base year."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field(min_length=1, max_length=64, examples=["innovation-peak"])
    version: str | None = Field(default=None, max_length=32, description="default: the newest version")
    years: tuple[int, int] = Field(description="first and last year of the window (at least two years)",
                                   examples=[[2020, 2024]])
    base_year: int | None = Field(default=None, description="the year tiers are measured against; default: the first")
    zones: ZoneFilter = Field(default_factory=ZoneFilter)
    options: EvaluationOptions = Field(default_factory=EvaluationOptions)
    note: str | None = Field(default=None, max_length=2000)


class PanelOut(BaseModel):
    """A stored, immutable panel run."""

    id: int
    model_key: str
    model_version: str
    years: list[int]
    base_year: int
    reference: PanelReference = Field(description=REFERENCE_DESCRIPTION)
    zone_filter: dict[str, Any]
    options: dict[str, Any]
    input_hash: str
    result_hash: str
    zones_scored: int
    zone_years: int
    tier_counts: dict[str, dict[str, int]] = Field(description="year → tier → zones")
    trend_counts: dict[str, int] = Field(description="trajectory class → zones")
    duration_ms: float
    created_at: datetime
    created_by: str | None
    note: str | None


class PanelDetail(PanelOut):
    """A panel with its window-level information: indicators kept and dropped, bounds, weights, methods."""

    info: dict[str, Any]
    excluded: list[dict[str, Any]]
    unscored: list[dict[str, Any]]
    methodology: dict[str, Any]


class PanelScoreRow(BaseModel):
    """One zone in one year of a panel."""

    zone_code: str
    name_zh: str | None
    name_en: str | None
    province: str | None
    level: str | None
    year: int
    rank: int
    composite: float
    rpi: float | None
    tier: str | None
    subgroup: str | None
    profile: str | None
    peer_group: str
    progress_points: float | None
    progress_pct: float | None


class PanelScores(BaseModel):
    """A page of a panel's zone-years, with the reference they are measured against."""

    reference: PanelReference = Field(description=REFERENCE_DESCRIPTION)
    items: list[PanelScoreRow]
    total: int
    limit: int
    offset: int


class Transitions(BaseModel):
    """Tier × tier and profile × profile transitions between two years of a panel, and the named moves."""

    panel_id: int
    reference: PanelReference = Field(description=REFERENCE_DESCRIPTION)
    from_year: int
    to_year: int
    zones_compared: int = Field(description="zones with a tier in both years")
    tiers: TransitionMatrix
    profiles: TransitionMatrix
    moves: dict[str, list[str]] = Field(description="breakthrough, stuck_on_plateau, climbed, fallen_back → zones")


class TierBand(BaseModel):
    """A tier's band in composite points for one peer group (its RPI band × the reference mean / 100)."""

    tier: str
    lower: float | None = Field(description="None: open at the bottom")
    upper: float | None = Field(description="None: open at the top")


class TrajectoryPoint(BaseModel):
    """The zone in one year of the window (None everywhere: not scored that year)."""

    year: int
    composite: float | None
    rpi: float | None
    tier: str | None
    subgroup: str | None
    profile: str | None
    rank: int | None
    progress_points: float | None
    progress_pct: float | None


class ZoneTrajectory(BaseModel):
    """A zone through a panel's window on the common scale: every year, its trend and the tier bands."""

    panel_id: int
    reference: PanelReference = Field(description=REFERENCE_DESCRIPTION)
    zone_code: str
    name_zh: str | None
    name_en: str | None
    province: str | None
    level: str | None
    peer_group: str
    reference_mean: float | None = Field(description="the base-year mean composite of the zone's peer group")
    points: list[TrajectoryPoint]
    trajectory: Trajectory
    bands: list[TierBand]


class Movement(BaseModel):
    """How a zone moved from an earlier year of the panel to this one."""

    since: int
    tier_before: str | None
    tier_change: str | None = Field(description="'up', 'down', 'same', or None when a tier is missing")
    profile_before: str | None
    moves: list[str] = Field(description="named moves: breakthrough, stuck_on_plateau, climbed, fallen_back")
    points: float | None = Field(description="composite change in points")
    pct: float | None = Field(description="composite change in % of the earlier composite (ratio scales only)")


class PanelYearCard(BaseModel):
    """A zone's scorecard in one year of a panel, saying how it moved since the base and the previous year."""

    panel_id: int
    reference: PanelReference = Field(description=REFERENCE_DESCRIPTION)
    model_key: str
    model_version: str
    zone_code: str
    name_zh: str | None
    name_en: str | None
    province: str | None
    level: str | None
    result: PanelZoneYear
    zones_scored: int = Field(description="zones scored that year")
    since_base: Movement | None
    since_previous: Movement | None
    trajectory: Trajectory
