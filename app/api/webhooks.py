"""Webhooks: register receivers of published evaluation runs and read their delivery log."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.api.deps import Limit, Offset, SessionDep, SettingsDep
from app.api.responses import problem_responses
from app.schemas.common import Page
from app.schemas.webhook import WebhookCreate, WebhookDeliveryOut, WebhookOut
from app.services import webhooks as service

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])


@router.post("", summary="Register a webhook", response_model=WebhookOut, status_code=201,
             responses=problem_responses(422))
def create_webhook(session: SessionDep, settings: SettingsDep, body: WebhookCreate) -> WebhookOut:
    """Notify `url` with a signed POST whenever an evaluation run is published (only runs of `model_key`
    when given). The body is the run summary; `X-Zonescore-Signature: sha256=<hex>` is HMAC-SHA256 with
    `secret` over `<X-Zonescore-Timestamp>.<raw body>`. Failed deliveries are retried with backoff."""
    return WebhookOut.model_validate(service.create_webhook(session, body,
                                                            allow_private=settings.webhook_allow_private))


@router.get("", summary="List webhooks", response_model=list[WebhookOut])
def list_webhooks(session: SessionDep) -> list[WebhookOut]:
    """Every registered webhook, oldest first, with its URL and model filter (secrets are never returned)."""
    return [WebhookOut.model_validate(h) for h in service.list_webhooks(session)]


@router.get("/{webhook_id}", summary="One webhook", response_model=WebhookOut, responses=problem_responses(404))
def get_webhook(session: SessionDep, webhook_id: int) -> WebhookOut:
    """One registered webhook: URL, model filter, state and creation time (never the secret)."""
    return WebhookOut.model_validate(service.get_webhook(session, webhook_id))


@router.delete("/{webhook_id}", summary="Delete a webhook", status_code=204, response_class=Response,
               responses=problem_responses(404))
def delete_webhook(session: SessionDep, webhook_id: int) -> Response:
    """Stop notifying this receiver and drop its delivery log."""
    service.delete_webhook(session, webhook_id)
    return Response(status_code=204)


@router.get("/{webhook_id}/deliveries", summary="Delivery log of a webhook", response_model=Page[WebhookDeliveryOut],
            responses=problem_responses(404))
def list_deliveries(
    session: SessionDep, webhook_id: int, limit: Limit = 50, offset: Offset = 0
) -> Page[WebhookDeliveryOut]:
    """Every delivery attempt, newest first: run, attempt number, HTTP status or error, and time."""
    rows, total = service.deliveries(session, webhook_id, limit=limit, offset=offset)
    return Page[WebhookDeliveryOut](items=[WebhookDeliveryOut.model_validate(r) for r in rows], total=total,
                                    limit=limit, offset=offset)
