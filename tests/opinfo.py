"""The mechanics behind the op tables (test_ops.py, test_ops_<family>.py, test_linalg.py, ...):
build inputs, run a case under torch and mini_autograd, and compare values, dtypes, node names,
gradients and second derivatives.

A case is one line of data: the op it covers, a function written once against the torch namespace
(`fn(T, *inputs)` with T either `torch` or `mini_autograd`), and input specs. A table module is
its CASES plus one line, `test_against_torch, test_gradcheck = table_tests(CASES)`.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch

import mini_autograd as ma
import mini_autograd.nn.functional  # noqa: F401 - makes ma.nn.functional reachable as T.nn...

DTYPES = {"float32": np.float32, "float64": np.float64}


def F(T: Any) -> Any:  # noqa: N802 - the usual alias of torch.nn.functional
    """T.nn.functional, for cases written once against either namespace."""
    return T.nn.functional


# --- input specs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """How to make one input: `make(rng, float_dtype) -> array`; float inputs may require grad."""

    make: Callable[[np.random.Generator, type], np.ndarray]
    grad: bool = True


def randn(*shape: int) -> Spec:
    """Standard normal floats."""
    return Spec(lambda rng, dt: rng.standard_normal(shape).astype(dt))


def uniform(lo: float, hi: float, *shape: int, grad: bool = True) -> Spec:
    """Uniform floats in [lo, hi): a domain such as (0, inf) for log and sqrt."""
    return Spec(lambda rng, dt: rng.uniform(lo, hi, shape).astype(dt), grad)


def distinct(*shape: int) -> Spec:
    """Floats with well separated values (no near-ties), for max/min/sort-like ops."""
    n = int(np.prod(shape))

    def make(rng: np.random.Generator, dt: type) -> np.ndarray:
        return (rng.permutation(n) * 0.5 - n / 4).reshape(shape).astype(dt)

    return Spec(make)


def values(v: Any, grad: bool = True) -> Spec:
    """Exactly these values (in the float dtype under test): hard inputs, ties, zeros."""
    return Spec(lambda rng, dt: np.array(v, dtype=dt), grad)


def const(*shape: int) -> Spec:
    """Standard normal floats that do not require grad (targets, weights)."""
    return Spec(lambda rng, dt: rng.standard_normal(shape).astype(dt), grad=False)


def ints(high: int, *shape: int, low: int = 0) -> Spec:
    """int64 in [low, high) (class targets, indices)."""
    return Spec(lambda rng, dt: rng.integers(low, high, shape).astype(np.int64), grad=False)


def int_values(v: Any) -> Spec:
    return Spec(lambda rng, dt: np.array(v, dtype=np.int64), grad=False)


def bools(v: Any) -> Spec:
    """Exactly these truth values."""
    return Spec(lambda rng, dt: np.array(v, dtype=bool), grad=False)


def mask(*shape: int) -> Spec:
    """A random bool tensor."""
    return Spec(lambda rng, dt: rng.random(shape) < 0.5, grad=False)


# --- the case -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    op: str  # the registry name it covers
    fn: Callable[..., Any]  # fn(T, *inputs), T being torch or mini_autograd
    inputs: tuple[Spec, ...]
    label: str = ""
    gradcheck: bool = True  # gradcheck + gradgradcheck in float64 (off at kinks, ties, poles)
    node: bool = True  # compare grad_fn names with torch's
    second: bool = True  # compare second derivatives with torch's (float64)
    dtypes: tuple[str, ...] = ("float32", "float64")

    @property
    def id(self) -> str:
        return f"{self.op}-{self.label}" if self.label else self.op


def case(op: str, fn: Callable[..., Any], *inputs: Spec, **kw: Any) -> Case:
    return Case(op, fn, tuple(inputs), **kw)


def unique_ids(cases: list[Case]) -> list[str]:
    """Case ids for pytest, numbered when an op has several unlabelled cases."""
    seen: dict[str, int] = {}
    ids = []
    for c in cases:
        n = seen.get(c.id, 0)
        seen[c.id] = n + 1
        ids.append(c.id if n == 0 else f"{c.id}-{n}")
    return ids


# --- running --------------------------------------------------------------------------------------


def make_inputs(c: Case, dtype: str) -> tuple[list[Any], list[Any], list[int]]:
    """The same inputs for torch and mini_autograd, and the positions that require grad."""
    rng = np.random.default_rng(zlib.crc32(c.id.encode()))
    arrays = [s.make(rng, DTYPES[dtype]) for s in c.inputs]
    t_in, m_in, diff = [], [], []
    for i, (a, s) in enumerate(zip(arrays, c.inputs)):
        grad = s.grad and a.dtype.kind == "f"
        t_in.append(torch.tensor(a, requires_grad=grad))
        m_in.append(ma.tensor(a, requires_grad=grad))
        if grad:
            diff.append(i)
    return t_in, m_in, diff


def outputs(out: Any) -> list[Any]:
    """An op's result as a flat list (max(dim) gives (values, indices), split gives a tuple)."""
    return list(out) if isinstance(out, tuple | list) else [out]


