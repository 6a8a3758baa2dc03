"""Python's cyclic collector paused while backward walks a deep graph, and restored after.

A backward pass allocates a few container objects per node (pending gradient lists, heap
entries); on a graph of 10^5 nodes the collector's full passes, which visit every live graph
object each time, then cost more than the backward itself. The pause is scoped to the walk:
nested and concurrent backward passes (threads) share one pause, the collector's enabled state
is restored by the last one out, exceptions included, and the thresholds are never touched.
"""

from __future__ import annotations

import gc
import threading

#: graphs at least this deep (the root's generation) pause the collector while backward runs
DEEP = 256

_lock = threading.Lock()
_depth = 0  # backward passes inside the pause, across threads
_resume = False  # whether the collector was enabled when the first of them paused it


def pause() -> None:
    """Enter the pause (pair every call with `resume()` in a finally)."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            if _resume:
                gc.disable()
        _depth += 1


def resume() -> None:
    """Leave the pause; the last one out re-enables the collector if it was enabled."""
    global _depth
    with _lock:
        _depth -= 1
        if _depth == 0 and _resume:
            gc.enable()
