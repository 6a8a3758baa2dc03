"""Small API gaps closed as torch: scalar where, bool `-`, sum_to_size, torch's warnings."""

from __future__ import annotations

from typing import Any

import pytest
from semantics import Probe, check


def mask(T: Any) -> Any:
    return T.tensor([True, False])


def non_leaf_grad(T: Any) -> Any:
    y = T.ones(2, requires_grad=True) * 2
    return y.grad


def retained_grad(T: Any) -> Any:
    y = T.ones(2, requires_grad=True) * 2
    y.retain_grad()
    y.sum().backward()
    return y.grad


PROBES = [
    Probe("where(c, 1., 0.)", lambda T: T.where(mask(T), 1.0, 0.0)),
    Probe("where(c, 1, 0)", lambda T: T.where(mask(T), 1, 0)),
    Probe("where(c, True, False)", lambda T: T.where(mask(T), True, False)),
    Probe("where(c, 1, 0.5)", lambda T: T.where(mask(T), 1, 0.5)),
    Probe("-bool", lambda T: -mask(T), RuntimeError, "Negation, the `-` operator, on a bool"),
    Probe("bool - bool", lambda T: mask(T) - mask(T), RuntimeError, "with two bool tensors"),
    Probe("sum_to_size(3) of (2, 3)", lambda T: T.ones(2, 3).sum_to_size(3)),
    Probe("sum_to_size(2, 1)", lambda T: T.ones(2, 3).sum_to_size(2, 1)),
    Probe(
        "sum_to_size(4) of (2, 3)",
        lambda T: T.ones(2, 3).sum_to_size(4),
        RuntimeError,
        r"size \{\[4\]\} is not expandable to size \{\[2, 3\]\}",
    ),
    Probe(
        "sum_to_size(1, 1, 3) of (2, 3)",
        lambda T: T.ones(2, 3).sum_to_size(1, 1, 3),
        RuntimeError,
        "is not expandable",
    ),
    Probe(".grad of a non-leaf warns", non_leaf_grad, warns=UserWarning),
    Probe(".grad of a retained non-leaf", retained_grad),
    Probe(".T of a 3-d tensor warns", lambda T: T.ones(2, 3, 4).T, warns=UserWarning),
    Probe(".T of a 0-d tensor warns", lambda T: T.ones(()).T, warns=UserWarning),
    Probe(".T of a 1-d tensor", lambda T: T.ones(3).T),
]


@pytest.mark.parametrize("probe", PROBES, ids=repr)
def test_api_as_torch(probe: Probe) -> None:
    check(probe)
