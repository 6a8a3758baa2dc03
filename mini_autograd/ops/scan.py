"""Scans along a dim: cumsum, cumprod, cummax, cummin, logcumsumexp, each beside its backward."""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._registry import register
from ._util import Node, c_order, data, tensor_arg, torch_dtype_name
from .elementwise import Div, Where
from .indexing import ScatterAdd
from .shape import Expand, Permute, Reshape


def _flip(x, dim: int):
    """x reversed along dim (differentiable: a fancy index is its own adjoint's adjoint)."""
    from .indexing import Index

    key = (slice(None),) * dim + (slice(None, None, -1),)
    return Index.apply(x, key=key) if isinstance(x, Tensor) else np.flip(x, dim)


def _rev_cumsum(g, dim: int):
    """sum over j >= i along dim: the adjoint of cumsum."""
    return _flip(Cumsum.apply(_flip(g, dim), dim=dim), dim)


class Cumsum(Node):
    """y_i = sum_{j <= i} x_j: the gradient is the reversed cumulative sum of gy"""

    node = "CumsumBackward0"

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x):
        if not np.ndim(x):
            return x.copy()
        return c_order(np.cumsum(x, axis=self.dim, dtype=x.dtype))  # as torch

    def backward(self, gy, x):
        return _rev_cumsum(gy, self.dim) if np.ndim(x) else gy


class Cumprod(Node):
    """y_i = prod_{j <= i} x_j: dx_i = sum_{j >= i} gy_j y_j / x_i, or, where x has zeros, the
    products that leave x_i out (an n x n expansion along dim)"""

    node = "CumprodBackward0"
    save_output = True

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x):
        return np.cumprod(x, axis=self.dim, dtype=x.dtype) if np.ndim(x) else x.copy()

    def backward(self, gy, x):
        if not np.ndim(x) or np.shape(x)[self.dim] <= 1 or not data(x).size:
            return gy  # y = x along a dim of one element, or empty: torch passes gy through
        d = self.dim
        if not np.any(data(x) == 0):
            return Div.apply(_rev_cumsum(gy * self.saved_output(gy), d), x)
        # move dim last, then X[..., i, k] = x_k with x_i -> 1: cumprod over k leaves x_i out
        nd = np.ndim(x)
        order = tuple(a for a in range(nd) if a != d) + (d,)
        xl = Permute.apply(x, dims=order)
        gl = Permute.apply(gy, dims=order)
        shape = np.shape(xl)
        n = shape[-1]
        wide = shape[:-1] + (n, n)
        xs = Expand.apply(Reshape.apply(xl, shape=shape[:-1] + (1, n)), shape=wide)
        eye = np.eye(n, dtype=bool)
        c = Cumprod.apply(Where.apply(eye, 1.0, xs), dim=nd)  # c[.., i, j] = prod_{k<=j, k!=i}
        upper = np.triu(np.ones((n, n), dtype=bool))  # j >= i
        g = Reshape.apply(gl, shape=shape[:-1] + (1, n))
        from .reduction import Sum

        gx = Sum.apply(Where.apply(upper, c * g, 0.0), axes=(nd,), keepdim=False)
        return Permute.apply(gx, dims=tuple(np.argsort(order)))


class CumExtreme(Node):
    """cummax/cummin: (values, indices); the gradient of values scatter-adds to the indices"""

    def __init__(self, dim: int, largest: bool) -> None:
        self.dim, self.largest = dim, largest
        self.node = "CummaxBackward0" if largest else "CumminBackward0"

    def forward(self, x):
        if not np.ndim(x):
            return x.copy(), np.zeros((), dtype=np.int64)
        d, n = self.dim, x.shape[self.dim]
        better = np.greater_equal if self.largest else np.less_equal
        xm = np.moveaxis(x, d, -1)
        vals, idx = np.empty_like(xm), np.empty(xm.shape, dtype=np.int64)
        if n:
            vals[..., 0], idx[..., 0] = xm[..., 0], 0
        for i in range(1, n):  # torch: a later equal (or nan) value takes over the index
            take = better(xm[..., i], vals[..., i - 1]) | np.isnan(xm[..., i])
            take &= ~np.isnan(vals[..., i - 1]) | np.isnan(xm[..., i])
            vals[..., i] = np.where(take, xm[..., i], vals[..., i - 1])
            idx[..., i] = np.where(take, i, idx[..., i - 1])
        self.index = np.moveaxis(idx, -1, d)
        return np.moveaxis(vals, -1, d), self.index

    def backward(self, gys, x):
        gy = gys[0] if isinstance(gys, tuple) else gys
        if gy is None:
            return None
        if not data(x).size:
            return x  # torch's cummaxmin_backward returns the (empty) input itself
        if not np.ndim(x):
            return gy
        return ScatterAdd.apply(gy, dim=self.dim, index=self.index, shape=np.shape(x))


