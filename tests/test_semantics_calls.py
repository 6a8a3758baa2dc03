"""Calling a graph node with output gradients (the manual backprop of DeZero), as torch's."""

from __future__ import annotations

from typing import Any

import pytest
from semantics import Probe, check

import mini_autograd as T_mini


def xw(T: Any) -> tuple[Any, Any]:
    return T.tensor([1.0, 2.0], requires_grad=True), T.tensor(3.0, requires_grad=True)


def freed(T: Any) -> Any:
    x, _ = xw(T)
    y = x.exp()
    y.sum().backward()
    return y.grad_fn(T.ones(2))


def nothing_saved_after_backward(T: Any) -> Any:
    x, _ = xw(T)
    y = x + 1
    y.sum().backward()
    return y.grad_fn(T.ones(2))


def accumulate(T: Any) -> Any:
    x, _ = xw(T)
    acc = x.sum().grad_fn.next_functions[0][0]
    return acc(T.ones(2)), x.grad


def manual_backprop(T: Any) -> Any:
    a = T.tensor(0.5, requires_grad=True)
    c = (a**2).exp() ** 2
    gy, fn, names = T.tensor(1.0), c.grad_fn, []
    while fn is not None and type(fn).__name__ != "AccumulateGrad":
        g = fn(gy)
        gy = g[0] if isinstance(g, tuple) else g
        names.append(type(fn).__name__)
        fn = fn.next_functions[0][0]
    return names, gy


def no_grad_call(T: Any) -> Any:
    x, w = xw(T)
    y = x * w
    with T.no_grad():
        return y.grad_fn(T.ones(2))


def multi_output(T: Any) -> Any:
    x, _ = xw(T)
    a, _ = x.unbind()
    return a.grad_fn(T.tensor(1.0), T.tensor(2.0))


def unbind_one(T: Any) -> Any:
    x, _ = xw(T)
    return x.unbind()[0].grad_fn(T.tensor(1.0))


def custom_function(T: Any) -> Any:
    class Square(T.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (x,) = ctx.saved_tensors
            return 2 * x * g

    return Square.apply(xw(T)[0]).grad_fn(T.ones(2))  # custom nodes are not callable in torch


PROBES = [
    Probe("custom_function", custom_function, TypeError, "'SquareBackward' object is not callable"),
    Probe("mul_scalar", lambda T: (xw(T)[0] * 3).grad_fn(T.ones(2))),
    Probe("mul_two", lambda T: (lambda x, w: (x * w).grad_fn(T.ones(2)))(*xw(T))),
    Probe("add_two", lambda T: (lambda x, w: (x + w).grad_fn(T.ones(2)))(*xw(T))),
    Probe("rsub", lambda T: (2 - xw(T)[0]).grad_fn(T.ones(2))),
    Probe("pow", lambda T: (xw(T)[0] ** 2).grad_fn(T.ones(2))),
    Probe("exp", lambda T: xw(T)[0].exp().grad_fn(T.ones(2))),
    Probe("sum", lambda T: xw(T)[0].sum().grad_fn(T.tensor(1.0))),
    Probe("const_times_w", lambda T: (T.tensor([1.0, 2.0]) * xw(T)[1]).grad_fn(T.ones(2))),
    Probe("none_grad", lambda T: (lambda x, w: (x * w).grad_fn(None))(*xw(T))),
    Probe("accumulate_grad", accumulate),
    Probe("multi_output", multi_output),
    Probe("manual_backprop", manual_backprop),
    Probe("no_grad_call", no_grad_call),
    Probe("nothing_saved_after_backward", nothing_saved_after_backward),
    Probe("freed", freed, raises=RuntimeError, match="backward through the graph a second time"),
    Probe("unbind_one_arg", unbind_one, raises=TypeError, match="expected 2 arguments, got 1"),
    Probe(
        "too_many",
        lambda T: (xw(T)[0] * 2).grad_fn(T.ones(2), T.ones(2)),
        raises=TypeError,
        match="expected 1 arguments, got 2",
    ),
    Probe(
        "not_a_tensor",
        lambda T: (xw(T)[0] * 2).grad_fn(1.0),
        raises=TypeError,
        match="is not a Variable",
    ),
    Probe(
        "acc_no_args",
        lambda T: xw(T)[0].sum().grad_fn.next_functions[0][0](),
        raises=TypeError,
        match="expected 1 arguments, got 0",
    ),
]


@pytest.mark.parametrize("probe", PROBES, ids=repr)
def test_node_call_as_torch(probe: Probe) -> None:
    check(probe)


def test_a_node_outside_a_graph_is_no_op_entry_point() -> None:
    node = type(T_mini.tensor(1.0, requires_grad=True).exp().grad_fn)()
    with pytest.raises(TypeError, match="is not in a graph"):
        node(T_mini.tensor(1.0))


def test_the_engine_applies_its_ops_with_run_never_by_calling_a_node() -> None:
    """`Op(...)(x)` would now be a node call: every op of the engine is applied with `_run`."""
    import ast
    import inspect
    import sys
    from pathlib import Path

    from mini_autograd._function import Function

    classes = {
        k
        for name, mod in list(sys.modules.items())
        if name.startswith("mini_autograd")
        for k, v in vars(mod).items()
        if inspect.isclass(v) and issubclass(v, Function)
    }
    root = Path(T_mini.__file__).parent
    calls = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Call):
                inner = node.func.func
                name = getattr(inner, "id", getattr(inner, "attr", None))
                if name in classes:
                    calls.append(f"{path.relative_to(root)}:{node.lineno} {name}")
    assert calls == []


def test_node_types_and_reprs_drop_torchs_namespace_as_torch() -> None:
    """torch's CopySlices/CopyBackwards/NotImplemented nodes: type and repr use the short name,
    name() the full one."""
    import torch

    def nodes(T: Any) -> list[tuple[str, str, str]]:
        x = T.ones(2, requires_grad=True)
        y = x * 1
        y[0] = 5
        c = x.clone()
        c.copy_(T.ones(2))
        f = T.floor_divide(x, 2.0)
        return [
            (type(n).__name__, n.name(), repr(n).split(" object")[0])
            for n in (y.grad_fn, c.grad_fn, f.grad_fn)
        ]

    assert nodes(T_mini) == nodes(torch)
