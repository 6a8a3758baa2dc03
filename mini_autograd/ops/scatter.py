"""Scatter and gather along a dim with an index tensor of the input's rank: scatter,
scatter_add, scatter_reduce (sum, mean, prod, amax, amin), take and take_along_dim. Gradients go
back through the same indices (gather for scatter, scatter-add for gather)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor, _make, _wrap_dim
from ._registry import register
from ._util import Node, data, tensor_arg
from .elementwise import Div, Where
from .indexing import Index, IndexPut


def _scatter_index(input: Tensor, dim: int, index: Any, src: Any, op: str):
    x = tensor_arg(input, op)
    idx = tensor_arg(index, op, "index")._data
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"{op}(): Expected dtype int64 for index")
    idx = idx.astype(np.int64, copy=False)
    nd = max(x._data.ndim, 1)
    if idx.ndim != x._data.ndim and not (idx.ndim <= 1 and x._data.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    d = _wrap_dim(dim, nd, op)
    n = x._data.shape[d] if x._data.ndim else 1
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = int(idx.max()) if idx.max() >= n else int(idx.min())
        raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {n}")
    idx = np.where(idx < 0, idx + n, idx)
    if isinstance(src, Tensor) and src._data.dtype != x._data.dtype:
        raise RuntimeError(
            f"{op}(): Expected self.dtype to be equal to src.dtype ({x.dtype} and {src.dtype})"
        )
    return x, d, idx


def _full_index(idx: np.ndarray, dim: int) -> tuple:
    key = list(np.indices(idx.shape, sparse=True))
    key[dim] = idx
    return tuple(key)


def _gather(t, dim: int, index: np.ndarray):
    """t gathered at index along dim; index may be smaller than t in the other dims, as torch's
    gather allows (np.take_along_axis does not)."""
    return Index.apply(t, key=_full_index(index, dim))


class Scatter(Node):
    """x with src (or a value) written at index along dim (the last write wins):
    d = (gy with the written places zeroed, gy gathered at index)"""

    def __init__(self, dim: int, index: np.ndarray, tensor_src: bool) -> None:
        self.dim, self.index = dim, index
        self.node = "ScatterBackward0" if tensor_src else "ScatterBackward1"

    def forward(self, x, src):
        out = np.array(x, copy=True).reshape(np.shape(x) or (1,))
        key = _full_index(self.index.reshape(self.index.shape or (1,)), self.dim)
        s = src if not np.ndim(src) else src[tuple(slice(0, n) for n in self.index.shape)]
        out[key] = s if np.ndim(src) == 0 else s.reshape(self.index.shape or (1,))
        return out.reshape(np.shape(x))

    def backward(self, gy, x, src):
        gx, gs = self.needs_input_grad
        hit = np.zeros(np.shape(x) or (1,), dtype=bool)
        hit[_full_index(self.index.reshape(self.index.shape or (1,)), self.dim)] = True
        hit = hit.reshape(np.shape(x))
        g_src = None
        if gs:
            g = _gather(gy, self.dim, self.index) if np.ndim(gy) else gy
            pad = tuple(slice(0, n) for n in self.index.shape)
            g_src = IndexPut.apply(g, key=pad, shape=np.shape(src)) if np.ndim(src) else g
        return (Where.apply(hit, 0.0, gy) if gx else None), g_src


def _src_slice(src: Tensor, idx: np.ndarray, op: str) -> None:
    if src._data.ndim and any(i > s for i, s in zip(idx.shape, src._data.shape, strict=False)):
        raise RuntimeError(
            f"{op}(): Expected index {list(idx.shape)} to be smaller than src "
            f"{list(src._data.shape)} apart from dimension"
        )


@register()
def scatter(
    input: Tensor,
    dim: int,
    index: Tensor,
    src: Tensor | float | None = None,
    *,
    value: float | None = None,
    reduce: str | None = None,
) -> Tensor:
    """input with src's elements (or `value`) written at index along dim."""
    if src is None:
        src = value
    if reduce is not None:
        if not isinstance(src, Tensor):
            src = _make(np.full(index._data.shape, src, dtype=input._data.dtype))
        return scatter_reduce(input, dim, index, src, {"add": "sum", "multiply": "prod"}[reduce])
    x, d, idx = _scatter_index(input, dim, index, src, "scatter")
    tensor_src = isinstance(src, Tensor)
    if tensor_src:
        _src_slice(src, idx, "scatter")
    else:
        src = np.asarray(src, dtype=x._data.dtype)[()]
    return Scatter(d, idx, tensor_src)._run(x, src)


