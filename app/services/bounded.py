"""Run a function in a child process with hard bounds on its memory, CPU time and wall-clock time.

What a spreadsheet library allocates or how long it runs is decided by the file it reads. A file that
fools every check made beforehand must still cost bounded memory and time, and must never take a
server worker down with it (a failed allocation inside native code aborts the whole process). So the
work runs in a fresh Python process (``python -m app.services.bounded <module>``, started ahead
and waiting for its job) that sets ``RLIMIT_AS`` (address space) and ``RLIMIT_CPU`` on itself before
it runs the job; the parent waits at most ``timeout_seconds`` and then kills it. At most ``parallel``
children run at once per server process; a request that finds every slot taken for
``timeout_seconds`` is told to retry.

The function runs on trusted input (the arguments come from this process) but on a hostile file, so
its answer comes back as bytes the caller decodes itself (JSON, not pickle: a child subverted by its
input must not be able to run code in the server). A fresh interpreter rather than a fork: the server
process is multi-threaded, and its address space (which ``RLIMIT_AS`` would count) is large.

Linux only (the bounds are POSIX resource limits; the service's image is Linux).
"""

from __future__ import annotations

import atexit
import importlib
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

__all__ = ["BoundExceeded", "ParserBounds", "ParserBusy", "run_bounded"]

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the directory holding the ``app`` package
_MEMORY_EXIT = 3  # the child's exit status after a MemoryError


@dataclass(frozen=True)
class ParserBounds:
    """Bounds on one parse; each field is the setting ``ZONESCORE_IMPORT_PARSER_<FIELD>``."""

    memory_bytes: int = 1 << 30
    """address space of the child process (RLIMIT_AS), its interpreter included"""
    cpu_seconds: int = 60
    """CPU time of the child (RLIMIT_CPU)"""
    timeout_seconds: float = 90.0
    """wall-clock time the parent waits for the result (and for a free slot)"""
    parallel: int = 2
    """children running at once in one server process"""


class BoundExceeded(Exception):
    """The child ran out of memory or time, or died (``kind``: ``memory``, ``time`` or ``crash``)."""

    def __init__(self, kind: Literal["memory", "time", "crash"], detail: str) -> None:
        super().__init__(detail)
        self.kind = kind


class ParserBusy(Exception):
    """Every parser slot stayed taken for the whole timeout."""


_gates: dict[int, threading.BoundedSemaphore] = {}
_gates_lock = threading.Lock()


def _gate(parallel: int) -> threading.BoundedSemaphore:
    with _gates_lock:
        if parallel not in _gates:
            _gates[parallel] = threading.BoundedSemaphore(parallel)
        return _gates[parallel]


def run_bounded(function: Callable[..., bytes], args: tuple[Any, ...], bounds: ParserBounds) -> bytes:
    """``function(*args)`` computed in a bounded child process; ``function`` must be a module-level
    function returning bytes, its arguments picklable. Raises :class:`BoundExceeded` when the child runs
    out of memory or time or dies, and :class:`ParserBusy` when no slot frees up in time."""
    gate = _gate(bounds.parallel)
    if not gate.acquire(timeout=bounds.timeout_seconds):
        raise ParserBusy("every parser is busy")
    try:
        return _run(function, args, bounds)
    finally:
        gate.release()


def _run(function: Callable[..., bytes], args: tuple[Any, ...], bounds: ParserBounds) -> bytes:
    job = pickle.dumps((bounds, function.__qualname__, args), protocol=pickle.HIGHEST_PROTOCOL)
    child = _spares.take(function.__module__)
    try:
        stdout, stderr = child.communicate(input=job, timeout=bounds.timeout_seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise _time_bound(bounds) from None
    if child.returncode == 0:
        return stdout
    if child.returncode == _MEMORY_EXIT or child.returncode in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS):
        # MemoryError in Python, or a native library aborting when an allocation fails under RLIMIT_AS
        raise BoundExceeded("memory", f"the parser needed more than {bounds.memory_bytes:,} bytes of memory")
    if child.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise _time_bound(bounds)
    detail = stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
    raise BoundExceeded("crash", f"the parser stopped with exit status {child.returncode} {detail[0][:300]}")


class _Spares:
    """One child per module started ahead and waiting for its job, so that a parse does not wait for a
    Python start-up (about 0.1–0.2 s, more on a busy machine); taking it starts the next one. An idle
    spare holds its interpreter and the module's imports (about 20 MB) and exits when this process does."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[str, subprocess.Popen[bytes]] = {}
        atexit.register(self.stop)

    def take(self, module: str) -> subprocess.Popen[bytes]:
        with self._lock:
            spare = self._waiting.pop(module, None)
            self._waiting[module] = self._start(module)
        if spare is None or spare.poll() is not None:
            return self._start(module)
        return spare

    @staticmethod
    def _start(module: str) -> subprocess.Popen[bytes]:
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_PACKAGE_ROOT,
                                                                                os.environ.get("PYTHONPATH")]))}
        return subprocess.Popen([sys.executable, "-m", __name__, module], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)

    def stop(self) -> None:
        """End the waiting children (at exit; each would also end on its own when its input closes)."""
        with self._lock:
            waiting, self._waiting = list(self._waiting.values()), {}
        for child in waiting:
            child.kill()
            child.wait()


_spares = _Spares()


def _time_bound(bounds: ParserBounds) -> BoundExceeded:
    return BoundExceeded("time", f"the parser took longer than its bound ({bounds.cpu_seconds} s of CPU, "
                         f"{bounds.timeout_seconds:g} s in all)")


def _child(module: str) -> None:
    """The child's side: import ``module`` (ahead of the job), read the job from stdin, bound itself, write
    the function's bytes to stdout."""
    target: Any = importlib.import_module(module)
    job = sys.stdin.buffer.read()
    if not job:
        return  # a spare whose server went away
    bounds, qualname, args = pickle.loads(job)
    del job
    resource.setrlimit(resource.RLIMIT_AS, (bounds.memory_bytes, bounds.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (bounds.cpu_seconds, bounds.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a parser killed by its bounds leaves no core file
    try:
        for name in qualname.split("."):
            target = getattr(target, name)
        result = target(*args)
    except MemoryError:
        os._exit(_MEMORY_EXIT)
    sys.stdout.buffer.write(result)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _child(sys.argv[1])
