"""GET /api/v1/coverage: zones with data per indicator and year, and the years each model can evaluate."""

from __future__ import annotations

from fastapi.testclient import TestClient

from scoring_models.catalog import ValueKind, indicator_catalog
from scoring_models.registry import default_registry
from tests.factories import make_zone, obs


def test_coverage_of_the_demo_data_agrees_with_the_runs(demo_client: TestClient) -> None:
    body = demo_client.get("/api/v1/coverage", params={"province": "33"}).json()
    assert body["years"] == [2020, 2021, 2022, 2023, 2024]
    rd = next(i for i in body["indicators"] if i["code"] == "rd_intensity")
    assert len(rd["zones"]) == 5 and 0 < rd["zones"][-1] <= body["zones"]
    # counted independently: the stored observations of Zhejiang's high-tech zones
    zones = {z["code"] for z in demo_client.get("/api/v1/zones", params={"province": "33", "kind": "hitech",
                                                                          "limit": 1000}).json()["items"]}
    assert body["zones"] == len(zones)
    cells = demo_client.get("/api/v1/observations", params={"indicator": "rd_intensity", "year_from": 2024,
                                                             "limit": 1000}).json()["items"]
    assert rd["zones"][-1] == len({c["zone_code"] for c in cells if c["zone_code"] in zones})
    peak = next(m for m in body["models"] if m["key"] == "innovation-peak")
    assert peak["latest_year"] == 2024 and peak["years"][0]["year"] == 2024
    run = demo_client.post("/api/v1/evaluations", json={
        "model": "innovation-peak", "year": 2024, "zones": {"provinces": ["33"]},
        "options": {"uncertainty_runs": 0}}).json()
    assert peak["years"][0]["zones_ranked"] == run["zones_ranked"]
    assert {m["key"] for m in body["models"]} >= {s.key for s in default_registry().list()}


def _valid(code: str, n: int) -> float:
    """A value inside the indicator's range and kind, different for each zone ``n``."""
    indicator = indicator_catalog().by_code()[code]
    if indicator.kind is ValueKind.FLAG:
        return float(n % 2)
    if indicator.kind is ValueKind.COUNT:
        return float(n + 1)
    return indicator.min_value + (indicator.max_value - indicator.min_value) * (n + 1) / 10


def test_a_model_cannot_evaluate_a_year_without_enough_data(client: TestClient) -> None:
    for n in range(3):
        make_zone(client, f"TEST-33-N0{n}")
    peak = default_registry().get("innovation-peak")
    codes = [i.code for i in peak.indicators]
    # 2024: every zone reports every indicator; 2023: one zone reports one indicator
    batch = [obs(f"TEST-33-N0{n}", code, 2024, _valid(code, n)) for n in range(3) for code in codes]
    batch.append(obs("TEST-33-N00", codes[0], 2023, _valid(codes[0], 0)))
    assert client.post("/api/v1/observations", json={"observations": batch}).status_code == 200
    body = client.get("/api/v1/coverage", params={"lang": "en"}).json()
    assert body["zones"] == 3 and body["years"] == [2023, 2024]
    model = next(m for m in body["models"] if m["key"] == "innovation-peak")
    assert model["latest_year"] == 2024
    by_year = {y["year"]: y for y in model["years"]}
    assert by_year[2024]["evaluable"] and by_year[2024]["zones_ranked"] == 3
    assert not by_year[2023]["evaluable"] and by_year[2023]["zones_ranked"] == 0
    first = next(i for i in body["indicators"] if i["code"] == codes[0])
    assert first["zones"] == [1, 3]
    # what coverage says is what an evaluation finds
    ranked = client.post("/api/v1/evaluations", json={"model": "innovation-peak", "year": 2023,
                                                      "options": {"uncertainty_runs": 0}})
    assert ranked.status_code == 201 and ranked.json()["zones_ranked"] == 0
