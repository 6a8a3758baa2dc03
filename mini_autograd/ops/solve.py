"""torch.linalg's inverse, determinants and linear solve on numpy's LAPACK: inv, det, slogdet,
logdet and solve, each forward beside torch's backward formula written with our ops, so the
gradient of a gradient flows through the same formulas again.

Matrices are the last two dimensions; every leading dimension is a batch.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from .._tensor import Tensor
from ._matrix import SINGULAR, dtype_of, lapack, mm, mT, mul, square_arg, unsqueeze
from ._registry import register
from ._util import Node, data, tensor_arg, torch_dtype_name
from .elementwise import Where

SlogdetResult = namedtuple("slogdet", ["sign", "logabsdet"])


# --- inverse, determinants, solve ---------------------------------------------------------------


class Inv(Node):
    """d inv(A) = -inv(A)^T gy inv(A)^T"""

    node = "LinalgInvExBackward0"
    save_output = True

    def forward(self, a):
        return lapack(np.linalg.inv, a, op="inv", what=SINGULAR)

    def backward(self, gy, a):
        ai_t = mT(self.saved_output(gy))
        return -mm(mm(ai_t, gy), ai_t)


class Det(Node):
    """d det(A) = gy det(A) inv(A)^T"""

    node = "LinalgDetBackward0"
    save_output = True

    def forward(self, a):
        return np.linalg.det(a)

    def backward(self, gy, a):
        g = gy * self.saved_output(gy)
        return mul(unsqueeze(unsqueeze(g, -1), -1), mT(Inv.apply(a)))


class Slogdet(Node):
    """(sign, log|det A|): d log|det A| = g inv(A)^T; sign is piecewise constant"""

    node = "LinalgSlogdetBackward0"

    def forward(self, a):
        self._y = np.linalg.slogdet(a)
        return tuple(self._y)

    def backward(self, gys, a):
        g = gys[1]
        if g is None:
            return np.zeros(np.shape(a), dtype_of(a))
        return mul(unsqueeze(unsqueeze(g, -1), -1), mT(Inv.apply(a)))


class Solve(Node):
    """X = A^{-1} B: gB = A^{-T} gy, gA = -gB X^T"""

    node = "LinalgSolveExBackward0"
    save_output = True

    def forward(self, a, b):
        return lapack(np.linalg.solve, a, b, op="solve", what=SINGULAR)

    def backward(self, gy, a, b):
        gb = Solve.apply(mT(a), gy)
        ga = -mm(gb, mT(self.saved_output(gy))) if self.needs_input_grad[0] else None
        return ga, (gb if self.needs_input_grad[1] else None)


# --- the public functions -------------------------------------------------------------------


@register("linalg.inv", top=False, method=False)
def inv(A: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The inverse of each square matrix."""
    return Inv()._run(square_arg(A, "inv"))


@register("inverse")
def inverse(input: Tensor) -> Tensor:
    """torch.inverse: linalg.inv."""
    return inv(input)


@register("linalg.det", top=False, method=False)
def det(A: Tensor) -> Tensor:
    """The determinant of each square matrix."""
    return Det()._run(square_arg(A, "det"))


@register("det")
def det_(input: Tensor) -> Tensor:
    """torch.det: linalg.det."""
    return det(input)


@register("linalg.slogdet", top=False, method=False)
def slogdet(A: Tensor) -> SlogdetResult:
    """(sign, log|det|) of each square matrix: log|det| without overflow."""
    return SlogdetResult(*Slogdet()._run(square_arg(A, "slogdet")))


@register("slogdet")
def slogdet_(input: Tensor) -> SlogdetResult:
    """torch.slogdet: linalg.slogdet."""
    return slogdet(input)


@register("logdet")
def logdet(input: Tensor) -> Tensor:
    """log det A: nan where det < 0, -inf where det = 0."""
    sign, logabs = Slogdet()._run(square_arg(input, "logdet"))
    s = data(sign)
    return Where.apply(s < 0, np.asarray(np.nan, s.dtype), Where.apply(s == 0, -np.inf, logabs))


@register("linalg.solve", top=False, method=False)
def solve(A: Tensor, B: Tensor, *, left: bool = True, out: Tensor | None = None) -> Tensor:
    """X with A X = B (left=False: X A = B); B a (batch of) vector(s) or matrices."""
    a = square_arg(A, "solve")
    b = tensor_arg(B, "solve", "B")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
            f"{torch_dtype_name(a)} and B of type {torch_dtype_name(b)} instead"
        )
    vector = b._data.ndim == 1 or (
        b._data.ndim == a._data.ndim - 1 and b._data.shape == a._data.shape[:-1]
    )
    if not left:
        if vector:
            raise RuntimeError("linalg.solve: Vector broadcasting of the left hand side is not "
                               "supported for left=False. In this case linalg.solve is "
                               "equivalent to B / A.squeeze(-1)")  # fmt: skip
        return solve(a.mT, b.mT).mT
    if vector:
        b = b.unsqueeze(-1)
    n = a._data.shape[-1]
    if b._data.shape[-2] != n:
        raise RuntimeError(
            f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
            f"({n}x{n} and {b._data.shape[-2]}x{b._data.shape[-1]})"
        )
    batch = np.broadcast_shapes(a._data.shape[:-2], b._data.shape[:-2])
    if a._data.shape[:-2] != batch:
        a = a.expand(*batch, n, n)
    if b._data.shape[:-2] != batch:
        b = b.expand(*batch, *b._data.shape[-2:])
    x = Solve()._run(a, b)
    return x.squeeze(-1) if vector else x
