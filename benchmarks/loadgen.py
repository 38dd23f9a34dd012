"""Fallback load generator (when ``wrk`` is missing): asyncio + httpx, N connections, run as a subprocess.

``python -m benchmarks.loadgen URL CONNECTIONS SECONDS`` prints one JSON line: requests, rps,
p50_ms, p99_ms, errors. Every connection loops sending one request after another (closed loop, as
wrk does).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import httpx


async def main(url: str, connections: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        await client.get(url)
        stop = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                resp = await client.get(url)
                await resp.aread()
                latencies.append(time.perf_counter() - t0)
                if resp.status_code != 200:
                    errors += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - t0
    latencies.sort()
    n = len(latencies)
    return {"requests": n, "rps": n / elapsed, "p50_ms": latencies[n // 2] * 1e3,
            "p99_ms": latencies[min(n - 1, int(n * 0.99))] * 1e3, "errors": errors}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))))
