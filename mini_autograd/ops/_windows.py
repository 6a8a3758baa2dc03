"""Sliding windows on numpy arrays: im2col through `sliding_window_view`, col2im by strided
accumulation. The array tricks that convolution, pooling and unfold/fold share (no autograd here).

A `Geometry` fixes how the windows of a "large" side (an input of spatial size `x_size`, padded by
`pad`) map onto a "small" side (`y_size` window positions): kernel `k_size`, `stride`, `dilation`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


@dataclass(frozen=True)
class Geometry:
    """Window placement over the trailing `len(k_size)` dims of an array."""

    k_size: tuple[int, ...]
    stride: tuple[int, ...]
    pad: tuple[tuple[int, int], ...]  # (before, after) per spatial dim
    dilation: tuple[int, ...]
    x_size: tuple[int, ...]  # the spatial size of the windowed side, unpadded
    y_size: tuple[int, ...]  # how many windows along each dim

    @property
    def nd(self) -> int:
        return len(self.k_size)

    @property
    def padded(self) -> tuple[int, ...]:
        return tuple(n + lo + hi for n, (lo, hi) in zip(self.x_size, self.pad, strict=True))


def out_size(n: int, k: int, s: int, lo: int, hi: int, d: int, ceil_mode: bool = False) -> int:
    """How many windows fit: floor((n + lo + hi - d (k - 1) - 1) / s) + 1 (torch's formula; with
    ceil_mode a last partial window counts if it starts inside the input or its left padding)."""
    span = n + lo + hi - d * (k - 1) - 1
    if not ceil_mode:
        return span // s + 1
    out = -(-span // s) + 1
    if (out - 1) * s >= n + lo:
        out -= 1
    return out


def pad_array(x: np.ndarray, geom: Geometry, value: float = 0.0) -> np.ndarray:
    """x with the geometry's padding on its trailing dims, and extra after-padding so that every
    window (ceil_mode ones too) lies inside."""
    nd = geom.nd
    widths = [(0, 0)] * (x.ndim - nd)
    for i in range(nd):
        lo, hi = geom.pad[i]
        reach = (geom.y_size[i] - 1) * geom.stride[i] + geom.dilation[i] * (geom.k_size[i] - 1) + 1
        hi = max(hi, reach - (geom.x_size[i] + lo))
        widths.append((lo, hi))
    if not any(lo or hi for lo, hi in widths):
        return x
    return np.pad(x, widths, constant_values=value)


def windows(xp: np.ndarray, geom: Geometry) -> np.ndarray:
    """A view of shape (*lead, *y_size, *k_size) of the padded array: the window elements."""
    nd = geom.nd
    axes = tuple(range(xp.ndim - nd, xp.ndim))
    span = tuple(d * (k - 1) + 1 for k, d in zip(geom.k_size, geom.dilation, strict=True))
    v = sliding_window_view(xp, span, axis=axes)
    lead = (slice(None),) * (xp.ndim - nd)
    pos = tuple(slice(0, (y - 1) * s + 1, s) for y, s in zip(geom.y_size, geom.stride, strict=True))
    ker = tuple(slice(None, None, d) for d in geom.dilation)
    return v[lead + pos + ker]


def im2col(x: np.ndarray, geom: Geometry, value: float = 0.0) -> np.ndarray:
    """(N, C, *x_size) -> (N, C, *k_size, *y_size), contiguous: the columns of the matmul."""
    w = windows(pad_array(x, geom, value), geom)
    nd = geom.nd
    lead = w.ndim - 2 * nd
    order = (*range(lead), *range(lead + nd, lead + 2 * nd), *range(lead, lead + nd))
    return np.ascontiguousarray(w.transpose(order))


def col2im(cols: np.ndarray, geom: Geometry) -> np.ndarray:
    """The adjoint of im2col: (..., *k_size, *y_size) summed back into (..., *x_size)."""
    nd = geom.nd
    lead_shape = cols.shape[: cols.ndim - 2 * nd]
    full = tuple(
        max(p, (y - 1) * s + d * (k - 1) + 1 + lo)
        for p, y, s, d, k, (lo, _) in zip(
            geom.padded, geom.y_size, geom.stride, geom.dilation, geom.k_size, geom.pad, strict=True
        )
    )
    xp = np.zeros(lead_shape + full, dtype=cols.dtype)
    lead = (slice(None),) * len(lead_shape)
    for kk in itertools.product(*(range(k) for k in geom.k_size)):
        dst = tuple(
            slice(o * d, o * d + (y - 1) * s + 1, s)
            for o, d, y, s in zip(kk, geom.dilation, geom.y_size, geom.stride, strict=True)
        )
        xp[lead + dst] += cols[lead + kk]
    crop = tuple(slice(lo, lo + n) for (lo, _), n in zip(geom.pad, geom.x_size, strict=True))
    return xp[lead + crop]


def ntuple(value: int | Sequence[int], n: int, name: str, op: str) -> tuple[int, ...]:
    """An int or a sequence of n ints as a tuple of n ints (torch's _ntuple), with torch's error."""
    if isinstance(value, int | np.integer):
        return (int(value),) * n
    vals = tuple(int(v) for v in value)
    if len(vals) == 1:
        return vals * n
    if len(vals) != n:
        raise RuntimeError(
            f"{op}: expected {name} to be a single integer value or a list of {n} "
            f"values to match the convolution dimensions, but got {name}={list(vals)}"
        )
    return vals


def numel(shape: Sequence[int]) -> int:
    return math.prod(shape)
