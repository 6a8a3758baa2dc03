"""The manifest of a report folder: which files the harness wrote there, and every summary row.

It is what makes a folder a report folder (`write` refuses to write into any other non-empty
folder), what lets a run delete only its own stale files, and what lets a filtered run merge its
rows into the report (the rows of the other cases are read back from here).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..metrics import Diff
from ..results import Accuracy, CaseResult, Check, Timing
from ..tolerances import Tol

NAME = ".compare-manifest.json"
FORMAT = 1
#: the files of a report folder written before manifests existed (adopted as the harness's own)
LEGACY_TITLE = " vs torch: parity report"


@dataclass
class Manifest:
    """What one report folder holds."""

    files: list[str] = field(default_factory=list)  # relative paths, "/"-separated
    pages: dict[str, list[str]] = field(default_factory=dict)  # case -> its page and assets
    settings: dict[str, Any] = field(default_factory=dict)  # seed, engine, second_order
    order: list[str] = field(default_factory=list)  # case names in registry order
    rows: list[CaseResult] = field(default_factory=list)  # without `detail`
    dates: dict[str, str] = field(default_factory=dict)  # "case/dtype" -> the run's date
    legacy: bool = False  # adopted from a folder written before manifests: no rows

    def dumps(self) -> str:
        data = {
            "format": FORMAT,
            "written by": "python -m compare",
            "settings": self.settings,
            "files": sorted(self.files),
            "pages": self.pages,
            "order": self.order,
            "rows": "ROWS",
        }
        rows = [
            json.dumps({"date": self.dates.get(row_key(r), ""), **result_to_dict(r)})
            for r in self.rows
        ]  # one row a line: readable in a diff, and compact
        text = json.dumps(data, indent=1)
        return text.replace('"ROWS"', "[\n" + ",\n".join(rows) + "\n]") + "\n"

    @classmethod
    def loads(cls, text: str) -> Manifest:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown manifest format {data.get('format')!r}")
        rows = [result_from_dict(r) for r in data["rows"]]
        dates = {row_key(r): d["date"] for r, d in zip(rows, data["rows"], strict=True)}
        return cls(
            list(data["files"]),
            dict(data["pages"]),
            dict(data["settings"]),
            list(data["order"]),
            rows,
            dates,
        )


def row_key(result: CaseResult) -> str:
    return f"{result.case}/{result.dtype}"


def read(folder: Path) -> Manifest | None:
    """The folder's manifest; a legacy one for a report written before manifests; else None."""
    path = folder / NAME
    if path.is_file():
        return Manifest.loads(path.read_text(encoding="utf-8"))
    summary = folder / "summary.md"
    if summary.is_file() and LEGACY_TITLE in summary.read_text(encoding="utf-8").split("\n")[0]:
        pages = folder / "cases"
        files = ["summary.md", "results.csv"] + [
            f"cases/{p.name}" for p in (pages.iterdir() if pages.is_dir() else ())
        ]
        return Manifest([f for f in files if (folder / f).is_file()], legacy=True)
    return None


# --- CaseResult <-> JSON ----------------------------------------------------------------------


def result_to_dict(r: CaseResult) -> dict[str, Any]:
    return {
        "case": r.case,
        "kind": r.kind,
        "dtype": r.dtype,
        "candidate": r.candidate,
        "status": r.status,
        "expects": r.expects,
        "verdict": r.verdict,
        "notes": list(r.notes),
        "checks": [_check_to_dict(c) for c in r.checks],
        "accuracy": [dataclasses.asdict(a) for a in r.accuracy],
        "timing": dataclasses.asdict(r.timing) if r.timing else None,
    }


def result_from_dict(d: Mapping[str, Any]) -> CaseResult:
    r = CaseResult(d["case"], d["kind"], d["dtype"], d["candidate"])
    r.expects, r.verdict, r.notes = d["expects"], d["verdict"], list(d["notes"])
    r.checks = [_check_from_dict(c) for c in d["checks"]]
    r.accuracy = [Accuracy(**a) for a in d["accuracy"]]
    r.timing = Timing(**d["timing"]) if d["timing"] else None
    r.fresh = False
    return r


def _check_to_dict(c: Check) -> dict[str, Any]:
    d = _compact(dataclasses.asdict(c))
    if c.diff is not None and c.message == c.diff.message():
        d.pop("message", None)  # said again by the diff: made from it when read back
    return d


def _compact(d: dict[str, Any]) -> dict[str, Any]:
    """Without the fields that hold their default (empty or None), nested dicts too."""
    return {
        k: _compact(v) if isinstance(v, dict) else v
        for k, v in d.items()
        if v not in ("", None, (), []) or k == "ok"
    }


def _check_from_dict(d: Mapping[str, Any]) -> Check:
    diff = d.get("diff")
    if diff is not None:
        diff = {**diff, "tol": Tol(**diff["tol"])}
        for key in ("abs_index", "rel_index"):
            diff[key] = tuple(diff.get(key, ()))
        diff = Diff(**diff)
        if "message" not in d:
            d = {**d, "message": diff.message()}
    return Check(**{**d, "diff": diff})


def owned(manifest: Manifest | None) -> set[str]:
    """The relative paths the harness wrote, the manifest included."""
    return set(manifest.files) | {NAME} if manifest else set()
