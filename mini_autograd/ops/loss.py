"""Regression losses (mse, l1, smooth_l1, huber) and the reduction modes ('mean', 'sum', 'none')
all losses share, each loss beside its derivative.

Where torch composes a loss from other ops (l1_loss, weighted losses), so do we, so values,
gradients and node names follow it. Classification losses are in classification.py.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .._function import Function
from .._tensor import Tensor
from .._warn_once import user_stacklevel
from ._registry import register
from ._util import binary_operands, broadcast_error, data, quiet, tensor_arg
from .elementwise import Where
from .reduction import mean
from .reduction import sum as sum_
from .unary import Sign
from .unary import abs as abs_


def _reduction(reduction: str, size_average: bool | None = None, reduce: bool | None = None) -> str:
    """The reduction mode, translating the legacy size_average/reduce flags as torch does."""
    if size_average is not None or reduce is not None:
        warnings.warn(
            "size_average and reduce args will be deprecated, please use "
            f"reduction='{reduction}' instead.",
            stacklevel=user_stacklevel(),
        )
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "none":
        return loss
    total = np.add.reduce(loss, None)
    if reduction == "sum":
        return total
    return total / loss.size if loss.size else quiet(np.divide, total, 0)


def _reduce_ops(loss: Tensor, reduction: str) -> Tensor:
    return loss if reduction == "none" else sum_(loss) if reduction == "sum" else mean(loss)


def _scale(gy, loss_like, reduction: str):
    """gy spread over the loss's elements: divided by their count for 'mean'."""
    return gy / max(math.prod(np.shape(loss_like)), 1) if reduction == "mean" else gy


# --- regression losses: a function of d = input - target ------------------------------------------


class _PointwiseLoss(Function):
    """loss(d), d = input - target (broadcast), reduced; subclasses give loss(d) and loss'(d)."""

    def __init__(self, reduction: str, param: float = 1.0) -> None:
        self.reduction, self.param = reduction, param

    def forward(self, a, b):
        return _reduce(self.loss(a - b), self.reduction)

    def backward(self, gy, a, b):
        d = a - b
        g = self.dloss(d) * _scale(gy, d, self.reduction)
        return (g if self.needs_input_grad[0] else None), (-g if self.needs_input_grad[1] else None)


class MseLoss(_PointwiseLoss):
    """mse: d^2, derivative 2 d"""

    def loss(self, d):
        return d * d

    def dloss(self, d):
        return d * 2


class SmoothL1Loss(_PointwiseLoss):
    """smooth_l1 (beta): d^2 / (2 beta) inside |d| < beta, |d| - beta/2 outside; slope d/beta or
    sign(d)"""

    def loss(self, d):
        a, beta = np.abs(d), self.param
        return np.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta)

    def dloss(self, d):
        return Where.apply(np.abs(data(d)) <= self.param, d / self.param, Sign.apply(d))


class HuberLoss(_PointwiseLoss):
    """huber (delta): d^2 / 2 inside |d| < delta, delta (|d| - delta/2) outside; slope d or
    delta sign(d)"""

    def loss(self, d):
        a, delta = np.abs(d), self.param
        return np.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))

    def dloss(self, d):
        return Where.apply(np.abs(data(d)) <= self.param, d, Sign.apply(d) * self.param)


def _regression_operands(input: Tensor, target: Tensor, op: str) -> tuple[Tensor, Tensor]:
    tensor_arg(input, op)
    tensor_arg(target, op, "target")
    if target._data.shape != input._data.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            stacklevel=user_stacklevel(),
        )
        try:
            np.broadcast_shapes(input._data.shape, target._data.shape)
        except ValueError:
            raise broadcast_error(op, input._data.shape, target._data.shape) from None
    return binary_operands(input, target, op)


def _weighted(loss: Tensor, weight: Tensor, input: Tensor, reduction: str, by_weight: bool):
    """torch's weighted regression losses: loss * weight, 'mean' divided by sum(weight) or n."""
    if weight._data.shape != input._data.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "none":
        return loss
    if reduction == "sum" or by_weight:
        total = sum_(loss)
        return total / sum_(weight) if reduction == "mean" else total
    return mean(loss)


@register(top=False, method=False, functional=True)
def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """Mean squared error (input - target)^2, reduced."""
    reduction = _reduction(reduction, size_average, reduce)
    a, b = _regression_operands(input, target, "mse_loss")
    if weight is not None:
        return _weighted((a - b) ** 2, weight, a, reduction, by_weight=True)
    return MseLoss(reduction)._run(a, b)


@register(top=False, method=False, functional=True)
def l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """Mean absolute error |input - target|, reduced."""
    reduction = _reduction(reduction, size_average, reduce)
    a, b = _regression_operands(input, target, "l1_loss")
    if weight is not None:
        return _weighted(abs_(a - b), weight, a, reduction, by_weight=True)
    return _reduce_ops(abs_(a - b), reduction)


@register(top=False, method=False, functional=True)
def smooth_l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """Quadratic for |d| < beta, linear beyond (beta = 0 is l1_loss)."""
    reduction = _reduction(reduction, size_average, reduce)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    a, b = _regression_operands(input, target, "smooth_l1_loss")
    if beta == 0.0:
        return _reduce_ops(abs_(a - b), reduction)
    return SmoothL1Loss(reduction, beta)._run(a, b)


@register(top=False, method=False, functional=True)
def huber_loss(
    input: Tensor,
    target: Tensor,
    reduction: str = "mean",
    delta: float = 1.0,
    weight: Tensor | None = None,
) -> Tensor:
    """Quadratic for |d| < delta, delta-scaled linear beyond."""
    reduction = _reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    a, b = _regression_operands(input, target, "huber_loss")
    if weight is not None:
        return _weighted(HuberLoss("none", delta)._run(a, b), weight, a, reduction, by_weight=False)
    return HuberLoss(reduction, delta)._run(a, b)
