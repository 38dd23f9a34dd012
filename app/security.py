"""API keys, scopes and province scoping, as FastAPI dependencies.

A key is ``zs_`` followed by 43 URL-safe characters (256 random bits). Only its SHA-256 is stored:
with that much entropy a fast hash is enough (nothing to brute-force), and looking a key up by its
hash leaks nothing useful through timing. The first characters are kept as a ``prefix`` so people
can tell keys apart in listings and logs.

Keys travel as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``.

Apply to a route by adding a parameter of one of the aliases below:

* ``ReadAccess`` — every GET under /api/v1 (anonymous unless ZONESCORE_REQUIRE_READ_KEY is set);
* ``SubmitKey`` — observation, chain-breakdown and import writes; also call ``ensure_may_write_zones``;
* ``EvaluateKey`` — creating evaluation runs;
* ``AdminKey`` — zones, models, keys and the audit trail.

Every dependency also charges the caller's rate-limit bucket.
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

from app.db import session_scope
from app.errors import Forbidden, Problem, TooManyRequests, Unauthorized
from app.orm import ApiKey, Zone
from app.ratelimit import RateLimiter, retry_after_header
from app.services.audit import Actor

KEY_PREFIX = "zs_"
_SHOWN_CHARS = 11  # "zs_" and 8 characters of the secret: identifies a key, reveals ~48 of its 256 bits


class Scope(StrEnum):
    """What a key may do. ``admin`` implies every other scope; every scope implies ``read``."""

    READ = "read"
    SUBMIT = "submit"
    EVALUATE = "evaluate"
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

    def has(self, scope: Scope) -> bool:
        """True when the key carries ``scope`` directly or through ``admin``/any scope implying ``read``."""
        if Scope.ADMIN in self.scopes or scope in self.scopes:
            return True
        return scope is Scope.READ and bool(self.scopes)

    @property
    def actor(self) -> Actor:
        """Who to name in the audit trail and the history of cells."""
        return Actor(key_id=self.key_id, name=self.name, request_id=self.request_id)


_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <key>`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="`X-API-Key: <key>`")


def _limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


def _charge(request: Request, client: str) -> None:
    per_minute: int = request.app.state.settings.rate_limit_per_minute
    wait = _limiter(request).hit(client, per_minute)
    if wait is not None:
        raise TooManyRequests(
            f"more than {per_minute} requests per minute; retry later",
            headers={"Retry-After": retry_after_header(wait)},
        )


def _client_address(request: Request) -> str:
    return f"ip:{request.client.host if request.client else 'unknown'}"


@dataclass(frozen=True)
class _KeyRow:
    id: int
    name: str
    scopes: list[str]
    provinces: list[str]
    revoked: bool


def _lookup_key(factory: sessionmaker[Session], secret_hash: str) -> _KeyRow | None:
    with session_scope(factory) as session:
        row = session.scalar(select(ApiKey).where(ApiKey.secret_hash == secret_hash))
        if row is None:
            return None
        return _KeyRow(row.id, row.name, list(row.scopes), list(row.provinces), row.revoked_at is not None)
    raise AssertionError("unreachable")


async def current_principal(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    x_api_key: Annotated[str | None, Depends(_header)],
) -> Principal | None:
    """The key's principal, None when no key was sent; 401 for a key that is unknown or revoked.

    Async, with its own short session only when a key was sent: an anonymous read (the common case
    for portals) then never touches the database or the thread pool here. Keys are looked up on every
    request, never cached, so a revocation holds at once in every server process.
    """
    secret = bearer.credentials if bearer is not None else x_api_key
    if not secret:
        return None
    row = await run_in_threadpool(_lookup_key, request.app.state.session_factory, hash_secret(secret))
    if row is None or row.revoked:
        # Failed attempts count against the address, so guessing keys is rate limited too.
        _charge(request, _client_address(request))
        raise Unauthorized("the API key is unknown or revoked")
    rid = getattr(request.state, "request_id", None)
    return Principal(
        key_id=row.id, name=row.name, scopes=frozenset(row.scopes), provinces=frozenset(row.provinces),
        request_id=rid if isinstance(rid, str) else None,
    )


OptionalPrincipal = Annotated[Principal | None, Depends(current_principal)]


def _require(scope: Scope) -> Callable[[Request, Principal | None], Awaitable[Principal]]:
    async def dependency(request: Request, principal: OptionalPrincipal) -> Principal:
        if principal is None:
            _charge(request, _client_address(request))
            raise Unauthorized(f"this operation needs an API key with the {scope.value!r} scope")
        _charge(request, f"key:{principal.key_id}")
        if not principal.has(scope):
            raise Forbidden(f"the key {principal.name!r} lacks the {scope.value!r} scope")
        return principal

    dependency.__name__ = f"require_{scope.value}"
    return dependency


async def read_access(request: Request, principal: OptionalPrincipal) -> Principal | None:
    """Reads: anonymous (limited per client address) unless ZONESCORE_REQUIRE_READ_KEY is set."""
    if principal is None:
        _charge(request, _client_address(request))
        if request.app.state.settings.require_read_key:
            raise Unauthorized("reads need an API key on this server (ZONESCORE_REQUIRE_READ_KEY)")
        return None
    _charge(request, f"key:{principal.key_id}")
    return principal


# Security(..., scopes=[scope]): the OpenAPI document names the scope each operation needs as the
# security requirement's role (OpenAPI 3.1); app.docs marks the read requirement optional.
ReadAccess = Annotated[Principal | None, Security(read_access, scopes=[Scope.READ.value])]
SubmitKey = Annotated[Principal, Security(_require(Scope.SUBMIT), scopes=[Scope.SUBMIT.value])]
EvaluateKey = Annotated[Principal, Security(_require(Scope.EVALUATE), scopes=[Scope.EVALUATE.value])]
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
