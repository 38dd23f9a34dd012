"""The example plug-in (tests/plugin_pkg) made visible to entry-point discovery, for the tests that ask.

The plug-in is never pip-installed: `make run` and a production install must not list a test model.
The ``example_plugin`` fixture instead puts the package on ``sys.path`` next to a ``.dist-info``
directory written from its ``pyproject.toml``, which is what ``pip install`` would leave behind as
far as :func:`importlib.metadata.entry_points` can tell — so the real discovery path is exercised,
and plain ``pytest`` works without any install step. Registered in ``tests/conftest.py``.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from scoring_models import registry

PLUGIN_DIR = Path(__file__).resolve().parent / "plugin_pkg"
PLUGIN_MODULE = "zonescore_example_plugin"
PLUGIN_KEY = "green-liveable"


def write_dist_info(site: Path) -> Path:
    """Write the plug-in's installed-package metadata (name, version, entry points) under ``site``."""
    project = tomllib.loads((PLUGIN_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name, version = project["name"], project["version"]
    dist_info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    lines: list[str] = []
    for group, entries in project["entry-points"].items():
        lines.append(f"[{group}]")
        lines.extend(f"{key} = {target}" for key, target in entries.items())
    (dist_info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dist_info


@pytest.fixture
def example_plugin(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The example plug-in installed for this test only; yields its model key.

    The process-wide registry is rebuilt on first use inside the test and again after it, so no other
    test sees the plug-in.
    """
    site = tmp_path_factory.mktemp("plugin-site")
    write_dist_info(site)
    monkeypatch.syspath_prepend(str(PLUGIN_DIR))
    monkeypatch.syspath_prepend(str(site))
    registry.default_registry.cache_clear()
    yield PLUGIN_KEY
    registry.default_registry.cache_clear()
    sys.modules.pop(PLUGIN_MODULE, None)
