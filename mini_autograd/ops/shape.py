"""Shape ops: views whose backward moves the gradient back into the input's layout."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import _views
from .._engine import sum_to_array
from .._tensor import Tensor, _wrap_dim
from .._warn_once import warn_once
from ._registry import register
from ._util import Node, dims, shape_arg, tensor_arg


class Reshape(_views.View, Node):
    """reshape: the gradient is reshaped back. `node` is torch's name for the view it stands for."""

    saves = ()  # backward needs only shapes

    def __init__(self, shape: tuple[int, ...], node: str = "ViewBackward0") -> None:
        self.shape, self.node = shape, node

    def forward(self, x):
        return np.reshape(x, self.shape)

    def backward(self, gy, x):
        return Reshape.apply(gy, shape=np.shape(x))


class Expand(_views.StridedView, Node):
    """broadcast to a larger shape: the gradient is summed back."""

    saves = ()  # backward needs only shapes

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, x):
        y = np.broadcast_to(x, self.shape)
        if type(x) is np.ndarray and x.flags.writeable:
            # writable, as torch's: e[0] = v writes x; e.add_(v) is refused (inplace.check_overlap)
            return np.lib.stride_tricks.as_strided(x, y.shape, y.strides)
        return y

    def backward(self, gy, x):
        return SumToSize.apply(gy, shape=np.shape(x))


class SumToSize(Node):
    """sum a broadcast array back to `shape` (the adjoint of expand)."""

    saves = ()  # backward needs only shapes

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, x):
        # torch sums with keepdim, then views the leading dimensions away
        self.node = "ViewBackward0" if np.ndim(x) > len(self.shape) else "SumBackward1"
        return sum_to_array(x, self.shape)

    def backward(self, gy, x):
        return Expand.apply(gy, shape=np.shape(x))


class Transpose(_views.View, Node):
    """swap two axes: the gradient swaps them back."""

    saves = ()  # backward needs only shapes

    def __init__(self, dim0: int, dim1: int, node: str = "TransposeBackward0") -> None:
        self.dim0, self.dim1, self.node = dim0, dim1, node

    def forward(self, x):
        return np.swapaxes(x, self.dim0, self.dim1)

    def backward(self, gy, x):
        return Transpose.apply(gy, dim0=self.dim0, dim1=self.dim1)


class Permute(_views.View, Node):
    """reorder axes: the gradient takes the inverse order."""

    saves = ()  # backward needs only shapes

    def __init__(self, dims: tuple[int, ...]) -> None:
        self.dims = dims

    def forward(self, x):
        return np.transpose(x, self.dims)

    def backward(self, gy, x):
        return Permute.apply(gy, dims=tuple(np.argsort(self.dims)))


def _infer_shape(shape: tuple[int, ...], numel: int, current: tuple[int, ...]) -> tuple:
    """Resolve one -1 and check the element count, with torch's error."""
    if -1 not in shape:
        if math.prod(shape) != numel or min(shape, default=0) < 0:
            raise RuntimeError(
                f"shape '{list(shape)}' is invalid for input of size {numel} "
                f"(input shape {list(current)})"
            )
        return shape
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = math.prod(s for s in shape if s != -1)
    if known == 0 or numel % known:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(numel // known if s == -1 else s for s in shape)


@register()
def reshape(input: Tensor, *shape: Any) -> Tensor:
    """The same elements in a new shape (one dim may be -1)."""
    x = tensor_arg(input, "reshape")
    target = _infer_shape(shape_arg(shape), x._data.size, x._data.shape)
    return Reshape(target)._run(x)


@register(top=False)
def view(input: Tensor, *shape: Any) -> Tensor:
    """The same memory in a new shape: refused, as torch's, when the strides cannot express it
    (a transposed tensor flattened), where reshape would copy."""
    x = tensor_arg(input, "view")
    target = _infer_shape(shape_arg(shape), x._data.size, x._data.shape)
    check_viewable(x, target)
    return Reshape(target)._run(x)


def check_viewable(x: Tensor, shape: tuple[int, ...]) -> None:
    """torch's error for a view() whose shape the memory's strides cannot give."""
    a = x._data
    if type(a) is np.ndarray and not a.flags.c_contiguous:
        try:
            np.reshape(a, shape, copy=False)
        except ValueError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
            ) from None


@register()
def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions start_dim..end_dim into one (a 0-d tensor becomes 1-d)."""
    x = tensor_arg(input, "flatten")
    shape = x._data.shape
    if not shape:
        return Reshape((1,))._run(x)
    start = _wrap_dim(start_dim, len(shape), "flatten")
    end = _wrap_dim(end_dim, len(shape), "flatten")
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return x
    target = shape[:start] + (math.prod(shape[start : end + 1]),) + shape[end + 1 :]
    return Reshape(target)._run(x)


@register()
def squeeze(input: Tensor, dim: int | Sequence[int] | None = None) -> Tensor:
    """Drop dimensions of size 1 (all, or those in `dim` that are 1)."""
    x = tensor_arg(input, "squeeze")
    shape = x._data.shape
    axes = dims(dim, len(shape), "squeeze")
    if axes is None:
        node, drop = "SqueezeBackward0", {i for i, n in enumerate(shape) if n == 1}
    else:
        node = "SqueezeBackward1" if isinstance(dim, int) else "SqueezeBackward2"
        drop = {i for i in axes if shape and shape[i] == 1}
    return Reshape(tuple(n for i, n in enumerate(shape) if i not in drop), node)._run(x)


@register()
def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a dimension of size 1 at `dim` (which may be ndim, or negative)."""
    x = tensor_arg(input, "unsqueeze")
    shape = x._data.shape
    d = _wrap_dim(dim, len(shape) + 1, "unsqueeze")
    return Reshape(shape[:d] + (1,) + shape[d:], "UnsqueezeBackward0")._run(x)


