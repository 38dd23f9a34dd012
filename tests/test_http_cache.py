"""ETags, 304 Not Modified and Cache-Control."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient

from app.http_cache import (
    CACHE_IMMUTABLE,
    CACHE_REVALIDATE,
    etag_matches,
    json_response,
    not_modified,
    version_etag,
)


def test_etags_are_strong_quoted_and_content_dependent() -> None:
    a, b = version_etag("abc"), version_etag("abd")
    assert a.startswith('"') and a.endswith('"') and not a.startswith("W/") and a != b
    assert version_etag("2026.1:en") != version_etag("2026.1:zh-CN")
    assert version_etag('a "quoted" \u5e74').count('"') == 2


def test_if_none_match_comparison() -> None:
    tag = version_etag("x")
    assert etag_matches(tag, tag)
    assert etag_matches(f'"other", {tag}', tag)
    assert etag_matches(f"W/{tag}", tag)  # If-None-Match uses the weak comparison
    assert etag_matches("*", tag)
    assert not etag_matches(None, tag) and not etag_matches('"other"', tag) and not etag_matches("", tag)


def test_not_modified_returns_304_with_the_cache_policy() -> None:
    app = FastAPI()
    etag = version_etag("run-1")

    @app.get("/run")
    def run(request: Request) -> Response:
        if (hit := not_modified(request, etag, immutable=True)) is not None:
            return hit
        return json_response({"rank": 1}, etag=etag, immutable=True)

    client = TestClient(app)
    first = client.get("/run")
    assert first.status_code == 200 and first.headers["cache-control"] == CACHE_IMMUTABLE
    assert first.headers["etag"] == etag and first.json() == {"rank": 1}
    second = client.get("/run", headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 304 and second.content == b""
    assert second.headers["cache-control"] == CACHE_IMMUTABLE and second.headers["etag"] == first.headers["etag"]
    assert client.get("/run", headers={"If-None-Match": '"stale"'}).status_code == 200


def test_indicator_catalog_revalidates_by_catalog_version(client: TestClient) -> None:
    first = client.get("/api/v1/indicators")
    assert first.status_code == 200 and first.headers["cache-control"] == CACHE_REVALIDATE
    etag = first.headers["etag"]
    again = client.get("/api/v1/indicators", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    english = client.get("/api/v1/indicators", headers={"If-None-Match": etag, "Accept-Language": "en"})
    assert english.status_code == 200 and english.headers["etag"] != etag
    one = client.get("/api/v1/indicators/rd_intensity")
    revalidated = client.get("/api/v1/indicators/rd_intensity", headers={"If-None-Match": one.headers["etag"]})
    assert revalidated.status_code == 304
