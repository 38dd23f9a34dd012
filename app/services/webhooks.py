"""Webhooks: subscriptions, signed deliveries of published evaluation runs, retries and the delivery log.

Signing scheme (documented in the README): the body is the run summary as JSON; the service sends
``X-Zonescore-Timestamp: <unix seconds>`` and ``X-Zonescore-Signature: sha256=<hex>`` where the hex
is HMAC-SHA256 with the webhook's secret over ``"<timestamp>.<raw body>"``. Signing the timestamp
with the body lets a receiver reject replays of an old, validly signed message.

Deliveries run only after the run is committed (an ``after_commit`` hook on the request's session
hands the run id to a small thread pool), so a receiver never hears of a run that was rolled back, and
a slow or failing receiver can never break or delay the evaluation request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

import httpx
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from app.config import Settings
from app.db import session_scope
from app.errors import NotFound, Problem, ValidationFailed
from app.orm import EvaluationRun, Webhook, WebhookDelivery
from app.schemas.webhook import WebhookCreate
from app.services import audit
from app.services import evaluations as evaluation_service
from app.services.audit import CLI_ACTOR, Actor
from app.services.run_document import StoredRun, read_run
from app.services.webhook_targets import resolve_target, url_problem

log = logging.getLogger(__name__)

EVENT_RUN_CREATED = "evaluation.created"
SIGNATURE_HEADER = "X-Zonescore-Signature"
TIMESTAMP_HEADER = "X-Zonescore-Timestamp"
EVENT_HEADER = "X-Zonescore-Event"
DELIVERY_HEADER = "X-Zonescore-Delivery"
USER_AGENT = "zonescore-webhooks/1"
# A receiver that answers these may succeed later; any other 4xx means it rejected the message for good.
RETRY_STATUSES = frozenset({408, 425, 429})


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for ``body`` sent at ``timestamp``: ``sha256=<hex>``."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, tolerance_seconds: int = 300,
           now: float | None = None) -> bool:
    """What a receiver does: check the signature in constant time and that the timestamp is recent."""
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance_seconds and hmac.compare_digest(sign(secret, timestamp, body), signature)


def check_target(url: str, *, allow_private: bool) -> str | None:
    """Why ``url`` may not receive webhooks (None when it may): http(s) only, and only globally routable
    addresses unless ``allow_private`` (app/services/webhook_targets.py). Checked on registration and
    again before each delivery, which then connects to the address it checked."""
    if allow_private:
        return url_problem(url)  # intranet names need not resolve from here at registration
    target = resolve_target(url, allow_private=False)
    return target if isinstance(target, str) else None


def failure_reason(status: int) -> str:
    """What the delivery log keeps of a failed answer: the status and its standard phrase, never the
    receiver's body (it could hold anything, and the log is served back over the API)."""
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def create_webhook(session: Session, body: WebhookCreate, *, actor: Actor = CLI_ACTOR, allow_private: bool) -> Webhook:
    """Store a subscription after checking its URL."""
    reason = check_target(str(body.url), allow_private=allow_private)
    if reason is not None:
        raise ValidationFailed(f"webhook URL not accepted: {reason}",
                               errors=[Problem(column="url", code="url_not_allowed", message=reason,
                                               value=str(body.url))])
    hook = Webhook(url=str(body.url), secret=body.secret, model_key=body.model_key, description=body.description)
    session.add(hook)
    session.flush()
    audit.record(session, actor, "webhook.create", "webhook", hook.id,
                 new={"url": hook.url, "model_key": hook.model_key, "description": hook.description})
    return hook


def get_webhook(session: Session, webhook_id: int) -> Webhook:
    """The webhook with ``webhook_id``, or NotFound."""
    hook = session.get(Webhook, webhook_id)
    if hook is None:
        raise NotFound(f"no webhook {webhook_id}")
    return hook


def list_webhooks(session: Session) -> list[Webhook]:
    """All subscriptions, oldest first."""
    return list(session.scalars(select(Webhook).order_by(Webhook.id)))


def delete_webhook(session: Session, webhook_id: int, *, actor: Actor = CLI_ACTOR) -> None:
    """Remove a subscription and its delivery log."""
    hook = get_webhook(session, webhook_id)
    old = {"url": hook.url, "model_key": hook.model_key, "description": hook.description}
    session.delete(hook)
    session.flush()
    audit.record(session, actor, "webhook.delete", "webhook", webhook_id, old=old)


def deliveries(session: Session, webhook_id: int, *, limit: int, offset: int) -> tuple[list[WebhookDelivery], int]:
    """A webhook's delivery attempts, newest first, and their total count."""
    get_webhook(session, webhook_id)
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit).offset(offset)))
    return rows, total


def run_payload(session: Session, run: StoredRun) -> dict[str, Any]:
    """The JSON a receiver gets: the event, when it was sent, and the run summary (as GET /evaluations)."""
    summary = evaluation_service.run_out(session, run).model_dump(mode="json")
    return {"event": EVENT_RUN_CREATED, "sent_at": datetime.now(UTC).isoformat(timespec="seconds"), "run": summary}


