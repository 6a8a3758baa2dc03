"""Products beyond matmul: beta * input + alpha * product (addmm, addmv, addbmm, baddbmm), mv,
matrix_power, chain_matmul and the 3-D cross product, each forward beside its backward."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from .._warn_once import user_stacklevel
from ._registry import register
from ._util import Node, broadcast_error, tensor_arg
from .elementwise import Mul
from .linalg import MatMul, _check_dtypes, _shapes_error, matmul, mm
from .shape import Reshape, SumToSize, Transpose, _expand_shape

# --- beta * input + alpha * product, and matrix powers -----------------------------------------


class AddProduct(Node):
    """beta * c + alpha * (a @ b) (summed over the batch for addbmm): d/dc = beta gy summed to
    c's shape, d/da = alpha gy b^T, d/db = alpha a^T gy"""

    def __init__(self, node: str, beta: float, alpha: float, batch_sum: bool = False) -> None:
        self.node, self.beta, self.alpha, self.batch_sum = node, beta, alpha, batch_sum

    def forward(self, c, a, b):
        p = np.matmul(a, b)
        if self.batch_sum:
            p = np.add.reduce(p, 0)
        if self.alpha != 1:
            p = p * np.asarray(self.alpha, dtype=p.dtype)
        if self.beta == 0:  # torch ignores input then: nan and inf in it do not propagate
            return np.broadcast_to(p, np.broadcast_shapes(np.shape(c), p.shape)).copy()
        return p + (c if self.beta == 1 else c * np.asarray(self.beta, dtype=p.dtype))

    def backward(self, gy, c, a, b):
        need_c, need_a, need_b = self.needs_input_grad
        gc = ga = gb = None
        if need_c:
            gc = SumToSize.apply(gy * self.beta, shape=np.shape(c))
        g = gy * self.alpha if self.alpha != 1 else gy
        vec = np.ndim(b) == 1
        if vec:  # addmv: a (n, m), b (m,)
            if need_a:
                ga = Mul.apply(Reshape.apply(g, shape=(-1, 1)), b)
            if need_b:
                gb = MatMul.apply(Transpose.apply(a, dim0=0, dim1=1), g, node="MvBackward0")
            return gc, ga, gb
        if self.batch_sum:
            g = Reshape.apply(g, shape=(1, *np.shape(g)))
        if need_a:
            ga = MatMul.apply(g, Transpose.apply(b, dim0=-1, dim1=-2), node="MatMulBackward0")
        if need_b:
            gb = MatMul.apply(Transpose.apply(a, dim0=-1, dim1=-2), g, node="MatMulBackward0")
        return gc, ga, gb


def _add_product(op, input, a, b, beta, alpha, out_shape, batch_sum=False):
    c = tensor_arg(input, op)
    try:
        _expand_shape(c._data.shape, out_shape, op)
    except RuntimeError:
        raise RuntimeError(
            f"The expanded size of the tensor ({out_shape[-1]}) must match the existing size "
            f"({c._data.shape[-1]}) at non-singleton dimension {len(out_shape) - 1}.  Target "
            f"sizes: {list(out_shape)}.  Tensor sizes: {list(c._data.shape)}"
        ) from None
    for t in (a, b):
        _check_dtypes(c, t, op)
    node = op[0].upper() + op[1:] + "Backward0"
    return AddProduct(node, beta, alpha, batch_sum)._run(c, a, b)


def _matrices(op: str, *named: tuple[str, Tensor, int]) -> None:
    for name, t, nd in named:
        tensor_arg(t, op, name)
        if t._data.ndim != nd:
            what = {1: "vector", 2: "matrix"}.get(nd, f"{nd}D tensor")
            raise RuntimeError(f"{op}: {name} must be a {what}, got {t._data.ndim}-D")


@register()
def addmm(
    input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1, alpha: float = 1
) -> Tensor:
    """beta * input + alpha * (mat1 @ mat2), input broadcast to the product's shape."""
    _matrices("addmm", ("mat1", mat1, 2), ("mat2", mat2, 2))
    if mat1._data.shape[1] != mat2._data.shape[0]:
        raise _shapes_error(mat1._data.shape, mat2._data.shape)
    out = (mat1._data.shape[0], mat2._data.shape[1])
    return _add_product("addmm", input, mat1, mat2, beta, alpha, out)


@register()
def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """beta * input + alpha * (mat @ vec)."""
    tensor_arg(input, "addmv")
    _matrices("addmv", ("mat", mat, 2), ("vec", vec, 1))
    n, m = mat._data.shape
    if vec._data.shape[0] != m or input._data.ndim > 1 or input._data.size not in (1, n):
        raise RuntimeError(
            f"size mismatch, got input ({input._data.size}), mat ({n}x{m}), "
            f"vec ({vec._data.shape[0]})"
        )
    return _add_product("addmv", input, mat, vec, beta, alpha, (n,))


def _batches(op: str, b1: Tensor, b2: Tensor) -> None:
    _matrices(op, ("batch1", b1, 3), ("batch2", b2, 3))
    s1, s2 = b1._data.shape, b2._data.shape
    if s1[0] != s2[0] or s1[2] != s2[1]:
        raise RuntimeError(
            f"{op}: batch1 {list(s1)} and batch2 {list(s2)} must be (b, n, m) and (b, m, p)"
        )


