"""Zone resources."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationInfo, field_validator
from pydantic.json_schema import SkipJsonSchema

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


def _not_sent_by_default(schema: dict[str, Any]) -> None:
    # The default of a required field in an update means "not sent", not a value a client could send.
    schema.pop("default", None)


class ZoneUpdate(BaseModel):
    """A partial update of a zone; the code cannot change.

    A field left out stays as it is. ``null`` erases the optional fields (``name_en``, ``city``,
    ``year_approved``, ``leading_chain``); for a required one (``name_zh``, ``province``, ``level``,
    ``kind``, ``pilot``) it is a 422, not a silent no-op. Their default is "not sent", never a value.
    """

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"pilot": True, "leading_chain": "biomedicine"}]}
    )

    name_zh: str | SkipJsonSchema[None] = Field(default=None, min_length=1, max_length=200,
                                                json_schema_extra=_not_sent_by_default)
    name_en: str | None = Field(default=None, max_length=200)
    province: str | SkipJsonSchema[None] = Field(default=None, json_schema_extra=_not_sent_by_default)
    city: str | None = Field(default=None, max_length=100)
    level: Level | SkipJsonSchema[None] = Field(default=None, json_schema_extra=_not_sent_by_default)
    kind: ZoneKind | SkipJsonSchema[None] = Field(default=None, json_schema_extra=_not_sent_by_default)
    year_approved: WholeNumber | None = Field(default=None, ge=1988, le=2100)
    pilot: bool | SkipJsonSchema[None] = Field(default=None, json_schema_extra=_not_sent_by_default)
    leading_chain: str | None = None

    _province = field_validator("province")(_check_province)
    _chain = field_validator("leading_chain")(_check_chain)

    @field_validator("name_zh", "province", "level", "kind", "pilot", mode="before")
    @classmethod
    def _required_not_null(cls, value: object, info: ValidationInfo) -> object:
        # Runs only for fields that were sent (defaults are not validated): an explicit null.
        if value is None:
            raise ValueError(f"{info.field_name} is required and cannot be null; leave it out to keep it as it is")
        return value


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
