"""The app's own texts: one table (app.texts), complete in both languages, and no translation inline."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from app.texts import TEXTS

APP = Path(__file__).resolve().parents[1] / "app"


def _fields(template: str) -> set[str]:
    return {name for _literal, name, _spec, _conversion in string.Formatter().parse(template) if name}


def test_every_text_has_both_languages_with_the_same_placeholders() -> None:
    for key, (zh, en) in TEXTS.items():
        assert zh and en, key
        assert _fields(zh) == _fields(en), key


def _text_keys(tree: ast.AST) -> list[str]:
    """Literal keys passed to text(), page.t(), _() and text_column() (f-string keys are checked at run time)."""
    keys: list[str] = []
    # Other modules' text() (SQLAlchemy's, say) take other things than keys.
    own_text = any(isinstance(n, ast.ImportFrom) and n.module == "app.texts" and any(a.name == "text" for a in n.names)
                   for n in ast.walk(tree))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if (name == "t" or (name == "text" and own_text)) and args:
            keys.append(args[0])
        elif name == "text_column" and args:
            keys.append(args[-1])
    return keys


def test_every_key_used_exists() -> None:
    used = [key for path in APP.rglob("*.py") for key in _text_keys(ast.parse(path.read_text(encoding="utf-8")))]
    used += [key for path in (APP / "ui" / "templates").glob("*.html")
             for key in re.findall(r"""_\(\s*["']([a-z0-9_]+)["']\s*\)""", path.read_text(encoding="utf-8"))]
    assert len(used) > 100  # the scan finds the keys at all
    assert sorted(set(used) - set(TEXTS)) == []


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _mentions_language(node: ast.expr) -> bool:
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    attributes = {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
    return bool(names & {"zh", "en", "lang"} or attributes & {"ZH_CN", "EN", "lang"})


def test_no_translation_is_written_inline() -> None:
    # ``"排名" if zh else "Rank"`` belongs in app.texts (or, for a code's label, in the label catalog);
    # app.i18n is where a language is chosen, so it alone may pick between literals.
    inline = [
        f"{path.relative_to(APP.parent)}:{node.lineno}"
        for path in APP.rglob("*.py") if path.name != "i18n.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.IfExp) and _is_text(node.body) and _is_text(node.orelse)
        and _mentions_language(node.test)
    ]
    assert inline == []
