"""Max pooling over tiles: kernel = stride, no padding, no dilation (the common `max_pool2d(x, 2)`).

The windows then tile the input, so each window element is one strided view of it (a 2×2 pool is
four views `x[..., i::2, j::2]`): the maximum is `np.maximum` of the views, and what backward keeps
is a boolean mask of the winning elements (one byte per input element; torch keeps eight per output,
int64 indices). Torch's rule: the first maximum of a window in row-major order wins, except that a
NaN always wins and a later NaN beats an earlier one (its loop is `if (val > max || isnan(val))`).
The gradient is gy upsampled times the mask, whose gradient is the window sum of the masked
gradient, so double backward works.

A 2×2 pool of a contiguous even-sized input runs in stages on contiguous arrays (numpy's ufuncs
on strided views are several times slower): the two columns of every tile row are split out by
two strided copies, their maximum taken, then the maximum of each pair of rows of those.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from .._tensor import _make
from ._util import Node, data

#: beyond this many elements per window the general (index) path is faster
MAX_TILE = 16


def tiled(geom) -> bool:
    """Whether a pooling geometry tiles its input (the fast path applies)."""
    return (
        geom.stride == geom.k_size
        and all(d == 1 for d in geom.dilation)
        and all(lo == 0 and hi == 0 for lo, hi in geom.pad)
        and all(y * k <= n for y, k, n in zip(geom.y_size, geom.k_size, geom.x_size, strict=True))
        and math.prod(geom.k_size) <= MAX_TILE
    )


def _views(a: np.ndarray, k: tuple[int, ...], y: tuple[int, ...]) -> list[np.ndarray]:
    """The strided views of a's trailing dims, one per window element in row-major order."""
    nd = len(k)
    lead = (slice(None),) * (a.ndim - nd)
    return [
        a[lead + tuple(slice(o, o + n * kk, kk) for o, n, kk in zip(off, y, k, strict=True))]
        for off in itertools.product(*(range(kk) for kk in k))
    ]


def _winners(x: np.ndarray, k: tuple[int, ...], y_size: tuple[int, ...]):
    """The tile maxima and which element of its tile won (uint8, row-major position)."""
    views = _views(x, k, y_size)
    y = np.maximum(views[0], views[1]) if len(views) > 1 else views[0].copy()
    for v in views[2:]:
        np.maximum(y, v, out=y)
    win = np.full(y.shape, len(views) - 1, dtype=np.uint8)
    for i in range(len(views) - 2, -1, -1):  # the first maximum wins
        np.copyto(win, np.uint8(i), where=views[i] == y)
    if y.dtype.kind == "f" and np.isnan(y).any():  # the last NaN wins
        for i, v in enumerate(views):
            np.copyto(win, np.uint8(i), where=np.isnan(v))
    mask = np.zeros(x.shape, dtype=bool)
    for i, v in enumerate(_views(mask, k, y_size)):
        np.equal(win, i, out=v)
    return y, mask


