"""Charts drawn on the server as SVG: no script, no CDN, readable by screen readers.

`line_chart_svg` draws one line per series over labelled points (the hours of a
campaign), with axes, a legend and a `<title>` on the chart and on every point.
Colours and fonts are presentation attributes, not `style`, so the site's CSP
(style-src 'self') lets the chart show as it is. Every text is escaped.
"""

import datetime
import math
from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import escape

WIDTH = 720
HEIGHT = 280
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 36, 44
MAX_X_LABELS = 8
MAX_HOURS = 72


@dataclass(frozen=True)
class Series:
    label: str
    values: list[int]
    colour: str


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 × 10^k at or above `value` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def timeline_fill(
    rows: list[dict], *, keys: tuple[str, ...], max_hours: int = MAX_HOURS
) -> list[tuple[datetime.datetime, dict]]:
    """Hourly rows ({"hour": datetime, key: n}) with the empty hours between them filled
    in; a span longer than `max_hours` is summed per day instead, so the chart stays legible.
    """
    if not rows:
        return []
    first, last = rows[0]["hour"], rows[-1]["hour"]
    by_hour = {row["hour"]: row for row in rows}
    if (last - first) <= datetime.timedelta(hours=max_hours):
        step, start = datetime.timedelta(hours=1), first
        bucket = lambda hour: hour  # noqa: E731
    else:
        step = datetime.timedelta(days=1)
        start = timezone.localtime(first).replace(hour=0)
        bucket = lambda hour: timezone.localtime(hour).replace(hour=0)  # noqa: E731
    buckets: dict = {}
    moment = start
    while moment <= last:
        buckets[moment] = dict.fromkeys(keys, 0)
        moment += step
    for hour, row in by_hour.items():
        values = buckets.setdefault(bucket(hour), dict.fromkeys(keys, 0))
        for key in keys:
            values[key] += row.get(key, 0)
    return sorted(buckets.items())


def _text(x: float, y: float, content: str, *, anchor: str = "middle", size: int = 11) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'font-family="sans-serif" fill="#333">{escape(content)}</text>'
    )


def line_chart_svg(
    *,
    title: str,
    description: str,
    labels: list[str],
    series: list[Series],
    empty_text: str,
    y_label: str = "",
    chart_id: str = "chart",
) -> str:
    """An SVG document fragment: a line per series over `labels`, or `empty_text`."""
    ids = f"{escape(chart_id)}-title {escape(chart_id)}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="{ids}" class="campaign-chart">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    if not labels:
        parts.append(_text(WIDTH / 2, HEIGHT / 2, empty_text, size=14))
        parts.append("</svg>")
        return "".join(parts)

    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top_value = nice_ceiling(max((max(s.values, default=0) for s in series), default=0))
    count = len(labels)

    def x_at(index: int) -> float:
        return LEFT + (plot_w / 2 if count == 1 else index * plot_w / (count - 1))

    def y_at(value: int) -> float:
        return TOP + plot_h - value * plot_h / top_value

    parts.append(_axes(top_value, y_at, plot_w, y_label))
    every = max(1, math.ceil(count / MAX_X_LABELS))
    for index in range(0, count, every):
        parts.append(_text(x_at(index), HEIGHT - BOTTOM + 16, labels[index]))
    for position, line in enumerate(series):
        parts.append(_legend(len(series) - position, line))
        points = " ".join(f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in enumerate(line.values))
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{escape(line.colour)}" '
            f'stroke-width="2"/>'
        )
        for index, value in enumerate(line.values):
            parts.append(
                f'<circle cx="{x_at(index):.1f}" cy="{y_at(value):.1f}" r="3" '
                f'fill="{escape(line.colour)}"><title>'
                f"{escape(labels[index])}: {escape(line.label)} {value}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _axes(top_value: int, y_at, plot_w: float, y_label: str) -> str:
    parts = []
    ticks = 5 if top_value >= 5 else top_value
    for tick in range(ticks + 1):
        value = round(top_value * tick / ticks)
        y = y_at(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w:.1f}" y2="{y:.1f}" '
            f'stroke="#ddd" stroke-width="1"/>'
        )
        parts.append(_text(LEFT - 6, y + 4, str(value), anchor="end"))
    bottom = y_at(0)
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom:.1f}" stroke="#333"/>'
        f'<line x1="{LEFT}" y1="{bottom:.1f}" x2="{LEFT + plot_w:.1f}" y2="{bottom:.1f}" '
        f'stroke="#333"/>'
    )
    if y_label:
        parts.append(_text(LEFT, TOP - 10, y_label, anchor="start"))
    return "".join(parts)


def _legend(from_right: int, line: Series) -> str:
    x = WIDTH - RIGHT - 110 * from_right
    swatch = f'<rect x="{x}" y="8" width="12" height="12" fill="{escape(line.colour)}"/>'
    return swatch + _text(x + 18, 18, line.label, anchor="start")
