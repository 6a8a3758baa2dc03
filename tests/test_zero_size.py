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


@pytest.mark.parametrize("x_shape, norm", [((3, 0), (0,)), ((2, 0, 4), (0, 4)), ((0, 5), (5,))])
def test_layer_norm_over_zero_size_shapes_matches_torch(x_shape, norm):
    rng = np.random.default_rng(1)
    x_np, w_np = rng.standard_normal(x_shape), rng.standard_normal(norm)
    got = {}
    for T in (ma, torch):
        x = T.tensor(x_np, requires_grad=True)
        w = T.tensor(w_np, requires_grad=True)
        b = T.tensor(w_np * 0.5, requires_grad=True)
        out = T.nn.functional.layer_norm(x, norm, w, b)
        out.sum().backward()
        got[T.__name__] = (tuple(out.shape), x.grad.numpy(), w.grad.numpy(), b.grad.numpy())
    mine, theirs = got["mini_autograd"], got["torch"]
    assert mine[0] == theirs[0]
    for a, e in zip(mine[1:], theirs[1:], strict=True):
        np.testing.assert_allclose(a, e, atol=1e-12)
