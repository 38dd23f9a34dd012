"""Checks of a chain-breakdown batch: every problem of every row, and the revenue check against the zone.

Revenue check (refusal, with a warning where it cannot be made): a zone's chains are parts of its
revenue, so the chain revenues of one zone-year — the batch's rows plus the chains already stored
for that zone-year and not in the batch — may not add up to more than the zone's reported
``revenue`` observation of that year by more than :data:`REVENUE_TOLERANCE` (figures from different
statistics round differently). Above it the batch is refused (422, ``exceeds_zone_revenue``): the
leading-chain share would pass 100% and every chain metric derived from it would be wrong. A zone-year
without a reported revenue is written with a ``revenue_not_reported`` warning in the response.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Problem
from app.orm import ChainBreakdown, Observation
from app.schemas.chain import ChainBreakdownIn
from app.services.validation import check_year
from scoring_models.catalog import Chain, chain_catalog

REVENUE_TOLERANCE = 0.005
"""Share by which a zone-year's chain revenues may exceed the zone's reported revenue (0.5%)."""


def _problem(row: int, column: str, code: str, message: str, value: object = None) -> Problem:
    return Problem(row=row, column=column, code=code, message=message, value=None if value is None else str(value))


def _figure_problems(row: int, item: ChainBreakdownIn, chain: Chain | None) -> list[Problem]:
    problems: list[Problem] = []
    for name in ("revenue", "local_procurement_share"):
        if not math.isfinite(getattr(item, name)):
            problems.append(_problem(row, name, "not_finite", "NaN and infinity are not allowed", getattr(item, name)))
    if math.isfinite(item.revenue) and item.revenue < 0:
        problems.append(_problem(row, "revenue", "out_of_range", "revenue cannot be negative", f"{item.revenue:g}"))
    share = item.local_procurement_share
    if math.isfinite(share) and not 0 <= share <= 100:
        problems.append(_problem(row, "local_procurement_share", "out_of_range",
                                 "local_procurement_share is a percentage between 0 and 100", f"{share:g}"))
    for name in ("segments_covered", "key_components", "key_components_with_alt"):
        value = getattr(item, name)
        if value is not None and value < 0:
            problems.append(_problem(row, name, "negative_count", f"{name} is a count and cannot be negative", value))
    if chain is not None and item.segments_covered > len(chain.segments):
        problems.append(_problem(row, "segments_covered", "out_of_range",
                                 f"chain {chain.code} defines {len(chain.segments)} segments", item.segments_covered))
    return problems


def _product_problems(row: int, item: ChainBreakdownIn, chain: Chain | None) -> list[Problem]:
    """Each key product known to the chain, given once, with a localisation rate of 0–100%."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for n, product in enumerate(item.key_products or []):
        column = f"key_products.{n}"
        if chain is not None and product.product not in chain.key_components:
            problems.append(_problem(row, f"{column}.product", "unknown_product",
                                     f"chain {chain.code} has no key product {product.product!r}; known: "
                                     f"{', '.join(chain.key_components)}", product.product))
        if product.product in seen:
            problems.append(_problem(row, f"{column}.product", "duplicate_product",
                                     f"key product {product.product!r} is given twice", product.product))
        seen.add(product.product)
        rate = product.localisation_rate
        if not (math.isfinite(rate) and 0 <= rate <= 100):
            problems.append(_problem(row, f"{column}.localisation_rate", "out_of_range",
                                     "localisation_rate is a percentage between 0 and 100", rate))
    return problems


def _count_problems(row: int, item: ChainBreakdownIn) -> list[Problem]:
    """The component counts: required without key products, equal to what the products say with them."""
    if item.key_products is None:
        return [_problem(row, name, "missing", f"{name} is required when key_products are not given")
                for name in ("key_components", "key_components_with_alt") if getattr(item, name) is None]
    implied = {"key_components": len(item.key_products),
               "key_components_with_alt": sum(p.alternative_source for p in item.key_products)}
    return [_problem(row, name, "inconsistent", f"{name} must equal what key_products say ({want})", value)
            for name, want in implied.items() if (value := getattr(item, name)) is not None and value != want]


def item_problems(row: int, item: ChainBreakdownIn) -> list[Problem]:
    """Every problem of one breakdown on its own (known chain, figures in range, products, counts)."""
    chain = chain_catalog().by_code().get(item.chain_code)
    problems: list[Problem] = []
    if chain is None:
        problems.append(_problem(row, "chain_code", "unknown_chain", f"no industry chain with code {item.chain_code!r}",
                                 item.chain_code))
    problems += _figure_problems(row, item, chain)
    problems += _product_problems(row, item, chain)
    problems += _count_problems(row, item)
    components, with_alt = component_counts(item)
    if components is not None and with_alt is not None and with_alt > components:
        problems.append(_problem(row, "key_components_with_alt", "out_of_range", "cannot exceed key_components",
                                 with_alt))
    return problems


