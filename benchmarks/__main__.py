"""``python -m benchmarks [SECTION ...] [--quick] [--markdown FILE]`` — run the benchmarks and print every figure.

Sections: kernels, flagship, methods, ingest, reads, evaluations, memory, panel, uploads (default: all, in
that order).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchmarks import common

SECTIONS = ("kernels", "flagship", "methods", "ingest", "reads", "evaluations", "memory", "panel", "uploads")


def markdown(machine: dict[str, str], durations: str) -> str:
    lines = [
        f"Machine: {machine['nproc']} cores, {machine['cpu']}, {machine['memory']} RAM; Python {machine['python']}, "
        f"numpy {machine['numpy']}; {machine['os']}; run {machine['date']}; load average at the start "
        f"{machine['load']} (other jobs share the 2 cores). Sections: {durations}.",
        "",
        "| section | figure | value | target | met |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in common.RESULTS:
        met = "" if f.met is None else ("yes" if f.met else "**no**")
        lines.append(f"| {f.section} | {f.name} | {f.value} | {f.target} | {met} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("sections", nargs="*", choices=[*SECTIONS, []], help="which sections (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes and shorter runs (a smoke run)")
    parser.add_argument("--markdown", type=Path, help="also write the results table to this file")
    args = parser.parse_args()
    chosen = args.sections or list(SECTIONS)
    machine = common.machine()
    print("zonescore benchmarks — " + ", ".join(f"{k}: {v}" for k, v in machine.items()), flush=True)
    started = time.perf_counter()
    durations: list[str] = []
    for name in SECTIONS:
        if name not in chosen:
            continue
        module = __import__(f"benchmarks.{name}", fromlist=["run"])
        section_started = time.perf_counter()
        module.run(quick=args.quick)
        durations.append(f"{name} {time.perf_counter() - section_started:.0f} s")
    took = f"{time.perf_counter() - started:.0f} s in all ({', '.join(durations)})"
    print(f"\ntotal {took}")
    missed = [f for f in common.RESULTS if f.met is False]
    print(f"{len(missed)} target(s) missed" + (": " + "; ".join(f.name for f in missed) if missed else ""))
    if args.markdown:
        args.markdown.write_text(markdown(machine, took))
        print(f"results table written to {args.markdown}")


if __name__ == "__main__":
    main()
