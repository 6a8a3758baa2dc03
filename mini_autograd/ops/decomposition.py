"""torch.linalg's decompositions on numpy's LAPACK: cholesky, qr, svd, svdvals, eigh, eigvalsh,
each forward beside torch's backward formula written with our ops, so the gradient of a gradient
flows through the same formulas again.

Matrices are the last two dimensions; every leading dimension is a batch.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from .._tensor import Tensor
from ._matrix import (
    NOT_PD,
    diag_embed,
    dtype_of,
    lapack,
    matrix_arg,
    mm,
    mT,
    mul,
    outputs,
    square_arg,
    tril,
    unsqueeze,
    zeros_for,
)
from ._registry import register
from ._util import Node, data
from .join import Cat
from .solve import Inv, Solve

QRResult = namedtuple("linalg_qr", ["Q", "R"])
SVDResult = namedtuple("linalg_svd", ["U", "S", "Vh"])
EighResult = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])


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
        lo = lapack(np.linalg.cholesky, sym, op="cholesky", what=NOT_PD)
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
        q, r = outputs(self, a)
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
        gq, gr = zeros_for(gys[0], self._y[0]), zeros_for(gys[1], self._y[1])
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
        u, s, vh = outputs(self, a)
        gu, gs, gvh = gys
        m, n = np.shape(a)[-2:]
        k = min(m, n)
        if self.full_matrices and m != n:  # the extra columns do not depend on A: narrow
            u, vh = u[..., :k], vh[..., :k, :]
            gu = None if gu is None else gu[..., :k]
            gvh = None if gvh is None else gvh[..., :k, :]
        return _svd_backward(u, s, vh, gu, gs, gvh, m, n)


def _svd_backward(u, s, vh, gu, gs, gvh, m, n):
    dtype = dtype_of(s)
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
        w, v = outputs(self, a)
        gw, gv = gys
        dtype = dtype_of(w)
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
