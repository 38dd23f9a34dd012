"""Evaluation runs, rankings, scorecards and comparisons.

Replies are localised: beside every stable code (``tier``, ``profile``, ``badges`` …) stands its label
in the request's language (``tier_label`` …), chosen by ``?lang=`` or ``Accept-Language`` and named
in ``Content-Language``. Codes never change with the language; labels do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import WholeNumber
from app.services.matrix import RequestedZones, ZoneFilter
from app.services.run_document import Methodology
from scoring_models.base import EvaluationOptions, ExcludedZone, ModelInfo, ZoneResult
from scoring_models.labels import LabelKind, label, labels, peer_group_label
from scoring_models.steps.coupling import CouplingScores
from scoring_models.steps.efficiency import EfficiencyScores

# examples read from the label catalog (a label has one definition)
_PROVINCE, _LEVEL = label(LabelKind.PROVINCES, "33"), label(LabelKind.LEVELS, "national")
_PEAK, _STRONG, _MODERATE = (label(LabelKind.TIERS, t) for t in ("peak", "strong", "moderate"))
_UPPER, _GAZELLE = label(LabelKind.SUBGROUPS, "+"), label(LabelKind.BADGES, "gazelle")
_PEAK_PROFILE, _PLATEAU = label(LabelKind.PROFILES, "peak"), label(LabelKind.PROFILES, "plateau")
_PEER_GROUP = peer_group_label("revenue1-platforms2")
_NAME = "the zone's name in the request's language (the Chinese name when it has no English one)"


class EvaluationRequest(BaseModel):
    """What to evaluate: a model (and version), a year, which zones, and how."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"model": "innovation-peak", "year": 2024, "zones": {"provinces": ["33"]}, "options": {"seed": 7},
         "note": "浙江省 2024 年度评价"},
    ]})

    model: str = Field(min_length=1, max_length=64, description="key of the scoring model (GET /models)",
                       examples=["innovation-peak"])
    version: str | None = Field(default=None, max_length=32, description="model version; default: the newest",
                                examples=["1.0.0"])
    year: WholeNumber = Field(ge=1988, le=2100, description="evaluation year (GET /coverage says which years have "
                              "data)", examples=[2024])
    zones: RequestedZones = Field(default_factory=ZoneFilter, description="which zones to evaluate; default: "
                                  "every high-tech zone")
    options: EvaluationOptions = Field(default_factory=EvaluationOptions, description="seed, Monte Carlo size "
                                       "and method overrides")
    note: str | None = Field(default=None, max_length=2000, description="free text stored with the run",
                             examples=["浙江省 2024 年度评价"])


class RunLinks(BaseModel):
    """Paths of a run's resources; ``successor`` once another run superseded it, ``official`` when its zone
    filter is one the official endpoints name (all zones, or one province)."""

    run: str = Field(description="this run", examples=["/api/v1/evaluations/12"])
    rankings: str = Field(description="its ranking", examples=["/api/v1/evaluations/12/rankings"])
    successor: str | None = Field(description="the run that superseded it (null: none)", examples=[None])
    official: str | None = Field(description="the official ranking of its model, year and province (null: its zone "
                                 "filter is not one the official endpoints name)",
                                 examples=["/api/v1/official/innovation-peak/2024/rankings?province=33"])


