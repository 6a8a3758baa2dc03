"""DeZero (the `dezero` package, 0.0.13, the book's framework) through the engine protocol.

Also serves a user's own DeZero-style engine: subclass `DeZeroAdapter` and point `module` at
it (an object with `Variable`, `functions` and backward(retain_grad=, create_graph=)).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from .base import Adapter, Raw


def import_dezero() -> Any:
    """`import dezero`; 0.0.13 names `np.int` at import time, which numpy 2 removed, so the
    alias is lent for the import alone (a use of it at run time still fails, as DeZero's own
    failure)."""
    missing = not hasattr(np, "int")
    if missing:
        np.int = int  # type: ignore[attr-defined]
    try:
        import dezero
    finally:
        if missing:
            del np.int  # type: ignore[attr-defined]
    return dezero


class DeZeroAdapter(Adapter):
    name = "dezero"
    package = "dezero"
    quirks = (
        "DeZero has no `autograd.grad`: the adapter runs `backward(create_graph=True)` on fresh "
        "gradients and reads `.grad`.",
        "DeZero computes in whatever dtype numpy promotes to: a Python scalar becomes an int64 "
        "or float64 array, so float32 inputs can give float64 results (a dtype failure here).",
        "DeZero's `matmul` is 2-D only and its `sum` takes `axis`/`keepdims` (mapped from torch's "
        "`dim`/`keepdim`).",
    )
    module_name: ClassVar[str] = "dezero"

    def __init__(self, module: Any = None) -> None:
        self.dz = module if module is not None else import_dezero()
        self.F = self.dz.functions
        super().__init__()

    def version(self) -> str:
        return str(getattr(self.dz, "__version__", ""))

    def make(self, array: np.ndarray, requires_grad: bool) -> Raw:
        return self.dz.Variable(np.array(array, copy=True))

    def to_numpy(self, raw: Raw) -> np.ndarray:
        return np.asarray(raw.data)

    def shape(self, raw: Raw) -> tuple[int, ...]:
        return tuple(raw.shape)

    def grad(
        self, output: Raw, inputs: Sequence[Raw], grad_output: Raw | None, create_graph: bool
    ) -> list[Raw | None]:
        for x in inputs:
            x.cleargrad()
        output.grad = None if grad_output is None else self._variable(grad_output)
        output.backward(retain_grad=False, create_graph=create_graph)
        grads = [x.grad for x in inputs]
        for x in inputs:
            x.cleargrad()
        output.cleargrad()
        return grads

    def _variable(self, value: Any) -> Raw:
        return value if isinstance(value, self.dz.Variable) else self.dz.Variable(value)

    def node(self, raw: Raw) -> tuple[str, Sequence[Raw], object] | None:
        f = getattr(raw, "creator", None)
        if f is None:
            return None
        return type(f).__name__, list(f.inputs), f

    def op_table(self) -> dict[str, Callable[..., Any]]:
        F = self.F
        table: dict[str, Callable[..., Any]] = {
            "add": operator.add,
            "sub": operator.sub,
            "mul": operator.mul,
            "truediv": operator.truediv,
            "pow": operator.pow,
            "neg": operator.neg,
            "matmul": lambda a, b: F.matmul(a, b),
            "getitem": lambda a, key: F.get_item(a, key),
            "sum": lambda x, dim=None, keepdim=False: F.sum(x, axis=dim, keepdims=keepdim),
            "reshape": lambda x, *shape: F.reshape(x, _shape(shape)),
            "transpose": _transpose(F),
            "broadcast_to": lambda x, shape: F.broadcast_to(x, tuple(shape)),
            "T": lambda x: F.transpose(x),
        }
        # torch names that are DeZero's own functions under the same name, as far as it has them
        for name in ("exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "max", "min"):
            if hasattr(F, name):
                table[name] = getattr(F, name)
        if hasattr(F, "softmax"):
            table["softmax"] = lambda x, dim=1: F.softmax(x, axis=dim)
        if hasattr(F, "mean_squared_error"):
            table["mse_loss"] = F.mean_squared_error
        if hasattr(F, "linear"):
            table["linear"] = lambda x, w, b=None: F.linear(x, F.transpose(w), b)
        return table


def _shape(shape: tuple[Any, ...]) -> tuple[int, ...]:
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape


def _transpose(F: Any) -> Callable[..., Any]:
    def transpose(x: Any, dim0: int, dim1: int) -> Any:
        axes = list(range(x.ndim))
        axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
        return F.transpose(x, tuple(axes))

    return transpose


ADAPTER = DeZeroAdapter
