"""reports/summary.md: the totals and the failures first, then one row per case grouped by
theme, float32 and float64 side by side, each with its status and worst margin to tolerance."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ..env import header
from ..results import EXPECTED_ERROR, FD, GRAD, PASS, SECOND, VALUE, Accuracy, CaseResult, Check
from ..tolerances import ACCURACY_TIE, DTYPES
from . import chart
from .tables import NOT_APPLICABLE, margin, prose, status_mark, status_rank, status_text, table

if TYPE_CHECKING:
    from ..registry import Case


def _cases(order: Sequence[str]) -> list[Case | str]:
    """The registered case of each name (its tags and title), or the bare name if there is none."""
    from .. import registry

    found: list[Case | str] = []
    for name in order:
        try:
            found.append(registry.get(name))
        except KeyError:
            found.append(name)
    return found


#: files the summary links to, next to it
CHART, BENCH, CSV, TIMING_CSV = "margins.svg", "bench.md", "results.csv", "timing.csv"

#: the categories a margin is taken over (finite differences have a tolerance of their own)
MARGIN_CATEGORIES = (VALUE, GRAD, SECOND)

#: a heading per theme (a case's first tag), in the summary's order; themes not listed show
#: their tag and come after these
THEMES = {
    "book": "The book's functions (DeZero)",
    "elementwise": "Elementwise ops",
    "reduction": "Reductions",
    "shape": "Shapes and views",
    "indexing": "Indexing",
    "tensor": "Tensor API",
    "graph": "Graph structure",
    "numerics": "Numerics: edge values",
    "catalogue": "Op catalogue",
    "linalg": "Linear algebra, einsum",
    "nn": "nn layers and losses",
    "conv": "Conv, pooling, norms",
    "attention": "Attention, embedding losses",
    "training": "Training runs",
}

#: a description is clipped to this many characters: one line in GitHub's column
TITLE_CHARS = 50

FOLDED = (
    "Each theme is one line while all its runs agree (pass, expected error, not applicable): "
    "click it for its table, one row per case. A theme with a run that does not agree is open."
)

LEGEND = """\
**margin** = the largest |{cand} − torch| / (atol + rtol·|torch|) over a run's output, gradients
and second-order gradients, with the tolerance that run applied: 1 is exactly at the tolerance,
0 means bit-identical, 0.01 means a hundredth of the allowed difference. A run passes when every
element is within tolerance (and, in float64, its gradients agree with finite differences).
The raw differences are on each case's page and in [`{csv}`]({csv})."""


def run_margin(result: CaseResult) -> float | None:
    """The worst margin over value, gradients and second order; None if nothing was measured."""
    margins = [
        c.diff.margin
        for c in result.checks
        if c.category in MARGIN_CATEGORIES and c.diff is not None and not c.diff.problem
    ]
    return max(margins) if margins else None


def cell(result: CaseResult | None) -> str:
    """One run in the table: its status mark and margin, or its status in words."""
    if result is None:
        return NOT_APPLICABLE
    m = run_margin(result)
    if result.status == PASS and m is not None:
        reason = margin(m)
    elif result.failures and not result.verdict:
        reason = margin(m) if m is not None and m > 1 else _failure_word(result.failures)
    else:
        reason = result.status
    stale = "" if result.fresh else " ↺"
    # a no-break space: the mark stays with its number
    return f"{status_mark(result.status)}\u00a0{reason}{stale}"


def _failure_word(failed: Sequence[Check]) -> str:
    """One word for why a run failed when no margin says it."""
    if any(c.missing for c in failed):
        return "missing"
    if any(c.error for c in failed):
        return "raised"
    problems = [c.diff.problem for c in failed if c.diff is not None and c.diff.problem]
    if problems:
        return "dtype" if any("'dtype'" in p for p in problems) else "shape"
    if any(c.category == FD for c in failed):
        return "FD"
    if any("raised" in c.message for c in failed):
        return "raised"
    return "differs"


def totals_line(results: Sequence[CaseResult]) -> str:
    counts = Counter(r.status for r in results)
    cases = len({r.case for r in results})
    dtypes = len({r.dtype for r in results})
    parts = [f"{status_text(s)} {counts[s]}" for s in sorted(counts, key=status_rank)]
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


