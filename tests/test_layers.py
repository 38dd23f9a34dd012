"""The layers keep to their jobs: pages call services, services know nothing of HTTP.

Read from the source (every import statement, including those inside functions), so a leak fails
here before anyone has to notice it in a review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"


def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every import in ``path``; ``import x`` gives (x, "")."""
    found: list[tuple[str, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.module, alias.name) for alias in node.names]
    return found


def _modules(package: str) -> list[Path]:
    return sorted((APP / package).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("ui"), ids=lambda p: p.name)
def test_pages_read_through_services_not_the_database(path: Path) -> None:
    # Only the Session type may pass through (a page hands its request's session to the services).
    leaks = [f"{module}.{name}" for module, name in _imports(path)
             if module.startswith("app.orm") or (module.startswith("sqlalchemy") and name != "Session")]
    assert not leaks, f"{path.relative_to(APP.parent)} queries the database itself: {leaks}"


@pytest.mark.parametrize("path", _modules("services"), ids=lambda p: p.name)
def test_services_know_nothing_of_http(path: Path) -> None:
    leaks = [module for module, _name in _imports(path) if module.split(".")[0] in {"fastapi", "starlette"}]
    assert not leaks, f"{path.relative_to(APP.parent)} imports HTTP machinery: {leaks}"


def test_the_checks_see_imports() -> None:
    # The checks above pass trivially if _imports finds nothing; make sure it finds what is there.
    assert ("fastapi", "APIRouter") in _imports(APP / "ui" / "routes.py")
    assert ("sqlalchemy.orm", "Session") in _imports(APP / "ui" / "routes.py")
