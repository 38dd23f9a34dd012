"""`zonescore evaluate` and `zonescore export rankings` through typer's CliRunner, on the demo data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.db import make_engine, make_session_factory
from app.orm import EvaluationRun
from app.schemas.evaluation import EvaluationRequest
from app.services import evaluations as service


@pytest.fixture
def demo_env(demo_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the CLI at this test's demo database."""
    monkeypatch.setenv("ZONESCORE_DATABASE_URL", demo_database_url)
    get_settings.cache_clear()
    yield demo_database_url
    get_settings.cache_clear()


def _runs(url: str) -> list[EvaluationRun]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return list(session.scalars(select(EvaluationRun).order_by(EvaluationRun.id)))
    finally:
        engine.dispose()


def test_evaluate_prints_run_tiers_and_top_ten(demo_env: str) -> None:
    result = CliRunner().invoke(cli, ["evaluate", "--model", "innovation-peak", "--year", "2024", "--province", "33",
                                      "--seed", "4", "--runs", "50"])
    assert result.exit_code == 0, result.output
    runs = _runs(demo_env)
    assert len(runs) == 1 and runs[0].created_by == "cli" and runs[0].zone_filter["provinces"] == ["33"]
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith(f"run {runs[0].id}: innovation-peak 1.1.0, year 2024, {runs[0].zones_ranked} zones")
    assert lines[1].startswith("梯队: ") and "创新" in lines[1]
    top = lines[2:]
    assert len(top) == min(10, runs[0].zones_ranked)
    assert top[0].split()[0] == "1" and "DEMO-33-" in top[0] and "示例高新区-浙江" in top[0]
    # Same request through the service: the same input hash (the CLI runs exactly what the API runs).
    engine = make_engine(demo_env)
    try:
        with make_session_factory(engine)() as session:
            again = service.run_evaluation(session, EvaluationRequest.model_validate({
                "model": "innovation-peak", "year": 2024, "zones": {"provinces": ["33"]},
                "options": {"seed": 4, "uncertainty_runs": 50}}))
            assert again.input_hash == runs[0].input_hash and again.result_hash == runs[0].result_hash
            session.rollback()
    finally:
        engine.dispose()


def test_evaluate_json_output(demo_env: str) -> None:
    result = CliRunner().invoke(cli, ["evaluate", "-m", "comprehensive", "-y", "2023", "--runs", "0",
                                      "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["run"]["model_key"] == "comprehensive" and document["run"]["year"] == 2023
    assert [r["rank"] for r in document["top"]] == sorted(r["rank"] for r in document["top"])
    assert len(document["top"]) == 10
    assert sum(document["run"]["tier_counts"].values()) == document["run"]["zones_ranked"]


def test_evaluate_errors_exit_1_with_a_reason(demo_env: str) -> None:
    unknown = CliRunner().invoke(cli, ["evaluate", "--model", "nope", "--year", "2024"])
    assert unknown.exit_code == 1 and "no model 'nope'" in unknown.stderr
    no_data = CliRunner().invoke(cli, ["evaluate", "--model", "innovation-peak", "--year", "2010"])
    assert no_data.exit_code == 1 and "no observation for 2010" in no_data.stderr
    assert "year: no data for this year" in no_data.stderr
    bad_year = CliRunner().invoke(cli, ["evaluate", "--model", "innovation-peak", "--year", "1900"])
    assert bad_year.exit_code == 1 and "error: year:" in bad_year.stderr
    assert CliRunner().invoke(cli, ["evaluate", "--year", "2024"]).exit_code == 2, "--model is required"
    assert _runs(demo_env) == []


def test_export_rankings_csv_and_xlsx(demo_env: str, tmp_path: Path) -> None:
    made = CliRunner().invoke(cli, ["evaluate", "-m", "innovation-peak", "-y", "2024", "--runs", "20",
                                    "--format", "json"])
    assert made.exit_code == 0, made.output
    run = json.loads(made.stdout)["run"]
    target = tmp_path / "排名.xlsx"
    written = CliRunner().invoke(cli, ["export", "rankings", "--run", str(run["id"]), "--format", "xlsx",
                                       "--output", str(target)])
    assert written.exit_code == 0, written.output
    book = CalamineWorkbook.from_path(str(target))
    assert book.sheet_names == ["排名", "方法说明"]
    rows = book.get_sheet_by_name("排名").to_python()
    assert len(rows) - 1 == run["zones_ranked"] and rows[1][0] == 1
    csv_out = CliRunner().invoke(cli, ["export", "rankings", "--run", str(run["id"]), "--format", "csv",
                                       "--province", "33", "--lang", "en"])
    assert csv_out.exit_code == 0, csv_out.output
    lines = csv_out.stdout_bytes.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Rank,Zone code,Zone,Province") and all(",Zhejiang," in line for line in lines[1:])
    missing = CliRunner().invoke(cli, ["export", "rankings", "--run", "999999", "-o", str(tmp_path / "x.csv")])
    assert missing.exit_code == 1 and "no evaluation run 999999" in missing.stderr
    no_run = CliRunner().invoke(cli, ["export", "rankings"])
    assert no_run.exit_code == 1 and "--run" in no_run.stderr


def test_evaluate_notifies_webhooks_before_exiting(demo_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.db import session_scope
    from app.schemas.webhook import WebhookCreate
    from app.services import webhooks
    from tests.test_webhooks import SECRET, Receiver

    monkeypatch.setenv("ZONESCORE_WEBHOOK_ALLOW_PRIVATE", "true")
    get_settings.cache_clear()
    with Receiver() as receiver:
        engine = make_engine(demo_env)
        try:
            with session_scope(make_session_factory(engine)) as session:
                webhooks.create_webhook(session, WebhookCreate.model_validate({"url": receiver.url, "secret": SECRET}),
                                        allow_private=True)
        finally:
            engine.dispose()
        quiet = CliRunner().invoke(cli, ["evaluate", "-m", "innovation-peak", "-y", "2024", "--runs", "0",
                                         "--no-notify"])
        assert quiet.exit_code == 0 and receiver.requests == []
        result = CliRunner().invoke(cli, ["evaluate", "-m", "innovation-peak", "-y", "2024", "--runs", "0"])
        assert result.exit_code == 0, result.output
        # The command returns only after the delivery, so the receiver already has it.
        assert len(receiver.requests) == 1 and receiver.requests[0]["valid"]
    run_id = int(result.stdout.split(":", 1)[0].removeprefix("run "))
    assert json.loads(receiver.requests[0]["body"])["run"]["id"] == run_id
