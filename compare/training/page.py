"""The page of one training case: the recipe, then per dtype the loss curves, the largest
per-step difference, the weights at the end and the loss at every step."""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..report.function_page import accuracy_table, checks_table
from ..report.tables import STATUS, quote_block, sci, seconds, table
from ..tolerances import tolerance
from .loop import train
from .svg import Panel, Series, figure

if TYPE_CHECKING:
    from ..results import CaseResult
    from .case import TrainingCase, TrainingDetail

TORCH_COLOR, CANDIDATE_COLOR = "#1f77b4", "#ff7f0e"


def render(case: TrainingCase, results: Sequence[CaseResult]) -> str:
    statuses = " · ".join(f"{r.dtype}: {STATUS[r.status]}" for r in results)
    tags = ", ".join(f"`{t}`" for t in case.tags)
    parts = [
        f"# {case.name}",
        f"[← summary](../summary.md) · tags: {tags} · {statuses}",
        case.title,
        recipe_list(case),
        f"```python\n{_source(case.recipe.model)}\n```",
        "<details><summary>The training loop: the same code runs with T = torch and "
        "T = the candidate</summary>\n\n"
        f"```python\n{_source(train)}\n```\n\n</details>",
        what_is_compared(case),
    ]
    for r in results:
        parts += [f"## {r.dtype} · {STATUS[r.status]}", run_section(case, r)]
    return "\n\n".join(p for p in parts if p) + "\n"


def plots(case: TrainingCase, results: Sequence[CaseResult]) -> dict[str, str]:
    """One SVG per run that trained in both frameworks: the two loss curves, and their gap."""
    files = {}
    for r in results:
        detail = _detail(r)
        if detail is None or detail.candidate is None:
            continue
        ref, cand = detail.reference.losses, detail.candidate.losses
        gap = np.abs(np.subtract(cand, ref)).tolist()
        panels = [
            Panel(
                f"training loss, {r.dtype}",
                [
                    Series("torch", ref, TORCH_COLOR),
                    Series(r.candidate, cand, CANDIDATE_COLOR, dash="6 4"),
                ],
            ),
            Panel(
                f"|{r.candidate} − torch| per step (log scale)",
                [Series("loss gap", gap, "#444")],
                log=True,
            ),
        ]
        files[plot_name(case, r)] = figure(panels)
    return files


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
        parts.append(quote_block(result.failure_message()))
    if detail is None or detail.candidate is None:
        return "\n\n".join(parts)
    ref, cand = detail.reference, detail.candidate
    parts += [
        f"![loss curves of torch and {result.candidate}]({plot_name(case, result)})",
        _headline(result, ref.losses, cand.losses, ref.eval_loss, cand.eval_loss),
    ]
    parts.append(checks_table(result))
    if result.accuracy:
        parts += [
            "Drift from float64 (torch in float64 from the same rounded start and data; "
            "greatest absolute difference over the run):",
            accuracy_table(result),
        ]
    if result.timing:
        t = result.timing
        phase = next(iter(t.reference))
        parts.append(
            f"Time for {phase}: torch {seconds(t.reference[phase])}, "
            f"{result.candidate} {seconds(t.candidate[phase])} "
            f"({t.ratio():.2g}× torch's; torch on one thread, its fastest setting for "
            "a model this small)."
        )
    parts.append(_loss_table(result.candidate, ref.losses, cand.losses))
    return "\n\n".join(p for p in parts if p)


def _tolerance_line(case: TrainingCase, dtype: str) -> str:
    values, grads = tolerance(dtype, "value", case.tol), tolerance(dtype, "grad", case.tol)
    return f"Tolerance: losses and weights {values}; gradients at step 1 {grads}."


def _headline(
    result: CaseResult,
    ref: Sequence[float],
    cand: Sequence[float],
    ref_eval: float,
    cand_eval: float,
) -> str:
    r, c = np.asarray(ref, np.float64), np.asarray(cand, np.float64)
    gap = np.abs(c - r)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(gap == 0, 0.0, gap / np.abs(r))
    worst = int(np.argmax(gap))
    return (
        f"**Largest per-step loss difference: {sci(float(gap[worst]))}** at step {worst + 1} "
        f"(index {worst}; relative {sci(float(rel[worst]))}; largest relative "
        f"{sci(float(rel.max()))}). "
        f"Loss at step 1: torch {r[0]:.6g}, {result.candidate} {c[0]:.6g}; at step {len(r)}: "
        f"torch {r[-1]:.6g}, {result.candidate} {c[-1]:.6g}. Eval-mode loss after training: "
        f"torch {ref_eval:.6g}, {result.candidate} {cand_eval:.6g}."
    )


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
