"""Zone resources."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StrictBool, ValidationInfo, field_validator
from pydantic.json_schema import SkipJsonSchema

from app.i18n import LabelSet, Language, label, localized
from app.schemas.common import WholeNumber
from scoring_models.catalog import chain_catalog
from scoring_models.labels import LabelKind, labels

if TYPE_CHECKING:
    from app.orm import Zone

_EXAMPLE_LANG = Language.ZH_CN
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

    name_zh: str = Field(min_length=1, max_length=200, description="Chinese name", examples=["示例高新区-浙江01"])
    name_en: str | None = Field(default=None, max_length=200, description="English name",
                                examples=["Demo Zone Zhejiang 01"])
    province: str = Field(examples=["33"], description="GB/T 2260 two-digit province code")
    city: str | None = Field(default=None, max_length=100, description="city", examples=["杭州市"])
    level: Level = Field(description="national (国家级) or provincial (省级)", examples=["national"])
    kind: ZoneKind = Field(default=ZoneKind.HITECH, description="hitech (高新区) or econ_dev (经开区, for comparison)",
                           examples=["hitech"])
    year_approved: WholeNumber | None = Field(default=None, ge=1988, le=2100, description="year of approval",
                                              examples=[1991])
    pilot: StrictBool = Field(default=False, description="an innovation pilot zone (true or false)", examples=[True])
    leading_chain: str | None = Field(default=None, description="code of the declared 首位产业链 (chain catalog)",
                                      examples=["integrated_circuits"])

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

    code: str = Field(pattern=CODE_PATTERN, description="the zone's code, unique and unchangeable",
                      examples=["DEMO-33-N01"])


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

    name_zh: str | SkipJsonSchema[None] = Field(default=None, min_length=1, max_length=200, description="Chinese name",
                                                examples=["示例高新区-浙江01"], json_schema_extra=_not_sent_by_default)
    name_en: str | None = Field(default=None, max_length=200, description="English name",
                                examples=["Demo Zone Zhejiang 01"])
    province: str | SkipJsonSchema[None] = Field(default=None, description="GB/T 2260 two-digit province code",
                                                 examples=["33"], json_schema_extra=_not_sent_by_default)
    city: str | None = Field(default=None, max_length=100, description="city", examples=["杭州市"])
    level: Level | SkipJsonSchema[None] = Field(default=None, description="national or provincial",
                                                examples=["national"], json_schema_extra=_not_sent_by_default)
    kind: ZoneKind | SkipJsonSchema[None] = Field(default=None, description="hitech or econ_dev",
                                                  examples=["hitech"], json_schema_extra=_not_sent_by_default)
    year_approved: WholeNumber | None = Field(default=None, ge=1988, le=2100, description="year of approval",
                                              examples=[1991])
    pilot: StrictBool | SkipJsonSchema[None] = Field(default=None, description="an innovation pilot zone (true or "
                                                     "false)", examples=[True], json_schema_extra=_not_sent_by_default)
    leading_chain: str | None = Field(default=None, description="code of the declared 首位产业链",
                                      examples=["biomedicine"])

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
    """A stored zone: its codes, each with its label in the request's language."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        **_ZONE_EXAMPLE, "name": "示例高新区-浙江01", "province_label": label(LabelSet.PROVINCES, "33", _EXAMPLE_LANG),
        "level_label": label(LabelSet.LEVELS, "national", _EXAMPLE_LANG),
        "kind_label": label(LabelSet.KINDS, "hitech", _EXAMPLE_LANG),
        "leading_chain_label": label(LabelSet.CHAINS, "integrated_circuits", _EXAMPLE_LANG), "source": None,
        "created_at": "2026-03-02T08:15:00Z", "updated_at": "2026-03-02T08:15:00Z",
    }]})

    code: str = Field(description="zone code", examples=["DEMO-33-N01"])
    name: str = Field(description="the name in the request's language (the Chinese one when there is no English)",
                      examples=["示例高新区-浙江01"])
    name_zh: str = Field(description="Chinese name", examples=["示例高新区-浙江01"])
    name_en: str | None = Field(description="English name", examples=["Demo Zone Zhejiang 01"])
    province: str = Field(description="GB/T 2260 two-digit province code", examples=["33"])
    province_label: str = Field(description="the province's name", examples=[label(LabelSet.PROVINCES, "33",
                                                                                          _EXAMPLE_LANG)])
    city: str | None = Field(description="city", examples=["杭州市"])
    level: Level = Field(description="national or provincial", examples=["national"])
    level_label: str = Field(description="the level's name", examples=[label(LabelSet.LEVELS, "national",
                                                                                    _EXAMPLE_LANG)])
    kind: ZoneKind = Field(description="hitech or econ_dev", examples=["hitech"])
    kind_label: str = Field(description="the kind's name", examples=[label(LabelSet.KINDS, "hitech", _EXAMPLE_LANG)])
    year_approved: int | None = Field(description="year of approval", examples=[1991])
    pilot: bool = Field(description="an innovation pilot zone", examples=[True])
    leading_chain: str | None = Field(description="code of the declared 首位产业链", examples=["integrated_circuits"])
    leading_chain_label: str | None = Field(description="the chain's name", examples=[
        label(LabelSet.CHAINS, "integrated_circuits", _EXAMPLE_LANG)])
    source: str | None = Field(description="where the record came from (synthetic for the demo data)",
                               examples=[None])
    created_at: datetime = Field(description="when the zone was stored (UTC)")
    updated_at: datetime = Field(description="when the zone last changed (UTC)")

    @classmethod
    def of(cls, zone: Zone, lang: Language) -> ZoneOut:
        """The stored ``zone`` as served, labelled in ``lang``."""
        return cls(
            code=zone.code, name=localized(zone.name_zh, zone.name_en, lang), name_zh=zone.name_zh,
            name_en=zone.name_en, province=zone.province, province_label=label(LabelSet.PROVINCES, zone.province, lang),
            city=zone.city, level=Level(zone.level), level_label=label(LabelSet.LEVELS, zone.level, lang),
            kind=ZoneKind(zone.kind), kind_label=label(LabelSet.KINDS, zone.kind, lang),
            year_approved=zone.year_approved, pilot=zone.pilot, leading_chain=zone.leading_chain,
            leading_chain_label=label(LabelSet.CHAINS, zone.leading_chain, lang) if zone.leading_chain else None,
            source=zone.source, created_at=zone.created_at, updated_at=zone.updated_at,
        )
