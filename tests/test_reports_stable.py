"""Stable output: two runs with the same seed write the same files, every one of them (the
hidden manifest too), but for one timestamp line and timing.csv, the one file meant to change;
after a full run and after a filtered run merged into it. Timings stay out of the pages."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

import mini_autograd  # noqa: E402
from compare import registry  # noqa: E402
from compare.report import manifest  # noqa: E402
from compare.report.write import write_reports  # noqa: E402
from compare.run import run_cases  # noqa: E402

#: a function case, a deep graph (folded) and a training run (with plots)
CASES = ["sphere", "deep_chain", "train_spiral_sgd"]
#: the filtered run: one case in one dtype, merged into the full run's report
FILTERED = (["sphere"], ("float32",))
VOLATILE = {"timing.csv"}


def _write(out: Path, names: list[str], date: str, dtypes=("float32", "float64")) -> None:
    cases = [registry.get(n) for n in names]
    results = run_cases(cases, mini_autograd, torch, dtypes=dtypes, seed=3, timing=True)
    env = {"date": date, "seed": "3"}
    settings = {"seed": 3, "engine": "mini_autograd", "second_order": True}
    write_reports(out, cases, results, env, settings, [c.name for c in registry.all_cases()])


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def _reports(out: Path, date: str) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The folder's files after a full run, and after a filtered run into it."""
    _write(out, CASES, date)
    full = _files(out)
    names, dtypes = FILTERED
    _write(out, names, date, dtypes)
    return full, _files(out)


def _changed_lines(a: dict[str, bytes], b: dict[str, bytes]) -> dict[str, list]:
    assert a.keys() == b.keys()
    changed = {}
    for name in sorted(a.keys() - VOLATILE):
        old, new = a[name].decode().splitlines(), b[name].decode().splitlines()
        assert len(old) == len(new), name
        diff = [(x, y) for x, y in zip(old, new, strict=True) if x != y]
        if diff:
            changed[name] = diff
    return changed


def test_a_rerun_changes_nothing_but_the_timestamp_line(tmp_path):
    a_full, a_filtered = _reports(tmp_path / "a", "2026-01-01 00:00 UTC")
    b_full, b_filtered = _reports(tmp_path / "b", "2026-01-02 12:34 UTC")
    date_line = {
        "summary.md": [("| date | 2026-01-01 00:00 UTC |", "| date | 2026-01-02 12:34 UTC |")]
    }
    for a, b in ((a_full, b_full), (a_filtered, b_filtered)):
        assert {"summary.md", "results.csv", "timing.csv", "margins.svg", manifest.NAME} <= a.keys()
        assert "cases/train_spiral_sgd-float32.svg" in a
        assert _changed_lines(a, b) == date_line
        assert a["timing.csv"] != b["timing.csv"]  # the timings were taken, and live there
        assert b"forward" not in a[manifest.NAME] and b"2026" not in a[manifest.NAME]
    # the filtered run kept the other rows (and their timings) and redid sphere/float32
    summary = a_filtered["summary.md"].decode()
    assert "This run produced 1 of these 6 rows; the other 5 (marked ↺)" in summary

    def timed(files: dict[str, bytes]) -> list[tuple[str, ...]]:
        return [tuple(line.split(",")[:4]) for line in files["timing.csv"].decode().splitlines()]

    assert timed(a_filtered) == timed(a_full)  # the same rows, in the same (registry) order
    # merged, the filtered report is the full one but for the ↺ marks of the kept rows
    for name in sorted(a_full.keys() - VOLATILE - {"summary.md", manifest.NAME, "cases/sphere.md"}):
        assert a_filtered[name] == a_full[name], name
    for name, text in a_full.items():
        if name.startswith("cases/") and name.endswith(".md"):
            page = text.decode()
            assert " µs" not in page and " ms |" not in page and "best of" not in page, name
