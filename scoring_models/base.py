"""The plug-in contract: the input matrix, the options, the result, and the model protocol.

Every scoring model — built-in, declared as a JSON spec, or shipped by a third-party package —
takes an :class:`IndicatorMatrix` and returns an :class:`EvaluationResult`. The matrix is a plain
numpy container (zones × indicators × years); results and options are pydantic v2 models so the
service can store ``result.model_dump(mode="json")`` as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from scoring_models.arrays import FloatArray
from scoring_models.catalog import Direction, Indicator, indicator_catalog
from scoring_models.labels import LabelKind, label
from scoring_models.methods import MethodOverrides as MethodOverrides  # part of the options contract
from scoring_models.steps.ahp import AhpReport
from scoring_models.steps.combined_weights import WeightParts
from scoring_models.steps.coupling import CouplingScores
from scoring_models.steps.effective import Importance
from scoring_models.steps.efficiency import EfficiencyScores

MetaValue = str | int | float | bool | None


class ZoneMeta(BaseModel):
    """Descriptive facts about a zone used for peer groups, badges and display (not scored)."""

    model_config = ConfigDict(frozen=True)

    name_zh: str | None = None
    name_en: str | None = None
    level: str | None = Field(default=None, description="'national' or 'provincial'")
    province: str | None = Field(default=None, description="GB/T 2260 two-digit code")
    leading_chain: str | None = Field(default=None, description="declared leading chain code")
    extra: dict[str, MetaValue] = Field(default_factory=dict)


@dataclass(frozen=True)
class Observation:
    """One long-format row: a zone's value of one indicator in one year (None = missing)."""

    zone: str
    indicator: str
    year: int
    value: float | None


def _observation(row: Observation | tuple[str, str, int, float | None] | Mapping[str, Any]) -> Observation:
    if isinstance(row, Observation):
        return row
    if isinstance(row, Mapping):
        return Observation(str(row["zone"]), str(row["indicator"]), int(row["year"]), row.get("value"))
    zone, indicator, year, value = row
    return Observation(zone, indicator, int(year), value)


