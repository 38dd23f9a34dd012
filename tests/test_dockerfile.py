"""Static checks of the Dockerfile (no Docker engine runs in CI or on the build machine)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    logical = re.sub(r"\\\n", " ", text)  # join continuation lines
    result = []
    for line in logical.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def test_multi_stage_build_installs_a_wheel_into_slim_python() -> None:
    instructions = _instructions()
    stages = [rest for keyword, rest in instructions if keyword == "FROM"]
    assert len(stages) == 2
    assert all(re.fullmatch(r"python:3\.11-slim AS \w+", stage) for stage in stages), stages
    builder = stages[0].split(" AS ")[1]
    runs = [rest for keyword, rest in instructions if keyword == "RUN"]
    assert any("pip wheel" in run for run in runs)
    assert any(keyword == "COPY" and rest.startswith(f"--from={builder} ") for keyword, rest in instructions)
    assert any("pip install --no-index" in run for run in runs)
    copied = " ".join(rest for keyword, rest in instructions if keyword == "COPY")
    assert "alembic.ini" in copied and "migrations" in copied  # `zonescore migrate` needs them


def test_runs_as_a_non_root_user_with_a_healthcheck_and_migrating_entrypoint() -> None:
    instructions = _instructions()
    final_stage = instructions[max(i for i, (k, _) in enumerate(instructions) if k == "FROM"):]
    users = [rest for keyword, rest in final_stage if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    healthchecks = [rest for keyword, rest in final_stage if keyword == "HEALTHCHECK"]
    assert len(healthchecks) == 1
    check = json.loads(healthchecks[0][healthchecks[0].index("CMD") + 3:].strip())
    assert check[:2] == ["python", "-c"] and "curl" not in healthchecks[0]
    assert "/readyz" in check[2]
    compile(check[2], "healthcheck", "exec")
    entrypoint = json.loads(next(rest for keyword, rest in final_stage if keyword == "ENTRYPOINT"))
    script = entrypoint[2]
    assert entrypoint[:2] == ["/bin/sh", "-c"]
    assert script.index("zonescore migrate") < script.index("exec zonescore serve --host 0.0.0.0")
    assert subprocess.run(["sh", "-n", "-c", script], check=False).returncode == 0


def test_dockerignore_keeps_local_state_out() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {".git", ".venv", "var", "tests"} <= ignored
    needed = {"app", "scoring_models", "migrations", "alembic.ini", "pyproject.toml", "README.md"}
    assert not needed & ignored
