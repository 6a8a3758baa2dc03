"""Run a program in both frameworks with the harness's checks; name the mismatch and its culprit."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import Any

import numpy as np
import torch

from .. import tolerances
from ..checks import FDComparison, finite_difference_checks
from ..execute import BACKWARD, FORWARD, SECOND, Outcome, make_tensors
from ..finite_diff import finite_differences
from ..function_case import FunctionCase, FunctionDetail
from ..inputs import Draws, rng_for
from ..metrics import compare_arrays
from ..registry import RunContext
from ..results import FD, CaseResult, Check
from .exact import DIGITS, exact_value
from .program import Program

#: who a disagreement is the fault of
CANDIDATE, TORCH, NEITHER = "candidate", "torch", "neither"
#: finite differences sample up to this many elements per input when deciding who is right
FD_ELEMENTS = 48
_PHASES = (FORWARD, BACKWARD, SECOND)
#: torch returns some all-zero second derivatives (abs, l1_loss) as a ZeroTensor, which
#: `.numpy()` refuses: torch's own limitation, not a disagreement about the math
ZERO_TENSOR = "Cannot convert a ZeroTensor to numpy"
_ZERO_TENSOR_NOTE = (
    "torch returned its gradient as a ZeroTensor, which torch's own `.numpy()` refuses; the "
    "engine's zeros are the right values"
)

#: torch's engine refusing a gradient its own backward formula returned (zero-size shapes of
#: pixel_shuffle, for one): an internal inconsistency of torch, not a semantic it defines
INVALID = "returned an invalid gradient"
_INVALID_NOTE = (
    "torch's own backward returned a gradient its engine refuses (an internal error of torch); "
    "the engine's gradient has the input's shape"
)

_EMPTY_NOTE = (
    "torch computed an empty output and then refused its own backward (pixel_shuffle's, for "
    "one, checks the wrong dimension); the engine's gradient, zeros of the input's shape, is the "
    "only one an empty output has"
)


@dataclass
class Verdict:
    """Who is right about one failed check, and the evidence."""

    quantity: str
    fault: str
    evidence: str


@dataclass
class Judgement:
    """One program in one dtype: the harness's result, the mismatch's signature and culprit."""

    program: Program
    dtype: str
    result: CaseResult
    signature: str | None  # None when everything agrees
    verdicts: list[Verdict] = field(default_factory=list)
    #: second order against finite differences, values against mpmath: shown on the page
    references: list[FDComparison] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return self.signature is None

    @property
    def fault(self) -> str:
        """CANDIDATE if any failure is the candidate's, else TORCH if any is torch's."""
        faults = {v.fault for v in self.verdicts}
        for who in (CANDIDATE, TORCH):
            if who in faults:
                return who
        return NEITHER if faults else CANDIDATE


def run(program: Program, engine: ModuleType, dtype: str, decide: bool = False) -> Judgement:
    """The program through FunctionCase.run (second order in float64); `decide` adds verdicts."""
    case = program.case()
    case = replace(case, finite_differences=False)
    ctx = RunContext(engine, torch, dtype, seed=0, second_order=dtype == "float64", timing=False)
    result = case.run(ctx)
    judgement = Judgement(program, dtype, result, signature(result))
    if decide and judgement.signature is not None:
        _decide(judgement, case, engine)
    return judgement


def signature(result: CaseResult) -> str | None:
    """The first failure in report order, as a kind: "grad: values", "forward: ... raised X".

    Both frameworks refusing a program with the same exception is agreement: a float64 trace
    admitted it, and in float32 an explicit `.double()` beside a float32 value is refused alike.
    """
    failures = [c for c in result.failures if c.category != FD and not _same_refusal(c, result)]
    if not failures:
        return None
    return kind(failures[0], result.candidate)


def _same_refusal(check: Check, result: CaseResult) -> bool:
    detail = result.detail
    if check.quantity not in _PHASES or not check.message.startswith("both raised"):
        return False
    if not isinstance(detail, FunctionDetail):
        return False
    r = detail.reference.errors.get(check.quantity)
    c = detail.candidate.errors.get(check.quantity)
    return r is not None and c is not None and r.type == c.type


def kind(check: Check, candidate: str) -> str:
    """What went wrong in one check, without the numbers (so shrinking can keep it)."""
    if "constant in" in check.message:
        return f"{check.category}: constant in one framework"
    if check.quantity in _PHASES:
        text = check.message
        if text.startswith("both raised"):
            return f"{check.quantity}: different exceptions"
        who, _, rest = text.partition(" raised ")
        return f"{check.quantity}: only {who} raised {rest.split(':')[0].split(' ')[0]}"
    where = check.category
    if check.diff is not None and check.diff.problem:
        return f"{where}: " + ("shape" if "'shape'" in check.diff.problem else "dtype")
    if "is None in" in check.message:
        return f"{where}: None in one framework"
    return f"{where}: values"


# ---- who is right ----


def _decide(j: Judgement, case: FunctionCase, engine: ModuleType) -> None:
    detail: FunctionDetail = j.result.detail  # type: ignore[assignment]
    ref, cand = detail.reference, detail.candidate
    fd_rows: list[FDComparison] = []
    fd_tol = tolerances.FINITE_DIFFERENCES
    numeric = [c for c in j.result.failures if c.category != FD and _numeric(c)]
    for check in j.result.failures:
        if check.category == FD:
            continue
        if ZERO_TENSOR in check.message and check.message.startswith(f"{ref.framework} raised"):
            j.verdicts.append(Verdict(check.quantity, TORCH, _ZERO_TENSOR_NOTE))
        elif check.message.startswith(f"{ref.framework} raised") and INVALID in check.message:
            j.verdicts.append(Verdict(check.quantity, TORCH, _INVALID_NOTE))
        elif _torch_refuses_its_own_empty_output(check, ref, cand, detail.arrays):
            j.verdicts.append(Verdict(check.quantity, TORCH, _EMPTY_NOTE))
        elif _torch_lacks_second_order(check, ref.framework):
            j.verdicts.append(_judge_second_order_torch_lacks(j, case, ref, cand, fd_tol))
        elif check not in numeric:
            j.verdicts.append(Verdict(check.quantity, CANDIDATE, _semantic(check)))
    if not numeric:
        return
    if j.dtype != "float64":
        by_quantity = {a.quantity: a for a in j.result.accuracy}
        for check in numeric:
            a = by_quantity.get(check.quantity)
            if a is None:
                j.verdicts.append(Verdict(check.quantity, CANDIDATE, "no float64 reference"))
                continue
            closer = a.closer(tolerances.ACCURACY_TIE)
            fault = {"reference": CANDIDATE, "candidate": TORCH, "tie": NEITHER}[closer]
            evidence = (
                f"error against torch's float64 run: torch {a.reference_error:.3g}, "
                f"{j.result.candidate} {a.candidate_error:.3g}"
            )
            j.verdicts.append(Verdict(check.quantity, fault, evidence))
        return
    arrays = detail.arrays
    draws = Draws(0, case.name)
    if any(c.category == "grad" for c in numeric):
        fn = frozen_detach(case, arrays)
        fd = finite_differences(
            fn, torch, arrays, case.inputs, draws.upstream(ref.value.shape),
            rng_for(0, case.name, "finite differences"), FD_ELEMENTS, tolerances.FD_STEP,
        )  # fmt: skip
        _, fd_rows = finite_difference_checks(ref, cand, fd, fd_tol)
        j.result.detail = FunctionDetail(arrays, ref, cand, fd_rows)
    if any(c.category == "2nd order" for c in numeric) and not any(
        c.category == "grad" for c in j.result.failures
    ):
        j.references = _hvp_rows(case, arrays, ref, cand, draws, fd_tol)
    rows = {r.quantity.removesuffix(" vs finite differences"): r for r in fd_rows}
    rows.update({r.quantity.removesuffix(" vs finite differences"): r for r in j.references})
    for check in numeric:
        first = next((v for v in j.verdicts if v.quantity.startswith("grad ")), None)
        if check.category == "2nd order" and first is not None:
            why = "follows from the first-order mismatch (the reference is torch's gradient)"
            j.verdicts.append(Verdict(check.quantity, first.fault, why))
            continue
        row = rows.get(check.quantity)
        if row is None and check.quantity == "value":
            truth = exact_value(j.program, arrays)
            if truth is not None and truth.shape == ref.value.shape:
                tol = tolerances.DEFAULT["float64"]
                rd, cd = (
                    compare_arrays(ref.value, truth, tol),
                    compare_arrays(cand.value, truth, tol),
                )
                row = FDComparison(
                    f"value vs {DIGITS}-digit mpmath", truth.size, truth.size, rd, cd
                )
                j.references.append(row)  # shown with the other independent references
        if row is None:
            why = "no independent reference for values (finite differences judge gradients)"
            j.verdicts.append(Verdict(check.quantity, CANDIDATE, why))
            continue
        j.verdicts.append(Verdict(check.quantity, *_against(row, j.result.candidate)))


def _torch_refuses_its_own_empty_output(
    check: Check, ref: Outcome, cand: Outcome, arrays: dict[str, np.ndarray]
) -> bool:
    """torch computed an empty output, then refused to backpropagate through it: the gradient
    of an empty output is zeros of each input's shape, which the engine returned."""
    if check.quantity != BACKWARD or not check.message.startswith(f"{ref.framework} raised"):
        return False
    if ref.value is None or ref.value.size != 0 or BACKWARD in cand.errors:
        return False
    grads = [(cand.grads.get(n), a) for n, a in arrays.items() if n in cand.grads]
    return bool(grads) and all(
        g is None or (g.shape == a.shape and not np.any(g)) for g, a in grads
    )