def _readonly(a: FloatArray) -> FloatArray:
    a = np.array(a, dtype=np.float64, copy=True)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class IndicatorMatrix:
    """Zones × indicators × years of raw values (NaN = missing) plus zone metadata and features.

    ``values[z, i, y]`` is zone ``zones[z]``'s raw value of ``indicators[i]`` in ``years[y]``;
    years are strictly increasing. ``evaluation_year`` (default: the last year) is the year that
    is scored; earlier years stay available as history for imputation and badges. ``features``
    (zones × ``feature_names``) carries non-scored numbers used for peer groups, such as revenue
    when the model does not read it. Arrays are copied and made read-only on construction so a
    model can never change its caller's data.

    ``reference`` is the national population of the evaluation year when ``zones`` are only part
    of it (e.g. one province's zones): every zone with data in that year, these included, with
    the same years. The references the domain brief defines against all zones — the cultivation
    badges' rankings within a leading chain and the national median revenue — are computed on it,
    so a zone's badges do not depend on which other zones are evaluated with it; without it the
    matrix is its own reference. Everything else (normalisation, weights, peer groups, tiers) is
    relative to ``zones``.
    """

    zones: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    years: tuple[int, ...]
    values: FloatArray
    zone_meta: tuple[ZoneMeta, ...] = ()
    feature_names: tuple[str, ...] = ()
    features: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    evaluation_year: int | None = None
    reference: IndicatorMatrix | None = None

    def __post_init__(self) -> None:
        z, i, y = len(self.zones), len(self.indicators), len(self.years)
        values = np.asarray(self.values, dtype=np.float64)
        if values.shape != (z, i, y):
            raise ValueError(f"values has shape {values.shape}, expected {(z, i, y)}")
        if len(set(self.zones)) != z:
            raise ValueError("zone codes must be unique")
        codes = [ind.code for ind in self.indicators]
        if len(set(codes)) != i:
            raise ValueError("indicator codes must be unique")
        if any(b <= a for a, b in zip(self.years, self.years[1:], strict=False)):
            raise ValueError("years must be strictly increasing")
        if np.isinf(values).any():
            raise ValueError("values must be finite or NaN")
        meta = self.zone_meta or tuple(ZoneMeta() for _ in self.zones)
        if len(meta) != z:
            raise ValueError(f"zone_meta has {len(meta)} entries for {z} zones")
        feats = np.asarray(self.features, dtype=np.float64)
        if feats.size == 0 and not self.feature_names:
            feats = np.zeros((z, 0))
        if feats.shape != (z, len(self.feature_names)):
            raise ValueError(f"features has shape {feats.shape}, expected {(z, len(self.feature_names))}")
        year = self.evaluation_year if self.evaluation_year is not None else (self.years[-1] if y else None)
        if year is not None and year not in self.years:
            raise ValueError(f"evaluation year {year} is not among the matrix years")
        _check_reference(self.reference, self.zones, tuple(int(yr) for yr in self.years), year)
        object.__setattr__(self, "zones", tuple(self.zones))
        object.__setattr__(self, "indicators", tuple(self.indicators))
        object.__setattr__(self, "years", tuple(int(yr) for yr in self.years))
        object.__setattr__(self, "feature_names", tuple(self.feature_names))
        object.__setattr__(self, "values", _readonly(values))
        object.__setattr__(self, "features", _readonly(feats))
        object.__setattr__(self, "zone_meta", tuple(meta))
        object.__setattr__(self, "evaluation_year", year)

    @property
    def population(self) -> IndicatorMatrix:
        """The zones national references are computed on: ``reference`` when given, else this matrix."""
        return self if self.reference is None else self.reference

    # -- constructors -------------------------------------------------------------------------

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[Observation | tuple[str, str, int, float | None] | Mapping[str, Any]],
        *,
        zone_meta: Mapping[str, ZoneMeta] | None = None,
        features: Mapping[str, Mapping[str, float | None]] | None = None,
        zones: Sequence[str] | None = None,
        indicators: Sequence[str] | None = None,
        years: Sequence[int] | None = None,
        evaluation_year: int | None = None,
        reference: IndicatorMatrix | None = None,
    ) -> IndicatorMatrix:
        """Build a matrix from long rows ``(zone, indicator, year, value)``; ``reference`` as on the class.

        A row is an :class:`Observation`, a 4-tuple, or a mapping with keys ``zone``,
        ``indicator``, ``year`` and ``value`` (e.g. a database row as a dict).

        ``zones``/``indicators``/``years`` fix the axes and their order (rows outside them raise);
        by default they are the sorted distinct values found in the rows (plus zones named in
        ``zone_meta``/``features``). ``features`` maps a zone code to ``{feature name: value}``.
        Duplicate (zone, indicator, year) rows and indicator codes not in the catalog raise
        ``ValueError``; a ``None`` value is stored as missing.
        """
        cat = indicator_catalog().by_code()
        obs = [_observation(r) for r in rows]
        zone_axis = (
            list(zones)
            if zones is not None
            else sorted({o.zone for o in obs} | set(zone_meta or {}) | set(features or {}))
        )
        ind_axis = list(indicators) if indicators is not None else sorted({o.indicator for o in obs})
        year_axis = sorted(years) if years is not None else sorted({int(o.year) for o in obs})
        unknown = [c for c in ind_axis if c not in cat]
        if unknown:
            raise ValueError(f"unknown indicator codes: {', '.join(sorted(unknown))}")
        zpos = {c: n for n, c in enumerate(zone_axis)}
        ipos = {c: n for n, c in enumerate(ind_axis)}
        ypos = {yr: n for n, yr in enumerate(year_axis)}
        values = np.full((len(zone_axis), len(ind_axis), len(year_axis)), np.nan)
        seen: set[tuple[int, int, int]] = set()
        for o in obs:
            try:
                key = (zpos[o.zone], ipos[o.indicator], ypos[int(o.year)])
            except KeyError as exc:
                raise ValueError(f"row {o} lies outside the requested axes") from exc
            if key in seen:
                raise ValueError(f"duplicate row for {o.zone}/{o.indicator}/{o.year}")
            seen.add(key)
            if o.value is not None:
                values[key] = float(o.value)
        feat_names = sorted({name for fs in (features or {}).values() for name in fs})
        feats = np.full((len(zone_axis), len(feat_names)), np.nan)
        for zc, fs in (features or {}).items():
            if zc not in zpos:
                raise ValueError(f"features given for unknown zone {zc}")
            for name, v in fs.items():
                if v is not None:
                    feats[zpos[zc], feat_names.index(name)] = float(v)
        meta = tuple((zone_meta or {}).get(zc, ZoneMeta()) for zc in zone_axis)
        return cls(
            zones=tuple(zone_axis),
            indicators=tuple(cat[c] for c in ind_axis),
            years=tuple(year_axis),
            values=values,
            zone_meta=meta,
            feature_names=tuple(feat_names),
            features=feats,
            evaluation_year=evaluation_year,
            reference=reference,
        )

    # -- views ----------------------------------------------------------------------------------

    @property
    def indicator_codes(self) -> tuple[str, ...]:
        """The indicator codes in axis order."""
        return tuple(ind.code for ind in self.indicators)

    @property
    def year_index(self) -> int:
        """Position of the evaluation year on the year axis."""
        if self.evaluation_year is None:
            raise ValueError("the matrix has no years")
        return self.years.index(self.evaluation_year)

    @property
    def current(self) -> FloatArray:
        """Zones × indicators values of the evaluation year (read-only view)."""
        return self.values[:, :, self.year_index]

    @property
    def history(self) -> FloatArray:
        """Zones × indicators × years up to and including the evaluation year (read-only view)."""
        return self.values[:, :, : self.year_index + 1]

    def select(
        self, *, zones: Sequence[str] | None = None, indicators: Sequence[str] | None = None
    ) -> IndicatorMatrix:
        """A sub-matrix with the given zones and/or indicators, in the given order.

        Indicators the matrix lacks are added as all-missing columns (looked up in the catalog),
        so a model can always take exactly the indicators it reads.
        """
        zsel = list(zones) if zones is not None else list(self.zones)
        zpos = {c: n for n, c in enumerate(self.zones)}
        missing_z = [c for c in zsel if c not in zpos]
        if missing_z:
            raise ValueError(f"unknown zones: {', '.join(missing_z)}")
        zi = np.array([zpos[c] for c in zsel], dtype=np.intp)
        isel = list(indicators) if indicators is not None else list(self.indicator_codes)
        own = {c: n for n, c in enumerate(self.indicator_codes)}
        cat = indicator_catalog().by_code()
        inds: list[Indicator] = []
        for c in isel:
            if c in own:
                inds.append(self.indicators[own[c]])
            elif c in cat:
                inds.append(cat[c])
            else:
                raise ValueError(f"unknown indicator code {c}")
        values = np.full((len(zsel), len(isel), len(self.years)), np.nan)
        src = np.array([own.get(c, -1) for c in isel], dtype=np.intp)
        have = src >= 0
        values[:, have, :] = self.values[zi][:, src[have], :]
        return IndicatorMatrix(
            zones=tuple(zsel),
            indicators=tuple(inds),
            years=self.years,
            values=values,
            zone_meta=tuple(self.zone_meta[k] for k in zi),
            feature_names=self.feature_names,
            features=self.features[zi],
            evaluation_year=self.evaluation_year,
            reference=self.reference,
        )

    def lookup(self, name: str) -> FloatArray:
        """A per-zone number by name: a feature if present, else the indicator's latest value.

        For an indicator, the value of the evaluation year, or failing that the most recent
        earlier observation (peer groups describe a zone's endowment, which a single missing
        report should not erase). Returns all-NaN when neither exists, so peer-group rules degrade
        to an explicit 'unknown' band instead of failing.
        """
        if name in self.feature_names:
            return np.array(self.features[:, self.feature_names.index(name)], dtype=np.float64)
        codes = self.indicator_codes
        if name in codes and self.years:
            h = self.history[:, codes.index(name), :]
            present = ~np.isnan(h)
            last = np.where(present, np.arange(h.shape[1])[None, :], -1).max(axis=1)
            picked = h[np.arange(h.shape[0]), np.maximum(last, 0)]
            return np.where(last >= 0, picked, np.nan).astype(np.float64)
        return np.full(len(self.zones), np.nan)

    def meta_values(self, name: str) -> list[str]:
        """Each zone's metadata field ``name`` (a ZoneMeta field or an ``extra`` key) as text.

        Missing values become ``"na"`` so they form their own explicit peer group.
        """
        out: list[str] = []
        for meta in self.zone_meta:
            value = (
                getattr(meta, name, None)
                if name in ZoneMeta.model_fields and name != "extra"
                else (meta.extra.get(name))
            )
            out.append("na" if value is None else str(value))
        return out


