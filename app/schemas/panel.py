"""Panels: request and response bodies. Every response names the reference its tiers are measured against."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.services.matrix import RequestedZones, ZoneFilter
from scoring_models.base import EvaluationOptions
from scoring_models.panel import PanelReference, PanelZoneYear, Trajectory, TransitionMatrix

REFERENCE_DESCRIPTION = (
    "what every year's RPI and tier are measured against: the mean composite, in the base year, of the "
    "zone's base-year peer group (EIS: performance relative to the base year)"
)
_PEER_GROUP = "revenue1-platforms1~revenue2-platforms1~revenue2-platforms2"
_COMPOSITE = ("composite on the panel's common scale (indicators normalised with bounds over every zone-year of the "
              "window; 0–100 for the built-in models)")
_RPI = ("composite ÷ the base year's mean composite of the zone's base-year peer group × 100 (null without a ratio "
        "scale or a positive reference mean)")
_TIER = "tier code from the RPI against the base year (built-in: peak, strong, moderate, emerging)"
_SUBGROUP = "± subgroup within the tier: '+' upper, '' middle, '-' lower third"
_PROFILE = ("profile code (peak, plateau, growth, foundation): innovation and scale axes against the base-year "
            "medians of the zone's peer group")
_PROGRESS = "composite minus the zone's base-year composite, in points (null: not scored in the base year)"
_PROGRESS_PCT = "that change in % of the base-year composite (null without a ratio scale)"


class PanelRequest(BaseModel):
    """What to evaluate over a window: a model (and version), the first and last year, the base year."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field(min_length=1, max_length=64, description="key of a spec-declared scoring model (GET /models)",
                       examples=["innovation-peak"])
    version: str | None = Field(default=None, max_length=32, description="model version; default: the newest version",
                                examples=["1.1.0"])
    years: tuple[int, int] = Field(description="first and last year of the window (at least two years)",
                                   examples=[[2020, 2024]])
    base_year: int | None = Field(default=None, description="the year tiers are measured against; default: the first",
                                  examples=[2020])
    zones: RequestedZones = Field(default_factory=ZoneFilter, description="which zones to score; default: every "
                              "high-tech zone")
    options: EvaluationOptions = Field(default_factory=EvaluationOptions, description="seed, Monte Carlo size (the "
                                       "trend intervals) and method overrides")
    note: str | None = Field(default=None, max_length=2000, description="free text stored with the panel",
                             examples=["全国高新区 2020–2024 年面板"])


class PanelOut(BaseModel):
    """A stored, immutable panel run."""

    id: int = Field(description="panel id", examples=[1])
    model_key: str = Field(description="key of the scoring model", examples=["innovation-peak"])
    model_version: str = Field(description="version of the model the panel used", examples=["1.1.0"])
    years: list[int] = Field(description="every year of the window, oldest first",
                             examples=[[2020, 2021, 2022, 2023, 2024]])
    base_year: int = Field(description="the year tiers, RPI and progress are measured against", examples=[2020])
    reference: PanelReference = Field(description=REFERENCE_DESCRIPTION)
    zone_filter: dict[str, Any] = Field(description="the zones the panel covers, as asked for (a zone filter)",
                                        examples=[{"provinces": ["33"], "level": None, "kind": "hitech",
                                                   "pilot": None, "zones": []}])
    options: dict[str, Any] = Field(description="the options the panel used: seed, Monte Carlo runs, method "
                                    "overrides", examples=[{"seed": 7, "uncertainty_runs": 200, "overrides": {
                                        "imputation": None, "outliers": None, "normalisation": None,
                                        "weighting": None, "aggregation": None, "peer_groups": None}}])
    input_hash: str = Field(description="SHA-256 of methodology, window, base year, filter, options and data: "
                            "unchanged inputs give the same hash",
                            examples=["981a756fff68e7facad5008315d47806864c6197419d548bd9f8ed079a4f7d38"])
    result_hash: str = Field(description="SHA-256 of the result",
                             examples=["6054cc158fd104730b2ca06d880b1035531fd7ca8eb87172bfe95d8dcf6fc32e"])
    zones_scored: int = Field(description="zones scored in at least one year of the window", examples=[300])
    zone_years: int = Field(description="zone-years scored over the whole window", examples=[1500])
    tier_counts: dict[str, dict[str, int]] = Field(description="year → tier → zones, every year of the window, "
                                                   "tiers best first",
                                                   examples=[{"2020": {"peak": 50, "strong": 90, "moderate": 123,
                                                                       "emerging": 37},
                                                              "2024": {"peak": 134, "strong": 96, "moderate": 62,
                                                                       "emerging": 8}}])
    trend_counts: dict[str, int] = Field(description="trajectory class (rising, stable, declining) → zones; zones "
                                         "without a class are left out",
                                         examples=[{"declining": 8, "rising": 288, "stable": 4}])
    duration_ms: float = Field(description="time the panel took to compute, in milliseconds", examples=[371.2])
    created_at: datetime = Field(description="when the panel was stored (UTC)", examples=["2026-03-02T08:15:00Z"])
    created_by: str | None = Field(description="name of the key that made it (or cli)", examples=["浙江门户"])
    note: str | None = Field(description="free text given with the request", examples=["全国高新区 2020–2024 年面板"])


