"""torch.linalg's norms: vector_norm, matrix_norm (Frobenius, nuclear, spectral, and the 1- and
inf-norms of the columns and rows) and norm, which picks one of them as torch does.

Each is a composite of differentiable ops (the vector norm, sums, amax, svdvals), as in torch,
so gradients and ties follow torch's rules.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._matrix import matrix_arg
from ._registry import register
from ._util import tensor_arg
from .decomposition import svdvals
from .minmax import amax, amin
from .reduction import norm as _vector_norm
from .reduction import sum as sum_
from .unary import abs as abs_

Ord = float | int | str | None


@register("linalg.vector_norm", top=False, method=False)
def vector_norm(
    x: Tensor,
    ord: float = 2,
    dim: int | Sequence[int] | None = None,
    keepdim: bool = False,
    *,
    dtype: _dtype.dtype | None = None,
    out: Tensor | None = None,
) -> Tensor:
    """(sum |x|^ord)^(1/ord) over dim (every element by default); ord inf, -inf and 0 too."""
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: ord must be a number, got {ord!r}")
    return _vector_norm(tensor_arg(x, "linalg.vector_norm"), ord, dim, keepdim, dtype=dtype)


def _matrix_dims(a: Tensor, dim: Sequence[int]) -> tuple[int, int]:
    if len(dim) != 2:
        raise RuntimeError(
            f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}"
        )
    d0, d1 = (_wrap_dim(d, a.dim(), "linalg.matrix_norm") for d in dim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({d0}, {d1})")
    return d0, d1


@register("linalg.matrix_norm", top=False, method=False)
def matrix_norm(
    A: Tensor,
    ord: Ord = "fro",
    dim: Sequence[int] = (-2, -1),
    keepdim: bool = False,
    *,
    dtype: _dtype.dtype | None = None,
    out: Tensor | None = None,
) -> Tensor:
    """The matrix norm of each matrix (over `dim`): 'fro', 'nuc', 2, -2, 1, -1, inf, -inf."""
    a = matrix_arg(A, "matrix_norm")
    if dtype is not None:
        a = a.to(dtype)
    d0, d1 = _matrix_dims(a, dim)
    if ord == "fro":
        return _vector_norm(a, 2, (d0, d1), keepdim)
    if ord in ("nuc", 2, -2):
        rest = [d for d in range(a.dim()) if d not in (d0, d1)]
        s = svdvals(a.permute(*rest, d0, d1))
        out = sum_(s, -1) if ord == "nuc" else amax(s, -1) if ord == 2 else amin(s, -1)
        if keepdim:
            for d in sorted((d0, d1)):
                out = out.unsqueeze(d)
        return out
    if ord in (1, -1, math.inf, -math.inf):
        summed, reduced = (d0, d1) if abs(ord) == 1 else (d1, d0)
        s = sum_(abs_(a), summed, keepdim=keepdim)
        if not keepdim and reduced > summed:
            reduced -= 1
        return amax(s, reduced, keepdim) if ord > 0 else amin(s, reduced, keepdim)
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


@register("linalg.norm", top=False, method=False)
def norm(
    A: Tensor,
    ord: Ord = None,
    dim: int | Sequence[int] | None = None,
    keepdim: bool = False,
    *,
    dtype: _dtype.dtype | None = None,
    out: Tensor | None = None,
) -> Tensor:
    """A vector norm (1-D input, or an int dim) or a matrix norm (2-D input, or a 2-tuple dim)."""
    a = tensor_arg(A, "linalg.norm")
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        if len(dim) == 2:
            return matrix_norm(a, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
        return vector_norm(a, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(a, 2, None, keepdim, dtype=dtype)
    if a.dim() not in (1, 2):
        raise RuntimeError(
            "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
            f"Got {a.dim()}D."
        )
    if a.dim() == 2:
        return matrix_norm(a, ord, (-2, -1), keepdim, dtype=dtype)
    return vector_norm(a, ord, None, keepdim, dtype=dtype)
