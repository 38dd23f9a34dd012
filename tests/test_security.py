"""API keys: authentication, scopes, province scoping, read policy, key management (API and CLI)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
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


SESSION_SECRET = "a-session-secret-for-the-tests-0123456789"


def test_read_key_covers_the_pages_and_the_labels(anon_client: TestClient, app: FastAPI, make_key: KeyFactory) -> None:
    pages = ["/ui", "/ui/models/innovation-peak", "/ui/evaluations/1"]
    app.state.settings = app.state.settings.model_copy(update={"require_read_key": True})
    _is_problem(anon_client.get("/api/v1/labels"), 401)
    for path in pages:
        refused = anon_client.get(path)
        # People get the sign-in form (as a 401), not the data.
        assert refused.status_code == 401 and refused.headers["content-type"].startswith("text/html"), path
        assert "ZONESCORE_SESSION_SECRET" in refused.text and "创新高峰" not in refused.text
    reader = {"X-API-Key": make_key("read")}
    assert anon_client.get("/api/v1/labels", headers=reader).status_code == 200
    assert anon_client.get("/ui", headers=reader).status_code == 200
    assert anon_client.get("/ui/models/innovation-peak", headers=reader).status_code == 200
    # The documentation describes the API, not the data: it stays readable.
    assert anon_client.get("/docs").status_code == 200 and anon_client.get("/openapi.json").status_code == 200


def test_people_sign_in_to_the_pages_with_a_key(
    anon_client: TestClient, app: FastAPI, make_key: KeyFactory, session: Session
) -> None:
    from app import sessions

    app.state.settings = app.state.settings.model_copy(
        update={"require_read_key": True, "session_secret": SecretStr(SESSION_SECRET)})
    key = make_key("read", name="analyst")
    admin = {"X-API-Key": make_key("admin")}
    form = anon_client.get("/ui/models/innovation-peak?lang=en")
    assert form.status_code == 401 and 'value="/ui/models/innovation-peak?lang=en"' in form.text
    wrong = anon_client.post("/ui/sign-in", data={"key": "zs_wrong", "next": "/ui"}, follow_redirects=False)
    assert wrong.status_code == 401 and "set-cookie" not in wrong.headers
    # The form only takes posts from this site's pages (no signing a visitor in with someone else's key).
    for header in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        cross = anon_client.post("/ui/sign-in", data={"key": key}, headers=header, follow_redirects=False)
        assert cross.status_code == 403 and "set-cookie" not in cross.headers
    # Only pages of this site are places to go on to.
    for target in ("https://evil.example/ui", "//evil.example/ui", "/api/v1/keys", "/ui\\@evil.example"):
        gone = anon_client.post("/ui/sign-in", data={"key": key, "next": target}, follow_redirects=False)
        assert gone.status_code == 303 and gone.headers["location"] == "/ui", target
    anon_client.cookies.clear()
    signed = anon_client.post("/ui/sign-in", data={"key": key, "next": "/ui/models/innovation-peak?lang=en"},
                              headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
                              follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/ui/models/innovation-peak?lang=en"
    cookie = signed.headers["set-cookie"]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "max-age"} <= attributes and "samesite=strict" in cookie.lower()
    assert "secure" not in attributes, "plain http in the test: a Secure cookie would not come back"
    value = anon_client.cookies[sessions.COOKIE_NAME]
    assert key not in value and key not in cookie
    page = anon_client.get("/ui")
    assert page.status_code == 200 and 'action="/ui/sign-out"' in page.text
    # The cookie is for reads only: it never authorises a write.
    assert anon_client.get("/api/v1/labels").status_code == 200
    _is_problem(anon_client.post("/api/v1/zones", json=zone_body("TEST-33-N09")), 401)
    # A forged or altered cookie is worth nothing.
    anon_client.cookies.set(sessions.COOKIE_NAME, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert anon_client.get("/ui").status_code == 401
    anon_client.cookies.set(sessions.COOKIE_NAME, value)
    assert anon_client.get("/ui").status_code == 200
    # Revoking the key signs its people out at once.
    key_id = session.scalar(select(ApiKey.id).where(ApiKey.name == "analyst"))
    assert anon_client.delete(f"/api/v1/keys/{key_id}", headers=admin).status_code == 200
    assert anon_client.get("/ui").status_code == 401
    assert anon_client.get("/api/v1/labels").status_code == 401


def test_sign_out_and_https_cookies(app: FastAPI, make_key: KeyFactory) -> None:
    from app import sessions

    app.state.settings = app.state.settings.model_copy(
        update={"require_read_key": True, "session_secret": SecretStr(SESSION_SECRET)})
    key = make_key("read")
    with TestClient(app, base_url="https://testserver") as browser:
        signed = browser.post("/ui/sign-in", data={"key": key}, follow_redirects=False)
        assert "secure" in {p.strip().lower() for p in signed.headers["set-cookie"].split(";")}
        assert browser.get("/ui").status_code == 200
        out = browser.post("/ui/sign-out", follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"] == "/ui/sign-in"
        assert sessions.COOKIE_NAME not in browser.cookies
        assert browser.get("/ui").status_code == 401


def test_sign_in_needs_the_session_secret(app: FastAPI, anon_client: TestClient, make_key: KeyFactory) -> None:
    app.state.settings = app.state.settings.model_copy(update={"require_read_key": True})
    form = anon_client.get("/ui/sign-in")
    assert form.status_code == 503 and "ZONESCORE_SESSION_SECRET" in form.text and 'name="key"' not in form.text
    posted = anon_client.post("/ui/sign-in", data={"key": make_key("read")}, follow_redirects=False)
    assert posted.status_code == 503 and "set-cookie" not in posted.headers


def test_session_cookie_values() -> None:
    from app import sessions

    value = sessions.issue(SESSION_SECRET, 7, "ab" * 32, now=1_000_000)
    claim = sessions.verify(SESSION_SECRET, value, now=1_000_000 + 60)
    assert claim == sessions.SessionClaim(key_id=7, hash_start="ab" * 8)
    assert sessions.verify("another-secret-of-enough-length-0123456789", value, now=1_000_060) is None
    assert sessions.verify(SESSION_SECRET, value, now=1_000_000 + sessions.MAX_AGE_SECONDS + 1) is None
    assert sessions.verify(SESSION_SECRET, value.replace("7.", "8.", 1), now=1_000_060) is None
    for junk in ("", "a.b.c.d", "7.x.y", "1" * 40 + ".ab.1.sig"):
        assert sessions.verify(SESSION_SECRET, junk, now=1_000_060) is None


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
