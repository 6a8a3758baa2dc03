"""torch.linalg's solvers and decompositions on numpy's LAPACK: inv, det, slogdet, solve, cholesky,
qr, svd, eigh, each forward beside torch's backward formula written with our ops, so the
gradient of a gradient flows through the same formulas again.

Matrices are the last two dimensions; every leading dimension is a batch.
"""

from __future__ import annotations

import string
from collections import namedtuple
from typing import Any

import numpy as np

from .._tensor import Tensor, _make
from ._registry import register
from ._util import Node, data, tensor_arg, torch_dtype_name
from .einsum import Einsum
from .elementwise import Mul, Where
from .join import Cat
from .linalg import MatMul
from .shape import Reshape, Transpose

SlogdetResult = namedtuple("slogdet", ["sign", "logabsdet"])
QRResult = namedtuple("linalg_qr", ["Q", "R"])
SVDResult = namedtuple("linalg_svd", ["U", "S", "Vh"])
EighResult = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])


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


def diagonal(x: Any) -> Any:
    """The diagonal of each matrix: x[..., i, i]."""
    lead = string.ascii_letters[: np.ndim(x) - 2]
    return Einsum.apply(x, subs=(lead + "zz",), out=lead + "z")


def diag_embed(v: Any) -> Any:
    """Matrices with v on the diagonal."""
    n = np.shape(v)[-1]
    return mul(unsqueeze(v, -2), np.eye(n, dtype=_dtype_of(v)))


def tril(x: Any, k: int = 0) -> Any:
    n, m = np.shape(x)[-2:]
    return mul(x, np.tril(np.ones((n, m), dtype=_dtype_of(x)), k))


def _dtype_of(x: Any) -> np.dtype:
    return np.asarray(data(x)).dtype


def _outputs(fn: Node, like: Any) -> tuple[Any, ...]:
    """A multi-output node's results: Tensors of this graph under create_graph, else arrays."""
    if isinstance(like, Tensor):
        return tuple(_make(y, fn, i) for i, y in enumerate(fn._y))
    return fn._y


def _zeros_for(g: Any, like: np.ndarray) -> Any:
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


def _lapack(fn, *arrays, op: str, what: str = "The factorization could not be completed"):
    try:
        return fn(*arrays)
    except np.linalg.LinAlgError as e:
        from ..linalg import LinAlgError

        raise LinAlgError(f"linalg.{op}: {what} ({e}).") from None


_SINGULAR = "The diagonal element is zero: the input matrix is singular"
_NOT_PD = "The factorization could not be completed because the input is not positive-definite"


# --- inverse, determinants, solve ---------------------------------------------------------------


class Inv(Node):
    """d inv(A) = -inv(A)^T gy inv(A)^T"""

    node = "LinalgInvExBackward0"
    save_output = True

    def forward(self, a):
        return _lapack(np.linalg.inv, a, op="inv", what=_SINGULAR)

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
            return np.zeros(np.shape(a), _dtype_of(a))
        return mul(unsqueeze(unsqueeze(g, -1), -1), mT(Inv.apply(a)))


class Solve(Node):
    """X = A^{-1} B: gB = A^{-T} gy, gA = -gB X^T"""

    node = "LinalgSolveExBackward0"
    save_output = True

    def forward(self, a, b):
        return _lapack(np.linalg.solve, a, b, op="solve", what=_SINGULAR)

    def backward(self, gy, a, b):
        gb = Solve.apply(mT(a), gy)
        ga = -mm(gb, mT(self.saved_output(gy))) if self.needs_input_grad[0] else None
        return ga, (gb if self.needs_input_grad[1] else None)


# --- decompositions ---------------------------------------------------------------------------


class Cholesky(Node):
    """A = L L^T: gA = L^{-T} sym(Phi(L^T gL)) L^{-1}, Phi = the lower triangle, diagonal halved"""

    node = "LinalgCholeskyExBackward0"
    save_output = True

    def __init__(self, upper: bool) -> None:
        self.upper = upper

    def forward(self, a):
        tri = np.tril(a)  # LAPACK reads the lower triangle only, as torch
        sym = tri + np.swapaxes(np.tril(a, -1), -1, -2)
        lo = _lapack(np.linalg.cholesky, sym, op="cholesky", what=_NOT_PD)
        return np.swapaxes(lo, -1, -2).copy() if self.upper else lo

    def backward(self, gy, a):
        low, g = self.saved_output(gy), gy
        if self.upper:
            low, g = mT(low), mT(g)
        p = tril(mm(mT(low), g))
        p = (p + mT(tril(p, -1))) * 0.5
        inv_l = Inv.apply(low)
        return mm(mm(mT(inv_l), p), inv_l)


