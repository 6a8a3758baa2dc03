"""tinygrad (the `tinygrad` package) through the engine protocol.

tinygrad builds a lazy graph of UOps and differentiates it by rewriting (`Tensor.gradient`), so
gradients are themselves lazy tensors and second order comes for free; there is no backward
graph of nodes to draw. The device is tinygrad's `PYTHON` emulator unless `DEV` is set
(`DEV=CPU` compiles kernels with clang): on the harness's tiny tensors it is as fast as
compiled kernels once they are compiled, and it needs no compiler (see compare/ENGINES.md).
"""

from __future__ import annotations

import operator
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .base import Adapter, Raw

#: torch names that are tinygrad Tensor methods of the same name; `dim` is renamed `axis`
_METHODS = (  # a str, split where used
    "exp log sin cos tan tanh sigmoid relu sqrt rsqrt abs sign square reciprocal exp2 log2 "
    "sum mean max min prod std var logsumexp softmax log_softmax argmax argmin "
    "reshape permute transpose flatten squeeze unsqueeze expand cat stack where maximum minimum "
    "clamp clip gelu silu elu leaky_relu softplus erf floor ceil round dot matmul"
)


class TinygradAdapter(Adapter):
    name = "tinygrad"
    package = "tinygrad"
    graph = "tinygrad records a lazy UOp graph of the forward computation, not a backward graph."
    quirks = (
        "tinygrad has no `requires_grad` leaves: the adapter asks `Tensor.gradient(*inputs)` "
        "for every gradient, which also gives second order.",
        "tinygrad folds 0-d inputs into constants, and equal constants into one node: the adapter "
        "makes each leaf a 1-element buffer reshaped to 0-d, so that inputs stay distinct.",
        "tinygrad runs on its PYTHON device here unless DEV is set (DEV=CPU compiles with clang).",
    )

    def __init__(self) -> None:
        os.environ.setdefault("DEV", "PYTHON")
        # tinygrad's kernel cache is an SQLite connection bound to the thread that opened it,
        # and the harness runs each case in a worker thread of its own
        os.environ.setdefault("CACHELEVEL", "0")
        import tinygrad

        if os.environ["DEV"] == "PYTHON":
            # tinygrad may have been imported before DEV was set (it reads its settings at
            # import): set its DEV setting too, or a machine without clang has no usable device
            from tinygrad import helpers

            helpers.DEV.value = "PYTHON"
        self.tg = tinygrad
        self.TgTensor = tinygrad.Tensor
        super().__init__()

    def version(self) -> str:
        from importlib.metadata import version

        return version("tinygrad")

    def make(self, array: np.ndarray, requires_grad: bool) -> Raw:
        # tinygrad folds a 0-d array into a CONST node, and equal constants are one node (so two
        # inputs of 1.0 would share their gradient): a leaf is a buffer, reshaped back to 0-d
        flat = self.TgTensor(np.array(array, copy=True, order="C").reshape(-1))
        return flat.reshape(array.shape)

    def to_numpy(self, raw: Raw) -> np.ndarray:
        if raw.device is None:
            # a constant folded from the graph (the gradient of x * 0.9 + x) has no device, and
            # tinygrad realizes it on CPU, which compiles with clang: add it to zeros on ours
            device = self.tg.Device.DEFAULT
            raw = self.TgTensor.zeros(raw.shape, dtype=raw.dtype, device=device) + raw
        return np.asarray(raw.numpy())

    def shape(self, raw: Raw) -> tuple[int, ...]:
        return tuple(int(d) for d in raw.shape)

    def depends(self, raw: Raw, leaves: Sequence[Raw]) -> bool:
        graph = raw.uop.toposort()
        return any(x.uop in graph for x in leaves)

    def grad(
        self, output: Raw, inputs: Sequence[Raw], grad_output: Raw | None, create_graph: bool
    ) -> list[Raw | None]:
        used = [x for x in inputs if self.depends(output, [x])]
        if not used:
            return [None] * len(inputs)
        grads = dict(
            zip(
                map(id, used),
                output.gradient(*used, gradient=grad_output),
                strict=True,
            )
        )
        return [grads.get(id(x)) for x in inputs]

    def op_table(self) -> dict[str, Callable[..., Any]]:
        T = self.TgTensor
        table: dict[str, Callable[..., Any]] = {
            "add": operator.add,
            "sub": operator.sub,
            "mul": operator.mul,
            "truediv": operator.truediv,
            "pow": operator.pow,
            "neg": operator.neg,
            "matmul": operator.matmul,
            "getitem": operator.getitem,
            "T": lambda x: x.T,
            "broadcast_to": lambda x, shape: x.expand(*shape),
        }
        for name in _METHODS.split():
            if hasattr(T, name):
                table[name] = _method(name)
        return table


def _method(name: str) -> Callable[..., Any]:
    def call(x: Any, *args: Any, **kwargs: Any) -> Any:
        if "dim" in kwargs:
            kwargs["axis"] = kwargs.pop("dim")
        if name in ("cat", "stack"):  # torch: T.cat([a, b], dim)
            first, *rest = x
            return getattr(first, name)(*rest, *args, **kwargs)
        return getattr(x, name)(*args, **kwargs)

    return call


ADAPTER = TinygradAdapter
