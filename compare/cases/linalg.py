"""Linear algebra composites: einsum bilinear forms, least-squares fits through solve and lstsq,
a Gaussian likelihood through cholesky and slogdet, low-rank SVD, eigh, matrix norms."""

from __future__ import annotations

from ..function_case import tagged
from ..inputs import const, uniform

case = tagged("linalg")


@case(inputs={"x": uniform(4, 3), "a": uniform(3, 5), "y": uniform(4, 5)})
def einsum_bilinear(T, x, a, y):
    """x_b^T A y_b per row by one einsum, and the trace of A A^T by another"""
    return T.einsum("bi,ij,bj->b", x, a, y) + T.einsum("ij,ij->", a, a)


@case(inputs={"q": uniform(2, 3, 4), "k": uniform(2, 5, 4), "w": uniform(4, 4)})
def einsum_batched_scores(T, q, k, w):
    """attention-style scores q W k^T with ellipsis batching, and their diagonal sums"""
    s = T.einsum("...qd,de,...ke->...qk", q, w, k)
    return s.tanh() + T.einsum("...ii->...", s[..., :3, :3]).unsqueeze(-1).unsqueeze(-1)


@case(inputs={"x": uniform(8, 3), "y": const(8, 2)})
def least_squares_solve(T, x, y):
    """ridge regression through the normal equations: solve(X^T X + 0.1 I, X^T y), and its fit"""
    eye = T.eye(3, dtype=x.dtype)
    beta = T.linalg.solve(x.mT @ x + 0.1 * eye, x.mT @ y)
    return ((x @ beta - y) ** 2).mean() + beta.sum()


@case(inputs={"x": uniform(8, 3), "y": uniform(8, 2)})
def least_squares_lstsq(T, x, y):
    """the least-squares solution of X beta = y by lstsq, against the pseudo-inverse's"""
    # gelsd (SVD): torch's default gelsy differs in the last bits from one call to the next
    beta = T.linalg.lstsq(x, y, driver="gelsd").solution
    return beta + 0.5 * (T.linalg.pinv(x) @ y)


@case(inputs={"a": uniform(4, 4), "y": uniform(4)})
def gaussian_nll_cholesky(T, a, y):
    """-log N(y; 0, K) with K = A A^T + I: a Cholesky solve and the log-determinant"""
    k = a @ a.mT + T.eye(4, dtype=a.dtype)
    chol = T.linalg.cholesky(k)
    z = T.linalg.solve(chol, y)
    return 0.5 * (z * z).sum() + 0.5 * T.linalg.slogdet(k).logabsdet


@case(inputs={"a": uniform(5, 4)})
def svd_low_rank(T, a):
    """the best rank-2 approximation U_2 S_2 V_2^T (free of the vectors' signs) and the
    nuclear norm through svdvals"""
    u, s, vh = T.linalg.svd(a, full_matrices=False)
    low = (u[:, :2] * s[:2]) @ vh[:2]
    return low + T.linalg.svdvals(a).sum()


@case(inputs={"a": uniform(4, 4)})
def eigh_spectrum(T, a):
    """eigenvalues of the symmetric part, and the projector onto its top eigenvector"""
    w, v = T.linalg.eigh(a + a.mT)
    top = v[:, -1:]
    return w.sum() * 0.1 + (top @ top.mT)


@case(inputs={"a": uniform(3, 3, low=-0.5, high=0.5)})
def inverse_and_determinant(T, a):
    """inv(A + 3I) + det(A) * I + matrix_power(A, 3)"""
    b = a + 3 * T.eye(3, dtype=a.dtype)
    return T.linalg.inv(b) + T.linalg.det(a) * T.eye(3, dtype=a.dtype) + T.matrix_power(a, 3)


@case(inputs={"a": uniform(2, 3, 4)})
def matrix_norms(T, a):
    """Frobenius, nuclear, spectral, 1- and inf-norms of each matrix"""
    n = T.linalg.matrix_norm
    return n(a) + n(a, "nuc") + n(a, 2) + n(a, 1) + n(a, float("inf")) + T.norm(a[0], p="nuc")


@case(inputs={"a": uniform(2, 3), "b": uniform(2, 2), "c": uniform(3, 4)})
def products(T, a, b, c):
    """kron, tensordot, addmm and cross in one expression"""
    k = T.kron(a, b)  # (4, 6)
    cc = T.cat([c, c])  # (6, 4)
    bias = T.cross(c[:, :3], c[:, 1:], dim=1).sum()
    return T.tensordot(k, cc, 1) + T.addmm(bias, k, cc, beta=0.5)
