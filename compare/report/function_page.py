"""The page of one function case: code, graph, inputs, and per dtype every check in detail."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..checks import quantities
from ..execute import Outcome
from ..graph import mermaid, mermaid_pair, shape_text
from ..results import FD, SECOND, CaseResult
from ..tolerances import ACCURACY_TIE, DEFAULT, tolerance
from .tables import NOT_APPLICABLE, failure_list, margin, sci, status_text, table

if TYPE_CHECKING:
    from ..function_case import FunctionCase, FunctionDetail

#: tensors up to this size are shown whole side by side; larger ones by their worst elements
SHOW_ALL = 12
SHOW_WORST = 4


def render(case: FunctionCase, results: Sequence[CaseResult]) -> str:
    parts = [
        f"# {case.name}",
        page_line(case.tags, results),
        inspect.getdoc(case.fn) or "",
        f"```python\n{case.source}\n```",
        "## Graph",
        graph_section(results),
        "## Inputs",
        inputs_table(case, results),
        what_is_compared(case, results),
    ]
    for r in results:
        parts += [f"## {r.dtype} · {status_text(r.status)}", run_section(case, r)]
    return "\n\n".join(p for p in parts if p) + "\n"


def page_line(tags: Sequence[str], results: Sequence[CaseResult]) -> str:
    """The line under a page's title: back to the summary, the tags, each dtype's status."""
    items = ["[← summary](../summary.md)"]
    if tags:
        items.append("tags: " + ", ".join(f"`{t}`" for t in tags))
    items += [f"{r.dtype}: {status_text(r.status)}" for r in results]
    return " · ".join(items)


def _detail(result: CaseResult) -> FunctionDetail:
    return result.detail  # type: ignore[return-value]


def graph_section(results: Sequence[CaseResult]) -> str:
    details = [_detail(r) for r in results if r.detail is not None]
    cand = next((d.candidate for d in details if d.candidate.graph), None)
    ref = next((d.reference for d in details if d.reference.graph), None)
    if cand is None and ref is None:
        return "No graph: the output does not require grad in either framework."
    if cand is None:
        return (
            f"{details[0].candidate.framework} recorded no graph, so this is torch's "
            f"(walking `grad_fn.next_functions` from the output):\n\n{mermaid(ref.graph)}"
        )
    how = (
        "walking `grad_fn.next_functions` from the output; inputs at the top, node names as "
        "torch's, with the op you wrote in brackets where torch's name is an implementation "
        "detail; a block repeated many times in a row is drawn once, marked × n"
    )
    if ref is None or ref.graph == cand.graph:
        same = " torch records the same graph." if ref else ""
        return f"As {cand.framework} recorded it ({how}).{same}\n\n{mermaid(cand.graph)}"
    return (
        f"The two frameworks record different graphs, drawn side by side, each in a box named "
        f"after its framework ({how}).\n\n"
        + mermaid_pair(cand.graph, ref.graph, cand.framework, ref.framework)
    )


def inputs_table(case: FunctionCase, results: Sequence[CaseResult]) -> str:
    ran = [r for r in results if r.detail is not None]
    arrays = _detail(ran[-1]).arrays if ran else case.arrays(0)
    rows = []
    for name, arg in case.inputs.items():
        values = arrays[name]
        how = arg.describe()
        if values.size <= 6:
            shown = f"`{_values(values)}`" + ("" if how == "fixed" else f" ({how})")
        else:
            shown = how
        rows.append(
            {
                "input": name,
                "shape": shape_text(values.shape),
                "dtype": "the run's" if arg.dtype == "float" else arg.dtype,
                "requires_grad": "yes" if arg.differentiable else "no",
                "values": shown,
            }
        )
    return table(rows)


def what_is_compared(case: FunctionCase, results: Sequence[CaseResult]) -> str:
    """How the gradients were taken, so the numbers below can be reproduced by hand."""
    value = next((_detail(r).reference.value for r in results if r.detail is not None), None)
    scalar = value is not None and value.ndim == 0
    upstream = (
        "`out.backward()` (the output is 0-d)"
        if scalar
        else "`out.backward(gy)` with a seeded standard-normal `gy` of the output's shape"
    )
    text = f"Gradients: {upstream}, then each input's `.grad`."
    ran = any(c.category == SECOND for r in results for c in r.checks)
    if ran:
        text += (
            " **2nd order x**: `autograd.grad(s, x)` for s = Σᵢ sum(wᵢ · gradᵢ), the gradients "
            "taken with `create_graph=True` and wᵢ seeded standard-normal weights (1 for 0-d "
            "inputs): a Hessian-vector product."
        )
    elif not case.second_order:
        text += " Second order is not compared: the case is not twice differentiable."
    return text


def _values(a: np.ndarray) -> str:
    """Values as a reader writes them: 3, -0.5, 0.1235, True; nested lists for arrays."""
    if a.dtype == np.bool_ or np.issubdtype(a.dtype, np.integer):
        text = str(a.tolist())
    else:
        text = np.array2string(
            a, separator=", ", formatter={"float_kind": lambda v: format(float(v), ".4g")}
        )
    return " ".join(text.split())


def run_section(case: FunctionCase, result: CaseResult) -> str:
    if result.detail is None:  # decided without running (not applicable, timed out): say why
        notes = "; ".join(result.notes) or "no run"
        return f"Not run: {notes}."
    detail = _detail(result)
    parts = [_tolerance_line(case, result.dtype)]
    if result.failures:
        parts.append(failure_list(result))
    parts.append(checks_table(result))
    if detail.fd:
        parts += [
            "Gradients against central finite differences (float64, torch's forward):",
            fd_table(result),
        ]
    if result.accuracy:
        parts += [
            "Error against float64 (torch in float64 on the same rounded inputs):",
            accuracy_table(result),
        ]
    notes = _notes(result, detail)
    if notes:
        parts.append("\n".join(f"- {n}" for n in notes))
    parts.append(side_by_side(result))
    return "\n\n".join(p for p in parts if p)


def _tolerance_line(case: FunctionCase, dtype: str) -> str:
    if not case.tol:
        return f"Tolerance: torch's default for {dtype}, {DEFAULT[dtype]}."
    own = [
        f"{q} {tolerance(dtype, key, case.tol)}"
        for q, key in (("values", "value"), ("gradients", "grad"), ("2nd order", "2nd"))
    ]
    return "Tolerance, set by this case: " + "; ".join(own) + "."


def checks_table(result: CaseResult) -> str:
    rows = []
    for c in result.checks:
        if c.category == FD:
            continue
        d = c.diff
        rows.append(
            {
                "check": c.quantity,
                "ok": "✅" if c.ok else ("🚧" if c.missing else "❌"),
                "margin": margin(d.margin) if d and not d.problem else NOT_APPLICABLE,
                "max abs diff": sci(d.max_abs) if d and not d.problem else NOT_APPLICABLE,
                "max rel diff": sci(d.max_rel) if d and not d.problem else NOT_APPLICABLE,
                "mismatched": f"{d.mismatched} / {d.total}"
                if d and not d.problem
                else NOT_APPLICABLE,
                "worst at": _index(d.abs_index)
                if d and not d.problem and d.max_abs
                else NOT_APPLICABLE,
            }
        )
    return table(rows) if rows else ""


def _index(index: tuple[int, ...]) -> str:
    """An element's index as assert_close's message writes it, (1, 3); a 0-d tensor's "scalar"."""
    return str(index) if index else "scalar"


