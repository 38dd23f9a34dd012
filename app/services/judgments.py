"""Expert panels' AHP judgments: submit, review, withdraw, and publish them as a model version.

A submission is checked the way a spec holding it would be — the matrices compare exactly the
model's pillars (or one pillar's indicators) and each has CR below the limit; an inconsistent
matrix is a 422 naming it, its CR and the judgments furthest from its priorities. Publishing copies
every expert of the panel into the spec of a new model version (``weighting: {"method": "ahp"}``),
so the judgments become part of that version's methodology and of every run made with it.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound, invalid_spec
from app.orm import ExpertJudgmentRow, ModelSpecRow
from app.schemas.judgments import JudgmentOut, JudgmentSubmission, PanelReview, PublishRequest
from app.services import audit
from app.services import model_catalog as catalog
from app.services.audit import CLI_ACTOR, Actor
from scoring_models.spec import ModelSpec, weights_from_judgments
from scoring_models.steps.ahp import (
    AhpSpec,
    ExpertJudgments,
    GroupMethod,
    PriorityMethod,
    ahp_report,
    inconsistencies,
    matrix_report,
)


def model_spec(session: Session, key: str) -> ModelSpec:
    """The newest spec of model ``key``; a model not declared as a spec cannot take AHP weights."""
    model, _source = catalog.resolve_model(session, key)
    spec = getattr(model, "spec", None)
    if not isinstance(spec, ModelSpec):
        raise Conflict(f"model {key!r} is not declared as a spec, so its weights cannot come from judgments")
    return spec


def _with_judgments(spec: ModelSpec, ahp: dict[str, Any], **changes: Any) -> dict[str, Any]:
    raw = spec.model_dump(mode="json")
    raw.update(changes)
    raw["weighting"] = {**raw["weighting"], "method": "ahp", "ahp": ahp}
    return raw


def checked_spec(spec: ModelSpec, experts: list[ExpertJudgments], *, group: GroupMethod, priority: PriorityMethod,
                 max_cr: float, **changes: Any) -> ModelSpec:
    """``spec`` with its weights from ``experts``' judgments; a 422 for matrices that do not fit the
    model or are inconsistent (every problem at its location, e.g. ``weighting.ahp.experts.0.pillars``)."""
    ahp = {"priority": priority.value, "group": group.value, "max_cr": max_cr,
           "experts": [e.model_dump(mode="json") for e in experts]}
    try:
        return ModelSpec.model_validate(_with_judgments(spec, ahp, **changes))
    except ValidationError as exc:
        raise invalid_spec(exc, "the judgments") from None


def _out(row: ExpertJudgmentRow, priority: PriorityMethod, max_cr: float) -> JudgmentOut:
    expert = ExpertJudgments.model_validate(row.judgments)
    matrices = [matrix_report(n, m.items, m.array(), priority, max_cr) for n, m in expert.matrices().items()]
    return JudgmentOut(id=row.id, model_key=row.model_key, panel=row.panel, expert=row.expert, weight=row.weight,
                       submitted_at=row.submitted_at, submitted_by=row.submitted_by, judgments=row.judgments,
                       matrices=matrices)


def _row(session: Session, key: str, panel: str, expert: str) -> ExpertJudgmentRow | None:
    return session.scalar(select(ExpertJudgmentRow).where(
        ExpertJudgmentRow.model_key == key, ExpertJudgmentRow.panel == panel, ExpertJudgmentRow.expert == expert))


def submit(session: Session, key: str, submission: JudgmentSubmission, *, max_cr: float = 0.10,
           priority: PriorityMethod = PriorityMethod.EIGENVECTOR, actor: Actor = CLI_ACTOR) -> tuple[JudgmentOut, bool]:
    """Store one expert's judgments (replacing the expert's earlier ones in the panel); (stored, created)."""
    spec = model_spec(session, key)
    expert = ExpertJudgments.model_validate(submission.model_dump(exclude={"panel"}))
    checked_spec(spec, [expert], group=GroupMethod.AIJ, priority=priority, max_cr=max_cr)
    others = [ExpertJudgments.model_validate(r.judgments) for r in session.scalars(select(ExpertJudgmentRow).where(
        ExpertJudgmentRow.model_key == spec.key, ExpertJudgmentRow.panel == submission.panel,
        ExpertJudgmentRow.expert != expert.expert).order_by(ExpertJudgmentRow.id))]
    try:  # one panel, one set of matrices: the group can only be formed over the same comparisons
        AhpSpec(experts=[*others, expert])
    except ValidationError as exc:
        raise invalid_spec(exc, "the judgments") from None
    document = expert.model_dump(mode="json")
    row = _row(session, spec.key, submission.panel, expert.expert)
    created = row is None
    if row is None:
        row = ExpertJudgmentRow(model_key=spec.key, panel=submission.panel, expert=expert.expert, weight=expert.weight,
                                judgments=document, submitted_by=actor.name)
        session.add(row)
        old = None
    else:
        old = row.judgments
        row.weight, row.judgments, row.submitted_by = expert.weight, document, actor.name
    session.flush()
    audit.record(session, actor, "judgments.submit" if created else "judgments.update", "expert_judgments",
                 f"{spec.key}/{submission.panel}/{expert.expert}", old=old, new=document)
    return _out(row, priority, max_cr), created


def panel_rows(session: Session, key: str, panel: str) -> list[ExpertJudgmentRow]:
    """The panel's submissions, in the order they were first made; 404 when there are none."""
    rows = list(session.scalars(select(ExpertJudgmentRow).where(
        ExpertJudgmentRow.model_key == key, ExpertJudgmentRow.panel == panel).order_by(ExpertJudgmentRow.id)))
    if not rows:
        raise NotFound(f"no judgments for model {key!r} in panel {panel!r}")
    return rows


