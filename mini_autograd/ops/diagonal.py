"""Slices and diagonals: narrow, select, diagonal, diag, diag_embed, tril, triu, trace. Each
backward places the gradient back where the elements came from (zeros elsewhere)."""

from __future__ import annotations

import numpy as np

from .. import _views
from .._function import Function
from .._tensor import Tensor, _wrap_dim
from ._registry import register
from ._util import Node, c_order, tensor_arg
from .elementwise import Where
from .indexing import Index


def _diag_index(shape: tuple[int, ...], offset: int, d1: int, d2: int) -> tuple:
    """The index of diagonal `offset` of dims d1, d2 (the diagonal goes last, as torch)."""
    n1, n2 = shape[d1], shape[d2]
    start1, start2 = (0, offset) if offset >= 0 else (-offset, 0)
    length = max(min(n1 - start1, n2 - start2), 0)
    k = np.arange(length)
    key: list = [slice(None)] * len(shape)
    key[d1], key[d2] = k + start1, k + start2
    return tuple(key)


class Diagonal(_views.View, Node):
    """the diagonal of dims d1, d2 (moved last): the gradient is embedded back on it"""

    saves = ()  # backward needs only x's shape

    def __init__(self, offset: int, d1: int, d2: int, node: str = "DiagonalBackward0") -> None:
        self.offset, self.d1, self.d2, self.node = offset, d1, d2, node

    def forward(self, x):
        y = np.diagonal(x, self.offset, self.d1, self.d2)
        if isinstance(x, np.ndarray) and x.flags.writeable:
            y.setflags(write=True)  # a view, as torch's: writes through it reach x
            return y
        return y.copy()

    def backward(self, gy, x):
        return DiagEmbed.apply(gy, offset=self.offset, d1=self.d1, d2=self.d2, shape=np.shape(x))


class DiagEmbed(Node):
    """zeros of `shape` with the last dim of x on the diagonal of d1, d2: the adjoint of
    Diagonal, whose gradient takes the diagonal again"""

    node = "DiagEmbedBackward0"

    def __init__(self, offset: int, d1: int, d2: int, shape: tuple[int, ...]) -> None:
        self.offset, self.d1, self.d2, self.shape = offset, d1, d2, shape

    def forward(self, x):
        out = np.zeros(self.shape, dtype=np.asarray(x).dtype)
        view = np.diagonal(out, self.offset, self.d1, self.d2)
        view.setflags(write=True)
        view[...] = x
        return out

    def backward(self, gy, x):
        return Diagonal.apply(gy, offset=self.offset, d1=self.d1, d2=self.d2)


@register()
def narrow(input: Tensor, dim: int, start: int | Tensor, length: int) -> Tensor:
    """The slice start:start+length along dim (a view in torch)."""
    x = tensor_arg(input, "narrow")
    if not x._data.ndim:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, x._data.ndim, "narrow")
    n = x._data.shape[d]
    start = int(start.item() if isinstance(start, Tensor) else start)
    if start < 0:
        start += n
    if not (0 <= start <= n) or length < 0 or start + length > n:
        raise IndexError(
            f"narrow(): start ({start}) + length ({length}) exceeds dimension size ({n})."
        )
    key = (slice(None),) * d + (slice(start, start + length),)
    return Index(key, "SliceBackward0")._run(x)


@register()
def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The slice at `index` along dim, without that dim."""
    x = tensor_arg(input, "select")
    if not x._data.ndim:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, x._data.ndim, "select")
    n = x._data.shape[d]
    if not -n <= index < n:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(x._data.shape)} at "
            f"dimension {d}"
        )
    return Index((slice(None),) * d + (int(index),), "SelectBackward0")._run(x)


@register()
def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal `offset` of dims dim1 and dim2, as the last dim."""
    x = tensor_arg(input, "diagonal")
    nd = x._data.ndim
    if nd < 2:
        raise RuntimeError(f"diagonal(): expected a tensor of at least 2 dims, got {nd}")
    d1, d2 = _wrap_dim(dim1, nd, "diagonal"), _wrap_dim(dim2, nd, "diagonal")
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal(offset, d1, d2)._run(x)


@register()
def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """A tensor whose diagonals (of dim1, dim2) hold the last dim of input; zeros elsewhere."""
    x = tensor_arg(input, "diag_embed")
    nd = x._data.ndim + 1
    d1, d2 = _wrap_dim(dim1, nd, "diag_embed"), _wrap_dim(dim2, nd, "diag_embed")
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = (x._data.shape[-1] if x._data.ndim else 1) + abs(offset)
    rest = list(x._data.shape[:-1])
    shape = []
    for i in range(nd):
        shape.append(n if i in (d1, d2) else rest.pop(0))
    if not x._data.ndim:
        x = x.reshape(1)
    return DiagEmbed(offset, d1, d2, tuple(shape))._run(x)


@register()
def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D input becomes a square matrix with it on the diagonal; a 2-D input gives its
    diagonal."""
    x = tensor_arg(input, "diag")
    if x._data.ndim == 1:
        return diag_embed(x, diagonal, 0, 1)
    if x._data.ndim != 2:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {x._data.ndim}D")
    return Diagonal(diagonal, 0, 1, "DiagonalBackward0_copy")._run(x)


class Triangle(Node):
    """tril/triu: the kept triangle passes the gradient, the rest gets zero"""

    def __init__(self, upper: bool, k: int) -> None:
        self.upper, self.k = upper, k
        self.node = "TriuBackward0" if upper else "TrilBackward0"

    def _mask(self, shape):
        n, m = shape[-2:]
        return np.triu(np.ones((n, m), bool), self.k) if self.upper else np.tril(
            np.ones((n, m), bool), self.k)  # fmt: skip

    def forward(self, x):
        # C order whatever x's layout, as torch's (np.where would keep a transposed one)
        return c_order(np.where(self._mask(x.shape), x, np.zeros((), x.dtype)))

    def backward(self, gy, x):
        return Where.apply(self._mask(np.shape(x)), gy, 0.0)


def _triangle(input: Tensor, k: int, upper: bool) -> Tensor:
    op = "triu" if upper else "tril"
    x = tensor_arg(input, op)
    if x._data.ndim < 2:
        raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions")
    return Triangle(upper, k)._run(x)


@register()
def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle (on and below diagonal `diagonal`) of the last two dims."""
    return _triangle(input, diagonal, False)


@register()
def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle (on and above diagonal `diagonal`) of the last two dims."""
    return _triangle(input, diagonal, True)


class Trace(Function):
    """sum of the diagonal: the gradient is gy on the diagonal"""

    def forward(self, x):
        return np.trace(x)

    def backward(self, gy, x):
        n, m = np.shape(x)
        eye = np.eye(n, m, dtype=bool)
        return Where.apply(eye, gy, 0.0)


@register()
def trace(input: Tensor) -> Tensor:
    """The sum of the main diagonal of a matrix (integers sum to int64)."""
    x = tensor_arg(input, "trace")
    if x._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {x._data.ndim}")
    if x._data.dtype.kind in "biu" and x._data.dtype != np.int64:
        x = x.long()
    return Trace()._run(x)
