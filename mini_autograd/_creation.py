"""Creating tensors: from data, filled, ranges and random, with torch's dtype defaults."""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np

from . import _dtype
from ._device import check_device
from ._dtype import dtype as DType
from ._tensor import Tensor, _make, _to_array
from ._warn_once import user_stacklevel
from .ops._util import TORCH_DTYPE_NAMES, shape_arg

_rng = np.random.default_rng()
# the C type names torch's range errors use
_C_NAMES = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short"}
_C_NAMES |= {"int32": "int", "int64": "long"}


def _finish(arr: np.ndarray, requires_grad: bool, op: str) -> Tensor:
    t = _make(arr)
    if requires_grad:
        if arr.dtype.kind != "f":
            raise RuntimeError(
                f"{op}(): Only Tensors of floating point and complex dtype can require "
                f"gradients (got {t.dtype}); pass dtype=mini_autograd.float32"
            )
        t._requires_grad = True
    return t


def _float_np(dtype: DType | None) -> np.dtype:
    return (dtype or _dtype.get_default_dtype()).np


def check_size(shape: tuple[int, ...], op: str) -> tuple[int, ...]:
    """shape, or torch's error for a negative dimension in it."""
    negative = [s for s in shape if s < 0]
    if negative and op == "zeros":
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    if negative:
        raise RuntimeError(
            f"{op}(): Trying to create tensor with negative dimension {negative[0]}: {list(shape)}"
        )
    return shape


def check_fits(arr: np.ndarray, np_dtype: np.dtype, type_name: str) -> None:
    """torch's range check of Python values put into an integer dtype: a signed dtype takes
    [min, max], an unsigned one [-max, max] (so uint8 takes -1, as 255); beyond, torch's error."""
    if np_dtype.kind not in "iu" or arr.dtype.kind not in "iuf" or not arr.size:
        return
    info = np.iinfo(np_dtype)
    lo = info.min if np_dtype.kind == "i" else -int(info.max)
    if arr.min() < lo or arr.max() > info.max:
        raise RuntimeError(f"value cannot be converted to type {type_name} without overflow")


def _random_float(dtype: DType | None, kernel: str) -> np.dtype:
    """The floating dtype rand/randn fill, or torch's error for an integer or bool one."""
    np_dtype = _float_np(dtype)
    if np_dtype.kind != "f":
        raise NotImplementedError(
            f"\"{kernel}\" not implemented for '{TORCH_DTYPE_NAMES[np_dtype.name]}'"
        )
    return np_dtype


