"""The manifest of a report folder: which files the harness wrote there, and every summary row.

It is what makes a folder a report folder (`write` refuses to write into any other non-empty
folder), what lets a run delete only its own stale files, and what lets a filtered run merge its
rows into the report (the rows of the other cases are read back from here).

It is stable: for a given seed it holds the same bytes on every run. No dates, no timings (a
carried row's timings are read back from the previous timing.csv, the one volatile file). A row
is one line, its checks' differences written positionally (see `_diff_to_list`): the manifest
holds every number of results.csv, which a filtered run rebuilds from it, so it cannot be much
smaller than that file.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..metrics import Diff
from ..results import Accuracy, CaseResult, Check
from ..tolerances import Tol

NAME = ".compare-manifest.json"
FORMAT = 2
#: the files of a report folder written before manifests existed (adopted as the harness's own)
LEGACY_TITLE = " vs torch: parity report"


@dataclass
class Manifest:
    """What one report folder holds."""

    files: list[str] = field(default_factory=list)  # relative paths, "/"-separated
    pages: dict[str, list[str]] = field(default_factory=dict)  # case -> its page and assets
    settings: dict[str, Any] = field(default_factory=dict)  # seed, engine, second_order
    order: list[str] = field(default_factory=list)  # case names in registry order
    rows: list[CaseResult] = field(default_factory=list)  # without `detail` and `timing`
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
        engine = self.settings.get("engine")
        rows = [
            json.dumps(result_to_dict(r, engine), ensure_ascii=False, separators=(",", ":"))
            for r in self.rows
        ]  # one row a line: readable in a diff, and compact
        text = json.dumps(data, indent=1)
        return text.replace('"ROWS"', "[\n" + ",\n".join(rows) + "\n]") + "\n"

    @classmethod
    def loads(cls, text: str) -> Manifest:
        data = json.loads(text)
        if data.get("format") not in (1, FORMAT):
            raise ValueError(f"unknown manifest format {data.get('format')!r}")
        settings = dict(data["settings"])
        read_row = result_from_dict if data["format"] == FORMAT else _result_from_format_1
        rows = [read_row(r, settings.get("engine")) for r in data["rows"]]
        return cls(list(data["files"]), dict(data["pages"]), settings, list(data["order"]), rows)


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


def result_to_dict(r: CaseResult, engine: str | None = None) -> dict[str, Any]:
    """A row without its timing (volatile) and without fields at their default; the candidate
    only when it is not the report's `engine`."""
    d: dict[str, Any] = {"case": r.case, "kind": r.kind, "dtype": r.dtype}
    if r.candidate != engine:
        d["candidate"] = r.candidate
    d["status"] = r.status  # derived again when read back: here for a reader of the file
    d.update(
        (k, v)
        for k, v in (("expects", r.expects), ("verdict", r.verdict), ("notes", list(r.notes)))
        if v
    )
    d["checks"] = [_check_to_dict(c) for c in r.checks]
    if r.accuracy:
        d["accuracy"] = [[a.quantity, a.reference_error, a.candidate_error] for a in r.accuracy]
    return d


def result_from_dict(d: Mapping[str, Any], engine: str | None = None) -> CaseResult:
    r = CaseResult(d["case"], d["kind"], d["dtype"], d.get("candidate", engine or ""))
    r.expects, r.verdict = d.get("expects", ""), d.get("verdict", "")
    r.notes = list(d.get("notes", ()))
    r.checks = [_check_from_dict(c) for c in d["checks"]]
    r.accuracy = [Accuracy(q, ref, cand) for q, ref, cand in d.get("accuracy", ())]
    r.fresh = False
    return r


def _result_from_format_1(d: Mapping[str, Any], engine: str | None = None) -> CaseResult:
    """A row of a format-1 manifest (keyed diffs, with a date and timings, both dropped)."""
    checks = []
    for c in d["checks"]:
        diff = c.get("diff")
        if diff is not None:
            tol = Tol(**diff["tol"])
            rest = {k: tuple(v) if k.endswith("_index") else v for k, v in diff.items()}
            diff = Diff(**{**rest, "tol": tol})
        message = c.get("message", diff.message() if diff is not None else "")
        checks.append(Check(**{**c, "diff": diff, "message": message}))
    r = result_from_dict({**d, "checks": [], "accuracy": []}, engine)
    r.checks, r.accuracy = checks, [Accuracy(**a) for a in d["accuracy"]]
    return r


#: a Diff's fields in the order `_diff_to_list` writes them; the rest go in a trailing dict
_DIFF_FIELDS = ("total", "mismatched", "max_abs", "abs_index", "max_rel", "rel_index", "margin")


def _diff_to_list(diff: Diff) -> list[Any]:
    """[rtol, atol, total, mismatched, max_abs, abs_index, max_rel, rel_index, margin] and, when
    any is set, a dict of the rest (scalar, actual, expected, problem)."""
    out: list[Any] = [diff.tol.rtol, diff.tol.atol]
    out += [
        list(v) if isinstance(v, tuple) else v for v in map(diff.__getattribute__, _DIFF_FIELDS)
    ]
    extra = {
        f.name: getattr(diff, f.name)
        for f in dataclasses.fields(diff)
        if f.name not in (*_DIFF_FIELDS, "tol") and getattr(diff, f.name) != f.default
    }
    return [*out, extra] if extra else out


def _diff_from_list(values: Sequence[Any]) -> Diff:
    rtol, atol, *rest = values
    fields = dict(zip(_DIFF_FIELDS, rest, strict=False))
    for key in ("abs_index", "rel_index"):
        fields[key] = tuple(fields[key])
    extra = rest[len(_DIFF_FIELDS)] if len(rest) > len(_DIFF_FIELDS) else {}
    return Diff(Tol(rtol, atol), **fields, **extra)


def _check_to_dict(c: Check) -> dict[str, Any]:
    d: dict[str, Any] = {"quantity": c.quantity, "category": c.category, "ok": c.ok}
    if c.diff is not None:
        d["diff"] = _diff_to_list(c.diff)
    said = c.diff.message() if c.diff is not None else ""
    if c.message != said:
        d["message"] = c.message  # else said by the diff (or empty): made from it when read back
    d.update((k, v) for k, v in (("missing", c.missing), ("error", c.error)) if v)
    return d


def _check_from_dict(d: Mapping[str, Any]) -> Check:
    diff = _diff_from_list(d["diff"]) if "diff" in d else None
    message = d.get("message", diff.message() if diff is not None else "")
    return Check(
        d["quantity"],
        d["category"],
        d["ok"],
        diff,
        message,
        d.get("missing", ""),
        d.get("error", ""),
    )


def owned(manifest: Manifest | None) -> set[str]:
    """The relative paths the harness wrote, the manifest included."""
    return set(manifest.files) | {NAME} if manifest else set()
