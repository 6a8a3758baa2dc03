"""Tensor's dtype conversion methods, type names, sizes and torch.finfo/iinfo, as torch's: each
probe runs in both frameworks (tests/semantics.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from semantics import Probe, check

import mini_autograd as ma

#: the conversion methods with a dtype of ours
METHODS = ("half", "float", "double", "char", "short", "byte", "int", "long", "bool")
FLOATS = ("float16", "float32", "float64")
DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", *FLOATS)


def _x(T: Any, requires_grad: bool = True) -> Any:
    return T.tensor([1.5, -2.25, 3.0, 0.0], requires_grad=requires_grad)


def _converted(method: str) -> Any:
    """x.method(): values, dtype, whether it is x, its node, and its type name and sizes."""

    def program(T: Any) -> Any:
        x = _x(T)
        y = getattr(x, method)()
        node = None if y.grad_fn is None else type(y.grad_fn).__name__
        return y, y is x, node, y.type(), y.element_size(), y.itemsize, y.nbytes

    return program


def _round_trip(there: str) -> Any:
    """float -> there -> float, backward: the gradient flows back through both conversions."""

    def program(T: Any) -> Any:
        x = T.tensor([1.5, -2.25, 3.0], requires_grad=True)
        z = getattr(x.to(getattr(T, there)), "float")()
        (z * z * T.tensor([1.0, 2.0, 3.0])).sum().backward()
        return x.grad, z

    return program


def _second_order(T: Any) -> Any:
    x = T.tensor([1.5, -2.25, 3.0], dtype=T.float64, requires_grad=True)
    y = x.half().double() ** 3
    (g,) = T.autograd.grad(y.sum(), x, create_graph=True)
    (gg,) = T.autograd.grad(g.sum(), x)
    return g, gg


def _type_of(arg: Any) -> Any:
    def program(T: Any) -> Any:
        x = _x(T)
        a = getattr(T, arg) if arg in DTYPES else arg
        y = x.type(a)
        return y, y is x, None if y.grad_fn is None else type(y.grad_fn).__name__

    return program


PROBES = [
    *[Probe(f"x.{m}()", _converted(m)) for m in METHODS],
    *[Probe(f"{d} -> float32 -> backward", _round_trip(d)) for d in ("float16", "float64")],
    Probe("half round trip: second derivative", _second_order),
    Probe("x.type()", lambda T: (_x(T).type(), T.ones(2, dtype=T.int8).type())),
    *[
        Probe(f"x.type() of {d}", lambda T, d=d: T.ones(2, dtype=getattr(T, d)).type())
        for d in DTYPES
    ],
    *[Probe(f"x.type({d})", _type_of(d)) for d in ("float16", "float32", "float64", "int64")],
    *[
        Probe(f"x.type('{n}')", _type_of(n))
        for n in ("torch.HalfTensor", "torch.FloatTensor", "torch.DoubleTensor", "torch.LongTensor")
    ],
    Probe("x.type('float')", lambda T: _x(T).type("float"), ValueError, "invalid type: 'float'"),
    Probe("x.type(dtype=float64)", lambda T: _x(T).type(dtype=T.float64)),
    Probe("x.to(float16)", lambda T: _x(T).to(T.float16)),
    Probe("x.half().half() is itself", lambda T: (lambda y: y.half() is y)(_x(T).half())),
    Probe(
        "x.to(float32) is x", lambda T: (lambda x: (x.to(T.float32) is x, x.float() is x))(_x(T))
    ),
    Probe("half of an int tensor", lambda T: T.tensor([1, 70000, -3]).half()),
    Probe("byte wraps", lambda T: T.tensor([1, 256 + 7, 300]).byte()),
    Probe(
        "nbytes of a view", lambda T: (T.ones(2, 3)[:, :2].nbytes, T.ones(3).expand(4, 3).nbytes)
    ),
    Probe("nbytes of empty", lambda T: (T.tensor([]).nbytes, T.tensor(1.0).nbytes)),
    *[
        Probe(
            f"{d}'s flags",
            lambda T, d=d: (lambda t: (t.is_floating_point, t.itemsize, t.is_signed, t.is_complex))(
                getattr(T, d)
            ),
        )
        for d in DTYPES
    ],
    Probe(
        "finfo(float16) is not finfo(bool)",
        lambda T: T.finfo(T.bool),
        TypeError,
        r"torch.finfo\(\) requires a floating point input type",
    ),
    Probe(
        "iinfo(float32)",
        lambda T: T.iinfo(T.float32),
        TypeError,
        r"torch.iinfo\(\) requires an integer input type",
    ),
    Probe("iinfo(bool)", lambda T: T.iinfo(T.bool), TypeError, "bool is not supported by"),
]


@pytest.mark.parametrize("probe", PROBES, ids=repr)
def test_conversions_as_torch(probe: Probe) -> None:
    check(probe)


@pytest.mark.parametrize("name", FLOATS)
def test_finfo_as_torch(name: str) -> None:
    want, got = torch.finfo(getattr(torch, name)), ma.finfo(getattr(ma, name))
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        w, g = getattr(want, attr), getattr(got, attr)
        assert type(g) is type(w) and g == w, (attr, g, w)
    assert repr(got) == repr(want)
    assert ma.finfo() == ma.finfo(ma.float32) and repr(ma.finfo()) == repr(torch.finfo())


@pytest.mark.parametrize("name", ("uint8", "int8", "int16", "int32", "int64"))
def test_iinfo_as_torch(name: str) -> None:
    want, got = torch.iinfo(getattr(torch, name)), ma.iinfo(getattr(ma, name))
    for attr in ("bits", "max", "min", "dtype"):
        w, g = getattr(want, attr), getattr(got, attr)
        assert type(g) is type(w) and g == w, (attr, g, w)
    assert repr(got) == repr(want)


def test_half_gradient_is_twice_the_rounded_value() -> None:
    """d/dx sum(float(half(x))^2): float16 rounding, then the exact 2 * rounded value."""
    v = np.array([1.5, -2.25, 3.1], dtype=np.float32)
    x = ma.tensor(v, requires_grad=True)
    (x.half().float() ** 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * v.astype(np.float16).astype(np.float32))
    assert x.grad.dtype == ma.float32


@pytest.mark.parametrize("method", ("bfloat16", "cfloat", "cdouble"))
def test_dtypes_we_lack_are_refused_clearly(method: str) -> None:
    getattr(torch.ones(2), method)()  # torch has them
    with pytest.raises(TypeError, match="is not a dtype in mini_autograd"):
        getattr(ma.ones(2), method)()


def test_cuda_type_names_refused_as_a_cuda_device() -> None:
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        ma.ones(2).type("torch.cuda.FloatTensor")
