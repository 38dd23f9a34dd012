"""API keys (admin only): create (the secret is shown once), list, revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.api.deps import MAX_INT, JsonBody, SessionDep
from app.api.responses import WRITE_RESPONSES, problem_responses
from app.schemas.keys import KeyCreate, KeyCreated, KeyOut
from app.security import AdminKey
from app.services import keys as service

router = APIRouter(prefix="/api/v1/keys", tags=["keys"])


@router.post("", status_code=201, summary="Create an API key", response_model=KeyCreated, dependencies=[JsonBody],
             responses=WRITE_RESPONSES)
def create_key(session: SessionDep, admin: AdminKey, body: KeyCreate) -> KeyCreated:
    """Store a new key (name such as 浙江门户, scopes, provinces) and return its secret — the only time it is
    shown; only its hash is kept."""
    key, secret = service.create_key(session, admin.actor, name=body.name, scopes=body.scopes,
                                     provinces=body.provinces)
    return KeyCreated(**KeyOut.model_validate(key).model_dump(), key=secret)


@router.get("", summary="List API keys", response_model=list[KeyOut])
def list_keys(session: SessionDep, admin: AdminKey) -> list[KeyOut]:
    """Every key with its short prefix, name, scopes, provinces, creation and revocation time — never the
    secret, which only its creator saw once."""
    return [KeyOut.model_validate(k) for k in service.list_keys(session)]


@router.delete("/{key_id}", summary="Revoke an API key", response_model=KeyOut, responses=problem_responses(404))
def revoke_key(
    session: SessionDep, admin: AdminKey,
    key_id: Annotated[int, Path(ge=1, le=MAX_INT, description="key id", examples=[2])],
) -> KeyOut:
    """Revoke the key: from now on it gets 401. The row stays so the audit trail can name it."""
    return KeyOut.model_validate(service.revoke_key(session, admin.actor, key_id))
