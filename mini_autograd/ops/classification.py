"""Classification losses: binary cross entropy (on probabilities and, stably, on logits), nll_loss
and cross_entropy (class indices or probabilities, weights, ignore_index, label smoothing).

Each sits beside its derivative; where torch composes (cross_entropy = log_softmax + nll_loss,
label smoothing), so do we. The reduction modes are loss.py's.
"""

from __future__ import annotations

import numpy as np

from .._function import Function
from .._tensor import Tensor, _make
from ._registry import register
from ._util import (
    Node,
    binary_operands,
    broadcast_error,
    data,
    quiet,
    tensor_arg,
    torch_dtype_name,
)
from .activation import Softplus, log_softmax
from .elementwise import Clamp, Div, Log, where
from .loss import _reduce, _reduction, _scale
from .reduction import sum as sum_
from .shape import Reshape
from .unary import Sigmoid, zero_gradient

# --- binary classification ------------------------------------------------------------------------


class BinaryCrossEntropy(Function):
    """-w (t log x + (1-t) log(1-x)), logs clamped at -100: d/dx = w (x - t) / max(x (1-x), 1e-12),
    d/dt = w (log(1-x) - log x)"""

    def __init__(self, reduction: str, weight: np.ndarray | None) -> None:
        self.reduction, self.weight = reduction, weight

    def forward(self, x, t):
        log_x = np.maximum(quiet(np.log, x), -100)
        log_1mx = np.maximum(quiet(np.log, 1 - x), -100)
        loss = -(t * log_x + (1 - t) * log_1mx)
        return _reduce(loss if self.weight is None else loss * self.weight, self.reduction)

    def backward(self, gy, x, t):
        g = _scale(gy, x, self.reduction)
        if self.weight is not None:
            g = g * self.weight
        gx = gt = None
        if self.needs_input_grad[0]:
            gx = g * Div.apply(x - t, Clamp.apply((1 - x) * x, 1e-12, None, tensor_bounds=False))
        if self.needs_input_grad[1]:
            gt = g * (Log.apply(1 - x) - Log.apply(x))
        return gx, gt


class BinaryCrossEntropyWithLogits(Function):
    """(1-t) x - log_sigmoid(x) (times (pw-1) t + 1 with pos_weight): d/dx = sigmoid(x) - t
    (with pos_weight: (pw t + 1 - t) sigmoid(x) - pw t); d/dt = -x (or log_sigmoid(-x) -
    pw log_sigmoid(x))"""

    def __init__(
        self, reduction: str, weight: np.ndarray | None, pos_weight: np.ndarray | None
    ) -> None:
        self.reduction, self.weight, self.pos_weight = reduction, weight, pos_weight

    def forward(self, x, t):
        log_sig = np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))
        if self.pos_weight is not None:
            log_sig = log_sig * ((self.pos_weight - 1) * t + 1)
        loss = (1 - t) * x - log_sig
        return _reduce(loss if self.weight is None else loss * self.weight, self.reduction)

    def backward(self, gy, x, t):
        g = _scale(gy, x, self.reduction)
        if self.weight is not None:
            g = g * self.weight
        pw = self.pos_weight
        gx = gt = None
        if self.needs_input_grad[0]:
            s = Sigmoid.apply(x)
            gx = g * (s - t if pw is None else (t * pw + 1 - t) * s - t * pw)
        if self.needs_input_grad[1]:
            if pw is None:
                gt = g * -x
            else:  # log_sigmoid(z) = -softplus(-z)
                soft = Softplus.apply(x, beta=1.0, threshold=20.0)
                gt = g * (soft * pw - soft - x * pw)  # -softplus(x) + pw softplus(-x)
        return gx, gt


def _same_size(input: Tensor, target: Tensor, message: str) -> None:
    if input._data.shape != target._data.shape:
        raise ValueError(message.format(t=target.shape, i=input.shape))


def _const(t: Tensor | None, dtype: np.dtype) -> np.ndarray | None:
    return None if t is None else np.asarray(data(t), dtype=dtype)


@register(top=False, method=False, functional=True)
def binary_cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """-(t log x + (1 - t) log(1 - x)) for probabilities x in [0, 1] (logs clamped at -100)."""
    reduction = _reduction(reduction, size_average, reduce)
    tensor_arg(input, "binary_cross_entropy")
    tensor_arg(target, "binary_cross_entropy", "target")
    _same_size(
        input,
        target,
        "Using a target size ({t}) that is different to the input size "
        "({i}) is deprecated. Please ensure they have the same size.",
    )
    x = input._data
    if x.size and (np.min(x) < 0 or np.max(x) > 1):
        raise RuntimeError("all elements of input should be between 0 and 1")
    a, b = binary_operands(input, target, "binary_cross_entropy")
    w = _const(weight, a._data.dtype)
    if w is not None:
        w = np.broadcast_to(w, np.broadcast_shapes(b._data.shape, w.shape))
    return BinaryCrossEntropy(reduction, w)._run(a, b)


