"""``Idempotency-Key`` on batch and import posts: a repeat returns the first result and writes nothing.

Per API key: the same header value from two keys names two different requests. Only successful
responses are remembered — a failed write stored nothing, so repeating it is already safe. The
record is written in the same transaction as the data, so either both exist or neither does; two
concurrent first requests with one key collide on the unique constraint and the loser gets 409.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.deps import SessionDep
from app.errors import Conflict
from app.orm import IdempotencyRecord
from app.orm.base import utcnow
from app.security import OptionalPrincipal

REPLAY_HEADER = "Idempotent-Replayed"


@dataclass
class Idempotency:
    """The request's idempotency state; inert when no header (or no key) was sent."""

    session: Session
    key_id: int | None
    idempotency_key: str | None
    operation: str

    def _fingerprint(self, content: bytes) -> str:
        return hashlib.sha256(self.operation.encode() + b"\n" + content).hexdigest()

    @property
    def active(self) -> bool:
        """Whether this request carries an Idempotency-Key to honour (else replay/remember do nothing)."""
        return self.key_id is not None and self.idempotency_key is not None

    def replay(self, content: bytes) -> JSONResponse | None:
        """The stored response for this key and header, None when new; 409 when it came with other content."""
        if self.key_id is None or self.idempotency_key is None:
            return None
        record = self.session.scalar(select(IdempotencyRecord).where(
            IdempotencyRecord.key_id == self.key_id, IdempotencyRecord.idempotency_key == self.idempotency_key))
        if record is None:
            return None
        if record.fingerprint != self._fingerprint(content):
            raise Conflict(f"the Idempotency-Key {self.idempotency_key!r} was used for a different request; "
                           "use a new key for new content")
        return JSONResponse(record.response_body, status_code=record.status_code, headers={REPLAY_HEADER: "true"})

    def remember(self, content: bytes, status_code: int, result: BaseModel) -> None:
        """Store the successful response with the data it describes (same transaction)."""
        if self.key_id is None or self.idempotency_key is None:
            return
        self.session.add(IdempotencyRecord(
            key_id=self.key_id, idempotency_key=self.idempotency_key, fingerprint=self._fingerprint(content),
            status_code=status_code, response_body=result.model_dump(mode="json"), created_at=utcnow()))
        self.session.flush()


def get_idempotency(
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipal,
    idempotency_key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", min_length=1, max_length=200,
               description="a client-chosen id; a repeat returns the first result and writes nothing",
               examples=["2024-zj-import-0001"]),
    ] = None,
) -> Idempotency:
    """The idempotency state of a write (the route's own key dependency has already authenticated)."""
    return Idempotency(session=session, key_id=principal.key_id if principal else None,
                       idempotency_key=idempotency_key, operation=f"{request.method} {request.url.path}")


IdempotencyDep = Annotated[Idempotency, Depends(get_idempotency)]
