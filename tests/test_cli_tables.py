"""The command line reads well: aligned tables in Chinese and English, tiers best first, a list of runs,
province codes checked, help without stray line breaks."""

from __future__ import annotations

import inspect
import re

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from app.cli import cli
from app.i18n import Language
from app.texts import text
from scoring_models.labels import LabelKind, label, labels


def _evaluate(*args: str) -> list[str]:
    result = CliRunner().invoke(cli, ["evaluate", "--model", "innovation-peak", "--year", "2024", "--runs", "0",
                                      *args])
    assert result.exit_code == 0, result.output
    return result.stdout.rstrip().splitlines()


def test_evaluate_prints_an_aligned_table_and_tiers_best_first(demo_env: str) -> None:
    for lang in ("zh-CN", "en"):
        lines = _evaluate("--lang", lang)
        catalog_lang = "zh" if lang == "zh-CN" else "en"
        order = [label(LabelKind.TIERS, code, catalog_lang) for code in labels(LabelKind.TIERS)]
        shown = [part.rsplit(" ", 1)[0] for part in lines[1].split(": ", 1)[1].split(", ")]
        assert shown == [t for t in order if t in shown] and len(shown) >= 3, lines[1]
        rows = lines[3:]
        assert len(rows) == 10
        # every composite ends in the same terminal column, whatever the width of the names before it
        ends = {cell_len(row[: row.index(number) + len(number)])
                for row in rows for number in [re.findall(r"\d+\.\d\d", row)[0]]}
        assert len(ends) == 1, rows
        # the zone codes start where their header does
        header = lines[2]
        code_header = text("zone_code", Language(lang))
        assert {cell_len(row[: row.index("DEMO-")]) for row in rows} == {cell_len(header[: header.index(code_header)])}


def test_runs_list_shows_runs_newest_first_with_their_scope(demo_env: str) -> None:
    _evaluate()
    _evaluate("--province", "33", "--province", "32")
    result = CliRunner().invoke(cli, ["runs", "list", "--lang", "en"])
    assert result.exit_code == 0, result.output
    header, *rows = result.stdout.rstrip().splitlines()
    assert header.split()[:2] == ["Run", "Model"]
    assert [row.split()[0] for row in rows] == ["2", "1"]
    assert "Jiangsu, Zhejiang" in rows[0] or "Zhejiang, Jiangsu" in rows[0]
    assert "All provinces" in rows[1]
    only = CliRunner().invoke(cli, ["runs", "list", "--model", "comprehensive"])
    assert only.exit_code == 0 and only.stdout.strip() == "尚无评价运行"


def test_province_codes_are_checked_not_silently_empty(demo_env: str) -> None:
    for args in (["evaluate", "--model", "innovation-peak", "--year", "2024", "--province", "99"],
                 ["export", "zones", "--province", "330000"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert "unknown province code" in result.output


def _commands() -> list[tuple[str, str]]:
    from app.cli_runs import runs_cli

    found = [(c.name or c.callback.__name__, inspect.getdoc(c.callback) or "")
             for c in cli.registered_commands if c.callback is not None]
    found += [(f"runs {c.name}", inspect.getdoc(c.callback) or "")
              for c in runs_cli.registered_commands if c.callback is not None]
    return found


def test_help_shows_each_paragraph_without_stray_line_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    overview = CliRunner().invoke(cli, ["--help"], terminal_width=300).output
    checked = 0
    for name, doc in _commands():
        first = " ".join(doc.split("\n\n")[0].split())
        own = CliRunner().invoke(cli, [*name.split(), "--help"], terminal_width=300).output
        # a paragraph is one line of help (the terminal is wide enough for any of them)
        assert any(first in line for line in own.splitlines()), (name, first)
        if " " not in name:
            assert any(first in line for line in overview.splitlines()), (name, first)
        checked += 1
    assert checked >= 8
