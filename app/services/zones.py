"""Zones: create, read, update, list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound
from app.orm import Zone
from app.schemas.zone import ZoneCreate, ZoneUpdate
from app.services import audit
from app.services.audit import Actor


def get_zone(session: Session, code: str) -> Zone:
    """The zone with ``code``, or NotFound."""
    zone = session.scalar(select(Zone).where(Zone.code == code))
    if zone is None:
        raise NotFound(f"no zone with code {code!r}")
    return zone


def create_zone(session: Session, data: ZoneCreate, *, actor: Actor) -> Zone:
    """Store a new zone; a code already in use is a conflict."""
    if session.scalar(select(Zone.id).where(Zone.code == data.code)) is not None:
        raise Conflict(f"a zone with code {data.code!r} already exists")
    zone = Zone(**data.model_dump())
    session.add(zone)
    session.flush()
    audit.record(session, actor, "zone.create", "zone", zone.code, new=data.model_dump(mode="json"))
    return zone


def update_zone(session: Session, code: str, data: ZoneUpdate, *, actor: Actor) -> Zone:
    """Apply the fields present in ``data`` to the zone ``code``; the audit trail keeps what changed."""
    zone = get_zone(session, code)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    # Only the fields sent; the schema refuses null for the required ones (name_zh, province, level …).
    for key, value in data.model_dump(exclude_unset=True, mode="json").items():
        if getattr(zone, key) != value:
            old[key], new[key] = getattr(zone, key), value
        setattr(zone, key, value)
    session.flush()
    if new:
        audit.record(session, actor, "zone.update", "zone", zone.code, old=old, new=new)
    return zone


def _one_or_many(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def list_zones(
    session: Session,
    *,
    province: str | Sequence[str] | None,
    level: str | Sequence[str] | None,
    kind: str | Sequence[str] | None,
    pilot: bool | None,
    limit: int,
    offset: int,
) -> tuple[list[Zone], int]:
    """A page of zones matching the filters, ordered by code, and the total. Several values of one filter
    match any of them; filters combine with AND."""
    query = select(Zone)
    for column, value in ((Zone.province, province), (Zone.level, level), (Zone.kind, kind)):
        if values := _one_or_many(value):
            query = query.where(column.in_(values))
    if pilot is not None:
        query = query.where(Zone.pilot == pilot)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(session.scalars(query.order_by(Zone.code).limit(limit).offset(offset)))
    return items, total


def zone_ids_by_code(session: Session, codes: Iterable[str]) -> dict[str, int]:
    """Map each known code among ``codes`` to its zone id (unknown codes are absent)."""
    wanted = sorted(set(codes))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        found.update(session.execute(select(Zone.code, Zone.id).where(Zone.code.in_(chunk))).all())
    return found
