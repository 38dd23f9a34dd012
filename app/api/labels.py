"""Labels for codes in zh-CN or en, for portals that show tiers, badges and names."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from app.api.responses import NOT_MODIFIED
from app.http_cache import json_response, not_modified, version_etag
from app.i18n import Lang, Language, labels_for
from app.security import ReadAccess
from scoring_models.catalog import indicator_catalog
from scoring_models.labels import LabelKind, labels_version
from scoring_models.labels import label as catalog_label
from scoring_models.labels import labels as catalog_labels

router = APIRouter(prefix="/api/v1/labels", tags=["labels"])

# the sets shown whole in the documented example (read from the catalog, not copied)
_EXAMPLE_SETS = (LabelKind.TIERS, LabelKind.SUBGROUPS, LabelKind.PROFILES, LabelKind.BADGES, LabelKind.PEER_GROUPS)


class LabelSets(BaseModel):
    """Every label set in one language: set name → code → label."""

    lang: Language = Field(examples=["zh-CN"])
    catalog_version: str = Field(examples=["2026.1"])
    labels: dict[str, dict[str, str]] = Field(
        examples=[{kind.value: catalog_labels(kind) for kind in _EXAMPLE_SETS}
                  | {"provinces": {"33": catalog_label(LabelKind.PROVINCES, "33")},
                     "indicators": {"rd_intensity": catalog_label(LabelKind.INDICATORS, "rd_intensity")}}]
    )


@router.get(
    "",
    summary="All labels in one language",
    response_model=LabelSets,
    responses=NOT_MODIFIED,
)
def get_labels(request: Request, reader: ReadAccess, lang: Lang) -> Response:
    """Labels of indicators, dimensions, pillars, tiers, tier subgroups (`+`, `""`, `-`), profiles, badges,
    risk flags, levels, zone kinds, provinces, chains, peer-group words, observation statuses, directions,
    natures and the quadrants of a chain's key products (卡脖子 …), in the language chosen by `?lang=` or
    `Accept-Language` (default zh-CN). Peer-group codes are composite (`revenue1-platforms0`: revenue
    band 1, platforms band 0, band 0 the lowest; `k2`: k-means cluster 2; `all`; a category value such
    as `national` in front), so `peer_groups` labels the words they are made of. Cached with an ETag (it
    changes with the label catalog's `labels_version`); revalidate with `If-None-Match`."""
    catalog_version = indicator_catalog().catalog_version
    etag = version_etag(f"labels:{labels_version()}:{catalog_version}:{lang}")
    extra = {"Content-Language": lang.value, "Vary": "Accept-Language"}
    hit = not_modified(request, etag, immutable=False, extra=extra)
    if hit is not None:
        return hit
    body = LabelSets(lang=lang, catalog_version=catalog_version,
                     labels={name.value: values for name, values in labels_for(lang).items()})
    return json_response(body, etag=etag, immutable=False, extra=extra)
