"""The Host header (allowed hosts, no redirect to a client-chosen host) and the security headers."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.config import Settings
from app.hosts import host_allowed


def test_no_redirect_is_built_from_the_host_header(anon_client: TestClient) -> None:
    response = anon_client.get("/api/v1/zones/", headers={"Host": "evil.example"}, follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/api/v1/zones", "a path, resolved against the address the client used"
    kept = anon_client.get("/ui/?lang=en", headers={"Host": "evil.example"}, follow_redirects=False)
    assert kept.headers["location"] == "/ui?lang=en"
    # A path of several slashes cannot turn into another host ("//evil.example" is scheme-relative).
    assert not anon_client.get("//evil.example/", follow_redirects=False).headers.get("location", "/").startswith("//")


def test_allowed_hosts(app: FastAPI, anon_client: TestClient) -> None:
    app.state.settings = app.state.settings.model_copy(update={"allowed_hosts": ["api.example.org", "*.gov.example"]})
    for host in ("api.example.org", "API.example.org:8443", "zj.gov.example", "a.b.gov.example:80"):
        assert anon_client.get("/api/v1/labels", headers={"Host": host}).status_code == 200, host
    for host in ("evil.example", "gov.example", "api.example.org.evil.example", "127.0.0.1", ""):
        refused = anon_client.get("/api/v1/zones/", headers={"Host": host}, follow_redirects=False)
        assert refused.status_code == 400, host
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "ZONESCORE_ALLOWED_HOSTS" in refused.json()["detail"] and "location" not in refused.headers
    # Probes (a container's HEALTHCHECK asks 127.0.0.1) answer whatever the Host.
    assert anon_client.get("/readyz", headers={"Host": "127.0.0.1:8000"}).status_code == 200


def test_host_patterns() -> None:
    assert host_allowed("anything.example", []) and host_allowed("x", ["*"])
    assert host_allowed("[::1]:8000", ["[::1]"]) and not host_allowed("[::2]:8000", ["[::1]"])
    assert host_allowed("127.0.0.1:8000", ["127.0.0.1"]) and not host_allowed("127.0.0.2", ["127.0.0.1"])
    assert Settings(database_url="sqlite:///x.db", allowed_hosts="API.example.org, *.gov.example").allowed_hosts == [
        "api.example.org", "*.gov.example"]
    for bad in ("https://api.example.org", "api.example.org:8443", "api.example.org/path", "*.*.example"):
        with pytest.raises(ValidationError):
            Settings(database_url="sqlite:///x.db", allowed_hosts=bad)


def _policy(response: object) -> dict[str, str]:
    header = response.headers["content-security-policy"]  # type: ignore[attr-defined]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else "" for d in header.split("; ")}


def _inline_hashes(html: str, tag: str) -> set[str]:
    return {f"'sha256-{base64.b64encode(hashlib.sha256(m.encode()).digest()).decode()}'"
            for m in re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.S)}


@pytest.mark.parametrize("path", ["/api/v1/zones", "/api/v1/nope", "/openapi.json", "/metrics", "/healthz",
                                  "/static/swagger-ui/swagger-ui.css"])
def test_every_response_carries_the_security_headers(anon_client: TestClient, path: str) -> None:
    response = anon_client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    policy = _policy(response)
    assert policy["default-src"] == "'none'" and policy["frame-ancestors"] == "'none'"


def test_an_unhandled_error_carries_them_too(app: FastAPI, anon_client: TestClient) -> None:
    def explode() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/explode", explode)
    response = anon_client.get("/explode")
    assert response.status_code == 500 and response.headers["x-content-type-options"] == "nosniff"
    assert _policy(response)["default-src"] == "'none'"


def test_html_pages_allow_exactly_their_own_inline_blocks(anon_client: TestClient) -> None:
    for path in ("/ui", "/docs", "/redoc", "/ui/sign-in"):
        response = anon_client.get(path)
        policy = _policy(response)
        html = response.text
        assert policy["default-src"] == "'none'" and policy["base-uri"] == "'none'", path
        assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"], path
        assert set(policy["script-src"].split()) == {"'self'"} | _inline_hashes(html, "script"), path
        assert response.headers["x-content-type-options"] == "nosniff" and "x-frame-options" not in response.headers
        if path == "/redoc":  # ReDoc's bundle inserts <style> elements and starts a worker at run time
            assert policy["style-src"] == "'self' 'unsafe-inline'" and policy["worker-src"] == "blob:"
        else:
            assert set(policy["style-src"].split()) == {"'self'"} | _inline_hashes(html, "style"), path
            assert " style=" not in html, f"{path}: an inline style attribute would be blocked"
    assert _policy(anon_client.get("/ui"))["frame-ancestors"] == "'none'"


def test_frame_ancestors_let_named_portals_embed_the_pages(app: FastAPI, anon_client: TestClient) -> None:
    portals = ["https://portal.zj.gov.example", "https://kjt.example:8443"]
    app.state.settings = app.state.settings.model_copy(update={"frame_ancestors": portals})
    assert _policy(anon_client.get("/ui"))["frame-ancestors"] == " ".join(portals)
    # Only the pages: the API and the docs still refuse to be framed.
    assert _policy(anon_client.get("/api/v1/zones"))["frame-ancestors"] == "'none'"
    assert _policy(anon_client.get("/docs"))["frame-ancestors"] == "'none'"
    with pytest.raises(ValidationError):
        Settings(database_url="sqlite:///x.db", frame_ancestors="*")
