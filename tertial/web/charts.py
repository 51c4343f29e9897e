"""A small inline SVG trend chart per indicator; its data is always also given as a table."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape

WIDTH, HEIGHT, PAD = 240, 90, 24
PAD_X = 36  # room for the first and last labels, centred under their points


def trend_svg(series: list[tuple[str, Decimal | None]], target: Decimal | None, title: str) -> str:
    """A line through the known values (gaps where I.U.) and a dashed target line."""
    known = [value for _, value in series if value is not None]
    if not known:
        return ""
    scale_values = known + ([target] if target is not None else [])
    low, high = min(scale_values), max(scale_values)
    if low == high:
        low, high = low - 1, high + 1
    span_x = (WIDTH - 2 * PAD_X) / max(1, len(series) - 1)

    def y(value: Decimal) -> float:
        return HEIGHT - PAD - float((value - low) / (high - low)) * (HEIGHT - 2 * PAD)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}">'
    ]
    if target is not None:
        parts.append(
            f'<line x1="{PAD_X}" x2="{WIDTH - PAD_X}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
            'stroke="#7a5300" stroke-width="1.5" stroke-dasharray="5 3"/>'
        )
    points = []
    for index, (label, value) in enumerate(series):
        x = PAD_X + index * span_x
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 6}" font-size="10" text-anchor="middle" '
            f'fill="#1a1a1a">{escape(label)}</text>'
        )
        if value is not None:
            points.append(f"{x:.1f},{y(value):.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y(value):.1f}" r="3.5" fill="#0b4f8a"/>')
    if len(points) > 1:
        parts.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="#0b4f8a" stroke-width="2"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
