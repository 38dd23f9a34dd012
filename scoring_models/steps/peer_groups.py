"""Peer groups: transparent rule bands (default) or k-means, labelled deterministically.

The registered methods (:data:`PEER_GROUPINGS`: ``none``, ``rules``, ``kmeans``) wrap the
functions below; :func:`group_zones` applies one, splits its groups by the spec's categories and
merges groups smaller than the spec's ``min_size`` into their nearest band (:func:`merge_small`).
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Protocol

import numpy as np
import numpy.typing as npt
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from scoring_models.arrays import FloatArray
from scoring_models.steps.registry import MethodName, Population, StepRegistry, StepSettings

MERGED = "~"
"""Joins the codes of groups merged for size (``revenue2-platforms1~revenue2-platforms2``)."""


@dataclass(frozen=True)
class PeerGroups:
    """``index[z]`` is zone ``z``'s group number; ``codes[g]`` the label of group ``g``.

    Where a group lies, for merging small groups into the nearest one: ``positions[g]`` its
    ordinal band on each band feature (NaN: the feature was not reported), ``blocks[g]`` the
    category values that split it (``""`` without categories). Methods that know no order leave
    them ``None`` (every group then lies at the same distance).
    """

    index: npt.NDArray[np.int_]
    codes: tuple[str, ...]
    positions: FloatArray | None = None
    blocks: tuple[str, ...] | None = None

    def labels(self) -> list[str]:
        """Each zone's group label."""
        return [self.codes[g] for g in self.index]

    def position_matrix(self) -> FloatArray:
        """``positions`` (groups × band features), or one zero-width row per group when unknown."""
        return np.zeros((len(self.codes), 0)) if self.positions is None else self.positions

    def block_keys(self) -> tuple[str, ...]:
        """``blocks``, or ``""`` for every group when unknown."""
        return ("",) * len(self.codes) if self.blocks is None else self.blocks


def single_group(n_zones: int, code: str = "all") -> PeerGroups:
    """Every zone in one peer group."""
    return PeerGroups(index=np.zeros(n_zones, dtype=np.int_), codes=(code,))


def rule_bands(
    features: FloatArray, thresholds: Sequence[Sequence[float]], names: Sequence[str]
) -> PeerGroups:
    """Cross-product of bands, one band per feature column.

    Feature ``f`` with increasing thresholds ``t`` puts value ``v`` in band
    ``#{t_k ≤ v}`` (0 = below the first threshold); a missing value falls in band ``na``. The
    group label joins ``name`` + band, e.g. ``revenue1-platforms0``. Groups are numbered in
    band order (lowest bands first), only non-empty groups are kept.
    """
    n = features.shape[0]
    key = np.zeros(n, dtype=np.int_)
    parts: list[npt.NDArray[np.int_]] = []
    radices: list[int] = []
    for col, t in enumerate(thresholds):
        v = features[:, col]
        band = np.searchsorted(np.asarray(t, dtype=np.float64), np.nan_to_num(v, nan=-np.inf), side="right")
        band = np.where(np.isnan(v), len(t) + 1, band)
        parts.append(band.astype(np.int_))
        radices.append(len(t) + 2)
    for band, radix in zip(parts, radices, strict=True):
        key = key * radix + band
    labels: dict[int, str] = {}
    bands: dict[int, list[float]] = {}
    for k in np.unique(key):
        rest = int(k)
        names_rev: list[str] = []
        bands_rev: list[float] = []
        for name, radix, t in zip(reversed(names), reversed(radices), reversed(thresholds), strict=True):
            b = rest % radix
            rest //= radix
            names_rev.append(f"{name}{'na' if b == len(t) + 1 else b}")
            bands_rev.append(np.nan if b == len(t) + 1 else float(b))
        labels[int(k)] = "-".join(reversed(names_rev))
        bands[int(k)] = bands_rev[::-1]
    ordered = sorted(labels)
    lookup = {k: i for i, k in enumerate(ordered)}
    return PeerGroups(
        index=np.array([lookup[int(k)] for k in key], dtype=np.int_) if n else np.zeros(0, dtype=np.int_),
        codes=tuple(labels[k] for k in ordered),
        positions=np.array([bands[k] for k in ordered], dtype=np.float64).reshape(len(ordered), len(thresholds)),
    )


