"""Zero-size inputs through the ops where the fuzzer found them failing, against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import mini_autograd as ma


@pytest.mark.parametrize(
    "x_shape, w_shape",
    [((4, 0), (4, 0)), ((0, 3), (0, 3)), ((2, 0, 5), (3, 5)), ((0, 5), (3, 5))],
)
def test_linear_backward_on_zero_size_inputs_matches_torch(x_shape, w_shape):
    rng = np.random.default_rng(0)
    x_np, w_np = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    grads = {}
    for T in (ma, torch):
        x = T.tensor(x_np, requires_grad=True)
        w = T.tensor(w_np, requires_grad=True)
        out = T.nn.functional.linear(x, w)
        (out * 2).sum().backward()
        grads[T.__name__] = (tuple(out.shape), x.grad.numpy(), w.grad.numpy())
    (ms, mx, mw), (ts, tx, tw) = grads["mini_autograd"], grads["torch"]
    assert ms == ts
    np.testing.assert_array_equal(mx, tx)
    np.testing.assert_array_equal(mw, tw)
