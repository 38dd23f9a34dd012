"""Zone resources."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

from app.schemas.common import WholeNumber
from scoring_models.catalog import chain_catalog
from scoring_models.labels import LabelKind, labels

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,39}$"


class Level(StrEnum):
    """National (国家级) or provincial (省级) zone."""

    NATIONAL = "national"
    PROVINCIAL = "provincial"


class ZoneKind(StrEnum):
    """High-tech zone (高新区) or, for comparison, economic-development zone (经开区)."""

    HITECH = "hitech"
    ECON_DEV = "econ_dev"


def _check_province(value: str | None) -> str | None:
    if value is not None and value not in labels(LabelKind.PROVINCES):
        raise ValueError(f"unknown province code {value!r}; use a GB/T 2260 two-digit code such as '33'")
    return value


def _check_chain(value: str | None) -> str | None:
    if value is not None and value not in chain_catalog().by_code():
        known = ", ".join(sorted(chain_catalog().by_code()))
        raise ValueError(f"unknown industry chain {value!r}; known chains: {known}")
    return value


class ZoneFields(BaseModel):
    """Fields a client may set on a zone."""

    model_config = ConfigDict(extra="forbid")

    name_zh: str = Field(min_length=1, max_length=200, examples=["示例高新区-浙江01"])
    name_en: str | None = Field(default=None, max_length=200)
    province: str = Field(examples=["33"], description="GB/T 2260 two-digit province code")
    city: str | None = Field(default=None, max_length=100)
    level: Level
    kind: ZoneKind = ZoneKind.HITECH
    year_approved: WholeNumber | None = Field(default=None, ge=1988, le=2100)
    pilot: bool = False
    leading_chain: str | None = Field(default=None, description="code of the declared 首位产业链")

    _province = field_validator("province")(_check_province)
    _chain = field_validator("leading_chain")(_check_chain)


_ZONE_EXAMPLE: dict[str, JsonValue] = {
    "code": "DEMO-33-N01", "name_zh": "示例高新区-浙江01", "name_en": "Demo Zone Zhejiang 01", "province": "33",
    "city": "杭州市", "level": "national", "kind": "hitech", "year_approved": 1991, "pilot": True,
    "leading_chain": "integrated_circuits",
}


class ZoneCreate(ZoneFields):
    """A new zone."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_ZONE_EXAMPLE]})

    code: str = Field(pattern=CODE_PATTERN, examples=["DEMO-33-N01"])


class ZoneUpdate(BaseModel):
    """A partial update of a zone; the code cannot change."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"pilot": True, "leading_chain": "biomedicine"}]}
    )

    name_zh: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    province: str | None = None
    city: str | None = Field(default=None, max_length=100)
    level: Level | None = None
    kind: ZoneKind | None = None
    year_approved: WholeNumber | None = Field(default=None, ge=1988, le=2100)
    pilot: bool | None = None
    leading_chain: str | None = None

    _province = field_validator("province")(_check_province)
    _chain = field_validator("leading_chain")(_check_chain)


class ZoneOut(BaseModel):
    """A stored zone."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [{
        **_ZONE_EXAMPLE, "source": None, "created_at": "2026-03-02T08:15:00Z", "updated_at": "2026-03-02T08:15:00Z",
    }]})

    code: str
    name_zh: str
    name_en: str | None
    province: str
    city: str | None
    level: Level
    kind: ZoneKind
    year_approved: int | None
    pilot: bool
    leading_chain: str | None
    source: str | None
    created_at: datetime
    updated_at: datetime
