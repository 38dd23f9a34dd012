"""Downloads of panels: zone-year scores, transitions and one zone's trajectory as CSV or XLSX.

Labels (tiers, profiles, trends, moves, provinces) come from the label catalog in the language asked
for, headers and phrases from :mod:`app.texts`. Every table says what it is measured against: the
scores and trajectory rows carry the base year and the reference mean, and every workbook has a
methodology sheet naming the reference, the window, the bounds and the methods the panel stored.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import LabelSet, Language, label, localized
from app.orm import PanelTrajectoryRow
from app.services.evaluation_exports import pin_xlsx, sheet_name
from app.services.export_tables import ExportTooLarge
from app.services.exports import Column, FileFormat, Sheet, key_value_sheet, text_column, to_csv, to_xlsx
from app.services.panel_document import StoredPanel, read_trajectory, read_zone_year
from app.services.panel_views import transitions, zone_trajectory
from app.services.panels import get_panel, scores_query
from app.texts import text
from scoring_models.panel import TransitionMatrix

SCORE_COLUMNS = (
    text_column("year"), text_column("rank"), text_column("zone_code"), text_column("name", "zone_name"),
    text_column("province"), text_column("level"), text_column("composite"), text_column("rpi"),
    text_column("tier"), text_column("profile"), text_column("peer_group"), text_column("base_year"),
    text_column("reference_mean"), text_column("progress_points"), text_column("progress_pct"),
)
TRAJECTORY_COLUMNS = (
    text_column("zone_code"), text_column("name", "zone_name"), text_column("province"), text_column("peer_group"),
    text_column("slope"), text_column("slope_p5"), text_column("slope_p95"), text_column("trend", "trend_class"),
    text_column("years_scored"),
)
POINT_COLUMNS = (
    text_column("year"), text_column("composite"), text_column("rpi"), text_column("tier"), text_column("profile"),
    text_column("rank"), text_column("base_year"), text_column("reference_mean"), text_column("progress_points"),
    text_column("progress_pct"),
)
CELL_COLUMNS = (
    text_column("kind"), text_column("from_state"), text_column("to_state"), text_column("count", "zone_count"),
    text_column("probability"), text_column("zones", "zone_codes"),
)
MOVE_COLUMNS = (text_column("move"), text_column("zone_code"), text_column("name", "zone_name"))


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _tier(tier: str | None, subgroup: str | None, lang: Language) -> str | None:
    return label(LabelSet.TIERS, tier, lang) + (subgroup or "") if tier else None


def _pillar_columns(panel: StoredPanel, lang: Language) -> list[Column]:
    return [Column(f"pillar:{p.code}", text("item_pillar_score", Language.ZH_CN).format(name=p.name_zh),
                   text("item_pillar_score", Language.EN).format(name=p.name_en)) for p in panel.methodology.pillars]


def score_rows(session: Session, panel: StoredPanel, lang: Language, *, max_rows: int, year: int | None = None,
               tier: str | None = None, province: str | None = None, zone: str | None = None) -> list[dict[str, Any]]:
    """Every zone-year of the panel matching the filters (as :func:`app.services.panels.scores`) as export rows."""
    query = scores_query(panel.id, year=year, tier=tier, province=province, zone=zone)
    rows = list(session.scalars(query.limit(max_rows + 1)))
    if len(rows) > max_rows:
        raise ExportTooLarge(f"more than {max_rows} zone-years match; an export holds at most {max_rows}: "
                             "narrow the filters")
    means = panel.reference.means()
    out = []
    for r in rows:
        z = read_zone_year(r.payload, panel.schema_version)
        out.append({
            "year": r.year, "rank": r.rank, "zone_code": r.zone_code,
            "name": localized(r.name_zh or r.zone_code, r.name_en, lang),
            "province": label(LabelSet.PROVINCES, r.province, lang) if r.province else None,
            "level": label(LabelSet.LEVELS, r.level, lang) if r.level else None,
            "composite": round(r.composite, 4), "rpi": _round(r.rpi, 2), "tier": _tier(r.tier, r.subgroup, lang),
            "profile": label(LabelSet.PROFILES, r.profile, lang) if r.profile else None, "peer_group": r.peer_group,
            "base_year": panel.base_year, "reference_mean": _round(means.get(r.peer_group), 4),
            "progress_points": _round(r.progress_points, 4), "progress_pct": _round(r.progress_pct, 2),
            **{f"pillar:{code}": _round(score, 4) for code, score in z.pillar_scores.items()},
        })
    return out


def trajectory_rows(session: Session, panel: StoredPanel, lang: Language) -> list[dict[str, Any]]:
    """Every zone's trajectory: slope, interval and class."""
    rows = session.scalars(select(PanelTrajectoryRow).where(PanelTrajectoryRow.panel_id == panel.id)
                           .order_by(PanelTrajectoryRow.zone_code))
    out = []
    for r in rows:
        t = read_trajectory(r.payload, panel.schema_version)
        out.append({
            "zone_code": r.zone_code, "name": localized(r.name_zh or r.zone_code, r.name_en, lang),
            "province": label(LabelSet.PROVINCES, r.province, lang) if r.province else None,
            "peer_group": r.peer_group, "slope": _round(t.slope, 4),
            "slope_p5": _round(t.interval.p5, 4) if t.interval else None,
            "slope_p95": _round(t.interval.p95, 4) if t.interval else None,
            "trend": label(LabelSet.TRENDS, t.trend, lang) if t.trend else None,
            "years_scored": ", ".join(str(y) for y in t.years),
        })
    return out


