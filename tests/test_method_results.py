"""Runs of the new methods through the API and the downloads: coupling and DEA measures in rankings,
scorecards and their downloads; AHP, combined weights and effective importance in the methodology."""

from __future__ import annotations

import copy
from typing import Any

from fastapi.testclient import TestClient

from scoring_models.registry import load_registry
from tests.test_evaluation_results import XLSX, _csv, _sheets


def _evaluate(client: TestClient, model: str, **options: Any) -> dict[str, Any]:
    body = {"model": model, "year": 2024, "options": {"seed": 3, "uncertainty_runs": 0, **options}}
    response = client.post("/api/v1/evaluations", json=body)
    assert response.status_code == 201, response.text
    run: dict[str, Any] = response.json()
    return run


def test_coupling_ranking_download_and_scorecard(demo_client: TestClient) -> None:
    run = _evaluate(demo_client, "innovation-industry-coupling")
    assert run["info"]["methods"]["composite"] == "coupling" and run["info"]["uncertainty_runs"] == 0
    page = demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings").json()
    first = page["items"][0]
    c = first["coupling"]
    assert abs(first["composite"] - 100 * c["coordination"]) < 1e-9
    assert first["tier"] == c["grade"] and first["efficiency"] is None
    table = _csv(demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings",
                                 params={"format": "csv", "lang": "en"}))
    assert {"Innovation U₁", "Industry U₂", "Coordination D", "Which lags"} <= set(table[0])
    assert table[0]["Which lags"] in {"Innovation lags", "Industry lags", "In step"}
    summary = {row[0]: row[1] for row in _sheets(demo_client.get(
        f"/api/v1/evaluations/{run['id']}/zones/{first['zone_code']}", params={"format": "xlsx"}).content)["概览"][1:]}
    assert summary["耦合协调度D"] == round(c["coordination"], 4) and summary["协调等级"].endswith("协调")


def test_efficiency_ranking_scorecard_and_frontier_sentence(demo_client: TestClient) -> None:
    run = _evaluate(demo_client, "innovation-efficiency")
    rows = demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings", params={"limit": 1000}).json()["items"]
    top, last = rows[0], rows[-1]
    assert top["efficiency"]["status"] == "efficient" and top["efficiency"]["super_efficiency"] > 1
    assert top["tier"] == "dea_efficient" and last["efficiency"]["ccr"] < 1
    excluded = {e["code"]: e["reason"] for e in run["excluded"]}
    assert excluded and all("DEA needs" in r or "reports" in r for r in excluded.values())
    card = demo_client.get(f"/api/v1/evaluations/{run['id']}/zones/{last['zone_code']}").json()["result"]
    eff = card["efficiency"]
    assert eff["peers"] and {t["code"] for t in eff["targets"]} == {
        "rd_expenditure", "rd_staff", "invention_patents", "tech_contract_turnover", "new_product_revenue"}
    sheets = _sheets(demo_client.get(f"/api/v1/evaluations/{run['id']}/zones/{last['zone_code']}",
                                     params={"format": "xlsx", "lang": "en"}).content)
    summary = {row[0]: row[1] for row in sheets["Summary"][1:]}
    assert summary["Targets on the frontier"].startswith("To reach the frontier: ")
    assert "R&D expenditure −" in summary["Targets on the frontier"]
    table = _csv(demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings", params={"format": "csv"}))
    assert table[0]["DEA有效性"] == "DEA有效" and table[0]["到达前沿的目标值"] == "已在效率前沿上"
    method = {row[0]: row[1] for row in _sheets(demo_client.get(
        f"/api/v1/evaluations/{run['id']}/rankings", headers={"Accept": XLSX}).content)["方法说明"][1:]}
    assert method["综合得分"].startswith("数据包络分析（DEA）: 投入：R&D经费内部支出、R&D人员全时当量")
    assert method["梯队: DEA有效"] == "≥ 99.9999"


def test_methodology_sheet_and_model_show_effective_importance(demo_client: TestClient) -> None:
    run = _evaluate(demo_client, "innovation-peak")
    importance = run["info"]["importance"]
    shares = {p["code"]: p["share"] for p in importance["pillars"]}
    assert abs(sum(shares.values()) - 1) < 1e-9 and shares["leading_chain"] < 0.2  # 20% on paper
    sheets = _sheets(demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings",
                                     params={"format": "xlsx", "lang": "en"}).content)
    method = {row[0]: row[1] for row in sheets["Methodology"][1:]}
    chain = method["Effective importance: Leading industry chain"]
    assert chain.startswith("nominal 20.00%; effective ") and "(S = " in chain
    model = demo_client.get("/api/v1/models/innovation-peak").json()
    assert model["importance"]["pillars"] == importance["pillars"] and model["effective_weights_run_id"] == run["id"]


def test_a_combined_weights_model_shows_both_parts(demo_client: TestClient) -> None:
    peak = load_registry(plugins=False).get("innovation-peak")
    spec = copy.deepcopy(peak.spec.model_dump(mode="json"))  # type: ignore[attr-defined]
    spec["key"], spec["weighting"]["method"] = "peak-combined", "combined"
    spec["weighting"]["combination"] = {"objective": "critic", "rule": "product"}
    assert demo_client.post("/api/v1/models", json=spec).status_code == 201
    run = _evaluate(demo_client, "peak-combined")
    parts = run["info"]["weight_parts"]
    assert parts["rule"] == "product" and parts["objective_method"] == "critic"
    method = {row[0]: row[1] for row in _sheets(demo_client.get(
        f"/api/v1/evaluations/{run['id']}/rankings", params={"format": "xlsx"}).content)["方法说明"][1:]}
    assert method["主客观组合赋权"].startswith("组合规则：乘法合成") and "CRITIC法" in method["主客观组合赋权"]
    assert method["组合赋权: R&D经费投入强度"].startswith("主观 ")
