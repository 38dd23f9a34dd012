"""ORM tables, one module per concept; importing this package registers them all on the metadata."""

from app.orm.api_key import ApiKey, IdempotencyRecord
from app.orm.audit import AuditEvent
from app.orm.base import Base
from app.orm.chain import ChainBreakdown, ChainBreakdownChange, ChainKeyProduct
from app.orm.evaluation import EvaluationRun, EvaluationZoneResult, ModelSpecRow
from app.orm.indicator import IndicatorRow
from app.orm.observation import Observation, ObservationChange
from app.orm.panel import PanelRun, PanelTrajectoryRow, PanelZoneYearRow
from app.orm.webhook import Webhook, WebhookDelivery
from app.orm.zone import Zone

__all__ = [
    "ApiKey",
    "AuditEvent",
    "Base",
    "ChainBreakdown",
    "ChainBreakdownChange",
    "ChainKeyProduct",
    "EvaluationRun",
    "EvaluationZoneResult",
    "IdempotencyRecord",
    "IndicatorRow",
    "ModelSpecRow",
    "Observation",
    "ObservationChange",
    "PanelRun",
    "PanelTrajectoryRow",
    "PanelZoneYearRow",
    "Webhook",
    "WebhookDelivery",
    "Zone",
]
