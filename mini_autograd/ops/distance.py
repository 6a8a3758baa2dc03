"""Distances and similarities: normalize, cosine_similarity, pairwise_distance, pdist, cdist.

Each is composed of differentiable ops as torch composes it (a norm clamped away from zero, the
difference of broadcast rows), so gradients, the zero-distance convention and second derivatives
follow from those ops.
"""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _make, _wrap_dim
from ._registry import register
from ._util import broadcast_error, float_arg, tensor_arg
from .reduction import norm as _norm
from .reduction import sum as sum_


def _clamped_min(t: Tensor, eps: float) -> Tensor:
    """t clamped to >= eps, the gradient passing through unchanged (torch clamps under no_grad)."""
    shift = np.maximum(t._data, eps).astype(t._data.dtype) - t._data
    return t + _make(shift) if np.any(shift) else t


@register(top=False, method=False, functional=True)
def normalize(
    input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None
) -> Tensor:
    """input / max(||input||_p, eps) along dim."""
    x = tensor_arg(input, "normalize")
    denom = _norm(x, p, dim, keepdim=True).clamp(min=eps).expand_as(x)
    return x / denom


@register(method=False, functional=True)
def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1/||x1|| * x2/||x2||) along dim, each norm at least eps."""
    a = float_arg(tensor_arg(x1, "cosine_similarity", "x1"), "cosine_similarity")
    b = float_arg(tensor_arg(x2, "cosine_similarity", "x2"), "cosine_similarity")
    try:
        shape = np.broadcast_shapes(a._data.shape, b._data.shape)
    except ValueError:
        raise broadcast_error("cosine_similarity", a._data.shape, b._data.shape) from None
    a, b = a.expand(*shape), b.expand(*shape)
    d = _wrap_dim(dim, len(shape), "cosine_similarity")
    na = _clamped_min(_norm(a, 2, d, keepdim=True).clone(), eps)
    nb = _clamped_min(_norm(b, 2, d, keepdim=True).clone(), eps)
    return sum_((a / na) * (b / nb), d)


@register(method=False, functional=True)
def pairwise_distance(
    x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> Tensor:
    """||x1 - x2 + eps||_p over the last dimension."""
    a = tensor_arg(x1, "pairwise_distance", "x1")
    b = tensor_arg(x2, "pairwise_distance", "x2")
    out_dim = max(a.dim(), b.dim())
    inner = out_dim - 1
    if out_dim == 0:
        return _norm(a - b + eps, p, None, keepdim)
    return _norm(a - b + eps, p, inner, keepdim)


@register(method=False, functional=True)
def pdist(input: Tensor, p: float = 2) -> Tensor:
    """||x_i - x_j||_p for every pair of rows i < j, in row-major order."""
    x = tensor_arg(input, "pdist")
    if x.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {x.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = x.shape[0]
    i, j = np.triu_indices(n, 1)
    return _norm(x[i] - x[j], p, 1, False)


@register(method=False)
def cdist(
    x1: Tensor,
    x2: Tensor,
    p: float = 2.0,
    compute_mode: str = "use_mm_for_euclid_dist_if_necessary",
) -> Tensor:
    """||x1[..., i, :] - x2[..., j, :]||_p for every pair of rows, batches broadcast."""
    a, b = tensor_arg(x1, "cdist", "x1"), tensor_arg(x2, "cdist", "x2")
    if a.dim() < 2 or b.dim() < 2:
        raise RuntimeError(
            f"cdist only supports at least 2D tensors, X{1 if a.dim() < 2 else 2} got: "
            f"{min(a.dim(), b.dim())}D"
        )
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {a.shape[-1]} X2: {b.shape[-1]}"
        )
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    diff = a.unsqueeze(-2) - b.unsqueeze(-3)
    return _norm(diff, p, -1, False)
