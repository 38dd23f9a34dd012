"""Tests of the synthetic demo-data generator (app.services.demo_data)."""

from __future__ import annotations

import hashlib
import math
import re
import statistics
from collections import Counter, defaultdict

import numpy as np
import pytest

from app.services.demo_data import (
    DEMO_CODE_PREFIX,
    DEMO_SEED,
    DEMO_SOURCE,
    DEMO_YEARS,
    DemoDataset,
    generate_demo,
)
from scoring_models.catalog import ValueKind, chain_catalog, indicator_catalog

GB2260 = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
}  # fmt: skip

Key = tuple[str, str, int]


@pytest.fixture(scope="module")
def ds() -> DemoDataset:
    return generate_demo()


@pytest.fixture(scope="module")
def values(ds: DemoDataset) -> dict[Key, float]:
    return {(o.zone_code, o.indicator_code, o.year): o.value for o in ds.observations}


def _digest(ds: DemoDataset) -> str:
    h = hashlib.sha256()
    for z in ds.zones:
        h.update(repr(z).encode())
    for o in ds.observations:
        h.update(f"{o.zone_code}|{o.indicator_code}|{o.year}|{o.value!r}\n".encode())
    for b in ds.chain_breakdowns:
        h.update(repr(b).encode())
    return h.hexdigest()


# ------------------------------------------------------------------ determinism and performance


def test_deterministic_and_byte_identical(ds: DemoDataset) -> None:
    again = generate_demo(DEMO_SEED)
    assert again == ds
    assert _digest(again) == _digest(ds)


def test_seed_matters(ds: DemoDataset) -> None:
    other = generate_demo(DEMO_SEED + 1)
    assert _digest(other) != _digest(ds)
    # same skeleton (codes), different numbers
    assert [z.code for z in other.zones] == [z.code for z in ds.zones]


def test_source_constant() -> None:
    assert DEMO_SOURCE == "synthetic"
    assert DEMO_YEARS == (2020, 2021, 2022, 2023, 2024)


# ------------------------------------------------------------------ zones


def test_zone_counts_and_provinces(ds: DemoDataset) -> None:
    levels = Counter(z.level for z in ds.zones)
    assert abs(levels["national"] - 180) <= 5
    assert abs(levels["provincial"] - 120) <= 5
    assert set(levels) == {"national", "provincial"}
    assert {z.province for z in ds.zones} == GB2260
    per_prov = Counter(z.province for z in ds.zones if z.level == "national")
    big = min(per_prov[p] for p in ("32", "44", "37", "33"))
    small = max(per_prov[p] for p in ("54", "63", "64", "46"))
    assert big > 3 * small


def test_zone_codes_are_unique_and_fictional(ds: DemoDataset) -> None:
    codes = [z.code for z in ds.zones]
    assert len(set(codes)) == len(codes)
    pattern = re.compile(r"^DEMO-(\d{2})-([NP])(\d{2})$")
    for z in ds.zones:
        assert z.code.startswith(DEMO_CODE_PREFIX)
        m = pattern.match(z.code)
        assert m is not None, z.code
        assert m.group(1) == z.province
        assert m.group(2) == ("N" if z.level == "national" else "P")
        assert z.name_zh.startswith("示例") and m.group(3) in z.name_zh
        assert z.name_en.startswith("Demo ") and z.name_en.endswith(m.group(3))
        assert z.kind == "hitech"
        assert z.city
        assert 1985 <= z.year_approved <= 2024
    assert len({z.name_zh for z in ds.zones}) == len(codes)
    assert len({z.name_en for z in ds.zones}) == len(codes)


def test_leading_chains_are_catalogued_and_shared(ds: DemoDataset) -> None:
    known = {c.code for c in chain_catalog().chains}
    counts = Counter(z.leading_chain for z in ds.zones)
    assert set(counts) <= known
    assert len(counts) >= 8
    assert min(counts.values()) >= 3


# ------------------------------------------------------------------ observations


def test_every_indicator_present_except_about_three_percent(ds: DemoDataset) -> None:
    cat = indicator_catalog().by_code()
    zone_codes = {z.code for z in ds.zones}
    keys = [(o.zone_code, o.indicator_code, o.year) for o in ds.observations]
    assert len(set(keys)) == len(keys)
    assert all(k[0] in zone_codes and k[1] in cat and k[2] in DEMO_YEARS for k in keys)
    full = len(ds.zones) * len(cat) * len(DEMO_YEARS)
    missing = 1 - len(keys) / full
    assert 0.02 <= missing <= 0.04
    per_indicator = Counter(k[1] for k in keys)
    assert set(per_indicator) == set(cat)  # every indicator occurs
    assert per_indicator["revenue"] == len(ds.zones) * len(DEMO_YEARS)  # revenue never omitted


