"""The committed OpenAPI document (``openapi.json`` at the repository root) and its regeneration.

Clients are generated from the committed file (``examples/portal-ts``), so the file must be what the
app serves at ``/openapi.json``: ``zonescore openapi`` (or ``make openapi``) rewrites it, and
``zonescore openapi --check`` — run by the tests — fails when the app has drifted from it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.config import Settings

OPENAPI_PATH = Path(__file__).resolve().parents[1] / "openapi.json"


def render() -> str:
    """The app's OpenAPI document as the committed file holds it: indented, UTF-8, keys in the app's order."""
    from app.main import create_app

    # The document does not depend on the database; an unused in-memory one keeps this side-effect free.
    spec = create_app(Settings(database_url="sqlite:///:memory:")).openapi()
    return json.dumps(spec, ensure_ascii=False, indent=2) + "\n"


def drift(path: Path = OPENAPI_PATH) -> str | None:
    """None when ``path`` holds exactly the app's document, else what differs (for a message)."""
    current = render()
    if not path.exists():
        return f"{path} does not exist"
    committed = path.read_text(encoding="utf-8")
    if committed == current:
        return None
    old, new = json.loads(committed), json.loads(current)
    changed = _changed("path", old.get("paths", {}), new.get("paths", {})) + _changed(
        "schema", old.get("components", {}).get("schemas", {}), new.get("components", {}).get("schemas", {}))
    return "; ".join(changed[:20]) or "the file differs in formatting or document-level fields"


def _changed(kind: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [f"{kind} {name}" for name in sorted(set(old) | set(new)) if old.get(name) != new.get(name)]
