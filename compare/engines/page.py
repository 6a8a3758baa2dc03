"""`python -m compare engines`: the cases in several engines side by side, in `engines.md`.

One column per engine, one row per case group (a case's first tag): pass / fail / missing /
not-applicable counts and the median margin to tolerance, and a last row with each engine's
per-op overhead against torch, measured in the same run on one small graph.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from ..atomic import write_atomic
from ..report.tables import STATUS_MARK
from ..results import (
    ERROR,
    EXPECTED_ERROR,
    FAIL,
    INAPPLICABLE,
    MISSING,
    PASS,
    TIMEOUT,
    CaseResult,
)

#: the engines a plain `python -m compare engines` compares
DEFAULT_ENGINES = ("mini_autograd", "dezero", "tinygrad", "micrograd")
#: ops in the overhead workload's chain (each link is one multiply and one add)
CHAIN_LINKS = 25


@dataclass
class EngineRun:
    """One engine's results, or why it could not run."""

    name: str
    version: str = ""
    results: list[CaseResult] = field(default_factory=list)
    error: str = ""  # the engine could not be loaded
    overhead: float | None = None  # per-op time / torch's per-op time
    quirks: tuple[str, ...] = ()
    seconds: float = 0.0


def overhead_step(T: ModuleType, dtype: str = "float64") -> Callable[[], object]:
    """A 0-d chain of multiply-adds, forward and backward, read back: every engine has it."""

    def step() -> object:
        x = T.tensor(np.array(0.5), dtype=getattr(T, dtype), requires_grad=True)
        y = x
        for _ in range(CHAIN_LINKS):
            y = y * 0.9 + x
        y.backward()
        return x.grad.detach().numpy()

    return step


def per_op_seconds(step: Callable[[], object], rounds: int = 7) -> float:
    """Best-of-`rounds` seconds of one step, per op of the chain."""
    step()  # warm up (tinygrad compiles or builds its kernels here)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    return best / (2 * CHAIN_LINKS)


def counts(results: Sequence[CaseResult]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in results:
        out[r.status] = out.get(r.status, 0) + 1
    return out


def margin_of(result: CaseResult) -> float | None:
    """The row's worst |difference| / (atol + rtol·|reference|), when the checks carry it."""
    margins = [getattr(c.diff, "margin", None) for c in result.checks if getattr(c, "diff", None)]
    margins = [m for m in margins if m is not None and np.isfinite(m)]
    return max(margins) if margins else None


def cell(results: Sequence[CaseResult]) -> str:
    """One group in one engine: ✅ n · ❌ n · 🚧 n · – n, and the median margin of the passes."""
    c = counts(results)
    parts = []
    for status in (PASS, EXPECTED_ERROR, FAIL, ERROR, TIMEOUT, MISSING, INAPPLICABLE):
        if c.get(status):
            # fail, error and timeout share ❌: the two rarer ones say which they are
            word = f" {status}" if status in (EXPECTED_ERROR, ERROR, TIMEOUT) else ""
            parts.append(f"{STATUS_MARK[status]} {c[status]}{word}")
    margins = [m for m in map(margin_of, results) if m is not None]
    text = " · ".join(parts) or "–"
    if margins:
        text += f" <br>margin {statistics.median(margins):.2g}"
    return text


def render(runs: Sequence[EngineRun], groups: Mapping[str, str], env: Mapping[str, str]) -> str:
    """The engines page: the table, what each mark means, the engines' quirks, the environment."""
    names = [r.name for r in runs]
    lines = [
        "# Engines against torch",
        "",
        "The same cases in each engine, compared with torch (values, gradients, second order). "
        "A cell counts the rows (case × dtype) of one group: ✅ pass, ❌ fail (or error, or "
        "timeout, as it says), 🚧 missing (torch names the engine lacks), ➖ not applicable (the "
        "engine cannot run the case by design); *margin* is the median of the worst "
        "|difference| / (atol + rtol·|torch|) per row (1 = at the tolerance).",
        "",
        "| group | " + " | ".join(f"`{n}`" for n in names) + " |",
        "|:--|" + "|".join(":-:" for _ in names) + "|",
    ]
    for group in sorted(set(groups.values())):
        row = [
            "not run" if r.error else cell([x for x in r.results if groups.get(x.case) == group])
            for r in runs
        ]
        lines.append(f"| {group} | " + " | ".join(row) + " |")
    totals = [cell(r.results) if not r.error else "not run" for r in runs]
    lines.append("| **all** | " + " | ".join(f"**{t}**" for t in totals) + " |")
    over = [f"{r.overhead:.2f} ×" if r.overhead is not None else "–" for r in runs]
    lines.append("| per-op time ÷ torch | " + " | ".join(over) + " |")
    lines += [
        "",
        f"*Per-op time*: a 0-d chain of {CHAIN_LINKS} multiply-adds, forward and backward, best "
        "of 7, divided by torch's on the same machine in the same run.",
        "",
        "## The engines",
        "",
    ]
    for r in runs:
        head = f"- **{r.name}** {r.version}".rstrip()
        if r.error:
            lines.append(f"{head}: not run — {r.error}")
            continue
        lines.append(f"{head}: {len(r.results)} rows in {r.seconds:.1f} s.")
        lines += [f"  - {q}" for q in r.quirks]
    lines += ["", "<details><summary>environment</summary>", ""]
    lines += ["| | |", "|:--|:--|"] + [f"| {k} | {v} |" for k, v in env.items()]
    lines += ["", "</details>", "", "[summary](summary.md) · [benchmarks](bench.md)", ""]
    return "\n".join(lines)


def write_page(out: Path, text: str) -> Path:
    """Write `out/engines.md` whole or not at all (a temporary file, then one rename)."""
    return write_atomic(out / "engines.md", text)


def version_of(engine: Any) -> str:
    from ..env import package_version

    adapter = getattr(engine, "adapter", None)
    if adapter is not None:
        return adapter.version() or (package_version(adapter.package) if adapter.package else "")
    own = str(getattr(engine, "__version__", ""))
    if own:
        return own
    found = package_version(engine.__name__)
    return "" if found == "not installed" else found
