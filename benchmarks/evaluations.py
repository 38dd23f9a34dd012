"""``POST /api/v1/evaluations`` end to end against the in-process pipeline on the same matrix.

For each backend (SQLite file; PostgreSQL when reachable) a fresh migrated database is loaded with the
demo data (``load_demo``). The server is started as ``zonescore serve`` starts it (1 worker, access log
and rate limit on, :mod:`benchmarks.serve`) and receives ``POST /api/v1/evaluations`` for
``innovation-peak``, the latest year, 1,000 Monte Carlo runs, with an admin key: the request selects
the zones, builds the matrix from the store, runs the model, stores the run, its zone results and the
audit event, and answers 201 with the run. Each request is timed by the client (median of 3; every
request stores a new run). The baseline is ``model.evaluate`` in this process on the matrix that
``build_matrix`` returns from the same database (median of 3); the matrix build alone is reported too.

The large case is a database of ``LARGE`` zones generated from the demo data (:mod:`benchmarks.synth`,
every indicator × 5 years, bulk-loaded through sqlite3 with the secondary indexes built afterwards; its build
time is printed): one request, its time against the pipeline on the same matrix, and the server's peak RSS
(VmHWM) after it.
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import auth_headers, backends, demo_database, fmt_s, fresh_database, report, server

MODEL = "innovation-peak"
RUNS = 1000
LARGE = 10_000
REPEAT = 3
LIMIT_KIB = 1024 * 1024


def _latest_year(url: str) -> int:
    from sqlalchemy import func, select

    from app.db import make_engine
    from app.orm import Observation

    engine = make_engine(url)
    with engine.connect() as conn:
        year = int(conn.scalar(select(func.max(Observation.year))) or 0)
    engine.dispose()
    return year


def pipeline(url: str, year: int, repeat: int) -> tuple[float, float, int]:
    """Median seconds of the matrix build from the store and of ``model.evaluate`` on it; zones."""
    from app.db import make_engine, make_session_factory
    from app.services.matrix import ZoneFilter, build_matrix, select_zones
    from scoring_models import EvaluationOptions, registry

    engine = make_engine(url)
    factory = make_session_factory(engine)
    builds, evals = [], []
    model = registry.get(MODEL)
    options = EvaluationOptions(seed=1, uncertainty_runs=RUNS)
    for _ in range(repeat):
        with factory() as session:
            t0 = time.perf_counter()
            matrix = build_matrix(session, select_zones(session, ZoneFilter()), year=year)
            builds.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        model.evaluate(matrix, options=options)
        evals.append(time.perf_counter() - t0)
    engine.dispose()
    return float(np.median(builds)), float(np.median(evals)), len(matrix.zones)


def post(url: str, year: int, repeat: int) -> tuple[float, int]:
    """Median seconds of ``POST /api/v1/evaluations`` and the server's VmHWM (KiB) afterwards."""
    import httpx

    headers = auth_headers(url)
    body = {"model": MODEL, "year": year, "options": {"seed": 1, "uncertainty_runs": RUNS}}
    times = []
    with server(url) as srv, httpx.Client(base_url=srv.base, timeout=900) as client:
        for _ in range(repeat):
            t0 = time.perf_counter()
            resp = client.post("/api/v1/evaluations", json=body, headers=headers)
            times.append(time.perf_counter() - t0)
            assert resp.status_code == 201, resp.text[:1000]
        hwm = srv.vm_hwm_kib()
    return float(np.median(times)), hwm


