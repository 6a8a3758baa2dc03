"""Elementwise ops: arithmetic operators and unary math, each forward beside its derivative.

`backward(gy, *xs)` runs on numpy arrays or on Tensors (under create_graph) alike, so it uses only
operators and `Op.apply(...)`, which works on both.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._function import Function
from .._tensor import Tensor
from ._registry import register
from ._util import binary_operands, float_arg

# --- arithmetic ------------------------------------------------------------------------------------


class Add(Function):
    """d(a+b) = (gy, gy); broadcasting is undone by the engine."""

    def forward(self, a, b):
        return a + b

    def backward(self, gy, a, b):
        return gy, gy


class Sub(Function):
    """d(a-b) = (gy, -gy)"""

    def forward(self, a, b):
        return a - b

    def backward(self, gy, a, b):
        return gy, -gy


class Mul(Function):
    """d(ab) = (gy b, gy a)"""

    def forward(self, a, b):
        return a * b

    def backward(self, gy, a, b):
        ga, gb = self.needs_input_grad
        return (gy * b if ga else None), (gy * a if gb else None)


class Div(Function):
    """d(a/b) = (gy / b, -gy a / b^2)"""

    def forward(self, a, b):
        with np.errstate(divide="ignore", invalid="ignore"):
            return a / b

    def backward(self, gy, a, b):
        ga, gb = self.needs_input_grad
        return (gy / b if ga else None), (-gy * a / (b * b) if gb else None)


class Neg(Function):
    """d(-x) = -gy"""

    def forward(self, x):
        return -x

    def backward(self, gy, x):
        return -gy


class Pow(Function):
    """d(a^b) = (gy b a^(b-1), gy a^b log a); 0 where b == 0 (and at a == 0 for b >= 0), as torch."""

    def forward(self, a, b):
        if type(b) is int and b >= 0:  # the common x**2: nothing to warn about
            return a**b
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return a**b

    def backward(self, gy, a, b):
        ga, gb = self.needs_input_grad
        gx_a = gx_b = None
        if ga and isinstance(b, int | float):
            gx_a = gy * 0 if b == 0 else gy * b * a ** (b - 1)
        elif ga:
            gx_a = Where.apply(b == 0, 0.0, gy * b * a ** (b - 1))
        if gb:
            y = a**b
            gx_b = gy * Where.apply((a == 0) & (b >= 0), 0.0, y * Log.apply(a))
        return gx_a, gx_b


class Where(Function):
    """where(c, a, b): gy flows to a where c, to b elsewhere."""

    def forward(self, cond, a, b):
        return np.where(cond, a, b)

    def backward(self, gy, cond, a, b):
        zero = gy * 0
        return None, Where.apply(cond, gy, zero), Where.apply(cond, zero, gy)


def _binary(fn_cls: type[Function], op: str, floating: bool = False):
    def apply(input: Any, other: Any) -> Tensor:
        a, b = binary_operands(input, other, op, floating)
        return fn_cls()(a, b)

    def reflected(input: Any, other: Any) -> Tensor:
        a, b = binary_operands(other, input, op, floating)
        return fn_cls()(a, b)

    return apply, reflected


_add, _radd = _binary(Add, "add")
_sub, _rsub = _binary(Sub, "sub")
_mul, _rmul = _binary(Mul, "mul")
_div, _rdiv = _binary(Div, "div", floating=True)
_pow, _rpow = _binary(Pow, "pow")


@register(dunders=("__add__",))
def add(input: Tensor, other: Tensor | float, *, alpha: float = 1) -> Tensor:
    """input + alpha * other, broadcasting."""
    return _add(input, other if alpha == 1 else other * alpha)


@register(dunders=("__sub__",), aliases=("subtract",))
def sub(input: Tensor, other: Tensor | float, *, alpha: float = 1) -> Tensor:
    """input - alpha * other, broadcasting."""
    return _sub(input, other if alpha == 1 else other * alpha)


@register(dunders=("__mul__",), aliases=("multiply",))
def mul(input: Tensor, other: Tensor | float) -> Tensor:
    """input * other, broadcasting."""
    return _mul(input, other)


@register(dunders=("__truediv__",), aliases=("divide", "true_divide"))
def div(input: Tensor, other: Tensor | float) -> Tensor:
    """input / other (true division: integer inputs give the default float dtype)."""
    return _div(input, other)


@register(dunders=("__pow__",))
def pow(input: Tensor | float, exponent: Tensor | float) -> Tensor:
    """input ** exponent; either may be a tensor."""
    return _pow(input, exponent)


@register(dunders=("__neg__",), aliases=("negative",))
def neg(input: Tensor) -> Tensor:
    """-input."""
    return Neg()(input)


Tensor.__radd__ = _radd
Tensor.__rsub__ = _rsub
Tensor.__rmul__ = _rmul
Tensor.__rtruediv__ = _rdiv
Tensor.__rpow__ = _rpow
Tensor.__pos__ = lambda self: self


# --- unary math ------------------------------------------------------------------------------------


class Exp(Function):
    """exp'(x) = exp(x)"""

    save_output = True

    def forward(self, x):
        with np.errstate(over="ignore"):
            return np.exp(x)

    def backward(self, gy, x):
        return gy * self.saved_output(gy)


