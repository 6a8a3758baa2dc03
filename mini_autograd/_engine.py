"""The backward pass: walk the graph from the roots in reverse generation order, iteratively.

Functions are visited newest-first (highest generation), so every consumer of a value has added its
share of the gradient before the producer runs: reused subexpressions and diamonds sum correctly,
and a chain of a million ops needs no recursion. Gradients are numpy arrays unless `create_graph`
asks for Tensors, whose ops then record the graph of the backward pass itself.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _grad_mode
from ._function import Function
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
    captured: list[Any] = [None] * len(capture or ())
    leaf_slot: dict[int, int] = {}
    node_slot: dict[tuple[int, int], int] = {}
    for i, t in enumerate(capture or ()):
        if t.grad_fn is None:
            leaf_slot[id(t)] = i
        else:
            node_slot[(id(t.grad_fn), t._output_nr)] = i

    # with targets, run only the part of the graph that leads to them, as torch does
    needed = _needed(roots, leaf_slot, node_slot) if capture else None
    pending: dict[Function, list[Any]] = {}
    heap: list[tuple[int, int, Function]] = []
    counter = 0

    def deliver(x: Tensor, g: Any) -> None:
        nonlocal counter
        fn = x.grad_fn
        if needed is not None and fn is not None and fn not in needed:
            if (id(fn), x._output_nr) not in node_slot:
                return
        if fn is None:
            if x._hooks:
                g = _run_hooks(x._hooks, g)
            slot = leaf_slot.get(id(x))
            if slot is not None:
                captured[slot] = g if captured[slot] is None else captured[slot] + g
            if accumulate:
                _accumulate(x, g)
            return
        nr = x._output_nr
        outs = pending.get(fn)
        if outs is None:
            outs = pending[fn] = [None] * len(fn.outputs)
            counter += 1
            heapq.heappush(heap, (-fn.generation, counter, fn))
        outs[nr] = g if outs[nr] is None else outs[nr] + g

    for t, g in zip(roots, root_grads):
        deliver(t, g)

    prev = _grad_mode.state.enabled
    _grad_mode.state.enabled = create_graph
    try:
        while heap:
            fn = heapq.heappop(heap)[2]
            gys = pending.pop(fn)
            inputs = fn.inputs
            if inputs is None:
                raise RuntimeError(_FREED)
            if fn._watched or node_slot:
                _visit_outputs(fn, gys, node_slot, captured, accumulate)
            if needed is not None and fn not in needed:
                continue  # reached only to capture its output's gradient
            if create_graph:
                xs = inputs
            else:
                xs = [x._data if isinstance(x, Tensor) else x for x in inputs]
            gxs = fn.backward(gys[0] if len(gys) == 1 else tuple(gys), *xs)
            if len(inputs) == 1:
                gxs = (gxs,)
            needs = fn.needs_input_grad
            for i, x in enumerate(inputs):
                if needs[i]:
                    gx = gxs[i]
                    if gx is not None:
                        deliver(x, _conform(gx, x, fn, i))
            if not retain_graph:
                fn._release()
    finally:
        _grad_mode.state.enabled = prev
    return captured


def _needed(roots: Sequence[Tensor], leaf_slot: dict, node_slot: dict) -> set[Function]:
    """The functions whose backward must run for gradients to reach the capture targets."""
    needed: set[Function] = set()
    done: set[Function] = set()
    stack = [(t.grad_fn, False) for t in roots if t.grad_fn is not None]
    while stack:  # iterative post-order: a function is decided after all of its inputs
        fn, expanded = stack.pop()
        if fn in done or fn.inputs is None:
            continue
        if not expanded:
            stack.append((fn, True))
            stack.extend((x.grad_fn, False) for x in fn.inputs
                         if isinstance(x, Tensor) and x.grad_fn is not None)
            continue
        done.add(fn)
        for x in fn.inputs:
            if not isinstance(x, Tensor):
                continue
            up = x.grad_fn
            if (up is None and id(x) in leaf_slot) or (
                up is not None and (up in needed or (id(up), x._output_nr) in node_slot)
            ):
                needed.add(fn)
                break
    return needed


def _visit_outputs(fn: Function, gys: list[Any], node_slot: dict, captured: list,
                   accumulate: bool) -> None:
    """Run tensor hooks, fill .grad of outputs that retain_grad, and capture requested grads."""
    outputs = fn.outputs
    for i, g in enumerate(gys):
        if g is None:
            continue
        out = outputs[i]()
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
            g = res if wrapped else res._data
    return g


def _conform(gx: Any, x: Tensor, fn: Function, i: int) -> Any:
    """Give a gradient its input's shape (undoing broadcasting) and dtype, as torch's engine does."""
    shape = x._data.shape
    if isinstance(gx, Tensor):
        if gx._data.shape != shape:
            _check_expandable(gx._data.shape, shape, fn, i)
            gx = gx.sum_to_size(shape)
        if gx._data.dtype != x._data.dtype:
            gx = gx.to(x.dtype)
        return gx
    if np.shape(gx) != shape:
        _check_expandable(np.shape(gx), shape, fn, i)
        gx = sum_to_array(gx, shape)
    if gx.dtype != x._data.dtype:
        gx = gx.astype(x._data.dtype)
    return gx


def _check_expandable(got: tuple, want: tuple, fn: Function, i: int) -> None:
    if len(got) >= len(want) and all(w in (1, g) for g, w in zip(got[::-1], want[::-1])):
        return
    raise RuntimeError(f"Function {fn.name()} returned an invalid gradient at index {i} - got "
                       f"{list(got)} but expected shape compatible with {list(want)}")


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


def _accumulate(x: Tensor, g: Any) -> None:
    """Add g into x.grad as torch's AccumulateGrad: first a private copy, then in place."""
    old = x._grad
    if isinstance(g, Tensor):  # create_graph: keep the graph of the gradient
        x._grad = g.clone() if old is None else old + g
        return
    if old is None:
        x._grad = _make(np.array(g, dtype=x._data.dtype, copy=True))
    elif _grad_mode.state.enabled or type(old._data) is not np.ndarray:
        x._grad = _make(old._data + g)
    else:
        np.add(old._data, g, out=old._data)
