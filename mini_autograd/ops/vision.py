"""Vision ops in torch's names: unfold/fold (im2col/col2im), interpolate (nearest, linear,
bilinear, bicubic, trilinear), pixel_shuffle/unshuffle, affine_grid/grid_sample and the channel
dropouts. Resampling is separable: one interpolation matrix per spatial axis, applied by matmul,
so every derivative (second order too) comes from matmul's."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np

from .. import _creation, _views
from .._tensor import Tensor, _make
from ._registry import register
from ._util import Node, tensor_arg
from ._windows import Geometry, col2im, im2col, out_size
from .elementwise import Mul
from .inplace_variants import written_into
from .linalg import matmul
from .padding import Anchor, TakeAxis, TakeAxisT
from .pooling import Gather
from .shape import Permute, Reshape

Size = int | Sequence[int]


def _pair(v: Size, name: str, op: str) -> tuple[int, int]:
    if isinstance(v, int | np.integer):
        return (int(v), int(v))
    vals = tuple(int(a) for a in v)
    if len(vals) == 1:
        return vals * 2
    if len(vals) != 2:
        raise RuntimeError(f"{op}: expected {name} to be an int or a pair of ints, got {vals}")
    return vals


class Unfold(Node):
    """(N, C, H, W) -> (N, C·kh·kw, L): the gradient is fold (col2im)."""

    def __init__(self, geom: Geometry) -> None:
        self.geom, self.node = geom, "Im2ColBackward0"

    def forward(self, x):
        cols = im2col(x, self.geom)
        ck = x.shape[1] * math.prod(self.geom.k_size)
        return cols.reshape(x.shape[0], ck, math.prod(self.geom.y_size))

    def backward(self, gy, x):
        return Fold.apply(gy, geom=self.geom, channels=np.shape(x)[1])


class Fold(Node):
    """(N, C·kh·kw, L) -> (N, C, H, W), overlapping values summed: the gradient is unfold."""

    def __init__(self, geom: Geometry, channels: int) -> None:
        self.geom, self.channels, self.node = geom, channels, "Col2ImBackward0"

    def forward(self, cols):
        g = self.geom
        return col2im(cols.reshape(cols.shape[0], self.channels, *g.k_size, *g.y_size), g)

    def backward(self, gx, cols):
        return Unfold.apply(gx, geom=self.geom)


def _fold_geometry(size, kernel_size, dilation, padding, stride, op) -> Geometry:
    k = _pair(kernel_size, "kernel_size", op)
    d = _pair(dilation, "dilation", op)
    p = _pair(padding, "padding", op)
    s = _pair(stride, "stride", op)
    if min(k) <= 0 or min(d) <= 0 or min(s) <= 0 or min(p) < 0:
        raise RuntimeError(
            f"{op}: kernel_size, dilation and stride must be positive and padding non-negative, "
            f"but got kernel_size={k}, dilation={d}, padding={p}, stride={s}"
        )
    y = tuple(
        out_size(n, kk, ss, pp, pp, dd) for n, kk, ss, pp, dd in zip(size, k, s, p, d, strict=True)
    )
    if min(y) <= 0:
        raise RuntimeError(
            f"Given input with spatial size {tuple(size)}, kernel_size={k}, dilation={d}, "
            f"padding={p}, calculated shape of the array of sliding blocks as {y}, but its "
            "components must be at least one."
        )
    return Geometry(k, s, ((p[0], p[0]), (p[1], p[1])), d, tuple(size), y)


def _tensor_unfold(self: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """Tensor.unfold: every slice of `size` elements along `dimension`, `step` apart, as a new
    last dim."""
    x = tensor_arg(self, "unfold")
    shape = x._data.shape
    d = dimension % max(x.dim(), 1)
    n = shape[d] if shape else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    count = (n - size) // step + 1
    idx = ((np.arange(count) * step)[:, None] + np.arange(size)).ravel()
    return UnfoldDim(idx, d, count, size)._run(x)


class UnfoldDim(_views.StridedView, Node):
    """Tensor.unfold's windows along one dim as a new last dim: the gradient sums them back."""

    saves = ()  # backward needs only x's shape

    def __init__(self, idx: np.ndarray, dim: int, count: int, size: int) -> None:
        self.idx, self.dim, self.count, self.size = idx, dim, count, size
        self.node = "UnfoldBackward0"

    def forward(self, x):
        d = self.dim
        if isinstance(x, np.ndarray) and x.ndim:  # a view of x's memory, as torch's
            step = int(self.idx[self.size] - self.idx[0]) if self.count > 1 else 1
            st = x.strides
            shape = (*x.shape[:d], self.count, *x.shape[d + 1 :], self.size)
            strides = (*st[:d], step * st[d], *st[d + 1 :], st[d])
            return np.lib.stride_tricks.as_strided(x, shape, strides)
        y = np.take(x, self.idx, axis=d)
        y = y.reshape(*x.shape[:d], self.count, self.size, *x.shape[d + 1 :])
        return np.moveaxis(y, d + 1, -1)

    def backward(self, gy, x):
        d, nd = self.dim, np.ndim(gy)
        back = (*range(d + 1), nd - 1, *range(d + 1, nd - 1))  # the window dim back after d
        g = Permute.apply(gy, dims=back)
        shape = np.shape(x)
        g = Reshape.apply(g, shape=(*shape[:d], self.count * self.size, *shape[d + 1 :]))
        return TakeAxisT.apply(g, idx=self.idx, axis=d, n=shape[d])


