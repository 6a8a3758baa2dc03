"""Matrix products with torch's 1-D, 2-D and batched-broadcast rules, and nn.functional.linear."""

from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor, _make
from ._registry import register
from ._util import Node, broadcast_error, tensor_arg, torch_dtype_name
from .elementwise import Mul
from .shape import Reshape, SumToSize, Transpose, _expand_shape


class MatMul(Node):
    """d(a @ b) = (gy @ b^T, a^T @ gy), with 1-D operands treated as a row / column vector."""

    def __init__(self, node: str) -> None:
        self.node = node

    def forward(self, a, b):
        return np.matmul(a, b)

    def backward(self, gy, a, b):
        ga_needed, gb_needed = self.needs_input_grad
        a_nd, b_nd = np.ndim(a), np.ndim(b)
        # lift 1-D operands to matrices so one formula serves every case
        a2 = Reshape.apply(a, shape=(1, np.shape(a)[0])) if a_nd == 1 else a
        b2 = Reshape.apply(b, shape=(np.shape(b)[0], 1)) if b_nd == 1 else b
        gy2 = gy
        if a_nd == 1 and b_nd == 1:
            gy2 = Reshape.apply(gy, shape=(1, 1))
        elif a_nd == 1:
            gy2 = Reshape.apply(gy, shape=(*np.shape(gy)[:-1], 1, np.shape(gy)[-1]))
        elif b_nd == 1:
            gy2 = Reshape.apply(gy, shape=(*np.shape(gy), 1))
        ga = gb = None
        if ga_needed:
            ga = _mm(gy2, Transpose.apply(b2, dim0=-1, dim1=-2))
            if a_nd == 1:
                ga = _sum_to_vector(ga, np.shape(a))
        if gb_needed:
            gb = _mm(Transpose.apply(a2, dim0=-1, dim1=-2), gy2)
            if b_nd == 1:
                gb = _sum_to_vector(gb, np.shape(b))
        return ga, gb


def _mm(x, y):
    """x @ y inside a backward: arrays, Tensors, or (under create_graph, when the op's other
    operand was a constant array) one of each"""
    if isinstance(x, Tensor) is not isinstance(y, Tensor):
        x, y = (x, _make(y)) if isinstance(x, Tensor) else (_make(x), y)
    return x @ y


def _sum_to_vector(g, shape):
    """A lifted vector's gradient: sum the broadcast batch away, drop the unit dimension."""
    if np.ndim(g) > 2:
        g = SumToSize.apply(g, shape=np.shape(g)[-2:])
    return Reshape.apply(g, shape=shape)


def _matmul_node(a_nd: int, b_nd: int) -> str:
    """The node torch records for matmul, which depends on how it folds the operands."""
    small = {
        (1, 1): "DotBackward0",
        (2, 2): "MmBackward0",
        (2, 1): "MvBackward0",
        (1, 2): "SqueezeBackward4",
    }
    if (a_nd, b_nd) in small:
        return small[(a_nd, b_nd)]
    return "CloneBackward0" if a_nd == 2 else "UnsafeViewBackward0"


_C_NAMES = {
    "float32": "float",
    "float64": "double",
    "int64": "long int",
    "int32": "int",
    "bool": "bool",
}


def _check_dtypes(a: Tensor, b: Tensor, op: str) -> None:
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: "
            f"{_C_NAMES[a.dtype.name]} != {_C_NAMES[b.dtype.name]} ({op} of "
            f"{list(a.shape)} and {list(b.shape)})"
        )


def _as_matrix(shape: tuple[int, ...], column: bool = False) -> str:
    if len(shape) == 1:
        return f"{shape[0]}x1" if column else f"1x{shape[0]}"
    return f"{math.prod(shape[:-1])}x{shape[-1]}"


def _shapes_error(a: tuple, b: tuple) -> RuntimeError:
    return RuntimeError(
        f"mat1 and mat2 shapes cannot be multiplied ({_as_matrix(a)} and "
        f"{_as_matrix(b, column=True) if len(b) == 1 else f'{b[-2]}x{b[-1]}'})"
    )


