"""More creation functions: logspace, normal, scalar_tensor, tril_indices and triu_indices."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _creation, _dtype
from ._dtype import dtype as DType
from ._tensor import Tensor, _make
from .ops._util import shape_arg


def logspace(
    start: float,
    end: float,
    steps: int,
    base: float = 10.0,
    *,
    dtype: DType | None = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """`steps` values base ** linspace(start, end, steps)."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    exponents = np.linspace(float(start), float(end), int(steps))
    arr = np.power(float(base), exponents).astype(_creation._float_np(dtype))
    return _creation._finish(arr, requires_grad, "logspace")


def normal(
    mean: Any,
    std: Any = 1.0,
    size: Any = None,
    *,
    generator: Any = None,
    dtype: DType | None = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Normal samples: normal(mean, std, size) of floats, or elementwise from mean/std tensors."""
    tensors = [v for v in (mean, std) if isinstance(v, Tensor)]
    if not tensors and size is None:
        raise TypeError(
            "normal() received an invalid combination of arguments - got "
            f"({type(mean).__name__}, {type(std).__name__}), but expected one of: (float mean, "
            "float std, tuple of ints size) or a Tensor mean or std"
        )
    m = mean._data if isinstance(mean, Tensor) else np.asarray(float(mean))
    s = std._data if isinstance(std, Tensor) else np.asarray(float(std))
    if np.any(s < 0):
        raise RuntimeError(f"normal expects std >= 0.0, but found std {s.min():g}")
    if tensors:
        np_dtype = np.result_type(*[t._data for t in tensors])
        shape = np.broadcast_shapes(m.shape, s.shape)
    else:
        np_dtype = _creation._float_np(dtype)
        shape = _creation.check_size(shape_arg((size,)), "normal")
    z = _creation._gen(generator).standard_normal(shape)
    return _creation._finish((m + s * z).astype(np_dtype), requires_grad, "normal")


def scalar_tensor(
    s: Any, *, dtype: DType | None = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """A 0-d tensor of the default float dtype (or `dtype`) holding s."""
    arr = np.array(s, dtype=_creation._float_np(dtype))
    return _creation._finish(arr, requires_grad, "scalar_tensor")


def _tri_indices(row: int, col: int, offset: int, upper: bool, dtype: DType | None) -> Tensor:
    for name, v in (("row", row), ("col", col)):
        if v < 0:
            raise RuntimeError(f"{name} must be non-negative, got{v}")
    rows, cols = (np.triu_indices if upper else np.tril_indices)(row, offset, col)
    np_dtype = np.int64 if dtype is None else _dtype.as_numpy_dtype(dtype)
    return _make(np.stack([rows, cols]).astype(np_dtype).reshape(2, -1))


def tril_indices(
    row: int, col: int, offset: int = 0, *, dtype: DType | None = None, device: Any = None
) -> Tensor:
    """The [2, N] row/column indices of the lower triangle of a row x col matrix."""
    return _tri_indices(row, col, offset, False, dtype)


def triu_indices(
    row: int, col: int, offset: int = 0, *, dtype: DType | None = None, device: Any = None
) -> Tensor:
    """The [2, N] row/column indices of the upper triangle of a row x col matrix."""
    return _tri_indices(row, col, offset, True, dtype)


for _name in ("logspace", "normal", "scalar_tensor", "tril_indices", "triu_indices"):
    globals()[_name] = _creation._on_cpu(globals()[_name])
