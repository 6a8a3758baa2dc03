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
    STATUS_ORDER,
    TIMEOUT,
    CaseResult,
)

#: every status a run can have, with its mark
STATUS_MARK = {
    PASS: "✅",
    EXPECTED_ERROR: "✅",
    FAIL: "❌",
    ERROR: "❌",
    TIMEOUT: "❌",
    MISSING: "🚧",
    INAPPLICABLE: "➖",
}
STATUS = {s: f"{mark} {s}" for s, mark in STATUS_MARK.items()}
NOT_APPLICABLE = "–"


def status_text(status: str) -> str:
    """A status as the reports write it: its mark and its name, e.g. "✅ pass"."""
    return STATUS.get(status, status)


def status_mark(status: str) -> str:
    return STATUS_MARK.get(status, "❔")


def status_rank(status: str) -> int:
    """Where a status sorts: what needs attention first, unknown statuses with it."""
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else 0


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def margin(x: float | None) -> str:
    """A margin to tolerance (1 = at the tolerance): 2 significant digits, small ones as 3·10⁻⁴."""
    if x is None:
        return NOT_APPLICABLE
    if x == 0:
        return "0"
    if math.isinf(x) or math.isnan(x):
        return "∞"
    if x < 0.01:  # 5·10⁻³: no hyphen for a narrow table cell to break at
        mantissa, exponent = f"{x:.0e}".split("e")
        return f"{mantissa}·10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    if x < 100:
        return f"{x:.2g}"
    return f"{x:.0f}"


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


def failure_list(result: CaseResult) -> str:
    """A run's failed checks as a list that wraps: each check in bold, its message below."""
    failures = result.failures
    items = []
    for c in failures:
        lines = [prose(line) for line in c.message.splitlines() if line.strip()] or ["failed"]
        items.append(f"- **{prose(c.quantity)}**: " + "\\\n  ".join(lines))
    n = len(failures)
    return f"{n} check{'s' * (n != 1)} failed:\n\n" + "\n".join(items)


def prose(text: str) -> str:
    """Text from an exception or a message, safe in markdown prose (no HTML, no emphasis);
    `code spans` in it stay code."""
    pieces = text.split("`")
    paired = len(pieces) % 2 == 1
    if not paired:  # an unpaired backtick: no code spans
        pieces = [text]
    for k in range(0, len(pieces), 2):
        for ch in "\\<>*_[]" if paired else "\\<>*_[]`":
            pieces[k] = pieces[k].replace(ch, "\\" + ch)
    return "`".join(pieces).strip()


def quote_block(text: str) -> str:
    """Multi-line text (an assertion message) as a fenced block, as pytest would print it."""
    return "```text\n" + text.strip() + "\n```"
