"""Language choice (Accept-Language, ?lang=), label sets, and the localized indicator catalog."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.i18n import LabelSet, Language, label, labels_for, localized, parse_accept_language, resolve_language
from scoring_models.catalog import indicator_catalog


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, Language.ZH_CN),
        ("", Language.ZH_CN),
        ("en", Language.EN),
        ("en-US", Language.EN),
        ("EN-gb", Language.EN),
        ("zh", Language.ZH_CN),
        ("zh-CN,zh;q=0.9", Language.ZH_CN),
        ("zh-TW", Language.ZH_CN),
        ("fr-FR, de;q=0.8", Language.ZH_CN),
        ("*", Language.ZH_CN),
        ("fr-FR,en;q=0.5", Language.EN),
        ("zh;q=0.4, en-US;q=0.8", Language.EN),
        ("en;q=0.4, zh-CN;q=0.8", Language.ZH_CN),
        ("en;q=0, zh;q=0.1", Language.ZH_CN),
        ("en;q=0", Language.ZH_CN),
        ("en;q=abc, zh;q=0.2", Language.ZH_CN),
        ("en-US,en;q=0.9,zh-CN;q=0.8", Language.EN),
        (" ; , en ", Language.EN),
    ],
)
def test_accept_language_parsing(header: str | None, expected: Language) -> None:
    assert parse_accept_language(header) is expected


def test_query_parameter_wins_unless_unknown() -> None:
    assert resolve_language("en", "zh-CN") is Language.EN
    assert resolve_language("zh-CN", "en") is Language.ZH_CN
    assert resolve_language("fr", "en") is Language.EN
    assert resolve_language(None, None) is Language.ZH_CN


def test_labels_follow_the_domain_brief_and_catalog() -> None:
    tiers = labels_for(Language.ZH_CN)[LabelSet.TIERS]
    assert {code: tiers[code] for code in ("peak", "strong", "moderate", "emerging")} == {
        "peak": "创新高峰", "strong": "创新强劲", "moderate": "创新追赶", "emerging": "创新培育"}
    # the tier set also names the coupling coordination grades and the DEA efficiency tiers
    assert tiers["quality_coordination"] == "优质协调" and tiers["dea_efficient"] == "DEA有效"
    assert labels_for(Language.ZH_CN)[LabelSet.PROFILES] == {
        "peak": "创新高峰型", "plateau": "产业高原型", "growth": "创新成长型", "foundation": "基础培育型"}
    assert labels_for(Language.ZH_CN)[LabelSet.BADGES] == {
        "gazelle": "瞪羚园区", "hidden_champion": "隐形冠军园区", "single_champion": "单项冠军园区"}
    assert label(LabelSet.LEVELS, "national", Language.ZH_CN) == "国家级"
    assert label(LabelSet.PROVINCES, "33", Language.EN) == "Zhejiang"
    assert label(LabelSet.PILLARS, "quality_sustainability", Language.ZH_CN) == "综合质效和持续创新力"
    assert label(LabelSet.TIERS, "unknown", Language.EN) == "unknown"
    assert label(LabelSet.TIERS, "unknown", Language.EN, default="—") == "—"
    assert label(LabelSet.PEER_GROUPS, "revenue1-platforms0", Language.EN) == (
        "Revenue band 1 · National R&D platforms band 0")
    for lang in Language:
        sets = labels_for(lang)
        assert set(sets) == set(LabelSet)
        assert len(sets[LabelSet.INDICATORS]) == len(indicator_catalog().indicators)
        assert len(sets[LabelSet.PROVINCES]) == 31
        assert all(v for values in sets.values() for v in values.values())
    assert localized("示例高新区-浙江01", None, Language.EN) == "示例高新区-浙江01"
    assert localized("示例高新区-浙江01", "Demo Zone", Language.EN) == "Demo Zone"


def test_labels_endpoint_by_header_and_query(client: TestClient) -> None:
    zh = client.get("/api/v1/labels")
    assert zh.status_code == 200 and zh.headers["content-language"] == "zh-CN"
    assert zh.json()["labels"]["badges"]["gazelle"] == "瞪羚园区"
    en = client.get("/api/v1/labels", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert en.json()["lang"] == "en" and en.json()["labels"]["tiers"]["peak"] == "Innovation peak"
    forced = client.get("/api/v1/labels", params={"lang": "zh-CN"}, headers={"Accept-Language": "en"})
    assert forced.json()["labels"]["profiles"]["plateau"] == "产业高原型"
    assert set(zh.json()["labels"]) == {s.value for s in LabelSet}
    assert zh.json()["labels"]["subgroups"] == {"+": "上段", "": "中段", "-": "下段"}
    assert en.json()["labels"]["peer_groups"]["revenue"] == "Revenue"
    assert zh.json()["labels"]["risk_flags"] == {"low_tech_drift": "低新化风险"}
    assert "accept-language" in zh.headers["vary"].lower()
    assert zh.headers["etag"] != en.headers["etag"]
    again = client.get("/api/v1/labels", headers={"If-None-Match": zh.headers["etag"]})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == zh.headers["etag"]


def test_indicators_have_a_name_in_the_chosen_language(client: TestClient) -> None:
    zh = client.get("/api/v1/indicators").json()["items"][0]
    assert zh["code"] == "rd_intensity" and zh["name"] == zh["name_zh"] == "R&D经费投入强度"
    en = client.get("/api/v1/indicators", headers={"Accept-Language": "en-US"}).json()["items"][0]
    assert en["name"] == en["name_en"] == "R&D intensity" and en["name_zh"] == "R&D经费投入强度"
    one = client.get("/api/v1/indicators/rd_intensity", params={"lang": "en"})
    assert one.json()["name"] == "R&D intensity" and one.headers["content-language"] == "en"
    assert client.get("/api/v1/indicators/nope").status_code == 404
