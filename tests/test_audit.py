"""The audit trail: every write names the key, action, entity, old and new values, time and request id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from tests.conftest import KeyFactory
from tests.factories import make_zone, obs

Z = "TEST-33-N01"


def _events(client: TestClient, **params: object) -> list[dict[str, object]]:
    response = client.get("/api/v1/audit", params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


def test_zone_writes_are_audited(client: TestClient) -> None:
    make_zone(client, Z)
    patched = client.patch(f"/api/v1/zones/{Z}", json={"pilot": True, "city": "宁波市", "name_zh": "测试高新区一号"},
                           headers={"X-Request-ID": "req-patch-1"})
    events = _events(client, entity_type="zone", entity_id=Z)
    assert [e["action"] for e in events] == ["zone.update", "zone.create"]
    update, create = events
    assert update["old_values"] == {"pilot": False, "city": "杭州市"}  # name_zh did not change
    assert update["new_values"] == {"pilot": True, "city": "宁波市"}
    # The server's request id (as in the response), and the client's own id beside it.
    assert update["request_id"] == patched.headers["x-request-id"] != "req-patch-1"
    assert update["client_request_id"] == "req-patch-1" and update["key_name"] == "test admin"
    assert isinstance(create["new_values"], dict) and create["new_values"]["code"] == Z
    assert create["old_values"] is None and create["key_id"] == update["key_id"]


def test_observation_batch_is_one_event_and_cells_name_the_key(
    client: TestClient, anon_client: TestClient, make_key: KeyFactory
) -> None:
    make_zone(client, Z)
    key = make_key("submit", provinces=["33"], name="浙江门户")
    headers = {"X-API-Key": key, "X-Request-ID": "batch-1"}
    first = anon_client.post("/api/v1/observations", headers=headers,
                             json={"observations": [obs(Z, "rd_intensity", 2023, 5.0), obs(Z, "hte_count", 2023, 7)]})
    assert first.status_code == 200
    headers["X-Request-ID"] = "batch-2"
    second = anon_client.post("/api/v1/observations", headers=headers,
                              json={"observations": [obs(Z, "rd_intensity", 2023, 6.0), obs(Z, "hte_count", 2023, 7)]})
    ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    events = _events(client, action="observations.upsert")
    assert len(events) == 2
    assert events[0]["entity_type"] == "observation_batch" and events[0]["entity_id"] == ids[1]
    assert (events[0]["request_id"], events[0]["client_request_id"]) == (ids[1], "batch-2")
    assert events[0]["new_values"] == {"received": 2, "inserted": 0, "updated": 1, "unchanged": 1}
    assert events[0]["key_name"] == "浙江门户"
    history = client.get("/api/v1/observations/history",
                         params={"zone": Z, "indicator": "rd_intensity", "year": 2023}).json()
    assert [(h["old_value"], h["new_value"], h["changed_by"], h["request_id"], h["client_request_id"])
            for h in history] == [(None, 5.0, "浙江门户", ids[0], "batch-1"), (5.0, 6.0, "浙江门户", ids[1], "batch-2")]
    assert history[0]["key_id"] == events[0]["key_id"]
    rows = client.get("/api/v1/observations", params={"zone": Z, "indicator": "rd_intensity"}).json()["items"]
    assert rows[0]["submitted_by"] == "浙江门户"


def test_import_and_chain_breakdowns_and_keys_are_audited(client: TestClient) -> None:
    make_zone(client, Z)
    data = f"zone_code,year,rd_intensity\n{Z},2023,2.5\n".encode()
    assert client.post("/api/v1/imports", files={"file": ("up.csv", data, "text/csv")}).status_code == 200
    (imported,) = _events(client, action="import.create")
    assert isinstance(imported["new_values"], dict)
    assert imported["new_values"]["filename"] == "up.csv" and imported["new_values"]["inserted"] == 1
    item = {"zone_code": Z, "year": 2023, "chain_code": "integrated_circuits", "revenue": 10.0,
            "segments_covered": 2, "key_components": 3, "key_components_with_alt": 1,
            "local_procurement_share": 5.0}
    client.post("/api/v1/chain-breakdowns", json={"breakdowns": [item]})
    client.post("/api/v1/chain-breakdowns", json={"breakdowns": [{**item, "revenue": 12.0}]})
    latest = _events(client, entity_type="chain_breakdown_batch")[0]
    assert isinstance(latest["new_values"], dict)
    (change,) = latest["new_values"]["changes"]
    assert change["old"]["revenue"] == 10.0 and change["new"]["revenue"] == 12.0
    created = client.post("/api/v1/keys", json={"name": "k", "scopes": ["read"]}).json()
    client.delete(f"/api/v1/keys/{created['id']}")
    key_events = _events(client, entity_type="api_key", entity_id=str(created["id"]))
    assert [e["action"] for e in key_events] == ["key.revoke", "key.create"]
    assert created["key"] not in str(key_events)


def test_a_client_cannot_pass_its_writes_off_as_another_request(
    client: TestClient, anon_client: TestClient, make_key: KeyFactory
) -> None:
    make_zone(client, Z)
    victim = client.post("/api/v1/observations", json={"observations": [obs(Z, "rd_intensity", 2023, 1.0)]})
    victim_id = victim.headers["x-request-id"]
    # Another key sends the victim's request id (and, separately, a malformed one): neither is recorded
    # as the request id, and the malformed one is not kept at all.
    key = make_key("submit", name="impostor")
    for claimed, kept in ((victim_id, victim_id), ("bad id with spaces", None), ("x" * 65, None)):
        response = anon_client.post("/api/v1/observations", headers={"X-API-Key": key, "X-Request-ID": claimed},
                                    json={"observations": [obs(Z, "rd_intensity", 2023, 2.0)]})
        assert response.status_code == 200 and response.headers["x-request-id"] != claimed
        event = _events(client, action="observations.upsert")[0]
        assert event["key_name"] == "impostor" and event["request_id"] == response.headers["x-request-id"]
        assert event["client_request_id"] == kept
    assert len([e for e in _events(client) if e["request_id"] == victim_id]) == 1


def test_failed_writes_leave_no_audit_event(client: TestClient) -> None:
    make_zone(client, Z)
    before = client.get("/api/v1/audit").json()["total"]
    assert client.post("/api/v1/observations", json={"observations": [obs(Z, "rd_intensity", 2023, 500)]}
                       ).status_code == 422
    assert client.post("/api/v1/zones", json={"code": Z}).status_code == 422
    assert client.get("/api/v1/audit").json()["total"] == before


def test_audit_filters_and_pagination(client: TestClient, make_key: KeyFactory, anon_client: TestClient) -> None:
    for i in range(5):
        make_zone(client, f"TEST-33-N0{i}")
    other = make_key("admin", name="second admin")
    anon_client.patch("/api/v1/zones/TEST-33-N00", json={"pilot": True}, headers={"X-API-Key": other})
    assert client.get("/api/v1/audit", params={"action": "zone.create"}).json()["total"] == 5
    page = client.get("/api/v1/audit", params={"action": "zone.create", "limit": 2, "offset": 2}).json()
    assert [e["entity_id"] for e in page["items"]] == ["TEST-33-N02", "TEST-33-N01"]
    by_other = _events(client, key_id=_events(client, action="zone.update")[0]["key_id"])
    assert [e["action"] for e in by_other] == ["zone.update"] and by_other[0]["key_name"] == "second admin"
    now = datetime.now(UTC)
    assert len(_events(client, since=(now - timedelta(minutes=5)).isoformat(), action="zone.create")) == 5
    assert _events(client, until=(now - timedelta(minutes=5)).isoformat()) == []
    assert _events(client, since=(now + timedelta(minutes=5)).isoformat()) == []
    naive = client.get("/api/v1/audit", params={"since": "2024-01-01T00:00:00"})
    assert naive.status_code == 422
