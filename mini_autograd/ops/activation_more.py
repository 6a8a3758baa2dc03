"""More nn.functional activations: the hard, shrink and threshold families, mish, selu/celu,
prelu, rrelu, glu, logsigmoid, softmin, softsign, tanhshrink and gumbel_softmax.

Where torch has a kernel of its own (hardtanh, hardswish, ...), so does this module, with torch's
gradient at the kinks; where torch composes (softsign, tanhshrink, glu), so do we.
"""

from __future__ import annotations

import numpy as np

from .. import _creation, _dtype
from .._function import Function
from .._tensor import Tensor, _make, _wrap_dim
from ._registry import register
from ._util import Node, data, quiet, tensor_arg, torch_dtype_name
from .activation import LeakyRelu, softmax
from .elementwise import Where
from .inplace_variants import written_into
from .unary import Exp, Sigmoid, Tanh, scaled_gradient
from .unary import abs as abs_

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _zero(x):
    return np.zeros((), dtype=np.asarray(data(x)).dtype)


class Hardtanh(Function):
    """hardtanh'(x) = 1 strictly inside (min_val, max_val), 0 at and beyond the bounds"""

    def __init__(self, lo: float, hi: float) -> None:
        self.lo, self.hi = lo, hi

    def forward(self, x):
        return np.clip(x, self.lo, self.hi).astype(x.dtype, copy=False)

    def backward(self, gy, x):
        xd = data(x)
        inside = (xd > self.lo) & (xd < self.hi)
        return scaled_gradient(gy, x, inside.astype(xd.dtype), "HardtanhBackwardBackward0")


class Hardswish(Function):
    """hardswish(x) = x relu6(x + 3) / 6: derivative 0 below -3, x/3 + 1/2 up to 3, then 1"""

    def forward(self, x):
        return x * np.clip(x + 3, 0, 6) / 6

    def backward(self, gy, x):
        xd = data(x)
        inner = gy * (x / 3 + 0.5)
        return Where.apply(xd < -3, _zero(xd), Where.apply(xd <= 3, inner, gy))


class Hardsigmoid(Function):
    """hardsigmoid(x) = relu6(x + 3) / 6: derivative 1/6 strictly inside (-3, 3)"""

    def forward(self, x):
        return np.clip(x + 3, 0, 6) / 6

    def backward(self, gy, x):
        xd = data(x)
        inside = ((xd > -3) & (xd < 3)).astype(xd.dtype) / 6
        return scaled_gradient(gy, x, inside, "HardsigmoidBackwardBackward0")


class Mish(Function):
    """mish(x) = x tanh(softplus(x)): mish'(x) = t + x sigmoid(x) (1 - t^2), t = tanh(softplus)"""

    def forward(self, x):
        return x * np.tanh(np.logaddexp(0, x))

    def backward(self, gy, x):
        t = Tanh.apply(Softplus0.apply(x))
        return gy * (t + x * Sigmoid.apply(x) * (1 - t * t))


class Softplus0(Function):
    """log(1 + e^x): derivative sigmoid(x) (mish's inner function)"""

    def forward(self, x):
        return np.logaddexp(0, x).astype(x.dtype, copy=False)

    def backward(self, gy, x):
        return gy * Sigmoid.apply(x)


class ScaledElu(Node):
    """scale * (x if x > 0 else alpha (exp(x * input_scale) - 1)): elu, selu and celu"""

    def __init__(self, alpha: float, scale: float, input_scale: float, node: str) -> None:
        self.alpha, self.scale, self.input_scale, self.node = alpha, scale, input_scale, node

    def forward(self, x):
        neg = quiet(np.expm1, x * self.input_scale) * (self.alpha * self.scale)
        return np.where(x > 0, x * self.scale, neg).astype(x.dtype, copy=False)

    def backward(self, gy, x):
        c = self.alpha * self.scale * self.input_scale
        neg = gy * (Exp.apply(x * self.input_scale) * c)
        return Where.apply(data(x) > 0, gy * self.scale, neg)


