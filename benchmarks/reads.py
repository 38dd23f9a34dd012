"""Reads as shipped: a realistic URL mix under 32 connections, against a bare route, with 1 and 2 workers.

A fresh SQLite database holds the demo data (``common.demo_database``: what ``zonescore seed-demo``
loads, copied from a file loaded once per run) and one ``innovation-peak`` run. The server is started
the way ``zonescore serve`` starts it (:mod:`benchmarks.serve`): the app's access log on (INFO, one
JSON line per request into a file), the rate limit on and counted in Redis (``ZONESCORE_REDIS_URL``, a key prefix of its
own, a limit of 10⁸ per minute so nothing is refused — the budget is still charged on every request).
``wrk`` (1 thread, 32 connections) rotates through a list of URLs with a Lua script:

* *rankings, cache hits*: 48 ranking pages (filters by province, level, tier, profile; sorts; offsets;
  page sizes), each read once before the run so every request is served from the page cache;
* *rankings, cache misses*: 1,200 distinct pages read in a cycle longer than the page cache (512), so
  every request builds its page from the database;
* *scorecards*, *zones*: never cached (every request reads the database);
* *mix*: 6 cached ranking pages : 1 uncached page : 2 scorecards : 1 zone list or zone : 2 pages of the
  official ranking (``GET /api/v1/official/rankings``, which reads the run's publication state every time).

The bare route (``/bench/bare``, :mod:`benchmarks.bench_app`) returns the bytes of a ranking page
through the same middleware (request id, access log, rate limit, security headers) without any route
work. Without ``wrk`` the asyncio/httpx client of :mod:`benchmarks.loadgen` drives one URL per run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Any

from benchmarks.common import PYTHON, ROOT, demo_database, report, server

CONNECTIONS = 32
REDIS_URL = os.environ.get("ZONESCORE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMIT = 100_000_000  # per minute: charged on every request, never refusing one
OFFICIAL = "/api/v1/official/rankings"


def _prepare(url: str) -> tuple[int, list[str]]:
    """The run id and every zone code of the demo database (loaded and evaluated here)."""
    from sqlalchemy import select

    from app.db import make_engine, make_session_factory, session_scope
    from app.orm import EvaluationZoneResult, Zone
    from app.schemas.evaluation import EvaluationRequest
    from app.services.audit import CLI_ACTOR
    from app.services.evaluations import run_evaluation
    from app.services.publication import Publisher, publish
    from scoring_models import EvaluationOptions

    engine = make_engine(url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        run = run_evaluation(session, EvaluationRequest(
            model="innovation-peak", year=2024, options=EvaluationOptions(seed=1, uncertainty_runs=1000)))
        # Published, as portals read it (a draft is 404 without a key).
        run_id = publish(session, run.id, Publisher(CLI_ACTOR)).id
    with factory() as session:
        codes = list(session.scalars(select(EvaluationZoneResult.zone_code).where(
            EvaluationZoneResult.run_id == run_id).order_by(EvaluationZoneResult.rank)))
        all_codes = list(session.scalars(select(Zone.code).order_by(Zone.code)))
    engine.dispose()
    return run_id, codes or all_codes


def url_sets(run_id: int, codes: list[str], rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Path lists by kind; ``rows`` (the first ranking page of 1000) supplies real filter values."""
    base = f"/api/v1/evaluations/{run_id}/rankings"
    provinces = sorted({r["province"] for r in rows if r.get("province")})[:4]
    tiers = sorted({r["tier"] for r in rows if r.get("tier")})[:3]
    profiles = sorted({r["profile"] for r in rows if r.get("profile")})[:2]
    hits = [f"{base}?limit=50", f"{base}?limit=20&lang=en", f"{base}?limit=100&sort=-composite"]
    hits += [f"{base}?limit=50&offset={o}" for o in (50, 100, 150, 200, 250)]
    hits += [f"{base}?province={p}&limit=20" for p in provinces]
    hits += [f"{base}?province={p}&sort=-rpi&limit=10" for p in provinces]
    hits += [f"{base}?level={lv}&limit=50&offset={o}" for lv in ("national", "provincial") for o in (0, 50)]
    hits += [f"{base}?tier={t}&limit=25" for t in tiers] + [f"{base}?profile={p}&limit=25" for p in profiles]
    hits += [f"{base}?sort={s}&limit=50&offset={o}" for s in ("rpi", "zone_code", "-rank", "peer_rank")
             for o in (0, 100, 200)]
    while len(hits) < 48:  # pad with page sizes (distinct keys) so the set has 48 pages
        hits.append(f"{base}?limit={len(hits) + 1}&offset=10")
    sorts = ("rank", "-composite", "rpi", "zone_code")
    n_pages = max(1, len(codes) - 20)
    # 1,200 distinct pages (sort × offset, then page size once the offsets run out)
    misses = [f"{base}?sort={sorts[k % 4]}&limit={20 + k // (4 * n_pages)}&offset={(k // 4) % n_pages}"
              for k in range(1200)]
    cards = [f"/api/v1/evaluations/{run_id}/zones/{c}" for c in codes[:: max(1, len(codes) // 60)]]
    zones = [f"/api/v1/zones/{c}" for c in codes[:: max(1, len(codes) // 30)]]
    zones += [f"/api/v1/zones?province={p}&limit=50" for p in provinces] + ["/api/v1/zones?limit=100"]
    return {"hits": hits[:48], "misses": misses, "cards": cards, "zones": zones}


def mix(sets: dict[str, list[str]], official: list[str]) -> list[str]:
    """The realistic mix: 6 cached pages : 1 uncached page : 2 scorecards : 1 zone read (: 2 official)."""
    out: list[str] = []
    for k in range(600):
        out += [sets["hits"][(6 * k + j) % len(sets["hits"])] for j in range(6)]
        out.append(sets["misses"][k])
        out += [sets["cards"][(2 * k + j) % len(sets["cards"])] for j in range(2)]
        out.append(sets["zones"][k % len(sets["zones"])])
        out += official * 2
    return out


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip()).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


LUA = """paths = {%s}
i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def load(base: str, paths: list[str], seconds: float, workdir: Path) -> dict[str, float]:
    """rps, p50_ms, p99_ms, requests, errors for ``paths`` in rotation under 32 connections."""
    wrk = shutil.which("wrk")
    if wrk:
        script = workdir / f"paths-{uuid.uuid4().hex[:6]}.lua"
        script.write_text(LUA % ",".join(json.dumps(p) for p in paths))
        out = subprocess.run([wrk, "-t1", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "--latency", "-s", str(script),
                              base], capture_output=True, text=True, check=True).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
        p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
        p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
        requests = float(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
        m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        errors = float(m.group(1)) if m else 0.0
        return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "requests": requests, "errors": errors}
    out = subprocess.run([PYTHON, "-m", "benchmarks.loadgen", base + paths[0], str(CONNECTIONS), str(seconds)],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def _redis_ok() -> bool:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
        client.ping()
        client.close()
        return True
    except Exception:
        return False


def _redis_keys(prefix: str, *, delete: bool = False) -> int:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if delete and keys:
        client.delete(*keys)
    client.close()
    return len(keys)


def _official(client: Any) -> list[str]:
    """Two pages of the official ranking (the published innovation-peak run of 2024 over all zones)."""
    first = f"{OFFICIAL}?model=innovation-peak&year=2024"
    resp = client.get(first)
    if resp.status_code != 200:
        raise RuntimeError(f"{first} answered {resp.status_code}: {resp.text[:300]}")
    return [first, f"{first}&limit=20&offset=20"]


def _fmt(r: dict[str, float]) -> str:
    return (f"{r['rps']:,.0f} req/s, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms "
            f"({int(r['requests']):,} requests, {int(r['errors'])} errors)")


def _serve_and_load(db_url: str, env: dict[str, str], workers: int, runs: dict[str, list[str]], seconds: float,
                    tmp: Path, bare_file: Path, misses: list[str]) -> dict[str, dict[str, float]]:
    import httpx

    out: dict[str, dict[str, float]] = {}
    miss_set = set(misses)
    with server(db_url, workers=workers, env=env) as srv, httpx.Client(base_url=srv.base, timeout=30) as client:
        for name, paths in runs.items():
            # Warm: every cacheable page read once (the misses' cycle is longer than the cache anyway)
            # and every other URL checked once. With 2 workers only the worker of this connection is
            # warmed; the other fills its cache with the first ~100 requests of the run.
            for p in dict.fromkeys(paths):
                if p in miss_set and name != "misses":
                    continue
                if name == "misses" and p not in misses[:3]:
                    continue
                resp = client.get(p)
                assert resp.status_code == 200, (p, resp.status_code, resp.text[:300])
            if "bare" in name:
                assert client.get("/bench/bare").content == bare_file.read_bytes()
            out[name] = load(srv.base, paths, seconds, tmp)
    return out


def run(quick: bool = False) -> None:
    import httpx

    seconds = 4.0 if quick else 6.0  # 6 s of each of 7 loads: `make bench` has to fit ten minutes
    tool = "wrk -t1 -c32, Lua URL rotation" if shutil.which("wrk") else "asyncio/httpx client, one URL"
    print(f"\n== 4. Reads as shipped: URL mix vs bare route, {CONNECTIONS} connections, {seconds:g} s each ({tool}; "
          "access log on, Redis rate limit on) ==", flush=True)
    if not shutil.which("wrk"):
        print("  note: wrk not found — the Python load generator reads one URL per run and shares the 2 cores "
              "less efficiently; install wrk (apt-get install -y wrk) for the reference figures")
    prefix = f"zsbench-{uuid.uuid4().hex[:8]}:"
    env = {"ZONESCORE_RATE_LIMIT_PER_MINUTE": str(LIMIT)}
    limiter = "Redis-backed"
    if _redis_ok():
        env |= {"ZONESCORE_REDIS_URL": REDIS_URL, "ZONESCORE_REDIS_PREFIX": prefix}
    else:
        limiter = "in-process (Redis not reachable)"
        print(f"  note: Redis at {REDIS_URL} not reachable — the rate limit counts in the process instead")
    with tempfile.TemporaryDirectory() as tmp_name, demo_database("sqlite", Path(tmp_name)) as db_url:
        tmp = Path(tmp_name)
        run_id, codes = _prepare(db_url)
        bare_file = tmp / "bare.json"
        env["ZONESCORE_BENCH_BARE_FILE"] = str(bare_file)
        with server(db_url, env=env) as srv, httpx.Client(base_url=srv.base) as client:
            first = client.get(f"/api/v1/evaluations/{run_id}/rankings?limit=50")
            assert first.status_code == 200 and len(first.json()["items"]) == 50
            assert "ratelimit" in first.headers, "the rate limit is not on"
            bare_file.write_bytes(first.content)
            rows = client.get(f"/api/v1/evaluations/{run_id}/rankings?limit=1000").json()["items"]
            official = _official(client)
        sets = url_sets(run_id, codes, rows)
        the_mix = mix(sets, official)
        one = _serve_and_load(db_url, env, 1, {
            "bare": ["/bench/bare"], "hits": sets["hits"], "misses": sets["misses"], "cards": sets["cards"],
            "zones": sets["zones"], "mix": the_mix}, seconds, tmp, bare_file, sets["misses"])
        two = _serve_and_load(db_url, env, 2, {"mix": the_mix}, seconds, tmp, bare_file, sets["misses"])
    counted = _redis_keys(prefix, delete=True) if "ZONESCORE_REDIS_URL" in env else 0
    _report(one, two, limiter, counted, bool(official), len(first.content))


def _report(one: dict[str, dict[str, float]], two: dict[str, dict[str, float]], limiter: str, counted: int,
            official: bool, page_bytes: int) -> None:
    shipped = f"1 worker, access log on, {limiter} rate limit on"
    bare = one["bare"]
    report("reads", f"bare route ({page_bytes:,}-byte page, same middleware; {shipped})", _fmt(bare))
    names = {"hits": "rankings, cache hits (48 pages)", "misses": "rankings, cache misses (1,200 pages)",
             "cards": "scorecards (uncached)", "zones": "zones and zone lists (uncached)",
             "mix": "mix 6 hit : 1 miss : 2 scorecards : 1 zone" + (" : 2 official" if official else "")}
    for key, label in names.items():
        r = one[key]
        share = r["rps"] / bare["rps"]
        target = "≥ 50% of bare" if key == "mix" else ""
        report("reads", label, f"{_fmt(r)}; {share:.0%} of bare", target=target,
               met=(share >= 0.5) if key == "mix" else None)
    report("reads", "mix p99 latency at 32 connections", f"{one['mix']['p99_ms']:.1f} ms", target="< 100 ms",
           met=one["mix"]["p99_ms"] < 100)
    ratio = two["mix"]["rps"] / one["mix"]["rps"]
    report("reads", "mix with 2 workers", f"{_fmt(two['mix'])}; {ratio:.2f}× one worker (wrk shares the 2 cores)",
           target="≥ 1.6×", met=ratio >= 1.6)
    if counted:
        print(f"  (the rate limit counted in Redis: {counted} key(s) under the run's prefix, deleted)")
