"""Industry-chain breakdowns of a zone's revenue, their key products and the history of every change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    # Incremented on every change, like an observation's.
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    products: Mapped[list[ChainKeyProduct]] = relationship(
        back_populates="breakdown", cascade="all, delete-orphan", order_by="ChainKeyProduct.id"
    )


class ChainKeyProduct(Base):
    """One key product of a breakdown: technology threshold, localisation rate, an alternative source."""

    __tablename__ = "chain_key_products"
    __table_args__ = (UniqueConstraint("breakdown_id", "product"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    breakdown_id: Mapped[int] = mapped_column(ForeignKey("chain_breakdowns.id", ondelete="CASCADE"), index=True)
    product: Mapped[str] = mapped_column(String(64))
    threshold: Mapped[str] = mapped_column(String(8))  # high / low
    localisation_rate: Mapped[float] = mapped_column(Float)  # percent produced domestically
    alternative_source: Mapped[bool] = mapped_column(Boolean)
    breakdown: Mapped[ChainBreakdown] = relationship(back_populates="products")


class ChainBreakdownChange(Base):
    """One change of one breakdown: the old and new figures (key products included), who and when."""

    __tablename__ = "chain_breakdown_changes"
    __table_args__ = (Index("ix_chain_breakdown_changes_cell", "zone_id", "year", "chain_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    chain_code: Mapped[str] = mapped_column(String(64))
    old: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    new: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed_by: Mapped[str | None] = mapped_column(String(120))
    # The API key that made the change (null for changes made by the CLI or the demo loader).
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    request_id: Mapped[str | None] = mapped_column(String(64))
