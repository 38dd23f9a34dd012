"""Tests of the pure import-file parser: formats, encodings, layouts and the full problem list."""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Sequence
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services.import_parser import (
    CellProblem,
    ImportParseError,
    ParsedCell,
    ParsedImport,
    parse_import,
)

KNOWN = frozenset({"rd_intensity", "hte_count", "vc_investment"})
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

WIDE_ROWS: list[list[object]] = [
    ["zone_code", "zone_name", "year", "rd_intensity", "hte_count"],
    ["Z001", "中关村科技园区", 2023, 6.5, 12000],
    ["Z001", "中关村科技园区", 2024, 6.75, None],
    ["Z002", "张江高科技园区", 2024, 4.25, 3100],
]
WIDE_EXPECTED = [
    ParsedCell(2, "rd_intensity", "Z001", "rd_intensity", 2023, 6.5),
    ParsedCell(2, "hte_count", "Z001", "hte_count", 2023, 12000.0),
    ParsedCell(3, "rd_intensity", "Z001", "rd_intensity", 2024, 6.75),
    ParsedCell(4, "rd_intensity", "Z002", "rd_intensity", 2024, 4.25),
    ParsedCell(4, "hte_count", "Z002", "hte_count", 2024, 3100.0),
]
LONG_ROWS: list[list[object]] = [
    ["zone_code", "indicator_code", "year", "value", "source"],
    ["Z001", "rd_intensity", 2024, 6.5, "统计局"],
    ["Z001", "hte_count", 2024, 12000, ""],
    ["Z002", "rd_intensity", 2023, -0.5, "年报"],
]
LONG_EXPECTED = [
    ParsedCell(2, "value", "Z001", "rd_intensity", 2024, 6.5),
    ParsedCell(3, "value", "Z001", "hte_count", 2024, 12000.0),
    ParsedCell(4, "value", "Z002", "rd_intensity", 2023, -0.5),
]


