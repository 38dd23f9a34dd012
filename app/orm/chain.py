"""Industry-chain breakdowns of a zone's revenue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.orm.base import Base, UTCDateTime, utcnow


class ChainBreakdown(Base):
    """Zone × year × industry chain: revenue, segments, key components and their alternative sources."""

    __tablename__ = "chain_breakdowns"
    __table_args__ = (UniqueConstraint("zone_id", "year", "chain_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer, index=True)
    chain_code: Mapped[str] = mapped_column(String(64), index=True)
    revenue: Mapped[float] = mapped_column(Float)
    segments_covered: Mapped[int] = mapped_column(Integer)
    key_components: Mapped[int] = mapped_column(Integer)
    key_components_with_alt: Mapped[int] = mapped_column(Integer)
    local_procurement_share: Mapped[float] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(String(64))
    submitted_by: Mapped[str | None] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