class LogCumSumExp(Node):
    """y_i = log sum_{j <= i} e^x_j: dx_i = sum_{j >= i} gy_j e^(x_i - y_j), every factor <= 1"""

    node = "LogcumsumexpBackward0"
    save_output = True

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x):
        if not np.ndim(x):
            return x.copy()
        xm = np.moveaxis(x, self.dim, -1)
        out = np.empty_like(xm)
        acc = np.full(xm.shape[:-1], -np.inf, dtype=xm.dtype)
        for i in range(xm.shape[-1]):
            acc = np.logaddexp(acc, xm[..., i])
            out[..., i] = acc
        return np.moveaxis(out, -1, self.dim)

    def backward(self, gy, x):
        if not np.ndim(x) or not data(gy).size:
            return gy  # torch's logcumsumexp_backward passes an empty gradient through
        from .reduction import Sum
        from .unary import Exp

        d, nd = self.dim, np.ndim(x)
        order = tuple(a for a in range(nd) if a != d) + (d,)
        xl = Permute.apply(x, dims=order)
        yl = Permute.apply(self.saved_output(gy), dims=order)
        gl = Permute.apply(gy, dims=order)
        shape = np.shape(xl)
        n = shape[-1]
        xi = Reshape.apply(xl, shape=shape + (1,))  # [.., i, 1]
        yj = Reshape.apply(yl, shape=shape[:-1] + (1, n))  # [.., 1, j]
        upper = np.triu(np.ones((n, n), dtype=bool))
        w = Exp.apply(Where.apply(upper, xi - yj, -np.inf))  # e^(x_i - y_j) for j >= i, else 0
        gx = Sum.apply(w * Reshape.apply(gl, shape=shape[:-1] + (1, n)), axes=(nd,), keepdim=False)
        return Permute.apply(gx, dims=tuple(np.argsort(order)))


def _scan_arg(input: Tensor, dim: int, op: str, dtype) -> tuple[Tensor, int]:
    x = tensor_arg(input, op)
    if dtype is not None:
        x = x.to(dtype)
    elif x._data.dtype.kind in "biu" and op in ("cumsum", "cumprod"):
        x = x.to(_dtype.int64)
    return x, _wrap_dim(dim, x._data.ndim, op) if x._data.ndim else 0


@register()
def cumsum(input: Tensor, dim: int, *, dtype: _dtype.dtype | None = None) -> Tensor:
    """Cumulative sums along dim (integers sum in int64, as torch)."""
    x, d = _scan_arg(input, dim, "cumsum", dtype)
    return Cumsum(d)._run(x)


@register()
def cumprod(input: Tensor, dim: int, *, dtype: _dtype.dtype | None = None) -> Tensor:
    """Cumulative products along dim; zeros are handled exactly in the gradient."""
    x, d = _scan_arg(input, dim, "cumprod", dtype)
    return Cumprod(d)._run(x)


def _cum_extreme(input: Tensor, dim: int, largest: bool, op: str):
    from .sorting import values_indices

    x, d = _scan_arg(input, dim, op, None)
    if x._data.dtype.kind == "b":
        raise RuntimeError(f"{op}: bool tensors are not supported; use .long()")
    v, i = CumExtreme(d, largest)._run(x)
    return values_indices(op, v, i)


@register()
def cummax(input: Tensor, dim: int):
    """(values, indices) of the running maximum along dim (the latest index among ties)."""
    return _cum_extreme(input, dim, True, "cummax")


@register()
def cummin(input: Tensor, dim: int):
    """(values, indices) of the running minimum along dim (the latest index among ties)."""
    return _cum_extreme(input, dim, False, "cummin")


@register()
def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """log(cumsum(exp(input))) along dim, stable for large inputs."""
    x, d = _scan_arg(input, dim, "logcumsumexp", None)
    if x._data.dtype.kind != "f":
        raise NotImplementedError(
            f"\"logcumsumexp_out_cpu\" not implemented for '{torch_dtype_name(x)}'"
        )
    return LogCumSumExp(d)._run(x)
