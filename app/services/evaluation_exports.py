"""Downloads of evaluation results: rankings and scorecards as CSV or XLSX, with a methodology sheet.

Every label (tier, profile, badge, province, level, indicator) comes from the label catalog in the
language asked for, every header and phrase from :mod:`app.texts`; numbers stay numbers so a
spreadsheet can sort and chart them. The methodology sheet is built from what the run stored (its
methodology and info), never from the model as it is today, so a download always describes exactly
the run it belongs to.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.i18n import LabelSet, Language, label, localized
from app.schemas.evaluation import RankingRow
from app.services import evaluations as service
from app.services import method_details as details
from app.services.exports import FileFormat, Sheet, key_value_sheet, text_column, to_csv, to_xlsx
from app.services.run_document import StoredRun
from app.services.run_labels import RunLabels, highlight_sentence
from app.texts import text

RANKING_COLUMNS = (
    text_column("rank"),
    text_column("zone_code"),
    text_column("name", "zone_name"),
    text_column("province"),
    text_column("level"),
    text_column("composite"),
    text_column("rpi"),
    text_column("tier"),
    text_column("subgroup"),
    text_column("peer_group"),
    text_column("peer_group_size"),
    text_column("peer_group_mean"),
    text_column("peer_rank", "rank_in_peer_group"),
    text_column("profile"),
    text_column("badges"),
    text_column("rank_p5"),
    text_column("rank_median"),
    text_column("rank_p95"),
)

COUPLING_COLUMNS = (
    text_column("u_innovation"),
    text_column("u_industry"),
    text_column("coupling_degree"),
    text_column("development_index"),
    text_column("coordination_degree"),
    text_column("lagging"),
)

EFFICIENCY_COLUMNS = (
    text_column("ccr"),
    text_column("bcc"),
    text_column("scale_efficiency"),
    text_column("super_efficiency"),
    text_column("returns_to_scale"),
    text_column("efficiency_status"),
    text_column("frontier_targets"),
)

CONTRIBUTION_COLUMNS = (
    text_column("code", "indicator_code"),
    text_column("name", "indicator_name"),
    text_column("pillar"),
    text_column("unit"),
    text_column("raw", "raw_value"),
    text_column("normalised"),
    text_column("weight"),
    text_column("contribution"),
    text_column("imputed"),
    text_column("highlight", "strength_or_weakness"),
)

HIGHLIGHT_COLUMNS = (
    text_column("kind"),
    text_column("code", "indicator_code"),
    text_column("name", "indicator_name"),
    text_column("normalised"),
    text_column("peer_median", "peer_median_short"),
    text_column("delta", "difference"),
    text_column("text", "in_words"),
)


_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)")


def pin_xlsx(body: bytes, when: datetime) -> bytes:
    """The same workbook with every timestamp set to ``when`` (the run's creation time).

    openpyxl stamps the save time into the zip entries and the document properties, so two downloads
    of one run would differ byte-wise; results are served with a *strong* ETag, which promises identical
    bytes, and the run's own time is the honest "created" date of its results anyway.
    """
    when = when.astimezone(UTC)
    # Zip times have two-second resolution and no time zone; the properties carry UTC.
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(body))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(lambda m: m.group(1) + iso + m.group(3), data)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=stamp), data, compress_type=info.compress_type)
    return out.getvalue()


def sheet_name(key: str, lang: Language) -> str:
    """The worksheet name of ``key`` (rankings, methodology, summary, contributions, highlights)."""
    return text(f"sheet_{key}", lang)


def badge_text(badges: Iterable[str], lang: Language) -> str:
    """Badge labels joined the way each language lists things."""
    return text("list_separator", lang).join(label(LabelSet.BADGES, b, lang) for b in badges)


def ranking_columns(run: StoredRun) -> tuple[Any, ...]:
    """The ranking download's columns: the common ones, then the run's composite method's measures."""
    method = run.methodology.spec_methods().get("composite", "weighted")
    extra = {"coupling": COUPLING_COLUMNS, "dea": EFFICIENCY_COLUMNS}.get(method, ())
    return (*RANKING_COLUMNS, *extra)


def _measures(row: RankingRow, lang: Language, name: details.Namer) -> dict[str, Any]:
    """The coupling or efficiency columns of a ranking row (none for other models)."""
    out: dict[str, Any] = {}
    if row.coupling is not None:
        c = row.coupling
        out |= {"u_innovation": round(c.innovation, 6), "u_industry": round(c.industry, 6),
                "coupling_degree": round(c.coupling, 6), "development_index": round(c.development, 6),
                "coordination_degree": round(c.coordination, 6), "lagging": label(LabelSet.COUPLING_LAGS, c.lag, lang)}
    if row.efficiency is not None:
        e = row.efficiency
        out |= {"ccr": round(e.ccr, 6), "bcc": round(e.bcc, 6), "scale_efficiency": round(e.scale, 6),
                "super_efficiency": None if e.super_efficiency is None else round(e.super_efficiency, 6),
                "returns_to_scale": label(LabelSet.RETURNS_TO_SCALE, e.returns_to_scale, lang),
                "efficiency_status": label(LabelSet.EFFICIENCY_STATUS, e.status, lang),
                "frontier_targets": details.frontier_sentence(e, name, lang)}
    return out


def ranking_export_row(row: RankingRow, lang: Language, name: details.Namer | None = None) -> dict[str, Any]:
    """One ranking row, labelled in ``lang`` (the download's language), as a download row: labels, not codes
    (``name`` names indicators in the frontier targets of an efficiency model; the catalog's labels by default)."""
    interval = row.rank_interval
    namer = name or (lambda code: label(LabelSet.INDICATORS, code, lang))
    return _measures(row, lang, namer) | {
        "rank": row.rank, "zone_code": row.zone_code, "name": row.name, "province": row.province_label,
        "level": row.level_label, "composite": round(row.composite, 4),
        "rpi": None if row.rpi is None else round(row.rpi, 2), "tier": row.tier_label,
        "subgroup": row.subgroup or None, "peer_group": row.peer_group_label, "peer_group_size": row.peer_group_size,
        "peer_group_mean": None if row.peer_group_mean is None else round(row.peer_group_mean, 4),
        "peer_rank": row.peer_rank, "profile": row.profile_label,
        "badges": text("list_separator", lang).join(row.badge_labels),
        "rank_p5": interval.p5 if interval else None, "rank_median": interval.median if interval else None,
        "rank_p95": interval.p95 if interval else None,
    }


def ranking_rows(
    session: Session, run_id: int, lang: Language, *, max_rows: int, **filters: Any
) -> list[dict[str, Any]]:
    """Every ranked zone of the run that matches ``filters`` (as :func:`app.services.evaluations.rankings`),
    as export rows; at most ``max_rows`` (a run holds at most a few thousand zones)."""
    rows, _total = service.rankings(session, run_id, limit=max_rows, offset=0, lang=lang, **filters)
    name = details.indicator_namer(service.get_run(session, run_id).methodology, lang)
    return [ranking_export_row(r, lang, name) for r in rows]


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.2f}%"


