"""Real servers for the concurrency tests: ``uvicorn`` subprocesses on loopback ports."""

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
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"],
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