def kmeans_groups(features: FloatArray, n_clusters: int, *, seed: int = 0, n_init: int = 10) -> PeerGroups:
    """k-means peer groups on the feature columns, relabelled so ``k0`` has the smallest mean scale.

    Non-negative features are ``log1p``-transformed (scale variables are heavy-tailed) and every
    column standardised; missing cells take the column median. The first column is the scale
    variable used for ordering (its raw mean per cluster). ``n_clusters`` is reduced to the
    number of distinct points; a fixed seed and ``n_init`` make it deterministic.
    """
    n = features.shape[0]
    if n == 0:
        return PeerGroups(index=np.zeros(0, dtype=np.int_), codes=())
    f = features.copy()
    all_missing = np.asarray(np.isnan(f).all(axis=0), dtype=np.bool_)
    med: FloatArray = np.nanmedian(np.where(all_missing[None, :], 0.0, f), axis=0)
    f = np.where(np.isnan(f), med[None, :], f)
    non_negative = np.asarray((f >= 0).all(axis=0), dtype=np.bool_)
    f = np.where(non_negative[None, :], np.log1p(np.abs(f)), f)
    sd = f.std(axis=0)
    z = np.where(sd[None, :] > 0, (f - f.mean(axis=0)[None, :]) / np.where(sd > 0, sd, 1.0)[None, :], 0.0)
    k = int(min(n_clusters, len(np.unique(z, axis=0))))
    if k <= 1:
        return single_group(n, "k0")
    # imported on use: scikit-learn takes most of a second to import and rule bands never need it
    from sklearn.cluster import KMeans

    labels = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit_predict(z)
    scale = np.where(np.isnan(features[:, 0]), med[0], features[:, 0])
    means = np.bincount(labels, weights=scale, minlength=k) / np.bincount(labels, minlength=k)
    order = np.argsort(means, kind="stable")
    relabel = np.empty(k, dtype=np.int_)
    relabel[order] = np.arange(k)
    return PeerGroups(
        index=relabel[labels],
        codes=tuple(f"k{g}" for g in range(k)),
        positions=np.arange(k, dtype=np.float64)[:, None],  # clusters ordered by mean scale
    )


def categorical_groups(labels: Sequence[str]) -> PeerGroups:
    """One group per distinct label (e.g. zone level or province), numbered in sorted label order.

    Each label is its own block: categories have no order, so small groups merge across them
    only as a last resort (see :func:`merge_small`)."""
    uniq, inv = np.unique(np.asarray(list(labels), dtype=object), return_inverse=True)
    codes = tuple(str(u) for u in uniq)
    return PeerGroups(index=inv.astype(np.int_).reshape(-1), codes=codes, blocks=codes)


