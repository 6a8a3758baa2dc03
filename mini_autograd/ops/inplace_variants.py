"""torch's in-place variants of the ops we offer: `x.exp_()`, `x.index_add_(...)`, `x.t_()`,
`torch.relu_(x)`, `F.elu_(x)` and the `inplace=True` flags of nn.functional.

Each computes the out-of-place op and writes the result into self through `_inplace.apply`: the
version counter is bumped, a tensor of the graph is rebased onto the op's node (so gradients flow
through it exactly as through the out-of-place op), and a leaf that requires grad raises torch's
error. The in-place view ops (`t_`, `transpose_`, `squeeze_`, `unsqueeze_`) change self's shape
instead, and make the view's node self's grad_fn.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _inplace, _version
from .._grad_mode import no_grad
from .._tensor import Tensor, _make
from ._util import Node, tensor_arg, torch_dtype_name

#: Tensor methods whose `name_` form is the op written into self (beyond `_inplace._ELEMENTWISE`)
_METHODS = (
    "acosh", "asinh", "atanh", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2",
    "arctanh", "addbmm", "addmm", "addmv", "baddbmm", "bitwise_and", "bitwise_or", "bitwise_xor",
    "bitwise_left_shift", "bitwise_right_shift",
    "cumprod", "cumsum", "deg2rad", "rad2deg", "fix", "floor_divide", "hypot", "index_add",
    "index_copy", "index_fill", "log10", "logical_and", "logical_or", "logical_xor",
    "masked_scatter", "multiply", "subtract", "nextafter", "scatter", "scatter_add",
    "scatter_reduce", "sinc", "tril", "triu", "xlogy",
)  # fmt: skip

#: comparisons: self becomes 0/1 in its own dtype, and the gradient through it is zero
_COMPARISONS = (
    "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
    "not_equal",
)  # fmt: skip

#: torch's node names for the comparisons written in place
_COMPARISON_NODES = {
    "eq": "EqBackward0", "ne": "NeBackward0", "not_equal": "NeBackward0", "lt": "LtBackward0",
    "less": "LtBackward0", "le": "LeBackward0", "less_equal": "LeBackward0", "gt": "GtBackward0",
    "greater": "GtBackward0", "ge": "GeBackward0", "greater_equal": "GeBackward0",
}  # fmt: skip


class Compared(Node):
    """x.eq_(y) and the other comparisons: 0/1 in x's dtype; the gradients are zero (as torch)."""

    saves = ()

    def __init__(self, values: np.ndarray, node: str) -> None:
        self.values, self.node = values, node

    def forward(self, x, other=None):
        return self.values

    def backward(self, gy, x, other=None):
        if other is None:
            return gy * 0.0
        from .shape import SumToSize

        return gy * 0.0, SumToSize.apply(gy * 0.0, shape=np.shape(other))


def _compared(name: str) -> Callable[..., Tensor]:
    def method(self: Tensor, other: Any) -> Tensor:
        # torch's node is EqBackward0 against a number, EqBackward1 against a tensor
        node = _COMPARISON_NODES[name][:-1] + ("1" if isinstance(other, Tensor) else "0")

        def compute(t: Tensor) -> Tensor:
            values = getattr(t, name)(other)._data.astype(t._data.dtype)
            if isinstance(other, Tensor):
                return Compared(values, node)._run(t, other)
            return Compared(values, node)._run(t)

        return _inplace.apply(self, name + "_", compute, (other,))

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"self = ({name}(self, other)) in self's dtype, in place."
    return method


def float_power_(self: Tensor, exponent: Any) -> Tensor:
    """self ** exponent in float64, in place: self must already be float64, as torch requires."""
    if self._data.dtype != np.float64:
        raise RuntimeError(
            f"the base given to float_power_ has dtype {torch_dtype_name(self)} but the "
            "operation's result requires dtype Double"
        )
    return _inplace.apply(self, "float_power_", lambda t: t.float_power(exponent), (exponent,))


