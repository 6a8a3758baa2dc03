"""Reductions over `dim` (int, tuple or None) with `keepdim`, each beside its backward."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import _dtype
from .._function import Function
from .._tensor import Tensor
from ._registry import register
from ._util import dims, tensor_arg
from .shape import Expand, Reshape


def _kept_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    """The shape of a reduction with keepdim=True."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _unreduce(gy, shape: tuple[int, ...], axes: tuple[int, ...] | None, keepdim: bool):
    """Broadcast a reduction's gradient back over the reduced axes."""
    if not keepdim:
        gy = Reshape.apply(gy, shape=_kept_shape(shape, axes))
    return Expand.apply(gy, shape=shape)


class Sum(Function):
    """sum: every input element gets the upstream gradient of its slice."""

    def __init__(self, axes: tuple[int, ...] | None, keepdim: bool) -> None:
        self.axes, self.keepdim = axes, keepdim

    def forward(self, x):
        return np.sum(x, axis=self.axes, keepdims=self.keepdim)

    def backward(self, gy, x):
        return _unreduce(gy, np.shape(x), self.axes, self.keepdim)


class Mean(Function):
    """mean: every input element gets gy / n."""

    def __init__(self, axes: tuple[int, ...] | None, keepdim: bool) -> None:
        self.axes, self.keepdim = axes, keepdim

    def forward(self, x):
        return np.mean(x, axis=self.axes, keepdims=self.keepdim)

    def backward(self, gy, x):
        shape = np.shape(x)
        n = np.size(x) if self.axes is None else int(np.prod([shape[a] for a in self.axes]))
        return _unreduce(gy / max(n, 1), shape, self.axes, self.keepdim)


@register()
def sum(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False, *,
        dtype: _dtype.dtype | None = None) -> Tensor:
    """Sum of all elements, or over `dim`. Integer and bool inputs sum to int64, as torch."""
    x = tensor_arg(input, "sum")
    if dtype is not None:
        x = x.to(dtype)
    elif x._data.dtype.kind in "bi" and x._data.dtype != np.int64:
        x = x.to(_dtype.int64)
    axes = dims(dim, x._data.ndim, "sum")
    if axes == () and dim is not None and not isinstance(dim, int):
        axes = None  # torch: an empty dim list reduces everything
    return Sum(axes, keepdim)(x)


@register()
def mean(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False, *,
         dtype: _dtype.dtype | None = None) -> Tensor:
    """Mean of all elements, or over `dim`; needs a floating dtype, as torch."""
    x = tensor_arg(input, "mean")
    if dtype is not None:
        x = x.to(dtype)
    if x._data.dtype.kind != "f":
        raise RuntimeError(
            f"mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {x.dtype}; use x.float().mean() or pass dtype=")
    axes = dims(dim, x._data.ndim, "mean")
    if axes == () and dim is not None and not isinstance(dim, int):
        axes = None
    return Mean(axes, keepdim)(x)
