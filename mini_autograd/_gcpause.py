"""Python's cyclic collector paused while a deep graph is built or walked, and restored after.

Every graph node is a few GC-tracked objects (the node, its inputs, its output tensor), and they
are all alive until backward: on a graph of 10^5 nodes the collector's full passes, which visit
every live object each time, cost more than the ops themselves (and CPython counts the objects
a pass promotes, not the ones that die later, so even a loop of short graphs triggers them).

Two scopes, each restoring the user's enabled state on the way out, exceptions included; the
thresholds are never touched:

- `pause()`/`resume()` around a backward pass of a deep graph (and its set-up): nested and
  concurrent passes (threads) share one pause, the last one out re-enables the collector.
- `call_paused(...)` around one op whose input is deep in a graph: the whole public call, from
  its argument conversion and its node's allocation to its output's, so that the collector's
  counter only runs past its threshold inside the pause. Every public op gets it from the
  registry (`ops._registry.paused_when_deep`, a wrapper with the op's own signature that looks at
  its first two arguments); the hot unary and binary ops inline it (`Function.on_tensor`, the
  binary wrappers of ops/elementwise.py) and `Function.apply` has it for ops calling ops.
  The collection it defers happens at the next allocation
  outside (user code, a shallow op), or never when the graph is freed first (freeing an object
  takes it off the counter again). This one is per op, so it is lock-free: only the caller that
  found the collector enabled and disabled it re-enables it; a concurrent caller finding it
  disabled runs as is. No interleaving leaves the collector disabled. (Either scope undoes a
  `gc.disable()` that another thread makes while it holds the pause, microseconds for an op.)
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any

#: graphs at least this deep (a node's generation) pause the collector while built or walked
DEEP = 64

_isenabled, _disable, _enable = gc.isenabled, gc.disable, gc.enable

_lock = threading.Lock()
_acquire, _release = _lock.acquire, _lock.release
_depth = 0  # backward passes inside the pause, across threads
_resume = False  # whether the collector was enabled when the first of them paused it


def pause() -> None:
    """Enter the pause (pair every call with `resume()` in a finally)."""
    global _depth, _resume
    # the lock's bound methods are made once: `with _lock` would allocate two per call, and an
    # allocation here, after a deep forward, starts a collection over the whole young graph
    _acquire()
    try:
        if _depth == 0:
            _resume = _isenabled()
            if _resume:
                _disable()
        _depth += 1
    finally:
        _release()


def resume() -> None:
    """Leave the pause; the last one out re-enables the collector if it was enabled."""
    global _depth
    _acquire()
    try:
        _depth -= 1
        if _depth == 0 and _resume:
            _enable()
    finally:
        _release()


def call_paused(make: Callable[..., Any], args: tuple, params: dict) -> Any:
    """make(**params)(*args) with the collector paused if it is enabled (one op of a deep graph)."""
    if not _isenabled():  # the user's choice, or another pause already holds it
        return (make(**params) if params else make())._run(*args)
    _disable()
    try:
        return (make(**params) if params else make())._run(*args)
    finally:
        _enable()
