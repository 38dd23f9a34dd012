"""Loading the demo data set, and the CLI that does it on first start."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.orm import ChainBreakdown, Observation, Zone
from app.services.demo_data import generate_demo
from app.services.demo_loader import load_demo
from tests.factories import make_zone


def test_demo_loads_into_empty_database_and_is_served(client: TestClient, session: Session) -> None:
    result = load_demo(session)
    session.commit()
    data = generate_demo()
    assert result.loaded and result.zones == len(data.zones) and result.observations == len(data.observations)
    assert session.scalar(select(func.count()).select_from(Observation)) == len(data.observations)
    assert session.scalar(select(func.count()).select_from(ChainBreakdown)) == len(data.chain_breakdowns)
    page = client.get("/api/v1/zones", params={"level": "national", "limit": 5}).json()
    assert page["total"] == sum(1 for z in data.zones if z.level == "national")
    assert all(z["code"].startswith("DEMO-") and z["source"] == "synthetic" for z in page["items"])
    again = load_demo(session)
    assert not again.loaded and "already holds" in again.reason


def test_demo_never_loads_over_real_data(client: TestClient, session: Session) -> None:
    make_zone(client, "REAL-33-N01")
    result = load_demo(session)
    session.commit()
    assert not result.loaded
    assert session.scalar(select(func.count()).select_from(Zone)) == 1
    assert session.scalar(select(func.count()).select_from(Observation)) == 0


def test_cli_migrate_and_seed(tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("ZONESCORE_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        migrated = runner.invoke(cli, ["migrate"])
        assert migrated.exit_code == 0, migrated.output
        seeded = runner.invoke(cli, ["seed-demo", "--if-empty"])
        assert seeded.exit_code == 0 and "demo data loaded" in seeded.output
        again = runner.invoke(cli, ["seed-demo", "--if-empty"])
        assert again.exit_code == 0 and "not loaded" in again.output
        refused = runner.invoke(cli, ["seed-demo"])
        assert refused.exit_code == 1
    finally:
        get_settings.cache_clear()
