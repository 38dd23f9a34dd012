"""Panels: ``innovation-peak`` over 2020–2024 (5 years) with 1,000 Monte Carlo runs, in process and through the API.

In process, :func:`scoring_models.panel.evaluate_panel` is timed on the synthetic matrices of
:mod:`benchmarks.synth` (every catalog indicator × 2020–2024) against an in-run baseline: the five
cross-section evaluations of the same model and years (``evaluate`` with the same options), which is what a
user ran before panels existed — the panel scores all 1,500 zone-years at once and adds the trajectories'
Monte Carlo (1,000 runs re-scoring every zone-year, the Theil–Sen slope of every zone in every run). Median of
several runs at 300 zones; 1,000 and 3,000 zones once each for the scaling. Through the API, ``POST
/api/v1/panels`` on a fresh SQLite database holding the demo data (the app in process, no network): the
request's wall time, which includes building the window's matrix from the database and storing 1,500 zone-years
and 300 trajectories.
"""

from __future__ import annotations

import dataclasses
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from benchmarks.common import auth_headers, demo_database, fmt_s, report
from benchmarks.synth import synthetic
from scoring_models import EvaluationOptions, registry
from scoring_models.panel import PanelWindow, evaluate_panel
from scoring_models.pipeline import SpecModel

MODEL_KEY = "innovation-peak"
RUNS = 1000
WINDOW = PanelWindow(2020, 2024, 2020)


def panel_seconds(n_zones: int, repeat: int) -> tuple[float, float]:
    """Median seconds of the panel and of the five cross-sections it replaces, timed interleaved."""
    matrix = synthetic(n_zones)
    model = registry.get(MODEL_KEY)
    assert isinstance(model, SpecModel)
    spec = model.spec
    options = EvaluationOptions(seed=42, uncertainty_runs=RUNS)
    first = evaluate_panel(spec, matrix, WINDOW, options)  # warm-up, and a check that the Monte Carlo ran
    assert len(first.trajectories) == n_zones and all(t.interval is not None for t in first.trajectories)
    years = [dataclasses.replace(matrix, evaluation_year=y) for y in WINDOW.years]
    panel, cross = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        evaluate_panel(spec, matrix, WINDOW, options)
        panel.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for m in years:
            model.evaluate(m, options=options)
        cross.append(time.perf_counter() - t0)
    return statistics.median(panel), statistics.median(cross)


def api_seconds() -> float:
    """Wall time of ``POST /api/v1/panels`` (2020–2024, 1,000 runs) on the demo data in a fresh SQLite file."""
    with warnings.catch_warnings():  # starlette's note that its TestClient will move to httpx2; not ours to act on
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
        from fastapi.testclient import TestClient

    from app.config import Settings
    from app.main import create_app

    with tempfile.TemporaryDirectory() as tmp, demo_database("sqlite", Path(tmp)) as url:
        headers = auth_headers(url)
        app = create_app(Settings(database_url=url, log_level="WARNING"))
        body = {"model": MODEL_KEY, "years": [WINDOW.first, WINDOW.last],
                "options": {"seed": 42, "uncertainty_runs": RUNS}}
        with TestClient(app, headers=headers) as client:
            t0 = time.perf_counter()
            response = client.post("/api/v1/panels", json=body)
            elapsed = time.perf_counter() - t0
        app.state.engine.dispose()
        assert response.status_code == 201, response.text
        assert response.json()["zone_years"] == 1500
        return elapsed


def run(quick: bool = False) -> None:
    print(f"\n== 6. Panels: {MODEL_KEY}, {WINDOW.first}–{WINDOW.last}, {RUNS} Monte Carlo runs ==", flush=True)
    # 5 repeats and no 3,000-zone point (its five cross-sections alone took ~1 min on the loaded machine):
    # `make bench` as a whole has to finish within 10 minutes.
    panel, cross = panel_seconds(300, repeat=3 if quick else 5)
    report("panel", "300 zones × 5 years, 1000 MC runs (median, in process)", fmt_s(panel), target="< 2 s",
           met=panel < 2.0)
    report("panel", "300 zones: panel / five cross-section evaluations of the same years", f"{panel / cross:.2f}× "
           f"(five cross-sections {fmt_s(cross)})", target="≤ 1.5×", met=panel / cross <= 1.5)
    for n in (1000,):
        p, c = panel_seconds(n, repeat=1)
        report("panel", f"{n} zones × 5 years", f"{fmt_s(p)} ({p / n * 1e3:.2f} ms per zone; five cross-sections "
               f"{fmt_s(c)})")
    api = api_seconds()
    report("panel", "POST /api/v1/panels, demo data (300 zones × 5 years, 1000 MC runs), SQLite", fmt_s(api),
           target="< 10 s", met=api < 10.0)