def to_csv(rows: Sequence[Any], delimiter: str = ",") -> str:
    """Render rows as CSV text the way Excel does (None becomes an empty cell)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue()


def to_xlsx(rows: Sequence[Any], sheets: Sequence[str] = ("Sheet1",), target: int = 0) -> bytes:
    """Write rows into sheet number ``target`` of a new workbook; other sheets hold a decoy."""
    workbook = openpyxl.Workbook()
    for index, name in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet(name)
        assert sheet is not None
        sheet.title = name
        content: Sequence[Any] = rows if index == target else [["decoy"], [1, 2, 3]]
        for row in content:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse(data: bytes, filename: str | None = "data.csv", **kwargs: object) -> ParsedImport:
    """Parse with the catalog subset above unless told otherwise."""
    options: dict[str, object] = {"content_type": None, "known_indicators": KNOWN}
    options.update(kwargs)
    return parse_import(data, filename=filename, **options)  # type: ignore[arg-type]


def problems_of(data: bytes, filename: str | None = "data.csv", **kwargs: object) -> list[CellProblem]:
    """Return the problems of a file that must fail to parse."""
    with pytest.raises(ImportParseError) as caught:
        parse(data, filename, **kwargs)
    assert caught.value.problems, "an ImportParseError must carry at least one problem"
    return caught.value.problems


def where(problems: Sequence[CellProblem]) -> set[tuple[int | None, str | None]]:
    """The (row, column) positions of the problems."""
    return {(p.row, p.column) for p in problems}


# --- round trips ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "prefix", "reported"),
    [("utf-8", b"", "utf-8"), ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"), ("gb18030", b"", "gb18030")],
)
def test_wide_csv_round_trip(encoding: str, prefix: bytes, reported: str) -> None:
    result = parse(prefix + to_csv(WIDE_ROWS).encode(encoding))
    assert (result.layout, result.file_format, result.encoding) == ("wide", "csv", reported)
    assert result.cells == WIDE_EXPECTED
    assert result.row_count == 3


@pytest.mark.parametrize(
    ("encoding", "prefix", "reported"),
    [("utf-8", b"", "utf-8"), ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"), ("gbk", b"", "gb18030")],
)
def test_long_csv_round_trip(encoding: str, prefix: bytes, reported: str) -> None:
    result = parse(prefix + to_csv(LONG_ROWS).encode(encoding))
    assert (result.layout, result.file_format, result.encoding) == ("long", "csv", reported)
    assert result.cells == LONG_EXPECTED
    assert result.row_count == 3


def test_gb18030_wide_with_chinese_aliases_and_names() -> None:
    rows = [
        ["园区代码", "园区名称", "省份", "年份", "rd_intensity", "HTE_Count"],
        ["Z001", "中关村科技园区", "北京", "2024", "6.5", "12000"],
        ["Z002", "武汉东湖新技术开发区", "湖北", "2024.0", " 3.5e0 ", ""],
    ]
    result = parse(to_csv(rows).encode("gb18030"), "园区指标.csv")
    assert result.encoding == "gb18030"
    assert result.layout == "wide"
    assert result.cells == [
        ParsedCell(2, "rd_intensity", "Z001", "rd_intensity", 2024, 6.5),
        ParsedCell(2, "HTE_Count", "Z001", "hte_count", 2024, 12000.0),
        ParsedCell(3, "rd_intensity", "Z002", "rd_intensity", 2024, 3.5),
    ]


def test_gbk_long_with_chinese_aliases() -> None:
    rows = [
        ["园区代码", "指标代码", "年份", "数值", "备注"],
        ["Z001", "rd_intensity", "2024", "1234.5", "初步数据"],
    ]
    result = parse(to_csv(rows).encode("gbk"))
    assert result.layout == "long"
    assert result.encoding == "gb18030"
    assert result.cells == [ParsedCell(2, "数值", "Z001", "rd_intensity", 2024, 1234.5)]


def test_utf16_tab_separated_text_as_excel_exports_it() -> None:
    data = to_csv(LONG_ROWS, "\t").encode("utf-16")
    result = parse(data, "export.txt")
    assert (result.encoding, result.layout, result.cells) == ("utf-16", "long", LONG_EXPECTED)


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_delimiters(delimiter: str) -> None:
    assert parse(to_csv(WIDE_ROWS, delimiter).encode()).cells == WIDE_EXPECTED


def test_wide_xlsx_round_trip() -> None:
    result = parse(to_xlsx(WIDE_ROWS), "data.xlsx")
    assert (result.layout, result.file_format, result.encoding) == ("wide", "xlsx", None)
    assert result.cells == WIDE_EXPECTED


def test_long_xlsx_round_trip_without_filename() -> None:
    result = parse(to_xlsx(LONG_ROWS), None, content_type=XLSX_TYPE)
    assert (result.layout, result.file_format) == ("long", "xlsx")
    assert result.cells == LONG_EXPECTED


def test_xlsx_prefers_a_sheet_named_data() -> None:
    data = to_xlsx(LONG_ROWS, sheets=("说明", "Data"), target=1)
    assert parse(data, "x.xlsx").cells == LONG_EXPECTED


def test_xlsx_skips_a_hidden_first_sheet() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx(LONG_ROWS, sheets=("旧数据", "2024"), target=1)))
    workbook["旧数据"].sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert parse(buffer.getvalue(), "x.xlsx").cells == LONG_EXPECTED


def test_xlsx_numeric_zone_codes_and_float_years() -> None:
    rows = [["zone_code", "year", "rd_intensity"], [110108, 2024.0, "2.5"]]
    assert parse(to_xlsx(rows), "x.xlsx").cells == [
        ParsedCell(2, "rd_intensity", "110108", "rd_intensity", 2024, 2.5)
    ]


def test_xlsx_rows_keep_sheet_numbering_after_title_and_blank_rows() -> None:
    rows: list[list[object]] = [["2024年园区指标"], [], *WIDE_ROWS]
    result = parse(to_xlsx(rows), "x.xlsx")
    assert [c.row for c in result.cells] == [c.row + 2 for c in WIDE_EXPECTED]


def test_csv_title_row_and_blank_lines_are_skipped_but_counted() -> None:
    text = "园区指标汇总\r\n\r\n" + to_csv(LONG_ROWS) + "\r\n,,,,\r\n"
    result = parse(text.encode())
    assert [c.row for c in result.cells] == [4, 5, 6]
    assert result.row_count == 3


def test_sniffs_format_without_name_or_type() -> None:
    assert parse(to_xlsx(LONG_ROWS), None).file_format == "xlsx"
    assert parse(to_csv(LONG_ROWS).encode(), None).file_format == "csv"


def test_ambiguous_windows_csv_content_type_is_accepted() -> None:
    result = parse(to_csv(LONG_ROWS).encode(), "data.csv", content_type="application/vnd.ms-excel")
    assert result.cells == LONG_EXPECTED


def test_without_known_indicators_every_non_label_column_is_an_indicator() -> None:
    rows = [["zone_code", "year", "anything", "note"], ["Z1", "2024", "1", "ignored"]]
    result = parse(to_csv(rows).encode(), known_indicators=None)
    assert result.cells == [ParsedCell(2, "anything", "Z1", "anything", 2024, 1.0)]


def test_accepted_number_spellings() -> None:
    spellings = {"+1": 1.0, " 2.5 ": 2.5, "1e3": 1000.0, "-1.5E-2": -0.015, "\u3000 7.5\u00a0": 7.5, ".5": 0.5,
                 "3.": 3.0, "-0": 0.0}  # fmt: skip
    rows: list[list[object]] = [["zone_code", "indicator_code", "year", "value"]]
    rows += [[f"Z{i}", "rd_intensity", 2024, text] for i, text in enumerate(spellings)]
    cells = parse(to_csv(rows).encode()).cells
    assert [c.value for c in cells] == list(spellings.values())


REFUSED_SPELLINGS = {
    "1,234.5": "thousands separators", "1,5": "thousands separators", "１２，０００": "thousands separators",
    "1_0": "underscores", "٥": "ASCII digits", "１２．５": "ASCII digits", "－３": "ASCII digits",
    "12.5%": "percent", "\u22124": "not a number", "1.2.3": "not a number", "0x10": "not a number",
    "TRUE": "not a number", "1e": "not a number", "++1": "not a number",
}  # fmt: skip


def test_refused_number_spellings_name_their_row_and_reason() -> None:
    # issue 11 item 8: one number parser; locale spellings are refused, never guessed at
    rows: list[list[object]] = [["zone_code", "indicator_code", "year", "value"]]
    rows += [[f"Z{i}", "rd_intensity", 2024, text] for i, text in enumerate(REFUSED_SPELLINGS)]
    problems = problems_of(to_csv(rows).encode())
    assert [(p.row, p.column, p.value) for p in problems] == [
        (i + 2, "value", text) for i, text in enumerate(REFUSED_SPELLINGS)
    ]
    for problem, reason in zip(problems, REFUSED_SPELLINGS.values(), strict=True):
        assert problem.message.startswith("not a number") and reason in problem.message
        assert problem.code == "not_a_number"


# --- errors: the file is not what it says -----------------------------------------------------------


def test_xlsx_bytes_named_csv() -> None:
    [problem] = problems_of(to_xlsx(LONG_ROWS), "data.csv")
    assert "data.csv" in problem.message and "workbook" in problem.message


def test_csv_text_named_xlsx() -> None:
    [problem] = problems_of(to_csv(LONG_ROWS).encode(), "data.xlsx")
    assert "data.xlsx" in problem.message and "text" in problem.message


def test_csv_text_sent_as_xlsx_content_type() -> None:
    [problem] = problems_of(to_csv(LONG_ROWS).encode(), None, content_type=XLSX_TYPE)
    assert XLSX_TYPE in problem.message


@pytest.mark.parametrize("filename", ["data.csv", "data.xlsx", None])
def test_pdf_bytes(filename: str | None) -> None:
    [problem] = problems_of(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", filename)
    assert "PDF" in problem.message


def test_pdf_extension_is_refused() -> None:
    [problem] = problems_of(b"%PDF-1.7\n", "report.pdf")
    assert ".pdf" in problem.message


def test_legacy_xls_gets_a_save_as_hint() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    for filename in ("old.xls", None):
        [problem] = problems_of(ole, filename)
        assert ".xlsx" in problem.message


def test_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    [problem] = problems_of(buffer.getvalue(), "data.xlsx")
    assert "Word" in problem.message


def test_truncated_xlsx() -> None:
    data = to_xlsx(LONG_ROWS)
    [problem] = problems_of(data[: len(data) // 2], "data.xlsx")
    assert problem.row is None


def test_undecodable_csv() -> None:
    [problem] = problems_of(b"zone_code,year\n\xff\xff\xff,2024\n")
    assert "UTF-8" in problem.message


def test_csv_with_nul_bytes_is_binary() -> None:
    [problem] = problems_of(b"zone_code,year\x00,x\n")
    assert "binary" in problem.message


# --- errors: empty and headerless -------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \r\n\t", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n", b"\xff\xfe"])
@pytest.mark.parametrize("filename", ["data.csv", "data.xlsx", None])
def test_empty_file(data: bytes, filename: str | None) -> None:
    [problem] = problems_of(data, filename)
    assert problem.message.startswith("empty file")


@pytest.mark.parametrize("filename", ["data.csv", None])
def test_csv_of_only_delimiters_is_empty(filename: str | None) -> None:
    [problem] = problems_of(b"\r\n,,,\r\n\t,\r\n", filename)
    assert problem.message.startswith("empty file")


def test_empty_xlsx_sheet() -> None:
    [problem] = problems_of(to_xlsx([]), "data.xlsx")
    assert "empty" in problem.message


def test_no_header_row_names_missing_columns() -> None:
    [problem] = problems_of(b"Z001,2024,6.5,12000\nZ002,2024,4.2,3100\n")
    assert problem.row == 1
    assert "zone_code" in problem.message and "year" in problem.message
    assert "looks like data" in problem.message


def test_long_header_missing_value_column() -> None:
    [problem] = problems_of(b"zone_code,indicator_code,year\nZ1,rd_intensity,2024\n")
    assert problem.row == 1 and "value" in problem.message


def test_wide_header_without_indicators() -> None:
    [problem] = problems_of(b"zone_code,year,zone_name\nZ1,2024,x\n")
    assert "indicator" in problem.message


# --- errors: per cell, all of them ------------------------------------------------------------------


def test_non_numeric_values_each_reported() -> None:
    rows = [
        ["zone_code", "year", "rd_intensity", "hte_count"],
        ["Z1", 2024, "abc", "12%"],
        ["Z2", 2024, "1.0", "-"],
        ["Z3", 2024, "1_000", "5"],
    ]
    problems = problems_of(to_csv(rows).encode())
    assert where(problems) == {(2, "rd_intensity"), (2, "hte_count"), (3, "hte_count"), (4, "rd_intensity")}
    assert {p.value for p in problems} == {"abc", "12%", "-", "1_000"}
    assert all(p.message.startswith("not a number") and p.code == "not_a_number" for p in problems)


@pytest.mark.parametrize(("bad", "code"), [("nan", "not_a_number"), ("NaN", "not_a_number"), ("inf", "not_a_number"),
                                           ("-Infinity", "not_a_number"), ("1e999", "not_finite")])
def test_non_finite_values(bad: str, code: str) -> None:
    rows = [["zone_code", "indicator_code", "year", "value"], ["Z1", "rd_intensity", 2024, bad]]
    [problem] = problems_of(to_csv(rows).encode())
    assert (problem.row, problem.column, problem.value, problem.code) == (2, "value", bad, code)
    assert problem.message.startswith("not a")


def test_three_bad_cells_give_three_problems_xlsx() -> None:
    rows: list[list[object]] = [
        ["zone_code", "year", "rd_intensity", "hte_count"],
        ["Z1", 2024, "n/a", 5],
        ["Z2", 2024, 1.0, "many"],
        ["Z3", 2024, True, 7],
    ]
    problems = problems_of(to_xlsx(rows), "data.xlsx")
    assert where(problems) == {(2, "rd_intensity"), (3, "hte_count"), (4, "rd_intensity")}
    assert len(problems) == 3


def test_bad_years() -> None:
    rows = [
        ["zone_code", "indicator_code", "year", "value"],
        ["Z1", "rd_intensity", "2024.5", "1"],
        ["Z1", "rd_intensity", "二〇二四", "1"],
        ["Z1", "rd_intensity", "", "1"],
        ["Z1", "rd_intensity", " 2024 ", "1"],
    ]
    problems = problems_of(to_csv(rows).encode())
    assert where(problems) == {(2, "year"), (3, "year"), (4, "year")}
    assert [p.message for p in problems] == [
        "year is not a whole number",
        "year is not a number",
        "missing year",
    ]


def test_missing_zone_codes() -> None:
    rows = [
        ["zone_code", "year", "rd_intensity"],
        ["", 2024, 1],
        ["Z2", 2024, 2],
        ["  ", 2024, 3],
    ]
    problems = problems_of(to_csv(rows).encode())
    assert where(problems) == {(2, "zone_code"), (4, "zone_code")}
    assert all(p.message == "missing zone code" for p in problems)


def test_long_form_missing_cells() -> None:
    rows = [
        ["zone_code", "indicator_code", "year", "value"],
        ["Z1", "rd_intensity", 2024, ""],
        ["Z1", "", 2024, "1"],
    ]
    problems = problems_of(to_csv(rows).encode())
    assert where(problems) == {(2, "value"), (3, "indicator_code")}


def test_duplicate_key_names_both_rows() -> None:
    rows = [
        ["zone_code", "indicator_code", "year", "value"],
        ["Z1", "rd_intensity", 2024, "1"],
        ["Z1", "hte_count", 2024, "1"],
        ["Z1", "RD_INTENSITY", "2024.0", "2"],
    ]
    [problem] = problems_of(to_csv(rows).encode())
    assert problem.row == 4
    assert "rows 2 and 4" in problem.message


def test_duplicate_rows_in_wide_form_report_each_indicator() -> None:
    rows = [["zone_code", "year", "rd_intensity", "hte_count"], ["Z1", 2024, 1, 2], ["Z1", 2024, 3, 4]]
    problems = problems_of(to_xlsx(rows), "d.xlsx")
    assert where(problems) == {(3, "rd_intensity"), (3, "hte_count")}
    assert all("rows 2 and 3" in p.message for p in problems)


def test_unknown_indicator_columns_each_reported() -> None:
    rows = [
        ["zone_code", "zone_name", "year", "rd_intensity", "bogus", "also_bogus", "province"],
        ["Z1", "某园区", 2024, 1, 2, 3, "江苏"],
    ]
    problems = problems_of(to_csv(rows).encode())
    assert where(problems) == {(1, "bogus"), (1, "also_bogus")}


def test_unknown_indicator_in_long_form() -> None:
    rows = [
        ["zone_code", "indicator_code", "year", "value"],
        ["Z1", "nope", 2024, 1],
        ["Z1", "rd_intensity", 2024, 1],
        ["Z2", "nope", 2024, 1],
    ]
    problems = problems_of(to_csv(rows).encode())
    assert where(problems) == {(2, "indicator_code"), (4, "indicator_code")}
    assert {p.value for p in problems} == {"nope"}


def test_values_under_blank_header_in_wide_form() -> None:
    rows = [["zone_code", "year", "rd_intensity", ""], ["Z1", 2024, 1, "stray"], ["Z1", 2023, 1, "", "x"]]
    problems = problems_of(to_csv(rows).encode())
    assert where(problems) == {(2, "column D"), (3, "column E")}


def test_every_problem_in_one_error() -> None:
    rows = [
        ["zone_code", "year", "rd_intensity", "unknown_col"],
        ["", "20x", "nan", "1"],
        ["Z1", 2024, "inf", ""],
        ["Z1", 2024, "1", ""],
        ["Z1", 2024, "2", ""],
    ]
    with pytest.raises(ImportParseError) as caught:
        parse(to_csv(rows).encode())
    assert where(caught.value.problems) == {
        (1, "unknown_col"),
        (2, "zone_code"),
        (2, "year"),
        (2, "rd_intensity"),
        (3, "rd_intensity"),
        (5, "rd_intensity"),
    }
    assert str(caught.value).startswith("6 problems in the import file: row 1, column 'unknown_col'")


def test_max_rows_gives_a_single_problem() -> None:
    rows: list[list[object]] = [["zone_code", "indicator_code", "year", "value"]]
    rows += [["Z1", "bad indicator", "x", "y"] for _ in range(10)]
    [problem] = problems_of(to_csv(rows).encode(), max_rows=5)
    assert "5" in problem.message and problem.row is None
    assert parse(to_csv(LONG_ROWS).encode(), max_rows=3).row_count == 3


def test_malformed_csv_field_is_reported() -> None:
    data = b'zone_code,year,rd_intensity\nZ1,2024,"' + b"9" * 200_000 + b'"\n'
    [problem] = problems_of(data)
    assert problem.row == 2 and "malformed" in problem.message


# --- robustness and speed ---------------------------------------------------------------------------

_seeds = [to_csv(LONG_ROWS).encode("gb18030"), b"PK\x03\x04", b"\xef\xbb\xbf", b"%PDF", b"\xff\xfe"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.builds(lambda seed, tail: seed + tail, st.sampled_from(_seeds), st.binary(max_size=300)),
        st.text(alphabet=",;\t\r\n\"' 0123456789.eEnaifZ_-年份园区代码zone_codyearvlu", max_size=300).map(
            str.encode
        ),
    ),
    filename=st.sampled_from(["data.csv", "data.xlsx", None]),
    known=st.sampled_from([None, KNOWN]),
)
def test_any_bytes_parse_or_raise_import_parse_error(
    data: bytes, filename: str | None, known: object
) -> None:
    try:
        result = parse(data, filename, known_indicators=known)
    except ImportParseError as exc:
        assert exc.problems
        assert all(isinstance(p, CellProblem) for p in exc.problems)
        assert str(exc)
    else:
        assert isinstance(result, ParsedImport)


@settings(max_examples=60, deadline=None)
@given(cut=st.integers(min_value=1), flip=st.integers(min_value=0, max_value=255))
def test_corrupted_xlsx_never_escapes(cut: int, flip: int) -> None:
    data = bytearray(to_xlsx(LONG_ROWS))
    position = cut % len(data)
    data[position] ^= flip
    # Either outcome is fine; any other exception fails the test.
    with contextlib.suppress(ImportParseError):
        parse(bytes(data), "data.xlsx")


def test_100k_cells_csv_parse_quickly() -> None:
    codes = sorted(KNOWN) + [f"ind_{i}" for i in range(22)]
    header = ["zone_code", "zone_name", "year", *codes]
    lines = [",".join(header)]
    for zone in range(1000):
        for year in (2023, 2024, 2025, 2026):
            values = ",".join(f"{(zone * 31 + i * 7 + year) % 1000 / 7:.4f}" for i in range(len(codes)))
            lines.append(f"Z{zone:04d},园区{zone},{year},{values}")
    data = ("\n".join(lines) + "\n").encode()
    known = frozenset(codes)
    # Its speed is measured by `make bench` (ingest section), not asserted here.
    result = parse(data, known_indicators=known)
    assert len(result.cells) == 100_000