def _in_sentence(phrase: str, lang: Language) -> str:
    # A label inside an English sentence starts in lower case ("…; higher is better").
    return phrase[:1].lower() + phrase[1:] if lang is Language.EN else phrase


def _tier_span(upper: float | None, lower: float | None, basis: str = "rpi") -> str:
    if basis == "composite":  # every band includes its lower edge
        if upper is None:
            return "" if lower is None else f"≥ {lower:g}"
        return f"< {upper:g}" if lower is None else f"{lower:g} ≤ · < {upper:g}"
    if upper is None:
        return "" if lower is None else f"RPI > {lower:g}"
    return f"RPI ≤ {upper:g}" if lower is None else f"{lower:g} < RPI ≤ {upper:g}"


def _indicator_items(run: StoredRun, lang: Language) -> list[tuple[str, Any]]:
    doc, info = run.methodology, run.info
    pillars = doc.pillar_names(lang)
    items: list[tuple[str, Any]] = []
    for ind in doc.indicators:
        parts = [
            text("indicator_pillar", lang).format(name=pillars.get(ind.pillar, ind.pillar)),
            text("indicator_nominal_weight", lang).format(value=_pct(ind.nominal_weight)),
            text("indicator_applied_weight", lang).format(value=_pct(info.applied_weights.get(ind.code))),
            text("indicator_effective_weight", lang).format(value=_pct(info.effective_weights.get(ind.code))),
            _in_sentence(label(LabelSet.DIRECTIONS, ind.direction.value, lang), lang),
        ]
        name = localized(ind.name_zh, ind.name_en, lang)
        items.append((text("item_indicator", lang).format(name=name, code=ind.code), "; ".join(parts)))
    return items


