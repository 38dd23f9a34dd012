"""What a stored panel says about movement: transitions between two years, a zone's trajectory with the
tier bands of its peer group, and a zone's scorecard in one year saying how it moved."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import NotFound, Problem, ValidationFailed, not_in
from app.orm import PanelTrajectoryRow, PanelZoneYearRow
from app.schemas.panel import Movement, PanelYearCard, TierBand, TrajectoryPoint, Transitions, ZoneTrajectory
from app.services.panel_document import StoredPanel, read_trajectory, read_zone_year
from app.services.panels import get_panel
from scoring_models.panel import PanelZoneYear, named_moves, transition_matrix, zone_moves
from scoring_models.steps.tiers import PROFILE_CODES


def _outside(panel: StoredPanel, year: int, column: str) -> Problem:
    return Problem(column=column, code="year_outside_window", value=str(year),
                   message=f"not a year of panel {panel.id}'s window {panel.first_year}–{panel.last_year}")


def _year_in(panel: StoredPanel, year: int, column: str) -> int:
    if year not in panel.years:
        raise ValidationFailed(f"{column}={year} lies outside panel {panel.id}'s window {panel.first_year}–"
                               f"{panel.last_year}", errors=[_outside(panel, year, column)])
    return year


def check_score_filters(panel: StoredPanel, *, year: int | None, tier: str | None) -> None:
    """422 for a year outside the panel's window (``year_outside_window``) and a tier its model does not have
    (``not_in_run``), all at once: either would otherwise answer an empty page that looks like a real one."""
    tiers = panel.methodology.tier_codes()
    problems = [_outside(panel, year, "year")] if year is not None and year not in panel.years else []
    if tier is not None and tier not in tiers:
        problems.append(not_in(f"panel {panel.id}", "tier", tier, tiers))
    if problems:
        raise ValidationFailed(f"{len(problems)} filter value(s) do not occur in panel {panel.id}", errors=problems)


def _states(session: Session, panel_id: int, year: int) -> dict[str, tuple[str | None, str | None]]:
    rows = session.execute(select(PanelZoneYearRow.zone_code, PanelZoneYearRow.tier, PanelZoneYearRow.profile)
                           .where(PanelZoneYearRow.panel_id == panel_id, PanelZoneYearRow.year == year)).all()
    return {r.zone_code: (r.tier, r.profile) for r in rows}


def transitions(session: Session, panel_id: int, from_year: int | None = None,
                to_year: int | None = None) -> Transitions:
    """Tier and profile transition matrices from ``from_year`` (default: the base year) to ``to_year``
    (default: the last year), with the zones behind every cell and the named moves."""
    panel = get_panel(session, panel_id)
    start = _year_in(panel, panel.base_year if from_year is None else from_year, "from")
    end = _year_in(panel, panel.last_year if to_year is None else to_year, "to")
    before, after = _states(session, panel_id, start), _states(session, panel_id, end)
    tiers = transition_matrix({c: s[0] for c, s in before.items()}, {c: s[0] for c, s in after.items()},
                              panel.methodology.tier_codes())
    profiles = transition_matrix({c: s[1] for c, s in before.items()}, {c: s[1] for c, s in after.items()},
                                 PROFILE_CODES)
    compared = sum(sum(row) for row in tiers.counts)
    return Transitions(panel_id=panel.id, reference=panel.reference, from_year=start, to_year=end,
                       zones_compared=compared, tiers=tiers, profiles=profiles, moves=named_moves(tiers, profiles))


def _zone_years(session: Session, panel: StoredPanel, code: str) -> dict[int, tuple[PanelZoneYearRow, PanelZoneYear]]:
    rows = session.scalars(select(PanelZoneYearRow).where(PanelZoneYearRow.panel_id == panel.id,
                                                          PanelZoneYearRow.zone_code == code))
    return {r.year: (r, read_zone_year(r.payload, panel.schema_version)) for r in rows}


def _trajectory_row(session: Session, panel: StoredPanel, code: str) -> PanelTrajectoryRow:
    row = session.scalar(select(PanelTrajectoryRow).where(PanelTrajectoryRow.panel_id == panel.id,
                                                          PanelTrajectoryRow.zone_code == code))
    if row is None:
        excluded = next((e for e in panel.excluded if e.code == code), None)
        if excluded is not None:
            raise NotFound(f"zone {code!r} was not scored in panel {panel.id}: {excluded.reason}")
        raise NotFound(f"zone {code!r} is not part of panel {panel.id}")
    return row


def tier_bands(panel: StoredPanel, reference_mean: float | None) -> list[TierBand]:
    """The tiers' bands in composite points for a peer group whose base-year mean is ``reference_mean``."""
    scheme = panel.methodology.tier_scheme
    if reference_mean is None:
        return []
    edges = [t * reference_mean / 100.0 for t in scheme.thresholds]
    return [TierBand(tier=tier.code, lower=edges[n] if n < len(edges) else None,
                     upper=edges[n - 1] if n > 0 else None) for n, tier in enumerate(scheme.tiers)]


