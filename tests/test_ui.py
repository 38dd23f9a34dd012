"""The /ui pages: rendered server-side, with inline SVG charts, escaped text and no external assets."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.ui import charts

_EXTERNAL = re.compile(r"""(?:src|href|url\()\s*=?\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def _evaluate(client: TestClient, year: int = 2024, model: str = "innovation-peak") -> dict[str, Any]:
    response = client.post("/api/v1/evaluations",
                           json={"model": model, "year": year, "options": {"seed": 5, "uncertainty_runs": 100}})
    assert response.status_code == 201, response.text
    run: dict[str, Any] = response.json()
    return run


def _page(client: TestClient, path: str, **params: Any) -> str:
    response = client.get(path, params=params)
    assert response.status_code == 200, (path, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "http://" not in html and "https://" not in html, f"{path} must not reference any absolute URL"
    assert not _EXTERNAL.search(html), f"{path} loads an external asset"
    assert "<script" not in html, "pages need no JavaScript"
    return html


def test_index_lists_latest_runs_per_model(demo_client: TestClient) -> None:
    empty = _page(demo_client, "/ui")
    assert "尚无评价运行" in empty and "/ui/models/innovation-peak" in empty
    run = _evaluate(demo_client)
    html = _page(demo_client, "/ui")
    assert f'href="/ui/evaluations/{run["id"]}"' in html and "创新高峰分类评价" in html
    badges = re.findall(r'<span class="tier tier-(\w+)">', html)
    assert badges == ["peak", "strong", "moderate", "emerging"], "tiers from the best down"
    assert html.index("innovation-peak") < html.index("(comprehensive)"), "models with runs come first"
    english = _page(demo_client, "/ui", lang="en")
    assert "Latest runs per model" in english and f'href="/ui/evaluations/{run["id"]}?lang=en"' in english


def test_ranking_page_with_filters_and_tier_chart(demo_client: TestClient) -> None:
    run = _evaluate(demo_client)
    html = _page(demo_client, f"/ui/evaluations/{run['id']}")
    assert '<svg class="chart bar-chart tier-chart"' in html and html.count('class="bar"') == 4
    assert "创新高峰" in html and "示例高新区-" in html
    assert '<form class="filters" method="get"' in html and 'name="province"' in html and 'name="peer_group"' in html
    zj = _page(demo_client, f"/ui/evaluations/{run['id']}", province="33")
    rows = re.findall(r'href="/ui/evaluations/\d+/zones/([^"?]+)"', zj)
    assert rows and all(code.startswith("DEMO-33-") for code in rows)
    assert '<option value="33" selected>浙江省</option>' in zj
    peak = _page(demo_client, f"/ui/evaluations/{run['id']}", tier="peak", lang="en")
    assert "Innovation peak" in peak and "Strong innovator</span>" not in peak
    assert f"/api/v1/evaluations/{run['id']}/rankings?format=csv&amp;tier=peak&amp;lang=en" in peak
    assert demo_client.get("/ui/evaluations/99999").status_code == 404


def test_zone_page_has_every_chart_and_words(demo_client: TestClient) -> None:
    _evaluate(demo_client, year=2023)
    run = _evaluate(demo_client, year=2024)
    code = demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings").json()["items"][3]["zone_code"]
    html = _page(demo_client, f"/ui/evaluations/{run['id']}/zones/{code}")
    for css in ("radar-chart", "contribution-chart", "interval-plot", "line-chart"):
        assert f'class="chart {css}' in html or f'class="chart bar-chart {css}' in html, css
    assert '<polygon class="radar-zone"' in html and '<polygon class="radar-reference"' in html
    assert html.count('<line class="interval"') >= 5
    assert '<path class="line"' in html, "two years of runs give a trend line"
    assert "同一模型其他年度的评价结果" in html
    assert "优势" in html and "短板" in html and "同类组中位数" in html
    english = _page(demo_client, f"/ui/evaluations/{run['id']}/zones/{code}", lang="en")
    assert "peer-group median" in english and "Strengths and weaknesses" in english
    missing = demo_client.get(f"/ui/evaluations/{run['id']}/zones/NOPE", params={"lang": "en"})
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "404 · Not found" in missing.text and "zone &#39;NOPE&#39; is not part of evaluation run" in missing.text
    zh = demo_client.get("/ui/evaluations/99999")
    assert zh.status_code == 404 and "未找到" in zh.text and 'href="/ui"' in zh.text


def test_zone_trend_falls_back_to_indicator_values(demo_client: TestClient) -> None:
    run = _evaluate(demo_client, model="innovation-strength")
    code = demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings").json()["items"][0]["zone_code"]
    html = _page(demo_client, f"/ui/evaluations/{run['id']}/zones/{code}")
    assert "贡献最大的指标原始值变化" in html and "指数（首年 = 100）" in html
    assert '<path class="line"' in html


def test_zone_names_are_escaped(demo_client: TestClient) -> None:
    response = demo_client.patch("/api/v1/zones/DEMO-33-N01", json={"name_zh": "<script>alert(1)</script>园区"})
    assert response.status_code == 200, response.text
    run = _evaluate(demo_client)
    for path in (f"/ui/evaluations/{run['id']}?province=33", f"/ui/evaluations/{run['id']}/zones/DEMO-33-N01"):
        html = _page(demo_client, path)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;园区" in html


def test_model_page(demo_client: TestClient) -> None:
    html = _page(demo_client, "/ui/models/innovation-peak")
    assert "创新高峰分类评价" in html and "R&amp;D经费投入强度" in html
    assert '<svg class="chart bar-chart pillar-chart"' in html
    assert "&gt; 125" in html and "70–100" in html and "minmax" in html
    english = _page(demo_client, "/ui/models/comprehensive", lang="en")
    assert "Methods and thresholds" in english and "Nominal weight" in english
    assert demo_client.get("/ui/models/nope").status_code == 404


def test_chart_helpers_escape_and_scale() -> None:
    svg = charts.bar_chart([charts.Bar("<b>&", 10), charts.Bar("负", -5)], title='t"x')
    assert "<b>&" not in svg and "&lt;b&gt;&amp;" in svg and 'aria-label="t&#34;x"' in svg
    radar = charts.radar_chart([("a", 100.0), ("b", 50.0), ("c", None)], title="r")
    points = re.search(r'class="radar-zone" points="([^"]+)"', radar)
    assert points is not None and len(points.group(1).split()) == 3
    line = charts.line_chart([charts.Series("s", [(2022, 1.0), (2023, None), (2024, 3.0)])], title="l")
    assert line.count('<circle class="point"') == 2 and '<path class="line"' not in line, "a gap splits the line"
    ranks = charts.line_chart([charts.Series("r", [(2023, 3.0), (2024, 3.0)])], title="r", invert=True, integer=True)
    labels = re.findall(r'fill="#555">([^<]+)</text>', ranks)
    assert labels == ["2", "3", "4"], "whole-number rank ticks, each once"
    plot = charts.interval_plot([charts.Interval("z", 3, 2.0, 3.0, 5.0, highlight=True)], field_size=10, title="i",
                                axis_label="rank")
    assert '<line class="interval"' in plot and '<circle class="median"' in plot


def test_trend_scales_keep_small_changes_small() -> None:
    value_range = charts.value_range
    # a 0.4-point change of a 0–100 composite is drawn on 20 points, ending on multiples of 5
    assert value_range([69.9, 70.3], min_span=20, floor=0) == (60.0, 80.0)
    # near the floor of the scale the axis starts at the floor (rank 1, composite 0)
    assert value_range([3, 3], min_span=30, floor=1) == (1, 31)
    assert value_range([1.0, 2.0], min_span=20, floor=0) == (0, 20)
    # a wide spread keeps its own range, with a margin of 8% on each side
    low, high = value_range([10.0, 80.0], min_span=20, floor=0)
    assert (low, high) == pytest.approx((10 - 5.6, 80 + 5.6))
