"""Effective weights (correlation ratio) and their calibration; combined subjective–objective weights."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from scoring_models.base import EvaluationOptions, IndicatorMatrix
from scoring_models.catalog import indicator_catalog
from scoring_models.pipeline import run_pipeline
from scoring_models.spec import ModelSpec
from scoring_models.steps.combined_weights import CombinationRule, combine
from scoring_models.steps.effective import CalibrationSpec, calibrate, correlation_ratio
from scoring_models.steps.weighting import entropy_weights


def test_correlation_ratio_of_known_relations() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(3000, 3))
    additive = correlation_ratio(x, x[:, 0] + x[:, 1])
    np.testing.assert_allclose(additive[:2], [0.5, 0.5], atol=0.03)  # two equal independent parts
    assert additive[2] < 0.01  # unrelated
    linear = correlation_ratio(x, 2 * x[:, 0] + rng.normal(0, 0.5, 3000))
    r = np.corrcoef(x[:, 0], 2 * x[:, 0] + rng.normal(0, 0.5, 3000))[0, 1]
    assert linear[0] == pytest.approx(r**2, abs=0.03)  # linear: the squared Pearson r
    u_shape = correlation_ratio(x, x[:, 0] ** 2)
    assert u_shape[0] > 0.8 and np.corrcoef(x[:, 0], x[:, 0] ** 2)[0, 1] ** 2 < 0.01  # Pearson misses it
    assert correlation_ratio(np.ones((10, 1)), np.arange(10.0))[0] == 0.0


def _skewed_matrix() -> IndicatorMatrix:
    """Two innovation indicators, one with a tiny spread and little to do with the others."""
    rng = np.random.default_rng(5)
    n = 120
    base = rng.normal(size=n)
    values = np.column_stack([
        10 + 3 * base + rng.normal(0, 0.5, n),  # rd_intensity: spread, correlated with revenue
        50 + 0.3 * rng.normal(size=n),  # hte_count: little spread, independent
        1000 + 300 * base + rng.normal(0, 50, n),  # revenue
    ])
    cat = indicator_catalog().by_code()
    codes = ("rd_intensity", "hte_count", "revenue")
    return IndicatorMatrix(zones=tuple(f"Z{k:03d}" for k in range(n)), indicators=tuple(cat[c] for c in codes),
                           years=(2024,), values=np.clip(values, 0.1, None)[:, :, None])


def _spec(mini_spec: dict[str, Any], **weighting: Any) -> ModelSpec:
    spec = dict(mini_spec)
    spec["indicators"] = [
        {"code": "rd_intensity", "pillar": "innovation"},
        {"code": "hte_count", "pillar": "innovation"},
        {"code": "revenue", "pillar": "scale"},
    ]
    spec["weighting"] = {"method": "expert", **weighting}
    spec["uncertainty"] = {"enabled": False}
    return ModelSpec.model_validate(spec)


def test_every_run_reports_effective_importance_next_to_nominal_weights(mini_spec: dict[str, Any]) -> None:
    state = run_pipeline(_spec(mini_spec), _skewed_matrix(), EvaluationOptions(uncertainty_runs=0))
    assert state.result is not None
    imp = state.result.info.importance
    assert imp is not None and imp.measure == "correlation_ratio" and imp.calibration is None
    by_code = {i.code: i for i in imp.indicators}
    nominal = [by_code[c].nominal for c in ("rd_intensity", "hte_count", "revenue")]
    assert nominal == pytest.approx([3 / 8, 3 / 8, 1 / 4])
    assert sum(i.share for i in imp.indicators) == pytest.approx(1.0)
    # hte_count has 37.5% of the weight on paper but explains little of the composite
    assert by_code["hte_count"].share < 0.15
    assert by_code["rd_intensity"].correlation_ratio == pytest.approx(
        correlation_ratio(state.normalised[:, [0]], state.composite)[0])
    pillars = {p.code: p for p in imp.pillars}
    assert pillars["innovation"].nominal == pytest.approx(0.75)
    assert sum(p.share for p in imp.pillars) == pytest.approx(1)


def test_calibration_brings_effective_shares_to_the_nominal_ones(mini_spec: dict[str, Any]) -> None:
    spec = _spec(mini_spec, calibration={"enabled": True, "max_iterations": 60, "tolerance": 0.03})
    state = run_pipeline(spec, _skewed_matrix(), EvaluationOptions(uncertainty_runs=0))
    assert state.result is not None
    imp = state.result.info.importance
    assert imp is not None and imp.calibration is not None
    cal = imp.calibration
    # rd_intensity and revenue explain much of each other's variance, so their shares cannot be
    # pulled fully apart: the gap shrinks from 0.28 to well under a third of it, not to 0.03
    assert cal.error_before > 0.2 and cal.error_after < cal.error_before / 3
    assert cal.converged is (cal.error_after <= 0.03)
    assert cal.weights_after["hte_count"] > cal.weights_before["hte_count"]  # weight moved to where it bites
    assert state.result.info.applied_weights == pytest.approx(cal.weights_after)
    shares = {i.code: i.share for i in imp.indicators}
    assert shares == pytest.approx(cal.shares_after, abs=1e-9)


def test_calibration_keeps_the_nature_caps(mini_spec: dict[str, Any]) -> None:
    spec = _spec(mini_spec, calibration={"enabled": True})
    raw = spec.model_dump(mode="json")
    raw["pillars"][1]["weight"] = 0.5  # scale 1/7 of the weight, under the cap below
    raw["constraints"] = {"max_nature_share": {"scale": 0.15}}
    state = run_pipeline(ModelSpec.model_validate(raw), _skewed_matrix(), EvaluationOptions(uncertainty_runs=0))
    assert state.result is not None and state.result.info.applied_weights["revenue"] <= 0.15 + 1e-12


def test_combination_rules_by_hand() -> None:
    s, o = np.array([0.5, 0.3, 0.2]), np.array([0.2, 0.2, 0.6])
    np.testing.assert_allclose(combine(s, o, CombinationRule.LINEAR, 0.5), [0.35, 0.25, 0.4])
    np.testing.assert_allclose(combine(s, o, CombinationRule.LINEAR, 0.8), 0.8 * s + 0.2 * o)
    p = s * o
    np.testing.assert_allclose(combine(s, o, CombinationRule.PRODUCT), p / p.sum())
    # nothing in common: the product rule falls back to the linear one
    np.testing.assert_allclose(combine(np.array([1.0, 0]), np.array([0, 1.0]), CombinationRule.PRODUCT), [0.5, 0.5])


def test_combined_weights_show_both_parts(mini_spec: dict[str, Any]) -> None:
    spec = _spec(mini_spec, combination={"objective": "entropy", "rule": "linear", "alpha": 0.6})
    raw = spec.model_dump(mode="json")
    raw["weighting"]["method"] = "combined"
    raw["indicators"][0]["weight"] = 3  # experts: rd_intensity 3 : hte_count 1 inside innovation
    state = run_pipeline(ModelSpec.model_validate(raw), _skewed_matrix(), EvaluationOptions(uncertainty_runs=0))
    assert state.result is not None
    parts = state.result.info.weight_parts
    assert parts is not None and parts.rule == "linear" and parts.alpha == 0.6 and parts.objective_method == "entropy"
    assert parts.subjective == pytest.approx({"rd_intensity": 0.75 * 0.75, "hte_count": 0.75 * 0.25, "revenue": 0.25})
    inside = entropy_weights(state.normalised[:, :2] / 1.0)  # the objective part: entropy of the min-max scores
    assert [parts.objective["rd_intensity"] / 0.75, parts.objective["hte_count"] / 0.75] == pytest.approx(list(inside))
    for code in parts.combined:
        assert parts.combined[code] == pytest.approx(0.6 * parts.subjective[code] + 0.4 * parts.objective[code])
    assert state.result.info.applied_weights == pytest.approx(parts.combined)


def test_the_objective_part_must_be_data_driven(mini_spec: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="data-driven"):
        _spec(mini_spec, combination={"objective": "ahp"})


def test_calibration_converges_for_independent_indicators() -> None:
    rng = np.random.default_rng(8)
    x = rng.uniform(0, 100, size=(400, 3))
    nominal = np.array([0.5, 0.3, 0.2])
    settings = CalibrationSpec(enabled=True, tolerance=0.02, max_iterations=50)
    result = calibrate(x, nominal, nominal, lambda w: x @ w, lambda w: w, settings)
    # independent parts explain w_i² of the variance: 0.66 / 0.24 / 0.11 before calibration
    assert result.error_before > 0.1 and result.converged and result.error_after <= 0.02
    np.testing.assert_allclose(result.shares_after, nominal, atol=0.02)
    assert result.weights[2] > nominal[2]
