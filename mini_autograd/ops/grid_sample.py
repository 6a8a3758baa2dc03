"""affine_grid and grid_sample (a spatial transformer's sampling grid and sampler), 2-D and 3-D:
bilinear (trilinear), nearest and bicubic sampling with zeros, border or reflection padding.

The sampler is built from our own ops: each corner's value is a gather of the input (its
gradient a scatter), its weight a polynomial of the grid's fractional part, so the gradients to
input and grid, and their derivatives, come from those ops. The padding maps a coordinate
piecewise linearly (slope 1, -1 or 0: torch's clip and reflect, borders counted out of bounds),
applied as `t * slope + offset` with the slope and offset taken from the forward values."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from .._tensor import Tensor, _make
from .._warn_once import user_stacklevel
from ._registry import register
from ._util import TORCH_DTYPE_NAMES, tensor_arg
from .elementwise import Mul
from .linalg import matmul
from .padding import Anchor
from .pooling import Gather

_DEFAULT_WARNING = (
    "Default grid_sample and affine_grid behavior has changed to align_corners=False since "
    "1.3.0. Please specify align_corners=True if the old behavior is desired. See the "
    "documentation of grid_sample for details."
)


def _linspace(n: int, align_corners: bool) -> np.ndarray:
    if align_corners:
        return np.linspace(-1.0, 1.0, n) if n > 1 else np.zeros(1)
    return (np.arange(n) * 2 + 1) / n - 1


@register(top=False, method=False, functional=True)
def affine_grid(theta: Tensor, size: Sequence[int], align_corners: bool | None = None) -> Tensor:
    """The (N, H, W, 2) sampling grid of the 2-D affine maps theta (N, 2, 3), or the
    (N, D, H, W, 3) grid of the 3-D maps theta (N, 3, 4)."""
    t = tensor_arg(theta, "affine_grid", "theta")
    if align_corners is None:
        warnings.warn(_DEFAULT_WARNING, stacklevel=user_stacklevel())
        align_corners = False
    if not t.is_floating_point():
        raise ValueError(
            f"Expected theta to have floating point type, but got torch.{t._data.dtype}"
        )
    if len(size) not in (4, 5):
        raise NotImplementedError(
            "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
            f"respectively. Got size {size}."
        )
    k = len(size) - 2  # spatial dims
    if t.dim() != 3 or tuple(t.shape[1:]) != (k, k + 1):
        raise ValueError(
            f"Expected a batch of {k}D affine matrices of shape Nx{k}x{k + 1} for size {size}. "
            f"Got torch.Size({list(t.shape)})."
        )
    spatial = tuple(int(s) for s in size[2:])
    if align_corners and min(spatial) == 1:
        warnings.warn(
            "Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
            "align_corners=True. This is not an intended use case of affine_grid. See the "
            "documentation of affine_grid for details.",
            stacklevel=user_stacklevel(),
        )
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    n = int(size[0])
    if t.shape[0] != n:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{n}, {k + 1}] "
            f"but got: [{t.shape[0]}, {k + 1}]."
        )
    # coordinates (x, y[, z], 1) with x (the last spatial dim) varying fastest
    axes = np.meshgrid(*(_linspace(s, align_corners) for s in spatial), indexing="ij")
    cols = [a.ravel() for a in reversed(axes)] + [np.ones(int(np.prod(spatial)))]
    base = np.stack(cols, axis=-1).astype(t._data.dtype)
    grid = matmul(_make(base), t.transpose(1, 2))  # (N, D·H·W, k)
    return grid.reshape(n, *spatial, k)


# --- grid_sample ---------------------------------------------------------------------------------


def _reflect(v: np.ndarray, twice_low: int, twice_high: int) -> tuple[np.ndarray, np.ndarray]:
    """torch's reflect_coordinates: v folded into [low, high], and the slope (±1)."""
    if twice_low == twice_high:
        return np.zeros_like(v), np.zeros_like(v)
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    shifted = v - low
    sign = np.where(shifted < 0, -1.0, 1.0)
    shifted = np.abs(shifted)
    extra = np.fmod(shifted, span)
    even = np.floor(shifted / span) % 2 == 0
    return np.where(even, extra + low, span - extra + low), np.where(even, sign, -sign)


