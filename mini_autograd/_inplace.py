"""In-place ops as torch's: a write bumps the version counter, and on a tensor of the graph it is
recorded like the out-of-place op, whose node becomes the tensor's new grad_fn.

`x.add_(y)` on a non-leaf computes `x + y` from a *snapshot* of x (a Tensor standing for x's old
value and old place in the graph), writes the result into x's memory, and rebases x onto the new
node. Nodes made before the write keep reaching x's old node (`Tensor._rebased` remembers it), and
a node that saved x's old value notices the write through the version counter. When the op's own
backward needs the old value (`x.mul_(y)` with y requiring grad), the snapshot keeps a copy, as
torch keeps the original self. An in-place op on a view of a graph tensor (`y[0].mul_(2)`,
`y[0] = v`, `y.t().add_(1)`, `y.diagonal().zero_()`) rebases the tensor it is a view of, with
torch's CopySlices node, then the view and the base's other views onto it (mini_autograd._views).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import _grad_mode, _version, _views
from ._function import Function
from ._inplace_nodes import Copy, Fill
from ._tensor import Tensor, _make

_grad_state = _grad_mode.state

_LEAF = (
    "a leaf Variable that requires grad is being used in an in-place operation ({op}); "
    "wrap the update in `with mini_autograd.no_grad():` or work on a clone()"
)


def records(t: Tensor, others: tuple[Any, ...]) -> bool:
    """Whether an in-place op on t with these operands must be recorded in the graph."""
    if not _grad_state.enabled:
        return False
    if _views._NO_GRAD:
        _views.check_no_grad_view(t, others)
    return t._requires_grad or any(isinstance(o, Tensor) and o._requires_grad for o in others)


def write(t: Tensor, values: Any) -> None:
    """Store values into t's memory (broadcast, cast to t's dtype) and bump its version."""
    if type(t._data) is not np.ndarray:  # a numpy scalar: give t memory of its own first
        t._data = np.array(t._data)
    t._data[...] = values
    _version.bump(t._data)


_OVERLAP = (
    "unsupported operation: more than one element of the written-to tensor refers to a single "
    "memory location. Please clone() the tensor before performing the operation."
)

#: in-place ops torch lets write an expanded tensor (every element gets the same value)
_OVERLAP_OK = ("fill_", "zero_")


def check_overlap(a: Any, op: str, allow: bool = True) -> None:
    """torch's error for writing a tensor whose elements share memory (an expanded one); fill_
    and zero_ may, unless the write goes through a view into the graph (allow=False)."""
    if (allow and op in _OVERLAP_OK) or type(a) is not np.ndarray or a.flags.c_contiguous:
        return
    if any(st == 0 and n > 1 for st, n in zip(a.strides, a.shape, strict=True)):
        raise RuntimeError(_OVERLAP)  # torch's text (it does not name the op)


def check_leaf(t: Tensor, op: str) -> None:
    """torch's error for an in-place op on a leaf that requires grad, while grad mode is on."""
    if t.grad_fn is None and t._requires_grad and _grad_state.enabled:
        raise RuntimeError(_LEAF.format(op=op))


def apply(t: Tensor, op: str, compute: Callable[[Tensor], Tensor], others: tuple = ()) -> Tensor:
    """Run `compute(old t) -> result` in place on t, recording it when the graph needs it."""
    if not records(t, others):
        check_overlap(t._data, op)
        result = compute(t)
        _check_fits(t, result, op)
        write(t, result._data)
        return t
    check_leaf(t, op)
    view = _views.view_base(t, op)
    check_overlap(t._data, op, allow=view is None)  # after the graph's errors, as torch
    old = _snapshot(t)
    result = compute(old)
    _check_fits(t, result, op)
    if result.dtype != t.dtype:
        result = result.to(t.dtype)
    node = result.grad_fn
    if node is not None and _saves_input(node, old):
        old._data = np.array(old._data)  # the op reads x's old value: keep it, as torch
    if view is not None:  # y[k].mul_(2) is y[k] = y[k] * 2: y is rebased, then the view
        _write_base(t, view, result, op)
        return t
    write(t, result._data)
    rebase(t, node, result._output_nr, old)
    _refresh_views(t)
    if node is not None and node.save_output:
        node._y = t._data  # the result lives in t now: writing t again is caught
        node._out_epoch = _version.epoch[0]
    return t


