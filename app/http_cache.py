"""HTTP caching helpers: strong ETags, ``If-None-Match`` → 304, and ``Cache-Control`` policies.

Portals poll the catalog and published rankings often; a 304 costs no body and no serialisation.
Two policies exist: resources whose URL names an immutable thing (a stored evaluation run, which
never changes once written) get ``public, max-age=31536000, immutable``; everything else gets
``no-cache``, meaning "store it, but revalidate with the ETag before each reuse".

Usage in a handler (the lead's evaluation results follow the same pattern with ``immutable=True``
and ``etag=version_etag(run_id)``)::

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

from fastapi import Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
CACHE_REVALIDATE = "no-cache"


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


def cache_headers(etag: str, *, immutable: bool, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The ``ETag`` and ``Cache-Control`` headers (plus ``extra``) for a cacheable reply."""
    headers = {"ETag": etag, "Cache-Control": CACHE_IMMUTABLE if immutable else CACHE_REVALIDATE}
    headers.update(extra or {})
    return headers


def not_modified(
    request: Request, etag: str, *, immutable: bool, extra: Mapping[str, str] | None = None
) -> Response | None:
    """A 304 response when the request's ``If-None-Match`` matches ``etag``, else ``None``.

    A 304 repeats the validators and caching headers (RFC 9110 §15.4.5) but has no body.
    """
    if not etag_matches(request.headers.get("if-none-match"), etag):
        return None
    return Response(status_code=304, headers=cache_headers(etag, immutable=immutable, extra=extra))


def json_response(
    content: Any, *, etag: str, immutable: bool, extra: Mapping[str, str] | None = None, status_code: int = 200
) -> JSONResponse:
    """A JSON reply (pydantic models are encoded) carrying ``etag`` and the matching Cache-Control."""
    return JSONResponse(
        jsonable_encoder(content), status_code=status_code,
        headers=cache_headers(etag, immutable=immutable, extra=extra),
    )

