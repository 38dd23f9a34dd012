"""The webhook outbox: an event is written in the transaction of the state change it announces.

:func:`record_event` adds one ``webhook_events`` row (the exact JSON body every receiver gets) and one
``webhook_messages`` row per matching receiver to the caller's transaction. If the change rolls back, so
does its announcement; once it commits, the messages wait in the database for a worker
(app.services.webhook_worker) in any process, and survive restarts. A commit that wrote messages wakes the
workers of this process at once; the others find the messages at their next poll.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.orm import Webhook, WebhookEvent, WebhookMessage
from app.orm.base import utcnow
from app.services import evaluations
from app.services.run_document import StoredRun

PUBLISHED = "evaluation.published"
SUPERSEDED = "evaluation.superseded"
WITHDRAWN = "evaluation.withdrawn"
EVENTS = (PUBLISHED, SUPERSEDED, WITHDRAWN)

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"

_WRITTEN = "zonescore_outbox_written"
_wakers: set[threading.Event] = set()
_wakers_lock = threading.Lock()


def add_waker(waker: threading.Event) -> None:
    """Set ``waker`` whenever a transaction of this process that wrote outbox messages commits."""
    with _wakers_lock:
        _wakers.add(waker)


def remove_waker(waker: threading.Event) -> None:
    """Stop setting ``waker``."""
    with _wakers_lock:
        _wakers.discard(waker)


@event.listens_for(Session, "after_commit")
def _wake_workers(session: Session) -> None:
    # after_commit also fires when a savepoint is released; only the outermost commit makes messages visible.
    if session.in_nested_transaction():
        return
    if session.info.pop(_WRITTEN, False):
        with _wakers_lock:
            for waker in _wakers:
                waker.set()


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous: Any) -> None:
    if previous.parent is None:  # the outermost transaction rolled back: nothing was announced
        session.info.pop(_WRITTEN, None)


def event_body(session: Session, name: str, run: StoredRun) -> str:
    """The JSON a receiver gets for event ``name`` about ``run``: the same bytes on every attempt."""
    summary = evaluations.run_out(session, run).model_dump(mode="json")
    document = {"event": name, "occurred_at": utcnow().isoformat(timespec="seconds"), "run": summary}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def record_event(session: Session, name: str, run: StoredRun) -> WebhookEvent:
    """Add event ``name`` about ``run`` and a message for every receiver of the run's model to the caller's
    transaction."""
    row = WebhookEvent(event=name, run_id=run.id, body=event_body(session, name, run))
    session.add(row)
    session.flush()
    hooks = session.scalars(select(Webhook.id).where((Webhook.model_key.is_(None))
                                                     | (Webhook.model_key == run.model_key)).order_by(Webhook.id))
    now = utcnow()
    for hook_id in hooks:
        session.add(WebhookMessage(delivery_id=str(uuid.uuid4()), webhook_id=hook_id, event_id=row.id, state=PENDING,
                                   attempts=0, next_attempt_at=now))
    session.flush()
    wake_after_commit(session)
    return row


def wake_after_commit(session: Session) -> None:
    """Wake this process's workers when ``session``'s transaction commits (not if it rolls back)."""
    session.info[_WRITTEN] = True
