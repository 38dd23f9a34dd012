"""The zh/en label catalog: one definition of every code's wording, shared by the library and the service.

The hand-written labels (tiers — the RPI tiers, the ten coupling coordination grades and the DEA
efficiency tiers —, subgroups, profiles, badges, risk flags, panel trends and moves, national pillars,
levels, zone kinds, provinces, peer-group words, statuses, directions, natures, the four quadrants of a
chain's key products, which subsystem lags, DEA efficiency status, returns to scale, and the names of the
step methods) are versioned data in ``scoring_models/data/labels.json`` (``labels_version``). Indicator,
dimension and chain names are not copied there: they are read from the indicator and chain catalogs
(:mod:`scoring_models.catalog`), so each name still has exactly one definition. Tier, profile and badge
wording is the policy
article's (domain brief §5); provinces are the 31 GB/T 2260 provincial-level regions.

Peer-group codes are composite (see :mod:`scoring_models.steps.peer_groups`): rule bands join
``<rule label><band>`` parts with ``-`` (band 0 is the lowest, ``na`` a missing feature), k-means
gives ``k0``, ``k1`` … (``k0`` the smallest in scale), one group is ``all``, and categories prefix
the zone's value (a level, province, chain … or ``na``). :func:`peer_group_label` reads each part
as words; the ``peer_groups`` set holds the words those parts are made of.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scoring_models.catalog import chain_catalog, indicator_catalog

Lang = Literal["zh", "en"]
"""A label language: Simplified Chinese (the default) or English."""


class LabelKind(StrEnum):
    """The named sets of labels in the catalog (``GET /api/v1/labels`` serves them in this order)."""

    INDICATORS = "indicators"
    DIMENSIONS = "dimensions"
    PILLARS = "pillars"
    TIERS = "tiers"
    SUBGROUPS = "subgroups"
    PROFILES = "profiles"
    BADGES = "badges"
    RISK_FLAGS = "risk_flags"
    TRENDS = "trends"
    MOVES = "moves"
    LEVELS = "levels"
    KINDS = "kinds"
    PROVINCES = "provinces"
    CHAINS = "chains"
    PEER_GROUPS = "peer_groups"
    STATUSES = "statuses"
    DIRECTIONS = "directions"
    NATURES = "natures"
    QUADRANTS = "quadrants"
    COUPLING_LAGS = "coupling_lags"
    EFFICIENCY_STATUS = "efficiency_status"
    RETURNS_TO_SCALE = "returns_to_scale"
    METHODS = "methods"


class LabelPair(BaseModel):
    """One code's label in both languages; provinces also carry their short Chinese name (浙江)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    zh_short: str | None = Field(default=None, min_length=1)

    def text(self, lang: Lang) -> str:
        """The label in ``lang``."""
        return self.zh if lang == "zh" else self.en


class PeerGroupForms(BaseModel):
    """How peer-group parts read: a band, a missing band feature, a k-means cluster, the joiner of
    parts, and the joiner of groups merged for size."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    band: LabelPair
    missing: LabelPair
    cluster: LabelPair
    separator: LabelPair
    merged: LabelPair


class LabelData(BaseModel):
    """The contents of ``labels.json``: the hand-written sets (catalog-owned names are not here)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    labels_version: str = Field(min_length=1)
    source: str
    sets: dict[LabelKind, dict[str, LabelPair]]
    peer_group_forms: PeerGroupForms


@lru_cache(maxsize=1)
def label_data() -> LabelData:
    """Load (once) and return the shipped label data."""
    text = resources.files("scoring_models").joinpath("data", "labels.json").read_text(encoding="utf-8")
    return LabelData.model_validate(json.loads(text))


def labels_version() -> str:
    """The version of the label data; bump it whenever a label changes."""
    return label_data().labels_version


@cache
def _pairs(kind: LabelKind) -> Mapping[str, LabelPair]:
    """Code → label pair of ``kind``, in catalog order (catalog-owned kinds read from the catalogs)."""
    catalog = indicator_catalog()
    dimensions = {d.code: LabelPair(zh=d.name_zh, en=d.name_en) for d in catalog.dimensions}
    if kind is LabelKind.INDICATORS:
        return {i.code: LabelPair(zh=i.name_zh, en=i.name_en) for i in catalog.indicators}
    if kind is LabelKind.DIMENSIONS:
        return dimensions
    if kind is LabelKind.CHAINS:
        return {c.code: LabelPair(zh=c.name_zh, en=c.name_en) for c in chain_catalog().chains}
    own = label_data().sets.get(kind, {})
    if kind is LabelKind.PILLARS:
        # the national evaluation's five pillars, then the innovation-first models' pillars, which
        # share their codes with the catalog dimensions
        return {**own, **dimensions}
    return own


