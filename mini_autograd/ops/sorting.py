"""Sorting and selection: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode, unique,
searchsorted, bucketize. The values' gradient goes back to the positions the indices name."""

from __future__ import annotations

from collections import namedtuple
from functools import cache
from typing import Any

import numpy as np

from .._tensor import Tensor, _make, _wrap_dim
from ._registry import register
from ._util import Node, data, tensor_arg
from .indexing import ScatterAdd
from .shape import Reshape


@cache
def _result_type(op: str) -> type:
    return namedtuple(op, ["values", "indices"])


def values_indices(op: str, values: Tensor, indices: Tensor) -> tuple[Tensor, Tensor]:
    """torch.return_types.<op>: a (values, indices) tuple with named fields."""
    return _result_type(op)(values, indices)


def _sort_order(x: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Stable argsort with torch's NaN rule: NaN is the largest value."""
    if not descending:
        return np.argsort(x, axis=axis, kind="stable")
    if x.dtype.kind == "b":
        return np.argsort(~x, axis=axis, kind="stable")
    if x.dtype.kind in "iu":
        return np.argsort(-x.astype(np.int64), axis=axis, kind="stable")
    key = np.where(np.isnan(x), -np.inf, -x)
    # -inf keys of nan first, then those of +inf: sort by (not nan) first, then by key
    order = np.argsort(key, axis=axis, kind="stable")
    nan_first = np.take_along_axis(~np.isnan(x), order, axis)
    return np.take_along_axis(order, np.argsort(nan_first, axis=axis, kind="stable"), axis)


class Select(Node):
    """values = take_along_axis(x, index, dim): the gradient scatter-adds back to index."""

    def __init__(self, node: str, dim: int, index: np.ndarray, keep_shape=None) -> None:
        self.node, self.dim, self.index, self.keep_shape = node, dim, index, keep_shape

    def forward(self, x):
        if not np.ndim(x):
            return x.copy()
        out = np.take_along_axis(x, self.index, axis=self.dim)
        return out if self.keep_shape is None else out.reshape(self.keep_shape)

    def backward(self, gy, x):
        if not np.ndim(x):
            return gy
        if self.keep_shape is not None:
            gy = Reshape.apply(gy, shape=self.index.shape)
        return ScatterAdd.apply(gy, dim=self.dim, index=self.index, shape=np.shape(x))


def _dim(x: Tensor, dim: int, op: str) -> int:
    return _wrap_dim(dim, x._data.ndim, op) if x._data.ndim else 0


@register()
def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool | None = None):
    """(values, indices) sorted along dim; ties keep their order, NaN sorts as the largest."""
    x = tensor_arg(input, "sort")
    node = "SortBackward0" if stable is None else "SortBackward1"  # torch's two overloads
    d = _dim(x, dim, "sort")
    if not x._data.ndim:
        return values_indices("sort", Select(node, 0, None)._run(x), _make(np.array(0)))
    order = _sort_order(x._data, d, descending)
    return values_indices("sort", Select(node, d, order)._run(x), _make(order))


@register()
def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False):
    """The indices that sort input along dim."""
    return sort(input, dim, descending, stable)[1]


@register()
def msort(input: Tensor) -> Tensor:
    """input sorted along its first dimension."""
    return sort(input, 0)[0]


@register()
def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
    """(values, indices) of the k largest (or smallest) elements along dim."""
    x = tensor_arg(input, "topk")
    d = _dim(x, dim, "topk")
    n = x._data.shape[d] if x._data.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError(f"selected index k out of range (topk with k={k} along a dim of {n})")
    if not x._data.ndim:
        return values_indices("topk", Select("TopkBackward0", 0, None)._run(x), _make(np.array(0)))
    order = _sort_order(x._data, d, largest)
    index = np.take(order, np.arange(k), axis=d)
    return values_indices("topk", Select("TopkBackward0", d, index)._run(x), _make(index))


def _at_rank(x: Tensor, rank: np.ndarray | int, d: int, keepdim: bool, node: str, op: str):
    """The element of each slice at the given rank of the ascending (stable) order."""
    if not x._data.ndim:
        return values_indices(op, Select(node, 0, None)._run(x), _make(np.array(0)))
    order = _sort_order(x._data, d, False)
    index = np.take(order, [rank], axis=d)
    shape = index.shape if keepdim else tuple(np.delete(index.shape, d))
    idx = index if keepdim else index.reshape(shape)
    return values_indices(
        op, Select(node, d, index, None if keepdim else shape)._run(x), _make(idx)
    )


