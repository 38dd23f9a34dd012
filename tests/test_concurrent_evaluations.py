"""Concurrent evaluation runs through a real server do not interfere with one another."""

from __future__ import annotations

import threading
from typing import Any

import httpx

from app.db import make_engine, make_session_factory, session_scope
from app.services.audit import CLI_ACTOR
from app.services.keys import create_key
from tests.live import live_server

REQUESTS = [
    {"model": "innovation-peak", "year": 2024, "options": {"seed": 1, "uncertainty_runs": 300}},
    {"model": "innovation-peak", "year": 2024, "options": {"seed": 1, "uncertainty_runs": 300}},
    {"model": "comprehensive", "year": 2024, "options": {"seed": 1, "uncertainty_runs": 300}},
    {"model": "leading-chain", "year": 2023, "zones": {"level": "national"}, "options": {"uncertainty_runs": 100}},
]


def _key(database_url: str) -> str:
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            _k, secret = create_key(session, CLI_ACTOR, name="evaluator", scopes=["evaluate"])
    finally:
        engine.dispose()
    return secret


def test_concurrent_runs_do_not_interfere(demo_database_url: str) -> None:
    secret = _key(demo_database_url)
    replies: dict[int, httpx.Response] = {}
    start = threading.Barrier(len(REQUESTS))
    with live_server(demo_database_url, env={"ZONESCORE_RATE_LIMIT_PER_MINUTE": "0"}) as base:

        def run(n: int) -> None:
            with httpx.Client(base_url=base, headers={"X-API-Key": secret}, timeout=120) as client:
                start.wait()
                replies[n] = client.post("/api/v1/evaluations", json=REQUESTS[n])

        threads = [threading.Thread(target=run, args=(n,)) for n in range(len(REQUESTS))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(r.status_code == 201 for r in replies.values()), [r.text[:300] for r in replies.values()]
        runs = {n: r.json() for n, r in replies.items()}
        assert len({r["id"] for r in runs.values()}) == len(REQUESTS)
        # the two identical requests gave identical results
        assert runs[0]["input_hash"] == runs[1]["input_hash"] and runs[0]["result_hash"] == runs[1]["result_hash"]
        with httpx.Client(base_url=base, headers={"X-API-Key": secret}, timeout=120) as client:
            for run_doc in runs.values():
                page = client.get(f"/api/v1/evaluations/{run_doc['id']}/rankings", params={"limit": 1000}).json()
                assert page["total"] == run_doc["zones_ranked"]
                assert [r["rank"] for r in page["items"]] == sorted(r["rank"] for r in page["items"])
            # each run equals the same request made alone afterwards
            for n, request in enumerate(REQUESTS):
                alone: dict[str, Any] = client.post("/api/v1/evaluations", json=request).json()
                assert alone["result_hash"] == runs[n]["result_hash"], REQUESTS[n]