@register()
def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """input with src's elements added at index along dim (repeats accumulate)."""
    return scatter_reduce(input, dim, index, src, "sum", node="ScatterAddBackward0")


class ScatterReduce(Node):
    """scatter_reduce: sum/mean/prod/amax/amin of src's elements (and, with include_self, the
    input's) landing on each place; gradients as torch's scatter_reduce_backward"""

    save_output = True

    def __init__(self, dim, index, reduce, include_self, node="ScatterReduceBackward0") -> None:
        self.dim, self.index, self.reduce, self.include_self = dim, index, reduce, include_self
        self.node = node

    def _key(self):
        return _full_index(self.index.reshape(self.index.shape or (1,)), self.dim)

    def _src(self, src):
        s = src[tuple(slice(0, n) for n in self.index.shape)] if np.ndim(src) else src
        return np.reshape(s, self.index.shape or (1,))

    def _counts(self, shape):
        c = np.zeros(shape or (1,), dtype=np.int64)
        np.add.at(c, self._key(), 1)
        return c.reshape(shape)

    def forward(self, x, src):
        shape = np.shape(x)
        out = np.array(x, copy=True).reshape(shape or (1,))
        key, s = self._key(), self._src(src)
        r = self.reduce
        hit = self._counts(shape).reshape(shape or (1,)) > 0
        if not self.include_self:
            init = {"sum": 0, "mean": 0, "prod": 1, "amax": -np.inf, "amin": np.inf}[r]
            if out.dtype.kind != "f" and r in ("amax", "amin"):
                info = np.iinfo(out.dtype)
                init = info.min if r == "amax" else info.max
            out[hit] = init
        ufunc = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.fmax,
                 "amin": np.fmin}[r]  # fmt: skip
        if r in ("amax", "amin"):  # nan propagates, as torch
            ufunc = np.maximum if r == "amax" else np.minimum
        ufunc.at(out, key, s)
        if r == "mean":
            n = self._counts(shape).reshape(shape or (1,)) + (1 if self.include_self else 0)
            n = np.maximum(n, 1)
            out = (out / n).astype(out.dtype) if out.dtype.kind == "f" else out // n
        return out.reshape(shape)

    def backward(self, gy, x, src):
        gx, gs = self.needs_input_grad
        r, shape = self.reduce, np.shape(x)
        hit = self._counts(shape) > 0
        g_x = g_src = None
        pad = tuple(slice(0, n) for n in self.index.shape)

        def to_src(g):  # a gradient laid out as index, placed into src's shape
            return IndexPut.apply(g, key=pad, shape=np.shape(src)) if np.ndim(src) else g

        def gather(t):
            return _gather(t, self.dim, self.index) if np.ndim(t) else t

        if r == "sum":
            g_x = gy if self.include_self else Where.apply(hit, 0.0, gy)
            g_src = to_src(gather(gy)) if gs else None
        elif r == "mean":
            n = self._counts(shape) + (1 if self.include_self else 0)
            n = np.maximum(n, 1).astype(np.asarray(data(gy)).dtype)
            g = Div.apply(gy, n)
            g_x = g if self.include_self else Where.apply(hit, 0.0, g)
            g_src = to_src(gather(g)) if gs else None
        elif r == "prod":
            y = self.saved_output(gy)
            if self.include_self:  # d/dx of x * prod(src landing there): that product, no 0/0
                ones = np.ones(shape, dtype=np.asarray(data(x)).dtype)
                others = ScatterReduce.apply(ones, src, dim=self.dim, index=self.index,
                                             reduce="prod", include_self=True)  # fmt: skip
                g_x = gy * others
            else:
                g_x = Where.apply(hit, 0.0, gy)
            if gs:  # torch's formula: y / s, except where s is the only zero landing there
                s = src[pad] if np.ndim(src) else src
                zero = np.asarray(data(s)) == 0
                zeros_there = np.zeros(shape or (1,), dtype=np.int64)
                np.add.at(zeros_there, self._key(), zero.reshape(self.index.shape or (1,)))
                single = zero & (gather(zeros_there.reshape(shape)) == 1)
                by_division = Div.apply(gather(gy * y), Where.apply(zero, 1.0, s))
                if single.any():  # the product of the others, computed with that zero as 1
                    rest = ScatterReduce.apply(x, Where.apply(single, 1.0, s), dim=self.dim,
                                               index=self.index, reduce="prod",
                                               include_self=self.include_self)  # fmt: skip
                    by_division = Where.apply(single, gather(gy * rest), by_division)
                g_src = to_src(by_division)
        else:  # amax/amin: the gradient is shared evenly among the elements equal to the result
            y = self.saved_output(gy)
            yd, xd = data(y), data(x)
            sd = self._src(data(src)).reshape(self.index.shape)
            x_is = (xd == yd) & self.include_self
            src_is = yd[_full_index(self.index, self.dim)] == sd if np.ndim(yd) else yd == sd
            count = x_is.astype(np.int64)
            flat_count = count.reshape(shape or (1,))
            np.add.at(flat_count, self._key(), src_is.reshape(self.index.shape or (1,)))
            count = np.maximum(count, 1).astype(yd.dtype)
            g = Div.apply(gy, count)
            g_x = Where.apply(x_is, g, 0.0) if self.include_self else Where.apply(hit, 0.0, gy)
            if self.include_self:
                g_x = Where.apply(hit, g_x, gy)
            if gs:
                g_src = to_src(Where.apply(src_is, gather(g), 0.0))
        return (g_x if gx else None), g_src


