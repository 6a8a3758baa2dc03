"""Copies and dtype conversions: the gradient passes through, converted back to the input's
dtype."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _device, _dtype
from .._function import Function
from .._tensor import Tensor, _make
from ._registry import register
from ._util import tensor_arg


class Clone(Function):
    """a copy: the gradient passes through."""

    saves = ()  # backward needs only shapes

    def forward(self, x):
        return np.array(x, copy=True)

    def backward(self, gy, x):
        return gy


class ToCopy(Function):
    """a dtype conversion: the gradient is converted back."""

    saves = ()  # backward needs only shapes

    def __init__(self, np_dtype: np.dtype) -> None:
        self.np_dtype = np_dtype

    def forward(self, x):
        return np.asarray(x, dtype=self.np_dtype)

    def backward(self, gy, x):
        return ToCopy.apply(gy, np_dtype=np.asarray(x).dtype)


@register()
def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy that stays in the graph (`memory_format` is accepted: all tensors are
    contiguous)."""
    return Clone()._run(tensor_arg(input, "clone"))


@register(top=False)
def to(input: Tensor, *args: Any, dtype: _dtype.dtype | None = None, **kwargs: Any) -> Tensor:
    """Convert to a dtype; a device must be the CPU ('cuda' raises: everything is on the CPU);
    memory_format, copy and non_blocking are accepted."""
    _device.check(kwargs.pop("device", None), "Tensor.to")
    flags = [a for a in args if isinstance(a, bool)]  # to(dtype, non_blocking, copy)
    copy = bool(kwargs.pop("copy", flags[1] if len(flags) > 1 else False))
    for a in args:
        if isinstance(a, _dtype.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, str) and a.split(":")[0] not in _DEVICE_TYPES:
            raise RuntimeError(
                f"Invalid device string: '{a}' (for a dtype pass e.g. mini_autograd.float64)"
            )
        elif isinstance(a, str | _device.device | int) and not isinstance(a, bool):
            _device.check(a, "Tensor.to")
        elif not isinstance(a, bool):
            raise TypeError(
                f"to() received an invalid combination of arguments - got ({type(a).__name__}); "
                "expected a dtype such as mini_autograd.float64, a device or a tensor"
            )
    if dtype is None or input._data.dtype == dtype.np:
        return input.clone() if copy else input  # copy=True: a new tensor even then, as torch
    if input._requires_grad and not dtype.is_floating_point:
        return _make(np.asarray(input._data, dtype=dtype.np))
    return ToCopy(dtype.np)._run(input)


@register("double", top=False)
def to_double(input: Tensor, memory_format: Any = None) -> Tensor:
    """As float64."""
    return to(input, _dtype.float64)


@register("float", top=False)
def to_float(input: Tensor, memory_format: Any = None) -> Tensor:
    """As float32."""
    return to(input, _dtype.float32)


@register("long", top=False)
def to_long(input: Tensor, memory_format: Any = None) -> Tensor:
    """As int64."""
    return to(input, _dtype.int64)


@register("int", top=False)
def to_int(input: Tensor, memory_format: Any = None) -> Tensor:
    """As int32."""
    return to(input, _dtype.int32)


@register("bool", top=False)
def to_bool(input: Tensor, memory_format: Any = None) -> Tensor:
    """As bool."""
    return to(input, _dtype.bool_)


@register("half", top=False)
def to_half(input: Tensor, memory_format: Any = None) -> Tensor:
    """As float16."""
    return to(input, _dtype.float16)


@register("short", top=False)
def to_short(input: Tensor, memory_format: Any = None) -> Tensor:
    """As int16."""
    return to(input, _dtype.int16)


@register("char", top=False)
def to_char(input: Tensor, memory_format: Any = None) -> Tensor:
    """As int8."""
    return to(input, _dtype.int8)


@register("byte", top=False)
def to_byte(input: Tensor, memory_format: Any = None) -> Tensor:
    """As uint8."""
    return to(input, _dtype.uint8)


def _refused(name: str, what: str, why: str) -> Any:
    def method(input: Tensor, memory_format: Any = None) -> Tensor:
        raise TypeError(
            f"Tensor.{name}: {what} is not a dtype in mini_autograd ({why}); use .float(), "
            ".double() or .half()"
        )

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"Refused: {what} is not a dtype here."
    return method


# refused clearly, outside the op table (nothing to compare with torch)
Tensor.bfloat16 = _refused("bfloat16", "bfloat16", "numpy has none")  # type: ignore[attr-defined]
Tensor.cfloat = _refused("cfloat", "complex64", "its ops are real")  # type: ignore[attr-defined]
Tensor.cdouble = _refused("cdouble", "complex128", "its ops are real")  # type: ignore[attr-defined]


#: 'torch.FloatTensor' -> float32, ...
_BY_TYPE_NAME = {"torch." + name: d for d, name in _dtype.TENSOR_TYPES.items()}


@register("type", top=False)
def to_type(
    input: Tensor, dtype: Any = None, non_blocking: bool = False, **kwargs: Any
) -> Tensor | str:
    """x.type(): torch's type name ('torch.FloatTensor'); x.type(dtype or name): converted."""
    if dtype is None:
        return "torch." + _dtype.TENSOR_TYPES[input.dtype]
    if isinstance(dtype, str):
        if dtype.startswith("torch.cuda."):
            _device.check("cuda", "Tensor.type")
        d = _BY_TYPE_NAME.get(dtype)
        if d is None:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = d
    if not isinstance(dtype, _dtype.dtype):
        raise TypeError(
            f"type(): expected a dtype or a type name such as 'torch.FloatTensor', got "
            f"{type(dtype).__name__}"
        )
    return to(input, dtype)


@register(top=False)
def type_as(input: Tensor, other: Tensor) -> Tensor:
    """As other's dtype."""
    return to(input, other.dtype)


#: device types torch's device strings start with (`.to('float64')` is not one of them)
_DEVICE_TYPES = ("cpu", "cuda", "mps", "meta", "xpu", "hip", "xla", "lazy", "ipu", "hpu", "mtia")
