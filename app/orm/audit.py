"""The audit trail: one row per write, naming the key, the action, the entity and its old and new values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.orm.base import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    """One write: who (key id and name, copied so the trail survives a key's renaming), what, when, old and new."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"), index=True)
    key_name: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(120))
    old_values: Mapped[Any | None] = mapped_column(JSON)
    new_values: Mapped[Any | None] = mapped_column(JSON)
    # The server's id of the request; the client's own X-Request-ID, if it sent one, is kept beside it.
    request_id: Mapped[str | None] = mapped_column(String(64))
    client_request_id: Mapped[str | None] = mapped_column(String(64))
