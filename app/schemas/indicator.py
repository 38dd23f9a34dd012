"""Indicator catalog resources."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class IndicatorOut(BaseModel):
    """One catalog indicator as served."""

    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="indicator code", examples=["rd_intensity"])
    name: str = Field(description="name in the request's language (?lang= / Accept-Language, default zh-CN)",
                      examples=["R&D经费投入强度"])
    name_zh: str = Field(description="Chinese name", examples=["R&D经费投入强度"])
    name_en: str = Field(description="English name", examples=["R&D intensity"])
    unit: str = Field(description="unit of the values", examples=["%"])
    direction: str = Field(description="higher or lower is better", examples=["higher"])
    dimension: str = Field(description="catalog dimension the indicator belongs to", examples=["innovation"])
    nature: str = Field(description="outcome, scale, process or mechanism (手段)", examples=["outcome"])
    kind: str = Field(description="value kind: ratio, amount, count (whole numbers) or flag (0/1)",
                      examples=["ratio"])
    min_value: float = Field(description="smallest valid value (writes below it are refused)", examples=[0])
    max_value: float = Field(description="largest valid value (writes above it are refused)", examples=[100])
    definition: str = Field(
        description="how the indicator is measured",
        examples=["R&D expenditure of enterprises in the zone divided by their operating revenue, in percent."]
    )
    derived_from_chain: bool = Field(description="computed from the chain breakdowns when a zone does not "
                                     "report it", examples=[False])
    catalog_version: str = Field(description="version of the indicator catalog", examples=["2026.1"])


class IndicatorList(BaseModel):
    """The whole catalog."""

    catalog_version: str = Field(description="version of the indicator catalog", examples=["2026.1"])
    total: int = Field(description="number of indicators", examples=[60])
    items: list[IndicatorOut] = Field(description="every indicator, in catalog order")
