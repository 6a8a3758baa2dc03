"""The summary: a row per case, grouped by theme, with margins from the tolerance applied."""

from __future__ import annotations

import re

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import mini_autograd  # noqa: E402
from compare import registry  # noqa: E402
from compare.checks import quantities  # noqa: E402
from compare.metrics import compare_arrays  # noqa: E402
from compare.registry import RunContext  # noqa: E402
from compare.report import summary  # noqa: E402
from compare.report.tables import margin  # noqa: E402
from compare.results import FAIL, GRAD, VALUE, Accuracy, CaseResult, Check  # noqa: E402
from compare.run import run_case  # noqa: E402
from compare.tolerances import Tol, tolerance  # noqa: E402

CASES = ["sphere", "exp", "detach", "reused_subexpression", "sum_all"]
ENV = {"date": "2026-01-01 00:00 UTC", "seed": "0"}


def test_margin_is_the_worst_difference_over_the_tolerance():
    e = np.array([1.0, -2.0, 100.0, np.nan, np.inf])
    a = np.array([1.0 + 1e-3, -2.0, 100.05, np.nan, np.inf])
    tol = Tol(rtol=1e-3, atol=1e-3)
    by_hand = max(1e-3 / (1e-3 + 1e-3 * 1.0), 0.05 / (1e-3 + 1e-3 * 100.0))
    assert compare_arrays(a, e, tol).margin == pytest.approx(by_hand)  # NaN/inf alike: 0
    assert compare_arrays(np.array([np.nan]), np.array([1.0]), tol).margin == np.inf
    assert compare_arrays(e, e, Tol(0.0, 0.0)).margin == 0


@pytest.fixture(scope="module")
def runs():
    return [
        run_case(registry.get(name), RunContext(mini_autograd, torch, dtype, timing=False))
        for name in CASES
        for dtype in ("float32", "float64")
    ]


def _rows(text: str) -> dict[str, list[str]]:
    """The theme tables' rows by case name: [float32 cell, float64 cell, what it computes]."""
    rows = {}
    for line in text.splitlines():
        m = re.match(r"\| \[(\w+)\]\(cases/\1\.md\) +\|(.*)\|$", line)
        if m:
            assert m.group(1) not in rows, f"{m.group(1)} has two rows"
            rows[m.group(1)] = [c.strip() for c in m.group(2).split("|")]
    return rows


def expected_margin(case, result: CaseResult) -> float:
    """Recomputed from the arrays, with the tolerance the case declares for each quantity."""
    detail = result.detail
    worst = 0.0
    mine = {q: a for q, _, a in quantities(detail.candidate)}
    keys = {"value": "value", "grad": "grad", "2nd order": "2nd"}
    for q, category, ref in quantities(detail.reference):
        cand = mine.get(q)
        if ref is None or cand is None:
            continue
        tol = tolerance(result.dtype, keys[category], case.tol)
        r, c = ref.astype(np.float64), cand.astype(np.float64)
        allowed = tol.atol + tol.rtol * np.abs(r)
        worst = max(worst, float(np.max(np.where(r == c, 0.0, np.abs(c - r) / allowed))))
    return worst


def test_one_row_per_case_grouped_by_theme_with_margins(runs):
    text = summary.render(runs, ENV, [c.name for c in registry.all_cases()])
    rows = _rows(text)
    assert sorted(rows) == sorted(CASES)
    # every run passes: each theme is one folded line over its table
    themes = re.findall(r"^<details><summary><b>(.*)</b> · worst margin: .*</summary>$", text, re.M)
    assert themes == [
        "The book's functions (DeZero) — 2 cases, ✅ 4 pass",
        "Tensor API — 1 case, ✅ 2 pass",
        "Graph structure — 2 cases, ✅ 4 pass",
    ]
    assert not [h for h in re.findall(r"^## (.*)$", text, re.M) if " — " in h]
    # each case sits under its own theme's heading
    for name in CASES:
        block = text[: text.index(f"[{name}](cases/")]
        last = [h for h in themes if h in block][-1]
        assert last.startswith(summary.THEMES[registry.get(name).tags[0]])
    for r in runs:
        case = registry.get(r.case)
        cell = rows[r.case][0 if r.dtype == "float32" else 1]
        assert cell == f"✅\u00a0{margin(expected_margin(case, r))}", (r.case, r.dtype)
    title, shown = registry.get("sphere").title, rows["sphere"][2]
    assert shown == title or (shown.endswith("…") and title.startswith(shown[:-1]))
    assert len(shown) <= summary.TITLE_CHARS  # one line on GitHub