def build_large(url: str, n_zones: int) -> int:
    """Fill ``url`` (SQLite) with ``n_zones`` synthetic zones and their observations; returns the observation count."""
    from sqlalchemy import insert, select
    from sqlalchemy.engine import make_url

    from app.db import make_engine
    from app.orm import Observation, Zone
    from app.orm.base import utcnow
    from benchmarks.synth import synthetic

    matrix = synthetic(n_zones)
    now = utcnow()
    zones = [
        {"code": code, "name_zh": m.name_zh, "name_en": m.name_en, "province": m.province,
         "city": m.extra.get("city"), "level": m.level, "kind": "hitech", "year_approved": None,
         "pilot": bool(m.extra.get("pilot", False)), "leading_chain": m.leading_chain, "source": "benchmark",
         "created_at": now, "updated_at": now}
        for code, m in zip(matrix.zones, matrix.zone_meta, strict=True)
    ]
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(insert(Zone), zones)
        ids = dict(conn.execute(select(Zone.code, Zone.id)).all())
    engine.dispose()
    z_idx, i_idx, y_idx = np.nonzero(~np.isnan(matrix.values))
    codes = [ind.code for ind in matrix.indicators]
    stamp = Observation.__table__.c.updated_at.type.bind_processor(engine.dialect)  # bound as the column binds it
    updated = stamp(now) if stamp else now
    zone_ids = [ids[code] for code in matrix.zones]
    rows = list(zip([zone_ids[z] for z in z_idx.tolist()], [codes[i] for i in i_idx.tolist()],
                    [matrix.years[y] for y in y_idx.tolist()], matrix.values[z_idx, i_idx, y_idx].tolist(),
                    itertools.repeat(updated), strict=False))
    # 3.3 million rows: a bulk load, not the service's write path (Core with a dict a row took ~80 s): no
    # journal, the two secondary indexes built after the rows; the file ends as the service left it (WAL).
    with contextlib.closing(sqlite3.connect(str(make_url(url).database))) as conn:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        indexes = [(name, sql) for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master "
            "WHERE tbl_name = 'observations' AND type = 'index' AND sql IS NOT NULL")]
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.executemany(
            "INSERT INTO observations (zone_id, indicator_code, year, value, source, status, submitted_by, "
            "updated_at, revision) VALUES (?, ?, ?, ?, NULL, 'reported', NULL, ?, 1)", rows)
        for _name, sql in indexes:
            conn.execute(sql)
        conn.commit()
        conn.execute("PRAGMA journal_mode = WAL")
    return len(rows)


def _figure(label: str, url: str, repeat: int) -> None:
    year = _latest_year(url)
    t_post, hwm = post(url, year, repeat)
    t_build, t_eval, n = pipeline(url, year, repeat)
    ratio = t_post / t_eval
    report("evaluations", f"{label}: POST /api/v1/evaluations ({n} zones, {year}, {RUNS} MC runs; median of {repeat})",
           f"{fmt_s(t_post)} = {ratio:.2f}× the pipeline ({fmt_s(t_eval)}); matrix build from the store "
           f"{fmt_s(t_build)}; server peak RSS {hwm / 1024:.0f} MiB", target="≤ 1.5× pipeline", met=ratio <= 1.5)
    if n >= 3000:
        report("evaluations", f"{label}: server peak RSS during the {n}-zone evaluation", f"{hwm / 1024:.0f} MiB",
               target="< 1 GiB", met=hwm < LIMIT_KIB)


def run(quick: bool = False) -> None:
    n_large = 1000 if quick else LARGE
    print(f"\n== 5. POST /api/v1/evaluations end to end ({MODEL}, {RUNS} MC runs; server as `zonescore serve`, "
          "1 worker, access log and rate limit on) vs the in-process pipeline ==", flush=True)
    repeat = 1 if quick else REPEAT
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends():
            with demo_database(backend, Path(tmp)) as url:
                _figure(f"{backend}, demo data", url, repeat)
        with fresh_database("sqlite", Path(tmp)) as url:
            t0 = time.perf_counter()
            cells = build_large(url, n_large)
            print(f"  ({n_large:,}-zone SQLite database: {cells:,} observations generated and inserted in "
                  f"{time.perf_counter() - t0:.0f} s)", flush=True)
            _figure(f"sqlite, {n_large:,} zones", url, 1)
