"""API keys, scopes and province scoping, as FastAPI dependencies.

A key is ``zs_`` followed by 43 URL-safe characters (256 random bits). Only its SHA-256 is stored:
with that much entropy a fast hash is enough (nothing to brute-force), and looking a key up by its
hash leaks nothing useful through timing. The first characters are kept as a ``prefix`` so people
can tell keys apart in listings and logs.

Keys travel as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``.

Apply to a route by adding a parameter of one of the aliases below:

* ``ReadAccess`` — every read of data: GETs under /api/v1 and the /ui pages (anonymous unless
  ZONESCORE_REQUIRE_READ_KEY is set; a header key or the /ui sign-in cookie);
* ``SubmitKey`` — observation, chain-breakdown and import writes; also call ``ensure_may_write_zones``;
* ``EvaluateKey`` — creating evaluation runs;
* ``PublishKey`` — publishing and withdrawing runs (also call ``ensure_may_publish``);
* ``AdminKey`` — zones, models, keys and the audit trail.

Rate limits are charged before any of these run, by :class:`app.middleware.RateLimitMiddleware`, to the
key's budget when a valid key was sent and to the client address otherwise (so guessing keys is
limited too).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from app import sessions
from app.db import session_scope
from app.errors import Forbidden, Problem, Unauthorized
from app.orm import ApiKey, Zone
from app.services.audit import Actor
from app.services.publication import Publisher
from app.services.run_status import Viewer

KEY_PREFIX = "zs_"
_SHOWN_CHARS = 11  # "zs_" and 8 characters of the secret: identifies a key, reveals ~48 of its 256 bits


class Scope(StrEnum):
    """What a key may do. ``admin`` implies every other scope; every scope implies ``read``."""

    READ = "read"
    SUBMIT = "submit"
    EVALUATE = "evaluate"
    PUBLISH = "publish"
    ADMIN = "admin"


def generate_secret() -> str:
    """A new key: the prefix and 32 random bytes, URL-safe."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def shown_prefix(secret: str) -> str:
    """The non-secret start of a key kept for identification."""
    return secret[:_SHOWN_CHARS]


@dataclass(frozen=True)
class Principal:
    """The caller behind a valid key."""

    key_id: int
    name: str
    scopes: frozenset[str]
    provinces: frozenset[str]
    request_id: str | None = None
    client_request_id: str | None = None

    def has(self, scope: Scope) -> bool:
        """True when the key carries ``scope`` directly or through ``admin``/any scope implying ``read``."""
        if Scope.ADMIN in self.scopes or scope in self.scopes:
            return True
        return scope is Scope.READ and bool(self.scopes)

    @property
    def actor(self) -> Actor:
        """Who to name in the audit trail and the history of cells."""
        return Actor(key_id=self.key_id, name=self.name, request_id=self.request_id,
                     client_request_id=self.client_request_id)