def _source_index(coord: Tensor, size: int, padding: str, align: bool) -> Tensor:
    """Grid coordinate in [-1, 1] -> pixel coordinate, padded (torch's
    grid_sampler_compute_source_index)."""
    v = (coord + 1) * ((size - 1) / 2) if align else ((coord + 1) * size - 1) / 2
    if padding == "zeros":
        return v
    a = v._data.astype(np.float64)
    slope = np.ones_like(a)
    if padding == "reflection":
        a, slope = _reflect(a, 0, 2 * (size - 1)) if align else _reflect(a, -1, 2 * size - 1)
    inside = (a > 0) & (a < size - 1)  # torch's clip: the borders count as outside
    clipped = np.clip(a, 0, size - 1)
    slope = np.where(inside, slope, 0.0)
    dtype = v._data.dtype
    offset = (clipped - v._data * slope).astype(dtype)
    return v * slope.astype(dtype) + offset


def _padded_taps(i: np.ndarray, size: int, padding: str, align: bool) -> np.ndarray:
    """torch's compute_coordinates on bicubic's integer tap positions."""
    a = i.astype(np.float64)
    if padding == "border":
        a = np.clip(a, 0, size - 1)
    elif padding == "reflection":
        a = _reflect(a, 0, 2 * (size - 1))[0] if align else _reflect(a, -1, 2 * size - 1)[0]
        a = np.clip(a, 0, size - 1)
    return np.trunc(a).astype(np.int64)