@register()
def baddbmm(
    input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: float = 1, alpha: float = 1
) -> Tensor:
    """beta * input + alpha * bmm(batch1, batch2)."""
    _batches("baddbmm", batch1, batch2)
    out = (batch1._data.shape[0], batch1._data.shape[1], batch2._data.shape[2])
    return _add_product("baddbmm", input, batch1, batch2, beta, alpha, out)


@register()
def addbmm(
    input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: float = 1, alpha: float = 1
) -> Tensor:
    """beta * input + alpha * sum_b batch1[b] @ batch2[b]."""
    _batches("addbmm", batch1, batch2)
    out = (batch1._data.shape[1], batch2._data.shape[2])
    return _add_product("addbmm", input, batch1, batch2, beta, alpha, out, batch_sum=True)


@register()
def mv(input: Tensor, vec: Tensor) -> Tensor:
    """The product of a matrix and a vector."""
    a, v = tensor_arg(input, "mv"), tensor_arg(vec, "mv", "vec")
    if a._data.ndim != 2 or v._data.ndim != 1:
        raise RuntimeError(
            f"vector + matrix @ vector expected, got 1, {a._data.ndim}, {v._data.ndim}"
        )
    if a._data.shape[1] != v._data.shape[0]:
        n, m = a._data.shape
        raise RuntimeError(
            f"size mismatch, got input ({n}), mat ({n}x{m}), vec ({v._data.shape[0]})"
        )
    _check_dtypes(a, v, "mv")
    return MatMul("MvBackward0")._run(a, v)


@register()
def matrix_power(input: Tensor, n: int) -> Tensor:
    """A^n by repeated squaring (n = 0: the identity; n < 0: powers of the inverse)."""
    a = tensor_arg(input, "matrix_power")
    shape = a._data.shape
    if a._data.ndim < 2 or shape[-1] != shape[-2]:
        raise RuntimeError(
            "linalg.matrix_power: A must be batches of square matrices, but they are "
            f"{shape[-2] if a._data.ndim >= 2 else 1} by {shape[-1] if shape else 1} matrices"
        )
    if n == 0:
        eye = np.broadcast_to(np.eye(shape[-1], dtype=a._data.dtype), shape).copy()
        if not a._requires_grad:
            return _like(eye)
        return a.clone().copy_(_like(eye))  # torch's: CopyBackwards over a clone, zero gradient
    if n < 0:
        from .solve import inv

        a, n = inv(a), -n
    result, base = None, a
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result.clone() if result is a else result


def _like(arr: np.ndarray) -> Tensor:
    from .._tensor import _make

    return _make(arr)


@register(method=False)
def chain_matmul(*matrices: Tensor, out: Tensor | None = None) -> Tensor:
    """The product of the matrices, left to right (deprecated in torch for linalg.multi_dot)."""
    import warnings

    warnings.warn(
        "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
        "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather "
        "than multiple parameters.",
        UserWarning,
        stacklevel=user_stacklevel(),
    )
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for k, m in enumerate(matrices):
        if tensor_arg(m, "chain_matmul", "matrices")._data.ndim != 2:
            raise RuntimeError(
                f"Tensor dimension is {m._data.ndim}, expected 2 instead."
                if len(matrices) == 1
                else f"multi_dot(): tensor {k} must be 2D but got {m._data.ndim}D"
            )
    if len(matrices) == 1:
        return matrices[0].clone()
    out_ = matrices[0]
    for m in matrices[1:]:
        out_ = mm(out_, m)
    return out_


class Cross(Node):
    """d(a x b) = (b x gy, gy x a) along dim"""

    node = "LinalgCrossBackward0"

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, a, b):
        return np.cross(a, b, axis=self.dim)

    def backward(self, gy, a, b):
        need_a, need_b = self.needs_input_grad
        ga = Cross.apply(b, gy, dim=self.dim) if need_a else None
        gb = Cross.apply(gy, a, dim=self.dim) if need_b else None
        return ga, gb


def _cross(a: Tensor, b: Tensor, dim: int | None, op: str) -> Tensor:
    a, b = tensor_arg(a, op), tensor_arg(b, op, "other")
    if a._data.ndim != b._data.ndim:
        raise RuntimeError(
            f"linalg.cross: inputs must have the same number of dimensions (got {a._data.ndim} "
            f"and {b._data.ndim})"
        )
    try:
        shape = np.broadcast_shapes(a._data.shape, b._data.shape)
    except ValueError:
        raise broadcast_error(op, a._data.shape, b._data.shape) from None
    if dim is None:
        import warnings

        warnings.warn(
            "Using torch.cross without specifying the dim arg is deprecated.\nPlease either "
            "pass the dim explicitly or simply use torch.linalg.cross.\nThe default value of "
            "dim will change to agree with that of linalg.cross in a future release.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
        dim = next((d for d, n in enumerate(shape) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    d = dim % max(len(shape), 1)
    if a._data.shape[d] != 3 or b._data.shape[d] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got "
            f"{a._data.shape[d]} and {b._data.shape[d]}"
        )
    _check_dtypes(a, b, op)
    if a._data.shape != shape:
        a = a.expand(*shape)
    if b._data.shape != shape:
        b = b.expand(*shape)
    return Cross(d)._run(a, b)


@register()
def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """The 3-D cross product along dim (None: the first dimension of size 3, deprecated)."""
    return _cross(input, other, dim, "cross")


def linalg_cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """torch.linalg.cross: the 3-D cross product along dim (default the last)."""
    return _cross(input, other, dim, "linalg.cross")
