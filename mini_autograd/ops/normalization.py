"""Normalisation: layer_norm, batch_norm (batch statistics and running-stat updates), group_norm,
instance_norm and local_response_norm, each normalising over its own axes, then scale and shift."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .._function import Function
from .._grad_mode import no_grad
from .._tensor import Tensor
from ._registry import register
from ._util import tensor_arg
from .elementwise import PowTensorScalar
from .reduction import Mean, Sum
from .shape import Reshape


class LayerNorm(Function):
    """y = xhat w + b, xhat = (x - mean) / sqrt(var + eps) over the last dims:
    dx = rstd (g - mean(g) - xhat mean(g xhat)) with g = gy w; dw = gy xhat; db = gy"""

    def __init__(self, axes: tuple[int, ...], eps: float) -> None:
        self.axes, self.eps = axes, eps

    node = "NativeLayerNormBackward0"

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
    if math.prod(shape) == 0:  # nothing to normalise: torch returns the empty result
        out = x * x * 0.0  # whose create_graph gradient is a node of x, as torch's
        for t in (weight, bias):
            if t is not None:
                out = out + t * 0.0
        return out
    args = [x] + ([weight] if weight is not None or bias is not None else [])
    if bias is not None:
        args.append(bias)
    if weight is None and bias is not None:
        args[1] = np.ones(shape, dtype=x._data.dtype)
    return LayerNorm(axes, eps)._run(*args)


def _channel(v, ndim: int):
    """A per-channel (C,) vector shaped to broadcast over (N, C, *spatial)."""
    return Reshape.apply(v, shape=(1, np.shape(v)[0]) + (1,) * (ndim - 2))


#: bytes of one chunk of samples that batch norm's passes work on together (it stays in cache)
_CHUNK_BYTES = 1 << 20


def _chunk(x3: np.ndarray) -> int:
    """How many samples of (N, C, L) make one chunk."""
    return max(1, min(x3.shape[0], _CHUNK_BYTES // max(1, x3[0].nbytes)))


def _chunks(x3: np.ndarray):
    """(start, stop) of the sample chunks of (N, C, L)."""
    k = _chunk(x3)
    return [(i, min(i + k, x3.shape[0])) for i in range(0, x3.shape[0], k)]


class BatchNorm(Function):
    """y = xhat w + b, xhat = (x - mean) / sqrt(var + eps) per channel over (N, *spatial):
    dx = w rstd (gy - mean(gy) - xhat mean(gy xhat)); dw = Σ gy xhat; db = Σ gy.

    As torch, only the per-channel mean and rstd are kept (x is an input anyway): the plain
    backward recomputes x - mean rather than holding xhat, a second input-sized array."""

    def __init__(self, eps: float) -> None:
        self.eps = eps

    node = "NativeBatchNormBackward0"

    def forward(self, x, w=None, b=None):
        x3 = x.reshape(x.shape[0], x.shape[1], -1)
        n = x3.shape[0] * x3.shape[2]
        mean = np.add.reduce(x3, 2).sum(0, dtype=np.float64) / n
        mc = mean.astype(x.dtype)[:, None]
        out = np.empty(x.shape, dtype=x.dtype)  # C-contiguous: y is a view of it
        y = out.reshape(x3.shape)
        sq = np.zeros(x3.shape[1])
        for i, j in _chunks(x3):  # x - mean, then its square's sums, while the chunk is in cache
            d = np.subtract(x3[i:j], mc, out=y[i:j])
            sq += np.einsum("ncl,ncl->c", d, d)  # sums of a chunk's 1 MiB: float32 is exact enough
        var = sq / n
        rstd = 1.0 / np.sqrt(var + self.eps)
        self.mean, self.var = mean.astype(x.dtype), var.astype(x.dtype)
        self.mean_, self.rstd = mean, rstd  # kept for the plain (array) backward
        scale = (rstd if w is None else rstd * w).astype(x.dtype)[:, None]
        y *= scale
        if b is not None:
            y += b.astype(x.dtype)[:, None]
        return out

    def backward(self, gy, x, w=None, b=None):
        need = self.needs_input_grad
        axes = (0, *range(2, np.ndim(x)))
        if isinstance(gy, Tensor) or isinstance(x, Tensor) or isinstance(w, Tensor):
            return self._graph_backward(gy, x, w, b, axes)
        mean, rstd = self.mean_, self.rstd
        x3 = x.reshape(x.shape[0], x.shape[1], -1)
        g3 = np.broadcast_to(gy, x.shape).reshape(x3.shape)
        n = x3.shape[0] * x3.shape[2]
        mc = mean.astype(x.dtype)[:, None]
        sum_gy = np.add.reduce(g3, 2).sum(0, dtype=np.float64)
        tmp = np.empty((_chunk(x3), *x3.shape[1:]), dtype=x.dtype)
        dot = np.zeros(x3.shape[1])  # Σ gy (x - mean) = Σ gy xhat / rstd
        for i, j in _chunks(x3):
            d = np.subtract(x3[i:j], mc, out=tmp[: j - i])
            dot += np.einsum("ncl,ncl->c", d, g3[i:j])
        grads = [None]
        if need[0]:  # w rstd (gy - Σgy/n - (x - mean) rstd² Σ gy (x - mean) / n), chunk by chunk
            a = rstd if w is None else rstd * w
            k = (-a * rstd * rstd * dot / n).astype(x.dtype)[:, None]
            shift = (-a * sum_gy / n).astype(x.dtype)[:, None]
            a = a.astype(x.dtype)[:, None]
            grads[0] = np.empty(x.shape, dtype=x.dtype)  # its own array: it can become x.grad
            gx = grads[0].reshape(x3.shape)
            for i, j in _chunks(x3):
                out = np.multiply(g3[i:j], a, out=gx[i:j])
                d = np.subtract(x3[i:j], mc, out=tmp[: j - i])
                d *= k
                out += d
                out += shift
        if len(need) > 1:
            grads.append((dot * rstd).astype(x.dtype) if need[1] else None)
        if len(need) > 2:
            grads.append(sum_gy.astype(x.dtype) if need[2] else None)
        return tuple(grads) if len(grads) > 1 else grads[0]

    def _graph_backward(self, gy, x, w, b, axes):
        """The same formula with ops, so that create_graph records it."""
        need = self.needs_input_grad
        d = x - Mean.apply(x, axes=axes, keepdim=True)
        rstd = PowTensorScalar.apply(Mean.apply(d * d, axes=axes, keepdim=True) + self.eps, -0.5)
        xhat = d * rstd
        g = gy if w is None else gy * _channel(w, np.ndim(x))
        gx = None
        if need[0]:
            g_mean = Mean.apply(g, axes=axes, keepdim=True)
            gx = rstd * (g - g_mean - xhat * Mean.apply(g * xhat, axes=axes, keepdim=True))
        grads = [gx]
        if len(need) > 1:
            grads.append(Sum.apply(gy * xhat, axes=axes, keepdim=False) if need[1] else None)
        if len(need) > 2:
            grads.append(Sum.apply(gy, axes=axes, keepdim=False) if need[2] else None)
        return tuple(grads) if len(grads) > 1 else gx


def _affine(y: Tensor, weight: Tensor | None, bias: Tensor | None) -> Tensor:
    if weight is not None:
        y = y * _channel(weight, y.ndim)
    if bias is not None:
        y = y + _channel(bias, y.ndim)
    return y


def _update(running: Tensor | None, value: np.ndarray, momentum: float) -> None:
    """running <- (1 - momentum) running + momentum value, in place (no graph)."""
    if running is not None:
        r = running._data
        with no_grad():  # through copy_, so that in-place bookkeeping sees the update
            running.copy_(r * (1 - momentum) + momentum * value.astype(r.dtype, copy=False))


@register(top=False, method=False, functional=True)
def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel of (N, C, *) with the batch's statistics (training, updating the
    running ones) or the running statistics (eval), then w * . + b."""
    x = tensor_arg(input, "batch_norm")
    if x._data.ndim == 0:
        raise ValueError("batch_norm: expected 1D or more input (got 0D input)")
    c = x._data.shape[1] if x._data.ndim > 1 else 0  # torch counts no channels in a 1-D input
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if t is not None and t.numel() != c:
            raise RuntimeError(
                f"{name} should contain {c} elements not {t.numel()} (batch_norm of input "
                f"{list(x.shape)})"
            )
    if x._data.ndim == 1:
        if x._data.size:
            raise RuntimeError(f"batch_norm: a 1-D input of size {x._data.size} has no channel dim")
        return x * 1.0
    if training:
        n = x._data.size // c if c else 0
        if n <= 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size "
                f"{list(x.shape)}"
            )
        args = [x] + ([weight] if weight is not None or bias is not None else [])
        if bias is not None:
            args.append(bias)
            if weight is None:
                args[1] = np.ones(c, dtype=x._data.dtype)
        fn = BatchNorm(eps)
        y = fn._run(*args)
        _update(running_mean, fn.mean, momentum)
        _update(running_var, fn.var * (n / (n - 1)), momentum)
        return y
    if running_mean is None or running_var is None:
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    shape = (1, c) + (1,) * (x._data.ndim - 2)
    dtype = x._data.dtype
    mean = running_mean._data.reshape(shape).astype(dtype)
    scale = (1.0 / np.sqrt(running_var._data.reshape(shape) + eps)).astype(dtype)
    return _affine((x - mean) * scale, weight, bias)