@register()
def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False):
    """(values, indices) of the k-th smallest element along dim (k counts from 1)."""
    x = tensor_arg(input, "kthvalue")
    d = _dim(x, dim, "kthvalue")
    n = x._data.shape[d] if x._data.ndim else 1
    if not 1 <= k <= n:
        raise IndexError(f"kthvalue(): selected number k out of range for dimension {d}")
    return _at_rank(x, k - 1, d, keepdim, "KthvalueBackward0", "kthvalue")


class MedianAll(Node):
    """median of all elements: the gradient is shared among the elements equal to it."""

    node = "MedianBackward0"

    def forward(self, x):
        flat = np.sort(x.reshape(-1), kind="stable")
        if np.isnan(flat).any():
            return np.array(np.nan, dtype=x.dtype)
        return flat[(flat.size - 1) // 2].copy()

    def backward(self, gy, x):
        xd = data(x)
        y = self.forward(xd)
        mask = np.isnan(xd) if np.isnan(y) else xd == y
        return gy * (mask / np.count_nonzero(mask)).astype(xd.dtype)


class NanMedianAll(MedianAll):
    """nanmedian of all elements: the median of the non-NaN ones (NaN when there are none)."""

    node = "NanmedianBackward0"

    def forward(self, x):
        flat = np.sort(x.reshape(-1), kind="stable")
        n = flat.size - (np.count_nonzero(np.isnan(flat)) if flat.dtype.kind == "f" else 0)
        if not n:
            return np.array(np.nan, dtype=x.dtype)
        return flat[(n - 1) // 2].copy()


@register()
def nanmedian(input: Tensor, dim: int | None = None, keepdim: bool = False):
    """median ignoring NaNs: of all elements, or (values, indices) along dim (NaN if all are)."""
    x = tensor_arg(input, "nanmedian")
    if dim is None:
        if not x._data.size:
            return _make(np.array(np.nan, dtype=x._data.dtype))
        return NanMedianAll()._run(x)
    d = _dim(x, dim, "nanmedian")
    if not x._data.ndim:
        node = Select("NanmedianBackward1", 0, None)
        return values_indices("nanmedian", node._run(x), _make(np.array(0)))
    xs = x._data
    order = _sort_order(xs, d, False)  # NaNs sort last
    count = xs.shape[d] - (np.isnan(xs).sum(axis=d) if xs.dtype.kind == "f" else 0)
    rank = np.maximum(count - 1, 0) // 2
    index = np.take_along_axis(order, np.expand_dims(rank, d), axis=d)
    shape = index.shape if keepdim else tuple(np.delete(index.shape, d))
    values = Select("NanmedianBackward1", d, index, None if keepdim else shape)._run(x)
    return values_indices("nanmedian", values, _make(index if keepdim else index.reshape(shape)))


@register()
def median(input: Tensor, dim: int | None = None, keepdim: bool = False):
    """The lower median of all elements, or (values, indices) along dim; NaN propagates."""
    x = tensor_arg(input, "median")
    if dim is None:
        if not x._data.size:
            return _make(np.array(np.nan, dtype=x._data.dtype))
        return MedianAll()._run(x)
    d = _dim(x, dim, "median")
    if not x._data.ndim:
        return values_indices(
            "median", Select("MedianBackward1", 0, None)._run(x), _make(np.array(0))
        )
    n = x._data.shape[d]
    xs = x._data
    order = _sort_order(xs, d, False)
    rank = np.full(np.delete(xs.shape, d), (n - 1) // 2)
    has_nan = np.isnan(xs).any(axis=d) if xs.dtype.kind == "f" else np.zeros(rank.shape, bool)
    rank = np.where(has_nan, n - np.isnan(xs).sum(axis=d) if xs.dtype.kind == "f" else 0, rank)
    index = np.take_along_axis(order, np.expand_dims(rank, d), axis=d)
    shape = index.shape if keepdim else tuple(np.delete(index.shape, d))
    values = Select("MedianBackward1", d, index, None if keepdim else shape)._run(x)
    return values_indices("median", values, _make(index if keepdim else index.reshape(shape)))


@register()
def mode(input: Tensor, dim: int = -1, keepdim: bool = False):
    """(values, indices) of the most frequent value along dim (the smallest among equally
    frequent ones; the index of its last occurrence, as torch on the CPU)."""
    x = tensor_arg(input, "mode")
    d = _dim(x, dim, "mode")
    if not x._data.ndim:
        return values_indices("mode", Select("ModeBackward0", 0, None)._run(x), _make(np.array(0)))
    xm = np.moveaxis(x._data, d, -1)
    flat = xm.reshape(-1, xm.shape[-1])
    idx = np.empty(flat.shape[0], dtype=np.int64)
    for r, row in enumerate(flat):
        vals, counts = np.unique(row, return_counts=True)
        best = vals[np.argmax(counts)]
        idx[r] = np.nonzero(row == best)[0][-1]
    index = np.expand_dims(idx.reshape(xm.shape[:-1]), d)
    shape = index.shape if keepdim else tuple(np.delete(index.shape, d))
    values = Select("ModeBackward0", d, index, None if keepdim else shape)._run(x)
    return values_indices("mode", values, _make(index if keepdim else index.reshape(shape)))


@register()
def unique(
    input: Tensor,
    sorted: bool = True,
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,
) -> Any:
    """The distinct elements, sorted (and the inverse indices and counts on request); torch
    defines no gradient for it."""
    x = tensor_arg(input, "unique")
    a = x._data
    if dim is None:
        vals, inv, counts = np.unique(a, return_inverse=True, return_counts=True)
        inv = inv.reshape(a.shape)
    else:
        d = _wrap_dim(dim, a.ndim, "unique")
        vals, inv, counts = np.unique(a, return_inverse=True, return_counts=True, axis=d)
        inv = inv.reshape(-1)
    out = [_make(vals)]
    if return_inverse:
        out.append(_make(inv.astype(np.int64)))
    if return_counts:
        out.append(_make(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def _search(sorted_seq: np.ndarray, values: np.ndarray, right: bool) -> np.ndarray:
    side = "right" if right else "left"
    if sorted_seq.size == 0 or values.size == 0:
        return np.zeros(values.shape, dtype=np.int64)
    if sorted_seq.ndim <= 1:
        return np.searchsorted(sorted_seq, values, side=side)
    seq = sorted_seq.reshape(-1, sorted_seq.shape[-1])
    vals = values.reshape(-1, values.shape[-1])
    out = np.stack([np.searchsorted(s, v, side=side) for s, v in zip(seq, vals, strict=True)])
    return out.reshape(values.shape)


@register(method=False)
def searchsorted(
    sorted_sequence: Tensor,
    input: Tensor | float,
    *,
    out_int32: bool = False,
    right: bool = False,
    side: str | None = None,
    sorter: Tensor | None = None,
) -> Tensor:
    """Where each value would go in the sorted innermost dim (left or right of equal values)."""
    seq = tensor_arg(sorted_sequence, "searchsorted", "sorted_sequence")._data
    if sorter is not None:
        seq = np.take_along_axis(seq, data(sorter), axis=-1)
    scalar = not isinstance(input, Tensor)
    vals = np.asarray(input) if scalar else input._data
    if seq.ndim > 1 and seq.shape[:-1] != vals.shape[:-1]:
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
            f"dimensions of boundaries tensor and input value tensor must match, but we got "
            f"boundaries tensor {list(seq.shape)} and input value tensor {list(vals.shape)}"
        )
    out = _search(seq, vals, right or side == "right")
    return _make(np.asarray(out, dtype=np.int32 if out_int32 else np.int64))


@register(method=False)
def bucketize(
    input: Tensor | float, boundaries: Tensor, *, out_int32: bool = False, right: bool = False
) -> Tensor:
    """The bucket of each value among 1-D sorted boundaries (searchsorted the other way round)."""
    b = tensor_arg(boundaries, "bucketize", "boundaries")
    if b._data.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({b._data.ndim})")
    return searchsorted(b, input, out_int32=out_int32, right=right)
