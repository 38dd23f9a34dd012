"""Peer groups: transparent rule bands (default) or k-means, labelled deterministically."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from scoring_models.base import FloatArray


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
