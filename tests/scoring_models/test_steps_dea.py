"""DEA: the standard texts' examples, and every score against an independent LP formulation.

The independent formulations below solve one LP per zone with scipy directly — the multiplier
(dual) form for θ, the plain envelopment form over every zone for the slacks — so they share
neither the stacking, the column generation nor the dominance filter of ``steps.dea``.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from scoring_models.steps import dea
from scoring_models.steps.efficiency import EfficiencySpec, efficiency_scores

# Cooper, Seiford & Tone, Data Envelopment Analysis (2nd ed.), Example 3.2 (Table 3.2): two inputs,
# one unit output. Published: A 0.8571 (peers D, E), B 0.6316 (peers C, D), C, D, E efficient,
# F θ* = 1 with an input-1 slack of 2 (weakly efficient, referred to C).
CST_X = np.array([[4, 3], [7, 3], [8, 1], [4, 2], [2, 4], [10, 1]], dtype=float)
CST_Y = np.ones((6, 1))


def multiplier_theta(x: np.ndarray, y: np.ndarray, o: int, *, vrs: bool = False, exclude_self: bool = False) -> float:
    """max u·y_o (− u0) s.t. v·x_o = 1, u·y_j − v·x_j (− u0) ≤ 0 for every j, u, v ≥ 0 (u0 free)."""
    n, m = x.shape
    s = y.shape[1]
    rows = [j for j in range(n) if not (exclude_self and j == o)]
    c = np.concatenate([-y[o], np.zeros(m), [1.0] if vrs else []])  # variables u, v (, u0)
    a_ub = np.array([np.concatenate([y[j], -x[j], [-1.0] if vrs else []]) for j in rows])
    a_eq = np.concatenate([np.zeros(s), x[o], [0.0] if vrs else []])[None, :]
    bounds = [(0, None)] * (s + m) + ([(None, None)] if vrs else [])
    res = linprog(c, A_ub=a_ub, b_ub=np.zeros(len(rows)), A_eq=a_eq, b_eq=[1.0], bounds=bounds, method="highs")
    return float(-res.fun) if res.status == 0 else float("nan")


def max_slack(x: np.ndarray, y: np.ndarray, o: int, theta: float) -> float:
    """Phase two over every zone: max Σ s⁻/mean(x) + Σ s⁺/mean(y) with θ* fixed (CCR)."""
    n, m = x.shape
    s = y.shape[1]
    sx, sy = x.mean(axis=0), y.mean(axis=0)
    a_eq = np.block([[x.T, np.eye(m), np.zeros((m, s))], [y.T, np.zeros((s, m)), -np.eye(s)]])
    b_eq = np.concatenate([theta * (1 + 1e-9) * x[o], y[o]])
    c = np.concatenate([np.zeros(n), -1 / sx, -1 / sy])
    res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * (n + m + s), method="highs")
    return float(-res.fun)


def _data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    size = np.exp(rng.normal(0, 1, n))
    x = np.column_stack([size * np.exp(rng.normal(0, 0.3, n)) for _ in range(2)])
    y = np.column_stack([size ** 1.1 * np.exp(rng.normal(0, 0.5, n)) for _ in range(3)])
    return x, y


def test_cst_example_3_2() -> None:
    r = dea.dea(CST_X, CST_Y)
    np.testing.assert_allclose(r.ccr, [6 / 7, 12 / 19, 1, 1, 1, 1], atol=1e-7)
    assert [s.value for s in r.status] == ["inefficient", "inefficient", "efficient", "efficient", "efficient",
                                           "weakly_efficient"]
    np.testing.assert_allclose(r.headline.input_slacks[5], [2.0, 0.0], atol=1e-6)
    assert [j for j, _ in dea.peers(r.headline.lambdas, 0)] == [3, 4]  # A: D and E
    assert [j for j, _ in dea.peers(r.headline.lambdas, 1)] == [3, 2]  # B: D and C
    assert [j for j, _ in dea.peers(r.headline.lambdas, 5)] == [2]  # F: C
    # A's projection (6/7 · (4, 3)) is a convex combination of D and E
    np.testing.assert_allclose(r.input_targets(CST_X)[0], np.array([4, 3]) * 6 / 7, atol=1e-6)


def test_one_input_one_output_by_hand() -> None:
    # A(2, 1) B(3, 3) C(6, 4) D(5, 2): the CCR frontier is the ray through B (y/x = 1); the BCC
    # frontier runs A–B–C; D's BCC target input is 2.5 (between A and B at y = 2).
    x, y = np.array([[2.0], [3.0], [6.0], [5.0]]), np.array([[1.0], [3.0], [4.0], [2.0]])
    r = dea.dea(x, y)
    np.testing.assert_allclose(r.ccr, [0.5, 1.0, 4 / 6, 0.4], atol=1e-8)
    np.testing.assert_allclose(r.bcc, [1.0, 1.0, 1.0, 0.5], atol=1e-8)
    np.testing.assert_allclose(r.scale, [0.5, 1.0, 4 / 6, 0.8], atol=1e-8)
    assert [v.value for v in r.returns_to_scale] == ["increasing", "constant", "decreasing", "increasing"]
    # B is the only CCR-efficient zone; without it the best ratio is C's 4/6, so B's super-efficiency is 1.5
    assert r.super_efficiency[1] == pytest.approx(1.5)
    np.testing.assert_allclose(r.super_efficiency[[0, 2, 3]], r.ccr[[0, 2, 3]])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_theta_matches_the_multiplier_form(seed: int) -> None:
    x, y = _data(40, seed)
    r = dea.dea(x, y)
    ccr = [multiplier_theta(x, y, o) for o in range(40)]
    bcc = [multiplier_theta(x, y, o, vrs=True) for o in range(40)]
    np.testing.assert_allclose(r.ccr, ccr, atol=1e-7)
    np.testing.assert_allclose(r.bcc, bcc, atol=1e-7)
    efficient = [o for o in range(40) if r.status[o] is not dea.EfficiencyStatus.INEFFICIENT]
    sup = [multiplier_theta(x, y, o, exclude_self=True) for o in efficient]
    np.testing.assert_allclose(r.super_efficiency[efficient], sup, rtol=1e-7)


def test_slacks_reach_the_independent_maximum() -> None:
    x, y = _data(30, 7)
    r = dea.dea(x, y)
    sx, sy = x.mean(axis=0), y.mean(axis=0)
    for o in range(30):
        ours = (r.headline.input_slacks[o] / sx).sum() + (r.headline.output_slacks[o] / sy).sum()
        assert ours == pytest.approx(max_slack(x, y, o, float(r.ccr[o])), abs=2e-6)
        # the projection is feasible: a combination of the peers uses no more input, gives no less output
        lam = r.headline.lambdas[[o], :].toarray()[0]
        assert (lam @ x <= r.input_targets(x)[o] + 1e-6).all()
        assert (lam @ y >= r.output_targets(y)[o] - 1e-6).all()


def test_dominated_zones_never_matter() -> None:
    x, y = _data(60, 11)
    ray = dea.dominated(x, y, ray=True)
    plain = dea.dominated(x, y, ray=False)
    assert ray.any() and plain.any() and (plain <= ray).all()  # plain dominance implies ray dominance
    # a zone with more of every input and less of every output than another is dominated
    x2, y2 = np.vstack([x, x[0] * 1.1]), np.vstack([y, y[0] * 0.9])
    assert dea.dominated(x2, y2, ray=False)[-1]


def test_inputs_must_be_positive_and_outputs_non_negative() -> None:
    with pytest.raises(ValueError, match="inputs must be positive"):
        dea.dea(np.array([[0.0], [1.0]]), np.array([[1.0], [1.0]]))
    with pytest.raises(ValueError, match="outputs must be non-negative"):
        dea.dea(np.array([[1.0], [1.0]]), np.array([[-1.0], [1.0]]))


def test_efficiency_scores_explain_the_way_to_the_frontier() -> None:
    spec = EfficiencySpec(inputs=["rd_expenditure", "rd_staff"], outputs=["invention_patents"])
    zones = ["A", "B", "C", "D", "E", "F", "G", "H"]
    x = np.vstack([CST_X, [[np.nan, 2.0], [0.0, 2.0]]])  # G misses an input, H has a zero input
    y = np.vstack([CST_Y, [[1.0], [1.0]]])
    out = efficiency_scores(zones, x, y, spec)
    assert out.scores[6] is None and "missing rd_expenditure" in (out.reasons[6] or "")
    assert out.scores[7] is None and "positive inputs" in (out.reasons[7] or "")
    a = out.scores[0]
    assert a is not None and a.status == "inefficient" and [p.zone for p in a.peers] == ["D", "E"]
    staff = next(t for t in a.targets if t.code == "rd_staff")
    assert staff.change_percent == pytest.approx(100 * (6 / 7 - 1))  # −14.3%: radial, no slack
    f = out.scores[5]
    assert f is not None and f.status == "weakly_efficient"
    spend = next(t for t in f.targets if t.code == "rd_expenditure")
    assert spend.target == pytest.approx(8.0, abs=1e-6) and spend.change_percent == pytest.approx(-20.0, abs=1e-4)
    # efficient zones rank above the others, by super-efficiency (E 2.0 > D 1.25 > C 1.1429)
    order = np.argsort(-np.nan_to_num(out.composite, nan=-1))[:3]
    assert [zones[k] for k in order] == ["E", "D", "C"]
    assert out.composite[4] == pytest.approx(200.0)