@register(top=False, method=_tensor_unfold, functional=True)
def unfold(
    input: Tensor, kernel_size: Size, dilation: Size = 1, padding: Size = 0, stride: Size = 1
) -> Tensor:
    """Extract sliding blocks: (N, C, H, W) -> (N, C·kh·kw, L), DeZero's im2col."""
    x = tensor_arg(input, "unfold")
    if x.dim() not in (3, 4):
        raise NotImplementedError(
            f"Input Error: Only 3D or 4D input Tensors are supported (got {x.dim()}D)"
        )
    if x.dim() == 3:
        return unfold(x.unsqueeze(0), kernel_size, dilation, padding, stride).squeeze(0)
    geom = _fold_geometry(x._data.shape[2:], kernel_size, dilation, padding, stride, "unfold")
    return Unfold(geom)._run(x)


@register(top=False, method=False, functional=True)
def fold(
    input: Tensor,
    output_size: Size,
    kernel_size: Size,
    dilation: Size = 1,
    padding: Size = 0,
    stride: Size = 1,
) -> Tensor:
    """Sum sliding blocks back: (N, C·kh·kw, L) -> (N, C, *output_size), DeZero's col2im."""
    x = tensor_arg(input, "fold")
    if x.dim() not in (2, 3):
        raise NotImplementedError(
            f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported "
            f"(got {x.dim()}D)"
        )
    if x.dim() == 2:
        return fold(x.unsqueeze(0), output_size, kernel_size, dilation, padding, stride).squeeze(0)
    size = _pair(output_size, "output_size", "fold")
    geom = _fold_geometry(size, kernel_size, dilation, padding, stride, "fold")
    k = math.prod(geom.k_size)
    ck, n_blocks = x._data.shape[1:]
    if ck % k:
        raise RuntimeError(
            f"Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={ck} and kernel_size={geom.k_size}"
        )
    if n_blocks != math.prod(geom.y_size):
        raise RuntimeError(
            f"Given output_size={size}, kernel_size={geom.k_size}, ..., expected size of "
            f"input's dimension 2 to match the calculated number of sliding blocks "
            f"{' * '.join(map(str, geom.y_size))} = {math.prod(geom.y_size)}, but got "
            f"input.size(2)={n_blocks}."
        )
    return Fold(geom, ck // k)._run(x)


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
            y = TakeAxis(idx, axis, node)._run(y)
        else:
            y = _along(y, axis, _interp_matrix(n, o, scales[i], mode, bool(align_corners)))
    return y


@register(top=True, method=False, functional=True)
def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C·r², H, W) -> (*, C, H·r, W·r)."""
    x = tensor_arg(input, "pixel_shuffle")
    r = int(upscale_factor)
    *lead, c, h, w = x.shape
    if x.dim() < 3 or c % (r * r):
        raise RuntimeError(
            f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
            f"square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}"
        )
    y = x.reshape(*lead, c // (r * r), r, r, h, w)
    k = len(lead)
    y = y.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return y.reshape(*lead, c // (r * r), h * r, w * r)


@register(top=True, method=False, functional=True)
def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H·r, W·r) -> (*, C·r², H, W), the inverse of pixel_shuffle."""
    x = tensor_arg(input, "pixel_unshuffle")
    r = int(downscale_factor)
    if x.dim() < 3:
        raise RuntimeError(
            f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
            f"{x.dim()} dimension(s)"
        )
    *lead, c, h, w = x.shape
    for name, size, at in (("height", h, -2), ("width", w, -1)):
        if size % r:
            raise RuntimeError(
                f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but "
                f"input.size({at})={size} is not divisible by {r}"
            )
    if x.numel() == 0:
        return x.clone()  # torch returns an empty input unchanged, whatever its shape would be
    y = x.reshape(*lead, c, h // r, r, w // r, r)
    k = len(lead)
    y = y.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return y.reshape(*lead, c * r * r, h // r, w // r)


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
        return Gather(idx, "GridSampler2DBackward0")._run(x), valid[:, None].astype(x._data.dtype)

    if mode == "nearest":
        xx, yy = np.rint(ix._data).astype(np.int64), np.rint(iy._data).astype(np.int64)
        v, valid = corner(yy, xx)
        return Anchor("GridSampler2DBackward0")._run(
            Mul()._run(v, valid), g
        )  # d/dgrid = 0, as torch
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


# --- channel dropout -----------------------------------------------------------------------------


def _channel_dropout(x: Tensor, p: float, training: bool, batched_dims: int, op: str) -> Tensor:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return x
    nd = x.dim()
    if nd not in (batched_dims, batched_dims - 1):
        raise RuntimeError(
            f"{op}: expected a {batched_dims - 1}D or {batched_dims}D input, got "
            f"{nd}D input of size {list(x.shape)}"
        )
    lead = 2 if nd == batched_dims else 1
    shape = tuple(x.shape[:lead]) + (1,) * (nd - lead)
    dtype = x._data.dtype
    if p == 1.0:
        return Mul()._run(x, np.zeros(shape, dtype=dtype))
    keep = _creation.get_rng().random(shape) >= p
    return Mul()._run(x, keep.astype(dtype) / np.asarray(1.0 - p, dtype=dtype))


@register(top=False, method=False, functional=True)
def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of (N, C, L) with probability p, scaling the rest by 1/(1-p)."""
    if inplace and training and p:
        return written_into(input, "dropout1d", dropout1d, p, training)
    return _channel_dropout(tensor_arg(input, "dropout1d"), p, training, 3, "dropout1d")


@register(top=False, method=False, functional=True)
def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of (N, C, H, W) with probability p, scaling the rest by 1/(1-p)."""
    if inplace and training and p:
        return written_into(input, "dropout2d", dropout2d, p, training)
    x = tensor_arg(input, "dropout2d")
    if x.dim() == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2,
        )
        return _channel_dropout(x, p, training, 3, "dropout2d")
    return _channel_dropout(x, p, training, 4, "dropout2d")


@register(top=False, method=False, functional=True)
def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of (N, C, D, H, W) with probability p, scaling the rest by 1/(1-p)."""
    if inplace and training and p:
        return written_into(input, "dropout3d", dropout3d, p, training)
    return _channel_dropout(tensor_arg(input, "dropout3d"), p, training, 5, "dropout3d")