def component_counts(item: ChainBreakdownIn) -> tuple[int | None, int | None]:
    """Key components and those with an alternative source: as given, else as the key products imply."""
    if item.key_products is None:
        return item.key_components, item.key_components_with_alt
    return len(item.key_products), sum(p.alternative_source for p in item.key_products)


def batch_problems(items: Sequence[ChainBreakdownIn], zone_ids: dict[str, int], earliest_year: int) -> list[Problem]:
    """Every problem of the batch: unknown zones, years out of bounds, repeated keys and bad figures."""
    problems: list[Problem] = []
    seen: dict[tuple[str, int, str], int] = {}
    for row, item in enumerate(items, start=1):
        if item.zone_code not in zone_ids:
            problems.append(_problem(row, "zone_code", "unknown_zone", f"no zone with code {item.zone_code!r}",
                                     item.zone_code))
        year_problem = check_year(item.year, earliest=earliest_year, row=row)
        if year_problem:
            problems.append(year_problem)
        key = (item.zone_code, item.year, item.chain_code)
        if key in seen:
            problems.append(Problem(row=row, column="chain_code", code="duplicate_key",
                                    message=f"{'/'.join(map(str, key))} already given in row {seen[key]}"))
        else:
            seen[key] = row
        problems.extend(item_problems(row, item))
    return problems


def revenue_check(
    session: Session, items: Sequence[ChainBreakdownIn], zone_ids: dict[str, int]
) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings) of the revenue check of every zone-year the batch touches (module docstring).

    Run on a batch whose zones are all known.
    """
    first_row: dict[tuple[str, int], int] = {}
    batch: dict[tuple[str, int], dict[str, float]] = defaultdict(dict)
    for row, item in enumerate(items, start=1):
        first_row.setdefault((item.zone_code, item.year), row)
        batch[(item.zone_code, item.year)][item.chain_code] = item.revenue
    stored = _stored_chain_revenue(session, zone_ids, first_row)
    revenue = _reported_revenue(session, zone_ids, first_row)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for (zone, year), row in first_row.items():
        total = sum(batch[(zone, year)].values()) + sum(
            value for chain, value in stored.get((zone_ids[zone], year), {}).items() if chain not in batch[(zone, year)]
        )
        reported = revenue.get((zone_ids[zone], year))
        if reported is None:
            warnings.append(_problem(row, "revenue", "revenue_not_reported", f"{zone} has no revenue for {year}: its "
                                     "chain revenues could not be checked against it"))
        elif total > reported * (1 + REVENUE_TOLERANCE):
            problems.append(_problem(
                row, "revenue", "exceeds_zone_revenue",
                f"the chain revenues of {zone} in {year} add up to {total:.2f} 亿元, above its "
                f"reported revenue of {reported:.2f} 亿元 (tolerance {REVENUE_TOLERANCE:.1%})", f"{total:.2f}",
            ))
    return problems, warnings


def _stored_chain_revenue(
    session: Session, zone_ids: dict[str, int], zone_years: dict[tuple[str, int], int]
) -> dict[tuple[int, int], dict[str, float]]:
    ids = {zone_ids[z] for z, _ in zone_years}
    years = {y for _, y in zone_years}
    out: dict[tuple[int, int], dict[str, float]] = defaultdict(dict)
    for zone_id, year, chain, value in session.execute(
        select(ChainBreakdown.zone_id, ChainBreakdown.year, ChainBreakdown.chain_code, ChainBreakdown.revenue)
        .where(ChainBreakdown.zone_id.in_(ids), ChainBreakdown.year.in_(years))
    ):
        out[(zone_id, year)][chain] = value
    return out


def _reported_revenue(
    session: Session, zone_ids: dict[str, int], zone_years: dict[tuple[str, int], int]
) -> dict[tuple[int, int], float]:
    ids = {zone_ids[z] for z, _ in zone_years}
    years = {y for _, y in zone_years}
    rows = session.execute(
        select(Observation.zone_id, Observation.year, Observation.value)
        .where(Observation.indicator_code == "revenue", Observation.zone_id.in_(ids), Observation.year.in_(years))
    )
    return {(zone_id, year): value for zone_id, year, value in rows}
