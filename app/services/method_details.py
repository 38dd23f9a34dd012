"""What a run's (or a model's) methods say, in words and tables of one language.

The pages (``/ui``) and the downloads read the same facts the same way: the AHP matrices behind the
weights, the parts of combined weights, the composite method's settings, effective importance next
to the nominal weights (and a calibration), the coupling of a zone and the way a zone would reach
the DEA frontier. Everything is taken from what was stored (the run's methodology and info, a zone's
result), never from the model as it is today.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.i18n import LabelSet, Language, label, localized
from app.services.run_document import Methodology
from app.texts import text
from scoring_models.base import ModelInfo
from scoring_models.steps.effective import ImportanceItem
from scoring_models.steps.efficiency import EfficiencyScores, Role

Namer = Callable[[str], str]


def percent(value: float | None) -> str:
    """A share as a percentage with two decimals ("" for none)."""
    return "" if value is None else f"{value * 100:.2f}%"


def signed_percent(value: float) -> str:
    """A change in percent with its sign, the minus as the typographic minus (−12.3%)."""
    return f"{value:+.1f}%".replace("-", "−")


def indicator_namer(methodology: Methodology, lang: Language) -> Namer:
    """An indicator's label in ``lang`` (the run's own name for codes the catalog does not know)."""
    known = methodology.indicators_by_code()

    def name(code: str) -> str:
        meta = known.get(code)
        return label(LabelSet.INDICATORS, code, lang, default=localized(meta.name_zh, meta.name_en, lang)
                     if meta else code)

    return name


def frontier_sentence(efficiency: EfficiencyScores, name: Namer, lang: Language) -> str:
    """"To reach the frontier: −12.3% R&D staff, +8.1% invention patents" — every input to cut and
    output to raise (changes under 0.05% left out), or that the zone is on the frontier."""
    changes = []
    for t in efficiency.targets:
        if t.change_percent is None:
            if t.role is Role.OUTPUT and t.target > t.current:
                changes.append(f"{name(t.code)} +{t.target:.4g}")
        elif abs(t.change_percent) >= 0.05:
            changes.append(f"{name(t.code)} {signed_percent(t.change_percent)}")
    if not changes:
        return text("on_frontier", lang)
    return text("frontier_sentence", lang).format(changes=text("list_separator", lang).join(changes))


def composite_description(methodology: Methodology, lang: Language) -> str | None:
    """The composite method in words with its settings; None for a weighted composite (or no spec)."""
    spec: dict[str, Any] = methodology.spec or {}
    composite = spec.get("composite") or {}
    method = composite.get("method", "weighted")
    if method == "weighted":
        return None
    title = label(LabelSet.METHODS, method, lang)
    pillars = methodology.pillar_names(lang)
    if method == "coupling":
        c = composite.get("coupling", {})
        detail = text("coupling_settings", lang).format(
            innovation=pillars.get(c.get("innovation_pillar", ""), c.get("innovation_pillar")),
            industry=pillars.get(c.get("industry_pillar", ""), c.get("industry_pillar")),
            alpha=c.get("alpha"), beta=c.get("beta"))
        return f"{title}: {detail}"
    if method == "dea":
        d = composite.get("dea", {})
        name = indicator_namer(methodology, lang)
        sep = text("list_separator", lang)
        detail = text("dea_settings", lang).format(
            inputs=sep.join(name(c) for c in d.get("inputs", [])),
            outputs=sep.join(name(c) for c in d.get("outputs", [])),
            rts=label(LabelSet.RETURNS_TO_SCALE, str(d.get("returns_to_scale", "constant")), lang),
            super=text("yes" if d.get("super_efficiency", True) else "no", lang))
        return f"{title}: {detail}"
    return title


@dataclass(frozen=True)
class ImportanceRow:
    """One pillar or indicator: its name, nominal and applied weight, correlation ratio and effective share."""

    code: str
    name: str
    nominal: float
    applied: float
    correlation_ratio: float
    share: float


def importance_rows(info: ModelInfo, methodology: Methodology,
                    lang: Language) -> tuple[list[ImportanceRow], list[ImportanceRow]]:
    """(pillars, indicators) of the run's effective importance; empty when the run has none."""
    if info.importance is None:
        return [], []
    pillars = methodology.pillar_names(lang)
    name = indicator_namer(methodology, lang)

    def row(item: ImportanceItem, title: str) -> ImportanceRow:
        return ImportanceRow(item.code, title, item.nominal, item.applied, item.correlation_ratio, item.share)

    return ([row(p, pillars.get(p.code, p.code)) for p in info.importance.pillars],
            [row(i, name(i.code)) for i in info.importance.indicators])


def method_labels(info_methods: dict[str, str], lang: Language) -> list[tuple[str, str, str]]:
    """(step, method code, method label) of every step a run used."""
    return [(step, method, label(LabelSet.METHODS, method, lang)) for step, method in sorted(info_methods.items())]
