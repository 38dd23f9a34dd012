"""What the upload guard and the bounded child cost a normal file (issue 11): a 5,000-row wide XLSX
(zone code, zone name, year and 20 indicators: 100,000 values) and the same table as CSV.

Figures (medians, wall clock and CPU of this process and its children, no database; half a second
between calls, so the spare child is ready as it is for spaced uploads): the XLSX read as before the
guard (python-calamine, then the table parser), with the guard in front (the archive checked, every
part inflated and every cell reference of the sheet scanned), and the whole parse in the bounded
child process as the API runs it (the guard, calamine, the answer back as JSON; the CPU includes the
start-up of the next spare); a two-row workbook in the child (the fixed cost of an upload); the CSV
parse, which stays in the server process.
"""

from __future__ import annotations

import io
import random
import resource
import time
from collections.abc import Callable

import openpyxl
import python_calamine

from app.services.bounded import ParserBounds
from app.services.import_parser import parse_import
from app.services.import_table import Vocabulary, parse_rows
from benchmarks.common import fmt_s, report

ROWS, INDICATORS = 5_000, 20
SECTION = "uploads"


def _table(rows: int) -> list[list[object]]:
    rng = random.Random(11)
    codes = [f"ind_{i:02d}" for i in range(INDICATORS)]
    table: list[list[object]] = [["zone_code", "zone_name", "year", *codes]]
    for r in range(rows):
        zone = f"Z{r % 400:04d}"
        table.append([zone, f"园区{zone}", 2000 + r // 400, *(round(rng.uniform(0, 1000), 3) for _ in codes)])
    return table


def _xlsx(table: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    for row in table:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(table: list[list[object]]) -> bytes:
    return ("\n".join(",".join(str(v) for v in row) for row in table) + "\n").encode()


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(fn: Callable[[], object], repeat: int, pause: float) -> tuple[float, float]:
    """Median wall and CPU seconds (this process and its children) of ``fn``, with ``pause`` seconds
    between calls (an upload does not follow another within milliseconds; the spare child is ready)."""
    fn()
    walls, cpus = [], []
    for _ in range(repeat):
        time.sleep(pause)
        cpu, wall = _cpu(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(_cpu() - cpu)
    return sorted(walls)[repeat // 2], sorted(cpus)[repeat // 2]


def run(quick: bool = False) -> None:
    """Print the upload figures."""
    print(f"\n[{SECTION}] parsing a normal {ROWS:,}-row file ({ROWS * INDICATORS:,} values)", flush=True)
    table = _table(ROWS // 5 if quick else ROWS)
    xlsx, csv, tiny = _xlsx(table), _csv(table), _xlsx(table[:2])
    known = frozenset(str(c) for c in table[0][3:])
    vocabulary = Vocabulary(known, {})
    bounds = ParserBounds()

    def before_the_guard() -> None:
        with python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(xlsx)) as book:
            sheet = book.get_sheet_by_name("data")
            values = sheet.to_python(skip_empty_area=True)
        parse_rows(((i + 1, row) for i, row in enumerate(values)), 0, vocabulary, None, 1_000)

    paths: dict[str, Callable[[], object]] = {
        "XLSX as before the guard (calamine + table)": before_the_guard,
        "XLSX with the guard, in process": lambda: parse_import(
            xlsx, filename="x.xlsx", content_type=None, known_indicators=known),
        "XLSX in the bounded child (as the API parses it)": lambda: parse_import(
            xlsx, filename="x.xlsx", content_type=None, known_indicators=known, bounds=bounds),
        "a two-row XLSX in the bounded child (the fixed cost of an upload)": lambda: parse_import(
            tiny, filename="x.xlsx", content_type=None, known_indicators=known, bounds=bounds),
        "CSV of the same table (in process, bounded as it streams)": lambda: parse_import(
            csv, filename="x.csv", content_type=None, known_indicators=known),
    }
    repeat = 3  # 3, not 9: `make bench` as a whole has to finish within 10 minutes
    base_wall, base_cpu = _timed(before_the_guard, repeat, 0.5)
    for name, fn in paths.items():
        wall, cpu = (base_wall, base_cpu) if fn is before_the_guard else _timed(fn, repeat, 0.5)
        ratio = "" if fn is before_the_guard else f" ({wall / base_wall:.2f}× wall, {cpu / base_cpu:.2f}× CPU)"
        report(SECTION, name, f"{fmt_s(wall)} wall, {fmt_s(cpu)} CPU{ratio}")
    report(SECTION, "file sizes", f"XLSX {len(xlsx):,} bytes, CSV {len(csv):,} bytes")

