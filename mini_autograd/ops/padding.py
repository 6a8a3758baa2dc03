"""F.pad in its four modes: constant padding (and cropping, for negative pads) is its own adjoint
with the pads negated; reflect, replicate and circular pick elements along each padded axis, so
their gradient sums the picked elements back."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._tensor import Tensor
from ._registry import register
from ._util import Node, c_order, tensor_arg
from .unary import zero_gradient


class Anchor(Node):
    """g itself, tied to x with a zero derivative: a gradient that does not depend on x still
    belongs to x's graph under create_graph, as torch's pooling and padding backwards do.
    `unused`: the derivative for x is undefined rather than zeros (torch's convolution double
    backward), so `autograd.grad(.., x)` finds x unused, as torch does."""

    def __init__(self, node: str = "AnchorBackward0", unused: bool = False) -> None:
        self.node, self.unused = node, unused

    def forward(self, g, x):
        return g

    def backward(self, gg, g, x):
        # zeros: an array in a plain backward, a Tensor under create_graph
        return gg, (None if self.unused else zero_gradient(x))


class Tie(Node):
    """x itself, whose gradient is anchored to x: a composite op (a matmul by a constant) whose
    create_graph gradient torch records as a node of x (adaptive_avg_pool's backward)."""

    def __init__(self, node: str) -> None:
        self.node = node

    def forward(self, x):
        return x

    def backward(self, gy, x):
        return anchored(gy, x)


def anchored(g, x, unused: bool = False):
    """g, made part of x's graph when backward records one (x a Tensor)."""
    if isinstance(x, Tensor) and x.requires_grad:
        return Anchor.apply(g, x, unused=unused)
    return g


class Pad(Node):
    """Constant padding by (before, after) per axis, negative widths cropping: the gradient is
    the same op with the widths negated (and zeros)."""

    def __init__(self, widths: tuple[tuple[int, int], ...], value: float = 0.0) -> None:
        self.widths, self.value, self.node = widths, value, "ConstantPadNdBackward0"

    def forward(self, x):
        crop = tuple(
            slice(max(-lo, 0), n - max(-hi, 0))
            for (lo, hi), n in zip(self.widths, x.shape, strict=True)
        )
        x = x[crop]
        grow = [(max(lo, 0), max(hi, 0)) for lo, hi in self.widths]
        if not any(lo or hi for lo, hi in grow):
            return x.copy()
        return c_order(np.pad(x, grow, constant_values=self.value))  # as torch

    def backward(self, gy, x):
        return Pad.apply(gy, widths=tuple((-lo, -hi) for lo, hi in self.widths))


class TakeAxis(Node):
    """y = x[..., idx, ...] along `axis`: the gradient sums the picked positions back."""

    def __init__(self, idx: np.ndarray, axis: int, node: str, anchor: bool = False) -> None:
        # anchor: torch's reflection and replication pads tie their gradient to the input
        self.idx, self.axis, self.node, self.anchor = idx, axis, node, anchor

    def forward(self, x):
        return np.take(x, self.idx, axis=self.axis)

    def backward(self, gy, x):
        g = TakeAxisT.apply(gy, idx=self.idx, axis=self.axis, n=np.shape(x)[self.axis])
        return anchored(g, x) if self.anchor else g


class TakeAxisT(Node):
    """The adjoint of TakeAxis: y[..., i, ...] = Σ_{j: idx[j] = i} x[..., j, ...]."""

    def __init__(self, idx: np.ndarray, axis: int, n: int) -> None:
        self.idx, self.axis, self.n, self.node = idx, axis, n, "TakeBackwardBackward0"

    def forward(self, g):
        # a one-hot matrix along the axis: one BLAS call however the indices repeat
        onehot = np.zeros((len(self.idx), self.n), dtype=g.dtype)
        onehot[np.arange(len(self.idx)), self.idx] = 1
        moved = np.moveaxis(g, self.axis, -1)
        return np.moveaxis(np.matmul(moved, onehot), -1, self.axis)

    def backward(self, gg, g):
        return TakeAxis.apply(gg, idx=self.idx, axis=self.axis, node="TakeBackward0")


def _indices(n: int, lo: int, hi: int, mode: str) -> np.ndarray:
    j = np.arange(-lo, n + hi)
    if mode == "reflect":
        period = 2 * (n - 1) if n > 1 else 1
        j = np.abs(j) % period
        return np.where(j >= n, period - j, j)
    if mode == "replicate":
        return np.clip(j, 0, n - 1)
    return j % n  # circular


_NODES = {
    "reflect": "ReflectionPad{}DBackward0",
    "replicate": "ReplicationPad{}DBackward0",
    "circular": "CircularPad{}DBackward0",
}


@register(top=False, method=False, functional=True)
def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None):
    """Pad the last len(pad) // 2 dims, pad = (last_before, last_after, prev_before, ...)."""
    x = tensor_arg(input, "pad")
    widths_flat = [int(p) for p in pad]
    if len(widths_flat) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    k = len(widths_flat) // 2
    ndim = x._data.ndim
    if k > ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input "
            f"dimension but got padding length {len(widths_flat)} and input of "
            f"dimension {ndim}"
        )
    pairs = [(widths_flat[2 * i], widths_flat[2 * i + 1]) for i in range(k)][::-1]
    widths = ((0, 0),) * (ndim - k) + tuple(pairs)
    if mode == "constant":
        return Pad(widths, 0.0 if value is None else value)._run(x)
    if mode not in _NODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if not 1 <= k <= 3 or ndim not in (k + 1, k + 2):
        raise NotImplementedError(
            f"Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now "
            f"(got a {ndim}-D input padded in {k} dims with mode {mode!r})"
        )
    y = x
    for axis in range(ndim - k, ndim):
        lo, hi = widths[axis]
        n = x._data.shape[axis]
        if mode == "reflect" and (lo >= n or hi >= n):
            raise RuntimeError(
                f"Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({lo}, {hi}) at dimension {axis} of input "
                f"{list(x.shape)}"
            )
        if mode == "circular" and (lo > n or hi > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == "circular" and (lo < 0 or hi < 0):  # crop first, then wrap what is left
            y = Pad(
                tuple((min(lo, 0), min(hi, 0)) if a == axis else (0, 0) for a in range(ndim))
            )._run(y)
            n, lo, hi = y._data.shape[axis], max(lo, 0), max(hi, 0)
        if lo or hi or (y is x and axis == ndim - 1):  # no pad at all: still a new tensor
            node = _NODES[mode].format(k)
            y = TakeAxis(_indices(n, lo, hi, mode), axis, node, mode != "circular")._run(y)
    return y
