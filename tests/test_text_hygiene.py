"""Text is clean on the way in and exports never fail on text already stored (issue 11, items 3 and 12).

A control character in any text of a JSON body or an import file is a 422 naming the field and row;
text stored before this check (here: written straight into the database) is exported printable; the
CSV formula guard catches a formula behind spaces, NBSP, full-width signs and line breaks.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.orm import Observation, Zone
from app.services.control_chars import control_character, json_control_characters, printable
from app.services.exports import Column, to_csv
from tests.factories import make_zone, obs, zone_body

Z = "TEST-33-N01"


def _errors(response: Any) -> list[tuple[int | None, str | None, str]]:
    assert response.status_code == 422, response.text
    return [(e["row"], e["column"], e["code"]) for e in response.json()["errors"]]


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\ud800", "\uffff"])
def test_the_refused_characters(bad: str) -> None:
    assert control_character(f"浙江{bad}省") == f"U+{ord(bad):04X}"
    assert control_character(f"浙江{bad}省", multiline=True) is not None
    assert printable(f"浙江{bad}省") == "浙江\ufffd省"


def test_tabs_and_line_breaks_only_where_a_field_allows_them() -> None:
    assert control_character("a\tb") == "U+0009" and control_character("a\r\nb") == "U+000D"
    assert control_character("第一行\n第二行\t", multiline=True) is None
    assert control_character("浙江省科技厅 (2024)") is None
    found = list(json_control_characters({"description": "a\nb", "name": "a\nb", "items": [{"k\x01": "v"}]}))
    assert found == [(("name",), "U+000A"), (("items", 0, "k\x01"), "U+0001")]


def test_observation_batch_names_field_and_row(client: TestClient, session: Session) -> None:
    make_zone(client, Z)
    batch = {"observations": [obs(Z, "rd_intensity", 2024, 6.5, source="浙江省科技厅"),
                              obs(Z, "hte_count", 2024, 12, source="浙江\u0007"),
                              obs(Z + "\x01", "hte_count", 2023, 12)]}
    response = client.post("/api/v1/observations", json=batch)
    assert _errors(response) == [(2, "body.observations.source", "control_character"),
                                 (3, "body.observations.zone_code", "control_character")]
    assert "U+0007" in response.json()["errors"][0]["message"]
    assert session.scalar(select(func.count()).select_from(Observation)) == 0


def test_zone_fields(client: TestClient) -> None:
    assert _errors(client.post("/api/v1/zones", json=zone_body(name_zh="测试\x01高新区"))) == [
        (None, "body.name_zh", "control_character")]
    make_zone(client, Z)
    assert _errors(client.patch(f"/api/v1/zones/{Z}", json={"city": "杭州\u0085"})) == [
        (None, "body.city", "control_character")]
    assert _errors(client.patch(f"/api/v1/zones/{Z}", json={"name_zh": "第一行\n第二行"})) == [
        (None, "body.name_zh", "control_character")]
    assert client.get(f"/api/v1/zones/{Z}").json()["city"] == "杭州市"


def test_chain_breakdown_source_keys_and_model_specs(client: TestClient) -> None:
    make_zone(client, Z)
    breakdown = {"zone_code": Z, "year": 2024, "chain_code": "integrated_circuits", "revenue": 1.0,
                 "segments_covered": 1, "key_components": 1, "key_components_with_alt": 1,
                 "local_procurement_share": 1.0, "source": "管委会\x1b[31m"}
    assert _errors(client.post("/api/v1/chain-breakdowns", json={"breakdowns": [breakdown]})) == [
        (1, "body.breakdowns.source", "control_character")]
    assert _errors(client.post("/api/v1/keys", json={"name": "门户\t", "scopes": ["read"]})) == [
        (None, "body.name", "control_character")]
    spec = client.get("/api/v1/models/innovation-peak").json()["spec"]
    spec.update(key="innovation-peak-33", title_zh="创新\x00高峰")
    assert _errors(client.post("/api/v1/models", json=spec)) == [(None, "body.title_zh", "control_character")]


def test_a_description_may_hold_line_breaks(client: TestClient) -> None:
    spec = client.get("/api/v1/models/innovation-peak").json()["spec"]
    spec.update(key="innovation-peak-33", description="第一段\n\n第二段\t(浙江)")
    assert client.post("/api/v1/models", json=spec).status_code == 201


def test_import_file_cells_and_headers(client: TestClient) -> None:
    make_zone(client, Z)
    text = f"zone_code,year,rd_intensity,hte\x07count\n{Z}\x02,2024,6.5,1\n".encode()
    response = client.post("/api/v1/imports", files={"file": ("x.csv", text, "text/csv")})
    assert _errors(response) == [(1, "column D", "control_character"), (2, "zone_code", "control_character")]
    assert response.json()["errors"][1]["value"] == "TEST-33-N01\\x02"


# --- exports of text stored before the check --------------------------------------------------------


@pytest.fixture
def dirty(client: TestClient, session: Session) -> None:
    """A zone name, city and an observation source holding control characters, written straight into
    the database (as data stored before the check would be)."""
    make_zone(client, Z)
    batch = {"observations": [obs(Z, "rd_intensity", 2024, 6.5)]}
    assert client.post("/api/v1/observations", json=batch).status_code == 200
    session.execute(update(Zone).where(Zone.code == Z).values(name_zh="坏\x01名", city="\x1b城", source="来源\x7f"))
    session.execute(update(Observation).values(source="浙江\u0007"))
    session.commit()


def _sheet(response: Any) -> list[list[Any]]:
    assert response.status_code == 200, response.text
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_name(book.sheet_names[0]).to_python()


def test_xlsx_exports_of_stored_control_characters(client: TestClient, dirty: None) -> None:
    zones = _sheet(client.get("/api/v1/zones", params={"format": "xlsx"}))
    header = zones[0]
    row = dict(zip(header, zones[1], strict=True))
    assert (row["中文名称"], row["城市"], row["数据来源"]) == ("坏\ufffd名", "\ufffd城", "来源\ufffd")
    observations = _sheet(client.get("/api/v1/observations", params={"format": "xlsx", "zone": Z}))
    assert dict(zip(observations[0], observations[1], strict=True))["数据来源"] == "浙江\ufffd"


def test_csv_exports_of_stored_control_characters(client: TestClient, dirty: None) -> None:
    response = client.get("/api/v1/observations", params={"format": "csv", "zone": Z})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert dict(zip(rows[0], rows[1], strict=True))["数据来源"] == "浙江\ufffd"


# --- the CSV formula guard --------------------------------------------------------------------------

FORMULAS = ["=1+1", " =1+1", "\u00a0=1+1", "\u3000=1+1", "\uff1dSUM(A1)", "\uff0b1", "\uff0d1", "\uff20A1",
            "\n=1+1", "\r\n=1+1", "\t=1", "  @SUM(A1)", "\u200b=1", "+86 571", "-1", "\ufe66HYPERLINK()"]


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_formula_guard(text: str) -> None:
    [_, (cell,)] = list(csv.reader(io.StringIO(to_csv([{"v": text}], [Column("v", "v", "v")]).decode("utf-8-sig"),
                                               newline="")))
    assert cell == "'" + text


@pytest.mark.parametrize("text", ["示例高新区", "a=b", "R&D", "1+1", "(+)", "email@example"])
def test_csv_text_that_is_no_formula_is_left_alone(text: str) -> None:
    [_, (cell,)] = list(csv.reader(io.StringIO(to_csv([{"v": text}], [Column("v", "v", "v")]).decode("utf-8-sig"),
                                               newline="")))
    assert cell == text


def test_zone_download_guards_a_name_behind_a_space(client: TestClient, session: Session) -> None:
    make_zone(client, Z, name_zh="\u00a0=HYPERLINK(\"http://x\")")
    response = client.get("/api/v1/zones", params={"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert dict(zip(rows[0], rows[1], strict=True))["中文名称"] == "'\u00a0=HYPERLINK(\"http://x\")"