def set_slice(
    base: Tensor, key: Any, value: Any, op: str = "index_put_", normalized: bool = False
) -> None:
    """base[key] = value, recorded as torch's CopySlices when the graph needs it."""
    from .ops.indexing import CopySlices, Index, _is_basic, normalize_key

    np_key = key if normalized else normalize_key(key, base._data.shape)[0]
    if _views._NO_GRAD and not normalized and _grad_state.enabled:
        _views.check_no_grad_view(base, (value,), _views.setitem_view_name(key))
    if not records(base, (value,)):
        CopySlices.write(base, np_key, value)
        return
    check_leaf(base, op)
    outer = _views.view_base(base, op)
    if outer is not None:
        check_overlap(base._data[np_key], op, allow=False)
        how = outer[1]
        if isinstance(how, Function) and how.strided and _is_basic(np_key):
            # base[key] of an expanded base: the write reaches the memory under it, as torch's
            chain = (how, Index(np_key, "SliceBackward0"))
            _write_through(base, outer[0], chain, value, op)
            return
    old = _snapshot(base)
    if isinstance(value, Tensor):
        result = CopySlices(np_key)._run(old, value)
    else:
        result = CopySlices(np_key, value)._run(old)
    if outer is not None:  # base is itself a view: write its whole new value into its base
        _write_base(base, outer, result, op)
        return
    CopySlices.write(base, np_key, value)
    rebase(base, result.grad_fn, 0, old)
    _refresh_views(base, old.grad_fn is None)


def _write_base(view: Tensor, how: tuple[Tensor, Any], result: Tensor, op: str) -> None:
    """view's new value is result (recorded): base (view's base, a slice key or the view's node)
    is rebased onto torch's CopySlices, then view onto the new base."""
    base, key = how
    if isinstance(key, Function):
        _write_through(view, base, key, result, op)
    else:
        set_slice(base, key, result, op, normalized=True)


def _write_through(view: Tensor, base: Tensor, node: Any, value: Any, op: str) -> None:
    """base with its region seen by `node` (the view's node, or a chain of them) set to value,
    as torch's CopySlices: base's gradient keeps flowing outside the region, the write's inside
    it; view is the tensor written."""
    from .ops.indexing import CopySlices
    from .ops.strided import CopyThrough

    chain = node if isinstance(node, tuple) else (node,)
    if chain[0].name() == "AsStridedBackward0" and not base._data.flags.c_contiguous:
        raise RuntimeError(
            f"{op}: in-place operation through as_strided of a non-contiguous tensor of the graph "
            "is not supported; apply it to a contiguous base, or to a clone()"
        )
    old = _snapshot(base)
    if isinstance(value, Tensor):
        new = CopyThrough(chain)._run(old, value)
    else:
        new = CopyThrough(chain, value)._run(old)
    outer = _views.view_base(base, op)
    if outer is not None:  # base is itself a view: its new value goes into its base
        _write_base(base, outer, new, op)
        return
    if len(chain) == 1:
        write(view, value._data)
    else:  # view[key] = value
        CopySlices.write(view, chain[-1].key, value)
    rebase(base, new.grad_fn, 0, old)
    _refresh_views(base, old.grad_fn is None)


def rebase(t: Tensor, fn: Any, nr: int, old: Tensor) -> None:
    """Make fn t's grad_fn; nodes made before keep reaching t's old node through `_rebased`."""
    if t.grad_fn is not None:
        entry = (_version.epoch[0], t.grad_fn, t._output_nr)
        t._rebased = [entry] if t._rebased is None else [*t._rebased, entry]
        if t._hooks:  # hooks registered before the write see the old value's gradient
            old._hooks, t._hooks = t._hooks, None
            t.grad_fn._watch(old)
        elif t._retains_grad and t.grad_fn._watched:
            t.grad_fn._watched.pop(t._output_nr, None)
    t.grad_fn = fn
    t._output_nr = nr
    t._requires_grad = fn is not None
    if fn is not None and t._retains_grad:
        fn._watch(t)


def _snapshot(t: Tensor) -> Tensor:
    """A Tensor for t's value before the write: same memory, same place in the graph."""
    s = _make(t._data, t.grad_fn, t._output_nr)
    s._requires_grad = t._requires_grad
    return s


def _saves_input(node: Any, x: Tensor) -> bool:
    """Whether node's backward reads the tensor x (one of its inputs)."""
    return any(s is x for s in node.saved_tensors_of_inputs())


def _check_fits(t: Tensor, result: Tensor, op: str) -> None:
    if result._data.shape != t._data.shape:
        raise RuntimeError(
            f"{op}: output with shape {list(t.shape)} doesn't match the broadcast shape "
            f"{list(result.shape)}"
        )
    kind, rkind = t._data.dtype.kind, result._data.dtype.kind
    if (kind != "f" and rkind == "f") or (kind == "b" and rkind != "b"):
        raise RuntimeError(
            f"{op}: result type {_type_name(result)} can't be cast to the desired output type "
            f"{_type_name(t)}"
        )


def _type_name(t: Tensor) -> str:
    from .ops._util import torch_dtype_name

    return torch_dtype_name(t)


def _refresh_views(base: Tensor, was_plain: bool = False) -> None:
    """Views of base taken before a recorded write now read the new base, as torch's views
    (replayed on it, as torch's AsStridedBackward0); and so do their own views. When base was
    outside the graph before the write, so were its views: they join it too."""
    for v in _views.views_of(base):
        fn = v.grad_fn
        if fn is None or not fn.is_view or fn.inputs is None or fn.inputs[0] is not base:
            continue
        fresh = _views.replay(fn, base, "AsStridedBackward0")
        rebase(v, fresh.grad_fn, 0, _snapshot(v))
        _refresh_views(v)
    if was_plain and _views._PLAIN:
        for v, node in _views.plain_views_of(base):
            fresh = _views.replay(node, base, "AsStridedBackward0")
            rebase(v, fresh.grad_fn, 0, _snapshot(v))
            _views.track(base, v)
            _refresh_views(v, True)


