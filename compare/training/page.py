"""The page of one training case: the recipe, then per dtype the loss curves, the largest
per-step difference, the weights at the end and the loss at every step."""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..report.function_page import accuracy_table, checks_table, page_line
from ..report.tables import failure_list, margin, sci, status_text, table
from ..tolerances import tolerance
from .loop import train
from .svg import Panel, Series, figure

if TYPE_CHECKING:
    from ..results import CaseResult
    from .case import TrainingCase, TrainingDetail

TORCH_COLOR, CANDIDATE_COLOR = "#0969da", "#bc4c00"
GAP_COLOR, TOL_COLOR, DRIFT_COLOR = "#24292f", "#cf222e", "#8c959f"


def render(case: TrainingCase, results: Sequence[CaseResult]) -> str:
    parts = [
        f"# {case.name}",
        page_line(case.tags, results),
        case.title,
        recipe_list(case),
        f"```python\n{_source(case.recipe.model)}\n```",
        "<details><summary>The training loop: the same code runs with T = torch and "
        "T = the candidate</summary>\n\n"
        f"```python\n{_source(train)}\n```\n\n</details>",
        what_is_compared(case),
    ]
    for r in results:
        parts += [f"## {r.dtype} · {status_text(r.status)}", run_section(case, r)]
    return "\n\n".join(p for p in parts if p) + "\n"


def plots(case: TrainingCase, results: Sequence[CaseResult]) -> dict[str, str]:
    """One SVG per run that trained in both frameworks: the per-step difference of the loss
    against the tolerance (and, in float32, against torch's own drift from float64), and the
    two loss curves, small."""
    files = {}
    for r in results:
        detail = _detail(r)
        if detail is None or detail.candidate is None:
            continue
        ref, cand = detail.reference.losses, detail.candidate.losses
        gap = loss_gap(ref, cand)
        series = [Series(f"|{r.candidate} − torch|", gap, GAP_COLOR, points=True)]
        series.append(
            Series("tolerance", tolerance_line(case, r.dtype, ref), TOL_COLOR, dash="5 3")
        )
        if detail.truth is not None:
            drift = loss_gap(detail.truth.losses, ref)
            series.append(Series("|torch f32 − f64| yardstick", drift, DRIFT_COLOR, width=1.4))
        panels = [
            Panel(f"loss difference per step, {r.dtype} (log scale)", series, log=True, height=230),
            Panel(
                "training loss (the curves coincide where the difference is small)",
                [
                    Series("torch", ref, TORCH_COLOR, width=2.5),
                    Series(r.candidate, cand, CANDIDATE_COLOR, dash="6 4", width=1.5),
                ],
                height=150,
            ),
        ]
        files[plot_name(case, r)] = figure(panels)
    return files


def loss_gap(ref: Sequence[float], other: Sequence[float]) -> list[float]:
    """|other − ref| at every step, in float64 (exact zeros stay 0)."""
    return np.abs(np.subtract(np.asarray(other, np.float64), np.asarray(ref, np.float64))).tolist()


def tolerance_line(case: TrainingCase, dtype: str, ref: Sequence[float]) -> list[float]:
    """The largest allowed difference at every step: atol + rtol·|torch's loss|."""
    tol = tolerance(dtype, "value", case.tol)
    return (tol.atol + tol.rtol * np.abs(np.asarray(ref, np.float64))).tolist()


def plot_name(case: TrainingCase, result: CaseResult) -> str:
    return f"{case.name}-{result.dtype}.svg"


def _detail(result: CaseResult) -> TrainingDetail | None:
    return result.detail  # type: ignore[return-value]


def _source(fn: object) -> str:
    return textwrap.dedent(inspect.getsource(fn)).strip()  # type: ignore[arg-type]


def _call(name: str, options: dict) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in options.items())
    return f"{name}({args})"


def recipe_list(case: TrainingCase) -> str:
    recipe = case.recipe
    lines = [
        f"- **data**: {case.data(1).description}",
        f"- **model**: `{recipe.model.__name__}(T)` below; **loss**: `nn.{recipe.loss}()`",
        f"- **optimizer**: `optim.{_call(recipe.optimizer, dict(recipe.options))}`",
    ]
    if recipe.scheduler:
        call = _call(recipe.scheduler, dict(recipe.scheduler_options))
        lines.append(f"- **scheduler**: `optim.lr_scheduler.{call}`, stepped after every step")
    lines.append(
        f"- **steps**: {case.steps}, from torch's default initialisation (seeded), "
        "copied into both models with `load_state_dict`"
    )
    return "\n".join(lines)