def _winners_2x2(x: np.ndarray):
    """_winners for a 2×2 tiling of a contiguous array with even trailing sizes, in stages on
    contiguous arrays (None when a NaN needs torch's NaN rule)."""
    *lead, h, w = x.shape
    flat = x.reshape(-1)
    left, right = flat[0::2].copy(), flat[1::2].copy()  # the two columns of every tile row
    col = np.maximum(left, right).reshape(-1, 2, w // 2)
    won = np.greater(right, left).reshape(-1, 2, w // 2)  # the right one is the first maximum
    top, bottom = col[:, 0], col[:, 1]
    y = np.maximum(top, bottom)
    if y.dtype.kind == "f" and np.isnan(y).any():
        return None
    low = np.greater(bottom, top)  # the bottom row wins (ties: the top one)
    rows = np.empty(won.shape, dtype=bool)
    rows[:, 0], rows[:, 1] = ~low, low
    mask = np.empty(x.shape, dtype=bool)
    m = mask.reshape(-1)
    m[0::2] = np.greater(rows, won).reshape(-1)
    m[1::2] = np.logical_and(rows, won).reshape(-1)
    return y.reshape(*lead, h // 2, w // 2), mask


def _upsample(g: np.ndarray, k: tuple[int, ...], size: tuple[int, ...]) -> np.ndarray:
    """g repeated k times along each trailing dim, zero-padded to size (an untiled margin)."""
    nd = len(k)
    if k == (2, 2) and g.shape[:-2] + (2 * g.shape[-2], 2 * g.shape[-1]) == tuple(size):
        rows = np.repeat(g.reshape(-1, 1, g.shape[-1]), 2, axis=1).reshape(-1)
        out = np.empty(size, dtype=g.dtype)
        flat = out.reshape(-1)
        flat[0::2] = rows  # strided copies: faster than np.repeat along the last axis
        flat[1::2] = rows
        return out
    for i, kk in enumerate(k):
        g = np.repeat(g, kk, axis=g.ndim - nd + i)
    if g.shape != tuple(size):
        g = np.pad(g, [(0, n - m) for m, n in zip(g.shape, size, strict=True)])
    return g


class TiledMaxPool(Node):
    """y = the maximum of each tile; keeps a mask of the winning elements for backward."""

    saves = ()  # backward reads the input's shape only

    def __init__(self, k: tuple[int, ...], y_size: tuple[int, ...], node: str) -> None:
        self.k, self.y_size, self.node = k, y_size, node

    def forward(self, x):
        found = None
        if self.k == (2, 2) and x.flags.c_contiguous and x.shape[-1] % 2 == x.shape[-2] % 2 == 0:
            found = _winners_2x2(x)
        y, self.mask = found or _winners(x, self.k, self.y_size)
        return y

    def backward(self, gy, x):
        return TiledScatter.apply(gy, x, k=self.k, mask=self.mask)


class TiledScatter(Node):
    """gx = gy upsampled onto each tile's winning element (zeros elsewhere). x only ties gx to x's
    graph (a zero derivative), as torch's pooling backward: the gradient of gy is TiledGather."""

    saves = ()

    def __init__(self, k: tuple[int, ...], mask: np.ndarray) -> None:
        self.k, self.mask = k, mask
        # torch runs a 1-d pool as a 2-d one between an unsqueeze and a squeeze
        nd = len(k)
        self.node = "SqueezeBackward1" if nd == 1 else f"MaxPool{nd}DWithIndicesBackwardBackward0"

    def forward(self, gy, x):
        g = _upsample(gy, self.k, self.mask.shape)
        if gy.dtype.kind == "f" and not np.isfinite(gy).all():  # inf·0 must not give NaN
            return np.where(self.mask, g, gy.dtype.type(0))
        g *= self.mask
        return g

    def backward(self, ggx, gy, x):
        zero = _make(np.zeros(np.shape(x), dtype=np.result_type(data(x))))
        return TiledGather.apply(ggx, k=self.k, mask=self.mask), zero


class TiledGather(Node):
    """y = each tile's winning element of x (the window sum of x masked): the gradient is
    TiledScatter."""

    saves = ()

    def __init__(self, k: tuple[int, ...], mask: np.ndarray) -> None:
        self.k, self.mask, self.node = k, mask, "GatherBackward0"

    def forward(self, x):
        nd = len(self.k)
        g = np.where(self.mask, x, x.dtype.type(0))
        lead = g.shape[: g.ndim - nd]
        crop = tuple(slice(0, n - n % kk) for n, kk in zip(g.shape[-nd:], self.k, strict=True))
        g = g[(slice(None),) * len(lead) + crop]
        split = lead + sum(((n // kk, kk) for n, kk in zip(g.shape[-nd:], self.k, strict=True)), ())
        return g.reshape(split).sum(axis=tuple(range(len(lead) + 1, len(split), 2)))

    def backward(self, gy, x):
        return TiledScatter.apply(gy, x, k=self.k, mask=self.mask)