def cross(a: PeerGroups, b: PeerGroups) -> PeerGroups:
    """The cross product of two groupings; labels, blocks and positions joined, only non-empty groups kept."""
    radix = max(len(b.codes), 1)
    key = a.index * radix + b.index
    uniq, inv = np.unique(key, return_inverse=True)
    pairs = [(int(k) // radix, int(k) % radix) for k in uniq]
    pos_a, pos_b = a.position_matrix(), b.position_matrix()
    block_a, block_b = a.block_keys(), b.block_keys()
    return PeerGroups(
        index=inv.astype(np.int_).reshape(-1),
        codes=tuple(f"{a.codes[i]}-{b.codes[j]}" for i, j in pairs),
        positions=np.array([np.r_[pos_a[i], pos_b[j]] for i, j in pairs]).reshape(
            len(pairs), pos_a.shape[1] + pos_b.shape[1]
        ),
        blocks=tuple("-".join(x for x in (block_a[i], block_b[j]) if x) for i, j in pairs),
    )


def _distance(a: FloatArray, b: FloatArray) -> float:
    """Band steps between two positions; a feature one of them did not report counts one step."""
    missing = np.isnan(a) | np.isnan(b)
    steps = np.where(missing, np.where(np.isnan(a) & np.isnan(b), 0.0, 1.0), np.abs(a - b))
    return float(steps.sum())


def merge_small(groups: PeerGroups, min_size: int) -> PeerGroups:
    """Merge every group with fewer than ``min_size`` zones into its nearest group.

    The rule, repeated until no group is too small or one group is left: take the smallest group
    (the first in group order on a tie) and merge it into the nearest other group, nearest meaning,
    in this order: (1) the same category values (another category only when the whole category
    is too small), (2) the fewest band steps (the sum over band features of the difference in band
    number; an unreported feature is one step from any band, as its band is unknown), (3) the
    larger group, (4) the first in group order. Distances between merged groups are those of their
    nearest members. A merged group's code joins its members' codes with ``~`` in group order, so
    it says exactly which bands it holds.
    """
    sizes = np.bincount(groups.index, minlength=len(groups.codes)).astype(np.int_)
    members: list[list[int]] = [[g] for g in range(len(groups.codes)) if sizes[g] > 0]
    pos, blocks = groups.position_matrix(), groups.block_keys()

    def gap(a: list[int], b: list[int]) -> tuple[int, float]:
        return min((int(blocks[i] != blocks[j]), _distance(pos[i], pos[j])) for i in a for j in b)

    def size(m: list[int]) -> int:
        return int(sizes[m].sum())

    if not members:
        return groups
    while len(members) > 1:
        small = min(range(len(members)), key=lambda n: (size(members[n]), n))
        if size(members[small]) >= min_size:
            break
        others = [n for n in range(len(members)) if n != small]
        target = min(others, key=lambda n: (*gap(members[small], members[n]), -size(members[n]), n))
        members[target] = sorted(members[target] + members[small])
        del members[small]
    if len(members) == len(groups.codes):  # nothing merged (rule bands and k-means keep no empty group)
        return groups
    members.sort(key=min)  # merged groups keep the order of their first member
    lookup = np.zeros(len(groups.codes), dtype=np.int_)
    for n, m in enumerate(members):
        lookup[m] = n
    return PeerGroups(
        index=lookup[groups.index],
        codes=tuple(MERGED.join(groups.codes[g] for g in m) for m in members),
        blocks=tuple(MERGED.join(dict.fromkeys(blocks[g] for g in m)) for m in members),
    )


def group_stat(values: FloatArray, groups: PeerGroups, stat: str) -> FloatArray:
    """Per-zone statistic (``mean`` or ``median``) of ``values`` over the zone's peer group.

    ``values`` may be 1-D (zones) or 2-D (zones × columns); NaN ignored. Loops over peer groups
    only (a handful).
    """
    out = np.full(values.shape, np.nan)
    fn = np.nanmean if stat == "mean" else np.nanmedian
    for g in range(len(groups.codes)):
        rows = groups.index == g
        block = values[rows]
        if block.size == 0:
            continue
        with warnings.catch_warnings():
            # an all-missing column inside a group is expected; its statistic is NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            out[rows] = fn(block, axis=0)
    return out


# --------------------------------------------------------------------------------------------
# registered methods


class ZoneFacts(Protocol):
    """What peer grouping reads about the zones (an :class:`~scoring_models.base.IndicatorMatrix` has it)."""

    @property
    def zones(self) -> tuple[str, ...]:
        """Zone codes."""
        ...

    def lookup(self, name: str) -> FloatArray:
        """A number per zone: a feature, else the latest value of the indicator ``name`` (NaN if none)."""
        ...

    def meta_values(self, name: str) -> list[str]:
        """A metadata field per zone as text (``"na"`` when missing)."""
        ...


@dataclass(frozen=True)
class PeerGroupMethod:
    """A registered peer-grouping method: its name, its function, and whether the spec's
    ``categories`` split its groups further (not for ``none``, which means no peer groups).

    ``population`` says whose data its result for a zone depends on and ``source`` the published method
    (both shown by a model's methodology).
    """

    name: str
    func: Group
    split_by_categories: bool = True
    population: Population = Population.FILTERED
    source: str = ""


PEER_GROUPINGS: StepRegistry[PeerGroupMethod] = StepRegistry("peer_groups")
PeerGroupName = Annotated[str, MethodName(PEER_GROUPINGS)]

_CODE = r"^[a-z][a-z0-9_]*$"


class BandRule(StepSettings):
    """A rule band: a feature (zone feature or indicator code) cut at increasing thresholds."""

    feature: str = Field(min_length=1)
    label: str = Field(pattern=_CODE)
    thresholds: list[float] = Field(min_length=1)

    @field_validator("thresholds")
    @classmethod
    def _increasing(cls, v: list[float]) -> list[float]:
        if any(b <= a for a, b in itertools.pairwise(v)):
            raise PydanticCustomError("thresholds_order", "band thresholds must be strictly increasing")
        return v


def _default_rules() -> list[BandRule]:
    # revenue in 亿元: below ¥100 bn (1000亿), up to ¥1 tn, above; national R&D platforms 0–4, 5–19, 20+
    return [
        BandRule(feature="revenue", label="revenue", thresholds=[1000.0, 10000.0]),
        BandRule(feature="national_rd_platforms", label="platforms", thresholds=[5.0, 20.0]),
    ]


class PeerGroupSpec(StepSettings):
    """Peer grouping: rule bands (default), k-means on features, or none (one group).

    ``categories`` names zone metadata fields (``level``, ``province``, ``leading_chain`` or an
    ``extra`` key) whose values split every group further, e.g. national vs provincial zones.
    Band features are looked up as zone features first, then as indicators of the matrix (latest
    value up to the evaluation year), whether or not the model scores them.

    ``min_size`` (default 5): a group with fewer zones is merged into its nearest band
    (:func:`merge_small`). A zone's RPI compares it with a mean that includes itself, so in a
    group of n its own composite is 1/n of the mean: in a group of one the RPI is 100 whatever
    the zone does, and in a group of two a zone needs 1.67 times its peer's composite to pass
    RPI 125. From five zones on, a zone's own weight in the mean is at most a fifth and
    创新高峰 (RPI > 125) means a composite a third above the mean of its four peers — a judgement
    about the peers rather than an artefact of the group size; five is also the smallest group
    whose thirds (the ± subgroups) and median (profiles, strengths) are not set by one or two
    zones. Set 1 to keep every group as formed.
    """

    method: PeerGroupName = "rules"
    min_size: int = Field(default=5, ge=1)
    categories: list[str] = Field(default_factory=list)
    rules: list[BandRule] = Field(default_factory=_default_rules)
    kmeans_features: list[str] = Field(default_factory=lambda: ["revenue", "national_rd_platforms"])
    n_clusters: int = Field(default=4, ge=1)
    n_init: int = Field(default=10, ge=1)
    seed: int = Field(default=0, ge=0)


Group = Callable[[ZoneFacts, PeerGroupSpec], PeerGroups]
"""A peer-grouping method: ``(zones, settings) -> PeerGroups``."""


def group_zones(method: PeerGroupMethod, zones: ZoneFacts, settings: PeerGroupSpec) -> PeerGroups:
    """Peer groups of ``zones`` by ``method``, split by ``settings.categories`` when the method allows,
    with groups smaller than ``settings.min_size`` merged into their nearest band."""
    groups = method.func(zones, settings)
    if method.split_by_categories:
        for name in settings.categories:
            groups = cross(categorical_groups(zones.meta_values(name)), groups)
    return merge_small(groups, settings.min_size)


def _features(zones: ZoneFacts, names: Sequence[str]) -> FloatArray:
    if not zones.zones:
        return np.zeros((0, len(names)))
    return np.column_stack([zones.lookup(name) for name in names])


def _none(zones: ZoneFacts, _: PeerGroupSpec) -> PeerGroups:
    return single_group(len(zones.zones))


def _rules(zones: ZoneFacts, settings: PeerGroupSpec) -> PeerGroups:
    rules = settings.rules
    if not rules:
        return single_group(len(zones.zones))
    feats = _features(zones, [r.feature for r in rules])
    return rule_bands(feats, [r.thresholds for r in rules], [r.label for r in rules])


def _kmeans(zones: ZoneFacts, settings: PeerGroupSpec) -> PeerGroups:
    feats = _features(zones, settings.kmeans_features)
    return kmeans_groups(feats, settings.n_clusters, seed=settings.seed, n_init=settings.n_init)


PEER_GROUPINGS.add(PeerGroupMethod(
    "none", _none, split_by_categories=False, source="no peer groups: every zone evaluated is one group",
))
PEER_GROUPINGS.add(PeerGroupMethod(
    "rules", _rules,
    source="classified evaluation (分类评价), domain brief §5: fixed bands on revenue × national R&D platforms; "
    "groups below the minimum size merge into the nearest band among the zones evaluated",
))
PEER_GROUPINGS.add(PeerGroupMethod(
    "kmeans", _kmeans,
    source="k-means (Lloyd; scikit-learn KMeans, fixed seed) on log scale features of the zones evaluated",
))
