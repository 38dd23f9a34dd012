"""Stored runs read back as typed, versioned documents; rows written before the version was stored still read.

``golden/stored_run_v1.json`` holds a run row and its zone-result rows exactly as the release before
versioned run documents wrote them (no ``schema_version``): a small custom model over eight demo zones.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.db import session_scope
from app.orm import EvaluationRun, EvaluationZoneResult
from app.services import evaluations as service
from app.services.run_document import SCHEMA_VERSION, read_run, stored_version

OLD_ROWS = Path(__file__).parent / "golden" / "stored_run_v1.json"
JSON_COLUMNS = ("zone_filter", "options", "info", "excluded", "methodology")


def _old_rows() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(OLD_ROWS.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def old_run(app: FastAPI) -> dict[str, Any]:
    """The pre-versioning rows inserted as they are into this test's database; returns them."""
    data = _old_rows()
    run = {**data["run"], "created_at": datetime.fromisoformat(data["run"]["created_at"])}
    assert "schema_version" not in run
    with session_scope(app.state.session_factory) as session:
        session.execute(insert(EvaluationRun), [run])
        session.execute(insert(EvaluationZoneResult), data["zone_results"])
    return data


def test_an_old_row_reads_as_version_1_and_gives_back_what_was_stored(old_run: dict[str, Any],
                                                                       session: Session) -> None:
    row = session.get(EvaluationRun, old_run["run"]["id"])
    assert row is not None and row.schema_version is None
    run = read_run(row)
    assert run.schema_version == 1
    assert run.options.seed == 7 and run.options.uncertainty_runs == 20
    assert run.methodology.key == "tiny-green" and run.methodology.tier_codes()[0] == "peak"
    assert run.info.uncertainty_runs == old_run["run"]["info"]["uncertainty_runs"] > 0
    assert run.zone_filter.zones[0] == "DEMO-33-N01"
    columns = run.columns()
    assert {name: columns[name] for name in JSON_COLUMNS} == {name: old_run["run"][name] for name in JSON_COLUMNS}
    card = service.scorecard(session, run.id, "DEMO-33-N07")
    assert card.result.model_dump(mode="json") == old_run["zone_results"][0]["payload"]


def test_an_old_run_is_served_as_it_was_stored(old_run: dict[str, Any], client: TestClient) -> None:
    stored, first = old_run["run"], old_run["zone_results"][0]
    detail = client.get(f"/api/v1/evaluations/{stored['id']}").json()
    assert {name: detail[name] for name in JSON_COLUMNS} == {name: stored[name] for name in JSON_COLUMNS}
    ranking = client.get(f"/api/v1/evaluations/{stored['id']}/rankings").json()
    assert ranking["total"] == 8
    assert ranking["items"][0]["tier_zh"] == first["payload"]["tier_zh"]
    assert ranking["items"][0]["rank_interval"] == first["payload"]["rank_interval"]
    card = client.get(f"/api/v1/evaluations/{stored['id']}/zones/{first['zone_code']}").json()
    assert card["result"] == first["payload"]
    download = client.get(f"/api/v1/evaluations/{stored['id']}/rankings", params={"format": "csv", "lang": "en"})
    table = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert table[0][:2] == ["Rank", "Zone code"] and table[1][1] == first["zone_code"]
    assert client.get(f"/api/v1/evaluations/{stored['id']}/zones/{first['zone_code']}",
                      params={"format": "xlsx"}).status_code == 200
    for page in ("/ui", f"/ui/evaluations/{stored['id']}", f"/ui/evaluations/{stored['id']}/zones/DEMO-33-N01"):
        response = client.get(page)
        assert response.status_code == 200, page


def test_new_runs_record_the_document_version(demo_client: TestClient) -> None:
    created = demo_client.post("/api/v1/evaluations", json={
        "model": "innovation-peak", "year": 2024, "zones": {"provinces": ["33"]}, "options": {"uncertainty_runs": 0}})
    assert created.status_code == 201, created.text
    factory = demo_client.app.state.session_factory  # type: ignore[attr-defined]
    with session_scope(factory) as session:
        stored = session.scalar(select(EvaluationRun.schema_version).where(EvaluationRun.id == created.json()["id"]))
    assert stored == SCHEMA_VERSION


def test_a_document_from_a_newer_release_is_refused() -> None:
    assert stored_version(None) == 1
    assert stored_version(SCHEMA_VERSION) == SCHEMA_VERSION
    with pytest.raises(ValueError, match="newer"):
        stored_version(SCHEMA_VERSION + 1)
