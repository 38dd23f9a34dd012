"""Uploads that cannot hurt the server (issue 11, items 1 and 2).

The guard refuses each file of the hostile corpus (tests/hostile_xlsx.py) before any spreadsheet
library allocates for it, each with the status and code it deserves and a message naming the limit
and what was found; every layer of the guard is tested on its own; whatever passes the guard is
bounded by the child process (memory, CPU, wall clock, parallel slots).
"""

from __future__ import annotations

import io
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.orm import AuditEvent, Observation
from app.services import xlsx_archive
from app.services.bounded import BoundExceeded, ParserBounds, ParserBusy, run_bounded
from app.services.import_parser import ImportLimits, ImportParseError, ImportTooLarge, parse_import
from app.services.xlsx_guard import inspect_xlsx
from tests import bounded_targets, hostile_xlsx
from tests.hostile_xlsx import CORPUS, MAIN_NS, Hostile

KNOWN = frozenset({"rd_intensity", "hte_count"})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def corpus() -> dict[str, bytes]:
    """Every hostile file, built once."""
    return {hostile.name: hostile.build() for hostile in CORPUS}


def refusal(data: bytes, limits: ImportLimits | None = None) -> ImportParseError:
    """The error the guard raises for ``data``."""
    with pytest.raises(ImportParseError) as caught:
        inspect_xlsx(data, limits or ImportLimits())
    return caught.value


# --- the corpus -------------------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", CORPUS, ids=lambda h: h.name)
def test_guard_refuses_every_hostile_file(hostile: Hostile, corpus: dict[str, bytes]) -> None:
    data = corpus[hostile.name]
    assert len(data) < 2_000_000, "each is small on the wire"
    started = time.perf_counter()
    error = refusal(data)
    assert time.perf_counter() - started < 5, "refused before any expensive work"
    assert isinstance(error, ImportTooLarge) == (hostile.status == 413)
    assert [p.code for p in error.problems] == [hostile.code]


@pytest.mark.parametrize("hostile", CORPUS, ids=lambda h: h.name)
def test_api_refuses_every_hostile_file_and_writes_nothing(
    hostile: Hostile, corpus: dict[str, bytes], client: TestClient, session: Session
) -> None:
    response = client.post("/api/v1/imports", files={"file": ("upload.xlsx", corpus[hostile.name], XLSX)})
    assert response.status_code == hostile.status, response.text
    body = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["code"] for e in body["errors"]] == [hostile.code]
    if hostile.status == 413:
        assert "ZONESCORE_IMPORT_MAX_" in body["errors"][0]["message"]
    assert session.scalar(select(func.count()).select_from(Observation)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "import.create")) == 0


def test_stray_far_cell_names_the_limit_and_what_was_found(corpus: dict[str, bytes]) -> None:
    [problem] = refusal(corpus["stray far cell"]).problems
    assert "16,384 columns" in problem.message and "A1:XFD1048576" in problem.message
    assert "1,024" in problem.message and "ZONESCORE_IMPORT_MAX_COLUMNS" in problem.message
    # with columns allowed, the area (rows × columns) is what refuses it
    [problem] = refusal(corpus["stray far cell"], ImportLimits(max_columns=20_000, max_rows=2_000_000)).problems
    assert problem.code == "too_many_cells" and "17,179,869,184 cells" in problem.message


def test_xxe_never_reads_the_file(tmp_path: Path, client: TestClient) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-1234")
    response = client.post("/api/v1/imports", files={"file": ("x.xlsx", hostile_xlsx.xxe(secret.as_uri()), XLSX)})
    assert response.status_code == 422
    assert "TOP-SECRET" not in response.text and "document type declaration" in response.text


# --- each layer of the guard ------------------------------------------------------------------------


def test_dense_sheet_refused_by_its_ratio_when_its_size_is_allowed() -> None:
    [problem] = refusal(hostile_xlsx.dense_sheet(rows=250_000)).problems
    assert problem.code == "unsafe_workbook" and "ZIP bomb" in problem.message


def test_dense_sheet_refused_by_its_rows_as_they_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_archive, "MAX_COMPRESSION_RATIO", 100_000)
    limits = ImportLimits(max_rows=10_000, max_uncompressed_bytes=1 << 40)
    started = time.perf_counter()
    [problem] = refusal(hostile_xlsx.dense_sheet(rows=250_000), limits).problems
    assert problem.code == "too_many_rows" and "10,001 rows" in problem.message
    assert time.perf_counter() - started < 10, "stops at the first row beyond the limit"


