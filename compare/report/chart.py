"""The summary's picture: every run's worst margin to tolerance, one strip per theme, on a log
scale with the tolerance (margin 1) as a line. Hand-written SVG, no plotting dependency.

The chart draws on its own white card with dark text, so it reads the same in GitHub's light
and dark themes (GitHub shows an SVG as an image, on whatever background the theme has).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from xml.sax.saxutils import escape

from ..results import OK_STATUSES

FONT = 'font-family="-apple-system,Segoe UI,Helvetica,Arial,sans-serif"'
INK, GRID, CARD = "#24292f", "#d0d7de", "#ffffff"
#: one colour and shape per dtype, told apart without colour too
DTYPE_STYLE = {"float32": ("#0969da", "circle"), "float64": ("#bc4c00", "square")}
FAIL_COLOR = "#cf222e"

#: (dtype, status, margin or None) of one run
Run = tuple[str, str, "float | None"]


def margin_strip(groups: Sequence[tuple[str, Sequence[Run]]], width: int = 760) -> str:
    """One row per group; each run a mark at its margin, exact zeros in a column of their own."""
    longest = max((len(label) for label, _ in groups), default=0)
    label_w = min(260, max(150, 7 * longest + 16))  # 12 px labels, right-aligned: none clipped
    zero_w, other_w, pad = 60, 120, 16
    row_h, top = 26, 60
    x0 = label_w + zero_w  # the log axis starts here
    x1 = width - other_w - pad
    measured = [m for _, runs in groups for _, _, m in runs if m]
    finite = [m for m in measured if math.isfinite(m)]
    lo = min(-3, math.floor(math.log10(min(finite)))) if finite else -3
    lo = max(lo, -8)  # below 1e-8 of the tolerance is agreement to the last bits anyway
    hi = max(1, math.ceil(math.log10(max(finite)))) if finite else 1
    hi = min(hi, 4)
    height = top + row_h * len(groups) + 44

    def x_of(m: float) -> float:
        e = min(max(math.log10(m), lo), hi)
        return x0 + (x1 - x0) * (e - lo) / (hi - lo)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        'aria-label="worst margin to tolerance of every run, per theme">',
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" rx="6" '
        f'fill="{CARD}" stroke="{GRID}"/>',
        f'<text x="{pad}" y="22" {FONT} font-size="13" font-weight="600" fill="{INK}">'
        "Worst margin of every run: |difference| / tolerance, log scale</text>",
        f'<text x="{pad}" y="38" {FONT} font-size="11" fill="{INK}">'
        "1 is at the tolerance (the red line): right of it fails; = 0 is bit-identical</text>",
    ]
    bottom = top + row_h * len(groups)
    # the axis: decades, the zero column, the tolerance line
    for e in range(lo, hi + 1):
        x = x0 + (x1 - x0) * (e - lo) / (hi - lo)
        out.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom}" stroke="{GRID}"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" {FONT} font-size="11" fill="{INK}" '
            f'text-anchor="middle">{"≤ " * (e == lo and lo == -8)}{_decade(e)}</text>'
        )
    zx = label_w + zero_w / 2 - 12
    out.append(
        f'<text x="{zx:.1f}" y="{bottom + 16}" {FONT} font-size="11" fill="{INK}" '
        'text-anchor="middle">= 0</text>'
    )
    out.append(
        f'<line x1="{label_w + zero_w - 8}" y1="{top - 4}" x2="{label_w + zero_w - 8}" '
        f'y2="{bottom}" stroke="{INK}" stroke-dasharray="2 3"/>'
    )
    tx = x_of(1.0)
    out.append(
        f'<line x1="{tx:.1f}" y1="{top - 10}" x2="{tx:.1f}" y2="{bottom + 4}" '
        f'stroke="{FAIL_COLOR}" stroke-width="2"/>'
    )
    out.append(
        f'<text x="{tx + 4:.1f}" y="{top - 8}" {FONT} font-size="11" fill="{FAIL_COLOR}">'
        "tolerance</text>"
    )
    out.append(
        f'<text x="{(x0 + x1) / 2:.1f}" y="{bottom + 32}" {FONT} font-size="11" fill="{INK}" '
        'text-anchor="middle">margin (1 = at the tolerance)</text>'
    )
    # the legend, right of the axis label
    lx = width - pad - 150
    for k, (dtype, (color, shape)) in enumerate(DTYPE_STYLE.items()):
        out.append(_mark(lx + 75 * k, 36, color, shape))
        out.append(
            f'<text x="{lx + 75 * k + 8}" y="40" {FONT} font-size="11" fill="{INK}">{dtype}</text>'
        )
    for i, (label, runs) in enumerate(groups):
        y = top + row_h * i + row_h / 2
        if i % 2 == 0:
            out.append(
                f'<rect x="{pad / 2}" y="{y - row_h / 2:.1f}" width="{width - pad}" '
                f'height="{row_h}" fill="#f6f8fa"/>'
            )
        out.append(
            f'<text x="{label_w - 8}" y="{y + 4:.1f}" {FONT} font-size="12" fill="{INK}" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        unmeasured: Counter[str] = Counter()
        for j, (dtype, status, m) in enumerate(runs):
            color, shape = DTYPE_STYLE.get(dtype, (INK, "circle"))
            dy = (-5 if shape == "circle" else 5) + ((j % 3) - 1) * 1.5
            if m is None:
                if status not in OK_STATUSES:
                    unmeasured[status] += 1
                continue
            if status not in OK_STATUSES:
                color = FAIL_COLOR
            x = zx if m == 0 else x_of(m) if math.isfinite(m) else x1 + 6
            out.append(_mark(x, y + dy, color, shape, opacity=0.55 if status in OK_STATUSES else 1))
        if unmeasured:
            words = ", ".join(f"{n} {s}" for s, n in unmeasured.items())
            out.append(
                f'<text x="{width - pad}" y="{y + 4:.1f}" {FONT} font-size="11" '
                f'fill="{FAIL_COLOR}" text-anchor="end">{escape(words)}</text>'
            )
    # re-draw the tolerance line over the row stripes
    out.append(
        f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{bottom}" stroke="{FAIL_COLOR}" '
        'stroke-width="2"/>'
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _decade(e: int) -> str:
    return {-2: "0.01", -1: "0.1", 0: "1", 1: "10", 2: "100"}.get(e, f"1e{e}")


def _mark(x: float, y: float, color: str, shape: str, opacity: float = 1.0) -> str:
    fill = f'fill="{color}" fill-opacity="{opacity:g}" stroke="{color}"'
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" {fill}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" {fill}/>'
