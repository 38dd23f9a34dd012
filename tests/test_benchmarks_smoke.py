"""The benchmark package still imports and one kernel figure runs at a tiny size (so it doesn't rot)."""

from __future__ import annotations

import pytest


def test_kernel_benchmark_runs_small() -> None:
    pytest.importorskip("pymcdm")
    pytest.importorskip("skcriteria")
    from benchmarks import kernels

    times = kernels.measure(30, repeat=2, min_time=0.001)
    assert set(times) == {"entropy+TOPSIS", "weighted sum"}
    assert all(t > 0 for impls in times.values() for t in impls.values())


def test_engine_fast_paths_match_masked_paths() -> None:
    import numpy as np

    from scoring_models.steps import aggregation as agg
    from scoring_models.steps import normalisation as nm

    rng = np.random.default_rng(0)
    x = rng.uniform(0, 100, size=(40, 6))
    w = np.linspace(1, 2, 6)
    holed = x.copy()
    holed[3, 2] = np.nan
    # a NaN anywhere switches to the masked path; complete rows agree with the fast path's formula
    v = x * w
    dp = np.sqrt(((v - v.max(axis=0)) ** 2).sum(axis=1))
    dm = np.sqrt(((v - v.min(axis=0)) ** 2).sum(axis=1))
    assert np.allclose(agg.topsis(x, w), dm / (dp + dm))
    assert np.allclose(agg.topsis(x, np.vstack([w, w]))[:, 0], dm / (dp + dm))  # the masked 2-D path agrees
    assert np.isfinite(agg.topsis(holed, w)).all()
    assert np.allclose(agg.arithmetic(x, w), x @ (w / w.sum()))
    assert np.isnan(agg.arithmetic(holed, w)).sum() == 0
    assert np.allclose(nm.minmax(x, np.ones(6)).min(axis=0), 0)
    assert np.allclose(nm.minmax(x, -np.ones(6)).max(axis=0), 100)


def test_panel_benchmark_runs_small() -> None:
    from benchmarks import panel

    seconds, five_cross_sections = panel.panel_seconds(40, repeat=1)
    assert seconds > 0 and five_cross_sections > 0


def test_methods_benchmark_runs_small() -> None:
    from benchmarks import common, methods

    before = len(common.RESULTS)
    methods.run(quick=True, sizes=(40,))
    figures = common.RESULTS[before:]
    assert any(f.name.startswith("DEA kernel, 40 zones") for f in figures)
    assert any("AHP" in f.name for f in figures) and any("coupling" in f.name for f in figures)
