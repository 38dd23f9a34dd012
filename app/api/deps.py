"""Annotated dependency aliases shared by the routers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import session_scope
from app.errors import UnsupportedMediaType


async def get_settings_dep(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """A request-scoped session: committed when the handler succeeds, rolled back otherwise."""
    with session_scope(request.app.state.session_factory) as session:
        yield session


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def require_json(request: Request) -> None:
    """415 unless the body is JSON (``application/json`` or ``application/*+json``)."""
    media = _media_type(request)
    if not (media == "application/json" or (media.startswith("application/") and media.endswith("+json"))):
        raise UnsupportedMediaType(f"send the body as application/json, not {media or 'without a content type'}")


def require_multipart(request: Request) -> None:
    """415 unless the body is ``multipart/form-data`` (file uploads)."""
    media = _media_type(request)
    if media != "multipart/form-data":
        raise UnsupportedMediaType(f"upload the file as multipart/form-data, not {media or 'without a content type'}")


# scope="function": the session commits when the handler returns and *before* the response is sent, so a
# failing commit becomes an error response instead of a 200 for data that was never stored.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
# Ids and offsets are bounded by the 32-bit integer columns: an unbounded one made the database driver
# overflow (SQLite: OverflowError, a 500) on a huge number — found by the schema fuzzing.
MAX_INT = 2**31 - 1
Limit = Annotated[int, Query(ge=1, le=1000, description="page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_INT, description="items to skip")]
# Put on a route's decorator: ``dependencies=[JsonBody]``. Checked before authentication and the body.
JsonBody = Depends(require_json)
MultipartBody = Depends(require_multipart)