def test_the_margin_follows_a_case_s_own_tolerance():
    """The same difference is a small margin under a loose tolerance and a fail under torch's."""
    loose = Tol(rtol=1e-2, atol=1e-2)
    a, e = np.array([1.001]), np.array([1.0])
    result = CaseResult("sphere", "function", "float32", "mini_autograd")
    result.checks = [Check("value", VALUE, True, compare_arrays(a, e, loose))]
    assert summary.cell(result) == f"✅\u00a0{margin(0.001 / (1e-2 + 1e-2))}"
    strict = compare_arrays(a, e, Tol(rtol=1.3e-6, atol=1e-5))
    result.checks = [Check("value", VALUE, False, strict, strict.message())]
    assert result.status == FAIL and summary.cell(result) == f"❌\u00a0{margin(strict.margin)}"
    assert strict.margin == pytest.approx(0.001 / (1e-5 + 1.3e-6))


def _fake(case: str, dtype: str, ok: bool, closer_candidate: bool = False) -> CaseResult:
    r = CaseResult(case, "function", dtype, "mini_autograd")
    d = compare_arrays(np.array([1.0]), np.array([1.0 if ok else 2.0]), Tol(1e-6, 1e-6))
    r.checks = [Check("value", VALUE, ok, d, d.message()), Check("grad x", GRAD, True, d)]
    if dtype == "float32":
        r.accuracy = [Accuracy("value", 1e-3, 1e-9 if closer_candidate else 1e-3)]
    return r


def test_failures_first_environment_last_and_the_links():
    results = [
        _fake("sphere", "float32", ok=True),
        _fake("sphere", "float64", ok=True),
        _fake("exp", "float32", ok=False, closer_candidate=True),
        _fake("exp", "float64", ok=True),
    ]
    text = summary.render(results, ENV, ["sphere", "exp"])
    lines = text.splitlines()
    failing = lines.index("## Not passing")
    first_theme = next(i for i, line in enumerate(lines) if " — " in line)
    assert failing < first_theme < lines.index("## Environment")
    assert "| [exp](cases/exp.md) | float32 | ❌ fail" in re.sub(r" +", " ", text)
    assert "out of tolerance: value" in text
    assert "<details><summary>" in text.split("## Environment")[1] and ENV["date"] in text
    for link in ("(bench.md)", "(results.csv)", "(timing.csv)", "(margins.svg)"):
        assert link in text
    # the failing float32 run is closer to float64 only because it is wrong: not counted
    assert "over the 1 float32 runs that passed" in text and "closer in 0" in text
    svg = summary.assets(results, ["sphere", "exp"])["margins.svg"]
    assert svg.count("<circle") + svg.count('<rect x="') >= 4  # a mark per run at least


def test_a_theme_that_agrees_is_one_folded_line_and_one_that_does_not_is_open():
    results = [
        _fake("sphere", "float32", ok=True),
        _fake("sphere", "float64", ok=True),
        _fake("exp", "float32", ok=True),
        _fake("exp", "float64", ok=True),
        _fake("sum_all", "float32", ok=False),
        _fake("sum_all", "float64", ok=True),
    ]
    text = summary.render(results, ENV, ["sphere", "exp", "sum_all"])
    book = "<details><summary><b>The book's functions (DeZero) — 2 cases, ✅ 4 pass</b> · "
    worst = max(r.checks[0].diff.margin for r in results[:4])
    assert (
        book + f"worst margin: float32 {margin(worst)}, float64 {margin(worst)}</summary>" in text
    )
    folded = text.split(book)[1].split("</details>")[0]
    assert "[sphere](cases/sphere.md)" in folded and "[exp](cases/exp.md)" in folded
    assert "\n## Tensor API — 1 case, ❌ 1 fail, ✅ 1 pass\n\nworst margin: float32 " in text
    open_part = text.split("## Tensor API")[1]
    assert open_part.split("\n\n")[2].startswith("| case")  # the table, not folded
    assert "[sum_all](cases/sum_all.md)" in open_part.split("## float32 accuracy")[0]
