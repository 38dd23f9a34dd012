"""compose.yaml, checked without a container engine: the services of the production topology, how they
find each other, their health checks and start order, one migration step, and the proxy's upstreams.
Where a compose implementation is installed, it must accept the file too."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
REPLICAS = ("app1", "app2")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return document


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    assert isinstance(env, dict)
    return {str(k): str(v) for k, v in env.items()}


def test_the_topology_has_its_services(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", *REPLICAS, "proxy"}
    assert services["postgres"]["image"].startswith("postgres:") and services["redis"]["image"].startswith("redis:")
    assert "pgdata" in compose["volumes"]
    assert any(v.startswith("pgdata:") for v in services["postgres"]["volumes"])


def test_replicas_share_postgres_and_redis_and_run_the_worker(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in (*REPLICAS, "migrate"):
        env = _env(services[name])
        assert re.fullmatch(r"postgresql\+psycopg://zonescore:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432/zonescore",
                            env["ZONESCORE_DATABASE_URL"]), name
    for name in REPLICAS:
        env = _env(services[name])
        assert env["ZONESCORE_REDIS_URL"] == "redis://redis:6379/0"
        assert env["ZONESCORE_SESSION_SECRET"].startswith("${ZONESCORE_SESSION_SECRET:?"), "required, never a default"
        assert env["ZONESCORE_WEBHOOK_WORKER"] == "true"
        assert env["ZONESCORE_ALLOWED_HOSTS"].startswith("${ZONESCORE_ALLOWED_HOSTS:-")
        # Trusting every forwarder is right only because no replica publishes a port: the proxy alone reaches it.
        assert env["FORWARDED_ALLOW_IPS"] == "*" and "ports" not in services[name]
    assert _env(services["postgres"])["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


def test_health_checks_and_start_order(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("postgres", "redis", *REPLICAS):
        check = services[name]["healthcheck"]
        assert check["test"][0] == "CMD" and check["interval"] and check["retries"] >= 3, name
    assert "/readyz" in " ".join(services["app1"]["healthcheck"]["test"])
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in REPLICAS:
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"},
            "postgres": {"condition": "service_healthy"}, "redis": {"condition": "service_healthy"}}
    assert services["proxy"]["depends_on"] == {name: {"condition": "service_healthy"} for name in REPLICAS}


def test_one_migration_step_and_replicas_that_only_serve(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["entrypoint"] == ["zonescore", "migrate"] and services["migrate"]["restart"] == "no"
    for name in REPLICAS:
        script = " ".join(services[name]["entrypoint"])
        assert "zonescore serve --host 0.0.0.0 --port 8000" in script and "migrate" not in script, name
        # Compose interpolates "$"; the shell must see "$PROMETHEUS_MULTIPROC_DIR", so the file writes "$$".
        assert "$$PROMETHEUS_MULTIPROC_DIR" in script and '"$$@"' in script


def test_the_proxy_spreads_requests_over_the_healthy_replicas(compose: dict[str, Any]) -> None:
    proxy = compose["services"]["proxy"]
    assert proxy["image"].startswith("caddy:") and proxy["ports"] == ["8080:80"]
    mount = next(v for v in proxy["volumes"] if v.endswith(":/etc/caddy/Caddyfile:ro"))
    caddyfile = (ROOT / mount.split(":", 1)[0]).read_text(encoding="utf-8")
    upstreams = re.search(r"reverse_proxy ([^{]+)\{", caddyfile)
    assert upstreams is not None and upstreams.group(1).split() == [f"{name}:8000" for name in REPLICAS]
    assert "health_uri /readyz" in caddyfile and "lb_policy round_robin" in caddyfile


def _compose_command() -> list[str] | None:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_a_compose_implementation_accepts_the_file() -> None:
    command = _compose_command()
    if command is None:
        pytest.skip("no docker compose / docker-compose on this machine; the checks above still ran")
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "POSTGRES_PASSWORD": "x", "ZONESCORE_SESSION_SECRET": "y" * 32}
    checked = subprocess.run([*command, "-f", str(ROOT / "compose.yaml"), "config", "--quiet"], capture_output=True,
                             text=True, env=env, cwd=ROOT)
    assert checked.returncode == 0, checked.stderr
    missing = subprocess.run([*command, "-f", str(ROOT / "compose.yaml"), "config", "--quiet"], capture_output=True,
                             text=True, env={"PATH": env["PATH"]}, cwd=ROOT)
    assert missing.returncode != 0 and "POSTGRES_PASSWORD" in missing.stderr, "secrets have no default"
