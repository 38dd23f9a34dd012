"""The tables behind the zone and observation downloads (API ``?format=csv|xlsx`` and ``zonescore export``).

Headers of the observation table are the import parser's own aliases (园区代码, 指标代码, 年份, 数值 /
zone_code, indicator_code, year, value), so an exported file can be edited and imported again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from app.errors import AppError
from app.i18n import LabelSet, Language, label, localized
from app.services import observations as observation_queries
from app.services import zones as zone_service
from app.services.exports import Column
from scoring_models.catalog import indicator_catalog

ZONE_COLUMNS: tuple[Column, ...] = (
    Column("code", "园区代码", "zone_code"),
    Column("name", "园区名称", "name"),
    Column("name_zh", "中文名称", "name_zh"),
    Column("name_en", "英文名称", "name_en"),
    Column("province", "省份代码", "province_code"),
    Column("province_name", "省份", "province"),
    Column("city", "城市", "city"),
    Column("level", "级别", "level"),
    Column("kind", "类型", "kind"),
    Column("year_approved", "批准年份", "year_approved"),
    Column("pilot", "试点园区", "pilot"),
    Column("leading_chain", "首位产业链代码", "leading_chain_code"),
    Column("leading_chain_name", "首位产业链", "leading_chain"),
    Column("source", "数据来源", "source"),
    Column("updated_at", "更新时间(UTC)", "updated_at_utc"),
)

OBSERVATION_COLUMNS: tuple[Column, ...] = (
    Column("zone_code", "园区代码", "zone_code"),
    Column("indicator_code", "指标代码", "indicator_code"),
    Column("indicator_name", "指标名称", "indicator_name"),
    Column("unit", "单位", "unit"),
    Column("year", "年份", "year"),
    Column("value", "数值", "value"),
    Column("status", "状态", "status"),
    Column("source", "数据来源", "source"),
    Column("submitted_by", "提交者", "submitted_by"),
    Column("updated_at", "更新时间(UTC)", "updated_at_utc"),
    Column("revision", "版本", "revision"),
)


class ExportTooLarge(AppError):
    """More rows match than one download may hold (``ZONESCORE_MAX_EXPORT_ROWS``)."""

    status, slug, title = 400, "export-too-large", "Export too large"


def _too_many(total: int, max_rows: int, what: str) -> ExportTooLarge:
    return ExportTooLarge(f"{total} {what} match; an export holds at most {max_rows}: narrow the filters")


def zone_table(
    session: Session,
    lang: Language,
    *,
    province: str | Sequence[str] | None = None,
    level: str | Sequence[str] | None = None,
    kind: str | Sequence[str] | None = None,
    pilot: bool | None = None,
    max_rows: int,
) -> tuple[list[dict[str, Any]], tuple[Column, ...]]:
    """Every zone matching the filters (no paging) as rows for :data:`ZONE_COLUMNS`, labels in ``lang``."""
    zones, total = zone_service.list_zones(
        session, province=province, level=level, kind=kind, pilot=pilot, limit=max_rows, offset=0
    )
    if total > max_rows:
        raise _too_many(total, max_rows, "zones")
    rows = [
        {
            "code": z.code, "name": localized(z.name_zh, z.name_en, lang), "name_zh": z.name_zh,
            "name_en": z.name_en, "province": z.province,
            "province_name": label(LabelSet.PROVINCES, z.province, lang),
            "city": z.city, "level": label(LabelSet.LEVELS, z.level, lang),
            "kind": label(LabelSet.KINDS, z.kind, lang), "year_approved": z.year_approved, "pilot": z.pilot,
            "leading_chain": z.leading_chain,
            "leading_chain_name": label(LabelSet.CHAINS, z.leading_chain, lang) if z.leading_chain else None,
            "source": z.source, "updated_at": z.updated_at,
        }
        for z in zones
    ]
    return rows, ZONE_COLUMNS


def observation_table(
    session: Session,
    lang: Language,
    *,
    zones: list[str] | None = None,
    indicators: list[str] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    wide: bool = False,
    max_rows: int,
) -> tuple[list[dict[str, Any]], tuple[Column, ...]]:
    """Every matching observation (no paging): long form, or one row per zone-year with one column per
    indicator (headed by its code, as the wide import layout expects) when ``wide``."""
    filters: dict[str, Any] = {"zones": zones, "indicators": indicators, "year_from": year_from, "year_to": year_to}
    catalog = indicator_catalog().by_code()
    if wide:
        wide_rows, total = observation_queries.query_wide(session, **filters, limit=max_rows, offset=0)
        if total > max_rows:
            raise _too_many(total, max_rows, "zone-years")
        present = {code for r in wide_rows for code in r.values}
        ordered = [c for c in catalog if c in present] + sorted(present - set(catalog))
        columns: Sequence[Column] = (
            Column("zone_code", "园区代码", "zone_code"), Column("year", "年份", "year"),
            *(Column(code, code, code) for code in ordered),
        )
        return [{"zone_code": r.zone_code, "year": r.year, **r.values} for r in wide_rows], tuple(columns)
    items, total = observation_queries.query_long(session, **filters, limit=max_rows, offset=0)
    if total > max_rows:
        raise _too_many(total, max_rows, "observations")
    rows = []
    for o in items:
        indicator = catalog.get(o.indicator_code)
        rows.append({
            **o.model_dump(),
            "indicator_name": label(LabelSet.INDICATORS, o.indicator_code, lang),
            "unit": indicator.unit if indicator else None,
            "status": label(LabelSet.STATUSES, o.status.value, lang),
        })
    return rows, OBSERVATION_COLUMNS
