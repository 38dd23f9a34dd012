"""The API documentation works offline: local assets only, every operation documented."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.api.responses import EXAMPLE_SERVER

_URL = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""", re.IGNORECASE)
_LOCAL = ("http://localhost", "https://localhost", "http://127.0.0.1", "https://127.0.0.1")


def _remote_urls(text: str) -> set[str]:
    return {u for u in _URL.findall(text) if not u.lower().startswith(_LOCAL)}


def test_docs_pages_reference_only_local_assets(client: TestClient) -> None:
    for path, assets in {
        "/docs": ["/static/swagger-ui/swagger-ui-bundle.js", "/static/swagger-ui/swagger-ui.css"],
        "/redoc": ["/static/redoc/redoc.standalone.js"],
    }.items():
        page = client.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert _remote_urls(page.text) == set(), path
        for asset in assets:
            assert f'"{asset}"' in page.text, (path, asset)
    assert "fonts.googleapis" not in client.get("/redoc").text
    assert '"validatorUrl": null' in client.get("/docs").text


def test_url_pattern_catches_cdn_addresses() -> None:
    html = '<script src="https://cdn.jsdelivr.net/npm/redoc@2/x.js"></script><link href="//fonts.x/a">'
    assert _remote_urls(html) == {"https://cdn.jsdelivr.net/npm/redoc@2/x.js", "//fonts.x/a"}
    assert _remote_urls('<a href="http://localhost:8000/docs">') == set()


def test_static_assets_are_served_with_their_content_types(client: TestClient) -> None:
    expected = {
        "/static/swagger-ui/swagger-ui-bundle.js": "text/javascript",
        "/static/swagger-ui/swagger-ui.css": "text/css",
        "/static/redoc/redoc.standalone.js": "text/javascript",
        "/static/swagger-ui/favicon-32x32.png": "image/png",
    }
    for path, media_type in expected.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].split(";")[0] == media_type, path
        assert len(response.content) > 500 and response.headers.get("etag")
    # Only the vendored files are reachable, not the package's source next to them.
    assert client.get("/static/%2e%2e/main.py").status_code == 404
    assert client.get("/static/../app/main.py").status_code == 404


def test_openapi_has_no_remote_urls_but_problem_type_identifiers(client: TestClient) -> None:
    text = client.get("/openapi.json").text
    # Problem "type" values are pages of the service itself (the examples show the default local address).
    assert _remote_urls(text) == set()
    assert EXAMPLE_SERVER + "/problems/not-found" in text


def test_every_operation_is_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    tag_names = {t["name"] for t in spec["tags"]}
    operations = [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()]
    assert len(operations) >= 15
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        assert op.get("summary"), where
        assert len(op.get("description", "")) > 30, where
        assert op.get("tags") and set(op["tags"]) <= tag_names, where
        errors = {code: r for code, r in op["responses"].items() if code.isdigit() and int(code) >= 400}
        assert "422" in errors and "500" in errors, where
        for code, response in errors.items():
            if (path, code) == ("/readyz", "503"):
                continue  # the readiness probe answers with its own small JSON status, documented as such
            assert set(response["content"]) == {"application/problem+json"}, (where, code)
            assert response["content"]["application/problem+json"]["schema"]["$ref"].endswith("/ProblemDetail")


def test_error_examples_and_request_examples_are_realistic(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    zone_get = spec["paths"]["/api/v1/zones/{code}"]["get"]["responses"]["404"]
    example = zone_get["content"]["application/problem+json"]["example"]
    assert example["status"] == 404 and example["type"] == EXAMPLE_SERVER + "/problems/not-found"
    assert "409" in spec["paths"]["/api/v1/zones"]["post"]["responses"]
    assert "413" in spec["paths"]["/api/v1/imports"]["post"]["responses"]
    assert "406" in spec["paths"]["/api/v1/zones"]["get"]["responses"]
    text = client.get("/openapi.json").text
    assert "示例高新区-浙江01" in text
    zone_out = spec["components"]["schemas"]["ZoneOut"]
    assert zone_out["examples"][0]["name_zh"] == "示例高新区-浙江01"
