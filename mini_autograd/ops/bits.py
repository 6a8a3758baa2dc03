"""Bit shifts of integer tensors (`<<`, `>>`) and the NaN-ignoring fmax/fmin, as torch's."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._function import Function
from .._tensor import Tensor, _make
from ._registry import register
from ._util import binary_operands, broadcast_error, data, tensor_arg, torch_dtype_name


def _shift(input: Any, other: Any, name: str, kernel: str, left: bool) -> Tensor:
    a, b = binary_operands(input, other, name)
    for t in (a, b):
        if isinstance(t, Tensor) and t._data.dtype.kind == "f" or isinstance(t, float):
            kind = torch_dtype_name(t) if isinstance(t, Tensor) else "Float"
            raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for '{kind}'")
    x, s = np.asarray(data(a)), np.asarray(data(b))
    if x.dtype == np.bool_:  # bool << bool: torch computes in bytes then keeps bool truth
        x = x.astype(np.uint8)
    try:
        x, s = np.broadcast_arrays(x, s)
    except ValueError:
        raise broadcast_error(name, np.shape(data(a)), np.shape(data(b))) from None
    bits = 8 * x.dtype.itemsize
    out_of_range = (s < 0) | (s >= bits)  # torch: shifted out entirely (C would be undefined)
    safe = np.where(out_of_range, 0, s).astype(x.dtype)
    if left:
        out = np.where(out_of_range, 0, np.left_shift(x, safe))
    else:
        fill = np.where(x < 0, -1, 0) if x.dtype.kind == "i" else 0
        out = np.where(out_of_range, fill, np.right_shift(x, safe))
    out = out.astype(x.dtype)
    return _make(out.astype(np.bool_) if np.asarray(data(a)).dtype == np.bool_ else out)


@register(dunders=("__lshift__",))
def bitwise_left_shift(input: Tensor | int, other: Tensor | int) -> Tensor:
    """input << other for integer tensors (bits shifted past the width are gone, as torch)."""
    return _shift(input, other, "bitwise_left_shift", "lshift", True)


@register(dunders=("__rshift__",))
def bitwise_right_shift(input: Tensor | int, other: Tensor | int) -> Tensor:
    """input >> other for integer tensors: arithmetic (sign-filling) for signed dtypes."""
    return _shift(input, other, "bitwise_right_shift", "rshift", False)


Tensor.__rlshift__ = lambda self, other: bitwise_left_shift(other, self)  # type: ignore[attr-defined]
Tensor.__rrshift__ = lambda self, other: bitwise_right_shift(other, self)  # type: ignore[attr-defined]


class Fmax(Function):
    """fmax: the larger, NaN ignored; gy goes to a where a >= b or b is NaN, else to b (torch)."""

    def forward(self, a, b):
        return np.fmax(a, b)

    def backward(self, gy, a, b):
        to_a = (data(a) >= data(b)) | np.isnan(data(b))
        return _split(self, gy, to_a)


class Fmin(Function):
    """fmin: the smaller, NaN ignored; gy goes to a where a <= b or b is NaN, else to b (torch)."""

    def forward(self, a, b):
        return np.fmin(a, b)

    def backward(self, gy, a, b):
        to_a = (data(a) <= data(b)) | np.isnan(data(b))
        return _split(self, gy, to_a)


def _split(fn: Function, gy: Any, to_a: np.ndarray) -> tuple[Any, Any]:
    dtype = np.asarray(data(gy)).dtype
    ga, gb = fn.needs_input_grad
    return (
        gy * to_a.astype(dtype) if ga else None,
        gy * (~to_a).astype(dtype) if gb else None,
    )


def _nan_select(cls: type[Function], input: Tensor, other: Tensor, op: str) -> Tensor:
    tensor_arg(input, op)
    tensor_arg(other, op, "other")
    a, b = binary_operands(input, other, op)
    try:
        return cls()._run(a, b)
    except ValueError:
        raise broadcast_error(op, a._data.shape, b._data.shape) from None


@register()
def fmax(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise max ignoring NaN (NaN only where both are)."""
    return _nan_select(Fmax, input, other, "fmax")


@register()
def fmin(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise min ignoring NaN (NaN only where both are)."""
    return _nan_select(Fmin, input, other, "fmin")
