"""Memory: the server's peak RSS (VmHWM) during each 100k-row import of the ingest section.

The server's peak during a large evaluation is reported by the evaluations section (the server process
itself, on a generated database of 10,000 zones); the evaluation is no longer measured in a separate
process with the matrix built in memory.
"""

from __future__ import annotations

from benchmarks.common import report

LIMIT_KIB = 1024 * 1024


def run(quick: bool = False) -> None:
    from benchmarks import ingest

    print("\n== 6. Memory: the server's peak RSS (VmHWM) during the 100k imports, limit 1 GiB ==", flush=True)
    if not ingest.PEAK_RSS:
        ingest.run(quick=quick)
    for path, kib in ingest.PEAK_RSS.items():
        report("memory", f"server during 100k import: {path}", f"{kib / 1024:.0f} MiB", target="< 1 GiB",
               met=kib < LIMIT_KIB)