@register(aliases=("swapaxes", "swapdims"))
def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap dimensions dim0 and dim1."""
    x = tensor_arg(input, "transpose")
    n = x._data.ndim
    if n == 0:  # torch allows dims 0 and -1 on a 0-d tensor
        _wrap_dim(dim0, 1, "transpose"), _wrap_dim(dim1, 1, "transpose")
        return Reshape((), "TransposeBackward0")._run(x)
    return Transpose(_wrap_dim(dim0, n, "transpose"), _wrap_dim(dim1, n, "transpose"))._run(x)


@register()
def permute(input: Tensor, *dims: Any) -> Tensor:
    """Reorder the dimensions."""
    x = tensor_arg(input, "permute")
    order = shape_arg(dims)
    if len(order) != x._data.ndim:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does "
            f"not match the length of the desired ordering of dimensions i.e. "
            f"input.dim() = {x._data.ndim} is not equal to len(dims) = {len(order)}"
        )
    order = tuple(_wrap_dim(d, x._data.ndim, "permute") for d in order)
    if len(set(order)) != len(order):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute(order)._run(x)


@register()
def t(input: Tensor) -> Tensor:
    """Transpose a tensor of at most 2 dimensions."""
    x = tensor_arg(input, "t")
    if x._data.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is "
            f"{x._data.ndim}D; use transpose(dim0, dim1) or mT"
        )
    return Transpose(0, 1, "TBackward0")._run(x) if x._data.ndim == 2 else x


@register("T", top=False, prop=True)
def _t_property(input: Tensor) -> Tensor:
    """The tensor with its dimensions reversed (torch warns for other than 1 or 2 dims)."""
    if input._data.ndim > 2:  # torch's TORCH_WARN_ONCE: once per process
        warn_once(
            "T",
            "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
            "deprecated and it will throw an error in a future release. Consider `x.mT` to "
            "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to "
            "reverse the dimensions of a tensor.",
        )
    elif input._data.ndim == 0:
        warn_once(
            "T0",
            "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.",
        )
    return Permute(tuple(range(input._data.ndim))[::-1])._run(input)


@register("mT", top=False, prop=True)
def _mt_property(input: Tensor) -> Tensor:
    """The last two dimensions swapped."""
    if input._data.ndim < 2:
        raise RuntimeError(
            f"tensor.mT is only supported on matrices or batches of matrices. "
            f"Got {input._data.ndim}-D tensor."
        )
    return transpose(input, -2, -1)


def _expand_shape(shape: tuple[int, ...], sizes: tuple[int, ...], op: str) -> tuple[int, ...]:
    """The target of expand/broadcast_to (-1 keeps a dimension), with torch's errors."""
    lead = len(sizes) - len(shape)
    if lead < 0:
        raise RuntimeError(
            f"{op}: the number of sizes provided ({len(sizes)}) must be greater "
            f"or equal to the number of dimensions in the tensor ({len(shape)})"
        )
    target = tuple(shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(sizes))
    for i, n in enumerate(shape):
        if n != 1 and n != target[i + lead]:
            raise RuntimeError(
                f"The expanded size of the tensor ({target[i + lead]}) must match "
                f"the existing size ({n}) at non-singleton dimension {i + lead}.  "
                f"Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}"
            )
    return target


@register(top=False)
def expand(input: Tensor, *sizes: Any) -> Tensor:
    """Broadcast to a larger shape (-1 keeps a dimension)."""
    x = tensor_arg(input, "expand")
    return Expand(_expand_shape(x._data.shape, shape_arg(sizes), "expand"))._run(x)


@register(top=False)
def expand_as(input: Tensor, other: Tensor) -> Tensor:
    """Broadcast to other's shape."""
    x = tensor_arg(input, "expand_as")
    shape = tensor_arg(other, "expand_as", "other")._data.shape
    return Expand(_expand_shape(x._data.shape, shape, "expand_as"))._run(x)


@register()
def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:
    """Broadcast to `size` (-1 keeps a dimension)."""
    x = tensor_arg(input, "broadcast_to")
    return Expand(_expand_shape(x._data.shape, shape_arg((size,)), "broadcast_to"))._run(x)


@register(top=False)
def sum_to_size(input: Tensor, *size: Any) -> Tensor:
    """Sum broadcast dimensions away until the tensor has `size`."""
    x = tensor_arg(input, "sum_to_size")
    shape = shape_arg(size)
    try:
        ok = np.broadcast_shapes(shape, x._data.shape) == x._data.shape
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(
            f"size {{{list(shape)}}} is not expandable to size {{{list(x._data.shape)}}}."
        )
    return SumToSize(shape)._run(x)