def _ahp_items(run: StoredRun, lang: Language) -> list[tuple[str, Any]]:
    report = run.info.ahp
    if report is None:
        return []
    name = details.indicator_namer(run.methodology, lang)
    pillars = run.methodology.pillar_names(lang)
    items: list[tuple[str, Any]] = []
    for e in report.experts:
        for m in e.matrices:
            verdict = text("passes" if m.consistent else "fails", lang)
            items.append((text("item_ahp_matrix", lang).format(expert=e.expert, matrix=m.name),
                          text("ahp_matrix_value", lang).format(lam=f"{m.lambda_max:.3f}", ci=f"{m.ci:.3f}",
                                                                cr=f"{m.cr:.3f}", verdict=verdict)))
    sep = text("list_separator", lang)
    items += [(text("item_ahp_group", lang).format(matrix=m.name),
               sep.join(f"{pillars.get(i) or name(i)} {details.percent(w)}" for i, w in m.priorities.items()))
              for m in report.result]
    return items


def _method_items(run: StoredRun, lang: Language) -> list[tuple[str, Any]]:
    """AHP matrices, combined-weight parts, effective importance and calibration of the run."""
    info = run.info
    items = _ahp_items(run, lang)
    name = details.indicator_namer(run.methodology, lang)
    if info.weight_parts is not None:
        p = info.weight_parts
        items.append((label(LabelSet.METHODS, "combined", lang), text("combination_rule", lang).format(
            rule=label(LabelSet.METHODS, p.rule.value, lang), alpha=p.alpha,
            objective=label(LabelSet.METHODS, p.objective_method, lang))))
        items += [(text("item_weight_parts", lang).format(name=name(code)), text("weight_parts_value", lang).format(
            subjective=details.percent(p.subjective[code]), objective=details.percent(p.objective[code]),
            combined=details.percent(w))) for code, w in p.combined.items()]
    pillars, indicators = details.importance_rows(info, run.methodology, lang)
    items += [(text("item_importance", lang).format(name=r.name), text("importance_value", lang).format(
        nominal=details.percent(r.nominal), share=details.percent(r.share), ratio=f"{r.correlation_ratio:.3f}"))
        for r in [*pillars, *indicators]]
    cal = info.importance.calibration if info.importance else None
    if cal is not None:
        summary = text("calibration_summary", lang).format(
            iterations=cal.iterations, before=details.percent(cal.error_before), after=details.percent(cal.error_after))
        items.append((text("item_calibration", lang), summary))
    return items


def methodology_items(run: StoredRun, lang: Language) -> list[tuple[str, Any]]:
    """(item, value) pairs describing the run: model, pillars, indicators with weights, methods and
    thresholds, from the run's stored methodology and info."""
    doc, info = run.methodology, run.info
    items: list[tuple[str, Any]] = [
        (text("model", lang), f"{doc.key} {run.model_version}"),
        (text("model_title", lang), localized(doc.title_zh, doc.title_en, lang)),
        (text("evaluation_year", lang), run.year),
        (text("run_id", lang), run.id),
        (text("zones_ranked", lang), run.zones_ranked),
        (text("zones_excluded_total", lang), run.zones_excluded),
        (text("input_hash", lang), run.input_hash),
        (text("seed", lang), run.options.seed),
        (text("monte_carlo_runs", lang), info.uncertainty_runs),
    ]
    pillar_total = sum(p.weight for p in doc.pillars) or 1.0
    items += [(text("item_pillar", lang).format(name=localized(p.name_zh, p.name_en, lang)),
               _pct(p.weight / pillar_total)) for p in doc.pillars]
    items += _indicator_items(run, lang)
    items += [(text("item_method", lang).format(step=step), f"{method} ({name})")
              for step, method, name in details.method_labels(info.methods, lang)]
    composite = details.composite_description(doc, lang)
    if composite:
        items.append((text("composite_method", lang), composite))
    items += _method_items(run, lang)
    items += [(text("item_population", lang).format(step=s.step), text(f"population_{s.population.value}", lang))
              for s in doc.steps]
    thresholds = doc.tier_scheme.thresholds
    for n, tier in enumerate(doc.tier_scheme.tiers):
        upper = thresholds[n - 1] if n > 0 and n - 1 < len(thresholds) else None
        lower = thresholds[n] if n < len(thresholds) else None
        items.append((text("item_tier", lang).format(name=localized(tier.name_zh, tier.name_en, lang)),
                      _tier_span(upper, lower, doc.tier_basis())))
    items += [(text("item_check", lang).format(key=key), value)
              for key, value in sorted(doc.check_thresholds().items())]
    items += [(text("correlated_pair", lang), f"{flag.a} ~ {flag.b}: r = {flag.r:.3f}")
              for flag in info.correlation_flags]
    items += [(text("item_excluded_indicator", lang).format(code=ex.code), ex.reason)
              for ex in info.excluded_indicators]
    if doc.description:
        items.append((text("model_description", lang), doc.description.strip()))
    return items


