"""Labels in zh-CN and en, and the language a request asks for.

The language comes from ``?lang=`` when given, else from ``Accept-Language``, else zh-CN: the
service's users are Chinese provincial departments and portals, so Chinese is the default and an
unknown or unsupported language falls back to it rather than failing.

Indicator, dimension and chain names come from the versioned catalogs (one definition); the
classification labels (tiers, profiles, badges) follow the domain brief (``docs/domain.md`` §5).
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Query, Request, Response

from app.negotiation import by_preference
from app.provinces import PROVINCES
from scoring_models.catalog import chain_catalog, indicator_catalog


class Language(StrEnum):
    """A language the service has labels for (BCP 47 tags)."""

    ZH_CN = "zh-CN"
    EN = "en"


DEFAULT_LANGUAGE = Language.ZH_CN


class LabelSet(StrEnum):
    """The named sets of labels served by ``GET /api/v1/labels``."""

    INDICATORS = "indicators"
    DIMENSIONS = "dimensions"
    PILLARS = "pillars"
    TIERS = "tiers"
    PROFILES = "profiles"
    BADGES = "badges"
    LEVELS = "levels"
    KINDS = "kinds"
    PROVINCES = "provinces"
    CHAINS = "chains"
    STATUSES = "statuses"
    DIRECTIONS = "directions"
    NATURES = "natures"


# (zh-CN, en) per code. Tier, profile and badge wording is the policy article's (domain brief §5).
_TIERS = {
    "peak": ("创新高峰", "Innovation peak"),
    "strong": ("创新强劲", "Strong innovator"),
    "moderate": ("创新追赶", "Moderate innovator"),
    "emerging": ("创新培育", "Emerging innovator"),
}
_PROFILES = {
    "peak": ("创新高峰型", "Innovation peak"),
    "plateau": ("产业高原型", "Industrial plateau"),
    "growth": ("创新成长型", "Innovation growth"),
    "foundation": ("基础培育型", "Foundation building"),
}
_BADGES = {
    "gazelle": ("瞪羚园区", "Gazelle zone"),
    "hidden_champion": ("隐形冠军园区", "Hidden-champion zone"),
    "single_champion": ("单项冠军园区", "Single-item champion zone"),
}
# The five pillars of the national comprehensive evaluation (MOST 2021, 国科发火〔2021〕106号) with the
# codes the built-in ``comprehensive`` model uses, and the pillars of the innovation-first models,
# which share their codes with the catalog dimensions. A model's own spec may name further pillars.
_NATIONAL_PILLARS = {
    "innovation_entrepreneurship": ("创新能力和创业活跃度", "Innovation capacity and entrepreneurship"),
    "structure_value_chain": ("结构优化和产业价值链", "Structural upgrading and industrial value chain"),
    "green_liveable": ("绿色发展和宜居包容性", "Green development and liveability"),
    "open_competitiveness": ("开放创新和国际竞争力", "Open innovation and international competitiveness"),
    "quality_sustainability": ("综合质效和持续创新力", "Overall quality, efficiency and sustained innovation"),
}
_LEVELS = {"national": ("国家级", "National"), "provincial": ("省级", "Provincial")}
_KINDS = {"hitech": ("高新区", "High-tech zone"), "econ_dev": ("经开区", "Economic-development zone")}
_STATUSES = {
    "reported": ("已报送", "Reported"),
    "verified": ("已核实", "Verified"),
    "estimated": ("估算", "Estimated"),
}
_DIRECTIONS = {"higher": ("越高越好", "Higher is better"), "lower": ("越低越好", "Lower is better")}
_NATURES = {
    "outcome": ("成效指标", "Outcome"),
    "scale": ("规模指标", "Scale"),
    "process": ("过程指标", "Process"),
}


@lru_cache(maxsize=1)
def _all_pairs() -> dict[LabelSet, dict[str, tuple[str, str]]]:
    catalog = indicator_catalog()
    dimensions = {d.code: (d.name_zh, d.name_en) for d in catalog.dimensions}
    return {
        LabelSet.INDICATORS: {i.code: (i.name_zh, i.name_en) for i in catalog.indicators},
        LabelSet.DIMENSIONS: dimensions,
        LabelSet.PILLARS: {**_NATIONAL_PILLARS, **dimensions},
        LabelSet.TIERS: _TIERS,
        LabelSet.PROFILES: _PROFILES,
        LabelSet.BADGES: _BADGES,
        LabelSet.LEVELS: _LEVELS,
        LabelSet.KINDS: _KINDS,
        LabelSet.PROVINCES: dict(PROVINCES),
        LabelSet.CHAINS: {c.code: (c.name_zh, c.name_en) for c in chain_catalog().chains},
        LabelSet.STATUSES: _STATUSES,
        LabelSet.DIRECTIONS: _DIRECTIONS,
        LabelSet.NATURES: _NATURES,
    }


def label(label_set: LabelSet, code: str, lang: Language, *, default: str | None = None) -> str:
    """The label of ``code`` in ``label_set`` for ``lang``; ``default`` (else the code) when unknown."""
    pair = _all_pairs()[label_set].get(code)
    if pair is None:
        return code if default is None else default
    return pair[0] if lang is Language.ZH_CN else pair[1]


def labels_for(lang: Language) -> dict[LabelSet, dict[str, str]]:
    """Every label set in ``lang``: set → code → label."""
    index = 0 if lang is Language.ZH_CN else 1
    return {name: {code: pair[index] for code, pair in pairs.items()} for name, pairs in _all_pairs().items()}


def localized(name_zh: str, name_en: str | None, lang: Language) -> str:
    """Pick the name for ``lang`` from a zh/en pair; English falls back to Chinese when missing."""
    return name_en if lang is Language.EN and name_en else name_zh


def _match(tag: str) -> Language | None:
    primary = tag.strip().lower().split("-", 1)[0]
    if primary == "zh":
        # Only Simplified Chinese labels exist; zh-TW/zh-Hant readers still prefer them to English.
        return Language.ZH_CN
    if primary == "en":
        return Language.EN
    return None


def parse_accept_language(header: str | None) -> Language:
    """The best supported language in an ``Accept-Language`` header (RFC 9110 §12.5.4), else zh-CN.

    Ranges are tried by descending q-value (ties keep header order); ``q=0`` means "not this one";
    ``*`` and unknown languages are skipped, so they end in the zh-CN default.
    """
    if not header:
        return DEFAULT_LANGUAGE
    for tag in by_preference(header):
        found = _match(tag)
        if found is not None:
            return found
    return DEFAULT_LANGUAGE


def resolve_language(lang_param: str | None, accept_language: str | None) -> Language:
    """``?lang=`` wins when it names a supported language; otherwise ``Accept-Language`` decides."""
    if lang_param:
        found = _match(lang_param)
        if found is not None:
            return found
    return parse_accept_language(accept_language)


async def get_lang(
    request: Request,
    response: Response,
    lang: Annotated[
        str | None,
        Query(description="zh-CN (default) or en; overrides the Accept-Language header", examples=["en"]),
    ] = None,
) -> Language:
    """Dependency: the language of this request; also sets ``Content-Language`` on normal replies.

    Handlers that return a ``Response`` themselves must set ``Content-Language`` (and
    ``Vary: Accept-Language``) on it, since FastAPI does not merge this dependency's headers then.
    """
    chosen = resolve_language(lang, request.headers.get("accept-language"))
    response.headers["Content-Language"] = chosen.value
    response.headers["Vary"] = "Accept-Language"
    return chosen


Lang = Annotated[Language, Depends(get_lang)]