def fd_table(result: CaseResult) -> str:
    cand = result.candidate
    rows = [
        {
            "gradient": f.quantity.replace(" vs finite differences", ""),
            "elements": f"{f.sampled} of {f.total}",
            "torch vs FD": ("✅ " if f.reference.ok else "❌ ") + sci(f.reference.max_abs),
            f"{cand} vs FD": ("✅ " if f.candidate.ok else "❌ ") + sci(f.candidate.max_abs),
        }
        for f in _detail(result).fd
    ]
    return table(rows)


def accuracy_table(result: CaseResult) -> str:
    who = {"tie": "tie", "reference": "torch", "candidate": result.candidate}
    rows = [
        {
            "quantity": a.quantity,
            "torch error": sci(a.reference_error),
            f"{result.candidate} error": sci(a.candidate_error),
            "closer": who[a.closer(ACCURACY_TIE)],
        }
        for a in result.accuracy
    ]
    return table(rows)


def _notes(result: CaseResult, detail: FunctionDetail) -> list[str]:
    notes = list(result.notes)
    notes += [c.describe() for c in result.checks if c.ok and c.message]
    for outcome in (detail.reference, detail.candidate):
        notes += [f"{outcome.framework} warned: {w}" for w in outcome.warnings]
    return notes


def side_by_side(result: CaseResult) -> str:
    """The values themselves, torch next to the candidate, in a collapsible block."""
    detail = _detail(result)
    rows = _value_rows(detail.reference, detail.candidate, result.dtype)
    if not rows:
        return ""
    opened = " open" if result.failures else ""
    return (
        f"<details{opened}><summary>{result.dtype} values side by side</summary>\n\n"
        + table(rows)
        + "\n\n</details>"
    )


def _value_rows(ref: Outcome, cand: Outcome, dtype: str) -> list[dict[str, str]]:
    digits = ".9g" if dtype == "float32" else ".15g"
    theirs = {q: a for q, _, a in quantities(cand)}
    rows = []
    for quantity, _, r in quantities(ref):
        c = theirs.get(quantity)
        if r is None or c is None or r.shape != c.shape:
            continue
        with np.errstate(invalid="ignore"):
            gap = np.abs(r.astype(np.float64) - c.astype(np.float64))
        gap = np.where((r == c) | (np.isnan(r) & np.isnan(c)), 0.0, gap)
        if r.size <= SHOW_ALL:
            picked = list(range(r.size))
            label = quantity
        else:  # the largest differences first; NaN counts as the largest
            order = np.argsort(-np.nan_to_num(gap.ravel(), nan=np.inf), kind="stable")
            picked = [int(k) for k in order[:SHOW_WORST]]
            label = f"{quantity} ({SHOW_WORST} worst of {r.size})"
        for n, k in enumerate(picked):
            rows.append(
                {
                    "quantity": label if n == 0 else "",
                    "index": str(tuple(int(i) for i in np.unravel_index(k, r.shape))),
                    "torch": format(float(r.flat[k]), digits),
                    cand.framework: format(float(c.flat[k]), digits),
                    "abs diff": sci(float(gap.flat[k])),
                }
            )
    return rows