def ranking_sheets(
    session: Session, run_id: int, lang: Language, *, max_rows: int, **filters: Any
) -> list[Sheet]:
    """The rankings sheet and the methodology sheet of a run's XLSX download."""
    run = service.get_run(session, run_id)
    rows = ranking_rows(session, run_id, lang, max_rows=max_rows, **filters)
    return [Sheet(sheet_name("rankings", lang), rows, ranking_columns(run)),
            key_value_sheet(sheet_name("methodology", lang), methodology_items(run, lang))]


def rankings_file(
    session: Session, run_id: int, file_format: FileFormat, lang: Language, *, max_rows: int, **filters: Any
) -> bytes:
    """A run's ranking download: the rankings as CSV, or as XLSX with the methodology sheet (dated as the run)."""
    run = service.get_run(session, run_id)
    if file_format is FileFormat.CSV:
        return to_csv(ranking_rows(session, run_id, lang, max_rows=max_rows, **filters), ranking_columns(run), lang)
    return pin_xlsx(to_xlsx(ranking_sheets(session, run_id, lang, max_rows=max_rows, **filters), lang), run.created_at)


def _headline(card: service.ZoneCard, lang: Language) -> list[tuple[str, Any]]:
    run, result = card.run, card.result
    interval = result.rank_interval
    tier = label(LabelSet.TIERS, result.tier, lang) + (result.subgroup or "") if result.tier else None
    peers = card.peer_group
    headline: list[tuple[str, Any]] = [
        (text("zone_code", lang), card.zone_code),
        (text("zone_name", lang), localized(card.name_zh or card.zone_code, card.name_en, lang)),
        (text("province", lang), label(LabelSet.PROVINCES, card.province, lang) if card.province else None),
        (text("model", lang), f"{run.model_key} {run.model_version}"),
        (text("evaluation_year", lang), run.year),
        (text("composite", lang), round(result.composite, 4)),
        (text("rank", lang), f"{result.rank} / {run.zones_ranked}"),
        (text("tier", lang), tier),
        (text("rpi", lang), None if result.rpi is None else round(result.rpi, 2)),
        (text("peer_group", lang), label(LabelSet.PEER_GROUPS, result.peer_group, lang)),
        (text("peer_group_size", lang), peers.size),
        (text("peer_group_mean", lang), None if peers.mean is None else round(peers.mean, 4)),
        (text("rank_in_peer_group", lang), f"{result.peer_rank} / {result.peer_group_size}"),
        (text("profile", lang), label(LabelSet.PROFILES, result.profile, lang) if result.profile else None),
        (text("badges", lang), badge_text(result.badges, lang)),
        (text("rank_interval_p5_p95", lang), f"{interval.p5:g}–{interval.p95:g}" if interval else None),
        (text("gap_to_next_tier_short", lang),
         None if result.gap_to_next_tier is None else round(result.gap_to_next_tier, 2)),
        (text("coverage_short", lang), _pct(result.coverage)),
    ]
    pillars = run.methodology.pillar_names(lang)
    headline += [(text("item_pillar_score", lang).format(name=pillars.get(pillar, pillar)),
                  None if score is None else round(score, 2)) for pillar, score in result.pillar_scores.items()]
    headline += _zone_measures(card, lang)
    if card.previous_year is not None and card.previous_year.rank_change is not None:
        headline.append((text("rank_change_on_previous_year", lang), card.previous_year.rank_change))
    return headline


