"""Whether a first-order gradient taken with create_graph=True requires grad, and its second
derivative, as torch: zero derivatives record nothing; relu's gradient is a node of x."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import mini_autograd as ma
import mini_autograd.nn.functional  # noqa: F401 - T.nn.functional in both

PROGRAMS = {
    "relu": lambda T, x: T.relu(x),
    "relu squared": lambda T, x: T.relu(x) ** 2,
    "leaky_relu slope 0": lambda T, x: T.nn.functional.leaky_relu(x, negative_slope=0.0),
    "leaky_relu": lambda T, x: T.nn.functional.leaky_relu(x, 0.1),
    "nll_loss": lambda T, x: T.nn.functional.nll_loss(x.reshape(1, 3), T.tensor([1])),
    "nll_loss sum, squared": lambda T, x: (
        T.nn.functional.nll_loss(
            x.reshape(3, 1).expand(3, 2) * x.reshape(3, 1), T.tensor([0, 1, 1]), reduction="sum"
        )
        ** 2
    ),
    "nll_loss none": lambda T, x: T.nn.functional.nll_loss(
        x.reshape(3, 1).expand(3, 2), T.tensor([0, 1, 1]), reduction="none"
    ),
    "leaky_relu squared": lambda T, x: T.nn.functional.leaky_relu(x, 0.1) ** 2,
    "exp of sign": lambda T, x: T.exp(T.sign(x)),
    "sin of ceil": lambda T, x: T.sin(T.ceil(x)),
    "floor": lambda T, x: T.floor(x) * 3,
    "round times x": lambda T, x: T.round(x) * x,
    # torch's prod backward of one element holding a zero: the empty product, a constant
    "prod of one zero": lambda T, x: T.prod(T.index_fill(x[:1], 0, T.tensor([0]), 0.0)) * x,
    # matrix_power(A, 0) is a clone overwritten by the identity (CopyBackwards): zero gradient
    "matrix_power 0": lambda T, x: T.log1p(T.matrix_power(x[:1].reshape(1, 1), 0)) * x,
    "copy_ over a clone": lambda T, x: x.clone().copy_(T.ones(3, dtype=x.dtype)).exp() * x,
}


def _first_and_second(T, fn):
    x = T.tensor(np.array([-1.5, 0.5, 2.0]), requires_grad=True)
    (g,) = T.autograd.grad(fn(T, x).sum(), x, create_graph=True)
    second = None
    if g.requires_grad:
        w = T.tensor(np.array([1.0, 2.0, 3.0]))
        (h,) = T.autograd.grad((g * w).sum(), x, allow_unused=True)
        second = None if h is None else h.detach().numpy()
    return g.requires_grad, g.detach().numpy(), second


@pytest.mark.parametrize("name", PROGRAMS)
def test_gradient_requires_grad_and_second_order_as_torch(name):
    mine = _first_and_second(ma, PROGRAMS[name])
    theirs = _first_and_second(torch, PROGRAMS[name])
    assert mine[0] == theirs[0], f"requires_grad: {mine[0]} here, {theirs[0]} in torch"
    np.testing.assert_array_equal(mine[1], theirs[1])
    if theirs[2] is None:
        assert mine[2] is None
    else:
        np.testing.assert_array_equal(mine[2], theirs[2])
