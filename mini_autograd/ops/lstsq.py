"""The pseudo-inverse and least squares: linalg.pinv (with torch's atol/rtol cut-off) and
linalg.lstsq, whose gradient is that of pinv(A) @ B, as torch's.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from .._tensor import Tensor, _make
from ._matrix import matrix_arg, mm, mT
from ._registry import register
from ._util import Node, data, tensor_arg, torch_dtype_name

LstsqResult = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])


def _eye(n: int, like: Any) -> np.ndarray:
    return np.eye(n, dtype=np.asarray(data(like)).dtype)


def pinv_backward(g: Any, p: Any, a: Any) -> Any:
    """d pinv(A): -P^T g P^T + (I - A P)^T... written for a full-rank A:
    -P^T g P^T + (I - A P) g^T P P^T + P^T P g^T (I - P A), P = pinv(A)."""
    m, n = np.shape(a)[-2:]
    pt, gt = mT(p), mT(g)
    first = -mm(mm(pt, g), pt)
    left = mm(mm(_eye(m, a) - mm(a, p), gt), mm(p, pt))
    right = mm(mm(pt, p), mm(gt, _eye(n, a) - mm(p, a)))
    return first + left + right


class Pinv(Node):
    """P = V diag(1/s, s above the cut-off) U^T; the gradient by pinv_backward"""

    node = "LinalgPinvBackward0"
    save_output = True

    def __init__(self, atol: float | None, rtol: float | None, hermitian: bool) -> None:
        self.atol, self.rtol, self.hermitian = atol, rtol, hermitian

    def forward(self, a):
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        atol = 0.0 if self.atol is None else self.atol
        rtol = self.rtol
        if rtol is None:
            rtol = np.finfo(a.dtype).eps * max(a.shape[-2:]) if self.atol is None else 0.0
        smax = s[..., :1] if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
        cut = np.maximum(atol, rtol * smax)
        with np.errstate(divide="ignore"):
            s_inv = np.where(s > cut, 1 / s, 0).astype(a.dtype)
        return np.matmul(np.swapaxes(vh, -1, -2) * s_inv[..., None, :], np.swapaxes(u, -1, -2))

    def backward(self, gy, a):
        return pinv_backward(gy, self.saved_output(gy), a)


@register("linalg.pinv", top=False, method=False)
def pinv(
    A: Tensor,
    *,
    atol: float | Tensor | None = None,
    rtol: float | Tensor | None = None,
    hermitian: bool = False,
    out: Tensor | None = None,
) -> Tensor:
    """The Moore-Penrose pseudo-inverse; singular values below max(atol, rtol * s_max) are
    treated as zero (rtol defaults to eps * max(m, n))."""
    a = matrix_arg(A, "pinv")
    atol = float(atol) if atol is not None else None
    rtol = float(rtol) if rtol is not None else None
    return Pinv(atol, rtol, hermitian)._run(a)


@register("pinverse")
def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """torch.pinverse: linalg.pinv with rtol=rcond."""
    return pinv(input, rtol=rcond)


class Lstsq(Node):
    """X = argmin ||A X - B||: gB = pinv(A)^T gX, gA = pinv_backward(gX B^T)"""

    node = "LinalgLstsqBackward0"

    def __init__(self, rcond: float | None) -> None:
        self.rcond = rcond

    def forward(self, a, b):
        m, n = a.shape[-2:]
        batch = a.shape[:-2]
        xs = np.empty((*batch, n, b.shape[-1]), dtype=a.dtype)
        for idx in np.ndindex(*batch):
            xs[idx] = np.linalg.lstsq(a[idx], b[idx], rcond=self.rcond)[0]
        return xs

    def backward(self, gy, a, b):
        p = Pinv.apply(a, atol=None, rtol=None, hermitian=False)
        need_a, need_b = self.needs_input_grad
        ga = pinv_backward(mm(gy, mT(b)), p, a) if need_a else None
        gb = mm(mT(p), gy) if need_b else None
        return ga, gb


_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


@register("linalg.lstsq", top=False, method=False)
def lstsq(
    A: Tensor, B: Tensor, rcond: float | None = None, *, driver: str | None = None
) -> LstsqResult:
    """The least-squares solution of A X = B, with residuals, rank and singular values where
    the driver computes them (as torch's CPU drivers: default 'gelsy')."""
    a = matrix_arg(A, "lstsq")
    b = tensor_arg(B, "linalg.lstsq", "B")
    driver = "gelsy" if driver is None else driver
    if driver not in _DRIVERS:
        raise RuntimeError(
            f"torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, "
            f"gelss), but got {driver}"
        )
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
            f"input's dtype {torch_dtype_name(a)} and other's dtype {torch_dtype_name(b)}"
        )
    vector = b._data.ndim == a._data.ndim - 1
    if vector:
        b = b.unsqueeze(-1)
    m, n = a._data.shape[-2:]
    if b._data.shape[-2] != m:
        raise RuntimeError(
            f"torch.linalg.lstsq: input.size(-2) should match other.size(-2), got {m} and "
            f"{b._data.shape[-2]}"
        )
    batch = np.broadcast_shapes(a._data.shape[:-2], b._data.shape[:-2])
    if a._data.shape[:-2] != batch:
        a = a.expand(*batch, m, n)
    if b._data.shape[:-2] != batch:
        b = b.expand(*batch, *b._data.shape[-2:])
    eps = np.finfo(a._data.dtype).eps * max(m, n)
    x = Lstsq(eps if rcond is None else rcond)._run(a, b)
    s = np.linalg.svd(a._data, compute_uv=False)
    rank = np.sum(s > (eps if rcond is None else rcond) * s[..., :1], axis=-1).astype(np.int64)
    residuals = _make(np.zeros((0,), a._data.dtype))
    if driver != "gelsy" and m > n and np.all(rank == n):  # differentiable, as torch's
        residuals = ((a @ x - b) ** 2).sum(-2)
        if vector:
            residuals = residuals.squeeze(-1)
    singular = s if driver in ("gelsd", "gelss") else np.zeros((0,), a._data.dtype)
    if driver == "gels":
        rank = np.zeros((0,), np.int64)
    if vector:
        x = x.squeeze(-1)
    return LstsqResult(x, residuals, _make(np.asarray(rank)), _make(singular))
