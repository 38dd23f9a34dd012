"""Recording and querying the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.orm import AuditEvent
from app.orm.base import utcnow


@dataclass(frozen=True)
class Actor:
    """Who makes a write: the API key (None for the CLI) and its name, and the request it came in (the
    server's id, and beside it the id the client sent, which only the client vouches for)."""

    key_id: int | None
    name: str
    request_id: str | None = None
    client_request_id: str | None = None


CLI_ACTOR = Actor(key_id=None, name="cli")


def _json_ready(value: Any) -> Any:
    """``value`` in JSON types, as a JSON column takes it: models as dicts, dates and times as ISO 8601
    text, enums as their values, tuples and sets as lists; everything else as it is."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_ready(v) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return _json_ready(value.value)
    return value


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: str | int | None,
    *,
    old: Any = None,
    new: Any = None,
) -> AuditEvent:
    """Add one audit event to the caller's transaction (written, or rolled back, with the change itself)."""
    event = AuditEvent(
        at=utcnow(), key_id=actor.key_id, key_name=actor.name, action=action, entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        old_values=_json_ready(old), new_values=_json_ready(new), request_id=actor.request_id,
        client_request_id=actor.client_request_id,
    )
    session.add(event)
    session.flush()
    return event


def query_events(
    session: Session,
    *,
    key_id: int | None = None,
    action: str | None = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int,
    offset: int,
) -> tuple[list[AuditEvent], int]:
    """A page of events matching the filters, newest first, and the total."""
    query = select(AuditEvent)
    if key_id is not None:
        query = query.where(AuditEvent.key_id == key_id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if entity_type is not None:
        query = query.where(AuditEvent.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == entity_id)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit).offset(offset)))
    return items, total
