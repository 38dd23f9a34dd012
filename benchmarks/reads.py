"""Reads: ``GET /api/v1/evaluations/{id}/rankings?limit=50`` under 32 connections vs a bare route.

A fresh SQLite database is migrated, loaded with the demo data (``load_demo``, what
``zonescore seed-demo`` runs) and given one ``innovation-peak`` run (``run_evaluation``). The app
is served by uvicorn (1 worker) in a subprocess from :mod:`benchmarks.bench_app`, which adds
``/bench/bare`` returning the very bytes of that rankings page from the same process. ``wrk``
(1 thread, 32 connections) drives each URL for 20 s in its own process; without ``wrk`` the
asyncio/httpx client of :mod:`benchmarks.loadgen` runs in a subprocess instead (a note is printed).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchmarks.common import PYTHON, ROOT, fresh_database, report, server

CONNECTIONS = 32


def _prepare(url: str) -> int:
    from app.db import make_engine, make_session_factory, session_scope
    from app.schemas.evaluation import EvaluationRequest
    from app.services.audit import CLI_ACTOR
    from app.services.demo_loader import load_demo
    from app.services.evaluations import run_evaluation
    from app.services.publication import Publisher, publish
    from scoring_models import EvaluationOptions

    engine = make_engine(url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        load_demo(session)
    run_id = 0
    with session_scope(factory) as session:
        run = run_evaluation(session, EvaluationRequest(
            model="innovation-peak", year=2024, options=EvaluationOptions(seed=1, uncertainty_runs=1000)))
        # Published, as portals read it (a draft is 404 without a key).
        run_id = publish(session, run.id, Publisher(CLI_ACTOR)).id
    engine.dispose()
    return run_id


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip()).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def load(url: str, seconds: float) -> dict[str, float]:
    """rps, p50_ms, p99_ms, requests, errors for ``url`` under 32 connections."""
    wrk = shutil.which("wrk")
    if wrk:
        out = subprocess.run([wrk, "-t1", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "--latency", url],
                             capture_output=True, text=True, check=True).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
        p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
        p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
        requests = float(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
        m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        errors = float(m.group(1)) if m else 0.0
        return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "requests": requests, "errors": errors}
    out = subprocess.run([PYTHON, "-m", "benchmarks.loadgen", url, str(CONNECTIONS), str(seconds)],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def run(quick: bool = False) -> None:
    seconds = 5.0 if quick else 20.0
    tool = "wrk -t1 -c32" if shutil.which("wrk") else "asyncio/httpx client subprocess, 32 connections"
    print(f"\n== 4. Reads: rankings?limit=50 vs bare route, {CONNECTIONS} connections, {seconds:g} s each "
          f"({tool}; uvicorn 1 worker, SQLite demo database) ==", flush=True)
    if not shutil.which("wrk"):
        print("  note: wrk not found — using the Python load generator, which shares the 2 cores less "
              "efficiently; install wrk (apt-get install -y wrk) for the reference figures")
    with tempfile.TemporaryDirectory() as tmp, fresh_database("sqlite", Path(tmp)) as db_url:
        run_id = _prepare(db_url)
        bare_file = Path(tmp) / "bare.json"
        with server(db_url, env={"ZONESCORE_BENCH_BARE_FILE": str(bare_file)}) as srv:
            import httpx

            path = f"/api/v1/evaluations/{run_id}/rankings?limit=50"
            resp = httpx.get(srv.base + path)
            assert resp.status_code == 200 and len(resp.json()["items"]) == 50
            bare_file.write_bytes(resp.content)
            assert httpx.get(srv.base + "/bench/bare").content == resp.content
            ranked = load(srv.base + path, seconds)
            bare = load(srv.base + "/bench/bare", seconds)
    ratio = ranked["rps"] / bare["rps"]
    report("reads", "bare route", f"{bare['rps']:,.0f} req/s, p50 {bare['p50_ms']:.1f} ms, p99 {bare['p99_ms']:.1f} ms")
    report("reads", "rankings?limit=50",
           f"{ranked['rps']:,.0f} req/s, p50 {ranked['p50_ms']:.1f} ms, p99 {ranked['p99_ms']:.1f} ms "
           f"({len(resp.content):,} bytes, {int(ranked['errors'])} errors)")
    report("reads", "rankings / bare throughput", f"{ratio:.0%}", target="≥ 50%", met=ratio >= 0.5)
    report("reads", "rankings p99 latency", f"{ranked['p99_ms']:.1f} ms", target="< 100 ms",
           met=ranked["p99_ms"] < 100)
