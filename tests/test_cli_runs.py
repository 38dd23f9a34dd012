"""`zonescore runs list|publish|withdraw` and `zonescore webhooks work --once` through typer's CliRunner."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.db import make_engine, make_session_factory
from app.orm import AuditEvent, EvaluationRun, WebhookMessage
from tests.test_webhooks import Receiver, register_in


@pytest.fixture
def demo_env(demo_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the CLI at this test's demo database; loopback receivers allowed."""
    monkeypatch.setenv("ZONESCORE_DATABASE_URL", demo_database_url)
    monkeypatch.setenv("ZONESCORE_WEBHOOK_ALLOW_PRIVATE", "true")
    get_settings.cache_clear()
    yield demo_database_url
    get_settings.cache_clear()


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _listed(*options: str) -> list[list[str]]:
    """The rows of ``runs list --lang en`` split into their columns (rich separates them by two spaces)."""
    _header, *rows = _run("runs", "list", "--lang", "en", *options).rstrip().splitlines()
    return [re.split(r"\s{2,}", row.strip()) for row in rows]


def _draft(seed: int) -> int:
    out = _run("evaluate", "-m", "innovation-peak", "-y", "2024", "-p", "33", "--runs", "0", "--seed", str(seed))
    return int(out.split(":", 1)[0].removeprefix("run "))


def test_list_publish_withdraw_and_deliver(demo_env: str) -> None:
    first, second = _draft(1), _draft(2)
    listed = _listed()
    assert [row[0] for row in listed] == [str(second), str(first)]
    assert all(row[3] == "Zhejiang" and row[6] == "Draft" for row in listed), listed
    with Receiver() as receiver:
        register_in(demo_env, receiver.url)
        assert _run("runs", "publish", str(first)).startswith(f"run {first} published")
        assert _run("runs", "publish", str(second)).startswith(f"run {second} published")
        assert "withdrawn: 口径错误" in _run("runs", "withdraw", str(second), "--reason", "口径错误")
        assert receiver.requests == [], "the outbox waits for a worker"
        assert _run("webhooks", "work", "--once").strip() == "4 delivery attempt(s)"
        assert len(receiver.requests) == 4 and all(r["valid"] for r in receiver.requests)
        assert _run("webhooks", "work", "--once").strip() == "0 delivery attempt(s)"
    states = {row[0]: row[6] for row in _listed()}
    assert states == {str(first): f"Superseded → #{second}", str(second): "Withdrawn (口径错误)"}
    assert [row[0] for row in _listed("--status", "withdrawn")] == [str(second)]
    again = CliRunner().invoke(cli, ["runs", "publish", str(second)])
    assert again.exit_code == 1 and "withdrawn" in again.stderr
    no_reason = CliRunner().invoke(cli, ["runs", "withdraw", str(first), "--reason", " "])
    assert no_reason.exit_code == 1 and "reason" in no_reason.stderr
    engine = make_engine(demo_env)
    try:
        with make_session_factory(engine)() as session:
            actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.key_name == "cli")
                                                         .order_by(AuditEvent.id))]
            assert actions[-4:] == ["evaluation.publish", "evaluation.supersede", "evaluation.publish",
                                    "evaluation.withdraw"]
            assert {m.state for m in session.scalars(select(WebhookMessage))} == {"delivered"}
            assert session.get(EvaluationRun, first) is not None
    finally:
        engine.dispose()
