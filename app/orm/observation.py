"""Yearly indicator values and the history of every change to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.orm.base import Base, UTCDateTime, utcnow


class Observation(Base):
    """The current value of one zone × indicator × year cell."""

    __tablename__ = "observations"
    __table_args__ = (UniqueConstraint("zone_id", "indicator_code", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id", ondelete="CASCADE"))
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicators.code"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="reported")
    submitted_by: Mapped[str | None] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Incremented on every change; lets a writer detect that someone else changed the cell.
    revision: Mapped[int] = mapped_column(Integer, default=1)


class ObservationChange(Base):
    """One change of one cell: the old and new value, who made it and when."""

    __tablename__ = "observation_changes"
    __table_args__ = (Index("ix_observation_changes_cell", "zone_id", "indicator_code", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id", ondelete="CASCADE"))
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicators.code"))
    year: Mapped[int] = mapped_column(Integer)
    old_value: Mapped[float | None] = mapped_column(Float)
    new_value: Mapped[float] = mapped_column(Float)
    old_status: Mapped[str | None] = mapped_column(String(16))
    new_status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(String(64))
    changed_by: Mapped[str | None] = mapped_column(String(120))
    # The API key that made the change (null for changes made by the CLI or the demo loader).
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The server's id of the request; the client's own X-Request-ID, if it sent one, is kept beside it.
    request_id: Mapped[str | None] = mapped_column(String(64))
    client_request_id: Mapped[str | None] = mapped_column(String(64))
