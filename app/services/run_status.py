"""The words of the publication lifecycle, shared by the run services: the statuses, a run's slot (model,
year and zone filter) and who may see which status. The lifecycle itself is app.services.publication."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum

from app.services.matrix import ZoneFilter
from app.services.run_document import StoredRun


class RunStatus(StrEnum):
    """Where a run stands in its lifecycle."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


PUBLIC_STATUSES = (RunStatus.PUBLISHED, RunStatus.SUPERSEDED)


def filter_key(zone_filter: ZoneFilter) -> str:
    """SHA-256 of the canonical zone filter: the same zones chosen the same way give the same key
    (province and zone lists are sets). migrations/versions/0007_publication.py computes the same."""
    data = zone_filter.model_dump(mode="json")
    data["provinces"] = sorted(set(data["provinces"]))
    data["zones"] = sorted(set(data["zones"]))
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def official_filter(province: str | None) -> ZoneFilter:
    """The zone filter of the official run of one province (``None``: of the whole country)."""
    return ZoneFilter(provinces=[province] if province else [])


@dataclass(frozen=True)
class Viewer:
    """What a caller may see: published and superseded runs always, drafts only when ``sees_drafts``."""

    sees_drafts: bool = False

    def statuses(self) -> tuple[RunStatus, ...]:
        """The statuses listed to this viewer by default (withdrawn runs only when asked for)."""
        return (*PUBLIC_STATUSES, RunStatus.DRAFT) if self.sees_drafts else PUBLIC_STATUSES

    def may_see(self, status: str) -> bool:
        """Whether a run in ``status`` may be shown at all (withdrawn runs are shown as gone)."""
        return status != RunStatus.DRAFT or self.sees_drafts


PUBLIC = Viewer()


def official_province(zone_filter: ZoneFilter) -> tuple[bool, str | None]:
    """(True, province) when the official endpoints name runs of this zone filter — all zones (province None)
    or exactly one province — else (False, None)."""
    province = zone_filter.provinces[0] if len(zone_filter.provinces) == 1 else None
    return zone_filter == official_filter(province), province


def run_links(run: StoredRun) -> dict[str, str | None]:
    """Paths (under the service's address) of the run, its ranking, its successor once superseded, and its
    official result when the official endpoints name runs of its zone filter."""
    official, province = official_province(run.zone_filter)
    official_path = None
    if official:
        official_path = f"/api/v1/official?model={run.model_key}&year={run.year}" + (
            f"&province={province}" if province else "")
    successor = run.publication.superseded_by
    return {
        "run": f"/api/v1/evaluations/{run.id}", "rankings": f"/api/v1/evaluations/{run.id}/rankings",
        "successor": f"/api/v1/evaluations/{successor}" if successor is not None else None,
        "official": official_path,
    }