def test_values_within_catalog_range_and_kind(ds: DemoDataset) -> None:
    cat = indicator_catalog().by_code()
    for o in ds.observations:
        ind = cat[o.indicator_code]
        assert math.isfinite(o.value)
        assert ind.min_value <= o.value <= ind.max_value, o
        if ind.kind in (ValueKind.COUNT, ValueKind.DELTA):
            assert o.value == int(o.value), o
        if ind.kind is ValueKind.COUNT:
            assert o.value >= 0
        if ind.kind is ValueKind.FLAG:
            assert o.value in (0.0, 1.0), o
        # rounded sensibly: at most four decimals
        assert abs(o.value * 10_000 - round(o.value * 10_000)) < 1e-6 * max(1.0, abs(o.value)), o
    elements = [o.value for o in ds.observations if o.indicator_code == "chain_leader_elements"]
    assert min(elements) >= 0 and max(elements) <= 9
    margins = [o.value for o in ds.observations if o.indicator_code == "profit_margin"]
    assert min(margins) < 0 < max(margins)


def test_hte_net_new_matches_change_in_hte_count(ds: DemoDataset, values: dict[Key, float]) -> None:
    checked = 0
    for z in ds.zones:
        for y in DEMO_YEARS[1:]:
            net = values.get((z.code, "hte_net_new", y))
            now = values.get((z.code, "hte_count", y))
            before = values.get((z.code, "hte_count", y - 1))
            if net is None or now is None or before is None:
                continue
            assert net == now - before, (z.code, y)
            checked += 1
    assert checked > 0.8 * len(ds.zones) * (len(DEMO_YEARS) - 1)
    nets = [o.value for o in ds.observations if o.indicator_code == "hte_net_new"]
    assert min(nets) < 0  # some zones lose high-tech enterprises


def test_cio_flags_are_coherent(ds: DemoDataset, values: dict[Key, float]) -> None:
    for z in ds.zones:
        for y in DEMO_YEARS:
            est = values.get((z.code, "cio_established", y))
            rep = values.get((z.code, "cio_reports_to_head", y))
            if est == 0.0 and rep is not None:
                assert rep == 0.0  # nobody reports to the head when there is no CIO


# ------------------------------------------------------------------ calibration (domain.md section 1)


def test_revenue_calibration_2022(ds: DemoDataset, values: dict[Key, float]) -> None:
    nat = [values[(z.code, "revenue", 2022)] for z in ds.zones if z.level == "national"]
    prov = [values[(z.code, "revenue", 2022)] for z in ds.zones if z.level == "provincial"]
    allrev = nat + prov
    assert sum(r >= 10_000 for r in allrev) >= 4
    assert sum(r >= 10_000 for r in allrev) <= 10
    assert 55 <= sum(r < 1_000 for r in nat) <= 85
    assert 75_000 <= max(allrev) <= 95_000
    assert statistics.median(prov) < statistics.median(nat)
    # heavy tail: the mean is well above the median
    assert statistics.fmean(nat) > 2 * statistics.median(nat)


# Published national figures of 2022 (docs/domain.md sections 1 and 7), to be met within ±20%.
NATIONAL_2022 = {
    "value_added": 170_000.0,  # 亿元: ≈ ¥17 tn
    "hte_count": 400_000 / 3,  # a third of the ≈ 400k high-tech enterprises nationwide
    "employment": 24.5e6,  # ≈ 24–25 M people
}
FACILITIES_NATIONWIDE = 77  # large national science facilities in the whole country


def _within(value: float, reference: float, tolerance: float = 0.20) -> bool:
    return abs(value / reference - 1) <= tolerance


def _national_total(values: dict[Key, float], zones: list[str], code: str, year: int = 2022) -> float:
    """Σ of ``code`` over ``zones``, the ~3% missing cells filled by the ratio estimator on revenue (never
    missing): a missing trillion-yuan zone must not halve a heavy-tailed total."""
    reporting = [z for z in zones if (z, code, year) in values]
    revenue = sum(values[(z, "revenue", year)] for z in zones)
    covered = sum(values[(z, "revenue", year)] for z in reporting)
    return sum(values[(z, code, year)] for z in reporting) * revenue / covered


