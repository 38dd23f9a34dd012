"""Zones."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import NOT_FOUND_RESPONSES, WRITE_RESPONSES, JsonBody, Limit, Offset, SessionDep
from app.schemas.common import Page
from app.schemas.zone import Level, ZoneCreate, ZoneKind, ZoneOut, ZoneUpdate
from app.security import AdminKey, ReadAccess
from app.services import zones as service

router = APIRouter(prefix="/api/v1/zones", tags=["zones"])


@router.get("", summary="List zones", response_model=Page[ZoneOut])
def list_zones(
    session: SessionDep,
    reader: ReadAccess,
    province: Annotated[str | None, Query(description="GB/T 2260 two-digit code, e.g. 33")] = None,
    level: Level | None = None,
    kind: ZoneKind | None = None,
    pilot: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[ZoneOut]:
    """Zones ordered by code, filtered by province, level, kind and pilot flag, with the total count."""
    items, total = service.list_zones(
        session, province=province, level=level, kind=kind, pilot=pilot, limit=limit, offset=offset
    )
    return Page[ZoneOut](items=[ZoneOut.model_validate(z) for z in items], total=total, limit=limit, offset=offset)


@router.post("", status_code=201, summary="Create a zone", response_model=ZoneOut, dependencies=[JsonBody],
             responses=WRITE_RESPONSES)
def create_zone(session: SessionDep, admin: AdminKey, body: ZoneCreate) -> ZoneOut:
    """Store a new zone; 409 when the code is already used. Needs an admin key."""
    return ZoneOut.model_validate(service.create_zone(session, body, actor=admin.actor))


@router.get("/{code}", summary="Get a zone", response_model=ZoneOut, responses=NOT_FOUND_RESPONSES)
def get_zone(session: SessionDep, reader: ReadAccess, code: str) -> ZoneOut:
    """One zone by its code."""
    return ZoneOut.model_validate(service.get_zone(session, code))


@router.patch("/{code}", summary="Update a zone", response_model=ZoneOut, dependencies=[JsonBody],
              responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSES})
def update_zone(session: SessionDep, admin: AdminKey, code: str, body: ZoneUpdate) -> ZoneOut:
    """Change the given fields of a zone; the code itself cannot change. Needs an admin key."""
    return ZoneOut.model_validate(service.update_zone(session, code, body, actor=admin.actor))
