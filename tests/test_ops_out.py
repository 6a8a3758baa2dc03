"""torch's `out=` keyword (issue 13): the result written into `out`, `out` itself returned, a
wrong-shaped `out` resized with torch's warning, torch's dtype rules and its refusal to
differentiate, the version counter bumped and no grad_fn left on `out`."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import mini_autograd as ma

A = np.linspace(-1.5, 2.0, 12, dtype=np.float32).reshape(3, 4)
B = np.linspace(0.5, 3.0, 12, dtype=np.float32).reshape(3, 4)
P = np.linspace(0.1, 0.9, 12, dtype=np.float32).reshape(3, 4)  # inside asin's domain

# name -> call(T, a, b, p, out): the same call under torch and mini_autograd
OPS = {
    "add": lambda T, a, b, p, o: T.add(a, b, alpha=2, out=o),
    "sub": lambda T, a, b, p, o: T.sub(a, b, out=o),
    "mul": lambda T, a, b, p, o: T.mul(a, 3.0, out=o),
    "div": lambda T, a, b, p, o: T.div(a, b, out=o),
    "pow": lambda T, a, b, p, o: T.pow(b, 2, out=o),
    "exp": lambda T, a, b, p, o: T.exp(a, out=o),
    "log": lambda T, a, b, p, o: T.log(b, out=o),
    "sin": lambda T, a, b, p, o: T.sin(a, out=o),
    "cos": lambda T, a, b, p, o: T.cos(a, out=o),
    "tanh": lambda T, a, b, p, o: T.tanh(a, out=o),
    "sqrt": lambda T, a, b, p, o: T.sqrt(b, out=o),
    "abs": lambda T, a, b, p, o: T.abs(a, out=o),
    "neg": lambda T, a, b, p, o: T.neg(a, out=o),
    "sigmoid": lambda T, a, b, p, o: T.sigmoid(a, out=o),
    "asin": lambda T, a, b, p, o: T.asin(p, out=o),
    "atan2": lambda T, a, b, p, o: T.atan2(a, b, out=o),
    "clamp": lambda T, a, b, p, o: T.clamp(a, -0.5, 0.5, out=o),
    "maximum": lambda T, a, b, p, o: T.maximum(a, b, out=o),
    "minimum": lambda T, a, b, p, o: T.minimum(a, b, out=o),
    "where": lambda T, a, b, p, o: T.where(a > 0, a, b, out=o),
    "sum": lambda T, a, b, p, o: T.sum(a, 1, out=o),
    "mean": lambda T, a, b, p, o: T.mean(a, 0, keepdim=True, out=o),
    "prod": lambda T, a, b, p, o: T.prod(b, 1, out=o),
    "amax": lambda T, a, b, p, o: T.amax(a, 1, out=o),
    "amin": lambda T, a, b, p, o: T.amin(a, 0, out=o),
    "std": lambda T, a, b, p, o: T.std(a, 1, out=o),
    "var": lambda T, a, b, p, o: T.var(a, 0, out=o),
    "logsumexp": lambda T, a, b, p, o: T.logsumexp(a, 1, out=o),
    "cumsum": lambda T, a, b, p, o: T.cumsum(a, 1, out=o),
    "matmul": lambda T, a, b, p, o: T.matmul(a, b.t(), out=o),
    "mm": lambda T, a, b, p, o: T.mm(a.t(), b, out=o),
    "bmm": lambda T, a, b, p, o: T.bmm(a.reshape(1, 3, 4), b.reshape(1, 4, 3), out=o),
    "cat": lambda T, a, b, p, o: T.cat([a, b], 1, out=o),
    "stack": lambda T, a, b, p, o: T.stack([a, b], out=o),
    "zeros": lambda T, a, b, p, o: T.zeros(2, 3, out=o),
    "ones": lambda T, a, b, p, o: T.ones((4,), out=o),
    "arange": lambda T, a, b, p, o: T.arange(1.0, 3.0, 0.5, out=o),
    "linspace": lambda T, a, b, p, o: T.linspace(0, 1, 5, out=o),
    "full": lambda T, a, b, p, o: T.full((2, 2), 1.5, out=o),
    "empty": lambda T, a, b, p, o: T.empty(2, out=o).zero_(),
    "eye": lambda T, a, b, p, o: T.eye(3, out=o),
}
RANDOM = {
    "rand": lambda T, o: T.rand(2, 3, out=o),
    "randn": lambda T, o: T.randn(4, out=o),
}
FLOAT_ONLY = [n for n in OPS if n not in ("zeros", "ones", "arange", "full", "empty", "eye")]


def run(T, name, out):
    a, b, p = (T.tensor(v) for v in (A, B, P))
    return OPS[name](T, a, b, p, out)


def expected(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run(torch, name, torch.empty(0)).numpy()


@pytest.mark.parametrize("name", OPS)
def test_values_and_identity(name):
    want = expected(name)
    out = ma.empty(*want.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the right shape: no warning
        got = run(ma, name, out)
    if name != "empty":
        assert got is out
    assert out.shape == want.shape and out.dtype == ma.float32
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-6, atol=1e-6)
    assert out.grad_fn is None and not out.requires_grad
    assert out._version >= 1


@pytest.mark.parametrize("name", OPS)
def test_empty_out_resized_silently(name):
    want = expected(name)
    out = ma.empty(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run(ma, name, out)
    assert out.shape == want.shape
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-6, atol=1e-6)


CREATION = ("zeros", "ones", "arange", "linspace", "full", "empty", "eye")


@pytest.mark.parametrize("name", [n for n in OPS if n not in CREATION])
def test_wrong_shape_resized_with_torch_warning(name):
    want = expected(name)
    for T in (torch, ma):
        out = T.empty(7)
        with pytest.warns(UserWarning, match="An output with one or more elements was resized"):
            run(T, name, out)
        assert tuple(out.shape) == want.shape
    with pytest.warns(UserWarning) as record:
        run(ma, name, ma.empty(7))
    assert "since it had shape [7], which does not match the required output shape" in str(
        record[0].message
    )
    assert record[0].filename == __file__  # points at the caller, as torch's


@pytest.mark.parametrize("name", CREATION)
def test_creation_resizes_silently_but_arange(name):
    want = expected(name)
    for T in (torch, ma):
        out = T.empty(7)
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            run(T, name, out)
        assert tuple(out.shape) == want.shape
        if name == "arange":
            assert str(record[0].message).startswith(
                "The number of elements in the out tensor of shape [7] is 7 which does not match "
                "the computed number of elements 4. Note that this may occur as a result of "
                "rounding error. The out tensor will be resized to a tensor of shape (4,)."
            )
        else:
            assert not record


def test_arange_keeps_shape_of_same_size_out():
    for T in (torch, ma):
        out = T.empty(2, 2)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert T.arange(4.0, out=out) is out
        assert tuple(out.shape) == (2, 2) and out.numpy().tolist() == [[0, 1], [2, 3]]


@pytest.mark.parametrize("name", FLOAT_ONLY)
def test_float_result_into_long_out(name):
    """torch's rule per kernel: refused with its message, or cast (sum, prod, cumsum)."""
    results = []
    for T in (torch, ma):
        out = T.empty(0, dtype=T.int64)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                run(T, name, out)
        except (RuntimeError, TypeError) as e:
            results.append((type(e), str(e).split("\n")[0]))
        else:
            results.append(out.numpy().tolist())
    assert results[0] == results[1]


