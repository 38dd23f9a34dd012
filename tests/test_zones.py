"""Zones API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import make_zone, zone_body


def test_create_get_update_zone(client: TestClient) -> None:
    created = make_zone(client)
    assert created["code"] == "TEST-33-N01"
    assert created["name_zh"] == "测试高新区一号"
    got = client.get("/api/v1/zones/TEST-33-N01").json()
    assert got == created
    patched = client.patch("/api/v1/zones/TEST-33-N01", json={"pilot": True, "city": "宁波市"})
    assert patched.status_code == 200
    assert patched.json()["pilot"] is True and patched.json()["city"] == "宁波市"
    assert client.get("/api/v1/zones/TEST-33-N01").json()["pilot"] is True


def test_duplicate_code_is_conflict(client: TestClient) -> None:
    make_zone(client)
    response = client.post("/api/v1/zones", json=zone_body(name_zh="另一个"))
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/zones").json()["total"] == 1
    assert client.get("/api/v1/zones/TEST-33-N01").json()["name_zh"] == "测试高新区一号"


def test_invalid_zone_lists_every_field(client: TestClient) -> None:
    response = client.post(
        "/api/v1/zones", json=zone_body(province="99", level="city", leading_chain="nope", code="bad code!")
    )
    assert response.status_code == 422
    body = response.json()
    columns = {e["column"] for e in body["errors"]}
    assert {"body.province", "body.level", "body.leading_chain", "body.code"} <= columns
    assert client.get("/api/v1/zones").json()["total"] == 0


def test_list_filters_and_pagination(client: TestClient) -> None:
    make_zone(client, "TEST-33-N01")
    make_zone(client, "TEST-33-P01", level="provincial")
    make_zone(client, "TEST-44-N01", province="44", pilot=True)
    make_zone(client, "TEST-44-N02", province="44", kind="econ_dev")
    page = client.get("/api/v1/zones", params={"limit": 2, "offset": 1}).json()
    assert page["total"] == 4 and page["limit"] == 2 and page["offset"] == 1
    assert [z["code"] for z in page["items"]] == ["TEST-33-P01", "TEST-44-N01"]
    assert client.get("/api/v1/zones", params={"province": "44"}).json()["total"] == 2
    assert client.get("/api/v1/zones", params={"level": "provincial"}).json()["items"][0]["code"] == "TEST-33-P01"
    assert client.get("/api/v1/zones", params={"pilot": "true"}).json()["total"] == 1
    assert client.get("/api/v1/zones", params={"kind": "econ_dev"}).json()["items"][0]["code"] == "TEST-44-N02"


def test_missing_zone_is_404_problem(client: TestClient) -> None:
    response = client.get("/api/v1/zones/NOPE")
    assert response.status_code == 404
    body = response.json()
    assert body["status"] == 404 and "NOPE" in body["detail"]
    assert response.headers["x-request-id"] == body["request_id"]
    assert client.patch("/api/v1/zones/NOPE", json={"pilot": True}).status_code == 404


def test_update_rejects_unknown_fields_and_code_change(client: TestClient) -> None:
    make_zone(client)
    response = client.patch("/api/v1/zones/TEST-33-N01", json={"code": "OTHER"})
    assert response.status_code == 422
    assert client.get("/api/v1/zones/TEST-33-N01").status_code == 200


def test_update_with_null_for_a_required_field_is_a_422(client: TestClient) -> None:
    make_zone(client, city="杭州市")
    before = client.get("/api/v1/zones/TEST-33-N01").json()
    for field in ("province", "name_zh", "level", "kind", "pilot"):
        response = client.patch("/api/v1/zones/TEST-33-N01", json={field: None, "city": "宁波市"})
        assert response.status_code == 422, field
        assert [e["column"] for e in response.json()["errors"]] == [f"body.{field}"]
    assert client.get("/api/v1/zones/TEST-33-N01").json() == before, "nothing was written"
    # null still erases an optional field, and leaving a required one out keeps it.
    erased = client.patch("/api/v1/zones/TEST-33-N01", json={"city": None})
    assert erased.status_code == 200 and erased.json()["city"] is None
    assert erased.json()["province"] == before["province"]
    # The documented schema says so: required fields of an update are not nullable.
    schema = client.get("/openapi.json").json()["components"]["schemas"]["ZoneUpdate"]["properties"]
    assert "anyOf" not in schema["province"] and "default" not in schema["province"]
    assert {"type": "null"} in schema["city"]["anyOf"]
