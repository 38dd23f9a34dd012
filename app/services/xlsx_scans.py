"""What the guard reads in each XML part of a workbook (callbacks for :mod:`app.services.xlsx_xml`).

* ``xl/workbook.xml`` and its relationships: the sheets, their visibility and their parts;
* ``xl/styles.xml``: the cell formats that show numbers as percentages;
* ``xl/sharedStrings.xml``: how many strings it declares and holds, and the length of each;
* the worksheet: the position of every cell (its ``r`` reference, or the next position in its row
  when it has none), the declared ``<dimension ref>``, and the text its cells will expand to (a
  shared string counts once per cell showing it) — each bound checked as the cells stream past,
  so a refusal comes at the first cell beyond a limit; error values, formulas without a saved value
  and percent-formatted number cells are noted.
"""

from __future__ import annotations

import posixpath
import pyexpat
from array import array
from dataclasses import dataclass

from app.services.import_cells import column_letter
from app.services.import_problems import ImportLimits, ImportTooLarge
from app.services.xlsx_xml import PartScan, Refused, damaged, local_name, too_large

__all__ = [
    "EXCEL_MAX_COLUMNS",
    "EXCEL_MAX_ROWS",
    "MAX_STYLES",
    "Position",
    "RelsScan",
    "SharedStringsScan",
    "SheetEntry",
    "SheetScan",
    "StylesScan",
    "WorkbookScan",
]

MAX_STYLES = 65_536
"""Cell formats in styles.xml (Excel allows about 64,000)."""
MAX_SHEETS = 10_000
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384

Position = tuple[int, int]
"""A cell's 1-based (row, column), as Excel numbers them."""

_PERCENT_BUILTIN_FORMATS = frozenset({9, 10})  # 0% and 0.00%
_DIGITS = "0123456789"
_ERROR, _FORMULA, _SHARED = 1, 2, 3  # cells whose <v> text the scan reads


@dataclass(frozen=True)
class SheetEntry:
    """A sheet as ``xl/workbook.xml`` lists it."""

    name: str
    visible: bool
    rel_id: str | None


class WorkbookScan(PartScan):
    """The sheets of ``xl/workbook.xml``, in order."""

    def __init__(self) -> None:
        self.sheets: list[SheetEntry] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if local_name(name) == "sheet":
            rel_id = next((v for k, v in attrs.items() if k.endswith(":id")), None)
            self.sheets.append(SheetEntry(attrs.get("name", ""), attrs.get("state", "visible") == "visible", rel_id))
            if len(self.sheets) > MAX_SHEETS:
                raise Refused(damaged(f"the workbook lists more than {MAX_SHEETS:,} sheets", "unsafe_workbook"))


class RelsScan(PartScan):
    """The relationships of ``xl/workbook.xml``: id → (type, part name)."""

    def __init__(self) -> None:
        self.targets: dict[str, tuple[str, str]] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if local_name(name) == "Relationship" and "Id" in attrs:
            if len(self.targets) > MAX_SHEETS:
                raise Refused(damaged(f"the workbook has more than {MAX_SHEETS:,} relationships", "unsafe_workbook"))
            self.targets[attrs["Id"]] = (attrs.get("Type", ""), _part_name(attrs.get("Target", "")))


def _part_name(target: str) -> str:
    """The archive path a relationship target of xl/workbook.xml names."""
    path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return posixpath.normpath(path)


class StylesScan(PartScan):
    """Which cell formats (the ``s`` attribute of a cell) show numbers as a percentage."""

    def __init__(self) -> None:
        self.percent_formats: set[int] = set(_PERCENT_BUILTIN_FORMATS)
        self.cell_formats: list[int] = []
        self._stack: list[str] = []

    def attach(self, parser: pyexpat.XMLParserType) -> None:
        super().attach(parser)
        parser.EndElementHandler = self.end

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = local_name(name)
        parent = self._stack[-1] if self._stack else ""
        self._stack.append(local)
        if local == "numFmt" and _is_percent_format(attrs.get("formatCode", "")):
            self.percent_formats.add(_int(attrs.get("numFmtId")))
        elif local == "xf" and parent == "cellXfs":
            self.cell_formats.append(_int(attrs.get("numFmtId")))
            if len(self.cell_formats) > MAX_STYLES:
                raise Refused(damaged(f"styles.xml defines more than {MAX_STYLES:,} cell formats", "unsafe_workbook"))

    def end(self, name: str) -> None:
        """An element ends."""
        self._stack.pop()

    def percent_styles(self) -> frozenset[str]:
        """The ``s`` attribute values (as written) of percent-formatted cells."""
        return frozenset(str(i) for i, fmt in enumerate(self.cell_formats) if fmt in self.percent_formats)


