"""Formatting shared by every page: numbers, statuses, and pandas tables rendered by tabulate."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from ..results import (
    ERROR,
    EXPECTED_ERROR,
    FAIL,
    INAPPLICABLE,
    MISSING,
    PASS,
    TIMEOUT,
)

STATUS = {
    PASS: "✅ pass",
    EXPECTED_ERROR: "✅ expected error",
    FAIL: "❌ fail",
    ERROR: "❌ error",
    TIMEOUT: "❌ timeout",
    MISSING: "🚧 missing",
    INAPPLICABLE: "➖ not applicable",
}
NOT_APPLICABLE = "–"


def sci(x: float | None) -> str:
    """A difference or error: 2 significant digits in scientific notation, 0 as 0."""
    if x is None:
        return NOT_APPLICABLE
    if x == 0:
        return "0"
    if math.isnan(x) or math.isinf(x):
        return str(x)
    return f"{x:.1e}"


def seconds(s: float) -> str:
    """A duration in the unit that keeps it readable."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s * 1e9:.3g} ns"


def ratio(r: float) -> str:
    return NOT_APPLICABLE if math.isnan(r) else f"{r:.2g}×"


def table(rows: Sequence[Mapping[str, object]] | pd.DataFrame, align: str | None = None) -> str:
    """A GitHub markdown table from rows of already formatted cells ('|' escaped)."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    frame = frame.map(lambda v: str(v).replace("|", "\\|").replace("\n", " "))
    return frame.to_markdown(index=False, disable_numparse=True, stralign=align or "left")


def quote_block(text: str) -> str:
    """Multi-line text (an assertion message) as a fenced block, as pytest would print it."""
    return "```text\n" + text.strip() + "\n```"