def what_is_compared(case: TrainingCase) -> str:
    return (
        "Compared: the loss at every step, the learning rate at every step (with a scheduler), "
        "the gradients of every parameter after the first backward, every parameter after the "
        "last step, and the loss of the trained model in eval mode under `no_grad` on the whole "
        "data set. Float32 runs are also measured against torch in float64 from the same rounded "
        "start, which shows how far each framework's float32 trajectory drifts."
    )


def run_section(case: TrainingCase, result: CaseResult) -> str:
    detail = _detail(result)
    parts = [_tolerance_line(case, result.dtype)]
    if result.failures:
        parts.append(failure_list(result))
    if detail is None or detail.candidate is None:
        return "\n\n".join(parts)
    ref, cand = detail.reference, detail.candidate
    parts += [
        f"![per-step loss difference against the tolerance, and the loss curves of torch and "
        f"{result.candidate}]({plot_name(case, result)})",
        _headline(result, detail),
    ]
    parts.append(checks_table(result))
    if result.accuracy:
        parts += [
            "Drift from float64 (torch in float64 from the same rounded start and data; "
            "greatest absolute difference over the run):",
            accuracy_table(result),
        ]
    parts.append(_loss_table(result.candidate, ref.losses, cand.losses))
    return "\n\n".join(p for p in parts if p)


def _tolerance_line(case: TrainingCase, dtype: str) -> str:
    values, grads = tolerance(dtype, "value", case.tol), tolerance(dtype, "grad", case.tol)
    return f"Tolerance: losses and weights {values}; gradients at step 1 {grads}."


def _headline(result: CaseResult, detail: TrainingDetail) -> str:
    """The run in two sentences: how close the losses are, against the tolerance and, in
    float32, against how far torch's own float32 run drifts from float64."""
    ref, cand = detail.reference, detail.candidate
    r, c = np.asarray(ref.losses, np.float64), np.asarray(cand.losses, np.float64)
    gap = np.abs(c - r)
    worst = int(np.argmax(gap))
    check = next((x for x in result.checks if x.quantity == "loss at every step"), None)
    within = check is not None and check.ok
    share = margin(check.diff.margin) if check is not None and check.diff else "–"
    verdict = "within tolerance" if within else "out of tolerance"
    if gap[worst] == 0:
        text = f"**The loss is bit-identical at all {len(r)} steps** (margin 0)."
    else:
        text = (
            f"**The loss at every step is {verdict}: margin {share}** (1 = at the tolerance). "
            f"Largest difference {sci(float(gap[worst]))} at step {worst + 1}, where the loss "
            f"is {r[worst]:.6g}; {int(np.count_nonzero(gap == 0))} of {len(r)} steps are "
            "bit-identical."
        )
    if detail.truth is not None:
        drift = float(np.max(np.abs(r - np.asarray(detail.truth.losses, np.float64))))
        text += (
            f" The yardstick for float32: torch's own float32 run drifts up to "
            f"{sci(drift)} from its float64 run on the same data"
            + (f"; the two frameworks differ by {gap.max() / drift:.2g}× that." if drift else ".")
        )
    text += (
        f" Loss at step 1: {r[0]:.6g}; at step {len(r)}: torch {r[-1]:.6g}, "
        f"{result.candidate} {c[-1]:.6g}. Eval-mode loss after training: torch "
        f"{ref.eval_loss:.6g}, {result.candidate} {cand.eval_loss:.6g}."
    )
    return text


def _loss_table(candidate: str, ref: Sequence[float], cand: Sequence[float]) -> str:
    rows = [
        {
            "step": i + 1,
            "torch": f"{r:.10g}",
            candidate: f"{c:.10g}",
            "abs diff": sci(abs(c - r)),
            "rel diff": sci(abs(c - r) / abs(r) if r else abs(c - r)),
        }
        for i, (r, c) in enumerate(zip(ref, cand, strict=True))
    ]
    return (
        "<details><summary>Loss at every step</summary>\n\n"
        + table(rows, align="right")
        + "\n\n</details>"
    )
