"""Labels in zh-CN and en, and the language a request asks for.

The language comes from ``?lang=`` when given, else from ``Accept-Language``, else zh-CN: the
service's users are Chinese provincial departments and portals, so Chinese is the default and an
unknown or unsupported language falls back to it rather than failing.

Every label of a code comes from the label catalog, :mod:`scoring_models.labels` (one definition,
shared with the library); this module picks the language and serves the sets the API publishes.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import Annotated

from fastapi import Depends, Query, Request, Response

from app.negotiation import by_preference
from scoring_models.labels import LabelKind
from scoring_models.labels import Lang as CatalogLang
from scoring_models.labels import label as catalog_label
from scoring_models.labels import labels as catalog_labels


class Language(StrEnum):
    """A language the service has labels for (BCP 47 tags)."""

    ZH_CN = "zh-CN"
    EN = "en"


DEFAULT_LANGUAGE = Language.ZH_CN


class LabelSet(StrEnum):
    """The named sets of labels served by ``GET /api/v1/labels`` (each a kind of the label catalog)."""

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


def catalog_lang(lang: Language) -> CatalogLang:
    """The label catalog's name for ``lang``."""
    return "zh" if lang is Language.ZH_CN else "en"


@cache
def known_codes(kind: LabelKind) -> frozenset[str]:
    """The codes the label catalog has labels for in ``kind`` (e.g. the 31 province codes)."""
    return frozenset(catalog_labels(kind))


def label(label_set: LabelSet | LabelKind, code: str, lang: Language, *, default: str | None = None) -> str:
    """The label of ``code`` in ``label_set`` for ``lang``, from the label catalog; ``default`` (else the
    code) when unknown."""
    kind = LabelKind(label_set)
    if default is not None and code not in known_codes(kind):
        return default
    return catalog_label(kind, code, catalog_lang(lang))


def labels_for(lang: Language) -> dict[LabelSet, dict[str, str]]:
    """Every label set in ``lang``: set → code → label."""
    return {name: catalog_labels(name, catalog_lang(lang)) for name in LabelSet}


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
