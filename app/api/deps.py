"""Annotated dependency aliases shared by the routers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import session_scope


def get_settings_dep(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """A request-scoped session: committed when the handler succeeds, rolled back otherwise."""
    yield from session_scope(request.app.state.session_factory)


def get_request_id(request: Request) -> str | None:
    """The id the request-id middleware gave this request."""
    rid = getattr(request.state, "request_id", None)
    return rid if isinstance(rid, str) else None


# scope="function": the session commits when the handler returns and *before* the response is sent, so a
# failing commit becomes an error response instead of a 200 for data that was never stored.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
RequestIdDep = Annotated[str | None, Depends(get_request_id)]
Limit = Annotated[int, Query(ge=1, le=1000, description="page size")]
Offset = Annotated[int, Query(ge=0, description="items to skip")]
