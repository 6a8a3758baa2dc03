"""Selection and writes by a bool mask or by advanced indices: masked_select, masked_scatter,
nonzero, argwhere, index_put and index_put_. Gradients go back through the same mask or
indices."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor, _make
from ._registry import register
from ._util import Node, cast, promote, tensor_arg
from .elementwise import Where
from .indexing import Index, IndexPut


def _mask_arg(mask: Any, op: str) -> np.ndarray:
    m = tensor_arg(mask, op, "mask")._data
    if m.dtype != np.bool_:
        raise RuntimeError(f"{op}: expected BoolTensor for mask")
    return m


@register()
def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The 1-D tensor of input's elements where the bool mask (broadcast) is true."""
    x = tensor_arg(input, "masked_select")
    m = _mask_arg(mask, "masked_select")
    shape = np.broadcast_shapes(x._data.shape, m.shape)
    xb = x.expand(shape) if x._data.shape != shape else x
    return Index((np.broadcast_to(m, shape),), "MaskedSelectBackward0")._run(xb)


class MaskedScatter(Node):
    """x with source's leading elements written where mask is true, in order"""

    node = "MaskedScatterBackward0"

    def __init__(self, mask: np.ndarray) -> None:
        self.mask = mask

    def forward(self, x, source):
        out = x.copy()
        k = int(self.mask.sum())
        out[self.mask] = source.reshape(-1)[:k]
        return out

    def backward(self, gy, x, source):
        gx, gs = self.needs_input_grad
        g_src = None
        if gs:
            k = int(self.mask.sum())
            picked = Index.apply(gy, key=(self.mask,))
            flat = IndexPut.apply(
                picked, key=(slice(0, k),), shape=(int(np.prod(np.shape(source))),)
            )
            g_src = flat.reshape(np.shape(source))
        return (Where.apply(self.mask, 0.0, gy) if gx else None), g_src


@register()
def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """input with source's elements, in order, where the bool mask (broadcast) is true."""
    x = tensor_arg(input, "masked_scatter")
    m = _mask_arg(mask, "masked_scatter")
    src = tensor_arg(source, "masked_scatter", "source")
    shape = np.broadcast_shapes(x._data.shape, m.shape)
    if x._data.shape != shape:
        x = x.expand(shape)
    m = np.broadcast_to(m, shape)
    if src._data.size < m.sum():
        raise RuntimeError("masked_scatter: expected source to have at least as many elements "
                           f"as ones in mask ({int(m.sum())}), got {src._data.size}")  # fmt: skip
    x, src = promote([x, src]) if src._data.dtype != x._data.dtype else (x, src)
    return MaskedScatter(m)._run(x, src)


@register()
def nonzero(input: Tensor, *, as_tuple: bool = False) -> Tensor | tuple[Tensor, ...]:
    """The int64 indices of the nonzero elements, one row each (or one tensor per dim)."""
    a = tensor_arg(input, "nonzero")._data
    if as_tuple:
        if a.ndim == 0:
            return (_make(np.nonzero(a.reshape(1))[0].astype(np.int64)),)
        return tuple(_make(i.astype(np.int64)) for i in np.nonzero(a))
    return _make(np.argwhere(a).astype(np.int64))


@register()
def argwhere(input: Tensor) -> Tensor:
    """nonzero(input): the int64 indices of the nonzero elements, one row each."""
    return nonzero(input)


class IndexPutOp(Node):
    """x with values written (or added) at advanced indices: d = (gy zeroed there unless
    accumulating, gy at the indices)"""

    node = "IndexPutBackward0"

    def __init__(self, key: tuple, accumulate: bool) -> None:
        self.key, self.accumulate = key, accumulate

    def forward(self, x, values):
        out = x.copy()
        if self.accumulate:
            np.add.at(out, self.key, values)
        else:
            out[self.key] = values
        return out

    def backward(self, gy, x, values):
        gx, gv = self.needs_input_grad
        g_x = None
        if gx:
            if self.accumulate:
                g_x = gy
            else:
                hit = np.zeros(np.shape(x), dtype=bool)
                hit[self.key] = True
                g_x = Where.apply(hit, 0.0, gy)
        g_v = None
        if gv:
            from .shape import SumToSize

            g = Index.apply(gy, key=self.key)
            g_v = SumToSize.apply(g, shape=np.shape(values)) if np.shape(g) != np.shape(
                values) else g  # fmt: skip
        return g_x, g_v


def _put_key(indices: Any, op: str) -> tuple:
    key = []
    for i in indices:
        if i is None:
            key.append(slice(None))
            continue
        a = tensor_arg(i, op, "indices")._data
        if a.dtype.kind not in "iub":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        key.append(a)
    return tuple(key)


@register()
def index_put(
    input: Tensor, indices: tuple[Tensor, ...], values: Tensor, accumulate: bool = False
) -> Tensor:
    """input with values written (accumulate=True: added) at the tensor indices, out of place."""
    x = tensor_arg(input, "index_put")
    v = tensor_arg(values, "index_put", "values")
    key = _put_key(indices, "index_put")
    v = cast(v, x._data.dtype) if v._data.dtype != x._data.dtype else v
    return IndexPutOp(key, accumulate)._run(x, v)


@register("index_put_", top=True)
def index_put_(
    input: Tensor, indices: tuple[Tensor, ...], values: Tensor, accumulate: bool = False
) -> Tensor:
    """In place: x[indices] = values (accumulate=True: +=), recorded in the graph as torch's
    in-place ops are (the version counter is bumped; on a leaf that requires grad it raises)."""
    from .. import _inplace

    x = tensor_arg(input, "index_put_")
    return _inplace.apply(
        x,
        "index_put_",
        lambda old: index_put(old, indices, values, accumulate),
        (values,),
    )
