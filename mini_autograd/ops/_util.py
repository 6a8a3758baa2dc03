"""Argument handling shared by the op wrappers: type checks, torch's dtype promotion, dims."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import _dtype
from .._function import Function, named_class
from .._quiet import quiet  # noqa: F401 - the ops import it from here
from .._tensor import Tensor, _make, _wrap_dim

Scalar = int | float | bool
_SCALARS = (int, float, bool)


class Node(Function):
    """A Function whose torch node name is chosen per call: `self.node`, which is the node's type
    name (setting it moves the node to the op's subclass of that name), as torch's node types."""

    __slots__ = ()

    @property
    def node(self) -> str:
        return type(self).__name__

    @node.setter
    def node(self, value: str) -> None:
        if value != type(self).__name__:
            self.__class__ = named_class(type(self), value)


def c_order(a: Any) -> Any:
    """a in C order (torch's contiguous result), unchanged when it is already (0-d included)."""
    if not isinstance(a, np.ndarray) or a.flags.c_contiguous:
        return a
    return np.ascontiguousarray(a)


def data(x: Any) -> Any:
    """The array behind a Tensor (anything else as is): for masks and shapes inside a backward."""
    return x._data if isinstance(x, Tensor) else x


def broadcast_error(op: str, *shapes: tuple[int, ...]) -> RuntimeError:
    """torch's message for shapes that do not broadcast, naming the op and the shapes."""
    ndim = max(len(s) for s in shapes)
    padded = [(1,) * (ndim - len(s)) + tuple(s) for s in shapes]
    for d in range(ndim - 1, -1, -1):
        sizes = [s[d] for s in padded]
        big = [n for n in sizes if n != 1]
        if len(set(big)) > 1:
            i = next(k for k, n in enumerate(sizes) if n != 1)
            j = next(k for k, n in enumerate(sizes) if n != 1 and n != sizes[i])
            names = "abcdefgh"
            return RuntimeError(
                f"The size of tensor {names[i]} ({sizes[i]}) must match the size of tensor "
                f"{names[j]} ({sizes[j]}) at non-singleton dimension {d}; {op}() got shapes "
                + " and ".join(str(list(s)) for s in shapes)
            )
    return RuntimeError(
        f"{op}(): shapes {' and '.join(str(list(s)) for s in shapes)} do not broadcast"
    )


#: torch's short dtype names for messages, by numpy dtype name
TORCH_DTYPE_NAMES = {
    "float16": "Half",
    "float32": "Float",
    "float64": "Double",
    "uint8": "Byte",
    "int8": "Char",
    "int16": "Short",
    "int32": "Int",
    "int64": "Long",
    "bool": "Bool",
}


def torch_dtype_name(t: Tensor) -> str:
    """torch's short dtype name for messages: Float, Double, Long, Int, Bool."""
    return TORCH_DTYPE_NAMES[t.dtype.name]


def tensor_arg(x: Any, op: str, arg: str = "input") -> Tensor:
    """Refuse anything but a Tensor with torch's TypeError."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{arg}' must be Tensor, not {type(x).__name__}")
    return x


def float_arg(x: Any, op: str) -> Tensor:
    """A Tensor for a floating op: int and bool tensors become the default float dtype, as torch."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(x).__name__}")
    if x._data.dtype.kind != "f":
        return _make(np.asarray(x._data, dtype=_dtype.get_default_dtype().np))
    return x


def cast(x: Tensor, np_dtype: np.dtype) -> Tensor:
    """x in np_dtype; a differentiable cast when x is part of the graph."""
    if x._data.dtype == np_dtype:
        return x
    if x._requires_grad:
        return x.to(_dtype.from_numpy_dtype(np_dtype))
    return _make(np.asarray(x._data, dtype=np_dtype))


def binary_operands(a: Any, b: Any, op: str, floating: bool = False) -> tuple[Any, Any]:
    """Bring two operands (Tensors or Python scalars) to torch's result dtype.

    Python scalars stay bare (numpy treats them as weakly typed, as torch does); numpy arrays are
    taken as constant tensors. With `floating`, an integer result becomes the default float dtype
    (true division).
    """
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    if ta and tb:
        if a._data.dtype == b._data.dtype and (not floating or a._data.dtype.kind == "f"):
            return a, b
    elif ta and isinstance(b, _SCALARS) and type(b) is not np.float64:
        kind = a._data.dtype.kind
        if kind == "f" or (
            not floating and not isinstance(b, float) and (kind == "i" or isinstance(b, bool))
        ):
            return a, _wrapped(b, a._data.dtype)
    elif tb and isinstance(a, _SCALARS) and type(a) is not np.float64:
        kind = b._data.dtype.kind
        if kind == "f" or (
            not floating and not isinstance(a, float) and (kind == "i" or isinstance(a, bool))
        ):
            return _wrapped(a, b._data.dtype), b
    a, b = _as_operand(a, op), _as_operand(b, op)
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        raise TypeError(f"{op}(): expected at least one Tensor operand")
    target = _dtype.result_type(a, b)
    if floating and target.kind != "f":
        target = _dtype.get_default_dtype().np
    a = cast(a, target) if isinstance(a, Tensor) else np.asarray(_wrapped(a, target), target)[()]
    b = cast(b, target) if isinstance(b, Tensor) else np.asarray(_wrapped(b, target), target)[()]
    return a, b


def _wrapped(value: Any, np_dtype: np.dtype) -> Any:
    """A Python int as torch reads it against an integer tensor: wrapped into the dtype's range
    (int8 + 1000 adds -24, uint8 > -1 compares with 255); beyond 64 bits, torch's OverflowError."""
    if type(value) is not int or np_dtype.kind not in "iu":
        return value
    info = np.iinfo(np_dtype)
    if info.min <= value <= info.max:
        return value
    if not -(2**63) <= value < 2**64:
        raise OverflowError("int too big to convert")
    bits = 8 * np_dtype.itemsize
    value %= 2**bits
    return value - 2**bits if np_dtype.kind == "i" and value >= 2 ** (bits - 1) else value


def _as_operand(x: Any, op: str) -> Any:
    if isinstance(x, np.generic):  # a numpy scalar promotes as the Python number it holds
        return x.item()
    if isinstance(x, Tensor | bool | int | float):
        return x
    if isinstance(x, np.ndarray):
        return _make(np.asarray(x))
    raise TypeError(
        f"{op}(): unsupported operand type {type(x).__name__}; expected a Tensor or a Python number"
    )


def dims(dim: int | Sequence[int] | None, ndim: int, op: str) -> tuple[int, ...] | None:
    """Normalise `dim` (int, tuple or None) to a tuple of non-negative axes (None: all)."""
    if dim is None:
        return None
    if isinstance(dim, int | np.integer):
        return (_wrap_dim(int(dim), ndim, op),)
    axes = tuple(_wrap_dim(int(d), ndim, op) for d in dim)
    if len(set(axes)) != len(axes):
        twice = next(a for i, a in enumerate(axes) if a in axes[:i])
        raise RuntimeError(f"{op}: dim {twice} appears multiple times in the list of dims")
    return axes


def promote(tensors: Sequence[Tensor]) -> list[Tensor]:
    """Tensors cast to their common torch result dtype (no copy when they already agree)."""
    first = tensors[0]._data.dtype
    if all(t._data.dtype == first for t in tensors):
        return list(tensors)
    target = _dtype.result_type(*tensors)
    return [cast(t, target) for t in tensors]


def shape_arg(shape: tuple[Any, ...]) -> tuple[int, ...]:
    """Accept f(2, 3), f((2, 3)), f([2, 3]) and f(x.shape) as torch does."""
    one = len(shape) == 1
    if one and type(shape[0]) is not int and isinstance(shape[0], Sequence | np.ndarray):
        shape = tuple(shape[0])
    return tuple(map(int, shape))
