"""Chain breakdowns API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import make_zone, obs

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
    assert first.json() | {"warnings": []} == {
        "received": 2, "inserted": 2, "updated": 0, "unchanged": 0, "warnings": []}
    assert [w["code"] for w in first.json()["warnings"]] == ["revenue_not_reported"]  # no revenue for 2023 yet
    second = client.post("/api/v1/chain-breakdowns", json={"breakdowns": [item(revenue=1300.0)]})
    assert second.json()["updated"] == 1 and second.json()["inserted"] == 0
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


PRODUCTS = [  # integrated circuits: two chokepoints (one with an alternative), a strength, an ordinary product
    {"product": "光刻胶", "threshold": "high", "localisation_rate": 18.0, "alternative_source": False},
    {"product": "光刻机", "threshold": "high", "localisation_rate": 49.9, "alternative_source": True},
    {"product": "大硅片", "threshold": "high", "localisation_rate": 61.0, "alternative_source": True},
    {"product": "高端测试机", "threshold": "low", "localisation_rate": 50.0, "alternative_source": True},
]


def _with_revenue(client: TestClient, revenue: float = 2000.0) -> None:
    make_zone(client, Z)
    response = client.post("/api/v1/observations", json={"observations": [obs(Z, "revenue", 2023, revenue)]})
    assert response.status_code == 200, response.text


def test_key_products_give_quadrants_chokepoint_measures_and_the_counts(client: TestClient) -> None:
    _with_revenue(client)
    body = item(key_products=PRODUCTS)
    del body["key_components"], body["key_components_with_alt"]
    response = client.post("/api/v1/chain-breakdowns", json={"breakdowns": [body]})
    assert response.status_code == 200, response.text
    assert response.json()["warnings"] == []
    got = client.get("/api/v1/chain-breakdowns", params={"zone": Z}).json()["items"][0]
    assert (got["key_components"], got["key_components_with_alt"]) == (4, 3)
    # stored in the chain catalog's order of key components
    assert [(p["product"], p["quadrant"]) for p in got["key_products"]] == [
        ("光刻机", "chokepoint"), ("大硅片", "strength"), ("光刻胶", "chokepoint"), ("高端测试机", "ordinary")]
    assert got["chokepoint_share"] == 50.0 and got["chokepoint_alt_coverage"] == 50.0
    assert got["revision"] == 1


def test_bad_key_products_are_listed(client: TestClient) -> None:
    _with_revenue(client)
    products = [*PRODUCTS, {**PRODUCTS[0]}, {"product": "培养基", "threshold": "low", "localisation_rate": 101,
                                            "alternative_source": False}]
    response = client.post("/api/v1/chain-breakdowns", json={"breakdowns": [
        item(key_products=products, key_components=6, key_components_with_alt=9),
        item(year=2022, key_components=None),
    ]})
    assert response.status_code == 422
    found = {(e["row"], e["column"], e["code"]) for e in response.json()["errors"]}
    assert {
        (1, "key_products.4.product", "duplicate_product"), (1, "key_products.5.product", "unknown_product"),
        (1, "key_products.5.localisation_rate", "out_of_range"),
        (1, "key_components_with_alt", "inconsistent"), (2, "key_components", "missing"),
    } <= found
    assert (1, "key_components", "inconsistent") not in found  # 6 products given, 6 declared
    medium = client.post("/api/v1/chain-breakdowns", json={"breakdowns": [
        item(key_products=[{**PRODUCTS[0], "threshold": "medium"}])]})
    assert medium.status_code == 422 and "threshold" in medium.text
    assert client.get("/api/v1/chain-breakdowns").json()["total"] == 0


def test_chain_revenues_above_the_zone_revenue_are_refused(client: TestClient) -> None:
    _with_revenue(client, 2000.0)
    # 1,500 + 500 = 2,000: exactly the zone's revenue, accepted; within the 0.5% tolerance too
    ok = client.post("/api/v1/chain-breakdowns", json={"breakdowns": [
        item(revenue=1500.0), item(chain_code="biomedicine", revenue=509.0, segments_covered=3, key_components=4,
                                   key_components_with_alt=1)]})
    assert ok.status_code == 200, ok.text and ok.json()["warnings"] == []
    # another chain of the same zone-year: the stored two count, so 2,009 + 100 is over
    over = client.post("/api/v1/chain-breakdowns", json={"breakdowns": [
        item(chain_code="new_materials", revenue=100.0, segments_covered=2, key_components=2,
             key_components_with_alt=1)]})
    assert over.status_code == 422
    [problem] = over.json()["errors"]
    assert problem["code"] == "exceeds_zone_revenue" and problem["row"] == 1 and problem["value"] == "2109.00"
    # lowering a stored chain in the same batch makes room: the batch's figure replaces the stored one
    room = client.post("/api/v1/chain-breakdowns", json={"breakdowns": [
        item(revenue=1400.0), item(chain_code="new_materials", revenue=90.0, segments_covered=2, key_components=2,
                                   key_components_with_alt=1)]})
    assert room.status_code == 200, room.text
    assert client.get("/api/v1/chain-breakdowns", params={"zone": Z}).json()["total"] == 3


def test_every_change_of_a_breakdown_is_in_its_history(client: TestClient) -> None:
    _with_revenue(client)
    client.post("/api/v1/chain-breakdowns", json={"breakdowns": [item()]})
    client.post("/api/v1/chain-breakdowns", json={"breakdowns": [item()]})  # unchanged: no entry
    client.post("/api/v1/chain-breakdowns", json={"breakdowns": [item(key_products=PRODUCTS, key_components=None,
                                                                      key_components_with_alt=None)]})
    history = client.get("/api/v1/chain-breakdowns/history",
                         params={"zone": Z, "year": 2023, "chain": "integrated_circuits"}).json()
    assert len(history) == 2
    assert history[0]["old"] is None and history[0]["new"]["key_components"] == 8
    assert history[0]["new"]["key_products"] is None
    assert history[1]["old"] == history[0]["new"] and history[1]["new"]["key_components"] == 4
    assert [p["product"] for p in history[1]["new"]["key_products"]] == ["光刻机", "大硅片", "光刻胶", "高端测试机"]
    assert history[1]["changed_by"] == "test admin" and history[1]["key_id"] is not None
    assert client.get("/api/v1/chain-breakdowns", params={"zone": Z}).json()["items"][0]["revision"] == 2
    assert client.get("/api/v1/chain-breakdowns/history",
                      params={"zone": Z, "year": 2024, "chain": "integrated_circuits"}).json() == []
