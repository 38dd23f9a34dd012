"""Server-rendered pages for people under ``/ui``: latest runs, rankings, zone scorecards, methodology.

Jinja2 with autoescape renders every zone name, label and number safely; charts are inline SVG from
:mod:`app.ui.charts`. Pages load nothing from elsewhere (no CDN, fonts or scripts), so they work on
offline intranets. Language: ``?lang=en`` or ``Accept-Language``; zh-CN by default.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from app.api.deps import SessionDep
from app.errors import AppError
from app.i18n import LabelSet, Language, label, labels_for, localized, resolve_language
from app.security_headers import html_policy
from app.services import evaluations as service
from app.services import model_catalog as catalog
from app.services import panel_views
from app.services import panels as panel_service
from app.services import run_history as history
from app.services.evaluation_exports import badge_text, highlight_sentence
from app.services.evaluation_exports import highlights as card_highlights
from app.services.evaluations import ZoneCard
from app.services.observations import query_long
from app.services.panel_document import StoredPanel
from app.services.run_document import StoredRun
from app.texts import TEXTS, text
from app.ui import charts, panel_charts
from app.ui.access import signed_in, ui_read_access

router = APIRouter(prefix="/ui", include_in_schema=False, dependencies=[Depends(ui_read_access)])

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"], default_for_string=True),
    trim_blocks=True, lstrip_blocks=True,
)
PAGE_SIZE = 100
RUNS_PER_MODEL = 5


class Page:
    """What every template needs: the language, translated texts, labels and URL building."""

    def __init__(self, request: Request) -> None:
        """Resolve the language from ``?lang=`` or ``Accept-Language``."""
        self.request = request
        explicit = request.query_params.get("lang")
        self.lang = resolve_language(explicit, request.headers.get("accept-language"))
        self.explicit_lang = bool(explicit)
        self.labels = labels_for(self.lang)
        self.texts = TEXTS

    @property
    def signed_in(self) -> bool:
        """Whether a person signed in with a key (the header then offers to sign out)."""
        return signed_in(self.request)

    def t(self, key: str) -> str:
        """The text ``key`` (:mod:`app.texts`) in the page's language."""
        return text(key, self.lang)

    def url(self, path: str, **params: Any) -> str:
        """A link to ``path`` keeping the chosen language; ``None`` parameters are left out."""
        query = {k: v for k, v in params.items() if v is not None and v != ""}
        if self.explicit_lang:
            query.setdefault("lang", self.lang.value)
        return path + ("?" + urlencode(query) if query else "")

    def switch_lang(self) -> str:
        """This page in the other language."""
        other = Language.EN if self.lang is Language.ZH_CN else Language.ZH_CN
        query = dict(self.request.query_params)
        query["lang"] = other.value
        return self.request.url.path + "?" + urlencode(query)

    def label(self, label_set: str, code: str | None) -> str:
        """The label of ``code`` in the named label set (empty for None)."""
        return "" if code is None else label(LabelSet(label_set), code, self.lang)

    def name(self, name_zh: str | None, name_en: str | None, fallback: str = "") -> str:
        """A zh/en name pair in the page's language."""
        return localized(name_zh or fallback, name_en, self.lang)

    def render(self, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
        """The page as HTML with its language headers."""
        html = _env.get_template(template).render(page=self, _=self.t, **context)
        policy = html_policy(html, frame_ancestors=self.request.app.state.settings.frame_ancestors)
        return HTMLResponse(html, status_code=status_code, headers={
            "Content-Language": self.lang.value, "Vary": "Accept-Language", "Content-Security-Policy": policy})


P = ParamSpec("P")


def html_errors(handler: Callable[P, HTMLResponse]) -> Callable[P, HTMLResponse]:
    """Render the service's errors (404 for an unknown run, zone or model …) as a page for people, with
    the same status, instead of the API's problem+json. The handler must take ``request``."""

    @functools.wraps(handler)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> HTMLResponse:
        try:
            return handler(*args, **kwargs)
        except AppError as exc:
            request = kwargs.get("request")
            if not isinstance(request, Request):
                raise
            page = Page(request)
            return page.render("error.html", status_code=exc.status, status=exc.status, detail=exc.detail)

    return wrapper


def model_titles(session: Session, lang: Language) -> dict[str, str]:
    return {m["key"]: localized(m["title_zh"], m["title_en"], lang) for m in catalog.list_models(session)}


@router.get("", response_class=HTMLResponse)
@html_errors
def index(request: Request, session: SessionDep) -> HTMLResponse:
    """The latest runs of every model, with links to rankings and methodology."""
    page = Page(request)
    titles = model_titles(session, page.lang)
    by_model = history.latest_runs(session, per_model=RUNS_PER_MODEL)
    # Models with runs first (newest run first), then the others in catalog order.
    keys = [*by_model, *(k for k in titles if k not in by_model)]
    groups = [
        {"key": key, "title": titles.get(key, key),
         "runs": [{"run": r, "tiers": _ordered_tiers(r, service.tier_counts(session, r.id))}
                  for r in by_model.get(key, [])]}
        for key in keys
    ]
    panels, _total = panel_service.list_panels(session, model=None, year=None, limit=RUNS_PER_MODEL * 2, offset=0)
    return page.render("index.html", groups=groups, panels=panels, titles=titles)


def _ordered_tiers(run: StoredRun, counts: dict[str, int]) -> list[tuple[str, int]]:
    """Tier counts from the best tier down, as the run's tier scheme orders them."""
    order = run.methodology.tier_codes()
    return sorted(counts.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))


