"""Observations: batch upsert, validation of every bad-input case, queries, history."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.orm import Observation, ObservationChange
from tests.factories import make_zone, obs

Z = "TEST-33-N01"


@pytest.fixture
def zone(client: TestClient) -> str:
    make_zone(client, Z)
    make_zone(client, "TEST-44-N01", province="44")
    return Z


def _post(client: TestClient, items: list[dict[str, Any]]) -> Any:
    return client.post("/api/v1/observations", json={"observations": items})


def _count(session: Session) -> tuple[int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(Observation)) or 0,
        session.scalar(select(func.count()).select_from(ObservationChange)) or 0,
    )


def test_insert_update_unchanged_counts(client: TestClient, zone: str) -> None:
    first = _post(client, [obs(zone, "rd_intensity", 2023, 5.5), obs(zone, "hte_count", 2023, 120)])
    assert first.status_code == 200, first.text
    assert first.json() == {"received": 2, "inserted": 2, "updated": 0, "unchanged": 0}
    second = _post(client, [obs(zone, "rd_intensity", 2023, 6.0), obs(zone, "hte_count", 2023, 120),
                            obs(zone, "hte_count", 2024, "130")])
    assert second.json() == {"received": 3, "inserted": 1, "updated": 1, "unchanged": 1}
    cell = client.get("/api/v1/observations", params={"zone": zone, "indicator": "rd_intensity"}).json()
    assert cell["items"][0]["value"] == 6.0 and cell["items"][0]["revision"] == 2


def test_history_keeps_every_change(client: TestClient, zone: str) -> None:
    for value in (5.0, 5.5, 6.25):
        assert _post(client, [obs(zone, "rd_intensity", 2022, value)]).status_code == 200
    history = client.get("/api/v1/observations/history",
                         params={"zone": zone, "indicator": "rd_intensity", "year": 2022}).json()
    assert [(h["old_value"], h["new_value"]) for h in history] == [(None, 5.0), (5.0, 5.5), (5.5, 6.25)]
    assert all(h["request_id"] for h in history)


def test_each_inserted_cell_gets_its_own_history_row(client: TestClient, session: Session, zone: str) -> None:
    """New cells' history rows are copied from the rows just inserted (by id range on SQLite): each one must
    carry its own cell's value, source and time, also after the highest ids were freed and are taken again."""
    assert _post(client, [obs(zone, "rd_intensity", y, 1.0 + y - 2020) for y in range(2020, 2024)]).status_code == 200
    for row in session.scalars(select(Observation).order_by(Observation.id.desc()).limit(2)).all():
        session.delete(row)
    session.commit()
    second = _post(client, [obs(zone, "hte_count", y, 100 + y, source="统计年鉴") for y in range(2020, 2024)]
                   + [obs("TEST-44-N01", "rd_intensity", 2023, 2.5)])
    assert second.json()["inserted"] == 5, second.text
    session.expire_all()
    rows = session.scalars(select(Observation)).all()
    assert len(rows) == 7
    for row in rows:
        first = session.scalars(
            select(ObservationChange)
            .where(ObservationChange.zone_id == row.zone_id, ObservationChange.indicator_code == row.indicator_code,
                   ObservationChange.year == row.year)
            .order_by(ObservationChange.id)
        ).first()
        assert first is not None
        assert (first.old_value, first.new_value, first.new_status, first.source, first.changed_by,
                first.changed_at) == (None, row.value, row.status, row.source, row.submitted_by, row.updated_at)


BAD_CASES = [
    ("unknown_zone", obs("NOPE", "rd_intensity", 2023, 1.0), "zone_code"),
    ("unknown_indicator", obs(Z, "gdp_magic", 2023, 1.0), "indicator_code"),
    ("not_a_number", obs(Z, "rd_intensity", 2023, "abc"), "value"),
    ("out_of_range", obs(Z, "rd_intensity", 2023, 150.0), "value"),
    ("negative_count", obs(Z, "hte_count", 2023, -3), "value"),
    ("not_whole_number", obs(Z, "hte_count", 2023, 2.5), "value"),
    ("year_out_of_range", obs(Z, "rd_intensity", date.today().year + 1, 1.0), "year"),
    ("year_out_of_range", obs(Z, "rd_intensity", 1987, 1.0), "year"),
    ("missing_value", obs(Z, "rd_intensity", 2023, None), "value"),
    ("not_a_flag", obs(Z, "cio_established", 2023, 2), "value"),
]


@pytest.mark.parametrize(("code", "item", "column"), BAD_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(BAD_CASES)])
def test_each_bad_cell_is_rejected_and_nothing_written(
    client: TestClient, session: Session, zone: str, code: str, item: dict[str, Any], column: str
) -> None:
    assert _post(client, [obs(zone, "rd_intensity", 2021, 3.0)]).status_code == 200
    before = _count(session)
    good = obs(zone, "rd_intensity", 2022, 4.0)
    response = _post(client, [good, item])
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert [(e["row"], e["column"], e["code"]) for e in errors] == [(2, column, code)]
    assert _count(session) == before


