"""More binary arithmetic: rounded division, remainders, atan2, hypot, logaddexp, lerp, addcmul,
addcdiv, xlogy, copysign, nextafter, and the reflected operators torch has (`2 // x`, `1 & m`).

Each forward sits beside its derivative, written with our ops so that it differentiates again.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._tensor import Tensor
from ._registry import register
from ._util import Node, binary_operands, broadcast_error, data, quiet, tensor_arg
from .elementwise import Div, Where
from .unary import Exp, Log, scaled_gradient, zero_gradient

_LN2 = math.log(2.0)


def _rounded(a, b, mode: str):
    """a / b rounded toward zero ('trunc') or down ('floor'), in the operands' dtype."""
    if np.result_type(a, b).kind in "iub":
        if mode == "floor":
            return quiet(np.floor_divide, a, b)
        q = quiet(np.floor_divide, a, b)
        return np.where((q < 0) & (q * b != a), q + 1, q)
    q = quiet(np.true_divide, a, b)
    return np.trunc(q) if mode == "trunc" else quiet(np.floor_divide, a, b)


class DivRounded(Node):
    """div(a, b, rounding_mode=...): piecewise constant, so the gradient is zero, as torch's."""

    node = "DivBackward2"

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def forward(self, a, b):
        return _rounded(a, b, self.mode)

    def backward(self, gy, a, b):
        ga, gb = self.needs_input_grad
        return (gy * 0.0 if ga else None), (gy * 0.0 if gb else None)


class NotDifferentiable(Node):
    """An op torch records without a derivative: backward raises, as torch's NotImplemented."""

    node = "torch::autograd::NotImplemented"

    def __init__(self, op: str, forward) -> None:
        self.op, self._forward = op, forward

    def forward(self, *xs):
        return self._forward(*xs)

    def backward(self, gy, *xs):
        raise RuntimeError(f"the derivative for '{self.op}' is not implemented.")


class Remainder(Node):
    """a - floor(a / b) b (the sign of b, as Python's %): d = (gy, -gy floor(a / b))"""

    node = "RemainderBackward1"

    def forward(self, a, b):
        return quiet(np.mod, a, b)

    def backward(self, gy, a, b):
        ga, gb = self.needs_input_grad
        return (gy if ga else None), (-gy * _rounded(data(a), data(b), "floor") if gb else None)


class Fmod(Node):
    """a - trunc(a / b) b (the sign of a, as C's fmod): d = (gy, -gy trunc(a / b))"""

    node = "FmodBackward1"

    def forward(self, a, b):
        return quiet(np.fmod, a, b)

    def backward(self, gy, a, b):
        ga, gb = self.needs_input_grad
        return (gy if ga else None), (-gy * _rounded(data(a), data(b), "trunc") if gb else None)


class Atan2(Node):
    """atan2(a, b): d = gy (b, -a) / (a^2 + b^2)"""

    node = "Atan2Backward0"

    def forward(self, a, b):
        return np.arctan2(a, b)

    def backward(self, gy, a, b):
        ga, gb = self.needs_input_grad
        r2 = a * a + b * b
        return (Div.apply(gy * b, r2) if ga else None), (Div.apply(-gy * a, r2) if gb else None)


class Hypot(Node):
    """sqrt(a^2 + b^2): d = gy (a, b) / hypot"""

    node = "HypotBackward0"
    save_output = True

    def forward(self, a, b):
        return np.hypot(a, b)

    def backward(self, gy, a, b):
        ga, gb = self.needs_input_grad
        h = self.saved_output(gy)
        return (Div.apply(gy * a, h) if ga else None), (Div.apply(gy * b, h) if gb else None)


class LogAddExp(Node):
    """log(e^a + e^b): d/da = 1 / (1 + e^(b - a)), a softmax of the pair"""

    def __init__(self, base2: bool = False) -> None:
        self.base2 = base2
        self.node = "Logaddexp2Backward0" if base2 else "LogaddexpBackward0"

    def forward(self, a, b):
        return np.logaddexp2(a, b) if self.base2 else np.logaddexp(a, b)

    def backward(self, gy, a, b):
        ga, gb = self.needs_input_grad
        scale = _LN2 if self.base2 else 1.0
        return (
            Div.apply(gy, Exp.apply((b - a) * scale) + 1) if ga else None,
            Div.apply(gy, Exp.apply((a - b) * scale) + 1) if gb else None,
        )


class Lerp(Node):
    """start + w (end - start): d = gy (1 - w, w, end - start)"""

    def __init__(self, tensor_weight: bool) -> None:
        self.node = "LerpBackward1" if tensor_weight else "LerpBackward0"

    def forward(self, start, end, weight):
        return start + weight * (end - start)

    def backward(self, gy, start, end, weight):
        gs, ge, gw = self.needs_input_grad
        return (
            gy * (1 - weight) if gs else None,
            gy * weight if ge else None,
            gy * (end - start) if gw else None,
        )


