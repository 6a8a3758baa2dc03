"""A second sweep of torch's semantics as a torch user writes them: creation, reductions' dtypes,
integer arithmetic, tensor conversions and Python protocols. Each probe runs in both frameworks."""

from __future__ import annotations

import numpy as np
import pytest
from semantics import Probe, check


def seeded(T, make):
    T.manual_seed(0)
    a = make(T)
    T.manual_seed(0)
    b = make(T)
    return (a.shape, a.dtype, bool((a == b).all()))


CREATION = [
    Probe("arange(5)", lambda T: T.arange(5)),
    Probe("arange(0, 1, 0.1)", lambda T: T.arange(0, 1, 0.1)),
    Probe("arange(1, 0, -0.25)", lambda T: T.arange(1, 0, -0.25)),
    Probe("arange(5, 0, -1)", lambda T: T.arange(5, 0, -1)),
    Probe("arange(0.0, 3)", lambda T: T.arange(0.0, 3)),
    Probe("arange(3, dtype=float64)", lambda T: T.arange(3, dtype=T.float64)),
    Probe("arange(0, 10, 3)", lambda T: T.arange(0, 10, 3)),
    Probe("arange(-1.5, 1.5, 0.5)", lambda T: T.arange(-1.5, 1.5, 0.5)),
    Probe(
        "arange(0, 1, 0.3, dtype=int64) errors",
        lambda T: T.arange(0, 1, 0.3, dtype=T.int64),
        raises=ValueError,
        match="step must be nonzero",
    ),
    Probe("arange(0, 3.5, 1, dtype=int64)", lambda T: T.arange(0, 3.5, 1, dtype=T.int64)),
    Probe("arange(0.5, 5, 1.5, dtype=int32)", lambda T: T.arange(0.5, 5, 1.5, dtype=T.int32)),
    Probe("arange(0.5, 2.7, 0.5, dtype=int16)", lambda T: T.arange(0.5, 2.7, 0.5, dtype=T.int16)),
    Probe("arange(-0.5, 3, dtype=int64)", lambda T: T.arange(-0.5, 3, dtype=T.int64)),
    Probe("arange(0, 5, 1.5, dtype=int64)", lambda T: T.arange(0, 5, 1.5, dtype=T.int64)),
    Probe(
        "arange(inf) errors",
        lambda T: T.arange(float("inf")),
        raises=RuntimeError,
        match="unsupported range: 0 -> inf",
    ),
    Probe("arange(tensor(4))", lambda T: T.arange(T.tensor(4))),
    Probe("arange(2, 2) empty", lambda T: T.arange(2, 2)),
    Probe(
        "arange(0, 5, 0) errors",
        lambda T: T.arange(0, 5, 0),
        raises=RuntimeError,
        match="step must be nonzero",
    ),
    Probe(
        "arange(0, 5, -1) errors",
        lambda T: T.arange(0, 5, -1),
        raises=RuntimeError,
        match="upper bound and lower bound inconsistent with step sign",
    ),
    Probe("arange requires_grad", lambda T: T.arange(3.0, requires_grad=True)),
    Probe("linspace(0, 1, 5)", lambda T: T.linspace(0, 1, 5)),
    Probe("linspace(0, 1, 1)", lambda T: T.linspace(0, 1, 1)),
    Probe("linspace(0, 1, 0)", lambda T: T.linspace(0, 1, 0)),
    Probe("linspace int dtype", lambda T: T.linspace(0, 10, 4, dtype=T.int64)),
    Probe("linspace float64", lambda T: T.linspace(-1, 1, 7, dtype=T.float64)),
    Probe("linspace reversed", lambda T: T.linspace(3, -3, 4)),
    Probe("logspace(0, 2, 3)", lambda T: T.logspace(0, 2, 3)),
    Probe("logspace base 2", lambda T: T.logspace(0, 3, 4, base=2)),
    Probe("logspace float64", lambda T: T.logspace(-1, 1, 3, dtype=T.float64)),
    Probe("full int fill", lambda T: T.full((2, 2), 3)),
    Probe("full float fill", lambda T: T.full((2,), 1.5)),
    Probe("full bool fill", lambda T: T.full((2,), True)),
    Probe("full dtype", lambda T: T.full((2,), 7, dtype=T.float16)),
    Probe("full list size", lambda T: T.full([3], -1)),
    Probe("full_like int tensor float fill", lambda T: T.full_like(T.tensor([1, 2]), 2.7)),
    Probe("full_like float tensor int fill", lambda T: T.full_like(T.ones(2), 3)),
    Probe("full_like dtype", lambda T: T.full_like(T.ones(2), 3, dtype=T.int32)),
    Probe("zeros_like dtype", lambda T: T.zeros_like(T.ones(2, 3), dtype=T.int64)),
    Probe("ones_like of int", lambda T: T.ones_like(T.tensor([1, 2]))),
    Probe("zeros_like requires_grad", lambda T: T.zeros_like(T.ones(2), requires_grad=True)),
    Probe(
        "empty_like shape dtype",
        lambda T: (lambda e: (e.shape, e.dtype))(T.empty_like(T.ones(2, 3, dtype=T.float64))),
    ),
    Probe(
        "ones_like of requires_grad tensor", lambda T: T.ones_like(T.ones(2, requires_grad=True))
    ),
    Probe(
        "rand_like",
        lambda T: (lambda r: (r.shape, r.dtype, bool(((r >= 0) & (r < 1)).all())))(
            T.rand_like(T.ones(3, 2))
        ),
    ),
    Probe("randn_like dtype", lambda T: T.randn_like(T.ones(3, dtype=T.float64)).dtype),
    Probe("eye(3)", lambda T: T.eye(3)),
    Probe("eye(2, 4)", lambda T: T.eye(2, 4)),
    Probe("eye(4, 2)", lambda T: T.eye(4, 2)),
    Probe("eye int", lambda T: T.eye(2, dtype=T.int64)),
    Probe("eye bool", lambda T: T.eye(2, dtype=T.bool)),
    Probe("eye(0)", lambda T: T.eye(0)),
    Probe(
        "eye(-1) errors",
        lambda T: T.eye(-1),
        raises=RuntimeError,
        match="n must be greater or equal to 0, got -1",
    ),
    Probe("tensor bool+int", lambda T: T.tensor([True, 2])),
    Probe("tensor int+float", lambda T: T.tensor([1, 2.5])),
    Probe("tensor bool+float", lambda T: T.tensor([True, 0.5])),
    Probe("tensor bools", lambda T: T.tensor([True, False])),
    Probe("tensor nested mixed", lambda T: T.tensor([[1, 2], [3.0, 4]])),
    Probe(
        "tensor ragged errors",
        lambda T: T.tensor([[1, 2], [3]]),
        raises=ValueError,
        match="expected sequence of length 2 at dim 1 \\(got 1\\)",
    ),
    Probe("tensor of int32 numpy scalars", lambda T: T.tensor([np.int32(1), np.int32(2)])),
    Probe("tensor of numpy scalars with ints", lambda T: T.tensor([np.int32(1), 2])),
    Probe("tensor of float64 numpy scalars", lambda T: T.tensor([np.float64(1.5), 2.5])),
    Probe("tensor of float16 and int64 scalars", lambda T: T.tensor([np.float16(1), np.int64(2)])),
    Probe("tensor of int8 and int16 scalars", lambda T: T.tensor([np.int8(1), np.int16(2)])),
    Probe("tensor of a uint8 scalar", lambda T: T.tensor([np.uint8(3)])),
    Probe("tensor of float and int32 scalar", lambda T: T.tensor([1.5, np.int32(2)])),
    Probe(
        "tensor of 0-d tensors keeps their dtype",
        lambda T: T.tensor([T.tensor(1.5, dtype=T.float64)]),
    ),
    Probe(
        "tensor of an int32 0-d tensor and an int",
        lambda T: T.tensor([T.tensor(1, dtype=T.int32), 2]),
    ),
    Probe(
        "tensor of a list of arrays",
        lambda T: T.tensor([np.array([1.0, 2.0]), np.array([3.0, 4.0])]),
    ),
    Probe(
        "tensor of int32 arrays and a list",
        lambda T: T.tensor([np.array([1, 2], dtype=np.int32), [3, 4]]),
    ),
    Probe(
        "tensor None errors",
        lambda T: T.tensor(None),
        raises=RuntimeError,
        match="Could not infer dtype of NoneType",
    ),
    Probe("tensor of int32 arrays", lambda T: T.tensor([np.array([1, 2], dtype=np.int32)] * 2)),
    Probe(
        "tensor of a float16 array and a list",
        lambda T: T.tensor([np.array([1.0, 2], dtype=np.float16), [1, 2]]),
    ),
    Probe("tensor scalar float", lambda T: T.tensor(3.5)),
    Probe("tensor scalar bool", lambda T: T.tensor(False)),
    Probe("tensor empty list", lambda T: T.tensor([])),
    Probe("tensor [[]]", lambda T: T.tensor([[]])),
    Probe(
        "tensor str errors",
        lambda T: T.tensor(["a"]),
        raises=ValueError,
        match="too many dimensions 'str'",
    ),
    Probe("tensor of big int", lambda T: T.tensor([2**40])),
    Probe(
        "tensor int overflow errors",
        lambda T: T.tensor([2**63]),
        raises=ValueError,
        match="Overflow when unpacking long long",
    ),
    Probe("tensor dtype bool from ints", lambda T: T.tensor([0, 2], dtype=T.bool)),
    Probe("tensor float into int dtype truncates", lambda T: T.tensor([1.7, -1.7], dtype=T.int64)),
    Probe("zeros size tuple", lambda T: T.zeros((2, 3))),
    Probe("zeros size list", lambda T: T.zeros([2, 3])),
    Probe("zeros varargs", lambda T: T.zeros(2, 3)),
    Probe("zeros()", lambda T: T.zeros(())),
    Probe(
        "zeros negative errors",
        lambda T: T.zeros(-1),
        raises=RuntimeError,
        match="zeros: Dimension size must be non-negative.",
    ),
    Probe("ones int dtype", lambda T: T.ones(2, dtype=T.int32)),
    Probe("ones Size", lambda T: T.ones(T.ones(2, 3).shape)),
    Probe("rand shape", lambda T: (lambda r: (r.shape, r.dtype))(T.rand(2, 3))),
    Probe("rand tuple", lambda T: T.rand((4,)).shape),
    Probe("rand dtype", lambda T: T.rand(2, dtype=T.float64).dtype),
    Probe(
        "rand int dtype errors",
        lambda T: T.rand(2, dtype=T.int64),
        raises=NotImplementedError,
        match="\"check_uniform_bounds\" not implemented for 'Long'",
    ),
    Probe("randn requires_grad", lambda T: T.randn(2, requires_grad=True).requires_grad),
    Probe("randn generator", lambda T: T.randn(3, generator=T.Generator().manual_seed(1)).shape),
    Probe(
        "generator determinism",
        lambda T: bool(
            (
                T.randn(4, generator=T.Generator().manual_seed(5))
                == T.randn(4, generator=T.Generator().manual_seed(5))
            ).all()
        ),
    ),
    Probe("manual_seed reproducible randn", lambda T: seeded(T, lambda T: T.randn(3, 2))),
    Probe("manual_seed reproducible rand", lambda T: seeded(T, lambda T: T.rand(5))),
    Probe(
        "manual_seed reproducible randint", lambda T: seeded(T, lambda T: T.randint(0, 10, (6,)))
    ),
    Probe("manual_seed reproducible randperm", lambda T: seeded(T, lambda T: T.randperm(6))),
    Probe(
        "randint(10, (3,))",
        lambda T: (lambda r: (r.shape, r.dtype, bool(((r >= 0) & (r < 10)).all())))(
            T.randint(10, (3,))
        ),
    ),
    Probe(
        "randint(low, high, size)",
        lambda T: (lambda r: (r.shape, bool(((r >= 5) & (r < 7)).all())))(T.randint(5, 7, (50,))),
    ),
    Probe("randint dtype", lambda T: T.randint(3, (2,), dtype=T.int32).dtype),
    Probe("randint float dtype", lambda T: T.randint(3, (2,), dtype=T.float32).dtype),
    Probe("randint size list", lambda T: T.randint(3, size=[2, 2]).shape),
    Probe(
        "randint low>=high errors",
        lambda T: T.randint(5, 5, (2,)),
        raises=RuntimeError,
        match="random_ expects 'from' to be less than 'to', but got from=5 >= to=5",
    ),
    Probe(
        "randint bool dtype errors",
        lambda T: T.randint(5, (2,), dtype=T.bool),
        raises=RuntimeError,
        match="to - 1 is out of bounds for bool",
    ),
    Probe("randperm", lambda T: (lambda p: (p.dtype, sorted(p.tolist())))(T.randperm(5))),
    Probe("randperm dtype", lambda T: T.randperm(3, dtype=T.float32).dtype),
    Probe("normal mean std", lambda T: T.normal(0.0, 1.0, size=(2, 3)).shape),
    Probe("normal tensors", lambda T: T.normal(T.zeros(3), T.ones(3)).shape),
    Probe("initial_seed after manual_seed", lambda T: (T.manual_seed(7), T.initial_seed())[1]),
    Probe("empty shape", lambda T: (lambda e: (e.shape, e.dtype))(T.empty(2, 3))),
    Probe("zeros_like of int keeps int", lambda T: T.zeros_like(T.tensor([1, 2]))),
    Probe("tensor from tuple", lambda T: T.tensor((1, 2, 3))),
    Probe("as_tensor list", lambda T: T.as_tensor([1.0, 2.0])),
    Probe("as_tensor keeps tensor", lambda T: (lambda t: T.as_tensor(t) is t)(T.ones(2))),
    Probe("tensor of tensor warns", lambda T: T.tensor(T.ones(2)), warns=UserWarning),
    Probe("scalar_tensor", lambda T: T.scalar_tensor(3)),
    Probe("zeros dtype=float", lambda T: T.zeros(2, dtype=float)),
    Probe("ones dtype=bool", lambda T: T.ones(2, dtype=bool)),
    Probe("full_like bool", lambda T: T.full_like(T.tensor([True]), 0)),
    Probe("tril_indices", lambda T: T.tril_indices(3, 3)),
    Probe("triu_indices offset", lambda T: T.triu_indices(3, 4, 1)),
    Probe("arange float32 count", lambda T: T.arange(0, 0.9, 0.3)),
    Probe("arange(1, 2.5)", lambda T: T.arange(1, 2.5)),
    Probe(
        "zeros requires_grad int errors",
        lambda T: T.zeros(2, dtype=T.int64, requires_grad=True),
        raises=RuntimeError,
        match="Only Tensors of floating point and complex dtype can require gradients",
    ),
]


