"""Deterministic synthetic demo data for zonescore: zones, observations and chain breakdowns.

The data are plainly fictional (codes ``DEMO-33-N03``, names ``示例高新区-浙江03``) but shaped like
the real population of China's high-tech zones described in ``docs/domain.md`` section 1, so that
every scoring model, peer group, profile and badge has something meaningful to work on:

* about 180 national and 120 provincial zones over all 31 provincial regions, with more zones in
  Jiangsu, Guangdong, Shandong and Zhejiang and very few in Tibet, Qinghai, Ningxia and Hainan;
* heavy-tailed revenue: in 2022 six national zones at the trillion-yuan scale (the largest around
  86,000 亿元) and 69 national zones below 1,000 亿元, provincial zones smaller;
* national totals of 2022 within ±20% of the published ones, as the domain brief states them
  (``docs/domain.md`` sections 1 and 7: approximate 2022 figures for the 178 national zones from
  the national high-tech zone statistics of the Ministry of Science and Technology, which reported
  zone GDP of ¥17.3 tn = 14.3% of national GDP, and the official count of large national science
  facilities; not re-checked against the primary tables here): revenue ≈ ¥48–55 tn, value added
  ≈ ¥17 tn (about 14% of GDP), high-tech enterprises in national zones ≈ a third of the ≈ 400k
  nationwide (≈ 130k), employment ≈ 24–25 M (implied here as value added / labour productivity, the
  catalog holding no head count), and ≈ 77 large national science facilities in the whole country
  (counted over all demo zones, at most about ten in one); R&D intensity around 3% and labour
  productivity around 64 万元 per employee. The zones, their names and every figure remain
  fictional: only these totals are aimed at;
* indicators driven by two latent zone factors, *scale* and *innovation*, only moderately
  correlated, so there are big but weakly innovative zones (产业高原 / 低新化) as well as small,
  highly innovative ones, plus a group of about 15 fast growers that earn the 瞪羚 badge and a dozen
  zones whose innovation outcomes shrink year by year (a panel over the years shows them fall back);
* per zone-year industry-chain breakdowns with their key products (technology threshold,
  localisation rate, alternative source), whose derived indicators (leading-chain share, HHI,
  completeness, alternative-source coverage, local supporting rate, location quotient, chokepoint
  share and the chokepoints' alternative-source coverage) are computed from the breakdowns by
  :mod:`scoring_models.chain_metrics`, the code an evaluation uses (``docs/domain.md`` sections 3
  and 7);
* about 3% of the zone × indicator × year cells missing (never ``revenue``).

The module is pure: numpy, the standard library, :mod:`scoring_models.catalog` and
:mod:`scoring_models.chain_metrics` only. The same
seed always yields a byte-identical :class:`DemoDataset`; storing it is the caller's business.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from statistics import NormalDist
from typing import Final, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from scoring_models.catalog import Indicator, ValueKind, chain_catalog, indicator_catalog
from scoring_models.chain_metrics import ChainRows, ProductCounts, classify_products, derive_chain_metrics
from scoring_models.labels import province_short_name

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

DEMO_SEED: Final[int] = 20_221_178
"""Seed of the shipped demo dataset (any int works; this one is just fixed)."""

DEMO_YEARS: Final[tuple[int, ...]] = (2020, 2021, 2022, 2023, 2024)
"""Years covered by the demo observations and chain breakdowns."""

DEMO_SOURCE: Final[str] = "synthetic"
"""Value of the observation ``source`` field for demo data."""

DEMO_CODE_PREFIX: Final[str] = "DEMO-"
"""Every demo zone code starts with this, so it can never be mistaken for a real zone."""


@dataclass(frozen=True, slots=True)
class DemoZone:
    """A fictional high-tech zone (高新区)."""

    code: str
    name_zh: str
    name_en: str
    province: str  # GB/T 2260 two-digit code, e.g. "33"
    city: str
    level: Literal["national", "provincial"]
    kind: Literal["hitech"]
    year_approved: int
    pilot: bool
    leading_chain: str  # chain code from chains.json


@dataclass(frozen=True, slots=True)
class DemoObservation:
    """One value of one catalog indicator for one zone and year."""

    zone_code: str
    indicator_code: str
    year: int
    value: float


@dataclass(frozen=True, slots=True)
class DemoKeyProduct:
    """One key product of a chain breakdown: threshold, localisation rate (percent), an alternative source."""

    product: str  # a key component of the chain in chains.json
    threshold: Literal["high", "low"]
    localisation_rate: float
    alternative_source: bool


@dataclass(frozen=True, slots=True)
class DemoChainBreakdown:
    """One industry chain of one zone in one year (revenue in 亿元, shares in percent)."""

    zone_code: str
    year: int
    chain_code: str
    revenue: float
    segments_covered: int
    key_components: int
    key_components_with_alt: int
    local_procurement_share: float
    key_products: tuple[DemoKeyProduct, ...]


@dataclass(frozen=True, slots=True)
class DemoDataset:
    """The complete demo dataset: zones, observations and chain breakdowns."""

    zones: tuple[DemoZone, ...]
    observations: tuple[DemoObservation, ...]
    chain_breakdowns: tuple[DemoChainBreakdown, ...]


# --------------------------------------------------------------------------------------------
# Geography


class _Province(NamedTuple):
    code: str  # GB/T 2260; the names come from the label catalog
    cities: tuple[str, ...]
    national: int  # number of national demo zones
    provincial: int  # number of provincial demo zones
    weight: float  # economic weight: shifts the latent scale of the province's zones


# Zone counts follow the real distribution of the 178 national zones loosely (many in Jiangsu,
# Guangdong, Shandong, Zhejiang, Hubei; one in Tibet, Qinghai, Hainan); they sum to 180 + 120.
_PROVINCES: Final[tuple[_Province, ...]] = (
    _Province("11", ("北京市",), 1, 1, 3.5),
    _Province("12", ("天津市",), 1, 1, 0.8),
    _Province("13", ("石家庄市", "保定市", "唐山市"), 5, 4, -0.1),
    _Province("14", ("太原市", "长治市"), 2, 2, -0.3),
    _Province("15", ("呼和浩特市", "包头市"), 3, 2, -0.4),
    _Province("21", ("沈阳市", "大连市", "鞍山市"), 8, 3, 0.0),
    _Province("22", ("长春市", "吉林市"), 5, 2, -0.3),
    _Province("23", ("哈尔滨市", "大庆市"), 3, 2, -0.3),
    _Province("31", ("上海市",), 2, 2, 2.0),
    _Province("32", ("南京市", "苏州市", "无锡市", "常州市"), 18, 11, 0.9),
    _Province("33", ("杭州市", "宁波市", "温州市"), 12, 10, 0.8),
    _Province("34", ("合肥市", "芜湖市"), 7, 5, 0.4),
    _Province("35", ("福州市", "厦门市", "泉州市"), 7, 4, 0.4),
    _Province("36", ("南昌市", "赣州市"), 9, 4, -0.1),
    _Province("37", ("济南市", "青岛市", "烟台市"), 14, 10, 0.5),
    _Province("41", ("郑州市", "洛阳市"), 9, 7, 0.1),
    _Province("42", ("武汉市", "襄阳市", "宜昌市"), 12, 6, 0.6),
    _Province("43", ("长沙市", "株洲市"), 8, 6, 0.3),
    _Province("44", ("广州市", "深圳市", "东莞市", "佛山市"), 16, 11, 1.2),
    _Province("45", ("南宁市", "柳州市"), 4, 3, -0.3),
    _Province("46", ("海口市",), 1, 1, -0.5),
    _Province("50", ("重庆市",), 4, 3, 0.3),
    _Province("51", ("成都市", "绵阳市"), 8, 5, 0.6),
    _Province("52", ("贵阳市",), 2, 2, -0.3),
    _Province("53", ("昆明市", "玉溪市"), 3, 3, -0.4),
    _Province("54", ("拉萨市",), 1, 1, -1.0),
    _Province("61", ("西安市", "宝鸡市"), 7, 3, 0.6),
    _Province("62", ("兰州市", "白银市"), 2, 2, -0.6),
    _Province("63", ("西宁市",), 1, 1, -0.8),
    _Province("64", ("银川市", "石嘴山市"), 2, 1, -0.8),
    _Province("65", ("乌鲁木齐市", "昌吉市"), 3, 2, -0.5),
)

# Relative frequency of each chain as a declared leading chain; unknown (newly catalogued) chains
# get a middling weight so the generator keeps working when chains.json grows.
_CHAIN_WEIGHTS: Final[dict[str, float]] = {
    "electronic_information": 0.14,
    "high_end_equipment": 0.13,
    "new_materials": 0.12,
    "biomedicine": 0.12,
    "smart_manufacturing": 0.10,
    "new_energy_vehicles": 0.08,
    "software_it": 0.08,
    "integrated_circuits": 0.06,
    "artificial_intelligence": 0.05,
    "energy_saving": 0.05,
    "photovoltaics": 0.04,
    "aerospace": 0.03,
}
_DEFAULT_CHAIN_WEIGHT: Final[float] = 0.06

# --------------------------------------------------------------------------------------------
# Calibration constants (docs/domain.md section 1)

_CAL_YEAR: Final[int] = 2022
_TOP_REVENUE: Final[float] = 86_000.0  # 亿元: "the largest zone had ~¥8.7 tn revenue (2022)"
_N_TRILLION: Final[int] = 6  # "6 zones at the top of the revenue scale"
_TRILLION: Final[float] = 10_000.0  # 亿元 = ¥1 tn
_SHARE_BELOW_100BN: Final[float] = 69 / 178  # "69 below ¥100 bn" of the 178 national zones
_HUNDRED_BN: Final[float] = 1_000.0  # 亿元 = ¥100 bn
_BODY_CEILING: Final[float] = 9_000.0  # the log-normal body stays clearly below the trillion mark
_N_GAZELLES: Final[int] = 15
_N_DECLINERS: Final[int] = 12  # zones whose innovation falls back over the years (see _decliners)
_GAZELLE_CODES: Final[tuple[str, ...]] = (
    "hte_count",
    "tech_contract_per_capita",
    "invention_patents_per_10k",
)
_GAZELLE_GROWTH: Final[float] = 1.2  # ≥ 20% a year (docs/domain.md section 5)
_MISSING_RATE: Final[float] = 0.03

# Internally one extra year (2019) is simulated so that 2020's hte_net_new is a real difference.
_SIM_YEARS: Final[tuple[int, ...]] = (DEMO_YEARS[0] - 1, *DEMO_YEARS)
_FIRST_PUBLISHED: Final[int] = _SIM_YEARS.index(DEMO_YEARS[0])


@dataclass(frozen=True, slots=True)
class _Recipe:
    """How one indicator is drawn from the latent zone factors (see :func:`_generic`).

    A linear predictor is built per zone and simulated year::

        centre + revenue·ln(revenue/1000) + innovation·f_innovation
               + (growth·g_zone + trend)·(year − 2022) + zone_sd·ε_zone + year_sd·ε_zone,year

    and then turned into a value by :attr:`transform`.
    """

    transform: Literal["log", "logit", "linear", "of_revenue"]
    """``log`` → exp(predictor); ``logit`` → lo + (hi − lo)·σ(predictor); ``linear`` → the predictor
    itself; ``of_revenue`` → revenue·σ(predictor), a share of the zone's revenue."""
    centre: float
    """The predictor of a zone of 1,000 亿元 revenue and average innovation in 2022: ``_L(x)`` (ln x)
    for a ``log`` indicator whose typical value is x, a logit for ``logit`` and ``of_revenue``, the
    typical value itself for ``linear``."""
    revenue: float = 0.0
    """Elasticity to revenue: the change of the predictor per unit of ln(revenue / 1,000 亿元). For a
    ``log`` indicator 1 is proportional to revenue, below 1 makes the intensity fall with size, and 0
    is size-free."""
    innovation: float = 0.0
    """Loading on the zone's latent innovation factor (about a z-score); negative where innovative
    zones do less of it (OEM work, process indicators)."""
    growth: float = 0.0
    """Yearly trend as a multiple of the zone's own innovation growth rate (about 0.07 a year; 0.30–0.40
    for the gazelles), so innovation outcomes grow faster in fast-growing zones."""
    trend: float = 0.0
    """Yearly trend shared by every zone."""
    zone_sd: float = 0.3
    """Standard deviation of the zone's permanent deviation from the recipe."""
    year_sd: float = 0.05
    """Standard deviation of the year-to-year noise of a zone."""
    decimals: int = 2
    """Decimals kept; counts, deltas and flags are rounded to whole numbers instead."""
    lo: float | None = None
    """Lowest value (``None``: the catalog's minimum): the bottom of a ``logit`` indicator's range,
    and a clip for every transform."""
    hi: float | None = None
    """Highest value (``None``: the catalog's maximum): the top of a ``logit`` indicator's range, and
    a clip for every transform."""


