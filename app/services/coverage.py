"""What data is there: zones reporting each indicator per year, and the years each model can evaluate.

A model can evaluate a year when its own coverage checks (``ChecksSpec``: the share of zones an
indicator needs, the share of the model's indicators a zone needs) keep at least one indicator and one
zone — exactly the checks a run applies first (:mod:`scoring_models.pipeline.prepare`), on the same
matrix a run builds (observations plus the chain-derived indicators). Plug-in models without a
declarative spec are checked with the default thresholds.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import LabelSet, Language, label, localized
from app.orm import Observation
from app.schemas.coverage import Coverage, IndicatorCoverage, ModelCoverage, ModelYearCoverage
from app.services import model_catalog
from app.services.matrix import ZoneFilter, build_matrix, select_zones
from scoring_models.arrays import FloatArray
from scoring_models.base import ScoringModel
from scoring_models.catalog import indicator_catalog
from scoring_models.spec import ChecksSpec
from scoring_models.steps.checks import coverage as coverage_check


def _years(session: Session) -> list[int]:
    return sorted(session.scalars(select(Observation.year).distinct()))


def _values_by_year(session: Session, zone_filter: ZoneFilter, years: list[int]) -> tuple[int, dict[int, FloatArray]]:
    """The zones × catalog indicators matrix of every year (as a run builds it), and the number of zones."""
    zones = select_zones(session, zone_filter)
    by_year: dict[int, FloatArray] = {}
    pending = set(years) if zones else set()
    while pending:
        # a matrix holds the years of history ending at its own: one build serves several years
        matrix = build_matrix(session, zones, year=max(pending))
        for n, year in enumerate(matrix.years):
            if year in pending:
                by_year[year] = np.asarray(matrix.values[:, :, n])
        pending -= set(by_year)
    return len(zones), by_year


def _thresholds(model: ScoringModel) -> ChecksSpec:
    checks = model_catalog.methodology(model).check_thresholds()
    return ChecksSpec.model_validate(checks) if checks else ChecksSpec()


def _model_coverage(model: ScoringModel, columns: list[int], values: dict[int, FloatArray], lang: Language,
                    ) -> ModelCoverage:
    checks = _thresholds(model)
    years: list[ModelYearCoverage] = []
    for year in sorted(values, reverse=True):
        x = values[year][:, columns]
        found = coverage_check(x, indicator_min=checks.indicator_coverage, zone_min=checks.zone_coverage)
        evaluable = bool(x.size and found.keep_indicators.any() and found.keep_zones.any())
        years.append(ModelYearCoverage(
            year=year, evaluable=evaluable, zones_ranked=int(found.keep_zones.sum()) if evaluable else 0,
            indicators_kept=int(found.keep_indicators.sum()), indicators_total=len(columns),
        ))
    return ModelCoverage(
        key=model.key, version=model.version, title=localized(model.title_zh, model.title_en, lang),
        latest_year=next((y.year for y in years if y.evaluable), None),
        indicator_coverage=checks.indicator_coverage, zone_coverage=checks.zone_coverage, years=years,
    )


def data_coverage(session: Session, zone_filter: ZoneFilter, lang: Language) -> Coverage:
    """Zones with data per indicator and year, and each model's evaluable years, over ``zone_filter``'s zones."""
    years = _years(session)
    n_zones, values = _values_by_year(session, zone_filter, years)
    years = sorted(values)
    codes = [i.code for i in indicator_catalog().indicators]  # the order of the matrix a run builds
    position = {code: n for n, code in enumerate(codes)}
    indicators = [
        IndicatorCoverage(code=code, label=label(LabelSet.INDICATORS, code, lang),
                          zones=[int((~np.isnan(values[y][:, n])).sum()) for y in years])
        for n, code in enumerate(codes)
    ]
    models = []
    for key in dict.fromkeys(m["key"] for m in model_catalog.list_models(session)):
        model, _source = model_catalog.resolve_model(session, key)
        columns = [position[i.code] for i in model.indicators if i.code in position]
        models.append(_model_coverage(model, columns, values, lang))
    return Coverage(zones=n_zones, years=years, indicators=indicators, models=models)

