"""Run one case function in one framework: forward, first and second order, graph, timing.

Only the torch-named public API is used (`tensor`, `backward`, `autograd.grad`, `.grad`,
`.detach().numpy()`), so the same code drives torch and the candidate.
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from .engines.base import NotApplicable
from .graph import Graph, walk
from .inputs import Arg, Draws

FORWARD, BACKWARD, SECOND = "forward", "backward", "2nd order"
# "module 'mini_autograd' has no attribute 'cat'", "'Tensor' object has no attribute 'max'"
_NO_ATTRIBUTE = re.compile(r"^(?:module )?'([\w.]+)' (?:object )?has no attribute '(\w+)'")
_NOT_SUBSCRIPTABLE = re.compile(r"^'(\w+)' object is not subscriptable")


@dataclass(frozen=True)
class Raised:
    """An exception one framework raised, reduced to what a report shows."""

    type: str
    message: str
    missing: str = ""  # the attribute it lacks, when that is the error
    mro: tuple[str, ...] = ()  # names of the exception's classes, to match types across frameworks

    @classmethod
    def of(cls, exc: BaseException, framework: str) -> Raised:
        """`missing` is set when the framework's own module or Tensor lacks a name."""
        text = str(exc).strip()
        message = text.splitlines()[0] if text else ""
        missing = ""
        found = None
        if isinstance(exc, AttributeError):
            found = _NO_ATTRIBUTE.search(message)
        elif isinstance(exc, TypeError):
            found = _NOT_SUBSCRIPTABLE.search(message)
        owner = found.group(1) if found else ""
        if owner == "Tensor" or owner == framework or owner.startswith(framework + "."):
            missing = f"{owner}.{found.group(2) if found.lastindex == 2 else '__getitem__'}"
        elif isinstance(exc, NotImplementedError):
            missing = message or "NotImplementedError"
        mro = tuple(k.__name__ for k in type(exc).__mro__)
        return cls(type(exc).__name__, message, missing, mro)

    def __str__(self) -> str:
        return f"{self.type}: {self.message}" if self.message else self.type


@dataclass
class Outcome:
    """What one framework computed for a case in one dtype (arrays, or the error per phase)."""

    framework: str
    value: np.ndarray | None = None
    grads: dict[str, np.ndarray | None] = field(default_factory=dict)
    second: dict[str, np.ndarray | None] | None = None  # None: not run, or gradients constant
    errors: dict[str, Raised] = field(default_factory=dict)
    graph: Graph | None = None
    warnings: list[str] = field(default_factory=list)  # what the framework warned, once each


def to_numpy(t: Any) -> np.ndarray:
    return np.array(t.detach().numpy(), copy=True)


def make_tensors(
    T: ModuleType, arrays: Mapping[str, np.ndarray], specs: Mapping[str, Arg], dtype: str
) -> dict[str, Any]:
    """The case's inputs as T tensors: float ones in `dtype`, the others in their own dtype."""
    tensors = {}
    for name, spec in specs.items():
        if spec.dtype == "float":
            tensors[name] = T.tensor(
                arrays[name], dtype=getattr(T, dtype), requires_grad=spec.requires_grad
            )
        else:
            tensors[name] = T.tensor(arrays[name], dtype=getattr(T, spec.dtype))
    return tensors


def _grad_of(T: ModuleType, like: Any, weights: np.ndarray) -> Any:
    """`weights` as a T tensor of `like`'s dtype (float64 weights rounded to it)."""
    kind = np.asarray(like.detach().numpy()).dtype
    return T.tensor(weights.astype(kind), dtype=like.dtype)


def execute(
    fn: Callable[..., Any],
    T: ModuleType,
    arrays: Mapping[str, np.ndarray],
    specs: Mapping[str, Arg],
    dtype: str,
    draws: Draws,
    second_order: bool,
) -> Outcome:
    """Forward, then `out.backward(gy)` and `.grad`, then second order via autograd.grad."""
    outcome = Outcome(T.__name__)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _execute(outcome, fn, T, arrays, specs, dtype, draws, second_order)
    for w in caught:
        text = f"{w.category.__name__}: {w.message}"
        if text not in outcome.warnings:
            outcome.warnings.append(text)
    return outcome