def to_torch(t: ma.Tensor) -> torch.Tensor:
    return torch.from_numpy(np.array(t._data))


def assert_same(ours: Any, theirs: torch.Tensor, what: str) -> None:
    """Same shape, dtype and values (torch's assert_close defaults for the dtype)."""
    assert isinstance(ours, ma.Tensor), f"{what}: expected a Tensor, got {type(ours).__name__}"
    assert tuple(ours.shape) == tuple(theirs.shape), (
        f"{what}: shape {tuple(ours.shape)} != torch's {tuple(theirs.shape)}"
    )
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch."), (
        f"{what}: dtype {ours.dtype.name} != torch's {theirs.dtype}"
    )
    torch.testing.assert_close(
        to_torch(ours), theirs.detach(), equal_nan=True, msg=lambda m: f"{what}: {m}"
    )


def assert_raises_as_torch(call: Callable[[Any], Any]) -> None:
    """call(torch) raises; call(mini_autograd) raises the same type with the same message head
    (the text before the first colon, e.g. the op's name)."""
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(ma)
    assert str(ours.value).split(":")[0] == str(theirs.value).split(":")[0]


def check_against_torch(c: Case, dtype: str) -> None:
    """Values, node names, gradients (random upstream) and, in float64, second derivatives."""
    t_in, m_in, diff = make_inputs(c, dtype)
    t_out = outputs(c.fn(torch, *t_in))
    m_out = outputs(c.fn(ma, *m_in))
    assert len(m_out) == len(t_out), f"{len(m_out)} outputs, torch gives {len(t_out)}"
    for k, (m, t) in enumerate(zip(m_out, t_out)):
        assert_same(m, t, f"output {k}")
        assert m.requires_grad == t.requires_grad, f"output {k}: requires_grad differs"
        if c.node and t.grad_fn is not None:
            assert m.grad_fn.name() == t.grad_fn.name(), (
                f"output {k}: node {m.grad_fn.name()} != torch's {t.grad_fn.name()}"
            )
            assert type(m.grad_fn).__name__ == type(t.grad_fn).__name__, f"output {k}: node type"
    pairs = [(m, t) for m, t in zip(m_out, t_out) if t.requires_grad]
    names = [m.grad_fn.name() if m.grad_fn is not None else None for m in m_out]
    if not diff or not pairs:
        return
    rng = np.random.default_rng(1)
    gys = [rng.standard_normal(tuple(t.shape)).astype(DTYPES[dtype]) for _, t in pairs]
    second = dtype == "float64" and c.second
    t_g = torch.autograd.grad(
        [t for _, t in pairs],
        [t_in[i] for i in diff],
        [torch.tensor(g) for g in gys],
        allow_unused=True,
        create_graph=second,
    )
    m_g = ma.autograd.grad(
        [m for m, _ in pairs],
        [m_in[i] for i in diff],
        [ma.tensor(g) for g in gys],
        allow_unused=True,
        create_graph=second,
    )
    if not second:  # the graph is freed now; node names must survive that
        assert [m.grad_fn.name() if m.grad_fn else None for m in m_out] == names
    for i, m, t in zip(diff, m_g, t_g):
        if t is None:
            assert m is None or not np.any(m._data), f"grad of input {i}: torch gives None"
            continue
        assert m is not None, f"grad of input {i}: None, torch gives a tensor"
        assert_same(m, t, f"grad of input {i}")
    if second:
        # the engine does not silence numpy in backward: at poles, inf * 0 in a first backward
        # formula warns when differentiated again (see the ops report)
        with np.errstate(all="ignore"):
            _check_second(t_in, m_in, diff, t_g, m_g, rng)