def failures_section(results: Sequence[CaseResult]) -> str:
    """Every run that did not pass, first thing after the totals."""
    bad = sorted((r for r in results if not r.ok), key=lambda r: status_rank(r.status))
    if not bad:
        return ""
    rows = [
        {
            "case": f"[{r.case}](cases/{r.case}.md)",
            "dtype": r.dtype if r.fresh else f"{r.dtype} ↺",
            "status": status_text(r.status),
            "margin": margin(run_margin(r)),
            "what": _what_failed(r),
        }
        for r in bad
    ]
    return "## Not passing\n\n" + table(rows)


def expected_errors_line(results: Sequence[CaseResult]) -> str:
    """The runs that passed by raising the error their case declares, or ""."""
    by_case: dict[str, list[CaseResult]] = {}
    for r in results:
        if r.status == EXPECTED_ERROR:
            by_case.setdefault(r.case, []).append(r)
    if not by_case:
        return ""
    items = [
        f"[{name}](cases/{name}.md) ({', '.join(r.dtype for r in runs)}: `{runs[0].expects}`)"
        for name, runs in by_case.items()
    ]
    return (
        "Expected errors (the case declares the exception and both frameworks raised it): "
        + ", ".join(items)
        + "."
    )


def _what_failed(result: CaseResult) -> str:
    """The failed checks in a few words (the case page has the full messages)."""
    if result.verdict:
        return prose(_clip("; ".join(result.notes) or result.verdict, 120))
    out_of_tol, off_fd, other = [], [], []
    for c in result.failures:
        if c.diff is not None and not c.diff.problem and c.category != FD:
            out_of_tol.append(c.quantity)
        elif c.category == FD:
            off_fd.append(c.quantity.replace(" vs finite differences", ""))
        else:
            first = (c.message.strip().splitlines() or ["failed"])[0]
            first = first.replace("The values for attribute ", "").replace(" do not match", "")
            other.append(f"{c.quantity}: {_clip(first, 80)}")
    words = []
    if out_of_tol:
        words.append("out of tolerance: " + ", ".join(out_of_tol))
    if off_fd:
        words.append("off finite differences: " + ", ".join(off_fd))
    words += other[:3]
    if len(other) > 3:
        words.append(f"and {len(other) - 3} more")
    return prose("; ".join(words))


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def theme_of(case: Case | str) -> str:
    tags = () if isinstance(case, str) else case.tags
    return tags[0] if tags else "other"


def _name(case: Case | str) -> str:
    return case if isinstance(case, str) else case.name


def group_sections(
    results: Sequence[CaseResult], order: Sequence[str]
) -> list[tuple[str, str, list[CaseResult]]]:
    """(theme, heading, results) per theme in registry order; rows of cases not in `order`
    come last, under "other"."""
    by_case: dict[str, list[CaseResult]] = {}
    for r in results:
        by_case.setdefault(r.case, []).append(r)
    names = list(order) + [n for n in by_case if n not in set(order)]
    groups: dict[str, list[str]] = {}
    for c in _cases(names):
        if _name(c) in by_case:
            groups.setdefault(theme_of(c), []).append(_name(c))
    known = list(THEMES)
    themes = sorted(
        groups, key=lambda t: (known.index(t) if t in known else len(known), t == "other")
    )
    out = []
    for theme in themes:
        members = groups[theme]
        runs = [r for name in members for r in by_case[name]]
        counts = Counter(r.status for r in runs)
        tally = ", ".join(
            f"{status_mark(s)} {counts[s]} {s}" for s in sorted(counts, key=status_rank)
        )
        n = len(members)
        heading = f"{THEMES.get(theme, theme)} — {n} case{'s' * (n != 1)}, {tally}"
        out.append((theme, heading, runs))
    return out


def case_table(runs: Sequence[CaseResult]) -> str:
    dtypes = [d for d in DTYPES if any(r.dtype == d for r in runs)]
    dtypes += sorted({r.dtype for r in runs} - set(dtypes))
    by_key = {(r.case, r.dtype): r for r in runs}
    names = list(dict.fromkeys(r.case for r in runs))
    titles = {_name(c): "" if isinstance(c, str) else c.title for c in _cases(names)}
    rows = []
    for name in names:
        row = {"case": f"[{name}](cases/{name}.md)"}
        row.update({d: cell(by_key.get((name, d))) for d in dtypes})
        row["what it computes"] = _clip(titles.get(name, ""), TITLE_CHARS)  # one line on GitHub
        rows.append(row)
    return table(rows)