_L = math.log
# Constants are chosen so a zone of 1,000 亿元 revenue and average innovation gets a typical
# value (e.g. ~205 high-tech enterprises, R&D intensity ~3%); elasticities to revenue below 1
# make per-capita intensity fall with size, as in the published statistics.
_RECIPES: Final[dict[str, _Recipe]] = {
    # Innovation outcomes
    "rd_intensity": _Recipe("log", _L(3.0), innovation=0.40, growth=0.3, zone_sd=0.25),
    "rd_staff_share": _Recipe("log", _L(10.0), innovation=0.35, growth=0.2, zone_sd=0.25, year_sd=0.04),
    "invention_patents_per_10k": _Recipe(
        "log", _L(45.0), revenue=0.05, innovation=0.65, growth=1.0, zone_sd=0.35, year_sd=0.04
    ),
    "pct_applications": _Recipe("log", _L(40.0), revenue=0.9, innovation=0.8, growth=0.8, zone_sd=0.4, year_sd=0.1),
    "tech_contract_per_capita": _Recipe("log", _L(6.0), revenue=0.05, innovation=0.7, growth=1.0, zone_sd=0.4),
    # ~205 at 1,000 亿元: about 130k high-tech enterprises in the national zones (a third of ~400k)
    "hte_count": _Recipe("log", _L(205.0), revenue=0.9, innovation=0.45, growth=1.0, year_sd=0.02),
    "rd5_revenue_share": _Recipe("logit", -0.6, revenue=0.05, innovation=0.55, growth=0.3, zone_sd=0.35),
    "new_product_share": _Recipe("logit", -0.9, revenue=0.05, innovation=0.45, growth=0.3, zone_sd=0.35),
    "national_rd_platforms": _Recipe(
        "log", _L(6.0), revenue=0.75, innovation=0.6, trend=0.04, zone_sd=0.45, year_sd=0.02
    ),
    "new_rd_institutions": _Recipe("log", _L(4.0), revenue=0.6, innovation=0.5, trend=0.08, zone_sd=0.5, year_sd=0.03),
    # Entrepreneurship
    "tech_sme_count": _Recipe(
        "log", _L(500.0), revenue=0.85, innovation=0.45, growth=0.5, trend=0.05, zone_sd=0.35, year_sd=0.04
    ),
    "new_firms": _Recipe("log", _L(2500.0), revenue=0.85, innovation=0.3, trend=0.03, zone_sd=0.35, year_sd=0.08),
    "incubatees": _Recipe("log", _L(400.0), revenue=0.75, innovation=0.4, trend=0.04, zone_sd=0.4, year_sd=0.06),
    "vc_backed_firms": _Recipe("log", _L(25.0), revenue=0.9, innovation=0.8, growth=0.3, zone_sd=0.5, year_sd=0.15),
    "vc_investment": _Recipe("log", _L(12.0), revenue=1.0, innovation=0.9, growth=0.3, zone_sd=0.55, year_sd=0.2),
    "gazelle_firms": _Recipe("log", _L(30.0), revenue=0.85, innovation=0.6, growth=0.6, zone_sd=0.45, year_sd=0.06),
    "unicorn_firms": _Recipe("log", _L(0.12), revenue=1.1, innovation=1.0, trend=0.03, zone_sd=0.6),
    # Leading chain (the chain-derived ones and the 链长制 pair are generated separately)
    "chain_anchor_firms": _Recipe("log", _L(2.5), revenue=0.6, innovation=0.3, trend=0.03, zone_sd=0.45, year_sd=0.02),
    "single_champion_firms": _Recipe(
        "log", _L(1.5), revenue=0.7, innovation=0.5, trend=0.05, zone_sd=0.5, year_sd=0.02
    ),
    "little_giant_firms": _Recipe("log", _L(15.0), revenue=0.75, innovation=0.6, trend=0.1, zone_sd=0.4, year_sd=0.02),
    # Chief innovation officer and environment (the CIO flags are generated separately)
    # Rare and concentrated: about 77 large scientific facilities in the whole country, at most ~10 in a zone
    "major_facilities": _Recipe(
        "log", _L(0.125), revenue=0.6, innovation=0.75, trend=0.03, zone_sd=0.6, year_sd=0.01
    ),
    "school_places_per_10k": _Recipe(
        "log", _L(120.0), revenue=0.05, innovation=0.15, trend=0.02, zone_sd=0.25, year_sd=0.03
    ),
    "innovation_events": _Recipe("log", _L(120.0), revenue=0.6, innovation=0.5, trend=0.05, zone_sd=0.4, year_sd=0.1),
    "tech_finance_products": _Recipe("log", _L(20.0), revenue=0.5, innovation=0.5, trend=0.08, zone_sd=0.4),
    "top_talent_retention": _Recipe("logit", 0.8, revenue=0.05, innovation=0.4, trend=0.02, zone_sd=0.35, year_sd=0.08),
    "iur_platforms": _Recipe("log", _L(15.0), revenue=0.6, innovation=0.6, trend=0.05, zone_sd=0.4, year_sd=0.04),
    "basic_applied_projects": _Recipe(
        "log", _L(60.0), revenue=0.7, innovation=0.7, trend=0.06, zone_sd=0.45, year_sd=0.08
    ),
    # Open cooperation
    "joint_rd_projects": _Recipe("log", _L(20.0), revenue=0.6, innovation=0.5, trend=0.08, zone_sd=0.45, year_sd=0.1),
    # OEM work falls with innovation: the 贴牌生产 of big, weakly innovative zones
    "oem_revenue_share": _Recipe("logit", -1.3, revenue=0.1, innovation=-0.6, trend=-0.03, zone_sd=0.5),
    "benefit_sharing_agreements": _Recipe(
        "log", _L(6.0), revenue=0.5, innovation=0.4, trend=0.1, zone_sd=0.5, year_sd=0.1
    ),
    "foreign_talent_share": _Recipe("logit", -3.0, revenue=0.15, innovation=0.45, trend=0.02, zone_sd=0.4),
    "intl_copatents": _Recipe("log", _L(25.0), revenue=0.9, innovation=0.8, growth=0.4, zone_sd=0.5, year_sd=0.1),
    "intl_joint_labs": _Recipe("log", _L(3.0), revenue=0.6, innovation=0.7, trend=0.04, zone_sd=0.5, year_sd=0.03),
    "overseas_rd_firms": _Recipe("log", _L(5.0), revenue=0.8, innovation=0.6, trend=0.05, zone_sd=0.5),
    "intl_standards": _Recipe("log", _L(2.0), revenue=0.8, innovation=0.8, trend=0.05, zone_sd=0.6, year_sd=0.08),
    "hightech_export_share": _Recipe("logit", -0.2, revenue=0.1, innovation=0.5, trend=0.01, zone_sd=0.5),
    # Scale and efficiency (revenue itself is calibrated separately)
    # About a third of revenue: ≈ ¥17 tn value added on ≈ ¥52 tn revenue in the national zones
    "value_added": _Recipe("of_revenue", -0.78, innovation=0.15, zone_sd=0.2, year_sd=0.03),
    "tax": _Recipe("of_revenue", -2.9, innovation=0.1, zone_sd=0.25, year_sd=0.04),
    "exports": _Recipe("of_revenue", -1.6, revenue=0.1, innovation=0.1, zone_sd=0.7, year_sd=0.08),
    "va_share_city_gdp": _Recipe("logit", -1.6, revenue=0.5, trend=0.02, zone_sd=0.5, year_sd=0.03),
    # Value added per employee; with value_added it implies ≈ 24–25 M employees in the national zones
    "labour_productivity": _Recipe(
        "log", _L(60.0), revenue=0.05, innovation=0.15, trend=0.04, zone_sd=0.25, year_sd=0.03
    ),
    # Margins can be negative (loss-making years), hence linear rather than log
    "profit_margin": _Recipe("linear", 6.5, revenue=0.3, innovation=1.2, zone_sd=4.0, year_sd=1.5),
    # Green and liveable
    "energy_per_va": _Recipe("log", _L(0.35), innovation=-0.25, trend=-0.03, zone_sd=0.35, year_sd=0.04, decimals=4),
    "green_space_share": _Recipe("logit", 0.0, innovation=0.2, trend=0.02, zone_sd=0.5, year_sd=0.03, lo=10.0, hi=55.0),
    # Process (the article says weaken these): weakly or negatively related to innovation
    "policies_issued": _Recipe("log", _L(25.0), revenue=0.3, zone_sd=0.4, year_sd=0.15),
    "promotion_events": _Recipe("log", _L(30.0), revenue=0.4, innovation=-0.1, zone_sd=0.5, year_sd=0.15),
    "land_developed": _Recipe("log", _L(120.0), revenue=0.5, innovation=-0.2, zone_sd=0.5, year_sd=0.25),
}

