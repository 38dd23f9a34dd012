"""What can be wrong with an import file, and the limits a file must stay within (pure; no settings, no HTTP)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, fields

from app.services import problem_log

__all__ = ["CellProblem", "ImportLimits", "ImportParseError", "ImportTooLarge", "ProblemLog"]

_MAX_SUMMARY_PROBLEMS = 20


@dataclass(frozen=True)
class CellProblem:
    """One thing wrong with the file; ``row``/``column`` are ``None`` when it concerns the whole file."""

    row: int | None
    column: str | None
    message: str
    value: str | None = None
    code: str = "invalid_file"
    """Stable kind of problem (``not_a_number``, ``excel_error``, ``too_many_cells`` …); totals are per code."""


@dataclass(frozen=True)
class ImportLimits:
    """What an import file may hold; each field is the setting ``ZONESCORE_IMPORT_<FIELD>``.

    Checked on the workbook's own declarations and cell references before any spreadsheet library
    allocates for them (XLSX), and while reading (CSV)."""

    max_cells: int = 4_000_000
    """cells in a sheet's used range (rows × columns), cell elements in its XML, and fields of a CSV file"""
    max_columns: int = 1_024
    """columns of the used range (or fields of a CSV line)"""
    max_rows: int = 250_000
    """rows of the used range, blank and title rows included (data rows are bounded by ZONESCORE_MAX_BATCH_ROWS)"""
    max_shared_strings_bytes: int = 32 * 1024 * 1024
    """size of the workbook's shared-strings part once decompressed"""
    max_uncompressed_bytes: int = 256 * 1024 * 1024
    """size of all parts of the workbook once decompressed, as found, not as the archive declares"""

    @staticmethod
    def setting(field: str) -> str:
        """The environment variable that sets ``field``."""
        return "ZONESCORE_IMPORT_" + field.upper()

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The names of the limits, as the settings name them after ``import_``."""
        return tuple(f.name for f in fields(cls))


def limit_problem(code: str, found: str, field: str, limit: int, hint: str) -> CellProblem:
    """A file-wide problem naming what was found, the limit and the setting that sets it."""
    return CellProblem(
        None, None,
        f"{found}, more than the limit of {limit:,} ({ImportLimits.setting(field)}); {hint}",
        code=code,
    )  # fmt: skip


class ProblemLog(problem_log.ProblemLog[CellProblem]):
    """The problems of one file (:class:`app.services.problem_log.ProblemLog` of :class:`CellProblem`)."""

    def error(self, extra: Sequence[CellProblem] = ()) -> ImportParseError:
        """The error listing these problems and then ``extra``."""
        for problem in extra:
            self.append(problem)
        return ImportParseError(self.kept, dict(self.totals))


class ImportParseError(Exception):
    """The file cannot be imported; :attr:`problems` lists the problems found, in file order (the
    first ``max_problems`` of them), :attr:`totals` counts every one per code."""

    problems: list[CellProblem]
    totals: dict[str, int]

    def __init__(self, problems: Sequence[CellProblem], totals: dict[str, int] | None = None) -> None:
        self.problems = list(problems)
        self.totals = totals if totals is not None else dict(Counter(p.code for p in self.problems))
        super().__init__(_summarise(self.problems, sum(self.totals.values())))


class ImportTooLarge(ImportParseError):
    """The file exceeds a configured limit or the bound on the parser's memory or time (HTTP 413)."""


def _summarise(problems: Sequence[CellProblem], total: int) -> str:
    if not problems:
        return "the file cannot be imported"
    lines = []
    for problem in problems[:_MAX_SUMMARY_PROBLEMS]:
        where = []
        if problem.row is not None:
            where.append(f"row {problem.row}")
        if problem.column is not None:
            where.append(f"column {problem.column!r}")
        prefix = ", ".join(where)
        line = f"{prefix}: {problem.message}" if prefix else problem.message
        if problem.value is not None:
            line += f" ({problem.value!r})"
        lines.append(line)
    more = total - min(len(problems), _MAX_SUMMARY_PROBLEMS)
    if more > 0:
        lines.append(f"… and {more} more")
    noun = "problem" if total == 1 else "problems"
    return f"{total} {noun} in the import file: " + "; ".join(lines)
