"""Industry-chain breakdowns."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.deps import JsonBody, Limit, Offset, SessionDep, SettingsDep
from app.api.idempotency import IdempotencyDep
from app.api.paging import set_page_links
from app.api.responses import WRITE_RESPONSES
from app.errors import PayloadTooLarge
from app.schemas.chain import ChainBreakdownBatch, ChainBreakdownOut
from app.schemas.codes import ChainCode
from app.schemas.common import Page, WriteSummary
from app.security import ReadAccess, SubmitKey, ensure_may_write_zones
from app.services.chains import query_chain_breakdowns, write_chain_breakdowns

router = APIRouter(prefix="/api/v1/chain-breakdowns", tags=["chain breakdowns"])


@router.post("", summary="Insert or update chain breakdowns (all or nothing)", response_model=WriteSummary,
             dependencies=[JsonBody], responses=WRITE_RESPONSES)
def upsert_chain_breakdowns(
    session: SessionDep, settings: SettingsDep, key: SubmitKey, idempotency: IdempotencyDep, body: ChainBreakdownBatch
) -> WriteSummary | Response:
    """Validate every breakdown (zone exists, chain in the catalog, segments and components within the chain's
    definition, shares 0–100); write all or, if any is bad, none and list every problem. A zone × year ×
    chain already stored is updated.

    Needs a submit key; a key limited to provinces may write only their zones (403 listing the others).
    With an ``Idempotency-Key`` header a repeat returns the first result and writes nothing."""
    content = body.model_dump_json().encode()
    if (replay := idempotency.replay(content)) is not None:
        return replay
    if len(body.breakdowns) > settings.max_batch_rows:
        raise PayloadTooLarge(f"a batch holds at most {settings.max_batch_rows} breakdowns")
    ensure_may_write_zones(session, key, (b.zone_code for b in body.breakdowns))
    summary = write_chain_breakdowns(session, body.breakdowns, earliest_year=settings.earliest_year, actor=key.actor)
    idempotency.remember(content, 200, summary)
    return summary


@router.get("", summary="Query chain breakdowns", response_model=Page[ChainBreakdownOut])
def list_chain_breakdowns(
    request: Request,
    response: Response,
    session: SessionDep,
    reader: ReadAccess,
    zone: Annotated[str | None, Query(max_length=40, description="zone code", examples=["DEMO-33-N01"])] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200, description="year", examples=[2024])] = None,
    chain: Annotated[ChainCode | None, Query(description="chain code of the chain catalog",
                                             examples=["integrated_circuits"])] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[ChainBreakdownOut]:
    """Breakdowns filtered by zone (e.g. `DEMO-33-N01`), year and chain (e.g. `integrated_circuits`), largest
    chain first within a zone-year, with `segments_defined` from the chain catalog; the `Link` header points
    at the other pages."""
    items, total = query_chain_breakdowns(session, zone=zone, year=year, chain=chain, limit=limit, offset=offset)
    set_page_links(request, response, total=total, limit=limit, offset=offset)
    return Page[ChainBreakdownOut](items=items, total=total, limit=limit, offset=offset)
