"""What a panel run says: every zone-year on the window's common scale, the reference it is measured
against, each zone's trajectory, and what the window's data allowed (pydantic, JSON-ready)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scoring_models.base import ExcludedZone

Trend = Literal["rising", "stable", "declining"]
"""A trajectory class; labels in the catalog (kind ``trends``)."""

REFERENCE_POPULATION: Literal["peer_group"] = "peer_group"
"""Whose mean a panel's RPI divides by: the zone's peer group of the base year, scored in the base year."""


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReferenceGroup(_Result):
    """One base-year peer group: its members scored in the base year and their mean composite."""

    code: str
    size: int = Field(ge=0)
    mean_composite: float | None = Field(description="None when no member was scored in the base year")


class PanelReference(_Result):
    """What tiers and the RPI of every year are measured against: the base year's peer-group means.

    As the European Innovation Scoreboard reports performance relative to the EU in its base year,
    a zone's RPI in any year of the panel is its composite over the mean composite of its base-year
    peer group in the base year, × 100 — a fixed yardstick, so a zone that improves climbs tiers
    even when its peers improve as much.
    """

    population: Literal["peer_group"] = REFERENCE_POPULATION
    statistic: Literal["mean"] = "mean"
    base_year: int
    groups: list[ReferenceGroup]

    def means(self) -> dict[str, float | None]:
        """Peer-group code → its base-year mean composite."""
        return {g.code: g.mean_composite for g in self.groups}


class PanelZoneYear(_Result):
    """A scored zone in one year of the panel, on the window's common scale."""

    code: str
    year: int
    composite: float
    pillar_scores: dict[str, float | None]
    rank: int = Field(ge=1, description="among the zones scored that year, 1 = best")
    peer_group: str = Field(description="the zone's peer group of the base year")
    rpi: float | None = Field(description="composite / base-year peer-group mean × 100")
    tier: str | None
    subgroup: Literal["+", "", "-"] | None
    profile: str | None = Field(description="innovation and scale axes against the base-year peer medians")
    progress_points: float | None = Field(description="composite minus the zone's base-year composite")
    progress_pct: float | None = Field(description="that change in % of the base-year composite (ratio scales only)")
    gap_to_next_tier: float | None = Field(description="composite points to the next tier's RPI threshold")
    coverage: float = Field(ge=0, le=1, description="share of the model's indicators reported that year")
    imputed_cells: list[str]
    raw: dict[str, float | None] = Field(description="indicator → the value reported that year (None = missing)")
    normalised: dict[str, float | None] = Field(description="indicator → its score on the window's common scale")


class UnscoredZoneYear(_Result):
    """A zone-year of the window the panel could not score, and why."""

    code: str
    year: int
    reason: str = Field(min_length=1)
    coverage: float


class SlopeInterval(_Result):
    """5th and 95th percentile of the Monte Carlo slopes (composite points per year)."""

    p5: float
    p95: float


class Trajectory(_Result):
    """A zone's trend over the window: Theil–Sen slope and intercept, its Monte Carlo interval and class.

    ``trend`` is ``rising`` only when the whole interval lies above 0, ``declining`` only when it lies
    below 0, else ``stable``; None without an interval (no Monte Carlo runs) or with fewer than two
    scored years.
    """

    code: str
    years: list[int] = Field(description="the years the zone was scored")
    slope: float | None = Field(description="Theil–Sen slope, composite points per year")
    intercept: float | None = Field(description="composite at the base year on the Theil–Sen line")
    interval: SlopeInterval | None
    trend: Trend | None
    runs: int = Field(ge=0, description="Monte Carlo runs behind the interval")


class YearCoverage(_Result):
    """An indicator's coverage in one year: the share of the panel's zones reporting it."""

    year: int
    coverage: float


class ShortIndicator(_Result):
    """An indicator below the coverage threshold in at least one year, dropped from the whole window."""

    code: str
    threshold: float
    short_years: list[YearCoverage]


class Bounds(_Result):
    """An indicator's lowest and highest value over every scored zone-year of the window (after
    imputation and outlier treatment): the common min-max bounds of the panel."""

    min: float | None
    max: float | None


class PanelInfo(_Result):
    """Window-level facts: the indicators kept and dropped, bounds, weights, methods, the field's mean."""

    indicators: list[str]
    excluded_indicators: list[ShortIndicator]
    bounds: dict[str, Bounds]
    applied_weights: dict[str, float]
    pillar_weights: dict[str, float]
    methods: dict[str, str]
    ratio_scale: bool = Field(description="composites have a meaningful ratio: RPI, tiers and % progress are given")
    uncertainty_runs: int
    mean_composite: dict[str, float] = Field(description="year → mean composite of the zones scored that year")


class PanelResult(_Result):
    """The full output of :func:`scoring_models.panel.evaluate_panel`."""

    model_key: str
    model_version: str
    years: list[int]
    base_year: int
    seed: int
    reference: PanelReference
    zone_years: list[PanelZoneYear] = Field(description="by year, then rank")
    trajectories: list[Trajectory] = Field(description="one per zone scored in at least one year, by code")
    excluded: list[ExcludedZone] = Field(description="zones scored in no year of the window")
    unscored: list[UnscoredZoneYear]
    info: PanelInfo
