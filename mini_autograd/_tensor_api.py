"""Tensor methods beyond the ops: `new_tensor` and the other `new_*` factories, `ndimension`,
`data_ptr`, `in`, and torch's legacy typed constructors (`torch.FloatTensor([1, 2])`,
`isinstance(t, torch.LongTensor)`)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from . import _creation, _dtype
from ._dtype import dtype as DType
from ._tensor import Size, Tensor
from ._warn_once import user_stacklevel


def new_tensor(
    self: Tensor,
    data: Any,
    dtype: DType | None = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """A new leaf tensor holding a copy of data, in self's dtype unless dtype is given."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach()"
            ".clone() or sourceTensor.detach().clone().requires_grad_(True), rather than "
            "tensor.new_tensor(sourceTensor).",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
    return _creation.tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)


def _new_filled(name: str, fill: Any):
    def method(
        self: Tensor,
        *size: Any,
        dtype: DType | None = None,
        device: Any = None,
        requires_grad: bool = False,
    ) -> Tensor:
        maker = getattr(_creation, name)
        return maker(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    method.__name__ = method.__qualname__ = "new_" + name
    method.__doc__ = f"A new tensor of {fill} in self's dtype (unless dtype is given)."
    return method


def new_full(
    self: Tensor,
    size: Any,
    fill_value: Any,
    *,
    dtype: DType | None = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """A new tensor of fill_value in self's dtype (not the value's, as torch.full would)."""
    return _creation.full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)


def ndimension(self: Tensor) -> int:
    """The number of dimensions (an alias of dim())."""
    return self._data.ndim


def data_ptr(self: Tensor) -> int:
    """The address of the first element (tensors sharing memory share it)."""
    return int(self._data.__array_interface__["data"][0])


def __contains__(self: Tensor, element: Any) -> bool:  # noqa: N807 - the protocol's name
    """`x in t`: whether any element of t equals x (broadcast), as torch's."""
    if not isinstance(element, Tensor | bool | int | float | np.generic):
        raise RuntimeError(
            "Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
            f"{type(element)}."
        )
    return bool((self == element).any().item())


for _fn in (new_tensor, new_full, ndimension, data_ptr, __contains__):
    setattr(Tensor, _fn.__name__, _fn)
for _name, _fill in (("zeros", "zeros"), ("ones", "ones"), ("empty", "uninitialised values")):
    setattr(Tensor, "new_" + _name, _new_filled(_name, _fill))


class _TensorType(type):
    """The metaclass of the legacy typed constructors: isinstance checks the dtype."""

    _dtype: DType

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, Tensor) and obj.dtype == cls._dtype


def _legacy(name: str, dt: DType) -> type:
    def __new__(cls: type, *args: Any) -> Tensor:  # noqa: N807
        if not args or all(isinstance(a, int) for a in args):  # FloatTensor(2, 3): sizes
            return _creation.zeros(*(args or (0,)), dtype=dt)
        if len(args) == 1 and isinstance(args[0], Size):  # FloatTensor(x.shape)
            return _creation.zeros(args[0], dtype=dt)
        (data,) = args
        if isinstance(data, Tensor):
            return _creation.as_tensor(data, dtype=dt)
        return _creation.tensor(data, dtype=dt)

    return _TensorType(name, (), {"_dtype": dt, "__new__": __new__, "__module__": "torch"})


LEGACY = {
    "FloatTensor": _dtype.float32, "DoubleTensor": _dtype.float64, "HalfTensor": _dtype.float16,
    "LongTensor": _dtype.int64, "IntTensor": _dtype.int32, "ShortTensor": _dtype.int16,
    "CharTensor": _dtype.int8, "ByteTensor": _dtype.uint8, "BoolTensor": _dtype.bool_,
}  # fmt: skip
LEGACY_TYPES = {name: _legacy(name, dt) for name, dt in LEGACY.items()}
