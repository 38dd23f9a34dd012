"""The /ui pages: rendered server-side, with inline SVG charts, escaped text and no external assets."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from app.ui import charts, panel_charts

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
    assert '<path class="line"' in html, "two years of runs give a rank line"
    assert "综合得分不能跨年比较" in html and "trajectory-chart" not in html, "composites of runs do not compare"
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


def _make_panel(client: TestClient, **body: Any) -> dict[str, Any]:
    request = {"model": "innovation-peak", "years": [2020, 2024], "options": {"seed": 2, "uncertainty_runs": 100}}
    response = client.post("/api/v1/panels", json={**request, **body})
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


def test_panel_pages_heat_maps_trajectory_and_the_scorecard_on_the_common_scale(demo_client: TestClient) -> None:
    panel = _make_panel(demo_client)
    pid = panel["id"]
    assert f'href="/ui/panels/{pid}"' in _page(demo_client, "/ui")
    html = _page(demo_client, f"/ui/panels/{pid}")
    for css in ("heat-map tiers-heat-map", "heat-map profiles-heat-map"):
        assert f'<svg class="chart {css}"' in html, css
    assert html.count('<rect class="heat-cell"') == 32 and "2020 → 2024" in html
    anchors = set(re.findall(r'<a class="heat-link" href="#((?:tiers|profiles)-\d-\d)"', html))
    assert anchors and all(f'id="{a}"' in html for a in anchors), "every linked cell lists its zones"
    assert f'href="/ui/panels/{pid}/zones/DEMO-' in html and "高原突破" in html and "梯队回落" in html
    assert "基准年" in html and '<select name="from_year">' in html
    moved = _page(demo_client, f"/ui/panels/{pid}", from_year=2022, to_year=2023, lang="en")
    assert "2022 → 2023" in moved and "Tier transitions" in moved and "Breakthrough" in moved
    assert demo_client.get(f"/ui/panels/{pid}", params={"from_year": 2019}).status_code == 422
    assert demo_client.get("/ui/panels/999").status_code == 404
    code = demo_client.get(f"/api/v1/panels/{pid}/transitions").json()["moves"]["fallen_back"][0]
    zone = _page(demo_client, f"/ui/panels/{pid}/zones/{code}")
    assert '<svg class="chart trajectory-chart"' in zone and zone.count('<rect class="tier-band"') == 4
    assert '<line class="trend-line"' in zone and zone.count('<circle class="point"') == 5
    base_row = zone.split("<tbody>")[1].split("</tr>")[0]
    assert "梯队回落" in zone and "较2020年" not in base_row, "a net fall shows in some year; the base year has no move"
    assert re.search(r"(稳步上升|基本持平|持续下滑)", zone)
    run = _evaluate(demo_client, year=2024)
    card = _page(demo_client, f"/ui/evaluations/{run['id']}/zones/{code}")
    assert '<svg class="chart trajectory-chart"' in card and f'href="/ui/panels/{pid}/zones/{code}"' in card
    assert f"面板评价 #{pid}（2020–2024）" in card


def test_panel_chart_helpers_escape_and_draw_bands() -> None:
    cell = panel_charts.HeatCell(3, 0.75, "<a> → b", "#x-0-0")
    svg = panel_charts.heat_map(["<a>"], ["b"], [[cell]], title="t", row_caption="2020", column_caption="2024")
    assert "<a>" not in svg.replace('<a class="heat-link"', "") and "&lt;a&gt;" in svg
    assert 'fill="rgb(87,147,240)"' in svg, "shade at 75% of the way to the accent blue"
    bands = [panel_charts.Band("peak", "P", 50.0, None), panel_charts.Band("emerging", "E", None, 28.0)]
    chart = panel_charts.trajectory_chart([(2020, 30.0), (2021, None), (2022, 45.0)], bands, title="c",
                                          y_label="y", trend=(7.5, 30.0, 2020))
    assert chart.count('<rect class="tier-band"') == 2 and chart.count('<circle class="point"') == 2
    assert '<line class="trend-line"' in chart