# --- the methods ----------------------------------------------------------------------------------


def _value(v: Any) -> Any:
    return v._data if isinstance(v, Tensor) else v


def add_(self: Tensor, other: Any, *, alpha: float = 1) -> Tensor:
    """self += alpha * other, in place."""
    return apply(self, "add_", lambda t: t.add(other, alpha=alpha), (other,))


def sub_(self: Tensor, other: Any, *, alpha: float = 1) -> Tensor:
    """self -= alpha * other, in place."""
    return apply(self, "sub_", lambda t: t.sub(other, alpha=alpha), (other,))


def mul_(self: Tensor, other: Any) -> Tensor:
    """self *= other, in place."""
    return apply(self, "mul_", lambda t: t.mul(other), (other,))


def div_(self: Tensor, other: Any) -> Tensor:
    """self /= other, in place."""
    return apply(self, "div_", lambda t: t.div(other), (other,))


def zero_(self: Tensor) -> Tensor:
    """Fill with zeros in place."""
    if not records(self, ()):
        write(self, 0)
        return self
    return apply(self, "zero_", lambda t: Fill(0, "ZeroBackward0")._run(t))


def fill_(self: Tensor, value: Any) -> Tensor:
    """Fill with a number (or a 0-d tensor) in place."""
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError(
            f"fill_ only supports 0-dimension value tensor but got tensor with "
            f"{value._data.ndim} dimensions."
        )
    if not records(self, (value,)):
        write(self, _value(value))
        return self
    if isinstance(value, Tensor):
        return apply(self, "fill_", lambda t: Fill(None, "FillBackward3")._run(t, value), (value,))
    return apply(self, "fill_", lambda t: Fill(value, "FillBackward2")._run(t))


def copy_(self: Tensor, src: Any, non_blocking: bool = False) -> Tensor:
    """Copy src's values (broadcast to this shape, cast to this dtype) in place."""
    value = _value(src) if isinstance(src, Tensor) else np.asarray(src)
    if np.broadcast_shapes(np.shape(value), self._data.shape) != self._data.shape:
        raise RuntimeError(
            f"copy_: the size of src {list(np.shape(value))} must be broadcastable to the size "
            f"of self {list(self.shape)}"
        )
    if not records(self, (src,)):
        check_overlap(self._data, "copy_")
        write(self, value)
        return self
    return apply(self, "copy_", lambda t: Copy()._run(t, src), (src,))


def _iadd(self: Tensor, other: Any) -> Tensor:
    return add_(self, other)


def _isub(self: Tensor, other: Any) -> Tensor:
    return sub_(self, other)


def _imul(self: Tensor, other: Any) -> Tensor:
    return mul_(self, other)


def _itruediv(self: Tensor, other: Any) -> Tensor:
    return div_(self, other)


#: out-of-place ops whose `name_` form is the same op written into self
_ELEMENTWISE = (
    "exp", "log", "log1p", "log2", "expm1", "sqrt", "rsqrt", "tanh", "sigmoid", "relu", "neg",
    "negative", "abs", "absolute", "sin", "cos", "tan", "erf", "floor", "ceil", "round", "sign",
    "reciprocal", "square", "clamp", "clip", "clamp_min", "clamp_max", "pow", "masked_fill",
    "where", "true_divide", "minimum", "maximum", "logical_not", "bitwise_not", "sinh", "cosh",
    "asin", "acos", "atan", "trunc", "frac", "lerp", "addcmul", "addcdiv", "remainder", "fmod",
    "hardtanh", "leaky_relu", "elu", "silu", "gelu", "nan_to_num", "atan2", "copysign", "exp2",
)  # fmt: skip


def _inplace_of(name: str) -> Callable[..., Tensor]:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        others = args + tuple(kwargs.values())
        return apply(self, name + "_", lambda t: getattr(t, name)(*args, **kwargs), others)

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"{name}, written into self (in place)."
    return method


def install() -> None:
    """Attach the in-place methods to Tensor (after the ops they compute with)."""
    for fn in (add_, sub_, mul_, div_, zero_, fill_, copy_):
        setattr(Tensor, fn.__name__, fn)
    for dunder, fn in (
        ("__iadd__", _iadd),
        ("__isub__", _isub),
        ("__imul__", _imul),
        ("__itruediv__", _itruediv),
    ):
        setattr(Tensor, dunder, fn)
    for name in _ELEMENTWISE:
        if hasattr(Tensor, name) and not hasattr(Tensor, name + "_"):
            setattr(Tensor, name + "_", _inplace_of(name))
    from .ops import inplace_variants  # the rest of torch's in-place variants

    inplace_variants.install()