def _check_second(t_in, m_in, diff, t_g, m_g, rng) -> None:
    """d/dx of <grad, v> against torch: the derivative of each backward formula.

    A gradient of ours without a graph stands for a zero second derivative (relu, nll_loss are
    piecewise linear), where torch may still record one.
    """
    live = [k for k, t in enumerate(t_g) if t is not None and t.requires_grad]
    if not live:
        return
    vs = [rng.standard_normal(tuple(t_g[k].shape)) for k in live]
    t_gg = torch.autograd.grad(
        [t_g[k] for k in live],
        [t_in[i] for i in diff],
        [torch.tensor(v) for v in vs],
        allow_unused=True,
    )
    ours = [(m_g[k], v) for k, v in zip(live, vs) if m_g[k] is not None and m_g[k].requires_grad]
    m_gg = [None] * len(diff)
    if ours:
        m_gg = ma.autograd.grad(
            [m for m, _ in ours],
            [m_in[i] for i in diff],
            [ma.tensor(v) for _, v in ours],
            allow_unused=True,
        )
    for i, m, t in zip(diff, m_gg, t_gg):
        if t is None:
            assert m is None or not np.any(m._data), f"2nd derivative wrt input {i}: torch: None"
        elif m is None:  # a zero second derivative that we never recorded
            assert not torch.any(t), f"2nd derivative wrt input {i}: None, torch gives {t}"
        else:
            assert_same(m, t, f"2nd derivative wrt input {i}")


def differentiable(c: Case) -> bool:
    """Whether gradcheck applies: gradcheck not turned off and some output requires grad."""
    if not c.gradcheck or "float64" not in c.dtypes:
        return False
    _, m_in, diff = make_inputs(c, "float64")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bool(diff) and any(o.requires_grad for o in outputs(c.fn(ma, *m_in)))


def check_gradients(c: Case) -> None:
    """gradcheck and gradgradcheck in float64 against finite differences."""
    _, m_in, diff = make_inputs(c, "float64")

    def fn(*xs: Any) -> tuple[Any, ...]:  # the floating outputs (not max's indices)
        return tuple(o for o in outputs(c.fn(ma, *xs)) if o.is_floating_point())

    assert ma.autograd.gradcheck(fn, m_in)
    assert ma.autograd.gradgradcheck(fn, m_in)


# --- the tests of a table -------------------------------------------------------------------------


def table_tests(cases: list[Case]) -> tuple[Callable[..., None], Callable[..., None]]:
    """The two parametrized tests of an op table, to bind at module level as
    `test_against_torch, test_gradcheck = table_tests(CASES)`.

    test_against_torch[<case id>-<dtype>]: values, dtypes, node names, gradients under a random
    upstream gradient and (float64) second derivatives against torch, in float32 and float64
    (skipped in a dtype the case leaves out). test_gradcheck[<case id>]: gradcheck and
    gradgradcheck in float64, for each case where they apply (see `differentiable`).
    """
    ids = unique_ids(cases)
    grad = [(i, c) for i, c in zip(ids, cases, strict=True) if differentiable(c)]

    @pytest.mark.parametrize("dtype", ["float32", "float64"])
    @pytest.mark.parametrize("c", cases, ids=ids)
    def test_against_torch(c: Case, dtype: str) -> None:
        if dtype not in c.dtypes:
            pytest.skip(f"{c.id} runs in {c.dtypes} only")
        check_against_torch(c, dtype)

    @pytest.mark.parametrize("c", [c for _, c in grad], ids=[i for i, _ in grad])
    def test_gradcheck(c: Case) -> None:
        check_gradients(c)

    return test_against_torch, test_gradcheck