def _cubic(t: Tensor) -> list[Tensor]:
    """Keys' cubic convolution weights (A = -0.75) at offsets -1, 0, 1, 2 from fraction t."""
    a = -0.75

    def near(x: Tensor) -> Tensor:
        return ((x * (a + 2) - (a + 3)) * x) * x + 1

    def far(x: Tensor) -> Tensor:
        return ((x * a - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _check(x: Tensor, g: Tensor, mode: str) -> None:
    if x.shape[0] != g.shape[0]:
        raise RuntimeError(
            "grid_sampler(): expected grid and input to have same batch size, but got input "
            f"with sizes {list(x.shape)} and grid with sizes {list(g.shape)}"
        )
    if g.shape[-1] != x.dim() - 2:
        raise RuntimeError(
            f"grid_sampler(): expected grid to have size {x.dim() - 2} in last dimension, but "
            f"got grid with sizes {list(g.shape)}"
        )
    nd = 4 if x.dim() == 4 else 5
    if x.dim() != nd or g.dim() != nd:
        raise RuntimeError(
            f"grid_sampler(): expected {nd}D input and grid with same number of dimensions, "
            f"but got input with sizes {list(x.shape)} and grid with sizes {list(g.shape)}"
        )
    for i in range(2, nd):
        if x.shape[i] == 0:
            raise RuntimeError(
                "grid_sampler(): expected input to have non-empty spatial dimensions, but input "
                f"has sizes {list(x.shape)} with dimension {i} being empty"
            )
    if mode == "bicubic" and nd == 5:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if x._data.dtype != g._data.dtype:
        raise RuntimeError(
            f"expected scalar type {TORCH_DTYPE_NAMES[x._data.dtype.name]} but found "
            f"{TORCH_DTYPE_NAMES[g._data.dtype.name]}"
        )
    if x._data.dtype.kind != "f":
        kernel = "grid_sampler_2d_cpu_kernel_impl" if nd == 4 else "grid_sampler3d_cpu"
        name = TORCH_DTYPE_NAMES[x._data.dtype.name]
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{name}'")


@register(top=False, method=False, functional=True)
def grid_sample(
    input: Tensor,
    grid: Tensor,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool | None = None,
) -> Tensor:
    """Sample (N, C, H, W) at the (N, Ho, Wo, 2) grid of (x, y) in [-1, 1], or (N, C, D, H, W)
    at the (N, Do, Ho, Wo, 3) grid of (x, y, z): bilinear (trilinear), nearest or bicubic (2-D),
    zeros, border or reflection padding."""
    x = tensor_arg(input, "grid_sample")
    g = tensor_arg(grid, "grid_sample", "grid")
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(
            "nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or "
            f"'bicubic', but got: '{mode}'"
        )
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(
            "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
            f"'reflection', but got: '{padding_mode}'"
        )
    if align_corners is None:
        warnings.warn(_DEFAULT_WARNING, stacklevel=user_stacklevel())
        align_corners = False
    _check(x, g, mode)
    k = x.dim() - 2
    node = f"GridSampler{k}DBackward0"
    n, c, *sizes = x.shape
    out = tuple(g.shape[1:-1])
    dtype = x._data.dtype
    # the coordinates per spatial dim of x (D, H, W order); the grid lists them as (x, y, z)
    coords = [g[..., k - 1 - d] for d in range(k)]

    def corner(pos: list[np.ndarray]) -> tuple[Tensor, np.ndarray]:
        """x at integer positions (one array per spatial dim), and where they are inside."""
        valid = np.ones(pos[0].shape, dtype=bool)
        flat = np.zeros(pos[0].shape, dtype=np.int64)
        for p, s in zip(pos, sizes, strict=True):
            valid &= (p >= 0) & (p < s)
            flat = flat * s + np.clip(p, 0, s - 1)
        idx = np.ascontiguousarray(np.broadcast_to(flat[:, None], (n, c, *out)))
        return Gather(idx, node)._run(x), valid[:, None].astype(dtype)

    if mode == "bicubic":
        # the weights in float64: sixteen cubic terms lose more in float32 than torch's kernel
        src = [
            (v + 1) * ((s - 1) / 2) if align_corners else ((v + 1) * s - 1) / 2
            for v, s in zip((c.double() for c in coords), sizes, strict=True)
        ]
        base = [np.floor(v._data).astype(np.int64) for v in src]
        wy, wx = (_cubic((v - b).unsqueeze(1)) for v, b in zip(src, base, strict=True))
        out_t = None
        for i in range(4):
            yy = _padded_taps(base[0] - 1 + i, sizes[0], padding_mode, align_corners)
            row = None
            for j in range(4):
                xx = _padded_taps(base[1] - 1 + j, sizes[1], padding_mode, align_corners)
                v, valid = corner([yy, xx])
                term = v * (wx[j] * valid)
                row = term if row is None else row + term
            out_t = row * wy[i] if out_t is None else out_t + row * wy[i]
        return out_t if dtype == np.float64 else out_t.to(x.dtype)

    src = [
        _source_index(v, s, padding_mode, align_corners) for v, s in zip(coords, sizes, strict=True)
    ]
    if mode == "nearest":
        v, valid = corner([np.rint(s._data).astype(np.int64) for s in src])
        return Anchor(node)._run(Mul()._run(v, valid), g)  # d/dgrid = 0, as torch
    base = [np.floor(s._data).astype(np.int64) for s in src]
    frac = [(s - b.astype(dtype)).unsqueeze(1) for s, b in zip(src, base, strict=True)]
    out_t = None
    for offsets in np.ndindex(*(2,) * k):
        w = None
        for o, f in zip(offsets, frac, strict=True):
            wd = f if o else 1 - f
            w = wd if w is None else w * wd
        v, valid = corner([b + o for b, o in zip(base, offsets, strict=True)])
        term = v * (w * valid)
        out_t = term if out_t is None else out_t + term
    return out_t