def test_national_totals_match_the_published_figures_2022(ds: DemoDataset, values: dict[Key, float]) -> None:
    nat = [z.code for z in ds.zones if z.level == "national"]
    with_employment = dict(values)
    for z in nat:  # employment is value added (亿元 = 10^4 万元) / labour productivity (万元 per person)
        if (z, "value_added", 2022) in values and (z, "labour_productivity", 2022) in values:
            with_employment[(z, "employment", 2022)] = (
                values[(z, "value_added", 2022)] * 1e4 / values[(z, "labour_productivity", 2022)])
    for code, reference in NATIONAL_2022.items():
        total = _national_total(with_employment, nat, code)
        assert _within(total, reference), (code, total, reference)
    every_zone = [z.code for z in ds.zones]
    facilities = _national_total(values, every_zone, "major_facilities")
    assert _within(facilities, FACILITIES_NATIONWIDE), facilities
    assert max(values.get((z, "major_facilities", 2022), 0.0) for z in every_zone) <= 15  # never dozens in one
    revenue = sum(values[(z, "revenue", 2022)] for z in nat)
    assert 480_000 <= revenue <= 550_000  # ≈ ¥48–55 tn
    rd = [values[(z, "rd_intensity", 2022)] for z in nat if (z, "rd_intensity", 2022) in values]
    assert 2.0 <= statistics.median(rd) <= 4.5
    productivity = [values[(z, "labour_productivity", 2022)] for z in nat if (z, "labour_productivity", 2022) in values]
    assert 40 <= statistics.median(productivity) <= 90  # 万元 of value added per employee


def test_latent_factors_correlate_but_not_perfectly(ds: DemoDataset, values: dict[Key, float]) -> None:
    rows = [
        (values[(z.code, "revenue", 2022)], values[(z.code, "invention_patents_per_10k", 2022)])
        for z in ds.zones
        if (z.code, "invention_patents_per_10k", 2022) in values
    ]
    rev = np.log([r for r, _ in rows])
    pat = np.log([max(p, 0.01) for _, p in rows])
    r = float(np.corrcoef(rev, pat)[0, 1])
    assert 0.1 < r < 0.85
    rev_med, pat_med = np.median(rev), np.median(pat)
    plateau = int(np.sum((rev > rev_med) & (pat < pat_med)))  # 产业高原: big, weakly innovative
    growth = int(np.sum((rev < rev_med) & (pat > pat_med)))  # 创新成长: small, innovative
    assert plateau >= 20 and growth >= 20
    # size-driven counts grow with revenue
    hte = np.log1p([values.get((z.code, "hte_count", 2022), np.nan) for z in ds.zones])
    lrev = np.log([values[(z.code, "revenue", 2022)] for z in ds.zones])
    ok = ~np.isnan(hte)
    assert float(np.corrcoef(lrev[ok], hte[ok])[0, 1]) > 0.7


def test_gazelle_growth_present(ds: DemoDataset, values: dict[Key, float]) -> None:
    gazelles = 0
    for z in ds.zones:
        ok = True
        for code in ("hte_count", "tech_contract_per_capita", "invention_patents_per_10k"):
            for y in (2021, 2022, 2023, 2024):
                prev, cur = values.get((z.code, code, y - 1)), values.get((z.code, code, y))
                if prev is None or cur is None or prev <= 0 or cur < 1.2 * prev:
                    ok = False
        gazelles += ok
    assert 10 <= gazelles <= 25


# ------------------------------------------------------------------ chain breakdowns


def test_chain_breakdowns_are_consistent(ds: DemoDataset, values: dict[Key, float]) -> None:
    chains = chain_catalog().by_code()
    lead_of = {z.code: z.leading_chain for z in ds.zones}
    groups: dict[tuple[str, int], list] = defaultdict(list)  # type: ignore[type-arg]
    for b in ds.chain_breakdowns:
        groups[(b.zone_code, b.year)].append(b)
        chain = chains[b.chain_code]
        assert b.revenue > 0
        assert 1 <= b.segments_covered <= len(chain.segments)
        assert 1 <= b.key_components <= len(chain.key_components)
        assert 0 <= b.key_components_with_alt <= b.key_components
        assert 0 <= b.local_procurement_share <= 100
    assert set(groups) == {(z.code, y) for z in ds.zones for y in DEMO_YEARS}
    concentrated = 0
    for (zone, year), rows in groups.items():
        assert 2 <= len(rows) <= 5
        assert len({r.chain_code for r in rows}) == len(rows)
        lead = [r for r in rows if r.chain_code == lead_of[zone]]
        assert len(lead) == 1
        revenue = values[(zone, "revenue", year)]
        assert sum(r.revenue for r in rows) <= revenue + 1e-9
        share = lead[0].revenue / revenue * 100
        assert 20 <= share <= 70
        concentrated += share >= 50 and year == 2022
        assert lead[0].revenue >= max(r.revenue for r in rows) - 1e-9
    assert 3 <= concentrated <= 60


