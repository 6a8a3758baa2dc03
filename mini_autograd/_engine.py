"""The backward pass: walk the graph from the roots in reverse generation order, iteratively.

Functions are visited newest-first (highest generation), so every consumer of a value has added its
share of the gradient before the producer runs: reused subexpressions and diamonds sum correctly,
and a chain of a million ops needs no recursion. Gradients are numpy arrays unless `create_graph`
asks for Tensors, whose ops then record the graph of the backward pass itself.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from heapq import heappop, heappush
from typing import Any

import numpy as np

from . import _dtype, _gcpause, _grad_mode, _version
from ._function import Function, input_edge
from ._quiet import restore, silence
from ._tensor import Tensor, _make

_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved tensors after calling backward."
)


def run_backward(
    roots: Sequence[Tensor],
    root_grads: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    capture: Sequence[Tensor] | None = None,
    accumulate: bool = True,
) -> list[Any]:
    """Propagate `root_grads` (arrays, or Tensors if create_graph) from `roots` through the graph.

    With `accumulate`, leaf gradients are added to `.grad` (and to non-leaves that retain_grad).
    Gradients reaching the tensors in `capture` are returned in that order (None if none arrived).
    """
    captured: list[Any] = []
    leaf_slot: dict[int, int] = {}
    node_slot: dict[tuple[int, int], int] = {}
    needed = None
    if capture:
        captured = [None] * len(capture)
        for i, t in enumerate(capture):
            if t.grad_fn is None:
                leaf_slot[id(t)] = i
            else:
                node_slot[(id(t.grad_fn), t._output_nr)] = i
        # with targets, run only the part of the graph that leads to them, as torch does
        needed = _needed(roots, leaf_slot, node_slot)
    pending: dict[Function, list[Any]] = {}  # each waiting function's output gradients
    heap: list[tuple[int, int, Function]] = []  # (-generation, arrival, function)
    arrival = itertools.count()  # equal generations run in arrival order: reproducible sums
    # leaves come after every function (as if of generation -1): their gradients are summed here
    # and handed over once at the end, so a leaf's hooks see the total, as in torch.
    # id(leaf) -> [leaf, gradient so far, whether nobody else holds that array]
    leaf_grads: dict[int, list[Any]] = {}
    owners: dict[int, list[Any]] = {}  # id of an array a leaf entry holds as its own -> the entry

    def deliver(x: Tensor, g: Any, source: Function | None = None, gys: Any = ()) -> None:
        """Hand g (from source's backward, given gys) to x: a leaf or a function, in its turn."""
        fn = x.grad_fn
        nr = x._output_nr
        if x._rebased is not None and source is not None:  # x was written in place since
            fn, nr = input_edge(x, source._epoch)
        if fn is None:
            entry = leaf_grads.get(id(x))
            if entry is None:
                entry = leaf_grads[id(x)] = [x, g, False]
                if source is not None and _made_by(source, g, gys):
                    other = owners.setdefault(id(g), entry)
                    if other is entry:
                        entry[2] = True
                    else:  # two leaves got the very same array: neither may keep it
                        other[2] = False
            elif entry[2]:
                np.add(entry[1], g, out=entry[1])
            else:
                entry[1] = entry[1] + g
                entry[2] = type(entry[1]) is np.ndarray  # a sum made here: ours alone
            return
        if needed is not None and fn not in needed and (id(fn), nr) not in node_slot:
            return
        grads = pending.get(fn)
        if grads is None:
            grads = pending[fn] = [None] * fn.n_outputs
            heappush(heap, (-fn.generation, next(arrival), fn))
        grads[nr] = g if grads[nr] is None else grads[nr] + g

    for t, g in zip(roots, root_grads, strict=True):
        deliver(t, g)

    epoch = _version.epoch
    prev = _grad_mode.state.enabled
    _grad_mode.state.enabled = create_graph
    quiet = silence()  # backward formulas meet poles (inf * 0): nan, silently, as torch
    deep = bool(heap) and heap[0][0] <= -_gcpause.DEEP
    if deep:
        _gcpause.pause()
    # the function to run next, and its output gradients, when it is the only one waiting (a
    # chain): no heap, no pending entry
    nxt: Function | None = None
    nxt_gys: list[Any] = []
    try:
        while True:
            if nxt is not None:
                fn, gys, nxt = nxt, nxt_gys, None
            elif heap:
                fn = heappop(heap)[2]
                gys = pending.pop(fn)
            else:
                break
            inputs = fn.inputs
            if fn.needs_input_grad is None:  # released by an earlier backward
                raise RuntimeError(_FREED)
            if fn._epoch != epoch[0]:  # something was written in place since fn was recorded
                _check_versions(fn)
            if fn._watched is not None or node_slot:
                _visit_outputs(fn, gys, node_slot, captured, accumulate)
            if needed is not None and fn not in needed:
                continue  # reached only to capture its output's gradient
            gy = gys[0] if len(gys) == 1 else tuple(gys)
            if len(inputs) == 1:  # most ops: skip the loops (a recorded unary op has a Tensor)
                x = inputs[0]
                gx = fn.backward(gy, x if create_graph else x._data)
                if gx is not None:
                    d = x._data  # the usual gradient already fits its input: no call
                    same_kind = gx.__class__ is d.__class__ and gx.dtype is d.dtype
                    if not (same_kind and gx.shape == d.shape):
                        gx = _conform(gx, x, fn, 0)
                    up = x.grad_fn
                    if heap or up is None or x._rebased is not None or needed is not None:
                        deliver(x, gx, fn, gys)
                    else:  # x's function is the only one waiting: deliver() without the heap
                        nxt = up
                        if up.n_outputs == 1:
                            nxt_gys = [gx]
                        else:
                            nxt_gys = [None] * up.n_outputs
                            nxt_gys[x._output_nr] = gx
            elif len(inputs) == 2:  # binary ops: no argument list, zip or enumerate per node
                a, b = inputs
                if create_graph:
                    gxs = fn.backward(gy, a, b)
                else:
                    gxs = fn.backward(
                        gy,
                        a._data if isinstance(a, Tensor) else a,
                        b._data if isinstance(b, Tensor) else b,
                    )
                if len(gxs) != 2:
                    raise RuntimeError(
                        f"function {fn.name()} returned an incorrect number of "
                        f"gradients (expected 2, got {len(gxs)})"
                    )
                ga, gb = gxs
                needs = fn.needs_input_grad
                if needs[0] and ga is not None:
                    d = a._data
                    if not (
                        ga.__class__ is d.__class__ and ga.dtype is d.dtype and ga.shape == d.shape
                    ):
                        ga = _conform(ga, a, fn, 0)
                    deliver(a, ga, fn, gys)
                if needs[1] and gb is not None:
                    d = b._data
                    if not (
                        gb.__class__ is d.__class__ and gb.dtype is d.dtype and gb.shape == d.shape
                    ):
                        gb = _conform(gb, b, fn, 1)
                    deliver(b, gb, fn, gys)
            else:
                if create_graph:
                    gxs = fn.backward(gy, *inputs)
                else:
                    gxs = fn.backward(
                        gy, *[x._data if isinstance(x, Tensor) else x for x in inputs]
                    )
                if len(gxs) != len(inputs):
                    raise RuntimeError(
                        f"function {fn.name()} returned an incorrect number of "
                        f"gradients (expected {len(inputs)}, got {len(gxs)})"
                    )
                needs = fn.needs_input_grad
                for i, (x, gx) in enumerate(zip(inputs, gxs, strict=False)):  # lengths checked
                    if needs[i] and gx is not None:
                        deliver(x, _conform(gx, x, fn, i), fn, gys)
            if not retain_graph:
                fn._release()
        for x, g, owned in leaf_grads.values():
            # an array we own can become .grad as is, unless a hook or a capture may keep it too
            if x._hooks:
                g = _run_hooks(x._hooks, g)
                owned = False
            slot = leaf_slot.get(id(x))
            if slot is not None:
                captured[slot] = g
                owned = False
            if accumulate:
                _accumulate(x, g, owned)
    finally:
        if deep:
            _gcpause.resume()
        restore(quiet)
        _grad_mode.state.enabled = prev
    return captured


def _needed(roots: Sequence[Tensor], leaf_slot: dict, node_slot: dict) -> set[Function]:
    """The functions whose backward must run for gradients to reach the capture targets."""
    needed: set[Function] = set()
    done: set[Function] = set()
    stack = [(t.grad_fn, False) for t in roots if t.grad_fn is not None]
    while stack:  # iterative post-order: a function is decided after all of its inputs
        fn, expanded = stack.pop()
        if fn in done:
            continue
        if not expanded:
            stack.append((fn, True))
            for x in fn.inputs:
                if isinstance(x, Tensor):
                    up = input_edge(x, fn._epoch)[0]
                    if up is not None:
                        stack.append((up, False))
            continue
        done.add(fn)
        for x in fn.inputs:
            if not isinstance(x, Tensor):
                continue
            up, nr = input_edge(x, fn._epoch)
            if (up is None and id(x) in leaf_slot) or (
                up is not None and (up in needed or (id(up), nr) in node_slot)
            ):
                needed.add(fn)
                break
    return needed


def _check_versions(fn: Function) -> None:
    """torch's error when a value fn's backward reads was written in place after it was saved."""
    for array, when, t in fn.saved_arrays():
        hit = _version.modified_since(array, when)
        if hit is None:
            continue
        now, then = hit
        what = f"[mini_autograd.{_tensor_type(array)} {list(np.shape(array))}]"
        if t is None:
            what += f", which is output 0 of {fn.name()},"
        else:
            up, nr = input_edge(t, fn._epoch)  # its node when saved, not after a rebase
            if up is not None:
                what += f", which is output {nr} of {up.name()},"
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: {what} is at version {now}; expected version {then} instead. "
            f"Hint: the backward of {fn.name()} needs the value it saved; write into a clone(), "
            "or make the in-place update after backward."
        )


