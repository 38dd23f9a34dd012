"""The portal examples work against a real server: the TypeScript client (examples/portal-ts) and the README's
Python (httpx) example. The TypeScript one needs its packages (``make portal-example`` installs them); CI sets
ZONESCORE_REQUIRE_NODE=1 so it fails instead of skipping when they are missing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.db import make_engine, make_session_factory, session_scope
from app.schemas.evaluation import EvaluationRequest
from app.services.audit import CLI_ACTOR
from app.services.evaluations import rankings, run_evaluation
from app.services.publication import Publisher, publish
from tests.live import live_server

ROOT = Path(__file__).resolve().parents[1]
PORTAL = ROOT / "examples" / "portal-ts"
OFFICIAL_PATH = "/api/v1/official/rankings"


def _run_2024(database_url: str) -> tuple[int, int]:
    """The official innovation-peak run of 2024 for Zhejiang, published in the database; its id and how many
    zones it ranks."""
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            run = run_evaluation(session, EvaluationRequest.model_validate(
                {"model": "innovation-peak", "year": 2024, "zones": {"provinces": ["33"]},
                 "options": {"uncertainty_runs": 10}}))
            publish(session, run.id, Publisher(CLI_ACTOR))
            _rows, total = rankings(session, run.id, limit=1)
            return run.id, total
    finally:
        engine.dispose()
    raise AssertionError("unreachable")


def test_the_official_ranking_is_switched_on_once_the_api_has_it() -> None:
    spec = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
    tsconfig = json.loads((PORTAL / "tsconfig.json").read_text(encoding="utf-8"))
    main = (PORTAL / "src" / "main.ts").read_text(encoding="utf-8")
    if OFFICIAL_PATH in spec["paths"]:
        assert "src/official.ts" not in tsconfig.get("exclude", []), \
            "openapi.json has the official ranking: remove src/official.ts from exclude in tsconfig.json"
        assert "officialRanking" in main, "openapi.json has the official ranking: use officialRanking in main.ts"
    else:
        # typed against a path the document lacks, the file would not compile
        assert "src/official.ts" in tsconfig["exclude"]


def test_the_typescript_example_prints_the_ranking_of_a_live_server(demo_database_url: str) -> None:
    tsc = PORTAL / "node_modules" / ".bin" / "tsc"
    if not tsc.exists():
        if os.environ.get("ZONESCORE_REQUIRE_NODE") == "1":
            pytest.fail("examples/portal-ts has no node_modules: run 'make portal-example'")
        pytest.skip("examples/portal-ts has no node_modules (make portal-example installs them)")
    if not demo_database_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the client")
    _run_id, zhejiang = _run_2024(demo_database_url)
    subprocess.run([str(tsc), "--outDir", "dist"], cwd=PORTAL, check=True, timeout=300)
    with live_server(demo_database_url) as base:
        out = subprocess.run(["node", "dist/main.js"], cwd=PORTAL, env={**os.environ, "ZONESCORE_URL": base},
                             capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[-1] == f"{zhejiang} zones" and len(lines) == zhejiang + 1
    rank, name, tier, _composite = lines[0].split("\t")[:4]
    assert int(rank) >= 1 and "Zhejiang" in name
    assert tier in {"Innovation peak", "Strong innovator", "Moderate innovator", "Emerging innovator"}


def _readme_python_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Python (httpx)", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found is not None, "the README's Python client example is missing"
    return found.group(1)


def test_the_readme_python_example_runs_against_a_live_server(demo_database_url: str, tmp_path: Path) -> None:
    if not demo_database_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the client")
    _run_id, zhejiang = _run_2024(demo_database_url)
    script = tmp_path / "portal.py"
    script.write_text(_readme_python_example(), encoding="utf-8")
    with live_server(demo_database_url) as base:
        out = subprocess.run([sys.executable, str(script)], env={**os.environ, "ZONESCORE_URL": base},
                             capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == zhejiang + 1 and lines[-1] == f"{zhejiang} zones"
