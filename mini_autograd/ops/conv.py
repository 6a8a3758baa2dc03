"""Convolutions: conv1d/2d/3d and conv_transpose1d/2d/3d as im2col and one matmul.

Three nodes close under differentiation (DeZero's idea carried to second order): with y = conv(x, w)
bilinear, d/dx is a transposed convolution of gy with w and d/dw a "weight convolution" of x with
gy; each of the three has its own two gradients among the three again, so create_graph works at
any order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .._tensor import Tensor
from ._registry import register
from ._util import Node, tensor_arg
from ._windows import Geometry, col2im, im2col, ntuple, out_size
from .padding import anchored
from .reduction import Sum
from .shape import Reshape

Size = int | Sequence[int]


def _bias_shape(b, nd: int) -> tuple[int, ...]:
    return (1, np.shape(b)[0]) + (1,) * nd


def _bias_grad(gy, nd: int):
    return Sum.apply(gy, axes=(0, *range(2, 2 + nd)), keepdim=False)


#: the im2col columns are k_size times the input: build them this many bytes of columns at a time
#: (a chunk of the batch), which bounds the peak memory without costing BLAS its efficiency (the
#: matmuls are per sample anyway)
COLUMN_BYTES = 8 << 20


def _batches(n: int, per_sample: int):
    """Slices of the batch whose columns take about COLUMN_BYTES (at least one sample each)."""
    step = max(1, COLUMN_BYTES // max(per_sample, 1))
    return [slice(i, min(i + step, n)) for i in range(0, n, step)] or [slice(0, 0)]


def _cols_bytes(c: int, geom: Geometry, itemsize: int) -> int:
    return c * math.prod(geom.k_size) * math.prod(geom.y_size) * itemsize


class Conv(Node):
    """y = w * x (correlation): dx = conv_transpose(gy, w), dw = conv_weight(x, gy), db = Σ gy"""

    def __init__(self, geom: Geometry, groups: int) -> None:
        self.geom, self.groups, self.node = geom, groups, "ConvolutionBackward0"

    def forward(self, x, w, b=None):
        geom, g = self.geom, self.groups
        n, o = x.shape[0], w.shape[0]
        wm = w.reshape(g, o // g, -1)
        y = np.empty((n, o, *geom.y_size), dtype=np.result_type(x, w))
        for part in _batches(n, _cols_bytes(x.shape[1], geom, x.itemsize)):
            cols = im2col(x[part], geom).reshape(-1, g, wm.shape[2], math.prod(geom.y_size))
            np.matmul(wm, cols, out=y[part].reshape(-1, g, o // g, cols.shape[-1]))
        if b is not None:
            y += b.reshape(_bias_shape(b, geom.nd))
        return y

    def backward(self, gy, x, w, b=None):
        # anchored: under create_graph torch's gradients are nodes of both x and w, even where
        # their values do not depend on one of them (a constant weight's input gradient)
        need = self.needs_input_grad
        gx = ConvTranspose.apply(gy, w, geom=self.geom, groups=self.groups) if need[0] else None
        gw = ConvWeight.apply(x, gy, geom=self.geom, groups=self.groups) if need[1] else None
        gx, gw = (
            (gx if gx is None else anchored(gx, x, unused=True)),
            (gw if gw is None else anchored(gw, w, unused=True)),
        )
        if len(need) == 2:
            return gx, gw
        return gx, gw, (_bias_grad(gy, self.geom.nd) if need[2] else None)


class ConvTranspose(Node):
    """x = wᵀ * y, the adjoint of Conv in x: dy = conv(gx, w), dw = conv_weight(gx, y), db = Σ gx"""

    def __init__(self, geom: Geometry, groups: int) -> None:
        self.geom, self.groups, self.node = geom, groups, "ConvolutionBackward0"

    def forward(self, y, w, b=None):
        geom, g = self.geom, self.groups
        n, o = y.shape[0], w.shape[0]
        c = w.shape[1] * g
        wt = w.reshape(g, o // g, -1).swapaxes(1, 2)
        parts = _batches(n, _cols_bytes(c, geom, y.itemsize))
        x = None
        for part in parts:
            cols = np.matmul(wt, y[part].reshape(-1, g, o // g, math.prod(geom.y_size)))
            xs = col2im(cols.reshape((-1, c, *geom.k_size, *geom.y_size)), geom)
            if len(parts) == 1:
                x = xs
                break
            if x is None:
                x = np.empty((n, *xs.shape[1:]), dtype=xs.dtype)
            x[part] = xs
        if b is not None:
            x = x + b.reshape(_bias_shape(b, geom.nd))
        return x

    def backward(self, gx, y, w, b=None):
        need = self.needs_input_grad
        gy = Conv.apply(gx, w, geom=self.geom, groups=self.groups) if need[0] else None
        gw = ConvWeight.apply(gx, y, geom=self.geom, groups=self.groups) if need[1] else None
        gy, gw = (
            (gy if gy is None else anchored(gy, y, unused=True)),
            (gw if gw is None else anchored(gw, w, unused=True)),
        )
        if len(need) == 2:
            return gy, gw
        return gy, gw, (_bias_grad(gx, self.geom.nd) if need[2] else None)


class ConvWeight(Node):
    """w = Σ_n y ⋆ x, the adjoint of Conv in w: dx = conv_transpose(y, gw), dy = conv(x, gw)"""

    def __init__(self, geom: Geometry, groups: int) -> None:
        self.geom, self.groups, self.node = geom, groups, "ConvolutionBackward0"

    def forward(self, x, y):
        geom, g = self.geom, self.groups
        n, o, c = x.shape[0], y.shape[1], x.shape[1]
        ys = y.reshape(n, g, o // g, math.prod(geom.y_size))
        w = None
        for part in _batches(n, _cols_bytes(c, geom, x.itemsize)):
            cols = im2col(x[part], geom).reshape(
                -1, g, c // g * math.prod(geom.k_size), ys.shape[-1]
            )
            # per sample (O/g, Y) @ (Y, C/g·K), summed over the batch: no transposed copy of the
            # columns
            ws = np.matmul(ys[part], cols.swapaxes(-1, -2)).sum(0)
            w = ws if w is None else w + ws
        return w.reshape((o, c // g, *geom.k_size))

    def backward(self, gw, x, y):
        need = self.needs_input_grad
        gx = ConvTranspose.apply(y, gw, geom=self.geom, groups=self.groups) if need[0] else None
        gy = Conv.apply(x, gw, geom=self.geom, groups=self.groups) if need[1] else None
        return gx, gy


# --- argument checks and the public functions ---------------------------------------------------

_TYPE = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int"}


def _check_args(nd, op, x, w, b, stride, dilation, padding):
    if not isinstance(w, Tensor):
        raise TypeError(f"{op}(): argument 'weight' must be Tensor, not {type(w).__name__}")
    if w._data.ndim != nd + 2:
        raise RuntimeError(
            f"{op}: expected weight to be {nd + 2}-dimensional, but got weight of size "
            f"{list(w.shape)} ({w._data.ndim}-dimensional)"
        )
    if x._data.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {op}, but got "
            f"input of size: {list(x.shape)}"
        )
    if x._data.dtype != w._data.dtype:
        raise RuntimeError(
            f"expected scalar type {_TYPE.get(x.dtype.name, x.dtype.name).title()} but found "
            f"{_TYPE.get(w.dtype.name, w.dtype.name).title()} ({op} of input {x.dtype} and "
            f"weight {w.dtype})"
        )
    if b is not None:
        if not isinstance(b, Tensor):
            raise TypeError(f"{op}(): argument 'bias' must be Tensor, not {type(b).__name__}")
        if b._data.dtype != x._data.dtype:
            raise RuntimeError(
                f"Input type ({_TYPE.get(x.dtype.name)}) and bias type "
                f"({_TYPE.get(b.dtype.name)}) should be the same"
            )
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")


def _batched(x: Tensor, nd: int) -> tuple[Tensor, bool]:
    if x._data.ndim == nd + 1:
        return Reshape.apply(x, shape=(1, *x._data.shape)), True
    return x, False


def _unbatched(y: Tensor, squeeze: bool) -> Tensor:
    return Reshape.apply(y, shape=y._data.shape[1:], node="SqueezeBackward1") if squeeze else y


def _padding(padding, nd, k, dilation, stride, op) -> tuple[tuple[int, int], ...]:
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        # torch puts the odd element of an even total after the input
        totals = [d * (kk - 1) for d, kk in zip(dilation, k, strict=True)]
        return tuple((t // 2, t - t // 2) for t in totals)
    p = ntuple(padding, nd, "padding", op)
    if any(v < 0 for v in p):
        raise RuntimeError("negative padding is not supported")
    return tuple((v, v) for v in p)


def _conv(nd, op, input, weight, bias, stride, padding, dilation, groups) -> Tensor:
    x = tensor_arg(input, op)
    stride = ntuple(stride, nd, "stride", op)
    dilation = ntuple(dilation, nd, "dilation", op)
    flat_pad = padding if isinstance(padding, str) else ntuple(padding, nd, "padding", op)
    _check_args(
        nd, op, x, weight, bias, stride, dilation, () if isinstance(flat_pad, str) else flat_pad
    )
    x, squeeze = _batched(x, nd)
    w = weight
    o, cg, *k = w._data.shape
    n, c, *size = x._data.shape
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if o % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size [{list(w.shape)}] instead"
        )
    if cg * groups != c:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(w.shape)}, expected input"
            f"{list(x.shape)} to have {cg * groups} channels, but got {c} channels instead"
        )
    if bias is not None and tuple(bias.shape) != (o,):
        raise RuntimeError(
            f"Given weight of size {list(w.shape)}, expected bias to be 1-dimensional with {o} "
            f"elements, but got bias of size {list(bias.shape)} instead"
        )
    pad = _padding(padding, nd, k, dilation, stride, op)
    padded = [s + lo + hi for s, (lo, hi) in zip(size, pad, strict=True)]
    span = [d * (kk - 1) + 1 for d, kk in zip(dilation, k, strict=True)]
    if any(p < s for p, s in zip(padded, span, strict=True)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
            f"Kernel size: ({' x '.join(map(str, span))}). Kernel size can't be greater than "
            "actual input size"
        )
    y_size = tuple(
        out_size(s, kk, st, lo, hi, d)
        for s, kk, st, (lo, hi), d in zip(size, k, stride, pad, dilation, strict=True)
    )
    geom = Geometry(tuple(k), stride, pad, dilation, tuple(size), y_size)
    args = (x, w) if bias is None else (x, w, bias)
    return _unbatched(Conv(geom, groups)._run(*args), squeeze)


def _conv_transpose(
    nd, op, input, weight, bias, stride, padding, output_padding, groups, dilation
) -> Tensor:
    x = tensor_arg(input, op)
    stride = ntuple(stride, nd, "stride", op)
    dilation = ntuple(dilation, nd, "dilation", op)
    pad = ntuple(padding, nd, "padding", op)
    out_pad = ntuple(output_padding, nd, "output_padding", op)
    _check_args(nd, op, x, weight, bias, stride, dilation, pad)
    x, squeeze = _batched(x, nd)
    w = weight
    c_in, cg, *k = w._data.shape
    n, c, *size = x._data.shape
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if c_in != c:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(w.shape)}, expected input"
            f"{list(x.shape)} to have {c_in} channels, but got {c} channels instead"
        )
    if c_in % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size [{list(w.shape)}] instead"
        )
    if any(p >= s and p >= d for p, s, d in zip(out_pad, stride, dilation, strict=True)):
        raise RuntimeError(
            f"output padding must be smaller than either stride or dilation, but got "
            f"output_padding={list(out_pad)}, stride={list(stride)}, dilation={list(dilation)}"
        )
    if bias is not None and tuple(bias.shape) != (cg * groups,):
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(w.shape)}, expected bias to be "
            f"1-dimensional with {cg * groups} elements, but got bias of size "
            f"{list(bias.shape)} instead"
        )
    x_size = tuple(
        (s - 1) * st - 2 * p + d * (kk - 1) + op_ + 1
        for s, st, p, d, kk, op_ in zip(size, stride, pad, dilation, k, out_pad, strict=True)
    )
    if any(v <= 0 for v in x_size):
        raise RuntimeError(
            f"{op}: the output size ({', '.join(map(str, x_size))}) is too small for input of "
            f"size {list(x.shape)}"
        )
    geom = Geometry(tuple(k), stride, tuple((p, p) for p in pad), dilation, x_size, tuple(size))
    args = (x, w) if bias is None else (x, w, bias)
    return _unbatched(ConvTranspose(geom, groups)._run(*args), squeeze)


@register(top=True, method=False, functional=True)
def conv1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Size = 1,
    padding: Size | str = 0,
    dilation: Size = 1,
    groups: int = 1,
) -> Tensor:
    """1-D cross-correlation of (N, C, L) with weight (O, C/groups, k)."""
    return _conv(1, "conv1d", input, weight, bias, stride, padding, dilation, groups)


@register(top=True, method=False, functional=True)
def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Size = 1,
    padding: Size | str = 0,
    dilation: Size = 1,
    groups: int = 1,
) -> Tensor:
    """2-D cross-correlation of (N, C, H, W) with weight (O, C/groups, kh, kw): im2col, matmul."""
    return _conv(2, "conv2d", input, weight, bias, stride, padding, dilation, groups)


@register(top=True, method=False, functional=True)
def conv3d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Size = 1,
    padding: Size | str = 0,
    dilation: Size = 1,
    groups: int = 1,
) -> Tensor:
    """3-D cross-correlation of (N, C, D, H, W) with weight (O, C/groups, kd, kh, kw)."""
    return _conv(3, "conv3d", input, weight, bias, stride, padding, dilation, groups)


@register(top=True, method=False, functional=True)
def conv_transpose1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Size = 1,
    padding: Size = 0,
    output_padding: Size = 0,
    groups: int = 1,
    dilation: Size = 1,
) -> Tensor:
    """The adjoint of conv1d: weight (C_in, C_out/groups, k)."""
    return _conv_transpose(
        1,
        "conv_transpose1d",
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )


@register(top=True, method=False, functional=True)
def conv_transpose2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Size = 1,
    padding: Size = 0,
    output_padding: Size = 0,
    groups: int = 1,
    dilation: Size = 1,
) -> Tensor:
    """The adjoint of conv2d (a "deconvolution"): matmul, then col2im."""
    return _conv_transpose(
        2,
        "conv_transpose2d",
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )


@register(top=True, method=False, functional=True)
def conv_transpose3d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Size = 1,
    padding: Size = 0,
    output_padding: Size = 0,
    groups: int = 1,
    dilation: Size = 1,
) -> Tensor:
    """The adjoint of conv3d: weight (C_in, C_out/groups, kd, kh, kw)."""
    return _conv_transpose(
        3,
        "conv_transpose3d",
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )
