"""The README tells a portal developer what they need and nothing twice."""

from __future__ import annotations

import re
from pathlib import Path

from app.config import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    return README.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def test_the_configuration_table_is_one_table_of_real_settings() -> None:
    lines = _section("Configuration").splitlines()
    rows = [n for n, line in enumerate(lines) if line.startswith("| `")]
    assert rows == list(range(rows[0], rows[-1] + 1)), "a blank line splits the configuration table"
    documented = {re.match(r"\| `([A-Z_]+)`", lines[n]).group(1) for n in rows}  # type: ignore[union-attr]
    settings = {f"ZONESCORE_{name.upper()}" for name in Settings.model_fields}
    tests_only = {"ZONESCORE_TEST_DATABASE_URL", "ZONESCORE_REQUIRE_BROWSER", "ZONESCORE_CHROMIUM",
                  "ZONESCORE_REQUIRE_NODE", "ZONESCORE_TEST_REDIS_URL", "ZONESCORE_REQUIRE_REDIS",
                  "PROMETHEUS_MULTIPROC_DIR"}
    assert documented - tests_only <= settings


def test_each_operation_is_listed_once() -> None:
    table = [line for line in _section("API (under `/api/v1`)").splitlines() if line.startswith("| `")]
    operations = [op for line in table for op in re.findall(r"`((?:GET|POST|PATCH|DELETE) /[^`? ]*)", line)]
    assert len(operations) == len(set(operations)), sorted(o for o in operations if operations.count(o) > 1)
    assert "GET /coverage" in operations


def test_port_duration_and_fonts_are_told() -> None:
    assert "make run PORT=" in README and "--port $(PORT)" in (ROOT / "Makefile").read_text()
    tests = _section("Tests")
    assert "minutes" in tests and "pytest -q -x tests/" in tests
    assert "fonts-wqy-microhei" in _section("Portal pages (`/ui`)")
