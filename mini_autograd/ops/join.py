"""Joining and splitting: cat, stack, split, chunk, unbind. Each backward cuts or joins the
gradient back."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .. import _views
from .._function import Function
from .._tensor import Tensor, _make, _wrap_dim
from ._registry import register
from ._util import Node, c_order, data, promote, tensor_arg
from .indexing import Index


class Cat(Function):
    """concatenate along dim: each input gets its slice of the gradient."""

    saves = ()  # backward needs only shapes

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, *xs):
        ndim = max(np.ndim(x) for x in xs)
        parts = [x for x in xs if np.ndim(x) == ndim]
        return c_order(np.concatenate(parts, axis=self.dim))  # C order, as torch

    def backward(self, gy, *xs):
        grads, start = [], 0
        lead = (slice(None),) * self.dim
        ndim = np.ndim(gy)
        for x, need in zip(xs, self.needs_input_grad, strict=True):
            if np.ndim(x) != ndim or np.shape(x) == (0,):  # 1-D empty: torch's legacy rule
                zeros = np.zeros((0,), dtype=np.asarray(data(gy)).dtype)  # a constant, as torch's
                grads.append((_make(zeros) if isinstance(gy, Tensor) else zeros) if need else None)
                continue
            n = np.shape(x)[self.dim]
            grads.append(Index.apply(gy, key=(*lead, slice(start, start + n))) if need else None)
            start += n
        return tuple(grads) if len(xs) > 1 else grads[0]


class Stack(Function):
    """stack along a new dim: each input gets its slice of the gradient."""

    saves = ()  # backward needs only shapes

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, *xs):
        return np.stack(xs, axis=self.dim)

    def backward(self, gy, *xs):
        lead = (slice(None),) * self.dim
        grads = [
            Index.apply(gy, key=(*lead, i)) if need else None
            for i, need in enumerate(self.needs_input_grad)
        ]
        return tuple(grads) if len(xs) > 1 else grads[0]


class Split(_views.MultiView, Node):
    """split along dim into pieces of `sizes`: the gradients are joined, zeros for unused pieces."""

    saves = ()  # backward needs only shapes

    def __init__(self, sizes: tuple[int, ...], dim: int, node: str) -> None:
        self.sizes, self.dim, self.node = sizes, dim, node

    def forward(self, x):
        self.dtype = x.dtype
        cuts = np.cumsum(self.sizes)[:-1]
        return tuple(np.split(x, cuts, axis=self.dim))

    def backward(self, gys, x):
        if not isinstance(gys, tuple):
            gys = (gys,)
        shape = list(np.shape(x))
        parts = []
        for g, n in zip(gys, self.sizes, strict=True):
            if g is None:
                shape[self.dim] = n
                g = np.zeros(shape, dtype=self.dtype)
            parts.append(g)
        return Cat.apply(*parts, dim=self.dim) if len(parts) > 1 else parts[0]


class Unbind(_views.MultiView, Node):
    """the slices along dim, as views: their gradients are stacked back (zeros for unused ones)."""

    saves = ()  # backward needs only shapes

    def __init__(self, dim: int) -> None:
        self.dim = dim

    node = "UnbindBackward0"

    def forward(self, x):
        self.dtype = x.dtype
        return tuple(np.moveaxis(x, self.dim, 0))

    def backward(self, gys, x):
        if not isinstance(gys, tuple):
            gys = (gys,)
        shape = np.shape(x)[: self.dim] + np.shape(x)[self.dim + 1 :]
        parts = [np.zeros(shape, self.dtype) if g is None else g for g in gys]
        return Stack.apply(*parts, dim=self.dim)


def _tensor_list(tensors: Sequence[Tensor], op: str) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, Sequence):
        raise TypeError(
            f"{op}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
            f"{type(tensors).__name__}"
        )
    if not tensors:
        raise ValueError(f"torch.{op}(): expected a non-empty list of Tensors")
    return [tensor_arg(t, op, "tensors") for t in tensors]


@register(method=False, aliases=("concat", "concatenate"))
def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension (dtypes promote; 1-D empty tensors are skipped)."""
    ts = _tensor_list(tensors, "cat")
    kept = [t for t in ts if t._data.shape != (0,)] or ts[:1]  # torch's legacy rule
    ndim = kept[0]._data.ndim
    if ndim == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = _wrap_dim(dim, ndim, "cat")
    ref = kept[0]._data.shape
    for i, t in enumerate(ts):
        s = t._data.shape
        if s == (0,) and len(kept) < len(ts):
            continue
        if len(s) != ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ndim} and {len(s)}"
            )
        for k in range(ndim):
            if k != d and s[k] != ref[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. "
                    f"Expected size {ref[k]} but got size {s[k]} for tensor number "
                    f"{i} in the list."
                )
    return Cat(d)._run(*promote(ts))


@register(method=False)
def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new dimension."""
    ts = _tensor_list(tensors, "stack")
    shape = ts[0]._data.shape
    for i, t in enumerate(ts[1:], 1):
        if t._data.shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got "
                f"{list(shape)} at entry 0 and {list(t._data.shape)} at entry {i}"
            )
    d = _wrap_dim(dim, len(shape) + 1, "stack")
    return Stack(d)._run(*promote(ts))


@register()
def split(
    tensor: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0
) -> tuple[Tensor, ...]:
    """Pieces of `split_size` along dim (the last may be smaller), or of the listed sizes."""
    x = tensor_arg(tensor, "split", "tensor")
    if x._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, x._data.ndim, "split")
    n = x._data.shape[d]
    if isinstance(split_size_or_sections, int):
        size = split_size_or_sections
        if size < 0 or (size == 0 and n != 0):
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
                if size == 0
                else f"split expects split_size be non-negative, but got split_size={size}"
            )
        count = max(math.ceil(n / size), 1) if size else 1
        sizes = tuple(min(size, n - i * size) for i in range(count))
        node = "SplitBackward0"
    else:
        sizes = tuple(int(s) for s in split_size_or_sections)
        if sum(sizes) != n or min(sizes, default=0) < 0:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} "
                f"(input tensor's size at dimension {d}), but got "
                f"split_sizes={list(sizes)}"
            )
        node = "SplitWithSizesBackward0"
    out = Split(sizes, d, node)._run(x)
    return out if isinstance(out, tuple) else (out,)


@register()
def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Split into `chunks` pieces of ceil(n / chunks) along dim (possibly fewer pieces)."""
    x = tensor_arg(input, "chunk")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    if x._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, x._data.ndim, "chunk")
    n = x._data.shape[d]
    if n == 0:
        return split(x, [0] * chunks, d)
    return split(x, math.ceil(n / chunks), d)


@register()
def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """The slices of input along dim, without that dim."""
    x = tensor_arg(input, "unbind")
    if x._data.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = _wrap_dim(dim, x._data.ndim, "unbind")
    if x._data.shape[d] == 0:
        return ()
    out = Unbind(d)._run(x)
    return out if isinstance(out, tuple) else (out,)
