"""Stable output: two runs with the same seed write the same files but for one timestamp line
(and timing.csv, the one file meant to change); timings stay out of the pages."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

import mini_autograd  # noqa: E402
from compare import registry  # noqa: E402
from compare.report.write import write_reports  # noqa: E402
from compare.run import run_cases  # noqa: E402

#: a function case, a deep graph (folded) and a training run (with plots)
CASES = ["sphere", "deep_chain", "train_spiral_sgd"]
VOLATILE = {"timing.csv"}


def _report(out: Path, date: str) -> dict[str, bytes]:
    cases = [registry.get(n) for n in CASES]
    results = run_cases(cases, mini_autograd, torch, seed=3, timing=True)
    env = {"date": date, "seed": "3"}
    write_reports(out, cases, results, env, order=[c.name for c in registry.all_cases()])
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_a_rerun_changes_nothing_but_the_timestamp_line(tmp_path):
    a = _report(tmp_path / "a", "2026-01-01 00:00 UTC")
    b = _report(tmp_path / "b", "2026-01-02 12:34 UTC")
    assert a.keys() == b.keys()
    assert {"summary.md", "results.csv", "timing.csv", "margins.svg"} <= a.keys()
    assert "cases/train_spiral_sgd-float32.svg" in a
    changed = {}
    for name in a.keys() - VOLATILE - {".compare-manifest.json"}:
        old, new = a[name].decode().splitlines(), b[name].decode().splitlines()
        assert len(old) == len(new), name
        diff = [(x, y) for x, y in zip(old, new, strict=True) if x != y]
        if diff:
            changed[name] = diff
    assert changed == {
        "summary.md": [("| date | 2026-01-01 00:00 UTC |", "| date | 2026-01-02 12:34 UTC |")]
    }
    assert a["timing.csv"] != b["timing.csv"]  # the timings were taken, and live there
    for name, text in a.items():
        if name.startswith("cases/") and name.endswith(".md"):
            page = text.decode()
            assert " µs" not in page and " ms |" not in page and "best of" not in page, name