class EvaluationRunOut(BaseModel):
    """A stored evaluation run (its results never change) and its publication state."""

    id: int = Field(description="run id", examples=[12])
    model_key: str = Field(description="key of the scoring model", examples=["innovation-peak"])
    model_version: str = Field(description="version of the model the run used", examples=["1.0.0"])
    year: int = Field(description="evaluation year", examples=[2024])
    zone_filter: ZoneFilter = Field(description="the zones the run covers, as asked for")
    options: EvaluationOptions = Field(description="the options the run used")
    input_hash: str = Field(description="SHA-256 of methodology, year, filter, options and data: unchanged inputs "
                            "give the same hash", examples=["9c1e…"])
    result_hash: str = Field(description="SHA-256 of the result", examples=["4b7a…"])
    zones_ranked: int = Field(description="zones in the ranking", examples=[180])
    zones_excluded: int = Field(description="zones left out for too little data", examples=[3])
    tier_counts: dict[str, int] = Field(description="tier code → number of zones, best tier first",
                                        examples=[{"peak": 18, "strong": 52, "moderate": 80, "emerging": 30}])
    tier_labels: dict[str, str] = Field(description="tier code → its name in the request's language, best first",
                                        examples=[labels(LabelKind.TIERS)])
    excluded: list[ExcludedZone] = Field(description="zones left out, with the reason")
    duration_ms: float = Field(description="time the model took, in milliseconds", examples=[840.5])
    created_at: datetime = Field(description="when the run was stored (UTC)", examples=["2026-03-02T08:15:00Z"])
    created_by: str | None = Field(description="name of the key that made it (or cli)", examples=["浙江门户"])
    note: str | None = Field(description="free text given with the request", examples=["浙江省 2024 年度评价"])
    status: str = Field(description="draft, published, superseded or withdrawn", examples=["published"])
    published_at: datetime | None = Field(description="when it was published (null: never)",
                                          examples=["2026-03-03T09:00:00Z"])
    published_by: str | None = Field(description="name of the key that published it", examples=["浙江省科技厅"])
    superseded_at: datetime | None = Field(description="when another run replaced it as the official result",
                                           examples=[None])
    superseded_by: int | None = Field(description="the run that replaced this one as the official result",
                                      examples=[None])
    withdrawn_at: datetime | None = Field(description="when it was withdrawn (null: it was not)", examples=[None])
    withdrawal_reason: str | None = Field(description="why it was withdrawn", examples=[None])
    links: RunLinks = Field(description="paths of the run's resources")


class EvaluationRunDetail(EvaluationRunOut):
    """A run with model-level information: weights, flags, methods, peer groups, sensitivity."""

    info: ModelInfo = Field(description="weights, correlation flags, excluded indicators, outlier treatments, "
                            "methods, peer groups and sensitivity indices of the run")
    methodology: Methodology = Field(description="the model's methodology as it was when the run was made")


class RankIntervalOut(BaseModel):
    """5th, 50th and 95th percentile rank across the Monte Carlo runs: ranks some run gave, whole numbers
    (runs stored by earlier releases hold interpolated percentiles and are served as stored)."""

    p5: int | float = Field(description="5th percentile rank (the best plausible rank)", examples=[3])
    median: int | float = Field(description="median rank", examples=[5])
    p95: int | float = Field(description="95th percentile rank (the worst plausible rank)", examples=[9])


class ZoneOfRun(BaseModel):
    """A zone as a run saw it: its code, names, province and level, each code with its label."""

    zone_code: str = Field(description="zone code", examples=["DEMO-33-N01"])
    name: str | None = Field(description=_NAME, examples=["示例高新区-浙江01"])
    name_zh: str | None = Field(description="Chinese name", examples=["示例高新区-浙江01"])
    name_en: str | None = Field(description="English name", examples=["Demo Hi-tech Zone Zhejiang 01"])
    province: str | None = Field(description="GB/T 2260 province code", examples=["33"])
    province_label: str | None = Field(description="the province's name", examples=[_PROVINCE])
    level: str | None = Field(description="national or provincial", examples=["national"])
    level_label: str | None = Field(description="the level's name", examples=[_LEVEL])


class PeerGroupFields(BaseModel):
    """The peer group a zone's tier and RPI are measured against: its code in words, size and mean."""

    peer_group_label: str = Field(description="the peer group read as words: the tier is relative to this group",
                                  examples=[_PEER_GROUP])
    peer_group_size: int | None = Field(description="zones of the run in the peer group", examples=[24])
    peer_group_mean: float | None = Field(description="the group's mean composite: RPI = composite / this × 100",
                                          examples=[59.8])


