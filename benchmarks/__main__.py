"""``python -m benchmarks [SECTION ...] [--quick] [--markdown FILE]`` — run the benchmarks and print every figure.

Sections: kernels, flagship, ingest, reads, evaluations, memory, panel, uploads, then the optional ones
(methods) when their module exists (default: all, in that order). An optional section whose module is not
on this branch is listed as "not measured: not on main yet".
"""

from __future__ import annotations

import argparse
import time
from importlib.util import find_spec
from pathlib import Path

from benchmarks import common

SECTIONS = ("kernels", "flagship", "ingest", "reads", "evaluations", "memory", "panel", "uploads")
# Added by the issue that brings these methods (AHP, DEA and coupling), a module of this package with
# ``run(quick: bool)``; an absent module is reported, not skipped silently.
OPTIONAL = {"methods": "AHP, DEA and coupling at 300 and 10,000 zones"}


def markdown(machine: dict[str, str]) -> str:
    lines = [
        f"Machine: {machine['nproc']} cores, {machine['cpu']}, {machine['memory']} RAM; Python {machine['python']}, "
        f"numpy {machine['numpy']}; {machine['os']}; run {machine['date']}; load average at the start "
        f"{machine['load']} (other jobs share the 2 cores).",
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
    parser.add_argument("sections", nargs="*", choices=[*SECTIONS, *OPTIONAL, []], help="which sections (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes and shorter runs (a smoke run)")
    parser.add_argument("--markdown", type=Path, help="also write the results table to this file")
    args = parser.parse_args()
    chosen = args.sections or [*SECTIONS, *OPTIONAL]
    machine = common.machine()
    print("zonescore benchmarks — " + ", ".join(f"{k}: {v}" for k, v in machine.items()), flush=True)
    started = time.perf_counter()
    for name in (*SECTIONS, *OPTIONAL):
        if name not in chosen:
            continue
        if name in OPTIONAL and find_spec(f"benchmarks.{name}") is None:
            print(f"\n== {name}: benchmarks/{name}.py not on this branch ==")
            common.report(name, OPTIONAL[name], "not measured: not on main yet")
            continue
        module = __import__(f"benchmarks.{name}", fromlist=["run"])
        module.run(quick=args.quick)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    missed = [f for f in common.RESULTS if f.met is False]
    print(f"{len(missed)} target(s) missed" + (": " + "; ".join(f.name for f in missed) if missed else ""))
    if args.markdown:
        args.markdown.write_text(markdown(machine))
        print(f"results table written to {args.markdown}")


if __name__ == "__main__":
    main()
