"""Pooling: max (with indices, ties as torch: the first maximum) and average, on windowed views
of the input (adaptive, Lp and max_unpool are in pooling_adaptive.py).

Max pooling picks elements: the indices are found with numpy, then a gather node takes the
values, so its gradient is a scatter and the scatter's gradient a gather again. Average pooling
is a window sum (whose adjoint is col2im) times a constant divisor.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .._tensor import Tensor, _make
from ._registry import register
from ._util import Node, tensor_arg
from ._windows import Geometry, col2im, out_size, pad_array, windows
from .padding import anchored
from .pooling_tiled import TiledMaxPool, tiled

Size = int | Sequence[int]


class Gather(Node):
    """y = x.flat[idx] per (N, C) plane: the gradient scatters back (accumulating repeats)."""

    def __init__(
        self, idx: np.ndarray, node: str, unique: bool = False, shape: tuple | None = None
    ) -> None:
        self.idx, self.node, self.unique = idx, node, unique
        self.shape = idx.shape if shape is None else shape  # unbatched: idx without its batch

    def forward(self, x):
        if self.idx.size == 0:  # no planes or no picks (reshape cannot infer a -1 then)
            return np.zeros(self.shape, dtype=x.dtype)
        lead = self.idx.shape[:2]
        flat = x.reshape(*lead, -1)
        return np.take_along_axis(flat, self.idx.reshape(*lead, -1), axis=2).reshape(self.shape)

    def backward(self, gy, x):
        g = Scatter.apply(gy, idx=self.idx, size=np.shape(x), unique=self.unique)
        return anchored(g, x)


def _gather(x: Tensor, idx: np.ndarray, node: str, squeeze: bool, unique: bool = False):
    """The pooled values, with the unbatched input's batch dim (of idx) left out."""
    return Gather(idx, node, unique, idx.shape[1:] if squeeze else None)._run(x)


def _node(nd: int, name: str) -> str:
    # torch runs the 1-d pools as 2-d ones between an unsqueeze and a squeeze
    return "SqueezeBackward1" if nd == 1 else name


class Scatter(Node):
    """y = zeros(size); y.flat[idx] += x per plane (= with `unique`): the gradient gathers."""

    def __init__(
        self, idx: np.ndarray, size: tuple[int, ...], unique: bool, node: str = "ScatterBackward0"
    ) -> None:
        self.idx, self.size, self.unique, self.node = idx, size, unique, node

    def forward(self, x):
        if self.idx.size == 0:  # no planes or no picks: nothing lands
            return np.zeros(self.size, dtype=x.dtype)
        lead = self.idx.shape[:2]
        planes = math.prod(lead)
        length = math.prod(self.size) // planes
        idx = self.idx.reshape(planes, -1)
        if self.unique:
            out = np.zeros((planes, length), dtype=x.dtype)
            np.put_along_axis(out, idx, x.reshape(planes, -1), axis=1)
        else:  # overlapping windows: one bincount over every plane at once
            offsets = (np.arange(planes) * length)[:, None]
            out = np.bincount(
                (idx + offsets).ravel(), x.reshape(-1), minlength=planes * length
            ).astype(x.dtype, copy=False)
        return out.reshape(self.size)

    def backward(self, gy, x):
        return Gather.apply(gy, idx=self.idx, node="GatherBackward0", unique=self.unique)


class WindowSum(Node):
    """y = the sum of each window of the zero-padded x: the gradient is col2im of gy."""

    def __init__(self, geom: Geometry, node: str, scale: np.ndarray) -> None:
        self.geom, self.node, self.scale = geom, node, scale

    def forward(self, x):
        nd = self.geom.nd
        w = windows(pad_array(x, self.geom), self.geom)
        return np.add.reduce(w, axis=tuple(range(w.ndim - nd, w.ndim))) * self.scale

    def backward(self, gy, x):
        return anchored(WindowSumT.apply(gy, geom=self.geom, scale=self.scale), x)


