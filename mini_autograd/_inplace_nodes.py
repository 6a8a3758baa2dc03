"""The nodes of torch's in-place-only ops (fill_, zero_, copy_), for mini_autograd._inplace."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._tensor import Tensor, _make
from .ops._util import Node


class Fill(Node):
    """x.fill_(v) / x.zero_(): nothing flows back to x; a 0-d tensor v gets the sum of gy."""

    saves = ()

    def __init__(self, value: Any, node: str) -> None:
        self.value, self.node = value, node

    def forward(self, x, v=None):
        return np.full(np.shape(x), self.value if v is None else v, dtype=np.asarray(x).dtype)

    def backward(self, gy, x, v=None):
        if v is None:
            return gy * 0.0
        need_x, need_v = self.needs_input_grad
        return (gy * 0.0 if need_x else None), (gy.sum() if need_v else None)


class Copy(Node):
    """x.copy_(src): src broadcast to x's shape and cast to its dtype; the gradient goes to src."""

    saves = ()

    node = "CopyBackwards"

    def name(self) -> str:
        return "torch::autograd::CopyBackwards"

    def forward(self, x, src):
        return np.array(np.broadcast_to(src, np.shape(x)), dtype=np.asarray(x).dtype)

    def backward(self, gy, x, src):
        need_x, need_src = self.needs_input_grad
        # torch's zeros_like(grad) for the overwritten tensor: a constant, recording nothing
        zeros = _make(np.zeros_like(gy._data)) if isinstance(gy, Tensor) else np.zeros_like(gy)
        return (zeros if need_x else None), (gy if need_src else None)