def labels(kind: LabelKind | str, lang: Lang = "zh") -> dict[str, str]:
    """Every code of ``kind`` with its label in ``lang``, in catalog order.

    For ``peer_groups`` these are the words composite codes are built of; read a whole peer-group
    code with :func:`peer_group_label`. Raises ``ValueError`` for an unknown kind.
    """
    return {code: pair.text(lang) for code, pair in _pairs(LabelKind(kind)).items()}


def label(kind: LabelKind | str, code: str, lang: Lang = "zh", *, default: str | None = None) -> str:
    """The label of ``code`` in ``kind`` for ``lang``; an unknown code gives ``default``, else itself.

    Peer-group codes are read part by part (:func:`peer_group_label`), so every one has a label.
    """
    kind = LabelKind(kind)
    if kind is LabelKind.PEER_GROUPS:
        return peer_group_label(code, lang)
    pair = _pairs(kind).get(code)
    if pair is None:
        return code if default is None else default
    return pair.text(lang)


def province_short_name(code: str, lang: Lang = "zh") -> str:
    """A province's short name (浙江 for 浙江省; the English name is already short); unknown → the code."""
    pair = _pairs(LabelKind.PROVINCES).get(code)
    if pair is None:
        return code
    return (pair.zh_short or pair.zh) if lang == "zh" else pair.en


_CLUSTER = re.compile(r"k(\d+)")
_BAND = re.compile(r"([a-z][a-z0-9_]*?)(\d+|na)")
# categorical peer-group parts are zone metadata values: look them up among these sets
_CATEGORY_KINDS = (LabelKind.LEVELS, LabelKind.KINDS, LabelKind.PROVINCES, LabelKind.CHAINS)


def _feature_label(feature: str, lang: Lang) -> str:
    word = _pairs(LabelKind.PEER_GROUPS).get(feature) or _pairs(LabelKind.INDICATORS).get(feature)
    return feature if word is None else word.text(lang)


def _split_band(part: str) -> tuple[str, str] | None:
    """``(feature, band)`` of a rule-band part, preferring a known feature word as the prefix."""
    for feature in sorted(_pairs(LabelKind.PEER_GROUPS), key=len, reverse=True):
        rest = part[len(feature):]
        if part.startswith(feature) and re.fullmatch(r"\d+|na", rest):
            return feature, rest
    found = _BAND.fullmatch(part)
    return None if found is None else (found.group(1), found.group(2))


def _part_label(part: str, lang: Lang) -> str:
    forms = label_data().peer_group_forms
    for kind in (LabelKind.PEER_GROUPS, *_CATEGORY_KINDS):
        pair = _pairs(kind).get(part)
        if pair is not None:
            return pair.text(lang)
    cluster = _CLUSTER.fullmatch(part)
    if cluster is not None:
        return forms.cluster.text(lang).format(n=cluster.group(1))
    band = _split_band(part)
    if band is None:
        return part
    feature, number = band
    if number == "na":
        return forms.missing.text(lang).format(feature=_feature_label(feature, lang))
    return forms.band.text(lang).format(feature=_feature_label(feature, lang), band=number)


# A pure function of immutable label data; a ranking page reads every row's group, a few distinct ones.
@lru_cache(maxsize=4096)
def peer_group_label(code: str, lang: Lang = "zh") -> str:
    """A peer-group code read as words, e.g. ``revenue1-platforms0`` → ``营收1档·国家级研发平台0档``.

    Each ``-``-separated part is read on its own: a known word (``all``, a level, province, chain
    …), a k-means cluster ``k<n>``, or a rule band ``<label><band>`` / ``<label>na``; a part that is
    none of these is kept as it is (so an unknown code comes back unchanged). Groups merged for
    size join their codes with ``~``; each is read and they are joined with ``＋`` (`` + ``).
    """
    if not code:
        return code
    forms = label_data().peer_group_forms
    separator, merged = forms.separator.text(lang), forms.merged.text(lang)
    return merged.join(
        separator.join(_part_label(part, lang) for part in group.split("-")) for group in code.split("~")
    )