@register(method=False, functional=True)
def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """binary_cross_entropy(sigmoid(input), target), computed stably from the logits."""
    reduction = _reduction(reduction, size_average, reduce)
    tensor_arg(input, "binary_cross_entropy_with_logits")
    tensor_arg(target, "binary_cross_entropy_with_logits", "target")
    _same_size(input, target, "Target size ({t}) must be the same as input size ({i})")
    a, b = binary_operands(input, target, "binary_cross_entropy_with_logits")
    dtype = a._data.dtype
    return BinaryCrossEntropyWithLogits(
        reduction, _const(weight, dtype), _const(pos_weight, dtype)
    )._run(a, b)


def binary_cross_entropy_with_logits_aten(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    pos_weight: Tensor | None = None,
    reduction: int = 0,
) -> Tensor:
    """torch.binary_cross_entropy_with_logits (the top-level one, not F.'s): the reduction is an
    int, 1 mean, 2 sum, any other none (the default: elementwise), and the input broadcasts to
    the target's shape."""
    name = "binary_cross_entropy_with_logits"
    if type(reduction) is not int:
        raise TypeError(
            f"{name}(): argument 'reduction' must be int, not {type(reduction).__name__}"
        )
    for arg, pos, what in ((input, 1, "input"), (target, 2, "target")):
        if not isinstance(arg, Tensor):
            raise TypeError(
                f"{name}(): argument '{what}' (position {pos}) must be Tensor, "
                f"not {type(arg).__name__}"
            )
    a, b = binary_operands(input, target, name)
    shape = b._data.shape  # the result has the target's shape: the input broadcasts to it
    if a._data.shape != shape:
        try:
            wide = np.broadcast_shapes(shape, a._data.shape)
        except ValueError:
            raise broadcast_error(name, shape, a._data.shape) from None
        if wide != shape:
            raise RuntimeError(
                f"output with shape {list(shape)} doesn't match the broadcast shape {list(wide)}"
            )
        a = a.expand(shape)
    dtype = a._data.dtype
    mode = {1: "mean", 2: "sum"}.get(reduction, "none")
    for w in (weight, pos_weight):
        if w is not None:
            try:
                np.broadcast_shapes(shape, np.shape(data(w)))
            except ValueError:
                raise broadcast_error(name, shape, np.shape(data(w))) from None
    return BinaryCrossEntropyWithLogits(
        mode, _const(weight, dtype), _const(pos_weight, dtype)
    )._run(a, b)


# --- multi-class classification -------------------------------------------------------------------


class NllLoss(Node):
    """-w[t] x[n, t]: the gradient is -w[t] (over the total weight for 'mean') at the target class,
    0 elsewhere and at ignored targets; nll is linear in x."""

    def __init__(self, key: tuple, weights: np.ndarray, reduction: str, node: str) -> None:
        self.key, self.weights = key, weights  # x[key]: each target's entry; weights: its weight
        self.reduction, self.node = reduction, node

    def forward(self, x):
        loss = -self.weights * x[self.key]
        if self.reduction == "none":
            return loss
        total = np.add.reduce(loss, None)
        if self.reduction == "sum":
            return total
        return quiet(np.divide, total, np.add.reduce(self.weights, None))

    def backward(self, gy, x):
        shape = np.shape(x)
        coef = np.zeros(shape, dtype=self.weights.dtype)
        coef[self.key] = -self.weights
        total = np.add.reduce(self.weights, None)
        if self.reduction == "mean" and total:  # all targets ignored: zero gradient, as torch
            coef /= total
        elif self.reduction == "none":
            dim = _class_dim(x)
            gy = Reshape.apply(gy, shape=shape[:dim] + (1,) + shape[dim + 1 :])
        return NllLossBackward.apply(gy * coef, x)


class NllLossBackward(Function):
    """nll_loss_backward's result g, recorded with x as an input as torch's (so a create_graph
    gradient requires grad, as torch's); d/dg is 1, d/dx is 0 (nll is linear in x)"""

    saves = ()

    def forward(self, g, x):
        return g

    def backward(self, gg, g, x):
        return gg, zero_gradient(x)


def _class_dim(x) -> int:
    return 0 if np.ndim(x) == 1 else 1


