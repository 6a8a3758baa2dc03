"""Slices along one dim picked by a vector of indices: index_select, index_add, index_copy,
index_fill. Gradients go back through the same indices (index_select's is an index_add)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor, _wrap_dim
from ._registry import register
from ._util import Node, cast, tensor_arg
from .elementwise import Where
from .indexing import Index


def _index_arg(index: Any, op: str, ndim_max: int = 1) -> np.ndarray:
    idx = tensor_arg(index, op, "index")._data
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index")
    if idx.ndim > ndim_max:
        raise IndexError(f"{op}(): Index is supposed to be a vector")
    return idx.reshape(-1).astype(np.int64)


def _along(dim: int, idx: Any) -> tuple:
    return (slice(None),) * dim + (idx,)


def _check_range(idx: np.ndarray, n: int, op: str, dim: int) -> None:
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = int(idx.max()) if idx.max() >= n else int(idx.min())
        raise IndexError(f"{op}(): index {bad} is out of bounds for dimension {dim} with size {n}")


@register()
def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The slices of input along dim at the given 1-D indices (repeats allowed)."""
    x = tensor_arg(input, "index_select")
    idx = _index_arg(index, "index_select")
    if not x._data.ndim:
        _check_range(idx, 1, "index_select", 0)
        return Index((), "IndexSelectBackward0")._run(x)  # torch: a 0-d input gives a 0-d result
    d = _wrap_dim(dim, x._data.ndim, "index_select")
    _check_range(idx, x._data.shape[d], "index_select", d)
    return Index(_along(d, idx), "IndexSelectBackward0")._run(x)


class IndexAdd(Node):
    """x with alpha * source added at index along dim: d = (gy, alpha * gy[index])"""

    node = "IndexAddBackward0"

    def __init__(self, dim: int, index: np.ndarray, alpha: float) -> None:
        self.dim, self.index, self.alpha = dim, index, alpha

    def forward(self, x, source):
        out = x.copy()
        np.add.at(out, _along(self.dim, self.index), source * self.alpha)
        return out

    def backward(self, gy, x, source):
        gx, gs = self.needs_input_grad
        g_src = Index.apply(gy, key=_along(self.dim, self.index)) * self.alpha if gs else None
        return (gy if gx else None), g_src


class IndexCopy(Node):
    """x with source written at index along dim: x's gradient is zero there"""

    node = "IndexCopyBackward0"

    def __init__(self, dim: int, index: np.ndarray) -> None:
        self.dim, self.index = dim, index

    def forward(self, x, source):
        out = x.copy()
        out[_along(self.dim, self.index)] = source
        return out

    def backward(self, gy, x, source):
        gx, gs = self.needs_input_grad
        hit = np.zeros(np.shape(x), dtype=bool)
        hit[_along(self.dim, self.index)] = True
        return (
            Where.apply(hit, 0.0, gy) if gx else None,
            Index.apply(gy, key=_along(self.dim, self.index)) if gs else None,
        )


class IndexFill(Node):
    """x with value at index along dim: x's gradient is zero there, a tensor value gets the sum"""

    def __init__(self, dim: int, index: np.ndarray, tensor_value: bool) -> None:
        self.dim, self.index = dim, index
        self.node = "IndexFillBackward1" if tensor_value else "IndexFillBackward0"

    def forward(self, x, value):
        out = x.copy()
        out[_along(self.dim, self.index)] = value
        return out

    def backward(self, gy, x, value):
        gx, gv = self.needs_input_grad
        hit = np.zeros(np.shape(x), dtype=bool)
        hit[_along(self.dim, self.index)] = True
        return (
            Where.apply(hit, 0.0, gy) if gx else None,
            Where.apply(hit, gy, 0.0).sum() if gv else None,
        )


def _index_source(input, dim, index, source, op):
    x = tensor_arg(input, op)
    idx = _index_arg(index, op)
    src = tensor_arg(source, op, "source")
    d = _wrap_dim(dim, x._data.ndim, op) if x._data.ndim else 0
    n = x._data.shape[d] if x._data.ndim else 1
    _check_range(idx, n, op, d)
    if src._data.dtype != x._data.dtype:
        raise RuntimeError(
            f"{op}(): self ({x.dtype}) and source ({src.dtype}) must have the same scalar type"
        )
    if x._data.ndim == 0:
        x1, s1 = x.reshape(1), src.reshape(-1)
        return x1, s1, 0, idx, True
    exp = x._data.shape[:d] + (idx.size,) + x._data.shape[d + 1 :]
    if src._data.ndim == 0 and idx.size == 1:
        src = src.reshape(exp)
    if src._data.shape != exp:
        raise RuntimeError(
            f"{op}(): source of shape {list(src._data.shape)} does not match the slice of "
            f"input {list(x._data.shape)} at {idx.size} indices along dim {d} ({list(exp)})"
        )
    return x, src, d, idx, False


@register()
def index_add(
    input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: float = 1
) -> Tensor:
    """input with alpha * source's slices added at index along dim (repeats accumulate)."""
    x, src, d, idx, scalar = _index_source(input, dim, index, source, "index_add")
    out = IndexAdd(d, idx, alpha)._run(x, src)
    return out.reshape(()) if scalar else out


@register()
def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """input with source's slices written at index along dim."""
    x, src, d, idx, scalar = _index_source(input, dim, index, source, "index_copy")
    out = IndexCopy(d, idx)._run(x, src)
    return out.reshape(()) if scalar else out


@register()
def index_fill(input: Tensor, dim: int, index: Tensor, value: Tensor | float) -> Tensor:
    """input with `value` at index along dim."""
    x = tensor_arg(input, "index_fill")
    idx = _index_arg(index, "index_fill")
    tensor_value = isinstance(value, Tensor)
    if tensor_value:
        if value._data.ndim:
            raise RuntimeError(
                "index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)."
            )
        value = cast(value, x._data.dtype)
    else:
        value = np.asarray(value, dtype=x._data.dtype)[()]
    if not x._data.ndim:
        _check_range(idx, 1, "index_fill", 0)
        return IndexFill(0, idx, tensor_value)._run(x.reshape(1), value).reshape(())
    d = _wrap_dim(dim, x._data.ndim, "index_fill")
    _check_range(idx, x._data.shape[d], "index_fill", d)
    return IndexFill(d, idx, tensor_value)._run(x, value)
