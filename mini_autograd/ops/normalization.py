"""nn.functional.layer_norm: normalise over the trailing dims, then scale and shift."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .._function import Function
from .._tensor import Tensor
from ._registry import register
from ._util import tensor_arg
from .elementwise import PowTensorScalar
from .reduction import Mean


class LayerNorm(Function):
    """y = xhat w + b, xhat = (x - mean) / sqrt(var + eps) over the last dims:
    dx = rstd (g - mean(g) - xhat mean(g xhat)) with g = gy w; dw = gy xhat; db = gy"""

    def __init__(self, axes: tuple[int, ...], eps: float) -> None:
        self.axes, self.eps = axes, eps

    def name(self) -> str:
        return "NativeLayerNormBackward0"

    def forward(self, x, w=None, b=None):
        n = math.prod(np.shape(x)[a] for a in self.axes)
        d = x - np.add.reduce(x, self.axes, keepdims=True) / n
        y = d / np.sqrt(np.add.reduce(d * d, self.axes, keepdims=True) / n + self.eps)
        if w is not None:
            y = y * w
        return y if b is None else y + b

    def backward(self, gy, x, w=None, b=None):
        mean = Mean.apply(x, axes=self.axes, keepdim=True)
        d = x - mean
        rstd = PowTensorScalar.apply(
            Mean.apply(d * d, axes=self.axes, keepdim=True) + self.eps, -0.5
        )
        xhat = d * rstd
        need = self.needs_input_grad
        g = gy if w is None else gy * w
        gx = None
        if need[0]:
            g_mean = Mean.apply(g, axes=self.axes, keepdim=True)
            gx = rstd * (g - g_mean - xhat * Mean.apply(g * xhat, axes=self.axes, keepdim=True))
        grads = [gx]
        if len(need) > 1:
            grads.append(gy * xhat if need[1] else None)
        if len(need) > 2:
            grads.append(gy if need[2] else None)
        return tuple(grads) if len(grads) > 1 else gx


@register(top=False, method=False, functional=True)
def layer_norm(
    input: Tensor,
    normalized_shape: Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise over the trailing `normalized_shape` dims (biased variance), then w * . + b."""
    x = tensor_arg(input, "layer_norm")
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    n = len(shape)
    if not shape or x._data.shape[x._data.ndim - n :] != shape or x._data.ndim < n:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {str(list(shape))[1:]}, but got input of size{list(x.shape)}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got "
                f"{name} of shape {list(t.shape)} and normalized_shape = "
                f"{list(shape)}"
            )
    axes = tuple(range(x._data.ndim - n, x._data.ndim))
    if math.prod(shape) == 0:
        raise RuntimeError("layer_norm: normalized_shape must have no zero-size dimension")
    args = [x] + ([weight] if weight is not None or bias is not None else [])
    if bias is not None:
        args.append(bias)
    if weight is None and bias is not None:
        args[1] = np.ones(shape, dtype=x._data.dtype)
    return LayerNorm(axes, eps)(*args)
