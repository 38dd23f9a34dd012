"""Ingest: 100,000 observations through the API against a bare SQLAlchemy Core ``executemany``.

For each backend (SQLite file; PostgreSQL when reachable) and each path, a fresh migrated
database receives the same 400 synthetic zones (inserted with Core, not timed) and then the same
100,000 cells (400 zones × 50 indicators × 2020–2024):

* ``bare``: ``conn.execute(insert(Observation), rows)`` — one executemany into the observations
  table, plus commit; no validation, no history;
* ``CSV long`` / ``CSV wide``: ``POST /api/v1/imports`` (multipart file) to the shipped server
  (:mod:`benchmarks.serve`, 1 worker, 127.0.0.1; access log and rate limit on), client in this process;
* ``JSON``: ``POST /api/v1/observations`` with the 100,000 cells in one batch.

The API paths validate every cell and also write one history row per cell; the rate is cells per
second of wall time of the request (including upload and parsing). The server's peak RSS (VmHWM)
after each import is recorded for the memory section.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import auth_headers, backends, fresh_database, report, server
from scoring_models.catalog import ValueKind, indicator_catalog

N_ZONES = 400
N_INDICATORS = 50
YEARS = (2020, 2021, 2022, 2023, 2024)
# A fresh database (and, for the API, a fresh server) for every repetition. The bare insert is cheap and is
# the denominator of every ratio, so it is the median of 3; each API path runs once, which is what fits
# `make bench` into ten minutes (two runs of each cost ~80 s more on this machine).
BARE_REPEAT = 3
API_REPEAT = 1
PEAK_RSS: dict[str, int] = {}  # path → server VmHWM in KiB after the import


@dataclass(frozen=True)
class Dataset:
    zones: list[dict[str, Any]]
    cells: list[tuple[str, str, int, float]]  # zone_code, indicator_code, year, value
    codes: list[str]


def dataset(n_zones: int = N_ZONES, n_indicators: int = N_INDICATORS, seed: int = 5) -> Dataset:
    rng = np.random.default_rng(seed)
    inds = indicator_catalog().indicators[:n_indicators]
    zones = [
        {"code": f"BENCH-{k:05d}", "name_zh": f"基准高新区{k:05d}", "name_en": f"Bench zone {k:05d}",
         "province": "33", "city": "杭州", "level": "national" if k % 3 else "provincial", "kind": "hitech",
         "year_approved": 1991, "pilot": False, "leading_chain": None, "source": "benchmark"}
        for k in range(n_zones)
    ]
    cells: list[tuple[str, str, int, float]] = []
    for ind in inds:
        lo = max(ind.min_value, 0.0)
        hi = min(ind.max_value, lo + 1000.0)
        v = rng.uniform(lo, hi, size=(n_zones, len(YEARS)))
        if ind.kind is ValueKind.FLAG:
            v = (v > (lo + hi) / 2).astype(float)
        elif ind.kind is ValueKind.COUNT:
            v = np.floor(v)
        else:
            v = np.round(v, 3)
        for z in range(n_zones):
            for y, year in enumerate(YEARS):
                cells.append((str(zones[z]["code"]), ind.code, year, float(v[z, y])))
    cells.sort()
    return Dataset(zones, cells, [i.code for i in inds])


def _insert_zones(url: str, data: Dataset) -> dict[str, int]:
    from sqlalchemy import insert, select

    from app.db import make_engine
    from app.orm import Zone
    from app.orm.base import utcnow

    engine = make_engine(url)
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(insert(Zone), [{**z, "created_at": now, "updated_at": now} for z in data.zones])
        ids = {code: zid for code, zid in conn.execute(select(Zone.code, Zone.id))}
    engine.dispose()
    return ids


def _count(url: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from app.db import make_engine
    from app.orm import Observation, ObservationChange

    engine = make_engine(url)
    with engine.connect() as conn:
        n_obs = conn.scalar(select(func.count()).select_from(Observation)) or 0
        n_chg = conn.scalar(select(func.count()).select_from(ObservationChange)) or 0
    engine.dispose()
    return n_obs, n_chg


def bare_insert(url: str, data: Dataset) -> float:
    """Seconds for one Core executemany of every cell into the observations table, plus commit."""
    from sqlalchemy import insert

    from app.db import make_engine
    from app.orm import Observation
    from app.orm.base import utcnow

    ids = _insert_zones(url, data)
    now = utcnow()
    rows = [
        {"zone_id": ids[z], "indicator_code": i, "year": y, "value": v, "source": None, "status": "reported",
         "submitted_by": None, "updated_at": now, "revision": 1}
        for z, i, y, v in data.cells
    ]
    engine = make_engine(url)
    with engine.connect() as conn:  # connect outside the timing
        conn.exec_driver_sql("SELECT 1")
        t0 = time.perf_counter()
        conn.execute(insert(Observation), rows)
        conn.commit()
        elapsed = time.perf_counter() - t0
    engine.dispose()
    assert _count(url)[0] == len(data.cells)
    return elapsed


def csv_long(data: Dataset) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["zone_code", "indicator_code", "year", "value"])
    w.writerows((z, i, y, repr(v)) for z, i, y, v in data.cells)
    return buf.getvalue().encode()


def csv_wide(data: Dataset) -> bytes:
    table: dict[tuple[str, int], dict[str, float]] = {}
    for z, i, y, v in data.cells:
        table.setdefault((z, y), {})[i] = v
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["zone_code", "year", *data.codes])
    for (z, y), vals in sorted(table.items()):
        w.writerow([z, y, *(repr(vals[c]) for c in data.codes)])
    return buf.getvalue().encode()


def json_batch(data: Dataset) -> bytes:
    return json.dumps({"observations": [
        {"zone_code": z, "indicator_code": i, "year": y, "value": v} for z, i, y, v in data.cells
    ]}).encode()


def api_ingest(url: str, data: Dataset, path: str) -> tuple[float, int]:
    """Seconds of the request and the server's VmHWM (KiB) afterwards, for one path on a fresh database."""
    import httpx

    _insert_zones(url, data)
    body = {"CSV long": csv_long, "CSV wide": csv_wide, "JSON": json_batch}[path](data)
    headers = auth_headers(url)
    with server(url) as srv, httpx.Client(base_url=srv.base, timeout=600) as client:
        t0 = time.perf_counter()
        if path == "JSON":
            resp = client.post("/api/v1/observations", content=body,
                               headers={**headers, "Content-Type": "application/json"})
        else:
            resp = client.post("/api/v1/imports", files={"file": ("bench.csv", body, "text/csv")}, headers=headers)
        elapsed = time.perf_counter() - t0
        assert resp.status_code == 200, resp.text[:2000]
        assert resp.json()["inserted"] == len(data.cells), resp.text[:500]
        hwm = srv.vm_hwm_kib()
    n_obs, n_chg = _count(url)
    assert n_obs == len(data.cells) and n_chg == len(data.cells), (n_obs, n_chg)
    return elapsed, hwm