def test_key_products_agree_with_the_counts_and_the_chokepoint_indicators(
    ds: DemoDataset, values: dict[Key, float]
) -> None:
    chains = chain_catalog().by_code()
    lead_of = {z.code: z.leading_chain for z in ds.zones}
    quadrants: Counter[str] = Counter()
    compared = 0
    for b in ds.chain_breakdowns:
        names = [p.product for p in b.key_products]
        assert len(names) == b.key_components and len(set(names)) == len(names)
        assert set(names) <= set(chains[b.chain_code].key_components)
        assert sum(p.alternative_source for p in b.key_products) == b.key_components_with_alt
        assert all(0 <= p.localisation_rate <= 100 and p.threshold in ("high", "low") for p in b.key_products)
        choke = [p for p in b.key_products if p.threshold == "high" and p.localisation_rate < 50]
        quadrants.update("chokepoint" if p in choke else p.threshold for p in b.key_products)
        if b.chain_code != lead_of[b.zone_code] or (b.zone_code, "chokepoint_share", b.year) not in values:
            continue
        assert values[(b.zone_code, "chokepoint_share", b.year)] == pytest.approx(
            100 * len(choke) / len(names), abs=0.006)
        coverage = 100 * sum(p.alternative_source for p in choke) / len(choke) if choke else 100.0
        assert values.get((b.zone_code, "chokepoint_alt_coverage", b.year), coverage) == pytest.approx(
            coverage, abs=0.006)
        compared += 1
    assert compared > 0.9 * len(ds.zones) * len(DEMO_YEARS)
    assert 0.2 < quadrants["chokepoint"] / sum(quadrants.values()) < 0.6  # chokepoints are common, not universal


def test_chain_derived_indicators_match_breakdowns(ds: DemoDataset, values: dict[Key, float]) -> None:
    chains = chain_catalog().by_code()
    lead_of = {z.code: z.leading_chain for z in ds.zones}
    groups: dict[tuple[str, int], list] = defaultdict(list)  # type: ignore[type-arg]
    chain_total: dict[tuple[str, int], float] = defaultdict(float)
    for b in ds.chain_breakdowns:
        groups[(b.zone_code, b.year)].append(b)
        chain_total[(b.chain_code, b.year)] += b.revenue
    rev_total = defaultdict(float)
    for z in ds.zones:
        for y in DEMO_YEARS:
            rev_total[y] += values[(z.code, "revenue", y)]
    compared = 0
    for (zone, year), rows in groups.items():
        lead = next(r for r in rows if r.chain_code == lead_of[zone])
        revenue = values[(zone, "revenue", year)]
        total = sum(r.revenue for r in rows)
        chain = chains[lead.chain_code]
        expected = {
            "leading_chain_share": (lead.revenue / revenue * 100, 0.006),
            "chain_hhi": (sum((r.revenue / total) ** 2 for r in rows), 6e-5),
            "chain_completeness": (lead.segments_covered / len(chain.segments) * 100, 0.006),
            "alt_source_coverage": (lead.key_components_with_alt / lead.key_components * 100, 0.006),
            "local_supporting_rate": (lead.local_procurement_share, 1e-9),
            "leading_chain_lq": (
                (lead.revenue / revenue) / (chain_total[(lead.chain_code, year)] / rev_total[year]),
                6e-5,
            ),
        }
        for code, (want, tol) in expected.items():
            got = values.get((zone, code, year))
            if got is None:
                continue
            assert abs(got - want) <= tol, (zone, year, code, got, want)
            compared += 1
    assert compared > 0.9 * len(groups) * 6


@pytest.mark.parametrize("seed", [1, 7, 2024])
def test_calibration_and_chain_invariants_hold_for_other_seeds(seed: int) -> None:
    other = generate_demo(seed)
    vals = {(o.zone_code, o.indicator_code, o.year): o.value for o in other.observations}
    test_revenue_calibration_2022(other, vals)
    test_national_totals_match_the_published_figures_2022(other, vals)
    test_gazelle_growth_present(other, vals)
    test_chain_breakdowns_are_consistent(other, vals)
    test_leading_chains_are_catalogued_and_shared(other)
