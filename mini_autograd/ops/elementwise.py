"""Binary elementwise ops: arithmetic operators, pow, maximum/minimum, clamp, where, masked_fill.

Each forward sits beside its derivative. `backward(gy, *xs)` runs on numpy arrays or on Tensors
(under create_graph) alike, so it uses only operators and `Op.apply(...)`, which works on both;
masks and weights that need no gradient are computed from the raw arrays (`data`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype, _gcpause
from .._function import Function
from .._tensor import Tensor, _make
from ._registry import register
from ._util import (
    Node,
    binary_operands,
    broadcast_error,
    c_order,
    cast,
    data,
    quiet,
    tensor_arg,
    torch_dtype_name,
)

_DEEP = _gcpause.DEEP
_gc_isenabled, _gc_disable, _gc_enable = _gcpause._isenabled, _gcpause._disable, _gcpause._enable

_ndarray = np.ndarray

# --- arithmetic -----------------------------------------------------------------------------------


class Add(Function):
    """d(a+b) = (gy, gy); broadcasting is undone by the engine."""

    scalar_edges = True

    saves = ()  # backward needs only shapes

    def forward(self, a, b):
        return a + b

    def backward(self, gy, a, b):
        return gy, gy


class Sub(Function):
    """d(a-b) = (gy, -gy)"""

    scalar_edges = True

    saves = ()  # backward needs only shapes

    def forward(self, a, b):
        return a - b

    def backward(self, gy, a, b):
        ga, gb = self.needs_input_grad
        return gy, (-gy if gb else None)


class Rsub(Sub):
    """scalar - tensor, torch's node for the reflected subtraction."""

    scalar_edges = False

    node = "RsubBackward1"


class Mul(Function):
    """d(ab) = (gy b, gy a)"""

    scalar_edges = True

    def saved_tensors_of_inputs(self) -> list:
        """a is read only for b's gradient and b only for a's, as torch saves them."""
        (a, b), (ga, gb) = self.inputs, self.needs_input_grad
        return [x for x, need in ((a, gb), (b, ga)) if need and isinstance(x, Tensor)]

    def forward(self, a, b):
        return a * b

    def backward(self, gy, a, b):
        ga, gb = self.needs_input_grad
        return (gy * b if ga else None), (gy * a if gb else None)


class Div(Function):
    """d(a/b) = (gy / b, -gy a / b^2)"""

    scalar_edges = True

    def saved_tensors_of_inputs(self) -> list:
        """b always, a only for b's gradient, as torch saves them."""
        (a, b), (_, gb) = self.inputs, self.needs_input_grad
        return [x for x, need in ((a, gb), (b, True)) if need and isinstance(x, Tensor)]

    def forward(self, a, b):
        return quiet(np.true_divide, a, b)

    def backward(self, gy, a, b):
        ga, gb = self.needs_input_grad
        gx_a = Div.apply(gy, b) if ga else None
        return gx_a, (-Div.apply(gy * a, b * b) if gb else None)


class Neg(Function):
    """d(-x) = -gy"""

    saves = ()  # backward needs only shapes

    def forward(self, x):
        return -x

    def backward(self, gy, x):
        return -gy


class Pow(Function):
    """d(a^b) = (gy b a^(b-1), gy a^b log a), with torch's zeros: at b == 0 for a, at a == 0 <= b
    for b."""

    save_output = True  # a^b, for the exponent's gradient

    node = "PowBackward1"

    def forward(self, a, b):
        return quiet(np.power, a, b)

    def backward(self, gy, a, b):
        ga, gb = self.needs_input_grad
        gx_a = gx_b = None
        if ga:
            if isinstance(b, Tensor | np.ndarray):
                gx_a = Where.apply(data(b) == 0, 0.0, gy * b * Pow.apply(a, b - 1))
            else:
                gx_a = gy * 0.0 if b == 0 else gy * b * PowTensorScalar.apply(a, b - 1)
        if gb:
            tensor_a = isinstance(a, Tensor | np.ndarray)
            log_a = Log.apply(a) if tensor_a else float(quiet(np.log, a))
            at_zero = (data(a) == 0) & (data(b) >= 0)
            gx_b = gy * Where.apply(at_zero, 0.0, self.saved_output(gy) * log_a)
        return gx_a, gx_b


class PowTensorScalar(Pow):
    """tensor ** number; d(a^2) = 2a gy, the common square, without a nested pow"""

    save_output = False

    node = "PowBackward0"

    def forward(self, a, b):
        if b == 2:  # np.power misses numpy's fast path for squaring: np.square is 2-3x faster
            return quiet(np.square, a)
        return quiet(np.power, a, b)

    def backward(self, gy, a, b):
        if b == 2 and not isinstance(a, Tensor):  # under create_graph, torch's a.pow(1) chain
            if type(gy) is _ndarray and gy.size > 1 and not any(gy.strides):
                return a * (2.0 * gy.flat[0]), None  # gy broadcast from a sum: one pass, not two
            return gy * (a * 2.0), None
        return Pow.backward(self, gy, a, b)