@register(top=True, method=False, functional=True)
def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each of num_groups channel groups of every sample, then per-channel w, b."""
    x = tensor_arg(input, "group_norm")
    if x._data.ndim < 2:
        raise RuntimeError(
            f"Expected at least 2 dimensions for input tensor but received {x._data.ndim}"
        )
    n, c = x._data.shape[:2]
    if c % num_groups:
        raise RuntimeError(
            f"Expected number of channels in input to be divisible by num_groups, but got "
            f"input of shape {list(x.shape)} and num_groups={num_groups}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.numel() != c):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in "
                f"input, but got {name} of shape {list(t.shape)} and input of shape "
                f"{list(x.shape)}"
            )
    per_group = math.prod(x._data.shape[1:]) // num_groups
    grouped = Reshape.apply(x, shape=(n, num_groups, per_group))
    y = Reshape.apply(LayerNorm((2,), eps)._run(grouped), shape=x._data.shape)
    return _affine(y, weight, bias)


@register(top=False, method=False, functional=True)
def instance_norm(
    input: Tensor,
    running_mean: Tensor | None = None,
    running_var: Tensor | None = None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel of each sample over its spatial dims (or with running stats)."""
    x = tensor_arg(input, "instance_norm")
    if not use_input_stats:
        return batch_norm(x, running_mean, running_var, weight, bias, False, momentum, eps)
    shape = x._data.shape
    n, c = shape[:2]
    spatial = x._data.size // (n * c) if n * c else 0
    if spatial <= 1:
        raise ValueError(
            f"Expected more than 1 spatial element when training, got input size {list(shape)}"
        )
    axes = tuple(range(2, len(shape)))
    fn = LayerNorm(axes, eps)
    y = _affine(fn._run(x), weight, bias)
    if running_mean is not None or running_var is not None:
        mean = np.mean(x._data, axis=axes)
        var = np.var(x._data, axis=axes) * (spatial / (spatial - 1))
        _update(running_mean, mean.mean(0), momentum)
        _update(running_var, var.mean(0), momentum)
    return y


@register(top=False, method=False, functional=True)
def local_response_norm(
    input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
) -> Tensor:
    """x / (k + alpha/size Σ x² over `size` neighbouring channels)^beta (torch's composition)."""
    from .padding import pad
    from .pooling import avg_pool2d, avg_pool3d

    x = tensor_arg(input, "local_response_norm")
    dim = x.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {dim} dimensions)")
    if x.numel() == 0:
        return x
    div = x * x
    if dim == 3:
        div = pad(div.unsqueeze(1), (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        sizes = x.shape
        div = div.reshape(sizes[0], 1, sizes[1], sizes[2], -1)
        div = pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1)
        div = div.reshape(sizes)
    div = (div * alpha + k) ** beta
    return x / div
