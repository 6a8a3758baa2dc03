"""Printing, grad-mode switches, Python protocols on tensors and Tensor.new_* as torch's: each
probe runs in both frameworks."""

from __future__ import annotations

import numpy as np
import pytest
from semantics import Probe, check


def printed(make):
    return lambda T: repr(make(T)).replace("mini_autograd", "torch")


def stred(make):
    return lambda T: str(make(T)).replace("mini_autograd", "torch")


def with_options(make, **options):
    """The repr of make(T) under set_printoptions(**options), then the defaults again."""

    def program(T):
        T.set_printoptions(**options)
        try:
            return repr(make(T)).replace("mini_autograd", "torch")
        finally:
            T.set_printoptions(profile="default")

    return program


def gen_under_no_grad(T):
    @T.no_grad()
    def gen():
        for i in range(2):
            yield T.is_grad_enabled()

    return list(gen())


def gen_enable_in_no_grad(T):
    @T.enable_grad()
    def gen():
        yield T.is_grad_enabled()
        yield (T.ones(1, requires_grad=True) * 2).requires_grad

    with T.no_grad():
        g = gen()
        first = next(g)
    return first, next(g), T.is_grad_enabled()


def gen_send(T):
    @T.no_grad()
    def gen():
        got = yield T.is_grad_enabled()
        yield got, T.is_grad_enabled()
        return "done"

    g = gen()
    a = next(g)
    b = g.send(5)
    try:
        next(g)
    except StopIteration as stop:
        return a, b, stop.value, T.is_grad_enabled()


def decorated(T):
    @T.no_grad()
    def f(x):
        return (x * 2).requires_grad, T.is_grad_enabled()

    return f(T.ones(1, requires_grad=True)), T.is_grad_enabled()


def bare_decorator(T):
    @T.no_grad
    def f(x):
        return (x * 2).requires_grad

    return f(T.ones(1, requires_grad=True))


def enable_inside(T):
    x = T.ones(1, requires_grad=True)
    with T.no_grad():
        with T.enable_grad():
            a = (x * 2).requires_grad
        b = (x * 2).requires_grad
    return a, b


def set_grad_fn(T):
    T.set_grad_enabled(False)
    a = T.is_grad_enabled()
    T.set_grad_enabled(True)
    return a, T.is_grad_enabled()


def set_grad_ctx(T):
    with T.set_grad_enabled(False):
        a = T.is_grad_enabled()
    return a, T.is_grad_enabled()


def set_grad_decorator(T):
    @T.set_grad_enabled(False)
    def f():
        return T.is_grad_enabled()

    return f(), T.is_grad_enabled()


def inference(T):
    x = T.ones(1, requires_grad=True)
    with T.inference_mode():
        y = x * 2
    return y.requires_grad, T.is_grad_enabled()


def exception_restores(T):
    try:
        with T.no_grad():
            raise KeyError
    except KeyError:
        pass
    return T.is_grad_enabled()


def np_shares(T):
    t = T.zeros(3)
    a = t.numpy()
    a[0] = 5
    t[1] = 7
    return t.tolist(), a.tolist()


def iterate(T):
    return [type(r).__name__ + str(tuple(r.shape)) for r in T.ones(3, 2)]


def hashing(T):
    t = T.ones(2)
    d = {t: 1}
    return d[t], hash(t) == hash(t), len({T.ones(1), T.ones(1)})


def new_methods(T):
    t = T.ones(2, dtype=T.float64, requires_grad=True)
    return [
        t.new_tensor([1, 2]),
        t.new_zeros(2, 3),
        t.new_ones((1,)),
        t.new_full((2,), 7),
        t.new_empty(3).shape,
        t.new_zeros(2, dtype=T.int32),
        t.new_tensor([1.5]).requires_grad,
        t.new_ones(2, requires_grad=True).requires_grad,
    ]


def new_from_int(T):
    t = T.tensor([1, 2])
    return [t.new_tensor([1.5, 2.5]), t.new_full((2,), 2.5), t.new_zeros(1), t.new_tensor(True)]


def tolist_types(T):
    vals = [
        T.tensor([1, 2]).tolist(),
        T.tensor([1.5]).tolist(),
        T.tensor([True]).tolist(),
        T.tensor(3).tolist(),
    ]
    return vals, [type(v[0]).__name__ if isinstance(v, list) else type(v).__name__ for v in vals]