class PowScalarTensor(Pow):
    """number ** tensor"""

    node = "PowBackward2"


class Log(Function):
    """log'(x) = 1/x (here, not in unary.py, because pow's derivative needs it)"""

    def forward(self, x):
        return quiet(np.log, x)

    def backward(self, gy, x):
        return Div.apply(gy, x)


def _binary(
    fn_cls: type[Function],
    op: str,
    floating: bool = False,
    reflected_cls: type[Function] | None = None,
):
    """The forward and reflected wrappers of a broadcasting binary op, with torch's promotion."""
    fn_run, reflected_run = fn_cls, reflected_cls or fn_cls

    def run(cls: type[Function], a: Any, b: Any) -> Tensor:
        a, b = binary_operands(a, b, op, floating)
        try:
            return cls()._run(a, b)
        except ValueError:
            raise broadcast_error(op, np.shape(data(a)), np.shape(data(b))) from None
        except TypeError:
            _bool_error(op, a, b)
            raise

    def paused(cls: type[Function], swap: bool):
        # deep in a graph the collector waits for the whole op, operand conversion included
        # (see _gcpause: the tuple binary_operands returns, allocated outside the pause, would
        # start a collection over the young graph)
        def call(input: Any, other: Any) -> Tensor:
            up = input.grad_fn if isinstance(input, Tensor) else None
            if up is None and isinstance(other, Tensor):
                up = other.grad_fn
            if up is not None and up.generation >= _DEEP and _gc_isenabled():
                _gc_disable()
                try:
                    return run(cls, other, input) if swap else run(cls, input, other)
                finally:
                    _gc_enable()
            return run(cls, other, input) if swap else run(cls, input, other)

        return call

    return paused(fn_run, False), paused(reflected_run, True)


def _bool_error(op: str, a: Any, b: Any) -> None:
    """Raise torch's error for `-` on two bool tensors (numpy's is a TypeError)."""
    if op == "sub" and np.asarray(data(a)).dtype == np.bool_ == np.asarray(data(b)).dtype:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        ) from None


_add, _radd = _binary(Add, "add")
_sub, _rsub = _binary(Sub, "sub", reflected_cls=Rsub)
_mul, _rmul = _binary(Mul, "mul")
_div, _rdiv = _binary(Div, "div", floating=True)


@register(dunders=("__add__",), pauses=True)
def add(input: Tensor | float, other: Tensor | float, *, alpha: float = 1) -> Tensor:
    """input + alpha * other, broadcasting."""
    return _add(input, other if alpha == 1 else other * alpha)


@register(dunders=("__sub__",), aliases=("subtract",), pauses=True)
def sub(input: Tensor | float, other: Tensor | float, *, alpha: float = 1) -> Tensor:
    """input - alpha * other, broadcasting."""
    return _sub(input, other if alpha == 1 else other * alpha)


@register(dunders=("__mul__",), aliases=("multiply",), pauses=True)
def mul(input: Tensor | float, other: Tensor | float) -> Tensor:
    """input * other, broadcasting."""
    return _mul(input, other)


@register(dunders=("__truediv__",), aliases=("divide", "true_divide"), pauses=True)
def div(
    input: Tensor | float, other: Tensor | float, *, rounding_mode: str | None = None
) -> Tensor:
    """input / other: true division (integer inputs give the default float dtype), or rounded
    toward zero (`rounding_mode='trunc'`) or down ('floor'), which keeps integer dtypes."""
    if rounding_mode is None:
        return _div(input, other)
    from .arithmetic import div_rounded  # arithmetic builds on this module

    return div_rounded(input, other, rounding_mode)


@register(dunders=("__pow__",))
def pow(input: Tensor | float, exponent: Tensor | float) -> Tensor:
    """input ** exponent, elementwise; either side may be a Python number."""
    a, b = binary_operands(input, exponent, "pow")
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    integer = (a if ta else b)._data.dtype.kind in "iub"  # operands share the result dtype now
    if ta and tb and a._data.dtype == np.bool_:
        raise NotImplementedError("\"pow\" not implemented for 'Bool'")
    if integer and np.any(data(b) < 0):
        if not tb:  # only a number exponent is refused; a tensor one gives 1/base in integers
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return _integer_pow(data(a), data(b))
    fn = Pow if ta and tb else PowTensorScalar if ta else PowScalarTensor
    try:
        return fn.on_operands(a, b)
    except ValueError:
        raise broadcast_error("pow", np.shape(data(a)), np.shape(data(b))) from None


