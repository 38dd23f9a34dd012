"""API keys: authentication, scopes, province scoping, read policy, key management (API and CLI)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.orm import ApiKey, AuditEvent, ChainBreakdown, Observation, Zone
from app.security import EvaluateKey
from tests.conftest import KeyFactory
from tests.factories import make_zone, obs, zone_body

A, B = "TEST-33-N01", "TEST-44-N01"


@pytest.fixture
def zones(client: TestClient) -> None:
    make_zone(client, A)
    make_zone(client, B, province="44")


def _breakdown(zone: str) -> dict[str, Any]:
    return {"zone_code": zone, "year": 2023, "chain_code": "integrated_circuits", "revenue": 10.0,
            "segments_covered": 2, "key_components": 3, "key_components_with_alt": 1, "local_procurement_share": 5.0}


def _csv(*zones: str) -> bytes:
    return ("zone_code,year,rd_intensity\n" + "".join(f"{z},2023,2.5\n" for z in zones)).encode()


# Every write route, as (method, path, request kwargs) builders.
WRITES: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/api/v1/zones", {"json": zone_body("TEST-33-N09")}),
    ("PATCH", f"/api/v1/zones/{A}", {"json": {"pilot": True}}),
    ("POST", "/api/v1/observations", {"json": {"observations": [obs(A, "rd_intensity", 2023, 1.0)]}}),
    ("POST", "/api/v1/chain-breakdowns", {"json": {"breakdowns": [_breakdown(A)]}}),
    ("POST", "/api/v1/imports", {"files": {"file": ("d.csv", _csv(A), "text/csv")}}),
    ("POST", "/api/v1/keys", {"json": {"name": "x", "scopes": ["read"]}}),
    ("DELETE", "/api/v1/keys/1", {}),
]
ADMIN_READS = ["/api/v1/keys", "/api/v1/audit"]


def _counts(session: Session) -> tuple[int, ...]:
    session.expire_all()
    return tuple(session.scalar(select(func.count()).select_from(t)) or 0
                 for t in (Zone, Observation, ChainBreakdown, ApiKey, AuditEvent))


def _is_problem(response: Any, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == status


@pytest.mark.parametrize(("method", "path", "kwargs"), WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
@pytest.mark.parametrize("credential", ["none", "unknown", "malformed-scheme"])
def test_writes_need_a_valid_key(
    anon_client: TestClient, session: Session, zones: None, method: str, path: str, kwargs: dict[str, Any],
    credential: str,
) -> None:
    headers = {"none": {}, "unknown": {"Authorization": "Bearer zs_not-a-real-key"},
               "malformed-scheme": {"Authorization": "Basic dXNlcjpwYXNz"}}[credential]
    before = _counts(session)
    response = anon_client.request(method, path, headers=headers, **kwargs)
    _is_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert _counts(session) == before


@pytest.mark.parametrize("path", ADMIN_READS)
def test_admin_reads_need_admin(anon_client: TestClient, make_key: KeyFactory, path: str) -> None:
    _is_problem(anon_client.get(path), 401)
    submit = make_key("submit", "evaluate", "read")
    _is_problem(anon_client.get(path, headers={"X-API-Key": submit}), 403)


@pytest.mark.parametrize(("method", "path", "kwargs"), WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_key_without_the_scope_is_forbidden(
    anon_client: TestClient, session: Session, make_key: KeyFactory, zones: None, method: str, path: str,
    kwargs: dict[str, Any],
) -> None:
    # read and evaluate carry no write right; submit is not enough for the admin routes
    key = make_key("read", "evaluate")
    before = _counts(session)
    _is_problem(anon_client.request(method, path, headers={"Authorization": f"Bearer {key}"}, **kwargs), 403)
    assert _counts(session) == before
    if "zones" in path or "keys" in path:
        submit = make_key("submit")
        before = _counts(session)
        _is_problem(anon_client.request(method, path, headers={"X-API-Key": submit}, **kwargs), 403)
        assert _counts(session) == before


def test_submit_key_writes_and_both_headers_work(anon_client: TestClient, make_key: KeyFactory, zones: None) -> None:
    key = make_key("submit", name="全国门户")
    body = {"observations": [obs(A, "rd_intensity", 2023, 1.0), obs(B, "rd_intensity", 2023, 2.0)]}
    assert anon_client.post("/api/v1/observations", json=body, headers={"X-API-Key": key}).status_code == 200
    body = {"observations": [obs(A, "rd_intensity", 2023, 1.5)]}
    assert anon_client.post("/api/v1/observations", json=body,
                            headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_revoked_key_is_refused(client: TestClient, anon_client: TestClient, session: Session, zones: None) -> None:
    created = client.post("/api/v1/keys", json={"name": "temp", "scopes": ["submit"]})
    assert created.status_code == 201
    secret, key_id = created.json()["key"], created.json()["id"]
    body = {"observations": [obs(A, "rd_intensity", 2023, 1.0)]}
    assert anon_client.post("/api/v1/observations", json=body, headers={"X-API-Key": secret}).status_code == 200
    revoked = client.delete(f"/api/v1/keys/{key_id}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    before = _counts(session)
    body = {"observations": [obs(A, "rd_intensity", 2023, 9.0)]}
    _is_problem(anon_client.post("/api/v1/observations", json=body, headers={"X-API-Key": secret}), 401)
    assert _counts(session) == before
    assert client.delete("/api/v1/keys/999999").status_code == 404


@pytest.mark.parametrize("route", ["observations", "chain-breakdowns", "imports"])
def test_province_key_may_write_only_its_zones(
    anon_client: TestClient, session: Session, make_key: KeyFactory, zones: None, route: str
) -> None:
    key = {"X-API-Key": make_key("submit", provinces=["33"], name="浙江门户")}

    def send(*zone_codes: str) -> Any:
        if route == "observations":
            body = {"observations": [obs(z, "rd_intensity", 2023, 1.0) for z in zone_codes]}
            return anon_client.post("/api/v1/observations", json=body, headers=key)
        if route == "chain-breakdowns":
            body = {"breakdowns": [_breakdown(z) for z in zone_codes]}
            return anon_client.post("/api/v1/chain-breakdowns", json=body, headers=key)
        return anon_client.post("/api/v1/imports", files={"file": ("d.csv", _csv(*zone_codes), "text/csv")},
                                headers=key)

    before = _counts(session)
    refused = send(A, B)
    _is_problem(refused, 403)
    assert [(e["code"], e["value"]) for e in refused.json()["errors"]] == [("zone_outside_key_provinces", B)]
    assert _counts(session) == before
    assert send(A).status_code == 200


def test_reads_public_by_default_or_need_a_key(anon_client: TestClient, app: FastAPI, make_key: KeyFactory,
                                                zones: None) -> None:
    reads = ["/api/v1/zones", f"/api/v1/zones/{A}", "/api/v1/indicators", "/api/v1/indicators/rd_intensity",
             "/api/v1/observations", "/api/v1/chain-breakdowns",
             f"/api/v1/observations/history?zone={A}&indicator=rd_intensity&year=2023"]
    for path in reads:
        assert anon_client.get(path).status_code == 200, path
    app.state.settings = app.state.settings.model_copy(update={"require_read_key": True})
    reader = make_key("read")
    for path in reads:
        _is_problem(anon_client.get(path), 401)
        assert anon_client.get(path, headers={"X-API-Key": reader}).status_code == 200, path
    # health stays open for load balancers
    assert anon_client.get("/healthz").status_code == 200
    # a bad key is refused even where no key is needed
    app.state.settings = app.state.settings.model_copy(update={"require_read_key": False})
    _is_problem(anon_client.get("/api/v1/zones", headers={"X-API-Key": "zs_wrong"}), 401)


def test_evaluate_dependency(app: FastAPI, anon_client: TestClient, make_key: KeyFactory) -> None:
    # The evaluation routes live elsewhere; this checks the dependency they use.
    def run(key: EvaluateKey) -> dict[str, str]:
        return {"by": key.name}

    app.add_api_route("/test-evaluate", run, methods=["POST"])
    _is_problem(anon_client.post("/test-evaluate"), 401)
    _is_problem(anon_client.post("/test-evaluate", headers={"X-API-Key": make_key("submit")}), 403)
    assert anon_client.post("/test-evaluate", headers={"X-API-Key": make_key("evaluate", name="e")}).json() == {
        "by": "e"}
    assert anon_client.post("/test-evaluate", headers={"X-API-Key": make_key("admin", name="a")}).json() == {
        "by": "a"}


def test_key_api_shows_secret_once_and_stores_only_its_hash(client: TestClient, session: Session) -> None:
    created = client.post("/api/v1/keys", json={"name": "浙江门户", "scopes": ["submit"], "provinces": ["33"]})
    assert created.status_code == 201, created.text
    body = created.json()
    secret = body["key"]
    assert secret.startswith("zs_") and len(secret) > 40 and body["prefix"] == secret[:11]
    assert (body["scopes"], body["provinces"], body["revoked_at"]) == (["submit"], ["33"], None)
    listed = client.get("/api/v1/keys").json()
    assert all("key" not in k and "secret_hash" not in k for k in listed)
    assert "浙江门户" in {k["name"] for k in listed}
    row = session.get(ApiKey, body["id"])
    assert row is not None and row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = " ".join(str(getattr(row, c)) for c in ("name", "prefix", "secret_hash", "scopes", "provinces"))
    assert secret not in stored
    bad = client.post("/api/v1/keys", json={"name": "x", "scopes": ["root"], "provinces": ["99"]})
    assert bad.status_code == 422 and {e["column"] for e in bad.json()["errors"]} >= {"body.scopes", "body.provinces"}


def test_cli_keys_create_list_revoke(database_url: str, monkeypatch: pytest.MonkeyPatch, app: FastAPI) -> None:
    monkeypatch.setenv("ZONESCORE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        made = runner.invoke(cli, ["keys", "create", "--scope", "submit", "--province", "33", "--name", "浙江门户"])
        assert made.exit_code == 0, made.output
        secret = made.output.strip().splitlines()[-1]
        assert secret.startswith("zs_")
        listed = runner.invoke(cli, ["keys", "list"])
        assert listed.exit_code == 0 and "浙江门户" in listed.output and secret not in listed.output
        key_id = made.output.split()[2]
        with TestClient(app, raise_server_exceptions=False) as c:
            assert c.get("/api/v1/zones", headers={"X-API-Key": secret}).status_code == 200
            assert runner.invoke(cli, ["keys", "revoke", key_id]).exit_code == 0
            assert c.get("/api/v1/zones", headers={"X-API-Key": secret}).status_code == 401
        assert "revoked" in runner.invoke(cli, ["keys", "list"]).output
        assert runner.invoke(cli, ["keys", "revoke", "424242"]).exit_code == 1
        assert runner.invoke(cli, ["keys", "create", "--scope", "root", "--name", "x"]).exit_code == 2
    finally:
        get_settings.cache_clear()
