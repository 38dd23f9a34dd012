"""Labels for codes in zh-CN or en, for portals that show tiers, badges and names."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from app.api.responses import NOT_MODIFIED
from app.http_cache import json_response, not_modified, version_etag
from app.i18n import Lang, Language, labels_for
from app.security import ReadAccess
from scoring_models.catalog import indicator_catalog

router = APIRouter(prefix="/api/v1/labels", tags=["labels"])

# Bump when a hand-written label in app/i18n.py changes, so cached label sets are revalidated.
LABELS_REVISION = "1"


class LabelSets(BaseModel):
    """Every label set in one language: set name → code → label."""

    lang: Language = Field(examples=["zh-CN"])
    catalog_version: str = Field(examples=["2026.1"])
    labels: dict[str, dict[str, str]] = Field(
        examples=[{
            "tiers": {"peak": "创新高峰", "strong": "创新强劲", "moderate": "创新追赶", "emerging": "创新培育"},
            "profiles": {"peak": "创新高峰型", "plateau": "产业高原型", "growth": "创新成长型",
                         "foundation": "基础培育型"},
            "badges": {"gazelle": "瞪羚园区", "hidden_champion": "隐形冠军园区", "single_champion": "单项冠军园区"},
            "provinces": {"33": "浙江省"},
            "indicators": {"rd_intensity": "R&D经费投入强度"},
        }]
    )


@router.get(
    "",
    summary="All labels in one language",
    response_model=LabelSets,
    responses=NOT_MODIFIED,
)
def get_labels(request: Request, reader: ReadAccess, lang: Lang) -> Response:
    """Labels of indicators, dimensions, pillars, tiers, profiles, badges, levels, zone kinds, provinces,
    chains, observation statuses, directions and natures, in the language chosen by `?lang=` or
    `Accept-Language` (default zh-CN). Cached with an ETag; revalidate with `If-None-Match`."""
    catalog_version = indicator_catalog().catalog_version
    etag = version_etag(f"labels:{LABELS_REVISION}:{catalog_version}:{lang}")
    extra = {"Content-Language": lang.value, "Vary": "Accept-Language"}
    hit = not_modified(request, etag, immutable=False, extra=extra)
    if hit is not None:
        return hit
    body = LabelSets(lang=lang, catalog_version=catalog_version,
                     labels={name.value: values for name, values in labels_for(lang).items()})
    return json_response(body, etag=etag, immutable=False, extra=extra)
