"""Memory layout as torch's: which results are contiguous, so that .view() works where torch's does
(and `x.t().contiguous().view(-1)`, the common idiom)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import mini_autograd as ma

#: results of ops on a transposed (non-contiguous) input; flip and sort are left out: torch keeps
#: their input's strides, ours are C-ordered (view() works here where torch's raises)
OPS = {
    "t": lambda T, x, t: t,
    "t*2": lambda T, x, t: t * 2,
    "contiguous": lambda T, x, t: t.contiguous(),
    "tril": lambda T, x, t: T.tril(t),
    "triu": lambda T, x, t: T.triu(t),
    "clone": lambda T, x, t: t.clone(),
    "exp": lambda T, x, t: T.exp(t),
    "sum0": lambda T, x, t: t.sum(0),
    "where": lambda T, x, t: T.where(t > 0, t, t * 0),
    "softmax": lambda T, x, t: t.softmax(1),
    "log_softmax": lambda T, x, t: t.log_softmax(1),
    "matmul": lambda T, x, t: t @ x,
    "cat": lambda T, x, t: T.cat([t, t]),
    "reshape": lambda T, x, t: t.reshape(12),
    "cumsum": lambda T, x, t: t.cumsum(0),
    "pad": lambda T, x, t: T.nn.functional.pad(t, (1, 1)),
    "masked_fill": lambda T, x, t: t.masked_fill(t > 3, 0.0),
    "roll": lambda T, x, t: t.roll(1, 0),
    "permute": lambda T, x, t: x.permute(1, 0),
    "step slice": lambda T, x, t: x[::2],
    "column": lambda T, x, t: x[:, 1],
    "expand": lambda T, x, t: x[:1].expand(3, 4),
    "mean0": lambda T, x, t: t.mean(0),
    "clamp": lambda T, x, t: t.clamp(0, 5),
}


def _layout(T, make):
    x = T.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    y = make(T, x, x.t())
    try:
        y.view(-1)
        viewable = True
    except RuntimeError:
        viewable = False
    return y.is_contiguous(), viewable


@pytest.mark.parametrize("name", OPS)
def test_contiguity_and_view_as_torch(name):
    assert _layout(ma, OPS[name]) == _layout(torch, OPS[name])


def test_contiguous_copies_a_transpose_and_the_view_of_it_backpropagates():
    for T in (torch, ma):
        x = T.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
        c = x.t().contiguous()
        assert c.is_contiguous() and type(c.grad_fn).__name__ == "CloneBackward0"
        assert x.contiguous() is x
        (c.view(-1) * T.arange(12.0, dtype=T.float64)).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), np.arange(12.0).reshape(4, 3).T)
