"""The ZIP archive of a workbook, read without trusting what it declares.

The directory is checked first: at most :data:`MAX_ZIP_ENTRIES` entries, no duplicate names, no
encryption, only stored or deflated parts, each local header agreeing with the directory, no two
parts sharing data (an overlapping-entries bomb makes one compressed stream count as many parts),
declared sizes within ``max_uncompressed_bytes`` and a compression ratio of at most
:data:`MAX_COMPRESSION_RATIO` for parts above :data:`RATIO_FLOOR_BYTES`. Then each part is inflated
in chunks of at most 64 KiB with its output counted, so a directory that understates a size is
caught the moment the data runs past it, and checked against its CRC.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import TypeVar

from app.services.import_problems import ImportLimits, ImportParseError
from app.services.xlsx_xml import PartScan, damaged, feed, safe_parser, too_large

__all__ = ["MAX_COMPRESSION_RATIO", "MAX_ZIP_ENTRIES", "RATIO_FLOOR_BYTES", "Archive", "NotAWorkbook"]

MAX_ZIP_ENTRIES = 10_000
"""Entries in the archive; a workbook has a dozen, a generous one a few hundred."""
MAX_COMPRESSION_RATIO = 200
"""Uncompressed to compressed size of one part; worksheets of numbers compress about 5–20 to 1."""
RATIO_FLOOR_BYTES = 1 << 20
"""Parts smaller than this (uncompressed) are not held to the ratio: tiny parts compress erratically."""

S = TypeVar("S", bound=PartScan)

_CHUNK = 1 << 16
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_MAGIC = b"PK\x03\x04"
_XML_SUFFIXES = (".xml", ".rels", ".vml")


class NotAWorkbook(Exception):
    """The upload is not a readable ZIP archive of a workbook; ``kind`` says what it is."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _unsafe(reason: str) -> ImportParseError:
    return damaged(reason, "unsafe_workbook")