class Addcmul(Node):
    """input + value t1 t2: d = gy (1, value t2, value t1)"""

    node = "AddcmulBackward0"

    def __init__(self, value: float) -> None:
        self.value = value

    def forward(self, x, t1, t2):
        return x + self.value * t1 * t2

    def backward(self, gy, x, t1, t2):
        gx, g1, g2 = self.needs_input_grad
        v = self.value
        return (
            (gy if gx else None),
            (gy * (t2 * v) if g1 else None),
            (gy * (t1 * v) if g2 else None),
        )


class Addcdiv(Node):
    """input + value t1 / t2: d = gy (1, value / t2, -value t1 / t2^2)"""

    node = "AddcdivBackward0"

    def __init__(self, value: float) -> None:
        self.value = value

    def forward(self, x, t1, t2):
        return x + self.value * quiet(np.true_divide, t1, t2)

    def backward(self, gy, x, t1, t2):
        gx, g1, g2 = self.needs_input_grad
        v = self.value
        return (
            gy if gx else None,
            Div.apply(gy * v, t2) if g1 else None,
            -Div.apply(gy * (t1 * v), t2 * t2) if g2 else None,
        )


class Xlogy(Node):
    """x log y, 0 where x == 0 (unless y is nan): d = gy (log y, x / y)"""

    node = "XlogyBackward0"

    def forward(self, x, y):
        out = quiet(np.multiply, x, quiet(np.log, y))
        return np.where((x == 0) & ~np.isnan(y), 0.0, out).astype(out.dtype)

    def backward(self, gy, x, y):
        gx, g_y = self.needs_input_grad
        xd, yd = data(x), data(y)
        return (
            Where.apply((xd == 0) & (yd <= 0), 0.0, gy * Log.apply(y)) if gx else None,
            Div.apply(gy * x, y) if g_y else None,
        )


class Copysign(Node):
    """|a| with the sign of b: d/da = gy copysign(1, b) sign(a) (0 at a == 0), d/db = 0"""

    def __init__(self, scalar_other: bool) -> None:
        self.node = "CopysignBackward1" if scalar_other else "CopysignBackward0"

    def forward(self, a, b):
        return np.copysign(a, b)

    def backward(self, gy, a, b):
        ga, gb = self.needs_input_grad
        ad, bd = data(a), data(b)
        flip = np.where(ad == 0, 0.0, np.copysign(1.0, bd) * np.sign(ad)).astype(
            np.asarray(ad).dtype
        )
        ga = scaled_gradient(gy, a, flip, "MulBackward0") if ga else None
        return ga, (zero_gradient(gy) if gb else None)


def _apply(fn: Node, op: str, a: Any, b: Any) -> Tensor:
    try:
        return fn._run(a, b)
    except ValueError:
        raise broadcast_error(op, np.shape(data(a)), np.shape(data(b))) from None


def _check_int_zero(a: Any, b: Any, op: str) -> None:
    """Integer division by zero raises, as torch's."""
    ad, bd = np.asarray(data(a)), np.asarray(data(b))
    if ad.dtype.kind in "iub" and bd.dtype.kind in "iub" and np.any(bd == 0):
        raise RuntimeError(f"ZeroDivisionError ({op} of integer tensors by zero)")


def div_rounded(input: Any, other: Any, rounding_mode: str) -> Tensor:
    """div(input, other, rounding_mode='trunc' | 'floor'); integer inputs stay integer."""
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'"
        )
    a, b = binary_operands(input, other, "div")
    _check_int_zero(a, b, "div")
    return _apply(DivRounded(rounding_mode), "div", a, b)


@register(dunders=("__floordiv__",))
def floor_divide(input: Tensor | float, other: Tensor | float) -> Tensor:
    """input // other, rounded down; torch records it without a derivative."""
    a, b = binary_operands(input, other, "floor_divide")
    _check_int_zero(a, b, "floor_divide")
    return _apply(NotDifferentiable("floor_divide", lambda x, y: _rounded(x, y, "floor")),
                  "floor_divide", a, b)  # fmt: skip


@register(dunders=("__mod__",))
def remainder(input: Tensor | float, other: Tensor | float) -> Tensor:
    """Python's modulus: the result has the sign of `other`."""
    a, b = binary_operands(input, other, "remainder")
    _check_int_zero(a, b, "remainder")
    if not isinstance(input, Tensor):  # torch has no derivative for `number % tensor`
        return _apply(NotDifferentiable("remainder", np.mod), "remainder", a, b)
    return _apply(Remainder(), "remainder", a, b)


@register()
def fmod(input: Tensor, other: Tensor | float) -> Tensor:
    """C's fmod: the result has the sign of `input`."""
    a, b = binary_operands(tensor_arg(input, "fmod"), other, "fmod")
    _check_int_zero(a, b, "fmod")
    return _apply(Fmod(), "fmod", a, b)


@register(aliases=("arctan2",))
def atan2(input: Tensor, other: Tensor) -> Tensor:
    """The angle of the point (other, input), in (-pi, pi]."""
    a, b = binary_operands(tensor_arg(input, "atan2"), other, "atan2", floating=True)
    return _apply(Atan2(), "atan2", a, b)


