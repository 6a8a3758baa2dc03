"""Neural-network building blocks written with tensor ops: MLPs, losses, attention, norms."""

from __future__ import annotations

from ..function_case import tagged
from ..inputs import const, index, uniform

case = tagged("nn")


@case(
    inputs={
        "x": const(8, 4),
        "w1": uniform(4, 16, low=-0.5, high=0.5),
        "b1": uniform(16),
        "w2": uniform(16, 3, low=-0.5, high=0.5),
        "b2": uniform(3),
    }
)
def mlp_tanh(T, x, w1, b1, w2, b2):
    """two-layer MLP: tanh(x @ w1 + b1) @ w2 + b2"""
    return T.tanh(x @ w1 + b1) @ w2 + b2


@case(
    inputs={
        "x": const(8, 4),
        "target": const(8, 1),
        "w1": uniform(4, 16, low=-0.5, high=0.5),
        "b1": uniform(16),
        "w2": uniform(16, 1, low=-0.5, high=0.5),
        "b2": uniform(1),
    }
)
def mlp_relu_mse(T, x, target, w1, b1, w2, b2):
    """mean squared error of a ReLU MLP: mean((relu(x @ w1 + b1) @ w2 + b2 - target)^2)"""
    prediction = T.relu(x @ w1 + b1) @ w2 + b2
    return T.mean((prediction - target) ** 2)


@case(inputs={"x": const(6, 3), "target": const(6, low=0, high=1), "w": uniform(3), "b": uniform()})
def logistic_regression(T, x, target, w, b):
    """binary cross-entropy by hand: -mean(t log p + (1 - t) log(1 - p)), p = sigmoid(x @ w + b)"""
    p = T.sigmoid(x @ w + b)
    return -T.mean(target * T.log(p) + (1 - target) * T.log(1 - p))


@case(inputs={"logits": uniform(4, 5, low=-3, high=3), "onehot": const(4, 5, low=0, high=1)})
def cross_entropy_by_hand(T, logits, onehot):
    """-sum(w * log_softmax(logits)) / N with log_softmax from exp, sum and log"""
    log_probs = logits - T.log(T.sum(T.exp(logits), dim=1, keepdim=True))
    return -T.sum(onehot * log_probs) / logits.shape[0]


@case(inputs={"logits": uniform(4, 5, low=-3, high=3), "target": index(4, high=5)})
def softmax_cross_entropy(T, logits, target):
    """nn.functional.cross_entropy(logits, target) with class indices"""
    return T.nn.functional.cross_entropy(logits, target)


@case(inputs={"x": uniform(3, 6, low=-3, high=3)})
def softmax(T, x):
    """softmax over the last dim"""
    return T.softmax(x, dim=-1)


@case(inputs={"x": uniform(3, 6, low=-3, high=3)})
def log_softmax(T, x):
    """nn.functional.log_softmax over dim 1"""
    return T.nn.functional.log_softmax(x, dim=1)


@case(inputs={"q": uniform(2, 4, 8), "k": uniform(2, 4, 8), "v": uniform(2, 4, 8)})
def attention(T, q, k, v):
    """scaled dot-product attention: softmax(q @ k^T / sqrt(8)) @ v, batched"""
    scores = q @ k.transpose(-2, -1) / 8**0.5
    return T.softmax(scores, dim=-1) @ v


@case(
    inputs={
        "x": uniform(4, 6, low=-2, high=2),
        "gamma": uniform(6, low=0.5, high=1.5),
        "beta": uniform(6),
    }
)
def layer_norm_by_hand(T, x, gamma, beta):
    """(x - mean) / sqrt(var + 1e-5) * gamma + beta over the last dim"""
    mu = x.mean(dim=-1, keepdim=True)
    var = ((x - mu) ** 2).mean(dim=-1, keepdim=True)
    return (x - mu) / (var + 1e-5) ** 0.5 * gamma + beta
