"""Webhooks: register receivers of publication events, read their deliveries, redeliver one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from sqlalchemy.orm import Session

from app.api.deps import MAX_INT, JsonBody, Limit, Offset, SessionDep, SettingsDep
from app.api.paging import set_page_links
from app.api.responses import WRITE_RESPONSES, problem_responses
from app.orm import WebhookEvent, WebhookMessage
from app.schemas.common import Page
from app.schemas.webhook import WebhookCreate, WebhookDeliveryOut, WebhookMessageOut, WebhookOut
from app.security import AdminKey
from app.services import webhooks as service

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])

WebhookId = Annotated[int, Path(ge=1, le=MAX_INT, description="webhook id", examples=[3])]
DeliveryId = Annotated[str, Path(min_length=1, max_length=36, description="X-Zonescore-Delivery of the delivery",
                                 examples=["6f1c2d0e-9a7b-4c3d-8e2f-1a2b3c4d5e6f"])]


@router.post("", summary="Register a webhook", response_model=WebhookOut, status_code=201,
             dependencies=[JsonBody], responses=WRITE_RESPONSES)
def create_webhook(session: SessionDep, settings: SettingsDep, admin: AdminKey, body: WebhookCreate) -> WebhookOut:
    """Notify `url` with a signed POST whenever an evaluation run is published, superseded or withdrawn
    (only runs of `model_key` when given). The body is the event with the run summary;
    `X-Zonescore-Signature: sha256=<hex>` is HMAC-SHA256 with `secret` over
    `<X-Zonescore-Timestamp>.<raw body>`. Deliveries are durable and retried with backoff.
    Needs an admin key (like every webhook route: the receivers are the portals' own addresses)."""
    return WebhookOut.model_validate(service.create_webhook(session, body, actor=admin.actor,
                                                            allow_private=settings.webhook_allow_private))


@router.get("", summary="List webhooks", response_model=list[WebhookOut])
def list_webhooks(session: SessionDep, admin: AdminKey) -> list[WebhookOut]:
    """Every registered webhook, oldest first, with its URL and model filter (secrets are never returned)."""
    return [WebhookOut.model_validate(h) for h in service.list_webhooks(session)]


@router.get("/{webhook_id}", summary="One webhook", response_model=WebhookOut, responses=problem_responses(404))
def get_webhook(session: SessionDep, admin: AdminKey, webhook_id: WebhookId) -> WebhookOut:
    """One registered webhook: URL, model filter, state and creation time (never the secret)."""
    return WebhookOut.model_validate(service.get_webhook(session, webhook_id))


@router.delete("/{webhook_id}", summary="Delete a webhook", status_code=204, response_class=Response,
               responses=problem_responses(404))
def delete_webhook(session: SessionDep, admin: AdminKey, webhook_id: WebhookId) -> Response:
    """Stop notifying this receiver and drop its delivery log."""
    service.delete_webhook(session, webhook_id, actor=admin.actor)
    return Response(status_code=204)


@router.get("/{webhook_id}/deliveries", summary="Delivery log of a webhook", response_model=Page[WebhookDeliveryOut],
            responses=problem_responses(404))
def list_webhook_deliveries(
    request: Request, response: Response, session: SessionDep, admin: AdminKey, webhook_id: WebhookId,
    limit: Limit = 50, offset: Offset = 0,
) -> Page[WebhookDeliveryOut]:
    """Every delivery attempt, newest first: run, attempt number, HTTP status or error, and time; the
    `Link` header points at the other pages."""
    rows, total = service.deliveries(session, webhook_id, limit=limit, offset=offset)
    set_page_links(request, response, total=total, limit=limit, offset=offset)
    return Page[WebhookDeliveryOut](items=[WebhookDeliveryOut.model_validate(r) for r in rows], total=total,
                                    limit=limit, offset=offset)


def _message_out(session: Session, row: WebhookMessage, event: WebhookEvent) -> WebhookMessageOut:
    return WebhookMessageOut(
        delivery_id=row.delivery_id, webhook_id=row.webhook_id, event=event.event, run_id=event.run_id,
        state=row.state, attempts=row.attempts, next_attempt_at=row.next_attempt_at if row.state == "pending" else None,
        last_status_code=row.last_status_code, last_error=row.last_error, delivered_at=row.delivered_at,
        created_at=row.created_at,
        attempt_log=[WebhookDeliveryOut.model_validate(a) for a in service.attempts_of(session, row.delivery_id)],
    )


@router.get("/{webhook_id}/deliveries/{delivery_id}", summary="One delivery", response_model=WebhookMessageOut,
            responses=problem_responses(404))
def get_delivery(session: SessionDep, admin: AdminKey, webhook_id: WebhookId, delivery_id: DeliveryId
                 ) -> WebhookMessageOut:
    """Where one delivery stands (pending, delivered or failed), its event and run, and every attempt."""
    row, event = service.message(session, webhook_id, delivery_id)
    return _message_out(session, row, event)


@router.post("/{webhook_id}/deliveries/{delivery_id}/redeliver", summary="Redeliver", status_code=202,
             response_model=WebhookMessageOut, responses=problem_responses(404, 409))
def redeliver(session: SessionDep, admin: AdminKey, webhook_id: WebhookId, delivery_id: DeliveryId
              ) -> WebhookMessageOut:
    """Send the delivery again — same `X-Zonescore-Delivery`, same body, freshly signed — as soon as a
    worker is free, with a fresh count of attempts: after a receiver was down longer than the retries
    lasted, or lost what it got. 409 while a worker is sending it."""
    row, event = service.redeliver(session, webhook_id, delivery_id, actor=admin.actor)
    return _message_out(session, row, event)
