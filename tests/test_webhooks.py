"""Webhooks over HTTP: registration, signed deliveries of the publication events to a local receiver, retries,
the delivery log and redelivery. The outbox and the worker themselves: tests/test_webhook_outbox.py."""

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

from app.config import Settings
from app.main import create_app
from app.services import webhooks
from app.services.webhook_worker import WebhookWorker, backoff_seconds
from tests.conftest import admin_headers

SECRET = "s3cret-for-tests-only-0123456789"


class Receiver:
    """A tiny HTTP server on 127.0.0.1 that records requests, checks signatures and answers ``status``.

    With ``hang_first`` the first request gets no answer until the receiver closes (a sender killed while
    waiting for it never hears back); ``got_first`` is set when it arrives.
    """

    def __init__(self, status: int = 200, *, hang_first: bool = False) -> None:
        self.status = status
        self.requests: list[dict[str, Any]] = []
        self.got_first = threading.Event()
        self._release = threading.Event()
        self._hang_first = hang_first
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
                first = len(receiver.requests) == 1
                receiver.got_first.set()
                if first and receiver._hang_first:
                    receiver._release.wait(120)
                    return
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
        self._release.set()
        self.server.shutdown()
        self.server.server_close()


def register_in(database_url: str, receiver_url: str) -> None:
    """Register ``receiver_url`` (with SECRET) straight in the database, as a test of the CLI needs it."""
    from app.db import make_engine, make_session_factory, session_scope
    from app.schemas.webhook import WebhookCreate

    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            webhooks.create_webhook(session, WebhookCreate.model_validate({"url": receiver_url, "secret": SECRET}),
                                    allow_private=True)
    finally:
        engine.dispose()


@pytest.fixture
def hook_client(demo_database_url: str) -> Iterator[TestClient]:
    """A client (admin key) on the demo data whose app may call loopback receivers, polls and retries within
    milliseconds, and tries three times."""
    application = create_app(_settings(demo_database_url))
    with TestClient(application, raise_server_exceptions=False, headers=admin_headers(application)) as client:
        yield client
    application.state.engine.dispose()


def _settings(url: str, **changes: Any) -> Settings:
    values: dict[str, Any] = {"database_url": url, "webhook_allow_private": True, "webhook_backoff_seconds": 0.01,
                              "webhook_timeout_seconds": 5, "webhook_lease_seconds": 6, "webhook_poll_seconds": 0.05,
                              "webhook_attempts": 3, **changes}
    return Settings(**values)


