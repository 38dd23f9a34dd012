"""Inspect an XLSX upload before any spreadsheet library allocates for it.

A workbook is a ZIP archive of XML parts, and what a reader allocates follows from what those parts
declare: one stray cell at ``XFD1048576`` made python-calamine allocate 512 GB for the used range,
a 2 MB archive expanded to gigabytes of strings, and an archive's directory may understate what its
parts hold. So the guard reads the archive itself (:mod:`app.services.xlsx_archive`: directory,
sizes as found, compression ratio, CRCs), parses every XML part with DTDs refused
(:mod:`app.services.xlsx_xml`: no billion laughs, no XXE), and reads what decides the cost of the
sheet to import (:mod:`app.services.xlsx_scans`): its declared dimension, every cell reference,
the shared strings' count, size and the text they expand to, against :class:`ImportLimits`.

The sheet to import is chosen here, the same way for the guard and the reader: the first sheet
whose trimmed, case-folded name is one of :data:`PREFERRED_SHEETS`, else the first visible
worksheet, else the first sheet. Whatever fools these checks is still bounded by the child process
the parse runs in (:mod:`app.services.bounded`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.services.import_problems import CellProblem, ImportLimits, ImportParseError
from app.services.xlsx_archive import Archive
from app.services.xlsx_scans import (
    Position,
    RelsScan,
    SharedStringsScan,
    SheetEntry,
    SheetScan,
    StylesScan,
    WorkbookScan,
)
from app.services.xlsx_xml import damaged

__all__ = ["PREFERRED_SHEETS", "SheetPlan", "inspect_xlsx"]

PREFERRED_SHEETS = ("data", "observations", "数据", "导入", "import")
"""Sheet names (trimmed, case-folded) read in preference to the first visible worksheet."""

_WORKSHEET_TYPE = "/worksheet"


@dataclass(frozen=True)
class SheetPlan:
    """The sheet to read and what the scan learnt about its cells (positions 1-based)."""

    name: str
    part: str
    errors: dict[Position, str] = field(default_factory=dict)
    """cells holding an Excel error value, with its text (``#DIV/0!``, ``#N/A`` …)"""
    uncached: frozenset[Position] = frozenset()
    """cells holding a formula saved without its value (written by a program that does not calculate)"""
    percent: frozenset[Position] = frozenset()
    """number cells formatted as a percentage (0.125 shown as 12.5%)"""


def inspect_xlsx(data: bytes, limits: ImportLimits) -> SheetPlan:
    """Check the workbook in ``data`` against ``limits`` and the rules of the modules above; return the
    sheet to read. Raises :class:`~app.services.xlsx_archive.NotAWorkbook` for an archive that is no
    workbook, :class:`ImportTooLarge` for a limit (HTTP 413) and :class:`ImportParseError` for a
    damaged or hostile archive (HTTP 422), each naming what was found."""
    archive = Archive(data, limits)
    workbook = archive.scan("xl/workbook.xml", WorkbookScan())
    targets: dict[str, tuple[str, str]] = {}
    if "xl/_rels/workbook.xml.rels" in archive.names:
        targets = archive.scan("xl/_rels/workbook.xml.rels", RelsScan()).targets
    name, part = _choose_sheet(workbook.sheets, targets, archive.names)
    percent_styles: frozenset[str] = frozenset()
    if "xl/styles.xml" in archive.names:
        percent_styles = archive.scan("xl/styles.xml", StylesScan()).percent_styles()
    strings = SharedStringsScan(limits)
    if "xl/sharedStrings.xml" in archive.names:
        archive.scan("xl/sharedStrings.xml", strings,
                     max_bytes=(limits.max_shared_strings_bytes, "max_shared_strings_bytes"))
    sheet = archive.scan(part, SheetScan(name, limits, percent_styles, strings.lengths))
    archive.scan_rest()
    return SheetPlan(name, part, sheet.errors, frozenset(sheet.uncached), frozenset(sheet.percent))


def _choose_sheet(
    sheets: list[SheetEntry], targets: dict[str, tuple[str, str]], names: frozenset[str]
) -> tuple[str, str]:
    """(sheet name, part) of the sheet to read."""
    if not sheets:
        raise ImportParseError([CellProblem(None, None, "the workbook has no sheets")])

    def target(entry: SheetEntry) -> tuple[str, str]:
        return targets.get(entry.rel_id or "", ("", ""))

    by_name: dict[str, SheetEntry] = {}
    for entry in sheets:
        by_name.setdefault(entry.name.strip().casefold(), entry)
    chosen = next((by_name[p] for p in PREFERRED_SHEETS if p in by_name), None)
    if chosen is None:
        chosen = next((s for s in sheets if s.visible and target(s)[0].endswith(_WORKSHEET_TYPE)), sheets[0])
    part = target(chosen)[1]
    if part not in names:
        raise damaged(f"sheet {chosen.name!r} points to a part the archive does not hold")
    return chosen.name, part
