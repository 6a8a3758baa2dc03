"""Grad mode is per thread, as torch's: each program runs in torch and in mini_autograd."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest
from semantics import Probe, check


def _in_thread(target: Any) -> Any:
    """Run target() in a new thread and return what it returned (or raise what it raised)."""
    box: dict[str, Any] = {}

    def body() -> None:
        try:
            box["value"] = target()
        except Exception as err:  # noqa: BLE001 - re-raised in the caller
            box["error"] = err

    t = threading.Thread(target=body)
    t.start()
    t.join(timeout=30)
    if "error" in box:
        raise box["error"]
    return box["value"]


def other_threads_no_grad(T: Any) -> Any:
    """While another thread sits inside no_grad, this thread still records."""
    entered, done = threading.Event(), threading.Event()

    def other() -> None:
        with T.no_grad():
            entered.set()
            done.wait(10)

    t = threading.Thread(target=other)
    t.start()
    entered.wait(10)
    x = T.ones(2, requires_grad=True)
    y = x * 2
    result = (T.is_grad_enabled(), y.requires_grad)
    done.set()
    t.join()
    return result


def backward_elsewhere(T: Any) -> Any:
    """A backward running in another thread (paused inside a hook) leaves this thread recording."""
    in_backward, recorded = threading.Event(), threading.Event()

    def hook(g: Any) -> None:
        in_backward.set()
        recorded.wait(10)

    def other() -> None:
        a = T.ones(2, requires_grad=True)
        a.register_hook(hook)
        (a * 3).sum().backward()

    t = threading.Thread(target=other)
    t.start()
    in_backward.wait(10)
    x = T.ones(2, requires_grad=True)
    result = (T.is_grad_enabled(), (x * 2).requires_grad)
    recorded.set()
    t.join()
    return result


def overlapping_no_grad(T: Any) -> Any:
    """Two threads whose no_grad blocks overlap (entered A, B; left A, B) leave grad mode on."""
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        with T.no_grad():
            a_in.set()
            b_in.wait(10)
        seen["a_after"] = T.is_grad_enabled()
        a_out.set()

    def second() -> None:
        a_in.wait(10)
        with T.no_grad():
            b_in.set()
            a_out.wait(10)
            seen["b_inside"] = T.is_grad_enabled()
        seen["b_after"] = T.is_grad_enabled()

    threads = [threading.Thread(target=f) for f in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    x = T.ones(1, requires_grad=True)
    return (
        seen["a_after"],
        seen["b_inside"],
        seen["b_after"],
        T.is_grad_enabled(),
        (x * 1).requires_grad,
    )


def new_thread_from_no_grad(T: Any) -> Any:
    """A thread started inside no_grad (or set_grad_enabled(False)) starts with grad mode on."""
    with T.no_grad():
        inside = _in_thread(
            lambda: (T.is_grad_enabled(), (T.ones(1, requires_grad=True) * 2).requires_grad)
        )
    prev = T.is_grad_enabled()
    T.set_grad_enabled(False)
    try:
        off = _in_thread(T.is_grad_enabled)
        here = T.is_grad_enabled()
    finally:
        T.set_grad_enabled(prev)
    return inside, off, here


def set_grad_enabled_in_thread(T: Any) -> Any:
    """set_grad_enabled(False) in another thread does not reach this one."""
    _in_thread(lambda: T.set_grad_enabled(False))
    return T.is_grad_enabled()


def train_in_four_threads(T: Any) -> Any:
    """Four threads fit their own linear model at once: every loss curve equals the serial one."""
    barrier = threading.Barrier(4)

    def fit(seed: int) -> list[float]:
        rng = np.random.default_rng(seed)
        xs = T.tensor(rng.standard_normal((8, 3)))
        ys = T.tensor(rng.standard_normal(8))
        w = T.zeros(3, dtype=T.float64, requires_grad=True)
        losses = []
        barrier.wait(10)
        for _ in range(20):
            loss = ((xs @ w - ys) ** 2).mean()
            loss.backward()
            with T.no_grad():
                w -= 0.1 * w.grad
                w.grad.zero_()
            losses.append(loss.item())
        return losses

    out: dict[int, list[float]] = {}
    threads = [threading.Thread(target=lambda s=s: out.__setitem__(s, fit(s))) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return [out[s] for s in range(4)]


PROBES = [
    Probe("other_threads_no_grad", other_threads_no_grad),
    Probe("backward_elsewhere", backward_elsewhere),
    Probe("overlapping_no_grad", overlapping_no_grad),
    Probe("new_thread_from_no_grad", new_thread_from_no_grad),
    Probe("set_grad_enabled_in_thread", set_grad_enabled_in_thread),
    Probe("train_in_four_threads", train_in_four_threads),
]


@pytest.mark.parametrize("probe", PROBES, ids=repr)
def test_grad_mode_is_per_thread(probe: Probe) -> None:
    check(probe)
