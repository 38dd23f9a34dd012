"""Shared helpers: timing, machine description, results, auth headers, servers and databases."""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_ADMIN_URL = os.environ.get("ZONESCORE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@dataclass
class Figure:
    section: str
    name: str
    value: str
    target: str = ""
    met: bool | None = None
    note: str = ""


RESULTS: list[Figure] = []


def report(section: str, name: str, value: str, *, target: str = "", met: bool | None = None, note: str = "") -> None:
    """Record and print one figure."""
    fig = Figure(section, name, value, target, met, note)
    RESULTS.append(fig)
    flag = "" if met is None else ("  [target met]" if met else "  [TARGET MISSED]")
    tgt = f"  (target: {target})" if target else ""
    extra = f"  — {note}" if note else ""
    print(f"  {name}: {value}{tgt}{flag}{extra}", flush=True)


def median_time(fn: Callable[[], Any], *, repeat: int = 15, min_time: float = 0.2, warmup: int = 3) -> float:
    """Median seconds per call, timeit-style: warm up, pick a loop count filling ``min_time``, repeat."""
    return median_times({"fn": fn}, repeat=repeat, min_time=min_time, warmup=warmup)["fn"]


def median_times(fns: dict[str, Callable[[], Any]], *, repeat: int = 15, min_time: float = 0.2,
                 warmup: int = 3) -> dict[str, float]:
    """Median seconds per call of each function, timed interleaved (round-robin) so drift hits all alike."""
    numbers: dict[str, int] = {}
    for name, fn in fns.items():
        for _ in range(warmup):
            fn()
        number = 1
        while True:
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            if time.perf_counter() - t0 >= min_time / 5 or number >= 1 << 20:
                break
            number *= 2
        numbers[name] = number
    samples: dict[str, list[float]] = {name: [] for name in fns}
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            for name, fn in fns.items():
                number = numbers[name]
                t0 = time.perf_counter()
                for _ in range(number):
                    fn()
                samples[name].append((time.perf_counter() - t0) / number)
    finally:
        if gc_was:
            gc.enable()
    return {name: sorted(s)[len(s) // 2] for name, s in samples.items()}


def fmt_s(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def machine() -> dict[str, str]:
    """nproc, CPU model, memory, Python and numpy versions, date, load average (1 / 5 / 15 min)."""
    import numpy as np

    cpu = "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "unknown"
    with contextlib.suppress(OSError), open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": mem,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "os": platform.platform(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": " / ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def auth_headers(database_url: str) -> dict[str, str]:
    """An admin key for writes, stored as ``zonescore keys create --scope admin --name bench`` stores one.

    The CLI command's service call (``app.services.keys.create_key`` with the CLI actor), made in this
    process: a ``zonescore`` subprocess would only add ~3 s of interpreter and import time per database.
    """
    from app.db import make_engine, make_session_factory, session_scope
    from app.services.audit import CLI_ACTOR
    from app.services.keys import create_key

    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            _key, secret = create_key(session, CLI_ACTOR, name="bench", scopes=("admin",))
    finally:
        engine.dispose()
    return {"Authorization": f"Bearer {secret}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A uvicorn server subprocess on 127.0.0.1 (with one worker, ``proc`` is the serving process)."""

    proc: subprocess.Popen[bytes]
    port: int
    log: Path
    base: str = field(init=False)

    def __post_init__(self) -> None:
        self.base = f"http://127.0.0.1:{self.port}"

    def vm_hwm_kib(self) -> int:
        """Peak resident set size (VmHWM) of the server process so far, in KiB."""
        with open(f"/proc/{self.proc.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM"):
                    return int(line.split()[1])
        raise RuntimeError("no VmHWM")

    def vm_rss_kib(self) -> int:
        with open(f"/proc/{self.proc.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")


@contextlib.contextmanager
def server(database_url: str, *, workers: int = 1, env: dict[str, str] | None = None) -> Iterator[Server]:
    """Serve the benchmark app as ``zonescore serve`` does (:mod:`benchmarks.serve`), wait for /healthz.

    Settings are the shipped defaults — access log on (INFO, JSON lines to the log file), rate limit
    on (600 per minute per client, counted in the process) — unless ``env`` overrides them; every
    override is stated next to the figure it affects.
    """
    import httpx

    port = free_port()
    log = Path(f"/tmp/zonescore-bench-server-{port}.log")
    full_env = {**os.environ, "ZONESCORE_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT), **(env or {})}
    with open(log, "wb") as fh:
        proc = subprocess.Popen([PYTHON, "-m", "benchmarks.serve", str(port), str(workers)],
                                env=full_env, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT)
    srv = Server(proc, port, log)
    try:
        deadline = time.time() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{srv.base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.2)
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _pg_admin() -> Any:
    from sqlalchemy import create_engine

    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def postgres_available() -> bool:
    try:
        eng = _pg_admin()
        with eng.connect():
            pass
        eng.dispose()
        return True
    except Exception:
        return False


def backends() -> list[str]:
    """SQLite, and PostgreSQL when reachable (else a printed note)."""
    if postgres_available():
        return ["sqlite", "postgresql"]
    print("  (PostgreSQL not reachable: skipped)")
    return ["sqlite"]


@contextlib.contextmanager
def fresh_database(backend: str, workdir: Path, *, migrate: bool = True) -> Iterator[str]:
    """A fresh, migrated database: an SQLite file in ``workdir`` or a new PostgreSQL database, dropped after."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from app.db import make_engine
    from app.migrate import upgrade

    if backend == "sqlite":
        url = f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.db'}"
    else:
        name = f"zs_bench_{uuid.uuid4().hex[:10]}"
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        if migrate:
            eng = make_engine(url)
            upgrade(eng)
            eng.dispose()
        yield url
    finally:
        if backend != "sqlite":
            admin = _pg_admin()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


@functools.cache
def _demo_template() -> Path:
    """The demo data set migrated and loaded into an SQLite file, once per process (removed at exit)."""
    folder = Path(tempfile.mkdtemp(prefix="zonescore-bench-demo-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "demo.db"
    _load_demo(f"sqlite:///{path}", migrate=True)
    return path


def _load_demo(url: str, *, migrate: bool) -> None:
    from app.db import make_engine, make_session_factory, session_scope
    from app.migrate import upgrade
    from app.services.demo_loader import load_demo

    engine = make_engine(url)
    try:
        if migrate:
            upgrade(engine)
        with session_scope(make_session_factory(engine)) as session:
            load_demo(session)
    finally:
        engine.dispose()


@contextlib.contextmanager
def demo_database(backend: str, workdir: Path) -> Iterator[str]:
    """A fresh database holding the demo data set (what ``zonescore seed-demo`` loads), dropped after.

    SQLite: a copy (the sqlite3 backup API) of one file migrated and loaded once per process — loading
    the demo data takes 7–12 s and four sections need it; PostgreSQL: a fresh database loaded here.
    """
    if backend != "sqlite":
        with fresh_database(backend, workdir) as url:
            _load_demo(url, migrate=False)
            yield url
        return
    path = workdir / f"bench-demo-{uuid.uuid4().hex[:8]}.db"
    source, target = sqlite3.connect(_demo_template()), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    try:
        yield f"sqlite:///{path}"
    finally:
        path.unlink(missing_ok=True)
