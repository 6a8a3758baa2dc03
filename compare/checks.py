"""Turn two frameworks' outcomes into checks: values, gradients, errors, finite differences."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from .execute import BACKWARD, FORWARD, SECOND, NotATensor, Outcome
from .metrics import Diff, compare_arrays
from .results import (
    BOTH_SIDES,
    CANDIDATE_SIDE,
    CASE_SIDE,
    FD,
    GRAD,
    REFERENCE_SIDE,
    VALUE,
    Accuracy,
    Check,
)
from .results import SECOND as SECOND_ORDER
from .tolerances import Tol, tolerance

_PHASE_CATEGORY = {FORWARD: VALUE, BACKWARD: GRAD, SECOND: SECOND_ORDER}
_TOL_KEY = {VALUE: "value", GRAD: "grad", SECOND_ORDER: "2nd"}
NOT_A_TENSOR = NotATensor.__name__


def quantities(outcome: Outcome) -> Iterator[tuple[str, str, np.ndarray | None]]:
    """(quantity, category, array) for everything an outcome computed, in report order."""
    for quantity, value in outcome.values.items():
        yield quantity, VALUE, value
    for name, g in outcome.grads.items():
        yield f"grad {name}", GRAD, g
    for name, h in (outcome.second or {}).items():
        yield f"2nd order {name}", SECOND_ORDER, h


def compare_outcomes(
    ref: Outcome,
    cand: Outcome,
    dtype: str,
    overrides: Mapping[str, Tol],
    raises: type[BaseException] | None = None,
) -> list[Check]:
    """Every check of the candidate against the reference for one run.

    With `raises`, the run is about that error: see `expected_error_checks`. Without it, an
    exception in either framework, or in both, is a failure with the side that raised.
    """
    if raises is not None:
        return expected_error_checks(ref, cand, raises)
    checks = [c for phase in _PHASE_CATEGORY if (c := _error_check(phase, ref, cand))]
    expected = {q: (cat, a) for q, cat, a in quantities(ref)}
    actual = {q: a for q, _, a in quantities(cand)}
    if (ref.second is None) != (cand.second is None) and not (ref.errors or cand.errors):
        constant = ref.framework if ref.second is None else cand.framework
        note = f"first-order gradients are constant in {constant} only"
        checks.append(Check(SECOND_ORDER, SECOND_ORDER, ok=False, message=note))
    if list(ref.values) != list(cand.values) and not (ref.errors or cand.errors):
        note = f"{ref.framework} returned {_count(ref)}, {cand.framework} {_count(cand)}"
        checks.append(Check("outputs", VALUE, ok=False, message=note))
    for quantity, (category, e) in expected.items():
        if quantity not in actual:
            continue
        tol = tolerance(dtype, _TOL_KEY[category], overrides)
        checks.append(_check(quantity, category, actual[quantity], e, tol, ref, cand))
    return checks


def _count(outcome: Outcome) -> str:
    n = len(outcome.values)
    return "one tensor" if list(outcome.values) == ["value"] else f"a tuple of {n}"


def _error_check(phase: str, ref: Outcome, cand: Outcome) -> Check | None:
    """The failure for an exception in `phase` where the case expects none, or None."""
    category = _PHASE_CATEGORY[phase]
    r, c = ref.errors.get(phase), cand.errors.get(phase)
    if r and c:
        if r.type == c.type == NOT_A_TENSOR:  # the case's own return value is wrong
            return Check(phase, category, ok=False, message=r.message, error=CASE_SIDE)
        note = (
            f"both raised, although the case expects no error: {ref.framework} {r}; "
            f"{cand.framework} {c}. The case is broken; if the error is its point, declare "
            f"@case(..., raises={r.type})"
        )
        return Check(phase, category, ok=False, message=note, error=BOTH_SIDES)
    if c:
        note = f"{cand.framework} raised {c} ({ref.framework} did not)"
        return Check(
            phase, category, ok=False, message=note, missing=c.missing, error=CANDIDATE_SIDE
        )
    if r:
        note = f"{ref.framework} raised {r} ({cand.framework} did not): the case is broken"
        return Check(phase, category, ok=False, message=note, error=REFERENCE_SIDE)
    return None


def expected_error_checks(ref: Outcome, cand: Outcome, raises: type[BaseException]) -> list[Check]:
    """One check: torch raised a `raises` and the candidate the same type (or a subclass of
    it) at the same step; both messages are in the check's message."""
    want = raises.__name__
    quantity = f"raises {want}"
    phase = next(iter(ref.errors), None)
    r = ref.errors.get(phase) if phase else None
    if r is None or want not in r.mro:
        got = f"raised {r} at the {phase} step" if r else "raised nothing"
        note = f"the case expects {want}, but {ref.framework} {got}: the case is broken"
        return [Check(quantity, VALUE, ok=False, message=note, error=REFERENCE_SIDE)]
    category = _PHASE_CATEGORY[phase]
    c = cand.errors.get(phase)
    theirs = f"{ref.framework} raised {r}"
    if c is None:
        other = next(iter(cand.errors.items()), None)
        did = f"raised {other[1]} at the {other[0]} step" if other else "raised nothing"
        note = f"{theirs} at the {phase} step, as the case expects; {cand.framework} {did}"
        missing = other[1].missing if other else ""
        return [Check(quantity, category, ok=False, message=note, missing=missing)]
    if r.type not in c.mro:
        note = f"{theirs}; {cand.framework} raised {c}, which is not a {r.type}"
        return [Check(quantity, category, ok=False, message=note, missing=c.missing)]
    note = f"both raised as expected: {theirs}; {cand.framework} raised {c}"
    return [Check(quantity, category, ok=True, message=note)]


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
