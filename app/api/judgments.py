"""AHP judgments of expert panels: submit, review, withdraw, publish as a model version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from app.api.deps import JsonBody, SessionDep
from app.api.models import ModelDetail, get_model
from app.api.responses import WRITE_RESPONSES, problem_responses
from app.schemas.judgments import PANEL, JudgmentOut, JudgmentSubmission, PanelReview, PublishRequest
from app.security import AdminKey, EvaluateKey, ReadAccess
from app.services import judgments as service
from scoring_models.steps.ahp import GroupMethod, PriorityMethod

router = APIRouter(prefix="/api/v1/models/{key}/judgments", tags=["models"])

MaxCr = Annotated[float, Query(gt=0, le=1, description="the consistency ratio a matrix must stay below")]
Priority = Annotated[PriorityMethod, Query(description="priorities by principal eigenvector or row geometric mean")]
Panel = Annotated[str, Path(pattern=PANEL, description="the panel (consultation round), e.g. 2025",
                            examples=["2025"])]
ModelKey = Annotated[str, Path(max_length=64, description="key of the model judged", examples=["innovation-peak"])]
Expert = Annotated[str, Path(description="the expert's name as submitted", examples=["张三"])]


@router.post("", summary="Submit an expert's AHP judgments", response_model=JudgmentOut, status_code=201,
             dependencies=[JsonBody], responses={**WRITE_RESPONSES, **problem_responses(404)})
def submit(session: SessionDep, principal: EvaluateKey, response: Response, key: ModelKey, body: JudgmentSubmission,
           max_cr: MaxCr = 0.10, priority: Priority = PriorityMethod.EIGENVECTOR) -> JudgmentOut:
    """One expert's pairwise comparisons (Saaty's 1–9 scale) of the model's pillars and/or of the
    indicators inside pillars, stored in `panel`. Answers each matrix's priorities, λmax, CI, RI and
    CR. A matrix over other items than the model's, or with CR ≥ `max_cr`, is a 422 naming the
    matrix, its CR and the judgments furthest from its priorities. Resubmitting replaces the
    expert's judgments (200)."""
    stored, created = service.submit(session, key, body, max_cr=max_cr, priority=priority, actor=principal.actor)
    if not created:
        response.status_code = 200
    return stored


@router.get("", summary="Panels with judgments for a model", response_model=list[str],
            responses=problem_responses(404))
def list_judgment_panels(session: SessionDep, reader: ReadAccess, key: ModelKey) -> list[str]:
    """The panels holding judgments for this model (404 for an unknown model)."""
    return service.panels(session, key)


@router.get("/{panel}", summary="Review a panel's judgments", response_model=PanelReview,
            responses=problem_responses(404, 409))
def review(session: SessionDep, reader: ReadAccess, key: ModelKey, panel: Panel,
           group: Annotated[GroupMethod, Query(description="aij: geometric mean of the judgments; aip: of the "
                                                           "priorities")] = GroupMethod.AIJ,
           priority: Priority = PriorityMethod.EIGENVECTOR, max_cr: MaxCr = 0.10) -> PanelReview:
    """Every expert's matrices with priorities and CR, the group's priorities (AIJ or AIP), whether
    every matrix is consistent, and the pillar and indicator weights the panel's judgments give."""
    return service.review(session, key, panel, group=group, priority=priority, max_cr=max_cr)


@router.delete("/{panel}/{expert}", summary="Withdraw an expert's judgments", status_code=204,
               response_class=Response, responses=problem_responses(404))
def withdraw(session: SessionDep, principal: EvaluateKey, key: ModelKey, panel: Panel, expert: Expert) -> Response:
    """Remove one expert's judgments from the panel."""
    service.withdraw(session, key, panel, expert, actor=principal.actor)
    return Response(status_code=204)


@router.post("/publish", summary="Publish a panel's judgments as a model version", response_model=ModelDetail,
             status_code=201, dependencies=[JsonBody], responses={**WRITE_RESPONSES, **problem_responses(404)})
def publish(session: SessionDep, admin: AdminKey, key: ModelKey, body: PublishRequest) -> ModelDetail:
    """Register `body.key` @ `body.version`: this model's spec with the panel's judgments as its AHP
    weights (`weighting: {"method": "ahp"}`), so they are part of that version's methodology and of
    every run made with it. Every expert's matrices must be consistent; built-in keys are reserved."""
    row = service.publish(session, key, body, actor=admin.actor)
    return get_model(session, admin, row.key, row.version)