def worst_line(runs: Sequence[CaseResult]) -> str:
    """The theme's worst margin per dtype, e.g. "worst margin: float32 0.087, float64 0"."""
    dtypes = [d for d in DTYPES if any(r.dtype == d for r in runs)]
    dtypes += sorted({r.dtype for r in runs} - set(dtypes))
    worst = []
    for d in dtypes:
        measured = [m for r in runs if r.dtype == d and (m := run_margin(r)) is not None]
        worst.append(f"{d} {margin(max(measured)) if measured else NOT_APPLICABLE}")
    return "worst margin: " + ", ".join(worst)


def theme_section(heading: str, runs: Sequence[CaseResult]) -> str:
    """A theme: one folded line (heading, counts, worst margins) over its table while every run
    agrees; else a heading and the table, open."""
    if all(r.ok for r in runs):
        title = f"<b>{html.escape(heading, quote=False)}</b> · {worst_line(runs)}"
        return f"<details><summary>{title}</summary>\n\n{case_table(runs)}\n\n</details>"
    return f"## {heading}\n\n{worst_line(runs)}\n\n{case_table(runs)}"


def accuracy_section(results: Sequence[CaseResult]) -> str:
    """Whose float32 results are closer to float64, counted over the runs that passed (a run
    with the wrong dtype would look closer for the wrong reason)."""
    judged = [r for r in results if r.accuracy and r.status == PASS]
    if not judged:
        return ""
    cand = judged[0].candidate
    who = {"reference": "torch", "candidate": cand, "tie": "tie"}
    verdicts: dict[str, list[str]] = {"torch": [], cand: [], "tie": []}
    for r in judged:
        worst = Accuracy(
            "all",
            max(a.reference_error for a in r.accuracy),
            max(a.candidate_error for a in r.accuracy),
        )
        verdicts[who[worst.closer(ACCURACY_TIE)]].append(r.case)
    text = (
        "## float32 accuracy\n\n"
        f"Which framework's float32 results are closer to torch's float64 results on the same "
        f"rounded inputs (the largest error over value and gradients; within a factor "
        f"{ACCURACY_TIE:g} of each other is a tie), over the {len(judged)} float32 runs that "
        f"passed: **{cand} closer in {len(verdicts[cand])}, torch closer in "
        f"{len(verdicts['torch'])}, tie in {len(verdicts['tie'])}**."
    )
    if verdicts["torch"]:
        links = ", ".join(f"[{n}](cases/{n}.md)" for n in verdicts["torch"])
        n = len(verdicts["torch"])
        text += (
            f"\n\n<details><summary>the {n} case{'s' * (n != 1)} where torch is closer"
            f"</summary>\n\n{links}\n\n</details>"
        )
    return text


def render(results: Sequence[CaseResult], env: Mapping[str, str], order: Sequence[str]) -> str:
    """The summary page; `order` names the cases in registry order (only those with rows show)."""
    cand = results[0].candidate if results else "candidate"
    links = (
        f"[benchmarks]({BENCH}) · [every number: {CSV}]({CSV}) · [timings]({TIMING_CSV}) · "
        "[environment](#environment)"
    )
    parts = [
        f"# {cand} vs torch: parity report",
        totals_line(results),
        carried_line(results),
        links,
    ]
    if not results:
        parts.append("No cases were run.")
    else:
        parts += [
            missing_line(results),
            failures_section(results),
            expected_errors_line(results),
            f"![the worst margin of every run, per theme]({CHART})",
            LEGEND.format(cand=cand, csv=CSV),
        ]
        sections = group_sections(results, order)
        if any(all(r.ok for r in runs) for _, _, runs in sections):
            parts.append(FOLDED)
        parts += [theme_section(heading, runs) for _, heading, runs in sections]
        parts.append(accuracy_section(results))
    parts += [
        "## Environment",
        "<details><summary>versions, machine, seed, default tolerances</summary>\n\n"
        + header(env)
        + "\n\n</details>",
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def assets(results: Sequence[CaseResult], order: Sequence[str]) -> dict[str, str]:
    """Files the summary shows, written next to it: the margin chart."""
    groups = [
        (THEMES.get(theme, theme), [(r.dtype, r.status, run_margin(r)) for r in runs])
        for theme, _, runs in group_sections(results, order)
    ]
    return {CHART: chart.margin_strip(groups)}