def panel_items(panel: StoredPanel, lang: Language) -> list[tuple[str, Any]]:
    """(item, value) pairs describing the panel: model, window, reference, bounds, methods, exclusions."""
    doc, info = panel.methodology, panel.info
    items: list[tuple[str, Any]] = [
        (text("model", lang), f"{doc.key} {panel.model_version}"),
        (text("model_title", lang), localized(doc.title_zh, doc.title_en, lang)),
        (text("panel_id", lang), panel.id),
        (text("window", lang), f"{panel.first_year}–{panel.last_year}"),
        (text("base_year", lang), panel.base_year),
        (text("reference", lang), text("reference_population", lang).format(year=panel.base_year)),
        (text("common_scale", lang), text("common_scale_note", lang)),
        (text("input_hash", lang), panel.input_hash),
        (text("seed", lang), panel.options.seed),
        (text("monte_carlo_runs", lang), info.uncertainty_runs),
    ]
    items += [(text("item_reference_group", lang).format(group=label(LabelSet.PEER_GROUPS, g.code, lang)),
               f"{g.mean_composite:.4f} (n = {g.size})" if g.mean_composite is not None else "–")
              for g in panel.reference.groups]
    items += [(text("item_bounds", lang).format(code=code), f"{b.min:g} – {b.max:g}" if b.min is not None
               and b.max is not None else "–") for code, b in info.bounds.items()]
    items += [(text("item_method", lang).format(step=step), method) for step, method in sorted(info.methods.items())]
    items += [(text("item_excluded_indicator", lang).format(code=ex.code),
               ", ".join(f"{y.year}: {y.coverage:.0%}" for y in ex.short_years)) for ex in info.excluded_indicators]
    return items


def scores_file(session: Session, panel_id: int, file_format: FileFormat, lang: Language, *, max_rows: int,
                year: int | None = None, tier: str | None = None, province: str | None = None,
                zone: str | None = None) -> bytes:
    """The zone-years as CSV, or as XLSX with the trajectories and the methodology (dated as the panel)."""
    panel = get_panel(session, panel_id)
    columns = (*SCORE_COLUMNS, *_pillar_columns(panel, lang))
    rows = score_rows(session, panel, lang, max_rows=max_rows, year=year, tier=tier, province=province, zone=zone)
    if file_format is FileFormat.CSV:
        return to_csv(rows, columns, lang)
    sheets = [Sheet(sheet_name("panel_scores", lang), rows, columns),
              Sheet(sheet_name("trajectories", lang), trajectory_rows(session, panel, lang), TRAJECTORY_COLUMNS),
              key_value_sheet(sheet_name("methodology", lang), panel_items(panel, lang))]
    return pin_xlsx(to_xlsx(sheets, lang), panel.created_at)


def _matrix_sheet(name: str, matrix: TransitionMatrix, kind: LabelSet, lang: Language) -> Sheet:
    states = [label(kind, s, lang) for s in matrix.states]
    columns = [text_column("from_state"), *(Column(f"to:{s}", lbl, lbl) for s, lbl in zip(matrix.states, states,
                                                                                          strict=True))]
    rows = [{"from_state": states[i], **{f"to:{s}": matrix.counts[i][j] for j, s in enumerate(matrix.states)}}
            for i in range(len(states))]
    return Sheet(name, rows, columns)


