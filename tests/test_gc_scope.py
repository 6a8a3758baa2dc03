"""Backward pauses Python's cyclic collector on deep graphs and always restores the user's state."""

from __future__ import annotations

import gc
import threading

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
