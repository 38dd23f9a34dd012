"""Labels in zh-CN and en, and the language a request asks for.

The language comes from ``?lang=`` when given, else from ``Accept-Language``, else zh-CN: the
service's users are Chinese provincial departments and portals, so Chinese is the default and an
unknown or unsupported language falls back to it rather than failing.

Every label comes from the zh/en label catalog of the scoring library (``scoring_models.labels``),
so the API, exports, pages and the CLI word a code the same way.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Query, Request, Response
from pydantic import WithJsonSchema

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


LabelSet = LabelKind
"""The named sets of labels served by ``GET /api/v1/labels`` (the catalog's kinds)."""


def catalog_lang(lang: Language) -> CatalogLang:
    """The label catalog's language for a request language."""
    return "zh" if lang is Language.ZH_CN else "en"


def label(label_set: LabelKind, code: str, lang: Language, *, default: str | None = None) -> str:
    """The label of ``code`` in ``label_set`` for ``lang``; ``default`` (else the code) when unknown."""
    return catalog_label(label_set, code, catalog_lang(lang), default=default)


def labels_for(lang: Language) -> dict[LabelKind, dict[str, str]]:
    """Every label set in ``lang``: set → code → label."""
    return {kind: catalog_labels(kind, catalog_lang(lang)) for kind in LabelKind}


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
    lang: Annotated[
        Annotated[str, WithJsonSchema({"type": "string", "enum": [v.value for v in Language]})] | None,
        Query(max_length=35, description="zh-CN (default) or en; overrides the Accept-Language header (another "
              "language tag falls back to Accept-Language, then zh-CN)", examples=["en"]),
    ] = None,
) -> Language:
    """Dependency: the language of this request (``?lang=``, else ``Accept-Language``, else zh-CN).

    Sets no header: a reply states ``Content-Language`` only when its body is in that language — JSON
    that :data:`LocalisedLang` labels, or a download or page that sets the header itself.
    """
    return resolve_language(lang, request.headers.get("accept-language"))


def localised_headers(lang: Language) -> dict[str, str]:
    """The headers of a reply whose body is in ``lang``: ``Content-Language`` and ``Vary: Accept-Language``."""
    return {"Content-Language": lang.value, "Vary": "Accept-Language"}


async def get_localised_lang(response: Response, lang: Annotated[Language, Depends(get_lang)]) -> Language:
    """Dependency: the language of a JSON reply whose labels are in it; sets :func:`localised_headers`
    (handlers returning a ``Response`` themselves must set them on it)."""
    response.headers.update(localised_headers(lang))
    return lang


Lang = Annotated[Language, Depends(get_lang)]
LocalisedLang = Annotated[Language, Depends(get_localised_lang)]