class RankingRow(PeerGroupFields, ZoneOfRun):
    """One zone in a ranking: stable codes, each with its label in the request's language."""

    rank: int = Field(description="overall rank, 1 = best; ties share the lowest rank", examples=[1])
    composite: float = Field(description="composite score (0–100 for the built-in models)", examples=[78.4])
    rpi: float | None = Field(description="relative performance index: composite ÷ peer-group mean × 100",
                              examples=[131.2])
    tier: str | None = Field(description="tier code (built-in: peak, strong, moderate, emerging)", examples=["peak"])
    tier_label: str | None = Field(description="the tier's name", examples=[_PEAK])
    tier_zh: str | None = Field(description="the tier's Chinese name; use tier_label", deprecated=True,
                                examples=[_PEAK])
    subgroup: Literal["+", "", "-"] | None = Field(description="± subgroup within the tier: '+' upper, '' middle, "
                                                   "'-' lower third", examples=["+"])
    subgroup_label: str | None = Field(description="the subgroup's name", examples=[_UPPER])
    peer_group: str = Field(description="peer-group code", examples=["revenue1-platforms2"])
    peer_rank: int = Field(description="rank within the peer group", examples=[1])
    profile: str | None = Field(description="profile code: peak, plateau, growth, foundation", examples=["peak"])
    profile_label: str | None = Field(description="the profile's name", examples=[_PEAK_PROFILE])
    profile_zh: str | None = Field(description="the profile's Chinese name; use profile_label", deprecated=True,
                                   examples=[_PEAK_PROFILE])
    badges: list[str] = Field(description="cultivation badge codes: gazelle, hidden_champion, single_champion",
                              examples=[["gazelle"]])
    badge_labels: list[str] = Field(description="the badges' names, in the order of badges", examples=[[_GAZELLE]])
    rank_interval: RankIntervalOut | None = Field(description="rank percentiles across the Monte Carlo runs "
                                                  "(null when the run had none)")
    coupling: CouplingScores | None = Field(default=None, description="coupling coordination (coupling models)")
    efficiency: EfficiencyScores | None = Field(default=None, description="DEA efficiency (efficiency models)")


class RankChange(BaseModel):
    """How a zone moved against the same model's run for the previous year."""

    previous_run_id: int = Field(description="the run of the previous year compared with", examples=[7])
    previous_rank: int | None = Field(description="the zone's rank in that run (null: it was not ranked)",
                                      examples=[8])
    rank_change: int | None = Field(description="positive: moved up (a better rank than the year before)",
                                    examples=[3])
    previous_tier: str | None = Field(description="the zone's tier in that run", examples=["strong"])
    previous_tier_label: str | None = Field(default=None, description="that tier's name", examples=[_STRONG])
    tier_change: Literal["up", "down", "same"] | None = Field(description="'up', 'down', 'same', or null when unknown",
                                                             examples=["up"])


class HighlightOut(BaseModel):
    """A strength or weakness of a zone, in words."""

    kind: Literal["strength", "weakness"] = Field(description="strength or weakness", examples=["strength"])
    code: str = Field(description="indicator code", examples=["rd_intensity"])
    label: str = Field(description="the indicator's name", examples=["R&D经费投入强度"])
    delta: float = Field(description="normalised value minus the peer-group median, in points", examples=[12.4])
    sentence: str = Field(description="the strength or weakness as a sentence in the request's language",
                          examples=["R&D经费投入强度高于同类组中位数 12.4 分"])


class Scorecard(PeerGroupFields, ZoneOfRun):
    """Everything about one zone in one run, with the change against the previous year."""

    run_id: int = Field(description="run id", examples=[12])
    model_key: str = Field(description="key of the scoring model", examples=["innovation-peak"])
    model_version: str = Field(description="version of the model", examples=["1.0.0"])
    year: int = Field(description="evaluation year", examples=[2024])
    result: ZoneResult = Field(description="the model's full result for the zone (codes only; labels beside)")
    tier_label: str | None = Field(description="name of result.tier", examples=[_PEAK])
    subgroup_label: str | None = Field(description="name of result.subgroup", examples=[_UPPER])
    next_tier_label: str | None = Field(description="name of result.next_tier", examples=[None])
    profile_label: str | None = Field(description="name of result.profile", examples=[_PEAK_PROFILE])
    badge_labels: list[str] = Field(description="names of result.badges, same order", examples=[[_GAZELLE]])
    risk_flag_labels: list[str] = Field(description="names of result.risk_flags, same order", examples=[[]])
    pillar_labels: dict[str, str] = Field(description="pillar code → name, for result.pillar_scores",
                                          examples=[{"innovation": "创新能力"}])
    indicator_labels: dict[str, str] = Field(description="indicator code → name, for result.indicators",
                                             examples=[{"rd_intensity": "R&D经费投入强度"}])
    highlights: list[HighlightOut] = Field(description="result.strengths then result.weaknesses, in words")
    zones_ranked: int = Field(description="zones in the run's ranking", examples=[180])
    previous_year: RankChange | None = Field(description="change against the same model's run for the previous "
                                             "year made before this one (null: no such run)")


