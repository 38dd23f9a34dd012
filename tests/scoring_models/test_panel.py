"""Panels: a hand-computed three-zone, three-year example reproduced exactly, the pooled scale against
numpy from the published formula, the window's data check, trajectories and transitions."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from scipy import stats

from scoring_models.base import EvaluationOptions, IndicatorMatrix
from scoring_models.panel import (
    PanelDataError,
    PanelResult,
    PanelWindow,
    classify_trend,
    evaluate_panel,
    named_moves,
    theil_sen,
    transition_matrix,
    zone_moves,
)
from scoring_models.pipeline import build_model
from scoring_models.spec import ModelSpec
from tests.scoring_models.conftest import MINI_SPEC

NAN = float("nan")
YEARS = (2020, 2021, 2022)
# zone → indicator → values in 2020, 2021, 2022 (C's 2022 R&D intensity is missing)
HAND: dict[str, dict[str, tuple[float, float, float]]] = {
    "A": {"rd_intensity": (1.4, 2.0, 3.0), "energy_per_va": (0.5, 0.4, 0.3), "revenue": (200, 250, 300)},
    "B": {"rd_intensity": (2.0, 3.0, 5.0), "energy_per_va": (0.3, 0.3, 0.2), "revenue": (100, 100, 100)},
    "C": {"rd_intensity": (1.0, 1.4, NAN), "energy_per_va": (0.4, 0.5, 0.6), "revenue": (500, 400, 300)},
}


def _matrix(data: dict[str, dict[str, tuple[float, ...]]], years: tuple[int, ...] = YEARS) -> IndicatorMatrix:
    return IndicatorMatrix.from_rows(
        [(z, code, year, None if np.isnan(v) else v)
         for z, by_code in data.items() for code, values in by_code.items()
         for year, v in zip(years, values, strict=True)],
        years=years,
    )


def _spec(**changes: Any) -> ModelSpec:
    spec = copy.deepcopy(MINI_SPEC)
    spec.update({"imputation": {"method": "last_observed"}, "uncertainty": {"enabled": False}, **changes})
    return ModelSpec.model_validate(spec)


def _hand() -> PanelResult:
    return evaluate_panel(_spec(), _matrix(HAND), PanelWindow(2020, 2022, 2020))


def _by(result: PanelResult) -> dict[tuple[str, int], Any]:
    return {(zy.code, zy.year): zy for zy in result.zone_years}


def test_hand_computed_three_zones_three_years() -> None:
    # Pooled min-max over all 9 zone-years: R&D 1..5 (C's 2022 imputed from 2021: 1.4), energy (lower is
    # better) 0.2..0.6, revenue 100..500. Weights: innovation 3/4 split over R&D and energy, scale 1/4.
    result = _hand()
    zy = _by(result)
    composite = {("A", 2020): 19.375, ("A", 2021): 37.5, ("A", 2022): 59.375,
                 ("B", 2020): 37.5, ("B", 2021): 46.875, ("B", 2022): 75.0,
                 ("C", 2020): 43.75, ("C", 2021): 31.875, ("C", 2022): 16.25}
    assert {k: v.composite for k, v in zy.items()} == pytest.approx(composite, abs=1e-12)
    reference = (19.375 + 37.5 + 43.75) / 3  # the base year's mean (one peer group, "all")
    assert result.reference.base_year == 2020 and result.reference.population == "peer_group"
    assert [(g.code, g.size) for g in result.reference.groups] == [("all", 3)]
    assert result.reference.groups[0].mean_composite == pytest.approx(reference, abs=1e-12)
    assert {k: v.rpi for k, v in zy.items()} == pytest.approx({k: 100 * c / reference for k, c in composite.items()})
    tiers = {k: (v.tier, v.subgroup) for k, v in zy.items()}
    # RPI 57.8, 111.8, 177.0 | 111.8, 139.8, 223.6 | 130.4, 95.0, 48.4; subgroups are thirds of each band
    assert tiers == {("A", 2020): ("emerging", "+"), ("A", 2021): ("strong", ""), ("A", 2022): ("peak", "+"),
                     ("B", 2020): ("strong", ""), ("B", 2021): ("peak", ""), ("B", 2022): ("peak", "+"),
                     ("C", 2020): ("peak", "-"), ("C", 2021): ("moderate", "+"), ("C", 2022): ("emerging", "+")}
    # profiles against the base year's medians: innovation axis (R&D only) 10, scale axis 25
    profiles = {k: v.profile for k, v in zy.items()}
    assert profiles == {("A", 2020): "peak", ("A", 2021): "peak", ("A", 2022): "peak",
                        ("B", 2020): "growth", ("B", 2021): "growth", ("B", 2022): "growth",
                        ("C", 2020): "plateau", ("C", 2021): "peak", ("C", 2022): "peak"}
    assert zy[("A", 2022)].progress_points == pytest.approx(40.0)
    assert zy[("A", 2022)].progress_pct == pytest.approx(100 * 40 / 19.375)
    assert zy[("C", 2022)].progress_points == pytest.approx(-27.5)
    assert zy[("C", 2020)].progress_points == 0.0
    assert zy[("A", 2020)].gap_to_next_tier == pytest.approx(0.70 * reference - 19.375)
    assert zy[("C", 2020)].gap_to_next_tier is None  # already in the top tier
    assert [(z.code, z.rank) for z in result.zone_years if z.year == 2020] == [("C", 1), ("B", 2), ("A", 3)]
    assert zy[("C", 2022)].imputed_cells == ["rd_intensity"]
    assert zy[("C", 2022)].normalised["rd_intensity"] == pytest.approx(10.0)
    assert zy[("C", 2022)].raw["rd_intensity"] is None
    bounds = {c: (b.min, b.max) for c, b in result.info.bounds.items()}
    assert bounds == {"rd_intensity": (1.0, 5.0), "energy_per_va": (0.2, 0.6), "revenue": (100.0, 500.0)}
    slopes = {t.code: (t.slope, t.intercept, t.trend) for t in result.trajectories}
    assert slopes == {"A": (pytest.approx(20.0), pytest.approx(19.375), None),
                      "B": (pytest.approx(18.75), pytest.approx(37.5), None),
                      "C": (pytest.approx(-13.75), pytest.approx(43.75), None)}  # no Monte Carlo: no class


def test_hand_example_transitions_and_named_moves() -> None:
    zy = _by(_hand())

    def states(year: int, field: str) -> dict[str, str | None]:
        return {code: getattr(zy[(code, year)], field) for code in "ABC"}

    order = ["peak", "strong", "moderate", "emerging"]
    tiers = transition_matrix(states(2020, "tier"), states(2022, "tier"), order)
    assert tiers.counts == [[0, 0, 0, 1], [1, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0]]
    assert tiers.probabilities[0] == [0.0, 0.0, 0.0, 1.0] and tiers.probabilities[2] == [None] * 4
    assert tiers.zones[3][0] == ["A"] and tiers.zones[0][3] == ["C"]
    profiles = transition_matrix(states(2020, "profile"), states(2021, "profile"),
                                 ["peak", "plateau", "growth", "foundation"])
    moves = named_moves(transition_matrix(states(2020, "tier"), states(2021, "tier"), order), profiles)
    assert moves == {"breakthrough": ["C"], "stuck_on_plateau": [], "climbed": ["A", "B"], "fallen_back": ["C"]}


def test_pooled_scale_matches_numpy_from_the_formula() -> None:
    # Independent reference: min-max over all zones × years, weights from the spec, arithmetic mean.
    rng = np.random.default_rng(3)
    years = (2019, 2020, 2021, 2022)
    values = rng.uniform(1, 50, size=(6, 3, len(years)))
    codes = ("rd_intensity", "energy_per_va", "revenue")
    data = {f"Z{z}": {c: tuple(values[z, i]) for i, c in enumerate(codes)} for z in range(6)}
    result = evaluate_panel(_spec(imputation={"method": "none"}), _matrix(data, years), PanelWindow(2020, 2022, 2021))
    window = values[:, :, 1:]  # the window leaves 2019 out: its values set no bound
    lo, hi = window.min(axis=(0, 2)), window.max(axis=(0, 2))
    norm = (window - lo[None, :, None]) / (hi - lo)[None, :, None] * 100
    norm[:, 1] = 100 - norm[:, 1]  # energy: lower is better
    expected = 0.375 * norm[:, 0] + 0.375 * norm[:, 1] + 0.25 * norm[:, 2]  # zones × window years
    got = np.array([[_by(result)[(f"Z{z}", y)].composite for y in (2020, 2021, 2022)] for z in range(6)])
    np.testing.assert_allclose(got, expected, atol=1e-9)
    ref = expected[:, 1].mean()  # base year 2021
    assert result.reference.groups[0].mean_composite == pytest.approx(ref)
    np.testing.assert_allclose([_by(result)[(f"Z{z}", 2022)].rpi for z in range(6)], 100 * expected[:, 2] / ref)


def test_identical_years_give_the_cross_section_of_that_year() -> None:
    # With every year a copy of one cross-section, the pooled bounds are that year's bounds: the panel's
    # composites and tiers in each year are the cross-section's, computed by the ordinary pipeline.
    rng = np.random.default_rng(8)
    one = rng.uniform(1, 50, size=(7, 3))
    codes = ("rd_intensity", "energy_per_va", "revenue")
    data = {f"Z{z}": {c: (one[z, i],) * 3 for i, c in enumerate(codes)} for z in range(7)}
    spec = _spec(imputation={"method": "none"})
    panel = _by(evaluate_panel(spec, _matrix(data), PanelWindow(2020, 2022, 2020)))
    cross = build_model(spec).evaluate(_matrix(data), options=EvaluationOptions(uncertainty_runs=0))
    for z in cross.zones:
        for year in YEARS:
            p = panel[(z.code, year)]
            assert (p.composite, p.tier, p.profile) == (pytest.approx(z.composite), z.tier, z.profile)
            assert p.rpi == pytest.approx(z.rpi)


def test_a_short_window_names_its_years_and_indicators() -> None:
    data = copy.deepcopy(HAND)
    data["A"]["revenue"] = (200, NAN, 300)
    data["B"]["revenue"] = (100, NAN, 100)  # revenue: 1 of 3 zones in 2021
    data["A"]["energy_per_va"] = (NAN, NAN, 0.3)
    data["B"]["energy_per_va"] = (NAN, 0.3, 0.2)  # energy: 1 of 3 in 2020
    with pytest.raises(PanelDataError) as caught:
        evaluate_panel(_spec(), _matrix(data), PanelWindow(2020, 2022, 2020))
    short = {(c.year, c.code): c.coverage for c in caught.value.short}
    assert short == pytest.approx({(2020, "energy_per_va"): 1 / 3, (2021, "revenue"): 1 / 3})
    assert "short years: 2020, 2021" in str(caught.value) and "only 1 of the model's 3 indicators" in str(caught.value)


def test_one_short_indicator_is_dropped_from_every_year() -> None:
    data = copy.deepcopy(HAND)
    data["A"]["revenue"] = (200, NAN, 300)
    data["B"]["revenue"] = (100, NAN, 100)
    result = evaluate_panel(_spec(), _matrix(data), PanelWindow(2020, 2022, 2020))
    assert result.info.indicators == ["rd_intensity", "energy_per_va"]
    [dropped] = result.info.excluded_indicators
    assert dropped.code == "revenue"
    assert [(y.year, round(y.coverage, 4)) for y in dropped.short_years] == [(2021, 0.3333)]
    assert all(set(zy.pillar_scores) == {"innovation", "scale"} and zy.pillar_scores["scale"] is None
               for zy in result.zone_years)


def test_an_empty_year_and_a_window_outside_the_data_are_refused() -> None:
    data = {z: {c: (v[0], NAN, v[2]) for c, v in by.items()} for z, by in HAND.items()}
    with pytest.raises(PanelDataError) as caught:
        evaluate_panel(_spec(), _matrix(data), PanelWindow(2020, 2022, 2020))
    assert caught.value.empty_years == [2021] and "no data for the model in 2021" in str(caught.value)
    with pytest.raises(ValueError, match="lacks the window years"):
        evaluate_panel(_spec(), _matrix(HAND), PanelWindow(2021, 2023, 2021))
    with pytest.raises(ValueError, match="at least two years"):
        PanelWindow(2021, 2021, 2021)
    with pytest.raises(ValueError, match="outside the window"):
        PanelWindow(2020, 2022, 2023)


def test_zone_years_below_coverage_are_unscored_with_a_reason() -> None:
    data = copy.deepcopy(HAND)
    data["C"]["rd_intensity"] = (1.0, 1.4, 1.5)
    data["F"], data["G"] = copy.deepcopy(HAND["A"]), copy.deepcopy(HAND["B"])  # keeps every indicator covered
    data["D"] = {"rd_intensity": (2.0, NAN, NAN), "energy_per_va": (0.4, NAN, NAN), "revenue": (150, NAN, 120)}
    data["E"] = {"rd_intensity": (NAN, NAN, NAN), "energy_per_va": (NAN, NAN, NAN), "revenue": (NAN, NAN, 90)}
    result = evaluate_panel(_spec(imputation={"method": "none"}), _matrix(data), PanelWindow(2020, 2022, 2020))
    assert {(u.code, u.year) for u in result.unscored} == {("D", 2021), ("D", 2022), ("E", 2020), ("E", 2021),
                                                            ("E", 2022)}
    assert [e.code for e in result.excluded] == ["E"]
    reason = next(u.reason for u in result.unscored if u.code == "D" and u.year == 2022)
    assert "reports 1 of 3 indicators in 2022" in reason
    d = next(t for t in result.trajectories if t.code == "D")
    assert d.years == [2020] and d.slope is None and d.trend is None


def test_theil_sen_matches_scipy() -> None:
    rng = np.random.default_rng(1)
    t = np.arange(6, dtype=float)
    series = rng.normal(size=(20, 6)).cumsum(axis=1)
    series[3, 2] = NAN
    slope, intercept = theil_sen(series, t)
    for row, s, b in zip(series, slope, intercept, strict=True):
        ok = ~np.isnan(row)
        ref = stats.theilslopes(row[ok], t[ok], method="joint")  # intercept median(y - slope t)
        assert s == pytest.approx(ref.slope) and b == pytest.approx(ref.intercept)
    assert np.isnan(theil_sen(np.array([[1.0, NAN, NAN]]), np.arange(3.0))[0][0])


def test_trend_class_needs_the_interval_to_exclude_zero() -> None:
    assert classify_trend(0.1, 2.0) == "rising"
    assert classify_trend(-0.1, 2.0) == "stable"
    assert classify_trend(0.0, 2.0) == "stable"
    assert classify_trend(-3.0, -0.2) == "declining"


def _trend_panel(runs: int, seed: int = 4) -> PanelResult:
    # 12 zones over 5 years: R1 rises in every indicator, D1 falls, F1 wobbles around a flat line.
    rng = np.random.default_rng(0)
    years = (2020, 2021, 2022, 2023, 2024)
    data: dict[str, dict[str, tuple[float, ...]]] = {
        f"N{z}": {"rd_intensity": tuple(rng.uniform(1, 4, 5)), "energy_per_va": tuple(rng.uniform(0.2, 0.6, 5)),
                  "revenue": tuple(rng.uniform(100, 500, 5))} for z in range(9)}
    data["R1"] = {"rd_intensity": (1.0, 1.8, 2.6, 3.4, 4.2), "energy_per_va": (0.6, 0.5, 0.4, 0.3, 0.2),
                  "revenue": (100, 180, 260, 340, 420)}
    data["D1"] = {k: v[::-1] for k, v in data["R1"].items()}
    data["F1"] = {"rd_intensity": (2.5, 2.9, 2.1, 2.8, 2.3), "energy_per_va": (0.4, 0.35, 0.45, 0.38, 0.42),
                  "revenue": (300, 340, 260, 330, 280)}
    spec = _spec(uncertainty={"enabled": True})
    return evaluate_panel(spec, _matrix(data, years), PanelWindow(2020, 2024, 2020),
                          EvaluationOptions(seed=seed, uncertainty_runs=runs))


def test_monte_carlo_interval_classifies_real_rises_only() -> None:
    result = _trend_panel(300)
    paths = {t.code: t for t in result.trajectories}
    assert paths["R1"].trend == "rising" and paths["D1"].trend == "declining" and paths["F1"].trend == "stable"
    for t in paths.values():
        assert t.interval is not None and t.runs >= 300
        assert t.interval.p5 <= t.interval.p95
    assert paths["R1"].interval is not None and paths["R1"].interval.p5 > 0
    assert result.model_dump() == _trend_panel(300).model_dump(), "the same seed gives the same panel"
    assert _trend_panel(300, seed=5).trajectories != result.trajectories


def test_transition_matrix_counts_probabilities_and_unplaced() -> None:
    before = {"a": "x", "b": "x", "c": "y", "d": None, "e": "x"}
    after = {"a": "x", "b": "y", "c": "y", "d": "x", "e": "y", "f": "x"}
    m = transition_matrix(before, after, ["x", "y", "z"])
    assert m.counts == [[1, 2, 0], [0, 1, 0], [0, 0, 0]]
    assert m.probabilities == [[pytest.approx(1 / 3), pytest.approx(2 / 3), 0.0], [0.0, 1.0, 0.0], [None] * 3]
    assert m.zones[0][1] == ["b", "e"] and m.unplaced == ["d", "f"]
    with pytest.raises(ValueError, match="'w' is not one of"):
        transition_matrix({"a": "w"}, {"a": "x"}, ["x"])


def test_zone_moves_name_what_one_zone_did() -> None:
    order = ["peak", "strong", "moderate", "emerging"]
    assert zone_moves("moderate", "strong", "plateau", "peak", order) == ["breakthrough", "climbed"]
    assert zone_moves("strong", "strong", "plateau", "plateau", order) == ["stuck_on_plateau"]
    assert zone_moves("peak", "moderate", "peak", "growth", order) == ["fallen_back"]
    assert zone_moves(None, "peak", None, "peak", order) == []