def _tier_bars(page: Page, run: StoredRun, counts: dict[str, int]) -> list[charts.Bar]:
    tiers = run.methodology.tier_codes() or sorted(counts)
    return [charts.Bar(page.label("tiers", t), counts.get(t, 0), charts.TIER_COLOURS.get(t, charts.PALETTE[0]),
                       note=str(counts.get(t, 0))) for t in tiers]


@router.get("/evaluations/{run_id}", response_class=HTMLResponse)
@html_errors
def ranking(request: Request, session: SessionDep, run_id: int, province: str | None = None,
            tier: str | None = None, peer_group: str | None = None, offset: int = 0) -> HTMLResponse:
    """A run's ranking with province, tier and peer-group filters and the tier distribution as bars."""
    page = Page(request)
    run = service.get_run(session, run_id)
    filters: dict[str, Any] = {"province": province or None, "tier": tier or None, "peer_group": peer_group or None}
    offset = max(offset, 0)
    rows, total = service.rankings(session, run_id, limit=PAGE_SIZE, offset=offset, **filters)
    counts = service.tier_counts(session, run_id, **filters)
    chart = charts.bar_chart(_tier_bars(page, run, counts), title=page.t("tier_distribution"),
                             css_class="bar-chart tier-chart")
    downloads = {fmt: page.url(f"/api/v1/evaluations/{run_id}/rankings", format=fmt, **filters)
                 for fmt in ("csv", "xlsx")}
    return page.render(
        "ranking.html", run=run, rows=rows, total=total, offset=offset, page_size=PAGE_SIZE, filters=filters,
        chart=chart, provinces=service.provinces_of(session, run_id), downloads=downloads,
        badge_text=lambda b: badge_text(b, page.lang), tiers=run.methodology.tier_codes(),
        peer_groups=[g.code for g in run.info.peer_groups],
        model_title=model_titles(session, page.lang).get(run.model_key, run.model_key),
    )


def _trend(page: Page, session: Session, run: StoredRun, code: str,
           key_indicators: list[str]) -> tuple[list[Any], str, StoredPanel | None]:
    """Charts of the zone across years. Composites of separate yearly runs are each normalised within their
    year and do not compare, so: the composites of a panel of the same model version covering this year
    (common scale, tier bands) when there is one; the ranks in the same model's runs of other years; else
    the raw values of its key indicators (indexed, first year = 100)."""
    points = history.zone_history(session, run, code)
    rank = [charts.line_chart([charts.Series(page.t("rank"), [(p.year, float(p.rank)) for p in points],
                                             colour=charts.PALETTE[1])],
                              title=page.t("trend_rank"), y_label=page.t("rank_top_is_best"), invert=True,
                              integer=True)] if len(points) >= 2 else []
    panel = panel_service.panel_covering(session, run.model_key, run.model_version, run.year, code)
    if panel is not None:
        found = panel_views.zone_trajectory(session, panel.id, code)
        chart = panel_charts.zone_trajectory_chart(found, panel.base_year, tier_label=lambda t: page.label("tiers", t),
                                                   title=page.t("trajectory_title"),
                                                   y_label=page.t("composite_common_scale"))
        return [chart, *rank], "panel", panel
    if rank:
        return rank, "runs", None
    cells, _ = query_long(session, zones=[code], indicators=key_indicators, year_from=None, year_to=run.year,
                          limit=1000, offset=0)
    series: list[charts.Series] = []
    for n, indicator in enumerate(key_indicators):
        values = sorted((c.year, c.value) for c in cells if c.indicator_code == indicator and c.value is not None)
        if len(values) < 2 or not values[0][1]:
            continue
        base = values[0][1]
        series.append(charts.Series(page.label("indicators", indicator),
                                    [(y, 100.0 * v / base) for y, v in values], colour=charts.PALETTE[n]))
    if not series:
        return [], "none", None
    return [charts.line_chart(series, title=page.t("trend_indicators"), y_label=page.t("index_first_year"))], \
        "indicators", None


