"""A small hand-written SVG line chart (no plotting dependency); GitHub renders it in a page.

Panels stack vertically and share the x axis (the step). A log panel draws exact zeros in a band
of their own under the axis, marked "= 0", never at an invented floor. Ticks are round numbers.
The chart sits on its own white card, so it reads the same in GitHub's light and dark themes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

FAMILY = 'font-family="-apple-system,Segoe UI,Helvetica,Arial,sans-serif"'
FONT = FAMILY + ' font-size="11"'
INK, GRID, CARD = "#24292f", "#d0d7de", "#ffffff"
LEFT, RIGHT, TOP, BOTTOM = 64, 210, 24, 34
ZERO_BAND = 18  # height of a log panel's "= 0" band


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]
    color: str
    dash: str = ""  # an SVG stroke-dasharray, e.g. "5 3"
    width: float = 2.0
    points: bool = False  # a dot per step instead of a line


@dataclass(frozen=True)
class Panel:
    """One chart: its series share the x axis (the step) and the y axis."""

    title: str
    series: Sequence[Series]
    log: bool = False  # log10 y axis; exact zeros go to the "= 0" band below it
    height: int = 200


def nice_step(span: float, target: int = 5) -> float:
    """A round tick spacing (1, 2 or 5 times a power of ten) nearest to span / target."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / target
    power = 10.0 ** math.floor(math.log10(raw))
    return min((m * power for m in (1, 2, 5, 10)), key=lambda s: abs(math.log(s / raw)))


def nice_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    """Round numbers covering [lo, hi]: the multiples of nice_step inside it."""
    step = nice_step(hi - lo, target)
    first = math.ceil(lo / step - 1e-9)
    ticks = []
    k = first
    while k * step <= hi + step * 1e-9:
        ticks.append(round(k * step, 12))
        k += 1
    return ticks


def tick_label(v: float) -> str:
    return f"{v:g}" if abs(v) >= 1e-4 or v == 0 else f"{v:.0e}"


