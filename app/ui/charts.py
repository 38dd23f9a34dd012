"""Small server-side SVG charts for the portal pages: bars, radar, rank intervals and lines.

The pages must work on offline intranets and without JavaScript, so charts are plain inline SVG built
here rather than by a charting library in the browser. Every text that reaches the SVG (zone names,
labels) goes through :func:`markupsafe.escape`; numbers are formatted by Python. Each function returns
:class:`markupsafe.Markup`, which Jinja2's autoescape inserts as is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

PALETTE = ("#1f6feb", "#d1495b", "#2a9d8f", "#e9a23b", "#6f42c1", "#8a8a8a")
TIER_COLOURS = {"peak": "#b3261e", "strong": "#e07b24", "moderate": "#2a7ab0", "emerging": "#6b8e23"}
FONT = "font-family=\"system-ui, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif\""


def _f(value: float) -> str:
    """A coordinate with at most one decimal (keeps the SVG small and stable for tests)."""
    return f"{value:.1f}".rstrip("0").rstrip(".") if math.isfinite(value) else "0"


def _text_width(text: str, size: float) -> float:
    # Chinese characters are about one em wide, Latin ones about half: enough to reserve label space.
    return sum(size if ord(ch) > 0x2E80 else size * 0.55 for ch in text)


def _fit(text: str, max_width: float, size: float = 12) -> str:
    """``text`` shortened with an ellipsis so it fits ``max_width`` pixels (the full text goes in a title)."""
    if _text_width(text, size) <= max_width:
        return text
    while text and _text_width(text + "…", size) > max_width:
        text = text[:-1]
    return text + "…"


def _svg(width: float, height: float, body: list[str], *, label: str, css_class: str) -> Markup:
    return Markup(
        # No xmlns: inline SVG in HTML needs none, and pages carry no absolute URL at all.
        f'<svg class="chart {escape(css_class)}" role="img" '
        f'aria-label="{escape(label)}" viewBox="0 0 {_f(width)} {_f(height)}" width="{_f(width)}" '
        f'height="{_f(height)}" {FONT} font-size="12">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value, colour and the text shown at its end (default: the value)."""

    label: str
    value: float
    colour: str = PALETTE[0]
    note: str | None = None
    href: str | None = None


def bar_chart(bars: Sequence[Bar], *, title: str, width: int = 620, bar_height: int = 22,
              css_class: str = "bar-chart") -> Markup:
    """A horizontal bar chart; negative values extend left of a zero line."""
    label_width = min(max((_text_width(b.label, 12) for b in bars), default=40) + 12, width * 0.45)
    note_width = 70.0
    top, gap = 8.0, 6.0
    height = top * 2 + len(bars) * (bar_height + gap)
    low = min(0.0, *(b.value for b in bars)) if bars else 0.0
    high = max(0.0, *(b.value for b in bars)) if bars else 1.0
    span = (high - low) or 1.0
    plot = width - label_width - note_width
    zero = label_width + plot * (-low / span)
    body: list[str] = []
    for n, bar in enumerate(bars):
        y = top + n * (bar_height + gap)
        x0 = zero + plot * (min(bar.value, 0.0) / span)
        w = plot * abs(bar.value) / span
        text = escape(_fit(bar.label, label_width - 10))
        if bar.href:
            text = Markup(f'<a href="{escape(bar.href)}">{text}</a>')
        body.append(f'<text x="{_f(label_width - 6)}" y="{_f(y + bar_height * 0.7)}" text-anchor="end">{text}</text>')
        body.append(f'<rect class="bar" x="{_f(x0)}" y="{_f(y)}" width="{_f(max(w, 0.5))}" height="{bar_height}" '
                    f'fill="{escape(bar.colour)}"><title>{escape(bar.label)}: {escape(bar.note or _f(bar.value))}'
                    "</title></rect>")
        body.append(f'<text x="{_f(x0 + w + 4)}" y="{_f(y + bar_height * 0.7)}" fill="#333">'
                    f"{escape(bar.note if bar.note is not None else _f(bar.value))}</text>")
    body.append(f'<line x1="{_f(zero)}" y1="{_f(top - 4)}" x2="{_f(zero)}" y2="{_f(height - top + 4)}" '
                'stroke="#555" stroke-width="1"/>')
    return _svg(width, height, body, label=title, css_class=css_class)


