"""Creating, listing and revoking API keys (the secret is returned once and never stored)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.orm import ApiKey
from app.orm.base import utcnow
from app.security import Scope, generate_secret, hash_secret, shown_prefix
from app.services import audit
from app.services.audit import Actor


def _public(key: ApiKey) -> dict[str, object]:
    return {"id": key.id, "name": key.name, "prefix": key.prefix, "scopes": key.scopes, "provinces": key.provinces,
            "revoked_at": key.revoked_at}


def create_key(
    session: Session, actor: Actor, *, name: str, scopes: Sequence[Scope | str], provinces: Sequence[str] = ()
) -> tuple[ApiKey, str]:
    """Store a new key and return it with its secret (the caller shows the secret once)."""
    secret = generate_secret()
    key = ApiKey(
        name=name, prefix=shown_prefix(secret), secret_hash=hash_secret(secret),
        scopes=sorted({Scope(s).value for s in scopes}), provinces=sorted(set(provinces)), created_at=utcnow(),
        created_by=actor.name,
    )
    session.add(key)
    session.flush()
    audit.record(session, actor, "key.create", "api_key", key.id, new=_public(key))
    return key, secret


def list_keys(session: Session) -> list[ApiKey]:
    """Every key, revoked ones too, oldest first."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))


def revoke_key(session: Session, actor: Actor, key_id: int) -> ApiKey:
    """Revoke a key (it answers 401 from now on); revoking twice keeps the first time."""
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(f"no API key with id {key_id}")
    if key.revoked_at is None:
        old = _public(key)
        key.revoked_at = utcnow()
        session.flush()
        audit.record(session, actor, "key.revoke", "api_key", key.id, old=old, new=_public(key))
    return key
