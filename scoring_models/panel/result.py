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

    code: str = Field(description="peer-group code of the base year (groups merged for size join their codes "
                      "with ~)", examples=["revenue1-platforms2"])
    size: int = Field(ge=0, description="members of the group scored in the base year", examples=[35])
    mean_composite: float | None = Field(description="the members' mean composite in the base year, on the panel's "
                                         "common scale: the RPI's denominator in every year (None when no member "
                                         "was scored in the base year)", examples=[42.64])


class PanelReference(_Result):
    """What tiers and the RPI of every year are measured against: the base year's peer-group means.

    As the European Innovation Scoreboard reports performance relative to the EU in its base year,
    a zone's RPI in any year of the panel is its composite over the mean composite of its base-year
    peer group in the base year, × 100 — a fixed yardstick, so a zone that improves climbs tiers
    even when its peers improve as much.
    """

    population: Literal["peer_group"] = Field(
        default=REFERENCE_POPULATION, description="whose mean the RPI divides by: the zone's peer group of the "
        "base year (its members scored in the base year)")
    statistic: Literal["mean"] = Field(default="mean", description="the statistic of that population: the mean "
                                       "composite")
    base_year: int = Field(description="the year whose peer-group means every year is measured against",
                           examples=[2020])
    groups: list[ReferenceGroup] = Field(description="every base-year peer group with its size and mean composite")

    def means(self) -> dict[str, float | None]:
        """Peer-group code → its base-year mean composite."""
        return {g.code: g.mean_composite for g in self.groups}


class PanelZoneYear(_Result):
    """A scored zone in one year of the panel, on the window's common scale."""

    code: str = Field(description="zone code", examples=["DEMO-33-N01"])
    year: int = Field(description="the year of the window", examples=[2024])
    composite: float = Field(description="composite score on the window's common scale (indicators normalised "
                             "with bounds over every zone-year of the window; 0–100 for the built-in models)",
                             examples=[48.27])
    pillar_scores: dict[str, float | None] = Field(description="pillar code → pillar score on the same scale "
                                                   "(None: the pillar could not be scored)",
                                                   examples=[{"innovation": 36.77, "leading_chain": 70.63}])
    rank: int = Field(ge=1, description="among the zones scored that year, 1 = best", examples=[42])
    peer_group: str = Field(description="the zone's peer group of the base year",
                            examples=["revenue1-platforms2"])
    rpi: float | None = Field(description="composite / the base year's mean composite of the zone's base-year "
                              "peer group × 100 (None when the composite has no ratio scale, or that mean is "
                              "missing or not positive)", examples=[143.86])
    tier: str | None = Field(description="tier code from the RPI against the base year (built-in: peak, strong, "
                             "moderate, emerging; None without an RPI)", examples=["peak"])
    subgroup: Literal["+", "", "-"] | None = Field(description="± subgroup within the tier: '+' upper, '' middle, "
                                                   "'-' lower third ('' for every zone when the model has no "
                                                   "subgroups; None without a tier)", examples=["+"])
    profile: str | None = Field(description="profile code (peak, plateau, growth, foundation): the innovation and "
                                "scale axes against the base-year medians of the zone's peer group (None when the "
                                "model has no profiles or an axis is missing)", examples=["peak"])
    progress_points: float | None = Field(description="composite minus the zone's base-year composite (None when "
                                          "the zone was not scored in the base year)", examples=[13.7])
    progress_pct: float | None = Field(description="that change in % of the base-year composite (ratio scales only)",
                                       examples=[39.62])
    gap_to_next_tier: float | None = Field(description="composite points to the next tier's RPI threshold, with the "
                                           "base-year reference held fixed (None in the top tier or without a tier)",
                                           examples=[2.41])
    coverage: float = Field(ge=0, le=1, description="share of the model's indicators reported that year",
                            examples=[1.0])
    imputed_cells: list[str] = Field(description="codes of the indicators whose value that year was imputed",
                                     examples=[["vc_investment"]])
    raw: dict[str, float | None] = Field(description="indicator → the value reported that year (None = missing)",
                                         examples=[{"rd_intensity": 3.33, "hte_count": 846.0}])
    normalised: dict[str, float | None] = Field(description="indicator → its score on the window's common scale",
                                                examples=[{"rd_intensity": 30.29, "hte_count": 27.8}])


class UnscoredZoneYear(_Result):
    """A zone-year of the window the panel could not score, and why."""

    code: str
    year: int
    reason: str = Field(min_length=1)
    coverage: float


class SlopeInterval(_Result):
    """5th and 95th percentile of the Monte Carlo slopes (composite points per year)."""

    p5: float = Field(description="5th percentile of the Monte Carlo slopes, composite points per year",
                      examples=[1.99])
    p95: float = Field(description="95th percentile of the Monte Carlo slopes, composite points per year",
                       examples=[3.54])


class Trajectory(_Result):
    """A zone's trend over the window: Theil–Sen slope and intercept, its Monte Carlo interval and class.

    ``trend`` is ``rising`` only when the whole interval lies above 0, ``declining`` only when it lies
    below 0, else ``stable``; None without an interval (no Monte Carlo runs) or with fewer than two
    scored years.
    """

    code: str = Field(description="zone code", examples=["DEMO-33-N01"])
    years: list[int] = Field(description="the years the zone was scored", examples=[[2020, 2021, 2022, 2023, 2024]])
    slope: float | None = Field(description="Theil–Sen slope, composite points per year (None with fewer than two "
                                "scored years)", examples=[2.33])
    intercept: float | None = Field(description="composite at the base year on the Theil–Sen line",
                                    examples=[39.53])
    interval: SlopeInterval | None = Field(description="the slope's 5th–95th percentile interval over the Monte "
                                           "Carlo runs (None without runs or with fewer than two scored years)")
    trend: Trend | None = Field(description="rising (the whole interval above 0), declining (below 0) or stable; "
                                "None without an interval", examples=["rising"])
    runs: int = Field(ge=0, description="Monte Carlo runs behind the interval (0: no interval)", examples=[204])


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
