"""`zonescore import` and `zonescore export` through typer's CliRunner."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.orm import Observation
from app.services import imports as import_service
from tests.factories import make_zone


@pytest.fixture
def env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the CLI at this test's database."""
    monkeypatch.setenv("ZONESCORE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Observation)) or 0


def _write_wide(path: Path, zone_codes: list[str], years: range) -> int:
    lines = ["园区代码,年份,rd_intensity,hte_count"]
    lines += [f"{z},{y},{(y - 2000) / 4:.2f},{y - 1900}" for z in zone_codes for y in years]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return len(zone_codes) * len(years) * 2


def test_import_writes_everything_and_reports(env: None, client: TestClient, session: Session, tmp_path: Path) -> None:
    make_zone(client, "DEMO-33-N01")
    path = tmp_path / "观测.csv"
    cells = _write_wide(path, ["DEMO-33-N01"], range(2020, 2025))
    result = CliRunner().invoke(cli, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{cells} cells: {cells} inserted, 0 updated, 0 unchanged" in result.stdout
    assert "csv, wide layout, 5 rows" in result.stdout
    assert _count(session) == cells
    again = CliRunner().invoke(cli, ["import", str(path)])
    assert again.exit_code == 0 and f"{cells} unchanged" in again.stdout


def test_import_in_chunks_with_progress_is_one_transaction(
    env: None, client: TestClient, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_service, "WRITE_CHUNK", 7)
    for code in ("DEMO-33-N01", "DEMO-33-N02", "DEMO-44-N01"):
        make_zone(client, code)
    path = tmp_path / "big.csv"
    cells = _write_wide(path, ["DEMO-33-N01", "DEMO-33-N02", "DEMO-44-N01"], range(2015, 2025))
    result = CliRunner().invoke(cli, ["import", str(path), "--progress"])
    assert result.exit_code == 0, result.output
    assert f"{cells} cells: {cells} inserted" in result.stdout and _count(session) == cells
    # A bad cell in the last chunk: every earlier chunk is rolled back with it.
    bad = tmp_path / "bad.csv"
    text = path.read_text(encoding="utf-8-sig").replace("DEMO-44-N01,2024,6.00", "DEMO-44-N01,2024,600")
    bad.write_text(text.replace(",1", ",2"), encoding="utf-8-sig")
    failed = CliRunner().invoke(cli, ["import", str(bad), "--progress"])
    assert failed.exit_code == 1 and "row 31, column rd_intensity" in failed.stderr
    session.expire_all()
    assert _count(session) == cells
    assert {o.value for o in session.scalars(select(Observation).where(Observation.indicator_code == "hte_count"))} \
        == {float(y - 1900) for y in range(2015, 2025)}


def test_import_lists_the_first_20_problems_and_the_count(
    env: None, client: TestClient, session: Session, tmp_path: Path
) -> None:
    make_zone(client, "DEMO-33-N01")
    path = tmp_path / "bad.csv"
    rows = ["zone_code,indicator_code,year,value"]
    rows += [f"DEMO-33-N01,rd_intensity,{1990 + i},{150 + i}" for i in range(25)]
    path.write_text("\n".join(rows), encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(path)])
    assert result.exit_code == 1
    # Log records (JSON, from the app fixture's logging set-up) may interleave; keep the CLI's own lines.
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("{")]
    assert lines[0].startswith(f"error: {path}: 25 problem(s) in 25 row(s); nothing was written")
    assert len([line for line in lines if line.startswith("  row ")]) == 20
    assert lines[1].startswith("  row 2, column value:") and "150" in lines[1]
    assert lines[-1] == "  … and 5 more problem(s)"
    assert _count(session) == 0


def test_import_unreadable_file_and_unmigrated_database(
    env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = CliRunner().invoke(cli, ["import", str(path)])
    assert result.exit_code == 1 and "empty file" in result.stderr
    assert CliRunner().invoke(cli, ["import", str(tmp_path / "missing.csv")]).exit_code == 2
    monkeypatch.setenv("ZONESCORE_DATABASE_URL", f"sqlite:///{tmp_path}/fresh.db")
    get_settings.cache_clear()
    fresh = CliRunner().invoke(cli, ["import", str(path)])
    assert fresh.exit_code == 1 and "run `zonescore migrate` first" in fresh.stderr


def test_export_zones_and_observations(env: None, client: TestClient, tmp_path: Path) -> None:
    make_zone(client, "DEMO-33-N01", name_zh="示例高新区-浙江01")
    make_zone(client, "DEMO-44-N01", name_zh="示例高新区-广东01", province="44")
    source = tmp_path / "in.csv"
    _write_wide(source, ["DEMO-33-N01"], range(2023, 2025))
    assert CliRunner().invoke(cli, ["import", str(source)]).exit_code == 0

    zones = CliRunner().invoke(cli, ["export", "zones", "--province", "33"])
    assert zones.exit_code == 0, zones.output
    table = list(csv.reader(io.StringIO(zones.stdout_bytes.decode("utf-8-sig"), newline="")))
    assert zones.stdout_bytes.startswith(b"\xef\xbb\xbf") and len(table) == 2
    assert table[0][:2] == ["园区代码", "园区名称"] and table[1][:2] == ["DEMO-33-N01", "示例高新区-浙江01"]

    target = tmp_path / "观测值.xlsx"
    written = CliRunner().invoke(cli, ["export", "observations", "-o", str(target), "--year-from", "2024",
                                       "--lang", "en"])
    assert written.exit_code == 0, written.output
    assert "wrote 2 observations" in written.stderr
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("observations").to_python()
    assert rows[0][:6] == ["zone_code", "indicator_code", "indicator_name", "unit", "year", "value"]
    assert [r[:2] + r[4:6] for r in rows[1:]] == [["DEMO-33-N01", "hte_count", 2024, 124],
                                                  ["DEMO-33-N01", "rd_intensity", 2024, 6]]
    wide = CliRunner().invoke(cli, ["export", "observations", "--wide", "--zone", "DEMO-33-N01", "-f", "csv"])
    assert wide.stdout_bytes.decode("utf-8-sig").splitlines()[0] == "园区代码,年份,rd_intensity,hte_count"
