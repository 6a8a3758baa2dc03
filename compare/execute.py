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


class NotATensor(TypeError):
    """A case returned something other than a tensor or a tuple/list of tensors."""


@dataclass
class Outcome:
    """What one framework computed for a case in one dtype (arrays, or the error per phase)."""

    framework: str
    #: the outputs by quantity: "value" for a case returning one tensor, "value[k]" for a tuple
    values: dict[str, np.ndarray] = field(default_factory=dict)
    #: the outputs that require grad (backward goes through them), by quantity
    through: list[str] = field(default_factory=list)
    grads: dict[str, np.ndarray | None] = field(default_factory=dict)
    second: dict[str, np.ndarray | None] | None = None  # None: not run, or gradients constant
    errors: dict[str, Raised] = field(default_factory=dict)
    graph: Graph | None = None
    warnings: list[str] = field(default_factory=list)  # what the framework warned, once each

    @property
    def value(self) -> np.ndarray | None:
        """The (first) output."""
        return next(iter(self.values.values()), None)


def to_numpy(t: Any) -> np.ndarray:
    """Any tensor as a numpy copy: torch's ZeroTensor, conjugate/negative views and sparse
    layouts need more than `.numpy()`, which is all the engine protocol asks of a candidate."""
    t = t.detach()
    try:
        return np.array(t.numpy(), copy=True)
    except Exception:  # noqa: BLE001 - try the ways torch offers for its other tensor kinds
        if getattr(t, "is_sparse", False) or getattr(t, "is_sparse_csr", False):
            t = t.to_dense()
        return np.array(t.numpy(force=True), copy=True)


def is_tensor(x: Any) -> bool:
    """A tensor of some framework, by the protocol: it has `detach` and a `shape`."""
    return hasattr(x, "detach") and hasattr(x, "shape") and not isinstance(x, np.ndarray)


def outputs(result: Any, case: str) -> list[Any]:
    """A case's return value as a list of tensors; NotATensor for anything else."""
    many = isinstance(result, (tuple, list))
    items = list(result) if many else [result]
    bad = [i for i, x in enumerate(items) if not is_tensor(x)]
    if not items or bad:
        what = (
            f"a {type(result).__name__} of length 0"
            if not items
            else f"{type(items[bad[0]]).__name__} {_short(items[bad[0]])}"
            + (f" at position {bad[0]} of a {type(result).__name__}" if many else "")
        )
        raise NotATensor(
            f"case {case} returned {what}; a case must return a tensor or a tuple/list of "
            "tensors (not .item(), .tolist() or a numpy array)"
        )
    return items


def output_names(n: int, many: bool) -> list[str]:
    return [f"value[{k}]" for k in range(n)] if many else ["value"]


def _short(x: Any) -> str:
    text = repr(x)
    return text if len(text) <= 40 else text[:37] + "..."


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
    kind = to_numpy(like).dtype
    return T.tensor(weights.astype(kind), dtype=like.dtype)


def _needs_grad(t: Any) -> bool:
    return bool(getattr(t, "requires_grad", False))


def differentiable_outputs(outs: list[Any]) -> list[tuple[int, Any]]:
    """(position, output) of the outputs that require grad: the ones backward goes through."""
    return [(k, o) for k, o in enumerate(outs) if _needs_grad(o)]


def backward(T: ModuleType, outs: list[Any], many: bool, draws: Draws) -> None:
    """L = sum_k <gy_k, out_k> backward: `out.backward(gy)` (or `out.backward()` for one 0-d
    output); for a tuple, L itself is built with `*` and `.sum()` and differentiated."""
    if not many:
        (out,) = outs
        shape = tuple(out.shape)
        if shape == ():
            out.backward()
        else:
            out.backward(gradient=_grad_of(T, out, draws.upstream(shape)))
        return
    used = differentiable_outputs(outs)
    if not used:  # as torch says for one output that does not require grad
        raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    loss = None
    for k, o in used:
        term = (o * _grad_of(T, o, draws.upstream(tuple(o.shape), k))).sum()
        loss = term if loss is None else loss + term
    loss.backward()


def execute(
    fn: Callable[..., Any],
    T: ModuleType,
    arrays: Mapping[str, np.ndarray],
    specs: Mapping[str, Arg],
    dtype: str,
    draws: Draws,
    second_order: bool,
    case: str = "",
) -> Outcome:
    """Forward, then backward and `.grad`, then second order via autograd.grad."""
    outcome = Outcome(T.__name__)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _execute(outcome, fn, T, arrays, specs, dtype, draws, second_order, case)
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
    case: str,
) -> None:
    names = [n for n, s in specs.items() if s.differentiable]
    try:
        xs = make_tensors(T, arrays, specs, dtype)
        result = fn(T, *xs.values())
        outs = outputs(result, case or getattr(fn, "__name__", "?"))
        many = isinstance(result, (tuple, list))
        quantities = output_names(len(outs), many)
        outcome.values = {q: to_numpy(o) for q, o in zip(quantities, outs, strict=True)}
        outcome.through = [q for q, o in zip(quantities, outs, strict=True) if _needs_grad(o)]
    except Exception as exc:  # noqa: BLE001 - any failure of the framework is a result
        outcome.errors[FORWARD] = Raised.of(exc, T.__name__)
        return
    try:
        drawn = next((o for o in outs if getattr(o, "grad_fn", None) is not None), outs[0])
        outcome.graph = walk(drawn, xs)  # of a tuple, the first output with a graph
    except Exception:  # noqa: BLE001 - a graph we cannot draw is not a numerical failure
        outcome.graph = None
    del result
    if not names:
        return
    try:
        backward(T, outs, many, draws)
        outcome.grads = {n: None if xs[n].grad is None else to_numpy(xs[n].grad) for n in names}
    except Exception as exc:  # noqa: BLE001
        outcome.errors[BACKWARD] = Raised.of(exc, T.__name__)
        return
    del outs, xs  # free the first graph before the second one is built
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
    """d/dx_i of s = sum_j <w_j, dL/dx_j>, with L = sum_k <gy_k, f_k(x)>: Hessian-vector
    products."""
    xs = make_tensors(T, arrays, specs, dtype)
    result = fn(T, *xs.values())
    outs = outputs(result, getattr(fn, "__name__", "?"))
    if isinstance(result, (tuple, list)):
        used = differentiable_outputs(outs)
        targets = [o for _, o in used]
        gys = [_grad_of(T, o, draws.upstream(tuple(o.shape), k)) for k, o in used]
    else:
        targets = outs
        gys = [_grad_of(T, outs[0], draws.upstream(tuple(outs[0].shape)))]
    inputs = [xs[n] for n in names]
    grads = T.autograd.grad(targets, inputs, grad_outputs=gys, create_graph=True, allow_unused=True)
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
        result = fn(T, *xs.values())
        best[FORWARD] = min(best[FORWARD], time.perf_counter() - start)
        if not differentiable:
            best[BACKWARD] = 0.0
            continue
        many = isinstance(result, (tuple, list))
        outs = list(result) if many else [result]
        start = time.perf_counter()
        backward(T, outs, many, draws)
        best[BACKWARD] = min(best[BACKWARD], time.perf_counter() - start)
    return best
