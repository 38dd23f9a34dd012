"""Filters are validated and repeatable, JSON is localised, lists link their pages, params are strictly typed."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from scoring_models.labels import LabelKind, label, labels, peer_group_label


def _run(client: TestClient, **zones: Any) -> dict[str, Any]:
    response = client.post("/api/v1/evaluations", json={
        "model": "innovation-peak", "year": 2024, "zones": zones, "options": {"seed": 1, "uncertainty_runs": 20}})
    assert response.status_code == 201, response.text
    run: dict[str, Any] = response.json()
    return run


def _problems(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    errors: list[dict[str, Any]] = response.json()["errors"]
    return errors


def _links(response: Any) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers.get("link", ""))}


def test_unknown_filter_values_are_422_naming_the_allowed_ones(demo_client: TestClient) -> None:
    run = _run(demo_client)
    rankings = f"/api/v1/evaluations/{run['id']}/rankings"
    tier = _problems(demo_client.get(rankings, params={"tier": "bogus"}))
    assert tier[0]["code"] == "not_in_run" and tier[0]["column"] == "tier" and tier[0]["value"] == "bogus"
    assert all(f"'{t}'" in tier[0]["message"] for t in ("peak", "strong", "moderate", "emerging"))
    badge = _problems(demo_client.get(rankings, params={"badge": "gazele"}))
    assert badge[0]["code"] == "enum" and badge[0]["column"] == "query.badge" and badge[0]["row"] is None
    assert "'gazelle'" in badge[0]["message"] and "'hidden_champion'" in badge[0]["message"]
    for bad in ("330000", "zz"):
        assert _problems(demo_client.get(rankings, params={"province": bad}))[0]["value"] == bad
        assert "'33'" in _problems(demo_client.get("/api/v1/zones", params={"province": bad}))[0]["message"]
    peer = _problems(demo_client.get(rankings, params={"peer_group": "revenue9-platforms9"}))
    assert peer[0]["code"] == "not_in_run" and "revenue" in peer[0]["message"]
    assert _problems(demo_client.get("/api/v1/observations", params={"indicator": "rd_intensty"}))[0]["code"] == "enum"
    # an evaluation or panel of a province that does not exist is refused, not "no zone matches"
    refused = demo_client.post("/api/v1/evaluations", json={"model": "innovation-peak", "year": 2024,
                                                             "zones": {"provinces": ["99"]}})
    assert _problems(refused)[0]["code"] == "enum"
    panel = demo_client.post("/api/v1/panels", json={"model": "innovation-peak", "years": [2020, 2024],
                                                      "zones": {"provinces": ["33", "99"]}})
    problem = _problems(panel)[0]
    assert (problem["column"], problem["code"]) == ("body.zones", "enum") and "'33'" in problem["message"]


def test_repeated_filters_combine_as_or(demo_client: TestClient) -> None:
    run = _run(demo_client)
    rankings = f"/api/v1/evaluations/{run['id']}/rankings"

    def provinces(params: Any) -> tuple[set[str], int]:
        body = demo_client.get(rankings, params=params).json()
        return {r["province"] for r in body["items"]}, body["total"]

    both, both_total = provinces([("province", "33"), ("province", "32"), ("limit", "1000")])
    _, zj_total = provinces({"province": "33", "limit": 1000})
    _, js_total = provinces({"province": "32", "limit": 1000})
    assert both == {"33", "32"} and both_total == zj_total + js_total > 0
    tiers = demo_client.get(rankings, params=[("tier", "peak"), ("tier", "strong"), ("limit", "1000")]).json()
    assert {r["tier"] for r in tiers["items"]} == {"peak", "strong"}
    # different filters still combine with AND
    narrowed = demo_client.get(rankings, params=[("province", "33"), ("tier", "peak"), ("limit", "1000")]).json()
    assert {(r["province"], r["tier"]) for r in narrowed["items"]} <= {("33", "peak")}
    zones = demo_client.get("/api/v1/zones", params=[("province", "33"), ("province", "32"), ("limit", "1000")])
    assert {z["province"] for z in zones.json()["items"]} == {"33", "32"}


def test_json_is_localised_beside_the_stable_codes(demo_client: TestClient) -> None:
    run = _run(demo_client)
    rankings = f"/api/v1/evaluations/{run['id']}/rankings"
    zh = demo_client.get(rankings, params={"limit": 1000})
    en = demo_client.get(rankings, params={"limit": 1000}, headers={"Accept-Language": "en"})
    assert zh.headers["content-language"] == "zh-CN" and en.headers["content-language"] == "en"
    assert zh.content != en.content
    for zh_row, en_row in zip(zh.json()["items"], en.json()["items"], strict=True):
        assert zh_row["tier"] == en_row["tier"] and zh_row["badges"] == en_row["badges"]  # codes stay
        assert en_row["tier_label"] == label(LabelKind.TIERS, en_row["tier"], "en")
        assert zh_row["tier_label"] == label(LabelKind.TIERS, zh_row["tier"])
        assert en_row["province_label"] == label(LabelKind.PROVINCES, en_row["province"], "en")
        assert en_row["peer_group_label"] == peer_group_label(en_row["peer_group"], "en") != en_row["peer_group"]
        assert en_row["badge_labels"] == [label(LabelKind.BADGES, b, "en") for b in en_row["badges"]]
        if en_row["profile"]:
            assert en_row["profile_label"] == label(LabelKind.PROFILES, en_row["profile"], "en")
        assert en_row["name"] == (en_row["name_en"] or en_row["name_zh"]) and zh_row["name"] == zh_row["name_zh"]
    # the run's own tiers (the catalog also names the tiers of the coupling and DEA models), best first
    assert demo_client.get(f"/api/v1/evaluations/{run['id']}", params={"lang": "en"}).json()["tier_labels"] == \
        {t: label(LabelKind.TIERS, t, "en") for t in ("peak", "strong", "moderate", "emerging")}
    code = zh.json()["items"][0]["zone_code"]
    card = demo_client.get(f"/api/v1/evaluations/{run['id']}/zones/{code}", params={"lang": "en"})
    assert card.headers["content-language"] == "en"
    body = card.json()
    assert body["tier_label"] == label(LabelKind.TIERS, body["result"]["tier"], "en")
    assert body["highlights"] and all(h["sentence"].startswith(h["label"]) and "peer-group median" in h["sentence"]
                                      for h in body["highlights"])
    assert [h["code"] for h in body["highlights"]] == [h["code"] for h in body["result"]["strengths"]] + \
        [h["code"] for h in body["result"]["weaknesses"]]
    assert set(body["indicator_labels"]) == {i["code"] for i in body["result"]["indicators"]}
    zh_card = demo_client.get(f"/api/v1/evaluations/{run['id']}/zones/{code}").json()
    assert "同类组中位数" in zh_card["highlights"][0]["sentence"]
    zone = demo_client.get(f"/api/v1/zones/{code}", headers={"Accept-Language": "en"})
    assert zone.headers["content-language"] == "en"
    assert zone.json()["province_label"] == label(LabelKind.PROVINCES, zone.json()["province"], "en")


def test_content_language_only_on_localised_json(demo_client: TestClient) -> None:
    observations = demo_client.get("/api/v1/observations", params={"limit": 2}, headers={"Accept-Language": "en"})
    assert observations.status_code == 200 and "content-language" not in observations.headers
    download = demo_client.get("/api/v1/observations", params={"limit": 2, "format": "csv", "lang": "en"})
    assert download.headers["content-language"] == "en"


def test_every_paginated_list_links_its_pages(demo_client: TestClient) -> None:
    run = _run(demo_client)
    rankings = f"/api/v1/evaluations/{run['id']}/rankings"
    first = demo_client.get(rankings, params={"limit": 4, "province": "33"})
    links = _links(first)
    assert set(links) == {"first", "next", "last"} and "province=33" in links["next"]
    seen, url = [], links["first"]
    while url:
        page = demo_client.get(url)
        seen += [r["zone_code"] for r in page.json()["items"]]
        url = _links(page).get("next", "")
    assert len(seen) == len(set(seen)) == first.json()["total"]
    last = demo_client.get(links["last"])
    assert "next" not in _links(last) and "prev" in _links(last)
    for path in ("/api/v1/zones", "/api/v1/observations", "/api/v1/evaluations", "/api/v1/chain-breakdowns",
                 "/api/v1/audit"):
        response = demo_client.get(path, params={"limit": 1})
        assert response.status_code == 200, path
        assert {"first", "last"} <= set(_links(response)), path
    spec = demo_client.get("/openapi.json").json()
    for path, item in spec["paths"].items():
        for operation in item.values():
            names = {p["name"] for p in operation.get("parameters", [])}
            if {"limit", "offset"} <= names:
                assert "Link" in operation["responses"]["200"]["headers"], path


def test_time_and_boolean_parameters_are_strict(client: TestClient) -> None:
    assert _problems(client.get("/api/v1/audit", params={"until": "0.5"}))[0]["column"] == "query.until"
    assert _problems(client.get("/api/v1/audit", params={"since": "1700000000"}))[0]["code"] == "datetime_parsing"
    assert client.get("/api/v1/audit", params={"since": "2026-01-01T00:00:00+08:00"}).status_code == 200
    assert client.get("/api/v1/audit", params={"since": "2026-01-01T00:00:00Z"}).status_code == 200
    zone = client.post("/api/v1/zones", json={"code": "T-33-1", "name_zh": "测试", "province": "33",
                                              "level": "national"}).json()
    assert _problems(client.patch(f"/api/v1/zones/{zone['code']}", json={"pilot": 0}))[0]["code"] == "bool_type"
    assert client.patch(f"/api/v1/zones/{zone['code']}", json={"pilot": True}).json()["pilot"] is True
    assert _problems(client.get("/api/v1/zones", params={"pilot": "1"}))[0]["code"] == "bool_parsing"
    assert client.get("/api/v1/zones", params={"pilot": "true"}).json()["total"] == 1


def test_openapi_lists_the_allowed_values_of_every_enumerated_parameter(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    components = spec["components"]["schemas"]

    def enum(path: str, name: str) -> list[str]:
        param = next(p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == name)
        schema = param["schema"].get("items", param["schema"])
        if "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[-1]]
        assert "null" not in str(param["schema"]), (path, name)  # a query value is never JSON null
        values: list[str] = schema["enum"]
        return values

    rankings = "/api/v1/evaluations/{run_id}/rankings"
    assert enum(rankings, "province") == list(labels(LabelKind.PROVINCES))
    assert enum(rankings, "tier") == list(labels(LabelKind.TIERS))
    assert enum(rankings, "badge") == list(labels(LabelKind.BADGES))
    assert enum(rankings, "profile") == list(labels(LabelKind.PROFILES))
    assert enum(rankings, "level") == ["national", "provincial"]
    assert enum(rankings, "format") == ["json", "csv", "xlsx"] and enum(rankings, "lang") == ["zh-CN", "en"]
    assert enum("/api/v1/zones", "province") == list(labels(LabelKind.PROVINCES))
    assert enum("/api/v1/chain-breakdowns", "chain") == list(labels(LabelKind.CHAINS))
