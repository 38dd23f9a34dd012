"""Who may see the /ui pages: with ZONESCORE_REQUIRE_READ_KEY, only a reader with a key — a header key
or the sign-in cookie (app/ui/session.py); anyone otherwise."""

from __future__ import annotations

from fastapi import Request

from app.security import ReaderDep, cached_credentials


class SignInRequired(Exception):
    """A page needs a key and the request brought none: answered with the sign-in form (401)."""


async def ui_read_access(request: Request, reader: ReaderDep) -> None:
    """The dependency of every data page under /ui."""
    if reader is None and request.app.state.settings.require_read_key:
        raise SignInRequired()


def signed_in(request: Request) -> bool:
    """True when the request came with a valid sign-in cookie (as found by the key check)."""
    found = cached_credentials(request)
    return found is not None and found.cookie_key is not None
