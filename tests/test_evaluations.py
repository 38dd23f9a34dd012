"""Evaluation runs on the demo data: every built-in model, rankings, scorecards, reproducibility,
custom specs through the API, and the comparison of two schemes."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from scoring_models.registry import load_registry

BUILTINS = [m.key for m in load_registry(plugins=False).models()]
TIERS = {"peak", "strong", "moderate", "emerging"}


def _evaluate(client: TestClient, model: str, year: int = 2024, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"model": model, "year": year, "options": {"seed": 7, "uncertainty_runs": 200}}
    body.update(extra)
    response = client.post("/api/v1/evaluations", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def _all_rows(client: TestClient, run_id: int, **params: Any) -> list[dict[str, Any]]:
    page = client.get(f"/api/v1/evaluations/{run_id}/rankings", params={"limit": 1000, **params}).json()
    assert page["total"] == len(page["items"])
    items: list[dict[str, Any]] = page["items"]
    return items


@pytest.mark.parametrize("model", BUILTINS)
def test_every_builtin_model_ranks_or_excludes_every_demo_zone(demo_client: TestClient, model: str) -> None:
    zones = demo_client.get("/api/v1/zones", params={"limit": 1}).json()["total"]
    run = _evaluate(demo_client, model)
    rows = _all_rows(demo_client, run["id"])
    assert run["zones_ranked"] == len(rows) and run["zones_ranked"] + run["zones_excluded"] == zones
    assert all(r["tier"] in TIERS for r in rows), "every ranked zone gets a tier"
    assert all(e["reason"] for e in run["excluded"])
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    assert run["methodology"]["key"] == model and run["info"]["methods"]


def test_zones_without_enough_data_are_excluded_with_a_reason(demo_client: TestClient,
                                                              demo_database_url: str) -> None:
    engine = create_engine(demo_database_url)
    with engine.begin() as conn:
        conn.execute(text(
            "DELETE FROM observations WHERE year = 2024 AND zone_id = (SELECT id FROM zones WHERE code = 'DEMO-33-N01')"
            " AND indicator_code NOT IN ('revenue', 'rd_intensity')"
        ))
    engine.dispose()
    run = _evaluate(demo_client, "innovation-peak", options={"seed": 1, "uncertainty_runs": 0})
    excluded = {e["code"]: e["reason"] for e in run["excluded"]}
    assert "DEMO-33-N01" in excluded and "below" in excluded["DEMO-33-N01"]
    scorecard = demo_client.get(f"/api/v1/evaluations/{run['id']}/zones/DEMO-33-N01")
    assert scorecard.status_code == 404 and "excluded" in scorecard.json()["detail"]


def test_flagship_run_covers_national_zones_with_tiers_profiles_and_intervals(demo_client: TestClient) -> None:
    body = {"model": "innovation-peak", "year": 2024, "zones": {"level": "national"},
            "options": {"seed": 2024, "uncertainty_runs": 1000}}
    response = demo_client.post("/api/v1/evaluations", json=body)
    assert response.status_code == 201, response.text
    run = response.json()
    national = demo_client.get("/api/v1/zones", params={"level": "national", "limit": 1}).json()["total"]
    rows = _all_rows(demo_client, run["id"])
    assert len(rows) + run["zones_excluded"] == national
    assert {r["tier"] for r in rows} == TIERS
    assert all(r["profile"] in {"peak", "plateau", "growth", "foundation"} for r in rows)
    for r in rows:
        interval = r["rank_interval"]
        assert interval is not None and 1 <= interval["p5"] <= interval["median"] <= interval["p95"] <= len(rows)
    assert run["info"]["uncertainty_runs"] >= 1000
    assert sum(run["tier_counts"].values()) == len(rows)


def test_rankings_filter_sort_paginate(demo_client: TestClient) -> None:
    run = _evaluate(demo_client, "innovation-peak")
    rows = _all_rows(demo_client, run["id"])
    zj = _all_rows(demo_client, run["id"], province="33")
    assert zj and all(r["province"] == "33" for r in zj)
    assert [r["zone_code"] for r in zj] == [r["zone_code"] for r in rows if r["province"] == "33"]
    peak = _all_rows(demo_client, run["id"], tier="peak")
    assert len(peak) == run["tier_counts"]["peak"]
    plateau = _all_rows(demo_client, run["id"], profile="plateau")
    assert plateau and all(r["profile"] == "plateau" for r in plateau)
    group = rows[0]["peer_group"]
    assert all(r["peer_group"] == group for r in _all_rows(demo_client, run["id"], peer_group=group))
    gazelles = _all_rows(demo_client, run["id"], badge="gazelle")
    assert gazelles and all("gazelle" in r["badges"] for r in gazelles)
    by_score = _all_rows(demo_client, run["id"], sort="-composite")
    assert [r["composite"] for r in by_score] == sorted((r["composite"] for r in rows), reverse=True)
    page = demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings", params={"limit": 10, "offset": 10}).json()
    assert [r["zone_code"] for r in page["items"]] == [r["zone_code"] for r in rows[10:20]]
    assert demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings", params={"sort": "bogus"}).status_code == 422
    assert demo_client.get("/api/v1/evaluations/999999/rankings").status_code == 404


def test_scorecard_and_change_against_previous_year(demo_client: TestClient) -> None:
    previous = _evaluate(demo_client, "innovation-peak", year=2023)
    run = _evaluate(demo_client, "innovation-peak", year=2024)
    code = _all_rows(demo_client, run["id"])[5]["zone_code"]
    card = demo_client.get(f"/api/v1/evaluations/{run['id']}/zones/{code}").json()
    result = card["result"]
    for field in ("composite", "pillar_scores", "rank", "peer_group", "peer_rank", "tier", "subgroup", "profile",
                  "badges", "indicators", "strengths", "weaknesses", "gap_to_next_tier", "rank_interval"):
        assert field in result
    assert len(result["strengths"]) <= 3 and len(result["weaknesses"]) <= 3
    arithmetic = sum(i["contribution"] for i in result["indicators"])
    assert arithmetic == pytest.approx(result["composite"], rel=1e-9)
    prev_rows = {r["zone_code"]: r for r in _all_rows(demo_client, previous["id"])}
    change = card["previous_year"]
    assert change["previous_run_id"] == previous["id"]
    assert change["previous_rank"] == prev_rows[code]["rank"]
    assert change["rank_change"] == prev_rows[code]["rank"] - result["rank"]
    assert change["tier_change"] in {"up", "down", "same"}
    assert demo_client.get(f"/api/v1/evaluations/{run['id']}/zones/NOPE").status_code == 404


def test_reproducible_same_hash_same_ranks(demo_client: TestClient) -> None:
    first = _evaluate(demo_client, "innovation-peak")
    second = _evaluate(demo_client, "innovation-peak")
    assert first["id"] != second["id"]
    assert first["input_hash"] == second["input_hash"] and first["result_hash"] == second["result_hash"]
    assert _all_rows(demo_client, first["id"]) == _all_rows(demo_client, second["id"])
    other_seed = _evaluate(demo_client, "innovation-peak", options={"seed": 8, "uncertainty_runs": 200})
    assert other_seed["input_hash"] != first["input_hash"]
    # a changed observation changes the input hash
    response = demo_client.post("/api/v1/observations", json={"observations": [
        {"zone_code": "DEMO-33-N01", "indicator_code": "rd_intensity", "year": 2024, "value": 9.87}]})
    assert response.status_code == 200
    assert _evaluate(demo_client, "innovation-peak")["input_hash"] != first["input_hash"]
    listed = demo_client.get("/api/v1/evaluations", params={"model": "innovation-peak"}).json()
    assert listed["total"] == 4 and listed["items"][0]["id"] > listed["items"][-1]["id"]
    assert demo_client.get(f"/api/v1/evaluations/{first['id']}").json()["result_hash"] == first["result_hash"]


def test_models_api_and_custom_spec_round_trip(demo_client: TestClient) -> None:
    listed = {m["key"] for m in demo_client.get("/api/v1/models").json()}
    assert set(BUILTINS) <= listed
    peak = demo_client.get("/api/v1/models/innovation-peak").json()
    assert peak["spec"]["key"] == "innovation-peak" and peak["versions"] == ["1.0.0", "1.1.0"]
    assert peak["version"] == "1.1.0"
    old = demo_client.get("/api/v1/models/innovation-peak", params={"version": "1.0.0"}).json()
    assert old["version"] == "1.0.0" and old["source"] == "builtin" and old["immutable"]  # runs still name it
    mechanism = sum(i["nominal_weight"] for i in peak["indicators"] if i["nature"] == "mechanism")
    assert 0 < mechanism <= peak["spec"]["constraints"]["max_nature_share"]["mechanism"] <= 0.05
    assert sum(i["nominal_weight"] for i in peak["indicators"]) == pytest.approx(1.0)
    scale = sum(i["nominal_weight"] for i in peak["indicators"] if i["nature"] == "scale")
    assert scale <= 0.10 + 1e-9
    assert peak["spec"]["tiers"]["thresholds"] == [125.0, 100.0, 70.0]

    fork = copy.deepcopy(peak["spec"])
    fork["key"] = "innovation-peak-33"
    fork["title_zh"] = "浙江省创新高峰评价"
    for pillar in fork["pillars"]:
        if pillar["code"] == "leading_chain":
            pillar["weight"] = 30
    created = demo_client.post("/api/v1/models", json=fork)
    assert created.status_code == 201, created.text
    got = demo_client.get("/api/v1/models/innovation-peak-33").json()
    assert got["spec"] == created.json()["spec"] and got["source"] == "custom" and not got["immutable"]
    assert demo_client.post("/api/v1/models", json=fork).status_code == 200  # identical re-post

    run = _evaluate(demo_client, "innovation-peak-33", zones={"provinces": ["33"]})
    assert run["model_key"] == "innovation-peak-33" and run["zones_ranked"] > 0
    after = demo_client.get("/api/v1/models/innovation-peak-33").json()
    assert after["immutable"] and after["effective_weights"] and after["effective_weights_run_id"] == run["id"]

    changed = copy.deepcopy(fork)
    changed["pillars"][0]["weight"] = 50
    assert demo_client.post("/api/v1/models", json=changed).status_code == 409
    changed["version"] = "1.2.0"
    assert demo_client.post("/api/v1/models", json=changed).status_code == 201
    assert demo_client.get("/api/v1/models/innovation-peak-33").json()["versions"] == ["1.1.0", "1.2.0"]
    builtin_clash = copy.deepcopy(fork)
    builtin_clash["key"] = "innovation-peak"
    assert demo_client.post("/api/v1/models", json=builtin_clash).status_code == 409


def test_invalid_spec_names_the_exact_fields(demo_client: TestClient) -> None:
    spec = demo_client.get("/api/v1/models/innovation-peak").json()["spec"]
    bad = copy.deepcopy(spec)
    bad["key"] = "broken"
    bad["indicators"][2]["code"] = "gdp_growth"
    bad["normalisation"]["method"] = "magic"
    bad["tiers"]["thresholds"] = [70, 100, 125]
    bad["pillars"][1]["weight"] = -1
    response = demo_client.post("/api/v1/models", json=bad)
    assert response.status_code == 422
    columns = {e["column"] for e in response.json()["errors"]}
    assert {"indicators.2.code", "normalisation.method", "tiers.thresholds", "pillars.1.weight"} <= columns
    assert demo_client.get("/api/v1/models/broken").status_code == 404


def test_compare_comprehensive_against_innovation_peak(demo_client: TestClient) -> None:
    base = _evaluate(demo_client, "comprehensive")
    other = _evaluate(demo_client, "innovation-peak")
    response = demo_client.get("/api/v1/evaluations/compare", params={"base": base["id"], "other": other["id"]})
    assert response.status_code == 200, response.text
    cmp = response.json()
    assert cmp["common_zones"] == base["zones_ranked"]
    assert cmp["moved_up"] and cmp["moved_down"] and cmp["overrated"]
    assert all(m["rank_change"] >= cmp["threshold"] for m in cmp["moved_up"])
    assert all(m["rank_change"] <= -cmp["threshold"] for m in cmp["overrated"])
    assert any(m["low_tech_risk"] for m in cmp["overrated"])
    assert all(m["other_profile"] == "plateau" for m in cmp["overrated"] if m["low_tech_risk"])
    assert -1.0 <= cmp["rank_correlation"] <= 1.0
    same = demo_client.get("/api/v1/evaluations/compare", params={"base": base["id"], "other": base["id"]}).json()
    assert same["moved_up"] == [] and same["moved_down"] == [] and same["rank_correlation"] == pytest.approx(1.0)


def test_bad_evaluation_requests(demo_client: TestClient) -> None:
    assert demo_client.post("/api/v1/evaluations", json={"model": "nope", "year": 2024}).status_code == 404
    assert demo_client.post("/api/v1/evaluations",
                            json={"model": "innovation-peak", "version": "9.9", "year": 2024}).status_code == 404
    no_data = demo_client.post("/api/v1/evaluations", json={"model": "innovation-peak", "year": 2010})
    assert no_data.status_code == 422 and no_data.json()["errors"][0]["code"] == "no_data"
    no_zones = demo_client.post("/api/v1/evaluations",
                                json={"model": "innovation-peak", "year": 2024, "zones": {"zones": ["NOPE"]}})
    assert no_zones.status_code == 422
    bad_override = demo_client.post("/api/v1/evaluations", json={
        "model": "innovation-peak", "year": 2024, "options": {"overrides": {"normalisation": "magic"}}})
    assert bad_override.status_code == 422
    no_targets = demo_client.post("/api/v1/evaluations", json={
        "model": "innovation-peak", "year": 2024, "options": {"overrides": {"normalisation": "target"}}})
    assert no_targets.status_code == 422 and no_targets.json()["errors"][0]["code"] == "unsupported_options"
    assert demo_client.get("/api/v1/evaluations", params={"limit": 5}).json()["total"] == 0
