"""Scoring models known to the service: the registry's built-ins and plug-ins, plus custom specs in the DB."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound
from app.orm import EvaluationRun, ModelSpecRow, PanelRun
from app.services import audit
from app.services.audit import CLI_ACTOR, Actor
from app.services.run_document import Methodology, MethodologyIndicator, read_run
from scoring_models.base import ScoringModel
from scoring_models.catalog import indicator_catalog
from scoring_models.methodology import describe_steps
from scoring_models.methods import MethodOverrides
from scoring_models.pipeline import build_model
from scoring_models.registry import default_registry, version_sort_key
from scoring_models.spec import ModelSpec


def _custom_rows(session: Session, key: str) -> list[ModelSpecRow]:
    rows = list(session.scalars(select(ModelSpecRow).where(ModelSpecRow.key == key)))
    return sorted(rows, key=lambda r: version_sort_key(r.version))


def resolve_model(session: Session, key: str, version: str | None = None) -> tuple[ScoringModel, str]:
    """The model ``key`` at ``version`` (default newest) and where it comes from (builtin, plug-in, custom)."""
    registry = default_registry()
    if key in registry:
        try:
            model = registry.get(key, version)
        except KeyError:
            raise NotFound(f"model {key!r} has no version {version!r}") from None
        return model, registry.source_of(model)
    rows = _custom_rows(session, key)
    if version is not None:
        rows = [r for r in rows if r.version == version]
    if not rows:
        detail = f"no model {key!r}" + (f" version {version!r}" if version else "")
        raise NotFound(detail)
    return build_model(rows[-1].spec), "custom"


def nominal_weights(model: ScoringModel) -> dict[str, float]:
    """Each indicator's share of the composite implied by pillar and within-pillar weights (sum 1)."""
    spec = getattr(model, "spec", None)
    if isinstance(spec, ModelSpec):
        return spec.nominal_weights()
    pillar_total = sum(p.weight for p in model.pillars) or 1.0
    inside: dict[str, float] = {}
    for ind in model.indicators:
        inside[ind.pillar] = inside.get(ind.pillar, 0.0) + ind.weight
    pillar_share = {p.code: p.weight / pillar_total for p in model.pillars}
    raw = {i.code: pillar_share.get(i.pillar, 0.0) * i.weight / (inside[i.pillar] or 1.0) for i in model.indicators}
    total = sum(raw.values()) or 1.0
    return {code: w / total for code, w in raw.items()}


def methodology(model: ScoringModel, overrides: MethodOverrides | None = None) -> Methodology:
    """The model's full methodology as stored with every run (and served by GET /models/{key}); a run's
    describes the steps with its own method ``overrides``."""
    catalog = indicator_catalog().by_code()
    weights = nominal_weights(model)
    found = getattr(model, "spec", None)
    spec = found if isinstance(found, ModelSpec) else None
    indicators = []
    for i in model.indicators:
        known = catalog.get(i.code)
        indicators.append(MethodologyIndicator(
            **i.model_dump(),
            name_zh=known.name_zh if known else i.code, name_en=known.name_en if known else i.code,
            nature=known.nature.value if known else None, dimension=known.dimension if known else None,
            unit=known.unit if known else None, nominal_weight=weights.get(i.code, 0.0),
        ))
    return Methodology(
        key=model.key, version=model.version, title_zh=model.title_zh, title_en=model.title_en,
        description=model.description, pillars=list(model.pillars), indicators=indicators,
        tier_scheme=model.tier_scheme, spec=None if spec is None else spec.model_dump(mode="json"),
        steps=[] if spec is None else describe_steps(spec, (overrides or MethodOverrides()).apply(spec.methods())),
    )


def list_models(session: Session) -> list[dict[str, Any]]:
    """Every model and version: registry ones first, then custom specs."""
    registry = default_registry()
    items = [
        {"key": s.key, "version": s.version, "title_zh": s.title_zh, "title_en": s.title_en,
         "description": s.description, "source": s.source}
        for s in registry.list()
    ]
    rows = session.scalars(select(ModelSpecRow).order_by(ModelSpecRow.key, ModelSpecRow.id))
    items += [
        {"key": r.key, "version": r.version, "title_zh": r.spec.get("title_zh", r.key),
         "title_en": r.spec.get("title_en", r.key), "description": r.spec.get("description", ""), "source": "custom"}
        for r in rows
    ]
    return items


def versions_of(session: Session, key: str) -> list[str]:
    """All known versions of ``key``, oldest first."""
    registry = default_registry()
    if key in registry:
        return [m.version for m in registry.models() if m.key == key]
    return [r.version for r in _custom_rows(session, key)]


def used_versions(session: Session, key: str) -> set[str]:
    """Versions of ``key`` that at least one stored evaluation or panel used (these are immutable)."""
    runs = session.scalars(select(EvaluationRun.model_version).where(EvaluationRun.model_key == key).distinct())
    panels = session.scalars(select(PanelRun.model_version).where(PanelRun.model_key == key).distinct())
    return set(runs) | set(panels)


def effective_weights(session: Session, key: str, version: str) -> tuple[int | None, dict[str, float] | None]:
    """The newest run of this model version and its effective weights, which describe the model on real
    data; (None, None) before its first run."""
    run_id = session.scalar(
        select(func.max(EvaluationRun.id)).where(EvaluationRun.model_key == key, EvaluationRun.model_version == version)
    )
    if run_id is None:
        return None, None
    run = session.get(EvaluationRun, run_id)
    return run_id, (None if run is None else read_run(run).info.effective_weights)


def register_spec(session: Session, spec: ModelSpec, *, actor: Actor = CLI_ACTOR) -> tuple[ModelSpecRow, bool]:
    """Store a custom spec as a new model or a new version; returns (row, created).

    Keys of built-in and plug-in models are reserved (fork them under a new key). A version that any
    run used is immutable: re-posting it unchanged is accepted, changing it is a conflict.
    """
    if spec.key in default_registry():
        raise Conflict(
            f"model key {spec.key!r} belongs to a built-in or plug-in model; fork it under a new key, "
            f"e.g. {spec.key}-33"
        )
    document = spec.model_dump(mode="json")
    existing = session.scalar(
        select(ModelSpecRow).where(ModelSpecRow.key == spec.key, ModelSpecRow.version == spec.version)
    )
    if existing is not None:
        if existing.spec == document:
            return existing, False
        if spec.version in used_versions(session, spec.key):
            raise Conflict(
                f"model {spec.key} version {spec.version} has been used by an evaluation and cannot change; "
                "register it under a new version"
            )
        old = existing.spec
        existing.spec = document
        existing.created_by = actor.name
        session.flush()
        audit.record(session, actor, "model.update", "model_spec", f"{spec.key}@{spec.version}", old=old,
                     new=document)
        return existing, False
    row = ModelSpecRow(key=spec.key, version=spec.version, spec=document, created_by=actor.name)
    session.add(row)
    session.flush()
    audit.record(session, actor, "model.create", "model_spec", f"{spec.key}@{spec.version}", new=document)
    return row, True
