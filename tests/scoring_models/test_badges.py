"""Cultivation badges on small hand-built fixtures with known answers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from scoring_models.base import EvaluationOptions, IndicatorMatrix, ZoneMeta
from scoring_models.pipeline import build_model
from scoring_models.spec import ModelSpec
from scoring_models.steps import badges

NAN = np.nan


def test_gazelle_needs_every_indicator_growing_twenty_percent_three_years_running() -> None:
    series = np.array([
        [[100, 125, 157, 197]],        # +25%, +25.6%, +25.5% → gazelle
        [[100, 125, 148, 185]],        # +18.4% in the middle year → not
        [[NAN, 125, 157, 197]],        # base year missing → not
        [[0, 125, 157, 197]],          # non-positive base → not
        [[100, 120, 144, 172.8]],      # exactly 20% each year → gazelle
    ], dtype=float)
    assert badges.gazelle(series, growth=0.20, years=3).tolist() == [True, False, False, False, True]
    two = np.stack([series[:, 0, :], series[::-1, 0, :]], axis=1)  # zone 0 pairs with zone 4's series
    assert badges.gazelle(two, growth=0.20, years=3).tolist() == [True, False, False, False, True]
    assert badges.gazelle(series[:, :, 1:], growth=0.20, years=3).tolist() == [False] * 5  # 3 years of data
    assert badges.gazelle(np.zeros((3, 0, 4)), growth=0.2, years=3).tolist() == [False] * 3


def test_rank_within_groups_ties_and_missing() -> None:
    values = np.array([5.0, 9.0, 9.0, 1.0, NAN, 7.0, 3.0])
    groups = np.array([0, 0, 0, 0, 0, 1, -1])
    ranks, sizes = badges.rank_within_groups(values, groups)
    assert ranks.tolist() == [3, 1, 1, 4, 0, 1, 0]
    assert sizes.tolist() == [4, 4, 4, 4, 0, 1, 0]


def test_hidden_champion_rule() -> None:
    # ten zones share chain 0 (top decile = the single highest LQ), two share chain 1 (top = 1)
    lq = np.array([9.0, 8, 7, 6, 5, 4, 3, 2, 1, 0.5, 3.0, 2.0])
    share = np.array([60.0, 70, 70, 70, 70, 70, 70, 70, 70, 70, 49.0, 80])
    revenue = np.array([100.0, 50, 50, 50, 50, 50, 50, 50, 50, 50, 10, 10])
    chain = np.array([0] * 10 + [1, 1])
    national = np.ones(12, dtype=bool)
    got = badges.hidden_champion(lq, share, revenue, chain, national, quantile=0.9, min_share=50.0)
    # national median revenue is 50: zone 0 (top LQ, share 60) is not below it → no badge;
    # zone 10 tops chain 1 but its share is 49% → no badge
    assert got.tolist() == [False] * 12
    revenue[0] = 40.0
    got = badges.hidden_champion(lq, share, revenue, chain, national, quantile=0.9, min_share=50.0)
    assert np.flatnonzero(got).tolist() == [0]
    share[10] = 55.0
    got = badges.hidden_champion(lq, share, revenue, chain, national, quantile=0.9, min_share=50.0)
    assert np.flatnonzero(got).tolist() == [0, 10]


def test_single_champion_is_top_three_by_chain_revenue_per_chain() -> None:
    chain_revenue = np.array([10.0, 50, 30, 20, 40, 5, 1, NAN])
    chain = np.array([0, 0, 0, 0, 0, 1, 1, 1])
    got = badges.single_champion(chain_revenue, chain, top_n=3)
    assert np.flatnonzero(got).tolist() == [1, 2, 4, 5, 6]


def _spec() -> ModelSpec:
    return ModelSpec.model_validate({
        "key": "badge-test", "version": "1.0.0", "title_zh": "徽章测试", "title_en": "Badge test",
        "description": "hand-built fixture",
        "pillars": [{"code": "p", "name_zh": "创新", "name_en": "Innovation", "weight": 1}],
        "indicators": [{"code": "rd_intensity", "pillar": "p"}, {"code": "hte_count", "pillar": "p"}],
        "peer_groups": {"method": "none"},
        "uncertainty": {"enabled": False},
        "badges": {"enabled": True},
    })


def _four_zones() -> IndicatorMatrix:
    years = [2021, 2022, 2023, 2024]
    rows: list[tuple[str, str, int, Any]] = []
    growth = {"A": 1.25, "B": 1.10, "C": 1.30, "D": 1.0}
    for zone, g in growth.items():
        for n, year in enumerate(years):
            for code in ("hte_count", "tech_contract_per_capita", "invention_patents_per_10k"):
                rows.append((zone, code, year, round(100 * g**n, 6)))
            rows.append((zone, "rd_intensity", year, 3.0 + n))
            rows.append((zone, "revenue", year, {"A": 100, "B": 900, "C": 300, "D": 50}[zone]))
            rows.append((zone, "leading_chain_share", year, 60.0))
            rows.append((zone, "leading_chain_lq", year, {"A": 5.0, "B": 1.0, "C": 2.0, "D": 0.5}[zone]))
    rows = [r for r in rows if not (r[0] == "C" and r[2] == 2021 and r[1] == "hte_count")]
    meta = {z: ZoneMeta(level="national", leading_chain="integrated_circuits") for z in growth}
    return IndicatorMatrix.from_rows(rows, zone_meta=meta)


def test_pipeline_attaches_badges_from_history() -> None:
    matrix = _four_zones()
    result = build_model(_spec()).evaluate(matrix, options=EvaluationOptions(seed=1, uncertainty_runs=0))
    got = {z.code: z.badges for z in result.zones}
    # A grows 25%/yr on all three (gazelle); C misses its 2021 base for hte_count (no gazelle).
    # Chain revenue = revenue × share: B (540), C (180), A (60) are the top three → single champions.
    # Hidden champion: top LQ in the chain is A (1 zone of 4), share 60% ≥ 50%, revenue 100 < median 200.
    assert got == {
        "A": ["gazelle", "hidden_champion", "single_champion"],
        "B": ["single_champion"],
        "C": ["single_champion"],
        "D": [],
    }


def test_badges_need_enough_history() -> None:
    rows = [(z, "revenue", 2024, 10.0) for z in "AB"] + [(z, "rd_intensity", 2024, 1.0) for z in "AB"]
    rows += [(z, "hte_count", 2024, 5.0) for z in "AB"]
    matrix = IndicatorMatrix.from_rows(rows, zone_meta={z: ZoneMeta(leading_chain="biomedicine") for z in "AB"})
    result = build_model(_spec()).evaluate(matrix, options=EvaluationOptions(uncertainty_runs=0))
    assert all(z.badges == [] for z in result.zones)


@pytest.mark.parametrize("field", ["gazelle_indicators"])
def test_badge_spec_rejects_unknown_indicators(field: str) -> None:
    bad = _spec().model_dump()
    bad["badges"][field] = ["nope"]
    with pytest.raises(ValueError, match="unknown indicator"):
        ModelSpec.model_validate(bad)


def test_badges_are_computed_on_the_national_population_whatever_the_filter() -> None:
    # Regression: badges were ranked among the filtered zones only — evaluating C and D alone made
    # D a single champion (top 3 of a chain of two), where among all four zones it is fourth.
    from dataclasses import replace

    national = _four_zones()
    model = build_model(_spec())
    options = EvaluationOptions(uncertainty_runs=0)
    everyone = {z.code: z.badges for z in model.evaluate(national, options=options).zones}
    alone = national.select(zones=["C", "D"])
    assert alone.population is alone  # without a reference the matrix is its own
    assert {z.code: z.badges for z in model.evaluate(alone, options=options).zones}["D"] == ["single_champion"]
    filtered = replace(alone, reference=national)
    assert filtered.population is national and filtered.select(zones=["D"]).population is national
    got = {z.code: z.badges for z in model.evaluate(filtered, options=options).zones}
    assert got == {"C": everyone["C"], "D": everyone["D"]} == {"C": ["single_champion"], "D": []}


def test_a_reference_population_must_hold_the_zones_and_years() -> None:
    from dataclasses import replace

    national = _four_zones()
    part = national.select(zones=["A", "B"])
    with pytest.raises(ValueError, match="lacks zones of the matrix: A, B"):
        replace(part, reference=national.select(zones=["C", "D"]))
    with pytest.raises(ValueError, match="years"):
        replace(part, reference=replace(national, evaluation_year=2023))
    with pytest.raises(ValueError, match="no reference of its own"):
        replace(part, reference=replace(national, reference=national))
