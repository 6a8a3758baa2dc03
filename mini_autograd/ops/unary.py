"""Unary math, each forward beside its derivative: exp and log families, roots, trig, activations,
rounding.

Floating ops turn integer inputs into the default float dtype, as torch; abs, sign and relu keep
the input's dtype.
"""

from __future__ import annotations

import math

import numpy as np

from .._function import Function
from .._tensor import Tensor, _make
from ._registry import register
from ._util import Node, data, float_arg, quiet, tensor_arg, torch_dtype_name
from .elementwise import Div, Log, Where
from .inplace_variants import written_into

_LN2 = math.log(2.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class Exp(Function):
    """exp'(x) = exp(x)"""

    save_output = True

    def forward(self, x):
        return quiet(np.exp, x)

    def backward(self, gy, x):
        return gy * self.saved_output(gy)


class Expm1(Function):
    """expm1'(x) = expm1(x) + 1"""

    save_output = True

    def forward(self, x):
        return quiet(np.expm1, x)

    def backward(self, gy, x):
        return gy * (self.saved_output(gy) + 1)


class Log1p(Function):
    """log1p'(x) = 1 / (1 + x)"""

    node = "Log1PBackward0"

    def forward(self, x):
        return quiet(np.log1p, x)

    def backward(self, gy, x):
        return Div.apply(gy, x + 1)


class Log2(Function):
    """log2'(x) = 1 / (x ln 2)"""

    def forward(self, x):
        return quiet(np.log2, x)

    def backward(self, gy, x):
        return Div.apply(gy, x * _LN2)


class Sqrt(Function):
    """sqrt'(x) = 1 / (2 sqrt(x)); inf at 0, as torch"""

    save_output = True

    def forward(self, x):
        return quiet(np.sqrt, x)

    def backward(self, gy, x):
        return Div.apply(gy, self.saved_output(gy) * 2)


class Rsqrt(Function):
    """rsqrt'(x) = -rsqrt(x)^3 / 2"""

    save_output = True

    def forward(self, x):
        return quiet(_rsqrt, x)

    def backward(self, gy, x):
        y = self.saved_output(gy)
        return gy * -0.5 * (y * y * y)


def _rsqrt(x):
    return 1 / np.sqrt(x)


class Reciprocal(Function):
    """(1/x)' = -1/x^2"""

    save_output = True

    def forward(self, x):
        return quiet(np.reciprocal, x)

    def backward(self, gy, x):
        y = self.saved_output(gy)
        return -gy * (y * y)


class Sin(Function):
    """sin'(x) = cos(x)"""

    def forward(self, x):
        return quiet(np.sin, x)

    def backward(self, gy, x):
        return gy * Cos.apply(x)


class Cos(Function):
    """cos'(x) = -sin(x)"""

    def forward(self, x):
        return quiet(np.cos, x)

    def backward(self, gy, x):
        return -gy * Sin.apply(x)


class Tan(Function):
    """tan'(x) = 1 + tan(x)^2"""

    save_output = True

    def forward(self, x):
        return quiet(np.tan, x)

    def backward(self, gy, x):
        y = self.saved_output(gy)
        return gy * (1 + y * y)


class Tanh(Function):
    """tanh'(x) = 1 - tanh(x)^2"""

    save_output = True

    def forward(self, x):
        return np.tanh(x)

    def backward(self, gy, x):
        y = self.saved_output(gy)
        return gy * (1 - y * y)


class Sigmoid(Function):
    """sigmoid'(x) = sigmoid(x) (1 - sigmoid(x))"""

    save_output = True

    def forward(self, x):
        return quiet(_sigmoid, x)

    def backward(self, gy, x):
        y = self.saved_output(gy)
        return gy * (y * (1 - y))


def _sigmoid(x):
    """1 / (1 + e^-x): e^-x overflows to inf for very negative x, giving exactly 0, as torch."""
    return 1 / (1 + np.exp(-x))


class Erf(Function):
    """erf'(x) = 2/sqrt(pi) exp(-x^2)"""

    def forward(self, x):
        return erf_array(x)

    def backward(self, gy, x):
        return gy * _TWO_OVER_SQRT_PI * Exp.apply(-(x * x))


class Relu(Function):
    """relu'(x) = 0 where x <= 0, else 1 (1 at nan, as torch)"""

    def forward(self, x):
        return np.maximum(x, 0)

    def backward(self, gy, x):
        if isinstance(gy, Tensor):  # under create_graph: a node that also reaches x, as torch's
            return ReluBackward()._run(gy, x)
        return Where.apply(data(x) <= 0, 0.0, gy)  # torch's threshold_backward: nan passes


class ReluBackward(Function):
    """gx = gy where x > 0 (threshold_backward): d/dgy is the same mask, d/dx is 0 — recorded with
    x as an input, so a first-order gradient of relu requires grad under create_graph, as torch's"""

    def forward(self, gy, x):
        return np.where(x <= 0, 0.0, gy).astype(np.result_type(gy), copy=False)

    def backward(self, ggx, gy, x):
        return Where.apply(data(x) <= 0, 0.0, ggx), zero_gradient(x)


class ScaledBackward(Node):
    """gx = gy · factor for a derivative that is piecewise constant in x (a mask, ±1, a slope),
    recorded with x as an input under create_graph, as torch's hardtanh_backward,
    softshrink_backward, threshold_backward and copysign's: the gradient then requires grad, and
    its own derivative is the same factor for gy and zeros for x"""

    def __init__(self, factor: np.ndarray, node: str) -> None:
        self.factor, self.node = factor, node

    def forward(self, gy, x):
        f = self.factor
        return np.where(f != 0, gy * f, 0.0).astype(np.result_type(gy), copy=False)

    def backward(self, ggx, gy, x):
        f = self.factor
        return Where.apply(f != 0, ggx * f.astype(np.result_type(data(ggx))), 0.0), zero_gradient(x)


def scaled_gradient(gy, x, factor: np.ndarray, node: str):
    """gy · factor(x): under create_graph (gy a Tensor) a node that also reaches x, else an array
    (zero wherever the factor is, even where gy is nan, as torch's masked backwards)"""
    if isinstance(gy, Tensor):
        return ScaledBackward(factor, node)._run(gy, x)
    return np.where(factor != 0, gy * factor, 0.0).astype(np.result_type(gy), copy=False)


def zero_gradient(like):
    """A gradient of zeros that records nothing (torch's zeros_like in a zero derivative)."""
    if isinstance(like, Tensor):
        return _make(np.zeros_like(like._data))
    return np.zeros_like(like)


class Abs(Function):
    """abs'(x) = sign(x) (0 at 0, as torch)"""

    def forward(self, x):
        return np.abs(x)

    def backward(self, gy, x):
        return gy * Sign.apply(x)


class Sign(Function):
    """sign'(x) = 0; sign(nan) is 0, as torch (so abs' gradient at nan is 0 too)"""

    def forward(self, x):
        s = np.sign(x)
        if s.dtype.kind == "f" and np.isnan(s).any():
            return np.where(np.isnan(s), 0, s).astype(s.dtype)
        return s

    def backward(self, gy, x):
        return zero_gradient(gy)


class Floor(Function):
    """floor'(x) = 0"""

    def forward(self, x):
        return np.floor(x)

    def backward(self, gy, x):
        return zero_gradient(gy)


class Ceil(Floor):
    """ceil'(x) = 0"""

    def forward(self, x):
        return np.ceil(x)


class Round(Node):
    """round'(x) = 0 (halves go to the even neighbour, as torch)"""

    def __init__(self, decimals: int) -> None:
        self.decimals = decimals
        self.node = "RoundBackward1" if decimals else "RoundBackward0"

    def forward(self, x):
        return np.round(x, self.decimals)

    def backward(self, gy, x):
        return zero_gradient(gy)


def _floating(fn_cls: type[Function], name: str, doc: str, **reg: object):
    """Register a floating unary op: integer inputs become the default float dtype."""

    apply = fn_cls.on_tensor  # bound once: a bound method per call is one more object for the gc

    def op(input: Tensor) -> Tensor:
        return apply(float_arg(input, name))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return register(name, pauses=True, **reg)(op)


def _same_dtype(fn_cls: type[Function], name: str, doc: str, **reg: object):
    """Register a unary op that keeps the input's dtype."""

    apply = fn_cls.on_tensor  # bound once: a bound method per call is one more object for the gc

    def op(input: Tensor) -> Tensor:
        x = tensor_arg(input, name)
        if x._data.dtype == np.bool_:
            if name == "sign":  # the sign of a truth value is itself
                return _make(x._data.copy())
            kernel = name + ("_vml_cpu" if name in ("floor", "ceil") else "_cpu")
            raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
        return apply(x)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return register(name, pauses=True, **reg)(op)


exp = _floating(Exp, "exp", "e**input elementwise.")
expm1 = _floating(Expm1, "expm1", "e**input - 1, accurate near 0.")
log = _floating(Log, "log", "Natural logarithm elementwise (-inf at 0, nan below).")
log1p = _floating(Log1p, "log1p", "log(1 + input), accurate near 0.")
log2 = _floating(Log2, "log2", "Base-2 logarithm elementwise.")
sqrt = _floating(Sqrt, "sqrt", "Square root elementwise (nan below 0).")
rsqrt = _floating(Rsqrt, "rsqrt", "1 / sqrt(input) elementwise.")
reciprocal = _floating(Reciprocal, "reciprocal", "1 / input elementwise.")
sin = _floating(Sin, "sin", "Sine elementwise.")
cos = _floating(Cos, "cos", "Cosine elementwise.")
tan = _floating(Tan, "tan", "Tangent elementwise.")
tanh = _floating(Tanh, "tanh", "Hyperbolic tangent elementwise.", functional=True)
sigmoid = _floating(Sigmoid, "sigmoid", "1 / (1 + e**-input) elementwise.", functional=True)
erf = _floating(Erf, "erf", "The error function elementwise.")
abs = _same_dtype(Abs, "abs", "|input| elementwise.", dunders=("__abs__",), aliases=("absolute",))
sign = _same_dtype(Sign, "sign", "-1, 0 or 1 by the sign of each element.")
floor = _same_dtype(Floor, "floor", "The largest integer <= each element.")
ceil = _same_dtype(Ceil, "ceil", "The smallest integer >= each element.")


@register()
def round(input: Tensor, *, decimals: int = 0) -> Tensor:
    """Round to `decimals` places, halves to even."""
    x = tensor_arg(input, "round")
    kind = x._data.dtype.kind
    if kind == "b" or (decimals and kind != "f"):
        kernel = "round_cpu" if decimals else "round_vml_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{torch_dtype_name(x)}'")
    return Round(decimals)._run(x)


@register(functional=True)
def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(input, 0) elementwise, keeping the dtype (`inplace=True`: written into input)."""
    if inplace:
        return written_into(input, "relu", relu)
    return Relu()._run(tensor_arg(input, "relu"))


# numpy has no erf: libm's, element by element, is as fast as a vectorised rational approximation
# for small arrays (~60 ns an element) and exact to the last bit in float64
_erf_elementwise = np.frompyfunc(math.erf, 1, 1)


def erf_array(x: np.ndarray) -> np.ndarray:
    """erf elementwise on an array, in x's dtype."""
    return np.asarray(_erf_elementwise(x), dtype=np.asarray(x).dtype)
