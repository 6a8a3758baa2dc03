"""Backward pauses Python's cyclic collector on deep graphs and always restores the user's state."""

from __future__ import annotations

import gc
import threading

import numpy as np
import pytest

import mini_autograd as T
from mini_autograd import _gcpause


def _deep(n: int = 2 * _gcpause.DEEP):
    x = T.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0001
    return x, y


@pytest.fixture(autouse=True)
def _restore_gc():
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)
    gc.enable() if enabled else gc.disable()


def test_collector_is_paused_during_a_deep_backward_and_restored():
    gc.set_threshold(500, 7, 3)
    seen = []
    x, y = _deep()
    x.register_hook(lambda g: seen.append(gc.isenabled()))
    y.backward()
    assert seen == [False]  # the leaf's hook runs inside the walk: paused
    assert gc.isenabled() and gc.get_threshold() == (500, 7, 3)
    assert x.grad.item() == pytest.approx(1.0001 ** (2 * _gcpause.DEEP), rel=1e-5)


def test_shallow_backward_does_not_touch_the_collector():
    seen = []
    x = T.tensor(2.0, requires_grad=True)
    x.register_hook(lambda g: seen.append(gc.isenabled()))
    (x * x).backward()
    assert seen == [True]


def test_a_user_disabled_collector_stays_disabled():
    gc.disable()
    _, y = _deep()
    y.backward()
    assert not gc.isenabled()


def test_an_exception_inside_backward_restores_the_collector():
    x, y = _deep()

    def boom(g):
        raise ValueError("hook failed")

    x.register_hook(boom)
    with pytest.raises(ValueError, match="hook failed"):
        y.backward()
    assert gc.isenabled()
    assert _gcpause._depth == 0


def test_exception_in_forward_leaves_the_collector_alone():
    with pytest.raises(RuntimeError):
        T.ones(2, 3) @ T.ones(2, 3)
    assert gc.isenabled()


def test_concurrent_deep_backwards_share_one_pause():
    errors = []

    def work():
        try:
            for _ in range(5):
                x, y = _deep()
                y.backward()
                assert x.grad is not None
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert gc.isenabled() and _gcpause._depth == 0


# --- the forward: one op of a deep graph runs with the collector paused --------------------------


def _probe_op(seen: list, fail: bool = False):
    """A unary op that records whether the collector is enabled while it runs."""
    from mini_autograd._function import Function

    class Probe(Function):
        def forward(self, x):
            seen.append(gc.isenabled())
            if fail:
                raise ValueError("forward failed")
            return x * 1.0

        def backward(self, gy, x):
            return gy

    return Probe


def test_an_op_deep_in_a_graph_runs_paused_and_restores_the_collector():
    gc.set_threshold(500, 7, 3)
    seen = []
    probe = _probe_op(seen)
    _, y = _deep()
    out = probe.apply(y)
    assert seen == [False]
    assert gc.isenabled() and gc.get_threshold() == (500, 7, 3)
    assert out.grad_fn.generation == y.grad_fn.generation + 1


def test_an_op_near_the_leaves_does_not_touch_the_collector():
    seen = []
    probe = _probe_op(seen)
    x = T.tensor(1.0, requires_grad=True)
    probe.apply(x * 2.0)
    assert seen == [True]


def test_an_exception_inside_a_deep_op_restores_the_collector():
    gc.set_threshold(500, 7, 3)
    seen = []
    probe = _probe_op(seen, fail=True)
    _, y = _deep()
    with pytest.raises(ValueError, match="forward failed"):
        probe.apply(y)
    assert seen == [False]
    assert gc.isenabled() and gc.get_threshold() == (500, 7, 3)
    with pytest.raises(RuntimeError):  # a broadcasting error deep in a graph, too
        (y * T.ones(3)) + T.ones(2)
    assert gc.isenabled()