def _int(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        return -1


def _is_percent_format(code: str) -> bool:
    """Whether a number format scales by 100: a ``%`` outside quotes, brackets and escapes."""
    quoted = bracketed = escaped = False
    for ch in code:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch == "[":
            bracketed = True
        elif ch == "]":
            bracketed = False
        elif ch == "%" and not bracketed:
            return True
    return False


class SharedStringsScan(PartScan):
    """The declared and actual number of shared strings, and the length of each (in characters)."""

    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.lengths = array("q")
        self._length = 0

    def attach(self, parser: pyexpat.XMLParserType) -> None:
        super().attach(parser)
        parser.buffer_text = True
        parser.CharacterDataHandler = self._text

    def _text(self, data: str) -> None:
        self._length += len(data)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = local_name(name)
        if local == "si":
            self._end_string()
            if len(self.lengths) >= self.limits.max_cells:
                raise Refused(self._too_many(f"the workbook holds more than {self.limits.max_cells:,} shared strings"))
            self._length = 0
            self.lengths.append(-1)  # open; its length is set when the next one starts or the part ends
        elif local == "sst":
            # A reader may reserve room for the declared number before reading any string.
            for attr in ("count", "uniqueCount"):
                if _int(attrs.get(attr, "0")) > self.limits.max_cells:
                    raise Refused(self._too_many(f"the shared strings declare {attrs[attr]} strings ({attr})"))

    def _end_string(self) -> None:
        if self.lengths and self.lengths[-1] == -1:
            self.lengths[-1] = self._length

    def finish(self) -> None:
        self._end_string()

    def _too_many(self, found: str) -> ImportTooLarge:
        return too_large("too_many_shared_strings", found, "max_cells", self.limits,
                         "a sheet cannot use more strings than it has cells")


class SheetScan(PartScan):
    """Bounds of one worksheet from its cell references, checked as they stream past; error cells,
    formulas without a value and percent-formatted number cells noted (positions 1-based)."""

    def __init__(self, sheet: str, limits: ImportLimits, percent_styles: frozenset[str], strings: array[int]) -> None:
        self.sheet = sheet
        self.limits = limits
        self.percent_styles = percent_styles
        self.strings = strings
        self.row = self.col = self.cells = self.text = 0
        self.top = self.left = 1 << 62
        self.bottom = self.right = 0
        self.errors: dict[Position, str] = {}
        self.uncached: set[Position] = set()
        self.percent: set[Position] = set()
        # the cell being read when its <v> text matters: (row, col, _ERROR | _FORMULA | _SHARED)
        self._special: tuple[int, int, int] | None = None
        self._text: list[str] = []
        self._row_digits = ""  # the current row's number as cell references spell it
        self._max_cells = limits.max_cells

    def start(self, name: str, attrs: dict[str, str]) -> None:
        # called for every element of the sheet: the two most frequent, unprefixed, first
        if name == "v":
            if self._special is not None:
                self.parser.CharacterDataHandler = self._text.append
            return
        if name == "c":
            self._cell(attrs)
            return
        local = local_name(name)
        if local == "c":
            self._cell(attrs)
        elif local == "v":
            if self._special is not None:
                self.parser.CharacterDataHandler = self._text.append
        elif local == "f":
            if self._special is None or self._special[2] == _SHARED:
                self._special = (self.row, self.col, _FORMULA)
        elif local == "row":
            self._row(attrs)
        elif local == "dimension":
            self._dimension(attrs.get("ref", ""))

    def _row(self, attrs: dict[str, str]) -> None:
        self._end_special()
        number = attrs.get("r")
        self.row = self.row + 1 if number is None else self._row_number(number, "row number", number)
        self._row_digits = str(self.row)
        self.col = 0

    def _cell(self, attrs: dict[str, str]) -> None:
        if self._special is not None:
            self._end_special()
        ref = attrs.get("r")
        if ref is None:
            row, col = self.row, self.col + 1
        else:
            letters = ref.rstrip(_DIGITS)
            col = _COLUMNS.get(letters) or _column_index(letters, ref)
            digits = ref[len(letters) :]
            # cells of a row spell its number the same way: compare the text, parse only when it differs
            row = self.row if digits == self._row_digits else self._row_number(digits, "cell reference", ref)
        self.row, self.col = row, col
        self.cells += 1
        if row > self.bottom or row < self.top or col > self.right or col < self.left:
            self._grow(row, col)
        elif self.cells > self._max_cells:
            self._check()
        kind = attrs.get("t")
        if kind is None or kind == "n":
            if self.percent_styles and attrs.get("s") in self.percent_styles:
                self.percent.add((row, col))
        elif kind == "s":
            self._special = (row, col, _SHARED)
        elif kind == "e":
            self._special = (row, col, _ERROR)

    def _row_number(self, digits: str, what: str, written: str) -> int:
        number = int(digits) if digits.isdigit() and digits.isascii() and len(digits) < 10 else 0
        if not 1 <= number <= EXCEL_MAX_ROWS:
            raise Refused(damaged(f"sheet {self.sheet!r}: {what} {written[:20]!r} is not a cell of a worksheet"))
        if what == "cell reference":
            self._row_digits = digits
        return number

    def _grow(self, row: int, col: int) -> None:
        self.top, self.bottom = min(self.top, row), max(self.bottom, row)
        self.left, self.right = min(self.left, col), max(self.right, col)
        self._check()

    def _check(self) -> None:
        self._check_area((self.top, self.left), (self.bottom, self.right))
        if self.cells > self.limits.max_cells:
            raise Refused(too_large("too_many_cells", f"sheet {self.sheet!r} has more than {self.cells - 1:,} cells",
                                    "max_cells", self.limits, "split the file"))

    def _check_area(self, first: Position, last: Position, declared: bool = False) -> None:
        rows, cols = abs(last[0] - first[0]) + 1, abs(last[1] - first[1]) + 1
        limits = self.limits
        if cols <= limits.max_columns and rows <= limits.max_rows and rows * cols <= limits.max_cells:
            return  # once per row of every sheet: nothing formatted unless refused
        what = (f"the used range that sheet {self.sheet!r} declares spans" if declared
                else f"the cells of sheet {self.sheet!r} span")
        where = f"{_ref(*first)}:{_ref(*last)}"
        hint = "delete stray cells (and formatting) far from the data, or split the file"
        if cols > limits.max_columns:
            raise Refused(too_large("too_many_columns", f"{what} {cols:,} columns ({where})", "max_columns",
                                    limits, hint))
        if rows > limits.max_rows:
            raise Refused(too_large("too_many_rows", f"{what} {rows:,} rows ({where})", "max_rows", limits, hint))
        raise Refused(too_large("too_many_cells", f"{what} {rows:,} rows × {cols:,} columns = {rows * cols:,} cells "
                                f"({where})", "max_cells", limits, hint))

    def _dimension(self, ref: str) -> None:
        """The used range the sheet declares: a reader may reserve room for it before reading a cell."""
        corners = [_parse_ref(part) for part in ref.split(":")]
        if len(corners) == 2 and corners[0] is not None and corners[1] is not None:
            self._check_area(corners[0], corners[1], declared=True)

    def _end_special(self) -> None:
        if self._special is None:
            return
        row, col, kind = self._special
        text = "".join(self._text).strip()
        if kind == _SHARED:
            self._count_text(text)
        elif kind == _ERROR:
            self.errors[(row, col)] = text[:20] or "#VALUE!"
        elif not text:
            self.uncached.add((row, col))
        self._special = None
        self._text.clear()
        self.parser.CharacterDataHandler = None

    def _count_text(self, index: str) -> None:
        """A shared string is stored once but becomes a string of its own in every cell that shows it."""
        if index.isdigit() and len(index) < 10 and int(index) < len(self.strings):
            self.text += self.strings[int(index)]
            if self.text > self.limits.max_uncompressed_bytes:
                raise Refused(too_large(
                    "too_large_text", f"the text cells of sheet {self.sheet!r} expand to more than "
                    f"{self.limits.max_uncompressed_bytes:,} characters (each shared string counted once per cell)",
                    "max_uncompressed_bytes", self.limits, "the same long text in many cells is a string bomb"))

    def finish(self) -> None:
        self._end_special()


_COLUMNS: dict[str, int] = {}


def _column_index(letters: str, ref: str) -> int:
    index = 0
    if 1 <= len(letters) <= 3 and letters.isascii() and letters.isupper() and letters.isalpha():
        for ch in letters:
            index = index * 26 + ord(ch) - 64
    if not 1 <= index <= EXCEL_MAX_COLUMNS:
        raise Refused(damaged(f"cell reference {ref[:20]!r} is not a cell of a worksheet"))
    _COLUMNS[letters] = index  # at most 16,384 entries: every valid column once
    return index


def _parse_ref(ref: str) -> Position | None:
    ref = ref.strip().replace("$", "")
    letters = ref.rstrip(_DIGITS)
    digits = ref[len(letters) :]
    if not (1 <= len(letters) <= 3 and letters.isascii() and letters.isalpha() and digits and len(digits) <= 7):
        return None
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(digits), col


def _ref(row: int, col: int) -> str:
    return f"{column_letter(col - 1)}{row}"
