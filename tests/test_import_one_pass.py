"""A file import reports every problem at once: cells that do not parse, zones outside the key's provinces
and what the batch checks find, with the codes a JSON batch gives and the file's own column headers."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.orm import Observation
from tests.conftest import KeyFactory
from tests.factories import make_zone, obs

ZJ, JS = "TEST-33-N01", "TEST-32-N01"

# The file of the finding: Chinese headers, one good row and eight bad ones of every kind.
LONG_CSV = "\n".join([
    "园区代码,指标代码,年份,数值",
    f"{ZJ},rd_intensity,2023,5.1",      # row 2: good
    f"{ZJ},rd_intensity,2022,abc",      # row 3: not a number
    ",rd_intensity,2023,1",             # row 4: no zone code
    f"{ZJ},hte_count,20x3,4",           # row 5: not a year
    f"{ZJ},rd_intensity,2021,nan",      # row 6: not a number (NaN is not a value, in a file or a batch)
    f"{JS},rd_intensity,2023,3",        # row 7: a zone of Jiangsu, the key writes Zhejiang only
    "TEST-33-N99,rd_intensity,2023,3",  # row 8: no such zone
    f"{ZJ},rd_intensity,2020,180",      # row 9: out of the indicator's range
    f"{ZJ},rd_intensity,1900,3",        # row 10: year before the earliest
]) + "\n"

EXPECTED = [
    (3, "数值", "not_a_number"),
    (4, "园区代码", "missing_zone_code"),
    (5, "年份", "invalid_year"),
    (6, "数值", "not_a_number"),
    (7, "园区代码", "zone_outside_key_provinces"),
    (8, "园区代码", "unknown_zone"),
    (9, "数值", "out_of_range"),
    (10, "年份", "year_out_of_range"),
]


def _upload(client: TestClient, content: str, key: str, name: str = "指标.csv") -> Any:
    return client.post("/api/v1/imports", files={"file": (name, content.encode("utf-8"), "text/csv")},
                       headers={"X-API-Key": key})


def _stored(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Observation)) or 0


def test_a_file_gets_every_problem_in_one_answer(
    client: TestClient, anon_client: TestClient, make_key: KeyFactory, session: Session
) -> None:
    make_zone(client, ZJ)
    make_zone(client, JS, province="32")
    key = make_key("submit", provinces=["33"], name="浙江门户")
    response = _upload(anon_client, LONG_CSV, key)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [(e["row"], e["column"], e["code"]) for e in errors] == EXPECTED
    assert "invalid_file" not in {e["code"] for e in errors}
    outside = next(e for e in errors if e["code"] == "zone_outside_key_provinces")
    assert outside["value"] == JS and "32" in outside["message"]
    assert response.json()["detail"] == "8 problem(s) in 8 row(s); nothing was written"
    assert _stored(session) == 0
    # the same mistakes as a JSON batch carry the same codes
    batch = [obs(ZJ, "rd_intensity", 2022, "abc"), obs(ZJ, "rd_intensity", 2021, "nan"),
             obs("TEST-33-N99", "rd_intensity", 2023, 3), obs(ZJ, "rd_intensity", 2020, 180),
             obs(ZJ, "rd_intensity", 1900, 3)]
    answer = client.post("/api/v1/observations", json={"observations": batch})
    assert [e["code"] for e in answer.json()["errors"]] == ["not_a_number", "not_a_number", "unknown_zone",
                                                            "out_of_range", "year_out_of_range"]


def test_only_zones_outside_the_key_is_a_403_naming_their_rows(
    client: TestClient, anon_client: TestClient, make_key: KeyFactory, session: Session
) -> None:
    make_zone(client, ZJ)
    make_zone(client, JS, province="32")
    key = make_key("submit", provinces=["33"])
    content = f"zone_code,year,rd_intensity,hte_count\n{ZJ},2023,2.5,10\n{JS},2023,2.5,11\n{JS},2022,2.4,9\n"
    response = _upload(anon_client, content, key)
    assert response.status_code == 403, response.text
    # a wide row names its zone once, however many indicator cells it holds
    assert [(e["row"], e["column"], e["value"]) for e in response.json()["errors"]] == [
        (3, "zone_code", JS), (4, "zone_code", JS)]
    assert _stored(session) == 0
    assert _upload(anon_client, f"zone_code,year,rd_intensity\n{ZJ},2023,2.5\n", key).status_code == 200


def test_wide_file_problems_name_the_files_own_columns(
    client: TestClient, anon_client: TestClient, admin_key: str
) -> None:
    make_zone(client, ZJ)
    content = f"园区编码,年度,rd_intensity,hte_count\nTEST-33-N99,2023,2.5,10\n{ZJ},2099,2.5,11\n{ZJ},2023,500,x\n"
    errors = _upload(anon_client, content, admin_key).json()["errors"]
    assert [(e["row"], e["column"], e["code"]) for e in errors] == [
        (2, "园区编码", "unknown_zone"), (3, "年度", "year_out_of_range"), (4, "hte_count", "not_a_number"),
        (4, "rd_intensity", "out_of_range")]