class Log(Function):
    """log'(x) = 1/x"""

    def forward(self, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(x)

    def backward(self, gy, x):
        return gy / x


class Sin(Function):
    """sin'(x) = cos(x)"""

    def forward(self, x):
        return np.sin(x)

    def backward(self, gy, x):
        return gy * Cos.apply(x)


class Cos(Function):
    """cos'(x) = -sin(x)"""

    def forward(self, x):
        return np.cos(x)

    def backward(self, gy, x):
        return -gy * Sin.apply(x)


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
        with np.errstate(over="ignore"):
            return 1 / (1 + np.exp(-x))

    def backward(self, gy, x):
        y = self.saved_output(gy)
        return gy * y * (1 - y)


class Relu(Function):
    """relu'(x) = 1 where x > 0, else 0"""

    def forward(self, x):
        return np.maximum(x, 0)

    def backward(self, gy, x):
        return gy * (x > 0)


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
        return gy * 0


def _unary(fn_cls: type[Function], name: str, doc: str, **reg: Any):
    def op(input: Tensor) -> Tensor:
        return fn_cls()(float_arg(input, name))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return register(name, **reg)(op)


exp = _unary(Exp, "exp", "e**input elementwise.")
log = _unary(Log, "log", "Natural logarithm elementwise (-inf at 0, nan below).")
sin = _unary(Sin, "sin", "Sine elementwise.")
cos = _unary(Cos, "cos", "Cosine elementwise.")
tanh = _unary(Tanh, "tanh", "Hyperbolic tangent elementwise.", functional=True)
sigmoid = _unary(Sigmoid, "sigmoid", "1 / (1 + e**-input) elementwise.", functional=True)
relu = _unary(Relu, "relu", "max(input, 0) elementwise.", functional=True)


@register(dunders=("__abs__",), aliases=("absolute",))
def abs(input: Tensor) -> Tensor:
    """|input| elementwise."""
    return Abs()(input)


@register()
def square(input: Tensor) -> Tensor:
    """input ** 2 elementwise (integer inputs stay integer, as torch)."""
    return _pow(input, 2)


# --- comparisons: bool results, outside the graph ---------------------------------------------------


def _compare(ufunc: np.ufunc, name: str, dunder: str) -> None:
    def op(input: Any, other: Any) -> Tensor:
        a, b = binary_operands(input, other, name)
        return Compare(ufunc)(a, b)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise {name} as a bool tensor."
    register(name, dunders=(dunder,))(op)


class Compare(Function):
    """A comparison: bool output, so never part of the graph."""

    def __init__(self, ufunc: np.ufunc) -> None:
        self.ufunc = ufunc

    def forward(self, a, b):
        return self.ufunc(a, b)


for _uf, _name, _dunder in (
    (np.equal, "eq", "__eq__"),
    (np.not_equal, "ne", "__ne__"),
    (np.less, "lt", "__lt__"),
    (np.less_equal, "le", "__le__"),
    (np.greater, "gt", "__gt__"),
    (np.greater_equal, "ge", "__ge__"),
):
    _compare(_uf, _name, _dunder)