def radar_chart(axes: Sequence[tuple[str, float | None]], *, title: str, reference: Sequence[float | None] = (),
                reference_label: str = "", zone_label: str = "", size: int = 380, max_value: float = 100.0) -> Markup:
    """A radar (spider) chart of pillar scores as an SVG polygon, with an optional reference polygon
    (e.g. the peer-group median). Missing scores are drawn at the centre."""
    n = len(axes)
    # Room for the longest axis name at the sides, so labels are never cut off.
    margin = min(max((_text_width(name, 12) for name, _ in axes), default=40) + 16, 180)
    width, height = size + 2 * margin, size + 56
    cx = width / 2
    cy = size / 2 + 10
    radius = size / 2 - 20
    top = max([max_value, *(v for _, v in axes if v is not None), *(v for v in reference if v is not None)])

    def point(i: int, value: float | None) -> tuple[float, float]:
        share = 0.0 if value is None else max(0.0, value) / (top or 1.0)
        angle = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
        return cx + radius * share * math.cos(angle), cy + radius * share * math.sin(angle)

    body: list[str] = []
    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(i, ring * top) for i in range(n)))
        body.append(f'<polygon class="grid" points="{pts}" fill="none" stroke="#ccc" stroke-width="1"/>')
    for i, (name, value) in enumerate(axes):
        x, y = point(i, top)
        body.append(f'<line x1="{_f(cx)}" y1="{_f(cy)}" x2="{_f(x)}" y2="{_f(y)}" stroke="#ccc"/>')
        lx, ly = point(i, top * 1.12)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        shown = "–" if value is None else _f(value)
        body.append(f'<text x="{_f(lx)}" y="{_f(ly)}" text-anchor="{anchor}">{escape(name)}'
                    f'<tspan x="{_f(lx)}" dy="14" font-weight="bold">{shown}</tspan></text>')
    if reference and n:
        pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(i, v) for i, v in enumerate(reference)))
        body.append(f'<polygon class="radar-reference" points="{pts}" fill="rgba(138,138,138,0.15)" '
                    'stroke="#8a8a8a" stroke-dasharray="4 3" stroke-width="1.5"/>')
    if n:
        pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(i, v) for i, (_, v) in enumerate(axes)))
        body.append(f'<polygon class="radar-zone" points="{pts}" fill="rgba(31,111,235,0.25)" stroke="#1f6feb" '
                    'stroke-width="2"/>')
    legend_y = size + 48
    if zone_label:
        body.append(f'<rect x="10" y="{_f(legend_y - 10)}" width="12" height="12" fill="#1f6feb"/>'
                    f'<text x="28" y="{_f(legend_y)}">{escape(zone_label)}</text>')
    if reference and reference_label:
        x = 40 + _text_width(zone_label, 12)
        body.append(f'<rect x="{_f(x)}" y="{_f(legend_y - 10)}" width="12" height="12" fill="#8a8a8a"/>'
                    f'<text x="{_f(x + 18)}" y="{_f(legend_y)}">{escape(reference_label)}</text>')
    return _svg(width, height, body, label=title, css_class="radar-chart")


@dataclass(frozen=True)
class Interval:
    """A zone's rank with its 5th–95th percentile interval and median across the Monte Carlo runs."""

    label: str
    rank: int
    p5: float | None
    median: float | None
    p95: float | None
    highlight: bool = False
    href: str | None = None


