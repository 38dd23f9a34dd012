"""The evaluation methods of issue 16 — AHP, DEA, coupling coordination — at 300 and 10,000 zones.

Matrices are the demo data resampled to N zones (``synth.synthetic``), year 2024.

* AHP: deriving the weights from an expert panel (five experts, AIJ; a pillars matrix of 6 and one
  matrix per pillar of up to 8 indicators, every CR computed) does not depend on the zones; the
  figures are that derivation, and ``innovation-peak`` evaluated with those AHP weights against
  the same model with its expert weights (no Monte Carlo), at 300 and 10,000 zones.
* DEA: the kernel (CCR with slacks, BCC, NIRS for returns to scale, super-efficiency of the
  efficient zones) on the zones reporting all five volumes, and the whole ``innovation-efficiency``
  model; the target is 300 zones well under a second.
* Coupling: the C/T/D kernel on N pairs of indices, and the whole ``innovation-industry-coupling``
  model.

Median of 5 runs (one at 10,000 zones, where the DEA kernel is timed only inside its model, so that
``make bench`` fits ten minutes), wall time and
the process's CPU time: on a shared 2-core machine under load the wall time is mostly waiting, so
the DEA target (300 zones well under a second) is judged on CPU time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.common import fmt_s, report
from benchmarks.synth import synthetic
from scoring_models.base import EvaluationOptions, IndicatorMatrix
from scoring_models.pipeline import build_model
from scoring_models.registry import load_registry
from scoring_models.spec import ModelSpec
from scoring_models.steps import dea
from scoring_models.steps.coupling import coupling_coordination

SIZES = (300, 10_000)
QUIET = EvaluationOptions(seed=1, uncertainty_runs=0)


def _median(fn: Callable[[], Any], runs: int) -> float:
    return _timed(fn, runs)[0]


def _timed(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``runs`` calls."""
    wall, cpu = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return float(np.median(wall)), float(np.median(cpu))


def _both(wall_cpu: tuple[float, float]) -> str:
    return f"{fmt_s(wall_cpu[0])} wall, {fmt_s(wall_cpu[1])} CPU"


def _consistent_matrix(items: list[str], seed: int) -> dict[str, Any]:
    """A judgment matrix over ``items`` close to consistent (CR well below 0.1), on Saaty's scale."""
    rng = np.random.default_rng(seed)
    w = rng.uniform(1.0, 4.0, len(items))
    a = np.clip(np.round(w[:, None] / w[None, :] * 2) / 2, 1 / 9, 9)
    a = np.triu(a, 1)
    full = np.eye(len(items)) + a + np.where(a.T > 0, 1 / np.where(a.T > 0, a.T, 1), 0)
    return {"items": items, "matrix": full.round(6).tolist()}


def ahp_spec(experts: int = 5) -> dict[str, Any]:
    """``innovation-peak`` with its weights from a panel of ``experts`` (AIJ)."""
    spec: dict[str, Any] = load_registry(plugins=False).get("innovation-peak").spec.model_dump(mode="json")  # type: ignore[attr-defined]
    pillars = [p["code"] for p in spec["pillars"]]
    inside = {p: [i["code"] for i in spec["indicators"] if i["pillar"] == p] for p in pillars}
    spec["constraints"] = {"max_nature_share": {"process": 0.0}}  # random panels may rate scale above 10%
    spec["key"], spec["weighting"] = "innovation-peak-ahp", {
        "method": "ahp",
        "ahp": {"max_cr": 0.2, "experts": [
            {"expert": f"expert {e}", "pillars": _consistent_matrix(pillars, e),
             "indicators": {p: _consistent_matrix(codes, 100 * e + k) for k, (p, codes) in enumerate(inside.items())
                            if len(codes) > 1}}
            for e in range(experts)
        ]},
    }
    return spec


def _ahp(matrices: dict[int, IndicatorMatrix], runs: int) -> None:
    raw = ahp_spec()
    t_spec = _median(lambda: ModelSpec.model_validate(raw), runs)
    report("methods", "AHP: weights from a 5-expert panel (AIJ, 6 + 6 matrices, every CR)", fmt_s(t_spec))
    ahp_model = build_model(raw)
    expert_model = load_registry(plugins=False).get("innovation-peak")
    for n, matrix in matrices.items():
        reps = runs if n <= 300 else 1
        t_ahp = _timed(lambda m=matrix: ahp_model.evaluate(m, options=QUIET), reps)
        t_exp = _timed(lambda m=matrix: expert_model.evaluate(m, options=QUIET), reps)
        report("methods", f"AHP-weighted innovation-peak, {n} zones (no Monte Carlo)",
               f"{_both(t_ahp)} = {t_ahp[1] / t_exp[1]:.2f}× the expert-weighted model's CPU ({_both(t_exp)})")


def _volumes(matrix: IndicatorMatrix) -> tuple[np.ndarray, np.ndarray]:
    codes = matrix.indicator_codes
    cur = matrix.current
    x = cur[:, [codes.index("rd_expenditure"), codes.index("rd_staff")]]
    y = cur[:, [codes.index(c) for c in ("invention_patents", "tech_contract_turnover", "new_product_revenue")]]
    ok = ~(np.isnan(x).any(axis=1) | np.isnan(y).any(axis=1)) & (x > 0).all(axis=1)
    return x[ok], y[ok]


def _dea(matrices: dict[int, IndicatorMatrix], runs: int) -> None:
    model = load_registry(plugins=False).get("innovation-efficiency")
    for n, matrix in matrices.items():
        if n <= 300:  # at 10,000 zones the model's figure is the kernel's plus a little: one of them is enough
            x, y = _volumes(matrix)
            t = _timed(lambda a=x, b=y: dea.dea(a, b), runs)
            report("methods", f"DEA kernel, {n} zones ({len(x)} with every volume): CCR+slacks, BCC, NIRS, "
                   "super-efficiency", _both(t), target="CPU < 1 s", met=t[1] < 1.0)
        t_model = _timed(lambda m=matrix: model.evaluate(m, options=QUIET), runs if n <= 300 else 1)
        report("methods", f"innovation-efficiency model, {n} zones", _both(t_model))


def _coupling(matrices: dict[int, IndicatorMatrix], runs: int) -> None:
    model = load_registry(plugins=False).get("innovation-industry-coupling")
    rng = np.random.default_rng(3)
    for n, matrix in matrices.items():
        u1, u2 = rng.uniform(size=n), rng.uniform(size=n)
        t_kernel = _median(lambda a=u1, b=u2: coupling_coordination(a, b), max(runs, 25))
        report("methods", f"coupling C/T/D kernel, {n} zones", fmt_s(t_kernel))
        t_model = _timed(lambda m=matrix: model.evaluate(m, options=QUIET), runs if n <= 300 else 1)
        report("methods", f"innovation-industry-coupling model, {n} zones", _both(t_model))


def run(quick: bool = False, sizes: tuple[int, ...] = SIZES) -> None:
    print("\n== Methods: AHP, DEA, coupling coordination ==", flush=True)
    chosen = tuple(min(s, 1_000) for s in sizes) if quick else sizes
    matrices = {n: synthetic(n) for n in chosen}
    runs = 3 if quick else 5
    _ahp(matrices, runs)
    _dea(matrices, runs)
    _coupling(matrices, runs)