class QR(Node):
    """A = QR (reduced, m >= n): gA = (gQ + Q copyltu(M)) R^{-T}, M = R gR^T - gQ^T Q"""

    node = "LinalgQrBackward0"

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def forward(self, a):
        q, r = np.linalg.qr(a, mode=self.mode)
        self._y = (q, r) if self.mode != "r" else (np.zeros(a.shape[:-2] + (0,), a.dtype), r)
        return self._y

    def backward(self, gys, a):
        q, r = _outputs(self, a)
        m, n = np.shape(a)[-2:]
        if self.mode == "r":
            raise RuntimeError(
                "The derivative of linalg.qr depends on Q, which is not computed when "
                "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to "
                "differentiate through linalg.qr."
            )
        if self.mode == "complete" and m > n:
            raise RuntimeError(
                "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
            )
        gq, gr = _zeros_for(gys[0], self._y[0]), _zeros_for(gys[1], self._y[1])
        if m >= n:
            return _qr_square_backward(q, r, gq, gr)
        # A = Q [X | Y], R = [U | V]: Y = Q V moves part of gQ onto X's problem
        u, y = r[..., :m], a[..., m:]
        gu, gv = gr[..., :m], gr[..., m:]
        gx = _qr_square_backward(q, u, gq + mm(y, mT(gv)), gu)
        return Cat.apply(gx, mm(q, gv), dim=np.ndim(a) - 1)


def _qr_square_backward(q, r, gq, gr):
    m_ = mm(r, mT(gr)) - mm(mT(gq), q)
    copyltu = tril(m_) + mT(tril(m_, -1))
    b = gq + mm(q, copyltu)
    return mT(Solve.apply(r, mT(b)))  # b R^{-T}


class SVD(Node):
    """A = U S V^T (reduced): gA = U [sym parts / (s_j^2 - s_i^2) + diag(gS)] V^T + the
    components outside U's and V's column spaces"""

    node = "LinalgSvdBackward0"

    def __init__(self, full_matrices: bool, compute_uv: bool = True) -> None:
        self.full_matrices, self.compute_uv = full_matrices, compute_uv

    def forward(self, a):
        if not self.compute_uv:
            self._y = (np.linalg.svd(a, compute_uv=False),)
            return self._y[0]
        u, s, vh = np.linalg.svd(a, full_matrices=self.full_matrices)
        self._y = (u, s, vh)
        return self._y

    def backward(self, gys, a):
        if not self.compute_uv:
            return _svdvals_backward(gys, a)
        u, s, vh = _outputs(self, a)
        gu, gs, gvh = gys
        m, n = np.shape(a)[-2:]
        k = min(m, n)
        if self.full_matrices and m != n:  # the extra columns do not depend on A: narrow
            u, vh = u[..., :k], vh[..., :k, :]
            gu = None if gu is None else gu[..., :k]
            gvh = None if gvh is None else gvh[..., :k, :]
        return _svd_backward(u, s, vh, gu, gs, gvh, m, n)


def _svd_backward(u, s, vh, gu, gs, gvh, m, n):
    dtype = _dtype_of(s)
    if gu is None and gvh is None:
        return mm(mul(u, unsqueeze(gs, -2)), vh)
    k = np.shape(s)[-1]
    v = mT(vh)
    gu = np.zeros(np.shape(u), dtype) if gu is None else gu
    gv = np.zeros((*np.shape(vh)[:-2], n, k), dtype) if gvh is None else mT(gvh)
    uhgu, vhgv = mm(mT(u), gu), mm(vh, gv)
    s2 = s * s
    eye = np.eye(k, dtype=dtype)
    e = unsqueeze(s2, -2) - unsqueeze(s2, -1) + eye  # E_ij = s_j^2 - s_i^2, 1 on the diagonal
    skew_u, skew_v = uhgu - mT(uhgu), vhgv - mT(vhgv)
    inner = (mul(skew_u, unsqueeze(s, -2)) + mul(unsqueeze(s, -1), skew_v)) / e
    inner = mul(inner, 1 - eye)
    if gs is not None:
        inner = inner + diag_embed(gs)
    ga = mm(mm(u, inner), vh)
    if m > n:
        ga = ga + mm(mul(gu - mm(u, uhgu), unsqueeze(1 / s, -2)), vh)
    elif m < n:
        ga = ga + mm(u, mT(mul(gv - mm(v, vhgv), unsqueeze(1 / s, -2))))
    return ga


