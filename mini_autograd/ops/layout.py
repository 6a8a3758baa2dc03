"""More shape ops: repeat/tile/repeat_interleave, flips and rolls, movedim, unflatten, the
*_as forms, atleast_Nd, the *stack joins, meshgrid and tensor_split with its h/v/d forms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._tensor import Tensor, _make, _wrap_dim
from ._registry import register
from ._util import Node, c_order, shape_arg, tensor_arg
from ._util import dims as _dims
from .indexing import Index
from .join import _tensor_list, cat
from .shape import Expand, Permute, Reshape, _infer_shape, check_viewable


class Repeat(Node):
    """np.tile: the gradient sums the copies (a reshape to (r0, s0, r1, s1, ...), then a sum)"""

    node = "RepeatBackward0"

    def __init__(self, reps: tuple[int, ...]) -> None:
        self.reps = reps

    def forward(self, x):
        return np.tile(x, self.reps)

    def backward(self, gy, x):
        from .reduction import Sum

        shape = (1,) * (len(self.reps) - np.ndim(x)) + np.shape(x)
        split = tuple(v for r, s in zip(self.reps, shape, strict=True) for v in (r, s))
        g = Sum.apply(
            Reshape.apply(gy, shape=split), axes=tuple(range(0, len(split), 2)), keepdim=False
        )
        return Reshape.apply(g, shape=np.shape(x))


@register(top=False)
def repeat(input: Tensor, *sizes: Any) -> Tensor:
    """Tile the tensor `sizes` times along each dim (sizes may add leading dims)."""
    x = tensor_arg(input, "repeat")
    reps = shape_arg(sizes)
    if len(reps) < x._data.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            f"of tensor (repeat{reps} of a {x._data.ndim}-D tensor)"
        )
    return Repeat(reps)._run(x)


@register()
def tile(input: Tensor, dims: Sequence[int]) -> Tensor:
    """repeat, with fewer reps than dims padded by ones in front."""
    x = tensor_arg(input, "tile")
    reps = tuple(shape_arg((dims,)))
    reps = (1,) * (x._data.ndim - len(reps)) + reps
    return Repeat(reps)._run(x)


@register()
def repeat_interleave(
    input: Tensor | int,
    repeats: Tensor | int | None = None,
    dim: int | None = None,
    *,
    output_size: int | None = None,
) -> Tensor:
    """Each element (or slice along dim) repeated `repeats` times in place; with a tensor of
    counts alone, the indices repeated by those counts."""
    if repeats is None:  # repeat_interleave(counts)
        counts = tensor_arg(input, "repeat_interleave")._data
        return _make(np.repeat(np.arange(counts.size), counts).astype(np.int64))
    x = tensor_arg(input, "repeat_interleave")
    if dim is None:
        x, d = x.reshape(-1), 0
    else:
        d = _wrap_dim(dim, x._data.ndim, "repeat_interleave") if x._data.ndim else 0
        if not x._data.ndim:
            x = x.reshape(1)
    if isinstance(repeats, Tensor) and repeats._data.size != 1:
        r = repeats._data.reshape(-1)
        if r.size != x._data.shape[d]:
            raise RuntimeError("repeats must have the same size as input along dim")
        idx = np.repeat(np.arange(x._data.shape[d]), r)
        return Index((slice(None),) * d + (idx,), "IndexSelectBackward0")._run(x)
    k = int(repeats.item() if isinstance(repeats, Tensor) else repeats)
    shape = x._data.shape
    wide = shape[: d + 1] + (k,) + shape[d + 1 :]
    y = Expand(wide)._run(
        Reshape(shape[: d + 1] + (1,) + shape[d + 1 :], "UnsqueezeBackward0")._run(x)
    )
    return Reshape(shape[:d] + (shape[d] * k,) + shape[d + 1 :], "ViewBackward0")._run(y)


class Flip(Node):
    """reverse along dims: the gradient is flipped back"""

    node = "FlipBackward0"

    def __init__(self, axes: tuple[int, ...]) -> None:
        self.axes = axes

    def forward(self, x):
        return np.flip(x, self.axes).copy() if self.axes else x.copy()

    def backward(self, gy, x):
        return Flip.apply(gy, axes=self.axes)


@register()
def flip(input: Tensor, *dims_: Any, dims: Sequence[int] | None = None) -> Tensor:
    """Reverse the order of elements along the given dims."""
    x = tensor_arg(input, "flip")
    if dims is not None:
        dims_ = (dims,)
    if not dims_:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    axes = _dims(shape_arg(dims_), x._data.ndim, "flip") if x._data.ndim else ()
    return Flip(axes)._run(x)


@register()
def fliplr(input: Tensor) -> Tensor:
    """Flip the second dim (columns)."""
    x = tensor_arg(input, "fliplr")
    if x._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return Flip((1,))._run(x)


@register()
def flipud(input: Tensor) -> Tensor:
    """Flip the first dim (rows)."""
    x = tensor_arg(input, "flipud")
    if x._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return Flip((0,))._run(x)


class Roll(Node):
    """cyclic shift: the gradient is shifted back"""

    node = "RollBackward0"

    def __init__(self, shifts: tuple[int, ...], axes: tuple[int, ...] | None) -> None:
        self.shifts, self.axes = shifts, axes

    def forward(self, x):
        if self.axes is None:
            return np.roll(x, self.shifts[0])
        return c_order(np.roll(x, self.shifts, self.axes))  # C order, as torch

    def backward(self, gy, x):
        return Roll.apply(gy, shifts=tuple(-s for s in self.shifts), axes=self.axes)


@register()
def roll(input: Tensor, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None):
    """Shift elements cyclically along dims (no dims: over the flattened tensor)."""
    x = tensor_arg(input, "roll")
    sh = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    if dims is None:
        if len(sh) != 1:
            raise RuntimeError(f"roll(): shifts and dimensions must align. shifts: {len(sh)}, "
                               "dims: 0")  # fmt: skip
        return Roll(sh, None)._run(x)
    ax = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(ax) != len(sh):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:{len(ax)}")
    ax = tuple(_wrap_dim(a, max(x._data.ndim, 1), "roll") for a in ax)
    return Roll(sh, ax)._run(x)


class Rot90(Node):
    """rotate by k quarter turns in the plane of dims: the gradient turns back by -k"""

    node = "Rot90Backward0"

    def __init__(self, k: int, axes: tuple[int, int]) -> None:
        self.k, self.axes = k, axes

    def forward(self, x):
        return np.rot90(x, self.k, self.axes).copy()

    def backward(self, gy, x):
        return Rot90.apply(gy, k=-self.k, axes=self.axes)


@register()
def rot90(input: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """Rotate by 90 degrees k times, from the first toward the second of dims."""
    x = tensor_arg(input, "rot90")
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if x._data.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {x._data.ndim}")
    a = tuple(_wrap_dim(d, x._data.ndim, "rot90") for d in dims)
    if a[0] == a[1]:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {a[0]} and "
                           f"dim1 = {a[1]}")  # fmt: skip
    return Rot90(k % 4, a)._run(x)


@register(aliases=("moveaxis",))
def movedim(input: Tensor, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
    """Move dims from source positions to destination positions, the others keeping order."""
    x = tensor_arg(input, "movedim")
    nd = x._data.ndim
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
            f"contain the same number of dims as destination ({list(dst)} dims)"
        )
    if not nd:
        return Permute(())._run(x)
    src = tuple(_wrap_dim(s, nd, "movedim") for s in src)
    dst = tuple(_wrap_dim(s, nd, "movedim") for s in dst)
    order = [a for a in range(nd) if a not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        order.insert(d, s)
    return Permute(tuple(order))._run(x)


@register()
def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split dim into `sizes` (one may be -1)."""
    x = tensor_arg(input, "unflatten")
    d = _wrap_dim(dim, x._data.ndim, "unflatten")
    shape = x._data.shape
    sizes = _infer_shape(tuple(sizes), shape[d], (shape[d],))
    return Reshape(shape[:d] + tuple(sizes) + shape[d + 1 :])._run(x)