class Archive:
    """The archive in ``data``, its directory checked; :meth:`scan` reads a part once, in bounded chunks."""

    def __init__(self, data: bytes, limits: ImportLimits) -> None:
        self.data = data
        self.limits = limits
        try:
            with zipfile.ZipFile(_BytesReader(data)) as archive:
                infos = archive.infolist()
        except Exception as exc:  # zipfile raises a zoo of types (BadZipFile, ValueError, struct.error …)
            raise NotAWorkbook(f"a damaged ZIP archive ({exc})") from None
        self.infos = {info.filename: info for info in infos}
        self.names = frozenset(self.infos)
        if "xl/workbook.xml" not in self.names:
            raise NotAWorkbook(_archive_kind(self.names))
        self._done: set[str] = set()
        self._produced = 0
        self._check_directory(infos)

    def _check_directory(self, infos: list[zipfile.ZipInfo]) -> None:
        if len(infos) > MAX_ZIP_ENTRIES:
            raise _unsafe(f"the archive has {len(infos):,} entries; a workbook has at most {MAX_ZIP_ENTRIES:,}")
        if len(self.infos) != len(infos):
            raise _unsafe("two entries of the archive have the same name")
        declared = sum(info.file_size for info in infos)
        if declared > self.limits.max_uncompressed_bytes:
            raise too_large("too_large_uncompressed", f"the workbook declares {declared:,} bytes once decompressed",
                            "max_uncompressed_bytes", self.limits, "split the workbook or upload CSV")
        for info in infos:
            if info.flag_bits & 0x1:
                raise damaged(f"part {info.filename!r} is encrypted (remove the password and save again)")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise damaged(f"part {info.filename!r} uses a compression method Excel never writes")
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
                raise _unsafe(f"part {info.filename!r} would expand {ratio:,.0f} times (a ZIP bomb); at most "
                              f"{MAX_COMPRESSION_RATIO} is accepted")
        end = 0
        for info in sorted(infos, key=lambda i: i.header_offset):
            if info.header_offset < end:
                raise _unsafe(f"part {info.filename!r} overlaps another part")
            end = self._data_start(info) + info.compress_size
            if end > len(self.data):
                raise damaged(f"part {info.filename!r} is cut short")

    def _data_start(self, info: zipfile.ZipInfo) -> int:
        """Where the part's compressed data starts, after a local header that must match the directory."""
        header = self.data[info.header_offset : info.header_offset + _LOCAL_HEADER.size]
        if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_MAGIC:
            raise damaged(f"part {info.filename!r} has no local header")
        _, _, _, flags, method, _, _, crc, csize, usize, name_len, extra_len = _LOCAL_HEADER.unpack(header)
        start = info.header_offset + _LOCAL_HEADER.size
        name = self.data[start : start + name_len].decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
        if name != info.orig_filename or method != info.compress_type:
            raise _unsafe(f"part {info.filename!r}: the local header and the directory disagree")
        # Without a data descriptor (flag bit 3) the local header repeats the sizes: a reader may trust either.
        if not flags & 0x8 and 0xFFFFFFFF not in (csize, usize) and (
            (crc, csize, usize) != (info.CRC, info.compress_size, info.file_size)
        ):
            raise _unsafe(f"part {info.filename!r}: the local header and the directory give different sizes")
        return int(start + name_len + extra_len)

    def chunks(self, name: str, max_bytes: tuple[int, str] | None = None) -> Iterator[bytes]:
        """The decompressed bytes of part ``name`` in chunks of at most 64 KiB, counted against the part's
        declared size, ``max_bytes`` (a limit and its field in :class:`ImportLimits`) and the workbook's limit."""
        info = self.infos[name]
        self._done.add(name)
        start = self._data_start(info)
        raw = memoryview(self.data)[start : start + info.compress_size]
        produced, crc = 0, 0
        for piece in _inflate(raw, info):
            produced += len(piece)
            if produced > info.file_size:
                raise _unsafe(f"part {name!r} holds more than the {info.file_size:,} bytes the archive declares")
            if max_bytes is not None and produced > max_bytes[0]:
                raise too_large("too_large_part", f"part {name!r} takes more than {max_bytes[0]:,} bytes",
                                max_bytes[1], self.limits, "split the workbook or upload CSV")
            self._count(len(piece))
            crc = zlib.crc32(piece, crc)
            yield piece
        if produced != info.file_size or crc != info.CRC:
            raise damaged(f"part {name!r} does not match its size or checksum")

    def _count(self, size: int) -> None:
        self._produced += size
        if self._produced > self.limits.max_uncompressed_bytes:
            raise too_large("too_large_uncompressed",
                            f"the workbook holds more than {self.limits.max_uncompressed_bytes:,} bytes decompressed",
                            "max_uncompressed_bytes", self.limits, "split the workbook or upload CSV")

    def scan(self, name: str, scan: S, *, max_bytes: tuple[int, str] | None = None) -> S:
        """Parse part ``name`` with ``scan``'s callbacks (any DTD refused); ``scan`` when done."""
        if name not in self.infos:
            raise damaged(f"part {name!r} is missing")
        parser = safe_parser(name)
        scan.attach(parser)
        feed(parser, name, self.chunks(name, max_bytes))
        scan.finish()
        return scan

    def scan_rest(self) -> None:
        """Decompress every part not read yet (its size counted, its checksum checked); XML parts through
        the DTD-refusing parser too, since a reading library may parse any of them."""
        for name in sorted(self.names - self._done):
            pieces = self.chunks(name)
            if name.lower().endswith(_XML_SUFFIXES):
                feed(safe_parser(name), name, pieces)
            else:
                for _ in pieces:
                    pass


def _archive_kind(names: frozenset[str]) -> str:
    if "xl/workbook.bin" in names:
        return "a binary .xlsb workbook (save it as .xlsx)"
    if "content.xml" in names:
        return "an OpenDocument file (save it as .xlsx)"
    if "word/document.xml" in names:
        return "a Word document"
    return "a ZIP archive that is not an Excel workbook"


class _BytesReader:
    """A read-only file over ``bytes`` for zipfile, without the copy ``io.BytesIO`` would make."""

    def __init__(self, data: bytes) -> None:
        self._view = memoryview(data)
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._view) if size < 0 else min(self._pos + size, len(self._view))
        chunk = bytes(self._view[self._pos : end])
        self._pos = end
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._view))[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def seekable(self) -> bool:
        return True


def _inflate(raw: memoryview, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's data decompressed, each step's output bounded whatever the input expands to."""
    if info.compress_type == zipfile.ZIP_STORED:
        for offset in range(0, len(raw), _CHUNK):
            yield bytes(raw[offset : offset + _CHUNK])
        return
    inflater = zlib.decompressobj(-15)
    try:
        for offset in range(0, len(raw), _CHUNK):
            pending = bytes(raw[offset : offset + _CHUNK])
            while True:
                piece = inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
                if piece:
                    yield piece
                if inflater.eof or (not pending and len(piece) < _CHUNK):
                    break
            if inflater.eof:
                break
    except zlib.error as exc:
        raise damaged(f"part {info.filename!r} cannot be decompressed ({exc})") from None
    if not inflater.eof:
        raise _unsafe(f"the compressed data of part {info.filename!r} does not end where the archive says")
