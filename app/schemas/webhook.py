"""Webhook subscriptions and their delivery log."""

from __future__ import annotations

from datetime import datetime

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field


class WebhookCreate(BaseModel):
    """A receiver to notify when an evaluation run is published."""

    model_config = ConfigDict(extra="forbid")

    # No example URL: the OpenAPI document must not contain remote URLs (the docs pages work offline).
    url: AnyHttpUrl = Field(description="http(s) URL of the receiver", examples=["http://127.0.0.1:9000/hooks/zonescore"])
    secret: str = Field(min_length=16, max_length=200,
                        description="shared secret for the HMAC-SHA256 signature; never served back",
                        examples=["a-long-shared-secret-0001"])
    model_key: str | None = Field(default=None, max_length=64,
                                  description="only runs of this model (default: every run)",
                                  examples=["innovation-peak"])
    description: str | None = Field(default=None, max_length=500, description="what the receiver is for",
                                    examples=["浙江门户排名页刷新"])


class WebhookOut(BaseModel):
    """A stored subscription (without its secret)."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="webhook id", examples=[3])
    url: str = Field(description="http(s) URL of the receiver", examples=["http://127.0.0.1:9000/hooks/zonescore"])
    model_key: str | None = Field(description="only runs of this model (null: every run)",
                                  examples=["innovation-peak"])
    description: str | None = Field(description="what the receiver is for", examples=["浙江门户排名页刷新"])
    created_at: datetime = Field(description="when the webhook was registered (UTC)",
                                 examples=["2026-03-02T08:15:00Z"])


class WebhookDeliveryOut(BaseModel):
    """One delivery attempt."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="delivery attempt id", examples=[17])
    webhook_id: int = Field(description="the webhook", examples=[3])
    run_id: int = Field(description="the evaluation run notified", examples=[12])
    delivery_id: str = Field(description="the same for every attempt of one notification (X-Zonescore-Delivery)",
                             examples=["6f1c2d0e-9a7b-4c3d-8e2f-1a2b3c4d5e6f"])
    attempt: int = Field(description="1 for the first attempt, then 2, 3 …", examples=[1])
    status_code: int | None = Field(description="the receiver's HTTP status (null: no answer)", examples=[200])
    error: str | None = Field(description="why the attempt failed: 'HTTP <status> <standard phrase>' (the "
                              "receiver's body is never kept), a network error, or why the target was refused",
                              examples=[None])
    succeeded: bool = Field(description="true when the receiver answered 2xx", examples=[True])
    duration_ms: float = Field(description="time of the attempt in milliseconds", examples=[84.2])
    created_at: datetime = Field(description="when the attempt was made (UTC)", examples=["2026-03-02T08:15:00Z"])


class WebhookMessageOut(BaseModel):
    """One event to one receiver (a delivery) and where it stands, with every attempt so far."""

    delivery_id: str = Field(description="X-Zonescore-Delivery: the same on every attempt and redelivery",
                             examples=["6f1c2d0e-9a7b-4c3d-8e2f-1a2b3c4d5e6f"])
    webhook_id: int = Field(description="the receiver", examples=[3])
    event: str = Field(description="evaluation.published, evaluation.superseded or evaluation.withdrawn",
                       examples=["evaluation.withdrawn"])
    run_id: int = Field(description="the evaluation run the event is about", examples=[12])
    state: str = Field(description="pending (due at next_attempt_at), delivered or failed", examples=["pending"])
    attempts: int = Field(description="attempts since it was queued (or redelivered)", examples=[1])
    next_attempt_at: datetime | None = Field(description="when the next attempt is due (null once delivered or "
                                             "failed)", examples=["2026-03-02T08:16:00Z"])
    last_status_code: int | None = Field(description="the receiver's HTTP status at the last attempt (null: none "
                                         "yet or no answer)", examples=[503])
    last_error: str | None = Field(description="why the last attempt failed (null: it did not)",
                                   examples=["HTTP 503 Service Unavailable"])
    delivered_at: datetime | None = Field(description="when a 2xx answer arrived (null: not yet)", examples=[None])
    created_at: datetime = Field(description="when the event was queued for this receiver (UTC)",
                                 examples=["2026-03-02T08:15:00Z"])
    attempt_log: list[WebhookDeliveryOut] = Field(description="every attempt so far, oldest first")