def _register(client: TestClient, url: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/api/v1/webhooks", json={"url": url, "secret": SECRET, **extra})
    assert response.status_code == 201, response.text
    hook: dict[str, Any] = response.json()
    return hook


def _evaluate(client: TestClient, model: str = "innovation-peak", *, seed: int = 1, publish: bool = True
              ) -> dict[str, Any]:
    response = client.post("/api/v1/evaluations", json={"model": model, "year": 2024, "zones": {"provinces": ["33"]},
                                                        "options": {"seed": seed, "uncertainty_runs": 0}})
    assert response.status_code == 201, response.text
    run: dict[str, Any] = response.json()
    if publish:
        assert client.post(f"/api/v1/evaluations/{run['id']}/publish").status_code == 200
    return run


def _deliveries(client: TestClient, hook_id: int, expected: int, timeout: float = 15.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        items: list[dict[str, Any]] = client.get(f"/api/v1/webhooks/{hook_id}/deliveries").json()["items"]
        if len(items) >= expected or time.monotonic() > deadline:
            return items
        time.sleep(0.05)


def _settled(client: TestClient, hook_id: int, delivery_id: str, timeout: float = 15.0) -> dict[str, Any]:
    """The delivery once it is delivered or failed for good."""
    deadline = time.monotonic() + timeout
    while True:
        found: dict[str, Any] = client.get(f"/api/v1/webhooks/{hook_id}/deliveries/{delivery_id}").json()
        if found["state"] != "pending" or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def _events(receiver: Receiver) -> list[tuple[str, int]]:
    return [(r["headers"]["x-zonescore-event"], json.loads(r["body"])["run"]["id"]) for r in receiver.requests]


def test_publication_events_are_delivered_signed_once_each(hook_client: TestClient) -> None:
    with Receiver() as receiver:
        hook = _register(hook_client, receiver.url, description="省门户")
        assert "secret" not in hook and hook["description"] == "省门户" and hook["model_key"] is None
        assert "secret" not in json.dumps(hook_client.get("/api/v1/webhooks").json())
        draft = _evaluate(hook_client, publish=False)
        time.sleep(0.3)
        assert receiver.requests == [], "a draft is nobody's business"
        assert hook_client.post(f"/api/v1/evaluations/{draft['id']}/publish").status_code == 200
        _deliveries(hook_client, hook["id"], 1)
        second = _evaluate(hook_client, seed=2)
        _deliveries(hook_client, hook["id"], 3)
        assert hook_client.post(f"/api/v1/evaluations/{second['id']}/withdraw",
                                json={"reason": "口径错误"}).status_code == 200
        log = _deliveries(hook_client, hook["id"], 4)
        time.sleep(0.3)
    assert sorted(_events(receiver)) == sorted([
        ("evaluation.published", draft["id"]), ("evaluation.published", second["id"]),
        ("evaluation.superseded", draft["id"]), ("evaluation.withdrawn", second["id"])])
    assert all(r["valid"] for r in receiver.requests), "every signature verifies with the shared secret"
    assert len({r["headers"]["x-zonescore-delivery"] for r in receiver.requests}) == 4
    assert {d["delivery_id"] for d in log} == {r["headers"]["x-zonescore-delivery"] for r in receiver.requests}
    assert all((d["attempt"], d["status_code"], d["succeeded"]) == (1, 200, True) for d in log)
    bodies = {(r["headers"]["x-zonescore-event"], json.loads(r["body"])["run"]["id"]): json.loads(r["body"])
              for r in receiver.requests}
    superseded = bodies[("evaluation.superseded", draft["id"])]
    assert superseded["run"]["status"] == "superseded" and superseded["run"]["superseded_by"] == second["id"]
    assert superseded["run"]["links"]["successor"] == f"/api/v1/evaluations/{second['id']}"
    withdrawn = bodies[("evaluation.withdrawn", second["id"])]["run"]
    assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawal_reason"] == "口径错误"
    published = bodies[("evaluation.published", draft["id"])]
    assert published["event"] == "evaluation.published" and published["run"]["status"] == "published"
    assert published["run"]["links"]["official"] == "/api/v1/official?model=innovation-peak&year=2024&province=33"
    headers = receiver.requests[0]["headers"]
    assert abs(int(headers["x-zonescore-timestamp"]) - time.time()) < 60
    # The same bytes with another secret, or replayed later, or changed, do not verify.
    ts, body, sig = headers["x-zonescore-timestamp"], receiver.requests[0]["body"], headers["x-zonescore-signature"]
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


def test_failing_receiver_is_retried_then_failed_and_can_be_redelivered(hook_client: TestClient) -> None:
    with Receiver(status=503) as receiver:
        hook = _register(hook_client, receiver.url)
        run = _evaluate(hook_client)  # a failing receiver never breaks the request
        log = _deliveries(hook_client, hook["id"], 3)
        delivery_id = log[0]["delivery_id"]
        failed = _settled(hook_client, hook["id"], delivery_id)
        time.sleep(0.2)
        assert len(_deliveries(hook_client, hook["id"], 3)) == 3, "no more than three attempts"
        assert failed["state"] == "failed" and failed["attempts"] == 3 and failed["last_status_code"] == 503
        assert failed["last_error"] == "HTTP 503 Service Unavailable" and len(failed["attempt_log"]) == 3
        assert (failed["event"], failed["run_id"]) == ("evaluation.published", run["id"])
        receiver.status = 200
        again = hook_client.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{delivery_id}/redeliver")
        assert again.status_code == 202 and again.json()["state"] == "pending" and again.json()["attempts"] == 0
        delivered = _settled(hook_client, hook["id"], delivery_id)
    assert delivered["state"] == "delivered" and delivered["last_status_code"] == 200
    assert [a["status_code"] for a in delivered["attempt_log"]] == [503, 503, 503, 200]
    assert len(receiver.requests) == 4 and all(r["valid"] for r in receiver.requests)
    assert {r["headers"]["x-zonescore-delivery"] for r in receiver.requests} == {delivery_id}
    assert len({r["body"] for r in receiver.requests}) == 1, "every attempt sends the same bytes"
    events = hook_client.get("/api/v1/audit", params={"action": "webhook.redeliver"}).json()["items"]
    assert events[0]["new_values"]["delivery_id"] == delivery_id and events[0]["old_values"]["state"] == "failed"
    missing = hook_client.post(f"/api/v1/webhooks/{hook['id']}/deliveries/nope/redeliver")
    assert missing.status_code == 404


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
        assert _settled(hook_client, hook["id"], log[0]["delivery_id"])["state"] == "failed"
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


def test_backoff_doubles_up_to_the_cap() -> None:
    settings = Settings(webhook_backoff_seconds=2, webhook_max_backoff_seconds=20)
    assert [backoff_seconds(settings, n) for n in range(1, 6)] == [2, 4, 8, 16, 20]
    with pytest.raises(ValueError, match="LEASE"):
        Settings(webhook_timeout_seconds=10, webhook_lease_seconds=10)


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

    settings = Settings(database_url=demo_database_url, webhook_backoff_seconds=0.01, webhook_attempts=2,
                        webhook_worker=False)
    application = create_app(settings)
    worker = WebhookWorker(application.state.session_factory, settings, transport=httpx.MockTransport(receiver))
    with TestClient(application, raise_server_exceptions=False, headers=admin_headers(application)) as client:
        hook = _register(client, "https://hooks.example.org:8443/zonescore?via=test")
        _evaluate(client)
        deadline = time.monotonic() + 10
        while len(log := client.get(f"/api/v1/webhooks/{hook['id']}/deliveries").json()["items"]) < 2:
            assert time.monotonic() < deadline, log
            worker.run_once()
            time.sleep(0.02)
    worker.stop()
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
