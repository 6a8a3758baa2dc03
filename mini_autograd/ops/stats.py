"""Statistics: nansum, nanmean, aminmax, count_nonzero, var_mean, std_mean, quantile,
nanquantile, cov and corrcoef. Most are compositions of differentiable ops, so their gradients
(and second derivatives) come from those."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _make, _wrap_dim
from ._registry import register
from ._util import Node, data, dims, tensor_arg
from .elementwise import Where
from .reduction import _axes, _kept, mean, std, var
from .shape import Expand

Dim = int | Sequence[int] | None
AminmaxResult = namedtuple("aminmax", ["min", "max"])


class NanSum(Node):
    """sum with nan counted as 0: the gradient passes where x is not nan"""

    node = "NansumBackward0"

    def __init__(self, axes: tuple[int, ...] | None, keepdim: bool) -> None:
        self.axes, self.keepdim = axes, keepdim

    def forward(self, x):
        return np.nansum(x, axis=self.axes, keepdims=self.keepdim).astype(x.dtype)

    def backward(self, gy, x):
        shape = np.shape(x)
        g = Expand.apply(_kept(gy, shape, self.axes, self.keepdim), shape=shape)
        return Where.apply(np.isnan(data(x)), 0.0, g)


@register()
def nansum(
    input: Tensor, dim: Dim = None, keepdim: bool = False, *, dtype: _dtype.dtype | None = None
) -> Tensor:
    """Sum treating nan as zero (integers sum to int64)."""
    x = tensor_arg(input, "nansum")
    if dtype is not None:
        x = x.to(dtype)
    elif x._data.dtype.kind in "biu" and x._data.dtype != np.int64:
        x = x.to(_dtype.int64)
    return NanSum(_axes(dim, x, "nansum"), keepdim)._run(x)


@register()
def nanmean(
    input: Tensor, dim: Dim = None, keepdim: bool = False, *, dtype: _dtype.dtype | None = None
) -> Tensor:
    """Mean of the non-nan elements: nansum / count of non-nan."""
    x = tensor_arg(input, "nanmean")
    if dtype is not None:
        x = x.to(dtype)
    if x._data.dtype.kind != "f":
        raise RuntimeError(
            f"nanmean(): expected input to have floating point or complex dtype but got {x.dtype}"
        )
    axes = _axes(dim, x, "nanmean")
    count = np.sum(~np.isnan(x._data), axis=axes, keepdims=keepdim).astype(x._data.dtype)
    return nansum(x, dim, keepdim) / _make(count)


@register()
def aminmax(input: Tensor, *, dim: int | None = None, keepdim: bool = False):
    """(min, max) over everything or along dim, each with amin/amax's gradient."""
    x = tensor_arg(input, "aminmax")
    if x._data.size == 0 and dim is None:
        raise RuntimeError(
            "aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
            "identity."
        )
    d = () if dim is None else dim
    return AminmaxResult(x.amin(d, keepdim), x.amax(d, keepdim))


@register()
def count_nonzero(input: Tensor, dim: Dim = None) -> Tensor:
    """The number of nonzero elements (over dim), as int64."""
    x = tensor_arg(input, "count_nonzero")
    axes = dims(dim, x._data.ndim, "count_nonzero") if x._data.ndim else None
    return _make(np.asarray(np.count_nonzero(x._data, axis=axes), dtype=np.int64))


def _moments(input, dim, unbiased, keepdim, correction, op):
    x = tensor_arg(input, op)
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    spread = (var if op == "var_mean" else std)(x, dim, unbiased, keepdim, correction=correction)
    return spread, mean(x, dim, keepdim)


@register(method=False)
def var_mean(
    input: Tensor,
    dim: Dim = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
) -> tuple[Tensor, Tensor]:
    """(var, mean) with var's arguments."""
    return _moments(input, dim, unbiased, keepdim, correction, "var_mean")