@register()
def hypot(input: Tensor, other: Tensor) -> Tensor:
    """sqrt(input^2 + other^2) without overflow."""
    a, b = binary_operands(tensor_arg(input, "hypot"), other, "hypot")
    return _apply(Hypot(), "hypot", a, b)


@register()
def logaddexp(input: Tensor, other: Tensor) -> Tensor:
    """log(e^input + e^other), stable for large inputs."""
    a, b = binary_operands(tensor_arg(input, "logaddexp"), other, "logaddexp", floating=True)
    return _apply(LogAddExp(), "logaddexp", a, b)


@register()
def logaddexp2(input: Tensor, other: Tensor) -> Tensor:
    """log2(2^input + 2^other), stable for large inputs."""
    a, b = binary_operands(tensor_arg(input, "logaddexp2"), other, "logaddexp2", floating=True)
    return _apply(LogAddExp(base2=True), "logaddexp2", a, b)


@register()
def xlogy(input: Tensor | float, other: Tensor | float) -> Tensor:
    """input * log(other), 0 where input == 0 (the convention of entropies)."""
    a, b = binary_operands(input, other, "xlogy", floating=True)
    return _apply(Xlogy(), "xlogy", a, b)


@register()
def copysign(input: Tensor, other: Tensor | float) -> Tensor:
    """|input| with the sign of other (floating result)."""
    a, b = binary_operands(tensor_arg(input, "copysign"), other, "copysign", floating=True)
    return _apply(Copysign(not isinstance(other, Tensor)), "copysign", a, b)


class Nextafter(Node):
    """the next float after a toward b: torch passes gy to a (a step of one ulp), 0 to b"""

    node = "NextafterBackward0"

    def forward(self, a, b):
        return np.nextafter(a, b)

    def backward(self, gy, a, b):
        ga, gb = self.needs_input_grad
        return (gy if ga else None), (gy * 0.0 if gb else None)


@register()
def nextafter(input: Tensor, other: Tensor) -> Tensor:
    """The next floating value after input toward other."""
    a, b = binary_operands(tensor_arg(input, "nextafter"), other, "nextafter")
    return _apply(Nextafter(), "nextafter", a, b)


def _three(x: Any, t1: Any, t2: Any, op: str) -> tuple[Any, Any, Any]:
    from ._util import promote

    ts = [tensor_arg(v, op, n) for v, n in ((x, "input"), (t1, "tensor1"), (t2, "tensor2"))]
    return tuple(promote(ts))


@register()
def lerp(input: Tensor, end: Tensor, weight: Tensor | float) -> Tensor:
    """input + weight * (end - input), weight a number or a broadcasting tensor."""
    s = tensor_arg(input, "lerp")
    e = tensor_arg(end, "lerp", "end")
    tensor_weight = isinstance(weight, Tensor)
    if s._data.dtype != e._data.dtype:
        raise RuntimeError(
            f"expected dtype {s.dtype} for `end` but got dtype {e.dtype} (lerp needs both in "
            "one dtype; cast one with .to())"
        )
    w = weight if tensor_weight else np.asarray(weight, dtype=s._data.dtype)[()]
    try:
        return Lerp(tensor_weight)._run(s, e, w)
    except ValueError:
        shapes = [np.shape(data(v)) for v in (s, e, w)]
        raise broadcast_error("lerp", *shapes) from None


@register()
def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: float = 1) -> Tensor:
    """input + value * tensor1 * tensor2, broadcasting."""
    x, t1, t2 = _three(input, tensor1, tensor2, "addcmul")
    try:
        return Addcmul(value)._run(x, t1, t2)
    except ValueError:
        raise broadcast_error("addcmul", x.shape, t1.shape, t2.shape) from None


@register()
def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: float = 1) -> Tensor:
    """input + value * tensor1 / tensor2, broadcasting (floating tensors only, as torch)."""
    x, t1, t2 = _three(input, tensor1, tensor2, "addcdiv")
    if t1._data.dtype.kind != "f":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future release "
            "addcdiv will perform a true division of tensor1 and tensor2. Use addcdiv on "
            "floating tensors (tensor1.float())."
        )
    try:
        return Addcdiv(value)._run(x, t1, t2)
    except ValueError:
        raise broadcast_error("addcdiv", x.shape, t1.shape, t2.shape) from None


# the reflected operators torch defines: `2 // x`, `2 % x`, `1 & m`, `1 | m`, `1 ^ m`
Tensor.__rfloordiv__ = lambda self, other: floor_divide(other, self)
Tensor.__rmod__ = lambda self, other: remainder(other, self)


def _reflected_bitwise() -> None:
    from . import logical  # noqa: F401 - registers the bitwise ops this reads from the table
    from ._registry import OPS

    for name, dunder in (("bitwise_and", "and"), ("bitwise_or", "or"), ("bitwise_xor", "xor")):
        setattr(Tensor, f"__r{dunder}__", OPS[name].fn)  # commutative: other & self


_reflected_bitwise()
