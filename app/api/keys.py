"""API keys (admin only): create (the secret is shown once), list, revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.api.deps import MAX_INT, NOT_FOUND_RESPONSES, WRITE_RESPONSES, JsonBody, SessionDep
from app.schemas.keys import KeyCreate, KeyCreated, KeyOut
from app.security import AdminKey
from app.services import keys as service

router = APIRouter(prefix="/api/v1/keys", tags=["keys"])


@router.post("", status_code=201, summary="Create an API key", response_model=KeyCreated, dependencies=[JsonBody],
             responses=WRITE_RESPONSES)
def create_key(session: SessionDep, admin: AdminKey, body: KeyCreate) -> KeyCreated:
    """Store a new key and return its secret — the only time it is shown; only its hash is kept."""
    key, secret = service.create_key(session, admin.actor, name=body.name, scopes=body.scopes,
                                     provinces=body.provinces)
    return KeyCreated(**KeyOut.model_validate(key).model_dump(), key=secret)


@router.get("", summary="List API keys", response_model=list[KeyOut])
def list_keys(session: SessionDep, admin: AdminKey) -> list[KeyOut]:
    """Every key with its prefix, scopes, provinces and revocation time (never the secret)."""
    return [KeyOut.model_validate(k) for k in service.list_keys(session)]


@router.delete("/{key_id}", summary="Revoke an API key", response_model=KeyOut, responses=NOT_FOUND_RESPONSES)
def revoke_key(session: SessionDep, admin: AdminKey, key_id: Annotated[int, Path(ge=1, le=MAX_INT)]) -> KeyOut:
    """Revoke the key: from now on it gets 401. The row stays so the audit trail can name it."""
    return KeyOut.model_validate(service.revoke_key(session, admin.actor, key_id))
