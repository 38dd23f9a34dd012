"""Sign-in and sign-out for people at the /ui pages when reads need a key (ZONESCORE_REQUIRE_READ_KEY).

A person types an API key into a small form; the server checks it and sets a signed cookie naming the
key (app/sessions.py): HttpOnly (no script can read it), SameSite=Strict (no other site's page can make
the browser send it), Secure when the page came over https. The cookie is accepted for reads only.
The forms only accept posts from this site's own pages (``Sec-Fetch-Site`` / ``Origin``), so another
site cannot sign a visitor in with a key of its choosing.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from app import sessions
from app.security import hash_secret, lookup_key
from app.ui.access import SignInRequired
from app.ui.routes import Page

router = APIRouter(prefix="/ui", include_in_schema=False)

HOME = "/ui"


def safe_next(target: str | None) -> str:
    """``target`` when it is a page of this site under /ui (a path, never another host), else /ui."""
    if not target or any(c in target for c in "\\\r\n\t"):
        return HOME
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not (parts.path == HOME or parts.path.startswith(HOME + "/")):
        return HOME
    return target


def _same_site(request: Request) -> bool:
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.headers.get('host', '')}"


def _form(request: Request, *, status_code: int, next_url: str, error: str | None = None) -> HTMLResponse:
    page = Page(request)
    configured = request.app.state.settings.session_secret is not None
    response = page.render("sign_in.html", status_code=status_code, next=next_url, error=error, configured=configured)
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, next_url: Annotated[str | None, Query(alias="next")] = None) -> HTMLResponse:
    """The sign-in form (503 with an explanation when ZONESCORE_SESSION_SECRET is not set)."""
    configured = request.app.state.settings.session_secret is not None
    return _form(request, status_code=200 if configured else 503, next_url=safe_next(next_url))


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request, key: Annotated[str, Form(max_length=200)],
                  next_url: Annotated[str, Form(alias="next", max_length=2000)] = HOME) -> Response:
    """Check the key and set the cookie, then go on to the page the person wanted."""
    target = safe_next(next_url)
    page = Page(request)
    if not _same_site(request):
        return _form(request, status_code=403, next_url=target, error=page.t("sign_in_cross_site"))
    secret = request.app.state.settings.session_secret
    if secret is None:
        return _form(request, status_code=503, next_url=target)
    row = await run_in_threadpool(lookup_key, request.app.state.session_factory, hash_secret(key.strip()))
    if row is None or row.revoked:
        return _form(request, status_code=401, next_url=target, error=page.t("sign_in_failed"))
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(sessions.COOKIE_NAME, sessions.issue(secret.get_secret_value(), row.id, row.secret_hash),
                        max_age=sessions.MAX_AGE_SECONDS, path="/", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    """Forget the cookie and show the sign-in form again."""
    if not _same_site(request):
        page = Page(request)
        return _form(request, status_code=403, next_url=HOME, error=page.t("sign_in_cross_site"))
    response = RedirectResponse(f"{HOME}/sign-in", status_code=303)
    response.delete_cookie(sessions.COOKIE_NAME, path="/", httponly=True, samesite="strict",
                           secure=request.url.scheme == "https")
    return response


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    query = f"?{request.url.query}" if request.url.query else ""
    return _form(request, status_code=401, next_url=safe_next(request.url.path + query))


def install_sign_in(app: FastAPI) -> None:
    """Add the sign-in routes, and answer pages that need a key with the sign-in form."""
    app.include_router(router)
    app.add_exception_handler(SignInRequired, _sign_in_required)
