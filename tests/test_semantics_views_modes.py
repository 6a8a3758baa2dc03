"""Writes through views torch refuses, against torch: views made with grad mode off and written
in place with it on (torch's "A view was created in no_grad mode ..." and its "view of a view"
form), and the outputs of split/chunk/unbind (several views of one base), with the message text;
and the graph of a write through a view that is no slice (node names, next_functions, versions,
gradients, create_graph second derivatives)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch

import mini_autograd as ma

NO_GRAD_VIEWS = {
    "t": lambda b: b.t(),
    "x[0]": lambda b: b[0],
    "diagonal": lambda b: b.diagonal(),
    "view": lambda b: b.view(12),
    "t()[0]": lambda b: b.t()[0],
    "unfold": lambda b: b.unfold(1, 2, 2),
    "expand": lambda b: b[:1].expand(3, 4),
}


def _writes(T: Any) -> dict[str, Any]:
    return {
        "add_(1)": lambda v: v.add_(1.0),
        "add_(requires grad)": lambda v: v.add_(
            T.ones(v.shape, dtype=T.float64, requires_grad=True)
        ),
        "a view of it written": lambda v: v.reshape(-1)[0:1].add_(1.0),
        "fill_": lambda v: v.fill_(2.0),
    }


def _base(T: Any, source: str) -> Any:
    x = T.tensor(np.arange(12.0).reshape(3, 4), dtype=T.float64, requires_grad=True)
    return {"graph": lambda: x * 1, "leaf": lambda: x, "plain": lambda: x.detach().clone()}[
        source
    ]()


def _outcome(fn: Any) -> tuple:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ("ok", fn())
        except RuntimeError as err:
            return ("RuntimeError", str(err))


def no_grad_program(T: Any, view: str, write: str, source: str) -> tuple:
    def run() -> Any:
        b = _base(T, source)
        with T.no_grad():
            v = NO_GRAD_VIEWS[view](b)
        _writes(T)[write](v)
        return b._version, v._version, b.tolist()

    return _outcome(run)


@pytest.mark.parametrize("source", ["graph", "leaf", "plain"])
@pytest.mark.parametrize("write", list(_writes(torch)))
@pytest.mark.parametrize("view", list(NO_GRAD_VIEWS))
def test_a_view_made_in_no_grad_written_with_grad_mode_on_as_torch(
    view: str, write: str, source: str
) -> None:
    want = no_grad_program(torch, view, write, source)
    if want[0] == "RuntimeError" and "view size is not compatible" in want[1]:
        pytest.skip("torch's view() of a non-contiguous tensor refuses")
    assert no_grad_program(ma, view, write, source) == want


def test_a_view_made_and_written_in_no_grad_is_a_plain_write() -> None:
    for T in (torch, ma):
        b = _base(T, "graph")
        with T.no_grad():
            v = b.t()
            v.add_(1.0)
        assert (b._version, b.grad_fn.name()) == (1, "MulBackward0")


MULTI = {
    "split": lambda b: b.split(2, 1)[0],
    "split sizes": lambda b: b.split([1, 3], 1)[1],
    "chunk": lambda b: b.chunk(2, 1)[1],
    "unbind": lambda b: b.unbind(0)[2],
}


@pytest.mark.parametrize("source", ["graph", "leaf"])
@pytest.mark.parametrize("view", list(MULTI))
def test_multi_output_views_refuse_in_place_writes_with_torchs_message(
    view: str, source: str
) -> None:
    def program(T: Any) -> tuple:
        def run() -> Any:
            v = MULTI[view](_base(T, source))
            name = v.grad_fn.name()
            v.mul_(2.0)
            return name

        return _outcome(run) + (MULTI[view](_base(T, source)).grad_fn.name(),)

    assert program(ma) == program(torch)


VIEWS = {
    "transpose": lambda b: b.transpose(0, 1),
    "diagonal": lambda b: b.diagonal(),
    "view": lambda b: b.view(12),
    "unsqueeze": lambda b: b.unsqueeze(0),
    "unfold": lambda b: b.unfold(1, 2, 2),
    "permute of a slice": lambda b: b[1:].permute(1, 0),
    "t().t()": lambda b: b.t().t(),
}


def graph_program(T: Any, view: str) -> tuple:
    """b = x * w; u = b.t() (another view); v = view(b); v.mul_(y); then the graph's names, the
    gradients of x and y and torch's create_graph second derivative of x."""
    x = T.tensor(np.linspace(-1, 1, 12).reshape(3, 4), dtype=T.float64, requires_grad=True)
    b = x * x
    u = b.t()
    v = VIEWS[view](b)
    y = T.tensor(np.linspace(0.5, 2, v.numel()).reshape(v.shape), dtype=T.float64)
    y.requires_grad_()
    v.mul_(y)
    names = (
        b.grad_fn.name().split("::")[-1],
        v.grad_fn.name(),
        u.grad_fn.name(),
        [f[0].name().split("::")[-1] if f[0] else None for f in b.grad_fn.next_functions][:1],
        b._version,
        v._version,
    )
    loss = (b * b).sum() + (v * v * v).sum() + (u * 3).sum()
    gx, gy = T.autograd.grad(loss, (x, y), create_graph=True)
    (ggx,) = T.autograd.grad(gx.sum() + gy.sum(), (x,))
    return names, b.tolist(), gx.tolist(), gy.tolist(), ggx.tolist()


