"""The matrix helpers of the linalg families (solve, decomposition, lstsq, norms): transposes,
products and triangles of the last two dimensions that work on arrays (a plain backward) and on
Tensors (under create_graph), the argument checks with torch's messages, and LAPACK errors raised
as torch.linalg.LinAlgError.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor, _make
from ._util import Node, data, tensor_arg, torch_dtype_name
from .elementwise import Mul
from .linalg import MatMul
from .shape import Reshape, Transpose

# --- matrix helpers that work on arrays (plain backward) and Tensors (create_graph) -------------


def mT(x: Any) -> Any:  # noqa: N802 - torch's name
    return Transpose.apply(x, dim0=-1, dim1=-2)


def mm(a: Any, b: Any) -> Any:
    return MatMul.apply(a, b, node="MatmulBackward0")


def mul(a: Any, b: Any) -> Any:
    return Mul.apply(a, b)


def unsqueeze(x: Any, dim: int) -> Any:
    shape = list(np.shape(x))
    shape.insert(dim if dim >= 0 else len(shape) + 1 + dim, 1)
    return Reshape.apply(x, shape=tuple(shape))


def diag_embed(v: Any) -> Any:
    """Matrices with v on the diagonal."""
    n = np.shape(v)[-1]
    return mul(unsqueeze(v, -2), np.eye(n, dtype=dtype_of(v)))


def tril(x: Any, k: int = 0) -> Any:
    n, m = np.shape(x)[-2:]
    return mul(x, np.tril(np.ones((n, m), dtype=dtype_of(x)), k))


def dtype_of(x: Any) -> np.dtype:
    return np.asarray(data(x)).dtype


def outputs(fn: Node, like: Any) -> tuple[Any, ...]:
    """A multi-output node's results: Tensors of this graph under create_graph, else arrays."""
    if isinstance(like, Tensor):
        return tuple(_make(y, fn, i) for i, y in enumerate(fn._y))
    return fn._y


def zeros_for(g: Any, like: np.ndarray) -> Any:
    return np.zeros(like.shape, like.dtype) if g is None else g


# --- argument checks ----------------------------------------------------------------------------


def square_arg(x: Any, op: str, arg: str = "A") -> Tensor:
    """A floating tensor of (batches of) square matrices, with torch's messages."""
    x = tensor_arg(x, op, arg)
    matrix_arg(x, op, arg)
    if x._data.shape[-1] != x._data.shape[-2]:
        raise RuntimeError(
            f"linalg.{op}: {arg} must be batches of square matrices, but they are "
            f"{x._data.shape[-2]} by {x._data.shape[-1]} matrices"
        )
    return x


def matrix_arg(x: Any, op: str, arg: str = "A") -> Tensor:
    x = tensor_arg(x, op, arg)
    if x._data.ndim < 2:
        raise RuntimeError(f"linalg.{op}: The input tensor {arg} must have at least 2 dimensions.")
    if x._data.dtype.kind != "f":
        raise RuntimeError(
            f"linalg.{op}: Expected a floating point or complex tensor as input. Got "
            f"{torch_dtype_name(x)}"
        )
    return x


def lapack(fn, *arrays, op: str, what: str = "The factorization could not be completed"):
    try:
        return fn(*arrays)
    except np.linalg.LinAlgError as e:
        from ..linalg import LinAlgError

        raise LinAlgError(f"linalg.{op}: {what} ({e}).") from None


SINGULAR = "The diagonal element is zero: the input matrix is singular"
NOT_PD = "The factorization could not be completed because the input is not positive-definite"