@pytest.mark.parametrize("name", FLOAT_ONLY)
def test_float32_result_into_float64_out(name):
    results = []
    for T in (torch, ma):
        out = T.empty(0, dtype=T.float64)
        try:
            run(T, name, out)
        except RuntimeError as e:
            results.append(str(e))
        else:
            assert out.dtype == T.float64
            results.append(np.round(out.numpy(), 5).tolist())
    assert results[0] == results[1]


@pytest.mark.parametrize("name", [n for n in FLOAT_ONLY if n != "linspace"])
def test_refuses_autograd(name):
    for T in (torch, ma):
        a, b, p = (T.tensor(v, requires_grad=True) for v in (A, B, P))
        with pytest.raises(RuntimeError) as err:
            OPS[name](T, a, b, p, T.empty(0))
        assert (
            "don't support automatic differentiation, but one of the arguments requires grad"
            in (str(err.value))
        )
        assert str(err.value).startswith(f"{name}():")


@pytest.mark.parametrize("name", ["add", "sum", "matmul", "cat", "zeros"])
def test_out_requiring_grad_refused_in_grad_mode_fine_without(name):
    for T in (torch, ma):
        out = T.empty(0, requires_grad=True)
        with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
            run(T, name, out)
    for T in (torch, ma):
        a, b, p = (T.tensor(v, requires_grad=True) for v in (A, B, P))
        out = T.empty(0, requires_grad=True)
        with T.no_grad():
            got = OPS[name](T, a, b, p, out)
        assert got is out and out.grad_fn is None


def test_views_of_out_see_the_write_and_versions_bump():
    for T in (torch, ma):
        out = T.zeros(3, 4)
        row = out[1]
        v = out._version
        T.add(T.tensor(A), 1, out=out)
        assert out._version == v + 1 == row._version
        np.testing.assert_allclose(row.numpy(), A[1] + 1)


