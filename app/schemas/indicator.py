"""Indicator catalog resources."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class IndicatorOut(BaseModel):
    """One catalog indicator as served."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    dimension: str
    nature: str
    kind: str
    min_value: float
    max_value: float
    definition: str
    derived_from_chain: bool
    catalog_version: str


class IndicatorList(BaseModel):
    """The whole catalog."""

    catalog_version: str
    total: int
    items: list[IndicatorOut]