def zone_trajectory(session: Session, panel_id: int, code: str) -> ZoneTrajectory:
    """Zone ``code`` through the panel's window: every year on the common scale, its trend and tier bands."""
    panel = get_panel(session, panel_id)
    row = _trajectory_row(session, panel, code)
    years = _zone_years(session, panel, code)
    points = []
    for year in panel.years:
        found = years.get(year)
        z = found[1] if found else None
        points.append(TrajectoryPoint(
            year=year, composite=z.composite if z else None, rpi=z.rpi if z else None, tier=z.tier if z else None,
            subgroup=z.subgroup if z else None, profile=z.profile if z else None, rank=z.rank if z else None,
            progress_points=z.progress_points if z else None, progress_pct=z.progress_pct if z else None,
        ))
    mean = panel.reference.means().get(row.peer_group)
    return ZoneTrajectory(
        panel_id=panel.id, reference=panel.reference, zone_code=code, name_zh=row.name_zh, name_en=row.name_en,
        province=row.province, level=row.level, peer_group=row.peer_group, reference_mean=mean, points=points,
        trajectory=read_trajectory(row.payload, panel.schema_version), bands=tier_bands(panel, mean),
    )


def _movement(panel: StoredPanel, before: PanelZoneYear | None, now: PanelZoneYear, since: int) -> Movement | None:
    if before is None or since == now.year:
        return None
    order = panel.methodology.tier_codes()
    change = None
    if before.tier in order and now.tier in order:
        delta = order.index(before.tier) - order.index(now.tier)
        change = "up" if delta > 0 else "down" if delta < 0 else "same"
    points = now.composite - before.composite
    return Movement(
        since=since, tier_before=before.tier, tier_change=change, profile_before=before.profile,
        moves=zone_moves(before.tier, now.tier, before.profile, now.profile, order), points=points,
        pct=100.0 * points / before.composite if panel.info.ratio_scale and before.composite > 0 else None,
    )


def year_card(session: Session, panel_id: int, code: str, year: int) -> PanelYearCard:
    """Zone ``code``'s scorecard in ``year`` of the panel, with how it moved since the base and previous year."""
    panel = get_panel(session, panel_id)
    _year_in(panel, year, "year")
    trajectory = _trajectory_row(session, panel, code)
    years = _zone_years(session, panel, code)
    if year not in years:
        reason = next((u.reason for u in panel.unscored if u.code == code and u.year == year), "not scored")
        raise NotFound(f"zone {code!r} was not scored in {year} in panel {panel.id}: {reason}")
    row, now = years[year]
    previous = max((y for y in years if y < year), default=None)
    per_year = session.scalar(select(func.count()).where(PanelZoneYearRow.panel_id == panel_id,
                                                         PanelZoneYearRow.year == year)) or 0
    return PanelYearCard(
        panel_id=panel.id, reference=panel.reference, model_key=panel.model_key, model_version=panel.model_version,
        zone_code=code, name_zh=row.name_zh, name_en=row.name_en, province=row.province, level=row.level,
        result=now, zones_scored=per_year,
        since_base=_movement(panel, years[panel.base_year][1] if panel.base_year in years else None, now,
                             panel.base_year),
        since_previous=_movement(panel, years[previous][1] if previous is not None else None, now,
                                 previous if previous is not None else year),
        trajectory=read_trajectory(trajectory.payload, panel.schema_version),
    )
