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


#: ops on a zero-size input x (float64), each returning one differentiable tensor
EMPTY_OPS = {
    "cumsum": lambda T, x: T.cumsum(x, 0),
    "cumsum dim 1": lambda T, x: T.cumsum(x, -1),
    "cumprod": lambda T, x: T.cumprod(x, 0),
    "cumprod dim 1": lambda T, x: T.cumprod(x, -1),
    "cummax": lambda T, x: T.cummax(x, 0)[0],
    "cummax dim 1": lambda T, x: T.cummax(x, -1)[0],
    "cummin": lambda T, x: T.cummin(x, 0)[0],
    "cummin dim 1": lambda T, x: T.cummin(x, -1)[0],
    "logcumsumexp": lambda T, x: T.logcumsumexp(x, 0),
    "logcumsumexp dim 1": lambda T, x: T.logcumsumexp(x, -1),
    "sort": lambda T, x: T.sort(x, 0)[0],
    "sort descending": lambda T, x: T.sort(x, -1, descending=True)[0],
    "msort": lambda T, x: T.msort(x),
    "topk 0": lambda T, x: T.topk(x, 0, 0)[0],
    "flip": lambda T, x: x.flip(0),
    "roll": lambda T, x: x.roll(1, 0),
    "sum": lambda T, x: x.sum(0),
    "prod": lambda T, x: x.prod(0),
    "mean": lambda T, x: x.mean(0),
    "logsumexp": lambda T, x: T.logsumexp(x, 0),
    "softmax": lambda T, x: T.softmax(x, -1),
    "exp": lambda T, x: x.exp(),
    "relu": lambda T, x: x.relu(),
    "x @ x.T": lambda T, x: x @ (x.mT if x.ndim == 2 else x),
    "index_select": lambda T, x: x.index_select(0, T.zeros(0, dtype=T.long)),
}


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0,)], ids=str)
@pytest.mark.parametrize("through", ["leaf", "x * 2"])
@pytest.mark.parametrize("name", EMPTY_OPS)
def test_empty_gradient_requires_grad_as_torch(name, through, shape):
    """autograd.grad(create_graph=True) of an op on zero-size input: the (empty) gradient
    requires grad, is the input itself, or is a constant exactly as in torch (cummax's backward
    returns its input; logcumsumexp's and cumprod's pass the empty gradient through)."""
    got = {}
    for T in (ma, torch):
        x0 = T.zeros(shape, dtype=T.float64, requires_grad=True)
        x = x0 if through == "leaf" else x0 * 2
        (g,) = T.autograd.grad(EMPTY_OPS[name](T, x).sum(), x0, create_graph=True)
        got[T.__name__] = (tuple(g.shape), g.requires_grad, g is x0, g.grad_fn is None)
    assert got["mini_autograd"] == got["torch"]


@pytest.mark.parametrize(
    "power", [lambda T, x: T.square(x), lambda T, x: x**2, lambda T, x: x**3.0]
)
def test_powers_of_an_empty_tensor_backward_as_torch(power):
    """The squaring backward's one-pass path for a broadcast upstream gradient skips empty ones."""
    for T in (torch, ma):
        x = T.zeros(0, 3, dtype=T.float64, requires_grad=True)
        power(T, x).sum().backward()
        assert tuple(x.grad.shape) == (0, 3)


EMPTY_PROGRAMS = {
    "cat of 1-D empties, then log2": lambda T, x: T.log2(T.cat([x, x], 0)),
    "cat of x and sqrt(x)": lambda T, x: T.cat([x, T.sqrt(x)], 0),
    "layer_norm over an empty shape": lambda T, x: T.nn.functional.layer_norm(
        x.reshape(1, 0), (0,), eps=0.0
    ),
}


@pytest.mark.parametrize("name", EMPTY_PROGRAMS)
def test_create_graph_gradient_of_empty_programs_requires_grad_as_torch(name):
    """torch's cat gives a 1-D empty input a constant gradient (its legacy rule); what comes
    after decides whether the whole gradient is a node of x (fuzz finds)."""

    def requires(T):
        x = T.zeros(0, dtype=T.float64, requires_grad=True)
        y = EMPTY_PROGRAMS[name](T, x)
        (g,) = T.autograd.grad(y, x, T.ones(y.shape, dtype=T.float64), create_graph=True)
        return g.requires_grad, tuple(g.shape)

    assert requires(ma) == requires(torch)