@pytest.mark.parametrize("probe", CREATION, ids=repr)
def test_creation_as_torch(probe: Probe) -> None:
    check(probe)


def ints(T, dtype="int64"):
    return T.tensor([[3, -1, 4], [1, -5, 9]], dtype=getattr(T, dtype))


def bools(T):
    return T.tensor([[True, False, True], [True, True, False]])


def floats(T):
    return T.tensor([[0.5, -1.5, 2.0], [3.0, 1.0, -2.5]])


REDUCTIONS = [
    *[
        Probe(f"sum of {d}", lambda T, d=d: ints(T, d).sum())
        for d in ("int8", "uint8", "int32", "int16")
    ],
    Probe("sum of bool", lambda T: bools(T).sum()),
    Probe("sum of bool dim", lambda T: bools(T).sum(0)),
    Probe("prod of int32", lambda T: ints(T, "int32").prod()),
    Probe("prod of bool", lambda T: bools(T).prod()),
    Probe("prod of bool dim", lambda T: bools(T).prod(1)),
    Probe(
        "mean of int errors",
        lambda T: ints(T).mean(),
        raises=RuntimeError,
        match="mean\\(\\): could not infer output dtype. Input dtype must be either a floating "
        "point or complex dtype. Got: Long",
    ),
    Probe("mean of int dtype=", lambda T: ints(T).mean(dtype=T.float64)),
    Probe("mean of bool errors", lambda T: bools(T).mean(), raises=RuntimeError, match="Got: Bool"),
    Probe("sum dtype=float64", lambda T: floats(T).sum(dtype=T.float64)),
    Probe("sum int dtype=float32", lambda T: ints(T).sum(dtype=T.float32)),
    Probe("sum dim dtype", lambda T: ints(T, "int8").sum(1, dtype=T.int16)),
    Probe("sum dims list", lambda T: floats(T).sum([0, 1])),
    Probe("sum dims tuple negative", lambda T: floats(T).sum((-1,), keepdim=True)),
    Probe("sum dim=() is all", lambda T: floats(T).sum(())),
    Probe(
        "sum repeated dim errors",
        lambda T: floats(T).sum((0, 0)),
        raises=RuntimeError,
        match="dim 0 appears multiple times in the list of dims",
    ),
    Probe(
        "sum dim out of range",
        lambda T: floats(T).sum(2),
        raises=IndexError,
        match="Dimension out of range \\(expected to be in range of \\[-2, 1\\], but got 2\\)",
    ),
    Probe("cumsum of bool", lambda T: bools(T).cumsum(1)),
    Probe("cumsum of int8", lambda T: ints(T, "int8").cumsum(0)),
    Probe("cumprod of int32", lambda T: ints(T, "int32").cumprod(1)),
    Probe("cumsum dtype", lambda T: ints(T).cumsum(1, dtype=T.float32)),
    Probe("max of bool", lambda T: bools(T).max()),
    Probe("min of bool", lambda T: bools(T).min()),
    Probe("max of bool dim", lambda T: tuple(bools(T).max(1))),
    Probe("max of int8", lambda T: ints(T, "int8").max()),
    Probe("amax of int", lambda T: ints(T).amax(1)),
    Probe("argmax ties first", lambda T: T.tensor([1, 3, 3, 2]).argmax()),
    Probe("argmin ties first", lambda T: T.tensor([2, 1, 5, 1]).argmin()),
    Probe("argmax dim", lambda T: T.tensor([[1, 5, 5], [7, 7, 0]]).argmax(1)),
    Probe("argmax dim keepdim", lambda T: T.tensor([[1, 5, 5], [7, 7, 0]]).argmax(0, keepdim=True)),
    Probe(
        "argmax of bool errors",
        lambda T: bools(T).argmax(),
        raises=RuntimeError,
        match="argmax\\(\\): does not support bool input",
    ),
    Probe("max dim ties index", lambda T: tuple(T.tensor([[1.0, 5.0, 5.0]]).max(1))),
    Probe("min dim ties index", lambda T: tuple(T.tensor([[4.0, 0.0, 0.0]]).min(1))),
    Probe("max with nan", lambda T: T.tensor([1.0, float("nan"), 2.0]).max()),
    Probe("argmax with nan", lambda T: T.tensor([1.0, float("nan"), 2.0]).argmax()),
    Probe("all of float", lambda T: floats(T).all()),
    Probe("any of int", lambda T: ints(T).any(1)),
    Probe("all of uint8 is uint8", lambda T: T.tensor([1, 2, 0], dtype=T.uint8).all()),
    Probe("any of uint8 is uint8", lambda T: T.tensor([0, 2], dtype=T.uint8).any()),
    Probe("all dim keepdim", lambda T: bools(T).all(1, keepdim=True)),
    Probe("all of empty", lambda T: T.ones(0).all()),
    Probe("any of empty", lambda T: T.ones(0).any()),
    Probe("std default unbiased", lambda T: floats(T).std()),
    Probe("std unbiased=False", lambda T: floats(T).std(unbiased=False)),
    Probe("std correction=0", lambda T: floats(T).std(correction=0)),
    Probe("std correction=2 dim", lambda T: floats(T).std(1, correction=2)),
    Probe("var dim list keepdim", lambda T: floats(T).var([0, 1], keepdim=True)),
    Probe("var dim unbiased positional", lambda T: floats(T).var(0, False)),
    Probe("var of one element is nan", lambda T: T.tensor([2.0]).var(), warns=UserWarning),
    Probe(
        "std of int errors",
        lambda T: ints(T).std(),
        raises=RuntimeError,
        match="std and var only support floating point and complex dtypes",
    ),
    Probe("var_mean", lambda T: T.var_mean(floats(T), 1)),
    Probe("std_mean correction", lambda T: T.std_mean(floats(T), correction=0)),
    Probe("sum of empty is 0", lambda T: T.ones(0).sum()),
    Probe("sum of empty int", lambda T: T.ones(0, dtype=T.int64).sum()),
    Probe("prod of empty is 1", lambda T: T.ones(0).prod()),
    Probe("mean of empty is nan", lambda T: T.ones(0).mean()),
    Probe("mean of empty dim", lambda T: T.ones(0, 3).mean(0)),
    Probe("sum of empty dim", lambda T: T.ones(0, 3).sum(0)),
    Probe(
        "max of empty errors",
        lambda T: T.ones(0).max(),
        raises=RuntimeError,
        match="max\\(\\): Expected reduction dim to be specified for input.numel\\(\\) == 0. "
        "Specify the reduction dim with the 'dim' argument.",
    ),
    Probe(
        "max of empty dim errors",
        lambda T: T.ones(0, 3).max(0),
        raises=IndexError,
        match="max\\(\\): Expected reduction dim 0 to have non-zero size.",
    ),
    Probe(
        "argmax of empty errors",
        lambda T: T.ones(0).argmax(),
        raises=IndexError,
        match="argmax\\(\\): Expected reduction dim to be specified for input.numel\\(\\) == 0.",
    ),
    Probe(
        "amax of empty errors",
        lambda T: T.ones(0).amax(),
        raises=RuntimeError,
        match="amax\\(\\): Expected reduction dim to be specified for input.numel\\(\\) == 0.",
    ),
    Probe("max of empty along other dim", lambda T: tuple(T.ones(0, 3).max(1))),
    Probe("std of empty is nan", lambda T: T.ones(0).std(), warns=UserWarning),
    Probe(
        "logcumsumexp of int errors",
        lambda T: T.logcumsumexp(ints(T), 0),
        raises=NotImplementedError,
        match="\"logcumsumexp_out_cpu\" not implemented for 'Long'",
    ),
    Probe("logsumexp of int", lambda T: T.logsumexp(ints(T), 1)),
    Probe(
        "norm of int errors",
        lambda T: ints(T).norm(),
        raises=RuntimeError,
        match="linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long",
    ),
    Probe("median of even picks lower", lambda T: T.tensor([1.0, 4.0, 2.0, 3.0]).median()),
    Probe("median dim", lambda T: tuple(T.tensor([[1.0, 4.0, 2.0, 3.0]]).median(1))),
    Probe("mode", lambda T: tuple(T.tensor([1, 2, 2, 3, 3]).mode())),
    Probe("count_nonzero", lambda T: T.count_nonzero(ints(T), 0)),
    Probe("nansum", lambda T: T.tensor([1.0, float("nan")]).nansum()),
    Probe("nanmean", lambda T: T.tensor([1.0, float("nan"), 3.0]).nanmean()),
    Probe("sum keepdim of 0-d", lambda T: T.tensor(3.0).sum(0, keepdim=True)),
    Probe("max of 0-d dim 0", lambda T: tuple(T.tensor(3.0).max(0))),
    Probe("aminmax", lambda T: tuple(T.aminmax(floats(T)))),
    Probe("sum of int64 overflow wraps", lambda T: T.tensor([2**62, 2**62, 2**62]).sum()),
    Probe("sum of uint8 no wrap", lambda T: T.tensor([200, 200], dtype=T.uint8).sum()),
    Probe("cumsum of uint8 is int64", lambda T: T.tensor([200, 200], dtype=T.uint8).cumsum(0)),
    Probe("mean dim keepdim negative", lambda T: floats(T).mean(-2, keepdim=True)),
    Probe("mean dims tuple", lambda T: floats(T).mean((0, 1))),
    Probe("prod dim keepdim", lambda T: ints(T).prod(1, keepdim=True)),
    Probe("sum bool dtype=bool", lambda T: bools(T).sum(dtype=T.bool)),
]


@pytest.mark.parametrize("probe", REDUCTIONS, ids=repr)
def test_reductions_as_torch(probe: Probe) -> None:
    check(probe)