def _close(a: Any, b: Any) -> None:
    assert a[0] == b[0]
    for p, q in zip(a[1:], b[1:], strict=True):
        np.testing.assert_allclose(np.array(p), np.array(q), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("view", list(VIEWS))
def test_a_write_through_a_view_of_the_graph_as_torch(view: str) -> None:
    _close(graph_program(ma, view), graph_program(torch, view))


def test_gradients_through_a_transposed_write_match_finite_differences() -> None:
    def program(T: Any, xs: np.ndarray, grad: bool) -> Any:
        x = T.tensor(xs, dtype=T.float64, requires_grad=grad)
        b = x * 2
        v = b.t()
        v[1].mul_((x[:, 0] * 3).cos())
        v.diagonal().add_(x[:, 1].sin())
        loss = (b * b).sum() + v.exp().sum()
        if not grad:
            return float(loss.item())
        loss.backward()
        return x.grad.tolist()

    xs = np.linspace(-1, 1, 6).reshape(2, 3)
    eps, fd = 1e-6, np.zeros_like(xs)
    for i in np.ndindex(xs.shape):
        d = np.zeros_like(xs)
        d[i] = eps
        fd[i] = (program(ma, xs + d, False) - program(ma, xs - d, False)) / (2 * eps)
    got = np.array(program(ma, xs, True))
    np.testing.assert_allclose(got, fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(got, np.array(program(torch, xs, True)), rtol=1e-12)


PLAIN_VIEWS = {
    "x[1]": lambda b: b[1],
    "x[1][2]": lambda b: b[1][2],
    "narrow": lambda b: b.narrow(1, 1, 2),
    "t": lambda b: b.t(),
    "t()[1]": lambda b: b.t()[1],
    "diagonal": lambda b: b.diagonal(),
    "view": lambda b: b.view(12),
    "unfold": lambda b: b.unfold(1, 2, 2),
    "detach()[0]": lambda b: b.detach()[0],
}


def _plain_writes(T: Any) -> dict[str, Any]:
    return {
        "add_(w)": lambda v, w: v.add_(w),
        "copy_(w)": lambda v, w: v.copy_(w * 2),
        "mul_(w)": lambda v, w: v.mul_(w),
        "v[...] = w": lambda v, w: v.__setitem__(..., w.exp()),
    }


def plain_program(T: Any, view: str, write: str) -> tuple:
    """A buffer outside the graph (zeros) written through a view with an operand of the graph:
    torch makes the buffer part of the graph (CopySlices), and its other views too."""
    b = T.arange(12.0, dtype=T.float64).reshape(3, 4) * 0.5 + 1
    u = b.t()
    v = PLAIN_VIEWS[view](b)
    w = T.tensor(np.linspace(-1, 1, v.numel()).reshape(v.shape), dtype=T.float64)
    w.requires_grad_()
    _plain_writes(T)[write](v, w)
    names = [t.grad_fn.name().split("::")[-1] if t.grad_fn else None for t in (b, v, u)]
    flags = [t.requires_grad for t in (b, v, u)] + [b._version, v._version]
    weights = T.tensor(np.arange(12.0).reshape(3, 4) + 1, dtype=T.float64)
    loss = (b * weights).sum() + (v * v).sum() + (u * u * u).sum()
    (gw,) = T.autograd.grad(loss, (w,))
    return names, flags, b.tolist(), gw.tolist()


@pytest.mark.parametrize("write", list(_plain_writes(torch)))
@pytest.mark.parametrize("view", list(PLAIN_VIEWS))
def test_a_view_outside_the_graph_written_with_an_operand_of_it_as_torch(
    view: str, write: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _close(plain_program(ma, view, write), plain_program(torch, view, write))


GEOMETRIES = {
    "contiguous": lambda b: b,
    "t": lambda b: b.t(),
    "x[1:]": lambda b: b[1:],
    "x[:, 1::2]": lambda b: b[:, 1::2],
    "diagonal": lambda b: b.diagonal(),
    "expand": lambda b: b[:1].expand(3, 4),
    "unfold": lambda b: b.unfold(1, 2, 1),
}


@pytest.mark.parametrize("view", list(GEOMETRIES))
def test_strides_and_storage_offsets_as_torch(view: str) -> None:
    def program(T: Any) -> tuple:
        v = GEOMETRIES[view](T.arange(12.0).reshape(3, 4).clone())
        strided = v.as_strided((2, 2), (1, 2))
        return v.stride(), v.storage_offset(), v.stride(-1), strided.tolist()

    assert program(ma) == program(torch)


@pytest.mark.parametrize(
    "args",
    [((4, 4), (4, 1)), ((2, 2), (4, 1, 1)), ((2, 2), (-1, 1)), ((2, 2), (4, 1), 11)],
    ids=["out of bounds", "lengths", "negative", "offset out of bounds"],
)
def test_as_strided_errors_as_torch(args: tuple) -> None:
    got = _outcome(lambda: ma.arange(12.0).reshape(3, 4).as_strided(*args))
    assert got == _outcome(lambda: torch.arange(12.0).reshape(3, 4).as_strided(*args))


def test_as_strided_of_an_expanded_input_divides_its_gradient_as_torch() -> None:
    def program(T: Any) -> Any:
        a = T.arange(6.0, dtype=T.float64, requires_grad=True)
        z = a[:1].expand(3).as_strided((2,), (1,))
        (z * T.tensor([1.0, 2.0], dtype=T.float64)).sum().backward()
        return z.grad_fn.name(), a.grad.tolist()

    assert program(ma) == program(torch)


@pytest.mark.parametrize("source", ["graph", "leaf", "plain"])
@pytest.mark.parametrize("write", ["add_(1)", "add_(requires grad)"])
@pytest.mark.parametrize("grad_mode", [True, False])
@pytest.mark.parametrize("view", list(MULTI))
def test_multi_output_views_made_outside_the_graph_written_as_torch(
    view: str, grad_mode: bool, write: str, source: str
) -> None:
    def program(T: Any) -> tuple:
        def run() -> Any:
            b = _base(T, source)
            with T.set_grad_enabled(grad_mode):
                v = MULTI[view](b)
            _writes(T)[write](v)
            return b._version, b.tolist()

        return _outcome(run)

    assert program(ma) == program(torch)


@pytest.mark.parametrize(
    "key",
    [0, (0, 1), slice(0, 1), (slice(None), 1), Ellipsis, None, [0], (0, slice(1, 3))],
    ids=["int", "ints", "slice", "full slice, int", "...", "None", "list", "int, slice"],
)
@pytest.mark.parametrize("source", ["graph", "plain"])
def test_setitem_on_a_view_made_in_no_grad_as_torch(key: Any, source: str) -> None:
    def program(T: Any) -> tuple:
        def run() -> Any:
            b = _base(T, source)
            with T.no_grad():
                v = b.t()
            v[key] = T.ones((), dtype=T.float64, requires_grad=source == "plain")
            return b._version, b.tolist()

        return _outcome(run)

    assert program(ma) == program(torch)
