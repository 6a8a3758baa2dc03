"""Turn two frameworks' outcomes into checks: values, gradients, errors, finite differences."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from .execute import BACKWARD, FORWARD, SECOND, Outcome
from .metrics import Diff, compare_arrays
from .results import FD, GRAD, VALUE, Accuracy, Check
from .results import SECOND as SECOND_ORDER
from .tolerances import Tol, tolerance

_PHASE_CATEGORY = {FORWARD: VALUE, BACKWARD: GRAD, SECOND: SECOND_ORDER}
_TOL_KEY = {VALUE: "value", GRAD: "grad", SECOND_ORDER: "2nd"}


def quantities(outcome: Outcome) -> Iterator[tuple[str, str, np.ndarray | None]]:
    """(quantity, category, array) for everything an outcome computed, in report order."""
    if outcome.value is not None:
        yield "value", VALUE, outcome.value
    for name, g in outcome.grads.items():
        yield f"grad {name}", GRAD, g
    for name, h in (outcome.second or {}).items():
        yield f"2nd order {name}", SECOND_ORDER, h


def compare_outcomes(
    ref: Outcome, cand: Outcome, dtype: str, overrides: Mapping[str, Tol]
) -> list[Check]:
    """Every check of the candidate against the reference for one run."""
    checks = []
    for phase, category in _PHASE_CATEGORY.items():
        r, c = ref.errors.get(phase), cand.errors.get(phase)
        if r and c:
            same = r.type in c.mro  # the same exception type, or a subclass of it
            note = f"both raised: {ref.framework} {r}; {cand.framework} {c}"
            if not same:
                note += f" ({cand.framework}'s {c.type} is not a {r.type})"
            checks.append(Check(phase, category, ok=same, message=note))
        elif c:
            note = f"{cand.framework} raised {c} ({ref.framework} did not)"
            checks.append(Check(phase, category, ok=False, message=note, missing=c.missing))
        elif r:
            note = f"{ref.framework} raised {r} ({cand.framework} did not)"
            checks.append(Check(phase, category, ok=False, message=note))
    expected = {q: (cat, a) for q, cat, a in quantities(ref)}
    actual = {q: a for q, _, a in quantities(cand)}
    if (ref.second is None) != (cand.second is None) and not (ref.errors or cand.errors):
        constant = ref.framework if ref.second is None else cand.framework
        note = f"first-order gradients are constant in {constant} only"
        checks.append(Check(SECOND_ORDER, SECOND_ORDER, ok=False, message=note))
    for quantity, (category, e) in expected.items():
        if quantity not in actual:
            continue
        tol = tolerance(dtype, _TOL_KEY[category], overrides)
        checks.append(_check(quantity, category, actual[quantity], e, tol, ref, cand))
    return checks


def _check(
    quantity: str,
    category: str,
    actual: np.ndarray | None,
    expected: np.ndarray | None,
    tol: Tol,
    ref: Outcome,
    cand: Outcome,
) -> Check:
    if category == SECOND_ORDER:  # an unused input's None and zeros say the same thing here
        actual, expected = _zeros_for_none(actual, expected), _zeros_for_none(expected, actual)
    if actual is None or expected is None:
        if actual is None and expected is None:
            return Check(quantity, category, ok=True, message="None in both")
        none, other = (cand, ref) if actual is None else (ref, cand)
        note = f"is None in {none.framework} but a tensor in {other.framework}"
        return Check(quantity, category, ok=False, message=note)
    diff = compare_arrays(actual, expected, tol)
    return Check(quantity, category, ok=diff.ok, diff=diff, message=diff.message())


def _zeros_for_none(a: np.ndarray | None, like: np.ndarray | None) -> np.ndarray | None:
    return np.zeros_like(like) if a is None and like is not None else a


@dataclass(frozen=True)
class FDComparison:
    """Both frameworks' float64 gradients of one input against finite differences."""

    quantity: str
    sampled: int
    total: int
    reference: Diff
    candidate: Diff


def finite_difference_checks(
    ref: Outcome, cand: Outcome, fd: Mapping[str, tuple[np.ndarray, np.ndarray]], tol: Tol
) -> tuple[list[Check], list[FDComparison]]:
    """The candidate fails only where it is off the finite differences and torch is on them."""
    checks, rows = [], []
    for name, (where, derivatives) in fd.items():
        r, c = ref.grads.get(name), cand.grads.get(name)
        if r is None or c is None or c.shape != r.shape:
            continue  # already a failure of the gradient check itself
        quantity = f"grad {name} vs finite differences"
        rd = compare_arrays(r.astype(np.float64).flat[where], derivatives, tol)
        cd = compare_arrays(c.astype(np.float64).flat[where], derivatives, tol)
        rows.append(FDComparison(quantity, int(where.size), int(r.size), rd, cd))
        if cd.ok or not rd.ok:
            note = (
                ""
                if rd.ok
                else (
                    f"{ref.framework}'s gradient is off the finite differences too "
                    "(not differentiable here, or too sensitive to rounding)"
                )
            )
            checks.append(Check(quantity, FD, ok=True, diff=cd, message=note))
        else:
            note = (
                f"{cand.framework}'s gradient is off the finite differences at sampled "
                f"elements ({ref.framework}'s is on them): {cd.message()}"
            )
            checks.append(Check(quantity, FD, ok=False, diff=cd, message=note))
    return checks, rows


def accuracy(ref: Outcome, cand: Outcome, truth: Outcome) -> list[Accuracy]:
    """Each framework's float32 error against torch's float64 run on the same rounded inputs."""
    exact = {q: a for q, _, a in quantities(truth)}
    mine = {q: a for q, _, a in quantities(cand)}
    rows = []
    for quantity, _, r in quantities(ref):
        t, c = exact.get(quantity), mine.get(quantity)
        if r is None or t is None or c is None or not (r.shape == c.shape == t.shape):
            continue
        rows.append(Accuracy(quantity, _error(r, t), _error(c, t)))
    return rows


def _error(a: np.ndarray, truth: np.ndarray) -> float:
    return compare_arrays(a.astype(np.float64), truth, Tol(0.0, 0.0)).max_abs
