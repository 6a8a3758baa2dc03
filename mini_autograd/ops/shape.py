"""Shape ops: views and copies whose backward moves the gradient back into the input's layout."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from .._engine import sum_to_array
from .._function import Function
from .._tensor import Tensor, _make, _wrap_dim
from ._registry import register
from ._util import shape_arg, tensor_arg


class Reshape(Function):
    """reshape: the gradient is reshaped back."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def name(self) -> str:
        return "ViewBackward0"

    def forward(self, x):
        return np.reshape(x, self.shape)

    def backward(self, gy, x):
        return Reshape.apply(gy, shape=np.shape(x))


class Expand(Function):
    """broadcast to a larger shape: the gradient is summed back."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, x):
        return np.broadcast_to(x, self.shape)

    def backward(self, gy, x):
        return SumToSize.apply(gy, shape=np.shape(x))


class SumToSize(Function):
    """sum a broadcast array back to `shape` (the adjoint of expand)."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def name(self) -> str:
        return "SumBackward1"

    def forward(self, x):
        return sum_to_array(x, self.shape)

    def backward(self, gy, x):
        return Expand.apply(gy, shape=np.shape(x))


class Transpose(Function):
    """swap two axes: the gradient swaps them back."""

    def __init__(self, dim0: int, dim1: int) -> None:
        self.dim0, self.dim1 = dim0, dim1

    def forward(self, x):
        return np.swapaxes(x, self.dim0, self.dim1)

    def backward(self, gy, x):
        return Transpose.apply(gy, dim0=self.dim0, dim1=self.dim1)


class Permute(Function):
    """reorder axes: the gradient takes the inverse order."""

    def __init__(self, dims: tuple[int, ...]) -> None:
        self.dims = dims

    def forward(self, x):
        return np.transpose(x, self.dims)

    def backward(self, gy, x):
        return Permute.apply(gy, dims=tuple(np.argsort(self.dims)))


class Clone(Function):
    """a copy: the gradient passes through."""

    def forward(self, x):
        return np.array(x, copy=True)

    def backward(self, gy, x):
        return gy


class ToCopy(Function):
    """a dtype conversion: the gradient is converted back."""

    def __init__(self, np_dtype: np.dtype) -> None:
        self.np_dtype = np_dtype

    def forward(self, x):
        return np.asarray(x, dtype=self.np_dtype)

    def backward(self, gy, x):
        return ToCopy.apply(gy, np_dtype=np.asarray(x).dtype)


def _infer_shape(shape: tuple[int, ...], numel: int, op: str, current: tuple[int, ...]) -> tuple:
    """Resolve one -1 and check the element count, with torch's error."""
    if shape.count(-1) > 1:
        raise RuntimeError(f"{op}: only one dimension can be inferred")
    known = int(np.prod([s for s in shape if s != -1], dtype=np.int64))
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel} "
                           f"(input shape {list(current)})")
    return shape


@register(aliases=("view",))
def reshape(input: Tensor, *shape: Any) -> Tensor:
    """The same elements in a new shape (one dim may be -1)."""
    x = tensor_arg(input, "reshape")
    target = _infer_shape(shape_arg(shape), x._data.size, "reshape", x._data.shape)
    return Reshape(target)(x)


@register()
def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap dimensions dim0 and dim1."""
    x = tensor_arg(input, "transpose")
    n = x._data.ndim
    return Transpose(_wrap_dim(dim0, n, "transpose"), _wrap_dim(dim1, n, "transpose"))(x)


@register()
def permute(input: Tensor, *dims: Any) -> Tensor:
    """Reorder the dimensions."""
    x = tensor_arg(input, "permute")
    order = tuple(_wrap_dim(d, x._data.ndim, "permute") for d in shape_arg(dims))
    if sorted(order) != list(range(x._data.ndim)):
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does "
                           f"not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {x._data.ndim} is not equal to len(dims) = {len(order)}")
    return Permute(order)(x)


@register()
def t(input: Tensor) -> Tensor:
    """Transpose a tensor of at most 2 dimensions."""
    x = tensor_arg(input, "t")
    if x._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{x._data.ndim}D; use transpose(dim0, dim1) or mT")
    return Transpose(0, 1)(x) if x._data.ndim == 2 else x


@register(top=False)
def expand(input: Tensor, *sizes: Any) -> Tensor:
    """Broadcast to a larger shape (-1 keeps a dimension)."""
    x = tensor_arg(input, "expand")
    sizes = shape_arg(sizes)
    lead = len(sizes) - x._data.ndim
    if lead < 0:
        raise RuntimeError(f"expand: the number of sizes provided ({len(sizes)}) must be greater "
                           f"or equal to the number of dimensions in the tensor ({x._data.ndim})")
    target = tuple(x._data.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
    for i, n in enumerate(x._data.shape):
        if n != 1 and n != target[i + lead]:
            raise RuntimeError(f"The expanded size of the tensor ({target[i + lead]}) must match "
                               f"the existing size ({n}) at non-singleton dimension {i + lead}. "
                               f"Target sizes: {list(sizes)}. Tensor sizes: {list(x._data.shape)}")
    return Expand(target)(x)


@register(top=False)
def sum_to_size(input: Tensor, *size: Any) -> Tensor:
    """Sum broadcast dimensions away until the tensor has `size`."""
    x = tensor_arg(input, "sum_to_size")
    return SumToSize(shape_arg(size))(x)


@register()
def clone(input: Tensor) -> Tensor:
    """A copy that stays in the graph."""
    return Clone()(tensor_arg(input, "clone"))


@register(top=False)
def to(input: Tensor, *args: Any, dtype: _dtype.dtype | None = None, **kwargs: Any) -> Tensor:
    """Convert to a dtype (device arguments are accepted and ignored: everything is on the CPU)."""
    for a in args:
        if isinstance(a, _dtype.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
    if dtype is None or input._data.dtype == dtype.np:
        return input
    if input._requires_grad and not dtype.is_floating_point:
        return _make(np.asarray(input._data, dtype=dtype.np))
    return ToCopy(dtype.np)(input)


@register("double", top=False)
def to_double(input: Tensor) -> Tensor:
    """As float64."""
    return to(input, _dtype.float64)


@register("float", top=False)
def to_float(input: Tensor) -> Tensor:
    """As float32."""
    return to(input, _dtype.float32)


@register("long", top=False)
def to_long(input: Tensor) -> Tensor:
    """As int64."""
    return to(input, _dtype.int64)


@register("bool", top=False)
def to_bool(input: Tensor) -> Tensor:
    """As bool."""
    return to(input, _dtype.bool_)


@register(top=False)
def type_as(input: Tensor, other: Tensor) -> Tensor:
    return to(input, other.dtype)


Tensor.T = property(lambda self: Permute(tuple(range(self._data.ndim))[::-1])(self),
                    doc="The tensor with its dimensions reversed.")
Tensor.mT = property(lambda self: transpose(self, -2, -1),
                     doc="The last two dimensions swapped.")
