"""HTTP caching helpers: strong ETags, ``If-None-Match`` → 304, and ``Cache-Control`` policies.

Portals poll the catalog and published rankings often; a 304 costs no body and no serialisation.
Policies: ``no-cache`` ("store it, but revalidate with the ETag before each reuse") by default;
``public, max-age=31536000, immutable`` for what can never change (``immutable=True``); and any other
``cache_control`` a caller names — evaluation results, whose visibility can change (a run may be
superseded or withdrawn), get a short freshness and must revalidate (:func:`short_public`), drafts
``private, no-cache`` (:data:`CACHE_PRIVATE`).

Usage in a handler::

    etag = version_etag(f"{catalog_version}:{lang}")
    if (hit := not_modified(request, etag, immutable=False)) is not None:
        return hit
    body = ...  # build the reply only on a miss
    return json_response(body, etag=etag, immutable=False)
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import pydantic_core
from fastapi import Request, Response
from pydantic import BaseModel

CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
CACHE_REVALIDATE = "no-cache"
# For one caller only (a draft shown to a key): no shared cache may store it, and the browser revalidates.
CACHE_PRIVATE = "private, no-cache"


def short_public(max_age: int) -> str:
    """Shared caches may serve it for ``max_age`` seconds, then must revalidate (``no-cache`` for 0)."""
    return f"public, max-age={max_age}, must-revalidate" if max_age > 0 else CACHE_REVALIDATE


def version_etag(version: str) -> str:
    """A strong ETag (quoted) for a representation fully determined by ``version``.

    Include everything the body depends on (catalog version, language, format …) in ``version``.
    Hashing keeps the tag free of characters that are not allowed inside an ETag.
    """
    return '"v-' + hashlib.sha256(version.encode("utf-8")).hexdigest()[:32] + '"'


def representation_tag(request: Request, prefix: str, fmt: str, lang: str) -> tuple[str, dict[str, str]]:
    """The strong ETag of an immutable resource's representation, and the headers that go with it.

    For resources that never change once stored (a run, a panel): the path, every query parameter, the
    negotiated format and language fully determine the body, so the tag is known without building it.
    ``prefix`` names the resource kind and its representation version (bump it when the layout changes).
    """
    query = "&".join(f"{k}={v}" for k, v in sorted(request.query_params.multi_items()))
    etag = version_etag(f"{prefix}:{request.url.path}?{query}:{fmt}:{lang}")
    return etag, {"Content-Language": lang, "Vary": "Accept, Accept-Language"}


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith(("W/", "w/")) else tag


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header matches ``etag`` (weak comparison, RFC 9110 §13.1.2)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = _opaque(etag)
    return any(_opaque(candidate) == wanted for candidate in if_none_match.split(","))


def cache_headers(etag: str, *, immutable: bool = False, extra: Mapping[str, str] | None = None,
                  cache_control: str | None = None) -> dict[str, str]:
    """The ``ETag`` and ``Cache-Control`` headers (plus ``extra``) for a cacheable reply; ``cache_control``
    names the policy outright, otherwise ``immutable`` chooses between the two standard ones."""
    policy = cache_control or (CACHE_IMMUTABLE if immutable else CACHE_REVALIDATE)
    headers = {"ETag": etag, "Cache-Control": policy}
    headers.update(extra or {})
    return headers


def not_modified(
    request: Request, etag: str, *, immutable: bool = False, extra: Mapping[str, str] | None = None,
    cache_control: str | None = None,
) -> Response | None:
    """A 304 response when the request's ``If-None-Match`` matches ``etag``, else ``None``.

    A 304 repeats the validators and caching headers (RFC 9110 §15.4.5) but has no body.
    """
    if not etag_matches(request.headers.get("if-none-match"), etag):
        return None
    return Response(status_code=304,
                    headers=cache_headers(etag, immutable=immutable, extra=extra, cache_control=cache_control))


def json_response(
    content: Any, *, etag: str, immutable: bool = False, extra: Mapping[str, str] | None = None,
    status_code: int = 200, cache_control: str | None = None,
) -> Response:
    """A JSON reply carrying ``etag`` and the matching Cache-Control.

    Pydantic models (and data holding them) are written by pydantic's own serializer: FastAPI's
    ``jsonable_encoder`` walks a large model in Python and was most of a scorecard's time.
    """
    body = content.model_dump_json().encode() if isinstance(content, BaseModel) else pydantic_core.to_json(content)
    return Response(
        body, status_code=status_code, media_type="application/json",
        headers=cache_headers(etag, immutable=immutable, extra=extra, cache_control=cache_control),
    )