def figure(panels: Sequence[Panel], width: int = 720) -> str:
    """The panels stacked vertically in one SVG document."""
    heights = [p.height + (ZERO_BAND if p.log else 0) for p in panels]
    height = sum(heights)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" rx="6" '
        f'fill="{CARD}" stroke="{GRID}"/>',
    ]
    y = 0
    for panel, h in zip(panels, heights, strict=True):
        parts.append(f'<g transform="translate(0,{y})">')
        parts += _panel(panel, width)
        parts.append("</g>")
        y += h
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _panel(panel: Panel, width: int) -> list[str]:
    w, h = width - LEFT - RIGHT, panel.height - TOP - BOTTOM
    values = [v for s in panel.series for v in s.values if math.isfinite(v)]
    n = max((len(s.values) for s in panel.series), default=1)
    if panel.log:
        positive = [v for v in values if v > 0]
        lo = math.floor(math.log10(min(positive))) if positive else -17
        hi = math.ceil(math.log10(max(positive))) if positive else -16
        if hi <= lo:
            hi = lo + 1
    else:
        lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
        if hi - lo < 1e-12 * max(1.0, abs(hi)):  # a flat line: give it some room
            lo, hi = lo - 0.5, hi + 0.5
        step = nice_step(hi - lo, 4)  # the axis runs from tick to round tick
        lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step

    def x_of(i: float) -> float:  # i is the 0-based step index
        return LEFT + w * i / max(n - 1, 1)

    def y_of(v: float) -> float:
        if panel.log:
            v = math.log10(v)
        v = min(max(v, lo), hi)
        return TOP + h * (hi - v) / (hi - lo)

    zero_y = TOP + h + ZERO_BAND / 2 + 2
    title = panel.title
    if panel.log and values and not any(v > 0 for v in values):
        title += " (all exactly 0)"
    out = [
        f'<text x="{LEFT}" y="{TOP - 8}" {FAMILY} font-size="12" font-weight="600" '
        f'fill="{INK}">{escape(title)}</text>',
        f'<rect x="{LEFT}" y="{TOP}" width="{w}" height="{h}" fill="none" stroke="{GRID}"/>',
    ]
    if panel.log:  # whole decades, at most 6 labels
        every = math.ceil((hi - lo + 1) / 6)
        y_ticks = [(y_of(10.0**e), f"1e{e}") for e in range(int(lo), int(hi) + 1, every)]
        out.append(
            f'<text x="{LEFT - 6}" y="{zero_y + 4:.1f}" {FONT} fill="{INK}" '
            'text-anchor="end">= 0</text>'
        )
        out.append(
            f'<line x1="{LEFT}" y1="{TOP + h + ZERO_BAND:.1f}" x2="{LEFT + w}" '
            f'y2="{TOP + h + ZERO_BAND:.1f}" stroke="{GRID}" stroke-dasharray="2 3"/>'
        )
    else:
        y_ticks = [(y_of(t), tick_label(t)) for t in nice_ticks(lo, hi, 4)]
    for y, label in y_ticks:
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + w}" y2="{y:.1f}" stroke="{GRID}" '
            'stroke-opacity="0.6"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" {FONT} fill="{INK}" '
            f'text-anchor="end">{label}</text>'
        )
    base = TOP + h + (ZERO_BAND if panel.log else 0)
    steps = [s for s in nice_ticks(0, n, 4) if 1 <= s <= n] or [1.0]
    if steps[0] != 1:
        steps.insert(0, 1.0)
    for s in steps:  # steps are 1-based
        out.append(
            f'<text x="{x_of(s - 1):.1f}" y="{base + 14}" {FONT} fill="{INK}" '
            f'text-anchor="middle">{s:g}</text>'
        )
    out.append(
        f'<text x="{LEFT + w / 2:.1f}" y="{base + 28}" {FONT} fill="{INK}" '
        'text-anchor="middle">step</text>'
    )
    for j, s in enumerate(panel.series):
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        for run in _runs(s.values, panel.log):
            points = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in run)
            if s.points or len(run) == 1:
                out += [
                    f'<circle cx="{x_of(i):.1f}" cy="{y_of(v):.1f}" r="1.8" fill="{s.color}"/>'
                    for i, v in run
                ]
            else:
                out.append(
                    f'<polyline points="{points}" fill="none" stroke="{s.color}" '
                    f'stroke-width="{s.width:g}"{dash}/>'
                )
        if panel.log:
            zeros = [i for i, v in enumerate(s.values) if v == 0]
            for i in zeros:
                out.append(
                    f'<rect x="{x_of(i) - 1:.1f}" y="{zero_y - 4 + 2 * j:.1f}" width="2" '
                    f'height="5" fill="{s.color}"/>'
                )
        ly = TOP + 12 + 16 * j
        if s.points:
            out.append(f'<circle cx="{LEFT + w + 22}" cy="{ly}" r="2.5" fill="{s.color}"/>')
        else:
            out.append(
                f'<line x1="{LEFT + w + 10}" y1="{ly}" x2="{LEFT + w + 34}" y2="{ly}" '
                f'stroke="{s.color}" stroke-width="2"{dash}/>'
            )
        out.append(
            f'<text x="{LEFT + w + 38}" y="{ly + 4}" {FONT} fill="{INK}">{escape(s.label)}</text>'
        )
    if panel.log and any(v == 0 for s in panel.series for v in s.values):
        ly = TOP + 12 + 16 * len(panel.series)
        out.append(
            f'<rect x="{LEFT + w + 21}" y="{ly - 2.5:.1f}" width="2" height="5" fill="{INK}"/>'
        )
        out.append(
            f'<text x="{LEFT + w + 38}" y="{ly + 4}" {FONT} fill="{INK}">'
            "ticks at = 0: exactly equal</text>"
        )
    return out


def _runs(values: Sequence[float], log: bool) -> list[list[tuple[int, float]]]:
    """Stretches of drawable points: a NaN (or, on a log axis, a value <= 0) breaks the line."""
    runs: list[list[tuple[int, float]]] = [[]]
    for i, v in enumerate(values):
        if math.isnan(v) or (log and v <= 0):
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((i, v))
    return [r for r in runs if r]
