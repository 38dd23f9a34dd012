"""Downloads of evaluation results: rankings and scorecards as CSV or XLSX, with a methodology sheet.

Every label (tier, profile, badge, province, level, pillar, indicator) comes from :mod:`app.i18n`
in the language asked for; numbers stay numbers so a spreadsheet can sort and chart them. The
methodology sheet is built from what the run stored (``methodology`` and ``info``), never from the
model as it is today, so a download always describes exactly the run it belongs to.
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
from app.orm import EvaluationRun
from app.schemas.evaluation import RankingRow
from app.services import evaluations as service
from app.services.exports import Column, Sheet, key_value_sheet

RANKING_COLUMNS = (
    Column("rank", "排名", "Rank"),
    Column("zone_code", "园区代码", "Zone code"),
    Column("name", "园区名称", "Zone"),
    Column("province", "省份", "Province"),
    Column("level", "级别", "Level"),
    Column("composite", "综合得分", "Composite"),
    Column("rpi", "相对绩效指数", "RPI"),
    Column("tier", "梯队", "Tier"),
    Column("subgroup", "梯队细分", "Subgroup"),
    Column("peer_group", "同类组", "Peer group"),
    Column("peer_rank", "组内排名", "Rank in peer group"),
    Column("profile", "类型", "Profile"),
    Column("badges", "培育称号", "Badges"),
    Column("rank_p5", "排名区间下限(P5)", "Rank P5"),
    Column("rank_median", "排名中位数", "Median rank"),
    Column("rank_p95", "排名区间上限(P95)", "Rank P95"),
)

CONTRIBUTION_COLUMNS = (
    Column("code", "指标代码", "Indicator code"),
    Column("name", "指标名称", "Indicator"),
    Column("pillar", "支柱", "Pillar"),
    Column("unit", "单位", "Unit"),
    Column("raw", "原始值", "Raw value"),
    Column("normalised", "标准化得分", "Normalised"),
    Column("weight", "权重", "Weight"),
    Column("contribution", "贡献", "Contribution"),
    Column("imputed", "是否插补", "Imputed"),
    Column("highlight", "优势/短板", "Strength/weakness"),
)

HIGHLIGHT_COLUMNS = (
    Column("kind", "类别", "Kind"),
    Column("code", "指标代码", "Indicator code"),
    Column("name", "指标名称", "Indicator"),
    Column("normalised", "标准化得分", "Normalised"),
    Column("peer_median", "同类组中位数", "Peer median"),
    Column("delta", "差距", "Difference"),
    Column("text", "说明", "In words"),
)

SHEET_NAMES = {
    "rankings": ("排名", "Rankings"),
    "methodology": ("方法说明", "Methodology"),
    "summary": ("概览", "Summary"),
    "contributions": ("指标贡献", "Contributions"),
    "highlights": ("优势与短板", "Strengths and weaknesses"),
}

_KIND = {"strength": ("优势", "Strength"), "weakness": ("短板", "Weakness")}
_DIRECTION = {"higher": ("越高越好", "higher is better"), "lower": ("越低越好", "lower is better")}


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


def _t(pair: tuple[str, str], lang: Language) -> str:
    return pair[0] if lang is Language.ZH_CN else pair[1]


def sheet_name(key: str, lang: Language) -> str:
    """The worksheet name of ``key`` (rankings, methodology, summary, contributions, highlights)."""
    return _t(SHEET_NAMES[key], lang)


def badge_text(badges: Iterable[str], lang: Language) -> str:
    """Badge labels joined the way each language lists things."""
    return ("、" if lang is Language.ZH_CN else ", ").join(label(LabelSet.BADGES, b, lang) for b in badges)


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
        "peer_group": row.peer_group, "peer_rank": row.peer_rank,
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


def methodology_items(run: EvaluationRun, lang: Language) -> list[tuple[str, Any]]:
    """(item, value) pairs describing the run: model, pillars, indicators with weights, methods and
    thresholds, from the run's stored methodology and info."""
    doc, info = run.methodology, run.info
    zh = lang is Language.ZH_CN
    items: list[tuple[str, Any]] = [
        ("模型" if zh else "Model", f"{doc.get('key', run.model_key)} {run.model_version}"),
        ("模型名称" if zh else "Model title", doc.get("title_zh" if zh else "title_en", "")),
        ("评价年度" if zh else "Year", run.year),
        ("运行编号" if zh else "Run id", run.id),
        ("参评园区" if zh else "Zones ranked", run.zones_ranked),
        ("未参评园区" if zh else "Zones excluded", run.zones_excluded),
        ("输入哈希" if zh else "Input hash", run.input_hash),
        ("随机种子" if zh else "Seed", run.options.get("seed")),
        ("蒙特卡洛次数" if zh else "Monte Carlo runs", info.get("uncertainty_runs")),
    ]
    pillar_total = sum(float(p.get("weight", 0)) for p in doc.get("pillars", [])) or 1.0
    for p in doc.get("pillars", []):
        name = p.get("name_zh") if zh else p.get("name_en")
        items.append((f"{'支柱' if zh else 'Pillar'}: {name}", _pct(float(p.get("weight", 0)) / pillar_total)))
    effective = info.get("effective_weights", {})
    applied = info.get("applied_weights", {})
    pillars = {p.get("code"): (p.get("name_zh") if zh else p.get("name_en")) for p in doc.get("pillars", [])}
    for ind in doc.get("indicators", []):
        code = ind.get("code", "")
        name = ind.get("name_zh") if zh else ind.get("name_en")
        parts = [
            f"{'支柱' if zh else 'pillar'} {pillars.get(ind.get('pillar'), ind.get('pillar'))}",
            f"{'名义权重' if zh else 'nominal weight'} {_pct(ind.get('nominal_weight'))}",
            f"{'实际权重' if zh else 'applied weight'} {_pct(applied.get(code))}",
            f"{'有效权重' if zh else 'effective weight'} {_pct(effective.get(code))}",
            _t(_DIRECTION.get(str(ind.get("direction")), ("", "")), lang),
        ]
        items.append((f"{'指标' if zh else 'Indicator'}: {name} ({code})", "; ".join(p for p in parts if p)))
    for step, method in sorted(info.get("methods", {}).items()):
        items.append((f"{'方法' if zh else 'Method'}: {step}", method))
    scheme = doc.get("tier_scheme", {})
    tiers, thresholds = scheme.get("tiers", []), scheme.get("thresholds", [])
    for n, tier in enumerate(tiers):
        upper = thresholds[n - 1] if n > 0 and n - 1 < len(thresholds) else None
        lower = thresholds[n] if n < len(thresholds) else None
        span = (f"RPI > {lower:g}" if upper is None and lower is not None
                else f"{lower:g} < RPI ≤ {upper:g}" if upper is not None and lower is not None
                else f"RPI ≤ {upper:g}" if upper is not None else "")
        items.append((f"{'梯队' if zh else 'Tier'}: {tier.get('name_zh') if zh else tier.get('name_en')}", span))
    spec = doc.get("spec") or {}
    checks = spec.get("checks") or {}
    for key, value in sorted(checks.items()):
        items.append((f"{'数据检查阈值' if zh else 'Check threshold'}: {key}", value))
    for flag in info.get("correlation_flags", []):
        items.append(("高相关指标对" if zh else "Highly correlated pair",
                      f"{flag['a']} ~ {flag['b']}: r = {flag['r']:.3f}"))
    for ex in info.get("excluded_indicators", []):
        items.append((f"{'剔除指标' if zh else 'Excluded indicator'}: {ex['code']}", ex["reason"]))
    if doc.get("description"):
        items.append(("模型说明" if zh else "Description", doc["description"].strip()))
    return items