def interval_plot(rows: Sequence[Interval], *, field_size: int, title: str, axis_label: str,
                  width: int = 620) -> Markup:
    """Rank intervals (P5–P95 line, median dot, actual rank cross) of a zone and its neighbours (1 = best,
    on the left). The axis spans the ranks these rows can take, not all ``field_size`` ranks: over a
    field of hundreds, a few neighbours' intervals would otherwise shrink to dots."""
    # Bold (the highlighted zone) is wider than the measure; labels longer than the room are shortened with an
    # ellipsis (the full name is in the link's title), so none starts left of the chart.
    label_width = min(max((_text_width(r.label, 12) * (_BOLD if r.highlight else 1.0) for r in rows), default=40)
                      + 12, width * 0.4)
    row_h, top = 22.0, 10.0
    plot_l, plot_r = label_width, width - 20.0
    height = top + len(rows) * row_h + 40
    n = max(field_size, 1)
    reach = [v for r in rows for v in (r.p5, r.p95, float(r.rank)) if v is not None]
    first = max(1, math.floor(min(reach, default=1.0)) - 2)
    last = min(n, math.ceil(max(reach, default=float(n))) + 2)
    if last - first < 4:
        first, last = max(1, first - 2), min(n, last + 2)

    def x(rank: float) -> float:
        return plot_l + (plot_r - plot_l) * ((rank - first) / max(last - first, 1))

    body: list[str] = []
    for n_row, row in enumerate(rows):
        y = top + n_row * row_h + row_h / 2
        weight = ' class="highlight" font-weight="bold"' if row.highlight else ""
        colour = "#d1495b" if row.highlight else "#1f6feb"
        room = (label_width - 10) / (_BOLD if row.highlight else 1.0)
        text = Markup(f"<title>{escape(row.label)}</title>{escape(_fit(row.label, room))}")
        if row.href:
            text = Markup(f'<a href="{escape(row.href)}">{text}</a>')
        body.append(f'<text x="{_f(label_width - 6)}" y="{_f(y + 4)}" text-anchor="end"{weight}>{text}</text>')
        if row.p5 is not None and row.p95 is not None:
            body.append(f'<line class="interval" x1="{_f(x(row.p5))}" y1="{_f(y)}" x2="{_f(x(row.p95))}" y2="{_f(y)}" '
                        f'stroke="{colour}" stroke-width="3" stroke-linecap="round"><title>P5 {_f(row.p5)} – P95 '
                        f"{_f(row.p95)}</title></line>")
        if row.median is not None:
            body.append(f'<circle class="median" cx="{_f(x(row.median))}" cy="{_f(y)}" r="4.5" fill="#fff" '
                        f'stroke="{colour}" stroke-width="2"/>')
        body.append(f'<path class="rank" d="M{_f(x(row.rank) - 4)},{_f(y - 4)}l8,8m0,-8l-8,8" stroke="#222" '
                    'stroke-width="1.5"/>')
    axis_y = top + len(rows) * row_h + 6
    body.append(f'<line x1="{_f(plot_l)}" y1="{_f(axis_y)}" x2="{_f(plot_r)}" y2="{_f(axis_y)}" stroke="#555"/>')
    step = max(1, _nice_step(last - first + 1))
    inner = [t for t in range(step * math.ceil(first / step), last + 1, step) if min(t - first, last - t) >= step / 2]
    for tick in sorted({first, last, *inner}):
        body.append(f'<line x1="{_f(x(tick))}" y1="{_f(axis_y)}" x2="{_f(x(tick))}" y2="{_f(axis_y + 4)}" '
                    f'stroke="#555"/><text x="{_f(x(tick))}" y="{_f(axis_y + 16)}" text-anchor="middle">{tick}</text>')
    body.append(f'<text x="{_f((plot_l + plot_r) / 2)}" y="{_f(axis_y + 32)}" text-anchor="middle" fill="#555">'
                f"{escape(axis_label)}</text>")
    return _svg(width, height, body, label=title, css_class="interval-plot")


_BOLD = 1.12  # bold text is about this much wider than regular


def _nice_step(n: int) -> int:
    raw = max(n / 6, 1e-9)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for step in (1, 2, 5, 10):
        if raw <= step * magnitude:
            return int(step * magnitude)
    return int(10 * magnitude)


@dataclass(frozen=True)
class Series:
    """One line of a line chart: its name and (x, y) points; y None leaves a gap."""

    name: str
    points: Sequence[tuple[int, float | None]]
    colour: str = PALETTE[0]
    labels: Sequence[str] = field(default_factory=tuple)


