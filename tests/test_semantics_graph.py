"""Freed graphs, hooks and graph introspection as torch's: each probe runs in both frameworks."""

from __future__ import annotations

from typing import Any

import pytest
from semantics import Probe, check

SECOND_TIME = "backward through the graph a second time"


def walk(fn: Any) -> Any:
    """The graph below a node as nested (name, [children]) by next_functions, None for a gap."""
    if fn is None:
        return None
    return fn.name(), [(walk(f), nr) for f, nr in fn.next_functions]


def x3(T: Any) -> Any:
    return T.tensor([1.5, -0.5], requires_grad=True)


def grad_twice_allow_unused(T: Any) -> Any:
    x = x3(T)
    y = (x * x).sum()
    T.autograd.grad(y, x, allow_unused=True)
    return T.autograd.grad(y, x, allow_unused=True)


def backward_inputs_twice(T: Any) -> Any:
    x = x3(T)
    y = (x * x.exp()).sum()
    y.backward(inputs=[x])
    y.backward(inputs=[x])


def nothing_saved_twice(T: Any) -> Any:
    x = x3(T)
    y = (x + x).sum()
    y.backward()
    y.backward()
    return x.grad


def hooked(hook: Any, leaf: bool = True) -> Any:
    def program(T: Any) -> Any:
        x = x3(T)
        target = x if leaf else x * 2
        target.register_hook(hook(T))
        (target * 3).sum().backward()
        return x.grad

    return program


def wrong_size(T: Any) -> Any:
    def myhook(g: Any) -> Any:
        return T.ones(3)

    return myhook


def not_a_tensor(T: Any) -> Any:
    def badhook(g: Any) -> Any:
        return 3

    return badhook


def fourth_derivative(T: Any) -> Any:
    x = T.tensor(2.0, requires_grad=True)
    g = x**3
    out = []
    for _ in range(4):
        (g,) = T.autograd.grad(g, x, create_graph=True, allow_unused=True)
        out.append((g, g.requires_grad))
    return out


def structure(program: Any) -> Any:
    def run(T: Any) -> Any:
        return walk(program(T, x3(T)).grad_fn)

    return run


def structure_after_backward(T: Any) -> Any:
    x = x3(T)
    y = (x.exp() * x + 2).sum()
    before = walk(y.grad_fn)
    y.backward()
    return before, walk(y.grad_fn)


def accumulate_grad_is_stable(T: Any) -> Any:
    x = x3(T)
    y = x * 2
    z = x.exp()
    a = y.grad_fn.next_functions[0][0]
    return (
        a is y.grad_fn.next_functions[0][0],
        a is z.grad_fn.next_functions[0][0],
        a.variable is x,
        type(a).__name__,
    )


def node_types(T: Any) -> Any:
    """type(node).__name__ is torch's node name, also for names chosen per call (sum, view, t)."""
    x = x3(T)
    m = x3(T).reshape(1, 2)
    ys = [x + 1, x * x, x**2, 2**x, 2 - x, x.sum(), x.sum(0), x.view(2, 1), m.t(), m.mm(m.t())]
    ys += [x.exp().log1p(), T.logsumexp(x, 0), x.unbind()[0], x.norm()]
    leaf = ys[0].grad_fn.next_functions[0][0]
    return [type(y.grad_fn).__name__ for y in ys] + [type(leaf).__name__], [
        y.grad_fn.name() for y in ys
    ]


def custom_node_type(T: Any) -> Any:
    class Twice(T.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 2

        @staticmethod
        def backward(ctx: Any, gy: Any) -> Any:
            return gy * 2

    y = Twice.apply(x3(T))
    return type(y.grad_fn).__name__, y.grad_fn.name()


PROBES = [
    Probe("type(grad_fn).__name__ is torch's", node_types),
    Probe("a custom Function's node type", custom_node_type),
    Probe("grad twice (allow_unused)", grad_twice_allow_unused, RuntimeError, SECOND_TIME),
    Probe("backward(inputs=) twice", backward_inputs_twice, RuntimeError, SECOND_TIME),
    Probe("(x + x).sum() backward twice", nothing_saved_twice),
    Probe("leaf hook of the wrong size", hooked(wrong_size), RuntimeError, "has changed the size"),
    Probe("hook of the wrong size", hooked(wrong_size, False), RuntimeError, "myhook"),
    Probe("hook returns an int", hooked(not_a_tensor), TypeError, "hook returned 'int'"),
    Probe("4th derivative of x**3", fourth_derivative),
    Probe("x ** 2", structure(lambda T, x: x**2)),
    Probe("2 - x", structure(lambda T, x: 2 - x)),
    Probe("x * constant tensor", structure(lambda T, x: x * T.ones(2))),
    Probe("a small graph", structure(lambda T, x: (x.exp() * x + x.tanh()).sum())),
    Probe("structure after backward", structure_after_backward),
    Probe("AccumulateGrad is one node per leaf", accumulate_grad_is_stable),
]


@pytest.mark.parametrize("probe", PROBES, ids=repr)
def test_graph_as_torch(probe: Probe) -> None:
    check(probe)


def _pickled(T: Any, t: Any) -> Any:
    import pickle

    return pickle.loads(pickle.dumps(t))


def pickle_non_leaf(T: Any) -> Any:
    x = x3(T)
    y = x * 2
    for _ in range(10_000):  # a long chain: pickling it must not walk the graph
        y = y + 1
    z = _pickled(T, y)
    return z, z.is_leaf, z.grad_fn is None


def deepcopy_leaf(T: Any) -> Any:
    import copy

    x = x3(T)
    (x * 3).sum().backward()
    w = copy.deepcopy(x)
    return w, w.grad, w.is_leaf, copy.copy(x * 2)


COPIES = [
    Probe("pickle a non-leaf", pickle_non_leaf),
    Probe("deepcopy a leaf", deepcopy_leaf),
    Probe(
        "deepcopy a non-leaf",
        lambda T: __import__("copy").deepcopy(x3(T) * 2),
        RuntimeError,
        "Only Tensors created explicitly by the user",
    ),
]


@pytest.mark.parametrize("probe", COPIES, ids=repr)
def test_copies_as_torch(probe: Probe) -> None:
    check(probe)
