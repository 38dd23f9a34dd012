"""Industry-chain breakdown resources."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ChainBreakdownIn(BaseModel):
    """Zone × year × chain figures."""

    model_config = ConfigDict(extra="forbid")

    zone_code: str = Field(min_length=1, max_length=40, description="zone code", examples=["DEMO-33-N01"])
    year: int = Field(description="year of the figures", examples=[2024])
    chain_code: str = Field(min_length=1, max_length=64, description="chain code of the chain catalog",
                            examples=["integrated_circuits"])
    revenue: float = Field(description="revenue of the chain in the zone, 亿元", examples=[1250.5])
    segments_covered: int = Field(description="segments of the chain present in the zone", examples=[5])
    key_components: int = Field(description="key components of the chain considered", examples=[8])
    key_components_with_alt: int = Field(
        description="key components with at least one alternative (domestic) source", examples=[5]
    )
    local_procurement_share: float = Field(description="percent of procurement sourced locally", examples=[38.5])
    source: str | None = Field(default=None, max_length=64, description="where the figures come from",
                               examples=["示例高新区-浙江01管委会"])


class ChainBreakdownBatch(BaseModel):
    """A batch of chain breakdowns, written all or nothing."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"breakdowns": [{
        "zone_code": "DEMO-33-N01", "year": 2024, "chain_code": "integrated_circuits", "revenue": 1250.5,
        "segments_covered": 5, "key_components": 8, "key_components_with_alt": 5,
        "local_procurement_share": 38.5, "source": "示例高新区-浙江01管委会",
    }]}]})

    breakdowns: list[ChainBreakdownIn] = Field(min_length=1, description="the breakdowns; row numbers in "
                                               "problems count from 1 in this list")


class ChainBreakdownOut(BaseModel):
    """A stored chain breakdown, with the chain's defined segment count."""

    zone_code: str = Field(description="zone code", examples=["DEMO-33-N01"])
    year: int = Field(description="year of the figures", examples=[2024])
    chain_code: str = Field(description="chain code", examples=["integrated_circuits"])
    revenue: float = Field(description="revenue of the chain in the zone, 亿元", examples=[1250.5])
    segments_covered: int = Field(description="segments of the chain present in the zone", examples=[5])
    segments_defined: int = Field(description="segments the chain catalog defines for the chain", examples=[7])
    key_components: int = Field(description="key components of the chain considered", examples=[8])
    key_components_with_alt: int = Field(description="key components with an alternative (domestic) source",
                                         examples=[5])
    local_procurement_share: float = Field(description="percent of procurement sourced locally", examples=[38.5])
    source: str | None = Field(description="where the figures come from", examples=["示例高新区-浙江01管委会"])
    updated_at: datetime = Field(description="when the breakdown was last written (UTC)",
                                 examples=["2026-03-02T08:15:00Z"])
