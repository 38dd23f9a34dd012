"""Custom model specs, immutable evaluation runs and their per-zone results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.orm.base import Base, UTCDateTime, utcnow


class ModelSpecRow(Base):
    """A declarative model spec registered through the API (one row per key and version)."""

    __tablename__ = "model_specs"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(32))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(120))


class EvaluationRun(Base):
    """One stored, immutable evaluation: model, version, year, filters, options and input hash."""

    __tablename__ = "evaluation_runs"
    __table_args__ = (Index("ix_evaluation_runs_model_year", "model_key", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_key: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    zone_filter: Mapped[dict[str, Any]] = mapped_column(JSON)
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    input_hash: Mapped[str] = mapped_column(String(64), index=True)
    result_hash: Mapped[str] = mapped_column(String(64))
    zones_ranked: Mapped[int] = mapped_column(Integer)
    zones_excluded: Mapped[int] = mapped_column(Integer)
    info: Mapped[dict[str, Any]] = mapped_column(JSON)
    excluded: Mapped[list[Any]] = mapped_column(JSON)
    methodology: Mapped[dict[str, Any]] = mapped_column(JSON)
    duration_ms: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    # The shape of the JSON columns above and of the zone results' payloads (app.services.run_document);
    # NULL in rows written before it was stored, which are version 1.
    schema_version: Mapped[int | None] = mapped_column(Integer)


class EvaluationZoneResult(Base):
    """One zone's result in a run; the headline fields are columns so rankings can filter and sort."""

    __tablename__ = "evaluation_zone_results"
    __table_args__ = (
        UniqueConstraint("run_id", "zone_code"),
        Index("ix_evaluation_zone_results_run_rank", "run_id", "rank"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("evaluation_runs.id", ondelete="CASCADE"))
    zone_code: Mapped[str] = mapped_column(String(40))
    # Names as they were when the run was made: a run is immutable, the zone table is not.
    name_zh: Mapped[str | None] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    province: Mapped[str | None] = mapped_column(String(2))
    level: Mapped[str | None] = mapped_column(String(16))
    rank: Mapped[int] = mapped_column(Integer)
    composite: Mapped[float] = mapped_column(Float)
    rpi: Mapped[float | None] = mapped_column(Float)
    tier: Mapped[str | None] = mapped_column(String(32))
    subgroup: Mapped[str | None] = mapped_column(String(1))
    peer_group: Mapped[str] = mapped_column(String(64))
    peer_rank: Mapped[int] = mapped_column(Integer)
    profile: Mapped[str | None] = mapped_column(String(32))
    badges: Mapped[list[str]] = mapped_column(JSON)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