PRINT = [
    Probe("repr float", printed(lambda T: T.tensor([1.0, 2.5, -3.0]))),
    Probe("repr float round", printed(lambda T: T.tensor([1.23456789, 2.0]))),
    Probe("repr int", printed(lambda T: T.tensor([1, -20, 300]))),
    Probe("repr int32", printed(lambda T: T.tensor([1, 2], dtype=T.int32))),
    Probe("repr uint8", printed(lambda T: T.tensor([1, 2], dtype=T.uint8))),
    Probe("repr int8", printed(lambda T: T.tensor([1, -2], dtype=T.int8))),
    Probe("repr bool", printed(lambda T: T.tensor([True, False]))),
    Probe("repr float16", printed(lambda T: T.tensor([1.5, 2.25], dtype=T.float16))),
    Probe("repr float64", printed(lambda T: T.tensor([1.5, 2.25], dtype=T.float64))),
    Probe("repr 0-d", printed(lambda T: T.tensor(3.5))),
    Probe("repr 0-d int", printed(lambda T: T.tensor(3))),
    Probe("repr 0-d bool", printed(lambda T: T.tensor(True))),
    Probe("repr 0-d float64", printed(lambda T: T.tensor(2.0, dtype=T.float64))),
    Probe("repr empty", printed(lambda T: T.tensor([]))),
    Probe("repr empty 2-d", printed(lambda T: T.ones(0, 3))),
    Probe("repr empty int", printed(lambda T: T.ones(2, 0, dtype=T.int64))),
    Probe("repr empty float64", printed(lambda T: T.ones(0, dtype=T.float64))),
    Probe("repr 2-d", printed(lambda T: T.arange(6.0).reshape(2, 3))),
    Probe("repr 3-d", printed(lambda T: T.arange(8).reshape(2, 2, 2))),
    Probe("repr large summarised", printed(lambda T: T.arange(2000.0))),
    Probe("repr large int summarised", printed(lambda T: T.arange(1500))),
    Probe("repr large 2-d summarised", printed(lambda T: T.arange(40000.0).reshape(200, 200))),
    Probe("repr 1000 elements not summarised", printed(lambda T: T.arange(1000))),
    Probe("repr sci mode", printed(lambda T: T.tensor([1e-8, 1.0, 1e8]))),
    Probe("repr sci small", printed(lambda T: T.tensor([1e-5, 2e-5]))),
    Probe("repr big ints as float", printed(lambda T: T.tensor([1e10, 1.0]))),
    Probe(
        "repr inf nan",
        printed(lambda T: T.tensor([float("inf"), float("nan"), -float("inf"), 1.5])),
    ),
    Probe("repr integral floats", printed(lambda T: T.tensor([1.0, 2.0, 100.0]))),
    Probe("repr negative zero", printed(lambda T: T.tensor([-0.0, 1.0]))),
    Probe("repr requires_grad", printed(lambda T: T.ones(2, requires_grad=True))),
    Probe("repr grad_fn", printed(lambda T: T.ones(2, requires_grad=True) * 2)),
    Probe("repr grad_fn sum", printed(lambda T: (T.ones(2, requires_grad=True) * 2).sum())),
    Probe("repr Parameter", printed(lambda T: T.nn.Parameter(T.ones(2)))),
    Probe(
        "repr float64 requires_grad",
        printed(lambda T: T.ones(2, dtype=T.float64, requires_grad=True)),
    ),
    Probe("repr wide row wraps", printed(lambda T: T.arange(30.0) / 7)),
    Probe("repr mixed magnitudes", printed(lambda T: T.tensor([0.001, 123.456]))),
    Probe("printoptions precision", with_options(lambda T: T.tensor([1.23456, 2.0]), precision=2)),
    Probe(
        "printoptions sci_mode=False",
        with_options(lambda T: T.tensor([1e-8, 1.0, 1e8]), sci_mode=False),
    ),
    Probe(
        "printoptions sci_mode=True", with_options(lambda T: T.tensor([1.5, 2.0]), sci_mode=True)
    ),
    Probe(
        "printoptions threshold edgeitems",
        with_options(lambda T: T.arange(10), threshold=5, edgeitems=1),
    ),
    Probe("printoptions linewidth", with_options(lambda T: T.arange(10.0), linewidth=20)),
    Probe(
        "printoptions short profile",
        with_options(lambda T: T.arange(2000.0).reshape(2, 1000) / 3, profile="short"),
    ),
    Probe("printoptions full profile", with_options(lambda T: T.arange(1200), profile="full")),
    Probe(
        "printoptions 2-d threshold",
        with_options(lambda T: T.arange(64).reshape(8, 8), threshold=10, edgeitems=2),
    ),
    Probe(
        "printoptions restored",
        lambda T: (
            T.set_printoptions(precision=1),
            T.set_printoptions(profile="default"),
            repr(T.tensor([1.23456])),
        )[2],
    ),
    Probe("str is repr", stred(lambda T: T.tensor([1.0, 2.0]))),
    Probe("format 0-d", lambda T: f"{T.tensor(2.5):.2f}"),
    Probe("format 0-d int", lambda T: f"{T.tensor(7):03d}"),
    Probe("format multi-element", lambda T: format(T.tensor([1.0, 2.0]))),
    Probe(
        "format spec multi-element errors",
        lambda T: f"{T.tensor([1.0, 2.0]):.2f}",
        raises=TypeError,
        match="unsupported format string passed to Tensor.__format__",
    ),
    Probe("Size repr", lambda T: repr(T.ones(2, 3).shape).replace("mini_autograd", "torch")),
    Probe("dtype repr", lambda T: repr(T.ones(1).dtype).replace("mini_autograd", "torch")),
]

