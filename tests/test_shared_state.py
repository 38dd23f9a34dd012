"""Two server processes and one Redis: one rate-limit budget, one Idempotency-Key guarantee.

Redis: ZONESCORE_TEST_REDIS_URL (default redis://127.0.0.1:6379/0). Each test uses a key prefix of its
own and removes its keys afterwards. Without a reachable Redis these tests skip, unless
ZONESCORE_REQUIRE_REDIS=1 (CI), where they fail.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from app.db import make_engine
from app.orm import AuditEvent, ObservationChange
from app.ratelimit import RedisRateLimiter
from tests.live import live_server, seed_writer

REDIS_URL = os.environ.get("ZONESCORE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
Z = "TEST-33-N01"


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A Redis key prefix of this test's own (its keys are deleted afterwards)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("ZONESCORE_REQUIRE_REDIS") == "1":
            pytest.fail(f"ZONESCORE_REQUIRE_REDIS=1 but Redis at {REDIS_URL} is unreachable: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable ({exc}); set ZONESCORE_TEST_REDIS_URL")
    prefix = f"zonescore-test:{uuid.uuid4().hex}:"
    yield prefix
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def _count(database_url: str, statement: Any) -> int:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(statement).scalar_one())
    finally:
        engine.dispose()


def test_two_processes_let_exactly_the_limit_through(database_url: str, redis_prefix: str) -> None:
    secret = seed_writer(database_url, Z)
    env = {"ZONESCORE_REDIS_URL": REDIS_URL, "ZONESCORE_REDIS_PREFIX": redis_prefix,
           "ZONESCORE_RATE_LIMIT_PER_MINUTE": "60"}
    with live_server(database_url, env=env) as first, live_server(database_url, env=env) as second:
        bases = [first, second]

        def get(n: int, path: str, headers: dict[str, str]) -> httpx.Response:
            # Alternating, and from eight threads at once: wherever and whenever the requests land.
            return httpx.get(f"{bases[n % 2]}{path}", headers=headers, timeout=30)

        with ThreadPoolExecutor(max_workers=8) as pool:
            keyed = list(pool.map(lambda n: get(n, "/api/v1/indicators", {"X-API-Key": secret}), range(100)))
            anonymous = list(pool.map(lambda n: get(n, "/ui", {}), range(90)))
        assert Counter(r.status_code for r in keyed) == {200: 60, 429: 40}
        assert Counter(r.status_code for r in anonymous) == {200: 60, 429: 30}
        # Both processes served and refused: the budget is one, not one per process.
        for responses in (keyed, anonymous):
            by_server = {(str(r.url).startswith(first), r.status_code) for r in responses}
            assert by_server == {(True, 200), (True, 429), (False, 200), (False, 429)}
        remaining = sorted(int(r.headers["ratelimit"].split("r=")[1].split(";")[0]) for r in keyed)
        assert remaining == [0] * 41 + list(range(1, 60))
        refused = next(r for r in keyed if r.status_code == 429)
        assert refused.headers["ratelimit-policy"] == '"default";q=60;w=60' and int(refused.headers["retry-after"]) > 0
        # The probes are never limited.
        assert httpx.get(f"{first}/healthz").status_code == 200


def test_idempotency_key_holds_across_processes(database_url: str, redis_prefix: str) -> None:
    secret = seed_writer(database_url, Z)
    env = {"ZONESCORE_REDIS_URL": REDIS_URL, "ZONESCORE_REDIS_PREFIX": redis_prefix}
    headers = {"X-API-Key": secret, "Idempotency-Key": "batch-2024-06-01"}
    body = {"observations": [{"zone_code": Z, "indicator_code": "rd_intensity", "year": 2023, "value": 4.2}]}
    with live_server(database_url, env=env) as first, live_server(database_url, env=env) as second:
        # Sent to both at once, several times: one is applied; the others replay it or are refused (409).
        with ThreadPoolExecutor(max_workers=6) as pool:
            responses = list(pool.map(
                lambda n: httpx.post(f"{(first, second)[n % 2]}/api/v1/observations", json=body, headers=headers,
                                     timeout=60), range(6)))
        fresh = [r for r in responses if r.status_code == 200 and "idempotent-replayed" not in r.headers]
        replayed = [r for r in responses if r.headers.get("idempotent-replayed") == "true"]
        assert len(fresh) == 1 and fresh[0].json()["inserted"] == 1, [r.text for r in responses]
        assert all(r.json() == fresh[0].json() for r in replayed)
        assert {r.status_code for r in responses} <= {200, 409}
        # Afterwards every process replays, and the same key with other content is a conflict everywhere.
        for base in (first, second):
            again = httpx.post(f"{base}/api/v1/observations", json=body, headers=headers, timeout=60)
            assert again.headers.get("idempotent-replayed") == "true" and again.json() == fresh[0].json()
            other = {"observations": [{**body["observations"][0], "value": 5.0}]}
            assert httpx.post(f"{base}/api/v1/observations", json=other, headers=headers, timeout=60).status_code == 409
    assert _count(database_url, select(func.count()).select_from(ObservationChange)) == 1
    assert _count(database_url, select(func.count()).select_from(AuditEvent)
                  .where(AuditEvent.action == "observations.upsert")) == 1


def test_redis_outage_falls_back_to_counting_in_the_process() -> None:
    # Nothing listens on port 1: every call fails fast, and the limit still holds (per process).
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0", "zonescore-test:")

    async def hits() -> list[bool]:
        decisions = [await limiter.hit("key:1", 3) for _ in range(4)]
        await limiter.aclose()
        return [d.allowed for d in decisions if d is not None]

    assert asyncio.run(hits()) == [True, True, True, False]