class Mover(BaseModel):
    """A zone present in both runs of a comparison."""

    zone_code: str = Field(description="zone code", examples=["DEMO-33-N01"])
    name: str | None = Field(description=_NAME, examples=["示例高新区-浙江01"])
    name_zh: str | None = Field(description="Chinese name", examples=["示例高新区-浙江01"])
    province: str | None = Field(description="GB/T 2260 province code", examples=["33"])
    province_label: str | None = Field(description="the province's name", examples=[_PROVINCE])
    base_rank: int = Field(description="rank among the common zones under the base run", examples=[4])
    other_rank: int = Field(description="rank among the common zones under the other run", examples=[27])
    rank_change: int = Field(description="base_rank − other_rank: positive means the zone ranks higher in 'other'",
                             examples=[-23])
    base_tier: str | None = Field(description="tier code in the base run", examples=["peak"])
    base_tier_label: str | None = Field(description="that tier's name", examples=[_PEAK])
    other_tier: str | None = Field(description="tier code in the other run", examples=["moderate"])
    other_tier_label: str | None = Field(description="that tier's name", examples=[_MODERATE])
    base_profile: str | None = Field(description="profile code in the base run", examples=["plateau"])
    other_profile: str | None = Field(description="profile code in the other run", examples=["plateau"])
    other_profile_label: str | None = Field(description="the other run's profile name", examples=[_PLATEAU])
    low_tech_risk: bool = Field(
        description="ranks much lower in 'other' and has the 产业高原型 (plateau) profile there", examples=[True]
    )


class Comparison(BaseModel):
    """Who moves up or down between two runs, and the zones the base scheme overrated."""

    base: EvaluationRunOut = Field(description="the base run")
    other: EvaluationRunOut = Field(description="the other run")
    common_zones: int = Field(description="zones ranked in both runs", examples=[178])
    threshold: int = Field(description="rank change that counts as a move", examples=[18])
    only_in_base: list[str] = Field(description="codes of zones ranked only in the base run", examples=[[]])
    only_in_other: list[str] = Field(description="codes of zones ranked only in the other run", examples=[[]])
    moved_up: list[Mover] = Field(description="zones ranked at least threshold places higher in 'other'")
    moved_down: list[Mover] = Field(description="zones ranked at least threshold places lower in 'other'")
    overrated: list[Mover] = Field(
        description="zones ranked much better by the base run than by the other: 产业高原 / 低新化 candidates"
    )
    rank_correlation: float | None = Field(description="Spearman correlation of the two rankings", examples=[0.62])


class WithdrawalRequest(BaseModel):
    """Why a run is taken back: shown with every 410 answer for it and sent to the receivers."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, description="shown with every 410 answer for the run and "
                        "sent to the webhook receivers",
                        examples=["数据报送错误：部分园区2024年研发投入重复计算，将重新发布"])


class OfficialRankingPage(BaseModel):
    """A page of the official ranking and the run it comes from."""

    run: EvaluationRunOut = Field(description="the published run the ranking comes from")
    items: list[RankingRow] = Field(description="the rows of this page")
    total: int = Field(description="rows matching the filters", examples=[180])
    limit: int = Field(description="page size asked for", examples=[50])
    offset: int = Field(description="rows skipped", examples=[0])