def _execute(
    outcome: Outcome,
    fn: Callable[..., Any],
    T: ModuleType,
    arrays: Mapping[str, np.ndarray],
    specs: Mapping[str, Arg],
    dtype: str,
    draws: Draws,
    second_order: bool,
) -> None:
    names = [n for n, s in specs.items() if s.differentiable]
    try:
        xs = make_tensors(T, arrays, specs, dtype)
        out = fn(T, *xs.values())
        outcome.value = to_numpy(out)
    except NotApplicable:
        raise  # the engine cannot run this case by design: the whole row says so
    except Exception as exc:  # noqa: BLE001 - any failure of the framework is a result
        outcome.errors[FORWARD] = Raised.of(exc, T.__name__)
        return
    try:
        outcome.graph = walk(out, xs)
    except Exception:  # noqa: BLE001 - a graph we cannot draw is not a numerical failure
        outcome.graph = None
    if not names:
        return
    try:
        if outcome.value.ndim == 0:
            out.backward()
        else:
            out.backward(gradient=_grad_of(T, out, draws.upstream(outcome.value.shape)))
        outcome.grads = {n: None if xs[n].grad is None else to_numpy(xs[n].grad) for n in names}
    except Exception as exc:  # noqa: BLE001
        outcome.errors[BACKWARD] = Raised.of(exc, T.__name__)
        return
    if second_order:
        try:
            outcome.second = _second_order(fn, T, arrays, specs, dtype, names, draws)
        except Exception as exc:  # noqa: BLE001
            outcome.errors[SECOND] = Raised.of(exc, T.__name__)


def _second_order(
    fn: Callable[..., Any],
    T: ModuleType,
    arrays: Mapping[str, np.ndarray],
    specs: Mapping[str, Arg],
    dtype: str,
    names: list[str],
    draws: Draws,
) -> dict[str, np.ndarray | None] | None:
    """d/dx_i of s = sum_j <w_j, dL/dx_j>, with L = <gy, f(x)>: Hessian-vector products."""
    xs = make_tensors(T, arrays, specs, dtype)
    out = fn(T, *xs.values())
    gy = _grad_of(T, out, draws.upstream(tuple(out.shape)))
    inputs = [xs[n] for n in names]
    grads = T.autograd.grad(out, inputs, grad_outputs=gy, create_graph=True, allow_unused=True)
    s = None
    for name, g in zip(names, grads, strict=True):
        if g is None or not g.requires_grad:  # a constant gradient adds nothing
            continue
        term = (g * _grad_of(T, g, draws.weights(name, tuple(g.shape)))).sum()
        s = term if s is None else s + term
    if s is None:
        return None
    second = T.autograd.grad(s, inputs, allow_unused=True)
    return {n: None if h is None else to_numpy(h) for n, h in zip(names, second, strict=True)}


def time_passes(
    fn: Callable[..., Any],
    T: ModuleType,
    arrays: Mapping[str, np.ndarray],
    specs: Mapping[str, Arg],
    dtype: str,
    draws: Draws,
    repeats: int,
) -> dict[str, float]:
    """Best-of-`repeats` seconds of the forward pass and of backward (0 if nothing needs grad)."""
    best = {FORWARD: float("inf"), BACKWARD: float("inf")}
    differentiable = any(s.differentiable for s in specs.values())
    for _ in range(repeats):
        xs = make_tensors(T, arrays, specs, dtype)
        start = time.perf_counter()
        out = fn(T, *xs.values())
        best[FORWARD] = min(best[FORWARD], time.perf_counter() - start)
        if not differentiable:
            best[BACKWARD] = 0.0
            continue
        shape = tuple(out.shape)
        gy = None if shape == () else _grad_of(T, out, draws.upstream(shape))
        start = time.perf_counter()
        if gy is None:
            out.backward()
        else:
            out.backward(gradient=gy)
        best[BACKWARD] = min(best[BACKWARD], time.perf_counter() - start)
    return best
