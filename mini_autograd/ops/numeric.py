"""Numeric odds and ends: frac, trunc/fix, float_power, clamp_min/clamp_max, nan_to_num, and the
comparisons isclose, allclose and equal."""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._function import Function
from .._tensor import Tensor, _make
from ._registry import register
from ._util import (
    Node,
    binary_operands,
    broadcast_error,
    cast,
    data,
    tensor_arg,
    torch_dtype_name,
)
from .elementwise import Clamp, Where, pow
from .unary import zero_gradient


class Frac(Function):
    """x - trunc(x): the gradient passes unchanged"""

    def forward(self, x):
        return x - np.trunc(x)

    def backward(self, gy, x):
        return gy


class Trunc(Function):
    """trunc'(x) = 0"""

    def forward(self, x):
        return np.trunc(x)

    def backward(self, gy, x):
        return zero_gradient(gy)


class NanToNum(Node):
    """nan, +inf, -inf replaced by numbers: the gradient passes where x was finite"""

    node = "NanToNumBackward0"

    def __init__(self, nan: float, posinf: float | None, neginf: float | None) -> None:
        self.nan, self.posinf, self.neginf = nan, posinf, neginf

    def forward(self, x):
        return np.nan_to_num(x, nan=self.nan, posinf=self.posinf, neginf=self.neginf)

    def backward(self, gy, x):
        return Where.apply(np.isfinite(data(x)), gy, 0.0)


@register()
def frac(input: Tensor) -> Tensor:
    """The fractional part, with the sign of input: x - trunc(x)."""
    x = tensor_arg(input, "frac")
    if x._data.dtype.kind != "f":
        raise NotImplementedError(f"\"frac_cpu\" not implemented for '{torch_dtype_name(x)}'")
    return Frac()._run(x)


@register(aliases=("fix",))
def trunc(input: Tensor) -> Tensor:
    """Round toward zero."""
    return Trunc()._run(tensor_arg(input, "trunc"))


@register()
def float_power(input: Tensor | float, exponent: Tensor | float) -> Tensor:
    """input ** exponent computed in float64, as torch."""
    a = cast(input, np.dtype(np.float64)) if isinstance(input, Tensor) else float(input)
    b = cast(exponent, np.dtype(np.float64)) if isinstance(exponent, Tensor) else float(exponent)
    return pow(a, b)


class _ClampOne(Clamp):
    def __init__(self, tensor_bound: bool, side: str) -> None:
        self.node = f"Clamp{side}Backward{1 if tensor_bound else 0}"


def _clamp_one(input: Tensor, bound: Tensor | float, side: str) -> Tensor:
    op = f"clamp_{side.lower()}"
    x = tensor_arg(input, op)
    tensor_bound = isinstance(bound, Tensor)
    if tensor_bound or x._data.dtype.kind != "f":
        target = _dtype.result_type(x, bound)
        x = cast(x, target)
        bound = cast(bound, target) if tensor_bound else bound
    lo, hi = (bound, None) if side == "Min" else (None, bound)
    try:
        return _ClampOne(tensor_bound, side)._run(x, lo, hi)
    except ValueError:
        raise broadcast_error(op, x._data.shape, np.shape(data(bound))) from None


@register()
def clamp_min(input: Tensor, min: Tensor | float) -> Tensor:
    """max(input, min) with clamp's gradient."""
    return _clamp_one(input, min, "Min")


@register()
def clamp_max(input: Tensor, max: Tensor | float) -> Tensor:
    """min(input, max) with clamp's gradient."""
    return _clamp_one(input, max, "Max")


@register()
def nan_to_num(
    input: Tensor,
    nan: float = 0.0,
    posinf: float | None = None,
    neginf: float | None = None,
) -> Tensor:
    """nan -> `nan`, +-inf -> `posinf`/`neginf` (default: the dtype's largest finite values)."""
    x = tensor_arg(input, "nan_to_num")
    if x._data.dtype.kind != "f":
        return _make(x._data.copy())
    return NanToNum(nan, posinf, neginf)._run(x)


def _close(input: Tensor, other: Tensor, rtol: float, atol: float, equal_nan: bool, op: str):
    a = tensor_arg(input, op)
    b = tensor_arg(other, op, "other")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"{a.dtype} did not match {b.dtype}: {op} needs both tensors in one dtype"
        )
    a, b = binary_operands(a, b, op)
    try:
        return np.isclose(a._data, b._data, rtol=rtol, atol=atol, equal_nan=equal_nan)
    except ValueError:
        raise broadcast_error(op, a._data.shape, b._data.shape) from None


@register()
def isclose(
    input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Tensor:
    """|input - other| <= atol + rtol |other| elementwise, as a bool tensor."""
    return _make(_close(input, other, rtol, atol, equal_nan, "isclose"))


@register()
def allclose(
    input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    """Whether isclose holds everywhere (a Python bool)."""
    return bool(np.all(_close(input, other, rtol, atol, equal_nan, "allclose")))


@register()
def equal(input: Tensor, other: Tensor) -> bool:
    """True if both tensors have the same shape and elements (a Python bool)."""
    a = tensor_arg(input, "equal")
    b = tensor_arg(other, "equal", "other")
    return a._data.shape == b._data.shape and bool(np.array_equal(a._data, b._data))
