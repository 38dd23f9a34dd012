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

    zone_code: str = Field(min_length=1, max_length=40, description="zone code", examples=["DEMO-33-N01"])
    indicator_code: str = Field(min_length=1, max_length=64, description="indicator code (GET /indicators)",
                                examples=["rd_intensity"])
    year: WholeNumber = Field(description="year of the value", examples=[2024])
    value: NumberOrText = Field(examples=[6.8], description="the value: a JSON number, or text holding a plain "
                                "ASCII decimal (no thousands separators, underscores or non-ASCII digits)")
    source: str | None = Field(default=None, max_length=64, description="where the value comes from",
                               examples=["浙江省科技厅"])
    status: ObservationStatus = Field(default=ObservationStatus.REPORTED, description="reported, verified or "
                                      "estimated", examples=["verified"])


class ObservationBatch(BaseModel):
    """A batch written all or nothing."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"observations": [
        {"zone_code": "DEMO-33-N01", "indicator_code": "rd_intensity", "year": 2024, "value": 6.8,
         "source": "浙江省科技厅", "status": "verified"},
        {"zone_code": "DEMO-33-N01", "indicator_code": "hte_count", "year": 2024, "value": "1236"},
    ]}]})

    observations: list[ObservationIn] = Field(min_length=1, description="the cells; row numbers in problems "
                                              "count from 1 in this list")


class ObservationOut(BaseModel):
    """A stored cell."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "zone_code": "DEMO-33-N01", "indicator_code": "rd_intensity", "year": 2024, "value": 6.8,
        "source": "浙江省科技厅", "status": "verified", "submitted_by": None,
        "updated_at": "2026-03-02T08:15:00Z", "revision": 2,
    }]})

    zone_code: str = Field(description="zone code", examples=["DEMO-33-N01"])
    indicator_code: str = Field(description="indicator code", examples=["rd_intensity"])
    year: int = Field(description="year of the value", examples=[2024])
    value: float = Field(description="the value, in the indicator's unit", examples=[6.8])
    source: str | None = Field(description="where the value comes from", examples=["浙江省科技厅"])
    status: ObservationStatus = Field(description="reported, verified or estimated", examples=["verified"])
    submitted_by: str | None = Field(description="name of the key that wrote it last", examples=["浙江门户"])
    updated_at: datetime = Field(description="when it was last written (UTC)")
    revision: int = Field(description="how many times the cell was written", examples=[2])


class WideRow(BaseModel):
    """One zone-year with its indicator values."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "zone_code": "DEMO-33-N01", "year": 2024, "values": {"hte_count": 1236, "rd_intensity": 6.8},
    }]})

    zone_code: str = Field(description="zone code", examples=["DEMO-33-N01"])
    year: int = Field(description="year", examples=[2024])
    values: dict[str, float] = Field(description="indicator code → value", examples=[{"rd_intensity": 6.8}])


class ObservationChangeOut(BaseModel):
    """One change of a cell."""

    zone_code: str = Field(description="zone code", examples=["DEMO-33-N01"])
    indicator_code: str = Field(description="indicator code", examples=["rd_intensity"])
    year: int = Field(description="year of the cell", examples=[2024])
    old_value: float | None = Field(description="value before the change (null: the cell was new)", examples=[6.1])
    new_value: float = Field(description="value after the change", examples=[6.8])
    old_status: str | None = Field(description="status before the change", examples=["reported"])
    new_status: str = Field(description="status after the change", examples=["verified"])
    source: str | None = Field(description="source given with the change", examples=["浙江省科技厅"])
    changed_by: str | None = Field(description="name of the API key (or 'cli', 'seed-demo') that made the change",
                                   examples=["浙江门户"])
    key_id: int | None = Field(default=None, description="id of that API key", examples=[2])
    changed_at: datetime = Field(description="when (UTC)", examples=["2026-03-02T08:15:00Z"])
    request_id: str | None = Field(description="the server's id of the request that made the change",
                                   examples=["3f2b9c0e8a7d4e51b6c2a9f04d7e1c55"])
    client_request_id: str | None = Field(
        default=None, description="the X-Request-ID the client sent with that request, if any (not checked)",
        examples=["portal-7f3a"])


class ImportResult(WriteSummary):
    """What an import did, and how the file was read."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "received": 1200, "inserted": 1150, "updated": 30, "unchanged": 20, "file_format": "xlsx",
        "layout": "wide", "encoding": None, "rows": 20,
    }]})

    file_format: str = Field(description="csv or xlsx", examples=["xlsx"])
    layout: str = Field(description="wide (one column per indicator) or long (one row per value)",
                        examples=["wide"])
    encoding: str | None = Field(description="text encoding of a CSV (utf-8, utf-8-sig, gb18030, utf-16); null "
                                 "for XLSX", examples=[None])
    rows: int = Field(description="data rows read (rows holding at least one value)", examples=[20])
