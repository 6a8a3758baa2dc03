"""Strides and storage as torch's: `stride()`, `storage_offset()` and `as_strided`, a view of the
memory under a tensor with any sizes and strides (in elements of the storage).

as_strided's gradient goes through the storage, as torch's AsStridedBackward0: the output's
gradient is added into zeros of the storage's size at the elements the output reads, and the
input reads its own elements back (divided by how many of its elements share one, when its
geometry overlaps, as an expanded input's). Both directions are one gather/scatter op whose
backward is the same op with the index sets swapped, so create_graph works.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import _version, _views
from .._tensor import Tensor, _wrap_dim
from ._registry import register
from ._util import Node, data, shape_arg, tensor_arg
from .elementwise import Where
from .indexing import _fit


def _geometry(a: Any) -> tuple[np.ndarray, int, tuple[int, ...], int]:
    """(a's owner as a flat array, its element count, a's strides and offset in elements)."""
    a = np.asarray(a)
    owner = _version._owner(a)
    item = a.itemsize or 1
    if not isinstance(owner, np.ndarray) or owner is a and not a.flags.c_contiguous:
        owner = a
    offset = (a.__array_interface__["data"][0] - owner.__array_interface__["data"][0]) // item
    strides = tuple(s // item for s in a.strides)
    return owner, int(owner.size), strides, int(offset)


def _flat_indices(size: Sequence[int], stride: Sequence[int], offset: int) -> np.ndarray:
    """The storage element each position of a (size, stride, offset) view reads."""
    idx = np.full(tuple(size), offset, dtype=np.int64)
    for d, (n, s) in enumerate(zip(size, stride, strict=True)):
        shape = [1] * len(size)
        shape[d] = n
        idx = idx + (np.arange(n, dtype=np.int64) * s).reshape(shape)
    return idx


class Regather(Node):
    """g scattered (added) into zeros of m storage elements at `src`, read back at `dst`, each
    read scaled by `scale` (1 / how many of dst's positions share an element, or None)."""

    saves = ()

    def __init__(self, src: np.ndarray, dst: np.ndarray, m: int, scale: Any = None) -> None:
        self.src, self.dst, self.m, self.scale = src, dst, m, scale
        self.node = "AsStridedBackward0"

    def forward(self, g):
        g = np.asarray(g)
        storage = np.zeros(self.m, dtype=g.dtype)
        np.add.at(storage, self.src.reshape(-1), g.reshape(-1))
        out = storage[self.dst]
        return out if self.scale is None else out * self.scale

    def backward(self, gy, g):
        if self.scale is not None:
            gy = gy * self.scale
        return Regather.apply(gy, src=self.dst, dst=self.src, m=self.m)


class AsStrided(_views.StridedView, Node):
    """x's memory seen with `size` and `stride` from storage element `offset` (torch's
    as_strided); the gradient goes back through the storage."""

    saves = ()

    def __init__(self, size: tuple[int, ...], stride: tuple[int, ...], offset: int | None) -> None:
        self.size, self.stride, self.offset = size, stride, offset
        self.node = "AsStridedBackward0"

    def forward(self, x):
        owner, m, _, start = _geometry(x)
        if "rel" not in self.__dict__:  # where the view starts from x's start: replays keep it
            self.rel = (start if self.offset is None else self.offset) - start
        offset = start + self.rel
        if offset < 0:
            raise RuntimeError(
                "as_strided: a write through a view that starts before its base is not supported"
            )
        _check_bounds(self.size, self.stride, offset, m, np.asarray(x).itemsize)
        if not len(self.size) or min(self.size) > 0:
            flat = owner.reshape(-1)[offset:]
            item = flat.itemsize
            strides = tuple(s * item for s in self.stride)
            y = np.lib.stride_tricks.as_strided(flat, self.size, strides)
            return y if np.asarray(x).flags.writeable else y.copy()
        return np.zeros(self.size, dtype=np.asarray(x).dtype)

    def backward(self, gy, x):
        _, m, strides, start = _geometry(x)
        offset = start + self.rel
        dst = _flat_indices(np.shape(x), strides, start)
        counts = np.bincount(dst.reshape(-1), minlength=m)
        scale = None if counts.max(initial=0) <= 1 else 1.0 / counts[dst]
        src = _flat_indices(self.size, self.stride, offset)
        return Regather.apply(gy, src=src, dst=dst, m=m, scale=scale)


class CopyThrough(Node):
    """torch's CopySlices for a write through a view that is no slice (a transpose, a diagonal,
    a reshape, an expanded slice...): y = x with x's region seen by `chain` (view nodes, replayed
    in turn) set to v (a tensor, or the number `value`). x's gradient is gy with zeros on the
    region; v's is the region of gy (recorded under create_graph)."""

    saves = ()

    def __init__(self, chain: tuple[Any, ...], value: Any = None) -> None:
        self.chain, self.value = chain, value
        self.node = "torch::autograd::CopySlices"

    def _region(self, a: Any) -> Any:
        for view in self.chain:
            a = _views.replay(view, a)
        return a

    def forward(self, x, v=None):
        y = np.asarray(x).copy(order="K")  # x's layout: the views replay on it as on x
        region = self._region(y)
        region[...] = _fit(self.value if v is None else v, region)
        return y

    def backward(self, gy, x, v=None):
        keep = np.ones(np.shape(x), dtype=bool)
        self._region(keep)[...] = False
        gx = Where.apply(keep, gy, 0.0)
        if v is None:
            return gx
        gv = self._region(gy)
        if np.ndim(gv) < np.ndim(v) and data(gv).size == data(v).size:
            gv = gv.reshape(np.shape(v))  # v had leading size-1 dims that the write dropped
        need_x, need_v = self.needs_input_grad
        return (gx if need_x else None), (gv if need_v else None)


def _check_bounds(size: Sequence[int], stride: Sequence[int], offset: int, m: int, item: int):
    if any(n == 0 for n in size):
        return
    need = offset + 1 + sum((n - 1) * s for n, s in zip(size, stride, strict=True))
    if need > m:
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, "
            f"and itemsize {item} requiring a storage size of {need * item} are out of bounds "
            f"for storage of size {m * item}"
        )


@register()
def as_strided(
    input: Tensor, size: Sequence[int], stride: Sequence[int], storage_offset: int | None = None
) -> Tensor:
    """A view of input's memory with these sizes and strides (in elements of its storage)."""
    x = tensor_arg(input, "as_strided")
    size, stride = shape_arg((size,)), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError(
            f"as_strided: Negative strides are not supported at the moment, got strides: "
            f"{list(stride)}"
        )
    return AsStrided(size, stride, storage_offset)._run(x)


def _stride(self: Tensor, dim: int | None = None) -> tuple[int, ...] | int:
    """The step in elements of the storage along each dimension (or one)."""
    strides = _geometry(self._data)[2]
    if dim is None:
        return strides
    return strides[_wrap_dim(dim, self._data.ndim, "stride")]


def _storage_offset(self: Tensor) -> int:
    """Where this tensor starts in its storage, in elements."""
    return _geometry(self._data)[3]


Tensor.stride = _stride  # type: ignore[attr-defined]
Tensor.storage_offset = _storage_offset  # type: ignore[attr-defined]
