"""Function cases: one function written against the torch namespace, plus its input data.

    @case(inputs={"x": uniform(3), "y": uniform(3)}, tags="seed")
    def tanh_sigmoid(T, x, y):
        \"\"\"sigmoid(tanh(x)) * y\"\"\"
        return T.sigmoid(T.tanh(x)) * y

The same function runs with T = torch and T = mini_autograd.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from . import tolerances
from .checks import FDComparison, accuracy, compare_outcomes, finite_difference_checks
from .execute import BACKWARD, FORWARD, Outcome, execute, time_passes
from .finite_diff import finite_differences
from .inputs import Arg, Draws, rng_for
from .registry import Case, RunContext, register
from .results import CaseResult, Timing
from .tolerances import TIMING_REPEATS, Tol

F = TypeVar("F", bound=Callable[..., Any])
_NP = {"float32": np.float32, "float64": np.float64}


@dataclass(frozen=True)
class FunctionDetail:
    """What a function case's page shows beyond the checks."""

    arrays: dict[str, np.ndarray]
    reference: Outcome
    candidate: Outcome
    fd: list[FDComparison]


@dataclass(eq=False)
class FunctionCase(Case):
    """A case that is a function of tensors: values, gradients and second order compared."""

    fn: Callable[..., Any]
    name: str
    inputs: dict[str, Arg]
    tags: tuple[str, ...] = ()
    tol: Mapping[str, Tol] = field(default_factory=dict)
    second_order: bool = True
    finite_differences: bool = True
    #: the exception type the case expects both frameworks to raise (None: no error expected)
    raises: type[BaseException] | None = None
    kind: str = "function"

    @property
    def title(self) -> str:  # type: ignore[override]
        return (inspect.getdoc(self.fn) or self.name).splitlines()[0]

    @property
    def source(self) -> str:
        """The function's code without its decorator and docstring (the page shows that apart)."""
        lines = textwrap.dedent(inspect.getsource(self.fn)).splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("def "))
        body = ast.parse("\n".join(lines[start:])).body[0].body
        if (
            len(body) > 1
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            first, last = body[0].lineno, body[0].end_lineno  # 1-based, relative to `start`
            lines = lines[start : start + first - 1] + lines[start + last :]
            return "\n".join(lines)
        return "\n".join(lines[start:])

    def arrays(self, seed: int) -> dict[str, np.ndarray]:
        """The inputs' values in float64 (and int64/bool), the same for every dtype."""
        return {n: a.make(rng_for(seed, self.name, f"input {n}")) for n, a in self.inputs.items()}

    def run(self, ctx: RunContext) -> CaseResult:
        """Both frameworks in ctx.dtype; float64 adds finite differences, float32 accuracy."""
        dtype, draws = ctx.dtype, Draws(ctx.seed, self.name)
        arrays = _cast(self.arrays(ctx.seed), self.inputs, _NP[dtype])
        second = ctx.second_order and self.second_order
        ref, cand = (
            execute(self.fn, T, arrays, self.inputs, dtype, draws, second, self.name)
            for T in (ctx.reference, ctx.candidate)
        )
        expects = self.raises.__name__ if self.raises else ""
        result = CaseResult(self.name, self.kind, dtype, ctx.candidate_name, expects=expects)
        result.checks = compare_outcomes(ref, cand, dtype, self.tol, self.raises)
        fd_rows: list[FDComparison] = []
        if dtype == "float64" and self.finite_differences and ref.grads and not ref.errors:
            fd = finite_differences(
                self.fn, ctx.reference, arrays, self.inputs, _upstreams(ref, draws),
                rng_for(ctx.seed, self.name, "finite differences"),
                tolerances.FD_MAX_ELEMENTS, tolerances.FD_STEP,
            )  # fmt: skip
            tol = tolerances.tolerance(dtype, "fd", self.tol)
            fd_checks, fd_rows = finite_difference_checks(ref, cand, fd, tol)
            result.checks += fd_checks
        if dtype != "float64" and not ref.errors:
            # torch in float64 on the same rounded inputs and weights: the truth to measure against
            exact = _cast(arrays, self.inputs, np.float64)
            rounded = Draws(ctx.seed, self.name, rounded_to=_NP[dtype])
            truth = execute(
                self.fn, ctx.reference, exact, self.inputs, "float64", rounded, second, self.name
            )
            result.accuracy = accuracy(ref, cand, truth)
        if second and ref.second is None and not ref.errors and ref.grads:
            result.notes.append("No second order: the first-order gradients are constant.")
        if ctx.timing and not {FORWARD, BACKWARD} & (ref.errors.keys() | cand.errors.keys()):
            reference, candidate = (
                time_passes(self.fn, T, arrays, self.inputs, dtype, draws, TIMING_REPEATS)
                for T in (ctx.reference, ctx.candidate)
            )
            result.timing = Timing(reference, candidate)
        result.detail = FunctionDetail(arrays, ref, cand, fd_rows)
        return result

    def page(self, results: Sequence[CaseResult]) -> str:
        from .report.function_page import render

        return render(self, results)


def _upstreams(ref: Outcome, draws: Draws) -> np.ndarray | list[np.ndarray | None]:
    """The upstream gradients backward used: one array, or one per output of a tuple."""
    if list(ref.values) == ["value"]:
        return draws.upstream(ref.value.shape)
    return [
        draws.upstream(v.shape, k) if q in ref.through else None
        for k, (q, v) in enumerate(ref.values.items())
    ]


def _cast(
    arrays: Mapping[str, np.ndarray], specs: Mapping[str, Arg], kind: type
) -> dict[str, np.ndarray]:
    return {n: a.astype(kind) if specs[n].dtype == "float" else a for n, a in arrays.items()}


def case(
    *,
    inputs: Mapping[str, Arg],
    tags: str | Iterable[str] = (),
    name: str | None = None,
    tol: Mapping[str, Tol] | None = None,
    second_order: bool = True,
    finite_differences: bool = True,
    raises: type[BaseException] | None = None,
) -> Callable[[F], F]:
    """Register the decorated function as a case; `inputs` name its parameters after T.

    `raises=E`: the case is about an error; it agrees when both frameworks raise an E (the
    candidate the same type as torch, or a subclass), at the same step.
    """
    if raises is not None and not (isinstance(raises, type) and issubclass(raises, BaseException)):
        raise TypeError(f"case {name}: raises= takes an exception type, got {raises!r}")
    tag_tuple = (tags,) if isinstance(tags, str) else tuple(tags)

    def decorate(fn: F) -> F:
        params = list(inspect.signature(fn).parameters)[1:]
        if params != list(inputs):
            raise TypeError(
                f"case {name or fn.__name__}: inputs {list(inputs)} do not match "
                f"the parameters {params} of {fn.__name__}(T, ...)"
            )
        register(
            FunctionCase(
                fn=fn,
                name=name or fn.__name__,
                inputs=dict(inputs),
                tags=tag_tuple,
                tol=dict(tol or {}),
                second_order=second_order,
                finite_differences=finite_differences,
                raises=raises,
            )
        )
        return fn

    return decorate


def tagged(*theme: str) -> Callable[..., Callable[[F], F]]:
    """`case` with these tags first, for a module whose cases share a theme."""

    def tagged_case(*, tags: str | Iterable[str] = (), **kwargs: Any) -> Callable[[F], F]:
        extra = (tags,) if isinstance(tags, str) else tuple(tags)
        return case(tags=(*theme, *extra), **kwargs)

    return tagged_case
