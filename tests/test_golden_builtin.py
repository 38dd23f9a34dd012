"""The built-in models on the demo data give what the snapshot recorded (see tests/golden/builtin_results.py)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from tests.golden.builtin_results import SNAPSHOT, compute


@pytest.fixture(scope="module")
def fresh() -> dict[str, Any]:
    return compute()


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=0.0, abs_tol=1e-9)


def test_same_runs_and_versions(fresh: dict[str, Any]) -> None:
    expected = json.loads(SNAPSHOT.read_text())
    assert sorted(fresh) == sorted(expected)
    for run, want in expected.items():
        assert fresh[run]["version"] == want["version"], run
        assert fresh[run]["excluded"] == want["excluded"], run
        assert sorted(fresh[run]["zones"]) == sorted(want["zones"]), run


def test_same_ranks_tiers_profiles_badges_and_composites(fresh: dict[str, Any]) -> None:
    expected = json.loads(SNAPSHOT.read_text())
    differences: list[str] = []
    for run, want in expected.items():
        for code, w in want["zones"].items():
            got = fresh[run]["zones"][code]
            for field in ("rank", "tier", "subgroup", "profile", "badges", "peer_group"):
                if got[field] != w[field]:
                    differences.append(f"{run} {code} {field}: {w[field]!r} -> {got[field]!r}")
            for field in ("composite", "rpi"):
                if not _close(got[field], w[field]):
                    differences.append(f"{run} {code} {field}: {w[field]!r} -> {got[field]!r}")
    assert not differences, f"{len(differences)} differences, first: {differences[:10]}"
