"""Migration 0007_publication on a database holding runs made before it: they were public, so they become
published — one per model, year and zone filter, the earlier ones superseded by the newest — with the
same filter key the service computes, and nothing else in the database changes."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from app.db import make_engine
from app.migrate import alembic_config
from app.services.matrix import ZoneFilter
from app.services.run_status import filter_key
from tests.conftest import BACKENDS, _pg_create, _pg_drop, _pg_url_for


@pytest.fixture(params=BACKENDS)
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database that was never migrated."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    name = f"zs_m_{uuid.uuid4().hex[:12]}"
    _pg_create(name)
    try:
        yield _pg_url_for(name)
    finally:
        _pg_drop(name)


# Stored as the service wrote them: the zone filter with every field, lists in the order given.
FILTERS = {
    "all": {"provinces": [], "level": None, "kind": "hitech", "pilot": None, "zones": []},
    "zj": {"provinces": ["33"], "level": None, "kind": "hitech", "pilot": None, "zones": []},
    "zj_js": {"provinces": ["33", "32"], "level": None, "kind": "hitech", "pilot": None, "zones": []},
    "js_zj": {"provinces": ["32", "33"], "level": None, "kind": "hitech", "pilot": None, "zones": []},
}


RUNS = [(1, "innovation-peak", 2024, "all"), (2, "innovation-peak", 2024, "zj"), (3, "innovation-peak", 2024, "all"),
        (4, "comprehensive", 2024, "all"), (5, "innovation-peak", 2023, "all"), (6, "innovation-peak", 2024, "zj_js"),
        (7, "innovation-peak", 2024, "js_zj")]


def _insert_run(conn: object, run_id: int, model: str, year: int, zone_filter: str) -> None:
    created = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=run_id)
    conn.execute(text(  # type: ignore[attr-defined]
        "INSERT INTO evaluation_runs (id, model_key, model_version, year, zone_filter, options, input_hash, "
        "result_hash, zones_ranked, zones_excluded, info, excluded, methodology, duration_ms, created_at, created_by) "
        "VALUES (:id, :model, '1.0.0', :year, :filter, '{}', 'i', 'r', 0, 0, '{}', '[]', '{}', 1.0, :created, 'cli')"),
        {"id": run_id, "model": model, "year": year, "filter": json.dumps(FILTERS[zone_filter]), "created": created})
    conn.execute(text(  # type: ignore[attr-defined]
        "INSERT INTO evaluation_zone_results (run_id, zone_code, rank, composite, peer_group, peer_rank, badges, "
        "payload) VALUES (:id, 'DEMO-33-N01', 1, 50.0, 'g', 1, '[]', '{}')"), {"id": run_id})


def test_existing_runs_become_published_one_per_slot(blank_url: str) -> None:
    cfg = alembic_config(blank_url)
    engine = make_engine(blank_url)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0005")
        with engine.begin() as conn:
            for run_id, model, year, zone_filter in RUNS:
                _insert_run(conn, run_id, model, year, zone_filter)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        with engine.connect() as conn:
            rows = {r.id: r for r in conn.execute(text(
                "SELECT id, zone_filter, status, superseded_by, state_version, published_at, published_by, filter_key "
                "FROM evaluation_runs ORDER BY id"))}
            results = conn.execute(text("SELECT count(*) FROM evaluation_zone_results")).scalar_one()
    finally:
        engine.dispose()
    assert {i: (r.status, r.superseded_by) for i, r in rows.items()} == {
        1: ("superseded", 3), 2: ("published", None), 3: ("published", None), 4: ("published", None),
        5: ("published", None), 6: ("superseded", 7), 7: ("published", None),
    }, "the order of the provinces does not make another slot"
    for row in rows.values():
        stored = row.zone_filter if isinstance(row.zone_filter, dict) else json.loads(row.zone_filter)
        assert row.filter_key == filter_key(ZoneFilter.model_validate(stored)), "the service's key, exactly"
        assert row.state_version == 1 and row.published_at is not None and row.published_by == "cli"
    assert results == 7, "no zone result is lost (SQLite adds the columns in place)"
