"""AHP judgments of an expert panel for a scoring model, before they become part of a model version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.orm.base import Base, UTCDateTime, utcnow


class ExpertJudgmentRow(Base):
    """One expert's pairwise-comparison matrices for one model in one panel (a round of consultation).

    ``judgments`` is the expert's :class:`~scoring_models.steps.ahp.ExpertJudgments` as JSON. A
    resubmission replaces the expert's row; publishing the panel copies every row into a new model
    version's spec, which is what runs use and keep.
    """

    __tablename__ = "expert_judgments"
    __table_args__ = (UniqueConstraint("model_key", "panel", "expert"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_key: Mapped[str] = mapped_column(String(64), index=True)
    panel: Mapped[str] = mapped_column(String(64))
    expert: Mapped[str] = mapped_column(String(120))
    weight: Mapped[float] = mapped_column(Float)
    judgments: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_by: Mapped[str | None] = mapped_column(String(120))
