"""ASGI middleware: the request id (``X-Request-ID``), the request body's size and time limits, and the
rate limit."""

from __future__ import annotations

import asyncio
import re
import uuid

from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.health import PROBE_PATHS
from app.errors import TooManyRequests, problem_response
from app.ratelimit import RateLimiter
from app.security import credentials

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Pure ASGI middleware (no body buffering) that gives every request the server's own id.

    The id is always generated here, never taken from the client: it names the request in the logs,
    in problem responses (and the ``X-Request-ID`` response header) and in the audit trail, so one
    client cannot make its writes look like another request. A client's own ``X-Request-ID`` is kept
    beside it as ``client_request_id`` when it is well-formed (1–64 of ``A–Z a–z 0–9 . _ -``).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["client_request_id"] = incoming if _SAFE_ID.match(incoming) else None

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_id)


# Room for the multipart envelope (boundaries, part headers) around a file of exactly the upload limit,
# so such a file reaches the import route, which then applies the exact limit to the file itself.
MULTIPART_SLACK = 64 * 1024


class _BodyRefused(HTTPException):
    """Raised into whoever reads the body; FastAPI re-raises HTTPExceptions from body parsing, so the
    app's handler renders it as a problem. ``Connection: close``: the rest of the body is not read."""

    slug = "bad-request"
    title = "Bad request"

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(status_code=status, detail=detail, headers={"Connection": "close"})


class _BodyTooLarge(_BodyRefused):
    slug, title = "payload-too-large", "Payload too large"

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {limit} bytes")


class _BodyTooSlow(_BodyRefused):
    slug, title = "request-timeout", "Request timeout"

    def __init__(self, seconds: float) -> None:
        super().__init__(408, f"the request body did not arrive within {seconds:g} seconds "
                              "(ZONESCORE_BODY_TIMEOUT_SECONDS)")


class BodyLimitMiddleware:
    """Bound request bodies in size and time: a 413 problem above ZONESCORE_MAX_UPLOAD_BYTES (plus
    multipart slack), a 408 problem when the whole body has not arrived ZONESCORE_BODY_TIMEOUT_SECONDS
    after the request began (a client trickling a body byte by byte would hold a worker's connection).

    Pure ASGI so nothing is buffered: a Content-Length above the limit is refused before a byte of the
    body is read; a body without one (chunked) is counted as it streams and cut off when it passes
    the limit. The limits are read from the app's settings on every request, so they can be changed at
    run time (the tests do). The deadline applies only until the body is complete: afterwards the app
    only listens for the client's disconnect, however long a response streams.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = scope["app"].state.settings
        limit = settings.max_upload_bytes + MULTIPART_SLACK
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, _BodyTooLarge(limit))
            return
        timeout: float = settings.body_timeout_seconds
        deadline = asyncio.get_running_loop().time() + timeout
        received = 0
        complete = False
        started = False

        async def guarded_receive() -> Message:
            nonlocal received, complete
            if complete:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(deadline - asyncio.get_running_loop().time(), 0))
            except TimeoutError:
                raise _BodyTooSlow(timeout) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                complete = not message.get("more_body", False)
                if received > limit:
                    raise _BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, guarded_receive, tracking_send)
        except _BodyRefused as refused:
            # Read outside a route (e.g. by another middleware): answer here unless a response began.
            if started:
                raise
            await self._refuse(scope, send, refused)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, refused: _BodyRefused) -> None:
        request = Request(scope)
        response = problem_response(request, refused.status_code, refused.detail, slug=refused.slug,
                                    title=refused.title, headers=dict(refused.headers or {}))
        # The client may still be sending; the connection will not be reused for more of it.
        await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


class RateLimitMiddleware:
    """Charge every request (probes aside) to its client's budget before anything else runs: the key's
    when a valid key was sent (header or /ui sign-in cookie), else the client address's — so an unknown
    key costs the address, and guessing keys is limited too. A refused request is a 429 problem with
    ``Retry-After``; every response carries ``RateLimit-Policy`` and ``RateLimit`` (see app/ratelimit.py).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        per_minute: int = scope["app"].state.settings.rate_limit_per_minute if scope["type"] == "http" else 0
        if per_minute <= 0 or scope["path"] in PROBE_PATHS:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        limiter: RateLimiter = scope["app"].state.rate_limiter
        decision = await limiter.hit(await _rate_limit_client(request), per_minute)
        if decision is None:
            await self.app(scope, receive, send)
            return
        budget = decision.headers()
        if not decision.allowed:
            response = problem_response(
                request, 429, f"more than {per_minute} requests per minute; retry in {budget['Retry-After']} s",
                slug=TooManyRequests.slug, title=TooManyRequests.title, headers=budget)
            await response(scope, receive, send)
            return
        encoded = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in budget.items()]

        async def send_with_budget(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *encoded]
            await send(message)

        await self.app(scope, receive, send_with_budget)


async def _rate_limit_client(request: Request) -> str:
    try:
        client = (await credentials(request)).rate_limit_client
    except SQLAlchemyError:
        # The database is down: charge the address; the route's own key check reports the outage (503).
        client = None
    return client or f"ip:{request.client.host if request.client else 'unknown'}"
