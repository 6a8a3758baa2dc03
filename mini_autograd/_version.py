"""Version counters, as torch's: every in-place write bumps the version of the memory it writes.

A counter belongs to a block of memory (the numpy array that owns it), so views, `detach()` and
`.data` share it, as they share torch's. Counters are made lazily, at the first in-place write:
memory never written in place is at version 0 and costs nothing.

The graph does not store a version per saved tensor. Each node records the global in-place *epoch*
when it is made (one integer; the count of in-place writes so far), and each counter remembers the
epochs of its recent bumps. A saved tensor was modified after it was saved exactly when its
memory's last bump is newer than the node: backward checks that only when some in-place write
happened since the node was made (the epochs differ), which in a training loop is almost never.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

#: the number of in-place writes so far; nodes keep the value they were made at
epoch = [0]

_KEEP = 16  # bump epochs remembered per counter, enough to name the expected version


class _Counter:
    __slots__ = ("version", "bumps", "ref")

    def __init__(self, ref: weakref.ref) -> None:
        self.version = 0
        self.bumps: list[int] = []
        self.ref = ref


_counters: dict[int, _Counter] = {}


def _owner(a: Any) -> Any:
    """The array that owns a's memory (a itself unless a is a view)."""
    b = getattr(a, "base", None)
    while b is not None:  # as_strided's views hold their array through a DummyArray
        if isinstance(b, np.ndarray):
            a = b
        b = getattr(b, "base", None)
    return a


def bump(a: Any) -> None:
    """Record an in-place write into a's memory."""
    owner = _owner(a)
    key = id(owner)
    c = _counters.get(key)
    if c is None:
        ref = weakref.ref(owner, lambda _, key=key: _counters.pop(key, None))
        c = _counters[key] = _Counter(ref)
    epoch[0] += 1
    c.version += 1
    c.bumps.append(epoch[0])
    if len(c.bumps) > _KEEP:
        del c.bumps[0]


def version(a: Any) -> int:
    """How many in-place writes a's memory has had."""
    c = _counters.get(id(_owner(a)))
    return 0 if c is None else c.version


def modified_since(a: Any, when: int) -> tuple[int, int] | None:
    """(version now, version at epoch `when`) if a's memory was written after `when`, else None."""
    c = _counters.get(id(_owner(a)))
    if c is None or not c.bumps or c.bumps[-1] <= when:
        return None
    later = sum(1 for e in c.bumps if e > when)
    return c.version, c.version - later
