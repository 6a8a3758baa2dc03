"""The benchmark workloads, each written once against the torch namespace `T`.

A workload's `build(T, **size)` does the setup (inputs, parameters) and returns the step to time;
the same function runs under torch and under mini_autograd. Inputs come from one seeded numpy
generator, so both frameworks compute on the same values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

Step = Callable[[], object]


@dataclass(frozen=True)
class Workload:
    """One benchmark: what it computes, how to build its step, and the goal it is held to."""

    name: str
    title: str  # one line for the report
    build: Callable[..., Step]  # build(T, **size) -> step
    size: dict[str, int]  # the full run's size
    quick: dict[str, int]  # a tiny size for smoke runs
    goal: float | None = None  # median time ratio mini_autograd / torch to stay under
    floor: Callable[..., Step] | None = None  # build(**size): the same computation in numpy
    floor_goal: float | None = None  # ratio to the numpy floor to stay under
    heavy: bool = False  # a step takes seconds: time it in fewer rounds


WORKLOADS: dict[str, Workload] = {}


def workload(**info: Any) -> Callable[[Callable[..., Step]], Callable[..., Step]]:
    """Register the decorated build function as a workload."""

    def deco(build: Callable[..., Step]) -> Callable[..., Step]:
        wl = Workload(name=build.__name__, build=build, **info)
        WORKLOADS[wl.name] = wl
        return build

    return deco


def _rng() -> np.random.Generator:
    return np.random.default_rng(0)


def _leaf(T: ModuleType, array: np.ndarray) -> Any:
    return T.tensor(array, requires_grad=True)


def _normal(rng: np.random.Generator, shape: tuple[int, ...], scale: float = 1.0) -> np.ndarray:
    """float32 normal samples times scale (float32 all the way: numpy would promote to float64)."""
    return (rng.standard_normal(shape) * scale).astype(np.float32)


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
    goal=0.8,
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
    rng = _rng()
    x = T.tensor(_normal(rng, (batch, d_in)))
    target = T.tensor(rng.integers(0, classes, batch))
    params = [
        _leaf(T, _normal(rng, (d_in, hidden), scale=d_in**-0.5)),
        _leaf(T, np.zeros(hidden, dtype=np.float32)),
        _leaf(T, _normal(rng, (hidden, classes), scale=hidden**-0.5)),
        _leaf(T, np.zeros(classes, dtype=np.float32)),
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
    rng = _rng()
    x = T.tensor(_normal(rng, (batch, d_in)))
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


# --- large arrays: where numpy's kernels set the pace ---------------------------------------------


@workload(
    title="n×n float32 matmul, fwd+bwd (backward with a given output gradient)",
    size={"n": 1024},
    quick={"n": 16},
    goal=1.1,
)
def matmul(T: ModuleType, n: int) -> Step:
    rng = _rng()
    a = _leaf(T, _normal(rng, (n, n)))
    b = _leaf(T, _normal(rng, (n, n)))
    gy = T.tensor(_normal(rng, (n, n)))

    def step() -> object:
        a.grad = b.grad = None
        (a @ b).backward(gy)
        return a.grad

    return step


def _elementwise_floor(n: int) -> Step:
    """sum(sin(x) e^x + x^2) and its gradient (cos x + sin x) e^x + 2x, by hand in numpy."""
    x = _rng().standard_normal(n)

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
    x = _leaf(T, _rng().standard_normal(n))

    def step() -> object:
        x.grad = None
        (T.sin(x) * T.exp(x) + x**2).sum().backward()
        return x.grad

    return step


def _recurrent(T: ModuleType, kind: str, seq: int, batch: int, d_in: int, hidden: int) -> Step:
    rng = _rng()
    layer = getattr(T.nn, kind)(d_in, hidden)
    layer.load_state_dict(
        {k: T.tensor(_normal(rng, tuple(v.shape), 0.1)) for k, v in layer.state_dict().items()}
    )
    x = T.tensor(_normal(rng, (seq, batch, d_in)))

    def step() -> object:
        layer.zero_grad()
        out, _ = layer(x)
        out.sum().backward()
        return layer.weight_hh_l0.grad

    return step


@workload(
    title="nn.LSTM(32, 64) over seq 35 × batch 20, fwd+bwd, float32",
    size={"seq": 35, "batch": 20, "d_in": 32, "hidden": 64},
    quick={"seq": 3, "batch": 2, "d_in": 4, "hidden": 8},
    goal=2.0,
)
def lstm_step(T: ModuleType, seq: int, batch: int, d_in: int, hidden: int) -> Step:
    return _recurrent(T, "LSTM", seq, batch, d_in, hidden)


@workload(
    title="nn.GRU(32, 64) over seq 35 × batch 20, fwd+bwd, float32",
    size={"seq": 35, "batch": 20, "d_in": 32, "hidden": 64},
    quick={"seq": 3, "batch": 2, "d_in": 4, "hidden": 8},
    goal=2.0,
)
def gru_step(T: ModuleType, seq: int, batch: int, d_in: int, hidden: int) -> Step:
    return _recurrent(T, "GRU", seq, batch, d_in, hidden)


@workload(
    title="one epoch of DataLoader(TensorDataset(x, y), 64, shuffle=True), 60,000 × 784 float32",
    size={"n": 60_000, "features": 784, "batch": 64},
    quick={"n": 1000, "features": 8, "batch": 64},
    goal=0.5,
    heavy=True,
)
def dataloader_epoch(T: ModuleType, n: int, features: int, batch: int) -> Step:
    rng = _rng()
    x = T.tensor(_normal(rng, (n, features)))
    y = T.tensor(rng.integers(0, 10, n))
    loader = T.utils.data.DataLoader(
        T.utils.data.TensorDataset(x, y), batch_size=batch, shuffle=True
    )

    def step() -> object:
        return sum(len(yb) for _, yb in loader)

    return step


@workload(
    title="save + load of a 10 M-parameter state_dict (torch's zip format)",
    size={"params": 10_000_000},
    quick={"params": 10_000},
    goal=1.5,
    heavy=True,
)
def checkpoint_roundtrip(T: ModuleType, params: int) -> Step:
    import os
    import tempfile

    rng = _rng()
    rows = 1000
    state = {
        f"layer{i}.weight": T.tensor(_normal(rng, (rows, params // (10 * rows)))) for i in range(10)
    }
    path = os.path.join(tempfile.mkdtemp(), "checkpoint.pt")

    def step() -> object:
        T.save(state, path)
        return T.load(path, weights_only=True)

    return step