def _nll_targets(x: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int):
    """The index of each target's entry of x (ignored targets point at class 0) and its weight."""
    shape, t = x._data.shape, target._data
    if not shape:
        raise ValueError("Expected 1 or more dimensions (got 0)")
    if t.dtype != np.int64 and t.dtype != np.uint8:
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {torch_dtype_name(target)}"
        )
    if len(shape) > 1 and shape[0] != (t.shape[0] if t.ndim else None):
        raise ValueError(
            f"Expected input batch_size ({shape[0]}) to match target batch_size "
            f"({t.shape[0] if t.ndim else 1})."
        )
    expected = shape[:1] + shape[2:] if len(shape) > 1 else ()
    if t.shape != expected:
        raise RuntimeError(
            f"Expected target size {list(expected)}, got {list(t.shape)} "
            f"(nll_loss of input {list(shape)})"
        )
    dim = 0 if len(shape) == 1 else 1
    n_classes = shape[dim]
    ignored = t == ignore_index
    safe = np.where(ignored, 0, t)
    if safe.size and (safe.min() < 0 or safe.max() >= n_classes):
        bad = safe[(safe < 0) | (safe >= n_classes)].flat[0]
        raise IndexError(f"Target {bad} is out of bounds.")
    if weight is None:
        weights = (~ignored).astype(x._data.dtype)
    else:
        w = np.asarray(data(weight), x._data.dtype)
        if w.shape != (n_classes,):
            raise RuntimeError(
                f"weight tensor should be defined either for all {n_classes} classes or no "
                f"classes but got weight tensor of shape: {list(w.shape)}"
            )
        weights = np.where(ignored, 0, w[safe]).astype(x._data.dtype)
    if len(shape) == 1:
        return (safe,), weights
    others = list(np.indices(t.shape, sparse=True)) if t.ndim > 1 else [np.arange(shape[0])]
    return (others[0], safe, *others[1:]), weights


@register(top=False, method=False, functional=True)
def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log likelihood of class-index targets: -input[n, target[n]] (weighted)."""
    reduction = _reduction(reduction, size_average, reduce)
    x = tensor_arg(input, "nll_loss")
    tensor_arg(target, "nll_loss", "target")
    key, weights = _nll_targets(x, target, weight, ignore_index)
    node = "NllLossBackward0" if x._data.ndim <= 2 else "NllLoss2DBackward0"
    return NllLoss(key, weights, reduction, node)._run(x)


@register(top=False, method=False, functional=True)
def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """log_softmax over the class dim, then nll_loss; also class-probability targets and
    label smoothing, as torch."""
    reduction = _reduction(reduction, size_average, reduce)
    x = tensor_arg(input, "cross_entropy")
    t = tensor_arg(target, "cross_entropy", "target")
    if x._data.ndim == 0:
        raise ValueError("Expected 1 or more dimensions (got 0)")
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    dim = _class_dim(x._data)
    n_classes = x._data.shape[dim]
    logp = log_softmax(x, dim)
    w_view = None
    if weight is not None:
        w_view = weight.reshape(*[n_classes if i == dim else 1 for i in range(x._data.ndim)])
    if t._data.shape == x._data.shape:
        return _cross_entropy_probs(logp, t, w_view, ignore_index, reduction, label_smoothing)
    nll = nll_loss(logp, t, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0.0:
        return nll
    smooth = -sum_(logp if w_view is None else logp * w_view, dim)
    ignored = t._data == ignore_index
    smooth = where(_make(ignored), 0.0, smooth)
    if reduction == "mean":
        if weight is None:
            denom = float(np.count_nonzero(~ignored))
        else:
            denom = float(np.sum(data(weight)[t._data[~ignored]]))
        smooth = sum_(smooth) / denom
    elif reduction == "sum":
        smooth = sum_(smooth)
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / n_classes)


def _cross_entropy_probs(
    logp: Tensor,
    t: Tensor,
    w_view: Tensor | None,
    ignore_index: int,
    reduction: str,
    label_smoothing: float,
) -> Tensor:
    """Cross entropy against class probabilities: -sum(target * log_softmax) per sample."""
    if t._data.dtype.kind != "f":
        raise RuntimeError(
            f"Expected floating point type for target with class probabilities, "
            f"got {torch_dtype_name(t)}"
        )
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    dim = _class_dim(logp._data)
    n_classes = logp._data.shape[dim]
    if label_smoothing > 0:
        t = t * (1 - label_smoothing) + label_smoothing / n_classes
    prod = logp * t if w_view is None else logp * t * w_view
    if reduction == "none":
        return -sum_(prod, dim)
    if reduction == "sum":
        return -sum_(prod)
    if logp._data.size == 0:
        return _make(np.asarray(np.nan, dtype=logp._data.dtype))
    return -sum_(prod) / (logp._data.size // n_classes)
