"""reports/summary.md: environment, totals, and one row per case and dtype, failures first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from ..env import header
from ..results import CATEGORIES, FD, STATUS_ORDER, Accuracy, CaseResult, Check
from ..tolerances import ACCURACY_TIE
from .tables import NOT_APPLICABLE, STATUS, ratio, sci, table

_ORDER = {s: i for i, s in enumerate(STATUS_ORDER)}

LEGEND = """\
One row per case and dtype, failures first; a case's name links to its page. **value**, **grad**
and **2nd order** are the greatest absolute difference between {cand} and torch over the case's
output, over the gradients of all its inputs, and over its second-order gradients: ❌ marks a
difference out of tolerance (or `raised`: an exception the case does not expect), 🚧 a torch name
{cand} does not provide yet. **FD** (float64 rows): {cand}'s gradients agree (✓) with central
finite differences. **closer to f64** (float32 rows): whose float32 results are closer to torch's
float64 results on the same inputs. **time**: {cand}'s forward + backward time over torch's
(below 1× means {cand} is faster)."""


def category_cell(result: CaseResult, category: str) -> str:
    """The worst difference of one category of checks, marked ❌ when any of them failed."""
    checks = [c for c in result.checks if c.category == category]
    if not checks:
        return NOT_APPLICABLE
    failed = [c for c in checks if not c.ok]
    if failed:
        return ("🚧 " if all(c.missing for c in failed) else "❌ ") + _failure_word(failed)
    diffs = [c.diff.max_abs for c in checks if c.diff is not None]
    return sci(max(diffs)) if diffs and category != FD else "✓"


def _failure_word(failed: Sequence[Check]) -> str:
    diffs = [c.diff for c in failed if c.diff is not None and not c.diff.problem]
    if diffs:
        return sci(max(d.max_abs for d in diffs))
    if any(c.missing for c in failed):
        return "missing"
    problems = [c.diff.problem for c in failed if c.diff is not None]
    if problems:
        return "dtype" if any("'dtype'" in p for p in problems) else "shape"
    return "raised" if any("raised" in c.message for c in failed) else "differs"


def closer_cell(result: CaseResult) -> str:
    """Whose float32 results are closer to the float64 reference, over all quantities."""
    if not result.accuracy:
        return NOT_APPLICABLE
    worst = Accuracy(
        "all",
        max(a.reference_error for a in result.accuracy),
        max(a.candidate_error for a in result.accuracy),
    )
    return {"tie": "tie", "reference": "torch", "candidate": result.candidate}[
        worst.closer(ACCURACY_TIE)
    ]


def totals_line(results: Sequence[CaseResult]) -> str:
    counts = Counter(r.status for r in results)
    cases = len({r.case for r in results})
    dtypes = len({r.dtype for r in results})
    parts = [f"{STATUS[s]} {counts[s]}" for s in STATUS_ORDER if counts[s]]
    dtype_word = "dtype" if dtypes == 1 else "dtypes"
    runs = f"{cases} cases × {dtypes} {dtype_word} = {len(results)} runs"
    return f"**{runs}: " + " · ".join(parts) + "**"


def carried_line(results: Sequence[CaseResult]) -> str:
    """Which rows this run did not produce (a filtered run merged into the report), or ""."""
    old = sum(not r.fresh for r in results)
    if not old:
        return ""
    return (
        f"This run produced {len(results) - old} of these {len(results)} rows; the other {old} "
        "(marked ↺) are kept from earlier runs with the same seed, engine and options."
    )


def missing_line(results: Sequence[CaseResult]) -> str:
    """Which torch names the candidate lacks, and in how many runs, or "" if none."""
    counts = Counter(name for r in results for name in r.missing)
    if not counts:
        return ""
    cand = results[0].candidate
    names = ", ".join(f"`{n}` ({k} runs)" for n, k in sorted(counts.items()))
    return f"Not provided by {cand} yet: {names}."


def render(results: Sequence[CaseResult], env: Mapping[str, str], order: Sequence[str]) -> str:
    """The summary page; `order` is the registry order of case names."""
    position = {name: i for i, name in enumerate(order)}
    ranked = sorted(results, key=lambda r: (_ORDER[r.status], position[r.case], r.dtype))
    cand = results[0].candidate if results else "candidate"
    rows = []
    for r in ranked:
        row = {
            "case": f"[{r.case}](cases/{r.case}.md)",
            "dtype": r.dtype if r.fresh else f"{r.dtype} ↺",
            "status": STATUS[r.status],
        }
        row.update({c: category_cell(r, c) for c in CATEGORIES if c != FD})
        row["FD"] = category_cell(r, FD)
        row["closer to f64"] = closer_cell(r)
        row["time"] = ratio(r.timing.ratio()) if r.timing else NOT_APPLICABLE
        rows.append(row)
    parts = [
        f"# {cand} vs torch: parity report",
        header(env),
        totals_line(results),
        carried_line(results),
        missing_line(results),
        LEGEND.format(cand=cand),
        table(rows) if rows else "No cases were run.",
    ]
    return "\n\n".join(p for p in parts if p) + "\n"