def _zone_measures(card: service.ZoneCard, lang: Language) -> list[tuple[str, Any]]:
    """A scorecard's coupling or efficiency fields, with the way to the frontier in words."""
    result = card.result
    items: list[tuple[str, Any]] = []
    if result.coupling is not None:
        c = result.coupling
        items += [(text("u_innovation", lang), round(c.innovation, 4)),
                  (text("u_industry", lang), round(c.industry, 4)),
                  (text("coupling_degree", lang), round(c.coupling, 4)),
                  (text("development_index", lang), round(c.development, 4)),
                  (text("coordination_degree", lang), round(c.coordination, 4)),
                  (text("coordination_grade", lang), label(LabelSet.TIERS, c.grade, lang)),
                  (text("lagging", lang), label(LabelSet.COUPLING_LAGS, c.lag, lang))]
    if result.efficiency is not None:
        e = result.efficiency
        items += [(text("efficiency_status", lang), label(LabelSet.EFFICIENCY_STATUS, e.status, lang)),
                  (text("ccr", lang), round(e.ccr, 4)), (text("bcc", lang), round(e.bcc, 4)),
                  (text("scale_efficiency", lang), round(e.scale, 4)),
                  (text("returns_to_scale", lang), label(LabelSet.RETURNS_TO_SCALE, e.returns_to_scale, lang)),
                  (text("super_efficiency", lang),
                   round(e.super_efficiency, 4) if e.super_efficiency is not None else text("infeasible", lang)),
                  (text("peers", lang), text("list_separator", lang).join(p.zone for p in e.peers)),
                  (text("frontier_targets", lang),
                   details.frontier_sentence(e, details.indicator_namer(card.run.methodology, lang), lang))]
    return items


def indicator_name(card: service.ZoneCard, code: str, lang: Language) -> str:
    """An indicator's label, else its name as the run's methodology gives it, else its code."""
    return RunLabels.of(card.run.methodology, lang).indicator(code)


def _contribution_rows(card: service.ZoneCard, lang: Language) -> list[dict[str, Any]]:
    meta = card.run.methodology.indicators_by_code()
    pillars = card.run.methodology.pillar_names(lang)
    kinds = {h.code: kind for kind, h in card.highlights()}
    rows = []
    for i in sorted(card.result.indicators, key=lambda x: -x.contribution):
        known = meta.get(i.code)
        rows.append({
            "code": i.code, "name": indicator_name(card, i.code, lang),
            "pillar": pillars.get(known.pillar, known.pillar) if known else None,
            "unit": known.unit if known else None, "raw": i.raw,
            "normalised": None if i.normalised is None else round(i.normalised, 2),
            "weight": round(i.weight, 6), "contribution": round(i.contribution, 4),
            "imputed": text("yes" if i.imputed else "no", lang),
            "highlight": text(kinds[i.code], lang) if i.code in kinds else None,
        })
    return rows


def scorecard_tables(
    session: Session, run_id: int, code: str, lang: Language
) -> tuple[list[tuple[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """A zone's scorecard as (headline items, contribution rows, strength/weakness rows) in ``lang``."""
    card = service.scorecard(session, run_id, code)
    highlight_rows = [
        {
            "kind": text(kind, lang), "code": h.code, "name": indicator_name(card, h.code, lang),
            "normalised": round(h.normalised, 2), "peer_median": round(h.peer_median, 2),
            "delta": round(h.delta, 2), "text": highlight_sentence(indicator_name(card, h.code, lang), h.delta, lang),
        }
        for kind, h in card.highlights()
    ]
    return _headline(card, lang), _contribution_rows(card, lang), highlight_rows


def scorecard_sheets(session: Session, run_id: int, code: str, lang: Language) -> list[Sheet]:
    """The three sheets of a scorecard download: headline fields, contributions, strengths/weaknesses."""
    headline, contributions, highlight_rows = scorecard_tables(session, run_id, code, lang)
    return [key_value_sheet(sheet_name("summary", lang), headline),
            Sheet(sheet_name("contributions", lang), contributions, CONTRIBUTION_COLUMNS),
            Sheet(sheet_name("highlights", lang), highlight_rows, HIGHLIGHT_COLUMNS)]


def scorecard_file(session: Session, run_id: int, code: str, file_format: FileFormat, lang: Language) -> bytes:
    """A zone's scorecard download: the contributions as CSV, or the three sheets as XLSX (dated as the run)."""
    if file_format is FileFormat.CSV:
        _headline_items, contributions, _highlights = scorecard_tables(session, run_id, code, lang)
        return to_csv(contributions, CONTRIBUTION_COLUMNS, lang)
    run = service.get_run(session, run_id)
    return pin_xlsx(to_xlsx(scorecard_sheets(session, run_id, code, lang), lang), run.created_at)
