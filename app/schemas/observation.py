"""Observation resources: batch upserts, queries in long and wide form, cell history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import NumberOrText, WholeNumber, WriteSummary


class ObservationStatus(StrEnum):
    """How far a value has been checked."""

    REPORTED = "reported"
    VERIFIED = "verified"
    ESTIMATED = "estimated"


class ObservationIn(BaseModel):
    """One cell to insert or update. ``value`` may be a JSON number or a numeric string."""

    model_config = ConfigDict(extra="forbid")

    zone_code: str = Field(min_length=1, max_length=40, examples=["DEMO-33-N01"])
    indicator_code: str = Field(min_length=1, max_length=64, examples=["rd_intensity"])
    year: WholeNumber = Field(examples=[2024])
    value: NumberOrText = Field(examples=[6.8], description="a number, or text holding a plain ASCII decimal "
                                "(no thousands separators, underscores or non-ASCII digits)")
    source: str | None = Field(default=None, max_length=64)
    status: ObservationStatus = ObservationStatus.REPORTED


class ObservationBatch(BaseModel):
    """A batch written all or nothing."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"observations": [
        {"zone_code": "DEMO-33-N01", "indicator_code": "rd_intensity", "year": 2024, "value": 6.8,
         "source": "浙江省科技厅", "status": "verified"},
        {"zone_code": "DEMO-33-N01", "indicator_code": "hte_count", "year": 2024, "value": "1236"},
    ]}]})

    observations: list[ObservationIn] = Field(min_length=1)


class ObservationOut(BaseModel):
    """A stored cell."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "zone_code": "DEMO-33-N01", "indicator_code": "rd_intensity", "year": 2024, "value": 6.8,
        "source": "浙江省科技厅", "status": "verified", "submitted_by": None,
        "updated_at": "2026-03-02T08:15:00Z", "revision": 2,
    }]})

    zone_code: str
    indicator_code: str
    year: int
    value: float
    source: str | None
    status: ObservationStatus
    submitted_by: str | None
    updated_at: datetime
    revision: int


class WideRow(BaseModel):
    """One zone-year with its indicator values."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "zone_code": "DEMO-33-N01", "year": 2024, "values": {"hte_count": 1236, "rd_intensity": 6.8},
    }]})

    zone_code: str
    year: int
    values: dict[str, float]


class ObservationChangeOut(BaseModel):
    """One change of a cell."""

    zone_code: str
    indicator_code: str
    year: int
    old_value: float | None
    new_value: float
    old_status: str | None
    new_status: str
    source: str | None
    changed_by: str | None = Field(description="name of the API key (or 'cli', 'seed-demo') that made the change")
    key_id: int | None = Field(default=None, description="id of that API key")
    changed_at: datetime
    request_id: str | None = Field(description="the server's id of the request that made the change")
    client_request_id: str | None = Field(
        default=None, description="the X-Request-ID the client sent with that request, if any (not checked)")


class ImportResult(WriteSummary):
    """What an import did, and how the file was read."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "received": 1200, "inserted": 1150, "updated": 30, "unchanged": 20, "file_format": "xlsx",
        "layout": "wide", "encoding": None, "rows": 20,
    }]})

    file_format: str
    layout: str
    encoding: str | None
    rows: int
