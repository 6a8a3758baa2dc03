"""The benchmark workloads of small graphs (the per-node cost of building, recording and walking
a graph), models (an MLP step with SGD and with Adam) and large arrays (matmul, elementwise
against a numpy floor), each written once against the torch namespace `T` (see workload.py)."""

from __future__ import annotations

from types import ModuleType

import numpy as np

from .workload import Step, leaf, normal, seeded, workload

# --- small graphs: the cost of building, dispatching, recording and walking a node ----------------


@workload(
    title="(e^{x^2})^2 on a 0-d float64 tensor, fwd+bwd, including its creation",
    size={},
    quick={},
    goal=0.5,
)
def scalar_exp(T: ModuleType) -> Step:
    def step() -> object:
        x = T.tensor(0.5, dtype=T.float64, requires_grad=True)
        y = T.exp(x**2) ** 2
        y.backward()
        return x.grad

    return step


@workload(
    title="a chain of n tanh on a 0-d float64 tensor, fwd+bwd",
    size={"n": 1000},
    quick={"n": 10},
    goal=0.5,
)
def tanh_chain(T: ModuleType, n: int) -> Step:
    def step() -> object:
        x = T.tensor(0.5, dtype=T.float64, requires_grad=True)
        y = x
        for _ in range(n):
            y = T.tanh(y)
        y.backward()
        return x.grad

    return step


@workload(
    title="a chain of n ops (y = y * c) on a 0-d float64 tensor, fwd+bwd",
    size={"n": 1_000_000},
    quick={"n": 100},
    heavy=True,
)
def long_chain(T: ModuleType, n: int) -> Step:
    def step() -> object:
        x = T.tensor(0.5, dtype=T.float64, requires_grad=True)
        y = x
        for _ in range(n):
            y = y * 0.999999
        y.backward()
        return x.grad

    return step


# --- models ---------------------------------------------------------------------------------------


@workload(
    title="MLP step: x(batch×d_in) → sigmoid(hidden) → classes, cross-entropy, fwd+bwd, float32",
    size={"batch": 64, "d_in": 784, "hidden": 256, "classes": 10},
    quick={"batch": 4, "d_in": 8, "hidden": 6, "classes": 3},
    goal=1.2,
)
def mlp_step(T: ModuleType, batch: int, d_in: int, hidden: int, classes: int) -> Step:
    rng = seeded()
    x = T.tensor(normal(rng, (batch, d_in)))
    target = T.tensor(rng.integers(0, classes, batch))
    params = [
        leaf(T, normal(rng, (d_in, hidden), scale=d_in**-0.5)),
        leaf(T, np.zeros(hidden, dtype=np.float32)),
        leaf(T, normal(rng, (hidden, classes), scale=hidden**-0.5)),
        leaf(T, np.zeros(classes, dtype=np.float32)),
    ]
    w1, b1, w2, b2 = params
    cross_entropy = T.nn.functional.cross_entropy

    def step() -> object:
        for p in params:
            p.grad = None
        h = T.sigmoid(x @ w1 + b1)
        loss = cross_entropy(h @ w2 + b2, target)
        loss.backward()
        return loss

    return step


@workload(
    title="one Adam training step of an MLP (Linear d_in→hidden, relu, Linear →classes), "
    "cross-entropy, float32",
    size={"batch": 32, "d_in": 64, "hidden": 128, "classes": 10},
    quick={"batch": 4, "d_in": 8, "hidden": 6, "classes": 3},
)
def adam_step(T: ModuleType, batch: int, d_in: int, hidden: int, classes: int) -> Step:
    rng = seeded()
    x = T.tensor(normal(rng, (batch, d_in)))
    target = T.tensor(rng.integers(0, classes, batch))
    layers = [T.nn.Linear(d_in, hidden), T.nn.Linear(hidden, classes)]
    with T.no_grad():  # the same starting weights in both frameworks
        for layer in layers:
            for p in layer.parameters():
                p.copy_(T.tensor(rng.uniform(-0.1, 0.1, tuple(p.shape)).astype(np.float32)))
    params = [p for layer in layers for p in layer.parameters()]
    opt = T.optim.Adam(params, lr=1e-3)
    cross_entropy = T.nn.functional.cross_entropy

    def step() -> object:
        opt.zero_grad()
        loss = cross_entropy(layers[1](T.relu(layers[0](x))), target)
        loss.backward()
        opt.step()
        return loss

    return step


@workload(
    title="one SGD training step of a tiny MLP (Linear 16→8, tanh, Linear 8→2), mse, float32: "
    "the fixed costs of a learner's loop (zero_grad, Linear, backward set-up, step)",
    size={"batch": 4},
    quick={"batch": 2},
    goal=1.0,
)
def tiny_mlp(T: ModuleType, batch: int) -> Step:
    rng = seeded()
    x = T.tensor(normal(rng, (batch, 16)))
    target = T.tensor(normal(rng, (batch, 2)))
    layers = [T.nn.Linear(16, 8), T.nn.Linear(8, 2)]
    with T.no_grad():  # the same starting weights in both frameworks
        for layer in layers:
            for p in layer.parameters():
                p.copy_(T.tensor(rng.uniform(-0.3, 0.3, tuple(p.shape)).astype(np.float32)))
    params = [p for layer in layers for p in layer.parameters()]
    opt = T.optim.SGD(params, lr=0.05)
    mse = T.nn.functional.mse_loss

    def step() -> object:
        opt.zero_grad()
        loss = mse(layers[1](T.tanh(layers[0](x))), target)
        loss.backward()
        opt.step()
        return loss

    return step


# --- large arrays: where numpy's kernels set the pace ---------------------------------------------


@workload(
    title="n×n float32 matmul, fwd+bwd (backward with a given output gradient)",
    size={"n": 1024},
    quick={"n": 16},
    goal=1.1,
)
def matmul(T: ModuleType, n: int) -> Step:
    rng = seeded()
    a = leaf(T, normal(rng, (n, n)))
    b = leaf(T, normal(rng, (n, n)))
    gy = T.tensor(normal(rng, (n, n)))

    def step() -> object:
        a.grad = b.grad = None
        (a @ b).backward(gy)
        return a.grad

    return step


def _elementwise_floor(n: int) -> Step:
    """sum(sin(x) e^x + x^2) and its gradient (cos x + sin x) e^x + 2x, by hand in numpy."""
    x = seeded().standard_normal(n)

    def step() -> object:
        s, e = np.sin(x), np.exp(x)
        loss = (s * e + x * x).sum()  # noqa: F841 - the forward is part of the work
        return (np.cos(x) + s) * e + 2 * x

    return step


@workload(
    title="sum(sin(x)·e^x + x²) over n float64 elements, fwd+bwd",
    size={"n": 1_000_000},
    quick={"n": 1000},
    floor=_elementwise_floor,
    floor_goal=1.1,
)
def elementwise(T: ModuleType, n: int) -> Step:
    x = leaf(T, seeded().standard_normal(n))

    def step() -> object:
        x.grad = None
        (T.sin(x) * T.exp(x) + x**2).sum().backward()
        return x.grad

    return step
