"""Industry-chain breakdown resources."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from app.errors import Problem
from app.schemas.common import Number, WholeNumber, WriteSummary
from scoring_models.chain_metrics import LOCALISATION_CUT

# one key product, as the examples of the lists that hold them
_KEY_PRODUCT = {"product": "光刻胶", "threshold": "high", "localisation_rate": 18.0, "alternative_source": False}


class Threshold(StrEnum):
    """A key product's technology threshold (技术门槛)."""

    HIGH = "high"
    LOW = "low"


class KeyProductIn(BaseModel):
    """One key product of the chain as the zone sees it (the first article's 卡脖子 classification)."""

    model_config = ConfigDict(extra="forbid")

    product: str = Field(min_length=1, max_length=64, description="one of the chain's key components in the chain "
                         "catalog", examples=["光刻胶"])
    threshold: Threshold = Field(description="technology threshold: high or low", examples=["high"])
    localisation_rate: Number = Field(description=f"percent of the product sourced domestically; "
                                     f"≥ {LOCALISATION_CUT:g} counts as highly localised", examples=[18.0])
    alternative_source: bool = Field(description="at least one alternative (domestic) source", examples=[False])


class KeyProductOut(KeyProductIn):
    """A stored key product with its quadrant."""

    quadrant: str = Field(description="chokepoint (high threshold, low localisation: 卡脖子), strength (high, high), "
                          "substitutable (low, low) or ordinary (low, high)", examples=["chokepoint"])


class ChainBreakdownIn(BaseModel):
    """Zone × year × chain figures.

    Give the key products (``key_products``) to measure chokepoints; the component counts then follow
    from them (when also given they must agree). Without key products both counts are required.
    """

    model_config = ConfigDict(extra="forbid")

    zone_code: str = Field(min_length=1, max_length=40, description="zone code", examples=["DEMO-33-N01"])
    year: WholeNumber = Field(description="year of the figures", examples=[2024])
    chain_code: str = Field(min_length=1, max_length=64, description="chain code of the chain catalog",
                            examples=["integrated_circuits"])
    revenue: Number = Field(description="revenue of the chain in the zone, 亿元", examples=[1250.5])
    segments_covered: WholeNumber = Field(description="segments of the chain present in the zone", examples=[5])
    key_components: WholeNumber | None = Field(default=None, description="key components of the chain considered "
                                       "(default: the number of key products)", examples=[8])
    key_components_with_alt: WholeNumber | None = Field(
        default=None, description="key components with at least one alternative (domestic) source (default: "
        "the key products with alternative_source)", examples=[5]
    )
    local_procurement_share: Number = Field(description="percent of procurement sourced locally", examples=[38.5])
    key_products: list[KeyProductIn] | None = Field(default=None, max_length=64,
                                                    description="the chain's key products, each once",
                                                    examples=[[_KEY_PRODUCT]])
    source: str | None = Field(default=None, max_length=64, description="where the figures come from",
                               examples=["示例高新区-浙江01管委会"])


class ChainBreakdownBatch(BaseModel):
    """A batch of chain breakdowns, written all or nothing."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"breakdowns": [{
        "zone_code": "DEMO-33-N01", "year": 2024, "chain_code": "integrated_circuits", "revenue": 1250.5,
        "segments_covered": 5, "local_procurement_share": 38.5, "source": "示例高新区-浙江01管委会",
        "key_products": [
            {"product": "光刻胶", "threshold": "high", "localisation_rate": 18.0, "alternative_source": False},
            {"product": "电子特气", "threshold": "high", "localisation_rate": 42.0, "alternative_source": True},
            {"product": "大硅片", "threshold": "high", "localisation_rate": 61.0, "alternative_source": True},
            {"product": "高端测试机", "threshold": "low", "localisation_rate": 35.0, "alternative_source": True},
        ],
    }]}]})

    breakdowns: list[ChainBreakdownIn] = Field(min_length=1, description="the breakdowns; row numbers in "
                                               "problems count from 1 in this list")


class ChainWriteSummary(WriteSummary):
    """What a breakdown batch did, and the zone-years whose revenue check could not be made."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"received": 12, "inserted": 10, "updated": 2, "unchanged": 0, "warnings": [
            {"row": 3, "column": "revenue", "code": "revenue_not_reported",
             "message": "DEMO-33-N01 has no revenue for 2024: its chain revenues could not be checked against it"}]}
    ]})

    warnings: list[Problem] = Field(default_factory=list, description="zone-years written whose chain revenues "
                                    "could not be checked against the zone's revenue (revenue_not_reported)")


class ChainFigures(BaseModel):
    """A breakdown's figures at one moment (what the history records)."""

    revenue: float = Field(description="revenue of the chain in the zone, 亿元", examples=[1250.5])
    segments_covered: int = Field(description="segments of the chain present in the zone", examples=[5])
    key_components: int = Field(description="key components of the chain considered", examples=[8])
    key_components_with_alt: int = Field(description="key components with an alternative (domestic) source",
                                         examples=[5])
    local_procurement_share: float = Field(description="percent of procurement sourced locally", examples=[38.5])
    key_products: list[KeyProductIn] | None = Field(description="the key products as given (null: none were given)",
                                                    examples=[[_KEY_PRODUCT]])
    source: str | None = Field(description="where the figures come from", examples=["示例高新区-浙江01管委会"])


class ChainBreakdownOut(BaseModel):
    """A stored chain breakdown, with the chain's defined segment count and its chokepoint measures."""

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
    key_products: list[KeyProductOut] | None = Field(description="null when the products were not given",
                                                     examples=[[{**_KEY_PRODUCT, "quadrant": "chokepoint"}]])
    chokepoint_share: float | None = Field(description="percent of key products that are chokepoints (lower is "
                                           "better); null without key products", examples=[25.0])
    chokepoint_alt_coverage: float | None = Field(description="percent of chokepoints with an alternative source "
                                                  "(100 when there is none); null without key products",
                                                  examples=[50.0])
    source: str | None = Field(description="where the figures come from", examples=["示例高新区-浙江01管委会"])
    revision: int = Field(description="1 when created, +1 on every change", examples=[2])
    updated_at: datetime = Field(description="when the breakdown was last written (UTC)",
                                 examples=["2026-03-02T08:15:00Z"])


class ChainBreakdownChangeOut(BaseModel):
    """One change of a breakdown: the figures before (null when it was created) and after."""

    zone_code: str = Field(description="zone code", examples=["DEMO-33-N01"])
    year: int = Field(description="year of the figures", examples=[2024])
    chain_code: str = Field(description="chain code", examples=["integrated_circuits"])
    old: ChainFigures | None = Field(description="the figures before the change (null: the breakdown was created)")
    new: ChainFigures = Field(description="the figures after the change")
    changed_by: str | None = Field(description="name of the API key (or 'cli', 'seed-demo') that made the change",
                                   examples=["zhejiang-portal"])
    key_id: int | None = Field(default=None, description="id of that API key", examples=[4])
    changed_at: datetime = Field(description="when the change was made (UTC)", examples=["2026-03-02T08:15:00Z"])
    request_id: str | None = Field(description="the request that made it (X-Request-ID)",
                                   examples=["3f2b9c0e8a7d4e51b6c2a9f04d7e1c55"])