class LogSigmoid(Function):
    """log sigmoid(x) = min(x, 0) - log1p(exp(-|x|)): derivative sigmoid(-x)"""

    def forward(self, x):
        return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))

    def backward(self, gy, x):
        return gy * Sigmoid.apply(-x)


class Shrink(Node):
    """hardshrink / softshrink: the gradient passes where |x| > lambd, 0 inside [-lambd, lambd]"""

    def __init__(self, lambd: float, soft: bool) -> None:
        self.lambd, self.soft = lambd, soft
        self.node = "SoftshrinkBackward0" if soft else "HardshrinkBackward0"

    def forward(self, x):
        keep = (x < -self.lambd) | (x > self.lambd)
        if self.soft:
            return np.where(keep, x - np.sign(x) * self.lambd, 0).astype(x.dtype, copy=False)
        return np.where(keep, x, 0).astype(x.dtype, copy=False)

    def backward(self, gy, x):
        xd = data(x)
        outside = (xd < -self.lambd) | (xd > self.lambd)
        return scaled_gradient(gy, x, outside.astype(xd.dtype), self.node[:-1] + "Backward0")


class Threshold(Function):
    """x where x > threshold, else value: the gradient passes where x > threshold"""

    def __init__(self, threshold: float, value: float) -> None:
        self.threshold, self.value = threshold, value

    def forward(self, x):
        return np.where(x > self.threshold, x, np.asarray(self.value, x.dtype))

    def backward(self, gy, x):
        xd = data(x)
        above = (xd > self.threshold).astype(xd.dtype)
        return scaled_gradient(gy, x, above, "ThresholdBackwardBackward0")


class Rrelu(LeakyRelu):
    """rrelu in eval mode: leaky_relu with slope (lower + upper) / 2"""

    node = "RreluWithNoiseBackward0"


@register(top=False, method=False, functional=True)
def hardtanh(
    input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    """x clipped to [min_val, max_val]."""
    x = tensor_arg(input, "hardtanh")
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if inplace:
        return written_into(x, "hardtanh", hardtanh, min_val, max_val)
    return Hardtanh(min_val, max_val)._run(x)


@register(top=False, method=False, functional=True)
def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(0, x), 6): hardtanh(x, 0, 6)."""
    if inplace:
        return written_into(input, "relu6", relu6)
    return Hardtanh(0.0, 6.0)._run(tensor_arg(input, "relu6"))


@register(top=False, method=False, functional=True)
def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * relu6(x + 3) / 6."""
    if inplace:
        return written_into(input, "hardswish", hardswish)
    return Hardswish()._run(tensor_arg(input, "hardswish"))


@register(top=False, method=False, functional=True)
def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6."""
    if inplace:
        return written_into(input, "hardsigmoid", hardsigmoid)
    return Hardsigmoid()._run(tensor_arg(input, "hardsigmoid"))


@register(top=False, method=False, functional=True)
def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x))."""
    if inplace:
        return written_into(input, "mish", mish)
    return Mish()._run(tensor_arg(input, "mish"))


@register(method=False, functional=True)
def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with the self-normalising constants."""
    if inplace:
        return written_into(input, "selu", selu)
    return ScaledElu(_SELU_ALPHA, _SELU_SCALE, 1.0, "EluBackward0")._run(tensor_arg(input, "selu"))


@register(method=False, functional=True)
def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    x = tensor_arg(input, "celu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    if inplace:
        return written_into(x, "celu", celu, alpha)
    return ScaledElu(alpha, 1.0, 1.0 / alpha, "CeluBackward0")._run(x)


@register(functional=True)
def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x where x > 0, else weight * x, one learnt slope per channel (dim 1) or a shared one."""
    x = tensor_arg(input, "prelu")
    w = tensor_arg(weight, "prelu", "weight")
    n = w.numel()
    channels = x.shape[1] if x.dim() >= 2 else 1
    if w.dim() > 1:
        raise RuntimeError(
            f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {w.dim()}"
        )
    if n != 1 and n != channels:
        raise RuntimeError(
            f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
            f"{n} and channel size = {channels}."
        )
    if n != 1 and x.dim() >= 2:
        w = w.reshape(n, *([1] * (x.dim() - 2)))
    elif w.dim() == 1 and x.dim() == 0:
        w = w.reshape(())
    return Where.apply(data(x) > 0, x, w * x)


