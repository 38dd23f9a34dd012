"""Query filters shared by the list operations: typed, validated, repeatable.

Each filter may be repeated (``?province=33&province=32``): its values combine with OR, different
filters with AND. Values of closed lists (provinces, levels, profiles, badges …) are checked here —
an unknown one is a 422 naming the allowed values, never an empty list that looks like an answer —
and appear as enums in the OpenAPI document. Tiers and peer groups depend on the run: the service
checks them against it (``not_in_run``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Annotated

from fastapi import Depends, Query

from app.schemas.codes import BadgeCode, ProfileCode, ProvinceCode, TierCode
from app.schemas.zone import Level

_REPEAT = "; repeat the parameter for several (any of them matches)"

ProvinceFilter = Annotated[list[ProvinceCode] | None, Query(
    description="GB/T 2260 two-digit province code, e.g. 33 浙江省" + _REPEAT, examples=[["33"]])]
LevelFilter = Annotated[list[Level] | None, Query(
    description="national (国家级) or provincial (省级)" + _REPEAT, examples=[["national"]])]
TierFilter = Annotated[list[TierCode] | None, Query(
    description="tier code: peak, strong, moderate or emerging for the built-in models (a run of a plug-in "
    "model: its own tiers; a tier the run does not have is a 422 naming its tiers)" + _REPEAT,
    examples=[["peak"]])]
PeerGroupFilter = Annotated[list[Annotated[str, Query(max_length=120)]] | None, Query(
    description="peer-group code of the run, e.g. revenue1-platforms2 (GET /evaluations/{id} lists the run's "
    "peer groups; one it does not have is a 422 naming them)" + _REPEAT, examples=[["revenue1-platforms2"]])]
ProfileFilter = Annotated[list[ProfileCode] | None, Query(
    description="profile code: peak 创新高峰型, plateau 产业高原型, growth 创新成长型, foundation 基础培育型" + _REPEAT,
    examples=[["plateau"]])]
BadgeFilter = Annotated[list[BadgeCode] | None, Query(
    description="cultivation badge: gazelle, hidden_champion, single_champion" + _REPEAT, examples=[["gazelle"]])]


@dataclass(frozen=True)
class RankingFilters:
    """The filters of a ranking, as the service takes them (empty tuple: no condition)."""

    province: tuple[str, ...] = ()
    level: tuple[str, ...] = ()
    tier: tuple[str, ...] = ()
    peer_group: tuple[str, ...] = ()
    profile: tuple[str, ...] = ()
    badge: tuple[str, ...] = ()

    def kwargs(self) -> dict[str, tuple[str, ...]]:
        """The filters as keyword arguments of :func:`app.services.evaluations.rankings`."""
        return asdict(self)


async def filters_within_run(
    level: LevelFilter = None,
    tier: TierFilter = None,
    peer_group: PeerGroupFilter = None,
    profile: ProfileFilter = None,
    badge: BadgeFilter = None,
) -> RankingFilters:
    """Dependency: the validated ranking filters of the query, but for province (the official ranking's
    ``province`` names the run, not a filter of its rows)."""
    return RankingFilters(
        level=tuple(v.value for v in level or ()), tier=tuple(tier or ()), peer_group=tuple(peer_group or ()),
        profile=tuple(profile or ()), badge=tuple(badge or ()),
    )


async def ranking_filters(
    within: Annotated[RankingFilters, Depends(filters_within_run)], province: ProvinceFilter = None
) -> RankingFilters:
    """Dependency: the validated ranking filters of the query."""
    return replace(within, province=tuple(province or ()))


# The dependencies are coroutines although they do no I/O: FastAPI runs a plain function in the thread pool,
# and the hops were a third of a cached ranking page (pyinstrument, benchmarks/README.md).
RankingFiltersDep = Annotated[RankingFilters, Depends(ranking_filters)]
RunFiltersDep = Annotated[RankingFilters, Depends(filters_within_run)]
