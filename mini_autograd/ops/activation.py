"""nn.functional activations, softmax and dropout, each forward beside its derivative.

`inplace=True` writes the result into the input (see `inplace_variants.py`), as torch.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import _creation, _dtype
from .._function import Function
from .._tensor import Tensor, _wrap_dim
from .._warn_once import user_stacklevel
from ._registry import paused_when_deep, register
from ._util import c_order, data, quiet, tensor_arg, torch_dtype_name
from .elementwise import Mul, Where
from .inplace_variants import written_into
from .reduction import Sum
from .unary import Erf, Exp, Sigmoid, Tanh, _sigmoid, erf_array, zero_gradient

_SQRT1_2 = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_KAPPA = 0.044715


class LeakyRelu(Function):
    """leaky_relu'(x) = 1 where x > 0, else negative_slope"""

    def __init__(self, negative_slope: float) -> None:
        self.slope = negative_slope

    def forward(self, x):
        return np.where(x > 0, x, x * self.slope)

    def backward(self, gy, x):
        return LeakyReluBackward.apply(gy, x, slope=self.slope)


class LeakyReluBackward(Function):
    """gx = gy where x > 0, else slope gy (leaky_relu_backward): recorded with x as an input, so
    the create_graph gradient requires grad as torch's; d/dx is 0"""

    def __init__(self, slope: float) -> None:
        self.slope = slope

    def forward(self, gy, x):
        return np.where(x > 0, gy, gy * self.slope).astype(np.result_type(gy), copy=False)

    def backward(self, ggx, gy, x):
        return Where.apply(data(x) > 0, ggx, ggx * self.slope), zero_gradient(x)


class Elu(Function):
    """elu'(x) = 1 where x > 0, else alpha exp(x)"""

    def __init__(self, alpha: float) -> None:
        self.alpha = alpha

    def forward(self, x):
        return np.where(x > 0, x, quiet(np.expm1, x) * self.alpha)

    def backward(self, gy, x):
        # torch's elu_backward tests x <= 0, so nan takes the identity branch
        return Where.apply(data(x) <= 0, gy * (Exp.apply(x) * self.alpha), gy)


class Gelu(Function):
    """gelu(x) = x Phi(x): gelu'(x) = Phi(x) + x phi(x); with approximate='tanh', the tanh form."""

    def __init__(self, approximate: str) -> None:
        self.approximate = approximate

    def forward(self, x):
        if self.approximate == "tanh":
            inner = _SQRT_2_OVER_PI * (x + _KAPPA * x * x * x)
            return 0.5 * x * (1 + np.tanh(inner))
        return x * 0.5 * (1 + erf_array(x * _SQRT1_2))

    def backward(self, gy, x):
        if self.approximate == "tanh":
            x_sq = x * x
            t = Tanh.apply((x + x_sq * x * _KAPPA) * _SQRT_2_OVER_PI)
            d_inner = (x_sq * (3 * _KAPPA) + 1) * _SQRT_2_OVER_PI
            return gy * ((t + 1) * 0.5 + x * 0.5 * (1 - t * t) * d_inner)
        cdf = (Erf.apply(x * _SQRT1_2) + 1) * 0.5
        pdf = Exp.apply(x * x * -0.5) * _INV_SQRT_2PI
        return gy * (cdf + x * pdf)


class Silu(Function):
    """silu'(x) = s (1 + x (1 - s)), s = sigmoid(x)"""

    def forward(self, x):
        return x * quiet(_sigmoid, x)

    def backward(self, gy, x):
        s = Sigmoid.apply(x)
        return gy * (s * (x * (1 - s) + 1))


class Softplus(Function):
    """softplus'(x) = sigmoid(beta x), and 1 past the threshold where softplus(x) = x"""

    def __init__(self, beta: float, threshold: float) -> None:
        self.beta, self.threshold = beta, threshold

    def forward(self, x):
        bx = x * self.beta
        return np.where(bx > self.threshold, x, np.logaddexp(0, bx) / self.beta).astype(
            x.dtype, copy=False
        )

    def backward(self, gy, x):
        linear = data(x) * self.beta > self.threshold
        return Where.apply(linear, gy, gy * Sigmoid.apply(x * self.beta))


class Softmax(Function):
    """softmax'(x) gy = y (gy - sum(gy y)) over dim"""

    save_output = True

    def __init__(self, dim: int | None) -> None:
        self.dim = dim  # None: a 0-d input

    def forward(self, x):
        return c_order(quiet(_softmax, x, self.dim))  # C order, as torch

    def backward(self, gy, x):
        y = self.saved_output(gy)
        return y * (gy - Sum.apply(gy * y, axes=_axes(self.dim), keepdim=True))


class LogSoftmax(Function):
    """log_softmax'(x) gy = gy - softmax(x) sum(gy) over dim"""

    save_output = True

    def __init__(self, dim: int | None) -> None:
        self.dim = dim  # None: a 0-d input

    def forward(self, x):
        return c_order(quiet(_log_softmax, x, self.dim))  # as torch

    def backward(self, gy, x):
        total = Sum.apply(gy, axes=_axes(self.dim), keepdim=True)
        return gy - Exp.apply(self.saved_output(gy)) * total


def _axes(dim: int | None) -> tuple[int, ...] | None:
    return None if dim is None else (dim,)