def _neighbours(page: Page, session: Session, card: ZoneCard) -> str:
    """The rank-interval plot of the zone among the zones ranked around it."""
    run, rank = card.run, card.result.rank
    neighbours, _ = service.rankings(session, run.id, limit=9, offset=max(0, rank - 5))
    intervals = [
        charts.Interval(f"{r.rank}. {page.name(r.name_zh, r.name_en, r.zone_code)}", r.rank,
                        r.rank_interval.p5 if r.rank_interval else None,
                        r.rank_interval.median if r.rank_interval else None,
                        r.rank_interval.p95 if r.rank_interval else None, highlight=r.zone_code == card.zone_code,
                        href=page.url(f"/ui/evaluations/{run.id}/zones/{r.zone_code}"))
        for r in neighbours
    ]
    return charts.interval_plot(intervals, field_size=run.zones_ranked, title=page.t("rank_interval"),
                                axis_label=page.t("rank_axis").format(n=run.zones_ranked))


@router.get("/evaluations/{run_id}/zones/{code}", response_class=HTMLResponse)
@html_errors
def zone(request: Request, session: SessionDep, run_id: int, code: str) -> HTMLResponse:
    """A zone's scorecard: pillar radar, top contributions, rank interval against its neighbours in the
    field, trend across years, and strengths and weaknesses in words."""
    page = Page(request)
    card = service.scorecard(session, run_id, code)
    run, result = card.run, card.result
    pillars = [p for p in run.methodology.pillars if p.weight > 0]
    axes = [(page.name(p.name_zh, p.name_en), result.pillar_scores.get(p.code)) for p in pillars]
    medians = service.peer_pillar_medians(session, run_id, result.peer_group, [p.code for p in pillars])
    radar = charts.radar_chart(axes, title=page.t("pillar_radar"), reference=medians,
                               reference_label=page.t("peer_median"),
                               zone_label=page.name(card.name_zh, card.name_en, code))
    indicators = sorted(result.indicators, key=lambda i: -i.contribution)
    contributions = charts.bar_chart(
        [charts.Bar(page.label("indicators", i.code), i.contribution, charts.PALETTE[2],
                    note=f"{i.contribution:.2f}") for i in indicators[:10]],
        title=page.t("top_contributions"), css_class="bar-chart contribution-chart")
    trend, trend_source, trend_panel = _trend(page, session, run, code, [i.code for i in indicators[:3]])
    highlights = [
        {"kind": kind, "code": h.code, "text": highlight_sentence(page.label("indicators", h.code), h.delta, page.lang)}
        for kind, h in card_highlights(card)
    ]
    downloads = {fmt: page.url(f"/api/v1/evaluations/{run_id}/zones/{code}", format=fmt) for fmt in ("csv", "xlsx")}
    return page.render("zone.html", run=run, card=card, result=result, peers=card.peer_group, radar=radar,
                       contributions=contributions,
                       interval=_neighbours(page, session, card), trend=trend, trend_source=trend_source,
                       trend_panel=trend_panel,
                       highlights=highlights, downloads=downloads, badge_text=badge_text(result.badges, page.lang),
                       model_title=model_titles(session, page.lang).get(run.model_key, run.model_key))


@router.get("/models/{key}", response_class=HTMLResponse)
@html_errors
def model(request: Request, session: SessionDep, key: str, version: str | None = None) -> HTMLResponse:
    """A model's methodology: pillars and indicators with nominal weights, methods, thresholds, description."""
    page = Page(request)
    scoring_model, source = catalog.resolve_model(session, key, version)
    doc = catalog.methodology(scoring_model)
    total = sum(p.weight for p in doc.pillars) or 1.0
    pillar_chart = charts.bar_chart(
        [charts.Bar(page.name(p.name_zh, p.name_en), 100 * p.weight / total, charts.PALETTE[n % 5],
                    note=f"{100 * p.weight / total:.1f}%") for n, p in enumerate(doc.pillars)],
        title=page.t("pillar_weights"), css_class="bar-chart pillar-chart")
    spec = doc.spec or {}
    steps = [(step, spec[step]) for step in ("checks", "imputation", "outliers", "normalisation", "weighting",
                                             "aggregation", "peer_groups", "uncertainty", "constraints", "badges")
             if step in spec]
    runs, _total = service.list_runs(session, model=scoring_model.key, year=None, limit=10, offset=0)
    return page.render("model.html", doc=doc, source=source, pillar_chart=pillar_chart, steps=steps,
                       scheme=doc.tier_scheme, runs=runs, pillar_names=doc.pillar_names(page.lang),
                       pillar_total=total, versions=catalog.versions_of(session, key))
