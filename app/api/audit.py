"""The audit trail (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.deps import MAX_INT, Limit, Offset, QueryDateTime, SessionDep
from app.api.paging import set_page_links
from app.schemas.common import Page
from app.schemas.keys import AuditEventOut
from app.security import AdminKey
from app.services.audit import query_events

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", summary="Query the audit trail", response_model=Page[AuditEventOut])
def list_audit_events(
    request: Request,
    response: Response,
    session: SessionDep,
    admin: AdminKey,
    key_id: Annotated[int | None, Query(ge=1, le=MAX_INT, description="id of the API key that made the change",
                                        examples=[2])] = None,
    action: Annotated[str | None, Query(max_length=40, description="e.g. zone.create, observations.upsert",
                                        examples=["zone.create"])] = None,
    entity_type: Annotated[str | None, Query(max_length=40, description="e.g. zone, observation_batch",
                                             examples=["zone"])] = None,
    entity_id: Annotated[str | None, Query(max_length=120, description="id of the entity, e.g. a zone code",
                                           examples=["DEMO-33-N01"])] = None,
    since: Annotated[QueryDateTime | None, Query(description="at or after this time (RFC 3339 with a UTC offset)",
                                                 examples=["2026-03-01T00:00:00+08:00"])] = None,
    until: Annotated[QueryDateTime | None, Query(description="before this time (RFC 3339 with a UTC offset)",
                                                 examples=["2026-04-01T00:00:00Z"])] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[AuditEventOut]:
    """Events matching every filter given, newest first; the `Link` header points at the other pages."""
    items, total = query_events(session, key_id=key_id, action=action, entity_type=entity_type,
                                entity_id=entity_id, since=since, until=until, limit=limit, offset=offset)
    set_page_links(request, response, total=total, limit=limit, offset=offset)
    return Page[AuditEventOut](items=[AuditEventOut.model_validate(e) for e in items], total=total, limit=limit,
                               offset=offset)