@register(method=False, functional=True)
def rrelu(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
    inplace: bool = False,
) -> Tensor:
    """leaky_relu with slope (lower + upper) / 2; when training, a slope drawn uniformly from
    [lower, upper] per negative element (numpy's generator, seeded by manual_seed)."""
    x = tensor_arg(input, "rrelu")
    if inplace:
        return written_into(x, "rrelu", rrelu, lower, upper, training)
    if not training:
        return Rrelu((lower + upper) / 2)._run(x)
    slopes = _creation.get_rng().uniform(lower, upper, x._data.shape).astype(x._data.dtype)
    slopes = np.where(x._data > 0, 1, slopes).astype(x._data.dtype)
    return x * _make(slopes)


@register(top=False, method=False, functional=True)
def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a * sigmoid(b), a and b the two halves of input along dim."""
    x = tensor_arg(input, "glu")
    if x.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = _wrap_dim(dim, x.dim(), "glu")
    size = x.shape[d]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {size}")
    a, b = x.split(size // 2, d)
    return a * b.sigmoid()


@register(top=False, method=False, functional=True)
def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)), stable for large |x|."""
    return LogSigmoid()._run(tensor_arg(input, "logsigmoid"))


@register(top=False, method=False, functional=True)
def softmin(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: _dtype.dtype | None = None
) -> Tensor:
    """softmax(-x) along dim."""
    x = tensor_arg(input, "softmin")
    if dtype is not None:
        x = x.to(dtype)
    return softmax(-x, dim)


@register(top=False, method=False, functional=True)
def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    x = tensor_arg(input, "softsign")
    return x / (abs_(x) + 1)


@register(top=False, method=False, functional=True)
def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x)."""
    x = tensor_arg(input, "tanhshrink")
    return x - x.tanh()


@register(functional=True)
def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0."""
    return Shrink(lambd, soft=False)._run(tensor_arg(input, "hardshrink"))


@register(top=False, method=False, functional=True)
def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x - lambd * sign(x) where |x| > lambd, else 0."""
    x = tensor_arg(input, "softshrink")
    if lambd < 0:
        top = np.finfo(x._data.dtype).max if x._data.dtype.kind == "f" else np.inf
        raise RuntimeError(
            f"lambda must be in range [0, {top:g}] for input dtype {torch_dtype_name(x)}, but "
            f"found {lambd}"
        )
    return Shrink(lambd, soft=True)._run(x)


@register(method=False, functional=True)
def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else value."""
    if inplace:
        return written_into(input, "threshold", Threshold(threshold, value)._run)
    return Threshold(threshold, value)._run(tensor_arg(input, "threshold"))


@register(top=False, method=False, functional=True)
def gumbel_softmax(
    logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1
) -> Tensor:
    """softmax((logits + g) / tau), g Gumbel noise from the seeded generator; hard=True gives
    one-hot samples whose gradient is the soft sample's (straight-through)."""
    x = tensor_arg(logits, "gumbel_softmax")
    noise = _creation.get_rng().exponential(1.0, x._data.shape).astype(x._data.dtype)
    gumbels = x + _make(-np.log(noise))
    y_soft = softmax(gumbels / tau, dim)
    if not hard:
        return y_soft
    d = _wrap_dim(dim, x.dim(), "gumbel_softmax")
    index = np.argmax(y_soft._data, axis=d)
    y_hard = np.zeros_like(y_soft._data)
    np.put_along_axis(y_hard, np.expand_dims(index, d), 1.0, axis=d)
    return y_soft + _make(y_hard - y_soft._data)
