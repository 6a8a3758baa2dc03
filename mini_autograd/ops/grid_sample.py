"""affine_grid and grid_sample (a spatial transformer's sampling grid and sampler)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from .._tensor import Tensor, _make
from ._registry import register
from ._util import tensor_arg
from .elementwise import Mul
from .linalg import matmul
from .padding import Anchor
from .pooling import Gather

# --- affine_grid and grid_sample -----------------------------------------------------------------


def _linspace(n: int, align_corners: bool) -> np.ndarray:
    if align_corners:
        return np.linspace(-1.0, 1.0, n) if n > 1 else np.zeros(1)
    return (np.arange(n) * 2 + 1) / n - 1


@register(top=False, method=False, functional=True)
def affine_grid(theta: Tensor, size: Sequence[int], align_corners: bool | None = None) -> Tensor:
    """The (N, H, W, 2) sampling grid of the 2-D affine maps theta (N, 2, 3)."""
    t = tensor_arg(theta, "affine_grid", "theta")
    if align_corners is None:
        warnings.warn(
            "Default grid_sample and affine_grid behavior has changed to align_corners=False "
            "since 1.3.0. Please specify align_corners=True if the old behavior is desired. "
            "See the documentation of grid_sample for details.",
            stacklevel=2,
        )
        align_corners = False
    if len(size) != 4 or tuple(t.shape) != (size[0], 2, 3):
        raise ValueError(
            f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {list(size)}. "
            f"Got {list(t.shape)}. (mini_autograd supports the 2-D affine_grid)"
        )
    n, _, h, w = size
    xs, ys = _linspace(w, align_corners), _linspace(h, align_corners)
    base = np.stack([np.tile(xs, h), np.repeat(ys, w), np.ones(h * w)], axis=-1).astype(
        t._data.dtype
    )
    grid = matmul(_make(base), t.transpose(1, 2))  # (N, H·W, 2)
    return grid.reshape(n, h, w, 2)


@register(top=False, method=False, functional=True)
def grid_sample(
    input: Tensor,
    grid: Tensor,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool | None = None,
) -> Tensor:
    """Sample (N, C, H, W) at the (N, Ho, Wo, 2) grid of (x, y) in [-1, 1]: bilinear or nearest,
    zeros or border padding."""
    x = tensor_arg(input, "grid_sample")
    g = tensor_arg(grid, "grid_sample", "grid")
    if mode not in ("bilinear", "nearest"):
        raise NotImplementedError(
            f"grid_sample: mode {mode!r} is not supported by mini_autograd (bilinear, nearest)"
        )
    if padding_mode not in ("zeros", "border"):
        raise NotImplementedError(
            f"grid_sample: padding_mode {padding_mode!r} is not supported "
            "by mini_autograd (zeros, border)"
        )
    if align_corners is None:
        warnings.warn(
            "Default grid_sample and affine_grid behavior has changed to align_corners=False "
            "since 1.3.0. Please specify align_corners=True if the old behavior is desired. "
            "See the documentation of grid_sample for details.",
            stacklevel=2,
        )
        align_corners = False
    if x.dim() != 4 or g.dim() != 4 or g.shape[-1] != 2 or g.shape[0] != x.shape[0]:
        raise RuntimeError(
            f"grid_sampler(): expected 4D input and grid with same batch size and grid of shape "
            f"(N, H, W, 2) (mini_autograd: 2-D only), but got input with sizes "
            f"{list(x.shape)} and grid with sizes {list(g.shape)}"
        )
    n, c, h, w = x.shape
    ho, wo = g.shape[1:3]

    def unnormalize(coord: Tensor, size: int) -> Tensor:
        if align_corners:
            return (coord + 1) * ((size - 1) / 2)
        return ((coord + 1) * size - 1) / 2

    ix, iy = unnormalize(g[..., 0], w), unnormalize(g[..., 1], h)
    if padding_mode == "border":
        ix, iy = ix.clamp(0, w - 1), iy.clamp(0, h - 1)

    def corner(yy: np.ndarray, xx: np.ndarray) -> tuple[Tensor, np.ndarray]:
        valid = (xx >= 0) & (xx < w) & (yy >= 0) & (yy < h)
        flat = np.clip(yy, 0, h - 1) * w + np.clip(xx, 0, w - 1)
        idx = np.ascontiguousarray(np.broadcast_to(flat[:, None], (n, c, ho, wo)))
        return Gather(idx, "GridSampler2DBackward0")(x), valid[:, None].astype(x._data.dtype)

    if mode == "nearest":
        xx, yy = np.rint(ix._data).astype(np.int64), np.rint(iy._data).astype(np.int64)
        v, valid = corner(yy, xx)
        return Anchor("GridSampler2DBackward0")(Mul()(v, valid), g)  # d/dgrid = 0, as torch
    x0, y0 = np.floor(ix._data).astype(np.int64), np.floor(iy._data).astype(np.int64)
    fx = (ix - x0.astype(ix._data.dtype)).unsqueeze(1)
    fy = (iy - y0.astype(iy._data.dtype)).unsqueeze(1)
    out = None
    for dy, wy in ((0, 1 - fy), (1, fy)):
        for dx, wx in ((0, 1 - fx), (1, fx)):
            v, valid = corner(y0 + dy, x0 + dx)
            term = v * (wy * wx * valid)
            out = term if out is None else out + term
    return out
