"""Comparisons, predicates and logic: bool (or integer) results, never part of the graph."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._tensor import Tensor, _make
from ._registry import register
from ._util import binary_operands, broadcast_error, data, dims, tensor_arg, torch_dtype_name


def _elementwise(ufunc: np.ufunc, name: str, doc: str, **reg: Any) -> None:
    """Register a broadcasting binary op with a bool or integer result (no gradient)."""

    def op(input: Any, other: Any) -> Tensor:
        a, b = binary_operands(input, other, name)
        try:
            return _make(ufunc(data(a), data(b)))
        except ValueError:
            raise broadcast_error(name, np.shape(data(a)), np.shape(data(b))) from None

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    register(name, **reg)(op)


for _uf, _name, _dunder, _aliases in (
    (np.equal, "eq", "__eq__", ()),
    (np.not_equal, "ne", "__ne__", ("not_equal",)),
    (np.less, "lt", "__lt__", ("less",)),
    (np.less_equal, "le", "__le__", ("less_equal",)),
    (np.greater, "gt", "__gt__", ("greater",)),
    (np.greater_equal, "ge", "__ge__", ("greater_equal",)),
):
    _elementwise(
        _uf, _name, f"Elementwise {_name} as a bool tensor.", dunders=(_dunder,), aliases=_aliases
    )

_eq, _ne = Tensor.__eq__, Tensor.__ne__


def _eq_or_none(self: Tensor, other: object) -> Tensor | bool:
    return False if other is None else _eq(self, other)  # t == None is False, as torch


def _ne_or_none(self: Tensor, other: object) -> Tensor | bool:
    return True if other is None else _ne(self, other)


Tensor.__eq__, Tensor.__ne__ = _eq_or_none, _ne_or_none  # type: ignore[method-assign,assignment]

for _uf, _name in (
    (np.logical_and, "logical_and"),
    (np.logical_or, "logical_or"),
    (np.logical_xor, "logical_xor"),
):
    _elementwise(_uf, _name, f"Elementwise {_name[8:]} of truth values, as a bool tensor.")


def _bitwise(ufunc: np.ufunc, name: str, dunder: str) -> None:
    def op(input: Any, other: Any) -> Tensor:
        a, b = binary_operands(input, other, name)
        for t in (a, b):
            if isinstance(t, Tensor) and t._data.dtype.kind == "f" or isinstance(t, float):
                kind = torch_dtype_name(t) if isinstance(t, Tensor) else "Float"
                raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{kind}'")
        try:
            return _make(ufunc(data(a), data(b)))
        except ValueError:
            raise broadcast_error(name, np.shape(data(a)), np.shape(data(b))) from None

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise {name[8:]} of bool or integer tensors (`{dunder}`)."
    register(name, dunders=(dunder,))(op)


for _uf, _name, _dunder in (
    (np.bitwise_and, "bitwise_and", "__and__"),
    (np.bitwise_or, "bitwise_or", "__or__"),
    (np.bitwise_xor, "bitwise_xor", "__xor__"),
):
    _bitwise(_uf, _name, _dunder)


@register(dunders=("__invert__",))
def bitwise_not(input: Tensor) -> Tensor:
    """~input: logical not of a bool tensor, bitwise not of an integer one."""
    x = tensor_arg(input, "bitwise_not")
    if x._data.dtype.kind == "f":
        raise TypeError(
            "~ (operator.invert) is only implemented on integer and Boolean-type tensors "
            f"(got {torch_dtype_name(x)})"
        )
    return _make(np.invert(x._data))


@register()
def logical_not(input: Tensor) -> Tensor:
    """Elementwise not of truth values (nonzero is true), as a bool tensor."""
    return _make(np.logical_not(tensor_arg(input, "logical_not")._data))


@register()
def isnan(input: Tensor) -> Tensor:
    """Where the elements are NaN."""
    return _make(np.isnan(tensor_arg(input, "isnan")._data))


@register()
def isinf(input: Tensor) -> Tensor:
    """Where the elements are +inf or -inf."""
    return _make(np.isinf(tensor_arg(input, "isinf")._data))


@register()
def isfinite(input: Tensor) -> Tensor:
    """Where the elements are neither inf nor NaN."""
    return _make(np.isfinite(tensor_arg(input, "isfinite")._data))


def _truth(
    input: Tensor, dim: int | Sequence[int] | None, keepdim: bool, reduce: np.ufunc, op: str
) -> Tensor:
    x = tensor_arg(input, op)
    axes = dims(dim, x._data.ndim, op)
    out = reduce(x._data != 0, None if axes is None or not x._data.ndim else axes, keepdims=keepdim)
    return _make(np.asarray(out, dtype=np.uint8) if x._data.dtype == np.uint8 else out)


@register()
def any(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
    """Whether any element (over `dim`) is nonzero."""
    return _truth(input, dim, keepdim, np.logical_or.reduce, "any")


@register()
def all(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
    """Whether every element (over `dim`) is nonzero."""
    return _truth(input, dim, keepdim, np.logical_and.reduce, "all")