class PanelDetail(PanelOut):
    """A panel with its window-level information: indicators kept and dropped, bounds, weights, methods."""

    info: dict[str, Any] = Field(
        description="window-level facts: indicators kept, indicators dropped with the years they were short, the "
        "common min-max bounds, applied indicator and pillar weights, methods, whether the composite has a ratio "
        "scale, Monte Carlo runs and the mean composite of every year",
        examples=[{"indicators": ["rd_intensity", "hte_count"], "excluded_indicators": [],
                   "bounds": {"rd_intensity": {"min": 0.68, "max": 9.43}},
                   "applied_weights": {"rd_intensity": 0.0636}, "pillar_weights": {"innovation": 0.35},
                   "methods": {"normalisation": "minmax", "aggregation": "arithmetic"}, "ratio_scale": True,
                   "uncertainty_runs": 200, "mean_composite": {"2020": 26.15, "2024": 32.38}}])
    excluded: list[dict[str, Any]] = Field(description="zones scored in no year of the window, with the reason and "
                                           "their best coverage",
                                           examples=[[{"code": "DEMO-33-P07", "coverage": 0.3,
                                                       "reason": "not scored in any year of 2020–2024"}]])
    unscored: list[dict[str, Any]] = Field(
        description="zone-years of the window that could not be scored, with the reason and coverage",
        examples=[[{"code": "DEMO-33-P07", "year": 2021, "coverage": 0.3,
                    "reason": "reports 8 of 29 indicators in 2021 (28%), below the 67% zone-coverage threshold"}]])
    methodology: dict[str, Any] = Field(description="the model's methodology as it was when the panel was made: "
                                        "pillars, indicators and weights, tier scheme, spec and steps",
                                        examples=[{"key": "innovation-peak", "version": "1.1.0",
                                                   "title_zh": "创新高峰分类评价"}])


class PanelScoreRow(BaseModel):
    """One zone in one year of a panel."""

    zone_code: str = Field(description="zone code", examples=["DEMO-33-N01"])
    name_zh: str | None = Field(description="Chinese name as the panel stored it", examples=["示例高新区-浙江01"])
    name_en: str | None = Field(description="English name as the panel stored it",
                                examples=["Demo Hi-tech Zone Zhejiang 01"])
    province: str | None = Field(description="GB/T 2260 province code", examples=["33"])
    level: str | None = Field(description="national or provincial", examples=["national"])
    year: int = Field(description="the year of the window", examples=[2024])
    rank: int = Field(description="rank among the zones scored that year, 1 = best", examples=[42])
    composite: float = Field(description=_COMPOSITE, examples=[48.27])
    rpi: float | None = Field(description=_RPI, examples=[143.86])
    tier: str | None = Field(description=_TIER + " (null without an RPI)", examples=["peak"])
    subgroup: str | None = Field(description=_SUBGROUP + " (null without a tier)", examples=["+"])
    profile: str | None = Field(description=_PROFILE + " (null when the model has no profiles or an axis is "
                                "missing)", examples=["peak"])
    peer_group: str = Field(description="the zone's peer group of the base year", examples=[_PEER_GROUP])
    progress_points: float | None = Field(description=_PROGRESS, examples=[13.7])
    progress_pct: float | None = Field(description=_PROGRESS_PCT, examples=[39.62])


class PanelScores(BaseModel):
    """A page of a panel's zone-years, with the reference they are measured against."""

    reference: PanelReference = Field(description=REFERENCE_DESCRIPTION)
    items: list[PanelScoreRow] = Field(description="the zone-years of this page, by year, then rank")
    total: int = Field(description="zone-years matching the filters", examples=[1500])
    limit: int = Field(description="page size asked for", examples=[50])
    offset: int = Field(description="zone-years skipped", examples=[0])


class Transitions(BaseModel):
    """Tier × tier and profile × profile transitions between two years of a panel, and the named moves."""

    panel_id: int = Field(description="panel id", examples=[1])
    reference: PanelReference = Field(description=REFERENCE_DESCRIPTION)
    from_year: int = Field(description="the first year compared (default: the base year)", examples=[2020])
    to_year: int = Field(description="the second year compared (default: the last year)", examples=[2024])
    zones_compared: int = Field(description="zones with a tier in both years", examples=[300])
    tiers: TransitionMatrix = Field(description="tier × tier transitions, tiers best first")
    profiles: TransitionMatrix = Field(description="profile × profile transitions (peak, plateau, growth, "
                                       "foundation)")
    moves: dict[str, list[str]] = Field(description="breakthrough, stuck_on_plateau, climbed, fallen_back → zones",
                                        examples=[{"breakthrough": ["DEMO-12-P01", "DEMO-33-N01"],
                                                   "stuck_on_plateau": ["DEMO-13-P01"],
                                                   "climbed": ["DEMO-12-P01", "DEMO-33-N01"],
                                                   "fallen_back": ["DEMO-32-N03"]}])


