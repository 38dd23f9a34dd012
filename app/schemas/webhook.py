"""Webhook subscriptions and their delivery log."""

from __future__ import annotations

from datetime import datetime

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field


class WebhookCreate(BaseModel):
    """A receiver to notify when an evaluation run is published."""

    model_config = ConfigDict(extra="forbid")

    # No example URL: the OpenAPI document must not contain remote URLs (the docs pages work offline).
    url: AnyHttpUrl = Field(description="http(s) URL of the receiver")
    secret: str = Field(min_length=16, max_length=200,
                        description="shared secret for the HMAC-SHA256 signature; never served back")
    model_key: str | None = Field(default=None, max_length=64,
                                  description="only runs of this model (default: every run)",
                                  examples=["innovation-peak"])
    description: str | None = Field(default=None, max_length=500)


class WebhookOut(BaseModel):
    """A stored subscription (without its secret)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    model_key: str | None
    description: str | None
    created_at: datetime


class WebhookDeliveryOut(BaseModel):
    """One delivery attempt."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    webhook_id: int
    run_id: int
    delivery_id: str = Field(description="the same for every attempt of one notification (X-Zonescore-Delivery)")
    attempt: int
    status_code: int | None
    error: str | None = Field(description="why the attempt failed: 'HTTP <status> <standard phrase>' (the "
                              "receiver's body is never kept), a network error, or why the target was refused")
    succeeded: bool
    duration_ms: float
    created_at: datetime


class WebhookMessageOut(BaseModel):
    """One event to one receiver (a delivery) and where it stands, with every attempt so far."""

    delivery_id: str = Field(description="X-Zonescore-Delivery: the same on every attempt and redelivery")
    webhook_id: int
    event: str = Field(examples=["evaluation.withdrawn"])
    run_id: int
    state: str = Field(description="pending (due at next_attempt_at), delivered or failed")
    attempts: int = Field(description="attempts since it was queued (or redelivered)")
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    attempt_log: list[WebhookDeliveryOut]
