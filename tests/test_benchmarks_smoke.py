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


def test_read_mix_rotates_hits_misses_scorecards_and_zones() -> None:
    from benchmarks import reads

    rows = [{"province": p, "tier": t, "profile": f} for p in ("11", "32", "33", "44") for t in ("A", "B")
            for f in ("x", "y")]
    sets = reads.url_sets(7, [f"Z{k:03d}" for k in range(300)], rows)
    assert len(set(sets["hits"])) == 48 and len(set(sets["misses"])) == 1200
    assert not set(sets["hits"]) & set(sets["misses"])
    assert len(set(sets["misses"])) > 512  # longer than the page cache: a cycle never hits
    mix = reads.mix(sets, [])
    assert sum("/zones/Z" in p and "/evaluations/" in p for p in mix) == 2 * len(mix) // 10
    script = reads.LUA % ",".join(f'"{p}"' for p in mix[:3])
    assert script.count("/api/v1/") == 3 and "wrk.format" in script


def test_shipped_launcher_serves_what_zonescore_serve_serves() -> None:
    import inspect

    from app import server
    from benchmarks import serve

    assert f'"{serve.SHIPPED_APP}"' in inspect.getsource(server.serve)


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
