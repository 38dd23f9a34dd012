"""Coded values a client may send: checked against their closed lists, listed as enums in OpenAPI.

A value outside its list is a 422 whose problem has pydantic's ``enum`` code and a message naming
every allowed value, exactly like the enumerations pydantic checks itself (levels, sort orders …).
The lists are the label catalog's (:mod:`scoring_models.labels`), so a code a client can send always
has a label to show.

Tiers are the exception: a plug-in model may define its own tier codes, so ``TierCode`` only
documents the built-in scheme's codes; the run's own scheme decides (``not_in_run``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from scoring_models.labels import LabelKind, labels

PROVINCE_CODES: tuple[str, ...] = tuple(labels(LabelKind.PROVINCES))
TIER_CODES: tuple[str, ...] = tuple(labels(LabelKind.TIERS))
PROFILE_CODES: tuple[str, ...] = tuple(labels(LabelKind.PROFILES))
BADGE_CODES: tuple[str, ...] = tuple(labels(LabelKind.BADGES))
CHAIN_CODES: tuple[str, ...] = tuple(labels(LabelKind.CHAINS))
INDICATOR_CODES: tuple[str, ...] = tuple(labels(LabelKind.INDICATORS))


def allowed_text(values: Sequence[str]) -> str:
    """``'a', 'b' or 'c'``: the allowed values as pydantic's ``enum`` message lists them."""
    quoted = [f"'{v}'" for v in values]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def one_of(values: Sequence[str]) -> Callable[[str], str]:
    """A validator accepting only ``values`` (pydantic's ``enum`` error naming them otherwise)."""
    allowed = frozenset(values)
    expected = allowed_text(values)

    def check(value: str) -> str:
        if value not in allowed:
            raise PydanticCustomError("enum", "Input should be {expected}", {"expected": expected})
        return value

    return check


def enum_schema(values: Sequence[str], description: str, *, closed: bool = True) -> WithJsonSchema:
    """The JSON schema of a coded string: its values as an ``enum`` (an open list only as examples)."""
    schema: dict[str, Any] = {"type": "string", "description": description, "examples": [values[0]]}
    if closed:
        schema["enum"] = list(values)
    return WithJsonSchema(schema)


ProvinceCode = Annotated[str, AfterValidator(one_of(PROVINCE_CODES)), enum_schema(
    PROVINCE_CODES, "GB/T 2260 two-digit code of a provincial-level region, e.g. 33 浙江省 (labels: GET /labels)")]
ProfileCode = Annotated[str, AfterValidator(one_of(PROFILE_CODES)), enum_schema(
    PROFILE_CODES, "zone profile: peak 创新高峰型, plateau 产业高原型, growth 创新成长型, foundation 基础培育型")]
BadgeCode = Annotated[str, AfterValidator(one_of(BADGE_CODES)), enum_schema(
    BADGE_CODES, "cultivation badge: gazelle 瞪羚园区, hidden_champion 隐形冠军园区, single_champion 单项冠军园区")]
TierCode = Annotated[str, enum_schema(
    TIER_CODES, "tier of the built-in scheme (peak 创新高峰, strong 创新强劲, moderate 创新追赶, emerging 创新培育); "
    "a plug-in model's own tier codes are accepted for its runs")]
ChainCode = Annotated[str, AfterValidator(one_of(CHAIN_CODES)), enum_schema(
    CHAIN_CODES, "industry chain of the chain catalog, e.g. integrated_circuits (labels: GET /labels)")]
IndicatorCode = Annotated[str, AfterValidator(one_of(INDICATOR_CODES)), enum_schema(
    INDICATOR_CODES, "indicator of the catalog, e.g. rd_intensity (GET /indicators)")]