def _svdvals_backward(gs, a):
    """d svdvals(A) = U diag(gS) V^T, the vectors recomputed (on the graph under create_graph)."""
    u, _, vh = np.linalg.svd(data(a), full_matrices=False)
    if isinstance(a, Tensor):  # the vectors again, on the graph, for a second derivative
        u, _, vh = svd(a, full_matrices=False)
    return mm(mul(u, unsqueeze(gs, -2)), vh)


class Eigh(Node):
    """A = V diag(L) V^T: gA = V (diag(gL) + skew(V^T gV) / (2 (L_j - L_i))) V^T, symmetric"""

    node = "LinalgEighBackward0"

    def __init__(self, uplo: str) -> None:
        self.uplo = uplo

    def forward(self, a):
        w, v = np.linalg.eigh(a, UPLO=self.uplo)
        self._y = (w, v)
        return self._y

    def backward(self, gys, a):
        w, v = _outputs(self, a)
        gw, gv = gys
        dtype = _dtype_of(w)
        if gv is None:
            return mm(mul(v, unsqueeze(gw, -2)), mT(v))
        n = np.shape(w)[-1]
        eye = np.eye(n, dtype=dtype)
        e = unsqueeze(w, -2) - unsqueeze(w, -1) + eye  # E_ij = L_j - L_i
        vhgv = mm(mT(v), gv)
        inner = mul((vhgv - mT(vhgv)) * 0.5 / e, 1 - eye)
        if gw is not None:
            inner = inner + diag_embed(gw)
        return mm(mm(v, inner), mT(v))


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


@register("linalg.cholesky", top=False, method=False)
def cholesky(A: Tensor, *, upper: bool = False, out: Tensor | None = None) -> Tensor:
    """The lower (or upper) triangular L with A = L L^T, for symmetric positive-definite A."""
    return Cholesky(upper)._run(square_arg(A, "cholesky"))


@register("linalg.qr", top=False, method=False)
def qr(A: Tensor, mode: str = "reduced", *, out: Any = None) -> QRResult:
    """A = Q R: Q with orthonormal columns, R upper triangular (mode 'reduced', 'complete', 'r')."""
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
            "'r', or 'complete'"
        )
    q, r = QR(mode)._run(matrix_arg(A, "qr"))
    return QRResult(q, r)


@register("linalg.svd", top=False, method=False)
def svd(A: Tensor, full_matrices: bool = True, *, driver: str | None = None) -> SVDResult:
    """A = U diag(S) Vh, singular values in descending order."""
    u, s, vh = SVD(full_matrices)._run(matrix_arg(A, "svd"))
    return SVDResult(u, s, vh)


@register("linalg.svdvals", top=False, method=False)
def svdvals(A: Tensor, *, driver: str | None = None) -> Tensor:
    """The singular values, in descending order."""
    return SVD(False, compute_uv=False)._run(matrix_arg(A, "svdvals"))


@register("linalg.eigh", top=False, method=False)
def eigh(A: Tensor, UPLO: str = "L") -> EighResult:  # noqa: N803 - torch's name
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix (one triangle
    read)."""
    if UPLO not in ("L", "U"):
        raise RuntimeError("Expected UPLO argument to be 'L' or 'U', but got " + UPLO)
    w, v = Eigh(UPLO)._run(square_arg(A, "eigh"))
    return EighResult(w, v)


@register("linalg.eigvalsh", top=False, method=False)
def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:  # noqa: N803 - torch's name
    """The eigenvalues of a symmetric matrix, ascending."""
    return eigh(A, UPLO).eigenvalues
