"""Peer groups: transparent rule bands (default) or k-means, labelled deterministically.

The registered methods (:data:`PEER_GROUPINGS`: ``none``, ``rules``, ``kmeans``) wrap the
functions below; :func:`group_zones` applies one and splits its groups by the spec's categories.
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
from scoring_models.steps.registry import MethodName, StepRegistry, StepSettings


@dataclass(frozen=True)
class PeerGroups:
    """``index[z]`` is zone ``z``'s group number; ``codes[g]`` the label of group ``g``."""

    index: npt.NDArray[np.int_]
    codes: tuple[str, ...]

    def labels(self) -> list[str]:
        """Each zone's group label."""
        return [self.codes[g] for g in self.index]


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
    for k in np.unique(key):
        rest = int(k)
        names_rev: list[str] = []
        for name, radix, t in zip(reversed(names), reversed(radices), reversed(thresholds), strict=True):
            b = rest % radix
            rest //= radix
            names_rev.append(f"{name}{'na' if b == len(t) + 1 else b}")
        labels[int(k)] = "-".join(reversed(names_rev))
    ordered = sorted(labels)
    lookup = {k: i for i, k in enumerate(ordered)}
    return PeerGroups(
        index=np.array([lookup[int(k)] for k in key], dtype=np.int_) if n else np.zeros(0, dtype=np.int_),
        codes=tuple(labels[k] for k in ordered),
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
    return PeerGroups(index=relabel[labels], codes=tuple(f"k{g}" for g in range(k)))


def categorical_groups(labels: Sequence[str]) -> PeerGroups:
    """One group per distinct label (e.g. zone level or province), numbered in sorted label order."""
    uniq, inv = np.unique(np.asarray(list(labels), dtype=object), return_inverse=True)
    return PeerGroups(index=inv.astype(np.int_).reshape(-1), codes=tuple(str(u) for u in uniq))


def cross(a: PeerGroups, b: PeerGroups) -> PeerGroups:
    """The cross product of two groupings; labels joined by ``-``, only non-empty groups kept."""
    key = a.index * max(len(b.codes), 1) + b.index
    uniq, inv = np.unique(key, return_inverse=True)
    codes = tuple(
        f"{a.codes[int(k) // max(len(b.codes), 1)]}-{b.codes[int(k) % max(len(b.codes), 1)]}" for k in uniq
    )
    return PeerGroups(index=inv.astype(np.int_).reshape(-1), codes=codes)


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
    ``categories`` split its groups further (not for ``none``, which means no peer groups)."""

    name: str
    func: Group
    split_by_categories: bool = True


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
    """

    method: PeerGroupName = "rules"
    categories: list[str] = Field(default_factory=list)
    rules: list[BandRule] = Field(default_factory=_default_rules)
    kmeans_features: list[str] = Field(default_factory=lambda: ["revenue", "national_rd_platforms"])
    n_clusters: int = Field(default=4, ge=1)
    n_init: int = Field(default=10, ge=1)
    seed: int = Field(default=0, ge=0)


Group = Callable[[ZoneFacts, PeerGroupSpec], PeerGroups]
"""A peer-grouping method: ``(zones, settings) -> PeerGroups``."""


def group_zones(method: PeerGroupMethod, zones: ZoneFacts, settings: PeerGroupSpec) -> PeerGroups:
    """Peer groups of ``zones`` by ``method``, split by ``settings.categories`` when the method allows."""
    groups = method.func(zones, settings)
    if method.split_by_categories:
        for name in settings.categories:
            groups = cross(categorical_groups(zones.meta_values(name)), groups)
    return groups


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


PEER_GROUPINGS.add(PeerGroupMethod("none", _none, split_by_categories=False))
PEER_GROUPINGS.add(PeerGroupMethod("rules", _rules))
PEER_GROUPINGS.add(PeerGroupMethod("kmeans", _kmeans))
