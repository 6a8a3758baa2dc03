"""autograd.Function: user-defined ops with torch's API, checked against torch itself."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import mini_autograd as ma


def define(T):
    """The same three custom ops, written once against the torch namespace T."""

    class Exp(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, gy):
            (y,) = ctx.saved_tensors
            return gy * y

    class ScaledMul(T.autograd.Function):
        @staticmethod
        def forward(ctx, a, b, scale):
            ctx.save_for_backward(a, b)
            ctx.scale = scale
            ctx.flags = ctx.needs_input_grad
            return a * b * scale

        @staticmethod
        def backward(ctx, gy):
            a, b = ctx.saved_tensors
            ga = gy * b * ctx.scale if ctx.needs_input_grad[0] else None
            gb = gy * a * ctx.scale if ctx.needs_input_grad[1] else None
            return ga, gb, None

    class MaxWithIndex(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            values, index = x.max(dim=1)
            ctx.mark_non_differentiable(index)
            ctx.save_for_backward(index)
            ctx.shape = x.shape
            return values, index

        @staticmethod
        def backward(ctx, g_values, g_index):
            (index,) = ctx.saved_tensors
            gx = T.zeros(ctx.shape, dtype=g_values.dtype)
            gx[T.arange(ctx.shape[0]), index] = 1.0
            return gx * g_values.unsqueeze(1)

    return Exp, ScaledMul, MaxWithIndex


def run(T):
    Exp, ScaledMul, MaxWithIndex = define(T)
    rng = np.random.default_rng(0)
    x = T.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    w = T.tensor(rng.standard_normal((3, 4)))  # no grad: needs_input_grad says so
    y = ScaledMul.apply(Exp.apply(x), w, 0.5)
    values, index = MaxWithIndex.apply(y)
    loss = (values**2).sum() + y.sum()
    (g,) = T.autograd.grad(loss, x, create_graph=True)
    (h,) = T.autograd.grad((g * g).sum(), x)
    return {
        "y": y.detach().numpy(),
        "values": values.detach().numpy(),
        "index": index.numpy(),
        "index requires grad": index.requires_grad,
        "grad": g.detach().numpy(),
        "second order": h.numpy(),
        "node": y.grad_fn.name(),
    }


def test_custom_functions_match_torch_in_values_and_first_and_second_derivatives():
    ours, theirs = run(ma), run(torch)
    assert ours.keys() == theirs.keys()
    for key in ours:
        if isinstance(ours[key], np.ndarray):
            np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-12, atol=1e-14, err_msg=key)
        else:
            assert ours[key] == theirs[key], key


def test_ctx_needs_input_grad_and_saved_tensors():
    _, ScaledMul, _ = define(ma)
    a = ma.tensor([1.0, 2.0], requires_grad=True)
    b = ma.tensor([3.0, 4.0])
    out = ScaledMul.apply(a, b, 2.0)
    assert out.grad_fn.flags == (True, False, False)
    out.sum().backward()
    assert a.grad.tolist() == [6.0, 8.0] and b.grad is None
    assert out.grad_fn.name() == "ScaledMulBackward"  # still named after backward freed it


def test_gradcheck_passes_through_a_custom_function():
    Exp, _, _ = define(ma)
    x = ma.tensor(np.linspace(-1, 1, 4), dtype=ma.float64, requires_grad=True)
    assert ma.autograd.gradcheck(Exp.apply, (x,))
    assert ma.autograd.gradgradcheck(Exp.apply, (x,))


def test_returned_gradient_never_aliases_a_saved_tensor():
    class Identity(ma.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.clone()

        @staticmethod
        def backward(ctx, gy):
            (x,) = ctx.saved_tensors
            return x  # a (wrong) gradient that is the input's own data

    x = ma.tensor([1.0, 2.0], requires_grad=True)
    Identity.apply(x).sum().backward()
    x.grad.zero_()
    assert x.tolist() == [1.0, 2.0]


@pytest.mark.parametrize("T", [ma, torch], ids=["mini_autograd", "torch"])
def test_wrong_number_of_gradients_raises_runtime_error(T):
    class Bad(T.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, gy):
            return gy

    a = T.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        Bad.apply(a, a).sum().backward()


def test_missing_backward_raises_not_implemented():
    class NoBackward(ma.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

    x = ma.tensor([1.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="backward"):
        NoBackward.apply(x).sum().backward()
