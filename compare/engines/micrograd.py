"""micrograd (the `micrograd` package, Karpathy's scalar `Value`) through the engine protocol.

A tensor is a numpy object array of `Value`s, so elementwise arithmetic, `sum` and small
matrix products run one scalar node at a time. micrograd computes in Python floats (float64)
and has no higher-order derivatives: float32 rows and cases with more than `MAX_ELEMENTS`
elements are "not applicable", and second order is not run.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .base import Adapter, NotApplicable, Raw

#: the largest input micrograd is asked to handle (it builds one Python object per element)
MAX_ELEMENTS = 64


class MicrogradAdapter(Adapter):
    name = "micrograd"
    package = "micrograd"
    dtypes = ("float64",)
    second_order = False
    quirks = (
        "micrograd's Value holds one Python float: float32 does not exist there, tensors are "
        "object arrays of Values, and its ops are +, *, ** (by a number) and relu.",
        "micrograd has no higher-order derivatives: second order is not run.",
    )

    def __init__(self) -> None:
        from micrograd.engine import Value

        self.Value = Value
        super().__init__()

    def version(self) -> str:
        from importlib.metadata import version

        return version("micrograd")

    def make(self, array: np.ndarray, requires_grad: bool) -> Raw:
        if array.size > MAX_ELEMENTS:
            raise NotApplicable(
                f"micrograd works one scalar at a time; this input has {array.size} elements "
                f"(more than {MAX_ELEMENTS})"
            )
        values = np.empty(array.shape, dtype=object)
        for i, v in np.ndenumerate(array):
            values[i] = self.Value(float(v))
        return values

    def to_numpy(self, raw: Raw) -> np.ndarray:
        raw = np.asarray(raw, dtype=object)
        out = np.empty(raw.shape, dtype=np.float64)
        for i, v in np.ndenumerate(raw):
            out[i] = v.data if isinstance(v, self.Value) else float(v)
        return out

    def shape(self, raw: Raw) -> tuple[int, ...]:
        return np.shape(raw)

    def grad(
        self, output: Raw, inputs: Sequence[Raw], grad_output: Raw | None, create_graph: bool
    ) -> list[Raw | None]:
        if create_graph:
            raise NotImplementedError("micrograd has no higher-order derivatives")
        out = np.asarray(output, dtype=object)
        weights = np.ones(out.shape) if grad_output is None else self.to_numpy(grad_output)
        for x in inputs:
            for v in np.asarray(x, dtype=object).flat:
                v.grad = 0.0
        # one scalar to differentiate: L = sum(gy * out), so dL/dx is the vector-Jacobian product
        total = self.Value(0.0)
        for v, w in zip(out.flat, weights.flat, strict=True):
            total = total + (v * float(w) if isinstance(v, self.Value) else 0.0)
        total.backward()
        reached = _reachable(total)
        grads: list[Raw | None] = []
        for x in inputs:
            xs = np.asarray(x, dtype=object)
            if not any(id(v) in reached for v in xs.flat):
                grads.append(None)
                continue
            g = np.empty(xs.shape, dtype=object)
            for i, v in np.ndenumerate(xs):
                g[i] = self.Value(float(v.grad))
            grads.append(g)
        return grads

    def depends(self, raw: Raw, leaves: Sequence[Raw]) -> bool:
        return False  # micrograd's gradients are plain numbers

    def op_table(self) -> dict[str, Callable[..., Any]]:
        V = self.Value

        def lift(fn: Callable[..., Any]) -> Callable[..., Any]:
            return lambda a, b: np.asarray(fn(_obj(a), _obj(b)), dtype=object)

        return {
            "add": lift(operator.add),
            "sub": lift(operator.sub),
            "mul": lift(operator.mul),
            "truediv": lift(operator.truediv),
            "pow": lambda a, b: _pow(V, a, b),
            "neg": lambda a: np.asarray(-_obj(a), dtype=object),
            "relu": lambda a: _map(lambda v: v.relu(), a),
            "sum": lambda a, dim=None, keepdim=False: _sum(V, a, dim, keepdim),
            "matmul": lift(operator.matmul),
            "reshape": lambda a, *shape: _obj(a).reshape(*shape),
            "getitem": lambda a, key: np.asarray(_obj(a)[key], dtype=object),
        }


def _obj(a: Any) -> Any:
    return np.asarray(a, dtype=object) if isinstance(a, np.ndarray) else a


def _map(fn: Callable[[Any], Any], a: Any) -> np.ndarray:
    a = np.asarray(a, dtype=object)
    out = np.empty(a.shape, dtype=object)
    for i, v in np.ndenumerate(a):
        out[i] = fn(v)
    return out


def _pow(V: type, a: Any, b: Any) -> Any:
    if isinstance(b, np.ndarray):
        raise NotImplementedError("micrograd's ** takes a number exponent only")
    return _map(lambda v: v**b, a)


def _sum(V: type, a: Any, dim: Any, keepdim: bool) -> Any:
    a = np.asarray(a, dtype=object)
    if a.size == 0:
        return np.asarray(V(0.0), dtype=object)
    return np.asarray(np.sum(a, axis=dim, keepdims=keepdim), dtype=object)


def _reachable(root: Any) -> set[int]:
    seen: set[int] = set()
    stack = [root]
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        stack.extend(v._prev)
    return seen


ADAPTER = MicrogradAdapter
