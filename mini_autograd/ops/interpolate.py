"""F.interpolate in torch's modes: nearest, nearest-exact, linear, bilinear, bicubic, trilinear,
area, and antialiased bilinear/bicubic. Resampling is separable: one interpolation matrix per
spatial axis, applied by matmul, so every derivative (second order too) comes from matmul's."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .._tensor import Tensor, _make
from ._registry import register
from ._util import tensor_arg
from .linalg import matmul
from .padding import TakeAxis

Size = int | Sequence[int]


# --- interpolate -----------------------------------------------------------------------------

_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def _source(out: int, n: int, scale: float, align_corners: bool, cubic: bool) -> np.ndarray:
    dst = np.arange(out, dtype=np.float64)
    if align_corners:
        return dst * ((n - 1) / (out - 1) if out > 1 else 0.0)
    src = (dst + 0.5) * scale - 0.5
    return src if cubic else np.maximum(src, 0.0)


def _cubic_weights(t: np.ndarray) -> np.ndarray:
    """Keys' cubic convolution with A = -0.75 (torch's) at offsets -1, 0, 1, 2."""
    a = -0.75

    def near(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return np.stack([far(t + 1), near(t), near(1 - t), far(2 - t)], axis=-1)


def _interp_matrix(n: int, out: int, scale: float, mode: str, align: bool) -> np.ndarray:
    """(n, out): column j holds the weights of output j on the input positions."""
    m = np.zeros((n, out))
    cols = np.arange(out)
    if mode == "bicubic":
        src = _source(out, n, scale, align, True)
        i0 = np.floor(src).astype(np.int64)
        w = _cubic_weights(src - i0)
        for o in range(4):
            np.add.at(m, (np.clip(i0 - 1 + o, 0, n - 1), cols), w[:, o])
        return m
    src = _source(out, n, scale, align, False)
    i0 = np.minimum(np.floor(src).astype(np.int64), n - 1)
    i1 = np.minimum(i0 + 1, n - 1)
    lam = src - i0
    np.add.at(m, (i0, cols), 1 - lam)
    np.add.at(m, (i1, cols), lam)
    return m


def _along(y: Tensor, axis: int, matrix: np.ndarray) -> Tensor:
    """y with `axis` replaced by y's values there times matrix (n, out)."""
    perm = [d for d in range(y.ndim) if d != axis] + [axis]
    y = matmul(y.permute(perm), _make(matrix.astype(y._data.dtype)))
    return y.permute([*range(axis), y.ndim - 1, *range(axis, y.ndim - 1)])


@register(top=False, method=False, functional=True)
def interpolate(
    input: Tensor,
    size: Size | None = None,
    scale_factor: float | Sequence[float] | None = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Tensor:
    """Resample the spatial dims of (N, C, *) to `size` or by `scale_factor`."""
    x = tensor_arg(input, "interpolate")
    nd = x.dim() - 2
    if mode not in ("nearest", "nearest-exact", *_DIMS):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {x.dim()}D) for the "
            f"modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact "
            f"(got {mode})"
        )
    if mode in ("nearest", "nearest-exact"):
        if align_corners is not None:
            raise ValueError(
                "align_corners option can only be set with the interpolating modes: "
                "linear | bilinear | bicubic | trilinear"
            )
    elif align_corners is None:
        align_corners = False
    if mode in _DIMS and _DIMS[mode] != nd:
        raise NotImplementedError(
            f"Got {x.dim()}D input, but {mode} mode needs {_DIMS[mode] + 2}D input"
        )
    if not 1 <= nd <= 3:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported "
            f"(got {x.dim()}D) for the modes: nearest | linear | bilinear "
            f"| bicubic | trilinear | area | nearest-exact (got {mode})"
        )
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported by mini_autograd")
    if (size is None) == (scale_factor is None):
        raise ValueError(
            "either size or scale_factor should be defined"
            if size is None
            else "only one of size or scale_factor should be defined"
        )
    in_size = x._data.shape[2:]
    if size is not None:
        out = (int(size),) * nd if isinstance(size, int | np.integer) else tuple(map(int, size))
        if len(out) != nd:
            raise ValueError(
                f"Input and output must have the same number of spatial dimensions, but got "
                f"input with spatial dimensions of {list(in_size)} and output size of "
                f"{list(out)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                "output size in (o1, o2, ...,oK) format."
            )
        scales = [n / o for n, o in zip(in_size, out, strict=True)]
    else:
        factors = (
            (float(scale_factor),) * nd
            if isinstance(scale_factor, int | float)
            else tuple(map(float, scale_factor))
        )
        out = tuple(math.floor(n * f) for n, f in zip(in_size, factors, strict=True))
        scales = [
            n / o if recompute_scale_factor else 1.0 / f
            for n, o, f in zip(in_size, out, factors, strict=True)
        ]
    y = x
    for i in range(nd):
        n, o, axis = in_size[i], out[i], 2 + i
        if mode in ("nearest", "nearest-exact"):
            dst = np.arange(o, dtype=np.float32) + np.float32(0.5 if mode == "nearest-exact" else 0)
            idx = np.minimum(np.floor(dst * np.float32(scales[i])).astype(np.int64), n - 1)
            node = (
                f"UpsampleNearest{nd}DBackward0"
                if mode == "nearest"
                else (f"UpsampleNearestExact{nd}DBackward0")
            )
            y = TakeAxis(idx, axis, node)(y)
        else:
            y = _along(y, axis, _interp_matrix(n, o, scales[i], mode, bool(align_corners)))
    return y
