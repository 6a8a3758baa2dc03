"""results.csv: every number of the reports, one row per check or accuracy figure; timing.csv:
the timings, apart because they change on every run (results.csv does not, for a given seed)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..results import CaseResult

COLUMNS = [
    "case",
    "kind",
    "dtype",
    "status",
    "category",
    "quantity",
    "ok",
    "max_abs_diff",
    "max_rel_diff",
    "margin",
    "mismatched",
    "total",
    "worst_index",
    "rtol",
    "atol",
    "torch",
    "candidate",
    "message",
]


TIMING_COLUMNS = ["case", "kind", "dtype", "phase", "torch_seconds", "candidate_seconds", "ratio"]


def frame(results: Sequence[CaseResult]) -> pd.DataFrame:
    """Long format: category is a check's or "accuracy" (errors against float64)."""
    rows = []
    for r in results:
        base = {"case": r.case, "kind": r.kind, "dtype": r.dtype, "status": r.status}
        for c in r.checks:
            row = {
                **base,
                "category": c.category,
                "quantity": c.quantity,
                "ok": c.ok,
                "message": c.message,
            }
            if c.diff is not None:
                d = c.diff
                row.update(
                    max_abs_diff=d.max_abs,
                    max_rel_diff=d.max_rel,
                    margin=d.margin,
                    mismatched=d.mismatched,
                    total=d.total,
                    worst_index=str(d.abs_index),
                    rtol=d.tol.rtol,
                    atol=d.tol.atol,
                )
            rows.append(row)
        for a in r.accuracy:
            rows.append(
                {
                    **base,
                    "category": "accuracy",
                    "quantity": a.quantity,
                    "torch": a.reference_error,
                    "candidate": a.candidate_error,
                }
            )
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.astype({"mismatched": "Int64", "total": "Int64", "ok": "boolean"})


def timing_frame(results: Sequence[CaseResult]) -> pd.DataFrame:
    """Best-of-N seconds per phase in each framework, and candidate / torch."""
    rows = [
        {
            "case": r.case,
            "kind": r.kind,
            "dtype": r.dtype,
            "phase": phase,
            "torch_seconds": r.timing.reference[phase],
            "candidate_seconds": r.timing.candidate[phase],
            "ratio": r.timing.ratio(phase),
        }
        for r in results
        if r.timing
        for phase in r.timing.reference
    ]
    return pd.DataFrame(rows, columns=TIMING_COLUMNS)


def carried_timing(fresh: pd.DataFrame, old_csv: Path, keys: set[str]) -> pd.DataFrame:
    """`fresh` and the rows of the previous timing.csv whose "case/dtype" is in `keys` (a filtered
    run keeps the other cases' timings); `fresh` alone when there is no readable old file."""
    try:
        old = pd.read_csv(old_csv)
    except (OSError, ValueError):
        return fresh
    if list(old.columns) != TIMING_COLUMNS:
        return fresh
    kept = old[(old["case"].astype(str) + "/" + old["dtype"].astype(str)).isin(keys)]
    return (
        pd.concat([fresh, kept], ignore_index=True) if len(fresh) else kept.reset_index(drop=True)
    )
