"""The publication lifecycle over HTTP: drafts, publishing, superseding, withdrawing; who sees what; the
official endpoints; caching that follows the state; the audit trail."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import session_scope
from app.main import create_app
from app.services.audit import CLI_ACTOR
from app.services.keys import create_key

ZJ = {"provinces": ["33"]}


@dataclass
class Portal:
    """An app on the demo data and keys of every kind for it."""

    app: FastAPI
    client: TestClient  # sends no key by default
    keys: dict[str, dict[str, str]]

    def key(self, *scopes: str, provinces: tuple[str, ...] = ()) -> dict[str, str]:
        with session_scope(self.app.state.session_factory) as session:
            _key, secret = create_key(session, CLI_ACTOR, name="-".join(scopes) + "".join(provinces), scopes=scopes,
                                      provinces=provinces)
        return {"X-API-Key": secret}

    def evaluate(self, year: int = 2024, zones: dict[str, Any] | None = None, seed: int = 1,
                 model: str = "innovation-peak") -> dict[str, Any]:
        body = {"model": model, "year": year, "zones": zones if zones is not None else ZJ,
                "options": {"seed": seed, "uncertainty_runs": 0}}
        response = self.client.post("/api/v1/evaluations", json=body, headers=self.keys["evaluate"])
        assert response.status_code == 201, response.text
        run: dict[str, Any] = response.json()
        return run

    def publish(self, run_id: int, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(f"/api/v1/evaluations/{run_id}/publish",
                                headers=self.keys["publish"] if headers is None else headers)

    def withdraw(self, run_id: int, reason: str = "研发投入数据重复计算", headers: dict[str, str] | None = None) -> Any:
        return self.client.post(f"/api/v1/evaluations/{run_id}/withdraw", json={"reason": reason},
                                headers=self.keys["publish"] if headers is None else headers)


@pytest.fixture
def portal(demo_database_url: str) -> Iterator[Portal]:
    application = create_app(Settings(database_url=demo_database_url, webhook_worker=False))
    with TestClient(application, raise_server_exceptions=False) as client:
        found = Portal(application, client, {})
        found.keys = {scope: found.key(scope) for scope in ("read", "evaluate", "publish", "admin")}
        yield found
    application.state.engine.dispose()


def _paths(run_id: int, code: str) -> list[str]:
    return [f"/api/v1/evaluations/{run_id}", f"/api/v1/evaluations/{run_id}/rankings",
            f"/api/v1/evaluations/{run_id}/rankings?format=csv", f"/api/v1/evaluations/{run_id}/zones/{code}"]


def test_a_new_run_is_a_draft_seen_only_by_evaluate_and_publish_keys(portal: Portal) -> None:
    run = portal.evaluate()
    assert run["status"] == "draft" and run["published_at"] is None
    code = portal.client.get(f"/api/v1/evaluations/{run['id']}/rankings", headers=portal.keys["evaluate"]
                             ).json()["items"][0]["zone_code"]
    for path in _paths(run["id"], code):
        for headers in ({}, portal.keys["read"]):
            hidden = portal.client.get(path, headers=headers)
            assert hidden.status_code == 404 and hidden.headers["cache-control"] == "no-cache", path
        for scope in ("evaluate", "publish", "admin"):
            shown = portal.client.get(path, headers=portal.keys[scope])
            assert shown.status_code == 200, (path, scope)
            assert shown.headers["cache-control"] == "private, no-cache", "a draft is never stored by shared caches"
    compare = portal.client.get("/api/v1/evaluations/compare", params={"base": run["id"], "other": run["id"]})
    assert compare.status_code == 404
    assert portal.client.get("/api/v1/evaluations").json()["total"] == 0
    assert portal.client.get("/api/v1/evaluations", params={"status": "draft"}).status_code == 403
    listed = portal.client.get("/api/v1/evaluations", params={"status": "draft"}, headers=portal.keys["evaluate"])
    assert [r["id"] for r in listed.json()["items"]] == [run["id"]]


def test_publish_needs_the_publish_scope_and_a_draft(portal: Portal) -> None:
    run = portal.evaluate()
    assert portal.publish(run["id"], headers={}).status_code == 401
    for scope in ("read", "evaluate"):
        assert portal.publish(run["id"], headers=portal.keys[scope]).status_code == 403
    published = portal.publish(run["id"])
    assert published.status_code == 200, published.text
    body = published.json()
    assert body["status"] == "published" and body["published_by"] == "publish" and body["published_at"]
    assert portal.publish(run["id"]).status_code == 409
    assert portal.publish(run["id"], headers=portal.keys["admin"]).status_code == 409  # admin includes publish
    assert portal.publish(999_999).status_code == 404
    public = portal.client.get(f"/api/v1/evaluations/{run['id']}")
    assert public.status_code == 200 and public.json()["status"] == "published"
    assert public.headers["cache-control"] == "public, max-age=60, must-revalidate"
    assert "immutable" not in public.headers["cache-control"]
    assert [r["id"] for r in portal.client.get("/api/v1/evaluations").json()["items"]] == [run["id"]]


def test_publishing_supersedes_the_run_of_the_same_slot_only(portal: Portal) -> None:
    first, second = portal.evaluate(seed=1), portal.evaluate(seed=2)
    other_year, other_filter = portal.evaluate(year=2023), portal.evaluate(zones={"provinces": ["32"]})
    for run in (first, other_year, other_filter):
        assert portal.publish(run["id"]).status_code == 200
    assert portal.publish(second["id"]).status_code == 200
    old = portal.client.get(f"/api/v1/evaluations/{first['id']}")
    assert old.status_code == 200, "a superseded run stays readable"
    assert old.json()["status"] == "superseded" and old.json()["superseded_by"] == second["id"]
    assert old.json()["links"]["successor"] == f"/api/v1/evaluations/{second['id']}"
    assert old.headers["link"] == f'</api/v1/evaluations/{second["id"]}>; rel="successor-version"'
    rankings = portal.client.get(f"/api/v1/evaluations/{first['id']}/rankings")
    assert rankings.status_code == 200 and "successor-version" in rankings.headers["link"]
    statuses = {r["id"]: r["status"] for r in portal.client.get("/api/v1/evaluations").json()["items"]}
    assert statuses == {first["id"]: "superseded", second["id"]: "published", other_year["id"]: "published",
                        other_filter["id"]: "published"}
    only = portal.client.get("/api/v1/evaluations", params={"status": "superseded"}).json()["items"]
    assert [r["id"] for r in only] == [first["id"]]


def test_withdrawn_runs_are_gone_with_reason_and_time_everywhere(portal: Portal) -> None:
    run = portal.evaluate()
    assert portal.publish(run["id"]).status_code == 200
    rankings = f"/api/v1/evaluations/{run['id']}/rankings"
    cached = portal.client.get(rankings)  # fills the in-process ranking cache
    assert cached.status_code == 200
    code = cached.json()["items"][0]["zone_code"]
    for reason in ("", "   "):
        assert portal.withdraw(run["id"], reason=reason).status_code == 422
    missing = portal.client.post(f"/api/v1/evaluations/{run['id']}/withdraw", json={}, headers=portal.keys["publish"])
    assert missing.status_code == 422
    assert portal.withdraw(run["id"], headers=portal.keys["evaluate"]).status_code == 403
    withdrawn = portal.withdraw(run["id"])
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    for path in _paths(run["id"], code):
        for headers in ({}, portal.keys["admin"]):
            gone = portal.client.get(path, headers={**headers, "If-None-Match": cached.headers["etag"]})
            assert gone.status_code == 410, path
            assert gone.headers["content-type"] == "application/problem+json"
            problem = gone.json()
            assert problem["reason"] == "研发投入数据重复计算" and problem["run_id"] == run["id"]
            assert problem["withdrawn_at"] and problem["type"].endswith("/gone")
    compare = portal.client.get("/api/v1/evaluations/compare", params={"base": run["id"], "other": run["id"]})
    assert compare.status_code == 410
    assert portal.client.get("/api/v1/evaluations").json()["total"] == 0
    listed = portal.client.get("/api/v1/evaluations", params={"status": "withdrawn"}).json()["items"]
    assert [(r["id"], r["withdrawal_reason"]) for r in listed] == [(run["id"], "研发投入数据重复计算")]
    assert portal.withdraw(run["id"]).status_code == 409
    assert portal.publish(run["id"]).status_code == 409


def test_etags_follow_the_state_and_a_304_never_outlives_it(portal: Portal) -> None:
    first, second = portal.evaluate(seed=1), portal.evaluate(seed=2)
    assert portal.publish(first["id"]).status_code == 200
    path = f"/api/v1/evaluations/{first['id']}"
    before = portal.client.get(path)
    assert portal.client.get(path, headers={"If-None-Match": before.headers["etag"]}).status_code == 304
    assert portal.publish(second["id"]).status_code == 200
    after = portal.client.get(path, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.json()["status"] == "superseded"
    assert after.headers["etag"] != before.headers["etag"]


def test_province_keys_publish_only_runs_within_their_provinces(portal: Portal) -> None:
    zhejiang = portal.key("publish", provinces=("33",))
    own, national = portal.evaluate(), portal.evaluate(zones={})
    neighbour = portal.evaluate(zones={"provinces": ["32"]})
    listed_zones = portal.evaluate(zones={"zones": ["DEMO-33-N01", "DEMO-33-N02", "DEMO-33-P01"]})
    mixed = portal.evaluate(zones={"zones": ["DEMO-33-N01", "DEMO-32-N01"]})
    for run in (national, neighbour, mixed):
        refused = portal.publish(run["id"], headers=zhejiang)
        assert refused.status_code == 403, run["zone_filter"]
        assert refused.json()["errors"][0]["code"] == "run_outside_key_provinces"
    assert portal.publish(own["id"], headers=zhejiang).status_code == 200
    assert portal.publish(listed_zones["id"], headers=zhejiang).status_code == 200
    assert portal.withdraw(national["id"], headers=zhejiang).status_code == 403
    assert portal.withdraw(own["id"], headers=zhejiang).status_code == 200


def test_every_change_is_an_audit_event(portal: Portal) -> None:
    first, second = portal.evaluate(seed=1), portal.evaluate(seed=2)
    portal.publish(first["id"])
    portal.publish(second["id"])
    portal.withdraw(second["id"], reason="指标口径有误")
    events = portal.client.get("/api/v1/audit", params={"entity_type": "evaluation_run", "limit": 100},
                               headers=portal.keys["admin"]).json()["items"]
    found = [(e["action"], int(e["entity_id"]), e["key_name"], e["new_values"].get("status")) for e in reversed(events)]
    assert found == [
        ("evaluation.create", first["id"], "evaluate", None), ("evaluation.create", second["id"], "evaluate", None),
        ("evaluation.publish", first["id"], "publish", "published"),
        ("evaluation.supersede", first["id"], "publish", "superseded"),
        ("evaluation.publish", second["id"], "publish", "published"),
        ("evaluation.withdraw", second["id"], "publish", "withdrawn"),
    ]
    assert events[0]["new_values"]["reason"] == "指标口径有误" and events[0]["old_values"] == {"status": "published"}


def test_official_endpoints_follow_publication(portal: Portal) -> None:
    query = {"model": "innovation-peak", "year": 2024, "province": "33"}
    none_yet = portal.client.get("/api/v1/official", params=query)
    assert none_yet.status_code == 404 and none_yet.json()["available"] == []
    national = portal.evaluate(zones={})
    portal.publish(national["id"])
    first = portal.evaluate()
    portal.publish(first["id"])
    official = portal.client.get("/api/v1/official", params=query)
    assert official.status_code == 200 and official.json()["id"] == first["id"]
    assert official.headers["content-location"] == f"/api/v1/evaluations/{first['id']}"
    assert official.json()["links"]["official"] == "/api/v1/official?model=innovation-peak&year=2024&province=33"
    country = portal.client.get("/api/v1/official", params={"model": "innovation-peak", "year": 2024}).json()
    assert country["id"] == national["id"]
    ranking = portal.client.get("/api/v1/official/rankings", params={**query, "limit": 3, "tier": "peak"})
    assert ranking.status_code == 200, ranking.text
    page = ranking.json()
    assert page["run"]["id"] == first["id"] and page["limit"] == 3 and len(page["items"]) <= 3
    assert all(r["tier"] == "peak" and r["province"] == "33" for r in page["items"])
    same = portal.client.get(f"/api/v1/evaluations/{first['id']}/rankings", params={"limit": 3, "tier": "peak"})
    assert same.json()["items"] == page["items"]
    assert ranking.headers["content-location"] == f"/api/v1/evaluations/{first['id']}/rankings"
    csv = portal.client.get("/api/v1/official/rankings", params={**query, "format": "csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    second = portal.evaluate(seed=9)
    portal.publish(second["id"])
    again = portal.client.get("/api/v1/official/rankings", params=query,
                              headers={"If-None-Match": ranking.headers["etag"]})
    assert again.status_code == 200 and again.json()["run"]["id"] == second["id"]
    portal.withdraw(second["id"])
    gone = portal.client.get("/api/v1/official/rankings", params=query)
    assert gone.status_code == 404
    available = {(a["run_id"], a["status"]) for a in gone.json()["available"]}
    assert available == {(national["id"], "published"), (first["id"], "superseded"), (second["id"], "withdrawn")}
    bad = portal.client.get("/api/v1/official", params={**query, "province": "99"})
    assert bad.status_code == 422
    assert portal.client.get("/api/v1/official", params={"model": "innovation-peak"}).status_code == 422


def test_concurrent_publications_of_one_slot_leave_one_published_run(portal: Portal) -> None:
    runs = [portal.evaluate(seed=n) for n in range(1, 5)]
    barrier = threading.Barrier(len(runs))
    results: dict[int, int] = {}

    def publish(run_id: int) -> None:
        barrier.wait()
        results[run_id] = portal.publish(run_id).status_code

    threads = [threading.Thread(target=publish, args=(r["id"],)) for r in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(results.values()) == {200}, results
    states = {r["id"]: r for r in portal.client.get("/api/v1/evaluations", params={"limit": 10}).json()["items"]}
    published = [i for i, r in states.items() if r["status"] == "published"]
    assert len(published) == 1
    # The superseded runs form one chain ending at the published run: every publication superseded the one before.
    successors = {i: r["superseded_by"] for i, r in states.items() if r["status"] == "superseded"}
    assert len(successors) == 3 and set(successors.values()) | set(successors) == set(states)
    assert published[0] in successors.values()


def test_pages_show_published_runs_to_everyone_and_drafts_marked_to_keys(portal: Portal) -> None:
    published, draft = portal.evaluate(seed=1), portal.evaluate(seed=2)
    portal.publish(published["id"])
    public = portal.client.get("/ui").text
    assert f'href="/ui/evaluations/{published["id"]}"' in public
    assert f'href="/ui/evaluations/{draft["id"]}"' not in public and "草稿" not in public
    assert portal.client.get(f"/ui/evaluations/{draft['id']}").status_code == 404
    signed_in = portal.client.get("/ui", headers=portal.keys["evaluate"]).text
    assert f'href="/ui/evaluations/{draft["id"]}"' in signed_in
    assert signed_in.count('<span class="status-tag draft">草稿</span>') == 1, "the draft, and only it, is marked"
    page = portal.client.get(f"/ui/evaluations/{draft['id']}", headers=portal.keys["evaluate"])
    assert page.status_code == 200 and '<p class="banner draft" role="status"><strong>草稿</strong>' in page.text
    model = portal.client.get("/ui/models/innovation-peak").text
    assert f"#{published['id']} ·" in model and f"#{draft['id']} ·" not in model
    portal.publish(draft["id"])
    old = portal.client.get(f"/ui/evaluations/{published['id']}?lang=en").text
    assert '<p class="banner superseded" role="status"><strong>Superseded</strong>' in old
    assert f'href="/ui/evaluations/{draft["id"]}?lang=en">#{draft["id"]}</a>' in old
    code = portal.client.get(f"/api/v1/evaluations/{draft['id']}/rankings").json()["items"][0]["zone_code"]
    portal.withdraw(draft["id"], reason="数据有误")
    for path in (f"/ui/evaluations/{draft['id']}", f"/ui/evaluations/{draft['id']}/zones/{code}"):
        gone = portal.client.get(path)
        assert gone.status_code == 410 and "数据有误" in gone.text
        assert gone.headers["content-type"].startswith("text/html")
    assert f'href="/ui/evaluations/{draft["id"]}"' not in portal.client.get("/ui").text


def test_a_person_signed_in_with_an_evaluate_key_sees_drafts_in_the_pages(portal: Portal) -> None:
    from pydantic import SecretStr

    portal.app.state.settings = portal.app.state.settings.model_copy(
        update={"session_secret": SecretStr("s" * 40)})
    draft = portal.evaluate()
    with TestClient(portal.app) as browser:
        assert f'href="/ui/evaluations/{draft["id"]}"' not in browser.get("/ui").text
        signed = browser.post("/ui/sign-in", data={"key": portal.keys["read"]["X-API-Key"]}, follow_redirects=False)
        assert signed.status_code == 303
        assert browser.get(f"/ui/evaluations/{draft['id']}").status_code == 404, "a read key sees no drafts"
        browser.post("/ui/sign-in", data={"key": portal.keys["evaluate"]["X-API-Key"]}, follow_redirects=False)
        assert '<span class="status-tag draft">草稿</span>' in browser.get("/ui").text
        page = browser.get(f"/ui/evaluations/{draft['id']}")
        assert page.status_code == 200 and 'class="banner draft"' in page.text
        # The cookie is for reading: it publishes nothing.
        assert browser.post(f"/api/v1/evaluations/{draft['id']}/publish").status_code == 401
