"""The audit trail (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from app.api.deps import MAX_INT, Limit, Offset, SessionDep
from app.schemas.common import Page
from app.schemas.keys import AuditEventOut
from app.security import AdminKey
from app.services.audit import query_events

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", summary="Query the audit trail", response_model=Page[AuditEventOut])
def list_audit_events(
    session: SessionDep,
    admin: AdminKey,
    key_id: Annotated[int | None, Query(ge=1, le=MAX_INT, description="id of the API key that made the change")] = None,
    action: Annotated[str | None, Query(max_length=40, description="e.g. zone.create, observations.upsert")] = None,
    entity_type: Annotated[str | None, Query(max_length=40, description="e.g. zone, observation_batch")] = None,
    entity_id: Annotated[str | None, Query(max_length=120)] = None,
    since: Annotated[AwareDatetime | None, Query(description="at or after this time (with a UTC offset)")] = None,
    until: Annotated[AwareDatetime | None, Query(description="before this time (with a UTC offset)")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[AuditEventOut]:
    """Events matching every filter given, newest first."""
    items, total = query_events(session, key_id=key_id, action=action, entity_type=entity_type,
                                entity_id=entity_id, since=since, until=until, limit=limit, offset=offset)
    return Page[AuditEventOut](items=[AuditEventOut.model_validate(e) for e in items], total=total, limit=limit,
                               offset=offset)
