"""The flagship evaluation: ``innovation-peak`` with 1,000 Monte Carlo runs, and how it scales with zones.

The model's ``evaluate`` is timed on matrices built in memory (see :mod:`benchmarks.synth`): every
catalog indicator × 5 years, zone meta and the features the service passes. The 300-zone figure
is the median of several runs; the scaling series (100 … 3,000 zones) reports the median time,
the time per zone and the log-log slope of time against zones (least squares over the series).
"""

from __future__ import annotations

import math
import time

import numpy as np

from benchmarks.common import fmt_s, report
from benchmarks.synth import synthetic
from scoring_models import EvaluationOptions, registry

MODEL_KEY = "innovation-peak"
RUNS = 1000
# 10,000 zones in process is the baseline of the evaluations section (on the 10,000-zone database's own
# matrix); repeating it here cost ~40 s of the 10-minute budget on a loaded machine.
SIZES = (100, 300, 1000, 3000)


def evaluate_once(n_zones: int, *, runs: int = RUNS, seed: int = 42) -> float:
    """Seconds for one evaluation of ``n_zones`` zones (matrix built beforehand, not timed)."""
    matrix = synthetic(n_zones)
    model = registry.get(MODEL_KEY)
    t0 = time.perf_counter()
    result = model.evaluate(matrix, options=EvaluationOptions(seed=seed, uncertainty_runs=runs))
    elapsed = time.perf_counter() - t0
    assert len(result.zones) + len(result.excluded) == n_zones
    return elapsed


def median_eval(n_zones: int, repeat: int) -> float:
    matrix = synthetic(n_zones)
    model = registry.get(MODEL_KEY)
    options = EvaluationOptions(seed=42, uncertainty_runs=RUNS)
    first = model.evaluate(matrix, options=options)  # warm-up (imports, caches)
    assert first.zones and all(z.rank_interval is not None for z in first.zones), "Monte Carlo did not run"
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        model.evaluate(matrix, options=options)
        samples.append(time.perf_counter() - t0)
    return float(np.median(samples))


def slope(sizes: list[int], seconds: list[float]) -> float:
    x = np.log([float(s) for s in sizes])
    y = np.log(seconds)
    return float(np.polyfit(x, y, 1)[0])


def run(quick: bool = False) -> None:
    print(f"\n== 2. Flagship evaluation: {MODEL_KEY}, 5 years, {RUNS} Monte Carlo runs (in process) ==", flush=True)
    t300 = median_eval(300, repeat=3 if quick else 9)
    report("flagship", "innovation-peak 300 zones × 5 years, 1000 MC runs (median)", fmt_s(t300),
           target="< 2 s", met=t300 < 2.0)
    sizes = [s for s in SIZES if not quick or s <= 1000]
    times = []
    for n in sizes:
        t = t300 if n == 300 else median_eval(n, repeat=1 if n >= 3000 or quick else 3)
        times.append(t)
        report("flagship", f"{n} zones", f"{fmt_s(t)} ({t / n * 1e3:.2f} ms per zone)")
    s = slope(sizes, times)
    ok = math.isfinite(s) and s <= 1.2
    report("flagship", f"log-log slope of time vs zones ({sizes[0]}–{sizes[-1]})", f"{s:.2f}",
           target="close to 1", met=ok)
