"""A minimal engine speaking exactly the protocol of compare/ENGINES.md, on numpy alone.

It exists to prove the protocol is enough: `python -m compare --engine numpy_engine` runs the
cases it has ops for (tests/test_harness_engine.py). Reverse mode over a recorded graph; every
backward is written with the engine's own ops, so `create_graph=True` records the backward too.
No `grad_fn`: the graph section of a page then shows torch's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np

float32, float64 = np.dtype("float32"), np.dtype("float64")
_recording = [True]  # off while a backward without create_graph runs


class Tensor:
    def __init__(self, data: Any, requires_grad: bool = False, parents=(), backward=None):
        self.data = np.asarray(data)
        self.requires_grad = requires_grad
        self.grad: Tensor | None = None
        self._parents: tuple[Tensor, ...] = parents
        self._backward: Callable[[Tensor], Sequence[Tensor]] | None = backward

    shape = property(lambda self: self.data.shape)
    dtype = property(lambda self: self.data.dtype)
    ndim = property(lambda self: self.data.ndim)

    def detach(self) -> Tensor:
        return Tensor(self.data)

    def numpy(self) -> np.ndarray:
        return self.data

    def backward(self, gradient: Tensor | None = None) -> None:
        leaves = _leaves(self)
        grads = grad([self], leaves, [gradient] if gradient is not None else None, False, True)
        for leaf, g in zip(leaves, grads, strict=True):
            if g is not None:
                leaf.grad = g if leaf.grad is None else Tensor(leaf.grad.data + g.data)

    def sum(self) -> Tensor:
        return _op(self.data.sum(), (self,), lambda g: (broadcast_to(g, self.shape),))

    __add__ = lambda self, o: add(self, o)  # noqa: E731
    __radd__ = lambda self, o: add(o, self)  # noqa: E731
    __mul__ = lambda self, o: mul(self, o)  # noqa: E731
    __rmul__ = lambda self, o: mul(o, self)  # noqa: E731
    __sub__ = lambda self, o: add(self, neg(_as(o, self)))  # noqa: E731
    __rsub__ = lambda self, o: add(o, neg(self))  # noqa: E731
    __neg__ = lambda self: neg(self)  # noqa: E731
    __truediv__ = lambda self, o: mul(self, pow_(_as(o, self), -1.0))  # noqa: E731
    __rtruediv__ = lambda self, o: mul(o, pow_(self, -1.0))  # noqa: E731
    __pow__ = lambda self, c: pow_(self, float(c))  # noqa: E731


def tensor(data: Any, dtype: np.dtype | None = None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.array(data, dtype=dtype), requires_grad=requires_grad)


def _as(x: Any, like: Tensor) -> Tensor:
    """A Python number as a constant of `like`'s dtype (a number never changes the dtype)."""
    return x if isinstance(x, Tensor) else Tensor(np.asarray(x, dtype=like.dtype))


def _op(data: Any, parents: tuple[Tensor, ...], backward: Callable) -> Tensor:
    needs = _recording[0] and any(p.requires_grad for p in parents)
    return Tensor(data, needs, parents if needs else (), backward if needs else None)


def sum_to(g: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum a broadcast gradient back to `shape`."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, n in enumerate(shape) if n == 1)
    data = g.data.sum(axis=axes, keepdims=True).reshape(shape)
    return _op(data, (g,), lambda gy: (broadcast_to(gy, g.shape),))


def broadcast_to(a: Tensor, shape: tuple[int, ...]) -> Tensor:
    return _op(np.broadcast_to(a.data, shape), (a,), lambda g: (sum_to(g, a.shape),))


def add(a: Any, b: Any) -> Tensor:
    a, b = (_as(a, b), b) if not isinstance(a, Tensor) else (a, _as(b, a))
    return _op(a.data + b.data, (a, b), lambda g: (sum_to(g, a.shape), sum_to(g, b.shape)))


def mul(a: Any, b: Any) -> Tensor:
    a, b = (_as(a, b), b) if not isinstance(a, Tensor) else (a, _as(b, a))
    return _op(a.data * b.data, (a, b), lambda g: (sum_to(g * b, a.shape), sum_to(g * a, b.shape)))


def neg(a: Tensor) -> Tensor:
    return _op(-a.data, (a,), lambda g: (-g,))


def pow_(a: Tensor, c: float) -> Tensor:
    """(a^c)' = c a^(c-1)"""
    data = (a.data ** np.asarray(c, dtype=a.dtype)).astype(a.dtype)
    return _op(data, (a,), lambda g: (g * c * pow_(a, c - 1.0),))


def square(a: Tensor) -> Tensor:
    return pow_(a, 2.0)


def exp(a: Tensor) -> Tensor:
    return _op(np.exp(a.data), (a,), lambda g: (g * exp(a),))


def tanh(a: Tensor) -> Tensor:
    """tanh'(x) = 1 - tanh(x)^2"""
    return _op(np.tanh(a.data), (a,), lambda g: (g * (1.0 - tanh(a) * tanh(a)),))


def sigmoid(a: Tensor) -> Tensor:
    return 1.0 / (1.0 + exp(-a))


def _leaves(root: Tensor) -> list[Tensor]:
    return [t for t in _topological([root]) if not t._parents and t.requires_grad]


def _topological(roots: Sequence[Tensor]) -> list[Tensor]:
    """Every tensor the roots depend on, each after all that depend on it (iteratively)."""
    order, seen, stack = [], set(), [(r, False) for r in roots]
    while stack:
        t, done = stack.pop()
        if done:
            order.append(t)
        elif id(t) not in seen:
            seen.add(id(t))
            stack.append((t, True))
            stack += [(p, False) for p in t._parents]
    return order[::-1]


def grad(
    outputs: Sequence[Tensor] | Tensor,
    inputs: Sequence[Tensor] | Tensor,
    grad_outputs: Sequence[Tensor | None] | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    seeds = list(grad_outputs) if grad_outputs is not None else [None] * len(outputs)
    for out in outputs:
        if not out.requires_grad:
            raise RuntimeError(
                "element 0 of tensors does not require grad and does not have a grad_fn"
            )
    grads: dict[int, Tensor] = {}
    for out, seed in zip(outputs, seeds, strict=True):
        seed = seed if seed is not None else Tensor(np.ones(out.shape, dtype=out.dtype))
        grads[id(out)] = seed if id(out) not in grads else grads[id(out)] + seed
    was, _recording[0] = _recording[0], create_graph
    try:
        for t in _topological(outputs):
            g = grads.get(id(t))
            if g is None or t._backward is None:
                continue
            for parent, gp in zip(t._parents, t._backward(g), strict=True):
                grads[id(parent)] = gp if id(parent) not in grads else grads[id(parent)] + gp
    finally:
        _recording[0] = was
    found = tuple(grads.get(id(x)) for x in inputs)
    if not allow_unused and any(g is None for g in found):
        raise RuntimeError("One of the differentiated Tensors appears to not have been used")
    return found


autograd = SimpleNamespace(grad=grad)
