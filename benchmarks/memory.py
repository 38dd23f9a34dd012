"""Memory: peak RSS (VmHWM) of the 10,000-zone evaluation and of the server during the 100k import.

The evaluation runs in a fresh subprocess (``python -m benchmarks.memory 10000``) that builds the
10,000-zone matrix in memory (:mod:`benchmarks.synth`) and evaluates ``innovation-peak`` with
1,000 Monte Carlo runs, then reads its own ``/proc/self/status`` VmHWM — it is NOT the server
process (no 10,000-zone database is built). The import figure is the uvicorn server's VmHWM right
after each 100k-row import of the ingest section (run ``ingest`` first, or this runs it).
"""

from __future__ import annotations

import json
import subprocess
import sys

from benchmarks.common import PYTHON, ROOT, report

LIMIT_KIB = 1024 * 1024


def _hwm() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def child(n_zones: int) -> None:
    from benchmarks.synth import synthetic
    from scoring_models import EvaluationOptions, registry

    matrix = synthetic(n_zones)
    before = _hwm()
    result = registry.get("innovation-peak").evaluate(matrix, options=EvaluationOptions(seed=1, uncertainty_runs=1000))
    payload = result.model_dump(mode="json")  # what the service stores
    assert len(payload["zones"]) + len(payload["excluded"]) == n_zones
    print(json.dumps({"before_kib": before, "peak_kib": _hwm()}))


def run(quick: bool = False) -> None:
    from benchmarks import ingest

    n = 3000 if quick else 10_000
    print("\n== 5. Memory: peak RSS (VmHWM), limit 1 GiB ==", flush=True)
    out = subprocess.run([PYTHON, "-m", "benchmarks.memory", str(n)], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout
    data = json.loads(out.strip().splitlines()[-1])
    peak = data["peak_kib"]
    report("memory", f"{n}-zone innovation-peak evaluation, 1000 MC runs (subprocess, matrix in memory)",
           f"{peak / 1024:.0f} MiB (matrix built: {data['before_kib'] / 1024:.0f} MiB)",
           target="< 1 GiB", met=peak < LIMIT_KIB)
    if not ingest.PEAK_RSS:
        ingest.run(quick=quick)
    for path, kib in ingest.PEAK_RSS.items():
        report("memory", f"server during 100k import: {path}", f"{kib / 1024:.0f} MiB", target="< 1 GiB",
               met=kib < LIMIT_KIB)


if __name__ == "__main__":
    child(int(sys.argv[1]))