@register(method=False)
def std_mean(
    input: Tensor,
    dim: Dim = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
) -> tuple[Tensor, Tensor]:
    """(std, mean) with std's arguments."""
    return _moments(input, dim, unbiased, keepdim, correction, "std_mean")


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan: bool, op: str) -> Tensor:
    x = tensor_arg(input, op)
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"{op}() input tensor must be either float or double dtype")
    scalar_q = not isinstance(q, Tensor)
    qa = np.asarray(q if scalar_q else q._data, dtype=x._data.dtype)
    if qa.ndim > 1:
        raise RuntimeError(f"{op}() q must be a scalar or 1D tensor")
    if np.any((qa < 0) | (qa > 1)):
        raise RuntimeError(f"{op}() q values must be in the range [0, 1]")
    if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise ValueError(
            f"{op}() interpolation must be one of linear, lower, higher, midpoint or nearest. "
            f"Found {interpolation}"
        )
    if dim is None:
        xf, d = x.reshape(-1), 0
    else:
        d = _wrap_dim(dim, max(x._data.ndim, 1), op)
        xf = x if x._data.ndim else x.reshape(1)
    n = xf._data.shape[d]
    if n == 0:
        raise RuntimeError(f"{op}() input tensor must be non-empty")
    srt = xf.sort(d)[0]  # nan last; the gradient flows back through the sort
    nan = np.isnan(xf._data)
    if ignore_nan:  # the valid (non-nan) count of each slice: its quantile's rank range
        valid = n - nan.sum(axis=d, keepdims=True)
    else:
        valid = np.broadcast_to(np.asarray(n), np.expand_dims(nan.any(axis=d), d).shape)
    qs = qa.reshape(-1)
    outs = []
    q_grad = not scalar_q and q.requires_grad
    for k, qq in enumerate(qs):
        rank = qq * (np.maximum(valid, 1) - 1)
        lo = np.floor(rank).astype(np.int64)
        hi = np.ceil(rank).astype(np.int64)
        if interpolation == "lower":
            hi = lo
        elif interpolation == "higher":
            lo = hi
        elif interpolation == "nearest":
            lo = hi = np.round(rank).astype(np.int64)  # halves to even, as torch
        frac = rank - lo if interpolation == "linear" else 0.5 if interpolation == "midpoint" else 0
        lo_v = srt.gather(d, _make(np.broadcast_to(lo, _slice_shape(srt, d)).copy()))
        hi_v = srt.gather(d, _make(np.broadcast_to(hi, _slice_shape(srt, d)).copy()))
        w = np.broadcast_to(np.asarray(frac, dtype=x._data.dtype), lo_v.shape).copy()
        weight: Any = _make(w)
        if q_grad and interpolation == "linear":  # the weight q (n - 1) - lo depends on q
            steps = _make(np.broadcast_to(np.maximum(valid, 1) - 1, lo_v.shape).astype(w.dtype))
            qk = q[k] if q.ndim else q
            weight = qk * steps - _make(np.broadcast_to(lo, lo_v.shape).astype(w.dtype))
        val = lo_v + (hi_v - lo_v) * weight
        bad = (valid == 0) if ignore_nan else nan.any(axis=d, keepdims=True)
        if np.any(bad):
            val = Where.apply(np.broadcast_to(bad, val.shape), np.nan, val)
        outs.append(val if keepdim or dim is None else val.squeeze(d))
    if dim is None:
        outs = [o.reshape((1,) * x._data.ndim if keepdim else ()) for o in outs]
    if not x._data.ndim:  # a 0-d input keeps no dims
        outs = [o.reshape(()) for o in outs]
    if scalar_q or qa.ndim == 0:
        return outs[0]
    from .join import stack

    return stack(outs, 0)


def _slice_shape(t: Tensor, d: int) -> tuple[int, ...]:
    s = list(t._data.shape)
    s[d] = 1
    return tuple(s)


@register()
def quantile(
    input: Tensor,
    q: float | Tensor,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    interpolation: str = "linear",
) -> Tensor:
    """The q-th quantiles over everything or along dim (nan if a slice has nan)."""
    return _quantile(input, q, dim, keepdim, interpolation, False, "quantile")


@register()
def nanquantile(
    input: Tensor,
    q: float | Tensor,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    interpolation: str = "linear",
) -> Tensor:
    """quantile ignoring nan (nan only where a slice is all nan)."""
    return _quantile(input, q, dim, keepdim, interpolation, True, "nanquantile")


@register()
def cov(
    input: Tensor,
    *,
    correction: int = 1,
    fweights: Tensor | None = None,
    aweights: Tensor | None = None,
) -> Tensor:
    """The covariance matrix of the variables in rows, observations in columns (weights
    optional)."""
    x = tensor_arg(input, "cov")
    if x._data.ndim > 2:
        raise ValueError(f"cov(): expected input to have two or fewer dimensions but got an "
                         f"input with {x._data.ndim} dimensions")  # fmt: skip
    if x._data.dtype.kind != "f":
        x = x.to(_dtype.get_default_dtype())
    xm = x if x._data.ndim == 2 else x.reshape(1, -1)
    n = xm._data.shape[1]
    w: Any = None
    if fweights is not None:  # with aweights, torch's w is fweights * aweights in their dtype
        w = fweights if aweights is not None else fweights.to(x.dtype)
    if aweights is not None:
        w = aweights if w is None else w * aweights
    if w is None:
        wsum = float(n)
        avg = xm.mean(1, keepdim=True)
        norm = wsum - correction
    else:
        wsum = w.sum()
        avg = (xm * w).sum(1, keepdim=True) / wsum
        if correction == 0:
            norm = wsum
        elif aweights is None:
            norm = wsum - correction
        else:
            norm = wsum - correction * (w * aweights).sum() / wsum
    if not isinstance(norm, Tensor) and norm <= 0:
        norm = 0.0
    xc = xm - avg
    c = (xc * w if w is not None else xc) @ xc.t()
    c = c / norm if isinstance(norm, Tensor) else c / norm if norm else c * np.inf
    return c.reshape(()) if x._data.ndim < 2 or xm._data.shape[0] == 1 else c


@register()
def corrcoef(input: Tensor) -> Tensor:
    """Pearson correlation coefficients of the rows, clipped to [-1, 1]."""
    c = cov(tensor_arg(input, "corrcoef"))
    if c._data.ndim == 0:
        return c / c
    d = c.diagonal()
    s = d.sqrt()
    c = c / s.reshape(-1, 1) / s.reshape(1, -1)
    return c.clamp(-1, 1)