@register(dunders=("__matmul__",))
def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Matrix product: dot for 1-D·1-D, mm for 2-D, batched with broadcasting beyond."""
    a, b = tensor_arg(input, "matmul"), tensor_arg(other, "matmul", "other")
    sa, sb = a._data.shape, b._data.shape
    if not sa or not sb:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are "
            f"{len(sa)}D and {len(sb)}D"
        )
    if sa[-1] != (sb[0] if len(sb) == 1 else sb[-2]):
        if len(sa) == 1 and len(sb) == 1:
            raise _dot_size_error(sa, sb)
        raise _shapes_error(sa, sb)
    _check_dtypes(a, b, "matmul")
    try:
        return MatMul(_matmul_node(len(sa), len(sb)))._run(a, b)
    except ValueError:
        raise broadcast_error("matmul", sa[:-2], sb[:-2]) from None


Tensor.__rmatmul__ = lambda self, other: matmul(other, self)


@register()
def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """The product of two matrices."""
    a, b = tensor_arg(input, "mm"), tensor_arg(mat2, "mm", "mat2")
    if a._data.ndim != 2:
        raise RuntimeError(
            f"self must be a matrix (mm got shapes {list(a.shape)} and {list(b.shape)})"
        )
    if b._data.ndim != 2:
        raise RuntimeError(
            f"mat2 must be a matrix (mm got shapes {list(a.shape)} and {list(b.shape)})"
        )
    if a._data.shape[1] != b._data.shape[0]:
        raise _shapes_error(a._data.shape, b._data.shape)
    _check_dtypes(a, b, "mm")
    return MatMul("MmBackward0")._run(a, b)


@register()
def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product of (b, n, m) and (b, m, p), without broadcasting."""
    a, b = tensor_arg(input, "bmm"), tensor_arg(mat2, "bmm", "mat2")
    if a._data.ndim != 3:
        raise RuntimeError(
            f"batch1 must be a 3D tensor (bmm got shapes {list(a.shape)} and {list(b.shape)})"
        )
    if b._data.ndim != 3:
        raise RuntimeError(
            f"batch2 must be a 3D tensor (bmm got shapes {list(a.shape)} and {list(b.shape)})"
        )
    sa, sb = a._data.shape, b._data.shape
    if sb[:2] != (sa[0], sa[2]):
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{sa[0]}, {sa[2]}] but got: [{sb[0]}, {sb[1]}]."
        )
    _check_dtypes(a, b, "bmm")
    return MatMul("BmmBackward0")._run(a, b)


def _dot_size_error(sa: tuple, sb: tuple) -> RuntimeError:
    return RuntimeError(
        f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] "
        f"to have the same number of elements, but got {sa[0]} and {sb[0]} "
        "elements respectively"
    )


@register()
def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """The inner product of two 1-D tensors."""
    a, b = tensor_arg(input, "dot"), tensor_arg(tensor, "dot", "tensor")
    if a._data.ndim != 1 or b._data.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {a._data.ndim}D and {b._data.ndim}D tensors"
        )
    if a._data.shape != b._data.shape:
        raise _dot_size_error(a._data.shape, b._data.shape)
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found "
            f"{torch_dtype_name(a)} and {torch_dtype_name(b)}"
        )
    return MatMul("DotBackward0")._run(a, b)


@register()
def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """The outer product of two 1-D tensors: out[i, j] = input[i] * vec2[j]."""
    a, b = tensor_arg(input, "outer"), tensor_arg(vec2, "outer", "vec2")
    for name, t in (("self", a), ("vec2", b)):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    return Mul()._run(Reshape((a._data.shape[0], 1))._run(a), b)


class Linear(Node):
    """y = x W^T + b: d/dx = gy W, d/dW = gy^T x (summed over the batch), d/db = gy"""

    def __init__(self, node: str) -> None:
        self.node = node

    def forward(self, x, w, b=None):
        y = np.matmul(x, w.T)
        return y if b is None else y + b

    def backward(self, gy, x, w, b=None):
        need = self.needs_input_grad
        gx = gy @ w if need[0] else None
        gw = None
        if need[1]:
            out_features, in_features = np.shape(w)
            # the batch size spelled out: -1 is ambiguous when a dimension is zero
            rows = int(np.prod(np.shape(gy)[:-1], dtype=np.int64))
            g2 = Reshape.apply(gy, shape=(rows, out_features))
            gw = Transpose.apply(g2, dim0=0, dim1=1) @ Reshape.apply(x, shape=(rows, in_features))
        if b is None:
            return gx, gw
        return gx, gw, (gy if need[2] else None)


_LINEAR_NODES = {
    (1, False): "SqueezeBackward4",
    (1, True): "ViewBackward0",
    (2, False): "MmBackward0",
    (2, True): "AddmmBackward0",
}


@register(top=False, method=False, functional=True)
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weight.T + bias: the affine map of nn.Linear."""
    x, w = tensor_arg(input, "linear"), tensor_arg(weight, "linear", "weight")
    sx, sw = x._data.shape, w._data.shape
    if w._data.ndim != 2 or x._data.ndim == 0:
        out = matmul(x, w.t())
        return out if bias is None else out + bias
    if sx[-1] != sw[1]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_as_matrix(sx)} and {sw[1]}x{sw[0]})"
        )
    if x._data.dtype != w._data.dtype:
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {torch_dtype_name(x)} and "
            f"{torch_dtype_name(w)}"
        )
    node = _LINEAR_NODES.get(
        (x._data.ndim, bias is not None),
        "ViewBackward0" if bias is not None else "UnsafeViewBackward0",
    )
    if bias is None:
        return Linear(node)._run(x, w)
    tensor_arg(bias, "linear", "bias")
    _expand_shape(bias._data.shape, sx[:-1] + (sw[0],), "linear")
    _check_dtypes(x, bias, "linear")
    return Linear(node)._run(x, w, bias)
