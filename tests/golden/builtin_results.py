"""The six built-in models on the demo data set, reduced to what a reader of a ranking sees.

``tests/test_golden_builtin.py`` compares a fresh computation with the snapshot in
``builtin_results.json``, so a refactoring that changes a rank, tier, profile, badge or composite
fails. A deliberate method change regenerates the snapshot (and says why in its commit):

    .venv/bin/python -m tests.golden.builtin_results --write
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from app.db import make_engine, make_session_factory, session_scope
from app.migrate import upgrade
from app.services.demo_loader import load_demo
from app.services.matrix import ZoneFilter, build_matrix, select_zones
from scoring_models.base import EvaluationOptions
from scoring_models.registry import load_registry

SNAPSHOT = Path(__file__).with_name("builtin_results.json")
BUILTIN_KEYS = (
    "comprehensive", "innovation-strength", "leading-chain", "innovation-officer", "open-cooperation",
    "innovation-peak",
)
YEARS = (2022, 2024)


def compute() -> dict[str, Any]:
    """Evaluate every built-in model (default options) over all demo zones for each of ``YEARS``."""
    registry = load_registry(plugins=False)
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/golden.db")
        try:
            upgrade(engine)
            factory = make_session_factory(engine)
            with session_scope(factory) as session:
                load_demo(session)
            with session_scope(factory) as session:
                zones = select_zones(session, ZoneFilter())
                for year in YEARS:
                    matrix = build_matrix(session, zones, year=year)
                    for key in BUILTIN_KEYS:
                        model = registry.get(key)
                        result = model.evaluate(matrix, options=EvaluationOptions())
                        out[f"{key}/{year}"] = {
                            "version": model.version,
                            "excluded": sorted(e.code for e in result.excluded),
                            "zones": {
                                z.code: {
                                    "rank": z.rank, "composite": z.composite, "tier": z.tier,
                                    "subgroup": z.subgroup, "profile": z.profile, "badges": sorted(z.badges),
                                    "peer_group": z.peer_group, "rpi": z.rpi,
                                }
                                for z in result.zones
                            },
                        }
        finally:
            engine.dispose()
    return out


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.golden.builtin_results --write")
    SNAPSHOT.write_text(json.dumps(compute(), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
    print(f"wrote {SNAPSHOT}")