def test_version_carried_over_a_resize():
    for T in (torch, ma):
        out = T.zeros(2)
        out.add_(1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            T.exp(T.tensor(A), out=out)
        assert out._version == 2


def test_saved_out_modified_is_detected():
    """out= is a write: a graph that saved the tensor notices it, as torch's."""
    for T in (torch, ma):
        x = T.tensor(A, requires_grad=True)
        y = x.detach().clone()
        z = (x * y).sum()
        with T.no_grad():
            T.mul(y, 2, out=y)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.backward()


def test_max_min_dim_out_tuple():
    for op in ("max", "min"):
        tv, ti = torch.empty(0), torch.empty(0, dtype=torch.int64)
        want = getattr(torch, op)(torch.tensor(A), 1, out=(tv, ti))
        mv, mi = ma.empty(0), ma.empty(0, dtype=ma.int64)
        got = getattr(ma, op)(ma.tensor(A), 1, out=(mv, mi))
        assert got.values is mv and got.indices is mi
        assert type(got).__name__ == op
        np.testing.assert_allclose(mv.numpy(), want.values.numpy())
        np.testing.assert_array_equal(mi.numpy(), want.indices.numpy())
        for T in (torch, ma):
            with pytest.raises(RuntimeError, match="Expected out tensor to have dtype long int"):
                getattr(T, op)(T.tensor(A), 1, out=(T.empty(0), T.empty(0, dtype=T.int32)))


def test_int_results_and_casts():
    for T in (torch, ma):
        i = T.arange(6)
        out = T.empty(0)
        T.add(i, 1, out=out)  # int64 into float32: allowed
        assert out.dtype == T.float32 and out.numpy().tolist() == [1, 2, 3, 4, 5, 6]
        out = T.empty(0, dtype=T.int32)
        T.mul(i, i, out=out)
        assert out.dtype == T.int32 and out.numpy().tolist() == [0, 1, 4, 9, 16, 25]
        with pytest.raises(RuntimeError, match="result type Long can't be cast to the desired"):
            T.add(i, 1, out=T.empty(0, dtype=T.bool))


@pytest.mark.parametrize("name", ["zeros", "ones", "arange", "full", "eye", "empty"])
def test_creation_takes_out_dtype(name):
    got = []
    for T in (torch, ma):
        out = T.empty(0, dtype=T.int64)
        if name == "arange":
            T.arange(5, out=out)
        elif name == "full":
            T.full((2,), 7, out=out)
        elif name == "eye":
            T.eye(2, out=out)
        else:
            getattr(T, name)(3, out=out)
        assert out.dtype == T.int64
        got.append(out.numpy().tolist() if name != "empty" else out.shape[0])
        with pytest.raises(
            RuntimeError, match="dtype Double does not match dtype of out parameter"
        ):
            T.zeros(2, dtype=T.float64, out=T.empty(0))
    assert got[0] == got[1]


@pytest.mark.parametrize("name", RANDOM)
def test_random_creation_into_out(name):
    out = ma.empty(0, dtype=ma.float64)
    got = RANDOM[name](ma, out)
    assert got is out and out.dtype == ma.float64 and out.numel() in (4, 6)


def test_methods_take_no_out():
    """torch's Tensor methods have no out=; neither do ours (only torch.X)."""
    x = ma.tensor(A)
    with pytest.raises(TypeError):
        x.add(x, out=ma.empty(0))
    with pytest.raises(TypeError):
        torch.tensor(A).add(torch.tensor(A), out=torch.empty(0))


def test_without_out_unchanged():
    x = ma.tensor(A, requires_grad=True)
    y = ma.add(x, 1)
    assert y.grad_fn is not None
    s = ma.sum(x, dim=0)
    assert s.requires_grad
    assert ma.zeros(2).dtype == ma.float32


def test_out_aliasing_an_input_and_a_strided_view():
    got = []
    for T in (torch, ma):
        x = T.tensor(A)
        assert T.mul(x, x, out=x) is x  # out is an input: read before written, as torch
        base = T.zeros(4, 3)
        view = base.t()  # (3, 4), not contiguous: written in place through the view
        T.add(T.tensor(A), 1, out=view)
        got.append((x.numpy().tolist(), base.numpy().tolist(), base._version))
    assert got[0] == got[1]


def test_numpy_names_with_out():
    for T in (torch, ma):
        out = T.empty(0)
        assert T.sum(T.tensor(A), axis=1, keepdims=True, out=out) is out
        assert tuple(out.shape) == (3, 1)
        np.testing.assert_allclose(out.numpy(), A.sum(1, keepdims=True), rtol=1e-6)