_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <key>`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="`X-API-Key: <key>`")


@dataclass(frozen=True)
class KeyRow:
    """The stored facts of a key that authentication needs."""

    id: int
    name: str
    secret_hash: str
    scopes: list[str]
    provinces: list[str]
    revoked: bool


def _row(key: ApiKey | None) -> KeyRow | None:
    if key is None:
        return None
    return KeyRow(key.id, key.name, key.secret_hash, list(key.scopes), list(key.provinces),
                  key.revoked_at is not None)


def lookup_key(factory: sessionmaker[Session], secret_hash: str) -> KeyRow | None:
    """The key whose stored hash is ``secret_hash``, revoked or not; None when there is none."""
    with session_scope(factory) as session:
        return _row(session.scalar(select(ApiKey).where(ApiKey.secret_hash == secret_hash)))
    raise AssertionError("unreachable")


def _lookup_by_id(factory: sessionmaker[Session], key_id: int) -> KeyRow | None:
    with session_scope(factory) as session:
        return _row(session.get(ApiKey, key_id))
    raise AssertionError("unreachable")


def sent_secret(request: Request) -> str | None:
    """The key sent in ``Authorization: Bearer`` or ``X-API-Key`` (in that order), None without one."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.headers.get("x-api-key") or None


@dataclass(frozen=True)
class Credentials:
    """Who a request claims to be: a key sent in a header (``sent``; ``header_key`` is its row when it
    exists and is not revoked) or, without one, the /ui sign-in cookie's key (``cookie_key``)."""

    sent: bool
    header_key: KeyRow | None
    cookie_key: KeyRow | None

    @property
    def rate_limit_client(self) -> str | None:
        """The budget a request is charged to when it names a valid key; None: charge its address."""
        key = self.header_key or self.cookie_key
        return f"key:{key.id}" if key is not None else None


_CREDENTIALS_STATE = "zonescore_credentials"


async def _cookie_key(request: Request) -> KeyRow | None:
    secret = request.app.state.settings.session_secret
    value = request.cookies.get(sessions.COOKIE_NAME)
    if secret is None or not value:
        return None
    claim = sessions.verify(secret.get_secret_value(), value)
    if claim is None:
        return None
    row = await run_in_threadpool(_lookup_by_id, request.app.state.session_factory, claim.key_id)
    if row is None or row.revoked or not row.secret_hash.startswith(claim.hash_start):
        return None
    return row


def cached_credentials(request: Request) -> Credentials | None:
    """The credentials :func:`credentials` found for this request, None before it ran."""
    cached = getattr(request.state, _CREDENTIALS_STATE, None)
    return cached if isinstance(cached, Credentials) else None


async def credentials(request: Request) -> Credentials:
    """The request's credentials, looked up once per request (the rate limiter asks first).

    Keys are looked up on every request, never cached across requests, so a revocation holds at once
    in every server process.
    """
    cached = cached_credentials(request)
    if cached is not None:
        return cached
    secret = sent_secret(request)
    if secret:
        row = await run_in_threadpool(lookup_key, request.app.state.session_factory, hash_secret(secret))
        found = Credentials(sent=True, header_key=None if row is None or row.revoked else row, cookie_key=None)
    else:
        found = Credentials(sent=False, header_key=None, cookie_key=await _cookie_key(request))
    setattr(request.state, _CREDENTIALS_STATE, found)
    return found


def _request_ids(request: Request) -> tuple[str | None, str | None]:
    rid = getattr(request.state, "request_id", None)
    client_rid = getattr(request.state, "client_request_id", None)
    return (rid if isinstance(rid, str) else None, client_rid if isinstance(client_rid, str) else None)


def _principal(request: Request, row: KeyRow) -> Principal:
    request_id, client_request_id = _request_ids(request)
    return Principal(key_id=row.id, name=row.name, scopes=frozenset(row.scopes), provinces=frozenset(row.provinces),
                     request_id=request_id, client_request_id=client_request_id)


async def current_principal(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    x_api_key: Annotated[str | None, Depends(_header)],
) -> Principal | None:
    """The principal of the key sent in a header, None when none was sent; 401 for an unknown or revoked key.

    Only header keys count here: the /ui sign-in cookie is accepted for reads alone (``ReadAccess``), so
    a page on another site can never make a browser write with it. ``bearer`` and ``x_api_key`` are
    declared for the OpenAPI document; the key is read by :func:`credentials`.
    """
    found = await credentials(request)
    if not found.sent:
        return None
    if found.header_key is None:
        raise Unauthorized("the API key is unknown or revoked")
    return _principal(request, found.header_key)


OptionalPrincipal = Annotated[Principal | None, Depends(current_principal)]


def _require(scope: Scope) -> Callable[[Principal | None], Awaitable[Principal]]:
    async def dependency(principal: OptionalPrincipal) -> Principal:
        if principal is None:
            raise Unauthorized(f"this operation needs an API key with the {scope.value!r} scope")
        if not principal.has(scope):
            raise Forbidden(f"the key {principal.name!r} lacks the {scope.value!r} scope")
        return principal

    dependency.__name__ = f"require_{scope.value}"
    return dependency


async def read_principal(request: Request, principal: OptionalPrincipal) -> Principal | None:
    """The reader: a header key, else the /ui sign-in cookie's key, else None (anonymous)."""
    if principal is not None:
        return principal
    cookie_key = (await credentials(request)).cookie_key
    return _principal(request, cookie_key) if cookie_key is not None else None


ReaderDep = Annotated[Principal | None, Depends(read_principal)]


async def read_access(request: Request, reader: ReaderDep) -> Principal | None:
    """Reads: anonymous unless ZONESCORE_REQUIRE_READ_KEY is set (then 401 without a key)."""
    if reader is None and request.app.state.settings.require_read_key:
        raise Unauthorized("reads need an API key on this server (ZONESCORE_REQUIRE_READ_KEY)")
    return reader


# Security(..., scopes=[scope]): the OpenAPI document names the scope each operation needs as the
# security requirement's role (OpenAPI 3.1); app.docs marks the read requirement optional.
ReadAccess = Annotated[Principal | None, Security(read_access, scopes=[Scope.READ.value])]
SubmitKey = Annotated[Principal, Security(_require(Scope.SUBMIT), scopes=[Scope.SUBMIT.value])]
EvaluateKey = Annotated[Principal, Security(_require(Scope.EVALUATE), scopes=[Scope.EVALUATE.value])]
PublishKey = Annotated[Principal, Security(_require(Scope.PUBLISH), scopes=[Scope.PUBLISH.value])]
AdminKey = Annotated[Principal, Security(_require(Scope.ADMIN), scopes=[Scope.ADMIN.value])]


def zones_outside_key(session: Session, principal: Principal, zone_codes: Iterable[str]) -> dict[str, str]:
    """The zones of ``zone_codes`` outside the key's provinces, each with its province (unknown codes are left to
    validation). A key without provinces may write every zone."""
    if not principal.provinces:
        return {}
    wanted = sorted(set(zone_codes))
    outside: dict[str, str] = {}
    for start in range(0, len(wanted), 1000):
        rows = session.execute(
            select(Zone.code, Zone.province).where(Zone.code.in_(wanted[start : start + 1000]))
        ).all()
        outside.update((code, province) for code, province in rows if province not in principal.provinces)
    return outside


def outside_message(principal: Principal, code: str, province: str) -> str:
    """Why the key may not write zone ``code`` of ``province``."""
    return f"zone {code} is in province {province}; the key may write only {', '.join(sorted(principal.provinces))}"


def ensure_may_write_zones(session: Session, principal: Principal, zone_codes: Iterable[str]) -> None:
    """403 listing every zone of ``zone_codes`` outside the key's provinces (unknown codes are left to validation).

    A key without provinces may write every zone.
    """
    outside = zones_outside_key(session, principal, zone_codes)
    if outside:
        allowed = ", ".join(sorted(principal.provinces))
        raise Forbidden(
            f"the key {principal.name!r} may write only zones of province(s) {allowed}; "
            f"{len(outside)} zone(s) of the request lie elsewhere; nothing was written",
            errors=[
                Problem(column="zone_code", code="zone_outside_key_provinces", value=code,
                        message=outside_message(principal, code, province))
                for code, province in sorted(outside.items())
            ],
        )


def viewer_of(principal: Principal | None) -> Viewer:
    """What the caller may see of evaluation runs: drafts only with the ``evaluate`` or ``publish`` scope."""
    return Viewer(sees_drafts=principal is not None
                  and (principal.has(Scope.EVALUATE) or principal.has(Scope.PUBLISH)))


def publisher_of(principal: Principal) -> Publisher:
    """The publishing caller for the service: who (audit) and which provinces (None: every province)."""
    return Publisher(actor=principal.actor, provinces=principal.provinces or None)