def _tensor_type(array: Any) -> str:
    return _dtype.TENSOR_TYPES[_dtype.from_numpy_dtype(np.asarray(array).dtype)]


def _made_by(fn: Function, g: Any, gys: Any) -> bool:
    """Whether fn's backward made the array g, so that nobody else holds it: not a gradient fn
    received and passed on, not a view, not fn's saved output nor one of its inputs' data.

    (An op's backward must not return an array it keeps elsewhere, e.g. a cached constant.)
    """
    if type(g) is not np.ndarray or g.base is not None or not g.flags.writeable:
        return False
    if g is getattr(fn, "_y", None) or any(g is gy for gy in gys):
        return False
    return not any(isinstance(x, Tensor) and g is x._data for x in fn.inputs)


def _visit_outputs(
    fn: Function, gys: list[Any], node_slot: dict, captured: list, accumulate: bool
) -> None:
    """Run tensor hooks, fill .grad of outputs that retain_grad, and capture requested grads."""
    watched = fn._watched or {}
    for i, g in enumerate(gys):
        if g is None:
            continue
        ref = watched.get(i)
        out = None if ref is None else ref()
        if out is not None:
            if out._hooks:
                g = gys[i] = _run_hooks(out._hooks, g)
            if accumulate and out._retains_grad:
                _accumulate(out, g)
        if node_slot:
            slot = node_slot.get((id(fn), i))
            if slot is not None:
                captured[slot] = g


