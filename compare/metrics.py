"""assert_close-style metrics: how far one array is from another, in torch.testing's words."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .tolerances import Tol


@dataclass(frozen=True)
class Diff:
    """How `actual` differs from `expected`, as torch.testing.assert_close measures it."""

    tol: Tol
    total: int = 0
    mismatched: int = 0
    max_abs: float = 0.0
    max_rel: float = 0.0
    abs_index: tuple[int, ...] = ()
    rel_index: tuple[int, ...] = ()
    scalar: bool = False
    actual: float | None = None  # the two values, for 0-d arrays
    expected: float | None = None
    #: a dtype or shape mismatch, which fails whatever the values
    problem: str = ""
    #: the greatest |actual - expected| / (atol + rtol * |expected|): 1.0 is at the tolerance,
    #: above 1 out of it; infinite where a NaN or an infinity meets a different value
    margin: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problem and self.mismatched == 0

    def message(self) -> str:
        """The failure in assert_close's words (multi-line); "" when within tolerance."""
        if self.problem:
            return self.problem
        if self.ok:
            return ""
        if self.scalar:
            return (
                f"Scalars are not close!\n\nExpected {self.expected!r} but got {self.actual!r}.\n"
                f"Absolute difference: {num(self.max_abs)} (up to {self.tol.atol:g} allowed)\n"
                f"Relative difference: {num(self.max_rel)} (up to {self.tol.rtol:g} allowed)"
            )
        return (
            f"Tensor-likes are not close!\n\n{self.mismatch_line()}\n"
            f"Greatest absolute difference: {num(self.max_abs)} at index {self.abs_index} "
            f"(up to {self.tol.atol:g} allowed)\n"
            f"Greatest relative difference: {num(self.max_rel)} at index {self.rel_index} "
            f"(up to {self.tol.rtol:g} allowed)"
        )

    def mismatch_line(self) -> str:
        share = 100.0 * self.mismatched / self.total if self.total else 0.0
        return f"Mismatched elements: {self.mismatched} / {self.total} ({share:.1f}%)"


def num(x: float) -> str:
    """A difference as the reports print it: 4 significant digits."""
    return f"{x:.4g}"


def compare_arrays(actual: np.ndarray, expected: np.ndarray, tol: Tol) -> Diff:
    """Compare two arrays as assert_close(actual, expected, equal_nan=True) does.

    NaN against NaN and an infinity against the same infinity are equal; a dtype or shape
    difference is a failure of its own (the values are still measured when the shapes agree).
    """
    actual, expected = np.asarray(actual), np.asarray(expected)
    if actual.shape != expected.shape:
        return Diff(
            tol,
            total=expected.size,
            problem="The values for attribute 'shape' do not match: "
            f"{actual.shape} != {expected.shape}.",
        )
    problem = ""
    if actual.dtype != expected.dtype:
        problem = (
            f"The values for attribute 'dtype' do not match: {actual.dtype} != {expected.dtype}."
        )
    a, e = actual.astype(np.float64), expected.astype(np.float64)
    equal = (a == e) | (np.isnan(a) & np.isnan(e))
    with np.errstate(invalid="ignore", divide="ignore"):
        abs_diff = np.where(equal, 0.0, np.abs(a - e))
        rel_diff = np.where(equal, 0.0, abs_diff / np.abs(e))
        # an infinity is close only to the same infinity, which `equal` already counts
        allowed = tol.atol + tol.rtol * np.abs(e)
        within = (abs_diff <= allowed) & np.isfinite(a) & np.isfinite(e)
        share = np.where(equal, 0.0, abs_diff / allowed)
    share = np.where(equal | np.isfinite(share), share, np.inf)
    mismatched = int(np.count_nonzero(~(equal | within)))
    margin = float(share.max()) if e.size else 0.0
    fields = dict(total=int(e.size), mismatched=mismatched, problem=problem, margin=margin)
    if e.size == 0:
        return Diff(tol, **fields)
    if e.ndim == 0:
        fields.update(scalar=True, actual=float(a), expected=float(e))
    abs_at, max_abs = _worst(abs_diff)
    rel_at, max_rel = _worst(rel_diff)
    return Diff(tol, max_abs=max_abs, max_rel=max_rel, abs_index=abs_at, rel_index=rel_at, **fields)


def _worst(diff: np.ndarray) -> tuple[tuple[int, ...], float]:
    """Index and value of the largest difference, NaN counting as the largest."""
    nan = np.isnan(diff)
    flat = int(np.argmax(nan)) if nan.any() else int(np.argmax(diff))
    index = tuple(int(i) for i in np.unravel_index(flat, diff.shape))
    return index, float(diff.flat[flat])
