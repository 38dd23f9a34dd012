"""``python -m benchmarks.serve PORT WORKERS`` — serve the benchmark app exactly as ``zonescore serve`` does.

``app.server.serve`` (what ``zonescore serve`` runs) is called unchanged, with the process's settings
(``ZONESCORE_*``): the same uvicorn options, header deadline, keep-alive, connection bound, the app's own
JSON access log on stdout and its log level. Only the import string of the app it hands to uvicorn is
swapped for :func:`benchmarks.bench_app.create_bench_app` (the real app plus ``GET /bench/bare``), so
with several workers every worker process serves the bare route too.
"""

from __future__ import annotations

import sys
from typing import Any

import uvicorn

from app import server
from app.config import get_settings

SHIPPED_APP = "app.main:create_app"
BENCH_APP = "benchmarks.bench_app:create_bench_app"


def main(port: int, workers: int) -> None:
    real_run = uvicorn.run

    def run(app: Any, **kwargs: Any) -> None:
        # Fails loudly if `zonescore serve` ever serves something else: then this launcher is stale.
        assert app == SHIPPED_APP, f"zonescore serve now serves {app!r}; update benchmarks/serve.py"
        real_run(BENCH_APP, **kwargs)

    uvicorn.run = run  # type: ignore[assignment]
    server.serve(get_settings(), host="127.0.0.1", port=port, workers=workers)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