def test_cells_beyond_the_limit_without_any_reference() -> None:
    rows = "<row>" + "<c><v>1</v></c>" * 50 + "</row>"
    data = hostile_xlsx.workbook(hostile_xlsx.sheet_xml(rows * 100))
    [problem] = refusal(data, ImportLimits(max_cells=4_000)).problems
    assert problem.code == "too_many_cells"


def test_one_cell_repeated_counts_every_time() -> None:
    data = hostile_xlsx.workbook(hostile_xlsx.sheet_xml('<row r="1">' + '<c r="A1"><v>1</v></c>' * 5_000 + "</row>"))
    [problem] = refusal(data, ImportLimits(max_cells=1_000)).problems
    assert problem.code == "too_many_cells" and "more than 1,000 cells" in problem.message


def test_shared_strings_part_beyond_its_size_limit() -> None:
    sst = (f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>{"x" * 5_000}</t></si></sst>').encode()
    data = hostile_xlsx.workbook(hostile_xlsx.sheet_xml(hostile_xlsx.HEADER_ROW), shared_strings=sst)
    [problem] = refusal(data, ImportLimits(max_shared_strings_bytes=1_000)).problems
    assert problem.code == "too_large_part" and "ZONESCORE_IMPORT_MAX_SHARED_STRINGS_BYTES" in problem.message


def test_shared_strings_declaring_more_strings_than_cells() -> None:
    sst = f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="4294967295"><si><t>x</t></si></sst>'.encode()
    data = hostile_xlsx.workbook(hostile_xlsx.sheet_xml(hostile_xlsx.HEADER_ROW), shared_strings=sst)
    [problem] = refusal(data).problems
    assert problem.code == "too_many_shared_strings" and "uniqueCount" in problem.message


def test_compressed_size_understated() -> None:
    data = hostile_xlsx.harmless()
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    patched = hostile_xlsx.patch_part_size(data, info.filename, compressed=info.compress_size // 2)
    [problem] = refusal(patched).problems
    assert problem.code == "unsafe_workbook" and "does not end where the archive says" in problem.message


def test_a_dtd_in_any_part_is_refused_even_one_no_reader_needs() -> None:
    core = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    data = hostile_xlsx.workbook(hostile_xlsx.sheet_xml(hostile_xlsx.HEADER_ROW), extra={"docProps/core.xml": core})
    [problem] = refusal(data).problems
    assert problem.code == "unsafe_workbook" and "docProps/core.xml" in problem.message


def test_an_undefined_entity_is_malformed_xml() -> None:
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>&nope;</t></is></c></row>'
    [problem] = refusal(hostile_xlsx.workbook(hostile_xlsx.sheet_xml(rows))).problems
    assert problem.code == "damaged_workbook" and "not well-formed" in problem.message


@pytest.mark.parametrize("ref", ["A0", "XFE1", "A1048577", "a1", "1A", "A" + "9" * 40, "Ａ1"])
def test_cell_references_outside_a_worksheet(ref: str) -> None:
    rows = f'<row r="1"><c r="{ref}"><v>1</v></c></row>'
    [problem] = refusal(hostile_xlsx.workbook(hostile_xlsx.sheet_xml(rows))).problems
    assert problem.code == "damaged_workbook" and "is not a cell of a worksheet" in problem.message


def _rezip(data: bytes, edit: Callable[[zipfile.ZipFile, zipfile.ZipFile], None]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        edit(source, target)
    return buffer.getvalue()


def _copy_with(extra: dict[str, str]) -> Callable[[zipfile.ZipFile, zipfile.ZipFile], None]:
    def edit(source: zipfile.ZipFile, target: zipfile.ZipFile) -> None:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        for name, content in extra.items():
            target.writestr(name, content)
    return edit


def test_too_many_entries() -> None:
    def edit(source: zipfile.ZipFile, target: zipfile.ZipFile) -> None:
        _copy_with({})(source, target)
        for i in range(xlsx_archive.MAX_ZIP_ENTRIES):
            target.writestr(f"xl/media/p{i}.bin", b"")
    [problem] = refusal(_rezip(hostile_xlsx.harmless(), edit)).problems
    assert problem.code == "unsafe_workbook" and "entries" in problem.message


def test_duplicate_entry_names() -> None:
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = _rezip(hostile_xlsx.harmless(), _copy_with({"xl/workbook.xml": hostile_xlsx.WORKBOOK}))
    [problem] = refusal(data).problems
    assert problem.code == "unsafe_workbook" and "same name" in problem.message


def test_a_harmless_workbook_passes_and_names_its_sheet() -> None:
    plan = inspect_xlsx(hostile_xlsx.harmless(), ImportLimits())
    assert (plan.name, plan.part) == ("data", "xl/worksheets/sheet1.xml")


# --- CSV: read in process, bounded as it streams ------------------------------------------------------


def _csv_refusal(text: str, limits: ImportLimits) -> ImportParseError:
    with pytest.raises(ImportParseError) as caught:
        parse_import(text.encode(), filename="x.csv", content_type=None, known_indicators=KNOWN, limits=limits)
    return caught.value


def test_csv_with_too_many_fields_on_a_line() -> None:
    error = _csv_refusal("zone_code,year," + ",".join(f"c{i}" for i in range(2_000)) + "\n", ImportLimits())
    assert isinstance(error, ImportTooLarge)
    assert [p.code for p in error.problems] == ["too_many_columns"] and "2,002 fields" in error.problems[0].message


def test_csv_with_too_many_records_or_fields() -> None:
    text = "zone_code,year,rd_intensity\n" + "Z1,2024,1\n" * 50
    assert [p.code for p in _csv_refusal(text, ImportLimits(max_rows=20)).problems] == ["too_many_rows"]
    assert [p.code for p in _csv_refusal(text, ImportLimits(max_cells=60)).problems] == ["too_many_cells"]


# --- the child process: whatever passes the guard is still bounded -----------------------------------

SMALL = ParserBounds(memory_bytes=512 << 20, cpu_seconds=5, timeout_seconds=30)


def test_the_child_returns_its_answer() -> None:
    assert run_bounded(bounded_targets.echo, (b"\x00\xffanswer",), SMALL) == b"\x00\xffanswer"


@pytest.mark.parametrize(
    ("target", "args", "kind"),
    [(bounded_targets.allocate, (2 << 30,), "memory"), (bounded_targets.abort, (), "memory"),
     (bounded_targets.spin, (), "time"), (bounded_targets.fail, (), "crash")],
    ids=["MemoryError", "native abort", "CPU", "bug"],
)
def test_the_child_is_bounded(target: Callable[..., bytes], args: tuple[Any, ...], kind: str) -> None:
    with pytest.raises(BoundExceeded) as caught:
        run_bounded(target, args, ParserBounds(memory_bytes=256 << 20, cpu_seconds=1, timeout_seconds=30))
    assert caught.value.kind == kind


def test_the_child_is_killed_at_the_wall_clock_timeout() -> None:
    started = time.perf_counter()
    with pytest.raises(BoundExceeded) as caught:
        run_bounded(bounded_targets.sleep, (60,), ParserBounds(timeout_seconds=1.0))
    assert caught.value.kind == "time" and time.perf_counter() - started < 10


def test_no_free_slot_is_busy_not_a_queue_without_end() -> None:
    bounds = ParserBounds(parallel=1, timeout_seconds=0.5)
    holder = threading.Thread(target=run_bounded, args=(bounded_targets.sleep, (3,), ParserBounds(parallel=1)))
    holder.start()
    time.sleep(0.3)
    try:
        with pytest.raises(ParserBusy):
            run_bounded(bounded_targets.echo, (b"x",), bounds)
    finally:
        holder.join()


def test_a_bomb_past_the_guard_hits_the_memory_bound() -> None:
    relaxed = ImportLimits(max_uncompressed_bytes=1 << 40)
    with pytest.raises(ImportTooLarge) as caught:
        parse_import(hostile_xlsx.shared_strings_bomb(), filename="x.xlsx", content_type=None, known_indicators=KNOWN,
                     limits=relaxed, bounds=SMALL)
    assert [p.code for p in caught.value.problems] == ["parser_memory_bound"]
    assert "ZONESCORE_IMPORT_PARSER_MEMORY_BYTES" in caught.value.problems[0].message


def test_a_normal_workbook_parses_the_same_in_the_child() -> None:
    data = hostile_xlsx.harmless()
    in_process = parse_import(data, filename="x.xlsx", content_type=None, known_indicators=KNOWN)
    bounded = parse_import(data, filename="x.xlsx", content_type=None, known_indicators=KNOWN, bounds=SMALL)
    assert bounded == in_process and len(bounded.cells) == 1


def test_every_parser_busy_is_a_503_with_retry_after(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def busy(*_: object, **__: object) -> None:
        raise ParserBusy("every parser is busy")

    monkeypatch.setattr("app.services.imports.read_import", busy)
    response = client.post("/api/v1/imports", files={"file": ("x.xlsx", hostile_xlsx.harmless(), XLSX)})
    assert response.status_code == 503 and response.headers["retry-after"] == "10"
    assert response.headers["content-type"].startswith("application/problem+json")


def test_every_upload_setting_is_documented() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    names = [f"ZONESCORE_{name.upper()}" for name in Settings.model_fields
             if name.startswith("import_") or name == "max_problems"]
    assert len(names) == 10
    assert [name for name in names if f"`{name}`" not in readme] == []
