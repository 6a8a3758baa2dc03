"""The graph and backward: torch's semantics, iterative traversal, and freeing by refcount alone."""

from __future__ import annotations

import gc
import tracemalloc
import warnings
import weakref

import numpy as np
import pytest
import torch

import mini_autograd as ma


def leaf(values, dtype=None) -> ma.Tensor:
    return ma.tensor(values, dtype=dtype or ma.float64, requires_grad=True)


# --- accumulation, retention, freeing ------------------------------------------------------------


def test_leaf_grads_accumulate_across_backward_calls():
    x = leaf([1.0, 2.0])
    (x * x).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2 + 3, 4 + 3])


def test_first_grad_is_a_private_copy():
    """a + b hands the same gradient to both inputs; zeroing one must not zero the other."""
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).backward(ma.tensor([1.0, 1.0], dtype=ma.float64))
    a.grad.zero_()
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 1.0])


def test_grads_made_by_one_backward_for_two_leaves_are_not_shared():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()  # Add's backward hands the very same array to both
    a.grad.zero_()
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 1.0])
    c, d = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (c * d).sum().backward()
    c.grad.mul_(0)
    np.testing.assert_array_equal(d.grad.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(c.tolist(), [1.0, 2.0])  # nor the data it was made from


def test_a_leaf_hook_sees_the_total_gradient_once():
    x = leaf(1.0)
    seen = []
    x.register_hook(lambda g: seen.append(g.item()))
    (x * 2 + x * 3).backward()
    assert seen == [5.0] and x.grad.item() == 5.0


def test_intermediate_grads_are_dropped_unless_retained():
    x = leaf(3.0)
    y = x * x
    z = y * 2
    y.retain_grad()
    z.backward()
    assert y.retains_grad and y.grad.item() == 2.0
    assert z.grad is None and not z.retains_grad
    assert x.grad.item() == 12.0


def test_graph_is_freed_after_backward_unless_retained():
    x = leaf(2.0)
    y = ma.exp(x) * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == pytest.approx(2 * 3 * np.exp(2.0))
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_backward_of_non_scalar_needs_a_gradient():
    x = leaf([1.0, 2.0])
    y = x * 2
    with pytest.raises(
        RuntimeError, match="grad can be implicitly created only for scalar outputs"
    ):
        y.backward()
    y.backward(ma.tensor([1.0, 10.0], dtype=ma.float64))
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 20.0])


def test_backward_on_a_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ma.tensor(1.0).backward()


def test_gradient_of_wrong_shape_is_refused():
    y = leaf([1.0, 2.0]) * 2
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        y.backward(ma.tensor([1.0, 2.0, 3.0], dtype=ma.float64))


def test_broadcasting_is_undone_so_every_grad_has_its_inputs_shape():
    a = leaf(np.ones((2, 3)))
    b = leaf(np.ones(3))
    c = leaf(np.ones((2, 1)))
    s = leaf(2.0)
    ((a * b + c) * s).sum().backward()
    assert a.grad.shape == (2, 3) and b.grad.shape == (3,) and c.grad.shape == (2, 1)
    assert s.grad.shape == ()
    np.testing.assert_array_equal(b.grad.numpy(), [4.0, 4.0, 4.0])
    np.testing.assert_array_equal(c.grad.numpy(), [[6.0], [6.0]])
    assert s.grad.item() == 12.0


def test_mixed_dtype_grads_have_their_inputs_dtype():
    a = leaf([1.0, 2.0], dtype=ma.float32)
    s = leaf(3.0, dtype=ma.float64)  # 0-d: does not promote a dimensioned float32 (torch's rule)
    y = a * s
    assert y.dtype == ma.float32
    y.sum().backward()
    assert a.grad.dtype == ma.float32 and s.grad.dtype == ma.float64
    assert s.grad.item() == 3.0


def test_reused_subexpressions_and_diamonds_accumulate():
    x = leaf(3.0)
    a = x * x  # x feeds a twice
    b = a + x  # and b directly
    y = b * a  # diamond: a reaches y directly and through b
    y.backward()
    # y = (x^2 + x) x^2 = x^4 + x^3 → 4x^3 + 3x^2
    assert x.grad.item() == 4 * 27 + 3 * 9


def test_generation_order_visits_each_node_once_after_all_consumers():
    x = leaf(1.5)
    y = x
    for _ in range(5):
        y = y + y  # each node's output used twice
    y.backward()
    assert x.grad.item() == 32.0


# --- create_graph and autograd.grad --------------------------------------------------------------