class WindowSumT(Node):
    """x = col2im of y·scale broadcast over each window (the adjoint of WindowSum)."""

    def __init__(self, geom: Geometry, scale: np.ndarray) -> None:
        self.geom, self.scale, self.node = geom, scale, "AvgPoolBackwardBackward0"

    def forward(self, y):
        nd, geom = self.geom.nd, self.geom
        y = y * self.scale
        lead = y.shape[: y.ndim - nd]
        cols = np.broadcast_to(
            y.reshape(lead + (1,) * nd + geom.y_size), lead + geom.k_size + geom.y_size
        )
        return col2im(cols, geom)

    def backward(self, gx, y):
        return WindowSum.apply(gx, geom=self.geom, node="AvgPoolBackward0", scale=self.scale)


# --- geometry from torch's arguments -------------------------------------------------------------


def _tuple(v: Size | None, nd: int, name: str, op: str) -> tuple[int, ...]:
    if isinstance(v, int | np.integer):
        return (int(v),) * nd
    vals = tuple(int(a) for a in v)
    if len(vals) == 1:
        return vals * nd
    if len(vals) != nd:
        raise RuntimeError(
            f"{op}: {name} must either be a single int, or a tuple of {nd} ints, got {list(vals)}"
        )
    return vals


def _pool_input(input: Tensor, nd: int, op: str) -> tuple[Tensor, bool]:
    x = tensor_arg(input, op)
    if x._data.ndim not in (nd + 1, nd + 2) or 0 in x._data.shape[-nd:]:
        raise RuntimeError(
            f"{op}: non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input, "
            f"but got input of size {list(x.shape)}"
        )
    return x, x._data.ndim == nd + 1


def _geometry(x, nd, kernel_size, stride, padding, dilation, ceil_mode, op) -> Geometry:
    k = _tuple(kernel_size, nd, "kernel_size", op)
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) else None
    s = s or _tuple(stride, nd, "stride", op)
    p = _tuple(padding, nd, "padding", op)
    d = _tuple(dilation, nd, "dilation", op)
    if any(v <= 0 for v in k):
        raise RuntimeError(f"{op}: kernel_size must be greater than zero, but got {list(k)}")
    if any(v == 0 for v in s):
        raise RuntimeError("stride should not be zero")
    if any(v <= 0 for v in s):
        raise RuntimeError(f"{op}: stride must be greater than zero, but got {list(s)}")
    if any(v <= 0 for v in d):
        raise RuntimeError(f"{op}: dilation must be greater than zero, but got {list(d)}")
    for pp, kk, dd in zip(p, k, d, strict=True):
        if pp < 0 or pp > (dd * (kk - 1) + 1) // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad={pp}, "
                f"kernel_size={kk} and dilation={dd}"
            )
    size = tuple(x._data.shape[-nd:])
    y = tuple(
        out_size(n, kk, ss, pp, pp, dd, ceil_mode)
        for n, kk, ss, pp, dd in zip(size, k, s, p, d, strict=True)
    )
    if any(v <= 0 for v in y):
        c = x._data.shape[1]
        raise RuntimeError(
            f"Given input size: ({'x'.join(map(str, (c, *size)))}). Calculated output size: "
            f"({'x'.join(map(str, (c, *y)))}). Output size is too small"
        )
    return Geometry(k, s, tuple((v, v) for v in p), d, size, y)


