"""A small hand-written SVG line chart (no plotting dependency); GitHub renders it in a page."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

FONT = 'font-family="sans-serif" font-size="11"'


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]
    color: str
    dash: str = ""  # an SVG stroke-dasharray, e.g. "5 3"


@dataclass(frozen=True)
class Panel:
    """One chart: its series share the x axis (the step) and the y axis."""

    title: str
    series: Sequence[Series]
    log: bool = False  # log10 y axis; values <= 0 are drawn on the bottom edge


def figure(panels: Sequence[Panel], width: int = 640, panel_height: int = 200) -> str:
    """The panels stacked vertically in one SVG document."""
    height = panel_height * len(panels)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    for i, panel in enumerate(panels):
        parts.append(f'<g transform="translate(0,{i * panel_height})">')
        parts += _panel(panel, width, panel_height)
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _panel(panel: Panel, width: int, height: int) -> list[str]:
    left, right, top, bottom = 64, 150, 24, 32
    w, h = width - left - right, height - top - bottom
    finite = [v for s in panel.series for v in s.values if math.isfinite(v)]
    if panel.log:
        finite = [v for v in finite if v > 0]
    n = max((len(s.values) for s in panel.series), default=1)
    if panel.log:
        lo, hi = (min(finite), max(finite)) if finite else (1e-17, 1e-16)
        lo, hi = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    else:
        lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    if hi - lo < 1e-12 * max(1.0, abs(hi)):  # a flat line: give it some room
        lo, hi = (lo - 1, hi + 1) if panel.log else (lo - 0.5, hi + 0.5)

    def x_of(i: float) -> float:
        return left + w * i / max(n - 1, 1)

    def y_of(v: float) -> float:
        if panel.log:
            v = math.log10(v) if v > 0 else lo
        v = min(max(v, lo), hi)
        return top + h * (hi - v) / (hi - lo)

    title = panel.title + (" (all exactly 0)" if panel.log and not finite else "")
    out = [
        f'<text x="{left}" y="{top - 8}" {FONT} font-weight="bold">{escape(title)}</text>',
        f'<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="none" stroke="#999"/>',
    ]
    if panel.log:  # whole decades, at most 6 labels
        every = math.ceil((hi - lo + 1) / 6)
        ticks = [(y_of(10.0**e), f"1e{e:.0f}") for e in range(int(lo), int(hi) + 1, every)]
    else:
        ticks = [(y_of(lo + (hi - lo) * k / 4), f"{lo + (hi - lo) * k / 4:.3g}") for k in range(5)]
    for y, label in ticks:
        out.append(f'<line x1="{left - 4}" y1="{y:.1f}" x2="{left}" y2="{y:.1f}" stroke="#999"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" {FONT} text-anchor="end">{label}</text>')
    for k in range(5):  # x ticks: steps 1..n
        i = (n - 1) * k / 4
        x = x_of(i)
        out.append(
            f'<text x="{x:.1f}" y="{top + h + 14}" {FONT} text-anchor="middle">'
            f"{round(i) + 1}</text>"
        )
    out.append(
        f'<text x="{left + w / 2:.1f}" y="{top + h + 28}" {FONT} text-anchor="middle">step</text>'
    )
    for j, s in enumerate(panel.series):
        points = " ".join(
            f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in enumerate(s.values) if not math.isnan(v)
        )
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        width = 1.5 if s.dash else 2.5  # a dashed series drawn over a wider solid one
        out.append(
            f'<polyline points="{points}" fill="none" stroke="{s.color}" '
            f'stroke-width="{width}"{dash}/>'
        )
        ly = top + 12 + 16 * j
        out.append(
            f'<line x1="{left + w + 10}" y1="{ly}" x2="{left + w + 34}" y2="{ly}" '
            f'stroke="{s.color}" stroke-width="2"{dash}/>'
        )
        out.append(f'<text x="{left + w + 38}" y="{ly + 4}" {FONT}>{escape(s.label)}</text>')
    return out
