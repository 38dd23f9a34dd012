"""Ranking pages are cached per app (runs never change): repeated reads are identical, keys are exact."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.services.evaluations import RankingsCache


def test_cached_rankings_equal_first_read_and_respect_parameters(demo_client: TestClient) -> None:
    run = demo_client.post("/api/v1/evaluations", json={
        "model": "innovation-peak", "year": 2024, "options": {"seed": 3, "uncertainty_runs": 20}})
    assert run.status_code in (200, 201), run.text
    run_id = run.json()["id"]
    url = f"/api/v1/evaluations/{run_id}/rankings"
    first = demo_client.get(url, params={"limit": 5})
    again = demo_client.get(url, params={"limit": 5})
    assert first.status_code == again.status_code == 200
    assert first.headers["content-type"] == "application/json"
    assert first.content == again.content
    page = first.json()
    assert [r["rank"] for r in page["items"]] == [1, 2, 3, 4, 5] and page["limit"] == 5
    assert page["total"] == run.json()["zones_ranked"]
    second_page = demo_client.get(url, params={"limit": 5, "offset": 5}).json()
    assert [r["rank"] for r in second_page["items"]] == [6, 7, 8, 9, 10]
    national = demo_client.get(url, params={"limit": 5, "level": "national"}).json()
    assert all(r["level"] == "national" for r in national["items"]) and national["total"] < page["total"]
    assert demo_client.get(f"/api/v1/evaluations/{run_id + 1000}/rankings").status_code == 404


def test_cache_is_bounded_lru() -> None:
    cache = RankingsCache(max_entries=2)
    cache.put(("a",), b"1")
    cache.put(("b",), b"2")
    assert cache.get(("a",)) == b"1"
    cache.put(("c",), b"3")
    assert cache.get(("b",)) is None and cache.get(("a",)) == b"1" and cache.get(("c",)) == b"3"