@register(top=False)
def view_as(input: Tensor, other: Tensor) -> Tensor:
    """input viewed in other's shape."""
    x = tensor_arg(input, "view_as")
    shape = tensor_arg(other, "view_as", "other")._data.shape
    target = _infer_shape(shape, x._data.size, x._data.shape)
    check_viewable(x, target)
    return Reshape(target)._run(x)


@register(top=False)
def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    """input reshaped to other's shape."""
    x = tensor_arg(input, "reshape_as")
    shape = tensor_arg(other, "reshape_as", "other")._data.shape
    return Reshape(_infer_shape(shape, x._data.size, x._data.shape))._run(x)


class Contiguous(Node):
    """A C-ordered copy (torch's clone to contiguous_format): the gradient passes through."""

    saves = ()  # backward needs only shapes

    node = "CloneBackward0"

    def forward(self, x):
        return np.array(x, copy=True, order="C")

    def backward(self, gy, x):
        return gy


@register(top=False)
def contiguous(input: Tensor, memory_format: Any = None) -> Tensor:
    """input itself when its memory is in C order, else a C-ordered copy, as torch's."""
    x = tensor_arg(input, "contiguous")
    if x._data.flags.c_contiguous:
        return x
    return Contiguous()._run(x)


@register(top=False)
def is_contiguous(input: Tensor, memory_format: Any = None) -> bool:
    """Whether the elements lie in memory in C order (size-1 dims aside), as torch's."""
    return bool(tensor_arg(input, "is_contiguous")._data.flags.c_contiguous)


