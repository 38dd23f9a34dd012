"""The indicator catalog as stored (synced from scoring_models/data/indicators.json)."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.orm.base import Base


class IndicatorRow(Base):
    """One catalog indicator; observations reference it by code."""

    __tablename__ = "indicators"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(8))
    dimension: Mapped[str] = mapped_column(String(40))
    nature: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    min_value: Mapped[float] = mapped_column(Float)
    max_value: Mapped[float] = mapped_column(Float)
    definition: Mapped[str] = mapped_column(Text)
    derived_from_chain: Mapped[bool] = mapped_column(Boolean, default=False)
    catalog_version: Mapped[str] = mapped_column(String(32))
