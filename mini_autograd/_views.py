"""Views as torch's: a view op's result shares its input's memory, and remembers how it was made.

The nodes of the view ops (transpose, permute, reshape when it does not copy, diagonal, unfold,
expand, as_strided, basic indexing) mix in `View`. A view recorded in the graph is its node
(inputs[0] is its base; the node replays the view on any tensor or array), and is tracked by its
base: an in-place write through a view rebases the base onto torch's CopySlices (CopySlices in
ops/indexing.py, CopyThrough in ops/strided.py, driven by mini_autograd._inplace), and every
view of the base still alive is rebased onto the new base (torch's AsStridedBackward0; torch
does it lazily, at the next use, which gives the same graph).

Views made outside the graph are remembered too, each entry going with its view: made in grad
mode (of a tensor that does not require grad), a write through one with an operand of the graph
brings its base into the graph, as torch's; made with grad mode off, writing one in place with it
on is torch's error ("A view was created in no_grad mode ..."). Either would otherwise be a
silent write the graph never hears of. Tensors that are not views pay nothing; a view op pays
a weakref and a dict entry.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

import numpy as np

from . import _function, _grad_mode, _version
from ._function import Function
from ._tensor import Tensor

_grad_state = _grad_mode.state
_function_run = Function._run

#: id(view made with grad mode off) -> (weakref of it, whether torch would say it requires grad
#: (a view of a non-leaf of the graph), the name of the view op torch records for a view of it)
_NO_GRAD: dict[int, tuple[weakref.ref, bool, str | None]] = {}

#: id(view) -> (weakref of it, its base, its node): views made in grad mode of tensors outside
#: the graph, which a write with an operand of the graph brings into it, as torch's (CopySlices on
#: the base). The view keeps its base, as torch's; the entry goes with the view.
_PLAIN: dict[int, tuple[weakref.ref, Tensor, Any]] = {}
_ref = weakref.ref


def _forget(key: int, ref: weakref.ref) -> None:
    entry = _PLAIN.get(key)
    if entry is not None and entry[0] is ref:
        del _PLAIN[key]


#: id(base tensor) -> the views of it recorded in the graph (weakly)
_VIEWS: dict[int, _Views] = {}


class View:
    """Mixin for the node of a view op: its result is tracked as a view of its input."""

    __slots__ = ()

    #: nodes of view ops (an instance sets False when its result is a copy, as reshape's may be)
    is_view = True
    #: the view is built with as_strided (expand, unfold): its base is a DummyArray
    strided = False

    def _run(self, *inputs: Any) -> Any:
        y = _function_run(self, *inputs)
        x = inputs[0]
        if y.grad_fn is not None:  # recorded: a view of a tensor of the graph is tracked
            if x.grad_fn is not None:
                if self._shares(x._data, y._data):
                    track(x, y)
                else:
                    self.is_view = False  # a copy: nothing to replay; backward may stub x
            return y
        if type(x) is not Tensor or not self._shares(x._data, y._data):
            return y
        if not _grad_state.enabled:
            _remember_no_grad(x, y)
            return y
        key = id(y)
        ref = _ref(y, lambda r, key=key: _forget(key, r))
        _PLAIN[key] = (ref, x, self)  # a view of a tensor outside the graph
        if _NO_GRAD:
            entry = _NO_GRAD.get(id(x))
            if entry is not None and entry[0]() is x:  # a view of a view made in no_grad
                _remember(y, entry[1], _op_name(self) if entry[1] else None)
        return y

    def _shares(self, x: Any, y: Any) -> bool:
        """Whether y (forward's result on x) is a view of x's memory."""
        yb = getattr(y, "base", None)
        if yb is None:
            return False
        if self.strided:
            return y.flags.writeable
        return yb is x or yb is x.base


class StridedView(View):
    """A view built with as_strided (expand, unfold)."""

    __slots__ = ()

    strided = True


class MultiView:
    """Mixin for split/chunk/unbind's node: several views of one base, which torch refuses to
    write in place in the graph (here: check_multi_output); made outside it, they are
    remembered, as torch's, for the error a write with an operand of the graph gets."""

    __slots__ = ()

    multi_view = True

    def _run(self, *inputs: Any) -> Any:
        ys = _function_run(self, *inputs)
        x = inputs[0]
        if type(x) is Tensor and type(ys) is tuple and ys and ys[0].grad_fn is None:
            for y in ys:
                if not _grad_state.enabled:
                    _remember_no_grad(x, y)
                else:
                    _remember(y, False, _MULTI)
        return ys


#: the name of a view of several outputs of one op, made outside the graph
_MULTI = "(multi)"


def _op_name(node: Any) -> str:
    return re.sub(r"Backward\d*$", "", node.name().removeprefix("torch::autograd::"))


def _remember_no_grad(x: Tensor, y: Tensor) -> None:
    # torch's view requires grad when its base does (a leaf that is no view of another tensor,
    # or a tensor of the graph): writing it is then the error even with operands that don't
    flag = x._requires_grad and (x.grad_fn is not None or getattr(x._data, "base", 0) is None)
    entry = _NO_GRAD.get(id(x)) if _NO_GRAD else None
    if entry is not None and entry[0]() is x:
        flag = flag or entry[1]
    _remember(y, flag, None)


def _remember(y: Tensor, flag: bool, name: str | None) -> None:
    key = id(y)
    _NO_GRAD[key] = (weakref.ref(y, lambda _, key=key: _NO_GRAD.pop(key, None)), flag, name)


_NO_GRAD_MSG = (
    "was created in no_grad mode and is being modified inplace with grad mode enabled. Given "
    "that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code "
    "by moving both the view and the inplace either both inside the no_grad block (if you don't "
    "want the inplace to be tracked) or both outside (if you want the inplace to be tracked)."
)


def check_no_grad_view(t: Tensor, others: tuple[Any, ...], sub: str | None = None) -> None:
    """torch's error for writing, with grad mode on, a view made while it was off (`sub`: the
    view op of t that the write goes through, as t[0] = v selects)."""
    entry = _NO_GRAD.get(id(t))
    if entry is None or entry[0]() is not t:
        return
    _, flag, name = entry
    if flag and sub is not None and name != _MULTI:
        name = sub
    if flag or t._requires_grad or any(isinstance(o, Tensor) and o._requires_grad for o in others):
        if name == _MULTI:
            raise RuntimeError(
                "A view was created in no_grad mode and is being modified inplace with grad mode "
                "enabled. This view is the output of a function that returns multiple views. "
                "Such functions do not allow the output views to be modified inplace. You should "
                "replace the inplace operation by an out-of-place one."
            )
        if name is not None:
            raise RuntimeError(f"Output 0 of {name} is a view of a view which {_NO_GRAD_MSG}")
        raise RuntimeError(f"A view {_NO_GRAD_MSG}")


def check_multi_output(t: Tensor) -> None:
    """torch's error for writing an output of split/chunk/unbind (several views of one base)."""
    fn = t.grad_fn
    if fn is not None and getattr(fn, "multi_view", False):
        raise RuntimeError(
            f"Output {t._output_nr} of {_op_name(fn)} is a view and is being modified inplace. "
            "This view is the output of a function that returns multiple views. Such functions "
            "do not allow the output views to be modified inplace. You should replace the "
            "inplace operation by an out-of-place one."
        )


class _Views:
    """The views of one base: weakrefs, pruned of the dead when their count doubles."""

    __slots__ = ("base", "refs", "limit")

    def __init__(self, base: weakref.ref) -> None:
        self.base, self.refs, self.limit = base, [], 16


def track(base: Tensor, view: Tensor) -> None:
    """Remember that `view` (a view of the non-leaf `base`) must follow base's writes."""
    if base.grad_fn is None:
        return  # a view of a leaf: writing it is torch's error
    key = id(base)
    views = _VIEWS.get(key)
    if views is None or views.base() is not base:
        views = _VIEWS[key] = _Views(weakref.ref(base, lambda _, key=key: _VIEWS.pop(key, None)))
    refs = views.refs
    if len(refs) >= views.limit:  # amortised: each prune at least halves what it looks at
        refs[:] = [r for r in refs if r() is not None]
        views.limit = max(16, 2 * len(refs))
    refs.append(weakref.ref(view))


def has_live_views(base: Any) -> bool:
    """Whether a view of base recorded in the graph is still alive."""
    views = _VIEWS.get(id(base))
    return views is not None and views.base() is base and any(r() is not None for r in views.refs)


def views_of(base: Tensor) -> list[Tensor]:
    """The live views of base recorded in the graph."""
    views = _VIEWS.get(id(base))
    if views is None or views.base() is not base:
        return []
    return [v for v in (r() for r in views.refs) if v is not None]


def replay(node: Any, x: Any, name: str | None = None) -> Any:
    """The view `node` made, made again of x (a Tensor: recorded; an array: a numpy view), its
    node named `name` (torch's AsStridedBackward0 for a view rebased onto a written base)."""
    new = object.__new__(type(node))
    new.__dict__.update(node.__dict__)  # the op's parameters
    if name is not None:
        new.node = name
    if isinstance(x, Tensor):
        return new._run(x)
    return new.forward(x)


def plain_view(t: Tensor) -> tuple[Tensor, Any] | None:
    """(base, view node) of t, a view made in grad mode of a tensor outside the graph."""
    entry = _PLAIN.get(id(t))
    if entry is None or entry[0]() is not t:
        return None
    return entry[1], entry[2]


def plain_views_of(base: Tensor) -> list[tuple[Tensor, Any]]:
    """The live views made of base while it was outside the graph (forgotten here: the caller
    makes them views of the graph)."""
    found = []
    for key, (ref, b, node) in list(_PLAIN.items()):
        if b is base:
            v = ref()
            del _PLAIN[key]
            if v is not None and v.grad_fn is None:
                found.append((v, node))
    return found


def setitem_view_name(key: Any) -> str | None:
    """The view op torch's t[key] = v writes through last (Select for an int, Slice, Unsqueeze
    for None), or None when it writes t itself (t[...] = v) or indexes (a list, a tensor)."""
    name = None
    for k in key if isinstance(key, tuple) else (key,):
        if isinstance(k, bool) or not isinstance(k, int | slice) and k is not None:
            if k is Ellipsis:
                continue
            return None
        name = "Unsqueeze" if k is None else "Slice" if isinstance(k, slice) else "Select"
    return name


# --- finding the base a write goes through --------------------------------------------------------

_LEAF_VIEW = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation ({op})."
)


