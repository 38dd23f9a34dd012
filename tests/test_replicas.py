"""Two server processes (`zonescore serve`) on one PostgreSQL and one Redis, as replicas behind a proxy:
publication seen through the other replica, withdrawal honoured by every replica at once, one delivery per
event and receiver, and a replica killed (SIGKILL) in the middle of a delivery whose message the other
replica finishes with the same delivery id. The last test does the same with one process restarted.

Needs ZONESCORE_TEST_DATABASE_URL (PostgreSQL) and Redis (tests/test_shared_state.py says how).
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.db import make_engine, make_session_factory, session_scope
from app.orm import WebhookDelivery, WebhookMessage
from app.services.audit import CLI_ACTOR
from app.services.keys import create_key
from tests.live import live_process
from tests.test_shared_state import REDIS_URL, redis_prefix  # noqa: F401  (a fixture)
from tests.test_webhooks import SECRET, Receiver

WORKER_ENV = {"ZONESCORE_WEBHOOK_ALLOW_PRIVATE": "true", "ZONESCORE_WEBHOOK_POLL_SECONDS": "0.2",
              "ZONESCORE_WEBHOOK_TIMEOUT_SECONDS": "3", "ZONESCORE_WEBHOOK_LEASE_SECONDS": "5",
              "ZONESCORE_WEBHOOK_BACKOFF_SECONDS": "0.2"}


@pytest.fixture
def pg_demo_url(demo_database_url: str) -> str:
    """The demo database of this test, on PostgreSQL only (several processes share it)."""
    if not demo_database_url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL database")
    return demo_database_url


def _keys(url: str) -> tuple[dict[str, str], dict[str, str]]:
    """Headers of an analyst key (evaluate, publish) and of an admin key."""
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            _a, analyst = create_key(session, CLI_ACTOR, name="analyst", scopes=["evaluate", "publish"])
            _b, admin = create_key(session, CLI_ACTOR, name="admin", scopes=["admin"])
    finally:
        engine.dispose()
    return {"X-API-Key": analyst}, {"X-API-Key": admin}


def _messages(url: str) -> list[WebhookMessage]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return list(session.scalars(select(WebhookMessage).order_by(WebhookMessage.id)))
    finally:
        engine.dispose()


def _until(check: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _draft(base: str, headers: dict[str, str], seed: int) -> int:
    response = httpx.post(f"{base}/api/v1/evaluations", headers=headers, timeout=120, json={
        "model": "innovation-peak", "year": 2024, "zones": {"provinces": ["33"]},
        "options": {"seed": seed, "uncertainty_runs": 0}})
    assert response.status_code == 201, response.text
    run_id: int = response.json()["id"]
    return run_id


def _post(base: str, path: str, headers: dict[str, str], body: dict[str, Any] | None = None) -> httpx.Response:
    return httpx.post(f"{base}{path}", headers=headers, json=body, timeout=60)


def _get(base: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.get(f"{base}{path}", timeout=60, **kwargs)


def test_publish_read_and_withdraw_across_two_replicas(pg_demo_url: str, redis_prefix: str) -> None:  # noqa: F811
    analyst, admin = _keys(pg_demo_url)
    env = {"ZONESCORE_REDIS_URL": REDIS_URL, "ZONESCORE_REDIS_PREFIX": redis_prefix, **WORKER_ENV}
    official = "/api/v1/official?model=innovation-peak&year=2024&province=33"
    with Receiver() as receiver, live_process(pg_demo_url, env=env) as one, live_process(pg_demo_url, env=env) as two:
        a, b = one.base, two.base
        hook = _post(a, "/api/v1/webhooks", admin, {"url": receiver.url, "secret": SECRET})
        assert hook.status_code == 201, hook.text
        first = _draft(a, analyst, seed=1)
        assert _get(b, f"/api/v1/evaluations/{first}").status_code == 404, "a draft is not public on any replica"
        assert _get(b, f"/api/v1/evaluations/{first}", headers=analyst).json()["status"] == "draft"
        assert _post(a, f"/api/v1/evaluations/{first}/publish", analyst).status_code == 200
        assert _get(b, f"/api/v1/evaluations/{first}").json()["status"] == "published"
        assert _get(b, official).json()["id"] == first
        second = _draft(b, analyst, seed=2)
        assert _post(b, f"/api/v1/evaluations/{second}/publish", analyst).status_code == 200
        superseded = _get(a, f"/api/v1/evaluations/{first}")
        assert superseded.json()["superseded_by"] == second and "successor-version" in superseded.headers["link"]
        assert _get(a, official).json()["id"] == second
        rankings = f"/api/v1/evaluations/{second}/rankings"
        cached = [_get(a, rankings) for _ in range(2)]  # the second one comes from replica a's ranking cache
        assert {r.status_code for r in cached} == {200} and cached[0].content == cached[1].content
        withdrawn = _post(b, f"/api/v1/evaluations/{second}/withdraw", analyst, {"reason": "口径错误"})
        assert withdrawn.status_code == 200
        # Replica a answers 410 at once: for the run, the cached ranking, and a revalidation with its old tag.
        for path in (f"/api/v1/evaluations/{second}", rankings):
            gone = _get(a, path, headers={"If-None-Match": cached[0].headers["etag"]})
            assert gone.status_code == 410 and gone.json()["reason"] == "口径错误", path
        assert _get(a, official).status_code == 404
        _until(lambda: len(receiver.requests) >= 4, what="four deliveries")
        time.sleep(2)  # both workers kept polling: nothing is sent twice
    events = sorted((r["headers"]["x-zonescore-event"], json.loads(r["body"])["run"]["id"]) for r in receiver.requests)
    assert events == sorted([("evaluation.published", first), ("evaluation.published", second),
                             ("evaluation.superseded", first), ("evaluation.withdrawn", second)])
    assert len({r["headers"]["x-zonescore-delivery"] for r in receiver.requests}) == 4
    assert all(r["valid"] for r in receiver.requests)
    assert [(m.state, m.attempts) for m in _messages(pg_demo_url)] == [("delivered", 1)] * 4


def _claimer_pid(url: str) -> tuple[str, int]:
    """The delivery id of the one message and the process id of the worker holding its lease."""
    [message] = _messages(url)
    assert message.locked_by is not None, "claimed"
    return message.delivery_id, int(message.locked_by.split(":")[1])


def test_a_killed_replicas_delivery_is_finished_by_the_other(pg_demo_url: str, redis_prefix: str) -> None:  # noqa: F811
    analyst, admin = _keys(pg_demo_url)
    env = {"ZONESCORE_REDIS_URL": REDIS_URL, "ZONESCORE_REDIS_PREFIX": redis_prefix, **WORKER_ENV}
    with Receiver(hang_first=True) as receiver, live_process(pg_demo_url, env=env) as one, \
            live_process(pg_demo_url, env=env) as two:
        assert _post(one.base, "/api/v1/webhooks", admin, {"url": receiver.url, "secret": SECRET}).status_code == 201
        run_id = _draft(one.base, analyst, seed=1)
        assert _post(two.base, f"/api/v1/evaluations/{run_id}/publish", analyst).status_code == 200
        assert receiver.got_first.wait(30), "some replica started the delivery"
        delivery_id, pid = _claimer_pid(pg_demo_url)
        victim, survivor = (one, two) if pid == one.process.pid else (two, one)
        assert pid == victim.process.pid, "the lease names the process that holds it"
        os.kill(pid, signal.SIGKILL)  # in the middle of the delivery: the receiver has not answered
        victim.process.wait(10)
        _until(lambda: len(receiver.requests) >= 2, timeout=40, what="the survivor's delivery")
        _until(lambda: _messages(pg_demo_url)[0].state == "delivered", what="the delivery to be settled")
        assert _get(survivor.base, f"/api/v1/evaluations/{run_id}").status_code == 200
    assert [r["headers"]["x-zonescore-delivery"] for r in receiver.requests] == [delivery_id] * 2
    assert all(r["valid"] for r in receiver.requests) and receiver.requests[0]["body"] == receiver.requests[1]["body"]
    [message] = _messages(pg_demo_url)
    assert (message.state, message.attempts, message.locked_by) == ("delivered", 2, None)
    engine = make_engine(pg_demo_url)
    try:
        with make_session_factory(engine)() as session:
            log = list(session.scalars(select(WebhookDelivery)))
    finally:
        engine.dispose()
    # Only the survivor's attempt is logged: the killed process never came back to record its own.
    assert [(d.delivery_id, d.attempt, d.status_code) for d in log] == [(delivery_id, 2, 200)]


def test_a_restarted_process_finishes_the_delivery_it_was_killed_in(demo_database_url: str) -> None:
    """One process (SQLite or PostgreSQL) killed mid-delivery and started again."""
    from app.schemas.evaluation import EvaluationRequest
    from app.services import evaluations, publication

    database_url = demo_database_url
    _analyst, admin = _keys(database_url)
    with Receiver(hang_first=True) as receiver:
        with live_process(database_url, env=WORKER_ENV) as server:
            assert _post(server.base, "/api/v1/webhooks", admin, {"url": receiver.url, "secret": SECRET}
                         ).status_code == 201
            engine = make_engine(database_url)
            try:
                with session_scope(make_session_factory(engine)) as session:
                    request = EvaluationRequest.model_validate({
                        "model": "innovation-peak", "year": 2024, "zones": {"provinces": ["33"]},
                        "options": {"seed": 1, "uncertainty_runs": 0}})
                    run = evaluations.run_evaluation(session, request)
                    publication.publish(session, run.id, publication.Publisher(CLI_ACTOR))
            finally:
                engine.dispose()
            assert receiver.got_first.wait(30), "the server's worker found the event written by another process"
            delivery_id, pid = _claimer_pid(database_url)
            assert pid == server.process.pid
            os.kill(pid, signal.SIGKILL)
            server.process.wait(10)
        assert _messages(database_url)[0].state == "pending", "nothing settled it"
        with live_process(database_url, env=WORKER_ENV):
            _until(lambda: _messages(database_url)[0].state == "delivered", timeout=40, what="the restart's delivery")
    assert [r["headers"]["x-zonescore-delivery"] for r in receiver.requests] == [delivery_id] * 2