def _runs(repeat: int) -> str:
    return "one run" if repeat == 1 else f"median of {repeat}"


def run(quick: bool = False, paths: tuple[str, ...] = ("CSV long", "CSV wide", "JSON")) -> None:
    print(f"\n== 3. Ingest of {N_ZONES * N_INDICATORS * len(YEARS):,} observations "
          "(the shipped server, 1 worker, access log and rate limit on) ==", flush=True)
    data = dataset(n_zones=80 if quick else N_ZONES)
    n = len(data.cells)
    bare_repeat, repeat = (1, 1) if quick else (BARE_REPEAT, API_REPEAT)
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends():
            bares = []
            for _ in range(bare_repeat):
                with fresh_database(backend, Path(tmp)) as url:
                    bares.append(bare_insert(url, data))
            bare = float(np.median(bares))
            bare_rate = n / bare
            report("ingest", f"{backend}: bare Core executemany",
                   f"{bare:.2f} s = {bare_rate:,.0f} rows/s (median of {bare_repeat})")
            for path in paths:
                times, hwms = [], []
                for _ in range(repeat):
                    with fresh_database(backend, Path(tmp)) as url:
                        t, hwm = api_ingest(url, data, path)
                    times.append(t)
                    hwms.append(hwm)
                t = float(np.median(times))
                PEAK_RSS[f"{backend} {path}"] = max(hwms)
                rate = n / t
                share = rate / bare_rate
                report("ingest", f"{backend}: {path}",
                       f"{t:.2f} s = {rate:,.0f} rows/s = {share:.0%} of bare ({_runs(repeat)}); "
                       f"server peak RSS {max(hwms) / 1024:.0f} MiB",
                       target="≥ 50% of bare", met=share >= 0.5)