def _cell_rows(matrix: TransitionMatrix, kind: LabelSet, lang: Language) -> list[dict[str, Any]]:
    kind_text = text("tier" if kind is LabelSet.TIERS else "profile", lang)
    return [
        {"kind": kind_text, "from_state": label(kind, a, lang), "to_state": label(kind, b, lang),
         "count": matrix.counts[i][j], "probability": _round(matrix.probabilities[i][j], 4),
         "zones": " ".join(matrix.zones[i][j])}
        for i, a in enumerate(matrix.states) for j, b in enumerate(matrix.states)
    ]


def transitions_file(session: Session, panel_id: int, file_format: FileFormat, lang: Language,
                     from_year: int | None, to_year: int | None) -> bytes:
    """Transitions as CSV (one line per cell of both matrices) or XLSX (matrices, cells, named moves)."""
    panel = get_panel(session, panel_id)
    found = transitions(session, panel_id, from_year, to_year)
    cells = _cell_rows(found.tiers, LabelSet.TIERS, lang) + _cell_rows(found.profiles, LabelSet.PROFILES, lang)
    if file_format is FileFormat.CSV:
        return to_csv(cells, CELL_COLUMNS, lang)
    names = {r.zone_code: localized(r.name_zh or r.zone_code, r.name_en, lang) for r in session.scalars(
        select(PanelTrajectoryRow).where(PanelTrajectoryRow.panel_id == panel_id))}
    moves = [{"move": label(LabelSet.MOVES, move, lang), "zone_code": code, "name": names.get(code, code)}
             for move, codes in found.moves.items() for code in codes]
    summary = [(text("transition_years", lang), f"{found.from_year} → {found.to_year}"),
               (text("zones_compared", lang), found.zones_compared), *panel_items(panel, lang)]
    sheets = [_matrix_sheet(sheet_name("tier_transitions", lang), found.tiers, LabelSet.TIERS, lang),
              _matrix_sheet(sheet_name("profile_transitions", lang), found.profiles, LabelSet.PROFILES, lang),
              Sheet(sheet_name("transition_cells", lang), cells, CELL_COLUMNS),
              Sheet(sheet_name("named_moves", lang), moves, MOVE_COLUMNS),
              key_value_sheet(sheet_name("methodology", lang), summary)]
    return pin_xlsx(to_xlsx(sheets, lang), panel.created_at)


def trajectory_file(session: Session, panel_id: int, code: str, file_format: FileFormat, lang: Language) -> bytes:
    """One zone's years as CSV, or XLSX with a summary of its trend and the panel's methodology."""
    panel = get_panel(session, panel_id)
    found = zone_trajectory(session, panel_id, code)
    points = [{
        "year": p.year, "composite": _round(p.composite, 4), "rpi": _round(p.rpi, 2),
        "tier": _tier(p.tier, p.subgroup, lang),
        "profile": label(LabelSet.PROFILES, p.profile, lang) if p.profile else None, "rank": p.rank,
        "base_year": panel.base_year, "reference_mean": _round(found.reference_mean, 4),
        "progress_points": _round(p.progress_points, 4), "progress_pct": _round(p.progress_pct, 2),
    } for p in found.points]
    if file_format is FileFormat.CSV:
        return to_csv(points, POINT_COLUMNS, lang)
    t = found.trajectory
    summary: list[tuple[str, Any]] = [
        (text("zone_code", lang), code),
        (text("zone_name", lang), localized(found.name_zh or code, found.name_en, lang)),
        (text("peer_group", lang), label(LabelSet.PEER_GROUPS, found.peer_group, lang)),
        (text("reference_mean", lang), _round(found.reference_mean, 4)),
        (text("slope", lang), _round(t.slope, 4)),
        (text("slope_interval", lang), f"{t.interval.p5:.4f} – {t.interval.p95:.4f}" if t.interval else None),
        (text("trend_class", lang), label(LabelSet.TRENDS, t.trend, lang) if t.trend else text("no_trend_class", lang)),
        *panel_items(panel, lang),
    ]
    sheets = [Sheet(sheet_name("trajectory", lang), points, POINT_COLUMNS),
              key_value_sheet(sheet_name("summary", lang), summary)]
    return pin_xlsx(to_xlsx(sheets, lang), panel.created_at)
