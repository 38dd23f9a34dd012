"""Industry-chain breakdown resources."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import Number, WholeNumber


class ChainBreakdownIn(BaseModel):
    """Zone × year × chain figures."""

    model_config = ConfigDict(extra="forbid")

    zone_code: str = Field(min_length=1, max_length=40, examples=["DEMO-33-N01"])
    year: WholeNumber = Field(examples=[2024])
    chain_code: str = Field(min_length=1, max_length=64, examples=["integrated_circuits"])
    revenue: Number = Field(description="revenue of the chain in the zone, 亿元", examples=[1250.5])
    segments_covered: WholeNumber = Field(description="segments of the chain present in the zone", examples=[5])
    key_components: WholeNumber = Field(description="key components of the chain considered", examples=[8])
    key_components_with_alt: WholeNumber = Field(
        description="key components with at least one alternative (domestic) source", examples=[5]
    )
    local_procurement_share: Number = Field(description="percent of procurement sourced locally", examples=[38.5])
    source: str | None = Field(default=None, max_length=64)


class ChainBreakdownBatch(BaseModel):
    """A batch of chain breakdowns, written all or nothing."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"breakdowns": [{
        "zone_code": "DEMO-33-N01", "year": 2024, "chain_code": "integrated_circuits", "revenue": 1250.5,
        "segments_covered": 5, "key_components": 8, "key_components_with_alt": 5,
        "local_procurement_share": 38.5, "source": "示例高新区-浙江01管委会",
    }]}]})

    breakdowns: list[ChainBreakdownIn] = Field(min_length=1)


class ChainBreakdownOut(BaseModel):
    """A stored chain breakdown, with the chain's defined segment count."""

    zone_code: str
    year: int
    chain_code: str
    revenue: float
    segments_covered: int
    segments_defined: int
    key_components: int
    key_components_with_alt: int
    local_procurement_share: float
    source: str | None
    updated_at: datetime
