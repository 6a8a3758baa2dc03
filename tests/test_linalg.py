"""The linear-algebra table: einsum and the products, torch.linalg's norms, solvers and
decompositions, each run under torch and mini_autograd (see tests/opinfo.py).

Values, dtypes and node names against torch in float32 and float64, gradients under a random
upstream gradient, second derivatives against torch's in float64, and gradcheck + gradgradcheck.
Decompositions whose vectors have a sign gauge (svd, eigh) are tested through gauge-invariant
functions of them; cholesky and eigh, which read one triangle, are gradchecked through a
symmetric composite (torch's gradient is the symmetric one).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from opinfo import Spec, assert_raises_as_torch, case, randn, table_tests

import mini_autograd as ma

pytestmark = [
    pytest.mark.filterwarnings("error::RuntimeWarning"),
    pytest.mark.filterwarnings("ignore:Using torch.cross without:UserWarning"),
    pytest.mark.filterwarnings("ignore:torch.chain_matmul is deprecated:UserWarning"),
]


def L(T):  # noqa: N802 - torch.linalg
    return T.linalg


def spd(n: int, *batch: int) -> Spec:
    """Symmetric positive-definite matrices, well conditioned."""

    def make(rng: np.random.Generator, dt: type) -> np.ndarray:
        x = rng.standard_normal((*batch, n, n))
        return (x @ np.swapaxes(x, -1, -2) + n * np.eye(n)).astype(dt)

    return Spec(make)


def wellcond(n: int, *batch: int) -> Spec:
    """Random square matrices plus n I: far from singular, so float32 solves stay accurate."""
    return Spec(lambda rng, dt: (rng.standard_normal((*batch, n, n)) + n * np.eye(n)).astype(dt))


def gauge_free(u, s, vh):  # u diag(s) vh's pieces that do not depend on the signs of vectors
    return u @ vh, s, (u * u).sum(-1)


# fmt: off
CASES = [
    # --- einsum: explicit, implicit, ellipsis, broadcast, diagonals, sublists ------------------
    case("einsum", lambda T, a, b: T.einsum("ij,jk->ik", a, b), randn(2, 3), randn(3, 4),
         node=False),
    case("einsum", lambda T, a, b: T.einsum("ij,kj", a, b), randn(2, 1), randn(3, 4),
         label="implicit-broadcast", node=False),
    case("einsum", lambda T, a, b: T.einsum("...ij,...jk", a, b), randn(5, 1, 2, 3),
         randn(4, 3, 2), label="ellipsis", node=False),
    case("einsum", lambda T, a: T.einsum("ii->i", a), randn(3, 3), label="diagonal", node=False),
    case("einsum", lambda T, a: T.einsum("ii", a), randn(3, 3), label="trace", node=False),
    case("einsum", lambda T, a: T.einsum("iji->j", a), randn(3, 2, 3), label="repeated-3d",
         node=False),
    case("einsum", lambda T, a, b, c: T.einsum("ijk,jl,kl->il", a, b, c), randn(2, 3, 4),
         randn(3, 5), randn(4, 5), label="three", node=False),
    case("einsum", lambda T, a: T.einsum("i,i,i->", a, a, a), randn(3), label="same-operand",
         node=False),
    case("einsum", lambda T, x, a, y: T.einsum("bi,ij,bj->b", x, a, y), randn(4, 3), randn(3, 5),
         randn(4, 5), label="bilinear", node=False),
    case("einsum", lambda T, a, b: T.einsum("b i, b j -> b i j", [a, b]), randn(2, 3), randn(2, 4),
         label="spaces-list", node=False),
    case("einsum", lambda T, a, b: T.einsum(a, [0, 1], b, [1, 2], [0, 2]), randn(2, 3),
         randn(3, 4), label="sublist", node=False),
    case("einsum", lambda T, a: T.einsum("i...->...", a), randn(3, 2, 2), label="sum-ellipsis",
         node=False),
    case("tensordot", lambda T, a, b: T.tensordot(a, b, 1), randn(2, 3), randn(3, 4), node=False),
    case("tensordot", lambda T, a, b: T.tensordot(a, b, dims=([0, 2], [2, 0])), randn(2, 3, 4),
         randn(4, 5, 2), label="pairs", node=False),
    case("kron", lambda T, a, b: T.kron(a, b), randn(2, 3), randn(2, 2), node=False),
    case("kron", lambda T, a, b: a.kron(b), randn(3), randn(2, 2), label="ranks", node=False),
    # --- products with an added term, powers, cross ---------------------------------------
    case("addmm", lambda T, c, a, b: T.addmm(c, a, b), randn(3), randn(2, 4), randn(4, 3)),
    case("addmm", lambda T, c, a, b: c.addmm(a, b, beta=0.5, alpha=-2), randn(2, 3), randn(2, 4),
         randn(4, 3), label="alpha-beta"),
    case("addmm", lambda T, c, a, b: T.addmm(c, a, b, beta=0), randn(2, 3), randn(2, 4),
         randn(4, 3), label="beta0"),
    case("addmv", lambda T, c, a, b: T.addmv(c, a, b, alpha=0.5), randn(2), randn(2, 3), randn(3)),
    case("addbmm", lambda T, c, a, b: T.addbmm(c, a, b, beta=2), randn(2, 3), randn(5, 2, 4),
         randn(5, 4, 3)),
    case("baddbmm", lambda T, c, a, b: T.baddbmm(c, a, b), randn(3), randn(5, 2, 4),
         randn(5, 4, 3)),
    case("mv", lambda T, a, b: T.mv(a, b), randn(2, 3), randn(3)),
    case("matrix_power", lambda T, a: T.matrix_power(a, 3), randn(3, 3)),
    case("matrix_power", lambda T, a: a.matrix_power(-2), randn(2, 3, 3) , label="negative",
         node=False),
    case("matrix_power", lambda T, a: L(T).matrix_power(a, 0) * 1.0, randn(3, 3), label="zero",
         node=False),
    case("chain_matmul", lambda T, a, b, c: T.chain_matmul(a, b, c), randn(2, 3), randn(3, 4),
         randn(4, 2), node=False),
    case("cross", lambda T, a, b: T.cross(a, b, dim=0), randn(3, 4), randn(3, 4)),
    case("cross", lambda T, a, b: L(T).cross(a, b), randn(2, 3), randn(1, 3), label="linalg"),
    # --- torch.linalg -------------------------------------------------------------------
    case("linalg.inv", lambda T, a: L(T).inv(a), spd(3)),
    case("linalg.inv", lambda T, a: L(T).inv(a), randn(2, 3, 3), label="batch"),
    case("inverse", lambda T, a: a.inverse(), randn(3, 3)),
    case("linalg.det", lambda T, a: L(T).det(a), randn(2, 3, 3)),
    case("det", lambda T, a: a.det(), randn(3, 3)),
    case("linalg.slogdet", lambda T, a: L(T).slogdet(a), randn(2, 3, 3)),
    case("slogdet", lambda T, a: T.slogdet(a).logabsdet, randn(3, 3)),
    case("logdet", lambda T, a: T.logdet(a), spd(3), node=False),
    case("linalg.solve", lambda T, a, b: L(T).solve(a, b), wellcond(3), randn(3, 2)),
    case("linalg.solve", lambda T, a, b: L(T).solve(a, b), wellcond(3, 2), randn(3), label="vec",
         node=False),
    case("linalg.solve", lambda T, a, b: L(T).solve(a, b, left=False), wellcond(3), randn(2, 3),
         label="right", node=False),
    case("linalg.cholesky", lambda T, a: L(T).cholesky(a), spd(3), gradcheck=False),
    case("linalg.cholesky", lambda T, a: L(T).cholesky(a, upper=True), spd(3, 2), label="upper",
         gradcheck=False),
    case("linalg.cholesky", lambda T, a: L(T).cholesky(a @ a.mT + T.eye(3, dtype=a.dtype)),
         randn(3, 3), label="composite", node=False),
    case("linalg.qr", lambda T, a: L(T).qr(a), randn(4, 3)),
    case("linalg.qr", lambda T, a: L(T).qr(a), randn(3, 3), label="square"),
    case("linalg.qr", lambda T, a: L(T).qr(a), randn(2, 4), label="wide"),
    case("linalg.qr", lambda T, a: L(T).qr(a, "complete"), randn(2, 2, 3), label="complete"),
    case("linalg.svd", lambda T, a: gauge_free(*L(T).svd(a, full_matrices=False)), randn(4, 3),
         node=False),
    case("linalg.svd", lambda T, a: gauge_free(*L(T).svd(a, full_matrices=False)), randn(2, 3, 5),
         label="wide", node=False),
    case("linalg.svd", lambda T, a: L(T).svd(a).S, randn(3, 5), label="full-S"),
    case("linalg.svdvals", lambda T, a: L(T).svdvals(a), randn(2, 4, 3)),
    case("linalg.eigh", lambda T, a: (lambda w, v: (w, v.abs()))(*L(T).eigh(a)), spd(3),
         label="sym", gradcheck=False, node=False),
    case("linalg.eigh", lambda T, a: (lambda w, v: (w, (v[..., 0:1] * v).sum(-2) ** 2))(
         *L(T).eigh(a + a.mT)), randn(4, 4), label="vectors", node=False),
    case("linalg.eigvalsh", lambda T, a: L(T).eigvalsh(a + a.mT), randn(2, 3, 3), node=False),
    case("linalg.pinv", lambda T, a: L(T).pinv(a), randn(4, 3)),
    case("linalg.pinv", lambda T, a: L(T).pinv(a), randn(2, 5), label="wide"),
    case("pinverse", lambda T, a: T.pinverse(a), randn(3, 3)),
    case("linalg.lstsq", lambda T, a, b: L(T).lstsq(a, b).solution, randn(5, 3), randn(5, 2)),
    case("linalg.lstsq", lambda T, a, b: L(T).lstsq(a, b, driver="gelsd")[:2], randn(5, 3),
         randn(5, 2), label="gelsd", node=False),
    case("linalg.vector_norm", lambda T, a: L(T).vector_norm(a, 3, dim=-1), randn(3, 4)),
    case("linalg.vector_norm", lambda T, a: L(T).vector_norm(a, math.inf), randn(3, 4),
         label="inf"),
    case("linalg.matrix_norm", lambda T, a: L(T).matrix_norm(a), randn(2, 3, 4)),
    case("linalg.matrix_norm", lambda T, a: L(T).matrix_norm(a, "nuc"), randn(2, 3, 4),
         label="nuc"),
    case("linalg.matrix_norm", lambda T, a: L(T).matrix_norm(a, 2, keepdim=True), randn(2, 3, 4),
         label="2", node=False),
    case("linalg.matrix_norm", lambda T, a: L(T).matrix_norm(a, -2, dim=(0, 2)), randn(2, 3, 4),
         label="-2"),
    case("linalg.matrix_norm", lambda T, a: L(T).matrix_norm(a, 1), randn(2, 3, 4), label="1"),
    case("linalg.matrix_norm", lambda T, a: L(T).matrix_norm(a, -math.inf, dim=(2, 0),
         keepdim=True), randn(2, 3, 4), label="-inf"),
    case("linalg.norm", lambda T, a: L(T).norm(a), randn(2, 3, 4)),
    case("linalg.norm", lambda T, a: L(T).norm(a, 2), randn(3, 4), label="spectral"),
    case("linalg.norm", lambda T, a: L(T).norm(a, 1, dim=1), randn(3, 4), label="vector"),
    case("norm", lambda T, a: T.norm(a, p="nuc"), randn(3, 4), label="nuc"),
    case("norm", lambda T, a: a.norm(p="nuc", dim=(0, 2)), randn(2, 3, 4), label="nuc-dim"),
]
# fmt: on

test_against_torch, test_gradcheck = table_tests(CASES)


def test_linalg_is_a_module_as_in_torch():
    import mini_autograd.linalg as lin

    assert lin is ma.linalg
    assert set(lin.__all__) <= set(dir(torch.linalg))
    assert issubclass(lin.LinAlgError, RuntimeError)


def test_singular_and_indefinite_matrices_raise_linalg_errors():
    with pytest.raises(ma.linalg.LinAlgError, match="linalg.inv"):
        ma.linalg.inv(ma.zeros(3, 3))
    with pytest.raises(ma.linalg.LinAlgError, match="positive-definite"):
        ma.linalg.cholesky(-ma.eye(3))
    with pytest.raises(torch.linalg.LinAlgError):  # torch agrees that both are errors
        torch.linalg.cholesky(-torch.eye(3))


@pytest.mark.parametrize(
    "call",
    [
        lambda T: T.einsum("ij,jk", T.ones(2, 3), T.ones(4, 4)),
        lambda T: T.einsum("ijk", T.ones(2, 3)),
        lambda T: T.einsum("ij->k", T.ones(2, 3)),
        lambda T: T.einsum("ii->i", T.ones(2, 3)),
        lambda T: T.einsum("ij,jk", T.ones(2, 3)),
        lambda T: T.einsum("ij,jk", T.ones(2, 3), T.ones(3, 2, dtype=T.float64)),
        lambda T: T.linalg.matrix_norm(T.ones(3, 3), 3),
        lambda T: T.linalg.matrix_norm(T.ones(3)),
        lambda T: T.linalg.norm(T.ones(2, 2, 2), "fro"),
        lambda T: T.linalg.inv(T.ones(2, 3)),
        lambda T: T.linalg.vector_norm(T.ones(3, dtype=T.int64)),
        lambda T: T.matrix_power(T.ones(2, 3), 2),
        lambda T: T.cross(T.ones(2, 4), T.ones(2, 4), dim=1),
        lambda T: T.mv(T.ones(2, 3), T.ones(4)),
        lambda T: T.addmm(T.ones(4), T.ones(2, 4), T.ones(4, 3)),
    ],
)
def test_errors_as_torch(call):
    assert_raises_as_torch(call)