def view_base(t: Tensor, op: str) -> tuple[Tensor, Any] | None:
    """(base, how) when t is a view of a graph tensor: how is the slice key of a basic index,
    or the view's node (replayed to find the region); errors for the views torch refuses."""
    fn = t.grad_fn
    if not isinstance(t._data, np.ndarray) or t._data.base is None:
        return None
    if fn is None:  # a view of a tensor outside the graph, written with an operand of it
        return _plain_view_base(t, op) if _PLAIN else None
    if getattr(fn, "in_place_view", False):  # x.t_(): x owns the view (ops/inplace_variants.py)
        return None
    check_multi_output(t)
    if fn.is_view and fn.inputs is not None:
        base = fn.inputs[0]
        if _root_is_leaf(base):  # a view (of views) of a leaf
            raise RuntimeError(_LEAF_VIEW.format(op=op))
        key = getattr(fn, "view_key", None)
        return base, (fn if key is None else key)
    if _root_is_leaf(t):
        raise RuntimeError(_LEAF_VIEW.format(op=op))  # x.t().add_(1) of a leaf x: torch's error
    raise RuntimeError(
        f"{op}: in-place operation on a view ({fn.name()}) of a tensor that is part of the graph "
        "is not supported; apply it to the base tensor, or to a clone()"
    )


def _plain_view_base(t: Tensor, op: str) -> tuple[Tensor, Any] | None:
    found = plain_view(t)
    if found is None:
        return None
    base, node = found
    if base.grad_fn is None and base._requires_grad:  # base.requires_grad_() after the view
        raise RuntimeError(_LEAF_VIEW.format(op=op))
    key = getattr(node, "view_key", None)
    return base, (node if key is None else key)


def _root_is_leaf(t: Tensor) -> bool:
    """Whether t is a view (of views) of a leaf: up through the inputs sharing t's memory."""
    owner = _version._owner(t._data)
    while t.grad_fn is not None:
        inputs = t.grad_fn.inputs
        if not inputs or not isinstance(inputs[0], Tensor):
            return False
        t = inputs[0]
        if _version._owner(t._data) is not owner:
            return False
    return True


_function._live_views = has_live_views  # backward keeps a view's base while the view lives