def _atleast(tensors: tuple[Any, ...], n: int, op: str) -> Any:
    if len(tensors) == 1 and isinstance(tensors[0], Sequence) and not isinstance(
        tensors[0], Tensor):  # fmt: skip
        return tuple(_atleast((t,), n, op) for t in tensors[0])
    if len(tensors) != 1:
        return tuple(_atleast((t,), n, op) for t in tensors)
    x = tensor_arg(tensors[0], op)
    s = x._data.shape
    if len(s) >= n:
        return x
    if n == 1 or len(s) == 0:
        target = (1,) * n
    elif n == 2:
        target = (1,) + s
    else:  # 3-D: (1, n, 1) from 1-D, (a, b, 1) from 2-D, as numpy
        target = (1, s[0], 1) if len(s) == 1 else s + (1,)
    node = "ViewBackward0" if len(s) == 0 else "UnsqueezeBackward0"
    return Reshape(target, node)._run(x)


@register(method=False)
def atleast_1d(*tensors: Tensor) -> Tensor | tuple[Tensor, ...]:
    """Tensors with at least one dimension (a 0-d tensor becomes shape (1,))."""
    return _atleast(tensors, 1, "atleast_1d")


@register(method=False)
def atleast_2d(*tensors: Tensor) -> Tensor | tuple[Tensor, ...]:
    """Tensors with at least two dimensions (new leading dims of size 1)."""
    return _atleast(tensors, 2, "atleast_2d")


@register(method=False)
def atleast_3d(*tensors: Tensor) -> Tensor | tuple[Tensor, ...]:
    """Tensors with at least three dimensions, as numpy's atleast_3d."""
    return _atleast(tensors, 3, "atleast_3d")


@register(method=False)
def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join horizontally: along dim 1, or dim 0 for 1-D tensors."""
    ts = [atleast_1d(t) for t in _tensor_list(tensors, "hstack")]
    return cat(ts, 0 if ts[0]._data.ndim == 1 else 1)


@register(method=False, aliases=("row_stack",))
def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join vertically: 1-D tensors become rows, then cat along dim 0."""
    return cat([atleast_2d(t) for t in _tensor_list(tensors, "vstack")], 0)


