"""Real servers for the concurrency tests: ``zonescore serve`` subprocesses on loopback ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from app.db import make_engine, make_session_factory, session_scope
from app.orm import Zone
from app.services.audit import CLI_ACTOR
from app.services.keys import create_key

ROOT = Path(__file__).resolve().parent.parent
SERVER_PIDS: dict[str, int] = {}
"""The process id of each running server, by its base URL (to check that it survived a test)."""


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def live_server(database_url: str, *, env: dict[str, str] | None = None, timeout: float = 30.0) -> Iterator[str]:
    """Run the app in a uvicorn subprocess on ``database_url``; yield its base URL; stop it afterwards."""
    port = free_port()
    environment = {**os.environ, "ZONESCORE_DATABASE_URL": database_url, "ZONESCORE_LOG_LEVEL": "WARNING",
                   # this checkout's ``app``, whatever is installed in the environment
                   "PYTHONPATH": str(ROOT), **(env or {})}
    # The server's log goes to a file, not a pipe: a pipe nobody reads would block the server once full.
    with tempfile.TemporaryFile() as log:
        # Through `zonescore serve`, as deployed: its uvicorn settings (timeouts, connection bound) apply.
        process = subprocess.Popen(
            [sys.executable, "-c", "from app.cli import main; main()", "serve", "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        SERVER_PIDS[base] = process.pid
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"server exited: {log.read().decode(errors='replace')[-4000:]}")
                try:
                    if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("server did not start in time")
                time.sleep(0.1)
            yield base
        finally:
            SERVER_PIDS.pop(base, None)
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def seed_writer(database_url: str, zone_code: str) -> str:
    """A zone ``zone_code`` (province 33) and a submit+admin key named "writer" in the database; the key."""
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            session.add(Zone(code=zone_code, name_zh="测试高新区", province="33", level="national", kind="hitech",
                             pilot=False))
            _key, secret = create_key(session, CLI_ACTOR, name="writer", scopes=["submit", "admin"])
    finally:
        engine.dispose()
    return secret