def test_a_user_disabled_collector_stays_disabled_through_deep_ops():
    seen = []
    probe = _probe_op(seen)
    _, y = _deep()
    gc.disable()
    probe.apply(y * 2.0)
    assert seen == [False] and not gc.isenabled()


def test_building_a_deep_chain_defers_the_collections_to_code_outside_the_ops():
    gc.set_threshold(700, 10, 10)
    starts = []

    def count(phase, info):
        if phase == "start":
            starts.append(info["generation"])

    x = T.tensor(1.0, dtype=T.float64, requires_grad=True)
    y = x
    for _ in range(_gcpause.DEEP):  # the shallow part: collections as usual
        y = y * 1.0001
    gc.collect()
    gc.callbacks.append(count)
    try:
        for _ in range(3000):  # ~9000 tracked objects: a dozen collections without the pause
            y = y * 1.0001
        during = len(starts)
        garbage = [[] for _ in range(2000)]  # the user's own allocations collect as before
        after = len(starts)
    finally:
        gc.callbacks.remove(count)
    assert during == 0 and after >= 1
    assert gc.isenabled() and garbage
    y.backward()
    assert x.grad.item() == pytest.approx(1.0001 ** (3000 + _gcpause.DEEP), rel=1e-6)


def test_concurrent_deep_forwards_and_backwards_leave_the_collector_enabled():
    errors = []

    def work():
        try:
            for _ in range(5):
                x, y = _deep()
                (y * 2.0).tanh().backward()
                assert x.grad is not None
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert gc.isenabled() and _gcpause._depth == 0


def test_a_deep_backward_pauses_from_its_set_up():
    seen = []
    x, y = _deep()
    y.register_hook(lambda g: seen.append(gc.isenabled()))  # the root's hook: first in the walk
    y.backward()
    assert seen == [False] and gc.isenabled()


_O = T.ones(1, 1, dtype=T.float64)
_C = T.tensor(1.0001, dtype=T.float64)
#: one step of a deep chain per op family: every public op pauses, not only the hot ones
CHAIN_STEPS = {
    "neg": lambda y: -y,
    "pow": lambda y: y**1.0,
    "rsub": lambda y: 2.0 - y,
    "relu": lambda y: y.relu(),
    "F.relu": lambda y: T.nn.functional.relu(y),
    "clamp": lambda y: y.clamp(-9.0, 9.0),
    "sum": lambda y: y.sum(),
    "mean_dim": lambda y: y.reshape(1).mean(dim=0),
    "reshape_view": lambda y: y.reshape(1).view(()),
    "getitem": lambda y: y.reshape(1)[0],
    "matmul_leaf_first": lambda y: (_O @ y.reshape(1, 1)).reshape(()),
    "linear": lambda y: T.nn.functional.linear(y.reshape(1, 1), _O).reshape(()),
    "softmax_method": lambda y: y.reshape(1).softmax(0).sum(),
    "where_mask_first": lambda y: T.where(y > 0, y, _C),
    "maximum": lambda y: T.maximum(y, _C),
    "tanh": lambda y: y.tanh(),
}


@pytest.mark.parametrize("step", CHAIN_STEPS.values(), ids=CHAIN_STEPS.keys())
def test_no_op_starts_a_collection_while_a_deep_chain_grows(step):
    gc.set_threshold(700, 10, 10)
    starts = []

    def count(phase, info):
        if phase == "start":
            starts.append(info["generation"])

    x = T.tensor(0.5, dtype=T.float64, requires_grad=True)
    y = x
    for _ in range(_gcpause.DEEP):
        y = step(y)
    gc.collect()
    gc.callbacks.append(count)
    try:
        for _ in range(1500):  # ~4500 tracked objects: several collections without the pause
            y = step(y)
    finally:
        gc.callbacks.remove(count)
    assert starts == []
    assert gc.isenabled()
    y.backward()
    assert x.grad is not None and np.isfinite(x.grad.item())
