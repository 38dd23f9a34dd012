"""Shapes shared by several resources."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list with the total number of matching items."""

    items: list[T]
    total: int
    limit: int
    offset: int


class WriteSummary(BaseModel):
    """What a batch write did: counts of inserted, updated and unchanged rows."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"received": 120, "inserted": 100, "updated": 15, "unchanged": 5}
    ]})

    received: int
    inserted: int
    updated: int
    unchanged: int
