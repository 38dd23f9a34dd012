"""Small builders of request bodies used across the API tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def zone_body(code: str = "TEST-33-N01", **overrides: Any) -> dict[str, Any]:
    """A valid zone creation body."""
    body: dict[str, Any] = {
        "code": code,
        "name_zh": "测试高新区一号",
        "name_en": "Test Zone One",
        "province": "33",
        "city": "杭州市",
        "level": "national",
        "kind": "hitech",
        "year_approved": 1991,
        "pilot": False,
        "leading_chain": "integrated_circuits",
    }
    body.update(overrides)
    return body


def make_zone(client: TestClient, code: str = "TEST-33-N01", **overrides: Any) -> dict[str, Any]:
    """Create a zone through the API and return it."""
    response = client.post("/api/v1/zones", json=zone_body(code, **overrides))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def obs(zone: str, indicator: str, year: int, value: Any, **extra: Any) -> dict[str, Any]:
    """One observation item."""
    return {"zone_code": zone, "indicator_code": indicator, "year": year, "value": value, **extra}
