"""Chain breakdowns API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import make_zone

Z = "TEST-33-N01"


def item(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "zone_code": Z, "year": 2023, "chain_code": "integrated_circuits", "revenue": 1200.0,
        "segments_covered": 5, "key_components": 8, "key_components_with_alt": 5, "local_procurement_share": 40.0,
    }
    body.update(overrides)
    return body


def test_upsert_and_query(client: TestClient) -> None:
    make_zone(client, Z)
    first = client.post("/api/v1/chain-breakdowns", json={"breakdowns": [
        item(), item(chain_code="biomedicine", revenue=300.0, segments_covered=3, key_components=4,
                     key_components_with_alt=1)]})
    assert first.status_code == 200, first.text
    assert first.json() == {"received": 2, "inserted": 2, "updated": 0, "unchanged": 0}
    second = client.post("/api/v1/chain-breakdowns", json={"breakdowns": [item(revenue=1300.0)]})
    assert second.json() == {"received": 1, "inserted": 0, "updated": 1, "unchanged": 0}
    page = client.get("/api/v1/chain-breakdowns", params={"zone": Z, "year": 2023}).json()
    assert page["total"] == 2
    assert page["items"][0]["chain_code"] == "integrated_circuits" and page["items"][0]["revenue"] == 1300.0
    assert page["items"][0]["segments_defined"] == 7
    only = client.get("/api/v1/chain-breakdowns", params={"chain": "biomedicine"}).json()
    assert only["total"] == 1


def test_invalid_breakdowns_list_every_problem(client: TestClient) -> None:
    make_zone(client, Z)
    response = client.post("/api/v1/chain-breakdowns", json={"breakdowns": [
        item(),
        item(),
        item(chain_code="nope", zone_code="NOPE", year=1900),
        item(chain_code="biomedicine", segments_covered=99, key_components_with_alt=9, local_procurement_share=120,
             revenue=-1),
    ]})
    assert response.status_code == 422
    found = {(e["row"], e["column"], e["code"]) for e in response.json()["errors"]}
    assert found == {
        (2, "chain_code", "duplicate_key"),
        (3, "zone_code", "unknown_zone"), (3, "year", "year_out_of_range"), (3, "chain_code", "unknown_chain"),
        (4, "segments_covered", "out_of_range"), (4, "key_components_with_alt", "out_of_range"),
        (4, "local_procurement_share", "out_of_range"), (4, "revenue", "out_of_range"),
    }
    assert client.get("/api/v1/chain-breakdowns").json()["total"] == 0
