"""unfold/fold (im2col/col2im, DeZero's) and Tensor.unfold's windows along one dim: each the
other's gradient."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .. import _views
from .._tensor import Tensor
from ._registry import register
from ._util import Node, tensor_arg
from ._windows import Geometry, col2im, im2col, out_size
from .padding import TakeAxisT
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
