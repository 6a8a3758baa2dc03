"""max/min, amax/amin, argmax/argmin, with torch's rules for sharing the gradient among ties.

torch differs by op, and so do we:
- `max(x, dim)` returns (values, indices) and sends the gradient only to the returned index
  (the first maximal element; a NaN counts as maximal);
- `amax(x, dim)` and the full reduction `max(x)` split it evenly among all tied elements.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence

import numpy as np

from .._tensor import Tensor, _make, _wrap_dim
from ._registry import register
from ._util import Node, data, dims, quiet, tensor_arg
from .elementwise import maximum, minimum
from .indexing import ScatterAdd
from .reduction import _kept
from .shape import Reshape

# torch.return_types.max / min: a tuple with named fields
MaxResult = namedtuple("max", ["values", "indices"])
MinResult = namedtuple("min", ["values", "indices"])


class MaxAll(Node):
    """max over everything: the gradient is shared evenly among the tied maxima, as torch."""

    def __init__(self, reduce: np.ufunc, node: str) -> None:
        self.reduce, self.node = reduce, node

    def forward(self, x):
        return self.reduce(x, None)

    def backward(self, gy, x):
        x = data(x)
        y = self.reduce(x, None)
        mask = np.isnan(x) if np.isnan(y) else x == y
        return gy * (mask / np.count_nonzero(mask)).astype(x.dtype)


class Amax(Node):
    """amax/amin over dims: the gradient of each slice is shared evenly among its tied extremes."""

    def __init__(
        self, reduce: np.ufunc, axes: tuple[int, ...] | None, keepdim: bool, node: str
    ) -> None:
        self.reduce, self.axes, self.keepdim, self.node = reduce, axes, keepdim, node

    def forward(self, x):
        return self.reduce(x, axis=self.axes, keepdims=self.keepdim)

    def backward(self, gy, x):
        x = data(x)
        mask = x == self.reduce(x, axis=self.axes, keepdims=True)
        share = quiet(np.divide, mask, np.sum(mask, axis=self.axes, keepdims=True))
        return _kept(gy, x.shape, self.axes, self.keepdim) * share.astype(x.dtype)


class MaxDim(Node):
    """(values, indices) along dim: the gradient goes to the selected index only."""

    def __init__(self, reduce, arg, axis: int, keepdim: bool, node: str) -> None:
        self.reduce, self.arg, self.axis, self.keepdim, self.node = reduce, arg, axis, keepdim, node

    def forward(self, x):
        # the extreme and the index of its first occurrence (NaN counts as extreme in both)
        values = self.reduce(x, self.axis, keepdims=self.keepdim)
        self.index = self.arg(x, self.axis, keepdims=True)
        return values, self.index if self.keepdim else np.squeeze(self.index, self.axis)

    def backward(self, gys, x):
        gy = gys[0] if isinstance(gys, tuple) else gys
        if not self.keepdim:
            gy = Reshape.apply(gy, shape=self.index.shape)
        return ScatterAdd.apply(gy, dim=self.axis, index=self.index, shape=np.shape(x))


def _check_nonempty(x: Tensor, axes: tuple[int, ...] | None, op: str) -> None:
    shape = x._data.shape
    if axes is None:
        if x._data.size == 0:
            raise (IndexError if op.startswith("arg") else RuntimeError)(
                f"{op}(): Expected reduction dim to be specified for "
                f"input.numel() == 0. Specify the reduction dim with the 'dim' "
                f"argument."
            )
        return
    for a in axes:
        if shape and shape[a] == 0:
            raise IndexError(f"{op}(): Expected reduction dim {a} to have non-zero size.")


def _max_or_min(input: Tensor, dim, keepdim: bool, op: str):
    if isinstance(dim, Tensor):  # torch.max(a, b) is maximum
        return (maximum if op == "max" else minimum)(input, dim)
    x = tensor_arg(input, op)
    reduce = np.maximum.reduce if op == "max" else np.minimum.reduce
    node = "MaxBackward" if op == "max" else "MinBackward"
    if dim is None:
        _check_nonempty(x, None, op)
        return MaxAll(reduce, node + "1")._run(x)
    axis = _wrap_dim(dim, x._data.ndim, op)
    result = MaxResult if op == "max" else MinResult
    if x._data.ndim == 0:
        return result(MaxAll(reduce, node + "0")._run(x), _make(np.array(0)))
    _check_nonempty(x, (axis,), op)
    arg = np.ndarray.argmax if op == "max" else np.ndarray.argmin
    return result(*MaxDim(reduce, arg, axis, keepdim, node + "0")._run(x))


@register()
def max(input: Tensor, dim: int | Tensor | None = None, keepdim: bool = False):
    """The largest element; with `dim`, (values, indices) along it; with a tensor, maximum."""
    return _max_or_min(input, dim, keepdim, "max")


@register()
def min(input: Tensor, dim: int | Tensor | None = None, keepdim: bool = False):
    """The smallest element; with `dim`, (values, indices) along it; with a tensor, minimum."""
    return _max_or_min(input, dim, keepdim, "min")


def _amax_or_amin(input: Tensor, dim, keepdim: bool, op: str) -> Tensor:
    x = tensor_arg(input, op)
    axes = dims(dim, x._data.ndim, op)
    if axes == () or x._data.ndim == 0:
        axes = None
    _check_nonempty(x, axes, op)
    reduce = np.maximum.reduce if op == "amax" else np.minimum.reduce
    return Amax(reduce, axes, keepdim, "AmaxBackward0" if op == "amax" else "AminBackward0")._run(x)


@register()
def amax(input: Tensor, dim: int | Sequence[int] = (), keepdim: bool = False) -> Tensor:
    """The largest values over `dim` (all by default); ties share the gradient evenly."""
    return _amax_or_amin(input, dim, keepdim, "amax")


@register()
def amin(input: Tensor, dim: int | Sequence[int] = (), keepdim: bool = False) -> Tensor:
    """The smallest values over `dim` (all by default); ties share the gradient evenly."""
    return _amax_or_amin(input, dim, keepdim, "amin")


def _arg(input: Tensor, dim: int | None, keepdim: bool, op: str) -> Tensor:
    x = tensor_arg(input, op)
    if x._data.dtype == np.bool_:
        raise RuntimeError(f"{op}(): does not support bool input")
    fn = np.argmax if op == "argmax" else np.argmin
    if dim is None:
        _check_nonempty(x, None, op)
        out = np.asarray(fn(x._data), dtype=np.int64)
        return _make(out.reshape((1,) * x._data.ndim) if keepdim else out)
    axis = _wrap_dim(dim, x._data.ndim, op)
    if x._data.ndim == 0:
        return _make(np.array(0))
    _check_nonempty(x, (axis,), op)
    return _make(fn(x._data, axis=axis, keepdims=keepdim).astype(np.int64, copy=False))


@register()
def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the largest element (of the flattened input without `dim`); first of ties."""
    return _arg(input, dim, keepdim, "argmax")


@register()
def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the smallest element (of the flattened input without `dim`); first of ties."""
    return _arg(input, dim, keepdim, "argmin")
