"""The panel pages' SVG charts: a transition matrix as a heat map, and a zone's trajectory with tier bands.

Built like :mod:`app.ui.charts` (inline SVG, every text escaped, numbers formatted by Python) and with its
helpers, so the pages still load nothing from elsewhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from app.schemas.panel import ZoneTrajectory
from app.ui.charts import PALETTE, TIER_COLOURS, _f, _fit, _svg, _text_width


@dataclass(frozen=True)
class HeatCell:
    """One cell of a transition matrix: its count, row probability, the tooltip and the link to its zones."""

    count: int
    probability: float | None
    title: str
    href: str | None


def _shade(probability: float | None) -> str:
    """White (0) to the accent blue (1), through the row probability."""
    p = 0.0 if probability is None else max(0.0, min(1.0, probability))
    r, g, b = (round(255 - (255 - c) * p) for c in (31, 111, 235))
    return f"rgb({r},{g},{b})"


def heat_map(rows: Sequence[str], columns: Sequence[str], cells: Sequence[Sequence[HeatCell]], *, title: str,
             row_caption: str, column_caption: str, css_class: str = "heat-map", cell_size: int = 64) -> Markup:
    """A square transition matrix: rows the first year's states, columns the second's, each cell shaded by
    its row probability with its count written in it and linked to the list of its zones."""
    label_width = min(max((_text_width(r, 12) for r in rows), default=40) + 16, 200)
    top = 52.0
    left = label_width
    width = left + cell_size * len(columns) + 56
    height = top + cell_size * len(rows) + 28
    body = [f'<text x="{_f(left + cell_size * len(columns) / 2)}" y="14" text-anchor="middle" fill="#555">'
            f"{escape(column_caption)}</text>",
            f'<text x="4" y="{_f(top - 8)}" fill="#555">{escape(_fit(row_caption, label_width - 8))}</text>']
    for j, name in enumerate(columns):
        x = left + cell_size * (j + 0.5)
        body.append(f'<text x="{_f(x)}" y="{_f(top - 8)}" text-anchor="middle">{escape(_fit(name, cell_size - 2))}'
                    f"<title>{escape(name)}</title></text>")
    for i, name in enumerate(rows):
        y = top + cell_size * i
        body.append(f'<text x="{_f(left - 6)}" y="{_f(y + cell_size / 2 + 4)}" text-anchor="end">'
                    f"{escape(_fit(name, label_width - 10))}</text>")
        total = sum(c.count for c in cells[i])
        body.append(f'<text x="{_f(left + cell_size * len(columns) + 8)}" y="{_f(y + cell_size / 2 + 4)}" '
                    f'fill="#555">{total}</text>')
        for j, cell in enumerate(cells[i]):
            body.append(_heat_cell(cell, left + cell_size * j, y, cell_size, diagonal=i == j))
    return _svg(width, height, body, label=title, css_class=css_class)


def _heat_cell(cell: HeatCell, x: float, y: float, size: int, *, diagonal: bool) -> str:
    dark = cell.probability is not None and cell.probability > 0.55
    stroke = ' stroke="#13294b" stroke-width="2"' if diagonal else ' stroke="#fff" stroke-width="1"'
    share = "" if cell.probability is None else f'<tspan x="{_f(x + size / 2)}" dy="14" font-size="10">' \
        f"{cell.probability:.0%}</tspan>"
    inner = (f'<rect class="heat-cell" x="{_f(x)}" y="{_f(y)}" width="{size}" height="{size}" '
             f'fill="{_shade(cell.probability)}"{stroke}><title>{escape(cell.title)}</title></rect>'
             f'<text x="{_f(x + size / 2)}" y="{_f(y + size / 2)}" text-anchor="middle" '
             f'fill="{"#fff" if dark else "#1d2330"}" font-weight="bold">{cell.count}{share}</text>')
    if cell.href and cell.count:
        return f'<a class="heat-link" href="{escape(cell.href)}">{inner}</a>'
    return inner


@dataclass(frozen=True)
class Band:
    """A tier band in composite points (None: open at that side)."""

    tier: str
    label: str
    lower: float | None
    upper: float | None


def _y_range(values: Sequence[float], bands: Sequence[Band]) -> tuple[float, float]:
    edges = [e for b in bands for e in (b.lower, b.upper) if e is not None]
    lo, hi = min([*values, *edges]), max([*values, *edges])
    pad = (hi - lo) * 0.08 or 1.0
    return max(0.0, lo - pad) if lo >= 0 else lo - pad, hi + pad


def trajectory_chart(points: Sequence[tuple[int, float | None]], bands: Sequence[Band], *, title: str,
                     y_label: str, trend: tuple[float, float, int] | None = None, width: int = 680,
                     height: int = 320) -> Markup:
    """The zone's composite per year on the panel's common scale over its peer group's tier bands, with the
    Theil–Sen line ``trend = (slope, intercept, base year)`` dashed."""
    left, right, top, bottom = 56.0, 130.0, 24.0, 40.0
    xs = [x for x, _ in points]
    ys = [y for _, y in points if y is not None]
    if not xs or not ys:
        return _svg(width, 40, [f'<text x="10" y="24">{escape(title)}: –</text>'], label=title,
                    css_class="trajectory-chart")
    lo, hi = _y_range(ys, bands)

    def px(x: float) -> float:
        return left + (width - left - right) * ((x - xs[0]) / max(xs[-1] - xs[0], 1))

    def py(y: float) -> float:
        return top + (height - top - bottom) * (1 - (min(max(y, lo), hi) - lo) / (hi - lo))

    body = [_band(b, py(b.upper if b.upper is not None else hi), py(b.lower if b.lower is not None else lo),
                  left, width - right) for b in bands]
    for k in range(5):
        value = lo + (hi - lo) * k / 4
        body.append(f'<text x="{_f(left - 6)}" y="{_f(py(value) + 4)}" text-anchor="end" fill="#555">'
                    f"{_f(value)}</text>")
    body += [f'<text x="{_f(px(x))}" y="{_f(height - bottom + 16)}" text-anchor="middle">{x}</text>' for x in xs]
    body.append(f'<text x="8" y="{_f(top - 10)}" fill="#555">{escape(y_label)}</text>')
    if trend is not None and all(math.isfinite(v) for v in trend[:2]):
        slope, intercept, base = trend
        y0, y1 = intercept + slope * (xs[0] - base), intercept + slope * (xs[-1] - base)
        body.append(f'<line class="trend-line" x1="{_f(px(xs[0]))}" y1="{_f(py(y0))}" x2="{_f(px(xs[-1]))}" '
                    f'y2="{_f(py(y1))}" stroke="#13294b" stroke-width="1.5" stroke-dasharray="6 4"/>')
    present = [(x, y) for x, y in points if y is not None]
    if len(present) > 1:
        d = "M" + " L".join(f"{_f(px(x))},{_f(py(y))}" for x, y in present)
        body.append(f'<path class="line" d="{d}" fill="none" stroke="{PALETTE[0]}" stroke-width="2.5"/>')
    body += [f'<circle class="point" cx="{_f(px(x))}" cy="{_f(py(y))}" r="4" fill="{PALETTE[0]}">'
             f"<title>{x}: {_f(y)}</title></circle>" for x, y in present]
    return _svg(width, height, body, label=title, css_class="trajectory-chart")


def _band(band: Band, y_top: float, y_bottom: float, x0: float, x1: float) -> str:
    colour = TIER_COLOURS.get(band.tier, PALETTE[5])
    return (f'<rect class="tier-band" x="{_f(x0)}" y="{_f(y_top)}" width="{_f(x1 - x0)}" '
            f'height="{_f(max(y_bottom - y_top, 0.0))}" fill="{colour}" fill-opacity="0.12"><title>'
            f"{escape(band.label)}</title></rect>"
            f'<text x="{_f(x1 + 6)}" y="{_f((y_top + y_bottom) / 2 + 4)}" fill="{colour}">{escape(band.label)}</text>')


def zone_trajectory_chart(found: ZoneTrajectory, base_year: int, *, tier_label: Callable[[str], str], title: str,
                          y_label: str) -> Markup:
    """:func:`trajectory_chart` of a stored zone trajectory: its years, its peer group's bands, its trend."""
    bands = [Band(b.tier, tier_label(b.tier), b.lower, b.upper) for b in found.bands]
    t = found.trajectory
    trend = (t.slope, t.intercept, base_year) if t.slope is not None and t.intercept is not None else None
    return trajectory_chart([(p.year, p.composite) for p in found.points], bands, title=title, y_label=y_label,
                            trend=trend)