def test_backward_through_poles_gives_inf_and_nan_silently_as_torch():
    def run(T):
        x = T.tensor([0.0, 1.0, 4.0], dtype=T.float64, requires_grad=True)
        y = (T.sqrt(x) + T.log(x)).sum()  # -inf, quietly
        (g,) = T.autograd.grad(y, x, create_graph=True)  # 1/0 at x = 0
        (h,) = T.autograd.grad(g.sum(), x)  # -inf, and inf * 0 inside
        return g.detach().numpy(), h.numpy()

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a numpy RuntimeWarning would fail the test
        ours = run(ma)
    for a, b in zip(ours, run(torch), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, equal_nan=True)


def test_backward_formulas_written_with_plain_operators_run_silently():
    from mini_autograd._function import Function

    class Reciprocalish(Function):
        def forward(self, x):
            return x.copy()

        def backward(self, gy, x):
            return gy / x - gy * 0 / x  # 1/0 and 0/0 on plain arrays at x = 0

    x = leaf([0.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Reciprocalish()._run(x).sum().backward()
    assert np.isnan(x.grad.numpy()[0]) and x.grad.numpy()[1] == 0.5


def test_create_graph_builds_the_graph_of_the_backward_pass():
    x = leaf(2.0)
    y = x**3
    y.backward(create_graph=True)
    g = x.grad
    assert g.requires_grad and g.grad_fn is not None
    (g2,) = ma.autograd.grad(g, x)
    assert g2.item() == 12.0  # d/dx 3x^2 = 6x


def test_autograd_grad_returns_without_accumulating():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    gx, gw = ma.autograd.grad((x * w).sum(), (x, w))
    np.testing.assert_array_equal(gx.numpy(), [3.0, 4.0])
    np.testing.assert_array_equal(gw.numpy(), [1.0, 2.0])
    assert x.grad is None and w.grad is None


def test_autograd_grad_with_respect_to_an_intermediate():
    x = leaf(2.0)
    h = x * 3
    y = h * h
    (gh,) = ma.autograd.grad(y, h)
    assert gh.item() == 12.0


def test_autograd_grad_runs_only_the_part_of_the_graph_it_needs():
    x = leaf(1.0)
    h = x * 2
    y, z = h * h, h * 3
    (gh,) = ma.autograd.grad(y, h)  # must not run (and free) h's own node
    assert gh.item() == 4.0
    z.backward()
    assert x.grad.item() == 6.0


def test_autograd_grad_unused_inputs():
    x, unused = leaf(1.0), leaf(1.0)
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        ma.autograd.grad(x * 2, (x, unused))
    gx, gu = ma.autograd.grad(x * 2, (x, unused), allow_unused=True)
    assert gx.item() == 2.0 and gu is None
    _, gz = ma.autograd.grad(x * 2, (x, unused), materialize_grads=True)
    assert gz.item() == 0.0


def test_autograd_grad_refuses_inputs_without_grad():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ma.autograd.grad(leaf(1.0) * 2, ma.tensor(1.0))


def test_backward_inputs_accumulates_only_into_them():
    x, w = leaf(2.0), leaf(5.0)
    (x * w).backward(inputs=[w])
    assert w.grad.item() == 2.0 and x.grad is None


def test_hooks_see_and_may_replace_gradients_as_torch():
    def run(T):
        x = T.tensor([1.0, 2.0], dtype=T.float64, requires_grad=True)
        y = x * 3
        seen = []
        y.register_hook(lambda g: seen.append(g.tolist()) or g * 10)
        x.register_hook(lambda g: seen.append(g.tolist()))
        (y * y).sum().backward()
        return seen, x.grad.tolist()

    assert run(ma) == run(torch)


def test_grad_fn_and_next_functions_describe_the_graph_like_torch():
    def describe(T):
        x = T.tensor(1.0, requires_grad=True)
        y = T.exp(x) * x + 2
        names, frontier = [], [y.grad_fn]
        while frontier:
            fn = frontier.pop(0)
            names.append(fn.name())
            frontier.extend(f for f, _ in fn.next_functions if f is not None)
        return names

    assert describe(ma) == describe(torch)


# --- grad mode -----------------------------------------------------------------------------------


def test_no_grad_as_context_manager_and_decorator():
    x = leaf(1.0)
    with ma.no_grad():
        assert not ma.is_grad_enabled()
        assert not (x * 2).requires_grad
        with ma.enable_grad():
            assert (x * 2).requires_grad
    assert ma.is_grad_enabled()

    @ma.no_grad()
    def f(t):
        return t * 2

    @ma.no_grad
    def g(t):
        return t * 2

    assert not f(x).requires_grad and not g(x).requires_grad
    assert ma.is_grad_enabled()


def test_set_grad_enabled_as_call_context_and_decorator():
    x = leaf(1.0)
    ma.set_grad_enabled(False)
    assert not (x * 2).requires_grad
    ma.set_grad_enabled(True)
    with ma.set_grad_enabled(False):
        assert not ma.is_grad_enabled()
    assert ma.is_grad_enabled()

    @ma.set_grad_enabled(False)
    def f(t):
        return t * 2

    assert ma.is_grad_enabled()
    assert not f(x).requires_grad
    with ma.no_grad(), ma.enable_grad():
        assert ma.is_grad_enabled()


def test_grad_mode_is_restored_after_an_exception():
    with pytest.raises(ValueError), ma.no_grad():
        raise ValueError
    assert ma.is_grad_enabled()


# --- iteration and memory ------------------------------------------------------------------------


def test_a_million_op_chain_backpropagates_without_recursion():
    x = leaf(0.5)
    y = x
    for _ in range(10**6):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_dropping_the_output_frees_the_graph_with_the_cycle_collector_off():
    gc.collect()
    gc.disable()
    try:
        x = leaf(np.ones(3))
        h = ma.tanh(x) * 2
        fn_ref = weakref.ref(h.grad_fn)
        y = (h * ma.exp(h)).sum()
        h_ref, y_fn_ref = weakref.ref(h), weakref.ref(y.grad_fn)
        del h
        assert h_ref() is not None  # held by the graph
        del y
        assert h_ref() is None and fn_ref() is None and y_fn_ref() is None
    finally:
        gc.enable()


def test_backward_frees_saved_values_and_leaves_no_cycles():
    gc.collect()
    gc.disable()
    try:
        x = leaf(np.ones(4))
        y = (ma.sigmoid(x) * x).sum()
        y.backward()
        # released by backward: the structure stays walkable, saved values are gone (the inputs
        # are stubs of their shape holding no memory), as torch's
        ((mul, _),) = y.grad_fn.next_functions
        assert mul.name() == "MulBackward0" and mul.needs_input_grad is None
        big = leaf(np.ones(10_000))
        y = (big * 2).sum()
        y.backward()
        assert y.grad_fn.inputs[0]._data.strides == (0,)  # a stub of big * 2
        x_grad_ref = weakref.ref(x.grad)
        x.grad = None
        assert x_grad_ref() is None
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_repeated_training_steps_do_not_grow_memory():
    rng = np.random.default_rng(0)
    w = leaf(rng.standard_normal((20, 20)))
    data = ma.tensor(rng.standard_normal((16, 20)), dtype=ma.float64)

    def step():
        loss = (ma.tanh(data @ w) ** 2).mean()
        w.grad = None
        loss.backward()
        with ma.no_grad():
            w.sub_(0.01 * w.grad)

    for _ in range(20):
        step()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for _ in range(400):
        step()
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    # one leaked graph a step would be > 3 kB a step (1.2 MB in all); allow noise of caches
    assert grown < 100_000, f"memory grew by {grown} bytes over 400 steps"


# --- checking tools ------------------------------------------------------------------------------


def test_gradcheck_and_gradgradcheck_pass_on_correct_ops():
    x = leaf(np.linspace(-1, 1, 5))
    w = leaf(np.linspace(0.5, 2, 5))
    f = lambda a, b: ma.tanh(a * b) * ma.exp(a) + ma.sin(b) / (1 + a**2)  # noqa: E731
    assert ma.autograd.gradcheck(f, (x, w))
    assert ma.autograd.gradgradcheck(f, (x, w))


def test_gradcheck_handles_outputs_that_share_memory_with_inputs():
    x = leaf(np.arange(6.0).reshape(2, 3))
    assert ma.autograd.gradcheck(lambda t: t.reshape(-1), (x,))
    assert ma.autograd.gradgradcheck(lambda a, b: a + b, (x, leaf(np.ones((2, 3)))))


def test_gradcheck_catches_a_wrong_derivative():
    from mini_autograd._function import Function

    class WrongSquare(Function):
        def forward(self, x):
            return x * x

        def backward(self, gy, x):
            return gy * x  # should be 2x

    x = leaf([0.3, 0.7])
    with pytest.raises(ma.autograd.GradcheckError, match="Jacobian mismatch for output 0"):
        ma.autograd.gradcheck(lambda t: WrongSquare()._run(t), (x,))
    assert not ma.autograd.gradcheck(lambda t: WrongSquare()._run(t), (x,), raise_exception=False)
