"""Matrix products with torch's 1-D, 2-D and batched-broadcast rules."""

from __future__ import annotations

import numpy as np

from .._function import Function
from .._tensor import Tensor
from ._registry import register
from ._util import tensor_arg
from .shape import Reshape, SumToSize, Transpose


class MatMul(Function):
    """d(a @ b) = (gy @ b^T, a^T @ gy), with 1-D operands treated as a row / column vector."""

    def name(self) -> str:
        return self._node_name

    def forward(self, a, b):
        self._node_name = {(1, 1): "DotBackward0", (2, 2): "MmBackward0", (2, 1): "MvBackward0"}.get(
            (np.ndim(a), np.ndim(b)), "MatmulBackward0")
        return np.matmul(a, b)

    def backward(self, gy, a, b):
        ga_needed, gb_needed = self.needs_input_grad
        a_nd, b_nd = np.ndim(a), np.ndim(b)
        # lift 1-D operands to matrices so one formula serves every case
        a2 = Reshape.apply(a, shape=(1, a.shape[0])) if a_nd == 1 else a
        b2 = Reshape.apply(b, shape=(b.shape[0], 1)) if b_nd == 1 else b
        gy2 = gy
        if a_nd == 1 and b_nd == 1:
            gy2 = Reshape.apply(gy, shape=(1, 1))
        elif a_nd == 1:
            gy2 = Reshape.apply(gy, shape=(*np.shape(gy)[:-1], 1, np.shape(gy)[-1]))
        elif b_nd == 1:
            gy2 = Reshape.apply(gy, shape=(*np.shape(gy), 1))
        ga = gb = None
        if ga_needed:
            ga = gy2 @ Transpose.apply(b2, dim0=-1, dim1=-2)
            if a_nd == 1:
                ga = _sum_to_vector(ga, a.shape)
        if gb_needed:
            gb = Transpose.apply(a2, dim0=-1, dim1=-2) @ gy2
            if b_nd == 1:
                gb = _sum_to_vector(gb, b.shape)
        return ga, gb


def _sum_to_vector(g, shape):
    """A lifted vector's gradient: sum the broadcast batch away, drop the unit dimension."""
    if np.ndim(g) > 2:
        g = SumToSize.apply(g, shape=np.shape(g)[-2:])
    return Reshape.apply(g, shape=shape)


def _check_matmul(a: Tensor, b: Tensor, op: str) -> None:
    sa, sb = a._data.shape, b._data.shape
    if a._data.ndim == 0 or b._data.ndim == 0:
        raise RuntimeError(f"{op}: both arguments to matmul need to be at least 1D, but they are "
                           f"{a._data.ndim}D and {b._data.ndim}D")
    k_a = sa[-1]
    k_b = sb[0] if b._data.ndim == 1 else sb[-2]
    if k_a != k_b:
        raise RuntimeError(f"{op}: mat1 and mat2 shapes cannot be multiplied "
                           f"({_as_matrix(sa)} and {_as_matrix(sb, column=True)}): the last "
                           f"dimension of input ({k_a}) must equal the first matrix dimension of "
                           f"other ({k_b})")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"{op}: expected m1 and m2 to have the same dtype, but got: "
                           f"{a.dtype} != {b.dtype}")


def _as_matrix(shape: tuple[int, ...], column: bool = False) -> str:
    if len(shape) == 1:
        return f"{shape[0]}x1" if column else f"1x{shape[0]}"
    return "x".join(map(str, shape))


@register(dunders=("__matmul__",))
def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Matrix product: dot for 1-D·1-D, mm for 2-D, batched with broadcasting beyond."""
    a, b = tensor_arg(input, "matmul"), tensor_arg(other, "matmul", "other")
    _check_matmul(a, b, "matmul")
    return MatMul()(a, b)


Tensor.__rmatmul__ = lambda self, other: matmul(other, self)
