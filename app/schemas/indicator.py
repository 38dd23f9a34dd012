"""Indicator catalog resources."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class IndicatorOut(BaseModel):
    """One catalog indicator as served."""

    model_config = ConfigDict(from_attributes=True)

    code: str = Field(examples=["rd_intensity"])
    name: str = Field(description="name in the request's language (?lang= / Accept-Language, default zh-CN)",
                      examples=["R&D经费投入强度"])
    name_zh: str = Field(examples=["R&D经费投入强度"])
    name_en: str = Field(examples=["R&D intensity"])
    unit: str = Field(examples=["%"])
    direction: str = Field(description="higher or lower is better", examples=["higher"])
    dimension: str = Field(examples=["innovation"])
    nature: str = Field(description="outcome, scale, process or mechanism (手段)", examples=["outcome"])
    kind: str = Field(examples=["ratio"])
    min_value: float = Field(examples=[0])
    max_value: float = Field(examples=[100])
    definition: str = Field(
        examples=["R&D expenditure of enterprises in the zone divided by their operating revenue, in percent."]
    )
    derived_from_chain: bool = Field(examples=[False])
    catalog_version: str = Field(examples=["2026.1"])


class IndicatorList(BaseModel):
    """The whole catalog."""

    catalog_version: str = Field(examples=["2026.1"])
    total: int = Field(examples=[60])
    items: list[IndicatorOut]