def value_range(values: Sequence[float], *, min_span: float = 0.0, floor: float | None = None) -> tuple[float, float]:
    """The y range of a line chart: the values with a margin, at least ``min_span`` wide around them (so a
    small change does not fill the chart; its ends then on multiples of a quarter of it), never below
    ``floor`` when the values are not."""
    lo, hi = min(values), max(values)
    if hi - lo >= min_span:
        if lo == hi:
            lo, hi = lo - 1, hi + 1
        pad = (hi - lo) * 0.08
        return lo - pad, hi + pad
    quarter = min_span / 4
    start = math.floor(((lo + hi) / 2 - min_span / 2) / quarter) * quarter
    if floor is not None and start < floor <= lo:
        start = floor
    end = max(start + min_span, math.ceil(hi / quarter) * quarter)
    return start, end


def line_chart(series: Sequence[Series], *, title: str, y_label: str = "", invert: bool = False,
               integer: bool = False, min_span: float = 0.0, floor: float | None = None, width: int = 620,
               height: int = 260, css_class: str = "line-chart") -> Markup:
    """A line chart over integer x values (years); ``invert`` puts small values on top and ``integer``
    labels the y axis with whole numbers only (both for ranks); the y axis spans at least ``min_span``
    (:func:`value_range`)."""
    left, right, top, bottom = 56.0, 20.0, 30.0, 60.0
    xs = sorted({x for s in series for x, _ in s.points})
    ys = [y for s in series for _, y in s.points if y is not None]
    if not xs or not ys:
        return _svg(width, 40, [f'<text x="10" y="24">{escape(title)}: –</text>'], label=title, css_class=css_class)
    lo, hi = value_range(ys, min_span=min_span, floor=floor)

    def px(x: int) -> float:
        return left + (width - left - right) * ((xs.index(x)) / max(len(xs) - 1, 1)) if len(xs) > 1 \
            else (left + width - right) / 2

    def py(y: float) -> float:
        share = (y - lo) / (hi - lo)
        return top + (height - top - bottom) * (share if invert else 1 - share)

    body: list[str] = []
    ticks = [lo + (hi - lo) * k / 4 for k in range(5)]
    if integer:
        # Ranks: whole numbers only, each once (a 3.6th rank means nothing).
        step = max(1, _nice_step(math.ceil(hi) - math.floor(lo) + 1))
        inner = range(step * math.ceil(lo / step), math.floor(hi) + 1, step)
        # the first whole value is a tick too (rank 1 is the one a reader looks for), unless crowded by the next
        first = math.ceil(lo)
        ticks = [float(t) for t in sorted({first, *(t for t in inner if t - first >= step / 2)})]
    for value in ticks:
        y = py(value)
        body.append(f'<line x1="{_f(left)}" y1="{_f(y)}" x2="{_f(width - right)}" y2="{_f(y)}" stroke="#eee"/>'
                    f'<text class="y-tick" x="{_f(left - 6)}" y="{_f(y + 4)}" text-anchor="end" fill="#555">'
                    f"{_f(value)}</text>")
    for x in xs:
        body.append(f'<text x="{_f(px(x))}" y="{_f(height - bottom + 16)}" text-anchor="middle">{x}</text>')
    if y_label:
        body.append(f'<text x="12" y="{_f(top - 16)}" fill="#555">{escape(y_label)}</text>')
    for s in series:
        segments: list[list[tuple[float, float]]] = [[]]
        for x, point_y in sorted(s.points, key=lambda p: p[0]):
            if point_y is None:
                segments.append([])
                continue
            segments[-1].append((px(x), py(point_y)))
        for segment in segments:
            if len(segment) > 1:
                d = "M" + " L".join(f"{_f(a)},{_f(b)}" for a, b in segment)
                body.append(f'<path class="line" d="{d}" fill="none" stroke="{escape(s.colour)}" stroke-width="2"/>')
        for x, point_y in s.points:
            if point_y is not None:
                body.append(f'<circle class="point" cx="{_f(px(x))}" cy="{_f(py(point_y))}" r="3.5" '
                            f'fill="{escape(s.colour)}"><title>{escape(s.name)} {x}: {_f(point_y)}</title></circle>')
    legend_x = left
    for s in series:
        body.append(f'<rect x="{_f(legend_x)}" y="{_f(height - 22)}" width="12" height="12" fill="{escape(s.colour)}"/>'
                    f'<text x="{_f(legend_x + 16)}" y="{_f(height - 12)}">{escape(s.name)}</text>')
        legend_x += 30 + _text_width(s.name, 12)
    return _svg(width, height, body, label=title, css_class=css_class)