def ranking_sheets(
    session: Session, run_id: int, lang: Language, *, max_rows: int, **filters: Any
) -> list[Sheet]:
    """The rankings sheet and the methodology sheet of a run's XLSX download."""
    run = service.get_run(session, run_id)
    rows = ranking_rows(session, run_id, lang, max_rows=max_rows, **filters)
    return [Sheet(sheet_name("rankings", lang), rows, RANKING_COLUMNS),
            key_value_sheet(sheet_name("methodology", lang), methodology_items(run, lang))]


def highlight_sentence(kind: str, name: str, delta: float, lang: Language) -> str:
    """A strength or weakness in words, e.g. "R&D经费投入强度高于同类组中位数 23.4 分"."""
    if lang is Language.ZH_CN:
        return f"{name}{'高于' if delta >= 0 else '低于'}同类组中位数 {abs(delta):.1f} 分"
    return f"{name} is {abs(delta):.1f} points {'above' if delta >= 0 else 'below'} the peer-group median"


def _indicator_meta(run: EvaluationRun) -> dict[str, dict[str, Any]]:
    return {i["code"]: i for i in run.methodology.get("indicators", [])}


def scorecard_tables(
    session: Session, run_id: int, code: str, lang: Language
) -> tuple[list[tuple[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """A zone's scorecard as (headline items, contribution rows, strength/weakness rows) in ``lang``."""
    card = service.scorecard(session, run_id, code)
    run = service.get_run(session, run_id)
    result, zh = card.result, lang is Language.ZH_CN
    meta = _indicator_meta(run)
    pillars = {p["code"]: (p["name_zh"] if zh else p["name_en"]) for p in run.methodology.get("pillars", [])}

    def ind_name(c: str) -> str:
        m = meta.get(c)
        return label(LabelSet.INDICATORS, c, lang, default=(m or {}).get("name_zh" if zh else "name_en", c))

    interval = result.get("rank_interval") or {}
    tier = label(LabelSet.TIERS, result["tier"], lang) + (result.get("subgroup") or "") if result.get("tier") else None
    profile = label(LabelSet.PROFILES, result["profile"], lang) if result.get("profile") else None
    headline: list[tuple[str, Any]] = [
        ("园区代码" if zh else "Zone code", card.zone_code),
        ("园区名称" if zh else "Zone", localized(card.name_zh or card.zone_code, card.name_en, lang)),
        ("省份" if zh else "Province", label(LabelSet.PROVINCES, card.province, lang) if card.province else None),
        ("模型" if zh else "Model", f"{card.model_key} {card.model_version}"),
        ("评价年度" if zh else "Year", card.year),
        ("综合得分" if zh else "Composite", round(float(result["composite"]), 4)),
        ("排名" if zh else "Rank", f"{result['rank']} / {card.zones_ranked}"),
        ("同类组" if zh else "Peer group", result.get("peer_group")),
        ("组内排名" if zh else "Rank in peer group", f"{result.get('peer_rank')} / {result.get('peer_group_size')}"),
        ("相对绩效指数" if zh else "RPI", None if result.get("rpi") is None else round(float(result["rpi"]), 2)),
        ("梯队" if zh else "Tier", tier),
        ("类型" if zh else "Profile", profile),
        ("培育称号" if zh else "Badges", badge_text(result.get("badges", []), lang)),
        ("排名区间(P5–P95)" if zh else "Rank interval (P5–P95)",
         f"{interval['p5']:g}–{interval['p95']:g}" if interval else None),
        ("距下一梯队差距" if zh else "Gap to next tier",
         None if result.get("gap_to_next_tier") is None else round(float(result["gap_to_next_tier"]), 2)),
        ("数据覆盖率" if zh else "Coverage", _pct(result.get("coverage"))),
    ]
    for pillar, score in (result.get("pillar_scores") or {}).items():
        headline.append((f"{'支柱得分' if zh else 'Pillar score'}: {pillars.get(pillar, pillar)}",
                         None if score is None else round(float(score), 2)))
    if card.previous_year is not None and card.previous_year.rank_change is not None:
        headline.append(("较上年排名变化" if zh else "Rank change on previous year", card.previous_year.rank_change))
    kinds = {h["code"]: "strength" for h in result.get("strengths", [])}
    kinds.update({h["code"]: "weakness" for h in result.get("weaknesses", [])})
    contributions = [
        {
            "code": i["code"], "name": ind_name(i["code"]),
            "pillar": pillars.get(meta.get(i["code"], {}).get("pillar", ""), meta.get(i["code"], {}).get("pillar")),
            "unit": meta.get(i["code"], {}).get("unit"), "raw": i.get("raw"),
            "normalised": None if i.get("normalised") is None else round(float(i["normalised"]), 2),
            "weight": round(float(i["weight"]), 6), "contribution": round(float(i["contribution"]), 4),
            "imputed": ("是" if zh else "yes") if i.get("imputed") else ("否" if zh else "no"),
            "highlight": _t(_KIND[kinds[i["code"]]], lang) if i["code"] in kinds else None,
        }
        for i in sorted(result.get("indicators", []), key=lambda x: -float(x["contribution"]))
    ]
    highlights = [
        {
            "kind": _t(_KIND[kind], lang), "code": h["code"], "name": ind_name(h["code"]),
            "normalised": round(float(h["normalised"]), 2), "peer_median": round(float(h["peer_median"]), 2),
            "delta": round(float(h["delta"]), 2),
            "text": highlight_sentence(kind, ind_name(h["code"]), float(h["delta"]), lang),
        }
        for kind, key in (("strength", "strengths"), ("weakness", "weaknesses")) for h in result.get(key, [])
    ]
    return headline, contributions, highlights


def scorecard_sheets(session: Session, run_id: int, code: str, lang: Language) -> list[Sheet]:
    """The three sheets of a scorecard download: headline fields, contributions, strengths/weaknesses."""
    headline, contributions, highlights = scorecard_tables(session, run_id, code, lang)
    return [key_value_sheet(sheet_name("summary", lang), headline),
            Sheet(sheet_name("contributions", lang), contributions, CONTRIBUTION_COLUMNS),
            Sheet(sheet_name("highlights", lang), highlights, HIGHLIGHT_COLUMNS)]
