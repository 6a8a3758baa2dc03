"""Unary math, each forward beside its derivative: exp and log families, roots, trig, activations.

Floating ops turn integer inputs into the default float dtype, as torch; abs, sign and relu keep
the input's dtype.
"""

from __future__ import annotations

import math

import numpy as np

from .._function import Function
from .._tensor import Tensor
from ._registry import register
from ._util import data, float_arg, quiet, silent, tensor_arg
from .elementwise import Div, Log, Where

_LN2 = math.log(2.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class Exp(Function):
    """exp'(x) = exp(x)"""

    save_output = True

    def forward(self, x):
        return quiet(np.exp, x)

    @silent
    def backward(self, gy, x):
        return gy * self.saved_output(gy)


class Expm1(Function):
    """expm1'(x) = expm1(x) + 1"""

    save_output = True

    def forward(self, x):
        return quiet(np.expm1, x)

    @silent
    def backward(self, gy, x):
        return gy * (self.saved_output(gy) + 1)


class Log1p(Function):
    """log1p'(x) = 1 / (1 + x)"""

    def name(self) -> str:
        return "Log1PBackward0"

    def forward(self, x):
        return quiet(np.log1p, x)

    @silent
    def backward(self, gy, x):
        return Div.apply(gy, x + 1)


class Log2(Function):
    """log2'(x) = 1 / (x ln 2)"""

    def forward(self, x):
        return quiet(np.log2, x)

    @silent
    def backward(self, gy, x):
        return Div.apply(gy, x * _LN2)


class Sqrt(Function):
    """sqrt'(x) = 1 / (2 sqrt(x)); inf at 0, as torch"""

    save_output = True

    def forward(self, x):
        return quiet(np.sqrt, x)

    @silent
    def backward(self, gy, x):
        return Div.apply(gy, self.saved_output(gy) * 2)


class Rsqrt(Function):
    """rsqrt'(x) = -rsqrt(x)^3 / 2"""

    save_output = True

    def forward(self, x):
        return quiet(_rsqrt, x)

    @silent
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

    @silent
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

    @silent
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
    """relu'(x) = 1 where x > 0, else 0"""

    def forward(self, x):
        return np.maximum(x, 0)

    def backward(self, gy, x):
        return Where.apply(data(x) > 0, gy, 0.0)


class Abs(Function):
    """abs'(x) = sign(x) (0 at 0, as torch)"""

    def forward(self, x):
        return np.abs(x)

    def backward(self, gy, x):
        return gy * Sign.apply(x)


class Sign(Function):
    """sign'(x) = 0"""

    def forward(self, x):
        return np.sign(x)

    def backward(self, gy, x):
        return gy * 0.0


def _floating(fn_cls: type[Function], name: str, doc: str, **reg: object):
    """Register a floating unary op: integer inputs become the default float dtype."""

    def op(input: Tensor) -> Tensor:
        return fn_cls()(float_arg(input, name))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return register(name, **reg)(op)


def _same_dtype(fn_cls: type[Function], name: str, doc: str, **reg: object):
    """Register a unary op that keeps the input's dtype."""

    def op(input: Tensor) -> Tensor:
        return fn_cls()(tensor_arg(input, name))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return register(name, **reg)(op)


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


@register(functional=True)
def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(input, 0) elementwise, keeping the dtype (`inplace` is accepted and ignored)."""
    return Relu()(tensor_arg(input, "relu"))


# --- erf: numpy has none, so the rational approximations of Cephes (W. J. Cody's scheme) ---------
# |x| <= 1: erf(x) = x P(x^2) / Q(x^2); beyond, erfc(x) = exp(-x^2) R(|x|) / S(|x|), with separate
# coefficient sets for |x| < 8 and above. Relative error ~1e-16 in float64.

_ERF_T = (
    9.60497373987051638749e0,
    9.00260197203842689217e1,
    2.23200534594684319226e3,
    7.00332514112805075473e3,
    5.55923013010394962768e4,
)
_ERF_U = (
    1.0,
    3.35617141647503099647e1,
    5.21357949780152679795e2,
    4.59432382970980127987e3,
    2.26290000613890934246e4,
    4.92673942608635921086e4,
)
_ERFC_P = (
    2.46196981473530512524e-10,
    5.64189564831068821977e-1,
    7.46321056442269912687e0,
    4.86371970985681366614e1,
    1.96520832956077098242e2,
    5.26445194995477358631e2,
    9.34528527171957607540e2,
    1.02755188689515710272e3,
    5.57535335369399327526e2,
)
_ERFC_Q = (
    1.0,
    1.32281951154744992508e1,
    8.67072140885989742329e1,
    3.54937778887819891062e2,
    9.75708501743205489753e2,
    1.82390916687909736289e3,
    2.24633760818710981792e3,
    1.65666309194161350182e3,
    5.57535340817727675546e2,
)
_ERFC_R = (
    5.64189583547755073984e-1,
    1.27536670759978104416e0,
    5.01905042251180477414e0,
    6.16021097993053585195e0,
    7.40974269950448939160e0,
    2.97886665372100240670e0,
)
_ERFC_S = (
    1.0,
    2.26052863220117276590e0,
    9.39603524938001434673e0,
    1.20489539808096656605e1,
    1.70814450747565897222e1,
    9.60896809063285878198e0,
    3.36907645100081516050e0,
)


def erf_array(x: np.ndarray) -> np.ndarray:
    """erf elementwise on an array, computed in float64 and returned in x's dtype."""
    x64 = np.asarray(x, dtype=np.float64)
    a = np.minimum(np.abs(x64), 10.0)  # erf(10) == 1 in float64; keeps the polynomials finite
    z = a * a
    small = x64 * np.polyval(_ERF_T, z) / np.polyval(_ERF_U, z)
    near = np.polyval(_ERFC_P, a) / np.polyval(_ERFC_Q, a)
    far = np.polyval(_ERFC_R, a) / np.polyval(_ERFC_S, a)
    erfc = np.exp(-z) * np.where(a < 8.0, near, far)
    out = np.where(a <= 1.0, small, np.copysign(1.0 - erfc, x64))
    return out.astype(np.asarray(x).dtype, copy=False)
