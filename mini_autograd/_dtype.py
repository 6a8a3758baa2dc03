"""dtypes with torch's names, and torch's type-promotion rules on top of numpy."""

from __future__ import annotations

import numpy as np


class dtype:  # noqa: N801 - torch's name
    """A tensor element type: `mini_autograd.float32` etc. Wraps a numpy dtype."""

    __slots__ = ("name", "np", "is_floating_point", "itemsize", "is_signed", "_category")

    #: no complex dtypes here (numpy has them, the engine's ops do not)
    is_complex = False

    def __init__(self, name: str, np_dtype: np.dtype, category: int) -> None:
        self.name = name
        self.np = np_dtype
        self.is_floating_point = category == _FLOAT
        self.itemsize = np_dtype.itemsize
        self.is_signed = np_dtype.kind in "if"
        self._category = category

    def to_real(self) -> dtype:
        """The real dtype of the same size: self, as every dtype here is real."""
        return self

    def __repr__(self) -> str:
        return f"mini_autograd.{self.name}"

    def __reduce__(self) -> str:
        return self.name


_BOOL, _INT, _FLOAT = 0, 1, 2

bool_ = dtype("bool", np.dtype(np.bool_), _BOOL)
uint8 = dtype("uint8", np.dtype(np.uint8), _INT)
int8 = dtype("int8", np.dtype(np.int8), _INT)
int16 = dtype("int16", np.dtype(np.int16), _INT)
int32 = dtype("int32", np.dtype(np.int32), _INT)
int64 = dtype("int64", np.dtype(np.int64), _INT)
float16 = dtype("float16", np.dtype(np.float16), _FLOAT)
float32 = dtype("float32", np.dtype(np.float32), _FLOAT)
float64 = dtype("float64", np.dtype(np.float64), _FLOAT)

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64)

#: torch's legacy tensor type names (`x.type()` is 'torch.FloatTensor')
TENSOR_TYPES: dict[dtype, str] = {
    bool_: "BoolTensor", uint8: "ByteTensor", int8: "CharTensor", int16: "ShortTensor",
    int32: "IntTensor", int64: "LongTensor", float16: "HalfTensor", float32: "FloatTensor",
    float64: "DoubleTensor",
}  # fmt: skip
_BY_NUMPY: dict[np.dtype, dtype] = {d.np: d for d in ALL}
_SUPPORTED = "float64, float32, float16, int64, int32, int16, int8, uint8 and bool"

_default_float: dtype = float32


def get_default_dtype() -> dtype:
    """The dtype Python floats become (float32 unless changed)."""
    return _default_float


def set_default_dtype(d: dtype) -> None:
    """Set the dtype Python floats become; only float32 and float64 are allowed, as in torch."""
    global _default_float
    if d not in (float32, float64):
        raise TypeError(f"set_default_dtype: only floating-point types are supported, got {d}")
    _default_float = d


def from_numpy_dtype(np_dtype: np.dtype) -> dtype:
    """Our dtype for a numpy one: exactly its twin, else torch's errors (never a silent other)."""
    d = _BY_NUMPY.get(np_dtype)
    if d is None:
        if not np_dtype.isnative:
            raise ValueError(
                "given numpy array has byte order different from the native byte order. "
                "Conversion between byte orders is currently not supported; use "
                "array.astype(array.dtype.newbyteorder('='))"
            )
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np_dtype}. The only supported types "
            f"are: {_SUPPORTED}"
        )
    return d


def as_numpy_dtype(d: dtype | np.dtype | type | None) -> np.dtype | None:
    """Accept our dtype (or a numpy dtype / Python type) and return the numpy dtype."""
    if d is None or isinstance(d, np.dtype):
        return d
    if isinstance(d, dtype):
        return d.np
    if d is float:  # torch reads Python's float as float64, not the default dtype
        return float64.np
    if d is int:
        return int64.np
    if d is bool:
        return bool_.np
    raise TypeError(f"dtype must be a mini_autograd dtype such as mini_autograd.float32, got {d!r}")


def _scalar_dtype(value: object) -> np.dtype:
    """The dtype torch gives a bare Python number: bool, int64 or the default float."""
    if isinstance(value, bool):
        return bool_.np
    if isinstance(value, int):
        return int64.np
    return _default_float.np


def _category(np_dtype: np.dtype) -> int:
    kind = np_dtype.kind
    return _FLOAT if kind == "f" else _BOOL if kind == "b" else _INT


def promote_types(a: np.dtype, b: np.dtype) -> np.dtype:
    """torch.promote_types: the higher category wins outright (int64 with float32 is float32)."""
    ca, cb = _category(a), _category(b)
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def _combine(higher: np.dtype | None, lower: np.dtype | None) -> np.dtype | None:
    """torch's combine_categories: a lower-priority operand only wins by a higher category."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if _category(higher) == _FLOAT:
        return higher
    if _category(higher) == _BOOL or _category(lower) == _FLOAT:
        return promote_types(higher, lower)
    return higher


def result_type(*operands: object) -> np.dtype:
    """torch.result_type over Tensors and Python scalars.

    Dimensioned tensors rank above 0-d tensors, which rank above Python scalars; a lower rank only
    changes the result when it brings a higher category (bool < int < float).
    """
    from ._tensor import Tensor

    dim = zero = wrapped = None
    for op in operands:
        if isinstance(op, Tensor):
            d = op._data.dtype
            if op._data.ndim:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        else:
            d = _scalar_dtype(op)
            wrapped = d if wrapped is None else promote_types(wrapped, d)
    return _combine(dim, _combine(zero, wrapped))
