"""What a workbook's cells mean (issue 11, items 12 and 13): Excel error values and formulas without a
saved value are problems with their cell, percent-formatted cells are the percentage shown, the
catalog's Chinese indicator names are headers, problem lists are capped with totals, and a file with
nothing to import is a 422 that writes nothing."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.main import create_app
from app.orm import AuditEvent, Observation
from app.services.import_parser import ImportParseError, ParsedCell, ParsedImport, parse_import
from app.services.imports import file_bounds
from scoring_models.catalog import indicator_catalog
from tests import hostile_xlsx
from tests.factories import make_zone, obs
from tests.hostile_xlsx import inline, number

KNOWN = frozenset({"rd_intensity", "hte_count", "vc_investment"})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Z = "TEST-33-N01"


def parse(data: bytes, filename: str = "data.xlsx", **options: Any) -> ParsedImport:
    """Parse with the catalog's names and percent units, as the service does (in process)."""
    catalog = indicator_catalog().by_code()
    return parse_import(
        data, filename=filename, content_type=None, known_indicators=options.pop("known", frozenset(catalog)),
        indicator_names={i.name_zh: code for code, i in catalog.items()},
        percent_indicators=frozenset(code for code, i in catalog.items() if i.unit == "%"), **options,
    )


def problems_of(data: bytes, filename: str = "data.xlsx", **options: Any) -> ImportParseError:
    with pytest.raises(ImportParseError) as caught:
        parse(data, filename, **options)
    return caught.value


