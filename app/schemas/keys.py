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

    name: str = Field(min_length=1, max_length=120, description="who the key is for; shown in the audit trail",
                      examples=["浙江门户"])
    scopes: list[Scope] = Field(min_length=1, description="what the key may do: read, submit, evaluate, admin",
                                examples=[["submit"]])
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

    id: int = Field(description="key id", examples=[2])
    name: str = Field(description="who the key is for", examples=["浙江门户"])
    prefix: str = Field(description="the key's first characters, to tell keys apart (not secret)",
                        examples=["zs_Xq3v9kPa"])
    scopes: list[str] = Field(description="what the key may do", examples=[["submit"]])
    provinces: list[str] = Field(description="provinces whose zones the key may write; empty: all",
                                 examples=[["33"]])
    created_at: datetime = Field(description="when the key was made (UTC)", examples=["2026-03-02T08:15:00Z"])
    created_by: str | None = Field(description="name of the key that made it, or cli", examples=["cli"])
    revoked_at: datetime | None = Field(description="when the key was revoked (null: it is valid)",
                                        examples=[None])


class KeyCreated(KeyOut):
    """A key just created: the only time its secret is shown."""

    key: str = Field(description="the secret; store it now, it cannot be shown again",
                     examples=["zs_Xq3v9kPa…"])


class AuditEventOut(BaseModel):
    """One write in the audit trail."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="event id", examples=[41])
    at: datetime = Field(description="when the change was made (UTC)", examples=["2026-03-02T08:15:00Z"])
    key_id: int | None = Field(description="id of the API key that made it (null: the command line)",
                               examples=[2])
    key_name: str | None = Field(description="that key's name", examples=["浙江门户"])
    action: str = Field(description="what was done, e.g. zone.create, observations.upsert, import.create",
                        examples=["zone.update"])
    entity_type: str = Field(description="kind of thing changed, e.g. zone, observation_batch",
                             examples=["zone"])
    entity_id: str | None = Field(description="which one, e.g. a zone code or a request id",
                                  examples=["DEMO-33-N01"])
    old_values: Any = Field(description="the values before the change (JSON; null for a creation)",
                            examples=[{"pilot": False}])
    new_values: Any = Field(description="the values after the change, or a write's counts (JSON)",
                            examples=[{"pilot": True}])
    request_id: str | None = Field(description="the server's id of the request that made the change",
                                   examples=["3f2b9c0e8a7d4e51b6c2a9f04d7e1c55"])
    client_request_id: str | None = Field(
        default=None, description="the X-Request-ID the client sent with that request, if any (not checked)",
        examples=["portal-7f3a"])
