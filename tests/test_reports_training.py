"""Training plots: the per-step difference against the tolerance, exact zeros drawn as zeros,
torch's own float32 drift as the yardstick, round ticks."""

from __future__ import annotations

import math
import re
import xml.dom.minidom

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import mini_autograd  # noqa: E402
from compare import registry  # noqa: E402
from compare.registry import RunContext  # noqa: E402
from compare.report import summary  # noqa: E402
from compare.report.tables import margin  # noqa: E402
from compare.run import run_case  # noqa: E402
from compare.training.page import loss_gap, plots, render, tolerance_line  # noqa: E402
from compare.training.svg import TOP, ZERO_BAND, Panel, Series, figure, nice_ticks  # noqa: E402


def _points(svg):
    """(x, y) of every drawn data point: polyline vertices and dots."""
    out = []
    for line in svg.getElementsByTagName("polyline"):
        out += [tuple(map(float, p.split(","))) for p in line.getAttribute("points").split()]
    for dot in svg.getElementsByTagName("circle"):
        out.append((float(dot.getAttribute("cx")), float(dot.getAttribute("cy"))))
    return out


def test_exact_zeros_are_drawn_in_their_own_band_not_at_a_floor():
    height = 200
    text = figure([Panel("gap", [Series("gap", [1e-8, 0.0, 1e-6, 2e-6, 0.0], "black")], log=True)])
    svg = xml.dom.minidom.parseString(text).documentElement
    bottom = height - 34  # the plot area's lower edge (TOP + h)
    points = sorted(_points(svg))
    assert len(points) == 3  # 1e-8 alone, then 1e-6 → 2e-6; the zeros are no data points
    assert all(TOP <= y <= bottom for _, y in points)
    band = [
        r
        for r in svg.getElementsByTagName("rect")
        if bottom < float(r.getAttribute("y")) < bottom + ZERO_BAND
    ]
    assert len(band) == 2  # one mark per zero step, below the axis
    assert [x for x, _ in points][0] < float(band[0].getAttribute("x")) < [x for x, _ in points][1]
    assert "= 0" in text


def test_ticks_are_round_numbers():
    for lo, hi in [(0.481, 1.13), (0, 150), (3.7e-5, 9.1e-4), (-2.2, 17.0)]:
        ticks = nice_ticks(lo, hi, 4)
        assert 2 <= len(ticks) <= 8 and lo <= ticks[0] and ticks[-1] <= hi
        step = ticks[1] - ticks[0]
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert round(mantissa, 6) in (1, 2, 5), (lo, hi, ticks)
    text = figure([Panel("loss", [Series("a", list(np.linspace(0.481, 1.13, 150)), "red")])])
    labels = re.findall(r">([-\d.e]+)</text>", text)
    assert {"1", "50", "100", "150"} <= set(labels)  # steps
    assert "0.481" not in labels and "113" not in labels


@pytest.fixture(scope="module")
def spiral_float32():
    case = registry.get("train_spiral_sgd")
    return case, run_case(case, RunContext(mini_autograd, torch, "float32", timing=False))


def test_the_plot_shows_the_tolerance_and_torch_s_own_drift(spiral_float32):
    case, result = spiral_float32
    detail = result.detail
    ref = detail.reference.losses
    tol = case.tol["float32 value"]
    assert tolerance_line(case, "float32", ref) == pytest.approx(
        [tol.atol + tol.rtol * abs(v) for v in ref]
    )
    drift = loss_gap(detail.truth.losses, ref)
    assert max(drift) > 0  # float32 rounding: torch drifts from its own float64 run
    ((name, text),) = plots(case, [result]).items()
    assert name == "train_spiral_sgd-float32.svg"
    xml.dom.minidom.parseString(text)
    for legend in ("|mini_autograd − torch|", "tolerance", "|torch f32 − f64| yardstick", "torch"):
        assert f">{legend}</text>" in text
    page = render(case, [result])
    assert "torch's own float32 run drifts up to" in page and f"({name})" in page


def test_the_loss_margin_uses_the_training_tolerance(spiral_float32):
    case, result = spiral_float32
    ref = np.asarray(result.detail.reference.losses, np.float64)
    cand = np.asarray(result.detail.candidate.losses, np.float64)
    tol = case.tol["float32 value"]  # rtol 1e-4: looser than torch's float32 default
    by_hand = float(np.max(np.abs(cand - ref) / (tol.atol + tol.rtol * np.abs(ref))))
    loss = next(c for c in result.checks if c.quantity == "loss at every step")
    assert loss.diff.margin == pytest.approx(by_hand)
    assert summary.run_margin(result) >= loss.diff.margin
    assert f"margin {margin(loss.diff.margin)}**" in render(case, [result])
