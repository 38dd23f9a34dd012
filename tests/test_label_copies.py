"""Labels have one definition: no module of app/ or scoring_models/ spells a catalog label itself."""

from __future__ import annotations

import ast
from pathlib import Path

from scoring_models.labels import LabelKind, label_data

ROOT = Path(__file__).parents[1]

# Pillar names are part of each declarative model spec (a spec may word its pillars its own way),
# and the four municipalities are city names as well as provinces (the demo data's cities).
_NOT_CHECKED = {LabelKind.PILLARS}
_MUNICIPALITIES = {"11", "12", "31", "50"}



def _spelled_labels() -> dict[str, str]:
    """Every hand-written zh label (and province short name) → the kind and code it labels."""
    out: dict[str, str] = {}
    for kind, pairs in label_data().sets.items():
        if kind in _NOT_CHECKED:
            continue
        for code, pair in pairs.items():
            if kind is LabelKind.PROVINCES and code in _MUNICIPALITIES:
                continue
            out[pair.zh] = f"{kind}:{code}"
            if pair.zh_short:
                out[pair.zh_short] = f"{kind}:{code}"
    return out


def _copies(source: str, rel: str) -> list[str]:
    """The catalog labels ``source`` spells as whole string literals (prose in docstrings may name them)."""
    spelled = _spelled_labels()
    return [
        f"{rel}:{node.lineno} {node.value!r} ({spelled[node.value]})"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and node.value in spelled
    ]


def test_no_module_spells_a_catalog_label() -> None:
    copies = []
    for path in sorted([*ROOT.joinpath("app").rglob("*.py"), *ROOT.joinpath("scoring_models").rglob("*.py")]):
        copies += _copies(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    assert copies == []


def test_templates_spell_no_catalog_label() -> None:
    spelled = _spelled_labels()
    for path in ROOT.joinpath("app", "ui", "templates").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not [s for s in spelled if f">{s}<" in text], path.name


def test_the_check_sees_a_copy_and_not_prose() -> None:
    spelled = _spelled_labels()
    assert {"创新高峰", "瞪羚园区", "浙江省", "浙江", "低新化风险"} <= set(spelled)
    table = '"""创新高峰 tiers."""\nTIERS = {"peak": ("创新高峰", "Innovation peak")}\nP = ["浙江省", "北京市"]\n'
    assert sorted(_copies(table, "x.py")) == ["x.py:2 '创新高峰' (tiers:peak)", "x.py:3 '浙江省' (provinces:33)"]