class TierBand(BaseModel):
    """A tier's band in composite points for one peer group (its RPI band × the reference mean / 100)."""

    tier: str = Field(description="tier code", examples=["strong"])
    lower: float | None = Field(description="lower edge in composite points (null: open at the bottom)",
                                examples=[33.56])
    upper: float | None = Field(description="upper edge in composite points (null: open at the top)",
                                examples=[41.95])


class TrajectoryPoint(BaseModel):
    """The zone in one year of the window (None everywhere: not scored that year)."""

    year: int = Field(description="the year of the window", examples=[2024])
    composite: float | None = Field(description=_COMPOSITE, examples=[48.27])
    rpi: float | None = Field(description=_RPI, examples=[143.86])
    tier: str | None = Field(description=_TIER, examples=["peak"])
    subgroup: str | None = Field(description=_SUBGROUP, examples=["+"])
    profile: str | None = Field(description=_PROFILE, examples=["peak"])
    rank: int | None = Field(description="rank among the zones scored that year, 1 = best", examples=[42])
    progress_points: float | None = Field(description=_PROGRESS, examples=[13.7])
    progress_pct: float | None = Field(description=_PROGRESS_PCT, examples=[39.62])


class ZoneTrajectory(BaseModel):
    """A zone through a panel's window on the common scale: every year, its trend and the tier bands."""

    panel_id: int = Field(description="panel id", examples=[1])
    reference: PanelReference = Field(description=REFERENCE_DESCRIPTION)
    zone_code: str = Field(description="zone code", examples=["DEMO-33-N01"])
    name_zh: str | None = Field(description="Chinese name as the panel stored it", examples=["示例高新区-浙江01"])
    name_en: str | None = Field(description="English name as the panel stored it",
                                examples=["Demo Hi-tech Zone Zhejiang 01"])
    province: str | None = Field(description="GB/T 2260 province code", examples=["33"])
    level: str | None = Field(description="national or provincial", examples=["national"])
    peer_group: str = Field(description="the zone's peer group of the base year", examples=[_PEER_GROUP])
    reference_mean: float | None = Field(description="the base-year mean composite of the zone's peer group",
                                         examples=[33.56])
    points: list[TrajectoryPoint] = Field(description="one per year of the window, oldest first; in a year the zone "
                                          "was not scored every field but the year is null")
    trajectory: Trajectory = Field(description="the zone's Theil–Sen trend with its Monte Carlo interval and class")
    bands: list[TierBand] = Field(description="the tiers' bands in composite points for the zone's peer group, best "
                                  "first (empty without a reference mean)")


class Movement(BaseModel):
    """How a zone moved from an earlier year of the panel to this one."""

    since: int = Field(description="the earlier year compared with", examples=[2020])
    tier_before: str | None = Field(description="the zone's tier in that year", examples=["strong"])
    tier_change: str | None = Field(description="'up', 'down', 'same', or None when a tier is missing",
                                    examples=["up"])
    profile_before: str | None = Field(description="the zone's profile in that year", examples=["plateau"])
    moves: list[str] = Field(description="named moves: breakthrough, stuck_on_plateau, climbed, fallen_back",
                             examples=[["breakthrough", "climbed"]])
    points: float | None = Field(description="composite change in points", examples=[13.7])
    pct: float | None = Field(description="composite change in % of the earlier composite (ratio scales only)",
                              examples=[39.62])


class PanelYearCard(BaseModel):
    """A zone's scorecard in one year of a panel, saying how it moved since the base and the previous year."""

    panel_id: int = Field(description="panel id", examples=[1])
    reference: PanelReference = Field(description=REFERENCE_DESCRIPTION)
    model_key: str = Field(description="key of the scoring model", examples=["innovation-peak"])
    model_version: str = Field(description="version of the model the panel used", examples=["1.1.0"])
    zone_code: str = Field(description="zone code", examples=["DEMO-33-N01"])
    name_zh: str | None = Field(description="Chinese name as the panel stored it", examples=["示例高新区-浙江01"])
    name_en: str | None = Field(description="English name as the panel stored it",
                                examples=["Demo Hi-tech Zone Zhejiang 01"])
    province: str | None = Field(description="GB/T 2260 province code", examples=["33"])
    level: str | None = Field(description="national or provincial", examples=["national"])
    result: PanelZoneYear = Field(description="the zone's full result in that year on the panel's common scale")
    zones_scored: int = Field(description="zones scored that year", examples=[300])
    since_base: Movement | None = Field(description="how the zone moved since the base year (null: this is the base "
                                        "year, or the zone was not scored then)")
    since_previous: Movement | None = Field(description="how the zone moved since its previous scored year (null: "
                                            "not scored in an earlier year of the window)")
    trajectory: Trajectory = Field(description="the zone's Theil–Sen trend over the window")