# The chain-derived indicators and the decimals they are published with (the local supporting rate is
# a breakdown figure, already rounded).
_CHAIN_INDICATOR_DECIMALS: Final[dict[str, int | None]] = {
    "leading_chain_share": 2,
    "chain_hhi": 4,
    "leading_chain_lq": 4,
    "chain_completeness": 2,
    "local_supporting_rate": None,
    "alt_source_coverage": 2,
    "chokepoint_share": 2,
    "chokepoint_alt_coverage": 2,
}


# Indicators generated by dedicated code below rather than by a _Recipe.
_SPECIAL: Final[frozenset[str]] = frozenset(
    {
        "revenue",
        "hte_net_new",
        *_CHAIN_INDICATOR_DECIMALS,
        "chain_leader_system",
        "chain_leader_elements",
        "cio_established",
        "cio_reports_to_head",
        "cio_policy_instruments",
    }
)


def _fallback_recipe(ind: Indicator) -> _Recipe:
    """A neutral recipe for an indicator added to the catalog after this generator was written."""
    if ind.kind is ValueKind.RATIO:
        return _Recipe("logit", -0.5, revenue=0.05, innovation=0.3)
    if ind.kind is ValueKind.DELTA:
        return _Recipe("linear", 0.0, zone_sd=2.0, year_sd=2.0)
    if ind.kind is ValueKind.FLAG:
        return _Recipe("logit", 0.0, innovation=1.0, zone_sd=2.0, year_sd=0.0, decimals=0, lo=0.0, hi=1.0)
    return _Recipe("log", _L(10.0), revenue=0.5, innovation=0.4)


