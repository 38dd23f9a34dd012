"""Panel runs: a model over a window of years on one scale, stored immutably with every zone-year and
every zone's trajectory (see :mod:`scoring_models.panel`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.orm.base import Base, UTCDateTime, utcnow


class PanelRun(Base):
    """One stored, immutable panel: model, version, window, base year, filter, options and hashes.

    The JSON columns hold the typed panel document (:mod:`app.services.panel_document`), in the shape
    ``schema_version`` names.
    """

    __tablename__ = "panel_runs"
    __table_args__ = (Index("ix_panel_runs_model_years", "model_key", "first_year", "last_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_key: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(32))
    first_year: Mapped[int] = mapped_column(Integer)
    last_year: Mapped[int] = mapped_column(Integer)
    base_year: Mapped[int] = mapped_column(Integer)
    zone_filter: Mapped[dict[str, Any]] = mapped_column(JSON)
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    reference: Mapped[dict[str, Any]] = mapped_column(JSON)
    info: Mapped[dict[str, Any]] = mapped_column(JSON)
    excluded: Mapped[list[Any]] = mapped_column(JSON)
    unscored: Mapped[list[Any]] = mapped_column(JSON)
    methodology: Mapped[dict[str, Any]] = mapped_column(JSON)
    input_hash: Mapped[str] = mapped_column(String(64), index=True)
    result_hash: Mapped[str] = mapped_column(String(64))
    zones_scored: Mapped[int] = mapped_column(Integer)
    zone_years: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    schema_version: Mapped[int] = mapped_column(Integer)


class PanelZoneYearRow(Base):
    """One scored zone-year of a panel; the headline fields are columns so a year can be listed and counted."""

    __tablename__ = "panel_zone_years"
    __table_args__ = (
        UniqueConstraint("panel_id", "zone_code", "year"),
        Index("ix_panel_zone_years_panel_year_rank", "panel_id", "year", "rank"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel_runs.id", ondelete="CASCADE"))
    zone_code: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    # Names as they were when the panel was made: a panel is immutable, the zone table is not.
    name_zh: Mapped[str | None] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    province: Mapped[str | None] = mapped_column(String(2))
    level: Mapped[str | None] = mapped_column(String(16))
    rank: Mapped[int] = mapped_column(Integer)
    composite: Mapped[float] = mapped_column(Float)
    rpi: Mapped[float | None] = mapped_column(Float)
    tier: Mapped[str | None] = mapped_column(String(32))
    subgroup: Mapped[str | None] = mapped_column(String(1))
    profile: Mapped[str | None] = mapped_column(String(32))
    peer_group: Mapped[str] = mapped_column(String(64))
    progress_points: Mapped[float | None] = mapped_column(Float)
    progress_pct: Mapped[float | None] = mapped_column(Float)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class PanelTrajectoryRow(Base):
    """One zone's trajectory over a panel's window (Theil–Sen slope, Monte Carlo interval, class)."""

    __tablename__ = "panel_trajectories"
    __table_args__ = (UniqueConstraint("panel_id", "zone_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel_runs.id", ondelete="CASCADE"))
    zone_code: Mapped[str] = mapped_column(String(40))
    name_zh: Mapped[str | None] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    province: Mapped[str | None] = mapped_column(String(2))
    level: Mapped[str | None] = mapped_column(String(16))
    peer_group: Mapped[str] = mapped_column(String(64))
    trend: Mapped[str | None] = mapped_column(String(16))
    slope: Mapped[float | None] = mapped_column(Float)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
