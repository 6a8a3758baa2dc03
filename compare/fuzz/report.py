"""fuzz.md (the run in one page) and a case page per distinct minimal mismatch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from ..atomic import write_atomic
from ..report.function_page import render as render_case
from ..report.tables import sci, table
from .judge import CANDIDATE, NEITHER, TORCH, Judgement
from .session import FuzzRun, Mismatch

SUMMARY, PAGES = "fuzz.md", "cases"


def page_name(m: Mismatch, run: FuzzRun) -> str:
    """The program's name, with the dtype when the run has two (each gets its page)."""
    name = m.minimal.program.name
    return f"{name}-{m.minimal.dtype}" if len(run.dtypes) > 1 else name


def culprit(fault: str, engine: str) -> str:
    return {CANDIDATE: f"❌ {engine}", TORCH: "⚠️ torch", NEITHER: "rounding (neither)"}[fault]


def write(out: Path, run: FuzzRun, env: Mapping[str, str], command: str) -> Path:
    """Write fuzz.md and cases/<program>.md into `out`, each file replaced whole by a rename.

    Only these files are written; nothing else in `out` is touched.
    """
    pages = out / PAGES
    pages.mkdir(parents=True, exist_ok=True)
    groups = run.groups()
    for group in groups:
        write_atomic(pages / f"{page_name(group[0], run)}.md", page(group, run))
    write_atomic(out / SUMMARY, summary(run, groups, env, command))
    return out / SUMMARY


def summary(
    run: FuzzRun, groups: Sequence[Sequence[Mismatch]], env: Mapping[str, str], command: str
) -> str:
    from ..env import header

    faults = [g[0].fault for g in groups]
    mismatched = run.runs - run.agreements
    verdict = (
        f"**{faults.count(CANDIDATE)} of them are {run.engine}'s fault** (exit status 1)"
        if run.failed
        else f"none of them is {run.engine}'s fault (exit status 0)"
    )
    parts = [
        f"# Differential fuzzing: {run.engine} against torch",
        header(env),
        f"{run.programs} random programs ({', '.join(run.dtypes)}; {run.seconds:.0f} s): "
        f"**{run.agreements} of {run.runs} runs agree**; {mismatched} disagree, which shrink to "
        f"{len(groups)} distinct minimal mismatches ({sum(f == CANDIDATE for f in faults)} "
        f"{run.engine}'s, {sum(f == TORCH for f in faults)} torch's, "
        f"{sum(f == NEITHER for f in faults)} rounding); {verdict}."
        + (f" {run.skipped} draws gave no valid program." if run.skipped else ""),
        "Each program runs in both frameworks through the harness's own checks: values, gradients "
        "(`out.backward(gy)`, seeded `gy`) and, in float64, Hessian-vector products. A mismatch "
        "is shrunk to a smallest program with the same signature (its first failed check) and "
        "the same culprit; the culprit is decided against float64 central finite differences "
        "(gradients, second order) or torch's float64 run (float32), and torch defines shapes, "
        "dtypes and errors.",
        "## Minimal mismatches",
        _findings_table(groups, run) if groups else "None: every run agrees.",
        "## Coverage by op family",
        _coverage_table(run),
        "## Reproduce",
        f"```text\n{command}\n```",
    ]
    return "\n\n".join(parts) + "\n"


def _findings_table(groups: Sequence[Sequence[Mismatch]], run: FuzzRun) -> str:
    engine = run.engine
    rows = []
    for group in groups:
        m = group[0]
        p = m.minimal.program
        name = page_name(m, run)
        rows.append(
            {
                "culprit": culprit(m.fault, engine),
                "signature": m.signature,
                "dtype": m.minimal.dtype,
                "programs": len(group),
                "minimal program": f"`{_one_line(p)}`",
                "page": f"[{name}]({PAGES}/{name}.md)",
            }
        )
    return table(rows)


def _one_line(p) -> str:
    """The minimal program's body on one line, `;`-separated, for the summary table."""
    body = p.source().splitlines()[1:]
    return "; ".join(line.strip() for line in body).replace("|", "\\|")


def _coverage_table(run: FuzzRun) -> str:
    from mini_autograd.ops import OPS

    rows = []
    for fam in run.families:
        ops = sorted(
            ((op, n) for op, n in run.op_counts.items() if OPS[op].family == fam),
            key=lambda kv: -kv[1],
        )
        untouched = sorted(
            o for o, info in OPS.items() if info.family == fam and o not in run.op_counts
        )
        rows.append(
            {
                "family": fam,
                "programs": run.family_counts.get(fam, 0),
                "ops (times drawn)": ", ".join(f"{o} {n}" for o, n in ops) or "—",
                "not drawn": ", ".join(untouched) or "—",
            }
        )
    return table(rows)


def page(group: Sequence[Mismatch], run: FuzzRun) -> str:
    m = group[0]
    minimal, found = m.minimal, m.found
    p = minimal.program
    case = p.case()
    harness = render_case(case, [minimal.result]).split("\n\n", 2)[2]  # without title and links
    others = ", ".join(g.found.program.name for g in group[1:])
    parts = [
        f"# {p.name} · {m.signature}",
        f"[← fuzz summary](../{SUMMARY}) · {minimal.dtype} · culprit: "
        f"{culprit(m.fault, run.engine)}",
        f"Found as random program `{found.program.name}` ({found.program.size} ops), shrunk to "
        f"{p.size} op{'s' if p.size != 1 else ''} that fail the same way."
        + (
            f" {len(group) - 1} more programs of the run shrank to the same ops: {others}."
            if others
            else ""
        ),
        "## Who is right",
        _verdicts(minimal, run.engine),
        "## As a regression case",
        "Drop this into a module of `compare/cases/` (which imports `case` and `uniform`); the "
        "harness draws the same input values from the case's name, so "
        f"`python -m compare --cases {p.name}` reproduces this page's numbers.",
        f"```python\n{p.case_definition()}```",
        "## The run, as the harness reports it",
        harness.replace("../summary.md", f"../{SUMMARY}"),
        f"<details><summary>The program as found ({found.program.size} ops)</summary>\n\n"
        f"```python\n{found.program.source()}```\n\n</details>",
    ]
    return "\n\n".join(parts).rstrip() + "\n"


def _verdicts(j: Judgement, engine: str) -> str:
    rows = [
        {"check": v.quantity, "culprit": culprit(v.fault, engine), "evidence": v.evidence}
        for v in j.verdicts
    ]
    text = table(rows)
    if j.references:
        rows = [
            {
                "quantity": r.quantity.replace(" vs finite differences", ""),
                "elements": f"{r.sampled} of {r.total}",
                "torch": ("✅ " if r.reference.ok else "❌ ") + sci(r.reference.max_abs),
                engine: ("✅ " if r.candidate.ok else "❌ ") + sci(r.candidate.max_abs),
            }
            for r in j.references
        ]
        text += (
            "\n\nIndependent references: second order against central finite differences of "
            "torch's float64 first-order gradient (no second-order autograd involved), values "
            "against a 50-digit mpmath evaluation:\n\n" + table(rows)
        )
    return text
