"""Adaptive pooling (window i covers [floor(i n / m), ceil((i + 1) n / m))), Lp pooling (through
average pooling) and max_unpool (a scatter to the max-pool indices): pooling.py's windows and
gather/scatter nodes put to other uses."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .._tensor import Tensor, _make
from ._registry import register
from .linalg import matmul
from .padding import Tie
from .pooling import Scatter, _gather, _node, _pool_input, _tuple, avg_pool1d, avg_pool2d
from .unary import relu

Size = int | Sequence[int]


# --- adaptive pooling: window i covers [floor(i n / m), ceil((i + 1) n / m)) --------------------


def _adaptive_bounds(n: int, m: int) -> list[tuple[int, int]]:
    return [((i * n) // m, -(-((i + 1) * n) // m)) for i in range(m)]


def _adaptive_size(x: Tensor, output_size, nd: int) -> tuple[int, ...]:
    size = (output_size,) * nd if isinstance(output_size, int) else tuple(output_size)
    if len(size) != nd:
        raise ValueError(f"adaptive pool: output_size must be {nd} ints, got {list(size)}")
    return tuple(x._data.shape[-nd + i] if s is None else int(s) for i, s in enumerate(size))


def _adaptive_avg(nd: int, op: str, input: Tensor, output_size) -> Tensor:
    x, _ = _pool_input(input, nd, op)
    out = _adaptive_size(x, output_size, nd)
    dtype = x._data.dtype
    lead = x.ndim - nd - 2  # 0 batched, -1 unbatched
    # torch's backward is a node of x, except for an output of ones (it takes a mean there)
    y = x if all(o == 1 for o in out) else Tie(f"AdaptiveAvgPool{nd}DBackward0")._run(x)
    # separable: one averaging matrix per spatial dim, applied as a matmul on the last axis
    for i in range(nd):
        n = x._data.shape[x.ndim - nd + i]
        a = np.zeros((n, out[i]), dtype=dtype)
        for j, (lo, hi) in enumerate(_adaptive_bounds(n, out[i])):
            a[lo:hi, j] = 1.0 / (hi - lo)
        axis = 2 + lead + i
        perm = [d for d in range(y.ndim) if d != axis] + [axis]
        y = matmul(y.permute(perm), _make(a))
        y = y.permute([*range(axis), y.ndim - 1, *range(axis, y.ndim - 1)])
    return y


@register(top=True, method=False, functional=True)
def adaptive_avg_pool1d(input: Tensor, output_size: Size) -> Tensor:
    """Average pooling into output_size bins (window i: [floor(i L / m), ceil((i + 1) L / m)))."""
    return _adaptive_avg(1, "adaptive_avg_pool1d", input, output_size)


@register(top=False, method=False, functional=True)
def adaptive_avg_pool2d(input: Tensor, output_size: Size) -> Tensor:
    """Average pooling of (N, C, H, W) into an output_size grid of bins."""
    return _adaptive_avg(2, "adaptive_avg_pool2d", input, output_size)


@register(top=False, method=False, functional=True)
def adaptive_avg_pool3d(input: Tensor, output_size: Size) -> Tensor:
    """Average pooling of (N, C, D, H, W) into an output_size grid of bins."""
    return _adaptive_avg(3, "adaptive_avg_pool3d", input, output_size)


def _adaptive_max(nd: int, op: str, input: Tensor, output_size, return_indices: bool):
    x, squeeze = _pool_input(input, nd, op)
    out = _adaptive_size(x, output_size, nd)
    a = x._data[None] if squeeze else x._data
    size = a.shape[2:]
    idx = np.zeros((*a.shape[:2], *out), dtype=np.int64)
    bounds = [_adaptive_bounds(n, m) for n, m in zip(size, out, strict=True)]
    for cell in np.ndindex(*out):
        box = tuple(slice(*bounds[i][c]) for i, c in enumerate(cell))
        block = a[(slice(None), slice(None), *box)]
        local = np.argmax(block.reshape(*a.shape[:2], -1), axis=-1)
        coords = np.unravel_index(local, block.shape[2:])
        flat = np.zeros(a.shape[:2], dtype=np.int64)
        for i in range(nd):
            flat = flat * size[i] + coords[i] + box[i].start
        idx[(slice(None), slice(None), *cell)] = flat
    y = _gather(x, idx, _node(nd, f"AdaptiveMaxPool{nd}DBackward0"), squeeze)
    if return_indices:
        return y, _make(idx[0] if squeeze else idx)
    return y


@register(top=False, method=False, functional=True)
def adaptive_max_pool1d(input: Tensor, output_size: Size, return_indices: bool = False):
    """The maximum over each of output_size adaptive bins of (N, C, L)."""
    return _adaptive_max(1, "adaptive_max_pool1d", input, output_size, return_indices)


@register(top=False, method=False, functional=True)
def adaptive_max_pool2d(input: Tensor, output_size: Size, return_indices: bool = False):
    """The maximum over each adaptive bin of (N, C, H, W)."""
    return _adaptive_max(2, "adaptive_max_pool2d", input, output_size, return_indices)


def _lp_pool(nd, op, input, norm_type, kernel_size, stride, ceil_mode) -> Tensor:
    # torch's definition: (sum of x^p over the window)^(1/p), through avg_pool
    k = _tuple(kernel_size, nd, "kernel_size", op)
    pool = avg_pool1d if nd == 1 else avg_pool2d
    out = pool(input**norm_type, k, stride, 0, ceil_mode)
    return (out.sign() * relu(out.abs())).mul(math.prod(k)) ** (1.0 / norm_type)


@register(top=False, method=False, functional=True)
def lp_pool1d(
    input: Tensor,
    norm_type: float,
    kernel_size: int,
    stride: Size | None = None,
    ceil_mode: bool = False,
) -> Tensor:
    """(Σ x^p)^(1/p) over each window of (N, C, L)."""
    return _lp_pool(1, "lp_pool1d", input, norm_type, kernel_size, stride, ceil_mode)


@register(top=False, method=False, functional=True)
def lp_pool2d(
    input: Tensor,
    norm_type: float,
    kernel_size: Size,
    stride: Size | None = None,
    ceil_mode: bool = False,
) -> Tensor:
    """(Σ x^p)^(1/p) over each window of (N, C, H, W)."""
    return _lp_pool(2, "lp_pool2d", input, norm_type, kernel_size, stride, ceil_mode)


@register(top=False, method=False, functional=True)
def max_unpool2d(
    input: Tensor,
    indices: Tensor,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    output_size: Sequence[int] | None = None,
) -> Tensor:
    """The inverse of max_pool2d: each value put back at its index, zeros elsewhere."""
    x, squeeze = _pool_input(input, 2, "max_unpool2d")
    op = "max_unpool2d"
    k = _tuple(kernel_size, 2, "kernel_size", op)
    s = k if stride is None else _tuple(stride, 2, "stride", op)
    p = _tuple(padding, 2, "padding", op)
    h, w = x._data.shape[2:]
    default = ((h - 1) * s[0] - 2 * p[0] + k[0], (w - 1) * s[1] - 2 * p[1] + k[1])
    size = default if output_size is None else tuple(int(v) for v in output_size)[-2:]
    idx = np.asarray(indices._data if isinstance(indices, Tensor) else indices, dtype=np.int64)
    if idx.shape != x._data.shape:
        raise RuntimeError(
            f"Expected shape of indices to be same as that of the input tensor "
            f"({list(x.shape)}) but got indices tensor with shape: {list(indices.shape)}"
        )
    if idx.size and (idx.min() < 0 or idx.max() >= size[0] * size[1]):
        raise RuntimeError(
            f"Found an invalid max index: {int(idx.max())} (output volumes are of "
            f"size {size[0]}x{size[1]}"
        )
    if squeeze:
        idx = idx[None]
    lead = x._data.shape[:-2]
    return Scatter(idx, (*lead, *size), True, "MaxUnpool2DBackward0")._run(x)