@register(method=False)
def dstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join depth-wise: atleast_3d, then cat along dim 2."""
    return cat([atleast_3d(t) for t in _tensor_list(tensors, "dstack")], 2)


@register(method=False)
def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """Join as columns: 0-d and 1-D tensors become (n, 1) columns, then cat along dim 1."""
    cols = []
    for t in _tensor_list(tensors, "column_stack"):
        cols.append(t.reshape(t._data.size, 1) if t._data.ndim <= 1 else t)
    return cat(cols, 1)


@register(method=False)
def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids from 1-D tensors: 'ij' (matrix) or 'xy' (Cartesian) indexing."""
    if len(tensors) == 1 and isinstance(tensors[0], Sequence) and not isinstance(
        tensors[0], Tensor):  # fmt: skip
        tensors = tuple(tensors[0])
    ts = [tensor_arg(t, "meshgrid", "tensors") for t in tensors]
    if indexing is None:
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    for t in ts:
        if t._data.ndim > 1:
            raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list")
    sizes = [max(t._data.size, 0) if t._data.ndim else 1 for t in ts]
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    out = []
    for i, t in enumerate(ts):
        pos = (1 - i if i < 2 else i) if swap else i
        view = [1] * len(ts)
        view[pos] = sizes[pos]
        out.append(Expand(tuple(sizes))._run(Reshape(tuple(view))._run(t)))
    return tuple(out)


@register()
def tensor_split(
    input: Tensor, indices_or_sections: int | Sequence[int] | Tensor, dim: int = 0
) -> tuple[Tensor, ...]:
    """Split into n nearly equal parts (the first ones one larger), or at the given indices."""
    x = tensor_arg(input, "tensor_split")
    if not x._data.ndim:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")  # fmt: skip
    d = _wrap_dim(dim, x._data.ndim, "tensor_split")
    n = x._data.shape[d]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        ios = ios.item() if ios._data.ndim == 0 else ios.tolist()
    if isinstance(ios, int):
        if ios <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {ios}")
        q, r = divmod(n, ios)
        sizes = [q + 1] * r + [q] * (ios - r)
        cuts = list(np.cumsum(sizes)[:-1])
    else:
        cuts = [int(i) for i in ios]
    bounds = [0, *cuts, n]
    lead = (slice(None),) * d
    return tuple(
        Index((*lead, slice(min(max(a, 0), n), min(max(b, a, 0), n))), "SliceBackward0")._run(x)
        for a, b in zip(bounds[:-1], bounds[1:], strict=True)
    )


def _split_dir(input: Tensor, ios: Any, dim: int, min_dims: int, op: str, word: str):
    x = tensor_arg(input, op)
    if x._data.ndim < min_dims:
        raise RuntimeError(
            f"torch.{op} requires a tensor with at least {min_dims} dimension, but got a tensor "
            f"with {x._data.ndim} dimensions!"
        )
    if isinstance(ios, int) and x._data.shape[dim] % ios:
        raise RuntimeError(
            f"torch.{op} attempted to split along dimension {dim}, but the size of the dimension "
            f"{x._data.shape[dim]} is not divisible by the split_size {ios}!"
        )
    return tensor_split(x, ios, dim)


@register()
def hsplit(input: Tensor, indices_or_sections: int | Sequence[int]) -> tuple[Tensor, ...]:
    """tensor_split along dim 1 (dim 0 for 1-D tensors), in equal parts when given a count."""
    x = tensor_arg(input, "hsplit")
    d = 0 if x._data.ndim == 1 else 1
    return _split_dir(x, indices_or_sections, d, 1, "hsplit", "horizontal")


@register()
def vsplit(input: Tensor, indices_or_sections: int | Sequence[int]) -> tuple[Tensor, ...]:
    """tensor_split along dim 0, in equal parts when given a count."""
    return _split_dir(input, indices_or_sections, 0, 2, "vsplit", "vertical")


@register()
def dsplit(input: Tensor, indices_or_sections: int | Sequence[int]) -> tuple[Tensor, ...]:
    """tensor_split along dim 2, in equal parts when given a count."""
    return _split_dir(input, indices_or_sections, 2, 3, "dsplit", "depth")
