"""Coupling coordination against hand computations, and the coupling model end to end."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from scoring_models.base import EvaluationOptions
from scoring_models.conformance import check_model, synthetic_matrix
from scoring_models.pipeline import run_pipeline
from scoring_models.registry import load_registry
from scoring_models.spec import ModelSpec
from scoring_models.steps.coupling import (
    GRADE_CODES,
    CouplingSpec,
    Lag,
    coordination_grade,
    coupling_coordination,
    coupling_scores,
    lagging,
)


def test_hand_computation() -> None:
    # U1 = 0.6, U2 = 0.4: C = 2√0.24 / 1 = 0.979796, T = 0.5, D = √(0.489898) = 0.699927 → 初级协调
    co = coupling_coordination(np.array([0.6]), np.array([0.4]))
    assert co.coupling[0] == pytest.approx(2 * math.sqrt(0.24))
    assert co.development[0] == pytest.approx(0.5)
    assert co.coordination[0] == pytest.approx(math.sqrt(2 * math.sqrt(0.24) * 0.5))
    assert co.coordination[0] == pytest.approx(0.699927, abs=1e-6)
    assert GRADE_CODES[int(coordination_grade(co.coordination)[0])] == "primary_coordination"
    # α = 0.7: T = 0.7·0.6 + 0.3·0.4 = 0.54
    co7 = coupling_coordination(np.array([0.6]), np.array([0.4]), alpha=0.7, beta=0.3)
    assert co7.coordination[0] == pytest.approx(math.sqrt(2 * math.sqrt(0.24) * 0.54))


def test_equal_subsystems_couple_fully_and_zero_is_the_worst_grade() -> None:
    co = coupling_coordination(np.array([0.49, 0.0, 0.0, 1.0]), np.array([0.49, 0.0, 0.8, 1.0]))
    np.testing.assert_allclose(co.coupling, [1.0, 0.0, 0.0, 1.0])
    np.testing.assert_allclose(co.coordination, [0.7, 0.0, 0.0, 1.0])
    grades = [GRADE_CODES[g] for g in coordination_grade(co.coordination)]
    # 0.7 sits on the edge: the customary grades include their lower edge (0.7–0.8 中级协调)
    assert grades == ["intermediate_coordination", "extreme_imbalance", "extreme_imbalance", "quality_coordination"]


def test_grades_have_width_one_tenth() -> None:
    d = np.array([0.0, 0.099, 0.1, 0.35, 0.5, 0.89999, 0.9, 1.0, np.nan])
    assert coordination_grade(d).tolist() == [0, 0, 1, 3, 5, 8, 9, 9, -1]


def test_lag_and_shapes_of_a_panel() -> None:
    u1 = np.array([[0.2, 0.5], [0.8, 0.6]])  # zones × years
    u2 = np.array([[0.5, 0.55], [0.3, np.nan]])
    co = coupling_coordination(u1, u2)
    assert co.coordination.shape == (2, 2) and np.isnan(co.coordination[1, 1])
    assert lagging(u1, u2) == [Lag.INNOVATION, Lag.BALANCED, Lag.INDUSTRY, None]
    scores = coupling_scores(u1, u2, CouplingSpec())
    assert scores[3] is None and scores[0] is not None and scores[0].lag == "innovation_lags"
    with pytest.raises(ValueError, match="within"):
        coupling_coordination(np.array([1.5]), np.array([0.5]))


def test_alpha_and_beta_sum_to_one() -> None:
    with pytest.raises(ValidationError, match="alpha"):
        CouplingSpec(alpha=0.7, beta=0.7)


def _coupling_spec(mini_spec: dict[str, Any]) -> ModelSpec:
    spec = dict(mini_spec)
    spec["pillars"] = [
        {"code": "inn", "name_zh": "创新", "name_en": "Innovation", "weight": 1},
        {"code": "ind", "name_zh": "产业", "name_en": "Industry", "weight": 1},
    ]
    spec["indicators"] = [
        {"code": "rd_intensity", "pillar": "inn"},
        {"code": "hte_count", "pillar": "inn"},
        {"code": "revenue", "pillar": "ind"},
    ]
    spec["composite"] = {"method": "coupling", "coupling": {"innovation_pillar": "inn", "industry_pillar": "ind"}}
    spec["uncertainty"] = {"enabled": False}
    return ModelSpec.model_validate(spec)


def test_the_coupling_composite_is_d_of_the_two_pillar_scores(mini_spec: dict[str, Any]) -> None:
    spec = _coupling_spec(mini_spec)
    state = run_pipeline(spec, synthetic_matrix(["rd_intensity", "hte_count", "revenue"]),
                         EvaluationOptions(uncertainty_runs=0))
    assert state.result is not None
    for z in state.result.zones:
        u1, u2 = z.pillar_scores["inn"] / 100, z.pillar_scores["ind"] / 100  # type: ignore[operator]
        c = 2 * math.sqrt(u1 * u2) / (u1 + u2) if u1 + u2 > 0 else 0.0
        d = math.sqrt(c * (u1 + u2) / 2)
        assert z.composite == pytest.approx(100 * d, abs=1e-9)
        assert z.coupling is not None and z.coupling.coordination == pytest.approx(d, abs=1e-12)
    ranks = [z.composite for z in state.result.zones]
    assert ranks == sorted(ranks, reverse=True)


def test_a_coupling_spec_needs_its_pillars_and_no_monte_carlo(mini_spec: dict[str, Any]) -> None:
    raw = _coupling_spec(mini_spec).model_dump(mode="json")
    raw["uncertainty"]["enabled"] = True
    raw["composite"]["coupling"]["industry_pillar"] = "nope"
    with pytest.raises(ValidationError) as info:
        ModelSpec.model_validate(raw)
    kinds = {(e["type"], e["loc"]) for e in info.value.errors()}
    assert ("uncertainty_unsupported", ("uncertainty", "enabled")) in kinds
    assert ("unknown_pillar", ("composite", "coupling", "industry_pillar")) in kinds


def test_the_builtin_coupling_model_grades_by_d_and_passes_conformance() -> None:
    model = load_registry(plugins=False).get("innovation-industry-coupling")
    check_model(model)
    scheme = model.tier_scheme
    assert [t.code for t in scheme.tiers] == list(GRADE_CODES[::-1])
    assert scheme.tiers[0].name_zh == "优质协调" and scheme.tiers[-1].name_zh == "极度失调"
    result = model.evaluate(synthetic_matrix([i.code for i in model.indicators]),
                            options=EvaluationOptions(uncertainty_runs=0))
    for z in result.zones:
        assert z.coupling is not None and z.tier == z.coupling.grade
        assert z.rank_interval is None