def _low(dtype: np.dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _max_indices(x: np.ndarray, geom: Geometry) -> np.ndarray:
    """For each window the flat index (within its (N, C) plane) of its first maximum."""
    nd = geom.nd
    w = windows(pad_array(x, geom, _low(x.dtype)), geom)
    flat = w.reshape(*w.shape[: w.ndim - nd], -1)
    local = np.argmax(flat, axis=-1)  # the first maximum, as torch
    if x.dtype.kind == "f":  # a NaN is the maximum, the last NaN of a window (torch's loop)
        nan = np.isnan(flat)
        if nan.any():
            last = flat.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
            local = np.where(nan.any(axis=-1), last, local)
    ks = np.unravel_index(local, geom.k_size)
    index = np.zeros(local.shape, dtype=np.int64)
    for i in range(nd):
        shape = [1] * local.ndim
        shape[local.ndim - nd + i] = geom.y_size[i]
        start = (np.arange(geom.y_size[i]) * geom.stride[i] - geom.pad[i][0]).reshape(shape)
        index = index * geom.x_size[i] + start + ks[i] * geom.dilation[i]
    return index


def _disjoint(geom: Geometry) -> bool:
    return all(
        s >= d * (k - 1) + 1
        for s, d, k in zip(geom.stride, geom.dilation, geom.k_size, strict=True)
    )


def _max_pool(nd, op, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    x, squeeze = _pool_input(input, nd, op)
    geom = _geometry(x, nd, kernel_size, stride, padding, dilation, ceil_mode, op)
    if not return_indices and tiled(geom):
        node = _node(nd, f"MaxPool{nd}DWithIndicesBackward0")
        return TiledMaxPool(geom.k_size, geom.y_size, node)._run(x)
    idx = _max_indices(x._data[None] if squeeze else x._data, geom)
    node = _node(nd, f"MaxPool{nd}DWithIndicesBackward0")
    y = _gather(x, idx, node, squeeze, _disjoint(geom))
    if return_indices:
        return y, _make(idx[0] if squeeze else idx)
    return y


@register(top=True, method=False, functional=True)
def max_pool1d(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """The maximum of each window of (N, C, L); with return_indices also where it was."""
    return _max_pool(
        1, "max_pool1d", input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


@register(top=True, method=False, functional=True)
def max_pool2d(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """The maximum of each window of (N, C, H, W) (padding counts as -inf)."""
    return _max_pool(
        2, "max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


@register(top=True, method=False, functional=True)
def max_pool3d(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """The maximum of each window of (N, C, D, H, W)."""
    return _max_pool(
        3, "max_pool3d", input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def _divisor(geom: Geometry, count_include_pad: bool) -> np.ndarray:
    """Per output position: the window's element count (torch's rule, one dim at a time)."""
    out = np.ones((), dtype=np.float64)
    for i in range(geom.nd):
        lo, n = geom.pad[i][0], geom.x_size[i]
        start = np.arange(geom.y_size[i]) * geom.stride[i] - lo
        end = np.minimum(start + geom.k_size[i], n + lo)
        count = end - start
        if not count_include_pad:
            count = np.minimum(end, n) - np.maximum(start, 0)
        out = np.multiply.outer(out, count)
    return out


def _avg_pool(
    nd, op, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
):
    x, squeeze = _pool_input(input, nd, op)
    geom = _geometry(x, nd, kernel_size, stride, padding, 1, ceil_mode, op)
    if divisor_override is not None:
        if divisor_override == 0:
            raise RuntimeError("divisor must be not zero")
        inv = np.asarray(1.0 / divisor_override)
    else:
        inv = 1.0 / _divisor(geom, count_include_pad)
    scale = inv.astype(x._data.dtype)
    return WindowSum(geom, _node(nd, f"AvgPool{nd}DBackward0"), scale)._run(x)


@register(top=True, method=False, functional=True)
def avg_pool1d(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """The mean of each window of (N, C, L)."""
    return _avg_pool(
        1, "avg_pool1d", input, kernel_size, stride, padding, ceil_mode, count_include_pad, None
    )


@register(top=False, method=False, functional=True)
def avg_pool2d(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """The mean of each window of (N, C, H, W); the divisor follows torch's padding rules."""
    return _avg_pool(
        2,
        "avg_pool2d",
        input,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
    )


@register(top=False, method=False, functional=True)
def avg_pool3d(
    input: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """The mean of each window of (N, C, D, H, W)."""
    return _avg_pool(
        3,
        "avg_pool3d",
        input,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
    )
