"""Benefit of the doubt against an independent LP, and the adjusted Mazziotta–Pareto index against
its published formula, with fixed goalposts across years."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy.optimize import linprog

from scoring_models.base import EvaluationOptions, IndicatorMatrix
from scoring_models.catalog import indicator_catalog
from scoring_models.pipeline import run_pipeline
from scoring_models.spec import ModelSpec
from scoring_models.steps.aggregation import arithmetic
from scoring_models.steps.benefit_of_doubt import BodSpec, benefit_of_doubt
from scoring_models.steps.mazziotta_pareto import ampi, ampi_rescale, goalpost_scores, reference_goalposts


def bod_reference(x: np.ndarray, nu: np.ndarray, floor: float, ceiling: float | None) -> np.ndarray:
    """One LP per zone with every zone's constraint and the share bounds written out in full."""
    out = []
    for c in range(x.shape[0]):
        rows, rhs = [*x], [1.0] * x.shape[0]
        for q in range(x.shape[1]):
            if floor > 0 and x[c, q] > 0:
                rows.append(floor * nu[q] * x[c] - np.eye(x.shape[1])[q] * x[c, q])
                rhs.append(0.0)
            if ceiling is not None:
                rows.append(np.eye(x.shape[1])[q] * x[c, q] - ceiling * nu[q] * x[c])
                rhs.append(0.0)
        res = linprog(-x[c], A_ub=np.array(rows), b_ub=rhs, bounds=[(0, None)] * x.shape[1], method="highs")
        out.append(-res.fun)
    return np.array(out)


def test_bod_by_hand() -> None:
    x = np.array([[1.0, 0.2], [0.5, 0.5], [0.2, 1.0], [0.3, 0.3]])
    free = benefit_of_doubt(x, np.array([0.5, 0.5]), BodSpec(share_floor=0, share_ceiling=None))
    # (0.5, 0.5): best weights (1/1.2, 1/1.2) against A and C give 0.8333; D is a scaled-down B
    np.testing.assert_allclose(free, [1.0, 1 / 1.2, 1.0, 0.5], atol=1e-9)
    bounded = benefit_of_doubt(x, np.array([0.5, 0.5]), BodSpec(share_floor=0.5, share_ceiling=2.0))
    # A must give ≥ 25% of its score to its weak indicator: w2 ≥ 5/3 w1, bound by C's constraint → 0.7143
    np.testing.assert_allclose(bounded, [1 / 1.4, 1 / 1.2, 1 / 1.4, 0.5], atol=1e-9)


@pytest.mark.parametrize(("floor", "ceiling"), [(0.0, None), (0.5, 2.0), (0.8, 1.5)])
def test_bod_matches_the_full_lp(floor: float, ceiling: float | None) -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(0.05, 1.0, size=(35, 5)) * rng.uniform(0.5, 1.5, size=(35, 1))
    nu = np.array([0.3, 0.25, 0.2, 0.15, 0.1])
    ours = benefit_of_doubt(x, nu, BodSpec(share_floor=floor, share_ceiling=ceiling))
    np.testing.assert_allclose(ours, bod_reference(x, nu, floor, ceiling), atol=1e-7)