def openpyxl_book(rows: Sequence[Sequence[Any]], formats: dict[str, str] | None = None,
                  errors: dict[str, str] | None = None) -> bytes:
    """A workbook written by openpyxl (which saves formulas without values): ``formats`` cell → number
    format, ``errors`` cell → an Excel error value."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    for ref, fmt in (formats or {}).items():
        sheet[ref].number_format = fmt
    for ref, text in (errors or {}).items():
        sheet[ref].value = text
        sheet[ref].data_type = "e"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Excel errors and formulas without a value ------------------------------------------------------


def test_error_cells_and_uncached_formulas_are_problems_with_their_cell() -> None:
    data = openpyxl_book(
        [["zone_code", "year", "rd_intensity", "hte_count"], [Z, 2024, 6.5, "=1/0"], [Z, 2023, None, 12]],
        errors={"C3": "#DIV/0!"},
    )
    problems = problems_of(data).problems
    assert [(p.row, p.column, p.code, p.value) for p in problems] == [
        (2, "hte_count", "formula_without_value", None),
        (3, "rd_intensity", "excel_error", "#DIV/0!"),
    ]
    assert "#DIV/0!" in problems[1].message and "save it in Excel" in problems[0].message


def test_a_formula_with_its_saved_value_is_read() -> None:
    rows = (hostile_xlsx.HEADER_ROW + '<row r="2">' + inline("A2", Z) + number("B2", 2024)
            + '<c r="C2"><f>SUM(1,5.5)</f><v>6.5</v></c></row>')
    parsed = parse(hostile_xlsx.workbook(hostile_xlsx.sheet_xml(rows)))
    assert [c.value for c in parsed.cells] == [6.5]


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#VALUE!", "#NAME?"])
def test_errors_in_zone_year_and_long_form_value_columns(error: str) -> None:
    data = openpyxl_book([["zone_code", "indicator_code", "year", "value"], ["x", "rd_intensity", 2024, 1],
                          [Z, "rd_intensity", "y", 2], [Z, "hte_count", 2024, "v"]],
                         errors={"A2": error, "C3": error, "D4": error})
    found = [(p.row, p.column, p.code, p.value) for p in problems_of(data).problems]
    assert found == [(2, "zone_code", "excel_error", error), (3, "year", "excel_error", error),
                     (4, "value", "excel_error", error)]


def test_an_error_cell_below_the_data_is_not_lost() -> None:
    # calamine sees an error value as empty, so it ends its range above it; the scan still knows it
    rows = (hostile_xlsx.HEADER_ROW + hostile_xlsx.DATA_ROW
            + '<row r="9">' + inline("A9", Z) + number("B9", 2023) + '<c r="C9" t="e"><v>#N/A</v></c></row>'
            + '<row r="12"><c r="D12" t="e"><v>#REF!</v></c></row>')
    problems = problems_of(hostile_xlsx.workbook(hostile_xlsx.sheet_xml(rows))).problems
    assert [(p.row, p.column, p.code) for p in problems] == [
        (9, "rd_intensity", "excel_error"),
        (12, "column D", "unnamed_column"), (12, "zone_code", "missing_zone_code"), (12, "year", "invalid_year")]
    assert problems[1].message == "value in a column without a header" and problems[1].value == "#REF!"


def test_errors_are_listed_through_the_api(client: TestClient) -> None:
    make_zone(client, Z)
    data = openpyxl_book([["zone_code", "year", "rd_intensity"], [Z, 2024, None]], errors={"C2": "#DIV/0!"})
    response = client.post("/api/v1/imports", files={"file": ("x.xlsx", data, XLSX)})
    assert response.status_code == 422
    assert [(e["row"], e["column"], e["code"]) for e in response.json()["errors"]] == [
        (2, "rd_intensity", "excel_error")]


# --- percent-formatted cells ------------------------------------------------------------------------


def test_percent_cells_are_the_percentage_shown_for_percent_indicators() -> None:
    data = openpyxl_book(
        [["zone_code", "year", "rd_intensity", "rd_staff_share", "vc_investment", "hte_count"],
         [Z, 2024, 0.125, 0.07, 0.5, 12], [Z, 2023, 0.031, 12.5, 3, 1]],
        formats={"C2": "0.0%", "D2": "0.00%", "E2": "0%", "C3": '0.0%;[Red]-0.0%', "D3": '0.0"%"'},
    )
    values = {(c.year, c.indicator_code): c.value for c in parse(data).cells}
    assert values == {
        (2024, "rd_intensity"): 12.5, (2024, "rd_staff_share"): 7.0,  # 0.07 × 100 is 7.000000000000001 in floats
        (2024, "vc_investment"): 0.5,  # 亿元: a percent format on it is not a unit conversion
        (2024, "hte_count"): 12.0,
        (2023, "rd_intensity"): 3.1,
        (2023, "rd_staff_share"): 12.5,  # a quoted "%" is text, not a percent format
        (2023, "vc_investment"): 3.0, (2023, "hte_count"): 1.0,
    }


def test_percent_cells_in_long_form() -> None:
    data = openpyxl_book([["zone_code", "indicator_code", "year", "value"], [Z, "rd_intensity", 2024, 0.068],
                          [Z, "hte_count", 2024, 3]], formats={"D2": "0.0%"})
    assert [c.value for c in parse(data).cells] == [6.8, 3.0]


def test_percent_cells_imported_as_shown_through_the_api(client: TestClient) -> None:
    make_zone(client, Z)
    data = openpyxl_book([["zone_code", "year", "rd_intensity"], [Z, 2024, 0.125]], formats={"C2": "0.0%"})
    assert client.post("/api/v1/imports", files={"file": ("x.xlsx", data, XLSX)}).status_code == 200
    [item] = client.get("/api/v1/observations", params={"zone": Z}).json()["items"]
    assert item["value"] == 12.5


# --- Chinese indicator names ------------------------------------------------------------------------


def test_chinese_indicator_names_as_wide_headers() -> None:
    text = ("园区代码,年份,R&D经费投入强度,高新技术企业数,产业链集中度（HHI）,研发强度≥5%企业营收占比\n"
            f"{Z},2024,6.5,120,0.2,30\n")
    parsed = parse(text.encode(), "data.csv")
    assert [(c.column, c.indicator_code) for c in parsed.cells] == [
        ("R&D经费投入强度", "rd_intensity"), ("高新技术企业数", "hte_count"), ("产业链集中度（HHI）", "chain_hhi"),
        ("研发强度≥5%企业营收占比", "rd5_revenue_share")]


def test_chinese_names_in_long_form_and_unknown_names() -> None:
    text = f"园区代码,指标代码,年份,数值\n{Z},R&D经费投入强度,2024,6.5\n{Z},不存在的指标,2024,1\n"
    problems = problems_of(text.encode(), "data.csv").problems
    assert [(p.row, p.code, p.value) for p in problems] == [(3, "unknown_indicator", "不存在的指标")]


def test_chinese_headers_through_the_api(client: TestClient) -> None:
    make_zone(client, Z)
    text = f"园区代码,年份,R&D经费投入强度,高新技术企业数\n{Z},2024,6.5,120\n"
    response = client.post("/api/v1/imports", files={"file": ("x.csv", text.encode(), "text/csv")})
    assert response.status_code == 200 and response.json()["inserted"] == 2


# --- capped problem lists ---------------------------------------------------------------------------


def test_one_bad_column_in_a_long_file_lists_the_first_problems_and_counts_all() -> None:
    text = "zone_code,year,rd_intensity,hte_count\n" + "".join(f"Z{i},2024,abc,{i}\n" for i in range(5_000))
    error = problems_of(text.encode(), "data.csv", max_problems=1_000)
    assert len(error.problems) == 1_000 and error.totals == {"not_a_number": 5_000}
    assert [p.row for p in error.problems[:3]] == [2, 3, 4]
    assert "5000 problems" in str(error)


@pytest.fixture
def capped_app(database_url: str) -> FastAPI:
    return create_app(Settings(database_url=database_url, max_problems=50))


def test_capped_through_the_api_file_and_json(capped_app: FastAPI, admin_headers_for: Any) -> None:
    with TestClient(capped_app, raise_server_exceptions=False, headers=admin_headers_for(capped_app)) as client:
        text = "zone_code,year,rd_intensity\n" + "".join(f"Z{i},2024,x\n" for i in range(300))
        body = client.post("/api/v1/imports", files={"file": ("x.csv", text.encode(), "text/csv")}).json()
        assert len(body["errors"]) == 50 and body["error_totals"] == {"not_a_number": 300}
        batch = {"observations": [obs(f"NOPE-{i}", "rd_intensity", 2024, 1) for i in range(200)]}
        response = client.post("/api/v1/observations", json=batch)
        assert response.status_code == 422
        assert len(response.json()["errors"]) == 50 and response.json()["error_totals"] == {"unknown_zone": 200}
        assert "200 problem(s) in 200 row(s)" in response.json()["detail"]
        # the body's own schema errors too
        bad = {"observations": [{"zone_code": "Z", "indicator_code": "x", "value": 1}] * 120}
        body = client.post("/api/v1/observations", json=bad).json()
        assert len(body["errors"]) == 50 and body["error_totals"] == {"missing": 120}
    capped_app.state.engine.dispose()


@pytest.fixture
def admin_headers_for() -> Any:
    from tests.conftest import admin_headers

    return admin_headers


# --- nothing to import ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "what"), [
    ("zone_code,year,rd_intensity\n", "no data rows"),
    ("zone_code,year,rd_intensity\n\n,,\n", "no data rows"),
    (f"zone_code,year,rd_intensity,note\n{Z},2024,,blank\n", "no values"),
])
def test_a_file_with_nothing_to_import_is_a_422_that_writes_nothing(
    client: TestClient, session: Session, text: str, what: str
) -> None:
    make_zone(client, Z)
    response = client.post("/api/v1/imports", files={"file": ("x.csv", text.encode(), "text/csv")})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["code"] == "no_data" and what in error["message"]
    assert session.scalar(select(func.count()).select_from(Observation)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "import.create")) == 0


def test_header_only_workbook_is_refused_in_the_child_too() -> None:
    data = openpyxl_book([["zone_code", "year", "rd_intensity"]])
    with pytest.raises(ImportParseError) as caught:
        parse(data, bounds=file_bounds(Settings()).parser)
    assert [p.code for p in caught.value.problems] == ["no_data"]


def test_cells_still_parse_in_the_child_with_markers_and_percent() -> None:
    data = openpyxl_book([["zone_code", "year", "rd_intensity"], [Z, 2024, 0.125]], formats={"C2": "0.0%"})
    parsed = parse(data, bounds=file_bounds(Settings()).parser)
    assert parsed.cells == [ParsedCell(2, "rd_intensity", Z, "rd_intensity", 2024, 12.5)]