# --------------------------------------------------------------------------------------------
# Helpers


def _rng(seed: int, stage: int) -> np.random.Generator:
    # One independent stream per stage, so changing one stage never reshuffles the others.
    return np.random.default_rng(np.random.SeedSequence([seed, stage]))


def _years_from_calibration() -> FloatArray:
    """Each simulated year minus the calibration year (2022), as floats."""
    return np.array(_SIM_YEARS, dtype=np.float64) - _CAL_YEAR


def _sigmoid(x: FloatArray) -> FloatArray:
    return 1.0 / (1.0 + np.exp(-x))


def _zscore(x: FloatArray) -> FloatArray:
    sd = float(x.std())
    return (x - float(x.mean())) / (sd if sd > 0 else 1.0)


def _national_revenue_schedule(n: int, rng: np.random.Generator) -> FloatArray:
    """Sorted (ascending) 2022 revenues of the national zones, calibrated to domain.md section 1.

    Quantiles of a log-normal body whose 38.8% point is 1,000 亿元 (69 of 178 below ¥100 bn) and
    whose top lies below the trillion mark, with the top six replaced by a Pareto-like tail
    (rank r ↦ 86,000·r^-b reaching ~11,000 at rank 6). Using jittered quantiles instead of raw
    draws keeps the calibration counts exact for any seed while the values stay irregular.
    """
    nd = NormalDist()
    z_low = nd.inv_cdf(_SHARE_BELOW_100BN)
    z_high = nd.inv_cdf(1.0 - _N_TRILLION / n)
    sigma = (math.log(_BODY_CEILING) - math.log(_HUNDRED_BN)) / (z_high - z_low)
    mu = math.log(_HUNDRED_BN) - z_low * sigma
    u = rng.uniform(0.15, 0.85, size=n)
    probs = (np.arange(n) + u) / n
    z = np.array([nd.inv_cdf(float(p)) for p in probs])
    body = np.minimum(np.exp(mu + sigma * z), _BODY_CEILING * 1.05)
    tail_exponent = math.log(_TOP_REVENUE / (_TRILLION * 1.1)) / math.log(_N_TRILLION)
    ranks = np.arange(1, _N_TRILLION + 1, dtype=np.float64)
    tail = _TOP_REVENUE * ranks**-tail_exponent * rng.uniform(0.97, 1.03, size=_N_TRILLION)
    tail = np.maximum(tail, _TRILLION * 1.05)
    out = body.copy()
    out[n - _N_TRILLION :] = np.sort(tail)
    return np.sort(out)


def _dither_round(x: FloatArray, u: FloatArray) -> FloatArray:
    # Stochastic rounding with a per-zone offset that is fixed over the years, so small stocks
    # (e.g. 0.4 national labs on average) come out as whole numbers with the right mean without
    # flickering 0, 1, 0 from one year to the next.
    return np.floor(x + u)


# --------------------------------------------------------------------------------------------
# Zones


@dataclass
class _Zones:
    zones: list[DemoZone]
    national: BoolArray
    scale: FloatArray  # latent scale (z-score within level)
    innovation: FloatArray  # latent innovation factor
    province: list[str]
    lead: IntArray  # index of the leading chain in the chain catalog


class _ZoneSlot(NamedTuple):
    province: _Province
    national: bool
    number: int  # 1-based number of the zone within its province and level


def _zone_slots() -> list[_ZoneSlot]:
    """Province, level and number of every demo zone, in the fixed order of ``_PROVINCES``."""
    return [
        _ZoneSlot(prov, national, number)
        for prov in _PROVINCES
        for national, count in ((True, prov.national), (False, prov.provincial))
        for number in range(1, count + 1)
    ]


