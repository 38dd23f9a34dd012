"""One number parser for JSON batches and files (issue 11, item 8).

The JSON batch read ``"1,5"`` as 15, ``"1_0"`` as 10, ``"٥"`` as 5 and ``true`` as 1; a file refused
some of those and guessed at others. Now both accept numbers and plain ASCII decimals only, and
refuse the rest with the row. A corrected source or status with the same value is a change.
"""

from __future__ import annotations

import math

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.orm import ChainBreakdown, Observation
from app.services.numbers import NotANumber, parse_number, parse_whole_number, percent_to_points
from tests.factories import make_zone, obs

Z = "TEST-33-N01"


@pytest.mark.parametrize(("raw", "value"), [
    (6.5, 6.5), (12, 12.0), ("6.5", 6.5), (" -0.5 ", -0.5), ("+1", 1.0), (".5", 0.5), ("3.", 3.0), ("1e3", 1000.0),
    ("-1.5E-2", -0.015), ("\u00a012\u3000", 12.0), (10**20, 1e20),
])  # fmt: skip
def test_accepted(raw: object, value: float) -> None:
    assert parse_number(raw) == value


@pytest.mark.parametrize(("raw", "code"), [
    ("1,5", "not_a_number"), ("1,234.5", "not_a_number"), ("1_0", "not_a_number"), ("٥", "not_a_number"),
    ("１２", "not_a_number"), ("12%", "not_a_number"), ("−4", "not_a_number"), ("0x10", "not_a_number"),
    ("nan", "not_a_number"), ("Infinity", "not_a_number"), (True, "not_a_number"), (False, "not_a_number"),
    ("", "missing_value"), ("  ", "missing_value"), (None, "missing_value"), (math.nan, "not_finite"),
    (math.inf, "not_finite"), ("1e999", "not_finite"), (10**400, "not_finite"),
])  # fmt: skip
def test_refused(raw: object, code: str) -> None:
    result = parse_number(raw)
    assert isinstance(result, NotANumber) and result.code == code


def test_whole_numbers_and_percent_points() -> None:
    assert [parse_whole_number(v) for v in (2024, "2024", 2024.0, " 2024.0 ")] == [2024] * 4
    assert isinstance(bad := parse_whole_number(2024.5), NotANumber) and bad.code == "not_whole_number"
    assert isinstance(parse_whole_number("2_024"), NotANumber) and isinstance(parse_whole_number(True), NotANumber)
    assert [percent_to_points(v) for v in (0.125, 0.07, 0.031, 1.0, 0.0)] == [12.5, 7.0, 3.1, 100.0, 0.0]


# --- the JSON batch refuses what it used to misread ---------------------------------------------------


@pytest.fixture
def zone(client: TestClient) -> str:
    return make_zone(client, Z)["code"]


def test_batch_refuses_each_spelling_with_its_row(client: TestClient, session: Session, zone: str) -> None:
    values = ["1,5", "1_0", "٥", True, "１２", "6.5"]
    codes = ["rd_intensity", "rd_staff_share", "new_product_share", "hte_count", "pct_applications", "vc_investment"]
    batch = {"observations": [obs(zone, code, 2024, value) for code, value in zip(codes, values, strict=True)]}
    response = client.post("/api/v1/observations", json=batch)
    assert response.status_code == 422
    errors = response.json()["errors"]
    expected = [(row, "value", "not_a_number") for row in range(1, 6)]
    assert [(e["row"], e["column"], e["code"]) for e in errors] == expected
    assert "thousands separators" in errors[0]["message"] and "underscores" in errors[1]["message"]
    assert "ASCII digits" in errors[2]["message"] and "TRUE/FALSE" in errors[3]["message"]
    assert session.scalar(select(func.count()).select_from(Observation)) == 0


@pytest.mark.parametrize("year", ["2_024", True, 2024.5])
def test_batch_refuses_a_year_that_is_no_plain_whole_number(client: TestClient, zone: str, year: object) -> None:
    response = client.post("/api/v1/observations", json={"observations": [obs(zone, "rd_intensity", year, 1)]})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["row"], error["column"]) == (1, "body.observations.year")


def test_chain_breakdowns_read_numbers_the_same_way(client: TestClient, session: Session, zone: str) -> None:
    good = {"zone_code": zone, "year": 2024, "chain_code": "integrated_circuits", "revenue": "1250.5",
            "segments_covered": 5, "key_components": 8, "key_components_with_alt": 5,
            "local_procurement_share": 38.5}
    bad = [{**good, "revenue": "1_250"}, {**good, "segments_covered": True}, {**good, "local_procurement_share": "3,5"}]
    response = client.post("/api/v1/chain-breakdowns", json={"breakdowns": bad})
    assert response.status_code == 422
    assert [(e["row"], e["column"], e["code"]) for e in response.json()["errors"]] == [
        (1, "body.breakdowns.revenue", "not_a_number"), (2, "body.breakdowns.segments_covered", "not_a_number"),
        (3, "body.breakdowns.local_procurement_share", "not_a_number")]
    assert session.scalar(select(func.count()).select_from(ChainBreakdown)) == 0
    assert client.post("/api/v1/chain-breakdowns", json={"breakdowns": [good]}).status_code == 200


# --- a corrected source or status is a change ---------------------------------------------------------


def _history(client: TestClient) -> list[tuple[float | None, float, str | None, str]]:
    params = {"zone": Z, "indicator": "rd_intensity", "year": 2024}
    return [(h["old_value"], h["new_value"], h["source"], h["new_status"])
            for h in client.get("/api/v1/observations/history", params=params).json()]


def test_a_corrected_source_is_a_change_in_the_history(client: TestClient, zone: str) -> None:
    def send(**extra: object) -> dict[str, int]:
        response = client.post("/api/v1/observations", json={"observations": [obs(zone, "rd_intensity", 2024, 6.5,
                                                                                   **extra)]})
        assert response.status_code == 200, response.text
        summary: dict[str, int] = response.json()
        return summary

    assert send(source="浙江省统计局")["inserted"] == 1
    assert send(source="浙江省科技厅")["updated"] == 1
    assert send(source="浙江省科技厅")["unchanged"] == 1
    assert send(source="浙江省科技厅", status="verified")["updated"] == 1
    [item] = client.get("/api/v1/observations", params={"zone": zone}).json()["items"]
    assert (item["source"], item["status"], item["revision"]) == ("浙江省科技厅", "verified", 3)
    assert _history(client) == [(None, 6.5, "浙江省统计局", "reported"), (6.5, 6.5, "浙江省科技厅", "reported"),
                                (6.5, 6.5, "浙江省科技厅", "verified")]
