"""results.csv: every number of the reports, one row per check, accuracy figure or timing."""

from __future__ import annotations

from collections.abc import Sequence

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
    "mismatched",
    "total",
    "worst_index",
    "rtol",
    "atol",
    "torch",
    "candidate",
    "message",
]


def frame(results: Sequence[CaseResult]) -> pd.DataFrame:
    """Long format: category is a check's, "accuracy" (errors vs float64) or "seconds"."""
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
        if r.timing:
            for phase in r.timing.reference:
                rows.append(
                    {
                        **base,
                        "category": "seconds",
                        "quantity": phase,
                        "torch": r.timing.reference[phase],
                        "candidate": r.timing.candidate[phase],
                    }
                )
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.astype({"mismatched": "Int64", "total": "Int64", "ok": "boolean"})
