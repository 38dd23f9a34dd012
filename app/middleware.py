"""ASGI middleware: the request id (``X-Request-ID``) and the request body size limit."""

from __future__ import annotations

import re
import uuid

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import problem_response

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Pure ASGI middleware (no body buffering) that tags every request with an id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

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


class _BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"the request body is larger than the limit of {limit} bytes")


class BodyLimitMiddleware:
    """Refuse request bodies above ZONESCORE_MAX_UPLOAD_BYTES (plus multipart slack) with a 413 problem.

    Pure ASGI so nothing is buffered: a Content-Length above the limit is refused before a byte of the
    body is read; a body without one (chunked) is counted as it streams and cut off when it passes
    the limit. The limit is read from the app's settings on every request, so it can be changed at
    run time (the tests do).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = scope["app"].state.settings.max_upload_bytes + MULTIPART_SLACK
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, limit)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Raised into whoever reads the body; FastAPI re-raises HTTPExceptions from body
                    # parsing, so the app's handler renders it as a problem.
                    raise _BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            # Read outside a route (e.g. by another middleware): answer here unless a response began.
            if started:
                raise
            await self._refuse(scope, send, limit)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, limit: int) -> None:
        request = Request(scope)
        response = problem_response(request, 413, f"the request body is larger than the limit of {limit} bytes",
                                    slug="payload-too-large", title="Payload too large")
        # The client may still be sending; tell it the connection will not be reused for more of it.
        response.headers["Connection"] = "close"
        await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}
