"""Functions the bounded-child tests run in a child process (importable by name, as run_bounded needs)."""

from __future__ import annotations

import os
import time


def echo(data: bytes) -> bytes:
    """Its argument, unchanged."""
    return data


def allocate(size: int) -> bytes:
    """Hold ``size`` bytes (a MemoryError under a smaller RLIMIT_AS)."""
    block = bytearray(size)
    return bytes(block[:1])


def spin() -> bytes:
    """Burn CPU until killed."""
    while True:
        pass


def sleep(seconds: float) -> bytes:
    """Wait without using CPU."""
    time.sleep(seconds)
    return b"slept"


def abort() -> bytes:
    """Die as native code does when an allocation fails (SIGABRT)."""
    os.abort()


def fail() -> bytes:
    """A bug: an exception that is not about resources."""
    raise RuntimeError("a bug in the parser")
