"""dtypes, promotion and conversions as torch's: each probe runs in both frameworks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from semantics import Probe, check

import mini_autograd as ma

INTS = ("uint8", "int8", "int16", "int32", "int64")
ALL = ("bool", *INTS, "float16", "float32", "float64")


def from_numpy_of(np_dtype: str) -> Any:
    return lambda T: T.tensor(np.array([1, 2, 3], dtype=np_dtype))


def binary(a: str, b: str, op: Any = lambda x, y: x + y) -> Any:
    """op over a dimensioned tensor of dtype a and one of dtype b (values that fit both)."""
    return lambda T: op(
        T.tensor([1, 2, 3], dtype=getattr(T, a)), T.tensor([3, 1, 0], dtype=getattr(T, b))
    )


PROBES = [
    *[Probe(f"numpy {d} keeps its dtype", from_numpy_of(d)) for d in ALL if d != "bool"],
    *[
        Probe(f"{a} + {b}", binary(a, b))
        for a in ALL
        for b in ALL
        if not (a == "bool" and b == "bool")
    ],
    Probe("int8 + 100 wraps as int8", lambda T: T.tensor([100, 27], dtype=T.int8) + 100),
    Probe("uint8 - 3 wraps", lambda T: T.tensor([1, 2], dtype=T.uint8) - 3),
    Probe("uint8 + 0-d int64 stays uint8", lambda T: T.tensor([1], dtype=T.uint8) + T.tensor(7)),
    Probe(
        "float16 + 0-d float64 stays float16",
        lambda T: T.ones(2, dtype=T.float16) + T.tensor(1.0, dtype=T.float64),
    ),  # noqa: E501
    Probe("int16 * 2.5 is float32", lambda T: T.tensor([1, 2], dtype=T.int16) * 2.5),
    Probe("numpy float64 scalar is a Python float", lambda T: T.ones(2) + np.float64(2.0)),
    Probe("numpy scalar on the left", lambda T: np.float64(2.0) * T.ones(2)),
    Probe("numpy float64 scalar with ints", lambda T: T.ones(2, dtype=T.int64) * np.float64(2.0)),
    Probe("numpy int64 scalar keeps int32", lambda T: T.ones(2, dtype=T.int32) + np.int64(2)),
    Probe(
        "float16 grad",
        lambda T: (lambda x: ((x * x).sum().backward(), x.grad)[1])(
            T.tensor([1.5, 2.0], dtype=T.float16, requires_grad=True)
        ),
    ),  # noqa: E501
    Probe("Tensor([1, 2]) is float32", lambda T: T.Tensor([1, 2])),
    Probe("dtype=float is float64", lambda T: T.tensor([1, 2], dtype=float)),
    Probe("dtype=int is int64", lambda T: T.tensor([1.0, 2.0], dtype=int)),
    Probe("tensor(range(3))", lambda T: T.tensor(range(3))),
    Probe("list of one-element tensors", lambda T: T.tensor([T.tensor(1.0), T.tensor([2.0])])),
    Probe("list of int tensors", lambda T: T.tensor([[T.tensor(1)], [2]])),
    Probe("format of a 0-d tensor", lambda T: f"{T.tensor(1.23456):.4f}"),
    Probe("t == None", lambda T: (T.ones(2) == None, T.ones(2) != None)),  # noqa: E711
    Probe("half and short aliases", lambda T: (T.half, T.short)),
    Probe("to(float16)", lambda T: T.tensor([1.5, 2.25]).to(T.float16)),
    Probe(
        "list of big tensors",
        lambda T: T.tensor([T.ones(2), T.ones(2)]),
        ValueError,
        "only one element tensors can be converted to Python scalars",
    ),
    Probe(
        "big-endian array",
        lambda T: T.tensor(np.arange(3, dtype=">f4")),
        ValueError,
        "byte order different from the native byte order",
    ),
    Probe(
        "big-endian from_numpy",
        lambda T: T.from_numpy(np.arange(3, dtype=">f8")),
        ValueError,
        "byte order",
    ),
    Probe(
        "to('float64')", lambda T: T.ones(2).to("float64"), RuntimeError, "Invalid device string"
    ),
    Probe("float of 2 elements", lambda T: float(T.ones(2)), ValueError, "only one element"),
    Probe("int of 2 elements", lambda T: int(T.ones(2)), ValueError, "only one element"),
    Probe("to(np.float64)", lambda T: T.ones(2).to(np.float64), TypeError, "to\\(\\) received"),
]


@pytest.mark.parametrize("probe", PROBES, ids=repr)
def test_dtypes_as_torch(probe: Probe) -> None:
    check(probe)


def test_as_tensor_and_from_numpy_share_memory() -> None:
    for make in (ma.as_tensor, ma.from_numpy):
        a = np.zeros(3, dtype=np.float32)
        t = make(a)
        a[0] = 5
        t[1] = 7
        assert t.tolist() == [5.0, 7.0, 0.0] and a.tolist() == [5.0, 7.0, 0.0]
    b = np.zeros(2)
    assert ma.as_tensor(b, dtype=ma.float32).tolist() == [0.0, 0.0]  # another dtype: a copy
    b[0] = 1
    assert ma.as_tensor([1, 2]).dtype == ma.int64


def test_bfloat16_is_refused_clearly() -> None:
    with pytest.raises(AttributeError, match="no bfloat16: numpy has no such type"):
        _ = ma.bfloat16


def test_unsupported_numpy_dtypes_raise() -> None:
    for d in ("uint32", "complex64"):
        with pytest.raises(TypeError, match=f"can't convert np.ndarray of type numpy.{d}"):
            ma.tensor(np.zeros(2, dtype=d))
