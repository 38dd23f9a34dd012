"""CSV/XLSX export helpers, format negotiation, and the zone/observation downloads."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook

from app.api.downloads import XLSX_MEDIA_TYPE, ExportFormat, NotAcceptable, choose_format, content_disposition
from app.i18n import Language
from app.services.exports import (
    Column,
    Sheet,
    check_sheet_name,
    key_value_sheet,
    to_csv,
    to_xlsx,
)
from tests.factories import make_zone, obs

COLUMNS = (Column("code", "园区代码", "zone_code"), Column("name", "园区名称", "name"),
           Column("revenue", "营业收入(亿元)", "revenue"), Column("pilot", "试点", "pilot"),
           Column("at", "时间", "at"))
ROWS: list[dict[str, Any]] = [
    {"code": "DEMO-33-N01", "name": "示例高新区-浙江01", "revenue": 1250.5, "pilot": True,
     "at": datetime(2026, 3, 2, 8, 15, tzinfo=UTC)},
    {"code": "DEMO-44-N02", "name": "示例高新区-广东02, \"南沙\"\n二期", "revenue": 88, "pilot": False, "at": None},
    {"code": "EVIL-01", "name": "=HYPERLINK(\"http://x\")", "revenue": -3.0, "pilot": None, "at": None},
]


def _read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_has_bom_crlf_and_reads_back_with_chinese() -> None:
    data = to_csv(ROWS, COLUMNS)
    assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n") and data.count(b"\r\n") == 4
    table = _read_csv(data)
    assert table[0] == ["园区代码", "园区名称", "营业收入(亿元)", "试点", "时间"]
    assert table[1] == ["DEMO-33-N01", "示例高新区-浙江01", "1250.5", "true", "2026-03-02 08:15:00"]
    assert table[2] == ["DEMO-44-N02", "示例高新区-广东02, \"南沙\"\n二期", "88", "false", ""]
    assert table[3][1] == "'=HYPERLINK(\"http://x\")" and table[3][2] == "-3"
    assert _read_csv(to_csv(ROWS, COLUMNS, Language.EN))[0] == ["zone_code", "name", "revenue", "pilot", "at"]


def test_xlsx_sheets_read_back_with_the_same_cells() -> None:
    method = key_value_sheet("方法说明", [("模型", "innovation-peak"), ("蒙特卡洛次数", 1000)])
    data = to_xlsx([Sheet("排名", ROWS, COLUMNS), method])
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["排名", "方法说明"]
    ranking = book.get_sheet_by_name("排名").to_python()
    assert ranking[0] == ["园区代码", "园区名称", "营业收入(亿元)", "试点", "时间"]
    assert ranking[1][:4] == ["DEMO-33-N01", "示例高新区-浙江01", 1250.5, True]
    assert ranking[1][4] == datetime(2026, 3, 2, 8, 15)
    assert ranking[2][:4] == ["DEMO-44-N02", "示例高新区-广东02, \"南沙\"\n二期", 88, False]
    assert ranking[3][1] == "=HYPERLINK(\"http://x\")"  # kept as text, not turned into a formula
    assert book.get_sheet_by_name("方法说明").to_python() == [["项目", "内容"], ["模型", "innovation-peak"],
                                                              ["蒙特卡洛次数", 1000]]


def test_xlsx_layout_frozen_header_and_widths() -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(to_xlsx([Sheet("排名", ROWS, COLUMNS)])))
    ws = book["排名"]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold and ws["B3"].data_type == "s" and ws["B4"].data_type == "s"
    widths = {col: ws.column_dimensions[col].width for col in "ABCDE"}
    assert widths["B"] > widths["A"] > widths["D"] >= 8 and max(widths.values()) <= 60


def test_sheet_names_are_checked() -> None:
    assert check_sheet_name("排名") == "排名"
    for bad in ("", "a/b", "x" * 32, "[1]", "'q'"):
        with pytest.raises(ValueError):
            check_sheet_name(bad)
    with pytest.raises(ValueError):
        to_xlsx([Sheet("A", [], COLUMNS), Sheet("a", [], COLUMNS)])


@pytest.mark.parametrize(
    ("param", "accept", "expected"),
    [
        (None, None, ExportFormat.JSON),
        (None, "*/*", ExportFormat.JSON),
        (None, "text/html,application/xhtml+xml,*/*;q=0.8", ExportFormat.JSON),
        (None, "text/csv", ExportFormat.CSV),
        (None, "text/*", ExportFormat.CSV),
        (None, f"{XLSX_MEDIA_TYPE}, application/json;q=0.5", ExportFormat.XLSX),
        (None, "text/csv;q=0.2, application/json", ExportFormat.JSON),
        (None, "application/problem+json, text/csv;q=0.1", ExportFormat.CSV),
        ("CSV", "application/json", ExportFormat.CSV),
        ("xlsx", None, ExportFormat.XLSX),
    ],
)
def test_choose_format(param: str | None, accept: str | None, expected: ExportFormat) -> None:
    assert choose_format(param, accept) is expected


@pytest.mark.parametrize(("param", "accept"), [("pdf", None), (None, "application/pdf"), (None, "text/csv;q=0"),
                                               ("json", None)])
def test_choose_format_refuses(param: str | None, accept: str | None) -> None:
    with pytest.raises(NotAcceptable):
        choose_format(param, accept, allowed=(ExportFormat.CSV, ExportFormat.XLSX) if param == "json" else
                      tuple(ExportFormat))


def test_content_disposition_has_ascii_fallback_and_utf8_name() -> None:
    value = content_disposition("园区-2026.csv")
    assert value.startswith('attachment; filename="__-2026.csv"')
    assert "filename*=UTF-8''%E5%9B%AD%E5%8C%BA-2026.csv" in value


def _zones(client: TestClient) -> None:
    make_zone(client, "DEMO-33-N01", name_zh="示例高新区-浙江01", name_en="Demo Zhejiang 01")
    make_zone(client, "DEMO-44-P01", name_zh="示例高新区-广东01", name_en=None, province="44", level="provincial",
              leading_chain=None)


def test_zone_download_csv_and_xlsx(client: TestClient) -> None:
    _zones(client)
    response = client.get("/api/v1/zones", params={"format": "csv", "limit": 1})
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="zones-')
    table = _read_csv(response.content)
    assert table[0][:3] == ["园区代码", "园区名称", "中文名称"]
    assert len(table) == 3  # every zone, not one page
    header = table[0]
    first = dict(zip(header, table[1], strict=True))
    assert first["园区名称"] == "示例高新区-浙江01" and first["省份"] == "浙江省" and first["级别"] == "国家级"
    assert first["首位产业链"] == "集成电路"
    english = client.get("/api/v1/zones", params={"province": "44"}, headers={
        "Accept": XLSX_MEDIA_TYPE, "Accept-Language": "en"})
    assert english.headers["content-type"] == XLSX_MEDIA_TYPE
    rows = CalamineWorkbook.from_filelike(io.BytesIO(english.content)).get_sheet_by_index(0).to_python()
    record = dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2 and record["name"] == "示例高新区-广东01" and record["province"] == "Guangdong"
    assert record["level"] == "Provincial"


def test_unsupported_format_is_406_problem(client: TestClient) -> None:
    response = client.get("/api/v1/zones", params={"format": "pdf"})
    assert response.status_code == 406 and response.headers["content-type"] == "application/problem+json"
    assert "csv" in response.json()["detail"]
    assert client.get("/api/v1/observations", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/api/v1/zones", headers={"Accept": "application/json"}).json()["total"] == 0


def test_observation_download_round_trips_through_import(client: TestClient) -> None:
    _zones(client)
    batch = [obs("DEMO-33-N01", "rd_intensity", 2024, 6.8), obs("DEMO-33-N01", "hte_count", 2024, 1236),
             obs("DEMO-44-P01", "rd_intensity", 2023, 2.5)]
    assert client.post("/api/v1/observations", json={"observations": batch}).status_code == 200
    csv_response = client.get("/api/v1/observations", params={"format": "csv"})
    table = _read_csv(csv_response.content)
    assert table[0][:6] == ["园区代码", "指标代码", "指标名称", "单位", "年份", "数值"]
    assert table[2][:6] == ["DEMO-33-N01", "rd_intensity", "R&D经费投入强度", "%", "2024", "6.8"]
    xlsx = client.get("/api/v1/observations", params={"format": "xlsx", "form": "wide", "year_from": 2024})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_name("观测值").to_python()
    assert rows == [["园区代码", "年份", "rd_intensity", "hte_count"], ["DEMO-33-N01", 2024, 6.8, 1236]]
    # The download is a valid import: importing it again changes nothing.
    again = client.post("/api/v1/imports", files={"file": ("obs.csv", csv_response.content, "text/csv")})
    assert again.status_code == 200, again.text
    assert again.json()["unchanged"] == 3 and again.json()["inserted"] == 0
    wide_again = client.post("/api/v1/imports", files={"file": ("obs.xlsx", xlsx.content, XLSX_MEDIA_TYPE)})
    assert wide_again.status_code == 200 and wide_again.json()["unchanged"] == 2


def test_download_too_large_is_refused(client: TestClient) -> None:
    client.app.state.settings.max_export_rows = 1  # type: ignore[attr-defined]
    _zones(client)
    response = client.get("/api/v1/zones", params={"format": "csv"})
    assert response.status_code == 400 and "at most 1" in response.json()["detail"]
