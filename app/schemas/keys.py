"""API key and audit-trail resources."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.security import Scope
from scoring_models.labels import LabelKind, labels


class KeyCreate(BaseModel):
    """A new key: a name people recognise, its scopes and, for submit keys, the provinces it may write."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120, examples=["浙江门户"])
    scopes: list[Scope] = Field(min_length=1, examples=[["submit"]])
    provinces: list[str] = Field(default_factory=list, max_length=40, examples=[["33"]],
                                 description="GB/T 2260 two-digit codes; empty: every province")

    @field_validator("provinces")
    @classmethod
    def _known_provinces(cls, value: list[str]) -> list[str]:
        known = labels(LabelKind.PROVINCES)
        unknown = [p for p in value if p not in known]
        if unknown:
            raise ValueError(f"unknown province code(s) {', '.join(map(repr, unknown))}")
        return sorted(set(value))

    @field_validator("scopes")
    @classmethod
    def _unique_scopes(cls, value: list[Scope]) -> list[Scope]:
        return sorted(set(value))


class KeyOut(BaseModel):
    """A stored key, without its secret."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    scopes: list[str]
    provinces: list[str]
    created_at: datetime
    created_by: str | None
    revoked_at: datetime | None


class KeyCreated(KeyOut):
    """A key just created: the only time its secret is shown."""

    key: str = Field(description="the secret; store it now, it cannot be shown again")


class AuditEventOut(BaseModel):
    """One write in the audit trail."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    key_id: int | None
    key_name: str | None
    action: str
    entity_type: str
    entity_id: str | None
    old_values: Any
    new_values: Any
    request_id: str | None = Field(description="the server's id of the request that made the change")
    client_request_id: str | None = Field(
        default=None, description="the X-Request-ID the client sent with that request, if any (not checked)")
