"""A corpus of hostile XLSX files, generated (never committed): each is small on the wire and built to
make a naive reader allocate or run without bound (issue 11, items 1 and 2).

Every file is a real workbook (python-calamine opens the harmless variants) written part by part with
zipfile, so a test can craft exactly the part that attacks: a stray far cell, a shared-strings bomb,
a dense sheet, 16,384 columns, a directory that understates a part's size, billion laughs and XXE.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
    '<sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)

SheetBody = bytes | Callable[[], Iterable[bytes]]


def inline(ref: str, text: str) -> str:
    """A text cell written inline."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def number(ref: str, value: float | int, style: int | None = None) -> str:
    """A number cell, with cell format ``style`` when given."""
    s = f' s="{style}"' if style is not None else ""
    return f'<c r="{ref}"{s}><v>{value}</v></c>'


HEADER_ROW = '<row r="1">' + inline("A1", "zone_code") + inline("B1", "year") + inline("C1", "rd_intensity") + "</row>"
DATA_ROW = '<row r="2">' + inline("A2", "Z1") + number("B2", 2024) + number("C2", 6.5) + "</row>"


def sheet_xml(rows: str, head: str = "", prolog: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    """A worksheet part around ``rows`` (the content of sheetData); ``head`` goes before sheetData."""
    return f'{prolog}<worksheet xmlns="{MAIN_NS}">{head}<sheetData>{rows}</sheetData></worksheet>'.encode()


def workbook(
    sheet: SheetBody,
    *,
    shared_strings: bytes | None = None,
    styles: bytes | None = None,
    workbook_xml: bytes | None = None,
    level: int = 6,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """The bytes of a workbook whose only sheet ("data") is ``sheet`` (bytes, or a function yielding them),
    with ``extra`` parts (name → bytes) besides."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook_xml or WORKBOOK.encode())
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        if styles is not None:
            archive.writestr("xl/styles.xml", styles)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for piece in [sheet] if isinstance(sheet, bytes) else sheet():
                part.write(piece)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def harmless(zone: str = "Z1") -> bytes:
    """A valid two-row workbook of one value for ``zone``: the control case."""
    return workbook(sheet_xml(HEADER_ROW + DATA_ROW.replace(">Z1<", f">{zone}<")))


def stray_far_cell() -> bytes:
    """Issue 11 item 1: one stray cell at XFD1048576 (4.9 KB; calamine allocated 512 GB for its used range)."""
    far = '<row r="1048576">' + number("XFD1048576", 1) + "</row>"
    return workbook(sheet_xml(HEADER_ROW + DATA_ROW + far))


def shared_strings_bomb(length: int = 1_000_000, cells: int = 3_000) -> bytes:
    """One shared string of ``length`` characters shown in ``cells`` cells of a note column: a few KB on the
    wire, ``length × cells`` characters once every cell is a string of its own."""
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="{cells}" uniqueCount="1">'
           f'<si><t>{"A" * length}</t></si></sst>').encode()
    header = ('<row r="1">' + inline("A1", "zone_code") + inline("B1", "year") + inline("C1", "rd_intensity")
              + inline("D1", "note") + "</row>")
    rows = "".join(
        f'<row r="{r}">{inline(f"A{r}", "Z1")}{number(f"B{r}", 2024)}{number(f"C{r}", 6.5)}'
        f'<c r="D{r}" t="s"><v>0</v></c></row>'
        for r in range(2, cells + 2)
    )
    return workbook(sheet_xml(header + rows), shared_strings=sst)


def dense_sheet(rows: int = 999_999, columns: int = 20) -> bytes:
    """Issue 11 item 2: a dense ``rows`` × ``columns`` sheet of numbers, highly compressed (cells and rows
    without references, so every row is the same bytes)."""
    row = b"<row>" + b"<c><v>1</v></c>" * columns + b"</row>"
    block = row * 10_000

    def pieces() -> Iterable[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
        yield HEADER_ROW.encode()
        for start in range(0, rows, 10_000):
            yield block if rows - start >= 10_000 else row * (rows - start)
        yield b"</sheetData></worksheet>"

    return workbook(pieces, level=9)


def many_columns(columns: int = 16_384) -> bytes:
    """A header of ``columns`` cells (A1 … XFD1 for the default)."""
    cells = "".join(inline(_ref(1, c), f"h{c}") for c in range(1, columns + 1))
    return workbook(sheet_xml(f'<row r="1">{cells}</row>' + DATA_ROW))


def understated_sizes(declared: int = 4_096, rows: int = 400_000) -> bytes:
    """A sheet of ``rows`` rows whose central directory and local header both say the part holds
    ``declared`` bytes: the declared sizes pass every check, the data runs far past them."""
    row = b"<row>" + b"<c><v>1</v></c>" * 10 + b"</row>"

    def pieces() -> Iterable[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
        yield HEADER_ROW.encode()
        for _ in range(rows // 1000):
            yield row * 1000
        yield b"</sheetData></worksheet>"

    return patch_part_size(workbook(pieces), "xl/worksheets/sheet1.xml", declared)


def billion_laughs() -> bytes:
    """The classic entity expansion, in the workbook part: ten levels of ten references, 10⁹ 'lol's."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    xml = (f'<?xml version="1.0"?><!DOCTYPE workbook [{entities}]>'
           f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
           '<sheet name="&lol9;" sheetId="1" r:id="rId1"/></sheets></workbook>')
    return workbook(sheet_xml(HEADER_ROW + DATA_ROW), workbook_xml=xml.encode())


def xxe(target: str = "file:///etc/passwd") -> bytes:
    """An external entity in a cell of the sheet: a reader that resolves it shows a server file."""
    rows = HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c>' + number("B2", 2024) + "</row>"
    prolog = f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "{target}">]>'
    return workbook(sheet_xml(rows, prolog=prolog))


