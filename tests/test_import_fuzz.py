"""Property: whatever bytes are posted as an import file, the answer is a success or a 4xx problem — never a 5xx."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_zone

Z = "TEST-33-N01"
NAMES = st.sampled_from(["data.csv", "data.xlsx", "data.xls", "data", "数据.CSV", "../../etc/passwd", ""])
TYPES = st.sampled_from(["text/csv", "application/octet-stream", "application/vnd.ms-excel", "text/plain",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"])
# Cells that look almost right: real codes, NUL and control characters, huge and odd numbers.
CELL = st.one_of(st.sampled_from([Z, "rd_intensity", "hte_count", "2023", "1e308", "-0", "NaN", "\x00", "",
                                  "园区代码", "年份", '"', "1,000", "\ufeff"]), st.text(max_size=12))
HEADERS = st.lists(st.sampled_from(["zone_code", "year", "indicator_code", "value", "rd_intensity", "hte_count",
                                    "园区代码", "年份", "指标代码", "数值", ""]), min_size=1, max_size=6)


@st.composite
def csv_like(draw: st.DrawFn) -> bytes:
    header = draw(HEADERS)
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=len(header) + 1), max_size=6))
    text = "\n".join(",".join(r) for r in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    return text.encode(encoding, errors="replace")


FILES = st.one_of(st.binary(max_size=2048), csv_like(),
                  # a zip-like start sends the parser down the XLSX path
                  st.binary(max_size=512).map(lambda b: b"PK\x03\x04" + b))


def _check(response: Any, *, imported: bool = True) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
    else:
        assert response.status_code == 200
        assert not imported or response.json()["received"] >= 0


def test_any_file_gives_a_4xx_or_a_success(client: TestClient) -> None:
    make_zone(client, Z)

    @given(data=FILES, name=NAMES, content_type=TYPES)
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def post(data: bytes, name: str, content_type: str) -> None:
        _check(client.post("/api/v1/imports", files={"file": (name, data, content_type)}))

    post()


def test_nul_characters_are_a_client_error(client: TestClient) -> None:
    # PostgreSQL cannot even compare a text holding NUL; found by the schema fuzzing (was a 500).
    make_zone(client, Z)
    _check(client.post("/api/v1/imports", files={"file": ("d.csv", b"zone_code,year,rd_intensity\nA\x00B,2023,1\n",
                                                          "text/csv")}))
    _check(client.post("/api/v1/observations", json={"observations": [
        {"zone_code": "A\x00", "indicator_code": "rd_intensity", "year": 2023, "value": 1}]}))
    for path in ("/api/v1/observations?zone=%00", "/api/v1/zones/A%00B", "/api/v1/chain-breakdowns?chain=%00",
                 "/api/v1/observations/history?zone=%00&indicator=x&year=2020", "/api/v1/indicators/%00"):
        _check(client.get(path), imported=False)