def _integer_pow(base: Any, exponent: Any) -> Tensor:
    """Integer powers with negative exponents as torch computes them: 1 ** e is 1, (-1) ** e is
    +-1, any other base (0 included) gives 0."""
    base, exponent = np.broadcast_arrays(np.asarray(base), np.asarray(exponent))
    negative = exponent < 0
    out = np.power(base, np.where(negative, 0, exponent))
    odd = (exponent % 2).astype(bool)
    inverse = np.where(base == 1, 1, np.where(base == -1, np.where(odd, -1, 1), 0))
    return _make(np.where(negative, inverse.astype(out.dtype), out))


#: the C++ type names torch's messages use for each dtype
_C_TYPES = {
    "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
    "uint8": "unsigned char", "float64": "double", "float32": "float", "float16": "c10::Half",
}  # fmt: skip


@register(dunders=("__neg__",), aliases=("negative",))
def neg(input: Tensor) -> Tensor:
    """-input."""
    x = tensor_arg(input, "neg")
    if x._data.dtype == np.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return Neg()._run(x)


@register()
def square(input: Tensor) -> Tensor:
    """input ** 2 elementwise (integer and bool inputs give int64, as torch)."""
    return pow(tensor_arg(input, "square"), 2)


Tensor.__radd__ = _radd
Tensor.__rsub__ = _rsub
Tensor.__rmul__ = _rmul
Tensor.__rtruediv__ = _rdiv
Tensor.__rpow__ = lambda self, other: pow(other, self)
Tensor.__pos__ = lambda self: self


# --- selection: maximum/minimum, clamp, where -----------------------------------------------------


class Maximum(Function):
    """The larger gets gy; a tie splits it in halves (and NaN sends it to both), as torch."""

    def forward(self, a, b):
        return np.maximum(a, b)

    def backward(self, gy, a, b):
        return _select_grads(self, gy, data(a), data(b), np.less, np.greater)


class Minimum(Function):
    """The smaller gets gy; a tie splits it in halves (and NaN sends it to both), as torch."""

    def forward(self, a, b):
        return np.minimum(a, b)

    def backward(self, gy, a, b):
        return _select_grads(self, gy, data(a), data(b), np.greater, np.less)


def _select_grads(fn: Function, gy, a, b, a_loses, b_loses):
    """torch's rule: where(a == b, gy / 2, gy), zeroed where the operand loses."""
    dtype = np.asarray(data(gy)).dtype
    tie = a == b
    ga, gb = fn.needs_input_grad
    return (
        gy * np.where(tie, 0.5, ~a_loses(a, b)).astype(dtype) if ga else None,
        gy * np.where(tie, 0.5, ~b_loses(a, b)).astype(dtype) if gb else None,
    )


def _both_tensors(input: Any, other: Any, op: str) -> tuple[Tensor, Tensor]:
    tensor_arg(input, op)
    if not isinstance(other, Tensor):
        raise TypeError(
            f"{op}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}"
        )
    return binary_operands(input, other, op)


