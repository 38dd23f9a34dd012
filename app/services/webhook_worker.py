"""The outbox worker: claims due webhook messages, delivers them signed, retries with backoff.

Why a small table and a claim loop rather than a queue library: the event must be written in the very
transaction of the state change (an outbox), on SQLite (the default) as on PostgreSQL. The queue
libraries that keep jobs in a database serve PostgreSQL only (procrastinate, pgqueuer, dramatiq's
PostgreSQL brokers) or keep them in a store of their own (huey's SQLite/SQL storages, dramatiq-sqlite,
DBOS's system database) that cannot join the SQLAlchemy transaction of the change; Redis-based ones
(rq, dramatiq, celery) cannot join it at all. Claiming a row is a dozen lines.

Claiming: a worker selects due messages with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite ignores
the clause and serialises claims with its write lock instead), marks them with its name and a lease
(``locked_until`` = now + ZONESCORE_WEBHOOK_LEASE_SECONDS) and commits; only then does it send. So two
workers — threads, processes or replicas — never take the same message while a lease runs, and a message
whose worker was killed mid-delivery becomes due again when the lease runs out: another worker (or the
restarted one) sends it again with the same ``delivery_id``. That is at-least-once delivery: a receiver
drops duplicates by ``X-Zonescore-Delivery``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import lock_for_write, session_scope
from app.orm import Webhook, WebhookDelivery, WebhookEvent, WebhookMessage
from app.orm.base import utcnow
from app.services import webhook_outbox
from app.services.webhook_outbox import DELIVERED, FAILED, PENDING
from app.services.webhook_targets import resolve_target
from app.services.webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    RETRY_STATUSES,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    USER_AGENT,
    failure_reason,
    sign,
)

log = logging.getLogger(__name__)


def worker_name() -> str:
    """A name unique to this worker: host, process id and a random part (a restarted process differs)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Claimed:
    """A message this worker holds the lease of, with everything needed to send it."""

    message_id: int
    delivery_id: str
    webhook_id: int
    run_id: int
    event: str
    url: str
    secret: str
    body: bytes
    attempt: int


def _due(now: datetime) -> ColumnElement[bool]:
    return (WebhookMessage.state == PENDING) & (WebhookMessage.next_attempt_at <= now) & or_(
        WebhookMessage.locked_until.is_(None), WebhookMessage.locked_until < now)


def claim(session: Session, worker: str, *, limit: int, lease_seconds: float) -> list[Claimed]:
    """Take the lease of up to ``limit`` due messages, oldest due first (the caller commits)."""
    now = utcnow()
    candidates = list(session.scalars(
        select(WebhookMessage.id).where(_due(now)).order_by(WebhookMessage.next_attempt_at, WebhookMessage.id)
        .limit(limit).with_for_update(skip_locked=True)))
    if not candidates:
        return []
    # SQLite: take the write lock, then read again — another process may have claimed them meanwhile.
    lock_for_write(session)
    rows = session.execute(
        select(WebhookMessage, WebhookEvent, Webhook)
        .join(WebhookEvent, WebhookEvent.id == WebhookMessage.event_id)
        .join(Webhook, Webhook.id == WebhookMessage.webhook_id)
        .where(WebhookMessage.id.in_(candidates), _due(now))).all()
    claimed = []
    for message, event, hook in rows:
        message.locked_by, message.locked_until = worker, now + timedelta(seconds=lease_seconds)
        message.attempts += 1
        claimed.append(Claimed(message.id, message.delivery_id, hook.id, event.run_id, event.event, hook.url,
                               hook.secret, event.body.encode("utf-8"), message.attempts))
    session.flush()
    return claimed


def backoff_seconds(settings: Settings, attempts: int) -> float:
    """The wait after failed attempt number ``attempts``: the first backoff, doubled each time, capped."""
    return float(min(settings.webhook_backoff_seconds * 2 ** (attempts - 1), settings.webhook_max_backoff_seconds))


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: the HTTP status or the error, and whether another attempt may help."""

    status: int | None
    error: str | None
    retry: bool
    duration_ms: float


def send(client: httpx.Client, claimed: Claimed, *, allow_private: bool) -> Outcome:
    """POST the message once, signed; never raises for the receiver's failures."""
    started = time.perf_counter()

    def done(status: int | None, error: str | None, retry: bool) -> Outcome:
        return Outcome(status, error, retry, (time.perf_counter() - started) * 1000.0)

    # Resolved and checked once, and sent to that very address (no second DNS lookup to rebind).
    target = resolve_target(claimed.url, allow_private=allow_private)
    if isinstance(target, str):
        return done(None, target, False)
    timestamp = str(int(time.time()))
    headers = {
        "Host": target.host_header, "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
        EVENT_HEADER: claimed.event, DELIVERY_HEADER: claimed.delivery_id, TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(claimed.secret, timestamp, claimed.body),
    }
    try:
        response = client.post(target.url, content=claimed.body, headers=headers, extensions=target.extensions)
    except httpx.HTTPError as exc:
        log.warning("webhook delivery %s to %s failed: %s", claimed.delivery_id, claimed.url, type(exc).__name__)
        return done(None, f"{type(exc).__name__}: {exc}"[:300], True)
    if 200 <= response.status_code < 300:
        return done(response.status_code, None, False)
    retry = response.status_code >= 500 or response.status_code in RETRY_STATUSES
    return done(response.status_code, failure_reason(response.status_code), retry)