def _torch_lacks_second_order(check: Check, reference: str) -> bool:
    """torch raised on the second order because it implements no double backward for the op."""
    text = check.message
    return (
        check.quantity == SECOND
        and text.startswith(f"{reference} raised")
        and "is not implemented" in text
    )


def _judge_second_order_torch_lacks(
    j: Judgement, case: FunctionCase, ref: Outcome, cand: Outcome, tol: tolerances.Tol
) -> Verdict:
    """The engine's second order against finite differences of torch's (working) gradient."""
    rows = _hvp_rows(case, j.result.detail.arrays, ref, cand, Draws(0, case.name), tol)
    j.references.extend(rows)
    name = j.result.candidate
    if rows and all(r.candidate.ok for r in rows):
        worst = max(r.candidate.max_abs for r in rows)
        return Verdict(
            SECOND,
            TORCH,
            f"torch implements no second derivative here; {name}'s agrees with finite "
            f"differences of torch's gradient (max abs error {worst:.3g})",
        )
    return Verdict(
        SECOND, CANDIDATE, f"torch implements no second derivative here, and {name}'s does not "
        "agree with finite differences of torch's gradient",
    )  # fmt: skip


def frozen_detach(case: FunctionCase, arrays: dict[str, np.ndarray]):
    """case.fn in which every `.detach()` returns its value at the unperturbed inputs.

    Finite differences move every use of an input, but a detached use is a constant to
    autograd (a loss's target `x.detach()`): holding it at its unperturbed value makes the
    differences measure what autograd does. The program's calls run in the same order each time.
    """
    real = torch.Tensor.detach
    recorded: list[torch.Tensor] = []

    def record(self: torch.Tensor) -> torch.Tensor:
        d = real(self)
        recorded.append(d.clone())
        return d

    torch.Tensor.detach = record  # type: ignore[method-assign]
    try:
        with torch.no_grad():
            case.fn(torch, *make_tensors(torch, arrays, case.inputs, "float64").values())
    finally:
        torch.Tensor.detach = real  # type: ignore[method-assign]
    if not recorded:
        return case.fn

    def fn(T: ModuleType, *xs: torch.Tensor) -> Any:
        replay = iter(recorded)
        torch.Tensor.detach = lambda self: next(replay).clone()  # type: ignore[method-assign]
        try:
            return case.fn(T, *xs)
        finally:
            torch.Tensor.detach = real  # type: ignore[method-assign]

    return fn


