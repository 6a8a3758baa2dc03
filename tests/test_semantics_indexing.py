"""Indexing as torch, not numpy: each probe runs in both frameworks (values, gradients, errors)."""

from __future__ import annotations

from typing import Any

import pytest
from semantics import Probe, check


def indexed(key: Any, shape: tuple[int, ...] = (3, 4, 5)) -> Any:
    """A program: x[key] of an arange, its gradient, and the node torch records."""

    def program(T: Any) -> Any:
        n = 1
        for s in shape:
            n *= s
        x = T.arange(float(n)).reshape(shape).requires_grad_()
        k = key(T) if callable(key) else key
        y = x[k]
        (y * T.arange(float(y.numel())).reshape(y.shape)).sum().backward()
        return y, x.grad, y.grad_fn.name()

    return program


def _mask(T: Any, dtype: str) -> Any:
    return T.tensor([1, 0, 1], dtype=getattr(T, dtype))


PROBES = [
    Probe("int with non-adjacent list", indexed((0, slice(None), [0, 1]))),
    Probe(
        "0-d tensor with non-adjacent list", indexed(lambda T: (T.tensor(0), slice(None), [0, 1]))
    ),
    Probe("list, slice, int", indexed(([0, 1], slice(None), 0))),
    Probe("slice, int, list", indexed((slice(None), 0, [0, 1]))),
    Probe("ellipsis, int, list", indexed((Ellipsis, 0, [1, 2]))),
    Probe("None, int, slice, list", indexed((None, 0, slice(None), [1]))),
    Probe("two lists and an int", indexed(([0, 2], 1, [1, 3]))),
    Probe("int, mask", indexed(lambda T: (1, T.tensor([True, False, True, False])))),
    Probe("list then int (adjacent)", indexed(([0, 1], 0))),
    Probe("nested list key", indexed([[0, 1], [1, 2]]), warns=UserWarning),
    Probe("nested list of one list", indexed([[0, 1]]), warns=UserWarning),
    Probe("list of int and list", indexed([0, [1, 2]]), warns=UserWarning),
    Probe("flat list", indexed([0, 2])),
    Probe("uint8 mask", indexed(lambda T: _mask(T, "uint8")), warns=UserWarning),
    Probe("bool mask", indexed(lambda T: _mask(T, "bool"))),
    Probe("select is a view", lambda T: (lambda x: (x[1].zero_(), x)[1])(T.ones(3))),
    Probe("str key", lambda T: T.ones(3)["a"], TypeError, ""),
    Probe(
        "embedding index -1",
        lambda T: T.nn.functional.embedding(T.tensor([0, -1]), T.ones(4, 2)),
        IndexError,
        "index out of range in self",
    ),
    Probe(
        "embedding index too big",
        lambda T: T.nn.functional.embedding(T.tensor([4]), T.ones(4, 2)),
        IndexError,
        "index out of range in self",
    ),
    Probe("x[0] = None", lambda T: T.ones(3).__setitem__(0, None), TypeError, "can't assign a"),
]


@pytest.mark.parametrize("probe", PROBES, ids=repr)
def test_indexing_as_torch(probe: Probe) -> None:
    check(probe)
