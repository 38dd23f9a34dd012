"""Deterministic synthetic demo data for zonescore: zones, observations and chain breakdowns.

The data are plainly fictional (codes ``DEMO-33-N03``, names ``示例高新区-浙江03``) but shaped like
the real population of China's high-tech zones described in ``docs/domain.md`` section 1, so that
every scoring model, peer group, profile and badge has something meaningful to work on:

* about 180 national and 120 provincial zones over all 31 provincial regions, with more zones in
  Jiangsu, Guangdong, Shandong and Zhejiang and very few in Tibet, Qinghai, Ningxia and Hainan;
* heavy-tailed revenue: in 2022 six national zones at the trillion-yuan scale (the largest around
  86,000 亿元) and 69 national zones below 1,000 亿元, provincial zones smaller;
* indicators driven by two latent zone factors, *scale* and *innovation*, only moderately
  correlated, so there are big but weakly innovative zones (产业高原 / 低新化) as well as small,
  highly innovative ones, plus a group of about 15 fast growers that earn the 瞪羚 badge;
* per zone-year industry-chain breakdowns whose derived indicators (leading-chain share, HHI,
  completeness, alternative-source coverage, local supporting rate, location quotient) are
  computed from the breakdowns exactly as ``docs/domain.md`` section 3 defines them;
* about 3% of the zone × indicator × year cells missing (never ``revenue``).

The module is pure: numpy, the standard library and :mod:`scoring_models.catalog` only. The same
seed always yields a byte-identical :class:`DemoDataset`; storing it is the caller's business.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Final, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from scoring_models.catalog import Indicator, ValueKind, chain_catalog, indicator_catalog
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
_GAZELLE_CODES: Final[tuple[str, ...]] = (
    "hte_count",
    "tech_contract_per_capita",
    "invention_patents_per_10k",
)
_GAZELLE_GROWTH: Final[float] = 1.2  # ≥ 20% a year (docs/domain.md section 5)
_MISSING_RATE: Final[float] = 0.03

# Internally one extra year (2019) is simulated so that 2020's hte_net_new is a real difference.
_SIM_YEARS: Final[tuple[int, ...]] = (DEMO_YEARS[0] - 1, *DEMO_YEARS)


class _Spec(NamedTuple):
    """Log-linear recipe of one indicator.

    ``mean = c0 + e_rev·ln(revenue/1000) + b_i·innovation + (g_innov·g_zone + g_const)·(year−2022)
    + sd_z·ε_zone + sd_zy·ε_zone,year``, then transformed: ``log`` → exp(mean); ``logit`` →
    lo + (hi−lo)·σ(mean); ``linear`` → mean; ``of_revenue`` → revenue·σ(mean).
    """

    transform: Literal["log", "logit", "linear", "of_revenue"]
    c0: float
    e_rev: float = 0.0
    b_i: float = 0.0
    g_innov: float = 0.0
    g_const: float = 0.0
    sd_z: float = 0.3
    sd_zy: float = 0.05
    decimals: int = 2
    lo: float | None = None
    hi: float | None = None


_L = math.log
# Constants are chosen so a zone of 1,000 亿元 revenue and average innovation gets a typical
# value (e.g. ~300 high-tech enterprises, R&D intensity ~3%); elasticities to revenue below 1
# make per-capita intensity fall with size, as in the published statistics.
_SPECS: Final[dict[str, _Spec]] = {
    # Innovation outcomes
    "rd_intensity": _Spec("log", _L(3.0), 0.0, 0.40, 0.3, 0.0, 0.25, 0.05),
    "rd_staff_share": _Spec("log", _L(10.0), 0.0, 0.35, 0.2, 0.0, 0.25, 0.04),
    "invention_patents_per_10k": _Spec("log", _L(45.0), 0.05, 0.65, 1.0, 0.0, 0.35, 0.04),
    "pct_applications": _Spec("log", _L(40.0), 0.9, 0.8, 0.8, 0.0, 0.4, 0.1),
    "tech_contract_per_capita": _Spec("log", _L(6.0), 0.05, 0.7, 1.0, 0.0, 0.4, 0.05),
    "hte_count": _Spec("log", _L(300.0), 0.9, 0.45, 1.0, 0.0, 0.3, 0.02),
    "rd5_revenue_share": _Spec("logit", -0.6, 0.05, 0.55, 0.3, 0.0, 0.35, 0.05),
    "new_product_share": _Spec("logit", -0.9, 0.05, 0.45, 0.3, 0.0, 0.35, 0.05),
    "national_rd_platforms": _Spec("log", _L(6.0), 0.75, 0.6, 0.0, 0.04, 0.45, 0.02),
    "new_rd_institutions": _Spec("log", _L(4.0), 0.6, 0.5, 0.0, 0.08, 0.5, 0.03),
    # Entrepreneurship
    "tech_sme_count": _Spec("log", _L(500.0), 0.85, 0.45, 0.5, 0.05, 0.35, 0.04),
    "new_firms": _Spec("log", _L(2500.0), 0.85, 0.3, 0.0, 0.03, 0.35, 0.08),
    "incubatees": _Spec("log", _L(400.0), 0.75, 0.4, 0.0, 0.04, 0.4, 0.06),
    "vc_backed_firms": _Spec("log", _L(25.0), 0.9, 0.8, 0.3, 0.0, 0.5, 0.15),
    "vc_investment": _Spec("log", _L(12.0), 1.0, 0.9, 0.3, 0.0, 0.55, 0.2),
    "gazelle_firms": _Spec("log", _L(30.0), 0.85, 0.6, 0.6, 0.0, 0.45, 0.06),
    "unicorn_firms": _Spec("log", _L(0.12), 1.1, 1.0, 0.0, 0.03, 0.6, 0.05),
    # Leading chain (the chain-derived ones and the 链长制 pair are generated separately)
    "chain_anchor_firms": _Spec("log", _L(2.5), 0.6, 0.3, 0.0, 0.03, 0.45, 0.02),
    "single_champion_firms": _Spec("log", _L(1.5), 0.7, 0.5, 0.0, 0.05, 0.5, 0.02),
    "little_giant_firms": _Spec("log", _L(15.0), 0.75, 0.6, 0.0, 0.1, 0.4, 0.02),
    # Chief innovation officer and environment (the CIO flags are generated separately)
    "major_facilities": _Spec("log", _L(0.35), 0.7, 1.0, 0.0, 0.03, 0.6, 0.01),
    "school_places_per_10k": _Spec("log", _L(120.0), 0.05, 0.15, 0.0, 0.02, 0.25, 0.03),
    "innovation_events": _Spec("log", _L(120.0), 0.6, 0.5, 0.0, 0.05, 0.4, 0.1),
    "tech_finance_products": _Spec("log", _L(20.0), 0.5, 0.5, 0.0, 0.08, 0.4, 0.05),
    "top_talent_retention": _Spec("logit", 0.8, 0.05, 0.4, 0.0, 0.02, 0.35, 0.08),
    "iur_platforms": _Spec("log", _L(15.0), 0.6, 0.6, 0.0, 0.05, 0.4, 0.04),
    "basic_applied_projects": _Spec("log", _L(60.0), 0.7, 0.7, 0.0, 0.06, 0.45, 0.08),
    # Open cooperation
    "joint_rd_projects": _Spec("log", _L(20.0), 0.6, 0.5, 0.0, 0.08, 0.45, 0.1),
    # OEM work falls with innovation: the 贴牌生产 of big, weakly innovative zones
    "oem_revenue_share": _Spec("logit", -1.3, 0.1, -0.6, 0.0, -0.03, 0.5, 0.05),
    "benefit_sharing_agreements": _Spec("log", _L(6.0), 0.5, 0.4, 0.0, 0.1, 0.5, 0.1),
    "foreign_talent_share": _Spec("logit", -3.0, 0.15, 0.45, 0.0, 0.02, 0.4, 0.05),
    "intl_copatents": _Spec("log", _L(25.0), 0.9, 0.8, 0.4, 0.0, 0.5, 0.1),
    "intl_joint_labs": _Spec("log", _L(3.0), 0.6, 0.7, 0.0, 0.04, 0.5, 0.03),
    "overseas_rd_firms": _Spec("log", _L(5.0), 0.8, 0.6, 0.0, 0.05, 0.5, 0.05),
    "intl_standards": _Spec("log", _L(2.0), 0.8, 0.8, 0.0, 0.05, 0.6, 0.08),
    "hightech_export_share": _Spec("logit", -0.2, 0.1, 0.5, 0.0, 0.01, 0.5, 0.05),
    # Scale and efficiency (revenue itself is calibrated separately)
    "value_added": _Spec("of_revenue", -1.3, 0.0, 0.15, 0.0, 0.0, 0.2, 0.03),
    "tax": _Spec("of_revenue", -2.9, 0.0, 0.1, 0.0, 0.0, 0.25, 0.04),
    "exports": _Spec("of_revenue", -1.6, 0.1, 0.1, 0.0, 0.0, 0.7, 0.08),
    "va_share_city_gdp": _Spec("logit", -1.6, 0.5, 0.0, 0.0, 0.02, 0.5, 0.03),
    "labour_productivity": _Spec("log", _L(55.0), 0.05, 0.15, 0.0, 0.04, 0.25, 0.03),
    # Margins can be negative (loss-making years), hence linear rather than log
    "profit_margin": _Spec("linear", 6.5, 0.3, 1.2, 0.0, 0.0, 4.0, 1.5),
    # Green and liveable
    "energy_per_va": _Spec("log", _L(0.35), 0.0, -0.25, 0.0, -0.03, 0.35, 0.04, 4),
    "green_space_share": _Spec("logit", 0.0, 0.0, 0.2, 0.0, 0.02, 0.5, 0.03, 2, 10.0, 55.0),
    # Process (the article says weaken these): weakly or negatively related to innovation
    "policies_issued": _Spec("log", _L(25.0), 0.3, 0.0, 0.0, 0.0, 0.4, 0.15),
    "promotion_events": _Spec("log", _L(30.0), 0.4, -0.1, 0.0, 0.0, 0.5, 0.15),
    "land_developed": _Spec("log", _L(120.0), 0.5, -0.2, 0.0, 0.0, 0.5, 0.25),
}

# Indicators generated by dedicated code below rather than by a _Spec.
_SPECIAL: Final[frozenset[str]] = frozenset(
    {
        "revenue",
        "hte_net_new",
        "leading_chain_share",
        "chain_hhi",
        "leading_chain_lq",
        "chain_completeness",
        "local_supporting_rate",
        "alt_source_coverage",
        "chain_leader_system",
        "chain_leader_elements",
        "cio_established",
        "cio_reports_to_head",
        "cio_policy_instruments",
    }
)


def _fallback_spec(ind: Indicator) -> _Spec:
    """A neutral recipe for an indicator added to the catalog after this generator was written."""
    if ind.kind is ValueKind.RATIO:
        return _Spec("logit", -0.5, 0.05, 0.3)
    if ind.kind is ValueKind.DELTA:
        return _Spec("linear", 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 2.0)
    if ind.kind is ValueKind.FLAG:
        return _Spec("logit", 0.0, 0.0, 1.0, 0.0, 0.0, 2.0, 0.0, 0, 0.0, 1.0)
    return _Spec("log", _L(10.0), 0.5, 0.4)


# --------------------------------------------------------------------------------------------
# Helpers


def _rng(seed: int, stage: int) -> np.random.Generator:
    # One independent stream per stage, so changing one stage never reshuffles the others.
    return np.random.default_rng(np.random.SeedSequence([seed, stage]))


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
# Generation


@dataclass
class _Zones:
    zones: list[DemoZone]
    national: BoolArray
    scale: FloatArray  # latent scale (z-score within level)
    innovation: FloatArray  # latent innovation factor
    province: list[str]
    lead: IntArray  # index of the leading chain in the chain catalog


def _make_zones(seed: int, chain_codes: list[str]) -> _Zones:
    rng = _rng(seed, 1)
    provinces: list[str] = []
    nat: list[bool] = []
    weights: list[float] = []
    idx_in_prov: list[int] = []
    for prov in _PROVINCES:
        for level_national, count in ((True, prov.national), (False, prov.provincial)):
            for i in range(1, count + 1):
                provinces.append(prov.code)
                nat.append(level_national)
                weights.append(prov.weight)
                idx_in_prov.append(i)
    n = len(provinces)
    national = np.array(nat, dtype=np.bool_)
    raw_scale = 0.9 * np.array(weights) + 0.8 * rng.standard_normal(n)
    scale = np.empty(n)
    scale[national] = _zscore(raw_scale[national])
    scale[~national] = _zscore(raw_scale[~national])
    # Innovation correlates with scale (r ≈ 0.45) but far from perfectly: that gap is what makes
    # 产业高原 (big, weakly innovative) and 创新成长 (small, innovative) zones appear.
    innovation = 0.45 * scale + math.sqrt(1 - 0.45**2) * rng.standard_normal(n) - 0.4 * (~national)

    weights_c = np.array([_CHAIN_WEIGHTS.get(c, _DEFAULT_CHAIN_WEIGHT) for c in chain_codes])
    # Quota allocation (largest remainder) rather than independent draws: every chain is then the
    # leading chain of several zones for any seed, so "top 3 among zones sharing a chain" and
    # top-decile LQ within a chain are always meaningful.
    quota = weights_c / weights_c.sum() * n
    counts = np.floor(quota).astype(np.int64)
    remainder_order = np.argsort(-(quota - counts), kind="stable")
    counts[remainder_order[: n - int(counts.sum())]] += 1
    lead = rng.permutation(np.repeat(np.arange(len(chain_codes), dtype=np.int64), counts))

    # Approval years: the big national zones are the old ones (1988 / 1991–1992 batches).
    early = rng.random(n) < _sigmoid(1.2 * scale - 0.3)
    year_nat = np.where(early, rng.choice([1991, 1992], size=n), rng.integers(1997, 2024, size=n))
    year_prov = rng.integers(1995, 2023, size=n)
    years = np.where(national, year_nat, year_prov)
    years[int(np.argmax(np.where(national, raw_scale, -np.inf)))] = 1988
    # Pilot zones of the innovation-specific evaluation: national, leaning innovative.
    pilot = national & (rng.random(n) < _sigmoid(1.2 * innovation - 2.2))

    prov_by_code = {p.code: p for p in _PROVINCES}
    zones: list[DemoZone] = []
    for k in range(n):
        prov = prov_by_code[provinces[k]]
        i = idx_in_prov[k]
        if national[k]:
            code = f"{DEMO_CODE_PREFIX}{prov.code}-N{i:02d}"
            name_zh = f"示例高新区-{province_short_name(prov.code)}{i:02d}"
            name_en = f"Demo Hi-tech Zone {province_short_name(prov.code, 'en')} {i:02d}"
        else:
            code = f"{DEMO_CODE_PREFIX}{prov.code}-P{i:02d}"
            name_zh = f"示例省级高新区-{province_short_name(prov.code)}{i:02d}"
            name_en = f"Demo Provincial Hi-tech Zone {province_short_name(prov.code, 'en')} {i:02d}"
        zones.append(
            DemoZone(
                code=code,
                name_zh=name_zh,
                name_en=name_en,
                province=prov.code,
                city=prov.cities[(i - 1) % len(prov.cities)],
                level="national" if national[k] else "provincial",
                kind="hitech",
                year_approved=int(years[k]),
                pilot=bool(pilot[k]),
                leading_chain=chain_codes[int(lead[k])],
            )
        )
    return _Zones(zones, national, scale, innovation, provinces, lead)


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

    t = np.array(_SIM_YEARS, dtype=np.float64) - _CAL_YEAR
    noise = rng.normal(0.0, 0.03, size=(n, len(_SIM_YEARS)))
    noise[:, _SIM_YEARS.index(_CAL_YEAR)] = 0.0  # the calibration year is exact
    revenue = np.round(rev22[:, None] * np.exp(g_rev[:, None] * t[None, :] + noise), 2)
    return revenue, gazelle, g_innov


def _generic(
    spec: _Spec,
    ind: Indicator,
    revenue: FloatArray,
    innovation: FloatArray,
    g_innov: FloatArray,
    rng: np.random.Generator,
) -> FloatArray:
    n, ny = revenue.shape
    t = np.array(_SIM_YEARS, dtype=np.float64) - _CAL_YEAR
    mean = (
        spec.c0
        + spec.e_rev * np.log(revenue / 1_000.0)
        + spec.b_i * innovation[:, None]
        + (spec.g_innov * g_innov[:, None] + spec.g_const) * t[None, :]
        + spec.sd_z * rng.standard_normal((n, 1))
        + spec.sd_zy * rng.standard_normal((n, ny))
    )
    dither = rng.random((n, 1))
    lo = ind.min_value if spec.lo is None else max(spec.lo, ind.min_value)
    hi = ind.max_value if spec.hi is None else min(spec.hi, ind.max_value)
    if spec.transform == "log":
        raw = np.exp(mean)
    elif spec.transform == "logit":
        raw = lo + (hi - lo) * _sigmoid(mean)
    elif spec.transform == "of_revenue":
        raw = revenue * _sigmoid(mean)
    else:
        raw = mean
    if ind.kind in (ValueKind.COUNT, ValueKind.DELTA, ValueKind.FLAG):
        val = _dither_round(raw, dither)
        return np.asarray(np.clip(val, math.ceil(lo), math.floor(hi)), dtype=np.float64)
    return np.asarray(np.clip(np.round(raw, spec.decimals), lo, hi), dtype=np.float64)


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


class _ChainResult(NamedTuple):
    member: BoolArray  # zones × chains
    chain_rev: FloatArray  # zones × sim years × chains
    segments: IntArray  # zones × sim years × chains
    key_components: IntArray  # zones × chains
    with_alt: IntArray  # zones × sim years × chains
    local_share: FloatArray  # zones × sim years × chains
    derived: dict[str, FloatArray]  # chain-derived indicators, zones × sim years


def _chains(seed: int, zs: _Zones, revenue: FloatArray) -> _ChainResult:
    rng = _rng(seed, 3)
    chains = chain_catalog().chains
    nc = len(chains)
    n, ny = revenue.shape
    t = np.array(_SIM_YEARS, dtype=np.float64) - _CAL_YEAR
    zi = np.arange(n)
    lead = zs.lead

    # Which chains each zone runs: the leading one plus 1–4 others, stable over the years.
    k_chains = rng.choice([2, 3, 4, 5], size=n, p=[0.2, 0.35, 0.3, 0.15])
    member = np.zeros((n, nc), dtype=np.bool_)
    member[zi, lead] = True
    other_w = np.zeros((n, nc))
    for z in range(n):
        others = [c for c in range(nc) if c != lead[z]]
        pick = rng.choice(others, size=min(int(k_chains[z]) - 1, len(others)), replace=False)
        member[z, pick] = True
        other_w[z, pick] = rng.dirichlet(np.full(pick.size, 2.0))

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
    chain_rev = np.floor(revenue[:, :, None] * share * 100.0) / 100.0

    n_seg = np.array([len(c.segments) for c in chains])
    n_kc = np.array([len(c.key_components) for c in chains])
    is_lead = np.zeros((n, nc))
    is_lead[zi, lead] = 1.0
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
    segments = np.minimum(seg0[:, None, :] + np.cumsum(steps, axis=1), n_seg[None, None, :]).astype(np.int64)

    key_components = np.maximum(1, np.round(n_kc[None, :] * rng.uniform(0.4, 1.0, (n, nc)))).astype(np.int64)
    # Alternative (domestic) sources: more in innovative zones, rising over the years as
    # substitution proceeds (never falling).
    alt_frac = _sigmoid(
        -0.2
        + 0.5 * zs.innovation[:, None, None]
        + 0.25 * t[None, :, None]
        + rng.normal(0, 0.6, (n, 1, nc))
        + rng.normal(0, 0.1, (n, ny, nc))
    )
    alt_raw = np.floor(key_components[:, None, :] * alt_frac + 0.5)
    with_alt = np.minimum(np.maximum.accumulate(alt_raw, axis=1), key_components[:, None, :]).astype(np.int64)
    local_share = np.round(
        8.0
        + 72.0
        * _sigmoid(
            -0.3
            + 0.3 * zs.scale[:, None, None]
            + rng.normal(0, 0.5, (n, 1, nc))
            + 0.05 * t[None, :, None]
            + rng.normal(0, 0.05, (n, ny, nc))
        ),
        2,
    )
    chain_rev = np.where(member[:, None, :], chain_rev, 0.0)

    lead_rev = chain_rev[zi, :, lead]
    total_chain = chain_rev.sum(axis=2)
    hhi = ((chain_rev / total_chain[:, :, None]) ** 2).sum(axis=2)
    # LQ = (e_ij/e_j)/(e_i/e): e_ij leading-chain revenue of zone j, e_j its revenue, e_i the
    # chain's revenue over all demo zones of the year, e all zones' revenue that year.
    e_i = chain_rev.sum(axis=0)  # sim years × chains
    e = revenue.sum(axis=0)  # sim years
    lq = (lead_rev / revenue) / (e_i[:, lead].T / e[None, :])
    derived = {
        "leading_chain_share": np.round(lead_rev / revenue * 100.0, 2),
        "chain_hhi": np.round(hhi, 4),
        "leading_chain_lq": np.round(lq, 4),
        "chain_completeness": np.round(segments[zi, :, lead] / n_seg[lead][:, None] * 100.0, 2),
        "local_supporting_rate": local_share[zi, :, lead],
        "alt_source_coverage": np.round(with_alt[zi, :, lead] / key_components[zi, lead][:, None] * 100.0, 2),
    }
    return _ChainResult(member, chain_rev, segments, key_components, with_alt, local_share, derived)


def _enforce_growth(values: FloatArray, rows: BoolArray, integral: bool, decimals: int) -> None:
    """Make each published year ≥ 20% above the previous one for the gazelle rows (in place).

    The latent growth is already 30–40% a year; this only guards against noise and rounding so
    the 瞪羚 badge reliably triggers (a small margin keeps float rounding on the safe side).
    """
    first = _SIM_YEARS.index(DEMO_YEARS[0])
    scale = 10.0**decimals
    for y in range(first + 1, len(_SIM_YEARS)):
        target = values[rows, y - 1] * _GAZELLE_GROWTH * 1.001
        floor_val = np.ceil(target) if integral else np.ceil(target * scale) / scale
        values[rows, y] = np.maximum(values[rows, y], floor_val)


def generate_demo(seed: int = DEMO_SEED) -> DemoDataset:
    """Generate the deterministic synthetic demo dataset (same seed → byte-identical output).

    Returns about 180 national and 120 provincial fictional zones, every catalog indicator for
    every zone and year of :data:`DEMO_YEARS` except about 3% omitted cells (never ``revenue``),
    and 2–5 industry-chain breakdowns per zone-year consistent with the chain-derived indicators.
    """
    cat = indicator_catalog()
    indicators = cat.indicators
    chains = chain_catalog().chains
    chain_codes = [c.code for c in chains]

    zs = _make_zones(seed, chain_codes)
    revenue, gazelle, g_innov = _revenue(seed, zs)
    n, ny = revenue.shape
    chain_res = _chains(seed, zs, revenue)

    rng = _rng(seed, 4)
    values: dict[str, FloatArray] = {"revenue": revenue}
    for ind in indicators:
        if ind.code in _SPECIAL:
            continue
        spec = _SPECS.get(ind.code) or _fallback_spec(ind)
        values[ind.code] = _generic(spec, ind, revenue, zs.innovation, g_innov, rng)
    values.update(chain_res.derived)

    by_code = cat.by_code()
    for code in _GAZELLE_CODES:
        if code in values:
            _enforce_growth(
                values[code], gazelle, by_code[code].kind is ValueKind.COUNT, _SPECS[code].decimals
            )
            values[code] = np.minimum(values[code], by_code[code].max_value)
    if "hte_count" in values:
        hte = values["hte_count"]
        net = np.zeros_like(hte)
        net[:, 1:] = np.diff(hte, axis=1)
        values["hte_net_new"] = net

    # Flags and the policy-system counts: adopted once, kept afterwards. Zhejiang started the
    # 链长制 in 2019, so its zones adopt it more and earlier.
    frng = _rng(seed, 5)
    zhejiang = np.array([p == "33" for p in zs.province])
    pilot = np.array([z.pilot for z in zs.zones])
    chain_sys = _adoption(
        frng, 0.3 * zs.scale + 0.3 * zs.innovation + 1.5 * zhejiang - 0.2, _SIM_YEARS, [3, 2, 2, 2, 1.5, 1]
    )
    since = np.cumsum(chain_sys, axis=1)
    elements = np.where(
        chain_sys > 0,
        np.minimum(9, 2 + np.floor(since * 1.2 + frng.uniform(0, 2, size=(n, 1)))),
        np.floor(frng.uniform(0, 3, size=n))[:, None] * np.ones(ny),
    )
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
    values.update(
        {
            "chain_leader_system": chain_sys,
            "chain_leader_elements": elements,
            "cio_established": cio,
            "cio_reports_to_head": reports,
            "cio_policy_instruments": instruments,
        }
    )

    # Keep every value inside its catalog range (the recipes aim well inside; this is a guard).
    codes = [ind.code for ind in indicators]
    first = _SIM_YEARS.index(DEMO_YEARS[0])
    stack = np.stack(
        [np.clip(values[ind.code], ind.min_value, ind.max_value)[:, first:] for ind in indicators], axis=2
    )  # zones × years × indicators

    # About 3% of cells missing at random; revenue always kept (it anchors every scale measure),
    # and the gazelle zones keep their badge indicators so the badge can be shown.
    mrng = _rng(seed, 6)
    missing = mrng.random(stack.shape) < _MISSING_RATE
    missing[:, :, codes.index("revenue")] = False
    for code in _GAZELLE_CODES:
        if code in codes:
            missing[gazelle, :, codes.index(code)] = False

    zone_codes = [z.code for z in zs.zones]
    stack_list = stack.tolist()
    keep_list = (~missing).tolist()
    observations: list[DemoObservation] = []
    for zi, zcode in enumerate(zone_codes):
        for yi, year in enumerate(DEMO_YEARS):
            row = stack_list[zi][yi]
            keep = keep_list[zi][yi]
            observations.extend(
                DemoObservation(zcode, code, year, float(row[k])) for k, code in enumerate(codes) if keep[k]
            )

    breakdowns: list[DemoChainBreakdown] = []
    member = chain_res.member
    for zi, zcode in enumerate(zone_codes):
        lead = int(zs.lead[zi])
        order = [lead] + [c for c in range(len(chains)) if c != lead and member[zi, c]]
        for yi, year in enumerate(DEMO_YEARS):
            sy = yi + first
            for c in order:
                breakdowns.append(
                    DemoChainBreakdown(
                        zone_code=zcode,
                        year=year,
                        chain_code=chain_codes[c],
                        revenue=float(chain_res.chain_rev[zi, sy, c]),
                        segments_covered=int(chain_res.segments[zi, sy, c]),
                        key_components=int(chain_res.key_components[zi, c]),
                        key_components_with_alt=int(chain_res.with_alt[zi, sy, c]),
                        local_procurement_share=float(chain_res.local_share[zi, sy, c]),
                    )
                )
    return DemoDataset(tuple(zs.zones), tuple(observations), tuple(breakdowns))