def test_ampi_equals_the_published_formula_and_penalises_imbalance() -> None:
    x = np.array([[50.0, 50.0, 50.0], [90.0, 50.0, 10.0], [100.0, 100.0, 0.0]])
    w = np.full(3, 1 / 3)
    r = 70 + 0.6 * x
    m, s = r.mean(axis=1), r.std(axis=1)  # population standard deviation, as Mazziotta & Pareto
    np.testing.assert_allclose(ampi(r, w), m - s * (s / m), rtol=1e-12)
    out = ampi(r, w)
    # the first two have the same mean (arithmetic ties them); the unbalanced one scores lower
    assert arithmetic(x, w)[0] == pytest.approx(arithmetic(x, w)[1]) and out[0] > out[1]
    assert out[0] == pytest.approx(100.0)  # every value at the reference (midpoint of the goalposts)
    # 2-D weights (Monte Carlo runs) give each run's index
    w2 = np.array([[0.2, 0.3, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    both = ampi(r, w2)
    np.testing.assert_allclose(both[:, 1], out, rtol=1e-12)
    mw = r @ w2[0]
    sw = np.sqrt(((r - mw[:, None]) ** 2) @ w2[0])
    np.testing.assert_allclose(both[:, 0], mw - sw**2 / mw, rtol=1e-12)


def test_ampi_rescaling_maps_goalposts_to_70_and_130() -> None:
    lo, hi = np.array([0.0, 10.0]), np.array([10.0, 0.0 + 30.0])
    x = np.array([[0.0, 30.0], [10.0, 10.0], [5.0, 20.0]])
    r = ampi_rescale(x, lo, hi, np.array([1.0, -1.0]))
    np.testing.assert_allclose(r, [[70, 70], [130, 130], [100, 100]])


def test_fixed_goalposts_put_different_years_on_one_scale(mini_spec: dict[str, Any]) -> None:
    spec = dict(mini_spec)
    spec["indicators"] = [
        {"code": "rd_intensity", "pillar": "innovation", "goalposts": {"lower": 0, "upper": 10}},
        {"code": "energy_per_va", "pillar": "innovation", "goalposts": {"lower": 0, "upper": 2}},
        {"code": "revenue", "pillar": "scale", "goalposts": {"lower": 0, "upper": 5000}},
    ]
    spec["normalisation"] = {"method": "goalposts"}
    spec["aggregation"] = {"method": "mazziotta-pareto"}
    spec["uncertainty"] = {"aggregations": ["arithmetic", "mazziotta-pareto"], "normalisations": ["goalposts"]}
    model = ModelSpec.model_validate(spec)
    cat = indicator_catalog().by_code()
    codes = ["rd_intensity", "energy_per_va", "revenue"]
    zone_a = [4.0, 0.5, 1000.0]
    values = np.array([[zone_a, zone_a], [[2.0, 1.0, 300.0], [9.0, 0.2, 4000.0]]]).transpose(0, 2, 1)
    matrix = IndicatorMatrix(zones=("A", "B"), indicators=tuple(cat[c] for c in codes), years=(2023, 2024),
                             values=values)
    scores = []
    for year in (2023, 2024):
        sub = IndicatorMatrix(zones=matrix.zones, indicators=matrix.indicators, years=matrix.years,
                              values=matrix.values, evaluation_year=year)
        state = run_pipeline(model, sub, EvaluationOptions(uncertainty_runs=10))
        assert state.result is not None
        scores.append({z.code: z.composite for z in state.result.zones})
    # zone A reports the same values in both years: with fixed goalposts its index does not move,
    # although zone B changed a lot (min-max would have rescaled A against B)
    assert scores[0]["A"] == pytest.approx(scores[1]["A"], rel=1e-12)
    s = goalpost_scores(np.array([zone_a]), np.array([1.0, -1.0, 1.0]), np.array([0, 0, 0.0]),
                        np.array([10, 2, 5000.0]))[0]
    w = np.array([3 / 8, 3 / 8, 1 / 4])
    r = 70 + 0.6 * s
    m = r @ w
    assert scores[0]["A"] == pytest.approx(m - ((r - m) ** 2 @ w) / m)


def test_goalposts_are_required_by_the_goalposts_normalisation(mini_spec: dict[str, Any]) -> None:
    spec = {**mini_spec, "normalisation": {"method": "goalposts"}}
    with pytest.raises(ValueError, match="goalposts for every indicator"):
        ModelSpec.model_validate(spec)


def test_reference_goalposts_are_ref_plus_minus_half_the_range() -> None:
    panel = np.array([[[1.0, 3.0]], [[2.0, 9.0]], [[3.0, 5.0]]])  # 3 zones × 1 indicator × 2 years
    lo, hi = reference_goalposts(panel, base_year=0)
    # Ref = mean of year 0 = 2; Δ = (9 − 1) / 2 = 4
    np.testing.assert_allclose([lo[0], hi[0]], [-2.0, 6.0])