def declared_dimension(ref: str = "A1:XFD1048576") -> bytes:
    """Two real rows under a sheet that declares its used range as ``ref``."""
    return workbook(sheet_xml(HEADER_ROW + DATA_ROW, head=f'<dimension ref="{ref}"/>'))


def overlapping_entries(copies: int = 50) -> bytes:
    """One compressed sheet that ``copies`` more directory entries point to (a non-recursive ZIP bomb:
    every entry counts the same data again)."""
    data = harmless()
    start, end = _central_directory(data), data.rindex(b"PK\x05\x06")
    body, directory, tail = data[:start], data[start:end], data[end:]
    entry = _central_entry(directory, b"xl/worksheets/sheet1.xml")
    extra = b"".join(entry.replace(b"sheet1.xml", f"sh{i:04d}.xml".encode()) for i in range(copies))
    count = struct.unpack_from("<H", tail, 10)[0] + copies
    new_tail = tail[:8] + struct.pack("<HHLL", count, count, len(directory) + len(extra), start) + tail[20:]
    return body + directory + extra + new_tail


def patch_part_size(data: bytes, name: str, size: int | None = None, compressed: int | None = None) -> bytes:
    """``data`` with part ``name``'s uncompressed ``size`` and/or ``compressed`` size (default: as they are)
    written into its local header and its central directory entry alike."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(name)
    size = info.file_size if size is None else size
    compressed = info.compress_size if compressed is None else compressed
    patched = bytearray(data)
    local = info.header_offset
    struct.pack_into("<LL", patched, local + 18, compressed, size)
    name_len, extra_len = struct.unpack_from("<HH", patched, local + 26)
    _drop_zip64(patched, local + 30 + name_len, extra_len)
    position = _central_directory(data)
    while True:
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", patched, position + 28)
        if bytes(patched[position + 46 : position + 46 + name_len]) == name.encode():
            struct.pack_into("<LL", patched, position + 20, compressed, size)
            _drop_zip64(patched, position + 46 + name_len, extra_len)
            return bytes(patched)
        position += 46 + name_len + extra_len + comment_len


def _drop_zip64(patched: bytearray, start: int, length: int) -> None:
    """Rename a zip64 extra field (an unknown tag every reader skips), so the 32-bit size fields rule."""
    offset = start
    while offset + 4 <= start + length:
        tag, field_len = struct.unpack_from("<HH", patched, offset)
        if tag == 0x0001:
            struct.pack_into("<H", patched, offset, 0xCAFE)  # an unknown tag: ignored by every reader
        offset += 4 + field_len


def _central_directory(data: bytes) -> int:
    end = data.rindex(b"PK\x05\x06")
    return int(struct.unpack_from("<L", data, end + 16)[0])


def _central_entry(directory: bytes, name: bytes) -> bytes:
    position = 0
    while position < len(directory):
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", directory, position + 28)
        size = 46 + name_len + extra_len + comment_len
        if directory[position + 46 : position + 46 + name_len] == name:
            return directory[position : position + size]
        position += size
    raise KeyError(name)


def _ref(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


@dataclass(frozen=True)
class Hostile:
    """A hostile file and how the import must refuse it."""

    name: str
    build: Callable[[], bytes]
    status: int
    code: str


CORPUS: tuple[Hostile, ...] = (
    Hostile("stray far cell", stray_far_cell, 413, "too_many_columns"),
    Hostile("shared-strings bomb", shared_strings_bomb, 413, "too_large_text"),
    Hostile("dense 999,999 x 20 sheet", dense_sheet, 413, "too_large_uncompressed"),
    Hostile("16,384 columns", many_columns, 413, "too_many_columns"),
    Hostile("understated zip sizes", understated_sizes, 422, "unsafe_workbook"),
    Hostile("billion laughs", billion_laughs, 422, "unsafe_workbook"),
    Hostile("XXE", xxe, 422, "unsafe_workbook"),
    Hostile("declared dimension A1:XFD1048576", declared_dimension, 413, "too_many_columns"),
    Hostile("overlapping entries", overlapping_entries, 422, "unsafe_workbook"),
)