def _numeric(check: Check) -> bool:
    return check.diff is not None and not check.diff.problem


def _semantic(check: Check) -> str:
    return "torch defines the semantics: a different shape, dtype, None or exception is a bug"


def _against(row: FDComparison, candidate: str) -> tuple[str, str]:
    r, c = row.reference, row.candidate
    mp = "mpmath" in row.quantity
    what = f"a {DIGITS}-digit mpmath evaluation" if mp else "finite differences"
    text = (
        f"max abs error against {what} ({row.sampled} of {row.total} elements): "
        f"torch {r.max_abs:.3g}, {candidate} {c.max_abs:.3g}"
    )
    if c.ok and not r.ok:
        return TORCH, text + f"; {candidate} agrees with it, torch does not"
    if r.ok and not c.ok:
        return CANDIDATE, text + f"; torch agrees with it, {candidate} does not"
    if r.ok and c.ok and c.max_abs <= tolerances.ACCURACY_TIE * max(r.max_abs, 1e-12):
        return NEITHER, text + "; both agree with it (rounding, not a bug)"
    if r.ok and c.ok:
        return CANDIDATE, text + f"; both within tolerance, {candidate} further off"
    return CANDIDATE, text + "; neither agrees with it (not differentiable here?)"


def _hvp_rows(
    case: FunctionCase,
    arrays: dict[str, np.ndarray],
    ref: Outcome,
    cand: Outcome,
    draws: Draws,
    tol: tolerances.Tol,
) -> list[FDComparison]:
    """Both frameworks' Hessian-vector products against finite differences of torch's gradient."""
    names = [n for n, s in case.inputs.items() if s.differentiable]
    fn = frozen_detach(case, arrays)

    def s_of_x(T: ModuleType, *xs: torch.Tensor) -> torch.Tensor:
        named = dict(zip(case.inputs, xs, strict=False))
        out = fn(T, *xs)
        gy = torch.tensor(draws.upstream(tuple(out.shape)), dtype=out.dtype)
        inputs = [named[n] for n in names]
        grads = torch.autograd.grad(out, inputs, grad_outputs=gy, allow_unused=True)
        total = torch.zeros((), dtype=torch.float64)
        for n, g in zip(names, grads, strict=False):
            if g is not None:
                total = total + (g * torch.tensor(draws.weights(n, tuple(g.shape)))).sum()
        return total

    fd = finite_differences(
        s_of_x, torch, arrays, case.inputs, np.ones(()),
        rng_for(0, case.name, "second-order finite differences"), FD_ELEMENTS, tolerances.FD_STEP,
    )  # fmt: skip
    rows = []
    for name, (where, derivatives) in fd.items():
        r = (ref.second or {}).get(name)
        c = (cand.second or {}).get(name)
        like = arrays[name]
        r = np.zeros_like(like) if r is None else r
        c = np.zeros_like(like) if c is None else c
        if r.shape != c.shape:
            continue
        rd = compare_arrays(r.astype(np.float64).flat[where], derivatives, tol)
        cd = compare_arrays(c.astype(np.float64).flat[where], derivatives, tol)
        quantity = f"2nd order {name} vs finite differences"
        rows.append(FDComparison(quantity, int(where.size), int(r.size), rd, cd))
    return rows
