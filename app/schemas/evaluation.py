"""Evaluation runs, rankings, scorecards and comparisons."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import WholeNumber
from app.services.matrix import ZoneFilter
from scoring_models.base import EvaluationOptions


class EvaluationRequest(BaseModel):
    """What to evaluate: a model (and version), a year, which zones, and how."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field(min_length=1, max_length=64, examples=["innovation-peak"])
    version: str | None = Field(default=None, max_length=32, description="default: the newest version")
    year: WholeNumber = Field(ge=1988, le=2100, examples=[2024])
    zones: ZoneFilter = Field(default_factory=ZoneFilter)
    options: EvaluationOptions = Field(default_factory=EvaluationOptions)
    note: str | None = Field(default=None, max_length=2000)


class EvaluationRunOut(BaseModel):
    """A stored, immutable evaluation run."""

    id: int
    model_key: str
    model_version: str
    year: int
    zone_filter: dict[str, Any]
    options: dict[str, Any]
    input_hash: str
    result_hash: str
    zones_ranked: int
    zones_excluded: int
    tier_counts: dict[str, int]
    excluded: list[dict[str, Any]]
    duration_ms: float
    created_at: datetime
    created_by: str | None
    note: str | None


class EvaluationRunDetail(EvaluationRunOut):
    """A run with model-level information: weights, flags, methods, peer groups, sensitivity."""

    info: dict[str, Any]
    methodology: dict[str, Any]


class RankIntervalOut(BaseModel):
    """5th, 50th and 95th percentile rank across the Monte Carlo runs: ranks some run gave, whole numbers
    (runs stored by earlier releases hold interpolated percentiles and are served as stored)."""

    p5: int | float
    median: int | float
    p95: int | float


class RankingRow(BaseModel):
    """One zone in a ranking."""

    zone_code: str
    name_zh: str | None
    name_en: str | None
    province: str | None
    level: str | None
    rank: int
    composite: float
    rpi: float | None
    tier: str | None
    tier_zh: str | None
    subgroup: str | None
    peer_group: str
    peer_group_zh: str = Field(description="the peer group in words (the tier is relative to this group)")
    peer_group_en: str
    peer_group_size: int | None = Field(description="zones of the run in the peer group")
    peer_group_mean: float | None = Field(description="the group's mean composite: RPI = composite / this × 100")
    peer_rank: int
    profile: str | None
    profile_zh: str | None
    badges: list[str]
    rank_interval: RankIntervalOut | None


class RankChange(BaseModel):
    """How a zone moved against the same model's run for the previous year."""

    previous_run_id: int
    previous_rank: int | None
    rank_change: int | None = Field(description="positive: moved up (a better rank than the year before)")
    previous_tier: str | None
    tier_change: str | None = Field(description="'up', 'down', 'same', or None when unknown")


class Scorecard(BaseModel):
    """Everything about one zone in one run, with the change against the previous year."""

    run_id: int
    model_key: str
    model_version: str
    year: int
    zone_code: str
    name_zh: str | None
    name_en: str | None
    province: str | None
    level: str | None
    result: dict[str, Any] = Field(description="the model's full per-zone result (ZoneResult)")
    peer_group_zh: str = Field(description="the zone's peer group in words (its tier is relative to this group)")
    peer_group_en: str
    peer_group_size: int | None = Field(description="zones of the run in the peer group")
    peer_group_mean: float | None = Field(description="the group's mean composite: RPI = composite / this × 100")
    zones_ranked: int
    previous_year: RankChange | None


class Mover(BaseModel):
    """A zone present in both runs of a comparison."""

    zone_code: str
    name_zh: str | None
    province: str | None
    base_rank: int
    other_rank: int
    rank_change: int = Field(description="base_rank − other_rank: positive means the zone ranks higher in 'other'")
    base_tier: str | None
    other_tier: str | None
    base_profile: str | None
    other_profile: str | None
    low_tech_risk: bool = Field(
        description="ranks much lower in 'other' and has the 产业高原型 (plateau) profile there"
    )


class Comparison(BaseModel):
    """Who moves up or down between two runs, and the zones the base scheme overrated."""

    base: EvaluationRunOut
    other: EvaluationRunOut
    common_zones: int
    threshold: int = Field(description="rank change that counts as a move")
    only_in_base: list[str]
    only_in_other: list[str]
    moved_up: list[Mover]
    moved_down: list[Mover]
    overrated: list[Mover] = Field(
        description="zones ranked much better by the base run than by the other: 产业高原 / 低新化 candidates"
    )
    rank_correlation: float | None = Field(description="Spearman correlation of the two rankings")
