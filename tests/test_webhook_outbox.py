"""The webhook outbox and its worker, below HTTP: events are written with the change or not at all; a claim
is exclusive while its lease runs; a dead worker's message is taken over with the same delivery id."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import make_engine, make_session_factory, session_scope
from app.errors import Conflict
from app.orm import Webhook, WebhookDelivery, WebhookEvent, WebhookMessage
from app.orm.base import utcnow
from app.schemas.evaluation import EvaluationRequest
from app.services import evaluations, publication, webhook_outbox, webhooks
from app.services.audit import CLI_ACTOR
from app.services.webhook_worker import Outcome, WebhookWorker, claim, record

PUBLISHER = publication.Publisher(CLI_ACTOR)


@pytest.fixture
def factory(demo_database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(demo_database_url)
    yield make_session_factory(engine)
    engine.dispose()


def _draft(factory: sessionmaker[Session], seed: int = 1) -> int:
    request = EvaluationRequest.model_validate({
        "model": "innovation-peak", "year": 2024, "zones": {"provinces": ["33"]},
        "options": {"seed": seed, "uncertainty_runs": 0}})
    with session_scope(factory) as session:
        return evaluations.run_evaluation(session, request).id
    raise AssertionError("unreachable")


def _hooks(factory: sessionmaker[Session], count: int) -> None:
    with session_scope(factory) as session:
        for n in range(count):
            session.add(Webhook(url=f"http://127.0.0.1:9/{n}", secret="s" * 20))


def _count(factory: sessionmaker[Session], table: type) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_events_are_written_with_the_change_or_not_at_all(factory: sessionmaker[Session]) -> None:
    _hooks(factory, 2)
    run_id = _draft(factory)
    waker = threading.Event()
    webhook_outbox.add_waker(waker)
    try:
        with factory() as session:
            publication.publish(session, run_id, PUBLISHER)
            assert _count(factory, WebhookEvent) == 0, "nothing is visible before the commit"
            session.rollback()
        assert not waker.is_set()
        assert (_count(factory, WebhookEvent), _count(factory, WebhookMessage)) == (0, 0)
        with session_scope(factory) as session:
            assert evaluations.get_run(session, run_id).publication.status == "draft", "the publication rolled back"
            publication.publish(session, run_id, PUBLISHER)
        assert waker.is_set(), "a commit that wrote messages wakes this process's workers"
    finally:
        webhook_outbox.remove_waker(waker)
    assert (_count(factory, WebhookEvent), _count(factory, WebhookMessage)) == (1, 2)
    with factory() as session:
        messages = list(session.scalars(select(WebhookMessage)))
    assert {m.state for m in messages} == {"pending"} and len({m.delivery_id for m in messages}) == 2


def _queue(factory: sessionmaker[Session], messages: int) -> None:
    """``messages`` pending messages (one event, that many receivers)."""
    _hooks(factory, messages)
    run_id = _draft(factory)
    with session_scope(factory) as session:
        publication.publish(session, run_id, PUBLISHER)


def test_concurrent_claims_never_take_the_same_message(factory: sessionmaker[Session]) -> None:
    _queue(factory, 24)
    taken: list[list[int]] = []
    barrier = threading.Barrier(4)

    def claimer(name: str) -> None:
        mine: list[int] = []
        barrier.wait()
        while True:
            with session_scope(factory) as session:
                batch = claim(session, name, limit=3, lease_seconds=60)
            if not batch:
                break
            mine += [c.message_id for c in batch]
        taken.append(mine)

    threads = [threading.Thread(target=claimer, args=(f"worker-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [m for mine in taken for m in mine]
    assert len(every) == 24 and len(set(every)) == 24, taken


def test_a_dead_workers_message_is_taken_over_after_its_lease(factory: sessionmaker[Session]) -> None:
    _queue(factory, 1)
    with session_scope(factory) as session:
        [first] = claim(session, "dead", limit=5, lease_seconds=0.5)
    with session_scope(factory) as session:
        assert claim(session, "alive", limit=5, lease_seconds=60) == [], "locked while the lease runs"
        with pytest.raises(Conflict):
            webhooks.redeliver(session, first.webhook_id, first.delivery_id)
    time.sleep(0.6)
    with session_scope(factory) as session:
        [again] = claim(session, "alive", limit=5, lease_seconds=60)
    assert (again.delivery_id, again.message_id, again.attempt) == (first.delivery_id, first.message_id, 2)
    assert again.body == first.body
    # The dead worker comes back and reports: its attempt is logged, but the message is not its to settle.
    ok = Outcome(200, None, False, 1.0)
    with session_scope(factory) as session:
        record(session, "dead", first, ok, Settings())
    with factory() as session:
        row = session.get(WebhookMessage, first.message_id)
        assert row is not None and (row.state, row.locked_by) == ("pending", "alive")
    with session_scope(factory) as session:
        record(session, "alive", again, ok, Settings())
    with factory() as session:
        row = session.get(WebhookMessage, first.message_id)
        assert row is not None and (row.state, row.locked_by, row.attempts) == ("delivered", None, 2)
    assert _count(factory, WebhookDelivery) == 2


def test_failures_wait_for_their_backoff(factory: sessionmaker[Session]) -> None:
    _queue(factory, 1)
    settings = Settings(webhook_backoff_seconds=30, webhook_attempts=3)
    with session_scope(factory) as session:
        [claimed] = claim(session, "w", limit=1, lease_seconds=60)
        record(session, "w", claimed, Outcome(503, "HTTP 503 Service Unavailable", True, 1.0), settings)
    with session_scope(factory) as session:
        assert claim(session, "w", limit=1, lease_seconds=60) == [], "not due before its backoff"
        row = session.scalar(select(WebhookMessage))
        assert row is not None and row.state == "pending"
        assert timedelta(seconds=25) < row.next_attempt_at - utcnow() <= timedelta(seconds=30)


def test_the_worker_delivers_through_its_transport(factory: sessionmaker[Session], demo_database_url: str) -> None:
    _queue(factory, 3)
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    settings = Settings(database_url=demo_database_url, webhook_allow_private=True, webhook_poll_seconds=0.05)
    worker = WebhookWorker(factory, settings, transport=httpx.MockTransport(answer), name=f"t-{uuid.uuid4().hex}")
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while len(seen) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop(timeout=10)
    assert len(seen) == 3 and {r.headers["x-zonescore-event"] for r in seen} == {"evaluation.published"}
    with factory() as session:
        assert {m.state for m in session.scalars(select(WebhookMessage))} == {"delivered"}
    assert _count(factory, WebhookDelivery) == 3
