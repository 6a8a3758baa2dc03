"""Write the reports whole or not at all: build them in a temporary folder, then swap them in."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..registry import Case
from ..results import CaseResult
from . import data, summary

#: what a comparison run owns inside the output folder; anything else there is left alone
SUMMARY, CSV, PAGES = "summary.md", "results.csv", "cases"
TIMING_CSV, CHART = summary.TIMING_CSV, summary.CHART


def write_reports(
    out: Path, cases: Sequence[Case], results: Sequence[CaseResult], env: Mapping[str, str]
) -> Path:
    """Write summary.md (and its chart), results.csv, timing.csv and cases/<name>.md into `out`;
    returns the summary's path.

    Everything is rendered into `out/.tmp-*` first; only when all of it exists are the old
    files replaced, each by one rename, so a failure leaves the previous reports as they were.
    """
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=out))
    try:
        pages = staging / PAGES
        pages.mkdir()
        by_case: dict[str, list[CaseResult]] = {}
        for r in results:
            by_case.setdefault(r.case, []).append(r)
        for case in cases:
            text = case.page(by_case.get(case.name, []))
            (pages / f"{case.name}.md").write_text(text, encoding="utf-8")
            for file_name, content in case.assets(by_case.get(case.name, [])).items():
                (pages / file_name).write_text(content, encoding="utf-8")
        for name, content in summary.assets(results, cases).items():
            (staging / name).write_text(content, encoding="utf-8")
        (staging / SUMMARY).write_text(summary.render(results, env, cases), encoding="utf-8")
        data.frame(results).to_csv(staging / CSV, index=False)
        data.timing_frame(results).to_csv(staging / TIMING_CSV, index=False)
        _swap_in(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out / SUMMARY


def _swap_in(staging: Path, out: Path) -> None:
    """Move the staged pages folder and files over the old ones (the old folder goes to staging)."""
    old_pages = out / PAGES
    if old_pages.exists():
        os.replace(old_pages, staging / "old-cases")
    os.replace(staging / PAGES, old_pages)
    for name in (CSV, TIMING_CSV, CHART, SUMMARY):  # the summary last: it links to the rest
        os.replace(staging / name, out / name)
