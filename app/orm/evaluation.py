"""Custom model specs, evaluation runs (results never change; the publication state does) and their per-zone
results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
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


# At most one published run per model, year and zone filter: two concurrent publications of the same
# slot cannot both win (the loser's insert of the state fails and is retried, superseding the winner).
_ONE_PUBLISHED = text("status = 'published'")


class EvaluationRun(Base):
    """One stored evaluation: model, version, year, filters, options and input hash (never changed), and
    its publication state (the only columns that change: app.services.publication)."""

    __tablename__ = "evaluation_runs"
    __table_args__ = (
        Index("ix_evaluation_runs_model_year", "model_key", "year"),
        Index("ix_evaluation_runs_status", "status"),
        Index("uq_evaluation_runs_published_slot", "model_key", "year", "filter_key", unique=True,
              sqlite_where=_ONE_PUBLISHED, postgresql_where=_ONE_PUBLISHED),
    )

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
    # SHA-256 of the canonical zone filter: runs of one model and year with the same key compete for the
    # same official slot (app.services.publication.filter_key).
    filter_key: Mapped[str] = mapped_column(String(64), server_default="")
    # draft → published → superseded | withdrawn; see app.services.publication.
    status: Mapped[str] = mapped_column(String(16), server_default="draft")
    # Incremented by every state change: part of every cache key and ETag of the run's representations.
    state_version: Mapped[int] = mapped_column(Integer, server_default="0")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by: Mapped[str | None] = mapped_column(String(120))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The run that replaced it (no foreign key: adding one would make SQLite rebuild the table on upgrade).
    superseded_by: Mapped[int | None] = mapped_column(Integer)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_by: Mapped[str | None] = mapped_column(String(120))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)


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
    peer_group: Mapped[str] = mapped_column(String(512))  # merged groups join band codes (migration 0009)
    peer_rank: Mapped[int] = mapped_column(Integer)
    profile: Mapped[str | None] = mapped_column(String(32))
    badges: Mapped[list[str]] = mapped_column(JSON)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
