"""Downloads (CSV, XLSX) and HTTP caching of evaluation results, and the evaluation-duration metric."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _evaluate(client: TestClient, model: str = "innovation-peak", year: int = 2024) -> dict[str, Any]:
    response = client.post("/api/v1/evaluations",
                           json={"model": model, "year": year, "options": {"seed": 3, "uncertainty_runs": 100}})
    assert response.status_code == 201, response.text
    run: dict[str, Any] = response.json()
    return run


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.content.startswith(b"\xef\xbb\xbf"), "CSV must start with the UTF-8 BOM for Excel"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _sheets(content: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_rankings_csv_in_chinese_and_english(demo_client: TestClient) -> None:
    run = _evaluate(demo_client)
    rows = demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings", params={"limit": 1000}).json()["items"]
    response = demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings", params={"format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    table = _csv(response)
    assert len(table) == len(rows) == run["zones_ranked"], "a download holds every row, not one page"
    first = table[0]
    assert list(first)[:3] == ["排名", "园区代码", "园区名称"]
    assert first["园区代码"] == rows[0]["zone_code"] and first["园区名称"] == rows[0]["name_zh"]
    assert first["园区名称"].startswith("示例高新区-")
    tiers = {r["梯队"] for r in table}
    assert tiers <= {"创新高峰", "创新强劲", "创新追赶", "创新培育"} and "创新高峰" in tiers
    peak = next(r for r in table if r["梯队"] == "创新高峰")
    assert peak["类型"] in {"创新高峰型", "产业高原型", "创新成长型", "基础培育型"}
    assert float(first["综合得分"]) == round(rows[0]["composite"], 4)

    english = demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings",
                              params={"format": "csv", "lang": "en", "tier": "peak"})
    table_en = _csv(english)
    assert list(table_en[0])[:3] == ["Rank", "Zone code", "Zone"]
    assert {r["Tier"] for r in table_en} == {"Innovation peak"}
    assert len(table_en) == run["tier_counts"]["peak"], "filters apply to downloads"


def test_rankings_xlsx_has_rankings_and_methodology_sheets(demo_client: TestClient) -> None:
    run = _evaluate(demo_client)
    response = demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings", headers={"Accept": XLSX},
                               params={"province": "33"})
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    sheets = _sheets(response.content)
    assert list(sheets) == ["排名", "方法说明"]
    header, *body = sheets["排名"]
    assert header[:3] == ["排名", "园区代码", "园区名称"]
    assert body and all(row[3] == "浙江省" for row in body)
    method = {row[0]: row[1] for row in sheets["方法说明"][1:]}
    assert method["模型"] == "innovation-peak 1.1.0" and method["运行编号"] == run["id"]
    assert any(k.startswith("支柱: 创新成效") for k in method)
    assert any(k.startswith("指标: R&D经费投入强度") and "名义权重" in v for k, v in method.items())
    assert method["梯队: 创新高峰"] == "RPI > 125"
    assert any(k.startswith("方法: ") for k in method)
    english = _sheets(demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings",
                                      params={"format": "xlsx", "lang": "en"}).content)
    assert list(english) == ["Rankings", "Methodology"]


def test_scorecard_downloads(demo_client: TestClient) -> None:
    run = _evaluate(demo_client)
    code = demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings").json()["items"][2]["zone_code"]
    card = demo_client.get(f"/api/v1/evaluations/{run['id']}/zones/{code}").json()
    sheets = _sheets(demo_client.get(f"/api/v1/evaluations/{run['id']}/zones/{code}",
                                     params={"format": "xlsx"}).content)
    assert list(sheets) == ["概览", "指标贡献", "优势与短板"]
    summary = {row[0]: row[1] for row in sheets["概览"][1:]}
    assert summary["园区代码"] == code and summary["园区名称"] == card["name_zh"]
    assert summary["排名"] == f"{card['result']['rank']} / {run['zones_ranked']}"
    contributions = sheets["指标贡献"]
    assert len(contributions) - 1 == len(card["result"]["indicators"])
    total = sum(float(r[7]) for r in contributions[1:])
    assert abs(total - card["result"]["composite"]) < 0.01
    highlights = sheets["优势与短板"][1:]
    assert len(highlights) == len(card["result"]["strengths"]) + len(card["result"]["weaknesses"])
    assert all(r[0] in {"优势", "短板"} and "同类组中位数" in r[6] for r in highlights)
    table = _csv(demo_client.get(f"/api/v1/evaluations/{run['id']}/zones/{code}", params={"format": "csv"}))
    assert {r["指标代码"] for r in table} == {i["code"] for i in card["result"]["indicators"]}
    assert sum(1 for r in table if r["优势/短板"]) == len(highlights)
    assert demo_client.get(f"/api/v1/evaluations/{run['id']}/zones/{code}", params={"format": "pdf"}).status_code == 406
    assert demo_client.get(f"/api/v1/evaluations/{run['id']}/zones/NOPE", params={"format": "csv"}).status_code == 404


def test_results_are_immutable_and_revalidate_with_304(demo_client: TestClient) -> None:
    run = _evaluate(demo_client)
    for path in (f"/api/v1/evaluations/{run['id']}", f"/api/v1/evaluations/{run['id']}/rankings",
                 f"/api/v1/evaluations/{run['id']}/zones/DEMO-33-N01"):
        first = demo_client.get(path)
        assert first.status_code == 200, path
        etag = first.headers["etag"]
        assert etag.startswith('"') and not etag.startswith("W/"), "a strong ETag"
        assert first.headers["cache-control"] == "public, max-age=31536000, immutable"
        again = demo_client.get(path)
        assert again.headers["etag"] == etag and again.content == first.content
        hit = demo_client.get(path, headers={"If-None-Match": etag})
        assert hit.status_code == 304 and hit.content == b""
        assert hit.headers["etag"] == etag and hit.headers["cache-control"].endswith("immutable")
        assert demo_client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    rankings = f"/api/v1/evaluations/{run['id']}/rankings"
    tags = {
        demo_client.get(rankings).headers["etag"],
        demo_client.get(rankings, params={"tier": "peak"}).headers["etag"],
        demo_client.get(rankings, params={"format": "csv"}).headers["etag"],
        demo_client.get(rankings, headers={"Accept": "text/csv"}).headers["etag"],
        demo_client.get(rankings, params={"format": "csv", "lang": "en"}).headers["etag"],
        demo_client.get(f"/api/v1/evaluations/{run['id'] + 0}/rankings", params={"limit": 10}).headers["etag"],
    }
    assert len(tags) == 6, "query, format and language each change the tag"
    csv_tag = demo_client.get(rankings, params={"format": "csv"}).headers["etag"]
    assert demo_client.get(rankings, params={"format": "csv"}, headers={"If-None-Match": csv_tag}).status_code == 304
    other = _evaluate(demo_client)
    assert demo_client.get(f"/api/v1/evaluations/{other['id']}/rankings").headers["etag"] not in tags
    missing = demo_client.get("/api/v1/evaluations/999999", headers={"If-None-Match": "*"})
    assert missing.status_code == 404, "no 304 for a run that does not exist"


def test_run_list_is_not_cached_as_immutable(demo_client: TestClient) -> None:
    _evaluate(demo_client)
    listed = demo_client.get("/api/v1/evaluations")
    assert listed.status_code == 200 and listed.headers["cache-control"] == "no-cache"
    assert "immutable" not in listed.headers["cache-control"]


def test_scorecard_ignores_previous_year_runs_made_later(demo_client: TestClient) -> None:
    run = _evaluate(demo_client, year=2024)
    path = f"/api/v1/evaluations/{run['id']}/zones/DEMO-33-N01"
    before = demo_client.get(path).json()
    _evaluate(demo_client, year=2023)
    after = demo_client.get(path).json()
    assert before["previous_year"] is None and after == before, "a cached immutable scorecard stays true"


def test_evaluation_duration_is_observed(demo_client: TestClient) -> None:
    def count() -> float:
        for line in demo_client.get("/metrics").text.splitlines():
            if line.startswith('zonescore_evaluation_duration_seconds_count{model="open-cooperation"}'):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    before = count()
    _evaluate(demo_client, model="open-cooperation")
    assert count() == before + 1


def test_xlsx_downloads_are_byte_identical_over_time(demo_client: TestClient) -> None:
    """A strong ETag promises the same bytes: the workbook carries the run's time, not the save time."""
    import time
    import zipfile

    run = _evaluate(demo_client)
    path = f"/api/v1/evaluations/{run['id']}/rankings"
    first = demo_client.get(path, params={"format": "xlsx"})
    time.sleep(2.1)  # zip timestamps have a two-second resolution
    second = demo_client.get(path, params={"format": "xlsx"})
    assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
    core = zipfile.ZipFile(io.BytesIO(first.content)).read("docProps/core.xml").decode()
    assert f">{run['created_at'][:19]}Z</dcterms:created>" in core
    assert list(_sheets(first.content)) == ["排名", "方法说明"], "still a valid workbook"
    card = f"/api/v1/evaluations/{run['id']}/zones/DEMO-33-N01"
    assert demo_client.get(card, params={"format": "xlsx"}).content == \
        demo_client.get(card, params={"format": "xlsx"}).content
