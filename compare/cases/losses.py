"""nn.functional activations and losses, against hand-written torch ones in torch itself."""

from __future__ import annotations

from ..function_case import tagged
from ..inputs import const, index, uniform

case = tagged("nn")


@case(inputs={"x": uniform(3, 5, low=-3, high=3)})
def activations(T, x):
    """gelu + silu + elu + leaky_relu(0.1) + softplus, via nn.functional"""
    F = T.nn.functional
    return F.gelu(x) + F.silu(x) + F.elu(x) + F.leaky_relu(x, 0.1) + F.softplus(x)


@case(inputs={"x": uniform(4, 3), "w": uniform(5, 3), "b": uniform(5)})
def linear(T, x, w, b):
    """nn.functional.linear: x @ w.T + b"""
    return T.nn.functional.linear(x, w, b)


@case(inputs={"x": uniform(4, 6, low=-2, high=2), "w": uniform(6, low=0.5, high=1.5),
              "b": uniform(6)})  # fmt: skip
def layer_norm(T, x, w, b):
    """nn.functional.layer_norm over the last dim, with weight and bias"""
    return T.nn.functional.layer_norm(x, (6,), w, b)


@case(inputs={"x": uniform(5, 3), "y": const(5, 3)})
def regression_losses(T, x, y):
    """mse_loss + l1_loss + huber_loss + smooth_l1_loss(beta 0.5), mean reductions"""
    F = T.nn.functional
    return (F.mse_loss(x, y) + F.l1_loss(x, y) + F.huber_loss(x, y)
            + F.smooth_l1_loss(x, y, beta=0.5))  # fmt: skip


@case(inputs={"x": uniform(5, 3), "y": const(5, 3)})
def loss_reductions(T, x, y):
    """mse_loss with reduction "sum" and "none"""
    F = T.nn.functional
    return F.mse_loss(x, y, reduction="none") * F.mse_loss(x, y, reduction="sum")


@case(inputs={"logits": uniform(4, 5, low=-3, high=3), "target": index(4, high=5)})
def nll_loss(T, logits, target):
    """nll_loss(log_softmax(logits), target)"""
    F = T.nn.functional
    return F.nll_loss(F.log_softmax(logits, dim=1), target)


@case(inputs={"logits": uniform(6, low=-4, high=4), "target": const(6, low=0, high=1)})
def binary_cross_entropy(T, logits, target):
    """binary_cross_entropy(sigmoid(z), t) + binary_cross_entropy_with_logits(z, t)"""
    F = T.nn.functional
    p = T.sigmoid(logits)
    return F.binary_cross_entropy(p, target) + F.binary_cross_entropy_with_logits(logits, target)


@case(inputs={"x": uniform(4, 5)})
def dropout_off(T, x):
    """dropout with training=False (and p=0 in training): the identity, deterministic"""
    F = T.nn.functional
    return F.dropout(x, p=0.5, training=False) + F.dropout(x, p=0.0)