def _run_hooks(hooks: list, g: Any) -> Any:
    wrapped = isinstance(g, Tensor)
    for hook in hooks:
        res = hook(g if wrapped else _make(g))
        if res is not None:
            name = getattr(hook, "__name__", type(hook).__name__)
            if not isinstance(res, Tensor):
                raise TypeError(
                    f"expected Variable, but hook returned '{type(res).__name__}'"
                    f" (hook '{name}' must return a Tensor or None)"
                )
            if res._data.shape != np.shape(g._data if wrapped else g):
                raise RuntimeError(
                    f"hook '{name}' has changed the size of value (from "
                    f"{list(np.shape(g._data if wrapped else g))} to {list(res.shape)})"
                )
            g = res if wrapped else res._data
    return g


def _conform(gx: Any, x: Tensor, fn: Function, i: int) -> Any:
    """Give a gradient its input's shape (undoing broadcasting) and dtype, as torch's engine."""
    data = x._data
    if type(gx) is np.ndarray or isinstance(gx, np.generic):  # the plain backward's arrays
        if gx.dtype is data.dtype and gx.shape == data.shape:
            return gx
        if gx.shape != data.shape:
            _check_expandable(gx.shape, data.shape, fn, i)
            gx = sum_to_array(gx, data.shape)
        return gx.astype(data.dtype, copy=False)
    if isinstance(gx, Tensor):
        if gx._data.shape != data.shape:
            _check_expandable(gx._data.shape, data.shape, fn, i)
            gx = gx.sum_to_size(data.shape)
        if gx._data.dtype != data.dtype:
            gx = gx.to(x.dtype)
        return gx
    return _conform(np.asarray(gx), x, fn, i)  # a Python number, or an ndarray subclass


def _check_expandable(got: tuple, want: tuple, fn: Function, i: int) -> None:
    pairs = zip(got[::-1], want[::-1], strict=False)  # trailing dimensions, as broadcasting
    if len(got) >= len(want) and all(w in (1, g) for g, w in pairs):
        return
    raise RuntimeError(
        f"Function {fn.name()} returned an invalid gradient at index {i} - got "
        f"{list(got)} but expected shape compatible with {list(want)}"
    )


def sum_to_array(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum a broadcast array back down to `shape` (the backward of broadcasting)."""
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1
    )
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    if lead:
        g = g.reshape(shape)
    return g


def _accumulate(x: Tensor, g: Any, owned: bool = False) -> None:
    """Add g into x.grad as torch's AccumulateGrad: first a private copy (or g itself when it is
    `owned`, an array nobody else holds, as torch steals an unshared buffer), then in place."""
    old = x._grad
    if isinstance(g, Tensor):  # create_graph: keep the graph of the gradient
        if old is not None:
            x._grad = old + g
        elif g._requires_grad:  # torch copies it into a new tensor: its node is CopyBackwards
            from ._inplace_nodes import Copy

            x._grad = Copy()._run(_make(np.empty_like(x._data)), g)
        else:
            x._grad = g.clone()
        return
    if old is None:
        dtype = x._data.dtype
        if not (owned and type(g) is np.ndarray and g.dtype is dtype and g.flags.writeable):
            g = np.array(g, dtype=dtype, copy=True)
        x._grad = _make(g)
    elif _grad_mode.state.enabled or type(old._data) is not np.ndarray:
        x._grad = _make(old._data + g)
    else:
        np.add(old._data, g, out=old._data)
