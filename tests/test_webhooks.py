"""Webhooks: registration, signed deliveries to a local receiver after commit, retries and the log."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import make_session_factory
from app.main import create_app
from app.services import webhooks
from tests.conftest import admin_headers

SECRET = "s3cret-for-tests-only-0123456789"


class Receiver:
    """A tiny HTTP server on 127.0.0.1 that records requests, checks signatures and answers ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.requests: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.requests.append({
                    "headers": headers, "body": body,
                    "valid": webhooks.verify(SECRET, headers.get("x-zonescore-timestamp", ""), body,
                                             headers.get("x-zonescore-signature", "")),
                })
                self.send_response(receiver.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook_client(demo_database_url: str) -> Iterator[TestClient]:
    """A client on the demo data whose app may call loopback receivers and retries within milliseconds."""
    settings = Settings(database_url=demo_database_url, webhook_allow_private=True, webhook_backoff_seconds=0.01,
                        webhook_timeout_seconds=5)
    application = create_app(settings)
    with TestClient(application, raise_server_exceptions=False, headers=admin_headers(application)) as client:
        yield client
    application.state.engine.dispose()


def _register(client: TestClient, url: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/api/v1/webhooks", json={"url": url, "secret": SECRET, **extra})
    assert response.status_code == 201, response.text
    hook: dict[str, Any] = response.json()
    return hook


def _evaluate(client: TestClient, model: str = "innovation-peak") -> dict[str, Any]:
    response = client.post("/api/v1/evaluations",
                           json={"model": model, "year": 2024, "options": {"seed": 1, "uncertainty_runs": 0}})
    assert response.status_code == 201, response.text
    run: dict[str, Any] = response.json()
    return run


def _deliveries(client: TestClient, hook_id: int, expected: int, timeout: float = 15.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        items: list[dict[str, Any]] = client.get(f"/api/v1/webhooks/{hook_id}/deliveries").json()["items"]
        if len(items) >= expected or time.monotonic() > deadline:
            return items
        time.sleep(0.05)


def test_signed_delivery_after_the_run_is_committed(hook_client: TestClient) -> None:
    with Receiver() as receiver:
        hook = _register(hook_client, receiver.url, description="省门户")
        assert "secret" not in hook and hook["description"] == "省门户" and hook["model_key"] is None
        assert "secret" not in json.dumps(hook_client.get("/api/v1/webhooks").json())
        run = _evaluate(hook_client)
        log = _deliveries(hook_client, hook["id"], 1)
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request["valid"], "the signature verifies with the shared secret"
    headers = request["headers"]
    assert headers["x-zonescore-event"] == "evaluation.created"
    assert abs(int(headers["x-zonescore-timestamp"]) - time.time()) < 60
    payload = json.loads(request["body"])
    assert payload["event"] == "evaluation.created" and payload["run"]["id"] == run["id"]
    assert payload["run"]["tier_counts"] == run["tier_counts"]
    assert [(d["run_id"], d["attempt"], d["status_code"], d["succeeded"]) for d in log] == [(run["id"], 1, 200, True)]
    assert log[0]["delivery_id"] == headers["x-zonescore-delivery"]
    # The same bytes with another secret, or replayed later, do not verify.
    ts, body, sig = headers["x-zonescore-timestamp"], request["body"], headers["x-zonescore-signature"]
    assert not webhooks.verify("another-secret-0123456789", ts, body, sig)
    assert not webhooks.verify(SECRET, ts, body, sig, now=int(ts) + 3600)
    assert not webhooks.verify(SECRET, ts, body + b" ", sig)


def test_model_filter(hook_client: TestClient) -> None:
    with Receiver() as receiver:
        only_comprehensive = _register(hook_client, receiver.url, model_key="comprehensive")
        every = _register(hook_client, receiver.url)
        peak = _evaluate(hook_client, "innovation-peak")
        comprehensive = _evaluate(hook_client, "comprehensive")
        assert len(_deliveries(hook_client, every["id"], 2)) == 2
        filtered = _deliveries(hook_client, only_comprehensive["id"], 1)
    assert [d["run_id"] for d in filtered] == [comprehensive["id"]]
    run_ids = sorted(json.loads(r["body"])["run"]["id"] for r in receiver.requests)
    assert run_ids == sorted([peak["id"], comprehensive["id"], comprehensive["id"]])


def test_failing_receiver_is_retried_and_logged(hook_client: TestClient) -> None:
    with Receiver(status=503) as receiver:
        hook = _register(hook_client, receiver.url)
        run = _evaluate(hook_client)  # a failing receiver never breaks the evaluation request
        log = _deliveries(hook_client, hook["id"], 3)
        time.sleep(0.2)
        assert len(_deliveries(hook_client, hook["id"], 3)) == 3, "no more than three attempts"
    assert len(receiver.requests) == 3 and all(r["valid"] for r in receiver.requests)
    assert sorted(d["attempt"] for d in log) == [1, 2, 3]
    assert all(d["status_code"] == 503 and not d["succeeded"] and "503" in d["error"] for d in log)
    assert all(d["run_id"] == run["id"] for d in log)
    assert len({d["delivery_id"] for d in log}) == 1, "retries carry the same delivery id"
    assert len({r["headers"]["x-zonescore-delivery"] for r in receiver.requests}) == 1


def test_unreachable_receiver_logs_the_error(hook_client: TestClient) -> None:
    with Receiver() as receiver:
        url = receiver.url
    # The server is closed: nothing listens on that loopback port any more.
    hook = _register(hook_client, url)
    _evaluate(hook_client)
    log = _deliveries(hook_client, hook["id"], 3)
    assert len(log) == 3 and all(d["status_code"] is None and "ConnectError" in d["error"] for d in log)


def test_receiver_rejecting_for_good_is_not_retried(hook_client: TestClient) -> None:
    with Receiver(status=410) as receiver:
        hook = _register(hook_client, receiver.url)
        _evaluate(hook_client)
        log = _deliveries(hook_client, hook["id"], 1)
        time.sleep(0.2)
    assert len(receiver.requests) == 1 and [d["status_code"] for d in log] == [410]


def test_registration_checks_and_delete(client: TestClient) -> None:
    # Default settings: loopback and private receivers are refused (no probing of the intranet).
    for url in ("http://127.0.0.1:9/hook", "http://localhost/hook", "http://10.1.2.3/x", "http://[::1]/x"):
        response = client.post("/api/v1/webhooks", json={"url": url, "secret": SECRET})
        assert response.status_code == 422, url
        assert response.json()["errors"][0]["code"] == "url_not_allowed"
    bad = client.post("/api/v1/webhooks", json={"url": "ftp://example.invalid/x", "secret": SECRET})
    assert bad.status_code == 422
    short = client.post("/api/v1/webhooks", json={"url": "http://127.0.0.1/x", "secret": "short"})
    assert short.status_code == 422
    assert client.get("/api/v1/webhooks").json() == []
    assert client.delete("/api/v1/webhooks/1").status_code == 404
    assert client.get("/api/v1/webhooks/1/deliveries").status_code == 404


def test_delete_webhook(hook_client: TestClient) -> None:
    hook = _register(hook_client, "http://127.0.0.1:9/hook")
    assert hook_client.get(f"/api/v1/webhooks/{hook['id']}").json()["url"] == "http://127.0.0.1:9/hook"
    assert hook_client.delete(f"/api/v1/webhooks/{hook['id']}").status_code == 204
    assert hook_client.get(f"/api/v1/webhooks/{hook['id']}").status_code == 404
    assert hook_client.get("/api/v1/webhooks").json() == []


class _Recorder:
    def __init__(self) -> None:
        self.submitted: list[int] = []

    def submit(self, run_id: int) -> None:
        self.submitted.append(run_id)


def test_notification_waits_for_commit_and_skips_rollback(hook_client: TestClient) -> None:
    factory = make_session_factory(hook_client.app.state.engine)  # type: ignore[attr-defined]
    recorder = _Recorder()
    with factory() as session:
        webhooks.notify_after_commit(session, 41, recorder)  # type: ignore[arg-type]
        session.execute(text("SELECT 1"))  # the request's transaction is open, as after flushing a run
        assert recorder.submitted == [], "nothing is sent before the commit"
        session.rollback()
        session.commit()
    assert recorder.submitted == [], "a rolled-back run is never announced"
    session2: Session
    with factory() as session2:
        webhooks.notify_after_commit(session2, 42, recorder)  # type: ignore[arg-type]
        session2.commit()
        session2.commit()
    assert recorder.submitted == [42], "announced once, after the commit"


def test_webhooks_need_an_admin_key(anon_client: TestClient, make_key: Any, app: Any) -> None:
    app.state.settings = app.state.settings.model_copy(update={"webhook_allow_private": True})
    body = {"url": "http://127.0.0.1:9/hook", "secret": SECRET}
    assert anon_client.post("/api/v1/webhooks", json=body).status_code == 401
    assert anon_client.get("/api/v1/webhooks").status_code == 401
    submit = {"Authorization": f"Bearer {make_key('submit', 'evaluate')}"}
    assert anon_client.post("/api/v1/webhooks", json=body, headers=submit).status_code == 403
    assert anon_client.get("/api/v1/webhooks", headers=submit).status_code == 403
    admin = {"Authorization": f"Bearer {make_key('admin')}"}
    created = anon_client.post("/api/v1/webhooks", json=body, headers=admin)
    assert created.status_code == 201
    events = anon_client.get("/api/v1/audit", params={"action": "webhook.create"}, headers=admin).json()
    assert events["total"] == 1 and events["items"][0]["new_values"]["url"] == body["url"]


# Every form of a non-public address that was accepted, or could be: cloud metadata in the shared
# address space, 6to4/Teredo/NAT64/IPv4-mapped/IPv4-compatible forms of loopback and private addresses.
NON_PUBLIC = [
    "100.100.100.200", "100.64.0.1", "169.254.169.254", "0.0.0.0", "224.0.0.1", "10.1.2.3", "192.168.1.1",
    "::1", "fe80::1", "fc00::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:a00:1", "::7f00:1",  # IPv4-mapped 127.0.0.1 / 10.0.0.1, IPv4-compatible
    "2002:7f00:1::1", "2002:a9fe:a9fe::1", "2002:6440:1::1",  # 6to4 of 127.0.0.1, 169.254.169.254, 100.64.0.1
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::6464:64c8", "64:ff9b:1::808:808",  # NAT64 forms
]
PUBLIC = ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "2002:808:808::1", "64:ff9b::808:808", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", NON_PUBLIC)
def test_non_public_addresses_are_refused(client: TestClient, address: str) -> None:
    from ipaddress import ip_address

    from app.services.webhook_targets import is_public

    assert not is_public(ip_address(address))
    host = f"[{address}]" if ":" in address else address
    response = client.post("/api/v1/webhooks", json={"url": f"http://{host}/latest/meta-data/", "secret": SECRET})
    assert response.status_code == 422, address
    assert response.json()["errors"][0]["code"] == "url_not_allowed"


def test_public_addresses_and_names_are_accepted(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from ipaddress import ip_address

    from app.services import webhook_targets

    assert all(webhook_targets.is_public(ip_address(a)) for a in PUBLIC)
    names = {"hooks.example.org": ["93.184.216.34", "2606:4700::1111"],
             "mixed.example.org": ["93.184.216.34", "100.100.100.200"]}
    monkeypatch.setattr(webhook_targets, "resolve_host", lambda host, port: names[host])
    accepted = client.post("/api/v1/webhooks", json={"url": "https://hooks.example.org/zs", "secret": SECRET})
    assert accepted.status_code == 201
    # One non-public address among several is enough to refuse the name.
    refused = client.post("/api/v1/webhooks", json={"url": "https://mixed.example.org/zs", "secret": SECRET})
    assert refused.status_code == 422 and "100.100.100.200" in refused.json()["errors"][0]["message"]


def test_delivery_connects_to_the_checked_address_and_keeps_no_body(
    demo_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.services import webhook_targets

    # A rebinding DNS server: public for the registration and the first delivery's check, loopback after.
    answers = iter(["93.184.216.34", "93.184.216.34", "127.0.0.1", "127.0.0.1"])
    lookups: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        lookups.append(host)
        return [next(answers)]

    monkeypatch.setattr(webhook_targets, "resolve_host", rebinding)
    sent: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500, text="Traceback: secret internals of the receiver, password=hunter2")

    settings = Settings(database_url=demo_database_url, webhook_backoff_seconds=0.01, webhook_attempts=2)
    application = create_app(settings)
    application.state.webhook_dispatcher = webhooks.WebhookDispatcher(
        application.state.session_factory, settings, transport=httpx.MockTransport(receiver))
    with TestClient(application, raise_server_exceptions=False, headers=admin_headers(application)) as client:
        hook = _register(client, "https://hooks.example.org:8443/zonescore?via=test")
        _evaluate(client)
        log = _deliveries(client, hook["id"], 2)
    application.state.engine.dispose()
    (request,) = sent  # the second attempt resolved to loopback and was refused without connecting
    assert str(request.url) == "https://93.184.216.34:8443/zonescore?via=test"
    assert request.headers["host"] == "hooks.example.org:8443"
    assert request.extensions["sni_hostname"] == "hooks.example.org"
    assert lookups == ["hooks.example.org"] * 3, "one lookup at registration and one per attempt"
    first, second = sorted(log, key=lambda d: d["attempt"])
    assert first["status_code"] == 500 and first["error"] == "HTTP 500 Internal Server Error"
    assert second["status_code"] is None and "127.0.0.1" in second["error"]
    assert "secret internals" not in json.dumps(log) and "hunter2" not in json.dumps(log)