def fill_diagonal_(self: Tensor, fill_value: Any, wrap: bool = False) -> Tensor:
    """Write fill_value on the main diagonal (all dims equal past 2-D; wrap tall matrices)."""
    x = tensor_arg(self, "fill_diagonal_")
    shape = x._data.shape
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    mask = np.zeros(shape, dtype=bool)
    np.fill_diagonal(mask, True, wrap=wrap)
    # x[diagonal] = fill_value: torch's CopySlices node on a tensor of the graph
    _inplace.set_slice(x, _make(mask), fill_value, "fill_diagonal_")
    if x.grad_fn is not None:  # torch fills the diagonal view: its node is CopySlices
        _named(x, "torch::autograd::CopySlices")
    return x


def div_(self: Tensor, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """self / other (rounding_mode None, 'trunc' or 'floor'), in place."""
    op = "div_"
    return _inplace.apply(self, op, lambda t: t.div(other, rounding_mode=rounding_mode), (other,))


# --- in-place view ops: self takes the view's shape, and the view's node ------------------------


def _view_in_place(name: str, node_name: Callable[..., str]) -> Callable[..., Tensor]:
    def method(self: Tensor, *args: Any) -> Tensor:
        op = name + "_"
        if not _inplace.records(self, ()):
            with no_grad():
                view = getattr(self, name)(*args)
            self._data = view._data
            _version.bump(self._data)
            return self
        _inplace.check_leaf(self, op)
        old = _inplace._snapshot(self)
        view = getattr(old, name)(*args)
        if view is old:  # t() of a 1-d tensor: torch still records a node
            from .shape import Reshape

            view = Reshape(old._data.shape)._run(old)
        fn = view.grad_fn
        fn.node = node_name(*args)
        fn.in_place_view = True  # self owns this view now: later writes into it are no slice's
        self._data = view._data
        _version.bump(self._data)
        _inplace.rebase(self, fn, view._output_nr, old)
        return self

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"{name}, applied to self in place (self takes the new shape)."
    return method


def _squeeze_node(dim: Any = None) -> str:
    if dim is None:
        return "SqueezeBackward3"
    return "SqueezeBackward4" if isinstance(dim, int | np.integer) else "SqueezeBackward5"


_VIEWS: dict[str, Callable[..., str]] = {
    "t": lambda: "TBackward1",
    "transpose": lambda *_: "TransposeBackward1",
    "swapaxes": lambda *_: "TransposeBackward1",
    "swapdims": lambda *_: "TransposeBackward1",
    "squeeze": _squeeze_node,
    "unsqueeze": lambda *_: "UnsqueezeBackward1",
    "as_strided": lambda *_: "AsStridedBackward1",
}


# --- nn.functional's in-place activations and `inplace=True` -------------------------------------


#: torch's node names for the activations written in place (their backward reads the result)
_INPLACE_NODES = {
    "elu": "EluBackward1", "selu": "EluBackward1", "celu": "CeluBackward1",
    "leaky_relu": "LeakyReluBackward1", "threshold": "ThresholdBackward1",
    "rrelu": "RreluWithNoiseBackward1",
}  # fmt: skip


#: (node class, torch's name) -> the subclass that only renames it
_RENAMED: dict[tuple[type, str], type] = {}


def _named(result: Tensor, node: str | None) -> Tensor:
    """result, its grad_fn named `node` (this node only: the out-of-place op keeps its name)."""
    fn = result.grad_fn
    if node is None or fn is None:
        return result
    if isinstance(fn, Node):
        fn.node = node
        return result
    cls = type(fn)
    renamed = _RENAMED.get((cls, node))
    if renamed is None:  # the name must outlive backward, which frees the node's other state
        renamed = type(cls.__name__, (cls,), {"__slots__": (), "name": lambda self: node})
        _RENAMED[cls, node] = renamed
    fn.__class__ = renamed
    return result


def written_into(input: Tensor, op: str, fn: Callable[..., Tensor], *args: Any) -> Tensor:
    """fn(input, *args) written into input (torch's `inplace=True`, and `F.relu_`)."""
    x = tensor_arg(input, op)
    node = _INPLACE_NODES.get(op)
    return _inplace.apply(x, op + "_", lambda t: _named(fn(t, *args), node))


def _functional_of(name: str) -> Callable[..., Tensor]:
    from . import functional

    fn = functional()[name]
    node = _INPLACE_NODES.get(name)

    def inplace(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        x = tensor_arg(input, name + "_")
        return _inplace.apply(x, name + "_", lambda t: _named(fn(t, *args, **kwargs), node))

    inplace.__name__ = inplace.__qualname__ = name + "_"
    inplace.__doc__ = f"F.{name}, written into input (in place)."
    return inplace


#: nn.functional's (and torch's) in-place activations
_FUNCTIONAL = ("celu", "elu", "hardtanh", "leaky_relu", "relu", "rrelu", "selu", "threshold")

#: torch.X_ (input, ...) for the Tensor methods X_
_TOP = (
    "abs", "acos", "acosh", "addmv", "arccos", "arccosh", "arcsin", "arcsinh", "arctan",
    "arctanh", "asin", "asinh", "atan", "atanh", "ceil", "clamp", "clamp_max", "clamp_min",
    "clip", "cos", "cosh", "deg2rad", "erf", "exp2", "exp", "expm1", "fix", "floor", "frac",
    "log10", "log1p", "log2", "log", "nan_to_num", "neg", "negative", "rad2deg", "reciprocal",
    "relu", "round", "rsqrt", "sigmoid", "sin", "sinc", "sinh", "sqrt", "square", "tan", "tanh",
    "trunc", "xlogy", "as_strided",
)  # fmt: skip


def _top_of(name: str) -> Callable[..., Tensor]:
    method_name = name + "_"

    def fn(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return getattr(tensor_arg(input, method_name), method_name)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = method_name
    fn.__doc__ = f"torch.{method_name}(input, ...): input.{method_name}(...)."
    return fn


def functional_inplace() -> dict[str, Callable[..., Tensor]]:
    """nn.functional's in-place names: F.relu_, F.elu_, ..."""
    return {name + "_": _functional_of(name) for name in _FUNCTIONAL}


#: the augmented assignments beyond `+= -= *= /=` (in _inplace), and the in-place op each is
_AUGMENTED = {
    "__ifloordiv__": "floor_divide_", "__imod__": "remainder_", "__ipow__": "pow_",
    "__iand__": "bitwise_and_", "__ior__": "bitwise_or_", "__ixor__": "bitwise_xor_",
    "__ilshift__": "bitwise_left_shift_", "__irshift__": "bitwise_right_shift_",
}  # fmt: skip


def _augmented(name: str) -> Callable[[Tensor, Any], Tensor]:
    def method(self: Tensor, other: Any) -> Tensor:
        return getattr(self, name)(other)

    method.__name__ = method.__qualname__ = name
    return method


def install() -> None:
    """Attach the in-place methods to Tensor, and torch.X_ to the package (after the ops)."""
    for name in _METHODS:
        if not hasattr(Tensor, name + "_"):
            setattr(Tensor, name + "_", _inplace._inplace_of(name))
    for name in _COMPARISONS:
        setattr(Tensor, name + "_", _compared(name))
    for name, node_name in _VIEWS.items():
        setattr(Tensor, name + "_", _view_in_place(name, node_name))
    for fn in (float_power_, fill_diagonal_, div_):
        setattr(Tensor, fn.__name__, fn)
    Tensor.divide_ = div_  # type: ignore[attr-defined]
    for dunder, name in _AUGMENTED.items():  # x //= y and the others write into x, as torch
        setattr(Tensor, dunder, _augmented(name))
    package = sys.modules[__package__.rsplit(".", 1)[0]]
    for name in _TOP:
        if not hasattr(package, name + "_"):
            setattr(package, name + "_", _top_of(name))
    functional = functional_inplace()
    for name in ("celu_", "selu_", "rrelu_", "threshold_"):  # torch has these at the top too
        setattr(package, name, functional[name])