MISC = [
    Probe("no_grad on a generator", gen_under_no_grad),
    Probe("enable_grad on a generator inside no_grad", gen_enable_in_no_grad),
    Probe("generator under no_grad: send, return value", gen_send),
    Probe("no_grad decorator", decorated),
    Probe("no_grad bare decorator", bare_decorator),
    Probe("enable_grad inside no_grad", enable_inside),
    Probe("set_grad_enabled as a function", set_grad_fn),
    Probe("set_grad_enabled as a context", set_grad_ctx),
    Probe("set_grad_enabled as a decorator", set_grad_decorator),
    Probe("inference_mode", inference),
    Probe("no_grad restored on exception", exception_restores),
    Probe("is_grad_enabled", lambda T: T.is_grad_enabled()),
    Probe(
        "requires_grad on int errors",
        lambda T: T.tensor([1], requires_grad=True),
        raises=RuntimeError,
        match="Only Tensors of floating point and complex dtype can require gradients",
    ),
    Probe(
        "requires_grad_ on int errors",
        lambda T: T.tensor([1]).requires_grad_(),
        raises=RuntimeError,
        match="only Tensors of floating point dtype can require gradients",
    ),
    Probe(
        "requires_grad= on int errors",
        lambda T: setattr(T.tensor([1]), "requires_grad", True),
        raises=RuntimeError,
        match="only Tensors of floating point and complex dtype can require gradients",
    ),
    Probe(
        "requires_grad False on int ok", lambda T: T.tensor([1]).requires_grad_(False).requires_grad
    ),
    Probe(
        "item of multi-element errors",
        lambda T: T.ones(2).item(),
        raises=RuntimeError,
        match="a Tensor with 2 elements cannot be converted to Scalar",
    ),
    Probe(
        "item of empty errors",
        lambda T: T.ones(0).item(),
        raises=RuntimeError,
        match="a Tensor with 0 elements cannot be converted to Scalar",
    ),
    Probe("item of one element", lambda T: T.ones(1, 1).item()),
    Probe("item of int", lambda T: T.tensor([5]).item()),
    Probe("item of bool", lambda T: T.tensor(True).item()),
    Probe(
        "len of 0-d errors",
        lambda T: len(T.tensor(1.0)),
        raises=TypeError,
        match="len\\(\\) of a 0-d tensor",
    ),
    Probe("len", lambda T: len(T.ones(3, 2))),
    Probe("iteration", iterate),
    Probe(
        "iterating a 0-d errors",
        lambda T: list(T.tensor(1.0)),
        raises=TypeError,
        match="iteration over a 0-d tensor",
    ),
    Probe("in operator", lambda T: (2 in T.tensor([1, 2, 3]), 5 in T.tensor([1, 2, 3]))),
    Probe("tensor in tensor", lambda T: T.tensor([1, 2]) in T.tensor([[1, 2], [3, 4]])),
    Probe(
        "bool of multi-element errors",
        lambda T: bool(T.ones(2)),
        raises=RuntimeError,
        match="Boolean value of Tensor with more than one value is ambiguous",
    ),
    Probe(
        "bool of empty errors",
        lambda T: bool(T.ones(0)),
        raises=RuntimeError,
        match="Boolean value of Tensor with no values is ambiguous",
    ),
    Probe("bool of one element", lambda T: (bool(T.tensor([0.0])), bool(T.tensor(3)))),
    Probe("if on a comparison", lambda T: "yes" if T.tensor(2) > 1 else "no"),
    Probe("hash and dict keys", hashing),
    Probe("numpy shares memory", np_shares),
    Probe(
        "numpy of requires_grad errors",
        lambda T: T.ones(1, requires_grad=True).numpy(),
        raises=RuntimeError,
        match="Can't call numpy\\(\\) on Tensor that requires grad. "
        "Use tensor.detach\\(\\).numpy\\(\\) instead.",
    ),
    Probe("numpy(force=True)", lambda T: T.ones(1, requires_grad=True).numpy(force=True).tolist()),
    Probe("np.asarray", lambda T: np.asarray(T.tensor([1, 2])).dtype.name),
    Probe("tolist types", tolist_types),
    Probe("float()", lambda T: float(T.tensor([2.5]))),
    Probe("int() truncates", lambda T: int(T.tensor(-2.7))),
    Probe(
        "float() of multi errors",
        lambda T: float(T.ones(2)),
        raises=ValueError,
        match="only one element tensors can be converted to Python scalars",
    ),
    Probe(
        "int() of multi errors",
        lambda T: int(T.ones(2)),
        raises=ValueError,
        match="only one element tensors can be converted to Python scalars",
    ),
    Probe("complex()", lambda T: complex(T.tensor(1.5))),
    Probe("index with a tensor int", lambda T: [10, 20, 30][T.tensor(1)]),
    Probe(
        "index with a float tensor errors",
        lambda T: [10, 20][T.tensor(1.0)],
        raises=TypeError,
        match="only integer tensors of a single element can be converted to an index",
    ),
    Probe("range with a tensor", lambda T: list(range(T.tensor(3)))),
    Probe(
        "is_tensor", lambda T: (T.is_tensor(T.ones(1)), T.is_tensor(np.ones(1)), T.is_tensor(1.0))
    ),
    Probe(
        "is_floating_point",
        lambda T: (T.is_floating_point(T.ones(1)), T.ones(1, dtype=T.int64).is_floating_point()),
    ),
    Probe("numel", lambda T: (T.numel(T.ones(2, 3)), T.ones(0, 4).numel(), T.tensor(1.0).numel())),
    Probe(
        "dim/ndim/ndimension", lambda T: (lambda t: (t.dim(), t.ndim, t.ndimension()))(T.ones(2, 3))
    ),
    Probe("size()", lambda T: (T.ones(2, 3).size(), T.ones(2, 3).size(1), T.ones(2, 3).size(-1))),
    Probe(
        "size out of range errors",
        lambda T: T.ones(2, 3).size(2),
        raises=IndexError,
        match="Dimension out of range \\(expected to be in range of \\[-2, 1\\], but got 2\\)",
    ),
    Probe(
        "Size is a tuple",
        lambda T: (
            isinstance(T.ones(2).shape, tuple),
            T.ones(2, 3).shape == (2, 3),
            T.ones(2, 3).shape[1:],
            T.ones(2, 3).shape.numel(),
        ),
    ),
    Probe("new_* methods", new_methods),
    Probe("new_* from an int tensor", new_from_int),
    Probe(
        "element_size",
        lambda T: (
            T.ones(1).element_size(),
            T.ones(1, dtype=T.int8).element_size(),
            T.ones(1, dtype=T.float64).element_size(),
        ),
    ),
    Probe("nbytes and itemsize", lambda T: (T.ones(3).nbytes, T.ones(3, dtype=T.int16).itemsize)),
    Probe(
        "is_leaf",
        lambda T: (lambda x: (x.is_leaf, (x * 2).is_leaf, T.ones(1).is_leaf))(
            T.ones(1, requires_grad=True)
        ),
    ),
    Probe(
        "grad of non-leaf warns",
        lambda T: (T.ones(1, requires_grad=True) * 2).grad,
        warns=UserWarning,
    ),
    Probe("detach shares", lambda T: (lambda x: (x.detach().fill_(3.0), x)[1])(T.ones(2))),
    Probe("clone is a copy", lambda T: (lambda x: (x.clone().fill_(3.0), x)[1])(T.ones(2))),
    Probe("equal ids", lambda T: (lambda t: t.data_ptr() == t.detach().data_ptr())(T.ones(2))),
    Probe(
        "type()",
        lambda T: (
            T.ones(1).type(),
            T.ones(1, dtype=T.int64).type(),
            T.ones(1, dtype=T.bool).type(),
        ),
    ),
    Probe("type(dtype)", lambda T: T.ones(2).type(T.int32)),
    Probe("type('torch.DoubleTensor')", lambda T: T.ones(2).type("torch.DoubleTensor")),
    Probe(
        "Tensor is a type", lambda T: (isinstance(T.ones(1), T.Tensor), type(T.ones(1)).__name__)
    ),
    Probe("torch.Tensor(2, 3) shape", lambda T: T.Tensor(2, 3).shape),
    Probe("torch.Tensor() empty", lambda T: T.Tensor()),
    Probe("torch.LongTensor", lambda T: T.LongTensor([1, 2])),
    Probe("torch.FloatTensor", lambda T: T.FloatTensor([1, 2])),
    Probe("torch.BoolTensor", lambda T: T.BoolTensor([1, 0])),
    Probe("get_default_dtype", lambda T: T.get_default_dtype()),
    Probe("unbind in for", lambda T: [t.tolist() for t in T.arange(4).reshape(2, 2).unbind(1)]),
    Probe("reversed", lambda T: [t.item() for t in reversed(T.tensor([1, 2, 3]))]),
    Probe("abs()", lambda T: abs(T.tensor([-1.5, 2.0]))),
    Probe(
        "round() errors",
        lambda T: round(T.tensor(2.567), 1),
        raises=TypeError,
        match="type Tensor doesn't define __round__ method",
    ),
    Probe(
        "in with a str errors",
        lambda T: "a" in T.ones(2),
        raises=RuntimeError,
        match="Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
        "<class 'str'>.",
    ),
    Probe("tensor not in tensor", lambda T: T.tensor([9, 9]) in T.tensor([[1, 2], [3, 4]])),
    Probe(
        "new_tensor of a tensor warns",
        lambda T: T.ones(2).new_tensor(T.tensor([1, 2])),
        warns=UserWarning,
    ),
    Probe(
        "new_zeros size forms",
        lambda T: (
            T.ones(1).new_zeros((2, 3)).shape,
            T.ones(1).new_zeros([2]).shape,
            T.ones(1).new_empty((2,)).shape,
        ),
    ),
    Probe(
        "legacy constructors by size",
        lambda T: (
            T.FloatTensor(2, 3).shape,
            T.LongTensor(2).dtype,
            T.DoubleTensor(T.Size([1, 2])).shape,
        ),
    ),
    Probe(
        "legacy constructors isinstance",
        lambda T: (
            isinstance(T.ones(1), T.FloatTensor),
            isinstance(T.ones(1), T.LongTensor),
            isinstance(T.tensor([1]), T.LongTensor),
        ),
    ),
    Probe(
        "legacy constructors data",
        lambda T: [
            T.ByteTensor([1]),
            T.IntTensor([1]),
            T.HalfTensor([1]),
            T.LongTensor([1.7]),
            T.ShortTensor([2]),
            T.CharTensor([-1]),
        ],
    ),
    Probe("torch.Tensor of an int tensor keeps it", lambda T: T.Tensor(T.ones(2, dtype=T.int64))),
    Probe(
        "divmod",
        lambda T: divmod(T.tensor([7, -7]), 2),
        raises=TypeError,
        match="unsupported operand type",
    ),
    Probe("max() builtin over 1-d", lambda T: max(T.tensor([3, 1, 4]))),
    Probe("sum() builtin", lambda T: sum(T.tensor([1.0, 2.0]))),
    Probe("sorted() builtin", lambda T: [t.item() for t in sorted(T.tensor([3, 1, 2]))]),
    Probe("matmul @", lambda T: T.ones(2, 3) @ T.ones(3)),
    Probe("@ of ints", lambda T: T.tensor([[1, 2]]) @ T.tensor([[3], [4]])),
    Probe(
        "@ mixed dtypes errors",
        lambda T: T.ones(2, 2) @ T.ones(2, 2, dtype=T.float64),
        raises=RuntimeError,
        match="expected m1 and m2 to have the same dtype, but got: float != double",
    ),
    Probe("mT", lambda T: T.ones(2, 3, 4).mT.shape),
]


@pytest.mark.parametrize("probe", PRINT, ids=repr)
def test_printing_as_torch(probe: Probe) -> None:
    check(probe)


@pytest.mark.parametrize("probe", MISC, ids=repr)
def test_misc_as_torch(probe: Probe) -> None:
    check(probe)