def _latent_factors(
    rng: np.random.Generator, national: BoolArray, weights: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Each zone's raw scale, scale (z-score within its level) and innovation factor."""
    n = national.size
    raw_scale = 0.9 * weights + 0.8 * rng.standard_normal(n)
    scale = np.empty(n)
    scale[national] = _zscore(raw_scale[national])
    scale[~national] = _zscore(raw_scale[~national])
    # Innovation correlates with scale (r ≈ 0.45) but far from perfectly: that gap is what makes
    # 产业高原 (big, weakly innovative) and 创新成长 (small, innovative) zones appear.
    innovation = 0.45 * scale + math.sqrt(1 - 0.45**2) * rng.standard_normal(n) - 0.4 * (~national)
    return raw_scale, scale, innovation


def _leading_chains(rng: np.random.Generator, chain_codes: list[str], n: int) -> IntArray:
    """Each zone's leading chain (an index into ``chain_codes``)."""
    weights = np.array([_CHAIN_WEIGHTS.get(c, _DEFAULT_CHAIN_WEIGHT) for c in chain_codes])
    # Quota allocation (largest remainder) rather than independent draws: every chain is then the
    # leading chain of several zones for any seed, so "top 3 among zones sharing a chain" and
    # top-decile LQ within a chain are always meaningful.
    quota = weights / weights.sum() * n
    counts = np.floor(quota).astype(np.int64)
    remainder_order = np.argsort(-(quota - counts), kind="stable")
    counts[remainder_order[: n - int(counts.sum())]] += 1
    return rng.permutation(np.repeat(np.arange(len(chain_codes), dtype=np.int64), counts))


def _approval_years(
    rng: np.random.Generator, national: BoolArray, scale: FloatArray, raw_scale: FloatArray
) -> IntArray:
    """Approval years: the big national zones are the old ones (1988 / 1991–1992 batches)."""
    n = national.size
    early = rng.random(n) < _sigmoid(1.2 * scale - 0.3)
    year_nat = np.where(early, rng.choice([1991, 1992], size=n), rng.integers(1997, 2024, size=n))
    year_prov = rng.integers(1995, 2023, size=n)
    years = np.where(national, year_nat, year_prov)
    years[int(np.argmax(np.where(national, raw_scale, -np.inf)))] = 1988
    return years


def _demo_zone(slot: _ZoneSlot, *, year_approved: int, pilot: bool, leading_chain: str) -> DemoZone:
    prov, i = slot.province, slot.number
    if slot.national:
        code = f"{DEMO_CODE_PREFIX}{prov.code}-N{i:02d}"
        name_zh = f"示例高新区-{province_short_name(prov.code)}{i:02d}"
        name_en = f"Demo Hi-tech Zone {province_short_name(prov.code, 'en')} {i:02d}"
    else:
        code = f"{DEMO_CODE_PREFIX}{prov.code}-P{i:02d}"
        name_zh = f"示例省级高新区-{province_short_name(prov.code)}{i:02d}"
        name_en = f"Demo Provincial Hi-tech Zone {province_short_name(prov.code, 'en')} {i:02d}"
    return DemoZone(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        province=prov.code,
        city=prov.cities[(i - 1) % len(prov.cities)],
        level="national" if slot.national else "provincial",
        kind="hitech",
        year_approved=year_approved,
        pilot=pilot,
        leading_chain=leading_chain,
    )


def _make_zones(seed: int, chain_codes: list[str]) -> _Zones:
    rng = _rng(seed, 1)
    slots = _zone_slots()
    n = len(slots)
    national = np.array([s.national for s in slots], dtype=np.bool_)
    raw_scale, scale, innovation = _latent_factors(rng, national, np.array([s.province.weight for s in slots]))
    lead = _leading_chains(rng, chain_codes, n)
    years = _approval_years(rng, national, scale, raw_scale)
    # Pilot zones of the innovation-specific evaluation: national, leaning innovative.
    pilot = national & (rng.random(n) < _sigmoid(1.2 * innovation - 2.2))
    zones = [
        _demo_zone(slot, year_approved=int(years[k]), pilot=bool(pilot[k]), leading_chain=chain_codes[int(lead[k])])
        for k, slot in enumerate(slots)
    ]
    return _Zones(zones, national, scale, innovation, [s.province.code for s in slots], lead)


# --------------------------------------------------------------------------------------------
# Revenue and the recipe indicators


def _revenue(seed: int, zs: _Zones) -> tuple[FloatArray, BoolArray, FloatArray]:
    """Revenue (zones × simulated years), the gazelle mask and each zone's innovation growth."""
    rng = _rng(seed, 2)
    n = len(zs.zones)
    rev22 = np.empty(n)
    nat_idx = np.flatnonzero(zs.national)
    # National zones get the calibrated schedule in the order of their latent scale.
    order = nat_idx[np.argsort(zs.scale[nat_idx], kind="stable")]
    rev22[order] = _national_revenue_schedule(len(nat_idx), rng)
    prov_idx = np.flatnonzero(~zs.national)
    rev22[prov_idx] = np.clip(np.exp(_L(110.0) + 0.85 * zs.scale[prov_idx]), 8.0, 2_500.0)

    # Fast growers (瞪羚 candidates): innovative zones that are not yet giants.
    candidates = np.flatnonzero((zs.innovation >= np.quantile(zs.innovation, 0.55)) & (rev22 <= 3_000.0))
    gazelle = np.zeros(n, dtype=np.bool_)
    gazelle[rng.choice(candidates, size=min(_N_GAZELLES, candidates.size), replace=False)] = True

    g_rev = np.clip(rng.normal(0.08, 0.05, size=n) + 0.02 * zs.innovation, -0.08, 0.25)
    g_rev[gazelle] = rng.uniform(0.12, 0.22, size=int(gazelle.sum()))
    g_innov = np.clip(rng.normal(0.07, 0.04, size=n) + 0.02 * zs.innovation, -0.05, 0.18)
    g_innov[gazelle] = rng.uniform(0.30, 0.40, size=int(gazelle.sum()))

    t = _years_from_calibration()
    noise = rng.normal(0.0, 0.03, size=(n, len(_SIM_YEARS)))
    noise[:, _SIM_YEARS.index(_CAL_YEAR)] = 0.0  # the calibration year is exact
    revenue = np.round(rev22[:, None] * np.exp(g_rev[:, None] * t[None, :] + noise), 2)
    return revenue, gazelle, g_innov


def _decline(seed: int, gazelle: BoolArray, revenue: FloatArray) -> FloatArray:
    """A few zones (never gazelles) fall back: their latent innovation sinks by 0.2–0.35 of a standard
    deviation a year and their revenue by 3–8% a year, both around the calibration year's level.

    Real zones do not all climb: some lose their high-tech base and drift towards low-tech work (低新化),
    which a panel's transitions and trajectories must be able to show. Shrinks ``revenue`` in place and
    returns every zone's innovation drift (zones × simulated years, 0 for the others). Its own stream
    (stage 7) leaves every other draw of the data set as it was.
    """
    rng = _rng(seed, 7)
    candidates = np.flatnonzero(~gazelle)
    picked = np.sort(rng.choice(candidates, size=min(_N_DECLINERS, candidates.size), replace=False))
    t = _years_from_calibration()[None, :]
    drift = np.zeros(revenue.shape)
    drift[picked] = rng.uniform(-0.35, -0.2, size=(picked.size, 1)) * t
    revenue[picked] = np.round(revenue[picked] * np.exp(rng.uniform(-0.08, -0.03, size=(picked.size, 1)) * t), 2)
    return drift


def _generic(
    recipe: _Recipe,
    ind: Indicator,
    revenue: FloatArray,
    innovation: FloatArray,
    g_innov: FloatArray,
    rng: np.random.Generator,
) -> FloatArray:
    n, ny = revenue.shape
    t = _years_from_calibration()
    mean = (
        recipe.centre
        + recipe.revenue * np.log(revenue / 1_000.0)
        + recipe.innovation * innovation
        + (recipe.growth * g_innov[:, None] + recipe.trend) * t[None, :]
        + recipe.zone_sd * rng.standard_normal((n, 1))
        + recipe.year_sd * rng.standard_normal((n, ny))
    )
    dither = rng.random((n, 1))
    lo = ind.min_value if recipe.lo is None else max(recipe.lo, ind.min_value)
    hi = ind.max_value if recipe.hi is None else min(recipe.hi, ind.max_value)
    if recipe.transform == "log":
        raw = np.exp(mean)
    elif recipe.transform == "logit":
        raw = lo + (hi - lo) * _sigmoid(mean)
    elif recipe.transform == "of_revenue":
        raw = revenue * _sigmoid(mean)
    else:
        raw = mean
    if ind.kind in (ValueKind.COUNT, ValueKind.DELTA, ValueKind.FLAG):
        val = _dither_round(raw, dither)
        return np.asarray(np.clip(val, math.ceil(lo), math.floor(hi)), dtype=np.float64)
    return np.asarray(np.clip(np.round(raw, recipe.decimals), lo, hi), dtype=np.float64)


def _recipe_values(
    seed: int, indicators: tuple[Indicator, ...], innovation: FloatArray, revenue: FloatArray, g_innov: FloatArray
) -> dict[str, FloatArray]:
    """Revenue and every indicator drawn from a recipe (zones × simulated years); ``innovation`` is each
    zone's latent innovation in each simulated year."""
    rng = _rng(seed, 4)
    values: dict[str, FloatArray] = {"revenue": revenue}
    for ind in indicators:
        if ind.code in _SPECIAL:
            continue
        recipe = _RECIPES.get(ind.code) or _fallback_recipe(ind)
        values[ind.code] = _generic(recipe, ind, revenue, innovation, g_innov, rng)
    return values


def _enforce_growth(values: FloatArray, rows: BoolArray, integral: bool, decimals: int) -> None:
    """Make each published year ≥ 20% above the previous one for the gazelle rows (in place).

    The latent growth is already 30–40% a year; this only guards against noise and rounding so
    the 瞪羚 badge reliably triggers (a small margin keeps float rounding on the safe side).
    """
    scale = 10.0**decimals
    for y in range(_FIRST_PUBLISHED + 1, len(_SIM_YEARS)):
        target = values[rows, y - 1] * _GAZELLE_GROWTH * 1.001
        floor_val = np.ceil(target) if integral else np.ceil(target * scale) / scale
        values[rows, y] = np.maximum(values[rows, y], floor_val)


def _grow_gazelles(values: dict[str, FloatArray], gazelle: BoolArray) -> None:
    """Give the gazelle zones their ≥ 20% yearly growth of the badge indicators (in place)."""
    by_code = indicator_catalog().by_code()
    for code in _GAZELLE_CODES:
        if code in values:
            _enforce_growth(values[code], gazelle, by_code[code].kind is ValueKind.COUNT, _RECIPES[code].decimals)
            values[code] = np.minimum(values[code], by_code[code].max_value)


def _net_change(stock: FloatArray) -> FloatArray:
    """Year-on-year change of a stock (zones × simulated years; 0 in the first year)."""
    net = np.zeros_like(stock)
    net[:, 1:] = np.diff(stock, axis=1)
    return net


# --------------------------------------------------------------------------------------------
# Policy systems: 链长制 and the chief innovation officer


def _adoption(
    rng: np.random.Generator, propensity: FloatArray, years: tuple[int, ...], weights: list[float]
) -> FloatArray:
    """0/1 matrix (zones × simulated years): adopted with probability σ(propensity), from a year on."""
    n = propensity.shape[0]
    adopts = rng.random(n) < _sigmoid(propensity)
    w = np.array(weights)
    start = rng.choice(np.array(years), size=n, p=w / w.sum())
    sim = np.array(_SIM_YEARS)
    return np.asarray(adopts[:, None] & (sim[None, :] >= start[:, None]), dtype=np.float64)


def _chain_leader_system(frng: np.random.Generator, zs: _Zones) -> dict[str, FloatArray]:
    """The 链长制 flag and its element count: adopted once, kept afterwards.

    Zhejiang started the 链长制 in 2019, so its zones adopt it more and earlier.
    """
    n, ny = len(zs.zones), len(_SIM_YEARS)
    zhejiang = np.array([p == "33" for p in zs.province])
    chain_sys = _adoption(
        frng, 0.3 * zs.scale + 0.3 * zs.innovation + 1.5 * zhejiang - 0.2, _SIM_YEARS, [3, 2, 2, 2, 1.5, 1]
    )
    since = np.cumsum(chain_sys, axis=1)
    elements = np.where(
        chain_sys > 0,
        np.minimum(9, 2 + np.floor(since * 1.2 + frng.uniform(0, 2, size=(n, 1)))),
        np.floor(frng.uniform(0, 3, size=n))[:, None] * np.ones(ny),
    )
    return {"chain_leader_system": chain_sys, "chain_leader_elements": elements}


def _chief_innovation_officer(frng: np.random.Generator, zs: _Zones) -> dict[str, FloatArray]:
    """The CIO flags and policy-instrument count; pilot zones appoint one more often."""
    n = len(zs.zones)
    pilot = np.array([z.pilot for z in zs.zones])
    cio = _adoption(
        frng, 0.8 * zs.innovation + 0.3 * zs.scale + 1.5 * pilot - 0.6, _SIM_YEARS, [0.5, 1, 1.5, 2, 2.5, 2.5]
    )
    reports = cio * (frng.random(n) < 0.55 + 0.25 * pilot)[:, None]
    cio_since = np.cumsum(cio, axis=1)
    instruments = cio * np.maximum(
        1.0,
        np.floor(
            np.exp(_L(5.0) + 0.3 * zs.innovation[:, None] + 0.15 * cio_since + frng.normal(0, 0.4, (n, 1)))
        ),
    )
    return {"cio_established": cio, "cio_reports_to_head": reports, "cio_policy_instruments": instruments}


def _policy_systems(seed: int, zs: _Zones) -> dict[str, FloatArray]:
    frng = _rng(seed, 5)
    return {**_chain_leader_system(frng, zs), **_chief_innovation_officer(frng, zs)}


# --------------------------------------------------------------------------------------------
# Industry-chain breakdowns and the indicators derived from them


class _KeyProducts(NamedTuple):
    product: IntArray  # zones × chains × slots: index into the chain's key components, -1 for an unused slot
    high: BoolArray  # zones × chains × slots: high technology threshold
    rate: FloatArray  # zones × sim years × chains × slots: localisation rate, percent
    alternative: BoolArray  # zones × sim years × chains × slots: at least one alternative source


class _ChainBreakdowns(NamedTuple):
    member: BoolArray  # zones × chains
    chain_rev: FloatArray  # zones × sim years × chains
    segments: IntArray  # zones × sim years × chains
    key_components: IntArray  # zones × chains
    with_alt: IntArray  # zones × sim years × chains
    local_share: FloatArray  # zones × sim years × chains
    products: _KeyProducts


def _chain_membership(rng: np.random.Generator, lead: IntArray, n_chains: int) -> tuple[BoolArray, FloatArray]:
    """Which chains each zone runs — the leading one plus 1–4 others, stable over the years — and how
    the revenue outside the leading chain splits among the others (both zones × chains)."""
    n = lead.size
    k_chains = rng.choice([2, 3, 4, 5], size=n, p=[0.2, 0.35, 0.3, 0.15])
    member = np.zeros((n, n_chains), dtype=np.bool_)
    member[np.arange(n), lead] = True
    other_w = np.zeros((n, n_chains))
    for z in range(n):
        others = [c for c in range(n_chains) if c != lead[z]]
        pick = rng.choice(others, size=min(int(k_chains[z]) - 1, len(others)), replace=False)
        member[z, pick] = True
        other_w[z, pick] = rng.dirichlet(np.full(pick.size, 2.0))
    return member, other_w


def _chain_revenue(rng: np.random.Generator, revenue: FloatArray, lead: IntArray, other_w: FloatArray) -> FloatArray:
    """Revenue of each chain of each zone and simulated year (亿元, zones × sim years × chains)."""
    n, ny = revenue.shape
    nc = other_w.shape[1]
    zi = np.arange(n)
    t = _years_from_calibration()
    # Leading-chain share of zone revenue: mostly 22–48%, about 8% of zones concentrated (≥ 50%).
    concentrated = rng.random(n) < 0.08
    s0 = np.where(concentrated, rng.uniform(0.52, 0.66, size=n), rng.uniform(0.22, 0.48, size=n))
    drift = rng.normal(0.005, 0.008, size=(n, 1))
    s_lead = np.clip(s0[:, None] + drift * t + rng.normal(0, 0.01, (n, ny)), 0.205, 0.695)
    # The rest of the chain revenue; the remainder of zone revenue lies outside catalogued chains.
    o_frac = np.clip(rng.uniform(0.35, 0.85, size=(n, 1)) + rng.normal(0, 0.02, (n, ny)), 0.2, 0.9)
    others_total = (1.0 - s_lead) * o_frac
    noise = np.exp(rng.normal(0.0, 0.05, (n, ny, nc)))
    share = others_total[:, :, None] * other_w[:, None, :] * noise
    # Keep the leading chain the largest and every member chain visible (≥ 2% of revenue).
    share = np.where(other_w[:, None, :] > 0, np.clip(share, 0.02, 0.95 * s_lead[:, :, None]), 0.0)
    share[zi, :, lead] = s_lead
    # Flooring to 0.01 亿元 guarantees Σ chain revenue ≤ zone revenue after rounding.
    return np.floor(revenue[:, :, None] * share * 100.0) / 100.0


def _segments_covered(rng: np.random.Generator, zs: _Zones, n_seg: IntArray) -> IntArray:
    """Segments of each chain a zone covers (zones × sim years × chains)."""
    n, nc, ny = len(zs.zones), n_seg.size, len(_SIM_YEARS)
    is_lead = np.zeros((n, nc))
    is_lead[np.arange(n), zs.lead] = 1.0
    # Coverage of a chain's segments grows with size, innovation and focus (leading chain),
    # and only ever increases over time.
    frac = np.clip(
        0.35
        + 0.10 * zs.innovation[:, None]
        + 0.08 * zs.scale[:, None]
        + 0.15 * is_lead
        + rng.normal(0, 0.15, (n, nc)),
        0.2,
        1.0,
    )
    # At least two segments of the leading chain: a zone cannot declare a chain it barely has.
    seg0 = np.maximum(1.0 + is_lead, np.round(frac * n_seg[None, :])).astype(np.int64)
    steps = rng.random((n, ny, nc)) < 0.12
    steps[:, 0, :] = False
    return np.minimum(seg0[:, None, :] + np.cumsum(steps, axis=1), n_seg[None, None, :]).astype(np.int64)


def _key_components(rng: np.random.Generator, zs: _Zones, n_kc: IntArray) -> tuple[IntArray, IntArray]:
    """Key components of each chain a zone depends on (zones × chains), and how many of them have an
    alternative (domestic) source (zones × sim years × chains)."""
    n, nc, ny = len(zs.zones), n_kc.size, len(_SIM_YEARS)
    t = _years_from_calibration()
    key_components = np.maximum(1, np.round(n_kc[None, :] * rng.uniform(0.4, 1.0, (n, nc)))).astype(np.int64)
    # Alternative sources: more in innovative zones, rising over the years as substitution
    # proceeds (never falling).
    alt_frac = _sigmoid(
        -0.2
        + 0.5 * zs.innovation[:, None, None]
        + 0.25 * t[None, :, None]
        + rng.normal(0, 0.6, (n, 1, nc))
        + rng.normal(0, 0.1, (n, ny, nc))
    )
    alt_raw = np.floor(key_components[:, None, :] * alt_frac + 0.5)
    with_alt = np.minimum(np.maximum.accumulate(alt_raw, axis=1), key_components[:, None, :]).astype(np.int64)
    return key_components, with_alt


def _key_products(
    rng: np.random.Generator, zs: _Zones, key_components: IntArray, with_alt: IntArray, n_kc: IntArray
) -> _KeyProducts:
    """Which key products each zone's chains depend on, their threshold, localisation and alternatives.

    A zone's ``key_components`` products of a chain are a random subset of the chain's catalogued
    ones, fixed over the years. The threshold is a property of the product (about 60% high). High-
    threshold products are far less localised (about 30% against 70%), more so in weakly innovative
    zones, and localisation rises a little every year. The ``with_alt`` products with an alternative
    source are mostly the localised ones, chosen in an order fixed over the years, so the set only grows
    as ``with_alt`` does (the counts of the breakdown are kept exactly).
    """
    n, nc = key_components.shape
    m, ny = int(n_kc.max()), len(_SIM_YEARS)
    slot = np.arange(m)
    keys = np.where(slot[None, None, :] < n_kc[None, :, None], rng.random((n, nc, m)), 2.0)
    used = slot[None, None, :] < key_components[:, :, None]
    product = np.where(used, np.argsort(keys, axis=2), -1)
    high_of = rng.random((nc, m)) < 0.6
    high = used & high_of[np.arange(nc)[None, :, None], np.clip(product, 0, None)]
    base = -0.9 + 1.8 * ~high + 0.35 * zs.innovation[:, None, None] + rng.normal(0, 0.7, (n, nc, m))
    t = _years_from_calibration()
    noisy = base[:, None] + 0.1 * t[None, :, None, None] + rng.normal(0, 0.05, (n, ny, nc, m))
    rate = np.clip(np.round(100.0 * _sigmoid(noisy), 1), 0.5, 99.5)
    # Alternative sources go first to the products easiest to source: mostly the localised ones, but not
    # only (a chokepoint may have a second foreign supplier or a domestic one being qualified).
    ease = base + rng.normal(0, 1.2, (n, nc, m))
    order = np.argsort(np.where(used, -ease, np.inf), axis=2, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(slot, order.shape).copy(), axis=2)
    alternative = used[:, None] & (rank[:, None] < with_alt[:, :, :, None])
    return _KeyProducts(product, high, rate, alternative)


def _product_counts(cb: _ChainBreakdowns, zone: IntArray, chain: IntArray, sim_year: int) -> ProductCounts:
    """The per-product counts of the breakdown rows (``zone``, ``chain``) in one simulated year."""
    kp = cb.products
    used = kp.product[zone, chain] >= 0
    choke = used & (classify_products(kp.high[zone, chain], kp.rate[zone, sim_year, chain]) == 0)
    return ProductCounts(
        key_products=used.sum(axis=1).astype(np.float64),
        chokepoints=choke.sum(axis=1).astype(np.float64),
        chokepoints_with_alt=(choke & kp.alternative[zone, sim_year, chain]).sum(axis=1).astype(np.float64),
    )


def _local_share(rng: np.random.Generator, zs: _Zones, n_chains: int) -> FloatArray:
    """Local procurement share of each chain (percent, zones × sim years × chains): higher in big zones."""
    n, ny = len(zs.zones), len(_SIM_YEARS)
    t = _years_from_calibration()
    return np.round(
        8.0
        + 72.0
        * _sigmoid(
            -0.3
            + 0.3 * zs.scale[:, None, None]
            + rng.normal(0, 0.5, (n, 1, n_chains))
            + 0.05 * t[None, :, None]
            + rng.normal(0, 0.05, (n, ny, n_chains))
        ),
        2,
    )


def _chains(seed: int, zs: _Zones, revenue: FloatArray) -> _ChainBreakdowns:
    """The industry chains of every zone and simulated year."""
    rng = _rng(seed, 3)
    chains = chain_catalog().chains
    member, other_w = _chain_membership(rng, zs.lead, len(chains))
    chain_rev = _chain_revenue(rng, revenue, zs.lead, other_w)
    segments = _segments_covered(rng, zs, np.array([len(c.segments) for c in chains]))
    key_components, with_alt = _key_components(rng, zs, np.array([len(c.key_components) for c in chains]))
    local_share = _local_share(rng, zs, len(chains))
    chain_rev = np.where(member[:, None, :], chain_rev, 0.0)
    # A stream of its own, so the key products leave every figure drawn before them unchanged.
    products = _key_products(_rng(seed, 7), zs, key_components, with_alt,
                             np.array([len(c.key_components) for c in chains]))
    return _ChainBreakdowns(member, chain_rev, segments, key_components, with_alt, local_share, products)


def _chain_indicators(cb: _ChainBreakdowns, revenue: FloatArray, lead: IntArray) -> dict[str, FloatArray]:
    """The chain-derived indicators (zones × sim years), computed from the breakdowns by
    :func:`scoring_models.chain_metrics.derive_chain_metrics` exactly as an evaluation derives them."""
    segments_defined = np.array([len(c.segments) for c in chain_catalog().chains], dtype=np.float64)
    zone, chain = np.nonzero(cb.member)
    n, ny, nc = cb.chain_rev.shape
    per_year: list[dict[str, FloatArray]] = []
    for y in range(ny):
        rows = ChainRows(
            zone=zone.astype(np.int64),
            chain=chain.astype(np.int64),
            revenue=cb.chain_rev[zone, y, chain],
            segments_covered=cb.segments[zone, y, chain].astype(np.float64),
            segments_defined=segments_defined[chain],
            key_components=cb.key_components[zone, chain].astype(np.float64),
            key_components_with_alt=cb.with_alt[zone, y, chain].astype(np.float64),
            local_procurement_share=cb.local_share[zone, y, chain],
            products=_product_counts(cb, zone, chain, y),
        )
        metrics = derive_chain_metrics(rows, n_zones=n, n_chains=nc, zone_revenue=revenue[:, y], declared_leading=lead)
        per_year.append(metrics.as_dict())
    derived: dict[str, FloatArray] = {}
    for code, decimals in _CHAIN_INDICATOR_DECIMALS.items():
        by_year = np.stack([year[code] for year in per_year], axis=1)
        derived[code] = by_year if decimals is None else np.round(by_year, decimals)
    return derived


# --------------------------------------------------------------------------------------------
# Assembly


def _published(values: dict[str, FloatArray], indicators: tuple[Indicator, ...]) -> FloatArray:
    """The published years of every indicator, zones × years × indicators (catalog order).

    Every value is kept inside its catalog range: the recipes aim well inside; this is a guard.
    """
    return np.stack(
        [np.clip(values[ind.code], ind.min_value, ind.max_value)[:, _FIRST_PUBLISHED:] for ind in indicators], axis=2
    )


def _missing_cells(seed: int, shape: tuple[int, ...], codes: list[str], gazelle: BoolArray) -> BoolArray:
    """About 3% of cells missing at random (zones × years × indicators).

    Revenue is always kept (it anchors every scale measure), and the gazelle zones keep their badge
    indicators so the badge can be shown. Each indicator draws from a stream of its own, keyed by its
    code, so an indicator added to the catalog leaves the missing cells of every other one in place.
    """
    missing = np.stack(
        [_rng(seed, 6 + (zlib.crc32(code.encode()) << 4)).random(shape[:2]) < _MISSING_RATE for code in codes], axis=2
    )
    missing[:, :, codes.index("revenue")] = False
    for code in _GAZELLE_CODES:
        if code in codes:
            missing[gazelle, :, codes.index(code)] = False
    return missing


def _observations(
    zones: list[DemoZone], codes: list[str], published: FloatArray, missing: BoolArray
) -> list[DemoObservation]:
    stack_list = published.tolist()
    keep_list = (~missing).tolist()
    observations: list[DemoObservation] = []
    for zi, zone in enumerate(zones):
        for yi, year in enumerate(DEMO_YEARS):
            row = stack_list[zi][yi]
            keep = keep_list[zi][yi]
            observations.extend(
                DemoObservation(zone.code, code, year, float(row[k])) for k, code in enumerate(codes) if keep[k]
            )
    return observations


def _demo_key_products(cb: _ChainBreakdowns, zi: int, sy: int, c: int, names: tuple[str, ...]) -> tuple[
    DemoKeyProduct, ...
]:
    """The key products of one breakdown row, in the chain catalog's order."""
    kp = cb.products
    slots = sorted((int(kp.product[zi, c, k]), k) for k in range(kp.product.shape[2]) if kp.product[zi, c, k] >= 0)
    return tuple(
        DemoKeyProduct(
            product=names[p],
            threshold="high" if kp.high[zi, c, k] else "low",
            localisation_rate=float(kp.rate[zi, sy, c, k]),
            alternative_source=bool(kp.alternative[zi, sy, c, k]),
        )
        for p, k in slots
    )


def _breakdowns(zs: _Zones, cb: _ChainBreakdowns, chain_codes: list[str]) -> list[DemoChainBreakdown]:
    """The breakdown rows of the published years, leading chain first, then catalog order."""
    products_of = [c.key_components for c in chain_catalog().chains]
    breakdowns: list[DemoChainBreakdown] = []
    for zi, zone in enumerate(zs.zones):
        lead = int(zs.lead[zi])
        order = [lead] + [c for c in range(len(chain_codes)) if c != lead and cb.member[zi, c]]
        for yi, year in enumerate(DEMO_YEARS):
            sy = yi + _FIRST_PUBLISHED
            breakdowns.extend(
                DemoChainBreakdown(
                    zone_code=zone.code,
                    year=year,
                    chain_code=chain_codes[c],
                    revenue=float(cb.chain_rev[zi, sy, c]),
                    segments_covered=int(cb.segments[zi, sy, c]),
                    key_components=int(cb.key_components[zi, c]),
                    key_components_with_alt=int(cb.with_alt[zi, sy, c]),
                    local_procurement_share=float(cb.local_share[zi, sy, c]),
                    key_products=_demo_key_products(cb, zi, sy, c, products_of[c]),
                )
                for c in order
            )
    return breakdowns


def generate_demo(seed: int = DEMO_SEED) -> DemoDataset:
    """Generate the deterministic synthetic demo dataset (same seed → byte-identical output).

    Returns about 180 national and 120 provincial fictional zones, every catalog indicator for
    every zone and year of :data:`DEMO_YEARS` except about 3% omitted cells (never ``revenue``),
    and 2–5 industry-chain breakdowns per zone-year consistent with the chain-derived indicators.
    """
    indicators = indicator_catalog().indicators
    chain_codes = [c.code for c in chain_catalog().chains]
    zs = _make_zones(seed, chain_codes)
    revenue, gazelle, g_innov = _revenue(seed, zs)
    drift = _decline(seed, gazelle, revenue)
    chains = _chains(seed, zs, revenue)

    values = _recipe_values(seed, indicators, zs.innovation[:, None] + drift, revenue, g_innov)
    values.update(_chain_indicators(chains, revenue, zs.lead))
    _grow_gazelles(values, gazelle)
    if "hte_count" in values:
        values["hte_net_new"] = _net_change(values["hte_count"])
    values.update(_policy_systems(seed, zs))

    codes = [ind.code for ind in indicators]
    published = _published(values, indicators)
    missing = _missing_cells(seed, published.shape, codes, gazelle)
    observations = _observations(zs.zones, codes, published, missing)
    return DemoDataset(tuple(zs.zones), tuple(observations), tuple(_breakdowns(zs, chains, chain_codes)))
