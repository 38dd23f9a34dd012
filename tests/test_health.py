"""Health, readiness, catalog and migrations."""

from __future__ import annotations

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
