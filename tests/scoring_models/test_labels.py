"""The zh/en label catalog: complete for what the built-in models emit, one definition, readable peer groups."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import numpy as np
import pytest

from scoring_models.base import ScoringModel
from scoring_models.catalog import chain_catalog, indicator_catalog
from scoring_models.labels import (
    LabelKind,
    label,
    label_data,
    labels,
    labels_version,
    peer_group_label,
    province_short_name,
)
from scoring_models.panel import MOVES, Trend
from scoring_models.registry import load_registry
from scoring_models.spec import PeerGroupSpec
from scoring_models.steps import badges, peer_groups, tiers

GOLDEN = Path(__file__).parents[1] / "golden" / "builtin_results.json"

# GB/T 2260: the 31 provincial-level regions of mainland China
GB_T_2260 = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
}


def _builtin_models() -> list[ScoringModel]:
    return list(load_registry(plugins=False).models())


def test_every_code_the_builtin_models_emit_has_both_labels() -> None:
    models = _builtin_models()
    assert len({m.key for m in models}) == 6  # and the superseded versions runs still name
    tier_codes = {t.code for m in models for t in m.tier_scheme.tiers}
    emitted = {
        LabelKind.TIERS: tier_codes,
        LabelKind.SUBGROUPS: {"+", "", "-"},
        LabelKind.PROFILES: set(tiers.PROFILE_CODES),
        LabelKind.BADGES: {badges.GAZELLE, badges.HIDDEN_CHAMPION, badges.SINGLE_CHAMPION},
        LabelKind.RISK_FLAGS: {"low_tech_drift"},
        LabelKind.TRENDS: set(get_args(Trend)),
        LabelKind.MOVES: set(MOVES),
    }
    for kind, codes in emitted.items():
        for lang in ("zh", "en"):
            assert set(labels(kind, lang)) == codes, (kind, lang)
            assert all(label(kind, c, lang) != c or c == "" for c in codes)
    assert labels(LabelKind.TIERS) == {"peak": "创新高峰", "strong": "创新强劲", "moderate": "创新追赶",
                                       "emerging": "创新培育"}
    assert labels(LabelKind.PROFILES, "en")["plateau"] == "Industrial plateau"


def test_builtin_tier_names_are_the_catalogs() -> None:
    for model in _builtin_models():
        for tier in model.tier_scheme.tiers:
            assert (tier.name_zh, tier.name_en) == (label("tiers", tier.code), label("tiers", tier.code, "en"))


def test_provinces_are_exactly_the_31_gb_t_2260_regions() -> None:
    assert set(labels(LabelKind.PROVINCES)) == GB_T_2260
    assert label(LabelKind.PROVINCES, "33") == "浙江省" and label(LabelKind.PROVINCES, "33", "en") == "Zhejiang"
    for code, name in labels(LabelKind.PROVINCES).items():
        short = province_short_name(code)
        assert name.startswith(short) and len(short) < len(name), code
        assert province_short_name(code, "en") == label(LabelKind.PROVINCES, code, "en")
    assert province_short_name("65") == "新疆" and province_short_name("99") == "99"


def test_no_label_is_empty_and_every_set_has_both_languages() -> None:
    assert labels_version()
    for kind in LabelKind:
        zh, en = labels(kind, "zh"), labels(kind, "en")
        assert zh and list(zh) == list(en), kind
        assert all(v.strip() for v in [*zh.values(), *en.values()]), kind


def test_catalog_owned_names_are_read_from_the_catalogs() -> None:
    catalog = indicator_catalog()
    assert labels(LabelKind.INDICATORS) == {i.code: i.name_zh for i in catalog.indicators}
    assert labels(LabelKind.INDICATORS, "en") == {i.code: i.name_en for i in catalog.indicators}
    assert labels(LabelKind.DIMENSIONS, "en") == {d.code: d.name_en for d in catalog.dimensions}
    assert labels(LabelKind.CHAINS) == {c.code: c.name_zh for c in chain_catalog().chains}
    # pillars: the national evaluation's five, then the catalog dimensions
    pillars = labels(LabelKind.PILLARS)
    assert list(pillars)[:5] == ["innovation_entrepreneurship", "structure_value_chain", "green_liveable",
                                 "open_competitiveness", "quality_sustainability"]
    assert {k: v for k, v in pillars.items() if k in labels(LabelKind.DIMENSIONS)} == labels(LabelKind.DIMENSIONS)
    # the data file holds none of the catalog-owned sets
    assert not {LabelKind.INDICATORS, LabelKind.DIMENSIONS, LabelKind.CHAINS} & set(label_data().sets)


def test_unknown_codes_and_kinds() -> None:
    assert label(LabelKind.TIERS, "nope", "en") == "nope"
    assert label(LabelKind.TIERS, "nope", default="—") == "—"
    assert label("badges", "gazelle", "en") == "Gazelle zone"
    with pytest.raises(ValueError):
        labels("nope")


def _all_peer_group_forms() -> list[str]:
    """Codes made by the grouping functions themselves: bands (with a missing band), clusters, categories."""
    rules = PeerGroupSpec().rules
    nan = np.nan
    feats = np.array([[50.0, 1.0], [1500.0, 30.0], [20000.0, 7.0], [nan, nan]])
    bands = peer_groups.rule_bands(feats, [r.thresholds for r in rules], [r.label for r in rules])
    clusters = peer_groups.kmeans_groups(np.array([[1.0], [2.0], [100.0], [110.0], [5000.0]]), 3)
    categories = peer_groups.categorical_groups(["national", "provincial", "na", "national"])
    provinces = peer_groups.categorical_groups(["33", "44", "33", "11", "44"])
    chains = peer_groups.categorical_groups(["integrated_circuits", "biomedicine", "na", "biomedicine"])
    codes = [*bands.codes, *clusters.codes, *peer_groups.single_group(2).codes]
    codes += peer_groups.cross(categories, bands).codes + peer_groups.cross(provinces, clusters).codes
    codes += peer_groups.cross(chains, peer_groups.single_group(4)).codes
    codes += peer_groups.merge_small(peer_groups.cross(categories, bands), 2).codes
    return codes


def test_every_peer_group_form_reads_as_words() -> None:
    codes = _all_peer_group_forms()
    golden = {z["peer_group"] for run in json.loads(GOLDEN.read_text()).values() for z in run["zones"].values()}
    assert {"revenuena-platformsna", "k0", "k2", "all", "national-revenue0-platforms0", "33-k1"} <= set(codes)
    for code in sorted({*codes, *golden}):
        zh, en = peer_group_label(code), peer_group_label(code, "en")
        # no code word survives in Chinese; English has no code fragments such as "revenue1" or "na"
        assert not any("a" <= ch.lower() <= "z" for ch in zh.replace("R&D", "")), (code, zh)
        assert "na" not in en.split() and "revenue" not in en and "_" not in en, (code, en)
        assert label(LabelKind.PEER_GROUPS, code, "en") == en


def test_peer_group_labels_by_hand() -> None:
    assert peer_group_label("revenue1-platforms0") == "营收1档·国家级研发平台0档"
    assert peer_group_label("revenue2-platforms1~revenue2-platforms2") == (
        "营收2档·国家级研发平台1档＋营收2档·国家级研发平台2档"
    )
    assert peer_group_label("k0~k1", "en") == "Cluster 0 + Cluster 1"
    assert peer_group_label("revenuena-platforms2", "en") == "Revenue not reported · National R&D platforms band 2"
    assert peer_group_label("k3", "en") == "Cluster 3" and peer_group_label("all") == "全部园区"
    assert peer_group_label("national-k0") == "国家级·聚类0"
    assert peer_group_label("na-all", "en") == "Not given · All zones"
    assert peer_group_label("integrated_circuits-revenue2-platforms1", "en") == (
        "Integrated circuits · Revenue band 2 · National R&D platforms band 1")
    # a rule labelled by an indicator code reads as the indicator; an unknown label stays as it is
    assert peer_group_label("rd_intensity2", "en") == "R&D intensity band 2"
    assert peer_group_label("size1", "en") == "size band 1"
    assert peer_group_label("whatever") == "whatever" and peer_group_label("") == ""