def panels(session: Session, key: str) -> list[str]:
    """The panels with judgments for model ``key`` (a NotFound for an unknown model)."""
    catalog.resolve_model(session, key)
    found = session.scalars(select(ExpertJudgmentRow.panel).where(ExpertJudgmentRow.model_key == key).distinct())
    return sorted(found)


def review(session: Session, key: str, panel: str, *, group: GroupMethod = GroupMethod.AIJ,
           priority: PriorityMethod = PriorityMethod.EIGENVECTOR, max_cr: float = 0.10) -> PanelReview:
    """Every expert's matrices and CRs, the group priorities and the weights they would give the model."""
    spec = model_spec(session, key)
    rows = panel_rows(session, spec.key, panel)
    experts = [ExpertJudgments.model_validate(r.judgments) for r in rows]
    ahp = AhpSpec(priority=priority, group=group, max_cr=max_cr, experts=experts)
    report = ahp_report(ahp)
    # the weights the judgments give, whatever their consistency or the model's caps (publishing checks
    # both): derived, then read as plain weights
    raw = weights_from_judgments(_with_judgments(spec, ahp.model_dump(mode="json")))
    raw["weighting"] = {k: v for k, v in raw["weighting"].items() if k != "ahp"} | {"method": "expert"}
    raw["constraints"] = {}
    try:
        weighted = ModelSpec.model_validate(raw)
    except ValidationError as exc:
        raise invalid_spec(exc, "the weights of the judgments") from None
    total = sum(p.weight for p in weighted.pillars)
    return PanelReview(
        model_key=spec.key, panel=panel, priority=priority, group=group, max_cr=max_cr,
        experts=[_out(r, priority, max_cr) for r in rows], result=report.result,
        consistent=not inconsistencies(ahp),
        pillar_weights={p.code: p.weight / total for p in weighted.pillars},
        nominal_weights=weighted.nominal_weights(),
    )


def withdraw(session: Session, key: str, panel: str, expert: str, *, actor: Actor = CLI_ACTOR) -> None:
    """Delete one expert's judgments from the panel."""
    row = _row(session, key, panel, expert)
    if row is None:
        raise NotFound(f"no judgments of {expert!r} for model {key!r} in panel {panel!r}")
    old = row.judgments
    session.delete(row)
    session.flush()
    audit.record(session, actor, "judgments.withdraw", "expert_judgments", f"{key}/{panel}/{expert}", old=old)


def publish(session: Session, key: str, request: PublishRequest, *, actor: Actor = CLI_ACTOR) -> ModelSpecRow:
    """Register model ``request.key`` @ ``request.version``: model ``key``'s spec with the panel's
    judgments as its AHP weights. Every expert must be consistent (a 422 names who is not)."""
    spec = model_spec(session, key)
    experts = [ExpertJudgments.model_validate(r.judgments) for r in panel_rows(session, spec.key, request.panel)]
    published = checked_spec(spec, experts, group=request.group, priority=request.priority, max_cr=request.max_cr,
                             key=request.key, version=request.version)
    row, _created = catalog.register_spec(session, published, actor=actor)
    audit.record(session, actor, "judgments.publish", "expert_judgments", f"{spec.key}/{request.panel}",
                 new={"model": f"{row.key}@{row.version}", "experts": [e.expert for e in experts]})
    return row