def _softmax(x, dim):
    """exp(x - max) / sum: the max shift keeps exp <= 1 for logits in the thousands."""
    e = np.exp(x - np.maximum.reduce(x, dim, keepdims=True, initial=-np.inf))
    return e / np.add.reduce(e, dim, keepdims=True)


def _log_softmax(x, dim):
    shifted = x - np.maximum.reduce(x, dim, keepdims=True, initial=-np.inf)
    return shifted - np.log(np.add.reduce(np.exp(shifted), dim, keepdims=True))


@register(top=False, method=False, functional=True)
def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x where x > 0, else negative_slope * x."""
    if inplace:
        return written_into(input, "leaky_relu", leaky_relu, negative_slope)
    return LeakyRelu(negative_slope)._run(tensor_arg(input, "leaky_relu"))


@register(top=False, method=False, functional=True)
def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x where x > 0, else alpha * (exp(x) - 1)."""
    if inplace:
        return written_into(input, "elu", elu, alpha)
    return Elu(alpha)._run(tensor_arg(input, "elu"))


@register(top=False, method=False, functional=True)
def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x), Phi the standard normal CDF; approximate='tanh' uses the tanh formula."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(
            f"approximate argument must be either none or tanh (got {approximate!r})"
        )
    return Gelu(approximate)._run(tensor_arg(input, "gelu"))


@register(top=False, method=False, functional=True)
def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (swish)."""
    if inplace:
        return written_into(input, "silu", silu)
    return Silu()._run(tensor_arg(input, "silu"))


@register(top=False, method=False, functional=True)
def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold."""
    return Softplus(beta, threshold)._run(tensor_arg(input, "softplus"))


def _softmax_input(
    input: Tensor, dim: int | None, dtype: _dtype.dtype | None, op: str
) -> tuple[Tensor, int]:
    x = tensor_arg(input, op)
    if dtype is not None:
        x = x.to(dtype)
    if x._data.dtype.kind != "f":
        raise NotImplementedError(
            f"\"{op}_lastdim_kernel_impl\" not implemented for '{torch_dtype_name(x)}'"
        )
    ndim = x._data.ndim
    if dim is None:
        warnings.warn(
            f"Implicit dimension choice for {op} has been deprecated. Change the call "
            "to include dim=X as an argument.",
            stacklevel=user_stacklevel(),
        )
        dim = 0 if ndim in (0, 1, 3) else 1
    return x, _wrap_dim(dim, ndim, op)


@register(functional=True)
def softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: _dtype.dtype | None = None
) -> Tensor:
    """exp(x) / sum(exp(x)) along dim, computed after subtracting the max (stable)."""
    x, d = _softmax_input(input, dim, dtype, "softmax")
    if x._data.ndim == 0:
        return Softmax(None)._run(x)
    return Softmax(d)._run(x)


@register(functional=True)
def log_softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: _dtype.dtype | None = None
) -> Tensor:
    """x - logsumexp(x) along dim, stable for logits in the thousands."""
    x, d = _softmax_input(input, dim, dtype, "log_softmax")
    if x._data.ndim == 0:
        return LogSoftmax(None)._run(x)
    return LogSoftmax(d)._run(x)


def _dim_required(fn: Any, op: str, dim_at: int) -> Any:
    """torch.X / Tensor.X for softmax and log_softmax: `dim` is required (an int), as in torch;
    only F.X chooses one implicitly (with a warning). dim_at: dim's argument position."""
    missing = f'{op}() missing 1 required positional arguments: "dim"'

    def strict(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        if args:
            dim, where, args = args[0], f" (position {dim_at})", args[1:]
        elif "dim" in kwargs or "axis" in kwargs:  # torch accepts numpy's axis= alias too
            dim, where = kwargs.pop("dim") if "dim" in kwargs else kwargs.pop("axis"), ""
        else:
            raise TypeError(missing)
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
            raise TypeError(f"{op}(): argument 'dim'{where} must be int, not {type(dim).__name__}")
        dtype = args[0] if args else kwargs.pop("dtype", None)
        if len(args) > 1 or kwargs:
            raise TypeError(f"{op}() received an invalid combination of arguments")
        return fn(input, int(dim), dtype=dtype)

    strict.__name__ = strict.__qualname__ = op
    strict.__doc__ = fn.__doc__
    return paused_when_deep(strict)


#: torch.softmax, torch.log_softmax (mini_autograd/__init__.py installs them) and the methods
softmax_aten = _dim_required(softmax, "softmax", 2)
log_softmax_aten = _dim_required(log_softmax, "log_softmax", 2)
Tensor.softmax = _dim_required(softmax, "softmax", 1)  # type: ignore[method-assign]
Tensor.log_softmax = _dim_required(log_softmax, "log_softmax", 1)  # type: ignore[method-assign]


@register(top=False, method=False, functional=True)
def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability p and scale the rest by 1/(1-p), when training."""
    x = tensor_arg(input, "dropout")
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return x
    if inplace:
        return written_into(x, "dropout", dropout, p, training)
    dtype = x._data.dtype
    if p == 1.0:
        return Mul()._run(x, np.zeros((), dtype=dtype))
    keep = _creation.get_rng().random(x._data.shape, dtype=np.float32) >= p
    return Mul()._run(x, keep.astype(dtype) / np.asarray(1.0 - p, dtype=dtype))
