"""POST /api/v1/imports: round trips for every format and encoding, and rejection of bad files."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.orm import Observation
from tests.factories import make_zone

A, B = "TEST-33-N01", "TEST-44-N01"

WIDE_ROWS = [
    [A, 2023, 5.5, 120, 12.5],
    [A, 2024, 6.0, 131, 13.0],
    [B, 2024, 3.25, 40, None],
]
EXPECTED = {
    (A, "rd_intensity", 2023): 5.5, (A, "hte_count", 2023): 120, (A, "new_product_share", 2023): 12.5,
    (A, "rd_intensity", 2024): 6.0, (A, "hte_count", 2024): 131, (A, "new_product_share", 2024): 13.0,
    (B, "rd_intensity", 2024): 3.25, (B, "hte_count", 2024): 40,
}


@pytest.fixture
def zones(client: TestClient) -> None:
    make_zone(client, A)
    make_zone(client, B, province="44", name_zh="测试高新区二号")


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    lines = [",".join(header)]
    lines += [",".join("" if v is None else str(v) for v in row) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def _wide_csv(zh_header: bool = False) -> str:
    first = ["园区代码", "园区名称", "年份"] if zh_header else ["zone_code", "zone_name", "year"]
    rows = [[r[0], "测试高新区", *r[1:]] for r in WIDE_ROWS]
    rows = [[r[0], r[1], r[2], r[3], r[4], r[5]] for r in rows]
    return _csv([*first, "rd_intensity", "hte_count", "new_product_share"], rows)


def _long_rows() -> list[list[Any]]:
    return [[z, code, year, value] for (z, code, year), value in EXPECTED.items()]


def _stored(client: TestClient) -> dict[tuple[str, str, int], float]:
    items = client.get("/api/v1/observations", params={"limit": 1000}).json()["items"]
    return {(i["zone_code"], i["indicator_code"], i["year"]): i["value"] for i in items}


def _upload(client: TestClient, data: bytes, filename: str, content_type: str = "text/csv") -> Any:
    return client.post("/api/v1/imports", files={"file": (filename, data, content_type)})


@pytest.mark.parametrize(
    ("encoding", "expected_encoding", "zh_header"),
    [("utf-8", "utf-8", False), ("utf-8-sig", "utf-8-sig", False), ("gb18030", "gb18030", True),
     ("gbk", "gb18030", True)],
)
def test_wide_csv_round_trip(
    client: TestClient, zones: None, encoding: str, expected_encoding: str, zh_header: bool
) -> None:
    response = _upload(client, _wide_csv(zh_header).encode(encoding), "data.csv")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["layout"] == "wide" and body["file_format"] == "csv" and body["encoding"] == expected_encoding
    assert (body["inserted"], body["updated"], body["unchanged"]) == (8, 0, 0)
    assert _stored(client) == EXPECTED
    again = _upload(client, _wide_csv(zh_header).encode(encoding), "data.csv").json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 8)


def test_long_csv_round_trip_with_chinese_headers(client: TestClient, zones: None) -> None:
    text = _csv(["园区代码", "指标代码", "年份", "数值"], _long_rows())
    response = _upload(client, text.encode("gb18030"), "长表.csv")
    assert response.status_code == 200, response.text
    assert response.json()["layout"] == "long"
    assert _stored(client) == EXPECTED


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_xlsx_round_trip(client: TestClient, zones: None, layout: str) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if layout == "wide":
        ws.append(["zone_code", "year", "rd_intensity", "hte_count", "new_product_share"])
        for row in WIDE_ROWS:
            ws.append(row)
    else:
        ws.append(["zone_code", "indicator_code", "year", "value"])
        for row in _long_rows():
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    response = _upload(client, buffer.getvalue(), "data.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response.status_code == 200, response.text
    assert response.json()["file_format"] == "xlsx" and response.json()["layout"] == layout
    assert _stored(client) == EXPECTED


def _count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Observation)) or 0


BAD_FILES = [
    ("empty", b"", "data.csv"),
    ("bom only", b"\xef\xbb\xbf", "data.csv"),
    ("xlsx bytes named csv", b"PK\x03\x04" + b"\x00" * 60, "data.csv"),
    ("text named xlsx", b"zone_code,year,rd_intensity\nTEST-33-N01,2023,1\n", "data.xlsx"),
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "report.pdf"),
    ("no header row", b"TEST-33-N01,2023,5.5\nTEST-33-N01,2024,6.0\n", "data.csv"),
]


@pytest.mark.parametrize(("label", "data", "filename"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_rejected(
    client: TestClient, session: Session, zones: None, label: str, data: bytes, filename: str
) -> None:
    before = _count(session)
    response = _upload(client, data, filename)
    assert response.status_code == 422, (label, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"], label
    assert _count(session) == before


def test_every_bad_cell_listed_and_nothing_written(client: TestClient, session: Session, zones: None) -> None:
    assert _upload(client, _wide_csv().encode(), "good.csv").status_code == 200
    before = _stored(client)
    text = _csv(
        ["zone_code", "year", "rd_intensity", "hte_count"],
        [[A, 2023, 7.0, 121], [A, 2022, "abc", -5], ["NOPE", 2024, 1.0, 1], [B, 2099, 150, 2.5], [A, 2023, 1, 1]],
    )
    response = _upload(client, text.encode(), "bad.csv")
    assert response.status_code == 422
    problems = {(e["row"], e["column"]) for e in response.json()["errors"]}
    # parser-level problems come first (text, duplicate row); nothing reaches the database
    assert (3, "rd_intensity") in problems
    assert (6, "rd_intensity") in problems or (6, "hte_count") in problems
    assert _stored(client) == before


def test_service_level_problems_cover_all_rows(client: TestClient, zones: None) -> None:
    text = _csv(
        ["zone_code", "year", "rd_intensity", "hte_count"],
        [[A, 2022, 7.0, -5], ["NOPE", 2024, 1.0, 1], [B, 2099, 150, 2.5]],
    )
    response = _upload(client, text.encode(), "bad.csv")
    assert response.status_code == 422
    found = {(e["row"], e["column"], e["code"]) for e in response.json()["errors"]}
    assert {(2, "hte_count", "negative_count"), (3, "zone_code", "unknown_zone"),
            (4, "year", "year_out_of_range"), (4, "rd_intensity", "out_of_range"),
            (4, "hte_count", "not_whole_number")} <= found
    assert client.get("/api/v1/observations").json()["total"] == 0


def test_upload_size_limit(client: TestClient, zones: None, app: Any) -> None:
    app.state.settings = app.state.settings.model_copy(update={"max_upload_bytes": 100})
    response = _upload(client, _wide_csv().encode() * 5, "big.csv")
    assert response.status_code == 413
    assert client.get("/api/v1/observations").json()["total"] == 0
