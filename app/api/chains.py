"""Industry-chain breakdowns."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.deps import JsonBody, Limit, Offset, SessionDep, SettingsDep
from app.api.idempotency import IdempotencyDep
from app.api.paging import set_page_links
from app.api.responses import WRITE_RESPONSES, problem_responses
from app.errors import PayloadTooLarge
from app.schemas.chain import ChainBreakdownBatch, ChainBreakdownChangeOut, ChainBreakdownOut, ChainWriteSummary
from app.schemas.codes import ChainCode
from app.schemas.common import Page
from app.security import ReadAccess, SubmitKey, ensure_may_write_zones
from app.services.chains import breakdown_history, query_chain_breakdowns, write_chain_breakdowns

router = APIRouter(prefix="/api/v1/chain-breakdowns", tags=["chain breakdowns"])


@router.post("", summary="Insert or update chain breakdowns (all or nothing)", response_model=ChainWriteSummary,
             dependencies=[JsonBody], responses=WRITE_RESPONSES)
def upsert_chain_breakdowns(
    session: SessionDep, settings: SettingsDep, key: SubmitKey, idempotency: IdempotencyDep, body: ChainBreakdownBatch
) -> ChainWriteSummary | Response:
    """Validate every breakdown (zone exists, chain in the catalog, segments and components within the chain's
    definition, shares 0–100, key products among the chain's key components, each once, with a localisation
    rate of 0–100%); write all or, if any is bad, none and list every problem. A zone × year × chain already
    stored is updated, and every insert or change is kept in its history (`GET /chain-breakdowns/history`).

    Each key product is placed by technology threshold × localisation (high from 50%): high threshold and
    low localisation is a chokepoint (卡脖子). The chain revenues of a zone-year (this batch's and those
    already stored) may not exceed the zone's reported revenue of that year by more than 0.5%: such a batch
    is refused (`exceeds_zone_revenue`); a zone-year without a reported revenue is written with a
    `revenue_not_reported` warning.

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


@router.get("/history", summary="History of one breakdown", response_model=list[ChainBreakdownChangeOut],
            responses=problem_responses(422))
def chain_breakdown_history(
    session: SessionDep,
    reader: ReadAccess,
    zone: Annotated[str, Query(description="zone code", examples=["DEMO-33-N01"])],
    year: Annotated[int, Query(ge=1900, le=2200, description="year of the figures", examples=[2024])],
    chain: Annotated[str, Query(description="chain code", examples=["integrated_circuits"])],
) -> list[ChainBreakdownChangeOut]:
    """Every change ever made to one zone × year × chain breakdown (its figures, key products included,
    before and after; who and when; the request id), oldest first; empty when it was never written."""
    return breakdown_history(session, zone, year, chain)
