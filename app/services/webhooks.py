"""Webhooks: subscriptions, the signing scheme, the delivery log and redelivery.

Signing scheme (documented in the README): the body is the event as JSON; the service sends
``X-Zonescore-Timestamp: <unix seconds>`` and ``X-Zonescore-Signature: sha256=<hex>`` where the hex
is HMAC-SHA256 with the webhook's secret over ``"<timestamp>.<raw body>"``. Signing the timestamp
with the body lets a receiver reject replays of an old, validly signed message.

Events are written to the outbox in the transaction of the change they announce
(app.services.webhook_outbox) and delivered by a worker in any process (app.services.webhook_worker), so
a receiver never hears of a change that was rolled back, a slow or failing receiver never delays the
request, and a restart loses nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from datetime import datetime
from http import HTTPStatus

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import lock_for_write
from app.errors import Conflict, NotFound, Problem, ValidationFailed
from app.orm import Webhook, WebhookDelivery, WebhookEvent, WebhookMessage
from app.orm.base import utcnow
from app.schemas.webhook import WebhookCreate
from app.services import audit, webhook_outbox
from app.services.audit import CLI_ACTOR, Actor
from app.services.webhook_targets import resolve_target, url_problem

log = logging.getLogger(__name__)

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


def message(session: Session, webhook_id: int, delivery_id: str) -> tuple[WebhookMessage, WebhookEvent]:
    """The delivery ``delivery_id`` of webhook ``webhook_id`` and its event, or NotFound."""
    get_webhook(session, webhook_id)
    found = session.execute(
        select(WebhookMessage, WebhookEvent).join(WebhookEvent, WebhookEvent.id == WebhookMessage.event_id)
        .where(WebhookMessage.webhook_id == webhook_id, WebhookMessage.delivery_id == delivery_id)).first()
    if found is None:
        raise NotFound(f"webhook {webhook_id} has no delivery {delivery_id!r}")
    return found[0], found[1]


def attempts_of(session: Session, delivery_id: str) -> list[WebhookDelivery]:
    """Every attempt of one delivery, oldest first."""
    return list(session.scalars(select(WebhookDelivery).where(WebhookDelivery.delivery_id == delivery_id)
                                .order_by(WebhookDelivery.id)))


def redeliver(session: Session, webhook_id: int, delivery_id: str, *, actor: Actor = CLI_ACTOR,
              now: datetime | None = None) -> tuple[WebhookMessage, WebhookEvent]:
    """Queue delivery ``delivery_id`` again, now, with the same id and body and a fresh count of attempts
    (delivered and failed ones included: a receiver may have lost what it got). Conflict while a worker is
    sending it."""
    lock_for_write(session)
    row, event = message(session, webhook_id, delivery_id)
    now = now or utcnow()
    if row.state == webhook_outbox.PENDING and row.locked_until is not None and row.locked_until > now:
        raise Conflict(f"delivery {delivery_id} is being sent right now (by {row.locked_by}); try again shortly")
    old = {"state": row.state, "attempts": row.attempts}
    row.state, row.attempts, row.next_attempt_at = webhook_outbox.PENDING, 0, now
    row.locked_by = row.locked_until = None
    session.flush()
    audit.record(session, actor, "webhook.redeliver", "webhook", webhook_id, old=old,
                 new={"delivery_id": delivery_id, "event": event.event, "run_id": event.run_id})
    webhook_outbox.wake_after_commit(session)
    return row, event
