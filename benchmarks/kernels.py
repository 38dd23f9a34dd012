"""Scoring kernels: entropy weights + TOPSIS, and weighted sum, against pymcdm, scikit-criteria and numpy.

Same data for all: a strictly positive (log-normal) zones × 60 matrix ``R``, every indicator
higher-is-better. Entropy + TOPSIS = entropy weights of ``R``, min-max normalisation of ``R``,
TOPSIS closeness. Weighted sum = min-max normalisation of ``R``, weighted arithmetic mean with
fixed expert weights. The engine is ``scoring_models.steps`` (weighting, normalisation,
aggregation); "numpy" is the shortest numpy code of the same formulas on a complete matrix (the
practical limit). Results are asserted equal to 1e-9 before timing.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.common import fmt_s, median_times, report
from scoring_models.steps import aggregation as agg
from scoring_models.steps import normalisation as nm
from scoring_models.steps import weighting as wt

N_IND = 60
TOL = 1e-9


def make_matrix(m: int, n: int = N_IND, seed: int = 7) -> np.ndarray[Any, np.dtype[np.float64]]:
    rng = np.random.default_rng(seed)
    return rng.lognormal(mean=0.0, sigma=1.0, size=(m, n)) * rng.uniform(0.5, 50.0, size=(1, n))


def implementations(r: np.ndarray[Any, np.dtype[np.float64]]) -> dict[str, dict[str, Callable[[], Any]]]:
    """kernel → implementation name → zero-argument callable returning closeness/score in [0, 1]."""
    import skcriteria as skc
    from pymcdm import normalizations as pn
    from pymcdm.methods import TOPSIS, WSM
    from pymcdm.weights import entropy_weights as pymcdm_entropy

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from skcriteria.agg.similarity import TOPSIS as SkTOPSIS
        from skcriteria.agg.simple import WeightedSumModel
        from skcriteria.preprocessing.scalers import MinMaxScaler
        from skcriteria.preprocessing.weighters import EntropyWeighter

    m, n = r.shape
    directions = np.ones(n)
    types = np.ones(n)
    expert = np.linspace(1.0, 3.0, n)
    expert_norm = expert / expert.sum()

    def engine_topsis() -> Any:
        w = wt.entropy_weights(r)
        return agg.topsis(nm.minmax(r, directions), w)

    def numpy_topsis() -> Any:
        # Σ p ln p with p = r/s is (Σ r ln r)/s − ln s: no proportion matrix is formed.
        s = r.sum(axis=0)
        e = (np.log(s) - np.einsum("ij,ij->j", r, np.log(r)) / s) / np.log(m)
        w = (1.0 - e) / (1.0 - e).sum()
        lo, hi = r.min(axis=0), r.max(axis=0)
        span = hi - lo
        a2 = (w / span) ** 2  # v = (r − lo)·w/span; ideal span·w/span, anti-ideal 0 (all columns benefit)
        x = r - lo
        dm2 = (x * x) @ a2
        d_minus = np.sqrt(dm2)
        d_plus = np.sqrt(np.maximum(dm2 - 2.0 * (x @ (span * a2)) + (span * span) @ a2, 0.0))
        return d_minus / (d_plus + d_minus)

    topsis_pm = TOPSIS(normalization_function=pn.minmax_normalization)

    def pymcdm_topsis() -> Any:
        return topsis_pm(r, pymcdm_entropy(r), types)

    def skcriteria_topsis() -> Any:
        dm = skc.mkdm(r, objectives=[max] * n)
        dm = EntropyWeighter().transform(dm)
        dm = MinMaxScaler(target="matrix").transform(dm)
        return SkTOPSIS().evaluate(dm).e_.similarity

    def engine_wsum() -> Any:
        return agg.arithmetic(nm.minmax(r, directions), expert) / 100.0

    def numpy_wsum() -> Any:
        lo, hi = r.min(axis=0), r.max(axis=0)
        a = expert_norm / (hi - lo)
        return r @ a - lo @ a

    wsm_pm = WSM(normalization_function=pn.minmax_normalization)

    def pymcdm_wsum() -> Any:
        return wsm_pm(r, expert_norm, types)

    def skcriteria_wsum() -> Any:
        dm = skc.mkdm(r, objectives=[max] * n, weights=expert_norm)
        dm = MinMaxScaler(target="matrix").transform(dm)
        return WeightedSumModel().evaluate(dm).e_.score

    return {
        "entropy+TOPSIS": {"engine": engine_topsis, "numpy": numpy_topsis, "pymcdm": pymcdm_topsis,
                           "scikit-criteria": skcriteria_topsis},
        "weighted sum": {"engine": engine_wsum, "numpy": numpy_wsum, "pymcdm": pymcdm_wsum,
                         "scikit-criteria": skcriteria_wsum},
    }


def check_equal(impls: dict[str, Callable[[], Any]]) -> float:
    """Largest absolute difference between the engine and each other implementation (asserted ≤ 1e-9)."""
    ref = np.asarray(impls["engine"](), dtype=np.float64)
    worst = 0.0
    for name, fn in impls.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = np.asarray(fn(), dtype=np.float64)
        diff = float(np.max(np.abs(got - ref)))
        assert diff <= TOL, f"{name} differs from the engine by {diff}"
        worst = max(worst, diff)
    return worst


def measure(m: int, *, repeat: int = 15, min_time: float = 0.2) -> dict[str, dict[str, float]]:
    """Median seconds per call of every implementation of both kernels on an m × 60 matrix."""
    r = make_matrix(m)
    out: dict[str, dict[str, float]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for kernel, impls in implementations(r).items():
            check_equal(impls)
            out[kernel] = median_times(impls, repeat=repeat, min_time=min_time)
    return out


def run(quick: bool = False) -> None:
    print("\n== 1. Scoring kernels (median per call; engine vs peers vs minimal numpy) ==", flush=True)
    sizes = (300, 10_000)
    for m in sizes:
        times = measure(m, repeat=7 if quick else 11, min_time=0.1 if quick else 0.2)
        for kernel, t in times.items():
            peer = min(t["pymcdm"], t["scikit-criteria"])
            peer_name = "pymcdm" if t["pymcdm"] <= t["scikit-criteria"] else "scikit-criteria"
            speedup = peer / t["engine"]
            vs_numpy = t["engine"] / t["numpy"]
            need = 5.0 if m <= 300 else 2.0
            section = "kernels"
            label = f"{kernel} {m}×{N_IND}"
            report(section, f"{label} medians",
                   f"engine {fmt_s(t['engine'])}, numpy {fmt_s(t['numpy'])}, pymcdm {fmt_s(t['pymcdm'])}, "
                   f"scikit-criteria {fmt_s(t['scikit-criteria'])}; results equal to ≤ {TOL:g}")
            report(section, f"{label} speed-up vs faster peer ({peer_name})", f"{speedup:.1f}×",
                   target=f"≥ {need:g}×", met=speedup >= need)
            report(section, f"{label} engine / minimal numpy", f"{vs_numpy:.2f}×", target="≤ 1.5×",
                   met=vs_numpy <= 1.5)