@register()
def maximum(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise max of two tensors (NaN propagates); ties share the gradient."""
    a, b = _both_tensors(input, other, "maximum")
    try:
        return Maximum()._run(a, b)
    except ValueError:
        raise broadcast_error("maximum", a._data.shape, b._data.shape) from None


@register()
def minimum(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise min of two tensors (NaN propagates); ties share the gradient."""
    a, b = _both_tensors(input, other, "minimum")
    try:
        return Minimum()._run(a, b)
    except ValueError:
        raise broadcast_error("minimum", a._data.shape, b._data.shape) from None


class Clamp(Node):
    """gy passes where min <= x <= max; tensor bounds get it where they bind, as torch."""

    def __init__(self, tensor_bounds: bool) -> None:
        self.node = "ClampBackward0" if tensor_bounds else "ClampBackward1"

    def forward(self, x, lo, hi):
        if lo is not None:
            x = np.maximum(x, lo)
        return x if hi is None else np.minimum(x, hi)

    def backward(self, gy, x, lo, hi):
        x, lo_, hi_ = data(x), data(lo), data(hi)
        inside = True
        if lo is not None:
            inside = x >= lo_
        if hi is not None:
            inside = inside & (x <= hi_)
        g_x, g_lo, g_hi = self.needs_input_grad
        gx = Where.apply(inside, gy, 0.0) if g_x else None
        g_lo = (
            Where.apply((x < lo_) & (lo_ < hi_) if hi is not None else x < lo_, gy, 0.0)
            if g_lo
            else None
        )
        g_hi = (
            Where.apply((x > hi_) | (hi_ < lo_) if lo is not None else x > hi_, gy, 0.0)
            if g_hi
            else None
        )
        return gx, g_lo, g_hi


@register(aliases=("clip",))
def clamp(
    input: Tensor, min: Tensor | float | None = None, max: Tensor | float | None = None
) -> Tensor:
    """Limit input to [min, max] (either may be None); min > max gives max, as torch."""
    x = tensor_arg(input, "clamp")
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    tensor_bounds = isinstance(min, Tensor) or isinstance(max, Tensor)
    if tensor_bounds or x._data.dtype.kind != "f":
        target = _dtype.result_type(*[v for v in (x, min, max) if v is not None])
        x = cast(x, target)
        min = cast(min, target) if isinstance(min, Tensor) else min
        max = cast(max, target) if isinstance(max, Tensor) else max
    try:
        return Clamp(tensor_bounds)._run(x, min, max)
    except ValueError:
        shapes = [np.shape(data(v)) for v in (x, min, max) if isinstance(v, Tensor)]
        raise broadcast_error("clamp", *shapes) from None


class Where(Function):
    """where(c, a, b): gy flows to a where c, to b elsewhere."""

    scalar_edges = True

    def forward(self, cond, a, b):
        return np.where(cond, a, b)

    def backward(self, gy, cond, a, b):
        _, ga, gb = self.needs_input_grad
        cond = data(cond)
        return (
            None,
            Where.apply(cond, gy, 0.0) if ga else None,
            Where.apply(cond, 0.0, gy) if gb else None,
        )


def _where_method(self: Tensor, condition: Tensor, other: Tensor | float) -> Tensor:
    """x.where(condition, other) == where(condition, x, other)"""
    return where(condition, self, other)


@register(method=_where_method)
def where(
    condition: Tensor, input: Tensor | float | None = None, other: Tensor | float | None = None
) -> Tensor | tuple[Tensor, ...]:
    """input where condition holds, other elsewhere (broadcasting); where(c) is c.nonzero()."""
    cond = tensor_arg(condition, "where", "condition")
    if input is None and other is None:
        from .._tensor import _make

        return tuple(_make(i) for i in np.nonzero(cond._data))
    if cond._data.dtype != np.bool_:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor "
            f"with dtype {torch_dtype_name(cond)}"
        )
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        input = _scalar_tensor(input, other)  # torch: where(c, 1., 0.) is a float32 tensor
    a, b = binary_operands(input, other, "where")
    try:
        return Where()._run(cond, a, b)
    except ValueError:
        shapes = [cond._data.shape] + [np.shape(data(v)) for v in (a, b)]
        raise broadcast_error("where", *shapes) from None


def _scalar_tensor(value: Any, other: Any) -> Tensor:
    """`value` as a 0-d tensor of the dtype torch gives two Python scalars (float: the default)."""
    from .._tensor import _make

    if isinstance(value, float) or isinstance(other, float):
        return _make(np.asarray(value, dtype=_dtype.get_default_dtype().np))
    both_bool = isinstance(value, bool) and isinstance(other, bool)
    return _make(np.asarray(value, dtype=np.bool_ if both_bool else np.int64))


class MaskedFill(Node):
    """masked_fill(x, mask, value) = where(mask, value, x): x's gradient where the mask is off."""

    def __init__(self, tensor_value: bool) -> None:
        self.node = "MaskedFillBackward1" if tensor_value else "MaskedFillBackward0"

    def forward(self, x, mask, value):
        return c_order(np.where(mask, value, x))  # C order, as torch

    def backward(self, gy, x, mask, value):
        need_x, _, need_value = self.needs_input_grad
        m = data(mask)  # the engine sums value's share down to its 0-d shape
        return (
            Where.apply(m, 0.0, gy) if need_x else None,
            None,
            Where.apply(m, gy, 0.0) if need_value else None,
        )


@register()
def masked_fill(input: Tensor, mask: Tensor, value: Tensor | float) -> Tensor:
    """input with `value` where the bool `mask` is true (the two broadcast together)."""
    x = tensor_arg(input, "masked_fill")
    m = tensor_arg(mask, "masked_fill", "mask")
    if m._data.dtype != np.bool_:
        raise RuntimeError(
            f"masked_fill_ only supports boolean masks, but got mask with dtype "
            f"{_C_TYPES.get(m._data.dtype.name, m._data.dtype.name)}"
        )
    tensor_value = isinstance(value, Tensor)
    if tensor_value:
        if value._data.ndim:
            raise RuntimeError(
                f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)."
            )
        value = cast(value, x._data.dtype)
    else:
        value = np.asarray(value, dtype=x._data.dtype)[()]
    try:
        return MaskedFill(tensor_value)._run(x, m, value)
    except ValueError:
        raise broadcast_error("masked_fill", x._data.shape, m._data.shape) from None
