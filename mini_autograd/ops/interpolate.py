"""F.interpolate in torch's modes: nearest, nearest-exact, linear, bilinear, bicubic, trilinear,
area, and antialiased bilinear, bicubic and lanczos. Resampling is separable: one interpolation
matrix per spatial axis, applied by matmul, so every derivative (second order too) comes from
matmul's."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from .._tensor import Tensor, _make
from . import pooling_adaptive
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


def _aa_filter(mode: str) -> tuple[int, Callable[[np.ndarray], np.ndarray]]:
    """The antialiasing kernels (PIL's, as torch's _upsample_*2d_aa): their support in input
    pixels at scale 1 and the filter."""
    if mode == "bilinear":
        return 2, lambda t: np.maximum(0.0, 1.0 - np.abs(t))
    if mode == "lanczos":

        def lanczos(t: np.ndarray) -> np.ndarray:
            return np.where(np.abs(t) < 3.0, np.sinc(t) * np.sinc(t / 3.0), 0.0)

        return 6, lanczos
    a = -0.5  # Keys' cubic with A = -0.5 here, not the plain bicubic's -0.75

    def cubic(t: np.ndarray) -> np.ndarray:
        t = np.abs(t)
        near = ((a + 2) * t - (a + 3)) * t * t + 1
        far = ((a * t - 5 * a) * t + 8 * a) * t - 4 * a
        return np.where(t < 1.0, near, np.where(t < 2.0, far, 0.0))

    return 4, cubic


def _aa_matrix(n: int, out: int, scale: float, mode: str) -> np.ndarray:
    """(n, out) antialiased weights: the filter stretched by the downscale factor (support and
    argument), each output's weights normalised to sum 1."""
    size, f = _aa_filter(mode)
    support = size * 0.5 * scale if scale >= 1.0 else size * 0.5
    inv = 1.0 / scale if scale >= 1.0 else 1.0
    widest = math.ceil(support) * 2 + 1
    m = np.zeros((n, out))
    for i in range(out):
        center = scale * (i + 0.5)
        lo = max(int(center - support + 0.5), 0)
        count = min(max(min(int(center + support + 0.5), n) - lo, 0), widest)
        w = f((np.arange(count) + lo - center + 0.5) * inv)
        total = w.sum()
        m[lo : lo + count, i] = w / total if total != 0 else w
    return m


def _spatial(v, dim: int) -> list:
    return list(v) if isinstance(v, list | tuple) else [v] * dim


def _size_and_scales(x: Tensor, size, scale_factor, recompute: bool | None, mode: str):
    """torch's output size and scales (None: computed from the sizes) from size/scale_factor."""
    dim, spatial = x.dim() - 2, list(x.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    out, scales = None, None
    if size is not None:
        if isinstance(size, list | tuple):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {spatial} and output size of {size}. "
                    "Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                    "output size in (o1, o2, ...,oK) format."
                )
            if not all(isinstance(v, int | np.integer) for v in size):
                raise TypeError(
                    "expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                    f"Tuple[int, int, int], but got size with types {[type(v) for v in size]}"
                )
        out = [int(v) for v in _spatial(size, dim)]
    else:
        if isinstance(scale_factor, list | tuple) and len(scale_factor) != dim:
            raise ValueError(
                "Input and scale_factor must have the same number of spatial dimensions, but "
                f"got input with spatial dimensions of {spatial} and "
                f"scale_factor of shape {scale_factor}. "
                "Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                "scale_factor in (s1, s2, ...,sK) format."
            )
        scales = [float(v) for v in _spatial(scale_factor, dim)]
    if recompute and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and out is None:
        recompute = True
    if recompute:
        out = [int(n * f) for n, f in zip(spatial, scales, strict=True)]
        scales = None
    if out is None:
        out = [math.floor(n * f) for n, f in zip(spatial, scales, strict=True)]
    # the kernels' scale: input/output, or 1/scale_factor when one was given
    ratios = [
        (n / o if o else 0.0) if scales is None else (1.0 / f if f else 0.0)
        for n, o, f in zip(spatial, out, scales or out, strict=True)
    ]
    return out, ratios


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
    """Resample the spatial dims of (N, C, *) to `size` or by `scale_factor`, torch's checks in
    torch's order."""
    x = tensor_arg(input, "interpolate")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError(
                "align_corners option can only be set with the "
                "interpolating modes: linear | bilinear | bicubic | trilinear"
            )
    elif align_corners is None:
        align_corners = False
    nd = x.dim() - 2
    out, scales = _size_and_scales(x, size, scale_factor, recompute_scale_factor, mode)
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and x.dim() == 4):
        raise ValueError(
            "Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and "
            "requires a 4-D tensor as input"
        )
    if mode == "lanczos" and x.dim() == 4:
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
        if not antialias:
            raise ValueError("Lanczos mode requires antialias=True")
    if mode == "area" and 1 <= nd <= 3:
        return getattr(pooling_adaptive, f"adaptive_avg_pool{nd}d")(x, out)
    wanted = _DIMS.get(mode) if mode != "bicubic" else None  # torch names the linear ones
    if wanted is not None and 1 <= nd <= 3 and wanted != nd:
        raise NotImplementedError(
            f"Got {x.dim()}D input, but {mode} mode needs {wanted + 2}D input"
        )
    if (
        not 1 <= nd <= 3
        or mode not in ("nearest", "nearest-exact", "lanczos", *_DIMS)
        or (mode in ("bicubic", "lanczos") and nd != 2)
    ):
        raise NotImplementedError(
            "Input Error: Only 3D, 4D and 5D input Tensors supported"
            f" (got {x.dim()}D) for the modes: nearest | linear | bilinear | bicubic | "
            f"trilinear | lanczos | area | nearest-exact (got {mode})"
        )
    in_size = x._data.shape[2:]
    if min(in_size) <= 0 or min(out) <= 0:
        names = "DHW"[3 - nd :]
        both = " and" if nd == 1 else ""
        raise RuntimeError(
            "Input and output sizes should be greater than 0, but got input ("
            + ", ".join(f"{a}: {v}" for a, v in zip(names, in_size, strict=True))
            + f"){both} output ("
            + ", ".join(f"{a}: {v}" for a, v in zip(names, out, strict=True))
            + ")"
        )
    if x.shape[1] == 0:
        raise RuntimeError(
            f"Non-empty {x.dim()}D data tensor expected but got a tensor with sizes {list(x.shape)}"
        )
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
            y = TakeAxis(idx, axis, node)._run(y)
            continue
        scale = ((n - 1) / (o - 1) if o > 1 else 0.0) if align_corners else scales[i]
        if antialias:
            matrix = _aa_matrix(n, o, scale, mode)
        else:
            matrix = _interp_matrix(n, o, scales[i], mode, bool(align_corners))
        y = _along(y, axis, matrix)
    return y
