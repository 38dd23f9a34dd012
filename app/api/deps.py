"""Annotated dependency aliases shared by the routers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import session_scope
from app.errors import Problem, UnsupportedMediaType, ValidationFailed, loc_to_row_column
from app.services.control_chars import MULTILINE_FIELDS, json_control_characters, json_may_hold_controls


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


async def require_json(request: Request) -> None:
    """415 unless the body is JSON (``application/json`` or ``application/*+json``); 422 naming the field
    and row of every text in it that holds a control character (:mod:`app.services.control_chars`)."""
    media = _media_type(request)
    if not (media == "application/json" or (media.startswith("application/") and media.endswith("+json"))):
        raise UnsupportedMediaType(f"send the body as application/json, not {media or 'without a content type'}")
    if not json_may_hold_controls(await request.body()):
        return
    try:
        body = await request.json()  # parsed once: FastAPI has read it and the request caches it
    except ValueError:
        return  # not JSON at all: the body's own validation says so
    problems = [_control_problem(("body", *path), character) for path, character in json_control_characters(body)]
    if problems:
        raise ValidationFailed(f"{len(problems)} text(s) in the request hold control characters; nothing was written",
                               errors=problems)


def _control_problem(loc: tuple[str | int, ...], character: str) -> Problem:
    row, column = loc_to_row_column(loc)
    tabs = "" if loc[-1] in MULTILINE_FIELDS else " (the field is one line: no tab or line break either)"
    return Problem(row=row, column=column, code="control_character",
                   message=f"the text holds the control character {character}: remove it{tabs}")


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
