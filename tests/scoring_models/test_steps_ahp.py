"""AHP: Saaty's worked example, the consistent-matrix property, group aggregation, and specs whose
weights come from judgments (rejected, with the culprits named, when inconsistent)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from scoring_models.base import EvaluationOptions
from scoring_models.methods import MethodOverrides
from scoring_models.pipeline import run_pipeline
from scoring_models.spec import ModelSpec
from scoring_models.steps import ahp

# Saaty (1990), "How to make a decision: the analytic hierarchy process", EJOR 48, 9–26, Table 2:
# the criteria of buying a house. Published: priorities .173 .054 .188 .018 .031 .036 .167 .333,
# λmax = 9.669, C.I. = 0.238, C.R. = 0.169.
HOUSE_ITEMS = ["size", "transport", "neighbourhood", "age", "yard", "modern", "condition", "finance"]
HOUSE = """1 5 3 7 6 6 1/3 1/4
1/5 1 1/3 5 3 3 1/5 1/7
1/3 3 1 6 3 4 6 1/5
1/7 1/5 1/6 1 1/3 1/4 1/7 1/8
1/6 1/3 1/3 3 1 1/2 1/5 1/6
1/6 1/3 1/4 4 2 1 1/5 1/6
3 5 1/6 7 5 5 1 1/2
4 7 5 8 6 6 2 1"""


def _house() -> np.ndarray:
    return np.array([[float(Fraction(v)) for v in row.split()] for row in HOUSE.splitlines()])


def test_saaty_house_example_eigenvector_lambda_and_cr() -> None:
    a = _house()
    w = ahp.priorities(a)
    np.testing.assert_allclose(w, [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333], atol=5e-4)
    c = ahp.consistency(a)
    assert c.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert c.ci == pytest.approx(0.238, abs=5e-4)
    assert c.ri == 1.41
    assert c.cr == pytest.approx(0.169, abs=5e-4)


def test_eigenvector_satisfies_its_equation_and_geometric_mean_is_the_row_products() -> None:
    a = _house()
    lam, w = ahp.principal_eigen(a)
    np.testing.assert_allclose(a @ w, lam * w, rtol=1e-10)
    # independent: the n-th root of each row's product, normalised
    g = np.array([np.prod(row) ** (1 / len(row)) for row in a])
    np.testing.assert_allclose(ahp.priorities(a, ahp.PriorityMethod.GEOMETRIC_MEAN), g / g.sum(), rtol=1e-12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(0.2, 5.0), min_size=2, max_size=15))
def test_a_consistent_matrix_gives_back_its_weights_with_cr_zero(raw: list[float]) -> None:
    w = np.array(raw) / sum(raw)
    a = w[:, None] / w[None, :]  # a_ij = w_i / w_j
    for method in ahp.PriorityMethod:
        np.testing.assert_allclose(ahp.priorities(a, method), w, rtol=1e-8, atol=1e-12)
    c = ahp.consistency(a)
    assert c.lambda_max == pytest.approx(len(w), rel=1e-9)
    assert c.cr == pytest.approx(0.0, abs=1e-9)


def test_the_judgment_most_responsible_is_the_one_that_was_disturbed() -> None:
    w = np.array([0.4, 0.3, 0.2, 0.1])
    a = w[:, None] / w[None, :]
    a[1, 3], a[3, 1] = 9.0, 1 / 9.0  # consistent value 3
    worst = ahp.discordant_judgments(a, ahp.priorities(a), ["a", "b", "c", "d"], top=1)[0]
    assert (worst.row, worst.col, worst.given) == ("b", "d", 9.0)
    assert worst.consistent < 9.0


def test_matrices_read_fractions_and_refuse_what_is_not_a_judgment_matrix() -> None:
    m = ahp.PairwiseMatrix(items=["a", "b"], matrix=[[1, "3"], ["1/3", 1]])
    np.testing.assert_allclose(m.array(), [[1, 3], [1 / 3, 1]])
    near = ahp.PairwiseMatrix(items=["a", "b"], matrix=[[1, 3], [0.333, 1]])
    assert near.array()[1, 0] == pytest.approx(1 / 3, rel=1e-15)  # the exact reciprocal of the judgment above
    bad = {
        "must be reciprocal": [[1, 3], [3, 1]],
        "Saaty's scale": [[1, 12], ["1/12", 1]],
        "diagonal": [[2, 3], ["1/3", 1]],
        "a fraction": [[1, "three"], ["1/3", 1]],
        "2 × 2, one row": [[1, 3]],
    }
    for expected, matrix in bad.items():
        with pytest.raises(ValidationError, match=expected):
            ahp.PairwiseMatrix(items=["a", "b"], matrix=matrix)


def test_aij_is_the_elementwise_geometric_mean_and_aip_the_normalised_geometric_mean_of_priorities() -> None:
    rng = np.random.default_rng(4)
    mats = []
    for _ in range(3):
        upper = np.triu(rng.choice([1 / 3, 1 / 2, 1.0, 2.0, 3.0, 5.0], size=(4, 4)), 1)
        mats.append(np.eye(4) + upper + np.where(upper.T > 0, 1 / np.where(upper.T > 0, upper.T, 1), 0))
    weights = [1.0, 2.0, 1.0]
    group = ahp.aggregate_judgments(mats, weights)
    expected = (mats[0] * mats[1] ** 2 * mats[2]) ** 0.25
    np.testing.assert_allclose(group, expected, rtol=1e-12)
    np.testing.assert_allclose(group * group.T, 1.0, rtol=1e-12)  # still reciprocal
    ps = [ahp.priorities(m) for m in mats]
    g = (ps[0] * ps[1] ** 2 * ps[2]) ** 0.25
    np.testing.assert_allclose(ahp.aggregate_priorities(ps, weights), g / g.sum(), rtol=1e-12)


def _expert(name: str, pillars: list[list[Any]], inside: list[list[Any]] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"expert": name, "pillars": {"items": ["inn", "sca"], "matrix": pillars}}
    if inside is not None:
        out["indicators"] = {"inn": {"items": ["rd_intensity", "hte_count", "vc_investment"], "matrix": inside}}
    return out


CONSISTENT_INSIDE = [[1, 2, 4], ["1/2", 1, 2], ["1/4", "1/2", 1]]  # priorities 4/7, 2/7, 1/7


def _ahp_spec(mini_spec: dict[str, Any], experts: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    spec = dict(mini_spec)
    spec["pillars"] = [
        {"code": "inn", "name_zh": "创新", "name_en": "Innovation"},  # no weight: the judgments give it
        {"code": "sca", "name_zh": "规模", "name_en": "Scale"},
    ]
    spec["indicators"] = [
        {"code": "rd_intensity", "pillar": "inn"},
        {"code": "hte_count", "pillar": "inn"},
        {"code": "vc_investment", "pillar": "inn"},
        {"code": "revenue", "pillar": "sca"},
    ]
    spec["weighting"] = {"method": "ahp", "ahp": {"experts": experts, **extra}}
    return spec


def test_a_spec_takes_its_weights_from_the_judgments(mini_spec: dict[str, Any]) -> None:
    spec = ModelSpec.model_validate(_ahp_spec(mini_spec, [_expert("张三", [[1, 3], ["1/3", 1]], CONSISTENT_INSIDE)]))
    assert [p.weight for p in spec.pillars] == pytest.approx([0.75, 0.25])
    assert [i.weight for i in spec.indicators] == pytest.approx([4 / 7, 2 / 7, 1 / 7, 1.0])
    nominal = spec.nominal_weights()
    assert nominal["rd_intensity"] == pytest.approx(0.75 * 4 / 7) and nominal["revenue"] == pytest.approx(0.25)
    # the stored spec holds judgments and weights; validating it again changes nothing
    assert ModelSpec.model_validate(spec.model_dump(mode="json")) == spec


def test_group_judgments_by_aij_and_aip(mini_spec: dict[str, Any]) -> None:
    experts = [_expert("甲", [[1, 3], ["1/3", 1]]), _expert("乙", [[1, "1/3"], [3, 1]])]
    aij = ModelSpec.model_validate(_ahp_spec(mini_spec, experts))
    assert [p.weight for p in aij.pillars] == pytest.approx([0.5, 0.5])  # √(3 · 1/3) = 1
    weighted = [{**experts[0], "weight": 3}, experts[1]]
    aij3 = ModelSpec.model_validate(_ahp_spec(mini_spec, weighted))
    a12 = 3 ** (3 / 4) * (1 / 3) ** (1 / 4)  # weighted geometric mean of the judgments
    assert aij3.pillars[0].weight == pytest.approx(a12 / (1 + a12))
    aip = ModelSpec.model_validate(_ahp_spec(mini_spec, weighted, group="aip"))
    p = np.array([0.75, 0.25]) ** 0.75 * np.array([0.25, 0.75]) ** 0.25
    assert [x.weight for x in aip.pillars] == pytest.approx(list(p / p.sum()))


def test_an_inconsistent_matrix_is_refused_naming_matrix_cr_and_judgments(mini_spec: dict[str, Any]) -> None:
    inconsistent = [[1, 2, "1/2"], ["1/2", 1, 2], [2, "1/2", 1]]  # a > b > c > a: CR 0.43
    raw = _ahp_spec(mini_spec, [_expert("张三", [[1, 3], ["1/3", 1]]), _expert("李四", [[1, 2], ["1/2", 1]])])
    raw["weighting"]["ahp"]["experts"][1]["indicators"] = {
        "inn": {"items": ["rd_intensity", "hte_count", "vc_investment"], "matrix": inconsistent}
    }
    raw["weighting"]["ahp"]["experts"][0]["indicators"] = {
        "inn": {"items": ["rd_intensity", "hte_count", "vc_investment"], "matrix": CONSISTENT_INSIDE}
    }
    with pytest.raises(ValidationError) as info:
        ModelSpec.model_validate(raw)
    (error,) = [e for e in info.value.errors() if e["type"] == "inconsistent_judgments"]
    assert error["loc"] == ("weighting", "ahp", "experts", 1, "indicators", "inn")
    cr = ahp.consistency(ahp.PairwiseMatrix(items=["a", "b", "c"], matrix=inconsistent).array()).cr
    assert f"CR {cr:.3f}" in error["msg"] and "'indicators:inn' of expert '李四'" in error["msg"]
    assert "rd_intensity vs hte_count" in error["msg"] or "rd_intensity vs vc_investment" in error["msg"]
    # a laxer limit accepts it
    raw["weighting"]["ahp"]["max_cr"] = 1.0
    assert ModelSpec.model_validate(raw).weighting.ahp is not None


def test_saaty_house_matrix_in_a_spec_is_refused_at_cr_0_169(mini_spec: dict[str, Any]) -> None:
    codes = ["rd_intensity", "hte_count", "vc_investment", "revenue", "tax", "exports", "value_added", "new_firms"]
    raw = dict(mini_spec)
    raw["pillars"] = [{"code": "all", "name_zh": "全部", "name_en": "All", "weight": 1}]
    raw["indicators"] = [{"code": c, "pillar": "all"} for c in codes]
    matrix = [row.split() for row in HOUSE.splitlines()]
    raw["weighting"] = {"method": "ahp", "ahp": {"experts": [
        {"expert": "Saaty", "indicators": {"all": {"items": codes, "matrix": matrix}}}
    ]}}
    with pytest.raises(ValidationError, match=r"CR 0\.169 ≥ 0\.1"):
        ModelSpec.model_validate(raw)


def test_matrices_must_compare_exactly_the_models_items(mini_spec: dict[str, Any]) -> None:
    raw = _ahp_spec(mini_spec, [_expert("张三", [[1, 3], ["1/3", 1]])])
    raw["weighting"]["ahp"]["experts"][0]["pillars"]["items"] = ["inn", "other"]
    with pytest.raises(ValidationError) as info:
        ModelSpec.model_validate(raw)
    assert any(e["type"] == "matrix_items" and e["loc"][-1] == "pillars" for e in info.value.errors())
    with pytest.raises(ValidationError, match="same matrices"):
        ModelSpec.model_validate(_ahp_spec(mini_spec, [_expert("甲", [[1, 3], ["1/3", 1]]),
                                                       _expert("乙", [[1, 3], ["1/3", 1]], CONSISTENT_INSIDE)]))


def test_ahp_needs_judgments_in_a_spec_and_in_a_run(mini_spec: dict[str, Any], matrix: Any) -> None:
    no_judgments = {**mini_spec, "weighting": {"method": "ahp"}}
    with pytest.raises(ValidationError, match="needs the experts' judgments"):
        ModelSpec.model_validate(no_judgments)
    spec = ModelSpec.model_validate(mini_spec)
    with pytest.raises(ValueError, match="judgments"):
        run_pipeline(spec, matrix, EvaluationOptions(overrides=MethodOverrides(weighting="ahp")))


def test_a_run_reports_every_experts_matrices_and_the_group_result(mini_spec: dict[str, Any], matrix: Any) -> None:
    experts = [_expert("甲", [[1, 3], ["1/3", 1]], CONSISTENT_INSIDE), _expert("乙", [[1, 2], ["1/2", 1]],
                                                                              CONSISTENT_INSIDE)]
    spec = ModelSpec.model_validate(_ahp_spec(mini_spec, experts))
    state = run_pipeline(spec, matrix, EvaluationOptions(uncertainty_runs=0))
    assert state.result is not None
    report = state.result.info.ahp
    assert report is not None and [e.expert for e in report.experts] == ["甲", "乙"]
    inside = report.experts[0].matrices[1]
    assert inside.name == "indicators:inn" and inside.cr == pytest.approx(0.0, abs=1e-9) and inside.consistent
    assert report.weights("pillars")["inn"] == pytest.approx(spec.pillars[0].weight)
    assert state.result.info.methods["weighting"] == "ahp"
