"""An import that fails half-way leaves nothing behind: not the cells, not their history, not the audit event."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

import app.services.ingest as ingest
from app.orm import AuditEvent, IdempotencyRecord, Observation, ObservationChange
from app.orm.base import utcnow
from tests.factories import make_zone

A, B = "TEST-33-N01", "TEST-44-N01"


@pytest.fixture
def zones(client: TestClient) -> None:
    make_zone(client, A)
    make_zone(client, B, province="44")
    seed = f"zone_code,year,rd_intensity,hte_count\n{A},2022,1.0,10\n".encode()
    assert client.post("/api/v1/imports", files={"file": ("seed.csv", seed, "text/csv")}).status_code == 200


def _state(session: Session) -> tuple[Any, ...]:
    session.expire_all()
    cells = sorted(session.execute(select(Observation.indicator_code, Observation.year, Observation.value)).all())
    return (cells, *(session.scalar(select(func.count()).select_from(t))
                     for t in (ObservationChange, AuditEvent, IdempotencyRecord)))


def _import(client: TestClient) -> Any:
    # 4 new cells and 2 updates of the seeded ones
    data = (f"zone_code,year,rd_intensity,hte_count\n{A},2022,2.0,11\n{A},2023,3.0,12\n{B},2023,4.0,13\n").encode()
    return client.post("/api/v1/imports", files={"file": ("half.csv", data, "text/csv")},
                       headers={"Idempotency-Key": "half-way"})


def test_exception_after_rows_were_written(
    client: TestClient, session: Session, zones: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _state(session)
    written: list[int] = []
    upsert = ingest._upsert

    def write_then_fail(session_: Session, valid: Any, actor: Any) -> tuple[int, int]:
        upsert(session_, valid, actor)
        written.append(session_.scalar(select(func.count()).select_from(Observation)) or 0)
        raise RuntimeError("disk full after the rows were flushed")

    monkeypatch.setattr(ingest, "_upsert", write_then_fail)
    response = _import(client)
    assert response.status_code == 500
    assert written == [6]  # 2 seeded + 4 new: the rows really were in the transaction when it failed
    assert _state(session) == before
    monkeypatch.undo()
    assert _import(client).status_code == 200  # and the same import goes through afterwards


def test_constraint_violation_half_way(
    client: TestClient, session: Session, zones: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _state(session)
    upsert = ingest._upsert

    def write_then_violate(session_: Session, valid: Any, actor: Any) -> tuple[int, int]:
        result = upsert(session_, valid, actor)
        # A history row naming an indicator that does not exist: the foreign key refuses it.
        session_.execute(insert(ObservationChange), [{
            "zone_id": valid[0].zone_id, "indicator_code": "no_such_indicator", "year": 2023, "old_value": None,
            "new_value": 1.0, "old_status": None, "new_status": "reported", "changed_at": utcnow()}])
        return result

    monkeypatch.setattr(ingest, "_upsert", write_then_violate)
    response = _import(client)
    assert response.status_code == 409, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "no_such_indicator" not in response.text
    assert _state(session) == before


def test_audit_failure_undoes_the_cells(
    client: TestClient, session: Session, zones: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The audit event is written last; if it cannot be written, neither are the cells it would describe.
    before = _state(session)

    def no_audit(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(ingest.audit, "record", no_audit)
    assert _import(client).status_code == 500
    assert _state(session) == before
