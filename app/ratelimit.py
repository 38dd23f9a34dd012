"""An in-process token bucket per client (API key or, for anonymous reads, client address).

In-process on purpose: it needs no shared store and costs a dict lookup. With several server
processes each enforces its own budget, so the effective limit is the setting times the workers.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# Buckets that have refilled completely carry no information; past this many, they are dropped.
_PRUNE_ABOVE = 10_000


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """``per_minute`` requests per client, refilled continuously; bursts up to ``per_minute``."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        # Sync routes run in a thread pool, so two requests of one key may hit the bucket at once.
        self._lock = threading.Lock()

    def hit(self, client: str, per_minute: int) -> float | None:
        """Take one token for ``client``; return None when allowed, else the seconds until one is free."""
        if per_minute <= 0:
            return None  # 0 turns the limit off
        rate = per_minute / 60.0
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                if len(self._buckets) > _PRUNE_ABOVE:
                    self._prune(now, rate, per_minute)
                bucket = self._buckets[client] = _Bucket(float(per_minute), now)
            bucket.tokens = min(float(per_minute), bucket.tokens + (now - bucket.stamp) * rate)
            bucket.stamp = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            return (1.0 - bucket.tokens) / rate

    def _prune(self, now: float, rate: float, capacity: int) -> None:
        full = [k for k, b in self._buckets.items() if b.tokens + (now - b.stamp) * rate >= capacity]
        for key in full:
            del self._buckets[key]


def retry_after_header(seconds: float) -> str:
    """Whole seconds, rounded up, never 0 (a client told 0 would retry at once and fail again)."""
    return str(max(1, math.ceil(seconds)))
