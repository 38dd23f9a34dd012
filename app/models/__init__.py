"""ORM tables, one module per concept; importing this package registers them all on the metadata."""

from app.models.api_key import ApiKey, IdempotencyRecord
from app.models.audit import AuditEvent
from app.models.base import Base
from app.models.chain import ChainBreakdown
from app.models.evaluation import EvaluationRun, EvaluationZoneResult, ModelSpecRow
from app.models.indicator import IndicatorRow
from app.models.observation import Observation, ObservationChange
from app.models.webhook import Webhook, WebhookDelivery
from app.models.zone import Zone

__all__ = [
    "ApiKey",
    "AuditEvent",
    "Base",
    "ChainBreakdown",
    "EvaluationRun",
    "EvaluationZoneResult",
    "IdempotencyRecord",
    "IndicatorRow",
    "ModelSpecRow",
    "Observation",
    "ObservationChange",
    "Webhook",
    "WebhookDelivery",
    "Zone",
]
