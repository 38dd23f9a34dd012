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
from app.services.exports import FileFormat, Sheet, key_value_sheet, text_column, to_csv, to_xlsx
from app.services.run_document import StoredRun
from app.texts import text
from scoring_models.base import Highlight

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


def ranking_export_row(row: RankingRow, lang: Language) -> dict[str, Any]:
    """One ranking row with codes turned into labels of ``lang``."""
    interval = row.rank_interval
    return {
        "rank": row.rank, "zone_code": row.zone_code,
        "name": localized(row.name_zh or row.zone_code, row.name_en, lang),
        "province": label(LabelSet.PROVINCES, row.province, lang) if row.province else None,
        "level": label(LabelSet.LEVELS, row.level, lang) if row.level else None,
        "composite": round(row.composite, 4), "rpi": None if row.rpi is None else round(row.rpi, 2),
        "tier": label(LabelSet.TIERS, row.tier, lang) if row.tier else None, "subgroup": row.subgroup or None,
        "peer_group": localized(row.peer_group_zh, row.peer_group_en, lang), "peer_group_size": row.peer_group_size,
        "peer_group_mean": None if row.peer_group_mean is None else round(row.peer_group_mean, 4),
        "peer_rank": row.peer_rank,
        "profile": label(LabelSet.PROFILES, row.profile, lang) if row.profile else None,
        "badges": badge_text(row.badges, lang),
        "rank_p5": interval.p5 if interval else None, "rank_median": interval.median if interval else None,
        "rank_p95": interval.p95 if interval else None,
    }


def ranking_rows(
    session: Session, run_id: int, lang: Language, *, max_rows: int, **filters: Any
) -> list[dict[str, Any]]:
    """Every ranked zone of the run that matches ``filters`` (as :func:`app.services.evaluations.rankings`),
    as export rows; at most ``max_rows`` (a run holds at most a few thousand zones)."""
    rows, _total = service.rankings(session, run_id, limit=max_rows, offset=0, **filters)
    return [ranking_export_row(r, lang) for r in rows]


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.2f}%"


def _in_sentence(phrase: str, lang: Language) -> str:
    # A label inside an English sentence starts in lower case ("…; higher is better").
    return phrase[:1].lower() + phrase[1:] if lang is Language.EN else phrase


def _tier_span(upper: float | None, lower: float | None) -> str:
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
    items += [(text("item_method", lang).format(step=step), method) for step, method in sorted(info.methods.items())]
    items += [(text("item_population", lang).format(step=s.step), text(f"population_{s.population.value}", lang))
              for s in doc.steps]
    thresholds = doc.tier_scheme.thresholds
    for n, tier in enumerate(doc.tier_scheme.tiers):
        upper = thresholds[n - 1] if n > 0 and n - 1 < len(thresholds) else None
        lower = thresholds[n] if n < len(thresholds) else None
        items.append((text("item_tier", lang).format(name=localized(tier.name_zh, tier.name_en, lang)),
                      _tier_span(upper, lower)))
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
    return [Sheet(sheet_name("rankings", lang), rows, RANKING_COLUMNS),
            key_value_sheet(sheet_name("methodology", lang), methodology_items(run, lang))]


def rankings_file(
    session: Session, run_id: int, file_format: FileFormat, lang: Language, *, max_rows: int, **filters: Any
) -> bytes:
    """A run's ranking download: the rankings as CSV, or as XLSX with the methodology sheet (dated as the run)."""
    if file_format is FileFormat.CSV:
        return to_csv(ranking_rows(session, run_id, lang, max_rows=max_rows, **filters), RANKING_COLUMNS, lang)
    run = service.get_run(session, run_id)
    return pin_xlsx(to_xlsx(ranking_sheets(session, run_id, lang, max_rows=max_rows, **filters), lang), run.created_at)


def highlight_sentence(name: str, delta: float, lang: Language) -> str:
    """A strength or weakness in words, e.g. "R&D经费投入强度高于同类组中位数 23.4 分"."""
    return text("highlight_above" if delta >= 0 else "highlight_below", lang).format(name=name, delta=abs(delta))


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
        (text("peer_group", lang), localized(peers.zh, peers.en, lang)),
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
    if card.previous_year is not None and card.previous_year.rank_change is not None:
        headline.append((text("rank_change_on_previous_year", lang), card.previous_year.rank_change))
    return headline


def indicator_name(card: service.ZoneCard, code: str, lang: Language) -> str:
    """An indicator's label, else its name as the run's methodology gives it, else its code."""
    meta = card.run.methodology.indicators_by_code().get(code)
    return label(LabelSet.INDICATORS, code, lang, default=localized(meta.name_zh, meta.name_en, lang) if meta else code)


def highlights(card: service.ZoneCard) -> list[tuple[str, Highlight]]:
    """The zone's strengths then weaknesses, each with its kind (``strength`` or ``weakness``)."""
    return [("strength", h) for h in card.result.strengths] + [("weakness", h) for h in card.result.weaknesses]


def _contribution_rows(card: service.ZoneCard, lang: Language) -> list[dict[str, Any]]:
    meta = card.run.methodology.indicators_by_code()
    pillars = card.run.methodology.pillar_names(lang)
    kinds = {h.code: kind for kind, h in highlights(card)}
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
        for kind, h in highlights(card)
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
