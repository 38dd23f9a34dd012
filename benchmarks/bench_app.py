"""The benchmark's app factory: the real ``app.main.create_app`` plus one bare route.

``GET /bench/bare`` returns the bytes of the file named by ``ZONESCORE_BENCH_BARE_FILE`` (read
once, at the first request) as ``application/json``, with no database access and no validation — the floor
against which the read benchmark compares the rankings endpoint. It goes through the same
middleware as every other route. Serve with
``uvicorn benchmarks.bench_app:create_bench_app --factory``.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from app.main import create_app


def create_bench_app() -> FastAPI:
    app = create_app()
    source = os.environ.get("ZONESCORE_BENCH_BARE_FILE")
    cache: list[bytes] = []

    async def bare(_request: Request) -> Response:
        if not cache:  # read once, on the first request (the benchmark writes the file after start-up)
            cache.append(Path(source).read_bytes() if source and Path(source).exists() else b"{}")
        return Response(cache[0], media_type="application/json")

    app.add_route("/bench/bare", bare, methods=["GET"], include_in_schema=False)
    return app
