"""Health, readiness, catalog and migrations."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import inspect

from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.migrate import alembic_config, current_revision, head_revision
from scoring_models.catalog import indicator_catalog


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_readyz_reports_unmigrated_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/empty.db"))
    with TestClient(app) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migration"] is None


def test_indicator_catalog_served(client: TestClient) -> None:
    body = client.get("/api/v1/indicators").json()
    catalog = indicator_catalog()
    assert body["total"] == len(catalog.indicators) and body["catalog_version"] == catalog.catalog_version
    first = body["items"][0]
    assert first["code"] == catalog.indicators[0].code and first["name_zh"]
    assert client.get("/api/v1/indicators/oem_revenue_share").json()["direction"] == "lower"
    assert client.get("/api/v1/indicators/nope").status_code == 404
    assert client.post("/api/v1/indicators", json={}).status_code == 405
    assert client.post("/api/v1/indicators", json={}).headers["content-type"].startswith("application/problem+json")


def test_catalog_covers_domain_brief() -> None:
    codes = set(indicator_catalog().by_code())
    for code in ("rd_intensity", "hte_count", "leading_chain_share", "chain_hhi", "leading_chain_lq",
                 "alt_source_coverage", "cio_established", "oem_revenue_share", "revenue", "policies_issued",
                 "energy_per_va", "little_giant_firms", "top_talent_retention"):
        assert code in codes


def test_migrations_round_trip(database_url: str) -> None:
    from alembic import command

    engine = make_engine(database_url)
    try:
        assert current_revision(engine) == head_revision(database_url)
        assert {"zones", "indicators", "observations", "observation_changes", "chain_breakdowns"} <= set(
            inspect(engine).get_table_names())
        cfg = alembic_config(database_url)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        assert current_revision(engine) == head_revision(database_url)
    finally:
        engine.dispose()


def test_models_match_migrations(database_url: str) -> None:
    """The ORM tables and the migrated schema agree (alembic autogenerate finds nothing to do)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from app.orm import Base

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_chain_products_migration_starts_the_history_of_stored_breakdowns(database_url: str) -> None:
    """Breakdowns stored before 0006_chain_products get one history entry each, with revision 1."""
    from alembic import command
    from sqlalchemy import text

    engine = make_engine(database_url)
    try:
        cfg = alembic_config(database_url)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0005")
            conn.execute(text("INSERT INTO zones (code, name_zh, name_en, province, city, level, kind, year_approved, "
                              "pilot, source, created_at, updated_at) VALUES ('T-1', '测', 'T', '33', '杭州市', "
                              "'national', 'hitech', 1991, false, 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO chain_breakdowns (zone_id, year, chain_code, revenue, segments_covered, "
                              "key_components, key_components_with_alt, local_procurement_share, submitted_by, "
                              "updated_at) SELECT id, 2023, 'biomedicine', 12.5, 3, 4, 2, 30.0, 'portal', "
                              "CURRENT_TIMESTAMP FROM zones"))
            command.upgrade(cfg, "head")
            [(revision,)] = conn.execute(text("SELECT revision FROM chain_breakdowns")).all()
            [(old, new, by)] = conn.execute(text("SELECT old, new, changed_by FROM chain_breakdown_changes")).all()
        def parsed(value: object) -> object:  # SQLite hands JSON back as text
            return json.loads(value) if isinstance(value, str) else value

        assert revision == 1 and parsed(old) is None and by == "portal"
        assert parsed(new) == {"revenue": 12.5, "segments_covered": 3, "key_components": 4,
                               "key_components_with_alt": 2, "local_procurement_share": 30.0, "source": None,
                               "key_products": None}
    finally:
        engine.dispose()