@register()
def scatter_reduce(
    input: Tensor,
    dim: int,
    index: Tensor,
    src: Tensor,
    reduce: str,
    *,
    include_self: bool = True,
    node: str = "ScatterReduceBackward0",
) -> Tensor:
    """Reduce src's elements into input at index along dim: 'sum', 'prod', 'mean', 'amax',
    'amin' (include_self: whether input's own values take part)."""
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(
            f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"
        )
    x, d, idx = _scatter_index(input, dim, index, src, "scatter_reduce")
    s = tensor_arg(src, "scatter_reduce", "src")
    _src_slice(s, idx, "scatter_reduce")
    return ScatterReduce(d, idx, reduce, include_self, node)._run(x, s)


@register()
def take(input: Tensor, index: Tensor) -> Tensor:
    """input's elements at flat (row-major) indices, in index's shape."""
    x = tensor_arg(input, "take")
    idx = tensor_arg(index, "take", "index")._data
    if idx.dtype != np.int64:
        raise RuntimeError("take(): Expected a long tensor for index")
    n = x._data.size
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = int(idx.max()) if idx.max() >= n else int(idx.min())
        raise IndexError(f"take(): index {bad} is out of range for a tensor of {n} elements")
    flat = x.reshape(-1)
    return Index((np.where(idx < 0, idx + n, idx),), "TakeBackward0")._run(flat)


@register()
def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """gather with broadcasting of input and indices (dim=None: on the flattened input)."""
    x = tensor_arg(input, "take_along_dim")
    idx = tensor_arg(indices, "take_along_dim", "indices")
    if dim is None:
        from .indexing import gather

        return gather(x.reshape(-1), 0, idx.reshape(-1))
    d = _wrap_dim(dim, x._data.ndim, "take_along_dim")
    xs, ids = list(x._data.shape), list(idx._data.shape)
    xs[d] = ids[d] = 1
    shape = np.broadcast_shapes(tuple(xs), tuple(ids))
    xb = list(shape)
    xb[d] = x._data.shape[d]
    ib = list(shape)
    ib[d] = idx._data.shape[d]
    xe = x.expand(tuple(xb)) if tuple(xb) != x._data.shape else x
    n = x._data.shape[d]
    ie = np.broadcast_to(np.where(idx._data < 0, idx._data + n, idx._data), tuple(ib))
    from .indexing import gather

    return gather(xe, d, _make(np.ascontiguousarray(ie)))