class WebhookDispatcher:
    """Delivers run notifications on a small thread pool with retries, logging every attempt."""

    def __init__(self, session_factory: sessionmaker[Session], settings: Settings, *, max_workers: int = 4,
                 sleep: Callable[[float], None] = time.sleep, transport: httpx.BaseTransport | None = None) -> None:
        """Construction starts no thread; the pool starts threads on the first delivery. ``transport``
        replaces the network (tests)."""
        self._factory = session_factory
        self._settings = settings
        self._sleep = sleep
        self._transport = transport
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="webhook")

    def submit(self, run_id: int) -> Future[None]:
        """Queue the notifications of a committed run; returns at once."""
        return self._pool.submit(self._deliver_run_logged, run_id)

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop taking work; with ``wait``, finish what is queued (deliveries are short and bounded)."""
        self._pool.shutdown(wait=wait)

    def _deliver_run_logged(self, run_id: int) -> None:
        try:
            self.deliver_run(run_id)
        except Exception:  # a worker thread has no caller to raise to; make the failure visible in the logs
            log.exception("webhook delivery of run %s failed", run_id)

    def deliver_run(self, run_id: int) -> None:
        """Send run ``run_id`` to every webhook whose filter matches (synchronously)."""
        with session_scope(self._factory) as session:
            row = session.get(EvaluationRun, run_id)
            if row is None:
                return
            run = read_run(row)
            hooks = [(h.id, h.url, h.secret) for h in session.scalars(select(Webhook).order_by(Webhook.id))
                     if h.model_key is None or h.model_key == run.model_key]
            body = json.dumps(run_payload(session, run), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        for hook_id, url, secret in hooks:
            self._deliver(hook_id, run_id, url, secret, body)

    def _deliver(self, hook_id: int, run_id: int, url: str, secret: str, body: bytes) -> None:
        delivery_id = str(uuid.uuid4())  # the same across retries, so receivers can drop duplicates
        settings = self._settings
        delay = settings.webhook_backoff_seconds
        with httpx.Client(timeout=settings.webhook_timeout_seconds, follow_redirects=False,
                          transport=self._transport) as client:
            for attempt in range(1, settings.webhook_attempts + 1):
                started = time.perf_counter()
                status, error, retry = self._attempt(client, url, secret, body, delivery_id)
                if attempt == settings.webhook_attempts:
                    retry = False
                self._log(hook_id, run_id, delivery_id, attempt, status, error,
                          (time.perf_counter() - started) * 1000.0)
                if not retry:
                    return
                self._sleep(delay)
                delay *= 2

    def _attempt(self, client: httpx.Client, url: str, secret: str, body: bytes,
                 delivery_id: str) -> tuple[int | None, str | None, bool]:
        """(status code, error, whether to retry) of one POST, sent to the very address that was checked."""
        target = resolve_target(url, allow_private=self._settings.webhook_allow_private)
        if isinstance(target, str):
            return None, target, False
        timestamp = str(int(time.time()))
        headers = {
            "Host": target.host_header, "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
            EVENT_HEADER: EVENT_RUN_CREATED, DELIVERY_HEADER: delivery_id, TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(secret, timestamp, body),
        }
        try:
            response = client.post(target.url, content=body, headers=headers, extensions=target.extensions)
        except httpx.HTTPError as exc:
            log.warning("webhook delivery to %s failed: %s", url, type(exc).__name__)
            return None, f"{type(exc).__name__}: {exc}"[:300], True
        if 200 <= response.status_code < 300:
            return response.status_code, None, False
        retry = response.status_code >= 500 or response.status_code in RETRY_STATUSES
        return response.status_code, failure_reason(response.status_code), retry

    def _log(self, hook_id: int, run_id: int, delivery_id: str, attempt: int, status: int | None,
             error: str | None, duration_ms: float) -> None:
        # One short transaction per attempt: the log shows progress even while retries are pending.
        with session_scope(self._factory) as session:
            session.add(WebhookDelivery(
                webhook_id=hook_id, run_id=run_id, delivery_id=delivery_id, attempt=attempt, status_code=status,
                error=error, succeeded=error is None, duration_ms=duration_ms,
            ))


def notify_after_commit(session: Session, run_id: int, dispatcher: WebhookDispatcher) -> None:
    """Hand ``run_id`` to ``dispatcher`` once ``session`` commits (never if it rolls back)."""
    pending = [True]

    def _committed(_session: Session) -> None:
        if pending[0]:
            pending[0] = False
            dispatcher.submit(run_id)

    def _rolled_back(_session: Session, previous: SessionTransaction) -> None:
        # Only the outermost transaction's rollback discards the run; a savepoint's does not.
        if previous.parent is None:
            pending[0] = False

    event.listen(session, "after_commit", _committed, once=True)
    event.listen(session, "after_soft_rollback", _rolled_back)