def test_nan_and_infinity_rejected(client: TestClient, session: Session, zone: str) -> None:
    before = _count(session)
    items = [
        f'{{"zone_code": "{zone}", "indicator_code": "{code}", "year": 2023, "value": {value}}}'
        for code, value in (("rd_intensity", "NaN"), ("rd_staff_share", "Infinity"), ("new_product_share", '"-inf"'))
    ]
    body = '{"observations": [' + ",".join(items) + "]}"
    response = client.post("/api/v1/observations", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert [(e["row"], e["code"]) for e in response.json()["errors"]] == [
        (1, "not_finite"), (2, "not_finite"), (3, "not_a_number")]  # "-inf" is no plain decimal
    assert _count(session) == before


def test_every_bad_row_listed_and_duplicates(client: TestClient, session: Session, zone: str) -> None:
    items = [
        obs(zone, "rd_intensity", 2023, 2.0),
        obs(zone, "rd_intensity", 2023, 2.5),
        obs("NOPE", "nope_indicator", 2050, "x"),
        obs(zone, "hte_count", 2023, -1),
    ]
    response = _post(client, items)
    assert response.status_code == 422
    found = {(e["row"], e["code"]) for e in response.json()["errors"]}
    assert found == {
        (2, "duplicate_key"), (3, "unknown_zone"), (3, "unknown_indicator"), (3, "year_out_of_range"),
        (3, "not_a_number"), (4, "negative_count"),
    }
    assert "row 1" in next(e["message"] for e in response.json()["errors"] if e["code"] == "duplicate_key")
    assert _count(session) == (0, 0)


def test_structural_errors_are_problem_json(client: TestClient, zone: str) -> None:
    response = client.post("/api/v1/observations", json={"observations": [{"zone_code": zone}]})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {e["column"] for e in response.json()["errors"]} >= {"body.observations.indicator_code"}
    assert client.post("/api/v1/observations", json={"observations": []}).status_code == 422
    broken = client.post("/api/v1/observations", content=b"{not json", headers={"content-type": "application/json"})
    assert broken.status_code == 422


def test_query_long_and_wide(client: TestClient, zone: str) -> None:
    items = [obs(zone, code, year, value) for year in (2022, 2023)
             for code, value in (("rd_intensity", 4.0 + year - 2022), ("hte_count", 100 + year - 2022))]
    items.append(obs("TEST-44-N01", "rd_intensity", 2023, 9.0))
    assert _post(client, items).status_code == 200
    long = client.get("/api/v1/observations", params={"zone": zone, "year_from": 2023}).json()
    assert long["total"] == 2
    assert {(i["indicator_code"], i["value"]) for i in long["items"]} == {("rd_intensity", 5.0), ("hte_count", 101)}
    wide = client.get("/api/v1/observations", params={"form": "wide", "indicator": "rd_intensity"}).json()
    assert wide["total"] == 3
    assert wide["items"][0] == {"zone_code": zone, "year": 2022, "values": {"rd_intensity": 4.0}}
    page = client.get("/api/v1/observations", params={"form": "wide", "limit": 1, "offset": 1}).json()
    assert page["items"] == [{"zone_code": zone, "year": 2023, "values": {"hte_count": 101.0, "rd_intensity": 5.0}}]
    several = client.get("/api/v1/observations",
                         params=[("zone", zone), ("zone", "TEST-44-N01"), ("year_to", 2023), ("year_from", 2023)])
    assert several.json()["total"] == 3


def test_batch_limit(client: TestClient, zone: str, app: Any) -> None:
    app.state.settings = app.state.settings.model_copy(update={"max_batch_rows": 2})
    items = [obs(zone, "rd_intensity", y, 1.0) for y in (2021, 2022, 2023)]
    response = _post(client, items)
    assert response.status_code == 413
    assert response.json()["status"] == 413


def test_batch_is_validated_from_the_raw_bytes(client: TestClient, zone: str, monkeypatch: pytest.MonkeyPatch,
                                               session: Session) -> None:
    """The JSON batch goes through pydantic's JSON parser once (no dicts first, no second dump without a key)."""
    from app.schemas.observation import ObservationBatch

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a valid JSON batch must not be decoded to Python objects first, nor dumped again")

    monkeypatch.setattr(ObservationBatch, "model_validate", classmethod(refuse))
    monkeypatch.setattr(ObservationBatch, "model_dump_json", refuse)
    response = _post(client, [obs(zone, "rd_intensity", 2024, 6.8), obs(zone, "hte_count", 2024, "1236")])
    assert response.status_code == 200, response.text
    assert response.json()["inserted"] == 2
    assert _count(session) == (2, 2)


def test_raw_body_errors_keep_fastapis_shape(client: TestClient, zone: str) -> None:
    """Every kind of bad body answers as FastAPI's own body validation did: same codes, columns, rows."""
    headers = {"content-type": "application/json"}
    broken = client.post("/api/v1/observations", content=b'{"observations": [', headers=headers).json()
    assert [(e["code"], e["message"], e["column"]) for e in broken["errors"]] == [
        ("json_invalid", "JSON decode error", "body")]
    assert client.post("/api/v1/observations", content=b"", headers=headers).json()["errors"][0]["code"] == "missing"
    not_object = client.post("/api/v1/observations", content=b"[1]", headers=headers).json()["errors"]
    assert [e["code"] for e in not_object] == ["model_attributes_type"]  # FastAPI's (Python-mode) wording
    extra = client.post("/api/v1/observations", json={"observations": [obs(zone, "rd_intensity", 2024, 1)], "x": 1})
    assert [(e["code"], e["column"]) for e in extra.json()["errors"]] == [("extra_forbidden", "body.x")]
    cell = f'{{"zone_code": "{zone}", "indicator_code": "rd_intensity", "year": 2024, "value": NaN}}'
    nan = client.post("/api/v1/observations", content=f'{{"observations": [{cell}]}}'.encode(), headers=headers)
    assert nan.status_code == 422  # JSON's NaN (taken by Python's decoder, as before) is still refused per cell
    schema = client.get("/openapi.json").json()["paths"]["/api/v1/observations"]["post"]["requestBody"]
    body = schema["content"]["application/json"]["schema"]
    assert body["required"] == ["observations"]
    assert set(body["properties"]["observations"]["items"]["properties"]) >= {"zone_code", "value", "status"}