def _check_reference(
    reference: IndicatorMatrix | None, zones: tuple[str, ...], years: tuple[int, ...], year: int | None
) -> None:
    """ValueError unless ``reference`` (when given) can be the national population of a matrix of ``zones``."""
    if reference is None:
        return
    if reference.reference is not None:
        raise ValueError("a reference population has no reference of its own")
    if reference.years != years or reference.evaluation_year != year:
        raise ValueError("the reference population must have the matrix's years and evaluation year")
    missing = sorted(set(zones) - set(reference.zones))
    if missing:
        raise ValueError(f"the reference population lacks zones of the matrix: {', '.join(missing[:10])}")


# --------------------------------------------------------------------------------------------
# options


class EvaluationOptions(BaseModel):
    """How to run one evaluation: the seed, the Monte Carlo size and any method overrides."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = Field(default=0, ge=0, description="seed of the Monte Carlo uncertainty analysis (same seed, "
                      "same data: same result)", examples=[7])
    # bounded because every run keeps a zones-long rank vector in memory
    uncertainty_runs: int = Field(default=1000, ge=0, le=20_000, description="Monte Carlo runs; 0 disables "
                                  "uncertainty", examples=[1000])
    overrides: MethodOverrides = Field(default_factory=MethodOverrides, description="step methods replacing the "
                                       "model's own for this run")


# --------------------------------------------------------------------------------------------
# results


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _absent(value: object) -> bool:
    """Optional parts only some models give (coupling, efficiency, AHP …) are left out of a dump when
    absent, so a result without them is written exactly as before they existed."""
    return value is None


class IndicatorScore(_Result):
    """One indicator of one zone: raw, treated and normalised value, weight and contribution."""

    code: str = Field(description="indicator code", examples=["rd_intensity"])
    raw: float | None = Field(description="evaluation-year value as supplied (None = missing)", examples=[6.8])
    value: float | None = Field(description="after imputation and outlier treatment", examples=[6.8])
    normalised: float | None = Field(description="value on the model's normalised scale (None = missing)",
                                     examples=[82.5])
    weight: float = Field(description="weight actually applied to this zone (renormalised if cells missing)",
                          examples=[0.06])
    contribution: float = Field(description="weight × normalised value (sums to the composite if arithmetic)",
                                examples=[4.95])
    imputed: bool = Field(description="the value was missing and imputed", examples=[False])


class Highlight(_Result):
    """A strength or weakness: normalised value minus the peer-group median for one indicator."""

    code: str = Field(description="indicator code", examples=["rd_intensity"])
    normalised: float = Field(description="the zone's normalised value", examples=[82.5])
    peer_median: float = Field(description="median normalised value of the zone's peer group", examples=[61.0])
    delta: float = Field(description="normalised minus peer median, in points", examples=[21.5])


class RankInterval(_Result):
    """Rank percentiles across the Monte Carlo runs (1 = best).

    Each is a rank some run gave (the empirical quantile), so a whole number. Results stored by
    earlier releases hold linearly interpolated percentiles (e.g. 18.95); they read back as stored.
    """

    p5: int | float = Field(description="5th percentile rank (the best plausible rank)", examples=[3])
    median: int | float = Field(description="median rank", examples=[5])
    p95: int | float = Field(description="95th percentile rank (the worst plausible rank)", examples=[9])


class ZoneResult(_Result):
    """Everything a model says about one ranked zone."""

    code: str = Field(description="zone code", examples=["DEMO-33-N01"])
    composite: float = Field(description="composite score", examples=[78.4])
    pillar_scores: dict[str, float | None] = Field(description="pillar code → the zone's score on that pillar",
                                                   examples=[{"innovation": 81.2, "scale": 64.0}])
    rank: int = Field(ge=1, description="overall rank, 1 = best; ties share the lowest rank", examples=[1])
    peer_group: str = Field(description="peer-group code", examples=["revenue1-platforms2"])
    peer_rank: int = Field(ge=1, description="rank within the peer group", examples=[1])
    peer_group_size: int = Field(ge=1, description="zones in the peer group", examples=[24])
    rpi: float | None = Field(description="relative performance index, composite / peer mean × 100", examples=[131.2])
    tier: str | None = Field(description="tier code (None: the model has no tiers or the RPI is undefined)",
                             examples=["peak"])
    tier_zh: str | None = Field(description="the tier's Chinese name", examples=[label(LabelKind.TIERS, "peak")])
    subgroup: Literal["+", "", "-"] | None = Field(description="± subgroup within the tier", examples=["+"])
    profile: str | None = Field(description="profile code: peak, plateau, growth or foundation", examples=["peak"])
    profile_zh: str | None = Field(description="the profile's Chinese name",
                                   examples=[label(LabelKind.PROFILES, "peak")])
    risk_flags: list[str] = Field(
        default_factory=list,
        description="'low_tech_drift' (低新化): scale high, innovation low against peers (plateau profile)",
        examples=[[]],
    )
    badges: list[str] = Field(default_factory=list, description="cultivation badges: gazelle, hidden_champion, "
                              "single_champion", examples=[["gazelle"]])
    indicators: list[IndicatorScore] = Field(description="every indicator the model scored for the zone")
    coverage: float = Field(ge=0, le=1, description="share of the model's indicators reported", examples=[0.96])
    imputed_cells: list[str] = Field(description="codes of the indicators whose value was imputed",
                                     examples=[["tech_contract_value"]])
    rank_interval: RankInterval | None = Field(description="rank percentiles across the Monte Carlo runs")
    strengths: list[Highlight] = Field(description="indicators furthest above the peer-group median")
    weaknesses: list[Highlight] = Field(description="indicators furthest below the peer-group median")
    next_tier: str | None = Field(description="the tier above the zone's (None: it is in the top tier)",
                                  examples=[None])
    gap_to_next_tier: float | None = Field(description="composite points needed to reach the next tier",
                                           examples=[None])
    coupling: CouplingScores | None = Field(
        default=None,
        exclude_if=_absent,
        description="coupling coordination of the innovation and industry subsystems (coupling models)",
    )
    efficiency: EfficiencyScores | None = Field(
        default=None, exclude_if=_absent, description="DEA efficiency, peers and frontier targets (efficiency models)"
    )


class ExcludedZone(_Result):
    """A zone that was not ranked, and why."""

    code: str = Field(description="zone code", examples=["DEMO-33-P07"])
    reason: str = Field(min_length=1, description="why it was not ranked",
                        examples=["reports 8 of 27 indicators (30%), below the 67% zone-coverage threshold"])
    coverage: float = Field(description="share of the model's indicators the zone reports", examples=[0.3])


class ExcludedIndicator(_Result):
    """An indicator the checks dropped, and why."""

    code: str = Field(description="indicator code", examples=["chief_innovation_officer"])
    reason: str = Field(min_length=1, description="why it was dropped",
                        examples=["indicator coverage 40% is below the 65% threshold"])
    coverage: float = Field(description="share of zones reporting it", examples=[0.4])


class CorrelationFlag(_Result):
    """A pair of indicators whose Pearson correlation exceeds the threshold in absolute value."""

    a: str = Field(description="first indicator code", examples=["hte_count"])
    b: str = Field(description="second indicator code", examples=["revenue"])
    r: float = Field(description="Pearson correlation over the zones reporting both", examples=[0.93])


class OutlierTreatment(_Result):
    """What the outlier step did to one indicator."""

    code: str = Field(description="indicator code", examples=["revenue"])
    skewness: float = Field(description="skewness of the indicator's values", examples=[3.1])
    kurtosis: float = Field(description="kurtosis of the indicator's values", examples=[14.2])
    winsorised_points: int = Field(description="values clipped to the winsorising bounds", examples=[4])
    log_transformed: bool = Field(description="the values were log-transformed", examples=[True])


class SensitivityIndex(_Result):
    """Variance-based sensitivity of the ranks to one uncertain assumption."""

    factor: str = Field(description="the assumption varied, e.g. normalisation, weights", examples=["normalisation"])
    first_order: float = Field(description="first-order (main-effect) sensitivity index", examples=[0.12])
    total: float = Field(description="total-effect sensitivity index", examples=[0.18])


class PeerGroupInfo(_Result):
    """One peer group: its code, members and mean composite."""

    code: str = Field(description="peer-group code", examples=["revenue1-platforms2"])
    size: int = Field(description="zones in the group", examples=[24])
    mean_composite: float = Field(description="mean composite of the group (the RPI's denominator)", examples=[59.8])


class ModelInfo(_Result):
    """Model-level facts about a run: weights, flags and the methods used."""

    nominal_weights: dict[str, float] = Field(description="spec weights, pillar × within-pillar, sum 1",
                                              examples=[{"rd_intensity": 0.06}])
    applied_weights: dict[str, float] = Field(description="after the weighting method and caps, sum 1",
                                              examples=[{"rd_intensity": 0.06}])
    effective_weights: dict[str, float] = Field(
        description="squared Pearson r of each normalised indicator with the composite, normalised to sum 1",
            examples=[{"rd_intensity": 0.05}]
    )
    contribution_shares: dict[str, float] = Field(description="mean contribution / mean composite",
                                                  examples=[{"rd_intensity": 0.07}])
    pillar_weights: dict[str, float] = Field(description="pillar code → share of the composite",
                                             examples=[{"innovation": 0.6, "scale": 0.1}])
    correlation_flags: list[CorrelationFlag] = Field(description="indicator pairs correlated above the threshold")
    excluded_indicators: list[ExcludedIndicator] = Field(description="indicators the coverage check dropped")
    zero_variance_indicators: list[str] = Field(
        default_factory=list,
        description="kept indicators with the same value for every ranked zone (after imputation and outlier "
        "treatment): they separate nobody, so entropy, CRITIC and PCA give them weight 0 and CRITIC leaves them "
        "out of its correlations; expert and equal weights keep them (they shift every composite alike)",
        examples=[["cio_established"]],
    )
    outliers: list[OutlierTreatment] = Field(description="what the outlier step did to each indicator")
    methods: dict[str, str] = Field(description="step → method used, e.g. normalisation → minmax",
                                    examples=[{"normalisation": "minmax", "aggregation": "arithmetic"}])
    peer_groups: list[PeerGroupInfo] = Field(description="the peer groups of the run")
    uncertainty_runs: int = Field(description="Monte Carlo runs made", examples=[1002])
    uncertainty_alternatives: dict[str, list[str]] = Field(
        default_factory=dict,
        description="the normalisations and aggregations the Monte Carlo crossed with its weight draws, "
        "the run's own first (empty when it did not run)",
        examples=[{"normalisation": ["minmax", "zscore", "rank"], "aggregation": ["arithmetic", "geometric"]}],
    )
    sensitivity: list[SensitivityIndex] = Field(description="sensitivity of the ranks to each assumption")
    importance: Importance | None = Field(
        default=None,
        exclude_if=_absent,
        description="each indicator's and pillar's correlation ratio with the composite next to its nominal weight",
    )
    weight_parts: WeightParts | None = Field(
        default=None, exclude_if=_absent, description="the subjective and objective parts of combined weights"
    )
    ahp: AhpReport | None = Field(
        default=None, exclude_if=_absent, description="the experts' AHP matrices behind the weights"
    )


class EvaluationResult(_Result):
    """The full output of ``ScoringModel.evaluate``: ranked zones, excluded zones, model info."""

    model_key: str
    model_version: str
    evaluation_year: int | None
    seed: int
    zones: list[ZoneResult]
    excluded: list[ExcludedZone]
    info: ModelInfo


# --------------------------------------------------------------------------------------------
# model metadata and protocol


class Pillar(_Result):
    """A pillar (sub-index) of a model with its share of the composite."""

    code: str = Field(description="pillar code", examples=["innovation"])
    name_zh: str = Field(description="Chinese name", examples=["创新能力"])
    name_en: str = Field(description="English name", examples=["Innovation capacity"])
    weight: float = Field(ge=0, description="share of the composite (relative to the other pillars)", examples=[0.6])


class ModelIndicator(_Result):
    """An indicator a model reads: pillar, within-pillar weight and the direction used."""

    code: str = Field(description="indicator code", examples=["rd_intensity"])
    pillar: str = Field(description="code of its pillar", examples=["innovation"])
    weight: float = Field(ge=0, description="weight within the pillar", examples=[0.1])
    direction: Direction = Field(description="higher or lower is better", examples=["higher"])


class Tier(_Result):
    """One tier: its code and labels."""

    code: str = Field(description="tier code", examples=["peak"])
    name_zh: str = Field(description="Chinese name", examples=[label(LabelKind.TIERS, "peak")])
    name_en: str = Field(description="English name", examples=[label(LabelKind.TIERS, "peak", "en")])


class TierScheme(_Result):
    """Tiers by RPI: ``thresholds`` strictly decreasing, one more tier than thresholds."""

    thresholds: list[float] = Field(description="RPI thresholds between tiers, strictly decreasing",
                                    examples=[[125.0, 100.0, 70.0]])
    tiers: list[Tier] = Field(description="tiers, best first")
    subgroups: bool = Field(description="tiers are split into ± thirds", examples=[True])


@runtime_checkable
class ScoringModel(Protocol):
    """What the registry and the service need from a scoring model.

    Construction does no work; ``evaluate`` does, and is deterministic for the same matrix and
    options (including the seed).
    """

    @property
    def key(self) -> str:
        """Stable model key, e.g. ``comprehensive``."""
        ...

    @property
    def version(self) -> str:
        """Model version; results carry it so runs can be reproduced."""
        ...

    @property
    def title_zh(self) -> str:
        """Chinese title."""
        ...

    @property
    def title_en(self) -> str:
        """English title."""
        ...

    @property
    def description(self) -> str:
        """What the model measures and how."""
        ...

    @property
    def pillars(self) -> tuple[Pillar, ...]:
        """The model's pillars with their weights."""
        ...

    @property
    def indicators(self) -> tuple[ModelIndicator, ...]:
        """The indicators the model reads with pillar, weight and direction."""
        ...

    @property
    def tier_scheme(self) -> TierScheme:
        """The tier scheme the model applies."""
        ...

    def evaluate(
        self, matrix: IndicatorMatrix, *, options: EvaluationOptions | None = None
    ) -> EvaluationResult:
        """Score, rank and classify the zones of ``matrix``."""
        ...
