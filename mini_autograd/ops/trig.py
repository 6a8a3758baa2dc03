"""Hyperbolic and inverse trigonometric functions, exp2, log10, sinc and angle conversions, each
forward beside its derivative (integer inputs become the default float dtype, as torch)."""

from __future__ import annotations

import math

import numpy as np

from .._function import Function
from .._tensor import Tensor
from ._registry import register
from ._util import Node, data, float_arg, quiet
from .elementwise import Div, Where
from .unary import Cos, Sin, Sqrt

_LN2, _LN10 = math.log(2.0), math.log(10.0)


class Sinh(Function):
    """sinh'(x) = cosh(x)"""

    def forward(self, x):
        return quiet(np.sinh, x)

    def backward(self, gy, x):
        return gy * Cosh.apply(x)


class Cosh(Function):
    """cosh'(x) = sinh(x)"""

    def forward(self, x):
        return quiet(np.cosh, x)

    def backward(self, gy, x):
        return gy * Sinh.apply(x)


class Asinh(Function):
    """asinh'(x) = 1 / sqrt(x^2 + 1)"""

    def forward(self, x):
        return np.arcsinh(x)

    def backward(self, gy, x):
        return Div.apply(gy, Sqrt.apply(x * x + 1))


class Acosh(Function):
    """acosh'(x) = 1 / sqrt(x^2 - 1)"""

    def forward(self, x):
        return quiet(np.arccosh, x)

    def backward(self, gy, x):
        return Div.apply(gy, Sqrt.apply(x * x - 1))


class Atanh(Function):
    """atanh'(x) = 1 / (1 - x^2)"""

    def forward(self, x):
        return quiet(np.arctanh, x)

    def backward(self, gy, x):
        return Div.apply(gy, 1 - x * x)


class Asin(Function):
    """asin'(x) = 1 / sqrt(1 - x^2)"""

    def forward(self, x):
        return quiet(np.arcsin, x)

    def backward(self, gy, x):
        return Div.apply(gy, Sqrt.apply(1 - x * x))


class Acos(Function):
    """acos'(x) = -1 / sqrt(1 - x^2)"""

    def forward(self, x):
        return quiet(np.arccos, x)

    def backward(self, gy, x):
        return -Div.apply(gy, Sqrt.apply(1 - x * x))


class Atan(Function):
    """atan'(x) = 1 / (1 + x^2)"""

    def forward(self, x):
        return np.arctan(x)

    def backward(self, gy, x):
        return Div.apply(gy, x * x + 1)


class Exp2(Function):
    """(2^x)' = 2^x ln 2"""

    save_output = True

    def forward(self, x):
        return quiet(np.exp2, x)

    def backward(self, gy, x):
        return gy * (self.saved_output(gy) * _LN2)


class Log10(Function):
    """log10'(x) = 1 / (x ln 10)"""

    def forward(self, x):
        return quiet(np.log10, x)

    def backward(self, gy, x):
        return Div.apply(gy, x * _LN10)


class Sinc(Function):
    """sinc(x) = sin(pi x) / (pi x): sinc'(x) = (cos(pi x) pi x - sin(pi x)) / (pi x^2), 0 at 0"""

    def forward(self, x):
        return np.sinc(x)

    def backward(self, gy, x):
        zero = data(x) == 0
        px = Where.apply(zero, 1.0, x * math.pi)  # a safe denominator where x == 0
        d = Div.apply(Cos.apply(px) * px - Sin.apply(px), px * Where.apply(zero, 1.0, x))
        # at 0 the value is 0 and the slope sinc''(0) = -pi^2/3, so the second derivative is right
        return gy * Where.apply(zero, x * (-(math.pi**2) / 3), d)


class Scale(Node):
    """x * c for a constant c (deg2rad, rad2deg): the gradient is gy * c."""

    def __init__(self, c: float, node: str) -> None:
        self.c, self.node = c, node

    def forward(self, x):
        return x * np.asarray(self.c, dtype=x.dtype)

    def backward(self, gy, x):
        return gy * self.c


def _floating(fn_cls: type[Function], name: str, doc: str, aliases: tuple[str, ...] = ()):
    apply = fn_cls.on_tensor  # bound once: a bound method per call is one more object for the gc

    def op(input: Tensor) -> Tensor:
        return apply(float_arg(input, name))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return register(name, aliases=aliases, pauses=True)(op)


sinh = _floating(Sinh, "sinh", "Hyperbolic sine elementwise.")
cosh = _floating(Cosh, "cosh", "Hyperbolic cosine elementwise.")
asinh = _floating(Asinh, "asinh", "Inverse hyperbolic sine.", ("arcsinh",))
acosh = _floating(Acosh, "acosh", "Inverse hyperbolic cosine (nan below 1).", ("arccosh",))
atanh = _floating(Atanh, "atanh", "Inverse hyperbolic tangent (+-inf at +-1).", ("arctanh",))
asin = _floating(Asin, "asin", "Inverse sine (nan outside [-1, 1]).", ("arcsin",))
acos = _floating(Acos, "acos", "Inverse cosine (nan outside [-1, 1]).", ("arccos",))
atan = _floating(Atan, "atan", "Inverse tangent.", ("arctan",))
exp2 = _floating(Exp2, "exp2", "2**input elementwise.")
log10 = _floating(Log10, "log10", "Base-10 logarithm elementwise.")
sinc = _floating(Sinc, "sinc", "The normalised sinc: sin(pi x) / (pi x), 1 at 0.")


@register()
def deg2rad(input: Tensor) -> Tensor:
    """Degrees to radians."""
    return Scale(math.pi / 180.0, "Deg2RadBackward0")._run(float_arg(input, "deg2rad"))


@register()
def rad2deg(input: Tensor) -> Tensor:
    """Radians to degrees."""
    return Scale(180.0 / math.pi, "Rad2DegBackward0")._run(float_arg(input, "rad2deg"))
