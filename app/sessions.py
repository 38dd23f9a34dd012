"""The sign-in cookie of the /ui pages: which API key a person signed in with, signed by the server.

The cookie holds ``<key id>.<first 16 hex of the key's hash>.<issued, unix seconds>.<signature>``, where
the signature is HMAC-SHA256 with ``ZONESCORE_SESSION_SECRET`` over the rest. It never holds the key
itself. A valid signature is not enough: on every request the key is looked up again and must still
exist, match the hash and not be revoked, so revoking a key signs its people out at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

COOKIE_NAME = "zonescore_session"
MAX_AGE_SECONDS = 8 * 3600  # one working day
_CONTEXT = b"zonescore-session-v1."
# Cookies "issued" further in the future than this are forged or from a badly wrong clock.
_CLOCK_SKEW_SECONDS = 300


@dataclass(frozen=True)
class SessionClaim:
    """What a valid cookie says: the key's id and the start of its stored hash."""

    key_id: int
    hash_start: str


def _signature(secret: str, payload: str) -> str:
    mac = hmac.new(secret.encode("utf-8"), _CONTEXT + payload.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def issue(secret: str, key_id: int, secret_hash: str, *, now: float | None = None) -> str:
    """A cookie value for the key ``key_id`` (whose stored hash is ``secret_hash``)."""
    issued = int(time.time() if now is None else now)
    payload = f"{key_id}.{secret_hash[:16]}.{issued}"
    return f"{payload}.{_signature(secret, payload)}"


def verify(secret: str, value: str, *, now: float | None = None) -> SessionClaim | None:
    """The claim of a cookie value signed with ``secret`` and not expired; None otherwise."""
    parts = value.split(".")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[2].isdigit() or len(parts[0]) > 10:
        return None
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_signature(secret, payload), parts[3]):
        return None
    age = (time.time() if now is None else now) - int(parts[2])
    if not -_CLOCK_SKEW_SECONDS <= age <= MAX_AGE_SECONDS:
        return None
    return SessionClaim(key_id=int(parts[0]), hash_start=parts[1])
