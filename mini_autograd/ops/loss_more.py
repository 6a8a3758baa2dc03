"""More nn.functional losses: kl_div, poisson and gaussian negative log-likelihood, the margin
losses (ranking, hinge embedding, soft margin, multilabel soft margin, triplet, cosine embedding).

Each is composed of differentiable ops in torch's own order of operations, so values, gradients
and second derivatives follow from those ops.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .._tensor import Tensor, _make
from .._warn_once import user_stacklevel
from ._registry import register
from ._util import data, tensor_arg
from .activation import softplus
from .activation_more import logsigmoid
from .distance import _clamped_min, pairwise_distance
from .elementwise import where
from .loss import _reduce_ops, _reduction
from .minmax import minimum
from .reduction import sum as sum_


def _mismatched(shape: tuple[int, ...], var_shape: tuple[int, ...]) -> int:
    """torch's test for a homoscedastic var: the sizes of var where it differs from input."""
    return sum(b for a, b in zip(shape, var_shape, strict=True) if a != b)


def _zeros(like: Tensor) -> Tensor:
    return _make(np.zeros(like._data.shape, like._data.dtype))


@register(method=False, functional=True)
def kl_div(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """target * (log target - input) (input holds log-probabilities), reduced; 'batchmean'
    divides the sum by the batch size."""
    x, t = tensor_arg(input, "kl_div"), tensor_arg(target, "kl_div", "target")
    batchmean = reduction == "batchmean"
    if size_average is not None or reduce is not None:
        reduction = _reduction(reduction, size_average, reduce)
    elif not batchmean:
        if reduction == "mean":
            warnings.warn(
                "reduction: 'mean' divides the total loss by both the batch size and the "
                "support size.'batchmean' divides only by the batch size, and aligns with the "
                "KL div math definition.'mean' will be changed to behave the same as "
                "'batchmean' in the next major release.",
                stacklevel=user_stacklevel(),
            )
        reduction = _reduction(reduction)
    if log_target:
        loss = t.exp() * (t - x)
    else:  # xlogy(t, t) - t * x, with 0 log 0 = 0
        safe = where(t == 0, 1.0, t) if t._data.dtype.kind == "f" else t
        loss = t * safe.log() - t * x
    if batchmean:
        return sum_(loss) / x.shape[0] if x.dim() else sum_(loss)
    return _reduce_ops(loss, reduction)


@register(method=False, functional=True)
def poisson_nll_loss(
    input: Tensor,
    target: Tensor,
    log_input: bool = True,
    full: bool = False,
    size_average: bool | None = None,
    eps: float = 1e-8,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """exp(input) - target * input (log_input), or input - target * log(input + eps); full adds
    Stirling's approximation of log(target!) where target > 1."""
    reduction = _reduction(reduction, size_average, reduce)
    x, t = tensor_arg(input, "poisson_nll_loss"), tensor_arg(target, "poisson_nll_loss", "target")
    loss = x.exp() - t * x if log_input else x - t * (x + eps).log()
    if full:
        td = data(t)
        big = td > 1
        safe = np.where(big, td, 1.0)
        stirling = np.where(big, safe * np.log(safe) - safe + 0.5 * np.log(2 * math.pi * safe), 0)
        if t.requires_grad:
            ts = where(_make(big), t, 1.0)
            term = ts * ts.log() - ts + (ts * (2 * math.pi)).log() * 0.5
            loss = loss + where(_make(big), term, 0.0)
        else:
            loss = loss + _make(stirling.astype(x._data.dtype))
    return _reduce_ops(loss, reduction)


@register(top=False, method=False, functional=True)
def gaussian_nll_loss(
    input: Tensor,
    target: Tensor,
    var: Tensor | float,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> Tensor:
    """0.5 (log var + (input - target)^2 / var), var clamped to >= eps (gradient unclamped)."""
    x = tensor_arg(input, "gaussian_nll_loss")
    t = tensor_arg(target, "gaussian_nll_loss", "target")
    if isinstance(var, int | float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = _make(np.full(x._data.shape, var, x._data.dtype))
    elif np.any(var._data < 0):
        raise ValueError("var has negative entry/entries")
    if var.shape != x.shape:
        if x.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif x.dim() != var.dim() or _mismatched(x.shape, var.shape) != 1:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = _clamped_min(var.clone(), eps)
    loss = (var.log() + (x - t) ** 2 / var) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce_ops(loss, reduction)


@register(method=False, functional=True)
def margin_ranking_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """max(0, -target * (input1 - input2) + margin)."""
    reduction = _reduction(reduction, size_average, reduce)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} "
        )
    loss = (-target * (input1 - input2) + margin).clamp(min=0)
    return _reduce_ops(loss, reduction)


@register(method=False, functional=True)
def hinge_embedding_loss(
    input: Tensor,
    target: Tensor,
    margin: float = 1.0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """input where target == 1, max(0, margin - input) where target == -1."""
    reduction = _reduction(reduction, size_average, reduce)
    x = tensor_arg(input, "hinge_embedding_loss")
    t = tensor_arg(target, "hinge_embedding_loss", "target")
    zeros = _zeros(x)
    margin_clamp = (margin - x).clamp(min=0)
    out_margin = where(t != 1, margin_clamp, zeros)
    out_self = where(t != -1, x, zeros)
    return _reduce_ops(out_margin + out_self, reduction)


@register(top=False, method=False, functional=True)
def soft_margin_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """log(1 + exp(-target * input)): the logistic loss for targets in {-1, 1}."""
    reduction = _reduction(reduction, size_average, reduce)
    x = tensor_arg(input, "soft_margin_loss")
    t = tensor_arg(target, "soft_margin_loss", "target")
    return _reduce_ops(softplus(-t * x, 1.0, math.inf), reduction)


@register(top=False, method=False, functional=True)
def multilabel_soft_margin_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """-mean_c (y log sigmoid(x) + (1 - y) log sigmoid(-x)), optionally weighted."""
    reduction = _reduction(reduction, size_average, reduce)
    x = tensor_arg(input, "multilabel_soft_margin_loss")
    t = tensor_arg(target, "multilabel_soft_margin_loss", "target")
    loss = -(t * logsigmoid(x) + (1 - t) * logsigmoid(-x))
    if weight is not None:
        loss = loss * weight
    class_dim = x.dim() - 1
    loss = loss.sum(dim=class_dim) / x.shape[class_dim]
    return _reduce_ops(loss, reduction)


@register(method=False, functional=True)
def triplet_margin_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """max(d(a, p) - d(a, n) + margin, 0), d the pairwise p-distance (swap: the closer negative)."""
    reduction = _reduction(reduction, size_average, reduce)
    a_dim, p_dim, n_dim = anchor.dim(), positive.dim(), negative.dim()
    if not (a_dim == p_dim == n_dim):
        raise RuntimeError(
            f"The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {a_dim}D, positive {p_dim}D, and negative "
            f"{n_dim}D inputs"
        )
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    loss = (d_pos - d_neg + margin).clamp(min=0)
    return _reduce_ops(loss, reduction)


@register(method=False, functional=True)
def cosine_embedding_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """1 - cos(x1, x2) where target == 1, max(0, cos(x1, x2) - margin) where target == -1."""
    reduction = _reduction(reduction, size_average, reduce)
    x1 = tensor_arg(input1, "cosine_embedding_loss", "input1")
    x2 = tensor_arg(input2, "cosine_embedding_loss", "input2")
    t = tensor_arg(target, "cosine_embedding_loss", "target")
    if x1.dim() not in (1, 2) or x1.shape != x2.shape:
        raise RuntimeError(
            f"cosine_embedding_loss: expected 1-D or 2-D inputs of the same shape, got "
            f"{list(x1.shape)} and {list(x2.shape)}"
        )
    dim = 1 if x1.dim() == 2 else 0
    eps = 1e-12
    prod = sum_(x1 * x2, dim)
    mag1 = sum_(x1 * x1, dim) + eps
    mag2 = sum_(x2 * x2, dim) + eps
    cos = prod / (mag1 * mag2).sqrt()
    zeros = _zeros(cos)
    pos = 1 - cos
    neg = (cos - margin).clamp(min=0)
    out = where(t == 1, pos, zeros) + where(t == -1, neg, zeros)
    return _reduce_ops(out, reduction)
