"""Shapes shared by several resources."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list with the total number of matching items."""

    # A parametrised generic (Page[ZoneOut]) has no docstring of its own: state the description for it.
    model_config = ConfigDict(json_schema_extra={"description": "One page of a list with the total number of "
                                                 "matching items; the Link header points at the other pages."})

    items: list[T] = Field(description="the items of this page")
    total: int = Field(description="items matching the filters, on every page", examples=[312])
    limit: int = Field(description="page size asked for", examples=[50])
    offset: int = Field(description="items skipped before this page", examples=[0])


class WriteSummary(BaseModel):
    """What a batch write did: counts of inserted, updated and unchanged rows."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"received": 120, "inserted": 100, "updated": 15, "unchanged": 5}
    ]})

    received: int = Field(description="cells received", examples=[120])
    inserted: int = Field(description="cells that were new", examples=[100])
    updated: int = Field(description="cells whose value or status changed", examples=[15])
    unchanged: int = Field(description="cells already stored with the same value and status", examples=[5])
