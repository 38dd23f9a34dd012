"""Scoring models: list, methodology, and registration of declarative specs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.api.deps import JsonBody, SessionDep
from app.api.responses import WRITE_RESPONSES, problem_responses
from app.errors import invalid_spec
from app.security import AdminKey, ReadAccess
from app.services import model_catalog as catalog
from app.services.run_document import Methodology
from scoring_models.spec import ModelSpec

router = APIRouter(prefix="/api/v1/models", tags=["models"])


class ModelListItem(BaseModel):
    """A model version known to the service."""

    key: str = Field(description="model key", examples=["innovation-peak"])
    version: str = Field(description="version", examples=["1.0.0"])
    title_zh: str = Field(description="Chinese title", examples=["创新高峰评价"])
    title_en: str = Field(description="English title", examples=["Innovation peak"])
    description: str = Field(description="what the model measures and how",
                             examples=["Peer groups by revenue band × national R&D platforms …"])
    source: str = Field(description="builtin, plugin (an installed package) or custom (registered here)",
                        examples=["builtin"])


class ModelDetail(Methodology):
    """A model's full methodology, with its versions and the effective weights of its newest run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    versions: list[str] = Field(description="every version of the model, oldest first", examples=[["1.0.0"]])
    source: str = Field(description="builtin, plugin or custom", examples=["builtin"])
    immutable: bool = Field(description="true when the version cannot change (built-in, or used by a run)",
                            examples=[True])
    effective_weights: dict[str, float] | None = Field(description="indicator code → effective weight in the "
                                                       "newest run of this version (null: no run yet)",
                                                       examples=[{"rd_intensity": 0.05}])
    effective_weights_run_id: int | None = Field(description="that run's id", examples=[12])
    importance: dict[str, Any] | None = Field(
        default=None, description="the newest run's effective importance: each indicator's and pillar's correlation "
                                  "ratio with the composite next to its nominal weight (and a calibration if any)",
        examples=[{"measure": "correlation_ratio", "bandwidth": 0.1, "indicators": [
            {"code": "rd_intensity", "nominal": 0.0636, "applied": 0.0636, "correlation_ratio": 0.562,
             "share": 0.0383}], "pillars": [
            {"code": "leading_chain", "nominal": 0.2, "applied": 0.2, "correlation_ratio": 0.364, "share": 0.081}]}])


@router.get("", summary="List scoring models", response_model=list[ModelListItem])
def list_models(session: SessionDep, reader: ReadAccess) -> list[ModelListItem]:
    """Every scoring model the service can run — built-in, installed plug-ins and custom specs registered
    through this API — one item per version, with titles in Chinese and English."""
    return [ModelListItem(**item) for item in catalog.list_models(session)]


@router.get("/{key}", summary="A model's methodology", response_model=ModelDetail, responses=problem_responses(404))
def get_model(
    session: SessionDep,
    reader: ReadAccess,
    key: Annotated[str, Path(max_length=64, description="model key", examples=["innovation-peak"])],
    version: Annotated[str | None, Query(max_length=32, description="model version; default: the newest",
                                         examples=["1.0.0"])] = None,
) -> ModelDetail:
    """Pillars, indicators with nominal weights, effective weights from the newest run of this version,
    the method and thresholds of every step (the declarative spec), each step's method, population
    (filtered, national or own) and source (`steps`), the tier scheme and all versions."""
    model, source = catalog.resolve_model(session, key, version)
    doc = catalog.methodology(model)
    run_id, info = catalog.newest_run_info(session, model.key, model.version)
    return ModelDetail(
        **dict(doc), versions=catalog.versions_of(session, key), source=source,
        immutable=source != "custom" or model.version in catalog.used_versions(session, key),
        effective_weights=None if info is None else info.effective_weights, effective_weights_run_id=run_id,
        importance=None if info is None or info.importance is None else info.importance.model_dump(mode="json"),
    )


@router.post("", summary="Register a custom model (declarative spec)", response_model=ModelDetail,
             status_code=201, dependencies=[JsonBody], responses=WRITE_RESPONSES)
def register_model(
    session: SessionDep, admin: AdminKey, response: Response, body: Annotated[dict[str, Any], Body()]
) -> ModelDetail:
    """Validate a declarative spec and store it as a new custom model or a new version of one.

    To fork a built-in model (e.g. a province's own weights for ``innovation-peak``), take ``spec``
    from ``GET /api/v1/models/innovation-peak``, change ``key`` (e.g. ``innovation-peak-33``) and the
    weights, and post it here. Every invalid field is reported with its exact location.
    """
    try:
        spec = ModelSpec.model_validate(body)
    except ValidationError as exc:
        raise invalid_spec(exc, "the model spec") from None
    row, created = catalog.register_spec(session, spec, actor=admin.actor)
    if not created:
        response.status_code = 200
    return get_model(session, admin, row.key, row.version)