def record(session: Session, worker: str, claimed: Claimed, outcome: Outcome, settings: Settings) -> None:
    """Log the attempt and settle the message: delivered, due again after a backoff, or failed for good.

    Only while this worker still holds the lease: if it ran out and another worker took the message over,
    that worker settles it.
    """
    lock_for_write(session)
    message = session.scalar(select(WebhookMessage).where(WebhookMessage.id == claimed.message_id).with_for_update())
    if message is None:  # the webhook was deleted meanwhile, and with it the message and its log
        return
    session.add(WebhookDelivery(
        webhook_id=claimed.webhook_id, run_id=claimed.run_id, delivery_id=claimed.delivery_id,
        attempt=claimed.attempt, status_code=outcome.status, error=outcome.error, succeeded=outcome.error is None,
        duration_ms=outcome.duration_ms))
    if message.locked_by != worker:
        log.warning("webhook delivery %s: lease lost to %s; not settled here", claimed.delivery_id, message.locked_by)
        return
    now = utcnow()
    message.locked_by = message.locked_until = None
    message.last_status_code, message.last_error = outcome.status, outcome.error
    if outcome.error is None:
        message.state, message.delivered_at = DELIVERED, now
    elif outcome.retry and message.attempts < settings.webhook_attempts:
        message.state = PENDING
        message.next_attempt_at = now + timedelta(seconds=backoff_seconds(settings, message.attempts))
    else:
        message.state = FAILED
    session.flush()


class WebhookWorker:
    """Delivers due outbox messages: a polling thread that claims and a pool that sends.

    Started by the server in every process (ZONESCORE_WEBHOOK_WORKER) or by ``zonescore webhooks work``.
    A commit in this process that wrote messages wakes it at once; messages of other processes are found
    by polling every ZONESCORE_WEBHOOK_POLL_SECONDS.
    """

    def __init__(self, factory: sessionmaker[Session], settings: Settings, *,
                 transport: httpx.BaseTransport | None = None, name: str | None = None) -> None:
        """Construction starts nothing; :meth:`start` does. ``transport`` replaces the network (tests)."""
        self.name = name or worker_name()
        self._factory = factory
        self._settings = settings
        self._client = httpx.Client(timeout=settings.webhook_timeout_seconds, follow_redirects=False,
                                    transport=transport)
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._free = threading.Semaphore(settings.webhook_concurrency)
        self._pool = ThreadPoolExecutor(max_workers=settings.webhook_concurrency, thread_name_prefix="webhook")
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start polling in a daemon thread."""
        webhook_outbox.add_waker(self._wake)
        self._thread = threading.Thread(target=self._loop, name="webhook-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Stop claiming and wait for the deliveries under way (a message not settled by then is sent again
        by some worker once its lease runs out)."""
        self._stopping.set()
        self._wake.set()
        webhook_outbox.remove_waker(self._wake)
        if self._thread is not None:
            self._thread.join(timeout)
        self._pool.shutdown(wait=True)
        self._client.close()

    def run_once(self) -> int:
        """Deliver every message due now, in this thread, one claim after another; how many were sent."""
        sent = 0
        while batch := self._claim(self._settings.webhook_concurrency):
            for claimed in batch:
                self._deliver(claimed)
            sent += len(batch)
        return sent

    def _claim(self, limit: int) -> list[Claimed]:
        with session_scope(self._factory) as session:
            return claim(session, self.name, limit=limit, lease_seconds=self._settings.webhook_lease_seconds)
        raise AssertionError("unreachable")

    def _deliver(self, claimed: Claimed) -> None:
        outcome = send(self._client, claimed, allow_private=self._settings.webhook_allow_private)
        with session_scope(self._factory) as session:
            record(session, self.name, claimed, outcome, self._settings)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                claimed = self._claim_free()
            except Exception:  # the database may be briefly away; keep the worker alive and try again
                log.exception("webhook worker %s: claiming failed", self.name)
                claimed = []
            if not claimed:
                self._wake.wait(self._settings.webhook_poll_seconds)
                self._wake.clear()

    def _claim_free(self) -> list[Claimed]:
        if not self._free.acquire(timeout=1.0):  # every sender busy
            return []
        slots = 1
        while slots < self._settings.webhook_concurrency and self._free.acquire(blocking=False):
            slots += 1
        claimed = self._claim(slots)
        for _ in range(slots - len(claimed)):
            self._free.release()
        for item in claimed:
            self._pool.submit(self._deliver_and_release, item)
        return claimed

    def _deliver_and_release(self, claimed: Claimed) -> None:
        try:
            self._deliver(claimed)
        except Exception:  # a pool thread has no caller to raise to; the lease makes the message due again
            log.exception("webhook delivery %s failed", claimed.delivery_id)
        finally:
            self._free.release()
            self._wake.set()  # a free slot: look for more work now


def run_forever(worker: WebhookWorker, stop: Callable[[], bool], *, interval: float = 0.5) -> None:
    """Run ``worker`` until ``stop()`` is true (the command line's loop)."""
    worker.start()
    try:
        while not stop():
            time.sleep(interval)
    finally:
        worker.stop(timeout=30)
