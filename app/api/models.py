"""Scoring models: list, methodology, and registration of declarative specs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response
from pydantic import BaseModel, Field, ValidationError

from app.api.deps import JsonBody, SessionDep
from app.api.responses import WRITE_RESPONSES, problem_responses
from app.errors import Problem, ValidationFailed
from app.security import AdminKey, ReadAccess
from app.services import model_catalog as catalog
from scoring_models.spec import ModelSpec

router = APIRouter(prefix="/api/v1/models", tags=["models"])


class ModelListItem(BaseModel):
    """A model version known to the service."""

    key: str
    version: str
    title_zh: str
    title_en: str
    description: str
    source: str


class Methodology(BaseModel):
    """A model's full methodology."""

    key: str
    version: str
    versions: list[str]
    source: str
    title_zh: str
    title_en: str
    description: str
    pillars: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    tier_scheme: dict[str, Any]
    spec: dict[str, Any] | None
    steps: list[dict[str, Any]] = Field(
        description="every step in the order it runs: its method, its population — 'filtered' (the zones a "
        "run evaluates: a province-only run ranks and tiers its zones among themselves), 'national' (every "
        "zone with data in the year, whatever the filter: the badges) or 'own' (the zone's own data and the "
        "model's settings) — and its source (the published method); empty for a plug-in that is not a spec",
    )
    immutable: bool
    effective_weights: dict[str, float] | None
    effective_weights_run_id: int | None


@router.get("", summary="List scoring models", response_model=list[ModelListItem])
def list_models(session: SessionDep, reader: ReadAccess) -> list[ModelListItem]:
    """Every scoring model the service can run — built-in, installed plug-ins and custom specs registered
    through this API — one item per version, with titles in Chinese and English."""
    return [ModelListItem(**item) for item in catalog.list_models(session)]


@router.get("/{key}", summary="A model's methodology", response_model=Methodology, responses=problem_responses(404))
def get_model(
    session: SessionDep,
    reader: ReadAccess,
    key: str,
    version: Annotated[str | None, Query(description="default: newest")] = None,
) -> Methodology:
    """Pillars, indicators with nominal weights, effective weights from the newest run of this version,
    the method and thresholds of every step (the declarative spec), each step's method, population
    (filtered, national or own) and source (`steps`), the tier scheme and all versions."""
    model, source = catalog.resolve_model(session, key, version)
    doc = catalog.methodology(model)
    run_id, effective = catalog.effective_weights(session, model.key, model.version)
    return Methodology(
        **doc.model_dump(mode="json"), versions=catalog.versions_of(session, key), source=source,
        immutable=source != "custom" or model.version in catalog.used_versions(session, key),
        effective_weights=effective, effective_weights_run_id=run_id,
    )


@router.post("", summary="Register a custom model (declarative spec)", response_model=Methodology,
             status_code=201, dependencies=[JsonBody], responses=WRITE_RESPONSES)
def register_model(
    session: SessionDep, admin: AdminKey, response: Response, body: Annotated[dict[str, Any], Body()]
) -> Methodology:
    """Validate a declarative spec and store it as a new custom model or a new version of one.

    To fork a built-in model (e.g. a province's own weights for ``innovation-peak``), take ``spec``
    from ``GET /api/v1/models/innovation-peak``, change ``key`` (e.g. ``innovation-peak-33``) and the
    weights, and post it here. Every invalid field is reported with its exact location.
    """
    try:
        spec = ModelSpec.model_validate(body)
    except ValidationError as exc:
        problems = [
            Problem(column=".".join(str(p) for p in err["loc"]) or None, code=err["type"], message=err["msg"],
                    value=None if err.get("input") is None else str(err.get("input"))[:200])
            for err in exc.errors()
        ]
        raise ValidationFailed(f"the model spec is invalid: {len(problems)} problem(s)", errors=problems) from None
    row, created = catalog.register_spec(session, spec, actor=admin.actor)
    if not created:
        response.status_code = 200
    return get_model(session, admin, row.key, row.version)
