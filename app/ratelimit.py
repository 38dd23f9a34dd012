"""Request budgets per client (an API key, or the client address when no valid key was sent).

The budget is a fixed window per client: a client's first request opens a window of 60 seconds in
which at most ``per_minute`` requests are let through; the first request after it ends opens the next.
A window counts exactly, so "60 per minute" lets exactly 60 through however the requests are spread
over processes; the price is that a client may spend two budgets close together around a window's end.

Two stores with that one algorithm:

* :class:`LocalRateLimiter` keeps the counters in the process. With several server processes (workers
  or replicas) each counts for itself, so the effective limit is the setting times the processes.
* :class:`RedisRateLimiter` keeps them in Redis (``ZONESCORE_REDIS_URL``), shared by every process: one
  Lua script increments the counter, starts its expiry and reads the time left in a single atomic
  step, so two processes can never both read "59" and both let a request through. Should Redis be
  unreachable, the process falls back to its own counters (and logs it) rather than refusing everyone.

Every response carries the budget in the IETF fields of draft-ietf-httpapi-ratelimit-headers-10 (the
structured-field form used since draft -08)::

    RateLimit-Policy: "default";q=600;w=60
    RateLimit: "default";r=599;t=60
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger(__name__)

WINDOW_SECONDS = 60
POLICY_NAME = "default"
# Windows that have ended carry no information; past this many clients, they are dropped.
_PRUNE_ABOVE = 10_000
# A rate-limit check must never make a request wait long: Redis answers in well under a millisecond.
_REDIS_TIMEOUT_SECONDS = 0.5
_WARN_EVERY_SECONDS = 60.0

# KEYS[1]: the client's counter; ARGV[1]: the window in milliseconds. Returns {count, milliseconds left}.
_WINDOW_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {count, left}
"""


@dataclass(frozen=True)
class Decision:
    """The outcome of one request against its client's budget."""

    allowed: bool
    quota: int
    remaining: int
    reset_seconds: float

    def headers(self) -> dict[str, str]:
        """``RateLimit-Policy`` and ``RateLimit`` (and ``Retry-After`` when refused)."""
        reset = retry_after_header(self.reset_seconds)
        headers = {
            "RateLimit-Policy": f'"{POLICY_NAME}";q={self.quota};w={WINDOW_SECONDS}',
            "RateLimit": f'"{POLICY_NAME}";r={self.remaining};t={reset}',
        }
        if not self.allowed:
            headers["Retry-After"] = reset
        return headers


def _decide(count: int, per_minute: int, reset_seconds: float) -> Decision:
    return Decision(allowed=count <= per_minute, quota=per_minute, remaining=max(0, per_minute - count),
                    reset_seconds=max(0.0, reset_seconds))


class RateLimiter(Protocol):
    """Counts a client's requests; ``hit`` returns None when the limit is off (``per_minute`` 0)."""

    async def hit(self, client: str, per_minute: int) -> Decision | None:
        """Count one request of ``client`` and say whether it may go through."""

    async def aclose(self) -> None:
        """Release connections (called when the application stops)."""


@dataclass
class _Window:
    count: int
    ends: float


class LocalRateLimiter:
    """Fixed windows kept in this process's memory."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._windows: dict[str, _Window] = {}
        # Also used from threads (sync code paths), so a window is never counted by two at once.
        self._lock = threading.Lock()

    def take(self, client: str, per_minute: int) -> Decision | None:
        """Count one request of ``client``; None when the limit is off."""
        if per_minute <= 0:
            return None
        now = self._clock()
        with self._lock:
            window = self._windows.get(client)
            if window is None or window.ends <= now:
                if len(self._windows) > _PRUNE_ABOVE:
                    self._windows = {k: w for k, w in self._windows.items() if w.ends > now}
                window = self._windows[client] = _Window(0, now + WINDOW_SECONDS)
            window.count += 1
            return _decide(window.count, per_minute, window.ends - now)

    async def hit(self, client: str, per_minute: int) -> Decision | None:
        """:meth:`take`, for the async middleware."""
        return self.take(client, per_minute)

    async def aclose(self) -> None:
        """Nothing to release."""


class RedisRateLimiter:
    """Fixed windows kept in Redis and shared by every process that uses the same URL and prefix."""

    def __init__(self, url: str, prefix: str, *, fallback: LocalRateLimiter | None = None) -> None:
        self._url = url
        self._prefix = prefix
        self._fallback = fallback or LocalRateLimiter()
        # An asyncio Redis connection belongs to the event loop that opened it; uvicorn has one loop per
        # process, test clients start one each. One client (and script) per loop keeps them apart.
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[Any, Any]] = (
            weakref.WeakKeyDictionary())
        self._warned_at = -math.inf

    def _script(self) -> Any:
        loop = asyncio.get_running_loop()
        entry = self._clients.get(loop)
        if entry is None:
            from redis.asyncio import Redis

            client = Redis.from_url(self._url, socket_timeout=_REDIS_TIMEOUT_SECONDS,
                                    socket_connect_timeout=_REDIS_TIMEOUT_SECONDS)
            entry = self._clients[loop] = (client, client.register_script(_WINDOW_SCRIPT))
        return entry[1]

    async def hit(self, client: str, per_minute: int) -> Decision | None:
        """Count one request of ``client`` in Redis; on a Redis failure, in this process instead."""
        if per_minute <= 0:
            return None
        from redis.exceptions import RedisError

        try:
            count, left_ms = await self._script()(keys=[f"{self._prefix}ratelimit:{client}"],
                                                  args=[WINDOW_SECONDS * 1000])
        except (RedisError, OSError) as exc:
            self._warn(exc)
            return self._fallback.take(client, per_minute)
        return _decide(int(count), per_minute, int(left_ms) / 1000.0)

    def _warn(self, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._warned_at >= _WARN_EVERY_SECONDS:
            self._warned_at = now
            log.warning("Redis is unreachable (%s); rate limits are counted per process until it is back",
                        type(exc).__name__)

    async def aclose(self) -> None:
        """Close this loop's connection pool."""
        entry = self._clients.pop(asyncio.get_running_loop(), None)
        if entry is not None:
            await entry[0].aclose()


def make_rate_limiter(redis_url: str | None, prefix: str) -> RateLimiter:
    """The shared limiter when a Redis URL is configured, else the per-process one."""
    return RedisRateLimiter(redis_url, prefix) if redis_url else LocalRateLimiter()


def retry_after_header(seconds: float) -> str:
    """Whole seconds, rounded up, never 0 (a client told 0 would retry at once and fail again)."""
    return str(max(1, math.ceil(seconds)))