def tensor(
    data: Any, dtype: DType | None = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """A new leaf tensor holding a copy of `data` (numbers, nested lists, an array or a tensor).

    Python floats become the default dtype (float32), ints int64, bools bool; numpy arrays keep
    their dtype unless `dtype` is given.
    """
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach()"
            ".clone() or sourceTensor.detach().clone().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
    if type(data) is float:  # a learner's most common call: one number, straight to its dtype
        np_dtype = _dtype.get_default_dtype().np if dtype is None else _dtype.as_numpy_dtype(dtype)
        if np_dtype.kind == "f":
            t = _make(np.array(data, dtype=np_dtype))
            t._requires_grad = bool(requires_grad)
            return t
    # with an explicit dtype, convert Python floats straight to it (no detour through float32)
    arr = _to_array(data, None if dtype is not None else _dtype.get_default_dtype().np, "tensor")
    if dtype is not None:
        np_dtype = _dtype.as_numpy_dtype(dtype)
        if not isinstance(data, np.ndarray | np.generic | Tensor):  # Python numbers: checked
            check_fits(arr, np_dtype, np_dtype.name)
        arr = arr.astype(np_dtype, copy=False)
    return _finish(arr, requires_grad, "tensor")


def as_tensor(data: Any, dtype: DType | None = None, device: Any = None) -> Tensor:
    """Like tensor(), but returns `data` itself when it already is a tensor of that dtype."""
    if isinstance(data, Tensor):
        return data if dtype is None or data.dtype == dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (
        dtype is None or data.dtype == _dtype.as_numpy_dtype(dtype)
    ):
        return from_numpy(data)  # shares the array's memory, as torch
    return tensor(data, dtype=dtype)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with a numpy array (its dtype kept)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    return _make(ndarray)


def _filled(
    fill: Any, size: tuple, dtype: DType | None, requires_grad: bool, op: str, default: np.dtype
) -> Tensor:
    shape = check_size(shape_arg(size), op)
    np_dtype = _dtype.as_numpy_dtype(dtype) if dtype is not None else default
    if isinstance(fill, int | float) and not isinstance(fill, bool) and np_dtype.kind in "iu":
        check_fits(np.array([fill]), np_dtype, np_dtype.name + "_t")
        if fill < 0 and np_dtype.kind == "u":  # -1 into uint8 is 255, as torch
            fill = int(fill) % 2 ** (8 * np_dtype.itemsize)
    return _finish(np.full(shape, fill, dtype=np_dtype), requires_grad, op)


def zeros(
    *size: Any, dtype: DType | None = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """A tensor of zeros."""
    return _filled(0, size, dtype, requires_grad, "zeros", _float_np(None))


def ones(
    *size: Any, dtype: DType | None = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """A tensor of ones."""
    return _filled(1, size, dtype, requires_grad, "ones", _float_np(None))


def empty(
    *size: Any, dtype: DType | None = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """An uninitialised tensor (zeros here)."""
    return _filled(0, size, dtype, requires_grad, "empty", _float_np(None))


def full(
    size: Any,
    fill_value: Any,
    *,
    dtype: DType | None = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor filled with `fill_value`; its dtype follows the value (int64, bool, float)."""
    default = _dtype._scalar_dtype(fill_value)
    return _filled(fill_value, (size,), dtype, requires_grad, "full", default)


def _like(input: Tensor, fill: Any, dtype: DType | None, requires_grad: bool, op: str) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(input).__name__}")
    return _filled(fill, (input._data.shape,), dtype, requires_grad, op, input._data.dtype)


def zeros_like(
    input: Tensor, *, dtype: DType | None = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Zeros with input's shape and dtype."""
    return _like(input, 0, dtype, requires_grad, "zeros_like")


def ones_like(
    input: Tensor, *, dtype: DType | None = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Ones with input's shape and dtype."""
    return _like(input, 1, dtype, requires_grad, "ones_like")


def empty_like(
    input: Tensor, *, dtype: DType | None = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _like(input, 0, dtype, requires_grad, "empty_like")


def full_like(
    input: Tensor,
    fill_value: Any,
    *,
    dtype: DType | None = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """fill_value with input's shape and dtype."""
    return _like(input, fill_value, dtype, requires_grad, "full_like")


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    *,
    dtype: DType | None = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Values from start (inclusive) to end (exclusive) by step; int64 unless a bound is a float."""
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    if dtype is not None and _dtype.as_numpy_dtype(dtype) == np.int64:
        start, end, step = int(start), int(end), int(step)  # torch reads int64 bounds as ints
        if step == 0:
            raise ValueError("step must be nonzero")
    if step == 0:
        raise RuntimeError("arange(): step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(
            "arange(): upper bound and lower bound inconsistent with step sign "
            f"(start={start}, end={end}, step={step})"
        )
    is_float = any(isinstance(v, float) for v in (start, end, step))
    default = _float_np(None) if is_float else np.dtype(np.int64)
    np_dtype = _dtype.as_numpy_dtype(dtype) if dtype is not None else default
    if not all(np.isfinite(v) for v in (start, end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    n = int(np.ceil((end - start) / step))
    if np_dtype.kind in "iu":  # integer values from the truncated start and step, as torch
        arr = (int(start) + int(step) * np.arange(n, dtype=np.int64)).astype(np_dtype)
    else:
        arr = (start + step * np.arange(n, dtype=np.float64)).astype(np_dtype)
    return _finish(arr, requires_grad, "arange")


def linspace(
    start: float,
    end: float,
    steps: int,
    *,
    dtype: DType | None = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """`steps` evenly spaced values from start to end inclusive."""
    if steps < 0:
        raise RuntimeError("linspace(): number of steps must be non-negative")
    arr = np.linspace(start, end, steps).astype(_float_np(dtype))
    return _finish(arr, requires_grad, "linspace")


def eye(
    n: int,
    m: int | None = None,
    *,
    dtype: DType | None = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """The n x m identity matrix."""
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    return _finish(np.eye(n, m, dtype=_float_np(dtype)), requires_grad, "eye")


def manual_seed(seed: int) -> np.random.Generator:
    """Seed mini_autograd's random generator (numpy's PCG64: the numbers differ from torch's)."""
    global _rng
    _rng = np.random.default_rng(seed)
    return _rng


def seed() -> int:
    s = int(np.random.SeedSequence().entropy % (2**63))
    manual_seed(s)
    return s


def rand(
    *size: Any,
    dtype: DType | None = None,
    device: Any = None,
    requires_grad: bool = False,
    generator: Any = None,
) -> Tensor:
    """Uniform random values in [0, 1)."""
    np_dtype = _random_float(dtype, "check_uniform_bounds")
    arr = _gen(generator).random(check_size(shape_arg(size), "rand")).astype(np_dtype)
    return _finish(arr, requires_grad, "rand")


def randn(
    *size: Any,
    dtype: DType | None = None,
    device: Any = None,
    requires_grad: bool = False,
    generator: Any = None,
) -> Tensor:
    """Standard normal random values."""
    np_dtype = _random_float(dtype, "normal_kernel_cpu")
    arr = _gen(generator).standard_normal(check_size(shape_arg(size), "randn")).astype(np_dtype)
    return _finish(arr, requires_grad, "randn")


def randint(
    low: int,
    high: int | None = None,
    size: Any = (),
    *,
    dtype: DType | None = None,
    device: Any = None,
    requires_grad: bool = False,
    generator: Any = None,
) -> Tensor:
    """Random integers in [low, high); randint(high, size) as torch."""
    if not isinstance(high, int | np.integer | type(None)) and size == ():  # randint(high, size)
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    np_dtype = np.dtype(np.int64) if dtype is None else _dtype.as_numpy_dtype(dtype)
    if np_dtype.kind in "biu":
        lo, hi = (
            (0, 1) if np_dtype.kind == "b" else (np.iinfo(np_dtype).min, np.iinfo(np_dtype).max)
        )
        c_name = _C_NAMES.get(np_dtype.name, np_dtype.name)
        for what, bad in (("from", low < lo), ("to - 1", high - 1 > hi)):
            if bad:
                raise RuntimeError(f"{what} is out of bounds for {c_name}")
    arr = _gen(generator).integers(low, high, size=check_size(shape_arg((size,)), "randint"))
    return _finish(arr.astype(np_dtype), requires_grad, "randint")


def rand_like(
    input: Tensor, *, dtype: DType | None = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return rand(input._data.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(
    input: Tensor, *, dtype: DType | None = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return randn(input._data.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randperm(
    n: int, *, dtype: DType | None = None, device: Any = None, generator: Any = None
) -> Tensor:
    """A random permutation of 0..n-1."""
    return _make(_gen(generator).permutation(n).astype(_dtype.as_numpy_dtype(dtype) or np.int64))


def _gen(generator: Any) -> np.random.Generator:
    """The numpy generator behind `generator=` (the global one by default)."""
    if generator is None:
        return _rng
    from ._random import generator_rng  # _random builds on this module

    return generator_rng(generator)


def get_rng() -> np.random.Generator:
    """The generator behind rand/randn (used by dropout and nn.init)."""
    return _rng


def _on_cpu(fn):
    """fn with its device= argument checked to be the CPU (the only device mini_autograd has)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Tensor:
        if "device" in kwargs:
            check_device(kwargs.pop("device"), fn.__name__)
        return fn(*args, **kwargs)

    return wrapper


_CREATION = (
    "tensor as_tensor zeros ones empty full zeros_like ones_like empty_like full_like arange "
    "linspace eye rand randn randint rand_like randn_like randperm"
)
for _name in _CREATION.split():
    globals()[_name] = _on_cpu(globals()[_name])
