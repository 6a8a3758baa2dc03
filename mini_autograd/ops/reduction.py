"""Reductions over `dim` (int, tuple or None) with `keepdim`, each beside its backward.

A backward first restores the reduced dimensions of gy (and of the result) as size 1
(`_kept`), so plain broadcasting carries them over the input.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np

from .. import _dtype
from .._function import Function
from .._tensor import Tensor
from .._warn_once import user_stacklevel
from ._registry import register
from ._util import Node, data, dims, quiet, tensor_arg, torch_dtype_name
from .elementwise import Div, PowTensorScalar, Where
from .shape import Expand, Reshape
from .unary import Abs, Exp, Sign

Dim = int | Sequence[int] | None


def _kept(g, shape: tuple[int, ...], axes: tuple[int, ...] | None, keepdim: bool):
    """A reduction's gradient (or result) with the reduced axes back as size 1."""
    if keepdim or not shape:
        return g
    kept = tuple(1 if axes is None or i in axes else n for i, n in enumerate(shape))
    return Reshape.apply(g, shape=kept)


def _count(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> int:
    """How many elements each reduced value summarises."""
    return math.prod(shape) if axes is None else math.prod(shape[a] for a in axes)


def _axes(dim: Dim, x: Tensor, op: str) -> tuple[int, ...] | None:
    """dim as a tuple of axes, None for all; an empty list reduces everything, as torch."""
    axes = dims(dim, x._data.ndim, op)
    if axes == () or (axes is not None and x._data.ndim == 0):
        return None
    return axes


class Sum(Node):
    """sum: every input element gets the upstream gradient of its slice."""

    saves = ()  # backward needs only shapes

    def __init__(
        self, axes: tuple[int, ...] | None, keepdim: bool, node: str = "SumBackward1"
    ) -> None:
        self.axes, self.keepdim, self.node = axes, keepdim, node

    def forward(self, x):
        # in x's dtype: numpy would widen int8/int16 (and bool) sums to int64
        return np.add.reduce(x, self.axes, keepdims=self.keepdim, dtype=x.dtype)

    def backward(self, gy, x):
        shape = np.shape(x)
        return Expand.apply(_kept(gy, shape, self.axes, self.keepdim), shape=shape)


class Mean(Node):
    """mean: every input element gets gy / n."""

    saves = ()  # backward needs only shapes

    def __init__(
        self, axes: tuple[int, ...] | None, keepdim: bool, node: str = "MeanBackward1"
    ) -> None:
        self.axes, self.keepdim, self.node = axes, keepdim, node

    def forward(self, x):
        total = np.add.reduce(x, self.axes, keepdims=self.keepdim)
        n = _count(np.shape(x), self.axes)
        return total / n if n else quiet(np.divide, total, n)  # mean of nothing: nan

    def backward(self, gy, x):
        shape = np.shape(x)
        g = _kept(gy, shape, self.axes, self.keepdim) / max(_count(shape, self.axes), 1)
        return Expand.apply(g, shape=shape)


class Prod(Node):
    """d prod(x) / dx_i = prod of the others: result / x_i without zeros, else exclusive
    products."""

    save_output = True

    def __init__(self, axis: int | None, keepdim: bool, node: str = "ProdBackward1") -> None:
        self.axis, self.keepdim, self.node = axis, keepdim, node

    def forward(self, x):
        return np.prod(x, axis=self.axis, keepdims=self.keepdim, dtype=x.dtype)

    def backward(self, gy, x):
        shape = np.shape(x)
        axes = None if self.axis is None else (self.axis,)
        g = _kept(gy, shape, axes, self.keepdim)
        if not shape:
            return gy
        if not np.any(data(x) == 0):
            return g * Div.apply(_kept(self.saved_output(gy), shape, axes, self.keepdim), x)
        return g * _prod_of_others(x, self.axis)


def _prod_of_others(x, axis: int | None):
    """For each element, the product of the other elements of its slice (zero-safe)."""
    if axis is None:
        flat = Reshape.apply(x, shape=(-1,))
        return Reshape.apply(_prod_of_others(flat, 0), shape=np.shape(x))
    n = np.shape(x)[axis]
    if not isinstance(x, Tensor):  # arrays: exclusive cumulative products from both sides, O(n)
        ones = np.ones_like(np.take(x, [0], axis=axis))
        left = np.cumprod(np.concatenate([ones, np.take(x, range(n - 1), axis=axis)], axis), axis)
        right = np.flip(
            np.cumprod(
                np.flip(np.concatenate([np.take(x, range(1, n), axis=axis), ones], axis), axis),
                axis,
            ),
            axis,
        )
        return left * right
    if n == 1:  # the empty product: a constant, as torch's exclusive products of one element
        return np.ones(np.shape(x), dtype=data(x).dtype)
    # Tensors (create_graph): a differentiable n-fold copy with the element itself set to 1
    shape = x.shape
    wide = shape[:axis] + (n,) + shape[axis:]
    xs = Expand.apply(Reshape.apply(x, shape=shape[:axis] + (1,) + shape[axis:]), shape=wide)
    eye = np.eye(n, dtype=bool).reshape((1,) * axis + (n, n) + (1,) * (len(shape) - axis - 1))
    return Prod.apply(Where.apply(eye, 1.0, xs), axis=axis + 1, keepdim=False)


class Var(Function):
    """var'(x) = 2 (x - mean) / (n - correction)"""

    def __init__(self, axes: tuple[int, ...] | None, correction: float, keepdim: bool) -> None:
        self.axes, self.correction, self.keepdim = axes, correction, keepdim

    def forward(self, x):
        return _variance(x, self.axes, self.correction, self.keepdim, "var")

    def backward(self, gy, x):
        return _var_backward(self, _kept(gy, np.shape(x), self.axes, self.keepdim), x)


class Std(Var):
    """std'(x) = (x - mean) / ((n - correction) std), 0 where std == 0, as torch"""

    save_output = True

    def forward(self, x):
        return quiet(np.sqrt, _variance(x, self.axes, self.correction, self.keepdim, "std"))

    def backward(self, gy, x):
        shape = np.shape(x)
        std = _kept(self.saved_output(gy), shape, self.axes, self.keepdim)
        g = _kept(gy, shape, self.axes, self.keepdim)
        zero = data(std) == 0
        return _var_backward(self, Where.apply(zero, 0.0, Div.apply(g, std * 2)), x)


def _variance(x, axes, correction: float, keepdim: bool, op: str):
    n = _count(np.shape(x), axes)
    dof = max(n - correction, 0)
    if dof == 0:
        warnings.warn(
            f"{op}(): degrees of freedom is <= 0. Correction should be strictly less "
            "than the reduction factor (input numel divided by output numel).",
            stacklevel=user_stacklevel(),
        )
    mean = quiet(np.divide, np.add.reduce(x, axes, keepdims=True), n)
    d = x - mean
    ss = np.add.reduce(d * d, axes, keepdims=keepdim)
    return quiet(np.divide, ss, dof).astype(x.dtype, copy=False)


def _var_backward(fn: Var, g, x):
    dof = _count(np.shape(x), fn.axes) - fn.correction
    scale = 2.0 / dof if dof else math.inf
    return g * (x - Mean.apply(x, axes=fn.axes, keepdim=True)) * scale


class LogSumExp(Function):
    """logsumexp'(x) = exp(x - logsumexp(x)), i.e. softmax over the reduced dims"""

    save_output = True

    def __init__(self, axes: tuple[int, ...] | None, keepdim: bool) -> None:
        self.axes, self.keepdim = axes, keepdim

    node = "LogsumexpBackward0"

    def forward(self, x):
        m = np.maximum.reduce(x, self.axes, keepdims=True, initial=-np.inf)
        m = np.where(np.isinf(m), 0, m).astype(x.dtype, copy=False)  # torch: |max| == inf -> 0
        s = np.add.reduce(quiet(np.exp, x - m), self.axes, keepdims=True)
        out = quiet(np.log, s) + m
        return out if self.keepdim else np.reshape(out, _reduced_shape(np.shape(x), self.axes))

    def backward(self, gy, x):
        shape = np.shape(x)
        y = _kept(self.saved_output(gy), shape, self.axes, self.keepdim)
        return _kept(gy, shape, self.axes, self.keepdim) * Exp.apply(x - y)


def _reduced_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    return () if axes is None else tuple(n for i, n in enumerate(shape) if i not in axes)


class Norm(Function):
    """||x||_p over dims, with torch's norm_backward (0 where the norm is 0, ties share at inf)."""

    save_output = True

    def __init__(self, p: float, axes: tuple[int, ...] | None, keepdim: bool) -> None:
        self.p, self.axes, self.keepdim = p, axes, keepdim

    node = "LinalgVectorNormBackward0"

    def forward(self, x):
        p, axes, keep = self.p, self.axes, self.keepdim
        a = np.abs(x)
        if p == 2:
            return np.sqrt(np.add.reduce(a * a, axes, keepdims=keep))
        if p == 1:
            return np.add.reduce(a, axes, keepdims=keep)
        if p == math.inf:
            return np.amax(a, axis=axes, keepdims=keep)
        if p == -math.inf:
            return np.amin(a, axis=axes, keepdims=keep)
        if p == 0:
            return np.sum(a != 0, axis=axes, keepdims=keep).astype(x.dtype)
        return quiet(np.power, np.add.reduce(quiet(np.power, a, p), axes, keepdims=keep), 1.0 / p)

    def backward(self, gy, x):
        p, shape = self.p, np.shape(x)
        g = _kept(gy, shape, self.axes, self.keepdim)
        y = _kept(self.saved_output(gy), shape, self.axes, self.keepdim)
        zero = data(y) == 0
        if p == 0:
            return g * np.zeros(shape, dtype=np.asarray(data(x)).dtype)
        if p == 1:
            return g * Sign.apply(x)
        if p == 2:
            return g * Where.apply(zero, 0.0, Div.apply(x, y))
        if math.isinf(p):
            ax = np.abs(data(x))
            mask = (ax == data(y)) | np.isnan(ax)
            share = mask / np.sum(mask, axis=self.axes, keepdims=True)
            return Sign.apply(x) * g * share.astype(ax.dtype)
        if p < 1:
            scaled = Sign.apply(x) * Where.apply(
                data(x) == 0, 0.0, PowTensorScalar.apply(Abs.apply(x), p - 1)
            )
            return scaled * g * PowTensorScalar.apply(y, 1 - p)
        scaled = (
            Sign.apply(x) * PowTensorScalar.apply(Abs.apply(x), p - 1)
            if p < 2
            else x * PowTensorScalar.apply(Abs.apply(x), p - 2)
        )
        return scaled * Where.apply(zero, 0.0, Div.apply(g, PowTensorScalar.apply(y, p - 1)))


# --- public wrappers ------------------------------------------------------------------------------


@register()
def sum(
    input: Tensor, dim: Dim = None, keepdim: bool = False, *, dtype: _dtype.dtype | None = None
) -> Tensor:
    """Sum of all elements, or over `dim`. Integer and bool inputs sum to int64, as torch."""
    x = tensor_arg(input, "sum")
    if dtype is not None:
        x = x.to(dtype)
    elif x._data.dtype.kind in "biu" and x._data.dtype != np.int64:
        x = x.to(_dtype.int64)
    return Sum(
        _axes(dim, x, "sum"), keepdim, "SumBackward0" if dim is None else "SumBackward1"
    )._run(x)


@register()
def mean(
    input: Tensor, dim: Dim = None, keepdim: bool = False, *, dtype: _dtype.dtype | None = None
) -> Tensor:
    """Mean of all elements, or over `dim`; needs a floating dtype, as torch."""
    x = tensor_arg(input, "mean")
    if dtype is not None:
        x = x.to(dtype)
    if x._data.dtype.kind != "f":
        raise RuntimeError(
            f"mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {torch_dtype_name(x)}; use x.float().mean() or pass "
            "dtype="
        )
    node = "MeanBackward0" if dim is None else "MeanBackward1"
    return Mean(_axes(dim, x, "mean"), keepdim, node)._run(x)


@register()
def prod(
    input: Tensor,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    dtype: _dtype.dtype | None = None,
) -> Tensor:
    """Product of all elements, or along one `dim`. Integer and bool inputs give int64."""
    x = tensor_arg(input, "prod")
    if dtype is not None:
        x = x.to(dtype)
    elif x._data.dtype.kind in "biu" and x._data.dtype != np.int64:
        x = x.to(_dtype.int64)
    if dim is not None and not isinstance(dim, int):
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
    axes = _axes(dim, x, "prod")
    node = "ProdBackward0" if dim is None else "ProdBackward1"
    return Prod(None if axes is None else axes[0], keepdim, node)._run(x)


def _moment_args(x: Tensor, dim, unbiased, correction, op: str):
    if x._data.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if isinstance(dim, bool):  # var(x, unbiased)
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return _axes(dim, x, op), float(correction)


@register()
def var(
    input: Tensor,
    dim: Dim = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
) -> Tensor:
    """Variance over `dim` with Bessel's `correction` (1 by default; `unbiased=False` means 0)."""
    x = tensor_arg(input, "var")
    axes, c = _moment_args(x, dim, unbiased, correction, "var")
    return Var(axes, c, keepdim)._run(x)


@register()
def std(
    input: Tensor,
    dim: Dim = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
) -> Tensor:
    """Standard deviation over `dim`, the square root of var with the same arguments."""
    x = tensor_arg(input, "std")
    axes, c = _moment_args(x, dim, unbiased, correction, "std")
    return Std(axes, c, keepdim)._run(x)


@register()
def logsumexp(input: Tensor, dim: Dim, keepdim: bool = False) -> Tensor:
    """log(sum(exp(input))) over `dim`, stable for large inputs (integers become float)."""
    x = tensor_arg(input, "logsumexp")
    if x._data.dtype.kind != "f":
        x = x.to(_dtype.get_default_dtype())
    return LogSumExp(_axes(dim, x, "logsumexp"), keepdim)._run(x)


@register()
def norm(
    input: Tensor,
    p: float | str | None = "fro",
    dim: Dim = None,
    keepdim: bool = False,
    dtype: _dtype.dtype | None = None,
) -> Tensor:
    """The vector p-norm over `dim` (all elements by default); 'fro' is the 2-norm."""
    x = tensor_arg(input, "norm")
    if dtype is not None:
        x = x.to(dtype)
    if x._data.dtype.kind != "f":
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as "
            f"input. Got {torch_dtype_name(x)}"
        )
    if p is None or p == "fro":
        p = 2.0
    elif p == "nuc":  # the sum of singular values, over dim (a 2-tuple) or a matrix's two dims
        from .norms import matrix_norm

        return matrix_norm(x, "nuc", (-2, -1) if dim is None else dim, keepdim)
    elif isinstance(p, str):
        raise NotImplementedError(f"norm(p={p!r}) is not supported; use p='fro' or a number")
    axes = _axes(dim, x, "norm")
    if math.isinf(p) and x._data.size == 0:
        raise RuntimeError(
            "linalg.vector_norm cannot compute the inf norm on an empty tensor "
            "because the operation does not have an identity"
        )
    return Norm(float(p), axes, keepdim)._run(x)
